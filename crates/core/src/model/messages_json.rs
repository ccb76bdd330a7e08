//! Chat messages in the shapes sources write them, read into one `Message`: OpenTelemetry GenAI
//! `parts`, OpenAI `content` + `tool_calls`, Anthropic content blocks, Vercel AI SDK parts (AI SDK
//! 5 tool results `{"type": "json", "value"}` as their value), Gemini / Google GenAI `contents`
//! with `parts` (`text`, `function_call`, `function_response`; role `model` is the assistant),
//! LangChain's serialised messages (`{"lc": 1, "id": [..., "AIMessage"], "kwargs"}`), `{args,
//! kwargs}` call wrappers (LlamaIndex), OpenLIT's `user: ...` text, and plain strings. Non-text
//! parts are described (`[image]`) rather than dropped.

use std::borrow::Cow;

use crate::json::{Map, Value};

use super::json_text::{decode_json_text, json_to_text};
use crate::model::{Message, ToolCall};

/// Reads a message list from a JSON value: an array of messages, an object holding `messages`
/// (a request body), or one message object. Anything else gives no messages.
pub fn parse_messages(value: &Value) -> Vec<Message> {
    match value {
        Value::Array(items) => items.iter().filter_map(parse_message).collect(),
        Value::Object(object) => match object.get("messages").or_else(|| object.get("contents")) {
            Some(messages @ Value::Array(_)) => parse_messages(messages),
            _ => match object.get("args") {
                // A call's `{args: [...], kwargs: {...}}`: the messages its arguments hold.
                Some(Value::Array(arguments)) if !object.contains_key("role") => {
                    arguments.iter().flat_map(parse_messages).collect()
                }
                _ => parse_message(value).into_iter().collect(),
            },
        },
        _ => Vec::new(),
    }
}

/// OpenLIT's prompt text: `user: ...` / `assistant: ...` segments, one message each.
fn role_prefixed(text: &str) -> Option<Vec<Message>> {
    const ROLES: [&str; 4] = ["system", "user", "assistant", "tool"];
    let starts_a_message =
        |line: &str| ROLES.iter().find(|role| line.strip_prefix(**role).is_some_and(|rest| rest.starts_with(": ")));
    starts_a_message(text.lines().next()?)?;
    let mut messages: Vec<Message> = Vec::new();
    for line in text.lines() {
        match starts_a_message(line) {
            Some(role) => messages.push(Message {
                role: (*role).into(),
                content: line[role.len() + 2..].to_string(),
                ..Message::default()
            }),
            None => {
                let last = messages.last_mut()?;
                last.content.push('\n');
                last.content.push_str(line);
            }
        }
    }
    Some(messages)
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
        _ => role_prefixed(text).unwrap_or_else(|| {
            vec![Message { role: role_for_plain_text.into(), content: text.into(), ..Message::default() }]
        }),
    }
}

/// Readable text for a trace's input or output: a string as it is (decoded if it holds JSON
/// text); for messages, the last message with `role` (or the last one) that has text; for
/// an object, a common field (`input`, `question`, `output`, `answer`, `text`...); else JSON.
pub fn readable_text(value: &Value, role: &str) -> Option<String> {
    let decoded = match value {
        Value::String(text) => match super::json_text::decode_json_text(text) {
            Some(decoded) => Cow::Owned(decoded),
            None => return Some(text.to_string()),
        },
        Value::Null => return None,
        other => Cow::Borrowed(other),
    };
    let decoded: &Value = &decoded;
    if let Value::Object(object) = decoded {
        for key in ["input", "question", "query", "prompt", "output", "answer", "text", "content", "result"] {
            if let Some(Value::String(text)) = object.get(key) {
                return Some(text.to_string());
            }
        }
    }
    last_text_of(&parse_messages(decoded), role).or_else(|| Some(json_to_text(decoded)))
}

/// The text of the last message with `role` that has any, else of the last message with text.
pub(crate) fn last_text_of(messages: &[Message], role: &str) -> Option<String> {
    let with_text = |message: &&Message| !message.content.trim().is_empty();
    messages
        .iter()
        .rev()
        .filter(with_text)
        .find(|message| message.role == role)
        .or_else(|| messages.iter().rev().find(with_text))
        .map(|message| message.content.clone())
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

fn text_field(object: &Map, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| match object.get(key)? {
        Value::String(text) => Some(text.to_string()),
        Value::Null => None,
        other => Some(json_to_text(other)),
    })
}

/// LangChain's message classes, by the last name of a serialised message's `id`.
fn langchain_role(class: &str) -> &'static str {
    match class {
        "HumanMessage" | "HumanMessageChunk" => "user",
        "AIMessage" | "AIMessageChunk" => "assistant",
        "SystemMessage" | "SystemMessageChunk" => "system",
        "ToolMessage" | "ToolMessageChunk" | "FunctionMessage" => "tool",
        _ => UNKNOWN_ROLE,
    }
}

/// One message object (see [`parse_messages`] for lists and request bodies); `None` unless an object.
pub(crate) fn parse_message(value: &Value) -> Option<Message> {
    let object = value.as_object()?;
    // LangChain's serialised message: the fields are in `kwargs`, the class says the role.
    if let (Some(_), Some(kwargs @ Value::Object(_)), Some(Value::Array(id))) =
        (object.get("lc"), object.get("kwargs"), object.get("id"))
    {
        let mut message = parse_message(kwargs)?;
        let role = id.last().and_then(Value::as_str).map(langchain_role).unwrap_or(UNKNOWN_ROLE);
        if message.role == UNKNOWN_ROLE {
            message.role = role.into();
        }
        return Some(message);
    }
    let role = match text_field(object, &["role"]).as_deref() {
        // Gemini's assistant.
        Some("model") => "assistant".to_string(),
        Some(role) => role.to_string(),
        None => UNKNOWN_ROLE.into(),
    };
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
        Some(Value::String(text)) => texts.push(text.to_string()),
        Some(Value::Array(parts)) => read_parts(parts, &mut texts, &mut message),
        Some(Value::Null) | None => {
            // A completion written as {"text": ..., "finish_reason": ...}.
            if let (true, Some(Value::String(text))) = (texts.is_empty(), object.get("text")) {
                texts.push(text.to_string());
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
        Value::String(text) => text.to_string(),
        // AI SDK 5's tool output: `{"type": "json" | "text", "value": ...}`, shown as the value.
        Value::Object(object)
            if object.len() == 2
                && object.get("type").and_then(Value::as_str).is_some_and(|kind| matches!(kind, "json" | "text"))
                && object.contains_key("value") =>
        {
            value_text(&object["value"])
        }
        other => json_to_text(other),
    }
}

fn read_parts(parts: &[Value], texts: &mut Vec<String>, message: &mut Message) {
    for part in parts {
        let Some(object) = part.as_object() else {
            if let Value::String(text) = part {
                texts.push(text.to_string());
            }
            continue;
        };
        // Gemini's parts name their content by key: `function_call` / `functionCall`,
        // `function_response` / `functionResponse`, `text`.
        if let Some(call) = object.get("function_call").or_else(|| object.get("functionCall")) {
            message.tool_calls.extend(parse_tool_call(call));
            continue;
        }
        if let Some(response) = object.get("function_response").or_else(|| object.get("functionResponse")) {
            message.role = "tool".into();
            if message.name.is_none() {
                message.name = response.get("name").and_then(Value::as_str).map(str::to_string);
            }
            texts.push(value_text(response.get("response").unwrap_or(response)));
            continue;
        }
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
                if let Some(result) = ["response", "result", "output", "content"].iter().find_map(|key| object.get(key))
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
        .find_map(|key| function.get(key).or_else(|| object.get(key)))
        .map(value_text)
        .unwrap_or_default();
    Some(ToolCall { id: text_field(object, &["id", "toolCallId", "call_id"]), name, arguments })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_genai_parts_with_tool_calls_and_responses() {
        let value: Value = crate::json::from_str(
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
        let value: Value = crate::json::from_str(
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

    #[test]
    fn reads_gemini_contents_with_function_calls_and_responses() {
        let value: Value = crate::json::from_str(
            r#"{"contents":[
                {"role":"user","parts":[{"text":"Weather in Lisbon?"}]},
                {"role":"model","parts":[{"function_call":{"name":"get_weather","args":{"city":"Lisbon"}}}]},
                {"role":"user","parts":[{"function_response":{"name":"get_weather","response":{"temp_c":21}}}]},
                {"role":"model","parts":[{"text":"21°C and sunny."}]}]}"#,
        )
        .unwrap();
        let messages = parse_messages(&value);
        let roles: Vec<&str> = messages.iter().map(|message| message.role.as_str()).collect();
        assert_eq!(roles, ["user", "assistant", "tool", "assistant"]);
        assert_eq!(messages[1].tool_calls[0].name, "get_weather");
        assert_eq!(messages[1].tool_calls[0].arguments, r#"{"city":"Lisbon"}"#);
        assert_eq!(messages[2].content, r#"{"temp_c":21}"#);
        assert_eq!(messages[3].content, "21°C and sunny.");
    }

    #[test]
    fn reads_langchain_serialised_messages_call_wrappers_openlit_text_and_ai_sdk_5_results() {
        let langchain: Value = crate::json::from_str(
            r#"[{"lc":1,"type":"constructor","id":["langchain","schema","messages","HumanMessage"],"kwargs":{"content":"hi","type":"human"}},
                {"lc":1,"type":"constructor","id":["langchain_core","messages","AIMessage"],"kwargs":{"content":"hello","tool_calls":[]}}]"#,
        )
        .unwrap();
        let messages = parse_messages(&langchain);
        assert_eq!(
            messages.iter().map(|message| (message.role.as_str(), message.content.as_str())).collect::<Vec<_>>(),
            [("user", "hi"), ("assistant", "hello")]
        );
        let wrapped: Value =
            crate::json::from_str(r#"{"args":[[{"role":"user","content":"from args"}]],"kwargs":{}}"#).unwrap();
        assert_eq!(parse_messages(&wrapped)[0].content, "from args");
        let openlit = parse_messages_text("system: be brief\nuser: what is 2+2?\nsecond line", "user");
        assert_eq!(openlit.iter().map(|message| message.role.as_str()).collect::<Vec<_>>(), ["system", "user"]);
        assert_eq!(openlit[1].content, "what is 2+2?\nsecond line");
        let result: Value = crate::json::from_str(
            r#"{"role":"tool","content":[{"type":"tool-result","toolCallId":"c1","toolName":"search","output":{"type":"json","value":{"hits":3}}}]}"#,
        )
        .unwrap();
        assert_eq!(parse_messages(&result)[0].content, r#"{"hits":3}"#);
    }
}
