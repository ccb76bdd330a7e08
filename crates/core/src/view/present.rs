//! How the viewer writes a span's kind, its key facts, token counts and costs: one definition of
//! each, used by the row, the header, the detail panel and the trace list alike.

use crate::model::{format_count, AiDetails, Feedback, FeedbackKind, Span, SpanKind, Trace};

/// The short label of a kind on a row's chip.
pub fn kind_label(kind: SpanKind) -> &'static str {
    match kind {
        SpanKind::Llm => "LLM",
        SpanKind::Tool => "TOOL",
        SpanKind::Retrieval => "RETRIEVE",
        SpanKind::Agent => "AGENT",
        SpanKind::Chain => "CHAIN",
        SpanKind::Embedding => "EMBED",
        SpanKind::Guardrail => "GUARD",
        SpanKind::Other => "SPAN",
    }
}

/// Whether a span is a model call (LLM or embedding): token and cost totals count these only,
/// since agents and chains often repeat their children's sums.
pub fn is_model_call(span: &Span) -> bool {
    matches!(span.kind, SpanKind::Llm | SpanKind::Embedding)
}

/// Tokens over a trace's model calls (the header's figure comes from the digest's single pass,
/// which counts the same spans; see `analysis::digest`).
pub fn model_call_tokens(trace: &Trace) -> u64 {
    trace
        .spans
        .iter()
        .filter(|span| is_model_call(span))
        .filter_map(|span| span.ai.as_deref()?.tokens.total_or_sum())
        .fold(0, u64::saturating_add)
}

/// A cost in US dollars, rounded to a millionth of a dollar (sums of many small costs carry
/// float noise such as 0.30000000000000004): `$0.0123`, `$2`, `$0`.
pub fn format_cost_usd(cost_usd: f64) -> String {
    let rounded = (cost_usd * 1e6).round() / 1e6;
    // `+ 0.0` turns -0 into 0.
    format!("${}", rounded + 0.0)
}

/// Key facts worth reading without opening the span: the model, the tool, the number of
/// documents and the tokens (`gpt-4o · 3 docs · 1,234 tok`); `None` when there are none.
pub fn inline_facts(span: &Span) -> Option<String> {
    let details = span.ai.as_deref()?;
    let mut parts: Vec<String> = Vec::new();
    if let Some(model) = &details.model {
        parts.push(model.clone());
    }
    if let Some(name) = details.tool.as_ref().and_then(|tool| tool.name.clone()) {
        parts.push(name);
    }
    if !details.documents.is_empty() {
        parts.push(if details.documents.len() == 1 {
            "1 doc".to_string()
        } else {
            format!("{} docs", details.documents.len())
        });
    }
    if let Some(total) = details.tokens.total_or_sum() {
        parts.push(format!("{} tok", format_count(total)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The usage line of the detail panel: each known token count and the cost
/// (`1,200 in · 85 out · 1,285 total · $0.0042`); `None` when nothing is known.
pub fn usage_line(details: &AiDetails) -> Option<String> {
    let tokens = &details.tokens;
    let counts = [
        ("in", tokens.input),
        ("out", tokens.output),
        ("total", tokens.total_or_sum()),
        ("cached", tokens.cached),
        ("reasoning", tokens.reasoning),
    ];
    let mut parts: Vec<String> = counts
        .iter()
        .filter_map(|(label, value)| value.map(|value| format!("{} {label}", format_count(value))))
        .collect();
    if let Some(cost) = details.cost_usd {
        parts.push(format_cost_usd(cost));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// A feedback signal as the header's badge writes it: its kind, after its name when the name says
/// more than the kind (`helpfulness: score 0.8`, but `thumbs up` for MLflow's `thumbs_up`
/// assessment), then its value.
pub fn feedback_badge(signal: &Feedback) -> String {
    let mut text = signal.kind.label().to_string();
    if let Some(name) = signal.name.as_deref().filter(|name| FeedbackKind::parse(name) != signal.kind) {
        text = format!("{name}: {text}");
    }
    if let Some(value) = signal.value {
        text.push(' ');
        text.push_str(&crate::model::AttributeValue::Double(value).display());
    }
    text
}

/// Whether a feedback signal reads as good or bad for the answer, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    /// Not known: a number without the source's threshold, a follow-up, a label we cannot read.
    Neutral,
}

impl Tone {
    pub fn as_str(self) -> &'static str {
        match self {
            Tone::Good => "good",
            Tone::Bad => "bad",
            Tone::Neutral => "neutral",
        }
    }
}

/// The tone of a signal: thumbs, conversion and abandonment say it themselves; a score only when
/// its label does (`pass`, `fail`, `correct`, `hallucinated`, `yes`, `no`...). A number alone stays
/// neutral: without the source's threshold, 0.4 may be good or bad.
pub fn feedback_tone(signal: &Feedback) -> Tone {
    match &signal.kind {
        FeedbackKind::ThumbsUp | FeedbackKind::Converted => Tone::Good,
        FeedbackKind::ThumbsDown | FeedbackKind::Abandoned => Tone::Bad,
        FeedbackKind::FollowUp => Tone::Neutral,
        FeedbackKind::Score | FeedbackKind::Other(_) => signal.text.as_deref().map_or(Tone::Neutral, label_tone),
    }
}

fn label_tone(label: &str) -> Tone {
    const GOOD: [&str; 12] = [
        "pass", "passed", "yes", "true", "correct", "good", "relevant", "grounded", "faithful", "safe", "helpful",
        "accurate",
    ];
    const BAD: [&str; 14] = [
        "fail",
        "failed",
        "no",
        "false",
        "incorrect",
        "bad",
        "irrelevant",
        "hallucinated",
        "hallucination",
        "unsafe",
        "toxic",
        "unhelpful",
        "inaccurate",
        "ungrounded",
    ];
    let label = label.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    if GOOD.contains(&label.as_str()) {
        Tone::Good
    } else if BAD.contains(&label.as_str()) {
        Tone::Bad
    } else {
        Tone::Neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TokenUsage;

    #[test]
    fn feedback_is_coloured_only_where_its_direction_is_known() {
        let signal = |kind: FeedbackKind, value: Option<f64>, text: Option<&str>| Feedback {
            kind,
            name: Some("correctness".into()),
            value,
            comment: None,
            text: text.map(String::from),
            time_ns: None,
            span_id: None,
        };
        assert_eq!(feedback_tone(&signal(FeedbackKind::ThumbsUp, None, None)), Tone::Good);
        assert_eq!(feedback_tone(&signal(FeedbackKind::Abandoned, None, None)), Tone::Bad);
        assert_eq!(feedback_tone(&signal(FeedbackKind::Score, Some(0.2), None)), Tone::Neutral);
        assert_eq!(feedback_tone(&signal(FeedbackKind::Score, Some(0.0), Some("Hallucinated"))), Tone::Bad);
        assert_eq!(feedback_tone(&signal(FeedbackKind::Score, Some(1.0), Some("pass"))), Tone::Good);
        assert_eq!(feedback_tone(&signal(FeedbackKind::Score, None, Some("partially"))), Tone::Neutral);
    }

    #[test]
    fn costs_are_rounded_to_a_millionth_of_a_dollar_everywhere() {
        assert_eq!(format_cost_usd(0.1 + 0.2), "$0.3");
        assert_eq!(format_cost_usd(0.0123), "$0.0123");
        assert_eq!(format_cost_usd(2.0), "$2");
        assert_eq!(format_cost_usd(0.000_000_4), "$0");
        assert_eq!(format_cost_usd(-0.000_000_4), "$0");
        assert_eq!(format_cost_usd(12.345_678_9), "$12.345679");
    }

    #[test]
    fn the_usage_line_lists_what_is_known_and_the_rounded_cost() {
        let details = AiDetails {
            tokens: TokenUsage { input: Some(1_200), output: Some(85), ..TokenUsage::default() },
            cost_usd: Some(0.1 + 0.2),
            ..AiDetails::default()
        };
        assert_eq!(usage_line(&details).as_deref(), Some("1,200 in · 85 out · 1,285 total · $0.3"));
        assert_eq!(usage_line(&AiDetails::default()), None);
    }

    #[test]
    fn model_call_tokens_count_llm_and_embedding_spans_only() {
        let set = crate::import::import_text(&crate::generate::otlp_trace(300), None).expect("imports");
        let trace = &set.traces[0];
        let expected: u64 = trace
            .spans
            .iter()
            .filter(|span| matches!(span.kind, SpanKind::Llm | SpanKind::Embedding))
            .filter_map(|span| span.ai.as_ref()?.tokens.total_or_sum())
            .sum();
        assert!(expected > 0);
        assert_eq!(model_call_tokens(trace), expected);
        assert_eq!(crate::analysis::digest(trace).model_tokens, expected, "the header's figure counts the same spans");
    }

    #[test]
    fn kinds_have_short_labels() {
        assert_eq!(kind_label(SpanKind::Retrieval), "RETRIEVE");
        assert_eq!(kind_label(SpanKind::Other), "SPAN");
    }

    #[test]
    fn a_feedback_badge_names_its_signal_only_when_the_name_adds_something() {
        let signal = |kind: FeedbackKind, name: Option<&str>, value: Option<f64>| Feedback {
            kind,
            name: name.map(str::to_string),
            value,
            comment: None,
            text: None,
            time_ns: None,
            span_id: None,
        };
        assert_eq!(feedback_badge(&signal(FeedbackKind::ThumbsUp, Some("thumbs_up"), None)), "thumbs up");
        assert_eq!(feedback_badge(&signal(FeedbackKind::ThumbsDown, Some("Thumbs Down"), None)), "thumbs down");
        assert_eq!(
            feedback_badge(&signal(FeedbackKind::ThumbsUp, Some("user_rating"), None)),
            "user_rating: thumbs up"
        );
        assert_eq!(
            feedback_badge(&signal(FeedbackKind::Score, Some("helpfulness"), Some(0.8))),
            "helpfulness: score 0.8"
        );
        assert_eq!(feedback_badge(&signal(FeedbackKind::Other("flag".into()), Some("flag"), None)), "flag");
    }
}
