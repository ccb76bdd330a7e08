//! One trace's runs read from separate documents (JSON Lines of LangSmith runs, which need not
//! name their trace): each document names its trace after its own top run, so the trace arrives
//! in pieces. A piece whose top run's parent is a span of another piece is that piece's trace:
//! it takes that trace's id, and the pieces are merged as any spans of one trace are.

use std::collections::HashMap;

use super::pipeline::RawTrace;

/// The piece a named trace's top run makes: its trace id is its own top run's id, and that run
/// has a parent the piece does not hold.
fn named_after_a_run_with_a_parent(raw: &RawTrace) -> Option<&str> {
    let top = raw.spans.iter().find(|span| span.span_id == raw.trace.trace_id)?;
    let parent = top.parent_span_id.as_deref()?;
    (!raw.spans.iter().any(|span| span.span_id == parent)).then_some(parent)
}

/// Gives each such piece the trace id of the trace its top run's parent is in (following chains
/// of pieces); returns whether any id changed (then the traces are merged again by id).
pub fn relabel(traces: &mut [RawTrace]) -> bool {
    if traces.len() < 2 {
        return false;
    }
    let parents: Vec<Option<String>> =
        traces.iter().map(|raw| named_after_a_run_with_a_parent(raw).map(str::to_string)).collect();
    if parents.iter().all(Option::is_none) {
        return false;
    }
    let mut trace_of_span: HashMap<&str, usize> = HashMap::new();
    for (position, raw) in traces.iter().enumerate() {
        for span in &raw.spans {
            trace_of_span.entry(span.span_id.as_str()).or_insert(position);
        }
    }
    let next: Vec<Option<usize>> = parents
        .iter()
        .enumerate()
        .map(|(position, parent)| {
            parent.as_deref().and_then(|parent| trace_of_span.get(parent).copied()).filter(|found| *found != position)
        })
        .collect();
    drop(trace_of_span);
    // Where each chain of pieces ends (a cycle of pieces stops where it closes).
    let mut changed = false;
    for start in 0..traces.len() {
        let mut current = start;
        let mut steps = 0;
        while let Some(following) = next[current] {
            current = following;
            steps += 1;
            if steps > traces.len() {
                break;
            }
        }
        if current != start {
            traces[start].trace.trace_id = traces[current].trace.trace_id.clone();
            changed = true;
        }
    }
    changed
}
