//! Moving through the tree: what a key does to the selection and the folds, and which search
//! match comes next. The tree view and the toolbar carry out what these decide.

use crate::analysis::CollapsedSet;
use crate::model::Trace;

/// What a key press in the tree asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeKeyAction {
    /// Select (and reveal) this span.
    Select(usize),
    /// Unfold this span.
    Expand(usize),
    /// Fold this span.
    Collapse(usize),
    /// The key is the tree's, but there is nowhere to go (Right on a leaf, Left on a root).
    Stay,
}

/// What `key` does in the tree showing `rows` (span indices in screen order) with `selected`
/// chosen: Up/Down move, Home/End jump, Right unfolds or goes to the first child, Left folds or
/// goes to the parent, Enter or Space select. `None`: the key is not the tree's.
pub fn tree_key_action(
    key: &str,
    rows: &[usize],
    selected: Option<usize>,
    trace: &Trace,
    collapsed: &CollapsedSet,
) -> Option<TreeKeyAction> {
    let last = rows.len().checked_sub(1)?;
    let position = selected.and_then(|span| rows.iter().position(|row| *row == span));
    let at = |position: usize| TreeKeyAction::Select(rows[position.min(last)]);
    let span = selected.and_then(|index| trace.spans.get(index).map(|span| (index, span)));
    match (key, position, span) {
        ("ArrowDown", None, _) | ("Home", _, _) => Some(at(0)),
        ("End", _, _) => Some(at(last)),
        ("ArrowDown", Some(position), _) => Some(at(position + 1)),
        ("ArrowUp", Some(position), _) => Some(at(position.saturating_sub(1))),
        ("ArrowRight", Some(_), Some((index, span))) => {
            Some(match (span.has_children(), collapsed.is_collapsed(index)) {
                (true, true) => TreeKeyAction::Expand(index),
                (true, false) => TreeKeyAction::Select(index + 1),
                (false, _) => TreeKeyAction::Stay,
            })
        }
        ("ArrowLeft", Some(_), Some((index, span))) => Some(if span.has_children() && !collapsed.is_collapsed(index) {
            TreeKeyAction::Collapse(index)
        } else {
            span.parent.get().map_or(TreeKeyAction::Stay, TreeKeyAction::Select)
        }),
        ("Enter" | " ", Some(_), Some((index, _))) => Some(TreeKeyAction::Select(index)),
        _ => None,
    }
}

/// The search match after (or before) `current` in tree order, wrapping around; with nothing
/// selected, the first (or last). `None` when nothing matches.
pub fn next_match(matches: &[usize], current: Option<usize>, forward: bool) -> Option<usize> {
    let (first, last) = (*matches.first()?, *matches.last()?);
    Some(match (current, forward) {
        (Some(current), true) => matches.iter().copied().find(|index| *index > current).unwrap_or(first),
        (Some(current), false) => matches.iter().rev().copied().find(|index| *index < current).unwrap_or(last),
        (None, true) => first,
        (None, false) => last,
    })
}

/// The failed span after (or before) `current` in tree order, wrapping around; with nothing
/// selected, the first (or last). `None` when no span failed. A walk from `current`, so stepping
/// through a million spans needs no list of them.
pub fn next_failed(trace: &Trace, current: Option<usize>, forward: bool) -> Option<usize> {
    let count = trace.spans.len();
    if count == 0 {
        return None;
    }
    let failed = |index: &usize| trace.spans[*index].status.is_error();
    let start = current.filter(|index| *index < count);
    if forward {
        let after = start.map_or(0, |index| index + 1);
        (after..count).chain(0..after.min(count)).find(failed)
    } else {
        let before = start.unwrap_or(count);
        (0..before).rev().chain((before..count).rev()).find(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::visible_rows;
    use crate::import::import_text;

    /// root → (a → a1), b: four spans in pre-order 0..4.
    fn trace() -> Trace {
        let text = r#"{"format":"trace-viewer/v1","spans":[
            {"id":"root","name":"root","start":0,"end":10},
            {"id":"a","parent":"root","name":"a","start":1,"end":5},
            {"id":"a1","parent":"a","name":"a1","start":2,"end":3},
            {"id":"b","parent":"root","name":"b","start":6,"end":9}]}"#;
        import_text(text, None).expect("imports").traces.remove(0)
    }

    #[test]
    fn up_down_home_and_end_move_along_the_visible_rows() {
        let trace = trace();
        let collapsed = CollapsedSet::new(4);
        let rows = visible_rows(&trace, &collapsed);
        let key = |key: &str, selected| tree_key_action(key, &rows, selected, &trace, &collapsed);
        assert_eq!(key("ArrowDown", None), Some(TreeKeyAction::Select(0)));
        assert_eq!(key("ArrowDown", Some(1)), Some(TreeKeyAction::Select(2)));
        assert_eq!(key("ArrowDown", Some(3)), Some(TreeKeyAction::Select(3)), "the last row stays");
        assert_eq!(key("ArrowUp", Some(0)), Some(TreeKeyAction::Select(0)));
        assert_eq!(key("End", None), Some(TreeKeyAction::Select(3)));
        assert_eq!(key("Home", Some(3)), Some(TreeKeyAction::Select(0)));
        assert_eq!(key("x", Some(3)), None);
    }

    #[test]
    fn right_unfolds_then_enters_and_left_folds_then_climbs() {
        let trace = trace();
        let mut collapsed = CollapsedSet::new(4);
        collapsed.set(1, true);
        let rows = visible_rows(&trace, &collapsed);
        assert_eq!(rows, [0, 1, 3], "a's child is hidden");
        assert_eq!(tree_key_action("ArrowRight", &rows, Some(1), &trace, &collapsed), Some(TreeKeyAction::Expand(1)));
        collapsed.set(1, false);
        let rows = visible_rows(&trace, &collapsed);
        assert_eq!(tree_key_action("ArrowRight", &rows, Some(1), &trace, &collapsed), Some(TreeKeyAction::Select(2)));
        assert_eq!(
            tree_key_action("ArrowRight", &rows, Some(2), &trace, &collapsed),
            Some(TreeKeyAction::Stay),
            "a leaf has nothing to open"
        );
        assert_eq!(tree_key_action("ArrowLeft", &rows, Some(1), &trace, &collapsed), Some(TreeKeyAction::Collapse(1)));
        assert_eq!(tree_key_action("ArrowLeft", &rows, Some(2), &trace, &collapsed), Some(TreeKeyAction::Select(1)));
        assert_eq!(tree_key_action("ArrowLeft", &rows, Some(0), &trace, &collapsed), Some(TreeKeyAction::Collapse(0)));
        assert_eq!(tree_key_action("Enter", &rows, Some(3), &trace, &collapsed), Some(TreeKeyAction::Select(3)));
        collapsed.set(0, true);
        let rows = visible_rows(&trace, &collapsed);
        assert_eq!(
            tree_key_action("ArrowLeft", &rows, Some(0), &trace, &collapsed),
            Some(TreeKeyAction::Stay),
            "a folded root"
        );
    }

    #[test]
    fn an_empty_tree_takes_no_key() {
        let trace = trace();
        assert_eq!(tree_key_action("ArrowDown", &[], None, &trace, &CollapsedSet::new(4)), None);
    }

    #[test]
    fn search_steps_wrap_around_in_both_directions() {
        let matches = [2, 5, 9];
        assert_eq!(next_match(&matches, None, true), Some(2));
        assert_eq!(next_match(&matches, None, false), Some(9));
        assert_eq!(next_match(&matches, Some(5), true), Some(9));
        assert_eq!(next_match(&matches, Some(9), true), Some(2));
        assert_eq!(next_match(&matches, Some(2), false), Some(9));
        assert_eq!(next_match(&matches, Some(6), false), Some(5), "from a span that is no match");
        assert_eq!(next_match(&[], Some(6), true), None);
    }

    #[test]
    fn error_stepping_wraps_in_both_directions() {
        let text = r#"{"format":"trace-viewer/v1","spans":[
            {"id":"root","name":"root","start":0,"end":10},
            {"id":"a","parent":"root","name":"a","start":1,"end":5,"status":"error"},
            {"id":"a1","parent":"a","name":"a1","start":2,"end":3},
            {"id":"b","parent":"root","name":"b","start":6,"end":9,"status":"error"}]}"#;
        let trace = import_text(text, None).expect("imports").traces.remove(0);
        assert_eq!(next_failed(&trace, None, true), Some(1));
        assert_eq!(next_failed(&trace, None, false), Some(3));
        assert_eq!(next_failed(&trace, Some(1), true), Some(3));
        assert_eq!(next_failed(&trace, Some(3), true), Some(1), "wraps to the first");
        assert_eq!(next_failed(&trace, Some(1), false), Some(3), "wraps to the last");
        assert_eq!(next_failed(&trace, Some(2), false), Some(1));
        assert_eq!(next_failed(&trace, Some(1), true).and_then(|at| next_failed(&trace, Some(at), true)), Some(1));
        assert_eq!(next_failed(&super::tests::trace(), None, true), None);
    }
}
