// BubbleUp's heatmap and numbers in headless Chromium: the duration × time heatmap counts every
// trace of the filter; a box dragged on it becomes BubbleUp's selection (a filter on start and
// duration that keeps the traces of its cells); the values BubbleUp then lists and the numeric
// columns drawn as overlaid histograms are those bubbleUp() and bubbleUpHistograms() answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inViewer, newPage, openGeneratedCorpus, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();

test('a box dragged on the heatmap is BubbleUp\'s selection, and its numbers are drawn as bubbleUpHistograms() answers', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 1000 } });
  await openGeneratedCorpus(page, session.server.url);
  await page.evaluate(() => {
    const viewer = document.getElementById('viewer');
    viewer.setAttribute('panels', 'bubble_up');
    viewer.setAttribute('view', 'dashboard');
  });
  const cells = page.locator(inViewer('.tv-heat-cell'));
  await waitUntil(async () => (await cells.count()) === 48 * 12, 'the heatmap\'s cells');
  const counts = await page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-heat-cell')]
    .map((cell) => Number(cell.title.split(' ')[0])));
  assert.equal(counts.reduce((sum, count) => sum + count, 0), 1500, 'every trace in a cell');

  // Drag from a cell of the third row from the top to one further right and down.
  const from = await cells.nth(48 * 2 + 10).boundingBox();
  const to = await cells.nth(48 * 6 + 30).boundingBox();
  await page.mouse.move(from.x + 2, from.y + 2);
  await page.mouse.down();
  await page.mouse.move(to.x + 2, to.y + 2, { steps: 6 });
  await page.mouse.up();
  const input = page.locator(inViewer('#tv-bubble-selection'));
  await waitUntil(async () => (await input.inputValue()).startsWith('start >= '), 'the box as the selection');
  const selection = await input.inputValue();
  const brushed = await page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-heat-brushed')]
    .map((cell) => Number(cell.title.split(' ')[0])));
  assert.equal(brushed.length, 21 * 5, 'a box of 21 columns and 5 rows');
  const inBox = brushed.reduce((sum, count) => sum + count, 0);
  const kept = (await page.evaluate((filter) => document.getElementById('viewer').query(filter), selection)).count;
  assert.ok(inBox > 0 && Math.abs(kept - inBox) <= 3, `${selection} keeps ${kept}; the box's cells hold ${inBox}`);

  // From the keyboard: arrows move a cell (from the top left), Shift with arrows widens it, Enter applies.
  await page.locator(inViewer('.tv-heatmap-grid')).focus();
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowRight', 'Shift+ArrowRight', 'Shift+ArrowRight', 'Shift+ArrowDown', 'Enter']) await page.keyboard.press(key);
  await waitUntil(async () => (await input.inputValue()) !== selection, 'the keyboard box as the selection');
  assert.equal(await page.locator(inViewer('.tv-heat-brushed')).count(), 3 * 2, 'three columns by two rows');
  const typed = await input.inputValue();
  assert.match(typed, /^start >= \d+ and start < \d+ and duration_ms >= \d+$/, 'the top rows have no upper bound on duration');
  await input.fill(selection);
  await input.press('Enter');

  // BubbleUp's values and numbers for that selection.
  const [values, numbers] = await page.evaluate(async (filter) => {
    const viewer = document.getElementById('viewer');
    return [await viewer.bubbleUp({ selection: filter, limit: 12 }), await viewer.bubbleUpHistograms({ selection: filter, limit: 4 })];
  }, selection);
  const drawnValues = () => page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-bubble-up tbody th')].map((cell) => cell.textContent));
  await waitUntil(async () => JSON.stringify(await drawnValues()) === JSON.stringify(values.map((value) => `${value.field} = ${value.value}`)), 'the values bubbleUp() ranks');
  const drawnNumbers = await page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-histogram')]
    .map((figure) => ({ field: figure.querySelector('strong').textContent, bins: figure.querySelectorAll('.tv-histogram-bin').length })));
  assert.deepEqual(drawnNumbers, numbers.map((numeric) => ({ field: numeric.field, bins: 16 })));
  assert.ok(numbers.every((numeric) => numeric.field !== 'duration_ms' && numeric.field !== 'start'), 'the selection\'s own fields are left out');
  assert.ok(numbers.every((numeric, place) => place === 0 || numbers[place - 1].score >= numeric.score));
  assert.deepEqual(page.errors, []);
  await page.close();
});
