// The corpus benchmark, in headless Chromium, over a generated OTLP JSON Lines corpus (argument 1):
// - the traces table (`<trace-viewer view="table">`, the file given as a File): time from load()
//   to the first rows on screen, the longest gap between two updates of the counts while reading,
//   time to the end of reading (MB/s), the longest main-thread task meanwhile, DOM rows while
//   scrolling from top to bottom, and opening a trace (time to its first span row, bytes read);
// - the corpus worker on its own (a CorpusSession): its reading speed and the runs of lines its
//   helper workers summarised, index bytes per column and per trace, worker
//   memory, sorting by every column, a three-predicate filter, facet counts, each the best of 3;
// - opening and closing traces: the page module's memory before and after 1,000 opens.
// Beside them, JSON.parse MB/s of the corpus's first 100 MB (as one array) in this run.
import { statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../node_modules/playwright-core/index.mjs';
import { startServer } from '../serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '../..');
const corpusFile = resolve(process.argv[2]);
const documentArgument = process.argv.indexOf('--document');
const documentFile = documentArgument > 0 ? resolve(process.argv[documentArgument + 1]) : null;
const argumentAfter = (flag) => (process.argv.indexOf(flag) > 0 ? resolve(process.argv[process.argv.indexOf(flag) + 1]) : null);
const outcomesFile = argumentAfter('--outcomes');
const dimensionsFile = argumentAfter('--dimensions');
const opens = 1000;
const ARGS = ['--headless=new', '--js-flags=--expose-gc', '--enable-precise-memory-info', '--no-sandbox', '--disable-gpu',
  '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const server = await startServer({ roots: {
  '/pkg/': join(repository, 'pkg'), '/bench/': here, '/wasm/': join(repository, 'pkg/wasm'), '/': join(repository, 'www'),
} });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
const bytes = statSync(corpusFile).size;
const mb = (value) => `${(value / 1e6).toFixed(1)} MB`;
/**
 * A fresh page with the element: the yardstick (`JSON.parse` of the corpus's first 100 MB) and the
 * table reading the corpus, printed; resolves with the page and what it measured.
 */
async function measureTable() {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('pageerror', (error) => console.log(`page error: ${error.message}`));
  await page.goto(`${server.url}bench/corpus.html`);
  await page.waitForFunction(() => window.api && window.CorpusSession && customElements.get('trace-viewer'));
  await page.evaluate(() => window.api.warmedUp);
  // The corpus is given as a person picks it: a File backed by the file on disk (a fetched
  // response of gigabytes would have to become a Blob in the browser's storage first).
  await page.setInputFiles('#picker', corpusFile);

  const yardstick = await page.evaluate(async () => {
    const blob = document.getElementById('picker').files[0];
    const text = await blob.slice(0, 100e6).text();
    const array = `[${text.slice(0, text.lastIndexOf('\n')).split('\n').join(',')}]`;
    let best = Infinity;
    for (let run = 0; run < 2; run += 1) {
      const start = performance.now();
      JSON.parse(array);
      best = Math.min(best, performance.now() - start);
    }
    return { ms: best, bytes: new TextEncoder().encode(array).length };
  });
  const parseRate = yardstick.bytes / 1e6 / (yardstick.ms / 1000);
  const scale = `JSON.parse ${parseRate.toFixed(0)} MB/s this run`;
  console.log(`yardstick: JSON.parse of ${mb(yardstick.bytes)} in ${yardstick.ms.toFixed(0)} ms (${scale})`);

  // The table: load the file as a File, watch the first rows, the count updates and long tasks.
  const table = await page.evaluate(async () => {
    const file = document.getElementById('picker').files[0];
    const viewer = document.querySelector('trace-viewer');
    const root = viewer.shadowRoot;
    const longTasks = [];
    new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration))).observe({ type: 'longtask' });
    const updates = [];
    const totalsUpdates = [];
    let firstRows = null;
    const started = performance.now();
    const observer = new MutationObserver(() => {
      const now = performance.now() - started;
      if (firstRows === null && root.querySelector('.tv-table-row')) firstRows = now;
      const summary = root.querySelector('.tv-table-summary')?.textContent;
      if (summary && summary !== updates.at(-1)?.summary) updates.push({ at: now, summary });
      // The totals (count, failed, percentiles, cost) come with the facets, from one answer.
      const totals = root.querySelector('.tv-table-summary > span')?.textContent;
      if (totals && totals !== totalsUpdates.at(-1)?.totals && root.querySelector('.tv-table-reading')) totalsUpdates.push({ at: now, totals });
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
    const summary = await viewer.load(file);
    const readMs = performance.now() - started;
    observer.disconnect();
    const reading = updates.filter((update) => update.summary.includes('Reading'));
    const gaps = reading.slice(1).map((update, index) => update.at - reading[index].at);
    const totalsGaps = totalsUpdates.slice(1).map((update, index) => update.at - totalsUpdates[index].at);
    // Where the longest gap ended (ms after load()) and how many gaps passed 500 ms: a slow start
    // and a slow moment mid-read call for different fixes.
    const longestAt = totalsUpdates[totalsGaps.indexOf(Math.max(...totalsGaps)) + 1]?.at ?? 0;
    const over500 = totalsGaps.filter((gap) => gap > 500).length;
    return { longestAt, over500, firstRows, readMs, traces: summary.traceCount, spans: summary.spanCount, longest: Math.max(0, ...longTasks), longTasks: longTasks.length, updates: reading.length, longestGap: Math.max(0, ...gaps),
      totalsUpdates: totalsUpdates.length, longestTotalsGap: Math.max(0, ...totalsGaps) };
  });
  console.log(`table: ${table.traces.toLocaleString('en-US')} traces, ${table.spans.toLocaleString('en-US')} spans, ${mb(bytes)} (${scale})`);
  console.log(`  first rows on screen ${table.firstRows?.toFixed(0)} ms after load()`);
  console.log(`  read and indexed in ${(table.readMs / 1000).toFixed(1)} s = ${(bytes / 1e6 / (table.readMs / 1000)).toFixed(0)} MB/s`);
  console.log(`  the reading line updated ${table.updates} times while reading, longest gap ${table.longestGap.toFixed(0)} ms`);
  console.log(`  counts, totals and facets updated ${table.totalsUpdates} times while reading, longest gap ${table.longestTotalsGap.toFixed(0)} ms (ending ${(table.longestAt / 1000).toFixed(1)} s after load(); ${table.over500} gaps over 500 ms)`);
  console.log(`  main-thread tasks over 50 ms: ${table.longTasks}${table.longTasks ? ` (longest ${table.longest.toFixed(0)} ms)` : ''}`);

  return { page, table, scale };
}

const tableOnly = process.argv.includes('--table-only');
const runsArgument = process.argv.indexOf('--runs');
const tableRuns = runsArgument > 0 ? Number(process.argv[runsArgument + 1]) : 1;
try {
  if (tableOnly) {
    // The table's reading alone, in a fresh page each run (how much it moves between runs).
    for (let run = 0; run < tableRuns; run += 1) await (await measureTable()).page.close();
    await browser.close();
    await server.close();
    process.exit(0);
  }
  const { page, table, scale } = await measureTable();
  const rows = await page.evaluate(async () => {
    const root = document.querySelector('trace-viewer').shadowRoot;
    const scroller = root.querySelector('.tv-table-scroll');
    const visible = Math.ceil(scroller.clientHeight / 30);
    let most = 0;
    for (let step = 0; step <= 50; step += 1) {
      scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) * (step / 50);
      await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 30)));
      most = Math.max(most, root.querySelectorAll('.tv-table-row').length);
    }
    scroller.scrollTop = 0;
    return { visible, most };
  });
  console.log(`  scrolling top to bottom: at most ${rows.most} rows in the DOM for ${rows.visible} visible`);

  // Opening a trace from the table: the time to its first span row, and the bytes read.
  const open = await page.evaluate(async () => {
    const viewer = document.querySelector('trace-viewer');
    const root = viewer.shadowRoot;
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 100)));
    const row = root.querySelector('.tv-table-row[aria-rowindex="3"]');
    const opened = new Promise((done) => viewer.addEventListener('trace-open', (event) => done(event.detail), { once: true }));
    const started = performance.now();
    row.click();
    const detail = await opened;
    while (!root.querySelector('.tv-row')) await new Promise((done) => requestAnimationFrame(done));
    const ms = performance.now() - started;
    root.querySelector('.tv-back').click();
    return { ms, bytesRead: detail.bytesRead, spans: viewer.traces.spanCount };
  });
  console.log(`  opening a trace of ${open.spans} spans: ${open.ms.toFixed(0)} ms to its first row, ${open.bytesRead.toLocaleString('en-US')} bytes read`);

  // The longest trace (a thousand spans, one in every 100,000 traces): opened by id.
  const long = await page.evaluate(async () => {
    const viewer = document.querySelector('trace-viewer');
    const root = viewer.shadowRoot;
    const { traceIds } = await viewer.query('spans >= 1000', { limit: 1 });
    if (traceIds.length === 0) return null;
    const opened = new Promise((done) => viewer.addEventListener('trace-open', (event) => done(event.detail), { once: true }));
    const started = performance.now();
    viewer.setAttribute('selected-trace', traceIds[0]);
    const detail = await opened;
    while (!root.querySelector('.tv-row')) await new Promise((done) => requestAnimationFrame(done));
    const ms = performance.now() - started;
    root.querySelector('.tv-back').click();
    return { ms, bytesRead: detail.bytesRead, spans: viewer.traces.spanCount };
  });
  if (long) console.log(`  opening the longest trace (${long.spans} spans): ${long.ms.toFixed(0)} ms to its first row, ${long.bytesRead.toLocaleString('en-US')} bytes read (its own line and the one trace sharing it)`);

  // The dashboard (its default panels; the merged tree waits for its button): a filter change
  // refreshes every panel, BubbleUp's heatmap and numbers; the time until none waits any more.
  const dashboard = await page.evaluate(async () => {
    const viewer = document.querySelector('trace-viewer');
    const root = viewer.shadowRoot;
    viewer.setAttribute('view', 'dashboard');
    const settled = () => root.querySelectorAll('.tv-panel').length > 0
      && ![...root.querySelectorAll('.tv-panel-empty')].some((note) => /Counting|Comparing/.test(note.textContent))
      && root.querySelector('.tv-heat-cell') && root.querySelector('.tv-histogram');
    const waitSettled = async () => {
      while (!settled()) await new Promise((done) => requestAnimationFrame(done));
    };
    await waitSettled();
    const times = {};
    let longest = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
    });
    observer.observe({ type: 'longtask' });
    for (const filter of ['intent = "refund"', 'variant = "treatment" and status = error', '']) {
      const started = performance.now();
      viewer.setAttribute('filter', filter);
      await new Promise((done) => requestAnimationFrame(done));
      await waitSettled();
      times[filter || '(none)'] = performance.now() - started;
    }
    observer.disconnect();
    const panels = root.querySelectorAll('.tv-panel').length;
    viewer.setAttribute('view', 'table');
    return { times, longest, panels };
  });
  console.log(`dashboard (${dashboard.panels} panels: six of bars, BubbleUp with its heatmap and numbers, the comparison, the merged tree idle): a filter change to every panel answered: ${Object.entries(dashboard.times).map(([filter, ms]) => `${filter} ${ms.toFixed(0)} ms`).join(', ')} (${scale}); longest main-thread task meanwhile ${dashboard.longest.toFixed(0)} ms`);

  if (outcomesFile) await page.setInputFiles('#outcomes', outcomesFile);
  if (dimensionsFile) await page.setInputFiles('#dimensions', dimensionsFile);

  // The worker on its own.
  const worker = await page.evaluate(async ({ runs }) => {
    const { session, readMs } = await window.readAlone(document.getElementById('picker').files[0], 'corpus.jsonl');
    const timed = async (call, ...args) => {
      let best = Infinity;
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        await session.ask(call, ...args);
        best = Math.min(best, performance.now() - started);
        // Another sort in between, so the worker cannot answer from its last order.
        await session.ask('query', 'spans > 1000000', '', 0);
      }
      return best;
    };
    const sorts = {};
    for (const column of ['duration_ms', 'cost', 'tokens', 'errors', 'spans', 'start', 'score."helpfulness"', 'name', 'intent', 'model', 'tool', 'user', 'session', 'attr."app.region"', 'trace_id']) {
      sorts[column] = await timed('query', '', `${column} desc`, 100);
    }
    // A query puts only the rows it returns in order; a window at the last rows puts every row in order.
    const lastRows = (await session.ask('progress')).traces - 100;
    const fullSorts = { duration_ms: await timed('window', '', 'duration_ms desc', lastRows, 100), user: await timed('window', '', 'user desc', lastRows, 100) };
    const filter = await timed('query', 'status = error and intent = "refund" and duration_ms > 1000', '', 100);
    const spanFilter = await timed('query', 'any span (kind = tool and name ~ "refund" and status = error)', '', 100);
    const facets = await timed('overview', '');
    const facetsFiltered = await timed('overview', 'variant = "treatment"');
    const measures = ['count', 'fail_rate', 'p50_duration_ms', 'p95_duration_ms', 'p99_duration_ms', 'cost_sum', 'tokens_sum'];
    const aggregates = {
      'by intent': await timed('aggregate', ['intent'], measures, ''),
      'by user (a value per four traces)': await timed('aggregate', ['user'], measures, ''),
      'by tool × model, tool error rate': await timed('aggregate', ['tool', 'model'], ['count', 'tool_error_rate'], ''),
      'by intent, every measure': await timed('aggregate', ['intent'], ['count', 'error_rate', 'fail_rate', 'p50_duration_ms', 'p95_duration_ms', 'p99_duration_ms', 'cost_sum', 'cost_mean', 'tokens_sum', 'thumbs_up_rate', 'thumbs_down_rate', 'follow_up_rate', 'abandon_rate', 'convert_rate', 'tool_error_rate'], ''),
    };
    const bubbleUps = {
      'status = error': await timed('bubbleUp', 'status = error', null, 20),
      'feedback = thumbs_down': await timed('bubbleUp', 'feedback = thumbs_down', null, 20),
    };
    const comparison = await timed('compare', 'variant = "control"', 'variant = "treatment"', '');
    const sessions = {
      'latest first': await timed('sessions', '', 'start desc', 0, 100),
      'by turns': await timed('sessions', '', 'turns desc', 0, 100),
      'by cost, refunds only': await timed('sessions', 'intent = "refund"', 'cost desc', 0, 100),
    };
    const sessionCount = (await session.ask('aggregate', ['session'], ['count'], '', '')).groups.length;
    let started = performance.now();
    const merged = await session.askWithProgress('mergedTree', () => {}, '', 100000);
    const mergeMs = performance.now() - started;
    const joins = {};
    const outcomesInput = document.getElementById('outcomes').files[0];
    if (outcomesInput) {
      started = performance.now();
      const report = await session.ask('loadOutcomes', outcomesInput, outcomesInput.name);
      joins.outcomes = { ms: performance.now() - started, rows: report.rows, matched: report.matched, columns: report.columns.length, bytes: outcomesInput.size };
      // Joined again (the first join replaced): what the join costs when nothing came before it.
      started = performance.now();
      await session.ask('loadOutcomes', outcomesInput, outcomesInput.name);
      joins.outcomes.againMs = performance.now() - started;
      joins.byPlan = await timed('aggregate', ['outcome."plan"'], ['count', 'mean(outcome."retained_d30")', 'sum(outcome."revenue")'], '', '');
    }
    const dimensionsInput = document.getElementById('dimensions').files[0];
    if (dimensionsInput) {
      started = performance.now();
      const report = await session.ask('loadOutcomes', dimensionsInput, dimensionsInput.name);
      joins.dimensions = { ms: performance.now() - started, rows: report.rows, matched: report.matched, columns: report.columns.length, bytes: dimensionsInput.size };
      const columns = await session.ask('columns');
      joins.dimensionCount = 9 + columns.filter((column) => column.startsWith('attr.') || column.startsWith('outcome.')).length;
      joins.customers = (await session.ask('aggregate', ['outcome."customer"'], ['count'], '', '')).groups.length;
      joins.byCustomer = await timed('aggregate', ['outcome."customer"'], measures, '', '');
      joins.bubbleUp = await timed('bubbleUp', 'status = error', null, 20);
      joins.numbers = await timed('bubbleUpHistograms', 'status = error', null, 6);
    }
    const index = await session.ask('indexBytes');
    const progress = await session.ask('progress');
    session.end();
    const cores = navigator.hardwareConcurrency;
    return { sorts, fullSorts, filter, spanFilter, facets, facetsFiltered, aggregates, bubbleUps, comparison, sessions, sessionCount, mergeMs, merged: { traces: merged.traces, paths: merged.paths.length }, joins, index, traces: progress.traces, readMs, cores, summarisedByHelpers: progress.summarisedByHelpers };
  }, { runs: 3 });
  const perTrace = (value) => (value / worker.traces).toFixed(1);
  console.log(`worker alone (no table on screen): read and indexed in ${(worker.readMs / 1000).toFixed(1)} s = ${(bytes / 1e6 / (worker.readMs / 1000)).toFixed(0)} MB/s (${scale}); ${worker.summarisedByHelpers} runs of lines summarised by helper workers (${worker.cores} cores)`);
  const total = worker.index.columns.reduce((sum, [, value]) => sum + value, 0);
  console.log(`worker: index ${perTrace(total)} bytes per trace without previews (${mb(total)}), previews ${perTrace(worker.index.previews)} bytes per trace; worker memory ${mb(worker.index.memoryBytes)}`);
  console.log(`  per column: ${worker.index.columns.map(([name, value]) => `${name} ${perTrace(value)}`).join(', ')}`);
  console.log(`  sort (best of 3, ${scale}): ${Object.entries(worker.sorts).map(([column, ms]) => `${column} ${ms.toFixed(0)} ms`).join(', ')}`);
  console.log(`  every row in order (a window at the last 100 rows, best of 3): ${Object.entries(worker.fullSorts).map(([column, ms]) => `${column} ${ms.toFixed(0)} ms`).join(', ')}`);
  console.log(`  aggregates (best of 3, ${scale}): ${Object.entries(worker.aggregates).map(([what, ms]) => `${what} ${ms.toFixed(0)} ms`).join(', ')}`);
  console.log(`  BubbleUp over every column and attribute column: ${Object.entries(worker.bubbleUps).map(([what, ms]) => `${what} ${ms.toFixed(0)} ms`).join(', ')}`);
  console.log(`  compare variant control with treatment (7 rates with Wilson/Newcombe intervals, 3 percentiles bootstrapped, the mean cost): ${worker.comparison.toFixed(0)} ms`);
  console.log(`  sessions (${worker.sessionCount.toLocaleString('en-US')} of them), a page of 100 (best of 3, ${scale}): ${Object.entries(worker.sessions).map(([what, ms]) => `${what} ${ms.toFixed(0)} ms`).join(', ')}`);
  console.log(`  merged tree of ${worker.merged.traces.toLocaleString('en-US')} traces (from the index's span skeletons, traces split over two lines read again; ${worker.merged.paths} paths): ${worker.mergeMs.toFixed(0)} ms (${scale})`);
  const joins = worker.joins;
  if (joins.outcomes) console.log(`  outcomes joined: ${joins.outcomes.rows.toLocaleString('en-US')} rows × ${joins.outcomes.columns} columns (${mb(joins.outcomes.bytes)} CSV, ${joins.outcomes.matched.toLocaleString('en-US')} matched) in ${joins.outcomes.ms.toFixed(0)} ms (joined again: ${joins.outcomes.againMs.toFixed(0)} ms); by plan with mean retention and total revenue ${joins.byPlan.toFixed(0)} ms`);
  if (joins.dimensions) {
    console.log(`  wide outcomes joined: ${joins.dimensions.rows.toLocaleString('en-US')} rows × ${joins.dimensions.columns} columns (${mb(joins.dimensions.bytes)}) in ${joins.dimensions.ms.toFixed(0)} ms; grouped by a ${joins.customers.toLocaleString('en-US')}-value column with count, fail rate, p50/p95/p99, cost and tokens ${joins.byCustomer.toFixed(0)} ms`);
    console.log(`  BubbleUp over ${joins.dimensionCount} dimensions (status = error): values ${joins.bubbleUp.toFixed(0)} ms, numeric columns as histograms ${joins.numbers.toFixed(0)} ms (${scale})`);
  }
  console.log(`  three-predicate filter ${worker.filter.toFixed(0)} ms; span-level filter ${worker.spanFilter.toFixed(0)} ms; facets and totals ${worker.facets.toFixed(0)} ms (under a filter ${worker.facetsFiltered.toFixed(0)} ms)`);

  // Opening and closing traces: the page module's memory.
  const memory = await page.evaluate(async (count) => {
    const viewer = document.querySelector('trace-viewer');
    const root = viewer.shadowRoot;
    const ids = (await viewer.query('', { sort: 'duration_ms desc', limit: count })).traceIds;
    const settle = async () => {
      for (let frame = 0; frame < 5; frame += 1) await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
      globalThis.gc?.();
    };
    await settle();
    const before = window.api.wasmMemoryBytes();
    for (const id of ids) {
      const opened = new Promise((done) => viewer.addEventListener('trace-open', done, { once: true }));
      viewer.setAttribute('selected-trace', id);
      await opened;
      root.querySelector('.tv-back')?.click();
    }
    await settle();
    return { before, after: window.api.wasmMemoryBytes(), opened: ids.length };
  }, opens);
  console.log(`opening and closing ${memory.opened} traces: page module memory ${mb(memory.before)} → ${mb(memory.after)} (+${mb(memory.after - memory.before)})`);
  if (documentFile) {
    // The same traces as one document, opened as any file is (view auto): imported whole in the
    // import worker, which finds several traces and keeps them as a corpus; or, larger than one
    // import may be, read element by element by the corpus worker.
    await page.setInputFiles('#picker', documentFile);
    const single = await page.evaluate(async () => {
      const file = document.getElementById('picker').files[0];
      const blob = file;
      const viewer = document.querySelector('trace-viewer');
      viewer.clear();
      // As a person opens one file: its import finds several traces and keeps them as a corpus.
      viewer.setAttribute('view', 'auto');
      const started = performance.now();
      const summary = await viewer.load(file);
      return { ms: performance.now() - started, traces: summary.traceCount, bytes: blob.size };
    });
    console.log(`one document of the same ${single.traces.toLocaleString('en-US')} traces (${mb(single.bytes)}): table ready ${(single.ms / 1000).toFixed(1)} s after load() = ${(single.bytes / 1e6 / (single.ms / 1000)).toFixed(0)} MB/s (JSON Lines: ${(bytes / 1e6 / (table.readMs / 1000)).toFixed(0)} MB/s)`);
    // The document read by a corpus worker alone, as a document too large to import whole is.
    const alone = await page.evaluate(async () => {
      document.querySelector('trace-viewer').clear();
      const { session, readMs } = await window.readAlone(document.getElementById('picker').files[0], 'corpus.json');
      const [progress, index, reports] = await Promise.all([session.ask('progress'), session.ask('indexBytes'), session.ask('reports')]);
      session.end();
      return { readMs, traces: progress.traces, memoryBytes: index.memoryBytes, warnings: reports[0].warnings.length, runs: progress.summarisedByHelpers };
    });
    console.log(`  the document read by the corpus worker alone, element by element: ${(alone.readMs / 1000).toFixed(1)} s = ${(single.bytes / 1e6 / (alone.readMs / 1000)).toFixed(0)} MB/s (${scale}), ${alone.traces.toLocaleString('en-US')} traces, ${alone.runs} runs of elements summarised by helpers, ${alone.warnings} warnings; worker memory ${mb(alone.memoryBytes)}`);
  }

} finally {
  await browser.close();
  await server.close();
}
