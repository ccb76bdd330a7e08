// Opens xtask/bench/first-row.html in headless Chromium three times (a fresh page each; `--runs N`
// to change) and prints the median time from the trace's bytes being in memory to its first row on
// screen, beside Chromium's own JSON.parse of the same text and of the same bytes (decoded to
// text first, as a page parses a file); then times the element's worker (six
// fresh workers: the first cold, the median of the other five warm): the import itself as the
// worker clocks it (bytes in its memory -> model) and the whole round trip, each beside the median
// of three JSON.parse runs of the same text on that page.
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../node_modules/playwright-core/index.mjs';
import { startServer } from '../serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '../..');
const traceFile = resolve(process.argv[2] ?? join(repository, 'target/bench/otlp-100k.json'));
const runsArgument = process.argv.indexOf('--runs');
const runCount = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 3;
const ARGS = ['--headless=new', '--js-flags=--expose-gc', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const server = await startServer({
  roots: { '/pkg/': join(repository, 'pkg'), '/bench/': here, '/data/': dirname(traceFile) },
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const runs = [];
let workerImport = { times: [], importTimes: [], encodeTimes: [], jsonParse: [] };
try {
  for (let run = 0; run < runCount; run += 1) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}bench/first-row.html`);
    await page.waitForFunction(() => typeof window.runBenchmark === 'function');
    runs.push(await page.evaluate((url) => window.runBenchmark(url), `/data/${basename(traceFile)}`));
    await page.close();
  }
  const page = await browser.newPage();
  await page.goto(`${server.url}bench/first-row.html`);
  await page.waitForFunction(() => typeof window.runWorkerImport === 'function');
  workerImport = await page.evaluate((url) => window.runWorkerImport(url, 6), `/data/${basename(traceFile)}`);
  await page.close();
} finally {
  await browser.close();
  await server.close();
}
const median = (key) => runs.map((result) => result[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
const { megabytes, spans, rowsInDom } = runs[0];
console.log(`trace: ${spans} spans, ${megabytes.toFixed(1)} MB; rows in the DOM after load: ${rowsInDom}`);
console.log(`JSON.parse of the same text:   ${median('jsonParseMs').toFixed(0)} ms (${(megabytes / median('jsonParseMs') * 1000).toFixed(0)} MB/s)`);
console.log(`load() (import + state):       ${median('loadMs').toFixed(0)} ms (${(megabytes / median('loadMs') * 1000).toFixed(0)} MB/s)`);
console.log(`the same bytes -> JSON values:  ${median('bytesParseMs').toFixed(0)} ms (TextDecoder + JSON.parse, as a page parses a file)`);
console.log(`bytes in memory -> first row:  ${median('firstRowMs').toFixed(0)} ms (median of ${runs.length}) = ${(median('firstRowMs') / median('jsonParseMs')).toFixed(2)}× JSON.parse of the text, ${(median('firstRowMs') / median('bytesParseMs')).toFixed(2)}× the parse of the bytes`);
const middle = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const warm = (key) => workerImport[key].slice(1);
const warmTrip = middle(warm('times'));
const warmImport = middle(warm('importTimes'));
const warmEncode = middle(warm('encodeTimes'));
const parseOnWorkerPage = middle(workerImport.jsonParse);
const list = (values) => values.map(Math.round).join(', ');
// Like for like: repeated JSON.parse runs get faster too (the first is "cold"), so warm is set
// beside warm and the first import beside the first parse.
console.log(`JSON.parse on the worker page: ${parseOnWorkerPage.toFixed(0)} ms (${(megabytes / parseOnWorkerPage * 1000).toFixed(0)} MB/s; median of ${list(workerImport.jsonParse)})`);
console.log(`import in the worker:          ${warmImport.toFixed(0)} ms (${(megabytes / warmImport * 1000).toFixed(0)} MB/s; bytes in its memory -> model; median of ${warm('importTimes').length} warm workers: ${list(warm('importTimes'))}; first, cold: ${workerImport.importTimes[0].toFixed(0)} ms)`);
console.log(`  = ${(warmImport / parseOnWorkerPage).toFixed(2)}× JSON.parse warm; first ${(workerImport.importTimes[0] / workerImport.jsonParse[0]).toFixed(2)}×`);
console.log(`worker round trip:             ${warmTrip.toFixed(0)} ms (bytes posted -> encoded model back; adds starting, copying in, encoding ${warmEncode.toFixed(0)} ms; warm: ${list(warm('times'))}; first ${workerImport.times[0].toFixed(0)} ms)`);
console.log(`  = ${(warmTrip / parseOnWorkerPage).toFixed(2)}× JSON.parse warm; first ${(workerImport.times[0] / workerImport.jsonParse[0]).toFixed(2)}×`);
console.log(`longest main-thread task:      ${median('longestTaskMs').toFixed(0)} ms (tasks over 50 ms in the last run: ${runs[runs.length - 1].longTasks.join(', ') || 'none'})`);
