// @ts-check
// Which inputs open as a corpus (the traces table) rather than one import: several files, a
// JSON Lines file (`.jsonl`, `.ndjson`, also gzipped), JSON Lines text or bytes, or any input when
// the element's `view` is `table`; also one OTLP or Jaeger document too large to import whole,
// which the corpus worker reads element by element. A corpus's sources stay Blobs, read by the
// worker a slice at a time and again by byte range when a trace is opened: nothing is read whole
// on the page.
import { maxFileBytes } from './trace-viewer-bytes.js';

/** Bytes looked at to tell JSON Lines text from one document. */
const SNIFF_BYTES = 1 << 16;

/** @param {string} name */
export function isJsonLinesName(name) {
  return /\.(jsonl|ndjson)(\.gz)?$/i.test(name);
}

/**
 * Whether `text` (the start of an input) is JSON Lines: a first line that is a whole JSON object,
 * then another line that starts one.
 * @param {string} text
 */
export function looksLikeJsonLines(text) {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  if (lines.length < 2) return false;
  const [first, second] = lines;
  if (!first.startsWith('{') || !first.endsWith('}') || !second.startsWith('{')) return false;
  try {
    JSON.parse(first);
    return true;
  } catch {
    return false;
  }
}

/**
 * The corpus sources of an input, or null when it is one import's.
 * @param {unknown} value
 * @param {string | null} fileName
 * @param {boolean} tableView the element's `view` is `table`
 * @returns {Array<{ name: string, blob: Blob }> | null}
 */
export function corpusSourcesOf(value, fileName, tableView) {
  const list = typeof FileList === 'function' && value instanceof FileList ? Array.from(value) : value;
  if (Array.isArray(list) && list.length > 0 && list.every((item) => item instanceof Blob)) {
    if (list.length === 1 && !tableView && !isJsonLinesName(nameOf(list[0], fileName, 0))) return null;
    return list.map((blob, index) => ({ name: nameOf(blob, list.length === 1 ? fileName : null, index), blob }));
  }
  if (value instanceof Blob) {
    const name = nameOf(value, fileName, 0);
    return tableView || isJsonLinesName(name) ? [{ name, blob: value }] : null;
  }
  if (typeof value === 'string') {
    const lines = tableView || looksLikeJsonLines(value.slice(0, SNIFF_BYTES));
    return lines ? [{ name: fileName ?? 'pasted text', blob: new Blob([value]) }] : null;
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value)
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    const start = new TextDecoder().decode(bytes.subarray(0, SNIFF_BYTES));
    // The bytes are copied into the Blob: the caller's buffer stays theirs.
    return tableView || looksLikeJsonLines(start)
      ? [{ name: fileName ?? 'data', blob: new Blob([/** @type {Uint8Array<ArrayBuffer>} */ (bytes)]) }] : null;
  }
  if (tableView && value !== null && value !== undefined) {
    return [{ name: fileName ?? 'data', blob: new Blob([JSON.stringify(value)]) }];
  }
  return null;
}

/**
 * The one Blob of an input when it is larger than one import may be (`setMaxFileBytes`), else null.
 * @param {unknown} value
 * @returns {Blob | null}
 */
export function blobOverCeiling(value) {
  const list = typeof FileList === 'function' && value instanceof FileList ? Array.from(value) : value;
  const blob = Array.isArray(list) && list.length === 1 ? list[0] : list;
  return blob instanceof Blob && blob.size > maxFileBytes() ? blob : null;
}

/** The start of an OTLP or Jaeger document: an object with a `resourceSpans` or `data` array. */
const SPLITTABLE_OPENING = /^\uFEFF?\s*\{[\s\S]*?"(resourceSpans|resource_spans|data)"\s*:\s*\[/;

/**
 * A document too large to import whole is a corpus of one file when it is an OTLP or Jaeger
 * document (the worker reads it an element of its array at a time); otherwise null (the import
 * refuses it with its size, as before).
 * @param {Blob} blob
 * @param {string | null} fileName
 * @returns {Promise<Array<{ name: string, blob: Blob }> | null>}
 */
export async function largeDocumentSources(blob, fileName) {
  const start = new TextDecoder().decode(await blob.slice(0, SNIFF_BYTES).arrayBuffer());
  return SPLITTABLE_OPENING.test(start) ? [{ name: nameOf(blob, fileName, 0), blob }] : null;
}

/**
 * @param {Blob} blob
 * @param {string | null} fileName
 * @param {number} index
 */
function nameOf(blob, fileName, index) {
  if (fileName) return fileName;
  if (typeof File === 'function' && blob instanceof File) return blob.webkitRelativePath || blob.name;
  return `file ${index + 1}`;
}
