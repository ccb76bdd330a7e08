// Big spans stay responsive by drawing little: a span with 100,000 attributes, one with 100,000
// events and one holding 50 MB in one string are selected; the detail panel draws one page of
// rows (and the first 600 characters of the string), "show more" appends the next page without
// redrawing the rows shown, and the attribute and event filters find items that were never drawn.
// (How long each step blocks the page is `cargo xtask bench`'s to measure.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();

test('a span with 100,000 attributes, events or a 50 MB string draws one page at a time', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1400, height: 900 } });
  await page.goto(`${session.server.url}test-pages/two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const summary = await page.evaluate(async () => {
    const attributes = {};
    for (let index = 0; index < 100_000; index += 1) attributes[`attribute.${index}`] = `value ${index}`;
    const events = Array.from({ length: 100_000 }, (_, index) => ({ name: `event ${index}`, time: 1715678490000 + index }));
    const spans = [
      { id: 'root', name: 'root', start: 1715678490000, duration_ms: 100 },
      { id: 'attributes', parent: 'root', name: 'many attributes', start: 1715678490000, duration_ms: 10, attributes },
      { id: 'events', parent: 'root', name: 'many events', start: 1715678490000, duration_ms: 10, events },
      { id: 'string', parent: 'root', name: 'long string', start: 1715678490000, duration_ms: 10, attributes: { blob: `start:${'x'.repeat(50_000_000)}:end` } },
    ];
    const viewer = document.getElementById('right');
    const loaded = await viewer.load(JSON.stringify({ format: 'trace-viewer/v1', id: 'big', spans }), 'big.json');
    return loaded.spanCount;
  });
  assert.equal(summary, 4);
  const detail = page.locator('#right .tv-detail');
  const rows = detail.locator('table[aria-label="Attributes"] > tbody > tr:not(.tv-more-row)');

  await page.evaluate(() => document.getElementById('right').select('attributes'));
  await detail.getByText('Attributes (100000)').waitFor();
  assert.equal(await rows.count(), 100, 'one page of the 100,000 attributes is drawn');
  const firstRow = await rows.first().elementHandle();
  await detail.getByRole('button', { name: 'Show 100 more attributes (100 of 100,000 shown)' }).click();
  await detail.getByRole('button', { name: 'Show 100 more attributes (200 of 100,000 shown)' }).waitFor();
  assert.equal(await rows.count(), 200, 'show more appends the next page');
  assert.ok(await firstRow.evaluate((row) => row.isConnected), 'the rows shown are kept, not redrawn');
  await detail.getByRole('searchbox', { name: 'Filter Attributes' }).fill('attribute.99999');
  await detail.getByText('1 of 100,000 match').waitFor();
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().locator('th').innerText(), 'attribute.99999', 'a row never drawn is found');

  await page.evaluate(() => document.getElementById('right').select('events'));
  await detail.getByText('Events (100000)').waitFor();
  const events = detail.locator('ol.tv-events > li.tv-event');
  assert.equal(await events.count(), 100, 'one page of the 100,000 events is drawn');
  await detail.getByRole('button', { name: 'Show 100 more events (100 of 100,000 shown)' }).click();
  await detail.getByRole('button', { name: 'Show 100 more events (200 of 100,000 shown)' }).waitFor();
  assert.equal(await events.count(), 200);
  assert.equal(await events.last().locator('.tv-event-name').innerText(), 'event 199');
  await detail.getByRole('searchbox', { name: 'Filter Events' }).fill('event 99999');
  await detail.getByText('1 of 100,000 match').waitFor();
  assert.equal(await events.count(), 1);
  assert.equal(await events.first().locator('.tv-event-name').innerText(), 'event 99999', 'an event never drawn is found');

  await page.evaluate(() => document.getElementById('right').select('string'));
  const value = detail.locator('pre.tv-value').first();
  await value.waitFor();
  const drawnLength = () => value.evaluate((pre) => [...pre.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE).reduce((sum, node) => sum + node.data.length, 0));
  assert.equal(await drawnLength(), 600, 'the first 600 characters of 50 MB are drawn');
  assert.ok((await value.innerText()).startsWith('start:xxx'));
  await value.getByRole('button', { name: /show 50,000 more characters \(50\.0 MB left\)/ }).click();
  await value.getByRole('button', { name: /show 50,000 more characters \(49\.9 MB left\)/ }).waitFor();
  assert.equal(await drawnLength(), 50_600, 'show more appends 50,000 characters');
  assert.deepEqual(page.errors, []);
  await page.close();
});
