//! Product outcomes joined to the corpus: a CSV or JSON Lines file keyed by `trace_id`,
//! `session_id` or `user_id` (retention, conversion, plan, experiment …), read in the worker.
//! Each of its other columns becomes a field of the query language (`outcome."plan"`), a column
//! to group and compare by, and, when its values are numbers, a measure (`mean(outcome."revenue")`).
//! A trace finds its outcome row through its key; rows whose key no trace has are counted.
//! The join is kept up to date lazily: the index's dictionaries (users, sessions) or rows
//! (trace ids) added since the last question are looked up then.

use std::cell::RefCell;

use super::codes::Codes;
use super::dictionary::{Dictionary, StringColumn, ABSENT};
use super::index::CorpusIndex;
use super::outcome_files::{number_of, read_csv, read_json_lines, Cell, Problems};

/// What an outcomes file is keyed by: the column's name and the trace field it joins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKey {
    Trace,
    Session,
    User,
}

impl OutcomeKey {
    /// Key columns in the order they are looked for: the most specific first.
    const ALL: [(OutcomeKey, &'static str); 3] =
        [(OutcomeKey::Trace, "trace_id"), (OutcomeKey::Session, "session_id"), (OutcomeKey::User, "user_id")];

    pub fn column_name(self) -> &'static str {
        Self::ALL.iter().find(|(key, _)| *key == self).map_or("", |(_, name)| name)
    }
}

/// One column of an outcomes file: each outcome row's value as text (dictionary-encoded), and as a
/// number when every value of the column is one (`true`/`false` count as 1/0).
#[derive(Debug)]
pub struct OutcomeColumn {
    pub name: String,
    pub text: StringColumn,
    pub numbers: Option<Vec<f64>>,
}

/// Which outcome row each trace has: by the index's dictionary number (users, sessions) or by row
/// (trace ids), as far as the index has been looked at.
#[derive(Debug, Default)]
struct Join {
    /// Outcome row + 1 per dictionary number or trace row (0: none).
    targets: Vec<u32>,
    /// Outcome rows some trace has.
    matched: Vec<bool>,
    matched_count: usize,
}

/// A loaded outcomes file.
#[derive(Debug)]
pub struct Outcomes {
    pub file_name: String,
    pub key: OutcomeKey,
    /// Each row's key, numbered from 1 in row order (row `r` has number `r + 1`).
    keys: Dictionary,
    pub columns: Vec<OutcomeColumn>,
    /// Rows left out: a repeated key (the first row of a key counts), or no key.
    pub duplicate_keys: usize,
    pub rows_without_key: usize,
    /// Lines that did not read (JSON Lines), each with its line number and why; a few kept.
    pub problems: Vec<String>,
    pub problems_left_out: usize,
    join: RefCell<Join>,
}

/// What `loadOutcomes()` resolves with.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomesReport {
    pub file_name: String,
    /// `trace_id`, `session_id` or `user_id`.
    pub key: String,
    pub rows: u64,
    /// Rows whose key a trace of the corpus has, and those whose key none has (so far).
    pub matched: u64,
    pub unmatched: u64,
    pub duplicate_keys: u64,
    pub rows_without_key: u64,
    /// The columns that became fields, and those of them that are numbers (measures).
    pub columns: Vec<String>,
    pub numeric_columns: Vec<String>,
    pub problems: Vec<String>,
}

/// A column being read: its values' dictionary numbers, and its numbers while every value is one.
struct ColumnBuild {
    text: StringColumn,
    numbers: Option<Vec<f64>>,
}

/// The rows read so far, into columns.
struct Builder {
    /// The key and its place in the header, once a key column was met.
    key: Option<(OutcomeKey, usize)>,
    keys: Dictionary,
    /// By header place; `None` at the key's.
    columns: Vec<Option<ColumnBuild>>,
    header: Vec<String>,
    duplicate_keys: usize,
    rows_without_key: usize,
}

impl Builder {
    fn row(&mut self, header: &[String], cells: &[Option<Cell>]) {
        if self.key.is_none() {
            self.key = OutcomeKey::ALL
                .iter()
                .find_map(|(key, name)| header.iter().position(|column| column == name).map(|place| (*key, place)));
        }
        // Columns met for the first time (a JSON Lines key): empty for the rows before.
        while self.columns.len() < header.len() {
            let rows = self.keys.len();
            self.columns.push(Some(ColumnBuild {
                text: StringColumn { dictionary: Dictionary::default(), rows: Codes::zeros(rows) },
                numbers: Some(vec![f64::NAN; rows]),
            }));
        }
        if self.header.len() != header.len() {
            self.header = header.to_vec();
        }
        let Some((_, key_place)) = self.key else {
            self.rows_without_key += 1;
            return;
        };
        self.columns[key_place] = None;
        let key_number = match cells.get(key_place) {
            Some(Some(Cell::Text(text))) if !text.trim().is_empty() => self.keys.len_if_new(text.trim()),
            Some(Some(Cell::Number(number))) => self.keys.len_if_new(&number.to_string()),
            _ => {
                self.rows_without_key += 1;
                return;
            }
        };
        if key_number.is_none() {
            self.duplicate_keys += 1;
            return;
        }
        for (place, column) in self.columns.iter_mut().enumerate() {
            let Some(column) = column else { continue };
            let (number, value) = match cells.get(place).and_then(Option::as_ref) {
                None => (f64::NAN, ABSENT),
                Some(Cell::Number(number)) => (*number, column.text.dictionary.intern(&number.to_string())),
                Some(Cell::Text(text)) => (number_of(text).unwrap_or(f64::NAN), column.text.dictionary.intern(text)),
            };
            if value != ABSENT && number.is_nan() {
                column.numbers = None;
            }
            if let Some(numbers) = &mut column.numbers {
                numbers.push(number);
            }
            column.text.rows.push(value);
        }
    }
}

/// Reads an outcomes file (CSV, or JSON Lines when its first character is `{`) a row at a time
/// into columns, or says why it cannot be joined.
pub fn read_outcomes(bytes: &[u8], file_name: &str) -> Result<Outcomes, String> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        format!("{file_name} is not UTF-8 text (byte {} is not): outcomes are CSV or JSON Lines", error.valid_up_to())
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder {
        key: None,
        keys: Dictionary::default(),
        columns: Vec::new(),
        header: Vec::new(),
        duplicate_keys: 0,
        rows_without_key: 0,
    };
    let mut sink = |header: &[String], cells: &[Option<Cell>]| builder.row(header, cells);
    let problems = if text.trim_start().starts_with('{') {
        read_json_lines(text, &mut sink)
    } else {
        read_csv(text, &mut sink).map_err(|message| format!("{file_name}: {message}"))?;
        Problems::default()
    };
    let Some((key, _)) = builder.key else {
        return Err(format!(
            "{file_name} has no trace_id, session_id or user_id column to join by; its columns are {}",
            builder.header.join(", ")
        ));
    };
    let columns = builder
        .columns
        .into_iter()
        .zip(&builder.header)
        .filter_map(|(column, name)| {
            let column = column?;
            Some(OutcomeColumn { name: name.trim().to_string(), text: column.text, numbers: column.numbers })
        })
        .collect();
    Ok(Outcomes {
        file_name: file_name.to_string(),
        key,
        keys: builder.keys,
        columns,
        duplicate_keys: builder.duplicate_keys,
        rows_without_key: builder.rows_without_key,
        problems: problems.described,
        problems_left_out: problems.left_out,
        join: RefCell::new(Join::default()),
    })
}

impl Outcomes {
    pub fn rows(&self) -> usize {
        self.keys.len()
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&OutcomeColumn> {
        self.columns.iter().find(|column| column.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut OutcomeColumn> {
        self.columns.iter_mut().find(|column| column.name == name)
    }

    /// Looks up what the index added since the last call: new users or sessions by their
    /// dictionary numbers; for trace ids, once the index has grown, every key again by the
    /// index's id lookup (cheaper than writing out each row's id).
    fn sync(&self, index: &CorpusIndex) {
        let mut join = self.join.borrow_mut();
        let dictionary = match self.key {
            OutcomeKey::User => &index.user.dictionary,
            OutcomeKey::Session => &index.session.dictionary,
            OutcomeKey::Trace => {
                if join.targets.len() != index.len() {
                    let mut targets = vec![ABSENT; index.len()];
                    let mut matched = vec![false; self.rows()];
                    for (number, key) in self.keys.entries() {
                        if let Some(row) = index.row_of(key) {
                            targets[row] = number;
                            matched[number as usize - 1] = true;
                        }
                    }
                    join.matched_count = matched.iter().filter(|found| **found).count();
                    join.matched = matched;
                    join.targets = targets;
                }
                return;
            }
        };
        if join.matched.len() < self.rows() {
            join.matched.resize(self.rows(), false);
        }
        while join.targets.len() < dictionary.len() + 1 {
            let at = join.targets.len();
            let target = dictionary.value(at as u32).and_then(|value| self.keys.find(value)).unwrap_or(ABSENT);
            if target != ABSENT && !join.matched[target as usize - 1] {
                join.matched[target as usize - 1] = true;
                join.matched_count += 1;
            }
            join.targets.push(target);
        }
    }

    /// Each trace row's outcome row + 1 (0: none), for rows `0..index.len()`.
    pub fn rows_of_traces(&self, index: &CorpusIndex) -> Vec<u32> {
        self.sync(index);
        let join = self.join.borrow();
        let targets = &join.targets;
        let by_number = |numbers: &Codes| numbers.map_each(numbers.len(), |number| targets[number as usize]);
        match self.key {
            OutcomeKey::User => by_number(&index.user.rows),
            OutcomeKey::Session => by_number(&index.session.rows),
            OutcomeKey::Trace => targets[..index.len()].to_vec(),
        }
    }

    /// Each trace row's number in `column`'s dictionary (`ABSENT` without an outcome or a value).
    pub fn trace_values(&self, index: &CorpusIndex, column: &OutcomeColumn) -> Vec<u32> {
        let rows = self.rows_of_traces(index);
        rows.into_iter()
            .map(|target| if target == ABSENT { ABSENT } else { column.text.rows.at(target as usize - 1) })
            .collect()
    }

    /// Each trace row's number in `column` (NaN without an outcome or a value; `None`: not numbers).
    pub fn trace_numbers(&self, index: &CorpusIndex, column: &OutcomeColumn) -> Option<Vec<f64>> {
        let numbers = column.numbers.as_ref()?;
        let rows = self.rows_of_traces(index);
        Some(
            rows.into_iter()
                .map(|target| if target == ABSENT { f64::NAN } else { numbers[target as usize - 1] })
                .collect(),
        )
    }

    /// Trace row `row`'s outcome row, if it has one.
    pub fn row_of_trace(&self, index: &CorpusIndex, row: usize) -> Option<usize> {
        self.sync(index);
        let join = self.join.borrow();
        let target = match self.key {
            OutcomeKey::User => join.targets[index.user.rows.at(row) as usize],
            OutcomeKey::Session => join.targets[index.session.rows.at(row) as usize],
            OutcomeKey::Trace => join.targets[row],
        };
        (target != ABSENT).then(|| target as usize - 1)
    }

    /// What was read and how much of it matches the index so far.
    pub fn report(&self, index: &CorpusIndex) -> OutcomesReport {
        self.sync(index);
        let matched = self.join.borrow().matched_count as u64;
        let mut problems = self.problems.clone();
        if self.problems_left_out > 0 {
            problems.push(format!("… and {} more lines that did not read", self.problems_left_out));
        }
        OutcomesReport {
            file_name: self.file_name.clone(),
            key: self.key.column_name().to_string(),
            rows: self.rows() as u64,
            matched,
            unmatched: self.rows() as u64 - matched,
            duplicate_keys: self.duplicate_keys as u64,
            rows_without_key: self.rows_without_key as u64,
            columns: self.columns.iter().map(|column| column.name.clone()).collect(),
            numeric_columns: self
                .columns
                .iter()
                .filter(|column| column.numbers.is_some())
                .map(|column| column.name.clone())
                .collect(),
            problems,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_the_most_specific_column_and_numbers_are_found() {
        let outcomes = read_outcomes(
            b"user_id,session_id,revenue,plan\nu1,s1,10,pro\nu2,s2,2.5,free\nu3,s1,1,free\n,s9,3,x\n",
            "o.csv",
        )
        .unwrap();
        assert_eq!(outcomes.key, OutcomeKey::Session);
        assert_eq!(outcomes.rows(), 3);
        assert_eq!((outcomes.duplicate_keys, outcomes.rows_without_key), (1, 0));
        assert_eq!(outcomes.column("revenue").unwrap().numbers, Some(vec![10.0, 2.5, 3.0]));
        assert!(outcomes.column("plan").unwrap().numbers.is_none());
        assert!(outcomes.column("user_id").unwrap().numbers.is_none());
        let error = read_outcomes(b"customer,plan\nc1,pro\n", "o.csv").unwrap_err();
        assert!(error.contains("customer, plan") && error.contains("user_id"), "{error}");
    }
}
