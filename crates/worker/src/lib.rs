//! The worker's wasm module: imports trace files and encodes them for the page. The import
//! worker (www/trace-viewer-worker.js) calls [`ImportInput::import`], which encodes the traces
//! while it builds them and posts the pieces back; the page's module decodes them a few
//! milliseconds at a time between frames. Where no worker can start, the page runs this module on
//! its main thread the same way. The page's module carries no importer.
#![cfg(target_arch = "wasm32")]

/// Small objects from size-class free lists (see trace-viewer-alloc): a million spans allocate
/// several million strings and lists, and dlmalloc's `malloc` was the import's largest function.
#[global_allocator]
static ALLOCATOR: trace_viewer_alloc::SmallObjects<std::alloc::System> =
    trace_viewer_alloc::SmallObjects::new(std::alloc::System);

mod corpus;
mod review_files;
mod working_memory;

use corpus::WorkerCorpus;

use wasm_bindgen::prelude::*;

use trace_viewer_core::generate;
use trace_viewer_core::import::progress::{with_progress, ImportProgress};
use trace_viewer_core::import::{import_owned_buffers, import_owned_traces, BuildObserver};
use trace_viewer_core::model::{Span, Trace};
use trace_viewer_core::transfer::StreamingEncoder;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

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
    /// Whether the imported model is freed after encoding: yes on the page's main thread (the
    /// module lives as long as the page), no in a worker that ends right after.
    free_model: bool,
    /// The one trace to keep (the corpus opening a trace from the lines that hold it).
    only_traces: Vec<String>,
    /// Whether a document found to hold several traces becomes a corpus instead of being encoded.
    corpus_if_many: bool,
}

#[wasm_bindgen]
impl ImportInput {
    #[wasm_bindgen(constructor)]
    pub fn new() -> ImportInput {
        ImportInput::default()
    }

    /// Says the import runs where this module outlives it (the page's main thread, where no
    /// worker can start): the imported model is then freed once encoded, not left to the end of
    /// a worker.
    #[wasm_bindgen(js_name = freeModelAfterImport)]
    pub fn free_model_after_import(&mut self) {
        self.free_model = true;
    }

    /// Makes a document that holds several traces a corpus (see [`ImportedPieces::take_corpus`])
    /// instead of encoding every trace for the page: the traces table shows it.
    #[wasm_bindgen(js_name = corpusIfMany)]
    pub fn corpus_if_many(&mut self) {
        self.corpus_if_many = true;
    }

    /// Keeps only the trace with this id (its lines may hold other traces' spans too); called
    /// again, keeps that trace too (the two traces of a comparison).
    #[wasm_bindgen(js_name = keepOnlyTrace)]
    pub fn keep_only_trace(&mut self, trace_id: String) {
        self.only_traces.push(trace_id);
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
    /// [`StreamingEncoder`]), in `Uint8Array` pieces of about 16 MB passed to
    /// `on_piece` as they are written (the worker posts each at once, so the page decodes spans
    /// while the worker still builds the tree). Throws an `Error` whose message says where and what
    /// when nothing could be imported (before any piece). `on_progress`, when given, is called
    /// with the number of spans read so far, then with `-1` once reading is done. The encoding
    /// goes through one buffer of a piece's size, reused for every piece.
    ///
    /// In a worker that ends right after, the imported model is not freed (for a million spans
    /// that is millions of small frees, a tenth of the import's time); ending the worker returns
    /// its memory. See [`ImportInput::free_model_after_import`] for the main thread.
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
        let timed =
            TimedEncoder { encoder: StreamingEncoder::new(ENCODED_PIECE_BYTES, &mut emit), spent_ms: &mut encode_ms };
        let ImportInput { names, files, free_model, only_traces, corpus_if_many } = self;
        let total_bytes: u64 = files.iter().map(|file| file.len() as u64).sum();
        // Only where the module ends with the import (a worker of one load): the page's main thread
        // and the corpus worker, which outlive it, keep their memory as it is.
        if !free_model && only_traces.is_empty() {
            working_memory::reserve_for_import(total_bytes);
        }
        let name = names.join(" + ");
        let mut encoder = ManyTracesSwitch { encoder: timed, allowed: corpus_if_many, many: false };
        // Given away: the files' memory is freed once read and reused by the tree builder.
        let owned = names.into_iter().map(|name| (!name.is_empty()).then_some(name)).zip(files).collect();
        let import = || {
            if only_traces.is_empty() {
                import_owned_buffers(owned, Some(&mut encoder))
            } else {
                import_owned_traces(owned, &only_traces, Some(&mut encoder))
            }
        };
        let set = match on_progress {
            Some(callback) => with_progress(move |progress| report_progress(&callback, progress), import),
            None => import(),
        }
        .map_err(|error| JsValue::from(JsError::new(&error.to_string())))?;
        if encoder.many {
            // Several traces: the worker keeps them as a corpus, nothing was encoded.
            let corpus = WorkerCorpus::of_set(set, &name, total_bytes);
            return Ok(ImportedPieces { piece_count: 0, encode_ms: 0.0, corpus: Some(corpus) });
        }
        let started = js_sys::Date::now();
        let TimedEncoder { encoder, spent_ms } = encoder.encoder;
        encoder.finish(&set);
        *spent_ms += js_sys::Date::now() - started;
        if free_model {
            drop(set);
        } else {
            std::mem::forget(set);
        }
        failure.map_or(Ok(ImportedPieces { piece_count: pieces, encode_ms, corpus: None }), Err)
    }
}

#[wasm_bindgen]
impl ImportInput {
    /// Imports the files (the traces kept, see [`ImportInput::keep_only_trace`]) without encoding
    /// them: `[{ traceId, input, output }]`, each trace's whole question and answer (the label
    /// exports). Throws when nothing could be imported.
    #[wasm_bindgen(js_name = readableTexts)]
    pub fn readable_texts(self) -> Result<JsValue, JsValue> {
        let ImportInput { names, files, only_traces, .. } = self;
        let owned = names.into_iter().map(|name| (!name.is_empty()).then_some(name)).zip(files).collect();
        let set = if only_traces.is_empty() {
            import_owned_buffers(owned, None)
        } else {
            import_owned_traces(owned, &only_traces, None)
        }
        .map_err(|error| JsValue::from(JsError::new(&error.to_string())))?;
        Ok(corpus::readable_texts_of(&set))
    }
}

/// Passes the import's steps to the encoder, unless the document turns out to hold several
/// traces and a corpus was allowed: then nothing is encoded (the encoder writes nothing before
/// its first spans) and the set becomes a corpus.
struct ManyTracesSwitch<'a, 'b> {
    encoder: TimedEncoder<'a, 'b>,
    allowed: bool,
    many: bool,
}

impl BuildObserver for ManyTracesSwitch<'_, '_> {
    fn started(&mut self, trace_count: usize, span_count: usize) {
        self.many = self.allowed && trace_count > 1;
        if !self.many {
            self.encoder.started(trace_count, span_count);
        }
    }

    fn trace_started(&mut self, trace_id: &str, span_count: usize) {
        if !self.many {
            self.encoder.trace_started(trace_id, span_count);
        }
    }

    fn spans_mapped(&mut self, spans: &[Span]) {
        if !self.many {
            self.encoder.spans_mapped(spans);
        }
    }

    fn trace_built(&mut self, trace: &Trace, order: &[usize]) {
        if !self.many {
            self.encoder.trace_built(trace, order);
        }
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
    corpus: Option<WorkerCorpus>,
}

#[wasm_bindgen]
impl ImportedPieces {
    /// The corpus the document became (it held several traces and `corpusIfMany` was set), once.
    #[wasm_bindgen(js_name = takeCorpus)]
    pub fn take_corpus(&mut self) -> Option<WorkerCorpus> {
        self.corpus.take()
    }
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

    fn spans_mapped(&mut self, spans: &[Span]) {
        self.timed(|encoder| encoder.spans_mapped(spans));
    }

    fn trace_built(&mut self, trace: &Trace, order: &[usize]) {
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
/// keeps its first, slower code until it returns: 20,000 spans make the first row of a large
/// file sooner than 2,000 did (see the commit that chose it), for ~0.3 s of a throw-away worker
/// once per page.
const WARM_UP_SPANS: usize = 20_000;

/// Spans of the warm-up trace read through the JSON document (see [`warm_up`]).
const WARM_UP_DOCUMENT_SPANS: usize = 10_000;

/// Runs the import and the encoding once on three small generated OTLP traces (one with GenAI
/// attributes and messages, one lean, and the first again read through the JSON document and the
/// tolerant OTLP reader: the document, the shared field readers and the steps after every
/// importer, though not each format's own reader), so the browser optimises that code before a
/// real file arrives: the element calls it in a throw-away worker once per page, and Chromium
/// shares the optimised code with every later worker of the page. Returns the three encodings
/// (one `Uint8Array` each) for the page to decode, which warms the page module's decoder too.
#[wasm_bindgen(js_name = warmUp)]
pub fn warm_up() -> js_sys::Array {
    let encodings = js_sys::Array::new();
    // The third goes through the JSON document, as most formats do.
    let through_the_document = generate::otlp_trace_read_as_document(WARM_UP_DOCUMENT_SPANS);
    for text in [generate::otlp_trace(WARM_UP_SPANS), generate::lean_otlp_trace(WARM_UP_SPANS), through_the_document] {
        // The worker's own path: encoded while imported.
        let mut encoded = Vec::new();
        let mut keep = |piece: &[u8]| encoded.extend_from_slice(piece);
        let mut encoder = StreamingEncoder::new(ENCODED_PIECE_BYTES, &mut keep);
        if let Ok(set) = import_owned_buffers(vec![(None, text.into_bytes())], Some(&mut encoder)) {
            encoder.finish(&set);
            encodings.push(&js_sys::Uint8Array::from(encoded.as_slice()));
        }
    }
    encodings
}
