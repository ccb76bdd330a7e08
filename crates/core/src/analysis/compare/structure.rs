//! The structural difference of two traces: how many spans each (kind, name) path from the root
//! has in A and in B, and what changed: a path only A has, only B has, or more or fewer spans.

use super::paths::PathTable;

/// What happened to a path from A to B.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathChange {
    Same,
    OnlyInA,
    OnlyInB,
    /// B has this many spans more.
    More(u32),
    /// B has this many spans fewer.
    Fewer(u32),
}

impl PathChange {
    /// How the change is marked: `only in A`, `only in B`, `+3`, `−2` (a true minus sign), or empty.
    pub fn mark(self) -> String {
        match self {
            PathChange::Same => String::new(),
            PathChange::OnlyInA => "only in A".into(),
            PathChange::OnlyInB => "only in B".into(),
            PathChange::More(count) => format!("+{count}"),
            PathChange::Fewer(count) => format!("\u{2212}{count}"),
        }
    }
}

/// One path's span counts in both traces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathCounts {
    pub path: u32,
    pub a: u32,
    pub b: u32,
}

impl PathCounts {
    pub fn change(&self) -> PathChange {
        match (self.a, self.b) {
            (a, b) if a == b => PathChange::Same,
            (0, _) => PathChange::OnlyInB,
            (_, 0) => PathChange::OnlyInA,
            (a, b) if b > a => PathChange::More(b - a),
            (a, b) => PathChange::Fewer(a - b),
        }
    }
}

/// Every path of either trace with its counts, depth first (a path, then the paths under it, in
/// the order first met).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StructureDiff {
    pub paths: Vec<PathCounts>,
}

impl StructureDiff {
    /// Counts each path's spans in both traces (`paths_a`, `paths_b`: each span's path number).
    pub fn new(table: &PathTable, paths_a: &[u32], paths_b: &[u32]) -> Self {
        let mut counts = vec![(0u32, 0u32); table.len()];
        for &path in paths_a {
            counts[path as usize].0 += 1;
        }
        for &path in paths_b {
            counts[path as usize].1 += 1;
        }
        StructureDiff {
            paths: depth_first(table)
                .into_iter()
                .map(|path| {
                    let (a, b) = counts[path as usize];
                    PathCounts { path, a, b }
                })
                .collect(),
        }
    }

    /// How far apart the two structures are: the spans one has on a path and the other has not.
    pub fn size(&self) -> u64 {
        self.paths.iter().map(|counts| u64::from(counts.a.abs_diff(counts.b))).sum()
    }

    /// The paths whose counts differ.
    pub fn changed(&self) -> impl Iterator<Item = &PathCounts> {
        self.paths.iter().filter(|counts| counts.a != counts.b)
    }
}

/// The table's paths depth first; a parent's number is always below its children's, so each
/// path's children are listed in the order they were numbered.
fn depth_first(table: &PathTable) -> Vec<u32> {
    let mut first_child = vec![u32::MAX; table.len()];
    let mut next_sibling = vec![u32::MAX; table.len()];
    let mut roots = Vec::new();
    for (path, step) in table.steps.iter().enumerate().rev() {
        match step.parent {
            Some(parent) => {
                next_sibling[path] = first_child[parent as usize];
                first_child[parent as usize] = path as u32;
            }
            None => roots.push(path as u32),
        }
    }
    // `roots` was filled backwards: as a stack it pops the first root first.
    let mut stack = roots;
    let mut order = Vec::with_capacity(table.len());
    while let Some(path) = stack.pop() {
        order.push(path);
        let mut children = Vec::new();
        let mut child = first_child[path as usize];
        while child != u32::MAX {
            children.push(child);
            child = next_sibling[child as usize];
        }
        stack.extend(children.into_iter().rev());
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::tests::trace_of;
    use crate::model::SpanKind::{Agent, Llm, Tool};

    #[test]
    fn counts_per_path_give_only_in_a_only_in_b_more_and_fewer() {
        let a = trace_of(&[
            (0, "agent", Agent),
            (1, "plan", Llm),
            (1, "search", Tool),
            (1, "fetch", Tool),
            (1, "fetch", Tool),
        ]);
        let b = trace_of(&[
            (0, "agent", Agent),
            (1, "search", Tool),
            (1, "search", Tool),
            (1, "search", Tool),
            (1, "search", Tool),
            (1, "fetch", Tool),
            (1, "answer", Llm),
        ]);
        let mut table = PathTable::default();
        let (paths_a, paths_b) = (table.number_spans(&a), table.number_spans(&b));
        let diff = StructureDiff::new(&table, &paths_a, &paths_b);
        let marks: Vec<(String, String)> =
            diff.paths.iter().map(|counts| (table.label(counts.path), counts.change().mark())).collect();
        let expected = [
            ("agent", ""),
            ("agent › plan", "only in A"),
            ("agent › search", "+3"),
            ("agent › fetch", "\u{2212}1"),
            ("agent › answer", "only in B"),
        ];
        assert_eq!(marks, expected.map(|(label, mark)| (label.to_string(), mark.to_string())));
        assert_eq!(diff.size(), 1 + 3 + 1 + 1);
        assert_eq!(diff.changed().count(), 4);
    }
}
