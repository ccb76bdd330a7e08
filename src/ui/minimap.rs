//! The minimap above the tree: the whole trace as a strip of span density (red where spans
//! failed), with the zoomed window outlined. Clicking it shows the whole trace again.

use leptos::prelude::*;

use super::{Shared, ViewerState};
use crate::analysis::format_percent;

/// Columns in the strip.
const BINS: usize = 120;

/// Per column: how many spans start there, and whether one of them failed.
fn density(trace: &crate::model::Trace) -> (Vec<u32>, Vec<bool>) {
    let mut counts = vec![0u32; BINS];
    let mut failed = vec![false; BINS];
    let duration = trace.duration_ns.max(1);
    // 64-bit arithmetic where it cannot overflow (any trace shorter than ~4.8 years); 128-bit
    // division is a slow library call in wasm, once per span.
    let fits_in_u64 = duration <= u64::MAX / BINS as u64;
    for span in &trace.spans {
        let offset = span.start_ns.saturating_sub(trace.start_ns).min(duration);
        let bin = if fits_in_u64 {
            (offset * BINS as u64 / duration) as usize
        } else {
            (u128::from(offset) * BINS as u128 / u128::from(duration)) as usize
        };
        let bin = bin.min(BINS - 1);
        counts[bin] = counts[bin].saturating_add(1);
        failed[bin] |= span.status.is_error();
    }
    (counts, failed)
}

#[component]
pub fn Minimap(state: ViewerState) -> impl IntoView {
    let histogram = Memo::new(move |_| {
        Shared(std::sync::Arc::new(
            state.trace.with(|trace| trace.as_ref().map(|trace| density(trace)).unwrap_or_default()),
        ))
    });
    let columns = move || {
        histogram.with(|histogram| {
            let (counts, failed) = &**histogram;
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
