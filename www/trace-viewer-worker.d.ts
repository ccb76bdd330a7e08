// `ai-trace-viewer/trace-viewer-worker.js` is the element's Web Worker script (a module worker that
// imports traces and answers the corpus's questions), exported so a bundler or a host can place it
// and pass its URL to `setWorkerUrl()`. It exports nothing to import: start it with
// `new Worker(url, { type: 'module' })`, or let the element do so.
export {};
