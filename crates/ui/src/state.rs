//! The viewer's state: a few signals, each commented with why it exists, plus the memos derived
//! from them. Components receive a `ViewerState` (it is `Copy`) and never own data of their own.

use std::sync::Arc;

use leptos::prelude::*;

use trace_viewer_core::analysis::{
    digest, find_loops, kept_on_critical_path, kept_with_ancestors, search_spans, service_names, visible_filtered_rows,
    visible_rows_folding_loops, CollapsedSet, CriticalPath, LoopFolds, Loops, Query, TimeWindow, TraceDigest,
};
use trace_viewer_core::contract::{CompareDetail, SpanSelectDetail, TraceCloseDetail, TraceSelectDetail};
use trace_viewer_core::model::{ImportWarning, SpanKind, Trace, TraceSet};
use trace_viewer_core::view::navigation::{next_failed, next_match};
pub use trace_viewer_core::view::screen::ViewMode;
use trace_viewer_core::view::screen::{list_after_mode_change, list_when_loaded};

use super::corpus_state::CorpusTab;

/// Loops are found before the first frame in traces up to this size, after it in larger ones.
const LOOPS_AT_ONCE_SPANS: usize = 100_000;

/// An `Arc` compared by pointer: memos holding big data must not compare it field by field.
#[derive(Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// What one loaded file holds, with each trace shareable on its own.
#[derive(Debug)]
pub struct LoadedFile {
    pub format: String,
    pub traces: Vec<Shared<Trace>>,
    pub warnings: Vec<ImportWarning>,
}

/// A file's traces are freed a slice at a time (see `release.rs`), not in one long task.
impl Drop for LoadedFile {
    fn drop(&mut self) {
        crate::release::bury(self.traces.drain(..).map(|Shared(trace)| trace));
    }
}

impl LoadedFile {
    pub fn new(set: TraceSet) -> Self {
        LoadedFile {
            format: set.format,
            traces: set.traces.into_iter().map(|trace| Shared(Arc::new(trace))).collect(),
            warnings: set.warnings,
        }
    }
}

#[derive(Clone, Copy)]
pub struct ViewerState {
    /// The `view` attribute's choice of screen.
    pub view_mode: RwSignal<ViewMode>,
    /// Whether the list is on screen now (derived from the mode, the file, and whether a trace
    /// was opened from the list).
    pub showing_list: RwSignal<bool>,
    /// The file on screen; replaced whole on every load so nothing of the last file lingers.
    pub file: RwSignal<Option<Shared<LoadedFile>>>,
    /// Which of the file's traces is shown (files may hold many).
    pub trace_index: RwSignal<usize>,
    /// The selected span, by index into the current trace's spans; drives the detail panel.
    pub selected: RwSignal<Option<usize>>,
    /// On a phone the selected span's details cover the tree as a sheet: open once a span is
    /// chosen (a click, a link) or the header's Overview is pressed (the sheet then shows the
    /// trace overview), closed by its Back button (the span stays selected) and by a new trace.
    pub detail_sheet_open: RwSignal<bool>,
    /// Which spans are folded; the row list is derived from it.
    pub collapsed: RwSignal<CollapsedSet>,
    /// Show only spans of this kind (and their ancestors); `None` shows all kinds.
    pub kind_filter: RwSignal<Option<SpanKind>>,
    /// Show only failed spans (and their ancestors).
    pub errors_only: RwSignal<bool>,
    /// Show only spans on the critical path (and their ancestors), with its breakdown.
    pub critical_only: RwSignal<bool>,
    /// The `generation` whose first frame the tree has painted: the critical path's highlight
    /// and a large trace's loops are computed after it, so they never delay that frame.
    pub first_frame_drawn_for: RwSignal<Option<u64>>,
    /// The current trace's critical path; `None` until wanted (the toggle, or the highlight
    /// after the first frame). Computed once per trace.
    pub critical_path: Memo<Option<Shared<CriticalPath>>>,
    /// How many services the current trace's resources name (rows name theirs when ≥ 2).
    pub service_count: Memo<usize>,
    /// A load failure to show instead of the trace, worded for a person.
    pub error: RwSignal<Option<String>>,
    /// Counts every change of the shown trace; rows are keyed by it so no row of an earlier trace
    /// is ever reused for a new one with the same positions.
    pub generation: RwSignal<u64>,
    /// The current trace, derived from `file` and `trace_index`.
    pub trace: Memo<Option<Shared<Trace>>>,
    /// Span indices in row order, derived from `trace`, `collapsed` and the loop folds.
    pub rows: Memo<Shared<Vec<usize>>>,
    /// Runs of a repeated block of siblings (loops), found once per trace.
    pub loops: Memo<Shared<Loops>>,
    /// Which loops are folded into one row ("fold loops", and the person's own folds).
    pub loop_folds: RwSignal<LoopFolds>,
    /// The zoomed part of the time axis; `None` shows the whole trace.
    pub zoom: RwSignal<Option<TimeWindow>>,
    /// The time window bars are drawn in: the zoom, else the whole trace.
    pub window: Memo<Option<TimeWindow>>,
    /// Per span: time spent in the span itself, outside its children, and whether it or a
    /// descendant failed. Derived once per trace, in one pass.
    pub digest: Memo<Shared<TraceDigest>>,
    /// The search box's text; matches are derived from it.
    pub query: RwSignal<String>,
    /// Spans matching `query`, in tree order (empty when there is no query).
    pub matches: Memo<Shared<Vec<usize>>>,
    /// The traces table of a corpus, when one is loaded.
    pub corpus: crate::corpus_state::CorpusState,
    /// Trace B (its position in the file) while the comparison of the shown trace (A) with it is
    /// on screen instead of the trace; Back sets it to `None`.
    pub comparing: RwSignal<Option<usize>>,
    /// The review of a corpus's traces: taxonomy, labels, the queue.
    pub review: crate::review_state::ReviewState,
    /// Whether the comparison shown was started from the traces table of a corpus (both traces
    /// read again for it): Back returns to the table instead of trace A.
    pub comparing_from_table: RwSignal<bool>,
    /// Where events go: the element's JavaScript, called as `(name, detail)`, which dispatches
    /// them itself once this call has returned (never re-entrantly); `None`: nobody listens.
    on_event: StoredValue<Option<js_sys::Function>, LocalStorage>,
}

impl ViewerState {
    pub fn new(on_event: Option<js_sys::Function>) -> Self {
        let file: RwSignal<Option<Shared<LoadedFile>>> = RwSignal::new(None);
        let trace_index = RwSignal::new(0usize);
        let collapsed = RwSignal::new(CollapsedSet::default());
        let trace = Memo::new(move |_| {
            let index = trace_index.get();
            file.with(|file| file.as_ref().and_then(|file| file.traces.get(index).cloned()))
        });
        let kind_filter = RwSignal::new(None::<SpanKind>);
        let errors_only = RwSignal::new(false);
        let critical_only = RwSignal::new(false);
        let generation = RwSignal::new(0u64);
        let first_frame_drawn_for = RwSignal::new(None::<u64>);
        let critical_path = Memo::new(move |_| {
            let wanted = critical_only.get() || first_frame_drawn_for.get() == Some(generation.get());
            wanted.then(|| {
                trace.with(|trace| {
                    trace.as_ref().map(|trace| Shared(Arc::new(trace_viewer_core::analysis::critical_path(trace))))
                })
            })?
        });
        // Loops are found at once in a trace of up to 100,000 spans (its first frame is drawn
        // folded) and, in a larger one, once its first frame is on screen: finding them is a walk
        // over every span, which must not delay a million-span trace's first rows.
        let loops = Memo::new(move |_| {
            let found = trace.with(|trace| {
                let trace = trace.as_ref()?;
                let now =
                    trace.spans.len() <= LOOPS_AT_ONCE_SPANS || first_frame_drawn_for.get() == Some(generation.get());
                now.then(|| find_loops(trace))
            });
            Shared(Arc::new(found.unwrap_or_default()))
        });
        let loop_folds = RwSignal::new(LoopFolds::default());
        let rows = Memo::new(move |_| {
            let (kind, errors, critical) = (kind_filter.get(), errors_only.get(), critical_only.get());
            let path = if critical { critical_path.get() } else { None };
            let rows = trace.with(|trace| {
                let Some(trace) = trace else { return Vec::new() };
                collapsed.with(|collapsed| {
                    if kind.is_none() && !errors && path.is_none() {
                        return loops.with(|loops| {
                            loop_folds.with(|folds| visible_rows_folding_loops(trace, collapsed, loops, folds))
                        });
                    }
                    let accepts = |span: &trace_viewer_core::model::Span| {
                        kind.is_none_or(|kind| span.kind == kind) && (!errors || span.status.is_error())
                    };
                    let kept = match &path {
                        Some(path) => kept_on_critical_path(trace, path, accepts),
                        None => kept_with_ancestors(trace, accepts),
                    };
                    visible_filtered_rows(trace, collapsed, &kept)
                })
            });
            Shared(Arc::new(rows))
        });
        let service_count =
            Memo::new(move |_| trace.with(|trace| trace.as_ref().map_or(0, |trace| service_names(trace).len())));
        let zoom = RwSignal::new(None::<TimeWindow>);
        let window = Memo::new(move |_| {
            zoom.get().or_else(|| {
                trace.with(|trace| {
                    trace.as_ref().map(|trace| TimeWindow { start_ns: trace.start_ns, duration_ns: trace.duration_ns })
                })
            })
        });
        let digest = Memo::new(move |_| {
            Shared(Arc::new(trace.with(|trace| trace.as_ref().map(|trace| digest(trace)).unwrap_or_default())))
        });
        let query = RwSignal::new(String::new());
        let matches = Memo::new(move |_| {
            let found = query.with(|text| match Query::new(text) {
                Some(query) => {
                    trace.with(|trace| trace.as_ref().map(|trace| search_spans(trace, &query)).unwrap_or_default())
                }
                None => Vec::new(),
            });
            Shared(Arc::new(found))
        });
        ViewerState {
            view_mode: RwSignal::new(ViewMode::Auto),
            showing_list: RwSignal::new(false),
            file,
            trace_index,
            selected: RwSignal::new(None),
            detail_sheet_open: RwSignal::new(false),
            collapsed,
            kind_filter,
            errors_only,
            critical_only,
            first_frame_drawn_for,
            critical_path,
            service_count,
            error: RwSignal::new(None),
            generation,
            trace,
            rows,
            loops,
            loop_folds,
            zoom,
            window,
            digest,
            query,
            matches,
            corpus: crate::corpus_state::CorpusState::new(),
            comparing: RwSignal::new(None),
            comparing_from_table: RwSignal::new(false),
            review: crate::review_state::ReviewState::new(),
            on_event: StoredValue::new_local(on_event),
        }
    }

    /// Shows a freshly imported file, starting at its first trace with nothing selected.
    pub fn show_file(&self, file: LoadedFile) {
        self.error.set(None);
        self.comparing.set(None);
        self.query.set(String::new());
        self.kind_filter.set(None);
        self.errors_only.set(false);
        self.critical_only.set(false);
        self.zoom.set(None);
        self.selected.set(None);
        self.detail_sheet_open.set(false);
        self.trace_index.set(0);
        self.collapsed.set(CollapsedSet::new(file.traces.first().map(|trace| trace.spans.len()).unwrap_or(0)));
        self.loop_folds.update(LoopFolds::forget_choices);
        self.generation.update(|generation| *generation += 1);
        let trace_count = file.traces.len();
        self.file.set(Some(Shared(Arc::new(file))));
        self.showing_list.set(list_when_loaded(self.view_mode.get_untracked(), trace_count));
    }

    /// Sets the `view` attribute's mode and shows the screen it asks for.
    pub fn set_view_mode(&self, mode: ViewMode) {
        self.view_mode.set(mode);
        match mode {
            ViewMode::Dashboard => self.corpus.tab.set(CorpusTab::Dashboard),
            ViewMode::Sessions => self.corpus.tab.set(CorpusTab::Sessions),
            ViewMode::Table => self.corpus.tab.set(CorpusTab::Traces),
            ViewMode::Review => self.corpus.tab.set(CorpusTab::Review),
            _ => {}
        }
        let trace_count = self.file.with_untracked(|file| file.as_ref().map_or(0, |file| file.traces.len()));
        self.showing_list.set(list_after_mode_change(mode, trace_count, self.showing_list.get_untracked()));
    }

    /// Opens a trace from the list.
    pub fn open_trace(&self, index: usize) {
        self.showing_list.set(false);
        if index != self.trace_index.get_untracked() {
            self.show_trace(index);
        }
    }

    /// The position of the trace with this trace id, or at this 0-based position.
    pub fn trace_position(&self, index_or_id: &str) -> Option<usize> {
        self.file.with_untracked(|file| {
            let file = file.as_ref()?;
            file.traces
                .iter()
                .position(|trace| trace.trace_id == index_or_id)
                .or_else(|| index_or_id.parse::<usize>().ok().filter(|index| *index < file.traces.len()))
        })
    }

    /// Shows the trace with this trace id, or at this 0-based position; false when there is none.
    pub fn select_trace(&self, index_or_id: &str) -> bool {
        let found = self.trace_position(index_or_id);
        match found {
            Some(index) if index != self.trace_index.get_untracked() => {
                self.show_trace(index);
                true
            }
            Some(_) => true,
            None => false,
        }
    }

    /// The trace ids of traces `a` and `b` (positions in the file).
    fn trace_ids(&self, a: usize, b: usize) -> Option<CompareDetail> {
        let file = self.loaded_file()?;
        let id = |index: usize| file.traces.get(index).map(|trace| trace.trace_id.clone());
        Some(CompareDetail { trace_id_a: id(a)?, trace_id_b: id(b)? })
    }

    /// Shows the comparison of traces `a` and `b` (positions in the file) instead of the trace,
    /// with trace A shown behind it; `compare-open` tells the host.
    pub fn open_comparison(&self, a: usize, b: usize) {
        let Some(detail) = self.trace_ids(a, b) else { return };
        if a != self.trace_index.get_untracked() {
            self.show_trace(a);
        }
        self.showing_list.set(false);
        self.comparing_from_table.set(false);
        self.comparing.set(Some(b));
        self.emit("compare-open", &detail);
    }

    /// Shows the comparison of the two traces a corpus read again for it (the loaded file holds
    /// them); Back returns to the traces table. False when either id is not in the file.
    pub fn open_comparison_from_table(&self, trace_id_a: &str, trace_id_b: &str) -> bool {
        let position = |trace_id: &str| {
            self.file.with_untracked(|file| file.as_ref()?.traces.iter().position(|trace| trace.trace_id == trace_id))
        };
        let (Some(a), Some(b)) = (position(trace_id_a), position(trace_id_b)) else { return false };
        self.open_comparison(a, b);
        self.comparing_from_table.set(true);
        self.corpus.compare_marks.set(Vec::new());
        true
    }

    /// Back from the comparison to trace A, or to the traces table when it was started there;
    /// `compare-close` tells the host.
    pub fn close_comparison(&self) {
        let Some(b) = self.comparing.get_untracked() else { return };
        self.comparing.set(None);
        if self.comparing_from_table.get_untracked() {
            self.corpus.show_table();
        }
        if let Some(detail) = self.trace_ids(self.trace_index.get_untracked(), b) {
            self.emit("compare-close", &detail);
        }
    }

    /// Shows nothing: forgets the file, the selection and any error.
    pub fn clear(&self) {
        self.comparing.set(None);
        self.selected.set(None);
        self.detail_sheet_open.set(false);
        self.error.set(None);
        self.query.set(String::new());
        self.file.set(None);
    }

    /// The loaded file, if any (not tracked: for callers outside the reactive views).
    pub fn loaded_file(&self) -> Option<Shared<LoadedFile>> {
        self.file.get_untracked()
    }

    /// The selected span's id.
    pub fn selected_span_id(&self) -> Option<String> {
        let index = self.selected.get_untracked()?;
        self.trace.with_untracked(|trace| trace.as_ref()?.spans.get(index).map(|span| span.span_id.clone()))
    }

    /// Switches to another trace of the loaded file.
    pub fn show_trace(&self, index: usize) {
        let span_count = self.file.with_untracked(|file| {
            file.as_ref().and_then(|file| file.traces.get(index)).map(|trace| trace.spans.len())
        });
        if let Some(span_count) = span_count {
            self.selected.set(None);
            self.detail_sheet_open.set(false);
            self.collapsed.set(CollapsedSet::new(span_count));
            self.loop_folds.update(LoopFolds::forget_choices);
            self.zoom.set(None);
            self.generation.update(|generation| *generation += 1);
            self.trace_index.set(index);
            self.emit("trace-select", &TraceSelectDetail { trace_index: index });
        }
    }

    /// Shows a load error above what was shown before, which stays until dismissed or replaced.
    pub fn show_error(&self, message: String) {
        self.error.set(Some(message));
    }

    /// Selects a span because the person did: updates the panel and tells the host page.
    pub fn select_by_user(&self, index: usize) {
        self.selected.set(Some(index));
        self.detail_sheet_open.set(true);
        let detail = self.trace.with_untracked(|trace| {
            trace.as_ref().and_then(|trace| {
                trace.spans.get(index).map(|span| SpanSelectDetail {
                    trace_id: trace.trace_id.clone(),
                    span_id: span.span_id.clone(),
                    name: span.name.clone(),
                })
            })
        });
        if let Some(detail) = detail {
            self.emit("span-select", &detail);
        }
    }

    /// Reveals and selects the span with this id in the current trace; false when there is none.
    pub fn select_span_id(&self, span_id: &str) -> bool {
        let found = self.trace.with_untracked(|trace| trace.as_ref().and_then(|trace| trace.find_span(span_id)));
        let Some(index) = found else { return false };
        self.reveal(index);
        self.selected.set(Some(index));
        self.detail_sheet_open.set(true);
        true
    }

    /// Unfolds the ancestors of a span, and the loops hiding it, so its row is visible.
    pub fn reveal(&self, index: usize) {
        self.trace.with_untracked(|trace| {
            if let Some(trace) = trace {
                self.collapsed.update(|collapsed| collapsed.reveal(trace, index));
            }
        });
        let loops = self.loops.get_untracked();
        if self.loop_folds.with_untracked(|folds| folds.hides(&loops, index)) {
            self.loop_folds.update(|folds| folds.reveal(&loops, index));
        }
    }

    /// Folds or unfolds one loop (by its run number); folding moves a selection hidden in it
    /// to the loop's row.
    pub fn set_loop_folded(&self, run: usize, folded: bool) {
        let loops = self.loops.get_untracked();
        let Some(first) = loops.runs.get(run).map(|run| run.first) else { return };
        self.loop_folds.update(|folds| folds.set(&loops, run, folded));
        if folded
            && self
                .selected
                .get_untracked()
                .is_some_and(|selected| self.loop_folds.with_untracked(|folds| folds.hides(&loops, selected)))
        {
            self.selected.set(Some(first));
        }
    }

    /// Turns "fold loops" on or off (long loops folded; folds made by hand are forgotten).
    pub fn set_fold_loops(&self, fold: bool) {
        self.loop_folds.update(|folds| folds.set_fold_by_default(fold));
        let loops = self.loops.get_untracked();
        if let Some(selected) = self.selected.get_untracked() {
            if let Some(outer) =
                loops.hiding(selected).find(|&run| self.loop_folds.with_untracked(|folds| folds.is_folded(&loops, run)))
            {
                self.selected.set(Some(loops.runs[outer].first));
            }
        }
    }

    /// The folded loop drawn on this span's row, if any (tracked: the row changes with folds).
    pub fn folded_loop_at(&self, index: usize) -> Option<usize> {
        self.loops.with(|loops| self.loop_folds.with(|folds| folds.folded_run_at(loops, index)))
    }

    /// Folds the tree to `depth` levels (`None` unfolds everything).
    pub fn fold_to_depth(&self, depth: Option<u32>) {
        self.trace.with_untracked(|trace| {
            let Some(trace) = trace else { return };
            self.collapsed.update(|collapsed| match depth {
                Some(depth) => collapsed.collapse_to_depth(trace, depth),
                None => collapsed.expand_all(),
            });
        });
    }

    /// Zooms the waterfall to a span (with a little room on each side); the root shows it whole.
    pub fn zoom_to_span(&self, index: usize) {
        let window = self.trace.with_untracked(|trace| {
            let trace = trace.as_ref()?;
            let span = trace.spans.get(index)?;
            let whole = TimeWindow { start_ns: trace.start_ns, duration_ns: trace.duration_ns };
            Some(TimeWindow::around(whole, span.start_ns, span.end_ns()))
        });
        if let Some(window) = window {
            self.zoom.set(window);
        }
    }

    /// Moves the selection to the next (or previous) search match, wrapping around.
    pub fn step_match(&self, forward: bool) {
        let matches = self.matches.get_untracked();
        let Some(next) = next_match(&matches, self.selected.get_untracked(), forward) else { return };
        self.reveal(next);
        self.select_by_user(next);
    }

    /// Moves the selection to the next (or previous) failed span, wrapping around, and shows it.
    pub fn step_error(&self, forward: bool) {
        let next = self.trace.with_untracked(|trace| {
            trace.as_ref().and_then(|trace| next_failed(trace, self.selected.get_untracked(), forward))
        });
        let Some(next) = next else { return };
        // A kind filter that hides the failed span gives way, so the step always lands on a row.
        let kind = self.trace.with_untracked(|trace| trace.as_ref().map(|trace| trace.spans[next].kind));
        if self.kind_filter.get_untracked().is_some_and(|filter| Some(filter) != kind) {
            self.kind_filter.set(None);
        }
        self.reveal(next);
        self.select_by_user(next);
    }

    /// Hands an event and its typed detail (see `trace_viewer_core::contract`) to the element's
    /// JavaScript, which dispatches it after this call returns.
    /// Adds file-level warnings to the shown file (the corpus's problems with the file a single
    /// trace came from, which its own re-read lines do not repeat).
    pub fn add_file_warnings(&self, messages: Vec<String>) {
        let Some(file) = self.file.get_untracked() else { return };
        let mut warnings: Vec<ImportWarning> = messages.into_iter().map(ImportWarning::general).collect();
        warnings.extend(file.warnings.iter().cloned());
        let traces = file.traces.clone();
        self.file.set(Some(Shared(Arc::new(LoadedFile { format: file.format.clone(), traces, warnings }))));
    }

    /// Forgets a shown error (a new corpus begins).
    pub fn show_error_cleared(&self) {
        self.error.set(None);
    }

    /// Back from a trace opened from the corpus to the tab it was opened from (`trace-close`).
    pub fn close_opened_trace(&self) {
        self.corpus.showing_table.set(true);
        if let Some(trace_id) = self.corpus.opened.get_untracked() {
            self.emit("trace-close", &TraceCloseDetail { trace_id });
        }
    }

    /// Asks the element for something that carries a browser object (`corpus:outcomes` and the
    /// File chosen), which serde cannot write: the detail is `{ <key>: value }`.
    pub fn request_with(&self, name: &str, key: &str, value: &wasm_bindgen::JsValue) {
        self.on_event.with_value(|on_event| {
            let Some(on_event) = on_event else { return };
            let detail = js_sys::Object::new();
            if js_sys::Reflect::set(&detail, &key.into(), value).is_ok() {
                let _ = on_event.call2(&wasm_bindgen::JsValue::NULL, &name.into(), &detail);
            }
        });
    }

    /// Asks the element for something (`corpus:query`, `corpus:window`, `corpus:open`): these go
    /// the way events do, and the element answers them instead of dispatching them.
    pub fn request(&self, name: &str, detail: &impl serde::Serialize) {
        self.emit(name, detail);
    }

    fn emit(&self, name: &str, detail: &impl serde::Serialize) {
        self.on_event.with_value(|on_event| {
            let Some(on_event) = on_event else { return };
            let serializer = serde_wasm_bindgen::Serializer::json_compatible();
            if let Ok(detail) = detail.serialize(&serializer) {
                let _ = on_event.call2(&wasm_bindgen::JsValue::NULL, &name.into(), &detail);
            }
        });
    }
}
