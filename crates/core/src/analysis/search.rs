//! Finding spans by text: a case-insensitive substring over each span's name, kind, attribute
//! keys and values, event names, status message and the AI details (model, messages, tool,
//! documents). Nothing is lowercased into new strings: the comparison folds ASCII case as it goes,
//! so searching a million spans allocates nothing per span.

use crate::model::{Attribute, AttributeValue, Messages, Span, SpanStatus, Trace};

/// A query prepared once: its lowercase bytes.
pub struct Query {
    needle: Vec<u8>,
    /// Whether the query has a character JSON text may hold escaped (quote, backslash, slash,
    /// control or non-ASCII): then JSON text is not enough to look in, its decoded text is.
    has_escapable: bool,
}

impl Query {
    /// `None` for an empty or blank query.
    pub fn new(text: &str) -> Option<Query> {
        let trimmed = text.trim();
        let has_escapable =
            trimmed.bytes().any(|byte| matches!(byte, b'"' | b'\\' | b'/') || !(0x20..0x80).contains(&byte));
        (!trimmed.is_empty()).then(|| Query { needle: trimmed.as_bytes().to_ascii_lowercase(), has_escapable })
    }

    /// Whether `haystack` contains the query, ignoring ASCII case.
    pub fn found_in(&self, haystack: &str) -> bool {
        let needle = &self.needle;
        let bytes = haystack.as_bytes();
        if needle.len() > bytes.len() {
            return false;
        }
        let first = needle[0];
        (0..=bytes.len() - needle.len()).any(|start| {
            bytes[start].to_ascii_lowercase() == first
                && bytes[start..start + needle.len()]
                    .iter()
                    .zip(needle)
                    .all(|(byte, wanted)| byte.to_ascii_lowercase() == *wanted)
        })
    }

    fn found_in_value(&self, value: &AttributeValue) -> bool {
        match value {
            AttributeValue::String(text) => self.found_in(text),
            AttributeValue::Array(items) => items.iter().any(|item| self.found_in_value(item)),
            AttributeValue::Map(entries) => {
                entries.iter().any(|entry| self.found_in(&entry.key) || self.found_in_value(&entry.value))
            }
            AttributeValue::Empty => false,
            other => self.found_in(&other.display()),
        }
    }

    /// Messages read at import are searched one by one. Messages still in their attribute were
    /// searched with the attributes, as JSON text, which holds their text as it is unless JSON
    /// escaped some of it: only when that may hide a match are they read (for this query only).
    fn found_in_messages(&self, messages: &Messages, attributes: &[Attribute]) -> bool {
        if let Some(text) = messages.unread_text(attributes) {
            if !(self.has_escapable && text.contains('\\')) {
                return false;
            }
        }
        messages.read(attributes).iter().any(|message| {
            self.found_in(&message.content)
                || message.tool_calls.iter().any(|call| self.found_in(&call.name) || self.found_in(&call.arguments))
        })
    }

    /// Whether anything the span holds contains the query.
    pub fn matches(&self, span: &Span) -> bool {
        if self.found_in(&span.name) || self.found_in(span.kind.as_str()) || self.found_in(&span.span_id) {
            return true;
        }
        if let SpanStatus::Error { message: Some(message) } = &span.status {
            if self.found_in(message) {
                return true;
            }
        }
        let in_attributes = |attributes: &[crate::model::Attribute]| {
            attributes.iter().any(|attribute| self.found_in(&attribute.key) || self.found_in_value(&attribute.value))
        };
        if in_attributes(&span.attributes) || in_attributes(&span.other_fields) {
            return true;
        }
        if span.events.iter().any(|event| self.found_in(&event.name) || in_attributes(&event.attributes)) {
            return true;
        }
        let Some(details) = span.ai.as_deref() else { return false };
        let text = |value: &Option<String>| value.as_deref().is_some_and(|value| self.found_in(value));
        text(&details.model)
            || text(&details.input)
            || text(&details.output)
            || [&details.input_messages, &details.output_messages]
                .into_iter()
                .any(|messages| self.found_in_messages(messages, &span.attributes))
            || details.tool.as_ref().is_some_and(|tool| text(&tool.name) || text(&tool.arguments) || text(&tool.result))
            || details.documents.iter().any(|document| text(&document.content) || text(&document.id))
    }
}

/// Indices of the spans that match, in tree order.
pub fn search_spans(trace: &Trace, query: &Query) -> Vec<usize> {
    trace.spans.iter().enumerate().filter(|(_, span)| query.matches(span)).map(|(index, _)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{build_trace, AiDetails, Attribute, Message};

    #[test]
    fn folds_case_and_looks_everywhere_a_span_holds_text() {
        let mut name = Span::new("a", None, "Lookup Order");
        name.start_ns = 0;
        let mut attribute = Span::new("b", Some("a".into()), "http");
        attribute.attributes =
            vec![Attribute::new("url.full", AttributeValue::String("https://orders.internal/A-1042".into()))];
        let mut message = Span::new("c", Some("a".into()), "chat");
        message.ai = Some(Box::new(AiDetails {
            input_messages: Messages::Read(vec![Message {
                role: "user".into(),
                content: "I was charged TWICE".into(),
                ..Message::default()
            }]),
            ..AiDetails::default()
        }));
        let trace = build_trace(Trace::default(), vec![name, attribute, message]);
        let find = |text: &str| search_spans(&trace, &Query::new(text).unwrap());
        assert_eq!(find("lookup order"), [0]);
        assert_eq!(find("a-1042"), [1]);
        assert_eq!(find("charged twice"), [2]);
        assert_eq!(find("CHAT"), [2]);
        assert!(find("nowhere").is_empty());
        assert!(Query::new("   ").is_none());
    }

    #[test]
    fn finds_text_of_messages_left_in_their_attribute_even_where_json_escaped_it() {
        let mut chat = Span::new("a", None, "chat");
        // As Python's json.dumps writes it: non-ASCII and quotes escaped.
        let messages = r#"[{"role":"user","parts":[{"type":"text","content":"Un caf\u00e9 \"cr\u00e8me\" please"}]}]"#;
        chat.attributes = vec![
            Attribute::new("gen_ai.operation.name", AttributeValue::String("chat".into())),
            Attribute::new("gen_ai.input.messages", AttributeValue::String(messages.into())),
        ];
        crate::import::conventions::apply(&mut chat);
        let details = chat.ai.as_deref().unwrap();
        assert!(matches!(details.input_messages, Messages::InAttribute { .. }), "left unread at import");
        let trace = build_trace(Trace::default(), vec![chat]);
        let find = |text: &str| search_spans(&trace, &Query::new(text).unwrap());
        assert_eq!(find("un caf"), [0]);
        assert_eq!(find("café"), [0], "escaped non-ASCII is found in the decoded text");
        assert_eq!(find("\"crème\""), [0], "escaped quotes too");
        assert!(find("crème brûlée").is_empty());
    }

    #[test]
    fn non_ascii_text_matches_exactly() {
        let query = Query::new("°F").unwrap();
        assert!(query.found_in("rainy, 57°F"));
        assert!(!query.found_in("rainy, 57 F"));
    }
}
