//! The time axis above the waterfall: round-numbered ticks from the trace start.

use leptos::prelude::*;

use trace_viewer_core::analysis::{format_duration_ns, time_ticks, TimeWindow};

#[component]
pub fn TimeAxis(window: TimeWindow, max_ticks: u32, trace_start_ns: u64) -> impl IntoView {
    // Labels count from the trace's start, also when zoomed in.
    let shift = window.start_ns.saturating_sub(trace_start_ns);
    // A label near the right edge would be cut off: it is drawn to the left of its tick instead.
    let ticks = time_ticks(window, max_ticks).into_iter();
    view! {
        <div class="tv-axis" aria-hidden="true">
            {ticks
                .map(|tick| {
                    let at = tick.offset_ns + shift;
                    let label = if at == 0 { "0".to_string() } else { format_duration_ns(at) };
                    view! {
                        <span class="tv-tick" class:tv-tick-end=tick.near_end style:left=tick.left>
                            {label}
                        </span>
                    }
                })
                .collect_view()}
        </div>
    }
}
