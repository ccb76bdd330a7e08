//! A whole AI interaction (one trace) and the set of traces one file holds.

use super::{Attribute, Feedback, ImportWarning, Span};

/// The entity that produced spans (a service, a process), with its attributes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Resource {
    pub attributes: Vec<Attribute>,
    /// Other fields of the source's resource object (schema URL, dropped counts...).
    pub other_fields: Vec<Attribute>,
}

impl Resource {
    /// `service.name`, the name people know a resource by.
    pub fn service_name(&self) -> Option<&str> {
        super::attribute::find(&self.attributes, "service.name").and_then(|value| value.as_str())
    }
}

/// The instrumentation library that produced a span.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Scope {
    pub name: String,
    pub version: Option<String>,
    pub attributes: Vec<Attribute>,
}

/// One trace: its spans in pre-order plus what the source said about the interaction as a whole.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Trace {
    pub trace_id: String,
    /// A display name: the source's trace name, else the first root span's name.
    pub name: String,
    pub spans: Vec<Span>,
    pub resources: Vec<Resource>,
    pub scopes: Vec<Scope>,
    /// Earliest start over all spans (0 for an empty trace).
    pub start_ns: u64,
    /// Latest end minus `start_ns`.
    pub duration_ns: u64,
    pub user_input: Option<String>,
    pub intent: Option<String>,
    pub final_output: Option<String>,
    pub user_id: Option<String>,
    pub session_id: Option<String>,
    pub variant: Option<String>,
    pub feedback: Vec<Feedback>,
    /// Trace-level fields the model has no slot for, kept for the detail view.
    pub other_fields: Vec<Attribute>,
    /// Every repair made while importing, span warnings included.
    pub warnings: Vec<ImportWarning>,
}

impl Trace {
    pub fn error_count(&self) -> usize {
        self.spans.iter().filter(|span| span.status.is_error()).count()
    }

    /// The parent id of span `index` as the file gave it: kept on the span where the tree does
    /// not tell it (a missing parent, a cut link), else the parent's own id.
    pub fn parent_id_of(&self, index: usize) -> Option<&str> {
        let span = self.spans.get(index)?;
        span.parent_span_id.as_deref().or_else(|| {
            span.parent.get().and_then(|parent| self.spans.get(parent)).map(|parent| parent.span_id.as_str())
        })
    }

    pub fn find_span(&self, span_id: &str) -> Option<usize> {
        self.spans.iter().position(|span| span.span_id == span_id)
    }
}

/// Everything one file held: one or more traces, the format it was read as, and file-level warnings.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TraceSet {
    /// The format's short name, such as `otlp-json` or `trace-viewer`.
    pub format: String,
    pub traces: Vec<Trace>,
    /// Warnings that concern the file rather than one trace.
    pub warnings: Vec<ImportWarning>,
}

impl TraceSet {
    pub fn span_count(&self) -> usize {
        self.traces.iter().map(|trace| trace.spans.len()).sum()
    }
}
