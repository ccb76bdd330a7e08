//! Patterns without a model: the traces a filter keeps grouped by their structural signature
//! ([`super::signature`]) or their error template ([`super::error_template`]), each pattern with
//! its traces, how many of them failed (the default definition: a span failed, a thumbs down or
//! abandoned) and the filter that selects exactly its traces within the given one (to open them in
//! the table or label them all). One pass over the kept rows counting by dictionary number, so a
//! million traces group in milliseconds; traces without a value (no failed span, for templates)
//! are in no pattern.

use serde::{Deserialize, Serialize};

use super::aggregate::failed_by_default;
use super::dictionary::{StringColumn, ABSENT};
use super::index::CorpusIndex;

/// What patterns can be grouped by, as the query language names the columns.
pub const PATTERN_COLUMNS: [&str; 2] = ["signature", "error_template"];

/// One pattern: its text, its traces, the failed ones among them and the filter that keeps them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    pub text: String,
    pub traces: u64,
    pub failed: u64,
    pub filter: String,
}

/// The column `by` names, or why there is none.
pub fn pattern_column<'a>(index: &'a CorpusIndex, by: &str) -> Result<&'a StringColumn, String> {
    match by {
        "signature" => Ok(&index.signature),
        "error_template" => Ok(&index.error_template),
        other => Err(format!("cannot find patterns by \"{other}\": signature or error_template")),
    }
}

/// The `limit` largest patterns of `rows` in column `by` (most traces first, then by text);
/// `filter` is the filter that kept `rows`, which each pattern's own filter narrows.
pub fn patterns(
    index: &CorpusIndex,
    rows: &[u32],
    filter: &str,
    by: &str,
    limit: usize,
) -> Result<Vec<Pattern>, String> {
    let column = pattern_column(index, by)?;
    // (traces, failed) per dictionary number.
    let mut counts = vec![(0u64, 0u64); column.dictionary.len() + 1];
    for &row in rows {
        let number = column.rows.at(row as usize);
        if number != ABSENT {
            let count = &mut counts[number as usize];
            count.0 += 1;
            count.1 += u64::from(failed_by_default(index, row as usize));
        }
    }
    let mut numbers: Vec<u32> = (1..counts.len() as u32).filter(|&number| counts[number as usize].0 > 0).collect();
    let text = |number: u32| column.dictionary.value(number).unwrap_or_default();
    numbers.sort_unstable_by(|&left, &right| {
        counts[right as usize].0.cmp(&counts[left as usize].0).then_with(|| text(left).cmp(text(right)))
    });
    Ok(numbers
        .into_iter()
        .take(limit)
        .map(|number| {
            let (traces, failed) = counts[number as usize];
            Pattern { text: text(number).to_string(), traces, failed, filter: narrowed(filter, by, text(number)) }
        })
        .collect())
}

/// `filter` narrowed to traces whose `field` is `value`.
pub fn narrowed(filter: &str, field: &str, value: &str) -> String {
    let equals = format!("{field} = {}", super::query::string_literal(value));
    if filter.trim().is_empty() {
        equals
    } else {
        format!("({}) and {equals}", filter.trim())
    }
}
