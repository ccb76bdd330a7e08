//! LangSmith runs: `run_type` llm, chain, tool, retriever, prompt, parser, embedding; nested
//! `child_runs` or flat lists linked by `parent_run_id`; `inputs` / `outputs` / `error`; token
//! usage and cost; feedback. Also the SDK's ingest payloads (`{"post": [...], "patch": [...]}`),
//! merged by run id. Times are ISO strings or epoch milliseconds.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{
    field, flatten_attributes, flatten_attributes_under, string_field, text, text_or_json, time_ms_or_rfc3339,
};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::messages_json::{parse_message, parse_messages, readable_text};
use crate::model::{
    Attribute, AttributeValue, Document, Feedback, FeedbackKind, Message, Span, SpanEvent, SpanKind, SpanStatus,
    ToolRun,
};

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

/// The run types LangSmith writes, shared as span protocol kinds rather than copied per run.
const RUN_TYPES: [&str; 7] = ["llm", "chain", "tool", "retriever", "prompt", "parser", "embedding"];

/// Runs folded into JSON text by the document reader, read again (owning their text).
fn unfolded_runs(text: &str) -> Option<(Vec<Value<'static>>, Vec<crate::model::ImportWarning>)> {
    match super::documents::parse_document(text) {
        Ok((Value::Array(children), repairs)) => Some((children.into_iter().map(Value::into_owned).collect(), repairs)),
        _ => None,
    }
}

/// A run of the flat list: its object (borrowed from the document, owned when it was read again
/// from folded JSON text or completed by a patch) and the id of the run it was nested in.
struct FlatRun<'v, 'j> {
    object: Cow<'v, Map<'j>>,
    nested_in: Option<String>,
}

/// A nested run's `child_runs`: the runs of an array, or of JSON text the document reader folded
/// (read again here, folded again further down, and so on, so a deep agent's every run opens).
/// `None` when the field holds no run list.
fn child_runs<'v, 'j>(
    run: &mut Cow<'v, Map<'j>>,
    warnings: &mut Vec<crate::model::ImportWarning>,
) -> Option<Vec<Cow<'v, Map<'j>>>> {
    let owned_objects = |children: Vec<Value<'j>>| {
        children
            .into_iter()
            .filter_map(|child| match child {
                Value::Object(child) => Some(Cow::Owned(child)),
                _ => None,
            })
            .collect()
    };
    let unfold = |text: &str, warnings: &mut Vec<crate::model::ImportWarning>| {
        let (children, repairs) = unfolded_runs(text)?;
        warnings.extend(repairs);
        Some(owned_objects(children))
    };
    match run {
        Cow::Borrowed(object) => match object.get("child_runs")? {
            Value::Array(children) => Some(children.iter().filter_map(Value::as_object).map(Cow::Borrowed).collect()),
            Value::String(text) => unfold(text, warnings),
            _ => None,
        },
        // An owned run's children are taken out of it (it is read without them).
        Cow::Owned(object) => match object.get("child_runs")? {
            Value::Array(_) => match object.remove("child_runs") {
                Some(Value::Array(children)) => Some(owned_objects(children)),
                _ => None,
            },
            Value::String(text) => unfold(text, warnings),
            _ => None,
        },
    }
}

/// Flattens nested `child_runs` into one list (iteratively), each child keeping its parent id.
fn flatten_runs<'v, 'j>(
    roots: Vec<Cow<'v, Map<'j>>>,
    warnings: &mut Vec<crate::model::ImportWarning>,
) -> Vec<FlatRun<'v, 'j>> {
    let mut out = Vec::with_capacity(roots.len());
    let mut stack: Vec<FlatRun> = roots.into_iter().rev().map(|object| FlatRun { object, nested_in: None }).collect();
    while let Some(mut run) = stack.pop() {
        if let Some(children) = child_runs(&mut run.object, warnings) {
            let id = string_field(&run.object, &["id"]);
            stack.extend(children.into_iter().rev().map(|object| FlatRun { object, nested_in: id.clone() }));
        }
        out.push(run);
    }
    out
}

/// A run's fields, gathered in one pass over its entries (as written, nulls included: each
/// reader treats a null as absent where the field's reading did); `others` are the entries no
/// field takes, not null, in file order (the span's other fields).
#[derive(Default)]
struct RunFields<'v, 'j> {
    id: Option<&'v Value<'j>>,
    parent_run_id: Option<&'v Value<'j>>,
    trace_id: Option<&'v Value<'j>>,
    name: Option<&'v Value<'j>>,
    run_type: Option<&'v Value<'j>>,
    start_time: Option<&'v Value<'j>>,
    end_time: Option<&'v Value<'j>>,
    error: Option<&'v Value<'j>>,
    inputs: Option<&'v Value<'j>>,
    outputs: Option<&'v Value<'j>>,
    extra: Option<&'v Value<'j>>,
    events: Option<&'v Value<'j>>,
    tags: Option<&'v Value<'j>>,
    feedback: Option<&'v Value<'j>>,
    prompt_tokens: Option<&'v Value<'j>>,
    completion_tokens: Option<&'v Value<'j>>,
    total_tokens: Option<&'v Value<'j>>,
    total_cost: Option<&'v Value<'j>>,
    /// The id of the run this one was nested in (its parent when it names none).
    nested_in: Option<&'v str>,
    others: Vec<(&'v str, &'v Value<'j>)>,
}

impl<'v, 'j> RunFields<'v, 'j> {
    fn read(run: &'v FlatRun<'_, 'j>) -> Self {
        let mut fields = RunFields { nested_in: run.nested_in.as_deref(), ..RunFields::default() };
        for (key, value) in run.object.iter() {
            let slot = match key {
                "id" => &mut fields.id,
                "parent_run_id" => &mut fields.parent_run_id,
                "trace_id" => &mut fields.trace_id,
                "name" => &mut fields.name,
                "run_type" => &mut fields.run_type,
                "start_time" => &mut fields.start_time,
                "end_time" => &mut fields.end_time,
                "error" => &mut fields.error,
                "inputs" => &mut fields.inputs,
                "outputs" => &mut fields.outputs,
                "extra" => &mut fields.extra,
                "events" => &mut fields.events,
                "tags" => &mut fields.tags,
                "feedback" => &mut fields.feedback,
                "prompt_tokens" => &mut fields.prompt_tokens,
                "completion_tokens" => &mut fields.completion_tokens,
                "total_tokens" => &mut fields.total_tokens,
                "total_cost" => &mut fields.total_cost,
                // Read as the run's children (`flatten_runs`), never a field of its own.
                "child_runs" | "feedback_stats" => continue,
                _ => {
                    if !value.is_null() {
                        fields.others.push((key, value));
                    }
                    continue;
                }
            };
            *slot = Some(value);
        }
        fields
    }

    fn id(&self) -> Option<Cow<'v, str>> {
        self.id.and_then(text)
    }

    fn trace_id(&self) -> Option<Cow<'v, str>> {
        self.trace_id.and_then(text)
    }

    /// The parent's id: the run's own `parent_run_id`, else the run it was nested in.
    fn parent_id(&self) -> Option<Cow<'v, str>> {
        match self.parent_run_id {
            Some(parent) if !parent.is_null() => text(parent),
            _ => self.nested_in.map(Cow::Borrowed),
        }
    }

    /// `inputs` or `outputs` when they say something (not an empty object).
    fn non_empty(value: Option<&'v Value<'j>>) -> Option<&'v Value<'j>> {
        value.filter(|value| value.as_object().is_none_or(|map| !map.is_empty()))
    }

    fn extra(&self) -> Option<&'v Map<'j>> {
        self.extra.and_then(Value::as_object)
    }

    fn metadata(&self) -> Option<&'v Value<'j>> {
        self.extra().and_then(|extra| extra.get("metadata"))
    }
}

/// Each run's trace: its `trace_id`, else that of its nearest ancestor in the file that has one,
/// else its root ancestor's id (a nested child run usually names no trace). One pass, each run
/// resolved once; runs in a parent cycle share the cycle's smallest id, so they stay together
/// and the tree builder can report the cycle.
fn root_trace_ids<'v>(runs: &[RunFields<'v, '_>]) -> Vec<Cow<'v, str>> {
    let mut resolved: Vec<Option<Cow<str>>> = runs.iter().map(RunFields::trace_id).collect();
    if resolved.iter().all(Option::is_some) {
        // Every run names its trace: no ancestors to look up.
        return resolved.into_iter().map(Option::unwrap_or_default).collect();
    }
    let ids: Vec<Option<Cow<str>>> = runs.iter().map(RunFields::id).collect();
    let mut position_of: HashMap<&str, usize> = HashMap::with_capacity(runs.len());
    for (position, id) in ids.iter().enumerate() {
        if let Some(id) = id {
            position_of.entry(id.as_ref()).or_insert(position);
        }
    }
    let parent_of =
        |position: usize| runs[position].parent_id().and_then(|parent| position_of.get(parent.as_ref()).copied());
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
fn normalise_messages<'v, 'j>(items: &'v [Value<'j>]) -> Vec<Cow<'v, Value<'j>>> {
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::Array(inner) => flat.extend(inner.iter().map(normalise_message)),
            other => flat.push(normalise_message(other)),
        }
    }
    flat
}

/// A LangChain serialised message as a plain one (its `kwargs` with the role its class names);
/// any other value as it is, borrowed.
fn normalise_message<'v, 'j>(value: &'v Value<'j>) -> Cow<'v, Value<'j>> {
    let Some(kwargs) = value.get("kwargs").and_then(Value::as_object) else { return Cow::Borrowed(value) };
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
    message.insert("role", Value::from(role.to_string()));
    Cow::Owned(Value::Object(message))
}

/// An LLM run's input messages (`inputs.messages` or `inputs.prompts`): messages, possibly
/// LangChain's and one list per prompt, or prompt strings (each a user message).
fn input_messages(messages: &Value) -> Vec<Message> {
    let Value::Array(items) = messages else { return parse_messages(&normalise_message(messages)) };
    let flat = normalise_messages(items);
    if flat.iter().all(|item| item.is_string()) {
        return flat
            .iter()
            .filter_map(|item| item.as_str())
            .map(|text| Message { role: "user".into(), content: text.into(), ..Message::default() })
            .collect();
    }
    flat.iter().filter_map(|item| parse_message(item)).collect()
}

fn output_messages(outputs: &Value) -> Vec<Message> {
    if let Some(choices) = outputs.get("choices").and_then(Value::as_array) {
        return choices.iter().filter_map(|choice| choice.get("message")).flat_map(parse_messages).collect();
    }
    if let Some(generations) = outputs.get("generations").and_then(Value::as_array) {
        let flat = generations.iter().flat_map(|item| match item {
            Value::Array(inner) => inner.as_slice(),
            other => std::slice::from_ref(other),
        });
        return flat
            .filter_map(|generation| match generation.get("message").map(normalise_message) {
                Some(message) => parse_messages(&message).into_iter().next(),
                None => generation.get("text").and_then(Value::as_str).map(|text| Message {
                    role: "assistant".into(),
                    content: text.into(),
                    ..Message::default()
                }),
            })
            .collect();
    }
    if outputs.get("role").is_some() || outputs.get("content").is_some() {
        return parse_messages(&normalise_message(outputs));
    }
    Vec::new()
}

/// The run type as a span's protocol kind, shared when it is one LangSmith writes.
fn protocol_kind(run_type: Cow<str>) -> Cow<'static, str> {
    match RUN_TYPES.iter().find(|known| **known == run_type) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(run_type.into_owned()),
    }
}

/// A run's span attributes: its metadata flattened under `metadata.`, then its tags.
fn run_attributes(fields: &RunFields) -> Vec<Attribute> {
    let mut attributes = flatten_attributes_under("metadata.", fields.metadata());
    if let Some(tags @ Value::Array(items)) = fields.tags {
        if !items.is_empty() {
            attributes.push(Attribute::new("tags", AttributeValue::from_json(tags)));
        }
    }
    attributes
}

/// A run's other fields: its own, then `extra`'s (but `metadata`) as `extra.*`.
fn run_other_fields(fields: &RunFields) -> Vec<Attribute> {
    let own = fields.others.iter().map(|(key, value)| Attribute::new(*key, AttributeValue::from_json(value)));
    let extra = fields
        .extra()
        .into_iter()
        .flat_map(|extra| extra.iter())
        .filter(|(key, value)| !value.is_null() && *key != "metadata");
    own.chain(extra.map(|(key, value)| Attribute::new(format!("extra.{key}"), AttributeValue::from_json(value))))
        .collect()
}

fn read_run(fields: &RunFields) -> Span {
    let owned = |value: Option<Cow<str>>| value.map(Cow::into_owned);
    let mut span = Span::new(
        owned(fields.id()).unwrap_or_default(),
        owned(fields.parent_id()),
        owned(fields.name.and_then(text)).unwrap_or_default(),
    );
    let run_type = fields.run_type.and_then(text).unwrap_or_default();
    span.kind = kind(&run_type);
    span.protocol_kind = Some(protocol_kind(run_type));
    let start = fields.start_time.and_then(time_ms_or_rfc3339);
    let end = fields.end_time.and_then(time_ms_or_rfc3339);
    set_times(&mut span, start, end, ("start_time", "end_time"), false);
    if let Some(error) = fields.error.and_then(text).filter(|error| !error.is_empty()) {
        span.status = SpanStatus::Error { message: Some(error.into_owned()) };
    }
    let extra = fields.extra();
    let metadata = fields.metadata();
    span.attributes = run_attributes(fields);
    if let Some(Value::Array(events)) = fields.events {
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
    span.other_fields = run_other_fields(fields).into();

    let inputs = RunFields::non_empty(fields.inputs);
    let outputs = RunFields::non_empty(fields.outputs);
    let meta = |key: &str| metadata.and_then(|metadata| metadata.get(key)).and_then(Value::as_str).map(String::from);
    let span_kind = span.kind;
    let tool_name = (span_kind == SpanKind::Tool).then(|| span.name.clone());
    let details = span.ai_mut();
    details.input = inputs.and_then(text_or_json);
    details.output = outputs.and_then(text_or_json);
    details.model = meta("ls_model_name")
        .or_else(|| inputs.and_then(|inputs| inputs.get("model")).and_then(Value::as_str).map(String::from));
    details.provider = meta("ls_provider");
    if span_kind == SpanKind::Llm {
        if let Some(messages) = inputs.and_then(|inputs| inputs.get("messages").or_else(|| inputs.get("prompts"))) {
            details.input_messages = input_messages(messages).into();
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
        details.tool = Some(ToolRun { name: tool_name, call_id, arguments: details.input.clone(), result });
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
    let run_count = |value: Option<&Value>| value.and_then(Value::as_u64);
    let count = |value: Option<&Value>, keys: &[&str]| {
        value.and_then(|value| keys.iter().find_map(|key| value.get(key)?.as_u64()))
    };
    details.tokens.input = count(usage, &["input_tokens", "prompt_tokens"]).or_else(|| run_count(fields.prompt_tokens));
    details.tokens.output =
        count(usage, &["output_tokens", "completion_tokens"]).or_else(|| run_count(fields.completion_tokens));
    details.tokens.total = count(usage, &["total_tokens"]).or_else(|| run_count(fields.total_tokens));
    details.tokens.cached = count(usage.and_then(|usage| usage.get("input_token_details")), &["cache_read"]);
    details.tokens.reasoning = count(
        usage.and_then(|usage| usage.get("output_token_details").or_else(|| usage.get("completion_tokens_details"))),
        &["reasoning", "reasoning_tokens"],
    );
    details.cost_usd = fields.total_cost.and_then(|cost| cost.as_f64().or_else(|| cost.as_str()?.parse().ok()));
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

/// The objects of a list of runs, borrowed.
fn object_list<'v, 'j>(items: Option<&'v Value<'j>>) -> Vec<Cow<'v, Map<'j>>> {
    let items = items.and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    items.iter().filter_map(Value::as_object).map(Cow::Borrowed).collect()
}

/// An ingest payload's runs: the posted runs, each patch completing its run field by field (a
/// patch of no posted run is a run of its own). Only patched runs are copied.
fn merge_patches<'v, 'j>(post: Option<&'v Value<'j>>, patch: Option<&'v Value<'j>>) -> Vec<Cow<'v, Map<'j>>> {
    let mut merged = object_list(post);
    // Where each id and each dotted order first stands, so a patch finds its run without a scan.
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_order: HashMap<String, usize> = HashMap::new();
    let note =
        |run: &Map, position: usize, by_id: &mut HashMap<String, usize>, by_order: &mut HashMap<String, usize>| {
            for (key, index) in [("id", by_id), ("dotted_order", by_order)] {
                if let Some(value) = field(run, &[key]).and_then(text) {
                    let place = index.entry(value.into_owned()).or_insert(position);
                    *place = (*place).min(position);
                }
            }
        };
    for (position, run) in merged.iter().enumerate() {
        note(run, position, &mut by_id, &mut by_order);
    }
    for patch in object_list(patch) {
        // A patch names its run by id; the JS SDK's patches may carry only `dotted_order`.
        let target = match (field(&patch, &["id"]).and_then(text), field(&patch, &["dotted_order"]).and_then(text)) {
            (Some(id), _) => by_id.get(id.as_ref()).copied(),
            (None, Some(order)) => by_order.get(order.as_ref()).copied(),
            (None, None) => None,
        };
        let position = match target {
            Some(position) => {
                let run = merged[position].to_mut();
                // A field the patch leaves empty does not wipe what the post said.
                let is_empty = |value: &Value| {
                    value.is_null()
                        || value.as_object().is_some_and(Map::is_empty)
                        || value.as_array().is_some_and(Vec::is_empty)
                };
                let (filled, empty): (Vec<_>, Vec<_>) = patch.iter().partition(|(_, value)| !is_empty(value));
                run.extend(filled.into_iter().map(|(key, value)| (key.to_string(), value.clone())));
                run.extend_missing(empty.into_iter().map(|(key, value)| (key.to_string(), value.clone())));
                position
            }
            None => {
                merged.push(patch);
                merged.len() - 1
            }
        };
        note(&merged[position], position, &mut by_id, &mut by_order);
    }
    merged
}

/// A trace's root-run texts: its input and final output, read only when the trace has none yet.
fn read_root_texts(fields: &RunFields, trace: &mut crate::model::Trace) {
    if trace.user_input.is_none() {
        trace.user_input = fields.inputs.and_then(|inputs| readable_text(inputs, "user"));
    }
    if trace.final_output.is_none() {
        trace.final_output = fields.outputs.and_then(|outputs| {
            let messages = output_messages(outputs);
            match messages.last() {
                Some(message) if !message.content.is_empty() => Some(message.content.clone()),
                _ => readable_text(outputs, "assistant"),
            }
        });
    }
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("langsmith");
    let mut top_feedback: &[Value] = &[];
    let roots = match value {
        Value::Object(object) if object.contains_key("post") || object.contains_key("patch") => {
            merge_patches(object.get("post"), object.get("patch"))
        }
        Value::Object(object) if object.contains_key("runs") => {
            if let Some(Value::Array(feedback)) = object.get("feedback") {
                top_feedback = feedback;
            }
            object_list(object.get("runs"))
        }
        Value::Object(object) => vec![Cow::Borrowed(object)],
        Value::Array(_) => object_list(Some(value)),
        _ => return Err(ImportError::Invalid { path: "$".into(), reason: "expected LangSmith runs".into() }),
    };
    let mut unfold_warnings = Vec::new();
    let runs = flatten_runs(roots, &mut unfold_warnings);
    import.warnings.extend(unfold_warnings);
    let runs: Vec<RunFields> = runs.iter().map(RunFields::read).collect();
    let trace_ids = root_trace_ids(&runs);
    let mut feedback_values: Vec<&Value> = top_feedback.iter().collect();
    let mut index = HashMap::new();
    for (run, trace_id) in runs.iter().zip(&trace_ids) {
        if let Some(Value::Array(feedback)) = run.feedback {
            feedback_values.extend(feedback);
        }
        let span = read_run(run);
        let metadata = run.metadata();
        let meta = |keys: &[&str]| keys.iter().find_map(|key| metadata?.get(key)).and_then(text_or_json);
        let raw = import.trace_mut(&mut index, trace_id);
        if raw.trace.user_id.is_none() {
            raw.trace.user_id = meta(&["user_id", "userId"]);
        }
        if raw.trace.session_id.is_none() {
            raw.trace.session_id = meta(&["session_id", "thread_id", "conversation_id"]);
        }
        if span.parent_span_id.is_none() {
            if raw.trace.name.is_empty() {
                raw.trace.name = span.name.clone();
            }
            read_root_texts(run, &mut raw.trace);
        }
        raw.spans.push(span);
    }
    for value in feedback_values {
        if let Some((trace_id, feedback)) = read_feedback(value) {
            let trace_id = trace_id.or_else(|| {
                let run_id = feedback.span_id.as_deref()?;
                runs.iter()
                    .find(|run| run.id().as_deref() == Some(run_id))
                    .and_then(|run| run.trace_id())
                    .map(Cow::into_owned)
            });
            let trace_id = trace_id
                .unwrap_or_else(|| import.traces.first().map(|raw| raw.trace.trace_id.clone()).unwrap_or_default());
            import.trace_mut(&mut index, &trace_id).trace.feedback.push(feedback);
        }
    }
    Ok(import)
}
