// <trace-viewer>: the custom element around the WebAssembly viewer.
// wasm-bindgen cannot extend HTMLElement, so this small hand-written module does: it loads the
// wasm once per page, gives each element its own shadow root and ViewerHandle, maps attributes,
// properties and methods onto the handle, and frees the handle when the element is removed.
import init, { ViewerHandle } from './wasm/trace_viewer.js';

let wasmLocation = null;
let wasmReady = null;
let wasmExports = null;

/** Points the element at a different `trace_viewer_bg.wasm` (a URL, or the bytes themselves); call before the first element connects. */
export function setWasmUrl(url) {
  wasmLocation = url;
}

function loadWasm() {
  if (!wasmReady) {
    if (typeof WebAssembly !== 'object') {
      return Promise.reject(new Error('trace-viewer needs WebAssembly, which this browser does not provide.'));
    }
    // setWasmUrl() wins; then a page-wide `globalThis.TRACE_VIEWER_WASM` set before this module
    // loads (a URL or the bytes); else the file next to this module.
    const location = wasmLocation ?? globalThis.TRACE_VIEWER_WASM ?? new URL('./wasm/trace_viewer_bg.wasm', import.meta.url);
    wasmReady = init({ module_or_path: location }).then((exports) => {
      wasmExports = exports;
      return exports;
    });
  }
  return wasmReady;
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
  /** The last input given, replayed when the element is connected (again). */
  #input = null;
  /** Increments per load so a slow fetch cannot overwrite a newer load. */
  #loadNumber = 0;
  /** Resolves once a handle exists; loads made before that wait on it. */
  #mounted = null;
  #resolveMounted = null;
  #waitingLoads = 0;

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
    const replay = this.#input && this.#waitingLoads === 0;
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

  /** The trace document: a JSON string or an already parsed object. */
  get data() { return this.#input?.value ?? null; }
  set data(value) { this.load(value).catch(() => {}); }

  /**
   * Loads a trace: a JSON string, a parsed object, bytes (ArrayBuffer or typed array), a Blob or
   * File, or an array of Files (a trace file and its log file, say, read as one set). Resolves
   * with a summary; rejects with a TraceLoadError.
   */
  async load(value, fileName) {
    const loadNumber = ++this.#loadNumber;
    let input;
    if (Array.isArray(value) && value.every((item) => item instanceof Blob)) {
      const buffers = await Promise.all(value.map((file) => readBlob(file)));
      input = { files: value.map((file, index) => ({ name: file.name ?? `file ${index + 1}`, bytes: buffers[index] })) };
    } else if (value instanceof Blob) {
      input = { value: await readBlob(value), fileName: fileName ?? value.name ?? null };
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
    this.#loadNumber += 1;
    this.#input = null;
    this.removeAttribute('src');
    this.#handle?.clear();
  }

  async #fetchSource(url) {
    const loadNumber = ++this.#loadNumber;
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
    return this.#apply({ value: bytes, fileName: name }, loadNumber);
  }

  /** Reads a response body, showing how much has arrived (of how much, when the size is known). */
  async #readWithProgress(response, loadNumber) {
    const total = Number(response.headers.get('content-length')) || 0;
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      if (loadNumber === this.#loadNumber) this.#showProgress({ received, total });
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
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
    if (progress.phase === 'reading') {
      label.textContent = `Reading ${megabytes(progress.size)}…`;
      track.removeAttribute('value');
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
    // Large inputs: say so and let the browser draw it before the (synchronous) import starts.
    const size = input.value?.length ?? input.files?.reduce((sum, file) => sum + file.bytes.length, 0) ?? 0;
    if (size > 2_000_000) {
      this.#showProgress({ phase: 'reading', size });
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      if (loadNumber !== this.#loadNumber) return undefined;
    }
    const source = input.fileName ?? input.files?.map((file) => file.name).join(' + ') ?? undefined;
    let summary;
    try {
      if (input.files) {
        summary = this.#handle.loadFiles(input.files.map((file) => file.name), input.files.map((file) => file.bytes));
      } else if (input.value instanceof Uint8Array) {
        summary = this.#handle.loadBytes(input.value, input.fileName);
      } else if (typeof input.value === 'string') {
        summary = this.#handle.loadText(input.value, input.fileName);
      } else {
        summary = this.#handle.loadObject(input.value);
      }
    } catch (error) {
      this.#showProgress(null);
      const message = String(error?.message ?? error);
      this.#emitError(message, source);
      throw new TraceLoadError(message, source);
    }
    this.#showProgress(null);
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

  #emitError(message, source) {
    this.dispatchEvent(new CustomEvent('load-error', { detail: { message, source }, bubbles: true, composed: true }));
  }
}

if (!customElements.get('trace-viewer')) {
  customElements.define('trace-viewer', TraceViewerElement);
}
