// The scale benchmark: a trace of a million spans in headless Chromium. Prints the time from bytes
// in memory to the first row (median of three fresh pages), then the time each interaction takes until its frame is drawn:
// collapse all, expand all, select a span (detail panel filled), and search over every span.
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../node_modules/playwright-core/index.mjs';
import { startServer } from '../serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '../..');
const traceFile = resolve(process.argv[2] ?? join(repository, 'target/bench/otlp-lean-1m.json'));
const ARGS = ['--headless=new', '--js-flags=--expose-gc', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const server = await startServer({ roots: { '/pkg/': join(repository, 'pkg'), '/bench/': here, '/data/': dirname(traceFile) } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
/** Loads: single runs here vary by a second or more (fresh memory costs what the VM makes it cost). */
const LOAD_RUNS = 3;
try {
  const loads = [];
  let page = null;
  for (let run = 0; run < LOAD_RUNS; run += 1) {
    await page?.close();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}bench/first-row.html`);
    await page.waitForFunction(() => typeof window.runBenchmark === 'function');
    loads.push(await page.evaluate((url) => window.runBenchmark(url), `/data/${basename(traceFile)}`));
  }
  const load = [...loads].sort((a, b) => a.firstRowMs - b.firstRowMs)[Math.floor(LOAD_RUNS / 2)];
  console.log(`trace: ${load.spans} spans, ${load.megabytes.toFixed(1)} MB; rows in the DOM: ${load.rowsInDom}`);
  console.log(`bytes in memory -> first row:  ${load.firstRowMs.toFixed(0)} ms, median of ${loads.map((run) => run.firstRowMs.toFixed(0)).join(', ')} (load() ${load.loadMs.toFixed(0)} ms)`);
  console.log(`  = ${(load.firstRowMs / load.jsonParseMs).toFixed(2)}× JSON.parse of the text (${load.jsonParseMs.toFixed(0)} ms), ${(load.firstRowMs / load.bytesParseMs).toFixed(2)}× the parse of the same bytes (TextDecoder + JSON.parse, ${load.bytesParseMs.toFixed(0)} ms)`);
  // The interactions on the last page.
  const timings = await page.evaluate(async () => {
    const viewer = document.querySelector('trace-viewer');
    const root = viewer.shadowRoot;
    const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const time = async (action, ready) => {
      const start = performance.now();
      action();
      while (!ready()) await frame();
      return performance.now() - start;
    };
    const rows = () => root.querySelectorAll('.tv-row').length;
    const out = {};
    out.collapseAll = await time(() => viewer.collapseAll(), () => rows() === 1);
    out.expandAll = await time(() => viewer.expandAll(), () => rows() > 1);
    const row = root.querySelectorAll('.tv-row')[3];
    out.select = await time(() => row.click(), () => root.querySelector('.tv-span-detail'));
    const search = root.querySelector('.tv-search');
    out.search = await time(() => {
      search.value = '999999';
      search.dispatchEvent(new Event('input', { bubbles: true }));
    }, () => root.querySelector('.tv-match-count'));
    out.matchText = root.querySelector('.tv-match-count').textContent;
    const scroller = root.querySelector('.tv-rows');
    out.scroll = await time(() => { scroller.scrollTop = 26 * 500_000; scroller.dispatchEvent(new Event('scroll')); },
      () => Number(root.querySelector('.tv-row')?.dataset.spanIndex ?? 0) > 400_000);
    out.rowsAfterScroll = `${rows()} rows in the DOM`;
    return out;
  });
  for (const [name, value] of Object.entries(timings)) {
    console.log(`${name.padEnd(16)} ${typeof value === 'number' ? `${value.toFixed(0)} ms` : value}`);
  }
} finally {
  await browser.close();
  await server.close();
}
