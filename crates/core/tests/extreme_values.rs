//! Files that claim extreme numbers: they load, and every figure derived from them saturates
//! instead of wrapping (release builds) or panicking (debug builds, which these tests run in).

use trace_viewer_core::analysis::digest;
use trace_viewer_core::contract::LoadSummary;
use trace_viewer_core::import::import_text;
use trace_viewer_core::view::present::model_call_tokens;

/// Two model calls, each claiming 2^64 - 1 input and output tokens (no total given).
fn huge_token_counts() -> String {
    let span = |id: &str, parent: &str| {
        format!(
            r#"{{ "id": "{id}", "parent": "{parent}", "name": "{id}", "kind": "llm", "start": 1715678490000, "duration_ms": 5,
                 "tokens": {{ "input": 18446744073709551615, "output": 18446744073709551615 }} }}"#
        )
    };
    format!(
        r#"{{ "format": "trace-viewer/v1", "id": "huge", "spans": [
            {{ "id": "root", "name": "agent", "kind": "agent", "start": 1715678490000, "duration_ms": 10 }},
            {}, {} ] }}"#,
        span("first", "root"),
        span("second", "root")
    )
}

#[test]
fn token_sums_saturate_instead_of_wrapping_or_panicking() {
    let set = import_text(&huge_token_counts(), None).expect("the file loads");
    let trace = &set.traces[0];
    let call = trace.spans.iter().find(|span| span.name == "first").expect("the first call is there");
    let tokens = &call.ai.as_deref().expect("the call has AI details").tokens;
    assert_eq!(tokens.input, Some(u64::MAX), "the count is kept as the file gave it");
    assert_eq!(tokens.total_or_sum(), Some(u64::MAX), "one call's input + output");
    assert_eq!(digest(trace).model_tokens, u64::MAX, "the header's total over both calls");
    assert_eq!(model_call_tokens(trace), u64::MAX, "the trace list's total over both calls");
    let summary = LoadSummary::new(&set.format, set.traces.iter(), &set.warnings);
    assert_eq!(summary.span_count, 3);
}

/// An OTLP span whose file has a field the OTLP format does not define, named like a field of the
/// own format (`error`), plus one named `other_fields`.
const OTLP_SPAN_WITH_CLASHING_FIELDS: &str = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{
    "traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"lookup",
    "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
    "error":"boom","other_fields":{"nested":true}}]}]}]}"#;

#[test]
fn a_round_trip_through_the_own_format_keeps_what_a_span_means() {
    let set = import_text(OTLP_SPAN_WITH_CLASHING_FIELDS, None).expect("the file loads");
    let span = &set.traces[0].spans[0];
    assert!(!span.status.is_error(), "an unknown field named error is not a status");
    let keys: Vec<&str> = span.other_fields.iter().map(|field| field.key.as_str()).collect();
    assert_eq!(keys, ["error", "other_fields"], "both are kept as other fields");

    let exported = trace_viewer_core::export::to_own_format(&set).to_string();
    let again = import_text(&exported, None).expect("the export loads");
    let span_again = &again.traces[0].spans[0];
    assert_eq!(span_again.status, span.status, "the export reads back with the same status:\n{exported}");
    assert_eq!(span_again.other_fields, span.other_fields, "and the same other fields:\n{exported}");
}

/// Spans whose times no clock wrote: the largest 64-bit start, a start after 2262, a start of 1e30
/// (beyond 64 bits), and an end beyond what a time can hold.
const OTLP_SPANS_WITH_IMPOSSIBLE_TIMES: &str = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000001","name":"root",
     "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"},
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"max",
     "startTimeUnixNano":"18446744073709551615","endTimeUnixNano":"18446744073709551615"},
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000003","parentSpanId":"0000000000000001","name":"huge",
     "startTimeUnixNano":1e30,"endTimeUnixNano":1e30},
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000005","parentSpanId":"0000000000000001","name":"late",
     "startTimeUnixNano":"10000000000000000000","endTimeUnixNano":"10000000000000000000"},
    {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000004","parentSpanId":"0000000000000001","name":"long",
     "startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"18446744073709551615"}]}]}]}"#;

#[test]
fn impossible_times_load_with_a_warning_on_their_span() {
    let set = import_text(OTLP_SPANS_WITH_IMPOSSIBLE_TIMES, None).expect("the file loads");
    let trace = &set.traces[0];
    let warnings_of = |name: &str| -> Vec<String> {
        let span = trace.spans.iter().find(|span| span.name == name).expect("span is there");
        span.warnings.iter().map(|warning| warning.message.clone()).collect()
    };
    assert!(warnings_of("root").is_empty(), "{:?}", warnings_of("root"));
    assert!(
        warnings_of("max").iter().any(|message| message.contains("startTimeUnixNano is 2^64 - 1 ns")),
        "{:?}",
        warnings_of("max")
    );
    assert!(
        warnings_of("huge").iter().any(|message| message.contains("no readable startTimeUnixNano")),
        "{:?}",
        warnings_of("huge")
    );
    assert!(
        warnings_of("long").iter().any(|message| message.contains("ends after the year 2262")),
        "{:?}",
        warnings_of("long")
    );
    // The trace-level list names them too, and the header's figures stay finite.
    assert!(trace.warnings.len() >= 3);
    let _ = digest(trace);
}
