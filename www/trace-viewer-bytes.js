// @ts-check
// Bytes in and out of the element: what a load was given, as files of bytes; gzip; Blobs; and
// yielding to the browser between slices of work.

/** Inputs larger than this show a progress bar while they are read. */
export const PROGRESS_FROM_BYTES = 2_000_000;

/**
 * A file for the importer. `owned`: the bytes are the element's own (read from a Blob, fetched,
 * encoded from a string), so they may be moved to the worker, not copied.
 * @typedef {{ name: string | null, bytes: Uint8Array, owned: boolean }} ImportFile
 */

/**
 * Resolves in a later task, after the browser has had the chance to draw and handle input: a
 * message to itself. (`setTimeout(0)` waits at least 4 ms once nested, a loss in every slice.)
 * @returns {Promise<void>}
 */
export function nextTask() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Gzip data (`.json.gz`) starts with these two bytes. @param {Uint8Array} bytes */
function isGzip(bytes) {
  return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses gzip data with the browser's DecompressionStream; other bytes pass through.
 * @param {Uint8Array} bytes
 * @returns {Promise<Uint8Array>}
 */
export async function gunzipIfCompressed(bytes) {
  if (!isGzip(bytes)) return bytes;
  if (typeof DecompressionStream !== 'function') {
    throw new Error('This file is gzip-compressed and this browser cannot decompress it (no DecompressionStream).');
  }
  const stream = new Blob([/** @type {BlobPart} */ (bytes)]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** @param {Blob} blob */
export async function readBlob(blob) {
  return gunzipIfCompressed(new Uint8Array(await blob.arrayBuffer()));
}

/**
 * What `load()` was given, as files of bytes for the importer: Files and Blobs are read (and
 * gunzipped), a caller's bytes are viewed (not copied, not owned), strings are encoded, and an
 * already parsed object is written back to JSON text.
 * @param {unknown} value
 * @param {string | null} fileName
 * @returns {Promise<ImportFile[]>}
 */
export async function filesOfInput(value, fileName) {
  if (Array.isArray(value) && value.length > 0 && value.every((item) => item instanceof Blob)) {
    const buffers = await Promise.all(value.map((file) => readBlob(file)));
    return value.map((file, index) => ({ name: nameOf(file) ?? `file ${index + 1}`, bytes: buffers[index], owned: true }));
  }
  if (value instanceof Blob) return [{ name: fileName ?? nameOf(value), bytes: await readBlob(value), owned: true }];
  if (value instanceof ArrayBuffer) return [{ name: fileName, bytes: new Uint8Array(value), owned: false }];
  if (ArrayBuffer.isView(value)) {
    return [{ name: fileName, bytes: new Uint8Array(value.buffer, value.byteOffset, value.byteLength), owned: false }];
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return [{ name: fileName, bytes: new TextEncoder().encode(text), owned: true }];
}

/** A File's name; null for a Blob. @param {Blob} blob */
function nameOf(blob) {
  return blob instanceof File ? blob.name : null;
}
