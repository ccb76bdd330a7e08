//! The shapes the element's JavaScript API hands to hosts, defined once as serde types: the
//! summary `load()` resolves with (and `traces` returns). `www/trace-viewer.d.ts` declares the same
//! shapes; `tests/contract.rs` fails when the two drift apart.

use serde::Serialize;

use crate::model::{ImportWarning, Trace};

/// What a host learns about a loaded file: `load()`'s result and the `load` event's detail.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadSummary {
    /// The formats read, joined with " + " when the files differ (`"otlp"`, `"langfuse + otlp"`).
    pub format: String,
    /// Spans in all traces.
    pub span_count: usize,
    /// One entry per trace, in the order the viewer lists them.
    pub traces: Vec<TraceSummary>,
    /// What the import repaired or skipped, as sentences.
    pub warnings: Vec<String>,
}

/// One trace of a [`LoadSummary`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceSummary {
    pub trace_id: String,
    pub name: String,
    pub span_count: usize,
    /// Spans whose status is an error.
    pub error_count: usize,
    /// Problems repaired in this trace (orphans, duplicate ids, cycles, times).
    pub warning_count: usize,
    pub duration_ms: f64,
}

impl LoadSummary {
    /// The summary of a loaded set: its format, its traces and the file-level warnings.
    pub fn new<'a>(format: &str, traces: impl Iterator<Item = &'a Trace>, warnings: &[ImportWarning]) -> Self {
        let traces: Vec<TraceSummary> = traces.map(TraceSummary::new).collect();
        LoadSummary {
            format: format.to_string(),
            span_count: traces.iter().map(|trace| trace.span_count).sum(),
            traces,
            warnings: warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

impl TraceSummary {
    pub fn new(trace: &Trace) -> Self {
        TraceSummary {
            trace_id: trace.trace_id.clone(),
            name: trace.name.clone(),
            span_count: trace.spans.len(),
            error_count: trace.error_count(),
            warning_count: trace.warnings.len(),
            duration_ms: trace.duration_ns as f64 / 1e6,
        }
    }
}

/// The `span-select` event's detail: a person selected a span.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanSelectDetail {
    pub trace_id: String,
    pub span_id: String,
    pub name: String,
}

/// The `trace-select` event's detail: a person picked another trace of a multi-trace file.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceSelectDetail {
    /// The trace's position in the file (0-based).
    pub trace_index: usize,
}

/// The `trace-close` event's detail: the person went back from a trace opened from the corpus.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceCloseDetail {
    pub trace_id: String,
}

/// The detail of `compare-open` (two traces of the file are compared) and `compare-close` (the
/// person went back from the comparison to trace A).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompareDetail {
    pub trace_id_a: String,
    pub trace_id_b: String,
}

/// The `label-change` event's detail: a trace's label changed (in review, by "label all", or
/// undone); `label` is the label now, `None` when the trace has none left.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelChangeDetail<'a> {
    pub trace_id: &'a str,
    pub label: Option<&'a crate::review::Label>,
}

/// The `load-error` event's detail (built by the element's JavaScript, which sees fetch errors too).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadErrorDetail {
    /// Says where and what: a line and column for malformed JSON, the formats tried for unknown ones.
    pub message: String,
    /// The URL or file name, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}
