//! The labels a reviewer gives traces (categories, severity, note, corrected output), kept by
//! trace id in id order, with an undo history: every change (a toggle, a note, a group of traces
//! labelled at once, an import) is one step that `undo` takes back. A label left with nothing in
//! it is removed. Merging an imported file keeps ours where the two disagree and lists the
//! conflicts.

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::taxonomy::Taxonomy;

/// One trace's label.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub trace_id: String,
    /// Category ids, in taxonomy order.
    pub categories: Vec<String>,
    pub severity: Option<String>,
    pub note: String,
    pub corrected_output: Option<String>,
    pub labeller: String,
    /// RFC 3339, as the caller gave it.
    pub time: String,
}

impl Label {
    /// Nothing in it: no category, severity, note or corrected output.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.severity.is_none() && self.note.is_empty() && self.corrected_output.is_none()
    }

    /// The same categories (in any order), severity, note and corrected output; who and when aside.
    pub fn same_content(&self, other: &Label) -> bool {
        fn sorted(label: &Label) -> Vec<&str> {
            let mut categories: Vec<&str> = label.categories.iter().map(String::as_str).collect();
            categories.sort_unstable();
            categories.dedup();
            categories
        }
        self.trace_id == other.trace_id
            && self.severity == other.severity
            && self.note == other.note
            && self.corrected_output == other.corrected_output
            && sorted(self) == sorted(other)
    }
}

/// What merging an imported file did.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MergeReport {
    pub added: usize,
    pub unchanged: usize,
    pub conflicts: Vec<LabelConflict>,
}

/// A trace labelled differently here (kept) and in the imported file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelConflict {
    pub trace_id: String,
    pub ours: Label,
    pub theirs: Label,
}

/// How many steps `undo` can take back; older ones are forgotten.
pub const UNDO_DEPTH: usize = 10_000;

/// One undoable step: each touched trace's label before it (`None`: it had none).
type Step = Vec<(String, Option<Label>)>;

/// Labels by trace id, with an undo history.
#[derive(Clone, Debug, Default)]
pub struct LabelStore {
    labels: BTreeMap<String, Label>,
    history: VecDeque<Step>,
}

impl LabelStore {
    pub fn new() -> LabelStore {
        LabelStore::default()
    }

    /// A store holding `labels` (as saved), with no history; empty labels are left out and a
    /// later label of the same trace replaces an earlier one.
    pub fn from_labels(labels: Vec<Label>) -> LabelStore {
        let labels =
            labels.into_iter().filter(|label| !label.is_empty()).map(|label| (label.trace_id.clone(), label)).collect();
        LabelStore { labels, history: VecDeque::new() }
    }

    pub fn get(&self, trace_id: &str) -> Option<&Label> {
        self.labels.get(trace_id)
    }

    /// Every label, by trace id.
    pub fn labels(&self) -> impl Iterator<Item = &Label> {
        self.labels.values()
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.history.is_empty()
    }

    /// Gives the trace the category, or takes it away if it has it. With a single-category
    /// taxonomy a new category replaces the other. A category the taxonomy lacks changes nothing
    /// (returns `false`).
    pub fn toggle_category(
        &mut self,
        taxonomy: &Taxonomy,
        trace_id: &str,
        category_id: &str,
        labeller: &str,
        time: &str,
    ) -> bool {
        if taxonomy.category(category_id).is_none() {
            return false;
        }
        self.change(trace_id, labeller, time, |label| {
            if let Some(index) = label.categories.iter().position(|id| id == category_id) {
                label.categories.remove(index);
            } else {
                if !taxonomy.multiple {
                    label.categories.clear();
                }
                label.categories.push(category_id.to_string());
                label.categories.sort_by_key(|id| (taxonomy.position(id), id.clone()));
            }
        })
    }

    /// Gives every trace of `trace_ids` the category (those that have it keep it), as one step
    /// ("label all in this pattern"). Returns how many traces changed.
    pub fn add_category_to_all(
        &mut self,
        taxonomy: &Taxonomy,
        trace_ids: &[&str],
        category_id: &str,
        labeller: &str,
        time: &str,
    ) -> usize {
        if taxonomy.category(category_id).is_none() {
            return 0;
        }
        let mut step = Step::new();
        // A trace listed twice changes once (a set, not a scan of the step: a pattern may hold
        // hundreds of thousands of traces).
        let mut seen = std::collections::HashSet::with_capacity(trace_ids.len());
        for trace_id in trace_ids {
            let before = self.labels.get(*trace_id).cloned();
            if before.as_ref().is_some_and(|label| label.categories.iter().any(|id| id == category_id))
                || !seen.insert(*trace_id)
            {
                continue;
            }
            let label = self.labels.entry(trace_id.to_string()).or_insert_with(|| Label::empty(trace_id));
            if !taxonomy.multiple {
                label.categories.clear();
            }
            label.categories.push(category_id.to_string());
            label.categories.sort_by_key(|id| (taxonomy.position(id), id.clone()));
            label.labeller = labeller.into();
            label.time = time.into();
            step.push((trace_id.to_string(), before));
        }
        let changed = step.len();
        self.remember(step);
        changed
    }

    pub fn set_note(&mut self, trace_id: &str, note: &str, labeller: &str, time: &str) -> bool {
        self.change(trace_id, labeller, time, |label| label.note = note.to_string())
    }

    /// Sets the corrected output; an empty text is none.
    pub fn set_corrected_output(
        &mut self,
        trace_id: &str,
        corrected_output: Option<String>,
        labeller: &str,
        time: &str,
    ) -> bool {
        let corrected_output = corrected_output.filter(|text| !text.is_empty());
        self.change(trace_id, labeller, time, |label| label.corrected_output = corrected_output)
    }

    /// Sets the severity; an empty text is none.
    pub fn set_severity(&mut self, trace_id: &str, severity: Option<String>, labeller: &str, time: &str) -> bool {
        let severity = severity.filter(|text| !text.is_empty());
        self.change(trace_id, labeller, time, |label| label.severity = severity)
    }

    /// Takes back the last step; returns the (first) trace id it touched.
    pub fn undo(&mut self) -> Option<String> {
        let step = self.history.pop_back()?;
        let first = step.first().map(|(trace_id, _)| trace_id.clone());
        for (trace_id, before) in step.into_iter().rev() {
            match before {
                Some(label) => self.labels.insert(trace_id, label),
                None => self.labels.remove(&trace_id),
            };
        }
        first
    }

    /// Merges labels read from a file: a trace we have not labelled takes theirs; the same
    /// content (who and when aside) is unchanged; otherwise ours stays and the pair is a
    /// conflict. The labels added are one undo step.
    pub fn merge(&mut self, incoming: Vec<Label>) -> MergeReport {
        let mut report = MergeReport::default();
        let mut step = Step::new();
        for theirs in incoming {
            match self.labels.get(&theirs.trace_id) {
                None if theirs.is_empty() => report.unchanged += 1,
                None => {
                    step.push((theirs.trace_id.clone(), None));
                    self.labels.insert(theirs.trace_id.clone(), theirs);
                    report.added += 1;
                }
                Some(ours) if ours.same_content(&theirs) => report.unchanged += 1,
                Some(ours) => report.conflicts.push(LabelConflict {
                    trace_id: theirs.trace_id.clone(),
                    ours: ours.clone(),
                    theirs,
                }),
            }
        }
        self.remember(step);
        report
    }

    /// Applies `edit` to the trace's label (made if missing), stamps who and when, removes it if
    /// left empty, and records the step; no step when nothing changed.
    fn change(&mut self, trace_id: &str, labeller: &str, time: &str, edit: impl FnOnce(&mut Label)) -> bool {
        let before = self.labels.get(trace_id).cloned();
        let mut label = before.clone().unwrap_or_else(|| Label::empty(trace_id));
        edit(&mut label);
        let unchanged = match &before {
            Some(before) => before.same_content(&label) && before.categories == label.categories,
            None => label.is_empty(),
        };
        if unchanged {
            return false;
        }
        if label.is_empty() {
            self.labels.remove(trace_id);
        } else {
            label.labeller = labeller.into();
            label.time = time.into();
            self.labels.insert(trace_id.to_string(), label);
        }
        self.remember(vec![(trace_id.to_string(), before)]);
        true
    }

    fn remember(&mut self, step: Step) {
        if step.is_empty() {
            return;
        }
        if self.history.len() == UNDO_DEPTH {
            self.history.pop_front();
        }
        self.history.push_back(step);
    }
}

impl Label {
    fn empty(trace_id: &str) -> Label {
        Label { trace_id: trace_id.to_string(), ..Label::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHO: &str = "ana";
    const WHEN: &str = "2026-12-07T10:00:00Z";

    #[test]
    fn toggling_keeps_taxonomy_order_and_an_emptied_label_goes() {
        let taxonomy = Taxonomy::starter();
        let mut store = LabelStore::new();
        assert!(store.toggle_category(&taxonomy, "t1", "loop", WHO, WHEN));
        assert!(store.toggle_category(&taxonomy, "t1", "hallucination", WHO, "2026-12-07T10:00:01Z"));
        let label = store.get("t1").unwrap();
        assert_eq!(label.categories, ["hallucination", "loop"]);
        assert_eq!(label.time, "2026-12-07T10:00:01Z");
        assert!(!store.toggle_category(&taxonomy, "t1", "no_such_category", WHO, WHEN));
        store.toggle_category(&taxonomy, "t1", "loop", WHO, WHEN);
        store.toggle_category(&taxonomy, "t1", "hallucination", WHO, WHEN);
        assert!(store.get("t1").is_none());
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn a_single_category_taxonomy_replaces_the_category() {
        let taxonomy = Taxonomy { multiple: false, ..Taxonomy::starter() };
        let mut store = LabelStore::new();
        store.toggle_category(&taxonomy, "t1", "loop", WHO, WHEN);
        store.toggle_category(&taxonomy, "t1", "refused", WHO, WHEN);
        assert_eq!(store.get("t1").unwrap().categories, ["refused"]);
    }

    #[test]
    fn undo_takes_back_each_change_in_turn() {
        let taxonomy = Taxonomy::starter();
        let mut store = LabelStore::new();
        store.toggle_category(&taxonomy, "b", "loop", WHO, WHEN);
        store.set_note("a", "asked twice", WHO, WHEN);
        store.set_severity("a", Some("high".into()), WHO, WHEN);
        store.set_corrected_output("b", Some("42".into()), WHO, WHEN);
        assert!(!store.set_note("a", "asked twice", WHO, WHEN), "no change, no step");
        assert_eq!(store.labels().map(|label| label.trace_id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(store.undo().as_deref(), Some("b"));
        assert_eq!(store.get("b").unwrap().corrected_output, None);
        assert_eq!(store.undo().as_deref(), Some("a"));
        assert_eq!(store.get("a").unwrap().severity, None);
        assert_eq!(store.undo().as_deref(), Some("a"));
        assert!(store.get("a").is_none());
        assert_eq!(store.undo().as_deref(), Some("b"));
        assert!(store.is_empty());
        assert_eq!(store.undo(), None);
    }

    #[test]
    fn labelling_a_pattern_is_one_step() {
        let taxonomy = Taxonomy::starter();
        let mut store = LabelStore::new();
        store.toggle_category(&taxonomy, "b", "loop", WHO, WHEN);
        assert_eq!(store.add_category_to_all(&taxonomy, &["a", "b", "c", "a"], "loop", WHO, WHEN), 2);
        assert_eq!(store.len(), 3);
        assert_eq!(store.undo().as_deref(), Some("a"));
        assert_eq!(store.len(), 1);
        assert!(store.get("b").is_some());
    }

    fn label(trace_id: &str, categories: &[&str], note: &str, labeller: &str) -> Label {
        Label {
            trace_id: trace_id.into(),
            categories: categories.iter().map(|id| id.to_string()).collect(),
            note: note.into(),
            labeller: labeller.into(),
            time: WHEN.into(),
            ..Label::default()
        }
    }

    #[test]
    fn merging_adds_keeps_identical_and_reports_conflicts() {
        let mut store = LabelStore::from_labels(vec![
            label("a", &["loop"], "", "ana"),
            label("b", &["loop", "refused"], "x", "ana"),
            label("c", &["other"], "", "ana"),
        ]);
        let report = store.merge(vec![
            label("a", &["loop"], "", "ben"),
            label("b", &["refused", "loop"], "x", "ben"),
            label("c", &["hallucination"], "", "ben"),
            label("d", &["refused"], "new", "ben"),
            label("e", &[], "", "ben"),
        ]);
        assert_eq!((report.added, report.unchanged), (1, 3));
        assert_eq!(report.conflicts.len(), 1);
        assert_eq!(report.conflicts[0].trace_id, "c");
        assert_eq!(report.conflicts[0].ours.categories, ["other"]);
        assert_eq!(report.conflicts[0].theirs.categories, ["hallucination"]);
        assert_eq!(store.get("c").unwrap().categories, ["other"], "ours is kept");
        assert_eq!(store.get("d").unwrap().labeller, "ben");
        assert_eq!(store.len(), 4);
        assert_eq!(store.undo().as_deref(), Some("d"));
        assert_eq!(store.len(), 3);
    }
}
