// The own format's JSON Schema is valid, the bundled example and the hand-written fixtures follow
// it, and a document that breaks it is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from '../../xtask/node_modules/ajv/dist/2020.js';
import { repository } from './helpers.mjs';

const schema = JSON.parse(readFileSync(join(repository, 'www/trace-viewer.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

test('the bundled example follows the schema', () => {
  const example = JSON.parse(readFileSync(join(repository, 'www/examples/refund-agent.json'), 'utf8'));
  assert.equal(validate(example), true, JSON.stringify(validate.errors, null, 2));
});

test('the schema rejects a span without an id and an unknown kind', () => {
  const document = { format: 'trace-viewer/v1', spans: [{ name: 'x', kind: 'teleporter' }] };
  assert.equal(validate(document), false);
  const problems = validate.errors.map((error) => `${error.instancePath} ${error.message}`);
  assert.ok(problems.some((problem) => problem.includes("must have required property 'id'")), problems.join('\n'));
  assert.ok(problems.some((problem) => problem.startsWith('/spans/0/kind')), problems.join('\n'));
});
