//! Orders rows by sort keys: each key becomes one number per row that orders as the column does
//! (numbers by value, strings by their dictionary rank, worked out once per dictionary), missing
//! values last in either direction, ties broken by trace id ascending, so every order is total
//! and the same on every run.

use std::cmp::Ordering;

use super::dictionary::{Dictionary, SetColumn, StringColumn};
use super::index::CorpusIndex;
use super::query::{Field, SortKey};

/// The code of a missing value: after every present one, whichever the direction.
const MISSING: u64 = u64::MAX;

/// Each row's place in trace id order, computed once the index has stopped growing and reused
/// while it does not grow. While files are still being read every sort would need it afresh (a
/// string sort of every id); then ties are broken by comparing the tied rows' ids instead.
#[derive(Default, Debug)]
pub struct SortRanks {
    /// The index size the ranks are for.
    rows: usize,
    id_ranks: Vec<u32>,
    /// The index size at the last sort: the same size twice running means it has stopped growing.
    last_sorted_rows: usize,
}

impl SortRanks {
    /// The ranks, when they are valid or worth computing now (the index did not grow since the
    /// last sort); `None` while it grows.
    fn id_ranks(&mut self, index: &CorpusIndex) -> Option<&[u32]> {
        let settled = self.last_sorted_rows == index.len();
        self.last_sorted_rows = index.len();
        let valid = self.rows == index.len() && self.id_ranks.len() == index.len();
        if !valid && !settled {
            return None;
        }
        if !valid {
            let mut order: Vec<u32> = (0..index.len() as u32).collect();
            order.sort_unstable_by(|&left, &right| index.compare_trace_ids(left as usize, right as usize));
            self.id_ranks = vec![0; order.len()];
            for (rank, row) in order.into_iter().enumerate() {
                self.id_ranks[row as usize] = rank as u32;
            }
            self.rows = index.len();
        }
        Some(&self.id_ranks)
    }
}

/// A float's bits turned into a number that orders as the float does.
fn float_code(value: f64) -> u64 {
    if value.is_nan() {
        return MISSING;
    }
    let bits = (value + 0.0).to_bits();
    let code = if bits >> 63 == 1 { !bits } else { bits | 1 << 63 };
    // MISSING is reserved; the largest float's code is below it anyway.
    code.min(MISSING - 1)
}

fn dictionary_ranks(dictionary: &mut Dictionary) -> Vec<u64> {
    dictionary.ranks().iter().map(|&rank| if rank == u32::MAX { MISSING } else { u64::from(rank) }).collect()
}

fn string_codes(column: &mut StringColumn, rows: &[u32]) -> Vec<u64> {
    let ranks = dictionary_ranks(&mut column.dictionary);
    column.rows.gather(rows, |number| ranks[number as usize])
}

/// An outcome column's codes: by number when its values are numbers, else by text.
fn outcome_codes(index: &mut CorpusIndex, name: &str, rows: &[u32]) -> Vec<u64> {
    let Some(mut outcomes) = index.outcomes.take() else { return vec![MISSING; rows.len()] };
    let codes = match outcomes.column(name) {
        Some(column) => match outcomes.trace_numbers(index, column) {
            Some(numbers) => rows.iter().map(|&row| float_code(numbers[row as usize])).collect(),
            None => {
                let values = outcomes.trace_values(index, column);
                let column = outcomes.column_mut(name).map(|column| &mut column.text.dictionary);
                let ranks = column.map(dictionary_ranks).unwrap_or_default();
                rows.iter().map(|&row| ranks.get(values[row as usize] as usize).copied().unwrap_or(MISSING)).collect()
            }
        },
        None => vec![MISSING; rows.len()],
    };
    index.outcomes = Some(outcomes);
    codes
}

/// Sets order by their members written out in dictionary order ("gpt-4o, o3").
fn set_codes(column: &SetColumn, rows: &[u32]) -> Vec<u64> {
    let texts: Vec<String> = (0..=column.sets.len() as u32)
        .map(|set| {
            let mut members: Vec<&str> =
                column.sets.members(set).iter().filter_map(|&member| column.members.value(member)).collect();
            members.sort_unstable();
            members.join(", ")
        })
        .collect();
    let mut order: Vec<usize> = (1..texts.len()).collect();
    order.sort_by(|&left, &right| texts[left].cmp(&texts[right]));
    let mut ranks = vec![MISSING; texts.len()];
    for (rank, set) in order.into_iter().enumerate() {
        ranks[set] = rank as u64;
    }
    column.rows.gather(rows, |set| ranks[set as usize])
}

/// One number per row in `rows` that orders as `field` does, ascending.
fn codes(index: &mut CorpusIndex, field: &Field, rows: &[u32]) -> Vec<u64> {
    let each = |value: &dyn Fn(usize) -> u64| rows.iter().map(|&row| value(row as usize)).collect::<Vec<u64>>();
    match field {
        Field::TraceId => Vec::new(),
        Field::Name => string_codes(&mut index.name, rows),
        Field::Intent => string_codes(&mut index.intent, rows),
        Field::Variant => string_codes(&mut index.variant, rows),
        Field::User => string_codes(&mut index.user, rows),
        Field::Session => string_codes(&mut index.session, rows),
        Field::Model => set_codes(&index.models, rows),
        Field::Tool => set_codes(&index.tools, rows),
        Field::Label => set_codes(&index.labels, rows),
        Field::Signature => string_codes(&mut index.signature, rows),
        Field::ErrorTemplate => string_codes(&mut index.error_template, rows),
        Field::Status => index.error_count.gather(rows, |errors| u64::from(errors > 0)),
        Field::Errors => index.error_count.gather(rows, u64::from),
        Field::Spans => index.span_count.gather(rows, u64::from),
        Field::DurationMs => each(&|row| index.duration_ns[row].min(MISSING - 1)),
        Field::Cost => each(&|row| float_code(index.cost_usd[row])),
        Field::Tokens => each(&|row| index.tokens[row].min(MISSING - 1)),
        Field::Documents => index.documents.gather(rows, u64::from),
        Field::Feedback => each(&|row| u64::from(index.feedback_of(row))),
        Field::Start => each(&|row| index.start_ns[row].min(MISSING - 1)),
        Field::Score(name) => match index.score_column(name) {
            Some(column) => each(&|row| float_code(index.score(column, row))),
            None => vec![MISSING; rows.len()],
        },
        Field::Attribute(key) => match index.attribute_column(key) {
            Some(column) => string_codes(&mut index.attributes[column].column, rows),
            None => vec![MISSING; rows.len()],
        },
        Field::Outcome(name) => outcome_codes(index, name, rows),
    }
}

/// Puts `rows` in order by `keys`, then by trace id ascending: the first `needed` of them (every
/// row when `needed` covers them all); the rest follow in no particular order. A table showing its
/// first hundred rows needs no more, and picking them costs a pass, not a sort of every row.
pub fn sort_rows(index: &mut CorpusIndex, ranks: &mut SortRanks, rows: &mut Vec<u32>, keys: &[SortKey], needed: usize) {
    let Some(id_ranks) = ranks.id_ranks(index) else {
        sort_rows_comparing_ids(index, rows, keys, needed);
        return;
    };
    let columns: Vec<Vec<u64>> = keys.iter().map(|key| directed_codes(index, rows, key, id_ranks)).collect();
    // Ordered as (first key, id rank, position) triples when one key suffices: no indirection.
    let mut order: Vec<(u64, u32, u32)> = rows
        .iter()
        .enumerate()
        .map(|(position, &row)| {
            (columns.first().map_or(0, |codes| codes[position]), id_ranks[row as usize], position as u32)
        })
        .collect();
    if columns.len() <= 1 {
        put_first_in_order(&mut order, needed, Ord::cmp);
    } else {
        put_first_in_order(&mut order, needed, |left, right| {
            left.0
                .cmp(&right.0)
                .then_with(|| {
                    columns[1..]
                        .iter()
                        .map(|codes| codes[left.2 as usize].cmp(&codes[right.2 as usize]))
                        .find(|ordering| *ordering != Ordering::Equal)
                        .unwrap_or(Ordering::Equal)
                })
                .then(left.1.cmp(&right.1))
        });
    }
    let sorted: Vec<u32> = order.into_iter().map(|(_, _, position)| rows[position as usize]).collect();
    *rows = sorted;
}

/// Sorts the first `needed` items of `items` by `compare` (all of them when `needed` covers them):
/// the `needed` smallest are picked first (a partial selection), then only they are sorted.
pub(super) fn put_first_in_order<T>(items: &mut [T], needed: usize, mut compare: impl FnMut(&T, &T) -> Ordering) {
    if needed == 0 || items.is_empty() {
        return;
    }
    if needed < items.len() {
        items.select_nth_unstable_by(needed - 1, &mut compare);
        items[..needed].sort_unstable_by(compare);
    } else {
        items.sort_unstable_by(compare);
    }
}

/// The codes of one key for `rows`, turned for its direction (missing values stay last); a trace id
/// key codes each row by its place in `id_ranks`.
fn directed_codes(index: &mut CorpusIndex, rows: &[u32], key: &SortKey, id_ranks: &[u32]) -> Vec<u64> {
    let mut codes = if key.field == Field::TraceId {
        rows.iter().map(|&row| u64::from(id_ranks[row as usize])).collect()
    } else {
        codes(index, &key.field, rows)
    };
    if key.descending {
        codes.iter_mut().filter(|code| **code != MISSING).for_each(|code| *code = MISSING - 1 - *code);
    }
    codes
}

/// [`sort_rows`] while the index grows: by the keys' codes, then rows the keys tie on by comparing
/// their ids (a trace id key, wherever it stands, decides there too, as ids are unique: the keys
/// after it never matter).
fn sort_rows_comparing_ids(index: &mut CorpusIndex, rows: &mut Vec<u32>, keys: &[SortKey], needed: usize) {
    let until_id = keys.iter().position(|key| key.field == Field::TraceId).unwrap_or(keys.len());
    let id_descending = keys.get(until_id).is_some_and(|key| key.descending);
    // No trace id key before `until_id`, so no id ranks are needed.
    let columns: Vec<Vec<u64>> = keys[..until_id].iter().map(|key| directed_codes(index, rows, key, &[])).collect();
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    let index = &*index;
    put_first_in_order(&mut order, needed, |left, right| {
        columns
            .iter()
            .map(|codes| codes[*left as usize].cmp(&codes[*right as usize]))
            .find(|ordering| *ordering != Ordering::Equal)
            .unwrap_or_else(|| {
                let ordering = index.compare_trace_ids(rows[*left as usize] as usize, rows[*right as usize] as usize);
                if id_descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
    });
    let sorted: Vec<u32> = order.into_iter().map(|position| rows[position as usize]).collect();
    *rows = sorted;
}
