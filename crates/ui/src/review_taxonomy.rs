//! The taxonomy in the Review tab: its categories (hotkey, colour, name, description, how many
//! traces carry each), a new category by name, one or several categories per trace, and the
//! taxonomy's JSON import and export (read and written by the element; `www/taxonomy.schema.json`).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::ViewerState;

/// Tells the element to save the taxonomy (IndexedDB), after any change to it.
pub fn taxonomy_changed(state: ViewerState) {
    let json = state.review.taxonomy.with_untracked(|taxonomy| taxonomy.to_json());
    state.request("corpus:taxonomySave", &TaxonomySave { json });
}

#[derive(serde::Serialize)]
struct TaxonomySave {
    json: String,
}

#[component]
pub fn TaxonomyEditor(state: ViewerState) -> impl IntoView {
    let review = state.review;
    let new_name = RwSignal::new(String::new());
    let add = move || {
        let name = new_name.get_untracked();
        if name.trim().is_empty() {
            return;
        }
        review.add_taxonomy_category(name.trim());
        new_name.set(String::new());
        taxonomy_changed(state);
    };
    let counts =
        move |id: &str| review.all().iter().filter(|label| label.categories.iter().any(|known| known == id)).count();
    let rows = move || {
        review.taxonomy.with(|taxonomy| {
            taxonomy
                .categories
                .iter()
                .map(|category| {
                    let id = category.id.clone();
                    view! {
                        <tr>
                            <td><kbd>{category.hotkey.map(|key| key.to_string()).unwrap_or_default()}</kbd></td>
                            <td><span class="tv-category-swatch" style:background=category.colour.clone()></span>{category.name.clone()}</td>
                            <td class="tv-muted">{category.description.clone()}</td>
                            <td class="tv-number">{move || counts(&id)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let on_import = move |event: leptos::ev::Event| {
        let Some(input) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            state.request_with("corpus:taxonomyImport", "file", &file.into());
        }
        input.set_value("");
    };
    view! {
        <section class="tv-review-section" aria-labelledby="tv-taxonomy-title">
            <h2 id="tv-taxonomy-title">"Taxonomy"</h2>
            <table class="tv-review-table">
                <thead><tr><th>"Key"</th><th>"Category"</th><th>"Description"</th><th class="tv-number">"Traces"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <div class="tv-review-form">
                <form on:submit=move |event| { event.prevent_default(); add(); }>
                    <input type="text" aria-label="New category" placeholder="New category" prop:value=move || new_name.get()
                        on:input=move |event| new_name.set(event_target_value(&event)) />
                    <button class="tv-tool-button" type="submit">"Add category"</button>
                </form>
                <label>
                    <input type="checkbox" prop:checked=move || review.taxonomy.with(|taxonomy| taxonomy.multiple)
                        on:change=move |event| {
                            let multiple = event_target_checked(&event);
                            review.taxonomy.update(|taxonomy| taxonomy.multiple = multiple);
                            taxonomy_changed(state);
                        } />
                    " Several categories per trace"
                </label>
                <label class="tv-tool-button">
                    "Import taxonomy…"
                    <input class="tv-visually-hidden" type="file" accept=".json" on:change=on_import />
                </label>
                <button class="tv-tool-button" on:click=move |_| state.request("corpus:taxonomyExport", &())>"Export taxonomy"</button>
            </div>
        </section>
    }
}
