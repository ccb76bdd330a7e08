//! The bar above the tree: search (with match count and next/previous) and folding controls
//! (expand all, collapse all, fold to a depth, fold loops), and filters (one kind, errors only, the
//! critical path only; ancestors of what is shown stay for context). `/` anywhere in the viewer focuses the search;
//! Enter and Shift+Enter step through matches; Escape clears.

use leptos::prelude::*;

use super::ViewerState;
use trace_viewer_core::model::SpanKind;
use trace_viewer_core::view::present::kind_label;

/// The kinds present in the current trace with their span counts, in a fixed order (counted in
/// the trace's digest, not in a pass of their own).
fn kind_counts(state: ViewerState) -> Vec<(SpanKind, usize)> {
    state.digest.with(|digest| {
        SpanKind::ALL
            .iter()
            .zip(digest.kind_counts)
            .filter(|(_, count)| *count > 0)
            .map(|(kind, count)| (*kind, count))
            .collect()
    })
}

#[component]
pub fn Toolbar(state: ViewerState, search_input: NodeRef<leptos::html::Input>) -> impl IntoView {
    let position = move || {
        let selected = state.selected.get();
        state.matches.with(|matches| {
            let place = selected.and_then(|selected| matches.iter().position(|index| *index == selected));
            (place, matches.len())
        })
    };
    let has_query = move || state.query.with(|query| !query.trim().is_empty());
    let count_text = move || match position() {
        (_, 0) => "no matches".to_string(),
        (Some(place), total) => format!("{} of {total}", place + 1),
        (None, total) => format!("{total} match{}", if total == 1 { "" } else { "es" }),
    };
    view! {
        <div class="tv-toolbar" role="toolbar" aria-label="Find and fold">
            <input
                class="tv-search"
                type="search"
                placeholder="Search spans, attributes, messages  ( / )"
                aria-label="Search spans"
                node_ref=search_input
                prop:value=move || state.query.get()
                on:input=move |event| state.query.set(event_target_value(&event))
                on:keydown=move |event: web_sys::KeyboardEvent| match event.key().as_str() {
                    "Enter" => {
                        event.prevent_default();
                        state.step_match(!event.shift_key());
                    }
                    "Escape" => state.query.set(String::new()),
                    _ => {}
                }
            />
            <Show when=has_query>
                <span class="tv-match-count" aria-live="polite">{count_text}</span>
                <button class="tv-tool-button" title="Previous match (Shift+Enter)" aria-label="Previous match" on:click=move |_| state.step_match(false)>"↑"</button>
                <button class="tv-tool-button" title="Next match (Enter)" aria-label="Next match" on:click=move |_| state.step_match(true)>"↓"</button>
            </Show>
            <Show when=move || state.zoom.get().is_some()>
                <button class="tv-tool-button tv-reset-zoom" on:click=move |_| state.zoom.set(None)>"Reset zoom"</button>
            </Show>
            <span class="tv-toolbar-gap"></span>
            <label class="tv-filter">
                <select aria-label="Show kind" on:change=move |event| state.kind_filter.set(SpanKind::parse(&event_target_value(&event)))>
                    <option value="" selected=move || state.kind_filter.get().is_none()>"All kinds"</option>
                    {move || kind_counts(state)
                        .into_iter()
                        .map(|(kind, count)| {
                            view! {
                                <option value=kind.as_str() selected=move || state.kind_filter.get() == Some(kind)>
                                    {format!("{} ({count})", kind_label(kind))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label class="tv-filter">
                <input type="checkbox" prop:checked=move || state.errors_only.get() on:change=move |event| state.errors_only.set(event_target_checked(&event)) />
                " Errors only"
            </label>
            <label class="tv-filter" title="Show only the spans on the critical path, with its breakdown">
                <input type="checkbox" prop:checked=move || state.critical_only.get() on:change=move |event| state.critical_only.set(event_target_checked(&event)) />
                " Critical path"
            </label>
            <Show when=move || state.loops.with(|loops| loops.runs.iter().any(|run| run.folds_by_default()))>
                <label class="tv-filter" title="Show each run of three or more repeated steps as one row">
                    <input type="checkbox" prop:checked=move || state.loop_folds.with(|folds| folds.folds_by_default()) on:change=move |event| state.set_fold_loops(event_target_checked(&event)) />
                    " Fold loops"
                </label>
            </Show>
            <button class="tv-tool-button" on:click=move |_| state.fold_to_depth(None)>"Expand all"</button>
            <button class="tv-tool-button" on:click=move |_| state.fold_to_depth(Some(0))>"Collapse all"</button>
            <label class="tv-depth">
                "Depth "
                <select aria-label="Fold to depth" on:change=move |event| {
                    if let Ok(depth) = event_target_value(&event).parse::<u32>() {
                        state.fold_to_depth(Some(depth));
                    }
                }>
                    <option value="" selected=true disabled=true>"…"</option>
                    {(1..=5).map(|depth| view! { <option value=depth.to_string()>{depth.to_string()}</option> }).collect_view()}
                </select>
            </label>
        </div>
    }
}
