//! What each column of the traces table is called and how a row's value is written in it: one
//! place for headers, cells, alignment and which columns sort descending first.

use leptos::prelude::*;

use trace_viewer_core::corpus::TableRow;
use trace_viewer_core::model::{format_count, format_duration_ns, format_rfc3339_ns};
use trace_viewer_core::view::present::format_cost_usd;

/// The header of a column (`score."helpfulness"` → `helpfulness`, `attr."app.region"` → `app.region`).
pub fn column_label(column: &str) -> String {
    let fixed = match column {
        "name" => "Trace",
        "input" => "Input",
        "output" => "Output",
        "start" => "Start",
        "duration_ms" => "Duration",
        "status" => "Status",
        "errors" => "Errors",
        "spans" => "Spans",
        "intent" => "Intent",
        "model" => "Model",
        "tool" => "Tools",
        "variant" => "Variant",
        "user" => "User",
        "session" => "Session",
        "feedback" => "Feedback",
        "tokens" => "Tokens",
        "cost" => "Cost",
        "documents" => "Docs",
        "trace_id" => "Trace id",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    let key = column.strip_prefix("score.").or_else(|| column.strip_prefix("attr.")).unwrap_or(column);
    key.trim_matches('"').to_string()
}

/// Columns of numbers: right-aligned, and sorted largest first on the first click.
pub fn is_numeric(column: &str) -> bool {
    matches!(column, "start" | "duration_ms" | "errors" | "spans" | "tokens" | "cost" | "documents")
        || column.starts_with("score.")
}

/// Columns the worker can sort by (previews cannot).
pub fn is_sortable(column: &str) -> bool {
    !matches!(column, "input" | "output")
}

/// A start time as `2024-12-01 10:22:03` (UTC, to the second).
fn short_time(start_ms: f64) -> String {
    let text = format_rfc3339_ns((start_ms * 1e6) as u64);
    text.get(..19).map(|prefix| prefix.replace('T', " ")).unwrap_or(text)
}

/// The cell of `column` for `row`.
pub fn cell(column: &str, row: &TableRow) -> AnyView {
    let text = |value: String| view! { <span>{value}</span> }.into_any();
    match column {
        "name" => {
            let name = if row.name.is_empty() { "(unnamed)".to_string() } else { row.name.clone() };
            view! { <span class="tv-table-name">{name}</span> }.into_any()
        }
        "input" => text(row.input.clone().unwrap_or_default()),
        "output" => text(row.output.clone().unwrap_or_default()),
        "start" => text(short_time(row.start_ms)),
        "duration_ms" => text(format_duration_ns((row.duration_ms * 1e6) as u64)),
        "status" if row.errors > 0 => {
            let label = if row.errors == 1 { "1 error".to_string() } else { format!("{} errors", row.errors) };
            view! { <span class="tv-chip tv-chip-error">{label}</span> }.into_any()
        }
        "status" => view! { <span class="tv-chip tv-chip-ok">"ok"</span> }.into_any(),
        "errors" => text(row.errors.to_string()),
        "spans" => text(format_count(u64::from(row.spans))),
        "intent" => text(row.intent.clone().unwrap_or_default()),
        "model" => text(row.models.join(", ")),
        "tool" => text(row.tools.join(", ")),
        "variant" => text(row.variant.clone().unwrap_or_default()),
        "user" => text(row.user.clone().unwrap_or_default()),
        "session" => text(row.session.clone().unwrap_or_default()),
        "feedback" => view! {
            <span class="tv-chips">
                {row.feedback.iter().map(|signal| {
                    let negative = matches!(signal.as_str(), "thumbs_down" | "abandoned");
                    let label = signal.replace('_', " ");
                    view! { <span class="tv-chip" class:tv-chip-error=negative>{label}</span> }
                }).collect_view()}
            </span>
        }
        .into_any(),
        "tokens" => text(format_count(row.tokens as u64)),
        "cost" => text(row.cost_usd.map(format_cost_usd).unwrap_or_default()),
        "documents" => text(row.documents.to_string()),
        "trace_id" => text(row.trace_id.clone()),
        other => {
            if let Some(name) = other.strip_prefix("score.") {
                let name = name.trim_matches('"');
                let value = row.scores.iter().find(|(known, _)| known == name).map(|(_, value)| value.to_string());
                return text(value.unwrap_or_default());
            }
            let key = other.strip_prefix("attr.").unwrap_or(other).trim_matches('"');
            text(
                row.attributes
                    .iter()
                    .find(|(known, _)| known == key)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default(),
            )
        }
    }
}
