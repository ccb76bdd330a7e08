//! The trace's facts (user, session, intent, variant, the user's input and the final output)
//! gathered from its spans, for sources that do not state them at trace level. The pipeline shows
//! each span to [`TraceFacts::observe`] in the same pass that maps its conventions, so a million
//! spans are walked once, not five times.

use super::{fill, value_text};
use crate::model::{attribute::find, Span, SpanKind, Trace};

const USER: &[&str] = &[
    "user.id",
    "enduser.id",
    "langfuse.user.id",
    "ai.telemetry.metadata.userId",
    "traceloop.association.properties.user_id",
];
const SESSION: &[&str] = &[
    "session.id",
    "gen_ai.conversation.id",
    "langfuse.session.id",
    "ai.telemetry.metadata.sessionId",
    "traceloop.association.properties.session_id",
];
const INTENT: &[&str] = &["intent", "user.intent", "app.intent", "gen_ai.intent"];
const VARIANT: &[&str] = &["experiment.variant", "variant", "ab.variant", "feature_flag.variant"];
const GROUPS: [&[&str]; 4] = [USER, SESSION, INTENT, VARIANT];

pub fn is_fact_key(key: &str) -> bool {
    matches!(
        key,
        "user.id"
            | "enduser.id"
            | "langfuse.user.id"
            | "ai.telemetry.metadata.userId"
            | "traceloop.association.properties.user_id"
            | "traceloop.association.properties.session_id"
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
}

/// What the spans seen so far say about their trace.
#[derive(Default)]
pub struct TraceFacts {
    /// User, session, intent and variant: the first span to carry one of a group's keys gives it.
    found: [Option<String>; 4],
    /// The AI input and output of the first root span (no parent id) that has one.
    root_input: Option<String>,
    root_output: Option<String>,
    /// Model calls as (start, position in the span list), for the first question and last answer.
    models: Vec<(u64, usize)>,
    /// Feedback stated as span events (see `feedback.rs`).
    feedback: Vec<crate::model::Feedback>,
}

impl TraceFacts {
    /// Takes in span `position` of the trace's span list (after its conventions are mapped).
    pub fn observe(&mut self, position: usize, span: &Span) {
        if self.found.iter().any(Option::is_none) && span.attributes.iter().any(|attribute| is_fact_key(&attribute.key))
        {
            for (slot, keys) in self.found.iter_mut().zip(GROUPS) {
                if slot.is_none() {
                    *slot = keys.iter().find_map(|key| find(&span.attributes, key).and_then(value_text));
                }
            }
        }
        if span.parent_span_id.is_none() {
            if let Some(details) = span.ai.as_deref() {
                fill(&mut self.root_input, details.input.clone());
                fill(&mut self.root_output, details.output.clone());
            }
        }
        if span.kind == SpanKind::Llm {
            self.models.push((span.start_ns, position));
        }
        if !span.events.is_empty() {
            self.feedback.extend(super::feedback::from_events(span));
        }
    }

    /// Fills the trace's empty facts; `spans` is the list the positions given to `observe` index.
    pub fn fill(mut self, trace: &mut Trace, spans: &[Span]) {
        let [user, session, intent, variant] = self.found;
        fill(&mut trace.user_id, user);
        fill(&mut trace.session_id, session);
        fill(&mut trace.intent, intent);
        fill(&mut trace.variant, variant);
        // A signal the trace states already (an export of ours writes both) is not added twice.
        for signal in self.feedback {
            if !trace.feedback.contains(&signal) {
                trace.feedback.push(signal);
            }
        }
        // The root's own input and output first; else the first model call's last user message
        // and the last model call's last message.
        self.models.sort_by_key(|&(start, _)| start);
        let models = || self.models.iter().map(|&(_, position)| &spans[position]);
        fill(&mut trace.user_input, self.root_input);
        fill(
            &mut trace.user_input,
            models().find_map(|span| {
                let messages = span.ai.as_deref()?.input_messages.read(&span.attributes);
                messages.iter().rev().find(|message| message.role == "user").map(|message| message.content.clone())
            }),
        );
        fill(&mut trace.final_output, self.root_output);
        fill(
            &mut trace.final_output,
            models().rev().find_map(|span| {
                let messages = span.ai.as_deref()?.output_messages.read(&span.attributes);
                let last = messages.last()?;
                (!last.content.is_empty()).then(|| last.content.clone())
            }),
        );
    }
}
