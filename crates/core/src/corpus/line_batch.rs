//! A run of complete JSON Lines of one file, summarised on its own: each line imported (any format)
//! and reduced to [`TraceSummary`]s, with the problems found, ready to join the index. Summarising
//! needs nothing but the bytes and where they sit in the file, so helper workers do it in parallel
//! and the corpus worker joins the batches into its index in file order (see
//! [`super::ingest::FileReader::absorb`]); a corpus without helpers runs the same code itself.

use super::document_split::{each_element, CLOSING};
use super::newlines;
use super::summary::TraceSummary;
use crate::import::{import_bytes, ImportError};

/// Problems listed per file at most; later ones are counted.
pub const MAX_WARNINGS_PER_FILE: usize = 50;

/// Where a run of lines sits in its file.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinesAt {
    /// Byte offset in the file of the first line.
    pub offset: u64,
    /// Whether the first line is the file's first (whose byte-order mark is passed over).
    pub starts_file: bool,
}

/// A problem with one line, worded after the line's name ("a.jsonl line 7" + `text`): line
/// numbers are given when the batch joins the index, in order, so no one counts lines twice.
#[derive(Clone, Debug, PartialEq)]
pub struct LineWarning {
    /// The line's position in the batch, from 0 (blank lines count).
    pub line: u64,
    /// What follows the line's name: `: ...` or ` was skipped: ...`.
    pub text: String,
}

/// A trace (or part of one) a line held, and the line's bytes in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct LineTrace {
    pub summary: TraceSummary,
    pub offset: u64,
    pub length: u32,
}

/// What a run of lines held.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct LineBatch {
    /// Lines in the batch (blank ones too), or elements of a split document.
    pub lines: u64,
    pub traces: Vec<LineTrace>,
    /// Lines of OTel log records (no spans), as (offset, length): re-read with an opened trace.
    pub log_lines: Vec<(u64, u32)>,
    /// Lines that held no spans and no log records.
    pub without_spans: u64,
    pub spans_read: u64,
    /// Formats the lines were read as, in the order first seen.
    pub formats: Vec<String>,
    /// At most [`MAX_WARNINGS_PER_FILE`].
    pub warnings: Vec<LineWarning>,
    /// Messages past the cap, counted.
    pub warnings_left_out: u64,
}

impl LineBatch {
    /// Adds the batch of the lines that follow this batch's in the file.
    pub fn append(&mut self, next: LineBatch) {
        for format in next.formats {
            if !self.formats.contains(&format) {
                self.formats.push(format);
            }
        }
        for warning in next.warnings {
            self.warn(self.lines + warning.line, warning.text);
        }
        self.warnings_left_out += next.warnings_left_out;
        self.lines += next.lines;
        self.traces.extend(next.traces);
        self.log_lines.extend(next.log_lines);
        self.without_spans += next.without_spans;
        self.spans_read += next.spans_read;
    }

    fn warn(&mut self, line: u64, text: String) {
        if self.warnings.len() < MAX_WARNINGS_PER_FILE {
            self.warnings.push(LineWarning { line, text });
        } else {
            self.warnings_left_out += 1;
        }
    }
}

/// Summarises every line of `bytes` (lines end at `\n`; a last line without one counts).
pub fn summarize_lines(bytes: &[u8], at: LinesAt) -> LineBatch {
    let mut batch = LineBatch::default();
    for (line_index, (line_start, line)) in newlines::lines(bytes).enumerate() {
        batch.lines += 1;
        let offset = at.offset + line_start as u64;
        let line =
            if line_index == 0 && at.starts_file { line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line) } else { line };
        let trimmed = line.strip_suffix(b"\r").unwrap_or(line);
        if trimmed.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let length = line.len().min(u32::MAX as usize) as u32;
        summarize_line(&mut batch, trimmed, offset, length, line_index as u64, Wording::Line);
    }
    batch
}

/// Summarises every element of a run of a split document's array (see
/// [`super::document_split`]), each put back in the document's `opening`; the batch's "lines"
/// are its elements.
pub fn summarize_elements(bytes: &[u8], at: LinesAt, opening: &[u8]) -> LineBatch {
    let mut batch = LineBatch::default();
    let mut document = Vec::new();
    each_element(bytes, |start, element| {
        document.clear();
        document.extend_from_slice(opening);
        document.extend_from_slice(element);
        document.extend_from_slice(CLOSING.as_bytes());
        let index = batch.lines;
        batch.lines += 1;
        let length = element.len().min(u32::MAX as usize) as u32;
        summarize_line(&mut batch, &document, at.offset + start as u64, length, index, Wording::Line);
    });
    batch
}

/// Summarises a run of lines, or of a split document's elements when it has an `opening`.
pub fn summarize(bytes: &[u8], at: LinesAt, opening: Option<&[u8]>) -> LineBatch {
    match opening {
        Some(opening) => summarize_elements(bytes, at, opening),
        None => summarize_lines(bytes, at),
    }
}

/// [`summarize`] of `head` followed by `bytes` without joining them: only the line `head` begins
/// (a line cut by the end of the slice before) is put together; the lines after it are read where
/// they are. The corpus worker hands a helper the slice it read as it is, and the line left over
/// from the slice before apart.
pub fn summarize_after_head(head: &[u8], bytes: &[u8], at: LinesAt, opening: Option<&[u8]>) -> LineBatch {
    if head.is_empty() {
        return summarize(bytes, at, opening);
    }
    if opening.is_some() {
        return summarize(&[head, bytes].concat(), at, opening);
    }
    let first_end = newlines::find(bytes).map_or(bytes.len(), |newline| newline + 1);
    let first_line = [head, &bytes[..first_end]].concat();
    let mut batch = summarize_lines(&first_line, at);
    let rest_at = LinesAt { offset: at.offset + first_line.len() as u64, starts_file: false };
    batch.append(summarize_lines(&bytes[first_end..], rest_at));
    batch
}

/// Summarises a whole document: a batch of one "line", its problems worded for a document.
pub fn summarize_document(bytes: &[u8]) -> LineBatch {
    let mut batch = LineBatch::default();
    let length = bytes.len().min(u32::MAX as usize) as u32;
    summarize_line(&mut batch, bytes, 0, length, 0, Wording::Document);
    batch
}

/// How an import error is worded: a line's says only the column (its name gives the line), a
/// document's its own line and column.
#[derive(Clone, Copy)]
enum Wording {
    Line,
    Document,
}

fn summarize_line(batch: &mut LineBatch, line: &[u8], offset: u64, length: u32, line_index: u64, wording: Wording) {
    match import_bytes(line, None) {
        Ok(set) => {
            if !batch.formats.contains(&set.format) {
                batch.formats.push(set.format.clone());
            }
            for warning in &set.warnings {
                batch.warn(line_index, format!(": {warning}"));
            }
            for trace in &set.traces {
                batch.spans_read += trace.spans.len() as u64;
                batch.traces.push(LineTrace { summary: TraceSummary::of(trace), offset, length });
            }
        }
        Err(ImportError::NoSpans { .. } | ImportError::OnlyLogs { .. } | ImportError::OnlyFeedback { .. }) => {
            if contains(line, b"\"resourceLogs\"") || contains(line, b"\"resource_logs\"") {
                batch.log_lines.push((offset, length));
            } else {
                batch.without_spans += 1;
            }
        }
        Err(error) => {
            let text = match wording {
                Wording::Line => error.worded_for_a_line(),
                Wording::Document => error.to_string(),
            };
            batch.warn(line_index, format!(" was skipped: {text}"));
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_and_the_lines_after_it_summarise_as_the_lines_joined() {
        let otlp = |id: &str| {
            format!(
                r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"{id}","spanId":"01","name":"root","startTimeUnixNano":"1","endTimeUnixNano":"2"}}]}}]}}]}}"#
            )
        };
        let text = format!(
            "\u{feff}{}\n\nnot json\n{}\r\n{{\"resourceLogs\":[]}}\n{}\n[1,\n",
            otlp("0a"),
            otlp("0b"),
            otlp("0c")
        );
        let bytes = text.as_bytes();
        for starts_file in [true, false] {
            let at = LinesAt { offset: 500, starts_file };
            let whole = summarize_lines(bytes, at);
            assert_eq!(whole.warnings.len(), 2, "{:?}", whole.warnings);
            for cut in 0..=bytes.len() {
                let (head, rest) = bytes.split_at(cut);
                assert_eq!(summarize_after_head(head, rest, at, None), whole, "cut at {cut}");
            }
        }
    }

    #[test]
    fn a_batch_counts_its_lines_and_words_its_problems_after_the_line_s_name() {
        let otlp = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102","spanId":"01","name":"root","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#;
        let bytes = format!("{otlp}\n\nnot json\n{{\"resourceLogs\":[]}}\n{otlp}");
        let batch = summarize_lines(bytes.as_bytes(), LinesAt { offset: 1000, starts_file: false });
        assert_eq!(batch.lines, 5);
        assert_eq!(batch.traces.len(), 2);
        assert_eq!((batch.traces[0].offset, batch.traces[0].length), (1000, otlp.len() as u32));
        let last_offset = 1000 + bytes.len() as u64 - otlp.len() as u64;
        assert_eq!(batch.traces[1].offset, last_offset);
        assert_eq!(batch.warnings.len(), 1, "{:?}", batch.warnings);
        assert_eq!(batch.warnings[0].line, 2);
        assert_eq!(batch.warnings[0].text, " was skipped: it is not JSON: it starts with “not json”.");
        assert_eq!(batch.log_lines.len(), 1);
        assert_eq!(batch.formats.len(), 1);
    }
}
