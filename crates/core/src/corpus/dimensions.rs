//! The columns traces are grouped and compared by (`intent`, `model`, `tool`, `label`,
//! `signature`, `error_template`, `status`,
//! `feedback`, `attr."key"`, `outcome."column"`, and the hour or day a trace started): each gives a row's values as
//! numbers (a trace with several models or tools, or several feedback signals, has several), and
//! a number back as text.
//! Shared by aggregates ([`super::aggregate`]) and BubbleUp ([`super::bubble_up`]).

use std::borrow::Cow;

use super::dictionary::{Dictionary, SetColumn, StringColumn, ABSENT};
use super::index::CorpusIndex;
use super::summary::FEEDBACK_SIGNALS;
use crate::model::format_rfc3339_ns;

/// A column to group or compare by.
pub enum Dimension<'a> {
    Text(&'a StringColumn),
    Set(&'a SetColumn),
    /// `error` (1) when any span failed, else `ok` (2).
    Status,
    /// Each signal the trace has (its bit's place + 1).
    Feedback,
    /// The UTC hour or day a trace started: bucket `n` (from 1) starts at `first + (n − 1) × width`.
    Time {
        first_ns: u64,
        width_ns: u64,
        buckets: usize,
    },
    /// A column of the joined outcomes: each trace row's number in its dictionary.
    Outcome {
        dictionary: &'a Dictionary,
        values: Vec<u32>,
    },
}

/// A bucket's width by its field name.
fn bucket_width_ns(field: &str) -> Option<u64> {
    match field {
        "hour" => Some(3_600_000_000_000),
        "day" => Some(86_400_000_000_000),
        _ => None,
    }
}

/// Time buckets one grouping may have at most (a corpus spanning decades by the hour would not
/// make a readable answer, and each bucket takes a slot).
pub const MAX_TIME_BUCKETS: u64 = 1_000_000;

/// The time buckets of `index`'s starts (`None` when no trace has a start).
fn time_dimension<'a>(index: &CorpusIndex, field: &str, width_ns: u64) -> Result<Dimension<'a>, String> {
    let known = index.start_ns.iter().copied().filter(|start| *start > 0);
    let (low, high) = known.fold((u64::MAX, 0u64), |(low, high), start| (low.min(start), high.max(start)));
    if low > high {
        return Ok(Dimension::Time { first_ns: 0, width_ns, buckets: 0 });
    }
    let first_ns = low - low % width_ns;
    let buckets = (high - first_ns) / width_ns + 1;
    if buckets > MAX_TIME_BUCKETS {
        return Err(format!(
            "the traces' starts span {buckets} {field}s (more than {MAX_TIME_BUCKETS}); filter by start first"
        ));
    }
    Ok(Dimension::Time { first_ns, width_ns, buckets: buckets as usize })
}

const STATUS_ERROR: u32 = 1;
const STATUS_OK: u32 = 2;

impl<'a> Dimension<'a> {
    /// The dimension a field name stands for (as the query language writes it: `intent`,
    /// `attr."app.region"` or `attr.app.region`), or why there is none.
    pub fn named(index: &'a CorpusIndex, field: &str) -> Result<Dimension<'a>, String> {
        Ok(match field {
            "name" => Dimension::Text(&index.name),
            "intent" => Dimension::Text(&index.intent),
            "variant" => Dimension::Text(&index.variant),
            "user" => Dimension::Text(&index.user),
            "session" => Dimension::Text(&index.session),
            "model" => Dimension::Set(&index.models),
            "tool" => Dimension::Set(&index.tools),
            "label" | "labels" => Dimension::Set(&index.labels),
            "signature" => Dimension::Text(&index.signature),
            "error_template" => Dimension::Text(&index.error_template),
            "status" => Dimension::Status,
            "feedback" => Dimension::Feedback,
            other if bucket_width_ns(other).is_some() => {
                time_dimension(index, other, bucket_width_ns(other).unwrap_or(1))?
            }
            other if other.starts_with("outcome.") => {
                let name = other["outcome.".len()..].trim_matches('"');
                let outcomes = index.outcomes.as_ref().ok_or("no outcomes are loaded (loadOutcomes() joins a file)")?;
                let column = outcomes.column(name).ok_or_else(|| format!("the outcomes have no column \"{name}\""))?;
                Dimension::Outcome { dictionary: &column.text.dictionary, values: outcomes.trace_values(index, column) }
            }
            other => {
                let key = other
                    .strip_prefix("attr.")
                    .map(|key| key.trim_matches('"'))
                    .ok_or_else(|| format!("cannot group by \"{other}\": name, intent, variant, user, session, model, tool, label, signature, error_template, status, feedback, hour, day or attr.\"key\" or outcome.\"column\""))?;
                let column = index
                    .attribute_column(key)
                    .ok_or_else(|| format!("no attribute column \"{key}\" in this corpus"))?;
                Dimension::Text(&index.attributes[column].column)
            }
        })
    }

    /// Row `row`'s values (numbers; `ABSENT` alone when it has none) appended to `out`.
    pub fn values_of(&self, index: &CorpusIndex, row: usize, out: &mut Vec<u32>) {
        let start = out.len();
        match self {
            Dimension::Text(column) => out.push(column.rows.at(row)),
            Dimension::Set(column) => out.extend_from_slice(column.sets.members(column.set_of(row))),
            Dimension::Status => out.push(if index.error_count.at(row) > 0 { STATUS_ERROR } else { STATUS_OK }),
            Dimension::Feedback => {
                let flags = index.feedback_of(row);
                out.extend((0..FEEDBACK_SIGNALS.len() as u32).filter(|bit| flags & (1 << bit) != 0).map(|bit| bit + 1));
            }
            Dimension::Time { first_ns, width_ns, .. } => {
                let start = index.start_ns[row];
                if start > 0 {
                    out.push(((start - first_ns) / width_ns) as u32 + 1);
                }
            }
            Dimension::Outcome { values, .. } => out.push(values[row]),
        }
        if out.len() == start {
            out.push(ABSENT);
        }
    }

    /// How many numbers the dimension's values take (1 + the largest), for counting arrays.
    pub fn value_count(&self) -> usize {
        match self {
            Dimension::Text(column) => column.dictionary.len() + 1,
            Dimension::Set(column) => column.members.len() + 1,
            Dimension::Status => 3,
            Dimension::Feedback => FEEDBACK_SIGNALS.len() + 1,
            Dimension::Time { buckets, .. } => buckets + 1,
            Dimension::Outcome { dictionary, .. } => dictionary.len() + 1,
        }
    }

    /// The text of value `number` (`None` for `ABSENT`); a time bucket's is its start in RFC 3339.
    pub fn text(&self, number: u32) -> Option<Cow<'a, str>> {
        if number == ABSENT {
            return None;
        }
        match self {
            Dimension::Text(column) => column.dictionary.value(number).map(Cow::Borrowed),
            Dimension::Set(column) => column.members.value(number).map(Cow::Borrowed),
            Dimension::Status => Some(Cow::Borrowed(if number == STATUS_ERROR { "error" } else { "ok" })),
            Dimension::Feedback => FEEDBACK_SIGNALS.get(number as usize - 1).map(|(name, _)| Cow::Borrowed(*name)),
            Dimension::Time { first_ns, width_ns, .. } => {
                Some(Cow::Owned(format_rfc3339_ns(first_ns + u64::from(number - 1) * width_ns)))
            }
            Dimension::Outcome { dictionary, .. } => dictionary.value(number).map(Cow::Borrowed),
        }
    }
}
