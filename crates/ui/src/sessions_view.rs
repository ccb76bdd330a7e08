//! The corpus's sessions: the traces the filter keeps grouped by session id, a page of sessions at
//! a time, sortable by their columns; choosing one shows its conversation — each turn's question
//! and answer, the tools it ran, its feedback and failures — with a way to open each turn's trace.

use leptos::prelude::*;

use super::corpus_state::{CorpusState, SessionRequest, SessionsRequest};
use super::table_cells::short_time;
use super::traces_table::open_row;
use super::ViewerState;
use trace_viewer_core::corpus::sessions::SessionRow;
use trace_viewer_core::corpus::TableRow;
use trace_viewer_core::model::{count_of, format_count, format_duration_ns};
use trace_viewer_core::view::present::format_cost_usd;

/// Sessions one page of the list shows.
const SESSIONS_PER_PAGE: usize = 100;

/// The list's columns: the sort field (empty: not sortable), the header, and numbers or not.
const COLUMNS: [(&str, &str, bool); 11] = [
    ("session", "Session", false),
    ("", "User", false),
    ("start", "Started", true),
    ("turns", "Turns", true),
    ("duration_ms", "Duration", true),
    ("failed_turns", "Failed turns", true),
    ("cost", "Cost", true),
    ("tokens", "Tokens", true),
    ("thumbs_down", "Thumbs down", true),
    ("", "Outcome", false),
    ("", "First question", false),
];

fn duration(ms: f64) -> String {
    format_duration_ns((ms * 1e6) as u64)
}

/// A feedback signal or outcome as words (`thumbs_down` → `thumbs down`), and whether it is bad news.
fn signal_words(signal: &str) -> (String, bool) {
    (signal.replace('_', " "), matches!(signal, "thumbs_down" | "abandoned"))
}

#[component]
pub fn SessionsView(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    view! {
        <div class="tv-sessions" part="sessions">
            {move || match corpus.selected_session.get() {
                Some(session) => view! { <Conversation state=state session=session /> }.into_any(),
                None => view! { <SessionList state=state /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn SessionList(state: ViewerState) -> impl IntoView {
    let corpus = state.corpus;
    // Asked again for a new filter, sort or page, and as the dashboard is while the worker reads;
    // a new filter starts at the first page.
    let asked_filter = StoredValue::new(corpus.filter.get_untracked());
    Effect::new(move |_| {
        corpus.dashboard_tick.track();
        let (filter, offset) = (corpus.filter.get(), corpus.sessions_offset.get());
        if asked_filter.get_value() != filter {
            asked_filter.set_value(filter.clone());
            if offset != 0 {
                // This effect runs again for the first page.
                corpus.sessions_offset.set(0);
                return;
            }
        }
        let request = SessionsRequest { filter, sort: corpus.sessions_sort.get(), offset, limit: SESSIONS_PER_PAGE };
        state.request("corpus:sessions", &request);
    });
    let answer = move || {
        let asked = (corpus.filter.get(), corpus.sessions_sort.get(), corpus.sessions_offset.get());
        corpus
            .sessions_answer
            .get()
            .filter(|answer| (answer.filter.clone(), answer.sort.clone(), answer.offset) == asked)
    };
    let sort_by = move |field: &'static str| {
        if field.is_empty() {
            return;
        }
        let current = corpus.sessions_sort.get_untracked();
        // Numbers sort largest first on the first click; the session id from A.
        let next = match current.split_whitespace().collect::<Vec<_>>().as_slice() {
            [known, "desc"] if *known == field => field.to_string(),
            [known] if *known == field => format!("{field} desc"),
            _ if field == "session" => field.to_string(),
            _ => format!("{field} desc"),
        };
        corpus.sessions_offset.set(0);
        corpus.sessions_sort.set(next);
    };
    let sort_state = move |field: &str| {
        let sort = corpus.sessions_sort.get();
        let mut words = sort.split_whitespace();
        match (words.next(), words.next()) {
            (Some(known), Some("desc")) if known == field => "descending",
            (Some(known), None) if known == field => "ascending",
            _ => "none",
        }
    };
    let marker = move |field: &str| match sort_state(field) {
        "descending" => "▼",
        "ascending" => "▲",
        _ => "",
    };
    view! {
        {move || match answer() {
            None => view! { <p class="tv-panel-empty">"Grouping the traces by session…"</p> }.into_any(),
            Some(answer) => match answer.page {
                Err(message) => view! { <p class="tv-filter-error" role="alert">{message}</p> }.into_any(),
                Ok(page) => {
                    let first = page.offset as usize;
                    let last = first + page.sessions.len();
                    let without = (page.traces_without_session > 0).then(|| {
                        format!(" · {} traces without a session", format_count(page.traces_without_session))
                    });
                    view! {
                        <p class="tv-sessions-count">
                            {count_of(page.count, "session")}{without}
                            <span class="tv-sessions-pager">
                                {(page.count > 0).then(|| format!("{}–{} of {}", format_count(first as u64 + 1), format_count(last as u64), format_count(page.count)))}
                                <button class="tv-tool-button" type="button" disabled=first == 0
                                    on:click=move |_| corpus.sessions_offset.update(|offset| *offset = offset.saturating_sub(SESSIONS_PER_PAGE))>"Previous"</button>
                                <button class="tv-tool-button" type="button" disabled={ last as u64 >= page.count }
                                    on:click=move |_| corpus.sessions_offset.update(|offset| *offset += SESSIONS_PER_PAGE)>"Next"</button>
                            </span>
                        </p>
                        <div class="tv-sessions-scroll">
                            <table class="tv-bubble-table tv-sessions-table">
                                <thead>
                                    <tr>
                                        {COLUMNS.map(|(field, label, numeric)| view! {
                                            <th scope="col" class:tv-numeric=numeric aria-sort=move || sort_state(field)>
                                                <button class="tv-sort-button" type="button" disabled=field.is_empty() on:click=move |_| sort_by(field)>{label}" "{move || marker(field)}</button>
                                            </th>
                                        })}
                                    </tr>
                                </thead>
                                <tbody>
                                    {page.sessions.into_iter().map(|row| view! { <SessionLine corpus=corpus row=row /> }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            },
        }}
    }
}

/// A session's cells after its id, in [`COLUMNS`]' order then the first question: text and the
/// class of its cell (one shape for every cell keeps the page's code small).
fn session_cells(row: SessionRow) -> [(String, &'static str); 10] {
    let count = |value: u32| format_count(u64::from(value));
    let outcome = row.outcome.as_deref().map(signal_words);
    let outcome_class = match outcome {
        Some((_, true)) => "tv-sessions-outcome tv-error-text",
        _ => "tv-sessions-outcome",
    };
    [
        (row.user.unwrap_or_default(), ""),
        (short_time(row.start_ms), "tv-numeric"),
        (count(row.turns), "tv-numeric"),
        (duration(row.duration_ms), "tv-numeric"),
        (count(row.failed_turns), if row.failed_turns > 0 { "tv-numeric tv-error-text" } else { "tv-numeric" }),
        (row.cost_usd.map(format_cost_usd).unwrap_or_default(), "tv-numeric"),
        (format_count(row.tokens as u64), "tv-numeric"),
        (count(row.thumbs_down), "tv-numeric"),
        (outcome.map(|(words, _)| words).unwrap_or_default(), outcome_class),
        (row.first_input.unwrap_or_default(), "tv-sessions-question"),
    ]
}

#[component]
fn SessionLine(corpus: CorpusState, row: SessionRow) -> impl IntoView {
    let session = row.session.clone();
    let label = row.session.clone();
    view! {
        <tr>
            <th scope="row">
                <button class="tv-link-button" type="button" title="Show this session's conversation"
                    on:click=move |_| corpus.select_session(Some(session.clone()))>{label}</button>
            </th>
            {session_cells(row).map(|(text, class)| view! { <td class=class>{text}</td> })}
        </tr>
    }
}

#[component]
fn Conversation(state: ViewerState, session: String) -> impl IntoView {
    let corpus = state.corpus;
    {
        let session = session.clone();
        // Asked again as the dashboard is while the worker reads (turns may still be arriving).
        Effect::new(move |_| {
            corpus.dashboard_tick.track();
            if corpus.active.get() {
                state.request("corpus:session", &SessionRequest { session: session.clone() });
            }
        });
    }
    let shown = session.clone();
    let turns = move || corpus.session_turns.get().filter(|(asked, _)| *asked == shown).map(|(_, rows)| rows);
    view! {
        <section class="tv-conversation" aria-label=format!("Session {session}")>
            <header class="tv-panel-head">
                <button class="tv-tool-button" type="button" on:click={
                    let session = session.clone();
                    move |_| {
                        corpus.select_session(None);
                        state.request("corpus:sessionClose", &SessionRequest { session: session.clone() });
                    }
                }>"← All sessions"</button>
                <h2 class="tv-panel-title">"Session " {session.clone()}</h2>
            </header>
            {move || match turns() {
                None => view! { <p class="tv-panel-empty">"Reading the session's turns…"</p> }.into_any(),
                Some(rows) if rows.is_empty() => view! { <p class="tv-panel-empty">"No trace of this session was found."</p> }.into_any(),
                Some(rows) => view! {
                    <p class="tv-sessions-count">{conversation_summary(&rows)}</p>
                    <ol class="tv-turns">
                        {rows.into_iter().enumerate().map(|(number, row)| view! { <Turn state=state number=number + 1 row=row /> }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
}

/// `alice · 3 turns · 2024-12-01 10:22:03 · 1.2 min · $0.03 · 1 failed`.
fn conversation_summary(rows: &[TableRow]) -> String {
    let first = &rows[0];
    let end = rows.iter().map(|row| row.start_ms + row.duration_ms).fold(f64::MIN, f64::max);
    let cost: Vec<f64> = rows.iter().filter_map(|row| row.cost_usd).collect();
    let failed = rows.iter().filter(|row| row.errors > 0).count();
    let mut parts: Vec<String> = first.user.iter().cloned().collect();
    parts.push(count_of(rows.len() as u64, "turn"));
    parts.push(short_time(first.start_ms));
    parts.push(duration(end - first.start_ms));
    if !cost.is_empty() {
        parts.push(format_cost_usd(cost.iter().sum()));
    }
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    parts.join(" · ")
}

/// A turn's chips: its errors, then its feedback signals (text and class).
fn turn_chips(row: &TableRow) -> Vec<(String, &'static str)> {
    let errors = match row.errors {
        0 => None,
        1 => Some("1 error".to_string()),
        count => Some(format!("{count} errors")),
    };
    let signals = row.feedback.iter().map(|signal| signal_words(signal));
    errors
        .map(|text| (text, true))
        .into_iter()
        .chain(signals)
        .map(|(text, bad)| (text, if bad { "tv-chip tv-chip-error" } else { "tv-chip" }))
        .collect()
}

#[component]
fn Turn(state: ViewerState, number: usize, row: TableRow) -> impl IntoView {
    let trace_id = row.trace_id.clone();
    let opening = {
        let trace_id = trace_id.clone();
        Signal::derive(move || state.corpus.opening.with(|opening| opening.as_deref() == Some(trace_id.as_str())))
    };
    let mut head = vec![format!("Turn {number}"), short_time(row.start_ms), duration(row.duration_ms)];
    head.extend(row.intent.clone());
    head.extend(Some(row.models.join(", ")).filter(|models| !models.is_empty()));
    let messages = [
        (
            "Asked",
            row.input.clone().unwrap_or_else(|| "(no input recorded)".into()),
            "tv-turn-message tv-turn-question",
        ),
        ("Answered", row.output.clone().unwrap_or_else(|| "(no answer recorded)".into()), "tv-turn-message"),
    ];
    let tools = if row.tools.is_empty() { String::new() } else { format!("Tools: {}", row.tools.join(", ")) };
    view! {
        <li class="tv-turn" class:tv-turn-failed={ row.errors > 0 }>
            <p class="tv-turn-head">
                {head.join(" · ")}
                {turn_chips(&row).into_iter().map(|(text, class)| view! { <span class=class>{text}</span> }).collect_view()}
            </p>
            {messages.map(|(role, text, class)| view! { <p class=class><span class="tv-turn-role">{role}</span>{text}</p> })}
            <p class="tv-turn-foot">
                {tools}
                <button class="tv-tool-button" type="button" disabled=opening
                    on:click=move |_| open_row(state, trace_id.clone())>
                    {move || if opening.get() { "Opening…" } else { "Open trace" }}
                </button>
            </p>
        </li>
    }
}
