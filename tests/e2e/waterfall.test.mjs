// Reading a waterfall at any length, at 1440 px and 390 px: duration labels beside bars and a
// minimum bar width (a 1,041-span Zipkin trace of 5 minutes), service names where a trace has
// several, spans outside a zoom marked at the window's edge, zoom to a span (button and `z`),
// Ctrl+wheel zoom, brushing on the minimap, and the critical path (toggle, breakdown, highlight)
// on a purpose-made trace whose path is known exactly. Screenshots go to target/screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newPage, screenshots, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();
const WIDTHS = [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];
const ZIPKIN = '/fixtures/zipkin/zipkin-smartthings-mobile-web-install-1041spans.json';

// agent 0..1000 ms: plan 0..200, search 200..500 beside lookup 200..350 and cache 300..450,
// answer 500..900 with format 600..700 inside. By Jaeger's rule the path is agent 900..1000,
// answer 700..900, format 600..700, answer 500..600, search 200..500, plan 0..200.
const at = (ms) => new Date(Date.UTC(2024, 0, 1) + ms).toISOString();
const span = (id, parent, kind, from, to) => ({ id, parent, name: id, kind, start: at(from), end: at(to) });
const CRITICAL_TRACE = JSON.stringify({
  format: 'trace-viewer/v1',
  traces: [{
    id: 'critical',
    name: 'critical path example',
    spans: [
      span('agent', null, 'agent', 0, 1000),
      span('plan', 'agent', 'llm', 0, 200),
      span('search', 'agent', 'tool', 200, 500),
      span('lookup', 'agent', 'tool', 200, 350),
      span('cache', 'agent', 'retrieval', 300, 450),
      span('answer', 'agent', 'llm', 500, 900),
      span('format', 'answer', 'other', 600, 700),
    ],
  }],
});

async function open(viewport, text = null, colorScheme = 'light') {
  const page = await newPage(session.browser, { viewport, colorScheme });
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  if (text !== null) {
    await page.evaluate((text) => document.querySelector('trace-viewer').load(text), text);
  }
  return page;
}

async function openZipkin(viewport) {
  const page = await open(viewport);
  await page.evaluate(async (path) => document.querySelector('trace-viewer').load(await (await fetch(path)).text()), ZIPKIN);
  await page.locator('trace-viewer .tv-service').first().waitFor();
  return page;
}

const rowNames = (page) => page.locator('trace-viewer .tv-row .tv-span-name').allTextContents();

for (const { name, viewport } of WIDTHS) {
  test(`${name}: bars of a 5-minute, 1,041-span trace are at least 2 px wide, labelled, and name their service`, async () => {
    const page = await openZipkin(viewport);
    // Span rows (a folded loop's row, of which this trace has some, draws its own bar).
    const bars = page.locator('trace-viewer .tv-row:not(.tv-loop-row) .tv-bar');
    const widths = await bars.evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().width));
    assert.ok(widths.length > 10, `rows with bars: ${widths.length}`);
    assert.ok(widths.every((width) => width >= 1.99), `every bar at least 2 px: ${Math.min(...widths)}`);
    // One duration label per bar, saying what the row's duration column says.
    const labels = await page.locator('trace-viewer .tv-row:not(.tv-loop-row) .tv-bar-label').allTextContents();
    const durations = await page.locator('trace-viewer .tv-row:not(.tv-loop-row) .tv-duration').allTextContents();
    assert.equal(labels.length, widths.length);
    assert.deepEqual(labels, durations);
    const labelShown = await page.locator('trace-viewer .tv-row:not(.tv-loop-row) .tv-bar-label').first().isVisible();
    assert.equal(labelShown, name === 'desktop', 'on a phone the bar is a line under the name, whose duration shows');
    // 16 services: each row names its own.
    const services = await page.locator('trace-viewer .tv-row:not(.tv-loop-row) .tv-service').allTextContents();
    assert.equal(services.length, widths.length);
    assert.ok(services.every((service) => service.length > 0));
    assert.ok(new Set(services).size >= 2, `several services in view: ${[...new Set(services)]}`);
    await page.screenshot({ path: join(screenshots, `waterfall-zipkin-${name}.png`) });
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`${name}: a trace of one service names none; after a zoom, spans outside are marked at the edge`, async () => {
    const page = await open(viewport, CRITICAL_TRACE);
    await page.locator('trace-viewer .tv-row', { hasText: 'lookup' }).waitFor();
    assert.equal(await page.locator('trace-viewer .tv-service').count(), 0);
    // Zoom to `format` (600..700 ms): plan ends before the window, the agent's bar is cut at both ends.
    await page.locator('trace-viewer .tv-row', { hasText: 'format' }).click();
    if (name === 'phone') await page.locator('trace-viewer .tv-sheet-back').waitFor();
    await page.locator('trace-viewer .tv-zoom-to-span').click();
    await page.locator('trace-viewer .tv-reset-zoom').waitFor();
    const row = (span) => page.locator('trace-viewer .tv-row', { has: page.locator('.tv-span-name', { hasText: new RegExp(`^${span}$`) }) });
    await row('plan').locator('.tv-beyond-earlier').waitFor();
    assert.equal(await row('plan').locator('.tv-bar').count(), 0, 'no sliver at the edge');
    assert.equal(await row('plan').locator('.tv-beyond-earlier').innerText(), '◂');
    for (const span of ['search', 'lookup', 'cache']) {
      assert.equal(await row(span).locator('.tv-beyond-earlier').count(), 1, `${span} is before the window`);
    }
    // The path's stripes: format's piece (600..700 ms) is in the window, agent's (900..1000) is not
    // and leaves no sliver at the edge.
    await row('format').locator('.tv-bar-critical').waitFor();
    assert.equal(await row('agent').locator('.tv-bar-critical').count(), 0);
    const agentBar = row('agent').locator('.tv-bar');
    assert.deepEqual(await agentBar.evaluate((bar) => [bar.classList.contains('tv-bar-cut-start'), bar.classList.contains('tv-bar-cut-end')]), [true, true]);
    const formatBar = row('format').locator('.tv-bar');
    assert.equal(await formatBar.evaluate((bar) => bar.classList.contains('tv-bar-cut-start') || bar.classList.contains('tv-bar-cut-end')), false);
    const column = await row('format').locator('.tv-timeline-column').boundingBox();
    const bar = await formatBar.boundingBox();
    assert.ok(bar.width > column.width * 0.85, `the zoomed span fills most of the axis: ${bar.width} of ${column.width}`);
    await page.screenshot({ path: join(screenshots, `waterfall-zoomed-${name}.png`) });
    // `0` in the tree shows the whole trace again; `z` zooms to the selected span.
    await page.locator('trace-viewer .tv-rows').focus();
    await page.keyboard.press('0');
    await page.locator('trace-viewer .tv-reset-zoom').waitFor({ state: 'detached' });
    assert.equal(await page.locator('trace-viewer .tv-beyond').count(), 0);
    await page.keyboard.press('z');
    await row('plan').locator('.tv-beyond-earlier').waitFor();
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`${name}: brushing on the minimap zooms to that part, a click shows the whole trace`, async () => {
    const page = await open(viewport, CRITICAL_TRACE);
    await page.locator('trace-viewer .tv-row', { hasText: 'lookup' }).waitFor();
    const minimap = await page.locator('trace-viewer .tv-minimap').boundingBox();
    const y = minimap.y + minimap.height / 2;
    // Drag across its first fifth (0..200 ms: plan).
    await page.mouse.move(minimap.x + 1, y);
    await page.mouse.down();
    await page.mouse.move(minimap.x + minimap.width * 0.1, y, { steps: 3 });
    await page.locator('trace-viewer .tv-minimap-brush').waitFor();
    await page.mouse.move(minimap.x + minimap.width * 0.2, y, { steps: 3 });
    await page.mouse.up();
    await page.locator('trace-viewer .tv-minimap-window').waitFor();
    assert.equal(await page.locator('trace-viewer .tv-minimap-brush').count(), 0);
    const windowBox = await page.locator('trace-viewer .tv-minimap-window').boundingBox();
    assert.ok(Math.abs(windowBox.width - minimap.width * 0.2) < 6, `the window outlines the brushed fifth: ${windowBox.width} of ${minimap.width}`);
    const later = page.locator('trace-viewer .tv-row', { has: page.locator('.tv-span-name', { hasText: /^answer$/ }) }).locator('.tv-beyond-later');
    await later.waitFor();
    assert.equal(await later.innerText(), '▸');
    await page.mouse.click(minimap.x + minimap.width * 0.5, y);
    await page.locator('trace-viewer .tv-minimap-window').waitFor({ state: 'detached' });
    assert.equal(await page.locator('trace-viewer .tv-beyond').count(), 0);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`${name}: the critical path toggle keeps the path's spans, lists its time by kind and name, and highlights it`, async () => {
    for (const colorScheme of ['light', 'dark']) {
      const page = await open(viewport, CRITICAL_TRACE, colorScheme);
      await page.locator('trace-viewer .tv-row', { hasText: 'lookup' }).waitFor();
      // The highlight comes once the first frame is painted, without the toggle.
      await page.locator('trace-viewer .tv-bar-critical').first().waitFor();
      const critical = await page.locator('trace-viewer .tv-row-critical .tv-span-name').allTextContents();
      assert.deepEqual(critical.sort(), ['agent', 'answer', 'format', 'plan', 'search']);
      assert.equal(await page.locator('trace-viewer .tv-bar-critical').count(), 6, 'six segments');
      assert.equal(await page.locator('trace-viewer .tv-critical').count(), 0, 'the breakdown waits for the toggle');
      // The stripes sit where the segments are: answer's two pieces at 50..60% and 70..90% of the axis.
      const answerRow = page.locator('trace-viewer .tv-row', { has: page.locator('.tv-span-name', { hasText: /^answer$/ }) });
      const axis = await answerRow.locator('.tv-timeline-column').boundingBox();
      const stripes = await answerRow.locator('.tv-bar-critical').evaluateAll((elements) => elements.map((element) => {
        const box = element.getBoundingClientRect();
        return [box.left, box.width];
      }));
      const shares = stripes.map(([left, width]) => [Math.round(((left - axis.x) / axis.width) * 100), Math.round((width / axis.width) * 100)]);
      assert.deepEqual(shares, [[50, 10], [70, 20]]);

      await page.locator('trace-viewer .tv-toolbar label', { hasText: 'Critical path' }).locator('input').check();
      await page.locator('trace-viewer .tv-critical').waitFor();
      await page.waitForFunction(() => document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-row').length === 5);
      assert.deepEqual(await rowNames(page), ['agent', 'plan', 'search', 'answer', 'format']);
      assert.equal(await page.locator('trace-viewer .tv-critical-head').innerText(), 'Critical path: 1.00 s over 6 segments');
      const breakdown = await page.locator('trace-viewer .tv-critical-table tbody tr').evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent)));
      assert.deepEqual(breakdown, [
        ['LLM', 'answer', '300 ms', '30%'],
        ['TOOL', 'search', '300 ms', '30%'],
        ['LLM', 'plan', '200 ms', '20%'],
        ['AGENT', 'agent', '100 ms', '10%'],
        ['SPAN', 'format', '100 ms', '10%'],
      ]);
      await page.screenshot({ path: join(screenshots, `waterfall-critical-${name}-${colorScheme}.png`) });
      await page.locator('trace-viewer .tv-toolbar label', { hasText: 'Critical path' }).locator('input').uncheck();
      await page.waitForFunction(() => document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-row').length === 7);
      assert.equal(await page.locator('trace-viewer .tv-critical').count(), 0);
      assert.deepEqual(page.errors, []);
      await page.close();
    }
  });
}

test('Ctrl+wheel over the timeline zooms around the pointer; a plain wheel does not zoom', async () => {
  const page = await open({ width: 1440, height: 900 }, CRITICAL_TRACE);
  await page.locator('trace-viewer .tv-row', { hasText: 'lookup' }).waitFor();
  const column = await page.locator('trace-viewer .tv-row').first().locator('.tv-timeline-column').boundingBox();
  await page.mouse.move(column.x + column.width * 0.75, column.y + column.height / 2);
  await page.mouse.wheel(0, -100);
  assert.equal(await page.locator('trace-viewer .tv-reset-zoom').count(), 0, 'a plain wheel scrolls');
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -100);
  await page.keyboard.up('Control');
  await page.locator('trace-viewer .tv-reset-zoom').waitFor();
  // 0.8 of the trace around 750 ms: 150..950 ms, so plan (0..200) is cut at its start.
  const plan = page.locator('trace-viewer .tv-row', { has: page.locator('.tv-span-name', { hasText: /^plan$/ }) }).locator('.tv-bar');
  assert.equal(await plan.evaluate((bar) => bar.classList.contains('tv-bar-cut-start')), true);
  const agent = page.locator('trace-viewer .tv-row').first().locator('.tv-bar');
  assert.deepEqual(await agent.evaluate((bar) => [bar.classList.contains('tv-bar-cut-start'), bar.classList.contains('tv-bar-cut-end')]), [true, true]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

// A root waiting 1 ms between 5,000 steps of 1 ms: 5,000 pieces of its own time on the critical
// path, a 1/10,000 of the axis apart. They are drawn as the few stripes a screen can show, not an
// element each (25,000 such pieces made a 600 ms style and layout pass after the first frame).
test('a root with thousands of critical-path pieces draws them as a few stripes', async () => {
  const steps = Array.from({ length: 5_000 }, (_, step) => span(`step ${step}`, 'root', 'tool', 2 * step + 1, 2 * step + 2));
  const trace = JSON.stringify({
    format: 'trace-viewer/v1',
    traces: [{ id: 'waits', name: 'waits between steps', spans: [span('root', null, 'agent', 0, 10_001), ...steps] }],
  });
  const page = await open({ width: 1440, height: 900 }, trace);
  const root = page.locator('trace-viewer .tv-row', { has: page.locator('.tv-span-name', { hasText: /^root$/ }) });
  await root.locator('.tv-bar-critical').first().waitFor();
  const stripes = await root.locator('.tv-bar-critical').evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().width));
  const axis = await root.locator('.tv-timeline-column').boundingBox();
  assert.ok(stripes.length <= 3, `${stripes.length} stripes`);
  // Together they still cover the root's whole length (its own time is spread over all of it).
  assert.ok(stripes.reduce((sum, width) => sum + width, 0) > axis.width * 0.95, `${stripes} of ${axis.width}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});
