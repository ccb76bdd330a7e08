//! Aggregates and BubbleUp against a plain reference: the generated corpus is read into a corpus
//! (lines cut anywhere), and every group's count, rates and nearest-rank percentiles must equal what
//! a direct computation over the whole import's traces gives; BubbleUp must rank the causes the
//! generator planted first (a tool failing with one model only; thumbs down concentrated in one
//! intent and variant), and its shares must equal plain counts.

mod generated_corpus;

use std::collections::BTreeMap;

use trace_viewer_core::corpus::aggregate::{AggregateGroup, DEFAULT_FAIL_DEFINITION, MEASURES};
use trace_viewer_core::corpus::summary::{feedback_bit, TraceSummary};
use trace_viewer_core::corpus::{Corpus, CorpusRequestError};
use trace_viewer_core::generate::corpus::otlp_json_lines;
use trace_viewer_core::import::import_text;
use trace_viewer_core::model::SpanKind;

const TRACES: u64 = 4_000;

fn corpus_and_reference() -> (Corpus, Vec<TraceSummary>) {
    generated_corpus::corpus_and_reference(TRACES, 65_519)
}

fn nearest_rank(values: &[u64], percent: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank - 1).map(|ns| *ns as f64 / 1e6)
}

fn has(trace: &TraceSummary, signal: &str) -> bool {
    trace.feedback & feedback_bit(signal).expect("a signal") != 0
}

/// The reference's measures of a group of traces (`tool`: the tool a `tool` group is of).
fn reference_measures(traces: &[&TraceSummary], tool: Option<&str>) -> BTreeMap<&'static str, Option<f64>> {
    let count = traces.len() as f64;
    let share =
        |holds: &dyn Fn(&TraceSummary) -> bool| Some(traces.iter().filter(|trace| holds(trace)).count() as f64 / count);
    let durations: Vec<u64> = traces.iter().map(|trace| trace.duration_ns()).collect();
    let costs: Vec<f64> = traces.iter().filter_map(|trace| trace.cost_usd).collect();
    let tool_spans: Vec<bool> = traces
        .iter()
        .flat_map(|trace| trace.spans.iter())
        .filter(|span| span.kind == SpanKind::Tool && tool.is_none_or(|tool| span.tool.as_deref() == Some(tool)))
        .map(|span| span.failed)
        .collect();
    BTreeMap::from([
        ("count", Some(count)),
        ("error_rate", share(&|trace| trace.error_count > 0)),
        ("fail_rate", share(&|trace| trace.error_count > 0 || has(trace, "thumbs_down") || has(trace, "abandoned"))),
        ("p50_duration_ms", nearest_rank(&durations, 50.0)),
        ("p95_duration_ms", nearest_rank(&durations, 95.0)),
        ("p99_duration_ms", nearest_rank(&durations, 99.0)),
        ("cost_sum", (!costs.is_empty()).then(|| costs.iter().sum())),
        ("cost_mean", (!costs.is_empty()).then(|| costs.iter().sum::<f64>() / costs.len() as f64)),
        ("tokens_sum", Some(traces.iter().map(|trace| trace.tokens).sum::<u64>() as f64)),
        ("thumbs_up_rate", share(&|trace| has(trace, "thumbs_up"))),
        ("thumbs_down_rate", share(&|trace| has(trace, "thumbs_down"))),
        ("follow_up_rate", share(&|trace| has(trace, "follow_up"))),
        ("abandon_rate", share(&|trace| has(trace, "abandoned"))),
        ("convert_rate", share(&|trace| has(trace, "converted"))),
        (
            "tool_error_rate",
            (!tool_spans.is_empty())
                .then(|| tool_spans.iter().filter(|failed| **failed).count() as f64 / tool_spans.len() as f64),
        ),
    ])
}

fn assert_group_equals(group: &AggregateGroup, expected: &BTreeMap<&'static str, Option<f64>>) {
    assert_eq!(Some(group.count as f64), expected["count"], "count of {:?}", group.key);
    for (measure, value) in &group.measures {
        let wanted = expected[measure.as_str()];
        match (value, wanted) {
            // Sums of costs in another order may differ in the last bits.
            (Some(got), Some(wanted)) if measure.starts_with("cost") => {
                assert!(
                    (got - wanted).abs() <= 1e-9 * wanted.abs().max(1.0),
                    "{measure} of {:?}: {got} vs {wanted}",
                    group.key
                )
            }
            _ => assert_eq!(*value, wanted, "{measure} of {:?}", group.key),
        }
    }
}

fn all_measures() -> Vec<String> {
    MEASURES.iter().map(|measure| measure.to_string()).collect()
}

#[test]
fn grouped_by_intent_every_measure_equals_the_reference() {
    let (corpus, reference) = corpus_and_reference();
    let groups = corpus.aggregate(&["intent".into()], &all_measures(), "", "").expect("the aggregate runs");
    assert_eq!(groups.len(), 6);
    for group in &groups {
        let intent = group.key[0].1.as_deref();
        let traces: Vec<&TraceSummary> = reference.iter().filter(|trace| trace.intent.as_deref() == intent).collect();
        assert_group_equals(group, &reference_measures(&traces, None));
    }
    // Largest group first.
    assert!(groups.windows(2).all(|pair| pair[0].count >= pair[1].count));
}

#[test]
fn a_trace_counts_in_the_group_of_each_of_its_tools_and_the_tool_error_rate_is_that_tool_s() {
    let (corpus, reference) = corpus_and_reference();
    let filter = "variant = \"treatment\"";
    let groups = corpus.aggregate(&["tool".into()], &all_measures(), filter, "").expect("the aggregate runs");
    let treatment: Vec<&TraceSummary> =
        reference.iter().filter(|trace| trace.variant.as_deref() == Some("treatment")).collect();
    assert!(groups.len() >= 4);
    for group in &groups {
        let tool = group.key[0].1.as_deref();
        let traces: Vec<&TraceSummary> = treatment
            .iter()
            .copied()
            .filter(|trace| match tool {
                Some(tool) => trace.tools.contains(tool),
                None => trace.tools.is_empty(),
            })
            .collect();
        assert_group_equals(group, &reference_measures(&traces, tool));
    }
    // A trace counts once per tool it has (once, in the group of no tool, without any).
    let total: u64 = groups.iter().map(|group| group.count).sum();
    assert_eq!(total, treatment.iter().map(|trace| trace.tools.len().max(1) as u64).sum::<u64>());
}

#[test]
fn grouped_by_two_fields_the_groups_are_every_combination_present() {
    let (corpus, reference) = corpus_and_reference();
    let measures = vec!["count".to_string(), "fail_rate".to_string(), "p95_duration_ms".to_string()];
    let groups = corpus
        .aggregate(&["model".into(), "variant".into()], &measures, "duration_ms > 1000", "")
        .expect("the aggregate runs");
    let kept: Vec<&TraceSummary> = reference.iter().filter(|trace| trace.duration_ns() > 1_000_000_000).collect();
    let mut expected_groups = 0;
    for model in kept.iter().flat_map(|trace| trace.models.iter()).collect::<std::collections::BTreeSet<_>>() {
        for variant in ["control", "treatment"] {
            let traces: Vec<&TraceSummary> = kept
                .iter()
                .copied()
                .filter(|trace| trace.models.contains(model) && trace.variant.as_deref() == Some(variant))
                .collect();
            if traces.is_empty() {
                continue;
            }
            expected_groups += 1;
            let key =
                vec![("model".to_string(), Some(model.clone())), ("variant".to_string(), Some(variant.to_string()))];
            let group = groups.iter().find(|group| group.key == key).expect("the combination is a group");
            let expected = reference_measures(&traces, None);
            assert_eq!(group.count as usize, traces.len());
            assert_eq!(group.measures[1].1, expected["fail_rate"]);
            assert_eq!(group.measures[2].1, expected["p95_duration_ms"]);
        }
    }
    assert_eq!(groups.len(), expected_groups);
    // No group field: one group of every kept trace.
    let everything = corpus.aggregate(&[], &measures, "duration_ms > 1000", "").expect("the aggregate runs");
    assert_eq!(everything.len(), 1);
    assert_eq!(everything[0].count as usize, kept.len());
}

#[test]
fn the_fail_rate_follows_the_person_s_definition_of_failed() {
    let (corpus, reference) = corpus_and_reference();
    let measures: Vec<String> =
        ["fail_rate", "error_rate", "thumbs_down_rate"].iter().map(|measure| measure.to_string()).collect();
    let by_intent = |definition: &str| corpus.aggregate(&["intent".into()], &measures, "", definition).unwrap();
    // The default, written out, is the default.
    assert_eq!(by_intent(""), by_intent(DEFAULT_FAIL_DEFINITION));
    // Failed as "a span failed" is the error rate; as "a thumbs down" the thumbs-down rate.
    for group in by_intent("status = error") {
        assert_eq!(group.measures[0].1, group.measures[1].1, "{:?}", group.key);
    }
    for group in by_intent("feedback = thumbs_down") {
        assert_eq!(group.measures[0].1, group.measures[2].1, "{:?}", group.key);
    }
    // A definition of anything else: slow traces, counted by hand.
    for group in by_intent("duration_ms > 2000") {
        let intent = group.key[0].1.as_deref();
        let traces: Vec<&TraceSummary> = reference.iter().filter(|trace| trace.intent.as_deref() == intent).collect();
        let slow = traces.iter().filter(|trace| trace.duration_ns() > 2_000_000_000).count();
        assert_eq!(group.measures[0].1, Some(slow as f64 / traces.len() as f64), "{intent:?}");
    }
    let error = corpus.aggregate(&["intent".into()], &measures, "", "status =").unwrap_err();
    assert!(error.to_string().contains("the fail definition \"status =\" does not parse at column"), "{error}");
}

#[test]
fn unknown_fields_measures_and_bad_filters_are_errors_that_say_which() {
    let (corpus, _) = corpus_and_reference();
    let error = corpus.aggregate(&["colour".into()], &["count".into()], "", "").unwrap_err();
    assert!(error.to_string().contains("cannot group by \"colour\""), "{error}");
    let error = corpus.aggregate(&["intent".into()], &["median".into()], "", "").unwrap_err();
    assert!(error.to_string().contains("unknown measure \"median\""), "{error}");
    let error = corpus.aggregate(&["intent".into()], &["count".into()], "duration_ms >", "").unwrap_err();
    assert!(matches!(error, CorpusRequestError::Filter(ref query) if query.column == 14), "{error:?}");
    assert!(corpus.bubble_up("status = ", None, 10).is_err());
}

#[test]
fn bubble_up_ranks_the_planted_causes_first_and_its_shares_are_plain_counts() {
    let (corpus, reference) = corpus_and_reference();
    // Failures: lookup_order fails with o3-mini only, and complaints fail five times as often.
    let failing = corpus.bubble_up("status = error", None, 10).expect("BubbleUp runs");
    let top: Vec<(&str, &str)> =
        failing[..3].iter().map(|value| (value.field.as_str(), value.value.as_str())).collect();
    for planted in [("model", "o3-mini"), ("tool", "lookup_order"), ("intent", "complaint")] {
        assert!(top.contains(&planted), "{planted:?} in the first three: {failing:#?}");
    }
    assert!(failing.iter().all(|value| value.field != "status"), "the selection's own field is left out");
    // Thumbs down: the treatment's cancellations.
    let unhappy = corpus.bubble_up("feedback = thumbs_down", None, 10).expect("BubbleUp runs");
    let top: Vec<(&str, &str)> =
        unhappy[..2].iter().map(|value| (value.field.as_str(), value.value.as_str())).collect();
    assert!(
        top.contains(&("intent", "cancel_subscription")) && top.contains(&("variant", "treatment")),
        "{unhappy:#?}"
    );
    // Shares are counts: o3-mini among failed traces and among the rest.
    let o3 =
        failing.iter().find(|value| value.field == "model" && value.value == "o3-mini").expect("o3-mini is ranked");
    let (failed, rest): (Vec<&TraceSummary>, Vec<&TraceSummary>) =
        reference.iter().partition(|trace| trace.error_count > 0);
    let with_o3 = |traces: &[&TraceSummary]| {
        traces.iter().filter(|trace| trace.models.contains("o3-mini")).count() as f64 / traces.len() as f64
    };
    assert_eq!(o3.selection, with_o3(&failed));
    assert_eq!(o3.baseline, with_o3(&rest));
    assert_eq!(o3.score, o3.selection - o3.baseline);
    assert!(failing.windows(2).all(|pair| pair[0].score >= pair[1].score));
    // An explicit baseline: failed treatment traces against successful treatment ones.
    let within = corpus.bubble_up("status = error", Some("variant = \"treatment\""), 50).expect("BubbleUp runs");
    let treatment_rest: Vec<&TraceSummary> =
        rest.iter().copied().filter(|trace| trace.variant.as_deref() == Some("treatment")).collect();
    let o3 = within.iter().find(|value| value.field == "model" && value.value == "o3-mini").expect("o3-mini is ranked");
    assert_eq!(o3.baseline, with_o3(&treatment_rest));
    // At least forty dimensions are compared when the corpus has the attribute columns for them.
    let fields = trace_viewer_core::corpus::bubble_up::dimension_fields(&corpus.index);
    assert!(fields.len() >= 10, "{fields:?}");
}

/// Writes the reference's aggregates of the browser test's corpus (the 1,500 traces
/// tests/corpus.rs writes) for tests/e2e/corpus.test.mjs, which asks the element the same:
/// `target/corpus/reference-1500.aggregates.json`.
#[test]
fn writes_the_browser_test_s_reference_aggregates() {
    let text = otlp_json_lines(1_500);
    let reference: Vec<TraceSummary> =
        import_text(&text, None).expect("the corpus imports").traces.iter().map(TraceSummary::of).collect();
    let group_json = |key: serde_json::Value, traces: &[&TraceSummary], tool: Option<&str>| {
        let mut group = serde_json::json!({ "key": key, "count": traces.len() });
        for (measure, value) in reference_measures(traces, tool) {
            if measure != "count" {
                group[measure] = value.map_or(serde_json::Value::Null, serde_json::Value::from);
            }
        }
        group
    };
    let intents: std::collections::BTreeSet<Option<&str>> =
        reference.iter().map(|trace| trace.intent.as_deref()).collect();
    let by_intent: Vec<serde_json::Value> = intents
        .into_iter()
        .map(|intent| {
            let traces: Vec<&TraceSummary> =
                reference.iter().filter(|trace| trace.intent.as_deref() == intent).collect();
            group_json(serde_json::json!({ "intent": intent }), &traces, None)
        })
        .collect();
    let tools: std::collections::BTreeSet<&String> = reference.iter().flat_map(|trace| trace.tools.iter()).collect();
    let by_tool: Vec<serde_json::Value> = tools
        .into_iter()
        .map(|tool| {
            let traces: Vec<&TraceSummary> = reference.iter().filter(|trace| trace.tools.contains(tool)).collect();
            group_json(serde_json::json!({ "tool": tool }), &traces, Some(tool))
        })
        .collect();
    let answers = serde_json::json!({
        "byIntent": by_intent,
        "byTool": by_tool,
        "measures": MEASURES,
        "sessionsByCost": reference_sessions_by_cost(&reference),
        "mergedRefund200": reference_merged_tree(&text, "refund", 200),
    });
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/corpus");
    std::fs::create_dir_all(&folder).expect("target/corpus can be made");
    std::fs::write(folder.join("reference-1500.aggregates.json"), serde_json::to_string_pretty(&answers).unwrap())
        .expect("the reference aggregates are written");
}

/// The merged tree of the first `limit` traces of `intent` in file order, built directly from the
/// whole import (the browser reads the same traces again from the file).
fn reference_merged_tree(text: &str, intent: &str, limit: usize) -> serde_json::Value {
    let set = import_text(text, None).expect("the corpus imports");
    let mut tree = trace_viewer_core::corpus::merged_tree::MergedTree::default();
    let matching = set.traces.iter().filter(|trace| trace.intent.as_deref() == Some(intent));
    matching.clone().take(limit).for_each(|trace| tree.add(trace));
    serde_json::to_value(tree.answer(matching.count() as u64)).expect("the answer serializes")
}

/// The sessions of `reference` by cost, largest first (ties by session id), the first 100: each
/// with its turns in the order they started (trace id and question), computed directly.
fn reference_sessions_by_cost(reference: &[TraceSummary]) -> Vec<serde_json::Value> {
    let mut by_session: BTreeMap<&str, Vec<&TraceSummary>> = BTreeMap::new();
    for trace in reference {
        if let Some(session) = trace.session.as_deref() {
            by_session.entry(session).or_default().push(trace);
        }
    }
    let mut sessions: Vec<(&str, f64, Vec<&TraceSummary>)> = by_session
        .into_iter()
        .map(|(session, mut turns)| {
            // Summed in the file's order, as the index adds its rows (float sums depend on it).
            let cost = turns.iter().filter_map(|trace| trace.cost_usd).sum::<f64>();
            turns.sort_by_key(|trace| (trace.start_ns, trace.trace_id.clone()));
            (session, cost, turns)
        })
        .collect();
    // Costs equal to a billionth of a dollar tie, as in the sessions list.
    let nano = |cost: f64| (cost * 1e9).round();
    sessions.sort_by(|left, right| nano(right.1).total_cmp(&nano(left.1)).then_with(|| left.0.cmp(right.0)));
    sessions
        .into_iter()
        .take(100)
        .map(|(session, cost, turns)| {
            serde_json::json!({
                "session": session,
                "cost": cost,
                "failedTurns": turns.iter().filter(|trace| trace.error_count > 0).count(),
                "turns": turns.iter().map(|trace| serde_json::json!({ "traceId": trace.trace_id, "input": trace.input_preview })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

#[test]
fn compare_gives_both_groups_measures_and_intervals_that_find_the_planted_effect() {
    let (corpus, reference) = corpus_and_reference();
    let control = "variant = \"control\"";
    let treatment = "variant = \"treatment\"";
    let comparison = corpus.compare(control, treatment, "").expect("the comparison runs");
    let in_variant = |variant: &str| reference.iter().filter(|trace| trace.variant.as_deref() == Some(variant)).count();
    assert_eq!(comparison.a as usize, in_variant("control"));
    assert_eq!(comparison.b as usize, in_variant("treatment"));
    // Each value is the aggregate's for that group.
    let measures: Vec<String> = comparison.measures.iter().map(|measure| measure.measure.clone()).collect();
    for (filter, pick) in [(control, 0), (treatment, 1)] {
        let groups = corpus.aggregate(&[], &measures, filter, "").unwrap();
        for (compared, (name, value)) in comparison.measures.iter().zip(&groups[0].measures) {
            let mine = if pick == 0 { compared.a } else { compared.b };
            match (mine, value) {
                (Some(mine), Some(value)) => assert!((mine - value).abs() < 1e-9, "{name}: {mine} against {value}"),
                _ => assert_eq!(mine, *value, "{name}"),
            }
        }
    }
    // The treatment's planted thumbs down: a difference whose whole interval is above zero.
    let unhappy = comparison.measures.iter().find(|measure| measure.measure == "thumbs_down_rate").unwrap();
    assert!(unhappy.low.unwrap() > 0.0 && unhappy.delta.unwrap() > unhappy.low.unwrap(), "{unhappy:?}");
    assert!(unhappy.high.unwrap() > unhappy.delta.unwrap());
    // A group against itself: nothing differs, and every interval holds zero.
    let same = corpus.compare(control, control, "").unwrap();
    for measure in &same.measures {
        assert_eq!(measure.delta, Some(0.0), "{}", measure.measure);
        assert!(measure.low.unwrap() <= 0.0 && measure.high.unwrap() >= 0.0, "{measure:?}");
    }
    // Run twice, the same numbers (the bootstrap's seed is fixed).
    assert_eq!(corpus.compare(control, treatment, "").unwrap(), comparison);
    assert!(corpus.compare("status =", treatment, "").is_err());
}

#[test]
fn grouped_by_day_or_hour_each_bucket_holds_the_traces_that_started_in_it() {
    let (corpus, reference) = corpus_and_reference();
    for (field, width) in [("day", 86_400_000_000_000u64), ("hour", 3_600_000_000_000)] {
        let groups = corpus.aggregate(&[field.into()], &["count".into(), "fail_rate".into()], "", "").unwrap();
        let mut expected: BTreeMap<u64, u64> = BTreeMap::new();
        for trace in &reference {
            *expected.entry(trace.start_ns - trace.start_ns % width).or_default() += 1;
        }
        assert_eq!(groups.len(), expected.len(), "{field}: one group per {field} with traces");
        for group in &groups {
            let text = group.key[0].1.as_deref().expect("every trace has a start");
            let start = trace_viewer_core::model::parse_rfc3339_ns(text).expect("the key is RFC 3339");
            assert_eq!(start % width, 0, "{text} starts a {field}");
            assert_eq!(Some(&group.count), expected.get(&start), "{field} {text}");
        }
    }
    let error = corpus.aggregate(&["week".into()], &["count".into()], "", "").unwrap_err();
    assert!(error.to_string().contains("hour, day"), "{error}");
}

#[test]
fn sessions_gather_their_turns_as_the_reference_does_and_sort_and_page() {
    let (corpus, reference) = corpus_and_reference();
    let mut by_session: BTreeMap<&str, Vec<&TraceSummary>> = BTreeMap::new();
    for trace in &reference {
        by_session.entry(trace.session.as_deref().expect("generated traces have sessions")).or_default().push(trace);
    }
    let page = corpus.sessions("", "turns desc", 0, usize::MAX).expect("sessions");
    assert_eq!(page.count as usize, by_session.len());
    assert_eq!(page.traces_without_session, 0);
    assert_eq!(page.sessions.len(), by_session.len());
    for window in page.sessions.windows(2) {
        let in_order = window[0].turns > window[1].turns
            || (window[0].turns == window[1].turns && window[0].session < window[1].session);
        assert!(in_order, "{} then {}", window[0].session, window[1].session);
    }
    for row in &page.sessions {
        let mut turns = by_session[row.session.as_str()].clone();
        turns.sort_by_key(|trace| (trace.start_ns, trace.trace_id.clone()));
        let (first, last) = (turns[0], turns[turns.len() - 1]);
        assert_eq!(row.turns as usize, turns.len());
        assert_eq!(row.start_ms, first.start_ns as f64 / 1e6);
        let end = turns.iter().map(|trace| trace.end_ns).max().expect("a turn");
        assert_eq!(row.duration_ms, (end - first.start_ns) as f64 / 1e6);
        assert_eq!(row.failed_turns as usize, turns.iter().filter(|trace| trace.error_count > 0).count());
        assert_eq!(row.tokens, turns.iter().map(|trace| trace.tokens).sum::<u64>() as f64);
        assert_eq!(row.thumbs_down as usize, turns.iter().filter(|trace| has(trace, "thumbs_down")).count());
        assert_eq!(row.user, first.user);
        assert_eq!(row.first_input, first.input_preview);
        let expected_outcome = if turns.iter().any(|trace| has(trace, "converted")) {
            Some("converted")
        } else {
            ["abandoned", "thumbs_down", "thumbs_up"].into_iter().find(|signal| has(last, signal))
        };
        assert_eq!(row.outcome.as_deref(), expected_outcome, "{}", row.session);
        let costs: Vec<f64> = turns.iter().filter_map(|trace| trace.cost_usd).collect();
        let expected_cost = (!costs.is_empty()).then(|| costs.iter().sum::<f64>());
        assert!(
            row.cost_usd.zip(expected_cost).is_some_and(|(cost, expected)| (cost - expected).abs() < 1e-9)
                || row.cost_usd == expected_cost
        );
    }
    // A page is the same slice of the whole order, whichever way it was cut.
    let whole = corpus.sessions("intent = \"refund\"", "cost desc", 0, usize::MAX).expect("sessions");
    let part = corpus.sessions("intent = \"refund\"", "cost desc", 5, 10).expect("sessions");
    assert!(whole.sessions.len() > 15, "enough refund sessions to page");
    assert_eq!(part.count, whole.count);
    assert_eq!(part.offset, 5);
    assert_eq!(part.sessions, whole.sessions[5..15]);
    let nano = |cost: Option<f64>| cost.map(|cost| (cost * 1e9).round());
    assert!(whole.sessions.windows(2).all(|pair| nano(pair[0].cost_usd) >= nano(pair[1].cost_usd)));
    // A session's turns are its traces in the order they started.
    let longest = &page.sessions[0];
    let turns = corpus.session_turns(&longest.session);
    let mut expected: Vec<&TraceSummary> = by_session[longest.session.as_str()].clone();
    expected.sort_by_key(|trace| (trace.start_ns, trace.trace_id.clone()));
    let ids: Vec<&str> = turns.rows.iter().map(|row| row.trace_id.as_str()).collect();
    assert_eq!(ids, expected.iter().map(|trace| trace.trace_id.as_str()).collect::<Vec<_>>());
    assert!(corpus.session_turns("no such session").rows.is_empty());
    let unknown = corpus.sessions("", "colour", 0, 10).expect_err("an unknown sort field");
    assert!(unknown.to_string().contains("colour") && unknown.to_string().contains("turns"), "{unknown}");
}

#[test]
fn bubble_up_numbers_overlay_each_numeric_column_and_rank_the_most_different_first() {
    let (corpus, reference) = corpus_and_reference();
    let compared = corpus.bubble_up_numbers("status = error", None, 20).expect("the selection reads");
    // Failed traces have errors and the others none: the two distributions do not overlap.
    assert_eq!(compared[0].field, "errors");
    assert_eq!(compared[0].score, 1.0);
    assert!(compared.windows(2).all(|pair| pair[0].score >= pair[1].score));
    let failed = reference.iter().filter(|trace| trace.error_count > 0).count() as u64;
    let duration = compared.iter().find(|numbers| numbers.field == "duration_ms").expect("durations compared");
    assert_eq!((duration.selection, duration.baseline), (failed, reference.len() as u64 - failed));
    for numbers in &compared {
        let sum = |pick: fn(&trace_viewer_core::corpus::histograms::HistogramBin) -> f64| {
            numbers.bins.iter().map(pick).sum::<f64>()
        };
        assert!(
            (sum(|bin| bin.selection) - 1.0).abs() < 1e-9 && (sum(|bin| bin.baseline) - 1.0).abs() < 1e-9,
            "{}",
            numbers.field
        );
        assert!(numbers.bins.windows(2).all(|pair| pair[0].high <= pair[1].high + 1e-9));
    }
    // The durations' first bin starts at the shortest trace and the last ends at the longest.
    let durations: Vec<f64> = reference.iter().map(|trace| trace.duration_ns() as f64 / 1e6).collect();
    let shortest = durations.iter().copied().fold(f64::INFINITY, f64::min);
    let longest = durations.iter().copied().fold(0.0, f64::max);
    assert!((duration.bins[0].low - shortest).abs() < 1e-6 * shortest.max(1.0));
    assert_eq!(duration.bins[duration.bins.len() - 1].high, longest);
    // A field of the selection is left out, as BubbleUp's values are.
    let by_cost = corpus.bubble_up_numbers("cost > 0.02", None, 20).unwrap();
    assert!(by_cost.iter().all(|numbers| numbers.field != "cost"));
}
