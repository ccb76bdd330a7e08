//! The merged tree from the index's span skeletons and, for traces split over two lines, read back
//! from the corpus's files (windows of byte ranges, each trace imported again) equals the merged
//! tree built directly from the whole import's traces, for a filter.

use trace_viewer_core::corpus::merged_tree::MergedTree;
use trace_viewer_core::corpus::Corpus;
use trace_viewer_core::generate::corpus::otlp_json_lines;
use trace_viewer_core::import::import_text;

#[test]
fn the_merged_tree_read_again_equals_the_one_built_from_the_import() {
    let text = otlp_json_lines(2_000);
    let set = import_text(&text, None).expect("the corpus imports");
    let mut corpus = Corpus::new();
    let file = corpus.add_file("corpus.jsonl");
    for piece in text.as_bytes().chunks(70_001) {
        corpus.feed(file, piece);
    }
    corpus.finish_file(file);

    let filter = "intent = \"refund\"";
    let limit = 150;
    let mut reading = corpus.merge_reading(filter, limit).expect("the filter reads");
    let windows = reading.windows.len();
    let merged_at_once = reading.traces_merged();
    for (window, range) in reading.windows.clone().iter().enumerate() {
        let start = range.offset as usize;
        reading.add_window(window, &text.as_bytes()[start..start + range.length as usize]);
    }
    assert_eq!(reading.problems(), 0);
    assert_eq!(reading.traces_merged(), limit as u64);
    let answer = reading.finish();

    let wanted = corpus.query(filter, "", usize::MAX).expect("the filter reads");
    assert!(wanted.count > limit as u64);
    assert_eq!(answer.matching, wanted.count);
    // The first `limit` in the order read: the index's row order, which is the file's.
    let first: Vec<&String> = set
        .traces
        .iter()
        .filter(|trace| trace.intent.as_deref() == Some("refund"))
        .take(limit)
        .map(|trace| &trace.trace_id)
        .collect();
    // Traces in one line merge from their skeletons at once; those split over two are read again.
    let split = first.iter().filter(|trace_id| corpus.ranges_of(trace_id).expect("an indexed trace").len() > 1).count();
    assert!(split > 0 && split < limit / 2, "{split} of {limit} in parts");
    assert_eq!(merged_at_once, (limit - split) as u64);
    assert!(windows < 2 * split, "nearby ranges share a window: {windows} windows for {split} traces of two lines");
    let mut direct = MergedTree::default();
    for trace in set.traces.iter().filter(|trace| first.contains(&&trace.trace_id)) {
        direct.add(trace);
    }
    let expected = direct.answer(wanted.count);
    assert_eq!(answer, expected);
    assert!(answer.paths.len() > 3 && answer.paths.iter().any(|path| path.depth >= 2), "{:?}", answer.paths);
    let roots: u64 = answer.paths.iter().filter(|path| path.parent.is_none()).map(|path| path.count).sum();
    assert_eq!(roots, limit as u64, "one root span per trace");
}
