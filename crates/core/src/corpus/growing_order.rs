//! The table's first rows kept in trace id order while files are read. When the filter keeps every
//! trace and the order is by trace id (the table's default: no sort key, ties by id), the rows
//! added since the last window are merged into the rows already in order, instead of every row
//! being ordered again at each refresh (33 ms at a million rows; the merge costs the new rows).
//! A row's id never changes when a later part of its trace joins it, so rows in order stay so.

use std::cmp::Ordering;

use super::index::CorpusIndex;
use super::query::{Field, SortKey};
use super::sort::put_first_in_order;

/// Whether `keys` order rows by trace id alone, and then whether descending: no key (ties are
/// broken by id ascending) or a first key on the trace id (ids are unique, later keys never
/// decide). `None` for any other order.
pub fn id_order(keys: &[SortKey]) -> Option<bool> {
    match keys.first() {
        None => Some(false),
        Some(key) if key.field == Field::TraceId => Some(key.descending),
        Some(_) => None,
    }
}

/// Rows in id order so far: `rows` holds every row of the index before `rows.len()`, the first
/// `in_order` of them in id order and none of the rest before them.
pub struct IdOrdered<'a> {
    pub rows: &'a mut Vec<u32>,
    pub in_order: usize,
    pub descending: bool,
}

impl IdOrdered<'_> {
    /// Adds the index's rows from `rows.len()` on and puts the first `wanted` rows in order (at
    /// least as many as were; fewer when there are fewer rows). Returns how many are in order, or
    /// `None` (nothing changed) when more are wanted than were in order while rows after them
    /// were not: those would have to be ordered too, which is a whole sort.
    pub fn extend(self, index: &CorpusIndex, wanted: usize) -> Option<usize> {
        let IdOrdered { rows, in_order, descending } = self;
        let (known, total) = (rows.len(), index.len());
        let goal = wanted.max(in_order).min(total);
        if goal > in_order && in_order < known {
            return None;
        }
        let compare = |left: &u32, right: &u32| {
            let ordering = index.compare_trace_ids(*left as usize, *right as usize);
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        };
        let mut added: Vec<u32> = (known as u32..total as u32).collect();
        let added_in_order = goal.min(added.len());
        put_first_in_order(&mut added, added_in_order, compare);
        // The first `goal` of the rows in order and the new rows in order, merged.
        let (mut from_old, mut from_added) = (0, 0);
        let mut first = Vec::with_capacity(goal);
        while first.len() < goal {
            let take_old = from_added == added_in_order
                || (from_old < in_order && compare(&rows[from_old], &added[from_added]) != Ordering::Greater);
            if take_old {
                first.push(rows[from_old]);
                from_old += 1;
            } else {
                first.push(added[from_added]);
                from_added += 1;
            }
        }
        // Rows in order that the new ones pushed out go after them, with the new rows not taken.
        let pushed_out: Vec<u32> = rows[from_old..in_order].to_vec();
        if goal == in_order {
            rows[..goal].copy_from_slice(&first);
        } else {
            // More in order than before: every known row was in order (checked above).
            rows.clear();
            rows.extend_from_slice(&first);
        }
        rows.extend_from_slice(&pushed_out);
        rows.extend_from_slice(&added[from_added..]);
        Some(goal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::index::TraceSource;
    use crate::corpus::summary::TraceSummary;

    fn add(index: &mut CorpusIndex, id: u64) {
        let summary = TraceSummary {
            trace_id: format!("{:032x}", id.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            ..TraceSummary::default()
        };
        index.add(summary, TraceSource::Kept { index: 0 });
    }

    fn sorted_ids(index: &CorpusIndex, descending: bool) -> Vec<u32> {
        let mut all: Vec<u32> = (0..index.len() as u32).collect();
        all.sort_by(|left, right| {
            let ordering = index.compare_trace_ids(*left as usize, *right as usize);
            if descending {
                ordering.reverse()
            } else {
                ordering
            }
        });
        all
    }

    #[test]
    fn rows_added_in_runs_keep_the_first_rows_in_id_order_and_every_row_once() {
        for descending in [false, true] {
            let mut index = CorpusIndex::default();
            let (mut rows, mut in_order) = (Vec::new(), 0);
            for (run, (size, wanted)) in
                [(3, 10), (40, 10), (1, 10), (500, 10), (0, 10), (700, 10)].into_iter().enumerate()
            {
                for number in 0..size {
                    add(&mut index, (run * 1000 + number) as u64);
                }
                // A part of a trace already indexed joins its row: no new row, no new place.
                add(&mut index, 1);
                let ordered = IdOrdered { rows: &mut rows, in_order, descending };
                in_order = ordered.extend(&index, wanted).expect("the rows were all in order or enough");
                let expected = sorted_ids(&index, descending);
                assert_eq!(in_order, wanted.min(index.len()));
                assert_eq!(rows[..in_order], expected[..in_order], "run {run}, descending {descending}");
                let mut every = rows.clone();
                every.sort_unstable();
                assert_eq!(every, (0..index.len() as u32).collect::<Vec<_>>(), "each row once");
                // None of the rest comes before the last row in order.
                if in_order > 0 {
                    let last = &rows[in_order - 1];
                    let compare = |left: &u32, right: &u32| index.compare_trace_ids(*left as usize, *right as usize);
                    let before =
                        |row: &u32| if descending { compare(row, last).is_gt() } else { compare(row, last).is_lt() };
                    assert!(!rows[in_order..].iter().any(before));
                }
            }
        }
    }

    #[test]
    fn more_rows_wanted_than_were_put_in_order_is_refused_when_rows_after_them_are_unordered() {
        let mut index = CorpusIndex::default();
        for number in 0..50 {
            add(&mut index, number);
        }
        let mut rows = Vec::new();
        let in_order = IdOrdered { rows: &mut rows, in_order: 0, descending: false }.extend(&index, 10).unwrap();
        assert_eq!(in_order, 10);
        let before = rows.clone();
        assert_eq!(IdOrdered { rows: &mut rows, in_order, descending: false }.extend(&index, 20), None);
        assert_eq!(rows, before, "nothing changed");
    }

    #[test]
    fn only_a_trace_id_order_qualifies() {
        use crate::corpus::query::parse_sort;
        assert_eq!(id_order(&parse_sort("").unwrap()), Some(false));
        assert_eq!(id_order(&parse_sort("trace_id desc").unwrap()), Some(true));
        assert_eq!(id_order(&parse_sort("trace_id, duration_ms").unwrap()), Some(false));
        assert_eq!(id_order(&parse_sort("duration_ms desc").unwrap()), None);
        assert_eq!(id_order(&parse_sort("name, trace_id").unwrap()), None);
    }
}
