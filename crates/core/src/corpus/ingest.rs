//! Reads a corpus's files a chunk at a time, in one streaming pass. A JSON Lines file (its first
//! line a whole JSON value) is imported line by line as its bytes arrive, so no file is ever held
//! whole; each trace remembers the byte range of every line that held its spans. Any other file
//! (one JSON document, perhaps pretty-printed) is gathered and imported at its end, its traces
//! pointing at the whole file. Each line or document may be of any format the importers read.

use super::index::{CorpusIndex, TraceSource};
use super::summary::TraceSummary;
use crate::import::{import_bytes, ImportError};

/// Problems listed per file at most; later ones are counted.
const MAX_WARNINGS_PER_FILE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Layout {
    /// Not yet known: no complete first line seen.
    Unknown,
    Lines,
    Document,
}

/// One input file being read.
#[derive(Debug)]
pub struct FileReader {
    pub name: String,
    file: u32,
    layout: Layout,
    /// Bytes received and not yet read (a line's start, or the whole document so far).
    pending: Vec<u8>,
    /// Offset in the file of `pending[0]`.
    pending_offset: u64,
    /// Lines read so far (for messages).
    line_number: u64,
    pub bytes_received: u64,
    pub warnings: Vec<String>,
    pub warnings_left_out: u64,
    /// Traces (or parts of traces) this file held.
    pub traces_read: u64,
    pub spans_read: u64,
    /// Lines or documents that held no spans (log records, metrics, blank objects).
    pub without_spans: u64,
    /// The format(s) the file's lines or document were read as.
    pub formats: Vec<String>,
}

impl FileReader {
    pub fn new(file: u32, name: &str) -> FileReader {
        FileReader {
            name: name.to_string(),
            file,
            layout: Layout::Unknown,
            pending: Vec::new(),
            pending_offset: 0,
            line_number: 0,
            bytes_received: 0,
            warnings: Vec::new(),
            warnings_left_out: 0,
            traces_read: 0,
            spans_read: 0,
            without_spans: 0,
            formats: Vec::new(),
        }
    }

    pub fn warn(&mut self, warning: String) {
        if self.warnings.len() < MAX_WARNINGS_PER_FILE {
            self.warnings.push(warning);
        } else {
            self.warnings_left_out += 1;
        }
    }

    /// Takes the next bytes of the file, indexing every complete line (in a JSON Lines file).
    pub fn feed(&mut self, index: &mut CorpusIndex, chunk: &[u8]) {
        self.bytes_received += chunk.len() as u64;
        let searched_from = self.pending.len();
        self.pending.extend_from_slice(chunk);
        if self.layout == Layout::Unknown {
            // Only the new bytes are searched: a document on one line is never scanned twice.
            let Some(newline) = self.pending[searched_from..].iter().position(|byte| *byte == b'\n') else { return };
            let newline = searched_from + newline;
            self.layout = if is_whole_json_value(&self.pending[..newline]) { Layout::Lines } else { Layout::Document };
            if self.layout == Layout::Document {
                return;
            }
            self.read_lines(index, 0);
        } else if self.layout == Layout::Lines {
            self.read_lines(index, searched_from);
        }
    }

    /// Reads the complete lines in `pending` (the first newline at or after `searched_from`).
    fn read_lines(&mut self, index: &mut CorpusIndex, searched_from: usize) {
        let Some(last_newline) = self.pending[searched_from..].iter().rposition(|byte| *byte == b'\n') else { return };
        let complete = searched_from + last_newline + 1;
        let pending = std::mem::take(&mut self.pending);
        let mut line_start = 0;
        for line_end in pending[..complete].iter().enumerate().filter(|(_, byte)| **byte == b'\n').map(|(at, _)| at) {
            self.read_line(index, &pending[line_start..line_end], self.pending_offset + line_start as u64);
            line_start = line_end + 1;
        }
        self.pending = pending[complete..].to_vec();
        self.pending_offset += complete as u64;
    }

    fn read_line(&mut self, index: &mut CorpusIndex, line: &[u8], offset: u64) {
        self.line_number += 1;
        let line = if self.line_number == 1 { line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line) } else { line };
        let trimmed = line.strip_suffix(b"\r").unwrap_or(line);
        if trimmed.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let source = TraceSource::Range { file: self.file, offset, length: line.len().min(u32::MAX as usize) as u32 };
        let label = format!("{} line {}", self.name, self.line_number);
        self.import(index, trimmed, source, &label);
    }

    fn import(&mut self, index: &mut CorpusIndex, bytes: &[u8], source: TraceSource, label: &str) {
        match import_bytes(bytes, None) {
            Ok(set) => {
                if !self.formats.contains(&set.format) {
                    self.formats.push(set.format.clone());
                }
                for warning in &set.warnings {
                    self.warn(format!("{label}: {warning}"));
                }
                for trace in &set.traces {
                    self.traces_read += 1;
                    self.spans_read += trace.spans.len() as u64;
                    index.add(TraceSummary::of(trace), source);
                }
            }
            Err(ImportError::NoSpans { .. }) => {
                if contains(bytes, b"\"resourceLogs\"") || contains(bytes, b"\"resource_logs\"") {
                    index.log_sources.push(source);
                } else {
                    self.without_spans += 1;
                }
            }
            Err(mut error) => {
                // A line is parsed alone: its errors say line 1, which is this line of the file.
                if let (Layout::Lines, ImportError::MalformedJson { line, .. } | ImportError::NotUtf8 { line, .. }) =
                    (self.layout, &mut error)
                {
                    *line = self.line_number as usize;
                }
                self.warn(format!("{label} was skipped: {error}"));
            }
        }
    }

    /// The file has ended: reads its last line, or imports the document gathered.
    pub fn finish(&mut self, index: &mut CorpusIndex) {
        let pending = std::mem::take(&mut self.pending);
        let offset = self.pending_offset;
        self.pending_offset += pending.len() as u64;
        match self.layout {
            Layout::Lines => self.read_line(index, &pending, offset),
            // No newline at all: one document on one line.
            Layout::Unknown | Layout::Document => {
                let source = TraceSource::Range {
                    file: self.file,
                    offset: 0,
                    length: pending.len().min(u32::MAX as usize) as u32,
                };
                let label = self.name.clone();
                self.import(index, &pending, source, &label);
            }
        }
        if self.without_spans > 0 {
            let what = if self.layout == Layout::Document { "The document" } else { "Lines" };
            self.warn(format!("{}: {what} without spans ({}) were passed over", self.name, self.without_spans));
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Whether `bytes` (a first line) is one complete JSON value: the file is then JSON Lines (or a
/// one-line document, read the same way).
fn is_whole_json_value(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut seen_value = false;
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                seen_value = true;
            }
            b'{' | b'[' => {
                depth += 1;
                seen_value = true;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            byte if byte.is_ascii_whitespace() => {}
            _ => seen_value = true,
        }
    }
    seen_value && depth == 0 && !in_string
}
