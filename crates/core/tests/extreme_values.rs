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
