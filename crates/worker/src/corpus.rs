//! The corpus worker's wasm surface: [`WorkerCorpus`] (`Corpus` in JS) reads files a chunk at a
//! time into the index and answers the table's and the host's questions (query, a window of rows,
//! totals and facets, columns, per-file reports, where a trace's bytes are) as plain JS objects.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use trace_viewer_core::corpus::aggregate::AggregateAnswer;
use trace_viewer_core::corpus::ingest::LineSplit;
use trace_viewer_core::corpus::line_batch::{summarize_after_head, LinesAt};
use trace_viewer_core::corpus::line_batch_encoding::encode_line_batch;
use trace_viewer_core::corpus::merge_reading::MergeReading;
use trace_viewer_core::corpus::query::QueryError;
use trace_viewer_core::corpus::{wire, Corpus, CorpusRequestError};
use trace_viewer_core::model::readable::{answer_text, question_text};
use trace_viewer_core::model::TraceSet;
use trace_viewer_core::review::{Label, Taxonomy};
use trace_viewer_core::transfer::encode_in_pieces;

#[wasm_bindgen(js_name = Corpus)]
#[derive(Default)]
pub struct WorkerCorpus {
    corpus: Corpus,
    /// Merged trees being read, by the request that asked.
    merges: std::collections::HashMap<u32, MergeReading>,
}

/// The windows a merged tree reads.
#[derive(Serialize)]
struct MergePlan<'a> {
    windows: &'a [trace_viewer_core::corpus::ByteRange],
    matching: u64,
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// A filter or sort that does not parse, as an `Error` whose `column` says where.
fn query_error(error: QueryError) -> JsValue {
    let thrown = js_sys::Error::new(&error.to_string());
    let _ = js_sys::Reflect::set(&thrown, &"column".into(), &JsValue::from(error.column as u32));
    let _ = js_sys::Reflect::set(&thrown, &"reason".into(), &JsValue::from(error.message.as_str()));
    thrown.into()
}

/// Summarises complete JSON Lines (those `Corpus.takeLines` pointed at: its `head`, then the
/// slice's first `take` bytes, starting at byte `offset` of their file, its first line when
/// `startsFile`) into a batch for `Corpus.absorbLines`: what a helper worker does, in parallel with
/// others. The head and the lines come apart, so the slice is not copied to join them. With an
/// `opening` (not empty), the bytes are elements of a document read element by element, each read
/// inside the opening.
#[wasm_bindgen(js_name = summarizeLines)]
pub fn summarize_lines_for_corpus(
    head: &[u8],
    bytes: &[u8],
    offset: f64,
    starts_file: bool,
    opening: &[u8],
) -> Vec<u8> {
    let at = LinesAt { offset: offset as u64, starts_file };
    encode_line_batch(&summarize_after_head(head, bytes, at, (!opening.is_empty()).then_some(opening)))
}

/// A `LineSplit` as the object `takeLines` answers (`undefined` for none).
fn split_to_js(split: Option<LineSplit>) -> JsValue {
    let Some(split) = split else { return JsValue::UNDEFINED };
    let object = js_sys::Object::new();
    let set = |key: &str, value: JsValue| js_sys::Reflect::set(&object, &key.into(), &value).map(|_| ());
    let made = set("head", js_sys::Uint8Array::from(split.head.as_slice()).into())
        .and(set("take", JsValue::from(split.take as f64)))
        .and(set("offset", JsValue::from(split.at.offset as f64)))
        .and(set("startsFile", JsValue::from(split.at.starts_file)))
        .and(set(
            "opening",
            split.opening.map_or(JsValue::UNDEFINED, |opening| js_sys::Uint8Array::from(opening.as_slice()).into()),
        ));
    made.map_or(JsValue::UNDEFINED, |_| object.into())
}

/// An aggregate's or BubbleUp's error: a filter's says its column, a request's what was wrong.
fn request_error(error: CorpusRequestError) -> JsValue {
    match error {
        CorpusRequestError::Filter(error) => query_error(error),
        CorpusRequestError::Request(message) => JsError::new(&message).into(),
    }
}

impl WorkerCorpus {
    /// The corpus of a document imported whole that held several traces (kept to be opened).
    pub fn of_set(set: TraceSet, name: &str, bytes: u64) -> WorkerCorpus {
        WorkerCorpus { corpus: Corpus::from_trace_set(set, name, bytes), merges: Default::default() }
    }
}

#[wasm_bindgen(js_class = Corpus)]
impl WorkerCorpus {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WorkerCorpus {
        WorkerCorpus::default()
    }

    /// Starts reading a file; returns its number.
    #[wasm_bindgen(js_name = addFile)]
    pub fn add_file(&mut self, name: &str) -> u32 {
        self.corpus.add_file(name)
    }

    /// The file's next bytes: the lines complete in them are indexed now.
    pub fn feed(&mut self, file: u32, chunk: &[u8]) {
        self.corpus.feed(file, chunk);
    }

    /// The file's next bytes, and which of them are complete lines: `{ head, take, offset,
    /// startsFile, opening }`, the lines being `head` (bytes kept from before) then the chunk's
    /// first `take` bytes, starting at byte `offset` of the file, for a helper worker's
    /// `summarizeLines` (then `absorbLines` here, in the order taken); `undefined` when no line is
    /// complete yet, or the file is one document gathered whole. In a document read element by
    /// element, the "lines" are elements and `opening` is what each is read inside.
    #[wasm_bindgen(js_name = takeLines)]
    pub fn take_lines(&mut self, file: u32, chunk: &[u8]) -> JsValue {
        split_to_js(self.corpus.take_lines(file, chunk))
    }

    /// Whether file `file` is known to be JSON Lines: then its slices go to `takeLinesAfter`.
    #[wasm_bindgen(js_name = readsLines)]
    pub fn reads_lines(&self, file: u32) -> bool {
        self.corpus.reads_lines(file)
    }

    /// `takeLines` of a JSON Lines file's next `chunkLength` bytes given only where their last
    /// newline is (-1: none) and the bytes after it: a slice of megabytes is not copied into wasm
    /// memory only to find that newline. The same answer as `takeLines`.
    #[wasm_bindgen(js_name = takeLinesAfter)]
    pub fn take_lines_after(&mut self, file: u32, chunk_length: f64, last_newline: f64, tail: &[u8]) -> JsValue {
        let last_newline = (last_newline >= 0.0).then_some(last_newline as usize);
        let split = self.corpus.take_lines_after(file, chunk_length as usize, last_newline, tail);
        split_to_js(split)
    }

    /// Joins a batch `summarizeLines` made of file `file`'s lines into the index.
    #[wasm_bindgen(js_name = absorbLines)]
    pub fn absorb_lines(&mut self, file: u32, batch: &[u8]) -> Result<(), JsError> {
        self.corpus.absorb_encoded(file, batch).map_err(|error| JsError::new(&error.to_string()))
    }

    /// A problem with file `file` found while reading it (a gzip file cut at the size limit).
    #[wasm_bindgen(js_name = addWarning)]
    pub fn add_warning(&mut self, file: u32, message: &str) {
        self.corpus.add_warning(file, message);
    }

    /// The file has ended.
    #[wasm_bindgen(js_name = finishFile)]
    pub fn finish_file(&mut self, file: u32) {
        self.corpus.finish_file(file);
    }

    /// `{ traces, spansRead, bytesRead, files }`.
    pub fn progress(&self) -> JsValue {
        to_js(&self.corpus.progress())
    }

    /// `{ count, traceIds }`: the element's `query()`.
    pub fn query(&mut self, filter: &str, sort: &str, limit: u32) -> Result<JsValue, JsValue> {
        self.corpus.query(filter, sort, limit as usize).map(|answer| to_js(&answer)).map_err(query_error)
    }

    /// `{ groups: [{ key: { <field>: value | null }, count, <measure>: number | null }] }` as JSON
    /// text: the element's `aggregate({ groupBy, measures, filter, failDefinition })` (an empty
    /// `fail_definition`: the default one). Text for `JSON.parse`, not objects built from wasm one
    /// property at a time: a quarter of a million groups took seconds that way.
    pub fn aggregate(
        &mut self,
        group_by: Vec<String>,
        measures: Vec<String>,
        filter: &str,
        fail_definition: &str,
    ) -> Result<String, JsValue> {
        let groups = self.corpus.aggregate(&group_by, &measures, filter, fail_definition).map_err(request_error)?;
        serde_json::to_string(&AggregateAnswer { groups: &groups }).map_err(|error| JsValue::from(error.to_string()))
    }

    /// `{ a, b, measures: [{ measure, a, b, delta, low, high }] }`: the element's `compare({ a, b,
    /// failDefinition })`.
    pub fn compare(&self, a: &str, b: &str, fail_definition: &str) -> Result<JsValue, JsValue> {
        let comparison = self.corpus.compare(a, b, fail_definition).map_err(request_error)?;
        Ok(to_js(&comparison))
    }

    /// `[{ field, value, selection, baseline, score }]`: the element's `bubbleUp({ selection,
    /// baseline, limit })` (`baseline` undefined: every trace not selected).
    #[wasm_bindgen(js_name = bubbleUp)]
    pub fn bubble_up(&self, selection: &str, baseline: Option<String>, limit: u32) -> Result<JsValue, JsValue> {
        let values = self.corpus.bubble_up(selection, baseline.as_deref(), limit as usize).map_err(request_error)?;
        Ok(to_js(&values))
    }

    /// `[{ text, traces, failed, filter }]`: the traces `filter` keeps grouped by `by`
    /// (`signature` or `error_template`), most traces first, at most `limit`.
    pub fn patterns(&mut self, filter: &str, by: &str, limit: u32) -> Result<JsValue, JsValue> {
        let patterns = self.corpus.patterns(filter, by, limit as usize).map_err(request_error)?;
        Ok(to_js(&patterns))
    }

    /// Gives a trace these label categories (an empty list clears them); false for an unknown id.
    #[wasm_bindgen(js_name = setLabels)]
    pub fn set_labels(&mut self, trace_id: &str, categories: Vec<String>) -> bool {
        self.corpus.set_labels(trace_id, &categories)
    }

    /// `{ startMs, endMs, columns, durationEdgesMs, counts, failed }`: the duration × time heatmap
    /// of the traces `filter` keeps (`counts` row by row from the shortest durations).
    pub fn heatmap(&self, filter: &str, columns: u32, rows: u32) -> Result<JsValue, JsValue> {
        let map = self.corpus.heatmap(filter, columns as usize, rows as usize).map_err(query_error)?;
        Ok(to_js(&map))
    }

    /// `[{ field, score, selection, baseline, logScale, bins: [{ low, high, selection, baseline }] }]`:
    /// the element's `bubbleUpHistograms({ selection, baseline, limit })`.
    #[wasm_bindgen(js_name = bubbleUpHistograms)]
    pub fn bubble_up_histograms(
        &self,
        selection: &str,
        baseline: Option<String>,
        limit: u32,
    ) -> Result<JsValue, JsValue> {
        let compared =
            self.corpus.bubble_up_numbers(selection, baseline.as_deref(), limit as usize).map_err(request_error)?;
        Ok(to_js(&compared))
    }

    /// Rows `offset..offset + limit` of the table and the matching count, as bytes for the page
    /// (`corpus::wire`).
    pub fn window(&mut self, filter: &str, sort: &str, offset: u32, limit: u32) -> Result<Vec<u8>, JsValue> {
        self.corpus
            .window(filter, sort, offset as usize, limit as usize)
            .map(|window| wire::encode_window(&window))
            .map_err(query_error)
    }

    /// Sessions `offset..offset + limit` of the traces `filter` keeps, sorted by `sort`, and how
    /// many there are, as bytes for the page (`corpus::wire`).
    pub fn sessions(&self, filter: &str, sort: &str, offset: u32, limit: u32) -> Result<Vec<u8>, JsValue> {
        let page = self.corpus.sessions(filter, sort, offset as usize, limit as usize).map_err(request_error)?;
        Ok(wire::encode_sessions(&page))
    }

    /// Every turn of session `session`, in the order they started, as a window of table rows.
    #[wasm_bindgen(js_name = sessionTurns)]
    pub fn session_turns(&self, session: &str) -> Vec<u8> {
        wire::encode_window(&self.corpus.session_turns(session))
    }

    /// Starts merging the first `limit` traces `filter` keeps into one tree (request `id`):
    /// `{ windows: [{ file, offset, length }], matching }`, the windows to read and hand to
    /// `mergeWindow` in order.
    #[wasm_bindgen(js_name = mergeStart)]
    pub fn merge_start(&mut self, id: u32, filter: &str, limit: u32) -> Result<JsValue, JsValue> {
        let reading = self.corpus.merge_reading(filter, limit as usize).map_err(query_error)?;
        let plan = MergePlan { windows: &reading.windows, matching: reading.matching() };
        let plan = to_js(&plan);
        self.merges.insert(id, reading);
        Ok(plan)
    }

    /// Window `window` of merge `id`, read; returns the traces merged so far.
    #[wasm_bindgen(js_name = mergeWindow)]
    pub fn merge_window(&mut self, id: u32, window: u32, bytes: &[u8]) -> f64 {
        self.merges.get_mut(&id).map_or(0.0, |reading| {
            reading.add_window(window as usize, bytes);
            reading.traces_merged() as f64
        })
    }

    /// Ends merge `id`: `{ traces, matching, paths: [{ parent, depth, kind, name, count, totalMs,
    /// selfMs, p95Ms, errorRate }] }` as JSON text (the element's `mergedTree()`).
    #[wasm_bindgen(js_name = mergeFinish)]
    pub fn merge_finish(&mut self, id: u32) -> Result<String, JsValue> {
        let reading = self.merges.remove(&id).ok_or_else(|| JsValue::from(JsError::new("no such merge")))?;
        serde_json::to_string(&reading.finish()).map_err(|error| JsValue::from(error.to_string()))
    }

    /// Joins a product outcomes file (CSV or JSON Lines): `{ fileName, key, rows, matched,
    /// unmatched, duplicateKeys, rowsWithoutKey, columns, numericColumns, problems }`, the
    /// element's `loadOutcomes()`.
    #[wasm_bindgen(js_name = loadOutcomes)]
    pub fn load_outcomes(&mut self, bytes: &[u8], file_name: &str) -> Result<JsValue, JsValue> {
        let report =
            self.corpus.load_outcomes(bytes, file_name).map_err(|message| JsValue::from(JsError::new(&message)))?;
        Ok(to_js(&report))
    }

    /// The joined outcomes' report as it is now (more traces may match as reading goes on), or null.
    #[wasm_bindgen(js_name = outcomesReport)]
    pub fn outcomes_report(&self) -> JsValue {
        self.corpus.outcomes_report().map_or(JsValue::NULL, |report| to_js(&report))
    }

    /// The totals and facets over the rows `filter` keeps, as bytes for the page.
    pub fn overview(&mut self, filter: &str) -> Result<Vec<u8>, JsValue> {
        let (totals, facets) = self.corpus.overview(filter).map_err(query_error)?;
        Ok(wire::encode_overview(&totals, &facets))
    }

    /// The columns and the files' reports, as bytes for the page.
    pub fn details(&self) -> Vec<u8> {
        wire::encode_details(&self.corpus.columns(), &self.corpus.file_reports())
    }

    /// The columns a table may show (fixed ones, then scores and attributes).
    pub fn columns(&self) -> JsValue {
        to_js(&self.corpus.columns())
    }

    /// Per file: name, bytes, traces, formats, warnings.
    #[wasm_bindgen(js_name = fileReports)]
    pub fn file_reports(&self) -> JsValue {
        to_js(&self.corpus.file_reports())
    }

    /// Opens traces kept whole (one to show, two to compare): encodes them for the page in pieces
    /// passed to `on_piece`; returns how many. Throws when a trace is not one kept here (its lines
    /// are re-read instead).
    #[wasm_bindgen(js_name = openKept)]
    pub fn open_kept(&self, trace_ids: Vec<String>, on_piece: &js_sys::Function) -> Result<u32, JsValue> {
        let set = self
            .corpus
            .kept_traces(&trace_ids)
            .ok_or_else(|| JsError::new(&format!("No kept trace {}.", trace_ids.join(" or "))))?;
        let mut pieces = 0;
        let mut failure = None;
        encode_in_pieces(&set, 16 << 20, &mut |piece| {
            if failure.is_none() {
                failure = on_piece.call1(&JsValue::NULL, &js_sys::Uint8Array::from(piece)).err();
                pieces += 1;
            }
        });
        failure.map_or(Ok(pieces), Err)
    }

    /// The id of the successful trace with the same intent closest in its spans to this one, or
    /// `undefined` ("Compare with nearest success" for a trace opened from the table).
    #[wasm_bindgen(js_name = nearestSuccess)]
    pub fn nearest_success(&self, trace_id: &str) -> Option<String> {
        self.corpus.nearest_success(trace_id)
    }

    /// The review queue: at most `limit` trace ids of the traces `filter` keeps, ordered `worst`
    /// first, `random`ly or `stratified` by a column (both with `seed`).
    #[wasm_bindgen(js_name = reviewQueue)]
    pub fn review_queue(
        &self,
        filter: &str,
        order: &str,
        seed: f64,
        stratify_by: &str,
        limit: u32,
    ) -> Result<Vec<String>, JsValue> {
        self.corpus.review_queue(filter, order, seed as u64, stratify_by, limit as usize).map_err(request_error)
    }

    /// The whole question and answer of traces kept here (a document imported whole), as
    /// [`readable_texts_of`] gives them.
    #[wasm_bindgen(js_name = keptReadableTexts)]
    pub fn kept_readable_texts(&self, trace_ids: Vec<String>) -> JsValue {
        self.corpus.kept_traces(&trace_ids).map_or(JsValue::from(js_sys::Array::new()), |set| readable_texts_of(&set))
    }

    /// The labels as a file's text (`exportLabels()`): `labels` as the page holds them, the
    /// taxonomy as JSON, `texts` the labelled traces' questions and answers read again.
    #[wasm_bindgen(js_name = exportLabels)]
    pub fn export_labels(
        &self,
        format: &str,
        labels: JsValue,
        taxonomy: &str,
        group_by: &str,
        texts: JsValue,
    ) -> Result<String, JsValue> {
        let labels: Vec<Label> =
            serde_wasm_bindgen::from_value(labels).map_err(|error| JsError::new(&error.to_string()))?;
        let taxonomy = Taxonomy::from_json(taxonomy).map_err(|error| JsError::new(&error))?;
        let texts: Vec<ReadableText> =
            serde_wasm_bindgen::from_value(texts).map_err(|error| JsError::new(&error.to_string()))?;
        let texts = texts.into_iter().map(|text| (text.trace_id, (text.input, text.output))).collect();
        self.corpus.export_labels(format, &labels, &taxonomy, group_by, &texts).map_err(request_error)
    }

    /// `[{ file, offset, length }]` where the trace's bytes are, or `null` for an unknown id.
    #[wasm_bindgen(js_name = rangesOf)]
    pub fn ranges_of(&self, trace_id: &str) -> JsValue {
        self.corpus.ranges_of(trace_id).map_or(JsValue::NULL, |ranges| to_js(&ranges))
    }

    /// The worker's WebAssembly memory, in bytes (what the index and the reading take), for the bench.
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes(&self) -> f64 {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length() as f64
    }

    /// Index bytes per column (previews apart) and the previews' bytes, for the bench.
    #[wasm_bindgen(js_name = indexBytes)]
    pub fn index_bytes(&self) -> JsValue {
        #[derive(Serialize)]
        struct Bytes {
            columns: Vec<(String, usize)>,
            previews: usize,
        }
        to_js(&Bytes { columns: self.corpus.index.column_bytes(), previews: self.corpus.index.preview_bytes() })
    }
}

/// A trace's whole question and answer, as the worker passes them to [`WorkerCorpus::export_labels`].
#[derive(Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadableText {
    pub trace_id: String,
    pub input: Option<String>,
    pub output: Option<String>,
}

/// `[{ traceId, input, output }]` for each trace of the set: its input and output reduced to the
/// words of the question and the answer (`model::readable`).
pub fn readable_texts_of(set: &TraceSet) -> JsValue {
    let texts: Vec<ReadableText> = set
        .traces
        .iter()
        .map(|trace| ReadableText {
            trace_id: trace.trace_id.clone(),
            input: trace.user_input.as_deref().map(|text| question_text(text).into_owned()),
            output: trace.final_output.as_deref().map(|text| answer_text(text).into_owned()),
        })
        .collect();
    to_js(&texts)
}
