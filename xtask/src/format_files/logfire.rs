//! Logfire's query API answer (`GET /v1/query?json_rows=true` over the `records` table): the
//! columns, then one row per span with hex ids, `span_name` and `message`, microsecond times,
//! `level` (9 info, 17 error), the OpenTelemetry status and kind, the service and resource, the
//! scope, events as `otel_events`, and the attributes as an object.

use serde_json::{json, Value};
use trace_viewer_core::model::TraceSet;

use super::view::{iso_events, iso_micros, object, spans, SpanView};

const COLUMNS: &[(&str, &str)] = &[
    ("kind", "Utf8"),
    ("level", "UInt16"),
    ("start_timestamp", "Utf8"),
    ("end_timestamp", "Utf8"),
    ("duration", "Float64"),
    ("trace_id", "Utf8"),
    ("span_id", "Utf8"),
    ("parent_span_id", "Utf8"),
    ("span_name", "Utf8"),
    ("message", "Utf8"),
    ("otel_status_code", "Utf8"),
    ("otel_status_message", "Utf8"),
    ("otel_span_kind", "Utf8"),
    ("otel_events", "Utf8"),
    ("otel_links", "Utf8"),
    ("is_exception", "Boolean"),
    ("otel_scope_name", "Utf8"),
    ("otel_scope_version", "Utf8"),
    ("service_name", "Utf8"),
    ("otel_resource_attributes", "Utf8"),
    ("attributes", "Utf8"),
    ("tags", "Utf8"),
];

fn row(view: &SpanView) -> Value {
    let span = view.span;
    let events = iso_events(span);
    let scope = view.scope();
    json!({
        "kind": "span",
        "level": if view.error().is_some() { 17 } else { 9 },
        "start_timestamp": iso_micros(span.start_ns, "Z"),
        "end_timestamp": iso_micros(view.end_ns(), "Z"),
        "duration": span.duration_ns as f64 / 1e9,
        "trace_id": view.trace.trace_id,
        "span_id": span.span_id,
        "parent_span_id": view.parent_id(),
        "span_name": span.name,
        "message": span.name,
        "otel_status_code": view.status_code(),
        "otel_status_message": view.error().flatten(),
        "otel_span_kind": format!("SPAN_KIND_{}", span.protocol_kind.as_deref().unwrap_or("INTERNAL")),
        "otel_events": events,
        "otel_links": [],
        "is_exception": false,
        "otel_scope_name": scope.map(|scope| scope.name.as_str()),
        "otel_scope_version": scope.and_then(|scope| scope.version.as_deref()),
        "service_name": view.service(),
        "otel_resource_attributes": view.resource().map(|resource| object(&resource.attributes)).unwrap_or_default(),
        "attributes": view.attributes(),
        "tags": [],
    })
}

pub fn document(set: &TraceSet) -> Value {
    let columns: Vec<Value> =
        COLUMNS.iter().map(|(name, datatype)| json!({"name": name, "nullable": true, "datatype": datatype})).collect();
    json!({"columns": columns, "rows": spans(set).map(|view| row(&view)).collect::<Vec<_>>()})
}
