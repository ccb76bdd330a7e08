// @ts-check
// The import worker: runs the importer off the page's main thread so the page never freezes.
// The element starts one per load with the wasm module it already compiled, posts the file bytes,
// and gets back the imported traces in the compact transfer encoding (or an error message): each
// piece of about 16 MB as `{ piece }` as soon as it is encoded (a trace's spans before its tree is
// built, then its placement), then `{ done, pieceCount, timings }`.
// One worker per load, ended afterwards, so the memory a large file needed is returned at once.
// Sent `{ module, warmUp: true }` instead, it imports three small generated traces, posts their
// encodings `{ warmedUp }` and ends: the element does that once per page so the browser has
// optimised the importer (and, decoding them, the page's decoder) before a file comes.
// It runs the worker's own wasm module (`module`, compiled once by the page): the importers and the
// encoder, which the page's module does not carry.
// The messages are declared in trace-viewer-protocol.js.
// Sent `{ module, corpus: true }`, it becomes a corpus worker instead (trace-viewer-corpus-worker.js);
// sent `{ module, lineHelper: true, port }`, a corpus worker's helper: it summarises the runs of
// lines that come through `port` and closes when told to (see trace-viewer-line-helpers.js).
import init, { ImportInput, summarizeLines, warmUp } from './wasm/trace_viewer_worker.js';
import { CorpusWorker } from './trace-viewer-corpus-worker.js';

/** @typedef {import('./trace-viewer-protocol.js').PageToWorker} PageToWorker */
/** @typedef {import('./trace-viewer-protocol.js').WorkerToPage} WorkerToPage */

/**
 * Posts a message to the page, moving `transfer`.
 * @param {WorkerToPage} message
 * @param {Transferable[]} [transfer]
 */
function reply(message, transfer = []) {
  self.postMessage(message, transfer);
}

reply({ started: true });

/** The files of this worker's import, and how many of their bytes are still to come. @type {ImportInput | null} */
let input = null;
let bytesToCome = 0;
/** Bytes of this worker's files, for messages. */
let totalBytes = 0;
/** Settles once the first message has set up the wasm and `input`; chunks wait for it. @type {Promise<void> | null} */
let ready = null;

/** The corpus this worker keeps, once asked to. @type {CorpusWorker | null} */
let corpus = null;

/** Spans read so far (then -1 while the tree is built), for the page's progress bar. @param {number} spansRead */
const reportProgress = (spansRead) => reply({ spansRead });

/** @param {ImportInput} input */
function importAndReply(input) {
  const started = performance.now();
  // Each piece goes to the page as soon as it is encoded: the page decodes a trace's spans while
  // the worker still builds its tree.
  const sent = input.import(reportProgress, (/** @type {Uint8Array} */ piece) => reply({ piece }, [piece.buffer]));
  // A document of several traces became a corpus: this worker keeps it and answers the table.
  const kept = sent.takeCorpus();
  if (kept) {
    sent.free();
    corpus = new CorpusWorker(reply, kept);
    reply({ corpusReady: true });
    return;
  }
  // How long the import itself and the encoding within it took, for benchmarks and curious callers.
  const encodeMs = sent.encodeMs;
  const timings = { importMs: performance.now() - started - encodeMs, encodeMs };
  const pieceCount = sent.pieceCount;
  sent.free();
  reply({ done: true, pieceCount, timings });
}

/**
 * A corpus worker's helper: each run of lines that comes through `port` goes back summarised.
 * @param {MessagePort} port
 */
function summariseLinesFrom(port) {
  port.onmessage = (/** @type {MessageEvent<import('./trace-viewer-protocol.js').LineHelperJob | { end: true }>} */ { data }) => {
    if ('end' in data) {
      port.close();
      self.close();
      return;
    }
    try {
      /** @type {Uint8Array} */
      const batch = summarizeLines(data.head, data.bytes, data.offset, data.startsFile, data.opening);
      port.postMessage({ job: data.job, batch }, [batch.buffer]);
    } catch (error) {
      port.postMessage({ job: data.job, error: describe(error) });
    }
  };
}

/** @param {Extract<PageToWorker, { module: WebAssembly.Module }>} data */
async function begin(data) {
  await init({ module_or_path: data.module });
  if ('corpus' in data) {
    corpus = new CorpusWorker(reply);
    return;
  }
  if ('lineHelper' in data) {
    summariseLinesFrom(data.port);
    return;
  }
  if ('warmUp' in data) {
    /** @type {Uint8Array[]} */
    const encodings = warmUp();
    reply({ warmedUp: encodings }, encodings.map((encoding) => encoding.buffer));
    return;
  }
  // Each file comes whole (bytes the page could give away) or as its length, its bytes following
  // in chunks (a caller's buffer, copied a chunk at a time into two buffers passed back and forth).
  const files = new ImportInput();
  if (data.corpusIfMany) files.corpusIfMany();
  data.buffers.forEach((bytes, index) => {
    const length = typeof bytes === 'number' ? bytes : bytes.length;
    totalBytes += length;
    const file = files.addFile(data.names[index] ?? '', length);
    if (typeof bytes === 'number') bytesToCome += bytes;
    else files.append(file, bytes);
  });
  if (bytesToCome === 0) importAndReply(files);
  else input = files;
}

/** @param {{ file: number, chunk: Uint8Array }} data */
async function takeChunk({ file, chunk }) {
  await ready;
  if (!input) throw new Error('A chunk came before its import.');
  input.append(file, chunk);
  bytesToCome -= chunk.length;
  // The buffer goes back to the page for the next chunk.
  reply({ chunkTaken: chunk }, [chunk.buffer]);
  if (bytesToCome === 0) {
    const files = input;
    input = null;
    importAndReply(files);
  }
}

self.onmessage = async (/** @type {MessageEvent<PageToWorker>} */ { data }) => {
  try {
    if ('chunk' in data) {
      await takeChunk(data);
    } else if ('corpusSources' in data || 'corpusChunk' in data || 'corpusHelperLost' in data || 'corpusHelpersGo' in data || 'request' in data) {
      await ready;
      if (!corpus) throw new Error('A corpus message came before the corpus.');
      if ('corpusSources' in data) corpus.addSources(data.corpusSources, data.maxGzipBytes, data.helperPorts, data.helpersWaitForRows);
      else if ('corpusHelperLost' in data) corpus.helperLost(data.corpusHelperLost);
      else if ('corpusHelpersGo' in data) corpus.releaseHelpers();
      else if ('corpusChunk' in data) corpus.append(data.corpusChunk);
      else await corpus.answer(data);
    } else {
      ready = begin(data);
      await ready;
    }
  } catch (error) {
    reply({ error: describe(error) });
  }
};

/**
 * The error as a person can read it. The importer's own errors say where and what; a trap inside
 * the wasm (out of memory, or a bug) says only "unreachable", so it gets an explanation.
 */
/** @param {unknown} error */
function describe(error) {
  const message = String(/** @type {{ message?: unknown }} */ (error)?.message ?? error);
  if (!(error instanceof WebAssembly.RuntimeError)) return message;
  const size = totalBytes > 0 ? ` while importing ${(totalBytes / 1e6).toFixed(1)} MB` : '';
  return `The import stopped inside WebAssembly (${message})${size}. Most likely the trace needs more `
    + 'memory than the browser gives WebAssembly (at most 4 GB); try a smaller file, or one trace at a time.';
}
