//! The best words a failed span has for what went wrong, so an error box is never empty: the
//! status message, else an exception event's type and message (OpenTelemetry's `exception`
//! event), else error attributes (`exception.*`, `error.message`, `error.msg`, `error.type`,
//! `error`), else an error log attached to the span (a severity of ERROR or worse, or a Jaeger
//! log whose `event` is `error`). Where the status and an exception event both speak and the
//! status does not already say what the exception says ("An error occurred" beside "redis
//! timeout"), both are shown, the exception first.

use crate::model::{Attribute, AttributeValue, Span, SpanEvent, SpanStatus};

/// Where the message came from, shown beside it so a reader knows what they are looking at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorMessage {
    pub text: String,
    /// `status`, `exception event`, `attribute error.type`, `log`...
    pub source: String,
}

/// What a failed span says about its failure; `None` for a span that did not fail or says
/// nothing at all about it.
pub fn best_error_message(span: &Span) -> Option<ErrorMessage> {
    if !span.status.is_error() {
        return None;
    }
    let exception =
        span.events.iter().find(|event| event.name == "exception").and_then(|event| exception_text(&event.attributes));
    let status = match &span.status {
        SpanStatus::Error { message: Some(message) } if !message.trim().is_empty() => Some(message.trim()),
        _ => None,
    };
    match (status, exception) {
        // "An error occurred" says less than the exception's "redis timeout": both, the exception first.
        (Some(status), Some(exception)) if !status.contains(exception_message(&exception)) => {
            Some(ErrorMessage { text: format!("{exception}\n{status}"), source: "exception event and status".into() })
        }
        (Some(status), _) => {
            let mut text = status.to_string();
            // A status message "timed out" says less than "TimeoutError: timed out".
            if let Some(kind) = first_text(&span.attributes, &TYPE_KEYS).filter(|kind| !text.contains(kind.as_str())) {
                text = format!("{kind}: {text}");
            }
            Some(ErrorMessage { text, source: "status".into() })
        }
        (None, Some(text)) => Some(ErrorMessage { text, source: "exception event".into() }),
        (None, None) => exception_text(&span.attributes)
            .map(|text| ErrorMessage { text, source: "span attributes".into() })
            .or_else(|| {
                span.events.iter().find(|event| is_error_log(event)).and_then(|event| {
                    log_text(event).map(|text| ErrorMessage { text, source: format!("log “{}”", event.name) })
                })
            }),
    }
}

/// The message part of `Type: message` (all of it when there is no type).
fn exception_message(text: &str) -> &str {
    text.split_once(": ").map_or(text, |(_, message)| message)
}

const MESSAGE_KEYS: [&str; 5] = ["exception.message", "error.message", "error.msg", "message", "error"];
const TYPE_KEYS: [&str; 4] = ["exception.type", "error.type", "error.kind", "error.object"];

/// `Type: message` from exception or error attributes, or either alone.
fn exception_text(attributes: &[Attribute]) -> Option<String> {
    let message = first_text(attributes, &MESSAGE_KEYS);
    let kind = first_text(attributes, &TYPE_KEYS);
    match (kind, message) {
        (Some(kind), Some(message)) if message.contains(kind.as_str()) => Some(message),
        (Some(kind), Some(message)) => Some(format!("{kind}: {message}")),
        (kind, message) => message.or(kind),
    }
}

/// The first of `keys` that holds text (a boolean `error: true` says nothing).
fn first_text(attributes: &[Attribute], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| {
        let value = attributes.iter().find(|attribute| attribute.key == *key)?;
        match &value.value {
            AttributeValue::Bool(_) => None,
            other => Some(other.text().trim().to_string()).filter(|text| !text.is_empty()),
        }
    })
}

fn is_error_log(event: &SpanEvent) -> bool {
    let severe = |text: &str| {
        let text = text.to_ascii_uppercase();
        text.starts_with("ERROR") || text.starts_with("FATAL") || text.starts_with("CRITICAL")
    };
    severe(&event.name)
        || first_text(&event.attributes, &["severity", "level", "log.level"]).is_some_and(|level| severe(&level))
        || first_text(&event.attributes, &["event"]).is_some_and(|name| name.eq_ignore_ascii_case("error"))
}

fn log_text(event: &SpanEvent) -> Option<String> {
    exception_text(&event.attributes).or_else(|| first_text(&event.attributes, &["body", "log.message", "msg"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(message: Option<&str>) -> Span {
        let mut span = Span::new("s", None, "s");
        span.status = SpanStatus::Error { message: message.map(String::from) };
        span
    }

    fn event(name: &str, attributes: &[(&str, &str)]) -> SpanEvent {
        SpanEvent {
            name: name.into(),
            time_ns: None,
            attributes: attributes
                .iter()
                .map(|(key, value)| Attribute::new(*key, AttributeValue::String((*value).into())))
                .collect(),
        }
    }

    #[test]
    fn a_span_that_did_not_fail_has_no_message() {
        assert_eq!(best_error_message(&Span::new("s", None, "s")), None);
    }

    #[test]
    fn the_exception_event_speaks_when_the_status_is_silent() {
        let mut span = failed(None);
        span.events
            .push(event("exception", &[("exception.type", "RedisTimeout"), ("exception.message", "redis timeout")]));
        let message = best_error_message(&span).unwrap();
        assert_eq!(message.text, "RedisTimeout: redis timeout");
        assert_eq!(message.source, "exception event");
    }

    #[test]
    fn a_generic_status_message_comes_after_the_exception_that_explains_it() {
        // Jaeger's HotROD: status "An error occurred", the exception event "redis timeout".
        let mut span = failed(Some("An error occurred"));
        span.events.push(event(
            "exception",
            &[("exception.message", "redis timeout"), ("exception.type", "*errors.errorString")],
        ));
        let message = best_error_message(&span).unwrap();
        assert_eq!(message.text, "*errors.errorString: redis timeout\nAn error occurred");
        assert_eq!(message.source, "exception event and status");
        // A status message that already says what the exception says stands alone.
        let mut same = failed(Some("TimeoutError: timed out"));
        same.events.push(event("exception", &[("exception.type", "TimeoutError"), ("exception.message", "timed out")]));
        assert_eq!(best_error_message(&same).unwrap().text, "TimeoutError: timed out");
        // An error type attribute names a bare status message.
        let mut typed = failed(Some("timed out after 30s"));
        typed.attributes.push(Attribute::new("error.type", AttributeValue::String("TimeoutError".into())));
        assert_eq!(best_error_message(&typed).unwrap().text, "TimeoutError: timed out after 30s");
    }

    #[test]
    fn error_attributes_and_error_logs_are_the_last_resorts() {
        let mut span = failed(Some("  "));
        span.attributes.push(Attribute::new("error.type", AttributeValue::String("rate_limited".into())));
        span.attributes.push(Attribute::new("error", AttributeValue::Bool(true)));
        assert_eq!(best_error_message(&span).unwrap().text, "rate_limited");
        let mut logged = failed(None);
        logged.events.push(event("log", &[("body", "all good"), ("severity", "INFO")]));
        logged.events.push(event("log", &[("body", "upstream refused"), ("severity", "ERROR")]));
        let message = best_error_message(&logged).unwrap();
        assert_eq!((message.text.as_str(), message.source.as_str()), ("upstream refused", "log “log”"));
        let mut jaeger = failed(None);
        jaeger.events.push(event("log", &[("event", "error"), ("message", "connection reset")]));
        assert_eq!(best_error_message(&jaeger).unwrap().text, "connection reset");
        assert_eq!(best_error_message(&failed(None)), None);
    }
}
