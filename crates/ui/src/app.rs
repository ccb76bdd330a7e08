//! The frame: header on top, then either the error panel, an empty-state hint, or the tree beside
//! (or, when narrow, above) the detail panel.

use leptos::prelude::*;

use super::compare_view::CompareView;
use super::corpus_state::CorpusTab;
use super::detail_panel::DetailPanel;
use super::error_panel::ErrorPanel;
use super::header::Header;
use super::review_bar::{review_key, ReviewBar};
use super::toolbar::Toolbar;
use super::trace_list::TraceList;
use super::traces_table::TracesTable;
use super::tree_view::TreeView;
use super::ViewerState;

#[component]
pub fn App(state: ViewerState) -> impl IntoView {
    let has_error = move || state.error.with(Option::is_some);
    let search_input = NodeRef::<leptos::html::Input>::new();
    // The detail panel's width once the person has dragged the splitter; until then the CSS
    // default (`--tv-detail-width`) applies.
    let detail_width = RwSignal::new(None::<f64>);
    let resizing = RwSignal::new(false);
    let panel_width_at = |event: &web_sys::PointerEvent| {
        let splitter: web_sys::Element = event_target(event);
        let main = splitter.parent_element()?;
        let rect = main.get_bounding_client_rect();
        Some((rect.right() - f64::from(event.client_x())).clamp(240.0, (rect.width() - 240.0).max(240.0)))
    };
    let on_splitter_down = move |event: web_sys::PointerEvent| {
        resizing.set(true);
        let splitter: web_sys::Element = event_target(&event);
        let _ = splitter.set_pointer_capture(event.pointer_id());
    };
    let on_splitter_move = move |event: web_sys::PointerEvent| {
        if resizing.get_untracked() {
            if let Some(width) = panel_width_at(&event) {
                detail_width.set(Some(width.round()));
            }
        }
    };
    // The splitter tells screen readers the panel's width (aria-valuenow) and the widest it may be
    // (aria-valuemax: the tree keeps 240 px), written once it is shown and after every change.
    let main = NodeRef::<leptos::html::Div>::new();
    let splitter = NodeRef::<leptos::html::Div>::new();
    let widest = move || main.get_untracked().map_or(240.0, |main| (f64::from(main.client_width()) - 240.0).max(240.0));
    Effect::new(move |_| {
        let width = detail_width.get().unwrap_or(380.0);
        if let Some(splitter) = splitter.get() {
            let _ = splitter.set_attribute("aria-valuenow", &width.to_string());
            let _ = splitter.set_attribute("aria-valuemax", &widest().to_string());
        }
    });
    let on_splitter_key = move |event: web_sys::KeyboardEvent| {
        let step = match event.key().as_str() {
            "ArrowLeft" => 24.0,
            "ArrowRight" => -24.0,
            _ => return,
        };
        event.prevent_default();
        let widest = widest();
        detail_width.update(|width| *width = Some((width.unwrap_or(380.0) + step).clamp(240.0, widest)));
    };
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
        // While reviewing a queue: categories, notes, next and previous (`review_bar.rs`).
        if !typing
            && !event.default_prevented()
            && !state.corpus.showing_table.get_untracked()
            && review_key(state, &event)
        {
            event.prevent_default();
            event.stop_propagation();
        }
    };
    // A failed load says why above what was shown before, which stays (and can be dismissed).
    let corpus = state.corpus;
    let shows_table = move || corpus.active.get() && corpus.showing_table.get();
    let comparing = move || !shows_table() && state.comparing.with(Option::is_some);
    let shows_trace =
        move || !shows_table() && !comparing() && !state.showing_list.get() && state.trace.with(Option::is_some);
    let shows_list =
        move || !shows_table() && !comparing() && state.showing_list.get() && state.file.with(Option::is_some);
    let keeps_previous = move || shows_trace() || shows_list() || shows_table() || comparing();
    view! {
        <div class="tv-app" on:keydown=on_key>
            <Show when=has_error>
                <ErrorPanel state=state keeps_previous=Signal::derive(keeps_previous) />
            </Show>
            <Show when=shows_table>
                <TracesTable state=state />
            </Show>
            <Show when=shows_list>
                <TraceList state=state />
            </Show>
            <Show when=comparing>
                <CompareView state=state />
            </Show>
            <Show
                when=shows_trace
                fallback=move || {
                    view! {
                        <Show when=move || !has_error() && !keeps_previous() && !corpus.active.get()>
                            <div class="tv-empty">"No trace loaded."</div>
                        </Show>
                    }
                }
            >
                <Show when=move || corpus.active.get()>
                    <nav class="tv-corpus-bar" aria-label="Corpus">
                        <button class="tv-tool-button tv-back" on:click=move |_| state.close_opened_trace()>
                            {move || match (corpus.tab.get(), corpus.selected_session.get()) {
                                (CorpusTab::Sessions, Some(session)) => format!("← Session {session}"),
                                (CorpusTab::Sessions, None) => "← All sessions".to_string(),
                                (CorpusTab::Dashboard, _) => "← Dashboard".to_string(),
                                (CorpusTab::Traces, _) => "← All traces".to_string(),
                                (CorpusTab::Review, _) => "← Review".to_string(),
                            }}
                        </button>
                        <span class="tv-corpus-bar-filter">
                            {move || {
                                let filter = corpus.filter.get();
                                let traces = trace_viewer_core::model::count_of(corpus.count.get(), "trace");
                                if filter.is_empty() { traces } else { format!("{traces} match {filter}") }
                            }}
                        </span>
                    </nav>
                </Show>
                <Show when=move || corpus.active.get() && state.review.active.get() && state.review.on_queue(&state)>
                    <ReviewBar state=state />
                </Show>
                <Header state=state />
                <Toolbar state=state search_input=search_input />
                <div
                    class="tv-main"
                    node_ref=main
                    class:tv-sheet-open=move || state.detail_sheet_open.get()
                    style:--tv-detail-width=move || detail_width.get().map(|width| format!("{width}px"))>
                    <TreeView state=state />
                    <div
                        class="tv-splitter"
                        role="separator"
                        aria-orientation="vertical"
                        aria-label="Resize the detail panel"
                        node_ref=splitter
                        aria-valuemin="240"
                        tabindex="0"
                        on:pointerdown=on_splitter_down
                        on:pointermove=on_splitter_move
                        on:pointerup=move |_| resizing.set(false)
                        on:keydown=on_splitter_key
                    ></div>
                    <DetailPanel state=state />
                </div>
            </Show>
        </div>
    }
}
