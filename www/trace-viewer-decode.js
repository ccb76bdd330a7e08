// @ts-check
// The page's side of the transfer: decoding what an import sent (`EncodedPieces`, which may still
// be arriving) a slice of about 30 ms at a time, so the browser draws and handles input between
// slices. A load decodes this way before it shows the result; the warm-up does too.
import { DecodeStep, TransferDecoder } from './wasm/trace_viewer.js';
import { nextTask } from './trace-viewer-bytes.js';
import { SLICE_MS } from './trace-viewer-wasm.js';

/** @typedef {import('./trace-viewer-import.js').EncodedPieces} EncodedPieces */

/**
 * Decodes `encoded` into a new `TransferDecoder`, a slice per task; resolves with it once done
 * (the caller takes the result and frees it). `afterSlice(decoder)` runs between slices and may
 * throw to stop (a superseded load); the decoder is freed then.
 * @param {EncodedPieces} encoded
 * @param {(decoder: TransferDecoder) => void} afterSlice
 * @returns {Promise<TransferDecoder>}
 */
export async function decodeInSlices(encoded, afterSlice) {
  const decoder = new TransferDecoder();
  try {
    let added = 0;
    /** Waits for the next piece, adds every piece that has arrived, and says when none will follow. */
    const addArrived = async () => {
      const more = await encoded.arrived(added);
      for (; added < encoded.pieces.length; added += 1) decoder.addPiece(encoded.pieces[added]);
      if (!more || encoded.complete) decoder.allPiecesAdded();
    };
    await addArrived();
    decoder.start();
    // Reading the first piece in took a while: the decoding starts in a task of its own.
    await nextTask();
    afterSlice(decoder);
    for (;;) {
      const reached = decoder.step(SLICE_MS);
      if (reached === DecodeStep.Done) return decoder;
      if (reached === DecodeStep.NeedsPiece) await addArrived();
      else await nextTask();
      afterSlice(decoder);
    }
  } catch (error) {
    decoder.free();
    throw error;
  }
}
