// The static page (www/index.html) as a person uses it: the bundled example opens, a file can be
// picked, dropped or named in ?src=, a span click shows its details, a bad file shows an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newPage, repository, screenshots, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();

const rows = (page) => page.locator('trace-viewer .tv-row');

test('the bundled example opens with every span, errors marked, and screenshots are written', async () => {
  for (const [name, viewport, colorScheme] of [
    ['page-desktop-light', { width: 1400, height: 800 }, 'light'],
    ['page-desktop-dark', { width: 1400, height: 800 }, 'dark'],
    ['page-narrow-light', { width: 390, height: 800 }, 'light'],
    ['page-narrow-dark', { width: 390, height: 800 }, 'dark'],
  ]) {
    const page = await newPage(session.browser, { viewport, colorScheme });
    await page.goto(session.server.url);
    await rows(page).first().waitFor();
    assert.equal(await rows(page).count(), 9);
    await assert.doesNotReject(page.locator('trace-viewer .tv-trace-name', { hasText: 'support-agent: refund request' }).waitFor());
    assert.equal(await page.locator('trace-viewer .tv-row-error').count(), 2);
    await rows(page).filter({ hasText: 'lookup_order' }).click();
    await page.locator('trace-viewer .tv-status-error').waitFor();
    await page.locator('trace-viewer .tv-empty-result').waitFor();
    await page.screenshot({ path: join(screenshots, `${name}.png`) });
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('clicking a span shows all it holds and emits span-select to the page', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  const selected = page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('span-select', (event) => resolve(event.detail), { once: true });
  }));
  await rows(page).filter({ hasText: 'retrieve policy documents' }).click();
  assert.deepEqual(await selected, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: 'r1', name: 'retrieve policy documents' });
  const detail = page.locator('trace-viewer .tv-detail');
  await detail.getByText('Retrieved documents (2)').waitFor();
  assert.match(await detail.innerText(), /kb-118\s+score 0.91\s+Duplicate charges are refunded in full/);
  assert.match(await detail.innerText(), /Parent ID\s+a1/);
  await page.close();
});

test('an LLM span shows its conversation, tool calls, model and usage', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).filter({ hasText: 'write answer' }).click();
  const detail = page.locator('trace-viewer .tv-detail');
  await detail.getByText('Input messages (4)').waitFor();
  const roles = await detail.locator('.tv-message-role-name').allTextContents();
  assert.deepEqual(roles, ['system', 'user', 'assistant', 'tool', 'assistant']);
  assert.match(await detail.locator('.tv-tool-call-name').innerText(), /calls lookup_order \(call_7\)/);
  // JSON arguments are a foldable tree.
  const argumentsTree = detail.locator('.tv-tool-call .tv-json-node').first();
  assert.equal(await argumentsTree.locator('.tv-json-key').first().innerText(), '"order_id": ');
  assert.equal(await argumentsTree.evaluate((node) => node.open), true);
  await argumentsTree.locator('summary').click();
  assert.equal(await argumentsTree.evaluate((node) => node.open), false);
  assert.match(await detail.innerText(), /1,302 in · 48 out · 1,350 total · \$0.00374/);
  assert.match(await page.locator('trace-viewer .tv-stats').innerText(), /2,595 tokens/);
  await page.close();
});

test('messages kept as JSON text in an attribute are read and shown when their span is opened', async () => {
  const page = await newPage(session.browser);
  await page.goto(`${session.server.url}?src=/fixtures/jaeger/jaeger-ui-genai-flamegraph-2traces.json`);
  await page.locator('trace-viewer .tv-table-row', { hasText: 'invoke_agent' }).first().click();
  await rows(page).filter({ has: page.locator('.tv-span-name', { hasText: /^chat$/ }) }).click();
  const detail = page.locator('trace-viewer .tv-detail');
  await detail.getByText('Input messages (3)').waitFor();
  await detail.getByText('Output messages (1)').waitFor();
  const roles = await detail.locator('.tv-message-role-name').allTextContents();
  assert.deepEqual(roles, ['system', 'user', 'assistant', 'assistant']);
  const conversation = await detail.locator('.tv-message').allInnerTexts();
  assert.match(conversation[1], /Can you explain how to set up an OpenTelemetry collector/);
  assert.match(conversation[3], /Setting up OpenTelemetry with Jaeger involves three main components/);
  await page.close();
});

test('a trace file and its log file open together, logs attached to their spans', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  const [spansLine, logsLine] = (await readFile(join(repository, 'tests/fixtures/otlp/otel-python-genai-with-logs.jsonl'), 'utf8')).trim().split('\n');
  await page.setInputFiles('#file-input', [
    { name: 'spans.json', mimeType: 'application/json', buffer: Buffer.from(spansLine) },
    { name: 'logs.json', mimeType: 'application/json', buffer: Buffer.from(logsLine) },
  ]);
  await page.locator('trace-viewer .tv-trace-name', { hasText: 'recipe-request' }).waitFor();
  assert.equal(await page.locator('#file-name').innerText(), 'spans.json + logs.json');
  const names = await page.locator('trace-viewer .tv-span-name').allTextContents();
  assert.deepEqual(names, ['recipe-request', 'chat gpt-4o-mini', 'execute_tool fetch_recipe'], 'no row of the previous trace is left on screen');
  await rows(page).filter({ hasText: 'chat gpt-4o-mini' }).click();
  const detail = page.locator('trace-viewer .tv-detail');
  await detail.getByText('Input messages (2)').waitFor();
  assert.match(await detail.innerText(), /Something quick with chickpeas\?/);
  assert.match(await detail.innerText(), /Try a 15-minute chickpea curry\./);
  await page.close();
});

test('a file chosen with the picker replaces the example', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  await page.setInputFiles('#file-input', join(repository, 'tests/fixtures/otlp/otel-python-genai-agent.json'));
  await page.locator('trace-viewer .tv-trace-name', { hasText: 'invoke_agent travel-planner' }).waitFor();
  assert.equal(await rows(page).count(), 4);
  assert.equal(await page.locator('#file-name').innerText(), 'otel-python-genai-agent.json');
  await page.close();
});

test('a file dropped on the page opens', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  const text = await readFile(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'), 'utf8');
  await page.evaluate((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], 'rag.json', { type: 'application/json' }));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, cancelable: true }));
  }, text);
  await page.locator('trace-viewer .tv-trace-name', { hasText: 'rag.pipeline' }).waitFor();
  assert.equal(await rows(page).count(), 6);
  assert.equal(await page.locator('#drop-overlay').isHidden(), true);
  await page.close();
});

test('pasting trace JSON onto the page opens it', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  const text = await readFile(join(repository, 'tests/fixtures/hand-written/otlp-array-of-requests.json'), 'utf8');
  await page.evaluate((content) => {
    const data = new DataTransfer();
    data.setData('text/plain', content);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  await page.locator('trace-viewer .tv-trace-name', { hasText: 'POST /chat' }).waitFor();
  assert.equal(await page.locator('#file-name').innerText(), 'pasted text');
  await page.close();
});

test('?src= opens the named file', async () => {
  const page = await newPage(session.browser);
  await page.goto(`${session.server.url}?src=/fixtures/otlp/jaeger-v3-api-hotrod-40spans.json`);
  await rows(page).first().waitFor();
  assert.equal(await page.locator('trace-viewer .tv-stats').getByText('40 spans').count(), 1);
  await page.close();
});

test('a bad file shows a clear error that says where, above the trace shown before', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  await page.setInputFiles('#file-input', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{\n "resourceSpans": [\n  {"x": }\n ]\n}') });
  const panel = page.locator('trace-viewer .tv-error-panel');
  await panel.waitFor();
  assert.match(await panel.innerText(), /not valid JSON: expected value at line 3, column 9/);
  const rowsBefore = await rows(page).count();
  assert.ok(rowsBefore > 0, 'the trace shown before stays on screen below the error');
  assert.match(await panel.innerText(), /What was shown before is still below/);
  await page.setInputFiles('#file-input', { name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"traces": 5}') });
  await page.locator('trace-viewer .tv-error-panel', { hasText: 'Tried:' }).waitFor();
  await page.close();
});

test('a CSV, an HTML page, a cut-off file and a logs-only file get messages for people, the formats as a list', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  const panel = page.locator('trace-viewer .tv-error-panel');
  const open = (name, text) => page.setInputFiles('#file-input', { name, mimeType: 'text/plain', buffer: Buffer.from(text) });

  await open('spans.csv', 'trace_id,span_id,name,duration_ms\n4bf9,00f0,llm,120\n');
  await panel.getByText('This looks like a CSV file (a table), not a trace.').waitFor();
  const formats = await panel.locator('ul li').allTextContents();
  assert.equal(formats.length, 8);
  assert.ok(formats.some((format) => format.includes('OTLP/JSON')) && formats.some((format) => format.includes('LangSmith')), formats.join(' | '));
  assert.equal(await panel.locator('a').getAttribute('href'), 'https://github.com/trace-viewer/trace-viewer#formats');
  assert.doesNotMatch(await panel.innerText(), /expected|ident|column/, 'no parser wording');

  await open('login.html', '<!doctype html>\n<html><head><title>Sign in</title></head><body></body></html>');
  await panel.getByText('This looks like an HTML page, not a trace.').waitFor();

  const whole = await readFile(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'), 'utf8');
  await open('download.json', whole.slice(0, 4000));
  await panel.getByText(/^The file looks cut off: its JSON stops in the middle, at line \d+/).waitFor();
  assert.equal(await panel.locator('ul').count(), 0, 'a cut-off JSON file needs no list of formats');

  const logs = (await readFile(join(repository, 'tests/fixtures/otlp/otel-python-genai-with-logs.jsonl'), 'utf8')).split('\n').find((line) => line.startsWith('{"resourceLogs"'));
  await open('logs.json', logs);
  await panel.getByText(/^This file holds only logs \(\d+ log records\), no spans\./).waitFor();
  assert.match(await panel.innerText(), /open the trace file beside it together with this one/);
  // The trace shown before stays below each message.
  assert.equal(await rows(page).count(), 9);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the bundled example says it is one and how to load your own, also on a phone, until a file is opened', async () => {
  for (const viewport of [{ width: 1400, height: 800 }, { width: 390, height: 844 }]) {
    const page = await newPage(session.browser, { viewport });
    await page.goto(session.server.url);
    await rows(page).first().waitFor();
    const note = page.locator('#example-note');
    assert.equal(await note.isVisible(), true);
    assert.match(await note.innerText(), /An example trace: load your own with Open file…/);
    const { y, height } = await note.boundingBox();
    assert.ok(y + height <= viewport.height, 'in view without scrolling');
    await page.setInputFiles('#file-input', join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'));
    await page.locator('trace-viewer .tv-trace-name', { hasText: /./ }).first().waitFor();
    await note.waitFor({ state: 'hidden' });
    await page.close();
  }
  // A page opened on a file of one's own (?src=) never calls it an example.
  const linked = await newPage(session.browser);
  await linked.goto(`${session.server.url}?src=/fixtures/otlp/otel-js-rag-chatbot.json`);
  await rows(linked).first().waitFor();
  assert.equal(await linked.locator('#example-note').isVisible(), false);
  await linked.close();
});
