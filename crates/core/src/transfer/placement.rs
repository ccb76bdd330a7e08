//! Puts a trace's decoded spans in their place in the tree, as its closing says: the worker sends
//! the spans as soon as they are mapped, before its tree builder has ordered them, then their
//! order, parents and subtree sizes, and the few spans it changed (with their own parent ids).
//! Depth and child counts follow from the parents here; nothing in the bytes can make a span its
//! own ancestor, put it outside its parent's subtree, or put it (or a root) inside a subtree that
//! is not its parent's (all are checked: the UI folds and reveals by these ranges).

use super::decode::warning;
use super::primitives::{Reader, TransferResult};
use crate::model::{move_to_targets, Span};

/// Reads the placement of `spans` (sent in the order the closing's order list undoes) and applies it.
pub(super) fn place(reader: &mut Reader, spans: &mut [Span]) -> TransferResult<()> {
    match reader.byte()? {
        0 => {}
        1 => reorder(reader, spans)?,
        _ => return reader.fail("bad span order"),
    }
    // Parents, each before its child, and subtree sizes: depth and child counts in the same walk.
    // The ranges must nest as a pre-order tree's do: the spans whose range still covers a span are
    // its ancestors (`open`, innermost last), the innermost its parent; a root is covered by none.
    let count = spans.len();
    let mut open: Vec<usize> = Vec::new();
    for index in 0..count {
        let parent = reader.varint()?;
        let subtree = reader.count()?;
        if subtree == 0 || subtree > count - index {
            return reader.fail("a span's subtree does not fit in its trace");
        }
        spans[index].subtree_end = index + subtree;
        while open.last().is_some_and(|&ancestor| spans[ancestor].subtree_end <= index) {
            open.pop();
        }
        let innermost = open.last().copied();
        open.push(index);
        if parent == 0 {
            if innermost.is_some() {
                return reader.fail("a root placed inside another span's subtree");
            }
            continue;
        }
        let parent = (parent - 1) as usize;
        if parent >= index || spans[parent].subtree_end < index + subtree {
            return reader.fail("a span must come after its parent, within the parent's subtree");
        }
        if innermost != Some(parent) {
            return reader.fail("a span placed inside another span's subtree than its parent's");
        }
        let parent_span = &mut spans[parent];
        parent_span.child_count = parent_span.child_count.saturating_add(1);
        let depth = parent_span.depth.saturating_add(1);
        let span = &mut spans[index];
        span.parent = Some(parent).into();
        span.depth = depth;
    }
    // Spans with warnings or a parent id of their own (renamed duplicates, repairs, clock skew).
    for _ in 0..reader.item_count()? {
        let index = reader.count()?;
        let span_id = reader.text()?;
        let parent_span_id = reader.optional_text()?;
        let warnings = reader.list(warning)?;
        let Some(span) = spans.get_mut(index) else { return reader.fail("a changed span that is not there") };
        span.span_id = span_id;
        span.parent_span_id = parent_span_id;
        span.warnings = warnings.into();
    }
    Ok(())
}

/// Moves the spans into tree order: the span to be at `i` was sent `order[i]`-th.
fn reorder(reader: &mut Reader, spans: &mut [Span]) -> TransferResult<()> {
    const UNSET: usize = usize::MAX;
    // target[sent] = position in tree order.
    let mut target = vec![UNSET; spans.len()];
    for position in 0..spans.len() {
        let sent = reader.count()?;
        match target.get_mut(sent) {
            Some(slot) if *slot == UNSET => *slot = position,
            _ => return reader.fail("the span order is not a permutation"),
        }
    }
    move_to_targets(spans, target);
    Ok(())
}
