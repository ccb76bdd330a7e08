//! The dashboard's BubbleUp: what sets some traces (a filter, by default the failed ones) apart
//! from the rest of the current filter's traces: every column's values ranked by how much more
//! often the selection has them, each with its share of both and three ways on: keep only the
//! traces with it, exclude them, or group the first panel by its field.

use leptos::prelude::*;

use super::corpus_state::{BubbleUpRequest, CorpusState, DEFAULT_BUBBLE_SELECTION};
use super::heatmap_panel::HeatmapPanel;
use super::number_histograms::NumberHistograms;
use super::traces_table::run_query;
use super::ViewerState;
use trace_viewer_core::view::panels::{
    and_filters, bar_width, condition, format_measure, parse_panels, BUBBLE_UP, COMPARE,
};

/// Values BubbleUp lists.
const BUBBLE_ROWS: u32 = 12;

/// The selection asked: the person's selection within the current filter.
pub(crate) fn asked_selection(corpus: CorpusState) -> (String, String) {
    let current = corpus.filter.get_untracked();
    let selection = corpus.bubble_selection.get();
    (and_filters(&current, &selection), current)
}

#[component]
pub fn BubbleUpPanel(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    let selection_input = NodeRef::<leptos::html::Input>::new();
    // Asked again when the selection changes or the dashboard is to (a new filter, reading).
    Effect::new(move |_| {
        corpus.dashboard_tick.track();
        let (selection, baseline) = asked_selection(corpus);
        state.request("corpus:bubbleUp", &BubbleUpRequest { selection, baseline, limit: BUBBLE_ROWS });
    });
    let apply = move || {
        if let Some(input) = selection_input.get_untracked() {
            let text = input.value().trim().to_string();
            corpus.bubble_selection.set(if text.is_empty() { DEFAULT_BUBBLE_SELECTION.to_string() } else { text });
        }
    };
    let refilter = move |filter: String| {
        corpus.filter.set(filter);
        run_query(state);
    };
    // The first panel of bars (BubbleUp and the comparison group by nothing), if there is one.
    let first_bar_panel = move || {
        let specs = parse_panels(&corpus.panels_text.get()).ok()?;
        specs.iter().position(|spec| spec.measure != BUBBLE_UP && spec.measure != COMPARE)
    };
    let group_first_panel = move |field: String| {
        let Some(panel) = first_bar_panel() else { return };
        corpus.panel_groups.update(|groups| {
            if groups.len() <= panel {
                groups.resize(panel + 1, None);
            }
            groups[panel] = Some(field);
        });
    };
    let rows = move || {
        let (selection, _) = asked_selection(corpus);
        corpus.bubble_answer.get().filter(|answer| answer.selection == selection).map(|answer| answer.rows)
    };
    view! {
        <section class="tv-panel tv-bubble-up" part="bubble-up" aria-label="What sets these traces apart">
            <header class="tv-panel-head">
                <h2 class="tv-panel-title">"What sets these traces apart"</h2>
            </header>
            <HeatmapPanel state=state />
            <form class="tv-fail-definition" on:submit=move |event| { event.prevent_default(); apply(); }>
                <label for="tv-bubble-selection">"Traces where"</label>
                <input
                    id="tv-bubble-selection"
                    class="tv-filter-input"
                    node_ref=selection_input
                    type="text"
                    spellcheck="false"
                    prop:value=move || corpus.bubble_selection.get()
                />
                <button class="tv-tool-button" type="submit">"Compare"</button>
            </form>
            <p class="tv-panel-note">"…against the other traces of the current filter: the values they have more often."</p>
            {move || match rows() {
                None => view! { <p class="tv-panel-empty">"Comparing…"</p> }.into_any(),
                Some(Err(message)) => view! { <p class="tv-filter-error" role="alert">{message}</p> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => view! { <p class="tv-panel-empty">"Nothing sets them apart (or no trace is selected)."</p> }.into_any(),
                Some(Ok(rows)) => view! {
                    <table class="tv-bubble-table">
                        <thead>
                            <tr><th scope="col">"value"</th><th scope="col">"selected"</th><th scope="col">"others"</th><th scope="col"><span class="tv-visually-hidden">"actions"</span></th></tr>
                        </thead>
                        <tbody>
                            {rows.into_iter().map(|row| {
                                let current = corpus.filter.get_untracked();
                                let only = and_filters(&current, &condition(&row.field, Some(&row.value)));
                                let without = and_filters(&current, &format!("not {}", condition(&row.field, Some(&row.value))));
                                let field = row.field.clone();
                                view! {
                                    <tr>
                                        <th scope="row" class="tv-bubble-value">{format!("{} = {}", row.field, row.value)}</th>
                                        <td class="tv-bubble-share">
                                            <span class="tv-bubble-bar tv-bubble-selected" style:width=bar_width(Some(row.selection), 1.0)></span>
                                            {format_measure("share_rate", Some(row.selection))}
                                        </td>
                                        <td class="tv-bubble-share">
                                            <span class="tv-bubble-bar" style:width=bar_width(Some(row.baseline), 1.0)></span>
                                            {format_measure("share_rate", Some(row.baseline))}
                                        </td>
                                        <td class="tv-bubble-actions">
                                            <button class="tv-link-button" type="button" title=format!("Keep only {only}") on:click=move |_| refilter(only.clone())>"Only"</button>
                                            <button class="tv-link-button" type="button" title=format!("Keep {without}") on:click=move |_| refilter(without.clone())>"Exclude"</button>
                                            <Show when=move || first_bar_panel().is_some()>
                                                <button class="tv-link-button" type="button" title="Group the first panel by this field" on:click={
                                                    let field = field.clone();
                                                    move |_| group_first_panel(field.clone())
                                                }>"Group by"</button>
                                            </Show>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
            <NumberHistograms corpus=corpus />
        </section>
    }
}
