//! One row of the traces table, kept by its position: the row element and its cells stay while
//! the table refreshes (new traces arriving while a corpus is read shift every position under a
//! sort), and only the texts, classes and attributes that changed are written. A cell per shown
//! column, so switching columns in the chooser adds or removes cells in rows already on screen.

use leptos::prelude::*;

use super::compare_marks::mark_cell;
use super::table_cells::{cell, is_numeric};
use super::traces_table::open_row;
use super::ViewerState;
use trace_viewer_core::corpus::TableRow;

/// The row at `position` of the table's order (`row`: what the window holds there), drawn at
/// `top` pixels; `cursor`: the keyboard's row.
pub fn table_row(
    state: ViewerState,
    position: usize,
    row: Memo<Option<TableRow>>,
    top: Signal<f64>,
    cursor: RwSignal<Option<usize>>,
) -> impl IntoView {
    let corpus = state.corpus;
    let trace_id = Memo::new(move |_| row.with(|row| row.as_ref().map(|row| row.trace_id.clone()).unwrap_or_default()));
    let failed = move || row.with(|row| row.as_ref().is_some_and(|row| row.errors > 0));
    let opened = move || trace_id.with(|id| corpus.opened.with(|opened| opened.as_deref() == Some(id.as_str())));
    let opening = move || trace_id.with(|id| corpus.opening.with(|opening| opening.as_deref() == Some(id.as_str())));
    let cells = move || {
        corpus
            .columns
            .get()
            .into_iter()
            .map(|column| {
                // One cell text worked out per change of the row, read by its class and its text.
                let content = {
                    let column = column.clone();
                    Memo::new(move |_| row.with(|row| row.as_ref().map(|row| cell(&column, row))))
                };
                let class = move || content.with(|content| content.as_ref().map_or("", |content| content.class));
                let text = move || {
                    content.with(|content| content.as_ref().map(|content| content.text.clone()).unwrap_or_default())
                };
                let cell_class = if is_numeric(&column) { "tv-table-cell tv-number" } else { "tv-table-cell" };
                view! {
                    <div class=cell_class role="gridcell" data-column=column>
                        <span class=class>{text}</span>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <div
            class="tv-table-row"
            class:tv-table-row-error=failed
            class:tv-table-row-opened=opened
            class:tv-table-row-opening=opening
            class:tv-table-row-cursor=move || cursor.get() == Some(position)
            role="row"
            aria-rowindex=(position + 2).to_string()
            data-trace-id=move || trace_id.get()
            style:transform=move || format!("translateY({}px)", top.get())
            on:click=move |_| {
                cursor.set(Some(position));
                open_row(state, trace_id.get_untracked());
            }
        >
            {mark_cell(state, row)}
            {cells}
        </div>
    }
}
