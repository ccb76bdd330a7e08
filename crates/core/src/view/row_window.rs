//! Virtualisation: which rows of the tree exist in the DOM for a scroll position, and where to
//! scroll so a row is in view. Rows are `ROW_HEIGHT_PX` tall; CSS uses the same number
//! (`--tv-row-height`).

use std::ops::Range;

/// Height of one row in CSS pixels.
pub const ROW_HEIGHT_PX: usize = 26;
/// Rows rendered beyond each edge of the viewport so fast scrolling shows no gaps.
pub const OVERSCAN_ROWS: usize = 8;

/// The positions of the rows to render for a viewport scrolled to `scroll_top_px` and
/// `viewport_height_px` tall, over `row_count` rows. When the list shrinks under a scrolled
/// viewport (collapse all, a filter) the browser clamps the scroll position later; until then
/// the last rows show, never an empty window.
pub fn rendered_rows(scroll_top_px: f64, viewport_height_px: f64, row_count: usize) -> Range<usize> {
    let first = (scroll_top_px.max(0.0) as usize / ROW_HEIGHT_PX).saturating_sub(OVERSCAN_ROWS);
    let count = viewport_height_px.max(0.0) as usize / ROW_HEIGHT_PX + 2 + 2 * OVERSCAN_ROWS;
    let start = first.min(row_count.saturating_sub(count));
    start..(start + count).min(row_count)
}

/// The scroll position that brings row `position` fully into a viewport scrolled to
/// `view_top_px` and `view_height_px` tall, or `None` when it is in view already.
pub fn scroll_to_reveal(position: usize, view_top_px: i32, view_height_px: i32) -> Option<i32> {
    let top = i32::try_from(position * ROW_HEIGHT_PX).unwrap_or(i32::MAX);
    let row_height = ROW_HEIGHT_PX as i32;
    if top < view_top_px {
        Some(top)
    } else if view_height_px > 0 && top.saturating_add(row_height) > view_top_px + view_height_px {
        Some(top + row_height - view_height_px)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_covers_the_viewport_and_the_overscan() {
        let window = rendered_rows(0.0, 260.0, 1_000_000);
        assert_eq!(window, 0..(10 + 2 + 2 * OVERSCAN_ROWS));
        let scrolled = rendered_rows(26.0 * 500.0, 260.0, 1_000_000);
        assert_eq!(scrolled.start, 500 - OVERSCAN_ROWS);
        assert!(scrolled.contains(&509), "the last visible row is rendered");
    }

    #[test]
    fn a_list_shorter_than_the_viewport_renders_every_row() {
        assert_eq!(rendered_rows(0.0, 800.0, 5), 0..5);
        assert_eq!(rendered_rows(0.0, 800.0, 0), 0..0);
    }

    #[test]
    fn a_list_that_shrank_under_the_scroll_position_shows_its_last_rows() {
        let window = rendered_rows(26.0 * 10_000.0, 260.0, 30);
        assert_eq!(window.end, 30);
        assert!(!window.is_empty());
    }

    #[test]
    fn revealing_scrolls_only_when_the_row_is_out_of_view() {
        assert_eq!(scroll_to_reveal(5, 0, 260), None);
        assert_eq!(scroll_to_reveal(5, 200, 260), Some(130), "above the view: scroll up to it");
        assert_eq!(scroll_to_reveal(20, 0, 260), Some(20 * 26 + 26 - 260), "below: its bottom at the bottom edge");
        assert_eq!(scroll_to_reveal(20, 0, 0), None, "an unmeasured viewport does not scroll");
    }
}
