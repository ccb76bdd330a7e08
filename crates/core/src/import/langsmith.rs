//! LangSmith runs: `run_type` llm, chain, tool, retriever, prompt, parser, embedding; nested
//! `child_runs` or flat lists linked by `parent_run_id`; `inputs` / `outputs` / `error`; token
//! usage and cost; feedback. Also the SDK's ingest payloads (`{"post": [...], "patch": [...]}`),
//! merged by run id. Times are ISO strings or epoch milliseconds.

use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{field, flatten_attributes, other_fields, string_field, text_or_json, time_ms_or_rfc3339};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::messages_json::{parse_messages, readable_text};
use crate::model::{
    Attribute, AttributeValue, Document, Feedback, FeedbackKind, Message, Span, SpanEvent, SpanKind, SpanStatus,
    ToolRun,
};

const RUN_FIELDS: &[&str] = &[
    "id",
    "parent_run_id",
    "trace_id",
    "name",
    "run_type",
    "start_time",
    "end_time",
    "error",
    "inputs",
    "outputs",
    "child_runs",
    "extra",
    "events",
    "tags",
    "feedback",
    "feedback_stats",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "total_cost",
];

fn is_run(value: &Value) -> bool {
    value.get("run_type").is_some_and(Value::is_string) && value.get("id").is_some()
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            is_run(value)
                || object.get("post").and_then(Value::as_array).is_some_and(|runs| runs.first().is_some_and(is_run))
                || object.get("runs").and_then(Value::as_array).is_some_and(|runs| runs.first().is_some_and(is_run))
        }
        Value::Array(items) => items.first().is_some_and(is_run),
        _ => false,
    }
}

fn kind(run_type: &str) -> SpanKind {
    match run_type {
        "llm" => SpanKind::Llm,
        "tool" => SpanKind::Tool,
        "retriever" => SpanKind::Retrieval,
        "embedding" => SpanKind::Embedding,
        "chain" => SpanKind::Chain,
        _ => SpanKind::Other,
    }
}

/// Runs folded into JSON text by the document reader, read again (owning their text).
fn unfolded_runs(text: &str) -> Option<(Vec<Value<'static>>, Vec<crate::model::ImportWarning>)> {
    match super::documents::parse_document(text) {
        Ok((Value::Array(children), repairs)) => Some((children.into_iter().map(Value::into_owned).collect(), repairs)),
        _ => None,
    }
}

/// Flattens nested `child_runs` into one list (iteratively), each child keeping its parent id.
/// A run tree deeper than the document reader folds arrives with `child_runs` as JSON text: it is
/// read again here (folded again further down, and so on), so a deep agent's every run opens.
fn flatten_runs<'a>(roots: Vec<Map<'a>>, warnings: &mut Vec<crate::model::ImportWarning>) -> Vec<Map<'a>> {
    let mut out = Vec::new();
    let mut stack: Vec<(Map, Option<String>)> = roots.into_iter().rev().map(|run| (run, None)).collect();
    while let Some((mut run, parent)) = stack.pop() {
        if let (Some(parent), false) = (&parent, run.get("parent_run_id").is_some_and(|value| !value.is_null())) {
            run.insert("parent_run_id", Value::from(parent.clone()));
        }
        let id = string_field(&run, &["id"]);
        let children = match run.remove("child_runs") {
            Some(Value::String(text)) => match unfolded_runs(&text) {
                Some((children, repairs)) => {
                    warnings.extend(repairs);
                    Some(children)
                }
                None => {
                    // Not a folded run list after all: kept as the run's field.
                    run.insert("child_runs", Value::String(text));
                    None
                }
            },
            Some(Value::Array(children)) => Some(children),
            Some(other) => {
                run.insert("child_runs", other);
                None
            }
            None => None,
        };
        if let Some(children) = children {
            for child in children.into_iter().rev() {
                if let Value::Object(child) = child {
                    stack.push((child, id.clone()));
                }
            }
        }
        out.push(run);
    }
    out
}

/// Each run's trace: its `trace_id`, else that of its nearest ancestor in the file that has one,
/// else its root ancestor's id (a nested child run usually names no trace). One pass, each run
/// resolved once; runs in a parent cycle share the cycle's smallest id, so they stay together
/// and the tree builder can report the cycle.
fn root_trace_ids(runs: &[Map]) -> Vec<String> {
    let ids: Vec<Option<String>> = runs.iter().map(|run| string_field(run, &["id"])).collect();
    let mut position_of: HashMap<&str, usize> = HashMap::with_capacity(runs.len());
    for (position, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            position_of.entry(id.as_str()).or_insert(position);
        }
    }
    let parent_of = |position: usize| {
        string_field(&runs[position], &["parent_run_id"]).and_then(|parent| position_of.get(parent.as_str()).copied())
    };
    let mut resolved: Vec<Option<String>> = runs.iter().map(|run| string_field(run, &["trace_id"])).collect();
    // Which walk last visited each run, and where on that walk's path it stands.
    let mut visited_by = vec![usize::MAX; runs.len()];
    let mut path_index = vec![0usize; runs.len()];
    for start in 0..runs.len() {
        let mut path = Vec::new();
        let mut current = start;
        let trace_id = loop {
            if let Some(trace_id) = &resolved[current] {
                break trace_id.clone();
            }
            if visited_by[current] == start {
                let cycle = &path[path_index[current]..];
                break cycle.iter().filter_map(|&member: &usize| ids[member].clone()).min().unwrap_or_default();
            }
            visited_by[current] = start;
            path_index[current] = path.len();
            path.push(current);
            match parent_of(current) {
                Some(parent) => current = parent,
                None => break ids[current].clone().unwrap_or_default(),
            }
        };
        for member in path {
            resolved[member] = Some(trace_id.clone());
        }
    }
    resolved.into_iter().map(Option::unwrap_or_default).collect()
}

/// LangChain's serialised messages (`{"lc": 1, "id": [..., "HumanMessage"], "kwargs": {...}}`)
/// become plain ones; nested lists (one per prompt) are flattened.
fn normalise_messages<'a>(value: &'a Value<'a>) -> Value<'a> {
    match value {
        Value::Array(items) => {
            let mut flat = Vec::new();
            for item in items {
                match item {
                    Value::Array(inner) => flat.extend(inner.iter().map(normalise_message)),
                    other => flat.push(normalise_message(other)),
                }
            }
            Value::Array(flat)
        }
        other => normalise_message(other),
    }
}

fn normalise_message<'a>(value: &'a Value<'a>) -> Value<'a> {
    let Some(kwargs) = value.get("kwargs").and_then(Value::as_object) else { return value.clone() };
    let class =
        value.get("id").and_then(Value::as_array).and_then(|path| path.last()).and_then(Value::as_str).unwrap_or("");
    let role = match class {
        "HumanMessage" | "HumanMessageChunk" => "user",
        "AIMessage" | "AIMessageChunk" => "assistant",
        "SystemMessage" => "system",
        "ToolMessage" => "tool",
        _ => kwargs.get("type").and_then(Value::as_str).unwrap_or("unknown"),
    };
    let mut message = kwargs.clone();
    message.insert("role", Value::from(role));
    Value::Object(message)
}

fn output_messages(outputs: &Value) -> Vec<Message> {
    if let Some(choices) = outputs.get("choices").and_then(Value::as_array) {
        return choices.iter().filter_map(|choice| choice.get("message")).flat_map(parse_messages).collect();
    }
    if let Some(generations) = outputs.get("generations").and_then(Value::as_array) {
        let flat: Vec<&Value> = generations
            .iter()
            .flat_map(|item| item.as_array().map(|inner| inner.iter().collect()).unwrap_or_else(|| vec![item]))
            .collect();
        return flat
            .into_iter()
            .filter_map(|generation| {
                let message = generation.get("message").map(normalise_message);
                match message {
                    Some(message) => parse_messages(&message).into_iter().next(),
                    None => generation.get("text").and_then(Value::as_str).map(|text| Message {
                        role: "assistant".into(),
                        content: text.into(),
                        ..Message::default()
                    }),
                }
            })
            .collect();
    }
    if outputs.get("role").is_some() || outputs.get("content").is_some() {
        return parse_messages(&normalise_message(outputs));
    }
    Vec::new()
}

fn read_run(run: &Map) -> Span {
    let id = string_field(run, &["id"]).unwrap_or_default();
    let mut span =
        Span::new(id.clone(), string_field(run, &["parent_run_id"]), string_field(run, &["name"]).unwrap_or_default());
    let run_type = string_field(run, &["run_type"]).unwrap_or_default();
    span.kind = kind(&run_type);
    span.protocol_kind = Some(run_type.into());
    let start = field(run, &["start_time"]).and_then(time_ms_or_rfc3339);
    let end = field(run, &["end_time"]).and_then(time_ms_or_rfc3339);
    set_times(&mut span, start, end, ("start_time", "end_time"), false);
    if let Some(error) = string_field(run, &["error"]).filter(|error| !error.is_empty()) {
        span.status = SpanStatus::Error { message: Some(error) };
    }
    let extra = run.get("extra").and_then(Value::as_object);
    let metadata = extra.and_then(|extra| extra.get("metadata"));
    span.attributes = flatten_attributes(metadata)
        .into_iter()
        .map(|attribute| Attribute::new(format!("metadata.{}", attribute.key), attribute.value))
        .collect();
    if let Some(Value::Array(tags)) = run.get("tags") {
        if !tags.is_empty() {
            span.attributes.push(Attribute::new("tags", AttributeValue::from_json(&Value::Array(tags.clone()))));
        }
    }
    if let Some(Value::Array(events)) = run.get("events") {
        span.events = events
            .iter()
            .filter_map(Value::as_object)
            .map(|event| SpanEvent {
                name: string_field(event, &["name"]).unwrap_or_else(|| "event".into()),
                time_ns: field(event, &["time"]).and_then(time_ms_or_rfc3339),
                attributes: flatten_attributes(event.get("kwargs")),
            })
            .collect();
    }
    span.other_fields = other_fields(run, RUN_FIELDS).into();
    if let Some(extra) = extra {
        span.other_fields.extend(
            other_fields(extra, &["metadata"])
                .into_iter()
                .map(|field| Attribute::new(format!("extra.{}", field.key), field.value)),
        );
    }

    let inputs = run.get("inputs").filter(|value| value.as_object().is_none_or(|map| !map.is_empty()));
    let outputs = run.get("outputs").filter(|value| value.as_object().is_none_or(|map| !map.is_empty()));
    let meta = |key: &str| metadata.and_then(|metadata| metadata.get(key)).and_then(Value::as_str).map(String::from);
    let span_kind = span.kind;
    let span_name = span.name.clone();
    let details = span.ai_mut();
    details.input = inputs.and_then(text_or_json);
    details.output = outputs.and_then(text_or_json);
    details.model = meta("ls_model_name")
        .or_else(|| inputs.and_then(|inputs| inputs.get("model")).and_then(Value::as_str).map(String::from));
    details.provider = meta("ls_provider");
    if span_kind == SpanKind::Llm {
        if let Some(messages) = inputs.and_then(|inputs| inputs.get("messages").or_else(|| inputs.get("prompts"))) {
            let normalised = normalise_messages(messages);
            details.input_messages = match &normalised {
                Value::Array(items) if items.iter().all(Value::is_string) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|text| Message { role: "user".into(), content: text.into(), ..Message::default() })
                    .collect::<Vec<_>>()
                    .into(),
                other => parse_messages(other).into(),
            };
        }
        if let Some(outputs) = outputs {
            details.output_messages = output_messages(outputs).into();
            if let Some(model) = outputs.get("model").and_then(Value::as_str) {
                details.model = Some(model.to_string());
            }
        }
    }
    // A LangChain chat model's answer: the AIMessage of its first generation.
    let answer = outputs
        .and_then(|outputs| outputs.get("generations"))
        .and_then(|generations| generations.as_array()?.first()?.as_array()?.first()?.get("message"))
        .map(|message| message.get("kwargs").unwrap_or(message));
    if details.model.is_none() {
        details.model = answer
            .and_then(|message| message.get("response_metadata")?.get("model_name"))
            .or_else(|| outputs.and_then(|outputs| outputs.get("llm_output")?.get("model_name")))
            .and_then(Value::as_str)
            .map(String::from);
    }
    if span_kind == SpanKind::Tool {
        // A tool's output may be the ToolMessage it made: its `content` is the result.
        let output = outputs.and_then(|outputs| outputs.get("output"));
        let tool_message = output
            .and_then(|output| output.get("kwargs"))
            .filter(|_| output.is_some_and(|output| output.get("lc").is_some()));
        let result = tool_message
            .and_then(|message| message.get("content"))
            .and_then(text_or_json)
            .or_else(|| output.and_then(text_or_json))
            .or_else(|| outputs.and_then(text_or_json));
        let call_id = extra
            .and_then(|extra| extra.get("tool_call_id"))
            .or_else(|| tool_message.and_then(|message| message.get("tool_call_id")))
            .and_then(Value::as_str)
            .map(String::from);
        details.tool = Some(ToolRun { name: Some(span_name), call_id, arguments: details.input.clone(), result });
    }
    if span_kind == SpanKind::Retrieval {
        if let Some(Value::Array(documents)) = outputs.and_then(|outputs| outputs.get("documents")) {
            details.documents = documents
                .iter()
                .map(|document| Document {
                    id: document.get("id").and_then(Value::as_str).map(String::from),
                    content: document.get("page_content").and_then(Value::as_str).map(String::from),
                    score: document.get("metadata").and_then(|metadata| metadata.get("score")).and_then(Value::as_f64),
                    metadata: document.get("metadata").map(Value::to_string),
                })
                .collect();
        }
    }
    let usage = outputs
        .and_then(|outputs| {
            outputs
                .get("usage_metadata")
                .or_else(|| outputs.get("llm_output").and_then(|llm| llm.get("token_usage")))
                .or_else(|| outputs.get("usage"))
        })
        .or_else(|| answer.and_then(|message| message.get("usage_metadata")));
    let run_count = |key: &str| run.get(key).and_then(Value::as_u64);
    let count = |value: Option<&Value>, keys: &[&str]| {
        value.and_then(|value| keys.iter().find_map(|key| value.get(key)?.as_u64()))
    };
    details.tokens.input = count(usage, &["input_tokens", "prompt_tokens"]).or_else(|| run_count("prompt_tokens"));
    details.tokens.output =
        count(usage, &["output_tokens", "completion_tokens"]).or_else(|| run_count("completion_tokens"));
    details.tokens.total = count(usage, &["total_tokens"]).or_else(|| run_count("total_tokens"));
    details.tokens.cached = count(usage.and_then(|usage| usage.get("input_token_details")), &["cache_read"]);
    details.tokens.reasoning = count(
        usage.and_then(|usage| usage.get("output_token_details").or_else(|| usage.get("completion_tokens_details"))),
        &["reasoning", "reasoning_tokens"],
    );
    details.cost_usd = run.get("total_cost").and_then(|cost| cost.as_f64().or_else(|| cost.as_str()?.parse().ok()));
    if span.ai.as_deref().is_some_and(|details| details.is_empty()) {
        span.ai = None;
    }
    span
}

fn read_feedback(value: &Value) -> Option<(Option<String>, Feedback)> {
    let object = value.as_object()?;
    let key = string_field(object, &["key"])?;
    let score = object
        .get("score")
        .and_then(|score| score.as_f64().or_else(|| score.as_bool().map(|flag| if flag { 1.0 } else { 0.0 })));
    let lowered = key.to_ascii_lowercase();
    let kind = match (lowered.contains("thumb") || lowered == "user_feedback" || lowered == "user-score", score) {
        (true, Some(score)) if score > 0.0 => FeedbackKind::ThumbsUp,
        (true, Some(_)) => FeedbackKind::ThumbsDown,
        _ => FeedbackKind::parse(&key),
    };
    let kind = if matches!(kind, FeedbackKind::Other(_)) { FeedbackKind::Score } else { kind };
    let feedback = Feedback {
        kind,
        name: Some(key),
        value: score,
        comment: string_field(object, &["comment"]),
        text: object.get("value").and_then(text_or_json),
        time_ns: field(object, &["created_at"]).and_then(time_ms_or_rfc3339),
        span_id: string_field(object, &["run_id"]),
    };
    Some((string_field(object, &["trace_id"]), feedback))
}

pub fn import<'a>(value: &Value<'a>) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("langsmith");
    let object_list = |items: &Vec<Value<'a>>| items.iter().filter_map(Value::as_object).cloned().collect::<Vec<_>>();
    let mut feedback_values: Vec<Value> = Vec::new();
    let runs: Vec<Map> = match value {
        Value::Object(object) if object.contains_key("post") || object.contains_key("patch") => {
            // Ingest payload: patches complete the posted runs, field by field.
            let mut merged: Vec<Map> =
                object.get("post").and_then(Value::as_array).map(object_list).unwrap_or_default();
            for patch in object.get("patch").and_then(Value::as_array).map(object_list).unwrap_or_default() {
                // A patch names its run by id; the JS SDK's patches may carry only `dotted_order`.
                let by_id = string_field(&patch, &["id"]);
                let by_order = string_field(&patch, &["dotted_order"]);
                let target = merged.iter_mut().find(|run| {
                    (by_id.is_some() && string_field(run, &["id"]) == by_id)
                        || (by_id.is_none() && by_order.is_some() && string_field(run, &["dotted_order"]) == by_order)
                });
                match target {
                    Some(run) => {
                        for (key, value) in patch {
                            let empty = value.is_null()
                                || value.as_object().is_some_and(Map::is_empty)
                                || value.as_array().is_some_and(Vec::is_empty);
                            if !empty || !run.contains_key(&key) {
                                run.insert(key, value);
                            }
                        }
                    }
                    None => merged.push(patch),
                }
            }
            merged
        }
        Value::Object(object) if object.contains_key("runs") => {
            if let Some(Value::Array(feedback)) = object.get("feedback") {
                feedback_values.extend(feedback.iter().cloned());
            }
            object.get("runs").and_then(Value::as_array).map(object_list).unwrap_or_default()
        }
        Value::Object(object) => vec![object.clone()],
        Value::Array(items) => object_list(items),
        _ => return Err(ImportError::Invalid { path: "$".into(), reason: "expected LangSmith runs".into() }),
    };
    let mut unfold_warnings = Vec::new();
    let runs = flatten_runs(runs, &mut unfold_warnings);
    import.warnings.extend(unfold_warnings);
    let trace_ids = root_trace_ids(&runs);
    let mut index = HashMap::new();
    for (run, trace_id) in runs.iter().zip(&trace_ids) {
        if let Some(Value::Array(feedback)) = run.get("feedback") {
            feedback_values.extend(feedback.iter().cloned());
        }
        let span = read_run(run);
        let is_root = span.parent_span_id.is_none();
        let input = run.get("inputs").and_then(|inputs| readable_text(inputs, "user"));
        let output = run.get("outputs").and_then(|outputs| {
            let messages = output_messages(outputs);
            match messages.last() {
                Some(message) if !message.content.is_empty() => Some(message.content.clone()),
                _ => readable_text(outputs, "assistant"),
            }
        });
        let metadata = run.get("extra").and_then(|extra| extra.get("metadata"));
        let meta = |keys: &[&str]| keys.iter().find_map(|key| metadata?.get(key)).and_then(text_or_json);
        let raw = import.trace_mut(&mut index, trace_id);
        if raw.trace.user_id.is_none() {
            raw.trace.user_id = meta(&["user_id", "userId"]);
        }
        if raw.trace.session_id.is_none() {
            raw.trace.session_id = meta(&["session_id", "thread_id", "conversation_id"]);
        }
        if is_root {
            if raw.trace.name.is_empty() {
                raw.trace.name = span.name.clone();
            }
            raw.trace.user_input = raw.trace.user_input.take().or(input);
            raw.trace.final_output = raw.trace.final_output.take().or(output);
        }
        raw.spans.push(span);
    }
    for value in &feedback_values {
        if let Some((trace_id, feedback)) = read_feedback(value) {
            let trace_id = trace_id.or_else(|| {
                let run_id = feedback.span_id.clone()?;
                runs.iter()
                    .find(|run| string_field(run, &["id"]).as_deref() == Some(run_id.as_str()))
                    .and_then(|run| string_field(run, &["trace_id"]))
            });
            let trace_id = trace_id
                .unwrap_or_else(|| import.traces.first().map(|raw| raw.trace.trace_id.clone()).unwrap_or_default());
            import.trace_mut(&mut index, &trace_id).trace.feedback.push(feedback);
        }
    }
    Ok(import)
}
