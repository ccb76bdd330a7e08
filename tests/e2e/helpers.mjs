// Shared set-up for the end-to-end tests: Debian's Chromium driven by playwright-core, pages
// served on 127.0.0.1 by xtask/serve.mjs, and a screenshot folder under target/.
import { mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../xtask/node_modules/playwright-core/index.mjs';
import { startServer } from '../../xtask/serve.mjs';

export const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshots = join(repository, 'target', 'screenshots');
mkdirSync(screenshots, { recursive: true });

export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Serves the static page (`/` → www, `/pkg/` → pkg) plus test pages, fixtures and the generated
 * adversarial corpus (`/adversarial/` → target/adversarial) and generated trace corpora (`/corpus/` →
 * target/corpus, written by `cargo xtask gen corpus`); `/wasm/` → pkg/wasm, so www's modules run unbundled.
 */
export function serveRepository(extraHeaders = {}) {
  return startServer({
    roots: {
      '/pkg/': join(repository, 'pkg'),
      '/fixtures/': join(repository, 'tests', 'fixtures'),
      '/test-pages/': join(repository, 'tests', 'e2e', 'pages'),
      '/adversarial/': join(repository, 'target', 'adversarial'),
      '/corpus/': join(repository, 'target', 'corpus'),
      // The page's modules as written (unbundled, for tests that drive one directly) find the wasm here.
      '/wasm/': join(repository, 'pkg', 'wasm'),
      '/': join(repository, 'www'),
    },
    headers: extraHeaders,
  });
}

/** A new page that fails the test on any uncaught error in it. */
export async function newPage(browser, options = {}) {
  const page = await browser.newPage(options);
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().includes('404')) page.errors.push(message.text());
  });
  return page;
}

/**
 * Starts Chromium and the repository server before a test file's tests and stops both after.
 * Returns an object whose `browser` and `server` are set once started.
 */
export function useBrowserAndServer(extraHeaders = {}) {
  const session = { browser: null, server: null };
  before(async () => {
    session.browser = await launchBrowser();
    session.server = await serveRepository(extraHeaders);
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  return session;
}

/**
 * Starts recording the labels the progress bar of viewer `#viewerId` shows, each change once; the
 * page reads them back as `window.progressLabels[viewerId]`.
 */
export function recordProgressLabels(page, viewerId) {
  return page.evaluate((id) => {
    const viewer = document.getElementById(id);
    const seen = [];
    (window.progressLabels ??= {})[id] = seen;
    new MutationObserver(() => {
      const label = viewer.shadowRoot.querySelector('.tv-progress span')?.textContent;
      if (label && seen[seen.length - 1] !== label) seen.push(label);
    }).observe(viewer.shadowRoot, { subtree: true, childList: true, characterData: true });
  }, viewerId);
}

/**
 * Waits until `condition()` (checked in this process, e.g. over recorded worker URLs; it may return
 * a promise, as a question to the page does) holds; fails with `what` if it never does. A
 * condition, not a time: the limit only stops a test that would otherwise hang.
 */
export async function waitUntil(condition, what, limitMs = 120_000) {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Records every Content-Security-Policy violation (Trusted Types included) on `page`'s documents
 * from now on; returns the list it fills ("directive blocked-URI sample").
 */
export async function recordPolicyViolations(page) {
  const violations = [];
  await page.exposeFunction('reportViolation', (text) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => window.reportViolation(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
  });
  return violations;
}

/** The generated corpus of 1,500 traces tests/corpus.rs writes (served from target/corpus). */
export const CORPUS = '/corpus/reference-1500.otlp.jsonl';

/** The viewer's shadow root query, from a test. */
export const inViewer = (selector) => `trace-viewer >> ${selector}`;

/** Opens the page on the generated corpus (or `query`'s files) and waits until it is read. */
export async function openGeneratedCorpus(page, serverUrl, query = `?src=${CORPUS}`, hash = '') {
  await page.goto(`${serverUrl}${query}${hash}`);
  await page.waitForFunction(() => {
    const root = document.querySelector('trace-viewer')?.shadowRoot;
    return root?.querySelector('.tv-table-summary')?.textContent.includes('1,500 traces') && !root.querySelector('.tv-table-reading');
  }, null, { timeout: 120_000 });
}
