//! "Compare with the nearest success": for a trace (usually a failed one), the successful trace
//! (no failed span) with the same intent whose structure is closest: the fewest spans on a path of
//! (kind, name) that one has and the other has not. Ties go to the closer duration, then to the
//! earlier trace. A trace without an intent is matched against every successful trace.

use crate::model::Trace;

use super::paths::PathTable;

/// The position in `traces` of the nearest success to `traces[target]`, if there is one.
pub fn nearest_success(traces: &[&Trace], target: usize) -> Option<usize> {
    let wanted = traces.get(target)?;
    let mut table = PathTable::default();
    let mut target_counts: Vec<u32> = Vec::new();
    for path in table.number_spans(wanted) {
        count(&mut target_counts, path);
    }
    let mut best: Option<(u64, u64, usize)> = None;
    for (position, trace) in traces.iter().enumerate() {
        let same_intent = wanted.intent.is_none() || trace.intent == wanted.intent;
        if position == target || !same_intent || trace.spans.is_empty() || trace.error_count() > 0 {
            continue;
        }
        let mut counts: Vec<u32> = Vec::new();
        for path in table.number_spans(trace) {
            count(&mut counts, path);
        }
        let length = counts.len().max(target_counts.len());
        let at = |counts: &[u32], path: usize| counts.get(path).copied().unwrap_or(0);
        let distance: u64 =
            (0..length).map(|path| u64::from(at(&counts, path).abs_diff(at(&target_counts, path)))).sum();
        let duration_gap = trace.duration_ns.abs_diff(wanted.duration_ns);
        let candidate = (distance, duration_gap, position);
        if best.is_none_or(|best| candidate < best) {
            best = Some(candidate);
        }
    }
    best.map(|(_, _, position)| position)
}

fn count(counts: &mut Vec<u32>, path: u32) {
    if counts.len() <= path as usize {
        counts.resize(path as usize + 1, 0);
    }
    counts[path as usize] += 1;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::tests::trace_of;
    use crate::model::SpanKind::{Agent, Llm, Tool};
    use crate::model::SpanStatus;

    #[test]
    fn the_nearest_success_has_the_same_intent_no_error_and_the_closest_structure() {
        let with_intent = |mut trace: Trace, intent: &str| {
            trace.intent = Some(intent.to_string());
            trace
        };
        let mut failed = with_intent(
            trace_of(&[(0, "agent", Agent), (1, "search", Tool), (1, "search", Tool), (1, "answer", Llm)]),
            "refund",
        );
        failed.spans[1].status = SpanStatus::Error { message: None };
        let far = with_intent(trace_of(&[(0, "agent", Agent), (1, "plan", Llm), (1, "answer", Llm)]), "refund");
        let near = with_intent(trace_of(&[(0, "agent", Agent), (1, "search", Tool), (1, "answer", Llm)]), "refund");
        let other_intent = with_intent(
            trace_of(&[(0, "agent", Agent), (1, "search", Tool), (1, "search", Tool), (1, "answer", Llm)]),
            "billing",
        );
        let mut near_but_failed = near.clone();
        near_but_failed.spans[2].status = SpanStatus::Error { message: None };
        let traces = [&failed, &far, &other_intent, &near_but_failed, &near];
        assert_eq!(nearest_success(&traces, 0), Some(4));
        assert_eq!(nearest_success(&[&failed, &other_intent, &near_but_failed], 0), None);
    }
}
