//! Langfuse's public API trace (`GET /api/public/traces/{id}`): the trace with its observations,
//! each as Langfuse stores a span sent over OpenTelemetry: typed (`GENERATION`, `TOOL`,
//! `RETRIEVER`, `AGENT`...), the model, usage and messages in Langfuse's own fields, `level:
//! ERROR` for a failure, and the original attributes, resource and scope in the `metadata` text.

use serde_json::{json, Value};
use trace_viewer_core::model::{SpanKind, Trace, TraceSet};

use super::view::{messages_json, object, rfc3339, trace_spans, SpanView};

const PROJECT: &str = "clbench0000000000000000000";

fn observation_type(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Llm => "GENERATION",
        SpanKind::Tool => "TOOL",
        SpanKind::Retrieval => "RETRIEVER",
        SpanKind::Agent => "AGENT",
        SpanKind::Chain => "CHAIN",
        SpanKind::Embedding => "EMBEDDING",
        SpanKind::Guardrail => "GUARDRAIL",
        SpanKind::Other => "SPAN",
    }
}

/// The `metadata` text Langfuse keeps for a span that came over OpenTelemetry.
fn metadata(view: &SpanView) -> String {
    let resource = view.resource().map(|resource| object(&resource.attributes)).unwrap_or_default();
    let scope = view.scope().map_or(
        json!({}),
        |scope| json!({"name": scope.name, "version": scope.version, "attributes": object(&scope.attributes)}),
    );
    json!({"attributes": view.attributes(), "resourceAttributes": resource, "scope": scope}).to_string()
}

fn observation(view: &SpanView) -> Value {
    let span = view.span;
    let ai = view.ai();
    let generation = span.kind == SpanKind::Llm;
    let input = match (generation, ai.input_messages.is_empty()) {
        (true, false) => json!(messages_json(&ai.input_messages).to_string()),
        _ => json!(ai.input),
    };
    let output = match (generation, ai.output_messages.is_empty()) {
        (true, false) => json!(messages_json(&ai.output_messages).to_string()),
        _ => json!(ai.output),
    };
    let mut usage = serde_json::Map::new();
    if let Some(tokens) = ai.input_tokens {
        usage.insert("input".into(), json!(tokens));
    }
    if let Some(tokens) = ai.output_tokens {
        usage.insert("output".into(), json!(tokens));
    }
    if let (Some(input), Some(output)) = (ai.input_tokens, ai.output_tokens) {
        usage.insert("total".into(), json!(input + output));
    }
    let created = rfc3339(view.end_ns());
    json!({
        "id": span.span_id,
        "traceId": view.trace.trace_id,
        "startTime": rfc3339(span.start_ns),
        "endTime": rfc3339(view.end_ns()),
        "projectId": PROJECT,
        "parentObservationId": view.parent_id(),
        "type": observation_type(span.kind),
        "environment": "default",
        "name": span.name,
        "level": if view.error().is_some() { "ERROR" } else { "DEFAULT" },
        "statusMessage": view.error().flatten(),
        "version": null,
        "createdAt": created,
        "updatedAt": created,
        "input": input,
        "output": output,
        "model": ai.model,
        "modelParameters": {},
        "completionStartTime": null,
        "promptId": null,
        "latency": span.duration_ns as f64 / 1e9,
        "timeToFirstToken": null,
        "usageDetails": usage,
        "costDetails": {},
        "totalCost": 0,
        "metadata": metadata(view),
    })
}

fn trace_json(trace: &Trace) -> Value {
    let observations: Vec<Value> = trace_spans(trace).map(|view| observation(&view)).collect();
    json!({
        "id": trace.trace_id,
        "projectId": PROJECT,
        "name": trace.name,
        "timestamp": rfc3339(trace.start_ns),
        "environment": "default",
        "tags": [],
        "bookmarked": false,
        "release": null,
        "version": null,
        "userId": trace.user_id,
        "sessionId": trace.session_id,
        "public": false,
        "input": trace.user_input,
        "output": trace.final_output,
        "metadata": "{}",
        "createdAt": rfc3339(trace.start_ns),
        "updatedAt": rfc3339(trace.start_ns + trace.duration_ns),
        "scores": [],
        "latency": trace.duration_ns as f64 / 1e9,
        "observations": observations,
    })
}

/// The first trace as the API returns it (one trace a request); the others are left out.
pub fn document(set: &TraceSet) -> Value {
    set.traces.first().map_or(json!({"observations": []}), trace_json)
}
