//! The generated corpus read as the worker reads it, with its plain reference beside it: shared by
//! the tests of aggregates, BubbleUp, sessions and outcomes.

use trace_viewer_core::corpus::summary::TraceSummary;
use trace_viewer_core::corpus::Corpus;
use trace_viewer_core::generate::corpus::otlp_json_lines;
use trace_viewer_core::import::import_text;

/// `traces` generated traces fed to a corpus in pieces of `piece_bytes` (lines cut anywhere), and
/// each trace's summary from one import of the whole text (the reference).
pub fn corpus_and_reference(traces: u64, piece_bytes: usize) -> (Corpus, Vec<TraceSummary>) {
    let text = otlp_json_lines(traces);
    let reference: Vec<TraceSummary> =
        import_text(&text, None).expect("the corpus imports").traces.iter().map(TraceSummary::of).collect();
    let mut corpus = Corpus::new();
    let file = corpus.add_file("corpus.jsonl");
    for piece in text.as_bytes().chunks(piece_bytes) {
        corpus.feed(file, piece);
    }
    corpus.finish_file(file);
    assert_eq!(corpus.index.len() as u64, traces);
    (corpus, reference)
}
