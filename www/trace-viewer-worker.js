// The import worker: runs the importer off the page's main thread so the page never freezes.
// The element starts one per load with the wasm module it already compiled, posts the file bytes,
// and gets back the imported traces in the compact transfer encoding (or an error message).
// One worker per load, ended afterwards, so the memory a large file needed is returned at once.
import init, { importForTransfer } from './wasm/trace_viewer.js';

self.postMessage({ started: true });

self.onmessage = async ({ data }) => {
  try {
    await init({ module_or_path: data.module });
    const encoded = importForTransfer(data.names, data.buffers);
    self.postMessage({ encoded }, [encoded.buffer]);
  } catch (error) {
    self.postMessage({ error: String(error?.message ?? error) });
  }
};
