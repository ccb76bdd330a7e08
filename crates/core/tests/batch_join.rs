//! Joining helpers' batches read in place (summaries as views of the encoded bytes, what the
//! corpus worker does) gives the index that reading the same lines in place gives (owned
//! summaries): the same columns, numbered the same, row by row, and the same answers. Over the
//! generated corpus, whose traces split over two lines join their rows (in order, across batches,
//! across files, and with the root's part last, so it replaces the facts the first part gave).

use trace_viewer_core::corpus::dictionary::{Dictionary, SetColumn, StringColumn};
use trace_viewer_core::corpus::index::CorpusIndex;
use trace_viewer_core::corpus::line_batch::summarize;
use trace_viewer_core::corpus::line_batch_encoding::encode_line_batch;
use trace_viewer_core::corpus::Corpus;
use trace_viewer_core::generate::corpus::otlp_json_lines;

/// Reads `files` in chunks of `chunk` bytes, each run of complete lines summarised apart and
/// joined either as the owned batch (`encoded` false) or through its bytes.
fn corpus_of(files: &[(&str, &[u8])], chunk: usize, encoded: bool) -> Corpus {
    let mut corpus = Corpus::new();
    for (name, bytes) in files {
        let file = corpus.add_file(name);
        for piece in bytes.chunks(chunk) {
            let Some(split) = corpus.take_lines(file, piece) else { continue };
            let batch = summarize(&split.bytes(piece), split.at, split.opening.as_deref());
            if encoded {
                corpus.absorb_encoded(file, &encode_line_batch(&batch)).expect("the batch joins");
            } else {
                corpus.absorb(file, batch);
            }
        }
        corpus.finish_file(file);
    }
    corpus
}

fn entries(dictionary: &Dictionary) -> Vec<(u32, String)> {
    dictionary.entries().map(|(number, value)| (number, value.to_string())).collect()
}

fn assert_same_strings(left: &StringColumn, right: &StringColumn, rows: usize, what: &str) {
    assert_eq!(entries(&left.dictionary), entries(&right.dictionary), "{what}: dictionary");
    let numbers = |column: &StringColumn| (0..rows).map(|row| column.rows.at(row)).collect::<Vec<_>>();
    assert_eq!(numbers(left), numbers(right), "{what}: rows");
}

fn assert_same_sets(left: &SetColumn, right: &SetColumn, rows: usize, what: &str) {
    assert_eq!(entries(&left.members), entries(&right.members), "{what}: members");
    let sets = |column: &SetColumn| {
        (0..=column.sets.len() as u32).map(|set| column.sets.members(set).to_vec()).collect::<Vec<_>>()
    };
    assert_eq!(sets(left), sets(right), "{what}: sets");
    let numbers = |column: &SetColumn| (0..rows).map(|row| column.set_of(row)).collect::<Vec<_>>();
    assert_eq!(numbers(left), numbers(right), "{what}: rows");
}

/// Every column of the two indexes, row by row, with their dictionaries in number order.
fn assert_same_index(left: &CorpusIndex, right: &CorpusIndex) {
    let rows = left.len();
    assert_eq!(right.len(), rows);
    for row in 0..rows {
        assert_eq!(left.trace_id(row), right.trace_id(row), "row {row}");
        let numbers = |index: &CorpusIndex| {
            [
                index.start_ns[row],
                index.duration_ns[row],
                u64::from(index.span_count.at(row)),
                u64::from(index.error_count.at(row)),
                index.tokens[row],
                index.cost_usd[row].to_bits(),
                u64::from(index.documents.at(row)),
                u64::from(index.feedback_of(row)),
            ]
        };
        assert_eq!(numbers(left), numbers(right), "numbers of row {row}");
        assert_eq!(left.input_preview.get(row), right.input_preview.get(row), "input of row {row}");
        assert_eq!(left.output_preview.get(row), right.output_preview.get(row), "output of row {row}");
        assert_eq!(left.source(row), right.source(row), "sources of row {row}");
        assert_eq!(left.skeleton(row), right.skeleton(row), "skeleton of row {row}");
        assert_eq!(left.span_ranges(row).collect::<Vec<_>>(), right.span_ranges(row).collect::<Vec<_>>(), "row {row}");
    }
    for (what, left_column, right_column) in [
        ("name", &left.name, &right.name),
        ("intent", &left.intent, &right.intent),
        ("variant", &left.variant, &right.variant),
        ("user", &left.user, &right.user),
        ("session", &left.session, &right.session),
        ("signature", &left.signature, &right.signature),
        ("error_template", &left.error_template, &right.error_template),
    ] {
        assert_same_strings(left_column, right_column, rows, what);
    }
    assert_same_sets(&left.models, &right.models, rows, "models");
    assert_same_sets(&left.tools, &right.tools, rows, "tools");
    let scores = |index: &CorpusIndex| {
        index
            .scores
            .iter()
            .map(|column| (column.name.clone(), column.rows.iter().map(|value| value.to_bits()).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    assert_eq!(scores(left), scores(right), "scores");
    assert_eq!(left.attributes.len(), right.attributes.len(), "attribute columns");
    for (left_column, right_column) in left.attributes.iter().zip(&right.attributes) {
        assert_eq!(left_column.key, right_column.key);
        assert_eq!(left_column.overflowed, right_column.overflowed);
        assert_same_strings(&left_column.column, &right_column.column, rows, &left_column.key);
    }
    assert_eq!(left.attribute_keys_left_out, right.attribute_keys_left_out);
    assert_eq!(entries(&left.spans.names), entries(&right.spans.names), "span names");
    assert_eq!(entries(&left.spans.details), entries(&right.spans.details), "span details");
    assert_eq!(left.spans.kinds, right.spans.kinds, "span combinations");
    let facts = |index: &CorpusIndex| (0..index.spans.len()).map(|span| index.spans.facts.at(span)).collect::<Vec<_>>();
    assert_eq!(facts(left), facts(right), "spans");
    assert_eq!(left.log_sources, right.log_sources);
    assert_eq!(left.column_bytes(), right.column_bytes());
    assert_eq!(left.preview_bytes(), right.preview_bytes());
}

/// The answers the page asks for: table windows in several orders (every field of a row),
/// filtered queries (span predicates too), the overview's totals and facets, byte ranges, reports.
fn assert_same_answers(left: &mut Corpus, right: &mut Corpus) {
    for sort in ["start asc", "duration_ms desc", "name asc", "model desc", "tool asc", "score.helpfulness desc"] {
        let expected = left.window("", sort, 0, 2_000).expect("the window");
        assert_eq!(right.window("", sort, 0, 2_000).expect("the window"), expected, "{sort}");
    }
    for filter in [
        "model ~ \"MINI\" and tool = \"lookup_order\"",
        "any span (kind = tool and status = error)",
        "any span (model = \"claude-3-5-sonnet\") and not any span (kind = guardrail)",
        "score.helpfulness >= 0.5 or feedback = converted",
        "attr.\"app.region\" = \"eu\"",
        "signature ~ \"tool:lookup_order\" or error_template ~ \"<n>\"",
    ] {
        let expected = left.query(filter, "start asc", usize::MAX).expect("the query");
        assert!(expected.count > 0, "`{filter}` selects something (else it tests nothing)");
        assert_eq!(right.query(filter, "start asc", usize::MAX).expect("the query"), expected, "{filter}");
        assert_eq!(right.overview(filter).expect("the overview"), left.overview(filter).expect("the overview"));
    }
    for trace in left.query("", "start asc", usize::MAX).expect("the query").trace_ids {
        assert_eq!(right.ranges_of(&trace), left.ranges_of(&trace), "ranges of {trace}");
    }
    assert_eq!(right.file_reports(), left.file_reports());
    assert_eq!(right.progress(), left.progress());
}

#[test]
fn batches_joined_in_place_index_as_owned_summaries_do() {
    let text = otlp_json_lines(1_200);
    let lines: Vec<&str> = text.lines().collect();
    // Parts of a trace before the part with its root: the root's part replaces their facts.
    let reversed = lines.iter().rev().map(|line| format!("{line}\n")).collect::<String>();
    // Lines again in a second file, with a bad line: parts of known traces join their rows.
    let again = format!("{}\nnot json\n{}\n", lines[3], lines[40]);
    let cases: [&[(&str, &[u8])]; 2] = [
        &[("corpus.jsonl", text.as_bytes()), ("again.jsonl", again.as_bytes())],
        &[("reversed.jsonl", reversed.as_bytes())],
    ];
    for files in cases {
        // Chunks of a prime size: batches of many lines, cut anywhere, and split traces' parts in
        // one batch or two.
        let mut owned = corpus_of(files, 9_973, false);
        let mut in_place = corpus_of(files, 9_973, true);
        assert_eq!(owned.index.len(), 1_200);
        let split = (0..owned.index.len()).filter(|&row| owned.index.span_ranges(row).count() > 1).count();
        assert!(split >= 100, "traces in parts: {split}");
        assert_same_index(&owned.index, &in_place.index);
        assert_same_answers(&mut owned, &mut in_place);
    }
}

#[test]
fn a_damaged_batch_joins_nothing() {
    let text = otlp_json_lines(20);
    let mut corpus = Corpus::new();
    let file = corpus.add_file("corpus.jsonl");
    let split = corpus.take_lines(file, text.as_bytes()).expect("complete lines");
    let bytes = encode_line_batch(&summarize(&split.bytes(text.as_bytes()), split.at, None));
    for cut in [0, 5, bytes.len() / 3, bytes.len() - 1] {
        assert!(corpus.absorb_encoded(file, &bytes[..cut]).is_err(), "cut at {cut}");
        assert_eq!(corpus.index.len(), 0);
        assert_eq!(corpus.progress().traces, 0);
    }
    corpus.absorb_encoded(file, &bytes).expect("the batch joins");
    assert_eq!(corpus.index.len(), 20);
}
