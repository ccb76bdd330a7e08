//! Facets (the most frequent values of a column with their counts, over the rows a filter kept)
//! and the summary line (how many traces, how many failed, the 95th percentile duration by nearest
//! rank over every row, total cost and tokens).

use serde::Serialize;

use super::dictionary::{Dictionary, SetColumn, StringColumn, ABSENT};
use super::index::CorpusIndex;
use super::summary::{FeedbackFlags, FEEDBACK_SIGNALS};

/// Values a facet lists at most.
pub const FACET_VALUES: usize = 10;

/// The columns the facet panel shows, in its order.
pub const FACET_FIELDS: [&str; 9] =
    ["status", "feedback", "intent", "model", "tool", "variant", "name", "user", "session"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

/// One column's most frequent values among the matching rows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Facet {
    pub field: String,
    /// Up to [`FACET_VALUES`], most frequent first, ties by value.
    pub values: Vec<FacetValue>,
    /// How many distinct values the matching rows have.
    pub distinct: u64,
    /// Matching rows without a value.
    pub missing: u64,
}

/// The facts of the summary line over the matching rows.
#[derive(Clone, Debug, PartialEq, Serialize, Default)]
pub struct CorpusTotals {
    pub traces: u64,
    pub failed: u64,
    /// The 95th percentile duration, nearest rank, in milliseconds (`None` when no rows).
    pub p95_duration_ms: Option<f64>,
    pub p50_duration_ms: Option<f64>,
    pub cost_usd: f64,
    pub tokens: u64,
}

/// The value at percentile `percent` of `values` by nearest rank (sorted in place).
pub fn nearest_rank(values: &mut [u64], percent: f64) -> Option<u64> {
    if values.is_empty() {
        return None;
    }
    let rank = ((percent / 100.0) * values.len() as f64).ceil().max(1.0) as usize;
    let (_, value, _) = values.select_nth_unstable(rank.min(values.len()) - 1);
    Some(*value)
}

/// The index of the value at percentile `percent` of `count` values by nearest rank (`count` > 0).
pub fn nearest_rank_index(count: usize, percent: f64) -> usize {
    let rank = ((percent / 100.0) * count as f64).ceil().max(1.0) as usize;
    rank.min(count) - 1
}

pub fn totals(index: &CorpusIndex, rows: &[u32]) -> CorpusTotals {
    let mut durations: Vec<u64> = Vec::with_capacity(rows.len());
    let (mut failed, mut cost_usd, mut tokens) = (0u64, 0f64, 0u64);
    for &row in rows {
        let row = row as usize;
        durations.push(index.duration_ns[row]);
        let cost = index.cost_usd[row];
        if !cost.is_nan() {
            cost_usd += cost;
        }
        tokens = tokens.saturating_add(index.tokens[row]);
    }
    index.error_count.for_each_of(rows, |errors| failed += u64::from(errors > 0));
    let (p50_duration_ms, p95_duration_ms) = percentiles(&mut durations);
    CorpusTotals { traces: rows.len() as u64, failed, p95_duration_ms, p50_duration_ms, cost_usd, tokens }
}

/// The median and the 95th percentile of `durations` (ns, reordered) in milliseconds, by nearest
/// rank; `None` for no durations.
pub fn percentiles(durations: &mut [u64]) -> (Option<f64>, Option<f64>) {
    if durations.is_empty() {
        return (None, None);
    }
    let to_ms = |ns: u64| ns as f64 / 1e6;
    // One selection for the 95th percentile; the median is then among the values before it.
    let at95 = nearest_rank_index(durations.len(), 95.0);
    let at50 = nearest_rank_index(durations.len(), 50.0);
    let (below, p95, _) = durations.select_nth_unstable(at95);
    let p95 = *p95;
    let p50 = if at50 < at95 { *below.select_nth_unstable(at50).1 } else { p95 };
    (Some(to_ms(p50)), Some(to_ms(p95)))
}

fn top(counts: Vec<(String, u64)>, missing: u64, field: &str) -> Facet {
    let mut values: Vec<FacetValue> =
        counts.into_iter().filter(|(_, count)| *count > 0).map(|(value, count)| FacetValue { value, count }).collect();
    let distinct = values.len() as u64;
    values.sort_by(|left, right| right.count.cmp(&left.count).then_with(|| left.value.cmp(&right.value)));
    values.truncate(FACET_VALUES);
    Facet { field: field.to_string(), values, distinct, missing }
}

/// The facet of a dictionary's values from their counts (indexed by number; 0 is "missing"): the
/// most frequent first, ties by value, written out only for the ones listed (a user column may
/// have a value per few traces). The count a value needs to be listed is found among the counts
/// alone; values are compared as text only where they tie at that count.
pub(super) fn dictionary_facet(dictionary: &Dictionary, counts: &[u64], missing: u64, field: &str) -> Facet {
    let present: Vec<u64> = counts.iter().skip(1).copied().filter(|count| *count > 0).collect();
    let distinct = present.len() as u64;
    let threshold = match present.len() {
        0 => u64::MAX,
        length if length <= FACET_VALUES => 1,
        _ => {
            let mut present = present;
            *present.select_nth_unstable_by(FACET_VALUES - 1, |left, right| right.cmp(left)).1
        }
    };
    let text = |number: u32| dictionary.value(number).unwrap_or_default();
    let mut listed: Vec<(u32, u64)> = Vec::with_capacity(FACET_VALUES);
    // The values at the threshold, fewest by text kept (a bounded list, sorted by text).
    let mut tied: Vec<u32> = Vec::with_capacity(FACET_VALUES + 1);
    for (number, &count) in counts.iter().enumerate().skip(1) {
        if count > threshold {
            listed.push((number as u32, count));
        } else if count == threshold {
            let number = number as u32;
            if tied.len() == FACET_VALUES && text(number) >= text(tied[FACET_VALUES - 1]) {
                continue;
            }
            let at = tied.partition_point(|&kept| text(kept) < text(number));
            tied.insert(at, number);
            tied.truncate(FACET_VALUES);
        }
    }
    let room = FACET_VALUES.saturating_sub(listed.len());
    listed.extend(tied.into_iter().take(room).map(|number| (number, threshold)));
    listed.sort_by(|left, right| right.1.cmp(&left.1).then_with(|| text(left.0).cmp(text(right.0))));
    let values =
        listed.into_iter().map(|(number, count)| FacetValue { value: text(number).to_string(), count }).collect();
    Facet { field: field.to_string(), values, distinct, missing }
}

fn string_facet(column: &StringColumn, rows: &[u32], field: &str) -> Facet {
    let mut counts = vec![0u64; column.dictionary.len() + 1];
    column.rows.for_each_of(rows, |number| counts[number as usize] += 1);
    let missing = counts[ABSENT as usize];
    dictionary_facet(&column.dictionary, &counts, missing, field)
}

fn set_facet(column: &SetColumn, rows: &[u32], field: &str) -> Facet {
    let mut set_counts = vec![0u64; column.sets.len() + 1];
    column.rows.for_each_of(rows, |set| set_counts[set as usize] += 1);
    set_member_facet(column, &set_counts, field)
}

/// The facet of a set column's members from the rows counted per set (indexed by set number; 0
/// is "no set"): a row counts once for each member of its set.
pub(super) fn set_member_facet(column: &SetColumn, set_counts: &[u64], field: &str) -> Facet {
    let mut member_counts = vec![0u64; column.members.len() + 1];
    for (set, count) in set_counts.iter().enumerate().skip(1) {
        for &member in column.sets.members(set as u32) {
            member_counts[member as usize] += count;
        }
    }
    dictionary_facet(&column.members, &member_counts, set_counts[ABSENT as usize], field)
}

/// The status facet: how many rows failed and how many did not.
pub(super) fn status_facet(failed: u64, rows: u64, field: &str) -> Facet {
    top(vec![("error".into(), failed), ("ok".into(), rows - failed)], 0, field)
}

/// Rows per feedback signal, and rows with none.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct FeedbackCounts {
    signals: [u64; FEEDBACK_SIGNALS.len()],
    missing: u64,
}

impl FeedbackCounts {
    /// Counts a row with these signals in (`step` 1) or out (-1).
    pub(super) fn count(&mut self, flags: FeedbackFlags, step: i64) {
        let add = |count: &mut u64| *count = count.wrapping_add_signed(step);
        if flags == 0 {
            add(&mut self.missing);
        }
        for (bit, count) in self.signals.iter_mut().enumerate() {
            if flags & (1 << bit) != 0 {
                add(count);
            }
        }
    }

    pub(super) fn facet(&self, field: &str) -> Facet {
        let counts =
            FEEDBACK_SIGNALS.iter().zip(self.signals).map(|((name, _), count)| (name.to_string(), count)).collect();
        top(counts, self.missing, field)
    }
}

/// The facet of `field` (one of [`FACET_FIELDS`] or `attr."key"` written `attr.key`) over `rows`.
pub fn facet(index: &CorpusIndex, rows: &[u32], field: &str) -> Option<Facet> {
    Some(match field {
        "status" => {
            let mut failed = 0u64;
            index.error_count.for_each_of(rows, |errors| failed += u64::from(errors > 0));
            status_facet(failed, rows.len() as u64, field)
        }
        "feedback" => {
            let mut counts = FeedbackCounts::default();
            for &row in rows {
                counts.count(index.feedback_of(row as usize), 1);
            }
            counts.facet(field)
        }
        "intent" => string_facet(&index.intent, rows, field),
        "variant" => string_facet(&index.variant, rows, field),
        "name" => string_facet(&index.name, rows, field),
        "user" => string_facet(&index.user, rows, field),
        "session" => string_facet(&index.session, rows, field),
        "model" => set_facet(&index.models, rows, field),
        "tool" => set_facet(&index.tools, rows, field),
        other => {
            let key = other.strip_prefix("attr.")?;
            let column = index.attribute_column(key.trim_matches('"'))?;
            string_facet(&index.attributes[column].column, rows, field)
        }
    })
}
