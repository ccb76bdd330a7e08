// Comparing two traces of one file (tests/fixtures/compare/retry-loop-pair.json: B retries its
// search three times, rewrites one sentence of the system prompt and uses another model): opened
// by the page's `#compare=` hash, by the element's compareTraces(), and by "Compare with…" and
// "Compare with nearest success" in the header, at desktop and phone width; and as a corpus (the
// two traces as two loaded files, or as JSON Lines): marked in the traces table by mouse or
// keyboard, by `#compare=` and by compareTraces() with ids or row positions. Each checks on screen
// the `+3` on the search path, the exact totals, the one changed sentence and the model change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newPage, repository, screenshots, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();
const PAIR = '/fixtures/compare/retry-loop-pair.json';
const A = 'a0000000000000000000000000000001';
const B = 'b0000000000000000000000000000002';
const WIDTHS = [{ width: 1440, height: 900 }, { width: 390, height: 844 }];

/** What the comparison on screen says, read from the viewer's shadow root. */
function readComparison(page) {
  return page.evaluate(() => {
    const root = document.getElementById('viewer').shadowRoot;
    const view = root.querySelector('.tv-compare-view');
    const texts = (selector, within = view) => [...within.querySelectorAll(selector)].map((node) => node.textContent.trim());
    const totals = Object.fromEntries([...view.querySelectorAll('.tv-compare-totals tbody tr')]
      .map((row) => [row.dataset.total, texts('td', row)]));
    const paths = [...view.querySelectorAll('.tv-path-row')]
      .map((row) => [row.dataset.path, row.querySelector('.tv-path-counts').textContent, row.querySelector('.tv-path-change').textContent]);
    const parameters = [...view.querySelectorAll('.tv-compare-parameters tbody tr')].map((row) => [row.dataset.parameter, ...texts('td', row)]);
    const system = view.querySelector('.tv-text-diff[data-text="System prompt"]');
    const steps = [...view.querySelectorAll('.tv-step-table tbody tr.tv-step-row')].map((row) => texts('td', row));
    return {
      totals,
      paths,
      parameters,
      removed: texts('del', system),
      added: texts('ins', system),
      steps,
      // Nothing of the comparison may need a sideways scroll of the whole view.
      overflows: view.scrollWidth > view.clientWidth + 1,
    };
  });
}

/** The comparison of A with B as the fixture makes it. */
function assertAgainstA(seen, label) {
  assert.deepEqual(seen.paths, [['research-agent › web_search', '1 → 4', '+3']], `${label}: the structure`);
  assert.deepEqual(seen.totals, {
    Duration: ['6.00 s', '9.50 s', '+3.50 s'],
    Cost: ['$0.0072', '$0.0008', '−$0.0064'],
    Tokens: ['2,460', '2,670', '+210'],
    Spans: ['4', '7', '+3'],
    Errors: ['0', '3', '+3'],
    'Tool calls': ['1', '4', '+3'],
  }, `${label}: the totals`);
  assert.deepEqual(seen.parameters, [['model', 'gpt-4o', 'gpt-4o-mini']], `${label}: the parameters`);
  assert.deepEqual(seen.removed, ['Answer using the search tool'], `${label}: removed words`);
  assert.deepEqual(seen.added, ['Search again when the results are empty'], `${label}: added words`);
  assert.equal(seen.steps.length, 4, `${label}: four aligned steps`);
  assert.match(seen.steps[2][0], /web_search/);
  assert.match(seen.steps[2][2], /×4/);
  assert.match(seen.steps[2][2], /3 failed/);
  assert.equal(seen.steps[2][3], '+3.00 s');
  assert.equal(seen.overflows, false, `${label}: no sideways scroll`);
}

const waitForComparison = (page) => page.locator('trace-viewer .tv-compare-view .tv-path-row').first().waitFor();

for (const viewport of WIDTHS) {
  test(`#compare= on the page opens the comparison of a file's two traces, and Back returns to its traces (${viewport.width} px)`, async () => {
    const page = await newPage(session.browser, { viewport });
    await page.goto(`${session.server.url}?src=${PAIR}#compare=${A},${B}`);
    await waitForComparison(page);
    assertAgainstA(await readComparison(page), `${viewport.width} px`);
    await page.screenshot({ path: join(screenshots, `compare-${viewport.width}.png`), fullPage: false });
    // The file's two traces are a corpus (kept whole in its worker): Back shows its table.
    await page.locator('trace-viewer .tv-compare-back').click();
    await waitForRows(page, [A, B]);
    assert.equal(await page.locator('trace-viewer .tv-compare-view').count(), 0);
    await page.waitForFunction(() => !location.hash.includes('compare='));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`compareTraces() on the element, "Compare with…" and "Compare with nearest success" (${viewport.width} px)`, async () => {
    const page = await newPage(session.browser, { viewport });
    await page.goto(session.server.url);
    await page.locator('trace-viewer .tv-row').first().waitFor();
    const text = await readFile(join(repository, 'tests/fixtures/compare/retry-loop-pair.json'), 'utf8');
    const answers = await page.evaluate(async (text) => {
      const viewer = document.getElementById('viewer');
      viewer.setAttribute('view', 'list');
      await viewer.load(text, 'retry-loop-pair.json');
      const opened = new Promise((resolve) => viewer.addEventListener('compare-open', (event) => resolve(event.detail), { once: true }));
      return { missing: viewer.compareTraces('no-such-trace', 0), shown: viewer.compareTraces(0, 'b0000000000000000000000000000002'), detail: await opened };
    }, text);
    assert.deepEqual(answers, { missing: false, shown: true, detail: { traceIdA: A, traceIdB: B } });
    await waitForComparison(page);
    assertAgainstA(await readComparison(page), `compareTraces at ${viewport.width} px`);
    await page.waitForFunction((expected) => location.hash.includes(`compare=${expected}`), `${A},${B}`);

    // Back on trace A, "Compare with…" picks B (at phone width behind More).
    await page.locator('trace-viewer .tv-compare-back').click();
    await page.locator('trace-viewer .tv-row').first().waitFor();
    if (viewport.width < 560) await page.locator('trace-viewer .tv-summary-toggle').click();
    assert.equal(await page.locator('trace-viewer .tv-compare-nearest').count(), 0, 'A succeeded: no nearest success to offer');
    await page.locator('trace-viewer .tv-compare-select').selectOption({ index: 1 });
    await waitForComparison(page);
    assertAgainstA(await readComparison(page), `Compare with… at ${viewport.width} px`);

    // Trace B failed: its nearest success is A, compared B against A (every change reversed).
    await page.locator('trace-viewer .tv-compare-back').click();
    await page.evaluate((id) => { document.getElementById('viewer').selectedTrace = id; }, B);
    await page.locator('trace-viewer .tv-trace-name', { hasText: 'research-agent' }).waitFor();
    if (viewport.width < 560 && await page.locator('trace-viewer .tv-header-open').count() === 0) await page.locator('trace-viewer .tv-summary-toggle').click();
    await page.locator('trace-viewer .tv-compare-nearest').click();
    await waitForComparison(page);
    const reversed = await readComparison(page);
    assert.deepEqual(reversed.paths, [['research-agent › web_search', '4 → 1', '−3']]);
    assert.deepEqual(reversed.totals.Duration, ['9.50 s', '6.00 s', '−3.50 s']);
    assert.deepEqual(reversed.parameters, [['model', 'gpt-4o-mini', 'gpt-4o']]);
    assert.deepEqual(reversed.removed, ['Search again when the results are empty']);
    // Swap puts A first again.
    await page.locator('trace-viewer .tv-compare-view button', { hasText: 'Swap A and B' }).click();
    await page.locator('trace-viewer .tv-path-change', { hasText: '+3' }).waitFor();
    assertAgainstA(await readComparison(page), `swapped at ${viewport.width} px`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

const PAIR_LINES = '/fixtures/compare/retry-loop-pair.jsonl';

/** Waits for the traces table to show every row of `ids`. */
async function waitForRows(page, ids) {
  for (const id of ids) await page.locator(`trace-viewer .tv-table-row[data-trace-id="${id}"]`).waitFor();
}

for (const viewport of WIDTHS) {
  test(`two loaded files: two rows marked in the traces table are compared, Back returns to the table (${viewport.width} px)`, async () => {
    const page = await newPage(session.browser, { viewport });
    await page.goto(session.server.url);
    await page.locator('trace-viewer .tv-row').first().waitFor();
    const text = await readFile(join(repository, 'tests/fixtures/compare/retry-loop-pair.json'), 'utf8');
    await page.evaluate(async (text) => {
      const { traces, ...rest } = JSON.parse(text);
      const file = (trace, name) => new File([JSON.stringify({ ...rest, traces: [trace] })], name, { type: 'application/json' });
      const viewer = document.getElementById('viewer');
      window.compareEvents = [];
      for (const name of ['compare-open', 'compare-close']) viewer.addEventListener(name, (event) => window.compareEvents.push([name, event.detail]));
      await viewer.load([file(traces[1], 'run-b.json'), file(traces[0], 'run-a.json')]);
    }, text);
    await waitForRows(page, [A, B]);
    assert.equal(await page.locator('trace-viewer .tv-compare-marks').count(), 0, 'no bar before a mark');

    // One mark: the bar names it and asks for another; the button waits.
    await page.locator(`trace-viewer .tv-table-row[data-trace-id="${A}"] .tv-table-mark input`).check();
    const bar = page.locator('trace-viewer .tv-compare-marks');
    await bar.waitFor();
    assert.match(await bar.textContent(), /A research-agent: battery question · a0000000/);
    assert.match(await bar.textContent(), /Mark one more trace/);
    assert.equal(await bar.locator('.tv-compare-marked').isDisabled(), true);
    // Clicking the checkbox marked the row without opening its trace.
    assert.equal(await page.locator('trace-viewer .tv-table').count(), 1);

    await page.locator(`trace-viewer .tv-table-row[data-trace-id="${B}"] .tv-table-mark input`).check();
    assert.match(await bar.textContent(), /B research-agent: battery question · b0000000/);
    await bar.locator('.tv-compare-marked').click();
    await waitForComparison(page);
    assertAgainstA(await readComparison(page), `marked rows at ${viewport.width} px`);
    if (viewport.width === 1440) await page.screenshot({ path: join(screenshots, 'compare-from-table-1440.png') });

    // Back: the table again, the marks cleared.
    const back = page.locator('trace-viewer .tv-compare-back');
    assert.equal((await back.textContent()).trim(), '← All traces');
    await back.click();
    await waitForRows(page, [A, B]);
    assert.equal(await page.locator('trace-viewer .tv-compare-view').count(), 0);
    assert.equal(await page.locator('trace-viewer .tv-compare-marks').count(), 0, 'the marks went with the comparison');
    assert.equal(await page.locator('trace-viewer .tv-table-mark input:checked').count(), 0);
    assert.deepEqual(await page.evaluate(() => window.compareEvents), [
      ['compare-open', { traceIdA: A, traceIdB: B }],
      ['compare-close', { traceIdA: A, traceIdB: B }],
    ]);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`a JSON Lines corpus: #compare= reads both traces again and compares them (${viewport.width} px)`, async () => {
    const page = await newPage(session.browser, { viewport });
    await page.goto(`${session.server.url}?src=${PAIR_LINES}#compare=${A},${B}`);
    await waitForComparison(page);
    assertAgainstA(await readComparison(page), `#compare= on a corpus at ${viewport.width} px`);
    await page.locator('trace-viewer .tv-compare-back').click();
    await waitForRows(page, [A, B]);
    await page.waitForFunction(() => !location.hash.includes('compare='));
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('a corpus: the keyboard marks rows (x, Space) and compares them (c); compareTraces() takes row positions; a failed trace offers its nearest success; an unknown id says so', async () => {
  const page = await newPage(session.browser, { viewport: WIDTHS[0] });
  await page.goto(`${session.server.url}?src=${PAIR_LINES}`);
  await waitForRows(page, [A, B]);
  const order = await page.locator('trace-viewer .tv-table-row').evaluateAll((rows) =>
    rows.sort((left, right) => Number(left.getAttribute('aria-rowindex')) - Number(right.getAttribute('aria-rowindex'))).map((row) => row.dataset.traceId));
  assert.deepEqual([...order].sort(), [A, B]);
  const opened = () => page.evaluate(() => new Promise((resolve) => document.getElementById('viewer').addEventListener('compare-open', (event) => resolve(event.detail), { once: true })));

  // Keyboard: down to the first row, x marks it; down, Space marks the second; c compares.
  await page.locator('trace-viewer .tv-table-scroll').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('x');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(' ');
  assert.equal(await page.locator('trace-viewer .tv-table-mark input:checked').count(), 2);
  const byKeys = opened();
  await page.keyboard.press('c');
  assert.deepEqual(await byKeys, { traceIdA: order[0], traceIdB: order[1] });
  await waitForComparison(page);
  await page.locator('trace-viewer .tv-compare-back').click();
  await waitForRows(page, [A, B]);

  // Positions are rows under the table's filter and sort.
  const byPositions = opened();
  assert.equal(await page.evaluate(() => document.getElementById('viewer').compareTraces(1, 0)), true);
  assert.deepEqual(await byPositions, { traceIdA: order[1], traceIdB: order[0] });
  await waitForComparison(page);
  await page.locator('trace-viewer .tv-compare-back').click();
  await waitForRows(page, [A, B]);

  // Trace B (failed) opened from the table: the corpus worker finds A as its nearest success.
  await page.locator(`trace-viewer .tv-table-row[data-trace-id="${B}"]`).click();
  const nearest = page.locator('trace-viewer .tv-compare-nearest');
  await nearest.waitFor();
  const byNearest = opened();
  await nearest.click();
  assert.deepEqual(await byNearest, { traceIdA: B, traceIdB: A });
  await waitForComparison(page);
  assert.deepEqual((await readComparison(page)).paths, [['research-agent › web_search', '4 → 1', '−3']]);
  await page.locator('trace-viewer .tv-compare-back').click();
  await waitForRows(page, [A, B]);

  // An id the corpus does not hold: an error that names it, the table still there.
  assert.equal(await page.evaluate((b) => document.getElementById('viewer').compareTraces('no-such-trace', b), B), true);
  const error = page.locator('trace-viewer .tv-error-panel');
  await error.waitFor();
  assert.match(await error.textContent(), /no-such-trace/);
  assert.equal(await page.locator('trace-viewer .tv-table').count(), 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});
