//! Datadog LLM Observability payloads: spans as the SDKs send them (the event-platform envelope
//! `[{"event_type": "span", "spans": [...]}]`, or the HTTP API's `{"data": {"type": "span",
//! "attributes": {"ml_app", "spans"}}}`), each span with `meta.kind` (llm, agent, workflow, tool,
//! task, retrieval, embedding), `meta.input` / `meta.output` (`messages`, `value`, `documents`),
//! `model_name`, `metrics` (tokens) and `status`; and evaluation metrics (`{"data": {"type":
//! "evaluation_metric", "attributes": {"metrics": [...]}}}`), which become feedback on the span
//! they name (`span_id` and `trace_id`, or `join_on.span`).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{object_fields, string_field, text, text_or_json, times, unsigned};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::messages_json::parse_messages;
use crate::model::{Attribute, AttributeValue, Feedback, FeedbackKind, Span, SpanKind, SpanStatus};

object_fields!(
    /// A span's fields with a meaning of their own, read in one pass; the others are kept.
    SpanFields {
        trace_id: "trace_id", span_id: "span_id", parent_id: "parent_id", name: "name", start_ns: "start_ns",
        duration: "duration", status: "status", meta: "meta", metrics: "metrics", tags: "tags",
        session_id: "session_id", kind: "kind",
    }
);

object_fields!(
    /// The fields of a span's `meta` this reader uses, read in one pass (`meta` is not kept as
    /// other fields; the three it shows as attributes are taken in file order by [`read_span`]).
    MetaFields {
        kind: "kind", span: "span", error: "error", error_message: "error.message", metadata: "metadata",
        model_name: "model_name", model_provider: "model_provider", input: "input", output: "output",
    }
);

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

/// The span kind a `meta.kind` names, and the name as the protocol's kind (shared, not copied,
/// for the kinds Datadog defines).
fn kind(name: &str) -> (SpanKind, Cow<'static, str>) {
    let (kind, known) = match name {
        "llm" => (SpanKind::Llm, "llm"),
        "agent" => (SpanKind::Agent, "agent"),
        "workflow" => (SpanKind::Chain, "workflow"),
        "task" => (SpanKind::Chain, "task"),
        "tool" => (SpanKind::Tool, "tool"),
        "retrieval" => (SpanKind::Retrieval, "retrieval"),
        "embedding" => (SpanKind::Embedding, "embedding"),
        other => return (SpanKind::Other, Cow::Owned(other.to_string())),
    };
    (kind, Cow::Borrowed(known))
}

/// `prefix` and `key` as one attribute key (`tag.` + `env`), allocated once.
fn prefixed(prefix: &str, key: &str) -> String {
    let mut joined = String::with_capacity(prefix.len() + key.len());
    joined.push_str(prefix);
    joined.push_str(key);
    joined
}

/// A value's text (a string, or a number's digits), copied.
fn owned_text(value: Option<&Value>) -> Option<String> {
    value.and_then(text).map(Cow::into_owned)
}

fn read_span(fields: &SpanFields) -> Span {
    let meta_object = fields.meta.and_then(Value::as_object);
    let meta = meta_object.map(MetaFields::read).unwrap_or_default();
    let span_kind = meta
        .kind
        .and_then(text)
        .or_else(|| meta.span.and_then(|span| span.get("kind")?.as_str()).map(Cow::Borrowed))
        .or_else(|| fields.kind.and_then(text))
        .unwrap_or_default();
    // `parent_id` of a root: empty or `"undefined"`.
    let parent = fields.parent_id.and_then(text).filter(|parent| !parent.is_empty() && parent != "undefined");
    let mut read = Span::new(
        fields.span_id.and_then(text).unwrap_or_default(),
        parent.map(Cow::into_owned),
        fields.name.and_then(text).unwrap_or_default(),
    );
    if !span_kind.is_empty() {
        let (kind, protocol_kind) = kind(&span_kind);
        read.kind = kind;
        read.protocol_kind = Some(protocol_kind);
    } else {
        read.kind = SpanKind::Other;
    }
    let start = fields.start_ns.and_then(unsigned);
    let end = start.zip(fields.duration.and_then(unsigned)).map(|(start, duration)| start.saturating_add(duration));
    set_times(&mut read, start, end, ("start_ns", "duration"), false);
    let failed = fields.status.and_then(Value::as_str) == Some("error") || meta.error.is_some();
    if failed {
        let message = meta
            .error
            .and_then(|error| error.get("message").and_then(Value::as_str).or_else(|| error.as_str()))
            .map(str::to_string)
            .or_else(|| owned_text(meta.error_message));
        read.status = SpanStatus::Error { message };
    }
    // In `meta`'s own order, nulls included (as empty values).
    for (key, value) in meta_object
        .into_iter()
        .flatten()
        .filter(|(key, _)| matches!(*key, "metadata" | "model_name" | "model_provider"))
    {
        read.attributes.push(Attribute::new(prefixed("meta.", key), AttributeValue::from_json(value)));
    }
    if let Some(Value::Array(tags)) = fields.tags {
        for tag in tags.iter().filter_map(Value::as_str) {
            let (key, value) = tag.split_once(':').unwrap_or((tag, ""));
            read.attributes.push(Attribute::new(prefixed("tag.", key), AttributeValue::String(value.into())));
        }
    }
    // Token counts, read in the same pass that keeps every metric as an attribute.
    let (mut input_tokens, mut output_tokens, mut total_tokens) = (None, None, None);
    if let Some(Value::Object(metrics)) = fields.metrics {
        for (key, value) in metrics {
            match key {
                "input_tokens" => input_tokens = unsigned(value),
                "output_tokens" => output_tokens = unsigned(value),
                "total_tokens" => total_tokens = unsigned(value),
                _ => {}
            }
            read.attributes.push(Attribute::new(prefixed("metrics.", key), AttributeValue::from_json(value)));
        }
    }
    let messages = |side: Option<&Value>, role: &str| {
        let mut messages = side.and_then(|side| side.get("messages")).map(parse_messages).unwrap_or_default();
        for message in messages.iter_mut().filter(|message| message.role == "unknown") {
            message.role = role.into();
        }
        messages
    };
    let value_text = |side: Option<&Value>| side.and_then(|side| side.get("value")).and_then(text_or_json);
    let is_tool = read.kind == SpanKind::Tool;
    let tool_name = is_tool.then(|| read.name.clone());
    let details = read.ai_mut();
    details.model = owned_text(meta.model_name);
    details.provider = owned_text(meta.model_provider);
    details.parameters = meta.metadata.and_then(text_or_json);
    details.input = value_text(meta.input);
    details.output = value_text(meta.output);
    details.input_messages = messages(meta.input, "user").into();
    details.output_messages = messages(meta.output, "assistant").into();
    details.tokens.input = input_tokens;
    details.tokens.output = output_tokens;
    details.tokens.total = total_tokens;
    if let Some(name) = tool_name {
        let (arguments, result) = (details.input.clone(), details.output.clone());
        details.tool = Some(crate::model::ToolRun { name: Some(name), call_id: None, arguments, result });
    }
    if read.ai.as_deref().is_some_and(|details| details.is_empty()) {
        read.ai = None;
    }
    read.other_fields = fields.other_fields().into();
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
            time_ns: metric.get("timestamp_ms").and_then(unsigned).and_then(|millis| times(millis, 1_000_000)),
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
                let fields = SpanFields::read(span);
                let trace_id = fields.trace_id.and_then(text).unwrap_or_default();
                let position = import.trace_position(&mut index, &trace_id);
                let raw = &mut import.traces[position];
                if raw.trace.session_id.is_none() {
                    raw.trace.session_id = owned_text(fields.session_id)
                        .or_else(|| attributes.and_then(|attributes| string_field(attributes, &["session_id"])));
                }
                raw.spans.push(read_span(&fields));
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
