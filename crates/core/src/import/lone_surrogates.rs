//! Lone UTF-16 surrogate escapes (`"\ud83d"` without its partner): what a JavaScript tool writes
//! when it cuts a string inside an emoji, and what `JSON.parse` reads. serde_json refuses them, so
//! a file holding one is read again with each replaced by `\ufffd` (U+FFFD, the replacement
//! character), which is as long, so every line and column stays where it was.

/// Whether serde_json stopped at a surrogate escape without its partner.
pub fn is_lone_surrogate(error: &serde_json::Error) -> bool {
    let message = error.to_string();
    message.starts_with("lone leading surrogate in hex escape") || message.starts_with("unexpected end of hex escape")
}

/// The text with every lone surrogate escape inside a string replaced, and the warning that says
/// how many and where the first was; `None` when there was none.
pub fn replace(text: &str) -> Option<(String, crate::model::ImportWarning)> {
    let bytes = text.as_bytes();
    let mut replaced: Option<Vec<u8>> = None;
    let mut count = 0usize;
    let mut first = None;
    let mut in_string = false;
    let mut index = 0;
    while index < bytes.len() {
        match (in_string, bytes[index]) {
            (false, b'"') | (true, b'"') => in_string = !in_string,
            (true, b'\\') => {
                let unit = escaped_unit(bytes, index);
                let paired = unit.is_some_and(is_leading) && escaped_unit(bytes, index + 6).is_some_and(is_trailing);
                if paired {
                    index += 12;
                    continue;
                }
                if unit.is_some_and(|unit| is_leading(unit) || is_trailing(unit)) {
                    replaced.get_or_insert_with(|| bytes.to_vec())[index..index + 6].copy_from_slice(b"\\ufffd");
                    count += 1;
                    first.get_or_insert(index);
                    index += 6;
                } else {
                    // Any other escape: skip the backslash and the character it escapes.
                    index += 2;
                }
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    let text = String::from_utf8(replaced?).expect("only ASCII escapes were rewritten");
    let (line, column) = super::deep_json::line_and_column(&text, first.unwrap_or(0));
    let warning = crate::model::ImportWarning::general(format!(
        "{count} lone UTF-16 surrogate escape{s} (half of a character, as when a string is cut inside an emoji) \
         {were} shown as \u{fffd} (the first at line {line}, column {column}).",
        s = if count == 1 { "" } else { "s" },
        were = if count == 1 { "is" } else { "are" },
    ));
    Some((text, warning))
}

/// The UTF-16 unit of a `\uXXXX` escape starting at `index`, if one does.
fn escaped_unit(bytes: &[u8], index: usize) -> Option<u16> {
    let escape = bytes.get(index..index + 6)?;
    if escape[0] != b'\\' || escape[1] != b'u' {
        return None;
    }
    let digits = std::str::from_utf8(&escape[2..]).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

fn is_leading(unit: u16) -> bool {
    (0xD800..=0xDBFF).contains(&unit)
}

fn is_trailing(unit: u16) -> bool {
    (0xDC00..=0xDFFF).contains(&unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_stay_and_lone_halves_become_replacement_characters() {
        let text = r#"{"a": "ok \ud83d\ude00", "b": "cut \ud83d", "c": "\udc00 first", "d": "\\ud800 is text", "e": "\ud83d\ud83d\ude00"}"#;
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        assert!(is_lone_surrogate(&error), "{error}");
        let (fixed, warning) = replace(text).unwrap();
        let value: serde_json::Value = serde_json::from_str(&fixed).unwrap();
        assert_eq!(value["a"], "ok 😀");
        assert_eq!(value["b"], "cut \u{fffd}");
        assert_eq!(value["c"], "\u{fffd} first");
        assert_eq!(value["d"], "\\ud800 is text");
        assert_eq!(value["e"], "\u{fffd}😀");
        assert_eq!(fixed.len(), text.len());
        assert!(warning.message.starts_with("3 lone UTF-16 surrogate escapes"), "{}", warning.message);
        assert!(warning.message.contains("line 1, column 36"), "{}", warning.message);
    }

    #[test]
    fn text_without_lone_halves_is_left_alone() {
        assert!(replace(r#"{"a": "\ud83d\ude00 \u00e9 \n"}"#).is_none());
    }
}
