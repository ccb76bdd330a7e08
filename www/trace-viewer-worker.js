// The import worker: runs the importer off the page's main thread so the page never freezes.
// The element starts one per load with the wasm module it already compiled, posts the file bytes,
// and gets back the imported traces in the compact transfer encoding (or an error message).
// One worker per load, ended afterwards, so the memory a large file needed is returned at once.
// Sent `{ module, warmUp: true }` instead, it imports two small generated traces and ends: the
// element does that once per page so the browser has optimised the importer before a file comes.
import init, { importForTransfer, warmUp } from './wasm/trace_viewer.js';

self.postMessage({ started: true });

self.onmessage = async ({ data }) => {
  try {
    await init({ module_or_path: data.module });
    if (data.warmUp) {
      self.postMessage({ warmedSpans: warmUp() });
      return;
    }
    // Spans read so far (then -1 while the tree is built), for the page's progress bar.
    const reportProgress = (spansRead) => self.postMessage({ spansRead });
    const encoded = importForTransfer(data.names, data.buffers, reportProgress);
    self.postMessage({ encoded }, [encoded.buffer]);
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) });
  }
};
