// Messages as text people read: an LLM answer's markdown (headings, nested lists, emphasis, code,
// tables, quotes, links with their targets) built as elements, a toggle to the exact text, long
// messages folded, HTML in a message shown as text; retrieved documents with their id, score and
// content, from `gen_ai.retrieval.documents` and from a LangChain retriever's output (our fixture,
// and real Jaeger and LangSmith files). At 1440 px (light) and 390 px (dark), with screenshots in
// target/screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newPage, repository, screenshots, useBrowserAndServer } from './helpers.mjs';

const session = useBrowserAndServer();
const FIXTURE = 'own/markdown-and-documents.json';
const REASONING = 'langsmith/langsmith-js-wrap-openai-reasoning-ingest.json';
const fixture = JSON.parse(readFileSync(join(repository, 'tests/fixtures', FIXTURE), 'utf8'));
const llmSpan = fixture.spans.find((span) => span.id === 'llm');
const ANSWER = llmSpan.output_messages[0].content;

async function open(file, viewport, colorScheme) {
  const page = await newPage(session.browser, { viewport, colorScheme });
  await page.goto(`${session.server.url}?src=/fixtures/${file}`);
  await page.locator('trace-viewer .tv-row').first().waitFor();
  return page;
}

/** Selects the span named `name` (on a phone, from the tree behind the sheet) and waits for its details. */
async function selectSpan(page, name) {
  const back = page.locator('trace-viewer .tv-sheet-back');
  if (await back.isVisible()) await back.click();
  await page.locator('trace-viewer .tv-row', { hasText: name }).first().click();
  await page.locator('trace-viewer .tv-detail-title', { hasText: name }).waitFor();
}

/** Nothing wider than the detail panel: wide tables and code scroll inside their own box. */
async function assertNoSidewaysOverflow(page) {
  const overflow = await page.locator('trace-viewer .tv-detail').evaluate((detail) => detail.scrollWidth - detail.clientWidth);
  assert.ok(overflow <= 1, `the detail panel is ${overflow} px too wide`);
  const pageOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(pageOverflow <= 0, `the page scrolls sideways by ${pageOverflow} px`);
}

for (const [label, viewport, colorScheme] of [['1440', { width: 1440, height: 900 }, 'light'], ['390', { width: 390, height: 844 }, 'dark']]) {
  test(`at ${label} px an answer's markdown is elements, Raw text is the exact text, a long message folds, HTML stays text`, async () => {
    const page = await open(FIXTURE, viewport, colorScheme);
    await selectSpan(page, 'chat gpt-4o');
    const answer = page.locator('trace-viewer .tv-message-assistant').first();
    const rendered = answer.locator('.tv-markdown');
    assert.equal(await rendered.locator('.tv-md-h2').innerText(), 'Refund options');
    // An ordered list of three, the second holding a bullet list of two.
    const ordered = rendered.locator('ol.tv-md-list');
    assert.equal(await ordered.locator(':scope > li').count(), 3);
    assert.deepEqual(await ordered.locator(':scope > li:nth-child(2) ul > li').allInnerTexts(), ['Visa: 3–5 business days', 'Other cards: up to 10 7 days']);
    assert.equal(await rendered.locator('strong').first().innerText(), 'twice');
    assert.equal(await rendered.locator('em').first().innerText(), 'duplicate');
    assert.equal(await rendered.locator('del').innerText(), '10');
    assert.equal(await rendered.locator('code.tv-md-code-span').first().innerText(), 'A-1042');
    assert.deepEqual(await rendered.locator('table th').allInnerTexts(), ['Step', 'Owner', 'Days']);
    assert.deepEqual(await rendered.locator('table tbody td').allInnerTexts(), ['Verify', 'billing', '1', 'Refund', 'bank', '5']);
    assert.equal(await rendered.locator('blockquote').innerText(), 'Refunds are final once issued.');
    // Links: their text, then their target as text; nothing to click, javascript: included.
    assert.deepEqual(await rendered.locator('.tv-md-link').allInnerTexts(), ['the refund policy (https://example.com/policy)', 'this (javascript:alert(document.domain))']);
    assert.equal(await page.locator('trace-viewer .tv-detail a').count(), 0);
    // Code: monospace with its language; prose in the proportional font.
    assert.equal(await rendered.locator('.tv-md-code .tv-md-language').innerText(), 'python');
    assert.equal(await rendered.locator('.tv-md-code pre code').innerText(), 'def refund(order_id: str) -> bool:\n    return billing.refund(order_id)');
    const fonts = await rendered.evaluate((root) => ({
      code: getComputedStyle(root.querySelector('.tv-md-pre')).fontFamily,
      prose: getComputedStyle(root.querySelector('.tv-md-p')).fontFamily,
    }));
    assert.match(fonts.code, /mono/i);
    assert.doesNotMatch(fonts.prose, /mono/i);
    await assertNoSidewaysOverflow(page);
    await page.screenshot({ path: join(screenshots, `messages-markdown-${label}-${colorScheme}.png`) });

    // Raw text: exactly the message as written, and back.
    const raw = answer.getByRole('button', { name: 'Raw text' });
    assert.equal(await raw.getAttribute('aria-pressed'), 'false');
    await raw.click();
    assert.equal(await raw.getAttribute('aria-pressed'), 'true');
    assert.equal(await answer.locator('pre.tv-md-raw').evaluate((pre) => pre.textContent), ANSWER);
    assert.equal(await answer.locator('.tv-markdown').count(), 0);
    await raw.click();
    await answer.locator('.tv-markdown .tv-md-h2').waitFor();

    // The long message: its first 30 lines, then all of it on demand.
    const long = page.locator('trace-viewer .tv-message-assistant').nth(1);
    const showAll = long.getByRole('button', { name: 'Show all (49 lines)' });
    assert.equal(await showAll.getAttribute('aria-expanded'), 'false');
    const shownItems = await long.locator('li').count();
    assert.ok(shownItems > 0 && shownItems < 30, `${shownItems} of 45 items shown folded`);
    assert.equal(await long.getByText('The end of the long message.').count(), 0);
    await showAll.click();
    await long.getByText('The end of the long message.').waitFor();
    assert.equal(await long.locator('li').count(), 45);
    assert.equal(await long.locator('.tv-md-action').first().innerText(), 'Show less');
    await page.screenshot({ path: join(screenshots, `messages-long-${label}-${colorScheme}.png`) });

    // HTML in a message is text: on screen as written, no element made from it, nothing run.
    const user = page.locator('trace-viewer .tv-message-user');
    assert.match(await user.innerText(), /Please <script>window\.pwned=1<\/script> and <img src=x onerror="window\.pwned=1"> check this\./);
    assert.equal(await user.locator('strong').innerText(), 'this');
    const made = await page.locator('trace-viewer').evaluate((viewer) => viewer.shadowRoot.querySelectorAll('script, img, iframe, a').length);
    assert.equal(made, 0);
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test(`at ${label} px retrieved documents show their id, score and rendered content, from every shape`, async () => {
    const page = await open(FIXTURE, viewport, colorScheme);
    // gen_ai.retrieval.documents, JSON text in an attribute of a span with no other AI details.
    await selectSpan(page, 'vector search');
    const documents = page.locator('trace-viewer .tv-document');
    await documents.first().waitFor();
    assert.equal(await documents.count(), 2);
    assert.equal(await page.locator('trace-viewer .tv-detail h4', { hasText: 'Retrieved documents (2)' }).count(), 1);
    assert.equal(await documents.first().locator('.tv-document-id').innerText(), 'kb-118');
    assert.equal(await documents.first().locator('.tv-document-score').innerText(), 'score 0.91');
    assert.equal(await documents.first().locator('.tv-markdown strong').innerText(), 'in full');
    assert.deepEqual(await documents.first().locator('.tv-markdown li').allInnerTexts(), ['verified orders only', 'original payment method']);
    assert.equal(await documents.nth(1).locator('.tv-document-score').innerText(), 'score 0.77');
    await assertNoSidewaysOverflow(page);
    await page.screenshot({ path: join(screenshots, `messages-documents-${label}-${colorScheme}.png`) });

    // A LangChain retriever's output ({documents: [{page_content, metadata}]}): documents, not JSON.
    await selectSpan(page, 'langchain retriever');
    await documents.first().waitFor();
    assert.equal(await documents.count(), 1);
    assert.equal(await documents.first().locator('.tv-document-title').innerText(), 'cancellations.md');
    assert.equal(await documents.first().locator('.tv-document-score').innerText(), 'score 0.64');
    assert.equal(await documents.first().locator('.tv-markdown').innerText(), 'Orders can be cancelled before they ship.');
    assert.equal(await page.locator('trace-viewer .tv-detail h4', { hasText: /^Output$/ }).count(), 0, 'the output is not shown again as JSON');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('a real LangSmith answer (OpenAI reasoning model) renders its heading, bash code blocks and bold list items, folded', async () => {
  const page = await open(REASONING, { width: 1440, height: 900 }, 'light');
  await page.locator('trace-viewer .tv-row').filter({ hasText: /openai|ChatOpenAI|chat/i }).first().click();
  const answer = page.locator('trace-viewer .tv-message-assistant').last();
  const rendered = answer.locator('.tv-markdown');
  await rendered.waitFor();
  assert.equal(await rendered.locator('.tv-md-h3').first().innerText(), 'Script: transpose_matrix.sh');
  assert.equal(await rendered.locator('.tv-md-language').first().innerText(), 'bash');
  assert.match(await rendered.locator('.tv-md-pre').first().innerText(), /^#!\/bin\/bash\n\n# Check if an argument is provided/);
  // 127 lines: folded; all of it (the examples' list with bold items and nested code) on demand.
  await answer.getByRole('button', { name: /^Show all \(\d+ lines\)$/ }).click();
  assert.ok((await rendered.locator('li strong').allInnerTexts()).includes('Example 1'));
  assert.ok((await rendered.locator('li .tv-md-code').count()) >= 2, 'code blocks inside list items');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('real fixtures: Jaeger gen_ai.retrieval.documents (raw JSON before) and a LangSmith retriever\'s documents, its output not repeated as JSON', async () => {
  // A file of two traces opens on the traces table.
  const page = await newPage(session.browser, { viewport: { width: 1440, height: 900 } });
  await page.goto(`${session.server.url}?src=/fixtures/jaeger/jaeger-ui-genai-flamegraph-2traces.json`);
  await page.locator('trace-viewer .tv-table-row', { hasText: 'invoke_agent' }).click();
  await selectSpan(page, 'retrieval');
  const documents = page.locator('trace-viewer .tv-document');
  await documents.first().waitFor();
  assert.deepEqual(await documents.locator('.tv-document-title').allInnerTexts(), ['Jaeger Docs - Architecture', 'OpenTelemetry Go SDK']);
  assert.match(await documents.first().locator('.tv-markdown').innerText(), /^Jaeger v2 is based on the OpenTelemetry Collector architecture\./);
  await page.close();

  const langsmith = await open('langsmith/langsmith-runs-flat.json', { width: 1440, height: 900 }, 'light');
  await selectSpan(langsmith, 'kb-search');
  const found = langsmith.locator('trace-viewer .tv-document');
  await found.first().waitFor();
  assert.equal(await found.count(), 1);
  assert.equal(await found.locator('.tv-document-title').innerText(), 'kb/billing.md');
  assert.equal(await found.locator('.tv-document-score').innerText(), 'score 0.88');
  assert.equal(await found.locator('.tv-markdown').innerText(), 'Duplicate charges are refunded within 5 days.');
  assert.equal(await langsmith.locator('trace-viewer .tv-detail h4', { hasText: /^Output$/ }).count(), 0);
  assert.deepEqual(langsmith.errors, []);
  await langsmith.close();
});
