// Comparing two traces of one file (tests/fixtures/compare/retry-loop-pair.json: B retries its
// search three times, rewrites one sentence of the system prompt and uses another model): opened
// by the page's `#compare=` hash, by the element's compareTraces(), and by "Compare with…" and
// "Compare with nearest success" in the header, at desktop and phone width. Each checks on screen
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
  test(`#compare= on the page opens the comparison, and Back returns to trace A (${viewport.width} px)`, async () => {
    const page = await newPage(session.browser, { viewport });
    await page.goto(`${session.server.url}?src=${PAIR}#compare=${A},${B}`);
    await waitForComparison(page);
    assertAgainstA(await readComparison(page), `${viewport.width} px`);
    await page.screenshot({ path: join(screenshots, `compare-${viewport.width}.png`), fullPage: false });
    await page.locator('trace-viewer .tv-compare-back').click();
    await page.locator('trace-viewer .tv-row').first().waitFor();
    assert.equal(await page.locator('trace-viewer .tv-compare-view').count(), 0);
    assert.equal(await page.evaluate(() => document.getElementById('viewer').traces.traces.length), 2);
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
