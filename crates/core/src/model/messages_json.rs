//! Chat messages in the shapes sources write them, read into one `Message`: OpenTelemetry GenAI
//! `parts`, OpenAI `content` + `tool_calls`, Anthropic content blocks, Vercel AI SDK parts, and
//! plain strings. Non-text parts are described (`[image]`) rather than dropped.

use serde_json::Value;

use super::json_text::{decode_json_text, json_to_text};
use crate::model::{Message, ToolCall};

/// Reads a message list from a JSON value: an array of messages, an object holding `messages`
/// (a request body), or one message object. Anything else gives no messages.
pub fn parse_messages(value: &Value) -> Vec<Message> {
    match value {
        Value::Array(items) => items.iter().filter_map(parse_message).collect(),
        Value::Object(object) => match object.get("messages") {
            Some(messages @ Value::Array(_)) => parse_messages(messages),
            _ => parse_message(value).into_iter().collect(),
        },
        _ => Vec::new(),
    }
}

/// Reads messages from text that holds JSON (decoding nested JSON strings), or makes one message
/// of plain text with the given role.
pub fn parse_messages_text(text: &str, role_for_plain_text: &str) -> Vec<Message> {
    match decode_json_text(text) {
        Some(value @ (Value::Array(_) | Value::Object(_))) => {
            let mut messages = parse_messages(&value);
            for message in messages.iter_mut().filter(|message| message.role == UNKNOWN_ROLE) {
                message.role = role_for_plain_text.into();
            }
            messages
        }
        _ => vec![Message { role: role_for_plain_text.into(), content: text.into(), ..Message::default() }],
    }
}

/// Readable text for a trace's input or output: a string as it is (decoded if it holds JSON
/// text); for messages, the last message with `role` (or the last one) that has text; for
/// an object, a common field (`input`, `question`, `output`, `answer`, `text`...); else JSON.
pub fn readable_text(value: &Value, role: &str) -> Option<String> {
    let decoded = match value {
        Value::String(text) => match super::json_text::decode_json_text(text) {
            Some(decoded) => decoded,
            None => return Some(text.clone()),
        },
        Value::Null => return None,
        other => other.clone(),
    };
    if let Value::Object(object) = &decoded {
        for key in ["input", "question", "query", "prompt", "output", "answer", "text", "content", "result"] {
            if let Some(Value::String(text)) = object.get(key) {
                return Some(text.clone());
            }
        }
    }
    let messages = parse_messages(&decoded);
    let with_text = |message: &&Message| !message.content.is_empty();
    messages
        .iter()
        .rev()
        .filter(with_text)
        .find(|message| message.role == role)
        .or_else(|| messages.iter().rev().find(with_text))
        .map(|message| message.content.clone())
        .or_else(|| Some(json_to_text(&decoded)))
}

/// The tool call at `index` of a message, created (empty) with any before it; indices past 1024
/// are ignored so a file cannot make us allocate without bound.
pub fn tool_call_at(message: &mut Message, index: usize) -> Option<&mut ToolCall> {
    if index > 1024 {
        return None;
    }
    while message.tool_calls.len() <= index {
        message.tool_calls.push(ToolCall::default());
    }
    message.tool_calls.get_mut(index)
}

/// The role of a message whose source did not say.
const UNKNOWN_ROLE: &str = "unknown";

fn text_field(object: &serde_json::Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match object.get(*key)? {
        Value::String(text) => Some(text.clone()),
        Value::Null => None,
        other => Some(json_to_text(other)),
    })
}

fn parse_message(value: &Value) -> Option<Message> {
    let object = value.as_object()?;
    let role = text_field(object, &["role"]).unwrap_or_else(|| UNKNOWN_ROLE.into());
    let mut message = Message {
        role,
        name: text_field(object, &["name"]),
        tool_call_id: text_field(object, &["tool_call_id", "toolCallId", "call_id"]),
        ..Message::default()
    };
    let mut texts: Vec<String> = Vec::new();
    if let Some(parts) = object.get("parts").and_then(Value::as_array) {
        read_parts(parts, &mut texts, &mut message);
    }
    match object.get("content") {
        Some(Value::String(text)) => texts.push(text.clone()),
        Some(Value::Array(parts)) => read_parts(parts, &mut texts, &mut message),
        Some(Value::Null) | None => {
            // A completion written as {"text": ..., "finish_reason": ...}.
            if let (true, Some(Value::String(text))) = (texts.is_empty(), object.get("text")) {
                texts.push(text.clone());
            }
        }
        Some(other) => texts.push(json_to_text(other)),
    }
    if let Some(calls) = object.get("tool_calls").or_else(|| object.get("toolCalls")).and_then(Value::as_array) {
        message.tool_calls.extend(calls.iter().filter_map(parse_tool_call));
    }
    // Responses-API items: {"type": "function_call", "name", "arguments", "call_id"}.
    if matches!(object.get("type").and_then(Value::as_str), Some("function_call")) {
        message.role = "assistant".into();
        message.tool_calls.extend(parse_tool_call(value));
    }
    if let Some(output) = object.get("output").filter(|_| object.contains_key("call_id")) {
        message.role = "tool".into();
        texts.push(value_text(output));
    }
    message.content = texts.join("\n");
    Some(message)
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => json_to_text(other),
    }
}

fn read_parts(parts: &[Value], texts: &mut Vec<String>, message: &mut Message) {
    for part in parts {
        let Some(object) = part.as_object() else {
            if let Value::String(text) = part {
                texts.push(text.clone());
            }
            continue;
        };
        let kind = object.get("type").and_then(Value::as_str).unwrap_or("text");
        match kind {
            "text" | "input_text" | "output_text" | "reasoning" | "thinking" => {
                if let Some(text) = text_field(object, &["content", "text", "thinking"]) {
                    texts.push(if kind == "text" || kind.ends_with("_text") {
                        text
                    } else {
                        format!("[{kind}] {text}")
                    });
                }
            }
            "tool_call" | "tool_use" | "tool-call" | "function_call" => {
                message.tool_calls.extend(parse_tool_call(part))
            }
            "tool_call_response" | "tool_result" | "tool-result" => {
                if message.tool_call_id.is_none() {
                    message.tool_call_id = text_field(object, &["id", "tool_use_id", "toolCallId", "call_id"]);
                }
                if let Some(result) =
                    ["response", "result", "output", "content"].iter().find_map(|key| object.get(*key))
                {
                    texts.push(value_text(result));
                }
            }
            other => texts.push(format!("[{other}]")),
        }
    }
}

fn parse_tool_call(value: &Value) -> Option<ToolCall> {
    let object = value.as_object()?;
    let function = object.get("function").and_then(Value::as_object).unwrap_or(object);
    let name = text_field(function, &["name", "toolName"]).or_else(|| text_field(object, &["name", "toolName"]))?;
    let arguments = ["arguments", "input", "args"]
        .iter()
        .find_map(|key| function.get(*key).or_else(|| object.get(*key)))
        .map(value_text)
        .unwrap_or_default();
    Some(ToolCall { id: text_field(object, &["id", "toolCallId", "call_id"]), name, arguments })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_genai_parts_with_tool_calls_and_responses() {
        let value: Value = serde_json::from_str(
            r#"[{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},
                {"role":"assistant","parts":[{"type":"text","content":"Let me check."},{"type":"tool_call","id":"1234","name":"get_weather","arguments":{"location":"Paris"}}]},
                {"role":"tool","parts":[{"type":"tool_call_response","id":"1234","response":"rainy, 57°F"}]}]"#,
        )
        .unwrap();
        let messages = parse_messages(&value);
        assert_eq!(messages.len(), 3);
        assert_eq!(
            messages[1].tool_calls[0],
            ToolCall {
                id: Some("1234".into()),
                name: "get_weather".into(),
                arguments: r#"{"location":"Paris"}"#.into()
            }
        );
        assert_eq!(
            (messages[2].role.as_str(), messages[2].content.as_str(), messages[2].tool_call_id.as_deref()),
            ("tool", "rainy, 57°F", Some("1234"))
        );
    }

    #[test]
    fn reads_openai_anthropic_and_vercel_shapes() {
        let value: Value = serde_json::from_str(
            r#"{"model":"gpt-4o","messages":[
                {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{\"id\":1}"}}]},
                {"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:..."}}]},
                {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"search","input":{"q":"x"}}]},
                {"role":"tool","content":[{"type":"tool-result","toolCallId":"v1","toolName":"weather","output":{"type":"text","value":"sunny"}}]}]}"#,
        )
        .unwrap();
        let messages = parse_messages(&value);
        assert_eq!(messages[0].tool_calls[0].arguments, r#"{"id":1}"#);
        assert_eq!(messages[1].content, "hi\n[image_url]");
        assert_eq!(messages[2].tool_calls[0].name, "search");
        assert_eq!(messages[3].tool_call_id.as_deref(), Some("v1"));
        assert!(messages[3].content.contains("sunny"));
    }

    #[test]
    fn plain_text_becomes_one_message() {
        let messages = parse_messages_text("just words", "user");
        assert_eq!(messages, vec![Message { role: "user".into(), content: "just words".into(), ..Message::default() }]);
    }
}
