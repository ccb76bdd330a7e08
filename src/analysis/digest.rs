//! What the tree's rows need from every span, gathered in one pass over a trace: each span's
//! self time (its duration less the time its children cover) and whether it or a descendant
//! failed. A million spans take 184 MB in wasm, so every separate pass reads all of that again:
//! these two used three passes, and a large trace's first frame waited for them.

use crate::model::{Span, Trace};

/// Per span (by index in the trace): self time, and whether it or a descendant failed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceDigest {
    pub self_times: Vec<u64>,
    pub error_in_subtree: Vec<bool>,
}

/// A span whose subtree is still being read, with the union of its children's intervals so far.
struct Open {
    index: usize,
    children: Union,
    /// False once a child started before the previous one (the union needs them in start order).
    in_start_order: bool,
}

/// Walks the spans in their pre-order, keeping the path from the root to the current span open:
/// a span is finished when the walk leaves its subtree, and hands its failure to its parent.
pub fn digest(trace: &Trace) -> TraceDigest {
    let spans = &trace.spans;
    let mut digest = TraceDigest { self_times: vec![0; spans.len()], error_in_subtree: vec![false; spans.len()] };
    let mut open: Vec<Open> = Vec::new();
    // Spans whose children could not be added in start order, computed again at the end.
    let mut out_of_order: Vec<usize> = Vec::new();
    for (index, span) in spans.iter().enumerate() {
        digest.error_in_subtree[index] |= span.status.is_error();
        while open.last().is_some_and(|top| spans[top.index].subtree_end <= index) {
            if let Some(finished) = open.pop() {
                finish(spans, finished, &mut digest, &mut out_of_order);
            }
        }
        match (open.last_mut(), span.parent) {
            (Some(top), Some(parent)) if top.index == parent => {
                if span.start_ns < top.children.last_start {
                    top.in_start_order = false;
                } else {
                    top.children.add(span.start_ns, span.end_ns());
                }
            }
            // Not where pre-order puts it (never after the tree builder): its parent is redone.
            (_, Some(parent)) => out_of_order.push(parent),
            (_, None) => {}
        }
        open.push(Open { index, children: Union::within(span.start_ns, span.end_ns()), in_start_order: true });
    }
    while let Some(finished) = open.pop() {
        finish(spans, finished, &mut digest, &mut out_of_order);
    }
    for index in out_of_order {
        if let Some(span) = spans.get(index) {
            digest.self_times[index] = span.duration_ns.saturating_sub(covered_by_children(spans, index));
        }
    }
    digest
}

fn finish(spans: &[Span], finished: Open, digest: &mut TraceDigest, out_of_order: &mut Vec<usize>) {
    let span = &spans[finished.index];
    if finished.in_start_order {
        digest.self_times[finished.index] = span.duration_ns.saturating_sub(finished.children.covered);
    } else {
        out_of_order.push(finished.index);
    }
    if digest.error_in_subtree[finished.index] {
        if let Some(flag) = span.parent.and_then(|parent| digest.error_in_subtree.get_mut(parent)) {
            *flag = true;
        }
    }
}

/// The time span `index`'s direct children cover within it, whatever their order.
fn covered_by_children(spans: &[Span], index: usize) -> u64 {
    let end = spans[index].subtree_end.min(spans.len());
    let mut children: Vec<(u64, u64)> =
        std::iter::successors(Some(index + 1), |&child| spans.get(child).map(|span| span.subtree_end.max(child + 1)))
            .take_while(|&child| child < end)
            .map(|child| (spans[child].start_ns, spans[child].end_ns()))
            .collect();
    children.sort_unstable();
    let mut union = Union::within(spans[index].start_ns, spans[index].end_ns());
    for (start, end) in children {
        union.add(start, end);
    }
    union.covered
}

/// The length of the union of intervals added in start order, clipped to `start..end`.
struct Union {
    start: u64,
    end: u64,
    reached: u64,
    last_start: u64,
    covered: u64,
}

impl Union {
    fn within(start: u64, end: u64) -> Self {
        Union { start, end, reached: start, last_start: 0, covered: 0 }
    }

    fn add(&mut self, from: u64, to: u64) {
        self.last_start = from;
        let from = from.clamp(self.reached, self.end);
        let to = to.clamp(self.start, self.end);
        if to > from {
            self.covered += to - from;
            self.reached = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{build_trace, SpanStatus};

    fn span(id: &str, parent: Option<&str>, start_ns: u64, duration_ns: u64) -> Span {
        let mut span = Span::new(id, parent.map(String::from), id);
        span.start_ns = start_ns;
        span.duration_ns = duration_ns;
        span
    }

    #[test]
    fn overlapping_children_count_once() {
        let trace = build_trace(
            Trace::default(),
            vec![span("p", None, 0, 100), span("a", Some("p"), 10, 30), span("b", Some("p"), 20, 40)],
        );
        assert_eq!(digest(&trace).self_times, [50, 30, 40], "children cover 10..60 of the parent's 0..100");
    }

    #[test]
    fn self_time_skips_grandchildren_and_copes_with_children_out_of_start_order() {
        // root 0..100 with children a 10..40 (grandchild g 15..35), b 10..20, c 70..90.
        let spans = vec![
            span("root", None, 0, 100),
            span("a", Some("root"), 10, 30),
            span("g", Some("a"), 15, 20),
            span("b", Some("root"), 10, 10),
            span("c", Some("root"), 70, 20),
        ];
        let mut trace = build_trace(Trace::default(), spans);
        let self_time_of = |trace: &Trace, name: &str| {
            let index = trace.spans.iter().position(|span| span.name == name).unwrap_or_default();
            digest(trace).self_times[index]
        };
        assert_eq!(["root", "a", "g", "b", "c"].map(|name| self_time_of(&trace, name)), [50, 10, 20, 10, 20]);
        // The same tree with c moved before a, so the root's children are out of start order.
        let moved = trace.spans.pop().unwrap_or_else(|| span("c", Some("root"), 70, 20));
        trace.spans.insert(1, moved);
        let subtree_ends = [5, 2, 4, 4, 5];
        let parents = [None, Some(0), Some(0), Some(2), Some(0)];
        for (index, span) in trace.spans.iter_mut().enumerate() {
            span.subtree_end = subtree_ends[index];
            span.parent = parents[index];
        }
        assert_eq!(self_time_of(&trace, "root"), 50, "children out of start order are sorted first");
        assert_eq!(self_time_of(&trace, "a"), 10);
    }

    #[test]
    fn failures_mark_every_ancestor_and_nothing_else() {
        // a ─┬─ b ── c (failed)
        //    └─ d
        let mut spans = vec![
            span("a", None, 0, 10),
            span("b", Some("a"), 1, 5),
            span("c", Some("b"), 2, 1),
            span("d", Some("a"), 7, 1),
        ];
        spans[2].status = SpanStatus::Error { message: None };
        let trace = build_trace(Trace::default(), spans);
        assert_eq!(digest(&trace).error_in_subtree, [true, true, true, false]);
    }

    /// The same facts the slow, obvious way: children found by parent index, failures by
    /// climbing from every failed span.
    fn by_definition(trace: &Trace) -> TraceDigest {
        let spans = &trace.spans;
        let mut expected = TraceDigest::default();
        for (index, span) in spans.iter().enumerate() {
            let mut children: Vec<(u64, u64)> = spans
                .iter()
                .filter(|child| child.parent == Some(index))
                .map(|child| (child.start_ns, child.end_ns()))
                .collect();
            children.sort_unstable();
            let mut union = Union::within(span.start_ns, span.end_ns());
            for (start, end) in children {
                union.add(start, end);
            }
            expected.self_times.push(span.duration_ns.saturating_sub(union.covered));
        }
        expected.error_in_subtree = vec![false; spans.len()];
        for failed in (0..spans.len()).filter(|&index| spans[index].status.is_error()) {
            let mut at = Some(failed);
            while let Some(current) = at {
                expected.error_in_subtree[current] = true;
                at = spans[current].parent;
            }
        }
        expected
    }

    #[test]
    fn one_pass_gives_what_the_definitions_give_on_generated_traces() {
        for text in [crate::generate::otlp_trace(1_500), crate::generate::lean_otlp_trace(1_500)] {
            let set = crate::import::import_text(&text, None).expect("a generated trace imports");
            let trace = &set.traces[0];
            assert!(trace.spans.iter().any(|span| span.status.is_error()), "the test needs failures");
            assert_eq!(digest(trace), by_definition(trace));
        }
    }
}
