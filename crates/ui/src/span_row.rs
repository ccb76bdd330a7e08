//! One row of the tree: fold toggle, kind chip, name, service (when the trace has several), inline
//! facts and duration on the left; the latency bar on the shared time axis on the right, with its
//! duration beside it, the critical path's segments drawn over it, and, when zoomed, a marker in
//! place of a bar wholly outside the window. Positioned absolutely by its row number.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;
use leptos::tachys::view::add_attr::AddAnyAttr;

use super::tree_view::ROW_HEIGHT_PX;
use super::ViewerState;
use trace_viewer_core::analysis::{
    format_duration_ns, format_percent, service_of, stripes_in_window, waterfall_bar, Beyond, LabelSide, TimeWindow,
};
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
    let window = move || state.window.get().unwrap_or(whole);
    let bar = move || waterfall_bar(start_ns, end_ns, window());
    // The critical path's segments of this span, placed in the window (none until it is computed).
    let critical_segments = move || {
        state.critical_path.with(|path| {
            let path = path.as_ref()?;
            let segments = path.segments_of(span_index).map(|segment| (segment.start_ns, segment.end_ns));
            let stripes = stripes_in_window(segments, window())
                .into_iter()
                .map(|at| view! { <div class="tv-bar-critical" style:left=at.left style:width=at.width></div> })
                .collect_view();
            Some(stripes)
        })
    };
    let on_critical_path =
        move || state.critical_path.with(|path| path.as_ref().is_some_and(|path| path.is_on_path(span_index)));
    let service =
        (state.service_count.get_untracked() >= 2).then(|| service_of(&trace, span).map(str::to_string)).flatten();
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
            class:tv-row-critical=on_critical_path
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
                {service.map(|service| view! { <span class="tv-service" title="service">{service}</span> })}
                {failed.then(|| view! { <span class="tv-error-mark" title="This span failed">"error"</span> })}
                {warning.then(|| view! { <span class="tv-warning-mark" title="The importer repaired this span">"!"</span> })}
                {hidden_summary}
                {super::loop_row::fold_loop_button(state, span_index)}
                {facts.map(|facts| view! { <span class="tv-inline-facts">{facts}</span> })}
                <span class="tv-duration">{duration.clone()}</span>
            </div>
            <div class="tv-timeline-column" title=tooltip>
                {move || {
                    let bar = bar();
                    match bar.beyond {
                        Some(beyond) => {
                            let (class, title, mark) = match beyond {
                                Beyond::Earlier => ("tv-beyond tv-beyond-earlier", "Before the zoomed window", "◂"),
                                Beyond::Later => ("tv-beyond tv-beyond-later", "After the zoomed window", "▸"),
                            };
                            view! { <span class=class title=title>{mark}</span> }.into_any()
                        }
                        None => {
                            let (label_left, label_right) = match bar.label {
                                LabelSide::Left => (None, Some(bar.label_at.clone())),
                                _ => (Some(bar.label_at.clone()), None),
                            };
                            view! {
                                <div
                                    class=format!("tv-bar tv-bar-{}", kind.as_str())
                                    class:tv-bar-cut-start=bar.cut_start
                                    class:tv-bar-cut-end=bar.cut_end
                                    style:left=bar.left.clone()
                                    style:width=bar.width.clone()
                                >
                                    {self_share.clone().map(|share| view! { <div class="tv-bar-self" style:width=share></div> })}
                                </div>
                                {critical_segments}
                                <span
                                    class=match bar.label {
                                        LabelSide::Right => "tv-bar-label tv-bar-label-right",
                                        LabelSide::Left => "tv-bar-label tv-bar-label-left",
                                        LabelSide::Inside => "tv-bar-label tv-bar-label-inside",
                                    }
                                    style:left=label_left
                                    style:right=label_right
                                    aria-hidden="true"
                                >
                                    {duration.clone()}
                                </span>
                            }
                            .into_any()
                        }
                    }
                }}
            </div>
        </div>
    };
    // Tachys has no `aria_level` helper, so the tree level is added as a custom attribute.
    row.add_any_attr(custom_attribute("aria-level", (depth + 1).to_string())).into_any()
}
