// The static page: opens a trace from ?src=URL (else the bundled example), the file picker,
// or a file dropped anywhere on the page. All parsing happens in the <trace-viewer> element.
import './pkg/trace-viewer.js';

const viewer = document.getElementById('viewer');
const fileInput = document.getElementById('file-input');
const fileName = document.getElementById('file-name');
const overlay = document.getElementById('drop-overlay');

const requested = new URLSearchParams(location.search).get('src');
// The single-file build (pkg/trace-viewer.html) carries the example inside it, for file:// use.
const embeddedExample = window.TRACE_VIEWER_EMBEDDED_EXAMPLE;
const source = requested ?? 'examples/refund-agent.json';
// The selected span lives in the URL hash (#span=<id>), so a link or a reload shows it again.
const linkedSpan = new URLSearchParams(location.hash.slice(1)).get('span');
if (linkedSpan) viewer.setAttribute('selected-span', linkedSpan);
fileName.textContent = source.split('/').pop();
if (!requested && embeddedExample) {
  viewer.load(embeddedExample, 'refund-agent.json').catch(() => {});
} else {
  viewer.src = source;
}

// One file, or several read as one set (a trace file and its log file, say).
async function openFiles(files) {
  if (files.length === 0) return;
  fileName.textContent = files.map((file) => file.name).join(' + ');
  viewer.removeAttribute('src');
  viewer.removeAttribute('selected-span');
  history.replaceState(null, '', location.pathname + location.search);
  try {
    await viewer.load(files.length === 1 ? files[0] : files);
  } catch {
    // The element shows the error itself.
  }
}

viewer.addEventListener('span-select', (event) => {
  const hash = new URLSearchParams({ span: event.detail.spanId }).toString();
  history.replaceState(null, '', `#${hash}`);
  viewer.setAttribute('selected-span', event.detail.spanId);
});

fileInput.addEventListener('change', () => {
  openFiles([...fileInput.files]);
  fileInput.value = '';
});

// Pasting trace JSON anywhere on the page (outside text fields) opens it.
window.addEventListener('paste', (event) => {
  if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
  const text = event.clipboardData?.getData('text/plain');
  if (!text || !text.trim()) return;
  event.preventDefault();
  fileName.textContent = 'pasted text';
  viewer.removeAttribute('src');
  viewer.removeAttribute('selected-span');
  viewer.load(text, 'pasted text').catch(() => {});
});

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
window.addEventListener('drop', (event) => {
  event.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  openFiles([...(event.dataTransfer?.files ?? [])]);
});
