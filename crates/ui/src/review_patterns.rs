//! Patterns without an LLM in the Review tab: the table's traces grouped by structural signature
//! or by error-message template (worked out by the corpus worker, `corpus::patterns`), with counts
//! and failure rates; each pattern's traces shown in the table, or all labelled with a category.

use leptos::prelude::*;
use serde::Serialize;

use super::corpus_state::CorpusTab;
use super::traces_table::run_query;
use super::ViewerState;
use trace_viewer_core::model::format_count;

/// `corpus:patterns`: the patterns of the traces `filter` keeps, grouped `by` a column.
#[derive(Serialize)]
struct PatternsRequest {
    filter: String,
    by: String,
    limit: usize,
}

/// `corpus:labelAll`: every trace `filter` keeps gets `category`.
#[derive(Serialize)]
struct LabelAllRequest {
    filter: String,
    category: String,
}

#[component]
pub fn ReviewPatterns(state: ViewerState) -> impl IntoView {
    let review = state.review;
    let by = RwSignal::new("signature".to_string());
    let ask = move || {
        review.patterns.set(None);
        state.request(
            "corpus:patterns",
            &PatternsRequest { filter: state.corpus.filter.get_untracked(), by: by.get_untracked(), limit: 50 },
        );
    };
    let rows = move || {
        let (_, patterns) = review.patterns.get()?;
        let options = move || {
            review.taxonomy.with(|taxonomy| {
                taxonomy
                    .categories
                    .iter()
                    .map(|category| view! { <option value=category.id.clone()>{category.name.clone()}</option> })
                    .collect_view()
            })
        };
        let rows = patterns
            .into_iter()
            .map(|pattern| {
                let show_filter = pattern.filter.clone();
                let label_filter = pattern.filter.clone();
                let rate = if pattern.traces == 0 { 0.0 } else { pattern.failed as f64 * 100.0 / pattern.traces as f64 };
                view! {
                    <tr>
                        <td class="tv-review-pattern"><code>{pattern.text.clone()}</code></td>
                        <td class="tv-number">{format_count(pattern.traces)}</td>
                        <td class="tv-number">{format!("{rate:.0} %")}</td>
                        <td class="tv-review-pattern-actions">
                            <button class="tv-tool-button" on:click=move |_| {
                                state.corpus.filter.set(show_filter.clone());
                                state.corpus.tab.set(CorpusTab::Traces);
                                run_query(state);
                            }>"Show traces"</button>
                            <select aria-label="Label every trace of this pattern" on:change=move |event| {
                                let category = event_target_value(&event);
                                if !category.is_empty() {
                                    state.request("corpus:labelAll", &LabelAllRequest { filter: label_filter.clone(), category });
                                }
                            }>
                                <option value="" selected=true>"Label all as…"</option>
                                {options()}
                            </select>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        Some(view! {
            <table class="tv-review-table">
                <thead><tr><th>"Pattern"</th><th class="tv-number">"Traces"</th><th class="tv-number">"Failed"</th><th><span class="tv-visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        })
    };
    view! {
        <section class="tv-review-section" aria-labelledby="tv-patterns-title">
            <h2 id="tv-patterns-title">"Patterns"</h2>
            <div class="tv-review-form">
                <label>"Group the table's traces by "
                    <select on:change=move |event| by.set(event_target_value(&event))>
                        <option value="signature" selected=true>"structure (folded steps)"</option>
                        <option value="error_template">"error message template"</option>
                    </select>
                </label>
                <button class="tv-tool-button" on:click=move |_| ask()>"Find patterns"</button>
            </div>
            {rows}
        </section>
    }
}
