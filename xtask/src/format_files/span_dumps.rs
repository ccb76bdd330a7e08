//! The OpenTelemetry Python SDK's spans as `ReadableSpan.to_json()` writes them (what the console
//! exporter prints), gathered into one JSON list with the SDK's four-space indent: `0x` hex ids
//! under `context`, `SpanKind.*` kinds, ISO times, `status.status_code`, attributes and the
//! resource as objects, events with their attributes.

use serde::Serialize;
use serde_json::{json, Value};
use trace_viewer_core::model::TraceSet;

use super::view::{iso_events, iso_micros, object, spans, SpanView};

fn span_json(view: &SpanView) -> Value {
    let span = view.span;
    let mut status = json!({"status_code": view.status_code()});
    if let Some(Some(message)) = view.error() {
        status["description"] = json!(message);
    }
    let events = iso_events(span);
    json!({
        "name": span.name,
        "context": {"trace_id": format!("0x{}", view.trace.trace_id), "span_id": format!("0x{}", span.span_id), "trace_state": "[]"},
        "kind": format!("SpanKind.{}", span.protocol_kind.as_deref().unwrap_or("INTERNAL")),
        "parent_id": view.parent_id().map(|parent| format!("0x{parent}")),
        "start_time": iso_micros(span.start_ns, "Z"),
        "end_time": iso_micros(view.end_ns(), "Z"),
        "status": status,
        "attributes": view.attributes(),
        "events": events,
        "links": [],
        "resource": {
            "attributes": view.resource().map(|resource| object(&resource.attributes)).unwrap_or_default(),
            "schema_url": "",
        },
    })
}

/// The list, indented as the SDK indents each span.
pub fn text(set: &TraceSet) -> String {
    let list = Value::Array(spans(set).map(|view| span_json(&view)).collect());
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    list.serialize(&mut serializer).expect("a JSON value always serialises");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
