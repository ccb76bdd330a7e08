// @ts-check
// The messages between the page and an import or corpus worker, declared once (JSDoc types, no code):
// trace-viewer-import.js (the page's side) and trace-viewer-worker.js (the worker's) both use
// them, and `cargo xtask test` type-checks each side against them.

/**
 * The page to the worker: an import (each file whole, or its length with the bytes following in
 * chunks), a chunk of a file, or the once-per-page warm-up.
 * @typedef {{ module: WebAssembly.Module, names: string[], buffers: Array<Uint8Array | number>, corpusIfMany?: boolean }
 *   | { file: number, chunk: Uint8Array }
 *   | { module: WebAssembly.Module, warmUp: true }
 *   | { module: WebAssembly.Module, corpus: true }
 *   | { module: WebAssembly.Module, lineHelper: true, port: MessagePort }
 *   | { corpusSources: Array<{ name: string, blob: Blob }>, maxGzipBytes: number, helperPorts?: Array<{ id: number, port: MessagePort }>, helpersWaitForRows?: boolean }
 *   | { corpusChunk: Uint8Array }
 *   | { corpusHelperLost: number }
 *   | { corpusHelpersGo: true }
 *   | CorpusRequest} PageToWorker
 */

/**
 * A question to the corpus worker, answered by `{ reply: request, result }` or `{ reply: request,
 * error }` (`open` first posts its encoded pieces as `{ reply: request, piece }`; `mergedTree` its
 * progress as `{ reply: request, progress: { merged, traces } }`).
 * @typedef {{ request: number, call: 'query' | 'aggregate' | 'bubbleUp' | 'bubbleUpHistograms' | 'heatmap' | 'compare' | 'window' | 'overview' | 'mergedTree' | 'loadOutcomes' | 'sessions' | 'sessionTurns' | 'columns' | 'details' | 'reports' | 'indexBytes' | 'progress' | 'open' | 'nearestSuccess' | 'reviewQueue' | 'setLabels' | 'patterns' | 'exportLabels' | 'readLabels' | 'readTaxonomy' | 'labelAgreement', args: unknown[] }} CorpusRequest
 */

/**
 * A run of complete lines (or, with an `opening`, a large document's elements) from the corpus
 * worker to a helper (through its MessagePort), answered
 * `{ job, batch }` (the summarised lines, for `Corpus.absorbLines`) or `{ job, error }`; `{ end: true }`
 * closes the helper.
 * @typedef {{ job: number, head: Uint8Array, bytes: Uint8Array, offset: number, startsFile: boolean, opening: Uint8Array }} LineHelperJob
 */

/**
 * How far the corpus worker has read, and whether it still is.
 * @typedef {{ traces: number, spansRead: number, bytesRead: number, files: number }} CorpusProgress
 */

/**
 * The worker to the page: it runs; a chunk's buffer comes back for the next chunk; spans read
 * so far (-1: building the tree); a piece of the encoded result; the end (with how many pieces
 * were sent and how long the import and the encoding took); an error, worded for a person; the
 * warm-up's encodings.
 * @typedef {{ started: true }
 *   | { chunkTaken: Uint8Array }
 *   | { spansRead: number }
 *   | { piece: Uint8Array }
 *   | { done: true, pieceCount: number, timings: { importMs: number, encodeMs: number } }
 *   | { error: string }
 *   | { warmedUp: Uint8Array[] }
 *   | { corpusProgress: CorpusProgress, reading: boolean }
 *   | { corpusReady: true }
 *   | { reply: number, piece: Uint8Array }
 *   | { reply: number, progress: { merged: number, traces: number } }
 *   | { reply: number, result: any }
 *   | { reply: number, error: { message: string, column?: number, reason?: string } }} WorkerToPage
 */

export {};
