//! The dashboard's duration × time heatmap of the filter's traces: time across, duration up
//! (spaced by ratio), each cell as dark as its share of traces and red as its share of failures.
//! Dragging a box (or choosing a cell; from the keyboard, arrows and Shift with arrows, then
//! Enter) makes BubbleUp compare the traces in it with the others.

use leptos::prelude::*;

use super::corpus_state::{CorpusState, HeatmapRequest};
use super::table_cells::short_time;
use super::ViewerState;
use trace_viewer_core::corpus::heatmap::{box_filter, Heatmap};
use trace_viewer_core::model::format_duration_ns;

/// A box of cells: its first and last column, its first and last duration row.
type CellBox = ((u32, u32), (usize, usize));

const COLUMNS: u32 = 48;
const ROWS: u32 = 12;

fn duration(ms: f64) -> String {
    format_duration_ns((ms * 1e6) as u64)
}

/// A cell's look: its darkness (0–100, by log of its count against the largest) and its failures'
/// share as a red tint.
fn cell_style(count: u32, failed: u32, largest: u32) -> String {
    if count == 0 {
        return String::new();
    }
    let darkness = 15 + (85.0 * f64::from(count).ln_1p() / f64::from(largest).ln_1p()) as u32;
    let red = (100 * failed / count).min(100);
    format!("--tv-heat:{darkness}%;--tv-heat-red:{red}%")
}

#[component]
pub fn HeatmapPanel(state: ViewerState) -> impl IntoView {
    let corpus: CorpusState = state.corpus;
    Effect::new(move |_| {
        corpus.dashboard_tick.track();
        let filter = corpus.filter.get();
        state.request("corpus:heatmap", &HeatmapRequest { filter, columns: COLUMNS, rows: ROWS });
    });
    // The box being brushed: the cell pressed and the cell the pointer is over (column, row).
    let anchor = RwSignal::new(None::<(u32, usize)>);
    let over = RwSignal::new(None::<(u32, usize)>);
    // The box chosen last, and the selection it made (it stays drawn while BubbleUp compares it).
    let chosen = RwSignal::new(None::<(CellBox, String)>);
    let span = move || {
        let Some(((a_column, a_row), (b_column, b_row))) = anchor.get().zip(over.get()) else {
            let selection = corpus.bubble_selection.get();
            return chosen.get().filter(|(_, filter)| *filter == selection).map(|(cells, _)| cells);
        };
        Some(((a_column.min(b_column), a_column.max(b_column)), (a_row.min(b_row), a_row.max(b_row))))
    };
    let map = move || corpus.heatmap.get().filter(|(filter, _)| *filter == corpus.filter.get()).map(|(_, map)| map);
    let finish = move |map: &Heatmap| {
        if let Some((columns, rows)) = span() {
            let filter = box_filter(map, columns, rows);
            chosen.set(Some(((columns, rows), filter.clone())));
            corpus.bubble_selection.set(filter);
        }
        anchor.set(None);
        over.set(None);
    };
    move || {
        let map = map()?;
        if map.counts.iter().all(|count| *count == 0) {
            return None;
        }
        let largest = map.counts.iter().copied().max().unwrap_or(1);
        let rows = map.duration_edges_ms.len().saturating_sub(1);
        let columns = map.columns;
        let shared = StoredValue::new(map.clone());
        let cells = (0..rows).rev().flat_map(|row| (0..columns).map(move |column| (row, column))).map(|(row, column)| {
            let at = row * columns as usize + column as usize;
            let (count, failed) = (map.counts[at], map.failed[at]);
            let brushed = move || span().is_some_and(|((first_column, last_column), (first_row, last_row))| {
                (first_column..=last_column).contains(&column) && (first_row..=last_row).contains(&row)
            });
            view! {
                <span
                    class="tv-heat-cell"
                    class:tv-heat-brushed=brushed
                    style=cell_style(count, failed, largest)
                    title=format!("{}, {failed} failed", trace_viewer_core::model::count_of(u64::from(count), "trace"))
                    on:pointerdown=move |event| { event.prevent_default(); anchor.set(Some((column, row))); over.set(Some((column, row))); }
                    on:pointerenter=move |_| if anchor.get_untracked().is_some() { over.set(Some((column, row))); }
                    on:pointerup=move |_| shared.with_value(|map| finish(map))
                ></span>
            }
        }).collect_view();
        let top = map.duration_edges_ms.last().copied().unwrap_or(0.0);
        let bottom = map.duration_edges_ms.first().copied().unwrap_or(0.0);
        Some(view! {
            <figure class="tv-heatmap">
                <figcaption>"Duration × start time: drag a box (or choose a cell) to see what sets those traces apart"</figcaption>
                <div class="tv-heatmap-body">
                    <p class="tv-heatmap-y"><span>{duration(top)}</span><span>{duration(bottom)}</span></p>
                    <div
                        class="tv-heatmap-grid"
                        tabindex="0"
                        aria-label="Heatmap of duration by start time: arrow keys move a cell, Shift with arrows widens it to a box, Enter compares its traces"
                        style=format!("grid-template-columns:repeat({columns},1fr)")
                        on:pointerleave=move |_| { anchor.set(None); over.set(None); }
                        on:keydown=move |event: leptos::ev::KeyboardEvent| {
                            let (column_step, row_step): (i64, i64) = match event.key().as_str() {
                                "ArrowLeft" => (-1, 0),
                                "ArrowRight" => (1, 0),
                                // Longer durations are drawn higher.
                                "ArrowUp" => (0, 1),
                                "ArrowDown" => (0, -1),
                                "Enter" | " " => {
                                    event.prevent_default();
                                    shared.with_value(|map| finish(map));
                                    return;
                                }
                                "Escape" => {
                                    anchor.set(None);
                                    over.set(None);
                                    return;
                                }
                                _ => return,
                            };
                            event.prevent_default();
                            let (column, row) = over.get_untracked().unwrap_or((0, rows - 1));
                            let moved = (
                                (i64::from(column) + column_step).clamp(0, i64::from(columns) - 1) as u32,
                                (row as i64 + row_step).clamp(0, rows as i64 - 1) as usize,
                            );
                            if !event.shift_key() || anchor.get_untracked().is_none() {
                                anchor.set(Some(moved));
                            }
                            over.set(Some(moved));
                        }
                    >
                        {cells}
                    </div>
                </div>
                <p class="tv-heatmap-x"><span>{short_time(map.start_ms)}</span><span>{short_time(map.end_ms)}</span></p>
            </figure>
        })
    }
}
