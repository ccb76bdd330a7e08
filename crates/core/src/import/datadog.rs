//! Datadog APM trace payloads, as the agent receives them (`/v0.4/traces`: a list of traces, each
//! a list of spans with `trace_id`, `span_id`, `parent_id` (0 for a root), `name`, `resource`,
//! `service`, `type`, `start` and `duration` in nanoseconds, `error`, and string `meta` and
//! numeric `metrics` maps), also a bare list of spans. Ids stay the decimal numbers Datadog
//! writes. `error: 1` fails a span with `error.message` (or `error.msg`, `error.type`).

use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{other_fields, string_field, unsigned};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::{Attribute, AttributeValue, OptionalIndex, Resource, Span, SpanStatus};

const SPAN_FIELDS: &[&str] = &[
    "trace_id",
    "span_id",
    "parent_id",
    "name",
    "resource",
    "service",
    "type",
    "start",
    "duration",
    "error",
    "meta",
    "metrics",
];

fn is_span(value: &Value) -> bool {
    let Some(span) = value.as_object() else { return false };
    span.get("trace_id").is_some_and(|id| id.is_u64())
        && span.get("span_id").is_some_and(|id| id.is_u64())
        && span.get("start").is_some_and(Value::is_number)
        && span.get("duration").is_some_and(Value::is_number)
        && (span.contains_key("meta") || span.contains_key("service") || span.contains_key("resource"))
}

/// The spans of a payload: a list of traces (lists of spans) or a list of spans.
fn spans<'a>(value: &'a Value<'a>) -> Option<Vec<&'a Map<'a>>> {
    let items = value.as_array()?;
    match items.first()? {
        Value::Array(trace) if trace.first().is_some_and(is_span) => {
            Some(items.iter().filter_map(Value::as_array).flatten().filter_map(Value::as_object).collect())
        }
        first if is_span(first) => Some(items.iter().filter_map(Value::as_object).collect()),
        _ => None,
    }
}

pub fn sniff(value: &Value) -> bool {
    spans(value).is_some()
}

fn id_text(value: Option<&Value>) -> Option<String> {
    value.and_then(unsigned).map(|id| id.to_string())
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let Some(spans) = spans(value) else {
        return Err(ImportError::Invalid {
            path: "$".into(),
            reason: "expected Datadog traces (lists of spans)".into(),
        });
    };
    let mut import = RawImport::new("datadog");
    let mut index = HashMap::new();
    let mut services: HashMap<(String, String), usize> = HashMap::new();
    for object in spans {
        let trace_id = id_text(object.get("trace_id")).unwrap_or_default();
        let span_id = id_text(object.get("span_id")).unwrap_or_default();
        let parent = id_text(object.get("parent_id")).filter(|parent| parent != "0");
        let name = string_field(object, &["name"]).unwrap_or_default();
        // Datadog's pages label a span by its resource (the endpoint, the query, the model call).
        let resource = string_field(object, &["resource"]).filter(|resource| !resource.is_empty() && *resource != name);
        let mut span = Span::new(span_id, parent, resource.clone().unwrap_or_else(|| name.clone()));
        let start = object.get("start").and_then(unsigned);
        let end = start
            .zip(object.get("duration").and_then(unsigned))
            .map(|(start, duration)| start.saturating_add(duration));
        set_times(&mut span, start, end, ("start", "duration"), false);
        span.attributes.push(Attribute::new("datadog.name", AttributeValue::String(name)));
        if let Some(kind) = string_field(object, &["type"]).filter(|kind| !kind.is_empty()) {
            span.attributes.push(Attribute::new("datadog.type", AttributeValue::String(kind)));
        }
        let meta = object.get("meta").and_then(Value::as_object);
        if let Some(meta) = meta {
            span.attributes
                .extend(meta.iter().map(|(key, value)| Attribute::new(key, AttributeValue::from_json(value))));
        }
        if let Some(Value::Object(metrics)) = object.get("metrics") {
            span.attributes
                .extend(metrics.iter().map(|(key, value)| Attribute::new(key, AttributeValue::from_json(value))));
        }
        if object.get("error").and_then(Value::as_u64).is_some_and(|error| error != 0) {
            let message = meta.and_then(|meta| string_field(meta, &["error.message", "error.msg", "error.type"]));
            span.status = SpanStatus::Error { message };
        }
        span.protocol_kind = meta
            .and_then(|meta| string_field(meta, &["span.kind"]))
            .map(|kind| crate::model::protocol_kind_name(&kind.to_ascii_uppercase()));
        span.other_fields = other_fields(object, SPAN_FIELDS).into();
        let raw = import.trace_mut(&mut index, &trace_id);
        if let Some(service) = string_field(object, &["service"]) {
            let slot = *services.entry((trace_id.clone(), service.clone())).or_insert_with(|| {
                raw.trace.resources.push(Resource {
                    attributes: vec![Attribute::new("service.name", AttributeValue::String(service))],
                    other_fields: Vec::new(),
                });
                raw.trace.resources.len() - 1
            });
            span.resource = OptionalIndex::from(slot);
        }
        raw.spans.push(span);
    }
    Ok(import)
}
