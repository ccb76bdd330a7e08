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
 * The most bytes one load may bring, after decompression: the import worker's WebAssembly memory
 * (4 GB at most) must hold the files and the traces they become.
 */
const DEFAULT_MAX_BYTES = 1_500_000_000;
let maxBytes = DEFAULT_MAX_BYTES;

/**
 * Sets the most bytes one load may bring after decompression (files above it are refused with
 * their size, before they are read whole); no argument restores the default, 1.5 GB.
 * @param {number} [bytes]
 */
export function setMaxFileBytes(bytes) {
  if (bytes === undefined) {
    maxBytes = DEFAULT_MAX_BYTES;
    return;
  }
  if (!Number.isFinite(bytes) || bytes <= 0) throw new RangeError(`setMaxFileBytes: ${bytes} is not a positive number of bytes`);
  maxBytes = bytes;
}

/** The most bytes one load (or one file of a corpus, once decompressed) may bring. */
export function maxFileBytes() {
  return maxBytes;
}

/** A size for people: `12.3 MB`, `40 KB`. @param {number} bytes */
export function megabytes(bytes) {
  if (bytes < 1e6) return `${Math.ceil(bytes / 1e3).toLocaleString('en-US')} KB`;
  return `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

/**
 * The refusal of an input larger than the viewer opens.
 * @param {string} what the input, as the message names it
 * @param {string} size how large it is (or what is known of it)
 */
function tooLarge(what, size) {
  return new Error(`${what}: ${size}; the viewer opens at most ${megabytes(maxBytes)} at once (a file and the traces it becomes must fit in the import's 4 GB of WebAssembly memory). Open a smaller export, or split this one.`);
}

/**
 * Refuses `bytes` bytes of input named `what` when they are more than a load may bring.
 * @param {string} what
 * @param {number} bytes
 */
export function checkSize(what, bytes) {
  if (bytes > maxBytes) throw tooLarge(what, megabytes(bytes));
}

/** Decompressed bytes between two yields to the browser while a gzip file is read. */
const YIELD_EVERY_BYTES = 16_000_000;

/**
 * Gzip bytes given to the decompressor at a time. Deflate expands at most about 1,000-fold, so
 * one piece makes at most about 16 MB: a bomb cannot expand to gigabytes in one step, before
 * the reader has seen any of it and could stop.
 */
const GZIP_PIECE_BYTES = 16_384;

/**
 * Writes `bytes` to `writable` a piece at a time, each once the last was taken (the reader's
 * pace); ends quietly when the reader stops early.
 * @param {WritableStream<BufferSource>} writable
 * @param {Uint8Array} bytes
 */
async function feedInPieces(writable, bytes) {
  const writer = writable.getWriter();
  try {
    for (let offset = 0; offset < bytes.length; offset += GZIP_PIECE_BYTES) {
      await writer.ready;
      await writer.write(/** @type {Uint8Array<ArrayBuffer>} */ (bytes.subarray(offset, offset + GZIP_PIECE_BYTES)));
    }
    await writer.close();
  } catch {
    // The reader cancelled (the file expands past the ceiling), or the data is not gzip: the
    // reader reports it.
  }
}

/**
 * Decompresses gzip data with the browser's DecompressionStream a chunk at a time, stopping as
 * soon as it grows past the most a load may bring (a few megabytes can expand to gigabytes);
 * other bytes pass through. The chunks arrive as microtasks, so the loop yields a task every
 * 16 MB: the page keeps drawing and answering while a large file expands.
 * @param {Uint8Array} bytes
 * @param {string} [what] the file, for messages
 * @returns {Promise<Uint8Array>}
 */
export async function gunzipIfCompressed(bytes, what = 'This file') {
  if (!isGzip(bytes)) return bytes;
  if (typeof DecompressionStream !== 'function') {
    throw new Error('This file is gzip-compressed and this browser cannot decompress it (no DecompressionStream).');
  }
  const decompressor = new DecompressionStream('gzip');
  const reader = decompressor.readable.getReader();
  const fed = feedInPieces(decompressor.writable, bytes);
  /** @type {Uint8Array[]} */
  const chunks = [];
  let total = 0;
  let nextYield = YIELD_EVERY_BYTES;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      chunks.length = 0;
      await reader.cancel();
      await fed;
      throw tooLarge(`${what} (${megabytes(bytes.length)} of gzip)`, `expands to more than ${megabytes(maxBytes)} (decompressing stopped there)`);
    }
    chunks.push(value);
    if (total >= nextYield) {
      nextYield += YIELD_EVERY_BYTES;
      await nextTask();
    }
  }
  return concatenated(chunks, total);
}

/**
 * The pieces as one array (the piece itself when there is one).
 * @param {Uint8Array[]} pieces
 * @param {number} [length] their total length, if known
 * @returns {Uint8Array}
 */
export function concatenated(pieces, length = pieces.reduce((sum, piece) => sum + piece.length, 0)) {
  if (pieces.length === 1) return pieces[0];
  const whole = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    whole.set(piece, at);
    at += piece.length;
  }
  return whole;
}

/**
 * A Blob's bytes, gunzipped; refused before it is read when it is larger than a load may bring.
 * @param {Blob} blob
 * @param {string} what the file, for messages
 */
export async function readBlob(blob, what) {
  checkSize(what, blob.size);
  return gunzipIfCompressed(new Uint8Array(await blob.arrayBuffer()), what);
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
  const files = await readInput(value, fileName);
  const total = files.reduce((sum, file) => sum + file.bytes.length, 0);
  checkSize(files.length > 1 ? `These ${files.length} files together` : files[0]?.name ?? 'This input', total);
  return files;
}

/**
 * @param {unknown} value
 * @param {string | null} fileName
 * @returns {Promise<ImportFile[]>}
 */
async function readInput(value, fileName) {
  if (Array.isArray(value) && value.length > 0 && value.every((item) => item instanceof Blob)) {
    checkSize(`These ${value.length} files together`, value.reduce((sum, file) => sum + file.size, 0));
    const names = value.map((file, index) => nameOf(file) ?? `file ${index + 1}`);
    const buffers = await Promise.all(value.map((file, index) => readBlob(file, names[index])));
    return value.map((_, index) => ({ name: names[index], bytes: buffers[index], owned: true }));
  }
  if (value instanceof Blob) {
    const name = fileName ?? nameOf(value);
    return [{ name, bytes: await readBlob(value, name ?? 'This file'), owned: true }];
  }
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
