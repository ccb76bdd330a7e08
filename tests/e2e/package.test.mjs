// The npm package as a consumer gets it: `npm pack` pkg/, install the tarball into a throwaway
// project, import it from a plain HTML page by its package name, and use the element.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { launchBrowser, newPage, repository, waitUntil } from './helpers.mjs';
import { startServer } from '../../xtask/serve.mjs';

let browser;
let server;
let project;

before(async () => {
  project = mkdtempSync(join(tmpdir(), 'trace-viewer-consumer-'));
  const packOutput = execFileSync('npm', ['pack', join(repository, 'pkg'), '--json', '--pack-destination', project], { encoding: 'utf8' });
  const [packed] = JSON.parse(packOutput);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', join(project, packed.filename)], { cwd: project, stdio: 'pipe' });
  cpSync(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'), join(project, 'trace.json'));
  writeFileSync(join(project, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8">
<script type="importmap">{ "imports": { "ai-trace-viewer": "./node_modules/ai-trace-viewer/trace-viewer.js" } }</script>
<script type="module">
  import { TraceViewerElement } from 'ai-trace-viewer';
  window.selections = [];
  document.addEventListener('span-select', (event) => window.selections.push(event.detail));
  window.elementIsRegistered = customElements.get('trace-viewer') === TraceViewerElement;
</script>
</head><body>
<trace-viewer src="trace.json" style="display:block;height:400px"></trace-viewer>
</body></html>`);
  browser = await launchBrowser();
  server = await startServer({ roots: { '/': project } });
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

/**
 * Opens an app a bundler built from the installed package: its trace's 6 rows show, and the
 * import worker the bundler bundled started twice (the warm-up and the load, in either order:
 * both are waited for, then counted).
 */
async function openBuiltApp(url, bundler) {
  const page = await newPage(browser);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(url);
  const rows = page.locator('trace-viewer .tv-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 6);
  await waitUntil(() => workers.length >= 2, `two workers (the warm-up and the load) start: ${workers}`);
  assert.equal(workers.length, 2, `${bundler} bundled the import worker and the page used it (a warm-up and the load): ${workers}`);
  return { page, rows };
}

test('the packed package has the manifest a bundler and TypeScript expect', () => {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/ai-trace-viewer/package.json'), 'utf8'));
  const cargoVersion = readFileSync(join(repository, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"/m)[1];
  assert.equal(manifest.name, 'ai-trace-viewer');
  assert.equal(manifest.version, cargoVersion);
  assert.equal(manifest.type, 'module');
  assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'default'], 'types come first');
  for (const file of manifest.files) {
    assert.doesNotThrow(() => readFileSync(join(project, 'node_modules/ai-trace-viewer', file)), `${file} is in the tarball`);
  }
  for (const file of ['LICENSE-MIT', 'LICENSE-APACHE', 'CHANGELOG.md', 'README.md']) assert.ok(manifest.files.includes(file), `${file} is packed`);
  assert.match(readFileSync(join(project, 'node_modules/ai-trace-viewer/LICENSE-APACHE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.match(readFileSync(join(project, 'node_modules/ai-trace-viewer/LICENSE-MIT'), 'utf8'), /^MIT License/);
  assert.equal(manifest.license, 'MIT OR Apache-2.0');
  // The npm page: a picture (an absolute URL, as npm shows no relative images) and a link to the source.
  const npmReadme = readFileSync(join(project, 'node_modules/ai-trace-viewer/README.md'), 'utf8');
  assert.match(npmReadme, /!\[[^\]]+\]\(https:\/\/raw\.githubusercontent\.com\/[^)]+\.png\)/, 'a picture');
  assert.match(npmReadme, /\]\(https:\/\/github\.com\/trace-viewer\/trace-viewer#readme\)/, 'a link to the repository');
  for (const field of ['repository', 'homepage', 'bugs', 'keywords']) assert.ok(manifest[field], `the manifest has ${field}`);
  const types = readFileSync(join(project, 'node_modules/ai-trace-viewer/trace-viewer.d.ts'), 'utf8');
  assert.match(types, /'trace-viewer': TraceViewerElement/);
  assert.match(types, /'span-select': CustomEvent<SpanSelectDetail>/);
});

test('the Custom Elements Manifest describes the element as its sources do', () => {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules/ai-trace-viewer/package.json'), 'utf8'));
  assert.equal(manifest.customElements, 'custom-elements.json');
  const elements = JSON.parse(readFileSync(join(project, 'node_modules/ai-trace-viewer/custom-elements.json'), 'utf8'));
  const [declaration] = elements.modules[0].declarations;
  assert.equal(declaration.tagName, 'trace-viewer');
  const names = (list) => list.map((entry) => entry.name).sort();
  const element = readFileSync(join(repository, 'www/trace-viewer.js'), 'utf8');
  const observed = element.match(/observedAttributes = \[([^\]]*)\]/)[1].split(',').map((name) => name.trim().replace(/'/g, ''));
  assert.deepEqual(names(declaration.attributes), [...observed, 'theme'].sort(), 'every attribute');
  const types = readFileSync(join(repository, 'www/trace-viewer.d.ts'), 'utf8');
  const eventMap = types.match(/interface TraceViewerEventMap extends HTMLElementEventMap \{([^}]*)\}/)[1];
  assert.deepEqual(names(declaration.events), [...eventMap.matchAll(/'?([a-z-]+)'?: CustomEvent/g)].map((found) => found[1]).sort(), 'every event');
  const elementClass = types.match(/export class TraceViewerElement extends HTMLElement \{([\s\S]*?)\n\}/)[1];
  const declared = new Set([...elementClass.matchAll(/^ {2}(?:readonly )?([a-zA-Z]+)\??[(:<]/gm)].map((found) => found[1]));
  declared.delete('addEventListener');
  declared.delete('removeEventListener');
  assert.deepEqual(names(declaration.members), [...declared].sort(), 'every property and method');
  const ui = readdirSync(join(repository, 'crates/ui/src')).filter((file) => file.endsWith('.rs')).map((file) => readFileSync(join(repository, 'crates/ui/src', file), 'utf8')).join('');
  const scripts = readdirSync(join(repository, 'www')).filter((file) => file.endsWith('.js')).map((file) => readFileSync(join(repository, 'www', file), 'utf8')).join('');
  const parts = [...ui.matchAll(/part="([a-z-]+)"|set_attribute\("part", "([a-z-]+)"\)/g), ...scripts.matchAll(/setAttribute\('part', '([a-z-]+)'\)/g)]
    .map((found) => found[1] ?? found[2]);
  assert.deepEqual(names(declaration.cssParts), [...new Set(parts)].sort(), 'every ::part');
  const css = readFileSync(join(repository, 'crates/ui/src/style.css'), 'utf8');
  assert.deepEqual(names(declaration.cssProperties), [...new Set([...css.matchAll(/(--tv-[a-z0-9-]+)\s*:/g)].map((found) => found[1]))].sort(), 'every custom property');
  for (const entry of [...declaration.attributes, ...declaration.members, ...declaration.events, ...declaration.cssParts]) assert.ok(entry.description, `${entry.name} is described`);
});

test('npm publish --dry-run is clean and TypeScript accepts the typed API', () => {
  const publish = spawnSync('npm', ['publish', '--dry-run', '--json'], { cwd: join(repository, 'pkg'), encoding: 'utf8' });
  assert.equal(publish.status, 0, publish.stderr);
  const parsed = JSON.parse(publish.stdout.slice(publish.stdout.indexOf('{')));
  const report = parsed['ai-trace-viewer'] ?? parsed;
  assert.equal(report.name, 'ai-trace-viewer');
  // Warnings about the package itself (not about this machine's npm configuration) fail the test.
  const packageWarnings = publish.stderr.split('\n').filter((line) => /npm warn/i.test(line) && !/Unknown user config|nodedir|requires you to be logged in/.test(line));
  assert.deepEqual(packageWarnings, []);
  assert.ok(report.files.some((file) => file.path === 'wasm/trace_viewer_bg.wasm'));
  assert.ok(report.files.some((file) => file.path === 'wasm/trace_viewer_worker_bg.wasm'));
  writeFileSync(join(project, 'consumer.ts'), `
import { TraceViewerElement, type TraceLoadSummary, type CorpusLoadSummary, type QueryResult, type AggregateResult, type AggregateSelectDetail, type BubbleUpValue, type Comparison, setWasmUrl, setWorkerUrl } from 'ai-trace-viewer';
const viewer: TraceViewerElement = document.createElement('trace-viewer');
viewer.addEventListener('span-select', (event) => { const id: string = event.detail.spanId; console.log(id); });
viewer.addEventListener('load', (event) => { const count: number = event.detail.spanCount; console.log(count); });
viewer.addEventListener('filter-change', (event) => { const count: number = event.detail.count; console.log(count); });
viewer.addEventListener('trace-open', (event) => { const id: string = event.detail.traceId; console.log(id); });
viewer.addEventListener('aggregate-select', (event) => { const detail: AggregateSelectDetail = event.detail; if (detail.value === null) event.preventDefault(); console.log(detail.filter); });
async function open(file: File): Promise<TraceLoadSummary | CorpusLoadSummary> { return viewer.load(file); }
async function failures(): Promise<QueryResult> { return viewer.query('status = error', { sort: 'duration_ms desc', limit: 10 }); }
async function failRates(): Promise<number | null> {
  const result: AggregateResult = await viewer.aggregate({ groupBy: ['intent'], measures: ['count', 'fail_rate'], filter: '', failDefinition: 'status = error' });
  const intent: string | null = result.groups[0].key.intent;
  console.log(intent);
  return result.groups[0].count;
}
async function causes(): Promise<BubbleUpValue[]> { return viewer.bubbleUp({ selection: 'feedback = thumbs_down', limit: 10 }); }
async function variants(): Promise<number | null> { const result: Comparison = await viewer.compare({ a: 'variant = "control"', b: 'variant = "treatment"' }); return result.measures[0].low; }
viewer.filter = 'intent = "refund"'; viewer.sort = 'cost desc';
viewer.panels = 'fail_rate by intent, p95_duration_ms by model'; viewer.failDefinition = 'status = error';
viewer.appendData('{"resourceSpans":[]}');
viewer.expandAll(); viewer.collapseAll(); viewer.clear();
const selected: string | null = viewer.selectedSpan;
setWasmUrl('/assets/trace_viewer_bg.wasm');
setWorkerUrl(null);
export { open, failures, failRates, causes, variants, selected };
`);
  writeFileSync(join(project, 'consumer.tsx'), `
import 'ai-trace-viewer';
export const element = <trace-viewer src="/trace.json" theme="dark" selected-span="abc" />;
export const table = <trace-viewer view="table" filter="status = error" sort="duration_ms desc" />;
export const dashboard = <trace-viewer view="dashboard" panels="fail_rate by intent" fail-definition="status = error" />;
`);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', lib: ['ES2022', 'DOM'], jsx: 'preserve', skipLibCheck: false },
    files: ['consumer.ts', 'consumer.tsx'],
  }));
  const tsc = join(repository, 'xtask/node_modules/typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(project, 'tsconfig.json')], { cwd: project, stdio: 'pipe' });
});

test("the README's React example type-checks as written under React 19's react-jsx, with React's own attributes", () => {
  // React's types from the tooling (xtask/package.json pins them), as a React project has them.
  const app = join(project, 'react-app');
  mkdirSync(app);
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  symlinkSync(join(repository, 'xtask/node_modules/@types/react'), join(project, 'node_modules/@types/react'), 'dir');
  symlinkSync(join(repository, 'xtask/node_modules/csstype'), join(project, 'node_modules/csstype'), 'dir');
  const readme = readFileSync(join(repository, 'README.md'), 'utf8');
  writeFileSync(join(app, 'panel.tsx'), readme.match(/```tsx\n([\s\S]*?)```/)[1]);
  // The attributes React gives every element, beside the element's own.
  writeFileSync(join(app, 'attributes.tsx'), `
import 'ai-trace-viewer/react';
export const list = ['a', 'b'].map((id) => (
  <trace-viewer key={id} hidden={id === 'b'} title="Trace" className="trace-panel" tabIndex={0}
    onClick={(event) => event.currentTarget.focus()} view="trace" theme="dark" selected-trace={id} />
));
`);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', lib: ['ES2022', 'DOM'], jsx: 'react-jsx', types: [], skipLibCheck: false },
    files: ['panel.tsx', 'attributes.tsx'],
  }));
  const tsc = join(repository, 'xtask/node_modules/typescript/bin/tsc');
  const checked = spawnSync(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app, encoding: 'utf8' });
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
});

test('publint --strict and arethetypeswrong find nothing wrong with the tarball', () => {
  const tools = join(repository, 'xtask/node_modules/.bin');
  const tarball = readdirSync(project).find((file) => file.endsWith('.tgz'));
  const lint = spawnSync(join(tools, 'publint'), ['run', join(project, 'node_modules/ai-trace-viewer'), '--strict'], { encoding: 'utf8' });
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  // An ES module package (no CommonJS build, said in its README): the esm-only profile. The two
  // .wasm entries are binary assets a bundler places (a URL, not a module), so not typed.
  const types = spawnSync(join(tools, 'attw'), [join(project, tarball), '--profile', 'esm-only',
    '--exclude-entrypoints', './wasm/trace_viewer_bg.wasm', './wasm/trace_viewer_worker_bg.wasm', '--format', 'table-flipped'], { encoding: 'utf8' });
  assert.equal(types.status, 0, types.stdout + types.stderr);
});

test('importing the installed package on a server (Node, no DOM) does not throw, and defines nothing there', () => {
  // What server rendering does with a client component (Next.js, Vite SSR): the module is
  // evaluated where there is no HTMLElement and no customElements.
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', `
    const module = await import('ai-trace-viewer');
    console.log(JSON.stringify({ element: typeof module.TraceViewerElement, customElements: typeof customElements, warmedUp: typeof module.warmedUp?.then }));
  `], { cwd: project, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(output.trim().split('\n').at(-1)), { element: 'function', customElements: 'undefined', warmedUp: 'function' });
});

test('a plain HTML page imports the installed package, shows rows and hears span-select', async () => {
  const page = await newPage(browser);
  const workers = [];
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(server.url);
  const rows = page.locator('trace-viewer .tv-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 6);
  assert.ok(workers.some((url) => url.endsWith('/trace-viewer-worker.js')), `the file was imported in the package's worker: ${workers}`);
  assert.equal(await page.evaluate(() => window.elementIsRegistered), true);
  await rows.filter({ hasText: 'rerank' }).click();
  await page.waitForFunction(() => window.selections.length === 1);
  const [selection] = await page.evaluate(() => window.selections);
  assert.equal(selection.name, 'rerank');
  assert.match(selection.spanId, /^[0-9a-f]{16}$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a Vite project builds with the installed package, and the built page shows rows', async () => {
  const app = join(project, 'vite-app');
  mkdirSync(join(app, 'src'), { recursive: true });
  cpSync(join(project, 'node_modules'), join(app, 'node_modules'), { recursive: true });
  cpSync(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'), join(app, 'trace.json'));
  writeFileSync(join(app, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8"><script type="module" src="/src/main.js"></script></head>
<body><trace-viewer id="viewer" style="display:block;height:400px"></trace-viewer></body></html>`);
  mkdirSync(join(app, 'public'));
  cpSync(join(repository, 'target/corpus/reference-1500.otlp.jsonl'), join(app, 'public/corpus.jsonl'));
  writeFileSync(join(app, 'src/main.js'), `import 'ai-trace-viewer';
import trace from '../trace.json?raw';
window.selections = [];
const viewer = document.getElementById('viewer');
if (location.search === '?dashboard') {
  // A host that embeds only "fail rate by intent" over a corpus.
  viewer.setAttribute('view', 'dashboard');
  viewer.setAttribute('panels', 'fail_rate by intent');
  fetch('/corpus.jsonl').then((response) => response.blob())
    .then((blob) => viewer.load(new File([blob], 'corpus.jsonl')))
    .then(() => viewer.aggregate({ groupBy: ['intent'], measures: ['fail_rate'] }))
    .then((result) => { window.aggregated = result; });
} else {
  viewer.addEventListener('span-select', (event) => window.selections.push(event.detail));
  viewer.load(trace);
}
`);
  const vite = join(repository, 'xtask/node_modules/vite/bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: app, stdio: 'pipe' });
  const built = await startServer({ roots: { '/': join(app, 'dist') } });
  try {
    const { page, rows } = await openBuiltApp(built.url, 'Vite');
    await rows.filter({ hasText: 'vector search' }).click();
    await page.waitForFunction(() => window.selections.length === 1);
    assert.deepEqual(page.errors, []);
    await page.close();
    // The dashboard alone: only the panel asked for, and aggregate() resolves.
    const dashboard = await newPage(browser);
    await dashboard.goto(`${built.url}?dashboard`);
    await dashboard.waitForFunction(() => window.aggregated && document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-panel-bar').length > 0, null, { timeout: 120_000 });
    const panels = await dashboard.evaluate(() => [...document.querySelector('trace-viewer').shadowRoot.querySelectorAll('.tv-panel-title')].map((title) => title.textContent));
    assert.deepEqual(panels, ['Fail rate by intent']);
    assert.equal(await dashboard.evaluate(() => window.aggregated.groups.length), 6);
    assert.equal(await dashboard.locator('trace-viewer .tv-table-scroll').count(), 0, 'no table on the dashboard');
    assert.deepEqual(dashboard.errors, []);
    await dashboard.close();
  } finally {
    await built.close();
  }
});

test("the README's Next.js example builds with Next.js (App Router, Turbopack), is rendered on the server, and the exported page shows rows", async () => {
  // The README's two files as written: a client component ('use client') that imports the package
  // and a server component that renders it. `next build` renders both in Node, where there is no
  // HTMLElement and no customElements, so importing the package there must not throw; the static
  // export (`output: 'export'`: plain files, no Next.js server to start) is then opened in Chromium.
  const readme = readFileSync(join(repository, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('Next.js (App Router):'));
  const files = [...section.matchAll(/```jsx\n\/\/ (app\/[a-z-]+\.jsx).*\n([\s\S]*?)```/g)].slice(0, 2);
  assert.deepEqual(files.map(([, name]) => name), ['app/trace-panel.jsx', 'app/page.jsx']);
  const packedReadme = readFileSync(join(project, 'node_modules/ai-trace-viewer/README.md'), 'utf8');
  assert.ok(packedReadme.includes(section.slice(0, section.indexOf('```\n\n|') + 4)), "the package's README has the same Next.js section");
  const app = join(project, 'next-app');
  mkdirSync(join(app, 'app'), { recursive: true });
  for (const [, name, source] of files) writeFileSync(join(app, name), source);
  writeFileSync(join(app, 'app/layout.jsx'), `import './globals.css';
export default function RootLayout({ children }) {
  return <html lang="en"><body>{children}</body></html>;
}
`);
  writeFileSync(join(app, 'app/globals.css'), '.trace-panel { display: block; height: 400px; }\n');
  mkdirSync(join(app, 'public/traces'), { recursive: true });
  cpSync(join(repository, 'tests/fixtures/otlp/otel-js-rag-chatbot.json'), join(app, 'public/traces/checkout.json'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'next-consumer', private: true }));
  // next, react and react-dom from the tooling (xtask/package.json pins them), linked; the package
  // is the installed tarball in the folder above. Turbopack compiles only files under its root,
  // and resolves the links to their real place: the root is the folder both places are in.
  mkdirSync(join(app, 'node_modules'));
  for (const name of ['next', 'react', 'react-dom']) symlinkSync(join(repository, 'xtask/node_modules', name), join(app, 'node_modules', name), 'dir');
  const [here, tools] = [realpathSync(app), realpathSync(repository)].map((path) => path.split(sep));
  const shared = here.findIndex((part, index) => part !== tools[index]);
  const root = here.slice(0, shared).join(sep) || sep;
  writeFileSync(join(app, 'next.config.mjs'), `export default ${JSON.stringify({ output: 'export', turbopack: { root }, outputFileTracingRoot: root })};\n`);
  const next = join(repository, 'xtask/node_modules/next/dist/bin/next');
  const build = spawnSync(process.execPath, [next, 'build'], { cwd: app, encoding: 'utf8', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  assert.equal(build.status, 0, build.stdout + build.stderr);
  assert.match(build.stdout, /Turbopack/, "Next.js 16's default bundler built it");
  // Rendered on the server: the page's HTML has the element, empty, before any script ran.
  assert.match(readFileSync(join(app, 'out/index.html'), 'utf8'), /<trace-viewer src="\/traces\/checkout\.json" class="trace-panel"><\/trace-viewer>/);
  const built = await startServer({ roots: { '/': join(app, 'out') } });
  try {
    // Turbopack gives the package's import.meta.url as a file: URL: the element must still find
    // the worker Turbopack bundled (else it imports on the page, and a corpus cannot load at all).
    const { page, rows } = await openBuiltApp(built.url, 'Turbopack');
    // The element the server rendered is the one upgraded and kept by React's hydration: a click
    // on a row selects the span, which the element reflects.
    await rows.filter({ hasText: 'rerank' }).click();
    await page.waitForFunction(() => /^[0-9a-f]{16}$/.test(document.querySelector('trace-viewer').getAttribute('selected-span') ?? ''));
    assert.equal(await page.locator('trace-viewer').count(), 1);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await built.close();
  }
});
