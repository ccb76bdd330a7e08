//! The minimap above the tree: the whole trace as a strip of span density (red where spans
//! failed), with the zoomed window outlined. Clicking it shows the whole trace again.

use leptos::prelude::*;

use super::ViewerState;
use trace_viewer_core::analysis::format_percent;

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
    view! {
        <div
            class="tv-minimap"
            class:tv-minimap-zoomed=move || state.zoom.get().is_some()
            title="The whole trace; click to show all of it"
            aria-hidden="true"
            on:click=move |_| state.zoom.set(None)
        >
            {columns}
            {zoom_box}
        </div>
    }
}
