//! The trace header: which trace (with a picker when the file holds several), its size, length,
//! errors and repairs, and what the file says about the interaction (input, intent, output, user,
//! session, feedback).

use leptos::prelude::*;

use super::compare_picker::ComparePicker;
use super::copy_button::{copy_text, CopyButton};
use super::ViewerState;
use trace_viewer_core::analysis::{format_duration_ns, TraceDigest};
use trace_viewer_core::model::readable::{answer_text, question_text};
use trace_viewer_core::model::{count_of, format_count, Trace};
use trace_viewer_core::view::present::{feedback_tone, format_cost_usd};

#[component]
pub fn Header(state: ViewerState) -> impl IntoView {
    let trace_choices = move || {
        state.file.with(|file| {
            file.as_ref()
                .map(|file| file.traces.iter().map(|trace| trace_label(trace)).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let show_warnings = RwSignal::new(false);
    // On a phone the header is one line (name, spans, duration, errors) until opened.
    let summary_open = RwSignal::new(false);
    view! {
        <header class="tv-header" class:tv-header-open=move || summary_open.get() part="header">
            <div class="tv-header-line">
                <h2 class="tv-trace-name">{move || state.trace.with(|trace| trace.as_ref().map(|trace| trace.name.clone()))}</h2>
                // On a phone the overview lives in the detail sheet, opened from here.
                <button
                    class="tv-tool-button tv-overview-open"
                    on:click=move |_| {
                        state.selected.set(None);
                        state.detail_sheet_open.set(true);
                    }
                >
                    "Overview"
                </button>
                <button
                    class="tv-tool-button tv-summary-toggle"
                    aria-expanded=move || summary_open.get().to_string()
                    on:click=move |_| summary_open.update(|open| *open = !*open)
                >
                    {move || if summary_open.get() { "Less ▴" } else { "More ▾" }}
                </button>
                <Show when=move || { trace_choices().len() > 1 }>
                    <button class="tv-tool-button tv-back-to-list" on:click=move |_| state.showing_list.set(true)>
                        {move || format!("All {} traces", trace_choices().len())}
                    </button>
                    <label class="tv-trace-picker">
                        "Trace "
                        <select on:change=move |event| {
                            if let Ok(index) = event_target_value(&event).parse() {
                                state.show_trace(index);
                            }
                        }>
                            {move || {
                                let current = state.trace_index.get();
                                trace_choices()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(index, label)| view! { <option value=index.to_string() selected=index == current>{label}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                </Show>
                <ComparePicker state=state />
            </div>
            {move || {
                let file_warnings = state.file.with(|file| file.as_ref().map(|file| file.warnings.len()).unwrap_or(0));
                let digest = state.digest.get().0;
                state.trace.get().map(|trace| view! { <TraceFacts state=state trace=trace.0.clone() digest=digest file_warnings=file_warnings show_warnings=show_warnings /> })
            }}
            <Show when=move || show_warnings.get()>
                <ul class="tv-warning-list" aria-label="Import warnings">
                    {move || {
                        let mut messages: Vec<String> = state.file.with(|file| {
                            file.as_ref().map(|file| file.warnings.iter().map(ToString::to_string).collect()).unwrap_or_default()
                        });
                        state.trace.with(|trace| {
                            if let Some(trace) = trace {
                                messages.extend(trace.warnings.iter().map(ToString::to_string));
                            }
                        });
                        messages.into_iter().take(500).map(|message| view! { <li>{message}</li> }).collect_view()
                    }}
                </ul>
            </Show>
        </header>
    }
}

fn trace_label(trace: &Trace) -> String {
    let name = if trace.name.is_empty() { "(unnamed)" } else { &trace.name };
    format!("{name} · {} spans · {}", format_count(trace.spans.len() as u64), short_id(&trace.trace_id))
}

fn short_id(id: &str) -> String {
    id.chars().take(8).collect()
}

#[component]
fn TraceFacts(
    state: ViewerState,
    trace: std::sync::Arc<Trace>,
    /// The trace's one-pass digest (failures, model calls' tokens and cost).
    digest: std::sync::Arc<TraceDigest>,
    file_warnings: usize,
    show_warnings: RwSignal<bool>,
) -> impl IntoView {
    let error_count = digest.error_count;
    // Problems with the file itself (a skipped JSON Lines line, a file that could not be read)
    // count here too, so they are never out of sight.
    let warning_count = trace.warnings.len() + file_warnings;
    // Usage is counted on model calls only: agent and chain spans often repeat their children's sums.
    let total_tokens = digest.model_tokens;
    let total_cost = digest.model_cost_usd.map(format_cost_usd);
    let fact = |label: &'static str, value: Option<String>, copyable: bool| {
        value.map(|value| {
            let copy = copyable.then(|| view! { <CopyButton text=copy_text(value.clone()) label=label /> });
            view! {
                <div class="tv-fact">
                    <span class="tv-fact-label">{label}</span>
                    <span class="tv-fact-value" title=value.clone()>{value.clone()}</span>
                    {copy}
                </div>
            }
        })
    };
    let feedback = trace
        .feedback
        .iter()
        .map(|signal| {
            let text = trace_viewer_core::view::present::feedback_badge(signal);
            let detail = signal.comment.clone().or_else(|| signal.text.clone());
            let title = detail.clone().unwrap_or_default();
            let class = format!("tv-badge tv-tone-{}", feedback_tone(signal).as_str());
            view! {
                <span class=class title=title>
                    {text}
                    {detail.map(|detail| view! { <span class="tv-badge-detail">{format!(" “{detail}”")}</span> })}
                </span>
            }
        })
        .collect_view();
    view! {
        <div class="tv-stats">
            <span class="tv-stat">{count_of(trace.spans.len() as u64, "span")}</span>
            <span class="tv-stat">{format_duration_ns(trace.duration_ns)}</span>
            {(total_tokens > 0).then(|| view! { <span class="tv-stat tv-stat-more" title="tokens over all model calls">{count_of(total_tokens, "token")}</span> })}
            {total_cost.map(|cost| view! { <span class="tv-stat tv-stat-more" title="cost over all model calls">{cost}</span> })}
            {if error_count > 0 {
                view! {
                    <button
                        class="tv-stat tv-stat-error"
                        title="Show the next failed span (e; Shift+E for the previous)"
                        on:click=move |_| state.step_error(true)
                    >
                        {count_of(error_count as u64, "error")}
                    </button>
                }
                .into_any()
            } else {
                view! { <span class="tv-stat">"0 errors"</span> }.into_any()
            }}
            {(warning_count > 0).then(|| view! {
                <button class="tv-stat tv-stat-warning" on:click=move |_| show_warnings.update(|shown| *shown = !*shown)>
                    {format!("{warning_count} repaired problem{}", if warning_count == 1 { "" } else { "s" })}
                </button>
            })}
            {feedback}
        </div>
        <div class="tv-facts">
            {fact("User input", trace.user_input.as_deref().map(|text| question_text(text).into_owned()), false)}
            {fact("Intent", trace.intent.clone(), false)}
            {fact("Final output", trace.final_output.as_deref().map(|text| answer_text(text).into_owned()), false)}
            {fact("User", trace.user_id.clone(), true)}
            {fact("Session", trace.session_id.clone(), true)}
            {fact("Variant", trace.variant.clone(), false)}
            {fact("Trace ID", Some(trace.trace_id.clone()).filter(|id| !id.is_empty()), true)}
        </div>
    }
}
