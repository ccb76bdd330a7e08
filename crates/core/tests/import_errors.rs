//! Bad input never panics or hangs: it gets an error that says where and what.

use trace_viewer_core::import::{import_buffers, import_text, ImportError};

#[test]
fn malformed_json_names_line_and_column() {
    let error = import_text("{\n  \"resourceSpans\": [\n    {,\n  ]\n}", Some("broken.json")).unwrap_err();
    assert_eq!(error, ImportError::MalformedJson { line: 3, column: 6, reason: "key must be a string".into() });
    assert_eq!(error.to_string(), "The file is not valid JSON: key must be a string at line 3, column 6.");
}

#[test]
fn unknown_structure_lists_the_formats_tried() {
    let message = import_text(r#"{"hello": "world"}"#, None).unwrap_err().to_string();
    assert!(message.contains("found an object with keys hello"), "{message}");
    assert!(message.contains("trace-viewer's own format") && message.contains("OTLP/JSON"), "{message}");
}

#[test]
fn empty_and_whitespace_files_say_so() {
    assert_eq!(import_text("", None), Err(ImportError::Empty));
    assert_eq!(import_text(" \n\t", None), Err(ImportError::Empty));
}

#[test]
fn nesting_a_hundred_thousand_deep_is_read_without_recursing() {
    // Valid JSON that `JSON.parse` reads: it is read too (deep values folded into text), then
    // refused for what it is, an array that is no trace, not for its depth.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    match import_text(&deep, None) {
        Err(ImportError::UnknownFormat { found, .. }) => assert_eq!(found, "an array of 1 items"),
        other => panic!("expected an unknown-format refusal, got {other:?}"),
    }
}

#[test]
fn a_fifty_megabyte_string_attribute_imports_intact() {
    let big = "x".repeat(50 * 1024 * 1024);
    let text = format!(
        r#"{{"format":"trace-viewer/v1","spans":[{{"id":"a","name":"big","start":0,"end":1,"attributes":{{"blob":"{big}"}}}}]}}"#
    );
    let set = import_text(&text, None).expect("imports");
    assert_eq!(set.traces[0].spans[0].attributes[0].value.as_str().map(str::len), Some(big.len()));
}

#[test]
fn wrong_types_in_a_known_format_are_reported_with_a_path() {
    let error = import_text(r#"{"format":"trace-viewer/v1","traces":[{"spans":{}}]}"#, None).unwrap_err();
    assert_eq!(error.to_string(), "$.traces[0].spans: expected an array of spans");
}

#[test]
fn an_otlp_span_with_garbage_fields_still_loads_with_warnings() {
    let text = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
        {"traceId":"not-hex","spanId":"","name":42,"startTimeUnixNano":"soon","endTimeUnixNano":true,"attributes":"nope","kind":"weird"}
    ]}]}]}"#;
    let set = import_text(text, None).expect("loads");
    let span = &set.traces[0].spans[0];
    assert_eq!(span.span_id, "missing-id-1");
    assert!(span.warnings.iter().all(|warning| warning.span_id.as_deref() == Some("missing-id-1")));
    let messages: Vec<&str> = span.warnings.iter().map(|warning| warning.message.as_str()).collect();
    assert!(messages.iter().any(|message| message.contains("traceId \"not-hex\"")), "{messages:?}");
    assert!(
        messages.iter().any(|message| message.contains("no readable startTimeUnixNano; placed at the start")),
        "{messages:?}"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_skipped_with_a_warning_when_another_one_loads() {
    let good = br#"{"format":"trace-viewer/v1","spans":[{"id":"a","name":"root","start":0,"duration_ms":1}]}"#;
    let bad = b"{\"spans\": \"\xff\xfe\"}";
    let set = import_buffers(&[(Some("good.json"), good.as_slice()), (Some("bad.json"), bad.as_slice())]).unwrap();
    assert_eq!(set.span_count(), 1);
    assert_eq!(set.warnings.len(), 1);
    assert!(set.warnings[0].message.starts_with("bad.json was skipped: "), "{}", set.warnings[0]);
    assert!(set.warnings[0].message.contains("line 1"), "{}", set.warnings[0]);
    let alone = import_buffers(&[(Some("bad.json"), bad.as_slice())]).unwrap_err();
    assert_eq!(alone, ImportError::NotUtf8 { line: 1, column: 12 });
    let both_bad = import_buffers(&[(Some("a"), bad.as_slice()), (Some("b"), bad.as_slice())]).unwrap_err();
    assert_eq!(both_bad, ImportError::NotUtf8 { line: 1, column: 12 });
}

/// The example trace in UTF-16, as Windows tools save it.
fn utf16(text: &str, big_endian: bool, mark: bool) -> Vec<u8> {
    let units = mark.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    units.flat_map(|unit| if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() }).collect()
}

#[test]
fn utf16_files_import_like_their_utf8_text() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/examples/refund-agent.json");
    let text = std::fs::read_to_string(example).expect("the bundled example");
    let expected = trace_viewer_core::import::import_text(&text, None).expect("the UTF-8 text imports");
    for big_endian in [false, true] {
        for mark in [true, false] {
            let bytes = utf16(&text, big_endian, mark);
            let set = trace_viewer_core::import::import_bytes(&bytes, None)
                .unwrap_or_else(|error| panic!("UTF-16 (big endian {big_endian}, mark {mark}): {error}"));
            assert_eq!(set, expected, "big endian {big_endian}, mark {mark}");
        }
    }
}

#[test]
fn a_broken_utf16_file_says_where() {
    let mut bytes = utf16("{\n  \"a\": \"", false, true);
    bytes.extend(0xDC00u16.to_le_bytes());
    bytes.extend(utf16("\"}", false, false));
    let error = trace_viewer_core::import::import_bytes(&bytes, None).expect_err("an unpaired surrogate");
    assert_eq!(error.to_string(), "The file is UTF-16 text with a broken character (an unpaired surrogate, or a last odd byte) at line 2, column 9.");
}

/// The formats the viewer reads, as the refusal lists them: a bullet per line.
fn bullets(message: &str) -> Vec<&str> {
    message.lines().filter_map(|line| line.strip_prefix("- ")).collect()
}

#[test]
fn a_csv_or_an_html_page_is_named_for_what_it_is_with_the_formats_read_as_a_list() {
    let csv = import_text("trace_id,span_id,name,duration_ms\n4bf9,00f0,llm,120\n", Some("export.csv")).unwrap_err();
    let message = csv.to_string();
    assert!(message.starts_with("This looks like a CSV file (a table), not a trace."), "{message}");
    assert!(!message.contains("expected"), "no parser wording: {message}");
    let formats = bullets(&message);
    assert_eq!(formats.len(), 8, "{message}");
    assert!(
        formats.iter().any(|format| format.contains("OTLP/JSON"))
            && formats.iter().any(|format| format.contains("Langfuse"))
    );
    let html = import_text("\n<!DOCTYPE html>\n<html><head><title>Sign in</title></head></html>", None).unwrap_err();
    assert!(html.to_string().starts_with("This looks like an HTML page, not a trace."), "{html}");
    let text = import_text("hello, world", None).unwrap_err();
    assert!(text.to_string().starts_with("This looks like a CSV file"), "{text}");
    let prose = import_text("Dear team\nthe trace is attached", None).unwrap_err();
    assert!(prose.to_string().starts_with("The file is not JSON: it starts with “Dear team”."), "{prose}");
}

#[test]
fn json_that_stops_in_the_middle_is_called_cut_off_with_where_it_stops() {
    let whole = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/otlp/otel-js-rag-chatbot.json"
    ))
    .unwrap();
    let cut = &whole[..whole.len() / 3];
    let line = cut.matches('\n').count() + 1;
    let error = import_text(cut, Some("download.json")).unwrap_err();
    assert!(matches!(error, ImportError::CutOff { line: at, .. } if at == line), "{error:?}");
    assert!(
        error.to_string().starts_with(&format!("The file looks cut off: its JSON stops in the middle, at line {line}")),
        "{error}"
    );
    // A mistake inside is not a cut: serde_json's reason and place stay.
    assert!(matches!(import_text("{\"resourceSpans\": [}", None), Err(ImportError::MalformedJson { .. })));
}

#[test]
fn a_file_of_logs_only_says_so_and_asks_for_the_trace_file_beside_it() {
    let both = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/otlp/otel-python-genai-with-logs.jsonl"
    ))
    .unwrap();
    let logs = both.lines().find(|line| line.starts_with("{\"resourceLogs\"")).unwrap();
    let records = logs.matches("\"timeUnixNano\"").count();
    assert!(records > 0);
    let error = import_text(logs, Some("logs.json")).unwrap_err();
    assert_eq!(error, ImportError::OnlyLogs { records });
    let message = error.to_string();
    assert!(message.starts_with(&format!("This file holds only logs ({records} log records), no spans.")), "{message}");
    assert!(message.contains("open the trace file beside it together with this one"), "{message}");
}
