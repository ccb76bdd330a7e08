//! Datadog LLM Observability payloads: spans as the SDKs send them (the event-platform envelope
//! `[{"event_type": "span", "spans": [...]}]`, or the HTTP API's `{"data": {"type": "span",
//! "attributes": {"ml_app", "spans"}}}`), each span with `meta.kind` (llm, agent, workflow, tool,
//! task, retrieval, embedding), `meta.input` / `meta.output` (`messages`, `value`, `documents`),
//! `model_name`, `metrics` (tokens) and `status`; and evaluation metrics (`{"data": {"type":
//! "evaluation_metric", "attributes": {"metrics": [...]}}}`), which become feedback on the span
//! they name (`span_id` and `trace_id`, or `join_on.span`).

use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{other_fields, string_field, text_or_json, unsigned};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::messages_json::parse_messages;
use crate::model::{Attribute, AttributeValue, Feedback, FeedbackKind, Span, SpanKind, SpanStatus};

const SPAN_FIELDS: &[&str] = &[
    "trace_id",
    "span_id",
    "parent_id",
    "name",
    "start_ns",
    "duration",
    "status",
    "meta",
    "metrics",
    "tags",
    "session_id",
    "kind",
];

/// The spans of a payload (from every envelope of a list), or its evaluation metrics.
enum Payload<'a> {
    Spans(Vec<&'a Map<'a>>, Option<&'a Map<'a>>),
    Metrics(&'a Vec<Value<'a>>),
}

fn payload<'a>(value: &'a Value<'a>) -> Option<Payload<'a>> {
    if let Some(attributes) = value.get("data").and_then(|data| data.get("attributes")).and_then(Value::as_object) {
        if let Some(Value::Array(metrics)) = attributes.get("metrics") {
            return Some(Payload::Metrics(metrics));
        }
        let spans = attributes.get("spans")?.as_array()?;
        return Some(Payload::Spans(spans.iter().filter_map(Value::as_object).collect(), Some(attributes)));
    }
    let envelopes: Vec<&Map> = match value {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        Value::Object(envelope) => vec![envelope],
        _ => return None,
    };
    let is_envelope = |envelope: &&Map| {
        envelope.get("event_type").and_then(Value::as_str) == Some("span") || envelope.contains_key("ml_app")
    };
    if envelopes.is_empty() || !envelopes.iter().all(is_envelope) {
        return None;
    }
    let spans = envelopes
        .iter()
        .filter_map(|envelope| envelope.get("spans")?.as_array())
        .flatten()
        .filter_map(Value::as_object)
        .collect();
    Some(Payload::Spans(spans, None))
}

pub fn sniff(value: &Value) -> bool {
    match payload(value) {
        Some(Payload::Spans(spans, _)) => {
            spans.first().is_some_and(|span| span.contains_key("span_id") && span.contains_key("meta"))
        }
        Some(Payload::Metrics(metrics)) => metrics.first().is_some_and(|metric| metric.get("metric_type").is_some()),
        None => false,
    }
}

fn kind(name: &str) -> SpanKind {
    match name {
        "llm" => SpanKind::Llm,
        "agent" => SpanKind::Agent,
        "workflow" | "task" => SpanKind::Chain,
        "tool" => SpanKind::Tool,
        "retrieval" => SpanKind::Retrieval,
        "embedding" => SpanKind::Embedding,
        _ => SpanKind::Other,
    }
}

/// `parent_id` of a root: empty or `"undefined"`.
fn parent(span: &Map) -> Option<String> {
    string_field(span, &["parent_id"]).filter(|parent| !parent.is_empty() && parent != "undefined")
}

fn read_span(span: &Map) -> Span {
    let meta = span.get("meta").and_then(Value::as_object);
    let meta_text = |key: &str| meta.and_then(|meta| string_field(meta, &[key]));
    let span_kind = meta_text("kind")
        .or_else(|| meta.and_then(|meta| meta.get("span")?.get("kind")?.as_str().map(str::to_string)))
        .or_else(|| string_field(span, &["kind"]))
        .unwrap_or_default();
    let mut read = Span::new(
        string_field(span, &["span_id"]).unwrap_or_default(),
        parent(span),
        string_field(span, &["name"]).unwrap_or_default(),
    );
    read.kind = kind(&span_kind);
    read.protocol_kind = (!span_kind.is_empty()).then(|| span_kind.clone().into());
    let start = span.get("start_ns").and_then(unsigned);
    let end =
        start.zip(span.get("duration").and_then(unsigned)).map(|(start, duration)| start.saturating_add(duration));
    set_times(&mut read, start, end, ("start_ns", "duration"), false);
    let error = meta.and_then(|meta| meta.get("error"));
    let failed =
        span.get("status").and_then(Value::as_str) == Some("error") || error.is_some_and(|error| !error.is_null());
    if failed {
        let message = error
            .and_then(|error| {
                error
                    .get("message")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .or_else(|| error.as_str().map(str::to_string))
            })
            .or_else(|| meta_text("error.message"));
        read.status = SpanStatus::Error { message };
    }
    if let Some(meta) = meta {
        for (key, value) in meta.iter().filter(|(key, _)| matches!(*key, "metadata" | "model_name" | "model_provider"))
        {
            read.attributes.push(Attribute::new(format!("meta.{key}"), AttributeValue::from_json(value)));
        }
    }
    if let Some(Value::Array(tags)) = span.get("tags") {
        for tag in tags.iter().filter_map(Value::as_str) {
            let (key, value) = tag.split_once(':').unwrap_or((tag, ""));
            read.attributes.push(Attribute::new(format!("tag.{key}"), AttributeValue::String(value.into())));
        }
    }
    if let Some(Value::Object(metrics)) = span.get("metrics") {
        read.attributes.extend(
            metrics
                .iter()
                .map(|(key, value)| Attribute::new(format!("metrics.{key}"), AttributeValue::from_json(value))),
        );
    }
    let side = |key: &str| meta.and_then(|meta| meta.get(key));
    let messages = |key: &str, role: &str| {
        let mut messages = side(key).and_then(|side| side.get("messages")).map(parse_messages).unwrap_or_default();
        for message in messages.iter_mut().filter(|message| message.role == "unknown") {
            message.role = role.into();
        }
        messages
    };
    let (span_kind, span_name) = (read.kind, read.name.clone());
    let details = read.ai_mut();
    details.model = meta_text("model_name");
    details.provider = meta_text("model_provider");
    details.parameters = meta.and_then(|meta| meta.get("metadata")).and_then(text_or_json);
    details.input = side("input").and_then(|input| input.get("value")).and_then(text_or_json);
    details.output = side("output").and_then(|output| output.get("value")).and_then(text_or_json);
    details.input_messages = messages("input", "user").into();
    details.output_messages = messages("output", "assistant").into();
    let metric = |key: &str| span.get("metrics").and_then(|metrics| metrics.get(key)).and_then(unsigned);
    details.tokens.input = metric("input_tokens");
    details.tokens.output = metric("output_tokens");
    details.tokens.total = metric("total_tokens");
    if span_kind == SpanKind::Tool {
        let (arguments, result) = (details.input.clone(), details.output.clone());
        details.tool = Some(crate::model::ToolRun { name: Some(span_name), call_id: None, arguments, result });
    }
    if read.ai.as_deref().is_some_and(|details| details.is_empty()) {
        read.ai = None;
    }
    read.other_fields = other_fields(span, SPAN_FIELDS).into();
    read
}

fn metric_feedback(metric: &Map) -> Option<(String, Feedback)> {
    let join = metric.get("join_on").and_then(|join| join.get("span"));
    let ids = |key: &str| {
        join.and_then(|join| join.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| string_field(metric, &[key]))
    };
    let trace_id = ids("trace_id")?;
    let text = ["categorical_value", "boolean_value"].iter().find_map(|key| metric.get(key)).and_then(text_or_json);
    Some((
        trace_id,
        Feedback {
            kind: FeedbackKind::Score,
            name: string_field(metric, &["label"]),
            value: ["score_value", "numerical_value"].iter().find_map(|key| metric.get(key)?.as_f64()),
            comment: string_field(metric, &["reasoning", "assessment"]),
            text,
            time_ns: metric.get("timestamp_ms").and_then(unsigned).and_then(|millis| millis.checked_mul(1_000_000)),
            span_id: ids("span_id"),
        },
    ))
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("datadog-llmobs");
    let mut index = HashMap::new();
    match payload(value) {
        Some(Payload::Spans(spans, attributes)) => {
            for span in spans {
                let trace_id = string_field(span, &["trace_id"]).unwrap_or_default();
                let session = string_field(span, &["session_id"])
                    .or_else(|| attributes.and_then(|attributes| string_field(attributes, &["session_id"])));
                let raw = import.trace_mut(&mut index, &trace_id);
                if raw.trace.session_id.is_none() {
                    raw.trace.session_id = session;
                }
                raw.spans.push(read_span(span));
            }
        }
        Some(Payload::Metrics(metrics)) => {
            for (trace_id, feedback) in metrics.iter().filter_map(Value::as_object).filter_map(metric_feedback) {
                import.trace_mut(&mut index, &trace_id).trace.feedback.push(feedback);
            }
        }
        None => {
            return Err(ImportError::Invalid {
                path: "$".into(),
                reason: "expected Datadog LLM Observability spans or evaluation metrics".into(),
            })
        }
    }
    Ok(import)
}
