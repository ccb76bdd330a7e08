//! The Review tab of a corpus: start a review queue (from the table's filter, BubbleUp's selection
//! or the selected session; worst first, random with a seed, or stratified by a column), resume
//! it, and the tab's other parts: the taxonomy, the notes for axial coding, the patterns, and the
//! labels' export and import (`review_taxonomy.rs`, `review_notes.rs`, `review_patterns.rs`,
//! `review_files.rs`).

use leptos::prelude::*;

use super::review_bar::step_queue;
use super::review_files::ReviewFiles;
use super::review_notes::ReviewNotes;
use super::review_patterns::ReviewPatterns;
use super::review_state::{QueueOrderChoice, ReviewQueueRequest};
use super::review_taxonomy::TaxonomyEditor;
use super::ViewerState;
use trace_viewer_core::corpus::query::string_literal;

/// Where the queue's traces come from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QueueSource {
    Filter,
    BubbleUp,
    Session,
}

/// The filter a source stands for (within the table's filter), or `None` when it has nothing.
fn source_filter(state: ViewerState, source: QueueSource) -> Option<String> {
    let corpus = state.corpus;
    let table = corpus.filter.get_untracked();
    let within = |extra: String| {
        if table.trim().is_empty() {
            extra
        } else {
            format!("({table}) and ({extra})")
        }
    };
    match source {
        QueueSource::Filter => Some(table),
        QueueSource::BubbleUp => {
            let selection = corpus.bubble_selection.get_untracked();
            (!selection.trim().is_empty()).then(|| within(selection))
        }
        QueueSource::Session => {
            let session = corpus.selected_session.get_untracked()?;
            Some(within(format!("session = {}", string_literal(&session))))
        }
    }
}

/// Asks the corpus worker for the queue; the element answers with `ViewerHandle::reviewQueue`.
fn start_queue(state: ViewerState, source: QueueSource) {
    let review = state.review;
    let Some(filter) = source_filter(state, source) else { return };
    let order = match review.order.get_untracked() {
        QueueOrderChoice::WorstFirst => "worst",
        QueueOrderChoice::Random => "random",
        QueueOrderChoice::Stratified => "stratified",
    };
    review.picking.set(true);
    state.request(
        "corpus:reviewQueue",
        &ReviewQueueRequest {
            filter,
            order,
            seed: review.seed.get_untracked(),
            stratify_by: review.stratify_by.get_untracked(),
            limit: review.size.get_untracked().max(1),
        },
    );
}

#[component]
pub fn ReviewTab(state: ViewerState) -> impl IntoView {
    let review = state.review;
    let source = RwSignal::new(QueueSource::Filter);
    let source_text = move || match source.get() {
        QueueSource::Filter => {
            let filter = state.corpus.filter.get();
            if filter.is_empty() {
                "every trace".to_string()
            } else {
                filter
            }
        }
        QueueSource::BubbleUp => state.corpus.bubble_selection.get(),
        QueueSource::Session => state
            .corpus
            .selected_session
            .get()
            .map_or("no session chosen".into(), |session| format!("session {session}")),
    };
    let resume = move || {
        let queue = review.queue.get();
        (!queue.is_empty()).then(|| {
            let at = review.position.get().min(queue.len() - 1);
            view! {
                <button class="tv-tool-button" on:click=move |_| {
                    review.active.set(true);
                    step_queue(state, 0);
                }>{format!("Resume at {} of {}", at + 1, queue.len())}</button>
            }
        })
    };
    view! {
        <div class="tv-review-tab" part="review-tab">
            <section class="tv-review-section" aria-labelledby="tv-review-queue-title">
                <h2 id="tv-review-queue-title">"Review queue"</h2>
                <div class="tv-review-form">
                    <label>"Traces "
                        <select on:change=move |event| source.set(match event_target_value(&event).as_str() {
                            "bubble" => QueueSource::BubbleUp,
                            "session" => QueueSource::Session,
                            _ => QueueSource::Filter,
                        })>
                            <option value="filter" selected=true>"the table's filter"</option>
                            <option value="bubble">"BubbleUp's selection"</option>
                            <option value="session">"the chosen session"</option>
                        </select>
                    </label>
                    <span class="tv-review-source">{source_text}</span>
                    <label>"Order "
                        <select on:change=move |event| review.order.set(match event_target_value(&event).as_str() {
                            "random" => QueueOrderChoice::Random,
                            "stratified" => QueueOrderChoice::Stratified,
                            _ => QueueOrderChoice::WorstFirst,
                        })>
                            <option value="worst" selected=true>"worst first"</option>
                            <option value="random">"random"</option>
                            <option value="stratified">"stratified"</option>
                        </select>
                    </label>
                    <Show when=move || review.order.get() == QueueOrderChoice::Stratified>
                        <label>"by "
                            <select on:change=move |event| review.stratify_by.set(event_target_value(&event))>
                                {["intent", "model", "variant", "user", "tool", "name"].map(|column| view! {
                                    <option value=column selected=move || review.stratify_by.get() == column>{column}</option>
                                })}
                            </select>
                        </label>
                    </Show>
                    <Show when=move || review.order.get() != QueueOrderChoice::WorstFirst>
                        <label>"seed "
                            <input class="tv-review-number" type="number" min="0" prop:value=move || review.seed.get().to_string()
                                on:change=move |event| review.seed.set(event_target_value(&event).parse().unwrap_or(1)) />
                        </label>
                    </Show>
                    <label>"size "
                        <input class="tv-review-number" type="number" min="1" prop:value=move || review.size.get().to_string()
                            on:change=move |event| review.size.set(event_target_value(&event).parse().unwrap_or(100)) />
                    </label>
                    <button class="tv-tool-button tv-review-start" disabled=move || review.picking.get() on:click=move |_| start_queue(state, source.get_untracked())>
                        {move || if review.picking.get() { "Picking…" } else { "Start review" }}
                    </button>
                    {resume}
                </div>
                <p class="tv-muted">
                    "Keys while reviewing: 1–9 categories · n note · c corrected output · j next · k previous · s skip · u undo · Esc leaves a text field. "
                    {move || format!("{} traces labelled in this corpus.", review.count())}
                </p>
            </section>
            <TaxonomyEditor state=state />
            <ReviewNotes state=state />
            <ReviewPatterns state=state />
            <ReviewFiles state=state />
        </div>
    }
}
