//! A [`LineBatch`] as bytes, for the hop from a helper worker back to the corpus worker (a tenth
//! of the lines' size: summaries, not spans). Written with the transfer's primitives; a damaged
//! buffer is an error, never a panic. The corpus worker reads a batch in place
//! ([`decode_line_batch_view`]): its summaries are views of the bytes, not copies.

use super::line_batch::{LineBatch, LineTrace, LineWarning};
use super::summary::TraceSummary;
use super::summary_view::{as_set, SpanView, SummaryLists, SummaryView};
use crate::model::SpanKind;
use crate::transfer::primitives::{Reader, TransferResult, Writer};

/// First bytes of an encoded batch: a buffer of anything else is refused.
const MAGIC: &[u8; 4] = b"TVLB";

pub fn encode_line_batch(batch: &LineBatch) -> Vec<u8> {
    let mut writer = Writer { bytes: Vec::with_capacity(64 + batch.traces.len() * 400) };
    writer.bytes.extend_from_slice(MAGIC);
    writer.varint(batch.lines);
    writer.varint(batch.without_spans);
    writer.varint(batch.spans_read);
    writer.varint(batch.warnings_left_out);
    writer.list(&batch.formats, |writer, format| writer.text(format));
    writer.list(&batch.warnings, |writer, warning| {
        writer.varint(warning.line);
        writer.text(&warning.text);
    });
    writer.list(&batch.log_lines, |writer, (offset, length)| {
        writer.varint(*offset);
        writer.varint(u64::from(*length));
    });
    writer.list(&batch.traces, |writer, trace| {
        writer.varint(trace.offset);
        writer.varint(u64::from(trace.length));
        write_summary(writer, &trace.summary);
    });
    writer.bytes
}

/// A batch decoded in place: all but its traces read (a few texts), its traces read as borrowed
/// views of the bytes when they join the index (see [`SummaryView`]). Decoding reads every trace
/// once to find damage, so a damaged batch is refused before any of it joins.
pub struct LineBatchView<'a> {
    /// The batch without its traces.
    pub rest: LineBatch,
    bytes: &'a [u8],
    /// Where the first trace starts in `bytes`, and how many there are.
    traces_at: usize,
    traces: usize,
}

impl LineBatchView<'_> {
    pub fn trace_count(&self) -> usize {
        self.traces
    }

    /// Calls `each` with every trace's offset, length and summary, in order.
    pub fn each_trace(&self, mut each: impl FnMut(u64, u32, &SummaryView<'_>)) -> TransferResult<()> {
        self.walk(&mut each).map(|_| ())
    }

    /// Reads the traces in order; returns where they end.
    fn walk(&self, each: &mut impl FnMut(u64, u32, &SummaryView<'_>)) -> TransferResult<usize> {
        let mut reader = Reader::new(self.bytes, self.traces_at);
        let mut lists = SummaryLists::default();
        for _ in 0..self.traces {
            let (offset, length) = (reader.varint()?, reader.u32()?);
            let summary = read_summary(&mut reader, &mut lists)?;
            each(offset, length, &summary);
        }
        Ok(reader.position)
    }
}

pub fn decode_line_batch_view(bytes: &[u8]) -> TransferResult<LineBatchView<'_>> {
    let mut reader = Reader::new(bytes, 0);
    if !bytes.starts_with(MAGIC) {
        return reader.fail("not a batch of summarised lines");
    }
    reader.position = MAGIC.len();
    let rest = LineBatch {
        lines: reader.varint()?,
        without_spans: reader.varint()?,
        spans_read: reader.varint()?,
        warnings_left_out: reader.varint()?,
        formats: reader.list(Reader::text)?,
        warnings: reader.list(|reader| Ok(LineWarning { line: reader.varint()?, text: reader.text()? }))?,
        log_lines: reader.list(|reader| Ok((reader.varint()?, reader.u32()?)))?,
        traces: Vec::new(),
    };
    let traces = reader.item_count()?;
    let batch = LineBatchView { rest, bytes, traces_at: reader.position, traces };
    reader.position = batch.walk(&mut |_, _, _| {})?;
    if reader.remaining() > 0 {
        return reader.fail("bytes after the batch");
    }
    Ok(batch)
}

/// A batch decoded into owned summaries.
pub fn decode_line_batch(bytes: &[u8]) -> TransferResult<LineBatch> {
    let view = decode_line_batch_view(bytes)?;
    let mut traces = Vec::with_capacity(view.trace_count());
    view.each_trace(|offset, length, summary| {
        traces.push(LineTrace { offset, length, summary: summary.to_summary() });
    })?;
    Ok(LineBatch { traces, ..view.rest })
}

fn write_texts<'a>(writer: &mut Writer, texts: impl ExactSizeIterator<Item = &'a String>) {
    writer.count(texts.len());
    for text in texts {
        writer.text(text);
    }
}

fn write_summary(writer: &mut Writer, summary: &TraceSummary) {
    writer.text(&summary.trace_id);
    writer.text(&summary.name);
    writer.byte(u8::from(summary.has_root));
    writer.varint(summary.start_ns);
    writer.varint(summary.end_ns);
    writer.varint(summary.span_count);
    writer.varint(summary.error_count);
    for field in [&summary.intent, &summary.variant, &summary.user, &summary.session] {
        writer.optional_text(field);
    }
    write_texts(writer, summary.models.iter());
    write_texts(writer, summary.tools.iter());
    writer.byte(summary.feedback);
    writer.list(&summary.scores, |writer, (name, value)| {
        writer.text(name);
        writer.float(*value);
    });
    writer.varint(summary.tokens);
    writer.option(&summary.cost_usd, |writer, cost| writer.float(*cost));
    writer.varint(summary.documents);
    writer.optional_text(&summary.input_preview);
    writer.optional_text(&summary.output_preview);
    writer.list(&summary.attributes, |writer, (key, value)| {
        writer.text(key);
        writer.text(value);
    });
    writer.list(&summary.spans, |writer, span| {
        writer.text(&span.name);
        let kind = SpanKind::ALL.iter().position(|kind| *kind == span.kind).unwrap_or(SpanKind::ALL.len() - 1);
        writer.byte(kind as u8);
        writer.byte(u8::from(span.failed));
        writer.optional_text(&span.model);
        writer.optional_text(&span.tool);
    });
    writer.optional_text(&summary.signature);
    writer.optional_text(&summary.error_template);
    writer.raw(&summary.skeleton);
}

/// The next summary, its lists gathered in `lists` (emptied first).
fn read_summary<'a, 's>(reader: &mut Reader<'a>, lists: &'s mut SummaryLists<'a>) -> TransferResult<SummaryView<'s>> {
    lists.clear();
    let trace_id = reader.str()?;
    let name = reader.str()?;
    let has_root = reader.flag()?;
    let (start_ns, end_ns, span_count, error_count) =
        (reader.varint()?, reader.varint()?, reader.varint()?, reader.varint()?);
    let (intent, variant, user, session) =
        (optional_str(reader)?, optional_str(reader)?, optional_str(reader)?, optional_str(reader)?);
    for set in [&mut lists.models, &mut lists.tools] {
        for _ in 0..reader.item_count()? {
            set.push(reader.str()?);
        }
        // Written from a set, so in order already; a damaged batch is put in order as a set is.
        as_set(set);
    }
    let feedback = reader.byte()?;
    for _ in 0..reader.item_count()? {
        lists.scores.push((reader.str()?, reader.float()?));
    }
    let tokens = reader.varint()?;
    let cost_usd = reader.option(Reader::float)?;
    let documents = reader.varint()?;
    let (input_preview, output_preview) = (optional_str(reader)?, optional_str(reader)?);
    for _ in 0..reader.item_count()? {
        lists.attributes.push((reader.str()?, reader.str()?));
    }
    for _ in 0..reader.item_count()? {
        let name = reader.str()?;
        let kind = match SpanKind::ALL.get(usize::from(reader.byte()?)) {
            Some(kind) => *kind,
            None => return reader.fail("unknown span kind"),
        };
        let failed = reader.flag()?;
        let (model, tool) = (optional_str(reader)?, optional_str(reader)?);
        lists.spans.push(SpanView { name, kind, failed, model, tool });
    }
    let (signature, error_template) = (optional_str(reader)?, optional_str(reader)?);
    let skeleton = reader.raw()?;
    Ok(SummaryView {
        trace_id,
        name,
        has_root,
        start_ns,
        end_ns,
        span_count,
        error_count,
        intent,
        variant,
        user,
        session,
        models: &lists.models,
        tools: &lists.tools,
        feedback,
        scores: &lists.scores,
        tokens,
        cost_usd,
        documents,
        input_preview,
        output_preview,
        attributes: &lists.attributes,
        spans: &lists.spans,
        signature,
        error_template,
        skeleton,
    })
}

fn optional_str<'a>(reader: &mut Reader<'a>) -> TransferResult<Option<&'a str>> {
    reader.option(Reader::str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::line_batch::{summarize_lines, LinesAt};
    use crate::generate::corpus::otlp_json_lines;

    fn generated_lines(traces: u64) -> Vec<u8> {
        otlp_json_lines(traces).into_bytes()
    }

    #[test]
    fn a_batch_of_generated_lines_comes_back_equal() {
        let mut lines = generated_lines(40);
        lines.extend_from_slice(b"not json\n");
        let batch = summarize_lines(&lines, LinesAt { offset: 7, starts_file: true });
        // Some generated traces come in two lines: parts of traces, at least one per trace.
        assert!(batch.traces.len() > 40, "{}", batch.traces.len());
        assert!(batch.traces.iter().any(|trace| !trace.summary.scores.is_empty() && trace.summary.feedback != 0));
        let bytes = encode_line_batch(&batch);
        assert_eq!(decode_line_batch(&bytes), Ok(batch));
    }

    #[test]
    fn a_damaged_batch_is_an_error() {
        let lines = generated_lines(3);
        let bytes = encode_line_batch(&summarize_lines(&lines, LinesAt { offset: 0, starts_file: true }));
        for cut in [0, 3, 4, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode_line_batch(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_line_batch(&longer).is_err());
    }
}
