//! Reads a corpus's files a chunk at a time, in one streaming pass. A JSON Lines file (its first
//! line a whole JSON value) is imported line by line as its bytes arrive, so no file is ever held
//! whole; each trace remembers the byte range of every line that held its spans. Any other file
//! (one JSON document, perhaps pretty-printed) is gathered and imported at its end, its traces
//! pointing at the whole file. Each line or document may be of any format the importers read.

use super::index::{CorpusIndex, TraceSource};
use super::line_batch::{contains, summarize_lines, LineBatch, LinesAt, MAX_WARNINGS_PER_FILE};
use super::newlines;
use super::summary::TraceSummary;
use crate::import::{import_bytes, ImportError};

/// Complete lines taken from a file, to be summarised ([`summarize_lines`]) and absorbed: the
/// bytes kept from before (`head`, the start of a line) and then the chunk's first `take`
/// bytes. The caller joins them (a page has the chunk already: nothing copies it twice).
#[derive(Debug)]
pub struct LineSplit {
    pub head: Vec<u8>,
    pub take: usize,
    pub at: LinesAt,
}

impl LineSplit {
    /// The lines' bytes, from the chunk the split was taken of.
    pub fn bytes(&self, chunk: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(self.head.len() + self.take);
        bytes.extend_from_slice(&self.head);
        bytes.extend_from_slice(&chunk[..self.take]);
        bytes
    }
}

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
        if let Some(split) = self.take_lines(chunk) {
            let batch = summarize_lines(&split.bytes(chunk), split.at);
            self.absorb(index, batch);
        }
    }

    /// Takes the next bytes of the file and says which are complete lines, with where they sit,
    /// for [`summarize_lines`] to read (here or in a helper worker); the batch it gives goes to
    /// [`FileReader::absorb`], batches in the order their lines were taken. `None` while no
    /// complete line has come, or when the file is one document (gathered for
    /// [`FileReader::finish`]).
    pub fn take_lines(&mut self, chunk: &[u8]) -> Option<LineSplit> {
        self.bytes_received += chunk.len() as u64;
        match self.layout {
            Layout::Lines => {
                let Some(last_newline) = newlines::find_last(chunk) else {
                    self.pending.extend_from_slice(chunk);
                    return None;
                };
                let head = std::mem::replace(&mut self.pending, chunk[last_newline + 1..].to_vec());
                Some(self.split(head, last_newline + 1))
            }
            Layout::Document => {
                self.pending.extend_from_slice(chunk);
                None
            }
            Layout::Unknown => {
                // Only the new bytes are searched: a document on one line is never scanned twice.
                let searched_from = self.pending.len();
                self.pending.extend_from_slice(chunk);
                let newline = searched_from + newlines::find(&self.pending[searched_from..])?;
                self.layout =
                    if is_whole_json_value(&self.pending[..newline]) { Layout::Lines } else { Layout::Document };
                if self.layout == Layout::Document {
                    return None;
                }
                // The first lines: everything gathered is the head.
                let complete = searched_from + newlines::find_last(&self.pending[searched_from..])? + 1;
                let rest = self.pending[complete..].to_vec();
                let mut head = std::mem::replace(&mut self.pending, rest);
                head.truncate(complete);
                Some(self.split(head, 0))
            }
        }
    }

    fn split(&mut self, head: Vec<u8>, take: usize) -> LineSplit {
        let at = LinesAt { offset: self.pending_offset, starts_file: self.pending_offset == 0 };
        self.pending_offset += (head.len() + take) as u64;
        LineSplit { head, take, at }
    }

    /// Joins a batch of this file's lines into the index (batches in file order).
    pub fn absorb(&mut self, index: &mut CorpusIndex, batch: LineBatch) {
        for format in batch.formats {
            if !self.formats.contains(&format) {
                self.formats.push(format);
            }
        }
        for warning in batch.warnings {
            let line_number = self.line_number + 1 + warning.line;
            self.warn(format!("{} line {line_number}{}", self.name, warning.text));
        }
        self.line_number += batch.lines;
        self.warnings_left_out += batch.warnings_left_out;
        self.spans_read += batch.spans_read;
        self.without_spans += batch.without_spans;
        for (offset, length) in batch.log_lines {
            index.log_sources.push(TraceSource::Range { file: self.file, offset, length });
        }
        for trace in batch.traces {
            self.traces_read += 1;
            index
                .add(trace.summary, TraceSource::Range { file: self.file, offset: trace.offset, length: trace.length });
        }
    }

    /// Imports a whole document (its traces pointing at the whole file).
    fn import_document(&mut self, index: &mut CorpusIndex, bytes: &[u8], source: TraceSource) {
        match import_bytes(bytes, None) {
            Ok(set) => {
                if !self.formats.contains(&set.format) {
                    self.formats.push(set.format.clone());
                }
                for warning in &set.warnings {
                    self.warn(format!("{}: {warning}", self.name));
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
            Err(error) => self.warn(format!("{} was skipped: {error}", self.name)),
        }
    }

    /// The file has ended: reads its last line, or imports the document gathered.
    pub fn finish(&mut self, index: &mut CorpusIndex) {
        let pending = std::mem::take(&mut self.pending);
        let offset = self.pending_offset;
        self.pending_offset += pending.len() as u64;
        match self.layout {
            Layout::Lines => {
                let batch = summarize_lines(&pending, LinesAt { offset, starts_file: offset == 0 });
                self.absorb(index, batch);
            }
            // No newline at all: one document on one line.
            Layout::Unknown | Layout::Document => {
                let source = TraceSource::Range {
                    file: self.file,
                    offset: 0,
                    length: pending.len().min(u32::MAX as usize) as u32,
                };
                self.import_document(index, &pending, source);
            }
        }
        if self.without_spans > 0 {
            let what = if self.layout == Layout::Document { "The document" } else { "Lines" };
            self.warn(format!("{}: {what} without spans ({}) were passed over", self.name, self.without_spans));
        }
    }
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
