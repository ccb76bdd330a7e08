//! Dictionary encoding for the index's string columns: each distinct string is stored once and a
//! row holds its four-byte number (0 is "no value"); sets of strings (a trace's models) are
//! numbered the same way, since most traces share a few combinations. Sorting by a string column
//! compares the strings' ranks, worked out once per dictionary size.

use std::collections::HashMap;
use std::sync::Arc;

/// The number a row holds when it has no value.
pub const ABSENT: u32 = 0;

/// Distinct strings, numbered from 1 in the order they were first seen.
#[derive(Default, Debug)]
pub struct Dictionary {
    values: Vec<Arc<str>>,
    numbers: HashMap<Arc<str>, u32>,
    /// Each value's place in sorted order (`ranks[number - 1]`), kept while the dictionary has
    /// not grown since it was computed.
    ranks: Option<Vec<u32>>,
}

impl Dictionary {
    /// The number of `value`, added if new.
    pub fn intern(&mut self, value: &str) -> u32 {
        if let Some(&number) = self.numbers.get(value) {
            return number;
        }
        let shared: Arc<str> = Arc::from(value);
        self.values.push(shared.clone());
        let number = self.values.len() as u32;
        self.numbers.insert(shared, number);
        self.ranks = None;
        number
    }

    /// The number of an optional value (`ABSENT` for none).
    pub fn intern_option(&mut self, value: Option<&str>) -> u32 {
        value.map_or(ABSENT, |value| self.intern(value))
    }

    /// The number of `value` if it is known.
    pub fn find(&self, value: &str) -> Option<u32> {
        self.numbers.get(value).copied()
    }

    /// The string of a number (`None` for `ABSENT` or an unknown number).
    pub fn value(&self, number: u32) -> Option<&str> {
        number.checked_sub(1).and_then(|index| self.values.get(index as usize)).map(|value| &**value)
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Every (number, value), in number order.
    pub fn entries(&self) -> impl Iterator<Item = (u32, &str)> {
        self.values.iter().enumerate().map(|(index, value)| (index as u32 + 1, &**value))
    }

    /// For each number, whether `predicate` holds of its string (index 0, `ABSENT`, is false).
    pub fn matching(&self, mut predicate: impl FnMut(&str) -> bool) -> Vec<bool> {
        std::iter::once(false).chain(self.values.iter().map(|value| predicate(value))).collect()
    }

    /// Each number's place in sorted string order (index 0, `ABSENT`, ranks last).
    pub fn ranks(&mut self) -> &[u32] {
        let values = &self.values;
        self.ranks.get_or_insert_with(|| {
            let mut order: Vec<u32> = (0..values.len() as u32).collect();
            order.sort_by(|&left, &right| values[left as usize].cmp(&values[right as usize]));
            let mut ranks = vec![u32::MAX; values.len() + 1];
            for (rank, index) in order.into_iter().enumerate() {
                ranks[index as usize + 1] = rank as u32;
            }
            ranks
        })
    }

    /// Bytes the dictionary holds (strings and their lookup), for the bench's per-column figures.
    pub fn heap_bytes(&self) -> usize {
        self.values.iter().map(|value| value.len() + 16).sum::<usize>() + self.values.len() * 40
    }
}

/// Distinct sets of dictionary numbers (sorted, no repeats), numbered from 1; 0 is the empty set.
#[derive(Default, Debug)]
pub struct SetDictionary {
    sets: Vec<Box<[u32]>>,
    numbers: HashMap<Box<[u32]>, u32>,
}

impl SetDictionary {
    /// The number of a sorted set of numbers, added if new.
    pub fn intern(&mut self, members: &[u32]) -> u32 {
        if members.is_empty() {
            return ABSENT;
        }
        if let Some(&number) = self.numbers.get(members) {
            return number;
        }
        self.sets.push(members.into());
        let number = self.sets.len() as u32;
        self.numbers.insert(members.into(), number);
        number
    }

    /// The members of set `number` (empty for `ABSENT`).
    pub fn members(&self, number: u32) -> &[u32] {
        number.checked_sub(1).and_then(|index| self.sets.get(index as usize)).map_or(&[], |set| &**set)
    }

    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// For each set number, whether any member satisfies `member_matches` (indexed by member number).
    pub fn any_member(&self, member_matches: &[bool]) -> Vec<bool> {
        std::iter::once(false)
            .chain(
                self.sets
                    .iter()
                    .map(|set| set.iter().any(|&member| member_matches.get(member as usize).copied().unwrap_or(false))),
            )
            .collect()
    }

    pub fn heap_bytes(&self) -> usize {
        self.sets.iter().map(|set| set.len() * 8 + 48).sum()
    }
}

/// A string column: one number per row into its own dictionary.
#[derive(Default, Debug)]
pub struct StringColumn {
    pub dictionary: Dictionary,
    pub rows: Vec<u32>,
}

impl StringColumn {
    pub fn value(&self, row: usize) -> Option<&str> {
        self.dictionary.value(self.rows[row])
    }
}

/// A column of string sets (a trace's models, its tools): one set number per row, the sets' members
/// numbered in `members`.
#[derive(Default, Debug)]
pub struct SetColumn {
    pub members: Dictionary,
    pub sets: SetDictionary,
    pub rows: Vec<u32>,
}

impl SetColumn {
    /// The set number of these strings, interning each.
    pub fn intern<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> u32 {
        let mut members: Vec<u32> = values.into_iter().map(|value| self.members.intern(value)).collect();
        members.sort_unstable();
        members.dedup();
        self.sets.intern(&members)
    }

    /// Row `row`'s strings, in first-seen order of the dictionary.
    pub fn values(&self, row: usize) -> impl Iterator<Item = &str> {
        self.sets.members(self.rows[row]).iter().filter_map(|&member| self.members.value(member))
    }
}
