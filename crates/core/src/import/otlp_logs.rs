//! OTLP/JSON logs (`resourceLogs` → `scopeLogs` → `logRecords`). GenAI instrumentations write
//! message content as log records linked to spans by trace and span id; the pipeline attaches
//! each record to its span as an event, whether the logs came in the same file or another.

use crate::json::Value;

use super::fields::{field, string_field, time_ns};
use super::otlp::{any_value, id, key_values};
use super::pipeline::{LogRecord, RawImport};
use super::ImportError;
use crate::model::{Attribute, AttributeValue};

fn resource_logs<'a>(value: &'a Value<'a>) -> Option<&'a Vec<Value<'a>>> {
    field(value.as_object()?, &["resourceLogs", "resource_logs"])?.as_array()
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(|first| resource_logs(first).is_some()),
        other => resource_logs(other).is_some(),
    }
}

/// Every log record of one export request that names a span.
pub fn read_logs(request: &Value) -> Vec<LogRecord> {
    let mut records = Vec::new();
    let Some(batches) = resource_logs(request) else { return records };
    for batch in batches.iter().filter_map(Value::as_object) {
        let scopes =
            field(batch, &["scopeLogs", "scope_logs"]).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        for scope in scopes.iter().filter_map(Value::as_object) {
            let logs = field(scope, &["logRecords", "log_records"])
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for log in logs.iter().filter_map(Value::as_object) {
                let mut ignored = Vec::new();
                let (Some(trace_id), Some(span_id)) = (
                    id(log, &["traceId", "trace_id"], 16, &mut ignored),
                    id(log, &["spanId", "span_id"], 8, &mut ignored),
                ) else {
                    continue;
                };
                let mut attributes = key_values(log.get("attributes"));
                let event_name = string_field(log, &["eventName", "event_name"]).or_else(|| {
                    attributes
                        .iter()
                        .find(|attribute| attribute.key == "event.name")
                        .and_then(|attribute| attribute.value.as_str().map(String::from))
                });
                if let Some(body) = log.get("body") {
                    attributes.insert(0, Attribute::new("body", any_value(body)));
                }
                if let Some(severity) = string_field(log, &["severityText", "severity_text"]) {
                    attributes.push(Attribute::new("severity", AttributeValue::String(severity)));
                }
                records.push(LogRecord {
                    trace_id,
                    span_id,
                    time_ns: field(log, &["timeUnixNano", "time_unix_nano", "observedTimeUnixNano"]).and_then(time_ns),
                    name: event_name.unwrap_or_else(|| "log".into()),
                    attributes,
                });
            }
        }
    }
    records
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("otlp-logs");
    match value {
        Value::Array(items) => items.iter().for_each(|item| import.logs.extend(read_logs(item))),
        other => import.logs = read_logs(other),
    }
    Ok(import)
}
