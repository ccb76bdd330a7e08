//! BubbleUp's numbers: each numeric column of the selection and of the other traces drawn as two
//! overlaid histograms over the same bins (the selection in front), the most different first, with
//! how far apart they are.

use leptos::prelude::*;

use super::bubble_up_panel::asked_selection;
use super::corpus_state::CorpusState;
use trace_viewer_core::corpus::histograms::NumericComparison;
use trace_viewer_core::view::panels::format_measure;

/// The measure a field's values are written as (a duration, a cost, a plain or decimal number).
fn value_measure(field: &str) -> &'static str {
    match field {
        "duration_ms" => "p50_duration_ms",
        "cost" => "cost_mean",
        other if other.starts_with("score.") || other.starts_with("outcome.") => "mean(outcome.value)",
        _ => "tokens_sum",
    }
}

/// A bar's height: its share against the tallest bar of the two groups.
fn height(share: f64, tallest: f64) -> String {
    format!("{}%", if tallest > 0.0 { (share / tallest * 100.0).round() as u32 } else { 0 })
}

#[component]
fn Histogram(numbers: NumericComparison) -> impl IntoView {
    let measure = value_measure(&numbers.field);
    let tallest = numbers.bins.iter().map(|bin| bin.selection.max(bin.baseline)).fold(0.0, f64::max);
    let (low, high) =
        (numbers.bins.first().map_or(0.0, |bin| bin.low), numbers.bins.last().map_or(0.0, |bin| bin.high));
    let distance = (numbers.score * 100.0).round() as u32;
    let bars = numbers
        .bins
        .iter()
        .map(|bin| {
            let title = format!(
                "{} to {}: {} of the selection, {} of the others",
                format_measure(measure, Some(bin.low)),
                format_measure(measure, Some(bin.high)),
                format_measure("share_rate", Some(bin.selection)),
                format_measure("share_rate", Some(bin.baseline)),
            );
            view! {
                <span class="tv-histogram-bin" title=title>
                    <span class="tv-histogram-others" style:height=height(bin.baseline, tallest)></span>
                    <span class="tv-histogram-selected" style:height=height(bin.selection, tallest)></span>
                </span>
            }
        })
        .collect_view();
    view! {
        <figure class="tv-histogram">
            <figcaption>
                <strong>{numbers.field.clone()}</strong>
                {format!(" · {distance} % apart{}", if numbers.log_scale { " · bins by ratio" } else { "" })}
            </figcaption>
            <div class="tv-histogram-bars" role="img" aria-label=format!("{}: the selection's distribution against the others'", numbers.field)>{bars}</div>
            <p class="tv-histogram-axis"><span>{format_measure(measure, Some(low))}</span><span>{format_measure(measure, Some(high))}</span></p>
        </figure>
    }
}

#[component]
pub fn NumberHistograms(corpus: CorpusState) -> impl IntoView {
    let compared = move || {
        let (selection, _) = asked_selection(corpus);
        corpus.bubble_numbers.get().filter(|(asked, _)| *asked == selection).map(|(_, compared)| compared)
    };
    move || {
        compared().filter(|compared| !compared.is_empty()).map(|compared| {
            view! {
                <div class="tv-histograms" aria-label="Numbers: the selection (in front) against the others">
                    {compared.into_iter().map(|numbers| view! { <Histogram numbers=numbers /> }).collect_view()}
                </div>
            }
        })
    }
}
