//! Patterns without a model on a million traces: the corpus index of 1,000,000 rows built from
//! the generated corpus (20,000 distinct generated traces, 1 % planted stuck in a loop, each
//! summarised once and indexed 50 times under new trace ids, so building the index does not need
//! 3 GB of JSON parsed), then `Corpus::patterns` timed alone by signature, by error template and
//! within a filter; also what working out the two columns costs per trace when it is summarised,
//! and the bytes per trace the two columns (and the label column) add to the index.

use std::collections::HashMap;

use trace_viewer_core::corpus::error_template::error_template;
use trace_viewer_core::corpus::index::TraceSource;
use trace_viewer_core::corpus::line_batch::{summarize_lines, LinesAt};
use trace_viewer_core::corpus::signature::signature;
use trace_viewer_core::corpus::summary::TraceSummary;
use trace_viewer_core::corpus::Corpus;
use trace_viewer_core::generate::corpus::otlp_json_lines_with_loops;
use trace_viewer_core::import::import_text;

use super::{best_of, Yardstick};

const DISTINCT: u64 = 20_000;
const PLANTED: u64 = 200;
const ROWS: usize = 1_000_000;

pub fn run(yardstick: &Yardstick) {
    let text = otlp_json_lines_with_loops(DISTINCT, PLANTED);
    let traces = import_text(&text, None).expect("the generated corpus imports").traces;
    let milliseconds = best_of(3, || {
        traces.iter().map(|trace| signature(trace).len() + error_template(trace).map_or(0, |t| t.len())).sum::<usize>()
    });
    yardstick.report(
        &format!(
            "signature and error template of {DISTINCT} traces as they are summarised ({:.1} µs a trace)",
            milliseconds * 1e3 / DISTINCT as f64
        ),
        milliseconds,
        None,
    );
    let mut corpus = Corpus::new();
    for (number, summary) in distinct_summaries(&text).iter().cycle().take(ROWS).enumerate() {
        let mut summary = summary.clone();
        summary.trace_id = format!("{number:032x}");
        corpus.index.add(summary, TraceSource::Kept { index: number as u32 });
    }
    for (by, filter) in [("signature", ""), ("error_template", ""), ("signature", "intent = refund")] {
        let patterns = corpus.patterns(filter, by, 100).expect("patterns");
        let milliseconds = best_of(5, || corpus.patterns(filter, by, 100).map(|patterns| patterns.len()));
        let within = if filter.is_empty() { String::new() } else { format!(" within `{filter}`") };
        yardstick.report(
            &format!(
                "patterns by {by}{within} over {ROWS} traces ({} patterns, the largest {} traces)",
                patterns.len(),
                patterns.first().map_or(0, |pattern| pattern.traces)
            ),
            milliseconds,
            Some(1_000.0),
        );
    }
    let columns = corpus.index.column_bytes();
    let per_trace = |name: &str| {
        columns.iter().filter(|(column, _)| column == name).map(|(_, bytes)| *bytes).sum::<usize>() as f64 / ROWS as f64
    };
    let total = columns.iter().map(|(_, bytes)| *bytes).sum::<usize>() as f64 / ROWS as f64;
    println!(
        "  index bytes per trace: signature {:.1}, error_template {:.1}, labels {:.1} (none labelled); all columns {total:.1} (previews apart)",
        per_trace("signature"),
        per_trace("error_template"),
        per_trace("labels"),
    );
}

/// Each generated trace summarised, its parts (a trace split over two lines) merged, in order.
pub(super) fn distinct_summaries(text: &str) -> Vec<TraceSummary> {
    let batch = summarize_lines(text.as_bytes(), LinesAt { offset: 0, starts_file: true });
    let mut order = Vec::new();
    let mut merged: HashMap<String, TraceSummary> = HashMap::new();
    for part in batch.traces {
        match merged.get_mut(&part.summary.trace_id) {
            Some(known) => known.merge(part.summary),
            None => {
                order.push(part.summary.trace_id.clone());
                merged.insert(part.summary.trace_id.clone(), part.summary);
            }
        }
    }
    order.into_iter().filter_map(|id| merged.remove(&id)).collect()
}
