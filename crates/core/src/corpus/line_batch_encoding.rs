//! A [`LineBatch`] as bytes, for the hop from a helper worker back to the corpus worker (a tenth
//! of the lines' size: summaries, not spans). Written with the transfer's primitives; a damaged
//! buffer is an error, never a panic.

use std::collections::BTreeSet;

use super::line_batch::{LineBatch, LineTrace, LineWarning};
use super::summary::{SpanFacts, TraceSummary};
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

pub fn decode_line_batch(bytes: &[u8]) -> TransferResult<LineBatch> {
    let mut reader = Reader::new(bytes, 0);
    if !bytes.starts_with(MAGIC) {
        return reader.fail("not a batch of summarised lines");
    }
    reader.position = MAGIC.len();
    let batch = LineBatch {
        lines: reader.varint()?,
        without_spans: reader.varint()?,
        spans_read: reader.varint()?,
        warnings_left_out: reader.varint()?,
        formats: reader.list(Reader::text)?,
        warnings: reader.list(|reader| Ok(LineWarning { line: reader.varint()?, text: reader.text()? }))?,
        log_lines: reader.list(|reader| Ok((reader.varint()?, reader.u32()?)))?,
        traces: reader.list(|reader| {
            Ok(LineTrace { offset: reader.varint()?, length: reader.u32()?, summary: read_summary(reader)? })
        })?,
    };
    if reader.remaining() > 0 {
        return reader.fail("bytes after the batch");
    }
    Ok(batch)
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

fn read_summary(reader: &mut Reader) -> TransferResult<TraceSummary> {
    Ok(TraceSummary {
        trace_id: reader.text()?,
        name: reader.text()?,
        has_root: reader.flag()?,
        start_ns: reader.varint()?,
        end_ns: reader.varint()?,
        span_count: reader.varint()?,
        error_count: reader.varint()?,
        intent: reader.optional_text()?,
        variant: reader.optional_text()?,
        user: reader.optional_text()?,
        session: reader.optional_text()?,
        models: reader.list(Reader::text)?.into_iter().collect::<BTreeSet<_>>(),
        tools: reader.list(Reader::text)?.into_iter().collect::<BTreeSet<_>>(),
        feedback: reader.byte()?,
        scores: reader.list(|reader| Ok((reader.text()?, reader.float()?)))?,
        tokens: reader.varint()?,
        cost_usd: reader.option(Reader::float)?,
        documents: reader.varint()?,
        input_preview: reader.optional_text()?,
        output_preview: reader.optional_text()?,
        attributes: reader.list(|reader| Ok((reader.text()?, reader.text()?)))?,
        spans: reader.list(|reader| {
            Ok(SpanFacts {
                name: reader.text()?,
                kind: match SpanKind::ALL.get(usize::from(reader.byte()?)) {
                    Some(kind) => *kind,
                    None => return reader.fail("unknown span kind"),
                },
                failed: reader.flag()?,
                model: reader.optional_text()?,
                tool: reader.optional_text()?,
            })
        })?,
        signature: reader.optional_text()?,
        error_template: reader.optional_text()?,
        skeleton: reader.raw()?.to_vec(),
    })
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
