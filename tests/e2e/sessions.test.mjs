// The corpus's sessions, in headless Chromium: the sessions tab lists what a direct computation
// over the generated corpus gives (tests/aggregate.rs writes it), sorted by a clicked column; a
// session's conversation shows its turns in order and opens each turn's trace; the URL hash
// keeps the session, so a reload (a deep link) shows the same conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inViewer, newPage, openGeneratedCorpus, repository, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();
const expected = JSON.parse(readFileSync(join(repository, 'target/corpus/reference-1500.aggregates.json'), 'utf8')).sessionsByCost;

/** The sessions list's rows as drawn: the session id and the cells after it. */
const drawnSessions = (page) => page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-sessions-table tbody tr')]
  .map((row) => [...row.children].map((cell) => cell.textContent)));

/** The conversation's turns as drawn: [head, question]. */
const drawnTurns = (page) => page.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-turn')]
  .map((turn) => [turn.querySelector('.tv-turn-head').textContent, turn.querySelector('.tv-turn-question').textContent]));

test('the sessions tab lists the sessions a direct computation finds, a conversation opens its turns, and a deep link restores it', async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 900 } });
  await openGeneratedCorpus(page, session.server.url);
  await page.evaluate(() => {
    window.sessionEvents = [];
    const viewer = document.getElementById('viewer');
    for (const name of ['session-open', 'session-close']) viewer.addEventListener(name, (event) => window.sessionEvents.push([name, event.detail]));
  });
  await page.locator(inViewer('.tv-tab'), { hasText: 'Sessions' }).click();
  await waitUntil(async () => (await drawnSessions(page)).length === 100, 'a page of 100 sessions');
  assert.match(await page.locator(inViewer('.tv-sessions-count')).textContent(), /^500 sessions\s*1–100 of 500/);

  // Sorted by cost, largest first: the reference's order and sums.
  await page.locator(inViewer('.tv-sessions-table .tv-sort-button'), { hasText: 'Cost' }).click();
  await waitUntil(async () => (await drawnSessions(page))[0]?.[0] === expected[0].session, 'the costliest session first');
  const rows = await drawnSessions(page);
  assert.deepEqual(rows.map((row) => row[0]), expected.map((row) => row.session));
  assert.deepEqual(rows.map((row) => row[3]), expected.map((row) => String(row.turns.length)), 'turns');
  assert.deepEqual(rows.map((row) => row[5]), expected.map((row) => String(row.failedTurns)), 'failed turns');
  assert.deepEqual(rows.map((row) => row[10]), expected.map((row) => row.turns[0].input ?? ''), 'first question');
  assert.equal(await page.locator(inViewer('.tv-sessions-table th[aria-sort="descending"]')).textContent(), 'Cost ▼');
  await page.locator(inViewer('.tv-sessions-pager button'), { hasText: 'Next' }).click();
  await waitUntil(async () => (await page.locator(inViewer('.tv-sessions-count')).textContent()).includes('101–200 of 500'), 'the second page');

  // A new filter starts at the first page again.
  const countLine = () => page.locator(inViewer('.tv-sessions-count')).textContent().catch(() => '');
  await page.evaluate(() => document.getElementById('viewer').setAttribute('filter', 'variant = "control"'));
  await waitUntil(async () => /^\d+ sessions\s*1–100 of/.test(await countLine()) && !(await countLine()).startsWith('500 '), 'the filtered sessions from their first page');
  await page.evaluate(() => document.getElementById('viewer').setAttribute('filter', ''));
  await waitUntil(async () => /^500 sessions\s*1–100 of 500/.test(await countLine()), 'every session again');

  // One session's conversation: its turns in the order they started, announced and linked.
  const chosen = expected[1];
  await page.locator(inViewer('.tv-sessions-table .tv-link-button'), { hasText: chosen.session }).click();
  await waitUntil(async () => (await drawnTurns(page)).length === chosen.turns.length, 'the session\'s turns');
  const turns = await drawnTurns(page);
  assert.deepEqual(turns.map(([, question]) => question), chosen.turns.map((turn) => `Asked${turn.input}`));
  assert.ok(turns.every(([head], place) => head.startsWith(`Turn ${place + 1} · `)), JSON.stringify(turns));
  await waitUntil(() => page.evaluate(() => location.hash.includes('session=')), 'the hash names the session');
  assert.equal(new URLSearchParams(await page.evaluate(() => location.hash.slice(1))).get('session'), chosen.session);
  assert.deepEqual(await page.evaluate(() => window.sessionEvents), [['session-open', { sessionId: chosen.session, turns: chosen.turns.length }]]);
  assert.equal(await page.evaluate(() => document.getElementById('viewer').selectedSession), chosen.session);

  // A turn opens its trace; Back comes back to the conversation.
  await page.locator(inViewer('.tv-turn')).nth(1).locator('button', { hasText: 'Open trace' }).click();
  await page.locator(inViewer('.tv-back')).waitFor();
  assert.equal(await page.evaluate(() => document.getElementById('viewer').traces.traces[0].traceId), chosen.turns[1].traceId);
  assert.equal(await page.locator(inViewer('.tv-back')).textContent(), `← Session ${chosen.session}`);
  await waitUntil(() => page.evaluate(() => location.hash.includes('trace=')), 'the hash names the trace');
  await page.locator(inViewer('.tv-back')).click();
  await waitUntil(async () => (await drawnTurns(page)).length === chosen.turns.length, 'the conversation again');
  await waitUntil(() => page.evaluate(() => !location.hash.includes('trace=')), 'trace-close took the trace from the hash');

  // The deep link: a reload shows the same conversation, on the sessions tab.
  await page.reload();
  await waitUntil(async () => JSON.stringify((await drawnTurns(page)).map(([, question]) => question))
    === JSON.stringify(chosen.turns.map((turn) => `Asked${turn.input}`)), 'the linked session\'s turns after a reload');
  assert.equal(await page.locator(inViewer('.tv-tab[aria-selected="true"]')).textContent(), 'Sessions');
  await page.evaluate(() => {
    window.sessionEvents = [];
    document.getElementById('viewer').addEventListener('session-close', (event) => window.sessionEvents.push(['session-close', event.detail]));
  });
  await page.locator(inViewer('.tv-conversation .tv-panel-head button')).click();
  await waitUntil(async () => (await drawnSessions(page)).length > 0, 'the sessions list again');
  assert.deepEqual(await page.evaluate(() => window.sessionEvents), [['session-close', { sessionId: chosen.session }]]);
  assert.equal(new URLSearchParams(await page.evaluate(() => location.hash.slice(1))).get('session'), null);
  assert.equal(await page.evaluate(() => document.getElementById('viewer').selectedSession), null);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('view="sessions" shows the sessions tab at once, and the filter narrows the sessions', async () => {
  const page = await newPage(session.browser);
  await page.goto(session.server.url);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  await page.evaluate(async () => {
    const viewer = document.getElementById('viewer');
    viewer.setAttribute('view', 'sessions');
    viewer.setAttribute('filter', 'intent = "refund"');
    await viewer.load(await (await fetch('/corpus/reference-1500.otlp.jsonl')).blob(), 'corpus.jsonl');
  });
  const refundSessions = await page.evaluate(async () => {
    const { groups } = await document.getElementById('viewer').aggregate({ groupBy: ['session'], measures: ['count'], filter: 'intent = "refund"' });
    return groups.filter((group) => group.key.session !== null).length;
  });
  assert.ok(refundSessions > 0 && refundSessions < 500);
  assert.equal(await page.locator(inViewer('.tv-tab[aria-selected="true"]')).textContent(), 'Sessions');
  await waitUntil(async () => (await page.locator(inViewer('.tv-sessions-count')).textContent().catch(() => '')).startsWith(`${refundSessions} sessions`), 'the refund sessions counted');
  assert.deepEqual(page.errors, []);
  await page.close();
});
