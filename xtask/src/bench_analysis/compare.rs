//! Comparing two traces: the comparison (totals, structure, aligned steps, parameters) of two
//! 10,000-span agent traces, one a variation of the other (goal ≤ 300 ms), and of two unrelated
//! ones (the search's worst case, bounded by its budget); the word diff of two 50 KB prompts that
//! differ by a sentence and a few words (goal ≤ 100 ms), and of two unrelated 50 KB texts.

use trace_viewer_core::analysis::compare::{compare_traces, word_diff, AlignMethod};
use trace_viewer_core::model::{build_trace, Span, SpanKind, TokenUsage, Trace};
use trace_viewer_core::random::SplitMix64;

use super::{best_of, Yardstick};

/// An agent trace of `span_count` spans: turns of a plan call, one to three searches, a
/// retrieval and an answer. `variation` (0..1) is the share of turns that `change` alters: another
/// number of searches, a lookup instead of the retrieval, a turn without its answer.
fn agent_trace(span_count: usize, seed: u64, variation: f64, tool_names: [&str; 2]) -> Trace {
    let mut shape = SplitMix64::new(seed);
    let mut change = SplitMix64::new(seed ^ 0x5eed);
    let mut spans = Vec::with_capacity(span_count);
    let mut clock = 0u64;
    let mut push = |spans: &mut Vec<Span>, parent: Option<String>, name: &str, kind: SpanKind, duration: u64| {
        let id = format!("{:x}", spans.len() + 1);
        let mut span = Span::new(id.clone(), parent, name);
        span.kind = kind;
        span.start_ns = clock;
        span.duration_ns = duration;
        if kind == SpanKind::Llm {
            let details = span.ai_mut();
            details.model = Some("gpt-4o".into());
            details.tokens =
                TokenUsage { input: Some(800 + duration % 400), output: Some(60), ..TokenUsage::default() };
            details.cost_usd = Some(0.002);
        }
        clock += duration + 1_000;
        spans.push(span);
        id
    };
    let root = push(&mut spans, None, "support-agent", SpanKind::Agent, 1);
    while spans.len() < span_count {
        let altered = change.unit() < variation;
        let turn = push(&mut spans, Some(root.clone()), "turn", SpanKind::Chain, 1_000_000);
        let mut steps: Vec<(&str, SpanKind)> = vec![("plan", SpanKind::Llm)];
        let searches = 1 + shape.below(3) + u64::from(altered && change.below(2) == 0);
        steps.extend((0..searches).map(|_| (tool_names[0], SpanKind::Tool)));
        steps.push(if altered && change.below(3) == 0 {
            (tool_names[1], SpanKind::Tool)
        } else {
            ("kb", SpanKind::Retrieval)
        });
        if !(altered && change.below(4) == 0) {
            steps.push(("answer", SpanKind::Llm));
        }
        for (name, kind) in steps {
            if spans.len() >= span_count {
                break;
            }
            let duration = 1_000_000 + shape.below(4_000_000);
            push(&mut spans, Some(turn.clone()), name, kind, duration);
        }
    }
    spans[0].duration_ns = clock;
    build_trace(Trace { trace_id: format!("{seed:032x}"), ..Trace::default() }, spans)
}

/// About `bytes` of prose from a small vocabulary, sentences of 8 to 20 words.
fn prose(bytes: usize, seed: u64) -> String {
    const WORDS: [&str; 24] = [
        "the",
        "agent",
        "must",
        "always",
        "check",
        "order",
        "status",
        "before",
        "answering",
        "customer",
        "refund",
        "policy",
        "tool",
        "result",
        "search",
        "again",
        "when",
        "empty",
        "cite",
        "sources",
        "never",
        "guess",
        "prices",
        "politely",
    ];
    let mut random = SplitMix64::new(seed);
    let mut text = String::with_capacity(bytes + 200);
    while text.len() < bytes {
        let length = 8 + random.below(13);
        for place in 0..length {
            let word = WORDS[random.below(WORDS.len() as u64) as usize];
            if place == 0 {
                text.push_str(&word[..1].to_uppercase());
                text.push_str(&word[1..]);
            } else {
                text.push(' ');
                text.push_str(word);
            }
        }
        text.push_str(". ");
    }
    text
}

pub fn run(yardstick: &Yardstick) {
    println!("-- comparing two traces");
    let a = agent_trace(10_000, 1, 0.0, ["search", "lookup"]);
    let b = agent_trace(10_000, 1, 0.1, ["search", "lookup"]);
    let comparison = compare_traces(&a, &b);
    assert_eq!(comparison.steps.method, AlignMethod::Longest, "a variation aligns exactly");
    let milliseconds = best_of(5, || compare_traces(&a, &b));
    yardstick.report(
        &format!(
            "compare two 10,000-span traces, B a variation of A ({} rows, {} changed paths)",
            comparison.steps.rows.len(),
            comparison.structure.changed().count()
        ),
        milliseconds,
        Some(300.0),
    );
    let unrelated = agent_trace(10_000, 2, 0.5, ["web_search", "fetch"]);
    let comparison = compare_traces(&a, &unrelated);
    let milliseconds = best_of(5, || compare_traces(&a, &unrelated));
    yardstick.report(
        &format!(
            "compare two unrelated 10,000-span traces (alignment {:?}, {} rows)",
            comparison.steps.method,
            comparison.steps.rows.len()
        ),
        milliseconds,
        Some(300.0),
    );
    let prompt = prose(50_000, 3);
    let middle = prompt[prompt.len() / 2..].find(". ").map_or(prompt.len() / 2, |at| prompt.len() / 2 + at + 2);
    let mut edited = prompt.clone();
    edited.insert_str(middle, "Search again when the results are empty and say so. ");
    let edited = edited.replacen("customer", "client", 3);
    let diff = word_diff(&prompt, &edited);
    assert!(diff.exact);
    let milliseconds = best_of(5, || word_diff(&prompt, &edited));
    yardstick.report(
        &format!("word diff of two 50 KB prompts, a sentence and 3 words apart ({} pieces)", diff.pieces.len()),
        milliseconds,
        Some(100.0),
    );
    let other = prose(50_000, 4);
    let diff = word_diff(&prompt, &other);
    let milliseconds = best_of(5, || word_diff(&prompt, &other));
    yardstick.report(
        &format!("word diff of two unrelated 50 KB texts (exact: {}, {} pieces)", diff.exact, diff.pieces.len()),
        milliseconds,
        Some(100.0),
    );
}
