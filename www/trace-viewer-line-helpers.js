// @ts-check
// The corpus worker's helpers: other workers (started by the page, reached through MessagePorts)
// that summarise runs of JSON Lines (or of a large document's elements) in parallel, so indexing
// uses every core. The corpus worker takes each slice's complete lines (`Corpus.takeLines`, `takeLinesAfter`), hands them to the least busy helper, and
// joins the batches that come back into its index strictly in the order the lines were taken
// (`Corpus.absorbLines`), so rows, merges and line numbers are what reading in one place gives.
// A helper that fails or is lost has its lines read again from the source and summarised here.
import { summarizeLines } from './wasm/trace_viewer_worker.js';

/** Runs of lines given to one helper and not yet back. */
const MAX_IN_FLIGHT_PER_HELPER = 2;

/**
 * A run of lines: `head` (the line the slice before left unfinished) then `bytes`, starting at
 * byte `offset` of the file.
 * @typedef {{ head: Uint8Array, bytes: Uint8Array, offset: number, startsFile: boolean, opening: Uint8Array }} LineJob
 */
/** @typedef {{ file: number, offset: number, length: number, startsFile: boolean, opening: Uint8Array, helper: Helper | null, batch: Uint8Array | null }} Taken */
/** @typedef {{ id: number, port: MessagePort, inFlight: number, lost: boolean }} Helper */

export class LineHelpers {
  /** @type {Helper[]} */
  #helpers;
  /** Jobs by number, until absorbed. @type {Map<number, Taken>} */
  #taken = new Map();
  #nextJob = 0;
  #nextAbsorbed = 0;
  /** Callers waiting for a helper to have room or for a batch to be absorbed. @type {Array<() => void>} */
  #waiting = [];
  /** Runs of lines summarised by helpers (for tests and the bench). */
  summarisedByHelpers = 0;
  /** Runs summarised here because the helpers were held (for tests). */
  summarisedWhileHeld = 0;
  /** While held, runs are summarised here (see `CorpusSession.addSources`). */
  #held;

  /**
   * @param {boolean} held the helpers wait for `release()`
   * @param {Array<{ id: number, port: MessagePort }>} ports
   * @param {(file: number, batch: Uint8Array) => void} absorb joins a batch into the index
   * @param {(file: number, offset: number, length: number) => Promise<Uint8Array>} readAgain
   * @param {(error: unknown) => void} onError
   */
  constructor(held, ports, absorb, readAgain, onError) {
    this.#held = held;
    this.absorb = absorb;
    this.readAgain = readAgain;
    this.onError = onError;
    this.#helpers = ports.map(({ id, port }) => ({ id, port, inFlight: 0, lost: false }));
    for (const helper of this.#helpers) {
      helper.port.onmessage = (/** @type {MessageEvent<{ job: number, batch?: Uint8Array, error?: string }>} */ { data }) => {
        const taken = this.#taken.get(data.job);
        if (!taken || taken.helper !== helper) return;
        helper.inFlight--;
        if (data.batch) {
          taken.batch = data.batch;
          this.summarisedByHelpers++;
          this.#absorbReady();
        } else {
          // This run, and any other the helper holds, are summarised here.
          this.lost(helper.id);
        }
      };
    }
  }

  /**
   * Hands a run of complete lines of file `file` to the least busy helper, waiting while every
   * helper has its fill; without helpers, summarises it here.
   * @param {number} file
   * @param {LineJob} job
   */
  async give(file, job) {
    for (;;) {
      const helper = this.#helpers.filter((candidate) => !candidate.lost)
        .reduce((/** @type {Helper | null} */ best, candidate) => (!best || candidate.inFlight < best.inFlight ? candidate : best), null);
      const number = this.#nextJob;
      if (!helper || this.#held) {
        if (helper) this.summarisedWhileHeld++;
        this.#nextJob++;
        this.#taken.set(number, { ...this.#record(file, job), batch: summarizeLines(job.head, job.bytes, job.offset, job.startsFile, job.opening) });
        this.#absorbReady();
        return;
      }
      if (helper.inFlight < MAX_IN_FLIGHT_PER_HELPER) {
        this.#nextJob++;
        this.#taken.set(number, { ...this.#record(file, job), helper });
        helper.inFlight++;
        const { head, bytes, offset, startsFile, opening } = job;
        helper.port.postMessage({ job: number, head, bytes, offset, startsFile, opening }, [bytes.buffer]);
        return;
      }
      await new Promise((resolve) => this.#waiting.push(() => resolve(undefined)));
    }
  }

  /**
   * What is remembered of a run given out (not its bytes: a lost helper's runs are read again).
   * @param {number} file
   * @param {LineJob} job
   * @returns {Taken}
   */
  #record(file, job) {
    return { file, offset: job.offset, length: job.head.length + job.bytes.length, startsFile: job.startsFile, opening: job.opening, helper: null, batch: null };
  }

  /** Resolves once every run given so far is in the index. */
  async drain() {
    while (this.#taken.size > 0) await new Promise((resolve) => this.#waiting.push(() => resolve(undefined)));
  }

  /**
   * The page found helper `id` gone (its worker failed): its runs are summarised here.
   * @param {number} id
   */
  lost(id) {
    const helper = this.#helpers.find((candidate) => candidate.id === id);
    if (!helper || helper.lost) return;
    this.#lose(helper);
    for (const [number, taken] of this.#taken) {
      if (taken.helper === helper && !taken.batch) this.#summariseHere(number, taken).catch(this.onError);
    }
  }

  /** The helpers may take runs from now on. */
  release() {
    this.#held = false;
  }

  /** Tells the helpers to stop (their workers close) and takes no more help. */
  end() {
    for (const helper of this.#helpers) {
      if (!helper.lost) helper.port.postMessage({ end: true });
      this.#lose(helper);
    }
  }

  /** @param {Helper} helper */
  #lose(helper) {
    helper.lost = true;
    helper.port.onmessage = null;
    helper.inFlight = 0;
    this.#wake();
  }

  /**
   * Reads a run again from its source and summarises it here.
   * @param {number} number
   * @param {Taken} taken
   */
  async #summariseHere(number, taken) {
    taken.helper = null;
    const bytes = await this.readAgain(taken.file, taken.offset, taken.length);
    if (this.#taken.get(number) !== taken) return;
    taken.batch = summarizeLines(new Uint8Array(0), bytes, taken.offset, taken.startsFile, taken.opening);
    this.#absorbReady();
  }

  /** Joins the batches that are next in order into the index. */
  #absorbReady() {
    for (let taken = this.#taken.get(this.#nextAbsorbed); taken?.batch; taken = this.#taken.get(this.#nextAbsorbed)) {
      this.#taken.delete(this.#nextAbsorbed);
      this.#nextAbsorbed++;
      try {
        this.absorb(taken.file, taken.batch);
      } catch (error) {
        this.onError(error);
      }
    }
    this.#wake();
  }

  #wake() {
    for (const resume of this.#waiting.splice(0)) resume();
  }
}
