//! Python literals as JSON: frameworks that log `repr()` or `str()` of a dict write
//! `{'role': 'assistant', 'text': "It's sunny"}`. This rewrites such text as JSON text (quotes,
//! `True`/`False`/`None`, tuples as lists) so the JSON reader can take it; anything else it does
//! not understand makes it give up.

/// The text as JSON, when it reads as a Python dict or list literal; `None` otherwise.
pub fn python_literal_as_json(text: &str) -> Option<String> {
    let text = text.trim();
    if !(text.starts_with('{') || text.starts_with('[')) || !text.contains('\'') {
        return None;
    }
    let mut json = String::with_capacity(text.len() + 16);
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\'' | '"' => {
                json.push('"');
                read_string(character, &mut characters, &mut json)?;
                json.push('"');
            }
            '(' => json.push('['),
            ')' => json.push(']'),
            letter if letter.is_ascii_alphabetic() || letter == '_' => {
                let mut word = String::from(letter);
                while let Some(next) = characters.peek().filter(|next| next.is_ascii_alphanumeric() || **next == '_') {
                    word.push(*next);
                    characters.next();
                }
                json.push_str(match word.as_str() {
                    "True" => "true",
                    "False" => "false",
                    "None" => "null",
                    // Anything else (a class name, `nan`) is not a literal JSON can hold.
                    _ => return None,
                });
            }
            other => json.push(other),
        }
    }
    Some(json)
}

/// Copies a Python string's content (after its opening `quote`) as JSON string content.
fn read_string(
    quote: char,
    characters: &mut std::iter::Peekable<std::str::Chars<'_>>,
    json: &mut String,
) -> Option<()> {
    while let Some(character) = characters.next() {
        match character {
            '\\' => match characters.next()? {
                '\'' => json.push('\''),
                '"' => json.push_str("\\\""),
                'n' => json.push_str("\\n"),
                't' => json.push_str("\\t"),
                'r' => json.push_str("\\r"),
                '\\' => json.push_str("\\\\"),
                'x' => {
                    let hex: String = [characters.next()?, characters.next()?].iter().collect();
                    json.push_str(&format!("\\u00{hex}"));
                }
                'u' => json.push_str("\\u"),
                other => {
                    json.push_str("\\\\");
                    json.push(other);
                }
            },
            end if end == quote => return Some(()),
            '"' => json.push_str("\\\""),
            '\n' => json.push_str("\\n"),
            control if (control as u32) < 0x20 => json.push_str(&format!("\\u{:04x}", control as u32)),
            other => json.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_repr_of_a_dict_with_both_quotes() {
        let text =
            r#"{'role': 'assistant', 'text': "It's sunny\nin 'Lisbon'", 'done': True, 'x': None, 'pair': (1, 2)}"#;
        let json = python_literal_as_json(text).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"role": "assistant", "text": "It's sunny\nin 'Lisbon'", "done": true, "x": null, "pair": [1, 2]})
        );
    }

    #[test]
    fn gives_up_on_what_is_not_a_literal() {
        assert_eq!(python_literal_as_json("plain text"), None);
        assert_eq!(python_literal_as_json("{\"json\": 1}"), None);
        assert_eq!(python_literal_as_json("{'a': datetime(2024)}"), None);
        assert_eq!(python_literal_as_json("{'unterminated: 1}"), None);
    }
}
