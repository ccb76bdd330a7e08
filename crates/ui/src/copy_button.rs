//! A small button that copies a value (an id, an attribute) to the clipboard and says so.

use leptos::prelude::*;

#[component]
pub fn CopyButton(text: String, #[prop(optional)] label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    let text = StoredValue::new(text);
    let what = if label.is_empty() { "value" } else { label };
    view! {
        <button
            class="tv-copy"
            title=format!("Copy {what}")
            aria-label=format!("Copy {what}")
            on:click=move |event| {
                event.stop_propagation();
                if let Some(window) = web_sys::window() {
                    let _ = window.navigator().clipboard().write_text(&text.get_value());
                    copied.set(true);
                }
            }
        >
            {move || if copied.get() { "copied" } else { "copy" }}
        </button>
    }
}
