// The benchmark trace in every format (files written by `cargo xtask bench-formats`), each opened
// `--runs` times (default 3) in a fresh page of headless Chromium with first-row.html's
// runBenchmark: the median time from the file's bytes in memory to the first row on screen, beside
// the median TextDecoder + JSON.parse of the same bytes. Issue #17's bar: within 1.5× of it.
// Then the importer alone in the element's worker, first (cold) and warm, beside JSON.parse of the
// same text: the figure issue #17's "each importer within 1.5× JSON.parse" is about.
// Every figure is printed with the run's JSON.parse speed (MB/s), as the machine's speed varies.
// Fails when a file shows an error, or shows another span count than the one generated.
//
// usage: node xtask/bench/formats.mjs --spans N [--runs N] name=path...
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../node_modules/playwright-core/index.mjs';
import { startServer } from '../serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '../..');
const argument = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const expectedSpans = argument('--spans', 100_000);
const runCount = argument('--runs', 3);
const files = process.argv.slice(2).filter((item) => item.includes('=')).map((item) => {
  const [name, path] = item.split(/=(.*)/s);
  return { name, path: resolve(path) };
});
if (files.length === 0) throw new Error('no files: pass name=path for each format');
const ARGS = ['--headless=new', '--js-flags=--expose-gc', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const LIMIT = 1.5;

// The importer alone, as the element's worker runs it (first-row.html's runWorkerImport): a fresh
// worker per run, timed by the worker from the bytes in its memory to the model; the first run is
// the page's first import after the element's warm-up (what a person opening a file meets), the
// rest warm. Beside them, JSON.parse of the
// same text on that page (median of three).
async function measureImport(browser, url, file, runs) {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}bench/first-row.html`);
    await page.waitForFunction(() => typeof window.runWorkerImport === 'function');
    return await page.evaluate(
      ([data, count]) => window.runWorkerImport(data, count, { afterWarmUp: true }),
      [`/data/${basename(file.path)}`, runs],
    );
  } finally {
    await page.close();
  }
}

// One load in a fresh page with runBenchmark (or the error it failed with), and the span count
// the viewer's header shows.
async function measure(browser, url, file) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await page.goto(`${url}bench/first-row.html`);
    await page.waitForFunction(() => typeof window.runBenchmark === 'function');
    return await page.evaluate(async (data) => {
      // A failed load rejects; a load that never shows a row is given up after two minutes,
      // reporting the error panel (the page's warm-up shows one for its empty document).
      const givenUp = new Promise((resolveError) => setTimeout(() => {
        const panel = document.querySelector('trace-viewer')?.shadowRoot?.querySelector('.tv-error-panel');
        resolveError({ error: panel ? panel.textContent.trim().replace(/\s+/g, ' ') : 'no row after two minutes' });
      }, 120_000));
      const result = await Promise.race([window.runBenchmark(data).catch((error) => ({ error: String(error) })), givenUp]);
      if (result.error) return result;
      const text = document.querySelector('trace-viewer').shadowRoot.textContent;
      const shown = text.match(/([\d,]+) spans/);
      return { ...result, spansShown: shown ? Number(shown[1].replace(/,/g, '')) : null };
    }, `/data/${basename(file.path)}`);
  } finally {
    await page.close();
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const directories = [...new Set(files.map((file) => dirname(file.path)))];
if (directories.length > 1) throw new Error('the files must share one folder');
const server = await startServer({ roots: { '/pkg/': join(repository, 'pkg'), '/bench/': here, '/data/': directories[0] } });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const rows = [];
const failures = [];
try {
  for (const file of files) {
    const runs = [];
    for (let run = 0; run < runCount; run += 1) {
      const result = await measure(browser, server.url, file);
      if (result.error) {
        failures.push(`${file.name}: the viewer showed an error: ${result.error}`);
        break;
      }
      if (result.spans !== expectedSpans || result.spansShown !== expectedSpans || result.rowsInDom === 0) {
        failures.push(`${file.name}: expected ${expectedSpans} spans; load() said ${result.spans}, the header shows ${result.spansShown}, ${result.rowsInDom} rows on screen`);
        break;
      }
      runs.push(result);
    }
    if (runs.length < runCount) continue;
    const imports = await measureImport(browser, server.url, file, runCount + 1);
    const importFirst = imports.importTimes[0];
    const importWarm = median(imports.importTimes.slice(1));
    const parseOnImportPage = median(imports.jsonParse);
    const megabytes = runs[0].megabytes;
    const bytesParse = median(runs.map((run) => run.bytesParseMs));
    const firstRow = median(runs.map((run) => run.firstRowMs));
    const jsonParse = median(runs.map((run) => run.jsonParseMs));
    rows.push({
      format: file.name,
      MB: megabytes.toFixed(1),
      'spans shown': runs[0].spansShown.toLocaleString('en'),
      'bytes parse ms': Math.round(bytesParse),
      'bytes parse MB/s': Math.round(megabytes / bytesParse * 1000),
      'first row ms': Math.round(firstRow),
      'first row / parse': `${(firstRow / bytesParse).toFixed(2)}×`,
      'within 1.5×': firstRow <= LIMIT * bytesParse ? 'yes' : 'no',
      'import ms (first, warm)': `${Math.round(importFirst)}, ${Math.round(importWarm)}`,
      'import / JSON.parse (first, warm)': `${(importFirst / parseOnImportPage).toFixed(2)}×, ${(importWarm / parseOnImportPage).toFixed(2)}×`,
      'import within 1.5×': Math.max(importFirst, importWarm) <= LIMIT * parseOnImportPage ? 'yes' : 'no',
      'JSON.parse MB/s': Math.round(megabytes / jsonParse * 1000),
    });
    console.log(`${file.name}: ${Math.round(firstRow)} ms to the first row, ${(firstRow / bytesParse).toFixed(2)}× the parse of its bytes (median of ${runs.length}); import in the worker ${Math.round(importFirst)} ms first, ${Math.round(importWarm)} ms warm, JSON.parse ${Math.round(parseOnImportPage)} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}

// One markdown table, ready for BENCHMARKS.md.
if (rows.length > 0) {
  const columns = Object.keys(rows[0]);
  console.log(`\n${expectedSpans.toLocaleString('en')} spans, median of ${runCount} fresh pages; "JSON.parse MB/s" is the browser's parse of the same text on that page (the machine's speed that run)\n`);
  console.log(`| ${columns.join(' | ')} |`);
  console.log(`|${columns.map((column, index) => (index === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) console.log(`| ${columns.map((column) => row[column]).join(' | ')} |`);
}
if (failures.length > 0) {
  console.error(`\n${failures.join('\n')}`);
  process.exit(1);
}
