//! The time axis above the waterfall: round-numbered ticks from the trace start.

use leptos::prelude::*;

use crate::analysis::{format_duration_ns, time_ticks, TimeWindow};

#[component]
pub fn TimeAxis(window: TimeWindow) -> impl IntoView {
    let ticks = time_ticks(window, 5);
    view! {
        <div class="tv-axis" aria-hidden="true">
            {ticks
                .into_iter()
                .map(|tick| {
                    let class = if tick.percent > 92.0 { "tv-tick tv-tick-end" } else { "tv-tick" };
                    view! {
                        <span class=class style:left=format!("{:.3}%", tick.percent)>
                            {format_duration_ns(tick.offset_ns)}
                        </span>
                    }
                })
                .collect_view()}
        </div>
    }
}
