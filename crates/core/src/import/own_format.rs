//! trace-viewer's own JSON format (`"format": "trace-viewer/v1"`), the one a team writes by hand
//! or emits from its own code. The schema is `www/trace-viewer.schema.json`; the README has an
//! example. A document holds either `traces: [...]` or one trace's fields at the top level.

use std::borrow::Cow;

use crate::json::{Map, Value};

use super::fields::{
    field, keep_unreadable, millis_float_to_ns, object_attributes, object_fields, other_fields, string_field, text,
    time_ms_or_rfc3339, time_ns,
};
use super::pipeline::{set_times, RawImport, RawTrace};
use super::ImportError;
use crate::model::encoding::base64_decode;
use crate::model::messages_json::parse_messages;
use crate::model::{
    AiDetails, Attribute, AttributeValue, Document, Feedback, FeedbackKind, ImportWarning, Span, SpanEvent, SpanKind,
    SpanLink, SpanStatus, TokenUsage, ToolRun, Trace,
};

pub const FORMAT_TAG: &str = "trace-viewer/v1";

/// The trace-level keys with a meaning of their own; any other key is an "other field".
pub(crate) const TRACE_FIELDS: &[&str] = &[
    "format",
    "$schema",
    "id",
    "name",
    "input",
    "intent",
    "output",
    "user_id",
    "session_id",
    "variant",
    "feedback",
    "spans",
    "traces",
    "other_fields",
];
/// The span-level keys with a meaning of their own; any other key is an "other field".
#[rustfmt::skip]
pub(crate) const SPAN_FIELDS: &[&str] = &[
    "id", "parent", "name", "kind", "start", "end", "start_ns", "end_ns", "duration_ms", "status", "error",
    "attributes", "events", "links", "model", "provider", "parameters", "input_messages", "output_messages", "tool",
    "documents", "tokens", "cost_usd", "input", "output", "other_fields",
];

/// Attributes written as an object of key → value, or as a list of `{key, value}` (the export's
/// form when two attributes share a key).
fn attributes(value: Option<&Value>) -> Vec<Attribute> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| {
                let key = item.get("key")?.as_str()?;
                let bytes =
                    item.get("bytes").and_then(Value::as_str).and_then(base64_decode).map(AttributeValue::Bytes);
                let value =
                    bytes.unwrap_or_else(|| AttributeValue::from_json(item.get("value").unwrap_or(&Value::Null)));
                Some(Attribute::new(key, value))
            })
            .collect(),
        other => object_attributes(other),
    }
}

/// A trace's or span's other fields: its keys without a meaning of their own, then the entries
/// of its `other_fields` object (where the exporter puts them when one of their keys has a
/// meaning here, such as a span field named `error` from another format).
fn all_other_fields(object: &Map, known: &[&str]) -> Vec<Attribute> {
    let mut fields = other_fields(object, known);
    fields.extend(attributes(object.get("other_fields")));
    fields
}

pub fn sniff(value: &Value) -> bool {
    value.get("format").and_then(Value::as_str).is_some_and(|tag| tag.starts_with("trace-viewer"))
}

/// A time from `<name>_ns` (exact integer nanoseconds) or `<name>` (RFC 3339 or epoch milliseconds).
fn time(object: &Map, name: &str, exact_name: &str) -> Option<u64> {
    object.get(exact_name).and_then(time_ns).or_else(|| object.get(name).and_then(time_ms_or_rfc3339))
}

object_fields!(
    /// A span's fields (see [`SPAN_FIELDS`]), read in one pass.
    SpanFields {
        id: "id", parent: "parent", name: "name", kind: "kind", start: "start", end: "end", start_ns: "start_ns",
        end_ns: "end_ns", duration_ms: "duration_ms", status: "status", error: "error", attributes: "attributes",
        events: "events", links: "links", model: "model", provider: "provider", parameters: "parameters",
        input_messages: "input_messages", output_messages: "output_messages", tool: "tool", documents: "documents",
        tokens: "tokens", cost_usd: "cost_usd", input: "input", output: "output", kept_fields: "other_fields",
    }
);

/// A field's text as [`string_field`] reads it.
fn owned_text(value: Option<&Value>) -> Option<String> {
    value.and_then(text).map(Cow::into_owned)
}

/// A time from `<name>_ns` (exact integer nanoseconds), else `<name>` (RFC 3339 or epoch milliseconds).
fn either_time(exact: Option<&Value>, loose: Option<&Value>) -> Option<u64> {
    exact.and_then(time_ns).or_else(|| loose.and_then(time_ms_or_rfc3339))
}

/// Reads one span; a missing start is placed by the pipeline once the trace's earliest start is known.
fn read_span(object: &Map, position: usize) -> Span {
    let fields = SpanFields::read(object);
    let span_id = owned_text(fields.id).unwrap_or_else(|| format!("span-{}", position + 1));
    let mut span = Span::new(span_id, owned_text(fields.parent), owned_text(fields.name).unwrap_or_default());
    let mut problems: Vec<String> = Vec::new();
    let mut problem = |message: String| problems.push(message);
    span.attributes = attributes(fields.attributes);
    span.kind = match fields.kind.and_then(Value::as_str) {
        Some(kind) => SpanKind::parse(kind).unwrap_or_else(|| {
            problem(format!("unknown kind {kind:?}; shown as other"));
            SpanKind::Other
        }),
        None => SpanKind::Other,
    };
    span.status = match (fields.status.and_then(Value::as_str), owned_text(fields.error)) {
        (_, Some(message)) => SpanStatus::Error { message: Some(message) },
        (Some("error"), None) => SpanStatus::Error { message: None },
        (Some("ok"), None) => SpanStatus::Ok,
        _ => SpanStatus::Unset,
    };
    let start = either_time(fields.start_ns, fields.start);
    let end = either_time(fields.end_ns, fields.end).or_else(|| {
        let millis = fields.duration_ms?.as_f64()?;
        start?.checked_add(millis_float_to_ns(millis)?)
    });
    set_times(&mut span, start, end, ("start", "end or duration_ms"), false);
    if let Some(Value::Array(events)) = fields.events {
        span.events = events
            .iter()
            .filter_map(Value::as_object)
            .map(|event| {
                let mut attributes = attributes(event.get("attributes"));
                attributes.extend(other_fields(event, &["name", "time", "time_ns", "attributes"]));
                SpanEvent {
                    name: string_field(event, &["name"]).unwrap_or_default(),
                    time_ns: time(event, "time", "time_ns"),
                    attributes,
                }
            })
            .collect();
    }
    if let Some(Value::Array(links)) = fields.links {
        span.links = links
            .iter()
            .filter_map(Value::as_object)
            .map(|link| SpanLink {
                trace_id: string_field(link, &["trace_id"]).unwrap_or_default(),
                span_id: string_field(link, &["span_id"]).unwrap_or_default(),
                attributes: attributes(link.get("attributes")),
            })
            .collect();
    }
    let mut other_fields = fields.other_fields();
    other_fields.extend(attributes(fields.kept_fields));
    keep_unreadable_numbers(&fields, &mut other_fields, &mut problem);
    span.other_fields = other_fields.into();
    let details = read_ai_details(&fields);
    if !details.is_empty() {
        span.ai = Some(Box::new(details));
    }
    for message in problems {
        span.warnings.push(ImportWarning::for_span(&span.span_id, message));
    }
    span
}

/// The counts a span's `tokens` object holds.
const TOKEN_KEYS: &[&str] = &["input", "output", "total", "cached", "reasoning"];

/// Whether a value reads as what a number field of the format holds.
type Readable = fn(&Value) -> bool;

/// A number field whose value cannot be read (a start of "yesterday", a count of -5 tokens, a
/// time past what 64-bit nanoseconds hold) is kept as an other field, as the file wrote it, with
/// a warning: nothing the file said is lost.
fn keep_unreadable_numbers(fields: &SpanFields, other_fields: &mut Vec<Attribute>, problem: &mut impl FnMut(String)) {
    let mut keep = |key: String, value: &Value, what: &str| problem(keep_unreadable(&key, value, what, other_fields));
    let time_ms: Readable = |value| time_ms_or_rfc3339(value).is_some();
    let exact_time: Readable = |value| time_ns(value).is_some();
    let duration: Readable = |value| value.as_f64().and_then(millis_float_to_ns).is_some();
    let amount: Readable = |value| value.as_f64().is_some_and(f64::is_finite);
    let number_fields: [(&str, Option<&Value>, Readable, &str); 6] = [
        ("start", fields.start, time_ms, "a time"),
        ("end", fields.end, time_ms, "a time"),
        ("start_ns", fields.start_ns, exact_time, "a time in nanoseconds"),
        ("end_ns", fields.end_ns, exact_time, "a time in nanoseconds"),
        ("duration_ms", fields.duration_ms, duration, "a duration"),
        ("cost_usd", fields.cost_usd, amount, "an amount"),
    ];
    for (key, value, readable, what) in number_fields {
        if let Some(value) = value.filter(|value| !readable(value)) {
            keep(key.to_string(), value, what);
        }
    }
    match fields.tokens {
        Some(Value::Object(tokens)) => {
            for (key, value) in tokens.iter().filter(|(_, value)| !value.is_null()) {
                if !TOKEN_KEYS.contains(&key) {
                    keep(format!("tokens.{key}"), value, "a kind of token count");
                } else if value.as_u64().is_none() {
                    keep(format!("tokens.{key}"), value, "a count of tokens");
                }
            }
        }
        Some(value) => keep("tokens".into(), value, "an object of token counts"),
        None => {}
    }
}

/// A value as text: strings as they are, anything else as its JSON.
fn json_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// The span's AI fields, in the same shape the exporter writes them.
fn read_ai_details(fields: &SpanFields) -> AiDetails {
    let tokens = fields.tokens.and_then(Value::as_object);
    let token = |key: &str| tokens.and_then(|tokens| tokens.get(key)).and_then(Value::as_u64);
    AiDetails {
        model: json_text(fields.model),
        provider: json_text(fields.provider),
        parameters: json_text(fields.parameters),
        input_messages: fields.input_messages.map(parse_messages).unwrap_or_default().into(),
        output_messages: fields.output_messages.map(parse_messages).unwrap_or_default().into(),
        tool: fields.tool.and_then(Value::as_object).map(|tool| ToolRun {
            name: string_field(tool, &["name"]),
            call_id: string_field(tool, &["call_id"]),
            arguments: json_text_field(tool, "arguments"),
            result: json_text_field(tool, "result"),
        }),
        documents: match fields.documents {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_object)
                .map(|document| Document {
                    id: string_field(document, &["id"]),
                    content: string_field(document, &["content"]),
                    score: document.get("score").and_then(Value::as_f64),
                    metadata: json_text_field(document, "metadata"),
                })
                .collect(),
            _ => Vec::new(),
        },
        tokens: TokenUsage {
            input: token("input"),
            output: token("output"),
            total: token("total"),
            cached: token("cached"),
            reasoning: token("reasoning"),
        },
        cost_usd: fields.cost_usd.and_then(Value::as_f64),
        input: json_text(fields.input),
        output: json_text(fields.output),
    }
}

/// A field that may be JSON or text, as text.
fn json_text_field(object: &Map, key: &str) -> Option<String> {
    match object.get(key)? {
        Value::String(text) => Some(text.to_string()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn read_feedback(value: &Value) -> Option<Feedback> {
    let object = value.as_object()?;
    let kind_name = string_field(object, &["type", "kind"])?;
    Some(Feedback {
        kind: FeedbackKind::parse(&kind_name),
        name: string_field(object, &["name"]),
        value: field(object, &["value", "score"]).and_then(Value::as_f64),
        comment: string_field(object, &["comment"]),
        text: string_field(object, &["text", "question"]),
        time_ns: time(object, "time", "time_ns"),
        span_id: string_field(object, &["span_id"]),
    })
}

fn read_trace(object: &Map, path: &str) -> Result<RawTrace, ImportError> {
    let spans_value = object.get("spans").unwrap_or(&Value::Null);
    let Some(span_values) = spans_value.as_array() else {
        return Err(ImportError::Invalid {
            path: format!("{path}.spans"),
            reason: "expected an array of spans".into(),
        });
    };
    let mut warnings = Vec::new();
    let mut spans: Vec<Span> = Vec::with_capacity(span_values.len());
    for (position, span_value) in span_values.iter().enumerate() {
        match span_value.as_object() {
            Some(span_object) => spans.push(read_span(span_object, position)),
            None => {
                warnings.push(ImportWarning::general(format!("{path}.spans[{position}] is not an object; skipped")))
            }
        }
    }
    let feedback = match object.get("feedback") {
        Some(Value::Array(items)) => items.iter().filter_map(read_feedback).collect(),
        _ => Vec::new(),
    };
    let trace = Trace {
        trace_id: string_field(object, &["id"]).unwrap_or_default(),
        name: string_field(object, &["name"]).unwrap_or_default(),
        user_input: string_field(object, &["input"]),
        intent: string_field(object, &["intent"]),
        final_output: string_field(object, &["output"]),
        user_id: string_field(object, &["user_id"]),
        session_id: string_field(object, &["session_id"]),
        variant: string_field(object, &["variant"]),
        feedback,
        other_fields: all_other_fields(object, TRACE_FIELDS),
        warnings,
        ..Trace::default()
    };
    Ok(RawTrace { trace, spans })
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let Some(object) = value.as_object() else {
        return Err(ImportError::Invalid { path: "$".into(), reason: "expected an object".into() });
    };
    let mut set = RawImport::new("trace-viewer");
    let tag = object.get("format").and_then(Value::as_str).unwrap_or_default();
    if tag != FORMAT_TAG {
        set.warnings
            .push(ImportWarning::general(format!("format {tag:?} is not {FORMAT_TAG:?}; read as {FORMAT_TAG}")));
    }
    match object.get("traces") {
        Some(Value::Array(traces)) => {
            for (position, trace) in traces.iter().enumerate() {
                let path = format!("$.traces[{position}]");
                let Some(trace_object) = trace.as_object() else {
                    return Err(ImportError::Invalid { path, reason: "expected a trace object".into() });
                };
                set.traces.push(read_trace(trace_object, &path)?);
            }
        }
        Some(_) => {
            return Err(ImportError::Invalid { path: "$.traces".into(), reason: "expected an array of traces".into() })
        }
        None => set.traces.push(read_trace(object, "$")?),
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_reader_takes_every_span_field_the_format_defines() {
        assert_eq!(SpanFields::KEYS, SPAN_FIELDS);
    }
}
