//! A small button that copies a value (an id, an attribute) to the clipboard and says so.

use std::sync::Arc;

use leptos::prelude::*;

/// Makes the text to copy when the button is clicked (a value may be 50 MB: not made before).
pub type CopyText = Arc<dyn Fn() -> String + Send + Sync>;

/// The text to copy when it is already at hand.
pub fn copy_text(text: String) -> CopyText {
    Arc::new(move || text.clone())
}

#[component]
pub fn CopyButton(text: CopyText, #[prop(optional)] label: &'static str) -> impl IntoView {
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
                    let _ = window.navigator().clipboard().write_text(&text.with_value(|text| text()));
                    copied.set(true);
                }
            }
        >
            {move || if copied.get() { "copied" } else { "copy" }}
        </button>
    }
}
