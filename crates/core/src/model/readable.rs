//! A trace's question and answer as people read them. Sources write them as chat-shaped JSON
//! (message lists, `{"messages": [...]}`, Gemini `contents`/`parts`, LangChain serialised
//! messages, `{args, kwargs}` call wrappers, `{"question": ...}` objects, Google ADK's
//! `new_message`), as a JSON string literal, or as a Python `repr`. These reduce such text to the
//! words of the question (the last user message) or the answer (the last assistant message);
//! text that holds none of these shapes is returned as it is. The model keeps the raw text.

use std::borrow::Cow;

use super::json_text::json_to_text;
use super::messages_json::{last_text_of, parse_message, parse_messages};
use super::python_literal::python_literal_as_json;
use crate::json::Value;

/// Levels of wrapping undone at most (a string holding JSON holding a repr...).
const MAX_LEVELS: usize = 6;

/// Fields that hold the question or the answer itself, in the order they are tried.
const TEXT_FIELDS: [&str; 14] = [
    "question",
    "query",
    "prompt",
    "input",
    "user_input",
    "answer",
    "output",
    "response",
    "final_output",
    "result",
    "text",
    "content",
    "message",
    "completion",
];

/// The question's words: the last user message of chat-shaped text.
pub fn question_text(text: &str) -> Cow<'_, str> {
    readable(text, "user")
}

/// The answer's words: the last assistant message of chat-shaped text.
pub fn answer_text(text: &str) -> Cow<'_, str> {
    readable(text, "assistant")
}

fn readable<'a>(text: &'a str, role: &str) -> Cow<'a, str> {
    match structured(text) {
        Some(value) => match reduce(&value, role, 0) {
            Some(reduced) if !reduced.trim().is_empty() => Cow::Owned(reduced),
            _ => Cow::Borrowed(text),
        },
        None => Cow::Borrowed(text),
    }
}

/// The JSON (or Python literal) a text holds, when it starts like one.
fn structured(text: &str) -> Option<Value<'static>> {
    let trimmed = text.trim();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"')) {
        return None;
    }
    if let Ok(value) = crate::json::from_str(trimmed) {
        return Some(value.into_owned());
    }
    let json = python_literal_as_json(trimmed)?;
    crate::json::from_str(&json).ok().map(|value| value.into_owned())
}

fn reduce(value: &Value, role: &str, level: usize) -> Option<String> {
    if level > MAX_LEVELS {
        return None;
    }
    match value {
        Value::String(text) => match structured(text) {
            Some(inner) => reduce(&inner, role, level + 1).or_else(|| Some(text.to_string())),
            None => Some(text.to_string()),
        },
        Value::Array(items) => reduce_list(items, role, level),
        Value::Object(object) => {
            // A message itself: `{"role", "content" | "parts" | "text"}`, or a LangChain one.
            if object.contains_key("role") || object.contains_key("lc") {
                if let Some(message) = parse_message(value).filter(|message| !message.content.is_empty()) {
                    return Some(message.content);
                }
            }
            for wrapper in ["messages", "contents", "new_message", "args"] {
                if let Some(inner) = object.get(wrapper).filter(|inner| !is_empty(inner)) {
                    if let Some(text) = reduce(inner, role, level + 1) {
                        return Some(text);
                    }
                }
            }
            if object.contains_key("args") {
                if let Some(kwargs) = object.get("kwargs").filter(|kwargs| !is_empty(kwargs)) {
                    return reduce(kwargs, role, level + 1);
                }
            }
            let field = TEXT_FIELDS.iter().find_map(|field| {
                let inner = object.get(field).filter(|inner| !is_empty(inner))?;
                reduce(inner, role, level + 1)
            });
            // An object of one text (`{"topic": "tides"}`) reads as that text.
            field.or_else(|| match object.iter().next() {
                Some((_, Value::String(text))) if object.len() == 1 => Some(text.to_string()),
                _ => None,
            })
        }
        Value::Null => None,
        other => Some(json_to_text(other)),
    }
}

/// A list: strings are joined; messages give the last one with the role (or the last with text).
fn reduce_list(items: &[Value], role: &str, level: usize) -> Option<String> {
    if items.is_empty() {
        return None;
    }
    if items.iter().all(|item| matches!(item, Value::String(_))) {
        let texts: Vec<String> = items.iter().filter_map(|item| reduce(item, role, level + 1)).collect();
        return Some(texts.join("\n"));
    }
    if items.len() == 1 {
        return reduce(&items[0], role, level + 1);
    }
    last_text_of(&parse_messages(&Value::Array(items.to_vec())), role)
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(object) => object.is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_stays_as_it_is() {
        assert!(matches!(question_text("How do I reset my password?"), Cow::Borrowed(_)));
        assert_eq!(
            answer_text("{\"name\":\"Scrambled Eggs\",\"steps\":[1]}"),
            "{\"name\":\"Scrambled Eggs\",\"steps\":[1]}"
        );
    }

    #[test]
    fn chat_shapes_reduce_to_their_words() {
        let messages = r#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is 2 + 2?"},{"role":"assistant","content":"4."},{"role":"user","content":"And 3 + 3?"}]}"#;
        assert_eq!(question_text(messages), "And 3 + 3?");
        assert_eq!(answer_text(r#"{"parts":[{"text":"Hello 👋!\n"}],"role":"model"}"#), "Hello 👋!\n");
        assert_eq!(question_text(r#"{"args":["programming"],"kwargs":{}}"#), "programming");
        assert_eq!(question_text(r#"{"args":[],"kwargs":{"topic":"tides"}}"#), "tides");
        assert_eq!(question_text(r#"{"question":"Weather in Lisbon?"}"#), "Weather in Lisbon?");
        assert_eq!(answer_text(r#"{"answer":"Sunny."}"#), "Sunny.");
        assert_eq!(question_text("\"The quick brown fox.\""), "The quick brown fox.");
        assert_eq!(question_text(r#"["\"The quick brown fox.\""]"#), "The quick brown fox.");
        let adk = r#"{"user_id":"u","session_id":"s","new_message":{"parts":[{"text":"hi"}],"role":"user"},"state_delta":null}"#;
        assert_eq!(question_text(adk), "hi");
        let gemini = r#"{"contents":[{"role":"user","parts":[{"text":"Plan a trip"}]},{"role":"model","parts":[{"text":"Sure"}]},{"role":"user","parts":[{"text":"To Rome"}]}]}"#;
        assert_eq!(question_text(gemini), "To Rome");
        let langchain = r#"[{"lc":1,"type":"constructor","id":["langchain","schema","messages","HumanMessage"],"kwargs":{"content":"Hi there"}}]"#;
        assert_eq!(question_text(langchain), "Hi there");
    }

    #[test]
    fn a_python_repr_inside_a_json_string_reduces_to_its_text() {
        let text = r#""{'role': 'assistant', 'text': \"Barcelona is vibrant.\\n\\n1. **Sagrada Família**\"}""#;
        assert_eq!(answer_text(text), "Barcelona is vibrant.\n\n1. **Sagrada Família**");
    }
}
