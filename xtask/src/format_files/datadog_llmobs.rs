//! Datadog LLM Observability spans as dd-trace-py sends them to the event platform: a list of
//! envelopes (`event_type: "span"`), one span each, with `meta.span.kind` (llm, agent, workflow,
//! tool, retrieval...), a model call's messages under `meta.input` / `meta.output`, `model_name`,
//! tokens in `metrics`, `status: "error"` with `meta["error.message"]`, and the other attributes
//! in `meta.metadata`.

use serde_json::{json, Value};
use trace_viewer_core::model::{SpanKind, TraceSet};

use super::view::{low_u64, messages_json, spans, SpanView};

fn kind(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Llm => "llm",
        SpanKind::Agent => "agent",
        SpanKind::Tool => "tool",
        SpanKind::Retrieval => "retrieval",
        SpanKind::Embedding => "embedding",
        SpanKind::Chain => "workflow",
        SpanKind::Guardrail | SpanKind::Other => "task",
    }
}

fn span_json(view: &SpanView) -> Value {
    let span = view.span;
    let ai = view.ai();
    let mut meta = json!({"span": {"kind": kind(span.kind)}, "metadata": view.other_attributes()});
    let mut metrics = serde_json::Map::new();
    if span.kind == SpanKind::Llm {
        meta["model_name"] = json!(ai.model);
        meta["model_provider"] = json!(ai.provider.as_deref().unwrap_or("custom"));
        meta["input"] = json!({"messages": messages_json(&ai.input_messages)});
        meta["output"] = json!({"messages": messages_json(&ai.output_messages)});
        if let (Some(input), Some(output)) = (ai.input_tokens, ai.output_tokens) {
            metrics.insert("input_tokens".into(), json!(input));
            metrics.insert("output_tokens".into(), json!(output));
            metrics.insert("total_tokens".into(), json!(input + output));
        }
    } else {
        if let Some(input) = ai.input {
            meta["input"] = json!({"value": input});
        }
        if let Some(output) = ai.output {
            meta["output"] = json!({"value": output});
        }
    }
    if let Some(message) = view.error() {
        meta["error.message"] = json!(message.unwrap_or(""));
        meta["error.type"] = json!("Error");
    }
    let service = view.service();
    json!({
        "trace_id": view.trace.trace_id,
        "span_id": low_u64(&span.span_id).to_string(),
        "parent_id": view.parent_id().map_or_else(|| "undefined".to_string(), |parent| low_u64(parent).to_string()),
        "name": span.name,
        "tags": [format!("service:{service}"), "env:bench", "version:", "source:integration", format!("ml_app:{service}")],
        "start_ns": span.start_ns,
        "duration": span.duration_ns,
        "status": if view.error().is_some() { "error" } else { "ok" },
        "meta": meta,
        "metrics": metrics,
    })
}

pub fn document(set: &TraceSet) -> Value {
    Value::Array(
        spans(set)
            .map(|view| {
                json!({
                    "_dd.stage": "raw",
                    "_dd.tracer_version": "3.12.0",
                    "event_type": "span",
                    "spans": [span_json(&view)],
                })
            })
            .collect(),
    )
}
