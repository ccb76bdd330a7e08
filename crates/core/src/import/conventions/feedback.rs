//! Feedback recorded in OpenTelemetry as span events: an event named `feedback`, `user_feedback`,
//! `user.feedback` or `gen_ai.user.feedback` whose attributes say the signal (`feedback.type`:
//! thumbs_up, thumbs_down, follow_up, abandoned, converted, score), and optionally its value,
//! name, comment and text. The events stay on their span as well.

use super::{value_f64, value_text};
use crate::model::{attribute::find, Feedback, FeedbackKind, Span};

const EVENT_NAMES: [&str; 4] = ["feedback", "user_feedback", "user.feedback", "gen_ai.user.feedback"];

fn first_text(attributes: &[crate::model::Attribute], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| find(attributes, key).and_then(value_text))
}

/// The feedback signals a span's events state.
pub fn from_events(span: &Span) -> impl Iterator<Item = Feedback> + '_ {
    span.events.iter().filter(|event| EVENT_NAMES.contains(&event.name.as_str())).filter_map(|event| {
        let attributes = &event.attributes;
        let kind = first_text(attributes, &["feedback.type", "feedback.kind", "type", "kind"])?;
        let value = ["feedback.value", "feedback.score", "value", "score"]
            .iter()
            .find_map(|key| find(attributes, key).and_then(value_f64));
        Some(Feedback {
            kind: FeedbackKind::parse(&kind),
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
}
