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

/**
 * What a corpus load reports: several files, a JSON Lines file, appended data, or any input with
 * `view="table"`. The traces are in the corpus worker's index; ask with `query()`.
 */
export interface CorpusLoadSummary {
  format: 'corpus';
  traceCount: number;
  /** Spans read over all files. */
  spanCount: number;
  files: CorpusFileReport[];
  /** Every file's problems (lines skipped, and why). */
  warnings: string[];
}

/** One file of a corpus. */
export interface CorpusFileReport {
  name: string;
  bytes: number;
  /** Traces (or parts of traces) the file held. */
  traces: number;
  /** The formats its lines or document were read as. */
  formats: string[];
  warnings: string[];
  /** Problems beyond the 50 listed. */
  warningsLeftOut: number;
}

/** What `query()` resolves with. */
export interface QueryResult {
  /** Traces matching the filter. */
  count: number;
  /** The first `limit` of them in the sort's order (ties by trace id ascending). */
  traceIds: string[];
}

/** A measure `aggregate()` computes per group. */
export type AggregateMeasure =
  | 'count' | 'error_rate' | 'fail_rate'
  | 'p50_duration_ms' | 'p95_duration_ms' | 'p99_duration_ms'
  | 'cost_sum' | 'cost_mean' | 'tokens_sum'
  | 'thumbs_up_rate' | 'thumbs_down_rate' | 'follow_up_rate' | 'abandon_rate' | 'convert_rate'
  | 'tool_error_rate'
  /** The mean or total of a numeric column of the joined outcomes (see `loadOutcomes()`), per trace. */
  | `mean(outcome.${string})` | `sum(outcome.${string})`;

/** One numeric column of BubbleUp's numbers: both groups over the same bins. */
export interface NumericComparison {
  /** `duration_ms`, `cost`, `tokens`, `spans`, `errors`, `documents`, `score."name"` or `outcome."column"`. */
  field: string;
  /** The largest gap between the two groups' cumulative shares (0–1). */
  score: number;
  /** Traces with a value in the selection and in the baseline. */
  selection: number;
  baseline: number;
  /** Whether the bins are spaced by ratio (values spanning orders of magnitude). */
  logScale: boolean;
  /** 16 bins, each with the share (0–1) of each group's traces in it. */
  bins: Array<{ low: number; high: number; selection: number; baseline: number }>;
}

/** One path of the merged tree: the spans at a path of (kind, name) from the root. */
export interface MergedPath {
  /** The parent path's place in `paths` (null at a root). */
  parent: number | null;
  depth: number;
  kind: string;
  name: string;
  /** Spans at this path. */
  count: number;
  totalMs: number;
  /** Time no child span covered. */
  selfMs: number;
  /** 95th percentile duration (nearest rank). */
  p95Ms: number | null;
  errorRate: number;
}

/** What `mergedTree()` resolves with. */
export interface MergedAnswer {
  /** Traces merged, and how many the filter kept. */
  traces: number;
  matching: number;
  /** Depth first; each path's children by total time, largest first. */
  paths: MergedPath[];
}

/** What `loadOutcomes()` resolves with. */
export interface OutcomesReport {
  fileName: string;
  /** The column the file is keyed by. */
  key: 'trace_id' | 'session_id' | 'user_id';
  /** Rows joined (one per key). */
  rows: number;
  /** Rows whose key a trace of the corpus has, and those whose key none has (yet). */
  matched: number;
  unmatched: number;
  /** Rows left out: a key met again (its first row counts), or no key. */
  duplicateKeys: number;
  rowsWithoutKey: number;
  /** The columns that became fields (`outcome."plan"`), and those of them that hold numbers (measures). */
  columns: string[];
  numericColumns: string[];
  /** JSON Lines lines that did not read, each with its line number and why. */
  problems: string[];
}

/** What `aggregate()` is asked. */
export interface AggregateRequest {
  /**
   * Fields of the query language (`intent`, `model`, `tool`, `variant`, `attr."key"`, ...) or
   * `hour` / `day` (the UTC hour or day a trace started; the key is its start in RFC 3339), at
   * most three.
   */
  groupBy?: string[];
  /** Defaults to `['count']`. */
  measures?: AggregateMeasure[];
  /** The traces to aggregate (empty: every trace). */
  filter?: string;
  /**
   * Which traces `fail_rate` counts as failed: a filter of the query language. Defaults to the
   * element's `failDefinition` (empty there: `status = error or feedback = thumbs_down or
   * feedback = abandoned`).
   */
  failDefinition?: string;
}

/** One group of `aggregate()`: its key, its count and each measure asked (null: nothing to measure). */
export interface AggregateGroup {
  key: Record<string, string | null>;
  count: number;
  [measure: string]: number | null | Record<string, string | null>;
}

/** What `aggregate()` resolves with: the groups, largest first (ties by key). */
export interface AggregateResult {
  groups: AggregateGroup[];
}

/** One value `bubbleUp()` ranks. */
export interface BubbleUpValue {
  field: string;
  value: string;
  /** Share (0–1) of the selected traces having `field = value`. */
  selection: number;
  /** Share of the baseline's traces having it. */
  baseline: number;
  /** `selection - baseline`; the list is sorted by it, descending. */
  score: number;
}

/** One measure of `compare()`: both groups' values, `delta` = b − a and its 95 % interval (null: nothing to measure). */
export interface ComparedMeasure {
  /** A rate (`fail_rate`, `error_rate`, the feedback rates), `p50_duration_ms`, `p95_duration_ms`, `p99_duration_ms` or `cost_mean`. */
  measure: string;
  a: number | null;
  b: number | null;
  delta: number | null;
  /** The 95 % interval of `delta`: Wilson intervals combined by Newcombe's method for rates, a bootstrap for percentiles, Welch for the mean cost. */
  low: number | null;
  high: number | null;
}

/** What `compare()` resolves with. */
export interface Comparison {
  /** How many traces group a has. */
  a: number;
  /** How many traces group b has. */
  b: number;
  measures: ComparedMeasure[];
}

/** Detail of `filter-change`, fired when a person changes the table's filter or sort. */
export interface FilterChangeDetail {
  filter: string;
  sort: string;
  count: number;
}

/**
 * Detail of `aggregate-select`, fired (cancelable) when a person clicks a bar of the dashboard.
 * Unless a listener calls `preventDefault()`, the traces table then shows the traces of `filter`.
 */
export interface AggregateSelectDetail {
  /** The filter the bar stands for: the current filter and `field = value`. */
  filter: string;
  field: string;
  /** The group's value; null for the traces without one. */
  value: string | null;
  /** The panel's measure. */
  measure: AggregateMeasure;
}

/** Detail of `trace-open`, fired when a trace of the corpus is opened from the table. */
export interface TraceOpenDetail {
  traceId: string;
  /** Bytes re-read to open it (its own lines, not the corpus). */
  bytesRead: number;
}

/**
 * Detail of `session-open`, fired when a session's conversation shows on the sessions tab (chosen
 * in the list, or set by `selected-session`).
 */
export interface SessionOpenDetail {
  sessionId: string;
  /** Its turns (traces) found so far. */
  turns: number;
}

/** Detail of `session-close`, fired when the person goes back from a conversation to the sessions list. */
export interface SessionCloseDetail {
  sessionId: string;
}

/** Detail of `trace-close`, fired when the person goes back from a trace opened from the corpus. */
export interface TraceCloseDetail {
  traceId: string;
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

/**
 * Detail of `compare-open` (two traces are compared: `compareTraces()`, "Compare with…", "Compare
 * A and B" in the traces table) and `compare-close` (the person went back from the comparison: to
 * trace A, or to the traces table it was started from).
 */
export interface CompareDetail {
  traceIdA: string;
  traceIdB: string;
}

/**
 * A trace's label in review: a line of the labels export without the trace's facts
 * (`labels.schema.json`). Category ids come from the taxonomy (`taxonomy.schema.json`).
 */
export interface TraceLabel {
  trace_id: string;
  categories: string[];
  severity: string | null;
  note: string;
  corrected_output: string | null;
  labeller: string;
  /** RFC 3339, when it was last changed. */
  time: string;
}

/** Detail of `label-change`: a trace's label changed (`null`: it has none left). */
export interface LabelChangeDetail {
  traceId: string;
  label: TraceLabel | null;
}

/** What `importLabels()` resolves with: a conflict keeps the label already here. */
export interface LabelImportReport {
  added: number;
  unchanged: number;
  conflicts: Array<{ trace_id: string; ours: TraceLabel; theirs: TraceLabel }>;
}

/** Formats of `exportLabels()`. */
export type LabelExportFormat = 'jsonl' | 'langfuse' | 'langsmith' | 'phoenix' | 'generic' | 'csv';

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
  load: CustomEvent<TraceLoadSummary | CorpusLoadSummary>;
  'load-error': CustomEvent<LoadErrorDetail>;
  'filter-change': CustomEvent<FilterChangeDetail>;
  'trace-open': CustomEvent<TraceOpenDetail>;
  'trace-close': CustomEvent<TraceCloseDetail>;
  'aggregate-select': CustomEvent<AggregateSelectDetail>;
  'session-open': CustomEvent<SessionOpenDetail>;
  'session-close': CustomEvent<SessionCloseDetail>;
  'span-select': CustomEvent<SpanSelectDetail>;
  'trace-select': CustomEvent<TraceSelectDetail>;
  'compare-open': CustomEvent<CompareDetail>;
  'compare-close': CustomEvent<CompareDetail>;
  'label-change': CustomEvent<LabelChangeDetail>;
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
   * Loads a trace: a JSON string, a parsed object, bytes, a Blob or File (gzip is decompressed).
   * Several Files (a folder), a JSON Lines file (`.jsonl`, `.ndjson`, gzipped too) or JSON Lines
   * text open as a corpus on the traces table (with `view="table"`, any input does): resolves
   * once every file is read. Rejects with a `TraceLoadError`.
   */
  load(input: string | object | ArrayBuffer | ArrayBufferView | Blob | Blob[] | FileList, fileName?: string): Promise<TraceLoadSummary | CorpusLoadSummary>;
  /**
   * Asks the corpus how many traces match `filter` and which come first in `sort` order
   * (`"duration_ms desc"`; ties by trace id ascending), at most `limit` (default 100). An empty
   * filter matches every trace. The language: fields `trace_id`, `name`, `intent`, `model`,
   * `variant`, `user`, `session`, `tool`, `status` (`ok` | `error`), `errors`, `spans`,
   * `duration_ms`, `cost`, `tokens`, `documents`, `start`, `feedback` (`thumbs_up`, `thumbs_down`,
   * `follow_up`, `abandoned`, `converted`), `score."name"`, `attr."key"`; operators `=` `!=` `<`
   * `<=` `>` `>=` `~` (contains, ignoring case), `and`, `or`, `not`, parentheses; strings in double
   * quotes; `any span (kind = tool and name = "search" and status = error)`. Rejects when no
   * corpus is loaded, or when the filter does not read (the message says the column).
   */
  query(filter?: string, options?: { sort?: string; limit?: number }): Promise<QueryResult>;
  /**
   * Aggregates the corpus over every trace (exact: percentiles by nearest rank, no sampling).
   * `fail_rate` counts a trace failed as `failDefinition` says (by default when a span failed, or
   * it has a thumbs down or was abandoned); `tool_error_rate` is the share of tool spans that failed (of that tool's spans when
   * grouped by `tool`). Rejects when no corpus is loaded, or a field, measure or filter is unknown.
   */
  aggregate(request?: AggregateRequest): Promise<AggregateResult>;
  /**
   * The merged tree of the first `limit` (default 100,000) traces `filter` keeps: every span at its
   * path of (kind, name), with count, total and self time, p95 and error rate per path. The worker
   * merges them from the span skeletons its index keeps; a trace split across lines or files is
   * read again from its files.
   */
  mergedTree(request?: { filter?: string; limit?: number }): Promise<MergedAnswer>;
  /**
   * Joins a product outcomes file (CSV or JSON Lines, gzip too) keyed by a `trace_id`,
   * `session_id` or `user_id` column: its other columns become fields of the query language
   * (`outcome."plan" = "pro"`; grouping, sorting, BubbleUp) and its numeric columns measures
   * (`mean(outcome."retained_d30")`, `sum(outcome."revenue")`, per trace). Read in the corpus
   * worker; nothing leaves the machine. Replaces an earlier outcomes file. Rejects when no corpus
   * is loaded or the file has no key column (the message lists its columns).
   */
  loadOutcomes(input: string | ArrayBuffer | ArrayBufferView | Blob, fileName?: string): Promise<OutcomesReport>;
  /**
   * BubbleUp: the values of every column (and attribute column) ranked by how much more often the
   * traces `selection` keeps have them than the `baseline`'s (by default every other trace); the
   * selection's own fields are left out, and a value needs 1 % of the selection (2 traces at least).
   */
  bubbleUp(request: { selection: string; baseline?: string; limit?: number }): Promise<BubbleUpValue[]>;
  /**
   * BubbleUp's numbers: each numeric column of the selection and of the baseline (by default every
   * other trace) counted over the same bins, to draw overlaid; the most different first.
   */
  bubbleUpHistograms(request: { selection: string; baseline?: string; limit?: number }): Promise<NumericComparison[]>;
  /**
   * Compares the traces filter `a` keeps with those `b` keeps (`variant = "control"` against
   * `variant = "treatment"`): every rate, duration percentile and the mean cost of both, with
   * the difference b − a and its 95 % interval. `failDefinition` as for `aggregate()`.
   */
  compare(request: { a: string; b: string; failDefinition?: string }): Promise<Comparison>;
  /**
   * Streams traces in (JSON Lines, a chunk at a time; lines may be cut anywhere): the first chunk
   * starts a corpus, and each complete line is indexed at once.
   */
  appendData(chunk: string | ArrayBuffer | ArrayBufferView): void;
  /** The traces table's filter (reflects the `filter` attribute); see `query()`. */
  filter: string;
  /** The traces table's sort, such as `"duration_ms desc, name"` (reflects the `sort` attribute). */
  sort: string;
  /**
   * The dashboard's panels (reflects the `panels` attribute): `<measure> by <field>` separated by
   * commas, such as `"fail_rate by intent, p95_duration_ms by model"`, `bubble_up` (what sets a
   * selection of traces apart) and `compare` (two groups); empty: the default panels.
   */
  panels: string;
  /**
   * Which traces count as failed for `fail_rate` (a filter; setting it sets `fail-definition`);
   * reads the definition in use, also when a person typed it on the dashboard.
   */
  failDefinition: string;
  /**
   * The session whose conversation the sessions tab shows (reflects `selected-session`; null: the
   * sessions list). Setting it shows that session's turns, on the sessions tab.
   */
  selectedSession: string | null;
  /** What the element shows (reflects `view`; `auto` when absent). */
  view: 'auto' | 'list' | 'trace' | 'table' | 'dashboard' | 'sessions' | 'review';
  /** The colour theme (reflects `theme`); null follows the system (`prefers-color-scheme`). */
  theme: 'light' | 'dark' | null;
  /** The trace shown or opened from the table (reflects `selected-trace`); null: none asked for. */
  selectedTrace: string | null;
  /** Selects and reveals a span of the shown trace; false when there is no such span. */
  select(spanId: string): boolean;
  /** The selected span's id, or null; setting it selects that span (reflects `selected-span`, which a span a person selects is written to). */
  selectedSpan: string | null;
  /** Moves focus to the span tree (on the traces table, its rows). */
  focus(options?: FocusOptions): void;
  /** A summary of what is loaded (the same shape `load()` resolves with), or null. */
  readonly traces: TraceLoadSummary | null;
  /** Unfolds every span. */
  expandAll(): void;
  /** Folds every span to its root. */
  collapseAll(): void;
  /** Shows nothing and forgets the last input. */
  clear(): void;
  /**
   * Compares two traces of the loaded file, each a trace id or a 0-based position: their totals,
   * structure, aligned steps, texts word by word and changed parameters, instead of the trace
   * (Back returns to trace A). False when either is not in the file. With a corpus, both are read
   * again in its worker (a position is a row under the table's filter and sort), `compare-open`
   * says when the comparison shows, an unknown id shows an error, and the result is true.
   */
  compareTraces(a: string | number, b: string | number): boolean;
  /** The corpus's labels, by trace id (empty without a corpus). */
  readonly labels: TraceLabel[];
  /**
   * Merges a labels file (the labels export: JSON Lines as text, a Blob or File, or bytes) into
   * the corpus's labels, saved in the browser. Rejects with the line that does not read.
   */
  importLabels(input: string | Blob | ArrayBuffer | ArrayBufferView): Promise<LabelImportReport>;
  /**
   * The corpus's labels as a file: the labels export (`jsonl`), a dataset (`langfuse`,
   * `langsmith`, `phoenix`, `generic`: one item per labelled trace with an input) or a CSV of
   * category × group counts (`csv`, grouped by `groupBy`, default `intent`).
   */
  exportLabels(format?: LabelExportFormat, options?: { groupBy?: string }): Promise<Blob>;

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
 * Settles once per page when the warm-up has run: a worker imported three small generated traces
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
  view?: 'auto' | 'list' | 'trace' | 'table' | 'dashboard' | 'sessions' | 'review';
  /** The traces table's filter (see `query()`). */
  filter?: string;
  /** The dashboard's panels: `"fail_rate by intent, tool_error_rate by tool"`. */
  panels?: string;
  /** Which traces count as failed for `fail_rate` (a filter). */
  'fail-definition'?: string;
  /** The traces table's sort, such as `"duration_ms desc"`. */
  sort?: string;
  'selected-trace'?: string;
  'selected-span'?: string;
  /** The session whose conversation the sessions tab shows. */
  'selected-session'?: string;
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
