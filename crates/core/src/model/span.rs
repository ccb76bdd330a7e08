//! One step of a trace: a span with its kind, status, times, attributes, events and links.

use std::borrow::Cow;

use super::{AiDetails, Attribute, ImportWarning, List, OptionalIndex};

/// What a span does, in AI terms. Importers decide it from the source's own vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpanKind {
    Llm,
    Tool,
    Retrieval,
    Agent,
    Chain,
    Embedding,
    Guardrail,
    Other,
}

impl SpanKind {
    pub const ALL: [SpanKind; 8] = [
        SpanKind::Llm,
        SpanKind::Tool,
        SpanKind::Retrieval,
        SpanKind::Agent,
        SpanKind::Chain,
        SpanKind::Embedding,
        SpanKind::Guardrail,
        SpanKind::Other,
    ];

    /// The lowercase name used in the own format and in CSS class names.
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Llm => "llm",
            SpanKind::Tool => "tool",
            SpanKind::Retrieval => "retrieval",
            SpanKind::Agent => "agent",
            SpanKind::Chain => "chain",
            SpanKind::Embedding => "embedding",
            SpanKind::Guardrail => "guardrail",
            SpanKind::Other => "other",
        }
    }

    /// Reads a kind name case-insensitively, accepting common synonyms.
    pub fn parse(name: &str) -> Option<SpanKind> {
        let kind = match name.trim().to_ascii_lowercase().as_str() {
            "llm" | "generation" | "chat" | "completion" | "model" => SpanKind::Llm,
            "tool" | "function" | "execute_tool" => SpanKind::Tool,
            "retrieval" | "retriever" | "retrieve" | "search" => SpanKind::Retrieval,
            "agent" | "invoke_agent" => SpanKind::Agent,
            "chain" | "workflow" | "pipeline" => SpanKind::Chain,
            "embedding" | "embeddings" | "embed" => SpanKind::Embedding,
            "guardrail" => SpanKind::Guardrail,
            "other" | "span" | "internal" => SpanKind::Other,
            _ => return None,
        };
        Some(kind)
    }
}

/// Whether the step succeeded. `Unset` is OpenTelemetry's default and reads as success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpanStatus {
    Unset,
    Ok,
    Error { message: Option<String> },
}

impl SpanStatus {
    pub fn is_error(&self) -> bool {
        matches!(self, SpanStatus::Error { .. })
    }
}

/// A timestamped event inside a span (an exception, a log line, a streamed token...).
#[derive(Clone, Debug, PartialEq)]
pub struct SpanEvent {
    pub name: String,
    pub time_ns: Option<u64>,
    pub attributes: Vec<Attribute>,
}

/// A link from this span to a span elsewhere (maybe in another trace).
#[derive(Clone, Debug, PartialEq)]
pub struct SpanLink {
    pub trace_id: String,
    pub span_id: String,
    pub attributes: Vec<Attribute>,
}

/// One span, placed in its trace's pre-order `Vec`.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// Normalised id (lowercase hex where the source used hex or base64).
    pub span_id: String,
    /// The parent id as the file gave it (normalised), as importers set it. Once the tree is
    /// built it is kept only where the tree does not tell it: when the parent is missing, or the
    /// link was cut (a cycle, a span naming itself); for every other span it is the `span_id` of
    /// `parent` and not stored again (a million copies of ids). Read it with
    /// [`super::Trace::parent_id_of`].
    pub parent_span_id: Option<String>,
    /// Index of the parent in `Trace::spans`, `None` for a root.
    pub parent: OptionalIndex,
    /// 0 for roots.
    pub depth: u32,
    /// One past the index of this span's last descendant: the subtree is `index..subtree_end`.
    pub subtree_end: usize,
    /// Number of direct children.
    pub child_count: u32,
    pub name: String,
    pub kind: SpanKind,
    /// The transport-level kind where the source has one (OpenTelemetry's SERVER, CLIENT, ...).
    pub protocol_kind: Option<Cow<'static, str>>,
    pub status: SpanStatus,
    pub start_ns: u64,
    pub duration_ns: u64,
    /// Index into `Trace::resources`.
    pub resource: OptionalIndex,
    /// Index into `Trace::scopes`: the instrumentation library that produced the span.
    pub scope: OptionalIndex,
    pub attributes: Vec<Attribute>,
    pub events: List<SpanEvent>,
    pub links: List<SpanLink>,
    /// Fields of the source span object the importer has no slot for (trace state, flags,
    /// dropped counts, vendor fields...), kept so nothing the file said is lost.
    pub other_fields: List<Attribute>,
    /// Problems found while importing this span, also listed on the trace.
    pub warnings: List<ImportWarning>,
    /// The AI meaning (model, messages, tool, documents, tokens, cost), when the source has any.
    pub ai: Option<Box<AiDetails>>,
}

impl Span {
    pub fn end_ns(&self) -> u64 {
        self.start_ns.saturating_add(self.duration_ns)
    }

    pub fn has_children(&self) -> bool {
        self.child_count > 0
    }

    /// The AI details, created empty on first use.
    pub fn ai_mut(&mut self) -> &mut AiDetails {
        self.ai.get_or_insert_with(Box::default)
    }
}

/// A source's own span kind name (OTLP's `SERVER`, Langfuse's `GENERATION`, ...), shared rather
/// than allocated when it is one of OpenTelemetry's: a million spans need not hold a million copies
/// of "INTERNAL".
pub fn protocol_kind_name(name: &str) -> Cow<'static, str> {
    const COMMON: [&str; 6] = ["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER", "UNSPECIFIED"];
    match COMMON.iter().find(|common| **common == name) {
        Some(common) => Cow::Borrowed(common),
        None => Cow::Owned(name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::SpanKind;

    #[test]
    fn all_lists_the_kinds_in_declaration_order() {
        for (position, kind) in SpanKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, position, "{kind:?}");
        }
    }
}

// A million spans are a million of these: keep an eye on the size (wasm32, where the viewer runs).
#[cfg(target_arch = "wasm32")]
const _: () = assert!(std::mem::size_of::<Span>() == 136, "Span changed size: measure, then update this");
