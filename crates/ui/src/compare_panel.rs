//! The dashboard's comparison of two groups of traces (two filters within the current one; by
//! default the two most frequent variants): each rate, duration percentile and the mean cost of
//! both, the difference and its 95 % interval, the differences whose interval leaves out zero
//! marked.

use leptos::prelude::*;

use super::corpus_state::{CompareRequest, CorpusState};
use super::ViewerState;
use trace_viewer_core::view::panels::{and_filters, condition, format_difference, format_measure};

/// The groups compared until the person types others: the two most frequent variants, if the
/// corpus has two.
fn default_groups(corpus: CorpusState) -> Option<(String, String)> {
    corpus.facets.with(|facets| {
        let variants = &facets.iter().find(|facet| facet.field == "variant")?.values;
        let [first, second, ..] = variants.as_slice() else { return None };
        Some((condition("variant", Some(&first.value)), condition("variant", Some(&second.value))))
    })
}

/// The two groups asked: the person's (or the default) within the current filter.
fn asked_groups(corpus: CorpusState) -> Option<(String, String)> {
    let (a, b) = corpus.compare_groups.get().or_else(|| default_groups(corpus))?;
    let current = corpus.filter.get_untracked();
    Some((and_filters(&current, &a), and_filters(&current, &b)))
}

/// A measure's name as a row's label.
fn measure_label(measure: &str) -> String {
    match measure {
        "p50_duration_ms" => "p50 duration".into(),
        "p95_duration_ms" => "p95 duration".into(),
        "p99_duration_ms" => "p99 duration".into(),
        "cost_mean" => "mean cost".into(),
        other => other.replace('_', " "),
    }
}

#[component]
pub fn ComparePanel(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    let a_input = NodeRef::<leptos::html::Input>::new();
    let b_input = NodeRef::<leptos::html::Input>::new();
    // Asked again when the groups change or the dashboard is to (a new filter, reading).
    Effect::new(move |_| {
        corpus.dashboard_tick.track();
        if let Some((a, b)) = asked_groups(corpus) {
            state.request("corpus:compare", &CompareRequest { a, b, fail_definition: corpus.fail_definition.get() });
        }
    });
    let apply = move || {
        let value =
            |input: NodeRef<leptos::html::Input>| input.get_untracked().map(|input| input.value().trim().to_string());
        if let (Some(a), Some(b)) = (value(a_input), value(b_input)) {
            corpus.compare_groups.set((!a.is_empty() && !b.is_empty()).then_some((a, b)));
        }
    };
    let shown = move |pick: fn((String, String)) -> String| {
        corpus.compare_groups.get().or_else(|| default_groups(corpus)).map(pick).unwrap_or_default()
    };
    let answer = move || {
        let asked = asked_groups(corpus)?;
        corpus.compare_answer.get().filter(|answer| (answer.a.clone(), answer.b.clone()) == asked)
    };
    view! {
        <section class="tv-panel tv-compare" part="compare" aria-label="Compare two groups">
            <header class="tv-panel-head">
                <h2 class="tv-panel-title">"Compare two groups"</h2>
            </header>
            <form class="tv-compare-form" on:submit=move |event| { event.prevent_default(); apply(); }>
                <label>"A: " <input class="tv-filter-input" node_ref=a_input type="text" spellcheck="false" prop:value=move || shown(|(a, _)| a) placeholder="variant = \"control\"" /></label>
                <label>"B: " <input class="tv-filter-input" node_ref=b_input type="text" spellcheck="false" prop:value=move || shown(|(_, b)| b) placeholder="variant = \"treatment\"" /></label>
                <button class="tv-tool-button" type="submit">"Compare"</button>
            </form>
            {move || match answer() {
                None if asked_groups(corpus).is_none() => view! { <p class="tv-panel-empty">"Type two filters to compare their traces."</p> }.into_any(),
                None => view! { <p class="tv-panel-empty">"Comparing…"</p> }.into_any(),
                Some(answer) => match answer.result {
                    Err(message) => view! { <p class="tv-filter-error" role="alert">{message}</p> }.into_any(),
                    Ok(comparison) => view! {
                        <table class="tv-bubble-table tv-compare-table">
                            <thead>
                                <tr>
                                    <th scope="col">"measure"</th>
                                    <th scope="col">{format!("A ({})", trace_viewer_core::model::format_count(comparison.a))}</th>
                                    <th scope="col">{format!("B ({})", trace_viewer_core::model::format_count(comparison.b))}</th>
                                    <th scope="col">"B − A"</th>
                                    <th scope="col">"95 % interval"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {comparison.measures.into_iter().map(|row| {
                                    let apart = row.low.zip(row.high).is_some_and(|(low, high)| low > 0.0 || high < 0.0);
                                    let interval = match (row.low, row.high) {
                                        (Some(low), Some(high)) => format!("{} to {}", format_difference(&row.measure, Some(low)), format_difference(&row.measure, Some(high))),
                                        _ => "–".to_string(),
                                    };
                                    view! {
                                        <tr class:tv-compare-apart=apart>
                                            <th scope="row">{measure_label(&row.measure)}</th>
                                            <td>{format_measure(&row.measure, row.a)}</td>
                                            <td>{format_measure(&row.measure, row.b)}</td>
                                            <td class="tv-compare-delta">{format_difference(&row.measure, row.delta)}</td>
                                            <td>{interval}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <p class="tv-panel-note">"Marked: the interval leaves out zero (the groups differ at 95 %)."</p>
                    }.into_any(),
                },
            }}
        </section>
    }
}
