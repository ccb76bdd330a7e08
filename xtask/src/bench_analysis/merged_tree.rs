//! The merged tree of 100,000 traces natively: a corpus of generated OTLP JSON Lines indexed as
//! the worker indexes it, then `mergedTree()`'s work timed: every trace in one line merged from its
//! span skeleton, the tenth split over two lines read again from the text's bytes. Beside it, the
//! way it was done before skeletons (every line imported again and merged) and the skeletons'
//! bytes per trace in the index.

use trace_viewer_core::corpus::merged_tree::{MergedAnswer, MergedTree};
use trace_viewer_core::corpus::Corpus;
use trace_viewer_core::generate::corpus::otlp_json_lines;
use trace_viewer_core::import::import_text;

use super::{best_of, Yardstick};

const TRACES: usize = 100_000;

pub fn run(yardstick: &Yardstick) {
    let text = otlp_json_lines(TRACES as u64);
    let bytes = text.as_bytes();
    let mut corpus = Corpus::new();
    let file = corpus.add_file("corpus.jsonl");
    for piece in bytes.chunks(16 << 20) {
        corpus.feed(file, piece);
    }
    corpus.finish_file(file);
    let merge = || -> (MergedAnswer, usize) {
        let mut reading = corpus.merge_reading("", TRACES).expect("an empty filter reads");
        let at_once = reading.traces_merged() as usize;
        for (window, range) in reading.windows.clone().iter().enumerate() {
            let start = range.offset as usize;
            reading.add_window(window, &bytes[start..start + range.length as usize]);
        }
        (reading.finish(), at_once)
    };
    let (answer, at_once) = merge();
    let milliseconds = best_of(3, merge);
    yardstick.report(
        &format!(
            "merged tree of {} traces ({} paths): {at_once} from their skeletons, {} split over two lines read again",
            answer.traces,
            answer.paths.len(),
            answer.traces as usize - at_once
        ),
        milliseconds,
        Some(1_000.0),
    );
    let milliseconds = best_of(3, || corpus.merge_reading("", TRACES).map(|reading| reading.traces_merged()));
    yardstick.report(
        &format!("of which the {at_once} skeletons merged (the plan of the rest made)"),
        milliseconds,
        None,
    );
    let milliseconds = best_of(1, || {
        let mut tree = MergedTree::default();
        for line in text.lines() {
            for trace in import_text(line, None).map(|set| set.traces).unwrap_or_default() {
                tree.add(&trace);
            }
        }
        tree.answer(0).paths.len()
    });
    yardstick.report(
        &format!("the same {} MB read again, every line imported and merged (before skeletons)", bytes.len() >> 20),
        milliseconds,
        None,
    );
    let columns = corpus.index.column_bytes();
    let rows = corpus.index.len() as f64;
    let skeletons =
        columns.iter().filter(|(column, _)| column == "span skeletons").map(|(_, bytes)| *bytes).sum::<usize>();
    let total = columns.iter().map(|(_, bytes)| *bytes).sum::<usize>() as f64;
    println!(
        "  index bytes per trace: span skeletons {:.1}; all columns {:.1} (previews apart)",
        skeletons as f64 / rows,
        total / rows
    );
}
