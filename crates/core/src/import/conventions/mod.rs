//! AI meaning from attribute maps, whatever the source. Each vocabulary has its own file and reads
//! a span's attributes (and events) in one pass, filling only what is still empty in the span's
//! `AiDetails`: importers that know better (Langfuse, LangSmith) set fields first. Raw attributes
//! are never changed.
//!
//! - `genai`: OpenTelemetry GenAI (`gen_ai.*` attributes and events, old and new message capture)
//! - `openinference`: OpenInference (`openinference.span.kind`, `llm.*`, `retrieval.*`, `input.value`...)
//! - `vercel`: Vercel AI SDK (`ai.*`) and OpenLLMetry (`traceloop.*`, `llm.usage.*`)
//! - `langfuse_otel`: Langfuse observations sent over OpenTelemetry (`langfuse.observation.*`)
//! - `mlflow`: MLflow's span attributes (`mlflow.spanType`, `mlflow.spanInputs`...)
//! - `datadog`: Datadog's AI integrations' tags (`openai.request.*`, `openai.response.*`, `langchain.*`)
//! - `feedback`: user feedback stated as OpenTelemetry span events

mod datadog;
mod feedback;
mod genai;
mod langfuse_otel;
mod mlflow;
mod openinference;
mod trace_facts;
mod vercel;

pub use trace_facts::TraceFacts;

use crate::model::{attribute::find, AiDetails, Attribute, AttributeValue, Span, SpanKind, ToolRun};

/// Whether an attribute key is one the conventions read into the model's own fields (AI details,
/// the trace's user, session, intent and variant): the corpus keeps no column for those.
pub fn is_mapped_key(key: &str) -> bool {
    trace_facts::is_fact_key(key) || has_ai_prefix(key)
}

/// Maps one span: its kind (when the importer left it `Other`) and its AI details.
pub fn apply(span: &mut Span) {
    if !may_carry_ai_meaning(span) {
        return;
    }
    map_vocabularies(span);
}

/// Beginnings of every attribute key a vocabulary here reads (see each file's `apply` and
/// [`kind_from_attributes`]).
// The list [`has_ai_prefix`] dispatches on; a test holds the two together.
#[cfg(test)]
const AI_KEY_PREFIXES: [&str; 16] = [
    "openai.",
    "langchain.",
    "datadog.name",
    "mlflow.",
    "langfuse.observation.",
    "gen_ai.",
    "llm.",
    "embedding.",
    "input.",
    "output.",
    "tool.",
    "retrieval.",
    "reranker.",
    "openinference.",
    "ai.",
    "traceloop.",
];

/// Whether a key begins with one of [`AI_KEY_PREFIXES`]: asked of every attribute of every span,
/// so the first byte picks the two or three prefixes worth comparing.
fn has_ai_prefix(key: &str) -> bool {
    let candidates: &[&str] = match key.as_bytes().first() {
        Some(b'g') => &["gen_ai."],
        Some(b'l') => &["llm.", "langfuse.observation.", "langchain."],
        Some(b'e') => &["embedding."],
        Some(b'i') => &["input."],
        Some(b'o') => &["output.", "openinference.", "openai."],
        Some(b't') => &["tool.", "traceloop."],
        Some(b'r') => &["retrieval.", "reranker."],
        Some(b'a') => &["ai."],
        Some(b'm') => &["mlflow."],
        Some(b'd') => &["datadog.name"],
        _ => &[],
    };
    candidates.iter().any(|prefix| key.starts_with(prefix))
}

/// Whether the vocabularies could find anything in the span: false for the many steps of a trace
/// (HTTP calls, database queries, framework internals) with no AI attribute, no event, a kind that
/// needs nothing and a name that says nothing; those skip the mapping (a million spans of a
/// large trace spent 130 ms there natively to find nothing).
fn may_carry_ai_meaning(span: &Span) -> bool {
    span.ai.is_some()
        || !span.events.is_empty()
        || span.kind == SpanKind::Tool
        || span.name.trim_start().starts_with("ai.")
        || span.attributes.iter().any(|attribute| has_ai_prefix(&attribute.key))
}

/// Runs every vocabulary over the span.
fn map_vocabularies(span: &mut Span) {
    if span.kind == SpanKind::Other {
        if let Some(kind) = kind_from_attributes(&span.attributes).or_else(|| vercel::kind_from_name(&span.name)) {
            span.kind = kind;
        }
    }
    let mut details = span.ai.take().map(|details| *details).unwrap_or_default();
    langfuse_otel::status(&span.attributes, &mut span.status);
    langfuse_otel::apply(&span.attributes, span.kind, &span.name, &mut details);
    mlflow::apply(&span.attributes, span.kind, &span.name, &mut details);
    datadog::apply(&span.attributes, &mut details);
    genai::apply(&span.attributes, &span.events, &mut details);
    openinference::apply(&span.attributes, span.kind, &mut details);
    vercel::apply(&span.attributes, &mut details);
    let talks_to_a_model =
        details.model.is_some() || !details.input_messages.is_empty() || !details.output_messages.is_empty();
    if span.kind == SpanKind::Other && talks_to_a_model {
        span.kind = SpanKind::Llm;
    }
    if !details.is_empty() {
        span.ai = Some(Box::new(details));
    }
}

/// The AI kind of a span from its attributes, or `None` when nothing says.
pub fn kind_from_attributes(attributes: &[Attribute]) -> Option<SpanKind> {
    let text = |key: &str| find(attributes, key).and_then(AttributeValue::as_str);
    if let Some(kind) =
        langfuse_otel::kind(attributes).or_else(|| mlflow::kind(attributes)).or_else(|| datadog::kind(attributes))
    {
        return Some(kind);
    }
    if let Some(kind) = text("openinference.span.kind") {
        return Some(openinference::kind(kind));
    }
    if let Some(operation) = text("gen_ai.operation.name") {
        return Some(genai::kind(operation));
    }
    // An agent's span names its agent even when it names no operation.
    if text("gen_ai.agent.name").is_some() {
        return Some(SpanKind::Agent);
    }
    if let Some(kind) = text("traceloop.span.kind") {
        return Some(match kind {
            "workflow" | "task" => SpanKind::Chain,
            "agent" => SpanKind::Agent,
            "tool" => SpanKind::Tool,
            _ => SpanKind::Other,
        });
    }
    None
}

/// An attribute value as text: strings as they are, other values as compact JSON.
pub fn value_text(value: &AttributeValue) -> Option<String> {
    match value {
        AttributeValue::Empty => None,
        AttributeValue::String(text) => Some(text.clone()),
        other => Some(other.display()),
    }
}

pub fn value_u64(value: &AttributeValue) -> Option<u64> {
    match value {
        AttributeValue::Int(integer) => u64::try_from(*integer).ok(),
        AttributeValue::Double(float) if *float >= 0.0 && float.is_finite() => Some(*float as u64),
        AttributeValue::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

pub fn value_f64(value: &AttributeValue) -> Option<f64> {
    match value {
        AttributeValue::Int(integer) => Some(*integer as f64),
        AttributeValue::Double(float) => Some(*float),
        AttributeValue::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Sets `slot` when it is still empty.
pub fn fill<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// Adds what `read` knows to `details`, keeping every field already set (messages as a whole).
pub fn fill_details(details: &mut AiDetails, read: AiDetails) {
    fill(&mut details.model, read.model);
    fill(&mut details.provider, read.provider);
    fill(&mut details.parameters, read.parameters);
    fill(&mut details.input, read.input);
    fill(&mut details.output, read.output);
    if details.input_messages.is_empty() {
        details.input_messages = read.input_messages;
    }
    if details.output_messages.is_empty() {
        details.output_messages = read.output_messages;
    }
    if let Some(tool) = read.tool {
        merge_tool(details, tool);
    }
    if details.documents.is_empty() {
        details.documents = read.documents;
    }
    fill(&mut details.tokens.input, read.tokens.input);
    fill(&mut details.tokens.output, read.tokens.output);
    fill(&mut details.tokens.total, read.tokens.total);
    fill(&mut details.tokens.cached, read.tokens.cached);
    fill(&mut details.tokens.reasoning, read.tokens.reasoning);
    fill(&mut details.cost_usd, read.cost_usd);
}

/// Adds what `tool` knows to the span's tool run, keeping fields already set.
pub fn merge_tool(details: &mut AiDetails, tool: ToolRun) {
    if tool == ToolRun::default() {
        return;
    }
    let existing = details.tool.get_or_insert_with(ToolRun::default);
    fill(&mut existing.name, tool.name);
    fill(&mut existing.call_id, tool.call_id);
    fill(&mut existing.arguments, tool.arguments);
    fill(&mut existing.result, tool.result);
}

/// Splits `"3.message.role"` into `(3, "message.role")`.
pub fn split_index(rest: &str) -> Option<(usize, &str)> {
    let (index, tail) = rest.split_once('.').unwrap_or((rest, ""));
    Some((index.parse().ok()?, tail))
}

/// Used by mappers: AI details of a span, for tests.
#[cfg(test)]
pub fn details_of(attributes: Vec<Attribute>) -> (SpanKind, AiDetails) {
    let mut span = Span::new("s", None, "s");
    span.attributes = attributes;
    apply(&mut span);
    (span.kind, span.ai.map(|details| details.with_messages_read(&span.attributes).into_owned()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::{map_vocabularies, may_carry_ai_meaning};

    /// Every fixture file under `tests/fixtures`, as text.
    fn fixture_texts() -> Vec<(std::path::PathBuf, String)> {
        let mut folders =
            vec![std::path::PathBuf::from(format!("{}/../../tests/fixtures", env!("CARGO_MANIFEST_DIR")))];
        let mut texts = Vec::new();
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    // Fuzz regressions are any bytes, not trace files.
                    if !path.ends_with("fuzz-regressions") {
                        folders.push(path);
                    }
                } else if matches!(path.extension().and_then(|extension| extension.to_str()), Some("json" | "jsonl")) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    texts.push((path, text));
                }
            }
        }
        texts
    }

    #[test]
    fn skipping_spans_without_ai_meaning_changes_no_fixture_span() {
        let (mut spans, mut skipped) = (0, 0);
        for (path, text) in fixture_texts() {
            let Ok((documents, _)) = crate::import::documents::read_file(&text) else { continue };
            for span in documents.iter().flat_map(|document| &document.traces).flat_map(|trace| &trace.spans) {
                let mut mapped = span.clone();
                map_vocabularies(&mut mapped);
                spans += 1;
                if !may_carry_ai_meaning(span) {
                    skipped += 1;
                    assert_eq!(
                        &mapped,
                        span,
                        "{}: span {} has AI meaning but would be skipped",
                        path.display(),
                        span.name
                    );
                }
            }
        }
        assert!(
            spans > 1000 && skipped > 500,
            "{skipped} of {spans} fixture spans skipped: the test lost its fixtures"
        );
    }

    #[test]
    fn a_single_attribute_of_any_vocabulary_is_enough_to_be_mapped() {
        use crate::model::{Attribute, AttributeValue, Span};
        let keys = [
            ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.operation.name", "chat"),
            ("llm.model_name", "gpt-4o"),
            ("embedding.model_name", "text-embedding-3-small"),
            ("input.value", "question"),
            ("output.value", "answer"),
            ("tool.name", "search"),
            ("retrieval.documents.0.document.content", "a document"),
            ("reranker.output_documents.0.document.content", "a document"),
            ("openinference.span.kind", "LLM"),
            ("ai.model.id", "gpt-4o"),
            ("ai.usage.costUsd", "0.1"),
            ("traceloop.entity.input", "question"),
            ("traceloop.span.kind", "tool"),
        ];
        for (key, text) in keys {
            let mut span = Span::new("s", None, "step");
            span.attributes = vec![Attribute::new(key, AttributeValue::String(text.into()))];
            let mut mapped = span.clone();
            map_vocabularies(&mut mapped);
            assert_ne!(mapped, span, "{key} means nothing to the vocabularies: pick another key");
            assert!(may_carry_ai_meaning(&span), "a span with only {key} would be skipped");
        }
        let named = Span::new("s", None, " ai.generateText.doGenerate");
        assert!(may_carry_ai_meaning(&named), "a Vercel AI SDK span name is enough");
    }

    #[test]
    fn the_first_byte_dispatch_knows_every_prefix_and_nothing_else() {
        for prefix in super::AI_KEY_PREFIXES {
            assert!(super::has_ai_prefix(prefix) && super::has_ai_prefix(&format!("{prefix}x")), "{prefix}");
            let (first, rest) = prefix.split_at(1);
            assert!(!super::has_ai_prefix(&format!("{}{rest}", first.to_ascii_uppercase())), "{prefix}: case matters");
        }
        for other in ["http.method", "db.statement", "gen_aix", "lm.", "", "x"] {
            assert!(!super::has_ai_prefix(other), "{other}");
        }
    }
}
