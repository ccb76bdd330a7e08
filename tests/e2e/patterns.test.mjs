// Patterns without a model in headless Chromium: the generated corpus's traces carry a structural
// signature and an error template, which the filter language reads and the traces table shows
// as columns (chosen from the Columns menu), at desktop and phone widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inViewer, newPage, openGeneratedCorpus, useBrowserAndServer, waitUntil } from './helpers.mjs';

const session = useBrowserAndServer();
const TEMPLATE = 'upstream timeout after <n> ms (request <id>)';

for (const width of [1440, 390]) {
  test(`signature and error template filter, group and show as table columns (${width} px)`, async () => {
    const page = await newPage(session.browser, { viewport: { width, height: 900 } });
    await openGeneratedCorpus(page, session.server.url);
    const counts = await page.evaluate(async (template) => {
      const viewer = document.getElementById('viewer');
      return {
        failed: (await viewer.query('status = error')).count,
        templated: (await viewer.query(`error_template = "${template}"`)).count,
        signatures: (await viewer.aggregate({ groupBy: ['signature'] })).groups.map((group) => [group.key.signature, group.count]),
      };
    }, TEMPLATE);
    assert.ok(counts.failed > 0);
    assert.equal(counts.templated, counts.failed, 'every failed tool says the same thing but for numbers and ids');
    assert.ok(counts.signatures.length > 1, JSON.stringify(counts.signatures));
    assert.equal(counts.signatures.reduce((sum, [, count]) => sum + count, 0), 1500);
    assert.ok(counts.signatures.every(([signature]) => signature.startsWith('agent:support-agent [')), JSON.stringify(counts.signatures));
    // The table shows both columns for the failed traces, chosen while their rows are on screen:
    // rows already drawn gain the cells (and lose them when a column is turned off).
    await page.locator(inViewer('.tv-filter-input')).fill('status = error');
    await page.locator(inViewer('.tv-filter-input')).press('Enter');
    await waitUntil(async () => (await page.locator(inViewer('.tv-table-row')).count()) > 0 && (await page.locator(inViewer('.tv-table-summary')).textContent()).includes(`${counts.failed.toLocaleString('en-US')} traces`), 'the failed traces drawn');
    const firstRow = await page.locator(inViewer('.tv-table-row')).first().getAttribute('data-trace-id');
    await page.locator(inViewer('.tv-column-chooser summary')).click();
    for (const label of ['Signature', 'Error template']) {
      await page.locator(inViewer('.tv-column-option'), { hasText: label }).locator('input').check();
    }
    await page.locator(inViewer('.tv-column-chooser summary')).click();
    await waitUntil(async () => (await page.locator(inViewer('[role="gridcell"][data-column="error_template"]')).first().textContent().catch(() => '')) === TEMPLATE, 'the template in the table');
    assert.equal(await page.locator(inViewer('.tv-table-row')).first().getAttribute('data-trace-id'), firstRow, 'the same rows, not a new query');
    const signature = await page.locator(inViewer('[role="gridcell"][data-column="signature"]')).first().textContent();
    assert.match(signature, /^agent:support-agent \[llm:chat plan › tool:execute_tool /);
    await page.locator(inViewer('.tv-column-chooser summary')).click();
    await page.locator(inViewer('.tv-column-option'), { hasText: 'Signature' }).locator('input').uncheck();
    await page.locator(inViewer('.tv-column-chooser summary')).click();
    await waitUntil(async () => (await page.locator(inViewer('[role="gridcell"][data-column="signature"]')).count()) === 0, 'the signature cells gone');
    assert.ok((await page.locator(inViewer('[role="gridcell"][data-column="error_template"]')).count()) > 0);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}
