// @ts-check
// Labels kept in the browser: IndexedDB (database `trace-viewer-labels`), one record per labelled
// trace keyed by the corpus's fingerprint and the trace id, and the corpus's taxonomy. Written on
// every change (autosave), read back when the same corpus is opened again. Nothing leaves the
// machine; the source files are never written. Where IndexedDB cannot open (a private window
// that refuses it), labels live as long as the page and `available` says so.

const DATABASE = 'trace-viewer-labels';
const LABELS = 'labels';
const TAXONOMIES = 'taxonomies';

/**
 * A corpus's fingerprint: its sources' names and the number of traces and spans read from them
 * (FNV-1a, 64 bits, as hex). The same files opened again give the same fingerprint.
 * @param {string} source the sources' names, joined
 * @param {number} traces
 * @param {number} spans
 */
export function corpusFingerprint(source, traces, spans) {
  const text = `${source}\u0000${traces}\u0000${spans}`;
  let hash = 0xcbf29ce484222325n;
  for (let index = 0; index < text.length; index++) {
    hash ^= BigInt(text.charCodeAt(index));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** @returns {Promise<IDBDatabase>} */
function openDatabase() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => {
      const database = request.result;
      if (!database.objectStoreNames.contains(LABELS)) database.createObjectStore(LABELS, { keyPath: ['corpus', 'traceId'] }).createIndex('corpus', 'corpus');
      if (!database.objectStoreNames.contains(TAXONOMIES)) database.createObjectStore(TAXONOMIES, { keyPath: 'corpus' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** One corpus's saved labels and taxonomy. Writes are queued, so they land in order. */
export class LabelArchive {
  /** @param {string} fingerprint */
  constructor(fingerprint) {
    this.fingerprint = fingerprint;
    /** @type {Promise<IDBDatabase | null>} */
    this.database = typeof indexedDB === 'undefined' ? Promise.resolve(null) : openDatabase().catch(() => null);
    /** @type {Promise<unknown>} */
    this.writes = Promise.resolve();
  }

  /** Whether labels survive a reload here. */
  async available() {
    return (await this.database) !== null;
  }

  /**
   * The saved labels (as the handle writes them) and taxonomy (JSON text, or null).
   * @returns {Promise<{ labels: object[], taxonomy: string | null }>}
   */
  async load() {
    const database = await this.database;
    if (!database) return { labels: [], taxonomy: null };
    const transaction = database.transaction([LABELS, TAXONOMIES], 'readonly');
    const [records, taxonomy] = await Promise.all([
      done(transaction.objectStore(LABELS).index('corpus').getAll(this.fingerprint)),
      done(transaction.objectStore(TAXONOMIES).get(this.fingerprint)),
    ]);
    return { labels: records.map((record) => record.label), taxonomy: taxonomy?.json ?? null };
  }

  /**
   * Saves one trace's label, or forgets it (null).
   * @param {string} traceId
   * @param {object | null} label
   */
  saveLabel(traceId, label) {
    return this.#write(LABELS, (store) => (label ? store.put({ corpus: this.fingerprint, traceId, label }) : store.delete([this.fingerprint, traceId])));
  }

  /**
   * Saves many labels in one transaction (after an import, or when the corpus is opened again).
   * @param {Array<{ trace_id: string }>} labels
   */
  saveLabels(labels) {
    return this.#write(LABELS, (store) => {
      /** @type {IDBRequest | null} */
      let last = null;
      for (const label of labels) last = store.put({ corpus: this.fingerprint, traceId: label.trace_id, label });
      return /** @type {IDBRequest} */ (last ?? store.count());
    });
  }

  /** @param {string} json the taxonomy as JSON */
  saveTaxonomy(json) {
    return this.#write(TAXONOMIES, (store) => store.put({ corpus: this.fingerprint, json }));
  }

  /** Resolves once every write so far has landed. */
  flushed() {
    return this.writes;
  }

  /**
   * @param {string} storeName
   * @param {(store: IDBObjectStore) => IDBRequest} change
   */
  #write(storeName, change) {
    this.writes = this.writes.then(async () => {
      const database = await this.database;
      if (!database) return;
      const transaction = database.transaction(storeName, 'readwrite');
      change(transaction.objectStore(storeName));
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = () => reject(transaction.error);
      });
    }).catch(() => {});
    return this.writes;
  }
}
