//! Labels out and back in: JSON Lines with each label beside its trace's facts (input, output,
//! intent, model, ...), keys in a fixed order and byte-for-byte deterministic
//! (`www/labels.schema.json` describes a line); reading such a file back into labels; and a CSV
//! of how many labelled traces each category has in each group of a column.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::labels::Label;
use super::taxonomy::Taxonomy;

/// What the corpus knows of a trace, written beside its label.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceFacts {
    pub trace_id: String,
    pub session_id: Option<String>,
    pub input: Option<String>,
    pub output: Option<String>,
    pub intent: Option<String>,
    pub model: Option<String>,
    pub variant: Option<String>,
    pub feedback: Vec<String>,
    pub source_file: Option<String>,
}

/// The labels export: one JSON object a line, in the order given, keys `trace_id`, `session_id`,
/// `input`, `output`, `categories`, `severity`, `note`, `corrected_output`, `intent`, `model`,
/// `variant`, `feedback`, `source_file`, `labeller`, `time`; `null` where a fact is absent (and
/// for `feedback` when the trace is unknown).
pub fn labels_jsonl(labels: &[&Label], facts: &dyn Fn(&str) -> Option<TraceFacts>) -> String {
    let mut text = String::with_capacity(labels.len() * 256);
    for label in labels {
        let known = facts(&label.trace_id);
        let fact = |pick: fn(&TraceFacts) -> &Option<String>| known.as_ref().and_then(|facts| pick(facts).clone());
        let mut line = Map::new();
        line.insert("trace_id".into(), label.trace_id.clone().into());
        line.insert("session_id".into(), fact(|facts| &facts.session_id).into());
        line.insert("input".into(), fact(|facts| &facts.input).into());
        line.insert("output".into(), fact(|facts| &facts.output).into());
        line.insert("categories".into(), label.categories.clone().into());
        line.insert("severity".into(), label.severity.clone().into());
        line.insert("note".into(), label.note.clone().into());
        line.insert("corrected_output".into(), label.corrected_output.clone().into());
        line.insert("intent".into(), fact(|facts| &facts.intent).into());
        line.insert("model".into(), fact(|facts| &facts.model).into());
        line.insert("variant".into(), fact(|facts| &facts.variant).into());
        line.insert("feedback".into(), known.as_ref().map(|facts| facts.feedback.clone()).into());
        line.insert("source_file".into(), fact(|facts| &facts.source_file).into());
        line.insert("labeller".into(), label.labeller.clone().into());
        line.insert("time".into(), label.time.clone().into());
        text.push_str(&Value::Object(line).to_string());
        text.push('\n');
    }
    text
}

/// Reads a labels export (or any JSON Lines of label objects) back into labels. Blank lines are
/// skipped; the trace facts are ignored; only `trace_id` is required. Errors name the line.
pub fn read_labels_jsonl(text: &str) -> Result<Vec<Label>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut labels = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = index + 1;
        let value: Value = serde_json::from_str(line).map_err(|error| format!("line {number}: not JSON: {error}"))?;
        let Value::Object(fields) = value else { return Err(format!("line {number}: not a JSON object")) };
        labels.push(read_label(&fields).map_err(|error| format!("line {number}: {error}"))?);
    }
    Ok(labels)
}

fn read_label(fields: &Map<String, Value>) -> Result<Label, String> {
    let optional = |key: &str| -> Result<Option<String>, String> {
        match fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(format!("{key} must be a string or null")),
        }
    };
    let trace_id = optional("trace_id")?.filter(|id| !id.is_empty()).ok_or("trace_id is missing or empty")?;
    let categories = match fields.get("categories") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(String::from).ok_or("categories must hold strings (category ids)"))
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("categories must be an array of category ids".into()),
    };
    Ok(Label {
        trace_id,
        categories,
        severity: optional("severity")?,
        note: optional("note")?.unwrap_or_default(),
        corrected_output: optional("corrected_output")?,
        labeller: optional("labeller")?.unwrap_or_default(),
        time: optional("time")?.unwrap_or_default(),
    })
}

/// Counts of labelled traces per category (rows, in taxonomy order by name; ids the taxonomy
/// lacks after them) and per value of a column (`group_of` a trace id; columns sorted, traces
/// without a value last as `(no <group_name>)`), with a `total` column and a last row
/// `(labelled traces)` counting every label. RFC 4180: CRLF line ends, fields with a comma, quote
/// or line break quoted; a field a spreadsheet would run as a formula gets a leading `'`.
pub fn category_counts_csv(
    labels: &[&Label],
    taxonomy: &Taxonomy,
    group_of: &dyn Fn(&str) -> Option<String>,
    group_name: &str,
) -> String {
    let mut groups: BTreeSet<Option<String>> = BTreeSet::new();
    // (category position or MAX, id) → group → count.
    let mut counts: BTreeMap<(usize, String), BTreeMap<Option<String>, usize>> = BTreeMap::new();
    let mut labelled: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for category in &taxonomy.categories {
        counts.insert((taxonomy.position(&category.id), category.id.clone()), BTreeMap::new());
    }
    for label in labels {
        let group = group_of(&label.trace_id);
        groups.insert(group.clone());
        *labelled.entry(group.clone()).or_default() += 1;
        let distinct: BTreeSet<&String> = label.categories.iter().collect();
        for id in distinct {
            let row = counts.entry((taxonomy.position(id), id.clone())).or_default();
            *row.entry(group.clone()).or_default() += 1;
        }
    }
    // Values first in order, then the traces without one.
    let mut columns: Vec<Option<String>> = groups.iter().filter(|group| group.is_some()).cloned().collect();
    if groups.contains(&None) {
        columns.push(None);
    }
    let mut text = String::from("category");
    for column in &columns {
        text.push(',');
        let header = column.clone().unwrap_or_else(|| format!("(no {group_name})"));
        text.push_str(&csv_field(&header));
    }
    text.push_str(",total\r\n");
    let write_row = |text: &mut String, name: &str, row: &BTreeMap<Option<String>, usize>| {
        text.push_str(&csv_field(name));
        for column in &columns {
            text.push_str(&format!(",{}", row.get(column).copied().unwrap_or(0)));
        }
        text.push_str(&format!(",{}\r\n", row.values().sum::<usize>()));
    };
    for ((_, id), row) in &counts {
        let name = taxonomy.category(id).map_or(id.as_str(), |category| category.name.as_str());
        write_row(&mut text, name, row);
    }
    write_row(&mut text, "(labelled traces)", &labelled);
    text
}

/// One CSV field: quoted when it holds a comma, quote or line break (quotes doubled); a leading
/// `=`, `+`, `-`, `@`, tab or carriage return (a formula to spreadsheets) gets a `'` before it,
/// unless the field is a number.
fn csv_field(value: &str) -> String {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']) && value.parse::<f64>().is_err();
    let value = if formula { format!("'{value}") } else { value.to_string() };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(trace_id: &str, categories: &[&str]) -> Label {
        Label {
            trace_id: trace_id.into(),
            categories: categories.iter().map(|id| id.to_string()).collect(),
            ..Label::default()
        }
    }

    #[test]
    fn a_line_has_every_key_in_order_with_nulls_for_what_is_unknown() {
        let mut known = label("t1", &["loop"]);
        known.note = "said \"hi\"\nthen looped".into();
        known.labeller = "ana".into();
        known.time = "2026-12-07T10:00:00Z".into();
        let unknown = label("t2", &[]);
        let facts = |id: &str| {
            (id == "t1").then(|| TraceFacts {
                trace_id: id.into(),
                input: Some("q".into()),
                feedback: vec!["thumbs_down".into()],
                ..TraceFacts::default()
            })
        };
        let text = labels_jsonl(&[&known, &unknown], &facts);
        assert_eq!(
            text,
            concat!(
                r#"{"trace_id":"t1","session_id":null,"input":"q","output":null,"categories":["loop"],"severity":null,"#,
                r#""note":"said \"hi\"\nthen looped","corrected_output":null,"intent":null,"model":null,"variant":null,"#,
                r#""feedback":["thumbs_down"],"source_file":null,"labeller":"ana","time":"2026-12-07T10:00:00Z"}"#,
                "\n",
                r#"{"trace_id":"t2","session_id":null,"input":null,"output":null,"categories":[],"severity":null,"#,
                r#""note":"","corrected_output":null,"intent":null,"model":null,"variant":null,"feedback":null,"#,
                r#""source_file":null,"labeller":"","time":""}"#,
                "\n"
            )
        );
        assert_eq!(read_labels_jsonl(&text).unwrap(), vec![known, unknown]);
    }

    #[test]
    fn reading_skips_blank_lines_and_names_the_bad_line() {
        let labels = read_labels_jsonl("\n{\"trace_id\":\"a\",\"extra\":1}\r\n\n").unwrap();
        assert_eq!(labels, vec![label("a", &[])]);
        assert_eq!(
            read_labels_jsonl("{\"trace_id\":\"a\"}\n\n{\"note\":\"x\"}").unwrap_err(),
            "line 3: trace_id is missing or empty"
        );
        assert_eq!(
            read_labels_jsonl("{\"trace_id\":\"a\",\"categories\":\"loop\"}").unwrap_err(),
            "line 1: categories must be an array of category ids"
        );
        assert!(read_labels_jsonl("{\"trace_id\":\"a\"}\n{oops").unwrap_err().starts_with("line 2: not JSON: "));
        assert_eq!(read_labels_jsonl("[1]").unwrap_err(), "line 1: not a JSON object");
    }

    #[test]
    fn counts_are_categories_by_group_with_totals() {
        let taxonomy = Taxonomy::starter();
        let labels = [
            label("a", &["hallucination", "loop"]),
            label("b", &["loop"]),
            label("c", &["loop", "gone_category"]),
            label("d", &[]),
        ];
        let refs: Vec<&Label> = labels.iter().collect();
        let model = |id: &str| match id {
            "a" | "b" => Some("gpt-4o".to_string()),
            "c" => Some("=cmd, \"x\"".to_string()),
            _ => None,
        };
        let csv = category_counts_csv(&refs, &taxonomy, &model, "model");
        let expected = [
            "category,\"'=cmd, \"\"x\"\"\",gpt-4o,(no model),total",
            "Hallucination,0,1,0,1",
            "Wrong tool,0,0,0,0",
            "Tool error,0,0,0,0",
            "Bad retrieval,0,0,0,0",
            "Incomplete answer,0,0,0,0",
            "Refused,0,0,0,0",
            "Loop / stuck,1,2,0,3",
            "Other,0,0,0,0",
            "gone_category,1,0,0,1",
            "(labelled traces),1,2,1,4",
            "",
        ];
        assert_eq!(csv, expected.join("\r\n"));
        assert_eq!(csv_field("-3.5"), "-3.5");
        assert_eq!(csv_field("@x"), "'@x");
    }
}
