//! Logfire records, as its query API returns them: one row or a list of rows with
//! `start_timestamp`, `end_timestamp`, `trace_id`, `span_id`, `parent_span_id`, `span_name`,
//! `message`, `level`, `kind`, `attributes`, `otel_status_code` / `otel_status_message`,
//! `service_name`, `otel_resource_attributes`, `otel_scope_name`, `otel_events`. A span is
//! labelled by its `message` (the template filled in); a pending span is shown only when its
//! finished row is absent.

use std::collections::{HashMap, HashSet};

use crate::json::{Map, Value};

use super::fields::{field, other_fields, string_field, time_ms_or_rfc3339, unsigned};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::encoding::normalise_binary_id;
use crate::model::{Attribute, AttributeValue, OptionalIndex, Resource, Span, SpanEvent, SpanStatus};

const ROW_FIELDS: &[&str] = &[
    "start_timestamp",
    "end_timestamp",
    "trace_id",
    "span_id",
    "parent_span_id",
    "span_name",
    "message",
    "attributes",
    "otel_status_code",
    "otel_status_message",
    "service_name",
    "otel_resource_attributes",
    "otel_events",
];

fn is_row(value: &Value) -> bool {
    let present = |key: &str| value.get(key).is_some_and(|value| !value.is_null());
    ["start_timestamp", "trace_id", "span_id"].iter().all(|key| present(key))
        && (present("span_name") || present("message"))
}

fn rows<'a>(value: &'a Value<'a>) -> Option<Vec<&'a Map<'a>>> {
    match value {
        Value::Array(items) if items.first().is_some_and(is_row) => {
            Some(items.iter().filter_map(Value::as_object).collect())
        }
        // The query API's answer: `{"columns": [...], "rows": [...]}` or `{"schema": ..., "data": [...]}`.
        Value::Object(answer) if answer.contains_key("columns") || answer.contains_key("schema") => {
            rows(answer.get("rows").or_else(|| answer.get("data"))?)
        }
        Value::Object(row) if is_row(value) => Some(vec![row]),
        _ => None,
    }
}

pub fn sniff(value: &Value) -> bool {
    rows(value).is_some()
}

/// A map of attributes, each value as it is (Logfire's keys are flat; nested values stay values).
fn attributes(value: Option<&Value>) -> Vec<Attribute> {
    let map = match value {
        Some(Value::Object(map)) => Some(map.clone()),
        // Some exports keep the attributes as JSON text.
        Some(Value::String(text)) => match crate::json::from_str(text) {
            Ok(Value::Object(map)) => Some(map.into_owned()),
            _ => None,
        },
        _ => None,
    };
    map.into_iter().flatten().map(|(key, value)| Attribute::new(key, AttributeValue::from_json(&value))).collect()
}

fn time(row: &Map, key: &str) -> Option<u64> {
    field(row, &[key]).and_then(time_ms_or_rfc3339)
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let Some(rows) = rows(value) else {
        return Err(ImportError::Invalid { path: "$".into(), reason: "expected Logfire records".into() });
    };
    let finished: HashSet<String> = rows
        .iter()
        .filter(|row| string_field(row, &["kind"]).as_deref() != Some("pending_span"))
        .filter_map(|row| string_field(row, &["span_id"]))
        .collect();
    let mut import = RawImport::new("logfire");
    let mut index = HashMap::new();
    let mut services: HashMap<(String, String), usize> = HashMap::new();
    for row in rows {
        let span_id = string_field(row, &["span_id"]).unwrap_or_default();
        if string_field(row, &["kind"]).as_deref() == Some("pending_span") && finished.contains(&span_id) {
            continue;
        }
        let trace_id = normalise_binary_id(&string_field(row, &["trace_id"]).unwrap_or_default(), 16).0;
        let span_id = normalise_binary_id(&span_id, 8).0;
        let parent = string_field(row, &["parent_span_id"])
            .filter(|parent| !parent.is_empty())
            .map(|parent| normalise_binary_id(&parent, 8).0);
        let template = string_field(row, &["span_name"]).unwrap_or_default();
        let label =
            string_field(row, &["message"]).filter(|message| !message.is_empty()).unwrap_or_else(|| template.clone());
        let mut span = Span::new(span_id, parent, label);
        let start = time(row, "start_timestamp");
        let end = time(row, "end_timestamp");
        set_times(&mut span, start, end, ("start_timestamp", "end_timestamp"), true);
        span.attributes = attributes(row.get("attributes"));
        if !template.is_empty() {
            span.attributes.push(Attribute::new("logfire.span_name", AttributeValue::String(template)));
        }
        let level = row.get("level");
        let error_level = level.and_then(unsigned).is_some_and(|level| level >= 17)
            || level.and_then(Value::as_str).is_some_and(|level| matches!(level, "error" | "fatal"));
        span.status = match string_field(row, &["otel_status_code"]).as_deref() {
            Some("ERROR") => {
                SpanStatus::Error { message: string_field(row, &["otel_status_message", "exception_message"]) }
            }
            _ if error_level || row.get("is_exception") == Some(&Value::Bool(true)) => {
                SpanStatus::Error { message: string_field(row, &["exception_message", "otel_status_message"]) }
            }
            Some("OK") => SpanStatus::Ok,
            _ => SpanStatus::Unset,
        };
        span.protocol_kind = string_field(row, &["otel_span_kind"])
            .map(|kind| crate::model::protocol_kind_name(&kind.trim_start_matches("SPAN_KIND_").to_ascii_uppercase()));
        if let Some(Value::Array(events)) = row.get("otel_events") {
            span.events = events
                .iter()
                .filter_map(Value::as_object)
                .map(|event| SpanEvent {
                    name: string_field(event, &["name"]).unwrap_or_default(),
                    time_ns: field(event, &["timestamp", "time_unix_nano", "time"])
                        .and_then(|time| unsigned(time).or_else(|| time_ms_or_rfc3339(time))),
                    attributes: attributes(event.get("attributes")),
                })
                .collect();
        }
        span.other_fields = other_fields(row, ROW_FIELDS).into();
        let raw = import.trace_mut(&mut index, &trace_id);
        if let Some(service) = string_field(row, &["service_name"]) {
            let slot = *services.entry((trace_id.clone(), service.clone())).or_insert_with(|| {
                let mut resource = vec![Attribute::new("service.name", AttributeValue::String(service))];
                resource.extend(
                    attributes(row.get("otel_resource_attributes"))
                        .into_iter()
                        .filter(|attribute| attribute.key != "service.name"),
                );
                raw.trace.resources.push(Resource { attributes: resource, other_fields: Vec::new() });
                raw.trace.resources.len() - 1
            });
            span.resource = OptionalIndex::from(slot);
        }
        raw.spans.push(span);
    }
    Ok(import)
}
