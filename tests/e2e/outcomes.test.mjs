// Product outcomes in headless Chromium: a CSV keyed by user id joined to the generated corpus
// through the element's loadOutcomes() and through the dashboard's file button; its columns
// become fields (filters, groups) and measures (panels), and unmatched keys are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inViewer, newPage, openGeneratedCorpus, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();

/** The CSV the test joins: every user of the corpus, with a plan and a retention flag, plus unknown users. */
function outcomesCsv(users) {
  const lines = ['user_id,plan,retained_d30'];
  users.forEach((user, place) => lines.push(`${user},${['free', 'pro', 'team'][place % 3]},${place % 4 === 0 ? 0 : 1}`));
  for (let unknown = 0; unknown < 7; unknown += 1) lines.push(`nobody-${unknown},free,1`);
  return `${lines.join('\n')}\n`;
}

test('loadOutcomes() joins a CSV by user id: fields filter and group, numeric columns are measures, unmatched keys are counted', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 900 } });
  await openGeneratedCorpus(page, session.server.url);
  const users = await page.evaluate(async () => (await document.getElementById('viewer').aggregate({ groupBy: ['user'] })).groups
    .map((group) => group.key.user).filter((user) => user !== null).sort());
  const csv = outcomesCsv(users);
  const report = await page.evaluate((text) => document.getElementById('viewer').loadOutcomes(text, 'outcomes.csv'), csv);
  assert.deepEqual(report, {
    fileName: 'outcomes.csv', key: 'user_id', rows: users.length + 7, matched: users.length, unmatched: 7,
    duplicateKeys: 0, rowsWithoutKey: 0, columns: ['plan', 'retained_d30'], numericColumns: ['retained_d30'], problems: [],
  });
  // Each plan's group holds the traces the filter on that plan keeps.
  const { groups } = await page.evaluate(() => document.getElementById('viewer').aggregate({ groupBy: ['outcome."plan"'], measures: ['count', 'mean(outcome."retained_d30")'] }));
  assert.deepEqual(groups.map((group) => group.key['outcome."plan"']).sort(), ['free', 'pro', 'team']);
  for (const group of groups) {
    const plan = group.key['outcome."plan"'];
    const { count } = await page.evaluate((filter) => document.getElementById('viewer').query(filter), `outcome."plan" = "${plan}"`);
    assert.equal(group.count, count, plan);
    const retained = await page.evaluate((filter) => document.getElementById('viewer').query(filter), `outcome."plan" = "${plan}" and outcome.retained_d30 = 1`);
    assert.ok(Math.abs(group['mean(outcome."retained_d30")'] - retained.count / count) < 1e-12, plan);
  }
  // A panel of the new measure, and the traces table's new column.
  await page.evaluate(() => {
    const viewer = document.getElementById('viewer');
    viewer.setAttribute('panels', 'mean(outcome."retained_d30") by outcome."plan"');
    viewer.setAttribute('view', 'dashboard');
  });
  await waitUntil(async () => (await page.locator(inViewer('.tv-panel-bar')).count()) === 3, 'three bars, one a plan');
  assert.equal(await page.locator(inViewer('.tv-panel-title')).textContent(), 'Mean retained_d30 by outcome."plan"');
  assert.match(await page.locator(inViewer('.tv-outcomes-line')).textContent(), new RegExp(`outcomes.csv by user_id: ${(users.length + 7).toLocaleString('en-US')} rows · ${users.length.toLocaleString('en-US')} match a trace · 7 match none`));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the dashboard\'s Join outcomes button reads a file in the worker and says why a file without a key is refused', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 900 } });
  await openGeneratedCorpus(page, session.server.url);
  await page.locator(inViewer('.tv-tab'), { hasText: 'Dashboard' }).click();
  const input = page.locator(inViewer('.tv-outcomes input[type="file"]'));
  await input.setInputFiles({ name: 'crm.csv', mimeType: 'text/csv', buffer: Buffer.from('customer,plan\nc1,pro\n') });
  await waitUntil(async () => (await page.locator(inViewer('.tv-outcomes .tv-filter-error')).count()) === 1, 'the refusal');
  assert.match(await page.locator(inViewer('.tv-outcomes .tv-filter-error')).textContent(), /crm\.csv was not joined: .*customer, plan/);
  const sessions = await page.evaluate(async () => (await document.getElementById('viewer').aggregate({ groupBy: ['session'] })).groups
    .map((group) => group.key.session).filter((id) => id !== null));
  const lines = sessions.map((id, place) => JSON.stringify({ session_id: id, converted: place % 2 === 0 })).join('\n');
  await input.setInputFiles({ name: 'sessions.jsonl', mimeType: 'application/json', buffer: Buffer.from(lines) });
  await waitUntil(async () => (await page.locator(inViewer('.tv-outcomes-line')).textContent().catch(() => '')).startsWith('sessions.jsonl by session_id'), 'the joined file');
  const converted = await page.evaluate(() => document.getElementById('viewer').query('outcome.converted = 1'));
  const expected = await page.evaluate(async (ids) => {
    const viewer = document.getElementById('viewer');
    const evenSessions = ids.filter((_, place) => place % 2 === 0);
    let count = 0;
    const { groups } = await viewer.aggregate({ groupBy: ['session'] });
    for (const group of groups) if (evenSessions.includes(group.key.session)) count += group.count;
    return count;
  }, sessions);
  assert.equal(converted.count, expected);
  // The table can show the new column.
  await page.locator(inViewer('.tv-tab'), { hasText: 'Traces' }).click();
  await page.locator(inViewer('.tv-column-chooser summary')).click();
  await waitUntil(async () => (await page.locator(inViewer('.tv-column-option'), { hasText: 'outcome."converted"' }).count()) === 1, 'the outcome column offered');
  assert.deepEqual(page.errors, []);
  await page.close();
});
