//! Logfire records, as its query API returns them: one row or a list of rows with
//! `start_timestamp`, `end_timestamp`, `trace_id`, `span_id`, `parent_span_id`, `span_name`,
//! `message`, `level`, `kind`, `attributes`, `otel_status_code` / `otel_status_message`,
//! `service_name`, `otel_resource_attributes`, `otel_scope_name`, `otel_events`. A span is
//! labelled by its `message` (the template filled in); a pending span is shown only when its
//! finished row is absent.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::json::{Map, Value};

use super::fields::{field, object_attributes, object_fields, string_field, text, time_ms_or_rfc3339, unsigned};
use super::pipeline::{set_times, RawImport};
use super::ImportError;
use crate::model::encoding::normalise_binary_id;
use crate::model::{Attribute, AttributeValue, OptionalIndex, Resource, Span, SpanEvent, SpanStatus};

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

object_fields!(
    /// A row's fields with a meaning of their own, read in one pass; the others are kept (some of
    /// them, such as `kind` and `level`, are read as well, through [`RowFields::other`]).
    RowFields {
        start_timestamp: "start_timestamp", end_timestamp: "end_timestamp", trace_id: "trace_id",
        span_id: "span_id", parent_span_id: "parent_span_id", span_name: "span_name", message: "message",
        attributes: "attributes", otel_status_code: "otel_status_code", otel_status_message: "otel_status_message",
        service_name: "service_name", otel_resource_attributes: "otel_resource_attributes", otel_events: "otel_events",
    }
);

impl<'v, 'j> RowFields<'v, 'j> {
    /// A field that is also kept as an other field (`kind`, `level`, `is_exception`, ...).
    fn other(&self, key: &str) -> Option<&'v Value<'j>> {
        self.others.iter().find(|(name, _)| *name == key).map(|(_, value)| *value)
    }

    /// A row written while its span was still open; the finished row, when present, replaces it.
    fn is_pending(&self) -> bool {
        self.other("kind").and_then(Value::as_str) == Some("pending_span")
    }

    /// The span id as written (empty when absent), before normalising.
    fn span_id(&self) -> Cow<'v, str> {
        self.span_id.and_then(text).unwrap_or_default()
    }

    /// An error level (`level` 17 or more, or "error" / "fatal"), or an exception row.
    fn is_error(&self) -> bool {
        let level = self.other("level");
        level.and_then(unsigned).is_some_and(|level| level >= 17)
            || level.and_then(Value::as_str).is_some_and(|level| matches!(level, "error" | "fatal"))
            || matches!(self.other("is_exception"), Some(Value::Bool(true)))
    }

    /// The span's status: `otel_status_code`, else an error level or exception (with the
    /// exception's message first), else unset.
    fn status(&self) -> SpanStatus {
        let exception_message = || self.other("exception_message");
        let message = |value: Option<&Value>| value.and_then(text).map(Cow::into_owned);
        let code = self.otel_status_code.and_then(text);
        match code.as_deref() {
            Some("ERROR") => {
                SpanStatus::Error { message: message(self.otel_status_message.or_else(exception_message)) }
            }
            _ if self.is_error() => {
                SpanStatus::Error { message: message(exception_message().or(self.otel_status_message)) }
            }
            Some("OK") => SpanStatus::Ok,
            _ => SpanStatus::Unset,
        }
    }

    /// `otel_span_kind` without its `SPAN_KIND_` prefix, in upper case (copied only when it has a
    /// lower-case letter).
    fn protocol_kind(&self) -> Option<Cow<'static, str>> {
        let written = self.other("otel_span_kind").and_then(text)?;
        let kind = written.trim_start_matches("SPAN_KIND_");
        Some(if kind.bytes().any(|byte| byte.is_ascii_lowercase()) {
            crate::model::protocol_kind_name(&kind.to_ascii_uppercase())
        } else {
            crate::model::protocol_kind_name(kind)
        })
    }
}

/// A map of attributes, each value as it is (Logfire's keys are flat; nested values stay values).
/// Some exports keep the attributes as JSON text, parsed here (once) and read the same way.
fn attributes(value: Option<&Value>) -> Vec<Attribute> {
    match value {
        Some(object @ Value::Object(_)) => object_attributes(Some(object)),
        Some(Value::String(json)) => match crate::json::from_str(json) {
            Ok(object @ Value::Object(_)) => object_attributes(Some(&object)),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A row's `otel_events`, when a list.
fn events(value: Option<&Value>) -> Vec<SpanEvent> {
    let Some(Value::Array(events)) = value else {
        return Vec::new();
    };
    events
        .iter()
        .filter_map(Value::as_object)
        .map(|event| SpanEvent {
            name: string_field(event, &["name"]).unwrap_or_default(),
            time_ns: field(event, &["timestamp", "time_unix_nano", "time"])
                .and_then(|time| unsigned(time).or_else(|| time_ms_or_rfc3339(time))),
            attributes: attributes(event.get("attributes")),
        })
        .collect()
}

/// The span of one row, without its resource.
fn read_span(fields: &RowFields) -> Span {
    let id = |value: Option<&Value>| normalise_binary_id(&value.and_then(text).unwrap_or_default(), 8).0;
    let parent = fields.parent_span_id.and_then(text).filter(|parent| !parent.is_empty());
    let template = fields.span_name.and_then(text).unwrap_or_default();
    let label = fields.message.and_then(text).filter(|message| !message.is_empty()).unwrap_or(template.clone());
    let mut span = Span::new(id(fields.span_id), parent.map(|parent| normalise_binary_id(&parent, 8).0), label);
    let time = |value: Option<&Value>| value.and_then(time_ms_or_rfc3339);
    let (start, end) = (time(fields.start_timestamp), time(fields.end_timestamp));
    set_times(&mut span, start, end, ("start_timestamp", "end_timestamp"), true);
    span.attributes = attributes(fields.attributes);
    if !template.is_empty() {
        span.attributes.push(Attribute::new("logfire.span_name", AttributeValue::String(template.into_owned())));
    }
    span.status = fields.status();
    span.protocol_kind = fields.protocol_kind();
    span.events = events(fields.otel_events).into();
    span.other_fields = fields.other_fields().into();
    span
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let Some(rows) = rows(value) else {
        return Err(ImportError::Invalid { path: "$".into(), reason: "expected Logfire records".into() });
    };
    let rows: Vec<RowFields> = rows.into_iter().map(RowFields::read).collect();
    // Span ids with a finished row: their pending rows are left out (only looked for when a row is pending).
    let finished: HashSet<Cow<str>> = if rows.iter().any(RowFields::is_pending) {
        rows.iter().filter(|row| !row.is_pending()).filter_map(|row| row.span_id.and_then(text)).collect()
    } else {
        HashSet::new()
    };
    let mut import = RawImport::new("logfire");
    let mut index = HashMap::new();
    // The trace id as written and its trace's position, for the next row of the same trace.
    let mut last_trace: Option<(Cow<str>, usize)> = None;
    // (trace position, service name) → that trace's resource for the service.
    let mut services: HashMap<(usize, Cow<str>), usize> = HashMap::new();
    for row in &rows {
        if row.is_pending() && finished.contains(&row.span_id()) {
            continue;
        }
        let mut span = read_span(row);
        let written = row.trace_id.and_then(text).unwrap_or_default();
        let position = match &last_trace {
            Some((last, position)) if *last == written => *position,
            _ => {
                let position = import.trace_position(&mut index, &normalise_binary_id(&written, 16).0);
                last_trace = Some((written, position));
                position
            }
        };
        let raw = &mut import.traces[position];
        if let Some(service) = row.service_name.and_then(text) {
            let slot = *services.entry((position, service.clone())).or_insert_with(|| {
                let mut resource = vec![Attribute::new("service.name", AttributeValue::String(service.into_owned()))];
                resource.extend(
                    attributes(row.otel_resource_attributes)
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
