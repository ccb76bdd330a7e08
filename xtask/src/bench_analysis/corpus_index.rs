//! The corpus index on a million rows: the generated corpus's 20,000 distinct traces summarised
//! once and indexed 50 times under the ids, users and sessions the generator gives a million
//! traces (so the dictionaries are as large as a real million's), then the index's bytes a trace
//! by column, and the passes over every row timed: a three-predicate filter, a span predicate,
//! the overview's totals and facets, aggregates, sorts by string and number columns. Also what
//! the corpus worker spends a trace joining a helper's batch (decoding it, adding its summaries).

use trace_viewer_core::corpus::aggregate::{aggregate, FailDefinition};
use trace_viewer_core::corpus::facets::{facet, totals, FACET_FIELDS};
use trace_viewer_core::corpus::filter::matching_rows;
use trace_viewer_core::corpus::index::{CorpusIndex, TraceSource};
use trace_viewer_core::corpus::ingest::FileReader;
use trace_viewer_core::corpus::line_batch::{LineBatch, LineTrace};
use trace_viewer_core::corpus::line_batch_encoding::{decode_line_batch, decode_line_batch_view, encode_line_batch};
use trace_viewer_core::corpus::query::{parse_filter, parse_sort};
use trace_viewer_core::corpus::sort::{sort_rows, SortRanks};
use trace_viewer_core::corpus::summary::TraceSummary;
use trace_viewer_core::generate::corpus::{otlp_json_lines, trace_id};

use super::patterns::distinct_summaries;
use super::{best_of, Yardstick};

const DISTINCT: u64 = 20_000;
pub(super) const ROWS: usize = 1_000_000;

/// Summary `number` of a million as the generator would give it: its id, user and session.
pub(super) fn as_row(summary: &TraceSummary, number: u64) -> TraceSummary {
    let mut summary = summary.clone();
    summary.trace_id = trace_id(number);
    if summary.user.is_some() {
        let user = number.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
        summary.user = Some(format!("user-{:05}", user % (ROWS as u64 / 4 + 1)));
    }
    if summary.session.is_some() {
        summary.session = Some(format!("session-{:06}", number / 3));
    }
    summary
}

/// The generated corpus's distinct traces, summarised.
pub(super) fn distinct() -> Vec<TraceSummary> {
    distinct_summaries(&otlp_json_lines(DISTINCT))
}

/// Traces in the batch the join is timed on.
const JOINED: u64 = 100_000;

pub fn run(yardstick: &Yardstick) {
    let distinct = distinct();
    let mut index = CorpusIndex::default();
    for number in 0..ROWS as u64 {
        let summary = as_row(&distinct[(number % DISTINCT) as usize], number);
        index.add(summary, TraceSource::Kept { index: number as u32 });
    }
    let columns = index.column_bytes();
    let per_trace = |bytes: usize| bytes as f64 / ROWS as f64;
    let total: usize = columns.iter().map(|(_, bytes)| *bytes).sum();
    let listed: Vec<String> =
        columns.iter().map(|(column, bytes)| format!("{column} {:.1}", per_trace(*bytes))).collect();
    println!(
        "  index bytes per trace over {ROWS} rows ({:.2} spans a trace): {}; all {:.1} (previews apart)",
        index.spans.len() as f64 / ROWS as f64,
        listed.join(", "),
        per_trace(total)
    );
    for filter in [
        "intent = refund and duration_ms > 2000 and model = \"gpt-4o\"",
        "any span (kind = tool and status = error)",
        "session ~ \"session-01\"",
    ] {
        let parsed = parse_filter(filter).expect("the filter reads");
        let count = matching_rows(&index, &parsed).len();
        let milliseconds = best_of(5, || matching_rows(&index, &parsed).len());
        yardstick.report(&format!("filter `{filter}` over {ROWS} rows ({count} kept)"), milliseconds, None);
    }
    let every: Vec<u32> = (0..ROWS as u32).collect();
    let milliseconds = best_of(5, || {
        let facets: Vec<_> = FACET_FIELDS.iter().filter_map(|field| facet(&index, &every, field)).collect();
        (totals(&index, &every), facets)
    });
    yardstick.report(
        &format!("overview (totals and {} facets) over {ROWS} rows", FACET_FIELDS.len()),
        milliseconds,
        None,
    );
    let measures: Vec<String> = ["count", "fail_rate", "p95_duration_ms", "tool_error_rate"].map(String::from).to_vec();
    for group_by in [&["intent", "model"][..], &["user"]] {
        let group_by: Vec<String> = group_by.iter().map(|field| field.to_string()).collect();
        let milliseconds = best_of(3, || aggregate(&index, &every, &group_by, &measures, FailDefinition::Default));
        yardstick.report(
            &format!("aggregate by {} ({}) over {ROWS} rows", group_by.join(", "), measures.join(", ")),
            milliseconds,
            None,
        );
    }
    let mut ranks = SortRanks::default();
    for sort in ["session desc", "intent, duration_ms desc", "model"] {
        let keys = parse_sort(sort).expect("the sort reads");
        // Twice, so the id ranks are worked out before the timing (the index has stopped growing).
        for _ in 0..2 {
            sort_rows(&mut index, &mut ranks, &mut every.clone(), &keys, 100);
        }
        let milliseconds = best_of(5, || {
            let mut rows = every.clone();
            sort_rows(&mut index, &mut ranks, &mut rows, &keys, 100);
            rows[0]
        });
        yardstick.report(&format!("sort by `{sort}` over {ROWS} rows (first 100 in order)"), milliseconds, None);
    }
}

/// A helper's batch of 100,000 traces read and added to an empty index, per trace.
pub fn run_join(yardstick: &Yardstick) {
    let distinct = distinct();
    let traces = (0..JOINED)
        .map(|number| LineTrace {
            summary: as_row(&distinct[(number % DISTINCT) as usize], number),
            offset: number * 3_000,
            length: 3_000,
        })
        .collect();
    let bytes = encode_line_batch(&LineBatch { lines: JOINED, traces, ..LineBatch::default() });
    let per_trace = |milliseconds: f64| milliseconds * 1e3 / JOINED as f64;
    // As the corpus worker joins a batch: read in place (every trace checked), then added from
    // the bytes. Decoding into owned summaries, as it did before, for comparison.
    let decode = best_of(5, || decode_line_batch_view(&bytes).map(|batch| batch.trace_count()));
    let add = best_of(5, || {
        let batch = decode_line_batch_view(&bytes).expect("the batch decodes");
        let (mut index, mut reader) = (CorpusIndex::default(), FileReader::new(0, "joined"));
        reader.absorb_view(&mut index, batch).expect("the batch joins");
        index.len()
    });
    let owned = best_of(5, || decode_line_batch(&bytes).map(|batch| batch.traces.len()));
    let owned_add = best_of(5, || {
        let batch = decode_line_batch(&bytes).expect("the batch decodes");
        let (mut index, mut reader) = (CorpusIndex::default(), FileReader::new(0, "joined"));
        reader.absorb(&mut index, batch);
        index.len()
    });
    yardstick.report(
        &format!(
            "join a helper's batch of {JOINED} traces ({:.1} MB): read in place {:.2} µs a trace, read + add {:.2} µs a trace (decoded into owned summaries: {:.2}, + add {:.2})",
            bytes.len() as f64 / 1e6,
            per_trace(decode),
            per_trace(add),
            per_trace(owned),
            per_trace(owned_add)
        ),
        add,
        None,
    );
}
