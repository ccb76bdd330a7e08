//! The `#[wasm_bindgen]` surface the `<trace-viewer>` custom element (www/trace-viewer.js) drives:
//! one `ViewerHandle` per element, created in its shadow root and freed when it is removed.

use wasm_bindgen::prelude::*;
use web_sys::ShadowRoot;

use serde::Serialize;
use trace_viewer_core::contract::LoadSummary;
use trace_viewer_core::corpus::compare::{ComparedMeasure, Comparison};
use trace_viewer_core::corpus::heatmap::Heatmap;
use trace_viewer_core::corpus::histograms::{HistogramBin, NumericComparison, DRAWN_BINS};
use trace_viewer_core::corpus::merged_tree::{MergedAnswer, MergedPath};
use trace_viewer_core::corpus::sessions::SessionsPage;
use trace_viewer_core::corpus::{wire, CorpusProgress};
use trace_viewer_core::model::{ImportWarning, Trace};
use trace_viewer_core::view::panels::{PanelBar, PanelSpec};
use trace_viewer_ui::corpus_state::{
    BubbleAnswer, BubbleRow, CompareAnswer, OutcomesLine, PanelAnswer, SessionsAnswer,
};
use trace_viewer_ui::{mount_viewer, LoadedFile, MountedViewer, ViewMode};

use crate::decoder::TransferDecoder;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// One mounted viewer. Dropping it (JS `free()`) unmounts the view and releases its memory.
#[wasm_bindgen]
pub struct ViewerHandle {
    pub(crate) viewer: MountedViewer,
}

#[wasm_bindgen]
impl ViewerHandle {
    /// Mounts a viewer into `shadow_root`. `on_event`, when given, is called as `(name, detail)` for
    /// `span-select` and `trace-select` (details typed in `trace_viewer_core::contract`); the
    /// element dispatches them as DOM events once the call that caused them has returned.
    #[wasm_bindgen(constructor)]
    pub fn new(shadow_root: ShadowRoot, on_event: Option<js_sys::Function>) -> Result<ViewerHandle, JsValue> {
        Ok(ViewerHandle { viewer: mount_viewer(&shadow_root, on_event)? })
    }

    /// Shows what the import worker produced, once `decoder` has decoded all of it. The summary
    /// `load()` resolves with is `summary()`'s, asked for in a later task: counting failed spans
    /// walks every span again, and the first frame of a large trace is a long task already.
    #[wasm_bindgen(js_name = showDecoded)]
    pub fn show_decoded(&self, decoder: &mut TransferDecoder) -> Result<(), JsError> {
        let set = decoder.take().ok_or_else(|| JsError::new("the transfer decoder has not finished"))?;
        self.viewer.state.show_file(LoadedFile::new(set));
        Ok(())
    }

    /// Shows an error that happened outside the importer (a failed fetch, an unreadable file).
    #[wasm_bindgen(js_name = showError)]
    pub fn show_error(&self, message: &str) {
        self.viewer.state.show_error(message.to_string());
    }

    /// Selects and reveals a span of the shown trace by id; false when it is not there.
    #[wasm_bindgen(js_name = selectSpan)]
    pub fn select_span(&self, span_id: &str) -> bool {
        self.viewer.state.select_span_id(span_id)
    }

    /// Shows trace number `index` (0-based) of the loaded file, or the one with this trace id;
    /// false when there is no such trace.
    #[wasm_bindgen(js_name = selectTrace)]
    pub fn select_trace(&self, index_or_id: &str) -> bool {
        self.viewer.state.select_trace(index_or_id)
    }

    /// Compares trace `a` with trace `b` of the loaded file (each a trace id or a 0-based
    /// position) instead of showing one; false when either is not in the file.
    #[wasm_bindgen(js_name = compareTraces)]
    pub fn compare_traces(&self, a: &str, b: &str) -> bool {
        let state = &self.viewer.state;
        match (state.trace_position(a), state.trace_position(b)) {
            (Some(a), Some(b)) => {
                state.open_comparison(a, b);
                true
            }
            _ => false,
        }
    }

    /// Compares the two traces the corpus read again for a comparison (the file just shown holds
    /// them); Back returns to the traces table. False when either is not in that file.
    #[wasm_bindgen(js_name = compareTracesFromCorpus)]
    pub fn compare_traces_from_corpus(&self, a: &str, b: &str) -> bool {
        self.viewer.state.open_comparison_from_table(a, b)
    }

    /// Sets the screen: `trace`, `list` (the file's traces) or `auto` (the list when the file
    /// holds several traces, until one is opened).
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(&self, mode: &str) {
        self.viewer.state.set_view_mode(ViewMode::parse(mode));
    }

    /// Unfolds every span.
    #[wasm_bindgen(js_name = expandAll)]
    pub fn expand_all(&self) {
        self.viewer.state.fold_to_depth(None);
    }

    /// Folds every span to its root.
    #[wasm_bindgen(js_name = collapseAll)]
    pub fn collapse_all(&self) {
        self.viewer.state.fold_to_depth(Some(0));
    }

    /// Shows nothing: forgets the loaded file and any error.
    pub fn clear(&self) {
        self.viewer.state.clear();
    }

    /// The id of the selected span, if any.
    #[wasm_bindgen(js_name = selectedSpan)]
    pub fn selected_span(&self) -> Option<String> {
        self.viewer.state.selected_span_id()
    }

    /// A corpus begins: the traces table shows, empty until answers come, with this filter and sort.
    #[wasm_bindgen(js_name = startCorpus)]
    pub fn start_corpus(&self, filter: &str, sort: &str) {
        self.viewer.state.show_error_cleared();
        self.viewer.state.corpus.start(filter, sort);
    }

    /// The corpus is gone (another load, `clear()`): the table with it.
    #[wasm_bindgen(js_name = stopCorpus)]
    pub fn stop_corpus(&self) {
        self.viewer.state.corpus.stop();
    }

    /// How far the worker has read, and whether it still reads.
    #[wasm_bindgen(js_name = corpusProgress)]
    pub fn corpus_progress(&self, traces: f64, spans_read: f64, bytes_read: f64, files: f64, reading: bool) {
        let progress = CorpusProgress {
            traces: traces as u64,
            spans_read: spans_read as u64,
            bytes_read: bytes_read as u64,
            files: files as u64,
        };
        self.viewer.state.corpus.show_progress(progress, reading);
    }

    /// The filter the table now shows (the element's `filter`).
    #[wasm_bindgen(js_name = corpusFilter)]
    pub fn corpus_filter(&self) -> String {
        self.viewer.state.corpus.filter_now()
    }

    /// The sort the table now shows (the element's `sort`).
    #[wasm_bindgen(js_name = corpusSort)]
    pub fn corpus_sort(&self) -> String {
        self.viewer.state.corpus.sort_now()
    }

    /// Sets the filter and sort (from the attributes) without asking anything yet.
    #[wasm_bindgen(js_name = setCorpusQuery)]
    pub fn set_corpus_query(&self, filter: &str, sort: &str) {
        self.viewer.state.corpus.set_query(filter, sort);
    }

    /// A window of rows and the matching count, as the corpus worker wrote them (`corpus::wire`).
    #[wasm_bindgen(js_name = corpusWindow)]
    pub fn corpus_window(&self, bytes: &[u8]) -> Result<(), JsError> {
        let window = wire::decode_window(bytes).map_err(|error| JsError::new(&error.to_string()))?;
        self.viewer.state.corpus.show_window(window.count, window.offset as usize, window.rows);
        Ok(())
    }

    /// A page of the sessions list for `filter`, `sort` and `offset`, as the corpus worker wrote it.
    #[wasm_bindgen(js_name = corpusSessions)]
    pub fn corpus_sessions(&self, filter: &str, sort: &str, offset: u32, bytes: &[u8]) -> Result<(), JsError> {
        let page = wire::decode_sessions(bytes).map_err(|error| JsError::new(&error.to_string()))?;
        self.show_sessions(filter, sort, offset, Ok(page));
        Ok(())
    }

    /// The sessions list could not be made (a sort that does not read).
    #[wasm_bindgen(js_name = corpusSessionsError)]
    pub fn corpus_sessions_error(&self, filter: &str, sort: &str, offset: u32, message: &str) {
        self.show_sessions(filter, sort, offset, Err(message.to_string()));
    }

    /// The turns of session `session` (a window of table rows in the order they started).
    #[wasm_bindgen(js_name = corpusSessionTurns)]
    pub fn corpus_session_turns(&self, session: &str, bytes: &[u8]) -> Result<(), JsError> {
        let window = wire::decode_window(bytes).map_err(|error| JsError::new(&error.to_string()))?;
        self.viewer.state.corpus.show_session_turns(session.to_string(), window.rows);
        Ok(())
    }

    /// How far the merged tree of `filter` has come.
    #[wasm_bindgen(js_name = corpusMergeProgress)]
    pub fn corpus_merge_progress(&self, filter: &str, merged: f64, traces: f64) {
        self.viewer.state.corpus.show_merge_progress(filter, merged as u64, traces as u64);
    }

    /// The merged tree of `filter`: per path its kind and name, and seven numbers (parent place or
    /// −1, depth, count, total ms, self ms, p95 ms or NaN, error rate).
    #[wasm_bindgen(js_name = corpusMergedTree)]
    pub fn corpus_merged_tree(
        &self,
        filter: &str,
        traces: f64,
        matching: f64,
        kinds: Vec<String>,
        names: Vec<String>,
        numbers: Vec<f64>,
    ) {
        let paths = kinds
            .into_iter()
            .zip(names)
            .zip(numbers.chunks_exact(7))
            .map(|((kind, name), values)| MergedPath {
                parent: (values[0] >= 0.0).then_some(values[0] as u32),
                depth: values[1] as u32,
                kind,
                name,
                count: values[2] as u64,
                total_ms: values[3],
                self_ms: values[4],
                p95_ms: Some(values[5]).filter(|value| value.is_finite()),
                error_rate: values[6],
            })
            .collect();
        let answer = MergedAnswer { traces: traces as u64, matching: matching as u64, paths };
        self.viewer.state.corpus.show_merged_tree(filter, Ok(answer));
    }

    /// The merged tree could not be made (a filter that does not read).
    #[wasm_bindgen(js_name = corpusMergedTreeError)]
    pub fn corpus_merged_tree_error(&self, filter: &str, message: &str) {
        self.viewer.state.corpus.show_merged_tree(filter, Err(message.to_string()));
    }

    /// An outcomes file was joined: what the dashboard says of it.
    #[wasm_bindgen(js_name = corpusOutcomes)]
    #[allow(clippy::too_many_arguments)]
    pub fn corpus_outcomes(
        &self,
        file_name: String,
        key: String,
        rows: f64,
        matched: f64,
        unmatched: f64,
        left_out: f64,
        columns: Vec<String>,
        numeric_columns: Vec<String>,
        problems: Vec<String>,
    ) {
        let line = OutcomesLine {
            file_name,
            key,
            rows: rows as u64,
            matched: matched as u64,
            unmatched: unmatched as u64,
            left_out: left_out as u64,
            columns,
            numeric_columns,
            problems,
        };
        self.viewer.state.corpus.show_outcomes(Ok(line));
    }

    /// An outcomes file could not be joined: why, on the dashboard.
    #[wasm_bindgen(js_name = corpusOutcomesError)]
    pub fn corpus_outcomes_error(&self, file_name: &str, message: &str) {
        self.viewer.state.corpus.show_outcomes(Err(format!("{file_name} was not joined: {message}")));
    }

    /// Shows session `session`'s conversation on the sessions tab (empty: the sessions list).
    #[wasm_bindgen(js_name = selectSession)]
    pub fn select_session(&self, session: &str) {
        let session = (!session.is_empty()).then(|| session.to_string());
        self.viewer.state.corpus.select_session(session);
    }

    /// How many turns the session shown last has.
    #[wasm_bindgen(js_name = sessionTurnCount)]
    pub fn session_turn_count(&self) -> u32 {
        self.viewer.state.corpus.session_turn_count() as u32
    }

    fn show_sessions(&self, filter: &str, sort: &str, offset: u32, page: Result<SessionsPage, String>) {
        let answer =
            SessionsAnswer { filter: filter.to_string(), sort: sort.to_string(), offset: offset as usize, page };
        self.viewer.state.corpus.show_sessions(answer);
    }

    /// Totals and facets, as the corpus worker wrote them.
    #[wasm_bindgen(js_name = corpusOverview)]
    pub fn corpus_overview(&self, bytes: &[u8]) -> Result<(), JsError> {
        let (totals, facets) = wire::decode_overview(bytes).map_err(|error| JsError::new(&error.to_string()))?;
        self.viewer.state.corpus.show_overview(totals, facets);
        Ok(())
    }

    /// The filter or sort did not read: the message and the column it points at.
    #[wasm_bindgen(js_name = corpusFilterError)]
    pub fn corpus_filter_error(&self, message: &str, column: u32) {
        self.viewer.state.corpus.show_filter_error(message, column as usize);
    }

    /// The columns the corpus has, and the files' reports, as the corpus worker wrote them.
    #[wasm_bindgen(js_name = corpusDetails)]
    pub fn corpus_details(&self, bytes: &[u8]) -> Result<(), JsError> {
        let (columns, reports) = wire::decode_details(bytes).map_err(|error| JsError::new(&error.to_string()))?;
        self.viewer.state.corpus.show_details(columns, reports);
        Ok(())
    }

    /// A trace opened from the table is shown (`null`: the opening failed or was given up).
    #[wasm_bindgen(js_name = corpusOpened)]
    pub fn corpus_opened(&self, trace_id: Option<String>) {
        self.viewer.state.corpus.opened(trace_id);
    }

    /// Adds the corpus's problems with the file to the trace shown (a corpus of one trace).
    #[wasm_bindgen(js_name = addFileWarnings)]
    pub fn add_file_warnings(&self, warnings: Vec<String>) {
        self.viewer.state.add_file_warnings(warnings);
    }

    /// The successful trace nearest to trace `trace_id` (opened from the table), which its
    /// header offers to compare with.
    #[wasm_bindgen(js_name = corpusNearestSuccess)]
    pub fn corpus_nearest_success(&self, trace_id: String, nearest: String) {
        self.viewer.state.corpus.found_nearest_success(trace_id, nearest);
    }

    /// Back to the table (from a trace opened from it).
    #[wasm_bindgen(js_name = showTable)]
    pub fn show_table(&self) {
        self.viewer.state.corpus.show_table();
    }

    /// The `panels` attribute: which panels the dashboard shows (empty: the default ones).
    #[wasm_bindgen(js_name = setPanels)]
    pub fn set_panels(&self, text: &str) {
        self.viewer.state.corpus.set_panels(text);
    }

    /// The `fail-definition` attribute: a filter saying which traces failed (empty: the default).
    #[wasm_bindgen(js_name = setFailDefinition)]
    pub fn set_fail_definition(&self, text: &str) {
        self.viewer.state.corpus.set_fail_definition(text);
    }

    /// The definition of a failed trace the dashboard uses now (typed there, or the attribute's).
    #[wasm_bindgen(js_name = failDefinition)]
    pub fn fail_definition(&self) -> String {
        self.viewer.state.corpus.fail_definition_now()
    }

    /// A panel's answer: for which question (`measure` by `group_by` under `filter`), each group's
    /// value (`null` for traces without one), its measure (NaN: none) and its count.
    #[wasm_bindgen(js_name = corpusPanel)]
    #[allow(clippy::too_many_arguments)]
    pub fn corpus_panel(
        &self,
        panel: u32,
        measure: &str,
        group_by: &str,
        filter: &str,
        values: Vec<JsValue>,
        measures: Vec<f64>,
        counts: Vec<f64>,
    ) {
        let bars = values
            .iter()
            .zip(measures)
            .zip(counts)
            .map(|((value, measure), count)| PanelBar {
                value: value.as_string(),
                measure: Some(measure).filter(|measure| measure.is_finite()),
                count: count as u64,
            })
            .collect();
        self.show_panel(panel, measure, group_by, filter, Ok(bars));
    }

    /// A panel's question could not be answered (a fail definition that does not read).
    #[wasm_bindgen(js_name = corpusPanelError)]
    pub fn corpus_panel_error(&self, panel: u32, measure: &str, group_by: &str, filter: &str, message: &str) {
        self.show_panel(panel, measure, group_by, filter, Err(message.to_string()));
    }

    /// BubbleUp's answer for `selection` against `baseline`: the values ranked, with their shares.
    #[wasm_bindgen(js_name = corpusBubbleUp)]
    pub fn corpus_bubble_up(
        &self,
        selection: &str,
        baseline: &str,
        fields: Vec<String>,
        values: Vec<String>,
        selection_shares: Vec<f64>,
        baseline_shares: Vec<f64>,
    ) {
        let rows = fields
            .into_iter()
            .zip(values)
            .zip(selection_shares.into_iter().zip(baseline_shares))
            .map(|((field, value), (selection, baseline))| BubbleRow { field, value, selection, baseline })
            .collect();
        self.show_bubble_up(selection, baseline, Ok(rows));
    }

    /// The duration × time heatmap of `filter`: its time span, columns, duration edges and cells.
    #[wasm_bindgen(js_name = corpusHeatmap)]
    #[allow(clippy::too_many_arguments)]
    pub fn corpus_heatmap(
        &self,
        filter: &str,
        start_ms: f64,
        end_ms: f64,
        columns: u32,
        duration_edges_ms: Vec<f64>,
        counts: Vec<u32>,
        failed: Vec<u32>,
    ) {
        let map = Heatmap { start_ms, end_ms, columns, duration_edges_ms, counts, failed };
        self.viewer.state.corpus.show_heatmap(filter.to_string(), map);
    }

    /// BubbleUp's numbers for `selection`: per field its score, the two trace counts and whether
    /// its bins are by ratio (four numbers), and its 16 bins (low, high, and both shares each).
    #[wasm_bindgen(js_name = corpusHistograms)]
    pub fn corpus_histograms(&self, selection: &str, fields: Vec<String>, facts: Vec<f64>, bins: Vec<f64>) {
        let per_field = DRAWN_BINS * 4;
        let compared = fields
            .into_iter()
            .enumerate()
            .map(|(place, field)| NumericComparison {
                field,
                score: facts.get(place * 4).copied().unwrap_or(0.0),
                selection: facts.get(place * 4 + 1).copied().unwrap_or(0.0) as u64,
                baseline: facts.get(place * 4 + 2).copied().unwrap_or(0.0) as u64,
                log_scale: facts.get(place * 4 + 3).is_some_and(|flag| *flag > 0.0),
                bins: bins
                    .get(place * per_field..(place + 1) * per_field)
                    .unwrap_or_default()
                    .chunks_exact(4)
                    .map(|bin| HistogramBin { low: bin[0], high: bin[1], selection: bin[2], baseline: bin[3] })
                    .collect(),
            })
            .collect();
        self.viewer.state.corpus.show_histograms(selection.to_string(), compared);
    }

    /// The comparison of `a` with `b`: each group's count, then per measure its values, the
    /// difference and its interval (NaN: none).
    #[wasm_bindgen(js_name = corpusComparison)]
    #[allow(clippy::too_many_arguments)]
    pub fn corpus_comparison(&self, a: &str, b: &str, counts: Vec<f64>, measures: Vec<String>, values: Vec<f64>) {
        // `values` holds five numbers per measure: a, b, delta, low, high.
        let number = |at: usize| values.get(at).copied().filter(|value| value.is_finite());
        let measures = measures
            .into_iter()
            .enumerate()
            .map(|(place, measure)| ComparedMeasure {
                measure,
                a: number(place * 5),
                b: number(place * 5 + 1),
                delta: number(place * 5 + 2),
                low: number(place * 5 + 3),
                high: number(place * 5 + 4),
            })
            .collect();
        let count = |at: usize| counts.get(at).copied().unwrap_or(0.0) as u64;
        let comparison = Comparison { a: count(0), b: count(1), measures };
        self.show_comparison(a, b, Ok(comparison));
    }

    /// The comparison could not be made (a filter that does not read).
    #[wasm_bindgen(js_name = corpusComparisonError)]
    pub fn corpus_comparison_error(&self, a: &str, b: &str, message: &str) {
        self.show_comparison(a, b, Err(message.to_string()));
    }

    /// BubbleUp could not answer (a selection that does not read).
    #[wasm_bindgen(js_name = corpusBubbleUpError)]
    pub fn corpus_bubble_up_error(&self, selection: &str, baseline: &str, message: &str) {
        self.show_bubble_up(selection, baseline, Err(message.to_string()));
    }

    /// The traces table under `filter` (a dashboard bar was chosen and the host let it be).
    #[wasm_bindgen(js_name = showTracesOf)]
    pub fn show_traces_of(&self, filter: &str) {
        self.viewer.state.corpus.show_traces_of(filter);
    }

    /// Whether the table is on screen.
    #[wasm_bindgen(js_name = showingTable)]
    pub fn showing_table(&self) -> bool {
        self.viewer.state.corpus.table_showing()
    }

    fn show_panel(&self, panel: u32, measure: &str, group_by: &str, filter: &str, bars: Result<Vec<PanelBar>, String>) {
        let spec = PanelSpec { measure: measure.to_string(), group_by: group_by.to_string() };
        let answer = PanelAnswer { spec, filter: filter.to_string(), bars };
        self.viewer.state.corpus.show_panel(panel as usize, answer);
    }

    fn show_comparison(&self, a: &str, b: &str, result: Result<Comparison, String>) {
        let answer = CompareAnswer { a: a.to_string(), b: b.to_string(), result };
        self.viewer.state.corpus.show_comparison(answer);
    }

    fn show_bubble_up(&self, selection: &str, baseline: &str, rows: Result<Vec<BubbleRow>, String>) {
        let answer = BubbleAnswer { selection: selection.to_string(), baseline: baseline.to_string(), rows };
        self.viewer.state.corpus.show_bubble_up(answer);
    }

    /// What is loaded: the same summary `load()` resolves with, or `null`.
    pub fn summary(&self) -> JsValue {
        match self.viewer.state.loaded_file() {
            Some(file) => summary_of(&file.format, file.traces.iter().map(|trace| &*trace.0), &file.warnings),
            None => JsValue::NULL,
        }
    }
}

/// What the host page learns about a loaded file: the typed [`LoadSummary`] as a plain JS object.
fn summary_of<'a>(format: &str, traces: impl Iterator<Item = &'a Trace>, warnings: &[ImportWarning]) -> JsValue {
    let summary = LoadSummary::new(format, traces, warnings);
    summary.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}
