//! Which loops are folded, and the row list with them folded. A folded run is one row, on its
//! first sibling's span index (the view draws that row as the loop: "×N"); the rest of the run
//! is skipped in one jump, as a collapsed span's subtree is, so the row list stays O(rows) and
//! every other user of it (selection, scrolling, keys) keeps working on span indices.
//!
//! Runs of [`FOLD_BY_DEFAULT_FROM`](super::FOLD_BY_DEFAULT_FROM) iterations and more are folded
//! while "fold loops" is on (it is when a trace loads); a person's own folds and unfolds are kept
//! as exceptions to that, so turning the switch resets them and a new trace starts clean.
//! A filter (one kind, errors only) shows its spans wherever they are, folded loops included:
//! folding applies to the unfiltered tree.

use super::{CollapsedSet, Loops};
use crate::model::Trace;

/// The loops folded in the shown trace, by run number (position in [`Loops::runs`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopFolds {
    fold_by_default: bool,
    /// Runs folded or unfolded by hand, against the default.
    flipped: Vec<bool>,
}

impl Default for LoopFolds {
    fn default() -> Self {
        LoopFolds { fold_by_default: true, flipped: Vec::new() }
    }
}

impl LoopFolds {
    /// Whether long runs are folded unless unfolded by hand ("fold loops").
    pub fn folds_by_default(&self) -> bool {
        self.fold_by_default
    }

    /// Turns "fold loops" on or off, forgetting folds and unfolds made by hand.
    pub fn set_fold_by_default(&mut self, fold: bool) {
        self.fold_by_default = fold;
        self.flipped.clear();
    }

    /// Forgets folds and unfolds made by hand (another trace is shown), keeping the switch.
    pub fn forget_choices(&mut self) {
        self.flipped.clear();
    }

    fn default_for(&self, loops: &Loops, run: usize) -> bool {
        self.fold_by_default && loops.runs.get(run).is_some_and(|run| run.folds_by_default())
    }

    pub fn is_folded(&self, loops: &Loops, run: usize) -> bool {
        self.default_for(loops, run) != self.flipped.get(run).copied().unwrap_or(false)
    }

    pub fn set(&mut self, loops: &Loops, run: usize, folded: bool) {
        if run >= loops.runs.len() {
            return;
        }
        let flipped = folded != self.default_for(loops, run);
        if self.flipped.len() <= run {
            if !flipped {
                return;
            }
            self.flipped.resize(run + 1, false);
        }
        self.flipped[run] = flipped;
    }

    /// The folded run drawn on `index`'s row, if its row is a folded loop.
    pub fn folded_run_at(&self, loops: &Loops, index: usize) -> Option<usize> {
        loops.run_starting_at(index).filter(|&run| self.is_folded(loops, run))
    }

    /// Whether a folded run hides `index` (its row would not be drawn).
    pub fn hides(&self, loops: &Loops, index: usize) -> bool {
        loops.hiding(index).any(|run| self.is_folded(loops, run))
    }

    /// Unfolds every run that hides `index`, so its row can be shown.
    pub fn reveal(&mut self, loops: &Loops, index: usize) {
        let hiding: Vec<usize> = loops.hiding(index).filter(|&run| self.is_folded(loops, run)).collect();
        for run in hiding {
            self.set(loops, run, false);
        }
    }
}

/// Span indices to show as rows, top to bottom: [`super::visible_rows`] with each folded run
/// shown as its first sibling's row alone.
pub fn visible_rows_folding_loops(
    trace: &Trace,
    collapsed: &CollapsedSet,
    loops: &Loops,
    folds: &LoopFolds,
) -> Vec<usize> {
    let spans = &trace.spans;
    let runs = &loops.runs;
    let mut rows = Vec::with_capacity(spans.len());
    let mut index = 0;
    // The first run starting at `index` or later.
    let mut next_run = 0;
    while index < spans.len() {
        rows.push(index);
        if next_run < runs.len() && runs[next_run].first < index {
            next_run += 1;
        }
        let folded = next_run < runs.len() && runs[next_run].first == index && folds.is_folded(loops, next_run);
        let next = if folded {
            runs[next_run].end
        } else if collapsed.is_collapsed(index) {
            spans[index].subtree_end
        } else {
            index + 1
        }
        .max(index + 1);
        if next > index + 1 {
            next_run += runs[next_run..].partition_point(|run| run.first < next);
        }
        index = next;
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{find_loops, visible_rows};
    use crate::model::{build_trace, Span, SpanKind};

    /// root → 3 × (plan → call, act), then 2 × check, then answer: spans in pre-order
    /// root 0, plan 1, call 2, act 3, plan 4, call 5, act 6, plan 7, call 8, act 9, check 10,
    /// check 11, answer 12.
    fn trace() -> Trace {
        let mut spans = vec![Span::new("root", None, "root")];
        for turn in 0..3 {
            let plan = format!("plan{turn}");
            spans.push(Span::new(plan.clone(), Some("root".into()), "plan"));
            spans.push(Span::new(format!("call{turn}"), Some(plan), "call"));
            spans.push(Span::new(format!("act{turn}"), Some("root".into()), "act"));
        }
        spans.push(Span::new("check0", Some("root".into()), "check"));
        spans.push(Span::new("check1", Some("root".into()), "check"));
        spans.push(Span::new("answer", Some("root".into()), "answer"));
        for (at, span) in spans.iter_mut().enumerate() {
            span.start_ns = at as u64;
            span.kind = SpanKind::Chain;
        }
        build_trace(Trace::default(), spans)
    }

    #[test]
    fn a_long_run_is_one_row_until_unfolded_and_a_short_one_stays_open() {
        let trace = trace();
        let loops = find_loops(&trace);
        let runs: Vec<_> = loops.runs.iter().map(|run| (run.first, run.end, run.repeats)).collect();
        assert_eq!(runs, [(1, 10, 3), (10, 12, 2)]);
        let collapsed = CollapsedSet::new(trace.spans.len());
        let mut folds = LoopFolds::default();
        let rows = |folds: &LoopFolds| visible_rows_folding_loops(&trace, &collapsed, &loops, folds);
        assert_eq!(rows(&folds), [0, 1, 10, 11, 12], "three iterations fold; two do not");
        assert_eq!(folds.folded_run_at(&loops, 1), Some(0));
        assert_eq!(folds.folded_run_at(&loops, 10), None);
        folds.set(&loops, 0, false);
        assert_eq!(rows(&folds), visible_rows(&trace, &collapsed));
        folds.set(&loops, 1, true);
        assert_eq!(rows(&folds), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12], "folded by hand");
        folds.set_fold_by_default(false);
        assert_eq!(rows(&folds), visible_rows(&trace, &collapsed), "the switch forgets hand folds");
        folds.set_fold_by_default(true);
        assert_eq!(rows(&folds), [0, 1, 10, 11, 12]);
    }

    #[test]
    fn folds_and_collapsed_spans_skip_together() {
        let trace = trace();
        let loops = find_loops(&trace);
        let mut collapsed = CollapsedSet::new(trace.spans.len());
        let mut folds = LoopFolds::default();
        folds.set(&loops, 0, false);
        collapsed.set(4, true);
        assert_eq!(
            visible_rows_folding_loops(&trace, &collapsed, &loops, &folds),
            [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]
        );
        folds.set(&loops, 0, true);
        collapsed.set(0, true);
        assert_eq!(visible_rows_folding_loops(&trace, &collapsed, &loops, &folds), [0]);
        collapsed.set(0, false);
        collapsed.set(1, true);
        assert_eq!(visible_rows_folding_loops(&trace, &collapsed, &loops, &folds), [0, 1, 10, 11, 12], "the fold wins");
    }

    #[test]
    fn revealing_a_span_unfolds_the_loops_that_hide_it() {
        let trace = trace();
        let loops = find_loops(&trace);
        let mut folds = LoopFolds::default();
        assert!(folds.hides(&loops, 5));
        assert!(!folds.hides(&loops, 1), "the loop's row is its first sibling's");
        folds.reveal(&loops, 1);
        assert!(folds.is_folded(&loops, 0));
        folds.reveal(&loops, 5);
        assert!(!folds.hides(&loops, 5));
        assert!(!folds.is_folded(&loops, 0));
        folds.forget_choices();
        assert!(folds.is_folded(&loops, 0));
    }
}
