//! Paths of (kind, name) from a root to a span, numbered: two spans share a path when every
//! ancestor and the span itself have the same kinds and names. One table numbers the paths of
//! both traces of a comparison, so equal numbers are equal paths. Spans are in pre-order, a
//! parent before its children, so each span's path is found from its parent's in one pass.

use crate::model::{SpanKind, Trace};

use super::numbering::{fnv, Numbering, FNV_START};

/// One path: its last step's kind and name, and the path it extends.
#[derive(Clone, Debug, PartialEq)]
pub struct PathStep<'t> {
    pub parent: Option<u32>,
    pub kind: SpanKind,
    pub name: &'t str,
    pub depth: u32,
}

/// The paths seen so far, numbered in the order first met (a parent before its children).
#[derive(Default)]
pub struct PathTable<'t> {
    numbers: Numbering,
    pub steps: Vec<PathStep<'t>>,
}

impl<'t> PathTable<'t> {
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The number of each span's path, in the trace's span order.
    pub fn number_spans(&mut self, trace: &'t Trace) -> Vec<u32> {
        let mut numbers: Vec<u32> = Vec::with_capacity(trace.spans.len());
        for span in &trace.spans {
            // Pre-order: the parent's number is already known.
            let parent = span.parent.get().and_then(|parent| numbers.get(parent).copied());
            let depth = parent.map_or(0, |parent| self.steps[parent as usize].depth + 1);
            let parent_key = parent.map_or(u32::MAX, |parent| parent);
            let hash = fnv(fnv(FNV_START, &parent_key.to_le_bytes()), &[span.kind as u8]);
            let hash = fnv(hash, span.name.as_bytes());
            let steps = &self.steps;
            let (number, new) = self.numbers.number(hash, |number| {
                let step = &steps[number as usize];
                step.parent == parent && step.kind == span.kind && step.name == span.name
            });
            if new {
                self.steps.push(PathStep { parent, kind: span.kind, name: &span.name, depth });
            }
            numbers.push(number);
        }
        numbers
    }

    /// The path as people read it: its names from the root, joined by " › ".
    pub fn label(&self, path: u32) -> String {
        let mut names = Vec::new();
        let mut at = Some(path);
        while let Some(path) = at {
            let step = &self.steps[path as usize];
            names.push(if step.name.is_empty() { "(unnamed)" } else { step.name });
            at = step.parent;
        }
        names.reverse();
        names.join(" › ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::compare::tests::trace_of;

    #[test]
    fn equal_kinds_and_names_from_the_root_share_a_number() {
        let a =
            trace_of(&[(0, "agent", SpanKind::Agent), (1, "search", SpanKind::Tool), (1, "search", SpanKind::Tool)]);
        let b = trace_of(&[(0, "agent", SpanKind::Agent), (1, "search", SpanKind::Llm), (1, "search", SpanKind::Tool)]);
        let mut table = PathTable::default();
        let numbers_a = table.number_spans(&a);
        let numbers_b = table.number_spans(&b);
        assert_eq!(numbers_a, vec![0, 1, 1]);
        assert_eq!(numbers_b, vec![0, 2, 1], "the same name with another kind is another path");
        assert_eq!(table.label(1), "agent › search");
        assert_eq!(table.steps[2].depth, 1);
    }
}
