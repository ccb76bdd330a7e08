//! Generates a corpus of many small agent traces as OTLP/JSON Lines, deterministic for a given
//! trace count: intents, models, experiment variants, users and sessions, tools (some failing),
//! retrieved documents, tokens and cost, user feedback as span events, and scores; with two planted
//! effects for BubbleUp (`lookup_order` fails with `o3-mini` only; the treatment variant's
//! cancellations get thumbs down). A tenth of the
//! traces have their spans split over two lines a few lines apart, and some lines hold two
//! traces, as exporters batching spans write them. A failed tool's message names its duration and
//! a request id (`upstream timeout after 212 ms (request req_0000002a)`), so messages differ only
//! where error templates mask. Optionally ([`write_otlp_json_lines_with_loops`]) some traces
//! are planted stuck in a loop: the same tool call with identical arguments five times in a row. `cargo xtask gen corpus` writes it (and the
//! same traces in the own format); tests and benches read it.

use std::fmt::Write;

use crate::random::SplitMix64;

const BASE_TIME_NS: u64 = 1_733_000_000_000_000_000;
const DAY_NS: u64 = 86_400_000_000_000;

const INTENTS: [&str; 6] =
    ["order_status", "refund", "product_question", "cancel_subscription", "complaint", "shipping"];
const MODELS: [&str; 4] = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "o3-mini"];
const TOOLS: [&str; 4] = ["search_kb", "lookup_order", "issue_refund", "send_email"];
const VARIANTS: [&str; 2] = ["control", "treatment"];
const QUESTIONS: [&str; 6] = [
    "Where is my order? It was due yesterday.",
    "I want my money back for the broken blender.",
    "Does the X200 work with 110 V outlets?",
    "Please cancel my subscription before the next charge.",
    "Your support agent was rude and my issue is still open.",
    "Can you ship to Norway, and how long does it take?",
];

/// A reproducible stream of choices from one seed.
struct Choices(SplitMix64);

impl Choices {
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.0.below(bound)
    }

    /// True with probability `percent` / 100.
    fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn text_attribute(out: &mut String, key: &str, value: &str) {
    let _ = write!(out, r#"{{"key":"{key}","value":{{"stringValue":{}}}}},"#, serde_json::Value::from(value));
}

fn int_attribute(out: &mut String, key: &str, value: u64) {
    let _ = write!(out, r#"{{"key":"{key}","value":{{"intValue":"{value}"}}}},"#);
}

fn double_attribute(out: &mut String, key: &str, value: f64) {
    let _ = write!(out, r#"{{"key":"{key}","value":{{"doubleValue":{value}}}}},"#);
}

/// One span as OTLP/JSON, attributes given as text ending in a comma (or empty).
struct SpanText<'a> {
    trace_id: &'a str,
    span_id: u64,
    parent: Option<u64>,
    name: &'a str,
    kind: u8,
    start_ns: u64,
    end_ns: u64,
    attributes: String,
    events: String,
    error: Option<&'a str>,
}

impl SpanText<'_> {
    fn write(&self, out: &mut String) {
        let parent = self.parent.map(|parent| format!(r#""parentSpanId":"{parent:016x}","#)).unwrap_or_default();
        let status = match self.error {
            Some(message) => format!(r#"{{"code":2,"message":{}}}"#, serde_json::Value::from(message)),
            None => r#"{"code":1}"#.to_string(),
        };
        let _ = write!(
            out,
            r#"{{"traceId":"{}","spanId":"{:016x}",{parent}"name":"{}","kind":{},"startTimeUnixNano":"{}","endTimeUnixNano":"{}","attributes":[{}],"events":[{}],"status":{status}}}"#,
            self.trace_id,
            self.span_id,
            self.name,
            self.kind,
            self.start_ns,
            self.end_ns,
            self.attributes.trim_end_matches(','),
            self.events.trim_end_matches(','),
        );
    }
}

/// The choices trace number `number` is made of (its id's first half is the first).
fn trace_choices(number: u64) -> Choices {
    Choices(SplitMix64::new(number.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5DEE_CE66))
}

/// The trace id of trace number `number`, as its spans carry it.
pub fn trace_id(number: u64) -> String {
    format!("{:016x}{:016x}", trace_choices(number).next(), number)
}

/// Extra columns of the wide outcomes file: `dim01` … with 2, 4, 6 … distinct values.
pub const WIDE_OUTCOME_DIMENSIONS: u64 = 30;
/// Distinct values of the wide outcomes file's `customer` column.
pub const CUSTOMERS: u64 = 1_000;

/// Product outcomes of the first `traces` generated traces as CSV keyed by `trace_id`, a line at a
/// time: `plan`, `retained_d30` (0/1), `revenue`, `experiment`; or, `wide`, a `customer` column of
/// [`CUSTOMERS`] values and [`WIDE_OUTCOME_DIMENSIONS`] more (for BubbleUp over many dimensions).
pub fn write_outcomes_csv(traces: u64, wide: bool, write: &mut dyn FnMut(&str)) {
    let mut line = String::new();
    if wide {
        line.push_str("trace_id,customer");
        (1..=WIDE_OUTCOME_DIMENSIONS).for_each(|dimension| {
            let _ = write!(line, ",dim{dimension:02}");
        });
    } else {
        line.push_str("trace_id,plan,retained_d30,revenue,experiment");
    }
    line.push('\n');
    write(&line);
    for number in 0..traces {
        let mut choices = Choices(SplitMix64::new(number ^ 0x9E37_79B9_7F4A_7C15));
        line.clear();
        line.push_str(&trace_id(number));
        if wide {
            let _ = write!(line, ",customer-{:04}", choices.below(CUSTOMERS));
            for dimension in 1..=WIDE_OUTCOME_DIMENSIONS {
                let _ = write!(line, ",v{}", choices.below(dimension * 2));
            }
        } else {
            let plan = ["free", "pro", "team", "enterprise"][choices.below(4) as usize];
            let retained = u8::from(choices.percent(70));
            let revenue = choices.below(20_000) as f64 / 100.0;
            let experiment = ["onboarding-a", "onboarding-b"][choices.below(2) as usize];
            let _ = write!(line, ",{plan},{retained},{revenue},{experiment}");
        }
        line.push('\n');
        write(&line);
    }
}

/// The spans of trace number `number`, each as OTLP/JSON text.
/// Tool calls in a row of a trace planted stuck in a loop.
pub const PLANTED_LOOP_CALLS: u64 = 5;

/// Whether trace `number` of `traces` is one of `looping` planted stuck in a loop: spread evenly,
/// never one of the traces split over two lines (numbers ending in 3) or sharing a line (at most
/// one trace in ten is planted).
pub fn is_planted_loop(number: u64, traces: u64, looping: u64) -> bool {
    let stride = (traces / looping.max(1) / 10 * 10).max(10);
    looping > 0 && number.is_multiple_of(stride) && number / stride < looping
}

fn trace_spans(number: u64, traces: u64, looping: bool) -> Vec<String> {
    let mut choices = trace_choices(number);
    let trace_id = format!("{:016x}{:016x}", choices.next(), number);
    let intent_index = choices.below(INTENTS.len() as u64) as usize;
    let intent = INTENTS[intent_index];
    let variant = VARIANTS[choices.below(2) as usize];
    let model = MODELS[choices.below(MODELS.len() as u64) as usize];
    let user = choices.below(traces / 4 + 1);
    let session = number / 3;
    let start = BASE_TIME_NS + number * (DAY_NS / traces.max(1)) + choices.below(1_000_000);
    // Complaints and the treatment variant's refunds fail more: patterns for the aggregates.
    let fail_percent = match (intent, variant) {
        ("complaint", _) => 30,
        ("refund", "treatment") => 25,
        _ => 6,
    };
    let tool = TOOLS[(intent_index + choices.below(2) as usize) % TOOLS.len()];
    // Planted for BubbleUp: order lookups fail with one model only.
    let fail_percent = if tool == "lookup_order" && model == "o3-mini" { 70 } else { fail_percent };
    let tool_failed = choices.percent(fail_percent);
    let slow = choices.percent(5);
    let llm_ms = 300 + choices.below(1_500) + if slow { 4_000 + choices.below(3_000) } else { 0 };
    let tool_ms = 20 + choices.below(400);
    let retrieve_ms = 30 + choices.below(120);
    let answer_ms = 200 + choices.below(1_200);
    let documents = 1 + choices.below(4);
    let ms = 1_000_000;

    let mut spans = Vec::new();
    let mut push = |span: SpanText| {
        let mut text = String::with_capacity(600);
        span.write(&mut text);
        spans.push(text);
    };
    let mut clock = start;
    let root_end = start + (llm_ms + tool_ms + retrieve_ms + answer_ms + 40) * ms;

    let mut root_attributes = String::new();
    text_attribute(&mut root_attributes, "openinference.span.kind", "AGENT");
    text_attribute(&mut root_attributes, "intent", intent);
    text_attribute(&mut root_attributes, "user.id", &format!("user-{user:05}"));
    text_attribute(&mut root_attributes, "session.id", &format!("session-{session:06}"));
    text_attribute(&mut root_attributes, "experiment.variant", variant);
    text_attribute(&mut root_attributes, "app.region", ["eu", "us", "apac"][(number % 3) as usize]);
    text_attribute(&mut root_attributes, "input.value", QUESTIONS[intent_index]);
    let answer =
        if tool_failed { "Sorry, I could not complete that right now." } else { "Done: here is what I found." };
    text_attribute(&mut root_attributes, "output.value", answer);
    let mut root_events = String::new();
    let signal = match choices.below(100) {
        0..=19 => Some("thumbs_up"),
        20..=29 => Some("thumbs_down"),
        30..=39 => Some("follow_up"),
        40..=44 => Some("abandoned"),
        45..=49 => Some("converted"),
        _ => None,
    };
    let signal = if tool_failed && signal == Some("thumbs_up") { Some("thumbs_down") } else { signal };
    // Planted for BubbleUp: the treatment's cancellations get thumbs down.
    let planted_unhappy = intent == "cancel_subscription" && variant == "treatment" && choices.percent(80);
    let signal = if planted_unhappy { Some("thumbs_down") } else { signal };
    if let Some(signal) = signal {
        let _ = write!(
            root_events,
            r#"{{"timeUnixNano":"{}","name":"user_feedback","attributes":[{{"key":"feedback.type","value":{{"stringValue":"{signal}"}}}}]}},"#,
            root_end + 5_000 * ms
        );
    }
    if choices.percent(30) {
        let score = (choices.below(101) as f64) / 100.0;
        let _ = write!(
            root_events,
            r#"{{"timeUnixNano":"{}","name":"feedback","attributes":[{{"key":"feedback.type","value":{{"stringValue":"score"}}}},{{"key":"feedback.name","value":{{"stringValue":"helpfulness"}}}},{{"key":"feedback.value","value":{{"doubleValue":{score}}}}}]}},"#,
            root_end + 6_000 * ms
        );
    }
    push(SpanText {
        trace_id: &trace_id,
        span_id: number * 8 + 1,
        parent: None,
        name: "support-agent",
        kind: 2,
        start_ns: start,
        end_ns: root_end,
        attributes: root_attributes,
        events: root_events,
        error: None,
    });
    let llm = |model: &str, input_tokens: u64, output_tokens: u64| {
        let mut attributes = String::new();
        text_attribute(&mut attributes, "gen_ai.operation.name", "chat");
        text_attribute(&mut attributes, "gen_ai.request.model", model);
        int_attribute(&mut attributes, "gen_ai.usage.input_tokens", input_tokens);
        int_attribute(&mut attributes, "gen_ai.usage.output_tokens", output_tokens);
        double_attribute(&mut attributes, "gen_ai.usage.cost", (input_tokens * 3 + output_tokens * 12) as f64 / 1e6);
        attributes
    };
    clock += 10 * ms;
    let (input_tokens, output_tokens) = (400 + choices.below(2_000), 20 + choices.below(300));
    push(SpanText {
        trace_id: &trace_id,
        span_id: number * 8 + 2,
        parent: Some(number * 8 + 1),
        name: "chat plan",
        kind: 3,
        start_ns: clock,
        end_ns: clock + llm_ms * ms,
        attributes: llm(model, input_tokens, output_tokens),
        events: String::new(),
        error: None,
    });
    clock += llm_ms * ms + 5 * ms;
    if looping {
        // Planted: the same call five times with identical arguments, and no answer.
        for call in 1..=PLANTED_LOOP_CALLS {
            let mut attributes = String::new();
            text_attribute(&mut attributes, "gen_ai.operation.name", "execute_tool");
            text_attribute(&mut attributes, "gen_ai.tool.name", "search_kb");
            text_attribute(&mut attributes, "gen_ai.tool.call.arguments", r#"{"query":"refund policy"}"#);
            push(SpanText {
                trace_id: &trace_id,
                span_id: (1 << 41) + number * 16 + call,
                parent: Some(number * 8 + 1),
                name: "execute_tool search_kb",
                kind: 1,
                start_ns: clock + call * 2 * ms,
                end_ns: clock + call * 2 * ms + ms,
                attributes,
                events: String::new(),
                error: None,
            });
        }
        return spans;
    }
    let mut tool_attributes = String::new();
    text_attribute(&mut tool_attributes, "gen_ai.operation.name", "execute_tool");
    text_attribute(&mut tool_attributes, "gen_ai.tool.name", tool);
    push(SpanText {
        trace_id: &trace_id,
        span_id: number * 8 + 3,
        parent: Some(number * 8 + 1),
        name: &format!("execute_tool {tool}"),
        kind: 3,
        start_ns: clock,
        end_ns: clock + tool_ms * ms,
        attributes: tool_attributes,
        events: String::new(),
        error: tool_failed
            .then(|| format!("upstream timeout after {tool_ms} ms (request req_{number:08x})"))
            .as_deref(),
    });
    clock += tool_ms * ms + 5 * ms;
    let mut retrieve_attributes = String::new();
    text_attribute(&mut retrieve_attributes, "openinference.span.kind", "RETRIEVER");
    for document in 0..documents {
        text_attribute(
            &mut retrieve_attributes,
            &format!("retrieval.documents.{document}.document.id"),
            &format!("kb-{}", (number + document * 7) % 500),
        );
    }
    push(SpanText {
        trace_id: &trace_id,
        span_id: number * 8 + 4,
        parent: Some(number * 8 + 1),
        name: "retrieve kb",
        kind: 1,
        start_ns: clock,
        end_ns: clock + retrieve_ms * ms,
        attributes: retrieve_attributes,
        events: String::new(),
        error: None,
    });
    clock += retrieve_ms * ms + 5 * ms;
    let (input_tokens, output_tokens) = (800 + choices.below(2_500), 60 + choices.below(500));
    push(SpanText {
        trace_id: &trace_id,
        span_id: number * 8 + 5,
        parent: Some(number * 8 + 1),
        name: "chat answer",
        kind: 3,
        start_ns: clock,
        end_ns: clock + answer_ms * ms,
        attributes: llm(MODELS[(number % 4) as usize], input_tokens, output_tokens),
        events: String::new(),
        error: None,
    });
    if choices.percent(40) {
        let mut attributes = String::new();
        text_attribute(&mut attributes, "openinference.span.kind", "GUARDRAIL");
        push(SpanText {
            trace_id: &trace_id,
            span_id: number * 8 + 6,
            parent: Some(number * 8 + 5),
            name: "moderation",
            kind: 1,
            start_ns: clock + 10 * ms,
            end_ns: clock + 30 * ms,
            attributes,
            events: String::new(),
            error: None,
        });
    }
    if number % LONG_TRACE_EVERY == LONG_TRACE_AT {
        // A long agent run: a thousand spans in all, for opening one large trace from the corpus.
        for step in 1..=LONG_TRACE_STEPS {
            let mut attributes = String::new();
            text_attribute(&mut attributes, "gen_ai.operation.name", "execute_tool");
            text_attribute(&mut attributes, "gen_ai.tool.name", TOOLS[(step % 4) as usize]);
            push(SpanText {
                trace_id: &trace_id,
                span_id: (1 << 40) + number * 4_096 + step,
                parent: Some(number * 8 + 1),
                name: "execute_tool step",
                kind: 1,
                start_ns: start + step * ms,
                end_ns: start + step * ms + ms / 2,
                attributes,
                events: String::new(),
                error: None,
            });
        }
    }
    spans
}

/// Every this many traces one (the `LONG_TRACE_AT`-th) is a long agent run of about a thousand spans.
const LONG_TRACE_EVERY: u64 = 100_000;
const LONG_TRACE_AT: u64 = 77_777;
/// Steps added to the trace's own five or six spans: about a thousand spans in all.
const LONG_TRACE_STEPS: u64 = 995;

/// One OTLP/JSON Lines line holding these spans.
fn line(spans: &[String]) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"support-agent"}}}}]}},"scopeSpans":[{{"scope":{{"name":"corpus-generator","version":"1"}},"spans":[{}]}}]}}]}}"#,
        spans.join(",")
    )
}

/// The corpus of `traces` traces as OTLP/JSON Lines, each line ending in a newline.
pub fn otlp_json_lines(traces: u64) -> String {
    let mut out = String::new();
    write_otlp_json_lines(traces, &mut |line| out.push_str(line));
    out
}

/// The same corpus, handed to `write` a line at a time (each ending in a newline), so a corpus
/// of gigabytes is never held whole.
pub fn write_otlp_json_lines(traces: u64, write: &mut dyn FnMut(&str)) {
    write_otlp_json_lines_with_loops(traces, 0, write)
}

/// The corpus with `looping` traces planted stuck in a loop (see [`is_planted_loop`]), as a string.
pub fn otlp_json_lines_with_loops(traces: u64, looping: u64) -> String {
    let mut out = String::new();
    write_otlp_json_lines_with_loops(traces, looping, &mut |line| out.push_str(line));
    out
}

/// The corpus with `looping` traces planted stuck in a loop, a line at a time.
pub fn write_otlp_json_lines_with_loops(traces: u64, looping: u64, write: &mut dyn FnMut(&str)) {
    let mut out = String::new();
    let mut flush = |out: &mut String| {
        write(out);
        out.clear();
    };
    let mut held_back: Vec<(u64, Vec<String>)> = Vec::new();
    let mut number = 0;
    while number < traces {
        let spans = trace_spans(number, traces, is_planted_loop(number, traces, looping));
        if number % 10 == 3 && spans.len() > 2 {
            // Split: the root and the first step now, the rest three lines later.
            let (now, later) = spans.split_at(2);
            out.push_str(&line(now));
            held_back.push((number + 3, later.to_vec()));
        } else if number % 10 == 6 && number + 1 < traces {
            // Two traces in one line.
            let mut both = spans;
            both.extend(trace_spans(number + 1, traces, is_planted_loop(number + 1, traces, looping)));
            out.push_str(&line(&both));
            number += 1;
        } else {
            out.push_str(&line(&spans));
        }
        out.push('\n');
        flush(&mut out);
        number += 1;
        while let Some(position) = held_back.iter().position(|(due, _)| *due <= number) {
            let (_, later) = held_back.remove(position);
            out.push_str(&line(&later));
            out.push('\n');
            flush(&mut out);
        }
    }
    for (_, later) in held_back {
        out.push_str(&line(&later));
        out.push('\n');
        flush(&mut out);
    }
}
