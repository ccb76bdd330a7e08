// Review and labels over the generated corpus (1,500 agent traces): a queue of 100 failed traces
// labelled with the keyboard only (categories 1–9, notes with n, the corrected output with c, j to
// the next), every label found again after a reload (IndexedDB), the labels export equal byte for
// byte to tests/fixtures/review/expected-labels.jsonl, re-imported to the same state, and the
// labels as a column of the table. The clock is fixed, so each label's time is known.
// Also: axial coding (a note moved into a category), patterns, datasets, at desktop and phone width.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CORPUS, newPage, openGeneratedCorpus, repository, screenshots, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();
const EXPECTED = join(repository, 'tests/fixtures/review/expected-labels.jsonl');
const FILTER = 'status = error';
const NOW = new Date('2026-03-01T09:00:00Z');

/** The viewer's shadow root, for reading what it shows. */
const inViewer = (selector) => `trace-viewer ${selector}`;

/** Waits until the review bar says it is at `position` (1-based) of `total`. */
async function waitForPosition(page, position, total) {
  await page.waitForFunction(([position, total]) => {
    const root = document.querySelector('trace-viewer').shadowRoot;
    const progress = root.querySelector('.tv-review-progress')?.textContent ?? '';
    return progress.startsWith(`${position} of ${total}`) && root.querySelector('.tv-review-bar[aria-busy="false"]') !== null;
  }, [position, total]).catch(async (error) => {
    await page.screenshot({ path: join(screenshots, 'review-stuck.png') });
    const progress = await page.evaluate(() => document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-review-progress')?.textContent);
    throw new Error(`the review did not reach ${position} of ${total} (it says ${progress}): ${error.message}`);
  });
}

/** Types the filter: `/` focuses it, Enter applies it. */
async function filterByKeyboard(page) {
  await page.locator(inViewer('.tv-table-scroll')).focus();
  await page.keyboard.press('/');
  await page.keyboard.type(FILTER);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-table-summary')?.textContent.startsWith('241 traces'));
}

/** Opens the Review tab and starts a worst-first queue of `size` over the table's filter, by keyboard. */
async function startQueue(page, size) {
  await page.locator(inViewer('.tv-tab'), { hasText: 'Review' }).focus();
  await page.keyboard.press('Enter');
  const sizeField = page.locator(inViewer('.tv-review-tab input[type="number"]')).last();
  await sizeField.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(String(size));
  await page.keyboard.press('Tab');
  await page.locator(inViewer('.tv-review-start')).focus();
  await page.keyboard.press('Enter');
  await waitForPosition(page, 1, size);
}

test('a queue of 100 failed traces labelled by keyboard alone survives a reload and exports byte for byte', { timeout: 600_000 }, async () => {
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 900 } });
  await page.clock.setFixedTime(NOW);
  await openGeneratedCorpus(page, session.server.url);
  await filterByKeyboard(page);

  // Who labels: typed into the Review tab's field.
  await page.locator(inViewer('.tv-tab'), { hasText: 'Review' }).focus();
  await page.keyboard.press('Enter');
  await page.locator(inViewer('input[aria-label="Labeller"]')).focus();
  await page.keyboard.type('reviewer-1');
  await page.keyboard.press('Tab');
  await startQueue(page, 100);

  const queue = [];
  for (let position = 1; position <= 100; position++) {
    await waitForPosition(page, position, 100);
    queue.push(await page.evaluate(() => document.querySelector('trace-viewer').shadowRoot.querySelector('.tv-trace-name')?.textContent ?? ''));
    // Category by position: 1, 2 or 3; every fifth also 4; every tenth a note; every twentieth a corrected output.
    await page.keyboard.press(String(1 + (position % 3)));
    if (position % 5 === 0) await page.keyboard.press('4');
    if (position % 10 === 0) {
      await page.keyboard.press('n');
      await page.keyboard.type(`note ${position}: the agent gave up after the tool failed`);
      await page.keyboard.press('Escape');
    }
    if (position % 20 === 0) {
      await page.keyboard.press('c');
      await page.keyboard.type(`corrected answer ${position}`);
      await page.keyboard.press('Escape');
    }
    // A mistake undone: 7 then u.
    if (position === 7) {
      await page.keyboard.press('7');
      await page.keyboard.press('u');
    }
    if (position < 100) await page.keyboard.press('j');
  }
  await page.waitForFunction(() => document.querySelector('trace-viewer').labels.length === 100);
  const before = await page.evaluate(() => document.querySelector('trace-viewer').labels);
  assert.equal(before.filter((label) => label.categories.includes('loop')).length, 0, 'the 7 (stuck in a loop) was undone');
  await page.screenshot({ path: join(screenshots, 'review-bar-1440.png') });

  // A reload of the same corpus: every label back from IndexedDB.
  await openGeneratedCorpus(page, session.server.url);
  await page.waitForFunction(() => document.querySelector('trace-viewer').labels.length === 100);
  const after = await page.evaluate(() => document.querySelector('trace-viewer').labels);
  assert.deepEqual(after, before);

  // The export, byte for byte (UPDATE_FIXTURES=1 writes the fixture instead).
  const exported = await page.evaluate(async () => (await document.querySelector('trace-viewer').exportLabels('jsonl')).text());
  if (process.env.UPDATE_FIXTURES) await writeFile(EXPECTED, exported);
  assert.equal(exported, await readFile(EXPECTED, 'utf8'));
  const lines = exported.trimEnd().split('\n').map((line) => JSON.parse(line));
  assert.equal(lines.length, 100);
  assert.ok(lines.every((line) => line.labeller === 'reviewer-1' && line.time === NOW.toISOString()));
  assert.equal(lines.filter((line) => line.note).length, 10);
  assert.equal(lines.filter((line) => line.corrected_output).length, 5);

  // Re-imported: the same state, nothing added, no conflict.
  const report = await page.evaluate(async (text) => document.querySelector('trace-viewer').importLabels(text), exported);
  assert.deepEqual({ added: report.added, unchanged: report.unchanged, conflicts: report.conflicts.length }, { added: 0, unchanged: 100, conflicts: 0 });
  assert.deepEqual(await page.evaluate(() => document.querySelector('trace-viewer').labels), before);

  // Labels are a column of the corpus: the filter finds them.
  const toolErrors = before.filter((label) => label.categories.includes('tool_error')).length;
  const found = await page.evaluate(async () => (await document.querySelector('trace-viewer').query('label = "tool_error"', '', 0)).count);
  assert.equal(found, toolErrors);
  assert.deepEqual(page.errors, []);
  await page.close();
});

for (const viewport of [{ width: 1440, height: 900 }, { width: 390, height: 844 }]) {
  test(`the Review tab: patterns labelled at once, a note moved into a new category, another labeller's agreement (${viewport.width} px)`, { timeout: 300_000 }, async () => {
    const page = await newPage(session.browser, { viewport });
    await openGeneratedCorpus(page, session.server.url);
    await page.locator(inViewer('.tv-tab'), { hasText: 'Review' }).click();

    // Patterns by error template: the failed traces' templates, each with its count.
    await page.locator(inViewer('.tv-review-tab select')).filter({ hasText: 'error message template' }).selectOption('error_template');
    await page.locator(inViewer('.tv-review-tab button'), { hasText: 'Find patterns' }).click();
    const firstPattern = page.locator(inViewer('.tv-review-tab tbody tr')).filter({ has: page.locator('.tv-review-pattern') }).first();
    await firstPattern.waitFor();
    const [text, traces] = await firstPattern.evaluate((row) => [row.querySelector('code').textContent, Number(row.cells[1].textContent.replace(/,/g, ''))]);
    const counted = await page.evaluate(async (text) => (await document.getElementById('viewer').query(`error_template = ${JSON.stringify(text)}`, '', 0)).count, text);
    assert.equal(traces, counted, `the pattern "${text}" counts its traces`);
    // Label all as "Tool error": every trace of the pattern gets it, and label-change says so for each.
    await page.evaluate(() => { window.labelChanges = 0; document.getElementById('viewer').addEventListener('label-change', () => { window.labelChanges += 1; }); });
    await firstPattern.locator('select').selectOption('tool_error');
    await page.waitForFunction((traces) => document.getElementById('viewer').labels.length === traces, traces);
    assert.equal(await page.evaluate(() => window.labelChanges), traces);
    const labelled = await page.evaluate(async () => (await document.getElementById('viewer').query('label = "tool_error"', '', 0)).count);
    assert.equal(labelled, traces, 'the worker\'s label column follows');

    // Open coding, then axial: a note imported, a new category, the note moved into it by key.
    const [traceId] = await page.evaluate(async () => (await document.getElementById('viewer').query('status = ok', '', 1)).traceIds);
    await page.evaluate(async (traceId) => document.getElementById('viewer').importLabels(`${JSON.stringify({ trace_id: traceId, note: 'asked twice for the order number', labeller: 'b', time: '2026-01-01T00:00:00Z' })}\n`), traceId);
    await page.locator(inViewer('input[aria-label="New category"]')).fill('Asks again');
    await page.locator(inViewer('.tv-review-tab button'), { hasText: 'Add category' }).click();
    await page.locator(inViewer('.tv-review-tab td')).filter({ hasText: /^Asks again$/ }).waitFor();
    await page.locator(inViewer(`.tv-review-note[data-trace-id="${traceId}"]`)).focus();
    await page.keyboard.press('9');
    await page.waitForFunction((traceId) => document.getElementById('viewer').labels.find((label) => label.trace_id === traceId)?.categories.includes('asks_again'), traceId);

    // Another labeller agrees on the pattern's traces but one: kappa per category.
    const theirs = await page.evaluate(() => {
      const labels = document.getElementById('viewer').labels;
      const differs = labels.find((label) => label.categories.includes('tool_error')).trace_id;
      return labels.map((label) => JSON.stringify({ ...label, categories: label.trace_id === differs ? [] : label.categories })).join('\n');
    });
    await page.locator(inViewer('.tv-review-tab label'), { hasText: 'Agreement with another labeller' }).locator('input').setInputFiles({ name: 'theirs.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(theirs) });
    const agreement = page.locator(inViewer('table[aria-label="Agreement with the other labeller"]'));
    await agreement.waitFor();
    const toolError = await agreement.locator('tr', { hasText: 'Tool error' }).evaluate((row) => [...row.cells].map((cell) => cell.textContent));
    assert.equal(Number(toolError[1]), traces + 1, 'every trace both labelled');
    assert.notEqual(toolError[3], '1.00', 'one disagreement lowers kappa below 1');
    await page.screenshot({ path: join(screenshots, `review-tab-${viewport.width}.png`), fullPage: false });
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}
