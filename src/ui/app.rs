//! The frame: header on top, then either the error panel, an empty-state hint, or the tree beside
//! (or, when narrow, above) the detail panel.

use leptos::prelude::*;

use super::detail_panel::DetailPanel;
use super::header::Header;
use super::toolbar::Toolbar;
use super::tree_view::TreeView;
use super::ViewerState;

#[component]
pub fn App(state: ViewerState) -> impl IntoView {
    let has_error = move || state.error.with(Option::is_some);
    let search_input = NodeRef::<leptos::html::Input>::new();
    // `/` focuses the search from anywhere in the viewer, except while typing in a field.
    let on_key = move |event: web_sys::KeyboardEvent| {
        let typing = event
            .target()
            .and_then(|target| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(target).ok())
            .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if event.key() == "/" && !typing {
            if let Some(input) = search_input.get() {
                event.prevent_default();
                let _ = input.focus();
            }
        }
    };
    let shows_trace = move || !has_error() && state.trace.with(Option::is_some);
    view! {
        <div class="tv-app" on:keydown=on_key>
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
                <Toolbar state=state search_input=search_input />
                <div class="tv-main">
                    <TreeView state=state />
                    <DetailPanel state=state />
                </div>
            </Show>
        </div>
    }
}
