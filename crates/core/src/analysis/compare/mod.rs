//! Two traces side by side: what changed in their totals, their structure (spans per path of
//! kind and name), their steps (aligned by the longest common subsequence), their texts (word by
//! word) and their settings (model, parameters, prompt version); and, for a failed trace, the
//! successful trace with the same intent whose structure is closest ("nearest success").
//!
//! Each job has its file: `paths.rs` numbers paths, `structure.rs` counts them, `steps.rs` folds
//! and aligns steps, `lcs.rs` is the subsequence search both steps and words use, `numbering.rs` numbers
//! paths and words, `words.rs` the
//! word-level difference, `texts.rs` picks the texts, `parameters.rs` the settings, `totals.rs`
//! the totals and how changes are written, `nearest.rs` the nearest success.

mod lcs;
mod nearest;
mod numbering;
mod parameters;
mod paths;
mod steps;
mod structure;
mod texts;
mod totals;
mod words;

pub use lcs::{longest_common_subsequence, Matching};
pub use nearest::nearest_success;
pub use parameters::{changed_parameters, ParameterChange};
pub use paths::{PathStep, PathTable};
pub use steps::{align_steps, fold_steps, AlignMethod, AlignedRow, Step, StepAlignment, StepDelta, MOST_STEPS_FOR_LCS};
pub use structure::{PathChange, PathCounts, StructureDiff};
pub use texts::{compare_texts, TextComparison, MOST_TEXT_BYTES};
pub use totals::{signed_cost, signed_count, signed_duration, total_changes, TotalChange, TraceTotals};
pub use words::{word_diff, Change, Piece, WordDiff};

use crate::model::{SpanKind, Trace};

/// A path as the comparison shows it: its last step's kind and name, and the path it extends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathInfo {
    pub kind: SpanKind,
    pub name: String,
    pub depth: u32,
    pub parent: Option<u32>,
}

/// A label names at most this many steps of a path, the last ones (a path may be 100,000 deep).
const LABEL_STEPS: usize = 5;

/// Everything the comparison of A with B shows except the texts (read separately, see
/// [`compare_texts`]: they read every model call's messages).
#[derive(Clone, Debug, PartialEq)]
pub struct TraceComparison {
    pub totals_a: TraceTotals,
    pub totals_b: TraceTotals,
    pub structure: StructureDiff,
    pub steps: StepAlignment,
    pub parameters: Vec<ParameterChange>,
    /// Each path's kind, name, depth and parent, by path number.
    pub paths: Vec<PathInfo>,
}

impl TraceComparison {
    /// The path as people read it, its names from the root joined by " › " (a deep path starts
    /// with "… › " and its last steps).
    pub fn label(&self, path: u32) -> String {
        let mut names: Vec<&str> = Vec::new();
        let mut at = Some(path);
        while let Some(path) = at {
            if names.len() == LABEL_STEPS {
                names.push("…");
                break;
            }
            let info = &self.paths[path as usize];
            names.push(if info.name.is_empty() { "(unnamed)" } else { &info.name });
            at = info.parent;
        }
        names.reverse();
        names.join(" › ")
    }

    /// The totals of A and B with B − A, as written.
    pub fn total_changes(&self) -> Vec<TotalChange> {
        total_changes(&self.totals_a, &self.totals_b)
    }
}

/// Compares trace `a` with trace `b`.
pub fn compare_traces(a: &Trace, b: &Trace) -> TraceComparison {
    let mut table = PathTable::default();
    let paths_a = table.number_spans(a);
    let paths_b = table.number_spans(b);
    let structure = StructureDiff::new(&table, &paths_a, &paths_b);
    let steps = align_steps(fold_steps(a, &paths_a), fold_steps(b, &paths_b), table.len());
    let paths = table
        .steps
        .iter()
        .map(|step| PathInfo { kind: step.kind, name: step.name.to_string(), depth: step.depth, parent: step.parent })
        .collect();
    TraceComparison {
        totals_a: TraceTotals::of(a),
        totals_b: TraceTotals::of(b),
        structure,
        steps,
        parameters: changed_parameters(a, b),
        paths,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::model::{build_trace, Span, SpanKind, Trace};

    /// A trace from `(depth, name, kind)` rows in pre-order: each row's parent is the last row one
    /// level up; span `i` starts at `10 i` and lasts 5.
    pub(crate) fn trace_of(rows: &[(u32, &str, SpanKind)]) -> Trace {
        let mut last_at_depth: Vec<String> = Vec::new();
        let spans = rows
            .iter()
            .enumerate()
            .map(|(index, &(depth, name, kind))| {
                let id = format!("s{index}");
                let parent = depth.checked_sub(1).map(|up| last_at_depth[up as usize].clone());
                last_at_depth.truncate(depth as usize);
                last_at_depth.push(id.clone());
                let mut span = Span::new(id, parent, name);
                span.kind = kind;
                span.start_ns = index as u64 * 10;
                span.duration_ns = 5;
                span
            })
            .collect();
        build_trace(Trace::default(), spans)
    }
}
