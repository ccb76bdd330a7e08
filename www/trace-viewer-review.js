// @ts-check
// The review of a corpus, on the element's side: labels brought back from IndexedDB when the
// corpus is opened again (`trace-viewer-labels.js`), each change saved and passed to the corpus
// worker (labels are a column there), the Review tab's requests (the queue, patterns, "label
// all", files in and out) answered with the worker's help, and the element's `importLabels()` and
// `exportLabels()`. Labels never leave the machine: files are read and written here.

import { LabelArchive, corpusFingerprint } from './trace-viewer-labels.js';

/** @typedef {import('./trace-viewer-table.js').CorpusTable} CorpusTable */
/** @typedef {import('./wasm/trace_viewer.js').ViewerHandle} ViewerHandle */

/** What each export format is called and typed as, and its file's extension. */
const EXPORTS = {
  jsonl: { type: 'application/x-ndjson', extension: 'labels.jsonl' },
  langfuse: { type: 'application/x-ndjson', extension: 'langfuse-dataset.jsonl' },
  langsmith: { type: 'application/x-ndjson', extension: 'langsmith-examples.jsonl' },
  phoenix: { type: 'application/x-ndjson', extension: 'phoenix-dataset.jsonl' },
  generic: { type: 'application/x-ndjson', extension: 'dataset.jsonl' },
  csv: { type: 'text/csv', extension: 'label-counts.csv' },
};

/**
 * The text of what `importLabels()` was given: a string, a Blob or File, or bytes.
 * @param {unknown} input
 */
async function textOf(input) {
  if (typeof input === 'string') return input;
  if (input instanceof Blob) return input.text();
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return new TextDecoder().decode(/** @type {ArrayBuffer} */ (input));
  throw new TypeError('importLabels takes the labels export as text, a Blob or File, or bytes.');
}

/**
 * Saves a Blob as a file the browser downloads.
 * @param {Blob} blob
 * @param {string} name
 */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export class CorpusReview {
  /**
   * @param {CorpusTable} table
   * @param {() => ViewerHandle | null} handle
   */
  constructor(table, handle) {
    this.table = table;
    this.handle = handle;
    /** @type {LabelArchive | null} */
    this.archive = null;
  }

  /**
   * The corpus is read: its saved labels and taxonomy come back, and the worker learns them.
   * @param {string} source the sources' names
   * @param {number} traces
   * @param {number} spans
   */
  async restore(source, traces, spans) {
    this.archive = new LabelArchive(corpusFingerprint(source, traces, spans));
    await this.reload();
  }

  /**
   * The saved labels and taxonomy merged into the handle's (labels given while the corpus was
   * read win), then everything saved and sent to the worker; again after the element is
   * connected anew (a new handle).
   */
  async reload() {
    if (!this.archive) return;
    const saved = await this.archive.load();
    // A saved taxonomy that no longer reads gives way to the starter one (the labels stay).
    const taxonomy = saved.taxonomy ? await this.table.session.ask('readTaxonomy', saved.taxonomy).catch(() => undefined) : undefined;
    this.handle()?.restoreLabels(saved.labels, taxonomy);
    await this.#saveAll();
  }

  /** Every label to the worker's label column. */
  async #syncAll() {
    const labels = /** @type {Array<{ trace_id: string, categories: string[] }>} */ (this.handle()?.labels() ?? []);
    await Promise.all(labels.map((label) => this.table.session.ask('setLabels', label.trace_id, label.categories).catch(() => false)));
  }

  /**
   * A label changed (the handle's `label-change`): saved, and the worker's column follows.
   * @param {{ traceId: string, label: { categories: string[] } | null }} detail
   */
  labelChanged(detail) {
    this.archive?.saveLabel(detail.traceId, detail.label);
    this.table.session.ask('setLabels', detail.traceId, detail.label?.categories ?? []).catch(() => {});
  }

  /** Every label saved again (after an import). */
  async #saveAll() {
    const labels = /** @type {Array<{ trace_id: string }>} */ (this.handle()?.labels() ?? []);
    await this.archive?.saveLabels(labels);
    await this.#syncAll();
  }

  /**
   * The element's `importLabels()`: the labels export merged in; resolves with the merge's report.
   * @param {unknown} input
   */
  async importLabels(input) {
    const handle = this.handle();
    if (!handle) throw new Error('The viewer is not ready.');
    const labels = await this.table.session.ask('readLabels', await textOf(input));
    const report = handle.importLabels(labels);
    await this.#saveAll();
    return report;
  }

  /**
   * The element's `exportLabels()`: the labels as a file's Blob. The worker reads the labelled
   * traces again for their whole input and output, and writes the format.
   * @param {string} format
   * @param {string} [groupBy] the column a CSV's counts are grouped by
   */
  async exportLabels(format = 'jsonl', groupBy = 'intent') {
    const handle = this.handle();
    if (!handle) throw new Error('The viewer is not ready.');
    const known = EXPORTS[/** @type {keyof typeof EXPORTS} */ (format)];
    if (!known) throw new Error(`Unknown export format ${format}: one of ${Object.keys(EXPORTS).join(', ')}.`);
    const text = await this.table.session.ask('exportLabels', format, handle.labels(), handle.taxonomyJson(), groupBy);
    return new Blob([text], { type: known.type });
  }

  /**
   * A request of the Review tab.
   * @param {string} name
   * @param {any} detail
   */
  async request(name, detail) {
    const handle = this.handle();
    if (!handle) return;
    try {
      if (name === 'corpus:reviewQueue') {
        const ids = await this.table.session.ask('reviewQueue', detail.filter, detail.order, detail.seed, detail.stratifyBy, detail.limit);
        this.handle()?.reviewQueue(ids);
      } else if (name === 'corpus:patterns') {
        this.handle()?.showPatterns(detail.by, await this.table.session.ask('patterns', detail.filter, detail.by, detail.limit));
      } else if (name === 'corpus:labelAll') {
        const { traceIds } = await this.table.session.ask('query', detail.filter, '', 10_000_000);
        this.handle()?.labelAll(traceIds, detail.category);
      } else if (name === 'corpus:labelsExport') {
        download(await this.exportLabels(detail.format, detail.groupBy), EXPORTS[/** @type {keyof typeof EXPORTS} */ (detail.format)].extension);
      } else if (name === 'corpus:labelsImport') {
        await this.importLabels(detail.file);
      } else if (name === 'corpus:labelsAgreement') {
        handle.showAgreement(await this.table.session.ask('labelAgreement', handle.labels(), await textOf(detail.file), handle.taxonomyJson()));
      } else if (name === 'corpus:taxonomyImport') {
        handle.setTaxonomy(await this.table.session.ask('readTaxonomy', await textOf(detail.file)));
        this.archive?.saveTaxonomy(handle.taxonomyJson());
      } else if (name === 'corpus:taxonomyExport') {
        download(new Blob([handle.taxonomyJson()], { type: 'application/json' }), 'taxonomy.json');
      } else if (name === 'corpus:taxonomySave') {
        this.archive?.saveTaxonomy(detail.json);
      }
    } catch (error) {
      const message = String(/** @type {Error} */ (error)?.message ?? error);
      if (name === 'corpus:reviewQueue') this.handle()?.reviewQueueFailed(message);
      else this.handle()?.showError(message);
    }
  }
}
