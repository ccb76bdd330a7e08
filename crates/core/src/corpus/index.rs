//! The corpus index: one row per trace, stored by column (numbers in plain vectors, small counts
//! and dictionary numbers as narrow as their largest value needs, strings dictionary-encoded, sets
//! of strings numbered as sets), the spans' few facts that span-level
//! predicates need, and where each trace's bytes are so it can be read again when opened.
//! Rows are added from [`SummaryView`]s (borrowed [`TraceSummary`]s); a trace seen again (its
//! spans in another line or file) is merged into its row.

use std::collections::HashMap;

use super::codes::{CodeSlice, Codes};
use super::dictionary::{Dictionary, SetColumn, StringColumn, ABSENT};
use super::growing_overview::{MergeLog, RowFacts};
use super::signature::of_one_part;
use super::span_skeleton::SkeletonStore;
use super::summary::{FeedbackFlags, TraceSummary};
use super::summary_view::SummaryView;
use super::trace_ids::TraceIds;
use crate::model::SpanKind;
use std::borrow::Cow;
use std::cmp::Ordering;

/// Root and trace attribute keys kept as columns; later keys are counted, not kept.
pub const MAX_ATTRIBUTE_COLUMNS: usize = 64;
/// Distinct values one attribute column keeps; a column past it stops taking values and says so.
pub const MAX_ATTRIBUTE_VALUES: usize = 10_000;
/// Score names kept as columns.
pub const MAX_SCORE_COLUMNS: usize = 32;

/// Where a trace's bytes are: byte ranges of an input file (a JSON Lines line, a whole document),
/// or a trace the worker keeps whole (a document imported at once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceSource {
    Range { file: u32, offset: u64, length: u32 },
    Kept { index: u32 },
}

/// A source in twelve bytes: the file number in the top 16 bits of `file_and_offset` and the
/// offset in the other 48 (files past 65,533 or offsets past 256 TB are kept whole in
/// `more_sources` under a marker), the length beside it.
#[derive(Clone, Copy, Debug)]
#[repr(C, packed(4))]
struct PackedSource {
    file_and_offset: u64,
    length: u32,
}

const OFFSET_BITS: u32 = 48;
/// The packed file number of a kept trace (the offset is its index).
const KEPT_FILE: u64 = 0xFFFF;
/// The packed file number of a source too large to pack (found in `more_sources` first).
const FAR_FILE: u64 = 0xFFFE;

impl PackedSource {
    fn pack(source: TraceSource) -> Option<PackedSource> {
        match source {
            TraceSource::Range { file, offset, length } if u64::from(file) < FAR_FILE && offset < 1 << OFFSET_BITS => {
                Some(PackedSource { file_and_offset: u64::from(file) << OFFSET_BITS | offset, length })
            }
            TraceSource::Kept { index } => {
                Some(PackedSource { file_and_offset: KEPT_FILE << OFFSET_BITS | u64::from(index), length: 0 })
            }
            TraceSource::Range { .. } => None,
        }
    }

    /// The source, or `None` for a source kept in `more_sources`.
    fn unpack(self) -> Option<TraceSource> {
        let (file, offset) = (self.file_and_offset >> OFFSET_BITS, self.file_and_offset & ((1 << OFFSET_BITS) - 1));
        match file {
            KEPT_FILE => Some(TraceSource::Kept { index: offset as u32 }),
            FAR_FILE => None,
            _ => Some(TraceSource::Range { file: file as u32, offset, length: self.length }),
        }
    }
}

/// A span's facts for span-level predicates: its name, its model or tool, its kind and whether it
/// failed. Most spans of a corpus share a few such combinations, so each distinct one is stored
/// once (`kinds`) and a span holds its number (one byte a span while there are at most 256
/// combinations, see [`Codes`]), and a predicate is worked out once per combination, not once per
/// span.
#[derive(Default, Debug)]
pub struct SpanTable {
    pub names: Dictionary,
    pub details: Dictionary,
    /// Each distinct (name, detail, kind and status), numbered from 0.
    pub kinds: Vec<SpanKindFacts>,
    numbers: HashMap<SpanKindFacts, u32>,
    /// Per span, its combination's number.
    pub facts: Codes,
}

/// One distinct combination of a span's facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SpanKindFacts {
    pub name: u32,
    /// A model call's model, a tool span's tool (`ABSENT` otherwise), in `SpanTable::details`.
    pub detail: u32,
    /// The kind's place in [`SpanKind::ALL`] in the low bits, `FAILED` set when the span failed.
    pub kind_and_status: u8,
}

impl SpanTable {
    fn push(&mut self, facts: SpanKindFacts) {
        let next = self.kinds.len() as u32;
        let number = *self.numbers.entry(facts).or_insert(next);
        if number == next {
            self.kinds.push(facts);
        }
        self.facts.push(number);
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}

pub const FAILED: u8 = 0x80;

/// The bit of a row's feedback byte that says its root was seen (the signals use the low five).
const ROOT_SEEN: u8 = 0x80;

/// An attribute key kept as a column.
#[derive(Debug)]
pub struct AttributeColumn {
    pub key: String,
    pub column: StringColumn,
    /// Set once the column passed [`MAX_ATTRIBUTE_VALUES`]: later values are not kept.
    pub overflowed: bool,
}

/// A score name kept as a column: the value per row, NaN where a trace has none.
#[derive(Debug)]
pub struct ScoreColumn {
    pub name: String,
    pub rows: Vec<f64>,
}

#[derive(Default, Debug)]
pub struct CorpusIndex {
    /// Each row's trace id, and the row of an id.
    ids: TraceIds,
    pub start_ns: Vec<u64>,
    pub duration_ns: Vec<u64>,
    /// Counts as narrow as the largest needs (see [`Codes`]): a byte a trace while no trace has
    /// more than 255 spans.
    pub span_count: Codes,
    pub error_count: Codes,
    pub tokens: Vec<u64>,
    /// NaN where the trace states no cost.
    pub cost_usd: Vec<f64>,
    pub documents: Codes,
    /// The feedback signals' bits, and [`ROOT_SEEN`] once the part of the trace with its root (which
    /// gives its name and facts) was read. Read the signals with [`CorpusIndex::feedback_of`].
    feedback: Vec<FeedbackFlags>,
    pub name: StringColumn,
    pub intent: StringColumn,
    pub variant: StringColumn,
    pub user: StringColumn,
    pub session: StringColumn,
    pub models: SetColumn,
    pub tools: SetColumn,
    /// The structural signature (see [`super::signature`]).
    pub signature: StringColumn,
    /// The first failed span's masked error message (see [`super::error_template`]).
    pub error_template: StringColumn,
    /// The review categories a person gave each trace (set by the page, see [`Self::set_labels`]);
    /// its rows reach only as far as the last row labelled.
    pub labels: SetColumn,
    pub scores: Vec<ScoreColumn>,
    pub attributes: Vec<AttributeColumn>,
    /// Attribute keys seen after [`MAX_ATTRIBUTE_COLUMNS`] were kept.
    pub attribute_keys_left_out: usize,
    pub spans: SpanTable,
    /// Each row's first run of spans in `spans`: its start, and its length in `span_lengths`;
    /// later parts' runs (start, length) in `more_span_runs`.
    span_starts: Vec<u32>,
    span_lengths: Codes,
    more_span_runs: HashMap<u32, Vec<(u32, u32)>>,
    /// Each row's span skeleton (the merged tree's), used while the trace is in one part.
    skeletons: SkeletonStore,
    /// Rows merged after the growing overview counted them (see [`super::growing_overview`]).
    pub merge_log: MergeLog,
    /// Each row's first source packed in twelve bytes (see [`PackedSource`]); a trace's further
    /// sources (lines after its first) in `more_sources`.
    sources: Vec<PackedSource>,
    more_sources: HashMap<u32, Vec<TraceSource>>,
    /// Lines or documents holding log records and no spans (OTLP logs, where GenAI instrumentations
    /// put message content): re-read with every trace opened, so its logs attach to its spans.
    pub log_sources: Vec<TraceSource>,
    /// A product outcomes file joined to the traces (`outcome."column"` fields), if one was loaded.
    pub outcomes: Option<super::outcomes::Outcomes>,
    /// Previews of the user's input and the final output (not counted in the index's size).
    pub input_preview: StringColumnText,
    pub output_preview: StringColumnText,
}

/// Optional texts one per row, one after another in one buffer.
#[derive(Default, Debug)]
pub struct StringColumnText {
    bytes: String,
    /// Row `r`'s text is `bytes[ends[r - 1]..ends[r]]`; empty is "none".
    ends: Vec<u32>,
    /// Rows whose text was replaced after later rows were added.
    replaced: HashMap<u32, String>,
}

impl StringColumnText {
    fn push(&mut self, text: Option<&str>) {
        self.bytes.push_str(text.unwrap_or_default());
        self.ends.push(self.bytes.len().min(u32::MAX as usize) as u32);
    }

    fn set(&mut self, row: usize, text: &str) {
        self.replaced.insert(row as u32, text.to_string());
    }

    pub fn get(&self, row: usize) -> Option<&str> {
        if let Some(text) = self.replaced.get(&(row as u32)) {
            return Some(text);
        }
        let start = if row == 0 { 0 } else { self.ends[row - 1] as usize };
        let text = self.bytes.get(start..self.ends[row] as usize)?;
        (!text.is_empty()).then_some(text)
    }

    pub fn heap_bytes(&self) -> usize {
        self.bytes.len() + self.ends.len() * 4 + self.replaced.values().map(|text| text.len() + 40).sum::<usize>()
    }
}

/// A hasher for keys that are hashes already.
#[derive(Default, Clone, Copy, Debug)]
pub struct IdentityHash;

impl std::hash::BuildHasher for IdentityHash {
    type Hasher = IdentityHasher;
    fn build_hasher(&self) -> IdentityHasher {
        IdentityHasher(0)
    }
}

#[derive(Default)]
pub struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 << 8) | u64::from(*byte);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

fn saturating_u32(value: u64) -> u32 {
    value.min(u64::from(u32::MAX)) as u32
}

impl CorpusIndex {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Row `row`'s feedback signals (bits in the order of `FEEDBACK_SIGNALS`).
    pub fn feedback_of(&self, row: usize) -> FeedbackFlags {
        self.feedback[row] & !ROOT_SEEN
    }

    pub fn trace_id(&self, row: usize) -> Cow<'_, str> {
        self.ids.get(row)
    }

    /// The order of two rows' trace ids (as text).
    pub fn compare_trace_ids(&self, left: usize, right: usize) -> Ordering {
        self.ids.compare(left, right)
    }

    /// The row of a trace id.
    pub fn row_of(&self, trace_id: &str) -> Option<usize> {
        self.ids.find(trace_id)
    }

    /// Adds a trace (or a part of one already indexed, which is merged into its row) whose bytes
    /// are at `source`; returns its row.
    pub fn add(&mut self, summary: TraceSummary, source: TraceSource) -> usize {
        summary.with_view(|summary| self.add_view(summary, source))
    }

    /// [`Self::add`] from a borrowed summary: its texts are copied only where the index keeps them.
    pub fn add_view(&mut self, summary: &SummaryView<'_>, source: TraceSource) -> usize {
        if let Some(row) = self.row_of(summary.trace_id) {
            self.merge(row, summary, source);
            return row;
        }
        let row = self.ids.push(summary.trace_id);
        self.start_ns.push(summary.start_ns);
        self.duration_ns.push(summary.duration_ns());
        self.span_count.push(saturating_u32(summary.span_count));
        self.error_count.push(saturating_u32(summary.error_count));
        self.tokens.push(summary.tokens);
        self.cost_usd.push(summary.cost_usd.unwrap_or(f64::NAN));
        self.documents.push(saturating_u32(summary.documents));
        self.feedback.push(summary.feedback | if summary.has_root { ROOT_SEEN } else { 0 });
        let name = (!summary.name.is_empty()).then_some(summary.name);
        self.name.rows.push(self.name.dictionary.intern_option(name));
        self.intent.rows.push(self.intent.dictionary.intern_option(summary.intent));
        self.variant.rows.push(self.variant.dictionary.intern_option(summary.variant));
        self.user.rows.push(self.user.dictionary.intern_option(summary.user));
        self.session.rows.push(self.session.dictionary.intern_option(summary.session));
        let models = self.models.intern(summary.models.iter().copied());
        self.models.rows.push(models);
        let tools = self.tools.intern(summary.tools.iter().copied());
        self.tools.rows.push(tools);
        self.signature.rows.push(self.signature.dictionary.intern_option(summary.signature));
        self.error_template.rows.push(self.error_template.dictionary.intern_option(summary.error_template));
        self.input_preview.push(summary.input_preview);
        self.output_preview.push(summary.output_preview);
        self.set_scores(row, summary.scores, false);
        self.set_attributes(row, summary.attributes, false);
        let first_span = self.push_spans(summary);
        self.span_starts.push(first_span);
        self.span_lengths.push(saturating_u32(summary.spans.len() as u64));
        self.skeletons.push(summary.skeleton);
        match PackedSource::pack(source) {
            Some(packed) => self.sources.push(packed),
            None => {
                self.sources.push(PackedSource { file_and_offset: FAR_FILE << OFFSET_BITS, length: 0 });
                self.more_sources.entry(row as u32).or_default().push(source);
            }
        }
        row
    }

    fn merge(&mut self, row: usize, summary: &SummaryView<'_>, source: TraceSource) {
        if row < self.merge_log.counted {
            let before = RowFacts::of(self, row);
            self.merge_log.note(row, before);
        }
        let end = self.start_ns[row].saturating_add(self.duration_ns[row]).max(summary.end_ns);
        self.start_ns[row] = self.start_ns[row].min(summary.start_ns);
        self.duration_ns[row] = end - self.start_ns[row];
        self.span_count.set(row, self.span_count.at(row).saturating_add(saturating_u32(summary.span_count)));
        self.error_count.set(row, self.error_count.at(row).saturating_add(saturating_u32(summary.error_count)));
        self.tokens[row] = self.tokens[row].saturating_add(summary.tokens);
        if let Some(cost) = summary.cost_usd {
            let known = self.cost_usd[row];
            self.cost_usd[row] = if known.is_nan() { cost } else { known + cost };
        }
        self.documents.set(row, self.documents.at(row).saturating_add(saturating_u32(summary.documents)));
        // The part with the root names the trace and gives its facts; else the first part does.
        let replaces = summary.has_root && self.feedback[row] & ROOT_SEEN == 0;
        self.feedback[row] |= summary.feedback | if summary.has_root { ROOT_SEEN } else { 0 };
        let name = (!summary.name.is_empty()).then_some(summary.name);
        for (column, value) in [
            (&mut self.name, name),
            (&mut self.intent, summary.intent),
            (&mut self.variant, summary.variant),
            (&mut self.user, summary.user),
            (&mut self.session, summary.session),
            (&mut self.error_template, summary.error_template),
        ] {
            if let Some(value) = value {
                if replaces || column.rows.at(row) == ABSENT {
                    let number = column.dictionary.intern(value);
                    column.rows.set(row, number);
                }
            }
        }
        // A trace in parts: the lead part's signature, marked as partial (see `signature`).
        let signature = match (replaces, self.signature.value(row), summary.signature) {
            (false, Some(known), _) | (true, Some(known), None) => Some(of_one_part(known)),
            (_, _, Some(part)) => Some(of_one_part(part)),
            (_, None, None) => None,
        };
        let signature = self.signature.dictionary.intern_option(signature.as_deref());
        self.signature.rows.set(row, signature);
        for (column, value) in
            [(&mut self.input_preview, summary.input_preview), (&mut self.output_preview, summary.output_preview)]
        {
            if let Some(value) = value {
                if replaces || column.get(row).is_none() {
                    column.set(row, value);
                }
            }
        }
        // Sets join: the row's members and the part's, numbered again as one set.
        for (column, part) in [(&mut self.models, summary.models), (&mut self.tools, summary.tools)] {
            let joined = column.join(column.set_of(row), part.iter().copied());
            column.rows.set(row, joined);
        }
        self.set_scores(row, summary.scores, replaces);
        self.set_attributes(row, summary.attributes, replaces);
        let first_span = self.push_spans(summary);
        self.more_span_runs
            .entry(row as u32)
            .or_default()
            .push((first_span, saturating_u32(summary.spans.len() as u64)));
        let known = self.source(row).to_vec();
        if !known.contains(&source) {
            self.more_sources.entry(row as u32).or_default().push(source);
        }
    }

    /// Gives row `row` these label categories (none: clears its labels). The column's rows reach
    /// only as far as the last row labelled (rows past it have none).
    pub fn set_labels(&mut self, row: usize, categories: &[String]) {
        let labels = self.labels.intern(categories.iter().map(String::as_str));
        self.labels.rows.set(row, labels);
    }

    fn set_scores(&mut self, row: usize, scores: &[(&str, f64)], replace: bool) {
        for &(name, value) in scores {
            let position = match self.scores.iter().position(|column| column.name == *name) {
                Some(position) => position,
                None if self.scores.len() < MAX_SCORE_COLUMNS => {
                    self.scores.push(ScoreColumn { name: name.to_string(), rows: Vec::new() });
                    self.scores.len() - 1
                }
                None => continue,
            };
            let rows = &mut self.scores[position].rows;
            if rows.len() <= row {
                rows.resize(row + 1, f64::NAN);
            }
            if replace || rows[row].is_nan() {
                rows[row] = value;
            }
        }
    }

    fn set_attributes(&mut self, row: usize, attributes: &[(&str, &str)], replace: bool) {
        for &(key, value) in attributes {
            let position = match self.attributes.iter().position(|column| column.key == *key) {
                Some(position) => position,
                None if self.attributes.len() < MAX_ATTRIBUTE_COLUMNS => {
                    self.attributes.push(AttributeColumn {
                        key: key.to_string(),
                        column: StringColumn::default(),
                        overflowed: false,
                    });
                    self.attributes.len() - 1
                }
                None => {
                    self.attribute_keys_left_out += 1;
                    continue;
                }
            };
            let attribute = &mut self.attributes[position];
            let rows = &mut attribute.column.rows;
            if rows.len() <= row {
                rows.resize(row + 1, ABSENT);
            }
            if !(replace || rows.at(row) == ABSENT) {
                continue;
            }
            let dictionary = &mut attribute.column.dictionary;
            match dictionary.find(value) {
                Some(number) => rows.set(row, number),
                None if dictionary.len() < MAX_ATTRIBUTE_VALUES => rows.set(row, dictionary.intern(value)),
                None => attribute.overflowed = true,
            }
        }
    }

    fn push_spans(&mut self, summary: &SummaryView<'_>) -> u32 {
        let first = saturating_u32(self.spans.len() as u64);
        for span in summary.spans {
            let name = self.spans.names.intern(span.name);
            let detail = self.spans.details.intern_option(span.model.or(span.tool));
            let kind = SpanKind::ALL.iter().position(|kind| *kind == span.kind).unwrap_or(0) as u8;
            self.spans.push(SpanKindFacts {
                name,
                detail,
                kind_and_status: kind | if span.failed { FAILED } else { 0 },
            });
        }
        first
    }

    /// Row `row`'s spans, as ranges of the span table.
    pub fn span_ranges(&self, row: usize) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let first = std::iter::once((self.span_starts[row], self.span_lengths.at(row)));
        let more = self.more_span_runs.get(&(row as u32)).into_iter().flatten().copied();
        first.chain(more).map(|(start, length)| start as usize..start as usize + length as usize)
    }

    /// For every row, whether any of its spans' combinations `holds` (indexed by combination
    /// number): the widths of the span table matched once, not once a row.
    pub fn rows_with_any_span(&self, holds: &[bool]) -> Vec<bool> {
        match self.spans.facts.slice() {
            CodeSlice::U8(facts) => self.rows_with_any_span_in(facts, holds),
            CodeSlice::U16(facts) => self.rows_with_any_span_in(facts, holds),
            CodeSlice::U32(facts) => self.rows_with_any_span_in(facts, holds),
        }
    }

    fn rows_with_any_span_in<C: Copy + Into<u32>>(&self, facts: &[C], holds: &[bool]) -> Vec<bool> {
        let any = |start: u32, length: u32| {
            let (start, length) = (start as usize, length as usize);
            facts
                .get(start..start.saturating_add(length).min(facts.len()))
                .unwrap_or_default()
                .iter()
                .any(|&number| holds.get(number.into() as usize).copied().unwrap_or(false))
        };
        let more = |row: usize| {
            !self.more_span_runs.is_empty()
                && self
                    .more_span_runs
                    .get(&(row as u32))
                    .is_some_and(|runs| runs.iter().any(|&(start, length)| any(start, length)))
        };
        self.span_starts
            .iter()
            .enumerate()
            .map(|(row, &start)| any(start, self.span_lengths.at(row)) || more(row))
            .collect()
    }

    /// Row `row`'s span skeleton and its spans' run of the span table, for a trace read in one
    /// part (a trace in parts has no skeleton of the whole: it is read again).
    pub fn skeleton(&self, row: usize) -> Option<(&[u8], std::ops::Range<usize>)> {
        if self.more_span_runs.contains_key(&(row as u32)) {
            return None;
        }
        let (start, length) = (*self.span_starts.get(row)? as usize, self.span_lengths.at(row) as usize);
        Some((self.skeletons.get(row)?, start..start + length))
    }

    /// Where row `row`'s bytes are: one source, or several for a trace split across lines or files.
    pub fn source(&self, row: usize) -> Vec<TraceSource> {
        let first = self.sources[row].unpack();
        first.into_iter().chain(self.more_sources.get(&(row as u32)).into_iter().flatten().copied()).collect()
    }

    /// A score column's value for a row (NaN when the trace has none).
    pub fn score(&self, column: usize, row: usize) -> f64 {
        self.scores[column].rows.get(row).copied().unwrap_or(f64::NAN)
    }

    /// An attribute column's dictionary number for a row (`ABSENT` when the trace has none).
    pub fn attribute(&self, column: usize, row: usize) -> u32 {
        self.attributes[column].column.rows.at(row)
    }

    pub fn score_column(&self, name: &str) -> Option<usize> {
        self.scores.iter().position(|column| column.name == name)
    }

    pub fn attribute_column(&self, key: &str) -> Option<usize> {
        self.attributes.iter().position(|column| column.key == key)
    }

    /// Bytes per column of the index (previews apart), for the bench: (column, bytes).
    pub fn column_bytes(&self) -> Vec<(String, usize)> {
        let rows = self.len();
        let string_column = StringColumn::heap_bytes;
        let set_column = SetColumn::heap_bytes;
        let (ids, id_lookup) = self.ids.heap_bytes();
        let mut columns = vec![
            ("trace_id".to_string(), ids),
            ("trace_id lookup".to_string(), id_lookup),
            ("start".to_string(), rows * 8),
            ("duration".to_string(), rows * 8),
            ("spans".to_string(), self.span_count.bytes()),
            ("errors".to_string(), self.error_count.bytes()),
            ("tokens".to_string(), rows * 8),
            ("cost".to_string(), rows * 8),
            ("documents".to_string(), self.documents.bytes()),
            ("feedback".to_string(), rows),
            ("name".to_string(), string_column(&self.name)),
            ("intent".to_string(), string_column(&self.intent)),
            ("variant".to_string(), string_column(&self.variant)),
            ("user".to_string(), string_column(&self.user)),
            ("session".to_string(), string_column(&self.session)),
            ("models".to_string(), set_column(&self.models)),
            ("tools".to_string(), set_column(&self.tools)),
            ("signature".to_string(), string_column(&self.signature)),
            ("error_template".to_string(), string_column(&self.error_template)),
            ("labels".to_string(), set_column(&self.labels)),
            (
                "span facts".to_string(),
                self.spans.facts.bytes()
                    + self.spans.kinds.len() * 24
                    + self.spans.names.heap_bytes()
                    + self.spans.details.heap_bytes()
                    + self.span_starts.len() * 4
                    + self.span_lengths.bytes()
                    + self.more_span_runs.len() * 64,
            ),
            ("sources".to_string(), rows * std::mem::size_of::<PackedSource>() + self.more_sources.len() * 64),
            ("span skeletons".to_string(), self.skeletons.heap_bytes()),
        ];
        for column in &self.scores {
            columns.push((format!("score.{}", column.name), column.rows.len() * 8));
        }
        for column in &self.attributes {
            columns.push((format!("attr.{}", column.key), string_column(&column.column)));
        }
        columns
    }

    /// Bytes of the two previews' texts.
    pub fn preview_bytes(&self) -> usize {
        self.input_preview.heap_bytes() + self.output_preview.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(trace_id: &str) -> TraceSummary {
        TraceSummary { trace_id: trace_id.into(), name: "n".into(), has_root: true, ..TraceSummary::default() }
    }

    #[test]
    fn sources_come_back_whatever_their_size_and_parts_merge() {
        let mut index = CorpusIndex::default();
        let near = TraceSource::Range { file: 3, offset: 123_456_789, length: 77 };
        let far = TraceSource::Range { file: 70_000, offset: 1 << 50, length: 5 };
        let kept = TraceSource::Kept { index: 9 };
        index.add(summary("a"), near);
        index.add(summary("b"), far);
        index.add(summary("c"), kept);
        let second = TraceSource::Range { file: 4, offset: 1, length: 2 };
        assert_eq!(index.add(summary("a"), second), 0, "a part of a known trace joins its row");
        assert_eq!(index.source(0), [near, second]);
        assert_eq!(index.source(1), [far]);
        assert_eq!(index.source(2), [kept]);
        assert_eq!(index.len(), 3);
        assert_eq!(index.row_of("b"), Some(1));
        assert_eq!(index.row_of("z"), None);
    }

    #[test]
    fn a_trace_in_parts_has_its_root_part_s_signature_marked_partial_in_any_order() {
        let part = |root: bool, signature: &str| TraceSummary {
            has_root: root,
            signature: Some(signature.into()),
            ..summary("a")
        };
        let source = TraceSource::Kept { index: 0 };
        for order in [[true, false, false], [false, true, false], [false, false, true]] {
            let mut index = CorpusIndex::default();
            let mut merged: Option<TraceSummary> = None;
            for root in order {
                let piece = part(root, if root { "agent:a [llm:b]" } else { "tool:c" });
                index.add(piece.clone(), source);
                match merged.as_mut() {
                    Some(merged) => merged.merge(piece),
                    None => merged = Some(piece),
                }
            }
            let expected = "agent:a [llm:b] + spans of other parts";
            assert_eq!(index.signature.value(0), Some(expected), "{order:?}");
            assert_eq!(merged.and_then(|merged| merged.signature).as_deref(), Some(expected), "{order:?}");
        }
    }
}
