//! The benchmark trace written in every format the viewer reads, each as the tool that produces
//! that format writes it, from the imported model (`TraceSet`): spans, attributes, events,
//! status, services, kinds and times. `cargo xtask bench-formats` times the viewer on each file;
//! the tests below check each file is read back by the intended importer into the same tree.
//!
//! One file per format; this one holds the list and what the writers share.

mod datadog;
mod datadog_llmobs;
mod jaeger;
mod langfuse;
mod langsmith;
mod logfire;
mod mlflow;
mod openai_agents;
mod span_dumps;
mod view;
mod zipkin;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde_json::Value;
use trace_viewer_core::model::TraceSet;

/// One format: its file name, how to write it, and the start of the description of the importer
/// that must claim it (`trace_viewer_core::import::claimants`).
pub struct Format {
    pub name: &'static str,
    pub write: fn(&TraceSet, &str) -> String,
    pub importer: &'static str,
}

/// Every format, OTLP (the generated file itself) first.
pub const FORMATS: &[Format] = &[
    Format { name: "otlp", write: |_, otlp| otlp.to_string(), importer: "OTLP/JSON traces" },
    Format {
        name: "own",
        write: |set, _| compact(&trace_viewer_core::export::to_own_format(set)),
        importer: "trace-viewer's own format",
    },
    Format { name: "jaeger", write: |set, _| compact(&jaeger::document(set)), importer: "Jaeger JSON" },
    Format { name: "zipkin", write: |set, _| compact(&zipkin::document(set)), importer: "Zipkin JSON" },
    Format { name: "langfuse", write: |set, _| compact(&langfuse::document(set)), importer: "Langfuse (" },
    Format { name: "langsmith", write: |set, _| compact(&langsmith::document(set)), importer: "LangSmith runs" },
    Format { name: "mlflow", write: |set, _| compact(&mlflow::document(set)), importer: "MLflow traces" },
    Format {
        name: "openai-agents",
        write: |set, _| compact(&openai_agents::document(set)),
        importer: "OpenAI Agents SDK",
    },
    Format { name: "datadog", write: |set, _| compact(&datadog::document(set)), importer: "Datadog APM traces" },
    Format {
        name: "datadog-llmobs",
        write: |set, _| compact(&datadog_llmobs::document(set)),
        importer: "Datadog LLM Observability",
    },
    Format { name: "logfire", write: |set, _| compact(&logfire::document(set)), importer: "Logfire records" },
    Format { name: "span-dumps", write: |set, _| span_dumps::text(set), importer: "OpenTelemetry SDK span dumps" },
];

fn compact(value: &Value) -> String {
    value.to_string()
}

/// The generated OTLP trace of `spans` spans and the model it imports to.
pub fn bench_trace(spans: usize) -> Result<(String, TraceSet), String> {
    let otlp = trace_viewer_core::generate::otlp_trace(spans);
    let set = trace_viewer_core::import::import_text(&otlp, None).map_err(|error| error.to_string())?;
    Ok((otlp, set))
}

/// Writes `<format>.json` into `directory` for every format named in `only` (all when empty);
/// returns the formats and their files, in the order of [`FORMATS`].
pub fn write_all(spans: usize, only: &[String], directory: &Path) -> Result<Vec<(&'static Format, PathBuf)>, String> {
    if let Some(unknown) = only.iter().find(|name| !FORMATS.iter().any(|format| format.name == name.as_str())) {
        let known: Vec<&str> = FORMATS.iter().map(|format| format.name).collect();
        return Err(format!("no format {unknown}; the formats are {}", known.join(", ")));
    }
    std::fs::create_dir_all(directory).map_err(|error| format!("{}: {error}", directory.display()))?;
    let (otlp, set) = bench_trace(spans)?;
    let mut written = Vec::new();
    for format in FORMATS.iter().filter(|format| only.is_empty() || only.iter().any(|name| name == format.name)) {
        let path = directory.join(format!("{}.json", format.name));
        let text = (format.write)(&set, &otlp);
        std::fs::write(&path, &text).map_err(|error| format!("{}: {error}", path.display()))?;
        println!(
            "wrote {} ({:.1} MB, for the importer of {}...)",
            path.display(),
            text.len() as f64 / 1e6,
            format.importer
        );
        written.push((format, path));
    }
    Ok(written)
}
