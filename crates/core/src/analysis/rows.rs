//! The visible-row list: spans in pre-order minus the descendants of collapsed spans.
//! Because every subtree is a contiguous range, skipping one is a jump, so this is O(rows).

use crate::model::Trace;

/// Which spans are collapsed, by index into `Trace::spans`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CollapsedSet {
    collapsed: Vec<bool>,
}

impl CollapsedSet {
    pub fn new(span_count: usize) -> Self {
        CollapsedSet { collapsed: vec![false; span_count] }
    }

    pub fn is_collapsed(&self, index: usize) -> bool {
        self.collapsed.get(index).copied().unwrap_or(false)
    }

    pub fn set(&mut self, index: usize, collapsed: bool) {
        if let Some(slot) = self.collapsed.get_mut(index) {
            *slot = collapsed;
        }
    }

    pub fn toggle(&mut self, index: usize) {
        let collapsed = self.is_collapsed(index);
        self.set(index, !collapsed);
    }

    /// Shows every span.
    pub fn expand_all(&mut self) {
        self.collapsed.iter_mut().for_each(|slot| *slot = false);
    }

    /// Folds every span with children at `depth` or deeper (0 folds the roots: one row per root).
    pub fn collapse_to_depth(&mut self, trace: &Trace, depth: u32) {
        for (slot, span) in self.collapsed.iter_mut().zip(&trace.spans) {
            *slot = span.has_children() && span.depth >= depth;
        }
    }

    /// Unfolds every ancestor of `index`, so the span is on a visible row.
    pub fn reveal(&mut self, trace: &Trace, index: usize) {
        let mut parent = trace.spans.get(index).and_then(|span| span.parent.get());
        while let Some(ancestor) = parent {
            self.set(ancestor, false);
            parent = trace.spans[ancestor].parent.get();
        }
    }
}

/// Span indices to show as rows, top to bottom.
pub fn visible_rows(trace: &Trace, collapsed: &CollapsedSet) -> Vec<usize> {
    let mut rows = Vec::with_capacity(trace.spans.len());
    let mut index = 0;
    while index < trace.spans.len() {
        rows.push(index);
        index = if collapsed.is_collapsed(index) { trace.spans[index].subtree_end.max(index + 1) } else { index + 1 };
    }
    rows
}

/// Which spans a filter keeps: those it accepts, plus their ancestors so each stays in context.
pub fn kept_with_ancestors(trace: &Trace, accepts: impl Fn(&crate::model::Span) -> bool) -> Vec<bool> {
    let mut kept: Vec<bool> = trace.spans.iter().map(accepts).collect();
    for index in (0..trace.spans.len()).rev() {
        if let (true, Some(parent)) = (kept[index], trace.spans[index].parent.get()) {
            kept[parent] = true;
        }
    }
    kept
}

/// Like [`visible_rows`], keeping only spans marked in `kept` (a kept span's subtree is still
/// skipped when the span is collapsed).
pub fn visible_filtered_rows(trace: &Trace, collapsed: &CollapsedSet, kept: &[bool]) -> Vec<usize> {
    let mut rows = Vec::new();
    let mut index = 0;
    while index < trace.spans.len() {
        let next_sibling_or_beyond = trace.spans[index].subtree_end.max(index + 1);
        if !kept.get(index).copied().unwrap_or(false) {
            index = next_sibling_or_beyond;
            continue;
        }
        rows.push(index);
        index = if collapsed.is_collapsed(index) { next_sibling_or_beyond } else { index + 1 };
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{build_trace, Span, SpanStatus};

    fn sample() -> Trace {
        // a ─┬─ b ── c
        //    └─ d
        let mut spans = vec![
            Span::new("a", None, "a"),
            Span::new("b", Some("a".into()), "b"),
            Span::new("c", Some("b".into()), "c"),
            Span::new("d", Some("a".into()), "d"),
        ];
        for (start, span) in spans.iter_mut().enumerate() {
            span.start_ns = start as u64;
        }
        spans[2].status = SpanStatus::Error { message: None };
        build_trace(Trace::default(), spans)
    }

    #[test]
    fn collapsing_hides_exactly_the_subtree() {
        let trace = sample();
        let mut collapsed = CollapsedSet::new(trace.spans.len());
        assert_eq!(visible_rows(&trace, &collapsed), [0, 1, 2, 3]);
        collapsed.toggle(1);
        assert_eq!(visible_rows(&trace, &collapsed), [0, 1, 3]);
        collapsed.toggle(0);
        assert_eq!(visible_rows(&trace, &collapsed), [0]);
        collapsed.toggle(0);
        assert_eq!(visible_rows(&trace, &collapsed), [0, 1, 3]);
    }

    #[test]
    fn collapse_to_depth_expand_all_and_reveal() {
        let trace = sample();
        let mut collapsed = CollapsedSet::new(trace.spans.len());
        collapsed.collapse_to_depth(&trace, 0);
        assert_eq!(visible_rows(&trace, &collapsed), [0]);
        collapsed.collapse_to_depth(&trace, 1);
        assert_eq!(visible_rows(&trace, &collapsed), [0, 1, 3]);
        collapsed.collapse_to_depth(&trace, 0);
        collapsed.reveal(&trace, 2);
        assert_eq!(visible_rows(&trace, &collapsed), [0, 1, 2, 3]);
        collapsed.collapse_to_depth(&trace, 0);
        collapsed.expand_all();
        assert_eq!(visible_rows(&trace, &collapsed), [0, 1, 2, 3]);
    }

    #[test]
    fn a_filter_keeps_matching_spans_and_their_ancestors() {
        let trace = sample();
        let kept = kept_with_ancestors(&trace, |span| span.status.is_error());
        assert_eq!(kept, [true, true, true, false]);
        let mut collapsed = CollapsedSet::new(trace.spans.len());
        assert_eq!(visible_filtered_rows(&trace, &collapsed, &kept), [0, 1, 2]);
        collapsed.toggle(1);
        assert_eq!(visible_filtered_rows(&trace, &collapsed, &kept), [0, 1]);
        let by_name = kept_with_ancestors(&trace, |span| span.name == "d");
        collapsed.toggle(1);
        assert_eq!(visible_filtered_rows(&trace, &collapsed, &by_name), [0, 3]);
    }
}
