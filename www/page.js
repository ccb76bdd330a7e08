// The static page: opens a trace from ?src=URL (else the bundled example), the file picker,
// or a file dropped anywhere on the page. All parsing happens in the <trace-viewer> element.
import './pkg/trace-viewer.js';

const viewer = document.getElementById('viewer');
const fileInput = document.getElementById('file-input');
const fileName = document.getElementById('file-name');
const overlay = document.getElementById('drop-overlay');

const source = new URLSearchParams(location.search).get('src') ?? 'examples/refund-agent.json';
viewer.src = source;
fileName.textContent = source.split('/').pop();

async function openFile(file) {
  fileName.textContent = file.name;
  viewer.removeAttribute('src');
  try {
    await viewer.load(await file.text(), file.name);
  } catch {
    // The element shows the error itself.
  }
}

fileInput.addEventListener('change', () => {
  if (fileInput.files.length > 0) openFile(fileInput.files[0]);
  fileInput.value = '';
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
  const file = event.dataTransfer?.files?.[0];
  if (file) openFile(file);
});
