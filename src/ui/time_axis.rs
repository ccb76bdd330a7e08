//! The time axis above the waterfall: round-numbered ticks from the trace start.

use leptos::prelude::*;

use crate::analysis::{format_duration_ns, time_ticks, TimeWindow};

#[component]
pub fn TimeAxis(window: TimeWindow, max_ticks: u32) -> impl IntoView {
    // A label near the right edge would be cut off or collide with its neighbour: leave it out.
    let ticks = time_ticks(window, max_ticks).into_iter().filter(|tick| !tick.near_end);
    view! {
        <div class="tv-axis" aria-hidden="true">
            {ticks
                .map(|tick| {
                    let label = if tick.offset_ns == 0 { "0".to_string() } else { format_duration_ns(tick.offset_ns) };
                    view! {
                        <span class="tv-tick" style:left=tick.left>
                            {label}
                        </span>
                    }
                })
                .collect_view()}
        </div>
    }
}
