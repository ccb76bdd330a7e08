//! Jaeger's other JSON shapes, turned into the query API's span shape the Jaeger importer reads:
//! the domain model as protobuf's JSON writes it (`{spans, processMap}`; base64 `traceId` and
//! `spanId`, RFC 3339 `startTime`, `"5000ns"` durations, tags typed by `vType` with `vStr`,
//! `vInt64`...), and the span documents Jaeger stores in Elasticsearch / OpenSearch (one object or
//! a list; `startTimeMillis`, the process inline, binary tag values in hex).

use crate::json::{Map, Value};

use super::fields::string_field;
use crate::model::encoding::{base64_decode, base64_encode, hex_encode};
use crate::model::parse_rfc3339_ns;

/// A domain-model trace: `spans` whose ids are `traceId`/`spanId` (the query API writes `traceID`).
pub fn is_domain_trace(value: &Value) -> bool {
    value.get("spans").and_then(Value::as_array).and_then(|spans| spans.first()).is_some_and(|span| {
        span.get("traceId").is_some_and(Value::is_string)
            && span.get("spanId").is_some_and(Value::is_string)
            && span.get("operationName").is_some()
    })
}

/// An Elasticsearch / OpenSearch span document: the query API's span with `startTimeMillis`.
pub fn is_stored_span(value: &Value) -> bool {
    value.get("traceID").is_some_and(Value::is_string)
        && value.get("spanID").is_some_and(Value::is_string)
        && value.get("operationName").is_some()
        && value.get("startTimeMillis").is_some()
}

/// Base64 ids as the lowercase hex the query API writes; other text as it is.
fn hex_id(text: &str) -> String {
    match base64_decode(text) {
        Some(bytes) if !bytes.is_empty() && text.len().is_multiple_of(4) => hex_encode(&bytes),
        _ => text.to_string(),
    }
}

/// A Go duration (`"5000ns"`, `"1.5s"`, `"3ms"`, `"2µs"`) in whole microseconds.
fn duration_micros(text: &str) -> Option<u64> {
    let split = text.find(|character: char| character.is_ascii_alphabetic() || character == 'µ')?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let nanos_per_unit = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return None,
    };
    let nanos = number * nanos_per_unit;
    (nanos.is_finite() && nanos >= 0.0).then(|| (nanos / 1e3).round() as u64)
}

fn micros_of_time<'a>(value: &Value<'a>) -> Option<Value<'a>> {
    let nanos = parse_rfc3339_ns(value.as_str()?)?;
    Some(Value::from(nanos / 1000))
}

/// A `{key, vType, vStr...}` tag as `{key, type, value}` (no `vType` means a string, protobuf's zero value).
fn typed_tag<'a>(tag: &Value<'a>) -> Value<'a> {
    let Some(tag) = tag.as_object() else { return tag.clone() };
    let kind = tag.get("vType").and_then(Value::as_str).unwrap_or("STRING").to_ascii_lowercase();
    let field = match kind.as_str() {
        "bool" => "vBool",
        "int64" => "vInt64",
        "float64" => "vFloat64",
        "binary" => "vBinary",
        _ => "vStr",
    };
    let mut converted = Map::new();
    converted.insert("key", tag.get("key").cloned().unwrap_or(Value::Null));
    converted.insert("type", Value::from(kind));
    converted.insert("value", tag.get(field).cloned().unwrap_or(Value::Null));
    Value::Object(converted)
}

fn typed_tags<'a>(list: Option<&Value<'a>>) -> Value<'a> {
    Value::Array(list.and_then(Value::as_array).map(|tags| tags.iter().map(typed_tag).collect()).unwrap_or_default())
}

/// A domain-model span in the query API's shape.
pub fn domain_span<'a>(span: &Map<'a>) -> Map<'a> {
    let convert = |(key, value): (&str, &Value<'a>)| match key {
        "traceId" => ("traceID".to_string(), Value::from(hex_id(value.as_str().unwrap_or_default()))),
        "spanId" => ("spanID".to_string(), Value::from(hex_id(value.as_str().unwrap_or_default()))),
        "startTime" => ("startTime".to_string(), micros_of_time(value).unwrap_or_else(|| value.clone())),
        "duration" => (
            "duration".to_string(),
            value.as_str().and_then(duration_micros).map(Value::from).unwrap_or_else(|| value.clone()),
        ),
        "tags" => ("tags".to_string(), typed_tags(Some(value))),
        "references" => ("references".to_string(), references(value)),
        "logs" => ("logs".to_string(), logs(value)),
        "process" => ("process".to_string(), process(value)),
        other => (other.to_string(), value.clone()),
    };
    span.iter().map(convert).collect()
}

fn references<'a>(value: &Value<'a>) -> Value<'a> {
    let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
    Value::Array(
        list.iter()
            .filter_map(Value::as_object)
            .map(|reference| {
                let mut converted = Map::new();
                converted.insert(
                    "refType",
                    Value::from(string_field(reference, &["refType"]).unwrap_or_else(|| "CHILD_OF".into())),
                );
                converted
                    .insert("traceID", Value::from(hex_id(&string_field(reference, &["traceId"]).unwrap_or_default())));
                converted
                    .insert("spanID", Value::from(hex_id(&string_field(reference, &["spanId"]).unwrap_or_default())));
                Value::Object(converted)
            })
            .collect(),
    )
}

fn logs<'a>(value: &Value<'a>) -> Value<'a> {
    let list = value.as_array().map(Vec::as_slice).unwrap_or_default();
    Value::Array(
        list.iter()
            .filter_map(Value::as_object)
            .map(|log| {
                let mut converted = Map::new();
                if let Some(time) = log.get("timestamp") {
                    converted.insert("timestamp", micros_of_time(time).unwrap_or_else(|| time.clone()));
                }
                converted.insert("fields", typed_tags(log.get("fields")));
                Value::Object(converted)
            })
            .collect(),
    )
}

fn process<'a>(value: &Value<'a>) -> Value<'a> {
    let Some(process) = value.as_object() else { return value.clone() };
    let mut converted = process.clone();
    converted.insert("tags", typed_tags(process.get("tags")));
    Value::Object(converted)
}

/// A stored span document in the query API's shape: binary tag values from hex to base64 (the
/// importer reads base64 there); the rest is that shape already.
pub fn stored_span<'a>(span: &Map<'a>) -> Map<'a> {
    let mut converted = span.clone();
    if let Some(Value::Array(tags)) = converted.get_mut("tags") {
        for tag in tags.iter_mut().filter_map(Value::as_object_mut) {
            let binary =
                tag.get("type").and_then(Value::as_str).is_some_and(|kind| kind.eq_ignore_ascii_case("binary"));
            if let Some(bytes) = tag.get("value").and_then(Value::as_str).and_then(hex_bytes).filter(|_| binary) {
                tag.insert("value", Value::from(base64_encode(&bytes)));
            }
        }
    }
    converted
}

fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len()).step_by(2).map(|at| u8::from_str_radix(&text[at..at + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations_and_base64_ids_read_as_the_query_api_writes_them() {
        assert_eq!(duration_micros("5000ns"), Some(5));
        assert_eq!(duration_micros("1.5s"), Some(1_500_000));
        assert_eq!(duration_micros("3ms"), Some(3000));
        assert_eq!(duration_micros("soon"), None);
        assert_eq!(hex_id("AAAAAAAAAAI="), "0000000000000002");
        assert_eq!(hex_bytes("00003039"), Some(vec![0, 0, 0x30, 0x39]));
    }
}
