//! The minimap above the tree: the whole trace as a strip of span density (red where spans
//! failed), with the zoomed window outlined. Dragging across it zooms to that part of the trace;
//! a click shows the whole trace again. Beside it, a small legend of the minimap's and the bars'
//! marks (self-time shade, critical-path stripe).

use leptos::prelude::*;

use super::pointer::fraction_across;
use super::ViewerState;
use trace_viewer_core::analysis::{format_percent, TimeWindow};

#[component]
pub fn Minimap(state: ViewerState) -> impl IntoView {
    // Per column: how many spans start there, and whether one failed (from the trace's digest).
    let columns = move || {
        state.digest.with(|digest| {
            let (counts, failed) = (&digest.starts, &digest.failed_starts);
            let peak = counts.iter().copied().max().unwrap_or(1).max(1);
            counts
                .iter()
                .zip(failed)
                .map(|(count, failed)| {
                    // Square root so a few busy moments do not flatten the rest.
                    let height = if *count == 0 { 0 } else { (f64::from(*count) / f64::from(peak)).sqrt().mul_add(90.0, 10.0) as u64 };
                    view! { <div class="tv-minimap-column" class:tv-minimap-error=*failed style:height=format!("{height}%")></div> }
                })
                .collect_view()
        })
    };
    let zoom_box = move || {
        let zoom = state.zoom.get()?;
        state.trace.with(|trace| {
            let trace = trace.as_ref()?;
            let left = format_percent(zoom.start_ns.saturating_sub(trace.start_ns), trace.duration_ns, 2);
            let width = format_percent(zoom.duration_ns, trace.duration_ns, 2);
            Some(view! { <div class="tv-minimap-window" style:left=left style:width=width></div> })
        })
    };
    // A drag across the strip: where it started and where the pointer is, as fractions of its width.
    let brush = RwSignal::new(None::<(f64, f64)>);
    let fraction_of = |event: &web_sys::PointerEvent| fraction_across(event, ".tv-minimap");
    let on_pointer_down = move |event: web_sys::PointerEvent| {
        let at = fraction_of(&event);
        brush.set(Some((at, at)));
        let target: web_sys::Element = event_target(&event);
        let _ = target.set_pointer_capture(event.pointer_id());
    };
    let on_pointer_move = move |event: web_sys::PointerEvent| {
        if let Some((from, _)) = brush.get_untracked() {
            brush.set(Some((from, fraction_of(&event))));
        }
    };
    let on_pointer_up = move |event: web_sys::PointerEvent| {
        let Some((from, _)) = brush.get_untracked() else { return };
        brush.set(None);
        let to = fraction_of(&event);
        // A click (no real drag) shows the whole trace again.
        if (to - from).abs() < 0.005 {
            state.zoom.set(None);
            return;
        }
        let whole = state.trace.with_untracked(|trace| {
            trace.as_ref().map(|trace| TimeWindow { start_ns: trace.start_ns, duration_ns: trace.duration_ns })
        });
        if let Some(whole) = whole {
            state.zoom.set(Some(whole.between(from, to, 1_000)).filter(|window| *window != whole));
        }
    };
    let brush_box = move || {
        brush.get().filter(|(from, to)| (to - from).abs() >= 0.005).map(|(from, to)| {
            let (left, width) = (format!("{:.1}%", from.min(to) * 100.0), format!("{:.1}%", (to - from).abs() * 100.0));
            view! { <div class="tv-minimap-brush" style:left=left style:width=width></div> }
        })
    };
    view! {
        <div class="tv-minimap-row">
            <p class="tv-legend">
                <span class="tv-legend-item"><span class="tv-legend-swatch tv-legend-starts" aria-hidden="true"></span>"span starts"</span>
                <span class="tv-legend-item"><span class="tv-legend-swatch tv-legend-failed" aria-hidden="true"></span>"failed"</span>
                <span class="tv-legend-item"><span class="tv-legend-swatch tv-legend-self" aria-hidden="true"></span>"self time"</span>
                <span class="tv-legend-item"><span class="tv-legend-swatch tv-legend-critical" aria-hidden="true"></span>"critical path"</span>
            </p>
            <div
                class="tv-minimap"
                class:tv-minimap-zoomed=move || state.zoom.get().is_some()
                title="The whole trace: drag across it to zoom, click to show all of it"
                aria-hidden="true"
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=move |_| brush.set(None)
            >
                {columns}
                {zoom_box}
                {brush_box}
            </div>
        </div>
    }
}
