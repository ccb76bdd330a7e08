// @ts-check
// The page's side of a corpus: one long-lived worker per corpus (started here, ended with it),
// holding the index. `CorpusSession` hands it the sources (Files and Blobs as they are, so nothing
// is read whole on the page), appended chunks, and questions, each answered by a promise; progress
// arrives as the worker reads. Opening a trace returns its encoded pieces, which the element
// decodes and shows like any import. With the sources go helper workers, one per core (up to four),
// each joined to the corpus worker by a MessageChannel: they summarise lines in parallel.
import { maxFileBytes } from './trace-viewer-bytes.js';
import { EncodedPieces, startWorker } from './trace-viewer-import.js';
import { loadWorkerModule } from './trace-viewer-wasm.js';

/** @typedef {import('./trace-viewer-protocol.js').WorkerToPage} WorkerToPage */
/** @typedef {import('./trace-viewer-protocol.js').PageToWorker} PageToWorker */
/** @typedef {import('./trace-viewer-protocol.js').CorpusProgress} CorpusProgress */

/** A filter or sort the corpus could not read: the message, and the column where. */
export class CorpusQueryError extends Error {
  /**
   * @param {string} message
   * @param {number | undefined} column
   * @param {string | undefined} reason
   */
  constructor(message, column, reason) {
    super(message);
    this.name = 'CorpusQueryError';
    this.column = column;
    this.reason = reason ?? message;
  }
}

/** Helper workers a reading gets: one per core up to four, none on one core. */
function helperCount() {
  const override = /** @type {{ TRACE_VIEWER_CORPUS_HELPERS?: number }} */ (globalThis).TRACE_VIEWER_CORPUS_HELPERS;
  if (typeof override === 'number') return Math.max(0, Math.min(8, Math.floor(override)));
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  return cores >= 2 ? Math.min(4, cores) : 0;
}

export class CorpusSession {
  /** @type {Worker | null} */
  #worker = null;
  /** The worker module, for helpers. @type {WebAssembly.Module | null} */
  #module = null;
  /** Helper workers started for readings (they close themselves when one ends). @type {Worker[]} */
  #helpers = [];
  #nextHelper = 1;
  /** Messages queued until the worker runs. @type {Array<{ message: PageToWorker, transfer: Transferable[] }>} */
  #queue = [];
  #started = false;
  #nextRequest = 1;
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: unknown) => void, pieces?: EncodedPieces, onProgress?: (progress: any) => void }>} */
  #pending = new Map();
  /** Why the worker cannot answer any more, once it cannot. @type {Error | null} */
  failure = null;
  /** The latest progress. @type {CorpusProgress & { reading: boolean }} */
  progress = { traces: 0, spansRead: 0, bytesRead: 0, files: 0, reading: true };

  /**
   * @param {(progress: CorpusProgress & { reading: boolean }) => void} onProgress
   * @param {(error: Error) => void} onFailure the worker stopped or failed
   */
  constructor(onProgress, onFailure) {
    this.onProgress = onProgress;
    this.onFailure = onFailure;
  }

  /** Starts the worker; rejects where none can start (a corpus needs one). */
  async start() {
    const module = await loadWorkerModule();
    const worker = startWorker();
    if (!worker) throw new Error('Many traces need a Web Worker, and none could start here.');
    this.#worker = worker;
    this.#module = module;
    worker.onmessage = (/** @type {MessageEvent<WorkerToPage>} */ { data }) => this.#receive(data, module);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new Error(`The corpus worker stopped${event.message ? ` (${event.message})` : ''}. Loading again starts a new one.`));
    };
  }

  /**
   * Takes over a worker that already holds a corpus (an import that found several traces).
   * @param {Worker} worker
   */
  adopt(worker) {
    this.#worker = worker;
    this.#started = true;
    worker.onmessage = (/** @type {MessageEvent<WorkerToPage>} */ { data }) => this.#receive(data, null);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new Error(`The corpus worker stopped${event.message ? ` (${event.message})` : ''}. Loading again starts a new one.`));
    };
  }

  /**
   * @param {WorkerToPage} data
   * @param {WebAssembly.Module | null} module the worker module, for a worker that just started
   */
  #receive(data, module) {
    if ('started' in data && module) {
      this.#worker?.postMessage({ module, corpus: true });
      this.#started = true;
      for (const { message, transfer } of this.#queue.splice(0)) this.#worker?.postMessage(message, transfer);
    } else if ('corpusProgress' in data) {
      this.progress = { ...data.corpusProgress, reading: data.reading };
      this.onProgress(this.progress);
    } else if ('reply' in data) {
      const pending = this.#pending.get(data.reply);
      if (!pending) return;
      if ('progress' in data) {
        pending.onProgress?.(data.progress);
        return;
      }
      if ('piece' in data) {
        pending.pieces ??= new EncodedPieces();
        pending.pieces.add(data.piece);
        return;
      }
      this.#pending.delete(data.reply);
      if ('error' in data) pending.reject(new CorpusQueryError(data.error.message, data.error.column, data.error.reason));
      else pending.resolve(pending.pieces ? { ...data.result, pieces: pending.pieces } : data.result);
      pending.pieces?.end();
    } else if ('error' in data && typeof data.error === 'string') {
      this.#fail(new Error(data.error));
    }
  }

  /** @param {Error} error */
  #fail(error) {
    if (this.failure) return;
    this.failure = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    this.onFailure(error);
  }

  /**
   * @param {PageToWorker} message
   * @param {Transferable[]} [transfer]
   */
  #post(message, transfer = []) {
    if (this.#started) this.#worker?.postMessage(message, transfer);
    else this.#queue.push({ message, transfer });
  }

  /**
   * Hands sources to the worker, which reads them in order. With `helpersWaitForRows` (a table
   * about to draw its first rows) the helpers get no lines until `releaseHelpers()`: the first
   * rows are read in the corpus worker alone, and their first frame does not compete with two
   * helpers for the cores.
   * @param {Array<{ name: string, blob: Blob }>} sources
   * @param {{ helpersWaitForRows?: boolean }} [options]
   */
  addSources(sources, { helpersWaitForRows = false } = {}) {
    const helperPorts = this.#startHelpers();
    this.#post({ corpusSources: sources, maxGzipBytes: maxFileBytes(), helperPorts, helpersWaitForRows }, helperPorts.map(({ port }) => port));
  }

  /** The helpers held for a table's first rows may take lines now. */
  releaseHelpers() {
    this.#post({ corpusHelpersGo: true });
  }

  /**
   * Starts the helper workers for one reading; returns the corpus worker's ends of their channels.
   * A helper that fails is reported to the corpus worker, which then reads its lines itself.
   * @returns {Array<{ id: number, port: MessagePort }>}
   */
  #startHelpers() {
    const module = this.#module;
    /** @type {Array<{ id: number, port: MessagePort }>} */
    const ports = [];
    for (let count = helperCount(); module && ports.length < count;) {
      const helper = startWorker();
      if (!helper) break;
      const id = this.#nextHelper++;
      const channel = new MessageChannel();
      helper.onmessage = (/** @type {MessageEvent<WorkerToPage>} */ { data }) => {
        if ('started' in data) helper.postMessage({ module, lineHelper: true, port: channel.port1 }, [channel.port1]);
      };
      helper.onerror = (event) => {
        event.preventDefault();
        this.#post({ corpusHelperLost: id });
      };
      this.#helpers.push(helper);
      ports.push({ id, port: channel.port2 });
    }
    return ports;
  }

  /**
   * A chunk of JSON Lines (or any bytes) a host streams in.
   * @param {Uint8Array} chunk
   */
  append(chunk) {
    this.#post({ corpusChunk: chunk });
  }

  /**
   * Asks the worker; resolves with its answer.
   * @param {'query' | 'aggregate' | 'bubbleUp' | 'bubbleUpHistograms' | 'heatmap' | 'compare' | 'window' | 'overview' | 'mergedTree' | 'loadOutcomes' | 'sessions' | 'sessionTurns' | 'columns' | 'details' | 'reports' | 'indexBytes' | 'progress' | 'open' | 'nearestSuccess' | 'reviewQueue' | 'setLabels' | 'patterns' | 'exportLabels' | 'readLabels' | 'readTaxonomy' | 'labelAgreement'} call
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  ask(call, ...args) {
    if (this.failure) return Promise.reject(this.failure);
    const request = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#pending.set(request, { resolve, reject });
      this.#post({ request, call, args });
    });
  }

  /**
   * Asks the worker for long work that reports progress on the way (`mergedTree`).
   * @param {'mergedTree'} call
   * @param {(progress: any) => void} onProgress
   * @param {...unknown} args
   * @returns {Promise<any>}
   */
  askWithProgress(call, onProgress, ...args) {
    if (this.failure) return Promise.reject(this.failure);
    const request = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#pending.set(request, { resolve, reject, onProgress });
      this.#post({ request, call, args });
    });
  }

  /** Ends the worker: the corpus's memory goes back to the system. */
  end() {
    this.#worker?.terminate();
    this.#worker = null;
    for (const helper of this.#helpers.splice(0)) helper.terminate();
    this.#fail(new Error('The corpus was closed.'));
  }
}
