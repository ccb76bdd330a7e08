//! Datadog APM trace payloads, as the agent receives them (`/v0.4/traces`: a list of traces, each
//! a list of spans with `trace_id`, `span_id`, `parent_id` (0 for a root), `name`, `resource`,
//! `service`, `type`, `start` and `duration` in nanoseconds, `error`, and string `meta` and
//! numeric `metrics` maps), also a bare list of spans. Ids stay the decimal numbers Datadog
//! writes. `error: 1` fails a span with `error.message` (or `error.msg`, `error.type`).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{object_fields, string_field, text, unsigned};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::{Attribute, AttributeValue, OptionalIndex, Resource, Span, SpanStatus};

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

object_fields!(
    /// A span's fields with a meaning of their own, read in one pass; the others are kept.
    SpanFields {
        trace_id: "trace_id", span_id: "span_id", parent_id: "parent_id", name: "name", resource: "resource",
        service: "service", kind: "type", start: "start", duration: "duration", error: "error", meta: "meta",
        metrics: "metrics",
    }
);

/// A `meta` or `metrics` map's entries as attributes, in file order; also the text of the
/// `span.kind` entry when there is one.
fn tag_attributes<'v>(tags: &'v Map, attributes: &mut Vec<Attribute>) -> Option<Cow<'v, str>> {
    let mut kind = None;
    for (key, value) in tags {
        if key == "span.kind" && !value.is_null() {
            kind = text(value);
        }
        attributes.push(Attribute::new(key, AttributeValue::from_json(value)));
    }
    kind
}

/// Reads one span; its trace id (Datadog's decimal number) and service name beside it.
fn read_span<'v>(object: &'v Map) -> (String, Option<Cow<'v, str>>, Span) {
    let fields = SpanFields::read(object);
    let trace_id = id_text(fields.trace_id).unwrap_or_default();
    let span_id = id_text(fields.span_id).unwrap_or_default();
    let parent = id_text(fields.parent_id).filter(|parent| parent != "0");
    let name = fields.name.and_then(text).unwrap_or_default();
    // Datadog's pages label a span by its resource (the endpoint, the query, the model call).
    let resource = fields.resource.and_then(text).filter(|resource| !resource.is_empty() && *resource != name);
    let mut span = Span::new(span_id, parent, resource.unwrap_or_else(|| name.clone()).into_owned());
    let start = fields.start.and_then(unsigned);
    let end = start.zip(fields.duration.and_then(unsigned)).map(|(start, duration)| start.saturating_add(duration));
    set_times(&mut span, start, end, ("start", "duration"), false);
    span.attributes.push(Attribute::new("datadog.name", AttributeValue::String(name.into_owned())));
    if let Some(kind) = fields.kind.and_then(text).filter(|kind| !kind.is_empty()) {
        span.attributes.push(Attribute::new("datadog.type", AttributeValue::String(kind.into_owned())));
    }
    let meta = fields.meta.and_then(Value::as_object);
    let kind = meta.and_then(|meta| tag_attributes(meta, &mut span.attributes));
    if let Some(Value::Object(metrics)) = fields.metrics {
        tag_attributes(metrics, &mut span.attributes);
    }
    if fields.error.and_then(Value::as_u64).is_some_and(|error| error != 0) {
        let message = meta.and_then(|meta| string_field(meta, &["error.message", "error.msg", "error.type"]));
        span.status = SpanStatus::Error { message };
    }
    span.protocol_kind = kind.map(|kind| crate::model::protocol_kind_name(&kind.to_ascii_uppercase()));
    span.other_fields = fields.other_fields().into();
    (trace_id, fields.service.and_then(text), span)
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
    // Per trace position and service name, the trace's resource for the service.
    let mut services: HashMap<(usize, Cow<str>), usize> = HashMap::new();
    for object in spans {
        let (trace_id, service, mut span) = read_span(object);
        let position = import.trace_position(&mut index, &trace_id);
        let raw = &mut import.traces[position];
        if let Some(service) = service {
            let slot = *services.entry((position, service.clone())).or_insert_with(|| {
                raw.trace.resources.push(Resource {
                    attributes: vec![Attribute::new("service.name", AttributeValue::String(service.into_owned()))],
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
