// @ts-check
// The corpus side of the worker: once sent `{ module, corpus: true }`, the worker keeps a corpus
// index (the worker module's `Corpus`) for as long as the element shows the corpus. It reads each
// source it is given (Files and Blobs, re-readable later by byte range; gzip decompressed on the
// way and the result kept as Blobs; chunks a host appends) in one streaming pass, in slices of
// 1 MB doubling to 16 MB, reporting progress every quarter second, and answers requests meanwhile:
// query, a window of the table, totals and facets, columns, reports, and `open` (re-reads only one
// trace's lines, imports them keeping that trace, and posts the encoded pieces as an import does). Given helper
// workers with the sources, it hands them the lines to summarise (trace-viewer-line-helpers.js).
import { Corpus, ImportInput, labelAgreement, readLabels, readTaxonomy } from './wasm/trace_viewer_worker.js';
import { concatenated } from './trace-viewer-bytes.js';
import { LineHelpers } from './trace-viewer-line-helpers.js';

/** @typedef {import('./trace-viewer-protocol.js').WorkerToPage} WorkerToPage */
/** @typedef {import('./trace-viewer-protocol.js').CorpusRequest} CorpusRequest */

/** Bytes read from a Blob at a time once under way (4 MB slices took the browser's file-reading
 * threads 4.3 s of CPU for a 3.36 GB file against 2.6–3.7 s in 16 MB slices, on a machine where
 * every core is busy)… */
const SLICE_BYTES = 16 << 20;
/** …and the first slice: the slices double from this size, so the first rows come quickly. */
const FIRST_SLICE_BYTES = 1 << 20;
/** Milliseconds between two progress messages while reading. */
const PROGRESS_EVERY_MS = 250;
/** Helpers held for a table's first rows take lines after this long at the latest (a hidden page
 * draws no frame, so its table never says it drew them). */
const HELPERS_HELD_AT_MOST_MS = 1000;
/** Decompressed bytes gathered before their lines are handed on (the stream gives ~64 KB). */
const GATHER_BYTES = 2 << 20;

/**
 * An outcomes file's bytes: text encoded, a Blob read (gunzipped when its name ends in .gz or
 * its bytes start as gzip does), bytes as they are.
 * @param {string | ArrayBuffer | Uint8Array | Blob} input
 * @param {string} name
 */
async function outcomeBytes(input, name) {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  if (input instanceof Blob) {
    const head = new Uint8Array(await input.slice(0, 2).arrayBuffer());
    const gzip = /\.gz$/i.test(name) || (head[0] === 0x1f && head[1] === 0x8b);
    const stream = gzip ? input.stream().pipeThrough(new DecompressionStream('gzip')) : input.stream();
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/**
 * Where a source's bytes can be read again: the Blob itself, or (gunzipped or appended bytes)
 * the parts kept as Blobs with their offsets.
 * @typedef {{ blob: Blob } | { parts: Array<{ offset: number, blob: Blob }>, length: number }} Source
 */

export class CorpusWorker {
  /** @type {Corpus} */
  corpus;
  /** @type {Source[]} */
  sources = [];
  /** Sources still to read, in order. @type {Array<{ file: number, blob: Blob }>} */
  #queue = [];
  #reading = false;
  #lastProgress = 0;
  /** The source `appendData` chunks go to, once the host has appended any. @type {number | null} */
  #appended = null;
  /** The helpers summarising lines while sources are read (none: lines are read here). @type {LineHelpers | null} */
  #helpers = null;
  /** Runs of lines helpers summarised, over every reading (for tests and the bench). */
  #summarisedByHelpers = 0;
  /** Runs summarised here while the helpers waited for a table's first rows (for tests). */
  #summarisedWhileHeld = 0;
  /** Whether the page let the helpers go before they were given out. */
  #helpersReleased = false;

  /**
   * @param {(message: WorkerToPage, transfer?: Transferable[]) => void} reply
   * @param {Corpus} [kept] a corpus the import made of a document of several traces
   */
  constructor(reply, kept) {
    this.reply = reply;
    this.corpus = kept ?? new Corpus();
  }

  /** A gzip source stops being decompressed past this many bytes (a bomb fills no memory). */
  maxGzipBytes = Infinity;

  /**
   * @param {Array<{ name: string, blob: Blob }>} sources
   * @param {number} maxGzipBytes
   * @param {Array<{ id: number, port: MessagePort }>} [helperPorts] helper workers for this reading
   * @param {boolean} [helpersWaitForRows] the helpers get no lines until `releaseHelpers()` (or
   *   {@link HELPERS_HELD_AT_MOST_MS}, for a page that draws no frame)
   */
  addSources(sources, maxGzipBytes, helperPorts = [], helpersWaitForRows = false) {
    this.maxGzipBytes = maxGzipBytes;
    if (helperPorts.length > 0 && !this.#helpers) {
      const held = helpersWaitForRows && !this.#helpersReleased;
      if (held) setTimeout(() => this.releaseHelpers(), HELPERS_HELD_AT_MOST_MS);
      this.#helpers = new LineHelpers(
        held,
        helperPorts,
        (file, batch) => {
          this.corpus.absorbLines(file, batch);
          this.#progress(false);
        },
        (file, offset, length) => this.#readRange(file, offset, length),
        (error) => this.reply({ error: String(/** @type {{ message?: unknown }} */ (error)?.message ?? error) }),
      );
    } else {
      for (const { port } of helperPorts) port.postMessage({ end: true });
    }
    for (const { name, blob } of sources) {
      const file = this.corpus.addFile(name);
      this.sources[file] = { blob };
      this.#queue.push({ file, blob });
    }
    if (!this.#reading) this.#readQueue().catch((error) => this.reply({ error: String(error?.message ?? error) }));
  }

  /**
   * A chunk a host appended: indexed now (its complete lines), kept for re-reading.
   * @param {Uint8Array} chunk
   */
  append(chunk) {
    if (this.#appended === null) {
      this.#appended = this.corpus.addFile('appended data');
      this.sources[this.#appended] = { parts: [], length: 0 };
    }
    const source = /** @type {{ parts: Array<{ offset: number, blob: Blob }>, length: number }} */ (this.sources[this.#appended]);
    source.parts.push({ offset: source.length, blob: new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (chunk)]) });
    source.length += chunk.length;
    this.corpus.feed(this.#appended, chunk);
    this.#progress(true);
  }

  async #readQueue() {
    this.#reading = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        await this.#read(next.file, next.blob);
        await this.#helpers?.drain();
        this.corpus.finishFile(next.file);
        this.#progress(true);
      }
    } finally {
      if (this.#helpers) this.#summarisedByHelpers += this.#helpers.summarisedByHelpers;
      if (this.#helpers) this.#summarisedWhileHeld += this.#helpers.summarisedWhileHeld;
      this.#helpers?.end();
      this.#helpers = null;
      this.#reading = false;
      this.#progress(true);
    }
  }

  /**
   * Reads one source into the index: a slice at a time, or (gzip) as a decompressed stream whose
   * bytes are kept for re-reading.
   * @param {number} file
   * @param {Blob} blob
   */
  async #read(file, blob) {
    const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
    if (head[0] === 0x1f && head[1] === 0x8b) {
      /** @type {{ parts: Array<{ offset: number, blob: Blob }>, length: number }} */
      const kept = { parts: [], length: 0 };
      this.sources[file] = kept;
      const reader = blob.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
      /** @type {Uint8Array[]} */
      let gathered = [];
      let gatheredBytes = 0;
      const handOn = async () => {
        if (gatheredBytes > 0) await this.#feed(file, concatenated(gathered, gatheredBytes));
        gathered = [];
        gatheredBytes = 0;
      };
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (kept.length + value.length > this.maxGzipBytes) {
          await reader.cancel();
          await handOn();
          const megabytes = Math.round(this.maxGzipBytes / 1e6);
          this.corpus.addWarning(file, `It expands to more than ${megabytes} MB; decompressing stopped there and only the lines before were read.`);
          return;
        }
        kept.parts.push({ offset: kept.length, blob: new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (value)]) });
        kept.length += value.length;
        gathered.push(value);
        gatheredBytes += value.length;
        if (gatheredBytes >= GATHER_BYTES) await handOn();
        this.#progress(false);
      }
      await handOn();
      return;
    }
    let size = FIRST_SLICE_BYTES;
    let next = blob.slice(0, size).arrayBuffer();
    for (let offset = 0; offset < blob.size;) {
      const bytes = new Uint8Array(await next);
      offset += size;
      size = Math.min(2 * size, SLICE_BYTES);
      // The next slice is read while this one is indexed.
      if (offset < blob.size) next = blob.slice(offset, offset + size).arrayBuffer();
      await this.#feed(file, bytes);
      this.#progress(false);
    }
  }

  /**
   * Indexes the next bytes of a source: here, or (their complete lines) through the helpers.
   * @param {number} file
   * @param {Uint8Array} bytes
   */
  async #feed(file, bytes) {
    if (!this.#helpers) {
      this.corpus.feed(file, bytes);
      return;
    }
    /** @type {{ head: Uint8Array, take: number, offset: number, startsFile: boolean, opening?: Uint8Array } | undefined} */
    let split;
    if (this.corpus.readsLines(file)) {
      // JSON Lines: only the bytes after the slice's last newline go into wasm memory.
      const lastNewline = bytes.lastIndexOf(0x0a);
      split = this.corpus.takeLinesAfter(file, bytes.length, lastNewline, bytes.subarray(lastNewline + 1));
    } else {
      split = this.corpus.takeLines(file, bytes);
    }
    if (!split) return;
    // The slice goes to the helper as it is (moved, not copied), the line left over before it apart.
    const opening = split.opening ?? new Uint8Array(0);
    await this.#helpers.give(file, { head: split.head, bytes: bytes.subarray(0, split.take), offset: split.offset, startsFile: split.startsFile, opening });
  }

  /** The table drew its first rows: the helpers take lines from now on. */
  releaseHelpers() {
    this.#helpersReleased = true;
    this.#helpers?.release();
  }

  /**
   * The page found helper `id`'s worker failed: its lines are read here instead.
   * @param {number} id
   */
  helperLost(id) {
    this.#helpers?.lost(id);
  }

  /** @param {boolean} now */
  #progress(now) {
    const time = performance.now();
    if (!now && time - this.#lastProgress < PROGRESS_EVERY_MS) return;
    this.#lastProgress = time;
    this.reply({ corpusProgress: this.corpus.progress(), reading: this.#reading || this.#queue.length > 0 });
  }

  /**
   * Bytes `offset..offset + length` of source `file`.
   * @param {number} file
   * @param {number} offset
   * @param {number} length
   */
  async #readRange(file, offset, length) {
    const source = this.sources[file];
    if (!source) throw new Error(`No source ${file} in this corpus.`);
    if ('blob' in source) return new Uint8Array(await source.blob.slice(offset, offset + length).arrayBuffer());
    const end = offset + length;
    const pieces = source.parts
      .filter((part) => part.offset < end && part.offset + part.blob.size > offset)
      .map((part) => part.blob.slice(Math.max(0, offset - part.offset), Math.min(part.blob.size, end - part.offset)));
    return new Uint8Array(await new Blob(pieces).arrayBuffer());
  }

  /**
   * The lines (or files) that hold these traces, read again and joined as JSON Lines (each range
   * once, an element of a document inside the document's opening); null for traces of a document
   * imported whole, which are kept here instead.
   * @param {string[]} traceIds
   * @returns {Promise<{ lines: Uint8Array, bytesRead: number, ranges: number } | null>}
   */
  async #linesOf(traceIds) {
    /** @type {Array<{ file: number, offset: number, length: number, opening?: string }>} */
    const ranges = [];
    const seen = new Set();
    for (const traceId of traceIds) {
      /** @type {Array<{ file: number, offset: number, length: number, opening?: string }> | null} */
      const own = this.corpus.rangesOf(traceId);
      if (!own) throw new Error(`This corpus has no trace with id ${traceId}.`);
      // Traces may share lines (one document holding both): each range is read once.
      for (const range of own) {
        const key = `${range.file}:${range.offset}:${range.length}`;
        if (!seen.has(key)) ranges.push(range);
        seen.add(key);
      }
    }
    if (ranges.length === 0) return null;
    const read = await Promise.all(ranges.map((range) => this.#readRange(range.file, range.offset, range.length)));
    const bytesRead = read.reduce((sum, part) => sum + part.length, 0);
    const encoder = new TextEncoder();
    const parts = read.map((part, index) => {
      const opening = ranges[index].opening;
      return opening === undefined ? part : concatenated([encoder.encode(opening), part, encoder.encode(']}')]);
    });
    const lines = new Uint8Array(parts.reduce((sum, part) => sum + part.length + 1, 0));
    let at = 0;
    for (const part of parts) {
      lines.set(part, at);
      at += part.length;
      lines[at++] = 0x0a;
    }
    return { lines, bytesRead, ranges: ranges.length };
  }

  /**
   * An import of these traces' lines keeping only them.
   * @param {string[]} traceIds
   * @param {Uint8Array} lines
   */
  static #importOnly(traceIds, lines) {
    const input = new ImportInput();
    for (const traceId of traceIds) input.keepOnlyTrace(traceId);
    input.append(input.addFile('', lines.length), lines);
    return input;
  }

  /**
   * Opens one trace, or two to compare: reads their lines (or files), imports them keeping only
   * them, and posts the encoded pieces as `{ reply, piece }`; resolves with how much was read.
   * @param {number} request
   * @param {string[]} traceIds
   */
  async open(request, traceIds) {
    const post = (/** @type {Uint8Array} */ piece) => this.reply({ reply: request, piece }, [piece.buffer]);
    const read = await this.#linesOf(traceIds);
    if (!read) {
      // Traces of a document imported whole: kept in the worker, encoded now.
      return { pieceCount: this.corpus.openKept(traceIds, post), bytesRead: 0, ranges: 0 };
    }
    const sent = CorpusWorker.#importOnly(traceIds, read.lines).import(undefined, post);
    const pieceCount = sent.pieceCount;
    sent.free();
    return { pieceCount, bytesRead: read.bytesRead, ranges: read.ranges };
  }

  /**
   * The labels as a file's text (`exportLabels()`): the labelled traces are read again, a few
   * hundred at a time, for their whole question and answer; the index gives their other facts.
   * @param {string} format
   * @param {object[]} labels
   * @param {string} taxonomy the taxonomy as JSON
   * @param {string} groupBy
   */
  async exportLabels(format, labels, taxonomy, groupBy) {
    const traceIds = labels.map((label) => /** @type {{ trace_id: string }} */ (label).trace_id);
    /** @type {Array<{ traceId: string, input: string | null, output: string | null }>} */
    const texts = [];
    for (let at = 0; at < traceIds.length; at += 256) {
      const batch = traceIds.slice(at, at + 256).filter((traceId) => this.corpus.rangesOf(traceId) !== null);
      if (batch.length === 0) continue;
      const read = await this.#linesOf(batch);
      texts.push(...(read ? CorpusWorker.#importOnly(batch, read.lines).readableTexts() : this.corpus.keptReadableTexts(batch)));
    }
    return this.corpus.exportLabels(format, labels, taxonomy, groupBy, texts);
  }

  /**
   * Merges the first `limit` traces `filter` keeps into one tree: those in one part at once from
   * the index's span skeletons; for traces split across lines or files the byte ranges are read
   * again a window at a time (nearby ranges share one), each trace imported once all of its
   * ranges are in; progress is posted every few hundred milliseconds.
   * @param {number} request
   * @param {string} filter
   * @param {number} limit
   */
  async mergedTree(request, filter, limit) {
    /** @type {{ windows: Array<{ file: number, offset: number, length: number }>, matching: number }} */
    const plan = this.corpus.mergeStart(request, filter, limit);
    const traces = Math.min(limit, plan.matching);
    let reported = performance.now();
    try {
      for (const [window, { file, offset, length }] of plan.windows.entries()) {
        const merged = this.corpus.mergeWindow(request, window, await this.#readRange(file, offset, length));
        if (performance.now() - reported > 250) {
          reported = performance.now();
          this.reply({ reply: request, progress: { merged, traces } });
        }
      }
    } catch (error) {
      this.corpus.mergeFinish(request);
      throw error;
    }
    return JSON.parse(this.corpus.mergeFinish(request));
  }

  /** @param {CorpusRequest} message */
  async answer({ request, call, args }) {
    try {
      const result = await this.#call(request, call, args);
      this.reply({ reply: request, result });
    } catch (error) {
      const { message, column, reason } = /** @type {{ message?: string, column?: number, reason?: string }} */ (error ?? {});
      this.reply({ reply: request, error: { message: String(message ?? error), column, reason } });
    }
  }

  /**
   * @param {number} request
   * @param {string} call
   * @param {any[]} args
   */
  async #call(request, call, args) {
    switch (call) {
      case 'query': return this.corpus.query(args[0], args[1], args[2]);
      case 'aggregate': return JSON.parse(this.corpus.aggregate(args[0], args[1], args[2], args[3] ?? ''));
      case 'compare': return this.corpus.compare(args[0], args[1], args[2] ?? '');
      case 'bubbleUp': return this.corpus.bubbleUp(args[0], args[1] ?? undefined, args[2]);
      case 'heatmap': return this.corpus.heatmap(args[0], args[1], args[2]);
      case 'patterns': return this.corpus.patterns(args[0] ?? '', args[1], args[2]);
      case 'setLabels': return this.corpus.setLabels(args[0], args[1] ?? []);
      case 'bubbleUpHistograms': return this.corpus.bubbleUpHistograms(args[0], args[1] ?? undefined, args[2]);
      case 'window': return this.corpus.window(args[0], args[1], args[2], args[3]);
      case 'overview': return this.corpus.overview(args[0]);
      case 'mergedTree': return this.mergedTree(request, args[0], args[1]);
      case 'loadOutcomes': return this.corpus.loadOutcomes(await outcomeBytes(args[0], args[1]), args[1]);
      case 'sessions': return this.corpus.sessions(args[0], args[1], args[2], args[3]);
      case 'sessionTurns': return this.corpus.sessionTurns(args[0]);
      case 'columns': return this.corpus.columns();
      case 'details': return this.corpus.details();
      case 'reports': return this.corpus.fileReports();
      case 'indexBytes': return { ...this.corpus.indexBytes(), memoryBytes: this.corpus.memoryBytes() };
      case 'progress': return {
        ...this.corpus.progress(),
        reading: this.#reading || this.#queue.length > 0,
        summarisedByHelpers: this.#summarisedByHelpers + (this.#helpers?.summarisedByHelpers ?? 0),
        summarisedWhileHeld: this.#summarisedWhileHeld + (this.#helpers?.summarisedWhileHeld ?? 0),
      };
      case 'open': return this.open(request, args);
      case 'readLabels': return readLabels(args[0]);
      case 'readTaxonomy': return readTaxonomy(args[0]);
      case 'labelAgreement': return labelAgreement(args[0], args[1], args[2]);
      case 'reviewQueue': return this.corpus.reviewQueue(args[0], args[1], args[2], args[3], args[4]);
      case 'exportLabels': return this.exportLabels(args[0], args[1], args[2], args[3]);
      case 'nearestSuccess': return this.corpus.nearestSuccess(args[0]) ?? null;
      default: throw new Error(`Unknown corpus request ${call}.`);
    }
  }
}
