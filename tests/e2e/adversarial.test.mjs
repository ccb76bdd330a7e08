// The adversarial corpus in the page: every generated case (target/adversarial, written by the
// native test crates/core/tests/adversarial.rs, run here when missing) is loaded into the element
// as a dropped file would be. Each must load with its span count and show its warning, or be
// refused with its words in the error banner, with no uncaught error; and after each, a normal
// file loads in the same viewer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newPage, repository, useBrowserAndServer } from './helpers.mjs';

const corpus = join(repository, 'target', 'adversarial');
if (!existsSync(join(corpus, 'manifest.json'))) {
  execFileSync('cargo', ['test', '--quiet', '-p', 'trace-viewer-core', '--test', 'adversarial', 'writes_the_corpus'], {
    cwd: repository,
    stdio: 'inherit',
  });
}
const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8'));

const session = useBrowserAndServer();

const NORMAL = '{"format":"trace-viewer/v1","id":"next","spans":[{"id":"a","name":"the next load","start":0,"duration_ms":1},{"id":"b","parent":"a","name":"child","start":0,"duration_ms":1}]}';

test(`each of the ${manifest.length} adversarial cases loads or is refused as expected in the page, and the next load works`, async () => {
  assert.ok(manifest.length >= 50, `at least 50 cases, there are ${manifest.length}`);
  const page = await newPage(session.browser, { viewport: { width: 1200, height: 800 } });
  await page.goto(`${session.server.url}test-pages/two-viewers.html`);
  await page.locator('#left .tv-row').first().waitFor();
  const failures = [];
  for (const entry of manifest) {
    const outcome = await page.evaluate(async ({ file, normal }) => {
      const viewer = document.getElementById('right');
      const bytes = await (await fetch(`/adversarial/${file}`)).arrayBuffer();
      const result = await viewer.load(new File([bytes], file)).then(
        (summary) => ({ spans: summary.spanCount, warnings: summary.warnings }),
        (error) => ({ refused: `${error.name}: ${error.message}` }),
      );
      const root = viewer.shadowRoot;
      result.banner = root.querySelector('.tv-error-panel')?.textContent ?? '';
      // Every warning, the trace's too, as a person sees them: the header's warning button opens the list.
      const warningButton = root.querySelector('.tv-stat-warning');
      if (warningButton && !root.querySelector('.tv-warning-list')) warningButton.click();
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      result.warningList = root.querySelector('.tv-warning-list')?.textContent ?? '';
      const next = await viewer.load(normal).then((summary) => summary.spanCount, (error) => `refused: ${error.message}`);
      result.next = next;
      result.nextRows = root.querySelectorAll('.tv-row').length;
      return result;
    }, { file: entry.file, normal: NORMAL });
    const problems = [];
    if (entry.loaded) {
      if (outcome.refused) problems.push(`refused: ${outcome.refused}`);
      else if (outcome.spans !== entry.loaded.spans) problems.push(`${outcome.spans} spans, expected ${entry.loaded.spans}`);
      const words = entry.loaded.warning;
      if (words && !outcome.warnings?.some((warning) => warning.includes(words)) && !outcome.warningList.includes(words)) {
        problems.push(`no warning shown says "${words}" (list: ${outcome.warningList.slice(0, 200)})`);
      }
    } else {
      if (!outcome.refused) problems.push(`loaded ${outcome.spans} spans, expected a refusal saying "${entry.refused}"`);
      else if (!outcome.refused.startsWith('TraceLoadError: ') || !outcome.refused.includes(entry.refused)) {
        problems.push(`refused with "${outcome.refused.slice(0, 300)}", expected "${entry.refused}"`);
      } else if (!outcome.banner.includes(entry.refused)) {
        problems.push(`the banner does not say "${entry.refused}": "${outcome.banner.slice(0, 300)}"`);
      }
    }
    if (outcome.next !== 2 || outcome.nextRows < 2) problems.push(`the next load gave ${outcome.next} spans, ${outcome.nextRows} rows`);
    if (page.errors.length) problems.push(`page errors: ${page.errors.splice(0).join('; ')}`);
    if (problems.length) failures.push(`${entry.file}: ${problems.join('; ')}`);
  }
  assert.deepEqual(failures, [], `${failures.length} of ${manifest.length} cases went wrong`);
  await page.close();
});
