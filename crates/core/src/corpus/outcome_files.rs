//! Reading an outcomes file into rows of fields: RFC 4180 CSV (quoted fields with commas,
//! newlines and doubled quotes; CRLF) or JSON Lines (one object a line, nested values kept as
//! JSON text, a line that does not read said with its number).

/// Problems described one by one at most; the rest are counted.
const MAX_PROBLEMS: usize = 20;

/// One file's rows as read: the header and each row's fields (`None`: empty or null).
#[derive(Debug)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Option<Cell>>>,
    pub problems: Vec<String>,
    pub problems_left_out: usize,
}

/// A field as read: text, or a number a JSON file wrote as one.
#[derive(Debug)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl Table {
    fn problem(&mut self, message: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(message);
        } else {
            self.problems_left_out += 1;
        }
    }
}

/// A CSV field as a number: a finite number, or `true`/`false` (1/0).
pub fn number_of(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    match trimmed.to_ascii_lowercase().as_str() {
        "true" => Some(1.0),
        "false" => Some(0.0),
        _ => trimmed.parse::<f64>().ok().filter(|number| number.is_finite()),
    }
}

/// RFC 4180 CSV: a header line, fields separated by commas, quoted fields may hold commas,
/// newlines and doubled quotes. A row with fewer fields than the header has the rest empty.
pub fn read_csv(text: &str) -> Result<Table, String> {
    let mut records: Vec<Vec<Option<Cell>>> = Vec::new();
    let mut record: Vec<Option<Cell>> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.chars().peekable();
    let mut line = 1usize;
    let finish_field = |record: &mut Vec<Option<Cell>>, field: &mut String, was_quoted: &mut bool| {
        let value = std::mem::take(field);
        record.push((!value.is_empty() || *was_quoted).then_some(Cell::Text(value)));
        *was_quoted = false;
    };
    while let Some(character) = chars.next() {
        match (quoted, character) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, other) => {
                line += usize::from(other == '\n');
                field.push(other);
            }
            (false, '"') if field.is_empty() => {
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => finish_field(&mut record, &mut field, &mut was_quoted),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                line += 1;
                finish_field(&mut record, &mut field, &mut was_quoted);
                if !(record.len() == 1 && record[0].is_none()) {
                    records.push(std::mem::take(&mut record));
                }
                record.clear();
            }
            (false, other) => field.push(other),
        }
    }
    if quoted {
        return Err(format!("a quoted field opened before line {line} is never closed"));
    }
    if !field.is_empty() || !record.is_empty() {
        finish_field(&mut record, &mut field, &mut was_quoted);
        records.push(record);
    }
    let mut rows = records.into_iter();
    let header = rows
        .next()
        .ok_or("the outcomes file is empty")?
        .into_iter()
        .map(|cell| match cell {
            Some(Cell::Text(text)) => text,
            _ => String::new(),
        })
        .collect();
    Ok(Table { header, rows: rows.collect(), problems: Vec::new(), problems_left_out: 0 })
}

/// JSON Lines: one object a line; the header is every key met, in the order first met. Nested
/// values are kept as their JSON text; a line that does not read is said with its number.
pub fn read_json_lines(text: &str) -> Table {
    let mut table = Table { header: Vec::new(), rows: Vec::new(), problems: Vec::new(), problems_left_out: 0 };
    let mut places: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(line) {
            Ok(object) => object,
            Err(error) => {
                table.problem(format!("line {}: {error}; the line was left out", number + 1));
                continue;
            }
        };
        let mut row: Vec<Option<Cell>> = Vec::new();
        for (key, value) in object {
            let place = *places.entry(key.clone()).or_insert_with(|| {
                table.header.push(key);
                table.header.len() - 1
            });
            if row.len() <= place {
                row.resize_with(place + 1, || None);
            }
            row[place] = match value {
                serde_json::Value::Null => None,
                serde_json::Value::Bool(flag) => Some(Cell::Number(f64::from(u8::from(flag)))),
                serde_json::Value::Number(number) => number.as_f64().map(Cell::Number),
                serde_json::Value::String(text) => Some(Cell::Text(text)),
                other => Some(Cell::Text(other.to_string())),
            };
        }
        table.rows.push(row);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(table: &Table) -> Vec<Vec<Option<String>>> {
        table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Some(Cell::Text(text)) => Some(text.clone()),
                        Some(Cell::Number(number)) => Some(format!("#{number}")),
                        None => None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn csv_reads_quotes_commas_newlines_and_crlf() {
        let table = read_csv("user_id,note,plan\r\nu1,\"a, \"\"quoted\"\"\nnote\",pro\r\nu2,,\n\nu3\n").unwrap();
        assert_eq!(table.header, ["user_id", "note", "plan"]);
        assert_eq!(
            cells(&table),
            [
                vec![Some("u1".into()), Some("a, \"quoted\"\nnote".into()), Some("pro".into())],
                vec![Some("u2".into()), None, None],
                vec![Some("u3".into())],
            ]
        );
        assert!(read_csv("a,b\n\"open").unwrap_err().contains("never closed"));
    }

    #[test]
    fn json_lines_take_every_key_and_say_which_lines_do_not_read() {
        let table = read_json_lines(
            "{\"session_id\":\"s1\",\"converted\":true}\nnot json\n{\"plan\":{\"tier\":2},\"session_id\":\"s2\"}\n",
        );
        assert_eq!(table.header, ["session_id", "converted", "plan"]);
        assert_eq!(cells(&table)[0], [Some("s1".to_string()), Some("#1".to_string())]);
        assert_eq!(cells(&table)[1], [Some("s2".to_string()), None, Some("{\"tier\":2}".to_string())]);
        assert_eq!(table.problems.len(), 1);
        assert!(table.problems[0].starts_with("line 2:"), "{:?}", table.problems);
    }
}
