//! OpenInference semantic conventions (Arize Phoenix and its instrumentations): span kind,
//! flattened input/output messages with tool calls, token counts, cost, retrieved and reranked
//! documents, tool name, and `input.value` / `output.value`.

use std::collections::BTreeMap;

use super::{fill, split_index, value_f64, value_text, value_u64};
use crate::model::messages_json::tool_call_at;
use crate::model::{AiDetails, Attribute, AttributeValue, Document, Message, SpanKind, ToolRun};

pub fn kind(name: &str) -> SpanKind {
    match name.to_ascii_uppercase().as_str() {
        "LLM" => SpanKind::Llm,
        "TOOL" => SpanKind::Tool,
        "RETRIEVER" | "RERANKER" => SpanKind::Retrieval,
        "EMBEDDING" => SpanKind::Embedding,
        "AGENT" => SpanKind::Agent,
        "CHAIN" => SpanKind::Chain,
        "GUARDRAIL" => SpanKind::Guardrail,
        _ => SpanKind::Other,
    }
}

/// `message.role`, `message.content`, `message.contents.K.message_content.text`,
/// `message.tool_calls.K.tool_call.function.name`...
fn set_message_field(
    messages: &mut BTreeMap<usize, (Message, BTreeMap<usize, String>)>,
    rest: &str,
    value: &AttributeValue,
) {
    let Some((index, field)) = split_index(rest) else { return };
    let (message, contents) = messages.entry(index).or_default();
    let Some(field) = field.strip_prefix("message.") else { return };
    let text = value_text(value).unwrap_or_default();
    match field {
        "role" => message.role = text,
        "content" => message.content = text,
        "name" => message.name = Some(text),
        "tool_call_id" => message.tool_call_id = Some(text),
        _ => {
            if let Some(content_rest) = field.strip_prefix("contents.") {
                if let Some((content_index, content_field)) = split_index(content_rest) {
                    match content_field {
                        "message_content.text" => {
                            contents.insert(content_index, text);
                        }
                        "message_content.type" if text != "text" => {
                            contents.entry(content_index).or_insert(format!("[{text}]"));
                        }
                        _ => {}
                    }
                }
            } else if let Some(call_rest) = field.strip_prefix("tool_calls.") {
                if let Some((call_index, call_field)) = split_index(call_rest) {
                    if let Some(call) = tool_call_at(message, call_index) {
                        match call_field {
                            "tool_call.id" => call.id = Some(text),
                            "tool_call.function.name" => call.name = text,
                            "tool_call.function.arguments" => call.arguments = text,
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

fn set_document_field(documents: &mut BTreeMap<usize, Document>, rest: &str, value: &AttributeValue) {
    let Some((index, field)) = split_index(rest) else { return };
    let document = documents.entry(index).or_default();
    match field {
        "document.id" => document.id = value_text(value),
        "document.content" => document.content = value_text(value),
        "document.score" => document.score = value_f64(value),
        "document.metadata" => document.metadata = value_text(value),
        _ => {}
    }
}

fn finish_messages(messages: BTreeMap<usize, (Message, BTreeMap<usize, String>)>) -> Vec<Message> {
    messages
        .into_values()
        .map(|(mut message, contents)| {
            if !contents.is_empty() {
                let joined: Vec<String> = contents.into_values().collect();
                if message.content.is_empty() {
                    message.content = joined.join("\n");
                }
            }
            message
        })
        .collect()
}

pub fn apply(attributes: &[Attribute], kind: SpanKind, details: &mut AiDetails) {
    let mut input_messages = BTreeMap::new();
    let mut output_messages = BTreeMap::new();
    let mut documents = BTreeMap::new();
    let mut reranked = BTreeMap::new();
    let mut input_value = None;
    let mut output_value = None;
    let mut tool_name = None;
    // The model the call was made with, when no `llm.model_name` says (a failed call has none).
    let mut invoked_model: Option<String> = None;
    for attribute in attributes {
        let key = attribute.key.as_str();
        let value = &attribute.value;
        match key {
            "llm.model_name" | "embedding.model_name" => fill(&mut details.model, value_text(value)),
            "llm.provider" | "llm.system" => fill(&mut details.provider, value_text(value)),
            "llm.invocation_parameters" => {
                fill(&mut details.parameters, value_text(value));
                let model = value.as_str().and_then(crate::model::json_text::decode_json_text).and_then(|parameters| {
                    parameters.get("model").and_then(crate::json::Value::as_str).map(str::to_string)
                });
                invoked_model = invoked_model.or(model);
            }
            "llm.token_count.prompt" => fill(&mut details.tokens.input, value_u64(value)),
            "llm.token_count.completion" => fill(&mut details.tokens.output, value_u64(value)),
            "llm.token_count.total" | "llm.usage.total_tokens" => fill(&mut details.tokens.total, value_u64(value)),
            "llm.token_count.prompt_details.cache_read" => fill(&mut details.tokens.cached, value_u64(value)),
            "llm.token_count.completion_details.reasoning" => fill(&mut details.tokens.reasoning, value_u64(value)),
            "llm.cost.total" => fill(&mut details.cost_usd, value_f64(value)),
            "input.value" => input_value = value_text(value),
            "output.value" => output_value = value_text(value),
            "tool.name" => tool_name = value_text(value),
            _ => {
                if let Some(rest) = key.strip_prefix("llm.input_messages.") {
                    set_message_field(&mut input_messages, rest, value);
                } else if let Some(rest) = key.strip_prefix("llm.output_messages.") {
                    set_message_field(&mut output_messages, rest, value);
                } else if let Some(rest) = key.strip_prefix("retrieval.documents.") {
                    set_document_field(&mut documents, rest, value);
                } else if let Some(rest) = key.strip_prefix("reranker.output_documents.") {
                    set_document_field(&mut reranked, rest, value);
                }
            }
        }
    }
    fill(&mut details.model, invoked_model);
    if details.input_messages.is_empty() {
        details.input_messages = finish_messages(input_messages).into();
    }
    if details.output_messages.is_empty() {
        details.output_messages = finish_messages(output_messages).into();
    }
    if details.documents.is_empty() {
        details.documents = if reranked.is_empty() { documents } else { reranked }.into_values().collect();
    }
    if kind == SpanKind::Tool || tool_name.is_some() {
        let tool = details.tool.get_or_insert_with(ToolRun::default);
        fill(&mut tool.name, tool_name);
        if kind == SpanKind::Tool {
            fill(&mut tool.arguments, input_value.clone());
            fill(&mut tool.result, output_value.clone());
        }
    }
    fill(&mut details.input, input_value);
    fill(&mut details.output, output_value);
}

#[cfg(test)]
mod tests {
    use super::super::details_of;
    use crate::import::fields::object_attributes;
    use crate::model::SpanKind;

    #[test]
    fn maps_flattened_messages_tool_calls_and_tokens() {
        let path = format!(
            "{}/../../tests/fixtures/fragments/openinference-llm-span-attrs-toolcalls.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(path).unwrap();
        let value = crate::json::from_str(&text).unwrap();
        let (kind, details) = details_of(object_attributes(Some(&value)));
        assert_eq!(kind, SpanKind::Llm);
        assert_eq!(details.model.as_deref(), Some("gpt-4-0613"));
        assert_eq!(details.input_messages.as_read().len(), 3);
        assert_eq!(details.input_messages.as_read()[0].content, "Weather in Paris?");
        let call = &details.input_messages.as_read()[1].tool_calls[0];
        assert_eq!(
            (call.id.as_deref(), call.name.as_str(), call.arguments.as_str()),
            (Some("1234"), "get_weather", r#"{"location":"Paris"}"#)
        );
        assert_eq!(details.input_messages.as_read()[2].tool_call_id.as_deref(), Some("1234"));
        assert_eq!(details.output_messages.as_read()[0].role, "assistant");
        assert_eq!(
            (details.tokens.input, details.tokens.output, details.tokens.total),
            (Some(97), Some(52), Some(149))
        );
        assert!(details.input.unwrap().starts_with("{\"model\":\"gpt-4\""));
    }
}
