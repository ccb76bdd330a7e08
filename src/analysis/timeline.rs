//! Waterfall geometry: where a span's bar sits on the shared time axis, and the axis ticks.
//! Kept out of the components so it can be tested and reused by zoom later.

use crate::model::Span;

/// The part of the trace the axis shows, in nanoseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    pub start_ns: u64,
    pub duration_ns: u64,
}

/// A bar's left edge and width as percentages of the axis width.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BarGeometry {
    pub left_percent: f64,
    pub width_percent: f64,
}

/// Bars are clipped to the window; a zero-length span still gets a visible sliver (set in CSS).
pub fn bar_geometry(span: &Span, window: TimeWindow) -> BarGeometry {
    if window.duration_ns == 0 {
        return BarGeometry { left_percent: 0.0, width_percent: 100.0 };
    }
    let window_end = window.start_ns.saturating_add(window.duration_ns);
    let start = span.start_ns.clamp(window.start_ns, window_end);
    let end = span.end_ns().clamp(window.start_ns, window_end);
    let scale = 100.0 / window.duration_ns as f64;
    BarGeometry { left_percent: (start - window.start_ns) as f64 * scale, width_percent: (end - start) as f64 * scale }
}

/// One tick on the axis: its position and its label (offset from the window start).
#[derive(Clone, Debug, PartialEq)]
pub struct TimeTick {
    pub percent: f64,
    pub offset_ns: u64,
}

/// Ticks at a round step (1, 2 or 5 times a power of ten) giving at most `max_ticks` intervals.
pub fn time_ticks(window: TimeWindow, max_ticks: u32) -> Vec<TimeTick> {
    if window.duration_ns == 0 || max_ticks == 0 {
        return vec![TimeTick { percent: 0.0, offset_ns: 0 }];
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
            TimeTick { percent: offset_ns as f64 * 100.0 / window.duration_ns as f64, offset_ns }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_placed_proportionally_and_clipped() {
        let mut span = Span::new("s", None, "s");
        span.start_ns = 1_250;
        span.duration_ns = 500;
        let window = TimeWindow { start_ns: 1_000, duration_ns: 1_000 };
        assert_eq!(bar_geometry(&span, window), BarGeometry { left_percent: 25.0, width_percent: 50.0 });
        span.duration_ns = 5_000;
        assert_eq!(bar_geometry(&span, window), BarGeometry { left_percent: 25.0, width_percent: 75.0 });
    }

    #[test]
    fn ticks_use_round_steps() {
        let ticks = time_ticks(TimeWindow { start_ns: 0, duration_ns: 1_000_000_000 }, 5);
        let offsets: Vec<u64> = ticks.iter().map(|tick| tick.offset_ns).collect();
        assert_eq!(offsets, [0, 200_000_000, 400_000_000, 600_000_000, 800_000_000, 1_000_000_000]);
        assert_eq!(time_ticks(TimeWindow { start_ns: 0, duration_ns: 7 }, 4).len(), 4);
    }
}
