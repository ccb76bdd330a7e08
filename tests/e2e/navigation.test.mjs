// Finding and moving in a trace: search with match count and next/previous, `/` to search, folding
// controls, keyboard navigation of the tree, and a selected span that survives a reload via the URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();

async function openExample() {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  return page;
}

const selectedName = (page) => page.locator('trace-viewer .tv-row-selected .tv-span-name').innerText();

test('search finds names, attributes and message text, counts matches and steps through them', async () => {
  const page = await openExample();
  await page.locator('trace-viewer .tv-rows').focus();
  await page.keyboard.press('/');
  const search = page.locator('trace-viewer .tv-search');
  assert.equal(await search.evaluate((input) => input.getRootNode().activeElement === input), true, '/ focuses the search');
  await page.keyboard.type('A-1042');
  await page.locator('trace-viewer .tv-match-count', { hasText: '4 matches' }).waitFor();
  await page.locator('trace-viewer .tv-row-match').nth(3).waitFor();
  const matched = await page.locator('trace-viewer .tv-row-match .tv-span-name').allTextContents();
  assert.deepEqual(matched, ['plan next step', 'lookup_order', 'GET /orders/A-1042', 'write answer']);
  await page.keyboard.press('Enter');
  assert.equal(await selectedName(page), 'plan next step');
  await page.locator('trace-viewer .tv-match-count', { hasText: '1 of 4' }).waitFor();
  await page.keyboard.press('Enter');
  assert.equal(await selectedName(page), 'lookup_order');
  await page.keyboard.press('Shift+Enter');
  assert.equal(await selectedName(page), 'plan next step');
  await page.keyboard.press('Shift+Enter');
  assert.equal(await selectedName(page), 'write answer', 'previous wraps around');
  await search.fill('thumbs nowhere');
  await page.locator('trace-viewer .tv-match-count', { hasText: 'no matches' }).waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await search.inputValue(), '');
  await page.waitForFunction(() => document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-row-match').length === 0);
  await page.close();
});

test('a match inside a folded subtree is revealed when stepped to', async () => {
  const page = await openExample();
  await page.getByRole('button', { name: 'Collapse all' }).click();
  assert.equal(await page.locator('trace-viewer .tv-row').count(), 1);
  await page.locator('trace-viewer .tv-search').fill('timeout');
  await page.keyboard.press('Enter');
  assert.equal(await selectedName(page), 'lookup_order');
  assert.ok(await page.locator('trace-viewer .tv-row').count() > 1);
  await page.close();
});

test('expand all, collapse all and fold to a depth', async () => {
  const page = await openExample();
  const rows = page.locator('trace-viewer .tv-row');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  assert.equal(await rows.count(), 1);
  await page.locator('trace-viewer .tv-depth select').selectOption('1');
  assert.equal(await rows.count(), 7, 'the root and its children; grandchildren folded');
  await page.getByRole('button', { name: 'Expand all' }).click();
  assert.equal(await rows.count(), 9);
  await page.close();
});

test('the keyboard moves, folds and unfolds with tree semantics', async () => {
  const page = await openExample();
  const tree = page.locator('trace-viewer [role="tree"]');
  await tree.focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await selectedName(page), 'support-agent');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await selectedName(page), 'retrieve policy documents');
  assert.equal(await page.locator('trace-viewer .tv-row-selected').getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator('trace-viewer .tv-row-selected').getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('trace-viewer .tv-row').count(), 8);
  await page.keyboard.press('ArrowLeft');
  assert.equal(await selectedName(page), 'support-agent', 'left on a folded span goes to its parent');
  await page.keyboard.press('End');
  assert.equal(await selectedName(page), 'output guardrail');
  await page.keyboard.press('Home');
  assert.equal(await selectedName(page), 'support-agent');
  assert.equal(await page.locator('trace-viewer .tv-row-selected').getAttribute('aria-selected'), 'true');
  assert.equal(await page.locator('trace-viewer .tv-row-selected').getAttribute('aria-level'), '1');
  await page.close();
});

test('the selected span is in the URL and a reload restores it', async () => {
  const page = await openExample();
  await page.locator('trace-viewer .tv-row', { hasText: 'GET /orders/A-1042' }).click();
  await page.waitForFunction(() => location.hash === '#span=h1');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await page.reload();
  await page.locator('trace-viewer .tv-row-selected').waitFor();
  assert.equal(await selectedName(page), 'GET /orders/A-1042');
  assert.match(await page.locator('trace-viewer .tv-detail').innerText(), /Span ID\s+h1/);
  await page.close();
});

test('filters by kind and by errors keep ancestors for context; a folded row tells what it hides', async () => {
  const page = await openExample();
  const names = () => page.locator('trace-viewer .tv-span-name').allTextContents();
  // Each kind present, with its span count (the example: 1 agent, 2 guardrails, 1 retrieval, 1
  // embedding, 2 LLM calls, 1 tool, 1 other).
  const options = await page.locator('trace-viewer .tv-filter select option').allTextContents();
  assert.equal(options.length, 8, options.join(' | '));
  assert.equal(options.slice(1).reduce((sum, option) => sum + Number(option.match(/\((\d+)\)$/)?.[1]), 0), 9, options.join(' | '));
  assert.ok(options.some((option) => /\(2\)$/.test(option) && /LLM/i.test(option)), options.join(' | '));
  await page.locator('trace-viewer .tv-filter select').selectOption('tool');
  assert.deepEqual(await names(), ['support-agent', 'lookup_order']);
  await page.locator('trace-viewer .tv-filter select').selectOption('llm');
  assert.deepEqual(await names(), ['support-agent', 'plan next step', 'write answer']);
  await page.locator('trace-viewer .tv-filter select').selectOption('');
  await page.getByRole('checkbox', { name: 'Errors only' }).check();
  assert.deepEqual(await names(), ['support-agent', 'lookup_order', 'GET /orders/A-1042']);
  await page.getByRole('checkbox', { name: 'Errors only' }).uncheck();
  await page.locator('trace-viewer .tv-row').first().locator('.tv-toggle').click();
  assert.equal(await page.locator('trace-viewer .tv-hidden-count').innerText(), '+8 · 2 errors');
  await page.close();
});

test('ids can be copied, long attribute lists filtered, and detail sections folded', async () => {
  const context = await session.browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.server.url });
  const page = await context.newPage();
  await page.goto(`${session.server.url}?src=/fixtures/otlp/otel-python-genai-agent.json`);
  await page.locator('trace-viewer .tv-row', { hasText: 'chat gpt-4o-mini' }).first().click();
  const detail = page.locator('trace-viewer .tv-detail');
  await detail.getByRole('button', { name: 'Copy Span ID' }).click();
  await detail.getByRole('button', { name: 'Copy Span ID' }).getByText('copied').waitFor();
  const spanId = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(spanId, /^[0-9a-f]{16}$/);
  assert.match(await detail.innerText(), new RegExp(`Span ID\\s+${spanId}`));

  const attributes = detail.locator('table[aria-label="Attributes"] tr');
  assert.equal(await attributes.count(), 8);
  await detail.getByRole('searchbox', { name: 'Filter Attributes' }).fill('usage');
  assert.equal(await detail.locator('table[aria-label="Attributes"] tr:not(.tv-hidden)').count(), 2);

  await detail.locator('summary', { hasText: 'Attributes (8)' }).click();
  assert.equal(await detail.locator('table[aria-label="Attributes"]').isVisible(), false);
  await context.close();
});

test('dragging across the axis zooms, the minimap shows where, and reset shows the whole trace', async () => {
  const page = await openExample();
  const bar = page.locator('trace-viewer .tv-row', { hasText: 'write answer' }).locator('.tv-bar');
  const widthBefore = await bar.evaluate((element) => element.getBoundingClientRect().width);
  const axis = page.locator('trace-viewer .tv-tree-head .tv-axis-area');
  const box = await axis.boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 4 });
  await page.locator('trace-viewer .tv-zoom-selection').waitFor();
  await page.mouse.move(box.x + box.width * 0.99, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.locator('trace-viewer .tv-reset-zoom').waitFor();
  await page.locator('trace-viewer .tv-minimap-window').waitFor();
  const widthZoomed = await bar.evaluate((element) => element.getBoundingClientRect().width);
  assert.ok(widthZoomed > widthBefore * 1.8, `the bar grows when zoomed (${widthBefore} → ${widthZoomed})`);
  const firstTick = await page.locator('trace-viewer .tv-tick').first().innerText();
  assert.notEqual(firstTick, '0', 'tick labels count from the trace start');
  const planRow = page.locator('trace-viewer .tv-row', { hasText: 'plan next step' });
  assert.equal(await planRow.locator('.tv-bar').count(), 0, 'a span outside the window has no bar');
  assert.equal(await planRow.locator('.tv-beyond-earlier').count(), 1, 'but a marker at the edge it is beyond');
  await page.locator('trace-viewer .tv-reset-zoom').click();
  await page.locator('trace-viewer .tv-minimap-window').waitFor({ state: 'detached' });
  const widthAfter = await bar.evaluate((element) => element.getBoundingClientRect().width);
  assert.ok(Math.abs(widthAfter - widthBefore) < 1);
  const tooltip = await page.locator('trace-viewer .tv-row', { hasText: 'support-agent' }).locator('.tv-timeline-column').getAttribute('title');
  assert.match(tooltip, /self \d/);
  await page.close();
});

test('a large trace stays responsive: few rows in the DOM, search and folding work across all spans', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1200, height: 800 } });
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  const summary = await page.evaluate(() => {
    const spans = [{ id: 'root', name: 'root', start: 0, duration_ms: 60000 }];
    for (let index = 1; index < 60000; index += 1) {
      spans.push({ id: `s${index}`, parent: index % 10 === 1 ? 'root' : `s${index - (index % 10) + 1}`, name: `step ${index}`, start: index, duration_ms: 0.5, ...(index === 45678 ? { error: 'needle failure' } : {}) });
    }
    return document.querySelector('trace-viewer').load(JSON.stringify({ format: 'trace-viewer/v1', spans }));
  });
  assert.equal(summary.spanCount, 60000);
  assert.equal(await page.locator('trace-viewer .tv-stat').first().innerText(), '60,000 spans', 'large counts are grouped for reading');
  assert.ok(await page.locator('trace-viewer .tv-row').count() < 60);
  await page.locator('trace-viewer .tv-search').fill('needle failure');
  await page.keyboard.press('Enter');
  await page.locator('trace-viewer .tv-row-selected', { hasText: 'step 45678' }).waitFor();
  assert.ok(await page.locator('trace-viewer .tv-row').count() < 60, 'revealing a deep match keeps the DOM small');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  assert.equal(await page.locator('trace-viewer .tv-row').count(), 1);
  assert.equal(await page.locator('trace-viewer .tv-hidden-count').innerText(), '+59,999 · 1 error');
  await page.close();
});
