//! BubbleUp: what sets a selection of traces apart from a baseline. Every value of every dimension
//! (the fixed columns and each attribute column) is counted in both; a value's score is how much
//! more often it occurs in the selection than in the baseline (the difference of the two shares),
//! and values are ranked by it — the element's `bubbleUp({ selection, baseline, limit })`.
//! Multi-valued columns (models, tools, labels, feedback) count as "contains".

use super::dimensions::Dimension;
use super::index::CorpusIndex;

/// A value is ranked only when at least this share of the selection has it…
pub const MIN_SUPPORT_SHARE: f64 = 0.01;
/// …and at least this many selected traces (or every one, in a smaller selection).
pub const MIN_SUPPORT_TRACES: u64 = 2;

/// The fixed dimensions BubbleUp compares, before the attribute columns.
pub const FIXED_DIMENSIONS: [&str; 12] = [
    "status",
    "feedback",
    "intent",
    "model",
    "tool",
    "variant",
    "name",
    "user",
    "session",
    "signature",
    "error_template",
    "label",
];

/// One value's shares in the selection and the baseline.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BubbleUpValue {
    pub field: String,
    pub value: String,
    /// Share (0–1) of the selected traces having `field = value`.
    pub selection: f64,
    /// Share of the baseline's traces having it.
    pub baseline: f64,
    /// `selection - baseline`: positive when the selection has it more often.
    pub score: f64,
}

/// Every dimension BubbleUp looks at: the fixed ones, then `attr."key"` for each attribute column
/// and `outcome."column"` for each column of the joined outcomes.
pub fn dimension_fields(index: &CorpusIndex) -> Vec<String> {
    let outcomes = index.outcomes.iter().flat_map(|outcomes| outcomes.columns.iter());
    FIXED_DIMENSIONS
        .iter()
        .map(|field| field.to_string())
        .chain(index.attributes.iter().map(|column| format!("attr.\"{}\"", column.key)))
        .chain(outcomes.map(|column| format!("outcome.\"{}\"", column.name)))
        .collect()
}

/// The values of every dimension but `left_out` (the fields the selection is defined by, which
/// would only restate it; `error_template` too when they include `status` or `errors`) ranked by
/// score (ties by field, then value), at most `limit`.
pub fn bubble_up(
    index: &CorpusIndex,
    selection: &[u32],
    baseline: &[u32],
    left_out: &[String],
    limit: usize,
) -> Vec<BubbleUpValue> {
    let minimum =
        MIN_SUPPORT_TRACES.min(selection.len() as u64).max((MIN_SUPPORT_SHARE * selection.len() as f64).ceil() as u64);
    let mut ranked = Vec::new();
    let mut values = Vec::new();
    // A trace has an error template exactly when it failed: a selection by failure would only
    // find every template "more frequent".
    let by_failure = left_out.iter().any(|field| field == "status" || field == "errors");
    let restates = |field: &str| left_out.iter().any(|left| left == field) || (by_failure && field == "error_template");
    for field in dimension_fields(index).into_iter().filter(|field| !restates(field)) {
        let Ok(dimension) = Dimension::named(index, &field) else { continue };
        let count_in = |rows: &[u32], values: &mut Vec<u32>| {
            let mut counts = vec![0u64; dimension.value_count()];
            for &row in rows {
                values.clear();
                dimension.values_of(index, row as usize, values);
                for &value in values.iter() {
                    counts[value as usize] += 1;
                }
            }
            counts
        };
        let selected = count_in(selection, &mut values);
        let rest = count_in(baseline, &mut values);
        for (number, &count) in selected.iter().enumerate().skip(1) {
            if count == 0 || count < minimum {
                continue;
            }
            let Some(text) = dimension.text(number as u32) else { continue };
            let text: &str = &text;
            let selection_share = count as f64 / selection.len() as f64;
            let baseline_share = if baseline.is_empty() { 0.0 } else { rest[number] as f64 / baseline.len() as f64 };
            ranked.push(BubbleUpValue {
                field: field.clone(),
                value: text.to_string(),
                selection: selection_share,
                baseline: baseline_share,
                score: selection_share - baseline_share,
            });
        }
    }
    ranked.sort_by(|left, right| {
        right
            .score
            .total_cmp(&left.score)
            .then_with(|| left.field.cmp(&right.field))
            .then_with(|| left.value.cmp(&right.value))
    });
    ranked.truncate(limit);
    ranked
}
