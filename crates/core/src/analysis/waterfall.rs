//! How one span is drawn on the waterfall at the current zoom: its bar (with a minimum width, so
//! a 1 ns span in a five-minute trace is still a mark), where its duration label goes, and, when
//! the span lies wholly outside the zoomed window, which edge the "earlier"/"later" marker sits
//! on instead of a bar. Spans partly outside are clipped and say which end continues.

use super::format_percent;
use super::timeline::TimeWindow;

/// The narrowest bar drawn, in CSS pixels.
pub const MIN_BAR_PX: u32 = 2;

/// A span wholly outside the window: it ended before it, or starts after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Beyond {
    Earlier,
    Later,
}

/// Where the duration label goes beside a bar (Jaeger's rule: to the right while there is room,
/// else to the left of the bar, else inside it at its left end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelSide {
    Right,
    Left,
    Inside,
}

/// Everything a row needs to draw its bar, as CSS values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaterfallBar {
    /// Bar's left edge, kept at least [`MIN_BAR_PX`] from the right edge so the bar shows.
    pub left: String,
    /// Bar's width (the stylesheet gives it a minimum of [`MIN_BAR_PX`]).
    pub width: String,
    /// `Some` when the span lies wholly outside the window: draw a marker, not a bar.
    pub beyond: Option<Beyond>,
    /// The span started before the window (the bar is cut at the left edge).
    pub cut_start: bool,
    /// The span ends after the window (the bar is cut at the right edge).
    pub cut_end: bool,
    pub label: LabelSide,
    /// The label's CSS `left` (for `Right` and `Inside`) or `right` (for `Left`) offset.
    pub label_at: String,
}

/// Past this share of the width a label to the right of the bar would be cut off.
const LABEL_RIGHT_LIMIT: f64 = 0.8;
/// Left of this share there is no room for a label before the bar.
const LABEL_LEFT_LIMIT: f64 = 0.2;

/// Draws `start_ns..end_ns` in `window`.
pub fn waterfall_bar(start_ns: u64, end_ns: u64, window: TimeWindow) -> WaterfallBar {
    let window_end = window.start_ns.saturating_add(window.duration_ns);
    let beyond = if end_ns < window.start_ns || (end_ns == window.start_ns && start_ns < window.start_ns) {
        Some(Beyond::Earlier)
    } else if start_ns > window_end || (start_ns == window_end && end_ns > window_end) {
        Some(Beyond::Later)
    } else {
        None
    };
    let (start, end) = if window.duration_ns == 0 {
        (0, 0)
    } else {
        (
            start_ns.clamp(window.start_ns, window_end) - window.start_ns,
            end_ns.clamp(window.start_ns, window_end) - window.start_ns,
        )
    };
    let whole = window.duration_ns.max(1);
    let share = |at: u64| at as f64 / whole as f64;
    let (start_share, end_share) = if window.duration_ns == 0 { (0.0, 1.0) } else { (share(start), share(end)) };
    let label = if end_share <= LABEL_RIGHT_LIMIT {
        LabelSide::Right
    } else if start_share >= LABEL_LEFT_LIMIT {
        LabelSide::Left
    } else {
        LabelSide::Inside
    };
    let label_at = match label {
        LabelSide::Right => format_percent(end, whole, 4),
        LabelSide::Left => format_percent(whole - start, whole, 4),
        LabelSide::Inside => format_percent(start, whole, 4),
    };
    let (left, width) = if window.duration_ns == 0 {
        ("0%".to_string(), "100%".to_string())
    } else {
        (format_percent(start, whole, 4), format_percent(end - start, whole, 4))
    };
    WaterfallBar {
        left: format!("min({left}, 100% - {MIN_BAR_PX}px)"),
        width,
        beyond,
        cut_start: beyond.is_none() && start_ns < window.start_ns,
        cut_end: beyond.is_none() && end_ns > window_end,
        label,
        label_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: TimeWindow = TimeWindow { start_ns: 1_000, duration_ns: 1_000 };

    #[test]
    fn a_bar_inside_the_window_has_its_label_to_the_right() {
        let bar = waterfall_bar(1_250, 1_500, WINDOW);
        assert_eq!(bar.left, "min(25.0000%, 100% - 2px)");
        assert_eq!(bar.width, "25.0000%");
        assert_eq!((bar.beyond, bar.cut_start, bar.cut_end), (None, false, false));
        assert_eq!((bar.label, bar.label_at.as_str()), (LabelSide::Right, "50.0000%"));
    }

    #[test]
    fn a_bar_reaching_the_right_edge_has_its_label_to_the_left_or_inside() {
        let late = waterfall_bar(1_500, 2_000, WINDOW);
        assert_eq!((late.label, late.label_at.as_str()), (LabelSide::Left, "50.0000%"), "right: 50% of the width");
        let whole = waterfall_bar(1_000, 2_000, WINDOW);
        assert_eq!((whole.label, whole.label_at.as_str()), (LabelSide::Inside, "0.0000%"));
    }

    #[test]
    fn a_tiny_span_keeps_a_visible_bar_even_at_the_right_edge() {
        // 1 ns of a 1 µs window: a zero-width share that the stylesheet draws 2 px wide, and a
        // left edge that keeps those 2 px inside the axis.
        let tiny = waterfall_bar(2_000, 2_000, WINDOW);
        assert_eq!(tiny.beyond, None, "a point at the window's end is inside it");
        assert_eq!((tiny.left.as_str(), tiny.width.as_str()), ("min(100.0000%, 100% - 2px)", "0.0000%"));
        assert_eq!(tiny.label, LabelSide::Left);
    }

    #[test]
    fn spans_wholly_outside_the_window_are_marked_on_their_side() {
        assert_eq!(waterfall_bar(100, 900, WINDOW).beyond, Some(Beyond::Earlier));
        assert_eq!(waterfall_bar(100, 1_000, WINDOW).beyond, Some(Beyond::Earlier), "ends where the window starts");
        assert_eq!(waterfall_bar(2_001, 2_500, WINDOW).beyond, Some(Beyond::Later));
        assert_eq!(waterfall_bar(2_000, 2_500, WINDOW).beyond, Some(Beyond::Later), "starts where the window ends");
        assert_eq!(waterfall_bar(1_000, 1_000, WINDOW).beyond, None);
    }

    #[test]
    fn spans_partly_outside_are_clipped_and_say_which_end_continues() {
        let both = waterfall_bar(500, 2_500, WINDOW);
        assert_eq!((both.beyond, both.cut_start, both.cut_end), (None, true, true));
        assert_eq!((both.left.as_str(), both.width.as_str()), ("min(0.0000%, 100% - 2px)", "100.0000%"));
        let before = waterfall_bar(500, 1_300, WINDOW);
        assert_eq!((before.cut_start, before.cut_end, before.width.as_str()), (true, false, "30.0000%"));
    }

    #[test]
    fn an_empty_window_draws_the_whole_width() {
        let bar = waterfall_bar(5, 5, TimeWindow { start_ns: 5, duration_ns: 0 });
        assert_eq!((bar.left.as_str(), bar.width.as_str(), bar.beyond), ("min(0%, 100% - 2px)", "100%", None));
    }
}
