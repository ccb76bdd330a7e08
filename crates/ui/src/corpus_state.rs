//! The traces table's state: what the corpus worker last answered (the matching count, a window
//! of rows, totals, facets, per-file reports, reading progress) and what the person chose (filter,
//! sort, visible columns, the scroll position to come back to). The element pushes answers in;
//! the table asks for what it needs through `corpus:*` requests the element answers (never DOM
//! events).

use leptos::prelude::*;
use serde::Serialize;

use trace_viewer_core::corpus::compare::Comparison;
use trace_viewer_core::corpus::facets::{CorpusTotals, Facet};
use trace_viewer_core::corpus::heatmap::Heatmap;
use trace_viewer_core::corpus::histograms::NumericComparison;
use trace_viewer_core::corpus::merged_tree::MergedAnswer;
use trace_viewer_core::corpus::sessions::{SessionsPage, DEFAULT_SESSION_SORT};
use trace_viewer_core::corpus::{CorpusProgress, FileReport, TableRow};
use trace_viewer_core::view::panels::{PanelBar, PanelSpec};

/// While the worker reads, the dashboard's panels ask again at most this often (milliseconds): six
/// panels, BubbleUp and a comparison over a million traces take the worker about half a second.
const DASHBOARD_REFRESH_MS: f64 = 3000.0;

/// What BubbleUp sets apart until the person asks about other traces.
pub const DEFAULT_BUBBLE_SELECTION: &str = "status = error";

/// Pixels per table row (rows are placed at `position × ROW_HEIGHT_PX`).
pub const ROW_HEIGHT_PX: f64 = 30.0;

/// Columns shown until the person picks others.
pub const DEFAULT_COLUMNS: [&str; 10] =
    ["name", "input", "start", "duration_ms", "status", "intent", "model", "feedback", "cost", "user"];

/// One sort key as the table holds it.
#[derive(Clone, Debug, PartialEq)]
pub struct SortColumn {
    pub field: String,
    pub descending: bool,
}

/// Writes sort keys as the element's `sort` attribute does: `duration_ms desc, name`.
pub fn sort_text(keys: &[SortColumn]) -> String {
    keys.iter()
        .map(|key| if key.descending { format!("{} desc", key.field) } else { key.field.clone() })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads the `sort` attribute's text into keys (what does not parse is left to the worker to refuse).
pub fn parse_sort_text(text: &str) -> Vec<SortColumn> {
    text.split(',')
        .filter_map(|part| {
            let mut words = part.split_whitespace();
            let field = words.next()?.to_string();
            let descending = words.next().is_some_and(|word| word.eq_ignore_ascii_case("desc"));
            Some(SortColumn { field, descending })
        })
        .collect()
}

/// The rows the worker sent last: where they start and what they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowWindow {
    pub offset: usize,
    pub rows: Vec<TableRow>,
}

#[derive(Clone, Copy)]
pub struct CorpusState {
    /// Whether a corpus is loaded (the table and "back to the traces" exist).
    pub active: RwSignal<bool>,
    /// Whether the table is on screen (else the trace opened from it).
    pub showing_table: RwSignal<bool>,
    pub filter: RwSignal<String>,
    pub sort: RwSignal<Vec<SortColumn>>,
    /// The filter's parse error: the message and the column (from 1) it points at.
    pub filter_error: RwSignal<Option<(String, usize)>>,
    /// Traces matching the filter.
    pub count: RwSignal<u64>,
    pub window: RwSignal<RowWindow>,
    pub totals: RwSignal<Option<CorpusTotals>>,
    pub facets: RwSignal<Vec<Facet>>,
    pub progress: RwSignal<Option<(CorpusProgress, bool)>>,
    pub reports: RwSignal<Vec<FileReport>>,
    /// Every column the corpus has (fixed ones, then scores and attributes).
    pub available_columns: RwSignal<Vec<String>>,
    pub columns: RwSignal<Vec<String>>,
    /// The trace opened last, marked in the table when coming back.
    pub opened: RwSignal<Option<String>>,
    /// The table's scroll position, restored when coming back from a trace.
    pub scroll_top: RwSignal<f64>,
    /// Whether a trace is being opened (its row shows it).
    pub opening: RwSignal<Option<String>>,
    /// For the trace opened last, the successful trace with the same intent closest to it (its
    /// id), found by the corpus worker: "Compare with nearest success" in its header.
    pub nearest_success: RwSignal<Option<(String, String)>>,
    /// The traces marked in the table to compare, oldest first (at most two).
    pub compare_marks: RwSignal<Vec<CompareMark>>,
    /// What the corpus shows: the traces table, the dashboard or the sessions.
    pub tab: RwSignal<CorpusTab>,
    /// The `panels` attribute's text (empty: the default panels).
    pub panels_text: RwSignal<String>,
    /// What the person grouped each panel by instead of its own field, by panel number.
    pub panel_groups: RwSignal<Vec<Option<String>>>,
    /// The definition of a failed trace (a filter; empty: the default), from `fail-definition`
    /// or typed on the dashboard.
    pub fail_definition: RwSignal<String>,
    /// Each panel's last answer, by panel number.
    pub panel_answers: RwSignal<Vec<Option<PanelAnswer>>>,
    /// What BubbleUp compares with the rest of the filter's traces (a filter).
    pub bubble_selection: RwSignal<String>,
    /// BubbleUp's last answer.
    pub bubble_answer: RwSignal<Option<BubbleAnswer>>,
    /// The duration × time heatmap of the filter asked last.
    pub heatmap: RwSignal<Option<(String, Heatmap)>>,
    /// BubbleUp's numbers for the selection asked last: the numeric columns, most different first.
    pub bubble_numbers: RwSignal<Option<(String, Vec<NumericComparison>)>>,
    /// The two groups the person compares (filters); `None`: the two most frequent variants.
    pub compare_groups: RwSignal<Option<(String, String)>>,
    /// The comparison's last answer.
    pub compare_answer: RwSignal<Option<CompareAnswer>>,
    /// The sessions list's sort (`turns desc`) and first row shown.
    pub sessions_sort: RwSignal<String>,
    pub sessions_offset: RwSignal<usize>,
    /// The sessions list's last answer.
    pub sessions_answer: RwSignal<Option<SessionsAnswer>>,
    /// The session whose conversation shows (the `selected-session` attribute, or chosen).
    pub selected_session: RwSignal<Option<String>>,
    /// The turns of the session asked last, as table rows in the order they started.
    pub session_turns: RwSignal<Option<(String, Vec<TableRow>)>>,
    /// The joined product outcomes, as the dashboard reports them (or why the last file failed).
    pub outcomes: RwSignal<Option<Result<OutcomesLine, String>>>,
    /// The merged tree asked last: for which filter, its progress, its answer.
    pub merged: RwSignal<Option<MergedState>>,
    /// Moves when the dashboard's panels should ask again (see [`CorpusState::show_overview`]).
    pub dashboard_tick: RwSignal<u64>,
    /// The filter and time (ms since 1970) the dashboard last asked for.
    dashboard_asked: StoredValue<(String, f64)>,
}

/// What the dashboard says of a joined outcomes file.
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomesLine {
    pub file_name: String,
    pub key: String,
    pub rows: u64,
    pub matched: u64,
    pub unmatched: u64,
    /// Rows left out: a repeated key or none.
    pub left_out: u64,
    pub columns: Vec<String>,
    pub numeric_columns: Vec<String>,
    pub problems: Vec<String>,
}

/// The merged tree of a filter's traces as the dashboard shows it: asked, on its way, or read.
#[derive(Clone, Debug, PartialEq)]
pub struct MergedState {
    pub filter: String,
    /// Traces merged so far and to merge.
    pub progress: (u64, u64),
    pub answer: Option<Result<MergedAnswer, String>>,
}

/// What the dashboard asks for its heatmap (`corpus:heatmap`).
#[derive(Serialize)]
pub struct HeatmapRequest {
    pub filter: String,
    pub columns: u32,
    pub rows: u32,
}

/// What the dashboard asks for the merged tree (`corpus:mergedTree`).
#[derive(Serialize)]
pub struct MergedTreeRequest {
    pub filter: String,
    pub limit: u64,
}

/// What the corpus shows below its filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CorpusTab {
    Traces,
    Dashboard,
    Sessions,
    Review,
}

/// A page of the sessions list for the filter, sort and first row it was asked for (or why not).
#[derive(Clone, Debug, PartialEq)]
pub struct SessionsAnswer {
    pub filter: String,
    pub sort: String,
    pub offset: usize,
    pub page: Result<SessionsPage, String>,
}

/// What the sessions view asks (`corpus:sessions`).
#[derive(Serialize)]
pub struct SessionsRequest {
    pub filter: String,
    pub sort: String,
    pub offset: usize,
    pub limit: usize,
}

/// The session whose turns the sessions view asks for (`corpus:session`).
#[derive(Serialize)]
pub struct SessionRequest {
    pub session: String,
}

/// The comparison of the groups `a` and `b` (filters, the current one included), or why not.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareAnswer {
    pub a: String,
    pub b: String,
    pub result: Result<Comparison, String>,
}

/// What the dashboard asks to compare (`corpus:compare`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompareRequest {
    pub a: String,
    pub b: String,
    pub fail_definition: String,
}

/// One value BubbleUp ranked: its shares (0–1) of the selection and of the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct BubbleRow {
    pub field: String,
    pub value: String,
    pub selection: f64,
    pub baseline: f64,
}

/// BubbleUp's answer for the selection and baseline it was asked (or why there is none).
#[derive(Clone, Debug, PartialEq)]
pub struct BubbleAnswer {
    pub selection: String,
    pub baseline: String,
    pub rows: Result<Vec<BubbleRow>, String>,
}

/// What the dashboard asks BubbleUp (`corpus:bubbleUp`): an empty baseline is every other trace.
#[derive(Serialize)]
pub struct BubbleUpRequest {
    pub selection: String,
    pub baseline: String,
    pub limit: u32,
}

/// What the worker answered for one panel: for which question, and the bars (or why not).
#[derive(Clone, Debug, PartialEq)]
pub struct PanelAnswer {
    pub spec: PanelSpec,
    pub filter: String,
    pub bars: Result<Vec<PanelBar>, String>,
}

/// What the dashboard asks for one panel (`corpus:aggregate`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelRequest {
    pub panel: usize,
    pub group_by: String,
    pub measure: String,
    pub filter: String,
    pub fail_definition: String,
}

/// A clicked bar (`corpus:select`): the filter it stands for, and what it was.
#[derive(Clone, Serialize)]
pub struct BarSelection {
    pub filter: String,
    pub field: String,
    pub value: Option<String>,
    pub measure: String,
}

/// A request from the table to the element.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowRequest {
    pub offset: usize,
    pub limit: usize,
}

/// A trace marked in the table to compare: its id, and its name for the bar that lists the marks.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareMark {
    pub trace_id: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct QueryRequest {
    pub filter: String,
    pub sort: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenRequest {
    pub trace_id: String,
}

impl CorpusState {
    pub fn new() -> CorpusState {
        CorpusState {
            active: RwSignal::new(false),
            showing_table: RwSignal::new(false),
            filter: RwSignal::new(String::new()),
            sort: RwSignal::new(Vec::new()),
            filter_error: RwSignal::new(None),
            count: RwSignal::new(0),
            window: RwSignal::new(RowWindow::default()),
            totals: RwSignal::new(None),
            facets: RwSignal::new(Vec::new()),
            progress: RwSignal::new(None),
            reports: RwSignal::new(Vec::new()),
            available_columns: RwSignal::new(Vec::new()),
            columns: RwSignal::new(DEFAULT_COLUMNS.iter().map(|column| column.to_string()).collect()),
            opened: RwSignal::new(None),
            scroll_top: RwSignal::new(0.0),
            opening: RwSignal::new(None),
            compare_marks: RwSignal::new(Vec::new()),
            nearest_success: RwSignal::new(None),
            tab: RwSignal::new(CorpusTab::Traces),
            panels_text: RwSignal::new(String::new()),
            panel_groups: RwSignal::new(Vec::new()),
            fail_definition: RwSignal::new(String::new()),
            panel_answers: RwSignal::new(Vec::new()),
            bubble_selection: RwSignal::new(DEFAULT_BUBBLE_SELECTION.to_string()),
            bubble_answer: RwSignal::new(None),
            bubble_numbers: RwSignal::new(None),
            heatmap: RwSignal::new(None),
            compare_groups: RwSignal::new(None),
            compare_answer: RwSignal::new(None),
            sessions_sort: RwSignal::new(DEFAULT_SESSION_SORT.to_string()),
            sessions_offset: RwSignal::new(0),
            sessions_answer: RwSignal::new(None),
            selected_session: RwSignal::new(None),
            session_turns: RwSignal::new(None),
            outcomes: RwSignal::new(None),
            merged: RwSignal::new(None),
            dashboard_tick: RwSignal::new(0),
            dashboard_asked: StoredValue::new((String::new(), 0.0)),
        }
    }

    /// A new corpus: the table shows, empty, with the given filter and sort.
    pub fn start(&self, filter: &str, sort: &str) {
        self.active.set(true);
        self.showing_table.set(true);
        self.filter.set(filter.to_string());
        self.sort.set(parse_sort_text(sort));
        self.filter_error.set(None);
        self.count.set(0);
        self.window.set(RowWindow::default());
        self.totals.set(None);
        self.facets.set(Vec::new());
        self.progress.set(None);
        self.reports.set(Vec::new());
        self.opened.set(None);
        self.opening.set(None);
        self.compare_marks.set(Vec::new());
        self.nearest_success.set(None);
        self.scroll_top.set(0.0);
        self.panel_answers.set(Vec::new());
        self.bubble_answer.set(None);
        self.bubble_numbers.set(None);
        self.heatmap.set(None);
        self.compare_answer.set(None);
        self.sessions_answer.set(None);
        self.sessions_offset.set(0);
        self.outcomes.set(None);
        self.merged.set(None);
        self.session_turns.set(None);
    }

    /// No corpus any more (another load, `clear()`).
    pub fn stop(&self) {
        self.active.set(false);
        self.showing_table.set(false);
        self.window.set(RowWindow::default());
        self.facets.set(Vec::new());
        self.reports.set(Vec::new());
    }
}

/// What the element pushes in (called from the page module's handle, which has no signals of its own).
impl CorpusState {
    pub fn show_progress(&self, progress: CorpusProgress, reading: bool) {
        self.progress.set(Some((progress, reading)));
    }

    pub fn filter_now(&self) -> String {
        self.filter.get_untracked()
    }

    pub fn sort_now(&self) -> String {
        sort_text(&self.sort.get_untracked())
    }

    /// Sets the filter and sort (from the element's attributes) without asking anything yet.
    pub fn set_query(&self, filter: &str, sort: &str) {
        self.filter.set(filter.to_string());
        self.sort.set(parse_sort_text(sort));
        self.scroll_top.set(0.0);
    }

    /// A query's count and a window of its rows.
    pub fn show_window(&self, count: u64, offset: usize, rows: Vec<TableRow>) {
        self.filter_error.set(None);
        self.count.set(count);
        self.window.set(RowWindow { offset, rows });
    }

    pub fn show_overview(&self, totals: CorpusTotals, facets: Vec<Facet>) {
        self.totals.set(Some(totals));
        self.facets.set(facets);
        // The dashboard asks again for a new filter and once reading ends at once; while the
        // worker reads, at most every few seconds (its questions take the worker from reading).
        let filter = self.filter.get_untracked();
        let reading = self.progress.with_untracked(|progress| progress.as_ref().is_some_and(|(_, reading)| *reading));
        let now = js_sys::Date::now();
        let (last_filter, last_at) = self.dashboard_asked.get_value();
        if !reading || last_filter != filter || now - last_at >= DASHBOARD_REFRESH_MS {
            self.dashboard_asked.set_value((filter, now));
            self.dashboard_tick.update(|tick| *tick += 1);
        }
    }

    pub fn show_filter_error(&self, message: &str, column: usize) {
        self.filter_error.set(Some((message.to_string(), column)));
    }

    pub fn show_details(&self, columns: Vec<String>, reports: Vec<FileReport>) {
        self.available_columns.set(columns);
        self.reports.set(reports);
    }

    /// A trace opened from the table is shown (`None`: the opening failed or was given up).
    pub fn opened(&self, trace_id: Option<String>) {
        self.opening.set(None);
        if let Some(trace_id) = trace_id {
            self.opened.set(Some(trace_id));
            self.showing_table.set(false);
        }
    }

    /// The corpus worker found the nearest success of trace `trace_id`.
    pub fn found_nearest_success(&self, trace_id: String, nearest: String) {
        self.nearest_success.set(Some((trace_id, nearest)));
    }

    /// Marks a trace to compare, or unmarks it; a third mark replaces the oldest.
    pub fn toggle_compare_mark(&self, row: &TableRow) {
        self.compare_marks.update(|marks| match marks.iter().position(|marked| marked.trace_id == row.trace_id) {
            Some(position) => {
                marks.remove(position);
            }
            None => {
                if marks.len() == 2 {
                    marks.remove(0);
                }
                marks.push(CompareMark { trace_id: row.trace_id.clone(), name: row.name.clone() });
            }
        });
    }

    /// Whether this trace is marked to compare.
    pub fn is_marked(&self, trace_id: &str) -> bool {
        self.compare_marks.with(|marks| marks.iter().any(|marked| marked.trace_id == trace_id))
    }

    pub fn show_table(&self) {
        self.showing_table.set(true);
    }

    /// The panels the dashboard shows (the `panels` attribute; the person's groupings forgotten).
    pub fn set_panels(&self, text: &str) {
        self.panels_text.set(text.to_string());
        self.panel_groups.set(Vec::new());
    }

    pub fn set_fail_definition(&self, text: &str) {
        self.fail_definition.set(text.trim().to_string());
    }

    pub fn fail_definition_now(&self) -> String {
        self.fail_definition.get_untracked()
    }

    /// A panel's answer (dropped by the dashboard if it no longer asks that question).
    pub fn show_panel(&self, panel: usize, answer: PanelAnswer) {
        self.panel_answers.update(|answers| {
            if answers.len() <= panel {
                answers.resize(panel + 1, None);
            }
            answers[panel] = Some(answer);
        });
    }

    pub fn show_comparison(&self, answer: CompareAnswer) {
        self.compare_answer.set(Some(answer));
    }

    pub fn show_heatmap(&self, filter: String, map: Heatmap) {
        self.heatmap.set(Some((filter, map)));
    }

    pub fn show_histograms(&self, selection: String, compared: Vec<NumericComparison>) {
        self.bubble_numbers.set(Some((selection, compared)));
    }

    pub fn show_bubble_up(&self, answer: BubbleAnswer) {
        self.bubble_answer.set(Some(answer));
    }

    /// The merged tree's progress (dropped if another filter was asked since).
    pub fn show_merge_progress(&self, filter: &str, merged: u64, traces: u64) {
        self.merged.update(|state| {
            if let Some(state) = state.as_mut().filter(|state| state.filter == filter && state.answer.is_none()) {
                state.progress = (merged, traces);
            }
        });
    }

    pub fn show_merged_tree(&self, filter: &str, answer: Result<MergedAnswer, String>) {
        self.merged.update(|state| {
            if let Some(state) = state.as_mut().filter(|state| state.filter == filter) {
                state.answer = Some(answer);
            }
        });
    }

    pub fn show_outcomes(&self, outcomes: Result<OutcomesLine, String>) {
        self.outcomes.set(Some(outcomes));
    }

    pub fn show_sessions(&self, answer: SessionsAnswer) {
        self.sessions_answer.set(Some(answer));
    }

    pub fn show_session_turns(&self, session: String, rows: Vec<TableRow>) {
        self.session_turns.set(Some((session, rows)));
    }

    /// How many turns the session asked last has.
    pub fn session_turn_count(&self) -> usize {
        self.session_turns.with_untracked(|turns| turns.as_ref().map_or(0, |(_, rows)| rows.len()))
    }

    /// Shows session `session`'s conversation on the sessions tab (`None`: the sessions list).
    pub fn select_session(&self, session: Option<String>) {
        if session.is_some() {
            self.tab.set(CorpusTab::Sessions);
            self.showing_table.set(self.active.get_untracked());
        }
        self.selected_session.set(session);
    }

    /// The traces table under `filter` (a bar of the dashboard was chosen).
    pub fn show_traces_of(&self, filter: &str) {
        self.tab.set(CorpusTab::Traces);
        self.filter.set(filter.to_string());
        self.scroll_top.set(0.0);
    }

    pub fn table_showing(&self) -> bool {
        self.active.get_untracked() && self.showing_table.get_untracked()
    }
}

impl Default for CorpusState {
    fn default() -> Self {
        CorpusState::new()
    }
}
