//! The order a review queue visits traces: a seeded shuffle, a round-robin over the values of a
//! column (each stratum shuffled) so every value is seen early, or worst first (negative feedback,
//! then more errors, then longer). Linear or n·log n work, so a million rows order in moments;
//! the same items and seed give the same order whatever order the items came in.

use std::cmp::Reverse;
use std::collections::HashMap;

use crate::random::SplitMix64;

/// One candidate trace: its table row and what the orders look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueItem {
    pub row: u32,
    /// The number of its value in the stratifying column (any numbering).
    pub stratum: u32,
    pub errors: u32,
    pub negative_feedback: bool,
    pub duration_ns: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueOrder {
    Random { seed: u64 },
    Stratified { seed: u64 },
    WorstFirst,
}

/// The first `limit` rows of the queue in `order`.
pub fn order_queue(mut items: Vec<QueueItem>, order: QueueOrder, limit: usize) -> Vec<u32> {
    let limit = limit.min(items.len());
    match order {
        QueueOrder::Random { seed } => {
            let mut rows: Vec<u32> = items.iter().map(|item| item.row).collect();
            rows.sort_unstable();
            shuffle_front(&mut rows, limit, &mut SplitMix64::new(seed));
            rows.truncate(limit);
            rows
        }
        QueueOrder::Stratified { seed } => stratified(&items, limit, seed),
        QueueOrder::WorstFirst => {
            let key = |item: &QueueItem| {
                (Reverse(item.negative_feedback), Reverse(item.errors), Reverse(item.duration_ns), item.row)
            };
            if limit == 0 {
                return Vec::new();
            }
            if limit < items.len() {
                items.select_nth_unstable_by_key(limit - 1, key);
                items.truncate(limit);
            }
            items.sort_unstable_by_key(key);
            items.iter().map(|item| item.row).collect()
        }
    }
}

/// Fisher–Yates for the first `count` places only: each is a uniform pick of what remains.
fn shuffle_front(rows: &mut [u32], count: usize, random: &mut SplitMix64) {
    let length = rows.len();
    for place in 0..count.min(length.saturating_sub(1)) {
        let pick = place + random.below((length - place) as u64) as usize;
        rows.swap(place, pick);
    }
}

/// Strata in a shuffled order, each one's rows shuffled; then one row from each stratum in turn
/// until `limit` rows are taken.
fn stratified(items: &[QueueItem], limit: usize, seed: u64) -> Vec<u32> {
    let mut by_stratum: HashMap<u32, Vec<u32>> = HashMap::new();
    for item in items {
        by_stratum.entry(item.stratum).or_default().push(item.row);
    }
    let mut strata: Vec<(u32, Vec<u32>)> = by_stratum.into_iter().collect();
    strata.sort_unstable_by_key(|(stratum, _)| *stratum);
    let mut random = SplitMix64::new(seed);
    let order: Vec<u32> = {
        let mut positions: Vec<u32> = (0..strata.len() as u32).collect();
        shuffle_front(&mut positions, strata.len(), &mut random);
        positions
    };
    let mut queues: Vec<Vec<u32>> = Vec::with_capacity(strata.len());
    for position in order {
        let rows = &mut strata[position as usize].1;
        rows.sort_unstable();
        // No stratum gives more than `limit` rows: only those places are shuffled.
        let take = rows.len().min(limit);
        shuffle_front(rows, take, &mut random);
        rows.truncate(take);
        rows.reverse(); // taken from the end
        queues.push(std::mem::take(rows));
    }
    let mut queue = Vec::with_capacity(limit);
    while queue.len() < limit {
        queues.retain(|rows| !rows.is_empty());
        for rows in queues.iter_mut() {
            if queue.len() == limit {
                break;
            }
            if let Some(row) = rows.pop() {
                queue.push(row);
            }
        }
    }
    queue
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(row: u32, stratum: u32) -> QueueItem {
        QueueItem { row, stratum, errors: 0, negative_feedback: false, duration_ns: 0 }
    }

    #[test]
    fn random_is_a_seeded_permutation_independent_of_input_order() {
        let items: Vec<QueueItem> = (0..1000).map(|row| item(row, 0)).collect();
        let first = order_queue(items.clone(), QueueOrder::Random { seed: 7 }, 1000);
        let mut reversed = items.clone();
        reversed.reverse();
        assert_eq!(order_queue(reversed, QueueOrder::Random { seed: 7 }, 1000), first);
        assert_ne!(order_queue(items.clone(), QueueOrder::Random { seed: 8 }, 1000), first);
        assert_ne!(first, (0..1000).collect::<Vec<u32>>());
        let mut sorted = first.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<u32>>());
        assert_eq!(order_queue(items, QueueOrder::Random { seed: 7 }, 10), first[..10]);
    }

    #[test]
    fn stratified_shows_every_stratum_before_any_twice() {
        // Stratum 0 is 97 % of the rows; strata 1–3 are small.
        let mut items: Vec<QueueItem> = (0..970).map(|row| item(row, 0)).collect();
        items.extend((970..1000).map(|row| item(row, 1 + row % 3)));
        let queue = order_queue(items.clone(), QueueOrder::Stratified { seed: 3 }, 8);
        let strata: Vec<u32> = queue.iter().map(|row| items[*row as usize].stratum).collect();
        let mut first_four = strata[..4].to_vec();
        first_four.sort_unstable();
        assert_eq!(first_four, [0, 1, 2, 3]);
        assert_eq!(strata[4..], strata[..4], "round robin in the same stratum order");
        assert_eq!(order_queue(items.clone(), QueueOrder::Stratified { seed: 3 }, 8), queue);
        let all = order_queue(items, QueueOrder::Stratified { seed: 3 }, usize::MAX);
        let mut sorted = all.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..1000).collect::<Vec<u32>>());
    }

    #[test]
    fn worst_first_puts_negative_feedback_then_errors_then_duration() {
        let items = vec![
            QueueItem { row: 0, stratum: 0, errors: 0, negative_feedback: false, duration_ns: 900 },
            QueueItem { row: 1, stratum: 0, errors: 2, negative_feedback: false, duration_ns: 10 },
            QueueItem { row: 2, stratum: 0, errors: 0, negative_feedback: true, duration_ns: 10 },
            QueueItem { row: 3, stratum: 0, errors: 2, negative_feedback: false, duration_ns: 20 },
            QueueItem { row: 4, stratum: 0, errors: 0, negative_feedback: false, duration_ns: 900 },
        ];
        assert_eq!(order_queue(items.clone(), QueueOrder::WorstFirst, 10), [2, 3, 1, 0, 4]);
        assert_eq!(order_queue(items.clone(), QueueOrder::WorstFirst, 2), [2, 3]);
        assert!(order_queue(items, QueueOrder::WorstFirst, 0).is_empty());
    }
}
