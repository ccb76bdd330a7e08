//! Every fixture imports with and without its file name into the same trace set, whose outline
//! matches the snapshot in tests/snapshots/. Set UPDATE_SNAPSHOTS=1 to rewrite snapshots.

use std::path::Path;

mod common;

use common::{fixtures, import_both_ways, repository};
use trace_viewer_core::import::import_text;
use trace_viewer_core::model::{outline, AttributeValue, SpanKind, SpanStatus, TraceSet};
use trace_viewer_core::properties::tree_lines;

fn check_snapshot(relative: &str, set: &TraceSet) {
    let snapshot_name = Path::new(relative).file_stem().and_then(|stem| stem.to_str()).unwrap_or("snapshot");
    let snapshot_path = repository().join("tests/snapshots").join(format!("{snapshot_name}.txt"));
    let actual = outline(set);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(snapshot_path.parent().unwrap()).unwrap();
        std::fs::write(&snapshot_path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snapshot_path).unwrap_or_else(|_| {
        panic!("no snapshot {}; run with UPDATE_SNAPSHOTS=1 and review it", snapshot_path.display())
    });
    assert_eq!(actual, expected, "{relative}: outline differs from {}", snapshot_path.display());
}

#[test]
fn every_fixture_imports_by_structure_and_matches_its_snapshot() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 34, "found only {fixtures:?}");
    for fixture in &fixtures {
        let set = import_both_ways(fixture);
        assert!(set.span_count() > 0, "{fixture}: no spans");
        check_snapshot(fixture, &set);
    }
}

#[test]
fn every_fixture_survives_a_round_trip_through_the_own_format() {
    for fixture in fixtures() {
        let set = import_both_ways(&fixture);
        let exported = trace_viewer_core::export::to_own_format(&set).to_string();
        let again = import_text(&exported, None).unwrap_or_else(|error| panic!("{fixture} re-import: {error}"));
        let (before, after) = (tree_lines(&set), tree_lines(&again));
        for (line_before, line_after) in before.iter().zip(&after) {
            assert_eq!(line_before, line_after, "{fixture}: first difference after a round trip");
        }
        assert_eq!(before.len(), after.len(), "{fixture}: line count after a round trip");
    }
}

#[test]
fn the_spec_example_keeps_every_field_and_reports_its_missing_parent() {
    let set = import_both_ways("tests/fixtures/otlp/otel-proto-example-trace.json");
    let trace = &set.traces[0];
    assert_eq!(trace.trace_id, "5b8efff798038103d269b633813fc60c", "uppercase hex is normalised");
    let span = &trace.spans[0];
    assert_eq!(span.span_id, "eee19b7ec3c1b174");
    assert_eq!(span.protocol_kind.as_deref(), Some("SERVER"));
    assert_eq!(span.start_ns, 1_544_712_660_000_000_000);
    assert_eq!(span.duration_ns, 1_000_000_000);
    assert_eq!(span.attributes[0].value, AttributeValue::String("some value".into()));
    assert_eq!(trace.resources[0].service_name(), Some("my.service"));
    let scope = &trace.scopes[span.scope.get().unwrap()];
    assert_eq!((scope.name.as_str(), scope.version.as_deref()), ("my.library", Some("1.0.0")));
    assert_eq!(scope.attributes[0].key, "my.scope.attribute");
    assert!(span.warnings[0].message.contains("\"eee19b7ec3c1b173\" is not in the file"));
}

#[test]
fn base64_ids_from_protobufs_json_printer_link_parents_and_children() {
    let set = import_both_ways("tests/fixtures/otlp/otel-python-genai-agent.json");
    assert_eq!(set.traces.len(), 1);
    let trace = &set.traces[0];
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
    assert_eq!(trace.trace_id.len(), 32);
    assert!(trace.trace_id.bytes().all(|byte| byte.is_ascii_hexdigit() && !byte.is_ascii_uppercase()));
    assert_eq!(trace.spans[0].name, "invoke_agent travel-planner");
    assert_eq!(trace.spans[0].kind, SpanKind::Agent);
    assert_eq!(trace.spans.iter().filter(|span| span.depth == 1).count(), 3);
    let tool = trace.spans.iter().find(|span| span.kind == SpanKind::Tool).expect("tool span");
    assert_eq!(tool.status, SpanStatus::Error { message: Some("flight API did not answer within 5 s".into()) });
    assert_eq!(tool.events[0].name, "exception");
    let retries = tool.attributes.iter().find(|attribute| attribute.key == "retry.counts").unwrap();
    assert_eq!(
        retries.value,
        AttributeValue::Array(vec![AttributeValue::Int(1), AttributeValue::Int(2), AttributeValue::Int(3)])
    );
    let answer = trace.spans.last().unwrap();
    assert_eq!(answer.links[0].span_id, trace.spans[0].span_id, "link ids are normalised like span ids");
    assert_eq!(trace.user_id.as_deref(), Some("u-1907"));
    assert_eq!(trace.session_id.as_deref(), Some("sess-41c2"));
    assert_eq!(trace.intent.as_deref(), Some("book_trip"));
}

#[test]
fn every_attribute_value_kind_survives() {
    let set = import_both_ways("tests/fixtures/otlp/jaeger-storage-otel-traces-4spans.json");
    let kinds: std::collections::BTreeSet<&str> = set
        .traces
        .iter()
        .flat_map(|trace| {
            trace.spans.iter().flat_map(|span| span.attributes.iter().map(|attribute| attribute.value.kind_name()))
        })
        .collect();
    for kind in ["string", "int", "bytes"] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
    let other: Vec<&str> = set
        .traces
        .iter()
        .flat_map(|trace| trace.spans.iter().flat_map(|span| span.other_fields.iter().map(|field| field.key.as_str())))
        .collect();
    assert!(other.contains(&"traceState") && other.contains(&"flags"), "unmodelled fields are kept: {other:?}");
}

#[test]
fn the_own_format_reports_every_repair_and_loses_no_span() {
    let set = import_both_ways("tests/fixtures/own/repairs.json");
    let trace = &set.traces[0];
    assert_eq!(trace.spans.len(), 9);
    let messages: Vec<String> = trace.warnings.iter().map(ToString::to_string).collect();
    let expect = |needle: &str| {
        assert!(messages.iter().any(|message| message.contains(needle)), "no warning with {needle:?} in {messages:#?}")
    };
    expect("spans[9] is not an object");
    expect("duplicate span id \"child\"");
    expect("span orphan: parent span \"gone\" is not in the file");
    expect("span no-times: no readable start");
    expect("span inverted: end or duration_ms is before start");
    expect("span odd-kind: unknown kind \"teleporter\"");
    expect("forms a cycle");
    assert_eq!(trace.other_fields[0].key, "team");
    let root = &trace.spans[trace.find_span("root").unwrap()];
    assert_eq!(root.other_fields[0].key, "owner");
    let exact = &trace.spans[trace.find_span("odd-kind").unwrap()];
    assert_eq!(exact.start_ns, 1_715_678_490_950_000_001, "start_ns keeps nanoseconds exactly");
}

#[test]
fn a_langsmith_patch_without_an_id_completes_its_run_by_dotted_order() {
    let set = import_both_ways("tests/fixtures/langsmith/langsmith-js-wrap-openai-reasoning-ingest.json");
    let trace = &set.traces[0];
    assert_eq!(trace.spans.len(), 1, "the patch joins the posted run instead of becoming a second one");
    assert_eq!(trace.spans[0].duration_ns, 10_439_000_000);
    let details = trace.spans[0].ai.as_deref().unwrap();
    assert_eq!(details.tokens.reasoning, Some(960));
    assert!(trace.warnings.is_empty(), "{:?}", trace.warnings);
}
