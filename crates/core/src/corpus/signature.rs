//! A trace's structural signature: its spans' `kind:name` steps in tree order, each span's
//! children in brackets after it, with runs of repeated sibling blocks folded, so traces that took
//! the same path share one text (the `signature` column, grouped by [`super::patterns`]):
//!
//! ```text
//! agent:support [llm:plan › (llm:think › tool:search)+ › llm:answer]
//! ```
//!
//! Steps are joined by ` › `; a span with children is followed by ` [` its children `]`; the
//! trace's roots are the top-level steps. A **run** is a block of 1 to [`MAX_PERIOD`]
//! consecutive siblings repeated at least twice in a row, chosen greedily left to right as
//! [`crate::analysis::loops`] chooses them (the period covering the most siblings wins, the
//! smaller on a tie); it is written once, in parentheses followed by `+`, *without* its count, so
//! an agent stuck in the same loop 3 or 30 times has the same signature. Unlike the tree's loops,
//! siblings here are equal when their whole subtrees have the same (folded) signature.
//!
//! A trace read in several parts (its spans in several lines or files) has the signature of the
//! part holding its root (else of its first part) followed by [`OTHER_PARTS`]: its other parts'
//! spans are not in it, since a summary does not keep the span ids needed to join the parts into
//! one tree. Traces split the same way still share a pattern, and the text says it is partial.
//!
//! Past [`MAX_SIGNATURE_BYTES`] the text is cut and ends with `… #` and 16 hex digits: a hash of
//! the whole folded structure, so two long signatures alike in their first bytes but not after
//! still differ. Linear and iterative: subtree hashes are worked out children first (the spans
//! are in pre-order, so backwards), and the text is written from a stack until the cap.

use crate::model::{Span, Trace};

/// The longest block a folded run may repeat.
pub const MAX_PERIOD: usize = 8;
/// Bytes of signature text kept before the rest is replaced by its hash.
pub const MAX_SIGNATURE_BYTES: usize = 256;

/// What ends the signature of a trace read in several parts.
pub const OTHER_PARTS: &str = " + spans of other parts";

/// `signature` marked as that of one part of a trace read in several.
pub fn of_one_part(signature: &str) -> String {
    if signature.ends_with(OTHER_PARTS) {
        signature.to_string()
    } else {
        format!("{signature}{OTHER_PARTS}")
    }
}

/// The signature of a trace (empty for a trace without spans).
pub fn signature(trace: &Trace) -> String {
    let spans = &trace.spans;
    if spans.is_empty() {
        return String::new();
    }
    let hashes = subtree_hashes(spans);
    let roots = siblings(spans, 0, spans.len());
    let root_keys: Vec<u64> = roots.iter().map(|&span| hashes[span]).collect();
    let whole = sequence_hash(0, &root_keys);
    write_text(spans, &hashes, roots, whole)
}

/// A piece of a folded run of siblings: one sibling, or a block repeated (positions in the run).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Piece {
    Step(usize),
    Repeat { start: usize, period: usize },
}

/// Folds a sequence of keys into steps and repeated blocks (greedy, left to right).
fn fold(keys: &[u64]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut at = 0;
    while at < keys.len() {
        // (period, siblings covered) of the best run starting here.
        let mut best: Option<(usize, usize)> = None;
        for period in 1..=MAX_PERIOD {
            if at + 2 * period > keys.len() {
                break;
            }
            let block = &keys[at..at + period];
            let mut repeats = 1;
            while at + (repeats + 1) * period <= keys.len()
                && keys[at + repeats * period..at + (repeats + 1) * period] == *block
            {
                repeats += 1;
            }
            if repeats >= 2 && best.is_none_or(|(_, covered)| repeats * period > covered) {
                best = Some((period, repeats * period));
            }
        }
        match best {
            Some((period, covered)) => {
                pieces.push(Piece::Repeat { start: at, period });
                at += covered;
            }
            None => {
                pieces.push(Piece::Step(at));
                at += 1;
            }
        }
    }
    pieces
}

/// The direct children of the span range `start..end` taken as siblings (pre-order positions).
fn siblings(spans: &[Span], start: usize, end: usize) -> Vec<usize> {
    let mut members = Vec::new();
    let mut at = start;
    while at < end {
        members.push(at);
        at = spans[at].subtree_end.clamp(at + 1, end);
    }
    members
}

fn mix(hash: u64, value: u64) -> u64 {
    (hash.rotate_left(5) ^ value).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn step_hash(span: &Span) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in span.kind.as_str().bytes().chain([b':']).chain(span.name.bytes()) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

const OPEN: u64 = 1;
const CLOSE: u64 = 2;
const REPEAT: u64 = 3;
const REPEAT_END: u64 = 4;

/// The hash of a folded sequence of keys, mixed into `hash`.
fn sequence_hash(mut hash: u64, keys: &[u64]) -> u64 {
    hash = mix(hash, OPEN);
    for piece in fold(keys) {
        match piece {
            Piece::Step(at) => hash = mix(hash, keys[at]),
            Piece::Repeat { start, period } => {
                hash = mix(hash, REPEAT);
                for key in &keys[start..start + period] {
                    hash = mix(hash, *key);
                }
                hash = mix(hash, REPEAT_END);
            }
        }
    }
    mix(hash, CLOSE)
}

/// Each span's subtree hash: its step and its children's folded sequence.
fn subtree_hashes(spans: &[Span]) -> Vec<u64> {
    let mut hashes = vec![0u64; spans.len()];
    let mut keys = Vec::new();
    for span in (0..spans.len()).rev() {
        let end = spans[span].subtree_end.clamp(span + 1, spans.len());
        let own = step_hash(&spans[span]);
        hashes[span] = if end == span + 1 {
            own
        } else {
            keys.clear();
            keys.extend(siblings(spans, span + 1, end).into_iter().map(|child| hashes[child]));
            sequence_hash(own, &keys)
        };
    }
    hashes
}

/// What is left to write.
enum Work {
    Text(&'static str),
    Span(usize),
    Siblings(Vec<usize>),
}

fn write_text(spans: &[Span], hashes: &[u64], roots: Vec<usize>, whole: u64) -> String {
    let mut text = String::new();
    let mut work = vec![Work::Siblings(roots)];
    while let Some(next) = work.pop() {
        if text.len() > MAX_SIGNATURE_BYTES {
            let mut cut = MAX_SIGNATURE_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            text.push_str(&format!("… #{whole:016x}"));
            return text;
        }
        match next {
            Work::Text(words) => text.push_str(words),
            Work::Span(span) => {
                text.push_str(spans[span].kind.as_str());
                text.push(':');
                text.push_str(&spans[span].name);
                let end = spans[span].subtree_end.clamp(span + 1, spans.len());
                if end > span + 1 {
                    work.push(Work::Text("]"));
                    work.push(Work::Siblings(siblings(spans, span + 1, end)));
                    work.push(Work::Text(" ["));
                }
            }
            Work::Siblings(members) => {
                let keys: Vec<u64> = members.iter().map(|&member| hashes[member]).collect();
                // Pushed last piece first, so the first is written first.
                for (position, piece) in fold(&keys).into_iter().enumerate().rev() {
                    match piece {
                        Piece::Step(at) => work.push(Work::Span(members[at])),
                        Piece::Repeat { start, period } => {
                            work.push(Work::Text(")+"));
                            for (offset, member) in members[start..start + period].iter().enumerate().rev() {
                                work.push(Work::Span(*member));
                                if offset > 0 {
                                    work.push(Work::Text(" › "));
                                }
                            }
                            work.push(Work::Text("("));
                        }
                    }
                    if position > 0 {
                        work.push(Work::Text(" › "));
                    }
                }
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import_bytes;

    /// A trace in the own format from (id, parent, kind, name) rows.
    fn trace(spans: &[(&str, &str, &str, &str)]) -> Trace {
        let spans: Vec<String> = spans
            .iter()
            .enumerate()
            .map(|(at, (id, parent, kind, name))| {
                let parent = if parent.is_empty() { "null".to_string() } else { format!("\"{parent}\"") };
                format!(
                    r#"{{"id":"{id}","parent":{parent},"name":"{name}","kind":"{kind}","start":"2024-05-14T09:21:30.{at:03}Z","duration_ms":1}}"#
                )
            })
            .collect();
        let document = format!(r#"{{"format":"trace-viewer/v1","id":"t","spans":[{}]}}"#, spans.join(","));
        import_bytes(document.as_bytes(), None).expect("imports").traces.remove(0)
    }

    fn looping(times: usize) -> Trace {
        let mut rows =
            vec![("a".to_string(), String::new(), "agent", "support"), ("p".into(), "a".into(), "llm", "plan")];
        for turn in 0..times {
            rows.push((format!("l{turn}"), "a".into(), "llm", "think"));
            rows.push((format!("s{turn}"), "a".into(), "tool", "search"));
        }
        rows.push(("z".into(), "a".into(), "llm", "answer"));
        let rows: Vec<(&str, &str, &str, &str)> =
            rows.iter().map(|(id, parent, kind, name)| (id.as_str(), parent.as_str(), *kind, *name)).collect();
        trace(&rows)
    }

    #[test]
    fn a_loop_is_written_once_whatever_its_count() {
        let three = signature(&looping(3));
        assert_eq!(three, "agent:support [llm:plan › (llm:think › tool:search)+ › llm:answer]");
        assert_eq!(signature(&looping(30)), three);
        assert_eq!(signature(&looping(2)), three, "two in a row is a run");
        assert_eq!(signature(&looping(1)), "agent:support [llm:plan › llm:think › tool:search › llm:answer]");
    }

    #[test]
    fn siblings_fold_only_when_their_subtrees_match() {
        let same = trace(&[
            ("r", "", "chain", "run"),
            ("a", "r", "agent", "step"),
            ("a1", "a", "tool", "search"),
            ("b", "r", "agent", "step"),
            ("b1", "b", "tool", "search"),
        ]);
        assert_eq!(signature(&same), "chain:run [(agent:step [tool:search])+]");
        let different = trace(&[
            ("r", "", "chain", "run"),
            ("a", "r", "agent", "step"),
            ("a1", "a", "tool", "search"),
            ("b", "r", "agent", "step"),
            ("b1", "b", "tool", "fetch"),
        ]);
        assert_eq!(signature(&different), "chain:run [agent:step [tool:search] › agent:step [tool:fetch]]");
    }

    #[test]
    fn a_long_signature_is_cut_and_ends_with_a_hash_of_the_whole() {
        let chain = |last: &str| {
            let mut rows: Vec<(String, String, &str, String)> = (0..200)
                .map(|depth| {
                    (
                        format!("s{depth}"),
                        if depth == 0 { String::new() } else { format!("s{}", depth - 1) },
                        "chain",
                        format!("step{depth}"),
                    )
                })
                .collect();
            rows.push(("end".into(), "s199".into(), "tool", last.to_string()));
            let rows: Vec<(&str, &str, &str, &str)> = rows
                .iter()
                .map(|(id, parent, kind, name)| (id.as_str(), parent.as_str(), *kind, name.as_str()))
                .collect();
            signature(&trace(&rows))
        };
        let (one, other) = (chain("search"), chain("fetch"));
        assert!(one.len() <= MAX_SIGNATURE_BYTES + 40, "{}", one.len());
        assert!(one.contains("… #"), "{one}");
        assert_ne!(one, other, "the hash tells deep differences apart");
        assert_eq!(one[..MAX_SIGNATURE_BYTES], other[..MAX_SIGNATURE_BYTES]);
    }

    #[test]
    fn runs_are_chosen_as_the_tree_chooses_them() {
        let keys = [1, 1, 1, 1, 2, 3, 2, 3, 4];
        assert_eq!(
            fold(&keys),
            [Piece::Repeat { start: 0, period: 1 }, Piece::Repeat { start: 4, period: 2 }, Piece::Step(8)]
        );
    }
}
