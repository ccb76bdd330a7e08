//! The dashboard's merged tree: on demand, the worker merges every span of the filter's traces
//! (the first 100,000, from the index's span skeletons; traces in parts read again) at its path
//! of (kind, name); the panel shows the paths as a tree
//! or ordered by self or total time, each with its spans, times, p95 and error rate, and for a
//! chosen path who calls it and what it calls, wherever it appears.

use leptos::prelude::*;

use super::corpus_state::{MergedState, MergedTreeRequest};
use super::ViewerState;
use trace_viewer_core::corpus::merged_tree::{MergedAnswer, MergedPath};
use trace_viewer_core::model::{format_count, format_duration_ns};

/// Traces merged at most (the first of the filter's, in the order they were read).
const MERGE_LIMIT: u64 = 100_000;
/// Paths the table lists at most.
const SHOWN_PATHS: usize = 300;

/// How the paths are listed.
#[derive(Clone, Copy, PartialEq)]
enum PathOrder {
    Tree,
    SelfTime,
    TotalTime,
}

fn duration(ms: f64) -> String {
    format_duration_ns((ms * 1e6) as u64)
}

/// The paths' places in the chosen order.
fn ordered(paths: &[MergedPath], order: PathOrder) -> Vec<usize> {
    // One sort for every order (each sort instance costs the page kilobytes).
    let key = |place: usize| match order {
        PathOrder::Tree => place as f64,
        PathOrder::SelfTime => -paths[place].self_ms,
        PathOrder::TotalTime => -paths[place].total_ms,
    };
    let mut places: Vec<usize> = (0..paths.len()).collect();
    places.sort_by(|&left, &right| key(left).total_cmp(&key(right)));
    places
}

/// `tool search (3,000), llm plan (1,500)`: (kind, name) pairs with their span counts, largest first.
fn relation_list(pairs: Vec<(&str, &str, u64)>) -> String {
    let mut summed: Vec<((&str, &str), u64)> = Vec::new();
    for (kind, name, count) in pairs {
        match summed.iter_mut().find(|(key, _)| *key == (kind, name)) {
            Some((_, total)) => *total += count,
            None => summed.push(((kind, name), count)),
        }
    }
    if summed.is_empty() {
        return "nothing".to_string();
    }
    // Largest first, picked one at a time (a few pairs; no sort instance for the page to carry).
    let mut parts = Vec::with_capacity(summed.len());
    while let Some(largest) = (0..summed.len()).max_by_key(|&place| summed[place].1) {
        let ((kind, name), count) = summed.swap_remove(largest);
        parts.push(format!("{kind} {name} ({})", format_count(count)));
    }
    parts.join(", ")
}

/// Who calls the spans of `place`'s (kind, name) and what they call, over every path they are at.
fn relations(paths: &[MergedPath], place: usize) -> String {
    let key = (paths[place].kind.as_str(), paths[place].name.as_str());
    let same: Vec<usize> =
        (0..paths.len()).filter(|&other| (paths[other].kind.as_str(), paths[other].name.as_str()) == key).collect();
    let callers = same
        .iter()
        .map(|&other| match paths[other].parent {
            Some(parent) => {
                (paths[parent as usize].kind.as_str(), paths[parent as usize].name.as_str(), paths[other].count)
            }
            None => ("", "(a root)", paths[other].count),
        })
        .collect();
    let callees = paths
        .iter()
        .filter(|path| path.parent.is_some_and(|parent| same.contains(&(parent as usize))))
        .map(|path| (path.kind.as_str(), path.name.as_str(), path.count))
        .collect();
    format!("{} {}: called by {} · calls {}", key.0, key.1, relation_list(callers), relation_list(callees))
}

/// A path's cells after its name: text and class.
fn path_cells(path: &MergedPath, traces: u64) -> [(String, &'static str); 6] {
    let per_trace = path.count as f64 / traces.max(1) as f64;
    let hundredths = (per_trace * 100.0).round() as u64;
    [
        (format_count(path.count), "tv-numeric"),
        (format!("{}.{:02}", hundredths / 100, hundredths % 100), "tv-numeric"),
        (duration(path.total_ms), "tv-numeric"),
        (duration(path.self_ms), "tv-numeric"),
        (path.p95_ms.map(duration).unwrap_or_default(), "tv-numeric"),
        (
            {
                let tenths = (path.error_rate * 1000.0).round() as u64;
                format!("{}.{}%", tenths / 10, tenths % 10)
            },
            if path.error_rate > 0.0 { "tv-numeric tv-error-text" } else { "tv-numeric" },
        ),
    ]
}

#[component]
pub fn MergedTreePanel(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    let order = RwSignal::new(PathOrder::Tree);
    let chosen = RwSignal::new(None::<usize>);
    let merge = move |_| {
        let filter = corpus.filter.get_untracked();
        let traces = corpus.count.get_untracked().min(MERGE_LIMIT);
        corpus.merged.set(Some(MergedState { filter: filter.clone(), progress: (0, traces), answer: None }));
        chosen.set(None);
        state.request("corpus:mergedTree", &MergedTreeRequest { filter, limit: MERGE_LIMIT });
    };
    let current = move || corpus.merged.get().filter(|merged| merged.filter == corpus.filter.get());
    let set_order = move |event: leptos::ev::Event| {
        order.set(match event_target_value(&event).as_str() {
            "self" => PathOrder::SelfTime,
            "total" => PathOrder::TotalTime,
            _ => PathOrder::Tree,
        });
    };
    let table = move |answer: MergedAnswer| {
        let places = ordered(&answer.paths, order.get());
        let more = places.len().saturating_sub(SHOWN_PATHS);
        let tree = order.get() == PathOrder::Tree;
        let rows = places.into_iter().take(SHOWN_PATHS).map(|place| {
            let path = &answer.paths[place];
            let indent = if tree { format!("{}px", path.depth * 14 + 6) } else { "6px".to_string() };
            view! {
                <tr class:tv-merged-chosen=move || chosen.get() == Some(place) on:click=move |_| chosen.set(Some(place))>
                    <th scope="row" style:padding-left=indent>
                        <button class="tv-merged-path" type="button" aria-pressed=move || (chosen.get() == Some(place)).to_string()
                            title="Show who calls this path and what it calls">
                            <span class="tv-chip">{path.kind.clone()}</span>" "{path.name.clone()}
                        </button>
                    </th>
                    {path_cells(path, answer.traces).map(|(text, class)| view! { <td class=class>{text}</td> })}
                </tr>
            }
        }).collect_view();
        let paths = answer.paths.clone();
        view! {
            <p class="tv-panel-note">{format!("{} of {} traces merged; {} paths. Choose a path for its callers and callees.", format_count(answer.traces), format_count(answer.matching), format_count(answer.paths.len() as u64))}</p>
            <div class="tv-sessions-scroll">
                <table class="tv-bubble-table tv-merged-table">
                    <thead><tr>
                        <th scope="col">"path"</th>
                        {["spans", "per trace", "total", "self", "p95", "errors"].map(|label| view! { <th scope="col" class="tv-numeric">{label}</th> })}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(more > 0).then(|| view! { <p class="tv-panel-note">{format!("{} more paths", format_count(more as u64))}</p> })}
            <p class="tv-merged-relations" aria-live="polite">{move || chosen.get().filter(|place| *place < paths.len()).map(|place| relations(&paths, place))}</p>
        }
    };
    view! {
        <section class="tv-panel tv-merged" part="merged-tree" aria-label="Merged tree">
            <header class="tv-panel-head">
                <h2 class="tv-panel-title">"Merged tree"</h2>
                <label class="tv-panel-group">"Order "
                    <select on:change=set_order>
                        <option value="tree">"as a tree"</option>
                        <option value="self">"by self time"</option>
                        <option value="total">"by total time"</option>
                    </select>
                </label>
            </header>
            {move || match current() {
                None => view! {
                    <p class="tv-panel-empty">
                        "Every span of the filter's traces at its path of kind and name, with total and self time. "
                        <button class="tv-tool-button" type="button" on:click=merge>
                            {move || format!("Merge {} traces", format_count(corpus.count.get().min(MERGE_LIMIT)))}
                        </button>
                    </p>
                }.into_any(),
                Some(MergedState { answer: None, progress: (merged, traces), .. }) => view! {
                    <p class="tv-panel-empty">
                        {format!("Reading the traces again: {} of {} merged… ", format_count(merged), format_count(traces))}
                        <progress max=traces.max(1) value=merged></progress>
                    </p>
                }.into_any(),
                Some(MergedState { answer: Some(Err(message)), .. }) => view! { <p class="tv-filter-error" role="alert">{message}</p> }.into_any(),
                Some(MergedState { answer: Some(Ok(answer)), .. }) => table(answer).into_any(),
            }}
        </section>
    }
}
