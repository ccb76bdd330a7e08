//! Writes the transfer encoding: while the import builds the traces ([`StreamingEncoder`], the
//! worker's way: spans first, their place in the tree after) or from a built [`TraceSet`]
//! ([`encode`], the same layout with every span already in place), field by field in declaration
//! order. [`super::decode`] reads the same fields in the same order; the round-trip tests over
//! every fixture, both ways, keep the two in step.

use super::primitives::Writer;
use super::MAGIC;
use crate::import::BuildObserver;
use crate::model::{
    AiDetails, Attribute, AttributeValue, Document, Feedback, FeedbackKind, ImportWarning, Message, Messages,
    PlainTextRole, Resource, Scope, Span, SpanEvent, SpanLink, SpanStatus, Trace, TraceSet,
};

/// The whole set as one buffer.
pub fn encode(set: &TraceSet) -> Vec<u8> {
    let mut bytes = Vec::new();
    encode_in_pieces(set, usize::MAX, &mut |piece| bytes.extend_from_slice(piece));
    bytes
}

/// The set in pieces of about `piece_bytes` (cut between spans), handed to `emit` in order; joined
/// they are what [`encode`] returns. Written as the import worker writes an import as it is built
/// (see [`StreamingEncoder`]), with every trace's spans already in place.
pub fn encode_in_pieces(set: &TraceSet, piece_bytes: usize, emit: &mut dyn FnMut(&[u8])) {
    let mut encoder = StreamingEncoder::new(piece_bytes, emit);
    encoder.started(set.traces.len(), set.span_count());
    for trace in &set.traces {
        encoder.trace_started(&trace.trace_id, trace.spans.len());
        encoder.spans_mapped(&trace.spans);
        encoder.write_closing(trace, None);
    }
    encoder.finish(set);
}

/// Encodes an import while the pipeline builds it: each trace's spans as soon as their
/// conventions are mapped, then, once its tree is built, how they were placed (order, parents)
/// and the trace's own fields; the page decodes the spans while the worker builds the tree. The
/// encoding goes to `emit` in pieces of about `piece_bytes`, cut between spans, so the worker
/// never holds it whole besides what it posts (for a million spans, 91 MB of fresh memory less).
///
/// The layout: the magic, the span and trace counts; per trace its id, span count, the spans
/// (without their place in the tree) and its closing; then the set's format and warnings, which
/// are only final once the import returns ([`StreamingEncoder::finish`]).
pub struct StreamingEncoder<'a> {
    writer: Writer,
    piece_bytes: usize,
    emit: &'a mut dyn FnMut(&[u8]),
}

impl<'a> StreamingEncoder<'a> {
    pub fn new(piece_bytes: usize, emit: &'a mut dyn FnMut(&[u8])) -> Self {
        let mut writer = Writer::default();
        writer.bytes.extend_from_slice(MAGIC);
        StreamingEncoder { writer, piece_bytes, emit }
    }

    fn emit_if_full(&mut self) {
        if self.writer.bytes.len() >= self.piece_bytes {
            (self.emit)(&self.writer.bytes);
            self.writer.bytes.clear();
        }
    }

    /// A trace's closing, once it is built: its fields, where its spans went (`order`: the span
    /// now at `i` was sent `order[i]`-th; `None`: sent in place), each span's parent, and the
    /// spans with warnings or a parent id of their own (renamed duplicates, repairs, clock skew).
    pub fn write_closing(&mut self, trace: &Trace, order: Option<&[usize]>) {
        trace_closing(&mut self.writer, trace);
        let writer = &mut self.writer;
        match order.filter(|order| order.iter().enumerate().any(|(position, &sent)| position != sent)) {
            None => writer.byte(0),
            Some(order) => {
                writer.byte(1);
                for &sent in order {
                    writer.count(sent);
                }
            }
        }
        // Per span: its parent's position + 1 (0 for a root) and the size of its subtree, so the
        // page places every span in one walk forwards.
        for (position, span) in trace.spans.iter().enumerate() {
            writer.varint(span.parent.get().map_or(0, |parent| parent as u64 + 1));
            writer.count(span.subtree_end.saturating_sub(position));
        }
        // The spans the tree builder may have changed, and the only ones that keep a parent id of
        // their own (a missing parent, a cut link; see `Span::parent_span_id`): all carry a warning.
        let changed: Vec<(usize, &Span)> = trace
            .spans
            .iter()
            .enumerate()
            .filter(|(_, span)| !span.warnings.is_empty() || span.parent_span_id.is_some())
            .collect();
        writer.list(&changed, |writer, (position, span)| {
            writer.count(*position);
            writer.text(&span.span_id);
            writer.optional_text(&span.parent_span_id);
            writer.list(&span.warnings, warning);
        });
        self.emit_if_full();
    }

    /// Writes the set's format and warnings and emits what is left.
    pub fn finish(mut self, set: &TraceSet) {
        self.writer.text(&set.format);
        self.writer.list(&set.warnings, warning);
        if !self.writer.bytes.is_empty() {
            (self.emit)(&self.writer.bytes);
        }
    }
}

impl BuildObserver for StreamingEncoder<'_> {
    fn started(&mut self, trace_count: usize, span_count: usize) {
        self.writer.count(span_count);
        self.writer.count(trace_count);
    }

    fn trace_started(&mut self, trace_id: &str, span_count: usize) {
        self.writer.text(trace_id);
        self.writer.count(span_count);
    }

    fn spans_mapped(&mut self, spans: &[Span]) {
        for span_value in spans {
            span(&mut self.writer, span_value);
            self.emit_if_full();
        }
    }

    fn trace_built(&mut self, trace: &Trace, order: &[usize]) {
        self.write_closing(trace, Some(order));
    }
}

/// The trace's own fields, known once its tree is built.
fn trace_closing(writer: &mut Writer, trace: &Trace) {
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

/// A span without its place in the tree (parent id, parent, depth, subtree, children) and its
/// warnings, which the closing of its trace gives.
fn span(writer: &mut Writer, span: &Span) {
    writer.text(&span.span_id);
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
