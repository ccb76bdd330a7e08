// The viewer on a phone (390×844, and held sideways at 844×390): a one-line header that opens on
// demand, the tree at full height with each latency bar under its span's name, a span's details
// as a full-screen sheet with Back, and a file of several traces as cards. Screenshots of each go
// to target/screenshots (the README's phone pictures are copies of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newPage, repository, screenshots, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();
const PHONE = { width: 390, height: 844 };
const rows = (page) => page.locator('trace-viewer .tv-row');
const box = (locator) => locator.boundingBox();

async function openExample(viewport, colorScheme = 'light') {
  const page = await newPage(session.browser, { viewport, colorScheme });
  await page.goto(session.server.url);
  await rows(page).first().waitFor();
  return page;
}

test('at 390 px the header is one line until opened, and the tree takes the rest of the height', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await openExample(PHONE, colorScheme);
    const header = page.locator('trace-viewer .tv-header');
    const toggle = page.locator('trace-viewer .tv-summary-toggle');
    assert.ok((await box(header)).height <= 48, `one line: ${(await box(header)).height} px`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('trace-viewer .tv-facts').isVisible(), false, 'the facts wait behind More');
    // The errors count stays in the one line.
    assert.equal(await page.locator('trace-viewer .tv-stat-error').isVisible(), true);
    // No detail panel before a span is chosen: the tree runs to the element's bottom.
    assert.equal(await page.locator('trace-viewer .tv-detail').isVisible(), false);
    const viewer = await box(page.locator('trace-viewer'));
    const tree = await box(page.locator('trace-viewer .tv-tree'));
    assert.ok(Math.abs(tree.y + tree.height - (viewer.y + viewer.height)) <= 2, 'the tree reaches the bottom');
    assert.ok(tree.height >= viewer.height - 140, `the tree has the height: ${tree.height} of ${viewer.height} px`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`);
    await page.screenshot({ path: join(screenshots, `phone-tree-${colorScheme}.png`) });

    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await page.locator('trace-viewer .tv-facts').waitFor();
    assert.match(await page.locator('trace-viewer .tv-facts').innerText(), /User input\s+I was charged twice/);
    await page.screenshot({ path: join(screenshots, `phone-summary-${colorScheme}.png`) });
    await toggle.click();
    await page.locator('trace-viewer .tv-facts').waitFor({ state: 'hidden' });
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('at 390 px each latency bar is under its span name, across the full width', async () => {
  const page = await openExample(PHONE);
  const geometry = await page.locator('trace-viewer .tv-row').evaluateAll((found) => found.map((row) => {
    const rect = (element) => element.getBoundingClientRect();
    return { row: rect(row), name: rect(row.querySelector('.tv-span-name')), bar: rect(row.querySelector('.tv-bar')), label: row.textContent };
  }));
  assert.equal(geometry.length, 9);
  for (const { row, name, bar, label } of geometry) {
    assert.ok(bar.top >= name.bottom - 2, `${label}: the bar is under the name (${bar.top} vs ${name.bottom})`);
    assert.ok(bar.bottom <= row.bottom, `${label}: the bar stays in its row`);
    assert.ok(name.width > 60, `${label}: the name has room (${name.width} px)`);
  }
  // The root lasts the whole trace: its bar spans (nearly) the row.
  assert.ok(geometry[0].bar.width >= geometry[0].row.width - 24, `root bar ${geometry[0].bar.width} of ${geometry[0].row.width} px`);
  // The minimap's 120 columns still show on the narrow strip.
  const columnWidths = await page.locator('trace-viewer .tv-minimap-column').evaluateAll((columns) => columns.map((column) => column.getBoundingClientRect().width));
  assert.equal(columnWidths.length, 120);
  assert.ok(columnWidths.every((width) => width >= 0.5), `minimap columns ${Math.min(...columnWidths)} px wide`);
  await page.close();
});

test('at 390 px a span opens as a full-screen sheet, and Back returns to the tree with the span still selected', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await openExample(PHONE, colorScheme);
    await rows(page).filter({ hasText: 'lookup_order' }).click();
    const detail = page.locator('trace-viewer .tv-detail');
    await detail.locator('.tv-status-error').waitFor();
    const viewer = await box(page.locator('trace-viewer'));
    const sheet = await box(detail);
    for (const side of ['x', 'y', 'width', 'height']) {
      assert.ok(Math.abs(sheet[side] - viewer[side]) <= 1, `the sheet covers the viewer (${side}: ${sheet[side]} vs ${viewer[side]})`);
    }
    await page.screenshot({ path: join(screenshots, `phone-detail-${colorScheme}.png`) });
    await detail.locator('.tv-sheet-back').click();
    await detail.waitFor({ state: 'hidden' });
    assert.equal(await rows(page).filter({ hasText: 'lookup_order' }).first().getAttribute('aria-selected'), 'true');
    assert.equal(await page.locator('trace-viewer').getAttribute('selected-span'), 't1');
    // Choosing a span again opens the sheet again.
    await rows(page).filter({ hasText: 'write answer' }).click();
    await detail.getByText('Input messages (4)').waitFor();
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('at 390 px a file of several traces lists them as cards; at desktop width as table rows', async () => {
  const file = join(repository, 'tests/fixtures/jaeger/jaeger-ui-genai-flamegraph-2traces.json');
  const heights = {};
  for (const [name, viewport] of [['phone', PHONE], ['desktop', { width: 1400, height: 800 }]]) {
    const page = await openExample(viewport);
    await page.setInputFiles('#file-input', file);
    const cards = page.locator('trace-viewer .tv-table-row');
    await cards.filter({ hasText: 'invoke_agent' }).waitFor();
    const card = await box(cards.filter({ hasText: 'invoke_agent' }));
    const name_ = await box(cards.filter({ hasText: 'invoke_agent' }).locator('.tv-table-cell').first());
    heights[name] = card.height;
    if (name === 'phone') {
      assert.equal(await page.locator('trace-viewer .tv-table-scroll.tv-table-cards').count(), 1);
      assert.ok(name_.width >= card.width - 10, `the name has the card's first line (${name_.width} of ${card.width} px)`);
      const input = await box(cards.filter({ hasText: 'invoke_agent' }).locator('[data-column="input"]'));
      assert.ok(input.y >= name_.y + name_.height - 1, 'the question is on its own line under the name');
      await page.screenshot({ path: join(screenshots, 'phone-cards-dark.png') });
      await cards.filter({ hasText: 'invoke_agent' }).click();
      await rows(page).first().waitFor();
    } else {
      assert.equal(await page.locator('trace-viewer .tv-table-cards').count(), 0);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  }
  assert.ok(heights.phone > 2 * heights.desktop, `cards are taller than rows (${heights.phone} vs ${heights.desktop} px)`);
});

test('held sideways (844×390) the header is one line and the tree keeps most of the height', async () => {
  const page = await openExample({ width: 844, height: 390 });
  assert.ok((await box(page.locator('trace-viewer .tv-header'))).height <= 48);
  assert.ok((await box(page.locator('trace-viewer .tv-toolbar'))).height <= 44);
  const tree = await box(page.locator('trace-viewer .tv-tree'));
  assert.ok(tree.height >= 390 * 0.45, `the tree has ${tree.height} of 390 px`);
  assert.equal(await page.locator('.hint').isVisible(), false, 'the drop hint gives way');
  await page.screenshot({ path: join(screenshots, 'phone-landscape-light.png') });
  await page.close();
});
