//! Jaeger JSON: the query API's `{"data": [trace...]}`, a bare trace object, and a bare span list
//! (spans with an embedded `process`). References (CHILD_OF, FOLLOWS_FROM) give the parent; any
//! further or cross-trace reference becomes a link. Times are microseconds. Tags of every type
//! (string, bool, int64 as number or string, float64, binary as base64) are kept.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{micros_to_ns, object_fields, other_fields, signed, string_field, text, unsigned};
use super::jaeger_shapes;
use super::pipeline::{RawImport, MISSING_START};
use super::ImportError;
use crate::model::encoding;
use crate::model::{
    Attribute, AttributeValue, ImportWarning, OptionalIndex, Resource, Span, SpanEvent, SpanLink, SpanStatus,
};

pub(super) fn is_span(value: &Value) -> bool {
    value.get("spanID").is_some() && value.get("traceID").is_some() && value.get("operationName").is_some()
}

fn is_trace(value: &Value) -> bool {
    value.get("traceID").is_some()
        && value.get("spans").and_then(Value::as_array).is_some_and(|spans| spans.first().is_none_or(is_span))
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            is_trace(value)
                || jaeger_shapes::is_domain_trace(value)
                || jaeger_shapes::is_stored_span(value)
                || object.get("data").and_then(Value::as_array).is_some_and(|data| data.first().is_some_and(is_trace))
        }
        Value::Array(items) => items.first().is_some_and(|first| is_span(first) || is_trace(first)),
        _ => false,
    }
}

/// Hex ids are lowercased; other ids (Jaeger UI fixtures use names) are kept as written.
pub(super) fn normalise_id(id: &str) -> String {
    let mut normalised = id.to_string();
    let hex = id.bytes().all(|byte| byte.is_ascii_hexdigit());
    if hex && id.bytes().any(|byte| byte.is_ascii_uppercase()) {
        normalised.make_ascii_lowercase();
    }
    normalised
}

/// A tag's type, in any case (Jaeger writes `int64`, its protobuf JSON `INT64`).
fn tag_type(tag: &Map) -> Option<&'static str> {
    let written = tag.get("type").and_then(Value::as_str)?;
    ["bool", "int64", "float64", "binary", "string"].into_iter().find(|name| written.eq_ignore_ascii_case(name))
}

fn tag_value(tag: &Map) -> AttributeValue {
    let value = tag.get("value").unwrap_or(&Value::Null);
    match tag_type(tag) {
        Some("bool") => match value {
            Value::Bool(flag) => AttributeValue::Bool(*flag),
            Value::String(text) => AttributeValue::Bool(text == "true"),
            other => AttributeValue::from_json(other),
        },
        Some("int64") => signed(value).map(AttributeValue::Int).unwrap_or_else(|| AttributeValue::from_json(value)),
        Some("float64") => {
            value.as_f64().map(AttributeValue::Double).unwrap_or_else(|| AttributeValue::from_json(value))
        }
        Some("binary") => value
            .as_str()
            .and_then(encoding::base64_decode)
            .map(AttributeValue::Bytes)
            .unwrap_or_else(|| AttributeValue::from_json(value)),
        _ => AttributeValue::from_json(value),
    }
}

fn tags(list: Option<&Value>) -> Vec<Attribute> {
    let Some(Value::Array(items)) = list else { return Vec::new() };
    items
        .iter()
        .filter_map(Value::as_object)
        .map(|tag| Attribute::new(string_field(tag, &["key"]).unwrap_or_default(), tag_value(tag)))
        .collect()
}

pub(super) fn resource(process: &Map) -> Resource {
    let mut attributes = vec![Attribute::new(
        "service.name",
        AttributeValue::String(string_field(process, &["serviceName"]).unwrap_or_default()),
    )];
    attributes.extend(tags(process.get("tags")));
    Resource { attributes, other_fields: other_fields(process, &["serviceName", "tags"]) }
}

object_fields!(
    /// A span's fields with a meaning of their own, read in one pass; the others are kept.
    SpanFields {
        trace_id: "traceID", span_id: "spanID", operation_name: "operationName", references: "references",
        start_time: "startTime", duration: "duration", tags: "tags", logs: "logs", process_id: "processID",
        process: "process",
    }
);

/// An id field's text, normalised (see [`normalise_id`]).
fn id_of(value: Option<&Value>) -> String {
    value.and_then(text).map(|id| normalise_id(&id)).unwrap_or_default()
}

pub(super) fn read_span(
    object: &Map,
    resource_of: &HashMap<&str, usize>,
    resources: &mut Vec<Resource>,
) -> (String, Span) {
    let fields = SpanFields::read(object);
    let trace_id = id_of(fields.trace_id);
    let span_id = id_of(fields.span_id);
    let mut parent = None;
    let mut links = Vec::new();
    if let Some(Value::Array(references)) = fields.references {
        // The first CHILD_OF in the same trace is the parent (else the first FOLLOWS_FROM).
        let mut ordered: Vec<&Map> = references.iter().filter_map(Value::as_object).collect();
        ordered.sort_by_key(|reference| reference.get("refType").and_then(Value::as_str) != Some("CHILD_OF"));
        for reference in ordered {
            let reference_trace = id_of(reference.get("traceID"));
            let reference_span = id_of(reference.get("spanID"));
            if parent.is_none() && reference_trace == trace_id {
                parent = Some(reference_span);
            } else {
                let kind = string_field(reference, &["refType"]).unwrap_or_default();
                links.push(SpanLink {
                    trace_id: reference_trace,
                    span_id: reference_span,
                    attributes: vec![Attribute::new("jaeger.ref_type", AttributeValue::String(kind))],
                });
            }
        }
    }
    let name = fields.operation_name.and_then(text).map(Cow::into_owned).unwrap_or_default();
    let mut span = Span::new(span_id.clone(), parent, name);
    span.links = links.into();
    span.attributes = tags(fields.tags);
    match fields.start_time.and_then(unsigned) {
        Some(micros) => span.start_ns = micros_to_ns(micros),
        None => {
            span.start_ns = MISSING_START;
            span.warnings
                .push(ImportWarning::for_span(&span_id, "no readable startTime; placed at the start of the trace"));
        }
    }
    span.duration_ns = fields.duration.and_then(unsigned).map_or(0, micros_to_ns);
    span.status = status(&span.attributes);
    let kind = span.attributes.iter().find(|tag| tag.key == "span.kind").map(|tag| tag.value.text());
    span.protocol_kind = kind.map(|kind| crate::model::protocol_kind_name(&kind.to_ascii_uppercase()));
    if let Some(Value::Array(logs)) = fields.logs {
        span.events = logs
            .iter()
            .filter_map(Value::as_object)
            .map(|log| {
                let fields = tags(log.get("fields"));
                let name = fields
                    .iter()
                    .find(|field| field.key == "event" || field.key == "message")
                    .map(|field| field.value.display())
                    .unwrap_or_else(|| "log".into());
                SpanEvent {
                    name,
                    time_ns: log.get("timestamp").and_then(unsigned).map(micros_to_ns),
                    attributes: fields,
                }
            })
            .collect();
    }
    let process_id = fields.process_id.and_then(text);
    span.resource =
        match (process_id.and_then(|id| resource_of.get(id.as_ref())), fields.process.and_then(Value::as_object)) {
            (Some(position), _) => Some(*position),
            (_, Some(process)) => {
                resources.push(resource(process));
                Some(resources.len() - 1)
            }
            _ => None,
        }
        .into();
    // Jaeger's own warnings about the span: shown as warnings, and kept as an other field too.
    if let Some((_, Value::Array(warnings))) = fields.others.iter().find(|(key, _)| *key == "warnings") {
        for warning in warnings.iter().filter_map(Value::as_str) {
            span.warnings.push(ImportWarning::for_span(&span_id, format!("Jaeger says: {warning}")));
        }
    }
    span.other_fields = fields.other_fields().into();
    (trace_id, span)
}

/// A span's status from its tags: `error: true`, or the `otel.status_code` / `otel.status_description`
/// tags OpenTelemetry writes when it exports to Jaeger.
fn status(tags: &[Attribute]) -> SpanStatus {
    let tag = |key: &str| tags.iter().find(|tag| tag.key == key).map(|tag| tag.value.text());
    let code = tag("otel.status_code");
    if tag("error").as_deref() == Some("true") || code.as_deref() == Some("ERROR") {
        let message = tag("otel.status_description").or_else(|| tag("error.message")).map(Cow::into_owned);
        SpanStatus::Error { message }
    } else if code.as_deref() == Some("OK") {
        SpanStatus::Ok
    } else {
        SpanStatus::Unset
    }
}

fn read_trace(trace: &Map, import: &mut RawImport, index: &mut HashMap<String, usize>) {
    let trace_id = normalise_id(&string_field(trace, &["traceID"]).unwrap_or_default());
    let raw = import.trace_mut(index, &trace_id);
    let mut resource_of = HashMap::new();
    if let Some(Value::Object(processes)) = trace.get("processes") {
        for (process_id, process) in processes {
            if let Some(process) = process.as_object() {
                raw.trace.resources.push(resource(process));
                resource_of.insert(process_id, raw.trace.resources.len() - 1);
            }
        }
    }
    if let Some(Value::Array(warnings)) = trace.get("warnings") {
        for warning in warnings.iter().filter_map(Value::as_str) {
            raw.trace.warnings.push(ImportWarning::general(format!("Jaeger says: {warning}")));
        }
    }
    let spans = trace.get("spans").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    for span_object in spans.iter().filter_map(Value::as_object) {
        let (span_trace_id, span) = read_span(span_object, &resource_of, &mut raw.trace.resources);
        if span_trace_id != trace_id {
            raw.trace.warnings.push(ImportWarning::for_span(
                &span.span_id,
                format!("listed in trace {trace_id} but says trace {span_trace_id}; kept here"),
            ));
        }
        raw.spans.push(span);
    }
}

pub fn import<'a>(value: &Value<'a>) -> Result<RawImport, ImportError> {
    // The domain model and stored span documents are read in the query API's shape.
    if jaeger_shapes::is_domain_trace(value) {
        let spans = value.get("spans").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let converted: Vec<Value> = spans
            .iter()
            .filter_map(Value::as_object)
            .map(|span| Value::Object(jaeger_shapes::domain_span(span)))
            .collect();
        let mut import = import_query_shape(&Value::Array(converted))?;
        let warnings = value.get("warnings").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        if let Some(raw) = import.traces.first_mut() {
            for warning in warnings.iter().filter_map(Value::as_str) {
                raw.trace.warnings.push(ImportWarning::general(format!("Jaeger says: {warning}")));
            }
        }
        return Ok(import);
    }
    let stored = |item: &Value<'a>| match item.as_object() {
        Some(span) if jaeger_shapes::is_stored_span(item) => Value::Object(jaeger_shapes::stored_span(span)),
        _ => item.clone(),
    };
    match value {
        Value::Object(_) if jaeger_shapes::is_stored_span(value) => {
            import_query_shape(&Value::Array(vec![stored(value)]))
        }
        Value::Array(items) if items.first().is_some_and(jaeger_shapes::is_stored_span) => {
            import_query_shape(&Value::Array(items.iter().map(stored).collect()))
        }
        _ => import_query_shape(value),
    }
}

/// The query API's shapes: `{"data": [trace]}`, one trace, a list of traces or of spans.
fn import_query_shape(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("jaeger");
    let mut index = HashMap::new();
    match value {
        Value::Object(object) if object.contains_key("data") => {
            for trace in object
                .get("data")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(Value::as_object)
            {
                read_trace(trace, &mut import, &mut index);
            }
        }
        Value::Object(object) => read_trace(object, &mut import, &mut index),
        Value::Array(items) if items.first().is_some_and(is_trace) => {
            for trace in items.iter().filter_map(Value::as_object) {
                read_trace(trace, &mut import, &mut index);
            }
        }
        Value::Array(items) => {
            for span_object in items.iter().filter_map(Value::as_object) {
                let mut resources = Vec::new();
                let (trace_id, mut span) = read_span(span_object, &HashMap::new(), &mut resources);
                let raw = import.trace_mut(&mut index, &trace_id);
                if let Some(resource) = resources.pop() {
                    raw.trace.resources.push(resource);
                    span.resource = OptionalIndex::from(raw.trace.resources.len() - 1);
                }
                raw.spans.push(span);
            }
        }
        _ => return Err(ImportError::Invalid { path: "$".into(), reason: "expected Jaeger traces or spans".into() }),
    }
    Ok(import)
}
