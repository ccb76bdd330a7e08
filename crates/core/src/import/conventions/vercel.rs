//! The Vercel AI SDK's telemetry (`ai.*` span names and attributes) and OpenLLMetry's
//! (`traceloop.*`), mapped onto the same AI details.

use crate::json::{Map, Value};

use super::{fill, merge_tool, value_f64, value_text, value_u64};
use crate::model::json_text::decode_json_text;
use crate::model::messages_json::{parse_messages, parse_messages_text};
use crate::model::{AiDetails, Attribute, AttributeValue, Message, SpanKind, ToolCall, ToolRun};

/// The kind from a Vercel AI SDK span name (`ai.generateText.doGenerate` is the model call,
/// `ai.generateText` the call around it).
pub fn kind_from_name(name: &str) -> Option<SpanKind> {
    let operation = name.split_whitespace().next()?;
    let rest = operation.strip_prefix("ai.")?;
    Some(match rest {
        "toolCall" => SpanKind::Tool,
        _ if rest.starts_with("embed") => SpanKind::Embedding,
        _ if rest.ends_with(".doGenerate") || rest.ends_with(".doStream") => SpanKind::Llm,
        _ => SpanKind::Chain,
    })
}

fn tool_calls_from(text: &str) -> Vec<ToolCall> {
    let Some(Value::Array(calls)) = decode_json_text(text) else { return Vec::new() };
    // Each call is {"toolCallId", "toolName", "args" | "input"}: read them as tool-call parts.
    let parts: Vec<Value> = calls
        .into_iter()
        .map(|mut call| {
            if let Some(object) = call.as_object_mut() {
                object.insert("type", Value::from("tool-call"));
            }
            call
        })
        .collect();
    let message = Value::Object(Map::from_iter([("role", Value::from("assistant")), ("content", Value::Array(parts))]));
    parse_messages(&message).into_iter().next().map(|message| message.tool_calls).unwrap_or_default()
}

pub fn apply(attributes: &[Attribute], details: &mut AiDetails) {
    let mut tool = ToolRun::default();
    // OpenLLMetry's tool spans: the entity's input and output are the call's arguments and result.
    let traceloop_tool = attributes
        .iter()
        .any(|attribute| attribute.key == "traceloop.span.kind" && attribute.value.as_str() == Some("tool"));
    let mut response_text = None;
    let mut response_calls = Vec::new();
    let mut prompt_messages = Vec::new();
    for attribute in attributes {
        let key = attribute.key.as_str();
        let value = &attribute.value;
        let text = || value_text(value);
        match key {
            "ai.model.id" | "ai.response.model" => fill(&mut details.model, text()),
            "ai.model.provider" => fill(&mut details.provider, text()),
            "ai.usage.promptTokens" | "ai.usage.inputTokens" => fill(&mut details.tokens.input, value_u64(value)),
            "ai.usage.completionTokens" | "ai.usage.outputTokens" => fill(&mut details.tokens.output, value_u64(value)),
            "ai.usage.totalTokens" => fill(&mut details.tokens.total, value_u64(value)),
            // `ai.embed` / `ai.embedMany`: the text embedded, and its token count.
            "ai.value" | "ai.values" => fill(&mut details.input, text()),
            "ai.usage.tokens" => fill(&mut details.tokens.input, value_u64(value)),
            "ai.usage.cachedInputTokens" => fill(&mut details.tokens.cached, value_u64(value)),
            "ai.usage.reasoningTokens" => fill(&mut details.tokens.reasoning, value_u64(value)),
            "ai.prompt.messages" => {
                prompt_messages = text().map(|text| parse_messages_text(&text, "user")).unwrap_or_default()
            }
            "ai.prompt" => {
                if prompt_messages.is_empty() {
                    prompt_messages = prompt_from(value);
                }
                fill(&mut details.input, text());
            }
            "ai.response.text" | "ai.response.object" => {
                response_text = text();
                fill(&mut details.output, text());
            }
            "ai.response.toolCalls" => response_calls = text().map(|text| tool_calls_from(&text)).unwrap_or_default(),
            "ai.toolCall.name" => tool.name = text(),
            "ai.toolCall.id" => tool.call_id = text(),
            "ai.toolCall.args" | "ai.toolCall.input" => tool.arguments = text(),
            "ai.toolCall.result" | "ai.toolCall.output" => tool.result = text(),
            "traceloop.entity.input" => {
                fill(&mut details.input, text());
                if traceloop_tool {
                    tool.arguments = text();
                }
            }
            "traceloop.entity.output" => {
                fill(&mut details.output, text());
                if traceloop_tool {
                    tool.result = text();
                }
            }
            "traceloop.entity.name" if traceloop_tool => tool.name = text(),
            _ => {
                if key.starts_with("ai.usage.cost") {
                    fill(&mut details.cost_usd, value_f64(value));
                }
            }
        }
    }
    if details.input_messages.is_empty() {
        details.input_messages = prompt_messages.into();
    }
    if details.output_messages.is_empty() && (response_text.is_some() || !response_calls.is_empty()) {
        details.output_messages = vec![Message {
            role: "assistant".into(),
            content: response_text.unwrap_or_default(),
            tool_calls: response_calls,
            ..Message::default()
        }]
        .into();
    }
    merge_tool(details, tool);
}

/// `ai.prompt` holds `{"system": ..., "prompt": ..., "messages": [...]}` as JSON text.
fn prompt_from(value: &AttributeValue) -> Vec<Message> {
    let Some(Value::Object(prompt)) = value.as_str().and_then(decode_json_text) else { return Vec::new() };
    let mut messages = Vec::new();
    if let Some(system) = prompt.get("system").and_then(Value::as_str) {
        messages.push(Message { role: "system".into(), content: system.into(), ..Message::default() });
    }
    if let Some(text) = prompt.get("prompt").and_then(Value::as_str) {
        messages.push(Message { role: "user".into(), content: text.into(), ..Message::default() });
    }
    if let Some(list) = prompt.get("messages") {
        messages.extend(parse_messages(list));
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tell_the_model_call_from_the_call_around_it() {
        assert_eq!(kind_from_name("ai.generateText.doGenerate"), Some(SpanKind::Llm));
        assert_eq!(kind_from_name("ai.streamText.doStream my-function"), Some(SpanKind::Llm));
        assert_eq!(kind_from_name("ai.generateText"), Some(SpanKind::Chain));
        assert_eq!(kind_from_name("ai.toolCall"), Some(SpanKind::Tool));
        assert_eq!(kind_from_name("ai.embedMany"), Some(SpanKind::Embedding));
        assert_eq!(kind_from_name("HTTP GET"), None);
    }
}
