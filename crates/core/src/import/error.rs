//! Why a file could not be imported at all, worded for the person who opened it.

use crate::json::Value;

use super::not_a_trace::formats_list;

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
    /// Not JSON at all: what it looks like (a CSV file, an HTML page...) when that is
    /// recognisable, and its first characters when they are text.
    NotJson {
        looks_like: Option<&'static str>,
        start: Option<String>,
    },
    /// JSON that stops before its end (a download or a copy cut short): where it stops.
    CutOff {
        line: usize,
        column: usize,
    },
    /// Log records only (OTLP logs): how many; they attach to spans another file holds.
    OnlyLogs {
        records: usize,
    },
    /// Feedback only (a list of scores): how many signals; they attach to traces another file holds.
    OnlyFeedback {
        signals: usize,
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

impl ImportError {
    /// The error of one line of JSON Lines, worded after the line's name ("line 4 was skipped:
    /// …"): the line's own column, and no list of formats on every line.
    pub fn worded_for_a_line(&self) -> String {
        match self {
            ImportError::MalformedJson { column, reason, .. } => {
                format!("it is not valid JSON: {reason} at column {column}.")
            }
            ImportError::NotJson { start: Some(start), .. } => format!("it is not JSON: it starts with “{start}”."),
            ImportError::NotJson { start: None, .. } => "it is not JSON.".to_string(),
            ImportError::CutOff { column, .. } => {
                format!("it looks cut off: its JSON stops in the middle, at column {column}.")
            }
            ImportError::UnknownFormat { found, .. } => {
                format!("it is JSON but not a trace format this viewer reads (found {found}).")
            }
            ImportError::NotUtf8 { column, .. } => format!("it is not UTF-8 text: invalid byte at column {column}."),
            ImportError::NotUtf16 { column, .. } => {
                format!("it is UTF-16 text with a broken character at column {column}.")
            }
            other => other.to_string(),
        }
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
            ImportError::NotJson { looks_like, start } => {
                match (looks_like, start) {
                    (Some(kind), _) => write!(formatter, "This looks like {kind}, not a trace.")?,
                    (None, Some(start)) => write!(formatter, "The file is not JSON: it starts with “{start}”.")?,
                    (None, None) => formatter.write_str("The file is not JSON: it does not start with text.")?,
                }
                write!(
                    formatter,
                    " The viewer reads trace files in JSON (one document or JSON Lines, also gzipped):{}",
                    formats_list()
                )
            }
            ImportError::CutOff { line, column } => {
                write!(formatter, "The file looks cut off: its JSON stops in the middle, at line {line}")?;
                if *column > 0 {
                    write!(formatter, ", column {column}")?;
                }
                formatter.write_str(". Was the download or the copy complete?")
            }
            ImportError::OnlyLogs { records } => {
                let records = if *records == 1 { "1 log record".to_string() } else { format!("{records} log records") };
                write!(
                    formatter,
                    "This file holds only logs ({records}), no spans. Logs are shown on the spans of their trace: open the trace file beside it together with this one (pick or drop both at once)."
                )
            }
            ImportError::OnlyFeedback { signals } => {
                let signals = if *signals == 1 { "1 score".to_string() } else { format!("{signals} scores") };
                write!(
                    formatter,
                    "This file holds only feedback ({signals}), no spans. Scores are shown on the traces they name: open the trace file together with this one (pick or drop both at once)."
                )
            }
            ImportError::UnknownFormat { tried, found } => {
                write!(formatter, "The file is JSON but not a trace format this viewer reads (found {found}). Tried:")?;
                for format in tried {
                    write!(formatter, "\n- {format}")?;
                }
                Ok(())
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
            let mut keys: Vec<&str> = map.keys().take(6).collect();
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
