//! The corpus's dashboard: one panel per `panels` entry (a measure of the traces the filter keeps,
//! grouped by a field the person can change), drawn as bars, largest first. A panel asks the
//! worker again for a new filter, every few seconds while the worker reads, and when its grouping
//! or the definition of "failed" changes. Choosing a bar asks the element to show the
//! traces behind it (`aggregate-select`, which a host may cancel).

use leptos::prelude::*;

use super::bubble_up_panel::BubbleUpPanel;
use super::compare_panel::ComparePanel;
use super::corpus_state::{BarSelection, CorpusState, PanelRequest};
use super::merged_tree_panel::MergedTreePanel;
use super::outcomes_bar::OutcomesBar;
use super::ViewerState;
use trace_viewer_core::corpus::aggregate::DEFAULT_FAIL_DEFINITION;
use trace_viewer_core::model::{count_of, format_count};
use trace_viewer_core::view::panels::{
    bar_filter, bar_label, bar_width, format_measure, is_time_field, order_bars, panel_title, parse_panels, PanelSpec,
    BUBBLE_UP, COMPARE, GROUP_FIELDS, MERGED_TREE,
};

/// The panel's spec with the person's grouping, if they chose one.
fn current_spec(corpus: CorpusState, panel: usize, spec: &PanelSpec) -> PanelSpec {
    let chosen = corpus.panel_groups.with(|groups| groups.get(panel).cloned().flatten());
    PanelSpec { measure: spec.measure.clone(), group_by: chosen.unwrap_or_else(|| spec.group_by.clone()) }
}

#[component]
pub fn Dashboard(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    let panels = Memo::new(move |_| parse_panels(&corpus.panels_text.get()));
    let definition_input = NodeRef::<leptos::html::Input>::new();
    let apply_definition = move || {
        if let Some(input) = definition_input.get_untracked() {
            corpus.fail_definition.set(input.value().trim().to_string());
        }
    };
    let shown_definition = move || {
        let definition = corpus.fail_definition.get();
        if definition.is_empty() {
            DEFAULT_FAIL_DEFINITION.to_string()
        } else {
            definition
        }
    };
    view! {
        <div class="tv-dashboard" part="dashboard">
            <OutcomesBar state=state />
            <Show when=move || panels.with(|panels| panels.as_ref().is_ok_and(|panels| panels.iter().any(|spec| spec.measure == "fail_rate")))>
                <form class="tv-fail-definition" on:submit=move |event| { event.prevent_default(); apply_definition(); }>
                    <label for="tv-fail-definition-input">"A trace failed when"</label>
                    <input
                        id="tv-fail-definition-input"
                        class="tv-filter-input"
                        node_ref=definition_input
                        type="text"
                        spellcheck="false"
                        prop:value=shown_definition
                    />
                    <button class="tv-tool-button" type="submit">"Apply"</button>
                </form>
            </Show>
            {move || match panels.get() {
                Err(message) => view! {
                    <p class="tv-filter-error" role="alert">{format!("The panels attribute does not read: {message}")}</p>
                }.into_any(),
                Ok(specs) => {
                    let bubble_up = specs.iter().any(|spec| spec.measure == BUBBLE_UP);
                    let compare = specs.iter().any(|spec| spec.measure == COMPARE);
                    let merged_tree = specs.iter().any(|spec| spec.measure == MERGED_TREE);
                    view! {
                        <div class="tv-panels">
                            {specs.into_iter().enumerate().filter(|(_, spec)| ![BUBBLE_UP, COMPARE, MERGED_TREE].contains(&spec.measure.as_str())).map(|(panel, spec)| view! { <Panel state=state panel=panel spec=spec definition_input=definition_input /> }).collect_view()}
                        </div>
                        {bubble_up.then(|| view! { <BubbleUpPanel state=state /> })}
                        {compare.then(|| view! { <ComparePanel state=state /> })}
                        {merged_tree.then(|| view! { <MergedTreePanel state=state /> })}
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn Panel(
    state: ViewerState,
    panel: usize,
    spec: PanelSpec,
    definition_input: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let corpus = state.corpus;
    let asked = {
        let spec = spec.clone();
        Memo::new(move |_| current_spec(corpus, panel, &spec))
    };
    // Asks again when the question changes or the dashboard is to (a new filter, reading).
    Effect::new(move |_| {
        corpus.dashboard_tick.track();
        let spec = asked.get();
        state.request(
            "corpus:aggregate",
            &PanelRequest {
                panel,
                group_by: spec.group_by,
                measure: spec.measure,
                filter: corpus.filter.get_untracked(),
                fail_definition: corpus.fail_definition.get(),
            },
        );
    });
    let answer = move || {
        let spec = asked.get();
        corpus.panel_answers.with(|answers| answers.get(panel).cloned().flatten()).filter(|answer| answer.spec == spec)
    };
    let group_fields = move || {
        let mut fields: Vec<String> = GROUP_FIELDS.iter().map(|field| field.to_string()).collect();
        corpus.available_columns.with(|columns| {
            fields.extend(
                columns.iter().filter(|column| column.starts_with("attr.") || column.starts_with("outcome.")).cloned(),
            );
        });
        let current = asked.get().group_by;
        if !fields.contains(&current) {
            fields.push(current);
        }
        fields
    };
    let choose_group = move |event: web_sys::Event| {
        let field = event_target_value(&event);
        corpus.panel_groups.update(|groups| {
            if groups.len() <= panel {
                groups.resize(panel + 1, None);
            }
            groups[panel] = Some(field);
        });
    };
    let fails = spec.measure == "fail_rate";
    let title = move || panel_title(&asked.get());
    view! {
        <section class="tv-panel" part="panel" aria-label=title>
            <header class="tv-panel-head">
                <h2 class="tv-panel-title">{title}</h2>
                <label class="tv-panel-group">
                    "by "
                    <select on:change=choose_group prop:value=move || asked.get().group_by aria-label="Group by">
                        {move || group_fields().into_iter().map(|field| {
                            let label = field.replace('_', " ");
                            view! { <option value=field.clone() selected=move || asked.get().group_by == field>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </header>
            {fails.then(|| view! {
                <p class="tv-panel-note">
                    "Failed: "
                    <code>{move || { let definition = corpus.fail_definition.get(); if definition.is_empty() { DEFAULT_FAIL_DEFINITION.to_string() } else { definition } }}</code>
                    " "
                    <button class="tv-link-button" type="button" on:click=move |_| { if let Some(input) = definition_input.get_untracked() { let _ = input.focus(); } }>
                        "Edit"
                    </button>
                </p>
            })}
            {move || match answer() {
                None => view! { <p class="tv-panel-empty">"Counting…"</p> }.into_any(),
                Some(answer) => match answer.bars {
                    Err(message) => view! { <p class="tv-filter-error" role="alert">{message}</p> }.into_any(),
                    Ok(bars) if bars.is_empty() => view! { <p class="tv-panel-empty">"No trace matches this filter."</p> }.into_any(),
                    Ok(bars) => {
                        let spec = answer.spec.clone();
                        let (bars, left_out) = order_bars(bars, is_time_field(&spec.group_by));
                        let largest = bars.iter().filter_map(|bar| bar.measure).fold(0.0f64, f64::max);
                        view! {
                            <ul class="tv-panel-bars">
                                {bars.into_iter().map(|bar| {
                                    let width = bar_width(bar.measure, largest);
                                    let label = bar.value.as_deref().map(|value| bar_label(&spec.group_by, value)).unwrap_or_else(|| format!("(no {})", spec.group_by));
                                    let shown = format_measure(&spec.measure, bar.measure);
                                    let traces = count_of(bar.count, "trace");
                                    let selection = BarSelection {
                                        filter: bar_filter(&answer.filter, &spec.group_by, bar.value.as_deref()),
                                        field: spec.group_by.clone(),
                                        value: bar.value.clone(),
                                        measure: spec.measure.clone(),
                                    };
                                    let title = format!("Show the traces where {}", selection.filter);
                                    view! {
                                        <li>
                                            <button class="tv-panel-bar" title=title on:click=move |_| state.request("corpus:select", &selection)>
                                                <span class="tv-facet-bar" style:width=width></span>
                                                <span class="tv-facet-label">{label}</span>
                                                <span class="tv-panel-value">{shown}</span>
                                                <span class="tv-facet-count">{traces}</span>
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            {(left_out > 0).then(|| view! { <p class="tv-facet-more">{format!("{} more groups", format_count(left_out as u64))}</p> })}
                        }.into_any()
                    }
                },
            }}
        </section>
    }
}
