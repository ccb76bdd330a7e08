//! The critical path's breakdown, shown above the tree while "Critical path" is on: its length,
//! then the time on the path by kind and name, longest first (a dozen rows, the rest summed).

use leptos::prelude::*;

use super::ViewerState;
use trace_viewer_core::analysis::{format_duration_ns, format_percent};
use trace_viewer_core::view::present::kind_label;

/// Rows of the table before the rest are summed into one.
const SHOWN_SHARES: usize = 12;

#[component]
pub fn CriticalPathPanel(state: ViewerState) -> impl IntoView {
    let breakdown = move || {
        let path = state.critical_path.get()?;
        state.trace.with(|trace| {
            let trace = trace.as_ref()?;
            let total = path.total_ns();
            let shares = path.breakdown(trace);
            let rest: u64 = shares.iter().skip(SHOWN_SHARES).map(|share| share.duration_ns).sum();
            let rest_count = shares.len().saturating_sub(SHOWN_SHARES);
            let rows = shares
                .into_iter()
                .take(SHOWN_SHARES)
                .map(|share| {
                    let spans = if share.spans == 1 { String::new() } else { format!(" ×{}", share.spans) };
                    view! {
                        <tr>
                            <td><span class=format!("tv-kind tv-kind-{}", share.kind.as_str())>{kind_label(share.kind)}</span></td>
                            <td class="tv-critical-name">{share.name}{spans}</td>
                            <td class="tv-critical-time">{format_duration_ns(share.duration_ns)}</td>
                            <td class="tv-critical-share">{format_percent(share.duration_ns, total, 0)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let rest_row = (rest_count > 0).then(|| {
                view! {
                    <tr>
                        <td></td>
                        <td class="tv-critical-name">{format!("{rest_count} more")}</td>
                        <td class="tv-critical-time">{format_duration_ns(rest)}</td>
                        <td class="tv-critical-share">{format_percent(rest, total, 0)}</td>
                    </tr>
                }
            });
            Some(view! {
                <section class="tv-critical" aria-label="Critical path breakdown" tabindex="0">
                    <p class="tv-critical-head">
                        {format!("Critical path: {} over {} segments", format_duration_ns(total), path.segments.len())}
                    </p>
                    <table class="tv-critical-table">
                        <thead>
                            <tr><th>"Kind"</th><th>"Name"</th><th>"Time"</th><th>"Share"</th></tr>
                        </thead>
                        <tbody>{rows}{rest_row}</tbody>
                    </table>
                </section>
            })
        })
    };
    move || state.critical_only.get().then(breakdown).flatten()
}
