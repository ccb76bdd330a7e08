// @ts-check
// <trace-viewer>: the custom element around the WebAssembly viewer.
// wasm-bindgen cannot extend HTMLElement, so this small hand-written module does: it waits for
// the page's wasm module once per page, gives each element its own shadow root and ViewerHandle,
// maps attributes, properties and methods onto the handle, dispatches every event, and frees the
// handle when the element is removed. Each load is one `TraceLoad` (trace-viewer-load.js): files
// are imported by the worker's module in a Web Worker and handed back in a compact encoding that
// the page decodes a slice at a time, so even a 100 MB file never freezes the page.
import { ViewerHandle } from './wasm/trace_viewer.js';
import { PROGRESS_FROM_BYTES, filesOfInput } from './trace-viewer-bytes.js';
import { CorpusHandOver, warmUpImpossible, warmUpOnce } from './trace-viewer-import.js';
import { TraceLoad } from './trace-viewer-load.js';
import { blobOverCeiling, corpusSourcesOf, isJsonLinesName, largeDocumentSources } from './trace-viewer-sources.js';
import { CorpusReview } from './trace-viewer-review.js';
import { CorpusTable } from './trace-viewer-table.js';
import { showProgress } from './trace-viewer-progress.js';
import { loadPageModule, releaseOldTraces } from './trace-viewer-wasm.js';

export { setWorkerUrl, warmedUp } from './trace-viewer-import.js';
export { setMaxFileBytes } from './trace-viewer-bytes.js';
export { setWasmUrl, setWorkerWasmUrl, wasmMemoryBytes } from './trace-viewer-wasm.js';

/** @typedef {import('./trace-viewer-bytes.js').ImportFile} ImportFile */

/** The Review tab's requests, answered by `CorpusReview`. */
const REVIEW_REQUESTS = new Set(['corpus:reviewQueue', 'corpus:patterns', 'corpus:labelAll', 'corpus:labelsExport', 'corpus:labelsImport',
  'corpus:labelsAgreement', 'corpus:taxonomyImport', 'corpus:taxonomyExport', 'corpus:taxonomySave']);

/** Why `query()`, `aggregate()` and `bubbleUp()` reject before a corpus is loaded. */
const NO_CORPUS = 'No corpus is loaded: load several files, a JSON Lines file, or set view="table" first.';
/** @typedef {import('./trace-viewer-import.js').EncodedPieces} EncodedPieces */

/**
 * What a load shows, kept so a reconnected element shows it again: the files as given, or once
 * imported, the encoded result (which needs no second import; the bytes may have moved to the
 * worker), or the error it ended with.
 * @typedef {{ files: ImportFile[], source?: string }
 *   | { encoded: EncodedPieces, source?: string }
 *   | { failed: string, source?: string }} Input
 */

/** The traces table's order until a person (or the `sort` attribute) picks another: newest first. */
const DEFAULT_TABLE_SORT = 'start desc';

/** The error a failed load rejects with and reports in the `load-error` event. */
export class TraceLoadError extends Error {
  /**
   * @param {string} message
   * @param {string | undefined} source
   */
  constructor(message, source) {
    super(message);
    this.name = 'TraceLoadError';
    this.source = source;
  }
}

/**
 * What the element extends: `HTMLElement` in a browser; on a server (Node, a framework's server
 * rendering) a plain class, so importing the package there does not throw. The element is only
 * defined where `customElements` exists.
 */
const ElementBase = /** @type {typeof HTMLElement} */ (typeof HTMLElement === 'undefined' ? class {} : HTMLElement);

/**
 * Properties a page may set on a `<trace-viewer>` before this module defined the element (an
 * own property then hides the class's setter): each is taken off and set again on upgrade, the
 * custom elements' "lazy properties" rule.
 */
const LAZY_PROPERTIES = /** @type {const} */ (['data', 'src', 'view', 'theme', 'filter', 'sort', 'panels', 'failDefinition', 'selectedTrace', 'selectedSession', 'selectedSpan']);

export class TraceViewerElement extends ElementBase {
  static observedAttributes = ['src', 'selected-span', 'selected-trace', 'selected-session', 'view', 'filter', 'sort', 'panels', 'fail-definition'];

  /** @type {ViewerHandle | null} */
  #handle = null;
  /** The last load's input, replayed when the element is connected again. @type {Input | null} */
  #input = null;
  /** What was last given to `data` or `load()`, as given. @type {unknown} */
  #data = null;
  /** The load under way (or the last one); a newer load, or a replay, aborts it. @type {TraceLoad | null} */
  #load = null;
  /**
   * Ends the import behind `#input` (its worker may still be sending pieces): aborted when a new
   * input replaces it (`load()`, `src`, `clear()`), not when a reconnect replays the same input.
   * @type {AbortController}
   */
  #inputImport = new AbortController();
  /** Resolves once a handle exists; loads made before that wait on it. @type {Promise<void>} */
  #mounted = Promise.resolve();
  #resolveMounted = () => {};
  #waitingLoads = 0;
  /** Imports under way; a reconnect meanwhile lets them finish instead of replaying. */
  #importing = 0;
  /** The corpus shown on the traces table, if any (its worker lives as long as it). @type {CorpusTable | null} */
  #table = null;
  /** The review of that corpus: its labels saved and synced, its files. @type {CorpusReview | null} */
  #review = null;
  /** Set while the element writes `filter` and `sort` itself (the table changed them). */
  #reflecting = false;
  /** Set while the element writes `selected-span` itself (a person selected a span). */
  #reflectingSpan = false;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
    this.#resetMounted();
    for (const name of LAZY_PROPERTIES) {
      if (!Object.prototype.hasOwnProperty.call(this, name)) continue;
      const value = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (this))[name];
      delete (/** @type {Record<string, unknown>} */ (/** @type {unknown} */ (this)))[name];
      /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (this))[name] = value;
    }
  }

  /** The shadow root (open, attached in the constructor). */
  get #root() {
    return /** @type {ShadowRoot} */ (this.shadowRoot);
  }

  #resetMounted() {
    this.#mounted = new Promise((resolve) => { this.#resolveMounted = () => resolve(undefined); });
  }

  async connectedCallback() {
    try {
      await loadPageModule();
    } catch (error) {
      this.#root.textContent = messageOf(error);
      warmUpImpossible();
      return;
    }
    warmUpOnce();
    if (!this.isConnected || this.#handle) return;
    this.#handle = new ViewerHandle(this.#root, (/** @type {string} */ name, /** @type {unknown} */ detail) => this.#onViewerEvent(name, detail));
    this.#handle.setView(this.getAttribute('view') ?? 'auto');
    this.#handle.setPanels(this.getAttribute('panels') ?? '');
    this.#handle.setFailDefinition(this.getAttribute('fail-definition') ?? '');
    this.#handle.selectSession(this.getAttribute('selected-session') ?? '');
    if (this.#table) {
      // Reconnected while showing a corpus: its worker still holds it; the table asks again.
      this.#handle.startCorpus(this.#table.filter, this.#table.sort);
      this.#resolveMounted();
      this.#table.refresh().catch(() => {});
      this.#review?.reload().catch(() => {});
      return;
    }
    const replay = this.#input && this.#waitingLoads === 0 && this.#importing === 0;
    this.#resolveMounted();
    const src = this.getAttribute('src');
    if (replay && this.#input) {
      this.#show(this.#input, this.#startLoad(this.#input.source, { replay: true })).catch(() => {});
    } else if (!this.#input && src) {
      this.#fetchSource(src).catch(() => {});
    }
  }

  disconnectedCallback() {
    // Moved within the page, the element is connected again at once; removed, its corpus ends
    // (the worker's memory goes back to the system).
    queueMicrotask(() => {
      if (!this.isConnected) this.#endTable();
    });
    if (this.#handle) {
      this.#handle.free();
      this.#handle = null;
      this.#resetMounted();
      releaseOldTraces();
    }
    this.#root.replaceChildren();
  }

  /**
   * @param {string} name
   * @param {string | null} oldValue
   * @param {string | null} newValue
   */
  attributeChangedCallback(name, oldValue, newValue) {
    if (!this.#handle || oldValue === newValue) return;
    if (name === 'src' && newValue) this.#fetchSource(newValue).catch(() => {});
    if (name === 'view') this.#handle.setView(newValue ?? 'auto');
    if (name === 'panels') this.#handle.setPanels(newValue ?? '');
    if (name === 'fail-definition') this.#handle.setFailDefinition(newValue ?? '');
    if (name === 'selected-trace' && newValue && this.#table) {
      this.#table.open(newValue).catch(() => {});
    } else if (name === 'selected-trace' && newValue) {
      this.#handle.selectTrace(newValue);
      if ((this.getAttribute('view') ?? 'auto') === 'auto') this.#handle.setView('trace');
    }
    if (name === 'selected-span' && newValue && !this.#reflectingSpan) this.#handle.selectSpan(newValue);
    if (name === 'selected-session') this.#handle.selectSession(newValue ?? '');
    if ((name === 'filter' || name === 'sort') && this.#table && !this.#reflecting) {
      const filter = this.getAttribute('filter') ?? '';
      const sort = this.getAttribute('sort') ?? DEFAULT_TABLE_SORT;
      this.#handle.setCorpusQuery(filter, sort);
      this.#table.setQuery(filter, sort).catch(() => {});
    }
  }

  /**
   * The session whose conversation the sessions tab shows (reflects `selected-session`; null:
   * the sessions list). Setting it shows that session's turns.
   */
  get selectedSession() { return this.getAttribute('selected-session'); }
  set selectedSession(session) {
    if (session === null || session === undefined || session === '') this.removeAttribute('selected-session');
    else this.setAttribute('selected-session', String(session));
  }

  /** What the element shows (reflects `view`): `auto` (the default), `list`, `trace`, `table`, `dashboard` or `sessions`. */
  get view() { return this.getAttribute('view') ?? 'auto'; }
  set view(view) { this.setAttribute('view', String(view)); }

  /** The colour theme (reflects `theme`): `light`, `dark`, or null to follow the system. */
  get theme() {
    const theme = this.getAttribute('theme');
    return theme === 'light' || theme === 'dark' ? theme : null;
  }
  set theme(theme) {
    if (theme === 'light' || theme === 'dark') this.setAttribute('theme', theme);
    else this.removeAttribute('theme');
  }

  /** The trace shown or opened from the table (reflects `selected-trace`); null: none asked for. */
  get selectedTrace() { return this.getAttribute('selected-trace'); }
  set selectedTrace(traceId) {
    if (traceId === null || traceId === undefined || traceId === '') this.removeAttribute('selected-trace');
    else this.setAttribute('selected-trace', String(traceId));
  }

  /** The traces table's filter (reflects the `filter` attribute; see `query()` for the language). */
  get filter() { return this.getAttribute('filter') ?? ''; }
  set filter(text) { this.setAttribute('filter', String(text)); }

  /** The traces table's sort, such as `duration_ms desc, name` (reflects the `sort` attribute). */
  get sort() { return this.getAttribute('sort') ?? ''; }
  set sort(text) { this.setAttribute('sort', String(text)); }

  /** The dashboard's panels, such as `fail_rate by intent, p95_duration_ms by model` (reflects `panels`). */
  get panels() { return this.getAttribute('panels') ?? ''; }
  set panels(text) { this.setAttribute('panels', String(text)); }

  /**
   * Which traces count as failed for `fail_rate`: a filter of the query language (empty: a span
   * failed, a thumbs down or an abandonment). Setting it sets the `fail-definition` attribute;
   * reading it gives the definition in use, also when typed on the dashboard.
   */
  get failDefinition() { return this.#handle?.failDefinition() ?? this.getAttribute('fail-definition') ?? ''; }
  set failDefinition(text) { this.setAttribute('fail-definition', String(text)); }

  /**
   * Asks the corpus: how many traces match `filter`, and the first `limit` (default 100) trace ids
   * in `sort` order (ties by trace id ascending). An empty filter matches every trace. Rejects
   * when no corpus is loaded, or (with the column in its message) when the filter does not read.
   * @param {string} [filter]
   * @param {{ sort?: string, limit?: number }} [options]
   * @returns {Promise<{ count: number, traceIds: string[] }>}
   */
  query(filter = '', { sort = '', limit = 100 } = {}) {
    if (!this.#table) return Promise.reject(new Error(NO_CORPUS));
    return this.#table.query(String(filter), String(sort), Math.max(0, Math.floor(limit)));
  }

  /**
   * Aggregates the corpus: the traces `filter` keeps, grouped by `groupBy` (fields of the query
   * language; a trace counts in the group of each of its models or tools), with `measures`
   * (`count`, `error_rate`, `fail_rate`, `p50_duration_ms`, ...; `fail_rate` by `failDefinition`,
   * by default the element's). Resolves with `{ groups }`, largest first.
   * @param {{ groupBy?: string[], measures?: string[], filter?: string, failDefinition?: string }} [request]
   */
  aggregate({ groupBy = [], measures = ['count'], filter = '', failDefinition = this.failDefinition } = {}) {
    if (!this.#table) return Promise.reject(new Error(NO_CORPUS));
    return this.#table.aggregate(Array.from(groupBy, String), Array.from(measures, String), String(filter), String(failDefinition));
  }

  /**
   * The merged tree of the first `limit` (default 100,000) traces `filter` keeps, in the order they
   * were read: every span at its path of (kind, name) from the root, each path with its span
   * count, total and self time, p95 duration and error rate. The worker reads those traces' lines
   * again. Resolves with `{ traces, matching, paths: [{ parent, depth, kind, name, count, totalMs,
   * selfMs, p95Ms, errorRate }] }`, depth first (`parent`: a path's place in `paths`).
   * @param {{ filter?: string, limit?: number }} [request]
   */
  mergedTree({ filter = '', limit = 100_000 } = {}) {
    if (!this.#table) return Promise.reject(new Error(NO_CORPUS));
    return this.#table.mergedTree(String(filter), Math.max(1, Math.floor(Number(limit)) || 100_000));
  }

  /**
   * Joins a product outcomes file to the corpus: CSV or JSON Lines (gzip too) keyed by a
   * `trace_id`, `session_id` or `user_id` column. Its other columns become fields
   * (`outcome."plan"`: filter, group, sort, BubbleUp) and its numeric columns measures
   * (`mean(outcome."revenue")`, `sum(…)`). Read in the corpus worker; nothing leaves the machine.
   * Resolves with what was read and how many rows match a trace.
   * @param {string | ArrayBuffer | ArrayBufferView | Blob} input
   * @param {string} [fileName]
   */
  loadOutcomes(input, fileName) {
    if (!this.#table) return Promise.reject(new Error(NO_CORPUS));
    const name = fileName ?? (input instanceof File ? input.name : 'outcomes');
    return this.#table.loadOutcomes(input, name);
  }

  /**
   * BubbleUp: every value of every column ranked by how much more often the traces `selection`
   * keeps have it than those of `baseline` (by default every trace not selected). Resolves with
   * `[{ field, value, selection, baseline, score }]`, `score` descending.
   * @param {{ selection: string, baseline?: string, limit?: number }} request
   */
  bubbleUp({ selection, baseline, limit = 20 } = /** @type {any} */ ({})) {
    if (!this.#table) return Promise.reject(new Error(NO_CORPUS));
    if (typeof selection !== 'string') return Promise.reject(new TypeError('bubbleUp needs a selection: a filter such as \'feedback = thumbs_down\'.'));
    return this.#table.bubbleUp(selection, baseline === undefined ? null : String(baseline), Math.max(0, Math.floor(limit)));
  }
  /**
   * BubbleUp's numbers: each numeric column (duration, cost, tokens, spans, errors, documents,
   * scores, numeric outcomes) of the traces `selection` keeps and of the `baseline`'s (default:
   * every trace not selected) counted over the same 16 bins, to draw overlaid. Resolves with
   * `[{ field, score, selection, baseline, logScale, bins: [{ low, high, selection, baseline }] }]`,
   * `score` (the largest gap between the two cumulative shares) descending; `selection` and
   * `baseline` at the top are trace counts, in the bins shares.
   * @param {{ selection: string, baseline?: string, limit?: number }} request
   */
  bubbleUpHistograms({ selection, baseline, limit = 6 } = /** @type {any} */ ({})) {
    if (!this.#table) return Promise.reject(new Error(NO_CORPUS));
    if (typeof selection !== 'string') return Promise.reject(new TypeError('bubbleUpHistograms needs a selection: a filter such as \'status = error\'.'));
    return this.#table.bubbleUpHistograms(selection, baseline === undefined ? null : String(baseline), Math.max(0, Math.floor(limit)));
  }


  /**
   * Compares two groups of traces (two filters: `variant = "control"` and `variant = "treatment"`,
   * one file's and another's): each rate, duration percentile and the mean cost of both, the
   * difference b − a and its 95 % interval (Wilson/Newcombe for rates, a bootstrap for
   * percentiles, Welch for the mean cost). Resolves with `{ a, b, measures: [{ measure, a, b,
   * delta, low, high }] }` (`a` and `b` at the top: how many traces each group has).
   * @param {{ a: string, b: string, failDefinition?: string }} request
   */
  compare({ a, b, failDefinition = this.failDefinition } = /** @type {any} */ ({})) {
    if (!this.#table) return Promise.reject(new Error(NO_CORPUS));
    if (typeof a !== 'string' || typeof b !== 'string') return Promise.reject(new TypeError('compare needs two filters, a and b: such as { a: \'variant = "control"\', b: \'variant = "treatment"\' }.'));
    return this.#table.compare(a, b, String(failDefinition));
  }

  /**
   * Streams traces in: JSON Lines text or bytes, a chunk at a time (lines may be cut anywhere).
   * The first chunk starts a corpus on the traces table; each complete line is indexed at once
   * and new rows appear under the current filter.
   * @param {string | ArrayBuffer | ArrayBufferView} chunk
   */
  appendData(chunk) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk)
      : chunk instanceof ArrayBuffer ? new Uint8Array(chunk.slice(0))
        : new Uint8Array(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength));
    if (!this.#table) {
      this.#startLoad('appended data');
      const table = this.#newTable();
      this.#mounted.then(() => table.start()).catch((error) => this.#fail(messageOf(error), 'appended data').catch(() => {}));
    }
    this.#table?.append(bytes);
  }

  get src() { return this.getAttribute('src') ?? ''; }
  set src(url) { this.setAttribute('src', url); }

  /** What was last given to `data` or `load()`, as given; null after `clear()` or a `src` load. */
  get data() { return this.#data; }
  set data(value) { this.load(value).catch(() => {}); }

  /**
   * Loads a trace: a JSON string, a parsed object, bytes (ArrayBuffer or typed array), a Blob or
   * File, or an array of Files (a trace file and its log file, say, read as one set). Resolves
   * with a summary (undefined when a newer load replaced this one); rejects with a TraceLoadError.
   * @param {unknown} value
   * @param {string} [fileName]
   */
  async load(value, fileName) {
    this.#data = value;
    // `view="trace"` and `view="list"` import every input as one set, as before the corpus.
    let sources = this.#corpusAllowed() ? corpusSourcesOf(value, fileName ?? null, this.#corpusView()) : null;
    // A file too large to import whole may still be read element by element (OTLP, Jaeger).
    const large = !sources && this.#corpusAllowed() ? blobOverCeiling(value) : null;
    if (large) sources = await largeDocumentSources(large, fileName ?? null);
    if (sources) return this.#loadCorpus(sources);
    const load = this.#startLoad(fileName);
    let files;
    try {
      files = await filesOfInput(value, fileName ?? null);
    } catch (error) {
      // An unreadable Blob, corrupt gzip, an object JSON cannot write (a cycle, a BigInt).
      if (load.superseded) return undefined;
      return this.#fail(`Could not read the input: ${messageOf(error)}`, fileName);
    }
    load.source = files.map((file) => file.name).filter(Boolean).join(' + ') || undefined;
    if (load.superseded) return undefined;
    return this.#show({ files, source: load.source }, load);
  }

  /**
   * Selects and reveals a span by id; returns false when the shown trace has no such span.
   * @param {string} spanId
   */
  select(spanId) {
    return this.#handle ? this.#handle.selectSpan(String(spanId)) : false;
  }

  /**
   * The selected span's id, or null (a span id no span has selects nothing). Setting it writes
   * `selected-span`, which selects that span; a span a person selects is written there too.
   */
  get selectedSpan() { return this.#handle ? this.#handle.selectedSpan() ?? null : this.getAttribute('selected-span'); }
  set selectedSpan(spanId) {
    if (spanId === null || spanId === undefined || spanId === '') this.removeAttribute('selected-span');
    else this.setAttribute('selected-span', String(spanId));
  }

  /**
   * Moves focus into the viewer: to the span tree (on the traces table, its rows), where the
   * arrow keys work; before anything is shown, to the element itself.
   * @param {FocusOptions} [options]
   */
  focus(options) {
    const target = this.#root.querySelector('.tv-rows, .tv-table-scroll');
    if (target instanceof HTMLElement) target.focus(options);
    else super.focus(options);
  }

  /** A read-only summary of what is loaded (format, traces, span counts), or null. */
  get traces() { return this.#handle?.summary() ?? null; }

  /** Unfolds every span. */
  expandAll() { this.#handle?.expandAll(); }

  /** Folds every span to its root. */
  collapseAll() { this.#handle?.collapseAll(); }

  /**
   * Compares two traces (each a trace id or a 0-based position) instead of showing one; Back
   * returns to trace A. With a file's traces: false when either is not in the file. With a corpus
   * (a position is a row under the table's filter and sort): both are read again in its worker,
   * `compare-open` says when the comparison shows, an unknown id shows an error; true.
   * @param {string | number} a
   * @param {string | number} b
   */
  compareTraces(a, b) {
    if (!this.#handle) return false;
    if (this.#table) {
      this.#table.compareTraces(String(a), String(b)).catch(() => {});
      return true;
    }
    return this.#handle.compareTraces(String(a), String(b));
  }

  /**
   * The corpus's labels, by trace id: `{ trace_id, categories, severity, note, corrected_output,
   * labeller, time }` each (a line of the labels export without the trace's facts); empty
   * without a corpus.
   * @returns {object[]}
   */
  get labels() { return this.#table ? this.#handle?.labels() ?? [] : []; }

  /**
   * Merges a labels file (the labels export: JSON Lines as text, a Blob or File, or bytes) into
   * the corpus's labels; resolves with `{ added, unchanged, conflicts }` (a conflict keeps the
   * label already here). Saved, and `label-change` is not raised for them.
   * @param {unknown} input
   */
  importLabels(input) {
    if (!this.#review) return Promise.reject(new Error(NO_CORPUS));
    return this.#review.importLabels(input);
  }

  /**
   * The corpus's labels as a file: `jsonl` (the labels export, `labels.schema.json`), `langfuse`,
   * `langsmith`, `phoenix` or `generic` (datasets, one item per labelled trace with an input), or
   * `csv` (category × group counts, grouped by `groupBy`, default `intent`). Resolves with a Blob.
   * @param {string} [format]
   * @param {{ groupBy?: string }} [options]
   * @returns {Promise<Blob>}
   */
  exportLabels(format = 'jsonl', { groupBy = 'intent' } = {}) {
    if (!this.#review) return Promise.reject(new Error(NO_CORPUS));
    return this.#review.exportLabels(String(format), String(groupBy));
  }

  /** Shows nothing and forgets the last input. */
  clear() {
    this.#endTable();
    this.#load?.abort();
    this.#load = null;
    this.#inputImport.abort();
    this.#input = null;
    showProgress(this.#root, null);
    this.#data = null;
    this.removeAttribute('src');
    this.#handle?.clear();
    releaseOldTraces();
  }

  /**
   * A new load, which supersedes the one under way. A new input also ends the import behind the
   * last one, and forgets it (a reconnect meanwhile must not replay it); a replay of the same
   * input keeps that import, whose worker may still be sending pieces.
   * @param {string | undefined} source
   * @param {{ replay?: boolean }} [options]
   */
  #startLoad(source, { replay = false } = {}) {
    this.#load?.abort();
    if (!replay) {
      this.#endTable();
      this.#inputImport.abort();
      this.#inputImport = new AbortController();
      this.#input = null;
    }
    const load = new TraceLoad(source, this.#inputImport.signal, (progress) => showProgress(this.#root, progress));
    this.#load = load;
    return load;
  }

  /** Ends the corpus shown, if any: its worker and its table. */
  #endTable() {
    if (!this.#table) return;
    this.#table.end();
    this.#table = null;
    this.#review = null;
    this.#handle?.stopCorpus();
  }

  /** A corpus for the traces table, with the `filter` and `sort` attributes. */
  #newTable() {
    const table = new CorpusTable({
      handle: () => this.#handle,
      emit: (name, detail) => this.#emit(name, detail),
      emitCancelable: (name, detail) => this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true })),
      showEncoded: (encoded) => this.#showOpened(encoded),
      queryChanged: (filter, sort) => this.#reflectQuery(filter, sort),
      sessionOpened: (session) => {
        if (this.getAttribute('selected-session') !== session) this.setAttribute('selected-session', session);
      },
    }, this.getAttribute('filter') ?? '', this.getAttribute('sort') ?? DEFAULT_TABLE_SORT);
    this.#table = table;
    this.#review = new CorpusReview(table, () => this.#handle);
    this.#handle?.resetReview();
    return table;
  }

  /** Whether inputs may open as a corpus on the traces table (`view` auto, table, dashboard or sessions). */
  #corpusAllowed() {
    const view = this.getAttribute('view') ?? 'auto';
    return view === 'auto' || this.#corpusView();
  }

  /** Whether `view` asks for a corpus whatever the input (`table`, `dashboard`, `sessions` or `review`). */
  #corpusView() {
    const view = this.getAttribute('view');
    return view === 'table' || view === 'dashboard' || view === 'sessions' || view === 'review';
  }

  /**
   * A document of several traces: its import worker keeps them as a corpus for the table.
   * @param {Worker} worker
   * @param {TraceLoad} load
   * @param {string | undefined} source
   */
  async #adoptCorpus(worker, load, source) {
    this.#input = null;
    const table = this.#newTable();
    try {
      await table.adopt(worker);
    } catch (error) {
      if (load.superseded || this.#table !== table) return undefined;
      this.#endTable();
      return this.#fail(messageOf(error), source);
    }
    return this.#corpusLoaded(table, load, source ?? '');
  }

  /**
   * Loads sources as a corpus: the table shows at once and fills as the worker reads; resolves
   * once every source is read, with the corpus's summary. A corpus of one trace opens it (unless
   * `view` is `table`), resolving with that trace's summary as a single import would.
   * @param {Array<{ name: string, blob: Blob }>} sources
   */
  async #loadCorpus(sources) {
    const source = sources.map((item) => item.name).join(' + ');
    const load = this.#startLoad(source);
    if (!this.#handle) {
      this.#waitingLoads += 1;
      await this.#mounted;
      this.#waitingLoads -= 1;
    }
    if (!this.#handle || load.superseded) return undefined;
    const table = this.#newTable();
    try {
      await table.start();
      table.addSources(sources);
      await table.finished;
    } catch (error) {
      if (load.superseded || this.#table !== table) return undefined;
      this.#endTable();
      return this.#fail(messageOf(error), source);
    }
    return this.#corpusLoaded(table, load, source);
  }

  /**
   * A corpus is read: resolves with its summary (a corpus of one trace opens it instead), opens
   * the linked trace, and dispatches `load`.
   * @param {CorpusTable} table
   * @param {TraceLoad} load
   * @param {string} source
   */
  async #corpusLoaded(table, load, source) {
    if (load.superseded || this.#table !== table) return undefined;
    const [progress, reports] = await Promise.all([table.session.ask('progress'), table.session.ask('reports')]);
    /** @type {string[]} */
    const problems = reports.flatMap((/** @type {{ warnings: string[] }} */ report) => report.warnings);
    if (progress.traces === 0) {
      this.#endTable();
      return this.#fail(problems.length > 0 ? problems.join('\n') : `No trace was found in ${source}.`, source);
    }
    // Labels saved for this corpus come back (and become the worker's label column).
    await this.#review?.restore(source, progress.traces, progress.spansRead).catch(() => {});
    const linked = this.getAttribute('selected-trace');
    if (linked && progress.traces > 1) await table.open(linked);
    if (progress.traces === 1 && !this.#corpusView()) {
      const [traceId] = (await table.query('', '', 1)).traceIds;
      await table.open(traceId);
      if (problems.length > 0) this.#handle?.addFileWarnings(problems);
      const single = this.#handle?.summary();
      this.#emit('load', single);
      return single;
    }
    const summary = {
      format: 'corpus',
      traceCount: progress.traces,
      spanCount: progress.spansRead,
      files: reports,
      warnings: problems,
    };
    this.#emit('load', summary);
    return summary;
  }

  /**
   * Decodes and shows a trace the corpus opened, keeping the corpus.
   * @param {EncodedPieces} encoded
   */
  async #showOpened(encoded) {
    this.#load?.abort();
    const load = new TraceLoad(undefined, this.#inputImport.signal, (progress) => showProgress(this.#root, progress));
    this.#load = load;
    const handle = this.#handle;
    if (!handle) return undefined;
    const summary = await load.decodeAndShow(this.#liveHandle(handle), encoded, false);
    releaseOldTraces();
    return summary;
  }

  /**
   * The table changed its filter or sort: the attributes follow (without asking again).
   * @param {string} filter
   * @param {string} sort
   */
  #reflectQuery(filter, sort) {
    this.#reflecting = true;
    try {
      if (filter) this.setAttribute('filter', filter); else this.removeAttribute('filter');
      if (sort) this.setAttribute('sort', sort); else this.removeAttribute('sort');
    } finally {
      this.#reflecting = false;
    }
  }

  /**
   * What the viewer raises: the table's requests go to the corpus, the rest are events.
   * @param {string} name
   * @param {unknown} detail
   */
  #onViewerEvent(name, detail) {
    if (name === 'span-select') this.#reflectSelectedSpan(/** @type {{ spanId: string }} */ (detail).spanId);
    if (name === 'label-change') this.#review?.labelChanged(/** @type {any} */ (detail));
    if (name === 'corpus:sessionClose') this.#sessionClosed(/** @type {{ session: string }} */ (detail).session);
    else if (REVIEW_REQUESTS.has(name)) this.#review?.request(name, detail).catch(() => {});
    else if (name.startsWith('corpus:')) this.#table?.request(name, detail).catch(() => {});
    else this.#emitLater(name, detail);
  }

  /** @param {string} spanId the span a person (or `select()`) selected, written to `selected-span` */
  #reflectSelectedSpan(spanId) {
    if (this.getAttribute('selected-span') === spanId) return;
    this.#reflectingSpan = true;
    try {
      this.setAttribute('selected-span', spanId);
    } finally {
      this.#reflectingSpan = false;
    }
  }

  /**
   * The person went back from a session's conversation to the sessions list.
   * @param {string} session
   */
  #sessionClosed(session) {
    this.#table?.sessionClosed();
    if (this.getAttribute('selected-session') === session) this.removeAttribute('selected-session');
    this.#emitLater('session-close', { sessionId: session });
  }

  /** @param {string} url */
  async #fetchSource(url) {
    this.#data = null;
    const name = url.split(/[?#]/)[0].split('/').pop() || url;
    if (this.#corpusAllowed() && (isJsonLinesName(name) || this.#corpusView())) return this.#fetchCorpus(url, name);
    const load = this.#startLoad(url);
    let bytes;
    try {
      bytes = await load.fetch(url);
    } catch (error) {
      showProgress(this.#root, null);
      if (load.superseded) return undefined;
      return this.#fail(`Could not fetch ${url}: ${messageOf(error)}`, url);
    }
    if (load.superseded) return undefined;
    return this.#show({ files: [{ name, bytes, owned: true }], source: url }, load);
  }

  /**
   * Fetches a JSON Lines file (or, with `view="table"`, any file) as a Blob, kept by the browser
   * outside the page's memory, and loads it as a corpus.
   * @param {string} url
   * @param {string} name
   */
  async #fetchCorpus(url, name) {
    const load = this.#startLoad(url);
    let blob;
    try {
      const response = await fetch(url, { signal: load.signal });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
      blob = await response.blob();
    } catch (error) {
      if (load.superseded) return undefined;
      return this.#fail(`Could not fetch ${url}: ${messageOf(error)}`, url);
    }
    if (load.superseded) return undefined;
    return this.#loadCorpus([{ name, blob }]);
  }

  /**
   * Imports (unless `input` is already encoded), decodes and shows `input`, then applies the
   * selection attributes and dispatches `load`. Undefined when superseded or removed meanwhile.
   * @param {Input} input
   * @param {TraceLoad} load
   */
  async #show(input, load) {
    this.#input = input;
    if (!this.#handle) {
      this.#waitingLoads += 1;
      await this.#mounted;
      this.#waitingLoads -= 1;
    }
    if (!this.#handle || load.superseded) return undefined;
    // Measured before the import: the bytes may move to the worker.
    const size = 'files' in input ? input.files.reduce((sum, file) => sum + file.bytes.length, 0)
      : 'encoded' in input ? input.encoded.byteLength : 0;
    let summary;
    try {
      if ('failed' in input) throw new Error(input.failed);
      let encoded;
      if ('encoded' in input) {
        encoded = input.encoded;
      } else {
        this.#importing += 1;
        let imported;
        try {
          imported = await load.import(input.files, this.#corpusAllowed());
        } finally {
          this.#importing -= 1;
        }
        if (imported instanceof CorpusHandOver) {
          showProgress(this.#root, null);
          return this.#adoptCorpus(imported.worker, load, input.source);
        }
        encoded = imported;
        // The bytes may have moved to the worker: a replay uses the worker's result instead.
        this.#input = { encoded, source: input.source };
      }
      const handle = this.#handle;
      if (!handle) return undefined;
      summary = await load.decodeAndShow(this.#liveHandle(handle), encoded, size > PROGRESS_FROM_BYTES);
    } catch (error) {
      if (load.superseded || error instanceof ElementRemoved) return undefined;
      showProgress(this.#root, null);
      return this.#fail(messageOf(error), input.source);
    }
    showProgress(this.#root, null);
    releaseOldTraces();
    const handle = /** @type {ViewerHandle} */ (this.#handle);
    const trace = this.getAttribute('selected-trace');
    if (trace) {
      handle.selectTrace(trace);
      if ((this.getAttribute('view') ?? 'auto') === 'auto') handle.setView('trace');
    }
    const selected = this.getAttribute('selected-span');
    if (selected) handle.selectSpan(selected);
    this.#emit('load', summary);
    return summary;
  }

  /**
   * `handle` while the element still shows it: after the element was removed, `check()` and
   * every call throw `ElementRemoved` instead of touching a freed handle.
   * @param {ViewerHandle} handle
   */
  #liveHandle(handle) {
    const live = () => {
      if (this.#handle !== handle) throw new ElementRemoved();
      return handle;
    };
    return {
      showDecoded: (/** @type {import('./wasm/trace_viewer.js').TransferDecoder} */ decoder) => live().showDecoded(decoder),
      summary: () => live().summary(),
      check: () => { live(); },
    };
  }

  /**
   * Shows and reports a failed load; rejects with a TraceLoadError. The bytes may be gone to the
   * worker, so a replay shows the same error without them.
   * @param {string} message
   * @param {string | undefined} source
   * @returns {Promise<never>}
   */
  async #fail(message, source) {
    this.#input = { failed: message, source };
    this.#handle?.showError(message);
    this.#emit('load-error', { message, source });
    throw new TraceLoadError(message, source);
  }

  /**
   * Every event leaves from here: a `CustomEvent` that bubbles out of the shadow root.
   * @param {string} name
   * @param {unknown} detail
   */
  #emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  /**
   * Events the viewer raises while it handles a click or a call (`span-select`, `trace-select`)
   * are dispatched once that call has returned, so a listener may call back into the element.
   * @param {string} name
   * @param {unknown} detail
   */
  #emitLater(name, detail) {
    queueMicrotask(() => this.#emit(name, detail));
  }
}

/** @param {unknown} error */
function messageOf(error) {
  return String(/** @type {{ message?: unknown }} */ (error)?.message ?? error);
}

/** Thrown into a load whose element was removed while it decoded: the load ends quietly. */
class ElementRemoved extends Error {}

if (typeof customElements !== 'undefined' && !customElements.get('trace-viewer')) {
  customElements.define('trace-viewer', TraceViewerElement);
}
