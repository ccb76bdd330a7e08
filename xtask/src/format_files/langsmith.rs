//! LangSmith runs as a flat list (what `client.list_runs` returns, one object per run): UUID ids
//! linked by `parent_run_id` and `trace_id`, `dotted_order`, `run_type`, `inputs` / `outputs` in
//! the shapes `wrap_openai` logs (messages in, choices and `usage_metadata` out), `error` for a
//! failure, and the other attributes (with `ls_provider`, `ls_model_name`) in `extra.metadata`.

use serde_json::{json, Value};
use trace_viewer_core::model::{SpanKind, TraceSet};

use super::view::{iso_micros, messages_json, rfc3339, trace_spans, uuid, SpanView};

fn run_type(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Llm => "llm",
        SpanKind::Tool => "tool",
        SpanKind::Retrieval => "retriever",
        SpanKind::Embedding => "embedding",
        _ => "chain",
    }
}

/// A time as `dotted_order` writes it: `20240601T120000123456Z`.
fn dotted_time(nanos: u64) -> String {
    iso_micros(nanos, "Z").chars().filter(|character| !matches!(character, '-' | ':' | '.')).collect()
}

fn run(view: &SpanView, run_id: &str, trace_run_id: &str, parent_run_id: Option<&str>, dotted_order: &str) -> Value {
    let span = view.span;
    let ai = view.ai();
    let mut metadata = view.other_attributes();
    if let Some(provider) = &ai.provider {
        metadata.insert("ls_provider".into(), json!(provider));
    }
    if let Some(model) = &ai.model {
        metadata.insert("ls_model_name".into(), json!(model));
    }
    let (inputs, outputs) = match span.kind {
        SpanKind::Llm => {
            let mut outputs = json!({
                "choices": ai.output_messages.iter().map(|message| json!({"message": {"role": message.role, "content": message.content}})).collect::<Vec<_>>(),
            });
            if let (Some(input), Some(output)) = (ai.input_tokens, ai.output_tokens) {
                outputs["usage_metadata"] =
                    json!({"input_tokens": input, "output_tokens": output, "total_tokens": input + output});
            }
            (json!({"messages": messages_json(&ai.input_messages), "model": ai.model}), outputs)
        }
        SpanKind::Retrieval => (json!({}), json!({"documents": []})),
        _ => (json!({}), json!({})),
    };
    json!({
        "id": run_id,
        "name": span.name,
        "start_time": rfc3339(span.start_ns),
        "run_type": run_type(span.kind),
        "end_time": rfc3339(view.end_ns()),
        "extra": {"metadata": metadata},
        "error": view.error().map(|message| message.unwrap_or("error")),
        "serialized": {"name": span.name},
        "events": span.events.iter().map(|event| json!({"name": event.name, "time": event.time_ns.map(rfc3339)})).collect::<Vec<_>>(),
        "inputs": inputs,
        "outputs": outputs,
        "reference_example_id": null,
        "parent_run_id": parent_run_id,
        "tags": [],
        "attachments": {},
        "session_name": view.service(),
        "session_id": null,
        "dotted_order": dotted_order,
        "trace_id": trace_run_id,
    })
}

pub fn document(set: &TraceSet) -> Value {
    let mut runs = Vec::new();
    for trace in &set.traces {
        // Parents come before children, so each run's parent's id and dotted order are known.
        let mut ids: Vec<String> = Vec::with_capacity(trace.spans.len());
        let mut orders: Vec<String> = Vec::with_capacity(trace.spans.len());
        let mut trace_runs: Vec<String> = Vec::with_capacity(trace.spans.len());
        for view in trace_spans(trace) {
            let id = uuid(&trace.trace_id, &view.span.span_id);
            let step = format!("{}{id}", dotted_time(view.span.start_ns));
            let parent = view.span.parent.get();
            let order = match parent {
                Some(parent) => format!("{}.{step}", orders[parent]),
                None => step,
            };
            // A root run is its own trace; a child is in its parent's.
            let trace_run = parent.map_or_else(|| id.clone(), |parent| trace_runs[parent].clone());
            runs.push(run(&view, &id, &trace_run, parent.map(|parent| ids[parent].as_str()), &order));
            ids.push(id);
            orders.push(order);
            trace_runs.push(trace_run);
        }
    }
    Value::Array(runs)
}
