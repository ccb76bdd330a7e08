// The single self-contained page (pkg/trace-viewer.html) opened straight from disk (file://):
// it shows the embedded example, opens a picked file (imported in a worker made from an inlined
// script), and asks for nothing over the network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, newPage, repository } from './helpers.mjs';

test('pkg/trace-viewer.html works from a file:// URL with nothing beside it', async () => {
  const file = join(repository, 'pkg', 'trace-viewer.html');
  assert.ok(statSync(file).size > 100_000, 'the wasm is inlined');
  const browser = await launchBrowser();
  try {
    const page = await newPage(browser);
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    const workers = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.goto(pathToFileURL(file).href);
    const rows = page.locator('trace-viewer .tv-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 9);
    await page.setInputFiles('#file-input', join(repository, 'tests/fixtures/otlp/otel-python-genai-agent.json'));
    await page.locator('trace-viewer .tv-trace-name', { hasText: 'invoke_agent travel-planner' }).waitFor();
    assert.ok(workers.length >= 1 && workers.every((url) => url.startsWith('blob:')), `the file was imported in an inlined worker: ${workers}`);
    await rows.filter({ hasText: 'execute_tool' }).click();
    await page.locator('trace-viewer .tv-status-error').waitFor();
    const elsewhere = requests.filter((url) => !url.startsWith('file:') && !url.startsWith('blob:') && !url.startsWith('data:'));
    assert.deepEqual(elsewhere, []);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await browser.close();
  }
});
