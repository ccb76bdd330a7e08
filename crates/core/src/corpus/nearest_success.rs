//! "Compare with nearest success" over a corpus: for a trace, the successful trace (no failed span)
//! with the same intent whose spans are closest. The index keeps no parents, so closeness is over
//! the count of spans of each (kind, name, model or tool), failed or not: the sum of the
//! differences (the open-file version, `analysis::compare::nearest_success`, counts paths from the
//! root instead). Ties go to the closer duration, then to the earlier row. A trace without an
//! intent is matched against every successful trace.

use super::dictionary::ABSENT;
use super::index::{CorpusIndex, FAILED};

/// The row of the nearest success to row `target`, if there is one.
pub fn nearest_success(index: &CorpusIndex, target: usize) -> Option<usize> {
    if target >= index.len() {
        return None;
    }
    // Each distinct combination's number with its failure bit dropped, so a failed search and a
    // successful one count as the same step.
    let same_step = step_numbers(index);
    let mut target_counts = vec![0u32; same_step.len()];
    let mut counts = vec![0u32; same_step.len()];
    let mut touched = Vec::new();
    for range in index.span_ranges(target) {
        index.spans.facts.for_each_in(range, |facts| target_counts[same_step[facts as usize] as usize] += 1);
    }
    let target_total: u64 = target_counts.iter().map(|&count| u64::from(count)).sum();
    let intent = index.intent.rows.at(target);
    let target_duration = index.duration_ns[target];
    let mut best: Option<(u64, u64, usize)> = None;
    for row in 0..index.len() {
        let same_intent = intent == ABSENT || index.intent.rows.at(row) == intent;
        if row == target || !same_intent || index.span_count.at(row) == 0 || index.error_count.at(row) > 0 {
            continue;
        }
        // Differences: each step the candidate has, against the target's count; then the target's
        // steps the candidate lacks (its total less what the candidate's steps matched).
        for range in index.span_ranges(row) {
            index.spans.facts.for_each_in(range, |facts| {
                let step = same_step[facts as usize] as usize;
                if counts[step] == 0 {
                    touched.push(step);
                }
                counts[step] += 1;
            });
        }
        let mut distance = 0u64;
        let mut matched_target = 0u64;
        for &step in &touched {
            distance += u64::from(counts[step].abs_diff(target_counts[step]));
            matched_target += u64::from(target_counts[step]);
            counts[step] = 0;
        }
        touched.clear();
        distance += target_total - matched_target;
        let candidate = (distance, index.duration_ns[row].abs_diff(target_duration), row);
        if best.is_none_or(|best| candidate < best) {
            best = Some(candidate);
        }
    }
    best.map(|(_, _, row)| row)
}

/// For each distinct combination of span facts, the number of its step: the same for
/// combinations that differ only in having failed.
fn step_numbers(index: &CorpusIndex) -> Vec<u32> {
    let mut steps = std::collections::HashMap::new();
    index
        .spans
        .kinds
        .iter()
        .map(|facts| {
            let key = (facts.name, facts.detail, facts.kind_and_status & !FAILED);
            let next = steps.len() as u32;
            *steps.entry(key).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::corpus::Corpus;

    /// A trace of our own format as one JSON line: `steps` are (name, kind, failed) under one agent.
    fn line(id: &str, intent: Option<&str>, duration_ms: u64, steps: &[(&str, &str, bool)]) -> String {
        let mut spans = vec![serde_json::json!({
            "id": format!("{id}-root"), "name": "agent", "kind": "agent",
            "start": "2025-03-04T10:00:00.000Z", "duration_ms": duration_ms,
        })];
        for (number, (name, kind, failed)) in steps.iter().enumerate() {
            spans.push(serde_json::json!({
                "id": format!("{id}-{number}"), "parent": format!("{id}-root"), "name": name, "kind": kind,
                "start": "2025-03-04T10:00:00.000Z", "duration_ms": 1, "status": if *failed { "error" } else { "ok" },
            }));
        }
        let mut trace = serde_json::json!({ "id": id, "name": "agent", "spans": spans });
        if let Some(intent) = intent {
            trace["intent"] = intent.into();
        }
        serde_json::json!({ "format": "trace-viewer/v1", "traces": [trace] }).to_string() + "\n"
    }

    #[test]
    fn the_nearest_success_has_the_same_intent_no_failed_span_and_the_closest_spans() {
        let failed = [("search", "tool", true), ("search", "tool", false), ("answer", "llm", false)];
        let lines = [
            line("failed", Some("refund"), 900, &failed),
            line("far", Some("refund"), 900, &[("plan", "llm", false), ("answer", "llm", false)]),
            line("near-slow", Some("refund"), 5_000, &[("search", "tool", false), ("answer", "llm", false)]),
            line("near", Some("refund"), 1_000, &[("search", "tool", false), ("answer", "llm", false)]),
            line("same-but-billing", Some("billing"), 900, &failed.map(|(name, kind, _)| (name, kind, false))),
            line("same-but-failed", Some("refund"), 900, &failed),
            line(
                "no-intent",
                None,
                900,
                &[("search", "tool", false), ("search", "tool", false), ("answer", "llm", false)],
            ),
        ]
        .concat();
        let mut corpus = Corpus::new();
        let file = corpus.add_file("traces.jsonl");
        corpus.feed(file, lines.as_bytes());
        corpus.finish_file(file);
        assert_eq!(corpus.index.len(), 7);
        // Same intent, no failure, one search fewer (the failed search counts as a search); of the
        // two equally close, the closer duration.
        assert_eq!(corpus.nearest_success("failed").as_deref(), Some("near"));
        // A trace without an intent is matched against every success: the one with its very spans.
        assert_eq!(corpus.nearest_success("same-but-billing").as_deref(), None);
        assert_eq!(corpus.nearest_success("no-intent").as_deref(), Some("same-but-billing"));
        assert_eq!(corpus.nearest_success("unknown"), None);
    }
}
