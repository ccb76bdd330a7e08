//! Comparing two traces of a corpus from the traces table: the checkbox at the start of each row
//! (`x` or Space on the keyboard's row marks it), and the bar above the rows that names the marked
//! traces and starts the comparison (`c`). The corpus worker reads both traces again and sends
//! them as one file, which the comparison view shows (`ViewerState::open_comparison_from_table`).

use leptos::prelude::*;

use super::corpus_state::CorpusTab;
use super::ViewerState;
use trace_viewer_core::contract::CompareDetail;
use trace_viewer_core::corpus::TableRow;

/// Asks the element to read the two marked traces again and compare them (nothing unless two are
/// marked).
pub fn compare_marked(state: ViewerState) {
    let marks = state.corpus.compare_marks.get_untracked();
    if let [a, b] = marks.as_slice() {
        compare_in_corpus(state, &a.trace_id, &b.trace_id);
    }
}

/// Asks the element to read traces `a` and `b` of the corpus again and compare them (nothing while
/// a trace is being opened).
pub fn compare_in_corpus(state: ViewerState, a: &str, b: &str) {
    let corpus = state.corpus;
    if corpus.opening.with_untracked(Option::is_some) {
        return;
    }
    corpus.opening.set(Some(a.to_string()));
    state.request("corpus:compareTraces", &CompareDetail { trace_id_a: a.to_string(), trace_id_b: b.to_string() });
}

/// The first cell of a row: a checkbox that marks the trace to compare. Clicking it does not open
/// the trace (the row's click does).
pub fn mark_cell(state: ViewerState, row: Memo<Option<TableRow>>) -> impl IntoView {
    let corpus = state.corpus;
    let checked = move || row.with(|row| row.as_ref().is_some_and(|row| corpus.is_marked(&row.trace_id)));
    let label = move || {
        row.with(|row| {
            let row = row.as_ref()?;
            Some(format!("Mark {} to compare", if row.name.is_empty() { &row.trace_id } else { &row.name }))
        })
    };
    let toggle = move |_| {
        if let Some(row) = row.get_untracked() {
            corpus.toggle_compare_mark(&row);
        }
    };
    view! {
        <div class="tv-table-mark" role="gridcell" on:click=|event| event.stop_propagation()>
            <label title="Mark to compare (x)">
                <input type="checkbox" aria-label=label prop:checked=checked on:change=toggle />
            </label>
        </div>
    }
}

/// A marked trace as the bar names it: its name (else its id) and its id's first eight characters.
fn mark_label(name: &str, trace_id: &str) -> String {
    let short: String = trace_id.chars().take(8).collect();
    if name.is_empty() || name == trace_id {
        short
    } else {
        format!("{name} · {short}")
    }
}

/// What is marked and what to do next: mark one more, or compare the two (on the Traces tab, while
/// any trace is marked).
pub fn compare_marks_bar(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    move || {
        let marks = corpus.compare_marks.get();
        if marks.is_empty() || corpus.tab.get() != CorpusTab::Traces {
            return None;
        }
        let two = marks.len() == 2;
        let labels = marks
            .iter()
            .zip(["A", "B"])
            .map(|(mark, letter)| {
                view! {
                    <span class="tv-compare-mark" title=mark.trace_id.clone()>
                        <b>{letter}</b>" "{mark_label(&mark.name, &mark.trace_id)}
                    </span>
                }
            })
            .collect_view();
        let reading = move || two && corpus.opening.with(Option::is_some);
        Some(view! {
            <div class="tv-compare-marks" role="group" aria-label="Traces marked to compare">
                <span class="tv-compare-marks-label">"Compare"</span>
                {labels}
                {(!two).then(|| view! { <span class="tv-muted">"Mark one more trace (x) to compare it with."</span> })}
                <button
                    class="tv-tool-button tv-compare-marked"
                    disabled=move || !two || reading()
                    title="Compare A with B (c)"
                    on:click=move |_| compare_marked(state)
                >
                    {move || if reading() { "Reading both…" } else { "Compare A and B" }}
                </button>
                <button class="tv-tool-button" on:click=move |_| corpus.compare_marks.set(Vec::new())>"Clear marks"</button>
            </div>
        })
    }
}
