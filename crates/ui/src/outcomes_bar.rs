//! The dashboard's product outcomes: a button that joins a CSV or JSON Lines file (read in the
//! corpus worker, never uploaded) and a line saying what was joined — the key, how many rows
//! match a trace and how many match none, and the fields and measures it added.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::corpus_state::OutcomesLine;
use super::ViewerState;
use trace_viewer_core::model::format_count;

/// `outcomes.csv by user_id: 1,000 rows · 980 match a trace · 20 match none · adds outcome."plan", …`.
fn describe(line: &OutcomesLine) -> String {
    let fields: Vec<String> = line
        .columns
        .iter()
        .map(|column| {
            let numeric = if line.numeric_columns.contains(column) { " (number)" } else { "" };
            format!("outcome.\"{column}\"{numeric}")
        })
        .collect();
    let mut parts = vec![
        format!("{} by {}: {} rows", line.file_name, line.key, format_count(line.rows)),
        format!("{} match a trace", format_count(line.matched)),
        format!("{} match none", format_count(line.unmatched)),
    ];
    if line.left_out > 0 {
        parts.push(format!("{} left out (a repeated or missing key)", format_count(line.left_out)));
    }
    parts.push(format!("adds {}", fields.join(", ")));
    parts.join(" · ")
}

#[component]
pub fn OutcomesBar(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    let on_change = move |event: leptos::ev::Event| {
        let Some(input) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
            return;
        };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            state.request_with("corpus:outcomes", "file", &file.into());
        }
        input.set_value("");
    };
    view! {
        <div class="tv-outcomes">
            <label class="tv-tool-button" title="CSV or JSON Lines keyed by trace_id, session_id or user_id; read here, nothing is uploaded">
                "Join outcomes…"
                <input class="tv-visually-hidden" type="file" accept=".csv,.jsonl,.ndjson,.json,.gz,.txt" on:change=on_change />
            </label>
            {move || match corpus.outcomes.get() {
                None => view! { <span class="tv-outcomes-hint">"retention, conversion, plan… by trace_id, session_id or user_id: its columns become fields and measures"</span> }.into_any(),
                Some(Err(message)) => view! { <span class="tv-filter-error" role="alert">{message}</span> }.into_any(),
                Some(Ok(line)) => view! {
                    <span class="tv-outcomes-line">{describe(&line)}</span>
                    {line.problems.into_iter().map(|problem| view! { <span class="tv-filter-error">{problem}</span> }).collect_view()}
                }.into_any(),
            }}
        </div>
    }
}
