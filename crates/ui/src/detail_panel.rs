//! The detail panel: everything the file said about the selected span — summary, status and
//! error message, repairs, attributes, events, links, resource, scope and any other field; with
//! no span selected, the trace overview (`trace_overview.rs`).

use leptos::prelude::*;

use std::sync::Arc;

use super::ai_panel::AiPanel;
use super::attribute_table::{AttributeList, AttributeTable};
use super::copy_button::{copy_text, CopyButton};
use super::paged::{filtered_paged, more_as_list_item, paged, RenderItem, SearchText};
use super::trace_overview::TraceOverviewPanel;
use super::ViewerState;
use trace_viewer_core::analysis::format_duration_ns;
use trace_viewer_core::model::{format_rfc3339_ns, AiDetails, Attribute, AttributeValue, SpanStatus, Trace};
use trace_viewer_core::view::documents::retrieved_documents;
use trace_viewer_core::view::error_message::best_error_message;
use trace_viewer_core::view::present::kind_label;

#[component]
pub fn DetailPanel(state: ViewerState) -> impl IntoView {
    // The trace generation whose overview may be drawn: set after the frame that shows a new
    // trace, so the overview's walk over every span never delays the tree's first rows.
    let overview_generation = RwSignal::new(None::<u64>);
    Effect::new(move |_| {
        let generation = state.generation.get();
        request_animation_frame(move || {
            // `try_set`: the panel may be gone by then (a failed load shows the error instead).
            set_timeout(
                move || {
                    overview_generation.try_set(Some(generation));
                },
                std::time::Duration::ZERO,
            );
        });
    });
    view! {
        <aside class="tv-detail" part="detail" aria-label="Span details">
            // Shown on a phone only, where the details cover the tree.
            <button class="tv-tool-button tv-sheet-back" on:click=move |_| state.detail_sheet_open.set(false)>
                "← Back to the tree"
            </button>
            {move || {
                let trace = state.trace.get()?;
                let index = state.selected.get()?;
                Some(view! {
                    <button class="tv-tool-button tv-overview-back" on:click=move |_| state.selected.set(None)>
                        "← Trace overview"
                    </button>
                    <SpanDetail state=state trace=trace.0.clone() index=index />
                })
            }}
            {move || {
                if state.selected.with(Option::is_some) {
                    return None;
                }
                // Drawn once the trace's first frame is on screen: the overview walks every span.
                if overview_generation.get() != Some(state.generation.get()) {
                    return Some(view! { <p class="tv-hint">"Select a span to see everything the file says about it."</p> }.into_any());
                }
                let trace = state.trace.get()?;
                let digest = state.digest.get();
                Some(view! { <TraceOverviewPanel state=state trace=trace digest=digest /> }.into_any())
            }}
        </aside>
    }
}

fn fact_row(label: &'static str, value: String) -> impl IntoView {
    view! {
        <dt>{label}</dt>
        <dd>{value}</dd>
    }
}

fn copyable_fact_row(label: &'static str, value: String) -> impl IntoView {
    view! {
        <dt>{label}</dt>
        <dd>{value.clone()} " " <CopyButton text=copy_text(value) label=label /></dd>
    }
}

#[component]
fn SpanDetail(state: ViewerState, trace: Arc<Trace>, index: usize) -> impl IntoView {
    let Some(span) = trace.spans.get(index) else {
        return ().into_any();
    };
    let error_count = state.digest.with_untracked(|digest| digest.error_count);
    let status_view = match &span.status {
        SpanStatus::Error { .. } => {
            // The best words the span has (status, exception event, error attributes, an error
            // log), with where they came from.
            let message = best_error_message(span);
            view! {
                <div class="tv-status-error" role="status">
                    <strong>"Error"</strong>
                    {match message {
                        Some(message) => view! {
                            <span class="tv-error-source">{format!(" · from the {}", message.source)}</span>
                            <pre class="tv-value">{message.text}</pre>
                        }
                        .into_any(),
                        None => view! { <p class="tv-muted">"The span failed without saying why (no status message, exception or error log)."</p> }.into_any(),
                    }}
                    {(error_count > 1).then(|| view! {
                        <button class="tv-tool-button tv-next-error" title="Next failed span (e)" on:click=move |_| state.step_error(true)>
                            "Next error →"
                        </button>
                    })}
                </div>
            }
            .into_any()
        }
        SpanStatus::Ok => view! { <span class="tv-status-ok">"OK"</span> }.into_any(),
        SpanStatus::Unset => view! { <span class="tv-muted">"status unset"</span> }.into_any(),
    };
    let parent_id = trace.parent_id_of(index).map_or_else(|| "(root)".into(), str::to_string);
    let offset = format_duration_ns(span.start_ns.saturating_sub(trace.start_ns));
    let resource = span.resource.get().and_then(|resource| trace.resources.get(resource)).cloned();
    let scope = span.scope.get().and_then(|scope| trace.scopes.get(scope)).cloned();
    let events = {
        let render: RenderItem = {
            let trace = trace.clone();
            Arc::new(move |position| {
                let event = &trace.spans[index].events[position];
                let when = event
                    .time_ns
                    .map(|time| format!("+{}", format_duration_ns(time.saturating_sub(trace.start_ns))))
                    .unwrap_or_else(|| "no time".into());
                view! {
                    <li class="tv-event">
                        <div class="tv-event-head">
                            <span class="tv-event-time">{when}</span>
                            <span class="tv-event-name">{event.name.clone()}</span>
                        </div>
                        <AttributeTable attributes=event.attributes.clone() label="Event attributes" />
                    </li>
                }
                .into_any()
            })
        };
        // An event is found by its name and its attributes' keys and values.
        let search_text: SearchText = {
            let trace = trace.clone();
            Arc::new(move |position| {
                let event = &trace.spans[index].events[position];
                let mut text = event.name.clone();
                for attribute in &event.attributes {
                    text.push(' ');
                    text.push_str(&attribute.key);
                    text.push(' ');
                    text.push_str(&attribute.value.display());
                }
                text
            })
        };
        let (filter_box, items) =
            filtered_paged(span.events.len(), "Events", "events", search_text, render, more_as_list_item);
        view! { {filter_box} <ol class="tv-events">{items}</ol> }.into_any()
    };
    let links = {
        let trace = trace.clone();
        let render: RenderItem = Arc::new(move |position| {
            let link = &trace.spans[index].links[position];
            view! {
                <li class="tv-link">
                    <div>{format!("trace {} · span {}", link.trace_id, link.span_id)}</div>
                    <AttributeTable attributes=link.attributes.clone() label="Link attributes" />
                </li>
            }
            .into_any()
        });
        paged(span.links.len(), "links", render, more_as_list_item)
    };
    let warnings = span.warnings.iter().map(|warning| view! { <li>{warning.message.clone()}</li> }).collect_view();
    // The AI part, also for a span with no AI details whose attributes hold retrieved documents.
    let documents = retrieved_documents(span.ai.as_deref(), &span.attributes, span.kind);
    let ai_view = match span.ai.as_deref() {
        Some(details) => Some(details.with_messages_read(&span.attributes).into_owned()),
        None => (!documents.documents.is_empty()).then(AiDetails::default),
    }
    .map(|details| view! { <AiPanel details=details kind=span.kind documents=documents /> });
    let scope_attributes = scope.map(|scope| {
        let mut attributes = vec![Attribute::new("name", AttributeValue::String(scope.name))];
        if let Some(version) = scope.version {
            attributes.push(Attribute::new("version", AttributeValue::String(version)));
        }
        attributes.extend(scope.attributes);
        attributes
    });
    let section = |title: &'static str, count: usize, body: AnyView| {
        (count > 0).then(|| {
            view! {
                <details class="tv-detail-section" open=true>
                    <summary><h4>{format!("{title} ({count})")}</h4></summary>
                    {body}
                </details>
            }
        })
    };
    let resource_attributes = resource.map(|resource| {
        let mut attributes = resource.attributes;
        attributes.extend(resource.other_fields);
        attributes
    });
    view! {
        <div class="tv-span-detail">
            <h3 class="tv-detail-title">
                <span class=format!("tv-kind tv-kind-{}", span.kind.as_str())>{kind_label(span.kind)}</span>
                <span>{span.name.clone()}</span>
                // On a phone the sheet closes so the zoomed waterfall shows.
                <button
                    class="tv-tool-button tv-zoom-to-span"
                    title="Zoom the waterfall to this span (z)"
                    on:click=move |_| {
                        state.zoom_to_span(index);
                        state.detail_sheet_open.set(false);
                    }
                >
                    "Zoom to span"
                </button>
            </h3>
            {status_view}
            {(!span.warnings.is_empty()).then(|| view! { <ul class="tv-span-warnings">{warnings}</ul> })}
            <dl class="tv-facts-list">
                {fact_row("Duration", format_duration_ns(span.duration_ns))}
                {fact_row("Start", format!("{} (+{offset})", format_rfc3339_ns(span.start_ns)))}
                {copyable_fact_row("Span ID", span.span_id.clone())}
                {fact_row("Parent ID", parent_id)}
                {copyable_fact_row("Trace ID", trace.trace_id.clone())}
                {span.protocol_kind.as_deref().map(|kind| fact_row("Span kind", kind.to_string()))}
                {fact_row("Children", span.child_count.to_string())}
            </dl>
            {ai_view}
            {section("Attributes", span.attributes.len(), view! { <AttributeTable attributes=AttributeList::OfSpan(trace.clone(), index) label="Attributes" /> }.into_any())}
            {section("Events", span.events.len(), events)}
            {section("Links", span.links.len(), view! { <ul class="tv-links">{links}</ul> }.into_any())}
            {section("Other fields", span.other_fields.len(), view! { <AttributeTable attributes=span.other_fields.to_vec() label="Other fields" /> }.into_any())}
            {resource_attributes.map(|attributes| section("Resource", attributes.len(), view! { <AttributeTable attributes=attributes label="Resource" /> }.into_any()))}
            {scope_attributes.map(|attributes| section("Instrumentation scope", attributes.len(), view! { <AttributeTable attributes=attributes label="Scope" /> }.into_any()))}
        </div>
    }
    .into_any()
}
