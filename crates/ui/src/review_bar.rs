//! The review bar over a trace opened from the review queue: where the person is in the queue, the
//! taxonomy's categories as toggles (`1`–`9`), the severity, the note (`n`) and the corrected
//! output (`c`), previous and next (`k`, `j`), skip (`s`), undo (`u`) and the end of the review.
//! The keys work anywhere in the viewer but in a text field, where Escape leaves it (and saves).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::review_state::ReviewField;
use super::traces_table::open_row;
use super::ViewerState;

/// Moves `step` places through the queue and opens that trace (nothing past either end).
pub fn step_queue(state: ViewerState, step: isize) {
    let review = state.review;
    let length = review.queue.with_untracked(Vec::len);
    let next = review.position.get_untracked() as isize + step;
    if next < 0 || next as usize >= length || state.corpus.opening.with_untracked(Option::is_some) {
        return;
    }
    review.position.set(next as usize);
    review.editing.set(None);
    if let Some(trace_id) = review.queue.with_untracked(|queue| queue.get(next as usize).cloned()) {
        open_row(state, trace_id);
    }
}

/// Leaves the review: the bar goes, the queue stays for Resume.
pub fn end_review(state: ViewerState) {
    state.review.active.set(false);
    state.review.editing.set(None);
}

/// What a key does while reviewing (outside a text field); whether it was the review's.
pub fn review_key(state: ViewerState, event: &web_sys::KeyboardEvent) -> bool {
    let review = state.review;
    if !review.active.get_untracked()
        || event.ctrl_key()
        || event.meta_key()
        || event.alt_key()
        || !untrack(|| review.on_queue(&state))
    {
        return false;
    }
    let Some(trace_id) = review.current_untracked() else { return false };
    let key = event.key();
    match key.as_str() {
        "j" => step_queue(state, 1),
        "k" => step_queue(state, -1),
        "s" => step_queue(state, 1),
        "u" => review.undo(&state),
        "n" => review.editing.set(Some(ReviewField::Note)),
        "c" => review.editing.set(Some(ReviewField::CorrectedOutput)),
        digit if digit.len() == 1 && matches!(digit.as_bytes()[0], b'1'..=b'9') => {
            let hotkey = digit.as_bytes()[0] - b'0';
            let category = review
                .taxonomy
                .with_untracked(|taxonomy| taxonomy.by_hotkey(hotkey).map(|category| category.id.clone()));
            match category {
                Some(category) => review.toggle_category(&state, &trace_id, &category),
                None => return false,
            }
        }
        _ => return false,
    }
    true
}

/// Puts the focus in the span tree beside the bar.
fn focus_tree(bar: NodeRef<leptos::html::Section>) {
    let tree = bar
        .get_untracked()
        .and_then(|bar| bar.closest(".tv-app").ok().flatten())
        .and_then(|app| app.query_selector(".tv-rows").ok().flatten());
    if let Some(tree) = tree.and_then(|tree| tree.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = tree.focus();
    }
}

#[component]
pub fn ReviewBar(state: ViewerState) -> impl IntoView {
    let review = state.review;
    let bar = NodeRef::<leptos::html::Section>::new();
    let note_field = NodeRef::<leptos::html::Textarea>::new();
    let corrected_field = NodeRef::<leptos::html::Textarea>::new();
    // `n` and `c` put the person in their field.
    Effect::new(move |_| {
        let field = match review.editing.get() {
            Some(ReviewField::Note) => note_field.get(),
            Some(ReviewField::CorrectedOutput) => corrected_field.get(),
            None => None,
        };
        if let Some(field) = field {
            let _ = field.focus();
        }
    });
    // A trace of the queue opens with its first failed step selected (the conversation is in the
    // overview otherwise); on a phone the sheet stays closed so the bar stays in view.
    // The keys go to the viewer: the tree takes the focus (the Review tab's button that started the
    // queue is gone with the tab), so arrows move through spans and the review's keys work.
    Effect::new(move |_| {
        let shown = state.trace.with(|trace| trace.as_ref().map(|trace| trace.trace_id.clone()));
        if review.active.get_untracked() && shown.is_some() && shown == review.current_untracked() {
            state.step_error(true);
            state.detail_sheet_open.set(false);
            focus_tree(bar);
        }
    });
    let current = move || review.current();
    // Whether the trace on screen is the queue's current one (not yet, while the next is read).
    let shows_current = move || {
        let current = current();
        state.trace.with(|trace| trace.as_ref().map(|trace| &trace.trace_id) == current.as_ref())
    };
    let label = move || current().and_then(|trace_id| review.label(&trace_id));
    let progress = move || {
        let queue = review.queue.get();
        let labelled = queue.iter().filter(|trace_id| review.label(trace_id).is_some()).count();
        format!("{} of {} · {labelled} labelled", review.position.get() + 1, queue.len())
    };
    let save_text = move |field: ReviewField, text: String| {
        let Some(trace_id) = review.current_untracked() else { return };
        match field {
            ReviewField::Note => review.set_note(&state, &trace_id, &text),
            ReviewField::CorrectedOutput => review.set_corrected_output(&state, &trace_id, &text),
        }
    };
    // Escape leaves a field for the tree (its text is saved on the way out), where the keys work.
    let field_key = move |event: web_sys::KeyboardEvent| {
        if event.key() == "Escape" {
            event.stop_propagation();
            focus_tree(bar);
        }
    };
    let categories = move || {
        let label = label();
        review.taxonomy.with(|taxonomy| {
            taxonomy
                .categories
                .iter()
                .map(|category| {
                    let on = label.as_ref().is_some_and(|label| label.categories.contains(&category.id));
                    let id = category.id.clone();
                    let hotkey = category.hotkey.map(|key| format!("{key} ")).unwrap_or_default();
                    view! {
                        <button
                            class="tv-review-category"
                            aria-pressed=on.to_string()
                            title=category.description.clone()
                            style:--tv-category=category.colour.clone()
                            on:click=move |_| {
                                if let Some(trace_id) = review.current_untracked() {
                                    review.toggle_category(&state, &trace_id, &id);
                                }
                            }
                        >
                            <kbd>{hotkey}</kbd>{category.name.clone()}
                        </button>
                    }
                })
                .collect_view()
        })
    };
    let severities = move || {
        let chosen = label().and_then(|label| label.severity);
        review.taxonomy.with(|taxonomy| {
            let options = taxonomy
                .severities
                .iter()
                .map(|severity| view! { <option value=severity.clone() selected=chosen.as_deref() == Some(severity.as_str())>{severity.clone()}</option> })
                .collect_view();
            view! {
                <select class="tv-review-severity" aria-label="Severity" on:change=move |event| {
                    let value = event_target_value(&event);
                    if let Some(trace_id) = review.current_untracked() {
                        review.set_severity(&state, &trace_id, (!value.is_empty()).then_some(value));
                    }
                }>
                    <option value="" selected=chosen.is_none()>"Severity"</option>
                    {options}
                </select>
            }
        })
    };
    view! {
        <section class="tv-review-bar" part="review" aria-label="Review" node_ref=bar
            aria-busy=move || (!shows_current()).to_string()>
            <div class="tv-review-line">
                <strong>"Review"</strong>
                <span class="tv-review-progress" aria-live="polite">{progress}</span>
                <button class="tv-tool-button" title="Previous trace (k)" on:click=move |_| step_queue(state, -1)>"← Previous"</button>
                <button class="tv-tool-button" title="Next trace (j)" on:click=move |_| step_queue(state, 1)>"Next →"</button>
                <button class="tv-tool-button" title="Skip this trace (s)" on:click=move |_| step_queue(state, 1)>"Skip"</button>
                <button class="tv-tool-button" title="Undo the last change (u)" on:click=move |_| review.undo(&state)>"Undo"</button>
                <button class="tv-tool-button" on:click=move |_| end_review(state)>"End review"</button>
            </div>
            <div class="tv-review-categories" role="group" aria-label="Categories (keys 1–9)">
                {categories}
                {severities}
            </div>
            <div class="tv-review-texts">
                <label class="tv-review-text">
                    <span>"Note " <kbd>"n"</kbd></span>
                    <textarea
                        node_ref=note_field
                        rows="2"
                        prop:value=move || label().map(|label| label.note).unwrap_or_default()
                        on:keydown=field_key
                        on:focus=move |_| review.editing.set(Some(ReviewField::Note))
                        on:blur=move |_| review.editing.set(None)
                        on:change=move |event| save_text(ReviewField::Note, event_target_value(&event))
                    ></textarea>
                </label>
                <label class="tv-review-text">
                    <span>"Corrected output " <kbd>"c"</kbd></span>
                    <textarea
                        node_ref=corrected_field
                        rows="2"
                        prop:value=move || label().and_then(|label| label.corrected_output).unwrap_or_default()
                        on:keydown=field_key
                        on:focus=move |_| review.editing.set(Some(ReviewField::CorrectedOutput))
                        on:blur=move |_| review.editing.set(None)
                        on:change=move |event| save_text(ReviewField::CorrectedOutput, event_target_value(&event))
                    ></textarea>
                </label>
            </div>
        </section>
    }
}
