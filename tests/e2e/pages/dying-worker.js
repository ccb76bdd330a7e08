// A stand-in import worker that starts, then dies on the first file it is given, the way a worker
// the browser stops (out of memory, a crash) ends: for the element's handling of a worker that
// dies in the middle of an import.
self.postMessage({ started: true });
self.onmessage = () => {
  throw new Error('the worker died (test)');
};
