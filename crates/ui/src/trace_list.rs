//! The list view: every trace of a multi-trace file as a row (name, start, duration, spans,
//! errors, tokens, feedback, user, session) in the file's order, failed traces marked; choosing one
//! opens it. On a phone each trace is a card.

use leptos::prelude::*;

use super::ViewerState;
use trace_viewer_core::model::{count_of, format_count, format_duration_ns, format_rfc3339_ns};
use trace_viewer_core::view::present::model_call_tokens;

#[component]
pub fn TraceList(state: ViewerState) -> impl IntoView {
    let rows = move || {
        state.file.with(|file| {
            let Some(file) = file else { return Vec::new() };
            file.traces
                .iter()
                .enumerate()
                .map(|(index, trace)| {
                    let errors = trace.error_count();
                    let feedback: Vec<String> = trace.feedback.iter().map(|signal| signal.kind.label().to_string()).collect();
                    let negative = trace.feedback.iter().any(|signal| signal.kind.is_negative());
                    let name = if trace.name.is_empty() { "(unnamed)".to_string() } else { trace.name.clone() };
                    view! {
                        <tr class:tv-list-error={errors > 0} on:click=move |_| state.open_trace(index)>
                            <td class="tv-list-name">
                                <button class="tv-list-open" on:click=move |event| { event.stop_propagation(); state.open_trace(index); }>{name}</button>
                            </td>
                            <td data-label="Start">{format_rfc3339_ns(trace.start_ns)}</td>
                            <td class="tv-number" data-label="Duration">{format_duration_ns(trace.duration_ns)}</td>
                            <td class="tv-number" data-label="Spans">{format_count(trace.spans.len() as u64)}</td>
                            <td class="tv-number" data-label="Errors" class:tv-list-error-count={errors > 0}>{errors.to_string()}</td>
                            <td class="tv-number" data-label="Tokens">{format_count(model_call_tokens(trace))}</td>
                            <td data-label="Feedback" class:tv-badge-negative=negative>{feedback.join(", ")}</td>
                            <td data-label="User">{trace.user_id.clone().unwrap_or_default()}</td>
                            <td data-label="Session">{trace.session_id.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect::<Vec<_>>()
        })
    };
    let count = move || state.file.with(|file| file.as_ref().map(|file| file.traces.len()).unwrap_or(0));
    let file_warnings = move || {
        state.file.with(|file| {
            file.as_ref()
                .map(|file| file.warnings.iter().map(ToString::to_string).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="tv-list" part="list" aria-label="Traces">
            <h2 class="tv-list-title">{move || count_of(count() as u64, "trace")}</h2>
            {move || {
                let warnings = file_warnings();
                (!warnings.is_empty()).then(|| view! {
                    <ul class="tv-warning-list" aria-label="Problems with the file">
                        {warnings.into_iter().map(|warning| view! { <li>{warning}</li> }).collect_view()}
                    </ul>
                })
            }}
            <div class="tv-list-scroll">
                <table class="tv-list-table">
                    <thead>
                        <tr>
                            <th>"Trace"</th><th>"Start"</th><th class="tv-number">"Duration"</th><th class="tv-number">"Spans"</th>
                            <th class="tv-number">"Errors"</th><th class="tv-number">"Tokens"</th><th>"Feedback"</th><th>"User"</th>
                            <th>"Session"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
