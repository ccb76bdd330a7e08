//! Zipkin v2 (`POST /api/v2/spans`, `GET /api/v2/trace/{id}`): a span array with hex ids, times in
//! microseconds, every tag as text, events as annotations, the service as `localEndpoint`, and the
//! OpenTelemetry status and scope as the tags OpenTelemetry's Zipkin exporters write.

use serde_json::{json, Map, Value};
use trace_viewer_core::model::TraceSet;

use super::view::{micros, spans, SpanView};

fn span_json(view: &SpanView) -> Value {
    let span = view.span;
    let mut tags: Map<String, Value> =
        span.attributes.iter().map(|attribute| (attribute.key.clone(), json!(attribute.value.display()))).collect();
    if let Some(scope) = view.scope() {
        tags.insert("otel.scope.name".into(), json!(scope.name));
        if let Some(version) = &scope.version {
            tags.insert("otel.scope.version".into(), json!(version));
        }
    }
    match view.error() {
        Some(message) => {
            tags.insert("otel.status_code".into(), json!("ERROR"));
            tags.insert("error".into(), json!(message.unwrap_or("")));
        }
        None if view.status_code() == "OK" => {
            tags.insert("otel.status_code".into(), json!("OK"));
        }
        None => {}
    }
    let mut object = Map::new();
    object.insert("traceId".into(), json!(view.trace.trace_id));
    if let Some(parent) = view.parent_id() {
        object.insert("parentId".into(), json!(parent));
    }
    object.insert("id".into(), json!(span.span_id));
    // Zipkin has no INTERNAL kind: the exporters leave the kind out.
    if let Some(kind) = span.protocol_kind.as_deref().filter(|kind| *kind != "INTERNAL") {
        object.insert("kind".into(), json!(kind));
    }
    object.insert("name".into(), json!(span.name));
    object.insert("timestamp".into(), json!(micros(span.start_ns)));
    object.insert("duration".into(), json!(micros(span.duration_ns)));
    object.insert("localEndpoint".into(), json!({"serviceName": view.service()}));
    if !span.events.is_empty() {
        let annotations: Vec<Value> = span
            .events
            .iter()
            .map(|event| {
                // The exporters write an event with attributes as `{"name": {attributes}}` text.
                let value = if event.attributes.is_empty() {
                    event.name.clone()
                } else {
                    json!({ &event.name: super::view::object(&event.attributes) }).to_string()
                };
                json!({"timestamp": micros(event.time_ns.unwrap_or(span.start_ns)), "value": value})
            })
            .collect();
        object.insert("annotations".into(), Value::Array(annotations));
    }
    object.insert("tags".into(), Value::Object(tags));
    Value::Object(object)
}

pub fn document(set: &TraceSet) -> Value {
    Value::Array(spans(set).map(|view| span_json(&view)).collect())
}
