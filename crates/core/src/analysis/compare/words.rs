//! Word-level differences between two texts: both are cut into words, runs of spaces and single
//! other characters, the longest common subsequence of those pieces is found (`lcs.rs`), and the
//! result is written as pieces of text that are the same, removed (only in A) or added (only in
//! B). Short common stretches between two changes (a space, "the") join the change around them,
//! so a rewritten sentence reads as one removal and one addition rather than as confetti.

use super::lcs::{longest_common_subsequence, DEFAULT_BUDGET};
use super::numbering::{fnv, Numbering, FNV_START};

/// What a piece of text is in the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Same,
    /// Only in A.
    Removed,
    /// Only in B.
    Added,
}

/// A stretch of text and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub change: Change,
    pub text: String,
}

/// The pieces of a comparison, in reading order (a removal before the addition that replaces it).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct WordDiff {
    pub pieces: Vec<Piece>,
    /// False when the search's budget ran out: a correct difference, maybe not the smallest.
    pub exact: bool,
}

impl WordDiff {
    /// Whether the texts are equal.
    pub fn is_unchanged(&self) -> bool {
        self.pieces.iter().all(|piece| piece.change == Change::Same)
    }
}

/// The byte ranges of `text`'s words, runs of white space and other single characters.
fn tokens(text: &str) -> Vec<(usize, usize)> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Space,
        Other,
    }
    let class = |character: char| {
        if character.is_alphanumeric() || character == '_' {
            Class::Word
        } else if character.is_whitespace() {
            Class::Space
        } else {
            Class::Other
        }
    };
    let mut ranges = Vec::with_capacity(text.len() / 3);
    let mut current: Option<(Class, usize)> = None;
    for (at, character) in text.char_indices() {
        let this = class(character);
        match current {
            Some((running, _)) if running == this && this != Class::Other => {}
            Some((_, start)) => {
                ranges.push((start, at));
                current = Some((this, at));
            }
            None => current = Some((this, at)),
        }
    }
    if let Some((_, start)) = current {
        ranges.push((start, text.len()));
    }
    ranges
}

/// Each token's number, equal tokens (of either text) with equal numbers; `firsts` holds each
/// number's token.
fn number_tokens<'t>(
    text: &'t str,
    ranges: &[(usize, usize)],
    numbers: &mut Numbering,
    firsts: &mut Vec<&'t str>,
) -> Vec<u32> {
    ranges
        .iter()
        .map(|&(start, end)| {
            let token = &text[start..end];
            let (number, new) =
                numbers.number(fnv(FNV_START, token.as_bytes()), |number| firsts[number as usize] == token);
            if new {
                firsts.push(token);
            }
            number
        })
        .collect()
}

/// The text of tokens `from..to` (none when the range is empty).
fn slice<'t>(text: &'t str, ranges: &[(usize, usize)], from: u32, to: u32) -> Option<&'t str> {
    (from < to).then(|| &text[ranges[from as usize].0..ranges[to as usize - 1].1])
}

/// The word-level difference from `a` to `b`.
pub fn word_diff(a: &str, b: &str) -> WordDiff {
    let (ranges_a, ranges_b) = (tokens(a), tokens(b));
    let mut numbers = Numbering::default();
    let mut firsts: Vec<&str> = Vec::new();
    let keys_a = number_tokens(a, &ranges_a, &mut numbers, &mut firsts);
    let keys_b = number_tokens(b, &ranges_b, &mut numbers, &mut firsts);
    let matching = longest_common_subsequence(&keys_a, &keys_b, numbers.len(), DEFAULT_BUDGET);
    // Raw pieces: runs of tokens by change, a removal before the addition between two matches.
    let mut raw: Vec<(Change, &str)> = Vec::new();
    let (mut next_a, mut next_b) = (0u32, 0u32);
    let (count_a, count_b) = (ranges_a.len() as u32, ranges_b.len() as u32);
    let mut same_from: Option<u32> = None;
    for &(match_a, match_b) in matching.pairs.iter().chain(&[(count_a, count_b)]) {
        if match_a > next_a || match_b > next_b {
            if let Some(from) = same_from.take() {
                raw.extend(slice(a, &ranges_a, from, next_a).map(|text| (Change::Same, text)));
            }
            raw.extend(slice(a, &ranges_a, next_a, match_a).map(|text| (Change::Removed, text)));
            raw.extend(slice(b, &ranges_b, next_b, match_b).map(|text| (Change::Added, text)));
        }
        if match_a < count_a && same_from.is_none() {
            same_from = Some(match_a);
        }
        (next_a, next_b) = (match_a + 1, match_b + 1);
    }
    if let Some(from) = same_from {
        raw.extend(slice(a, &ranges_a, from, count_a).map(|text| (Change::Same, text)));
    }
    WordDiff { pieces: merge_short_equalities(&raw), exact: matching.exact }
}

/// Joins a common stretch between two changes into them when it is no longer than the larger
/// side of each change (the "semantic" clean-up of text diffs), then writes the pieces.
fn merge_short_equalities(raw: &[(Change, &str)]) -> Vec<Piece> {
    /// A change being gathered: what A had, what B has.
    #[derive(Default)]
    struct Open {
        removed: String,
        added: String,
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut open: Option<Open> = None;
    let close = |pieces: &mut Vec<Piece>, open: Option<Open>| {
        if let Some(open) = open {
            if !open.removed.is_empty() {
                pieces.push(Piece { change: Change::Removed, text: open.removed });
            }
            if !open.added.is_empty() {
                pieces.push(Piece { change: Change::Added, text: open.added });
            }
        }
    };
    let mut at = 0;
    while at < raw.len() {
        let (change, text) = raw[at];
        match change {
            Change::Removed => open.get_or_insert_with(Open::default).removed.push_str(text),
            Change::Added => open.get_or_insert_with(Open::default).added.push_str(text),
            Change::Same => {
                // The change after this stretch: its removed and added lengths.
                let mut after = (0usize, 0usize);
                let mut look = at + 1;
                while let Some(&(change, text)) = raw.get(look).filter(|(change, _)| *change != Change::Same) {
                    match change {
                        Change::Removed => after.0 += text.chars().count(),
                        _ => after.1 += text.chars().count(),
                    }
                    look += 1;
                }
                let length = text.chars().count();
                let joins = open.as_ref().is_some_and(|open| {
                    let before = open.removed.chars().count().max(open.added.chars().count());
                    length <= before && length <= after.0.max(after.1) && after != (0, 0)
                });
                if joins {
                    let open = open.as_mut().expect("joins only an open change");
                    open.removed.push_str(text);
                    open.added.push_str(text);
                } else {
                    close(&mut pieces, open.take());
                    pieces.push(Piece { change: Change::Same, text: text.to_string() });
                }
            }
        }
        at += 1;
    }
    close(&mut pieces, open.take());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(diff: &WordDiff, change: Change) -> Vec<&str> {
        diff.pieces.iter().filter(|piece| piece.change == change).map(|piece| piece.text.as_str()).collect()
    }

    #[test]
    fn a_changed_sentence_is_one_removal_and_one_addition() {
        let a = "You are a research assistant. Answer using the search tool. Cite your sources.";
        let b = "You are a research assistant. Search again when the results are empty. Cite your sources.";
        let diff = word_diff(a, b);
        assert_eq!(marked(&diff, Change::Removed), ["Answer using the search tool"]);
        assert_eq!(marked(&diff, Change::Added), ["Search again when the results are empty"]);
        assert!(diff.exact);
        let rebuilt_a: String =
            diff.pieces.iter().filter(|piece| piece.change != Change::Added).map(|piece| piece.text.as_str()).collect();
        let rebuilt_b: String = diff
            .pieces
            .iter()
            .filter(|piece| piece.change != Change::Removed)
            .map(|piece| piece.text.as_str())
            .collect();
        assert_eq!((rebuilt_a.as_str(), rebuilt_b.as_str()), (a, b));
    }

    #[test]
    fn equal_texts_have_no_change_and_empty_sides_are_all_one_change() {
        assert!(word_diff("same words", "same words").is_unchanged());
        assert_eq!(marked(&word_diff("", "new text"), Change::Added), ["new text"]);
        assert_eq!(marked(&word_diff("old text", ""), Change::Removed), ["old text"]);
        assert!(word_diff("", "").pieces.is_empty());
    }

    #[test]
    fn punctuation_and_unicode_are_their_own_pieces() {
        let diff = word_diff("Größe: 10 kg.", "Größe: 12 kg.");
        assert_eq!(marked(&diff, Change::Removed), ["10"]);
        assert_eq!(marked(&diff, Change::Added), ["12"]);
        assert_eq!(tokens("a,b  c"), [(0, 1), (1, 2), (2, 3), (3, 5), (5, 6)]);
    }
}
