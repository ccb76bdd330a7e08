//! A file's text as JSON documents: one document, several in a row, or JSON Lines (a bad line is
//! skipped with a warning, the others load). Two kinds of input that serde_json refuses but the
//! browser's `JSON.parse` reads are repaired, with a warning each: lone UTF-16 surrogate escapes
//! (see `lone_surrogates`) and nesting deeper than serde_json recurses (see `deep_json`).

use std::borrow::Cow;

use crate::json::Value;

use super::{
    datadog_fast, deep_json, import_document, jaeger_stream, langsmith_multipart, lone_surrogates, not_a_trace,
    otlp_fast, zipkin_fast, ImportError, RawImport,
};
use crate::json::all_documents;
use crate::model::ImportWarning;

type Documents = Result<(Vec<RawImport>, Vec<ImportWarning>), ImportError>;

/// Text after repairs, with one warning per repair made.
type Repaired<'a> = (Cow<'a, str>, Vec<ImportWarning>);

/// One file: a JSON document, several in a row, or JSON Lines (formats may differ per line).
pub fn read_file(text: &str) -> Documents {
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    if langsmith_multipart::looks_like(text) {
        if let Some(document) = langsmith_multipart::to_document(text) {
            return Ok((vec![import_document(&document)?], Vec::new()));
        }
    }
    if looks_like_otlp_traces(text) {
        if let Some(import) = otlp_fast::import(text) {
            return Ok((vec![import], Vec::new()));
        }
    }
    if jaeger_stream::looks_like(text) {
        if let Some(import) = jaeger_stream::import(text) {
            return Ok((vec![import], Vec::new()));
        }
    }
    if datadog_fast::looks_like(text) {
        if let Some(import) = datadog_fast::import(text) {
            return Ok((vec![import], Vec::new()));
        }
    }
    if zipkin_fast::looks_like(text) {
        if let Some(import) = zipkin_fast::import(text) {
            return Ok((vec![import], Vec::new()));
        }
    }
    let mut warnings = Vec::new();
    match parse_repairing(text, &mut warnings) {
        Ok(value) => Ok((vec![import_document(&value)?], warnings)),
        Err(error) if has_trailing_characters(&error) && not_a_trace::starts_like_json(text) => read_concatenated(text),
        Err(error) => Err(not_a_trace::refusal(text, error)),
    }
}

/// Whether the text opens like an OTLP trace request, worth trying the fast path on.
fn looks_like_otlp_traces(text: &str) -> bool {
    let start = text.trim_start();
    let head = &start.as_bytes()[..start.len().min(64)];
    start.starts_with('{')
        && head.windows(15).any(|window| window == b"\"resourceSpans\"" || window == b"\"resource_spans")
}

fn has_trailing_characters(error: &serde_json::Error) -> bool {
    error.to_string().starts_with("trailing characters")
}

/// Whether serde_json stopped at something [`repaired`] mends.
fn is_repairable(error: &serde_json::Error) -> bool {
    lone_surrogates::is_lone_surrogate(error) || deep_json::is_too_deep(error)
}

/// The text with lone surrogate escapes replaced and deep values folded, and a warning for each
/// repair made; `Ok(None)` when there was nothing to mend. Deep text is checked whole before it is
/// folded (a fold hides what it folds from the parse that follows), so a syntax error anywhere is
/// reported, at its place in the text as given.
fn repaired(text: &str) -> Result<Option<Repaired<'_>>, serde_json::Error> {
    let mut warnings = Vec::new();
    let mut current = Cow::Borrowed(text);
    if let Some((replaced, warning)) = lone_surrogates::replace(&current) {
        current = Cow::Owned(replaced);
        warnings.push(warning);
    }
    if let Some((folded, warning)) = deep_json::fold(&current) {
        deep_json::validate(&current)?;
        current = Cow::Owned(folded);
        warnings.extend(warning);
        return Ok(Some((current, warnings)));
    }
    Ok((!warnings.is_empty()).then_some((current, warnings)))
}

/// One document (the JSON text of a folded value, for an importer that unfolds it), read as a
/// file's document is, with the warnings of its repairs.
pub(crate) fn parse_document(text: &str) -> Result<(Value<'_>, Vec<ImportWarning>), serde_json::Error> {
    let mut warnings = Vec::new();
    parse_repairing(text, &mut warnings).map(|value| (value, warnings))
}

/// One document, repaired when serde_json refuses what `JSON.parse` reads; the repairs' warnings
/// are added to `warnings`.
fn parse_repairing<'t>(text: &'t str, warnings: &mut Vec<ImportWarning>) -> Result<Value<'t>, serde_json::Error> {
    let error = match crate::json::from_str(text) {
        Err(error) if is_repairable(&error) => error,
        result => return result,
    };
    let Some((fixed, repairs)) = repaired(text)? else { return Err(error) };
    let value = crate::json::from_str(&fixed)?.into_owned();
    warnings.extend(repairs);
    Ok(value)
}

/// Several JSON documents one after another: pretty-printed ones (what the OpenTelemetry Python
/// console exporter prints) are read as a stream; when the stream breaks, line by line.
fn read_concatenated(text: &str) -> Documents {
    let read = match all_documents(text) {
        Ok(values) => Some((values, Vec::new())),
        Err(error) if is_repairable(&error) => match repaired(text) {
            Ok(Some((fixed, warnings))) => {
                all_documents(&fixed).ok().map(|values| (values.into_iter().map(Value::into_owned).collect(), warnings))
            }
            _ => None,
        },
        Err(_) => None,
    };
    let Some((values, warnings)) = read else { return read_json_lines(text) };
    match values.iter().map(import_document).collect::<Result<Vec<RawImport>, ImportError>>() {
        Ok(imports) => Ok((imports, warnings)),
        Err(_) => read_json_lines(text),
    }
}

/// JSON Lines: every line is its own document; a bad line is reported and the others still load.
fn read_json_lines(text: &str) -> Documents {
    let mut imports = Vec::new();
    let mut warnings = Vec::new();
    let mut first_error = None;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_number = index + 1;
        let result = parse_repairing(line, &mut warnings)
            .map_err(|error| match error.classify() {
                serde_json::error::Category::Eof => ImportError::CutOff { line: line_number, column: error.column() },
                _ => ImportError::from_json_error_on_line(error, line_number),
            })
            .and_then(|value| import_document(&value));
        match result {
            Ok(import) => imports.push(import),
            Err(error) => {
                warnings.push(ImportWarning::general(format!(
                    "JSON Lines line {line_number} was skipped: {}",
                    error.worded_for_a_line()
                )));
                first_error.get_or_insert(error);
            }
        }
    }
    match (imports.is_empty(), first_error) {
        (true, Some(error)) => Err(error),
        _ => Ok((imports, warnings)),
    }
}
