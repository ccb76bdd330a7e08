//! "Compare with…" in the trace header of a file with several traces: a menu of the file's other
//! traces, and "Compare with nearest success" when a successful trace with the same intent exists
//! (the closest in structure, `analysis::compare::nearest_success`). For a trace opened from a
//! corpus, the corpus worker finds the nearest success among all its traces
//! (`corpus::nearest_success`) and the comparison reads both again.

use leptos::prelude::*;

use super::compare_marks::compare_in_corpus;
use super::ViewerState;
use trace_viewer_core::analysis::compare::nearest_success;
use trace_viewer_core::model::{format_count, Trace};

fn choice_label(trace: &Trace) -> String {
    let name = if trace.name.is_empty() { "(unnamed)" } else { &trace.name };
    let id: String = trace.trace_id.chars().take(8).collect();
    let errors = trace.error_count();
    let failed = if errors > 0 { format!(" · {errors} failed") } else { String::new() };
    format!("{name} · {} spans{failed} · {id}", format_count(trace.spans.len() as u64))
}

#[component]
pub fn ComparePicker(state: ViewerState) -> impl IntoView {
    let trace_count = move || state.file.get().map_or(0, |file| file.traces.len());
    // The nearest success of the trace shown, found again when another trace is shown.
    // A trace opened from a corpus: the nearest success the corpus worker found for it.
    let corpus_nearest = move || {
        let (trace_id, nearest) = state.corpus.nearest_success.get()?;
        let shown = state.trace.with(|trace| trace.as_ref().is_some_and(|trace| trace.trace_id == trace_id));
        (state.corpus.active.get() && shown).then_some((trace_id, nearest))
    };
    let nearest = move || {
        if state.corpus.active.get() {
            return None;
        }
        let file = state.file.get()?;
        let traces: Vec<&Trace> = file.traces.iter().map(|trace| &*trace.0).collect();
        nearest_success(&traces, state.trace_index.get())
    };
    let choices = move || {
        let current = state.trace_index.get();
        let file = state.file.get()?;
        let options = file
            .traces
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != current)
            .map(|(index, trace)| view! { <option value=index.to_string()>{choice_label(trace)}</option> })
            .collect_view();
        Some(options)
    };
    let on_change = move |event: web_sys::Event| {
        if let Ok(other) = event_target_value(&event).parse::<usize>() {
            state.open_comparison(state.trace_index.get_untracked(), other);
        }
    };
    view! {
        // In the picker's place, so a phone's one-line header keeps it behind More.
        {move || corpus_nearest().map(|(trace_id, nearest)| view! {
            <span class="tv-compare-picker">
                <button
                    class="tv-tool-button tv-compare-nearest"
                    title="The successful trace of the corpus with the same intent whose spans are closest"
                    disabled=move || state.corpus.opening.with(Option::is_some)
                    on:click=move |_| compare_in_corpus(state, &trace_id, &nearest)
                >
                    "Compare with nearest success"
                </button>
            </span>
        })}
        <Show when=move || { trace_count() > 1 }>
            <span class="tv-compare-picker">
                <select class="tv-compare-select" aria-label="Compare this trace with another trace of the file" on:change=on_change prop:value="">
                    <option value="" selected=true>"Compare with…"</option>
                    {choices}
                </select>
                {move || nearest().map(|other| view! {
                    <button
                        class="tv-tool-button tv-compare-nearest"
                        title="The successful trace with the same intent whose structure is closest"
                        on:click=move |_| state.open_comparison(state.trace_index.get_untracked(), other)
                    >
                        "Compare with nearest success"
                    </button>
                })}
            </span>
        </Show>
    }
}
