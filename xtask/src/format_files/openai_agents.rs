//! The OpenAI Agents SDK's traces as a `TracingProcessor` exports them (`{"data": [trace, span...]}`,
//! what the SDK posts to `/v1/traces/ingest`): the trace, then each span with its `span_data` by
//! type (agent, generation with messages, model and usage, function, guardrail, custom), `error`
//! for a failure, Python `isoformat` times. A custom span keeps the other attributes in its `data`;
//! the typed spans have no free-form field, so theirs are left out.

use serde_json::{json, Value};
use trace_viewer_core::model::{SpanKind, TraceSet};

use super::view::{iso_micros, messages_json, spans, SpanView};

fn span_data(view: &SpanView) -> Value {
    let span = view.span;
    let ai = view.ai();
    match span.kind {
        SpanKind::Agent => json!({
            "type": "agent",
            "name": view.service(),
            "handoffs": [],
            "tools": [],
            "output_type": "str",
        }),
        SpanKind::Llm => {
            let mut usage = serde_json::Map::new();
            if let Some(tokens) = ai.input_tokens {
                usage.insert("input_tokens".into(), json!(tokens));
            }
            if let Some(tokens) = ai.output_tokens {
                usage.insert("output_tokens".into(), json!(tokens));
            }
            json!({
                "type": "generation",
                "input": messages_json(&ai.input_messages),
                "output": messages_json(&ai.output_messages),
                "model": ai.model,
                "model_config": {},
                "usage": usage,
            })
        }
        SpanKind::Tool => json!({
            "type": "function",
            "name": ai.tool_name.unwrap_or_else(|| span.name.clone()),
            "input": ai.input,
            "output": ai.output,
            "mcp_data": null,
        }),
        SpanKind::Guardrail => json!({"type": "guardrail", "name": span.name, "triggered": false}),
        _ => json!({"type": "custom", "name": span.name, "data": view.other_attributes()}),
    }
}

/// The SDK's ids: `trace_` and 32 hex digits, `span_` and 24.
fn span_id(trace_id: &str, span_id: &str) -> String {
    format!("span_{:0>8}{span_id:0>16}", &trace_id[..trace_id.len().min(8)])
}

fn span_json(view: &SpanView) -> Value {
    let trace_id = &view.trace.trace_id;
    let error = view.error().map(|message| json!({"message": message.unwrap_or("error"), "data": null}));
    json!({
        "object": "trace.span",
        "id": span_id(trace_id, &view.span.span_id),
        "trace_id": format!("trace_{trace_id}"),
        "parent_id": view.parent_id().map(|parent| span_id(trace_id, parent)),
        "started_at": iso_micros(view.span.start_ns, "+00:00"),
        "ended_at": iso_micros(view.end_ns(), "+00:00"),
        "span_data": span_data(view),
        "error": error,
    })
}

pub fn document(set: &TraceSet) -> Value {
    let mut items: Vec<Value> = set
        .traces
        .iter()
        .map(|trace| {
            json!({
                "object": "trace",
                "id": format!("trace_{}", trace.trace_id),
                "workflow_name": trace.name,
                "group_id": trace.session_id,
                "metadata": null,
            })
        })
        .collect();
    items.extend(spans(set).map(|view| span_json(&view)));
    json!({"data": items})
}
