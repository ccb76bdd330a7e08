//! JSON nested deeper than serde_json's recursion limit (128 levels), which the browser's
//! `JSON.parse` reads without complaint. Such a file is first checked whole by a pass that does
//! not recurse; then every array or object that opens [`FOLD_DEPTH`] levels down is replaced by a
//! JSON string holding its exact text, so the importers get a tree of bounded depth and nothing
//! downstream (tree values, the transfer encoding, export, rendering) recurses on input depth.
//! The folded values stay whole: shown and exported as their JSON text, with a warning.

use serde::de::IgnoredAny;

use crate::model::ImportWarning;

/// Containers opening this many levels down are kept as text. The formats' own structure sits in
/// the first dozen levels; 100 leaves room for nested attribute values and LangSmith run trees.
pub const FOLD_DEPTH: usize = 100;

/// LangSmith `child_runs` arrays this many levels down are folded (and unfolded again by the
/// LangSmith importer): 20 levels below [`FOLD_DEPTH`], for the runs' own nested values.
const CHILD_RUNS_FOLD_DEPTH: usize = FOLD_DEPTH - 20;

/// Whether serde_json stopped because the input nests deeper than it recurses.
pub fn is_too_deep(error: &serde_json::Error) -> bool {
    error.to_string().starts_with("recursion limit exceeded")
}

/// Checks that `text` is one JSON document (or several in a row) without recursing, so an error
/// carries serde_json's line and column in the text as given.
pub fn validate(text: &str) -> Result<(), serde_json::Error> {
    for document in serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>() {
        document?;
    }
    Ok(())
}

/// Whether the container opening at `start` is the value of a `"child_runs"` key: a LangSmith run
/// tree deeper than the fold, which the LangSmith importer unfolds again (so no data is lost and
/// no warning is due).
fn is_child_runs(text: &str, start: usize) -> bool {
    text[..start].trim_end().strip_suffix(':').is_some_and(|before| before.trim_end().ends_with("\"child_runs\""))
}

/// The text with deep values folded into strings, and the warning that says so (none when only
/// LangSmith `child_runs` were folded, see [`is_child_runs`]); `None` when no value was deep
/// enough to fold.
pub fn fold(text: &str) -> Option<(String, Option<ImportWarning>)> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut depth = 0usize;
    let mut strings = StringTracker::default();
    let mut copied_up_to = 0;
    let mut folds = 0usize;
    let mut first_fold = None;
    let mut folded_any = false;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if !strings.is_structural(byte) {
            index += 1;
            continue;
        }
        match byte {
            // A `child_runs` array is folded whole and early (from CHILD_RUNS_FOLD_DEPTH), so what is
            // folded is a run list and the runs before it keep room for their inputs and outputs.
            b'[' | b'{'
                if depth == FOLD_DEPTH
                    || (depth >= CHILD_RUNS_FOLD_DEPTH && byte == b'[' && is_child_runs(text, index)) =>
            {
                let end = end_of_value(bytes, index);
                out.push_str(&text[copied_up_to..index]);
                push_as_json_string(&mut out, &text[index..end]);
                copied_up_to = end;
                if !is_child_runs(text, index) {
                    folds += 1;
                    first_fold.get_or_insert(index);
                }
                folded_any = true;
                index = end;
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        index += 1;
    }
    if !folded_any {
        return None;
    }
    out.push_str(&text[copied_up_to..]);
    let warning = first_fold.map(|offset| {
        let (line, column) = line_and_column(text, offset);
        ImportWarning::general(format!(
            "{folds} value{s} nested deeper than {FOLD_DEPTH} levels {are} kept as {their} JSON text, shown and \
             exported as text (the first at line {line}, column {column}).",
            s = if folds == 1 { "" } else { "s" },
            are = if folds == 1 { "is" } else { "are" },
            their = if folds == 1 { "its" } else { "their" },
        ))
    });
    Some((out, warning))
}

/// Where the array or object opening at `start` closes (just past its bracket), or the end of the
/// text when it never does (the parse that follows reports that).
fn end_of_value(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut strings = StringTracker::default();
    for (index, &byte) in bytes.iter().enumerate().skip(start) {
        if !strings.is_structural(byte) {
            continue;
        }
        match byte {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return index + 1;
                }
            }
            _ => {}
        }
    }
    bytes.len()
}

/// Follows JSON strings byte by byte, to tell the brackets that nest from those inside text.
#[derive(Default)]
struct StringTracker {
    in_string: bool,
    escaped: bool,
}

impl StringTracker {
    /// Whether `byte` stands outside every string (a quote that opens or closes one does not).
    fn is_structural(&mut self, byte: u8) -> bool {
        if self.in_string {
            match (self.escaped, byte) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.in_string = false,
                _ => {}
            }
            false
        } else if byte == b'"' {
            self.in_string = true;
            false
        } else {
            true
        }
    }
}

/// Appends `text` as a JSON string literal (quotes, backslashes and control characters escaped).
fn push_as_json_string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if (control as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", control as u32)),
            other => out.push(other),
        }
    }
    out.push('"');
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.bytes().filter(|&byte| byte == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |position| position + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn nested_arrays(depth: usize) -> String {
        format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
    }

    #[test]
    fn shallow_text_is_unchanged() {
        let text = r#"{"a": [1, {"b": "x[{"}], "c": "\"]"}"#;
        assert!(fold(text).is_none());
    }

    #[test]
    fn a_deep_value_becomes_its_text_and_parses_within_the_limit() {
        let inner = nested_arrays(5_000);
        let text = format!("{{\"key\": {inner}, \"after\": true}}");
        validate(&text).unwrap();
        assert!(is_too_deep(&serde_json::from_str::<Value>(&text).unwrap_err()));
        let (folded, warning) = fold(&text).unwrap();
        let warning = warning.unwrap();
        let value: Value = serde_json::from_str(&folded).unwrap();
        assert_eq!(value["after"], Value::Bool(true));
        let mut level = &value["key"];
        for _ in 0..FOLD_DEPTH - 1 {
            level = &level[0];
        }
        let kept = level.as_str().expect("the deep part is a string");
        assert_eq!(kept, nested_arrays(5_000 - (FOLD_DEPTH - 1)));
        let message = warning.message;
        assert!(message.contains("1 value nested deeper than 100 levels is kept as its JSON text"), "{message}");
        assert!(message.contains("line 1, column 108"), "{message}");
    }

    #[test]
    fn strings_with_brackets_quotes_and_newlines_survive_folding() {
        let deep = format!("{}{{\"k\\\"]\": \"line\\none ]}}\"}}{}", "[".repeat(150), "]".repeat(150));
        let text = format!("[\n{deep}\n]");
        let (folded, _) = fold(&text).unwrap();
        let value: Value = serde_json::from_str(&folded).unwrap();
        let mut level = &value;
        for _ in 0..FOLD_DEPTH {
            level = &level[0];
        }
        let kept = level.as_str().unwrap();
        assert_eq!(kept, format!("{}{{\"k\\\"]\": \"line\\none ]}}\"}}{}", "[".repeat(51), "]".repeat(51)));
    }

    #[test]
    fn invalid_deep_json_is_reported_where_it_breaks() {
        let text = format!("{}1 2{}", "[".repeat(300), "]".repeat(300));
        let error = validate(&text).unwrap_err();
        assert_eq!((error.line(), error.column()), (1, 303));
    }
}
