//! Aggregates over the traces a filter keeps, grouped by columns: counts, failure and error rates,
//! duration percentiles (nearest rank, over every trace), cost, tokens, feedback rates and the
//! tool error rate — the element's `aggregate({ groupBy, measures, filter })`. Exact: every row is
//! counted, nothing is sampled. A trace with several models or tools (or feedback signals) counts
//! in the group of each.

use std::collections::HashMap;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::dimensions::Dimension;
use super::facets::nearest_rank;
use super::index::{CorpusIndex, FAILED};
use super::summary::{feedback_bit, FEEDBACK_SIGNALS};
use crate::model::SpanKind;

/// Columns one aggregate groups by at most.
pub const MAX_GROUP_FIELDS: usize = 3;

/// The measures `aggregate()` knows, in the order the documentation lists them.
pub const MEASURES: [&str; 15] = [
    "count",
    "error_rate",
    "fail_rate",
    "p50_duration_ms",
    "p95_duration_ms",
    "p99_duration_ms",
    "cost_sum",
    "cost_mean",
    "tokens_sum",
    "thumbs_up_rate",
    "thumbs_down_rate",
    "follow_up_rate",
    "abandon_rate",
    "convert_rate",
    "tool_error_rate",
];

/// One group: its key (a value or `None` per grouped field) and its measures (`None` where a
/// measure has nothing to measure, as a percentile of no traces).
#[derive(Clone, Debug, PartialEq)]
pub struct AggregateGroup {
    pub key: Vec<(String, Option<String>)>,
    pub count: u64,
    pub measures: Vec<(String, Option<f64>)>,
}

impl Serialize for AggregateGroup {
    /// `{ key: { field: value | null }, count, <measure>: number | null }`, written straight to
    /// the serializer (a quarter of a million groups built as JSON values first took gigabytes).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Key<'a>(&'a [(String, Option<String>)]);
        impl Serialize for Key<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (field, value) in self.0 {
                    map.serialize_entry(field, value)?;
                }
                map.end()
            }
        }
        let measures = self.measures.iter().filter(|(measure, _)| measure != "count");
        let mut map = serializer.serialize_map(Some(2 + measures.clone().count()))?;
        map.serialize_entry("key", &Key(&self.key))?;
        map.serialize_entry("count", &self.count)?;
        for (measure, value) in measures {
            map.serialize_entry(measure, &value.filter(|value| value.is_finite()))?;
        }
        map.end()
    }
}

/// What `aggregate()` resolves with: `{ groups: [...] }`.
#[derive(Serialize)]
pub struct AggregateAnswer<'a> {
    pub groups: &'a [AggregateGroup],
}

/// Whether a trace failed by the default definition: a span failed, or the user gave a thumbs
/// down, or abandoned.
pub fn failed_by_default(index: &CorpusIndex, row: usize) -> bool {
    let unhappy = feedback_bit("thumbs_down").unwrap_or(0) | feedback_bit("abandoned").unwrap_or(0);
    index.error_count.at(row) > 0 || index.feedback_of(row) & unhappy != 0
}

/// What a group has gathered (its durations are kept apart, all groups' in one vector).
#[derive(Default, Clone)]
struct Gathered {
    count: u64,
    errors: u64,
    failed: u64,
    cost_sum: f64,
    costed: u64,
    tokens: u64,
    signals: [u64; FEEDBACK_SIGNALS.len()],
    tool_spans: u64,
    tool_spans_failed: u64,
}

/// The filter text of the default definition of a failed trace (what [`failed_by_default`] says).
pub const DEFAULT_FAIL_DEFINITION: &str = "status = error or feedback = thumbs_down or feedback = abandoned";

/// Which traces count as failed for `fail_rate`: the default definition, or the rows a person's
/// own definition (a filter) keeps, marked by row.
#[derive(Clone, Copy)]
pub enum FailDefinition<'a> {
    Default,
    Rows(&'a [bool]),
}

impl FailDefinition<'_> {
    fn failed(&self, index: &CorpusIndex, row: usize) -> bool {
        match self {
            FailDefinition::Default => failed_by_default(index, row),
            FailDefinition::Rows(failed) => failed.get(row).copied().unwrap_or(false),
        }
    }
}

/// The aggregate of `rows` grouped by `group_by`, with `measures` (`fail_rate` by `fail`); groups
/// by count, largest first (ties by key). Unknown fields or measures are errors that say which.
pub fn aggregate(
    index: &CorpusIndex,
    rows: &[u32],
    group_by: &[String],
    measures: &[String],
    fail: FailDefinition<'_>,
) -> Result<Vec<AggregateGroup>, String> {
    if group_by.len() > MAX_GROUP_FIELDS {
        return Err(format!("group by at most {MAX_GROUP_FIELDS} fields ({} given)", group_by.len()));
    }
    if let Some(unknown) =
        measures.iter().find(|measure| !MEASURES.contains(&measure.as_str()) && outcome_measure(measure).is_none())
    {
        return Err(format!(
            "unknown measure \"{unknown}\"; known: {}, and sum(outcome.\"column\") or mean(outcome.\"column\") of a numeric outcome column",
            MEASURES.join(", ")
        ));
    }
    // Each outcome measure's numbers per trace row (NaN: none), by its place in `measures`.
    let outcome_numbers = measures
        .iter()
        .map(|measure| match outcome_measure(measure) {
            Some((_, name)) => outcome_trace_numbers(index, name).map(Some),
            None => Ok(None),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let outcome_places: Vec<usize> = (0..measures.len()).filter(|&place| outcome_numbers[place].is_some()).collect();
    // Per group, each outcome measure's sum and count: group g's at `g × outcome_places.len()`.
    let mut outcome_sums: Vec<(f64, u64)> = Vec::new();
    let dimensions = group_by.iter().map(|field| Dimension::named(index, field)).collect::<Result<Vec<_>, _>>()?;
    let want_durations = measures.iter().any(|measure| measure.ends_with("_duration_ms"));
    let want_tools = measures.iter().any(|measure| measure == "tool_error_rate");
    // The span table's number of each tool name, for the tool error rate of a `tool` group.
    let tool_dimension = group_by.iter().position(|field| field == "tool");
    let tool_details: Vec<Option<u32>> = match tool_dimension {
        Some(_) => std::iter::once(None)
            .chain(index.tools.members.entries().map(|(_, tool)| index.spans.details.find(tool)))
            .collect(),
        None => Vec::new(),
    };
    let tool_kind = SpanKind::ALL.iter().position(|kind| *kind == SpanKind::Tool).unwrap_or(1) as u8;

    let mut groups = GroupTable::new(&dimensions);
    // Each duration gathered, and the group it went to (sorted into groups at the end: one vector
    // for every group instead of one per group, which a quarter of a million groups felt).
    let mut duration_groups: Vec<u32> = Vec::new();
    let mut durations: Vec<u64> = Vec::new();
    let mut values: Vec<Vec<u32>> = vec![Vec::new(); dimensions.len()];
    for &row in rows {
        let row = row as usize;
        for (dimension, out) in dimensions.iter().zip(values.iter_mut()) {
            out.clear();
            dimension.values_of(index, row, out);
        }
        let failed = fail.failed(index, row);
        let flags = index.feedback_of(row);
        // Every combination of the row's values, one per group it counts in.
        let mut positions = [0usize; MAX_GROUP_FIELDS];
        loop {
            let mut key = [0u32; MAX_GROUP_FIELDS];
            for (place, out) in values.iter().enumerate() {
                key[place] = out[positions[place]];
            }
            let group = groups.slot(key);
            if !outcome_places.is_empty() {
                let first = group * outcome_places.len();
                if outcome_sums.len() < first + outcome_places.len() {
                    outcome_sums.resize(first + outcome_places.len(), (0.0, 0));
                }
                for (slot, &place) in outcome_places.iter().enumerate() {
                    let value = outcome_numbers[place].as_ref().map_or(f64::NAN, |numbers| numbers[row]);
                    if !value.is_nan() {
                        outcome_sums[first + slot].0 += value;
                        outcome_sums[first + slot].1 += 1;
                    }
                }
            }
            let gathered = &mut groups.gathered[group];
            gathered.count += 1;
            gathered.errors += u64::from(index.error_count.at(row) > 0);
            gathered.failed += u64::from(failed);
            if want_durations {
                duration_groups.push(group as u32);
                durations.push(index.duration_ns[row]);
            }
            let cost = index.cost_usd[row];
            if !cost.is_nan() {
                gathered.cost_sum += cost;
                gathered.costed += 1;
            }
            gathered.tokens = gathered.tokens.saturating_add(index.tokens[row]);
            for (bit, signal) in gathered.signals.iter_mut().enumerate() {
                *signal += u64::from(flags & (1 << bit) != 0);
            }
            if want_tools {
                // In a `tool` group only that tool's spans count; otherwise every tool span.
                let only = tool_dimension.map(|place| tool_details.get(key[place] as usize).copied().flatten());
                for range in index.span_ranges(row) {
                    index.spans.facts.for_each_in(range, |number| {
                        let facts = index.spans.kinds[number as usize];
                        let is_tool = facts.kind_and_status & !FAILED == tool_kind;
                        if is_tool && only.is_none_or(|detail| detail == Some(facts.detail)) {
                            gathered.tool_spans += 1;
                            gathered.tool_spans_failed += u64::from(facts.kind_and_status & FAILED != 0);
                        }
                    });
                }
            }
            // The next combination, the last field turning fastest.
            let mut place = values.len();
            loop {
                if place == 0 {
                    break;
                }
                place -= 1;
                positions[place] += 1;
                if positions[place] < values[place].len() {
                    break;
                }
                positions[place] = 0;
            }
            if positions[..values.len()].iter().all(|position| *position == 0) {
                break;
            }
        }
    }

    // The durations in group order: group g's are `by_group[starts[g]..starts[g + 1]]`.
    let mut starts = vec![0usize; groups.gathered.len() + 1];
    for &group in &duration_groups {
        starts[group as usize + 1] += 1;
    }
    for group in 0..groups.gathered.len() {
        starts[group + 1] += starts[group];
    }
    let mut by_group = vec![0u64; durations.len()];
    let mut next = starts.clone();
    for (&group, &duration) in duration_groups.iter().zip(&durations) {
        by_group[next[group as usize]] = duration;
        next[group as usize] += 1;
    }
    drop((duration_groups, durations, next));

    // Ordered before any text is copied: by count, largest first, then by key (the values'
    // texts, a group without a value first). Keys are distinct, so the order is total.
    let text_of = |group: usize, place: usize| dimensions[place].text(groups.keys[group][place]);
    let mut order: Vec<usize> = (0..groups.gathered.len()).collect();
    order.sort_unstable_by(|&left, &right| {
        groups.gathered[right].count.cmp(&groups.gathered[left].count).then_with(|| {
            (0..dimensions.len())
                .map(|place| text_of(left, place).cmp(&text_of(right, place)))
                .find(|ordering| ordering.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
    });
    let mut answer: Vec<AggregateGroup> = Vec::with_capacity(order.len());
    for group in order {
        let gathered = &groups.gathered[group];
        let group_durations = &mut by_group[starts[group]..starts[group + 1]];
        answer.push(AggregateGroup {
            key: group_by
                .iter()
                .enumerate()
                .map(|(place, field)| (field.clone(), text_of(group, place).map(|text| text.into_owned())))
                .collect(),
            count: gathered.count,
            measures: measures
                .iter()
                .map(|measure| {
                    let value = match outcome_places.iter().position(|&place| measures[place] == *measure) {
                        Some(slot) => {
                            let (sum, count) =
                                outcome_sums.get(group * outcome_places.len() + slot).copied().unwrap_or_default();
                            let mean = outcome_measure(measure).is_some_and(|(mean, _)| mean);
                            (count > 0).then(|| if mean { sum / count as f64 } else { sum })
                        }
                        None => measure_of(gathered, group_durations, measure),
                    };
                    (measure.clone(), value)
                })
                .collect(),
        });
    }
    Ok(answer)
}

/// An outcome measure's parts: whether it is a mean (else a sum) and its column's name, for
/// `mean(outcome."revenue")` or `sum(outcome.revenue)`.
pub fn outcome_measure(measure: &str) -> Option<(bool, &str)> {
    let (mean, rest) = match measure.split_once('(')? {
        ("mean", rest) => (true, rest),
        ("sum", rest) => (false, rest),
        _ => return None,
    };
    let name = rest.strip_suffix(')')?.trim().strip_prefix("outcome.")?.trim_matches('"');
    Some((mean, name))
}

/// The numbers of outcome column `name` per trace row, or why there are none.
fn outcome_trace_numbers(index: &CorpusIndex, name: &str) -> Result<Vec<f64>, String> {
    let outcomes = index.outcomes.as_ref().ok_or("no outcomes are loaded (loadOutcomes() joins a file)")?;
    let column = outcomes.column(name).ok_or_else(|| format!("the outcomes have no column \"{name}\""))?;
    outcomes
        .trace_numbers(index, column)
        .ok_or_else(|| format!("the outcome column \"{name}\" holds text, not numbers: group by it instead"))
}

/// The groups met so far: each one's key and what it gathered, in the order first met.
struct GroupTable {
    /// With one field, a group is found by its value's number (a column of a quarter of a million
    /// users is a vector, not a hash map): the group's place + 1, 0 for none yet.
    dense: Option<Vec<u32>>,
    by_key: HashMap<[u32; MAX_GROUP_FIELDS], u32>,
    keys: Vec<[u32; MAX_GROUP_FIELDS]>,
    gathered: Vec<Gathered>,
}

impl GroupTable {
    fn new(dimensions: &[Dimension<'_>]) -> GroupTable {
        let dense = match dimensions {
            [only] => Some(vec![0u32; only.value_count() + 1]),
            [] => Some(vec![0u32; 1]),
            _ => None,
        };
        GroupTable { dense, by_key: HashMap::new(), keys: Vec::new(), gathered: Vec::new() }
    }

    /// The place of the group of `key`, added if new.
    fn slot(&mut self, key: [u32; MAX_GROUP_FIELDS]) -> usize {
        let next = self.keys.len() as u32;
        let place = match &mut self.dense {
            Some(places) => {
                let place = &mut places[key[0] as usize];
                if *place == 0 {
                    *place = next + 1;
                }
                *place - 1
            }
            None => *self.by_key.entry(key).or_insert(next),
        };
        if place == next {
            self.keys.push(key);
            self.gathered.push(Gathered::default());
        }
        place as usize
    }
}

fn measure_of(gathered: &Gathered, durations_ns: &mut [u64], measure: &str) -> Option<f64> {
    let count = gathered.count as f64;
    let share = |part: u64| (gathered.count > 0).then(|| part as f64 / count);
    let signal = |name: &str| {
        let bit = FEEDBACK_SIGNALS.iter().position(|(signal, _)| *signal == name)?;
        share(gathered.signals[bit])
    };
    let to_ms = |ns: u64| ns as f64 / 1e6;
    match measure {
        "count" => Some(count),
        "error_rate" => share(gathered.errors),
        "fail_rate" => share(gathered.failed),
        "p50_duration_ms" => nearest_rank(durations_ns, 50.0).map(to_ms),
        "p95_duration_ms" => nearest_rank(durations_ns, 95.0).map(to_ms),
        "p99_duration_ms" => nearest_rank(durations_ns, 99.0).map(to_ms),
        "cost_sum" => (gathered.costed > 0).then_some(gathered.cost_sum),
        "cost_mean" => (gathered.costed > 0).then(|| gathered.cost_sum / gathered.costed as f64),
        "tokens_sum" => Some(gathered.tokens as f64),
        "thumbs_up_rate" => signal("thumbs_up"),
        "thumbs_down_rate" => signal("thumbs_down"),
        "follow_up_rate" => signal("follow_up"),
        "abandon_rate" => signal("abandoned"),
        "convert_rate" => signal("converted"),
        "tool_error_rate" => {
            (gathered.tool_spans > 0).then(|| gathered.tool_spans_failed as f64 / gathered.tool_spans as f64)
        }
        _ => None,
    }
}
