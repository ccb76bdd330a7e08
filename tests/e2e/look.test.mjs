// How the viewer looks: the theme follows the system unless the `theme` attribute says otherwise,
// and the detail panel can be resized (the phone layout: phone.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();

const background = (page) => page.locator('trace-viewer .tv-app').evaluate((app) => getComputedStyle(app).backgroundColor);

test('the theme follows prefers-color-scheme and the theme attribute overrides it', async () => {
  const dark = await newPage(session.browser, { colorScheme: 'dark' });
  await dark.goto(session.server.url);
  await dark.locator('trace-viewer .tv-row').first().waitFor();
  assert.equal(await background(dark), 'rgb(20, 24, 31)');
  await dark.locator('trace-viewer').evaluate((viewer) => viewer.setAttribute('theme', 'light'));
  assert.equal(await background(dark), 'rgb(255, 255, 255)');
  await dark.close();

  const light = await newPage(session.browser, { colorScheme: 'light' });
  await light.goto(session.server.url);
  await light.locator('trace-viewer .tv-row').first().waitFor();
  assert.equal(await background(light), 'rgb(255, 255, 255)');
  await light.locator('trace-viewer').evaluate((viewer) => viewer.setAttribute('theme', 'dark'));
  assert.equal(await background(light), 'rgb(20, 24, 31)');
  // A host page restyles through documented custom properties.
  await light.locator('trace-viewer').evaluate((viewer) => viewer.style.setProperty('--tv-bg', 'rgb(1, 2, 3)'));
  assert.equal(await background(light), 'rgb(1, 2, 3)');
  await light.close();
});

test('the detail panel is resized by dragging the splitter or with the arrow keys', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1400, height: 800 } });
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  const panel = page.locator('trace-viewer .tv-detail');
  const before = (await panel.boundingBox()).width;
  const splitter = await page.locator('trace-viewer .tv-splitter').boundingBox();
  await page.mouse.move(splitter.x + 3, splitter.y + 100);
  await page.mouse.down();
  await page.mouse.move(splitter.x - 200, splitter.y + 100, { steps: 5 });
  await page.mouse.up();
  const dragged = (await panel.boundingBox()).width;
  assert.ok(Math.abs(dragged - (before + 203)) < 12, `${before} → ${dragged}`);
  await page.locator('trace-viewer .tv-splitter').focus();
  await page.keyboard.press('ArrowRight');
  assert.ok(Math.abs((await panel.boundingBox()).width - (dragged - 24)) < 3);
  await page.close();
});

test('the last tick of the time axis is kept, its label drawn left of its line so it is not cut off', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1400, height: 800 } });
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  // The example lasts 6.42 s: ticks every 2 s, the last at 6 s, 93% along the axis.
  const ticks = page.locator('trace-viewer .tv-tree-head .tv-tick');
  assert.deepEqual(await ticks.allTextContents(), ['0', '2.00 s', '4.00 s', '6.00 s']);
  const axis = await page.locator('trace-viewer .tv-tree-head .tv-axis').boundingBox();
  const last = await ticks.last().boundingBox();
  assert.ok(last.x + last.width <= axis.x + axis.width + 0.5, `the label ends inside the axis (${last.x + last.width} vs ${axis.x + axis.width})`);
  assert.ok(Math.abs(last.x + last.width - (axis.x + axis.width * 6 / 6.42)) < 3, 'the label ends at its tick (6 s of 6.42 s)');
  await page.close();
});
