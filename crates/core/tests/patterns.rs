//! Patterns without a model over the generated corpus: traces planted stuck in a loop form their
//! own signature pattern with exactly the planted count, failures whose messages differ only in
//! numbers and ids share one error template, and a pattern's filter selects exactly its traces.
//! Labels as a column: set, filtered, grouped and cleared.

use trace_viewer_core::corpus::Corpus;
use trace_viewer_core::generate::corpus::{is_planted_loop, otlp_json_lines_with_loops, trace_id};
use trace_viewer_core::import::import_text;
use trace_viewer_core::view::error_message::best_error_message;

const TRACES: u64 = 3_000;
const PLANTED: u64 = 37;

fn corpus() -> Corpus {
    let text = otlp_json_lines_with_loops(TRACES, PLANTED);
    let mut corpus = Corpus::new();
    let file = corpus.add_file("corpus.jsonl");
    for piece in text.as_bytes().chunks(65_521) {
        corpus.feed(file, piece);
    }
    corpus.finish_file(file);
    assert_eq!(corpus.index.len() as u64, TRACES);
    corpus
}

#[test]
fn planted_loops_form_their_own_signature_pattern_with_the_planted_count() {
    let mut corpus = corpus();
    let patterns = corpus.patterns("", "signature", 1_000).expect("patterns by signature");
    let looping: Vec<_> =
        patterns.iter().filter(|pattern| pattern.text.contains("(tool:execute_tool search_kb)+")).collect();
    assert_eq!(looping.len(), 1, "{patterns:#?}");
    let pattern = looping[0];
    assert_eq!(pattern.text, "agent:support-agent [llm:chat plan › (tool:execute_tool search_kb)+]");
    assert_eq!(pattern.traces, PLANTED);
    assert_eq!(patterns.iter().map(|pattern| pattern.traces).sum::<u64>(), TRACES, "every trace has a signature");
    assert!(patterns.windows(2).all(|pair| pair[0].traces >= pair[1].traces), "most traces first");
    // The pattern's filter opens exactly the planted traces.
    let answer = corpus.query(&pattern.filter, "trace_id", usize::MAX).expect("the pattern's filter reads");
    let mut planted: Vec<String> =
        (0..TRACES).filter(|&number| is_planted_loop(number, TRACES, PLANTED)).map(trace_id).collect();
    planted.sort();
    let mut found = answer.trace_ids.clone();
    found.sort();
    assert_eq!(found, planted);
}

#[test]
fn messages_differing_only_in_numbers_and_ids_share_one_error_template() {
    let mut corpus = corpus();
    let failed = corpus.query("status = error", "", usize::MAX).expect("failed traces").count;
    assert!(failed > 50, "{failed}");
    let templates = corpus.patterns("", "error_template", 10).expect("patterns by error template");
    assert_eq!(templates.len(), 1, "{templates:#?}");
    assert_eq!(templates[0].text, "upstream timeout after <n> ms (request <id>)");
    assert_eq!((templates[0].traces, templates[0].failed), (failed, failed));
    // The raw messages it groups are many.
    let text = otlp_json_lines_with_loops(TRACES, PLANTED);
    let mut messages: Vec<String> = import_text(&text, None)
        .expect("imports")
        .traces
        .iter()
        .flat_map(|trace| trace.spans.iter().filter_map(best_error_message).map(|message| message.text))
        .collect();
    messages.sort();
    messages.dedup();
    assert!(messages.len() as u64 > failed / 2, "{} distinct messages", messages.len());
    // Within a filter, a pattern's filter narrows that filter.
    let within = corpus.patterns("intent = complaint", "error_template", 10).expect("within a filter");
    assert_eq!(
        within[0].filter,
        "(intent = complaint) and error_template = \"upstream timeout after <n> ms (request <id>)\""
    );
    let count = corpus.query(&within[0].filter, "", 0).expect("reads").count;
    assert_eq!(count, within[0].traces);
    assert!(within[0].traces < failed);
    assert!(corpus.patterns("", "intent", 10).is_err(), "only signature and error_template");
}

#[test]
fn labels_are_a_column_to_filter_group_and_clear() {
    let mut corpus = corpus();
    let ids: Vec<String> = (0..6).map(trace_id).collect();
    let labels = |names: &[&str]| names.iter().map(|name| name.to_string()).collect::<Vec<String>>();
    assert!(corpus.set_labels(&ids[0], &labels(&["hallucination"])));
    assert!(corpus.set_labels(&ids[1], &labels(&["hallucination", "wrong_tool"])));
    assert!(corpus.set_labels(&ids[2], &labels(&["wrong_tool"])));
    assert!(!corpus.set_labels("no-such-trace", &labels(&["hallucination"])));
    let count = |corpus: &mut Corpus, filter: &str| corpus.query(filter, "", 0).expect("reads").count;
    assert_eq!(count(&mut corpus, "label = \"hallucination\""), 2);
    assert_eq!(count(&mut corpus, "label = wrong_tool and not label = hallucination"), 1);
    assert_eq!(count(&mut corpus, "label ~ \"\""), 3, "any label");
    assert_eq!(count(&mut corpus, "not label ~ \"\""), TRACES - 3, "no label");
    // A trace counts in the group of each of its labels.
    let groups = corpus
        .aggregate(&["label".to_string()], &["count".to_string(), "fail_rate".to_string()], "label ~ \"\"", "")
        .expect("grouped by label");
    let counts: Vec<(Option<String>, u64)> = groups.iter().map(|group| (group.key[0].1.clone(), group.count)).collect();
    assert!(counts.contains(&(Some("hallucination".into()), 2)), "{counts:?}");
    assert!(counts.contains(&(Some("wrong_tool".into()), 2)), "{counts:?}");
    assert_eq!(counts.len(), 2);
    // The table's order follows labels changed since the last window.
    let first = corpus.query("", "label", 1).expect("sorted by label").trace_ids;
    assert_eq!(first, [ids[0].clone()], "hallucination sorts first");
    assert!(corpus.set_labels(&ids[0], &[]));
    assert!(corpus.set_labels(&ids[1], &[]));
    assert_eq!(count(&mut corpus, "label = \"hallucination\""), 0);
    assert_eq!(corpus.query("", "label", 1).expect("sorted").trace_ids, [ids[2].clone()]);
    assert_eq!(count(&mut corpus, "label ~ \"\""), 1);
}
