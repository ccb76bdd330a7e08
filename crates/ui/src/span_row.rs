//! One row of the tree: fold toggle, kind chip, name, inline facts and duration on the left; the
//! latency bar on the shared time axis on the right. Positioned absolutely by its row number.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;
use leptos::tachys::view::add_attr::AddAnyAttr;

use super::tree_view::ROW_HEIGHT_PX;
use super::ViewerState;
use trace_viewer_core::analysis::{format_duration_ns, format_percent, interval_geometry, TimeWindow};
use trace_viewer_core::model::format_count;
use trace_viewer_core::view::present::{inline_facts, kind_label};

/// Pixels of indentation per tree level.
const INDENT_PX: u32 = 14;

#[component]
pub fn SpanRow(state: ViewerState, position: usize, span_index: usize) -> impl IntoView {
    let Some(trace) = state.trace.get_untracked() else {
        return ().into_any();
    };
    let Some(span) = trace.spans.get(span_index) else {
        return ().into_any();
    };
    let (start_ns, end_ns) = (span.start_ns, span.end_ns());
    let whole = TimeWindow { start_ns: trace.start_ns, duration_ns: trace.duration_ns };
    let geometry = move || interval_geometry(start_ns, end_ns, state.window.get().unwrap_or(whole));
    let self_ns =
        state.digest.with_untracked(|digest| digest.self_times.get(span_index).copied().unwrap_or(span.duration_ns));
    let self_share =
        (span.has_children() && span.duration_ns > 0).then(|| format_percent(self_ns, span.duration_ns, 2));
    let failed = span.status.is_error();
    let failure_below = !failed
        && state.digest.with_untracked(|digest| digest.error_in_subtree.get(span_index).copied().unwrap_or(false));
    let has_children = span.has_children();
    let is_collapsed = move || state.collapsed.with(|set| set.is_collapsed(span_index));
    let is_selected = move || state.selected.get() == Some(span_index);
    let is_match = move || state.matches.with(|matches| matches.binary_search(&span_index).is_ok());
    let kind = span.kind;
    let duration = format_duration_ns(span.duration_ns);
    let facts = inline_facts(span).filter(|facts| *facts != span.name);
    let tooltip = format!(
        "{}\nstart +{} · duration {} · {} of the trace · self {}",
        span.name,
        format_duration_ns(span.start_ns.saturating_sub(trace.start_ns)),
        duration,
        format_percent(span.duration_ns, trace.duration_ns, 1),
        format_duration_ns(self_ns)
    );
    let hidden_count = span.subtree_end.saturating_sub(span_index + 1);
    let subtree = span_index + 1..span.subtree_end;
    let hidden_summary = move || {
        (has_children && is_collapsed()).then(|| {
            // Counted only when shown: a collapsed row tells what it hides.
            let hidden_errors = state.trace.with_untracked(|trace| {
                let spans = trace.as_ref().map(|trace| &trace.spans[subtree.clone()]).unwrap_or_default();
                spans.iter().filter(|span| span.status.is_error()).count()
            });
            let errors = match hidden_errors {
                0 => String::new(),
                1 => " · 1 error".to_string(),
                many => format!(" · {many} errors"),
            };
            view! {
                <span class="tv-hidden-count" class:tv-hidden-errors={hidden_errors > 0} title="hidden spans">
                    {format!("+{}{errors}", format_count(hidden_count as u64))}
                </span>
            }
        })
    };
    let name = if span.name.is_empty() { "(unnamed span)".to_string() } else { span.name.clone() };
    let depth = span.depth;
    let warning = !span.warnings.is_empty();

    let row = view! {
        <div
            class="tv-row"
            class:tv-row-selected=is_selected
            class:tv-row-match=is_match
            class:tv-row-error=failed
            class:tv-row-error-below=failure_below
            role="treeitem"
            id=format!("tv-span-{span_index}")
            aria-selected=move || is_selected().to_string()
            aria-expanded=move || has_children.then(|| (!is_collapsed()).to_string())
            data-span-index=span_index.to_string()
            style:transform=format!("translateY({}px)", position * ROW_HEIGHT_PX)
            on:click=move |_| state.select_by_user(span_index)
        >
            <div class="tv-name-column tv-row-label" style:padding-left=format!("{}px", 4 + depth.min(60) * INDENT_PX)>
                {if has_children {
                    view! {
                        <button
                            class="tv-toggle"
                            tabindex="-1"
                            aria-label=move || if is_collapsed() { "Expand" } else { "Collapse" }
                            on:click=move |event| {
                                event.stop_propagation();
                                state.collapsed.update(|set| set.toggle(span_index));
                            }
                        >
                            {move || if is_collapsed() { "▸" } else { "▾" }}
                        </button>
                    }
                    .into_any()
                } else {
                    view! { <span class="tv-toggle-spacer"></span> }.into_any()
                }}
                <span class=format!("tv-kind tv-kind-{}", kind.as_str())>{kind_label(kind)}</span>
                <span class="tv-span-name">{name}</span>
                {failed.then(|| view! { <span class="tv-error-mark" title="This span failed">"error"</span> })}
                {warning.then(|| view! { <span class="tv-warning-mark" title="The importer repaired this span">"!"</span> })}
                {hidden_summary}
                {facts.map(|facts| view! { <span class="tv-inline-facts">{facts}</span> })}
                <span class="tv-duration">{duration}</span>
            </div>
            <div class="tv-timeline-column" title=tooltip>
                <div
                    class=format!("tv-bar tv-bar-{}", kind.as_str())
                    style:left=move || geometry().left
                    style:width=move || geometry().width
                >
                    {self_share.map(|share| view! { <div class="tv-bar-self" style:width=share></div> })}
                </div>
            </div>
        </div>
    };
    // Tachys has no `aria_level` helper, so the tree level is added as a custom attribute.
    row.add_any_attr(custom_attribute("aria-level", (depth + 1).to_string())).into_any()
}
