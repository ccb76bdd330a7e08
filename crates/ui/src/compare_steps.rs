//! The aligned step list of a comparison: one row per step of A and B paired by the longest
//! common subsequence of their paths (a step only one side has stands alone), each side's count
//! (×N for a folded run), duration and tokens, and B − A in time, tokens and cost; a page at a time.
//! When the alignment was bounded (too many steps, or the search's budget spent) it says so.

use std::sync::Arc;

use leptos::prelude::*;

use super::compare_view::{delta_class, Compared};
use super::paged::paged;
use trace_viewer_core::analysis::compare::{
    signed_cost, signed_count, signed_duration, AlignMethod, Step, MOST_STEPS_FOR_LCS,
};
use trace_viewer_core::model::{format_count, format_duration_ns, Trace};
use trace_viewer_core::view::present::kind_label;

/// Deepest indentation drawn, in levels.
const MOST_INDENT: u32 = 12;

/// One side of a row: `×4 · 3.80 s · 1,730 tokens`, failed runs marked.
fn side(step: Option<&Step>) -> AnyView {
    let Some(step) = step else { return view! { <span class="tv-muted">"—"</span> }.into_any() };
    let mut text = String::new();
    if step.count > 1 {
        text.push_str(&format!("×{} · ", step.count));
    }
    text.push_str(&format_duration_ns(step.duration_ns));
    if step.tokens > 0 {
        text.push_str(&format!(" · {} tok", format_count(step.tokens)));
    }
    let errors = (step.errors > 0).then(|| {
        view! { <span class="tv-step-errors">{format!(" · {} failed", step.errors)}</span> }
    });
    view! { <span>{text}{errors}</span> }.into_any()
}

fn step_name(trace: &Trace, step: &Step) -> String {
    trace.spans.get(step.span as usize).map(|span| span.name.clone()).unwrap_or_default()
}

/// The "show more" button as the last row of the six-column step table.
fn more_as_step_row(button: AnyView) -> AnyView {
    view! { <tr class="tv-more-row"><td colspan="6">{button}</td></tr> }.into_any()
}

/// The aligned steps, a page at a time, with a note when the alignment was bounded.
pub fn step_table(compared: &Arc<Compared>) -> impl IntoView {
    let steps = &compared.comparison.steps;
    let note = match steps.method {
        AlignMethod::Longest => None,
        AlignMethod::TooDifferent => Some(
            "The traces differ too much to align every step in the time allowed: steps are paired by path only (the n-th step of a path in A with the n-th in B), in A's order."
                .to_string(),
        ),
        AlignMethod::TooMany => Some(format!(
            "More than {} steps: steps are paired by path only (the n-th step of a path in A with the n-th in B), in A's order.",
            format_count(MOST_STEPS_FOR_LCS as u64)
        )),
    };
    let count = steps.rows.len();
    let render = {
        let compared = compared.clone();
        Arc::new(move |position: usize| {
            let steps = &compared.comparison.steps;
            let row = steps.rows[position];
            let step_a = row.a.map(|index| &steps.a[index as usize]);
            let step_b = row.b.map(|index| &steps.b[index as usize]);
            let (trace, step) = match (step_a, step_b) {
                (Some(step), _) => (&compared.a, step),
                (None, Some(step)) => (&compared.b, step),
                (None, None) => return ().into_any(),
            };
            let info = &compared.comparison.paths[step.path as usize];
            let delta = steps.delta(row);
            let class = match (step_a, step_b) {
                (Some(_), None) => "tv-step-row tv-only-a",
                (None, Some(_)) => "tv-step-row tv-only-b",
                (Some(a), Some(b)) if a.count != b.count || a.errors != b.errors => "tv-step-row tv-step-changed",
                _ => "tv-step-row",
            };
            let marker = match (step_a, step_b) {
                (Some(_), None) => Some("only in A"),
                (None, Some(_)) => Some("only in B"),
                _ => None,
            };
            let direction = |value: i128| value.signum() as i8;
            let cost_direction = delta.cost_usd.map_or(0, |cost| direction((cost * 1e6).round() as i128));
            view! {
                <tr class=class>
                    <td class="tv-step-name" style:padding-left=format!("{}px", 6 + 12 * step.depth.min(MOST_INDENT))>
                        <span class=format!("tv-kind tv-kind-{}", info.kind.as_str())>{kind_label(info.kind)}</span>
                        " "
                        <span>{step_name(trace, step)}</span>
                        {marker.map(|marker| view! { <span class="tv-step-marker">{marker}</span> })}
                    </td>
                    <td data-label="A">{side(step_a)}</td>
                    <td data-label="B">{side(step_b)}</td>
                    <td class=format!("tv-number {}", delta_class(direction(delta.duration_ns))) data-label="Δ time">{signed_duration(delta.duration_ns)}</td>
                    <td class=format!("tv-number {}", delta_class(direction(delta.tokens))) data-label="Δ tokens">{signed_count(delta.tokens)}</td>
                    <td class=format!("tv-number {}", delta_class(cost_direction)) data-label="Δ cost">{delta.cost_usd.map(signed_cost).unwrap_or_default()}</td>
                </tr>
            }
            .into_any()
        })
    };
    view! {
        <section class="tv-compare-section tv-compare-steps" aria-label="Steps">
            <h3>"Steps"</h3>
            {note.map(|note| view! { <p class="tv-compare-note" role="note">{note}</p> })}
            <div class="tv-compare-scroll">
                <table class="tv-compare-table tv-step-table">
                    <thead>
                        <tr>
                            <th>"Step"</th><th>"A"</th><th>"B"</th>
                            <th class="tv-number">"Δ time"</th><th class="tv-number">"Δ tokens"</th><th class="tv-number">"Δ cost"</th>
                        </tr>
                    </thead>
                    <tbody>{paged(count, "steps", render, more_as_step_row)}</tbody>
                </table>
            </div>
        </section>
    }
}
