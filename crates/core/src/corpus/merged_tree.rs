//! The merged tree of many traces: every span placed at its path of (kind, name) from the root,
//! and each path's spans counted with their total and self time (the time no child of the span
//! covered), their 95th percentile duration (nearest rank) and error rate. Traces are added one
//! at a time as the worker re-reads them; the answer lists the paths depth first.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;

use super::facets::nearest_rank;
use super::index::{SpanTable, FAILED};
use super::span_skeleton::{self_times, SkeletonReader, SkeletonSpan};
use crate::model::{SpanKind, Trace};

/// No parent: a root path.
const ROOT: u32 = u32::MAX;

/// One path's gathered spans.
struct Node {
    parent: u32,
    kind: SpanKind,
    name: String,
    count: u64,
    errors: u64,
    total_ns: u64,
    self_ns: u64,
    durations_ns: Vec<u64>,
    /// The node met before this one with the same parent, kind and name hash (`ROOT`: none).
    same_hash: u32,
}

/// The merged tree as it is built.
#[derive(Default)]
pub struct MergedTree {
    nodes: Vec<Node>,
    /// The last node added under each parent, kind and name hash (the others chained from it):
    /// looking a span's path up copies no name.
    by_path: HashMap<(u32, SpanKind, u64), u32>,
    /// The node under each parent of a kind (its place in `SpanKind::ALL`) and a span name's
    /// number in the index's span table: skeletons are merged without looking at names.
    by_name_number: HashMap<(u32, u8, u32), u32>,
    /// A skeleton's spans, decoded before any is merged (a damaged one merges nothing).
    skeleton_spans: Vec<SkeletonSpan>,
    traces: u64,
}

fn name_hash(name: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}

/// One path of the answer (`mergedTree()`), its parent by place in the list (`null` at a root).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedPath {
    pub parent: Option<u32>,
    pub depth: u32,
    pub kind: String,
    pub name: String,
    /// Spans at this path, and the traces' spans per trace merged (`count / traces`).
    pub count: u64,
    pub total_ms: f64,
    pub self_ms: f64,
    pub p95_ms: Option<f64>,
    pub error_rate: f64,
}

/// What `mergedTree()` resolves with.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MergedAnswer {
    /// Traces merged, and how many the filter kept (more than merged when over the limit).
    pub traces: u64,
    pub matching: u64,
    /// Depth first, each path's children by total time, largest first.
    pub paths: Vec<MergedPath>,
}

impl MergedTree {
    /// Adds every span of `trace` at its path.
    pub fn add(&mut self, trace: &Trace) {
        self.traces += 1;
        let own = self_times(trace);
        let mut node_of: Vec<u32> = Vec::with_capacity(trace.spans.len());
        for (place, span) in trace.spans.iter().enumerate() {
            // Spans come parents first, so a parent's node is known.
            let parent = span.parent.get().and_then(|parent| node_of.get(parent).copied()).unwrap_or(ROOT);
            let node = self.node_at(parent, span.kind, &span.name);
            self.gather(node, span.status.is_error(), span.duration_ns, own[place]);
            node_of.push(node);
        }
    }

    /// Adds a trace from its skeleton (see [`super::span_skeleton`]) and its spans' facts in the
    /// index (`facts`: its run of the span table), exactly as [`MergedTree::add`] adds the trace
    /// itself, without reading it again. Returns `false`, having added nothing, when the
    /// skeleton is damaged or does not hold one span per fact.
    pub fn add_skeleton(&mut self, spans: &SpanTable, facts: std::ops::Range<usize>, skeleton: &[u8]) -> bool {
        let mut reader = SkeletonReader::new(skeleton);
        let mut decoded = std::mem::take(&mut self.skeleton_spans);
        decoded.clear();
        let complete = loop {
            match reader.next_span() {
                Ok(Some(span)) => decoded.push(span),
                Ok(None) => {
                    break decoded.len() == facts.len()
                        && facts.clone().all(|fact| {
                            fact < spans.facts.len() && (spans.facts.at(fact) as usize) < spans.kinds.len()
                        })
                }
                Err(_) => break false,
            }
        };
        if complete {
            self.traces += 1;
            let mut node_of: Vec<u32> = Vec::with_capacity(decoded.len());
            for (span, fact) in decoded.iter().zip(facts) {
                let combination = spans.kinds[spans.facts.at(fact) as usize];
                let kind = combination.kind_and_status & !FAILED;
                let parent = span.parent.and_then(|parent| node_of.get(parent).copied()).unwrap_or(ROOT);
                let node = match self.by_name_number.get(&(parent, kind, combination.name)) {
                    Some(&node) => node,
                    None => {
                        let name = spans.names.value(combination.name).unwrap_or_default();
                        let span_kind = SpanKind::ALL.get(usize::from(kind)).copied().unwrap_or(SpanKind::Other);
                        let node = self.node_at(parent, span_kind, name);
                        self.by_name_number.insert((parent, kind, combination.name), node);
                        node
                    }
                };
                self.gather(node, span.failed, span.duration_ns, span.self_ns);
                node_of.push(node);
            }
        }
        self.skeleton_spans = decoded;
        complete
    }

    /// Counts one span at `node`.
    fn gather(&mut self, node: u32, failed: bool, duration_ns: u64, self_ns: u64) {
        let gathered = &mut self.nodes[node as usize];
        gathered.count += 1;
        gathered.errors += u64::from(failed);
        gathered.total_ns += duration_ns;
        gathered.self_ns += self_ns;
        gathered.durations_ns.push(duration_ns);
    }

    /// The node of the path `parent` → (`kind`, `name`), added when new.
    fn node_at(&mut self, parent: u32, kind: SpanKind, name: &str) -> u32 {
        let key = (parent, kind, name_hash(name));
        let head = self.by_path.get(&key).copied().unwrap_or(ROOT);
        let mut candidate = head;
        while candidate != ROOT {
            let node = &self.nodes[candidate as usize];
            if node.name == name {
                return candidate;
            }
            candidate = node.same_hash;
        }
        let next = self.nodes.len() as u32;
        self.nodes.push(Node {
            parent,
            kind,
            name: name.to_string(),
            count: 0,
            errors: 0,
            total_ns: 0,
            self_ns: 0,
            durations_ns: Vec::new(),
            same_hash: head,
        });
        self.by_path.insert(key, next);
        next
    }

    pub fn traces(&self) -> u64 {
        self.traces
    }

    /// The paths depth first, children by total time (largest first, ties by name, then kind).
    pub fn answer(mut self, matching: u64) -> MergedAnswer {
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); self.nodes.len()];
        let mut roots = Vec::new();
        for (node, gathered) in self.nodes.iter().enumerate() {
            match gathered.parent {
                ROOT => roots.push(node as u32),
                parent => children[parent as usize].push(node as u32),
            }
        }
        let order = |list: &mut Vec<u32>, nodes: &[Node]| {
            list.sort_by(|&left, &right| {
                let (left, right) = (&nodes[left as usize], &nodes[right as usize]);
                right
                    .total_ns
                    .cmp(&left.total_ns)
                    .then_with(|| left.name.cmp(&right.name))
                    .then(left.kind.cmp(&right.kind))
            })
        };
        order(&mut roots, &self.nodes);
        children.iter_mut().for_each(|list| order(list, &self.nodes));
        let mut paths = Vec::with_capacity(self.nodes.len());
        // (node, its place's parent in `paths`, depth), last first.
        let mut pending: Vec<(u32, Option<u32>, u32)> = roots.iter().rev().map(|&node| (node, None, 0)).collect();
        while let Some((node, parent, depth)) = pending.pop() {
            let place = paths.len() as u32;
            let gathered = &mut self.nodes[node as usize];
            let to_ms = |ns: u64| ns as f64 / 1e6;
            paths.push(MergedPath {
                parent,
                depth,
                kind: gathered.kind.as_str().to_string(),
                name: std::mem::take(&mut gathered.name),
                count: gathered.count,
                total_ms: to_ms(gathered.total_ns),
                self_ms: to_ms(gathered.self_ns),
                p95_ms: nearest_rank(&mut gathered.durations_ns, 95.0).map(to_ms),
                error_rate: gathered.errors as f64 / gathered.count.max(1) as f64,
            });
            pending.extend(children[node as usize].iter().rev().map(|&child| (child, Some(place), depth + 1)));
        }
        MergedAnswer { traces: self.traces, matching, paths }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::import_text;

    /// A span of a test trace: (id, parent, name, kind, start ms, end ms, failed).
    type TestSpan<'a> = (&'a str, Option<&'a str>, &'a str, &'a str, u64, u64, bool);

    /// A trace in the viewer's own format.
    fn trace(spans: &[TestSpan]) -> Trace {
        let spans: Vec<serde_json::Value> = spans
            .iter()
            .map(|(id, parent, name, kind, start, end, failed)| {
                serde_json::json!({
                    "id": id, "parent": parent, "name": name, "kind": kind,
                    "start": format!("2024-01-01T00:00:{:02}.{:03}Z", start / 1000, start % 1000),
                    "end": format!("2024-01-01T00:00:{:02}.{:03}Z", end / 1000, end % 1000),
                    "status": if *failed { "error" } else { "ok" },
                })
            })
            .collect();
        let text =
            serde_json::json!({ "format": "trace-viewer/v1", "traces": [{ "id": "t", "spans": spans }] }).to_string();
        import_text(&text, None).expect("the trace imports").traces.remove(0)
    }

    #[test]
    fn paths_merge_across_traces_with_self_time_the_children_leave_uncovered() {
        let mut tree = MergedTree::default();
        // Two overlapping tool calls under one model call: self time counts their union once.
        tree.add(&trace(&[
            ("a", None, "agent", "agent", 0, 1000, false),
            ("b", Some("a"), "plan", "llm", 0, 400, false),
            ("c", Some("b"), "search", "tool", 100, 300, false),
            ("d", Some("b"), "search", "tool", 200, 350, true),
        ]));
        tree.add(&trace(&[
            ("a", None, "agent", "agent", 0, 500, false),
            ("b", Some("a"), "plan", "llm", 0, 100, false),
        ]));
        let answer = tree.answer(2);
        assert_eq!(answer.traces, 2);
        let rows: Vec<(Option<u32>, u32, &str, u64)> =
            answer.paths.iter().map(|path| (path.parent, path.depth, path.name.as_str(), path.count)).collect();
        assert_eq!(rows, [(None, 0, "agent", 2), (Some(0), 1, "plan", 2), (Some(1), 2, "search", 2)]);
        let [agent, plan, search] = &answer.paths[..] else { panic!("three paths") };
        assert_eq!((agent.total_ms, agent.self_ms), (1500.0, 1000.0));
        // plan: 400 ms with search covering 100..350 (250 ms), then 100 ms uncovered.
        assert_eq!((plan.total_ms, plan.self_ms), (500.0, 250.0));
        assert_eq!((search.total_ms, search.self_ms, search.error_rate), (350.0, 350.0, 0.5));
        assert_eq!(search.p95_ms, Some(200.0));
        assert_eq!(plan.kind, "llm");
    }

    #[test]
    fn a_skeleton_merges_as_its_trace_does_and_a_damaged_one_merges_nothing() {
        use crate::corpus::index::{CorpusIndex, TraceSource};
        use crate::corpus::summary::TraceSummary;
        let traces = [
            trace(&[
                ("a", None, "agent", "agent", 0, 1000, false),
                ("b", Some("a"), "plan", "llm", 0, 400, false),
                ("c", Some("b"), "search", "tool", 100, 300, false),
                ("d", Some("b"), "search", "tool", 200, 350, true),
                ("e", Some("a"), "search", "tool", 500, 900, false),
            ]),
            trace(&[("a", None, "agent", "agent", 0, 500, false), ("b", Some("a"), "plan", "llm", 0, 100, false)]),
        ];
        let mut index = CorpusIndex::default();
        let mut direct = MergedTree::default();
        let mut from_skeletons = MergedTree::default();
        for (number, trace) in traces.iter().enumerate() {
            let mut summary = TraceSummary::of(trace);
            summary.trace_id = format!("t{number}");
            let row = index.add(summary, TraceSource::Kept { index: number as u32 });
            direct.add(trace);
            let (skeleton, facts) = index.skeleton(row).expect("a trace in one part has a skeleton");
            assert!(from_skeletons.add_skeleton(&index.spans, facts.clone(), skeleton));
            let damaged = &skeleton[..skeleton.len() - 1];
            assert!(!from_skeletons.add_skeleton(&index.spans, facts.clone(), damaged));
            assert!(!from_skeletons.add_skeleton(&index.spans, facts.start..facts.end + 1, skeleton));
        }
        assert_eq!(from_skeletons.traces(), 2);
        assert_eq!(from_skeletons.answer(2), direct.answer(2));
    }
}
