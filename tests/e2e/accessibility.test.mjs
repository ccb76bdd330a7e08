// Accessibility in headless Chromium. axe-core (pinned in the tooling) checks every view the page
// and the element show against WCAG 2.2 A and AA and axe's best practices, in the light and the
// dark theme: the example trace with nothing and then each kind of span selected, at desktop and
// phone width; a multi-trace file's list; a corpus's traces table, one of its traces, the
// dashboard with every panel (BubbleUp's heatmap and histograms, the comparison, the merged tree),
// the sessions and a conversation; the comparison of two traces; markdown messages and retrieved
// documents; a folded and an unfolded loop; a failed load with and without a trace kept below it,
// and the element with nothing loaded. Any violation fails the test with its rule, its impact,
// the elements it found (axe reaches into the open shadow root) and what is wrong with each.
// The keyboard: `/` focuses the search from anywhere on the page, `+` `-` `0` zoom the waterfall,
// the tree names its active row (aria-activedescendant) and the splitter says its position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inViewer, newPage, openGeneratedCorpus, repository, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();
const AXE_SOURCE = readFileSync(join(repository, 'xtask/node_modules/axe-core/axe.min.js'), 'utf8');
/** WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * A page that asked for reduced motion: the rows' background transition is off, so a colour
 * axe reads right after a theme change is the colour, not one on the way to it.
 */
const openPage = (options = {}) => newPage(session.browser, { reducedMotion: 'reduce', ...options });

/** The example trace on the static page, drawn. */
async function openExample(options) {
  const page = await openPage(options);
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  return page;
}

/**
 * Runs axe on the whole page in the light and then the dark theme (the page and the element both
 * follow prefers-color-scheme); returns each violation as readable lines, none when it passes.
 */
async function audit(page, view) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const lines = [];
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    const violations = await page.evaluate(async (values) => {
      const results = await window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] });
      return results.violations.map((violation) => ({
        id: violation.id, impact: violation.impact, help: violation.help,
        nodes: violation.nodes.map((node) => ({ target: node.target.flat().join(' >> '), summary: node.failureSummary })),
      }));
    }, AXE_TAGS);
    for (const violation of violations) {
      lines.push(`${view}, ${colorScheme}: ${violation.id} (${violation.impact}) ${violation.help}`);
      for (const node of violation.nodes.slice(0, 4)) {
        lines.push(`    ${node.target}`, ...node.summary.split('\n').map((line) => `        ${line}`));
      }
      if (violation.nodes.length > 4) lines.push(`    … and ${violation.nodes.length - 4} more`);
    }
  }
  await page.emulateMedia({ colorScheme: null });
  return lines;
}

/** Fails with every violation found, listed. */
function assertNone(found) {
  if (found.length > 0) assert.fail(`axe-core found violations:\n${found.join('\n')}`);
}

/**
 * The buttons, menus and fields matching `selector` in the viewer that are smaller than 24 px by
 * 24 px, the target size of WCAG 2.2 (axe lets a small target pass when it has room around it).
 */
const smallTargets = (page, selector) => page.evaluate((selector) => [...document.getElementById('viewer').shadowRoot.querySelectorAll(selector)]
  .map((target) => [target, target.getBoundingClientRect()])
  .filter(([, box]) => box.width > 0 && (box.width < 24 || box.height < 24))
  .map(([target, box]) => `${target.className || target.tagName} "${target.textContent.trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`), selector);

/** Selects the span named `name` by clicking its row, and waits for its details. */
async function selectSpan(page, name) {
  await page.locator('trace-viewer .tv-row', { hasText: name }).first().click();
  await page.locator('trace-viewer .tv-detail-title', { hasText: name }).waitFor();
}

test('the example trace: nothing selected, each kind of span selected, a search, a zoom, folded rows and phone width', async () => {
  const page = await openExample({ viewport: { width: 1440, height: 900 } });
  const found = [];
  found.push(...await audit(page, 'the example trace'));
  // An LLM call (messages, parameters, tokens), a failed tool call (its error, arguments, result,
  // events) and a retrieval (its documents) each fill the detail panel differently.
  for (const name of ['plan next step', 'lookup_order', 'retrieve policy documents', 'support-agent']) {
    await selectSpan(page, name);
    found.push(...await audit(page, `the example trace, "${name}" selected`));
  }
  assert.deepEqual(await smallTargets(page, '.tv-copy, .tv-tool-button, select, .tv-search'), []);
  // The theme attribute overrides the system's (its colours are a second copy in the stylesheet).
  for (const theme of ['dark', 'light']) {
    await page.evaluate((theme) => document.getElementById('viewer').setAttribute('theme', theme), theme);
    found.push(...await audit(page, `the example trace, theme="${theme}"`));
  }
  await page.evaluate(() => document.getElementById('viewer').removeAttribute('theme'));
  await page.locator('trace-viewer .tv-search').fill('A-1042');
  await page.locator('trace-viewer .tv-match-count', { hasText: '4 matches' }).waitFor();
  await page.keyboard.press('Enter');
  found.push(...await audit(page, 'the example trace, searched'));
  await page.locator('trace-viewer .tv-search').fill('');
  await page.locator('trace-viewer .tv-rows').focus();
  await page.keyboard.press('+');
  await page.locator('trace-viewer .tv-minimap-window').waitFor();
  found.push(...await audit(page, 'the example trace, zoomed'));
  // The critical path: its stripes, the filter and the breakdown above the tree.
  await page.getByRole('checkbox', { name: 'Critical path' }).check();
  await page.locator('trace-viewer .tv-critical-table').waitFor();
  found.push(...await audit(page, 'the example trace, critical path only'));
  await page.getByRole('checkbox', { name: 'Critical path' }).uncheck();
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await page.locator('trace-viewer .tv-hidden-count').waitFor();
  found.push(...await audit(page, 'the example trace, folded'));
  await page.close();

  const phone = await openExample({ viewport: { width: 390, height: 844 } });
  found.push(...await audit(phone, 'the example trace at 390 px'));
  await phone.getByRole('checkbox', { name: 'Critical path' }).check();
  await phone.locator('trace-viewer .tv-critical-table').waitFor();
  found.push(...await audit(phone, 'the example trace at 390 px, critical path only'));
  await phone.getByRole('checkbox', { name: 'Critical path' }).uncheck();
  await selectSpan(phone, 'plan next step');
  found.push(...await audit(phone, 'the example trace at 390 px, "plan next step" selected'));
  assert.deepEqual(phone.errors, []);
  await phone.close();
  assertNone(found);
});

test('markdown messages (rendered, raw, unfolded) and retrieved documents, at desktop and phone width', async () => {
  const found = [];
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    const page = await openPage({ viewport });
    await page.goto(`${session.server.url}?src=/fixtures/own/markdown-and-documents.json`);
    await page.locator('trace-viewer .tv-row').first().waitFor();
    await selectSpan(page, 'chat gpt-4o');
    found.push(...await audit(page, `markdown messages at ${viewport.width} px`));
    await page.getByRole('button', { name: 'Raw text' }).first().click();
    await page.getByRole('button', { name: /^Show all/ }).first().click();
    found.push(...await audit(page, `markdown messages at ${viewport.width} px, raw and unfolded`));
    assert.deepEqual(await smallTargets(page, '.tv-md-action'), []);
    if (await page.locator('trace-viewer .tv-sheet-back').isVisible()) await page.locator('trace-viewer .tv-sheet-back').click();
    await selectSpan(page, 'vector search');
    found.push(...await audit(page, `retrieved documents at ${viewport.width} px`));
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  assertNone(found);
});

test('a folded loop with its stuck-loop warning, and the loop unfolded, at desktop and phone width', async () => {
  const found = [];
  for (const [width, height] of [[1440, 900], [390, 844]]) {
    const page = await openPage({ viewport: { width, height } });
    await page.goto(`${session.server.url}?src=/fixtures/loops/agent-loop-200-stuck.json`);
    await page.locator('trace-viewer .tv-loop-row .tv-stuck-mark').waitFor();
    found.push(...await audit(page, `a folded loop at ${width} px`));
    await page.locator('trace-viewer .tv-loop-row').click();
    await page.locator('trace-viewer .tv-loop-fold').waitFor();
    found.push(...await audit(page, `an unfolded loop at ${width} px`));
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  assertNone(found);
});


test('a trace whose import was repaired, a multi-trace file\'s list, failed loads and an empty viewer', async () => {
  const found = [];
  const page = await openExample();
  // A span whose parent is missing is kept at the top and counted as a repair.
  await page.evaluate(() => document.getElementById('viewer').load(JSON.stringify({
    format: 'trace-viewer/v1',
    spans: [{ id: 'root', name: 'root', start: 0, duration_ms: 10 }, { id: 'lost', parent: 'missing', name: 'orphan', start: 1, duration_ms: 2 }],
  })));
  await page.locator('trace-viewer .tv-stat-warning').click();
  await page.locator('trace-viewer .tv-warning-list').waitFor();
  found.push(...await audit(page, 'a repaired trace with its warnings'));

  await page.evaluate(async () => {
    const viewer = document.getElementById('viewer');
    viewer.setAttribute('view', 'list');
    await viewer.load(await (await fetch('/fixtures/jaeger/jaeger-ui-genai-flamegraph-2traces.json')).text());
  });
  await page.locator('trace-viewer .tv-list-title', { hasText: '2 traces' }).waitFor();
  found.push(...await audit(page, 'the list of a file\'s traces'));

  // A failed load says why above what was shown before.
  await page.evaluate(() => document.getElementById('viewer').load('{"resourceSpans": [}').catch(() => {}));
  await page.locator('trace-viewer .tv-error-panel').waitFor();
  found.push(...await audit(page, 'a failed load above the list kept'));
  assert.deepEqual(page.errors, []);
  await page.close();

  const missing = await openPage();
  await missing.goto(`${session.server.url}?src=/fixtures/no-such-file.json`);
  await missing.locator('trace-viewer .tv-error-panel').waitFor();
  found.push(...await audit(missing, 'a file that could not be fetched'));
  await missing.close();

  // The element before anything is loaded, on a page of its own.
  const empty = await openPage();
  await empty.goto(`${session.server.url}test-pages/two-viewers.html`);
  await empty.setContent('<!doctype html><html lang="en"><head><title>empty viewer</title><script type="module" src="/pkg/trace-viewer.js"></script></head>'
    + '<body><main><h1>An empty viewer</h1><trace-viewer></trace-viewer></main></body></html>');
  await empty.locator('trace-viewer .tv-empty').waitFor();
  found.push(...await audit(empty, 'an empty viewer'));
  await empty.close();
  assertNone(found);
});

test('a corpus: the traces table, one of its traces, the dashboard with every panel, the sessions and a conversation', async () => {
  const page = await openPage({ viewport: { width: 1440, height: 1000 } });
  await openGeneratedCorpus(page, session.server.url);
  const found = [];
  found.push(...await audit(page, 'the traces table'));
  assert.deepEqual(await smallTargets(page, '.tv-tool-button, .tv-sort-button, .tv-facet-value, select'), []);
  await page.locator(inViewer('.tv-column-chooser summary')).click();
  found.push(...await audit(page, 'the traces table, choosing columns'));
  await page.locator(inViewer('.tv-column-chooser summary')).click();

  await page.locator(inViewer('.tv-table-row')).first().click();
  await page.locator(inViewer('.tv-corpus-bar')).waitFor();
  await page.locator(inViewer('.tv-row')).first().waitFor();
  found.push(...await audit(page, 'a trace of the corpus'));
  await page.locator(inViewer('.tv-back')).click();

  await page.locator(inViewer('.tv-tab'), { hasText: 'Dashboard' }).click();
  await waitUntil(async () => (await page.locator(inViewer('.tv-panel-bar')).count()) > 0, 'the default panels\' bars');
  found.push(...await audit(page, 'the dashboard'));

  await page.evaluate(() => document.getElementById('viewer').setAttribute('panels', 'bubble_up, compare, merged_tree, fail_rate by intent'));
  await waitUntil(async () => (await page.locator(inViewer('.tv-heat-cell')).count()) > 0
    && (await page.locator(inViewer('.tv-bubble-table tbody tr')).count()) > 0
    && (await page.locator(inViewer('.tv-histogram')).count()) > 0
    && (await page.locator(inViewer('.tv-compare-table tbody tr')).count()) > 0, 'BubbleUp and the comparison');
  await page.locator(inViewer('.tv-merged button'), { hasText: /^Merge/ }).click();
  await waitUntil(async () => (await page.locator(inViewer('.tv-merged-table tbody tr')).count()) > 0, 'the merged paths');
  await page.locator(inViewer('.tv-merged-table tbody tr')).nth(1).click();
  await page.locator(inViewer('.tv-merged-relations')).waitFor();
  found.push(...await audit(page, 'the dashboard with BubbleUp, the comparison and the merged tree'));

  await page.locator(inViewer('.tv-tab'), { hasText: 'Sessions' }).click();
  await waitUntil(async () => (await page.locator(inViewer('.tv-sessions-table tbody tr')).count()) > 0, 'the sessions');
  found.push(...await audit(page, 'the sessions'));
  await page.locator(inViewer('.tv-sessions-table .tv-link-button')).first().click();
  await waitUntil(async () => (await page.locator(inViewer('.tv-turn')).count()) > 0, 'a conversation');
  found.push(...await audit(page, 'a conversation'));
  assert.deepEqual(page.errors, []);
  await page.close();
  assertNone(found);
});

test('the review: its tab with patterns, notes and an import report, and the review bar over a queued trace, at desktop and phone width', async () => {
  const found = [];
  for (const viewport of [{ width: 1440, height: 1000 }, { width: 390, height: 844 }]) {
    const page = await openPage({ viewport });
    await openGeneratedCorpus(page, session.server.url);
    await page.locator(inViewer('.tv-tab'), { hasText: 'Review' }).click();
    await page.locator(inViewer('.tv-review-tab button'), { hasText: 'Find patterns' }).click();
    await waitUntil(async () => (await page.locator(inViewer('.tv-review-pattern')).count()) > 0, 'the patterns');
    // A note, through the element's import, so the notes list and the import report show.
    await page.evaluate(async () => {
      const viewer = document.getElementById('viewer');
      const { traceIds } = await viewer.query('status = error', '', 1);
      await viewer.importLabels(`${JSON.stringify({ trace_id: traceIds[0], categories: ['tool_error'], note: 'the refund tool timed out', labeller: 'a', time: '2026-01-01T00:00:00Z' })}\n`);
    });
    await page.locator(inViewer('.tv-review-note')).waitFor();
    found.push(...await audit(page, `the Review tab at ${viewport.width} px`));
    assert.deepEqual(await smallTargets(page, '.tv-review-tab .tv-tool-button, .tv-review-tab select'), []);
    await page.locator(inViewer('.tv-review-start')).click();
    await page.locator(inViewer('.tv-review-bar[aria-busy="false"]')).waitFor();
    found.push(...await audit(page, `the review bar at ${viewport.width} px`));
    assert.deepEqual(await smallTargets(page, '.tv-review-bar button, .tv-review-bar select'), []);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  assertNone(found);
});

test('the comparison of two traces, the table marking traces to compare, the nearest-success control and folded texts, at desktop and phone width', async () => {
  const found = [];
  for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
    const page = await openPage({ viewport });
    await page.goto(`${session.server.url}?src=/fixtures/compare/retry-loop-pair.json#compare=0,1`);
    await page.locator('trace-viewer .tv-compare-view .tv-path-row').first().waitFor();
    found.push(...await audit(page, `the comparison at ${viewport.width} px`));
    assert.deepEqual(await smallTargets(page, '.tv-compare-view .tv-tool-button'), []);
    // Back: the file's traces as a table; one marked to compare, the bar asks for another.
    await page.locator('trace-viewer .tv-compare-back').click();
    await page.locator('trace-viewer .tv-table-row').nth(1).waitFor();
    await page.locator('trace-viewer .tv-table-mark input').first().check();
    await page.locator('trace-viewer .tv-compare-marks').waitFor();
    found.push(...await audit(page, `the table with a trace marked to compare at ${viewport.width} px`));
    // The failed trace opened from the table offers its nearest success.
    await page.locator('trace-viewer .tv-table-row-error').click();
    await page.locator('trace-viewer .tv-row').first().waitFor();
    if (viewport.width < 560) await page.locator('trace-viewer .tv-summary-toggle').click();
    await page.locator('trace-viewer .tv-compare-nearest').waitFor();
    found.push(...await audit(page, `a failed trace with "Compare with nearest success" at ${viewport.width} px`));
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  assertNone(found);
});

test('`/` focuses the search from anywhere on the page, except while typing in a field', async () => {
  const page = await openExample();
  const focusedInViewer = () => page.evaluate(() => document.getElementById('viewer').shadowRoot.activeElement?.className ?? null);
  // Focus on the page itself, outside the viewer.
  await page.locator('h1').click();
  assert.equal(await focusedInViewer(), null);
  await page.keyboard.press('/');
  assert.equal(await focusedInViewer(), 'tv-search');
  assert.equal(await page.locator('trace-viewer .tv-search').inputValue(), '', 'the slash is not typed');

  // A field of the page keeps its slash.
  await page.evaluate(() => {
    const field = document.createElement('input');
    field.id = 'page-field';
    field.setAttribute('aria-label', 'a field of the page');
    document.querySelector('.page-bar').append(field);
  });
  await page.locator('#page-field').click();
  await page.keyboard.type('a/b');
  assert.equal(await page.locator('#page-field').inputValue(), 'a/b');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'page-field');

  // On a corpus's traces table the search is the table's filter.
  await openGeneratedCorpus(page, session.server.url);
  await page.locator('h1').click();
  await page.keyboard.press('/');
  assert.equal(await focusedInViewer(), 'tv-filter-input');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the keyboard zooms the waterfall, the tree names its active row, and the splitter says where it is', async () => {
  const page = await openExample({ viewport: { width: 1400, height: 800 } });
  const tree = page.locator('trace-viewer [role="tree"]');
  await tree.focus();

  // The active row is the tree's aria-activedescendant: a screen reader announces it as focus moves.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const active = () => tree.evaluate((element) => {
    const id = element.getAttribute('aria-activedescendant');
    return id && element.getRootNode().getElementById(id)?.querySelector('.tv-span-name')?.textContent;
  });
  assert.equal(await active(), 'input guardrail');
  await page.keyboard.press('End');
  assert.equal(await active(), 'output guardrail');

  // + zooms in around the selected span, - back out, 0 shows the whole trace again.
  const bar = page.locator('trace-viewer .tv-row', { hasText: 'output guardrail' }).locator('.tv-bar');
  const width = () => bar.evaluate((element) => element.getBoundingClientRect().width);
  const whole = await width();
  await page.keyboard.press('+');
  await page.locator('trace-viewer .tv-reset-zoom').waitFor();
  const zoomedIn = await width();
  assert.ok(zoomedIn > whole * 1.5, `+ widens the bar (${whole} → ${zoomedIn})`);
  await page.keyboard.press('+');
  const further = await width();
  assert.ok(further > zoomedIn * 1.5, `+ again widens it further (${zoomedIn} → ${further})`);
  await page.keyboard.press('-');
  assert.ok(Math.abs(await width() - zoomedIn) < 1, '- undoes one +');
  await page.keyboard.press('0');
  await page.locator('trace-viewer .tv-reset-zoom').waitFor({ state: 'detached' });
  assert.ok(Math.abs(await width() - whole) < 1, '0 shows the whole trace');
  // Ctrl with + is the browser's page zoom: the tree leaves it alone.
  await page.evaluate(() => window.addEventListener('keydown', (event) => { window.lastKeyTaken = event.defaultPrevented; }));
  await page.keyboard.press('Control+=');
  assert.equal(await page.evaluate(() => window.lastKeyTaken), false);
  assert.equal(await page.locator('trace-viewer .tv-reset-zoom').count(), 0);
  await page.keyboard.press('+');
  await page.locator('trace-viewer .tv-reset-zoom').waitFor();
  await page.keyboard.press('-');
  await page.locator('trace-viewer .tv-reset-zoom').waitFor({ state: 'detached' });

  // The splitter is a focusable separator whose value is the detail panel's width.
  const splitter = page.locator('trace-viewer [role="separator"]');
  const panel = page.locator('trace-viewer .tv-detail');
  const value = async () => Number(await splitter.getAttribute('aria-valuenow'));
  assert.equal(await value(), Math.round((await panel.boundingBox()).width));
  assert.ok(Number(await splitter.getAttribute('aria-valuemin')) <= await value());
  assert.ok(Number(await splitter.getAttribute('aria-valuemax')) >= await value());
  const before = await value();
  await splitter.focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await value(), before + 24);
  assert.equal(Math.round((await panel.boundingBox()).width), before + 24);
  assert.deepEqual(page.errors, []);
  await page.close();
});
