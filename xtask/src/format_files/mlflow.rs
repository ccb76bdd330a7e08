//! MLflow 3's trace JSON (`mlflow.get_trace(id).to_json()`): `{info, data: {spans}}`, spans in
//! OpenTelemetry's fields with snake_case names, base64 ids and nanosecond times, every attribute
//! value written as JSON text, the span type in `mlflow.spanType`, a model call's messages, model
//! and token usage in MLflow's own attributes, and the trace's request and response in `info`.

use serde_json::{json, Map, Value};
use trace_viewer_core::model::encoding::base64_encode;
use trace_viewer_core::model::{SpanKind, Trace, TraceSet};

use super::view::{hex_bytes, messages_json, rfc3339, trace_spans, SpanView};

fn span_type(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Llm => "CHAT_MODEL",
        SpanKind::Tool => "TOOL",
        SpanKind::Retrieval => "RETRIEVER",
        SpanKind::Agent => "AGENT",
        SpanKind::Chain => "CHAIN",
        SpanKind::Embedding => "EMBEDDING",
        SpanKind::Guardrail | SpanKind::Other => "UNKNOWN",
    }
}

/// MLflow writes every attribute value as JSON text.
fn encoded(values: Map<String, Value>) -> Map<String, Value> {
    values.into_iter().map(|(key, value)| (key, Value::String(value.to_string()))).collect()
}

fn span_json(view: &SpanView, request_id: &str) -> Value {
    let span = view.span;
    let ai = view.ai();
    let mut attributes = Map::new();
    attributes.insert("mlflow.traceRequestId".into(), json!(request_id));
    attributes.insert("mlflow.spanType".into(), json!(span_type(span.kind)));
    if span.kind == SpanKind::Llm {
        attributes.insert(
            "mlflow.spanInputs".into(),
            json!({"model": ai.model, "messages": messages_json(&ai.input_messages)}),
        );
        let choices: Vec<Value> = ai
            .output_messages
            .iter()
            .enumerate()
            .map(|(index, message)| json!({"index": index, "message": {"role": message.role, "content": message.content}}))
            .collect();
        let mut outputs = json!({"object": "chat.completion", "model": ai.model, "choices": choices});
        if let (Some(input), Some(output)) = (ai.input_tokens, ai.output_tokens) {
            outputs["usage"] =
                json!({"prompt_tokens": input, "completion_tokens": output, "total_tokens": input + output});
            attributes.insert(
                "mlflow.chat.tokenUsage".into(),
                json!({"input_tokens": input, "output_tokens": output, "total_tokens": input + output}),
            );
        }
        attributes.insert("mlflow.spanOutputs".into(), outputs);
        if let Some(model) = &ai.model {
            attributes.insert("mlflow.llm.model".into(), json!(model));
        }
        if let Some(provider) = &ai.provider {
            attributes.insert("mlflow.llm.provider".into(), json!(provider));
        }
    }
    attributes.extend(view.other_attributes());
    let status = match view.error() {
        Some(message) => json!({"code": "STATUS_CODE_ERROR", "message": message.unwrap_or("")}),
        None if view.status_code() == "OK" => json!({"code": "STATUS_CODE_OK", "message": ""}),
        None => json!({"code": "STATUS_CODE_UNSET", "message": ""}),
    };
    let events: Vec<Value> = span
        .events
        .iter()
        .map(|event| {
            json!({
                "name": event.name,
                "time_unix_nano": event.time_ns.unwrap_or(span.start_ns),
                "attributes": encoded(super::view::object(&event.attributes)),
            })
        })
        .collect();
    json!({
        "trace_id": base64_encode(&hex_bytes(&view.trace.trace_id)),
        "span_id": base64_encode(&hex_bytes(&span.span_id)),
        "parent_span_id": view.parent_id().map(|parent| base64_encode(&hex_bytes(parent))),
        "name": span.name,
        "kind": format!("SPAN_KIND_{}", span.protocol_kind.as_deref().unwrap_or("INTERNAL")),
        "start_time_unix_nano": span.start_ns,
        "end_time_unix_nano": view.end_ns(),
        "events": events,
        "status": status,
        "attributes": encoded(attributes),
        "links": [],
    })
}

fn trace_json(trace: &Trace) -> Value {
    let request_id = format!("tr-{}", trace.trace_id);
    let spans: Vec<Value> = trace_spans(trace).map(|view| span_json(&view, &request_id)).collect();
    let state = if trace.error_count() > 0 { "ERROR" } else { "OK" };
    let inputs = json!({"question": trace.user_input}).to_string();
    let outputs = json!({"answer": trace.final_output}).to_string();
    json!({
        "info": {
            "trace_id": request_id,
            "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "0"}},
            "request_time": rfc3339(trace.start_ns / 1_000_000 * 1_000_000),
            "state": state,
            "trace_metadata": {
                "mlflow.trace_schema.version": "3",
                "mlflow.traceInputs": inputs,
                "mlflow.traceOutputs": outputs,
            },
            "tags": {"mlflow.traceName": trace.name},
            "request_preview": inputs,
            "response_preview": outputs,
            "execution_duration_ms": trace.duration_ns / 1_000_000,
        },
        "data": {"spans": spans},
    })
}

/// The first trace (MLflow writes one trace a document); the others are left out.
pub fn document(set: &TraceSet) -> Value {
    set.traces.first().map_or(json!({"info": {"trace_id": ""}, "data": {"spans": []}}), trace_json)
}
