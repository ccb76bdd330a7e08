//! Why a file could not be imported at all, worded for the person who opened it.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    Empty,
    /// Not UTF-8 text: where the first invalid byte is.
    NotUtf8 {
        line: usize,
        column: usize,
    },
    /// UTF-16 text (by its byte-order mark or zero bytes) with a unit that is not part of a
    /// character: where it is.
    NotUtf16 {
        line: usize,
        column: usize,
    },
    /// Not JSON: serde_json's reason with the 1-based line and column where it stopped.
    MalformedJson {
        line: usize,
        column: usize,
        reason: String,
    },
    /// JSON, but no importer recognised it.
    UnknownFormat {
        tried: Vec<&'static str>,
        found: String,
    },
    /// A recognised format, but not one span in it: the format's name, and the first thing the
    /// importer skipped (when it skipped anything).
    NoSpans {
        format: String,
        first_skipped: Option<String>,
    },
    /// A recognised format whose content is unusable, with the JSON path of the problem.
    Invalid {
        path: String,
        reason: String,
    },
}

impl ImportError {
    pub fn from_json_error(error: serde_json::Error) -> Self {
        let line = error.line();
        Self::from_json_error_on_line(error, line)
    }

    /// For JSON Lines, where serde_json sees one line and the file line is known to the caller.
    pub fn from_json_error_on_line(error: serde_json::Error, line: usize) -> Self {
        let full = error.to_string();
        // serde_json appends " at line L column C"; keep only the reason.
        let reason = full.split(" at line ").next().unwrap_or(&full).to_string();
        ImportError::MalformedJson { line, column: error.column(), reason }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Empty => formatter.write_str("The file is empty."),
            ImportError::NotUtf8 { line, column } => {
                write!(formatter, "The file is not UTF-8 text (is it compressed or binary?): invalid byte at line {line}, column {column}.")
            }
            ImportError::NotUtf16 { line, column } => {
                write!(formatter, "The file is UTF-16 text with a broken character (an unpaired surrogate, or a last odd byte) at line {line}, column {column}.")
            }
            ImportError::MalformedJson { line, column, reason } => {
                write!(formatter, "The file is not valid JSON: {reason} at line {line}, column {column}.")
            }
            ImportError::UnknownFormat { tried, found } => {
                write!(
                    formatter,
                    "The file is JSON but not a trace format this viewer reads (found {found}). Tried: "
                )?;
                formatter.write_str(&tried.join("; "))?;
                formatter.write_str(".")
            }
            ImportError::NoSpans { format, first_skipped } => {
                write!(formatter, "The file was read as {format} but holds no spans")?;
                match first_skipped {
                    Some(skipped) => write!(formatter, " (skipped: {skipped})."),
                    None => formatter.write_str("."),
                }
            }
            ImportError::Invalid { path, reason } => write!(formatter, "{path}: {reason}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// A few words on what the document is, for the unknown-format message.
pub fn describe_shape(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&str> = map.keys().map(String::as_str).take(6).collect();
            if map.len() > 6 {
                keys.push("...");
            }
            format!("an object with keys {}", keys.join(", "))
        }
        Value::Array(items) => format!("an array of {} items", items.len()),
        Value::String(_) => "a string".into(),
        Value::Number(_) => "a number".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Null => "null".into(),
    }
}
