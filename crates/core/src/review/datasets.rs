//! Eval datasets from labelled traces, one JSON Lines item per labelled trace that has an input,
//! in the item shapes the tools document (`www/datasets.schema.json` has one definition each):
//!
//! - Langfuse dataset items: `input`, `expectedOutput`, `metadata`, `sourceTraceId` (the fields of
//!   the public API's `CreateDatasetItemRequest` but `datasetName`, chosen on upload);
//! - LangSmith examples: `inputs` and `outputs` objects (`{"input": …}`, `{"output": …}`) and
//!   `metadata`, as `create_examples` takes them;
//! - Phoenix dataset examples: `input`, `output` and `metadata` objects, as the Phoenix clients'
//!   `create_dataset(examples=…)` takes them (`output` is `{}` when there is none, as the
//!   client sends);
//! - generic: `input`, `expected_output`, `metadata`.
//!
//! The expected output is the reviewer's corrected output when there is one, else the trace's
//! output; `metadata.expected_output_from` says which. The metadata also carries the trace id,
//! session id, categories, severity, note, intent, model and variant.

use serde_json::{Map, Value};

use super::export::TraceFacts;
use super::labels::Label;

/// Which tool's item shape a dataset takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatasetShape {
    Langfuse,
    LangSmith,
    Phoenix,
    Generic,
}

impl DatasetShape {
    /// The shape's name in the element API and file names (`langfuse`, `langsmith`, `phoenix`,
    /// `generic`).
    pub fn name(self) -> &'static str {
        match self {
            DatasetShape::Langfuse => "langfuse",
            DatasetShape::LangSmith => "langsmith",
            DatasetShape::Phoenix => "phoenix",
            DatasetShape::Generic => "generic",
        }
    }

    pub fn from_name(name: &str) -> Option<DatasetShape> {
        [DatasetShape::Langfuse, DatasetShape::LangSmith, DatasetShape::Phoenix, DatasetShape::Generic]
            .into_iter()
            .find(|shape| shape.name().eq_ignore_ascii_case(name))
    }
}

/// One item a line, in the order of `labels`; labels whose trace has no known input are left out.
pub fn dataset_jsonl(shape: DatasetShape, labels: &[&Label], facts: &dyn Fn(&str) -> Option<TraceFacts>) -> String {
    let mut text = String::new();
    for label in labels {
        let Some(facts) = facts(&label.trace_id) else { continue };
        let Some(input) = facts.input.clone() else { continue };
        let (expected, from) = match (&label.corrected_output, &facts.output) {
            (Some(corrected), _) => (Some(corrected.clone()), Some("correction")),
            (None, Some(output)) => (Some(output.clone()), Some("trace")),
            (None, None) => (None, None),
        };
        let metadata = Value::Object(metadata(label, &facts, from));
        let mut item = Map::new();
        match shape {
            DatasetShape::Langfuse => {
                item.insert("input".into(), input.into());
                item.insert("expectedOutput".into(), expected.into());
                item.insert("metadata".into(), metadata);
                item.insert("sourceTraceId".into(), label.trace_id.clone().into());
            }
            DatasetShape::LangSmith => {
                item.insert("inputs".into(), keyed("input", Some(input)));
                item.insert("outputs".into(), expected.map_or(Value::Null, |output| keyed("output", Some(output))));
                item.insert("metadata".into(), metadata);
            }
            DatasetShape::Phoenix => {
                item.insert("input".into(), keyed("input", Some(input)));
                item.insert("output".into(), keyed("output", expected));
                item.insert("metadata".into(), metadata);
            }
            DatasetShape::Generic => {
                item.insert("input".into(), input.into());
                item.insert("expected_output".into(), expected.into());
                item.insert("metadata".into(), metadata);
            }
        }
        text.push_str(&Value::Object(item).to_string());
        text.push('\n');
    }
    text
}

/// `{key: value}`, or `{}` without a value.
fn keyed(key: &str, value: Option<String>) -> Value {
    let mut object = Map::new();
    if let Some(value) = value {
        object.insert(key.into(), value.into());
    }
    Value::Object(object)
}

fn metadata(label: &Label, facts: &TraceFacts, expected_output_from: Option<&str>) -> Map<String, Value> {
    let mut metadata = Map::new();
    metadata.insert("trace_id".into(), label.trace_id.clone().into());
    metadata.insert("session_id".into(), facts.session_id.clone().into());
    metadata.insert("categories".into(), label.categories.clone().into());
    metadata.insert("severity".into(), label.severity.clone().into());
    metadata.insert("note".into(), label.note.clone().into());
    metadata.insert("intent".into(), facts.intent.clone().into());
    metadata.insert("model".into(), facts.model.clone().into());
    metadata.insert("variant".into(), facts.variant.clone().into());
    metadata.insert("expected_output_from".into(), expected_output_from.into());
    metadata
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_names() {
        for shape in [DatasetShape::Langfuse, DatasetShape::LangSmith, DatasetShape::Phoenix, DatasetShape::Generic] {
            assert_eq!(DatasetShape::from_name(shape.name()), Some(shape));
        }
        assert_eq!(DatasetShape::from_name("LangSmith"), Some(DatasetShape::LangSmith));
        assert_eq!(DatasetShape::from_name("csv"), None);
    }

    #[test]
    fn the_correction_wins_over_the_output_and_traces_without_input_are_left_out() {
        let corrected = Label {
            trace_id: "a".into(),
            corrected_output: Some("right".into()),
            categories: vec!["loop".into()],
            ..Label::default()
        };
        let plain = Label { trace_id: "b".into(), note: "n".into(), ..Label::default() };
        let no_input = Label { trace_id: "c".into(), note: "n".into(), ..Label::default() };
        let facts = |id: &str| {
            Some(TraceFacts {
                trace_id: id.into(),
                input: (id != "c").then(|| "q".to_string()),
                output: (id != "b").then(|| "wrong".to_string()),
                ..TraceFacts::default()
            })
        };
        let text = dataset_jsonl(DatasetShape::Generic, &[&corrected, &plain, &no_input], &facts);
        let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["expected_output"], "right");
        assert_eq!(lines[0]["metadata"]["expected_output_from"], "correction");
        assert_eq!(lines[1]["expected_output"], Value::Null);
        assert_eq!(lines[1]["metadata"]["expected_output_from"], Value::Null);
        let phoenix = dataset_jsonl(DatasetShape::Phoenix, &[&plain], &facts);
        assert!(phoenix.starts_with(r#"{"input":{"input":"q"},"output":{},"metadata":{"trace_id":"b""#));
    }
}
