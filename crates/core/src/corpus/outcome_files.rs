//! Reading an outcomes file a row at a time: RFC 4180 CSV (quoted fields with commas, newlines and
//! doubled quotes; CRLF) or JSON Lines (one object a line, nested values kept as JSON text, a line
//! that does not read said with its number). Rows are handed over as they are read, their text
//! borrowed from the file where it can be, so a million rows never sit in memory as strings.

use std::borrow::Cow;

/// Problems described one by one at most; the rest are counted.
const MAX_PROBLEMS: usize = 20;

/// A field as read: text, or a number a JSON file wrote as one.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
}

/// Lines that did not read, a few described and the rest counted.
#[derive(Debug, Default, PartialEq)]
pub struct Problems {
    pub described: Vec<String>,
    pub left_out: usize,
}

impl Problems {
    fn add(&mut self, message: String) {
        if self.described.len() < MAX_PROBLEMS {
            self.described.push(message);
        } else {
            self.left_out += 1;
        }
    }
}

/// What a reader hands each row to: the header as known so far (JSON Lines may add keys) and the
/// row's fields by the header's places (`None`: empty, null or absent; a row may be shorter).
pub type RowSink<'s, 't> = dyn FnMut(&[String], &[Option<Cell<'t>>]) + 's;

/// A CSV field as a number: a finite number, or `true`/`false` (1/0).
pub fn number_of(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("true") {
        return Some(1.0);
    }
    if trimmed.eq_ignore_ascii_case("false") {
        return Some(0.0);
    }
    trimmed.parse::<f64>().ok().filter(|number| number.is_finite())
}

/// Reads RFC 4180 CSV: the first record is the header; an empty line is skipped.
pub fn read_csv<'t>(text: &'t str, row: &mut RowSink<'_, 't>) -> Result<(), String> {
    let bytes = text.as_bytes();
    let mut header: Option<Vec<String>> = None;
    let mut cells: Vec<Option<Cell<'t>>> = Vec::new();
    let (mut at, mut line) = (0usize, 1usize);
    while at < bytes.len() {
        cells.clear();
        let record_line = line;
        // The fields of one record.
        loop {
            if bytes.get(at) == Some(&b'"') {
                let (value, end, newlines) = quoted_field(text, at + 1)
                    .ok_or_else(|| format!("line {record_line}: a quoted field is never closed"))?;
                line += newlines;
                cells.push(Some(Cell::Text(value)));
                at = end;
            } else {
                let length = bytes[at..]
                    .iter()
                    .position(|&byte| matches!(byte, b',' | b'\n' | b'\r'))
                    .unwrap_or(bytes.len() - at);
                let field = &text[at..at + length];
                cells.push((!field.is_empty()).then_some(Cell::Text(Cow::Borrowed(field))));
                at += length;
            }
            match bytes.get(at) {
                Some(b',') => at += 1,
                Some(b'\r') if bytes.get(at + 1) == Some(&b'\n') => {
                    at += 2;
                    break;
                }
                Some(b'\n') => {
                    at += 1;
                    break;
                }
                None => break,
                Some(_) => {
                    return Err(format!(
                        "line {line}: text after a closing quote (a field's quotes must enclose all of it)"
                    ))
                }
            }
        }
        line += 1;
        if cells.len() == 1 && cells[0].is_none() {
            continue;
        }
        match &header {
            None => {
                header = Some(
                    cells
                        .iter()
                        .map(|cell| match cell {
                            Some(Cell::Text(text)) => text.trim().to_string(),
                            _ => String::new(),
                        })
                        .collect(),
                )
            }
            Some(names) => row(names, &cells),
        }
    }
    if header.is_none() {
        return Err("the outcomes file is empty".into());
    }
    Ok(())
}

/// The quoted field whose text starts at `start` (after its opening quote): its value (borrowed
/// unless it holds doubled quotes), where reading goes on, and how many newlines it held.
fn quoted_field(text: &str, start: usize) -> Option<(Cow<'_, str>, usize, usize)> {
    let bytes = text.as_bytes();
    let (mut owned, mut segment, mut at) = (None::<String>, start, start);
    loop {
        let quote = at + bytes[at..].iter().position(|&byte| byte == b'"')?;
        if bytes.get(quote + 1) == Some(&b'"') {
            owned.get_or_insert_with(String::new).push_str(&text[segment..=quote]);
            segment = quote + 2;
            at = quote + 2;
            continue;
        }
        let newlines = bytes[start..quote].iter().filter(|&&byte| byte == b'\n').count();
        let value = match owned {
            Some(mut value) => {
                value.push_str(&text[segment..quote]);
                Cow::Owned(value)
            }
            None => Cow::Borrowed(&text[start..quote]),
        };
        return Some((value, quote + 1, newlines));
    }
}

/// Reads JSON Lines: one object a line; the header is every key met, in the order first met.
pub fn read_json_lines<'t>(text: &'t str, row: &mut RowSink<'_, 't>) -> Problems {
    let mut problems = Problems::default();
    let mut header: Vec<String> = Vec::new();
    let mut places: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut cells: Vec<Option<Cell<'t>>> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
            Ok(object) => object,
            Err(error) => {
                problems.add(format!("line {}: {error}; the line was left out", number + 1));
                continue;
            }
        };
        cells.clear();
        for (key, value) in object {
            let place = *places.entry(key.clone()).or_insert_with(|| {
                header.push(key);
                header.len() - 1
            });
            if cells.len() <= place {
                cells.resize(place + 1, None);
            }
            cells[place] = match value {
                serde_json::Value::Null => None,
                serde_json::Value::Bool(flag) => Some(Cell::Number(f64::from(u8::from(flag)))),
                serde_json::Value::Number(number) => number.as_f64().map(Cell::Number),
                serde_json::Value::String(text) => Some(Cell::Text(Cow::Owned(text))),
                other => Some(Cell::Text(Cow::Owned(other.to_string()))),
            };
        }
        row(&header, &cells);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every row a reader hands over, as text (`#n` for a number).
    fn collect(read: impl FnOnce(&mut RowSink<'_, '_>)) -> (Vec<String>, Vec<Vec<Option<String>>>) {
        let (mut header, mut rows) = (Vec::new(), Vec::new());
        read(&mut |names: &[String], cells: &[Option<Cell>]| {
            header = names.to_vec();
            rows.push(
                cells
                    .iter()
                    .map(|cell| match cell {
                        Some(Cell::Text(text)) => Some(text.to_string()),
                        Some(Cell::Number(number)) => Some(format!("#{number}")),
                        None => None,
                    })
                    .collect(),
            );
        });
        (header, rows)
    }

    #[test]
    fn csv_reads_quotes_commas_newlines_and_crlf() {
        let text = "user_id,note,plan\r\nu1,\"a, \"\"quoted\"\"\nnote\",pro\r\nu2,,\n\nu3\n";
        let (header, rows) = collect(|sink| read_csv(text, sink).unwrap());
        assert_eq!(header, ["user_id", "note", "plan"]);
        assert_eq!(
            rows,
            [
                vec![Some("u1".into()), Some("a, \"quoted\"\nnote".into()), Some("pro".into())],
                vec![Some("u2".into()), None, None],
                vec![Some("u3".into())],
            ]
        );
        let mut ignore = |_: &[String], _: &[Option<Cell>]| {};
        assert!(read_csv("a,b\n1,2\n\"open", &mut ignore)
            .unwrap_err()
            .contains("line 3: a quoted field is never closed"));
        assert!(read_csv("a,b\n\"x\"y,2\n", &mut ignore).unwrap_err().contains("after a closing quote"));
        assert!(read_csv("", &mut ignore).unwrap_err().contains("empty"));
    }

    #[test]
    fn json_lines_take_every_key_and_say_which_lines_do_not_read() {
        let text =
            "{\"session_id\":\"s1\",\"converted\":true}\nnot json\n{\"plan\":{\"tier\":2},\"session_id\":\"s2\"}\n";
        let mut problems = Problems::default();
        let (header, rows) = collect(|sink| problems = read_json_lines(text, sink));
        assert_eq!(header, ["session_id", "converted", "plan"]);
        assert_eq!(rows[0], [Some("s1".to_string()), Some("#1".to_string())]);
        assert_eq!(rows[1], [Some("s2".to_string()), None, Some("{\"tier\":2}".to_string())]);
        assert_eq!(problems.described.len(), 1);
        assert!(problems.described[0].starts_with("line 2:"), "{:?}", problems.described);
    }
}
