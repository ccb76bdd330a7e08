//! The structural difference of a comparison: each (kind, name) path whose span count differs,
//! with its counts in A and B and its mark (`only in A`, `only in B`, `+3`, `−1`), a page at a time.

use std::sync::Arc;

use leptos::prelude::*;

use super::compare_view::Compared;
use super::paged::{more_as_list_item, paged};
use trace_viewer_core::analysis::compare::PathChange;
use trace_viewer_core::view::present::kind_label;

/// The changed paths, a page at a time.
pub fn structure_list(compared: &Arc<Compared>) -> impl IntoView {
    let changed: Vec<usize> = compared
        .comparison
        .structure
        .paths
        .iter()
        .enumerate()
        .filter(|(_, counts)| counts.a != counts.b)
        .map(|(place, _)| place)
        .collect();
    let total = compared.comparison.structure.paths.len();
    let count = changed.len();
    let summary = if count == 0 {
        format!("The same {total} paths, each with the same number of spans.")
    } else {
        format!("{count} of {total} paths differ (spans per path of kind and name from the root).")
    };
    let changed = Arc::new(changed);
    let render = {
        let compared = compared.clone();
        Arc::new(move |position: usize| {
            let counts = &compared.comparison.structure.paths[changed[position]];
            let info = &compared.comparison.paths[counts.path as usize];
            let change = counts.change();
            let class = match change {
                PathChange::OnlyInA => "tv-path-change tv-only-a",
                PathChange::OnlyInB => "tv-path-change tv-only-b",
                PathChange::More(_) => "tv-path-change tv-more",
                PathChange::Fewer(_) => "tv-path-change tv-fewer",
                PathChange::Same => "tv-path-change",
            };
            view! {
                <li class="tv-path-row" data-path=compared.comparison.label(counts.path)>
                    <span class=format!("tv-kind tv-kind-{}", info.kind.as_str())>{kind_label(info.kind)}</span>
                    <span class="tv-path-label">{compared.comparison.label(counts.path)}</span>
                    <span class="tv-path-counts">{format!("{} → {}", counts.a, counts.b)}</span>
                    <span class=class>{change.mark()}</span>
                </li>
            }
            .into_any()
        })
    };
    view! {
        <section class="tv-compare-section" aria-label="Structure">
            <h3>"Structure"</h3>
            <p class="tv-muted">{summary}</p>
            <ul class="tv-path-list">{paged(count, "paths", render, more_as_list_item)}</ul>
        </section>
    }
}
