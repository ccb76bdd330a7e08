//! Finding and counting newlines (and the ends of JSON strings) eight bytes at a time. JSON Lines files are split at every
//! `\n` of gigabytes of text; a byte-at-a-time loop was 7 % of indexing, and wasm32 has no
//! `memchr`. Each 64-bit word gets a mask with the top bit of every byte that was `\n` set, exactly
//! (no false positives from borrows between bytes).

const LOW_SEVEN_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
const NEWLINES: u64 = 0x0A0A_0A0A_0A0A_0A0A;

/// The top bit of each byte of `word` that equals the byte repeated in `pattern`.
#[inline]
fn equal_mask(word: u64, pattern: u64) -> u64 {
    let zero_where_equal = word ^ pattern;
    // A byte's top bit is set after the addition when any of its low seven bits were; or-ing the
    // byte itself covers its top bit. Bytes left with a clear top bit were zero.
    !(((zero_where_equal & LOW_SEVEN_BITS).wrapping_add(LOW_SEVEN_BITS)) | zero_where_equal | LOW_SEVEN_BITS)
}

/// The top bit of each byte of `word` that is `\n`.
#[inline]
fn newline_mask(word: u64) -> u64 {
    equal_mask(word, NEWLINES)
}

/// The position of the first `"` or `\\` in `bytes` (what ends or escapes inside a JSON string).
pub fn find_quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const QUOTES: u64 = 0x2222_2222_2222_2222;
    const BACKSLASHES: u64 = 0x5C5C_5C5C_5C5C_5C5C;
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let word = word_at(bytes, at);
        let mask = equal_mask(word, QUOTES) | equal_mask(word, BACKSLASHES);
        if mask != 0 {
            return Some(at + (mask.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..].iter().position(|byte| matches!(byte, b'"' | b'\\')).map(|position| at + position)
}

#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// The position of the first `\n` in `bytes`.
pub fn find(bytes: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let mask = newline_mask(word_at(bytes, at));
        if mask != 0 {
            return Some(at + (mask.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    bytes[at..].iter().position(|byte| *byte == b'\n').map(|position| at + position)
}

/// The position of the last `\n` in `bytes`.
pub fn find_last(bytes: &[u8]) -> Option<usize> {
    let mut end = bytes.len();
    while end >= 8 {
        let mask = newline_mask(word_at(bytes, end - 8));
        if mask != 0 {
            return Some(end - 8 + 7 - (mask.leading_zeros() / 8) as usize);
        }
        end -= 8;
    }
    bytes[..end].iter().rposition(|byte| *byte == b'\n')
}

/// How many `\n` bytes `bytes` holds.
pub fn count(bytes: &[u8]) -> u64 {
    let mut total = 0u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        total += u64::from(newline_mask(word_at(word, 0)).count_ones());
    }
    total + words.remainder().iter().filter(|byte| **byte == b'\n').count() as u64
}

/// The lines of `bytes` without their `\n` (a last piece without one is a line too; an empty
/// last piece is not).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let line_start = start;
        let end = find(&bytes[start..]).map_or(bytes.len(), |position| start + position);
        start = end + 1;
        Some((line_start, &bytes[line_start..end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_positions(bytes: &[u8]) -> Vec<usize> {
        bytes.iter().enumerate().filter(|(_, byte)| **byte == b'\n').map(|(at, _)| at).collect()
    }

    #[test]
    fn agrees_with_a_byte_at_a_time_search_for_every_byte_value_around_newlines() {
        // Every byte value next to newlines, at every alignment; 0x0B, 0x8A and 0x09 are the
        // neighbours a sloppy bit trick confuses with 0x0A.
        let mut bytes = Vec::new();
        for value in 0..=255u8 {
            bytes.extend_from_slice(&[value, b'\n', value, value, 0x8A, 0x0B, 0x09, b'\n', value]);
            if value % 16 == 0 {
                bytes.extend_from_slice(&[b'"', 0xA2, 0x5D, b'\\', 0xDC]);
            }
        }
        for start in 0..9 {
            for end in [bytes.len(), bytes.len() - 3, start + 5, start] {
                let slice = &bytes[start..end.max(start)];
                let positions = plain_positions(slice);
                assert_eq!(find(slice), positions.first().copied(), "find in {start}..{end}");
                assert_eq!(find_last(slice), positions.last().copied(), "find_last in {start}..{end}");
                assert_eq!(count(slice), positions.len() as u64, "count in {start}..{end}");
                let quote_or_backslash = slice.iter().position(|byte| matches!(byte, b'"' | b'\\'));
                assert_eq!(find_quote_or_backslash(slice), quote_or_backslash, "quote in {start}..{end}");
            }
        }
    }

    #[test]
    fn lines_are_split_like_a_plain_split_without_an_empty_last_line() {
        let text = b"{\"a\":1}\n\n{\"b\":2}\r\nlast";
        let lines: Vec<_> = lines(text).collect();
        assert_eq!(lines, vec![(0, &b"{\"a\":1}"[..]), (8, &b""[..]), (9, &b"{\"b\":2}\r"[..]), (18, &b"last"[..])]);
        assert_eq!(super::lines(b"one\n").count(), 1);
        assert_eq!(super::lines(b"").count(), 0);
    }
}
