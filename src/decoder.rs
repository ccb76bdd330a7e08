//! The page's end of the trip from the import worker: [`TransferDecoder`] decodes the worker's
//! pieces a few milliseconds at a time between frames, and `ViewerHandle::show_decoded` shows the
//! result; [`release_memory`] frees replaced traces a slice per task.

use wasm_bindgen::prelude::*;

use trace_viewer_core::model::TraceSet;
use trace_viewer_core::transfer::Decoder;
use trace_viewer_ui::release;

/// A decode in progress on the page, stepped by the element between frames: the worker's pieces
/// are added as they arrive (`addPiece`, no copy), `start` reads the header from the first, then
/// `step` decodes, bringing one piece at a time into the wasm memory (into the same buffer each
/// time): the page never holds the whole encoding in its wasm memory besides the decoded traces.
/// When `step` needs a piece that has not arrived, it says so; `allPiecesAdded` tells it none
/// will come (then a missing piece is an error).
#[wasm_bindgen]
#[derive(Default)]
pub struct TransferDecoder {
    /// The worker's pieces, in order; `next_piece` is the first not yet brought in.
    pieces: Vec<js_sys::Uint8Array>,
    next_piece: usize,
    /// `None` before `start` and once the set has been taken by `ViewerHandle::show_decoded`.
    decoder: Option<Decoder>,
    /// Whether the last step read everything.
    finished: bool,
    /// Whether every piece the worker sent has been added.
    all_pieces_added: bool,
}

/// What a `step` of the [`TransferDecoder`] reached.
#[wasm_bindgen]
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DecodeStep {
    /// The time budget is used up; more to decode.
    Budget = 0,
    /// Everything is decoded.
    Done = 1,
    /// The next piece has not been added yet.
    NeedsPiece = 2,
}

/// Spans decoded between two looks at the clock.
const SPANS_PER_CHECK: usize = 1024;

#[wasm_bindgen]
impl TransferDecoder {
    #[wasm_bindgen(constructor)]
    pub fn new() -> TransferDecoder {
        TransferDecoder::default()
    }

    /// Adds the next piece of the worker's result (kept as a JS array until it is decoded).
    #[wasm_bindgen(js_name = addPiece)]
    pub fn add_piece(&mut self, piece: js_sys::Uint8Array) {
        self.pieces.push(piece);
    }

    /// Says that no more pieces will be added.
    #[wasm_bindgen(js_name = allPiecesAdded)]
    pub fn all_pieces_added(&mut self) {
        self.all_pieces_added = true;
    }

    /// Reads the header from the first piece; `step` decodes the rest.
    pub fn start(&mut self) -> Result<(), JsError> {
        let first = self.pieces.first().ok_or_else(|| JsError::new("the worker sent nothing to decode"))?.to_vec();
        self.next_piece = 1;
        self.decoder = Some(Decoder::new(first).map_err(|error| JsError::new(&error.to_string()))?);
        Ok(())
    }

    /// Decodes for about `budget_ms` milliseconds, until it needs a piece not added yet, or until
    /// it has brought in the next piece.
    pub fn step(&mut self, budget_ms: f64) -> Result<DecodeStep, JsError> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Err(JsError::new("the transfer decoder was not started"));
        };
        let deadline = js_sys::Date::now() + budget_ms;
        loop {
            if decoder.step(SPANS_PER_CHECK).map_err(|error| JsError::new(&error.to_string()))? {
                self.finished = true;
                return Ok(DecodeStep::Done);
            }
            if decoder.needs_bytes() {
                let Some(piece) = self.pieces.get(self.next_piece) else {
                    if self.all_pieces_added {
                        return Err(JsError::new(&decoder.ended_early().to_string()));
                    }
                    return Ok(DecodeStep::NeedsPiece);
                };
                decoder.next_piece(|bytes| {
                    bytes.resize(piece.length() as usize, 0);
                    piece.copy_to(bytes);
                });
                self.next_piece += 1;
                // Bringing in a piece (16 MB, maybe into fresh memory) takes a while of its own:
                // the decoding goes on in the next task, so no task runs much past the budget.
                return Ok(DecodeStep::Budget);
            }
            if js_sys::Date::now() >= deadline {
                return Ok(DecodeStep::Budget);
            }
        }
    }

    /// Spans decoded so far.
    #[wasm_bindgen(js_name = spanCount)]
    pub fn span_count(&self) -> usize {
        self.decoder.as_ref().map_or(0, Decoder::spans_decoded)
    }

    /// Share of the spans decoded so far, 0 to 1.
    pub fn progress(&self) -> f64 {
        self.decoder.as_ref().map_or(1.0, Decoder::progress)
    }
}

impl TransferDecoder {
    /// The decoded set, once, after the last step: `None` before that or when it was taken.
    pub(crate) fn take(&mut self) -> Option<TraceSet> {
        if !self.finished {
            return None;
        }
        self.decoder.take().map(Decoder::finish)
    }
}

/// Frees, for about `budget_ms` milliseconds, traces that viewers no longer show (see
/// `crates/ui/src/release.rs`). Returns 0 when nothing is left, 1 when there is more to free now, 2 when what
/// is left is still held by a view that has not updated yet (try again a little later).
#[wasm_bindgen(js_name = releaseMemory)]
pub fn release_memory(budget_ms: f64) -> u8 {
    match release::release_step(budget_ms, js_sys::Date::now) {
        release::Released::All => 0,
        release::Released::More => 1,
        release::Released::Waiting => 2,
    }
}
