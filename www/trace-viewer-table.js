// @ts-check
// The traces table's controller: one per corpus. It starts the corpus worker (CorpusSession),
// feeds it the sources, and answers what the table asks (`corpus:query`, `corpus:window`,
// `corpus:open`) by asking the worker and pushing the answers into the element's handle. While
// the worker reads, the count, totals, facets and rows in view are refreshed at each progress
// message (every quarter second). Window requests are coalesced: one in flight, the latest waiting.
import { CorpusQueryError, CorpusSession } from './trace-viewer-corpus.js';

/** @typedef {import('./trace-viewer-protocol.js').CorpusProgress} CorpusProgress */
/** @typedef {import('./trace-viewer-import.js').EncodedPieces} EncodedPieces */

/**
 * What the controller needs of the element.
 * @typedef {{
 *   handle(): import('./wasm/trace_viewer.js').ViewerHandle | null,
 *   emit(name: string, detail: unknown): void,
 *   emitCancelable(name: string, detail: unknown): boolean,
 *   showEncoded(encoded: EncodedPieces): Promise<unknown>,
 *   queryChanged(filter: string, sort: string): void,
 *   sessionOpened(session: string): void,
 * }} TableHost
 */

/** While the worker reads, the table's counts, totals, facets and rows are asked for again on a
 * timer: at least this long from the start of one refresh to the start of the next (the worker
 * answers between the batches it absorbs, 10-150 ms later, so updates stay under 500 ms apart)… */
const MIN_REFRESH_MS = 300;
/** …and at least this many times what the last one took (it took the worker from reading). */
const REFRESH_SHARE = 1.5;
/** The columns and file reports change little while reading: asked for at most this often. */
const DETAILS_EVERY_MS = 2000;

/**
 * A dashboard panel's question (`corpus:aggregate`).
 * @typedef {{ panel: number, groupBy: string, measure: string, filter: string, failDefinition: string }} PanelRequest
 */

/** Numeric columns the dashboard's BubbleUp draws as overlaid histograms. */
const HISTOGRAMS_SHOWN = 4;

/** Rows the table asks for before it knows its height. */
const FIRST_WINDOW_ROWS = 100;

/**
 * Runs `work` for the latest of the requests asked, one at a time: a request asked while one
 * runs waits, replacing any that was waiting (the dashboard asks at every refresh while reading;
 * only the newest question is worth the worker's time).
 * @template Request
 */
class LatestOnly {
  #running = false;
  /** @type {Request | null} */
  #waiting = null;

  /** @param {(request: Request) => Promise<void>} work */
  constructor(work) {
    this.work = work;
  }

  /** @param {Request} request */
  async ask(request) {
    this.#waiting = request;
    if (this.#running) return;
    this.#running = true;
    try {
      for (let next = this.#waiting; next !== null; next = this.#waiting) {
        this.#waiting = null;
        await this.work(next);
      }
    } finally {
      this.#running = false;
    }
  }
}

export class CorpusTable {
  /** @type {CorpusSession} */
  session;
  /** The filter and sort answered last (answers to older ones are dropped). */
  filter = '';
  sort = '';
  /** The rows in view the table asked for last. */
  #window = { offset: 0, limit: FIRST_WINDOW_ROWS };
  #windowInFlight = false;
  #windowWanted = false;
  #refreshing = false;
  #refreshAgain = false;
  #refreshDetailsAgain = false;
  /** Settles when the refresh under way (and any asked for meanwhile) is done. @type {Promise<void>} */
  #refreshDone = Promise.resolve();
  /** Settles once every source has been read. @type {Promise<void>} */
  finished;
  #resolveFinished = () => {};
  /** @type {(error: Error) => void} */
  #rejectFinished = () => {};
  #ended = false;
  /** While reading, no refresh before this time (`performance.now()`). */
  #nextRefreshAt = 0;
  /** The timer of the next refresh while reading. @type {ReturnType<typeof setTimeout> | null} */
  #refreshTimer = null;
  /** Whether the timer's refresh is under way (progress meanwhile schedules no second one). */
  #timedRefreshRunning = false;
  /** Whether the worker still reads (from its last progress message). */
  #reading = true;
  /** When the columns and reports were last asked for. */
  #detailsAt = -Infinity;
  /** Each dashboard panel's questions, the latest only, by panel number. @type {Map<number, LatestOnly<PanelRequest>>} */
  #panels = new Map();
  /** The dashboard's BubbleUp questions, the latest only. */
  #bubbleUp = new LatestOnly((/** @type {{ selection: string, baseline: string, limit: number }} */ request) => this.#answerBubbleUp(request));
  /** The sessions list's questions and the conversations asked, the latest only. */
  #sessions = new LatestOnly((/** @type {{ filter: string, sort: string, offset: number, limit: number }} */ request) => this.#answerSessions(request));
  #conversation = new LatestOnly((/** @type {{ session: string }} */ request) => this.#answerConversation(request));
  #heatmap = new LatestOnly((/** @type {{ filter: string, columns: number, rows: number }} */ request) => this.#answerHeatmap(request));
  #merge = new LatestOnly((/** @type {{ filter: string, limit: number }} */ request) => this.#answerMergedTree(request));
  /** The dashboard's comparisons, the latest only. */
  #comparison = new LatestOnly((/** @type {{ a: string, b: string, failDefinition: string }} */ request) => this.#answerComparison(request));

  /**
   * @param {TableHost} host
   * @param {string} filter
   * @param {string} sort
   */
  constructor(host, filter, sort) {
    this.host = host;
    this.filter = filter;
    this.sort = sort;
    this.finished = new Promise((resolve, reject) => {
      this.#resolveFinished = () => resolve(undefined);
      this.#rejectFinished = reject;
    });
    this.finished.catch(() => {});
    this.session = new CorpusSession((progress) => this.#onProgress(progress), (error) => this.#onFailure(error));
  }

  async start() {
    this.host.handle()?.startCorpus(this.filter, this.sort);
    await this.session.start();
  }

  /**
   * Shows a corpus a worker already holds (an import found several traces in one document).
   * @param {Worker} worker
   */
  async adopt(worker) {
    this.host.handle()?.startCorpus(this.filter, this.sort);
    this.session.adopt(worker);
    const progress = await this.session.ask('progress');
    this.host.handle()?.corpusProgress(progress.traces, progress.spansRead, progress.bytesRead, progress.files, false);
    await this.refresh();
    this.#resolveFinished();
  }

  /** @param {Array<{ name: string, blob: Blob }>} sources */
  addSources(sources) {
    this.session.addSources(sources, { helpersWaitForRows: true });
  }

  /** @param {Uint8Array} chunk */
  append(chunk) {
    this.session.append(chunk);
  }

  /** @param {CorpusProgress & { reading: boolean }} progress */
  #onProgress(progress) {
    if (this.#ended) return;
    this.host.handle()?.corpusProgress(progress.traces, progress.spansRead, progress.bytesRead, progress.files, progress.reading);
    this.#reading = progress.reading;
    if (progress.reading) {
      this.#scheduleRefresh();
      return;
    }
    if (this.#refreshTimer !== null) clearTimeout(this.#refreshTimer);
    this.#refreshTimer = null;
    // Everything is read: once the table shows the last of it, the load is done.
    this.refresh(true).then(() => this.#resolveFinished(), (error) => this.#rejectFinished(error));
  }

  /**
   * While the worker reads, the next refresh on a timer. The worker answers between the slices it
   * reads, so refreshes are paced by what the last one cost.
   */
  #scheduleRefresh() {
    if (this.#refreshTimer !== null || this.#timedRefreshRunning || this.#ended) return;
    const wait = Math.max(0, this.#nextRefreshAt - performance.now());
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      if (!this.#reading || this.#ended) return;
      const started = performance.now();
      const details = started - this.#detailsAt >= DETAILS_EVERY_MS;
      this.#timedRefreshRunning = true;
      this.refresh(details).then(() => {
        this.#timedRefreshRunning = false;
        this.#nextRefreshAt = started + Math.max(MIN_REFRESH_MS, REFRESH_SHARE * (performance.now() - started));
        if (this.#reading) this.#scheduleRefresh();
      }, (error) => {
        this.#timedRefreshRunning = false;
        this.#rejectFinished(error);
      });
    }, wait);
  }

  /** @param {Error} error */
  #onFailure(error) {
    this.#rejectFinished(error);
    if (!this.#ended) this.host.handle()?.showError(error.message);
  }

  /**
   * Asks again for what the table shows: count, totals, facets, the rows in view, and (with
   * `details`) the columns and file reports. One at a time: asked while one is under way, it runs
   * again once that one is done.
   * @param {boolean} [details]
   */
  async refresh(details = true) {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      this.#refreshDetailsAgain ||= details;
      return this.#refreshDone;
    }
    this.#refreshing = true;
    this.#refreshDone = (async () => {
      try {
        let withDetails = details;
        do {
          this.#refreshAgain = false;
          this.#refreshDetailsAgain = false;
          if (withDetails) this.#detailsAt = performance.now();
          // The window first: its rows (those the filter keeps) are then the overview's too.
          await Promise.all([this.#askWindow(), this.#overview(), withDetails ? this.#details() : null]);
          withDetails = this.#refreshDetailsAgain;
        } while (this.#refreshAgain && !this.#ended);
      } finally {
        this.#refreshing = false;
      }
    })();
    return this.#refreshDone;
  }

  async #overview() {
    const filter = this.filter;
    try {
      const overview = await this.session.ask('overview', filter);
      if (filter === this.filter && !this.#ended) this.host.handle()?.corpusOverview(overview);
    } catch (error) {
      this.#showQueryError(error);
    }
  }

  async #details() {
    const details = await this.session.ask('details');
    if (!this.#ended) this.host.handle()?.corpusDetails(details);
  }

  /** Asks for the wanted window, unless one is under way (then once it has come). */
  async #askWindow() {
    if (this.#windowInFlight) {
      this.#windowWanted = true;
      return;
    }
    this.#windowInFlight = true;
    try {
      do {
        this.#windowWanted = false;
        const { filter, sort } = this;
        const { offset, limit } = this.#window;
        try {
          const window = await this.session.ask('window', filter, sort, offset, limit);
          if (filter === this.filter && sort === this.sort && !this.#ended) this.host.handle()?.corpusWindow(window);
          this.#letHelpersGo();
        } catch (error) {
          this.#showQueryError(error);
        }
      } while (this.#windowWanted && !this.#ended);
    } finally {
      this.#windowInFlight = false;
    }
  }

  /**
   * Once the first rows are drawn (a frame after their window came), the helpers held for them
   * take lines (see `CorpusSession.addSources`).
   */
  #letHelpersGo = () => {
    this.#letHelpersGo = () => {};
    requestAnimationFrame(() => setTimeout(() => this.session.releaseHelpers(), 0));
  };

  /** @param {unknown} error */
  #showQueryError(error) {
    if (this.#ended) return;
    if (error instanceof CorpusQueryError) this.host.handle()?.corpusFilterError(error.reason, error.column ?? 1);
    else throw error;
  }

  /**
   * A new filter and sort (typed in the table, or set as attributes): the table starts at the top.
   * @param {string} filter
   * @param {string} sort
   */
  async setQuery(filter, sort) {
    this.filter = filter;
    this.sort = sort;
    this.#window = { offset: 0, limit: Math.max(this.#window.limit, FIRST_WINDOW_ROWS) };
    await Promise.all([this.#overview(), this.#askWindow()]);
  }

  /**
   * What the table asked for.
   * @param {string} name
   * @param {any} detail
   */
  async request(name, detail) {
    if (name === 'corpus:window') {
      this.#window = { offset: detail.offset, limit: detail.limit };
      await this.#askWindow();
    } else if (name === 'corpus:query') {
      this.host.queryChanged(detail.filter, detail.sort);
      await this.setQuery(detail.filter, detail.sort);
      const answer = await this.session.ask('query', this.filter, this.sort, 0).catch(() => null);
      if (answer) this.host.emit('filter-change', { filter: this.filter, sort: this.sort, count: answer.count });
    } else if (name === 'corpus:open') {
      await this.open(detail.traceId);
    } else if (name === 'corpus:compareTraces') {
      await this.compareTraces(detail.traceIdA, detail.traceIdB);
    } else if (name === 'corpus:aggregate') {
      let panel = this.#panels.get(detail.panel);
      if (!panel) {
        panel = new LatestOnly((/** @type {PanelRequest} */ request) => this.#answerPanel(request));
        this.#panels.set(detail.panel, panel);
      }
      await panel.ask(detail);
    } else if (name === 'corpus:select') {
      await this.#selectBar(detail);
    } else if (name === 'corpus:bubbleUp') {
      await this.#bubbleUp.ask(detail);
    } else if (name === 'corpus:compare') {
      await this.#comparison.ask(detail);
    } else if (name === 'corpus:heatmap') {
      await this.#heatmap.ask(detail);
    } else if (name === 'corpus:mergedTree') {
      await this.#merge.ask(detail);
    } else if (name === 'corpus:outcomes') {
      await this.loadOutcomes(detail.file, detail.file.name).catch(() => {});
    } else if (name === 'corpus:sessions') {
      await this.#sessions.ask(detail);
    } else if (name === 'corpus:session') {
      await this.#conversation.ask(detail);
    }
  }

  /**
   * Answers the dashboard's duration × time heatmap.
   * @param {{ filter: string, columns: number, rows: number }} request
   */
  async #answerHeatmap({ filter, columns, rows }) {
    if (this.#ended) return;
    try {
      /** @type {{ startMs: number, endMs: number, columns: number, durationEdgesMs: number[], counts: number[], failed: number[] }} */
      const map = await this.session.ask('heatmap', filter, columns, rows);
      if (!this.#ended) {
        this.host.handle()?.corpusHeatmap(filter, map.startMs, map.endMs, map.columns, Float64Array.from(map.durationEdgesMs),
          Uint32Array.from(map.counts), Uint32Array.from(map.failed));
      }
    } catch {
      // A filter that does not read is said by the table and BubbleUp already.
    }
  }

  /**
   * Answers the dashboard's merged tree, with its progress on the way.
   * @param {{ filter: string, limit: number }} request
   */
  async #answerMergedTree({ filter, limit }) {
    if (this.#ended) return;
    try {
      const answer = await this.mergedTree(filter, limit, (/** @type {{ merged: number, traces: number }} */ progress) => {
        if (!this.#ended) this.host.handle()?.corpusMergeProgress(filter, progress.merged, progress.traces);
      });
      if (this.#ended) return;
      /** @type {Array<{ parent: number | null, depth: number, kind: string, name: string, count: number, totalMs: number, selfMs: number, p95Ms: number | null, errorRate: number }>} */
      const paths = answer.paths;
      const numbers = paths.flatMap((path) => [path.parent ?? -1, path.depth, path.count, path.totalMs, path.selfMs, path.p95Ms ?? NaN, path.errorRate]);
      this.host.handle()?.corpusMergedTree(filter, answer.traces, answer.matching, paths.map((path) => path.kind), paths.map((path) => path.name), Float64Array.from(numbers));
    } catch (error) {
      if (!this.#ended) this.host.handle()?.corpusMergedTreeError(filter, String(/** @type {Error} */ (error)?.message ?? error));
    }
  }

  /**
   * The element's `mergedTree()`: the first `limit` traces `filter` keeps, read again and merged.
   * @param {string} filter
   * @param {number} limit
   * @param {(progress: { merged: number, traces: number }) => void} [onProgress]
   */
  mergedTree(filter, limit, onProgress = () => {}) {
    return this.session.askWithProgress('mergedTree', onProgress, filter, limit);
  }

  /**
   * Answers the sessions list: a page of the sessions of the traces `filter` keeps.
   * @param {{ filter: string, sort: string, offset: number, limit: number }} request
   */
  async #answerSessions({ filter, sort, offset, limit }) {
    if (this.#ended) return;
    try {
      const bytes = await this.session.ask('sessions', filter, sort, offset, limit);
      if (!this.#ended) this.host.handle()?.corpusSessions(filter, sort, offset, bytes);
    } catch (error) {
      if (!this.#ended) this.host.handle()?.corpusSessionsError(filter, sort, offset, String(/** @type {Error} */ (error)?.message ?? error));
    }
  }

  /**
   * Answers a session's conversation (its turns in order); `session-open` says it shows, once
   * for each session shown.
   * @param {{ session: string }} request
   */
  async #answerConversation({ session }) {
    if (this.#ended) return;
    const bytes = await this.session.ask('sessionTurns', session);
    if (this.#ended) return;
    this.host.handle()?.corpusSessionTurns(session, bytes);
    if (this.#sessionShown !== session) {
      this.#sessionShown = session;
      this.host.sessionOpened(session);
      this.host.emit('session-open', { sessionId: session, turns: /** @type {number} */ (this.host.handle()?.sessionTurnCount() ?? 0) });
    }
  }

  /** The session whose conversation `session-open` announced last. @type {string | null} */
  #sessionShown = null;

  /** The sessions list shows again: the next conversation is announced even if it is the same. */
  sessionClosed() {
    this.#sessionShown = null;
  }

  /**
   * Answers one of the dashboard's comparisons.
   * @param {{ a: string, b: string, failDefinition: string }} request
   */
  async #answerComparison({ a, b, failDefinition }) {
    if (this.#ended) return;
    try {
      /** @type {{ a: number, b: number, measures: Array<{ measure: string, a: number | null, b: number | null, delta: number | null, low: number | null, high: number | null }> }} */
      const comparison = await this.session.ask('compare', a, b, failDefinition);
      if (this.#ended) return;
      const values = comparison.measures.flatMap((row) => [row.a, row.b, row.delta, row.low, row.high].map((value) => value ?? NaN));
      this.host.handle()?.corpusComparison(a, b, Float64Array.of(comparison.a, comparison.b), comparison.measures.map((row) => row.measure), Float64Array.from(values));
    } catch (error) {
      if (!this.#ended) this.host.handle()?.corpusComparisonError(a, b, String(/** @type {Error} */ (error)?.message ?? error));
    }
  }

  /**
   * Answers one of the dashboard's BubbleUp questions.
   * @param {{ selection: string, baseline: string, limit: number }} request
   */
  async #answerBubbleUp({ selection, baseline, limit }) {
    if (this.#ended) return;
    try {
      const [found, numbers] = await Promise.all([
        this.session.ask('bubbleUp', selection, baseline === '' ? null : baseline, limit),
        this.session.ask('bubbleUpHistograms', selection, baseline === '' ? null : baseline, HISTOGRAMS_SHOWN),
      ]);
      if (this.#ended) return;
      /** @type {Array<{ field: string, value: string, selection: number, baseline: number }>} */
      const values = found;
      this.host.handle()?.corpusBubbleUp(selection, baseline, values.map((value) => value.field), values.map((value) => value.value),
        Float64Array.from(values, (value) => value.selection), Float64Array.from(values, (value) => value.baseline));
      /** @type {Array<{ field: string, score: number, selection: number, baseline: number, logScale: boolean, bins: Array<{ low: number, high: number, selection: number, baseline: number }> }>} */
      const compared = numbers;
      this.host.handle()?.corpusHistograms(selection, compared.map((numeric) => numeric.field),
        Float64Array.from(compared.flatMap((numeric) => [numeric.score, numeric.selection, numeric.baseline, numeric.logScale ? 1 : 0])),
        Float64Array.from(compared.flatMap((numeric) => numeric.bins.flatMap((bin) => [bin.low, bin.high, bin.selection, bin.baseline]))));
    } catch (error) {
      if (!this.#ended) this.host.handle()?.corpusBubbleUpError(selection, baseline, String(/** @type {Error} */ (error)?.message ?? error));
    }
  }

  /**
   * Answers one of a dashboard panel's questions.
   * @param {PanelRequest} request
   */
  async #answerPanel({ panel, groupBy, measure, filter, failDefinition }) {
    if (this.#ended) return;
    try {
      const { groups } = await this.session.ask('aggregate', [groupBy], [measure], filter, failDefinition);
      const values = groups.map((/** @type {any} */ group) => group.key[groupBy] ?? null);
      const measures = Float64Array.from(groups, (/** @type {any} */ group) => group[measure] ?? NaN);
      const counts = Float64Array.from(groups, (/** @type {any} */ group) => group.count);
      if (!this.#ended) this.host.handle()?.corpusPanel(panel, measure, groupBy, filter, values, measures, counts);
    } catch (error) {
      const message = String(/** @type {Error} */ (error)?.message ?? error);
      if (!this.#ended) this.host.handle()?.corpusPanelError(panel, measure, groupBy, filter, message);
    }
  }

  /**
   * A dashboard bar was chosen: `aggregate-select` says which filter it stands for; unless a
   * listener cancels it, the traces table shows the traces under that filter.
   * @param {{ filter: string, field: string, value: string | null, measure: string }} selection
   */
  async #selectBar(selection) {
    if (!this.host.emitCancelable('aggregate-select', selection)) return;
    this.host.handle()?.showTracesOf(selection.filter);
    await this.request('corpus:query', { filter: selection.filter, sort: this.sort });
  }

  /**
   * Opens one trace: the worker re-reads only its lines, imports them and sends the encoding,
   * which the element decodes and shows; `trace-open` follows.
   * @param {string} traceId
   */
  async open(traceId) {
    try {
      const opened = await this.session.ask('open', traceId);
      const pieces = opened.pieces;
      if (!pieces) throw new Error(`The trace ${traceId} could not be read again.`);
      await this.host.showEncoded(pieces);
      if (this.#ended) return;
      this.host.handle()?.corpusOpened(traceId);
      this.host.emit('trace-open', { traceId, bytesRead: opened.bytesRead });
      // "Compare with nearest success" appears once the index has found one.
      const nearest = await this.session.ask('nearestSuccess', traceId).catch(() => null);
      if (!this.#ended && nearest) this.host.handle()?.corpusNearestSuccess(traceId, nearest);
    } catch (error) {
      if (this.#ended) return;
      this.host.handle()?.corpusOpened(null);
      this.host.handle()?.showError(`Could not open the trace ${traceId}: ${String(/** @type {Error} */ (error)?.message ?? error)}`);
    }
  }

  /**
   * Compares two traces of the corpus: the worker re-reads both (their lines, once each) and sends
   * one encoding holding the two, which the element decodes and shows as a comparison;
   * `compare-open` follows (raised by the comparison itself).
   * @param {string} traceIdA
   * @param {string} traceIdB
   */
  async compareTraces(traceIdA, traceIdB) {
    try {
      [traceIdA, traceIdB] = await Promise.all([this.#traceIdAt(traceIdA), this.#traceIdAt(traceIdB)]);
      if (traceIdA === traceIdB) throw new Error('a trace cannot be compared with itself.');
      const opened = await this.session.ask('open', traceIdA, traceIdB);
      if (!opened.pieces) throw new Error('they could not be read again.');
      await this.host.showEncoded(opened.pieces);
      if (this.#ended) return;
      const handle = this.host.handle();
      handle?.corpusOpened(traceIdA);
      if (!handle?.compareTracesFromCorpus(traceIdA, traceIdB)) throw new Error('one of them was not in the lines read again.');
    } catch (error) {
      if (this.#ended) return;
      this.host.handle()?.corpusOpened(null);
      this.host.handle()?.showError(`Could not compare the traces ${traceIdA} and ${traceIdB}: ${String(/** @type {Error} */ (error)?.message ?? error)}`);
    }
  }

  /**
   * A trace id as given, or, for a number that is no trace id of the corpus, the id of the row at
   * that 0-based position under the table's filter and sort.
   * @param {string} value
   * @returns {Promise<string>}
   */
  async #traceIdAt(value) {
    if (!/^\d+$/.test(value)) return value;
    const known = await this.session.ask('query', `trace_id = "${value}"`, '', 0);
    if (known.count > 0) return value;
    const position = Number(value);
    const { traceIds } = await this.session.ask('query', this.filter, this.sort, position + 1);
    return traceIds[position] ?? value;
  }

  /**
   * The element's `query()`: the count and the first `limit` trace ids.
   * @param {string} filter
   * @param {string} sort
   * @param {number} limit
   * @returns {Promise<{ count: number, traceIds: string[] }>}
   */
  query(filter, sort, limit) {
    return this.session.ask('query', filter, sort, limit);
  }

  /**
   * The element's `aggregate()`: groups of the traces `filter` keeps, with their measures.
   * @param {string[]} groupBy
   * @param {string[]} measures
   * @param {string} filter
   * @param {string} failDefinition which traces failed (empty: the default definition)
   */
  aggregate(groupBy, measures, filter, failDefinition) {
    return this.session.ask('aggregate', groupBy, measures, filter, failDefinition);
  }

  /**
   * The element's `bubbleUpHistograms()`: the numeric columns of `selection` against `baseline`.
   * @param {string} selection
   * @param {string | null} baseline
   * @param {number} limit
   */
  bubbleUpHistograms(selection, baseline, limit) {
    return this.session.ask('bubbleUpHistograms', selection, baseline, limit);
  }

  /**
   * The element's `compare()`: the traces `a` keeps against those `b` keeps.
   * @param {string} a
   * @param {string} b
   * @param {string} failDefinition
   */
  compare(a, b, failDefinition) {
    return this.session.ask('compare', a, b, failDefinition);
  }

  /**
   * The element's `bubbleUp()`: what sets the `selection` apart from the `baseline`.
   * @param {string} selection
   * @param {string | null} baseline null: every trace not selected
   * @param {number} limit
   */
  bubbleUp(selection, baseline, limit) {
    return this.session.ask('bubbleUp', selection, baseline, limit);
  }

  /**
   * The element's `loadOutcomes()`: the worker reads and joins the file; the table, the dashboard
   * and the sessions ask again (new columns, fields and measures), and the dashboard says what
   * was joined.
   * @param {string | ArrayBuffer | ArrayBufferView | Blob} input
   * @param {string} name
   */
  async loadOutcomes(input, name) {
    const payload = ArrayBuffer.isView(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice() : input;
    try {
      const report = await this.session.ask('loadOutcomes', payload, name);
      if (this.#ended) return report;
      this.host.handle()?.corpusOutcomes(report.fileName, report.key, report.rows, report.matched, report.unmatched,
        report.duplicateKeys + report.rowsWithoutKey, report.columns, report.numericColumns, report.problems);
      await this.refresh();
      return report;
    } catch (error) {
      const message = String(/** @type {Error} */ (error)?.message ?? error);
      if (!this.#ended) this.host.handle()?.corpusOutcomesError(name, message);
      throw new Error(message);
    }
  }

  /** Ends the corpus: its worker (and with it the index's memory) goes. */
  end() {
    this.#ended = true;
    if (this.#refreshTimer !== null) clearTimeout(this.#refreshTimer);
    this.session.end();
    this.#rejectFinished(new Error('The corpus was closed.'));
  }
}
