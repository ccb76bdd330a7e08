//! Datadog APM traces as the Agent receives them (`PUT /v0.4/traces`, what dd-trace libraries send
//! and what the Agent's OTLP intake turns OpenTelemetry spans into): a list of traces, each a list
//! of spans with 64-bit numeric ids (the trace id's upper half in `_dd.p.tid`), times in
//! nanoseconds, `name` from the scope and kind, `resource` the span's name, text attributes in
//! `meta`, numeric ones in `metrics`, and `error: 1` with `error.message` for a failure.

use serde_json::{json, Map, Value};
use trace_viewer_core::model::{AttributeValue, Trace, TraceSet};

use super::view::{low_u64, trace_spans, SpanView};

fn span_json(view: &SpanView, first: bool) -> Value {
    let span = view.span;
    let trace_id = &view.trace.trace_id;
    let mut meta = Map::new();
    let mut metrics = Map::new();
    let resource_attributes = view.resource().map(|resource| resource.attributes.as_slice()).unwrap_or_default();
    for attribute in
        resource_attributes.iter().filter(|attribute| attribute.key != "service.name").chain(&span.attributes)
    {
        match &attribute.value {
            AttributeValue::Int(integer) => {
                metrics.insert(attribute.key.clone(), json!(integer));
            }
            AttributeValue::Double(float) if float.is_finite() => {
                metrics.insert(attribute.key.clone(), json!(float));
            }
            other => {
                meta.insert(attribute.key.clone(), json!(other.display()));
            }
        }
    }
    let kind = span.protocol_kind.as_deref().unwrap_or("INTERNAL").to_ascii_lowercase();
    meta.insert("span.kind".into(), json!(kind));
    let scope = view.scope();
    if let Some(scope) = scope {
        meta.insert("otel.library.name".into(), json!(scope.name));
        if let Some(version) = &scope.version {
            meta.insert("otel.library.version".into(), json!(version));
        }
    }
    meta.insert("otel.status_code".into(), json!(view.status_code()));
    if let Some(message) = view.error() {
        meta.insert("otel.status_description".into(), json!(message.unwrap_or("")));
        meta.insert("error.message".into(), json!(message.unwrap_or("")));
    }
    if first && trace_id.len() > 16 {
        meta.insert("_dd.p.tid".into(), json!(&trace_id[..trace_id.len() - 16]));
    }
    if view.parent_id().is_none() {
        metrics.insert("_dd.top_level".into(), json!(1));
        metrics.insert("_sampling_priority_v1".into(), json!(1));
    }
    let operation = format!("{}.{kind}", scope.map_or("opentelemetry", |scope| scope.name.as_str()));
    json!({
        "name": operation,
        "service": view.service(),
        "resource": span.name,
        "trace_id": low_u64(trace_id),
        "span_id": low_u64(&span.span_id),
        "parent_id": view.parent_id().map_or(0, low_u64),
        "type": "custom",
        "error": i32::from(view.error().is_some()),
        "meta": meta,
        "metrics": metrics,
        "duration": span.duration_ns,
        "start": span.start_ns,
    })
}

fn trace_json(trace: &Trace) -> Value {
    Value::Array(trace_spans(trace).map(|view| span_json(&view, view.index == 0)).collect())
}

pub fn document(set: &TraceSet) -> Value {
    Value::Array(set.traces.iter().map(trace_json).collect())
}
