//! JSON inside strings: trace attributes often hold JSON documents as text, sometimes encoded
//! twice. These helpers decode them for display and mapping; the raw text is always kept.

use crate::json::Value;

/// Levels of string-in-string encoding undone at most.
const MAX_DECODE_LEVELS: usize = 3;

/// Parses text that holds a JSON object or array, undoing up to three levels of string encoding.
/// Returns `None` when the text is not JSON or is a bare scalar.
pub fn decode_json_text(text: &str) -> Option<Value<'_>> {
    let mut current = parse_if_structured(text)?;
    for _ in 0..MAX_DECODE_LEVELS {
        match &current {
            Value::String(inner) => current = parse_if_structured(inner)?.into_owned(),
            _ => break,
        }
    }
    matches!(current, Value::Object(_) | Value::Array(_)).then_some(current)
}

/// Only texts that start like JSON structures (or a quoted JSON string) are parsed at all.
fn parse_if_structured(text: &str) -> Option<Value<'_>> {
    let trimmed = text.trim_start();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('"')) {
        return None;
    }
    crate::json::from_str(trimmed).ok()
}

/// A JSON value as compact text (strings without their quotes).
pub fn json_to_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_twice_encoded_json_and_leaves_plain_text_alone() {
        let twice = serde_json::to_string(&serde_json::to_string(&serde_json::json!({"a": [1]})).unwrap()).unwrap();
        assert_eq!(decode_json_text(&twice).map(|value| value.to_serde()), Some(serde_json::json!({"a": [1]})));
        assert_eq!(decode_json_text("hello"), None);
        assert_eq!(decode_json_text("42"), None);
        assert_eq!(decode_json_text("\"just a string\""), None);
        assert_eq!(decode_json_text("{broken"), None);
    }
}
