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

/// For each span, whether it or any descendant failed: failures show on every ancestor.
pub fn error_in_subtree(trace: &Trace) -> Vec<bool> {
    let mut flags: Vec<bool> = trace.spans.iter().map(|span| span.status.is_error()).collect();
    for index in (0..trace.spans.len()).rev() {
        if let Some(parent) = trace.spans[index].parent {
            if flags[index] {
                flags[parent] = true;
            }
        }
    }
    flags
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
    fn errors_mark_every_ancestor_and_nothing_else() {
        assert_eq!(error_in_subtree(&sample()), [true, true, true, false]);
    }
}
