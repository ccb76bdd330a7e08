//! Open, then axial coding: every free note written during review, with its trace's categories;
//! each note is moved into a category (a menu, or `1`–`9` on the focused note), which gives its
//! trace that category. A category made for a group of notes is added in the taxonomy above.

use leptos::prelude::*;

use super::traces_table::open_row;
use super::ViewerState;

#[component]
pub fn ReviewNotes(state: ViewerState) -> impl IntoView {
    let review = state.review;
    let notes = move || review.all().into_iter().filter(|label| !label.note.trim().is_empty()).collect::<Vec<_>>();
    let category_name = move |id: &str| {
        review
            .taxonomy
            .with(|taxonomy| taxonomy.category(id).map_or_else(|| id.to_string(), |category| category.name.clone()))
    };
    let rows = move || {
        notes()
            .into_iter()
            .map(|label| {
                let trace_id = label.trace_id.clone();
                let chips = label
                    .categories
                    .iter()
                    .map(|id| view! { <span class="tv-category-chip">{category_name(id)}</span> })
                    .collect_view();
                let options = review.taxonomy.with(|taxonomy| {
                    taxonomy
                        .categories
                        .iter()
                        .map(|category| view! { <option value=category.id.clone()>{category.name.clone()}</option> })
                        .collect_view()
                });
                let for_key = trace_id.clone();
                let for_menu = trace_id.clone();
                let for_open = trace_id.clone();
                let on_key = move |event: web_sys::KeyboardEvent| {
                    let key = event.key();
                    let Some(hotkey) = key.parse::<u8>().ok().filter(|digit| (1..=9).contains(digit)) else { return };
                    let category = review.taxonomy.with_untracked(|taxonomy| taxonomy.by_hotkey(hotkey).map(|category| category.id.clone()));
                    if let Some(category) = category {
                        event.prevent_default();
                        review.add_category(&state, &for_key, &category);
                    }
                };
                view! {
                    <li class="tv-review-note" tabindex="0" data-trace-id=trace_id.clone() on:keydown=on_key
                        aria-label=format!("Note on {trace_id}; keys 1–9 move it to a category")>
                        <p class="tv-review-note-text">{label.note.clone()}</p>
                        <div class="tv-review-note-line">
                            {chips}
                            <select aria-label="Move to category" on:change=move |event| {
                                let category = event_target_value(&event);
                                if !category.is_empty() {
                                    review.add_category(&state, &for_menu, &category);
                                }
                            }>
                                <option value="" selected=true>"Move to category…"</option>
                                {options}
                            </select>
                            <button class="tv-tool-button" on:click=move |_| open_row(state, for_open.clone())>"Open trace"</button>
                        </div>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="tv-review-section" aria-labelledby="tv-notes-title">
            <h2 id="tv-notes-title">"Notes"</h2>
            {move || if notes().is_empty() {
                view! { <p class="tv-muted">"Notes written while reviewing (n) gather here, to be grouped into categories."</p> }.into_any()
            } else {
                view! { <ul class="tv-review-notes">{rows}</ul> }.into_any()
            }}
        </section>
    }
}
