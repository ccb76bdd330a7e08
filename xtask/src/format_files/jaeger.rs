//! Jaeger's query API (`GET /api/traces/{id}`): `{"data": [{traceID, spans, processes}]}`, times
//! in microseconds, typed tags, events as logs, the resource as a process, and the OpenTelemetry
//! status, kind and scope as the tags the Collector's Jaeger translator writes.

use std::collections::HashMap;

use serde_json::{json, Value};
use trace_viewer_core::model::{Attribute, AttributeValue, TraceSet};

use super::view::{micros, trace_spans, SpanView};

/// A tag `{key, type, value}`; arrays and maps become their JSON text, as Jaeger has no such type.
fn tag(key: &str, value: &AttributeValue) -> Value {
    let (kind, value) = match value {
        AttributeValue::Bool(flag) => ("bool", json!(flag)),
        AttributeValue::Int(integer) => ("int64", json!(integer)),
        AttributeValue::Double(float) => ("float64", value_or_text(value, *float)),
        AttributeValue::Bytes(_) => ("binary", value.to_json()),
        AttributeValue::String(text) => ("string", json!(text)),
        other => ("string", json!(other.display())),
    };
    json!({"key": key, "type": kind, "value": value})
}

fn value_or_text(value: &AttributeValue, float: f64) -> Value {
    if float.is_finite() {
        json!(float)
    } else {
        json!(value.display())
    }
}

fn text_tag(key: &str, value: &str) -> Value {
    json!({"key": key, "type": "string", "value": value})
}

fn tags(attributes: &[Attribute]) -> Vec<Value> {
    attributes.iter().map(|attribute| tag(&attribute.key, &attribute.value)).collect()
}

fn span_json(view: &SpanView, process_id: &str) -> Value {
    let span = view.span;
    let mut span_tags = tags(&span.attributes);
    if let Some(scope) = view.scope() {
        span_tags.push(text_tag("otel.scope.name", &scope.name));
        if let Some(version) = &scope.version {
            span_tags.push(text_tag("otel.scope.version", version));
        }
    }
    if let Some(kind) = &span.protocol_kind {
        span_tags.push(text_tag("span.kind", &kind.to_ascii_lowercase()));
    }
    match view.error() {
        Some(message) => {
            span_tags.push(json!({"key": "error", "type": "bool", "value": true}));
            span_tags.push(text_tag("otel.status_code", "ERROR"));
            if let Some(message) = message {
                span_tags.push(text_tag("otel.status_description", message));
            }
        }
        None if view.status_code() == "OK" => span_tags.push(text_tag("otel.status_code", "OK")),
        None => {}
    }
    let references: Vec<Value> = view
        .parent_id()
        .map(|parent| json!({"refType": "CHILD_OF", "traceID": view.trace.trace_id, "spanID": parent}))
        .into_iter()
        .collect();
    let logs: Vec<Value> = span
        .events
        .iter()
        .map(|event| {
            let mut fields = vec![text_tag("event", &event.name)];
            fields.extend(tags(&event.attributes));
            json!({"timestamp": micros(event.time_ns.unwrap_or(span.start_ns)), "fields": fields})
        })
        .collect();
    json!({
        "traceID": view.trace.trace_id,
        "spanID": span.span_id,
        "operationName": span.name,
        "references": references,
        "startTime": micros(span.start_ns),
        "duration": micros(span.duration_ns),
        "tags": span_tags,
        "logs": logs,
        "processID": process_id,
        "warnings": null,
    })
}

/// The query API's answer for the set's traces.
pub fn document(set: &TraceSet) -> Value {
    let mut data = Vec::new();
    for trace in &set.traces {
        let mut processes = serde_json::Map::new();
        let mut process_of: HashMap<usize, String> = HashMap::new();
        for (index, resource) in trace.resources.iter().enumerate() {
            let id = format!("p{}", index + 1);
            let service = resource.service_name().unwrap_or("unknown_service");
            let others: Vec<Attribute> =
                resource.attributes.iter().filter(|attribute| attribute.key != "service.name").cloned().collect();
            processes.insert(id.clone(), json!({"serviceName": service, "tags": tags(&others)}));
            process_of.insert(index, id);
        }
        let written: Vec<Value> = trace_spans(trace)
            .map(|view| {
                let process = view.span.resource.get().and_then(|index| process_of.get(&index));
                span_json(&view, process.map_or("", String::as_str))
            })
            .collect();
        data.push(json!({"traceID": trace.trace_id, "spans": written, "processes": processes, "warnings": null}));
    }
    json!({"data": data, "total": 0, "limit": 0, "offset": 0, "errors": null})
}
