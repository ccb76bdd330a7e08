//! A trace's totals for a comparison (duration, cost, tokens, spans, errors, tool calls) and how
//! signed changes are written: `+1.20 s`, `−300 ms`, `+1,024`, `−$0.0021`, `±0`. Tokens and cost
//! count model calls only, as the header does (agents and chains often repeat their children's sums).

use crate::model::{format_count, format_duration_ns, SpanKind, Trace};
use crate::view::present::{format_cost_usd, is_model_call};

/// What a trace adds up to.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TraceTotals {
    pub duration_ns: u64,
    /// Over model calls; `None` when no model call has a cost.
    pub cost_usd: Option<f64>,
    /// Over model calls.
    pub tokens: u64,
    pub spans: u64,
    pub errors: u64,
    /// Spans of kind tool.
    pub tool_calls: u64,
}

impl TraceTotals {
    pub fn of(trace: &Trace) -> Self {
        let mut totals =
            TraceTotals { duration_ns: trace.duration_ns, spans: trace.spans.len() as u64, ..Self::default() };
        for span in &trace.spans {
            totals.errors += u64::from(span.status.is_error());
            totals.tool_calls += u64::from(span.kind == SpanKind::Tool);
            let Some(details) = span.ai.as_deref().filter(|_| is_model_call(span)) else { continue };
            totals.tokens = totals.tokens.saturating_add(details.tokens.total_or_sum().unwrap_or(0));
            if let Some(cost) = details.cost_usd.filter(|cost| cost.is_finite()) {
                *totals.cost_usd.get_or_insert(0.0) += cost;
            }
        }
        totals
    }
}

/// One total of A and of B, with B − A.
#[derive(Clone, Debug, PartialEq)]
pub struct TotalChange {
    pub label: &'static str,
    pub a: String,
    pub b: String,
    /// B − A as written (`+3`, `−1.20 s`, `±0`).
    pub delta: String,
    /// Positive when B has more, negative when less, zero when the same.
    pub direction: i8,
}

/// Every total of A and B side by side, in a fixed order.
pub fn total_changes(a: &TraceTotals, b: &TraceTotals) -> Vec<TotalChange> {
    let count = |label, a: u64, b: u64| TotalChange {
        label,
        a: format_count(a),
        b: format_count(b),
        delta: signed_count(i128::from(b) - i128::from(a)),
        direction: direction(i128::from(b) - i128::from(a)),
    };
    let cost_text = |cost: Option<f64>| cost.map(format_cost_usd).unwrap_or_else(|| "–".into());
    let cost_delta = b.cost_usd.unwrap_or(0.0) - a.cost_usd.unwrap_or(0.0);
    let rounded_cost = (cost_delta * 1e6).round() as i128;
    vec![
        TotalChange {
            label: "Duration",
            a: format_duration_ns(a.duration_ns),
            b: format_duration_ns(b.duration_ns),
            delta: signed_duration(i128::from(b.duration_ns) - i128::from(a.duration_ns)),
            direction: direction(i128::from(b.duration_ns) - i128::from(a.duration_ns)),
        },
        TotalChange {
            label: "Cost",
            a: cost_text(a.cost_usd),
            b: cost_text(b.cost_usd),
            delta: signed_cost(cost_delta),
            direction: direction(rounded_cost),
        },
        count("Tokens", a.tokens, b.tokens),
        count("Spans", a.spans, b.spans),
        count("Errors", a.errors, b.errors),
        count("Tool calls", a.tool_calls, b.tool_calls),
    ]
}

fn direction(delta: i128) -> i8 {
    delta.signum() as i8
}

/// The sign written before a change: `+`, a true minus `−`, or `±` for none.
fn sign(delta: i128) -> &'static str {
    match delta.signum() {
        1 => "+",
        -1 => "\u{2212}",
        _ => "±",
    }
}

/// A change of duration: `+1.20 s`, `−300 ms`, `±0`.
pub fn signed_duration(delta_ns: i128) -> String {
    if delta_ns == 0 {
        return "±0".into();
    }
    let size = u64::try_from(delta_ns.unsigned_abs()).unwrap_or(u64::MAX);
    format!("{}{}", sign(delta_ns), format_duration_ns(size))
}

/// A change of a count: `+1,024`, `−3`, `±0`.
pub fn signed_count(delta: i128) -> String {
    if delta == 0 {
        return "±0".into();
    }
    let size = u64::try_from(delta.unsigned_abs()).unwrap_or(u64::MAX);
    format!("{}{}", sign(delta), format_count(size))
}

/// A change of cost, to a millionth of a dollar: `+$0.0021`, `−$1.5`, `±0`.
pub fn signed_cost(delta_usd: f64) -> String {
    let millionths = (delta_usd * 1e6).round() as i128;
    if millionths == 0 {
        return "±0".into();
    }
    format!("{}{}", sign(millionths), format_cost_usd(delta_usd.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_signed_with_a_true_minus() {
        assert_eq!(signed_duration(1_200_000_000), "+1.20 s");
        assert_eq!(signed_duration(-300_000_000), "\u{2212}300 ms");
        assert_eq!(signed_duration(0), "±0");
        assert_eq!(signed_count(1_024), "+1,024");
        assert_eq!(signed_count(-3), "\u{2212}3");
        assert_eq!(signed_cost(0.0021), "+$0.0021");
        assert_eq!(signed_cost(-1.5), "\u{2212}$1.5");
        assert_eq!(signed_cost(1e-9), "±0");
    }
}
