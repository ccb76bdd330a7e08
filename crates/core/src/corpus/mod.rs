//! The corpus: many traces from many files, indexed one row per trace (see [`index`]) so a million
//! traces fit where their full models would not. It answers the traces table and the element's
//! `query()`: filter ([`query`] parses, [`filter`] evaluates), sort ([`sort`]), facets and totals
//! ([`facets`]), and where a trace's bytes are, so opening it reads only those. It runs in the
//! worker; nothing here knows about the web.

pub mod aggregate;
pub mod bubble_up;
pub mod codes;
pub mod compare;
pub mod dictionary;
pub mod dimensions;
pub mod document_split;
pub mod error_template;
pub mod facets;
pub mod filter;
pub mod growing_order;
pub mod growing_overview;
pub mod heatmap;
pub mod histograms;
pub mod index;
pub mod ingest;
pub mod line_batch;
pub mod line_batch_encoding;
pub mod merge_reading;
pub mod merged_tree;
pub mod nearest_success;
pub mod newlines;
pub mod outcome_files;
pub mod outcomes;
pub mod patterns;
pub mod query;
pub mod review;
pub mod sessions;
pub mod signature;
pub mod sort;
pub mod span_skeleton;
pub mod summary;
pub mod summary_view;
pub mod trace_ids;
pub mod wire;

use std::borrow::Cow;

use serde::Serialize;

use self::aggregate::{AggregateGroup, FailDefinition};
use self::bubble_up::BubbleUpValue;
use self::facets::{facet, totals, CorpusTotals, Facet, FACET_FIELDS};
use self::index::{CorpusIndex, TraceSource};
use self::ingest::{FileReader, LineSplit};
use self::line_batch::LineBatch;
use self::patterns::Pattern;
use self::query::{parse_filter, parse_sort, Field, QueryError, SortKey};
use self::sort::{sort_rows, SortRanks};
use self::summary::{TraceSummary, FEEDBACK_SIGNALS};
use crate::model::{Trace, TraceSet};
use crate::transfer::primitives::TransferResult;

/// BubbleUp's groups: the fields the selection is defined by, its rows, the baseline's other rows.
type SelectionAndBaseline = (Vec<String>, Vec<u32>, Vec<u32>);

/// Bytes of log records re-read with a trace at most.
pub const MAX_LOG_BYTES: u64 = 64 << 20;

/// Why an aggregate or BubbleUp could not run: a filter that does not read (it says the column),
/// or a request naming an unknown field or measure.
#[derive(Clone, Debug, PartialEq)]
pub enum CorpusRequestError {
    Filter(QueryError),
    Request(String),
}

impl std::fmt::Display for CorpusRequestError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CorpusRequestError::Filter(error) => write!(formatter, "{error}"),
            CorpusRequestError::Request(message) => formatter.write_str(message),
        }
    }
}

/// The answer to `query(filter, { sort, limit })`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueryAnswer {
    pub count: u64,
    #[serde(rename = "traceIds")]
    pub trace_ids: Vec<String>,
}

/// One row of the traces table, as the page shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TableRow {
    pub trace_id: String,
    pub name: String,
    /// Start in milliseconds since 1970 (exact to the microsecond for today's dates).
    pub start_ms: f64,
    pub duration_ms: f64,
    pub spans: u32,
    pub errors: u32,
    pub intent: Option<String>,
    pub models: Vec<String>,
    pub tools: Vec<String>,
    pub variant: Option<String>,
    pub user: Option<String>,
    pub session: Option<String>,
    pub feedback: Vec<String>,
    pub scores: Vec<(String, f64)>,
    pub tokens: f64,
    pub cost_usd: Option<f64>,
    pub documents: u32,
    pub input: Option<String>,
    pub output: Option<String>,
    /// The row's values of the attribute columns (`attr."key"`), by key.
    pub attributes: Vec<(String, String)>,
    /// The row's values of the joined outcome columns (`outcome."column"`), by column.
    pub outcomes: Vec<(String, String)>,
    pub signature: Option<String>,
    pub error_template: Option<String>,
    /// The review categories given to the trace.
    pub labels: Vec<String>,
}

/// A window of the table: the matching count, the totals line and the rows asked for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TableWindow {
    pub count: u64,
    pub offset: u64,
    pub rows: Vec<TableRow>,
}

/// How far reading has come, for the progress line.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CorpusProgress {
    pub traces: u64,
    pub spans_read: u64,
    pub bytes_read: u64,
    pub files: u64,
}

/// Per-file facts and problems, listed under the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileReport {
    pub name: String,
    pub bytes: u64,
    pub traces: u64,
    pub formats: Vec<String>,
    pub warnings: Vec<String>,
    pub warnings_left_out: u64,
}

/// A byte range of an input file: where (part of) a trace is. In a document read element by
/// element, the range is one element, to be read inside `opening` (and `]}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ByteRange {
    pub file: u32,
    pub offset: u64,
    pub length: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opening: Option<String>,
}

/// The rows of the last filter and sort, kept for scrolling: every matching row, the first
/// `in_order` of them in sort order (the rest in none).
struct Ordered {
    filter: String,
    sort: String,
    rows_indexed: usize,
    rows: Vec<u32>,
    in_order: usize,
}

/// Rows put in order at least, whatever a window asks for: a table's first screens and a little
/// scrolling need no other sort.
const FIRST_ROWS_IN_ORDER: usize = 1_000;

#[derive(Default)]
pub struct Corpus {
    pub index: CorpusIndex,
    files: Vec<FileReader>,
    ranks: SortRanks,
    last: Option<Ordered>,
    /// The overview of every trace, counted as rows come (see [`growing_overview`]).
    growing_overview: growing_overview::GrowingOverview,
    /// Traces kept whole (a document the import worker imported at once), with their format.
    kept: Vec<Trace>,
    kept_format: String,
}

impl Corpus {
    pub fn new() -> Corpus {
        Corpus::default()
    }

    /// The corpus of a set imported whole (one document with several traces, which the import
    /// worker found it holds): every trace is indexed and kept, and opened by encoding it.
    pub fn from_trace_set(set: TraceSet, name: &str, bytes: u64) -> Corpus {
        let mut corpus = Corpus::new();
        let file = corpus.add_file(name);
        for (position, trace) in set.traces.iter().enumerate() {
            corpus.index.add(TraceSummary::of(trace), TraceSource::Kept { index: position as u32 });
        }
        if let Some(reader) = corpus.files.get_mut(file as usize) {
            reader.bytes_received = bytes;
            reader.traces_read = set.traces.len() as u64;
            reader.spans_read = set.span_count() as u64;
            reader.formats.push(set.format.clone());
            for warning in &set.warnings {
                reader.warn(warning.to_string());
            }
        }
        corpus.kept = set.traces;
        corpus.kept_format = set.format;
        corpus
    }

    /// Kept traces as one set, ready to encode: one to open, two to compare (`None` when any of
    /// them is not kept here).
    pub fn kept_traces(&self, trace_ids: &[String]) -> Option<TraceSet> {
        let traces = trace_ids.iter().map(|trace_id| self.kept_trace(trace_id)).collect::<Option<Vec<_>>>()?;
        Some(TraceSet { format: self.kept_format.clone(), traces, warnings: Vec::new() })
    }

    fn kept_trace(&self, trace_id: &str) -> Option<Trace> {
        let row = self.index.row_of(trace_id)?;
        self.index.source(row).into_iter().find_map(|source| match source {
            TraceSource::Kept { index } => self.kept.get(index as usize).cloned(),
            TraceSource::Range { .. } => None,
        })
    }

    /// Starts reading a file; returns its number for [`Corpus::feed`] and [`Corpus::finish_file`].
    pub fn add_file(&mut self, name: &str) -> u32 {
        let file = self.files.len() as u32;
        self.files.push(FileReader::new(file, name));
        file
    }

    /// The next bytes of file `file` (lines complete in them are indexed at once).
    pub fn feed(&mut self, file: u32, chunk: &[u8]) {
        if let Some(reader) = self.files.get_mut(file as usize) {
            reader.feed(&mut self.index, chunk);
        }
    }

    /// The next bytes of file `file`, its complete lines handed back to be summarised elsewhere
    /// (see [`FileReader::take_lines`]); `None` when there are none (yet), or the file is one
    /// document.
    pub fn take_lines(&mut self, file: u32, chunk: &[u8]) -> Option<LineSplit> {
        self.files.get_mut(file as usize)?.take_lines(chunk)
    }

    /// Whether file `file` is known to be JSON Lines (see [`FileReader::take_lines_after`]).
    pub fn reads_lines(&self, file: u32) -> bool {
        self.files.get(file as usize).is_some_and(FileReader::reads_lines)
    }

    /// [`Corpus::take_lines`] of a JSON Lines file given only where its chunk's last newline is
    /// and the bytes after it (see [`FileReader::take_lines_after`]); `None` also for a file that
    /// is not known to be JSON Lines.
    pub fn take_lines_after(
        &mut self,
        file: u32,
        chunk_length: usize,
        last_newline: Option<usize>,
        tail: &[u8],
    ) -> Option<LineSplit> {
        let reader = self.files.get_mut(file as usize).filter(|reader| reader.reads_lines())?;
        reader.take_lines_after(chunk_length, last_newline, tail)
    }

    /// Joins a batch of file `file`'s lines, summarised elsewhere, into the index (batches of a
    /// file in the order their lines were taken).
    pub fn absorb(&mut self, file: u32, batch: LineBatch) {
        if let Some(reader) = self.files.get_mut(file as usize) {
            reader.absorb(&mut self.index, batch);
        }
    }

    /// [`Corpus::absorb`] of a batch as a helper sends it (see
    /// [`line_batch_encoding::encode_line_batch`]), read in place; a damaged batch is an error and
    /// joins nothing.
    pub fn absorb_encoded(&mut self, file: u32, batch: &[u8]) -> TransferResult<()> {
        let batch = line_batch_encoding::decode_line_batch_view(batch)?;
        match self.files.get_mut(file as usize) {
            Some(reader) => reader.absorb_view(&mut self.index, batch),
            None => Ok(()),
        }
    }

    /// A problem with file `file` found outside the index (a gzip file cut at the size limit).
    pub fn add_warning(&mut self, file: u32, message: &str) {
        if let Some(reader) = self.files.get_mut(file as usize) {
            let named = format!("{}: {message}", reader.name);
            reader.warn(named);
        }
    }

    pub fn finish_file(&mut self, file: u32) {
        if let Some(reader) = self.files.get_mut(file as usize) {
            reader.finish(&mut self.index);
        }
    }

    pub fn progress(&self) -> CorpusProgress {
        CorpusProgress {
            traces: self.index.len() as u64,
            spans_read: self.files.iter().map(|file| file.spans_read).sum(),
            bytes_read: self.files.iter().map(|file| file.bytes_received).sum(),
            files: self.files.len() as u64,
        }
    }

    pub fn file_reports(&self) -> Vec<FileReport> {
        self.files
            .iter()
            .map(|file| FileReport {
                name: file.name.clone(),
                bytes: file.bytes_received,
                traces: file.traces_read,
                formats: file.formats.clone(),
                warnings: file.warnings.clone(),
                warnings_left_out: file.warnings_left_out,
            })
            .collect()
    }

    /// Puts the rows matching `filter` in `sort` order in `last`, at least the first `needed` of
    /// them (kept for the next call with the same two while the index does not grow). Rows further
    /// down are put in order when a window reaches them: twice as many as before each time, so
    /// scrolling to the end sorts a few times, not at every step.
    fn order(&mut self, filter: &str, sort: &str, needed: usize) -> Result<(), QueryError> {
        let same_rows = self
            .last
            .as_ref()
            .is_some_and(|last| last.filter == filter && last.sort == sort && last.rows_indexed == self.index.len());
        if let Some(last) = self.last.as_ref().filter(|_| same_rows) {
            if last.in_order >= needed.min(last.rows.len()) {
                return Ok(());
            }
        }
        let keys: Vec<SortKey> = parse_sort(sort)
            .map_err(|error| QueryError::new(error.column, &format!("in the sort, {}", error.message)))?;
        if self.extend_id_order(filter, sort, &keys, needed) {
            return Ok(());
        }
        let (mut rows, in_order_before) = match self.last.take().filter(|_| same_rows) {
            Some(last) => (last.rows, last.in_order),
            None => (filter::matching_rows(&self.index, &parse_filter(filter)?), 0),
        };
        let in_order = needed.max(FIRST_ROWS_IN_ORDER).max(2 * in_order_before);
        sort_rows(&mut self.index, &mut self.ranks, &mut rows, &keys, in_order);
        self.last = Some(Ordered {
            filter: filter.to_string(),
            sort: sort.to_string(),
            rows_indexed: self.index.len(),
            in_order: in_order.min(rows.len()),
            rows,
        });
        Ok(())
    }

    /// While the index grows under the table's default view (every trace, in trace id order): the
    /// new rows merged into the rows in order (see [`growing_order`]). False when that does not
    /// apply and the rows must be ordered afresh.
    fn extend_id_order(&mut self, filter: &str, sort: &str, keys: &[SortKey], needed: usize) -> bool {
        let Some(descending) = growing_order::id_order(keys) else { return false };
        let Some(last) = self.last.as_mut() else { return false };
        let grown = last.rows_indexed < self.index.len();
        if !grown || !filter.trim().is_empty() || last.filter != filter || last.sort != sort {
            return false;
        }
        let ordered = growing_order::IdOrdered { rows: &mut last.rows, in_order: last.in_order, descending };
        match ordered.extend(&self.index, needed.max(FIRST_ROWS_IN_ORDER)) {
            Some(in_order) => {
                last.in_order = in_order;
                last.rows_indexed = self.index.len();
                true
            }
            None => false,
        }
    }

    /// The rows `filter` keeps (in any order): the table's last rows when they are of this filter
    /// and the index has not grown since, else worked out now.
    fn matching_rows(&self, filter: &str) -> Result<Cow<'_, [u32]>, QueryError> {
        let reusable = self.last.as_ref().filter(|last| last.filter == filter && last.rows_indexed == self.index.len());
        Ok(match reusable {
            Some(last) => Cow::Borrowed(last.rows.as_slice()),
            None => Cow::Owned(filter::matching_rows(&self.index, &parse_filter(filter)?)),
        })
    }

    /// The rows `order` worked out last (as far as it put them in order).
    fn ordered_rows(&self) -> &[u32] {
        self.last.as_ref().map(|last| last.rows.as_slice()).unwrap_or_default()
    }

    /// `query(filter, { sort, limit })`: how many traces match, and the first `limit` ids in order.
    pub fn query(&mut self, filter: &str, sort: &str, limit: usize) -> Result<QueryAnswer, QueryError> {
        self.order(filter, sort, limit)?;
        let rows = self.ordered_rows();
        let trace_ids = rows.iter().take(limit).map(|&row| self.index.trace_id(row as usize).into_owned()).collect();
        Ok(QueryAnswer { count: rows.len() as u64, trace_ids })
    }

    /// Rows `offset..offset + limit` of the table under `filter` and `sort`.
    pub fn window(&mut self, filter: &str, sort: &str, offset: usize, limit: usize) -> Result<TableWindow, QueryError> {
        self.order(filter, sort, offset.saturating_add(limit))?;
        let rows = self.ordered_rows();
        Ok(TableWindow {
            count: rows.len() as u64,
            offset: offset as u64,
            rows: rows.iter().skip(offset).take(limit).map(|&row| self.row(row as usize)).collect(),
        })
    }

    /// The totals line and the facets over the rows `filter` keeps (the table's last rows when
    /// they are for this filter and the index has not grown: their order does not matter here).
    pub fn overview(&mut self, filter: &str) -> Result<(CorpusTotals, Vec<Facet>), QueryError> {
        // Every trace while the index grows: the counts carried from the last time, plus the new
        // rows (see [`growing_overview`]); once it stops growing, counted afresh.
        if filter.trim().is_empty() && self.index.len() > self.growing_overview.counted() {
            return Ok(self.growing_overview.update(&mut self.index));
        }
        let rows = self.matching_rows(filter)?;
        let facets = FACET_FIELDS.iter().filter_map(|field| facet(&self.index, &rows, field)).collect();
        Ok((totals(&self.index, &rows), facets))
    }

    /// `aggregate({ groupBy, measures, filter, failDefinition })`: the traces `filter` keeps,
    /// grouped (see [`aggregate`]); a failed trace is one `fail_definition` keeps (a filter; empty:
    /// [`aggregate::DEFAULT_FAIL_DEFINITION`]).
    pub fn aggregate(
        &self,
        group_by: &[String],
        measures: &[String],
        filter: &str,
        fail_definition: &str,
    ) -> Result<Vec<AggregateGroup>, CorpusRequestError> {
        let rows = self.matching_rows(filter).map_err(CorpusRequestError::Filter)?;
        let wants_fail_rate = measures.iter().any(|measure| measure == "fail_rate");
        let failed_rows = if wants_fail_rate { self.failed_rows(fail_definition)? } else { None };
        let fail = match &failed_rows {
            Some(failed) => FailDefinition::Rows(failed),
            None => FailDefinition::Default,
        };
        aggregate::aggregate(&self.index, &rows, group_by, measures, fail).map_err(CorpusRequestError::Request)
    }

    /// `compare({ a, b, failDefinition })`: the traces `a` keeps against those `b` keeps, each
    /// measure with the difference and its 95 % interval (see [`compare::compare`]).
    pub fn compare(&self, a: &str, b: &str, fail_definition: &str) -> Result<compare::Comparison, CorpusRequestError> {
        // Which of the two filters does not read is said in words (there is no one filter field
        // the column could point into).
        let unread = |name: &str, text: &str, error: QueryError| {
            CorpusRequestError::Request(format!(
                "{name}, \"{text}\", does not read at column {}: {}",
                error.column, error.message
            ))
        };
        let a_rows = self.matching_rows(a).map_err(|error| unread("a", a, error))?.into_owned();
        let b_rows = self.matching_rows(b).map_err(|error| unread("b", b, error))?;
        let failed_rows = self.failed_rows(fail_definition)?;
        let fail = match &failed_rows {
            Some(failed) => FailDefinition::Rows(failed),
            None => FailDefinition::Default,
        };
        Ok(compare::compare(&self.index, &a_rows, &b_rows, fail))
    }

    /// Each row marked by whether `fail_definition` (a filter) keeps it; `None` for the default.
    fn failed_rows(&self, fail_definition: &str) -> Result<Option<Vec<bool>>, CorpusRequestError> {
        if fail_definition.trim().is_empty() {
            return Ok(None);
        }
        let parsed = parse_filter(fail_definition).map_err(|error| {
            CorpusRequestError::Request(format!(
                "the fail definition \"{fail_definition}\" does not parse at column {}: {}",
                error.column, error.message
            ))
        })?;
        let mut failed = vec![false; self.index.len()];
        filter::matching_rows(&self.index, &parsed).into_iter().for_each(|row| failed[row as usize] = true);
        Ok(Some(failed))
    }

    /// `bubbleUp({ selection, baseline, limit })`: the values that set the traces `selection`
    /// keeps apart from those `baseline` keeps (by default every other trace).
    pub fn bubble_up(
        &self,
        selection: &str,
        baseline: Option<&str>,
        limit: usize,
    ) -> Result<Vec<BubbleUpValue>, CorpusRequestError> {
        let (fields, selected, rest) = self.selection_and_baseline(selection, baseline)?;
        Ok(bubble_up::bubble_up(&self.index, &selected, &rest, &fields, limit))
    }

    /// `patterns(filter, by, limit)`: the traces `filter` keeps grouped by `signature` or
    /// `error_template`, most traces first (see [`patterns`]).
    pub fn patterns(&mut self, filter: &str, by: &str, limit: usize) -> Result<Vec<Pattern>, CorpusRequestError> {
        let rows = self.matching_rows(filter).map_err(CorpusRequestError::Filter)?;
        patterns::patterns(&self.index, &rows, filter, by, limit).map_err(CorpusRequestError::Request)
    }

    /// Gives trace `trace_id` these review categories (an empty list clears them): the `label`
    /// column. False for a trace id the corpus does not have.
    pub fn set_labels(&mut self, trace_id: &str, categories: &[String]) -> bool {
        let Some(row) = self.index.row_of(trace_id) else { return false };
        self.index.set_labels(row, categories);
        // The rows a filter kept may have changed though the index did not grow.
        self.last = None;
        true
    }

    /// The duration × time heatmap of the traces `filter` keeps (see [`heatmap::heatmap`]).
    pub fn heatmap(&self, filter: &str, columns: usize, rows: usize) -> Result<heatmap::Heatmap, QueryError> {
        let kept = self.matching_rows(filter)?;
        Ok(heatmap::heatmap(&self.index, &kept, columns.min(500), rows.min(100)))
    }

    /// BubbleUp's numbers (`bubbleUpHistograms()`): each numeric column of the traces `selection`
    /// keeps and of the `baseline`'s others over the same bins, the most different first.
    pub fn bubble_up_numbers(
        &self,
        selection: &str,
        baseline: Option<&str>,
        limit: usize,
    ) -> Result<Vec<histograms::NumericComparison>, CorpusRequestError> {
        let (fields, selected, rest) = self.selection_and_baseline(selection, baseline)?;
        Ok(histograms::compare_numbers(&self.index, &selected, &rest, &fields, limit))
    }

    /// The fields `selection` is defined by, its rows, and the rows of `baseline` (default: every
    /// trace) not in it.
    fn selection_and_baseline(
        &self,
        selection: &str,
        baseline: Option<&str>,
    ) -> Result<SelectionAndBaseline, CorpusRequestError> {
        let selection_fields = parse_filter(selection).map_err(CorpusRequestError::Filter)?.fields();
        let selected = self.matching_rows(selection).map_err(CorpusRequestError::Filter)?.into_owned();
        let baseline_rows = self.matching_rows(baseline.unwrap_or("")).map_err(CorpusRequestError::Filter)?;
        // A trace in both is selection, not baseline.
        let mut in_selection = vec![false; self.index.len()];
        selected.iter().for_each(|&row| in_selection[row as usize] = true);
        let rest: Vec<u32> = baseline_rows.iter().copied().filter(|&row| !in_selection[row as usize]).collect();
        Ok((selection_fields, selected, rest))
    }

    /// The sessions of the traces `filter` keeps, sorted by `sort` (`turns desc`; see
    /// [`sessions::SESSION_SORT_FIELDS`]), `limit` of them from `offset`.
    pub fn sessions(
        &self,
        filter: &str,
        sort: &str,
        offset: usize,
        limit: usize,
    ) -> Result<sessions::SessionsPage, CorpusRequestError> {
        let rows = self.matching_rows(filter).map_err(CorpusRequestError::Filter)?;
        sessions::sessions(&self.index, &rows, sort, offset, limit).map_err(CorpusRequestError::Request)
    }

    /// Every turn of session `session` (whatever the filter), as table rows in the order they started.
    pub fn session_turns(&self, session: &str) -> TableWindow {
        let turns = sessions::session_turns(&self.index, session);
        TableWindow {
            count: turns.len() as u64,
            offset: 0,
            rows: turns.iter().map(|&row| self.row(row as usize)).collect(),
        }
    }

    /// The columns a table may show: the fixed ones, then `score."name"` and `attr."key"` ones.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = [
            "name",
            "start",
            "duration_ms",
            "status",
            "errors",
            "spans",
            "intent",
            "model",
            "tool",
            "variant",
            "user",
            "session",
            "feedback",
            "tokens",
            "cost",
            "documents",
            "input",
            "output",
            "trace_id",
            "signature",
            "error_template",
            "labels",
        ]
        .iter()
        .map(|name| name.to_string())
        .collect();
        columns.extend(self.index.scores.iter().map(|column| Field::Score(column.name.clone()).label()));
        columns.extend(self.index.attributes.iter().map(|column| Field::Attribute(column.key.clone()).label()));
        let outcomes = self.index.outcomes.iter().flat_map(|outcomes| outcomes.columns.iter());
        columns.extend(outcomes.map(|column| Field::Outcome(column.name.clone()).label()));
        columns
    }

    /// The table row of index row `row`.
    pub fn row(&self, row: usize) -> TableRow {
        let index = &self.index;
        let text = |value: Option<&str>| value.map(str::to_string);
        TableRow {
            trace_id: index.trace_id(row).into_owned(),
            name: index.name.value(row).unwrap_or_default().to_string(),
            start_ms: index.start_ns[row] as f64 / 1e6,
            duration_ms: index.duration_ns[row] as f64 / 1e6,
            spans: index.span_count.at(row),
            errors: index.error_count.at(row),
            intent: text(index.intent.value(row)),
            models: index.models.values(row).map(str::to_string).collect(),
            tools: index.tools.values(row).map(str::to_string).collect(),
            variant: text(index.variant.value(row)),
            user: text(index.user.value(row)),
            session: text(index.session.value(row)),
            feedback: FEEDBACK_SIGNALS
                .iter()
                .enumerate()
                .filter(|(bit, _)| index.feedback_of(row) & (1 << bit) != 0)
                .map(|(_, (name, _))| name.to_string())
                .collect(),
            scores: (0..index.scores.len())
                .filter(|&column| !index.score(column, row).is_nan())
                .map(|column| (index.scores[column].name.clone(), index.score(column, row)))
                .collect(),
            tokens: index.tokens[row] as f64,
            cost_usd: Some(index.cost_usd[row]).filter(|cost| !cost.is_nan()),
            documents: index.documents.at(row),
            input: text(index.input_preview.get(row)),
            output: text(index.output_preview.get(row)),
            attributes: (0..index.attributes.len())
                .filter_map(|column| {
                    let value = index.attributes[column].column.dictionary.value(index.attribute(column, row))?;
                    Some((index.attributes[column].key.clone(), value.to_string()))
                })
                .collect(),
            outcomes: self.outcome_values(row),
            signature: text(index.signature.value(row)),
            error_template: text(index.error_template.value(row)),
            labels: index.labels.values(row).map(str::to_string).collect(),
        }
    }

    /// Row `row`'s values of the joined outcome columns, by column.
    fn outcome_values(&self, row: usize) -> Vec<(String, String)> {
        let Some(outcomes) = &self.index.outcomes else { return Vec::new() };
        let Some(outcome_row) = outcomes.row_of_trace(&self.index, row) else { return Vec::new() };
        outcomes
            .columns
            .iter()
            .filter_map(|column| {
                let value = column.text.value(outcome_row)?;
                Some((column.name.clone(), value.to_string()))
            })
            .collect()
    }

    /// Joins a product outcomes file (CSV or JSON Lines keyed by `trace_id`, `session_id` or
    /// `user_id`; see [`outcomes`]) to the traces, replacing any joined before.
    pub fn load_outcomes(&mut self, bytes: &[u8], file_name: &str) -> Result<outcomes::OutcomesReport, String> {
        let loaded = outcomes::read_outcomes(bytes, file_name)?;
        self.index.outcomes = Some(loaded);
        self.last = None;
        Ok(self.outcomes_report().unwrap_or_else(|| unreachable!("outcomes were just joined")))
    }

    /// What the joined outcomes hold and how many of their rows match a trace so far.
    pub fn outcomes_report(&self) -> Option<outcomes::OutcomesReport> {
        self.index.outcomes.as_ref().map(|outcomes| outcomes.report(&self.index))
    }

    /// The id of the successful trace with the same intent closest in its spans to trace
    /// `trace_id` (see [`nearest_success`]), if there is one.
    pub fn nearest_success(&self, trace_id: &str) -> Option<String> {
        let row = self.index.row_of(trace_id)?;
        nearest_success::nearest_success(&self.index, row).map(|nearest| self.index.trace_id(nearest).into_owned())
    }

    /// Where trace `trace_id`'s bytes are: every line or file that held its spans, then the
    /// lines or files of log records (up to [`MAX_LOG_BYTES`] of them), which may hold its logs.
    pub fn ranges_of(&self, trace_id: &str) -> Option<Vec<ByteRange>> {
        let row = self.index.row_of(trace_id)?;
        let mut log_bytes = 0u64;
        let logs = self.index.log_sources.iter().copied().take_while(|source| {
            log_bytes += match source {
                TraceSource::Range { length, .. } => u64::from(*length),
                TraceSource::Kept { .. } => 0,
            };
            log_bytes <= MAX_LOG_BYTES
        });
        Some(self.index.source(row).into_iter().chain(logs).filter_map(|source| self.byte_range(source)).collect())
    }

    /// Where a source's bytes are (`None` for a trace kept here).
    fn byte_range(&self, source: TraceSource) -> Option<ByteRange> {
        match source {
            TraceSource::Range { file, offset, length } => {
                let opening = self.files.get(file as usize).and_then(FileReader::opening);
                let opening = opening.map(|opening| String::from_utf8_lossy(opening).into_owned());
                Some(ByteRange { file, offset, length, opening })
            }
            TraceSource::Kept { .. } => None,
        }
    }

    /// The reading that merges the first `limit` traces `filter` keeps (in the order they were
    /// read) into one tree. A trace read in one part is merged at once from its span skeleton
    /// (see [`span_skeleton`]), as is a trace kept whole; the rest (traces in parts) are read
    /// again: which byte windows to read (see [`merge_reading`]).
    pub fn merge_reading(&self, filter: &str, limit: usize) -> Result<merge_reading::MergeReading, QueryError> {
        let rows = self.matching_rows(filter)?;
        let mut merged = merged_tree::MergedTree::default();
        let mut units: Vec<(String, Vec<ByteRange>)> = Vec::new();
        for &row in rows.iter().take(limit) {
            let row = row as usize;
            if let Some((skeleton, facts)) = self.index.skeleton(row) {
                if merged.add_skeleton(&self.index.spans, facts, skeleton) {
                    continue;
                }
            }
            let sources = self.index.source(row);
            match sources.iter().find_map(|source| match source {
                TraceSource::Kept { index } => self.kept.get(*index as usize),
                TraceSource::Range { .. } => None,
            }) {
                Some(trace) => merged.add(trace),
                None => units.push((
                    self.index.trace_id(row).into_owned(),
                    sources.into_iter().filter_map(|source| self.byte_range(source)).collect(),
                )),
            }
        }
        Ok(merge_reading::MergeReading::plan(units, rows.len() as u64, merged))
    }
}
