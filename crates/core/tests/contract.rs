//! The element's typed contract is defined once, as serde types (`trace_viewer_core::contract`);
//! `www/trace-viewer.d.ts` declares the same shapes for TypeScript hosts. This test fails when a
//! field is added, renamed or removed on one side only.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Serialize;
use trace_viewer_core::contract::{LoadErrorDetail, LoadSummary, SpanSelectDetail, TraceSelectDetail, TraceSummary};
use trace_viewer_core::import::import_text;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The field names of `export interface <name> { ... }` in the declaration file (only its own
/// fields: members of nested object types are skipped by depth).
fn declared_fields(declarations: &str, name: &str) -> BTreeSet<String> {
    let opening = format!("export interface {name} ");
    let start = declarations.find(&opening).unwrap_or_else(|| panic!("trace-viewer.d.ts declares no interface {name}"));
    let body = &declarations[start..];
    let mut fields = BTreeSet::new();
    let mut depth = 0;
    for line in body.lines() {
        let trimmed = line.trim();
        if depth == 1 && !trimmed.starts_with("/**") && !trimmed.starts_with('*') {
            if let Some((field, _)) = trimmed.split_once(':') {
                fields.insert(field.trim_end_matches('?').trim_matches('\'').to_string());
            }
        }
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        if depth == 0 && line.contains('}') {
            break;
        }
    }
    fields
}

/// The field names serde writes for `value` (every optional field filled in the samples below).
fn serialized_fields(value: &impl Serialize) -> BTreeSet<String> {
    match serde_json::to_value(value).expect("serialisable") {
        serde_json::Value::Object(map) => map.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

#[test]
fn the_declarations_and_the_serde_types_name_the_same_fields() {
    let declarations = std::fs::read_to_string(repository().join("www/trace-viewer.d.ts")).unwrap();
    let example = std::fs::read_to_string(repository().join("www/examples/refund-agent.json")).unwrap();
    let set = import_text(&example, None).unwrap();
    let summary = LoadSummary::new(&set.format, set.traces.iter(), &set.warnings);
    let samples: Vec<(&str, BTreeSet<String>)> = vec![
        ("TraceLoadSummary", serialized_fields(&summary)),
        ("TraceSummary", serialized_fields(&TraceSummary::new(&set.traces[0]))),
        (
            "SpanSelectDetail",
            serialized_fields(&SpanSelectDetail { trace_id: "t".into(), span_id: "s".into(), name: "n".into() }),
        ),
        ("TraceSelectDetail", serialized_fields(&TraceSelectDetail { trace_index: 0 })),
        (
            "QueryResult",
            serialized_fields(&trace_viewer_core::corpus::QueryAnswer { count: 1, trace_ids: vec!["t".into()] }),
        ),
        (
            "BubbleUpValue",
            serialized_fields(&trace_viewer_core::corpus::bubble_up::BubbleUpValue {
                field: "f".into(),
                value: "v".into(),
                selection: 0.5,
                baseline: 0.25,
                score: 0.25,
            }),
        ),
        (
            "Comparison",
            serialized_fields(&trace_viewer_core::corpus::compare::Comparison { a: 1, b: 2, measures: Vec::new() }),
        ),
        (
            "ComparedMeasure",
            serialized_fields(&trace_viewer_core::corpus::compare::ComparedMeasure {
                measure: "fail_rate".into(),
                a: Some(0.1),
                b: Some(0.2),
                delta: Some(0.1),
                low: Some(0.05),
                high: Some(0.15),
            }),
        ),
        (
            "CorpusFileReport",
            serialized_fields(&trace_viewer_core::corpus::FileReport {
                name: "f".into(),
                bytes: 1,
                traces: 1,
                formats: Vec::new(),
                warnings: Vec::new(),
                warnings_left_out: 0,
            }),
        ),
        (
            "TraceCloseDetail",
            serialized_fields(&trace_viewer_core::contract::TraceCloseDetail { trace_id: "t".into() }),
        ),
        (
            "CompareDetail",
            serialized_fields(&trace_viewer_core::contract::CompareDetail {
                trace_id_a: "a".into(),
                trace_id_b: "b".into(),
            }),
        ),
        ("LoadErrorDetail", serialized_fields(&LoadErrorDetail { message: "m".into(), source: Some("s".into()) })),
        (
            "LabelChangeDetail",
            serialized_fields(&trace_viewer_core::contract::LabelChangeDetail { trace_id: "t", label: None }),
        ),
        (
            "TraceLabel",
            serialized_fields(&trace_viewer_core::review::Label {
                trace_id: "t".into(),
                categories: vec!["tool_error".into()],
                severity: Some("high".into()),
                note: "n".into(),
                corrected_output: Some("c".into()),
                labeller: "l".into(),
                time: "2026-01-01T00:00:00.000Z".into(),
            }),
        ),
    ];
    for (interface, rust_fields) in samples {
        assert_eq!(
            declared_fields(&declarations, interface),
            rust_fields,
            "www/trace-viewer.d.ts's {interface} and crates/core/src/contract.rs disagree"
        );
    }
}

#[test]
fn the_field_reader_sees_a_field_added_to_the_declarations() {
    let declarations = "export interface Shape {\n  /** doc: with a colon */\n  a: string;\n  nested: Array<{\n    inner: number;\n  }>;\n  b?: number;\n}\n";
    let fields: Vec<String> = declared_fields(declarations, "Shape").into_iter().collect();
    assert_eq!(fields, ["a", "b", "nested"]);
}
