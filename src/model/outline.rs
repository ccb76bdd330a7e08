//! A plain-text outline of imported traces: one line per span with its place, kind, status,
//! timing and counts. Used for snapshot tests and readable diffs; stable across runs.

use std::fmt::Write;

use super::{format_rfc3339_ns, SpanStatus, TraceSet};

pub fn outline(set: &TraceSet) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "format {}", set.format);
    for warning in &set.warnings {
        let _ = writeln!(out, "warning {warning}");
    }
    for trace in &set.traces {
        let _ = writeln!(
            out,
            "trace {} {:?} start {} duration_ns {} spans {}",
            trace.trace_id,
            trace.name,
            format_rfc3339_ns(trace.start_ns),
            trace.duration_ns,
            trace.spans.len()
        );
        for (label, value) in [
            ("user_input", &trace.user_input),
            ("intent", &trace.intent),
            ("final_output", &trace.final_output),
            ("user_id", &trace.user_id),
            ("session_id", &trace.session_id),
            ("variant", &trace.variant),
        ] {
            if let Some(value) = value {
                let _ = writeln!(out, "  {label} {value:?}");
            }
        }
        for feedback in &trace.feedback {
            let _ = writeln!(
                out,
                "  feedback {:?} value {:?} comment {:?} text {:?}",
                feedback.kind, feedback.value, feedback.comment, feedback.text
            );
        }
        for field in &trace.other_fields {
            let _ = writeln!(out, "  field {} = {}", field.key, field.value.display());
        }
        for span in &trace.spans {
            let status = match &span.status {
                SpanStatus::Unset => String::new(),
                SpanStatus::Ok => " ok".into(),
                SpanStatus::Error { message } => format!(" ERROR {:?}", message.as_deref().unwrap_or("")),
            };
            let _ = writeln!(
                out,
                "  {}{} [{}] {:?}{} +{} {} attrs {} events {} links {} other {}",
                "  ".repeat(span.depth as usize),
                span.span_id,
                span.kind.as_str(),
                span.name,
                status,
                span.start_ns.saturating_sub(trace.start_ns),
                span.duration_ns,
                span.attributes.len(),
                span.events.len(),
                span.links.len(),
                span.other_fields.len(),
            );
        }
        for warning in &trace.warnings {
            let _ = writeln!(out, "  warning {warning}");
        }
    }
    out
}
