//! The `#[wasm_bindgen]` surface of the hand-over between the import worker and the page.
//! The worker (www/trace-viewer-worker.js) calls [`ImportInput::import`], which encodes the
//! traces for the page while it builds them, and posts the pieces back;
//! the page feeds them to a [`TransferDecoder`] a few milliseconds at a time between frames, then
//! gives the decoded set to its `ViewerHandle::show_decoded`. So the page never runs the importer,
//! and no task on it lasts long, however large the file.

use wasm_bindgen::prelude::*;

use crate::generate;
use crate::import::progress::{with_progress, ImportProgress};
use crate::import::{import_buffers, import_owned_buffers, BuildObserver};
use crate::model::TraceSet;
use crate::transfer::{Decoder, StreamingEncoder};

/// Bytes per piece of the encoded result the worker posts.
const ENCODED_PIECE_BYTES: usize = 16 << 20;

/// The files of one import, brought into the worker's wasm memory as they arrive: whole, or a
/// chunk at a time while the page is still copying the rest (a caller's buffer, which must stay
/// usable, is sent in chunks through two reused buffers, so no second copy of the whole file is
/// ever made in fresh memory). Then [`ImportInput::import`] imports them.
#[wasm_bindgen]
#[derive(Default)]
pub struct ImportInput {
    names: Vec<String>,
    files: Vec<Vec<u8>>,
}

#[wasm_bindgen]
impl ImportInput {
    #[wasm_bindgen(constructor)]
    pub fn new() -> ImportInput {
        ImportInput::default()
    }

    /// Adds a file of `length` bytes (an empty name: none given); returns its index for `append`.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, name: String, length: usize) -> usize {
        self.names.push(name);
        self.files.push(Vec::with_capacity(length));
        self.files.len() - 1
    }

    /// Appends the next bytes of file `file`, copied straight from the JS array into place.
    pub fn append(&mut self, file: usize, chunk: &js_sys::Uint8Array) -> Result<(), JsError> {
        let bytes = self.files.get_mut(file).ok_or_else(|| JsError::new("no such file in this import"))?;
        let (start, length) = (bytes.len(), chunk.length() as usize);
        bytes.reserve(length);
        // Straight into the spare room: zeroing it first wrote every byte of a large file twice.
        chunk.copy_to_uninit(&mut bytes.spare_capacity_mut()[..length]);
        // SAFETY: `copy_to_uninit` initialised these `length` bytes just past the old length.
        unsafe { bytes.set_len(start + length) };
        Ok(())
    }

    /// Imports the files and encodes them for the page on the way: each trace's spans as soon as
    /// their conventions are mapped, the rest once its tree is built (see
    /// [`crate::transfer::StreamingEncoder`]), in `Uint8Array` pieces of about 16 MB passed to
    /// `on_piece` as they are written (the worker posts each at once, so the page decodes spans
    /// while the worker still builds the tree). Throws an `Error` whose message says where and what
    /// when nothing could be imported (before any piece). `on_progress`, when given, is called
    /// with the number of spans read so far, then with `-1` once reading is done. The encoding
    /// goes through one buffer of a piece's size, reused for every piece.
    ///
    /// For a worker that ends right after: the imported model is not freed (for a million spans
    /// that is millions of small frees, a tenth of the import's time); ending the worker returns
    /// its memory.
    pub fn import(
        self,
        on_progress: Option<js_sys::Function>,
        on_piece: &js_sys::Function,
    ) -> Result<ImportedPieces, JsValue> {
        let mut pieces = 0;
        let mut encode_ms = 0.0;
        let mut failure = None;
        let mut emit = |piece: &[u8]| {
            if failure.is_none() {
                failure = on_piece.call1(&JsValue::NULL, &js_sys::Uint8Array::from(piece)).err();
                pieces += 1;
            }
        };
        let mut encoder =
            TimedEncoder { encoder: StreamingEncoder::new(ENCODED_PIECE_BYTES, &mut emit), spent_ms: &mut encode_ms };
        let ImportInput { names, files } = self;
        // Given away: the files' memory is freed once read and reused by the tree builder.
        let owned = names.into_iter().map(|name| (!name.is_empty()).then_some(name)).zip(files).collect();
        let import = || import_owned_buffers(owned, Some(&mut encoder));
        let set = match on_progress {
            Some(callback) => with_progress(move |progress| report_progress(&callback, progress), import),
            None => import(),
        }
        .map_err(|error| JsValue::from(JsError::new(&error.to_string())))?;
        let started = js_sys::Date::now();
        let TimedEncoder { encoder, spent_ms } = encoder;
        encoder.finish(&set);
        *spent_ms += js_sys::Date::now() - started;
        std::mem::forget(set);
        failure.map_or(Ok(ImportedPieces { piece_count: pieces, encode_ms }), Err)
    }
}

/// What [`ImportInput::import`] sent: how many pieces, and the milliseconds spent encoding them
/// (within the import's own time), for benchmarks and curious callers.
#[wasm_bindgen]
pub struct ImportedPieces {
    #[wasm_bindgen(js_name = pieceCount)]
    pub piece_count: usize,
    #[wasm_bindgen(js_name = encodeMs)]
    pub encode_ms: f64,
}

/// The worker's encoder, timing its own work (a call per few thousand spans, so the clock costs
/// nothing).
struct TimedEncoder<'a, 'b> {
    encoder: StreamingEncoder<'a>,
    spent_ms: &'b mut f64,
}

impl TimedEncoder<'_, '_> {
    fn timed(&mut self, write: impl FnOnce(&mut StreamingEncoder)) {
        let started = js_sys::Date::now();
        write(&mut self.encoder);
        *self.spent_ms += js_sys::Date::now() - started;
    }
}

impl BuildObserver for TimedEncoder<'_, '_> {
    fn started(&mut self, trace_count: usize, span_count: usize) {
        self.encoder.started(trace_count, span_count);
    }

    fn trace_started(&mut self, trace_id: &str, span_count: usize) {
        self.encoder.trace_started(trace_id, span_count);
    }

    fn spans_mapped(&mut self, spans: &[crate::model::Span]) {
        self.timed(|encoder| encoder.spans_mapped(spans));
    }

    fn trace_built(&mut self, trace: &crate::model::Trace, order: &[usize]) {
        self.timed(|encoder| encoder.trace_built(trace, order));
    }
}

/// Passes a step of the import to the worker's callback (errors in it are the callback's own).
fn report_progress(callback: &js_sys::Function, progress: ImportProgress) {
    let value = match progress {
        ImportProgress::SpansRead(count) => count as f64,
        ImportProgress::Building => -1.0,
    };
    let _ = callback.call1(&JsValue::NULL, &JsValue::from_f64(value));
}

/// Spans in each of the two generated traces the warm-up imports. Chromium optimises a wasm
/// function once it has run enough, and a function already running (the loop over a file's spans)
/// keeps its first, slower code until it returns. With 20,000 instead of 2,000 the first row of a
/// million spans came sooner in each of four interleaved pairs (1,558-2,291 ms against
/// 1,703-3,127 ms); the warm-up then takes 270-300 ms of the throw-away worker, once per page.
const WARM_UP_SPANS: usize = 20_000;

/// Runs the import, the encoding and the decoding once on two small generated OTLP traces (one
/// with GenAI attributes and messages, one lean), so the browser optimises that code before a real
/// file arrives: the element calls it in a throw-away worker once per page. Chromium shares the
/// optimised code with every later worker and the page (a 230,000-span import measured 1,312 ms
/// cold and 1,086 ms after this; a 1,000,000-span one 4,836 ms and 3,819 ms). Returns the spans
/// that went through, so the work cannot be skipped.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() -> usize {
    let mut spans = 0;
    for text in [generate::otlp_trace(WARM_UP_SPANS), generate::lean_otlp_trace(WARM_UP_SPANS)] {
        // The worker's own path: encoded while imported, then decoded and placed as the page does.
        let mut encoded = Vec::new();
        let mut keep = |piece: &[u8]| encoded.extend_from_slice(piece);
        let mut encoder = StreamingEncoder::new(ENCODED_PIECE_BYTES, &mut keep);
        if let Ok(set) = import_owned_buffers(vec![(None, text.into_bytes())], Some(&mut encoder)) {
            encoder.finish(&set);
            if let Ok(decoded) = crate::transfer::decode(encoded) {
                spans += decoded.span_count();
            }
        }
    }
    spans
}

/// Imports byte arrays from JS under their names (an empty name: none given): the shared path of
/// the worker and of the page's own import (used where no worker can start).
pub fn import_named(names: &[String], contents: &[js_sys::Uint8Array]) -> Result<TraceSet, String> {
    let buffers: Vec<Vec<u8>> = contents.iter().map(js_sys::Uint8Array::to_vec).collect();
    import_buffers(&named(names, &buffers)).map_err(|error| error.to_string())
}

/// Files as the importer takes them: each with its name, where one was given (not empty).
fn named<'a>(names: &'a [String], buffers: &'a [Vec<u8>]) -> Vec<(Option<&'a str>, &'a [u8])> {
    names
        .iter()
        .zip(buffers)
        .map(|(name, bytes)| ((!name.is_empty()).then_some(name.as_str()), bytes.as_slice()))
        .collect()
}

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
/// `src/release.rs`). Returns 0 when nothing is left, 1 when there is more to free now, 2 when what
/// is left is still held by a view that has not updated yet (try again a little later).
#[wasm_bindgen(js_name = releaseMemory)]
pub fn release_memory(budget_ms: f64) -> u8 {
    match crate::release::release_step(budget_ms, js_sys::Date::now) {
        crate::release::Released::All => 0,
        crate::release::Released::More => 1,
        crate::release::Released::Waiting => 2,
    }
}
