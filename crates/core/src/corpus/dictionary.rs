//! Dictionary encoding for the index's string columns: each distinct string is stored once and a
//! row holds its number (0 is "no value"), in one, two or four bytes as the dictionary's size
//! needs (see [`Codes`]); sets of strings (a trace's models) are
//! numbered the same way, since most traces share a few combinations. Sorting by a string column
//! compares the strings' ranks, worked out once per dictionary size.

use std::collections::HashMap;

use super::codes::Codes;
use super::index::IdentityHash;

/// The number a row holds when it has no value.
pub const ABSENT: u32 = 0;

/// Distinct strings, numbered from 1 in the order they were first seen: one after another in one
/// buffer, found again by their hash (about 22 bytes a value beside its text; a value per trace,
/// as sessions nearly are, is most of a column's size).
#[derive(Default, Debug)]
pub struct Dictionary {
    text: String,
    /// Value `n`'s text is `text[ends[n - 2]..ends[n - 1]]`.
    ends: Vec<u32>,
    numbers_by_hash: HashMap<u64, u32, IdentityHash>,
    /// Values whose hash another value had first.
    colliding: HashMap<Box<str>, u32>,
    /// Each value's place in sorted order (`ranks[number]`), kept while the dictionary has
    /// not grown since it was computed.
    ranks: Option<Vec<u32>>,
}

impl Dictionary {
    /// The number of `value`, added if new.
    pub fn intern(&mut self, value: &str) -> u32 {
        let hash = text_hash(value);
        match self.numbers_by_hash.get(&hash) {
            Some(&number) if self.value(number) == Some(value) => return number,
            Some(_) => {
                if let Some(&number) = self.colliding.get(value) {
                    return number;
                }
            }
            None => {}
        }
        self.text.push_str(value);
        self.ends.push(self.text.len().min(u32::MAX as usize) as u32);
        let number = self.ends.len() as u32;
        if let std::collections::hash_map::Entry::Vacant(slot) = self.numbers_by_hash.entry(hash) {
            slot.insert(number);
        } else {
            self.colliding.insert(value.into(), number);
        }
        self.ranks = None;
        number
    }

    /// The number `value` gets if it is new (added), `None` if it was there already.
    pub fn len_if_new(&mut self, value: &str) -> Option<u32> {
        let before = self.len();
        let number = self.intern(value);
        (self.len() > before).then_some(number)
    }

    /// The number of an optional value (`ABSENT` for none).
    pub fn intern_option(&mut self, value: Option<&str>) -> u32 {
        value.map_or(ABSENT, |value| self.intern(value))
    }

    /// The number of `value` if it is known.
    pub fn find(&self, value: &str) -> Option<u32> {
        match self.numbers_by_hash.get(&text_hash(value)) {
            Some(&number) if self.value(number) == Some(value) => Some(number),
            Some(_) => self.colliding.get(value).copied(),
            None => None,
        }
    }

    /// The string of a number (`None` for `ABSENT` or an unknown number).
    pub fn value(&self, number: u32) -> Option<&str> {
        let index = number.checked_sub(1)? as usize;
        let end = *self.ends.get(index)? as usize;
        let start = if index == 0 { 0 } else { self.ends[index - 1] as usize };
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every (number, value), in number order.
    pub fn entries(&self) -> impl Iterator<Item = (u32, &str)> {
        (1..=self.ends.len() as u32).map(|number| (number, self.value(number).unwrap_or_default()))
    }

    /// For each number, whether `predicate` holds of its string (index 0, `ABSENT`, is false).
    pub fn matching(&self, mut predicate: impl FnMut(&str) -> bool) -> Vec<bool> {
        std::iter::once(false).chain(self.entries().map(|(_, value)| predicate(value))).collect()
    }

    /// Each number's place in sorted string order (index 0, `ABSENT`, ranks last).
    pub fn ranks(&mut self) -> &[u32] {
        if self.ranks.is_none() {
            let mut order: Vec<u32> = (1..=self.ends.len() as u32).collect();
            order.sort_by(|&left, &right| self.value(left).cmp(&self.value(right)));
            let mut ranks = vec![u32::MAX; self.ends.len() + 1];
            for (rank, number) in order.into_iter().enumerate() {
                ranks[number as usize] = rank as u32;
            }
            self.ranks = Some(ranks);
        }
        self.ranks.as_deref().unwrap_or_default()
    }

    /// Bytes the dictionary holds (text, ends, lookup), for the bench's per-column figures.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity()
            + self.ends.capacity() * 4
            + self.numbers_by_hash.capacity() * 17
            + self.colliding.keys().map(|key| key.len() + 40).sum::<usize>()
    }
}

/// FNV-1a over the text's bytes, mixed: the dictionary's lookup key.
fn text_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ (hash >> 29)
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
    pub rows: Codes,
}

impl StringColumn {
    /// Row `row`'s string (`None` for none, or a row past `rows`).
    pub fn value(&self, row: usize) -> Option<&str> {
        self.dictionary.value(self.rows.at(row))
    }

    /// Bytes of the rows' numbers and of the dictionary.
    pub fn heap_bytes(&self) -> usize {
        self.rows.bytes() + self.dictionary.heap_bytes()
    }
}

/// A column of string sets (a trace's models, its tools): one set number per row, the sets' members
/// numbered in `members`.
#[derive(Default, Debug)]
pub struct SetColumn {
    pub members: Dictionary,
    pub sets: SetDictionary,
    pub rows: Codes,
    /// The members of the set being numbered, kept for the next.
    scratch: Vec<u32>,
}

impl SetColumn {
    /// The set number of these strings, interning each in turn.
    pub fn intern<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) -> u32 {
        self.join(ABSENT, values)
    }

    /// The set number of set `set`'s members and these strings (interned each in turn after them).
    pub fn join<'a>(&mut self, set: u32, values: impl IntoIterator<Item = &'a str>) -> u32 {
        let mut members = std::mem::take(&mut self.scratch);
        members.clear();
        members.extend_from_slice(self.sets.members(set));
        members.extend(values.into_iter().map(|value| self.members.intern(value)));
        members.sort_unstable();
        members.dedup();
        let number = self.sets.intern(&members);
        self.scratch = members;
        number
    }

    /// Row `row`'s strings, in first-seen order of the dictionary.
    pub fn values(&self, row: usize) -> impl Iterator<Item = &str> {
        self.sets.members(self.set_of(row)).iter().filter_map(|&member| self.members.value(member))
    }

    /// Row `row`'s set number: `ABSENT` for a row past `rows` (a column filled only as far as
    /// needed, as the labels are: no bytes a trace until traces are labelled).
    pub fn set_of(&self, row: usize) -> u32 {
        self.rows.at(row)
    }

    /// Bytes of the rows' numbers, the members and the sets.
    pub fn heap_bytes(&self) -> usize {
        self.rows.bytes() + self.members.heap_bytes() + self.sets.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_once_found_again_and_ranked() {
        let mut dictionary = Dictionary::default();
        let words = ["pear", "apple", "", "fig", "apple", "pear"];
        let numbers: Vec<u32> = words.iter().map(|word| dictionary.intern(word)).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 2, 1]);
        assert_eq!(dictionary.value(3), Some(""));
        assert_eq!(dictionary.find("fig"), Some(4));
        assert_eq!(dictionary.find("kiwi"), None);
        assert_eq!(dictionary.value(ABSENT), None);
        // "" < apple < fig < pear; ABSENT last.
        assert_eq!(dictionary.ranks(), [u32::MAX, 3, 1, 0, 2]);
    }

    #[test]
    fn a_column_of_more_than_255_then_65_535_values_reads_back_each_row() {
        let mut column = StringColumn::default();
        let value = |row: usize| (!row.is_multiple_of(3)).then(|| format!("v{}", row / 2));
        let mut widths = Vec::new();
        for row in 0..150_000 {
            let number = column.dictionary.intern_option(value(row).as_deref());
            column.rows.push(number);
            if row == 1_000 || row == 140_000 {
                widths.push(column.rows.width());
            }
        }
        assert!(column.dictionary.len() > 65_535);
        assert_eq!(widths, [2, 4]);
        assert!((0..150_000).all(|row| column.value(row) == value(row).as_deref()));
        // Sets alike: more than 255 distinct sets.
        let mut sets = SetColumn::default();
        for row in 0..1_000 {
            let members = [format!("m{}", row % 40), format!("m{}", row / 40)];
            let number = sets.intern(members.iter().map(String::as_str));
            sets.rows.push(number);
        }
        assert_eq!(sets.rows.width(), 2);
        for row in 0..1_000 {
            let mut expected = vec![format!("m{}", row % 40), format!("m{}", row / 40)];
            expected.dedup();
            let mut found: Vec<&str> = sets.values(row).collect();
            found.sort_by_key(|member| member[1..].parse::<u32>().unwrap_or(0));
            expected.sort_by_key(|member| member[1..].parse::<u32>().unwrap_or(0));
            assert_eq!(found, expected, "row {row}");
        }
    }
}
