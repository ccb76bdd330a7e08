//! The totals line and the facets over every trace, carried from one refresh to the next while
//! files are read. The table asks for them every few hundred milliseconds; counting every row
//! each time is a pass over each facet's column (35 ms at a million rows in the browser). Here
//! the counts (per dictionary value, per set of models or tools, per feedback signal, failures,
//! cost and tokens) are kept and only the rows added since are counted. A later part of a trace
//! merged into a row already counted changes that row: the index notes the row's facts before the
//! merge ([`MergeLog`]), so they are taken out and the merged facts counted instead. Counts stay
//! exact; percentiles are worked out over every duration each time (a selection, not a count).

use super::dictionary::{SetColumn, StringColumn, ABSENT};
use super::facets::{
    dictionary_facet, percentiles, set_member_facet, status_facet, CorpusTotals, Facet, FeedbackCounts, FACET_FIELDS,
};
use super::index::CorpusIndex;

/// The string columns among [`FACET_FIELDS`], in the order their counts are kept.
const STRING_FIELDS: [&str; 5] = ["intent", "variant", "name", "user", "session"];
/// The set columns among [`FACET_FIELDS`].
const SET_FIELDS: [&str; 2] = ["model", "tool"];

fn string_column<'a>(index: &'a CorpusIndex, field: &str) -> &'a StringColumn {
    match field {
        "intent" => &index.intent,
        "variant" => &index.variant,
        "name" => &index.name,
        "user" => &index.user,
        _ => &index.session,
    }
}

fn set_column<'a>(index: &'a CorpusIndex, field: &str) -> &'a SetColumn {
    if field == "model" {
        &index.models
    } else {
        &index.tools
    }
}

/// What one row adds to the counts: read from the index, or kept from before a merge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowFacts {
    failed: bool,
    feedback: u8,
    cost_usd: f64,
    tokens: u64,
    strings: [u32; STRING_FIELDS.len()],
    sets: [u32; SET_FIELDS.len()],
}

impl RowFacts {
    pub fn of(index: &CorpusIndex, row: usize) -> RowFacts {
        RowFacts {
            failed: index.error_count.at(row) > 0,
            feedback: index.feedback_of(row),
            cost_usd: index.cost_usd[row],
            tokens: index.tokens[row],
            strings: STRING_FIELDS.map(|field| string_column(index, field).rows.at(row)),
            sets: SET_FIELDS.map(|field| set_column(index, field).rows.at(row)),
        }
    }
}

/// Rows a merge changed after they were counted, with their facts as counted. The index writes
/// it (see `CorpusIndex::merge`) for rows below `counted`; [`GrowingOverview`] reads and empties it.
#[derive(Default, Debug)]
pub struct MergeLog {
    /// Rows below this are counted: a merge into one is noted (0: nothing is watched).
    pub counted: usize,
    /// Changed rows with their facts before each merge since the last count (a row merged twice
    /// is noted twice: the first note holds what was counted).
    pub changed: Vec<(u32, RowFacts)>,
}

impl MergeLog {
    /// Notes taken at most between two counts: past this (a filter typed while a file of split
    /// traces is read, say), the log stops and the next overview of every trace counts afresh.
    pub const MAX_NOTED: usize = 1 << 16;

    /// Notes `row`'s facts before a merge changes it (see [`CorpusIndex`]'s merge).
    pub fn note(&mut self, row: usize, before: RowFacts) {
        if row >= self.counted {
            return;
        }
        if self.changed.len() >= Self::MAX_NOTED {
            // Nothing counted can be corrected any more: the counts are dropped (see `update`).
            self.counted = 0;
            self.changed = Vec::new();
            return;
        }
        self.changed.push((row as u32, before));
    }

    /// The changed rows, each once with its facts as counted; the log is emptied.
    fn take_changed(&mut self) -> Vec<(u32, RowFacts)> {
        let mut changed = std::mem::take(&mut self.changed);
        changed.sort_by_key(|(row, _)| *row);
        changed.dedup_by_key(|(row, _)| *row);
        changed
    }
}

/// The kept counts over rows `0..counted`.
#[derive(Default, Debug)]
pub struct GrowingOverview {
    counted: usize,
    failed: u64,
    cost_usd: f64,
    tokens: u64,
    feedback: FeedbackCounts,
    /// Per string column, rows by dictionary number (0: no value).
    strings: [Vec<u64>; STRING_FIELDS.len()],
    /// Per set column, rows by set number (0: no set).
    sets: [Vec<u64>; SET_FIELDS.len()],
}

impl GrowingOverview {
    /// Rows counted so far.
    pub fn counted(&self) -> usize {
        self.counted
    }

    /// Counts the rows added since the last call and the merged rows' changes; returns the totals
    /// and facets over every row (as [`super::facets`] would give them for an empty filter).
    pub fn update(&mut self, index: &mut CorpusIndex) -> (CorpusTotals, Vec<Facet>) {
        if index.merge_log.counted != self.counted {
            // The log gave up (see [`MergeLog::note`]): every row is counted again.
            *self = GrowingOverview::default();
            index.merge_log.changed.clear();
        }
        self.grow_counts(index);
        for (row, before) in index.merge_log.take_changed() {
            self.count_facts(&before, -1);
            self.count_facts(&RowFacts::of(index, row as usize), 1);
        }
        let added: Vec<u32> = (self.counted as u32..index.len() as u32).collect();
        self.count_rows(index, &added);
        self.counted = index.len();
        index.merge_log.counted = self.counted;
        (self.totals(index), self.facets(index))
    }

    /// Room for every dictionary value and set the index has now.
    fn grow_counts(&mut self, index: &CorpusIndex) {
        for (counts, field) in self.strings.iter_mut().zip(STRING_FIELDS) {
            counts.resize(string_column(index, field).dictionary.len() + 1, 0);
        }
        for (counts, field) in self.sets.iter_mut().zip(SET_FIELDS) {
            counts.resize(set_column(index, field).sets.len() + 1, 0);
        }
    }

    /// Adds (`sign` 1) or takes out (-1) one row's facts.
    fn count_facts(&mut self, facts: &RowFacts, sign: i64) {
        let step = |count: &mut u64| *count = count.wrapping_add_signed(sign);
        if facts.failed {
            step(&mut self.failed);
        }
        self.feedback.count(facts.feedback, sign);
        if !facts.cost_usd.is_nan() {
            self.cost_usd += sign as f64 * facts.cost_usd;
        }
        self.tokens = self.tokens.wrapping_add_signed(sign.wrapping_mul(facts.tokens as i64));
        for (counts, number) in self.strings.iter_mut().zip(facts.strings) {
            step(&mut counts[number as usize]);
        }
        for (counts, number) in self.sets.iter_mut().zip(facts.sets) {
            step(&mut counts[number as usize]);
        }
    }

    /// Adds the facts of `rows` a column at a time.
    fn count_rows(&mut self, index: &CorpusIndex, rows: &[u32]) {
        index.error_count.for_each_of(rows, |errors| self.failed += u64::from(errors > 0));
        for &row in rows {
            let row = row as usize;
            self.feedback.count(index.feedback_of(row), 1);
            let cost = index.cost_usd[row];
            if !cost.is_nan() {
                self.cost_usd += cost;
            }
            self.tokens = self.tokens.saturating_add(index.tokens[row]);
        }
        for (counts, field) in self.strings.iter_mut().zip(STRING_FIELDS) {
            string_column(index, field).rows.for_each_of(rows, |number| counts[number as usize] += 1);
        }
        for (counts, field) in self.sets.iter_mut().zip(SET_FIELDS) {
            set_column(index, field).rows.for_each_of(rows, |set| counts[set as usize] += 1);
        }
    }

    fn totals(&self, index: &CorpusIndex) -> CorpusTotals {
        let mut durations = index.duration_ns.clone();
        let (p50_duration_ms, p95_duration_ms) = percentiles(&mut durations);
        CorpusTotals {
            traces: index.len() as u64,
            failed: self.failed,
            p95_duration_ms,
            p50_duration_ms,
            cost_usd: self.cost_usd,
            tokens: self.tokens,
        }
    }

    fn facets(&self, index: &CorpusIndex) -> Vec<Facet> {
        let traces = index.len() as u64;
        FACET_FIELDS
            .iter()
            .map(|&field| match field {
                "status" => status_facet(self.failed, traces, field),
                "feedback" => self.feedback.facet(field),
                _ => match STRING_FIELDS.iter().position(|known| *known == field) {
                    Some(at) => {
                        let counts = &self.strings[at];
                        dictionary_facet(
                            &string_column(index, field).dictionary,
                            counts,
                            counts[ABSENT as usize],
                            field,
                        )
                    }
                    None => {
                        let at = SET_FIELDS.iter().position(|known| *known == field).unwrap_or_default();
                        set_member_facet(set_column(index, field), &self.sets[at], field)
                    }
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::facets::{facet, totals};
    use crate::corpus::index::TraceSource;
    use crate::corpus::summary::TraceSummary;

    fn part(id: usize, late: bool) -> TraceSummary {
        TraceSummary {
            trace_id: format!("{id:032x}"),
            intent: Some(if late { "late" } else { "early" }.to_string()),
            models: [format!("model-{}", id % 3)].into(),
            error_count: u64::from(late),
            span_count: 1,
            ..TraceSummary::default()
        }
    }

    fn counted_afresh(index: &CorpusIndex) -> (CorpusTotals, Vec<Facet>) {
        let every: Vec<u32> = (0..index.len() as u32).collect();
        (totals(index, &every), FACET_FIELDS.iter().filter_map(|field| facet(index, &every, field)).collect())
    }

    #[test]
    fn more_merges_than_the_log_notes_make_the_counts_start_again_and_stay_exact() {
        let mut index = CorpusIndex::default();
        let traces = MergeLog::MAX_NOTED + 10;
        for id in 0..traces {
            index.add(part(id, false), TraceSource::Kept { index: 0 });
        }
        let mut overview = GrowingOverview::default();
        assert_eq!(overview.update(&mut index), counted_afresh(&index));
        // Every trace's second part merges into a counted row: more than the log takes.
        for id in 0..traces {
            index.add(part(id, true), TraceSource::Kept { index: 0 });
        }
        assert_eq!(index.merge_log.counted, 0, "the log gave up");
        assert!(index.merge_log.changed.is_empty());
        index.add(part(traces, false), TraceSource::Kept { index: 0 });
        let (kept_totals, kept_facets) = overview.update(&mut index);
        let (expected_totals, expected_facets) = counted_afresh(&index);
        assert_eq!(kept_facets, expected_facets);
        assert_eq!(kept_totals, expected_totals);
        assert_eq!(kept_totals.failed, traces as u64);
    }

    #[test]
    fn a_row_merged_twice_is_taken_out_once_as_it_was_counted() {
        let mut index = CorpusIndex::default();
        for id in 0..10 {
            index.add(part(id, false), TraceSource::Kept { index: 0 });
        }
        let mut overview = GrowingOverview::default();
        overview.update(&mut index);
        for _ in 0..2 {
            index.add(part(3, true), TraceSource::Kept { index: 0 });
        }
        index.add(part(10, false), TraceSource::Kept { index: 0 });
        assert_eq!(overview.update(&mut index), counted_afresh(&index));
    }
}
