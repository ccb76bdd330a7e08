//! OpenAI Agents SDK trace export: `{"data": [trace, span, ...]}` where a trace has
//! `object: "trace"` and spans have `object: "trace.span"` with `span_data` of type agent,
//! generation, response, function, handoff, guardrail, custom or mcp_tools. Children may come
//! before their parents; the shared tree builder orders them.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{flatten_attributes_under, object_fields, string_field, text, text_or_json, time_ms_or_rfc3339};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::messages_json::parse_messages;
use crate::model::{Attribute, AttributeValue, ImportWarning, Span, SpanKind, SpanStatus, ToolRun};

fn items<'a>(value: &'a Value<'a>) -> Option<&'a Vec<Value<'a>>> {
    match value {
        Value::Object(object) => object.get("data").and_then(Value::as_array),
        Value::Array(items) => Some(items),
        _ => None,
    }
}

fn is_agents_item(value: &Value) -> bool {
    matches!(value.get("object").and_then(Value::as_str), Some("trace" | "trace.span"))
}

pub fn sniff(value: &Value) -> bool {
    items(value).is_some_and(|items| items.first().is_some_and(is_agents_item))
}

object_fields!(
    /// A span item's fields with a meaning of their own, read in one pass; the others are kept
    /// (`object`, the item's type, is read by detection and kept nowhere).
    SpanFields {
        id: "id", trace_id: "trace_id", parent_id: "parent_id", started_at: "started_at", ended_at: "ended_at",
        span_data: "span_data", error: "error", _object: "object",
    }
);

/// A field as [`string_field`] reads it, copied.
fn owned_text(value: Option<&Value>) -> Option<String> {
    value.and_then(text).map(Cow::into_owned)
}

/// The span type's name, shared for the SDK's types.
fn span_type_name(span_type: Cow<'_, str>) -> Cow<'static, str> {
    const TYPES: [&str; 8] =
        ["agent", "generation", "response", "function", "handoff", "guardrail", "custom", "mcp_tools"];
    match TYPES.iter().find(|known| **known == span_type) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(span_type.into_owned()),
    }
}

fn read_span(object: &Map) -> (String, Span) {
    let fields = SpanFields::read(object);
    let no_data = Map::new();
    let id = owned_text(fields.id).unwrap_or_default();
    let trace_id = owned_text(fields.trace_id).unwrap_or_default();
    let data = fields.span_data.and_then(Value::as_object).unwrap_or(&no_data);
    let data_text = |key: &str| data.get(key).filter(|value| !value.is_null()).and_then(text);
    let span_type = data_text("type").unwrap_or(Cow::Borrowed("custom"));
    let name = match span_type.as_ref() {
        "handoff" => format!(
            "handoff {} → {}",
            data_text("from_agent").unwrap_or_default(),
            data_text("to_agent").unwrap_or_default()
        ),
        "generation" | "response" => {
            data_text("model").map(|model| format!("{span_type} {model}")).unwrap_or_else(|| span_type.to_string())
        }
        _ => data_text("name").map(Cow::into_owned).unwrap_or_else(|| span_type.to_string()),
    };
    let mut span = Span::new(id, owned_text(fields.parent_id), name);
    span.kind = match span_type.as_ref() {
        "agent" => SpanKind::Agent,
        "generation" | "response" => SpanKind::Llm,
        "function" | "mcp_tools" => SpanKind::Tool,
        "guardrail" => SpanKind::Guardrail,
        "handoff" => SpanKind::Chain,
        _ => SpanKind::Other,
    };
    span.protocol_kind = Some(span_type_name(span_type));
    let start = fields.started_at.and_then(time_ms_or_rfc3339);
    let end = fields.ended_at.and_then(time_ms_or_rfc3339);
    set_times(&mut span, start, end, ("started_at", "ended_at"), false);
    if let Some(error) = fields.error {
        let message = error.get("message").and_then(Value::as_str).map(String::from).or_else(|| text_or_json(error));
        span.status = SpanStatus::Error { message };
        if let Some(details) = error.get("data").filter(|data| !data.is_null()) {
            span.attributes.push(Attribute::new("error.data", AttributeValue::from_json(details)));
        }
    }
    if data.get("triggered") == Some(&Value::Bool(true)) {
        span.status = SpanStatus::Error { message: Some("guardrail triggered".into()) };
    }
    // `span_data`'s entries as `span_data.`-prefixed attributes, nested objects flattened.
    span.attributes.extend(flatten_attributes_under("span_data.", fields.span_data));
    let span_kind = span.kind;
    let span_name = (span_kind == SpanKind::Tool).then(|| span.name.clone());
    let details = span.ai_mut();
    details.model = data_text("model").map(Cow::into_owned);
    details.parameters = data.get("model_config").and_then(text_or_json);
    details.input = data.get("input").and_then(text_or_json);
    details.output = data.get("output").and_then(text_or_json);
    if span_kind == SpanKind::Llm {
        details.input_messages = data.get("input").map(parse_messages).unwrap_or_default().into();
        details.output_messages = data.get("output").map(parse_messages).unwrap_or_default().into();
        let usage = data.get("usage");
        details.tokens.input = usage
            .and_then(|usage| usage.get("input_tokens").or_else(|| usage.get("prompt_tokens")))
            .and_then(Value::as_u64);
        details.tokens.output = usage
            .and_then(|usage| usage.get("output_tokens").or_else(|| usage.get("completion_tokens")))
            .and_then(Value::as_u64);
        let count = |path: &[&str]| path.iter().try_fold(usage?, |value, key| value.get(key))?.as_u64();
        details.tokens.total = count(&["total_tokens"]);
        details.tokens.cached = count(&["input_tokens_details", "cached_tokens"])
            .or_else(|| count(&["prompt_tokens_details", "cached_tokens"]));
        details.tokens.reasoning = count(&["output_tokens_details", "reasoning_tokens"])
            .or_else(|| count(&["completion_tokens_details", "reasoning_tokens"]));
    }
    if span_kind == SpanKind::Tool {
        details.tool = Some(ToolRun {
            name: span_name,
            call_id: None,
            arguments: details.input.clone(),
            result: details.output.clone(),
        });
    }
    if span.ai.as_deref().is_some_and(|details| details.is_empty()) {
        span.ai = None;
    }
    span.other_fields = fields.other_fields().into();
    (trace_id, span)
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("openai-agents");
    let mut index = HashMap::new();
    for item in items(value).map(Vec::as_slice).unwrap_or_default().iter().filter_map(Value::as_object) {
        match item.get("object").and_then(Value::as_str) {
            Some("trace") => {
                let trace_id = string_field(item, &["id"]).unwrap_or_default();
                let raw = import.trace_mut(&mut index, &trace_id);
                raw.trace.name = string_field(item, &["workflow_name", "name"]).unwrap_or_default();
                raw.trace.session_id = string_field(item, &["group_id"]);
                // The SDK's trace metadata is free-form; `user_id` there is the usual way to name the user.
                raw.trace.user_id =
                    item.get("metadata").and_then(|metadata| metadata.get("user_id")).and_then(text_or_json);
                if let Some(metadata) = item.get("metadata").filter(|metadata| !metadata.is_null()) {
                    raw.trace.other_fields.push(Attribute::new("metadata", AttributeValue::from_json(metadata)));
                }
            }
            Some("trace.span") => {
                let (trace_id, span) = read_span(item);
                import.trace_mut(&mut index, &trace_id).spans.push(span);
            }
            _ => import.warnings.push(ImportWarning::general("an item that is neither a trace nor a span was skipped")),
        }
    }
    Ok(import)
}
