//! What the writers read from the model, in one place: each span with its trace, its parent id,
//! service, scope and status, its AI details as plain values, and its attributes as a JSON object
//! (all of them, or those a format with AI fields of its own has not already written there).

use serde_json::{json, Map, Value};
use trace_viewer_core::model::{Attribute, Message, Resource, Scope, Span, SpanStatus, Trace, TraceSet};

/// Attributes that formats with AI fields of their own write in those fields instead.
const AI_FIELD_KEYS: &[&str] = &[
    "gen_ai.operation.name",
    "gen_ai.request.model",
    "gen_ai.response.model",
    "gen_ai.provider.name",
    "gen_ai.system",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.tool.name",
    "openinference.span.kind",
];

/// One span in its trace.
pub struct SpanView<'a> {
    pub trace: &'a Trace,
    pub index: usize,
    pub span: &'a Span,
}

/// Every span of every trace, in the model's order (parents before children).
pub fn spans(set: &TraceSet) -> impl Iterator<Item = SpanView<'_>> {
    set.traces.iter().flat_map(trace_spans)
}

/// The spans of one trace.
pub fn trace_spans(trace: &Trace) -> impl Iterator<Item = SpanView<'_>> {
    trace.spans.iter().enumerate().map(move |(index, span)| SpanView { trace, index, span })
}

/// The AI details of a span as plain values (messages read from their attribute).
#[derive(Default)]
pub struct Ai {
    pub model: Option<String>,
    pub provider: Option<String>,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub input_messages: Vec<Message>,
    pub output_messages: Vec<Message>,
    pub tool_name: Option<String>,
    pub input: Option<String>,
    pub output: Option<String>,
}

impl<'a> SpanView<'a> {
    pub fn parent_id(&self) -> Option<&'a str> {
        self.trace.parent_id_of(self.index)
    }

    pub fn end_ns(&self) -> u64 {
        self.span.end_ns()
    }

    pub fn resource(&self) -> Option<&'a Resource> {
        self.span.resource.get().and_then(|index| self.trace.resources.get(index))
    }

    pub fn service(&self) -> &'a str {
        self.resource().and_then(Resource::service_name).unwrap_or("unknown_service")
    }

    pub fn scope(&self) -> Option<&'a Scope> {
        self.span.scope.get().and_then(|index| self.trace.scopes.get(index))
    }

    /// `Some(message)` for a failed span.
    pub fn error(&self) -> Option<Option<&'a str>> {
        match &self.span.status {
            SpanStatus::Error { message } => Some(message.as_deref()),
            _ => None,
        }
    }

    /// OpenTelemetry's status code name: `OK`, `ERROR` or `UNSET`.
    pub fn status_code(&self) -> &'static str {
        match self.span.status {
            SpanStatus::Unset => "UNSET",
            SpanStatus::Ok => "OK",
            SpanStatus::Error { .. } => "ERROR",
        }
    }

    pub fn ai(&self) -> Ai {
        let Some(details) = self.span.ai.as_deref() else { return Ai::default() };
        let details = details.with_messages_read(&self.span.attributes);
        Ai {
            model: details.model.clone(),
            provider: details.provider.clone(),
            input_tokens: details.tokens.input,
            output_tokens: details.tokens.output,
            input_messages: details.input_messages.as_read().to_vec(),
            output_messages: details.output_messages.as_read().to_vec(),
            tool_name: details.tool.as_ref().and_then(|tool| tool.name.clone()),
            input: details.input.clone(),
            output: details.output.clone(),
        }
    }

    /// Every attribute as a JSON object of key → value.
    pub fn attributes(&self) -> Map<String, Value> {
        object(&self.span.attributes)
    }

    /// The attributes a format with AI fields of its own has not written there.
    pub fn other_attributes(&self) -> Map<String, Value> {
        self.span
            .attributes
            .iter()
            .filter(|attribute| !AI_FIELD_KEYS.contains(&attribute.key.as_str()))
            .map(|attribute| (attribute.key.clone(), attribute.value.to_json()))
            .collect()
    }
}

/// Attributes as a JSON object of key → value, in order.
pub fn object(attributes: &[Attribute]) -> Map<String, Value> {
    attributes.iter().map(|attribute| (attribute.key.clone(), attribute.value.to_json())).collect()
}

/// Chat messages as the OpenAI chat API writes them (`role`, `content`).
pub fn messages_json(messages: &[Message]) -> Value {
    Value::Array(messages.iter().map(|message| json!({"role": message.role, "content": message.content})).collect())
}

/// A hex id as bytes (pairs of hex digits; anything else as its UTF-8 bytes).
pub fn hex_bytes(id: &str) -> Vec<u8> {
    let digits = id.len().is_multiple_of(2) && id.bytes().all(|byte| byte.is_ascii_hexdigit());
    if !digits {
        return id.as_bytes().to_vec();
    }
    (0..id.len()).step_by(2).map(|at| u8::from_str_radix(&id[at..at + 2], 16).unwrap_or(0)).collect()
}

/// The last 64 bits of a hex id as a number (how Datadog and 64-bit tracers hold ids).
pub fn low_u64(id: &str) -> u64 {
    let tail = &id[id.len().saturating_sub(16)..];
    u64::from_str_radix(tail, 16).unwrap_or(0)
}

/// A UUID made of a trace id's first half and a span id (LangSmith's run ids are UUIDs).
pub fn uuid(trace_id: &str, span_id: &str) -> String {
    let hex = format!("{:0>16}{:0>16}", &trace_id[..trace_id.len().min(16)], span_id);
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

pub fn micros(nanos: u64) -> u64 {
    nanos / 1000
}

pub fn rfc3339(nanos: u64) -> String {
    trace_viewer_core::model::format_rfc3339_ns(nanos)
}

/// A time with exactly six fraction digits, as Python's `isoformat` writes it: `2024-06-01T12:00:00.123456`
/// (followed by `zone`: `Z`, `+00:00` or nothing).
pub fn iso_micros(nanos: u64, zone: &str) -> String {
    let micros = nanos / 1000;
    let whole_seconds = rfc3339(micros / 1_000_000 * 1_000_000_000);
    format!("{}.{:06}{zone}", &whole_seconds[..19], micros % 1_000_000)
}

/// A span's events as OpenTelemetry's Python SDK and Logfire write them: name, ISO time (the
/// span's start when the event has none), attributes as an object.
pub fn iso_events(span: &trace_viewer_core::model::Span) -> Vec<serde_json::Value> {
    span.events
        .iter()
        .map(|event| {
            serde_json::json!({
                "name": event.name,
                "timestamp": iso_micros(event.time_ns.unwrap_or(span.start_ns), "Z"),
                "attributes": object(&event.attributes),
            })
        })
        .collect()
}
