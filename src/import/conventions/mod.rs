//! AI meaning from attribute maps, whatever the source. Each vocabulary has its own file and reads
//! a span's attributes (and events) in one pass, filling only what is still empty in the span's
//! `AiDetails`: importers that know better (Langfuse, LangSmith) set fields first. Raw attributes
//! are never changed.
//!
//! - `genai`: OpenTelemetry GenAI (`gen_ai.*` attributes and events, old and new message capture)
//! - `openinference`: OpenInference (`openinference.span.kind`, `llm.*`, `retrieval.*`, `input.value`...)
//! - `vercel`: Vercel AI SDK (`ai.*`) and OpenLLMetry (`traceloop.*`, `llm.usage.*`)

mod genai;
pub mod json_text;
pub mod messages;
mod openinference;
mod vercel;

use crate::model::{attribute::find, AiDetails, Attribute, AttributeValue, Span, SpanKind, ToolRun, Trace};

/// Maps one span: its kind (when the importer left it `Other`) and its AI details.
pub fn apply(span: &mut Span) {
    if span.kind == SpanKind::Other {
        if let Some(kind) = kind_from_attributes(&span.attributes).or_else(|| vercel::kind_from_name(&span.name)) {
            span.kind = kind;
        }
    }
    let mut details = span.ai.take().map(|details| *details).unwrap_or_default();
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
    if let Some(kind) = text("openinference.span.kind") {
        return Some(openinference::kind(kind));
    }
    if let Some(operation) = text("gen_ai.operation.name") {
        return Some(genai::kind(operation));
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

/// The trace's facts (user, session, intent, variant, input, output) from its spans where the
/// source did not state them at trace level.
pub fn fill_trace_facts(trace: &mut Trace, spans: &[Span]) {
    fn details(span: &Span) -> Option<&AiDetails> {
        span.ai.as_deref()
    }
    // One pass over the spans; per span, the fact keys are looked up only when one is present.
    const USER: &[&str] = &["user.id", "enduser.id", "langfuse.user.id", "ai.telemetry.metadata.userId"];
    const SESSION: &[&str] =
        &["session.id", "gen_ai.conversation.id", "langfuse.session.id", "ai.telemetry.metadata.sessionId"];
    const INTENT: &[&str] = &["intent", "user.intent", "app.intent", "gen_ai.intent"];
    const VARIANT: &[&str] = &["experiment.variant", "variant", "ab.variant", "feature_flag.variant"];
    const GROUPS: [&[&str]; 4] = [USER, SESSION, INTENT, VARIANT];
    let is_fact_key = |key: &str| {
        matches!(
            key,
            "user.id"
                | "enduser.id"
                | "langfuse.user.id"
                | "ai.telemetry.metadata.userId"
                | "session.id"
                | "gen_ai.conversation.id"
                | "langfuse.session.id"
                | "ai.telemetry.metadata.sessionId"
                | "intent"
                | "user.intent"
                | "app.intent"
                | "gen_ai.intent"
                | "experiment.variant"
                | "variant"
                | "ab.variant"
                | "feature_flag.variant"
        )
    };
    let mut found: [Option<String>; 4] = Default::default();
    for span in spans {
        if found.iter().all(Option::is_some) {
            break;
        }
        if !span.attributes.iter().any(|attribute| is_fact_key(&attribute.key)) {
            continue;
        }
        for (slot, keys) in found.iter_mut().zip(GROUPS) {
            if slot.is_none() {
                *slot = keys.iter().find_map(|key| find(&span.attributes, key).and_then(value_text));
            }
        }
    }
    let [user, session, intent, variant] = found;
    fill(&mut trace.user_id, user);
    fill(&mut trace.session_id, session);
    fill(&mut trace.intent, intent);
    fill(&mut trace.variant, variant);

    let roots = || spans.iter().filter(|span| span.parent_span_id.is_none());
    fill(&mut trace.user_input, roots().find_map(|span| details(span)?.input.clone()));
    let mut models: Vec<&Span> = spans.iter().filter(|span| span.kind == SpanKind::Llm).collect();
    models.sort_by_key(|span| span.start_ns);
    fill(
        &mut trace.user_input,
        models.iter().find_map(|span| {
            let messages = details(span)?.input_messages.read(&span.attributes);
            messages.iter().rev().find(|message| message.role == "user").map(|message| message.content.clone())
        }),
    );
    fill(&mut trace.final_output, roots().find_map(|span| details(span)?.output.clone()));
    fill(
        &mut trace.final_output,
        models.iter().rev().find_map(|span| {
            let messages = details(span)?.output_messages.read(&span.attributes);
            let last = messages.last()?;
            (!last.content.is_empty()).then(|| last.content.clone())
        }),
    );
}

/// Used by mappers: AI details of a span, for tests.
#[cfg(test)]
pub fn details_of(attributes: Vec<Attribute>) -> (SpanKind, AiDetails) {
    let mut span = Span::new("s", None, "s");
    span.attributes = attributes;
    apply(&mut span);
    (span.kind, span.ai.map(|details| details.with_messages_read(&span.attributes).into_owned()).unwrap_or_default())
}
