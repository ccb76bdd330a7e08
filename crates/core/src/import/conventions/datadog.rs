//! Datadog's AI integrations' span tags (`openai.request.model`, `openai.request.messages.N.*`,
//! `openai.response.choices.N.message.*`, `openai.response.usage.*` metrics, `langchain.request.*`),
//! mapped onto the AI details; the `datadog.name` the importer keeps gives model calls their kind.

use std::collections::BTreeMap;

use super::{fill, split_index, value_text, value_u64};
use crate::model::{attribute::find, AiDetails, Attribute, Message, SpanKind};

/// The kind of a Datadog AI integration's span, from its operation name.
pub fn kind(attributes: &[Attribute]) -> Option<SpanKind> {
    let name = find(attributes, "datadog.name").and_then(value_text)?;
    match name.as_str() {
        "openai.request" | "anthropic.request" | "bedrock.request" | "vertexai.request" | "google_genai.request" => {
            Some(SpanKind::Llm)
        }
        "langchain.request" => Some(match find(attributes, "langchain.request.type").and_then(value_text).as_deref() {
            Some("chat_model" | "llm") => SpanKind::Llm,
            Some("embedding") => SpanKind::Embedding,
            Some("retriever" | "similarity_search") => SpanKind::Retrieval,
            Some("tool") => SpanKind::Tool,
            _ => SpanKind::Chain,
        }),
        _ => None,
    }
}

fn messages(slots: BTreeMap<usize, Message>) -> Vec<Message> {
    slots.into_values().filter(|message| !message.content.is_empty() || message.role != "unknown").collect()
}

pub fn apply(attributes: &[Attribute], details: &mut AiDetails) {
    let mut input: BTreeMap<usize, Message> = BTreeMap::new();
    let mut output: BTreeMap<usize, Message> = BTreeMap::new();
    for attribute in attributes {
        let key = attribute.key.as_str();
        let value = &attribute.value;
        match key {
            "openai.request.model"
            | "openai.response.model"
            | "langchain.request.model"
            | "anthropic.request.model" => fill(&mut details.model, value_text(value)),
            "openai.response.usage.prompt_tokens" | "langchain.tokens.prompt_tokens" => {
                fill(&mut details.tokens.input, value_u64(value))
            }
            "openai.response.usage.completion_tokens" | "langchain.tokens.completion_tokens" => {
                fill(&mut details.tokens.output, value_u64(value))
            }
            "openai.response.usage.total_tokens" | "langchain.tokens.total_tokens" => {
                fill(&mut details.tokens.total, value_u64(value))
            }
            "langchain.tokens.total_cost" => fill(&mut details.cost_usd, super::value_f64(value)),
            _ => {
                let (map, rest) = if let Some(rest) = key.strip_prefix("openai.request.messages.") {
                    (&mut input, rest)
                } else if let Some(rest) = key.strip_prefix("openai.response.choices.") {
                    (&mut output, rest)
                } else {
                    continue;
                };
                let Some((index, field)) = split_index(rest) else { continue };
                let field = field.strip_prefix("message.").unwrap_or(field);
                let message =
                    map.entry(index).or_insert_with(|| Message { role: "unknown".into(), ..Message::default() });
                match field {
                    "role" => message.role = value_text(value).unwrap_or_default(),
                    "content" => message.content = value_text(value).unwrap_or_default(),
                    "name" => message.name = value_text(value),
                    _ => {}
                }
            }
        }
    }
    if details.input_messages.is_empty() {
        details.input_messages = messages(input).into();
    }
    if details.output_messages.is_empty() {
        let mut answers = messages(output);
        for answer in answers.iter_mut().filter(|message| message.role == "unknown") {
            answer.role = "assistant".into();
        }
        details.output_messages = answers.into();
    }
}
