//! Loop folding on a million spans: `analysis::find_loops` over a generated agent trace of 1,000
//! turns, each 250 × [llm plan, tool search → 2 × http GET] (runs at three levels, every other
//! turn stuck on identical search arguments, tokens and cost on every model call); and the
//! stuck-loop check, which the viewer makes for the rows it draws, made here for every run.

use trace_viewer_core::analysis::{find_loops, stuck_call};
use trace_viewer_core::model::{build_trace, AiDetails, Span, SpanKind, TokenUsage, ToolRun, Trace};

use super::{best_of, Yardstick};

const TURNS: usize = 1_000;
const ITERATIONS: usize = 250;

pub fn run(yardstick: &Yardstick) {
    let trace = agent_trace();
    let loops = find_loops(&trace);
    let milliseconds = best_of(5, || find_loops(&trace));
    yardstick.report(
        &format!("loop detection, {} spans ({} runs)", trace.spans.len(), loops.runs.len()),
        milliseconds,
        Some(200.0),
    );
    // The viewer asks this of a run when its row is drawn; here of every run, for the worst case.
    let stuck = loops.runs.iter().filter(|run| stuck_call(&trace, run).is_some()).count();
    let milliseconds = best_of(3, || loops.runs.iter().filter(|run| stuck_call(&trace, run).is_some()).count());
    yardstick.report(&format!("stuck-loop check of every run ({stuck} stuck)"), milliseconds, None);
}

fn span(id: String, parent: Option<String>, name: &str, kind: SpanKind, start_ns: u64, duration_ns: u64) -> Span {
    let mut span = Span::new(id, parent, name);
    span.kind = kind;
    span.start_ns = start_ns;
    span.duration_ns = duration_ns;
    span
}

fn agent_trace() -> Trace {
    let mut spans = Vec::with_capacity(TURNS * ITERATIONS * 4 + TURNS + 1);
    let turn_ns = (ITERATIONS as u64) * 1_000;
    spans.push(span("root".into(), None, "agent", SpanKind::Agent, 0, TURNS as u64 * turn_ns));
    for turn in 0..TURNS {
        let turn_id = format!("t{turn}");
        let turn_start = turn as u64 * turn_ns;
        spans.push(span(turn_id.clone(), Some("root".into()), "turn", SpanKind::Chain, turn_start, turn_ns));
        for iteration in 0..ITERATIONS {
            let at = turn_start + iteration as u64 * 1_000;
            let mut plan = span(format!("p{turn}.{iteration}"), Some(turn_id.clone()), "plan", SpanKind::Llm, at, 400);
            plan.ai = Some(Box::new(AiDetails {
                tokens: TokenUsage { input: Some(900), output: Some(40), ..TokenUsage::default() },
                cost_usd: Some(0.0004),
                ..AiDetails::default()
            }));
            let search_id = format!("s{turn}.{iteration}");
            let mut search = span(search_id.clone(), Some(turn_id.clone()), "search", SpanKind::Tool, at + 500, 400);
            let arguments = if turn % 2 == 0 {
                r#"{"query":"refund policy"}"#.to_string()
            } else {
                format!(r#"{{"query":"refund policy","page":{iteration}}}"#)
            };
            search.ai = Some(Box::new(AiDetails {
                tool: Some(ToolRun { name: Some("search".into()), arguments: Some(arguments), ..ToolRun::default() }),
                ..AiDetails::default()
            }));
            spans.push(plan);
            spans.push(search);
            for call in 0..2u64 {
                let id = format!("h{turn}.{iteration}.{call}");
                spans.push(span(
                    id,
                    Some(search_id.clone()),
                    "GET /search",
                    SpanKind::Other,
                    at + 510 + call * 150,
                    100,
                ));
            }
        }
    }
    build_trace(Trace::default(), spans)
}
