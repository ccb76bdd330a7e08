//! OTLP/JSON traces (`resourceSpans` → `scopeSpans` → `spans`), as the OpenTelemetry SDKs,
//! the Collector and Jaeger v2's API (inside `{"result": ...}`) write them: ids in hex or base64,
//! 64-bit integers as strings or numbers, every attribute value kind, events, links and status.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{field, keep_unreadable, node_buffer_bytes, other_fields, signed, string_field, time_ns};
use super::pipeline::{set_times, ResourcePlacement};
use super::{ImportError, RawImport};
use crate::model::encoding;
use crate::model::{
    protocol_kind_name, Attribute, AttributeValue, ImportWarning, OptionalIndex, Resource, Scope, Span, SpanEvent,
    SpanLink, SpanStatus,
};

const SPAN_FIELDS: &[&str] = &[
    "traceId",
    "trace_id",
    "spanId",
    "span_id",
    "parentSpanId",
    "parent_span_id",
    "name",
    "kind",
    "startTimeUnixNano",
    "start_time_unix_nano",
    "endTimeUnixNano",
    "end_time_unix_nano",
    "attributes",
    "events",
    "links",
    "status",
];

/// The field names time warnings use (shared with the fast path, which must say the same).
pub(super) const TIME_FIELDS: (&str, &str) = ("startTimeUnixNano", "endTimeUnixNano");

/// The `resourceSpans` array of one export request (also inside Jaeger v2's `{"result": ...}`).
fn resource_spans<'a>(value: &'a Value<'a>) -> Option<&'a Vec<Value<'a>>> {
    let object = value.as_object()?;
    let document = match object.get("result") {
        Some(Value::Object(inner)) => inner,
        _ => object,
    };
    field(document, &["resourceSpans", "resource_spans"])?.as_array()
}

/// The export requests in a document: one request, or a JSON array of them.
fn requests<'a>(value: &'a Value<'a>) -> Vec<&'a Value<'a>> {
    match value {
        Value::Array(items) => items.iter().filter(|item| resource_spans(item).is_some()).collect(),
        other => vec![other],
    }
}

pub fn sniff(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.first().is_some_and(|first| resource_spans(first).is_some()),
        other => resource_spans(other).is_some(),
    }
}

/// One attribute value in OTLP's tagged form (`{"stringValue": ...}`), or a bare JSON value.
pub(super) fn any_value(value: &Value) -> AttributeValue {
    let Some(object) = value.as_object() else {
        return AttributeValue::from_json(value);
    };
    if let Some(text) = field(object, &["stringValue", "string_value"]) {
        return AttributeValue::from_json(text);
    }
    if let Some(flag) = field(object, &["boolValue", "bool_value"]) {
        return match flag {
            Value::Bool(flag) => AttributeValue::Bool(*flag),
            Value::String(text) => AttributeValue::Bool(text == "true"),
            other => AttributeValue::from_json(other),
        };
    }
    if let Some(integer) = field(object, &["intValue", "int_value"]) {
        return signed(integer).map(AttributeValue::Int).unwrap_or_else(|| AttributeValue::from_json(integer));
    }
    if let Some(double) = field(object, &["doubleValue", "double_value"]) {
        return match double {
            Value::Number(number) => AttributeValue::Double(number.as_f64().unwrap_or(f64::NAN)),
            // Protobuf's JSON writes NaN and infinities as strings.
            Value::String(text) => {
                text.parse().map(AttributeValue::Double).unwrap_or_else(|_| AttributeValue::String(text.to_string()))
            }
            other => AttributeValue::from_json(other),
        };
    }
    if let Some(bytes) = field(object, &["bytesValue", "bytes_value"]) {
        let text = bytes.as_str().unwrap_or_default();
        return encoding::base64_decode(text)
            .map(AttributeValue::Bytes)
            .unwrap_or_else(|| AttributeValue::String(text.to_string()));
    }
    if let Some(array) = field(object, &["arrayValue", "array_value"]) {
        let values = array.get("values").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        return AttributeValue::Array(values.iter().map(any_value).collect());
    }
    if let Some(list) = field(object, &["kvlistValue", "kvlist_value"]) {
        return AttributeValue::Map(key_values(list.get("values")));
    }
    if object.is_empty() {
        return AttributeValue::Empty;
    }
    AttributeValue::from_json(value)
}

/// A `[{"key": ..., "value": {...}}]` list, in order.
pub(super) fn key_values(list: Option<&Value>) -> Vec<Attribute> {
    let Some(Value::Array(items)) = list else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(Value::as_object)
        .map(|item| {
            let key = item.get("key").and_then(Value::as_str).unwrap_or_default().to_string();
            let value = item.get("value").map(any_value).unwrap_or(AttributeValue::Empty);
            Attribute::new(key, value)
        })
        .collect()
}

/// OTLP's span kind from its enum number (`2` → `SERVER`).
pub(super) fn kind_from_number(number: u64) -> Cow<'static, str> {
    match number {
        0 => Cow::Borrowed("UNSPECIFIED"),
        1 => Cow::Borrowed("INTERNAL"),
        2 => Cow::Borrowed("SERVER"),
        3 => Cow::Borrowed("CLIENT"),
        4 => Cow::Borrowed("PRODUCER"),
        5 => Cow::Borrowed("CONSUMER"),
        other => Cow::Owned(other.to_string()),
    }
}

/// OTLP's span kind from its enum name (`SPAN_KIND_SERVER` → `SERVER`).
pub(super) fn kind_from_name(name: &str) -> Cow<'static, str> {
    protocol_kind_name(name.trim_start_matches("SPAN_KIND_"))
}

/// The status code from its enum name (protobuf's JSON writes names; some writers the digits).
pub(super) fn status_code_from_name(name: &str) -> u64 {
    match name {
        "STATUS_CODE_OK" | "OK" | "1" => 1,
        "STATUS_CODE_ERROR" | "ERROR" | "2" => 2,
        _ => 0,
    }
}

/// A status from its code and message (code 0, unset, is OpenTelemetry's default).
pub(super) fn status_from_code(code: u64, message: Option<String>) -> SpanStatus {
    match code {
        1 => SpanStatus::Ok,
        2 => SpanStatus::Error { message },
        _ => SpanStatus::Unset,
    }
}

pub(super) fn protocol_kind(value: Option<&Value>) -> Option<Cow<'static, str>> {
    match value? {
        Value::Number(number) => number.as_u64().map(kind_from_number),
        Value::String(text) => Some(kind_from_name(text)),
        _ => None,
    }
}

pub(super) fn status(value: Option<&Value>) -> SpanStatus {
    let Some(Value::Object(object)) = value else {
        return SpanStatus::Unset;
    };
    let message = string_field(object, &["message"]).filter(|message| !message.is_empty());
    let code = match object.get("code") {
        Some(Value::Number(number)) => number.as_u64().unwrap_or(0),
        Some(Value::String(text)) => status_code_from_name(text),
        _ => 0,
    };
    status_from_code(code, message)
}

pub(super) fn id(object: &Map, keys: &[&str], byte_length: usize, warnings: &mut Vec<String>) -> Option<String> {
    id_value(field(object, keys), keys[0], byte_length, warnings)
}

/// An id field's value (hex, base64 or a Node `Buffer`) as lower-case hex; `name` is the field
/// warnings name when the text is neither hex nor base64 of `byte_length` bytes.
pub(super) fn id_value(
    value: Option<&Value>,
    name: &str,
    byte_length: usize,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let value = value?;
    if let Some(bytes) = node_buffer_bytes(value) {
        return (!bytes.is_empty()).then(|| bytes.iter().map(|byte| format!("{byte:02x}")).collect());
    }
    let text = super::fields::text(value).filter(|text| !text.is_empty())?;
    let (normalised, understood) = encoding::normalise_binary_id(&text, byte_length);
    if !understood {
        warnings.push(format!("{name} {text:?} is neither hex nor base64 of {byte_length} bytes; kept as written"));
    }
    Some(normalised)
}

/// Reads one span; `None` start means the file gave none (filled in once the trace's range is known).
fn read_span(object: &Map, made_up_ids: &mut usize) -> (String, Span) {
    let mut problems = Vec::new();
    let trace_id = id(object, &["traceId", "trace_id"], 16, &mut problems).unwrap_or_default();
    let span_id = id(object, &["spanId", "span_id"], 8, &mut problems).unwrap_or_else(|| {
        *made_up_ids += 1;
        problems.push("span has no spanId; this id was made up for it".into());
        format!("missing-id-{made_up_ids}")
    });
    let parent = id(object, &["parentSpanId", "parent_span_id"], 8, &mut problems);
    let name = string_field(object, &["name"]).unwrap_or_default();
    let mut span = Span::new(span_id, parent, name);
    span.protocol_kind = protocol_kind(object.get("kind"));
    span.status = status(object.get("status"));
    span.attributes = key_values(object.get("attributes"));
    let mut kept_fields = other_fields(object, SPAN_FIELDS);
    let mut time = |keys: &[&str]| {
        let (key, value) =
            keys.iter().find_map(|key| object.get(key).filter(|value| !value.is_null()).map(|value| (*key, value)))?;
        let time = time_ns(value);
        if time.is_none() {
            problems.push(keep_unreadable(key, value, "a time in nanoseconds", &mut kept_fields));
        }
        time
    };
    let start = time(&["startTimeUnixNano", "start_time_unix_nano"]);
    let end = time(&["endTimeUnixNano", "end_time_unix_nano"]);
    span.other_fields = kept_fields.into();
    set_times(&mut span, start, end, TIME_FIELDS, false);

    if let Some(Value::Array(events)) = object.get("events") {
        span.events = events
            .iter()
            .filter_map(Value::as_object)
            .map(|event| {
                let mut attributes = key_values(event.get("attributes"));
                attributes.extend(other_fields(event, &["name", "timeUnixNano", "time_unix_nano", "attributes"]));
                SpanEvent {
                    name: string_field(event, &["name"]).unwrap_or_default(),
                    time_ns: field(event, &["timeUnixNano", "time_unix_nano"]).and_then(time_ns),
                    attributes,
                }
            })
            .collect();
    }
    if let Some(Value::Array(links)) = object.get("links") {
        span.links = read_links(links).into();
    }
    for problem in problems {
        span.warnings.push(ImportWarning::for_span(&span.span_id, problem));
    }
    (trace_id, span)
}

/// A span's `links` list (the objects in it; anything else is skipped).
pub(super) fn read_links(links: &[Value]) -> Vec<SpanLink> {
    links
        .iter()
        .filter_map(Value::as_object)
        .map(|link| {
            let mut ignored = Vec::new();
            let mut attributes = key_values(link.get("attributes"));
            attributes.extend(other_fields(link, &["traceId", "trace_id", "spanId", "span_id", "attributes"]));
            SpanLink {
                trace_id: id(link, &["traceId", "trace_id"], 16, &mut ignored).unwrap_or_default(),
                span_id: id(link, &["spanId", "span_id"], 8, &mut ignored).unwrap_or_default(),
                attributes,
            }
        })
        .collect()
}

fn scope(object: Option<&Value>) -> Scope {
    let Some(Value::Object(object)) = object else {
        return Scope::default();
    };
    let mut attributes = key_values(object.get("attributes"));
    attributes.extend(other_fields(object, &["name", "version", "attributes"]));
    Scope {
        name: string_field(object, &["name"]).unwrap_or_default(),
        version: string_field(object, &["version"]).filter(|version| !version.is_empty()),
        attributes,
    }
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let mut import = RawImport::new("otlp-json");
    let mut trace_index: HashMap<String, usize> = HashMap::new();
    let mut made_up_ids = 0usize;
    let mut placement = ResourcePlacement::default();
    let mut batch_number = 0;
    let mut scope_number = 0;
    for request in requests(value) {
        let Some(batches) = resource_spans(request) else { continue };
        for batch in batches.iter().filter_map(Value::as_object) {
            batch_number += 1;
            let resource = resource(batch);
            let scope_lists = field(batch, &["scopeSpans", "scope_spans", "instrumentationLibrarySpans"])
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for scope_list in scope_lists.iter().filter_map(Value::as_object) {
                scope_number += 1;
                let mut scope = scope(field(scope_list, &["scope", "instrumentationLibrary"]));
                scope.attributes.extend(other_fields(scope_list, &["scope", "instrumentationLibrary", "spans"]));
                let spans = scope_list.get("spans").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                for span_object in spans.iter().filter_map(Value::as_object) {
                    let (trace_id, mut span) = read_span(span_object, &mut made_up_ids);
                    let position = import.trace_position(&mut trace_index, &trace_id);
                    let raw = &mut import.traces[position];
                    let (resource_index, scope_index) =
                        placement.place(position, &mut raw.trace, (batch_number, &resource), (scope_number, &scope));
                    span.resource = OptionalIndex::from(resource_index);
                    span.scope = OptionalIndex::from(scope_index);
                    raw.spans.push(span);
                    super::progress::span_read();
                }
            }
        }
        // A document may carry logs beside its spans.
        import.logs.extend(super::otlp_logs::read_logs(request));
    }
    Ok(import)
}

fn resource(batch: &Map) -> Resource {
    let resource_object = batch.get("resource").and_then(Value::as_object);
    let mut resource = Resource {
        attributes: key_values(resource_object.and_then(|object| object.get("attributes"))),
        other_fields: resource_object.map(|object| other_fields(object, &["attributes"])).unwrap_or_default(),
    };
    resource
        .other_fields
        .extend(other_fields(batch, &["resource", "scopeSpans", "scope_spans", "instrumentationLibrarySpans"]));
    resource
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_any_value_kind_is_read_in_camel_and_snake_case() {
        let values: Value = crate::json::json!([
            {"stringValue": "text"},
            {"boolValue": true},
            {"intValue": "9007199254740993"},
            {"int_value": 42},
            {"doubleValue": 1.5},
            {"doubleValue": "NaN"},
            {"bytesValue": "aGkhPw=="},
            {"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "1"}]}},
            {"kvlistValue": {"values": [{"key": "z", "value": {"boolValue": false}}, {"key": "a", "value": {}}]}},
            {}
        ]);
        let read: Vec<AttributeValue> = values.as_array().unwrap().iter().map(any_value).collect();
        assert_eq!(read[0], AttributeValue::String("text".into()));
        assert_eq!(read[1], AttributeValue::Bool(true));
        assert_eq!(read[2], AttributeValue::Int(9_007_199_254_740_993), "int64 beyond 2^53 stays exact");
        assert_eq!(read[3], AttributeValue::Int(42));
        assert_eq!(read[4], AttributeValue::Double(1.5));
        assert!(matches!(read[5], AttributeValue::Double(value) if value.is_nan()));
        assert_eq!(read[6], AttributeValue::Bytes(b"hi!?".to_vec()));
        assert_eq!(read[7], AttributeValue::Array(vec![AttributeValue::String("a".into()), AttributeValue::Int(1)]));
        assert_eq!(
            read[8],
            AttributeValue::Map(vec![
                Attribute::new("z", AttributeValue::Bool(false)),
                Attribute::new("a", AttributeValue::Empty)
            ])
        );
        assert_eq!(read[9], AttributeValue::Empty);
    }

    #[test]
    fn status_and_kind_come_as_numbers_or_enum_names() {
        assert_eq!(
            status(Some(&crate::json::json!({"code": "STATUS_CODE_ERROR", "message": "boom"}))),
            SpanStatus::Error { message: Some("boom".into()) }
        );
        assert_eq!(status(Some(&crate::json::json!({"code": 1}))), SpanStatus::Ok);
        assert_eq!(status(None), SpanStatus::Unset);
        assert_eq!(protocol_kind(Some(&crate::json::json!(3))).as_deref(), Some("CLIENT"));
        assert_eq!(protocol_kind(Some(&crate::json::json!("SPAN_KIND_PRODUCER"))).as_deref(), Some("PRODUCER"));
    }
}
