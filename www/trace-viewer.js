// <trace-viewer>: the custom element around the WebAssembly viewer.
// wasm-bindgen cannot extend HTMLElement, so this small hand-written module does: it loads the
// wasm once per page, gives each element its own shadow root and ViewerHandle, maps attributes,
// properties and methods onto the handle, and frees the handle when the element is removed.
// Files are imported in a Web Worker (trace-viewer-worker.js, with the worker's own wasm module)
// and handed back in a compact encoding that the page decodes a slice at a time, so even a 100 MB
// file never freezes the page. The page's module has no importer: where no worker can start, the
// worker's module runs on the main thread and hands back the same encoding.
import { DecodeStep, ViewerHandle, TransferDecoder } from './wasm/trace_viewer.js';
import {
  DECODE_SLICE_MS, PROGRESS_FROM_BYTES, filesOf, gunzipIfCompressed, importInWorker, importOnMainThread,
  loadWasm, nextTask, readBlob, releaseOldTraces,
} from './trace-viewer-loader.js';

export { setWasmUrl, setWorkerUrl, setWorkerWasmUrl, wasmMemoryBytes, warmedUp } from './trace-viewer-loader.js';

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
   * has imported it, as the worker's result (`{ encoded, source }`, `encoded` an `EncodedPieces`),
   * which needs no second import.
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
    this.#handle = new ViewerHandle(this.shadowRoot, (name, detail) => this.#emitLater(name, detail));
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
    const files = input.encoded || input.failed ? null : filesOf(input);
    const size = input.encoded?.byteLength ?? (files ?? []).reduce((sum, file) => sum + file.bytes.length, 0);
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
        if (encoded) this.#input = { encoded, source };
        if (!this.#handle) return undefined;
      }
      if (!encoded) {
        encoded = await this.#importOnPage(files, size, loadNumber);
        if (encoded === undefined) return undefined;
        this.#input = { encoded, source };
      }
      summary = await this.#showEncoded(encoded, size > PROGRESS_FROM_BYTES, loadNumber);
      if (summary === undefined) return undefined;
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
    this.#emit('load', summary);
    return summary;
  }

  /**
   * Decodes what the worker sends (`EncodedPieces`: pieces of about 16 MB, which may still be
   * arriving) a slice at a time, then shows it; undefined if superseded.
   */
  async #showEncoded(encoded, showProgress, loadNumber) {
    await nextTask();
    if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
    const decoder = new TransferDecoder();
    try {
      let added = 0;
      /** Waits for the next piece, adds every piece that has arrived, and says when none will follow. */
      const addArrived = async () => {
        const more = await encoded.arrived(added);
        for (; added < encoded.pieces.length; added += 1) decoder.addPiece(encoded.pieces[added]);
        if (!more || encoded.complete) decoder.allPiecesAdded();
      };
      await addArrived();
      if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      decoder.start();
      // Reading the first piece in took a while: the decoding starts in a task of its own.
      await nextTask();
      if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      for (;;) {
        const reached = decoder.step(DECODE_SLICE_MS);
        if (reached === DecodeStep.Done) break;
        if (reached === DecodeStep.NeedsPiece) {
          await addArrived();
        } else {
          if (showProgress) this.#showProgress({ phase: 'preparing', share: decoder.progress() });
          await nextTask();
        }
        if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      }
      // The first frame of a large trace takes a while of its own: it gets a task to itself, and
      // the summary (a walk over every span) the next one.
      await nextTask();
      if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      this.#handle.showDecoded(decoder);
      await nextTask();
      if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
      return this.#handle.summary();
    } finally {
      decoder.free();
    }
  }

  /**
   * Imports on the main thread where no worker could start, with the worker's module; resolves
   * with its encoded result, or undefined if superseded.
   */
  async #importOnPage(files, size, loadNumber) {
    const showProgress = size > PROGRESS_FROM_BYTES;
    if (showProgress) {
      // Say so and let the browser draw it before the (synchronous) import starts.
      this.#showProgress({ phase: 'importing', size });
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    }
    if (!this.#handle || loadNumber !== this.#loadNumber) return undefined;
    return importOnMainThread(files, () => {});
  }

  #emitError(message, source) {
    this.#emit('load-error', { message, source });
  }

  /** Every event leaves from here: a `CustomEvent` that bubbles out of the shadow root. */
  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /**
   * Events the viewer raises while it handles a click or a call (`span-select`, `trace-select`)
   * are dispatched once that call has returned, so a listener may call back into the element.
   */
  #emitLater(name, detail) {
    queueMicrotask(() => this.#emit(name, detail));
  }
}

if (!customElements.get('trace-viewer')) {
  customElements.define('trace-viewer', TraceViewerElement);
}
