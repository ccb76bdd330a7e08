//! Facets (the most frequent values of a column with their counts, over the rows a filter kept)
//! and the summary line (how many traces, how many failed, the 95th percentile duration by nearest
//! rank over every row, total cost and tokens).

use serde::Serialize;

use super::dictionary::{Dictionary, SetColumn, StringColumn, ABSENT};
use super::index::CorpusIndex;
use super::summary::FEEDBACK_SIGNALS;

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

pub fn totals(index: &CorpusIndex, rows: &[u32]) -> CorpusTotals {
    let mut durations: Vec<u64> = rows.iter().map(|&row| index.duration_ns[row as usize]).collect();
    let to_ms = |ns: u64| ns as f64 / 1e6;
    CorpusTotals {
        traces: rows.len() as u64,
        failed: rows.iter().filter(|&&row| index.error_count[row as usize] > 0).count() as u64,
        p95_duration_ms: nearest_rank(&mut durations, 95.0).map(to_ms),
        p50_duration_ms: nearest_rank(&mut durations, 50.0).map(to_ms),
        cost_usd: rows.iter().map(|&row| index.cost_usd[row as usize]).filter(|cost| !cost.is_nan()).sum(),
        tokens: rows.iter().fold(0u64, |sum, &row| sum.saturating_add(index.tokens[row as usize])),
    }
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
/// have a value per few traces).
fn dictionary_facet(dictionary: &Dictionary, counts: &[u64], missing: u64, field: &str) -> Facet {
    let mut counted: Vec<(u32, u64)> = counts
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, count)| **count > 0)
        .map(|(number, count)| (number as u32, *count))
        .collect();
    let distinct = counted.len() as u64;
    let order = |left: &(u32, u64), right: &(u32, u64)| {
        right.1.cmp(&left.1).then_with(|| dictionary.value(left.0).cmp(&dictionary.value(right.0)))
    };
    if counted.len() > FACET_VALUES {
        counted.select_nth_unstable_by(FACET_VALUES - 1, order);
        counted.truncate(FACET_VALUES);
    }
    counted.sort_by(order);
    let values = counted
        .into_iter()
        .map(|(number, count)| FacetValue { value: dictionary.value(number).unwrap_or_default().to_string(), count })
        .collect();
    Facet { field: field.to_string(), values, distinct, missing }
}

fn string_facet(column: &StringColumn, rows: &[u32], field: &str) -> Facet {
    let mut counts = vec![0u64; column.dictionary.len() + 1];
    for &row in rows {
        counts[column.rows.get(row as usize).copied().unwrap_or(ABSENT) as usize] += 1;
    }
    let missing = counts[ABSENT as usize];
    dictionary_facet(&column.dictionary, &counts, missing, field)
}

fn set_facet(column: &SetColumn, rows: &[u32], field: &str) -> Facet {
    let mut set_counts = vec![0u64; column.sets.len() + 1];
    for &row in rows {
        set_counts[column.rows[row as usize] as usize] += 1;
    }
    let mut member_counts = vec![0u64; column.members.len() + 1];
    for (set, count) in set_counts.iter().enumerate().skip(1) {
        for &member in column.sets.members(set as u32) {
            member_counts[member as usize] += count;
        }
    }
    dictionary_facet(&column.members, &member_counts, set_counts[ABSENT as usize], field)
}

/// The facet of `field` (one of [`FACET_FIELDS`] or `attr."key"` written `attr.key`) over `rows`.
pub fn facet(index: &CorpusIndex, rows: &[u32], field: &str) -> Option<Facet> {
    Some(match field {
        "status" => {
            let failed = rows.iter().filter(|&&row| index.error_count[row as usize] > 0).count() as u64;
            top(vec![("error".into(), failed), ("ok".into(), rows.len() as u64 - failed)], 0, field)
        }
        "feedback" => {
            let counts = FEEDBACK_SIGNALS
                .iter()
                .enumerate()
                .map(|(bit, (name, _))| {
                    let count = rows.iter().filter(|&&row| index.feedback_of(row as usize) & (1 << bit) != 0).count();
                    (name.to_string(), count as u64)
                })
                .collect();
            let missing = rows.iter().filter(|&&row| index.feedback_of(row as usize) == 0).count() as u64;
            top(counts, missing, field)
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
