//! Langfuse: a trace with its observations (SPAN, GENERATION, EVENT, AGENT, TOOL, RETRIEVER...),
//! as its UI download (`{"trace", "observations"}`) and API (`trace.observations`) write it, a bare
//! observations array, and the older SDKs' ingestion batch (`trace-create`, `span-create`,
//! `generation-update`, `score-create`... events merged by id). Scores become feedback.
//! Observation metadata that carries the original OpenTelemetry attributes is unpacked into span
//! attributes so the same conventions apply.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{
    field, flatten_attributes, other_fields, string_field, text, text_and_document, text_or_json, time_ms_or_rfc3339,
};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::json_text::decode_json_text;
use crate::model::messages_json::{parse_messages, readable_text};
use crate::model::{
    Attribute, AttributeValue, Feedback, FeedbackKind, OptionalIndex, Resource, Scope, Span, SpanKind, SpanStatus,
};

const OBSERVATION_TYPES: &[&str] =
    &["SPAN", "GENERATION", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"];

fn is_observation(value: &Value) -> bool {
    value.get("type").and_then(Value::as_str).is_some_and(|kind| OBSERVATION_TYPES.contains(&kind))
        && value.get("startTime").is_some()
}

fn is_ingestion_event(value: &Value) -> bool {
    value.get("type").and_then(Value::as_str).is_some_and(|kind| kind.ends_with("-create") || kind.ends_with("-update"))
        && value.get("body").is_some_and(Value::is_object)
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            let observations = object
                .get("observations")
                .or_else(|| object.get("trace").and_then(|trace| trace.get("observations")))
                .and_then(Value::as_array);
            observations.is_some_and(|list| list.first().is_none_or(is_observation))
                || object
                    .get("batch")
                    .and_then(Value::as_array)
                    .is_some_and(|batch| batch.first().is_some_and(is_ingestion_event))
        }
        Value::Array(items) => items.first().is_some_and(|first| is_observation(first) || is_ingestion_event(first)),
        _ => false,
    }
}

pub(crate) fn kind(observation_type: &str) -> SpanKind {
    match observation_type {
        "GENERATION" => SpanKind::Llm,
        "AGENT" => SpanKind::Agent,
        "TOOL" => SpanKind::Tool,
        "RETRIEVER" => SpanKind::Retrieval,
        "EMBEDDING" => SpanKind::Embedding,
        "CHAIN" => SpanKind::Chain,
        "GUARDRAIL" => SpanKind::Guardrail,
        _ => SpanKind::Other,
    }
}

/// An observation's fields, gathered in one pass over its entries (as written, nulls included:
/// each reader below treats a null as absent where the field's reading did); `others` are the
/// entries no field takes, not null, in file order (the span's other fields).
#[derive(Default)]
struct ObservationFields<'v, 'j> {
    id: Option<&'v Value<'j>>,
    trace_id: Option<&'v Value<'j>>,
    parent_id: Option<&'v Value<'j>>,
    name: Option<&'v Value<'j>>,
    observation_type: Option<&'v Value<'j>>,
    start_time: Option<&'v Value<'j>>,
    end_time: Option<&'v Value<'j>>,
    level: Option<&'v Value<'j>>,
    status_message: Option<&'v Value<'j>>,
    input: Option<&'v Value<'j>>,
    output: Option<&'v Value<'j>>,
    model: Option<&'v Value<'j>>,
    model_parameters: Option<&'v Value<'j>>,
    usage_details: Option<&'v Value<'j>>,
    usage: Option<&'v Value<'j>>,
    cost_details: Option<&'v Value<'j>>,
    total_cost: Option<&'v Value<'j>>,
    calculated_total_cost: Option<&'v Value<'j>>,
    metadata: Option<&'v Value<'j>>,
    others: Vec<(&'v str, &'v Value<'j>)>,
}

impl<'v, 'j> ObservationFields<'v, 'j> {
    fn read(object: &'v Map<'j>) -> Self {
        let mut fields = ObservationFields::default();
        for (key, value) in object {
            let slot = match key {
                "id" => &mut fields.id,
                "traceId" => &mut fields.trace_id,
                "parentObservationId" => &mut fields.parent_id,
                "name" => &mut fields.name,
                "type" => &mut fields.observation_type,
                "startTime" => &mut fields.start_time,
                "endTime" => &mut fields.end_time,
                "level" => &mut fields.level,
                "statusMessage" => &mut fields.status_message,
                "input" => &mut fields.input,
                "output" => &mut fields.output,
                "model" => &mut fields.model,
                "modelParameters" => &mut fields.model_parameters,
                "usageDetails" => &mut fields.usage_details,
                "usage" => &mut fields.usage,
                "costDetails" => &mut fields.cost_details,
                "totalCost" => &mut fields.total_cost,
                "calculatedTotalCost" => &mut fields.calculated_total_cost,
                "metadata" => &mut fields.metadata,
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

    /// A field's text (a string, or a number's digits), owned for the model.
    fn owned_text(value: Option<&Value>) -> Option<String> {
        value.and_then(text).map(Cow::into_owned)
    }

    /// The AI details of [`observation_details`], from these fields.
    fn details(&self, span_kind: SpanKind, span_name: &str) -> crate::model::AiDetails {
        let (input, input_document) = self.input.map(text_and_document).unwrap_or_default();
        let (output, output_document) = self.output.map(text_and_document).unwrap_or_default();
        let mut details = crate::model::AiDetails {
            model: Self::owned_text(self.model),
            parameters: self
                .model_parameters
                .filter(|value| value.as_object().is_none_or(|map| !map.is_empty()))
                .and_then(text_or_json),
            input,
            output,
            ..Default::default()
        };
        if span_kind == SpanKind::Llm {
            details.input_messages = input_document.map(|value| parse_messages(&value)).unwrap_or_default().into();
            details.output_messages = output_document.map(|value| output_messages(&value)).unwrap_or_default().into();
        }
        if span_kind == SpanKind::Tool {
            details.tool = Some(crate::model::ToolRun {
                name: Some(span_name.to_string()),
                call_id: None,
                arguments: details.input.clone(),
                result: details.output.clone(),
            });
        }
        self.read_tokens(&mut details.tokens);
        details.cost_usd = self
            .cost_details
            .and_then(|costs| costs.get("total"))
            .or(self.calculated_total_cost)
            .or(self.total_cost)
            .and_then(Value::as_f64)
            .filter(|cost| *cost > 0.0);
        details
    }

    /// Token counts from `usageDetails` (else the older `usage`), under any of the names SDKs
    /// write; all zero counts are no counts.
    fn read_tokens(&self, tokens: &mut crate::model::TokenUsage) {
        let usage = self.usage_details.or(self.usage).and_then(Value::as_object);
        let count = |keys: &[&str]| usage.and_then(|usage| keys.iter().find_map(|key| usage.get(key)?.as_u64()));
        tokens.input = count(&["input", "promptTokens", "prompt_tokens", "input_tokens"]);
        tokens.output = count(&["output", "completionTokens", "completion_tokens", "output_tokens"]);
        tokens.total = count(&["total", "totalTokens", "total_tokens"]);
        tokens.cached = count(&["prompt_details.cache_read", "input_cached_tokens", "cache_read_input_tokens"]);
        tokens.reasoning = count(&["completion_details.reasoning", "output_reasoning_tokens", "reasoning_tokens"]);
        if tokens.total == Some(0) && tokens.input == Some(0) && tokens.output == Some(0) {
            *tokens = Default::default();
        }
    }
}

/// The observation type as a span's protocol kind, shared when it is one Langfuse defines.
fn protocol_kind(observation_type: Cow<str>) -> Cow<'static, str> {
    match OBSERVATION_TYPES.iter().find(|known| **known == observation_type) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(observation_type.into_owned()),
    }
}

/// Metadata is an object or JSON text (often encoded twice), read where it is (borrowed) or
/// parsed once from its text.
fn metadata_document<'v>(value: &'v Value<'_>) -> Option<Cow<'v, Value<'v>>> {
    match value {
        object @ Value::Object(_) => Some(Cow::Borrowed(object)),
        Value::String(text) => decode_json_text(text).filter(Value::is_object).map(Cow::Owned),
        _ => None,
    }
}

/// Metadata as span attributes. OpenTelemetry-sourced traces keep the original attributes,
/// resource attributes and scope inside it: those become the span's attributes, resource and
/// scope, and the other keys `metadata.*` attributes; any other metadata is all `metadata.*`.
fn read_metadata(metadata: &Map, span: &mut Span, resources: &mut Vec<Resource>, scopes: &mut Vec<Scope>) {
    const UNPACKED: [&str; 3] = ["attributes", "resourceAttributes", "scope"];
    let unpacked = matches!(metadata.get("attributes"), Some(Value::Object(_)));
    if unpacked {
        span.attributes = flatten_attributes(metadata.get("attributes"));
        if let Some(resource @ Value::Object(_)) = metadata.get("resourceAttributes") {
            resources.push(Resource { attributes: flatten_attributes(Some(resource)), other_fields: Vec::new() });
            span.resource = OptionalIndex::from(resources.len() - 1);
        }
        if let Some(Value::Object(scope)) = metadata.get("scope") {
            scopes.push(Scope {
                name: string_field(scope, &["name"]).unwrap_or_default(),
                version: string_field(scope, &["version"]),
                attributes: flatten_attributes(scope.get("attributes")),
            });
            span.scope = OptionalIndex::from(scopes.len() - 1);
        }
    }
    let rest = metadata.iter().filter(|(key, _)| !(unpacked && UNPACKED.contains(key)));
    span.attributes
        .extend(rest.map(|(key, value)| Attribute::new(format!("metadata.{key}"), AttributeValue::from_json(value))));
}

fn read_observation(fields: &ObservationFields, resources: &mut Vec<Resource>, scopes: &mut Vec<Scope>) -> Span {
    let owned_text = ObservationFields::owned_text;
    let mut span = Span::new(
        owned_text(fields.id).unwrap_or_default(),
        owned_text(fields.parent_id),
        owned_text(fields.name).unwrap_or_default(),
    );
    let observation_type = fields.observation_type.and_then(text).unwrap_or_default();
    span.kind = kind(&observation_type);
    span.protocol_kind = Some(protocol_kind(observation_type));
    let start = fields.start_time.and_then(time_ms_or_rfc3339);
    let end = fields.end_time.and_then(time_ms_or_rfc3339);
    // An EVENT observation has no end time of its own.
    set_times(&mut span, start, end, ("startTime", "endTime"), true);
    let message = owned_text(fields.status_message).filter(|message| !message.is_empty());
    span.status = match fields.level.and_then(text).as_deref() {
        Some("ERROR") => SpanStatus::Error { message },
        _ => SpanStatus::Unset,
    };
    if let Some(Value::Object(metadata)) = fields.metadata.and_then(metadata_document).as_deref() {
        read_metadata(metadata, &mut span, resources, scopes);
    }
    let details = fields.details(span.kind, &span.name);
    span.ai = (!details.is_empty()).then(|| Box::new(details));
    span.other_fields =
        fields.others.iter().map(|(key, value)| Attribute::new(*key, AttributeValue::from_json(value))).collect();
    span
}

/// An observation's AI details (model, parameters, input and output, messages of a generation,
/// a tool's call, usage and cost), from its fields as the API writes them. Also how observations
/// sent over OpenTelemetry are read (`conventions::langfuse_otel` builds the fields from
/// `langfuse.observation.*` attributes).
pub(crate) fn observation_details(object: &Map, span_kind: SpanKind, span_name: &str) -> crate::model::AiDetails {
    ObservationFields::read(object).details(span_kind, span_name)
}

/// A generation's output: messages, a completion object (`choices`, Responses-API `output`), or text.
fn output_messages(value: &Value) -> Vec<crate::model::Message> {
    if let Some(choices) = value.get("choices").and_then(Value::as_array) {
        return choices.iter().filter_map(|choice| choice.get("message")).flat_map(parse_messages).collect();
    }
    if let Some(items @ Value::Array(_)) = value.get("output") {
        return parse_messages(items);
    }
    match value {
        Value::String(text) => {
            vec![crate::model::Message { role: "assistant".into(), content: text.to_string(), ..Default::default() }]
        }
        other => {
            let mut messages = parse_messages(other);
            for message in messages.iter_mut().filter(|message| message.role == "unknown") {
                message.role = "assistant".into();
            }
            messages
        }
    }
}

pub(super) fn score_feedback(score: &Map) -> Feedback {
    let name = string_field(score, &["name"]);
    let value = score.get("value").and_then(Value::as_f64);
    let string_value = string_field(score, &["stringValue"]);
    let lowered = name.clone().unwrap_or_default().to_ascii_lowercase();
    let user_signal = lowered.contains("thumb")
        || lowered.contains("user-feedback")
        || lowered.contains("user_feedback")
        || lowered == "feedback";
    let kind = match (user_signal, value) {
        (true, Some(value)) if value > 0.0 => FeedbackKind::ThumbsUp,
        (true, Some(_)) => FeedbackKind::ThumbsDown,
        _ => FeedbackKind::Score,
    };
    Feedback {
        kind,
        name,
        value,
        comment: string_field(score, &["comment"]),
        text: string_value,
        time_ns: field(score, &["timestamp", "createdAt"]).and_then(time_ms_or_rfc3339),
        span_id: string_field(score, &["observationId"]),
    }
}

const TRACE_FIELDS: &[&str] = &[
    "id",
    "name",
    "userId",
    "sessionId",
    "input",
    "output",
    "scores",
    "observations",
    "timestamp",
    "release",
    "version",
];

/// Fills trace-level fields from a Langfuse trace object.
fn read_trace_object(object: &Map, raw: &mut super::RawTrace) {
    let trace = &mut raw.trace;
    if let Some(name) = string_field(object, &["name"]) {
        trace.name = name;
    }
    trace.user_id = string_field(object, &["userId"]);
    trace.session_id = string_field(object, &["sessionId"]);
    trace.user_input = object.get("input").and_then(|input| readable_text(input, "user"));
    trace.final_output = object.get("output").and_then(|output| readable_text(output, "assistant"));
    trace.variant = string_field(object, &["release", "version"]);
    if let Some(Value::Array(scores)) = object.get("scores") {
        trace.feedback.extend(scores.iter().filter_map(Value::as_object).map(score_feedback));
    }
    trace.other_fields.extend(other_fields(object, TRACE_FIELDS));
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("langfuse");
    let mut index = HashMap::new();
    let (trace_object, observations): (Option<&Map>, &[Value]) = match value {
        Value::Object(object) if object.contains_key("batch") => {
            let batch = object.get("batch").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            return Ok(import_batch(batch, import));
        }
        Value::Array(items) if items.first().is_some_and(is_ingestion_event) => return Ok(import_batch(items, import)),
        Value::Array(items) => (None, items.as_slice()),
        Value::Object(object) => {
            let trace = object.get("trace").and_then(Value::as_object).or(Some(object));
            let observations = object
                .get("observations")
                .or_else(|| trace.and_then(|trace| trace.get("observations")))
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            (trace, observations)
        }
        _ => {
            return Err(ImportError::Invalid {
                path: "$".into(),
                reason: "expected a Langfuse trace or observations".into(),
            })
        }
    };
    let default_trace_id = trace_object.and_then(|trace| string_field(trace, &["id"])).unwrap_or_default();
    if let Some(trace) = trace_object {
        let raw = import.trace_mut(&mut index, &default_trace_id);
        read_trace_object(trace, raw);
    }
    for observation in observations.iter().filter_map(Value::as_object) {
        let fields = ObservationFields::read(observation);
        let trace_id = fields.trace_id.and_then(text);
        let raw = import.trace_mut(&mut index, trace_id.as_deref().unwrap_or(&default_trace_id));
        let span = read_observation(&fields, &mut raw.trace.resources, &mut raw.trace.scopes);
        raw.spans.push(span);
    }
    Ok(import)
}

/// The ingestion batch: create events then update events, merged field by field per id.
fn import_batch(events: &[Value], mut import: RawImport) -> RawImport {
    let mut traces: Vec<(String, Map)> = Vec::new();
    let mut observations: Vec<(String, Map)> = Vec::new();
    let mut scores: Vec<Map> = Vec::new();
    let merge = |list: &mut Vec<(String, Map)>, body: &Map, kind: &str| {
        let id = string_field(body, &["id"]).unwrap_or_default();
        let position = match list.iter().position(|(existing, _)| *existing == id) {
            Some(position) => position,
            None => {
                list.push((id, Map::new()));
                list.len() - 1
            }
        };
        list[position].1.extend(
            body.iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (key.to_string(), value.clone().into_owned())),
        );
        if !kind.is_empty() && !list[position].1.contains_key("type") {
            list[position].1.insert("type", Value::from(kind.to_string()));
        }
    };
    for event in events.iter().filter_map(Value::as_object) {
        let (Some(event_type), Some(body)) =
            (event.get("type").and_then(Value::as_str), event.get("body").and_then(Value::as_object))
        else {
            continue;
        };
        match event_type {
            "trace-create" | "trace-update" => merge(&mut traces, body, ""),
            "score-create" => scores.push(body.clone()),
            other => {
                let kind = other.trim_end_matches("-create").trim_end_matches("-update").to_ascii_uppercase();
                let kind = if kind == "OBSERVATION" { String::new() } else { kind };
                merge(&mut observations, body, &kind);
            }
        }
    }
    let mut index = HashMap::new();
    // Scores of traces the batch does not create (SDK v3 sends traces over OpenTelemetry and
    // scores in a batch of their own): feedback on those traces, joined with their spans when
    // the trace's file is opened too.
    for score in &scores {
        let trace_id = string_field(score, &["traceId"]).unwrap_or_default();
        if !trace_id.is_empty() && !traces.iter().any(|(id, _)| *id == trace_id) {
            import.trace_mut(&mut index, &trace_id).trace.feedback.push(score_feedback(score));
        }
    }
    for (id, mut body) in traces {
        if !matches!(body.get("scores"), Some(Value::Array(_))) {
            let for_trace: Vec<Value> = scores
                .iter()
                .filter(|score| string_field(score, &["traceId"]).as_deref() == Some(id.as_str()))
                .map(|score| Value::Object(score.clone()))
                .collect();
            body.insert("scores", Value::Array(for_trace));
        }
        let raw = import.trace_mut(&mut index, &id);
        read_trace_object(&body, raw);
    }
    for (_, mut body) in observations {
        // Batch events write `startTime`; an EVENT may only have `startTime`.
        if !body.contains_key("type") {
            body.insert("type", Value::from("SPAN"));
        }
        let fields = ObservationFields::read(&body);
        let trace_id = fields.trace_id.and_then(text).unwrap_or_default();
        let raw = import.trace_mut(&mut index, &trace_id);
        let span = read_observation(&fields, &mut raw.trace.resources, &mut raw.trace.scopes);
        raw.spans.push(span);
    }
    import
}
