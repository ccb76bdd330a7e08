//! One trace reduced to what the corpus index keeps: the facts a table row, a filter, a facet or
//! an aggregate needs, read from the same model the single-trace view shows (so a trace's intent,
//! models and feedback agree in both). Summaries merge: a trace whose spans arrive in several
//! lines or files is summarised piece by piece and joined by id.

use std::collections::BTreeSet;

use super::error_template::error_template;
use super::signature::{of_one_part, signature};
use super::span_skeleton::skeleton_of;
use crate::model::readable::{answer_text, question_text};
use crate::model::{FeedbackKind, SpanKind, Trace};
use crate::view::present::is_model_call;

/// Characters kept of the user's input and the final output, for the table's previews.
pub const PREVIEW_CHARS: usize = 160;

/// Feedback signals a trace has, one bit each (see [`FEEDBACK_SIGNALS`]).
pub type FeedbackFlags = u8;

/// The signals the query language and the table know, in their bit order.
pub const FEEDBACK_SIGNALS: [(&str, FeedbackKind); 5] = [
    ("thumbs_up", FeedbackKind::ThumbsUp),
    ("thumbs_down", FeedbackKind::ThumbsDown),
    ("follow_up", FeedbackKind::FollowUp),
    ("abandoned", FeedbackKind::Abandoned),
    ("converted", FeedbackKind::Converted),
];

/// The bit of a feedback signal's name (`thumbs_down`), if it is one of [`FEEDBACK_SIGNALS`].
pub fn feedback_bit(name: &str) -> Option<FeedbackFlags> {
    FEEDBACK_SIGNALS.iter().position(|(signal, _)| *signal == name).map(|position| 1 << position)
}

/// What span-level predicates (`any span (...)`) look at, for one span.
#[derive(Clone, Debug, PartialEq)]
pub struct SpanFacts {
    pub name: String,
    pub kind: SpanKind,
    pub failed: bool,
    /// The model of a model call.
    pub model: Option<String>,
    /// The tool a tool span ran (its tool name, else its span name).
    pub tool: Option<String>,
}

/// One trace's row of the index, before it is stored in columns.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TraceSummary {
    pub trace_id: String,
    pub name: String,
    /// Whether `name` and the trace facts came from the part of the trace holding its root (a span
    /// without a parent id): a later part with the root replaces them.
    pub has_root: bool,
    pub start_ns: u64,
    pub end_ns: u64,
    pub span_count: u64,
    pub error_count: u64,
    pub intent: Option<String>,
    pub variant: Option<String>,
    pub user: Option<String>,
    pub session: Option<String>,
    pub models: BTreeSet<String>,
    pub tools: BTreeSet<String>,
    pub feedback: FeedbackFlags,
    /// Named scores (`helpfulness`: 0.8); the first value of each name.
    pub scores: Vec<(String, f64)>,
    pub tokens: u64,
    pub cost_usd: Option<f64>,
    pub documents: u64,
    pub input_preview: Option<String>,
    pub output_preview: Option<String>,
    /// The root span's attributes (but those the conventions read into fields) and the trace's own
    /// other fields, as text.
    pub attributes: Vec<(String, String)>,
    pub spans: Vec<SpanFacts>,
    /// The structural signature (see [`super::signature`]); `None` for a part without spans.
    pub signature: Option<String>,
    /// The first failed span's masked message (see [`super::error_template`]); `None` when no
    /// span failed.
    pub error_template: Option<String>,
    /// The spans' parents, failures, durations and self times (see [`super::span_skeleton`]), for
    /// the merged tree; a trace in parts keeps only its first part's, which is not used.
    pub skeleton: Vec<u8>,
}

impl TraceSummary {
    /// The summary of one imported trace (or of the part of it one line or file held).
    pub fn of(trace: &Trace) -> TraceSummary {
        let mut summary = TraceSummary {
            trace_id: trace.trace_id.clone(),
            name: trace.name.clone(),
            start_ns: trace.start_ns,
            end_ns: trace.start_ns.saturating_add(trace.duration_ns),
            span_count: trace.spans.len() as u64,
            intent: trace.intent.clone(),
            variant: trace.variant.clone(),
            user: trace.user_id.clone(),
            session: trace.session_id.clone(),
            // Previews read as words: chat-shaped JSON reduced as the trace view does.
            input_preview: trace.user_input.as_deref().map(|text| preview(&question_text(text))),
            output_preview: trace.final_output.as_deref().map(|text| preview(&answer_text(text))),
            signature: Some(signature(trace)).filter(|signature| !signature.is_empty()),
            error_template: error_template(trace),
            skeleton: skeleton_of(trace),
            ..TraceSummary::default()
        };
        let mut root = None;
        for (index, span) in trace.spans.iter().enumerate() {
            let failed = span.status.is_error();
            summary.error_count += u64::from(failed);
            if root.is_none() && span.parent.get().is_none() && span.parent_span_id.is_none() {
                root = Some(index);
            }
            let details = span.ai.as_deref();
            let model = details.and_then(|details| details.model.clone());
            let tool = (span.kind == SpanKind::Tool).then(|| {
                details.and_then(|details| details.tool.as_ref()?.name.clone()).unwrap_or_else(|| span.name.clone())
            });
            if let Some(details) = details {
                if is_model_call(span) {
                    summary.tokens = summary.tokens.saturating_add(details.tokens.total_or_sum().unwrap_or(0));
                    if let Some(cost) = details.cost_usd {
                        *summary.cost_usd.get_or_insert(0.0) += cost;
                    }
                }
                summary.documents = summary.documents.saturating_add(details.documents.len() as u64);
            }
            // A set of a few values: copied only when new, not once per span.
            for (set, value) in [(&mut summary.models, &model), (&mut summary.tools, &tool)] {
                if let Some(value) = value.as_deref().filter(|value| !set.contains(*value)) {
                    set.insert(value.to_string());
                }
            }
            summary.spans.push(SpanFacts { name: span.name.clone(), kind: span.kind, failed, model, tool });
        }
        summary.has_root = root.is_some();
        let root_attributes = root.map(|index| trace.spans[index].attributes.as_slice()).unwrap_or_default();
        // Keys the conventions read into fields (model, tokens, user, intent...) are those fields.
        let own_keys =
            root_attributes.iter().filter(|attribute| !crate::import::conventions::is_mapped_key(&attribute.key));
        for attribute in own_keys.chain(&trace.other_fields) {
            if !summary.attributes.iter().any(|(key, _)| *key == attribute.key) {
                summary.attributes.push((attribute.key.clone(), attribute.value.display()));
            }
        }
        for signal in &trace.feedback {
            if let Some(position) = FEEDBACK_SIGNALS.iter().position(|(_, kind)| *kind == signal.kind) {
                summary.feedback |= 1 << position;
            }
            if signal.kind == FeedbackKind::Score {
                let name = signal.name.clone().unwrap_or_else(|| "score".to_string());
                if let (Some(value), false) = (signal.value, summary.scores.iter().any(|(known, _)| *known == name)) {
                    summary.scores.push((name, value));
                }
            }
        }
        summary
    }

    /// Joins another part of the same trace into this one: times widen, counts add, sets join;
    /// the part holding the root gives the name and the trace facts, else the first part does.
    /// The error template is the lead part's too (the other's when the lead has none); the
    /// signature is the lead part's marked as partial (see [`super::signature`]): a signature of
    /// the whole tree would need the parts' spans joined into one tree, which summaries do not keep.
    pub fn merge(&mut self, other: TraceSummary) {
        let other_leads = other.has_root && !self.has_root;
        let (mut lead, mut rest) =
            if other_leads { (other, std::mem::take(self)) } else { (std::mem::take(self), other) };
        lead.has_root |= rest.has_root;
        if lead.name.is_empty() {
            lead.name = std::mem::take(&mut rest.name);
        }
        lead.start_ns = lead.start_ns.min(rest.start_ns);
        lead.end_ns = lead.end_ns.max(rest.end_ns);
        lead.span_count = lead.span_count.saturating_add(rest.span_count);
        lead.error_count = lead.error_count.saturating_add(rest.error_count);
        for (slot, value) in [
            (&mut lead.intent, rest.intent),
            (&mut lead.variant, rest.variant),
            (&mut lead.user, rest.user),
            (&mut lead.session, rest.session),
            (&mut lead.input_preview, rest.input_preview),
            (&mut lead.output_preview, rest.output_preview),
            (&mut lead.signature, rest.signature),
            (&mut lead.error_template, rest.error_template),
        ] {
            if slot.is_none() {
                *slot = value;
            }
        }
        lead.models.extend(rest.models);
        lead.tools.extend(rest.tools);
        lead.feedback |= rest.feedback;
        for (name, value) in rest.scores {
            if !lead.scores.iter().any(|(known, _)| *known == name) {
                lead.scores.push((name, value));
            }
        }
        lead.tokens = lead.tokens.saturating_add(rest.tokens);
        lead.cost_usd = match (lead.cost_usd, rest.cost_usd) {
            (Some(left), Some(right)) => Some(left + right),
            (left, right) => left.or(right),
        };
        lead.documents = lead.documents.saturating_add(rest.documents);
        for (key, value) in rest.attributes {
            if !lead.attributes.iter().any(|(known, _)| *known == key) {
                lead.attributes.push((key, value));
            }
        }
        lead.spans.extend(rest.spans);
        lead.signature = lead.signature.as_deref().map(of_one_part);
        *self = lead;
    }

    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }
}

/// The first [`PREVIEW_CHARS`] characters of a text on one line (runs of white space as one space).
pub fn preview(text: &str) -> String {
    let mut preview = String::with_capacity(text.len().min(PREVIEW_CHARS * 2));
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > 0 {
            preview.push(' ');
            count += 1;
        }
        for character in word.chars() {
            if count >= PREVIEW_CHARS {
                preview.push('…');
                return preview;
            }
            preview.push(character);
            count += 1;
        }
    }
    preview
}
