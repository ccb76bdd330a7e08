// @ts-check
// Importing files with the worker's module: in a Web Worker of its own per load (started,
// fed the bytes, followed for progress, ended with the load or when a newer load aborts it), or,
// where no worker can start, on the page's main thread. Either way the result is the same
// transfer encoding, in pieces (`EncodedPieces`). Also the warm-up, once per page.
import { nextTask } from './trace-viewer-bytes.js';
import { decodeInSlices } from './trace-viewer-decode.js';
import { workerScriptUrl } from './trace-viewer-trust.js';
import { loadWorkerModule } from './trace-viewer-wasm.js';

/** @typedef {import('./trace-viewer-bytes.js').ImportFile} ImportFile */
/** @typedef {import('./trace-viewer-protocol.js').PageToWorker} PageToWorker */
/** @typedef {import('./trace-viewer-protocol.js').WorkerToPage} WorkerToPage */

/**
 * Posts a message of the protocol to an import worker, moving `transfer`.
 * @param {Worker} worker
 * @param {PageToWorker} message
 * @param {Transferable[]} [transfer]
 */
function post(worker, message, transfer = []) {
  worker.postMessage(message, transfer);
}

/** `undefined`: the worker next to this module; a URL: that worker; `null`: no worker. @type {string | URL | null | undefined} */
let workerLocation;

/**
 * Points the element at a different import worker script (a URL; it must be a module worker like
 * `trace-viewer-worker.js`), or `null` to import on the page's main thread. Call before loading.
 * @param {string | URL | null | undefined} url
 */
export function setWorkerUrl(url) {
  workerLocation = url;
}

/**
 * A new import worker, or null where none can start (no Worker support, or switched off).
 * @returns {Worker | null}
 */
export function startWorker() {
  const location = workerLocation !== undefined ? workerLocation : globalThis.TRACE_VIEWER_WORKER;
  if (location === null || location === false || typeof Worker !== 'function') return null;
  try {
    if (location) return new Worker(workerScriptUrl(location), { type: 'module' });
    const moduleUrl = new URL(import.meta.url);
    // (A variable, not a literal: bundlers would otherwise copy the worker as a plain asset.)
    const workerFile = './trace-viewer-worker.js';
    if (moduleUrl.origin !== globalThis.location?.origin && /^https?:$/.test(moduleUrl.protocol)) {
      return crossOriginWorker(new URL(workerFile, moduleUrl));
    }
    // The package's own file, as published (not bundled into an app): the worker sits beside it,
    // and its URL goes through the Trusted Types policy, as a page enforcing them requires.
    // Served, so http(s): Next.js's bundlers (Turbopack, webpack) give a bundled module's
    // `import.meta.url` as its source file's `file:` URL, whose name is this one's too; a worker
    // cannot start from that, so those builds take the bundled form below.
    if (/^https?:$/.test(moduleUrl.protocol) && moduleUrl.pathname.endsWith('/trace-viewer.js') && !moduleUrl.search) {
      return new Worker(workerScriptUrl(new URL(workerFile, moduleUrl)), { type: 'module' });
    }
    // Bundled into an app: this exact form is what Vite and webpack find and bundle as a worker.
    // (Under enforced Trusted Types the app passes the worker's URL to setWorkerUrl instead.)
    return new Worker(new URL('./trace-viewer-worker.js', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
}

/**
 * Browsers start workers only from the page's own origin. Loaded from a CDN, the element starts a
 * one-line worker of its own (a Blob) that imports the real one across origins, as a module
 * script may (the CDN must send CORS headers, as they do). A page whose policy forbids Blob
 * workers gets an error event instead, and the element imports on the page.
 * @param {URL} url
 */
function crossOriginWorker(url) {
  const source = `import ${JSON.stringify(url.href)};`;
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(workerScriptUrl(blobUrl), { type: 'module' });
  setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
  return worker;
}

/**
 * The worker's encoded result as it arrives: pieces of about 16 MB in order, each posted as soon
 * as it is encoded, so the page can decode the first while the worker still encodes the rest.
 * Kept whole afterwards, so an element can show it again without a second import.
 */
export class EncodedPieces {
  /** @type {Uint8Array[]} */
  pieces = [];
  complete = false;
  /** @type {unknown} */
  failure = null;
  /** @type {Array<() => void>} */
  #waiting = [];

  get byteLength() {
    return this.pieces.reduce((sum, piece) => sum + piece.length, 0);
  }

  /** @param {Uint8Array} piece */
  add(piece) {
    this.pieces.push(piece);
    this.#wake();
  }

  end() {
    this.complete = true;
    this.#wake();
  }

  /** @param {unknown} error */
  fail(error) {
    this.failure ??= error;
    this.#wake();
  }

  /**
   * Resolves true once piece `index` is here, false if the result ended without it; rejects if
   * the worker failed.
   * @param {number} index
   */
  async arrived(index) {
    while (index >= this.pieces.length) {
      if (this.failure) throw this.failure;
      if (this.complete) return false;
      await new Promise((resolve) => { this.#waiting.push(() => resolve(undefined)); });
    }
    return true;
  }

  #wake() {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/**
 * The import found a document of several traces and its worker kept them as a corpus: the worker
 * is handed over (not ended) to answer the traces table.
 */
export class CorpusHandOver {
  /** @param {Worker} worker */
  constructor(worker) {
    this.worker = worker;
  }
}

/**
 * Imports files (`{ name, bytes }`) in a worker of their own. Resolves with an `EncodedPieces`
 * as soon as the first piece of the transfer-encoded result arrives (the rest follow into it), or
 * with null when no worker could start (the caller then imports on the page); rejects with the
 * importer's message when the files cannot be imported. When `signal` aborts (a newer load,
 * `clear()`) the worker is ended at once, so a superseded large import stops taking a core and
 * memory, and the promise rejects (or the pieces fail, if they had begun to arrive).
 * With `corpusIfMany`, a document found to hold several traces is kept by the worker as a corpus
 * instead, and the promise resolves with a `CorpusHandOver`.
 * @param {ImportFile[]} files
 * @param {AbortSignal} signal
 * @param {(spansRead: number) => void} onProgress
 * @param {boolean} [corpusIfMany]
 * @returns {Promise<EncodedPieces | CorpusHandOver | null>}
 */
export async function importInWorker(files, signal, onProgress, corpusIfMany = false) {
  const module = await loadWorkerModule();
  signal.throwIfAborted();
  const worker = startWorker();
  if (!worker) return null;
  return new Promise((resolve, reject) => {
    let started = false;
    let settled = false;
    /** The result, once its first piece is here. @type {EncodedPieces | null} */
    let encoded = null;
    /** Chunk buffers the worker has passed back, and the send loop's wait for one. @type {ArrayBuffer[]} */
    const chunkBuffers = [];
    /** @type {(() => void) | null} */
    let bufferReturned = null;
    /**
     * Ends the worker; the promise settles with `value`, or the pieces already given fail with it.
     * @param {(value: any) => void} settle
     * @param {unknown} value
     */
    const finish = (settle, value) => {
      settled = true;
      worker.terminate();
      signal.removeEventListener('abort', abort);
      if (encoded && settle === reject) encoded.fail(value);
      else if (encoded) encoded.end();
      else settle(value);
      bufferReturned?.();
    };
    const abort = () => finish(reject, signal.reason ?? new Error('The load was replaced by a newer one.'));
    signal.addEventListener('abort', abort);
    worker.onmessage = (/** @type {MessageEvent<WorkerToPage>} */ { data }) => {
      if ('started' in data) {
        // Only now, with the worker surely running, do the bytes leave: moved, not copied (a
        // structured clone of 100 MB costs the worker as much again in memory and time).
        started = true;
        sendFiles(worker, module, files, () => settled, chunkBuffers, (resolveWait) => { bufferReturned = () => resolveWait(undefined); }, corpusIfMany)
          .catch((error) => finish(reject, error));
      } else if ('chunkTaken' in data) {
        chunkBuffers.push(/** @type {ArrayBuffer} */ (data.chunkTaken.buffer));
        bufferReturned?.();
      } else if ('spansRead' in data) {
        onProgress(data.spansRead);
      } else if ('corpusReady' in data) {
        // The worker keeps the traces: it lives on as the corpus's worker.
        settled = true;
        signal.removeEventListener('abort', abort);
        worker.onmessage = null;
        worker.onerror = null;
        resolve(new CorpusHandOver(worker));
      } else if ('piece' in data) {
        if (!encoded) {
          encoded = new EncodedPieces();
          resolve(encoded);
        }
        encoded.add(data.piece);
      } else if ('done' in data) {
        const received = encoded?.pieces.length ?? 0;
        if (received !== data.pieceCount) {
          finish(reject, new Error(`The import worker sent ${received} of ${data.pieceCount} pieces of its result.`));
          return;
        }
        const nothing = new EncodedPieces();
        nothing.end();
        finish(resolve, nothing);
      } else if ('error' in data && typeof data.error === 'string') {
        finish(reject, new Error(data.error));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // Blocked or missing before it ran (a policy, a bundler that left it out): import on the page.
      if (started) {
        const why = event.message ? ` (${event.message})` : '';
        finish(reject, new Error(`The import worker stopped${why}. Loading again starts a new one.`));
      } else {
        finish(resolve, null);
      }
    };
  });
}

/**
 * Imports files on the page's main thread with the worker's module, where no worker can start:
 * the same import and encoding as in a worker, so the page shows the result the same way. Stops
 * before the (synchronous) import if `signal` was aborted meanwhile.
 * @param {ImportFile[]} files
 * @param {AbortSignal} signal
 * @param {(spansRead: number) => void} onProgress
 * @returns {Promise<EncodedPieces>}
 */
export async function importOnMainThread(files, signal, onProgress) {
  const module = await loadWorkerModule();
  signal.throwIfAborted();
  const importer = await import('./wasm/trace_viewer_worker.js');
  signal.throwIfAborted();
  await importer.default({ module_or_path: module });
  signal.throwIfAborted();
  const input = new importer.ImportInput();
  // This module lives as long as the page: the imported model is freed once encoded.
  input.freeModelAfterImport();
  for (const file of files) input.append(input.addFile(file.name ?? '', file.bytes.length), file.bytes);
  const encoded = new EncodedPieces();
  const sent = input.import(onProgress, (/** @type {Uint8Array} */ piece) => encoded.add(piece));
  sent.free();
  encoded.end();
  return encoded;
}

/** @type {(value: { worker: boolean, decodedSpans: number }) => void} */
let resolveWarmedUp = () => {};
/**
 * Settles once per page when the warm-up has run (or could not): for tests and benchmarks that
 * want a load to start after it. `worker` is false where no worker could start.
 * @type {Promise<{ worker: boolean, decodedSpans: number }>}
 */
export const warmedUp = new Promise((resolve) => { resolveWarmedUp = resolve; });
let warmUpStarted = false;

/** Settles `warmedUp` where no warm-up can run (the page's module failed to load). */
export function warmUpImpossible() {
  warmUpStarted = true;
  resolveWarmedUp({ worker: false, decodedSpans: 0 });
}

/**
 * Once per page, in the background (the element calls it when its page module is ready): a
 * worker imports and encodes three small generated traces (one through the JSON document every
 * format but OTLP is read through), and the page decodes them a slice at a
 * time, so the browser has optimised the importer (shared with every later worker) and the page's
 * decoder before the first real file. A first large import is 15–25 % faster.
 */
export async function warmUpOnce() {
  if (warmUpStarted) return;
  warmUpStarted = true;
  let module;
  try {
    module = await loadWorkerModule();
  } catch {
    resolveWarmedUp({ worker: false, decodedSpans: 0 });
    return;
  }
  const worker = startWorker();
  if (!worker) {
    resolveWarmedUp({ worker: false, decodedSpans: 0 });
    return;
  }
  /** @param {Uint8Array[] | null} encodings */
  const end = (encodings) => {
    worker.terminate();
    decodeForWarmUp(encodings ?? []).then(
      (decodedSpans) => resolveWarmedUp({ worker: true, decodedSpans }),
      () => resolveWarmedUp({ worker: true, decodedSpans: 0 }),
    );
  };
  worker.onerror = () => end(null);
  worker.onmessage = (/** @type {MessageEvent<WorkerToPage>} */ { data }) => {
    if ('started' in data) post(worker, { module, warmUp: true });
    else end('warmedUp' in data ? data.warmedUp : null);
  };
}

/**
 * Decodes the warm-up's encodings on the page as a load does, a slice per task; resolves with the
 * spans decoded.
 * @param {Uint8Array[]} encodings
 */
async function decodeForWarmUp(encodings) {
  let spans = 0;
  for (const encoding of encodings) {
    const whole = new EncodedPieces();
    whole.add(encoding);
    whole.end();
    const decoder = await decodeInSlices(whole, () => {});
    spans += decoder.spanCount();
    decoder.free();
    await nextTask();
  }
  return spans;
}

/** Bytes per chunk where a caller's buffer is copied to the import worker. */
const COPY_SLICE_BYTES = 16 << 20;

/** Chunk buffers in flight between the page and the worker: one being filled, one being read. */
const CHUNK_BUFFERS = 2;

/**
 * Sends `files` to a started import worker. The element's own whole buffers move as they are.
 * A caller's buffer must stay usable, so it is copied, a chunk per task, into two buffers that go
 * to the worker and come back: the copy never blocks the page for long, runs while the worker
 * takes in the previous chunk, and no second copy of the whole file is made in fresh memory
 * (for 294 MB that was 170 ms to 800 ms, depending on what else the browser was freeing).
 * @param {Worker} worker
 * @param {WebAssembly.Module} module
 * @param {ImportFile[]} files
 * @param {() => boolean} stopped
 * @param {ArrayBuffer[]} chunkBuffers
 * @param {(resolve: (value: unknown) => void) => void} waitForBuffer
 * @param {boolean} corpusIfMany
 */
async function sendFiles(worker, module, files, stopped, chunkBuffers, waitForBuffer, corpusIfMany) {
  const moves = files.map((file) => file.owned && file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength);
  const buffers = files.map((file, index) => (moves[index] ? file.bytes : file.bytes.length));
  post(worker, { module, names: files.map((file) => file.name ?? ''), buffers, corpusIfMany },
    files.filter((file, index) => moves[index]).map((file) => file.bytes.buffer));
  let buffersMade = 0;
  for (const [index, file] of files.entries()) {
    if (moves[index]) continue;
    const { bytes } = file;
    for (let offset = 0; offset < bytes.length; offset += COPY_SLICE_BYTES) {
      if (chunkBuffers.length === 0 && buffersMade < CHUNK_BUFFERS) {
        chunkBuffers.push(new ArrayBuffer(Math.min(COPY_SLICE_BYTES, bytes.length)));
        buffersMade += 1;
      }
      while (chunkBuffers.length === 0 && !stopped()) await new Promise(waitForBuffer);
      if (stopped()) return;
      let buffer = chunkBuffers.pop();
      const length = Math.min(COPY_SLICE_BYTES, bytes.length - offset);
      if (buffer.byteLength < length) buffer = new ArrayBuffer(length);
      const chunk = new Uint8Array(buffer, 0, length);
      chunk.set(bytes.subarray(offset, offset + length));
      post(worker, { file: index, chunk }, [buffer]);
      await nextTask();
    }
  }
}
