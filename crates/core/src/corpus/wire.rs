//! The corpus worker's answers as compact bytes for the page: a window of table rows, the totals
//! and facets, the columns and per-file reports. Written with the transfer's primitives (which the
//! page's module carries already for traces), so the page needs no deserializer of its own.

use super::facets::{CorpusTotals, Facet, FacetValue};
use super::sessions::{SessionRow, SessionsPage};
use super::{FileReport, TableRow, TableWindow};
use crate::transfer::primitives::{Reader, TransferResult, Writer};

fn write_row(writer: &mut Writer, row: &TableRow) {
    writer.text(&row.trace_id);
    writer.text(&row.name);
    writer.float(row.start_ms);
    writer.float(row.duration_ms);
    writer.varint(u64::from(row.spans));
    writer.varint(u64::from(row.errors));
    writer.optional_text(&row.intent);
    writer.list(&row.models, |writer, model| writer.text(model));
    writer.list(&row.tools, |writer, tool| writer.text(tool));
    writer.optional_text(&row.variant);
    writer.optional_text(&row.user);
    writer.optional_text(&row.session);
    writer.list(&row.feedback, |writer, signal| writer.text(signal));
    writer.list(&row.scores, |writer, (name, value)| {
        writer.text(name);
        writer.float(*value);
    });
    writer.float(row.tokens);
    writer.option(&row.cost_usd, |writer, cost| writer.float(*cost));
    writer.varint(u64::from(row.documents));
    writer.optional_text(&row.input);
    writer.optional_text(&row.output);
    for pairs in [&row.attributes, &row.outcomes] {
        writer.list(pairs, |writer, (key, value)| {
            writer.text(key);
            writer.text(value);
        });
    }
    writer.optional_text(&row.signature);
    writer.optional_text(&row.error_template);
    writer.list(&row.labels, |writer, label| writer.text(label));
}

fn read_row(reader: &mut Reader) -> TransferResult<TableRow> {
    Ok(TableRow {
        trace_id: reader.text()?,
        name: reader.text()?,
        start_ms: reader.float()?,
        duration_ms: reader.float()?,
        spans: reader.u32()?,
        errors: reader.u32()?,
        intent: reader.optional_text()?,
        models: reader.list(Reader::text)?,
        tools: reader.list(Reader::text)?,
        variant: reader.optional_text()?,
        user: reader.optional_text()?,
        session: reader.optional_text()?,
        feedback: reader.list(Reader::text)?,
        scores: reader.list(|reader| Ok((reader.text()?, reader.float()?)))?,
        tokens: reader.float()?,
        cost_usd: reader.option(Reader::float)?,
        documents: reader.u32()?,
        input: reader.optional_text()?,
        output: reader.optional_text()?,
        attributes: reader.list(|reader| Ok((reader.text()?, reader.text()?)))?,
        outcomes: reader.list(|reader| Ok((reader.text()?, reader.text()?)))?,
        signature: reader.optional_text()?,
        error_template: reader.optional_text()?,
        labels: reader.list(Reader::text)?,
    })
}

pub fn encode_window(window: &TableWindow) -> Vec<u8> {
    let mut writer = Writer::default();
    writer.varint(window.count);
    writer.varint(window.offset);
    writer.list(&window.rows, write_row);
    writer.bytes
}

pub fn decode_window(bytes: &[u8]) -> TransferResult<TableWindow> {
    let mut reader = Reader::new(bytes, 0);
    Ok(TableWindow { count: reader.varint()?, offset: reader.varint()?, rows: reader.list(read_row)? })
}

pub fn encode_overview(totals: &CorpusTotals, facets: &[Facet]) -> Vec<u8> {
    let mut writer = Writer::default();
    writer.varint(totals.traces);
    writer.varint(totals.failed);
    writer.option(&totals.p95_duration_ms, |writer, value| writer.float(*value));
    writer.option(&totals.p50_duration_ms, |writer, value| writer.float(*value));
    writer.float(totals.cost_usd);
    writer.varint(totals.tokens);
    writer.list(facets, |writer, facet| {
        writer.text(&facet.field);
        writer.list(&facet.values, |writer, value| {
            writer.text(&value.value);
            writer.varint(value.count);
        });
        writer.varint(facet.distinct);
        writer.varint(facet.missing);
    });
    writer.bytes
}

pub fn decode_overview(bytes: &[u8]) -> TransferResult<(CorpusTotals, Vec<Facet>)> {
    let mut reader = Reader::new(bytes, 0);
    let totals = CorpusTotals {
        traces: reader.varint()?,
        failed: reader.varint()?,
        p95_duration_ms: reader.option(Reader::float)?,
        p50_duration_ms: reader.option(Reader::float)?,
        cost_usd: reader.float()?,
        tokens: reader.varint()?,
    };
    let facets = reader.list(|reader| {
        Ok(Facet {
            field: reader.text()?,
            values: reader.list(|reader| Ok(FacetValue { value: reader.text()?, count: reader.varint()? }))?,
            distinct: reader.varint()?,
            missing: reader.varint()?,
        })
    })?;
    Ok((totals, facets))
}

pub fn encode_details(columns: &[String], reports: &[FileReport]) -> Vec<u8> {
    let mut writer = Writer::default();
    writer.list(columns, |writer, column| writer.text(column));
    writer.list(reports, |writer, report| {
        writer.text(&report.name);
        writer.varint(report.bytes);
        writer.varint(report.traces);
        writer.list(&report.formats, |writer, format| writer.text(format));
        writer.list(&report.warnings, |writer, warning| writer.text(warning));
        writer.varint(report.warnings_left_out);
    });
    writer.bytes
}

pub fn decode_details(bytes: &[u8]) -> TransferResult<(Vec<String>, Vec<FileReport>)> {
    let mut reader = Reader::new(bytes, 0);
    let columns = reader.list(Reader::text)?;
    let reports = reader.list(|reader| {
        Ok(FileReport {
            name: reader.text()?,
            bytes: reader.varint()?,
            traces: reader.varint()?,
            formats: reader.list(Reader::text)?,
            warnings: reader.list(Reader::text)?,
            warnings_left_out: reader.varint()?,
        })
    })?;
    Ok((columns, reports))
}

pub fn encode_sessions(page: &SessionsPage) -> Vec<u8> {
    let mut writer = Writer::default();
    writer.varint(page.count);
    writer.varint(page.traces_without_session);
    writer.varint(page.offset);
    writer.list(&page.sessions, |writer, row| {
        writer.text(&row.session);
        writer.optional_text(&row.user);
        writer.varint(u64::from(row.turns));
        writer.float(row.start_ms);
        writer.float(row.duration_ms);
        writer.varint(u64::from(row.failed_turns));
        writer.option(&row.cost_usd, |writer, cost| writer.float(*cost));
        writer.float(row.tokens);
        for count in [row.thumbs_up, row.thumbs_down, row.follow_ups] {
            writer.varint(u64::from(count));
        }
        writer.optional_text(&row.outcome);
        writer.optional_text(&row.first_input);
    });
    writer.bytes
}

pub fn decode_sessions(bytes: &[u8]) -> TransferResult<SessionsPage> {
    let mut reader = Reader::new(bytes, 0);
    Ok(SessionsPage {
        count: reader.varint()?,
        traces_without_session: reader.varint()?,
        offset: reader.varint()?,
        sessions: reader.list(|reader| {
            Ok(SessionRow {
                session: reader.text()?,
                user: reader.optional_text()?,
                turns: reader.u32()?,
                start_ms: reader.float()?,
                duration_ms: reader.float()?,
                failed_turns: reader.u32()?,
                cost_usd: reader.option(Reader::float)?,
                tokens: reader.float()?,
                thumbs_up: reader.u32()?,
                thumbs_down: reader.u32()?,
                follow_ups: reader.u32()?,
                outcome: reader.optional_text()?,
                first_input: reader.optional_text()?,
            })
        })?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;

    #[test]
    fn windows_overviews_and_details_come_back_as_they_were_written() {
        let mut corpus = Corpus::new();
        let file = corpus.add_file("corpus.jsonl");
        corpus.feed(file, crate::generate::corpus::otlp_json_lines(40).as_bytes());
        corpus.finish_file(file);
        let window = corpus.window("", "cost desc", 3, 20).unwrap();
        assert_eq!(window.rows.len(), 20);
        assert_eq!(decode_window(&encode_window(&window)).unwrap(), window);
        let (totals, facets) = corpus.overview("status = ok").unwrap();
        assert_eq!(decode_overview(&encode_overview(&totals, &facets)).unwrap(), (totals, facets));
        let (columns, reports) = (corpus.columns(), corpus.file_reports());
        assert_eq!(decode_details(&encode_details(&columns, &reports)).unwrap(), (columns, reports));
        assert!(decode_window(&encode_window(&window)[..30]).is_err(), "cut bytes are an error");
        let sessions = corpus.sessions("", "turns desc", 2, 5).unwrap();
        assert_eq!(sessions.sessions.len(), 5);
        assert_eq!(decode_sessions(&encode_sessions(&sessions)).unwrap(), sessions);
    }
}
