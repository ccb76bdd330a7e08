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
    let present = Vocabularies::of(span);
    if !may_carry_ai_meaning(span, present) {
        return;
    }
    map_vocabularies_present(span, present);
}

/// Beginnings of every attribute key a vocabulary here reads (see each file's `apply` and
/// [`kind_from_attributes`]).
// The list [`Vocabularies::of_key`] dispatches on; a test holds the two together.
#[cfg(test)]
const AI_KEY_PREFIXES: [&str; 17] = [
    "openai.",
    "langchain.",
    "anthropic.",
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

/// Whether a key begins with one of [`AI_KEY_PREFIXES`].
fn has_ai_prefix(key: &str) -> bool {
    Vocabularies::of_key(key) != 0
}

/// Whether the vocabularies could find anything in the span: false for the many steps of a trace
/// (HTTP calls, database queries, framework internals) with no AI attribute, no event, a kind that
/// needs nothing and a name that says nothing; those skip the mapping (a million spans of a
/// large trace spent 130 ms there natively to find nothing).
fn may_carry_ai_meaning(span: &Span, present: Vocabularies) -> bool {
    span.ai.is_some() || present.0 != 0 || span.kind == SpanKind::Tool || span.name.trim_start().starts_with("ai.")
}

/// Runs the vocabularies the span uses over it.
#[cfg(test)]
fn map_vocabularies(span: &mut Span) {
    let present = Vocabularies::of(span);
    map_vocabularies_present(span, present);
}

/// [`map_vocabularies`] running only the vocabularies in `present` (each reads every attribute,
/// several of them more than once: running all six on every AI span was a tenth of an import).
fn map_vocabularies_present(span: &mut Span, mut present: Vocabularies) {
    if span.kind == SpanKind::Other {
        if let Some(kind) =
            kind_from_present_attributes(&span.attributes, present).or_else(|| vercel::kind_from_name(&span.name))
        {
            span.kind = kind;
        }
    }
    // OpenInference's reading gives every tool span a tool run, named or not.
    if span.kind == SpanKind::Tool {
        present.0 |= Vocabularies::OPENINFERENCE;
    }
    let mut details = span.ai.take().map(|details| *details).unwrap_or_default();
    if present.has(Vocabularies::LANGFUSE) {
        langfuse_otel::status(&span.attributes, &mut span.status);
        langfuse_otel::apply(&span.attributes, span.kind, &span.name, &mut details);
    }
    if present.has(Vocabularies::MLFLOW) {
        mlflow::apply(&span.attributes, span.kind, &span.name, &mut details);
    }
    if present.has(Vocabularies::DATADOG) {
        datadog::apply(&span.attributes, &mut details);
    }
    if present.has(Vocabularies::GENAI) {
        genai::apply(&span.attributes, &span.events, &mut details);
    }
    if present.has(Vocabularies::OPENINFERENCE) {
        openinference::apply(&span.attributes, span.kind, &mut details);
    }
    if present.has(Vocabularies::VERCEL) {
        vercel::apply(&span.attributes, &mut details);
    }
    let talks_to_a_model =
        details.model.is_some() || !details.input_messages.is_empty() || !details.output_messages.is_empty();
    if span.kind == SpanKind::Other && talks_to_a_model {
        span.kind = SpanKind::Llm;
    }
    if !details.is_empty() {
        span.ai = Some(Box::new(details));
    }
}

/// Which vocabularies a span's attributes (and events) use, found in one pass over its keys by
/// their first byte: the vocabularies whose keys are absent are not run.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Vocabularies(u8);

impl Vocabularies {
    const LANGFUSE: u8 = 1;
    const MLFLOW: u8 = 1 << 1;
    const DATADOG: u8 = 1 << 2;
    const GENAI: u8 = 1 << 3;
    const OPENINFERENCE: u8 = 1 << 4;
    const VERCEL: u8 = 1 << 5;
    #[cfg(test)]
    const ALL: Vocabularies = Vocabularies(u8::MAX);

    fn has(self, vocabulary: u8) -> bool {
        self.0 & vocabulary != 0
    }

    fn of(span: &Span) -> Vocabularies {
        // GenAI reads span events (`gen_ai.*` events, log records attached as events).
        let mut present = if span.events.is_empty() { 0 } else { Self::GENAI };
        for attribute in &span.attributes {
            present |= Self::of_key(&attribute.key);
        }
        Vocabularies(present)
    }

    /// The vocabulary reading a key (by the beginnings each one's `apply` and `kind` match), by
    /// its first byte: asked of every attribute of every span.
    fn of_key(key: &str) -> u8 {
        let candidates: &[(&str, u8)] = match key.as_bytes().first() {
            Some(b'g') => &[("gen_ai.", Self::GENAI)],
            Some(b'l') => &[
                ("llm.", Self::OPENINFERENCE),
                ("langfuse.observation.", Self::LANGFUSE),
                ("langchain.", Self::DATADOG),
            ],
            Some(b'e') => &[("embedding.", Self::OPENINFERENCE)],
            Some(b'i') => &[("input.", Self::OPENINFERENCE)],
            Some(b'o') => {
                &[("output.", Self::OPENINFERENCE), ("openinference.", Self::OPENINFERENCE), ("openai.", Self::DATADOG)]
            }
            Some(b't') => &[("tool.", Self::OPENINFERENCE), ("traceloop.", Self::VERCEL)],
            Some(b'r') => &[("retrieval.", Self::OPENINFERENCE), ("reranker.", Self::OPENINFERENCE)],
            Some(b'a') => &[("ai.", Self::VERCEL), ("anthropic.", Self::DATADOG)],
            Some(b'm') => &[("mlflow.", Self::MLFLOW)],
            Some(b'd') => &[("datadog.name", Self::DATADOG)],
            _ => &[],
        };
        candidates.iter().find(|(prefix, _)| key.starts_with(prefix)).map_or(0, |(_, vocabulary)| *vocabulary)
    }
}

/// The AI kind of a span from its attributes, or `None` when nothing says.
pub fn kind_from_attributes(attributes: &[Attribute]) -> Option<SpanKind> {
    let mut present = Vocabularies(0);
    for attribute in attributes {
        present.0 |= Vocabularies::of_key(&attribute.key);
    }
    kind_from_present_attributes(attributes, present)
}

/// [`kind_from_attributes`] asking only the vocabularies in `present`.
fn kind_from_present_attributes(attributes: &[Attribute], present: Vocabularies) -> Option<SpanKind> {
    let text = |key: &str| find(attributes, key).and_then(AttributeValue::as_str);
    let asked = |vocabulary: u8, kind: fn(&[Attribute]) -> Option<SpanKind>| {
        present.has(vocabulary).then(|| kind(attributes)).flatten()
    };
    if let Some(kind) = asked(Vocabularies::LANGFUSE, langfuse_otel::kind)
        .or_else(|| asked(Vocabularies::MLFLOW, mlflow::kind))
        .or_else(|| asked(Vocabularies::DATADOG, datadog::kind))
    {
        return Some(kind);
    }
    if present.has(Vocabularies::OPENINFERENCE) {
        if let Some(kind) = text("openinference.span.kind") {
            return Some(openinference::kind(kind));
        }
    }
    if present.has(Vocabularies::GENAI) {
        if let Some(operation) = text("gen_ai.operation.name") {
            return Some(genai::kind(operation));
        }
        // An agent's span names its agent even when it names no operation.
        if text("gen_ai.agent.name").is_some() {
            return Some(SpanKind::Agent);
        }
    }
    if present.has(Vocabularies::VERCEL) {
        if let Some(kind) = text("traceloop.span.kind") {
            return Some(match kind {
                "workflow" | "task" => SpanKind::Chain,
                "agent" => SpanKind::Agent,
                "tool" => SpanKind::Tool,
                _ => SpanKind::Other,
            });
        }
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
    use super::{map_vocabularies, map_vocabularies_present, may_carry_ai_meaning, Vocabularies};

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
                if !may_carry_ai_meaning(span, Vocabularies::of(span)) {
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
    fn running_only_the_vocabularies_a_span_uses_changes_no_fixture_span() {
        let (mut spans, mut partial) = (0, 0);
        for (path, text) in fixture_texts() {
            let Ok((documents, _)) = crate::import::documents::read_file(&text) else { continue };
            for span in documents.iter().flat_map(|document| &document.traces).flat_map(|trace| &trace.spans) {
                if !may_carry_ai_meaning(span, Vocabularies::of(span)) {
                    continue;
                }
                let (mut some, mut all) = (span.clone(), span.clone());
                map_vocabularies(&mut some);
                map_vocabularies_present(&mut all, Vocabularies::ALL);
                assert_eq!(some, all, "{}: span {} mapped differently", path.display(), span.name);
                spans += 1;
                partial += usize::from(Vocabularies::of(span).0.count_ones() < 3);
            }
        }
        assert!(spans > 1000 && partial > 1000, "{partial} of {spans} AI spans: the test lost its fixtures");
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
            ("anthropic.request.model", "claude-sonnet-4"),
        ];
        for (key, text) in keys {
            let mut span = Span::new("s", None, "step");
            span.attributes = vec![Attribute::new(key, AttributeValue::String(text.into()))];
            let mut mapped = span.clone();
            map_vocabularies(&mut mapped);
            assert_ne!(mapped, span, "{key} means nothing to the vocabularies: pick another key");
            assert!(may_carry_ai_meaning(&span, Vocabularies::of(&span)), "a span with only {key} would be skipped");
        }
        let named = Span::new("s", None, " ai.generateText.doGenerate");
        assert!(may_carry_ai_meaning(&named, Vocabularies::of(&named)), "a Vercel AI SDK span name is enough");
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
