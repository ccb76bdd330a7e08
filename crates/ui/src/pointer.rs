//! Where a pointer is across a strip (the time axis, the minimap), as a fraction of its width:
//! the one measurement behind dragging to zoom and brushing.

use leptos::prelude::event_target;

/// The pointer's position across the nearest ancestor matching `strip` (or the event's target),
/// from 0.0 at its left edge to 1.0 at its right.
pub fn fraction_across(event: &web_sys::PointerEvent, strip: &str) -> f64 {
    let target: web_sys::Element = event_target(event);
    let strip = target.closest(strip).ok().flatten().unwrap_or(target);
    let rect = strip.get_bounding_client_rect();
    if rect.width() <= 0.0 {
        0.0
    } else {
        ((f64::from(event.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0)
    }
}
