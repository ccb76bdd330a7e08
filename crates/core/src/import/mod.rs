//! Reads trace files: parses JSON once (or once per line for JSON Lines), detects each document's
//! format by its structure, hands it to that format's importer, then finishes every format the
//! same way (see `pipeline`): merge by trace id, attach logs, map AI conventions, build the tree.

pub(crate) mod conventions;

mod datadog;
mod datadog_fast;
mod datadog_llmobs;
mod deep_json;
mod documents;
mod error;
#[cfg(test)]
mod fast_path_check;
mod fields;
mod flat_json;
mod jaeger;
mod jaeger_shapes;
mod jaeger_stream;
pub(crate) mod langfuse;
mod langfuse_scores;
mod langsmith;
mod langsmith_multipart;
mod logfire;
mod lone_surrogates;
mod mlflow;
mod not_a_trace;
mod openai_agents;
mod otlp;
mod otlp_fast;
mod otlp_logs;
mod own_format;
mod pipeline;
pub mod progress;
mod span_dumps;
mod split_runs;
mod utf16;
mod utf8;
mod zipkin;
mod zipkin_fast;
mod zipkin_v1;

use std::borrow::Cow;

use crate::json::Value;

pub use error::ImportError;
pub use own_format::FORMAT_TAG as OWN_FORMAT_TAG;
pub(crate) use own_format::{SPAN_FIELDS as OWN_SPAN_FIELDS, TRACE_FIELDS as OWN_TRACE_FIELDS};
pub use pipeline::{BuildObserver, LogRecord, RawImport, RawTrace};

use crate::model::{ImportWarning, TraceSet};

/// One supported format: how to recognise it and how to read it.
struct Importer {
    /// Shown in error messages: which formats were tried.
    description: &'static str,
    sniff: fn(&Value) -> bool,
    import: fn(&Value) -> Result<RawImport, ImportError>,
}

/// Tried in order; the first whose `sniff` accepts the document imports it. More specific shapes
/// come before looser ones (a Jaeger span list before a generic span dump).
const IMPORTERS: &[Importer] = &[
    Importer {
        description: "trace-viewer's own format (\"format\": \"trace-viewer/v1\")",
        sniff: own_format::sniff,
        import: own_format::import,
    },
    Importer {
        description: "OTLP/JSON traces (\"resourceSpans\"; one request, an array of them, or Jaeger's {\"result\"})",
        sniff: otlp::sniff,
        import: otlp::import,
    },
    Importer { description: "OTLP/JSON logs (\"resourceLogs\")", sniff: otlp_logs::sniff, import: otlp_logs::import },
    Importer {
        description: "Langfuse (a trace with \"observations\", an observations array, or an ingestion batch)",
        sniff: langfuse::sniff,
        import: langfuse::import,
    },
    Importer {
        description: "Langfuse scores (a list of {traceId, name, value, dataType}, or the API's {data})",
        sniff: langfuse_scores::sniff,
        import: langfuse_scores::import,
    },
    Importer {
        description: "LangSmith runs (\"run_type\"; nested child_runs, flat lists, or {\"post\", \"patch\"})",
        sniff: langsmith::sniff,
        import: langsmith::import,
    },
    Importer {
        description: "MLflow traces ({info, data: {spans}}, MLflow 2 and 3)",
        sniff: mlflow::sniff,
        import: mlflow::import,
    },
    Importer {
        description: "OpenAI Agents SDK export ({\"data\": [trace, span...]} with span_data)",
        sniff: openai_agents::sniff,
        import: openai_agents::import,
    },
    Importer {
        description: "Jaeger JSON (\"data\": [traces], one trace, or a span list with traceID/spanID; the domain model; Elasticsearch span documents)",
        sniff: jaeger::sniff,
        import: jaeger::import,
    },
    Importer {
        description: "Zipkin JSON (v2: a span array with traceId, id, timestamp in µs; v1: annotations with endpoints, binaryAnnotations)",
        sniff: zipkin::sniff,
        import: zipkin::import,
    },
    Importer {
        description: "Logfire records (rows with start_timestamp, trace_id, span_id, span_name, attributes)",
        sniff: logfire::sniff,
        import: logfire::import,
    },
    Importer {
        description: "Datadog LLM Observability spans and evaluation metrics",
        sniff: datadog_llmobs::sniff,
        import: datadog_llmobs::import,
    },
    Importer {
        description: "Datadog APM traces (lists of spans with trace_id, span_id, start, duration, meta, metrics)",
        sniff: datadog::sniff,
        import: datadog::import,
    },
    Importer {
        description: "OpenTelemetry SDK span dumps (Python to_json, JavaScript ReadableSpan) and Phoenix span exports",
        sniff: span_dumps::sniff,
        import: span_dumps::import,
    },
];

/// Imports one file's text. The file name, when given, is only a label: detection looks at structure.
pub fn import_text(text: &str, file_name: Option<&str>) -> Result<TraceSet, ImportError> {
    import_files(&[(file_name, text)])
}

/// Imports a file's bytes (UTF-8, a byte-order mark skipped; or UTF-16, see [`text`]).
pub fn import_bytes(bytes: &[u8], file_name: Option<&str>) -> Result<TraceSet, ImportError> {
    import_text(&text(bytes)?, file_name)
}

/// The bytes as text: UTF-8 checked in place (a byte-order mark skipped), or UTF-16 (by its
/// byte-order mark, or the zero byte beside the first character) decoded; else an error that
/// says where the first invalid byte is.
pub fn text(bytes: &[u8]) -> Result<Cow<'_, str>, ImportError> {
    let Some((order, mark)) = utf16::detect(bytes) else { return utf8(bytes).map(Cow::Borrowed) };
    let units = &bytes[mark..];
    utf16::decode(units, order).map(Cow::Owned).map_err(|unit_index| {
        // Where the bad unit is, counted in the characters before it.
        let before = utf16::decode(&units[..unit_index * 2], order).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
        ImportError::NotUtf16 { line, column }
    })
}

/// The bytes as UTF-8 text, or an error that says where the first invalid byte is.
fn utf8(bytes: &[u8]) -> Result<&str, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    utf8::validate(bytes).map_err(|valid_up_to| {
        let valid = &bytes[..valid_up_to];
        let line = valid.iter().filter(|byte| **byte == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|byte| **byte != b'\n').count() + 1;
        ImportError::NotUtf8 { line, column }
    })
}

/// Imports several files given as bytes (what the page and the worker receive). Like
/// [`import_files`], a file that is not UTF-8 is skipped with a warning when another file could be read.
pub fn import_buffers(files: &[(Option<&str>, &[u8])]) -> Result<TraceSet, ImportError> {
    let (imports, warnings) = read_buffers(files)?;
    Ok(finish_read(imports, warnings, None))
}

/// [`import_buffers`] for files given away (the import worker's): their bytes are freed once read,
/// so the shared steps reuse that memory instead of touching fresh memory (a million spans' tree
/// builder needs ~75 MB), and `observer` is told of each trace as the shared steps go (the worker
/// encodes the spans for the page while the tree is built).
pub fn import_owned_buffers(
    files: Vec<(Option<String>, Vec<u8>)>,
    observer: Option<&mut dyn BuildObserver>,
) -> Result<TraceSet, ImportError> {
    let (imports, warnings) = {
        let borrowed: Vec<(Option<&str>, &[u8])> =
            files.iter().map(|(name, bytes)| (name.as_deref(), bytes.as_slice())).collect();
        read_buffers(&borrowed)?
    };
    drop(files);
    Ok(finish_read(imports, warnings, observer))
}

/// [`import_owned_buffers`] keeping only the traces `trace_ids` (and their logs): how the corpus
/// opens one trace, or two to compare, from the lines that hold them, which may hold other traces'
/// spans too. An error when the bytes hold no span of them.
pub fn import_owned_traces(
    files: Vec<(Option<String>, Vec<u8>)>,
    trace_ids: &[String],
    observer: Option<&mut dyn BuildObserver>,
) -> Result<TraceSet, ImportError> {
    let (mut imports, warnings) = {
        let borrowed: Vec<(Option<&str>, &[u8])> =
            files.iter().map(|(name, bytes)| (name.as_deref(), bytes.as_slice())).collect();
        read_buffers(&borrowed)?
    };
    drop(files);
    let format = imports.first().map_or("", |import| import.format);
    let wanted = |trace_id: &str| trace_ids.iter().any(|wanted| wanted == trace_id);
    for import in &mut imports {
        import.traces.retain(|raw| wanted(&raw.trace.trace_id));
        import.logs.retain(|log| wanted(&log.trace_id));
    }
    if imports.iter().all(|import| import.traces.iter().all(|raw| raw.spans.is_empty())) {
        return Err(ImportError::NoSpans { format: format_name(format).to_string(), first_skipped: None });
    }
    Ok(finish_read(imports, warnings, observer))
}

/// Reads files given as bytes, before the shared steps; a file that is not UTF-8 is skipped with
/// a warning when another file could be read.
fn read_buffers(files: &[(Option<&str>, &[u8])]) -> Result<(Vec<RawImport>, Vec<ImportWarning>), ImportError> {
    if let [(file_name, bytes)] = files {
        return read_texts(&[(*file_name, &text(bytes)?)]);
    }
    let mut texts = Vec::with_capacity(files.len());
    let mut skipped = Vec::new();
    let mut first_error = None;
    for (file_name, bytes) in files {
        match text(bytes) {
            Ok(text) => texts.push((*file_name, text)),
            Err(error) => {
                let label = file_name.unwrap_or("a file");
                skipped.push(ImportWarning::general(format!("{label} was skipped: {error}")));
                first_error.get_or_insert(error);
            }
        }
    }
    if texts.is_empty() {
        return Err(first_error.unwrap_or(ImportError::Empty));
    }
    let texts: Vec<(Option<&str>, &str)> = texts.iter().map(|(name, text)| (*name, text.as_ref())).collect();
    let (imports, file_warnings) = read_texts(&texts)?;
    skipped.extend(file_warnings);
    Ok((imports, skipped))
}

/// Imports several files as one set: spans and logs of the same trace are joined across them.
/// A file that cannot be read becomes a warning as long as another file could be.
pub fn import_files(files: &[(Option<&str>, &str)]) -> Result<TraceSet, ImportError> {
    let (imports, warnings) = read_texts(files)?;
    Ok(finish_read(imports, warnings, None))
}

/// Reads every file's documents, before the shared steps; the warnings say which files were skipped.
fn read_texts(files: &[(Option<&str>, &str)]) -> Result<(Vec<RawImport>, Vec<ImportWarning>), ImportError> {
    let mut imports = Vec::new();
    let mut file_warnings = Vec::new();
    let mut first_error = None;
    // LangSmith multipart bodies of several requests are one run list: a run posted in one and
    // patched (ended) in another is one span.
    let multipart: Vec<&str> =
        files.iter().map(|(_, text)| *text).filter(|text| langsmith_multipart::looks_like(text)).collect();
    let files: Vec<(Option<&str>, &str)> =
        match (multipart.len() > 1).then(|| langsmith_multipart::joined(&multipart)).flatten() {
            Some(document) => {
                imports.push(import_document(&document)?);
                files.iter().copied().filter(|(_, text)| !langsmith_multipart::looks_like(text)).collect()
            }
            None => files.to_vec(),
        };
    for (file_name, text) in &files {
        match documents::read_file(text) {
            Ok((mut documents, warnings)) => {
                imports.append(&mut documents);
                file_warnings.extend(warnings);
            }
            Err(error) if files.len() > 1 => {
                let label = file_name.unwrap_or("a file");
                file_warnings.push(ImportWarning::general(format!("{label} was skipped: {error}")));
                first_error.get_or_insert(error);
            }
            Err(error) => return Err(error),
        }
    }
    if imports.is_empty() {
        return Err(first_error.unwrap_or(ImportError::Empty));
    }
    if imports.iter().all(|import| import.traces.iter().all(|trace| trace.spans.is_empty())) {
        return Err(no_spans(&imports));
    }
    Ok((imports, file_warnings))
}

/// The refusal of documents that were recognised but hold not one span.
fn no_spans(imports: &[RawImport]) -> ImportError {
    let records: usize = imports.iter().map(|import| import.logs.len()).sum();
    if records > 0 {
        return ImportError::OnlyLogs { records };
    }
    let signals: usize = imports.iter().flat_map(|import| &import.traces).map(|raw| raw.trace.feedback.len()).sum();
    if signals > 0 {
        return ImportError::OnlyFeedback { signals };
    }
    let mut formats: Vec<&str> = Vec::new();
    for import in imports {
        let name = format_name(import.format);
        if !formats.contains(&name) {
            formats.push(name);
        }
    }
    let first_skipped = imports.iter().flat_map(|import| import.warnings.iter()).next().map(ToString::to_string);
    ImportError::NoSpans { format: formats.join(" and "), first_skipped }
}

/// A format's name in words, from the tag its importer gives the set.
fn format_name(tag: &str) -> &str {
    match tag {
        "trace-viewer" => "trace-viewer's own format",
        "otlp-json" => "OTLP/JSON traces",
        "otlp-logs" => "OTLP/JSON logs (log records attach to spans)",
        "langfuse" => "Langfuse",
        "langsmith" => "LangSmith runs",
        "jaeger" => "Jaeger JSON",
        "zipkin" => "Zipkin JSON",
        "openai-agents" => "OpenAI Agents SDK traces",
        "mlflow" => "MLflow traces",
        "datadog" => "Datadog APM traces",
        "datadog-llmobs" => "Datadog LLM Observability",
        "logfire" => "Logfire records",
        other => other,
    }
}

/// The shared steps, then the file warnings first among the set's.
fn finish_read(
    imports: Vec<RawImport>,
    file_warnings: Vec<ImportWarning>,
    observer: Option<&mut dyn BuildObserver>,
) -> TraceSet {
    let mut set = pipeline::finish_observed(imports, observer);
    set.warnings.splice(0..0, file_warnings);
    set
}

/// Hands a parsed document to one importer (the `importer`-th detection tries, modulo their count),
/// whatever its shape, without asking it whether it recognises the document: the fuzz targets
/// check that every importer copes with any JSON.
pub fn import_value_as(importer: usize, value: &Value) -> Result<TraceSet, ImportError> {
    let importer = &IMPORTERS[importer % IMPORTERS.len()];
    Ok(pipeline::finish(vec![(importer.import)(value)?]))
}

/// The importers whose detection accepts a document, by description: exactly one for every
/// file the viewer reads (a test holds every fixture to that), so no two formats claim one file.
pub fn claimants(value: &Value) -> Vec<&'static str> {
    IMPORTERS.iter().filter(|importer| (importer.sniff)(value)).map(|importer| importer.description).collect()
}

pub(crate) fn import_document(value: &Value) -> Result<RawImport, ImportError> {
    for importer in IMPORTERS {
        if (importer.sniff)(value) {
            return (importer.import)(value);
        }
    }
    Err(ImportError::UnknownFormat {
        tried: IMPORTERS.iter().map(|importer| importer.description).collect(),
        found: error::describe_shape(value),
    })
}
