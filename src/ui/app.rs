//! The frame: header on top, then either the error panel, an empty-state hint, or the tree beside
//! (or, when narrow, above) the detail panel.

use leptos::prelude::*;

use super::detail_panel::DetailPanel;
use super::header::Header;
use super::tree_view::TreeView;
use super::ViewerState;

#[component]
pub fn App(state: ViewerState) -> impl IntoView {
    let has_error = move || state.error.with(Option::is_some);
    let shows_trace = move || !has_error() && state.trace.with(Option::is_some);
    view! {
        <div class="tv-app">
            <Show when=has_error>
                <div class="tv-error-panel" role="alert" part="error">
                    <strong>"This file could not be opened"</strong>
                    <p class="tv-error-message">{move || state.error.get().unwrap_or_default()}</p>
                </div>
            </Show>
            <Show
                when=shows_trace
                fallback=move || {
                    view! {
                        <Show when=move || !has_error()>
                            <div class="tv-empty">"No trace loaded."</div>
                        </Show>
                    }
                }
            >
                <Header state=state />
                <div class="tv-main">
                    <TreeView state=state />
                    <DetailPanel state=state />
                </div>
            </Show>
        </div>
    }
}
