//! What a trace's first frame needs from every span, gathered in one pass: for the rows, each
//! span's self time (its duration less the time its children cover) and whether it or a
//! descendant failed; for the header, the failures and the model calls' tokens and cost; for the
//! minimap, when spans start. A million spans take 136 MB in wasm, so every separate pass reads
//! all of that again: these took seven, and a large trace's first frame waited for them.

use crate::model::{Span, SpanKind, Trace};
use crate::view::present::is_model_call;

/// Columns of the start-time histogram (the minimap's strip).
pub const HISTOGRAM_COLUMNS: usize = 120;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceDigest {
    /// Per span (by index): time in the span itself, outside its children.
    pub self_times: Vec<u64>,
    /// Per span: it or a descendant failed.
    pub error_in_subtree: Vec<bool>,
    /// Spans that failed.
    pub error_count: usize,
    /// Tokens over the model calls (LLM and embedding spans: agents and chains often repeat
    /// their children's sums).
    pub model_tokens: u64,
    /// Cost over the model calls, when any has one.
    pub model_cost_usd: Option<f64>,
    /// Per column of the trace's time range: how many spans start there, and whether one failed.
    pub starts: Vec<u32>,
    pub failed_starts: Vec<bool>,
    /// Spans of each kind, in [`SpanKind::ALL`] order (the toolbar's kind filter lists them).
    pub kind_counts: [usize; SpanKind::ALL.len()],
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
    let mut digest = TraceDigest {
        self_times: vec![0; spans.len()],
        error_in_subtree: vec![false; spans.len()],
        starts: vec![0; HISTOGRAM_COLUMNS],
        failed_starts: vec![false; HISTOGRAM_COLUMNS],
        ..TraceDigest::default()
    };
    let column_of = start_column(trace);
    let mut open: Vec<Open> = Vec::new();
    // Spans whose children could not be added in start order, computed again at the end.
    let mut out_of_order: Vec<usize> = Vec::new();
    for (index, span) in spans.iter().enumerate() {
        let failed = span.status.is_error();
        // `ALL` lists the kinds in declaration order, so a kind's number is its place in it.
        digest.kind_counts[span.kind as usize] += 1;
        digest.error_in_subtree[index] |= failed;
        digest.error_count += usize::from(failed);
        let column = column_of(span.start_ns);
        digest.starts[column] = digest.starts[column].saturating_add(1);
        digest.failed_starts[column] |= failed;
        if let (true, Some(details)) = (is_model_call(span), span.ai.as_deref()) {
            // Saturating: counts come from the file, which may claim anything.
            digest.model_tokens = digest.model_tokens.saturating_add(details.tokens.total_or_sum().unwrap_or(0));
            if let Some(cost) = details.cost_usd {
                *digest.model_cost_usd.get_or_insert(0.0) += cost;
            }
        }
        while open.last().is_some_and(|top| spans[top.index].subtree_end <= index) {
            if let Some(finished) = open.pop() {
                finish(spans, finished, &mut digest, &mut out_of_order);
            }
        }
        match (open.last_mut(), span.parent.get()) {
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

/// The histogram column a start time falls in (times outside the trace go to the nearest end).
fn start_column(trace: &Trace) -> impl Fn(u64) -> usize {
    let (start, duration) = (trace.start_ns, trace.duration_ns.max(1));
    // 64-bit arithmetic where it cannot overflow (any trace shorter than ~4.8 years); 128-bit
    // division is a slow library call in wasm, once per span.
    let fits_in_u64 = duration <= u64::MAX / HISTOGRAM_COLUMNS as u64;
    move |start_ns| {
        let offset = start_ns.saturating_sub(start).min(duration);
        let column = if fits_in_u64 {
            (offset * HISTOGRAM_COLUMNS as u64 / duration) as usize
        } else {
            (u128::from(offset) * HISTOGRAM_COLUMNS as u128 / u128::from(duration)) as usize
        };
        column.min(HISTOGRAM_COLUMNS - 1)
    }
}

fn finish(spans: &[Span], finished: Open, digest: &mut TraceDigest, out_of_order: &mut Vec<usize>) {
    let span = &spans[finished.index];
    if finished.in_start_order {
        digest.self_times[finished.index] = span.duration_ns.saturating_sub(finished.children.covered);
    } else {
        out_of_order.push(finished.index);
    }
    if digest.error_in_subtree[finished.index] {
        if let Some(flag) = span.parent.get().and_then(|parent| digest.error_in_subtree.get_mut(parent)) {
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
            span.parent = parents[index].into();
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
                .filter(|child| child.parent.get() == Some(index))
                .map(|child| (child.start_ns, child.end_ns()))
                .collect();
            children.sort_unstable();
            let mut union = Union::within(span.start_ns, span.end_ns());
            for (start, end) in children {
                union.add(start, end);
            }
            expected.self_times.push(span.duration_ns.saturating_sub(union.covered));
        }
        expected.error_count = spans.iter().filter(|span| span.status.is_error()).count();
        for (slot, kind) in expected.kind_counts.iter_mut().zip(SpanKind::ALL) {
            *slot = spans.iter().filter(|span| span.kind == kind).count();
        }
        let model_calls = || {
            spans
                .iter()
                .filter(|span| matches!(span.kind, SpanKind::Llm | SpanKind::Embedding))
                .filter_map(|span| span.ai.as_deref())
        };
        expected.model_tokens = model_calls().filter_map(|details| details.tokens.total_or_sum()).sum();
        let costs: Vec<f64> = model_calls().filter_map(|details| details.cost_usd).collect();
        expected.model_cost_usd = (!costs.is_empty()).then(|| costs.iter().sum());
        expected.starts = vec![0; HISTOGRAM_COLUMNS];
        expected.failed_starts = vec![false; HISTOGRAM_COLUMNS];
        let duration = u128::from(trace.duration_ns.max(1));
        for span in spans {
            let offset = u128::from(span.start_ns.saturating_sub(trace.start_ns)).min(duration);
            let column = ((offset * HISTOGRAM_COLUMNS as u128 / duration) as usize).min(HISTOGRAM_COLUMNS - 1);
            expected.starts[column] += 1;
            expected.failed_starts[column] |= span.status.is_error();
        }
        expected.error_in_subtree = vec![false; spans.len()];
        for failed in (0..spans.len()).filter(|&index| spans[index].status.is_error()) {
            let mut at = Some(failed);
            while let Some(current) = at {
                expected.error_in_subtree[current] = true;
                at = spans[current].parent.get();
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
            let found = digest(trace);
            assert_eq!(found, by_definition(trace));
            assert!(found.starts.iter().filter(|count| **count > 0).count() > 1, "spans spread over the strip");
        }
        let set =
            crate::import::import_text(&crate::generate::otlp_trace(1_500), None).expect("a generated trace imports");
        assert!(digest(&set.traces[0]).model_tokens > 0, "the GenAI trace's model calls have tokens");
        // Costs, which the generator does not write, on two model calls.
        let mut trace = set.traces[0].clone();
        let mut priced =
            trace.spans.iter_mut().filter(|span| span.kind == SpanKind::Llm).filter_map(|span| span.ai.as_deref_mut());
        for cost in [0.25, 0.5] {
            if let Some(details) = priced.next() {
                details.cost_usd = Some(cost);
            }
        }
        assert_eq!(digest(&trace).model_cost_usd, Some(0.75));
        assert_eq!(digest(&trace), by_definition(&trace));
    }
}
