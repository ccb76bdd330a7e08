// The machinery behind <trace-viewer>: loading and compiling the two wasm modules once per page
// (the page's, which draws, and the worker's, which imports), the import worker (starting it,
// moving bytes to it, its progress and its end), importing on the main thread where no worker can
// start, the warm-up, freeing traces a slice at a time, and reading Blobs and gzip.
// trace-viewer.js, the element, uses these.
import init, { DecodeStep, TransferDecoder, releaseMemory } from './wasm/trace_viewer.js';

let wasmLocation = null;
let workerWasmLocation = null;
/** `undefined`: the worker next to this module; a URL: that worker; `null`: no worker. */
let workerLocation;
let wasmReady = null;
let wasmExports = null;
/** The worker's compiled module (importers and encoder), shared with every import worker. */
let workerModuleReady = null;

/** Milliseconds of decoding per slice on the page; the browser draws and handles input in between. */
export const DECODE_SLICE_MS = 30;

/** Points the element at a different `trace_viewer_bg.wasm` (a URL, or the bytes themselves); call before the first element connects. */
export function setWasmUrl(url) {
  wasmLocation = url;
}

/** Points the import at a different `trace_viewer_worker_bg.wasm` (a URL, or the bytes themselves); call before the first load. */
export function setWorkerWasmUrl(url) {
  workerWasmLocation = url;
}

/**
 * Points the element at a different import worker script (a URL; it must be a module worker like
 * `trace-viewer-worker.js`), or `null` to import on the page's main thread. Call before loading.
 */
export function setWorkerUrl(url) {
  workerLocation = url;
}

/** Compiles the wasm from a URL, bytes or an already compiled module. */
async function compileWasm(location, what) {
  if (location instanceof WebAssembly.Module) return location;
  if (location instanceof ArrayBuffer || ArrayBuffer.isView(location)) return WebAssembly.compile(location);
  const response = await fetch(location);
  if (!response.ok) throw new Error(`Could not load trace-viewer's ${what} from ${location}: HTTP ${response.status}`);
  const streaming = typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm');
  return streaming ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Compiles and instantiates the page's wasm once per page (later calls share the promise); the
 * worker's module is fetched and compiled meanwhile, in parallel, and the warm-up starts once both
 * are ready. Resolves with the page module's exports.
 */
export function loadWasm() {
  if (!wasmReady) {
    if (typeof WebAssembly !== 'object') {
      return Promise.reject(new Error('trace-viewer needs WebAssembly, which this browser does not provide.'));
    }
    // setWasmUrl() wins; then a page-wide `globalThis.TRACE_VIEWER_WASM` set before this module
    // loads (a URL or the bytes); else the file next to this module.
    const location = wasmLocation ?? globalThis.TRACE_VIEWER_WASM ?? new URL('./wasm/trace_viewer_bg.wasm', import.meta.url);
    wasmReady = compileWasm(location, 'page module')
      .then((module) => init({ module_or_path: module }))
      .then((exports) => {
        wasmExports = exports;
        return exports;
      });
    const workerModule = loadWorkerModule();
    Promise.all([wasmReady, workerModule]).then(warmUp, () => {});
  }
  return wasmReady;
}

/** The worker's module, compiled once per page (started by `loadWasm`, alongside the page's). */
function loadWorkerModule() {
  if (!workerModuleReady) {
    const location = workerWasmLocation ?? globalThis.TRACE_VIEWER_WORKER_WASM
      ?? new URL('./wasm/trace_viewer_worker_bg.wasm', import.meta.url);
    workerModuleReady = compileWasm(location, 'import module');
  }
  return workerModuleReady;
}

/** A new import worker, or null where none can start (no Worker support, or switched off). */
function startWorker() {
  const location = workerLocation !== undefined ? workerLocation : globalThis.TRACE_VIEWER_WORKER;
  if (location === null || location === false || typeof Worker !== 'function') return null;
  try {
    if (location) return new Worker(location, { type: 'module' });
    const moduleUrl = new URL(import.meta.url);
    if (moduleUrl.origin !== globalThis.location?.origin && /^https?:$/.test(moduleUrl.protocol)) {
      // (A variable, not a literal: bundlers would otherwise copy the worker as a plain asset.)
      const workerFile = './trace-viewer-worker.js';
      return crossOriginWorker(new URL(workerFile, moduleUrl));
    }
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
 */
function crossOriginWorker(url) {
  const source = `import ${JSON.stringify(url.href)};`;
  const blobUrl = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(blobUrl, { type: 'module' });
  setTimeout(() => URL.revokeObjectURL(blobUrl), 10_000);
  return worker;
}

/**
 * The worker's encoded result as it arrives: pieces of about 16 MB in order, each posted as soon
 * as it is encoded, so the page can decode the first while the worker still encodes the rest.
 * Kept whole afterwards, so an element can show it again without a second import.
 */
export class EncodedPieces {
  pieces = [];
  complete = false;
  failure = null;
  #waiting = [];

  get byteLength() {
    return this.pieces.reduce((sum, piece) => sum + piece.length, 0);
  }

  add(piece) {
    this.pieces.push(piece);
    this.#wake();
  }

  end() {
    this.complete = true;
    this.#wake();
  }

  fail(error) {
    this.failure ??= error;
    this.#wake();
  }

  /** Resolves true once piece `index` is here, false if the result ended without it; rejects if the worker failed. */
  async arrived(index) {
    while (index >= this.pieces.length) {
      if (this.failure) throw this.failure;
      if (this.complete) return false;
      await new Promise((resolve) => this.#waiting.push(resolve));
    }
    return true;
  }

  #wake() {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

/**
 * Imports files (`{ name, bytes }`) in a worker of their own. Resolves with an `EncodedPieces`
 * as soon as the first piece of the transfer-encoded result arrives (the rest follow into it), or
 * with null when no worker could start (the caller then imports on the page); rejects with the
 * importer's message when the files cannot be imported. When `signal` aborts (a newer load,
 * `clear()`) the worker is ended at once, so a superseded large import stops taking a core and
 * memory, and the promise rejects (or the pieces fail, if they had begun to arrive).
 */
export async function importInWorker(files, signal, onProgress) {
  const module = await loadWorkerModule();
  signal.throwIfAborted();
  const worker = startWorker();
  if (!worker) return null;
  return new Promise((resolve, reject) => {
    let started = false;
    let settled = false;
    /** The result, once its first piece is here. */
    let encoded = null;
    /** Chunk buffers the worker has passed back, and the send loop's wait for one. */
    const chunkBuffers = [];
    let bufferReturned = null;
    /** Ends the worker; the promise settles with `value`, or the pieces already given fail with it. */
    const finish = (settle, value) => {
      settled = true;
      worker.terminate();
      signal.removeEventListener('abort', abort);
      if (encoded && settle === reject) encoded.fail(value);
      else if (encoded) encoded.end();
      else settle(value);
      bufferReturned?.();
    };
    const abort = () => finish(reject, new Error('The load was replaced by a newer one.'));
    signal.addEventListener('abort', abort);
    worker.onmessage = ({ data }) => {
      if (data.started) {
        // Only now, with the worker surely running, do the bytes leave: moved, not copied (a
        // structured clone of 100 MB costs the worker as much again in memory and time).
        started = true;
        sendFiles(worker, module, files, () => settled, chunkBuffers, (resolveWait) => { bufferReturned = resolveWait; });
      } else if (data.chunkTaken) {
        chunkBuffers.push(data.chunkTaken.buffer);
        bufferReturned?.();
      } else if (data.spansRead !== undefined) {
        onProgress(data.spansRead);
      } else if (data.piece) {
        if (!encoded) {
          encoded = new EncodedPieces();
          resolve(encoded);
        }
        encoded.add(data.piece);
      } else if (data.done) {
        const received = encoded?.pieces.length ?? 0;
        if (received !== data.pieceCount) {
          finish(reject, new Error(`The import worker sent ${received} of ${data.pieceCount} pieces of its result.`));
          return;
        }
        const nothing = new EncodedPieces();
        nothing.end();
        finish(resolve, nothing);
      } else {
        finish(reject, new Error(data.error));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // Blocked or missing before it ran (a policy, a bundler that left it out): import on the page.
      if (started) finish(reject, new Error(event.message || 'The import worker stopped.'));
      else finish(resolve, null);
    };
  });
}

/**
 * The warm-up, once per page: settles when it has run (or could not), for tests and benchmarks
 * that want a load to start after it. Its value says what ran: `{ worker, decodedSpans }`.
 */
let resolveWarmedUp;
export const warmedUp = new Promise((resolve) => { resolveWarmedUp = resolve; });

/**
 * Once per page, in the background: a worker imports and encodes two small generated traces, and
 * the page decodes them a slice at a time, so the browser has optimised the importer (shared with
 * every later worker) and the page's decoder before the first real file. A first large import is
 * 15–25 % faster.
 */
function warmUp([, module]) {
  const worker = startWorker();
  if (!worker) {
    resolveWarmedUp({ worker: false, decodedSpans: 0 });
    return;
  }
  const end = (encodings) => {
    worker.terminate();
    decodeForWarmUp(encodings ?? []).then(
      (decodedSpans) => resolveWarmedUp({ worker: true, decodedSpans }),
      () => resolveWarmedUp({ worker: true, decodedSpans: 0 }),
    );
  };
  worker.onerror = () => end(null);
  worker.onmessage = ({ data }) => {
    if (data.started) worker.postMessage({ module, warmUp: true });
    else end(data.warmedUp);
  };
}

/** Decodes the warm-up's encodings on the page, a slice per task; resolves with the spans decoded. */
async function decodeForWarmUp(encodings) {
  let spans = 0;
  for (const encoding of encodings) {
    const decoder = new TransferDecoder();
    try {
      decoder.addPiece(encoding);
      decoder.allPiecesAdded();
      decoder.start();
      while (decoder.step(DECODE_SLICE_MS) !== DecodeStep.Done) await nextTask();
      spans += decoder.spanCount();
    } finally {
      decoder.free();
    }
    await nextTask();
  }
  return spans;
}

/**
 * Imports files (`{ name, bytes }`) on the page's main thread with the worker's module, where no
 * worker can start: the same import and encoding as in a worker, so the page shows the result the
 * same way. Resolves with the complete `EncodedPieces`.
 */
export async function importOnMainThread(files, onProgress) {
  const module = await loadWorkerModule();
  const importer = await import('./wasm/trace_viewer_worker.js');
  await importer.default({ module_or_path: module });
  const input = new importer.ImportInput();
  for (const file of files) input.append(input.addFile(file.name ?? '', file.bytes.length), file.bytes);
  const encoded = new EncodedPieces();
  const sent = input.import(onProgress, (piece) => encoded.add(piece));
  sent.free();
  encoded.end();
  return encoded;
}

/** Whether a release loop is running (one per page serves every element). */
let releasing = false;

/**
 * Frees the traces no element shows any more, ~30 ms per task, so replacing or removing a large
 * trace never blocks the page. What a view still holds is retried a few times, 100 ms apart.
 */
export async function releaseOldTraces() {
  if (releasing || !wasmExports) return;
  releasing = true;
  try {
    for (let waits = 0; waits < 20;) {
      const state = releaseMemory(DECODE_SLICE_MS);
      if (state === 0) break;
      if (state === 2) waits += 1;
      await new Promise((resolve) => setTimeout(resolve, state === 2 ? 100 : 0));
    }
  } finally {
    releasing = false;
  }
}

/**
 * Resolves in a later task, after the browser has had the chance to draw and handle input: a
 * message to itself. (`setTimeout(0)` waits at least 4 ms once nested, a loss in every slice.)
 */
export function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Bytes of WebAssembly memory in use by all viewers on the page (0 before the first one loads). */
export function wasmMemoryBytes() {
  return wasmExports?.memory?.buffer.byteLength ?? 0;
}

/** Gzip data (`.json.gz`) starts with these two bytes. */
function isGzip(bytes) {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses gzip data with the browser's DecompressionStream; other bytes pass through. */
export async function gunzipIfCompressed(bytes) {
  if (!isGzip(bytes)) return bytes;
  if (typeof DecompressionStream !== 'function') {
    throw new Error('This file is gzip-compressed and this browser cannot decompress it (no DecompressionStream).');
  }
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function readBlob(blob) {
  return gunzipIfCompressed(new Uint8Array(await blob.arrayBuffer()));
}

/** Inputs larger than this show a progress bar while they are read. */
export const PROGRESS_FROM_BYTES = 2_000_000;

/**
 * The input as files of bytes (`{ name, bytes, owned }`), which the importer takes; an already
 * parsed object is written back to JSON text first. `owned`: the bytes are the element's own (read
 * from a Blob, fetched, encoded from a string), so they may be moved to the worker, not copied.
 */
export function filesOf(input) {
  if (input.files) return input.files.map((file) => ({ ...file, owned: true }));
  if (input.value instanceof Uint8Array) return [{ name: input.fileName, bytes: input.value, owned: input.owned === true }];
  const text = typeof input.value === 'string' ? input.value : JSON.stringify(input.value) ?? String(input.value);
  return [{ name: input.fileName, bytes: new TextEncoder().encode(text), owned: true }];
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
 */
async function sendFiles(worker, module, files, stopped, chunkBuffers, waitForBuffer) {
  const moves = files.map((file) => file.owned && file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength);
  const buffers = files.map((file, index) => (moves[index] ? file.bytes : file.bytes.length));
  worker.postMessage({ module, names: files.map((file) => file.name ?? ''), buffers },
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
      worker.postMessage({ file: index, chunk }, [buffer]);
      await nextTask();
    }
  }
}
