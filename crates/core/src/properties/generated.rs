//! Trace files built from fuzzer bytes: each byte picks the next choice (a format, a field, a
//! value from a list of extreme ones, which span is whose parent, how documents are joined), so
//! the fuzzer explores well-formed traces with extreme values, duplicate ids and cycles, several
//! documents per file, rather than mostly broken JSON. Any bytes build some file; the same bytes
//! always build the same one, so a regression file replays.

/// The fuzzer's bytes, read as a sequence of choices; past their end every choice is the first.
pub struct Choices<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Choices { bytes, position: 0 }
    }

    fn byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.position).copied().unwrap_or(0);
        self.position += 1;
        byte
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[usize::from(self.byte()) % items.len()]
    }

    /// A count from 0 to `most`.
    fn count(&mut self, most: usize) -> usize {
        usize::from(self.byte()) % (most + 1)
    }

    fn exhausted(&self) -> bool {
        self.position >= self.bytes.len()
    }
}

/// Numbers at the edges of what fields hold: zero, negatives, 2^53, 2^63, 2^64 and past them,
/// floats at the ends of f64, times in every unit and beyond year 9999.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "-0",
    "0.5",
    "1e-300",
    "1e308",
    "-1e308",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e30",
    "1715678490000",
    "1715678490000000",
    "1715678490000000000",
    "253402300800000",
    "1715678490.123",
];

/// Texts that mean something to an importer (status words, kinds, attribute names, fields of
/// another format), hostile markup, escapes and times as text.
const TEXTS: &[&str] = &[
    "",
    "a",
    "error",
    "ERROR",
    "STATUS_CODE_ERROR",
    "ok",
    "llm",
    "tool",
    "LLM",
    "retriever",
    "gen_ai.usage.input_tokens",
    "gen_ai.prompt.0.content",
    "llm.token_count.total",
    "openinference.span.kind",
    "input.value",
    "other_fields",
    "format",
    "trace-viewer/v1",
    "2024-05-14T09:21:30.5Z",
    "2024-13-45T99:99:99Z",
    "99999-01-01T00:00:00Z",
    "1715678490000000000",
    "18446744073709551615",
    "NaN",
    "-Infinity",
    "<img src=x onerror=alert(1)>",
    "\\u0000",
    "\\ud800",
    "\\ud83d\\ude00",
    "\\\"",
    "é☃",
    "[{\\\"role\\\":\\\"user\\\",\\\"content\\\":\\\"hi\\\"}]",
];

/// Ids drawn from a pool this small repeat: duplicate ids, self-parents and cycles follow.
const IDS: &[&str] = &["a", "b", "c", "", "5b8efff798038103", "eee19b7ec3c1b174", "0000000000000000"];

/// A JSON value: a number, a string, a literal, or a structure that nests up to past serde_json's
/// recursion limit (128) and the fold depth beyond it.
fn value(choices: &mut Choices) -> String {
    match choices.count(9) {
        0..=2 => choices.pick(NUMBERS).to_string(),
        3..=5 => format!("\"{}\"", choices.pick(TEXTS)),
        6 => choices.pick(&["null", "true", "false", "{}", "[]"]).to_string(),
        7 => {
            let depth = choices.pick(&[2usize, 100, 127, 128, 129, 300]);
            format!("{}{}{}", "[".repeat(depth), choices.pick(NUMBERS), "]".repeat(depth))
        }
        8 => format!("{{\"{}\": {}}}", choices.pick(TEXTS), choices.pick(NUMBERS)),
        _ => format!("[\"{}\", {}]", choices.pick(TEXTS), choices.pick(NUMBERS)),
    }
}

/// An object with the given fields always present and up to `extra` of `optional` (or any text
/// as a key), each with a chosen value.
fn object(choices: &mut Choices, fixed: &[(&str, String)], optional: &[&str], extra: usize) -> String {
    let mut fields: Vec<String> = fixed.iter().map(|(key, value)| format!("\"{key}\": {value}")).collect();
    for _ in 0..choices.count(extra) {
        let key = if choices.count(4) == 0 { choices.pick(TEXTS) } else { choices.pick(optional) };
        fields.push(format!("\"{key}\": {}", value(choices)));
    }
    format!("{{{}}}", fields.join(", "))
}

fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

/// An id, sometimes a number or missing-as-null instead of a string.
fn id(choices: &mut Choices) -> String {
    match choices.count(7) {
        0 => "null".into(),
        1 => choices.pick(NUMBERS).to_string(),
        _ => quoted(choices.pick(IDS)),
    }
}

fn spans(choices: &mut Choices, span: fn(&mut Choices) -> String) -> String {
    let spans: Vec<String> = (0..choices.count(6)).map(|_| span(choices)).collect();
    format!("[{}]", spans.join(", "))
}

fn own_format(choices: &mut Choices) -> String {
    const SPAN_FIELDS: &[&str] = &[
        "start",
        "end",
        "duration_ms",
        "start_ns",
        "end_ns",
        "kind",
        "status",
        "error",
        "attributes",
        "events",
        "tokens",
        "cost",
        "model",
        "input",
        "output",
        "messages",
        "other_fields",
        "service",
    ];
    let span = |choices: &mut Choices| {
        let fixed = [("id", id(choices)), ("parent", id(choices)), ("name", quoted(choices.pick(TEXTS)))];
        object(choices, &fixed, SPAN_FIELDS, 6)
    };
    let fixed = [("format", quoted("trace-viewer/v1")), ("id", id(choices)), ("spans", spans(choices, span))];
    object(choices, &fixed, &["name", "input", "output", "feedback", "user", "session", "other_fields"], 3)
}

fn otlp(choices: &mut Choices) -> String {
    const SPAN_FIELDS: &[&str] = &[
        "startTimeUnixNano",
        "endTimeUnixNano",
        "kind",
        "status",
        "attributes",
        "events",
        "links",
        "traceState",
        "droppedAttributesCount",
        "flags",
        "error",
    ];
    let span = |choices: &mut Choices| {
        let attribute = format!(
            "[{{\"key\": \"{}\", \"value\": {{\"{}\": {}}}}}]",
            choices.pick(TEXTS),
            choices.pick(&[
                "stringValue",
                "intValue",
                "doubleValue",
                "boolValue",
                "arrayValue",
                "kvlistValue",
                "bytesValue"
            ]),
            value(choices)
        );
        let fixed = [
            ("traceId", quoted(choices.pick(&["5b8efff798038103d269b633813fc60c", "", "zz"]))),
            ("spanId", id(choices)),
            ("parentSpanId", id(choices)),
            ("name", quoted(choices.pick(TEXTS))),
            ("attributes", attribute),
        ];
        object(choices, &fixed, SPAN_FIELDS, 5)
    };
    format!(
        "{{\"resourceSpans\": [{{\"resource\": {{}}, \"scopeSpans\": [{{\"spans\": {}}}]}}]}}",
        spans(choices, span)
    )
}

fn langfuse(choices: &mut Choices) -> String {
    const FIELDS: &[&str] = &[
        "startTime",
        "endTime",
        "type",
        "level",
        "statusMessage",
        "input",
        "output",
        "usage",
        "usageDetails",
        "costDetails",
        "model",
        "metadata",
        "calculatedTotalCost",
        "completionStartTime",
    ];
    let observation = |choices: &mut Choices| {
        let fixed = [("id", id(choices)), ("traceId", quoted("t")), ("parentObservationId", id(choices))];
        object(choices, &fixed, FIELDS, 6)
    };
    let trace =
        object(choices, &[("id", quoted("t"))], &["name", "timestamp", "input", "output", "scores", "userId"], 3);
    format!("{{\"trace\": {trace}, \"observations\": {}}}", spans(choices, observation))
}

fn langsmith(choices: &mut Choices) -> String {
    const FIELDS: &[&str] = &[
        "start_time",
        "end_time",
        "inputs",
        "outputs",
        "error",
        "extra",
        "trace_id",
        "child_runs",
        "feedback",
        "prompt_tokens",
        "completion_tokens",
        "total_cost",
        "tags",
        "dotted_order",
    ];
    let run = |choices: &mut Choices| {
        let fixed = [
            ("id", id(choices)),
            ("parent_run_id", id(choices)),
            ("name", quoted(choices.pick(TEXTS))),
            ("run_type", quoted(choices.pick(&["llm", "chain", "tool", "retriever", "prompt", ""]))),
        ];
        object(choices, &fixed, FIELDS, 6)
    };
    spans(choices, run)
}

fn jaeger(choices: &mut Choices) -> String {
    let span = |choices: &mut Choices| {
        let fixed = [
            ("traceID", quoted("t1")),
            ("spanID", id(choices)),
            ("operationName", quoted(choices.pick(TEXTS))),
            (
                "references",
                format!("[{{\"refType\": \"CHILD_OF\", \"traceID\": \"t1\", \"spanID\": {}}}]", id(choices)),
            ),
            ("processID", quoted(choices.pick(&["p1", "p2"]))),
        ];
        object(choices, &fixed, &["startTime", "duration", "tags", "logs", "warnings", "flags"], 5)
    };
    format!(
        "{{\"data\": [{{\"traceID\": \"t1\", \"spans\": {}, \"processes\": {{\"p1\": {{\"serviceName\": {}}}}}}}]}}",
        spans(choices, span),
        value(choices)
    )
}

/// One document in a format picked by the bytes.
fn document(choices: &mut Choices) -> String {
    match choices.count(4) {
        0 => own_format(choices),
        1 => otlp(choices),
        2 => langfuse(choices),
        3 => langsmith(choices),
        _ => jaeger(choices),
    }
}

/// A whole file: one to three documents, alone, as JSON Lines, concatenated, or in an array.
pub fn file(bytes: &[u8]) -> String {
    let mut choices = Choices::new(bytes);
    let documents: Vec<String> = (0..=choices.count(2)).map(|_| document(&mut choices)).collect();
    let joined = match choices.count(3) {
        0 => documents.join("\n"),
        1 => documents.join(""),
        2 => format!("[{}]", documents.join(", ")),
        _ => documents.join("\n\n  "),
    };
    // Whatever bytes are left end the file: cut-off and trailing-garbage files come from here.
    if choices.exhausted() {
        joined
    } else {
        let cut = choices.count(255) * joined.len() / 255;
        if choices.count(1) == 0 {
            joined.get(..cut).unwrap_or(&joined).to_string()
        } else {
            joined
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_build_the_same_file_and_most_files_are_json() {
        let mut parsed = 0;
        for seed in 0..200u32 {
            let bytes: Vec<u8> =
                (0..64).map(|index| (seed.wrapping_mul(2654435761).rotate_left(index) & 0xff) as u8).collect();
            assert_eq!(file(&bytes), file(&bytes));
            let text = file(&bytes);
            let documents = serde_json::Deserializer::from_str(&text).into_iter::<serde::de::IgnoredAny>();
            if documents.into_iter().all(|document| document.is_ok()) {
                parsed += 1;
            }
        }
        assert!(parsed > 100, "only {parsed} of 200 generated files are JSON");
    }
}
