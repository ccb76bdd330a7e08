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

/// Stripes drawn finer than this share of the window are joined: a row draws at most this many.
pub const STRIPES_PER_WINDOW: u64 = 2_000;

/// The geometry of intervals drawn over one row (a span's critical-path segments), clipped to the
/// window; those wholly outside it are left out, and intervals closer together than
/// 1/[`STRIPES_PER_WINDOW`] of the window are joined into one stripe, so a span with 25,000
/// segments (a root whose children run one after another) draws at most a couple of thousand
/// elements, not one per segment, and looks the same.
pub fn stripes_in_window(intervals: impl IntoIterator<Item = (u64, u64)>, window: TimeWindow) -> Vec<BarGeometry> {
    let window_end = window.start_ns.saturating_add(window.duration_ns);
    let mut inside: Vec<(u64, u64)> = intervals
        .into_iter()
        .filter(|(start, end)| *end > window.start_ns && *start < window_end)
        .map(|(start, end)| (start.max(window.start_ns), end.min(window_end)))
        .collect();
    inside.sort_unstable();
    let join_within = window.duration_ns / STRIPES_PER_WINDOW;
    let mut joined: Vec<(u64, u64)> = Vec::new();
    for (start, end) in inside {
        match joined.last_mut() {
            Some(last) if start <= last.1.saturating_add(join_within) => last.1 = last.1.max(end),
            _ => joined.push((start, end)),
        }
    }
    joined.into_iter().map(|(start, end)| interval_geometry(start, end, window)).collect()
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

    /// This window `factor` times as long (below 1 zooms in, above 1 out) around `centre_ns`, kept
    /// inside `whole` and at least a microsecond long; `None` once it would show all of `whole`.
    pub fn scaled(self, whole: TimeWindow, factor: f64, centre_ns: u64) -> Option<TimeWindow> {
        let duration_ns = ((self.duration_ns as f64 * factor) as u64).max(1_000.min(whole.duration_ns));
        if duration_ns >= whole.duration_ns {
            return None;
        }
        let latest_start = whole.start_ns + (whole.duration_ns - duration_ns);
        let start_ns = centre_ns.saturating_sub(duration_ns / 2).clamp(whole.start_ns, latest_start);
        Some(TimeWindow { start_ns, duration_ns })
    }

    /// This window `factor` times as long, keeping the moment at `fraction` of its width (the
    /// pointer's place) where it is, kept inside `whole` and at least a microsecond long; `None`
    /// once it would show all of `whole` (a wheel zoom).
    pub fn zoomed_at(self, whole: TimeWindow, factor: f64, fraction: f64) -> Option<TimeWindow> {
        let fraction = if fraction.is_finite() { fraction.clamp(0.0, 1.0) } else { 0.5 };
        let duration_ns = ((self.duration_ns as f64 * factor) as u64).max(1_000.min(whole.duration_ns));
        if duration_ns >= whole.duration_ns {
            return None;
        }
        let anchor_ns = self.start_ns + (self.duration_ns as f64 * fraction) as u64;
        let latest_start = whole.start_ns + (whole.duration_ns - duration_ns);
        let start_ns =
            anchor_ns.saturating_sub((duration_ns as f64 * fraction) as u64).clamp(whole.start_ns, latest_start);
        Some(TimeWindow { start_ns, duration_ns })
    }

    /// The window that shows `start_ns..end_ns` with a twentieth of its length on each side,
    /// at least a microsecond long and inside `whole`; `None` when that is all of `whole`.
    pub fn around(whole: TimeWindow, start_ns: u64, end_ns: u64) -> Option<TimeWindow> {
        let (start_ns, end_ns) = (start_ns.min(end_ns), start_ns.max(end_ns));
        let margin = (end_ns - start_ns) / 20;
        let duration_ns = (end_ns - start_ns + 2 * margin).max(1_000.min(whole.duration_ns));
        if duration_ns >= whole.duration_ns {
            return None;
        }
        let latest_start = whole.start_ns + (whole.duration_ns - duration_ns);
        let middle = start_ns + (end_ns - start_ns) / 2;
        let start_ns = middle.saturating_sub(duration_ns / 2).clamp(whole.start_ns, latest_start);
        Some(TimeWindow { start_ns, duration_ns })
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
    fn stripes_closer_than_the_resolution_are_joined_and_those_outside_left_out() {
        let window = TimeWindow { start_ns: 0, duration_ns: 1_000_000 };
        // 25,000 segments 40 ns long with 1 ns gaps (a root's self time between children), the last
        // past the window's end: one stripe, clipped.
        let dense = (0..25_000u64).map(|at| (at * 41, at * 41 + 40));
        assert_eq!(
            stripes_in_window(dense, window),
            vec![BarGeometry { left: "0.0000%".into(), width: "100.0000%".into() }]
        );
        // Gaps wider than 1/2000 of the window (500 ns here) stay; out of order and overlapping
        // intervals are drawn once; one wholly outside is left out, one across the edge clipped.
        let apart =
            [(600_000, 700_000), (0, 1_000), (1_200, 2_000), (500, 800), (2_000_000, 3_000_000), (900_000, 1_500_000)];
        assert_eq!(
            stripes_in_window(apart, window),
            vec![
                BarGeometry { left: "0.0000%".into(), width: "0.2000%".into() },
                BarGeometry { left: "60.0000%".into(), width: "10.0000%".into() },
                BarGeometry { left: "90.0000%".into(), width: "10.0000%".into() },
            ]
        );
    }

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
    fn zoom_windows_narrow_to_a_share_of_the_window() {
        let window = TimeWindow { start_ns: 1_000, duration_ns: 1_000 };
        assert_eq!(window.between(0.5, 0.25, 1), TimeWindow { start_ns: 1_250, duration_ns: 250 });
        assert_eq!(window.between(0.5, 0.5, 10), TimeWindow { start_ns: 1_500, duration_ns: 10 });
    }

    #[test]
    fn keyboard_zoom_halves_and_doubles_around_a_point_inside_the_trace() {
        let whole = TimeWindow { start_ns: 1_000_000, duration_ns: 8_000_000 };
        let half = whole.scaled(whole, 0.5, 5_000_000).unwrap();
        assert_eq!(half, TimeWindow { start_ns: 3_000_000, duration_ns: 4_000_000 });
        // Near an edge the window slides back inside the trace rather than shrink.
        let quarter = half.scaled(whole, 0.5, 8_900_000).unwrap();
        assert_eq!(quarter, TimeWindow { start_ns: 7_000_000, duration_ns: 2_000_000 });
        assert_eq!(
            quarter.scaled(whole, 2.0, 8_900_000),
            Some(TimeWindow { start_ns: 5_000_000, duration_ns: 4_000_000 })
        );
        assert_eq!(half.scaled(whole, 2.0, 5_000_000), None, "the whole trace again");
        assert_eq!(half.scaled(whole, f64::INFINITY, 5_000_000), None);
        let tiny = TimeWindow { start_ns: 2_000_000, duration_ns: 1_500 };
        assert_eq!(
            tiny.scaled(whole, 0.5, 2_000_000).map(|window| window.duration_ns),
            Some(1_000),
            "a microsecond at least"
        );
    }

    #[test]
    fn wheel_zoom_keeps_the_moment_under_the_pointer() {
        let whole = TimeWindow { start_ns: 0, duration_ns: 1_000_000 };
        // At a quarter of the width, 250,000 stays at a quarter of the half-as-long window.
        let zoomed = whole.zoomed_at(whole, 0.5, 0.25).unwrap();
        assert_eq!(zoomed, TimeWindow { start_ns: 125_000, duration_ns: 500_000 });
        assert_eq!(zoomed.zoomed_at(whole, 2.0, 0.25), None, "the whole trace again");
        // At the right edge the window stays inside the trace.
        assert_eq!(whole.zoomed_at(whole, 0.5, 1.0), Some(TimeWindow { start_ns: 500_000, duration_ns: 500_000 }));
        assert_eq!(whole.zoomed_at(whole, 0.5, f64::NAN), Some(TimeWindow { start_ns: 250_000, duration_ns: 500_000 }));
    }

    #[test]
    fn zoom_to_a_span_leaves_a_margin_and_stays_inside_the_trace() {
        let whole = TimeWindow { start_ns: 0, duration_ns: 1_000_000 };
        assert_eq!(
            TimeWindow::around(whole, 400_000, 600_000),
            Some(TimeWindow { start_ns: 390_000, duration_ns: 220_000 })
        );
        assert_eq!(TimeWindow::around(whole, 0, 100_000), Some(TimeWindow { start_ns: 0, duration_ns: 110_000 }));
        assert_eq!(
            TimeWindow::around(whole, 500_000, 500_000),
            Some(TimeWindow { start_ns: 499_500, duration_ns: 1_000 })
        );
        assert_eq!(TimeWindow::around(whole, 0, 1_000_000), None, "the root: the whole trace");
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
