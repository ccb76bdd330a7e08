// Hostile text is text: script and link payloads in every text field of files of every format
// (the fixtures, with the payload added to every string that is not an id, a time or a kind,
// inside JSON-in-strings too, plus the bundled example's messages, tool calls and feedback),
// opened on a page that enforces Trusted Types under a strict policy, every span of every trace
// selected and every fold of its detail opened. Nothing may run, no element or event handler may
// come from trace text, no request may leave the page's origin, and no policy may be violated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { newPage, recordPolicyViolations, repository, useBrowserAndServer } from './helpers.mjs';

const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; require-trusted-types-for 'script'; trusted-types trace-viewer";
const session = useBrowserAndServer({ 'content-security-policy': POLICY });

/** Each payload bumps `window.pwned` if it ever runs; the links point at a host that must never be asked. */
const PAYLOAD = [
  '<img src=x onerror="window.pwned=(window.pwned||0)+1">',
  '<script>window.pwned=(window.pwned||0)+1</script>',
  '"><svg onload="window.pwned=(window.pwned||0)+1">',
  '[click](javascript:window.pwned=1)',
  '![tracker](https://evil.example/pixel.png)',
  '<iframe src="https://evil.example/"></iframe>',
  '<style>*{display:none}</style>',
  '<a href="javascript:window.pwned=1">link</a>',
  'https://evil.example/track?x=1',
].join(' ');

/** Keys whose strings the importers read as ids, times, kinds or codes: left as they are, so the files keep their shape. */
const STRUCTURAL = /(^|_|\.)(id|ids|.*Id|.*ID|parent|parentSpanId|traceId|spanId|references|refType|kind|type|status_code|code|start|end|.*[Tt]ime.*|.*_ns|.*Nano.*|timestamp|dotted_order|run_type|format|\$schema|duration.*|startTime|endTime|observationType|level|object|started_at|ended_at)$/;

/** `value` with the payload added to every string that is not structural, JSON-in-strings included. */
function poisoned(value, key = '') {
  if (typeof value === 'string') {
    if (STRUCTURAL.test(key)) return value;
    const trimmed = value.trim();
    if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.length > 1) {
      try {
        return JSON.stringify(poisoned(JSON.parse(trimmed), key));
      } catch {
        // Not JSON after all: plain text.
      }
    }
    return `${value} ${PAYLOAD}`;
  }
  if (Array.isArray(value)) return value.map((item) => poisoned(item, key));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, poisoned(item, name)]));
  }
  return value;
}

/** Two files of each format's fixtures (JSON and JSON Lines), each poisoned. */
function hostileFiles() {
  const files = [];
  const root = join(repository, 'tests/fixtures');
  for (const folder of readdirSync(root)) {
    if (['generators', 'fragments', 'fuzz-regressions', 'feedback-only', 'langsmith-split', 'review'].includes(folder) || !statSync(join(root, folder)).isDirectory()) continue;
    const names = readdirSync(join(root, folder)).filter((name) => /\.jsonl?$/.test(name) && statSync(join(root, folder, name)).size < 150_000);
    for (const name of names.slice(0, 2)) {
      const text = readFileSync(join(root, folder, name), 'utf8');
      const lines = name.endsWith('.jsonl') ? text.split('\n').filter((line) => line.trim()) : [text];
      // A fixture that is broken on purpose (a cut-off file) stays as it is.
      const poisonedLine = (line) => {
        try {
          return JSON.stringify(poisoned(JSON.parse(line)));
        } catch {
          return line;
        }
      };
      files.push({ name: `${folder}/${name}`, text: lines.map(poisonedLine).join('\n') });
    }
  }
  const example = JSON.parse(readFileSync(join(repository, 'www/examples/refund-agent.json'), 'utf8'));
  files.push({ name: 'examples/refund-agent.json', text: JSON.stringify(poisoned(example)) });
  return files;
}

test('hostile text in every field of every format is shown as text: nothing runs, loads or breaks a policy', async () => {
  const files = hostileFiles();
  assert.ok(files.length >= 15, `${files.length} files`);
  const page = await newPage(session.browser, { viewport: { width: 1300, height: 900 } });
  const violations = await recordPolicyViolations(page);
  const origin = new URL(session.server.url).origin;
  const foreign = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:') && !request.url().startsWith('blob:')) foreign.push(request.url());
  });
  await page.goto(session.server.url);
  const viewer = page.locator('trace-viewer');
  await page.locator('trace-viewer .tv-row').first().waitFor();
  const opened = [];
  for (const file of files) {
    const summary = await viewer.evaluate((element, { text, name }) => element.load(text, name).then(
      (loaded) => ({ traces: loaded.traceCount ?? loaded.traces.length, corpus: loaded.format === 'corpus' }),
      (error) => ({ error: error.message }),
    ), file);
    if (summary.error) {
      opened.push(`${file.name}: refused (${summary.error.slice(0, 60)})`);
      continue;
    }
    for (let trace = 0; trace < Math.min(summary.traces, 2); trace += 1) {
      if (summary.traces > 1 && summary.corpus) {
        // A JSON Lines file of several traces opens on the traces table.
        if (trace > 0) await page.locator('trace-viewer .tv-back').click();
        await page.locator('trace-viewer .tv-table-row').nth(trace).click();
      } else if (summary.traces > 1) {
        if (trace > 0) await page.locator('trace-viewer .tv-back-to-list').click();
        await page.locator('trace-viewer .tv-list-open').nth(trace).click();
      }
      const rows = page.locator('trace-viewer .tv-row');
      await rows.first().waitFor();
      const count = Math.min(await rows.count(), 12);
      for (let index = 0; index < count; index += 1) {
        await rows.nth(index).click();
        await page.locator('trace-viewer .tv-detail').waitFor();
        // Every fold of the detail, nested ones as they appear (at most 30 a span).
        const closed = page.locator('trace-viewer .tv-detail details:not([open]) > summary');
        for (let opening = 0; opening < 30 && (await closed.count()) > 0; opening += 1) await closed.first().click();
      }
      opened.push(`${file.name}: trace ${trace + 1} of ${summary.traces}, ${count} spans opened`);
    }
  }
  await page.locator('trace-viewer .tv-search').fill('onerror');
  await page.locator('trace-viewer .tv-match-count').waitFor();

  const found = await viewer.evaluate((element) => {
    const root = element.shadowRoot;
    const all = [...root.querySelectorAll('*')];
    return {
      pwned: window.pwned ?? 0,
      dangerous: all.filter((node) => ['SCRIPT', 'IMG', 'IFRAME', 'STYLE', 'OBJECT', 'EMBED', 'A'].includes(node.tagName) && /pwned|evil\.example/.test(node.outerHTML)).map((node) => node.tagName),
      handlers: all.flatMap((node) => [...node.attributes].filter((attribute) => /^on/i.test(attribute.name)).map((attribute) => `${node.tagName} ${attribute.name}`)),
      links: all.flatMap((node) => ['href', 'src', 'srcset', 'action', 'formaction'].map((name) => node.getAttribute(name)).filter((value) => value && /javascript:|evil\.example/i.test(value))),
      shownAsText: root.textContent.includes('<img src=x onerror='),
    };
  });
  console.log(opened.join('\n'));
  assert.equal(found.pwned, 0, 'no payload ran');
  assert.deepEqual(found.dangerous, [], 'no element came from trace text');
  assert.deepEqual(found.handlers, [], 'no event handler attribute on any element');
  assert.deepEqual(found.links, [], 'no link or source from trace text');
  assert.ok(found.shownAsText, 'the payloads are on screen, as text');
  assert.deepEqual(foreign, [], 'no request left the page\'s origin');
  assert.deepEqual(violations, [], 'no policy violation (Trusted Types included)');
  assert.deepEqual(page.errors, []);
  assert.ok(opened.filter((line) => line.includes('spans opened')).length >= 15, opened.join('\n'));
  assert.deepEqual(opened.filter((line) => line.includes('refused')), [], 'every poisoned file still opens');
  await page.close();
});
