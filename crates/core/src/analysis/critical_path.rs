//! The critical path: the chain of work that decided when the trace ended, by Jaeger's rule.
//!
//! Start at the end of the root and walk back in time. At each span, the child that finished
//! last, among those that ended at or before the current point, is on the path: the time between
//! its end and the point is the span's own, then the walk goes into the child (from its end).
//! When a span has no such child left, the time from its start to the point is its own and the
//! walk returns to its parent, with the point now at the child's start. The pieces of spans
//! met this way are the path's *segments*; they tile the root's interval exactly.
//!
//! How the awkward cases are treated (decided here, tested below):
//! - **Overlapping siblings**: a sibling still running when the child on the path started did not
//!   decide that start, so it is off the path; the parent's time before that start goes to the
//!   next sibling that had ended by then, else to the parent itself. (Jaeger does the same.)
//! - **A child outliving its parent** is clipped to the parent's end (its time after the parent
//!   ended decided nothing the parent waited for); a child that starts after its parent ended is
//!   off the path, and so is its subtree.
//! - **Clock skew** (a child starting before its parent): the child is clipped to the parent's
//!   start; a child that ended before its parent started is off the path. Clipping is applied
//!   down the tree, so a grandchild is clipped to its parent's clipped interval.
//! - **Zero durations**: a segment of no length is not kept, so a zero-length span is never on
//!   the path; a span's own time on both sides of one is one segment. Of children ending at the
//!   same moment, the one that started first (the longest) is taken.
//! - **Several roots**: the trace's critical path is the one of the root that ends last (the
//!   first of them on a tie); the other roots are off the path.
//!
//! The walk is iterative (an explicit stack: a 100,000-deep chain is fine) and reads only the
//! spans it visits and their children, found by jumping over subtrees in the pre-order, so it
//! costs no pass over a million spans before the first frame; it runs only when asked.

use std::collections::HashMap;

use crate::model::{SpanKind, Trace};

/// One piece of a span's own time on the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CriticalSegment {
    /// The span, by index into `Trace::spans`.
    pub span: usize,
    pub start_ns: u64,
    pub end_ns: u64,
}

impl CriticalSegment {
    pub fn duration_ns(&self) -> u64 {
        self.end_ns - self.start_ns
    }
}

/// Critical-path time of the spans with one kind and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriticalShare {
    pub kind: SpanKind,
    pub name: String,
    pub duration_ns: u64,
    /// How many spans of this kind and name are on the path.
    pub spans: usize,
}

/// No segment (in the by-span links).
const NONE: u32 = u32::MAX;

/// A trace's critical path: its segments in time order, findable by span.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CriticalPath {
    pub segments: Vec<CriticalSegment>,
    /// Per span: the position of its first segment, or `NONE`.
    first_of_span: Vec<u32>,
    /// Per segment: the position of the same span's next segment, or `NONE`.
    next_of_span: Vec<u32>,
}

impl CriticalPath {
    /// The segments of one span, in time order (none when it is off the path).
    pub fn segments_of(&self, span: usize) -> impl Iterator<Item = &CriticalSegment> {
        let first = self.first_of_span.get(span).copied().unwrap_or(NONE);
        std::iter::successors(Some(first).filter(|at| *at != NONE), |at| {
            Some(self.next_of_span[*at as usize]).filter(|next| *next != NONE)
        })
        .map(|at| &self.segments[at as usize])
    }

    pub fn is_on_path(&self, span: usize) -> bool {
        self.first_of_span.get(span).is_some_and(|first| *first != NONE)
    }

    /// The path's length: the duration of the root it follows.
    pub fn total_ns(&self) -> u64 {
        self.segments.iter().map(CriticalSegment::duration_ns).sum()
    }

    /// Critical-path time by (kind, name), longest first (then by kind and name).
    pub fn breakdown(&self, trace: &Trace) -> Vec<CriticalShare> {
        // Spans on the path summed by kind and name through a map of (kind, name) to its row
        // (sorting a million spans by name took five times as long), then sorted longest first.
        let mut row_of: HashMap<(SpanKind, &str), usize> = HashMap::new();
        let mut shares: Vec<Share> = Vec::new();
        for (index, (span, first)) in trace.spans.iter().zip(&self.first_of_span).enumerate() {
            if *first == NONE {
                continue;
            }
            let duration_ns: u64 = self.segments_of(index).map(CriticalSegment::duration_ns).sum();
            let row = *row_of.entry((span.kind, span.name.as_str())).or_insert_with(|| {
                shares.push((span.kind, span.name.as_str(), 0, 0));
                shares.len() - 1
            });
            shares[row].2 += duration_ns;
            shares[row].3 += 1;
        }
        sort_shares(&mut shares, &|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
        shares
            .into_iter()
            .map(|(kind, name, duration_ns, spans)| CriticalShare { kind, name: name.to_string(), duration_ns, spans })
            .collect()
    }
}

/// A breakdown row while it is summed: kind, name, time on the path, spans.
type Share<'a> = (SpanKind, &'a str, u64, usize);

/// The breakdown's sort, behind one comparator type (each sort's code weighs on the page's download).
fn sort_shares(shares: &mut [Share], compare: &dyn Fn(&Share, &Share) -> std::cmp::Ordering) {
    shares.sort_unstable_by(compare);
}

/// A child as the walk sees it: clipped to its parent. Ordered as the walk takes children: the
/// one that ends last first; of those ending together, the one that started first (the
/// longest), then the first in the tree.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Child {
    end_first: std::cmp::Reverse<u64>,
    start_ns: u64,
    index: usize,
}

/// A span the walk is inside: its clipped start, the current point, and where its children not
/// yet tried are in the walk's one list of children (each frame's are at the end of it while the
/// frame is on top, so no frame allocates).
struct Frame {
    span: usize,
    start_ns: u64,
    point_ns: u64,
    children_from: usize,
    next_child: usize,
}

impl Frame {
    /// The next child that ended at or before the point. Children are in falling end order and
    /// the point only moves back, so one ending after the point now never fits later.
    fn next_child(&mut self, children: &[Child]) -> Option<Child> {
        while children.get(self.next_child).is_some_and(|child| child.end_first.0 > self.point_ns) {
            self.next_child += 1;
        }
        let child = children.get(self.next_child).copied();
        self.next_child += 1;
        child
    }
}

/// Opens a span clipped to `start_ns..end_ns`: its children, clipped the same way, are appended
/// to `children` in the order the walk takes them.
fn open(trace: &Trace, span: usize, start_ns: u64, end_ns: u64, children: &mut Vec<Child>) -> Frame {
    let spans = &trace.spans;
    let subtree_end = spans[span].subtree_end.min(spans.len());
    let children_from = children.len();
    let mut child = span + 1;
    while child < subtree_end {
        let (child_start, child_end) = (spans[child].start_ns, spans[child].end_ns());
        if child_start <= end_ns && child_end >= start_ns {
            let end_first = std::cmp::Reverse(child_end.min(end_ns));
            children.push(Child { end_first, start_ns: child_start.max(start_ns), index: child });
        }
        child = spans[child].subtree_end.max(child + 1);
    }
    children[children_from..].sort_unstable();
    Frame { span, start_ns, point_ns: end_ns, children_from, next_child: children_from }
}

/// The root the path follows: the one that ends last (the first of them on a tie).
fn last_ending_root(trace: &Trace) -> Option<usize> {
    let spans = &trace.spans;
    let mut best: Option<usize> = None;
    let mut root = 0;
    while root < spans.len() {
        if best.is_none_or(|best| spans[root].end_ns() > spans[best].end_ns()) {
            best = Some(root);
        }
        root = spans[root].subtree_end.max(root + 1);
    }
    best
}

/// Computes the critical path of `trace` (see the module's documentation for the rule).
pub fn critical_path(trace: &Trace) -> CriticalPath {
    let Some(root) = last_ending_root(trace) else { return CriticalPath::default() };
    let root_span = &trace.spans[root];
    // Segments come out latest first; a span's own time on both sides of a zero-length child
    // joins the segment before it.
    let mut backwards: Vec<CriticalSegment> = Vec::new();
    let mut keep = |span: usize, start_ns: u64, end_ns: u64| {
        if start_ns >= end_ns {
            return;
        }
        match backwards.last_mut() {
            Some(last) if last.span == span && last.start_ns == end_ns => last.start_ns = start_ns,
            _ => backwards.push(CriticalSegment { span, start_ns, end_ns }),
        }
    };
    let mut children: Vec<Child> = Vec::new();
    let mut stack = vec![open(trace, root, root_span.start_ns, root_span.end_ns(), &mut children)];
    while let Some(top) = stack.last_mut() {
        match top.next_child(&children) {
            Some(child) => {
                keep(top.span, child.end_first.0, top.point_ns);
                top.point_ns = child.start_ns;
                let frame = open(trace, child.index, child.start_ns, child.end_first.0, &mut children);
                stack.push(frame);
            }
            None => {
                keep(top.span, top.start_ns, top.point_ns);
                children.truncate(top.children_from);
                stack.pop();
            }
        }
    }
    backwards.reverse();
    let segments = backwards;
    // Each span's segments linked in time order: built from the last segment back.
    let mut first_of_span = vec![NONE; trace.spans.len()];
    let mut next_of_span = vec![NONE; segments.len()];
    for (at, segment) in segments.iter().enumerate().rev() {
        next_of_span[at] = first_of_span[segment.span];
        first_of_span[segment.span] = at as u32;
    }
    CriticalPath { segments, first_of_span, next_of_span }
}

/// Which spans the "critical path only" filter keeps: spans on the path that `accepts` takes
/// (the other filters), plus their ancestors so each stays in context.
pub fn kept_on_critical_path(
    trace: &Trace,
    path: &CriticalPath,
    accepts: impl Fn(&crate::model::Span) -> bool,
) -> Vec<bool> {
    let mut kept = vec![false; trace.spans.len()];
    for segment in &path.segments {
        let mut at = Some(segment.span).filter(|span| trace.spans.get(*span).is_some_and(&accepts));
        while let Some(span) = at {
            if kept[span] {
                break;
            }
            kept[span] = true;
            at = trace.spans[span].parent.get();
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{build_trace, Span};

    /// A trace from (id, parent, start, duration) rows.
    fn trace_of(rows: &[(&str, Option<&str>, u64, u64)]) -> Trace {
        let spans = rows
            .iter()
            .map(|(id, parent, start_ns, duration_ns)| {
                // `step#2` is another span named `step`.
                let name = id.split('#').next().unwrap_or(id);
                let mut span = Span::new(*id, parent.map(String::from), name);
                span.start_ns = *start_ns;
                span.duration_ns = *duration_ns;
                span
            })
            .collect();
        build_trace(Trace::default(), spans)
    }

    /// The path as (span name, start, end) in time order.
    fn path_of(trace: &Trace) -> Vec<(String, u64, u64)> {
        let path = critical_path(trace);
        path.segments
            .iter()
            .map(|segment| (trace.spans[segment.span].name.clone(), segment.start_ns, segment.end_ns))
            .collect()
    }

    fn expected(rows: &[(&str, u64, u64)]) -> Vec<(String, u64, u64)> {
        rows.iter().map(|(name, start, end)| (name.to_string(), *start, *end)).collect()
    }

    #[test]
    fn sequential_children_are_all_on_the_path() {
        let trace = trace_of(&[("root", None, 0, 100), ("a", Some("root"), 10, 30), ("b", Some("root"), 40, 50)]);
        assert_eq!(path_of(&trace), expected(&[("root", 0, 10), ("a", 10, 40), ("b", 40, 90), ("root", 90, 100)]));
    }

    #[test]
    fn of_parallel_children_the_last_to_finish_is_on_the_path() {
        let trace = trace_of(&[("root", None, 0, 100), ("a", Some("root"), 10, 50), ("b", Some("root"), 10, 70)]);
        assert_eq!(path_of(&trace), expected(&[("root", 0, 10), ("b", 10, 80), ("root", 80, 100)]));
    }

    #[test]
    fn nested_children_split_their_parents_time() {
        let trace = trace_of(&[
            ("root", None, 0, 100),
            ("a", Some("root"), 10, 80),
            ("a1", Some("a"), 20, 30),
            ("a2", Some("a"), 50, 30),
        ]);
        assert_eq!(
            path_of(&trace),
            expected(&[
                ("root", 0, 10),
                ("a", 10, 20),
                ("a1", 20, 50),
                ("a2", 50, 80),
                ("a", 80, 90),
                ("root", 90, 100)
            ])
        );
    }

    #[test]
    fn a_child_outliving_its_parent_is_clipped_to_the_parents_end() {
        // a1 runs 40..70 but its parent a ends at 50; a2 starts after a ended: off the path.
        let trace = trace_of(&[
            ("root", None, 0, 100),
            ("a", Some("root"), 10, 40),
            ("a1", Some("a"), 40, 30),
            ("a2", Some("a"), 60, 10),
        ]);
        assert_eq!(path_of(&trace), expected(&[("root", 0, 10), ("a", 10, 40), ("a1", 40, 50), ("root", 50, 100)]));
    }

    #[test]
    fn an_overlapping_sibling_still_running_when_the_next_started_is_off_the_path() {
        // a 10..60 overlaps b 50..90: b's start was not decided by a, so root owns 0..50.
        let trace = trace_of(&[("root", None, 0, 100), ("a", Some("root"), 10, 50), ("b", Some("root"), 50, 40)]);
        assert_eq!(path_of(&trace), expected(&[("root", 0, 50), ("b", 50, 90), ("root", 90, 100)]));
        // c ended (at 45) before b started, so it is on the path again, a still is not.
        let trace = trace_of(&[
            ("root", None, 0, 100),
            ("c", Some("root"), 5, 40),
            ("a", Some("root"), 10, 50),
            ("b", Some("root"), 50, 40),
        ]);
        assert_eq!(
            path_of(&trace),
            expected(&[("root", 0, 5), ("c", 5, 45), ("root", 45, 50), ("b", 50, 90), ("root", 90, 100)])
        );
    }

    #[test]
    fn zero_durations_leave_no_segment() {
        // z takes no time in the middle of root's own time: root's time stays one segment.
        let trace = trace_of(&[("root", None, 0, 100), ("z", Some("root"), 50, 0)]);
        assert_eq!(path_of(&trace), expected(&[("root", 0, 100)]));
        // Of two children ending at 50 the longer is taken; the zero-length one is off the path.
        let trace = trace_of(&[("root", None, 0, 100), ("a", Some("root"), 20, 30), ("z", Some("root"), 50, 0)]);
        assert_eq!(path_of(&trace), expected(&[("root", 0, 20), ("a", 20, 50), ("root", 50, 100)]));
        // A zero-length trace has an empty path.
        let trace = trace_of(&[("root", None, 7, 0), ("z", Some("root"), 7, 0)]);
        assert_eq!(path_of(&trace), expected(&[]));
    }

    #[test]
    fn clock_skew_clips_a_child_to_its_parents_start() {
        // a starts 20 before its parent; b ended before the parent started: off the path.
        let trace = trace_of(&[("root", None, 100, 100), ("b", Some("root"), 10, 40), ("a", Some("root"), 80, 70)]);
        assert_eq!(path_of(&trace), expected(&[("a", 100, 150), ("root", 150, 200)]));
    }

    #[test]
    fn several_roots_follow_the_one_that_ends_last() {
        let trace = trace_of(&[("first", None, 0, 100), ("second", None, 50, 250), ("s1", Some("second"), 60, 40)]);
        assert_eq!(path_of(&trace), expected(&[("second", 50, 60), ("s1", 60, 100), ("second", 100, 300)]));
    }

    #[test]
    fn breakdown_sums_by_kind_and_name_longest_first() {
        let trace = trace_of(&[
            ("root", None, 0, 100),
            ("step#1", Some("root"), 10, 20),
            ("step#2", Some("root"), 30, 20),
            ("tool", Some("root"), 50, 45),
        ]);
        let path = critical_path(&trace);
        let shares: Vec<(String, u64, usize)> =
            path.breakdown(&trace).into_iter().map(|share| (share.name, share.duration_ns, share.spans)).collect();
        assert_eq!(shares, [("tool".to_string(), 45, 1), ("step".to_string(), 40, 2), ("root".to_string(), 15, 1)]);
        assert_eq!(path.total_ns(), 100);
        assert!(path.is_on_path(0) && path.segments_of(0).count() == 2);
    }

    #[test]
    fn the_filter_keeps_path_spans_and_their_ancestors() {
        let trace = trace_of(&[
            ("root", None, 0, 100),
            ("a", Some("root"), 10, 80),
            ("a1", Some("a"), 20, 30),
            ("a2", Some("a"), 25, 60),
            ("b", Some("root"), 10, 5),
        ]);
        let path = critical_path(&trace);
        let names = |kept: Vec<bool>| -> Vec<String> {
            kept.iter()
                .enumerate()
                .filter(|(_, kept)| **kept)
                .map(|(index, _)| trace.spans[index].name.clone())
                .collect()
        };
        assert_eq!(names(kept_on_critical_path(&trace, &path, |_| true)), ["root", "a", "a2"]);
        assert_eq!(names(kept_on_critical_path(&trace, &path, |span| span.name == "a2")), ["root", "a", "a2"]);
        assert_eq!(names(kept_on_critical_path(&trace, &path, |span| span.name == "b")), Vec::<String>::new());
    }

    #[test]
    fn a_chain_100_000_deep_is_walked_without_recursion() {
        const DEPTH: usize = 100_000;
        let ids: Vec<String> = (0..DEPTH).map(|level| format!("s{level}")).collect();
        let spans = (0..DEPTH)
            .map(|level| {
                let parent = level.checked_sub(1).map(|parent| ids[parent].clone());
                let mut span = Span::new(ids[level].as_str(), parent, "step");
                span.start_ns = level as u64;
                span.duration_ns = 2 * (DEPTH - level) as u64;
                span
            })
            .collect();
        let trace = build_trace(Trace::default(), spans);
        let path = critical_path(&trace);
        assert_eq!(path.total_ns(), 2 * DEPTH as u64);
        // Every span but the deepest has time before and after its child; the deepest is whole.
        assert_eq!(path.segments.len(), 2 * DEPTH - 1);
        assert!(path.segments.windows(2).all(|pair| pair[0].end_ns == pair[1].start_ns));
    }
}
