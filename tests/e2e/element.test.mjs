// <trace-viewer> as a host page uses it: src attribute, data property, load() method, events,
// several independent elements, style isolation, and removal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { newPage, recordProgressLabels, repository, useBrowserAndServer } from './helpers.mjs';
import { startServer } from '../../xtask/serve.mjs';

const session = useBrowserAndServer();

async function openTwoViewers() {
  const page = await newPage(session.browser);
  await page.goto(`${session.server.url}test-pages/two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  return page;
}

test('src fetches a file; data and load() take objects and strings; each element stays independent', async () => {
  const page = await openTwoViewers();
  assert.equal(await page.locator('#left .tv-row').count(), 4);
  assert.equal(await page.locator('#right .tv-row').count(), 0);

  const jsText = await readFile(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'), 'utf8');
  const summary = await page.evaluate(async (text) => {
    const right = document.getElementById('right');
    const loaded = new Promise((resolve) => right.addEventListener('load', (event) => resolve(event.detail), { once: true }));
    const result = await right.load(text, 'rag.json');
    return { result, event: await loaded };
  }, jsText);
  assert.equal(summary.result.format, 'otlp-json');
  assert.equal(summary.result.spanCount, 6);
  assert.equal(summary.result.traces[0].errorCount, 1);
  assert.deepEqual(summary.event, summary.result);
  await page.locator('#right .tv-trace-name', { hasText: 'rag.pipeline' }).waitFor();
  assert.equal(await page.locator('#left .tv-trace-name').innerText(), 'invoke_agent travel-planner', 'the other viewer is untouched');

  // The data property with a parsed object.
  await page.evaluate((text) => { document.getElementById('left').data = JSON.parse(text); }, jsText);
  await page.locator('#left .tv-trace-name', { hasText: 'rag.pipeline' }).waitFor();

  // Selecting in one viewer does not select in the other.
  await page.locator('#right .tv-row', { hasText: 'vector search' }).click();
  await page.locator('#right .tv-row-selected').waitFor();
  assert.equal(await page.locator('#left .tv-row-selected').count(), 0);
  await page.close();
});

test('properties set before the element is defined are kept; view, theme and selectedTrace reflect; hidden hides', async () => {
  const page = await newPage(session.browser);
  await page.goto(`${session.server.url}test-pages/late-definition.html`);
  await page.waitForFunction(() => window.imported === true);
  assert.equal(await page.evaluate(() => window.definedBeforeImport), false, 'the properties were set on an undefined element');
  // The data set before the upgrade was loaded, and the other properties became attributes.
  await page.locator('#early .tv-row').first().waitFor();
  const reflected = await page.evaluate(() => {
    const viewer = document.getElementById('early');
    return {
      own: ['data', 'view', 'theme', 'filter'].filter((name) => Object.prototype.hasOwnProperty.call(viewer, name)),
      view: viewer.getAttribute('view'),
      theme: viewer.getAttribute('theme'),
      filter: viewer.getAttribute('filter'),
      spans: viewer.traces?.spanCount,
    };
  });
  assert.deepEqual(reflected.own, [], 'no own property hides a setter any more');
  assert.deepEqual([reflected.view, reflected.theme, reflected.filter], ['trace', 'dark', 'status = error']);
  assert.ok(reflected.spans > 0);
  const properties = await page.evaluate(() => {
    const viewer = document.getElementById('early');
    const before = { view: viewer.view, theme: viewer.theme, selectedTrace: viewer.selectedTrace };
    viewer.theme = null;
    viewer.selectedTrace = 'abc';
    const after = { theme: viewer.theme, themeAttribute: viewer.hasAttribute('theme'), selectedTrace: viewer.getAttribute('selected-trace') };
    viewer.selectedTrace = null;
    return { before, after, cleared: viewer.hasAttribute('selected-trace') };
  });
  assert.deepEqual(properties.before, { view: 'trace', theme: 'dark', selectedTrace: null });
  assert.deepEqual(properties.after, { theme: null, themeAttribute: false, selectedTrace: 'abc' });
  assert.equal(properties.cleared, false);
  // `hidden` hides the element, though its own style says display: block.
  const display = await page.evaluate(() => {
    const viewer = document.getElementById('early');
    viewer.hidden = true;
    const hidden = getComputedStyle(viewer).display;
    viewer.hidden = false;
    return { hidden, shown: getComputedStyle(viewer).display };
  });
  assert.deepEqual(display, { hidden: 'none', shown: 'block' });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('page styles do not leak in and viewer styles do not leak out', async () => {
  const page = await openTwoViewers();
  const rowBackground = await page.locator('#left .tv-row').first().evaluate((row) => getComputedStyle(row).backgroundColor);
  assert.notEqual(rowBackground, 'rgb(255, 0, 0)');
  const pageStyleCount = await page.evaluate(() => document.head.querySelectorAll('style').length);
  assert.equal(pageStyleCount, 1, 'nothing was added to the page head');
  await page.close();
});

test('a failed load rejects, fires load-error with the reason, and shows it', async () => {
  const page = await openTwoViewers();
  const outcome = await page.evaluate(async () => {
    const right = document.getElementById('right');
    const fired = new Promise((resolve) => right.addEventListener('load-error', (event) => resolve(event.detail), { once: true }));
    let rejected;
    try {
      await right.load('{"resourceSpans": [}');
    } catch (error) {
      rejected = { name: error.name, message: error.message };
    }
    return { rejected, fired: await fired };
  });
  assert.equal(outcome.rejected.name, 'TraceLoadError');
  assert.equal(outcome.rejected.message, 'The file is not valid JSON: expected value at line 1, column 20.');
  assert.equal(outcome.fired.message, outcome.rejected.message);
  await page.locator('#right .tv-error-panel', { hasText: 'line 1, column 20' }).waitFor();

  const missing = await page.evaluate(() => new Promise((resolve) => {
    const left = document.getElementById('left');
    left.addEventListener('load-error', (event) => resolve(event.detail), { once: true });
    left.src = '/fixtures/does-not-exist.json';
  }));
  assert.match(missing.message, /Could not fetch \/fixtures\/does-not-exist.json: HTTP 404/);

  // An object JSON cannot write (it refers to itself) is reported like any bad input.
  const unwritable = await page.evaluate(async () => {
    const right = document.getElementById('right');
    const fired = new Promise((resolve) => right.addEventListener('load-error', (event) => resolve(event.detail), { once: true }));
    const cyclic = { resourceSpans: [] };
    cyclic.self = cyclic;
    const rejected = await right.load(cyclic).then(() => null, (error) => error.name);
    return { rejected, fired: await fired };
  });
  assert.equal(unwritable.rejected, 'TraceLoadError');
  assert.match(unwritable.fired.message, /^Could not read the input: .*circular/i);
  await page.close();
});

test('select() and the selected-span attribute reveal a span; span-select reaches the document', async () => {
  const page = await openTwoViewers();
  const left = page.locator('#left');
  // Collapse the root, then select a child by id: it must be revealed.
  await left.locator('.tv-row').first().locator('.tv-toggle').click();
  assert.equal(await left.locator('.tv-row').count(), 1);
  const summary = await page.evaluate(() => fetch('/fixtures/otlp/otel-python-genai-agent.json').then((response) => response.json()));
  const toolSpan = summary.resourceSpans[0].scopeSpans[0].spans.find((span) => span.name.startsWith('execute_tool'));
  const hexId = Buffer.from(toolSpan.spanId, 'base64').toString('hex');
  assert.equal(await page.evaluate((id) => document.getElementById('left').select(id), hexId), true);
  await left.locator('.tv-row-selected', { hasText: 'execute_tool search_flights' }).waitFor();
  assert.equal(await left.locator('.tv-row').count(), 4);
  assert.equal(await page.evaluate(() => document.getElementById('left').select('nope')), false);

  const event = page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('span-select', (selected) => resolve({ detail: selected.detail, target: selected.target.id }), { once: true });
  }));
  await left.locator('.tv-row', { hasText: 'invoke_agent' }).click();
  const received = await event;
  assert.equal(received.target, 'left');
  assert.equal(received.detail.name, 'invoke_agent travel-planner');
  assert.equal(received.detail.traceId, Buffer.from(toolSpan.traceId, 'base64').toString('hex'));
  // The selection a person made is written to `selected-span` (selectedSpan reflects it), and
  // setting the property selects a span and writes the attribute.
  await page.waitForFunction((id) => document.getElementById('left').getAttribute('selected-span') === id, received.detail.spanId);
  const reflected = await page.evaluate((id) => {
    const viewer = document.getElementById('left');
    viewer.selectedSpan = id;
    return { attribute: viewer.getAttribute('selected-span'), property: viewer.selectedSpan };
  }, hexId);
  assert.deepEqual(reflected, { attribute: hexId, property: hexId });
  await left.locator('.tv-row-selected', { hasText: 'execute_tool search_flights' }).waitFor();
  // focus() moves focus into the span tree, where the arrow keys work.
  const focused = await page.evaluate(() => {
    const viewer = document.getElementById('left');
    viewer.focus();
    return { host: document.activeElement?.id, inside: viewer.shadowRoot.activeElement?.getAttribute('role') };
  });
  assert.deepEqual(focused, { host: 'left', inside: 'tree' });
  await page.close();
});

test('removing an element frees it, and putting it back shows the same trace again', async () => {
  const page = await openTwoViewers();
  const result = await page.evaluate(async () => {
    const left = document.getElementById('left');
    left.remove();
    const emptied = left.shadowRoot.childNodes.length;
    document.body.append(left);
    // The replay decodes the kept result again: wait for its rows (a minute at most, not a guess).
    const rows = () => left.shadowRoot.querySelectorAll('.tv-row').length;
    for (const deadline = Date.now() + 60_000; rows() === 0 && Date.now() < deadline;) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    return { emptied, rows: rows() };
  });
  assert.equal(result.emptied, 0, 'the shadow root is emptied when the element leaves the page');
  assert.equal(result.rows, 4);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('expandAll, collapseAll, selectedSpan, traces and clear', async () => {
  const page = await openTwoViewers();
  const result = await page.evaluate(async () => {
    const left = document.getElementById('left');
    const rows = () => left.shadowRoot.querySelectorAll('.tv-row').length;
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const out = { initialTraces: left.traces };
    left.collapseAll();
    await frame();
    out.collapsed = rows();
    left.expandAll();
    await frame();
    out.expanded = rows();
    out.noSelection = left.selectedSpan;
    left.selectedSpan = 'nonexistent';
    out.stillNone = left.selectedSpan;
    left.clear();
    await frame();
    out.afterClear = { rows: rows(), traces: left.traces, src: left.getAttribute('src'), empty: left.shadowRoot.querySelector('.tv-empty')?.textContent };
    return out;
  });
  assert.equal(result.initialTraces.format, 'otlp-json');
  assert.equal(result.initialTraces.spanCount, 4);
  assert.equal(result.collapsed, 1);
  assert.equal(result.expanded, 4);
  assert.equal(result.noSelection, null);
  assert.equal(result.stillNone, null);
  assert.deepEqual(result.afterClear, { rows: 0, traces: null, src: null, empty: 'No trace loaded.' });

  // selectedSpan reflects a person's selection and can be set.
  await page.evaluate(() => document.getElementById('right').load(
    '{"format":"trace-viewer/v1","spans":[{"id":"a","name":"root","start":0,"end":5},{"id":"b","parent":"a","name":"child","start":1,"end":2}]}'));
  await page.locator('#right .tv-row', { hasText: 'child' }).click();
  assert.equal(await page.evaluate(() => document.getElementById('right').selectedSpan), 'b');
  await page.evaluate(() => { document.getElementById('right').selectedSpan = 'a'; });
  await page.locator('#right .tv-row-selected', { hasText: 'root' }).waitFor();
  await page.close();
});

test('gzip-compressed files open from a Blob and from src', async () => {
  const page = await openTwoViewers();
  const gzipped = gzipSync(await readFile(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json')));
  const summary = await page.evaluate(async (bytes) => {
    const blob = new Blob([new Uint8Array(bytes)], { type: 'application/gzip' });
    return document.getElementById('right').load(new File([blob], 'rag.json.gz'));
  }, [...gzipped]);
  assert.equal(summary.spanCount, 6);
  await page.locator('#right .tv-trace-name', { hasText: 'rag.pipeline' }).waitFor();
  await page.close();
});

test('a multi-trace file opens on the traces table; selected-trace opens one and Back returns', async () => {
  const page = await openTwoViewers();
  const right = page.locator('#right');
  const summary = await page.evaluate(async () => {
    const text = await (await fetch('/fixtures/jaeger/jaeger-ui-genai-flamegraph-2traces.json')).text();
    return document.getElementById('right').load(text);
  });
  assert.equal(summary.format, 'corpus');
  assert.equal(summary.traceCount, 2);
  assert.deepEqual(summary.files.map((file) => file.formats), [['jaeger']]);
  await right.locator('.tv-table-row').nth(1).waitFor();
  assert.equal(await right.locator('.tv-table-row').count(), 2);
  const [{ traceIds }] = await Promise.all([page.evaluate(() => document.getElementById('right').query('', { sort: 'trace_id' }))]);
  await page.evaluate((id) => document.getElementById('right').setAttribute('selected-trace', id), traceIds[1]);
  await right.locator('.tv-back').click();
  await right.locator('.tv-table-row-opened').waitFor();
  assert.equal(await right.locator('.tv-table-row-opened').getAttribute('data-trace-id'), traceIds[1]);
  await page.close();
});

test('with view="list" a multi-trace file opens on the list of traces; selected-trace, the list and the picker switch traces', async () => {
  const page = await openTwoViewers();
  const right = page.locator('#right');
  const summary = await page.evaluate(async () => {
    const text = await (await fetch('/fixtures/jaeger/jaeger-ui-genai-flamegraph-2traces.json')).text();
    const element = document.getElementById('right');
    element.setAttribute('view', 'list');
    const loaded = await element.load(text);
    element.setAttribute('view', 'auto');
    return loaded;
  });
  assert.equal(summary.traces.length, 2);
  await right.locator('.tv-list-title', { hasText: '2 traces' }).waitFor();
  assert.equal(await right.locator('.tv-list-table tbody tr').count(), 2);
  const [firstName, secondName] = summary.traces.map((trace) => trace.name);

  await page.evaluate((id) => document.getElementById('right').setAttribute('selected-trace', id), summary.traces[1].traceId);
  await right.locator('.tv-trace-name', { hasText: secondName }).waitFor();

  await right.getByRole('button', { name: 'All 2 traces' }).click();
  await right.locator('.tv-list-open', { hasText: firstName }).click();
  await right.locator('.tv-trace-name', { hasText: firstName }).waitFor();

  const event = page.evaluate(() => new Promise((resolve) => {
    document.getElementById('right').addEventListener('trace-select', (selected) => resolve(selected.detail), { once: true });
  }));
  await right.locator('.tv-trace-picker select').selectOption('1');
  assert.deepEqual(await event, { traceIndex: 1 });
  await right.locator('.tv-trace-name', { hasText: secondName }).waitFor();

  // view="trace" skips the list; view="list" shows it.
  await page.evaluate(() => document.getElementById('right').setAttribute('view', 'list'));
  await right.locator('.tv-list-title').waitFor();
  await page.evaluate(() => document.getElementById('right').setAttribute('view', 'trace'));
  await right.locator('.tv-trace-name').waitFor();
  await page.close();
});

test('fifty load-and-remove cycles do not grow the WebAssembly memory', async () => {
  const page = await openTwoViewers();
  const sizes = await page.evaluate(async () => {
    const { wasmMemoryBytes } = await import('/pkg/trace-viewer.js');
    const text = await (await fetch('/fixtures/jaeger/jaeger-ui-genai-agent-57spans.json')).text();
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const measure = () => wasmMemoryBytes();
    const cycle = async () => {
      const viewer = document.createElement('trace-viewer');
      document.body.append(viewer);
      await viewer.load(text);
      await frame();
      viewer.remove();
      await frame();
    };
    for (let index = 0; index < 5; index += 1) await cycle();
    const before = measure();
    for (let index = 0; index < 50; index += 1) await cycle();
    return { before, after: measure() };
  });
  assert.ok(sizes.before > 0);
  assert.ok(sizes.after <= sizes.before, `memory grew from ${sizes.before} to ${sizes.after} bytes`);
  await page.close();
});

test('a large file shows download and reading progress, then the trace', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'trace-viewer-large-'));
  const spans = [];
  for (let index = 0; index < 40000; index += 1) {
    spans.push({ traceId: '0102030405060708090a0b0c0d0e0f10', spanId: index.toString(16).padStart(16, '0'), ...(index ? { parentSpanId: '0000000000000000' } : {}),
      name: `span ${index}`, startTimeUnixNano: String(1700000000000000000 + index * 1000), endTimeUnixNano: String(1700000000000000000 + index * 1000 + 500),
      attributes: [{ key: 'padding', value: { stringValue: 'x'.repeat(200) } }] });
  }
  writeFileSync(join(folder, 'large.json'), JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
  const large = await startServer({ roots: { '/data/': folder, '/pkg/': join(repository, 'pkg'), '/': join(repository, 'tests/e2e/pages') } });
  try {
    const page = await newPage(session.browser);
    await page.goto(`${large.url}two-viewers.html`);
    await recordProgressLabels(page, 'right');
    const labels = await page.evaluate(async () => {
      const viewer = document.getElementById('right');
      const seen = window.progressLabels.right;
      const loaded = new Promise((resolve) => viewer.addEventListener('load', resolve, { once: true }));
      viewer.src = '/data/large.json';
      await loaded;
      return { seen, left: viewer.shadowRoot.querySelector('.tv-progress') === null };
    });
    assert.ok(labels.seen.some((label) => /^Downloading [\d.]+ MB of [\d.]+ MB$/.test(label)), labels.seen.join(' | '));
    assert.ok(labels.seen.some((label) => /^Reading [\d.]+ MB…$/.test(label)), labels.seen.join(' | '));
    assert.equal(labels.left, true, 'the progress bar goes away once the trace shows');
    await page.locator('#right .tv-row').first().waitFor();
    await page.close();
  } finally {
    await large.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('problems with the file itself are shown: under the traces table, each line that was skipped and why', async () => {
  const page = await openTwoViewers();
  const right = page.locator('#right');
  await page.evaluate(async () => {
    const text = await (await fetch('/fixtures/hand-written/mixed-formats.jsonl')).text();
    await document.getElementById('right').load(text, 'mixed.jsonl');
  });
  await right.locator('.tv-file-reports summary', { hasText: '1 file · 2 problems' }).click();
  const problems = right.locator('.tv-file-reports .tv-warning-list li');
  assert.equal(await problems.count(), 2);
  assert.match(await problems.nth(0).innerText(), /mixed\.jsonl line 3 was skipped/);
  assert.match(await problems.nth(1).innerText(), /mixed\.jsonl line 4 was skipped: it looks cut off: its JSON stops in the middle, at column 11\./);
  await right.locator('.tv-table-row').first().click();
  await right.locator('.tv-back').waitFor();
  await page.close();
});
