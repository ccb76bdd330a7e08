//! What each column of the traces table is called and how a row's value is written in it: one
//! place for headers, cells, alignment and which columns sort descending first.

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
        "signature" => "Signature",
        "error_template" => "Error template",
        "labels" => "Labels",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    let key = ["score.", "attr.", "outcome."].iter().find_map(|prefix| column.strip_prefix(prefix)).unwrap_or(column);
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
pub fn short_time(start_ms: f64) -> String {
    let text = format_rfc3339_ns((start_ms * 1e6) as u64);
    text.get(..19).map(|prefix| prefix.replace('T', " ")).unwrap_or(text)
}

/// What a cell shows: its text, and a class (`""` for plain text). One shape for every column
/// keeps the table's rendering code small.
#[derive(PartialEq)]
pub struct CellContent {
    pub text: String,
    pub class: &'static str,
}

fn plain(text: String) -> CellContent {
    CellContent { text, class: "" }
}

/// The cell of `column` for `row`.
pub fn cell(column: &str, row: &TableRow) -> CellContent {
    match column {
        "name" if row.name.is_empty() => CellContent { text: "(unnamed)".into(), class: "tv-table-name" },
        "name" => CellContent { text: row.name.clone(), class: "tv-table-name" },
        "input" => plain(row.input.clone().unwrap_or_default()),
        "output" => plain(row.output.clone().unwrap_or_default()),
        "start" => plain(short_time(row.start_ms)),
        "duration_ms" => plain(format_duration_ns((row.duration_ms * 1e6) as u64)),
        "status" if row.errors == 1 => CellContent { text: "1 error".into(), class: "tv-chip tv-chip-error" },
        "status" if row.errors > 0 => {
            CellContent { text: format!("{} errors", row.errors), class: "tv-chip tv-chip-error" }
        }
        "status" => CellContent { text: "ok".into(), class: "tv-chip tv-chip-ok" },
        "errors" => plain(row.errors.to_string()),
        "spans" => plain(format_count(u64::from(row.spans))),
        "intent" => plain(row.intent.clone().unwrap_or_default()),
        "model" => plain(row.models.join(", ")),
        "tool" => plain(row.tools.join(", ")),
        "variant" => plain(row.variant.clone().unwrap_or_default()),
        "user" => plain(row.user.clone().unwrap_or_default()),
        "session" => plain(row.session.clone().unwrap_or_default()),
        "feedback" if row.feedback.is_empty() => plain(String::new()),
        "feedback" => {
            let negative = row.feedback.iter().any(|signal| matches!(signal.as_str(), "thumbs_down" | "abandoned"));
            let text = row.feedback.iter().map(|signal| signal.replace('_', " ")).collect::<Vec<_>>().join(" · ");
            CellContent { text, class: if negative { "tv-chip tv-chip-error" } else { "tv-chip" } }
        }
        "tokens" => plain(format_count(row.tokens as u64)),
        "cost" => plain(row.cost_usd.map(format_cost_usd).unwrap_or_default()),
        "documents" => plain(row.documents.to_string()),
        "trace_id" => plain(row.trace_id.clone()),
        "signature" => plain(row.signature.clone().unwrap_or_default()),
        "error_template" => plain(row.error_template.clone().unwrap_or_default()),
        "labels" => plain(row.labels.join(", ")),
        other => {
            if let Some(name) = other.strip_prefix("score.") {
                let name = name.trim_matches('"');
                return plain(
                    row.scores
                        .iter()
                        .find(|(known, _)| known == name)
                        .map(|(_, value)| value.to_string())
                        .unwrap_or_default(),
                );
            }
            if let Some(name) = other.strip_prefix("outcome.") {
                let name = name.trim_matches('"');
                let value = row.outcomes.iter().find(|(known, _)| known == name).map(|(_, value)| value.clone());
                return plain(value.unwrap_or_default());
            }
            let key = other.strip_prefix("attr.").unwrap_or(other).trim_matches('"');
            plain(
                row.attributes
                    .iter()
                    .find(|(known, _)| known == key)
                    .map(|(_, value)| value.clone())
                    .unwrap_or_default(),
            )
        }
    }
}
