//! Reads the transfer encoding back into a [`TraceSet`], a slice of spans at a time, so the page
//! can rebuild a large file between frames instead of in one long task.

use super::primitives::{Reader, TransferError, TransferResult};
use super::MAGIC;
use crate::model::{
    protocol_kind_name, AiDetails, Attribute, AttributeValue, Document, Feedback, FeedbackKind, ImportWarning, List,
    Message, Messages, OptionalIndex, PlainTextRole, Resource, Scope, Span, SpanEvent, SpanKind, SpanLink, SpanStatus,
    TokenUsage, ToolCall, ToolRun, Trace, TraceSet,
};

/// Attribute values nest (maps in arrays in maps); the importers never nest deeper than serde_json's
/// own limit of 128, so anything deeper is damage, and the limit keeps the recursion bounded.
const MAX_VALUE_DEPTH: usize = 256;

/// The most spans of one trace, and traces of one set, room is made for before they arrive (from
/// the counts the bytes claim, which only the data that follows can prove): 4 million spans
/// (~540 MB) and a million traces. Larger sets grow as their items arrive.
const MAX_RESERVED_SPANS: usize = 1 << 22;
const MAX_RESERVED_TRACES: usize = 1 << 20;

/// A decode in progress: the set so far, the trace whose spans are being read, and where.
///
/// The bytes may come in pieces cut between spans (as [`super::StreamingEncoder`] writes them):
/// when [`Decoder::step`] has used up a piece, [`Decoder::needs_bytes`] says so and
/// [`Decoder::next_piece`] puts the next one in place of the last, so only one piece is held.
pub struct Decoder {
    bytes: Vec<u8>,
    position: usize,
    /// Bytes of the pieces before the current one, for error positions.
    offset: usize,
    set: TraceSet,
    traces_left: usize,
    /// The trace being filled and how many of its spans are still to read; its closing follows.
    current: Option<(Trace, usize)>,
    /// Whether the set's own closing (format, warnings) has been read.
    closed: bool,
    span_total: usize,
    spans_done: usize,
}

impl Decoder {
    /// Reads the counts; the traces come with [`Decoder::step`].
    pub fn new(bytes: Vec<u8>) -> TransferResult<Decoder> {
        if !bytes.starts_with(MAGIC) {
            return Err(TransferError { position: 0, reason: "not transfer data of this version" });
        }
        let mut reader = Reader::new(&bytes, MAGIC.len());
        let span_total = reader.count()?;
        // Not `item_count`: the traces follow in later pieces too.
        let traces_left = reader.count()?;
        let mut traces = Vec::new();
        if traces.try_reserve_exact(traces_left.min(MAX_RESERVED_TRACES)).is_err() {
            return reader.fail("more traces than memory");
        }
        let position = reader.position;
        let set = TraceSet { format: String::new(), traces, warnings: Vec::new() };
        Ok(Decoder {
            bytes,
            position,
            offset: 0,
            set,
            traces_left,
            current: None,
            closed: false,
            span_total,
            spans_done: 0,
        })
    }

    /// Decodes up to `span_budget` more spans (whole trace openings and closings come along as
    /// needed), or until the current piece is used up. Returns true once everything is read.
    pub fn step(&mut self, span_budget: usize) -> TransferResult<bool> {
        // The piece is lent to the reader while `read` fills in the rest of `self`.
        let bytes = std::mem::take(&mut self.bytes);
        let mut reader = Reader::new(&bytes, self.position);
        let result = self.read(&mut reader, span_budget.max(1));
        self.position = reader.position;
        self.bytes = bytes;
        result.map_err(|error| TransferError { position: error.position + self.offset, ..error })
    }

    fn read(&mut self, reader: &mut Reader, mut budget: usize) -> TransferResult<bool> {
        loop {
            // Openings and closings are never cut: at the end of a piece, the next one holds them.
            match &mut self.current {
                Some((trace, left)) => {
                    while *left > 0 && budget > 0 && reader.remaining() > 0 {
                        trace.spans.push(span(reader)?);
                        *left -= 1;
                        budget -= 1;
                        self.spans_done += 1;
                    }
                    if *left > 0 || reader.remaining() == 0 {
                        return Ok(false);
                    }
                    if let Some((mut finished, _)) = self.current.take() {
                        trace_closing(reader, &mut finished)?;
                        self.set.traces.push(finished);
                    }
                }
                None if self.traces_left > 0 => {
                    if reader.remaining() == 0 {
                        return Ok(false);
                    }
                    self.traces_left -= 1;
                    let spans_left = self.span_total - self.spans_done;
                    self.current = Some(trace_opening(reader, spans_left)?);
                }
                None if !self.closed => {
                    if reader.remaining() == 0 {
                        return Ok(false);
                    }
                    self.set.format = reader.text()?;
                    self.set.warnings = reader.list(warning)?;
                    self.closed = true;
                }
                None => break,
            }
            if budget == 0 {
                break;
            }
        }
        let done = self.is_done();
        if done && reader.remaining() > 0 {
            return reader.fail("unexpected bytes after the last trace");
        }
        Ok(done)
    }

    fn is_done(&self) -> bool {
        self.current.is_none() && self.traces_left == 0 && self.closed
    }

    /// Whether the current piece is used up with more to read: give the next with `next_piece`.
    pub fn needs_bytes(&self) -> bool {
        self.position >= self.bytes.len() && !self.is_done()
    }

    /// Replaces the used-up piece with the next one, which `fill` writes into the (emptied) buffer.
    pub fn next_piece(&mut self, fill: impl FnOnce(&mut Vec<u8>)) {
        self.offset += self.bytes.len();
        self.bytes.clear();
        self.position = 0;
        fill(&mut self.bytes);
    }

    /// The error for data that ends before everything was read.
    pub fn ended_early(&self) -> TransferError {
        TransferError { position: self.offset + self.bytes.len(), reason: "the data ends before its last span" }
    }

    /// How far the decoding has got, 0 to 1: mostly the spans decoded, the last twentieth the
    /// traces placed (each once the worker has built its tree), so the bar does not stand at
    /// 100 % while the page waits for the last tree.
    pub fn progress(&self) -> f64 {
        if self.is_done() {
            return 1.0;
        }
        let share = |done: usize, total: usize| if total == 0 { 1.0 } else { done as f64 / total as f64 };
        let traces_placed = self.set.traces.len();
        let trace_total = traces_placed + usize::from(self.current.is_some()) + self.traces_left;
        0.95 * share(self.spans_done, self.span_total) + 0.05 * share(traces_placed, trace_total)
    }

    /// Spans decoded so far.
    pub fn spans_decoded(&self) -> usize {
        self.spans_done
    }

    /// The decoded set; call after [`Decoder::step`] returned true.
    pub fn finish(self) -> TraceSet {
        self.set
    }
}

/// The whole buffer at once (tests and small inputs).
pub fn decode(bytes: Vec<u8>) -> TransferResult<TraceSet> {
    let mut decoder = Decoder::new(bytes)?;
    while !decoder.step(usize::MAX)? {
        if decoder.needs_bytes() {
            return Err(decoder.ended_early());
        }
    }
    Ok(decoder.finish())
}

/// A trace's id and span count; its spans follow, then its closing.
/// The spans may run on over later pieces: their count is checked against the spans still to come.
fn trace_opening(reader: &mut Reader, spans_left: usize) -> TransferResult<(Trace, usize)> {
    let trace_id = reader.text()?;
    let span_count = reader.count()?;
    if span_count > spans_left {
        return reader.fail("more spans in a trace than in the whole set");
    }
    let mut spans = Vec::new();
    if spans.try_reserve_exact(span_count.min(MAX_RESERVED_SPANS)).is_err() {
        return reader.fail("more spans than memory");
    }
    Ok((Trace { trace_id, spans, ..Trace::default() }, span_count))
}

/// The trace's own fields, then its spans put in their place in the tree.
fn trace_closing(reader: &mut Reader, trace: &mut Trace) -> TransferResult<()> {
    trace.name = reader.text()?;
    trace.resources = reader.list(resource)?;
    trace.scopes = reader.list(scope)?;
    trace.start_ns = reader.varint()?;
    trace.duration_ns = reader.varint()?;
    for slot in [
        &mut trace.user_input,
        &mut trace.intent,
        &mut trace.final_output,
        &mut trace.user_id,
        &mut trace.session_id,
        &mut trace.variant,
    ] {
        *slot = reader.optional_text()?;
    }
    trace.feedback = reader.list(feedback)?;
    trace.other_fields = reader.list(attribute)?;
    trace.warnings = reader.list(warning)?;
    super::placement::place(reader, &mut trace.spans)
}

fn resource(reader: &mut Reader) -> TransferResult<Resource> {
    Ok(Resource { attributes: reader.list(attribute)?, other_fields: reader.list(attribute)? })
}

fn scope(reader: &mut Reader) -> TransferResult<Scope> {
    Ok(Scope { name: reader.text()?, version: reader.optional_text()?, attributes: reader.list(attribute)? })
}

pub(super) fn warning(reader: &mut Reader) -> TransferResult<ImportWarning> {
    Ok(ImportWarning { span_id: reader.optional_text()?, message: reader.text()? })
}

fn feedback(reader: &mut Reader) -> TransferResult<Feedback> {
    let kind = match reader.byte()? {
        0 => FeedbackKind::ThumbsUp,
        1 => FeedbackKind::ThumbsDown,
        2 => FeedbackKind::FollowUp,
        3 => FeedbackKind::Abandoned,
        4 => FeedbackKind::Converted,
        5 => FeedbackKind::Score,
        6 => FeedbackKind::Other(reader.text()?),
        _ => return reader.fail("bad feedback kind"),
    };
    Ok(Feedback {
        kind,
        name: reader.optional_text()?,
        value: reader.option(Reader::float)?,
        comment: reader.optional_text()?,
        text: reader.optional_text()?,
        time_ns: reader.optional_varint()?,
        span_id: reader.optional_text()?,
    })
}

fn attribute(reader: &mut Reader) -> TransferResult<Attribute> {
    attribute_at_depth(reader, 0)
}

fn attribute_at_depth(reader: &mut Reader, depth: usize) -> TransferResult<Attribute> {
    Ok(Attribute { key: reader.text()?, value: value(reader, depth)? })
}

fn value(reader: &mut Reader, depth: usize) -> TransferResult<AttributeValue> {
    if depth > MAX_VALUE_DEPTH {
        return reader.fail("values nested too deep");
    }
    Ok(match reader.byte()? {
        0 => AttributeValue::String(reader.text()?),
        1 => AttributeValue::Bool(false),
        2 => AttributeValue::Bool(true),
        3 => AttributeValue::Int(reader.varint()? as i64),
        4 => AttributeValue::Double(reader.float()?),
        5 => AttributeValue::Bytes(reader.raw()?.to_vec()),
        6 => AttributeValue::Array(reader.list(|reader| value(reader, depth + 1))?),
        7 => AttributeValue::Map(reader.list(|reader| attribute_at_depth(reader, depth + 1))?),
        8 => AttributeValue::Empty,
        _ => return reader.fail("bad value tag"),
    })
}

fn optional_index(reader: &mut Reader) -> TransferResult<Option<usize>> {
    reader.option(Reader::count)
}

/// A span; its place in the tree comes with its trace's closing.
fn span(reader: &mut Reader) -> TransferResult<Span> {
    Ok(Span {
        span_id: reader.text()?,
        parent_span_id: None,
        parent: OptionalIndex::NONE,
        depth: 0,
        subtree_end: 0,
        child_count: 0,
        name: reader.text()?,
        kind: match SpanKind::ALL.get(usize::from(reader.byte()?)) {
            Some(kind) => *kind,
            None => return reader.fail("bad span kind"),
        },
        protocol_kind: reader.option(|reader| reader.str().map(protocol_kind_name))?,
        status: match reader.byte()? {
            0 => SpanStatus::Unset,
            1 => SpanStatus::Ok,
            2 => SpanStatus::Error { message: reader.optional_text()? },
            _ => return reader.fail("bad span status"),
        },
        start_ns: reader.varint()?,
        duration_ns: reader.varint()?,
        resource: optional_index(reader)?.into(),
        scope: optional_index(reader)?.into(),
        attributes: reader.list(attribute)?,
        events: reader.list(event)?.into(),
        links: reader.list(link)?.into(),
        other_fields: reader.list(attribute)?.into(),
        warnings: List::new(),
        ai: reader.option(|reader| ai(reader).map(Box::new))?,
    })
}

fn event(reader: &mut Reader) -> TransferResult<SpanEvent> {
    Ok(SpanEvent { name: reader.text()?, time_ns: reader.optional_varint()?, attributes: reader.list(attribute)? })
}

fn link(reader: &mut Reader) -> TransferResult<SpanLink> {
    Ok(SpanLink { trace_id: reader.text()?, span_id: reader.text()?, attributes: reader.list(attribute)? })
}

fn ai(reader: &mut Reader) -> TransferResult<AiDetails> {
    Ok(AiDetails {
        model: reader.optional_text()?,
        provider: reader.optional_text()?,
        parameters: reader.optional_text()?,
        input_messages: messages(reader)?,
        output_messages: messages(reader)?,
        tool: reader.option(|reader| {
            Ok(ToolRun {
                name: reader.optional_text()?,
                call_id: reader.optional_text()?,
                arguments: reader.optional_text()?,
                result: reader.optional_text()?,
            })
        })?,
        documents: reader.list(document)?,
        tokens: TokenUsage {
            input: reader.optional_varint()?,
            output: reader.optional_varint()?,
            total: reader.optional_varint()?,
            cached: reader.optional_varint()?,
            reasoning: reader.optional_varint()?,
        },
        cost_usd: reader.option(Reader::float)?,
        input: reader.optional_text()?,
        output: reader.optional_text()?,
    })
}

fn messages(reader: &mut Reader) -> TransferResult<Messages> {
    match reader.byte()? {
        0 => Ok(Messages::Read(reader.list(message)?)),
        1 => {
            let attribute = reader.u32()?;
            let plain_text_role = match reader.byte()? {
                0 => PlainTextRole::User,
                1 => PlainTextRole::Assistant,
                _ => return reader.fail("unknown message role"),
            };
            Ok(Messages::InAttribute { attribute, plain_text_role })
        }
        _ => reader.fail("unknown kind of message list"),
    }
}

fn message(reader: &mut Reader) -> TransferResult<Message> {
    Ok(Message {
        role: reader.text()?,
        content: reader.text()?,
        name: reader.optional_text()?,
        tool_calls: reader.list(|reader| {
            Ok(ToolCall { id: reader.optional_text()?, name: reader.text()?, arguments: reader.text()? })
        })?,
        tool_call_id: reader.optional_text()?,
    })
}

fn document(reader: &mut Reader) -> TransferResult<Document> {
    Ok(Document {
        id: reader.optional_text()?,
        content: reader.optional_text()?,
        score: reader.option(Reader::float)?,
        metadata: reader.optional_text()?,
    })
}
