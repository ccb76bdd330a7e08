// The trace overview (the detail panel with no span selected) and reaching errors: the question
// and answer in full and readable (chat-shaped JSON reduced to its words), feedback with comments
// and its tone, totals, failed and slowest steps as links; the error count and `e` / `E` stepping
// through failed spans; the error box's best message; a filter turned off keeping the selected row
// in view. At 1440 px and at 390 px (where the overview is a sheet opened from the header).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newPage, screenshots, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

async function open(viewport, path = '', colorScheme = 'light') {
  const page = await newPage(session.browser, { viewport, colorScheme });
  await page.goto(`${session.server.url}${path}`);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  return page;
}

const selectedName = (page) => page.locator('trace-viewer .tv-row-selected .tv-span-name').innerText();
const overview = (page) => page.locator('trace-viewer .tv-overview');

test('with nothing selected the detail panel shows the trace overview, whose steps open their spans', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await open(DESKTOP, '', colorScheme);
    await overview(page).waitFor();
    // The example's question and answer, in full (the header cuts them to one line).
    assert.equal(
      await page.locator('trace-viewer .tv-overview-question').innerText(),
      'I was charged twice for order #A-1042. Can I get a refund for the duplicate?',
    );
    assert.match(await page.locator('trace-viewer .tv-overview-answer').innerText(), /contact support@example\.com\.$/);
    const feedback = page.locator('trace-viewer .tv-overview-feedback');
    assert.deepEqual(await page.locator('trace-viewer .tv-overview-feedback-kind').allInnerTexts(), ['thumbs down', 'follow-up']);
    assert.deepEqual(await page.locator('trace-viewer .tv-overview-feedback-comment').allInnerTexts(), [
      "“It didn't even try another way to find my order.”",
      '“Can a human look at this?”',
    ]);
    assert.equal(await feedback.first().getAttribute('class'), 'tv-overview-feedback tv-tone-bad');
    assert.equal(await feedback.nth(1).getAttribute('class'), 'tv-overview-feedback tv-tone-neutral');
    const totals = await page.locator('trace-viewer .tv-overview-totals').innerText();
    assert.match(totals, /Spans\s+9/);
    assert.match(totals, /Errors\s+2/);
    assert.match(totals, /Tool calls\s+1/);
    const failed = page.locator('trace-viewer .tv-overview-failed .tv-overview-step-name');
    assert.deepEqual(await failed.allInnerTexts(), ['lookup_order', 'GET /orders/A-1042']);
    assert.match(await page.locator('trace-viewer .tv-overview-failed .tv-overview-step-detail').first().innerText(), /timed out after 2500 ms/);
    assert.equal(await page.locator('trace-viewer .tv-overview-slowest li').count(), 5);
    await page.screenshot({ path: join(screenshots, `overview-${colorScheme}.png`) });
    // A failed step opens its span; "Trace overview" comes back.
    await failed.nth(1).click();
    assert.equal(await selectedName(page), 'GET /orders/A-1042');
    assert.equal(await overview(page).count(), 0);
    await page.getByRole('button', { name: '← Trace overview' }).click();
    await overview(page).waitFor();
    assert.equal(await page.locator('trace-viewer .tv-row-selected').count(), 0);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('the error count steps through failed spans, and e / E do from the tree', async () => {
  const page = await open(DESKTOP);
  const errors = page.locator('trace-viewer button.tv-stat-error');
  assert.equal(await errors.innerText(), '2 errors');
  await errors.click();
  assert.equal(await selectedName(page), 'lookup_order');
  await errors.click();
  assert.equal(await selectedName(page), 'GET /orders/A-1042');
  await errors.click();
  assert.equal(await selectedName(page), 'lookup_order', 'wraps to the first');
  await page.locator('trace-viewer .tv-rows').focus();
  await page.keyboard.press('e');
  assert.equal(await selectedName(page), 'GET /orders/A-1042');
  await page.keyboard.press('Shift+E');
  assert.equal(await selectedName(page), 'lookup_order');
  await page.keyboard.press('Shift+E');
  assert.equal(await selectedName(page), 'GET /orders/A-1042', 'previous wraps to the last');
  // The error box says what went wrong and offers the next one.
  assert.match(await page.locator('trace-viewer .tv-status-error').innerText(), /timeout/);
  await page.getByRole('button', { name: 'Next error →' }).click();
  assert.equal(await selectedName(page), 'lookup_order');
  // Stepping to a failed span that a folded ancestor hides unfolds it.
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await page.locator('trace-viewer .tv-rows').focus();
  await page.keyboard.press('e');
  assert.equal(await selectedName(page), 'GET /orders/A-1042');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an error box with a generic status shows the exception event that explains it', async () => {
  // Jaeger's HotROD: GetDriver fails with status "An error occurred"; its exception says "redis timeout".
  const page = await open(DESKTOP, '?src=/fixtures/otlp/jaeger-v3-api-hotrod-40spans.json');
  await page.locator('trace-viewer button.tv-stat-error').click();
  const box = page.locator('trace-viewer .tv-status-error');
  assert.match(await box.innerText(), /redis timeout/);
  assert.match(await box.innerText(), /An error occurred/);
  assert.match(await box.innerText(), /from the exception event and status/);
  await page.close();
});

test('chat-shaped questions and answers are shown as their words', async () => {
  const cases = [
    // Google ADK through Langfuse: the run's arguments hold `new_message.parts`; the answer is Gemini content.
    ['langfuse/langfuse-google-adk-5obs.json', 'hi', 'Hello Langfuse 👋!'],
    // pydantic-ai: an `{args, kwargs}` call wrapper, and the answer as a JSON string literal.
    ['langfuse/langfuse-pydantic-ai-tools-12obs.json', 'programming', 'Why do programmers hate nature?'],
    // BeeAI: the answer is a Python repr inside a JSON string.
    ['langfuse/langfuse-beeai-29obs.json', "I'm planning a trip to Barcelona", 'Barcelona is a vibrant city'],
  ];
  for (const [file, question, answer] of cases) {
    const page = await open(DESKTOP, `?src=/fixtures/${file}`);
    await overview(page).waitFor();
    const shownQuestion = await page.locator('trace-viewer .tv-overview-question').innerText();
    const shownAnswer = await page.locator('trace-viewer .tv-overview-answer').innerText();
    assert.ok(shownQuestion.startsWith(question), `${file}: question ${JSON.stringify(shownQuestion)}`);
    assert.ok(shownAnswer.startsWith(answer), `${file}: answer ${JSON.stringify(shownAnswer)}`);
    for (const shown of [shownQuestion, shownAnswer]) assert.doesNotMatch(shown, /^[[{"]/, `${file}: no JSON left`);
    // The header's one-line facts read the same way.
    assert.equal(await page.locator('trace-viewer .tv-fact-value').first().getAttribute('title'), shownQuestion);
    await page.close();
  }
});

test('turning a filter off keeps the selected row in view', async () => {
  // 1,041 spans: the failed spans are far apart once every span is shown again.
  const page = await open(DESKTOP, '?src=/fixtures/zipkin/zipkin-smartthings-mobile-web-install-1041spans.json');
  await page.getByLabel('Errors only').check();
  const errorRows = page.locator('trace-viewer .tv-row-error');
  await errorRows.last().waitFor();
  await errorRows.last().click();
  const name = await selectedName(page);
  await page.getByLabel('Errors only').uncheck();
  const selected = page.locator('trace-viewer .tv-row-selected');
  await selected.waitFor();
  assert.equal(await selectedName(page), name);
  const rowsBox = await page.locator('trace-viewer .tv-rows').boundingBox();
  await page.waitForFunction(() => {
    const root = document.querySelector('trace-viewer').shadowRoot;
    const row = root.querySelector('.tv-row-selected')?.getBoundingClientRect();
    const rows = root.querySelector('.tv-rows').getBoundingClientRect();
    return row && row.top >= rows.top && row.bottom <= rows.bottom;
  });
  const rowBox = await selected.boundingBox();
  assert.ok(rowBox.y >= rowsBox.y && rowBox.y + rowBox.height <= rowsBox.y + rowsBox.height);
  await page.close();
});

test('at 390 px the overview opens as a sheet from the header, and a failed step opens its span', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await open(PHONE, '', colorScheme);
    assert.equal(await overview(page).isVisible(), false, 'the tree has the screen');
    await page.getByRole('button', { name: 'Overview' }).click();
    await overview(page).waitFor({ state: 'visible' });
    assert.equal(
      await page.locator('trace-viewer .tv-overview-question').innerText(),
      'I was charged twice for order #A-1042. Can I get a refund for the duplicate?',
    );
    const overviewBox = await overview(page).boundingBox();
    assert.ok(overviewBox.width <= PHONE.width, 'fits the width');
    await page.screenshot({ path: join(screenshots, `phone-overview-${colorScheme}.png`) });
    await page.locator('trace-viewer .tv-overview-failed .tv-overview-step').first().click();
    await page.locator('trace-viewer .tv-span-detail').waitFor({ state: 'visible' });
    assert.match(await page.locator('trace-viewer .tv-detail-title').innerText(), /lookup_order/);
    await page.getByRole('button', { name: '← Back to the tree' }).click();
    assert.equal(await selectedName(page), 'lookup_order');
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});
