//! The comparison of two traces of the loaded file, shown instead of the trace: a header naming
//! both with Back (to trace A, or to the traces table it was started from) and Swap, the totals of A and B with B − A, the changed parameters,
//! the structural difference, the texts word by word and the aligned step list. Everything shown
//! is worked out in `trace_viewer_core::analysis::compare`; this file lays it out.

use std::sync::Arc;

use leptos::prelude::*;

use super::compare_steps::step_table;
use super::compare_structure::structure_list;
use super::state::Shared;
use super::word_diff_view::text_diffs;
use super::ViewerState;
use trace_viewer_core::analysis::compare::{compare_texts, compare_traces, TextComparison, TraceComparison};
use trace_viewer_core::model::Trace;

/// What the view draws: both traces and what the core found.
pub struct Compared {
    pub a: Shared<Trace>,
    pub b: Shared<Trace>,
    pub comparison: TraceComparison,
    pub texts: Vec<TextComparison>,
}

/// A trace's name for the header: its name, else its id.
pub fn trace_title(trace: &Trace) -> String {
    if trace.name.is_empty() {
        trace.trace_id.clone()
    } else {
        trace.name.clone()
    }
}

#[component]
pub fn CompareView(state: ViewerState) -> impl IntoView {
    // Worked out again only when the traces compared change (no memo: one type less in the wasm).
    let compared = move || {
        let b = state.comparing.get()?;
        let a = state.trace_index.get();
        let file = state.file.get()?;
        let (a, b) = (file.traces.get(a)?.clone(), file.traces.get(b)?.clone());
        let comparison = compare_traces(&a, &b);
        let texts = compare_texts(&a, &b);
        Some(Arc::new(Compared { a, b, comparison, texts }))
    };
    let swap = move |_| {
        if let Some(b) = state.comparing.get_untracked() {
            state.open_comparison(b, state.trace_index.get_untracked());
        }
    };
    view! {
        <section class="tv-compare-view" part="comparison" aria-label="Comparison of two traces">
            {move || compared().map(|compared| {
                let title_a = trace_title(&compared.a);
                let title_b = trace_title(&compared.b);
                view! {
                    <header class="tv-compare-head">
                        <div class="tv-compare-line">
                            <button class="tv-tool-button tv-compare-back" on:click=move |_| state.close_comparison()>
                                {move || if state.comparing_from_table.get() { "← All traces" } else { "← Back" }}
                            </button>
                            <h2 class="tv-compare-title">"Comparison"</h2>
                            <button class="tv-tool-button" on:click=swap title="Compare B with A">"Swap A and B"</button>
                        </div>
                        <dl class="tv-compare-traces">
                            <div><dt>"A"</dt><dd title=compared.a.trace_id.clone()>{title_a}<span class="tv-compare-id">{short_id(&compared.a.trace_id)}</span></dd></div>
                            <div><dt>"B"</dt><dd title=compared.b.trace_id.clone()>{title_b}<span class="tv-compare-id">{short_id(&compared.b.trace_id)}</span></dd></div>
                        </dl>
                        {totals_table(&compared)}
                    </header>
                    <div class="tv-compare-body">
                        <div class="tv-compare-columns">
                            <div class="tv-compare-column">
                                {parameter_table(&compared)}
                                {structure_list(&compared)}
                            </div>
                            <div class="tv-compare-column">
                                {text_diffs(&compared)}
                            </div>
                        </div>
                        {step_table(&compared)}
                    </div>
                }
            })}
        </section>
    }
}

/// The first eight characters of a trace id.
fn short_id(id: &str) -> String {
    let short: String = id.chars().take(8).collect();
    if short.is_empty() {
        short
    } else {
        format!(" · {short}")
    }
}

/// The class a change's direction gets (more of something is neither good nor bad in itself).
pub fn delta_class(direction: i8) -> &'static str {
    match direction {
        1 => "tv-delta tv-delta-up",
        -1 => "tv-delta tv-delta-down",
        _ => "tv-delta",
    }
}

/// The totals of A and B with B − A.
fn totals_table(compared: &Compared) -> impl IntoView {
    let rows = compared
        .comparison
        .total_changes()
        .into_iter()
        .map(|change| {
            view! {
                <tr data-total=change.label>
                    <th scope="row">{change.label}</th>
                    <td class="tv-number" data-label="A">{change.a}</td>
                    <td class="tv-number" data-label="B">{change.b}</td>
                    <td class=format!("tv-number {}", delta_class(change.direction)) data-label="B − A">{change.delta}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="tv-compare-totals" aria-label="Totals of A and B">
            <thead><tr><th>"Total"</th><th class="tv-number">"A"</th><th class="tv-number">"B"</th><th class="tv-number">"B − A"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The settings that changed, or that none did.
fn parameter_table(compared: &Compared) -> impl IntoView {
    let changes = &compared.comparison.parameters;
    let body = if changes.is_empty() {
        view! { <p class="tv-muted">"Same model and parameters."</p> }.into_any()
    } else {
        let rows = changes
            .iter()
            .map(|change| {
                view! {
                    <tr data-parameter=change.name.clone()>
                        <th scope="row">{change.name.clone()}</th>
                        <td data-label="A"><del class="tv-removed">{change.a.clone().unwrap_or_else(|| "–".into())}</del></td>
                        <td data-label="B"><ins class="tv-added">{change.b.clone().unwrap_or_else(|| "–".into())}</ins></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="tv-compare-table tv-compare-parameters">
                <thead><tr><th>"Parameter"</th><th>"A"</th><th>"B"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="tv-compare-section" aria-label="Changed parameters">
            <h3>"Changed parameters"</h3>
            {body}
        </section>
    }
}
