// Loop folding: an agent's 200 × [llm, tool] is one row "×200" (with the loop's failure and,
// when every call had identical arguments, the stuck-loop warning), unfolds by a click or the
// keyboard and folds back, the keyboard steps across it, and search, the errors-only filter,
// a linked span and the "Fold loops" switch reach what it hides; at 1440 px and at 390 px.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newPage, screenshots, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();
const WIDTHS = [
  ['desktop', { width: 1440, height: 900 }],
  ['phone', { width: 390, height: 844 }],
];
const STUCK = '/fixtures/loops/agent-loop-200-stuck.json';
const VARIED = '/fixtures/loops/agent-loop-200-varied.json';
const SPANS = 402;

async function open(viewport, fixture, hash = '') {
  const page = await newPage(session.browser, { viewport });
  await page.goto(`${session.server.url}?src=${fixture}${hash}`);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  return page;
}

const rowCount = (page) => page.locator('trace-viewer .tv-row').count();
/** Rows in the whole list (rendered or not), from the spacer's height. */
const listedRows = (page) =>
  page.evaluate(() => {
    const spacer = document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-rows-spacer');
    return Math.round(parseFloat(spacer.style.height) / 26);
  });
const selected = (page) => page.locator('trace-viewer .tv-row-selected');
const selectedText = (page) => selected(page).innerText();
async function waitForListed(page, count) {
  await waitUntil(async () => (await listedRows(page)) === count, `${count} rows listed`, 20_000);
}

for (const [name, viewport] of WIDTHS) {
  test(`${name}: 200 × [llm, tool] is one row ×200 that unfolds and folds back`, async () => {
    const page = await open(viewport, STUCK);
    const loop = page.locator('trace-viewer .tv-loop-row');
    await loop.waitFor();
    assert.ok((await rowCount(page)) <= 3, `at most three rows, got ${await rowCount(page)}`);
    assert.equal(await listedRows(page), 3, 'the agent, the loop, the answer');
    const text = await loop.innerText();
    for (const part of ['LLM', 'plan next step', 'TOOL', 'search_orders', '×200', '1 error']) {
      assert.ok(text.includes(part), `"${part}" on the folded row: ${text}`);
    }
    assert.equal(await loop.getAttribute('aria-expanded'), 'false');
    const title = await loop.getAttribute('title');
    assert.match(title, /^200 × plan next step → search_orders \(400 spans\)\n.* of work in all · each iteration .* to .*\n/);
    assert.match(title, /tok · \$[0-9.]+ in its model calls\n1 failed span$/);
    const stuck = page.locator('trace-viewer .tv-loop-row .tv-stuck-mark');
    assert.equal(await stuck.innerText(), 'stuck?');
    assert.match(await stuck.getAttribute('title'), /200 iterations call search_orders with identical arguments:\n\{"query":"order A-1042"\}/);
    await page.screenshot({ path: join(screenshots, `loop-folded-${name}.png`) });

    await loop.click();
    await waitForListed(page, SPANS);
    assert.equal(await page.locator('trace-viewer .tv-loop-row').count(), 0);
    assert.match(await selectedText(page), /plan next step/, "the loop's first span is selected");
    const fold = page.getByRole('button', { name: 'Fold loop of 200' });
    assert.match(await fold.innerText(), /×200/);
    await fold.click();
    await waitForListed(page, 3);
    assert.match(await page.locator('trace-viewer .tv-loop-row').innerText(), /×200/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`${name}: the keyboard steps across a folded loop, opens it and folds it again`, async () => {
    const page = await open(viewport, STUCK);
    await page.locator('trace-viewer .tv-loop-row').waitFor();
    await page.locator('trace-viewer [role="tree"]').focus();
    await page.keyboard.press('ArrowDown');
    assert.match(await selectedText(page), /support-agent/);
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(page).getAttribute('class').then((classes) => classes.includes('tv-loop-row')), true);
    await page.keyboard.press('ArrowDown');
    assert.match(await selectedText(page), /write answer/, 'over the folded loop in one step');
    await page.keyboard.press('ArrowUp');
    assert.match(await selectedText(page), /×200/);
    await page.keyboard.press('Enter');
    await waitForListed(page, SPANS);
    assert.match(await selectedText(page), /plan next step/);
    await page.keyboard.press('ArrowDown');
    assert.match(await selectedText(page), /search_orders/);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    await waitForListed(page, 3);
    assert.match(await selectedText(page), /×200/, "Left on the loop's first span folds the loop");
    await page.keyboard.press('ArrowRight');
    await waitForListed(page, SPANS);
    await page.keyboard.press('End');
    assert.match(await selectedText(page), /write answer/);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    await waitForListed(page, 3);
    await page.keyboard.press('ArrowLeft');
    assert.match(await selectedText(page), /support-agent/, 'Left on a folded loop goes to its parent');
    await page.close();
  });

  test(`${name}: search, the errors filter, a linked span and "Fold loops" reach inside a folded loop`, async () => {
    const page = await open(viewport, STUCK);
    await page.locator('trace-viewer .tv-loop-row').waitFor();
    assert.equal(await page.locator('trace-viewer .tv-loop-row.tv-row-error-below').count(), 1, 'the hidden failure marks the row');

    await page.locator('trace-viewer .tv-search').fill('timed out');
    await page.locator('trace-viewer .tv-match-count', { hasText: '1 match' }).waitFor();
    assert.equal(await page.locator('trace-viewer .tv-loop-row.tv-row-match').count(), 1, 'the match inside marks the row');
    await page.locator('trace-viewer .tv-search').press('Enter');
    await waitForListed(page, SPANS);
    assert.equal(await selected(page).getAttribute('data-span-index'), '400', 'the last search, now on its own row');
    // On a phone the found span's details cover the tree as a sheet.
    if (name === 'phone') await page.getByRole('button', { name: '← Back to the tree' }).click();
    await page.locator('trace-viewer .tv-search').fill('');

    const foldLoops = page.getByRole('checkbox', { name: 'Fold loops' });
    assert.equal(await foldLoops.isChecked(), true);
    await foldLoops.click();
    await waitForListed(page, SPANS);
    await foldLoops.click();
    await waitForListed(page, 3);

    await page.getByRole('checkbox', { name: 'Errors only' }).click();
    await waitForListed(page, 2);
    assert.match(await page.locator('trace-viewer .tv-row').nth(1).innerText(), /search_orders/);
    await page.getByRole('checkbox', { name: 'Errors only' }).click();
    await waitForListed(page, 3);
    await page.close();

    const linked = await open(viewport, STUCK, '#span=search-150');
    await waitUntil(async () => (await linked.locator('trace-viewer .tv-row-selected').count()) === 1, 'the linked span shown');
    assert.match(await selectedText(linked), /search_orders/);
    assert.equal(await listedRows(linked), SPANS, 'its loop unfolded');
    await linked.close();
  });

  test(`${name}: different arguments in each call are no stuck loop`, async () => {
    const page = await open(viewport, VARIED);
    const loop = page.locator('trace-viewer .tv-loop-row');
    await loop.waitFor();
    assert.match(await loop.innerText(), /×200/);
    assert.equal(await page.locator('trace-viewer .tv-stuck-mark').count(), 0);
    await loop.click();
    await waitForListed(page, SPANS);
    const fold = page.getByRole('button', { name: 'Fold loop of 200' });
    assert.doesNotMatch(await fold.getAttribute('class'), /stuck/);
    await page.close();
  });
}

test('the README picture: a folded loop at 1200 px, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await newPage(session.browser, { viewport: { width: 1200, height: 300 }, colorScheme });
    await page.goto(`${session.server.url}?src=${STUCK}`);
    await page.locator('trace-viewer .tv-loop-row').waitFor();
    await page.locator('trace-viewer').screenshot({ path: join(screenshots, `loop-folded-${colorScheme}.png`) });
    await page.close();
  }
});
