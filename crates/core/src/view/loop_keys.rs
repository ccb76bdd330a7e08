//! What a key does on a loop's row, before the tree's own keys (`navigation`): Right or Enter on
//! a folded loop unfolds it (the selection stays on its first span, now a row of its own), Left
//! on a folded loop goes to its parent, and Left on the first span of an unfolded loop folds the
//! loop again once the span itself has nothing left to fold (a leaf, or already collapsed), as
//! Left folds a span. Up, Down, Home and End need nothing here: a folded loop is one row.

use crate::analysis::{CollapsedSet, LoopFolds, Loops};
use crate::model::Trace;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopKeyAction {
    /// Unfold this run (by its number in [`Loops::runs`]).
    Unfold(usize),
    /// Fold this run.
    Fold(usize),
    /// Select this span.
    Select(usize),
    /// The key is the loop's, but there is nowhere to go.
    Stay,
}

/// What `key` does to the loop on the `selected` row; `None` leaves the key to the tree.
pub fn loop_key_action(
    key: &str,
    selected: Option<usize>,
    trace: &Trace,
    collapsed: &CollapsedSet,
    loops: &Loops,
    folds: &LoopFolds,
) -> Option<LoopKeyAction> {
    let selected = selected?;
    let span = trace.spans.get(selected)?;
    let run = loops.run_starting_at(selected)?;
    let folded = folds.is_folded(loops, run);
    match key {
        "ArrowRight" | "Enter" if folded => Some(LoopKeyAction::Unfold(run)),
        "ArrowLeft" if folded => Some(span.parent.get().map_or(LoopKeyAction::Stay, LoopKeyAction::Select)),
        "ArrowLeft" if !span.has_children() || collapsed.is_collapsed(selected) => Some(LoopKeyAction::Fold(run)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{find_loops, visible_rows_folding_loops};
    use crate::import::import_text;
    use crate::view::navigation::{tree_key_action, TreeKeyAction};

    /// root → 4 × [plan (→ think), search], then answer. Pre-order: root 0, then plan, think,
    /// search at 1 + 3k, 2 + 3k, 3 + 3k for k in 0..4, answer 13.
    fn trace() -> Trace {
        let mut spans = vec![r#"{"id":"root","name":"root","start":0,"end":100}"#.to_string()];
        for turn in 0..4 {
            let at = 1 + turn * 20;
            spans.push(format!(
                r#"{{"id":"p{turn}","parent":"root","name":"plan","kind":"llm","start":{at},"end":{}}}"#,
                at + 5
            ));
            spans.push(format!(
                r#"{{"id":"t{turn}","parent":"p{turn}","name":"think","start":{},"end":{}}}"#,
                at + 1,
                at + 2
            ));
            spans.push(format!(
                r#"{{"id":"s{turn}","parent":"root","name":"search","kind":"tool","start":{},"end":{}}}"#,
                at + 6,
                at + 9
            ));
        }
        spans.push(r#"{"id":"answer","parent":"root","name":"answer","kind":"llm","start":90,"end":99}"#.to_string());
        let text = format!(r#"{{"format":"trace-viewer/v1","spans":[{}]}}"#, spans.join(","));
        import_text(&text, None).expect("imports").traces.remove(0)
    }

    #[test]
    fn keys_step_over_a_folded_loop_open_it_and_fold_it_again() {
        let trace = trace();
        let loops = find_loops(&trace);
        let mut collapsed = CollapsedSet::new(trace.spans.len());
        let mut folds = LoopFolds::default();
        let rows = visible_rows_folding_loops(&trace, &collapsed, &loops, &folds);
        assert_eq!(rows, [0, 1, 13], "the root, the folded loop, the answer");
        let tree = |key: &str, selected, rows: &[usize], collapsed: &CollapsedSet| {
            tree_key_action(key, rows, Some(selected), &trace, collapsed)
        };
        assert_eq!(tree("ArrowDown", 0, &rows, &collapsed), Some(TreeKeyAction::Select(1)));
        assert_eq!(tree("ArrowDown", 1, &rows, &collapsed), Some(TreeKeyAction::Select(13)), "over the loop");
        assert_eq!(tree("ArrowUp", 13, &rows, &collapsed), Some(TreeKeyAction::Select(1)));
        assert_eq!(tree("End", 1, &rows, &collapsed), Some(TreeKeyAction::Select(13)));
        let key = |key: &str, selected, collapsed: &CollapsedSet, folds: &LoopFolds| {
            loop_key_action(key, Some(selected), &trace, collapsed, &loops, folds)
        };
        assert_eq!(key("ArrowDown", 1, &collapsed, &folds), None, "the tree's key");
        assert_eq!(key("ArrowLeft", 1, &collapsed, &folds), Some(LoopKeyAction::Select(0)), "to the parent");
        assert_eq!(key("Enter", 1, &collapsed, &folds), Some(LoopKeyAction::Unfold(0)));
        assert_eq!(key("ArrowRight", 1, &collapsed, &folds), Some(LoopKeyAction::Unfold(0)));
        assert_eq!(key("ArrowRight", 0, &collapsed, &folds), None, "not a loop's row");
        folds.set(&loops, 0, false);
        let rows = visible_rows_folding_loops(&trace, &collapsed, &loops, &folds);
        assert_eq!(rows.len(), trace.spans.len());
        assert_eq!(key("ArrowRight", 1, &collapsed, &folds), None, "an open loop's first span opens as a span");
        assert_eq!(key("ArrowLeft", 1, &collapsed, &folds), None, "first its own children fold");
        assert_eq!(tree("ArrowLeft", 1, &rows, &collapsed), Some(TreeKeyAction::Collapse(1)));
        collapsed.set(1, true);
        assert_eq!(key("ArrowLeft", 1, &collapsed, &folds), Some(LoopKeyAction::Fold(0)), "then the loop");
        assert_eq!(key("ArrowLeft", 4, &collapsed, &folds), None, "a later iteration climbs as usual");
    }
}
