//! Zipkin JSON, v2 and v1 (read in the v2 shape it converts to, see `zipkin_v1`). v2: an array of spans (`traceId`, `id`, `parentId`, `timestamp` and `duration` in
//! microseconds, `localEndpoint`, `tags`, `annotations`). The client and server halves of one RPC
//! share a span id; the server half (`shared: true`) is shown as a child of the client half.

use std::collections::{HashMap, HashSet};

use crate::json::{Map, Value};

use super::fields::{other_fields, string_field, unsigned};
use super::pipeline::{RawImport, MISSING_START};
use super::zipkin_v1;
use super::ImportError;
use crate::model::{Attribute, AttributeValue, ImportWarning, OptionalIndex, Resource, Span, SpanEvent, SpanStatus};

const SPAN_FIELDS: &[&str] = &[
    "traceId",
    "id",
    "parentId",
    "name",
    "kind",
    "timestamp",
    "duration",
    "localEndpoint",
    "tags",
    "annotations",
    "shared",
];

/// A Zipkin v2 span: its `timestamp`, when present, is a number of microseconds (a Langfuse score,
/// also with `traceId`, `id` and `name`, has an ISO text there and a `dataType`).
fn is_span(value: &Value) -> bool {
    value.get("timestamp").is_none_or(Value::is_number)
        && value.get("dataType").is_none()
        && value.get("traceId").is_some_and(Value::is_string)
        && value.get("id").is_some_and(Value::is_string)
        && (value.get("localEndpoint").is_some()
            || value.get("timestamp").is_some()
            || value.get("annotations").is_some())
        && value.get("spanId").is_none()
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(|first| is_span(first) || zipkin_v1::is_v1_span(first)),
        // One v1 span on its own (what a v1 client logs).
        other => zipkin_v1::is_v1_span(other),
    }
}

fn service_name(object: &Map) -> Option<String> {
    object.get("localEndpoint").and_then(Value::as_object).and_then(|endpoint| string_field(endpoint, &["serviceName"]))
}

/// A span's status from its tags: the `error` tag (its text the message unless it is just
/// "true"), or the `otel.status_code` / `otel.status_description` tags every OpenTelemetry SDK
/// and the Collector write when they export to Zipkin.
fn status(tags: &[Attribute]) -> SpanStatus {
    let tag = |key: &str| tags.iter().find(|tag| tag.key == key).map(|tag| tag.value.display());
    let meaningful = |text: String| (!text.is_empty() && text != "true").then_some(text);
    let otel_code = tag("otel.status_code").map(|code| code.to_ascii_uppercase());
    match (tag("error"), otel_code.as_deref()) {
        (Some(error), _) => SpanStatus::Error { message: meaningful(error).or_else(|| tag("otel.status_description")) },
        (None, Some("ERROR")) => SpanStatus::Error { message: tag("otel.status_description").and_then(meaningful) },
        (None, Some("OK")) => SpanStatus::Ok,
        _ => SpanStatus::Unset,
    }
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("zipkin");
    let items = match value {
        Value::Array(items) => items.as_slice(),
        single if zipkin_v1::is_v1_span(single) => std::slice::from_ref(single),
        _ => return Err(ImportError::Invalid { path: "$".into(), reason: "expected an array of Zipkin spans".into() }),
    };
    // v1 spans are read in the v2 shape they convert to; v2 spans as they are.
    let converted: Vec<Map> = if items.iter().any(zipkin_v1::is_v1_span) {
        items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(
                |object| {
                    if zipkin_v1::is_v1_object(object) {
                        zipkin_v1::to_v2(object)
                    } else {
                        vec![object.clone()]
                    }
                },
            )
            .collect()
    } else {
        Vec::new()
    };
    let spans: Vec<&Map> = if converted.is_empty() {
        items.iter().filter_map(Value::as_object).collect()
    } else {
        converted.iter().collect()
    };
    // Ids that a client (non-shared) half uses: a shared half with the same id becomes its child.
    let unshared_ids: HashSet<(String, String)> = spans
        .iter()
        .filter(|span| span.get("shared") != Some(&Value::Bool(true)))
        .filter_map(|span| {
            Some((
                string_field(span, &["traceId"])?.to_ascii_lowercase(),
                string_field(span, &["id"])?.to_ascii_lowercase(),
            ))
        })
        .collect();
    let mut index = HashMap::new();
    let mut resource_of: HashMap<(String, String), usize> = HashMap::new();
    for object in spans {
        let trace_id = string_field(object, &["traceId"]).unwrap_or_default().to_ascii_lowercase();
        let id = string_field(object, &["id"]).unwrap_or_default().to_ascii_lowercase();
        let shared = object.get("shared") == Some(&Value::Bool(true));
        let (span_id, parent) = if shared && unshared_ids.contains(&(trace_id.clone(), id.clone())) {
            (format!("{id}:server"), Some(id.clone()))
        } else {
            (id.clone(), string_field(object, &["parentId"]).map(|parent| parent.to_ascii_lowercase()))
        };
        let mut span = Span::new(span_id.clone(), parent, string_field(object, &["name"]).unwrap_or_default());
        span.protocol_kind = string_field(object, &["kind"]).map(|kind| crate::model::protocol_kind_name(&kind));
        match object.get("timestamp").and_then(unsigned) {
            Some(micros) => span.start_ns = micros.saturating_mul(1000),
            None => {
                span.start_ns = MISSING_START;
                span.warnings.push(ImportWarning::for_span(&span_id, "no timestamp; placed at the start of the trace"));
            }
        }
        span.duration_ns = object.get("duration").and_then(unsigned).unwrap_or(0).saturating_mul(1000);
        if let Some(Value::Object(tags)) = object.get("tags") {
            span.attributes =
                tags.iter().map(|(key, value)| Attribute::new(key, AttributeValue::from_json(value))).collect();
        }
        if let Some(remote) = object.get("remoteEndpoint") {
            span.attributes.push(Attribute::new("remoteEndpoint", AttributeValue::from_json(remote)));
        }
        span.status = status(&span.attributes);
        if let Some(Value::Array(annotations)) = object.get("annotations") {
            span.events = annotations
                .iter()
                .filter_map(Value::as_object)
                .map(|annotation| SpanEvent {
                    name: string_field(annotation, &["value"]).unwrap_or_default(),
                    time_ns: annotation.get("timestamp").and_then(unsigned).map(|micros| micros.saturating_mul(1000)),
                    attributes: Vec::new(),
                })
                .collect();
        }
        span.other_fields = other_fields(object, SPAN_FIELDS).into();
        let raw = import.trace_mut(&mut index, &trace_id);
        if let Some(service) = service_name(object) {
            let slot = *resource_of.entry((trace_id.clone(), service.clone())).or_insert_with(|| {
                let endpoint = object.get("localEndpoint").and_then(Value::as_object);
                raw.trace.resources.push(Resource {
                    attributes: vec![Attribute::new("service.name", AttributeValue::String(service))],
                    other_fields: endpoint.map(|endpoint| other_fields(endpoint, &["serviceName"])).unwrap_or_default(),
                });
                raw.trace.resources.len() - 1
            });
            span.resource = OptionalIndex::from(slot);
        }
        raw.spans.push(span);
    }
    Ok(import)
}
