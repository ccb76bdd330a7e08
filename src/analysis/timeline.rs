//! Waterfall geometry: where a span's bar sits on the shared time axis, and the axis ticks.
//! Kept out of the components so it can be tested and reused by zoom later.

use super::format_percent;

/// The part of the trace the axis shows, in nanoseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    pub start_ns: u64,
    pub duration_ns: u64,
}

/// A bar's left edge and width as CSS percentages of the axis width (`"25.0000%"`).
#[derive(Clone, Debug, PartialEq)]
pub struct BarGeometry {
    pub left: String,
    pub width: String,
}

/// Where `start_ns..end_ns` sits in the window, clipped to it (a zero-length span still gets a
/// visible sliver, set in CSS).
pub fn interval_geometry(start_ns: u64, end_ns: u64, window: TimeWindow) -> BarGeometry {
    if window.duration_ns == 0 {
        return BarGeometry { left: "0%".into(), width: "100%".into() };
    }
    let window_end = window.start_ns.saturating_add(window.duration_ns);
    let start = start_ns.clamp(window.start_ns, window_end);
    let end = end_ns.clamp(window.start_ns, window_end);
    BarGeometry {
        left: format_percent(start - window.start_ns, window.duration_ns, 4),
        width: format_percent(end - start, window.duration_ns, 4),
    }
}

impl TimeWindow {
    /// The part of this window between two fractions of its width (0.0 to 1.0, in either order),
    /// at least `minimum_ns` long so zooming always shows something.
    pub fn between(self, from: f64, to: f64, minimum_ns: u64) -> TimeWindow {
        let (low, high) = if from <= to { (from, to) } else { (to, from) };
        let at = |fraction: f64| (fraction.clamp(0.0, 1.0) * self.duration_ns as f64) as u64;
        let start_ns = self.start_ns + at(low);
        let duration_ns = (at(high) - at(low)).max(minimum_ns.min(self.duration_ns));
        TimeWindow { start_ns, duration_ns }
    }
}

/// Time a span spends itself: its duration minus the union of its children's intervals
/// (clipped to it). Spans are in pre-order, so a span's direct children are found by hopping from
/// subtree to subtree, with no list built: one pass over all spans, no allocation per span (a
/// million spans took 76 ms natively with per-span child lists, the first frame's largest part).
pub fn self_times(trace: &crate::model::Trace) -> Vec<u64> {
    let spans = &trace.spans;
    let mut unsorted: Vec<(u64, u64)> = Vec::new();
    spans
        .iter()
        .enumerate()
        .map(|(index, span)| {
            let interval = |child: usize| (spans[child].start_ns, spans[child].end_ns());
            let mut union = Union::within(span.start_ns, span.end_ns());
            let mut in_start_order = true;
            for child in direct_children(spans, index) {
                let (child_start, child_end) = interval(child);
                in_start_order &= child_start >= union.last_start;
                if !in_start_order {
                    break;
                }
                union.add(child_start, child_end);
            }
            if !in_start_order {
                // The tree builder orders children by start; should that ever not hold, this
                // span's children are sorted first.
                unsorted.clear();
                unsorted.extend(direct_children(spans, index).map(interval));
                unsorted.sort_unstable();
                union = Union::within(span.start_ns, span.end_ns());
                for &(child_start, child_end) in &unsorted {
                    union.add(child_start, child_end);
                }
            }
            span.duration_ns.saturating_sub(union.covered)
        })
        .collect()
}

/// The direct children of span `index`: from its first child, hopping over each child's subtree.
fn direct_children(spans: &[crate::model::Span], index: usize) -> impl Iterator<Item = usize> + '_ {
    let end = spans[index].subtree_end.min(spans.len());
    std::iter::successors(Some(index + 1), move |&child| spans.get(child).map(|span| span.subtree_end.max(child + 1)))
        .take_while(move |&child| child < end)
}

/// The length of the union of intervals added in start order, clipped to `start..end`.
struct Union {
    start: u64,
    end: u64,
    reached: u64,
    last_start: u64,
    covered: u64,
}

impl Union {
    fn within(start: u64, end: u64) -> Self {
        Union { start, end, reached: start, last_start: 0, covered: 0 }
    }

    fn add(&mut self, from: u64, to: u64) {
        self.last_start = from;
        let from = from.clamp(self.reached, self.end);
        let to = to.clamp(self.start, self.end);
        if to > from {
            self.covered += to - from;
            self.reached = to;
        }
    }
}

/// One tick on the axis: its offset from the window start and its CSS position.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeTick {
    pub offset_ns: u64,
    /// Position as a CSS percentage, such as `"40.000%"`.
    pub left: String,
    /// Whether the tick sits in the last tenth of the axis, where a label would be cut off.
    pub near_end: bool,
}

/// Ticks at a round step (1, 2 or 5 times a power of ten) giving at most `max_ticks` intervals.
pub fn time_ticks(window: TimeWindow, max_ticks: u32) -> Vec<TimeTick> {
    if window.duration_ns == 0 || max_ticks == 0 {
        return vec![TimeTick { offset_ns: 0, left: "0%".into(), near_end: false }];
    }
    let rough_step = window.duration_ns.div_ceil(u64::from(max_ticks)).max(1);
    let mut magnitude = 1u64;
    while magnitude.saturating_mul(10) <= rough_step {
        magnitude *= 10;
    }
    let step = [1, 2, 5, 10]
        .into_iter()
        .map(|factor| magnitude.saturating_mul(factor))
        .find(|step| *step >= rough_step)
        .unwrap_or(magnitude.saturating_mul(10));
    (0..=window.duration_ns / step)
        .map(|count| {
            let offset_ns = count * step;
            TimeTick {
                offset_ns,
                left: format_percent(offset_ns, window.duration_ns, 3),
                near_end: u128::from(offset_ns) * 10 > u128::from(window.duration_ns) * 9,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Span;

    #[test]
    fn bars_are_placed_proportionally_and_clipped() {
        let mut span = Span::new("s", None, "s");
        span.start_ns = 1_250;
        span.duration_ns = 500;
        let window = TimeWindow { start_ns: 1_000, duration_ns: 1_000 };
        let bar = |span: &Span| interval_geometry(span.start_ns, span.end_ns(), window);
        assert_eq!(bar(&span), BarGeometry { left: "25.0000%".into(), width: "50.0000%".into() });
        span.duration_ns = 5_000;
        assert_eq!(bar(&span), BarGeometry { left: "25.0000%".into(), width: "75.0000%".into() });
    }

    #[test]
    fn zoom_windows_and_self_time() {
        let window = TimeWindow { start_ns: 1_000, duration_ns: 1_000 };
        assert_eq!(window.between(0.5, 0.25, 1), TimeWindow { start_ns: 1_250, duration_ns: 250 });
        assert_eq!(window.between(0.5, 0.5, 10), TimeWindow { start_ns: 1_500, duration_ns: 10 });
        let mut parent = Span::new("p", None, "p");
        parent.duration_ns = 100;
        let mut first = Span::new("a", Some("p".into()), "a");
        first.start_ns = 10;
        first.duration_ns = 30;
        let mut overlapping = Span::new("b", Some("p".into()), "b");
        overlapping.start_ns = 20;
        overlapping.duration_ns = 40;
        let trace = crate::model::build_trace(crate::model::Trace::default(), vec![parent, first, overlapping]);
        assert_eq!(self_times(&trace), [50, 30, 40], "children cover 10..60 of the parent's 0..100");
    }

    #[test]
    fn self_time_skips_grandchildren_and_copes_with_children_out_of_start_order() {
        let span = |id: &str, parent: Option<&str>, start_ns: u64, duration_ns: u64| {
            let mut span = Span::new(id, parent.map(String::from), id);
            span.start_ns = start_ns;
            span.duration_ns = duration_ns;
            span
        };
        // root 0..100 with children a 10..40 (grandchild g 15..35), b 10..20, c 70..90.
        let spans = vec![
            span("root", None, 0, 100),
            span("a", Some("root"), 10, 30),
            span("g", Some("a"), 15, 20),
            span("b", Some("root"), 10, 10),
            span("c", Some("root"), 70, 20),
        ];
        let mut trace = crate::model::build_trace(crate::model::Trace::default(), spans);
        let names: Vec<&str> = trace.spans.iter().map(|span| span.name.as_str()).collect();
        let expected: Vec<u64> = names
            .iter()
            .map(|name| match *name {
                "root" => 50,
                "a" => 10,
                _ => trace.spans.iter().find(|span| span.name == *name).map_or(0, |span| span.duration_ns),
            })
            .collect();
        assert_eq!(self_times(&trace), expected, "{names:?}");
        // The same tree with the root's children swapped so they are out of start order.
        let c_index = names.iter().position(|name| *name == "c").unwrap_or_default();
        let last = trace.spans.len() - 1;
        assert_eq!(c_index, last);
        let moved = trace.spans.remove(last);
        trace.spans.insert(1, moved);
        for (index, span) in trace.spans.iter_mut().enumerate().skip(1) {
            span.subtree_end = if span.name == "c" {
                2
            } else if span.name == "a" {
                4
            } else {
                index + 1
            };
        }
        assert_eq!(self_times(&trace)[0], 50, "children out of start order are sorted first");
    }

    #[test]
    fn ticks_use_round_steps() {
        let ticks = time_ticks(TimeWindow { start_ns: 0, duration_ns: 1_000_000_000 }, 5);
        let offsets: Vec<u64> = ticks.iter().map(|tick| tick.offset_ns).collect();
        assert_eq!(offsets, [0, 200_000_000, 400_000_000, 600_000_000, 800_000_000, 1_000_000_000]);
        assert_eq!(ticks[1].left, "20.000%");
        assert!(ticks[5].near_end && !ticks[4].near_end);
        assert_eq!(time_ticks(TimeWindow { start_ns: 0, duration_ns: 7 }, 4).len(), 4);
    }
}
