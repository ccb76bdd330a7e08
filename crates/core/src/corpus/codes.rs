//! Per-row unsigned numbers (dictionary codes, set codes, span combination numbers, small counts)
//! stored as narrow as the largest one needs: one byte each while every number fits in a byte,
//! two once one needs two, four once one needs more. A vector widens when a larger number is
//! pushed or set (copying once); it never narrows again.
//!
//! Passes over a whole column match the width once and run the loop over the plain slice (see
//! [`Codes::map_each`], [`Codes::gather`], [`Codes::for_each_of`], [`Codes::any_in`]); [`Codes::at`]
//! reads one row.

use std::ops::Range;

/// The numbers, in the narrowest width that holds them all.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Width {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

/// The numbers as a slice of their width, for a pass that matches the width once and is compiled
/// for each (see [`Codes::slice`]).
pub enum CodeSlice<'a> {
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
}

/// A vector of `u32` kept in one, two or four bytes a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Codes(Width);

impl Default for Codes {
    fn default() -> Codes {
        Codes(Width::U8(Vec::new()))
    }
}

/// Runs `$body` with `$slice` bound to the numbers as a slice of their width (`u32::from` reads one).
macro_rules! with_slice {
    ($codes:expr, $slice:ident => $body:expr) => {
        match &$codes.0 {
            Width::U8($slice) => $body,
            Width::U16($slice) => $body,
            Width::U32($slice) => $body,
        }
    };
}

// `u32::from` reads a number of any width; for the four-byte arm it is the identity.
#[allow(clippy::useless_conversion)]
impl Codes {
    /// `length` zeros, a byte each.
    pub fn zeros(length: usize) -> Codes {
        Codes(Width::U8(vec![0; length]))
    }

    pub fn len(&self) -> usize {
        with_slice!(self, slice => slice.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes a number takes now: 1, 2 or 4.
    pub fn width(&self) -> usize {
        match self.0 {
            Width::U8(_) => 1,
            Width::U16(_) => 2,
            Width::U32(_) => 4,
        }
    }

    /// Bytes the numbers take (length times width), for the index's per-column figures.
    pub fn bytes(&self) -> usize {
        self.len() * self.width()
    }

    /// The numbers as a slice of their width.
    pub fn slice(&self) -> CodeSlice<'_> {
        match &self.0 {
            Width::U8(codes) => CodeSlice::U8(codes),
            Width::U16(codes) => CodeSlice::U16(codes),
            Width::U32(codes) => CodeSlice::U32(codes),
        }
    }

    /// Number `at`; 0 past the end (a column filled only as far as it was set reads 0, "none", after).
    #[inline]
    pub fn at(&self, at: usize) -> u32 {
        with_slice!(self, slice => slice.get(at).map_or(0, |&code| u32::from(code)))
    }

    /// Widens to the width `value` needs, if it is wider than the present one.
    fn make_room_for(&mut self, value: u32) {
        let widened = match &self.0 {
            Width::U8(codes) if value > u32::from(u8::MAX) => {
                if value > u32::from(u16::MAX) {
                    Width::U32(codes.iter().map(|&code| u32::from(code)).collect())
                } else {
                    Width::U16(codes.iter().map(|&code| u16::from(code)).collect())
                }
            }
            Width::U16(codes) if value > u32::from(u16::MAX) => {
                Width::U32(codes.iter().map(|&code| u32::from(code)).collect())
            }
            _ => return,
        };
        self.0 = widened;
    }

    pub fn push(&mut self, value: u32) {
        self.make_room_for(value);
        match &mut self.0 {
            Width::U8(codes) => codes.push(value as u8),
            Width::U16(codes) => codes.push(value as u16),
            Width::U32(codes) => codes.push(value),
        }
    }

    /// Sets number `at` to `value`, the vector first grown with zeros to reach it.
    pub fn set(&mut self, at: usize, value: u32) {
        if at >= self.len() {
            self.resize(at + 1, 0);
        }
        self.make_room_for(value);
        match &mut self.0 {
            Width::U8(codes) => codes[at] = value as u8,
            Width::U16(codes) => codes[at] = value as u16,
            Width::U32(codes) => codes[at] = value,
        }
    }

    /// Grows (with `value`) or shortens to `length` numbers.
    pub fn resize(&mut self, length: usize, value: u32) {
        self.make_room_for(value);
        match &mut self.0 {
            Width::U8(codes) => codes.resize(length, value as u8),
            Width::U16(codes) => codes.resize(length, value as u16),
            Width::U32(codes) => codes.resize(length, value),
        }
    }

    /// `each(number)` for rows `0..rows`, in order (0 for rows past the end).
    pub fn map_each<T>(&self, rows: usize, mut each: impl FnMut(u32) -> T) -> Vec<T> {
        let mut out = Vec::with_capacity(rows);
        with_slice!(self, slice => {
            let kept = &slice[..rows.min(slice.len())];
            out.extend(kept.iter().map(|&code| each(u32::from(code))));
        });
        out.extend((out.len()..rows).map(|_| each(0)));
        out
    }

    /// `each(number)` for each row of `rows`, in their order (0 for rows past the end).
    pub fn gather<T>(&self, rows: &[u32], mut each: impl FnMut(u32) -> T) -> Vec<T> {
        with_slice!(self, slice => rows
            .iter()
            .map(|&row| each(slice.get(row as usize).map_or(0, |&code| u32::from(code))))
            .collect())
    }

    /// Calls `each(number)` for each row of `rows` (0 for rows past the end).
    pub fn for_each_of(&self, rows: &[u32], mut each: impl FnMut(u32)) {
        with_slice!(self, slice => {
            for &row in rows {
                each(slice.get(row as usize).map_or(0, |&code| u32::from(code)));
            }
        })
    }

    /// Calls `each(number)` for the numbers in `range` (those past the end left out).
    pub fn for_each_in(&self, range: Range<usize>, mut each: impl FnMut(u32)) {
        with_slice!(self, slice => {
            for &code in slice.get(range.start..range.end.min(slice.len())).unwrap_or_default() {
                each(u32::from(code));
            }
        })
    }

    /// Whether `holds(number)` for any number in `range` (those past the end left out).
    pub fn any_in(&self, range: Range<usize>, mut holds: impl FnMut(u32) -> bool) -> bool {
        with_slice!(self, slice => slice
            .get(range.start..range.end.min(slice.len()))
            .unwrap_or_default()
            .iter()
            .any(|&code| holds(u32::from(code))))
    }

    /// Every number, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|at| self.at(at))
    }
}

impl FromIterator<u32> for Codes {
    fn from_iter<I: IntoIterator<Item = u32>>(values: I) -> Codes {
        let mut codes = Codes::default();
        for value in values {
            codes.push(value);
        }
        codes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_from_one_byte_to_two_to_four_keeping_every_number() {
        let mut codes = Codes::default();
        let small: Vec<u32> = (0..=255).collect();
        small.iter().for_each(|&value| codes.push(value));
        assert_eq!(codes.width(), 1);
        codes.push(256);
        assert_eq!(codes.width(), 2);
        codes.set(3, 65_535);
        assert_eq!(codes.width(), 2);
        codes.set(4, 65_536);
        assert_eq!(codes.width(), 4);
        codes.push(u32::MAX);
        let mut expected = small;
        expected.push(256);
        expected[3] = 65_535;
        expected[4] = 65_536;
        expected.push(u32::MAX);
        assert_eq!(codes.iter().collect::<Vec<u32>>(), expected);
        assert_eq!(codes.bytes(), expected.len() * 4);
        assert_eq!(codes.at(expected.len()), 0, "past the end reads 0");
        // Straight from one byte to four.
        let mut codes: Codes = [1, 2].into_iter().collect();
        codes.push(1 << 20);
        assert_eq!((codes.width(), codes.iter().collect::<Vec<u32>>()), (4, vec![1, 2, 1 << 20]));
    }

    #[test]
    fn set_past_the_end_fills_with_zeros_and_the_passes_read_each_width_alike() {
        for top in [200, 60_000, 3_000_000] {
            let mut codes = Codes::default();
            codes.set(5, top);
            codes.resize(8, 7);
            let expected = [0, 0, 0, 0, 0, top, 7, 7];
            assert_eq!(codes.iter().collect::<Vec<u32>>(), expected);
            assert_eq!(codes.map_each(10, |code| code), [&expected[..], &[0, 0]].concat());
            assert_eq!(codes.gather(&[6, 5, 42], |code| code), [7, top, 0]);
            let mut seen = Vec::new();
            codes.for_each_of(&[5, 0, 9], |code| seen.push(code));
            codes.for_each_in(4..20, |code| seen.push(code));
            assert_eq!(seen, [top, 0, 0, 0, top, 7, 7]);
            assert!(codes.any_in(5..6, |code| code == top));
            assert!(!codes.any_in(6..99, |code| code == top));
            assert!(!codes.any_in(20..30, |_| true), "a range past the end holds nothing");
        }
    }
}
