// <trace-viewer>: the custom element around the WebAssembly viewer.
// wasm-bindgen cannot extend HTMLElement, so this small hand-written module does: it loads the
// wasm once per page, gives each element its own shadow root and ViewerHandle, maps attributes,
// properties and methods onto the handle, and frees the handle when the element is removed.
// Files are imported in a Web Worker (trace-viewer-worker.js) and handed back in a compact
// encoding that the page decodes a slice at a time, so even a 100 MB file never freezes the page.
import init, { ViewerHandle, TransferDecoder, releaseMemory } from './wasm/trace_viewer.js';

let wasmLocation = null;
/** `undefined`: the worker next to this module; a URL: that worker; `null`: no worker. */
let workerLocation;
let wasmReady = null;
let wasmExports = null;
/** The compiled module, shared with every import worker so none compiles it again. */
let wasmModule = null;

/** Milliseconds of decoding per slice on the page; the browser draws and handles input in between. */
const DECODE_SLICE_MS = 30;

/** Points the element at a different `trace_viewer_bg.wasm` (a URL, or the bytes themselves); call before the first element connects. */
export function setWasmUrl(url) {
  wasmLocation = url;
}

/**
 * Points the element at a different import worker script (a URL; it must be a module worker like
 * `trace-viewer-worker.js`), or `null` to import on the page's main thread. Call before loading.
 */
export function setWorkerUrl(url) {
  workerLocation = url;
}

/** Compiles the wasm from a URL, bytes or an already compiled module. */
async function compileWasm(location) {
  if (location instanceof WebAssembly.Module) return location;
  if (location instanceof ArrayBuffer || ArrayBuffer.isView(location)) return WebAssembly.compile(location);
  const response = await fetch(location);
  if (!response.ok) throw new Error(`Could not load trace-viewer's WebAssembly from ${location}: HTTP ${response.status}`);
  const streaming = typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type')?.startsWith('application/wasm');
  return streaming ? WebAssembly.compileStreaming(response) : WebAssembly.compile(await response.arrayBuffer());
}

function loadWasm() {
  if (!wasmReady) {
    if (typeof WebAssembly !== 'object') {
      return Promise.reject(new Error('trace-viewer needs WebAssembly, which this browser does not provide.'));
    }
    // setWasmUrl() wins; then a page-wide `globalThis.TRACE_VIEWER_WASM` set before this module
    // loads (a URL or the bytes); else the file next to this module.
    const location = wasmLocation ?? globalThis.TRACE_VIEWER_WASM ?? new URL('./wasm/trace_viewer_bg.wasm', import.meta.url);
    wasmReady = compileWasm(location)
      .then((module) => {
        wasmModule = module;
        return init({ module_or_path: module });
      })
      .then((exports) => {
        wasmExports = exports;
        setTimeout(warmUpImporter, 0);
        return exports;
      });
  }
  return wasmReady;
}

/** A new import worker, or null where none can start (no Worker support, or switched off). */
function startWorker() {
  const location = workerLocation !== undefined ? workerLocation : globalThis.TRACE_VIEWER_WORKER;
  if (location === null || location === false || typeof Worker !== 'function' || !wasmModule) return null;
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
 * Imports files (`{ name, bytes }`) in a worker of their own. Resolves with the transfer-encoded
 * result, or with null when no worker could start (the caller then imports on the page);
 * rejects with the importer's message when the files cannot be imported, or when `signal` aborts
 * (a newer load, `clear()`): the worker is ended at once, so a superseded large import stops
 * taking a core and memory.
 */
function importInWorker(files, signal, onProgress) {
  const worker = startWorker();
  if (!worker) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    let started = false;
    const finish = (settle, value) => {
      worker.terminate();
      signal.removeEventListener('abort', abort);
      settle(value);
    };
    const abort = () => finish(reject, new Error('The load was replaced by a newer one.'));
    signal.addEventListener('abort', abort);
    worker.onmessage = async ({ data }) => {
      if (data.started) {
        // Only now, with the worker surely running, do the bytes leave: moved, not copied (a
        // structured clone of 100 MB costs the worker as much again in memory and time).
        started = true;
        const buffers = await Promise.all(files.map((file) => movable(file, signal)));
        if (signal.aborted) return;
        worker.postMessage({ module: wasmModule, names: files.map((file) => file.name ?? ''), buffers }, buffers.map((bytes) => bytes.buffer));
      } else if (data.spansRead !== undefined) {
        onProgress(data.spansRead);
      } else if (data.encoded) {
        finish(resolve, data.encoded);
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
 * Once per page, in the background: a worker imports two small generated traces, so the browser
 * has optimised the importer (and the page's decoder, which shares the compiled code) before the
 * first real file. About 0.1 s of a background thread; a first large import is 15–25 % faster.
 */
function warmUpImporter() {
  const worker = startWorker();
  if (!worker) return;
  const end = () => worker.terminate();
  worker.onerror = end;
  worker.onmessage = ({ data }) => {
    if (data.started) worker.postMessage({ module: wasmModule, warmUp: true });
    else end();
  };
}

/** Whether a release loop is running (one per page serves every element). */
let releasing = false;

/**
 * Frees the traces no element shows any more, ~30 ms per task, so replacing or removing a large
 * trace never blocks the page. What a view still holds is retried a few times, 100 ms apart.
 */
async function releaseOldTraces() {
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

/** Resolves in a later task, after the browser has had the chance to draw and handle input. */
function nextTask() {
  return new Promise((resolve) => setTimeout(resolve, 0));
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
async function gunzipIfCompressed(bytes) {
  if (!isGzip(bytes)) return bytes;
  if (typeof DecompressionStream !== 'function') {
    throw new Error('This file is gzip-compressed and this browser cannot decompress it (no DecompressionStream).');
  }
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function readBlob(blob) {
  return gunzipIfCompressed(new Uint8Array(await blob.arrayBuffer()));
}

/** Inputs larger than this show a progress bar while they are read. */
const PROGRESS_FROM_BYTES = 2_000_000;

/**
 * The input as files of bytes (`{ name, bytes, owned }`), which the worker can import; null for an
 * already parsed object, which stays on the page. `owned`: the bytes are the element's own (read
 * from a Blob, fetched, encoded from a string), so they may be moved to the worker, not copied.
 */
function filesOf(input) {
  if (input.files) return input.files.map((file) => ({ ...file, owned: true }));
  if (input.value instanceof Uint8Array) return [{ name: input.fileName, bytes: input.value, owned: input.owned === true }];
  if (typeof input.value === 'string') return [{ name: input.fileName, bytes: new TextEncoder().encode(input.value), owned: true }];
  return null;
}

/** Bytes copied per task where a large buffer is copied on the page. */
const COPY_SLICE_BYTES = 16 << 20;

/**
 * A copy of `bytes`, made a slice per task so a large copy never blocks the page for long; stops
 * early (with a partial copy nobody uses) once `signal` aborts.
 */
async function copyInSlices(bytes, signal) {
  const copy = new Uint8Array(bytes.length);
  for (let offset = 0; offset < bytes.length && !signal.aborted; offset += COPY_SLICE_BYTES) {
    if (offset > 0) await nextTask();
    copy.set(bytes.subarray(offset, offset + COPY_SLICE_BYTES), offset);
  }
  return copy;
}

/**
 * Bytes that can be moved to a worker: the element's own whole buffers as they are; the caller's
 * (which must stay usable) as a copy.
 */
function movable(file, signal) {
  const whole = file.bytes.byteOffset === 0 && file.bytes.byteLength === file.bytes.buffer.byteLength;
  return file.owned && whole ? file.bytes : copyInSlices(file.bytes, signal);
}

/** The error a failed load rejects with and reports in the `load-error` event. */
export class TraceLoadError extends Error {
  constructor(message, source) {
    super(message);
    this.name = 'TraceLoadError';
    this.source = source;
  }
}

export class TraceViewerElement extends HTMLElement {
  static observedAttributes = ['src', 'selected-span', 'selected-trace', 'view'];

  #handle = null;
  /**
   * The last input, replayed when the element is connected (again): as given, or once a worker
   * has imported it, as the worker's result (`{ encoded, names }`), which needs no second import.
   */
  #input = null;
  /** What was last given to `data` or `load()`, as given. */
  #data = null;
  /** Increments per load so a slow fetch cannot overwrite a newer load. */
  #loadNumber = 0;
  /** Resolves once a handle exists; loads made before that wait on it. */
  #mounted = null;
  #resolveMounted = null;
  #waitingLoads = 0;
  /** Imports running in a worker; a reconnect meanwhile lets them finish instead of replaying. */
  #importing = 0;
  /** Ends the running import's worker when a newer load or `clear()` supersedes it. */
  #importAbort = null;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.#resetMounted();
  }

  #resetMounted() {
    this.#mounted = new Promise((resolve) => { this.#resolveMounted = resolve; });
  }

  async connectedCallback() {
    try {
      await loadWasm();
    } catch (error) {
      this.shadowRoot.textContent = String(error?.message ?? error);
      return;
    }
    if (!this.isConnected || this.#handle) return;
    this.#handle = new ViewerHandle(this.shadowRoot, this);
    this.#handle.setView(this.getAttribute('view') ?? 'auto');
    const replay = this.#input && this.#waitingLoads === 0 && this.#importing === 0;
    this.#resolveMounted();
    if (replay) {
      this.#apply(this.#input).catch(() => {});
    } else if (!this.#input && this.getAttribute('src')) {
      this.#fetchSource(this.getAttribute('src')).catch(() => {});
    }
  }

  disconnectedCallback() {
    if (this.#handle) {
      this.#handle.free();
      this.#handle = null;
      this.#resetMounted();
      releaseOldTraces();
    }
    this.shadowRoot.replaceChildren();
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.#handle || oldValue === newValue) return;
    if (name === 'src' && newValue) this.#fetchSource(newValue).catch(() => {});
    if (name === 'view') this.#handle.setView(newValue ?? 'auto');
    if (name === 'selected-trace' && newValue) {
      this.#handle.selectTrace(newValue);
      if ((this.getAttribute('view') ?? 'auto') === 'auto') this.#handle.setView('trace');
    }
    if (name === 'selected-span' && newValue) this.#handle.selectSpan(newValue);
  }

  get src() { return this.getAttribute('src') ?? ''; }
  set src(url) { this.setAttribute('src', url); }

  /** What was last given to `data` or `load()`, as given; null after `clear()` or a `src` load. */
  get data() { return this.#data; }
  set data(value) { this.load(value).catch(() => {}); }

  /**
   * Loads a trace: a JSON string, a parsed object, bytes (ArrayBuffer or typed array), a Blob or
   * File, or an array of Files (a trace file and its log file, say, read as one set). Resolves
   * with a summary; rejects with a TraceLoadError.
   */
  async load(value, fileName) {
    this.#importAbort?.abort();
    const loadNumber = ++this.#loadNumber;
    this.#data = value;
    let input;
    if (Array.isArray(value) && value.every((item) => item instanceof Blob)) {
      const buffers = await Promise.all(value.map((file) => readBlob(file)));
      input = { files: value.map((file, index) => ({ name: file.name ?? `file ${index + 1}`, bytes: buffers[index] })) };
    } else if (value instanceof Blob) {
      input = { value: await readBlob(value), fileName: fileName ?? value.name ?? null, owned: true };
    } else if (value instanceof ArrayBuffer) {
      input = { value: new Uint8Array(value), fileName: fileName ?? null };
    } else if (ArrayBuffer.isView(value)) {
      input = { value: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), fileName: fileName ?? null };
    } else {
      input = { value, fileName: fileName ?? null };
    }
    return this.#apply(input, loadNumber);
  }

  /** Selects and reveals a span by id; returns false when the shown trace has no such span. */
  select(spanId) {
    return this.#handle ? this.#handle.selectSpan(String(spanId)) : false;
  }

  /** The selected span's id, or null. Setting it selects that span. */
  get selectedSpan() { return this.#handle?.selectedSpan() ?? null; }
  set selectedSpan(spanId) { this.select(spanId); }

  /** A read-only summary of what is loaded (format, traces, span counts), or null. */
  get traces() { return this.#handle?.summary() ?? null; }

  /** Unfolds every span. */
  expandAll() { this.#handle?.expandAll(); }

  /** Folds every span to its root. */
  collapseAll() { this.#handle?.collapseAll(); }

  /** Shows nothing and forgets the last input. */
  clear() {
    this.#importAbort?.abort();
    this.#loadNumber += 1;
    this.#input = null;
    this.#data = null;
    this.removeAttribute('src');
    this.#handle?.clear();
    releaseOldTraces();
  }

  async #fetchSource(url) {
    this.#importAbort?.abort();
    const loadNumber = ++this.#loadNumber;
    this.#data = null;
    let bytes;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
      bytes = await gunzipIfCompressed(await this.#readWithProgress(response, loadNumber));
    } catch (error) {
      this.#showProgress(null);
      if (loadNumber !== this.#loadNumber) return;
      const message = `Could not fetch ${url}: ${error?.message ?? error}`;
      this.#handle?.showError(message);
      this.#emitError(message, url);
      throw new TraceLoadError(message, url);
    }
    if (loadNumber !== this.#loadNumber) return;
    const name = url.split(/[?#]/)[0].split('/').pop() || null;
    return this.#apply({ value: bytes, fileName: name, owned: true }, loadNumber);
  }

  /** Reads a response body, showing how much has arrived (of how much, when the size is known). */
  async #readWithProgress(response, loadNumber) {
    const total = Number(response.headers.get('content-length')) || 0;
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    // Each chunk is copied into place as it arrives, so no single task copies the whole file.
    // The buffer starts at the announced size (a compressed transfer announces less) and doubles.
    let bytes = new Uint8Array(total || 1 << 20);
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (received + value.length > bytes.length) {
        const larger = new Uint8Array(Math.max(bytes.length * 2, received + value.length));
        larger.set(bytes.subarray(0, received));
        bytes = larger;
      }
      bytes.set(value, received);
      received += value.length;
      if (loadNumber === this.#loadNumber) this.#showProgress({ received, total });
    }
    return received === bytes.length ? bytes : bytes.slice(0, received);
  }

  /**
   * A progress bar over the viewer while a file downloads and is read; `null` hides it. It lives
   * outside the Leptos view so it shows even before the first trace.
   */
  #showProgress(progress) {
    let bar = this.shadowRoot.querySelector('.tv-progress');
    if (!progress) {
      bar?.remove();
      return;
    }
    if (!bar) {
      bar = document.createElement('div');
      bar.className = 'tv-progress';
      bar.setAttribute('role', 'progressbar');
      bar.setAttribute('part', 'progress');
      const label = document.createElement('span');
      const track = document.createElement('progress');
      bar.append(label, track);
      this.shadowRoot.append(bar);
    }
    const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
    const [label, track] = bar.children;
    if (progress.phase === 'importing') {
      const count = (spans) => spans.toLocaleString('en-US');
      label.textContent = progress.spansRead === undefined ? `Reading ${megabytes(progress.size)}…`
        : progress.spansRead < 0 ? 'Building the tree…'
        : `Reading ${megabytes(progress.size)}… ${count(progress.spansRead)} spans`;
      track.removeAttribute('value');
    } else if (progress.phase === 'preparing') {
      label.textContent = `Preparing the view… ${Math.floor(progress.share * 100)}%`;
      track.max = 1;
      track.value = progress.share;
    } else {
      label.textContent = progress.total ? `Downloading ${megabytes(progress.received)} of ${megabytes(progress.total)}` : `Downloading ${megabytes(progress.received)}`;
      if (progress.total) {
        track.max = progress.total;
        track.value = progress.received;
      }
    }
    bar.setAttribute('aria-valuetext', label.textContent);
  }

  async #apply(input, loadNumber = ++this.#loadNumber) {
    this.#input = input;
    if (!this.#handle) {
      this.#waitingLoads += 1;
      await this.#mounted;
      this.#waitingLoads -= 1;
    }
    if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
    const files = input.encoded ? null : filesOf(input);
    const size = input.encoded?.length ?? files?.reduce((sum, file) => sum + file.bytes.length, 0) ?? 0;
    const names = input.names ?? files?.map((file) => file.name ?? '') ?? [];
    const source = input.source ?? input.fileName ?? input.files?.map((file) => file.name).join(' + ') ?? undefined;
    let summary;
    try {
      if (input.failed) throw new Error(input.failed);
      let encoded = input.encoded ?? null;
      if (files) {
        if (size > PROGRESS_FROM_BYTES) this.#showProgress({ phase: 'importing', size });
        this.#importAbort?.abort();
        const abort = new AbortController();
        this.#importAbort = abort;
        this.#importing += 1;
        try {
          const showProgress = size > PROGRESS_FROM_BYTES;
          encoded = await importInWorker(files, abort.signal, (spansRead) => {
            if (showProgress && loadNumber === this.#loadNumber) this.#showProgress({ phase: 'importing', size, spansRead });
          });
        } finally {
          this.#importing -= 1;
          if (this.#importAbort === abort) this.#importAbort = null;
        }
        // The bytes may have moved to the worker: a replay uses the worker's result instead.
        if (loadNumber !== this.#loadNumber) return undefined;
        if (encoded) this.#input = { encoded, names, source };
        if (!this.#handle) return undefined;
      }
      if (encoded) {
        summary = await this.#showEncoded(encoded, names, size > PROGRESS_FROM_BYTES, loadNumber);
        if (summary === undefined) return undefined;
      } else {
        summary = await this.#importOnPage(input, files, names, size, loadNumber);
        if (summary === undefined) return undefined;
      }
    } catch (error) {
      this.#showProgress(null);
      const message = String(error?.message ?? error);
      if (loadNumber !== this.#loadNumber) return undefined;
      // The bytes may be gone to the worker; a replay shows the same error without them.
      this.#input = { failed: message, source };
      this.#handle?.showError(message);
      this.#emitError(message, source);
      throw new TraceLoadError(message, source);
    }
    this.#showProgress(null);
    releaseOldTraces();
    const trace = this.getAttribute('selected-trace');
    if (trace) {
      this.#handle.selectTrace(trace);
      if ((this.getAttribute('view') ?? 'auto') === 'auto') this.#handle.setView('trace');
    }
    const selected = this.getAttribute('selected-span');
    if (selected) this.#handle.selectSpan(selected);
    this.dispatchEvent(new CustomEvent('load', { detail: summary, bubbles: true, composed: true }));
    return summary;
  }

  /** Decodes what the worker sent a slice at a time, then shows it; undefined if superseded. */
  async #showEncoded(encoded, names, showProgress, loadNumber) {
    await nextTask();
    if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
    const decoder = new TransferDecoder(encoded.length);
    try {
      // Into the wasm a slice per task too: growing its memory by tens of MB at once takes long.
      for (let offset = 0; offset < encoded.length; offset += COPY_SLICE_BYTES) {
        decoder.append(encoded.subarray(offset, offset + COPY_SLICE_BYTES));
        await nextTask();
        if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      }
      decoder.start();
      while (!decoder.step(DECODE_SLICE_MS)) {
        if (showProgress) this.#showProgress({ phase: 'preparing', share: decoder.progress() });
        await nextTask();
        if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      }
      // The first frame of a large trace takes a while of its own: it gets a task to itself.
      await nextTask();
      if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      return this.#handle.showDecoded(decoder, names);
    } finally {
      decoder.free();
    }
  }

  /** Imports on the main thread: parsed objects, and files where no worker could start. */
  async #importOnPage(input, files, names, size, loadNumber) {
    if (size > PROGRESS_FROM_BYTES) {
      // Say so and let the browser draw it before the (synchronous) import starts.
      this.#showProgress({ phase: 'importing', size });
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
    }
    if (files) return this.#handle.loadFiles(names, files.map((file) => file.bytes));
    return this.#handle.loadObject(input.value);
  }

  #emitError(message, source) {
    this.dispatchEvent(new CustomEvent('load-error', { detail: { message, source }, bubbles: true, composed: true }));
  }
}

if (!customElements.get('trace-viewer')) {
  customElements.define('trace-viewer', TraceViewerElement);
}
