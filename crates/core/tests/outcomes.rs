//! Product outcomes joined to the generated corpus: a CSV keyed by user id (with users no trace
//! has, a repeated key and a row without one) and a JSON Lines file keyed by session id. Filters,
//! groups, measures and BubbleUp over `outcome."…"` fields must equal what a direct join of the
//! reference's traces with the file gives.

mod generated_corpus;

use std::collections::{BTreeMap, HashMap};

use trace_viewer_core::corpus::summary::TraceSummary;
use trace_viewer_core::corpus::Corpus;

const TRACES: u64 = 3_000;

fn corpus_and_reference() -> (Corpus, Vec<TraceSummary>) {
    generated_corpus::corpus_and_reference(TRACES, 50_000)
}

/// A user's plan and whether they were retained, made up from the user's number.
fn user_outcome(user: &str) -> (&'static str, u32, f64) {
    let number: u32 = user.trim_start_matches("user-").parse().unwrap_or(0);
    let plan = ["free", "pro", "team"][(number % 3) as usize];
    (plan, u32::from(!number.is_multiple_of(4)), f64::from(number % 7) * 1.5)
}

fn users_csv(reference: &[TraceSummary]) -> (String, usize) {
    let mut users: Vec<&str> = reference.iter().filter_map(|trace| trace.user.as_deref()).collect();
    users.sort_unstable();
    users.dedup();
    let mut csv = String::from("user_id,plan,retained_d30,revenue,note\n");
    for user in &users {
        let (plan, retained, revenue) = user_outcome(user);
        csv.push_str(&format!("{user},{plan},{retained},{revenue},\"said \"\"hi\"\", twice\"\n"));
    }
    for unknown in 0..25 {
        csv.push_str(&format!("user-x{unknown},free,1,0,\n"));
    }
    csv.push_str(&format!("{},team,0,0,repeated\n", users[0]));
    csv.push_str(",pro,1,1,no key\n");
    (csv, users.len())
}

#[test]
fn a_user_keyed_csv_becomes_fields_groups_and_measures_equal_to_a_direct_join() {
    let (mut corpus, reference) = corpus_and_reference();
    let (csv, users) = users_csv(&reference);
    let report = corpus.load_outcomes(csv.as_bytes(), "outcomes.csv").expect("the outcomes join");
    assert_eq!(report.key, "user_id");
    assert_eq!((report.rows, report.matched, report.unmatched), (users as u64 + 25, users as u64, 25));
    assert_eq!((report.duplicate_keys, report.rows_without_key), (1, 1));
    assert_eq!(report.columns, ["plan", "retained_d30", "revenue", "note"]);
    assert_eq!(report.numeric_columns, ["retained_d30", "revenue"]);

    // A filter on an outcome field keeps the traces of the users with that plan.
    let pro = reference.iter().filter(|trace| trace.user.as_deref().is_some_and(|user| user_outcome(user).0 == "pro"));
    assert_eq!(corpus.query("outcome.\"plan\" = \"pro\"", "", 0).unwrap().count as usize, pro.count());
    let wealthy =
        reference.iter().filter(|trace| trace.user.as_deref().is_some_and(|user| user_outcome(user).2 >= 6.0));
    assert_eq!(corpus.query("outcome.revenue >= 6", "", 0).unwrap().count as usize, wealthy.count());

    // Grouped by variant: the mean retention and total revenue of each group's traces.
    let measures =
        vec!["count".to_string(), "mean(outcome.\"retained_d30\")".to_string(), "sum(outcome.\"revenue\")".to_string()];
    let groups = corpus.aggregate(&["variant".to_string()], &measures, "", "").expect("aggregate");
    let mut expected: BTreeMap<Option<&str>, (u64, f64, f64)> = BTreeMap::new();
    for trace in &reference {
        let entry = expected.entry(trace.variant.as_deref()).or_default();
        let (_, retained, revenue) = user_outcome(trace.user.as_deref().unwrap_or_default());
        *entry = (entry.0 + 1, entry.1 + f64::from(retained), entry.2 + revenue);
    }
    assert_eq!(groups.len(), expected.len());
    for group in &groups {
        let (count, retained, revenue) = expected[&group.key[0].1.as_deref()];
        assert_eq!(group.count, count);
        let measure = |name: &str| group.measures.iter().find(|(known, _)| known == name).and_then(|(_, value)| *value);
        assert!((measure("mean(outcome.\"retained_d30\")").unwrap() - retained / count as f64).abs() < 1e-12);
        assert!((measure("sum(outcome.\"revenue\")").unwrap() - revenue).abs() < 1e-6);
    }
    // Grouped by an outcome column.
    let by_plan = corpus.aggregate(&["outcome.\"plan\"".to_string()], &["count".to_string()], "", "").unwrap();
    let mut plans: HashMap<&str, u64> = HashMap::new();
    for trace in &reference {
        *plans.entry(user_outcome(trace.user.as_deref().unwrap_or_default()).0).or_default() += 1;
    }
    assert_eq!(by_plan.len(), plans.len());
    for group in &by_plan {
        assert_eq!(group.count, plans[group.key[0].1.as_deref().unwrap()]);
    }
    // Sorted by an outcome number, the table's rows carry their outcome values.
    let window = corpus.window("", "outcome.\"revenue\" desc", 0, 5).unwrap();
    assert!(window.rows.iter().all(|row| row.outcomes.iter().any(|(name, value)| name == "revenue" && value == "9")));
    assert!(corpus.columns().contains(&"outcome.\"plan\"".to_string()));
    // BubbleUp looks at outcome columns too.
    let bubble = corpus.bubble_up("outcome.\"plan\" = \"team\"", None, 100).unwrap();
    assert!(bubble.iter().all(|value| value.field != "outcome.\"plan\""), "the selection's own field is left out");
    assert!(corpus
        .bubble_up("outcome.retained_d30 = 0", None, 200)
        .unwrap()
        .iter()
        .any(|value| value.field.starts_with("outcome.")));
    // A text column is no measure; an unknown column says so.
    let error =
        corpus.aggregate(&["variant".to_string()], &["mean(outcome.\"plan\")".to_string()], "", "").unwrap_err();
    assert!(error.to_string().contains("text"), "{error}");
    let error = corpus.aggregate(&["outcome.\"colour\"".to_string()], &["count".to_string()], "", "").unwrap_err();
    assert!(error.to_string().contains("colour"), "{error}");
}

#[test]
fn a_session_keyed_json_lines_file_joins_by_session_and_says_which_lines_do_not_read() {
    let (mut corpus, reference) = corpus_and_reference();
    let mut sessions: Vec<&str> = reference.iter().filter_map(|trace| trace.session.as_deref()).collect();
    sessions.sort_unstable();
    sessions.dedup();
    let mut lines = String::new();
    for (place, session) in sessions.iter().enumerate().filter(|(place, _)| place.is_multiple_of(2)) {
        lines.push_str(&format!(
            "{{\"session_id\":\"{session}\",\"converted\":{},\"meta\":{{\"n\":{place}}}}}\n",
            place % 4 == 0
        ));
    }
    lines.push_str("{\"session_id\": broken\n");
    let report = corpus.load_outcomes(lines.as_bytes(), "sessions.jsonl").expect("the outcomes join");
    assert_eq!(report.key, "session_id");
    assert_eq!(report.matched as usize, sessions.len().div_ceil(2));
    assert_eq!(report.problems.len(), 1);
    assert!(report.problems[0].starts_with("line "), "{:?}", report.problems);
    let converted: std::collections::HashSet<&str> =
        sessions.iter().enumerate().filter(|(place, _)| place.is_multiple_of(4)).map(|(_, session)| *session).collect();
    let expected =
        reference.iter().filter(|trace| trace.session.as_deref().is_some_and(|session| converted.contains(session)));
    assert_eq!(corpus.query("outcome.converted = 1", "", 0).unwrap().count as usize, expected.count());
    let joined = reference.iter().filter(|trace| {
        trace
            .session
            .as_deref()
            .is_some_and(|session| sessions.iter().position(|known| *known == session).unwrap().is_multiple_of(2))
    });
    assert_eq!(
        corpus.query("outcome.meta != \"\" and outcome.meta ~ \"n\"", "", 0).unwrap().count as usize,
        joined.count()
    );
}

#[test]
fn a_file_without_a_key_column_is_refused_with_its_columns() {
    let (mut corpus, _) = corpus_and_reference();
    let error = corpus.load_outcomes(b"customer,plan\nc1,pro\n", "crm.csv").unwrap_err();
    assert!(error.contains("crm.csv") && error.contains("customer, plan"), "{error}");
    assert!(corpus.outcomes_report().is_none());
}

#[test]
fn the_generated_outcome_files_join_every_generated_trace() {
    let (mut corpus, _) = corpus_and_reference();
    for wide in [false, true] {
        let mut csv = String::new();
        trace_viewer_core::generate::corpus::write_outcomes_csv(TRACES, wide, &mut |line| csv.push_str(line));
        let report = corpus.load_outcomes(csv.as_bytes(), "generated.csv").expect("the outcomes join");
        assert_eq!(
            (report.key.as_str(), report.rows, report.matched, report.unmatched),
            ("trace_id", TRACES, TRACES, 0)
        );
        if wide {
            assert_eq!(report.columns.len(), 31);
            let customers =
                corpus.aggregate(&["outcome.customer".to_string()], &["count".to_string()], "", "").unwrap();
            assert!(customers.len() > 900 && customers.len() <= 1_000, "{} customers", customers.len());
        } else {
            assert_eq!(report.numeric_columns, ["retained_d30", "revenue"]);
        }
    }
}
