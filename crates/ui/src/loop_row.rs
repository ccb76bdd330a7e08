//! A folded loop's row, drawn on its first sibling's span index in place of the run's rows: the
//! repeated block's kind chips and names, "×N", hidden failures, the stuck-loop warning, the
//! loop's tokens and cost and its summed duration; its tooltip gives the shortest and longest
//! iteration. A click (or Right, Enter) unfolds it. Also the small "fold" button an unfolded
//! loop's first row carries to fold it again.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;
use leptos::tachys::view::add_attr::AddAnyAttr;

use super::tree_view::ROW_HEIGHT_PX;
use super::ViewerState;
use trace_viewer_core::analysis::{format_duration_ns, interval_geometry, stuck_call, TimeWindow};
use trace_viewer_core::model::format_count;
use trace_viewer_core::view::loop_text::{loop_errors, loop_steps, loop_tooltip, loop_usage, stuck_warning};
use trace_viewer_core::view::present::kind_label;

/// Pixels of indentation per tree level (as a span's row).
const INDENT_PX: u32 = 14;

#[component]
pub fn LoopRow(state: ViewerState, position: usize, span_index: usize) -> impl IntoView {
    let (Some(trace), loops) = (state.trace.get_untracked(), state.loops.get_untracked()) else {
        return ().into_any();
    };
    let (Some(number), Some(first)) = (loops.run_starting_at(span_index), trace.spans.get(span_index)) else {
        return ().into_any();
    };
    let run = &loops.runs[number];
    let steps = loop_steps(&trace, &loops.block(&trace, number));
    let tooltip = loop_tooltip(&trace, run, &steps);
    let stuck = stuck_call(&trace, run).map(|stuck| stuck_warning(&stuck));
    let (start_ns, end_ns, run_end) = (run.start_ns, run.end_ns, run.end);
    let whole = TimeWindow { start_ns: trace.start_ns, duration_ns: trace.duration_ns };
    let geometry = move || interval_geometry(start_ns, end_ns, state.window.get().unwrap_or(whole));
    let is_selected = move || state.selected.get() == Some(span_index);
    // A search match anywhere in the loop marks its row.
    let is_match = move || {
        state.matches.with(|matches| {
            matches.get(matches.partition_point(|index| *index < span_index)).is_some_and(|index| *index < run_end)
        })
    };
    let repeats = format_count(u64::from(run.repeats));
    let depth = first.depth;
    let failed_inside = run.error_count > 0;
    let row = view! {
        <div
            class="tv-row tv-loop-row"
            class:tv-row-selected=is_selected
            class:tv-row-match=is_match
            class:tv-row-error-below=failed_inside
            role="treeitem"
            id=format!("tv-span-{span_index}")
            aria-selected=move || is_selected().to_string()
            aria-expanded="false"
            data-span-index=span_index.to_string()
            data-loop-repeats=run.repeats.to_string()
            title=tooltip
            style:transform=format!("translateY({}px)", position * ROW_HEIGHT_PX)
            on:click=move |_| {
                state.selected.set(Some(span_index));
                state.set_loop_folded(number, false);
            }
        >
            <div class="tv-name-column tv-row-label" style:padding-left=format!("{}px", 4 + depth.min(60) * INDENT_PX)>
                <button class="tv-toggle" tabindex="-1" aria-label=format!("Unfold loop of {repeats}")>"▸"</button>
                {steps
                    .into_iter()
                    .enumerate()
                    .map(|(at, (kind, name))| view! {
                        {(at > 0).then(|| view! { <span class="tv-loop-arrow" aria-hidden="true">"→"</span> })}
                        <span class=format!("tv-kind tv-kind-{}", kind.as_str())>{kind_label(kind)}</span>
                        <span class="tv-span-name tv-loop-step">{name}</span>
                    })
                    .collect_view()}
                <span class="tv-loop-count">{format!("×{repeats}")}</span>
                {loop_errors(run).map(|errors| view! { <span class="tv-hidden-count tv-hidden-errors">{errors}</span> })}
                {stuck.map(|(mark, explanation)| view! { <span class="tv-stuck-mark" title=explanation>{mark}</span> })}
                {loop_usage(run).map(|usage| view! { <span class="tv-inline-facts">{usage}</span> })}
                <span class="tv-duration">{format_duration_ns(run.duration_ns)}</span>
            </div>
            <div class="tv-timeline-column">
                <div class=format!("tv-bar tv-bar-loop tv-bar-{}", first.kind.as_str()) style:left=move || geometry().left style:width=move || geometry().width></div>
            </div>
        </div>
    };
    row.add_any_attr(custom_attribute("aria-level", (depth + 1).to_string())).into_any()
}

/// On an unfolded loop's first row: a button that folds the loop again ("×N"), marked when the
/// loop is stuck. Nothing on other rows.
pub fn fold_loop_button(state: ViewerState, span_index: usize) -> Option<impl IntoView> {
    let loops = state.loops.get_untracked();
    let number = loops.run_starting_at(span_index)?;
    let run = &loops.runs[number];
    let stuck = state.trace.with_untracked(|trace| stuck_call(trace.as_ref()?, run)).map(|stuck| stuck_warning(&stuck));
    let repeats = format_count(u64::from(run.repeats));
    let title = match &stuck {
        Some((_, explanation)) => format!("Fold this loop of {repeats} iterations\n{explanation}"),
        None => format!("Fold this loop of {repeats} iterations"),
    };
    Some(view! {
        <button
            class="tv-loop-fold"
            class:tv-loop-fold-stuck=stuck.is_some()
            tabindex="-1"
            title=title
            aria-label=format!("Fold loop of {repeats}")
            on:click=move |event| {
                event.stop_propagation();
                state.set_loop_folded(number, true);
            }
        >
            {format!("⟲ ×{repeats}")}
        </button>
    })
}
