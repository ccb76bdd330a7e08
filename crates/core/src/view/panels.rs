//! The dashboard's panels: which ones a `panels` attribute asks for (`fail_rate by intent,
//! p95_duration_ms by model`), their titles, how a measure's value is written, the order of a
//! panel's bars, and the filter a clicked bar stands for. No DOM: the dashboard component draws
//! what these decide.

use crate::corpus::aggregate::{outcome_measure, MEASURES};
use crate::model::{format_count, format_duration_ns, format_rfc3339_ns, parse_rfc3339_ns};

/// One panel: a measure of the traces grouped by one field.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelSpec {
    pub measure: String,
    pub group_by: String,
}

/// The panels shown when the `panels` attribute does not pick any: the questions product teams
/// bring first (which intents fail, which tools error, where latency, feedback and cost go, and
/// what sets the failed traces apart).
pub const DEFAULT_PANELS: &str = "fail_rate by intent, tool_error_rate by tool, p95_duration_ms by model, \
     thumbs_down_rate by variant, cost_sum by intent, abandon_rate by intent, bubble_up, compare, merged_tree";

/// The panel name of BubbleUp (what sets a selection of traces apart), which groups by nothing.
pub const BUBBLE_UP: &str = "bubble_up";

/// The panel name of the comparison of two groups of traces (two filters), which groups by nothing.
pub const COMPARE: &str = "compare";

/// The panel name of the merged tree of the filter's traces (read again on demand).
pub const MERGED_TREE: &str = "merged_tree";

/// The fields a panel may group by besides score and attribute columns (`attr."key"`); `hour` and
/// `day` are the UTC hour or day a trace started.
pub const GROUP_FIELDS: [&str; 11] =
    ["intent", "model", "tool", "variant", "user", "session", "name", "status", "feedback", "hour", "day"];

/// Bars a panel grouped by time draws at most (the latest).
pub const TIME_BARS: usize = 48;

/// A time bucket's width by its field, for `hour` and `day`.
fn bucket_width_ns(field: &str) -> Option<u64> {
    match field {
        "hour" => Some(3_600_000_000_000),
        "day" => Some(86_400_000_000_000),
        _ => None,
    }
}

/// Whether a field groups by time (its bars go in time order).
pub fn is_time_field(field: &str) -> bool {
    bucket_width_ns(field).is_some()
}

/// A bar's label: a time bucket's start shortened (`2024-12-01`, `2024-12-01 13:00`), else the value.
pub fn bar_label(field: &str, value: &str) -> String {
    match field {
        "day" => value.get(..10).unwrap_or(value).to_string(),
        "hour" => value.get(..16).map(|hour| hour.replacen('T', " ", 1)).unwrap_or_else(|| value.to_string()),
        _ => value.to_string(),
    }
}

/// Bars a panel draws at most (the rest are counted under it).
pub const PANEL_BARS: usize = 12;

/// Reads a `panels` attribute: panels separated by commas, each `<measure> by <field>` (a measure
/// of `aggregate()`; `by <field>` may be left out for `intent`) or `bubble_up`. Empty text: the
/// default panels.
pub fn parse_panels(text: &str) -> Result<Vec<PanelSpec>, String> {
    let text = if text.trim().is_empty() { DEFAULT_PANELS } else { text };
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            if part == BUBBLE_UP || part == COMPARE || part == MERGED_TREE {
                return Ok(PanelSpec { measure: part.to_string(), group_by: String::new() });
            }
            let (measure, group_by) = match part.split_once(" by ") {
                Some((measure, field)) => (measure.trim(), field.trim()),
                None => (part, "intent"),
            };
            if !MEASURES.contains(&measure) && outcome_measure(measure).is_none() {
                return Err(format!(
                    "\"{part}\": unknown measure \"{measure}\"; known: {}, mean(outcome.\"column\"), sum(outcome.\"column\"), or {BUBBLE_UP}, {COMPARE} or {MERGED_TREE}",
                    MEASURES.join(", ")
                ));
            }
            if group_by.is_empty()
                || group_by.bytes().any(|byte| byte.is_ascii_whitespace())
                    && !group_by.starts_with("attr.")
                    && !group_by.starts_with("outcome.")
            {
                return Err(format!("\"{part}\": write the panel as <measure> by <field>"));
            }
            Ok(PanelSpec { measure: measure.to_string(), group_by: group_by.to_string() })
        })
        .collect()
}

/// Whether a measure is a share of traces (0–1), drawn as a percentage.
pub fn is_rate(measure: &str) -> bool {
    measure.ends_with("_rate")
}

/// A panel's title: "Fail rate by intent".
pub fn panel_title(spec: &PanelSpec) -> String {
    let measure = match spec.measure.as_str() {
        "count" => "Traces".to_string(),
        "p50_duration_ms" => "p50 duration".to_string(),
        "p95_duration_ms" => "p95 duration".to_string(),
        "p99_duration_ms" => "p99 duration".to_string(),
        "cost_sum" => "Cost".to_string(),
        "cost_mean" => "Mean cost".to_string(),
        "tokens_sum" => "Tokens".to_string(),
        "abandon_rate" => "Abandonment rate".to_string(),
        "convert_rate" => "Conversion rate".to_string(),
        other if outcome_measure(other).is_some() => {
            let (mean, name) = outcome_measure(other).unwrap_or_default();
            format!("{} {name}", if mean { "Mean" } else { "Total" })
        }
        other => {
            // ASCII only: measure names are; Unicode case tables would cost the page 20 KB.
            let mut words = other.replace('_', " ");
            if let Some(first) = words.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            words
        }
    };
    format!("{measure} by {}", spec.group_by.replace('_', " "))
}

/// A measure's value as a person reads it: `12.5%`, `1.24 s`, `$3.20`, `1,204`; `–` for none.
/// (Written with integers: formatting floats to a precision would bring its tables into the page.)
pub fn format_measure(measure: &str, value: Option<f64>) -> String {
    let Some(value) = value.filter(|value| value.is_finite()) else { return "–".to_string() };
    if outcome_measure(measure).is_some() {
        return format_outcome_value(value);
    }
    let value = value.max(0.0);
    if is_rate(measure) {
        let tenths = (value * 1000.0).round() as u64;
        return format!("{}.{}%", tenths / 10, tenths % 10);
    }
    if measure.ends_with("_duration_ms") {
        return format_duration_ns((value * 1e6).round() as u64);
    }
    if measure.starts_with("cost_") {
        if value >= 1.0 || value == 0.0 {
            let cents = (value * 100.0).round() as u64;
            return format!("${}.{:02}", format_count(cents / 100), cents % 100);
        }
        if value >= 0.01 {
            let ten_thousandths = (value * 10_000.0).round() as u64;
            return format!("$0.{ten_thousandths:04}");
        }
        let millionths = (value * 1e6).round() as u64;
        return format!("$0.{millionths:06}");
    }
    format_count(value.round() as u64)
}

/// An outcome measure's value: often a share or a small number, so three decimals (trailing
/// zeros dropped) below 1,000, whole numbers above; signed.
fn format_outcome_value(value: f64) -> String {
    let sign = if value < 0.0 { "−" } else { "" };
    let size = value.abs();
    if size >= 1000.0 {
        return format!("{sign}{}", format_count(size.round() as u64));
    }
    let thousandths = (size * 1000.0).round() as u64;
    let decimals = format!("{:03}", thousandths % 1000);
    let decimals = decimals.trim_end_matches('0');
    let whole = format_count(thousandths / 1000);
    if decimals.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{decimals}")
    }
}

/// A difference of a measure (`b − a`) as a person reads it: rates in percentage points
/// (`+12.3 pt`), durations and costs signed (`−120 ms`, `+$0.0012`).
pub fn format_difference(measure: &str, delta: Option<f64>) -> String {
    let Some(delta) = delta.filter(|delta| delta.is_finite()) else { return "–".to_string() };
    let sign = if delta < 0.0 { "−" } else { "+" };
    let size = delta.abs();
    if is_rate(measure) {
        let tenths = (size * 1000.0).round() as u64;
        return format!("{sign}{}.{} pt", tenths / 10, tenths % 10);
    }
    format!("{sign}{}", format_measure(measure, Some(size)))
}

/// A bar's length: `part` of `whole` as a CSS percentage with one decimal (`0%` for nothing).
pub fn bar_width(part: Option<f64>, whole: f64) -> String {
    let share = part.filter(|part| part.is_finite() && whole > 0.0).map_or(0.0, |part| (part / whole).clamp(0.0, 1.0));
    let tenths = (share * 1000.0).round() as u64;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// One bar: the group's value of the field (`None`: traces without one), its measure and count.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelBar {
    pub value: Option<String>,
    pub measure: Option<f64>,
    pub count: u64,
}

/// The bars in the order drawn: largest measure first, groups without a measure last, ties by
/// count then value; at most [`PANEL_BARS`] kept, with how many groups were left out. Grouped by
/// time (`by_time`): in time order, the latest [`TIME_BARS`].
pub fn order_bars(mut bars: Vec<PanelBar>, by_time: bool) -> (Vec<PanelBar>, usize) {
    if by_time {
        // RFC 3339 starts of one width order as text; traces without a start go first.
        bars.sort_by(|left, right| left.value.cmp(&right.value));
        let left_out = bars.len().saturating_sub(TIME_BARS);
        bars.drain(..left_out);
        return (bars, left_out);
    }
    bars.sort_by(|left, right| {
        let measure = |bar: &PanelBar| bar.measure.filter(|value| value.is_finite());
        match (measure(left), measure(right)) {
            (Some(a), Some(b)) => b.total_cmp(&a),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(right.count.cmp(&left.count))
        .then_with(|| left.value.cmp(&right.value))
    });
    let left_out = bars.len().saturating_sub(PANEL_BARS);
    bars.truncate(PANEL_BARS);
    (bars, left_out)
}

/// `field = value` in the query language (`status` and `feedback` take bare words; `value` absent:
/// the traces without the field, `not field ~ ""`).
pub fn condition(field: &str, value: Option<&str>) -> String {
    if let Some(width) = bucket_width_ns(field) {
        // A time bucket: the traces that started in it (`start` reads RFC 3339).
        return match value.and_then(parse_rfc3339_ns) {
            Some(start) => format!(
                "start >= \"{}\" and start < \"{}\"",
                format_rfc3339_ns(start),
                format_rfc3339_ns(start.saturating_add(width))
            ),
            None => "start = 0".to_string(),
        };
    }
    match value {
        Some(value) if matches!(field, "status" | "feedback") => format!("{field} = {value}"),
        Some(value) => format!("{field} = {}", crate::corpus::query::string_literal(value)),
        None => format!("not {field} ~ \"\""),
    }
}

/// Both filters (an empty one keeps every trace).
pub fn and_filters(first: &str, second: &str) -> String {
    match (first.trim(), second.trim()) {
        ("", second) => second.to_string(),
        (first, "") => first.to_string(),
        (first, second) => format!("({first}) and {second}"),
    }
}

/// The filter a clicked bar stands for: the current filter and `field = value`.
pub fn bar_filter(current: &str, field: &str, value: Option<&str>) -> String {
    and_filters(current, &condition(field, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panels_are_read_from_the_attribute_and_default_when_it_is_empty() {
        let panels = parse_panels("fail_rate by intent, p95_duration_ms by attr.\"app.region\"").unwrap();
        assert_eq!(
            panels,
            vec![
                PanelSpec { measure: "fail_rate".into(), group_by: "intent".into() },
                PanelSpec { measure: "p95_duration_ms".into(), group_by: "attr.\"app.region\"".into() },
            ]
        );
        assert_eq!(parse_panels("tool_error_rate").unwrap()[0].group_by, "intent");
        assert_eq!(parse_panels("  ").unwrap().len(), 9);
        assert_eq!(parse_panels("bubble_up").unwrap()[0].measure, BUBBLE_UP);
        assert_eq!(parse_panels("merged_tree").unwrap()[0].measure, MERGED_TREE);
        let outcome = parse_panels("mean(outcome.\"retained d30\") by outcome.\"plan tier\"").unwrap();
        assert_eq!(outcome[0].measure, "mean(outcome.\"retained d30\")");
        assert_eq!(outcome[0].group_by, "outcome.\"plan tier\"");
        assert_eq!(panel_title(&outcome[0]), "Mean retained d30 by outcome.\"plan tier\"");
        assert_eq!(format_measure(&outcome[0].measure, Some(0.6725)), "0.673");
        assert_eq!(format_measure(&outcome[0].measure, Some(-2.5)), "−2.5");
        assert_eq!(format_measure(&outcome[0].measure, Some(12_345.4)), "12,345");
        let error = parse_panels("fail_rate by intent, median by model").unwrap_err();
        assert!(error.contains("unknown measure \"median\""), "{error}");
        assert!(parse_panels("count by two words").is_err());
    }

    #[test]
    fn titles_and_values_read_as_words() {
        let spec = PanelSpec { measure: "fail_rate".into(), group_by: "intent".into() };
        assert_eq!(panel_title(&spec), "Fail rate by intent");
        let spec = PanelSpec { measure: "p95_duration_ms".into(), group_by: "model".into() };
        assert_eq!(panel_title(&spec), "p95 duration by model");
        assert_eq!(format_measure("fail_rate", Some(0.1234)), "12.3%");
        assert_eq!(format_measure("p95_duration_ms", Some(1240.0)), "1.24 s");
        assert_eq!(format_measure("cost_sum", Some(3.2)), "$3.20");
        assert_eq!(format_measure("cost_mean", Some(0.01234)), "$0.0123");
        assert_eq!(format_measure("cost_mean", Some(0.000_04)), "$0.000040");
        assert_eq!(format_measure("count", Some(1204.0)), "1,204");
        assert_eq!(format_measure("fail_rate", None), "–");
        assert_eq!(format_measure("cost_sum", Some(1234.5)), "$1,234.50");
        assert_eq!(format_difference("fail_rate", Some(-0.1234)), "−12.3 pt");
        assert_eq!(format_difference("p95_duration_ms", Some(120.0)), "+120 ms");
        assert_eq!(format_difference("cost_mean", None), "–");
        assert_eq!(bar_width(Some(0.25), 0.5), "50.0%");
        assert_eq!(bar_width(None, 0.5), "0.0%");
        assert_eq!(bar_width(Some(1.0), 0.0), "0.0%");
    }

    #[test]
    fn bars_go_largest_first_with_the_unmeasured_last_and_at_most_twelve() {
        let bar = |value: &str, measure: Option<f64>, count| PanelBar { value: Some(value.into()), measure, count };
        let mut bars = vec![bar("a", Some(0.1), 5), bar("b", None, 9), bar("c", Some(0.5), 1), bar("d", Some(0.1), 7)];
        bars.extend((0..12).map(|index| bar(&format!("z{index:02}"), Some(0.01), 1)));
        let (shown, left_out) = order_bars(bars, false);
        let values: Vec<&str> = shown.iter().map(|bar| bar.value.as_deref().unwrap()).collect();
        assert_eq!(&values[..4], ["c", "d", "a", "z00"]);
        assert_eq!(shown.len(), PANEL_BARS);
        assert_eq!(left_out, 4, "b (no measure) and three of the z are left out");
    }

    #[test]
    fn a_bar_s_filter_adds_its_condition_to_the_current_one() {
        assert_eq!(bar_filter("", "intent", Some("refund")), "intent = \"refund\"");
        assert_eq!(bar_filter("cost > 1", "status", Some("error")), "(cost > 1) and status = error");
        assert_eq!(bar_filter("", "intent", Some("say \"hi\"")), "intent = \"say \\\"hi\\\"\"");
        assert_eq!(bar_filter("", "variant", None), "not variant ~ \"\"");
        assert_eq!(and_filters("a = 1", "not (b = 2)"), "(a = 1) and not (b = 2)");
        assert_eq!(and_filters(" ", "b = 2"), "b = 2");
        assert_eq!(
            bar_filter("", "day", Some("2024-12-01T00:00:00.000Z")),
            "start >= \"2024-12-01T00:00:00.000Z\" and start < \"2024-12-02T00:00:00.000Z\""
        );
        assert_eq!(bar_filter("", "hour", None), "start = 0");
        assert_eq!(bar_label("hour", "2024-12-01T13:00:00.000Z"), "2024-12-01 13:00");
        assert_eq!(bar_label("day", "2024-12-01T00:00:00.000Z"), "2024-12-01");
    }
}
