//! Span lists people paste from SDKs and tools:
//! - the OpenTelemetry Python SDK's `ReadableSpan.to_json()` (what the console exporter prints):
//!   `context.trace_id` as `0x...`, ISO times, `kind: "SpanKind.CLIENT"`, `status.status_code`;
//! - the OpenTelemetry JavaScript SDK's `ReadableSpan` (`spanContext`, `[seconds, nanos]` times);
//! - Arize Phoenix's span export (`context.trace_id`, `parent_id`, `span_kind`, flat dotted or
//!   nested attributes, `status_code`).
//!
//! One file owns all three because they share most fields and differ only in spelling.

use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{field, flatten_attributes, other_fields, string_field, time_ms_or_rfc3339, unsigned};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::encoding::normalise_binary_id;
use crate::model::{OptionalIndex, Resource, Scope, Span, SpanEvent, SpanKind, SpanLink, SpanStatus};

const SPAN_FIELDS: &[&str] = &[
    "name",
    "context",
    "spanContext",
    "parent_id",
    "parentSpanId",
    "parentSpanContext",
    "parentId",
    "kind",
    "span_kind",
    "start_time",
    "end_time",
    "startTime",
    "endTime",
    "status",
    "status_code",
    "status_message",
    "attributes",
    "events",
    "links",
    "resource",
    "instrumentationLibrary",
    "instrumentationScope",
    "duration",
    "ended",
];

fn context<'a>(value: &'a Value<'a>) -> Option<&'a Map<'a>> {
    context_of(value.as_object()?)
}

fn context_of<'a>(object: &'a Map<'a>) -> Option<&'a Map<'a>> {
    object.get("context").or_else(|| object.get("spanContext")).and_then(Value::as_object)
}

fn is_span_dump(value: &Value) -> bool {
    let Some(context) = context(value) else { return false };
    let has_ids = (context.contains_key("trace_id") || context.contains_key("traceId"))
        && (context.contains_key("span_id") || context.contains_key("spanId"));
    has_ids && value.get("name").is_some()
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(is_span_dump),
        Value::Object(object) => {
            is_span_dump(value)
                || object
                    .get("spans")
                    .or_else(|| object.get("data"))
                    .and_then(Value::as_array)
                    .is_some_and(|spans| spans.first().is_some_and(is_span_dump))
        }
        _ => false,
    }
}

/// `[seconds, nanos]` (JavaScript HrTime), an ISO string, epoch milliseconds, or (an integer
/// of 10^17 or more, which as milliseconds would be millions of years away) epoch nanoseconds, as
/// MLflow 2 writes its spans' times.
fn time(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(number) if number.as_u64().is_some_and(|nanos| nanos >= 100_000_000_000_000_000) => {
            number.as_u64()
        }
        Value::Array(pair) if pair.len() == 2 => {
            let seconds = unsigned(&pair[0])?;
            let nanos = unsigned(&pair[1])?;
            super::fields::times(seconds, 1_000_000_000)?.checked_add(nanos)
        }
        other => time_ms_or_rfc3339(other),
    }
}

fn id(value: Option<String>, byte_length: usize) -> Option<String> {
    let text = value.filter(|text| !text.is_empty())?;
    Some(normalise_binary_id(&text, byte_length).0)
}

fn status(object: &Map) -> SpanStatus {
    let (code, message) = match object.get("status") {
        Some(Value::Object(status)) => (
            status.get("status_code").or_else(|| status.get("code")).cloned(),
            string_field(status, &["description", "message"]),
        ),
        _ => (object.get("status_code").cloned(), string_field(object, &["status_message"])),
    };
    let message = message.filter(|message| !message.is_empty());
    match code {
        Some(Value::String(code)) if code.ends_with("ERROR") => SpanStatus::Error { message },
        Some(Value::String(code)) if code.ends_with("OK") => SpanStatus::Ok,
        Some(Value::Number(code)) if code.as_u64() == Some(2) => SpanStatus::Error { message },
        Some(Value::Number(code)) if code.as_u64() == Some(1) => SpanStatus::Ok,
        _ => SpanStatus::Unset,
    }
}

/// The position in `trace.resources` of the resource a span's `resource` object describes, added
/// when new. Spans of one process repeat the same object: it is compared, as written, with the last
/// one read before anything is built from it.
fn resource_position<'v, 'j>(
    written: &'v Value<'j>,
    trace: &mut crate::model::Trace,
    last: &mut Option<(&'v Value<'j>, usize)>,
) -> Option<usize> {
    let resource = written.as_object()?;
    if let Some((_, position)) =
        last.filter(|(previous, position)| *previous == written && *position < trace.resources.len())
    {
        return Some(position);
    }
    let attributes = flatten_attributes(resource.get("attributes").or(Some(written)));
    let resource = Resource { attributes, other_fields: other_fields(resource, &["attributes"]) };
    let position = match trace.resources.iter().position(|existing| *existing == resource) {
        Some(position) => position,
        None => {
            trace.resources.push(resource);
            trace.resources.len() - 1
        }
    };
    *last = Some((written, position));
    Some(position)
}

fn read_span<'v, 'j>(
    object: &'v Map<'j>,
    context: &Map,
    trace: &mut crate::model::Trace,
    last_resource: &mut Option<(&'v Value<'j>, usize)>,
) -> Span {
    let empty = Map::new();
    let span_id = id(string_field(context, &["span_id", "spanId"]), 8).unwrap_or_default();
    let parent = id(
        string_field(object, &["parent_id", "parentSpanId", "parentId"]).or_else(|| {
            object
                .get("parentSpanContext")
                .and_then(Value::as_object)
                .and_then(|parent| string_field(parent, &["spanId", "span_id"]))
        }),
        8,
    );
    let mut span = Span::new(span_id.clone(), parent, string_field(object, &["name"]).unwrap_or_default());
    span.attributes = flatten_attributes(object.get("attributes"));
    if let Some(kind) = object.get("span_kind").and_then(Value::as_str) {
        // Phoenix names the AI kind directly; the conventions module maps it like OpenInference.
        span.kind = super::conventions::kind_from_attributes(&[crate::model::Attribute::new(
            "openinference.span.kind",
            crate::model::AttributeValue::String(kind.to_string()),
        )])
        .unwrap_or(SpanKind::Other);
    }
    span.protocol_kind = match object.get("kind") {
        Some(Value::String(kind)) => Some(crate::model::protocol_kind_name(kind.trim_start_matches("SpanKind."))),
        Some(Value::Number(number)) => Some(
            ["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]
                .get(number.as_u64().unwrap_or(9) as usize)
                .map(|kind| std::borrow::Cow::Borrowed(*kind))
                .unwrap_or_else(|| number.to_string().into()),
        ),
        _ => None,
    };
    span.status = status(object);
    let start = time(field(object, &["start_time", "startTime"]));
    let end = time(field(object, &["end_time", "endTime"]));
    set_times(&mut span, start, end, ("start_time", "end_time"), false);
    if let Some(Value::Array(events)) = object.get("events") {
        span.events = events
            .iter()
            .filter_map(Value::as_object)
            .map(|event| SpanEvent {
                name: string_field(event, &["name"]).unwrap_or_default(),
                time_ns: time(field(event, &["timestamp", "time"])),
                attributes: flatten_attributes(event.get("attributes")),
            })
            .collect();
    }
    if let Some(Value::Array(links)) = object.get("links") {
        span.links = links
            .iter()
            .filter_map(Value::as_object)
            .map(|link| {
                let link_context = link.get("context").and_then(Value::as_object).unwrap_or(&empty);
                SpanLink {
                    trace_id: id(string_field(link_context, &["trace_id", "traceId"]), 16).unwrap_or_default(),
                    span_id: id(string_field(link_context, &["span_id", "spanId"]), 8).unwrap_or_default(),
                    attributes: flatten_attributes(link.get("attributes")),
                }
            })
            .collect();
    }
    if let Some(written) = object.get("resource") {
        span.resource = OptionalIndex::from(resource_position(written, trace, last_resource));
    }
    if let Some(Value::Object(scope)) =
        object.get("instrumentationScope").or_else(|| object.get("instrumentationLibrary"))
    {
        let scope = Scope {
            name: string_field(scope, &["name"]).unwrap_or_default(),
            version: string_field(scope, &["version"]),
            attributes: flatten_attributes(scope.get("attributes")),
        };
        span.scope = OptionalIndex::from(match trace.scopes.iter().position(|existing| *existing == scope) {
            Some(position) => position,
            None => {
                trace.scopes.push(scope);
                trace.scopes.len() - 1
            }
        });
    }
    span.other_fields = other_fields(object, SPAN_FIELDS).into();
    span.other_fields.extend(other_fields(context, &["trace_id", "traceId", "span_id", "spanId"]));
    span
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(object) => match object.get("spans").or_else(|| object.get("data")).and_then(Value::as_array) {
            Some(spans) => spans.iter().collect(),
            None => vec![value],
        },
        _ => Vec::new(),
    };
    let format = match items.first() {
        Some(first) if super::mlflow::has_mlflow_attributes(first) => super::mlflow::FORMAT,
        Some(first) if first.get("spanContext").is_some() => "otel-js-spans",
        Some(first) if first.get("span_kind").is_some() => "phoenix-spans",
        _ => "otel-python-spans",
    };
    let mut import = RawImport::new(format);
    let mut index = HashMap::new();
    let empty = Map::new();
    let mut last_resource = None;
    let mut last_trace = None;
    for object in items.into_iter().filter_map(Value::as_object) {
        let context = context_of(object).unwrap_or(&empty);
        let trace_id = id(string_field(context, &["trace_id", "traceId"]), 16).unwrap_or_default();
        let position = import.trace_position(&mut index, &trace_id);
        if last_trace != Some(position) {
            // A resource position belongs to its trace.
            last_resource = None;
            last_trace = Some(position);
        }
        let raw = &mut import.traces[position];
        let span = read_span(object, context, &mut raw.trace, &mut last_resource);
        raw.spans.push(span);
    }
    if format == super::mlflow::FORMAT {
        super::mlflow::decode_attributes(&mut import);
    }
    Ok(import)
}
