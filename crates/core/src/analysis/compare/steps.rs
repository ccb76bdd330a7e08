//! The aligned step list: each trace's spans in tree order as steps, a run of consecutive
//! siblings with the same kind and name folded into one step (×N, its spans' figures summed, their
//! children inside it), then the two step lists aligned by the longest common subsequence of their
//! paths, so a row pairs a step of A with the same step of B or stands alone.
//!
//! Above [`MOST_STEPS_FOR_LCS`] steps on a side, or when the subsequence search runs out of its
//! budget (traces too different), the alignment is bounded: steps pair by path only (the n-th step
//! of a path in A with the n-th in B), and the result says so.

use crate::model::Trace;

use super::lcs::{longest_common_subsequence, DEFAULT_BUDGET};

/// Above this many steps on either side steps are aligned by path only.
pub const MOST_STEPS_FOR_LCS: usize = 20_000;

/// One step: a span, or a run of consecutive sibling spans with the same kind and name.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The number of the steps' path (see `paths.rs`).
    pub path: u32,
    /// The first span of the run, by index into the trace's spans.
    pub span: u32,
    /// Spans in the run (1 for a span on its own).
    pub count: u32,
    pub depth: u32,
    /// Summed over the run's spans.
    pub duration_ns: u64,
    /// The run's spans' own tokens (input + output where no total is given).
    pub tokens: u64,
    pub cost_usd: Option<f64>,
    pub errors: u32,
}

/// Each trace's steps in tree order; `paths` holds each span's path number.
pub fn fold_steps(trace: &Trace, paths: &[u32]) -> Vec<Step> {
    let spans = &trace.spans;
    let mut steps = Vec::new();
    let mut at = 0;
    while at < spans.len() {
        let first = &spans[at];
        let mut step = Step {
            path: paths[at],
            span: at as u32,
            count: 0,
            depth: first.depth,
            duration_ns: 0,
            tokens: 0,
            cost_usd: None,
            errors: 0,
        };
        let mut last = at;
        let mut next = at;
        // The run: `next` is the sibling after `last`'s subtree while it has the same path and a
        // subtree of the same shape as the first's.
        while next < spans.len()
            && (next == at || (spans[next].parent == first.parent && same_shape(trace, paths, at, next)))
        {
            let span = &spans[next];
            step.count += 1;
            step.duration_ns = step.duration_ns.saturating_add(span.duration_ns);
            step.errors += u32::from(span.status.is_error());
            if let Some(details) = span.ai.as_deref() {
                step.tokens = step.tokens.saturating_add(details.tokens.total_or_sum().unwrap_or(0));
                if let Some(cost) = details.cost_usd.filter(|cost| cost.is_finite()) {
                    *step.cost_usd.get_or_insert(0.0) += cost;
                }
            }
            last = next;
            next = span.subtree_end.max(next + 1);
        }
        // A folded run holds its spans' children; a span on its own is followed by them.
        at = if step.count > 1 { spans[last].subtree_end.max(last + 1) } else { at + 1 };
        steps.push(step);
    }
    steps
}

/// Whether the subtrees of spans `first` and `other` have the same shape: the same paths at the
/// same depths in the same order (so the same kinds and names all the way down).
fn same_shape(trace: &Trace, paths: &[u32], first: usize, other: usize) -> bool {
    let spans = &trace.spans;
    let (first_end, other_end) = (spans[first].subtree_end.max(first + 1), spans[other].subtree_end.max(other + 1));
    if first_end - first != other_end - other {
        return false;
    }
    let (first_depth, other_depth) = (spans[first].depth, spans[other].depth);
    (0..first_end - first).all(|offset| {
        paths[first + offset] == paths[other + offset]
            && spans[first + offset].depth - first_depth == spans[other + offset].depth - other_depth
    })
}

/// How the rows were paired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlignMethod {
    /// The longest common subsequence of the two step lists.
    Longest,
    /// The traces differ too much for the search's budget: the n-th step of a path in A with the
    /// n-th in B.
    TooDifferent,
    /// More than [`MOST_STEPS_FOR_LCS`] steps on a side: paired as for `TooDifferent`.
    TooMany,
}

/// A row of the aligned list: a step of A, of B, or one of each (indices into their steps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlignedRow {
    pub a: Option<u32>,
    pub b: Option<u32>,
}

/// The change from A's step to B's on one row (a side without a step counts as zero).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepDelta {
    pub duration_ns: i128,
    pub tokens: i128,
    pub cost_usd: Option<f64>,
}

/// Both step lists and their rows.
#[derive(Clone, Debug, PartialEq)]
pub struct StepAlignment {
    pub a: Vec<Step>,
    pub b: Vec<Step>,
    pub rows: Vec<AlignedRow>,
    pub method: AlignMethod,
}

impl StepAlignment {
    /// B's figures minus A's on `row`.
    pub fn delta(&self, row: AlignedRow) -> StepDelta {
        let a = row.a.map(|index| &self.a[index as usize]);
        let b = row.b.map(|index| &self.b[index as usize]);
        let duration = |step: Option<&Step>| step.map_or(0, |step| i128::from(step.duration_ns));
        let tokens = |step: Option<&Step>| step.map_or(0, |step| i128::from(step.tokens));
        let cost = |step: Option<&Step>| step.and_then(|step| step.cost_usd);
        StepDelta {
            duration_ns: duration(b) - duration(a),
            tokens: tokens(b) - tokens(a),
            cost_usd: match (cost(a), cost(b)) {
                (None, None) => None,
                (a, b) => Some(b.unwrap_or(0.0) - a.unwrap_or(0.0)),
            },
        }
    }
}

/// Aligns two step lists whose paths are numbered below `path_count`.
pub fn align_steps(a: Vec<Step>, b: Vec<Step>, path_count: usize) -> StepAlignment {
    if a.len() > MOST_STEPS_FOR_LCS || b.len() > MOST_STEPS_FOR_LCS {
        let rows = align_by_path(&a, &b, path_count);
        return StepAlignment { a, b, rows, method: AlignMethod::TooMany };
    }
    let keys = |steps: &[Step]| steps.iter().map(|step| step.path).collect::<Vec<u32>>();
    let matching = longest_common_subsequence(&keys(&a), &keys(&b), path_count, DEFAULT_BUDGET);
    if !matching.exact {
        let rows = align_by_path(&a, &b, path_count);
        return StepAlignment { a, b, rows, method: AlignMethod::TooDifferent };
    }
    let mut rows = Vec::with_capacity(a.len() + b.len() - matching.pairs.len());
    let (mut next_a, mut next_b) = (0u32, 0u32);
    let ends = [(a.len() as u32, b.len() as u32)];
    for &(match_a, match_b) in matching.pairs.iter().chain(&ends) {
        rows.extend((next_a..match_a).map(|index| AlignedRow { a: Some(index), b: None }));
        rows.extend((next_b..match_b).map(|index| AlignedRow { a: None, b: Some(index) }));
        if match_a < a.len() as u32 {
            rows.push(AlignedRow { a: Some(match_a), b: Some(match_b) });
        }
        (next_a, next_b) = (match_a + 1, match_b + 1);
    }
    StepAlignment { a, b, rows, method: AlignMethod::Longest }
}

/// The bounded alignment: the n-th step of each path in A pairs with the n-th in B; rows follow
/// A's order, and a step only B has comes after the row of the B step before it.
fn align_by_path(a: &[Step], b: &[Step], path_count: usize) -> Vec<AlignedRow> {
    // Each path's steps in B, in order, and how many of them A has used.
    let mut first_of_path = vec![u32::MAX; path_count];
    let mut next_of_step = vec![u32::MAX; b.len()];
    for (index, step) in b.iter().enumerate().rev() {
        next_of_step[index] = first_of_path[step.path as usize];
        first_of_path[step.path as usize] = index as u32;
    }
    let mut partner_of_b = vec![u32::MAX; b.len()];
    let mut rows: Vec<AlignedRow> = Vec::with_capacity(a.len() + b.len());
    for (index, step) in a.iter().enumerate() {
        let partner = first_of_path[step.path as usize];
        if partner != u32::MAX {
            first_of_path[step.path as usize] = next_of_step[partner as usize];
            partner_of_b[partner as usize] = rows.len() as u32;
        }
        rows.push(AlignedRow { a: Some(index as u32), b: (partner != u32::MAX).then_some(partner) });
    }
    // B's unpaired steps, each placed after the row of the nearest paired B step before it.
    let mut after_row: Vec<Vec<u32>> = vec![Vec::new(); rows.len() + 1];
    let mut anchor = 0usize;
    for (index, &row) in partner_of_b.iter().enumerate() {
        if row == u32::MAX {
            after_row[anchor].push(index as u32);
        } else {
            anchor = row as usize + 1;
        }
    }
    let mut placed = Vec::with_capacity(a.len() + b.len());
    placed.extend(after_row[0].iter().map(|&index| AlignedRow { a: None, b: Some(index) }));
    for (position, row) in rows.into_iter().enumerate() {
        placed.push(row);
        placed.extend(after_row[position + 1].iter().map(|&index| AlignedRow { a: None, b: Some(index) }));
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::paths::PathTable;
    use crate::analysis::compare::tests::trace_of;
    use crate::model::SpanKind::{Agent, Llm, Tool};

    #[test]
    fn consecutive_siblings_with_the_same_kind_and_name_fold_with_their_children() {
        let trace = trace_of(&[
            (0, "agent", Agent),
            (1, "plan", Llm),
            (1, "search", Tool),
            (2, "http", Tool),
            (1, "search", Tool),
            (2, "http", Tool),
            (1, "search", Tool),
            (1, "answer", Llm),
        ]);
        let mut table = PathTable::default();
        let paths = table.number_spans(&trace);
        let steps = fold_steps(&trace, &paths);
        let shape: Vec<(&str, u32)> =
            steps.iter().map(|step| (trace.spans[step.span as usize].name.as_str(), step.count)).collect();
        assert_eq!(shape, [("agent", 1), ("plan", 1), ("search", 2), ("search", 1), ("answer", 1)]);
        assert_eq!(steps[2].duration_ns, 2 * 5);
    }

    #[test]
    fn siblings_whose_subtrees_differ_stay_apart() {
        let trace = trace_of(&[
            (0, "agent", Agent),
            (1, "turn", Llm),
            (2, "search", Tool),
            (1, "turn", Llm),
            (2, "search", Tool),
            (2, "search", Tool),
            (1, "turn", Llm),
            (2, "search", Tool),
            (2, "search", Tool),
        ]);
        let mut table = PathTable::default();
        let paths = table.number_spans(&trace);
        let shape: Vec<(u32, u32)> = fold_steps(&trace, &paths).iter().map(|step| (step.span, step.count)).collect();
        assert_eq!(shape, [(0, 1), (1, 1), (2, 1), (3, 2)], "the last two turns have the same shape");
    }

    #[test]
    fn rows_pair_equal_paths_in_order_and_keep_the_rest_on_their_side() {
        let a = trace_of(&[(0, "agent", Agent), (1, "plan", Llm), (1, "search", Tool), (1, "answer", Llm)]);
        let b = trace_of(&[(0, "agent", Agent), (1, "plan", Llm), (1, "lookup", Tool), (1, "answer", Llm)]);
        let mut table = PathTable::default();
        let (paths_a, paths_b) = (table.number_spans(&a), table.number_spans(&b));
        let alignment = align_steps(fold_steps(&a, &paths_a), fold_steps(&b, &paths_b), table.len());
        let rows: Vec<(Option<u32>, Option<u32>)> = alignment.rows.iter().map(|row| (row.a, row.b)).collect();
        assert_eq!(
            rows,
            [(Some(0), Some(0)), (Some(1), Some(1)), (Some(2), None), (None, Some(2)), (Some(3), Some(3))]
        );
        assert_eq!(alignment.method, AlignMethod::Longest);
        let only_b = alignment.delta(AlignedRow { a: None, b: Some(2) });
        assert_eq!(only_b.duration_ns, 5);
    }

    #[test]
    fn by_path_pairs_the_nth_step_of_each_path() {
        let step = |path: u32| Step {
            path,
            span: 0,
            count: 1,
            depth: 0,
            duration_ns: 0,
            tokens: 0,
            cost_usd: None,
            errors: 0,
        };
        let a = vec![step(0), step(1), step(2), step(1)];
        let b = vec![step(3), step(1), step(0), step(1), step(1)];
        let rows: Vec<(Option<u32>, Option<u32>)> =
            align_by_path(&a, &b, 4).into_iter().map(|row| (row.a, row.b)).collect();
        assert_eq!(
            rows,
            [
                (None, Some(0)),
                (Some(0), Some(2)),
                (Some(1), Some(1)),
                (Some(2), None),
                (Some(3), Some(3)),
                (None, Some(4))
            ]
        );
    }
}
