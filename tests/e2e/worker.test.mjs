// Files are imported in a Web Worker: a 100 MB file loads with progress while the page decodes
// the result in slices between frames (how long its longest task was is `cargo xtask bench`'s
// figure, not an assertion), each load's worker (and the page's one warm-up worker) ends, a newer load wins over a
// slower one, spans sent before their tree is built are placed as the page's own import places
// them, where no worker can start the page imports the file itself, and an element loaded from
// another origin (a CDN) starts its worker through a Blob.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../xtask/serve.mjs';
import { launchBrowser, newPage, recordProgressLabels, repository, waitUntil } from './helpers.mjs';

/**
 * An OTLP/JSON export of about `megabytes` MB: one trace of agent turns, each a chat span with
 * GenAI attributes and messages and a tool span below it.
 */
function otlpOfSize(megabytes) {
  const parts = [];
  let size = 0;
  let index = 0;
  const start = 1_700_000_000_000_000_000n;
  while (size < megabytes * 1e6) {
    const id = (index + 1).toString(16).padStart(16, '0');
    const parent = index === 0 ? '' : `"parentSpanId":"${index % 2 ? (index).toString(16).padStart(16, '0') : '0000000000000001'}",`;
    const begin = start + BigInt(index) * 1000n;
    const attributes = index % 2
      ? `[{"key":"gen_ai.operation.name","value":{"stringValue":"execute_tool"}},{"key":"gen_ai.tool.name","value":{"stringValue":"lookup_${index % 7}"}},{"key":"gen_ai.tool.call.arguments","value":{"stringValue":"{\\"order\\":${index}}"}}]`
      : `[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"${index % 900}"}},{"key":"gen_ai.input.messages","value":{"stringValue":"[{\\"role\\":\\"user\\",\\"parts\\":[{\\"type\\":\\"text\\",\\"content\\":\\"Where is order ${index}? ${'Please check. '.repeat(8)}\\"}]}]"}}]`;
    const span = `{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"${id}",${parent}"name":"${index % 2 ? 'execute_tool' : 'chat gpt-4o'} ${index}","kind":1,"startTimeUnixNano":"${begin}","endTimeUnixNano":"${begin + 900n}","attributes":${attributes}}`;
    parts.push(span);
    size += span.length + 1;
    index += 1;
  }
  return { text: `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"agent"}}]},"scopeSpans":[{"spans":[${parts.join(',')}]}]}]}`, spans: index };
}

const state = { browser: null, server: null, folder: null, spans: 0 };

/**
 * Waits until `count` import workers have started (the page reports them to playwright
 * asynchronously, in any order), then checks that no more did.
 */
async function expectImportWorkers(urls, count, why) {
  const started = () => urls.filter((url) => url.endsWith('/pkg/trace-viewer-worker.js')).length;
  await waitUntil(() => started() >= count, `${count} import workers start: ${why}`);
  assert.equal(started(), count, why);
}

before(async () => {
  state.folder = mkdtempSync(join(tmpdir(), 'trace-viewer-worker-'));
  const { text, spans } = otlpOfSize(100);
  writeFileSync(join(state.folder, 'big.json'), text);
  state.spans = spans;
  state.browser = await launchBrowser();
  state.server = await startServer({
    roots: {
      '/data/': state.folder,
      '/pkg/': join(repository, 'pkg'),
      '/fixtures/': join(repository, 'tests', 'fixtures'),
      '/': join(repository, 'tests/e2e/pages'),
    },
  });
});

after(async () => {
  await state.browser?.close();
  await state.server?.close();
  if (state.folder) rmSync(state.folder, { recursive: true, force: true });
});

test('a 100 MB file is imported in a worker: progress shows, the page decodes the result in slices between frames', async () => {
  const page = await newPage(state.browser, { viewport: { width: 1200, height: 800 } });
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  await recordProgressLabels(page, 'right');
  const result = await page.evaluate(async () => {
    const viewer = document.getElementById('right');
    const labels = window.progressLabels.right;
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((entry) => entry.duration)));
    observer.observe({ type: 'longtask' });
    const frames = [];
    let counting = true;
    const countFrames = (time) => {
      frames.push(time);
      if (counting) requestAnimationFrame(countFrames);
    };
    requestAnimationFrame(countFrames);
    const loaded = new Promise((resolve) => viewer.addEventListener('load', (event) => resolve(event.detail), { once: true }));
    viewer.src = '/data/big.json';
    const summary = await loaded;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
    counting = false;
    tasks.push(...observer.takeRecords().map((entry) => entry.duration));
    observer.disconnect();
    return { labels, tasks, spanCount: summary.spanCount, frames: frames.length };
  });
  const longest = Math.max(0, ...result.tasks);
  console.log(`longest main-thread task while 100 MB loaded: ${longest.toFixed(0)} ms; frames drawn: ${result.frames}`);
  assert.equal(result.spanCount, state.spans);
  assert.ok(result.frames > 10, `the page kept drawing frames while the file loaded (${result.frames})`);
  assert.ok(result.labels.some((label) => /^Downloading [\d.]+ MB of [\d.]+ MB$/.test(label)), result.labels.join(' | '));
  assert.ok(result.labels.some((label) => /^Reading [\d.]+ MB…$/.test(label)), result.labels.join(' | '));
  const counts = result.labels.map((label) => label.match(/^Reading [\d.]+ MB… ([\d,]+) spans$/)?.[1]).filter(Boolean).map((text) => Number(text.replaceAll(',', '')));
  assert.ok(counts.length >= 3 && counts.every((count, index) => index === 0 || count > counts[index - 1]), `the span count grows while the worker reads: ${result.labels.join(' | ')}`);
  assert.ok(result.labels.includes('Building the tree…'), result.labels.join(' | '));
  // Each slice of the page's decoding ends with the bar updated: several shares mean several slices.
  const preparing = result.labels.filter((label) => /^Preparing the view… \d+%$/.test(label));
  assert.ok(preparing.length >= 2, `the page decoded in slices: ${result.labels.join(' | ')}`);
  await expectImportWorkers(workers, 3, 'one worker per load (the left viewer\'s file and the big one) and one warm-up per page');
  await page.locator('#right .tv-row', { hasText: 'chat gpt-4o 0' }).waitFor();
  assert.ok(await page.locator('#right .tv-row').count() < 80, 'only the visible rows are in the DOM');
  assert.equal(await page.locator('#right .tv-progress').count(), 0, 'the progress bar goes away');
  await page.close();
});

test('each load\'s worker ends with it; a newer load ends a slower, larger one at once', async () => {
  const page = await newPage(state.browser);
  const closed = [];
  const started = [];
  page.on('worker', (worker) => {
    started.push(worker.url());
    worker.on('close', () => closed.push(worker.url()));
  });
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const outcome = await page.evaluate(async () => {
    const viewer = document.getElementById('right');
    const big = new Uint8Array(await (await fetch('/data/big.json')).arrayBuffer());
    const small = await (await fetch('/fixtures/otlp/otel-js-rag-chatbot.json')).text();
    const settled = [];
    const slow = viewer.load(big, 'big.json');
    slow.then(() => settled.push('slow'));
    // Once the big import is under way in its worker (the bar counts the spans it has read), replace it.
    await new Promise((resolve) => {
      const reading = () => /^Reading .* spans$/.test(viewer.shadowRoot.querySelector('.tv-progress span')?.textContent ?? '');
      if (reading()) resolve();
      else new MutationObserver((records, observer) => { if (reading()) { observer.disconnect(); resolve(); } })
        .observe(viewer.shadowRoot, { subtree: true, childList: true, characterData: true });
    });
    const fast = viewer.load(small, 'rag.json');
    fast.then(() => settled.push('fast'));
    const fastResult = await fast;
    const slowResult = await slow;
    return { slow: slowResult ?? null, fast: fastResult.spanCount, shown: viewer.traces.spanCount, settled };
  });
  assert.equal(outcome.slow, null, 'the superseded load resolves without a summary');
  assert.equal(outcome.shown, outcome.fast, 'the newer file is on screen');
  // Ended, not waited for: the superseded load settles before the newer one can finish.
  assert.deepEqual(outcome.settled, ['slow', 'fast'], 'the superseded import was ended when the newer load began');
  // A worker busy in wasm takes a moment to stop after terminate().
  await waitUntil(() => started.length >= 4 && closed.length >= started.length, `every worker ends: ${started} / ${closed}`);
  assert.equal(started.length, 4, 'the warm-up and one worker per load');
  assert.equal(closed.length, 4, 'every worker has ended, the superseded one included');
  await page.close();
});

test('spans the worker sends before their tree is built arrive in the same tree, repairs and all, as the page\'s own import', async () => {
  // Written children first, with a duplicate id, a missing parent, a cycle and a child that starts
  // before its parent: the worker places them on the page from its closing.
  const text = readFileSync(join(repository, 'tests/fixtures/hand-written/otlp-repairs-children-first.json'), 'utf8');
  const page = await newPage(state.browser);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const seen = await page.evaluate(async (text) => {
    const { setWorkerUrl } = await import('/pkg/trace-viewer.js');
    const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    /** Every row (name, depth, repair mark) and, for each, the detail panel's text. */
    const look = async (viewer) => {
      await frame();
      const rows = [...viewer.shadowRoot.querySelectorAll('.tv-row')];
      const details = [];
      for (const row of rows) {
        row.click();
        await frame();
        details.push(viewer.shadowRoot.querySelector('.tv-span-detail')?.textContent ?? '');
      }
      return { rows: rows.map((row) => `${row.getAttribute('aria-level')} ${row.textContent}`), details, summary: viewer.traces };
    };
    const [left, right] = [document.getElementById('left'), document.getElementById('right')];
    await left.load(text, 'repairs.json');
    const fromWorker = await look(left);
    setWorkerUrl(null);
    await right.load(text, 'repairs.json');
    setWorkerUrl(undefined);
    return { fromWorker, onPage: await look(right) };
  }, text);
  assert.equal(seen.fromWorker.rows.length, 7, JSON.stringify(seen.fromWorker.rows));
  assert.deepEqual(seen.fromWorker, seen.onPage);
  const details = seen.fromWorker.details.join('\n');
  for (const repair of ['duplicate span id', 'is not in the file', 'forms a cycle', 'before its parent']) {
    assert.ok(details.includes(repair), `no "${repair}" in the detail panels`);
  }
  await expectImportWorkers(workers, 3, 'the warm-up and the left viewer\'s two loads used the worker');
  await page.close();
});

test('where no worker can start, or workers are switched off, the page imports the file itself', async () => {
  const page = await newPage(state.browser);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const counts = await page.evaluate(async () => {
    const { setWorkerUrl } = await import('/pkg/trace-viewer.js');
    const viewer = document.getElementById('right');
    const text = await (await fetch('/fixtures/otlp/otel-js-rag-chatbot.json')).text();
    setWorkerUrl('/pkg/no-such-worker.js');
    const missing = await viewer.load(text, 'rag.json');
    setWorkerUrl(null);
    const off = await viewer.load(text, 'rag.json');
    let error = null;
    await viewer.load('{"resourceSpans": [', 'broken.json').catch((caught) => { error = caught.message; });
    setWorkerUrl(undefined);
    return { missing: missing.spanCount, off: off.spanCount, error };
  });
  assert.ok(counts.missing > 0 && counts.missing === counts.off, JSON.stringify(counts));
  assert.match(counts.error, /line 1, column \d+/);
  await expectImportWorkers(workers, 2, 'only the warm-up and the left viewer\'s load used the worker');
  await page.locator('#right .tv-error-panel', { hasText: 'line 1' }).waitFor();
  await page.close();
});

test('loaded from another origin (a CDN), the element still imports in a worker', async () => {
  const cdn = await startServer({ roots: { '/pkg/': join(repository, 'pkg') }, headers: { 'access-control-allow-origin': '*' } });
  const folder = mkdtempSync(join(tmpdir(), 'trace-viewer-cdn-'));
  writeFileSync(join(folder, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">
<script type="module" src="${cdn.url}pkg/trace-viewer.js"></script></head>
<body><trace-viewer id="viewer" style="display:block;height:400px"></trace-viewer></body></html>`);
  const site = await startServer({ roots: { '/': folder } });
  try {
    const page = await newPage(state.browser);
    const workers = [];
    page.on('worker', (worker) => workers.push(worker.url()));
    await page.goto(site.url);
    assert.notEqual(new URL(site.url).origin, new URL(cdn.url).origin);
    const trace = readFileSync(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'), 'utf8');
    const spanCount = await page.evaluate(async (text) => {
      await customElements.whenDefined('trace-viewer');
      return (await document.getElementById('viewer').load(text, 'rag.json')).spanCount;
    }, trace);
    assert.equal(spanCount, 6);
    await page.locator('trace-viewer .tv-row').first().waitFor();
    assert.ok(workers.length >= 2 && workers.every((url) => url.startsWith('blob:')), `a Blob worker imported the module across origins: ${workers}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await site.close();
    await cdn.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('the caller\'s bytes stay theirs: an ArrayBuffer given to load() is copied for the worker, not moved', async () => {
  const page = await newPage(state.browser);
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const outcome = await page.evaluate(async () => {
    const viewer = document.getElementById('right');
    const buffer = await (await fetch('/fixtures/otlp/otel-js-rag-chatbot.json')).arrayBuffer();
    const length = buffer.byteLength;
    const summary = await viewer.load(buffer, 'rag.json');
    const again = await viewer.load(new Uint8Array(buffer), 'rag.json');
    return { length, after: buffer.byteLength, same: viewer.data instanceof Uint8Array && viewer.data.buffer === buffer, spans: [summary.spanCount, again.spanCount] };
  });
  assert.equal(outcome.after, outcome.length, 'the buffer was not detached');
  assert.equal(outcome.same, true, 'data returns what was given');
  assert.deepEqual(outcome.spans, [6, 6], 'the same bytes load twice');

  // A caller's buffer larger than one chunk travels in chunks through two reused buffers: the
  // result equals that of the same bytes given as a Blob (which move whole), and the caller's
  // bytes are intact afterwards.
  const big = await page.evaluate(async () => {
    const viewer = document.getElementById('right');
    const bytes = new Uint8Array(await (await fetch('/data/big.json')).arrayBuffer());
    const edges = [bytes[0], bytes[bytes.length >> 1], bytes[bytes.length - 1]];
    const chunked = await viewer.load(bytes, 'big.json');
    const asBlob = await viewer.load(new Blob([bytes]), 'big.json');
    const facts = (summary) => JSON.stringify([summary.format, summary.spanCount, summary.traces, summary.warnings]);
    return {
      spans: chunked.spanCount,
      chunked: facts(chunked),
      whole: facts(asBlob),
      intact: bytes.buffer.byteLength > 0 && [bytes[0], bytes[bytes.length >> 1], bytes[bytes.length - 1]].join() === edges.join(),
    };
  });
  assert.ok(big.spans > 100_000, `the big file was imported (${big.spans} spans)`);
  assert.deepEqual(big.chunked, big.whole, 'chunked and whole give the same trace');
  assert.equal(big.intact, true, 'the caller\'s bytes are untouched');
  await page.close();
});

test('a worker that stops inside the wasm says what that likely means, not only "unreachable"', async () => {
  const page = await newPage(state.browser);
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  // A file announced as 3 GB (a caller's buffer comes as its length first) cannot be given room
  // in 32-bit wasm memory: the allocation fails, which stops the wasm as running out of memory does.
  const error = await page.evaluate(async () => {
    const module = await WebAssembly.compileStreaming(fetch('/pkg/wasm/trace_viewer_worker_bg.wasm'));
    const worker = new Worker('/pkg/trace-viewer-worker.js', { type: 'module' });
    await new Promise((resolve) => { worker.onmessage = resolve; });
    const reply = await new Promise((resolve) => {
      worker.onmessage = ({ data }) => resolve(data);
      worker.postMessage({ module, names: ['huge.json'], buffers: [3_000_000_000] });
    });
    worker.terminate();
    return reply.error;
  });
  assert.match(error, /^The import stopped inside WebAssembly \(.*unreachable.*\) while importing 3000\.0 MB\./, error);
  assert.match(error, /more memory than the browser gives WebAssembly \(at most 4 GB\)/, error);
  await page.close();
});

test('the warm-up runs once per page: a worker imports three generated traces (one through the JSON document) and the page decodes them', async () => {
  const page = await newPage(state.browser);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const warmed = await page.evaluate(async () => (await import('/pkg/trace-viewer.js')).warmedUp);
  assert.deepEqual(warmed, { worker: true, decodedSpans: 50_000 }, 'two traces of 20,000 spans and one of 10,000 (read through the JSON document) went through the worker and the page\'s decoder');
  await expectImportWorkers(workers, 2, 'one warm-up and one load for the left viewer, whatever order they started in');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an element moved while a large trace is still arriving shows it once it is back', async () => {
  const page = await newPage(state.browser);
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  await recordProgressLabels(page, 'right');
  const outcome = await page.evaluate(async () => {
    const viewer = document.getElementById('right');
    const errors = [];
    viewer.addEventListener('load-error', (event) => errors.push(event.detail.message));
    const bytes = new Uint8Array(await (await fetch('/data/big.json')).arrayBuffer());
    const first = viewer.load(new Blob([bytes]), 'big.json');
    // Once the page decodes what the worker has sent so far (more pieces are still coming)...
    await new Promise((resolve) => {
      const check = () => (window.progressLabels.right.some((label) => label.startsWith('Preparing')) ? resolve() : setTimeout(check, 5));
      check();
    });
    // ...the element moves: it leaves the page and comes back, and shows the same input again.
    const loaded = new Promise((resolve) => viewer.addEventListener('load', (event) => resolve(event.detail), { once: true }));
    document.body.append(viewer);
    // A bound, not a guess: a minute is far more than the replay needs; a blank element never loads.
    const gaveUp = new Promise((resolve) => setTimeout(() => resolve(null), 60_000));
    const summary = await Promise.race([loaded, gaveUp]);
    return { firstResult: (await first) ?? null, spanCount: summary?.spanCount ?? 'never loaded', errors };
  });
  assert.equal(outcome.firstResult, null, 'the load the move interrupted resolves without a summary');
  assert.equal(outcome.spanCount, state.spans, 'the replay shows every span');
  assert.deepEqual(outcome.errors, []);
  await page.locator('#right .tv-row').first().waitFor();
  assert.equal(await page.locator('#right .tv-progress').count(), 0, 'the progress bar goes away');
  await page.close();
});

test('a worker that dies in the middle of an import is reported in words, the trace shown before stays, and the next load works', async () => {
  const page = await newPage(state.browser);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`${state.server.url}two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const rowsBefore = await page.locator('#left .tv-row').count();
  const failure = await page.evaluate(async () => {
    const { setWorkerUrl, warmedUp } = await import('/pkg/trace-viewer.js');
    await warmedUp;
    setWorkerUrl('/dying-worker.js');
    const left = document.getElementById('left');
    const fired = new Promise((resolve) => left.addEventListener('load-error', (event) => resolve(event.detail.message), { once: true }));
    const rejected = await left.load('{"format":"trace-viewer/v1","spans":[{"id":"x","name":"never shown","start":0}]}')
      .then(() => 'loaded', (error) => `${error.name}: ${error.message}`);
    setWorkerUrl(undefined);
    return { rejected, fired: await fired };
  });
  assert.match(failure.rejected, /^TraceLoadError: The import worker stopped \(.*the worker died \(test\).*\)\. Loading again starts a new one\.$/);
  assert.equal(failure.fired, failure.rejected.replace('TraceLoadError: ', ''));
  assert.ok(workers.some((url) => url.endsWith('/dying-worker.js')), `the dying worker ran: ${workers}`);
  const banner = page.locator('#left .tv-error-panel');
  await banner.getByText('What was shown before is still below.').waitFor();
  assert.equal(await page.locator('#left .tv-row').count(), rowsBefore, 'the trace shown before is still on screen');
  await page.locator('#left .tv-error-dismiss').click();
  await banner.waitFor({ state: 'detached' });

  await expectImportWorkers(workers, 2, 'the warm-up and the first load used the import worker');
  const spanCount = await page.evaluate(async () => (await document.getElementById('left')
    .load('{"format":"trace-viewer/v1","spans":[{"id":"y","name":"after the worker died","start":0}]}')).spanCount);
  assert.equal(spanCount, 1);
  await page.locator('#left .tv-row', { hasText: 'after the worker died' }).waitFor();
  await expectImportWorkers(workers, 3, 'the next load started a fresh import worker');
  assert.deepEqual(page.errors, []);
  await page.close();
});
