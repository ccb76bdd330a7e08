//! Writes a [`TraceSet`] into the transfer encoding, field by field in declaration order.
//! [`super::decode`] reads the same fields in the same order; the round-trip test over every
//! fixture keeps the two in step.

use super::wire::Writer;
use super::MAGIC;
use crate::model::{
    AiDetails, Attribute, AttributeValue, Document, Feedback, FeedbackKind, ImportWarning, Message, Messages,
    PlainTextRole, Resource, Scope, Span, SpanEvent, SpanLink, SpanStatus, Trace, TraceSet,
};

/// The whole set as one buffer.
pub fn encode(set: &TraceSet) -> Vec<u8> {
    let mut writer = Writer::default();
    write_set(&mut writer, set, &mut |_| {});
    writer.bytes
}

/// The set in pieces of about `piece_bytes` (cut between spans), handed to `emit` in order; joined
/// they are what [`encode`] returns. The worker posts pieces, so it never holds the whole encoding
/// in its wasm memory as well as in the buffers it posts (for a million spans, 91 MB of fresh
/// memory less).
pub fn encode_in_pieces(set: &TraceSet, piece_bytes: usize, emit: &mut dyn FnMut(&[u8])) {
    let mut writer = Writer::default();
    write_set(&mut writer, set, &mut |writer: &mut Writer| {
        if writer.bytes.len() >= piece_bytes {
            emit(&writer.bytes);
            writer.bytes.clear();
        }
    });
    if !writer.bytes.is_empty() {
        emit(&writer.bytes);
    }
}

/// Writes the set; `after_span` may take the bytes written so far after any span.
fn write_set(writer: &mut Writer, set: &TraceSet, after_span: &mut dyn FnMut(&mut Writer)) {
    writer.bytes.extend_from_slice(MAGIC);
    writer.text(&set.format);
    writer.list(&set.warnings, warning);
    writer.count(set.span_count());
    writer.count(set.traces.len());
    for trace_value in &set.traces {
        trace(writer, trace_value, after_span);
    }
}

fn trace(writer: &mut Writer, trace: &Trace, after_span: &mut dyn FnMut(&mut Writer)) {
    writer.text(&trace.trace_id);
    writer.text(&trace.name);
    writer.list(&trace.resources, resource);
    writer.list(&trace.scopes, scope);
    writer.varint(trace.start_ns);
    writer.varint(trace.duration_ns);
    for text in
        [&trace.user_input, &trace.intent, &trace.final_output, &trace.user_id, &trace.session_id, &trace.variant]
    {
        writer.optional_text(text);
    }
    writer.list(&trace.feedback, feedback);
    writer.list(&trace.other_fields, attribute);
    writer.list(&trace.warnings, warning);
    // The spans come last so the page can decode them a slice at a time.
    writer.count(trace.spans.len());
    for span_value in &trace.spans {
        span(writer, span_value);
        after_span(writer);
    }
}

fn resource(writer: &mut Writer, resource: &Resource) {
    writer.list(&resource.attributes, attribute);
    writer.list(&resource.other_fields, attribute);
}

fn scope(writer: &mut Writer, scope: &Scope) {
    writer.text(&scope.name);
    writer.optional_text(&scope.version);
    writer.list(&scope.attributes, attribute);
}

fn warning(writer: &mut Writer, warning: &ImportWarning) {
    writer.optional_text(&warning.span_id);
    writer.text(&warning.message);
}

fn feedback(writer: &mut Writer, feedback: &Feedback) {
    match &feedback.kind {
        FeedbackKind::ThumbsUp => writer.byte(0),
        FeedbackKind::ThumbsDown => writer.byte(1),
        FeedbackKind::FollowUp => writer.byte(2),
        FeedbackKind::Abandoned => writer.byte(3),
        FeedbackKind::Converted => writer.byte(4),
        FeedbackKind::Score => writer.byte(5),
        FeedbackKind::Other(name) => {
            writer.byte(6);
            writer.text(name);
        }
    }
    writer.optional_text(&feedback.name);
    writer.option(&feedback.value, |writer, value| writer.float(*value));
    writer.optional_text(&feedback.comment);
    writer.optional_text(&feedback.text);
    writer.optional_varint(feedback.time_ns);
    writer.optional_text(&feedback.span_id);
}

fn attribute(writer: &mut Writer, attribute: &Attribute) {
    writer.text(&attribute.key);
    value(writer, &attribute.value);
}

fn value(writer: &mut Writer, value: &AttributeValue) {
    match value {
        AttributeValue::String(text) => {
            writer.byte(0);
            writer.text(text);
        }
        AttributeValue::Bool(flag) => writer.byte(if *flag { 2 } else { 1 }),
        AttributeValue::Int(integer) => {
            writer.byte(3);
            writer.varint(*integer as u64);
        }
        AttributeValue::Double(float) => {
            writer.byte(4);
            writer.float(*float);
        }
        AttributeValue::Bytes(bytes) => {
            writer.byte(5);
            writer.raw(bytes);
        }
        AttributeValue::Array(items) => {
            writer.byte(6);
            writer.list(items, self::value);
        }
        AttributeValue::Map(entries) => {
            writer.byte(7);
            writer.list(entries, attribute);
        }
        AttributeValue::Empty => writer.byte(8),
    }
}

fn span(writer: &mut Writer, span: &Span) {
    writer.text(&span.span_id);
    writer.optional_text(&span.parent_span_id);
    writer.optional_varint(span.parent.get().map(|index| index as u64));
    writer.varint(u64::from(span.depth));
    writer.count(span.subtree_end);
    writer.varint(u64::from(span.child_count));
    writer.text(&span.name);
    writer.byte(span.kind as u8);
    writer.option(&span.protocol_kind, |writer, kind| writer.text(kind));
    match &span.status {
        SpanStatus::Unset => writer.byte(0),
        SpanStatus::Ok => writer.byte(1),
        SpanStatus::Error { message } => {
            writer.byte(2);
            writer.optional_text(message);
        }
    }
    writer.varint(span.start_ns);
    writer.varint(span.duration_ns);
    writer.optional_varint(span.resource.get().map(|index| index as u64));
    writer.optional_varint(span.scope.get().map(|index| index as u64));
    writer.list(&span.attributes, attribute);
    writer.list(&span.events, event);
    writer.list(&span.links, link);
    writer.list(&span.other_fields, attribute);
    writer.list(&span.warnings, warning);
    writer.option(&span.ai, |writer, details| ai(writer, details));
}

fn event(writer: &mut Writer, event: &SpanEvent) {
    writer.text(&event.name);
    writer.optional_varint(event.time_ns);
    writer.list(&event.attributes, attribute);
}

fn link(writer: &mut Writer, link: &SpanLink) {
    writer.text(&link.trace_id);
    writer.text(&link.span_id);
    writer.list(&link.attributes, attribute);
}

fn ai(writer: &mut Writer, details: &AiDetails) {
    writer.optional_text(&details.model);
    writer.optional_text(&details.provider);
    writer.optional_text(&details.parameters);
    messages(writer, &details.input_messages);
    messages(writer, &details.output_messages);
    writer.option(&details.tool, |writer, tool| {
        writer.optional_text(&tool.name);
        writer.optional_text(&tool.call_id);
        writer.optional_text(&tool.arguments);
        writer.optional_text(&tool.result);
    });
    writer.list(&details.documents, document);
    let tokens = &details.tokens;
    for count in [tokens.input, tokens.output, tokens.total, tokens.cached, tokens.reasoning] {
        writer.optional_varint(count);
    }
    writer.option(&details.cost_usd, |writer, cost| writer.float(*cost));
    writer.optional_text(&details.input);
    writer.optional_text(&details.output);
}

/// Read messages as a list after a 0; messages still in an attribute as that attribute's index
/// and the plain-text role after a 1 (the page reads them from the same attribute when shown).
fn messages(writer: &mut Writer, messages: &Messages) {
    match messages {
        Messages::Read(list) => {
            writer.byte(0);
            writer.list(list, message);
        }
        Messages::InAttribute { attribute, plain_text_role } => {
            writer.byte(1);
            writer.varint(u64::from(*attribute));
            writer.byte(match plain_text_role {
                PlainTextRole::User => 0,
                PlainTextRole::Assistant => 1,
            });
        }
    }
}

fn message(writer: &mut Writer, message: &Message) {
    writer.text(&message.role);
    writer.text(&message.content);
    writer.optional_text(&message.name);
    writer.list(&message.tool_calls, |writer, call| {
        writer.optional_text(&call.id);
        writer.text(&call.name);
        writer.text(&call.arguments);
    });
    writer.optional_text(&message.tool_call_id);
}

fn document(writer: &mut Writer, document: &Document) {
    writer.optional_text(&document.id);
    writer.optional_text(&document.content);
    writer.option(&document.score, |writer, score| writer.float(*score));
    writer.optional_text(&document.metadata);
}
