// The traces table over a corpus, in headless Chromium: the element's query() answers what the
// native reference answers (tests/corpus.rs writes both the corpus and the answers to
// target/corpus); the table's rows, sort and filter; a folder of mixed formats; appendData; the
// URL hash after a reload; a bad filter said in words; opening a row reads only its lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, inViewer, newPage, openGeneratedCorpus, repository, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();
const answers = JSON.parse(readFileSync(join(repository, 'target/corpus/reference-1500.answers.json'), 'utf8'));


/**
 * Opens the page on its bundled example and waits until it is shown, so that a load the test
 * starts is not replaced by the page's own (which would resolve the test's load with undefined).
 */
async function openPageWithExample(page) {
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
}

/** Opens the page on the generated corpus and waits until it is read. */
const openCorpus = (page, query, hash) => openGeneratedCorpus(page, session.server.url, query, hash);

test('query() answers what the native reference answers: twenty filters, their counts and orders', async () => {
  const page = await newPage(session.browser);
  await openCorpus(page);
  for (const answer of answers) {
    const result = await page.evaluate(({ filter, sort }) => document.getElementById('viewer').query(filter, { sort, limit: 50 }), answer);
    assert.equal(result.count, answer.count, `count of ${answer.filter}`);
    assert.deepEqual(result.traceIds, answer.traceIds, `order of ${answer.filter} by ${answer.sort}`);
  }
  const everything = await page.evaluate(() => document.getElementById('viewer').query());
  assert.equal(everything.count, 1500, 'an empty filter matches every trace');
  assert.equal(everything.traceIds.length, 100, 'the default limit is 100');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the table sorts by a clicked column, filters from the filter bar and a facet, and keeps few rows in the DOM', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1400, height: 800 } });
  await openCorpus(page);
  // Sorting by duration (largest first on the first click) puts the reference's order on screen.
  await page.locator(inViewer('.tv-sort-button'), { hasText: 'Duration' }).click();
  const expected = await page.evaluate(() => document.getElementById('viewer').query('', { sort: 'duration_ms desc', limit: 10 }));
  await page.waitForFunction((first) => document.querySelector('trace-viewer').shadowRoot
    .querySelector('.tv-table-row[aria-rowindex="2"]')?.dataset.traceId === first, expected.traceIds[0]);
  assert.equal(await page.evaluate(() => document.getElementById('viewer').getAttribute('sort')), 'duration_ms desc');
  // Scrolling top to bottom keeps the rendered rows within twice the visible ones.
  const visibleRows = await page.evaluate(() => Math.ceil(document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-table-scroll').clientHeight / 30));
  let mostRows = 0;
  for (let step = 0; step <= 10; step += 1) {
    await page.evaluate((share) => {
      const scroller = document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-table-scroll');
      scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) * share;
    }, step / 10);
    const last = Math.round(1500 * step / 10);
    await page.waitForFunction((position) => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-table-row')]
      .some((row) => Math.abs(Number(row.getAttribute('aria-rowindex')) - 2 - position) < 40), Math.min(last, 1499));
    mostRows = Math.max(mostRows, await page.evaluate(() => document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-table-row').length));
  }
  assert.ok(mostRows <= 2 * visibleRows, `at most ${mostRows} rows in the DOM for ${visibleRows} visible`);
  // A filter typed in the bar: the count and the rows follow, and filter-change says so.
  const changes = [];
  await page.exposeFunction('recordChange', (detail) => changes.push(detail));
  await page.evaluate(() => document.getElementById('viewer').addEventListener('filter-change', (event) => window.recordChange(event.detail)));
  await page.locator(inViewer('.tv-filter-input')).fill('status = error and intent = "complaint"');
  await page.locator(inViewer('.tv-filter-input')).press('Enter');
  const complaints = await page.evaluate(() => document.getElementById('viewer').query('status = error and intent = "complaint"'));
  await page.waitForFunction((count) => document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-table-summary').textContent
    .startsWith(`${count} traces · ${count} failed`), complaints.count);
  await waitUntil(() => changes.length > 0, 'filter-change');
  assert.equal(changes.at(-1).count, complaints.count);
  assert.equal(await page.evaluate(() => document.getElementById('viewer').filter), 'status = error and intent = "complaint"');
  const shownIntents = await page.locator(inViewer('.tv-table-row')).evaluateAll((rows) => rows.map((row) => row.textContent));
  assert.ok(shownIntents.length > 0 && shownIntents.every((text) => text.includes('complaint') && text.includes('error')), 'every row shown matches');
  // A facet value narrows further.
  await page.locator(inViewer('.tv-facet-value'), { hasText: 'treatment' }).first().click();
  const narrowed = await page.evaluate(() => document.getElementById('viewer').filter);
  assert.equal(narrowed, '(status = error and intent = "complaint") and variant = "treatment"');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a bad filter gets a message with its column, and the table carries on', async () => {
  const page = await newPage(session.browser);
  await openCorpus(page);
  await page.locator(inViewer('.tv-filter-input')).fill('intent = "refund" and duration_ms > fast');
  await page.locator(inViewer('.tv-filter-input')).press('Enter');
  const message = await page.locator(inViewer('.tv-filter-error')).textContent();
  assert.match(message, /column 37/);
  assert.match(message, /duration_ms is a number/);
  const rejected = await page.evaluate(() => document.getElementById('viewer').query('status = maybe').then(() => null, (error) => error.message));
  assert.match(rejected, /column 10: status is one of ok, error/);
  await page.locator(inViewer('.tv-filter-input')).fill('intent = "refund"');
  await page.locator(inViewer('.tv-filter-input')).press('Enter');
  await page.waitForFunction(() => !document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-filter-error'));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('opening a row reads only its lines, shows the trace, and Back returns to the same table', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1300, height: 800 } });
  await openCorpus(page);
  const opened = page.evaluate(() => new Promise((resolve) => document.getElementById('viewer').addEventListener('trace-open', (event) => resolve(event.detail), { once: true })));
  const row = page.locator(inViewer('.tv-table-row[aria-rowindex="4"]'));
  const traceId = await row.getAttribute('data-trace-id');
  await row.click();
  const detail = await opened;
  assert.equal(detail.traceId, traceId);
  const corpusBytes = readFileSync(join(repository, 'target', CORPUS)).length;
  assert.ok(detail.bytesRead < corpusBytes / 200, `read ${detail.bytesRead} of ${corpusBytes} bytes`);
  await page.locator(inViewer('.tv-back')).waitFor();
  assert.equal(await page.evaluate(() => document.getElementById('viewer').traces.traces[0].traceId), traceId);
  assert.match(await page.evaluate(() => location.hash), new RegExp(`trace=${traceId}`));
  await page.locator(inViewer('.tv-back')).click();
  await page.locator(inViewer('.tv-table-row-opened')).waitFor();
  assert.equal(await page.locator(inViewer('.tv-table-row-opened')).getAttribute('data-trace-id'), traceId);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('reloading with the same files restores the filter, the sort and the opened trace from the URL hash', async () => {
  const page = await newPage(session.browser);
  const sources = `?src=/fixtures/otlp/${otlpFixture()}&src=${CORPUS}`;
  await page.goto(`${session.server.url}${sources}`);
  await page.locator(inViewer('.tv-filter-input')).waitFor();
  await page.waitForFunction(() => !document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-table-reading')
    && document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-table-row'));
  await page.locator(inViewer('.tv-filter-input')).fill('feedback = thumbs_down');
  await page.locator(inViewer('.tv-filter-input')).press('Enter');
  await page.locator(inViewer('.tv-sort-button'), { hasText: 'Cost' }).click();
  await page.waitForFunction(() => location.hash.includes('sort=cost'));
  await page.locator(inViewer('.tv-table-row[aria-rowindex="3"]')).click();
  await page.locator(inViewer('.tv-back')).waitFor();
  const hash = await page.evaluate(() => location.hash);
  const traceId = new URLSearchParams(hash.slice(1)).get('trace');
  assert.ok(traceId && hash.includes('filter=feedback'), hash);
  await page.reload();
  await page.locator(inViewer('.tv-back')).waitFor({ timeout: 120_000 });
  assert.equal(await page.evaluate(() => document.getElementById('viewer').traces.traces[0].traceId), traceId);
  await page.locator(inViewer('.tv-back')).click();
  assert.equal(await page.locator(inViewer('.tv-filter-input')).inputValue(), 'feedback = thumbs_down');
  assert.equal(await page.locator(inViewer('.tv-table-header[aria-sort="descending"]')).textContent(), 'Cost ▼');
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** The first OTLP fixture (a file of another tool's export, mixed into a corpus). */
function otlpFixture() {
  return readdirSync(join(repository, 'tests/fixtures/otlp')).filter((name) => name.endsWith('.json')).sort()[0];
}

test('a folder of files of different formats opens as one corpus, each file reported with its format', async () => {
  const page = await newPage(session.browser);
  await openPageWithExample(page);
  const folders = ['langfuse', 'langsmith', 'jaeger', 'zipkin', 'own', 'otlp'];
  const names = folders.map((folder) => `${folder}/${readdirSync(join(repository, 'tests/fixtures', folder)).filter((name) => name.endsWith('.json')).sort()[0]}`);
  const summary = await page.evaluate(async (paths) => {
    const files = await Promise.all(paths.map(async (path) => new File([await (await fetch(`/fixtures/${path}`)).blob()], path.split('/').pop())));
    return document.getElementById('viewer').load(files);
  }, names);
  assert.equal(summary.format, 'corpus');
  assert.equal(summary.files.length, folders.length);
  for (const report of summary.files) assert.ok(report.traces > 0 && report.formats.length > 0, JSON.stringify(report));
  const formats = new Set(summary.files.flatMap((report) => report.formats));
  assert.ok(formats.size >= 5, [...formats].join(', '));
  const { count } = await page.evaluate(() => document.getElementById('viewer').query());
  assert.equal(count, summary.traceCount);
  await page.locator(inViewer('.tv-file-reports summary')).click();
  assert.equal(await page.locator(inViewer('.tv-file-reports > ul > li')).count(), folders.length);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('appendData streams traces in: new rows appear under the current filter, indexed in the worker', async () => {
  const page = await newPage(session.browser);
  await openPageWithExample(page);
  const lines = readFileSync(join(repository, 'target', CORPUS), 'utf8').split('\n').filter(Boolean);
  const expected = answers.find((answer) => answer.filter === 'status = error').count;
  await page.evaluate(() => {
    const viewer = document.getElementById('viewer');
    viewer.clear();
    viewer.setAttribute('filter', 'status = error');
  });
  // 5,000 traces a second: a chunk of 250 lines every 50 ms, each cut in the middle of a line.
  const counts = [];
  for (let first = 0; first < lines.length; first += 250) {
    const chunk = `${lines.slice(first, first + 250).join('\n')}\n`;
    const cut = Math.floor(chunk.length / 2);
    await page.evaluate(([left, right]) => {
      const viewer = document.getElementById('viewer');
      viewer.appendData(left);
      viewer.appendData(new TextEncoder().encode(right));
    }, [chunk.slice(0, cut), chunk.slice(cut)]);
    await page.waitForTimeout(50);
    counts.push(await page.evaluate(() => document.getElementById('viewer').query('status = error', { limit: 0 }).then((answer) => answer.count, () => 0)));
  }
  // The last lines are indexed once the worker has taken them in.
  let last = counts.at(-1);
  while (last !== expected) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await page.evaluate(() => document.getElementById('viewer').query('status = error', { limit: 0 }).then((answer) => answer.count));
  }
  await page.waitForFunction((count) => document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-table-summary')?.textContent
    .startsWith(`${count.toLocaleString('en-US')} traces`), expected, { timeout: 60_000 });
  for (let index = 1; index < counts.length; index += 1) assert.ok(counts[index] >= counts[index - 1], 'the count only grows');
  assert.ok(counts.filter((count, index) => index > 0 && count > counts[index - 1]).length > 3, 'rows appeared as chunks came');
  const rows = await page.locator(inViewer('.tv-table-row')).evaluateAll((found) => found.map((row) => row.textContent));
  assert.ok(rows.length > 0 && rows.every((text) => text.includes('error')), 'every row shown is under the filter');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('helper workers summarise the lines in parallel, and the answers are those of reading in one place', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  const readWith = (helpers, helpersWaitForRows = false) => page.evaluate(async ({ helpers, helpersWaitForRows, corpus, answers }) => {
    globalThis.TRACE_VIEWER_CORPUS_HELPERS = helpers;
    const { CorpusSession } = await import('/trace-viewer-corpus.js');
    let done;
    const finished = new Promise((resolve) => { done = resolve; });
    const corpusSession = new CorpusSession((progress) => { if (!progress.reading) done(); }, (error) => done(error));
    await corpusSession.start();
    const blob = await (await fetch(corpus)).blob();
    corpusSession.addSources([{ name: 'reference.jsonl', blob }], { helpersWaitForRows });
    await finished;
    const progress = await corpusSession.ask('progress');
    const results = [];
    for (const { filter, sort } of answers) results.push(await corpusSession.ask('query', filter, sort, 50));
    const reports = await corpusSession.ask('reports');
    corpusSession.end();
    return { progress, results, reports };
  }, { helpers, helpersWaitForRows, corpus: CORPUS, answers });
  const withHelpers = await readWith(2);
  const alone = await readWith(0);
  // Held for a table's first rows (and never let go here but by the worker's own deadline): the
  // first run is read in the corpus worker; the same answers.
  const held = await readWith(2, true);
  // The 5 MB corpus is read in three slices (1, 2 and 4 MB: they double from 1 MB, so the first
  // rows come quickly): each one's lines went to a helper, none were read here.
  assert.equal(withHelpers.progress.summarisedByHelpers, 3, 'every run of lines was summarised by a helper');
  assert.equal(withHelpers.progress.summarisedWhileHeld, 0);
  assert.equal(alone.progress.summarisedByHelpers, 0);
  assert.ok(held.progress.summarisedWhileHeld >= 1, 'the first run was read here while the helpers waited');
  assert.equal(held.progress.summarisedWhileHeld + held.progress.summarisedByHelpers, 3);
  assert.deepEqual(held.results, withHelpers.results);
  assert.equal(withHelpers.progress.traces, 1500);
  assert.deepEqual(withHelpers.reports, alone.reports);
  answers.forEach((answer, index) => {
    assert.equal(withHelpers.results[index].count, answer.count, `count of ${answer.filter}`);
    assert.deepEqual(withHelpers.results[index].traceIds, answer.traceIds, `order of ${answer.filter}`);
    assert.deepEqual(alone.results[index], withHelpers.results[index]);
  });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a document too large to import whole is read element by element: the table, the answers and an opened trace', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1300, height: 800 } });
  await openPageWithExample(page);
  // The reference corpus as one pretty-printed OTLP document (5 MB), over a ceiling of 1 MB.
  const elements = readFileSync(join(repository, 'target', CORPUS), 'utf8').split('\n').filter(Boolean)
    .map((line) => line.slice('{"resourceSpans":['.length, -']}'.length));
  const document = `{\n  "resourceSpans": [\n    ${elements.join(',\n    ')}\n  ]\n}\n`;
  const outcome = await page.evaluate(async ({ document, answers }) => {
    const { setMaxFileBytes } = await import('/pkg/trace-viewer.js');
    setMaxFileBytes(1_000_000);
    const viewer = window.document.getElementById('viewer');
    try {
      const summary = await viewer.load(new File([document], 'one-document.json'));
      const results = [];
      for (const { filter, sort } of answers.slice(0, 6)) results.push(await viewer.query(filter, { sort, limit: 50 }));
      return { summary, results };
    } finally {
      setMaxFileBytes();
    }
  }, { document, answers });
  assert.equal(outcome.summary.format, 'corpus');
  assert.equal(outcome.summary.traceCount, 1500);
  assert.deepEqual(outcome.summary.warnings, []);
  outcome.results.forEach((result, index) => {
    assert.equal(result.count, answers[index].count, `count of ${answers[index].filter}`);
    assert.deepEqual(result.traceIds, answers[index].traceIds, `order of ${answers[index].filter}`);
  });
  // Opening a row reads its element (inside the document's opening) and shows its spans.
  const opened = page.evaluate(() => new Promise((resolve) => window.document.getElementById('viewer').addEventListener('trace-open', (event) => resolve(event.detail), { once: true })));
  const row = page.locator(inViewer('.tv-table-row[aria-rowindex="3"]'));
  const traceId = await row.getAttribute('data-trace-id');
  await row.click();
  const detail = await opened;
  assert.equal(detail.traceId, traceId);
  assert.ok(detail.bytesRead < document.length / 200, `read ${detail.bytesRead} of ${document.length} bytes`);
  await page.locator(inViewer('.tv-back')).waitFor();
  const shown = await page.evaluate(() => window.document.getElementById('viewer').traces.traces[0]);
  assert.equal(shown.traceId, traceId);
  // Every span of the trace, wherever in the document its elements were.
  const spans = document.split(`"traceId":"${traceId}"`).length - 1;
  assert.ok(spans > 0);
  assert.equal(shown.spanCount, spans);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('aggregate() and bubbleUp() answer over the corpus what the native reference computes', async () => {
  const expected = JSON.parse(readFileSync(join(repository, 'target/corpus/reference-1500.aggregates.json'), 'utf8'));
  const page = await newPage(session.browser);
  await openCorpus(page);
  const answers = await page.evaluate(async (measures) => {
    const viewer = document.getElementById('viewer');
    const byIntent = await viewer.aggregate({ groupBy: ['intent'], measures });
    const byTool = await viewer.aggregate({ groupBy: ['tool'], measures });
    const whole = await viewer.aggregate();
    const causes = await viewer.bubbleUp({ selection: 'status = error', limit: 5 });
    const errors = await Promise.all([
      viewer.aggregate({ groupBy: ['colour'] }),
      viewer.aggregate({ measures: ['median'] }),
      viewer.aggregate({ filter: 'duration_ms >' }),
      viewer.bubbleUp({}),
    ].map((promise) => promise.then(() => 'resolved', (error) => ({ message: error.message, column: error.column }))));
    return { byIntent, byTool, whole, causes, errors };
  }, expected.measures);
  /** The element's groups against the reference's, each measure exact (costs to 1e-9: summed in another order). */
  const compare = (groups, reference, what) => {
    assert.equal(groups.length, reference.length, `${what}: groups`);
    for (const wanted of reference) {
      const group = groups.find((candidate) => JSON.stringify(candidate.key) === JSON.stringify(wanted.key));
      assert.ok(group, `${what}: a group ${JSON.stringify(wanted.key)}`);
      for (const [measure, value] of Object.entries(wanted)) {
        if (measure.startsWith('cost') && typeof value === 'number') assert.ok(Math.abs(group[measure] - value) <= 1e-9 * Math.max(1, Math.abs(value)), `${what} ${measure}`);
        else assert.deepEqual(group[measure], value, `${what} ${JSON.stringify(wanted.key)} ${measure}`);
      }
    }
  };
  compare(answers.byIntent.groups, expected.byIntent, 'by intent');
  compare(answers.byTool.groups, expected.byTool, 'by tool');
  assert.deepEqual(answers.whole.groups.map((group) => [group.key, group.count]), [[{}, 1500]]);
  // Largest group first.
  assert.ok(answers.byIntent.groups.every((group, index, all) => index === 0 || all[index - 1].count >= group.count));
  // The planted causes of failure lead BubbleUp, the selection's own field left out.
  const leading = answers.causes.slice(0, 3).map((value) => `${value.field}=${value.value}`);
  for (const planted of ['model=o3-mini', 'tool=lookup_order', 'intent=complaint']) assert.ok(leading.includes(planted), `${planted} in ${leading}`);
  assert.ok(answers.causes.every((value) => value.field !== 'status' && Math.abs(value.score - (value.selection - value.baseline)) < 1e-12));
  assert.match(answers.errors[0].message, /cannot group by "colour"/);
  assert.match(answers.errors[1].message, /unknown measure "median"/);
  assert.equal(answers.errors[2].column, 14);
  assert.match(answers.errors[3].message, /bubbleUp needs a selection/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('view="dashboard" shows the panels the panels attribute picks; a bar filters the table unless aggregate-select is cancelled', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 900 } });
  await openCorpus(page);
  await page.evaluate(() => {
    const viewer = document.getElementById('viewer');
    viewer.setAttribute('panels', 'fail_rate by intent, tool_error_rate by tool');
    viewer.setAttribute('view', 'dashboard');
  });
  /** Each panel's title and its bars as drawn: [label, value text, count text]. */
  const drawn = () => page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-panel')].map((panel) => ({
    title: panel.querySelector('.tv-panel-title').textContent,
    bars: [...panel.querySelectorAll('.tv-panel-bar')].map((bar) => [...bar.querySelectorAll('span')].slice(1).map((span) => span.textContent)),
  })));
  /** The bars a panel should draw, from aggregate(): largest measure first, as percentages. */
  const expectedBars = (groups, field, measure) => groups
    .map((group) => ({ label: group.key[field] ?? `(no ${field})`, value: group[measure], count: group.count }))
    .sort((left, right) => right.value - left.value || right.count - left.count || left.label.localeCompare(right.label))
    .slice(0, 12)
    .map(({ label, value, count }) => [label, `${(Math.round(value * 1000) / 10).toFixed(1)}%`, `${count.toLocaleString('en-US')} traces`]);
  await waitUntil(async () => (await drawn()).length === 2 && (await drawn()).every((panel) => panel.bars.length > 0), 'two panels with bars');
  const [byIntent, byTool] = await page.evaluate(async () => {
    const viewer = document.getElementById('viewer');
    return [
      (await viewer.aggregate({ groupBy: ['intent'], measures: ['fail_rate'] })).groups,
      (await viewer.aggregate({ groupBy: ['tool'], measures: ['tool_error_rate'] })).groups,
    ];
  });
  let panels = await drawn();
  assert.deepEqual(panels.map((panel) => panel.title), ['Fail rate by intent', 'Tool error rate by tool'], 'only the panels asked for');
  assert.deepEqual(panels[0].bars, expectedBars(byIntent, 'intent', 'fail_rate'));
  assert.deepEqual(panels[1].bars, expectedBars(byTool, 'tool', 'tool_error_rate'));

  // Another definition of failed, typed on the dashboard: the panel follows, and so do the
  // element's failDefinition and aggregate().
  await page.locator(inViewer('.tv-fail-definition input')).fill('status = error');
  await page.locator(inViewer('.tv-fail-definition button')).click();
  const errorRates = await page.evaluate(async () => (await document.getElementById('viewer').aggregate({ groupBy: ['intent'], measures: ['error_rate'] })).groups);
  await waitUntil(async () => JSON.stringify((await drawn())[0].bars) === JSON.stringify(expectedBars(errorRates, 'intent', 'error_rate')), 'the fail rate as the error rate');
  assert.equal(await page.evaluate(() => document.getElementById('viewer').failDefinition), 'status = error');
  assert.match(await page.locator(inViewer('.tv-panel-note')).first().textContent(), /Failed: status = error/);

  // Grouped by another field from the panel's own menu.
  await page.locator(inViewer('.tv-panel-group select')).first().selectOption('variant');
  await waitUntil(async () => (await drawn())[0].title === 'Fail rate by variant' && (await drawn())[0].bars.length === 2, 'the panel by variant');
  // By day: the bars in time order (the latest 48), labelled by date.
  await page.locator(inViewer('.tv-panel-group select')).first().selectOption('day');
  const days = await page.evaluate(async () => (await document.getElementById('viewer').aggregate({ groupBy: ['day'], measures: ['count'] })).groups);
  const expectedDays = days.map((group) => group.key.day).sort().slice(-48).map((day) => day.slice(0, 10));
  await waitUntil(async () => JSON.stringify((await drawn())[0].bars.map((bar) => bar[0])) === JSON.stringify(expectedDays), 'the panel by day, in time order');

  // A host that cancels aggregate-select keeps the dashboard; one that does not gets the table.
  await page.evaluate(() => {
    window.selections = [];
    document.getElementById('viewer').addEventListener('aggregate-select', (event) => {
      window.selections.push(event.detail);
      if (window.selections.length === 1) event.preventDefault();
    });
  });
  const top = (await drawn())[1].bars[0][0];
  await page.locator(inViewer('.tv-panel')).nth(1).locator('.tv-panel-bar').first().click();
  await waitUntil(() => page.evaluate(() => window.selections.length === 1), 'the first aggregate-select');
  assert.equal(await page.locator(inViewer('.tv-panel')).count(), 2, 'cancelled: still the dashboard');
  await page.locator(inViewer('.tv-panel')).nth(1).locator('.tv-panel-bar').first().click();
  await waitUntil(() => page.evaluate(() => window.selections.length === 2), 'the second aggregate-select');
  const selection = await page.evaluate(() => window.selections[1]);
  assert.deepEqual(selection, { filter: `tool = "${top}"`, field: 'tool', value: top, measure: 'tool_error_rate' });
  const expected = await page.evaluate((filter) => document.getElementById('viewer').query(filter), selection.filter);
  await page.waitForFunction((count) => {
    const root = document.querySelector('trace-viewer').shadowRoot;
    return root.querySelector('.tv-table-scroll') && root.querySelector('.tv-table-summary')?.textContent.startsWith(`${count.toLocaleString('en-US')} traces`);
  }, expected.count);
  assert.equal(await page.evaluate(() => document.getElementById('viewer').getAttribute('filter')), selection.filter);
  assert.equal(await page.locator(inViewer('.tv-panel')).count(), 0, 'the table replaced the dashboard');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the dashboard\'s BubbleUp lists what bubbleUp() ranks, within the current filter, and its actions refilter and regroup', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 1200 } });
  await openCorpus(page);
  await page.evaluate(() => {
    const viewer = document.getElementById('viewer');
    // BubbleUp named first: "Group by" still regroups the first panel of bars.
    viewer.setAttribute('panels', 'bubble_up, fail_rate by intent');
    viewer.setAttribute('view', 'dashboard');
  });
  /** The BubbleUp rows as drawn: [value, selected share, other share]. */
  const drawn = () => page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-bubble-table tbody tr')]
    .map((row) => [row.querySelector('th').textContent, ...[...row.querySelectorAll('.tv-bubble-share')].map((cell) => cell.textContent)]));
  const percent = (share) => `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
  const expected = (selection, baseline) => page.evaluate(({ selection, baseline }) => document.getElementById('viewer').bubbleUp({ selection, baseline, limit: 12 }), { selection, baseline })
    .then((values) => values.map((value) => [`${value.field} = ${value.value}`, percent(value.selection), percent(value.baseline)]));
  const failing = await expected('status = error', undefined);
  assert.ok(failing.length > 3);
  await waitUntil(async () => JSON.stringify(await drawn()) === JSON.stringify(failing), 'BubbleUp of the failed traces as bubbleUp() ranks them');

  // Another selection, typed.
  await page.locator(inViewer('#tv-bubble-selection')).fill('feedback = thumbs_down');
  await page.locator(inViewer('.tv-bubble-up button[type="submit"]')).click();
  const unhappy = await expected('feedback = thumbs_down', undefined);
  await waitUntil(async () => JSON.stringify(await drawn()) === JSON.stringify(unhappy), 'BubbleUp of the thumbs down');

  // "Only": the filter keeps the traces with the first value; BubbleUp then compares within it.
  const [field, value] = unhappy[0][0].split(' = ');
  await page.locator(inViewer('.tv-bubble-table tbody tr')).first().getByText('Only').click();
  const filter = await page.evaluate(() => document.getElementById('viewer').getAttribute('filter'));
  assert.ok(filter.startsWith(`${field} = `) && filter.includes(value), filter);
  const within = await expected(`(${filter}) and feedback = thumbs_down`, filter);
  await waitUntil(async () => JSON.stringify(await drawn()) === JSON.stringify(within), 'BubbleUp within the new filter');
  assert.equal(await page.locator(inViewer('.tv-bubble-up')).count(), 1, 'still the dashboard');

  // "Group by": the first panel is grouped by that row's field.
  const modelRow = page.locator(inViewer('.tv-bubble-table tbody tr')).filter({ hasText: /^(model|tool|variant|intent) = / }).first();
  const groupField = (await modelRow.locator('th').textContent()).split(' = ')[0];
  await modelRow.getByText('Group by').click();
  await waitUntil(async () => (await page.locator(inViewer('.tv-panel-title')).first().textContent()) === `Fail rate by ${groupField}`, 'the first panel regrouped');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('compare() gives each group\'s measures with intervals, and the dashboard\'s comparison marks the differences that leave out zero', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 1200 } });
  await openCorpus(page);
  const a = 'variant = "control"';
  const b = 'variant = "treatment"';
  const { comparison, groups } = await page.evaluate(async ({ a, b }) => {
    const viewer = document.getElementById('viewer');
    const comparison = await viewer.compare({ a, b });
    const measures = comparison.measures.map((row) => row.measure);
    const groups = [(await viewer.aggregate({ measures, filter: a })).groups[0], (await viewer.aggregate({ measures, filter: b })).groups[0]];
    return { comparison, groups };
  }, { a, b });
  assert.equal(comparison.a, groups[0].count);
  assert.equal(comparison.b, groups[1].count);
  for (const row of comparison.measures) {
    if (row.measure === 'cost_mean') assert.ok(Math.abs(row.a - groups[0].cost_mean) < 1e-12 && Math.abs(row.b - groups[1].cost_mean) < 1e-12);
    else assert.deepEqual([row.a, row.b], [groups[0][row.measure], groups[1][row.measure]], row.measure);
    assert.ok(row.low <= row.delta && row.delta <= row.high, `${row.measure}: ${row.low} <= ${row.delta} <= ${row.high}`);
  }
  const thumbsDown = comparison.measures.find((row) => row.measure === 'thumbs_down_rate');
  assert.ok(thumbsDown.low > 0, 'the planted thumbs down of the treatment leaves zero out');
  const rejected = await page.evaluate(() => document.getElementById('viewer').compare({ a: 'status =', b: '' }).then(() => null, (error) => error.message));
  assert.match(rejected, /^a, "status =", does not read at column 9/);

  // The dashboard's comparison: the two variants by default, the same rows marked.
  await page.evaluate(() => {
    const viewer = document.getElementById('viewer');
    viewer.setAttribute('panels', 'compare');
    viewer.setAttribute('view', 'dashboard');
  });
  const apart = comparison.measures.filter((row) => row.low > 0 || row.high < 0).map((row) => row.measure.replace('_duration_ms', ' duration').replace('cost_mean', 'mean cost').replaceAll('_', ' '));
  await page.waitForFunction(() => document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-compare-table tbody tr').length > 0);
  const drawn = await page.evaluate(() => ({
    heads: [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-compare-table thead th')].map((cell) => cell.textContent),
    marked: [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-compare-apart th')].map((cell) => cell.textContent),
  }));
  assert.equal(drawn.heads[1], `A (${comparison.a.toLocaleString('en-US')})`);
  assert.equal(drawn.heads[2], `B (${comparison.b.toLocaleString('en-US')})`);
  assert.deepEqual(drawn.marked, apart);
  assert.deepEqual(page.errors, []);
  await page.close();
});
