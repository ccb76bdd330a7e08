//! Refusals worded for people: a file that is not JSON is named for what it looks like (a CSV
//! table, an HTML page, a log), JSON that stops in the middle is called cut off, and both list
//! the formats the viewer reads instead of repeating the JSON parser's words.

use serde_json::error::Category;

use super::ImportError;

/// The formats the viewer reads, one line each, for a refusal's bulleted list.
pub const FORMATS_READ: &[&str] = &[
    "OpenTelemetry traces as OTLP/JSON (and their logs), with GenAI or OpenInference attributes",
    "Langfuse exports, ingestion batches and score lists",
    "LangSmith runs",
    "MLflow traces",
    "Jaeger and Zipkin JSON (also Zipkin v1, Jaeger's domain model and Elasticsearch documents)",
    "OpenAI Agents SDK traces",
    "OpenTelemetry SDK span dumps and Phoenix span exports",
    "trace-viewer's own format",
];

/// How much of a file's start is looked at, and how much of it a message quotes.
const HEAD_BYTES: usize = 4096;
const QUOTED_CHARS: usize = 40;

/// Whether the text opens as a trace document does: every format's document is an object or an array.
pub fn starts_like_json(text: &str) -> bool {
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// The refusal of text serde_json stopped reading with `error`: not JSON at all, JSON cut off at
/// its end, or JSON with a mistake (where serde_json says).
pub fn refusal(text: &str, error: serde_json::Error) -> ImportError {
    if !starts_like_json(text) {
        return not_json(text);
    }
    if error.classify() == Category::Eof {
        return ImportError::CutOff { line: error.line(), column: error.column() };
    }
    ImportError::from_json_error(error)
}

/// The refusal of a text that does not open as JSON.
pub fn not_json(text: &str) -> ImportError {
    let start = text.trim_start();
    ImportError::NotJson { looks_like: looks_like(start), start: quoted_start(start) }
}

/// What a text that is not JSON looks like, in a few words, when it is recognisable.
fn looks_like(start: &str) -> Option<&'static str> {
    let mut end = start.len().min(HEAD_BYTES);
    while !start.is_char_boundary(end) {
        end -= 1;
    }
    let head = start[..end].to_ascii_lowercase();
    if head.starts_with("<!doctype html")
        || (head.starts_with('<') && ["<html", "<head", "<body"].iter().any(|tag| head.contains(tag)))
    {
        return Some("an HTML page");
    }
    if head.starts_with('<') {
        return Some("an XML file");
    }
    let mut lines = head.lines().filter(|line| !line.trim().is_empty());
    let first = lines.next().unwrap_or_default();
    let second = lines.next();
    if starts_with_a_date(first) {
        return Some("a log (lines of text starting with a time)");
    }
    for (separator, name) in [
        ('\t', "a TSV file (a table with tab-separated columns)"),
        (',', "a CSV file (a table)"),
        (';', "a CSV file (a table)"),
    ] {
        let columns = first.matches(separator).count();
        if columns > 0 && second.is_none_or(|line| line.matches(separator).count() == columns) {
            return Some(name);
        }
    }
    if first == "---" || first.split_once(": ").is_some_and(|(key, _)| !key.is_empty() && !key.contains(' ')) {
        return Some("a YAML file");
    }
    None
}

/// `2024-05-01...`: four digits, a dash, two digits.
fn starts_with_a_date(line: &str) -> bool {
    let bytes = line.as_bytes();
    bytes.len() >= 7
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
}

/// The first characters of the first line, when they are printable text.
fn quoted_start(start: &str) -> Option<String> {
    let first_line = start.lines().next().unwrap_or_default();
    if first_line.chars().take(QUOTED_CHARS).any(char::is_control) || first_line.is_empty() {
        return None;
    }
    let mut quoted: String = first_line.chars().take(QUOTED_CHARS).collect();
    if first_line.chars().nth(QUOTED_CHARS).is_some() {
        quoted.push('…');
    }
    Some(quoted)
}

/// The bulleted list of formats read, each line starting with "- ", as the page draws it.
pub fn formats_list() -> String {
    FORMATS_READ.iter().map(|format| format!("\n- {format}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(text: &str) -> Option<&'static str> {
        match not_json(text) {
            ImportError::NotJson { looks_like, .. } => looks_like,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn recognises_what_people_open_by_mistake() {
        assert_eq!(named("trace_id,span_id,name\nabc,def,llm\n"), Some("a CSV file (a table)"));
        assert_eq!(named("trace_id\tname\nabc\tllm"), Some("a TSV file (a table with tab-separated columns)"));
        assert_eq!(named("<!DOCTYPE html>\n<html><body>Login</body></html>"), Some("an HTML page"));
        assert_eq!(named("<?xml version=\"1.0\"?><spans/>"), Some("an XML file"));
        assert_eq!(
            named("2024-05-01 12:00:00,123 INFO started\n2024-05-01 12:00:01 INFO done"),
            Some("a log (lines of text starting with a time)")
        );
        assert_eq!(named("service: checkout\nspans: 3\n"), Some("a YAML file"));
        assert_eq!(named("hello world"), None);
    }

    #[test]
    fn quotes_the_start_only_when_it_is_text() {
        assert!(matches!(not_json("\0\0\0"), ImportError::NotJson { start: None, .. }));
        match not_json(&"x".repeat(100)) {
            ImportError::NotJson { start: Some(start), .. } => assert_eq!(start.chars().count(), QUOTED_CHARS + 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn json_stopping_at_its_end_is_cut_off_and_a_mistake_inside_is_not() {
        let cut = "{\"spans\": [{\"name\": \"a\"";
        let error = serde_json::from_str::<serde_json::Value>(cut).unwrap_err();
        assert_eq!(refusal(cut, error), ImportError::CutOff { line: 1, column: 23 });
        let broken = "{\"spans\": [1,,2]}";
        let error = serde_json::from_str::<serde_json::Value>(broken).unwrap_err();
        assert!(matches!(refusal(broken, error), ImportError::MalformedJson { .. }));
    }
}
