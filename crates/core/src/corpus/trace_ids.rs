//! The corpus's trace ids: one after another in one buffer (a lowercase hex id, as OTLP and most
//! tools write them, stored as its bytes: half the size), found again through an open-addressing
//! table of row numbers (four bytes a slot). Ids compare in the order of their text without
//! being written out again.

use std::borrow::Cow;
use std::cmp::Ordering;

const EMPTY: u32 = u32::MAX;
/// The tag before an id stored as its text.
const TEXT: u8 = 0;
/// The tag before a lowercase hex id stored as the bytes it spells.
const HEX: u8 = 1;

#[derive(Default, Debug)]
pub struct TraceIds {
    /// Per id: its tag, then its text or its bytes.
    bytes: Vec<u8>,
    count: usize,
    /// While every entry has the same length (ids of one tool usually do), that length, and
    /// `ends` stays empty: row `r`'s entry is `bytes[r * width..(r + 1) * width]`.
    width: Option<u32>,
    /// Once lengths differ: row `r`'s entry is `bytes[ends[r - 1]..ends[r]]`.
    ends: Vec<u32>,
    /// Row numbers by hash, linear probing; a power of two long, at most three quarters full.
    slots: Vec<u32>,
}

/// Whether an id is lowercase hex of an even length (and so stored as its bytes).
fn is_lower_hex(id: &str) -> bool {
    !id.is_empty()
        && id.len().is_multiple_of(2)
        && id.len() <= 256
        && id.bytes().all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
}

fn nibble(byte: u8) -> u8 {
    if byte <= b'9' {
        byte - b'0'
    } else {
        byte - b'a' + 10
    }
}

/// FNV-1a over the stored form (tag and bytes), mixed.
fn hash_stored(tag: u8, bytes: impl Iterator<Item = u8>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(tag);
    for byte in bytes {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ (hash >> 29)
}

/// The bytes a lowercase hex id spells.
fn hex_bytes(id: &str) -> impl Iterator<Item = u8> + '_ {
    id.as_bytes().chunks(2).map(|pair| nibble(pair[0]) << 4 | nibble(pair[1]))
}

fn hash_of(id: &str) -> u64 {
    if is_lower_hex(id) {
        hash_stored(HEX, hex_bytes(id))
    } else {
        hash_stored(TEXT, id.bytes())
    }
}

impl TraceIds {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Row `row`'s tag and stored bytes.
    fn stored(&self, row: usize) -> (u8, &[u8]) {
        let (start, end) = match self.width {
            Some(width) => (row * width as usize, (row + 1) * width as usize),
            None => (if row == 0 { 0 } else { self.ends[row - 1] as usize }, self.ends[row] as usize),
        };
        let entry = &self.bytes[start..end];
        (entry[0], &entry[1..])
    }

    /// Row `row`'s id as text.
    pub fn get(&self, row: usize) -> Cow<'_, str> {
        match self.stored(row) {
            (HEX, bytes) => Cow::Owned(bytes.iter().map(|byte| format!("{byte:02x}")).collect()),
            (_, bytes) => Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default()),
        }
    }

    /// Whether row `row`'s id is `id`.
    fn is(&self, row: usize, id: &str) -> bool {
        match self.stored(row) {
            (HEX, bytes) => is_lower_hex(id) && bytes.len() * 2 == id.len() && hex_bytes(id).eq(bytes.iter().copied()),
            (_, bytes) => bytes == id.as_bytes(),
        }
    }

    /// The order of two rows' ids as text.
    pub fn compare(&self, left: usize, right: usize) -> Ordering {
        match (self.stored(left), self.stored(right)) {
            // Two-digit blocks of lowercase hex order as the bytes they spell.
            ((HEX, left), (HEX, right)) | ((TEXT, left), (TEXT, right)) => left.cmp(right),
            _ => self.get(left).cmp(&self.get(right)),
        }
    }

    /// The row of `id`, if it is here.
    pub fn find(&self, id: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = hash_of(id) as usize & mask;
        loop {
            match self.slots[slot] {
                EMPTY => return None,
                row if self.is(row as usize, id) => return Some(row as usize),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Adds an id that is not here yet; returns its row.
    pub fn push(&mut self, id: &str) -> usize {
        let row = self.count;
        let start = self.bytes.len();
        if is_lower_hex(id) {
            self.bytes.push(HEX);
            self.bytes.extend(hex_bytes(id));
        } else {
            self.bytes.push(TEXT);
            self.bytes.extend_from_slice(id.as_bytes());
        }
        let length = (self.bytes.len() - start) as u32;
        match self.width {
            _ if row == 0 => self.width = Some(length),
            Some(width) if width == length => {}
            Some(width) => {
                // The first entry of another length: every entry's end from now on.
                self.ends = (1..=row as u32).map(|entry| entry * width).collect();
                self.ends.push(self.bytes.len() as u32);
                self.width = None;
            }
            None => self.ends.push(self.bytes.len().min(u32::MAX as usize) as u32),
        }
        self.count += 1;
        if self.count * 4 > self.slots.len() * 3 {
            self.grow();
        } else {
            self.place(row);
        }
        row
    }

    fn hash_of_row(&self, row: usize) -> u64 {
        let (tag, bytes) = self.stored(row);
        hash_stored(tag, bytes.iter().copied())
    }

    fn place(&mut self, row: usize) {
        let mask = self.slots.len() - 1;
        let mut slot = self.hash_of_row(row) as usize & mask;
        while self.slots[slot] != EMPTY {
            slot = (slot + 1) & mask;
        }
        self.slots[slot] = row as u32;
    }

    /// Doubles the table and places every row again.
    fn grow(&mut self) {
        self.slots = vec![EMPTY; (self.slots.len() * 2).max(16)];
        for row in 0..self.count {
            self.place(row);
        }
    }

    /// Bytes of the stored ids and of the lookup table, for the bench's per-column figures.
    pub fn heap_bytes(&self) -> (usize, usize) {
        (self.bytes.len() + self.ends.len() * 4, self.slots.len() * 4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_again_written_out_and_ordered_as_text() {
        let mut ids = TraceIds::default();
        let given = ["0af7651916cd43dd8448eb211c80319c", "b", "0AF7", "0af7", "", "abc", "e4c3-uuid", "ff"];
        for id in given {
            assert_eq!(ids.find(id), None);
            ids.push(id);
        }
        for _ in 0..200 {
            let id = format!("{:032x}", ids.len() * 7919);
            ids.push(&id);
        }
        for (row, id) in given.iter().enumerate() {
            assert_eq!(ids.find(id), Some(row), "{id}");
            assert_eq!(ids.get(row), *id);
        }
        assert_eq!(ids.find("0af76519"), None);
        assert_eq!(ids.find("0aF7"), None);
        let mut by_compare: Vec<usize> = (0..ids.len()).collect();
        by_compare.sort_by(|left, right| ids.compare(*left, *right));
        let mut by_text: Vec<usize> = (0..ids.len()).collect();
        by_text.sort_by(|left, right| ids.get(*left).cmp(&ids.get(*right)));
        assert_eq!(by_compare, by_text);
        let (stored, _) = ids.heap_bytes();
        assert!(stored < 208 * (17 + 4) + 100, "hex ids are stored as bytes: {stored}");
    }

    #[test]
    fn ids_of_one_length_need_no_ends() {
        let mut ids = TraceIds::default();
        for number in 0..1_000u32 {
            ids.push(&format!("{number:032x}"));
        }
        assert_eq!(ids.heap_bytes().0, 1_000 * 17, "17 bytes an id, no ends");
        ids.push("not-hex");
        assert_eq!(ids.find(&format!("{:032x}", 999)), Some(999));
        assert_eq!(ids.get(1_000), "not-hex");
        assert_eq!(ids.get(5), format!("{:032x}", 5));
    }
}
