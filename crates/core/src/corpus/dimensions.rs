//! The columns traces are grouped and compared by (`intent`, `model`, `tool`, `status`,
//! `feedback`, `attr."key"`...): each gives a row's values as numbers (a trace with several
//! models or tools, or several feedback signals, has several), and a number back as text.
//! Shared by aggregates ([`super::aggregate`]) and BubbleUp ([`super::bubble_up`]).

use super::dictionary::{SetColumn, StringColumn, ABSENT};
use super::index::CorpusIndex;
use super::summary::FEEDBACK_SIGNALS;

/// A column to group or compare by.
pub enum Dimension<'a> {
    Text(&'a StringColumn),
    Set(&'a SetColumn),
    /// `error` (1) when any span failed, else `ok` (2).
    Status,
    /// Each signal the trace has (its bit's place + 1).
    Feedback,
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
            "status" => Dimension::Status,
            "feedback" => Dimension::Feedback,
            other => {
                let key = other
                    .strip_prefix("attr.")
                    .map(|key| key.trim_matches('"'))
                    .ok_or_else(|| format!("cannot group by \"{other}\": name, intent, variant, user, session, model, tool, status, feedback or attr.\"key\""))?;
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
            Dimension::Text(column) => out.push(column.rows.get(row).copied().unwrap_or(ABSENT)),
            Dimension::Set(column) => out.extend_from_slice(column.sets.members(column.rows[row])),
            Dimension::Status => out.push(if index.error_count[row] > 0 { STATUS_ERROR } else { STATUS_OK }),
            Dimension::Feedback => {
                let flags = index.feedback_of(row);
                out.extend((0..FEEDBACK_SIGNALS.len() as u32).filter(|bit| flags & (1 << bit) != 0).map(|bit| bit + 1));
            }
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
        }
    }

    /// The text of value `number` (`None` for `ABSENT`).
    pub fn text(&self, number: u32) -> Option<&'a str> {
        if number == ABSENT {
            return None;
        }
        match self {
            Dimension::Text(column) => column.dictionary.value(number),
            Dimension::Set(column) => column.members.value(number),
            Dimension::Status => Some(if number == STATUS_ERROR { "error" } else { "ok" }),
            Dimension::Feedback => FEEDBACK_SIGNALS.get(number as usize - 1).map(|(name, _)| *name),
        }
    }
}
