// Types for the `trace-viewer` package: the <trace-viewer> custom element and its events.
// The shapes of results and event details are defined once, as serde types in
// crates/core/src/contract.rs; crates/core/tests/contract.rs fails when these drift from them.

/** What a successful load reports (the `load` event's detail and `load()`'s result). */
export interface TraceLoadSummary {
  /** The format the file was read as, such as `"otlp-json"` or `"trace-viewer"`. */
  format: string;
  /** Spans over all traces in the file. */
  spanCount: number;
  traces: TraceSummary[];
  /** File-level warnings. */
  warnings: string[];
}

/** One trace of a `TraceLoadSummary`. */
export interface TraceSummary {
  traceId: string;
  name: string;
  spanCount: number;
  errorCount: number;
  /** Problems the importer repaired (orphans, duplicate ids, missing times...). */
  warningCount: number;
  durationMs: number;
}

/** Detail of `span-select`, fired when a person selects a span. */
export interface SpanSelectDetail {
  traceId: string;
  spanId: string;
  name: string;
}

/** Detail of `trace-select`, fired when a person picks another trace of a multi-trace file. */
export interface TraceSelectDetail {
  traceIndex: number;
}

/** Detail of `load-error`. */
export interface LoadErrorDetail {
  /** Says where and what: a line and column for malformed JSON, the formats tried for unknown ones. */
  message: string;
  /** The URL or file name, when known. */
  source?: string;
}

/** The error `load()` rejects with. */
export class TraceLoadError extends Error {
  readonly name: 'TraceLoadError';
  readonly source?: string;
}

export interface TraceViewerEventMap extends HTMLElementEventMap {
  load: CustomEvent<TraceLoadSummary>;
  'load-error': CustomEvent<LoadErrorDetail>;
  'span-select': CustomEvent<SpanSelectDetail>;
  'trace-select': CustomEvent<TraceSelectDetail>;
}

export class TraceViewerElement extends HTMLElement {
  /** URL of a trace file to fetch and show (reflects the `src` attribute). */
  src: string;
  /**
   * The trace document: set a JSON string, a parsed object, bytes or a Blob to show it. Reads back
   * what was last given to `data` or `load()`, unchanged (never detached or copied); `null` after
   * `clear()` or a `src` load.
   */
  data: string | object | ArrayBuffer | Blob | null;
  /**
   * Loads a trace: a JSON string, a parsed object, bytes, a Blob or File (gzip is decompressed),
   * or an array of Files read as one set. Resolves with a summary, rejects with a `TraceLoadError`.
   */
  load(input: string | object | ArrayBuffer | ArrayBufferView | Blob | Blob[], fileName?: string): Promise<TraceLoadSummary>;
  /** Selects and reveals a span of the shown trace; false when there is no such span. */
  select(spanId: string): boolean;
  /** The selected span's id, or null; setting it selects that span. */
  selectedSpan: string | null;
  /** A summary of what is loaded (the same shape `load()` resolves with), or null. */
  readonly traces: TraceLoadSummary | null;
  /** Unfolds every span. */
  expandAll(): void;
  /** Folds every span to its root. */
  collapseAll(): void;
  /** Shows nothing and forgets the last input. */
  clear(): void;

  addEventListener<K extends keyof TraceViewerEventMap>(
    type: K,
    listener: (this: TraceViewerElement, event: TraceViewerEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof TraceViewerEventMap>(
    type: K,
    listener: (this: TraceViewerElement, event: TraceViewerEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** Bytes of WebAssembly memory in use by all viewers on the page (0 before the first one loads). */
export function wasmMemoryBytes(): number;

/** Points the element at another location of `trace_viewer_bg.wasm` (the page's module); call before the first element connects. */
export function setWasmUrl(source: string | URL | BufferSource): void;

/**
 * Points the importer at another location of `trace_viewer_worker_bg.wasm` (the worker's module,
 * which holds the importers; fetched and compiled alongside the page's); call before the first
 * element connects. `globalThis.TRACE_VIEWER_WORKER_WASM` set before the module loads does the same.
 */
export function setWorkerWasmUrl(source: string | URL | BufferSource): void;

/**
 * Settles once per page when the warm-up has run: a worker imported two small generated traces
 * and the page decoded them, so the browser has optimised that code before the first real file.
 * `worker` is false where no worker could start (then nothing was warmed).
 */
export const warmedUp: Promise<{ worker: boolean; decodedSpans: number }>;

/**
 * Points the element at another location of its import worker (`trace-viewer-worker.js`, a module
 * worker), or `null` to import files on the page's main thread; `undefined` restores the default.
 * `globalThis.TRACE_VIEWER_WORKER` set before the module loads does the same.
 */
export function setWorkerUrl(url: string | URL | null | undefined): void;

/**
 * The most bytes one load may bring after decompression (default 1.5 GB, what the import's 4 GB
 * of WebAssembly memory can hold with the traces the file becomes). Larger files, and gzip files
 * that expand past it, are refused with their size before they are read whole; no argument
 * restores the default.
 */
export function setMaxFileBytes(bytes?: number): void;

declare global {
  interface HTMLElementTagNameMap {
    'trace-viewer': TraceViewerElement;
  }
}

/** Attributes `<trace-viewer>` accepts in markup. */
export interface TraceViewerAttributes {
  src?: string;
  theme?: 'light' | 'dark';
  view?: 'auto' | 'list' | 'trace';
  'selected-trace'?: string;
  'selected-span'?: string;
  class?: string;
  className?: string;
  id?: string;
  style?: unknown;
  ref?: unknown;
  children?: unknown;
}

// JSX typing for React (and other JSX runtimes that read `JSX.IntrinsicElements`).
declare global {
  namespace JSX {
    interface IntrinsicElements {
      'trace-viewer': TraceViewerAttributes;
    }
  }
}
