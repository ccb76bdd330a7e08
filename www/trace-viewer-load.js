// @ts-check
// One object per load: `TraceLoad` holds the load's AbortController (a newer load, `clear()` or
// removing the element aborts it: its fetch, its worker and its decoding stop at the next step)
// and carries the load through its steps: fetch → import (worker, else main thread) → decode a
// slice at a time → show.
import { PROGRESS_FROM_BYTES, checkSize, gunzipIfCompressed, nextTask } from './trace-viewer-bytes.js';
import { decodeInSlices } from './trace-viewer-decode.js';
import { CorpusHandOver, EncodedPieces, importInWorker, importOnMainThread } from './trace-viewer-import.js';

/** @typedef {import('./trace-viewer-bytes.js').ImportFile} ImportFile */
/** @typedef {import('./trace-viewer-progress.js').Progress} Progress */

export class TraceLoad {
  #controller = new AbortController();

  /**
   * @param {string | undefined} source the URL or file names, for messages and `load-error`
   * @param {AbortSignal} importSignal ends the import's worker: aborted when a new input replaces
   *   this one, not when a replay of the same input supersedes this load
   * @param {(progress: Progress | null) => void} onProgress shows the load's progress
   */
  constructor(source, importSignal, onProgress) {
    this.source = source;
    this.importSignal = importSignal;
    this.onProgress = onProgress;
  }

  /** Aborted once the load is superseded; every step checks it. */
  get signal() {
    return this.#controller.signal;
  }

  /** Whether a newer load (or `clear()`) replaced this one. */
  get superseded() {
    return this.signal.aborted;
  }

  abort() {
    this.#controller.abort(new DOMException('The load was replaced by a newer one.', 'AbortError'));
  }

  /** Stops here (throws the abort reason) if the load was superseded. */
  checkpoint() {
    this.signal.throwIfAborted();
  }

  /**
   * Fetches `url`, showing how much has arrived (of how much, when the size is known); gunzips.
   * @param {string} url
   */
  async fetch(url) {
    const response = await fetch(url, { signal: this.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
    const name = url.split(/[?#]/)[0].split('/').pop() || url;
    return gunzipIfCompressed(await this.#readWithProgress(response, name), name);
  }

  /**
   * The response's bytes, refused as soon as they are more than a load may bring.
   * @param {Response} response
   * @param {string} name the file, for messages
   */
  async #readWithProgress(response, name) {
    const total = Number(response.headers.get('content-length')) || 0;
    checkSize(name, total);
    if (!response.body) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    // Each chunk is copied into place as it arrives, so no single task copies the whole file.
    // The buffer starts at the announced size (a compressed transfer announces less) and doubles.
    let bytes = new Uint8Array(total || 1 << 20);
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      try {
        checkSize(name, received + value.length);
      } catch (error) {
        await reader.cancel();
        throw error;
      }
      if (received + value.length > bytes.length) {
        const larger = new Uint8Array(Math.max(bytes.length * 2, received + value.length));
        larger.set(bytes.subarray(0, received));
        bytes = larger;
      }
      bytes.set(value, received);
      received += value.length;
      if (!this.superseded) this.onProgress({ phase: 'downloading', received, total });
    }
    return received === bytes.length ? bytes : bytes.slice(0, received);
  }

  /**
   * Imports the files with the worker's module, in a worker of the load's own, or on the main
   * thread where none can start. Resolves with the encoded result (pieces may still arrive).
   * With `corpusIfMany`, a document of several traces comes back as a `CorpusHandOver` (the
   * worker keeps them for the traces table).
   * @param {ImportFile[]} files
   * @param {boolean} [corpusIfMany]
   * @returns {Promise<EncodedPieces | CorpusHandOver>}
   */
  async import(files, corpusIfMany = false) {
    const size = files.reduce((sum, file) => sum + file.bytes.length, 0);
    const showProgress = size > PROGRESS_FROM_BYTES;
    if (showProgress) this.onProgress({ phase: 'importing', size });
    /** @param {number} spansRead */
    const onSpansRead = (spansRead) => {
      if (showProgress && !this.superseded) this.onProgress({ phase: 'importing', size, spansRead });
    };
    // The worker lives as long as the input: a replay of it (a reconnect) must not end it.
    const encoded = await importInWorker(files, this.importSignal, onSpansRead, corpusIfMany);
    this.checkpoint();
    if (encoded) return encoded;
    if (showProgress) {
      // Say so and let the browser draw it before the (synchronous) import starts.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      this.checkpoint();
    }
    return importOnMainThread(files, this.signal, () => {});
  }

  /**
   * Decodes what the import sent (pieces of about 16 MB, which may still be arriving) a slice at a
   * time, then has `handle` show it; resolves with the handle's summary. `handle.check()` throws
   * once the element no longer shows that handle (removed): checked with every slice.
   * @param {{ showDecoded(decoder: import('./wasm/trace_viewer.js').TransferDecoder): void, summary(): unknown, check(): void }} handle
   * @param {EncodedPieces} encoded
   * @param {boolean} showProgress
   */
  async decodeAndShow(handle, encoded, showProgress) {
    const checkpoint = () => {
      this.checkpoint();
      handle.check();
    };
    await nextTask();
    checkpoint();
    const decoder = await decodeInSlices(encoded, (decoder) => {
      if (showProgress) this.onProgress({ phase: 'preparing', share: decoder.progress() });
      checkpoint();
    });
    try {
      // The first frame of a large trace takes a while of its own: it gets a task to itself, and
      // the summary (a walk over every span) the next one.
      await nextTask();
      checkpoint();
      handle.showDecoded(decoder);
      await nextTask();
      checkpoint();
      return handle.summary();
    } finally {
      decoder.free();
    }
  }
}
