//! Numbers distinct keys in the order they are first met (paths, words), in an open-addressing
//! table of key numbers: the caller hashes a key and says whether a numbered key is the same. It
//! keeps a general hash map (and its hasher) out of the page's wasm for the two tables it needs.

/// FNV-1a over bytes, continued from `hash` (start from [`FNV_START`]).
pub fn fnv(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01B3))
}

/// FNV-1a's starting value.
pub const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

const EMPTY: u32 = u32::MAX;

/// The table: each slot holds a key's number and the low bits of its hash (to grow without the keys).
#[derive(Default)]
pub struct Numbering {
    slots: Vec<(u32, u32)>,
    count: u32,
}

impl Numbering {
    /// How many keys are numbered.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// The number of the key with this `hash` for which `same(number)` holds, or the next number
    /// when none does; true when the number is new.
    pub fn number(&mut self, hash: u64, mut same: impl FnMut(u32) -> bool) -> (u32, bool) {
        if (self.count as usize + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let short = hash as u32;
        let mut at = short as usize & mask;
        loop {
            let (number, stored) = self.slots[at];
            if number == EMPTY {
                self.slots[at] = (self.count, short);
                self.count += 1;
                return (self.count - 1, true);
            }
            if stored == short && same(number) {
                return (number, false);
            }
            at = (at + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![(EMPTY, 0); size]);
        let mask = size - 1;
        for (number, short) in old.into_iter().filter(|(number, _)| *number != EMPTY) {
            let mut at = short as usize & mask;
            while self.slots[at].0 != EMPTY {
                at = (at + 1) & mask;
            }
            self.slots[at] = (number, short);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_get_equal_numbers_in_the_order_first_met() {
        let words: Vec<String> = (0..1_000).map(|at| format!("w{}", at % 300)).collect();
        let mut numbering = Numbering::default();
        let mut firsts: Vec<&str> = Vec::new();
        let numbers: Vec<u32> = words
            .iter()
            .map(|word| {
                let (number, new) =
                    numbering.number(fnv(FNV_START, word.as_bytes()), |number| firsts[number as usize] == word);
                if new {
                    firsts.push(word);
                }
                number
            })
            .collect();
        assert_eq!(numbering.len(), 300);
        assert_eq!(&numbers[..3], [0, 1, 2]);
        assert_eq!(numbers[300], 0);
        assert_eq!(numbers[999], 99);
    }
}
