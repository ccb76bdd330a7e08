//! Generates realistic OTLP/JSON traces: an agent root with many turns, each a chain of an LLM
//! call (GenAI attributes and messages), a tool call and a retrieval; and lean traces for scale.
//! Deterministic: the same span count always gives the same bytes. The benchmarks (`cargo xtask
//! bench`) import large ones; the import worker imports small ones to warm up (`crates/worker`).

pub mod corpus;

use std::fmt::Write;

const BASE_TIME_NS: u64 = 1_717_000_000_000_000_000;
const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";

// One generated span's every field, spelled out at each call: clearer here than a struct.
#[allow(clippy::too_many_arguments)]
fn span_json(
    out: &mut String,
    span_id: u64,
    parent_id: Option<u64>,
    name: &str,
    start_ns: u64,
    duration_ns: u64,
    attributes: &str,
    error: bool,
) {
    let parent = parent_id.map(|parent| format!(r#""parentSpanId":"{parent:016x}","#)).unwrap_or_default();
    let status = if error { r#"{"code":2,"message":"tool failed: upstream timeout"}"# } else { r#"{"code":1}"# };
    let _ = write!(
        out,
        r#"{{"traceId":"{TRACE_ID}","spanId":"{span_id:016x}",{parent}"name":"{name}","kind":1,"startTimeUnixNano":"{start_ns}","endTimeUnixNano":"{}","attributes":[{attributes}],"status":{status}}}"#,
        start_ns + duration_ns
    );
}

fn string_attribute(key: &str, value: &str) -> String {
    format!(r#"{{"key":"{key}","value":{{"stringValue":"{value}"}}}}"#)
}

fn int_attribute(key: &str, value: u64) -> String {
    format!(r#"{{"key":"{key}","value":{{"intValue":"{value}"}}}}"#)
}

/// An OTLP/JSON document with exactly `span_count` spans in one trace.
pub fn otlp_trace(span_count: usize) -> String {
    let mut spans: Vec<String> = Vec::with_capacity(span_count);
    let mut next_id = 1u64;
    let mut clock = BASE_TIME_NS;
    let mut push = |spans: &mut Vec<String>,
                    parent: Option<u64>,
                    name: &str,
                    start: u64,
                    duration: u64,
                    attributes: String,
                    error: bool| {
        let id = next_id;
        next_id += 1;
        let mut text = String::with_capacity(512);
        span_json(&mut text, id, parent, name, start, duration, &attributes, error);
        spans.push(text);
        id
    };
    let root = push(
        &mut spans,
        None,
        "invoke_agent support-agent",
        clock,
        0,
        string_attribute("gen_ai.operation.name", "invoke_agent"),
        false,
    );
    let mut turn = 0u64;
    while spans.len() < span_count {
        turn += 1;
        let turn_start = clock;
        let chain =
            push(&mut spans, Some(root), "turn", turn_start, 9_000_000, int_attribute("turn.index", turn), false);
        let llm_attributes = [
            string_attribute("gen_ai.operation.name", "chat"),
            string_attribute("gen_ai.request.model", "gpt-4o-mini"),
            int_attribute("gen_ai.usage.input_tokens", 800 + turn % 400),
            int_attribute("gen_ai.usage.output_tokens", 40 + turn % 90),
            string_attribute(
                "gen_ai.input.messages",
                r#"[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Where is my order? It was due yesterday and the tracking page shows nothing.\"}]}]"#,
            ),
        ]
        .join(",");
        let kinds: [(&str, String, bool); 3] = [
            ("chat gpt-4o-mini", llm_attributes, false),
            (
                "execute_tool lookup_order",
                [
                    string_attribute("gen_ai.operation.name", "execute_tool"),
                    string_attribute("gen_ai.tool.name", "lookup_order"),
                ]
                .join(","),
                turn.is_multiple_of(50),
            ),
            ("retrieve kb", string_attribute("openinference.span.kind", "RETRIEVER"), false),
        ];
        for (offset, (name, attributes, error)) in kinds.into_iter().enumerate() {
            if spans.len() >= span_count {
                break;
            }
            push(&mut spans, Some(chain), name, turn_start + offset as u64 * 3_000_000, 2_500_000, attributes, error);
        }
        clock += 10_000_000;
    }
    // The root lasts the whole trace: patch its end time now that the clock is known.
    let root_end = format!(r#""endTimeUnixNano":"{clock}""#);
    spans[0] = spans[0].replacen(&format!(r#""endTimeUnixNano":"{BASE_TIME_NS}""#), &root_end, 1);
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{}]}},"scopeSpans":[{{"scope":{{"name":"bench-generator","version":"1"}},"spans":[{}]}}]}}]}}"#,
        string_attribute("service.name", "support-agent"),
        spans.join(",")
    )
}

/// [`otlp_trace`] with one top-level field more, which OTLP's typed reader does not know: it
/// steps aside and the trace is read through the JSON document, the way every other format is
/// (the worker's warm-up uses it to warm that path).
pub fn otlp_trace_read_as_document(span_count: usize) -> String {
    otlp_trace(span_count).replacen('{', "{\"warmUp\":true,", 1)
}

/// A lean OTLP/JSON trace of exactly `span_count` spans for scale tests: short names, one
/// attribute each, a root with turns of four children, every 97th span failed.
pub fn lean_otlp_trace(span_count: usize) -> String {
    let mut spans: Vec<String> = Vec::with_capacity(span_count);
    let mut turn_id = 0u64;
    for index in 0..span_count as u64 {
        let id = index + 1;
        let (parent, start) = if index == 0 {
            (None, BASE_TIME_NS)
        } else if index % 5 == 1 {
            turn_id = id;
            (Some(1), BASE_TIME_NS + index * 1_000)
        } else {
            (Some(turn_id), BASE_TIME_NS + index * 1_000)
        };
        let duration = if index == 0 {
            (span_count as u64 + 5) * 1_000
        } else if index % 5 == 1 {
            5_000
        } else {
            900
        };
        let attribute = int_attribute("step", index);
        let mut text = String::with_capacity(256);
        span_json(
            &mut text,
            id,
            parent,
            if index % 5 == 1 { "turn" } else { "step" },
            start,
            duration,
            &attribute,
            index % 97 == 0 && index > 0,
        );
        spans.push(text);
    }
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{}]}},"scopeSpans":[{{"scope":{{"name":"bench-generator","version":"1"}},"spans":[{}]}}]}}]}}"#,
        string_attribute("service.name", "scale"),
        spans.join(",")
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn generates_exactly_the_requested_spans_as_one_valid_trace() {
        let text = super::otlp_trace(1_000);
        let set = crate::import::import_text(&text, None).expect("valid OTLP");
        assert_eq!(set.traces.len(), 1);
        assert_eq!(set.traces[0].spans.len(), 1_000);
        assert!(set.traces[0].warnings.is_empty(), "{:?}", set.traces[0].warnings);
        assert_eq!(set.traces[0].spans[0].duration_ns, set.traces[0].duration_ns, "the root spans the trace");
    }

    #[test]
    fn the_lean_trace_is_one_clean_tree() {
        let set = crate::import::import_text(&super::lean_otlp_trace(1_000), None).expect("valid OTLP");
        let trace = &set.traces[0];
        assert_eq!(trace.spans.len(), 1_000);
        assert!(trace.warnings.is_empty(), "{:?}", trace.warnings.first());
        assert_eq!(trace.spans.iter().filter(|span| span.depth == 1).count(), 200);
    }
}
