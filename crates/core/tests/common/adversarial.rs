//! The adversarial corpus: files built to break an importer (huge, deep, cyclic, mis-encoded,
//! cut off, numbers out of range, every format), each with the outcome the viewer owes it:
//! loaded (with how many spans and which warning) or refused (with which words). Generated here,
//! not committed; the native test imports every case, and the same cases are written to
//! `target/adversarial/` for the browser test, which loads them in the page.

use serde_json::{json, Value};

/// What loading a case must do.
pub enum Expect {
    /// It loads with this many spans, and (when given) some warning contains these words.
    Loaded { spans: usize, warning: Option<&'static str> },
    /// It is refused, and the message contains these words.
    Refused { words: &'static str },
}

pub struct Case {
    /// Also the file's name (with the extension the browser test gives it).
    pub name: String,
    pub bytes: Vec<u8>,
    pub expect: Expect,
}

impl Case {
    /// The case as the browser test's manifest lists it.
    pub fn manifest_entry(&self) -> Value {
        match &self.expect {
            Expect::Loaded { spans, warning } => {
                json!({ "file": self.name, "loaded": { "spans": spans, "warning": warning } })
            }
            Expect::Refused { words } => json!({ "file": self.name, "refused": words }),
        }
    }
}

fn loaded(spans: usize, warning: Option<&'static str>) -> Expect {
    Expect::Loaded { spans, warning }
}

fn refused(words: &'static str) -> Expect {
    Expect::Refused { words }
}

fn case(name: &str, bytes: impl Into<Vec<u8>>, expect: Expect) -> Case {
    Case { name: name.to_string(), bytes: bytes.into(), expect }
}

const START_MS: u64 = 1_715_678_490_000;

/// An own-format span with the given fields added.
fn own_span(id: &str, parent: Option<&str>, extra: Value) -> Value {
    let mut span = json!({ "id": id, "name": id, "kind": "chain", "start": START_MS, "duration_ms": 5 });
    if let Some(parent) = parent {
        span["parent"] = json!(parent);
    }
    if let Value::Object(fields) = extra {
        span.as_object_mut().unwrap().extend(fields);
    }
    span
}

fn own_file(spans: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({ "format": "trace-viewer/v1", "id": "adversarial", "spans": spans })).unwrap()
}

/// One OTLP request with the given spans (trace id filled in).
fn otlp_file(spans: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({ "resourceSpans": [{
        "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "adversary" } }] },
        "scopeSpans": [{ "scope": { "name": "adversarial" }, "spans": spans }]
    }]}))
    .unwrap()
}

fn otlp_span(span_id: &str, parent: &str, start_ns: Value, end_ns: Value, extra: Value) -> Value {
    let mut span = json!({
        "traceId": "5b8efff798038103d269b633813fc60c", "spanId": span_id, "parentSpanId": parent,
        "name": format!("span {span_id}"), "kind": 1, "startTimeUnixNano": start_ns, "endTimeUnixNano": end_ns,
    });
    if let Value::Object(fields) = extra {
        span.as_object_mut().unwrap().extend(fields);
    }
    span
}

fn otlp_simple(span_id: &str, parent: &str) -> Value {
    otlp_span(span_id, parent, json!("1715678490000000000"), json!("1715678491000000000"), json!({}))
}

/// A span id of 16 hex digits from a number.
fn hex_id(number: usize) -> String {
    format!("{number:016x}")
}

fn nested_arrays(depth: usize) -> String {
    format!("{}\"bottom\"{}", "[".repeat(depth), "]".repeat(depth))
}

/// Every case. Sizes follow the reliability issue: 50 MB in one string, 100,000 attributes,
/// events and children, a 200,000-deep chain.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(size_cases());
    cases.extend(structure_cases());
    cases.extend(time_and_number_cases());
    cases.extend(encoding_cases());
    cases.extend(syntax_cases());
    cases.extend(depth_cases());
    cases.extend(format_cases());
    cases
}

fn size_cases() -> Vec<Case> {
    let big_string = "x".repeat(50 << 20);
    let many_attributes: serde_json::Map<String, Value> =
        (0..100_000).map(|index| (format!("attribute.{index}"), json!(index))).collect();
    let many_events: Vec<Value> = (0..100_000)
        .map(|index| json!({ "name": format!("event {index}"), "time": START_MS + index as u64 }))
        .collect();
    let mut children = vec![own_span("root", None, json!({}))];
    children.extend((0..100_000).map(|index| own_span(&format!("c{index}"), Some("root"), json!({}))));
    let mut chain = vec![own_span("n0", None, json!({}))];
    chain.extend((1..200_000).map(|index| own_span(&format!("n{index}"), Some(&format!("n{}", index - 1)), json!({}))));
    let long_name = "n".repeat(1 << 20);
    let many_links: Vec<Value> = (0..100_000)
        .map(|index| json!({ "traceId": "5b8efff798038103d269b633813fc60c", "spanId": hex_id(index) }))
        .collect();
    vec![
        case(
            "string-of-50-mb.json",
            own_file(vec![own_span("root", None, json!({ "input": big_string }))]),
            loaded(1, None),
        ),
        case(
            "100k-attributes.json",
            own_file(vec![own_span("root", None, json!({ "attributes": many_attributes }))]),
            loaded(1, None),
        ),
        case(
            "100k-events.json",
            own_file(vec![own_span("root", None, json!({ "events": many_events }))]),
            loaded(1, None),
        ),
        case("100k-children.json", own_file(children), loaded(100_001, None)),
        case("200k-deep-chain.json", own_file(chain), loaded(200_000, None)),
        case("name-of-1-mb.json", own_file(vec![own_span(&long_name, None, json!({}))]), loaded(1, None)),
        case(
            "100k-links.json",
            otlp_file(vec![otlp_span(
                &hex_id(1),
                "",
                json!("1715678490000000000"),
                json!("1715678491000000000"),
                json!({ "links": many_links }),
            )]),
            loaded(1, None),
        ),
    ]
}

fn structure_cases() -> Vec<Case> {
    vec![
        case(
            "duplicate-ids.json",
            own_file(vec![
                own_span("a", None, json!({})),
                own_span("b", Some("a"), json!({})),
                own_span("b", Some("a"), json!({})),
            ]),
            loaded(3, Some("duplicate")),
        ),
        case(
            "parent-cycle.json",
            own_file(vec![own_span("x", Some("y"), json!({})), own_span("y", Some("x"), json!({}))]),
            loaded(2, Some("cycle")),
        ),
        case(
            "self-parent.json",
            own_file(vec![own_span("me", Some("me"), json!({}))]),
            loaded(1, Some("itself as its parent")),
        ),
        case(
            "orphans.json",
            own_file(vec![own_span("a", Some("missing"), json!({})), own_span("b", Some("also missing"), json!({}))]),
            loaded(2, Some("missing")),
        ),
        case("empty-span-id.json", own_file(vec![own_span("", None, json!({}))]), loaded(1, None)),
        case("no-spans.json", own_file(vec![]), refused("no spans")),
        case("spans-not-objects.json", own_file(vec![json!("text"), json!(42), json!(null)]), refused("no spans")),
        case(
            "proto-keys.json",
            own_file(vec![own_span(
                "__proto__",
                None,
                json!({ "attributes": { "__proto__": { "polluted": true }, "constructor": "x" } }),
            )]),
            loaded(1, None),
        ),
        case(
            "control-characters.json",
            own_file(vec![own_span(
                "nul\u{0}bell\u{7}rtl\u{202e}zero\u{200b}",
                None,
                json!({ "input": "\u{0}\u{1b}[31m" }),
            )]),
            loaded(1, None),
        ),
    ]
}

fn time_and_number_cases() -> Vec<Case> {
    let otlp_times = |name: &str, start: Value, end: Value, expect: Expect| {
        case(name, otlp_file(vec![otlp_span(&hex_id(1), "", start, end, json!({}))]), expect)
    };
    let own_times =
        |name: &str, fields: Value, expect: Expect| case(name, own_file(vec![own_span("s", None, fields)]), expect);
    vec![
        otlp_times("end-before-start.json", json!("1715678491000000000"), json!("1715678490000000000"), loaded(1, Some("before"))),
        otlp_times("times-of-zero.json", json!("0"), json!("0"), loaded(1, None)),
        otlp_times("negative-times.json", json!("-5"), json!("-1"), loaded(1, Some("startTimeUnixNano \"-5\" is not a time in nanoseconds"))),
        otlp_times("start-2-pow-64-minus-1.json", json!("18446744073709551615"), json!("18446744073709551615"), loaded(1, Some("start"))),
        otlp_times(
            "times-beyond-u64.json",
            json!("99999999999999999999999"),
            json!("1e30"),
            loaded(1, Some("endTimeUnixNano \"1e30\" is not a time in nanoseconds this viewer can hold; kept as an other field")),
        ),
        own_times("start-beyond-year-9999.json", json!({ "start": 1e17, "duration_ms": 1 }), loaded(1, Some("start 1e+17 is not a time this viewer can hold; kept as an other field"))),
        own_times("start-1e30.json", json!({ "start": 1e30 }), loaded(1, Some("start 1e+30 is not a time"))),
        own_times("start-as-text.json", json!({ "start": "yesterday", "duration_ms": 1 }), loaded(1, Some("start \"yesterday\" is not a time"))),
        own_times("duration-nan-text.json", json!({ "duration_ms": "NaN" }), loaded(1, Some("duration_ms \"NaN\" is not a duration"))),
        own_times(
            "tokens-2-pow-64-minus-1.json",
            json!({ "kind": "llm", "tokens": { "input": u64::MAX, "output": u64::MAX } }),
            loaded(1, None),
        ),
        own_times(
            "tokens-negative.json",
            json!({ "kind": "llm", "tokens": { "input": -5, "output": 1e300 } }),
            loaded(1, Some("tokens.input -5 is not a count of tokens this viewer can hold; kept as an other field")),
        ),
        own_times("cost-1e308.json", json!({ "kind": "llm", "cost_usd": 1e308 }), loaded(1, None)),
        case(
            "number-1e999.json",
            br#"{"format":"trace-viewer/v1","id":"t","spans":[{"id":"s","name":"s","start":1715678490000,"duration_ms":1e999}]}"#.to_vec(),
            refused("number out of range"),
        ),
        case(
            "jaeger-huge-duration.json",
            serde_json::to_vec(&json!({ "data": [{ "traceID": "t1", "spans": [{
                "traceID": "t1", "spanID": "s1", "operationName": "op", "references": [],
                "startTime": 1715678490000000u64, "duration": u64::MAX, "tags": [], "logs": [], "processID": "p1"
            }], "processes": { "p1": { "serviceName": "svc", "tags": [] } } }] }))
            .unwrap(),
            loaded(1, None),
        ),
    ]
}

fn encoding_cases() -> Vec<Case> {
    let valid = own_file(vec![own_span("encoded", None, json!({ "input": "naïve ☃" }))]);
    let text = String::from_utf8(valid.clone()).unwrap();
    let utf16 = |big_endian: bool, bom: bool| {
        let mut bytes: Vec<u8> = Vec::new();
        let units: Vec<u16> = (if bom { "\u{feff}" } else { "" }).encode_utf16().chain(text.encode_utf16()).collect();
        for unit in units {
            bytes.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        bytes
    };
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend(&valid);
    let mut invalid_utf8 = valid.clone();
    let position = invalid_utf8.iter().position(|&byte| byte == b'e').unwrap();
    invalid_utf8.insert(position, 0xFF);
    let mut binary = b"\x89PNG\r\n\x1a\n".to_vec();
    binary.extend((0..4096u32).map(|index| (index * 7919 % 251) as u8));
    vec![
        case("utf8-bom.json", with_bom, loaded(1, None)),
        case("utf16-le-bom.json", utf16(false, true), loaded(1, None)),
        case("utf16-be-bom.json", utf16(true, true), loaded(1, None)),
        case("utf16-le-no-bom.json", utf16(false, false), loaded(1, None)),
        case("invalid-utf8.json", invalid_utf8, refused("UTF-8")),
        case("binary.json", binary, refused("UTF-8")),
        case("lone-surrogate-escape.json", own_file_text(r#""input":"\ud800 alone""#), loaded(1, None)),
        case("nul-bytes-raw.json", b"\0\0\0\0".to_vec(), refused("not JSON: it does not start with text")),
    ]
}

/// An own-format file with one span carrying `fields` written as raw JSON text.
fn own_file_text(fields: &str) -> Vec<u8> {
    format!(
        r#"{{"format":"trace-viewer/v1","id":"t","spans":[{{"id":"s","name":"s","start":{START_MS},"duration_ms":1,{fields}}}]}}"#
    )
    .into_bytes()
}

fn syntax_cases() -> Vec<Case> {
    let valid =
        String::from_utf8(own_file(vec![own_span("a", None, json!({})), own_span("b", Some("a"), json!({}))])).unwrap();
    let line = |id: &str| String::from_utf8(own_file(vec![own_span(id, None, json!({}))])).unwrap();
    vec![
        case("empty.json", Vec::new(), refused("empty")),
        case("whitespace-only.json", b" \n\t\r\n ".to_vec(), refused("empty")),
        case("truncated.json", valid.as_bytes()[..valid.len() / 2].to_vec(), refused("looks cut off")),
        case(
            "cut-inside-string.json",
            valid.as_bytes()[..valid.find("\"b\"").unwrap() + 2].to_vec(),
            refused("looks cut off"),
        ),
        case("trailing-comma.json", valid.replacen("}]}", "},]}", 1).into_bytes(), refused("line 1")),
        case(
            "comments.json",
            format!("// exported trace\n{valid}").into_bytes(),
            refused("not JSON: it starts with “// exported trace”"),
        ),
        case("single-quotes.json", b"{'format':'trace-viewer/v1'}".to_vec(), refused("line 1")),
        case("scalar.json", b"42".to_vec(), refused("not a trace")),
        case("null.json", b"null".to_vec(), refused("not a trace")),
        case("empty-object.json", b"{}".to_vec(), refused("not a trace")),
        case("empty-array.json", b"[]".to_vec(), refused("not a trace")),
        case(
            "mixed-good-and-bad-lines.jsonl",
            format!("{}\n{{\"broken\": \n{}\nnot json at all\n", line("first"), line("second")).into_bytes(),
            loaded(2, Some("line 2 was skipped")),
        ),
        case(
            "all-bad-lines.jsonl",
            b"{\"a\":\n[1,\n".to_vec(),
            refused("looks cut off: its JSON stops in the middle, at line 3."),
        ),
        case(
            "concatenated-documents.json",
            format!("{}\n\n{}", line("one"), line("two")).into_bytes(),
            loaded(2, None),
        ),
        case("duplicate-keys.json", own_file_text(r#""name":"first","name":"second""#), loaded(1, None)),
        case("unknown-format.json", b"{\"hello\": \"world\", \"items\": [1, 2, 3]}".to_vec(), refused("not a trace")),
    ]
}

fn depth_cases() -> Vec<Case> {
    let deep_value = |depth: usize| own_file_text(&format!("\"input\":{}", nested_arrays(depth)));
    let deep_attribute = otlp_file(vec![otlp_span(
        &hex_id(1),
        "",
        json!("1715678490000000000"),
        json!("1715678491000000000"),
        json!({ "attributes": [{ "key": "deep", "value": { "stringValue": "placeholder" } }] }),
    )]);
    let deep_attribute = String::from_utf8(deep_attribute).unwrap().replace(
        r#"{"stringValue":"placeholder"}"#,
        &format!(
            "{}{{\"stringValue\":\"bottom\"}}{}",
            "{\"arrayValue\":{\"values\":[".repeat(3_000),
            "]}}".repeat(3_000)
        ),
    );
    let mut run = json!({ "id": "run-0", "name": "run 0", "run_type": "chain", "start_time": "2024-05-14T09:21:30Z", "end_time": "2024-05-14T09:21:31Z" });
    for level in 1..40 {
        run = json!({ "id": format!("run-{level}"), "name": format!("run {level}"), "run_type": "chain",
            "start_time": "2024-05-14T09:21:30Z", "end_time": "2024-05-14T09:21:31Z", "child_runs": [run] });
    }
    let jsonl_deep = format!(
        "{}\n{}\n",
        String::from_utf8(own_file(vec![own_span("plain", None, json!({}))])).unwrap(),
        String::from_utf8(deep_value(10_000)).unwrap()
    );
    vec![
        case("nested-200-levels.json", deep_value(200), loaded(1, Some("deeper than 100 levels"))),
        case("nested-100k-levels.json", deep_value(100_000), loaded(1, Some("deeper than 100 levels"))),
        case("otlp-attribute-9k-levels.json", deep_attribute.into_bytes(), loaded(1, Some("deeper than 100 levels"))),
        case("langsmith-40-nested-runs.json", serde_json::to_vec(&run).unwrap(), loaded(40, None)),
        case("jsonl-with-deep-line.jsonl", jsonl_deep.into_bytes(), loaded(2, Some("deeper than 100 levels"))),
        case(
            "deep-and-broken.json",
            format!("{}1 2{}", "[".repeat(300), "]".repeat(300)).into_bytes(),
            refused("line 1, column 303"),
        ),
        case("deep-and-truncated.json", "[".repeat(100_000).into_bytes(), refused("looks cut off")),
    ]
}

fn format_cases() -> Vec<Case> {
    let langfuse_cycle = json!({ "trace": { "id": "lf", "name": "cycle", "timestamp": "2024-05-14T09:21:30Z" }, "observations": [
        { "id": "o1", "traceId": "lf", "type": "SPAN", "name": "one", "startTime": "2024-05-14T09:21:30Z", "endTime": "2024-05-14T09:21:31Z", "parentObservationId": "o2" },
        { "id": "o2", "traceId": "lf", "type": "SPAN", "name": "two", "startTime": "2024-05-14T09:21:30Z", "endTime": "2024-05-14T09:21:31Z", "parentObservationId": "o1" }
    ]});
    let jaeger_missing_reference = json!({ "data": [{ "traceID": "t1", "spans": [{
        "traceID": "t1", "spanID": "s1", "operationName": "op", "startTime": 1715678490000000u64, "duration": 10,
        "references": [{ "refType": "CHILD_OF", "traceID": "t1", "spanID": "nowhere" }], "tags": [], "logs": [], "processID": "p9"
    }], "processes": {} }] });
    let otlp_bad_ids = otlp_file(vec![
        otlp_span("zz-not-hex", "", json!("1715678490000000000"), json!("1715678491000000000"), json!({})),
        otlp_simple(&hex_id(2), "zz-not-hex"),
    ]);
    let otlp_number_times =
        otlp_file(vec![otlp_span(&hex_id(1), "", json!(1715678490000000000u64), json!(1.7156784910e18), json!({}))]);
    let otlp_empty = serde_json::to_vec(&json!({ "resourceSpans": [] })).unwrap();
    let otlp_wrong_types = otlp_file(vec![otlp_span(
        &hex_id(1),
        "",
        json!(["not", "a", "time"]),
        json!({ "also": "not" }),
        json!({ "attributes": "not a list", "events": 7, "status": "broken", "kind": "sideways" }),
    )]);
    let langsmith_flat_cycle = json!([
        { "id": "r1", "name": "one", "run_type": "chain", "start_time": "2024-05-14T09:21:30Z", "parent_run_id": "r2" },
        { "id": "r2", "name": "two", "run_type": "llm", "start_time": "2024-05-14T09:21:30Z", "parent_run_id": "r1" }
    ]);
    let zipkin_negative = json!([{ "traceId": "5b8efff798038103", "id": "352bff9a74ca9ad2", "name": "get", "timestamp": -1, "duration": -5 }]);
    vec![
        case("langfuse-cycle.json", serde_json::to_vec(&langfuse_cycle).unwrap(), loaded(2, Some("cycle"))),
        case("jaeger-missing-reference.json", serde_json::to_vec(&jaeger_missing_reference).unwrap(), loaded(1, None)),
        case("otlp-ids-not-hex.json", otlp_bad_ids, loaded(2, None)),
        case("otlp-times-as-numbers.json", otlp_number_times, loaded(1, None)),
        case("otlp-no-spans.json", otlp_empty, refused("no spans")),
        case(
            "otlp-wrong-types.json",
            otlp_wrong_types,
            loaded(1, Some("startTimeUnixNano [\"not\",\"a\",\"time\"] is not a time")),
        ),
        case("langsmith-flat-cycle.json", serde_json::to_vec(&langsmith_flat_cycle).unwrap(), loaded(2, Some("cycle"))),
        case("zipkin-negative-times.json", serde_json::to_vec(&zipkin_negative).unwrap(), loaded(1, None)),
    ]
}
