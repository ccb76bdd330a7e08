//! Reads a corpus's files a chunk at a time, in one streaming pass. A JSON Lines file (its first
//! line a whole JSON value) is imported line by line as its bytes arrive, so no file is ever held
//! whole; each trace remembers the byte range of every line that held its spans. Any other file
//! (one JSON document, perhaps pretty-printed) is gathered and imported at its end, its traces
//! pointing at the whole file. Each line or document may be of any format the importers read.

use super::document_split::{recognise_opening, Opening, SplitDocument};
use super::index::{CorpusIndex, TraceSource};
use super::line_batch::{summarize, summarize_document, summarize_lines, LineBatch, LinesAt, MAX_WARNINGS_PER_FILE};
use super::line_batch_encoding::LineBatchView;
use super::newlines;
use crate::transfer::primitives::TransferResult;

/// Complete lines taken from a file, to be summarised ([`summarize_lines`]) and absorbed: the
/// bytes kept from before (`head`, the start of a line) and then the chunk's first `take`
/// bytes. The caller joins them (a page has the chunk already: nothing copies it twice).
#[derive(Debug)]
pub struct LineSplit {
    pub head: Vec<u8>,
    pub take: usize,
    pub at: LinesAt,
    /// A split document's opening: the bytes are elements, not lines.
    pub opening: Option<Vec<u8>>,
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

/// A first line still without its newline past this many bytes is a document on one line: it is
/// split into its elements if it can be (see [`super::document_split`]).
const ONE_LINE_DOCUMENT_BYTES: usize = 64 << 20;
/// Bytes after a split document's array kept to tell what they were.
const TAIL_KEPT_BYTES: usize = 64;

#[derive(Debug, Clone)]
enum Layout {
    /// Not yet known: no complete first line seen.
    Unknown,
    Lines,
    /// One document, gathered whole (`deciding`: its opening is still looked at to split it).
    Document {
        deciding: bool,
    },
    /// One document read element by element.
    Elements(Box<SplitDocument>),
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
    /// Lines (or a split document's elements) read so far, for messages.
    line_number: u64,
    /// A split document's bytes after its array: how many, and the first few.
    tail_bytes: u64,
    tail: Vec<u8>,
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
            tail_bytes: 0,
            tail: Vec::new(),
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
            let batch = summarize(&split.bytes(chunk), split.at, split.opening.as_deref());
            self.absorb(index, batch);
        }
    }

    /// Takes the next bytes of the file and says which are complete lines, with where they sit,
    /// for [`summarize_lines`] to read (here or in a helper worker); the batch it gives goes to
    /// [`FileReader::absorb`], batches in the order their lines were taken. `None` while no
    /// complete line has come, or when the file is one document (gathered for
    /// [`FileReader::finish`]).
    pub fn take_lines(&mut self, chunk: &[u8]) -> Option<LineSplit> {
        if self.reads_lines() {
            let last_newline = newlines::find_last(chunk);
            return self.take_lines_after(chunk.len(), last_newline, &chunk[last_newline.map_or(0, |at| at + 1)..]);
        }
        self.bytes_received += chunk.len() as u64;
        match &mut self.layout {
            Layout::Lines => unreachable!("JSON Lines are taken above"),
            Layout::Elements(document) => {
                if document.ended_at().is_some() {
                    self.keep_tail(chunk);
                    return None;
                }
                let chunk_start = self.pending_offset + self.pending.len() as u64;
                let last_end = document.scan(chunk);
                let ended = document.ended_at();
                let taken = last_end.map(|end| {
                    let take = (end - chunk_start) as usize;
                    let head = std::mem::replace(&mut self.pending, chunk[take..].to_vec());
                    self.split(head, take)
                });
                if taken.is_none() {
                    self.pending.extend_from_slice(chunk);
                }
                if ended.is_some() {
                    let rest = std::mem::take(&mut self.pending);
                    self.keep_tail(&rest);
                }
                taken
            }
            Layout::Document { deciding } => {
                let deciding = *deciding;
                self.pending.extend_from_slice(chunk);
                if deciding {
                    return self.try_split();
                }
                None
            }
            Layout::Unknown => {
                // Only the new bytes are searched: a document on one line is never scanned twice.
                let searched_from = self.pending.len();
                self.pending.extend_from_slice(chunk);
                let Some(newline) = newlines::find(&self.pending[searched_from..]).map(|at| searched_from + at) else {
                    if self.pending.len() > ONE_LINE_DOCUMENT_BYTES {
                        self.layout = Layout::Document { deciding: true };
                        return self.try_split();
                    }
                    return None;
                };
                if !is_whole_json_value(&self.pending[..newline]) {
                    self.layout = Layout::Document { deciding: true };
                    return self.try_split();
                }
                self.layout = Layout::Lines;
                // The first lines: everything gathered is the head.
                let complete = searched_from + newlines::find_last(&self.pending[searched_from..])? + 1;
                let rest = self.pending[complete..].to_vec();
                let mut head = std::mem::replace(&mut self.pending, rest);
                head.truncate(complete);
                Some(self.split(head, 0))
            }
        }
    }

    /// A document whose opening may now be known: read element by element from here on if it
    /// can be (the elements complete so far are handed back), else gathered whole.
    fn try_split(&mut self) -> Option<LineSplit> {
        let (key, length) = match recognise_opening(&self.pending) {
            Opening::Incomplete => return None,
            Opening::Whole => {
                self.layout = Layout::Document { deciding: false };
                return None;
            }
            Opening::Split { key, length } => (key, length),
        };
        // Nothing was taken before: `pending` is the file from its first byte.
        let gathered = std::mem::take(&mut self.pending);
        let mut document = SplitDocument::new(key, gathered[..length].to_vec());
        let last_end = document.scan(&gathered[length..]).map(|end| end as usize);
        let ended = document.ended_at();
        self.layout = Layout::Elements(Box::new(document));
        self.pending_offset = length as u64;
        let end = last_end.unwrap_or(length);
        self.pending = gathered[end..].to_vec();
        let taken = last_end.map(|_| self.split(gathered[length..end].to_vec(), 0));
        if ended.is_some() {
            let rest = std::mem::take(&mut self.pending);
            self.keep_tail(&rest);
        }
        taken
    }

    /// Bytes of a split document after its last element: counted, the first few kept to tell
    /// whether they were more than the array's and the document's closing.
    fn keep_tail(&mut self, bytes: &[u8]) {
        self.tail_bytes += bytes.len() as u64;
        let room = TAIL_KEPT_BYTES.saturating_sub(self.tail.len());
        self.tail.extend_from_slice(&bytes[..room.min(bytes.len())]);
    }

    /// Whether the file is known to be JSON Lines (then [`Self::take_lines_after`] takes its chunks).
    pub fn reads_lines(&self) -> bool {
        matches!(self.layout, Layout::Lines)
    }

    /// [`Self::take_lines`] of a JSON Lines file's next `chunk_length` bytes given only where
    /// their last newline is and the bytes after it (all of them when there is none): the corpus
    /// worker finds that newline itself, so a slice of many megabytes is not copied into wasm
    /// memory only to be searched. Only for a file that [`Self::reads_lines`].
    pub fn take_lines_after(
        &mut self,
        chunk_length: usize,
        last_newline: Option<usize>,
        tail: &[u8],
    ) -> Option<LineSplit> {
        debug_assert!(self.reads_lines());
        self.bytes_received += chunk_length as u64;
        let Some(last_newline) = last_newline else {
            self.pending.extend_from_slice(tail);
            return None;
        };
        let head = std::mem::replace(&mut self.pending, tail.to_vec());
        Some(self.split(head, last_newline + 1))
    }

    fn split(&mut self, head: Vec<u8>, take: usize) -> LineSplit {
        let at = LinesAt { offset: self.pending_offset, starts_file: self.pending_offset == 0 };
        self.pending_offset += (head.len() + take) as u64;
        let opening = match &self.layout {
            Layout::Elements(document) => Some(document.opening.clone()),
            _ => None,
        };
        LineSplit { head, take, at, opening }
    }

    /// Joins a batch of this file's lines into the index (batches in file order).
    pub fn absorb(&mut self, index: &mut CorpusIndex, mut batch: LineBatch) {
        let traces = std::mem::take(&mut batch.traces);
        self.absorb_rest(index, batch);
        for trace in traces {
            self.traces_read += 1;
            index
                .add(trace.summary, TraceSource::Range { file: self.file, offset: trace.offset, length: trace.length });
        }
    }

    /// [`Self::absorb`] of a batch read in place (a helper's bytes): its summaries are added from
    /// the bytes, not copied out first.
    pub fn absorb_view(&mut self, index: &mut CorpusIndex, mut batch: LineBatchView<'_>) -> TransferResult<()> {
        self.absorb_rest(index, std::mem::take(&mut batch.rest));
        let file = self.file;
        let mut traces_read = 0;
        let joined = batch.each_trace(|offset, length, summary| {
            traces_read += 1;
            index.add_view(summary, TraceSource::Range { file, offset, length });
        });
        self.traces_read += traces_read;
        joined
    }

    /// What a batch holds besides its traces: formats, warnings, counts, log lines.
    fn absorb_rest(&mut self, index: &mut CorpusIndex, batch: LineBatch) {
        for format in batch.formats {
            if !self.formats.contains(&format) {
                self.formats.push(format);
            }
        }
        for warning in batch.warnings {
            let place = match &self.layout {
                Layout::Elements(document) => format!(" {}[{}]", document.key, self.line_number + warning.line),
                Layout::Lines => format!(" line {}", self.line_number + 1 + warning.line),
                // A document gathered whole: its name is the place.
                Layout::Unknown | Layout::Document { .. } => String::new(),
            };
            self.warn(format!("{}{place}{}", self.name, warning.text));
        }
        self.line_number += batch.lines;
        self.warnings_left_out += batch.warnings_left_out;
        self.spans_read += batch.spans_read;
        self.without_spans += batch.without_spans;
        for (offset, length) in batch.log_lines {
            index.log_sources.push(TraceSource::Range { file: self.file, offset, length });
        }
    }

    /// The file has ended: reads its last line, or imports the document gathered.
    pub fn finish(&mut self, index: &mut CorpusIndex) {
        let pending = std::mem::take(&mut self.pending);
        let offset = self.pending_offset;
        self.pending_offset += pending.len() as u64;
        match &self.layout {
            Layout::Lines => {
                let batch = summarize_lines(&pending, LinesAt { offset, starts_file: offset == 0 });
                self.absorb(index, batch);
            }
            Layout::Elements(document) => {
                let key = document.key.clone();
                if document.ended_at().is_none() {
                    self.warn(format!(
                        "{}: the file ends inside its \"{key}\" array ({} bytes of an element left unread)",
                        self.name,
                        pending.len()
                    ));
                }
                let closing_only =
                    self.tail.iter().all(|byte| byte.is_ascii_whitespace() || matches!(byte, b']' | b'}'));
                if !closing_only || self.tail_bytes > TAIL_KEPT_BYTES as u64 {
                    self.warn(format!(
                        "{}: {} bytes after the \"{key}\" array were not read (a large document is read one element of that array at a time)",
                        self.name, self.tail_bytes
                    ));
                }
            }
            // No newline at all: one document on one line.
            Layout::Unknown | Layout::Document { .. } => {
                let batch = summarize_document(&pending);
                self.absorb(index, batch);
            }
        }
        if self.without_spans > 0 {
            let what = match self.layout {
                Layout::Document { .. } => "The document",
                Layout::Elements(_) => "Elements",
                _ => "Lines",
            };
            self.warn(format!("{}: {what} without spans ({}) were passed over", self.name, self.without_spans));
        }
    }

    /// A split document's opening (what each of its elements is put back in to be read), if the
    /// file is one.
    pub fn opening(&self) -> Option<&[u8]> {
        match &self.layout {
            Layout::Elements(document) => Some(&document.opening),
            _ => None,
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
