//! The corpus index against a plain reference: the generated corpus is read a chunk at a time
//! (lines cut anywhere, traces split across lines), and every query's count and order must equal
//! what a direct evaluation over the whole import's traces gives, for twenty filters and every
//! sortable column. Also: parse errors say where, mixed-format files make one corpus, and each
//! trace's byte ranges hold exactly its spans.

use std::cmp::Ordering;

use trace_viewer_core::corpus::query::{
    contains_ignoring_case, parse_filter, Field, Filter, Literal, Operator, SpanField, SpanFilter,
};
use trace_viewer_core::corpus::summary::{feedback_bit, TraceSummary};
use trace_viewer_core::corpus::Corpus;
use trace_viewer_core::generate::corpus::otlp_json_lines;
use trace_viewer_core::import::import_text;
use trace_viewer_core::model::{parse_rfc3339_ns, SpanKind};

/// Reads `text` into a corpus in chunks of `chunk` bytes.
fn corpus_of(files: &[(&str, &[u8])], chunk: usize) -> Corpus {
    let mut corpus = Corpus::new();
    for (name, bytes) in files {
        let file = corpus.add_file(name);
        for piece in bytes.chunks(chunk) {
            corpus.feed(file, piece);
        }
        corpus.finish_file(file);
    }
    corpus
}

/// The reference: each trace of the whole import, summarised. A trace split across lines has the
/// signature and error template of its parts merged as documented on [`TraceSummary::merge`]
/// (the root's part's), so those two come from each line summarised on its own.
fn reference(text: &str) -> Vec<TraceSummary> {
    let mut parts: std::collections::HashMap<String, TraceSummary> = std::collections::HashMap::new();
    for line in text.lines() {
        for trace in import_text(line, None).expect("a line imports").traces {
            let part = TraceSummary::of(&trace);
            match parts.get_mut(&part.trace_id) {
                Some(known) => known.merge(part),
                None => {
                    parts.insert(part.trace_id.clone(), part);
                }
            }
        }
    }
    let mut traces: Vec<TraceSummary> =
        import_text(text, None).expect("the corpus imports").traces.iter().map(TraceSummary::of).collect();
    for trace in &mut traces {
        let merged = &parts[&trace.trace_id];
        trace.signature = merged.signature.clone();
        trace.error_template = merged.error_template.clone();
    }
    traces
}

fn text_holds(value: Option<&str>, operator: Operator, literal: &str) -> bool {
    let Some(value) = value else { return operator == Operator::NotEqual };
    match operator {
        Operator::Equal => value == literal,
        Operator::NotEqual => value != literal,
        Operator::Contains => value.to_lowercase().contains(&literal.to_lowercase()),
        ordering => match (value.parse::<f64>(), literal.parse::<f64>()) {
            (Ok(left), Ok(right)) => ordering.holds(left.partial_cmp(&right).unwrap_or(Ordering::Equal)),
            _ => ordering.holds(value.cmp(literal)),
        },
    }
}

fn number_holds(value: Option<f64>, operator: Operator, literal: f64) -> bool {
    match value.and_then(|value| value.partial_cmp(&literal)) {
        Some(ordering) => operator.holds(ordering),
        None => operator == Operator::NotEqual,
    }
}

fn literal_text(value: &Literal) -> String {
    match value {
        Literal::Text(text) => text.clone(),
        Literal::Number(number) => number.to_string(),
    }
}

fn any_of<'a>(values: impl IntoIterator<Item = &'a String>, operator: Operator, literal: &str) -> bool {
    let positive = if operator == Operator::NotEqual { Operator::Equal } else { operator };
    let found = values.into_iter().any(|value| text_holds(Some(value), positive, literal));
    found != (operator == Operator::NotEqual)
}

fn span_holds(span: &trace_viewer_core::corpus::summary::SpanFacts, filter: &SpanFilter) -> bool {
    match filter {
        SpanFilter::And(left, right) => span_holds(span, left) && span_holds(span, right),
        SpanFilter::Or(left, right) => span_holds(span, left) || span_holds(span, right),
        SpanFilter::Not(inner) => !span_holds(span, inner),
        SpanFilter::Compare { field, operator, value } => {
            let literal = literal_text(value);
            let equal = *operator == Operator::Equal;
            match field {
                SpanField::Kind => (span.kind.as_str() == literal) == equal,
                SpanField::Status => span.failed == ((literal == "error") == equal),
                SpanField::Name => text_holds(Some(&span.name), *operator, &literal),
                SpanField::Model => {
                    let is_call = matches!(span.kind, SpanKind::Llm | SpanKind::Embedding);
                    any_of(span.model.iter().filter(|_| is_call), *operator, &literal)
                }
                SpanField::Tool => {
                    any_of(span.tool.iter().filter(|_| span.kind == SpanKind::Tool), *operator, &literal)
                }
            }
        }
    }
}

fn holds(trace: &TraceSummary, filter: &Filter) -> bool {
    match filter {
        Filter::Everything => true,
        Filter::And(left, right) => holds(trace, left) && holds(trace, right),
        Filter::Or(left, right) => holds(trace, left) || holds(trace, right),
        Filter::Not(inner) => !holds(trace, inner),
        Filter::Text(text) => [
            Some(trace.name.as_str()),
            trace.intent.as_deref(),
            Some(&trace.trace_id),
            trace.input_preview.as_deref(),
            trace.output_preview.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|value| contains_ignoring_case(value, &text.to_lowercase())),
        Filter::AnySpan(predicate) => trace.spans.iter().any(|span| span_holds(span, predicate)),
        Filter::Compare { field, operator, value } => {
            let literal = literal_text(value);
            let number = match value {
                Literal::Number(number) => *number,
                Literal::Text(text) => parse_rfc3339_ns(text).map_or(f64::NAN, |ns| ns as f64 / 1e6),
            };
            let operator = *operator;
            match field {
                Field::TraceId => text_holds(Some(&trace.trace_id), operator, &literal),
                Field::Name => text_holds(
                    Some(&trace.name).filter(|name| !name.is_empty()).map(|name| name.as_str()),
                    operator,
                    &literal,
                ),
                Field::Intent => text_holds(trace.intent.as_deref(), operator, &literal),
                Field::Variant => text_holds(trace.variant.as_deref(), operator, &literal),
                Field::User => text_holds(trace.user.as_deref(), operator, &literal),
                Field::Session => text_holds(trace.session.as_deref(), operator, &literal),
                Field::Model => any_of(&trace.models, operator, &literal),
                Field::Tool => any_of(&trace.tools, operator, &literal),
                Field::Signature => text_holds(trace.signature.as_deref(), operator, &literal),
                Field::ErrorTemplate => text_holds(trace.error_template.as_deref(), operator, &literal),
                // This reference gives no labels (the index's tests set them).
                Field::Label => operator == Operator::NotEqual,
                Field::Status => (trace.error_count > 0) == ((literal == "error") == (operator == Operator::Equal)),
                Field::Feedback => {
                    (trace.feedback & feedback_bit(&literal).unwrap() != 0) == (operator == Operator::Equal)
                }
                Field::Errors => number_holds(Some(trace.error_count as f64), operator, number),
                Field::Spans => number_holds(Some(trace.span_count as f64), operator, number),
                Field::DurationMs => number_holds(Some(trace.duration_ns() as f64 / 1e6), operator, number),
                Field::Cost => number_holds(trace.cost_usd, operator, number),
                Field::Tokens => number_holds(Some(trace.tokens as f64), operator, number),
                Field::Documents => number_holds(Some(trace.documents as f64), operator, number),
                Field::Start => number_holds(Some(trace.start_ns as f64 / 1e6), operator, number),
                Field::Score(name) => number_holds(
                    trace.scores.iter().find(|(known, _)| known == name).map(|(_, value)| *value),
                    operator,
                    number,
                ),
                Field::Attribute(key) => text_holds(
                    trace.attributes.iter().find(|(known, _)| known == key).map(|(_, value)| value.as_str()),
                    operator,
                    &literal,
                ),
                // This reference joins no outcomes (tests/outcomes.rs checks them).
                Field::Outcome(_) => operator == Operator::NotEqual,
            }
        }
    }
}

/// A sort value for the reference: numbers, or text, or missing.
#[derive(PartialEq, PartialOrd)]
enum Key {
    Number(f64),
    Text(String),
}

fn key_of(trace: &TraceSummary, field: &str) -> Option<Key> {
    let text = |value: Option<&String>| value.map(|value| Key::Text(value.clone()));
    let set = |values: &std::collections::BTreeSet<String>| {
        (!values.is_empty()).then(|| Key::Text(values.iter().cloned().collect::<Vec<_>>().join(", ")))
    };
    Some(match field {
        "trace_id" => Key::Text(trace.trace_id.clone()),
        "name" => return (!trace.name.is_empty()).then(|| Key::Text(trace.name.clone())),
        "intent" => return text(trace.intent.as_ref()),
        "variant" => return text(trace.variant.as_ref()),
        "user" => return text(trace.user.as_ref()),
        "session" => return text(trace.session.as_ref()),
        "model" => return set(&trace.models),
        "tool" => return set(&trace.tools),
        "signature" => return text(trace.signature.as_ref()),
        "error_template" => return text(trace.error_template.as_ref()),
        "status" => Key::Number(f64::from(u8::from(trace.error_count > 0))),
        "errors" => Key::Number(trace.error_count as f64),
        "spans" => Key::Number(trace.span_count as f64),
        "duration_ms" => Key::Number(trace.duration_ns() as f64),
        "cost" => Key::Number(trace.cost_usd?),
        "tokens" => Key::Number(trace.tokens as f64),
        "documents" => Key::Number(trace.documents as f64),
        "feedback" => Key::Number(f64::from(trace.feedback)),
        "start" => Key::Number(trace.start_ns as f64),
        "score.\"helpfulness\"" => Key::Number(trace.scores.iter().find(|(name, _)| name == "helpfulness")?.1),
        "attr.\"app.region\"" => {
            return text(trace.attributes.iter().find(|(key, _)| key == "app.region").map(|(_, value)| value))
        }
        other => panic!("no reference key for {other}"),
    })
}

fn reference_order(traces: &[TraceSummary], filter: &str, sort: &[(&str, bool)]) -> Vec<String> {
    let parsed = parse_filter(filter).expect("the filter parses");
    let mut kept: Vec<&TraceSummary> = traces.iter().filter(|trace| holds(trace, &parsed)).collect();
    kept.sort_by(|left, right| {
        for (field, descending) in sort {
            let ordering = match (key_of(left, field), key_of(right, field)) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => {
                    let ordering = a.partial_cmp(&b).expect("keys of one kind");
                    if *descending {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                }
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        left.trace_id.cmp(&right.trace_id)
    });
    kept.into_iter().map(|trace| trace.trace_id.clone()).collect()
}

const FILTERS: [&str; 22] = [
    "",
    "status = error",
    "intent = \"refund\" and variant = \"treatment\"",
    "duration_ms > 2000 or errors >= 1",
    "not feedback = thumbs_up",
    "feedback = thumbs_down and status = ok",
    "model = \"gpt-4o\"",
    "model ~ \"MINI\" and tool = \"lookup_order\"",
    "model != \"o3-mini\"",
    "any span (kind = tool and status = error)",
    "any span (kind = tool and name ~ \"refund\" and status = error)",
    "any span (model = \"claude-3-5-sonnet\") and not any span (kind = guardrail)",
    "cost > 0.01 and tokens < 4000",
    "score.\"helpfulness\" < 0.5",
    "score.helpfulness >= 0.5 or feedback = converted",
    "attr.\"app.region\" = \"eu\" and (intent = complaint or intent = shipping)",
    "user = \"user-00007\" or session ~ \"session-00001\"",
    "\"money back\"",
    "spans = 6 and documents <= 2",
    "signature ~ \"tool:lookup_order\" or error_template ~ \"<n>\"",
    "error_template != \"x\" and not signature = \"y\"",
    "start >= \"2024-12-01T00:00:00Z\" and trace_id ~ \"0\" and name = \"support-agent\"",
];

const SORTS: [&str; 21] = [
    "trace_id",
    "name",
    "intent",
    "variant",
    "user",
    "session",
    "model",
    "tool",
    "status",
    "errors",
    "spans",
    "duration_ms",
    "cost",
    "tokens",
    "documents",
    "feedback",
    "start",
    "score.\"helpfulness\"",
    "attr.\"app.region\"",
    "signature",
    "error_template",
];

#[test]
fn queries_and_sorts_equal_the_reference_over_the_generated_corpus() {
    let text = otlp_json_lines(1_500);
    let traces = reference(&text);
    assert_eq!(traces.len(), 1_500);
    // Chunks of a prime size cut lines (and characters of the JSON) anywhere.
    let mut corpus = corpus_of(&[("corpus.jsonl", text.as_bytes())], 7_919);
    assert_eq!(corpus.index.len(), 1_500, "{:?}", corpus.file_reports());
    assert!(corpus.file_reports()[0].warnings.is_empty(), "{:?}", corpus.file_reports());
    let mut nonempty = 0;
    for (position, filter) in FILTERS.iter().enumerate() {
        let sort = SORTS[position % SORTS.len()];
        for descending in [false, true] {
            let direction = if descending { "desc" } else { "asc" };
            let expected = reference_order(&traces, filter, &[(sort, descending)]);
            let answer = corpus.query(filter, &format!("{sort} {direction}"), usize::MAX).expect("the query runs");
            assert_eq!(answer.count as usize, expected.len(), "count of `{filter}`");
            assert_eq!(answer.trace_ids, expected, "order of `{filter}` by {sort} {direction}");
        }
        nonempty += usize::from(!reference_order(&traces, filter, &[]).is_empty());
    }
    assert!(nonempty >= 19, "the filters select something (else they test nothing)");
    write_browser_reference(&text, &traces);
    for sort in SORTS {
        for descending in [false, true] {
            let expected = reference_order(&traces, "", &[(sort, descending), ("duration_ms", true)]);
            let direction = if descending { "desc" } else { "asc" };
            let answer = corpus.query("", &format!("{sort} {direction}, duration_ms desc"), 300).unwrap();
            assert_eq!(answer.trace_ids, expected[..300], "sorted by {sort} {direction}, then duration");
        }
    }
}

/// The table asks for a window at a time: only the rows up to the window are put in order (a
/// partial selection, then a sort of those), further ones when a window reaches them. Each window
/// must be the reference's rows there, whether the sort was done while the index grew (ties by
/// comparing ids) or after (by id ranks), and however far down the first window asked for is.
#[test]
fn windows_anywhere_equal_the_reference_order() {
    let text = otlp_json_lines(2_500);
    let traces = reference(&text);
    let mut corpus = corpus_of(&[("corpus.jsonl", text.as_bytes())], 7_919);
    let ids = |window: trace_viewer_core::corpus::TableWindow| -> Vec<String> {
        window.rows.into_iter().map(|row| row.trace_id).collect()
    };
    for (sort, keys) in [
        ("", vec![]),
        ("duration_ms desc", vec![("duration_ms", true)]),
        ("intent, cost desc", vec![("intent", false), ("cost", true)]),
        ("trace_id desc", vec![("trace_id", true)]),
    ] {
        let expected = reference_order(&traces, "", &keys);
        // From the top, then across the rows first put in order, then to the end.
        for (offset, limit) in [(0, 50), (980, 50), (1_990, 30), (2_450, 100), (10, 5)] {
            let window = corpus.window("", sort, offset, limit).expect("the window");
            assert_eq!(window.count, 2_500);
            assert_eq!(ids(window), expected[offset..(offset + limit).min(2_500)], "{sort:?} at {offset}");
        }
        // A fresh order whose first window is far down.
        corpus.window("status = error", sort, 0, 10).expect("another order in between");
        let window = corpus.window("", sort, 2_200, 40).expect("the window");
        assert_eq!(ids(window), expected[2_200..2_240], "{sort:?} first asked at 2,200");
        let answer = corpus.query("", sort, 1_500).expect("the query");
        assert_eq!(answer.trace_ids, expected[..1_500], "{sort:?}: the first 1,500 ids");
    }
}

#[test]
fn windows_while_the_corpus_grows_equal_a_whole_order_of_the_traces_read_so_far() {
    let text = otlp_json_lines(3_000);
    for sort in ["", "trace_id desc", "trace_id", "duration_ms desc"] {
        let mut corpus = Corpus::new();
        let file = corpus.add_file("corpus.jsonl");
        for piece in text.as_bytes().chunks(150_011) {
            corpus.feed(file, piece);
            let count = corpus.index.len();
            let mut expected: Vec<String> = (0..count).map(|row| corpus.index.trace_id(row).into_owned()).collect();
            expected.sort();
            if sort == "trace_id desc" {
                expected.reverse();
            }
            for (offset, limit) in [(0, 50), (980, 40)] {
                let window = corpus.window("", sort, offset, limit).expect("the window");
                assert_eq!(window.count as usize, count);
                let ids: Vec<String> = window.rows.into_iter().map(|row| row.trace_id).collect();
                if sort.starts_with("trace_id") || sort.is_empty() {
                    let end = (offset + limit).min(count);
                    assert_eq!(ids, expected[offset.min(end)..end], "{sort:?} at {offset} of {count}");
                }
            }
        }
        corpus.finish_file(file);
    }
}

#[test]
fn the_overview_counted_as_rows_come_equals_a_count_of_every_row_each_time() {
    use trace_viewer_core::corpus::facets::{facet, totals, FACET_FIELDS};
    let text = otlp_json_lines(1_500);
    let mut corpus = Corpus::new();
    let file = corpus.add_file("corpus.jsonl");
    let mut merged_after_counting = 0;
    // Small pieces: a trace's later part often comes after its first was counted.
    for piece in text.as_bytes().chunks(20_011) {
        corpus.feed(file, piece);
        merged_after_counting += corpus.index.merge_log.changed.len();
        let (kept_totals, kept_facets) = corpus.overview("").expect("the overview");
        let every: Vec<u32> = (0..corpus.index.len() as u32).collect();
        let facets: Vec<_> = FACET_FIELDS.iter().filter_map(|field| facet(&corpus.index, &every, field)).collect();
        assert_eq!(kept_facets, facets, "at {} rows", every.len());
        let mut expected = totals(&corpus.index, &every);
        assert!((kept_totals.cost_usd - expected.cost_usd).abs() <= 1e-9 * expected.cost_usd.abs().max(1.0));
        expected.cost_usd = kept_totals.cost_usd;
        assert_eq!(kept_totals, expected, "at {} rows", every.len());
    }
    corpus.finish_file(file);
    assert!(merged_after_counting > 20, "parts merged into counted rows: {merged_after_counting}");
    corpus.overview("").expect("the rows the end of the file held");
    // Once the index stops growing, the overview is counted afresh (cost summed in row order).
    let every: Vec<u32> = (0..corpus.index.len() as u32).collect();
    assert_eq!(corpus.overview("").expect("the overview").0, totals(&corpus.index, &every));
}

/// Writes the corpus and the reference's answers for the browser test (tests/e2e/corpus.test.mjs),
/// which asks the element the same questions: `target/corpus/reference-1500.otlp.jsonl` and
/// `reference-1500.answers.json` (filter, sort, count, the first 50 ids).
fn write_browser_reference(text: &str, traces: &[TraceSummary]) {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/corpus");
    std::fs::create_dir_all(&folder).expect("target/corpus can be made");
    std::fs::write(folder.join("reference-1500.otlp.jsonl"), text).expect("the corpus is written");
    let answers: Vec<serde_json::Value> = FILTERS
        .iter()
        .enumerate()
        .map(|(position, filter)| {
            let sort = SORTS[(position * 7) % SORTS.len()];
            let descending = position % 2 == 0;
            let ids = reference_order(traces, filter, &[(sort, descending)]);
            serde_json::json!({
                "filter": filter,
                "sort": format!("{sort} {}", if descending { "desc" } else { "asc" }),
                "count": ids.len(),
                "traceIds": ids.iter().take(50).collect::<Vec<_>>(),
            })
        })
        .collect();
    std::fs::write(folder.join("reference-1500.answers.json"), serde_json::to_string_pretty(&answers).unwrap())
        .expect("the answers are written");
}

#[test]
fn the_same_traces_in_the_own_format_give_the_same_answers() {
    let text = otlp_json_lines(300);
    let set = import_text(&text, None).unwrap();
    let own: String = set
        .traces
        .iter()
        .map(|trace| {
            let one = trace_viewer_core::model::TraceSet {
                format: set.format.clone(),
                traces: vec![trace.clone()],
                warnings: Vec::new(),
            };
            format!("{}\n", trace_viewer_core::export::to_own_format(&one))
        })
        .collect();
    let mut from_otlp = corpus_of(&[("corpus.jsonl", text.as_bytes())], 65_536);
    let mut from_own = corpus_of(&[("corpus.own.jsonl", own.as_bytes())], 65_536);
    for filter in FILTERS {
        let left = from_otlp.query(filter, "duration_ms desc", usize::MAX).unwrap();
        let right = from_own.query(filter, "duration_ms desc", usize::MAX).unwrap();
        assert_eq!(left, right, "`{filter}` over both formats");
    }
}

#[test]
fn parse_errors_say_the_column_and_what_was_expected() {
    let cases = [
        ("intent = ", 10, "expected a value"),
        ("intent refund", 8, "expected an operator"),
        ("colour = \"red\"", 1, "unknown field `colour`"),
        ("(status = error", 16, "expected `)`"),
        ("status = maybe", 10, "status is one of ok, error"),
        ("duration_ms ~ 5", 13, "`~` compares text"),
        ("cost > \"cheap\"", 8, "cost is a number"),
        ("any span (flavour = x)", 11, "unknown span field"),
        ("intent = \"refund", 10, "no closing double quote"),
        ("status = error or", 18, "expected a comparison"),
        ("errors > 1 errors", 12, "expected `and`, `or`"),
        ("name = # ", 8, "`#` is not part of the filter language"),
    ];
    for (filter, column, words) in cases {
        let error = parse_filter(filter).expect_err(filter);
        assert_eq!(error.column, column, "column for `{filter}`: {error}");
        assert!(error.message.contains(words), "`{filter}` says {error}");
    }
    let deep = format!("{}status = ok{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(parse_filter(&deep).unwrap_err().message.contains("nested"));
    let mut corpus = corpus_of(&[("corpus.jsonl", otlp_json_lines(10).as_bytes())], 4_096);
    assert!(corpus.query("status = maybe", "", 10).is_err());
    assert!(corpus.query("", "colour desc", 10).unwrap_err().message.contains("in the sort"));
}

#[test]
fn each_trace_s_byte_ranges_hold_exactly_its_spans() {
    let text = otlp_json_lines(200);
    let whole = import_text(&text, None).unwrap();
    let corpus = corpus_of(&[("corpus.jsonl", text.as_bytes())], 1_000);
    let mut split = 0;
    for trace in &whole.traces {
        let ranges = corpus.ranges_of(&trace.trace_id).expect("every trace is indexed");
        split += usize::from(ranges.len() > 1);
        let lines: String = ranges
            .iter()
            .map(|range| format!("{}\n", &text[range.offset as usize..range.offset as usize + range.length as usize]))
            .collect();
        let reread = import_text(&lines, None).unwrap();
        let again = reread
            .traces
            .iter()
            .find(|candidate| candidate.trace_id == trace.trace_id)
            .expect("the trace is in its lines");
        assert_eq!(again.spans.len(), trace.spans.len(), "trace {}", trace.trace_id);
        assert_eq!(TraceSummary::of(again).error_count, TraceSummary::of(trace).error_count);
    }
    assert!(split >= 15, "split traces come back from two lines ({split})");
}

#[test]
fn a_folder_of_mixed_formats_is_one_corpus_with_reports_per_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let names = ["langfuse", "langsmith", "jaeger", "zipkin", "own", "otlp"];
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for folder in names {
        let mut entries: Vec<_> =
            std::fs::read_dir(root.join(folder)).unwrap().flatten().map(|entry| entry.path()).collect();
        entries.sort();
        let path =
            entries.into_iter().find(|path| path.extension().is_some_and(|extension| extension == "json")).unwrap();
        files.push((path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()));
    }
    files.push(("broken.json".into(), b"{\"resourceSpans\": [".to_vec()));
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(name, bytes)| (name.as_str(), bytes.as_slice())).collect();
    let corpus = corpus_of(&borrowed, 3_000);
    let reports = corpus.file_reports();
    let expected: usize = files[..names.len()]
        .iter()
        .map(|(_, bytes)| {
            import_text(std::str::from_utf8(bytes).unwrap(), None).map(|set| set.traces.len()).unwrap_or(0)
        })
        .sum();
    assert!(expected >= names.len());
    assert!(
        corpus.index.len() <= expected && corpus.index.len() >= names.len(),
        "{} of {expected}",
        corpus.index.len()
    );
    for report in &reports[..names.len()] {
        assert!(report.traces > 0 && !report.formats.is_empty(), "{report:?}");
    }
    let broken = &reports[names.len()];
    assert_eq!(broken.traces, 0);
    assert!(broken.warnings.iter().any(|warning| warning.contains("broken.json was skipped")), "{broken:?}");
}

#[test]
fn facets_and_totals_equal_plain_counts_over_the_matching_traces() {
    let text = otlp_json_lines(1_200);
    let traces = reference(&text);
    let mut corpus = corpus_of(&[("corpus.jsonl", text.as_bytes())], 65_536);
    let filter = "status = error or feedback = thumbs_down";
    let parsed = parse_filter(filter).unwrap();
    let kept: Vec<&TraceSummary> = traces.iter().filter(|trace| holds(trace, &parsed)).collect();
    let (totals, facets) = corpus.overview(filter).unwrap();
    assert_eq!(totals.traces as usize, kept.len());
    assert_eq!(totals.failed as usize, kept.iter().filter(|trace| trace.error_count > 0).count());
    let mut durations: Vec<u64> = kept.iter().map(|trace| trace.duration_ns()).collect();
    durations.sort_unstable();
    let rank = (0.95 * durations.len() as f64).ceil() as usize;
    assert_eq!(totals.p95_duration_ms, Some(durations[rank - 1] as f64 / 1e6), "p95 by nearest rank");
    let rank = (0.5 * durations.len() as f64).ceil() as usize;
    assert_eq!(totals.p50_duration_ms, Some(durations[rank - 1] as f64 / 1e6), "p50 by nearest rank");
    for field in ["intent", "model", "user", "session", "tool"] {
        let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        for trace in &kept {
            let values: Vec<String> = match field {
                "intent" => trace.intent.iter().cloned().collect(),
                "user" => trace.user.iter().cloned().collect(),
                "session" => trace.session.iter().cloned().collect(),
                "model" => trace.models.iter().cloned().collect(),
                _ => trace.tools.iter().cloned().collect(),
            };
            for value in values {
                *counts.entry(value).or_default() += 1;
            }
        }
        let mut expected: Vec<(String, u64)> = counts.into_iter().collect();
        expected.sort_by(|left, right| right.1.cmp(&left.1).then_with(|| left.0.cmp(&right.0)));
        let distinct = expected.len() as u64;
        expected.truncate(10);
        let facet = facets.iter().find(|facet| facet.field == field).expect("the facet is there");
        let shown: Vec<(String, u64)> = facet.values.iter().map(|value| (value.value.clone(), value.count)).collect();
        assert_eq!(shown, expected, "facet {field}");
        assert_eq!(facet.distinct, distinct, "distinct values of {field}");
    }
}

/// What helper workers do: each run of lines summarised apart (here in reverse order, through the
/// bytes that travel between workers), the batches absorbed in file order.
fn corpus_through_helpers(files: &[(&str, &[u8])], chunk: usize) -> Corpus {
    use trace_viewer_core::corpus::line_batch::summarize_after_head;
    use trace_viewer_core::corpus::line_batch_encoding::encode_line_batch;
    let mut corpus = Corpus::new();
    for (name, bytes) in files {
        let file = corpus.add_file(name);
        // As the corpus worker does: once a file is known to be JSON Lines, only the bytes after
        // each slice's last newline go in; the head and the slice's lines go to a helper apart.
        let jobs: Vec<_> = bytes
            .chunks(chunk)
            .filter_map(|piece| {
                let split = if corpus.reads_lines(file) {
                    let last = piece.iter().rposition(|byte| *byte == b'\n');
                    corpus.take_lines_after(file, piece.len(), last, &piece[last.map_or(0, |at| at + 1)..])
                } else {
                    corpus.take_lines(file, piece)
                };
                split.map(|split| (split.head, piece[..split.take].to_vec(), split.at, split.opening))
            })
            .collect();
        assert!(jobs.len() > 1 || bytes.len() <= chunk, "the file is split into several jobs");
        let mut batches: Vec<_> = jobs
            .iter()
            .rev()
            .map(|(head, lines, at, opening)| {
                encode_line_batch(&summarize_after_head(head, lines, *at, opening.as_deref()))
            })
            .collect();
        batches.reverse();
        for batch in batches {
            corpus.absorb_encoded(file, &batch).expect("the batch joins");
        }
        corpus.finish_file(file);
    }
    corpus
}

#[test]
fn lines_summarised_by_helpers_give_the_same_corpus_as_lines_read_in_place() {
    let generated = otlp_json_lines(1_500);
    // A BOM, a bad line, a log line and a last line without a newline, in a second file.
    let log_line = r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"5b8efff798038103d269b633813fc60c","body":{"stringValue":"hi"}}]}]}]}"#;
    let second = format!(
        "\u{FEFF}{}\nnot json\n{log_line}\n{}",
        generated.lines().nth(3).unwrap(),
        generated.lines().nth(7).unwrap()
    );
    let files: [(&str, &[u8]); 2] = [("a.jsonl", generated.as_bytes()), ("b.jsonl", second.as_bytes())];
    let mut in_place = corpus_of(&files, 65_521);
    let mut through_helpers = corpus_through_helpers(&files, 65_521);
    assert_eq!(in_place.index.len(), 1_500);
    assert_eq!(through_helpers.file_reports(), in_place.file_reports());
    assert!(through_helpers.file_reports()[1]
        .warnings
        .iter()
        .any(|warning| warning.starts_with("b.jsonl line 2 was skipped")));
    assert_eq!(through_helpers.index.log_sources, in_place.index.log_sources);
    assert_eq!(through_helpers.index.log_sources.len(), 1);
    for sort in ["start asc", "duration_ms desc", "name asc", "user desc"] {
        let expected = in_place.window("", sort, 0, 2_000).expect("the window");
        assert_eq!(through_helpers.window("", sort, 0, 2_000).expect("the window"), expected, "{sort}");
    }
    for trace in in_place.query("", "start asc", 2_000).expect("the query").trace_ids {
        assert_eq!(through_helpers.ranges_of(&trace), in_place.ranges_of(&trace), "ranges of {trace}");
    }
}

/// The generated corpus as one OTLP document, pretty-printed (an element a line), or on one line.
fn otlp_document(traces: u64, pretty: bool) -> String {
    let separator = if pretty { ",\n  " } else { "," };
    let lines = otlp_json_lines(traces);
    let elements: Vec<&str> = lines
        .lines()
        .map(|line| {
            let inner = line.strip_prefix("{\"resourceSpans\":[").and_then(|rest| rest.strip_suffix("]}"));
            inner.expect("a generated line is one resourceSpans object")
        })
        .collect();
    let newline = if pretty { "\n" } else { "" };
    format!("{{{newline}  \"resourceSpans\": [{newline}  {}{newline}]}}{newline}", elements.join(separator))
}

#[test]
fn a_large_document_is_read_element_by_element_with_the_answers_of_its_lines() {
    let lines = otlp_json_lines(1_500);
    let document = otlp_document(1_500, true);
    let mut from_lines = corpus_of(&[("corpus.jsonl", lines.as_bytes())], 7_919);
    // In helpers (batches apart, out of order) and in place.
    let mut from_document = corpus_through_helpers(&[("corpus.json", document.as_bytes())], 7_919);
    let mut in_place = corpus_of(&[("corpus.json", document.as_bytes())], 7_919);
    assert_eq!(from_document.index.len(), 1_500, "{:?}", from_document.file_reports());
    assert!(from_document.file_reports()[0].warnings.is_empty(), "{:?}", from_document.file_reports());
    for (position, filter) in FILTERS.iter().enumerate() {
        let sort = format!("{} desc", SORTS[position % SORTS.len()]);
        let expected = from_lines.query(filter, &sort, usize::MAX).expect("the query runs");
        assert_eq!(from_document.query(filter, &sort, usize::MAX).expect("the query runs"), expected, "`{filter}`");
        assert_eq!(in_place.query(filter, &sort, usize::MAX).expect("the query runs"), expected, "`{filter}` in place");
    }
    // Each trace's ranges are elements; read inside the opening they hold exactly its spans.
    let whole = import_text(&document, None).expect("the document imports whole");
    for trace in whole.traces.iter().step_by(7) {
        let ranges = from_document.ranges_of(&trace.trace_id).expect("every trace is indexed");
        let parts: String = ranges
            .iter()
            .map(|range| {
                let opening = range.opening.as_deref().expect("an element is read inside its opening");
                let element = &document[range.offset as usize..range.offset as usize + range.length as usize];
                assert!(element.starts_with('{') && element.ends_with('}'), "{element:.40}");
                format!("{opening}{element}]}}\n")
            })
            .collect();
        let again = import_text(&parts, None).expect("the elements import");
        let again = again.traces.iter().find(|candidate| candidate.trace_id == trace.trace_id).expect("the trace");
        assert_eq!(again.spans.len(), trace.spans.len(), "trace {}", trace.trace_id);
    }
}

#[test]
fn what_a_split_document_holds_after_its_array_and_a_cut_element_are_reported() {
    let document = otlp_document(3, true);
    let with_more = format!("{}, \"more\": [1, 2]}}", document.trim_end().trim_end_matches('}'));
    let corpus = corpus_of(&[("more.json", with_more.as_bytes())], 100);
    assert_eq!(corpus.index.len(), 3);
    let warnings = &corpus.file_reports()[0].warnings;
    assert!(
        warnings.iter().any(|warning| warning.contains("bytes after the \"resourceSpans\" array were not read")),
        "{warnings:?}"
    );
    let cut = &document[..document.len() - 200];
    let corpus = corpus_of(&[("cut.json", cut.as_bytes())], 100);
    assert_eq!(corpus.index.len(), 2);
    let warnings = &corpus.file_reports()[0].warnings;
    assert!(
        warnings.iter().any(|warning| warning.contains("cut.json: the file ends inside its \"resourceSpans\" array")),
        "{warnings:?}"
    );
    // A bad element is named by its place in the array.
    let bad = document.replacen("{\"resource\"", "{\"resource\" 1", 2).replacen("{\"resource\" 1", "{\"resource\"", 1);
    let corpus = corpus_of(&[("bad.json", bad.as_bytes())], 100);
    let warnings = &corpus.file_reports()[0].warnings;
    assert!(
        warnings.iter().any(|warning| warning.starts_with("bad.json resourceSpans[1] was skipped")),
        "{warnings:?}"
    );
}
