// The merged tree in headless Chromium: mergedTree() reads the filter's first traces again from
// the corpus's file and merges them exactly as the native reference merges the same traces from
// a whole import (tests/aggregate.rs writes it); the dashboard's panel merges on demand, orders
// the paths by self time and names a chosen path's callers and callees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inViewer, newPage, openGeneratedCorpus, repository, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();
const expected = JSON.parse(readFileSync(join(repository, 'target/corpus/reference-1500.aggregates.json'), 'utf8')).mergedRefund200;

test('mergedTree() equals the reference, and the dashboard panel merges on demand with callers and callees', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 900 } });
  await openGeneratedCorpus(page, session.server.url);
  const answer = await page.evaluate(() => document.getElementById('viewer').mergedTree({ filter: 'intent = "refund"', limit: 200 }));
  assert.deepEqual(answer, expected);

  await page.evaluate(() => {
    const viewer = document.getElementById('viewer');
    viewer.setAttribute('filter', 'intent = "refund"');
    viewer.setAttribute('panels', 'merged_tree');
    viewer.setAttribute('view', 'dashboard');
  });
  const button = page.locator(inViewer('.tv-merged button'));
  await waitUntil(async () => (await button.textContent().catch(() => '')) === `Merge ${expected.matching} traces`, 'the merge button for the filter');
  await button.click();
  const rows = () => page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-merged-table tbody tr')]
    .map((row) => row.querySelector('th').textContent));
  await waitUntil(async () => (await rows()).length > 0, 'the merged paths');
  const all = await page.evaluate(() => document.getElementById('viewer').mergedTree({ filter: 'intent = "refund"' }));
  assert.deepEqual(await rows(), all.paths.map((path) => `${path.kind} ${path.name}`), 'tree order: depth first, as mergedTree() lists them');
  assert.match(await page.locator(inViewer('.tv-merged .tv-panel-note')).first().textContent(), new RegExp(`^${all.traces} of ${all.matching} traces merged`));
  // By self time: largest first.
  await page.locator(inViewer('.tv-merged select')).selectOption('self');
  const bySelf = [...all.paths].sort((left, right) => right.selfMs - left.selfMs).map((path) => `${path.kind} ${path.name}`);
  await waitUntil(async () => JSON.stringify(await rows()) === JSON.stringify(bySelf), 'ordered by self time');
  // A tool path's callers and callees.
  const tool = all.paths.findIndex((path) => path.kind === 'tool');
  assert.ok(tool >= 0);
  const parent = all.paths[all.paths[tool].parent];
  await page.locator(inViewer('.tv-merged-table tbody tr')).nth(bySelf.indexOf(`tool ${all.paths[tool].name}`)).click();
  const relations = await page.locator(inViewer('.tv-merged-relations')).textContent();
  assert.ok(relations.startsWith(`tool ${all.paths[tool].name}: called by ${parent.kind} ${parent.name} (`), relations);
  assert.deepEqual(page.errors, []);
  await page.close();
});
