//! The traces table of a corpus: a filter bar (the query language; a parse error points at its
//! column), the summary line, a facet panel, and virtual rows (only those in view exist, fetched
//! from the corpus worker a window at a time), sortable by any column (click; shift-click adds a
//! key), with a column chooser. Keyboard: Up/Down move, Enter opens, `/` focuses the filter; `x`
//! or Space marks the row to compare and `c` compares the two marked (`compare_marks.rs`).

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use super::compare_marks::{compare_marked, compare_marks_bar};
use super::corpus_state::CorpusTab;
use super::corpus_state::{
    sort_text, CorpusState, OpenRequest, QueryRequest, SortColumn, WindowRequest, ROW_HEIGHT_PX,
};
use super::dashboard::Dashboard;
use super::facet_panel::FacetPanel;
use super::review_tab::ReviewTab;
use super::sessions_view::SessionsView;
use super::table_cells::{column_label, is_numeric, is_sortable};
use super::table_row::table_row;
use super::ViewerState;
use trace_viewer_core::model::{count_of, format_count, format_duration_ns};
use trace_viewer_core::view::present::format_cost_usd;

/// Rows rendered beyond the viewport on each side.
const OVERSCAN_ROWS: usize = 4;

/// Asks the element for the current filter and sort's count, totals, facets and first rows.
pub fn run_query(state: ViewerState) {
    let corpus = state.corpus;
    let request = QueryRequest { filter: corpus.filter.get_untracked(), sort: sort_text(&corpus.sort.get_untracked()) };
    corpus.scroll_top.set(0.0);
    state.request("corpus:query", &request);
}

pub(crate) fn open_row(state: ViewerState, trace_id: String) {
    state.corpus.opening.set(Some(trace_id.clone()));
    state.request("corpus:open", &OpenRequest { trace_id });
}

/// The summary line: `20,000 traces · 1,204 failed · p95 5.4 s · $31.20`.
fn summary_line(corpus: CorpusState) -> String {
    let Some(totals) = corpus.totals.get() else { return String::new() };
    let mut parts = vec![count_of(totals.traces, "trace")];
    parts.push(format!("{} failed", format_count(totals.failed)));
    if let Some(p50) = totals.p50_duration_ms {
        parts.push(format!("p50 {}", format_duration_ns((p50 * 1e6) as u64)));
    }
    if let Some(p95) = totals.p95_duration_ms {
        parts.push(format!("p95 {}", format_duration_ns((p95 * 1e6) as u64)));
    }
    if totals.cost_usd >= 1.0 {
        parts.push(format!("${:.2}", totals.cost_usd));
    } else if totals.cost_usd > 0.0 {
        parts.push(format_cost_usd(totals.cost_usd));
    }
    if totals.tokens > 0 {
        parts.push(count_of(totals.tokens, "token"));
    }
    parts.join(" · ")
}

fn reading_line(corpus: CorpusState) -> Option<String> {
    let (progress, reading) = corpus.progress.get()?;
    reading.then(|| {
        format!(
            "Reading… {:.1} MB, {} traces, {} spans so far",
            progress.bytes_read as f64 / 1e6,
            format_count(progress.traces),
            format_count(progress.spans_read)
        )
    })
}

/// Below this width of the table the rows are cards (`tv-table-cards`), this tall.
const CARDS_BELOW_WIDTH_PX: f64 = 560.0;
const CARD_HEIGHT_PX: f64 = 74.0;

#[component]
pub fn TracesTable(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    let scroll_top = RwSignal::new(corpus.scroll_top.get_untracked());
    let viewport_height = RwSignal::new(600.0f64);
    // On a narrow strip (a phone) each trace is a card of two lines instead of a row of columns.
    let scroller_width = RwSignal::new(1000.0f64);
    let cards = Memo::new(move |_| scroller_width.get() < CARDS_BELOW_WIDTH_PX);
    let row_height = move || if cards.get() { CARD_HEIGHT_PX } else { ROW_HEIGHT_PX };
    let scroller = NodeRef::<leptos::html::Div>::new();
    let filter_input = NodeRef::<leptos::html::Input>::new();
    // The row the keyboard is on (a position in the sorted, filtered rows).
    let cursor = RwSignal::new(None::<usize>);

    Effect::new(move |_| {
        let Some(element) = scroller.get() else { return };
        // Back from a trace: where the person was.
        element.set_scroll_top(corpus.scroll_top.get_untracked() as i32);
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(entry) = entries.get(0).dyn_ref::<web_sys::ResizeObserverEntry>() {
                viewport_height.set(entry.content_rect().height());
                scroller_width.set(entry.content_rect().width());
            }
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&element);
            let observer = send_wrapper::SendWrapper::new(observer);
            on_cleanup(move || observer.disconnect());
        }
        on_resize.forget();
    });
    // A new filter or sort starts at the top.
    Effect::new(move |_| {
        if corpus.scroll_top.get() == 0.0 {
            if let Some(element) = scroller.get_untracked() {
                element.set_scroll_top(0);
            }
            scroll_top.set(0.0);
            cursor.set(None);
        }
    });

    // The positions in view (plus a few on each side).
    let visible = move || {
        let count = corpus.count.get() as usize;
        let first = (scroll_top.get() / row_height()) as usize;
        let shown = (viewport_height.get() / row_height()).ceil() as usize + 1;
        first.saturating_sub(OVERSCAN_ROWS).min(count)..(first + shown + OVERSCAN_ROWS).min(count)
    };
    // Rows in view that the last window does not hold are asked for (a window three screens tall).
    Effect::new(move |_| {
        let range = visible();
        if range.is_empty() {
            return;
        }
        let covered =
            corpus.window.with(|window| window.offset <= range.start && range.end <= window.offset + window.rows.len());
        if !covered {
            let screen = range.len().max(20);
            let offset = range.start.saturating_sub(screen);
            state.request("corpus:window", &WindowRequest { offset, limit: screen * 3 });
        }
    });
    // The positions in view the window holds a row for; each keeps its row element while the
    // table refreshes (see `table_row`).
    let rendered = move || {
        let range = visible();
        corpus.window.with(|window| {
            let held = window.offset..window.offset + window.rows.len();
            range.filter(|position| held.contains(position)).collect::<Vec<_>>()
        })
    };

    let apply_filter = move || {
        if let Some(input) = filter_input.get_untracked() {
            corpus.filter.set(input.value());
        }
        run_query(state);
    };
    let sort_by = move |column: String, add: bool| {
        corpus.sort.update(|keys| match keys.iter().position(|key| key.field == column) {
            Some(0) if !add || keys.len() == 1 => keys[0].descending = !keys[0].descending,
            Some(position) if add => keys[position].descending = !keys[position].descending,
            _ => {
                let key = SortColumn { field: column.clone(), descending: is_numeric(&column) };
                if add {
                    keys.push(key);
                } else {
                    *keys = vec![key];
                }
            }
        });
        run_query(state);
    };
    let on_key = move |event: web_sys::KeyboardEvent| {
        let count = corpus.count.get_untracked() as usize;
        // A row's checkbox handles its own Space.
        let on_checkbox =
            event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some();
        if count == 0 || on_checkbox {
            return;
        }
        let row_height = untrack(row_height);
        let page = (viewport_height.get_untracked() / row_height) as usize;
        let next = match (event.key().as_str(), cursor.get_untracked()) {
            ("ArrowDown", None) | ("Home", _) => 0,
            ("ArrowDown", Some(at)) => (at + 1).min(count - 1),
            ("ArrowUp", Some(at)) => at.saturating_sub(1),
            ("PageDown", at) => (at.unwrap_or(0) + page).min(count - 1),
            ("PageUp", at) => at.unwrap_or(0).saturating_sub(page),
            ("End", _) => count - 1,
            ("Enter" | "x" | " ", Some(at)) => {
                let row =
                    corpus.window.with_untracked(|window| window.rows.get(at.checked_sub(window.offset)?).cloned());
                match (event.key().as_str(), row) {
                    ("Enter", Some(row)) => open_row(state, row.trace_id),
                    (_, Some(row)) => corpus.toggle_compare_mark(&row),
                    _ => {}
                }
                event.prevent_default();
                return;
            }
            ("c", _) => {
                compare_marked(state);
                return;
            }
            _ => return,
        };
        event.prevent_default();
        cursor.set(Some(next));
        if let Some(element) = scroller.get_untracked() {
            let top = next as f64 * row_height;
            let height = f64::from(element.client_height());
            let current = f64::from(element.scroll_top());
            // The header row sticks at the top of the scroller: keep the row below it.
            if top < current + ROW_HEIGHT_PX {
                element.set_scroll_top((top - ROW_HEIGHT_PX).max(0.0) as i32);
            } else if top + row_height + ROW_HEIGHT_PX > current + height {
                element.set_scroll_top((top + row_height + ROW_HEIGHT_PX - height) as i32);
            }
        }
    };
    let on_global_key = move |event: web_sys::KeyboardEvent| {
        let typing = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if event.key() == "/" && !typing {
            if let Some(input) = filter_input.get_untracked() {
                event.prevent_default();
                let _ = input.focus();
            }
        }
    };
    // Every row is its own grid, so every track is a fixed width (the input preview takes what is
    // left): rows line up with the header whatever their contents.
    let grid_columns = move || {
        corpus.columns.with(|columns| {
            let tracks = columns.iter().map(|column| column_track(column)).collect::<Vec<_>>().join(" ");
            format!("{MARK_COLUMN_REM}rem {tracks}")
        })
    };
    let table_width = move || {
        let rem: f64 = corpus.columns.with(|columns| columns.iter().map(|column| column_width_rem(column)).sum());
        format!("{}rem", rem + MARK_COLUMN_REM)
    };

    view! {
        <section class="tv-table" part="table" aria-label="Traces" on:keydown=on_global_key>
            <div class="tv-table-toolbar">
                <form class="tv-filter" on:submit=move |event| { event.prevent_default(); apply_filter(); }>
                    <input
                        class="tv-filter-input"
                        node_ref=filter_input
                        type="search"
                        spellcheck="false"
                        aria-label="Filter traces"
                        placeholder="Filter: intent = \"refund\" and status = error · any span (kind = tool and status = error) · \"words\""
                        prop:value=move || corpus.filter.get()
                        aria-invalid=move || corpus.filter_error.with(Option::is_some).to_string()
                    />
                    <button class="tv-tool-button" type="submit">"Filter"</button>
                    <Show when=move || corpus.filter.with(|filter| !filter.is_empty())>
                        <button class="tv-tool-button" type="button" on:click=move |_| { corpus.filter.set(String::new()); run_query(state); }>
                            "Clear"
                        </button>
                    </Show>
                </form>
                <div class="tv-tabs" role="tablist" aria-label="Show">
                    {[(CorpusTab::Traces, "Traces"), (CorpusTab::Dashboard, "Dashboard"), (CorpusTab::Sessions, "Sessions"), (CorpusTab::Review, "Review")].map(|(tab, label)| view! {
                        <button class="tv-tab" role="tab" aria-selected=move || (corpus.tab.get() == tab).to_string() on:click=move |_| corpus.tab.set(tab)>
                            {label}
                        </button>
                    })}
                </div>
                <Show when=move || corpus.tab.get() == CorpusTab::Traces>
                    <ColumnChooser state=state />
                </Show>
            </div>
            {move || corpus.filter_error.get().map(|(message, column)| view! {
                <p class="tv-filter-error" role="alert">{format!("The filter does not read at column {column}: {message}")}</p>
            })}
            <p class="tv-table-summary" aria-live="polite">
                <span>{move || summary_line(corpus)}</span>
                {move || reading_line(corpus).map(|line| view! { <span class="tv-table-reading">{line}</span> })}
            </p>
            <FileReports state=state />
            {compare_marks_bar(state)}
            <Show when=move || corpus.tab.get() == CorpusTab::Traces fallback=move || match corpus.tab.get() {
                CorpusTab::Sessions => view! { <SessionsView state=state /> }.into_any(),
                CorpusTab::Review => view! { <ReviewTab state=state /> }.into_any(),
                _ => view! { <Dashboard state=state /> }.into_any(),
            }>
            <div class="tv-table-body">
                <FacetPanel state=state />
                <div
                    class="tv-table-scroll"
                    node_ref=scroller
                    tabindex="0"
                    role="grid"
                    aria-label="Traces, one per row"
                    aria-rowcount=move || (corpus.count.get() + 1).to_string()
                    on:scroll=move |event| {
                        let element: web_sys::HtmlElement = event_target(&event);
                        let top = f64::from(element.scroll_top());
                        scroll_top.set(top);
                        corpus.scroll_top.set(top.max(0.5));
                    }
                    on:keydown=on_key
                    class:tv-table-cards=move || cards.get()
                    style:--tv-table-columns=grid_columns
                    style:--tv-table-width=table_width
                >
                    <div class="tv-table-head" role="row">
                        <div class="tv-table-header tv-table-mark" role="columnheader" title="Mark two traces to compare them">"A/B"</div>
                        <For each=move || corpus.columns.get() key=|column| column.clone() let(column)>
                            {
                                let sortable = is_sortable(&column);
                                let sorted = {
                                    let column = column.clone();
                                    move || corpus.sort.with(|keys| keys.iter().position(|key| key.field == column).map(|position| (position, keys[position].descending)))
                                };
                                let aria_sort = {
                                    let sorted = sorted.clone();
                                    move || match sorted() {
                                        Some((0, true)) => "descending",
                                        Some((0, false)) => "ascending",
                                        _ => "none",
                                    }
                                };
                                let marker = move || sorted().map(|(position, descending)| {
                                    let arrow = if descending { "▼" } else { "▲" };
                                    if position == 0 { arrow.to_string() } else { format!("{arrow}{}", position + 1) }
                                });
                                let label = column_label(&column);
                                let numeric = is_numeric(&column);
                                let clicked = column.clone();
                                view! {
                                    <div class="tv-table-header" class:tv-number=numeric role="columnheader" aria-sort=aria_sort>
                                        {if sortable {
                                            view! {
                                                <button class="tv-sort-button" title="Sort (shift-click adds a key)"
                                                    on:click=move |event: web_sys::MouseEvent| sort_by(clicked.clone(), event.shift_key())>
                                                    {label}" "<span class="tv-sort-marker">{marker}</span>
                                                </button>
                                            }.into_any()
                                        } else {
                                            view! { <span>{label}</span> }.into_any()
                                        }}
                                    </div>
                                }
                            }
                        </For>
                    </div>
                    <div class="tv-table-spacer" style:height=move || format!("{}px", corpus.count.get() as f64 * row_height())>
                        <For each=rendered key=|position| *position let(position)>
                            {
                                let row = Memo::new(move |_| {
                                    corpus.window.with(|window| window.rows.get(position.checked_sub(window.offset)?).cloned())
                                });
                                let top = Signal::derive(move || position as f64 * row_height());
                                table_row(state, position, row, top, cursor)
                            }
                        </For>
                    </div>
                    <Show when=move || corpus.count.get() == 0 && corpus.totals.with(Option::is_some)>
                        <p class="tv-table-empty">"No trace matches this filter."</p>
                    </Show>
                </div>
            </div>
            </Show>
        </section>
    }
}

/// The width of the first column, the checkbox that marks a trace to compare.
const MARK_COLUMN_REM: f64 = 2.25;

/// A column's least width in rem.
fn column_width_rem(column: &str) -> f64 {
    match column {
        "name" => 12.0,
        "input" | "output" => 16.0,
        "start" => 10.5,
        "trace_id" => 17.0,
        "signature" | "error_template" => 18.0,
        "model" | "tool" | "feedback" | "labels" => 10.0,
        "intent" | "user" | "session" | "variant" => 8.5,
        _ => 6.0,
    }
}

/// A column's grid track: previews stretch, the rest are fixed.
fn column_track(column: &str) -> String {
    let width = column_width_rem(column);
    if matches!(column, "input" | "output") {
        format!("minmax({width}rem, 1fr)")
    } else {
        format!("{width}rem")
    }
}

/// Which columns show: a checkbox per column the corpus has.
#[component]
fn ColumnChooser(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    view! {
        <details class="tv-column-chooser">
            <summary class="tv-tool-button">"Columns"</summary>
            <div class="tv-column-list" role="group" aria-label="Columns shown">
                <For each=move || corpus.available_columns.get() key=|column| column.clone() let(column)>
                    {
                        let checked = {
                            let column = column.clone();
                            move || corpus.columns.with(|columns| columns.contains(&column))
                        };
                        let toggled = column.clone();
                        let label = if column.starts_with("score.") || column.starts_with("attr.") || column.starts_with("outcome.") { column.clone() } else { column_label(&column) };
                        view! {
                            <label class="tv-column-option">
                                <input type="checkbox" prop:checked=checked on:change=move |_| {
                                    corpus.columns.update(|columns| match columns.iter().position(|known| *known == toggled) {
                                        Some(position) => { columns.remove(position); }
                                        None => columns.push(toggled.clone()),
                                    });
                                } />
                                {label}
                            </label>
                        }
                    }
                </For>
            </div>
        </details>
    }
}

/// Per-file facts and problems, folded under one line.
#[component]
fn FileReports(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    let headline = move || {
        corpus.reports.with(|reports| {
            let warnings: usize =
                reports.iter().map(|report| report.warnings.len() + report.warnings_left_out as usize).sum();
            let files = if reports.len() == 1 { "1 file".to_string() } else { format!("{} files", reports.len()) };
            if warnings == 0 {
                files
            } else {
                format!("{files} · {warnings} problems")
            }
        })
    };
    view! {
        <Show when=move || corpus.reports.with(|reports| !reports.is_empty())>
            <details class="tv-file-reports">
                <summary>{headline}</summary>
                <ul>
                    {move || corpus.reports.get().into_iter().map(|report| {
                        let facts = format!(
                            "{} · {:.1} MB · {} traces{}",
                            report.name,
                            report.bytes as f64 / 1e6,
                            format_count(report.traces),
                            if report.formats.is_empty() { String::new() } else { format!(" · {}", report.formats.join(", ")) }
                        );
                        let more = (report.warnings_left_out > 0).then(|| format!("… and {} more", report.warnings_left_out));
                        view! {
                            <li>
                                {facts}
                                <ul class="tv-warning-list">
                                    {report.warnings.into_iter().map(|warning| view! { <li>{warning}</li> }).collect_view()}
                                    {more.map(|more| view! { <li>{more}</li> })}
                                </ul>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        </Show>
    }
}
