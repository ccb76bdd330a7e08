//! The review exports against files written by hand: the labels export of three labels equals
//! `tests/fixtures/review/labels-export.jsonl` byte for byte and reads back into the same labels;
//! each dataset shape equals its fixture, written from that tool's documentation (sources in
//! `tests/fixtures/README.md`); every line of every export, and the starter taxonomy, validate
//! against the schemas in `www/`, which reject what they should.

mod schema_check;

use std::path::PathBuf;

use serde_json::{json, Value};
use trace_viewer_core::review::{
    dataset_jsonl, labels_jsonl, read_labels_jsonl, DatasetShape, Label, LabelStore, Taxonomy, TraceFacts,
};

fn repository_file(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn schema(name: &str) -> Value {
    serde_json::from_str(&repository_file(&format!("www/{name}"))).unwrap()
}

/// Three labels made through the store as a reviewer would: t-001 and t-002 are in the corpus,
/// t-003 is not (its facts are unknown).
fn reviewed() -> LabelStore {
    let taxonomy = Taxonomy::starter();
    let mut store = LabelStore::new();
    let at = "2026-12-07T10:15:00Z";
    store.toggle_category(&taxonomy, "t-001", "hallucination", "ana", at);
    store.set_severity("t-001", Some("high".into()), "ana", at);
    store.set_note("t-001", "Invented a 90-day refund window.", "ana", at);
    store.set_corrected_output("t-001", Some("Refunds are possible within 30 days of delivery.".into()), "ana", at);
    let at = "2026-12-07T10:16:30Z";
    store.toggle_category(&taxonomy, "t-002", "loop", "ana", at);
    store.toggle_category(&taxonomy, "t-002", "wrong_tool", "ana", at);
    store.toggle_category(&taxonomy, "t-002", "tool_error", "ana", at);
    store.undo();
    store.set_note("t-002", "Searched orders three times with the same query.", "ana", at);
    let at = "2026-12-07T11:20:00.5+01:00";
    store.set_note("t-003", "Not in this corpus; café ✓", "ben", at);
    store.set_severity("t-003", Some("low".into()), "ben", at);
    store.toggle_category(&taxonomy, "t-003", "other", "ben", at);
    store
}

fn facts(trace_id: &str) -> Option<TraceFacts> {
    match trace_id {
        "t-001" => Some(TraceFacts {
            trace_id: trace_id.into(),
            session_id: Some("s-1".into()),
            input: Some("Can I get a refund after 45 days?".into()),
            output: Some("Yes,\nwithin 90 days.".into()),
            intent: Some("refund".into()),
            model: Some("gpt-4o".into()),
            variant: Some("prompt-v2".into()),
            feedback: vec!["thumbs_down".into()],
            source_file: Some("support.jsonl".into()),
        }),
        "t-002" => Some(TraceFacts {
            trace_id: trace_id.into(),
            input: Some("Where is my order \"A-17\"?".into()),
            output: Some("Let me check that for you.".into()),
            model: Some("claude-sonnet-4".into()),
            source_file: Some("support.jsonl".into()),
            ..TraceFacts::default()
        }),
        _ => None,
    }
}

fn lines(text: &str) -> Vec<Value> {
    text.lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn the_labels_export_equals_its_fixture_and_reads_back_to_the_same_labels() {
    let store = reviewed();
    let labels: Vec<&Label> = store.labels().collect();
    let text = labels_jsonl(&labels, &facts);
    assert_eq!(text, repository_file("tests/fixtures/review/labels-export.jsonl"));
    let read = read_labels_jsonl(&text).unwrap();
    assert_eq!(read.iter().collect::<Vec<_>>(), labels);
    let again = LabelStore::from_labels(read);
    assert_eq!(labels_jsonl(&again.labels().collect::<Vec<_>>(), &facts), text);
    // Merging the export into the store it came from changes nothing.
    let mut merged = reviewed();
    let report = merged.merge(read_labels_jsonl(&text).unwrap());
    assert_eq!((report.added, report.unchanged, report.conflicts.len()), (0, 3, 0));
}

#[test]
fn every_dataset_shape_equals_the_fixture_written_from_its_documentation() {
    let store = reviewed();
    let labels: Vec<&Label> = store.labels().collect();
    for (shape, fixture) in [
        (DatasetShape::Langfuse, "langfuse-dataset-items.jsonl"),
        (DatasetShape::LangSmith, "langsmith-examples.jsonl"),
        (DatasetShape::Phoenix, "phoenix-examples.jsonl"),
        (DatasetShape::Generic, "generic-dataset.jsonl"),
    ] {
        let text = dataset_jsonl(shape, &labels, &facts);
        assert_eq!(text, repository_file(&format!("tests/fixtures/review/{fixture}")), "{shape:?}");
    }
}

#[test]
fn every_export_line_validates_against_its_schema() {
    let store = reviewed();
    let labels: Vec<&Label> = store.labels().collect();
    let labels_schema = schema("labels.schema.json");
    for line in lines(&labels_jsonl(&labels, &facts)) {
        assert_eq!(schema_check::errors(&labels_schema, &labels_schema, &line), Vec::<String>::new(), "{line}");
    }
    let datasets = schema("datasets.schema.json");
    for shape in [DatasetShape::Langfuse, DatasetShape::LangSmith, DatasetShape::Phoenix, DatasetShape::Generic] {
        // Also with a label whose trace has no output: the expected output is then null (or {}).
        let mut bare = Label { trace_id: "t-004".into(), note: "no answer".into(), ..Label::default() };
        bare.time = "2026-12-07T12:00:00Z".into();
        let with_bare = |id: &str| {
            facts(id).or_else(|| {
                (id == "t-004").then(|| TraceFacts {
                    trace_id: id.into(),
                    input: Some("hi".into()),
                    ..Default::default()
                })
            })
        };
        let mut all = labels.clone();
        all.push(&bare);
        let text = dataset_jsonl(shape, &all, &with_bare);
        assert_eq!(text.lines().count(), 3, "{shape:?}: t-003 has no input");
        let own = json!({ "$ref": format!("#/$defs/{}", shape.name()) });
        for line in lines(&text) {
            assert_eq!(schema_check::errors(&datasets, &own, &line), Vec::<String>::new(), "{shape:?} {line}");
            assert_eq!(schema_check::errors(&datasets, &datasets, &line), Vec::<String>::new(), "{shape:?} {line}");
        }
    }
    let taxonomy_schema = schema("taxonomy.schema.json");
    let starter: Value = serde_json::from_str(&Taxonomy::starter().to_json()).unwrap();
    assert_eq!(schema_check::errors(&taxonomy_schema, &taxonomy_schema, &starter), Vec::<String>::new());
}

#[test]
fn the_schemas_reject_what_the_readers_reject() {
    let labels_schema = schema("labels.schema.json");
    let mut line = lines(&labels_jsonl(&reviewed().labels().collect::<Vec<_>>(), &facts)).remove(0);
    line.as_object_mut().unwrap().remove("trace_id");
    assert_eq!(schema_check::errors(&labels_schema, &labels_schema, &line), ["$: missing trace_id"]);
    line["trace_id"] = json!("t-001");
    line["categories"] = json!("loop");
    assert!(!schema_check::errors(&labels_schema, &labels_schema, &line).is_empty());

    let taxonomy_schema = schema("taxonomy.schema.json");
    let bad = json!({"categories": [{"name": "A", "hotkey": 12}, {"id": "b"}]});
    assert_eq!(
        schema_check::errors(&taxonomy_schema, &taxonomy_schema, &bad),
        ["$.categories[0].hotkey: 12 is beyond the maximum 9", "$.categories[1]: missing name"]
    );
    assert!(Taxonomy::from_json(&bad.to_string()).is_err());

    let datasets = schema("datasets.schema.json");
    let mixed = json!({"input": "q", "expectedOutput": "a", "expected_output": "a", "metadata": {}});
    assert_eq!(schema_check::errors(&datasets, &datasets, &mixed), ["$: 0 of the oneOf schemas match"]);
}

/// The starter taxonomy as a file (`UPDATE_SNAPSHOTS=1` rewrites it after a deliberate change):
/// what a team starts from, and a taxonomy file the page's tests can import.
#[test]
fn the_starter_taxonomy_file_is_the_starter_set() {
    let relative = "tests/fixtures/review/taxonomy-starter.json";
    let text = Taxonomy::starter().to_json();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative), &text).unwrap();
    }
    assert_eq!(repository_file(relative), text);
    assert_eq!(Taxonomy::from_json(&text).unwrap(), Taxonomy::starter());
}
