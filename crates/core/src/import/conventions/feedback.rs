//! Feedback recorded in OpenTelemetry as span events: an event named `feedback`, `user_feedback`,
//! `user.feedback` or `gen_ai.user.feedback` whose attributes say the signal (`feedback.type`:
//! thumbs_up, thumbs_down, follow_up, abandoned, converted, score), and optionally its value,
//! name, comment and text; without a type, a `thumbs` / `rating` of up or down, or a bare score.
//! And the GenAI evaluation event (`gen_ai.evaluation.result`: `gen_ai.evaluation.name`,
//! `.score.value`, `.score.label`, `.explanation`), on a span or as a log record attached to it.
//! The events stay on their span as well.

use super::{value_f64, value_text};
use crate::model::{attribute::find, Feedback, FeedbackKind, Span};

const EVENT_NAMES: [&str; 4] = ["feedback", "user_feedback", "user.feedback", "gen_ai.user.feedback"];

fn first_text(attributes: &[crate::model::Attribute], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| find(attributes, key).and_then(value_text))
}

/// The GenAI semantic conventions' evaluation event.
const EVALUATION_EVENT: &str = "gen_ai.evaluation.result";

/// The feedback signals a span's events state.
pub fn from_events(span: &Span) -> impl Iterator<Item = Feedback> + '_ {
    span.events.iter().filter_map(|event| {
        let attributes = &event.attributes;
        if event.name == EVALUATION_EVENT {
            return Some(Feedback {
                kind: FeedbackKind::Score,
                name: first_text(attributes, &["gen_ai.evaluation.name"]),
                value: find(attributes, "gen_ai.evaluation.score.value").and_then(value_f64),
                comment: first_text(attributes, &["gen_ai.evaluation.explanation"]),
                text: first_text(attributes, &["gen_ai.evaluation.score.label"]),
                time_ns: event.time_ns,
                span_id: Some(span.span_id.clone()),
            });
        }
        if !EVENT_NAMES.contains(&event.name.as_str()) {
            return None;
        }
        let value = ["feedback.value", "feedback.score", "value", "score"]
            .iter()
            .find_map(|key| find(attributes, key).and_then(value_f64));
        let kind = match first_text(attributes, &["feedback.type", "feedback.kind", "type", "kind"]) {
            Some(kind) => FeedbackKind::parse(&kind),
            None => match first_text(attributes, &["thumbs", "feedback.thumbs", "rating"])
                .map(|text| text.to_ascii_lowercase())
            {
                Some(thumbs) if matches!(thumbs.as_str(), "up" | "thumbs_up" | "positive" | "1" | "true") => {
                    FeedbackKind::ThumbsUp
                }
                Some(thumbs)
                    if matches!(thumbs.as_str(), "down" | "thumbs_down" | "negative" | "0" | "-1" | "false") =>
                {
                    FeedbackKind::ThumbsDown
                }
                _ if value.is_some() => FeedbackKind::Score,
                _ => return None,
            },
        };
        Some(Feedback {
            kind,
            name: first_text(attributes, &["feedback.name", "name"]),
            value,
            comment: first_text(attributes, &["feedback.comment", "comment"]),
            text: first_text(attributes, &["feedback.text", "text"]),
            time_ns: event.time_ns,
            span_id: Some(span.span_id.clone()),
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::import::import_text;
    use crate::model::FeedbackKind;

    #[test]
    fn feedback_events_become_the_trace_s_signals_and_stay_on_the_span() {
        let event = |name: &str, kind: &str| {
            format!(
                r#"{{"timeUnixNano":"2000","name":"{name}","attributes":[{{"key":"feedback.type","value":{{"stringValue":"{kind}"}}}},{{"key":"feedback.value","value":{{"doubleValue":0.25}}}},{{"key":"feedback.name","value":{{"stringValue":"helpfulness"}}}}]}}"#
            )
        };
        let text = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"01","spanId":"02","name":"agent","startTimeUnixNano":"1000","endTimeUnixNano":"3000","events":[{},{},{}]}}]}}]}}]}}"#,
            event("user_feedback", "thumbs-down"),
            event("gen_ai.user.feedback", "score"),
            event("exception", "thumbs_up"),
        );
        let set = import_text(&text, None).unwrap();
        let trace = &set.traces[0];
        let kinds: Vec<&FeedbackKind> = trace.feedback.iter().map(|signal| &signal.kind).collect();
        assert_eq!(kinds, [&FeedbackKind::ThumbsDown, &FeedbackKind::Score]);
        assert_eq!(trace.feedback[1].value, Some(0.25));
        assert_eq!(trace.feedback[1].name.as_deref(), Some("helpfulness"));
        assert_eq!(trace.feedback[0].span_id.as_deref(), Some(trace.spans[0].span_id.as_str()));
        assert_eq!(trace.spans[0].events.len(), 3, "the events stay on the span");
    }

    #[test]
    fn the_genai_evaluation_event_and_thumbs_without_a_type_are_feedback_too() {
        let attribute = |key: &str, value: &str| format!(r#"{{"key":"{key}","value":{value}}}"#);
        let evaluation = format!(
            r#"{{"timeUnixNano":"2500","name":"gen_ai.evaluation.result","attributes":[{},{},{},{}]}}"#,
            attribute("gen_ai.evaluation.name", r#"{"stringValue":"relevance"}"#),
            attribute("gen_ai.evaluation.score.value", r#"{"doubleValue":0.82}"#),
            attribute("gen_ai.evaluation.score.label", r#"{"stringValue":"relevant"}"#),
            attribute("gen_ai.evaluation.explanation", r#"{"stringValue":"answers the refund question"}"#),
        );
        let thumbs = format!(
            r#"{{"timeUnixNano":"2600","name":"user_feedback","attributes":[{},{}]}}"#,
            attribute("thumbs", r#"{"stringValue":"down"}"#),
            attribute("comment", r#"{"stringValue":"too slow"}"#),
        );
        let nothing = r#"{"timeUnixNano":"2700","name":"feedback","attributes":[]}"#;
        let text = format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"01","spanId":"02","name":"chat","startTimeUnixNano":"1000","endTimeUnixNano":"3000","events":[{evaluation},{thumbs},{nothing}]}}]}}]}}]}}"#
        );
        let set = import_text(&text, None).unwrap();
        let feedback = &set.traces[0].feedback;
        assert_eq!(feedback.len(), 2, "an event that states no signal is not one: {feedback:?}");
        assert_eq!(feedback[0].kind, FeedbackKind::Score);
        assert_eq!((feedback[0].name.as_deref(), feedback[0].value), (Some("relevance"), Some(0.82)));
        assert_eq!(feedback[0].text.as_deref(), Some("relevant"));
        assert_eq!(feedback[0].comment.as_deref(), Some("answers the refund question"));
        assert_eq!(feedback[1].kind, FeedbackKind::ThumbsDown);
        assert_eq!(feedback[1].comment.as_deref(), Some("too slow"));
    }
}
