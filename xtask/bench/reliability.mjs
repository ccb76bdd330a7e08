// The reliability benchmark, in headless Chromium:
// - big spans: a trace with a span of 100,000 attributes, one of 100,000 events and one holding
//   50 MB in one string; the longest main-thread task while each is selected and while "show
//   more" pages on (PerformanceObserver long tasks: none means no task reached 50 ms);
// - a gzip bomb (2 GiB of spaces in about 2 MB of gzip) loaded as a file: time to its refusal,
//   the longest task meanwhile, and the JS heap after;
// - memory that comes back: ten load/clear cycles of the ~100 MB trace given as argument, with
//   the page module's WebAssembly memory and the JS heap (after a GC) after each.
// Beside them, JSON.parse MB/s of the same ~100 MB text in this run, to scale the figures by.
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip, constants } from 'node:zlib';
import { chromium } from '../node_modules/playwright-core/index.mjs';
import { startServer } from '../serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '../..');
const traceFile = resolve(process.argv[2] ?? join(repository, 'target/bench/otlp-230k.json'));
const bomb = join(dirname(traceFile), 'bomb-2gib.json.gz');
const ARGS = ['--headless=new', '--js-flags=--expose-gc', '--enable-precise-memory-info', '--no-sandbox', '--disable-gpu',
  '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** 2 GiB of spaces, gzipped (written once, then reused). */
async function writeBomb() {
  if (existsSync(bomb)) return;
  const chunk = Buffer.alloc(64 << 20, 0x20);
  const gzip = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const done = new Promise((resolve, reject) => gzip.pipe(createWriteStream(bomb)).on('finish', resolve).on('error', reject));
  for (let written = 0; written < 2 ** 31; written += chunk.length) {
    if (!gzip.write(chunk)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
}

await writeBomb();
const server = await startServer({ roots: { '/pkg/': join(repository, 'pkg'), '/bench/': here, '/data/': dirname(traceFile) } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const longest = (ms) => (ms > 0 ? `${ms.toFixed(0)} ms` : 'none over 50 ms');
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.url}bench/reliability.html`);
  await page.waitForFunction(() => window.api && customElements.get('trace-viewer'));
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((entry) => entry.duration)))
      .observe({ type: 'longtask', buffered: false });
    window.frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    /** Runs `action`, waits for `ready` and two more frames; the longest task meanwhile (0: none). */
    window.longestTaskOf = async (action, ready) => {
      window.longTasks.length = 0;
      await action();
      while (!ready()) await window.frame();
      await window.frame();
      await window.frame();
      return Math.max(0, ...window.longTasks);
    };
  });

  // The yardstick: JSON.parse of the ~100 MB trace's text on this page, twice, the faster kept.
  const yardstick = await page.evaluate(async (url) => {
    const text = await (await fetch(url)).text();
    let best = Infinity;
    for (let run = 0; run < 2; run += 1) {
      const start = performance.now();
      JSON.parse(text);
      best = Math.min(best, performance.now() - start);
    }
    return { ms: best, bytes: new TextEncoder().encode(text).length };
  }, `/data/${basename(traceFile)}`);
  const parseRate = `JSON.parse ${(yardstick.bytes / 1e6 / (yardstick.ms / 1000)).toFixed(0)} MB/s this run`;
  console.log(`yardstick: JSON.parse of ${megabytes(yardstick.bytes)} in ${yardstick.ms.toFixed(0)} ms (${parseRate})`);

  const big = await page.evaluate(async () => {
    const attributes = {};
    for (let index = 0; index < 100_000; index += 1) attributes[`attribute.${index}`] = `value ${index}`;
    const events = Array.from({ length: 100_000 }, (_, index) => ({ name: `event ${index}`, time: 1715678490000 + index, attributes: { index } }));
    const spans = [
      { id: 'root', name: 'root', start: 1715678490000, duration_ms: 100 },
      { id: 'attributes', parent: 'root', name: 'many attributes', start: 1715678490000, duration_ms: 10, attributes },
      { id: 'events', parent: 'root', name: 'many events', start: 1715678490000, duration_ms: 10, events },
      { id: 'string', parent: 'root', name: 'long string', start: 1715678490000, duration_ms: 10, attributes: { blob: 'x'.repeat(50_000_000) } },
    ];
    const viewer = document.querySelector('trace-viewer');
    await viewer.load(JSON.stringify({ format: 'trace-viewer/v1', id: 'big', spans }), 'big.json');
    const root = viewer.shadowRoot;
    const detail = () => root.querySelector('.tv-span-detail');
    const titled = (name) => () => detail()?.querySelector('.tv-detail-title')?.textContent.includes(name);
    const out = {};
    out.selectAttributes = await window.longestTaskOf(() => viewer.select('attributes'), titled('many attributes'));
    const moreButton = () => [...root.querySelectorAll('.tv-show-more')].at(-1);
    const rows = () => root.querySelectorAll('table[aria-label="Attributes"] > tbody > tr').length;
    let before = rows();
    out.moreAttributes = await window.longestTaskOf(() => moreButton().click(), () => rows() > before);
    /** Types `text` into the filter box named `label`; the longest task until its count shows. */
    const filterFor = (label, text) => window.longestTaskOf(() => {
      const box = root.querySelector(`input[aria-label="Filter ${label}"]`);
      box.value = text;
      box.dispatchEvent(new Event('input', { bubbles: true }));
    }, () => root.querySelector('.tv-filter-count'));
    out.filterAttributes = await filterFor('Attributes', 'attribute.99999');
    out.selectEvents = await window.longestTaskOf(() => viewer.select('events'), titled('many events'));
    const eventItems = () => root.querySelectorAll('li.tv-event').length;
    before = eventItems();
    out.moreEvents = await window.longestTaskOf(() => moreButton().click(), () => eventItems() > before);
    out.filterEvents = await filterFor('Events', 'event 99999');
    out.selectString = await window.longestTaskOf(() => viewer.select('string'), titled('long string'));
    const drawn = () => root.querySelector('pre.tv-value')?.textContent.length ?? 0;
    before = drawn();
    out.moreString = await window.longestTaskOf(() => moreButton().click(), () => drawn() > before);
    return out;
  });
  console.log('\nbig spans: the longest main-thread task while');
  console.log(`  selecting a span of 100,000 attributes:  ${longest(big.selectAttributes)}; show more: ${longest(big.moreAttributes)}; filter over all: ${longest(big.filterAttributes)}`);
  console.log(`  selecting a span of 100,000 events:      ${longest(big.selectEvents)}; show more: ${longest(big.moreEvents)}; filter over all: ${longest(big.filterEvents)}`);
  console.log(`  selecting a span with a 50 MB string:    ${longest(big.selectString)}; show more: ${longest(big.moreString)}  (${parseRate})`);

  const refusal = await page.evaluate(async (url) => {
    const blob = await (await fetch(url)).blob();
    const viewer = document.querySelector('trace-viewer');
    let message = '';
    const start = performance.now();
    const task = await window.longestTaskOf(async () => {
      message = await viewer.load(new File([blob], 'bomb.json.gz')).then(() => 'loaded', (error) => error.message);
    }, () => true);
    const ms = performance.now() - start;
    // Array buffers are freed after the collection that finds them unreachable, in a later task.
    for (let round = 0; round < 10; round += 1) {
      globalThis.gc?.();
      await window.frame();
    }
    return { ms, task, message, heap: performance.memory.usedJSHeapSize, gzipBytes: blob.size };
  }, `/data/${basename(bomb)}`);
  console.log(`\ngzip bomb (${megabytes(refusal.gzipBytes)} of gzip, 2.1 GB of spaces): refused in ${refusal.ms.toFixed(0)} ms, longest task ${longest(refusal.task)}, JS heap after it (GC) ${megabytes(refusal.heap)}  (${parseRate})`);
  console.log(`  "${refusal.message.slice(0, 160)}"`);

  const cycles = await page.evaluate(async (url) => {
    const viewer = document.querySelector('trace-viewer');
    const out = [];
    for (let cycle = 0; cycle < 10; cycle += 1) {
      // The bytes are given away (no variable here keeps them), as a dropped file's are.
      await viewer.load(new Uint8Array(await (await fetch(url)).arrayBuffer()), 'trace.json');
      await window.frame();
      viewer.clear();
      for (let round = 0; round < 10; round += 1) {
        globalThis.gc?.();
        await window.frame();
      }
      out.push({ wasm: window.api.wasmMemoryBytes(), heap: performance.memory.usedJSHeapSize });
    }
    return out;
  }, `/data/${basename(traceFile)}`);
  const size = statSync(traceFile).size;
  const spread = (key) => {
    const values = cycles.map((cycle) => cycle[key]);
    return `${megabytes(values[0])} after the first, ${megabytes(Math.max(...values))} at most, ${megabytes(values.at(-1))} after the tenth (${(((values.at(-1) - values[0]) / values[0]) * 100).toFixed(1)} %)`;
  };
  console.log(`\nten load/clear cycles of ${megabytes(size)}:`);
  console.log(`  page WebAssembly memory: ${spread('wasm')}`);
  console.log(`  JS heap after GC:        ${spread('heap')}`);
} finally {
  await browser.close();
  await server.close();
}
