//! A plain-text outline of imported traces: one line per span with its place, kind, status,
//! timing and counts. Used for snapshot tests and readable diffs; stable across runs.

use std::fmt::Write;

use super::{format_rfc3339_ns, AiDetails, Message, SpanStatus, TraceSet};

/// Roles in order, with tool calls counted: `system,user,assistant(2 calls),tool`.
fn describe_messages(messages: &[Message]) -> String {
    let parts: Vec<String> = messages
        .iter()
        .map(|message| match message.tool_calls.len() {
            0 => message.role.clone(),
            calls => format!("{}({calls} calls)", message.role),
        })
        .collect();
    format!("[{}]", parts.join(","))
}

/// One line with every AI fact a span carries, in a fixed order.
fn describe_ai(details: &AiDetails) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut text = |label: &str, value: &Option<String>| {
        if let Some(value) = value {
            let short: String = value.chars().take(40).collect();
            parts.push(format!("{label}={short:?}"));
        }
    };
    text("model", &details.model);
    text("provider", &details.provider);
    text("input", &details.input);
    text("output", &details.output);
    if let Some(tool) = &details.tool {
        text("tool", &tool.name);
        text("call", &tool.call_id);
        text("args", &tool.arguments);
        text("result", &tool.result);
    }
    if !details.input_messages.is_empty() {
        parts.push(format!("in={}", describe_messages(details.input_messages.as_read())));
    }
    if !details.output_messages.is_empty() {
        parts.push(format!("out={}", describe_messages(details.output_messages.as_read())));
    }
    if !details.documents.is_empty() {
        parts.push(format!("documents={}", details.documents.len()));
    }
    let tokens = &details.tokens;
    if !tokens.is_empty() {
        let show = |value: Option<u64>| value.map(|value| value.to_string()).unwrap_or_else(|| "-".into());
        parts.push(format!(
            "tokens={}/{}/{} cached={} reasoning={}",
            show(tokens.input),
            show(tokens.output),
            show(tokens.total),
            show(tokens.cached),
            show(tokens.reasoning)
        ));
    }
    if let Some(cost) = details.cost_usd {
        parts.push(format!("cost={cost}"));
    }
    if details.parameters.is_some() {
        parts.push("parameters".into());
    }
    parts.join(" ")
}

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
            if let Some(details) = &span.ai {
                let _ = writeln!(
                    out,
                    "  {}  ai {}",
                    "  ".repeat(span.depth as usize),
                    describe_ai(&details.with_messages_read(&span.attributes))
                );
            }
        }
        for warning in &trace.warnings {
            let _ = writeln!(out, "  warning {warning}");
        }
    }
    out
}
