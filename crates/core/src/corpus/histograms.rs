//! BubbleUp's numbers: each numeric column (duration, cost, tokens, spans, errors, documents,
//! scores, numeric outcome columns) counted in the selection and in the baseline over the same
//! bins, so the two can be drawn overlaid; columns are ranked by how far apart the two
//! distributions are (the largest gap between their cumulative shares, Kolmogorov–Smirnov's
//! statistic, worked out over fine bins).

use serde::Serialize;

use super::index::CorpusIndex;
use super::query::Field;

/// Bins a histogram is drawn with…
pub const DRAWN_BINS: usize = 16;
/// …each made of this many fine bins, over which the distance is measured.
const FINE_PER_DRAWN: usize = 16;

/// One drawn bin: its range and the share (0–1) of each group's traces in it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistogramBin {
    pub low: f64,
    pub high: f64,
    pub selection: f64,
    pub baseline: f64,
}

/// One numeric column compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NumericComparison {
    pub field: String,
    /// The largest gap between the two groups' cumulative shares (0–1).
    pub score: f64,
    /// Traces with a value, in each group.
    pub selection: u64,
    pub baseline: u64,
    /// Whether the bins are spaced by ratio (values over several orders of magnitude).
    pub log_scale: bool,
    pub bins: Vec<HistogramBin>,
}

/// The numeric columns of `index`, as the query language names them.
pub fn numeric_fields(index: &CorpusIndex) -> Vec<Field> {
    let mut fields = vec![Field::DurationMs, Field::Cost, Field::Tokens, Field::Spans, Field::Errors, Field::Documents];
    fields.extend(index.scores.iter().map(|column| Field::Score(column.name.clone())));
    if let Some(outcomes) = &index.outcomes {
        fields.extend(
            outcomes
                .columns
                .iter()
                .filter(|column| column.numbers.is_some())
                .map(|column| Field::Outcome(column.name.clone())),
        );
    }
    fields
}

/// Each row's value of a numeric field (NaN: none).
fn values(index: &CorpusIndex, field: &Field) -> Vec<f64> {
    let rows = index.len();
    match field {
        Field::DurationMs => index.duration_ns.iter().map(|&ns| ns as f64 / 1e6).collect(),
        Field::Cost => index.cost_usd.clone(),
        Field::Tokens => index.tokens.iter().map(|&tokens| tokens as f64).collect(),
        Field::Spans => index.span_count.map_each(rows, f64::from),
        Field::Errors => index.error_count.map_each(rows, f64::from),
        Field::Documents => index.documents.map_each(rows, f64::from),
        Field::Score(name) => match index.score_column(name) {
            Some(column) => (0..rows).map(|row| index.score(column, row)).collect(),
            None => vec![f64::NAN; rows],
        },
        Field::Outcome(name) => index
            .outcomes
            .as_ref()
            .and_then(|outcomes| outcomes.trace_numbers(index, outcomes.column(name)?))
            .unwrap_or_else(|| vec![f64::NAN; rows]),
        _ => vec![f64::NAN; rows],
    }
}

/// The numeric columns but `left_out`, ranked by distance (largest first, ties by field), at most
/// `limit`; a column neither group has values of is left out.
pub fn compare_numbers(
    index: &CorpusIndex,
    selection: &[u32],
    baseline: &[u32],
    left_out: &[String],
    limit: usize,
) -> Vec<NumericComparison> {
    let mut compared: Vec<NumericComparison> = numeric_fields(index)
        .into_iter()
        .filter(|field| !left_out.contains(&field.label()))
        .filter_map(|field| compare_field(index, &field, selection, baseline))
        .collect();
    compared.sort_by(|left, right| right.score.total_cmp(&left.score).then_with(|| left.field.cmp(&right.field)));
    compared.truncate(limit);
    compared
}

fn compare_field(index: &CorpusIndex, field: &Field, selection: &[u32], baseline: &[u32]) -> Option<NumericComparison> {
    let values = values(index, field);
    fn known<'a>(values: &'a [f64], rows: &'a [u32]) -> impl Iterator<Item = f64> + 'a {
        rows.iter().map(|&row| values[row as usize]).filter(|value| value.is_finite())
    }
    let (low, high) = known(&values, selection)
        .chain(known(&values, baseline))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), value| (low.min(value), high.max(value)));
    if low > high {
        return None;
    }
    let log_scale = low > 0.0 && high / low > 100.0;
    let fine = DRAWN_BINS * FINE_PER_DRAWN;
    let (from, to) = if log_scale { (low.ln(), high.ln()) } else { (low, high) };
    let width = if to > from { (to - from) / fine as f64 } else { 1.0 };
    let bin_of = |value: f64| {
        let position = if log_scale { value.ln() } else { value };
        (((position - from) / width) as usize).min(fine - 1)
    };
    let count = |rows: &[u32]| {
        let mut counts = vec![0u64; fine];
        let mut total = 0u64;
        for value in known(&values, rows) {
            counts[bin_of(value)] += 1;
            total += 1;
        }
        (counts, total)
    };
    let (selected, selected_total) = count(selection);
    let (others, others_total) = count(baseline);
    let share = |part: u64, total: u64| if total == 0 { 0.0 } else { part as f64 / total as f64 };
    let (mut selected_sum, mut others_sum, mut score) = (0u64, 0u64, 0f64);
    for bin in 0..fine {
        selected_sum += selected[bin];
        others_sum += others[bin];
        score = score.max((share(selected_sum, selected_total) - share(others_sum, others_total)).abs());
    }
    let edge = |fine_bin: usize| {
        let position = from + width * fine_bin as f64;
        if log_scale {
            position.exp()
        } else {
            position
        }
    };
    let bins = (0..DRAWN_BINS)
        .map(|drawn| {
            let range = drawn * FINE_PER_DRAWN..(drawn + 1) * FINE_PER_DRAWN;
            HistogramBin {
                low: edge(range.start),
                high: if drawn + 1 == DRAWN_BINS { high } else { edge(range.end) },
                selection: share(selected[range.clone()].iter().sum(), selected_total),
                baseline: share(others[range].iter().sum(), others_total),
            }
        })
        .collect();
    Some(NumericComparison {
        field: field.label(),
        score: if selected_total == 0 || others_total == 0 { 0.0 } else { score },
        selection: selected_total,
        baseline: others_total,
        log_scale,
        bins,
    })
}
