//! The trace overview, shown in the detail panel while no span is selected: the question and
//! the answer in full, the feedback with its comments, the totals, the failed and the slowest
//! steps as links to their spans, and the services and models the trace used.

use std::sync::Arc;

use leptos::prelude::*;

use super::markdown::Markdown;
use super::state::Shared;
use super::ViewerState;
use trace_viewer_core::analysis::{format_duration_ns, TraceDigest};
use trace_viewer_core::model::readable::{answer_text, question_text};
use trace_viewer_core::model::{count_of, format_count, Trace};
use trace_viewer_core::view::error_message::best_error_message;
use trace_viewer_core::view::overview::{trace_overview, TraceOverview};
use trace_viewer_core::view::present::{feedback_badge, feedback_tone, format_cost_usd, kind_label};

#[component]
pub fn TraceOverviewPanel(state: ViewerState, trace: Shared<Trace>, digest: Shared<TraceDigest>) -> impl IntoView {
    let overview = trace_overview(&trace, &digest.self_times);
    let question = trace.user_input.as_deref().map(|text| question_text(text).into_owned());
    let answer = trace.final_output.as_deref().map(|text| answer_text(text).into_owned());
    let totals = totals(&trace, &digest, &overview);
    let feedback = trace
        .feedback
        .iter()
        .map(|signal| {
            let comment = signal.comment.clone().or_else(|| signal.text.clone());
            view! {
                <li class=format!("tv-overview-feedback tv-tone-{}", feedback_tone(signal).as_str())>
                    <span class="tv-overview-feedback-kind">{feedback_badge(signal)}</span>
                    {comment.map(|comment| view! { <span class="tv-overview-feedback-comment">{format!("“{comment}”")}</span> })}
                </li>
            }
        })
        .collect_view();
    let has_feedback = !trace.feedback.is_empty();
    let failed = step_links(state, &trace.0, &overview.failed, |span_index, trace| {
        best_error_message(&trace.spans[span_index]).map(|message| message.text)
    });
    let failed_more = overview.failed_count.saturating_sub(overview.failed.len());
    let slowest_indices: Vec<usize> = overview.slowest.iter().map(|(index, _)| *index).collect();
    let slowest_times = overview.slowest.clone();
    let slowest = step_links(state, &trace.0, &slowest_indices, move |span_index, trace| {
        let own = slowest_times.iter().find(|(index, _)| *index == span_index).map_or(0, |(_, time)| *time);
        let span = &trace.spans[span_index];
        Some(if span.has_children() {
            format!("{} of its own · {} in all", format_duration_ns(own), format_duration_ns(span.duration_ns))
        } else {
            format_duration_ns(span.duration_ns)
        })
    });
    let names = |title: &'static str, names: &[(String, usize)], unit: &'static str| {
        (!names.is_empty()).then(|| {
            let chips = names
                .iter()
                .map(|(name, count)| {
                    view! { <li class="tv-overview-name" title=count_of(*count as u64, unit)>{name.clone()} <span class="tv-muted">{format!("×{}", format_count(*count as u64))}</span></li> }
                })
                .collect_view();
            view! { <h4>{title}</h4> <ul class="tv-overview-names">{chips}</ul> }
        })
    };
    let failed_count = overview.failed_count;
    view! {
        <section class="tv-overview" aria-label="Trace overview">
            <h3 class="tv-detail-title">"Trace overview"</h3>
            <p class="tv-muted tv-overview-hint">"Select a span to see everything the file says about it."</p>
            {question.map(|text| view! { <h4>"Question"</h4> <div class="tv-overview-question"><Markdown text=text /></div> })}
            {answer.map(|text| view! { <h4>"Answer"</h4> <div class="tv-overview-answer"><Markdown text=text /></div> })}
            {has_feedback.then(|| view! { <h4>"Feedback"</h4> <ul class="tv-overview-feedback-list">{feedback}</ul> })}
            <dl class="tv-facts-list tv-overview-totals">{totals}</dl>
            {(failed_count > 0).then(|| view! {
                <h4>{format!("Failed steps ({})", format_count(failed_count as u64))}</h4>
                <ul class="tv-overview-steps tv-overview-failed">{failed}</ul>
                {(failed_more > 0).then(|| view! { <p class="tv-muted">{format!("and {} more: press e in the tree to step through them", format_count(failed_more as u64))}</p> })}
            })}
            {(!overview.slowest.is_empty()).then(|| view! {
                <h4>"Slowest steps"</h4>
                <ul class="tv-overview-steps tv-overview-slowest">{slowest}</ul>
            })}
            {names("Services", &overview.services, "span")}
            {names("Models", &overview.models, "call")}
        </section>
    }
}

fn totals(trace: &Trace, digest: &TraceDigest, overview: &TraceOverview) -> impl IntoView {
    let row = |label: &'static str, value: String| view! { <dt>{label}</dt> <dd>{value}</dd> };
    view! {
        {row("Duration", format_duration_ns(trace.duration_ns))}
        {row("Spans", format_count(trace.spans.len() as u64))}
        {(digest.model_tokens > 0).then(|| row("Tokens", format_count(digest.model_tokens)))}
        {digest.model_cost_usd.map(|cost| row("Cost", format_cost_usd(cost)))}
        {row("Errors", format_count(digest.error_count as u64))}
        {(overview.tool_calls > 0).then(|| row("Tool calls", format_count(overview.tool_calls as u64)))}
    }
}

/// One button per span, selecting it: kind, name and a line of detail under it.
fn step_links(
    state: ViewerState,
    trace: &Arc<Trace>,
    indices: &[usize],
    detail: impl Fn(usize, &Trace) -> Option<String>,
) -> impl IntoView {
    indices
        .iter()
        .map(|&span_index| {
            let span = &trace.spans[span_index];
            let name = if span.name.is_empty() { "(unnamed span)".to_string() } else { span.name.clone() };
            let line = detail(span_index, trace);
            view! {
                <li>
                    <button
                        class="tv-overview-step"
                        on:click=move |_| {
                            state.reveal(span_index);
                            state.select_by_user(span_index);
                        }
                    >
                        <span class=format!("tv-kind tv-kind-{}", span.kind.as_str())>{kind_label(span.kind)}</span>
                        <span class="tv-overview-step-name">{name}</span>
                        {line.map(|line| view! { <span class="tv-overview-step-detail">{line}</span> })}
                    </button>
                </li>
            }
        })
        .collect_view()
}
