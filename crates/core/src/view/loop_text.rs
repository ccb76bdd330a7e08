//! What a folded loop's row says: the repeated block's steps, the count, the loop's tokens and
//! cost, its tooltip (work in all, shortest and longest iteration, where it lies in the trace,
//! failures), and the stuck-loop warning.

use crate::analysis::{format_duration_ns, LoopRun, StuckCall};
use crate::model::{count_of, format_count, SpanKind, Trace};
use crate::view::present::format_cost_usd;

/// Characters of a stuck call's arguments quoted in its warning.
const ARGUMENTS_SHOWN: usize = 160;

/// The block's steps, kind and name, in order (`[(Llm, "plan"), (Tool, "search")]`).
pub fn loop_steps(trace: &Trace, block: &[usize]) -> Vec<(SpanKind, String)> {
    block
        .iter()
        .filter_map(|&index| trace.spans.get(index))
        .map(|span| (span.kind, if span.name.is_empty() { "(unnamed span)".to_string() } else { span.name.clone() }))
        .collect()
}

/// The loop's tokens and cost (`40,000 tok · $0.12`), as a span's row writes its own; `None`
/// when its model calls have neither.
pub fn loop_usage(run: &LoopRun) -> Option<String> {
    let mut parts = Vec::new();
    if run.tokens > 0 {
        parts.push(format!("{} tok", format_count(run.tokens)));
    }
    if let Some(cost) = run.cost_usd {
        parts.push(format_cost_usd(cost));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The folded row's tooltip: what repeats, the work, the iterations' range, where, the bill.
pub fn loop_tooltip(trace: &Trace, run: &LoopRun, steps: &[(SpanKind, String)]) -> String {
    let names: Vec<&str> = steps.iter().map(|(_, name)| name.as_str()).collect();
    let mut lines = vec![
        format!(
            "{} × {} ({})",
            format_count(u64::from(run.repeats)),
            names.join(" → "),
            count_of(run.span_count() as u64, "span")
        ),
        format!(
            "{} of work in all · each iteration {} to {}",
            format_duration_ns(run.duration_ns),
            format_duration_ns(run.min_iteration_ns),
            format_duration_ns(run.max_iteration_ns)
        ),
        format!(
            "from +{} to +{} of the trace",
            format_duration_ns(run.start_ns.saturating_sub(trace.start_ns)),
            format_duration_ns(run.end_ns.saturating_sub(trace.start_ns))
        ),
    ];
    if let Some(usage) = loop_usage(run) {
        lines.push(format!("{usage} in its model calls"));
    }
    if run.error_count > 0 {
        lines.push(count_of(run.error_count as u64, "failed span"));
    }
    lines.join("\n")
}

/// The hidden-failures note a folded loop carries, as a collapsed span's does (` · 1 error`).
pub fn loop_errors(run: &LoopRun) -> Option<String> {
    match run.error_count {
        0 => None,
        1 => Some("1 error".to_string()),
        many => Some(format!("{} errors", format_count(many as u64))),
    }
}

/// The stuck-loop warning: a short mark (the row has little room; the block's names already say
/// which tool) and its explanation.
pub fn stuck_warning(stuck: &StuckCall) -> (String, String) {
    let mut arguments: String = stuck.arguments.chars().take(ARGUMENTS_SHOWN).collect();
    if arguments.len() < stuck.arguments.len() {
        arguments.push('…');
    }
    let iterations = format_count(u64::from(stuck.iterations));
    (
        "stuck?".to_string(),
        format!("Possibly stuck: {iterations} iterations call {} with identical arguments:\n{arguments}", stuck.tool),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{find_loops, stuck_call};
    use crate::import::import_text;

    #[test]
    fn a_folded_loop_is_described_in_words() {
        let mut spans = vec![r#"{"id":"root","name":"agent","start":0,"end":1000}"#.to_string()];
        for turn in 0..3 {
            let at = 10 + turn * 100;
            spans.push(format!(
                r#"{{"id":"p{turn}","parent":"root","name":"plan","kind":"llm","start":{at},"end":{},"tokens":{{"total":1200}},"cost_usd":0.001}}"#,
                at + 40 + turn * 10
            ));
            let status = if turn == 1 { r#","status":"error""# } else { "" };
            spans.push(format!(
                r#"{{"id":"s{turn}","parent":"root","name":"search","kind":"tool","start":{},"end":{}{status},"tool":{{"name":"search","arguments":{{"q":"refund"}}}}}}"#,
                at + 50 + turn * 10,
                at + 60 + turn * 10
            ));
        }
        let text = format!(r#"{{"format":"trace-viewer/v1","spans":[{}]}}"#, spans.join(","));
        let trace = import_text(&text, None).expect("imports").traces.remove(0);
        let loops = find_loops(&trace);
        let run = &loops.runs[0];
        let steps = loop_steps(&trace, &loops.block(&trace, 0));
        assert_eq!(steps, [(SpanKind::Llm, "plan".to_string()), (SpanKind::Tool, "search".to_string())]);
        assert_eq!(loop_usage(run).as_deref(), Some("3,600 tok · $0.003"));
        assert_eq!(
            loop_tooltip(&trace, run, &steps),
            "3 × plan → search (6 spans)\n180 ms of work in all · each iteration 60.0 ms to 80.0 ms\n\
             from +10.0 ms to +290 ms of the trace\n3,600 tok · $0.003 in its model calls\n1 failed span"
        );
        assert_eq!(loop_errors(run).as_deref(), Some("1 error"));
        let (mark, explanation) = stuck_warning(&stuck_call(&trace, run).expect("stuck"));
        assert_eq!(mark, "stuck?");
        assert_eq!(
            explanation,
            "Possibly stuck: 3 iterations call search with identical arguments:\n{\"q\":\"refund\"}"
        );
    }

    #[test]
    fn long_arguments_are_cut_in_the_warning() {
        let stuck = StuckCall { tool: "t".into(), arguments: "é".repeat(400), iterations: 1200 };
        let (_, explanation) = stuck_warning(&stuck);
        assert!(explanation.starts_with("Possibly stuck: 1,200 iterations call t with identical arguments:\n"));
        assert!(explanation.ends_with(&format!("{}…", "é".repeat(ARGUMENTS_SHOWN))));
    }
}
