// Trust: the page works under a strict Content-Security-Policy, and a whole session sends no
// request anywhere but the page's own assets and the trace it was asked to open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPage, recordPolicyViolations, repository, useBrowserAndServer } from './helpers.mjs';
import { startServer } from '../../xtask/serve.mjs';

const STRICT_POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const strict = useBrowserAndServer({ 'content-security-policy': STRICT_POLICY });
/** The strict policy, with Trusted Types enforced and only the element's policy name allowed. */
const TRUSTED_TYPES_POLICY = `${STRICT_POLICY}; require-trusted-types-for 'script'; trusted-types trace-viewer`;
const trusted = useBrowserAndServer({ 'content-security-policy': TRUSTED_TYPES_POLICY });

test('under a strict Content-Security-Policy the viewer renders, styled, with no violation', async () => {
  const page = await newPage(strict.browser);
  const violations = await recordPolicyViolations(page);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const response = await page.goto(strict.server.url);
  assert.equal(response.headers()['content-security-policy'], STRICT_POLICY);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  assert.ok(workers.some((url) => url.endsWith('/pkg/trace-viewer-worker.js')), `the import ran in the worker: ${workers}`);
  const rowHeight = await page.locator('trace-viewer .tv-row').first().evaluate((row) => getComputedStyle(row).height);
  assert.equal(rowHeight, '26px', 'the shadow root styles apply');
  await page.locator('trace-viewer .tv-row', { hasText: 'lookup_order' }).click();
  await page.locator('trace-viewer .tv-status-error').waitFor();
  assert.deepEqual(violations, []);
  await page.close();
});

test("the README's HTML snippet works as written under that policy: no inline script or style", async () => {
  const readme = readFileSync(join(repository, 'README.md'), 'utf8');
  const snippet = readme.match(/```html\n([\s\S]*?)```/)[1];
  const site = mkdtempSync(join(tmpdir(), 'trace-viewer-snippet-'));
  // The site the snippet describes: its page, app.css as its comment gives it, the trace it names.
  writeFileSync(join(site, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>snippet</title></head><body>\n${snippet}</body></html>`);
  writeFileSync(join(site, 'app.css'), `${snippet.match(/app\.css: (.*?) -->/)[1]}\n`);
  mkdirSync(join(site, 'traces'));
  cpSync(join(repository, 'tests/fixtures/otlp/otel-python-genai-agent.json'), join(site, 'traces/checkout.json'));
  const server = await startServer({ roots: { '/node_modules/ai-trace-viewer/': join(repository, 'pkg'), '/': site }, headers: { 'content-security-policy': STRICT_POLICY } });
  try {
    const page = await newPage(strict.browser);
    const violations = await recordPolicyViolations(page);
    await page.goto(server.url);
    await page.locator('trace-viewer .tv-row').first().waitFor();
    assert.equal(await page.locator('trace-viewer').evaluate((viewer) => getComputedStyle(viewer).height), '600px', 'app.css styled it');
    assert.deepEqual(violations, []);
    await page.close();
  } finally {
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }
});

test('a whole session requests only the page, its assets and the chosen trace', async () => {
  const page = await newPage(strict.browser);
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${strict.server.url}?src=/fixtures/otlp/otel-js-rag-chatbot.json`);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  await page.setInputFiles('#file-input', join(repository, 'tests/fixtures/otlp/otel-python-genai-agent.json'));
  await page.locator('trace-viewer .tv-trace-name', { hasText: 'invoke_agent travel-planner' }).waitFor();
  await page.locator('trace-viewer .tv-row').nth(1).click();
  await page.locator('trace-viewer .tv-search').fill('gpt');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(200);
  const allowed = new Set(['/', '/page.css', '/page.js', '/pkg/trace-viewer.js', '/pkg/trace-viewer-worker.js', '/pkg/wasm/trace_viewer.js', '/pkg/wasm/trace_viewer_bg.wasm', '/pkg/wasm/trace_viewer_worker.js', '/pkg/wasm/trace_viewer_worker_bg.wasm', '/fixtures/otlp/otel-js-rag-chatbot.json']);
  const origin = new URL(strict.server.url).origin;
  for (const url of requests) {
    if (url.startsWith('data:')) continue;
    const parsed = new URL(url);
    assert.equal(parsed.origin, origin, `request to another host: ${url}`);
    assert.ok(allowed.has(parsed.pathname), `unexpected request: ${url}`);
  }
  assert.ok(requests.some((url) => url.endsWith('.wasm')));
  await page.close();
});

test('with Trusted Types enforced the viewer renders, imports in its worker and opens every view, with no violation', async () => {
  const page = await newPage(trusted.browser);
  const violations = await recordPolicyViolations(page);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  const response = await page.goto(trusted.server.url);
  assert.equal(response.headers()['content-security-policy'], TRUSTED_TYPES_POLICY);
  assert.equal(await page.evaluate(() => typeof window.trustedTypes?.createPolicy), 'function', 'this Chromium has Trusted Types');
  const rows = page.locator('trace-viewer .tv-row');
  await rows.first().waitFor();
  assert.ok(workers.some((url) => url.endsWith('/pkg/trace-viewer-worker.js')), `the import ran in the worker: ${workers}`);
  // Every span of the example, with its detail panel (messages, tool calls, errors, attributes).
  const count = await rows.count();
  for (let index = 0; index < count; index += 1) {
    await rows.nth(index).click();
    await page.locator('trace-viewer .tv-row-selected').waitFor();
    await page.locator('trace-viewer .tv-detail').waitFor();
  }
  for (const summary of await page.locator('trace-viewer .tv-detail summary').all()) await summary.click();
  await page.locator('trace-viewer .tv-search').fill('order');
  await page.locator('trace-viewer .tv-match-count').waitFor();
  // A file with two traces: the traces table, then one of its traces.
  await page.goto(`${trusted.server.url}?src=/fixtures/jaeger/jaeger-ui-genai-flamegraph-2traces.json`);
  await page.locator('trace-viewer .tv-table-row', { hasText: 'invoke_agent' }).first().click();
  await rows.filter({ has: page.locator('.tv-span-name', { hasText: /^chat$/ }) }).click();
  await page.locator('trace-viewer .tv-detail').getByText('Input messages (3)').waitFor();
  assert.deepEqual(violations, [], 'no Trusted Types (or other policy) violation');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('labelling and exporting send nothing: no request while a queue is reviewed, labels are saved, exported and imported', async () => {
  const page = await newPage(strict.browser, { viewport: { width: 1440, height: 900 } });
  const violations = await recordPolicyViolations(page);
  await page.goto(`${strict.server.url}?src=/fixtures/compare/retry-loop-pair.jsonl`);
  await page.locator('trace-viewer .tv-table-row').nth(1).waitFor();
  // From here on, nothing may be requested (the wasm and workers are loaded; labels stay local).
  const requests = [];
  page.on('request', (request) => { if (!request.url().startsWith('blob:') && !request.url().startsWith('data:')) requests.push(request.url()); });
  await page.locator('trace-viewer .tv-tab', { hasText: 'Review' }).click();
  await page.locator('trace-viewer .tv-review-start').click();
  await page.locator('trace-viewer .tv-review-bar[aria-busy="false"]').waitFor();
  await page.keyboard.press('3');
  await page.keyboard.press('n');
  await page.keyboard.type('the search backend timed out');
  await page.keyboard.press('Escape');
  await page.keyboard.press('j');
  await page.waitForFunction(() => document.getElementById('viewer').labels.length === 1);
  const exported = await page.evaluate(async () => {
    const viewer = document.getElementById('viewer');
    const texts = [];
    for (const format of ['jsonl', 'langfuse', 'langsmith', 'phoenix', 'generic', 'csv']) texts.push(await (await viewer.exportLabels(format)).text());
    await viewer.importLabels(texts[0]);
    return texts;
  });
  assert.match(exported[0], /"note":"the search backend timed out"/);
  assert.equal(exported.length, 6);
  assert.deepEqual(requests, [], 'labelling, saving, exporting and importing requested nothing');
  assert.deepEqual(violations, []);
  assert.deepEqual(page.errors, []);
  await page.close();
});
