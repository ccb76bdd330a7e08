//! Review of a corpus's traces: the taxonomy, the labels (core's `LabelStore`, kept in the page so
//! the keyboard's edits and undo are immediate and `labels` reads them at once), and the review
//! queue being worked through. Every change raises `label-change`, which the element saves in
//! IndexedDB and passes to the corpus worker (labels are a column of the table).

use leptos::prelude::*;
use serde::Serialize;

use trace_viewer_core::contract::LabelChangeDetail;
use trace_viewer_core::corpus::patterns::Pattern;
use trace_viewer_core::review::{CategoryAgreement, Label, LabelStore, MergeReport, Taxonomy};

/// Which text of a label is being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewField {
    Note,
    CorrectedOutput,
}

/// How the review queue is ordered (core's `QueueOrder`, as the person picks it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueOrderChoice {
    WorstFirst,
    Random,
    Stratified,
}

/// `corpus:reviewQueue`: the traces to review, picked by the corpus worker.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReviewQueueRequest {
    pub filter: String,
    /// `worst`, `random` or `stratified`.
    pub order: &'static str,
    pub seed: u64,
    /// The column stratified by (`intent`, `model`…), for `stratified`.
    pub stratify_by: String,
    pub limit: usize,
}

#[derive(Clone, Copy)]
pub struct ReviewState {
    pub taxonomy: RwSignal<Taxonomy>,
    labels: StoredValue<LabelStore>,
    /// Bumped on every change of the labels (views read labels through it).
    pub revision: RwSignal<u64>,
    /// The traces of the review queue, in order, and where the person is in it.
    pub queue: RwSignal<Vec<String>>,
    pub position: RwSignal<usize>,
    /// Whether the review bar shows over the trace (a queue is being worked through).
    pub active: RwSignal<bool>,
    /// Whether the corpus worker is picking the queue.
    pub picking: RwSignal<bool>,
    pub labeller: RwSignal<String>,
    /// The text field the keyboard put the person in (`n`, `c`).
    pub editing: RwSignal<Option<ReviewField>>,
    /// The queue's order, seed, stratifying column and size as last chosen.
    pub order: RwSignal<QueueOrderChoice>,
    pub seed: RwSignal<u64>,
    pub stratify_by: RwSignal<String>,
    pub size: RwSignal<usize>,
    /// What the last import of labels found (added, unchanged, conflicts).
    pub import_report: RwSignal<Option<MergeReport>>,
    /// The patterns found last, and what they group by.
    pub patterns: RwSignal<Option<(String, Vec<Pattern>)>>,
    /// The agreement with another labeller's file, per category.
    pub agreement: RwSignal<Option<Vec<CategoryAgreement>>>,
}

impl Default for ReviewState {
    fn default() -> Self {
        Self::new()
    }
}

impl ReviewState {
    pub fn new() -> ReviewState {
        ReviewState {
            taxonomy: RwSignal::new(Taxonomy::starter()),
            labels: StoredValue::new(LabelStore::new()),
            revision: RwSignal::new(0),
            queue: RwSignal::new(Vec::new()),
            position: RwSignal::new(0),
            active: RwSignal::new(false),
            picking: RwSignal::new(false),
            labeller: RwSignal::new(String::new()),
            editing: RwSignal::new(None),
            order: RwSignal::new(QueueOrderChoice::WorstFirst),
            seed: RwSignal::new(1),
            stratify_by: RwSignal::new("intent".to_string()),
            size: RwSignal::new(100),
            import_report: RwSignal::new(None),
            patterns: RwSignal::new(None),
            agreement: RwSignal::new(None),
        }
    }

    /// A new corpus: no labels, no queue (the element then brings back the saved ones).
    pub fn reset(&self) {
        self.labels.set_value(LabelStore::new());
        self.taxonomy.set(Taxonomy::starter());
        self.queue.set(Vec::new());
        self.position.set(0);
        self.active.set(false);
        self.editing.set(None);
        self.import_report.set(None);
        self.patterns.set(None);
        self.agreement.set(None);
        self.revision.update(|revision| *revision += 1);
    }

    /// Trace `trace_id`'s label (tracked: redrawn when labels change).
    pub fn label(&self, trace_id: &str) -> Option<Label> {
        self.revision.track();
        self.labels.with_value(|labels| labels.get(trace_id).cloned())
    }

    /// Every label, by trace id (tracked).
    pub fn all(&self) -> Vec<Label> {
        self.revision.track();
        self.labels.with_value(|labels| labels.labels().cloned().collect())
    }

    /// How many labels there are (tracked).
    pub fn count(&self) -> usize {
        self.revision.track();
        self.labels.with_value(LabelStore::len)
    }

    /// Whether the trace on screen is the queue's current one, or is being opened as it (the
    /// review bar shows and the review's keys work only then, not over a trace opened otherwise).
    pub fn on_queue(&self, state: &crate::ViewerState) -> bool {
        let Some(current) = self.current() else { return false };
        state.trace.with(|trace| trace.as_ref().is_some_and(|trace| trace.trace_id == current))
            || state.corpus.opening.with(|opening| opening.as_deref() == Some(current.as_str()))
    }

    /// The trace at the queue's position (not tracked).
    pub fn current_untracked(&self) -> Option<String> {
        let position = self.position.get_untracked();
        self.queue.with_untracked(|queue| queue.get(position).cloned())
    }

    /// The trace at the queue's position.
    pub fn current(&self) -> Option<String> {
        let position = self.position.get();
        self.queue.with(|queue| queue.get(position).cloned())
    }

    /// Runs a change on the labels, stamped with the labeller and the time now.
    fn change(&self, apply: impl FnOnce(&mut LabelStore, &Taxonomy, &str, &str)) {
        let labeller = self.labeller.get_untracked();
        let time = String::from(js_sys::Date::new_0().to_iso_string());
        self.taxonomy.with_untracked(|taxonomy| {
            self.labels.update_value(|labels| apply(labels, taxonomy, &labeller, &time));
        });
        self.revision.update(|revision| *revision += 1);
    }

    /// Raises `label-change` for a trace with its label now.
    fn announce(&self, state: &crate::ViewerState, trace_id: &str) {
        self.labels.with_value(|labels| {
            state.request("label-change", &LabelChangeDetail { trace_id, label: labels.get(trace_id) });
        });
    }

    /// Toggles a category on a trace.
    pub fn toggle_category(&self, state: &crate::ViewerState, trace_id: &str, category: &str) {
        self.change(|labels, taxonomy, labeller, time| {
            labels.toggle_category(taxonomy, trace_id, category, labeller, time);
        });
        self.announce(state, trace_id);
    }

    /// Gives a trace a category unless it has it ("label all in this pattern", axial coding);
    /// whether it changed.
    pub fn add_category(&self, state: &crate::ViewerState, trace_id: &str, category: &str) -> bool {
        let has = self.labels.with_value(|labels| {
            labels.get(trace_id).is_some_and(|label| label.categories.iter().any(|known| known == category))
        });
        if !has {
            self.toggle_category(state, trace_id, category);
        }
        !has
    }

    /// Gives every one of these traces the category, as one undo step; `label-change` for each
    /// trace that changed. Returns how many did.
    pub fn add_category_to_all(&self, state: &crate::ViewerState, trace_ids: &[String], category: &str) -> usize {
        let lacking: Vec<&str> = self.labels.with_value(|labels| {
            trace_ids
                .iter()
                .map(String::as_str)
                .filter(|trace_id| {
                    !labels.get(trace_id).is_some_and(|label| label.categories.iter().any(|known| known == category))
                })
                .collect()
        });
        self.change(|labels, taxonomy, labeller, time| {
            labels.add_category_to_all(taxonomy, &lacking, category, labeller, time);
        });
        for trace_id in &lacking {
            self.announce(state, trace_id);
        }
        lacking.len()
    }

    /// Every label, by trace id (not tracked).
    pub fn labels_untracked(&self) -> Vec<Label> {
        self.labels.with_value(|labels| labels.labels().cloned().collect())
    }

    pub fn set_note(&self, state: &crate::ViewerState, trace_id: &str, note: &str) {
        let unchanged =
            self.labels.with_value(|labels| labels.get(trace_id).map_or("", |label| label.note.as_str()) == note);
        if unchanged {
            return;
        }
        self.change(|labels, _, labeller, time| {
            labels.set_note(trace_id, note, labeller, time);
        });
        self.announce(state, trace_id);
    }

    pub fn set_corrected_output(&self, state: &crate::ViewerState, trace_id: &str, output: &str) {
        let output = (!output.trim().is_empty()).then(|| output.to_string());
        let unchanged = self
            .labels
            .with_value(|labels| labels.get(trace_id).and_then(|label| label.corrected_output.clone()) == output);
        if unchanged {
            return;
        }
        self.change(|labels, _, labeller, time| {
            labels.set_corrected_output(trace_id, output, labeller, time);
        });
        self.announce(state, trace_id);
    }

    pub fn set_severity(&self, state: &crate::ViewerState, trace_id: &str, severity: Option<String>) {
        self.change(|labels, _, labeller, time| {
            labels.set_severity(trace_id, severity, labeller, time);
        });
        self.announce(state, trace_id);
    }

    /// Undoes the last change; its trace is announced.
    pub fn undo(&self, state: &crate::ViewerState) {
        let mut touched = None;
        self.labels.update_value(|labels| touched = labels.undo());
        self.revision.update(|revision| *revision += 1);
        if let Some(trace_id) = touched {
            self.announce(state, &trace_id);
        }
    }

    /// Brings labels in (saved ones, or an imported file): merged, conflicts kept as ours and
    /// reported. Nothing is announced: the caller saves and syncs what it brought.
    pub fn merge(&self, incoming: Vec<Label>) -> MergeReport {
        let mut report = None;
        self.labels.update_value(|labels| report = Some(labels.merge(incoming)));
        self.revision.update(|revision| *revision += 1);
        report.unwrap_or(MergeReport { added: 0, unchanged: 0, conflicts: Vec::new() })
    }

    /// The corpus worker could not pick a queue.
    pub fn picking_failed(&self) {
        self.picking.set(false);
    }

    /// Saved labels and taxonomy brought back: merged into what the review holds (labels given
    /// while the corpus was still being read win over saved ones).
    pub fn restore(&self, labels: Vec<Label>, taxonomy: Option<Taxonomy>) {
        if let Some(taxonomy) = taxonomy {
            self.taxonomy.set(taxonomy);
        }
        self.merge(labels);
    }

    /// Labels imported from a file: merged, and the report kept for the Review tab.
    pub fn import(&self, labels: Vec<Label>) -> MergeReport {
        let report = self.merge(labels);
        self.import_report.set(Some(report.clone()));
        report
    }

    /// The agreement of these labels with another labeller's, per category.
    pub fn show_agreement(&self, rows: Vec<CategoryAgreement>) {
        self.agreement.set(Some(rows));
    }

    pub fn taxonomy_json(&self) -> String {
        self.taxonomy.with_untracked(Taxonomy::to_json)
    }

    pub fn set_taxonomy(&self, taxonomy: Taxonomy) {
        self.taxonomy.set(taxonomy);
    }

    pub fn show_patterns(&self, by: String, patterns: Vec<Pattern>) {
        self.patterns.set(Some((by, patterns)));
    }

    /// Adds a category to the taxonomy; returns its id.
    pub fn add_taxonomy_category(&self, name: &str) -> String {
        let mut id = String::new();
        self.taxonomy.update(|taxonomy| id = taxonomy.add_category(name));
        id
    }
}

/// The queue the corpus worker picked: the review starts at its first trace.
pub fn queue_picked(state: &crate::ViewerState, trace_ids: Vec<String>) {
    let review = state.review;
    review.picking.set(false);
    let first = trace_ids.first().cloned();
    review.queue.set(trace_ids);
    review.position.set(0);
    if let Some(first) = first {
        review.active.set(true);
        crate::traces_table::open_row(*state, first);
    }
}
