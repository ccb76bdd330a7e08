//! The comparison of the fixture pair `tests/fixtures/compare/retry-loop-pair.json`: trace B is
//! trace A with a retry loop of three more search calls (which fail), one sentence of the system
//! prompt rewritten and another model. The comparison must say exactly that.

#[allow(dead_code)]
mod common;

use common::import_both_ways;
use trace_viewer_core::analysis::compare::{
    compare_texts, compare_traces, nearest_success, AlignMethod, Change, PathChange, TextComparison,
};

const PAIR: &str = "tests/fixtures/compare/retry-loop-pair.json";

#[test]
fn the_search_path_has_three_more_spans_and_nothing_else_changed_shape() {
    let set = import_both_ways(PAIR);
    let comparison = compare_traces(&set.traces[0], &set.traces[1]);
    let changed: Vec<(String, PathChange)> =
        comparison.structure.changed().map(|counts| (comparison.label(counts.path), counts.change())).collect();
    assert_eq!(changed, [("research-agent › web_search".to_string(), PathChange::More(3))]);
    assert_eq!(PathChange::More(3).mark(), "+3");
    assert_eq!(comparison.structure.size(), 3);
}

#[test]
fn the_totals_change_by_exact_amounts() {
    let set = import_both_ways(PAIR);
    let comparison = compare_traces(&set.traces[0], &set.traces[1]);
    let changes: Vec<(&str, String, String, String)> =
        comparison.total_changes().into_iter().map(|change| (change.label, change.a, change.b, change.delta)).collect();
    let expected = [
        ("Duration", "6.00 s", "9.50 s", "+3.50 s"),
        ("Cost", "$0.0072", "$0.0008", "\u{2212}$0.0064"),
        ("Tokens", "2,460", "2,670", "+210"),
        ("Spans", "4", "7", "+3"),
        ("Errors", "0", "3", "+3"),
        ("Tool calls", "1", "4", "+3"),
    ];
    let expected: Vec<(&str, String, String, String)> =
        expected.iter().map(|(label, a, b, delta)| (*label, a.to_string(), b.to_string(), delta.to_string())).collect();
    assert_eq!(changes, expected);
}

#[test]
fn the_steps_align_with_the_search_loop_folded_on_one_row() {
    let set = import_both_ways(PAIR);
    let (a, b) = (&set.traces[0], &set.traces[1]);
    let comparison = compare_traces(a, b);
    let steps = &comparison.steps;
    assert_eq!(steps.method, AlignMethod::Longest);
    let rows: Vec<(String, u32, u32, i128)> = steps
        .rows
        .iter()
        .map(|row| {
            let (step_a, step_b) = (&steps.a[row.a.unwrap() as usize], &steps.b[row.b.unwrap() as usize]);
            assert_eq!(step_a.path, step_b.path);
            (a.spans[step_a.span as usize].name.clone(), step_a.count, step_b.count, steps.delta(*row).duration_ns)
        })
        .collect();
    let ms = 1_000_000i128;
    let expected = [
        ("research-agent", 1, 1, 3_500 * ms),
        ("plan", 1, 1, 0),
        ("web_search", 1, 4, (3 * 1_000 + 800 - 800) * ms),
        ("answer", 1, 1, 300 * ms),
    ];
    let expected: Vec<(String, u32, u32, i128)> =
        expected.iter().map(|(name, a, b, delta)| (name.to_string(), *a, *b, *delta)).collect();
    assert_eq!(rows, expected);
    let answer = steps.delta(steps.rows[3]);
    assert_eq!(answer.tokens, 210);
    assert!((answer.cost_usd.unwrap() - (0.0005 - 0.0047)).abs() < 1e-12);
}

fn marked(text: &TextComparison, change: Change) -> Vec<&str> {
    text.diff.pieces.iter().filter(|piece| piece.change == change).map(|piece| piece.text.as_str()).collect()
}

#[test]
fn only_the_changed_sentence_of_the_system_prompt_is_marked() {
    let set = import_both_ways(PAIR);
    let texts = compare_texts(&set.traces[0], &set.traces[1]);
    let labels: Vec<&str> = texts.iter().map(|text| text.label).collect();
    assert_eq!(labels, ["System prompt", "User messages", "Tool arguments", "Output"]);
    let system = &texts[0];
    assert_eq!(marked(system, Change::Removed), ["Answer using the search tool"]);
    assert_eq!(marked(system, Change::Added), ["Search again when the results are empty"]);
    assert!(texts[1].diff.is_unchanged(), "the user asked the same");
    assert_eq!(marked(&texts[2], Change::Removed), Vec::<&str>::new());
    assert_eq!(marked(&texts[2], Change::Added).len(), 1, "three more calls, one addition");
    assert!(!texts.iter().any(|text| text.cut));
}

#[test]
fn the_model_is_the_one_parameter_that_changed() {
    let set = import_both_ways(PAIR);
    let comparison = compare_traces(&set.traces[0], &set.traces[1]);
    let changes: Vec<(&str, Option<&str>, Option<&str>)> = comparison
        .parameters
        .iter()
        .map(|change| (change.name.as_str(), change.a.as_deref(), change.b.as_deref()))
        .collect();
    assert_eq!(changes, [("model", Some("gpt-4o"), Some("gpt-4o-mini"))]);
}

#[test]
fn the_failed_trace_s_nearest_success_is_the_other_one() {
    let set = import_both_ways(PAIR);
    let traces: Vec<&_> = set.traces.iter().collect();
    assert_eq!(nearest_success(&traces, 1), Some(0));
    assert_eq!(nearest_success(&traces, 0), None, "B failed, so A has no success to compare with");
}
