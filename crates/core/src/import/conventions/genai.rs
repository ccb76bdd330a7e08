//! OpenTelemetry GenAI semantic conventions: operation, model, provider, usage, tool, and messages
//! captured every way the conventions have allowed — `gen_ai.input.messages` /
//! `gen_ai.output.messages` / `gen_ai.system_instructions`, the older per-message span events
//! (`gen_ai.user.message`, `gen_ai.choice`...), and the older `gen_ai.prompt.N.*` /
//! `gen_ai.completion.N.*` attributes (also written by OpenLLMetry).

use std::collections::BTreeMap;

use crate::json::{Map, Value};

use super::{fill, merge_tool, split_index, value_f64, value_text, value_u64};
use crate::model::json_text::decode_json_text;
use crate::model::messages_json::{parse_messages, parse_messages_text, tool_call_at};
use crate::model::{
    AiDetails, Attribute, AttributeValue, Message, Messages, PlainTextRole, SpanEvent, SpanKind, ToolRun,
};

pub fn kind(operation: &str) -> SpanKind {
    match operation {
        "chat" | "text_completion" | "generate_content" => SpanKind::Llm,
        "embeddings" => SpanKind::Embedding,
        "execute_tool" => SpanKind::Tool,
        "invoke_agent" | "create_agent" => SpanKind::Agent,
        other => SpanKind::parse(other).unwrap_or(SpanKind::Other),
    }
}

/// Messages from an attribute value: JSON text (maybe nested) or structured (kvlist/array).
fn messages_from(value: &AttributeValue, role_for_plain_text: &str) -> Vec<Message> {
    match value {
        AttributeValue::String(text) => parse_messages_text(text, role_for_plain_text),
        AttributeValue::Array(_) | AttributeValue::Map(_) => parse_messages(&value.to_document()),
        _ => Vec::new(),
    }
}

/// Whether a message attribute can stay unread until looked at: JSON text that is not the empty
/// list (plain text and structured values are cheap to read now; `[]` must read as no messages).
fn left_unread(value: &AttributeValue) -> bool {
    let AttributeValue::String(text) = value else { return false };
    let text = text.trim();
    (text.starts_with('[') || text.starts_with('{') || text.starts_with('"')) && text != "[]"
}

/// The messages of attribute `attribute` (none when there is no such attribute), read now.
fn read_now(attributes: &[Attribute], attribute: Option<usize>, plain_text_role: PlainTextRole) -> Vec<Message> {
    attribute.map_or_else(Vec::new, |index| messages_from(&attributes[index].value, plain_text_role.as_str()))
}

/// The messages left in attribute `unread` (when there is one), else those read.
fn unread_or(unread: Option<usize>, plain_text_role: PlainTextRole, read: Vec<Message>) -> Messages {
    match unread.and_then(|index| u32::try_from(index).ok()) {
        Some(attribute) => Messages::InAttribute { attribute, plain_text_role },
        None => Messages::Read(read),
    }
}

/// Fills one field of an indexed message (`gen_ai.prompt.0.role` → index 0, field `role`).
fn set_indexed_field(messages: &mut BTreeMap<usize, Message>, rest: &str, value: &AttributeValue) {
    let Some((index, field)) = split_index(rest) else { return };
    let message = messages.entry(index).or_default();
    let text = value_text(value).unwrap_or_default();
    match field {
        "role" => message.role = text,
        "content" => message.content = text,
        "name" => message.name = Some(text),
        "tool_call_id" => message.tool_call_id = Some(text),
        // The whole list as JSON text (`[{"id", "type": "function", "function": {"name",
        // "arguments"}}]`), as newer OpenLLMetry and xAI instrumentations write it.
        "tool_calls" => {
            if let Some(calls) = tool_calls_of(value) {
                message.tool_calls = calls;
            }
        }
        _ => {
            if let Some(call_rest) = field.strip_prefix("tool_calls.") {
                if let Some((call_index, call_field)) = split_index(call_rest) {
                    if let Some(call) = tool_call_at(message, call_index) {
                        match call_field {
                            "id" => call.id = Some(text),
                            "name" | "function.name" => call.name = text,
                            "arguments" | "function.arguments" => call.arguments = text,
                            _ => {}
                        }
                    }
                }
            }
        }
    }
}

/// The tool calls a `tool_calls` attribute lists (JSON text or a list), read as a message's;
/// `None` when it holds no list (then calls read from `tool_calls.0.name`... stay).
fn tool_calls_of(value: &AttributeValue) -> Option<Vec<crate::model::ToolCall>> {
    let calls = match value {
        AttributeValue::String(text) => decode_json_text(text)?,
        other => other.to_document(),
    };
    if !calls.is_array() {
        return None;
    }
    let message = Value::object([("role", Value::from("assistant")), ("tool_calls", calls)]);
    Some(parse_messages(&message).into_iter().next().map(|message| message.tool_calls).unwrap_or_default())
}

/// A message from a GenAI event's attributes (`content`, `role`, `tool_calls`, `id`).
fn message_from_event(default_role: &str, attributes: &[Attribute]) -> Message {
    let mut entries: Vec<(&str, Value)> = Vec::new();
    for attribute in attributes {
        // A log record's body ({"content": ...}) holds the message itself.
        if let (true, AttributeValue::Map(body)) = (attribute.key == "body", &attribute.value) {
            entries.extend(body.iter().map(|entry| (entry.key.as_str(), entry.value.to_document())));
            continue;
        }
        let value = match &attribute.value {
            AttributeValue::String(text) => decode_json_text(text).unwrap_or_else(|| Value::from(text.as_str())),
            other => other.to_document(),
        };
        entries.push((attribute.key.trim_start_matches("gen_ai."), value));
    }
    let mut object: Map = entries.into_iter().collect();
    // gen_ai.choice carries {"message": {...}}.
    if let Some(Value::Object(inner)) = object.remove("message") {
        object.extend_missing(inner);
    }
    if !object.contains_key("role") {
        object.insert("role", Value::from(default_role));
    }
    if let (Some(id @ Value::String(_)), false) = (object.get("id").cloned(), object.contains_key("tool_call_id")) {
        object.insert("tool_call_id", id);
    }
    parse_messages(&Value::Object(object)).into_iter().next().unwrap_or_default()
}

pub fn apply(attributes: &[Attribute], events: &[SpanEvent], details: &mut AiDetails) {
    let mut request_model = None;
    let mut response_model = None;
    let mut input: Vec<Message> = Vec::new();
    let mut output: Vec<Message> = Vec::new();
    let mut system: Vec<Message> = Vec::new();
    let mut prompt_indexed: BTreeMap<usize, Message> = BTreeMap::new();
    let mut completion_indexed: BTreeMap<usize, Message> = BTreeMap::new();
    let mut tool = ToolRun::default();
    let mut parameters: Vec<(&str, Value)> = Vec::new();
    let tokens = &mut details.tokens;
    // The attribute holding the whole input (output) message list, if any (the last one wins).
    let mut input_attribute: Option<usize> = None;
    let mut output_attribute: Option<usize> = None;
    for (index, attribute) in attributes.iter().enumerate() {
        let Some(rest) = attribute.key.strip_prefix("gen_ai.") else { continue };
        let value = &attribute.value;
        match rest {
            "request.model" => request_model = value_text(value),
            "response.model" => response_model = value_text(value),
            "provider.name" | "system" => fill(&mut details.provider, value_text(value)),
            "usage.input_tokens" | "usage.prompt_tokens" => fill(&mut tokens.input, value_u64(value)),
            "usage.output_tokens" | "usage.completion_tokens" => fill(&mut tokens.output, value_u64(value)),
            "usage.total_tokens" => fill(&mut tokens.total, value_u64(value)),
            "usage.cache_read_input_tokens" | "usage.cache_read.input_tokens" | "usage.cached_tokens" => {
                fill(&mut tokens.cached, value_u64(value))
            }
            "usage.reasoning_tokens" | "usage.output_tokens.reasoning" | "usage.details.reasoning_tokens" => {
                fill(&mut tokens.reasoning, value_u64(value))
            }
            // pydantic-ai's provider details: cached input under the provider's own names.
            "usage.details.cache_read_tokens"
            | "usage.details.cached_tokens"
            | "usage.details.cache_read_input_tokens" => fill(&mut tokens.cached, value_u64(value)),
            "usage.cost" | "usage.cost_usd" => fill(&mut details.cost_usd, value_f64(value)),
            "input.messages" | "prompt" => input_attribute = Some(index),
            "output.messages" | "completion" => output_attribute = Some(index),
            "system_instructions" => {
                let content = match value {
                    AttributeValue::String(text) => match decode_json_text(text) {
                        Some(Value::Array(parts)) => parts
                            .iter()
                            .filter_map(|part| part.get("content").or_else(|| part.get("text")).and_then(Value::as_str))
                            .collect::<Vec<_>>()
                            .join("\n"),
                        _ => text.to_string(),
                    },
                    other => other.display(),
                };
                system.push(Message { role: "system".into(), content, ..Message::default() });
            }
            "tool.name" => tool.name = value_text(value),
            "tool.call.id" => tool.call_id = value_text(value),
            "tool.call.arguments" => tool.arguments = value_text(value),
            "tool.call.result" => tool.result = value_text(value),
            _ => {
                if let Some(indexed) = rest.strip_prefix("prompt.") {
                    set_indexed_field(&mut prompt_indexed, indexed, value);
                } else if let Some(indexed) = rest.strip_prefix("completion.") {
                    set_indexed_field(&mut completion_indexed, indexed, value);
                } else if let Some(parameter) = rest.strip_prefix("request.") {
                    parameters.push((parameter, value.to_document()));
                }
            }
        }
    }
    // Messages in other places too (events, indexed attributes, system instructions) are read
    // now, to be joined with these; on their own, these stay in their attribute until looked at.
    let joined = !system.is_empty()
        || !prompt_indexed.is_empty()
        || !completion_indexed.is_empty()
        || events.iter().any(|event| event.name.starts_with("gen_ai."));
    let unread = |attribute: Option<usize>| attribute.filter(|index| !joined && left_unread(&attributes[*index].value));
    let (input_unread, output_unread) = (unread(input_attribute), unread(output_attribute));
    if input_unread.is_none() {
        input = read_now(attributes, input_attribute, PlainTextRole::User);
    }
    if output_unread.is_none() {
        output = read_now(attributes, output_attribute, PlainTextRole::Assistant);
    }
    for event in events {
        let Some(name) = event.name.strip_prefix("gen_ai.") else { continue };
        match name {
            "system.message" => input.push(message_from_event("system", &event.attributes)),
            "user.message" => input.push(message_from_event("user", &event.attributes)),
            "assistant.message" => input.push(message_from_event("assistant", &event.attributes)),
            "tool.message" => input.push(message_from_event("tool", &event.attributes)),
            "choice" => output.push(message_from_event("assistant", &event.attributes)),
            "content.prompt" => {
                if let Some(value) = crate::model::attribute::find(&event.attributes, "gen_ai.prompt") {
                    input.extend(messages_from(value, "user"));
                }
            }
            "content.completion" => {
                if let Some(value) = crate::model::attribute::find(&event.attributes, "gen_ai.completion") {
                    output.extend(messages_from(value, "assistant"));
                }
            }
            _ => {}
        }
    }
    input.extend(prompt_indexed.into_values());
    output.extend(completion_indexed.into_values());
    if !system.is_empty() {
        system.append(&mut input);
        input = system;
    }
    fill(&mut details.model, response_model.or(request_model));
    if details.input_messages.is_empty() {
        details.input_messages = unread_or(input_unread, PlainTextRole::User, input);
    }
    if details.output_messages.is_empty() {
        details.output_messages = unread_or(output_unread, PlainTextRole::Assistant, output);
    }
    if !parameters.is_empty() {
        fill(&mut details.parameters, Some(Value::Object(parameters.into_iter().collect()).to_string()));
    }
    merge_tool(details, tool);
}

#[cfg(test)]
mod tests {
    use super::super::details_of;
    use crate::import::fields::object_attributes;
    use crate::model::SpanKind;

    fn fragment(name: &str) -> Vec<crate::model::Attribute> {
        let path = format!("{}/../../tests/fixtures/fragments/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        object_attributes(Some(&crate::json::from_str(&text).unwrap()))
    }

    #[test]
    fn maps_the_attribute_based_message_capture() {
        let (kind, details) = details_of(fragment("genai-semconv-chat-span-attrs-toolcalls.json"));
        assert_eq!(kind, SpanKind::Llm);
        assert_eq!(details.model.as_deref(), Some("gpt-4-0613"), "the response model wins");
        assert_eq!(details.provider.as_deref(), Some("openai"));
        assert_eq!((details.tokens.input, details.tokens.output), (Some(97), Some(52)));
        assert_eq!(details.input_messages.as_read().len(), 3);
        assert_eq!(details.input_messages.as_read()[1].tool_calls[0].name, "get_weather");
        assert_eq!(
            details.output_messages.as_read()[0].content,
            "The weather in Paris is currently rainy with a temperature of 57°F."
        );
        assert!(details.parameters.as_deref().unwrap().contains("\"temperature\":0.5"));
    }

    #[test]
    fn maps_the_deprecated_prompt_and_completion_attributes() {
        let (_, details) = details_of(fragment("genai-semconv-deprecated-prompt-completion-attrs.json"));
        assert_eq!(details.input_messages.as_read().len(), 3);
        assert_eq!(
            details.output_messages.as_read()[0].content,
            "The weather in Paris is currently rainy with a temperature of 57°F."
        );
    }

    #[test]
    fn reads_a_completion_s_tool_calls_written_as_one_json_text() {
        use crate::model::{Attribute, AttributeValue};
        let text = |key: &str, value: &str| Attribute::new(key, AttributeValue::String(value.into()));
        let (_, details) = details_of(vec![
            text("gen_ai.system", "openai"),
            text("gen_ai.completion.0.role", "assistant"),
            text(
                "gen_ai.completion.0.tool_calls",
                r#"[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Tokyo\"}"}}]"#,
            ),
        ]);
        let calls = &details.output_messages.as_read()[0].tool_calls;
        assert_eq!(calls.len(), 1);
        assert_eq!((calls[0].id.as_deref(), calls[0].name.as_str()), (Some("call_1"), "get_weather"));
        assert_eq!(calls[0].arguments, r#"{"city":"Tokyo"}"#);
        // Text that holds no list leaves the calls read from indexed attributes alone.
        let (_, details) = details_of(vec![
            text("gen_ai.completion.0.role", "assistant"),
            text("gen_ai.completion.0.tool_calls.0.name", "search"),
            text("gen_ai.completion.0.tool_calls", "none"),
        ]);
        assert_eq!(details.output_messages.as_read()[0].tool_calls[0].name, "search");
    }

    #[test]
    fn maps_tool_execution() {
        let (kind, details) = details_of(fragment("genai-semconv-execute-tool-attrs.json"));
        assert_eq!(kind, SpanKind::Tool);
        let tool = details.tool.unwrap();
        assert_eq!((tool.name.as_deref(), tool.call_id.as_deref()), (Some("get_weather"), Some("1234")));
    }

    #[test]
    fn maps_indexed_prompt_attributes_and_events() {
        use crate::model::{Attribute, AttributeValue, Span, SpanEvent};
        let text = |key: &str, value: &str| Attribute::new(key, AttributeValue::String(value.into()));
        let mut span = Span::new("s", None, "openai.chat");
        span.attributes = vec![
            text("gen_ai.system", "openai"),
            text("gen_ai.prompt.0.role", "user"),
            text("gen_ai.prompt.0.content", "hello"),
            text("gen_ai.completion.0.role", "assistant"),
            text("gen_ai.completion.0.tool_calls.0.name", "search"),
            text("gen_ai.completion.0.tool_calls.0.arguments", "{}"),
        ];
        span.events = vec![
            SpanEvent {
                name: "gen_ai.system.message".into(),
                time_ns: None,
                attributes: vec![text("content", "be brief")],
            },
            SpanEvent {
                name: "gen_ai.choice".into(),
                time_ns: None,
                attributes: vec![
                    text("message", r#"{"role":"assistant","content":"hi there"}"#),
                    text("finish_reason", "stop"),
                ],
            },
        ]
        .into();
        crate::import::conventions::apply(&mut span);
        let details = span.ai.unwrap();
        let roles: Vec<&str> = details.input_messages.as_read().iter().map(|message| message.role.as_str()).collect();
        assert_eq!(roles, ["system", "user"]);
        assert_eq!(details.output_messages.as_read()[0].content, "hi there");
        assert_eq!(details.output_messages.as_read()[1].tool_calls[0].name, "search");
        assert_eq!(span.kind, SpanKind::Llm, "messages make it a model call");
    }

    #[test]
    fn whole_message_lists_stay_in_their_attribute_unless_joined_with_others() {
        use crate::model::{Attribute, AttributeValue, Messages, PlainTextRole, Span};
        let text = |key: &str, value: &str| Attribute::new(key, AttributeValue::String(value.into()));
        let messages = r#"[{"role":"user","content":"hi"}]"#;
        let mapped = |attributes: Vec<Attribute>| {
            let mut span = Span::new("s", None, "chat");
            span.attributes = attributes;
            crate::import::conventions::apply(&mut span);
            span
        };
        let alone = mapped(vec![text("gen_ai.input.messages", messages)]);
        let details = alone.ai.as_deref().unwrap();
        assert_eq!(
            details.input_messages,
            Messages::InAttribute { attribute: 0, plain_text_role: PlainTextRole::User }
        );
        assert_eq!(details.input_messages.read(&alone.attributes)[0].content, "hi");
        // With system instructions beside them, they are read now, after the instructions.
        let joined =
            mapped(vec![text("gen_ai.system_instructions", "be brief"), text("gen_ai.input.messages", messages)]);
        let roles: Vec<&str> = joined
            .ai
            .as_deref()
            .unwrap()
            .input_messages
            .as_read()
            .iter()
            .map(|message| message.role.as_str())
            .collect();
        assert_eq!(roles, ["system", "user"]);
        // An empty list is no messages (the span is not taken for a model call), plain text one.
        let empty = mapped(vec![text("gen_ai.input.messages", "[]")]);
        assert!(empty.ai.is_none() && empty.kind == SpanKind::Other);
        let plain = mapped(vec![text("gen_ai.prompt", "just words")]);
        assert_eq!(plain.ai.as_deref().unwrap().input_messages.as_read()[0].content, "just words");
    }
}
