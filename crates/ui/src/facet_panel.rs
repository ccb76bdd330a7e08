//! The facet side panel: for each column, its most frequent values among the matching traces with
//! their counts and a bar; choosing one adds `column = "value"` to the filter.

use leptos::prelude::*;

use super::traces_table::run_query;
use super::ViewerState;
use trace_viewer_core::model::format_count;

/// The filter with `field = value` added (and-ed to what is there).
fn with_condition(filter: &str, field: &str, value: &str) -> String {
    let value = if matches!(field, "status" | "feedback") {
        value.to_string()
    } else {
        format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
    };
    let condition = format!("{field} = {value}");
    if filter.trim().is_empty() {
        condition
    } else {
        format!("({}) and {condition}", filter.trim())
    }
}

#[component]
pub fn FacetPanel(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    view! {
        <aside class="tv-facets" part="facets" aria-label="Most frequent values">
            {move || corpus.facets.get().into_iter().filter(|facet| !facet.values.is_empty()).map(|facet| {
                let largest = facet.values.iter().map(|value| value.count).max().unwrap_or(1).max(1);
                let field = facet.field.clone();
                let more = (facet.distinct > facet.values.len() as u64).then(|| format!("{} values in all", format_count(facet.distinct)));
                view! {
                    <section class="tv-facet">
                        <h2 class="tv-facet-title">{facet.field.replace('_', " ")}</h2>
                        <ul>
                            {facet.values.into_iter().map(|value| {
                                let field = field.clone();
                                let chosen = value.value.clone();
                                let share = format!("{:.1}%", value.count as f64 * 100.0 / largest as f64);
                                let label = value.value.replace('_', " ");
                                view! {
                                    <li>
                                        <button class="tv-facet-value" title=format!("Keep only {field} = {chosen}") on:click=move |_| {
                                            corpus.filter.update(|filter| *filter = with_condition(filter, &field, &chosen));
                                            run_query(state);
                                        }>
                                            <span class="tv-facet-bar" style:width=share></span>
                                            <span class="tv-facet-label">{label}</span>
                                            <span class="tv-facet-count">{format_count(value.count)}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {more.map(|more| view! { <p class="tv-facet-more">{more}</p> })}
                    </section>
                }
            }).collect_view()}
        </aside>
    }
}
