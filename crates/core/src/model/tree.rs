//! Turns spans in any order into a trace's pre-order `Vec`, repairing what would break the tree.
//!
//! Repairs (each one leaves a warning on the span and the trace): a duplicate span id is renamed,
//! a span whose parent is missing or is itself becomes a root, and a cycle of parents is broken at
//! its first span in file order. Everything is iterative: no recursion depth a file controls.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hash for span ids, 8 bytes per step with a final mix: ids are short and not attacker-chosen
/// keys in a shared service, so this beats the default SipHash (and byte-wise FNV) for the
/// million-entry id maps built here. The final mix matters: ids that differ only in their last
/// characters would otherwise differ only in the high bits, and the table indexes by the low ones.
#[derive(Default)]
struct IdHasher(u64);

impl IdHasher {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        let mut hash = self.0;
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^ (hash >> 33)
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(23) ^ word).wrapping_mul(Self::MULTIPLIER);
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.write_u64(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.write_u64(u64::from_le_bytes(tail) ^ rest.len() as u64);
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Span ids to positions. Most ids are 16 lowercase hex digits (OpenTelemetry's, normalised):
/// those are keyed by their 64-bit value, so a lookup compares numbers instead of following a
/// pointer to each candidate's text; every other id (UUIDs, prefixed strings...) by its text.
struct IdIndex<'a> {
    numeric: IdMap<u64, usize>,
    text: IdMap<&'a str, usize>,
}

impl<'a> IdIndex<'a> {
    fn with_capacity(capacity: usize) -> Self {
        IdIndex { numeric: IdMap::with_capacity_and_hasher(capacity, Default::default()), text: IdMap::default() }
    }

    /// The value of an id of exactly 16 lowercase hex digits: one id per value, and back.
    fn numeric_key(id: &str) -> Option<u64> {
        if id.len() != 16 {
            return None;
        }
        id.bytes().try_fold(0u64, |value, byte| {
            let digit = match byte {
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                _ => return None,
            };
            Some(value << 4 | u64::from(digit))
        })
    }

    fn get(&self, id: &str) -> Option<usize> {
        match Self::numeric_key(id) {
            Some(key) => self.numeric.get(&key).copied(),
            None => self.text.get(id).copied(),
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Adds `id` unless it is there already; whether it was added. (One lookup, not two.)
    fn insert_new(&mut self, id: &'a str, index: usize) -> bool {
        use std::collections::hash_map::Entry;
        fn add<K>(entry: Entry<'_, K, usize>, index: usize) -> bool {
            match entry {
                Entry::Vacant(slot) => {
                    slot.insert(index);
                    true
                }
                Entry::Occupied(_) => false,
            }
        }
        match Self::numeric_key(id) {
            Some(key) => add(self.numeric.entry(key), index),
            None => add(self.text.entry(id), index),
        }
    }
}

use super::{ImportWarning, List, OptionalIndex, Span, SpanKind, SpanStatus, Trace};

/// A span as an importer hands it over: everything but its place in the tree.
pub type RawSpan = Span;

impl Span {
    /// A span with the given ids and name and every other field empty, for importers to fill in.
    pub fn new(span_id: impl Into<String>, parent_span_id: Option<String>, name: impl Into<String>) -> Span {
        Span {
            span_id: span_id.into(),
            parent_span_id,
            parent: OptionalIndex::NONE,
            depth: 0,
            subtree_end: 0,
            child_count: 0,
            name: name.into(),
            kind: SpanKind::Other,
            protocol_kind: None,
            status: SpanStatus::Unset,
            start_ns: 0,
            duration_ns: 0,
            resource: OptionalIndex::NONE,
            scope: OptionalIndex::NONE,
            attributes: Vec::new(),
            events: List::new(),
            links: List::new(),
            other_fields: List::new(),
            warnings: List::new(),
            ai: None,
        }
    }
}

fn warn(span: &mut Span, trace_warnings: &mut Vec<ImportWarning>, message: String) {
    let warning = ImportWarning::for_span(&span.span_id, message);
    trace_warnings.push(warning.clone());
    span.warnings.push(warning);
}

/// Every span's children, in one list: the children of span `i` are `list[offsets[i]..offsets[i + 1]]`
/// (one allocation for a million spans, not one per parent).
struct ChildLists {
    offsets: Vec<usize>,
    list: Vec<usize>,
}

impl ChildLists {
    /// Groups spans under their parents, each group ordered by start time, then file order.
    fn new(parent_of: &[Option<usize>], spans: &[Span]) -> ChildLists {
        let mut offsets = vec![0usize; parent_of.len() + 1];
        for parent in parent_of.iter().flatten() {
            offsets[parent + 1] += 1;
        }
        for index in 1..offsets.len() {
            offsets[index] += offsets[index - 1];
        }
        let mut list = vec![0usize; offsets[parent_of.len()]];
        let mut next = offsets.clone();
        for (index, parent) in parent_of.iter().enumerate() {
            if let Some(parent) = parent {
                list[next[*parent]] = index;
                next[*parent] += 1;
            }
        }
        let mut lists = ChildLists { offsets, list };
        for parent in 0..parent_of.len() {
            let (start, end) = (lists.offsets[parent], lists.offsets[parent + 1]);
            let group = &mut lists.list[start..end];
            if !group.is_sorted_by_key(|&child| spans[child].start_ns) {
                group.sort_by_key(|&child| (spans[child].start_ns, child));
            }
        }
        lists
    }

    fn of(&self, parent: usize) -> &[usize] {
        &self.list[self.offsets[parent]..self.offsets[parent + 1]]
    }
}

/// Appends the unvisited part of the subtree under `start` to `order`, depth first, children in
/// order; a child whose link to `start`'s subtree was cut (`parent_of` no longer names it) is skipped.
fn walk_pre_order(
    start: usize,
    children: &ChildLists,
    parent_of: &[Option<usize>],
    order: &mut Vec<usize>,
    visited: &mut [bool],
    depth_of: &mut [u32],
) {
    let mut stack = vec![(start, 0u32)];
    while let Some((index, depth)) = stack.pop() {
        if visited[index] {
            continue;
        }
        visited[index] = true;
        depth_of[index] = depth;
        order.push(index);
        for &child in children.of(index).iter().rev() {
            if parent_of[child] == Some(index) {
                stack.push((child, depth + 1));
            }
        }
    }
}

/// Moves each item `i` to position `target[i]` (a permutation of the positions), in place, cycle
/// by cycle, so a million spans are never copied into a second vector.
pub fn move_to_targets<T>(items: &mut [T], mut target: Vec<usize>) {
    for start in 0..items.len() {
        while target[start] != start {
            let destination = target[start];
            items.swap(start, destination);
            target.swap(start, destination);
        }
    }
}

/// Places `spans` into `trace` (whose other fields the importer has set) and computes its time range.
pub fn build_trace(trace: Trace, spans: Vec<RawSpan>) -> Trace {
    build_trace_in_order(trace, spans).0
}

/// [`build_trace`], also giving where each span came from: the span now at position `i` was at
/// `order[i]` in `spans` (the import worker sends the spans before the tree is built, then this).
pub fn build_trace_in_order(mut trace: Trace, mut spans: Vec<RawSpan>) -> (Trace, Vec<usize>) {
    let mut warnings = std::mem::take(&mut trace.warnings);
    for span in &spans {
        warnings.extend(span.warnings.iter().cloned());
    }

    // 1. Unique ids and parent links, with one id map that borrows the ids (no copy per span).
    //    A later duplicate gets a suffix so links to the first stay right; a missing or self
    //    parent makes a root. Renames and warnings are applied once the map is gone.
    let mut renames: Vec<(usize, String)> = Vec::new();
    let mut parent_of: Vec<Option<usize>> = vec![None; spans.len()];
    let mut problems: Vec<(usize, String)> = Vec::new();
    {
        let mut index_of_id = IdIndex::with_capacity(spans.len());
        let mut new_names: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (index, span) in spans.iter().enumerate() {
            if !index_of_id.insert_new(&span.span_id, index) {
                let mut suffix = 2;
                let mut candidate = format!("{}#{suffix}", span.span_id);
                while index_of_id.contains(&candidate) || new_names.contains(&candidate) {
                    suffix += 1;
                    candidate = format!("{}#{suffix}", span.span_id);
                }
                new_names.insert(candidate.clone());
                renames.push((index, candidate));
            }
        }
        // A renamed copy can be named as a parent by its new id, unless a span already has it.
        for (index, new_id) in &renames {
            index_of_id.insert_new(new_id, *index);
        }
        // Siblings often stand together in a file: the previous span's parent is looked up once.
        let mut previous: Option<(&str, Option<usize>)> = None;
        for (index, span) in spans.iter().enumerate() {
            let Some(parent_id) = span.parent_span_id.as_deref() else { continue };
            let found = match previous {
                Some((previous_id, found)) if previous_id == parent_id => found,
                _ => index_of_id.get(parent_id),
            };
            previous = Some((parent_id, found));
            match found {
                Some(parent) if parent == index => {
                    problems.push((index, "span names itself as its parent; shown as a root".into()));
                }
                Some(parent) => parent_of[index] = Some(parent),
                None => {
                    problems.push((index, format!("parent span {parent_id:?} is not in the file; shown as a root")))
                }
            }
        }
    }
    for (index, new_id) in renames {
        let original = std::mem::replace(&mut spans[index].span_id, new_id);
        let message = format!("duplicate span id {original:?}; this copy is shown as {:?}", spans[index].span_id);
        warn(&mut spans[index], &mut warnings, message);
    }
    for (index, message) in problems {
        warn(&mut spans[index], &mut warnings, message);
    }

    // 2. Children lists, ordered by start time then file order.
    let children = ChildLists::new(&parent_of, &spans);
    let mut roots: Vec<usize> = (0..spans.len()).filter(|&index| parent_of[index].is_none()).collect();

    // 3. Pre-order walk from the roots; what it cannot reach sits on a cycle: break it and walk again.
    let mut order: Vec<usize> = Vec::with_capacity(spans.len());
    let mut depth_of = vec![0u32; spans.len()];
    let mut visited = vec![false; spans.len()];
    roots.sort_by_key(|&root| (spans[root].start_ns, root));
    for &root in &roots {
        walk_pre_order(root, &children, &parent_of, &mut order, &mut visited, &mut depth_of);
    }
    for first_unreached in 0..spans.len() {
        if visited[first_unreached] {
            continue;
        }
        // Climb parents until one repeats: that span is on the cycle (the first one may only hang off it).
        let mut on_path = std::collections::HashSet::new();
        let mut cut = first_unreached;
        while on_path.insert(cut) {
            match parent_of[cut] {
                Some(parent) => cut = parent,
                None => break,
            }
        }
        let parent_id = spans[cut].parent_span_id.clone().unwrap_or_default();
        let message = format!("parent chain through {parent_id:?} forms a cycle; cut here and shown as a root");
        warn(&mut spans[cut], &mut warnings, message);
        parent_of[cut] = None;
        walk_pre_order(cut, &children, &parent_of, &mut order, &mut visited, &mut depth_of);
    }

    // 4. Move spans into pre-order and fill in their place in the tree.
    let mut new_index_of = vec![0usize; spans.len()];
    for (new_index, &old_index) in order.iter().enumerate() {
        new_index_of[old_index] = new_index;
    }
    // Fill in tree fields where the spans are, then permute them into pre-order in place (cycle by
    // cycle, swapping) so a million spans are never copied into a second vector.
    drop(children);
    let mut child_count = vec![0u32; spans.len()];
    for parent in parent_of.iter().flatten() {
        child_count[*parent] = child_count[*parent].saturating_add(1);
    }
    for old_index in 0..spans.len() {
        // The parent's id is its own `span_id` (it was found by that id, and renames only ever
        // touch copies no id leads to): not kept twice (see `Span::parent_span_id`).
        if let Some(parent) = parent_of[old_index] {
            debug_assert_eq!(spans[old_index].parent_span_id.as_deref(), Some(spans[parent].span_id.as_str()));
            spans[old_index].parent_span_id = None;
        }
        let span = &mut spans[old_index];
        span.parent = parent_of[old_index].map(|parent| new_index_of[parent]).into();
        span.depth = depth_of[old_index];
        span.child_count = child_count[old_index];
        span.subtree_end = new_index_of[old_index] + 1;
    }
    move_to_targets(&mut spans, new_index_of);
    let mut placed = spans;
    // 5. One walk backwards: each span extends its parent's subtree range; a child that starts
    //    before its parent or ends after it is reported, not moved (clock skew); the trace's time
    //    range. (Three walks over a million spans were 40 ms natively; the warnings keep span order.)
    let mut skewed: Vec<(usize, String)> = Vec::new();
    let (mut start_ns, mut end_ns) = (u64::MAX, 0u64);
    for index in (0..placed.len()).rev() {
        let (start, end, subtree_end) = (placed[index].start_ns, placed[index].end_ns(), placed[index].subtree_end);
        let child_kind = placed[index].protocol_kind.clone();
        start_ns = start_ns.min(start);
        end_ns = end_ns.max(end);
        let Some(parent) = placed[index].parent.get() else { continue };
        let parent_span = &mut placed[parent];
        parent_span.subtree_end = parent_span.subtree_end.max(subtree_end);
        let (parent_start, parent_end) = (parent_span.start_ns, parent_span.end_ns());
        if start < parent_start {
            let early = super::format_duration_ns(parent_start - start);
            skewed.push((index, format!("starts {early} before its parent (clock skew?)")));
        } else if end > parent_end
            && parent_span.duration_ns > 0
            && !is_messaging(child_kind.as_deref(), parent_span.protocol_kind.as_deref())
        {
            let late = super::format_duration_ns(end - parent_end);
            skewed.push((index, format!("ends {late} after its parent (clock skew, or async work)")));
        }
    }
    for (index, message) in skewed.into_iter().rev() {
        warn(&mut placed[index], &mut warnings, message);
    }
    trace.start_ns = if placed.is_empty() { 0 } else { start_ns };
    trace.duration_ns = end_ns.saturating_sub(trace.start_ns);
    if trace.name.is_empty() {
        trace.name = placed.first().map(|span| span.name.clone()).unwrap_or_default();
    }
    trace.spans = placed;
    trace.warnings = warnings;
    (trace, order)
}

/// Whether a child outliving its parent is a message's normal course: a consumer (or a producer's
/// send) under the span that sent it keeps going after that span has ended.
fn is_messaging(child_kind: Option<&str>, parent_kind: Option<&str>) -> bool {
    matches!(child_kind, Some("CONSUMER" | "PRODUCER")) || parent_kind == Some("PRODUCER")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_index_keeps_numeric_and_other_ids_apart() {
        let ids = ["00000000000000ab", "ab", "00000000000000AB", "0x000000000000ab", "span_1", "ffffffffffffffff"];
        let mut index = IdIndex::with_capacity(ids.len());
        for (position, id) in ids.iter().enumerate() {
            assert!(index.insert_new(id, position), "{id} is new");
        }
        assert!(!index.insert_new("ab", 99), "ab is there already");
        for (position, id) in ids.iter().enumerate() {
            assert_eq!(index.get(id), Some(position), "{id}");
        }
        assert_eq!(index.numeric.len(), 2, "only the 16 lowercase hex digit ids are numeric");
        assert_eq!(index.get("00000000000000ac"), None);
        assert_eq!(index.get("abc"), None);
    }

    fn span(id: &str, parent: Option<&str>, start_ns: u64) -> Span {
        let mut span = Span::new(id, parent.map(String::from), id);
        span.start_ns = start_ns;
        // Every test span ends at the same moment, so children never end after their parents.
        span.duration_ns = 10_000_000 - start_ns;
        span
    }

    fn shape(trace: &Trace) -> Vec<String> {
        trace
            .spans
            .iter()
            .map(|span| format!("{}{}..{}", "  ".repeat(span.depth as usize), span.span_id, span.subtree_end))
            .collect()
    }

    #[test]
    fn orders_children_before_parents_into_pre_order() {
        let spans = vec![span("c", Some("a"), 5), span("b", Some("a"), 1), span("a", None, 0), span("d", Some("b"), 2)];
        let trace = build_trace(Trace::default(), spans);
        assert_eq!(shape(&trace), ["a..4", "  b..3", "    d..3", "  c..4"]);
        assert_eq!(trace.spans[2].parent.get(), Some(1));
        assert_eq!(trace.spans[0].child_count, 2);
        assert!(trace.warnings.is_empty());
        assert_eq!((trace.start_ns, trace.duration_ns), (0, 10_000_000));
    }

    #[test]
    fn repairs_orphans_duplicates_self_parents_and_cycles_with_warnings() {
        let spans = vec![
            span("a", None, 0),
            span("a", None, 1),
            span("orphan", Some("missing"), 2),
            span("self", Some("self"), 3),
            span("x", Some("y"), 4),
            span("y", Some("x"), 5),
        ];
        let trace = build_trace(Trace::default(), spans);
        assert_eq!(trace.spans.len(), 6, "no span is lost");
        assert_eq!(shape(&trace), ["a..1", "a#2..2", "orphan..3", "self..4", "x..6", "  y..6"]);
        let messages: Vec<String> = trace.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].contains("duplicate span id \"a\""));
        assert!(messages[1].contains("\"missing\" is not in the file"));
        assert!(messages[2].contains("names itself"));
        assert!(messages[3].starts_with("span x:") && messages[3].contains("cycle"));
        // Parent ids the tree does not tell stay on the span; a linked span's is its parent's id.
        let parent_ids: Vec<Option<&str>> = (0..6).map(|index| trace.parent_id_of(index)).collect();
        assert_eq!(parent_ids, [None, None, Some("missing"), Some("self"), Some("y"), Some("x")]);
        let stored: Vec<Option<&str>> = trace.spans.iter().map(|span| span.parent_span_id.as_deref()).collect();
        assert_eq!(stored, [None, None, Some("missing"), Some("self"), Some("y"), None], "y's is x's own id");
    }

    #[test]
    fn a_chain_of_a_million_spans_does_not_overflow_the_stack() {
        let count = 1_000_000;
        let spans: Vec<Span> = (0..count)
            .map(|index| span(&index.to_string(), (index > 0).then(|| (index - 1).to_string()).as_deref(), index))
            .collect();
        let trace = build_trace(Trace::default(), spans);
        assert_eq!(trace.spans.last().map(|span| span.depth), Some(count as u32 - 1));
        assert_eq!(trace.spans[0].subtree_end, count as usize);
    }

    #[test]
    fn a_span_hanging_off_a_cycle_keeps_its_parent() {
        let spans = vec![span("z", Some("x"), 2), span("x", Some("y"), 0), span("y", Some("x"), 1)];
        let trace = build_trace(Trace::default(), spans);
        assert_eq!(shape(&trace), ["x..3", "  y..2", "  z..3"]);
        assert_eq!(trace.warnings.len(), 1);
    }

    #[test]
    fn a_consumer_outliving_the_producer_that_sent_its_message_is_no_problem() {
        let mut producer = span("send", Some("root"), 10);
        producer.duration_ns = 20;
        producer.protocol_kind = Some("PRODUCER".into());
        let mut consumer = span("process", Some("send"), 20);
        consumer.duration_ns = 500;
        consumer.protocol_kind = Some("CONSUMER".into());
        let mut root = span("root", None, 0);
        root.duration_ns = 40;
        let mut internal = span("late", Some("root"), 30);
        internal.duration_ns = 100;
        let trace = build_trace(Trace::default(), vec![root, producer, consumer, internal]);
        let messages: Vec<String> = trace.warnings.iter().map(ToString::to_string).collect();
        // The consumer runs long after the send; an ordinary child ending after its parent is still told.
        assert_eq!(messages, ["span late: ends 90 ns after its parent (clock skew, or async work)"]);
        assert!(is_messaging(None, Some("PRODUCER")) && is_messaging(Some("CONSUMER"), Some("SERVER")));
        assert!(!is_messaging(Some("CLIENT"), Some("SERVER")));
    }

    #[test]
    fn a_child_outside_its_parent_is_reported_as_clock_skew_and_left_in_place() {
        let mut early = span("early", Some("parent"), 50);
        early.start_ns = 40;
        let mut late = span("late", Some("parent"), 60);
        late.duration_ns = 200;
        let mut parent = span("parent", None, 50);
        parent.duration_ns = 100;
        let trace = build_trace(Trace::default(), vec![parent, early, late]);
        let messages: Vec<String> = trace.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "span early: starts 10 ns before its parent (clock skew?)",
                "span late: ends 110 ns after its parent (clock skew, or async work)"
            ]
        );
        assert_eq!(trace.spans[1].start_ns, 40, "times are reported, not changed");
    }
}
