//! Loops an agent went round: maximal runs of a repeated block of consecutive siblings, so the
//! tree can fold 200 × [llm, tool] into one row "×200".
//!
//! **What is a loop.** The children of one parent (or the trace's roots), in tree order, are a
//! sequence of steps, each step its span's (kind, name). A *run* is a block of 1 to
//! [`MAX_PERIOD`] consecutive steps repeated at least [`MIN_REPEATS`] times in a row. Runs are
//! chosen left to right: at each sibling the period whose run covers the most siblings wins (the
//! smallest such period on a tie, so `a a a a` is `a ×4`, not `a a ×2`), the run is taken whole
//! and the search goes on after it, so runs never overlap; a sibling that starts no run is passed.
//! Greedy, so predictable rather than optimal: `a b a b a b c a b c` is `(a b) ×3` and nothing
//! more, where `(a b) ×2` then `(a b c) ×2` would cover more siblings.
//! Only the block's own siblings are compared: what happens inside an iteration may differ, and
//! loops inside an iteration are runs of their own (nested runs). Two repeats are a loop (a retry
//! is worth seeing); the tree folds runs of [`FOLD_BY_DEFAULT_FROM`] and more when a trace loads.
//!
//! **What a run sums.** Its members' durations (the work the iterations did, which is what the
//! folded row shows; the run's extent, first start to last end, is kept for the bar), and the
//! model calls' tokens and cost over the members *and their subtrees* (the loop's whole bill,
//! counted as the digest counts a trace's: LLM and embedding spans only, see
//! [`crate::view::present::is_model_call`]), its failed spans likewise, and each iteration's
//! extent (first start to last end of its block) for the shortest and longest iteration.
//!
//! **Stuck loops.** A run of at least [`STUCK_FROM`] iterations is *stuck* when that many of its
//! iterations make the same tool call with identical arguments: the arguments' text compared
//! byte for byte (no JSON normalisation: an agent that is stuck sends the very same text), the
//! tool's name too. A call is a tool run (a span's `tool` with arguments; its name, else the
//! span's) or a tool call in a model's output messages read at import, made by a block's member
//! or one of the members' direct children (so both `[llm, tool]` and `[step → (llm, tool)]` loops
//! are seen). A call whose arguments were not recorded never counts. This is asked of a run when
//! its row is drawn ([`stuck_call`]), not of every run when the trace loads.
//!
//! Iterative throughout (a 100,000-deep chain is fine) and linear in the spans: one walk in tree
//! order reads each span once; each parent's children are compared at most [`MAX_PERIOD`] times
//! each, and a run's subtree sums are the difference of the running totals before its first
//! member and after its last.

use crate::model::{Span, Trace};
use crate::view::present::is_model_call;

/// The longest block a run may repeat.
pub const MAX_PERIOD: usize = 8;
/// A block seen twice in a row is a run.
pub const MIN_REPEATS: u32 = 2;
/// Runs of this many iterations and more are folded when a trace loads.
pub const FOLD_BY_DEFAULT_FROM: u32 = 3;
/// A run is stuck when this many iterations make the same tool call with the same arguments.
pub const STUCK_FROM: u32 = 3;

/// One run of a repeated block among a parent's children.
#[derive(Clone, Debug, PartialEq)]
pub struct LoopRun {
    /// The siblings' parent (`None`: the trace's roots).
    pub parent: Option<usize>,
    /// The run's first sibling; the run with its members' subtrees is `first..end`.
    pub first: usize,
    pub end: usize,
    /// Siblings in the repeated block.
    pub period: u32,
    /// Times the block repeats in a row (at least [`MIN_REPEATS`]).
    pub repeats: u32,
    /// The members' durations summed (saturating).
    pub duration_ns: u64,
    /// From the first member's start to the last end among the members.
    pub start_ns: u64,
    pub end_ns: u64,
    /// The shortest and the longest iteration (first start to last end of its block).
    pub min_iteration_ns: u64,
    pub max_iteration_ns: u64,
    /// Model calls' tokens in the run's spans and their subtrees.
    pub tokens: u64,
    /// Model calls' cost in the run's spans and their subtrees, when any has one.
    pub cost_usd: Option<f64>,
    /// Failed spans in the run's spans and their subtrees.
    pub error_count: usize,
}

impl LoopRun {
    /// Whether the tree folds this run when a trace loads.
    pub fn folds_by_default(&self) -> bool {
        self.repeats >= FOLD_BY_DEFAULT_FROM
    }

    /// Spans (members and their subtrees) a folded row stands for.
    pub fn span_count(&self) -> usize {
        self.end - self.first
    }
}

/// A tool call made with the same arguments in many iterations of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StuckCall {
    pub tool: String,
    pub arguments: String,
    /// Iterations that made it.
    pub iterations: u32,
}

/// Every run of a trace, ordered by first sibling.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loops {
    pub runs: Vec<LoopRun>,
}

impl Loops {
    /// The run whose first sibling is `index`, by its position in `runs`.
    pub fn run_starting_at(&self, index: usize) -> Option<usize> {
        self.runs.binary_search_by_key(&index, |run| run.first).ok()
    }

    /// Runs whose folded row hides `index` (it lies in the run after its first sibling, which is
    /// the span the folded row stands on), outermost first.
    pub fn hiding(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        let before = self.runs.partition_point(|run| run.first < index);
        (0..before).filter(move |&run| self.runs[run].end > index)
    }

    /// The first iteration's siblings: the block that repeats.
    pub fn block(&self, trace: &Trace, run: usize) -> Vec<usize> {
        let Some(run) = self.runs.get(run) else { return Vec::new() };
        members(&trace.spans, run).take(run.period as usize).collect()
    }
}

/// The run's siblings in tree order, each after the last one's subtree.
fn members<'a>(spans: &'a [Span], run: &LoopRun) -> impl Iterator<Item = usize> + 'a {
    let end = run.end.min(spans.len());
    std::iter::successors(Some(run.first), move |&member| {
        Some(spans.get(member)?.subtree_end.max(member + 1)).filter(|&next| next < end)
    })
    .take_while(move |&member| member < end)
}

/// Finds every run of `trace` (see the module's documentation for the rules).
///
/// One walk over the spans in tree order, as the digest's: each span is read once, where it lies
/// (reading each parent's children in a pass of their own jumped through memory, a cache miss
/// for each child and another for its name: most of the time on a million spans). A parent with
/// two children or more gets a [`Siblings`] record while the walk is inside it; each child adds
/// its step, times and the running totals there, and when the walk leaves the parent its
/// children are searched for runs.
pub fn find_loops(trace: &Trace) -> Loops {
    let spans = &trace.spans;
    let mut runs = Vec::new();
    let mut totals = Totals::default();
    let mut streaks = Vec::new();
    // The roots are siblings too (several roots: repeated top-level requests).
    let root_count = std::iter::successors(Some(0), |&root: &usize| Some(spans.get(root)?.subtree_end.max(root + 1)))
        .take_while(|&root| root < spans.len())
        .count();
    let mut roots = Siblings::default();
    roots.open(None, spans.len(), root_count);
    // Parents with two children or more that the walk is inside, innermost last.
    let mut open: Vec<Siblings> = Vec::new();
    let mut spare: Vec<Siblings> = Vec::new();
    for (index, span) in spans.iter().enumerate() {
        while open.last().is_some_and(|top| top.end <= index) {
            if let Some(mut finished) = open.pop() {
                finished.close(spans, &totals, &mut streaks, &mut runs);
                spare.push(finished);
            }
        }
        let siblings = match span.parent.get() {
            None => Some(&mut roots),
            Some(parent) => open.last_mut().filter(|top| top.parent == Some(parent)),
        };
        if let Some(siblings) = siblings {
            siblings.add(spans, index, &totals);
        }
        totals.add(span);
        if span.child_count as usize >= MIN_REPEATS as usize {
            let mut siblings = spare.pop().unwrap_or_default();
            siblings.open(Some(index), span.subtree_end, span.child_count as usize);
            open.push(siblings);
        }
    }
    while let Some(mut finished) = open.pop() {
        finished.close(spans, &totals, &mut streaks, &mut runs);
    }
    roots.close(spans, &totals, &mut streaks, &mut runs);
    runs.sort_unstable_by_key(|run| run.first);
    Loops { runs }
}

/// One parent's children as the walk meets them, and what the runs need of each.
#[derive(Default)]
struct Siblings {
    parent: Option<usize>,
    /// One past the parent's subtree.
    end: usize,
    /// The children's span indices, in tree order.
    indices: Vec<usize>,
    /// Per child, a number for its step: equal numbers are equal (kind, name).
    steps: Vec<u32>,
    /// Per child, its start and end.
    times: Vec<(u64, u64)>,
    /// The running totals before each child, and after the last one's subtree: a run's sums
    /// are the difference between two of them.
    totals: Vec<Totals>,
    /// Open addressing from a step's hash to (hash, a child with that step, its number).
    table: Vec<(u64, u32, u32)>,
}

const EMPTY: u32 = u32::MAX;

impl Siblings {
    fn open(&mut self, parent: Option<usize>, end: usize, children: usize) {
        self.parent = parent;
        self.end = end;
        self.indices.clear();
        self.steps.clear();
        self.times.clear();
        self.totals.clear();
        self.table.clear();
        self.table.resize((children * 2).next_power_of_two(), (0, EMPTY, EMPTY));
    }

    /// Adds the child at `index`, numbering its step (names compared exactly: the hash only
    /// finds the candidate, whose span is one of a few the parent's children keep repeating).
    fn add(&mut self, spans: &[Span], index: usize, totals: &Totals) {
        let span = &spans[index];
        let capacity = self.table.len();
        if self.indices.len() * 2 >= capacity {
            // More children than the parent said (never after the tree builder): count them again.
            self.grow(spans);
            return self.add(spans, index, totals);
        }
        let hash = step_hash(span);
        let mut slot = hash as usize & (self.table.len() - 1);
        let step = loop {
            let (slot_hash, example, step) = self.table[slot];
            if example == EMPTY {
                let step = self.indices.len() as u32;
                self.table[slot] = (hash, self.indices.len() as u32, step);
                break step;
            }
            if slot_hash == hash && same_step(&spans[self.indices[example as usize]], span) {
                break step;
            }
            slot = (slot + 1) & (self.table.len() - 1);
        };
        self.indices.push(index);
        self.steps.push(step);
        self.times.push((span.start_ns, span.end_ns()));
        self.totals.push(totals.clone());
    }

    /// Twice the table, the children's steps placed again.
    fn grow(&mut self, spans: &[Span]) {
        let capacity = (self.table.len() * 2).max(4);
        self.table.clear();
        self.table.resize(capacity, (0, EMPTY, EMPTY));
        for (position, &index) in self.indices.iter().enumerate() {
            let hash = step_hash(&spans[index]);
            let mut slot = hash as usize & (capacity - 1);
            while self.table[slot].1 != EMPTY {
                if self.steps[self.table[slot].1 as usize] == self.steps[position] {
                    break;
                }
                slot = (slot + 1) & (capacity - 1);
            }
            if self.table[slot].1 == EMPTY {
                self.table[slot] = (hash, position as u32, self.steps[position]);
            }
        }
    }

    /// The walk has left the parent: its children's runs, chosen greedily left to right.
    fn close(&mut self, spans: &[Span], totals: &Totals, streaks: &mut Vec<u32>, runs: &mut Vec<LoopRun>) {
        self.totals.push(totals.clone());
        let count = self.indices.len();
        let max_period = MAX_PERIOD.min(count / MIN_REPEATS as usize);
        if max_period == 0 {
            return;
        }
        // streaks[(period - 1) * (count + 1) + j]: how many children from j on each have the
        // step of the one `period` places before it; so children i.. repeat with that period
        // for `period + streak(i + period)` children.
        let stride = count + 1;
        streaks.clear();
        streaks.resize(max_period * stride, 0);
        for period in 1..=max_period {
            let row = &mut streaks[(period - 1) * stride..period * stride];
            for j in (period..count).rev() {
                if self.steps[j] == self.steps[j - period] {
                    row[j] = row[j + 1] + 1;
                }
            }
        }
        let mut at = 0;
        while at + 1 < count {
            // (children covered, period): the most covered, then the smallest period.
            let mut best = (0usize, 0usize);
            for period in 1..=max_period {
                if at + period * MIN_REPEATS as usize > count {
                    break;
                }
                let periodic = period + streaks[(period - 1) * stride + at + period] as usize;
                let covered = periodic / period * period;
                if periodic / period >= MIN_REPEATS as usize && covered > best.0 {
                    best = (covered, period);
                }
            }
            let (covered, period) = best;
            if covered == 0 {
                at += 1;
                continue;
            }
            runs.push(self.describe_run(spans, at, covered, period));
            at += covered;
        }
    }

    /// The run of children `at..at + covered` with this period.
    fn describe_run(&self, spans: &[Span], at: usize, covered: usize, period: usize) -> LoopRun {
        let after = at + covered;
        let end = self.indices.get(after).copied().unwrap_or(self.end.min(spans.len()));
        let (before, behind) = (&self.totals[at], &self.totals[after]);
        let mut run = LoopRun {
            parent: self.parent,
            first: self.indices[at],
            end,
            period: period as u32,
            repeats: (covered / period) as u32,
            duration_ns: 0,
            start_ns: u64::MAX,
            end_ns: 0,
            min_iteration_ns: u64::MAX,
            max_iteration_ns: 0,
            tokens: behind.tokens.saturating_sub(before.tokens),
            cost_usd: (behind.priced > before.priced).then(|| (behind.cost_usd - before.cost_usd).max(0.0)),
            error_count: behind.errors - before.errors,
        };
        for iteration in self.times[at..after].chunks(period) {
            let (mut start, mut end) = (u64::MAX, 0u64);
            for &(member_start, member_end) in iteration {
                run.duration_ns = run.duration_ns.saturating_add(member_end - member_start);
                start = start.min(member_start);
                end = end.max(member_end);
            }
            let length = end.saturating_sub(start);
            run.min_iteration_ns = run.min_iteration_ns.min(length);
            run.max_iteration_ns = run.max_iteration_ns.max(length);
            run.start_ns = run.start_ns.min(start);
            run.end_ns = run.end_ns.max(end);
        }
        run
    }
}

fn same_step(a: &Span, b: &Span) -> bool {
    a.kind == b.kind && a.name == b.name
}

/// FNV-1a over a span's kind and name.
fn step_hash(span: &Span) -> u64 {
    fnv(std::iter::once(span.kind as u8).chain(span.name.bytes()))
}

fn fnv(bytes: impl Iterator<Item = u8>) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in bytes {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// One tool call of an iteration: a hash of (tool, arguments) to group by, the iteration, the
/// texts themselves (groups are checked byte for byte, so a hash collision never joins calls).
type Call<'a> = (u64, u32, &'a str, &'a str);

/// The tool call that most of `run`'s iterations make with identical arguments, if at least
/// [`STUCK_FROM`] do. Asked for a run when its row is drawn, not for every run when a trace
/// loads: a loop-heavy million-span trace has a quarter of a million runs, and looking at every
/// member's calls took longer than finding them all.
pub fn stuck_call(trace: &Trace, run: &LoopRun) -> Option<StuckCall> {
    if run.repeats < STUCK_FROM {
        return None;
    }
    let spans = &trace.spans;
    let members: Vec<usize> = members(spans, run).collect();
    let period = run.period as usize;
    let mut calls: Vec<Call> = Vec::new();
    for (iteration, block) in members.chunks(period).enumerate() {
        for &member in block {
            calls_of(&spans[member], iteration as u32, &mut calls);
            let end = spans[member].subtree_end;
            let mut child = member + 1;
            while child < end {
                calls_of(&spans[child], iteration as u32, &mut calls);
                child = spans[child].subtree_end.max(child + 1);
            }
        }
    }
    calls.sort_unstable_by_key(|call| (call.0, call.1));
    let mut best: Option<(u32, &str, &str)> = None;
    for group in calls.chunk_by(|a, b| a.0 == b.0) {
        let (_, _, tool, arguments) = group[0];
        // Iterations (each once) whose call is the group's first, byte for byte.
        let mut iterations = 0u32;
        let mut last_iteration = None;
        for &(_, iteration, other_tool, other_arguments) in group {
            if last_iteration != Some(iteration) && other_tool == tool && other_arguments == arguments {
                iterations += 1;
                last_iteration = Some(iteration);
            }
        }
        if best.is_none_or(|(most, _, _)| iterations > most) {
            best = Some((iterations, tool, arguments));
        }
    }
    let (iterations, tool, arguments) = best.filter(|(iterations, _, _)| *iterations >= STUCK_FROM)?;
    Some(StuckCall { tool: tool.to_string(), arguments: arguments.to_string(), iterations })
}

/// The tool calls `span` makes: its tool run and the tool calls of its output messages (those
/// read at import), each with recorded arguments.
fn calls_of<'a>(span: &'a Span, iteration: u32, into: &mut Vec<Call<'a>>) {
    let Some(details) = span.ai.as_deref() else { return };
    let mut add = |tool: &'a str, arguments: &'a str| {
        if !arguments.is_empty() {
            into.push((call_hash(tool, arguments), iteration, tool, arguments));
        }
    };
    if let Some(tool) = &details.tool {
        if let Some(arguments) = &tool.arguments {
            add(tool.name.as_deref().unwrap_or(&span.name), arguments);
        }
    }
    for message in details.output_messages.as_read() {
        for call in &message.tool_calls {
            add(&call.name, &call.arguments);
        }
    }
}

/// FNV-1a over the tool's name, a separator and the arguments.
fn call_hash(tool: &str, arguments: &str) -> u64 {
    fnv(tool.bytes().chain(std::iter::once(0xff)).chain(arguments.bytes()))
}

/// Running totals over the spans in tree order.
#[derive(Clone, Default)]
struct Totals {
    tokens: u64,
    cost_usd: f64,
    /// Model calls with a cost so far (a run has a cost when one of its own has).
    priced: usize,
    errors: usize,
}

impl Totals {
    fn add(&mut self, span: &Span) {
        self.errors += usize::from(span.status.is_error());
        if let (true, Some(details)) = (is_model_call(span), span.ai.as_deref()) {
            self.tokens = self.tokens.saturating_add(details.tokens.total_or_sum().unwrap_or(0));
            if let Some(cost) = details.cost_usd {
                self.cost_usd += cost;
                self.priced += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{build_trace, AiDetails, SpanKind, SpanStatus, TokenUsage, ToolRun};

    /// A trace from `(id, parent, kind, name)`, each span starting 10 ns after the last and
    /// lasting 5 ns.
    fn trace(spans: &[(&str, Option<&str>, SpanKind, &str)]) -> Trace {
        let spans = spans
            .iter()
            .enumerate()
            .map(|(at, (id, parent, kind, name))| {
                let mut span = Span::new(*id, parent.map(String::from), *name);
                span.kind = *kind;
                span.start_ns = at as u64 * 10;
                span.duration_ns = 5;
                span
            })
            .collect();
        build_trace(Trace::default(), spans)
    }

    /// A root with children named by the letters of `steps` (all `Tool`, except upper-case
    /// letters, which are `Llm` spans named by the lower-case letter).
    fn siblings(steps: &str) -> Trace {
        let mut spans = vec![("root".to_string(), None, SpanKind::Agent, "root".to_string())];
        for (at, step) in steps.chars().enumerate() {
            let kind = if step.is_uppercase() { SpanKind::Llm } else { SpanKind::Tool };
            spans.push((format!("s{at}"), Some("root"), kind, step.to_lowercase().to_string()));
        }
        let borrowed: Vec<_> =
            spans.iter().map(|(id, parent, kind, name)| (id.as_str(), *parent, *kind, name.as_str())).collect();
        trace(&borrowed)
    }

    /// (first sibling's position among the root's children, period, repeats) of each run.
    fn shape(steps: &str) -> Vec<(usize, u32, u32)> {
        find_loops(&siblings(steps)).runs.iter().map(|run| (run.first - 1, run.period, run.repeats)).collect()
    }

    #[test]
    fn periods_one_two_and_three() {
        assert_eq!(shape("xaaaay"), [(1, 1, 4)]);
        assert_eq!(shape("abababab"), [(0, 2, 4)]);
        assert_eq!(shape("abcabcabcz"), [(0, 3, 3)]);
        assert_eq!(shape("abcdefgh"), [], "nothing repeats");
        assert_eq!(shape("a"), []);
    }

    #[test]
    fn kinds_count_as_much_as_names() {
        assert_eq!(shape("aAaA"), [(0, 2, 2)], "an llm 'a' and a tool 'a' are different steps");
        assert_eq!(shape("aaAA"), [(0, 1, 2), (2, 1, 2)]);
    }

    #[test]
    fn a_different_step_breaks_a_run() {
        assert_eq!(shape("ababXabab"), [(0, 2, 2), (5, 2, 2)]);
        assert_eq!(shape("aaaXaaa"), [(0, 1, 3), (4, 1, 3)]);
        assert_eq!(shape("ababa"), [(0, 2, 2)], "a block cut short is not an iteration");
    }

    #[test]
    fn the_run_covering_most_siblings_wins_then_the_smallest_period() {
        assert_eq!(shape("aaaa"), [(0, 1, 4)], "not (aa) ×2");
        assert_eq!(shape("aaabaaab"), [(0, 4, 2)], "(aaab) ×2 covers 8, a ×3 only 3");
        assert_eq!(shape("ababxyzxyz"), [(0, 2, 2), (4, 3, 2)]);
        assert_eq!(
            shape("abababcabc"),
            [(0, 2, 3)],
            "left to right, a run is taken whole, even where a shorter one would let the next one in"
        );
        assert_eq!(shape("abcdefghabcdefgh"), [(0, 8, 2)], "period 8 is the longest");
        assert_eq!(shape("abcdefghiabcdefghi"), [], "period 9 is too long");
    }

    #[test]
    fn loops_inside_iterations_are_runs_of_their_own() {
        // root → 3 × step, each step → 4 × (llm, tool); the last step's inner loop is shorter.
        let mut spans = vec![("root".to_string(), None, SpanKind::Agent, "root".to_string())];
        for step in 0..3 {
            spans.push((format!("step{step}"), Some("root".to_string()), SpanKind::Chain, "step".to_string()));
            for turn in 0..if step == 2 { 2 } else { 4 } {
                for (kind, name) in [(SpanKind::Llm, "plan"), (SpanKind::Tool, "search")] {
                    spans.push((format!("{step}-{turn}-{name}"), Some(format!("step{step}")), kind, name.to_string()));
                }
            }
        }
        let borrowed: Vec<_> = spans
            .iter()
            .map(|(id, parent, kind, name)| (id.as_str(), parent.as_deref(), *kind, name.as_str()))
            .collect();
        let trace = trace(&borrowed);
        let loops = find_loops(&trace);
        let runs: Vec<_> = loops.runs.iter().map(|run| (run.parent, run.first, run.period, run.repeats)).collect();
        assert_eq!(runs, [(Some(0), 1, 1, 3), (Some(1), 2, 2, 4), (Some(10), 11, 2, 4), (Some(19), 20, 2, 2)]);
        let outer = &loops.runs[0];
        assert_eq!((outer.end, outer.span_count()), (trace.spans.len(), trace.spans.len() - 1));
        assert_eq!(loops.run_starting_at(11), Some(2));
        assert_eq!(loops.run_starting_at(12), None);
        assert_eq!(loops.hiding(14).collect::<Vec<_>>(), [0, 2], "the outer run and the inner one");
        assert_eq!(loops.hiding(1).count(), 0, "a run's first sibling is its folded row");
        assert_eq!(loops.hiding(11).collect::<Vec<_>>(), [0]);
        assert_eq!(loops.block(&trace, 1), [2, 3]);
    }

    #[test]
    fn the_roots_are_siblings_too() {
        let trace = trace(&[
            ("a", None, SpanKind::Chain, "req"),
            ("b", None, SpanKind::Chain, "req"),
            ("c", None, SpanKind::Chain, "req"),
        ]);
        let runs = find_loops(&trace).runs;
        assert_eq!((runs[0].parent, runs[0].first, runs[0].repeats), (None, 0, 3));
    }

    #[test]
    fn a_run_sums_durations_tokens_cost_and_failures_of_its_subtrees() {
        // root → 3 × (llm plan, tool search → llm summarise); one search fails.
        let mut spans = vec![Span::new("root", None, "root")];
        for turn in 0..3u64 {
            let mut plan = Span::new(format!("plan{turn}"), Some("root".into()), "plan");
            plan.kind = SpanKind::Llm;
            plan.start_ns = 100 * turn;
            plan.duration_ns = 10 + turn;
            plan.ai = Some(Box::new(AiDetails {
                tokens: TokenUsage { input: Some(100), output: Some(20), ..TokenUsage::default() },
                cost_usd: Some(0.01),
                ..AiDetails::default()
            }));
            let mut search = Span::new(format!("search{turn}"), Some("root".into()), "search");
            search.kind = SpanKind::Tool;
            search.start_ns = 100 * turn + 20;
            search.duration_ns = 30;
            if turn == 1 {
                search.status = SpanStatus::Error { message: None };
            }
            let mut summarise = Span::new(format!("sum{turn}"), Some(format!("search{turn}")), "summarise");
            summarise.kind = SpanKind::Llm;
            summarise.start_ns = 100 * turn + 25;
            summarise.duration_ns = 5;
            summarise.ai = Some(Box::new(AiDetails {
                tokens: TokenUsage { total: Some(7), ..TokenUsage::default() },
                ..AiDetails::default()
            }));
            spans.extend([plan, search, summarise]);
        }
        let mut after = Span::new("answer", Some("root".into()), "answer");
        after.kind = SpanKind::Llm;
        after.start_ns = 400;
        after.ai = Some(Box::new(AiDetails { cost_usd: Some(5.0), ..AiDetails::default() }));
        spans.push(after);
        let trace = build_trace(Trace::default(), spans);
        let loops = find_loops(&trace);
        assert_eq!(loops.runs.len(), 1);
        let run = &loops.runs[0];
        assert_eq!((run.first, run.end, run.period, run.repeats), (1, 10, 2, 3));
        assert_eq!(run.duration_ns, (10 + 11 + 12) + 3 * 30, "members only: a child's time is inside its parent's");
        assert_eq!((run.start_ns, run.end_ns), (0, 250));
        assert_eq!((run.min_iteration_ns, run.max_iteration_ns), (50, 50));
        assert_eq!(run.tokens, 3 * 120 + 3 * 7, "the plans and the summaries inside the searches");
        assert!((run.cost_usd.unwrap() - 0.03).abs() < 1e-12, "{:?}", run.cost_usd);
        assert_eq!(run.error_count, 1);
        assert!(run.folds_by_default());
        assert_eq!(stuck_call(&trace, run), None, "no tool call has arguments");
    }

    /// root → `arguments.len()` × (llm plan, tool search with these arguments).
    fn tool_loop(arguments: &[&str]) -> Trace {
        let mut spans = vec![Span::new("root", None, "root")];
        for (turn, arguments) in arguments.iter().enumerate() {
            let mut plan = Span::new(format!("plan{turn}"), Some("root".into()), "plan");
            plan.kind = SpanKind::Llm;
            let mut search = Span::new(format!("search{turn}"), Some("root".into()), "call tool");
            search.kind = SpanKind::Tool;
            search.ai = Some(Box::new(AiDetails {
                tool: Some(ToolRun {
                    name: Some("search".into()),
                    arguments: Some(arguments.to_string()),
                    ..ToolRun::default()
                }),
                ..AiDetails::default()
            }));
            spans.extend([plan, search]);
        }
        build_trace(Trace::default(), spans)
    }

    /// The stuck call of the trace's first run.
    fn stuck(trace: &Trace) -> Option<StuckCall> {
        stuck_call(trace, &find_loops(trace).runs[0])
    }

    #[test]
    fn a_stuck_loop_repeats_the_same_call_with_identical_arguments() {
        assert_eq!(
            stuck(&tool_loop(&[r#"{"q":"refund"}"#; 200])),
            Some(StuckCall { tool: "search".into(), arguments: r#"{"q":"refund"}"#.into(), iterations: 200 })
        );
        let varied: Vec<String> = (0..200).map(|page| format!(r#"{{"q":"refund","page":{page}}}"#)).collect();
        let varied: Vec<&str> = varied.iter().map(String::as_str).collect();
        assert_eq!(stuck(&tool_loop(&varied)), None, "different arguments are no stuck loop");
        let spaced = [r#"{"q":"refund"}"#, r#"{"q": "refund"}"#, r#"{"q":"refund"}"#, r#"{ "q":"refund"}"#];
        assert_eq!(stuck(&tool_loop(&spaced)), None, "text is compared byte for byte");
        let some_same = ["a", "b", "a", "c", "a"];
        assert_eq!(stuck(&tool_loop(&some_same)).as_ref().map(|stuck| stuck.iterations), Some(3));
        assert_eq!(stuck(&tool_loop(&["a", "a"])), None, "two repeats are not enough");
        assert_eq!(stuck(&tool_loop(&["", "", "", ""])), None, "no arguments recorded");
    }

    #[test]
    fn a_call_made_by_a_member_s_child_counts() {
        // root → 3 × step → (llm, tool with the same arguments)
        let mut spans = vec![Span::new("root", None, "root")];
        for turn in 0..3 {
            spans.push(Span::new(format!("step{turn}"), Some("root".into()), "step"));
            spans.push(Span::new(format!("plan{turn}"), Some(format!("step{turn}")), "plan"));
            let mut tool = Span::new(format!("tool{turn}"), Some(format!("step{turn}")), "lookup");
            tool.ai = Some(Box::new(AiDetails {
                tool: Some(ToolRun { arguments: Some("order 7".into()), ..ToolRun::default() }),
                ..AiDetails::default()
            }));
            spans.push(tool);
        }
        let stuck = stuck(&build_trace(Trace::default(), spans)).expect("stuck");
        assert_eq!((stuck.tool.as_str(), stuck.iterations), ("lookup", 3), "the span's name names a nameless tool");
    }

    #[test]
    fn a_deep_chain_has_no_loop_and_needs_no_recursion() {
        let spans: Vec<Span> = (0..100_000)
            .map(|depth| Span::new(format!("s{depth}"), (depth > 0).then(|| format!("s{}", depth - 1)), "step"))
            .collect();
        let trace = build_trace(Trace::default(), spans);
        assert!(find_loops(&trace).runs.is_empty());
        // A deep chain whose every level has two children alike: a run at every level.
        let mut spans = Vec::new();
        for depth in 0..100_000 {
            let parent = (depth > 0).then(|| format!("a{}", depth - 1));
            spans.push(Span::new(format!("a{depth}"), parent.clone(), "step"));
            spans.push(Span::new(format!("b{depth}"), parent, "step"));
        }
        let trace = build_trace(Trace::default(), spans);
        let loops = find_loops(&trace);
        assert_eq!(loops.runs.len(), 100_000);
        assert!(loops.runs.iter().all(|run| run.repeats == 2 && run.period == 1));
        let deepest = trace.find_span("a99999").expect("in the trace");
        assert_eq!(loops.hiding(deepest).count(), 99_999, "every run above it");
    }
}
