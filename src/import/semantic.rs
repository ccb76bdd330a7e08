//! AI meaning from attribute maps, whatever the source: which kind of step a span is
//! (OpenTelemetry GenAI, OpenInference, OpenLLMetry vocabularies) and trace-level facts such as
//! user, session and intent. Importers call this after they have read a span's attributes.

use crate::model::{attribute::find, Attribute, Span, SpanKind, Trace};

/// The AI kind of a span from its attributes, or `None` when nothing says.
pub fn kind_from_attributes(attributes: &[Attribute]) -> Option<SpanKind> {
    let text = |key: &str| find(attributes, key).and_then(|value| value.as_str());
    if let Some(kind) = text("openinference.span.kind") {
        return Some(match kind.to_ascii_uppercase().as_str() {
            "LLM" => SpanKind::Llm,
            "TOOL" => SpanKind::Tool,
            "RETRIEVER" | "RERANKER" => SpanKind::Retrieval,
            "EMBEDDING" => SpanKind::Embedding,
            "AGENT" => SpanKind::Agent,
            "CHAIN" => SpanKind::Chain,
            "GUARDRAIL" => SpanKind::Guardrail,
            _ => SpanKind::Other,
        });
    }
    if let Some(operation) = text("gen_ai.operation.name") {
        return Some(match operation {
            "chat" | "text_completion" | "generate_content" => SpanKind::Llm,
            "embeddings" => SpanKind::Embedding,
            "execute_tool" => SpanKind::Tool,
            "invoke_agent" | "create_agent" => SpanKind::Agent,
            other => SpanKind::parse(other).unwrap_or(SpanKind::Other),
        });
    }
    if let Some(kind) = text("traceloop.span.kind") {
        return Some(match kind {
            "workflow" | "task" => SpanKind::Chain,
            "agent" => SpanKind::Agent,
            "tool" => SpanKind::Tool,
            _ => SpanKind::Other,
        });
    }
    let has_model = ["gen_ai.request.model", "gen_ai.system", "gen_ai.provider.name", "llm.model_name"]
        .iter()
        .any(|key| find(attributes, key).is_some());
    has_model.then_some(SpanKind::Llm)
}

/// Fills the trace's user, session and intent from the first span that names them.
pub fn fill_trace_facts(trace: &mut Trace, spans: &[Span]) {
    let first = |keys: &[&str]| {
        spans
            .iter()
            .find_map(|span| keys.iter().find_map(|key| find(&span.attributes, key).map(|value| value.display())))
    };
    if trace.user_id.is_none() {
        trace.user_id = first(&["user.id", "enduser.id", "langfuse.user.id"]);
    }
    if trace.session_id.is_none() {
        trace.session_id = first(&["session.id", "gen_ai.conversation.id", "langfuse.session.id"]);
    }
    if trace.intent.is_none() {
        trace.intent = first(&["intent", "user.intent", "app.intent"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AttributeValue;

    fn attributes(pairs: &[(&str, &str)]) -> Vec<Attribute> {
        pairs.iter().map(|(key, value)| Attribute::new(*key, AttributeValue::String(value.to_string()))).collect()
    }

    #[test]
    fn reads_each_vocabulary() {
        assert_eq!(
            kind_from_attributes(&attributes(&[("openinference.span.kind", "RETRIEVER")])),
            Some(SpanKind::Retrieval)
        );
        assert_eq!(
            kind_from_attributes(&attributes(&[("gen_ai.operation.name", "execute_tool")])),
            Some(SpanKind::Tool)
        );
        assert_eq!(kind_from_attributes(&attributes(&[("gen_ai.request.model", "gpt-4o")])), Some(SpanKind::Llm));
        assert_eq!(kind_from_attributes(&attributes(&[("traceloop.span.kind", "workflow")])), Some(SpanKind::Chain));
        assert_eq!(kind_from_attributes(&attributes(&[("http.method", "GET")])), None);
    }
}
