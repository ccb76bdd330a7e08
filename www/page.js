// The static page: opens traces from ?src=URL (repeatable: several files make one corpus; else the
// bundled example), the file and folder pickers, files or folders dropped anywhere on the page, or
// pasted text. All parsing happens in the <trace-viewer> element. The URL hash keeps what a link
// or a reload should show again: the table's filter and sort, the session shown, the opened trace,
// the selected span.
import './pkg/trace-viewer.js';

const viewer = document.getElementById('viewer');
const fileInput = document.getElementById('file-input');
const folderInput = document.getElementById('folder-input');
const fileName = document.getElementById('file-name');
const overlay = document.getElementById('drop-overlay');
const exampleNote = document.getElementById('example-note');

/** Files a folder may hold that the viewer reads. */
const TRACE_FILE = /\.(json|jsonl|ndjson|txt)(\.gz)?$/i;

const requested = new URLSearchParams(location.search).getAll('src');
// The single-file build (pkg/trace-viewer.html) carries the example inside it, for file:// use.
const embeddedExample = window.TRACE_VIEWER_EMBEDDED_EXAMPLE;
const sources = requested.length > 0 ? requested : ['examples/refund-agent.json'];

/** The hash's state: `#filter=…&sort=…&trace=…&span=…&session=…&compare=<a>,<b>`. */
function hashState() {
  return new URLSearchParams(location.hash.slice(1));
}

/** @param {Record<string, string | null>} changes */
function updateHash(changes) {
  const state = hashState();
  for (const [key, value] of Object.entries(changes)) {
    if (value) state.set(key, value); else state.delete(key);
  }
  // Commas need no escape in a fragment: `#compare=a,b` stays readable.
  const text = state.toString().replace(/%2C/gi, ',');
  history.replaceState(null, '', text ? `#${text}` : location.pathname + location.search);
}

const linked = hashState();
for (const [attribute, key] of [['selected-span', 'span'], ['selected-trace', 'trace'], ['selected-session', 'session'], ['filter', 'filter'], ['sort', 'sort']]) {
  if (linked.get(key)) viewer.setAttribute(attribute, linked.get(key));
}
fileName.textContent = sources.map((source) => source.split('/').pop()).join(' + ');
// The bundled example says it is one, and how to open a trace of one's own, until one is opened.
exampleNote.hidden = requested.length > 0;
if (requested.length === 0 && embeddedExample) {
  viewer.load(embeddedExample, 'refund-agent.json').catch(() => {});
} else if (sources.length === 1) {
  viewer.src = sources[0];
} else {
  openUrls(sources);
}

/** Several ?src= files: fetched as Blobs (kept by the browser) and opened as one corpus. */
async function openUrls(urls) {
  const responses = await Promise.all(urls.map((url) => fetch(url).then((response) => ({ url, response }), () => ({ url, response: null }))));
  const failed = responses.find(({ response }) => !response?.ok);
  // The element says why a URL could not be fetched, as it does for one `?src=`.
  if (failed) {
    viewer.src = failed.url;
    return;
  }
  const files = await Promise.all(responses.map(async ({ url, response }) => new File([await response.blob()], url.split(/[?#]/)[0].split('/').pop() || url)));
  viewer.load(files).catch(() => {});
}

/** One file, or several (a folder's) opened as one corpus. */
async function openFiles(files) {
  if (files.length === 0) return;
  exampleNote.hidden = true;
  fileName.textContent = files.length > 3 ? `${files.length} files` : files.map((file) => file.name).join(' + ');
  for (const attribute of ['src', 'selected-span', 'selected-trace', 'selected-session', 'filter', 'sort']) viewer.removeAttribute(attribute);
  history.replaceState(null, '', location.pathname + location.search);
  try {
    await viewer.load(files.length === 1 ? files[0] : files);
  } catch {
    // The element shows the error itself.
  }
}

// The element writes the selected span to `selected-span` itself; the hash keeps it for a reload.
viewer.addEventListener('span-select', (event) => {
  updateHash({ span: event.detail.spanId });
});
viewer.addEventListener('filter-change', (event) => {
  updateHash({ filter: event.detail.filter, sort: event.detail.sort });
});
viewer.addEventListener('trace-close', () => {
  updateHash({ trace: null, span: null });
});
viewer.addEventListener('session-open', (event) => {
  updateHash({ session: event.detail.sessionId });
});
viewer.addEventListener('session-close', () => {
  updateHash({ session: null });
});
viewer.addEventListener('trace-open', (event) => {
  updateHash({ trace: event.detail.traceId, span: null });
});
// `#compare=<traceIdA>,<traceIdB>` (ids or 0-based positions) opens the comparison once the file
// is loaded; the hash follows the comparison shown.
viewer.addEventListener('load', () => {
  const [a, b, ...rest] = (hashState().get('compare') ?? '').split(',');
  if (a && b && rest.length === 0) viewer.compareTraces(a, b);
}, { once: true });
viewer.addEventListener('compare-open', (event) => {
  updateHash({ compare: `${event.detail.traceIdA},${event.detail.traceIdB}` });
});
viewer.addEventListener('compare-close', () => {
  updateHash({ compare: null });
});

fileInput.addEventListener('change', () => {
  openFiles([...fileInput.files]);
  fileInput.value = '';
});
folderInput.addEventListener('change', () => {
  openFiles([...folderInput.files].filter((file) => TRACE_FILE.test(file.name)));
  folderInput.value = '';
});

// `/` focuses the viewer's search (a trace's search, or the traces table's filter) from anywhere on
// the page too, not only from inside the viewer (which handles its own keys); not while typing.
document.addEventListener('keydown', (event) => {
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.composedPath().includes(viewer)) return;
  const target = event.composedPath()[0];
  if (target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  const search = viewer.shadowRoot?.querySelector('.tv-search, .tv-filter-input');
  if (!(search instanceof HTMLElement)) return;
  event.preventDefault();
  search.focus();
});

// Pasting trace JSON anywhere on the page (outside text fields) opens it.
window.addEventListener('paste', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
  const text = event.clipboardData?.getData('text/plain');
  if (!text || !text.trim()) return;
  event.preventDefault();
  exampleNote.hidden = true;
  fileName.textContent = 'pasted text';
  for (const attribute of ['src', 'selected-span', 'selected-trace']) viewer.removeAttribute(attribute);
  viewer.load(text, 'pasted text').catch(() => {});
});

/**
 * Every trace file under a dropped entry (a file, or a folder walked to its end).
 * @param {FileSystemEntry} entry
 * @returns {Promise<File[]>}
 */
async function filesUnder(entry) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    return TRACE_FILE.test(file.name) ? [file] : [];
  }
  const reader = entry.createReader();
  const found = [];
  // readEntries gives a folder's entries a batch at a time, until an empty batch.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) found.push(...await filesUnder(child));
  }
  return found;
}

let dragDepth = 0;
window.addEventListener('dragenter', (event) => {
  event.preventDefault();
  dragDepth += 1;
  overlay.hidden = false;
});
window.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) overlay.hidden = true;
});
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', async (event) => {
  event.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  const entries = [...(event.dataTransfer?.items ?? [])].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.some((entry) => entry.isDirectory)) {
    const files = (await Promise.all(entries.map(filesUnder))).flat();
    files.sort((left, right) => left.name.localeCompare(right.name));
    openFiles(files);
  } else {
    openFiles([...(event.dataTransfer?.files ?? [])]);
  }
});
