//! Sessions: the traces a filter keeps, grouped by their session id (one conversation, a trace a
//! turn) with its turns, duration, cost, tokens, failed turns, feedback and final outcome; and the
//! turns of one session in the order they started. Grouping walks the session column's numbers
//! once, into one slot per distinct session.

use std::cmp::Ordering;

use super::dictionary::ABSENT;
use super::index::CorpusIndex;
use super::summary::feedback_bit;

/// One session's line in the sessions list.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    pub session: String,
    /// The first turn's user.
    pub user: Option<String>,
    pub turns: u32,
    /// When the first turn started, ms since 1970.
    pub start_ms: f64,
    /// From the first turn's start to the end of the turn that ended last.
    pub duration_ms: f64,
    /// Turns with a failed span.
    pub failed_turns: u32,
    /// The turns' cost (`None` when no turn states one).
    pub cost_usd: Option<f64>,
    pub tokens: f64,
    pub thumbs_up: u32,
    pub thumbs_down: u32,
    pub follow_ups: u32,
    /// How it ended (see [`outcome`]).
    pub outcome: Option<String>,
    /// What the user asked first.
    pub first_input: Option<String>,
}

/// A page of the sessions list: how many sessions (and traces without one) the filter keeps.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SessionsPage {
    pub count: u64,
    pub traces_without_session: u64,
    pub offset: u64,
    pub sessions: Vec<SessionRow>,
}

/// What the sessions list sorts by: the columns it shows.
pub const SESSION_SORT_FIELDS: [&str; 8] =
    ["start", "turns", "duration_ms", "failed_turns", "cost", "tokens", "thumbs_down", "session"];

/// The sort of the sessions list until the person picks another: the latest first.
pub const DEFAULT_SESSION_SORT: &str = "start desc";

/// What one session has gathered from its turns.
#[derive(Clone)]
struct Gathered {
    turns: u32,
    /// The turn that started first and the one that started last.
    first_row: u32,
    last_row: u32,
    end_ns: u64,
    failed_turns: u32,
    cost: f64,
    costed: bool,
    tokens: u64,
    /// The feedback signals of any turn.
    signals: u8,
    thumbs_up: u32,
    thumbs_down: u32,
    follow_ups: u32,
}

/// How a session ended: `converted` if any turn converted; else the last turn's abandonment,
/// thumbs down or thumbs up, in that order; `None` when the last turn has none of them.
pub fn outcome(any_turn: u8, last_turn: u8) -> Option<&'static str> {
    let has = |signals: u8, name: &str| feedback_bit(name).is_some_and(|bit| signals & bit != 0);
    if has(any_turn, "converted") {
        return Some("converted");
    }
    ["abandoned", "thumbs_down", "thumbs_up"].into_iter().find(|name| has(last_turn, name))
}

/// Reads a sort text (`turns desc`): the field and whether descending; unknown fields are an
/// error that lists the known ones.
fn parse_session_sort(text: &str) -> Result<(&str, bool), String> {
    let text = if text.trim().is_empty() { DEFAULT_SESSION_SORT } else { text };
    let mut words = text.split_whitespace();
    let field = words.next().unwrap_or("start");
    let descending = match words.next() {
        None => false,
        Some(word) if word.eq_ignore_ascii_case("desc") => true,
        Some(word) if word.eq_ignore_ascii_case("asc") => false,
        Some(word) => return Err(format!("the sessions' sort \"{text}\" ends in \"{word}\"; write asc or desc")),
    };
    match SESSION_SORT_FIELDS.iter().find(|known| **known == field) {
        Some(known) => Ok((known, descending)),
        None => Err(format!("sessions sort by {}, not \"{field}\"", SESSION_SORT_FIELDS.join(", "))),
    }
}

/// The sessions of `rows`, sorted by `sort` (see [`SESSION_SORT_FIELDS`]; ties by session id),
/// `limit` of them from `offset`.
pub fn sessions(
    index: &CorpusIndex,
    rows: &[u32],
    sort: &str,
    offset: usize,
    limit: usize,
) -> Result<SessionsPage, String> {
    let (field, descending) = parse_session_sort(sort)?;
    let mut slots: Vec<Option<Gathered>> = vec![None; index.session.dictionary.len() + 1];
    let mut traces_without_session = 0u64;
    for &row in rows {
        let number = index.session.rows.at(row as usize);
        if number == ABSENT {
            traces_without_session += 1;
            continue;
        }
        gather(index, &mut slots[number as usize], row);
    }
    let mut found: Vec<(u32, Gathered)> =
        slots.into_iter().enumerate().filter_map(|(number, gathered)| Some((number as u32, gathered?))).collect();
    let start = |gathered: &Gathered| index.start_ns[gathered.first_row as usize];
    let key = |gathered: &Gathered| -> f64 {
        match field {
            "start" => start(gathered) as f64,
            "turns" => f64::from(gathered.turns),
            "duration_ms" => gathered.end_ns.saturating_sub(start(gathered)) as f64,
            "failed_turns" => f64::from(gathered.failed_turns),
            // To a billionth of a dollar: sums of the same costs added in another order differ in
            // their last bits, and should tie (then the session id orders them).
            "cost" if gathered.costed => (gathered.cost * 1e9).round(),
            "cost" => f64::NAN,
            "tokens" => gathered.tokens as f64,
            _ => f64::from(gathered.thumbs_down),
        }
    };
    let session_order =
        |left: u32, right: u32| index.session.dictionary.value(left).cmp(&index.session.dictionary.value(right));
    let compare = |(left_number, left): &(u32, Gathered), (right_number, right): &(u32, Gathered)| {
        let by_key = if field == "session" {
            session_order(*left_number, *right_number)
        } else {
            match (key(left), key(right)) {
                // Missing values (no cost) last in either direction.
                (l, r) if l.is_nan() || r.is_nan() => return l.is_nan().cmp(&r.is_nan()),
                (l, r) => l.partial_cmp(&r).unwrap_or(Ordering::Equal),
            }
        };
        let by_key = if descending { by_key.reverse() } else { by_key };
        by_key.then_with(|| session_order(*left_number, *right_number))
    };
    let count = found.len() as u64;
    let wanted = offset.saturating_add(limit).min(found.len());
    if wanted > 0 && wanted < found.len() {
        found.select_nth_unstable_by(wanted - 1, compare);
        found.truncate(wanted);
    }
    found.sort_unstable_by(compare);
    Ok(SessionsPage {
        count,
        traces_without_session,
        offset: offset as u64,
        sessions: found.iter().skip(offset).map(|(number, gathered)| session_row(index, *number, gathered)).collect(),
    })
}

fn gather(index: &CorpusIndex, slot: &mut Option<Gathered>, row: u32) {
    let at = row as usize;
    let signals = index.feedback_of(at);
    let bit = |name: &str| u32::from(feedback_bit(name).is_some_and(|bit| signals & bit != 0));
    let end = index.start_ns[at].saturating_add(index.duration_ns[at]);
    let cost = index.cost_usd[at];
    let gathered = slot.get_or_insert(Gathered {
        turns: 0,
        first_row: row,
        last_row: row,
        end_ns: end,
        failed_turns: 0,
        cost: 0.0,
        costed: false,
        tokens: 0,
        signals: 0,
        thumbs_up: 0,
        thumbs_down: 0,
        follow_ups: 0,
    });
    gathered.turns += 1;
    let starts_before = |left: u32, right: u32| match index.start_ns[left as usize].cmp(&index.start_ns[right as usize])
    {
        Ordering::Equal => index.compare_trace_ids(left as usize, right as usize) == Ordering::Less,
        order => order == Ordering::Less,
    };
    if starts_before(row, gathered.first_row) {
        gathered.first_row = row;
    }
    if starts_before(gathered.last_row, row) {
        gathered.last_row = row;
    }
    gathered.end_ns = gathered.end_ns.max(end);
    gathered.failed_turns += u32::from(index.error_count.at(at) > 0);
    if !cost.is_nan() {
        gathered.cost += cost;
        gathered.costed = true;
    }
    gathered.tokens += index.tokens[at];
    gathered.signals |= signals;
    gathered.thumbs_up += bit("thumbs_up");
    gathered.thumbs_down += bit("thumbs_down");
    gathered.follow_ups += bit("follow_up");
}

fn session_row(index: &CorpusIndex, number: u32, gathered: &Gathered) -> SessionRow {
    let first = gathered.first_row as usize;
    let start_ns = index.start_ns[first];
    SessionRow {
        session: index.session.dictionary.value(number).unwrap_or_default().to_string(),
        user: index.user.value(first).map(str::to_string),
        turns: gathered.turns,
        start_ms: start_ns as f64 / 1e6,
        duration_ms: gathered.end_ns.saturating_sub(start_ns) as f64 / 1e6,
        failed_turns: gathered.failed_turns,
        cost_usd: gathered.costed.then_some(gathered.cost),
        tokens: gathered.tokens as f64,
        thumbs_up: gathered.thumbs_up,
        thumbs_down: gathered.thumbs_down,
        follow_ups: gathered.follow_ups,
        outcome: outcome(gathered.signals, index.feedback_of(gathered.last_row as usize)).map(str::to_string),
        first_input: index.input_preview.get(first).map(str::to_string),
    }
}

/// The rows of session `session`, in the order they started (ties by trace id).
pub fn session_turns(index: &CorpusIndex, session: &str) -> Vec<u32> {
    let Some(number) = index.session.dictionary.find(session) else { return Vec::new() };
    let mut turns: Vec<u32> =
        (0..index.len() as u32).filter(|&row| index.session.rows.at(row as usize) == number).collect();
    turns.sort_by(|&left, &right| {
        index.start_ns[left as usize]
            .cmp(&index.start_ns[right as usize])
            .then_with(|| index.compare_trace_ids(left as usize, right as usize))
    });
    turns
}
