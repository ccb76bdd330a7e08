//! How far two labellers agree, per category: over the traces both labelled, each category is
//! present or absent in each one's label; Cohen's kappa compares the share of traces where they
//! agree (observed) with the share chance would give from how often each used it (expected).

use std::collections::HashMap;

use super::labels::Label;
use super::taxonomy::Taxonomy;

/// One category's agreement between two labellers.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CategoryAgreement {
    pub category: String,
    /// Traces both labelled.
    pub traces: usize,
    /// Share of those traces where both gave it or both did not (0 without traces).
    pub observed: f64,
    /// The share chance agreement would give: p_a·p_b + (1−p_a)(1−p_b) (0 without traces).
    pub expected: f64,
    /// (observed − expected) / (1 − expected); `None` when expected is 1 (both always, or both
    /// never, gave it) or there are no traces.
    pub kappa: Option<f64>,
}

/// Agreement per taxonomy category (in its order) between labels `a` and `b`; a trace labelled
/// twice in one list counts with its last label.
pub fn agreement(a: &[Label], b: &[Label], taxonomy: &Taxonomy) -> Vec<CategoryAgreement> {
    let theirs: HashMap<&str, &Label> = b.iter().map(|label| (label.trace_id.as_str(), label)).collect();
    let ours: HashMap<&str, &Label> = a.iter().map(|label| (label.trace_id.as_str(), label)).collect();
    let pairs: Vec<(&Label, &Label)> =
        ours.iter().filter_map(|(trace_id, ours)| theirs.get(trace_id).map(|theirs| (*ours, *theirs))).collect();
    let traces = pairs.len();
    taxonomy
        .categories
        .iter()
        .map(|category| {
            let has = |label: &Label| label.categories.contains(&category.id);
            let (mut both, mut neither, mut only_a, mut only_b) = (0usize, 0usize, 0usize, 0usize);
            for (ours, theirs) in &pairs {
                match (has(ours), has(theirs)) {
                    (true, true) => both += 1,
                    (false, false) => neither += 1,
                    (true, false) => only_a += 1,
                    (false, true) => only_b += 1,
                }
            }
            if traces == 0 {
                return CategoryAgreement {
                    category: category.id.clone(),
                    traces,
                    observed: 0.0,
                    expected: 0.0,
                    kappa: None,
                };
            }
            let n = traces as f64;
            let observed = (both + neither) as f64 / n;
            let p_a = (both + only_a) as f64 / n;
            let p_b = (both + only_b) as f64 / n;
            let expected = p_a * p_b + (1.0 - p_a) * (1.0 - p_b);
            let kappa = (1.0 - expected > 1e-12).then(|| (observed - expected) / (1.0 - expected));
            CategoryAgreement { category: category.id.clone(), traces, observed, expected, kappa }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(assignments: &[(&str, &[&str])]) -> Vec<Label> {
        assignments
            .iter()
            .map(|(trace_id, categories)| Label {
                trace_id: trace_id.to_string(),
                categories: categories.iter().map(|id| id.to_string()).collect(),
                ..Label::default()
            })
            .collect()
    }

    /// Ten traces both labelled (t1–t10) and one only A labelled (t11, left out).
    ///
    /// `loop`: A on t1–t4, B on t1–t3 and t5. Both on t1–t3 (3), neither on t6–t10 (5):
    /// observed = 8/10 = 0.8. p_a = 4/10, p_b = 4/10: expected = 0.4·0.4 + 0.6·0.6 = 0.52.
    /// kappa = (0.8 − 0.52) / (1 − 0.52) = 0.28 / 0.48 = 0.58333…
    ///
    /// `hallucination`: A on t1–t5, B on t6–t10: observed 0, p_a = p_b = 0.5, expected 0.5,
    /// kappa = (0 − 0.5) / 0.5 = −1.
    ///
    /// `refused`: both on all ten: observed 1, expected 1·1 + 0·0 = 1, kappa undefined (None).
    /// `other`: neither ever: observed 1, expected 0·0 + 1·1 = 1, None.
    #[test]
    fn kappa_per_category_by_hand() {
        let a = labels(&[
            ("t1", &["hallucination", "refused", "loop"]),
            ("t2", &["hallucination", "refused", "loop"]),
            ("t3", &["hallucination", "refused", "loop"]),
            ("t4", &["hallucination", "refused", "loop"]),
            ("t5", &["hallucination", "refused"]),
            ("t6", &["refused"]),
            ("t7", &["refused"]),
            ("t8", &["refused"]),
            ("t9", &["refused"]),
            ("t10", &["refused"]),
            ("t11", &["loop", "other"]),
        ]);
        let b = labels(&[
            ("t10", &["refused", "hallucination"]),
            ("t9", &["refused", "hallucination"]),
            ("t8", &["refused", "hallucination"]),
            ("t7", &["refused", "hallucination"]),
            ("t6", &["refused", "hallucination"]),
            ("t5", &["refused", "loop"]),
            ("t4", &["refused"]),
            ("t3", &["refused", "loop"]),
            ("t2", &["refused", "loop"]),
            ("t1", &["refused", "loop"]),
        ]);
        let result = agreement(&a, &b, &Taxonomy::starter());
        let of = |id: &str| result.iter().find(|entry| entry.category == id).unwrap().clone();
        assert_eq!(result.len(), 8);
        assert_eq!(result[0].category, "hallucination", "taxonomy order");
        let looped = of("loop");
        assert_eq!(looped.traces, 10);
        assert!((looped.observed - 0.8).abs() < 1e-12);
        assert!((looped.expected - 0.52).abs() < 1e-12);
        assert!((looped.kappa.unwrap() - 0.28 / 0.48).abs() < 1e-12);
        assert!((of("hallucination").kappa.unwrap() + 1.0).abs() < 1e-12);
        assert_eq!((of("refused").observed, of("refused").kappa), (1.0, None));
        assert_eq!((of("other").expected, of("other").kappa), (1.0, None));
    }

    #[test]
    fn no_shared_traces_gives_no_kappa() {
        let a = labels(&[("x", &["loop"])]);
        let b = labels(&[("y", &["loop"])]);
        let result = agreement(&a, &b, &Taxonomy::starter());
        assert!(result.iter().all(|entry| entry.traces == 0 && entry.kappa.is_none()));
    }
}
