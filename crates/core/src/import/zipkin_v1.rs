//! Zipkin v1 JSON (`annotations` with endpoints, `binaryAnnotations`), turned into the v2 shape
//! the Zipkin importer reads, as Zipkin's own converter does: the core annotations say the kind
//! and the times (`cs`/`cr` a client, `sr`/`ss` a server, `ms` a producer, `mr` a consumer), their
//! endpoint is the span's service; `sa`/`ca`/`ma` address annotations are the remote endpoint; the
//! other binary annotations are tags and the other annotations stay annotations. A v1 span that
//! holds both halves of an RPC becomes a client span and a shared server span.

use crate::json::{Map, Value};

use super::fields::{string_field, unsigned};

/// Whether a span is written in v1: binary annotations, or annotations that carry endpoints,
/// and no v2 `localEndpoint`.
pub fn is_v1_span(value: &Value) -> bool {
    value.as_object().is_some_and(is_v1_object)
}

/// [`is_v1_span`] of an object.
pub fn is_v1_object(object: &Map) -> bool {
    let annotated = object.get("binaryAnnotations").is_some_and(Value::is_array)
        || object
            .get("annotations")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|annotation| annotation.get("endpoint").is_some()));
    annotated
        && !object.contains_key("localEndpoint")
        && object.get("traceId").is_some_and(Value::is_string)
        && object.get("id").is_some_and(Value::is_string)
}

/// One side of a v1 span: its kind, its core annotations' times and its endpoint.
struct Side<'a> {
    kind: &'static str,
    start: Option<u64>,
    end: Option<u64>,
    endpoint: Option<Value<'a>>,
}

fn service<'a>(endpoint: Option<&'a Value<'a>>) -> Option<&'a str> {
    endpoint?.get("serviceName")?.as_str()
}

/// The v2 spans a v1 span stands for (one, or a client and a shared server span).
pub fn to_v2<'a>(span: &'a Map<'a>) -> Vec<Map<'a>> {
    let annotations: Vec<&Map<'a>> =
        span.get("annotations").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).collect();
    let binary: Vec<&Map<'a>> = span
        .get("binaryAnnotations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .collect();
    let find = |value: &str| {
        annotations.iter().find(|annotation| annotation.get("value").and_then(Value::as_str) == Some(value))
    };
    let time = |value: &str| find(value).and_then(|annotation| annotation.get("timestamp")).and_then(unsigned);
    let endpoint = |values: [&str; 2]| values.iter().find_map(|value| find(value)?.get("endpoint").cloned());
    let mut sides = Vec::new();
    for (kind, start, end) in
        [("CLIENT", "cs", "cr"), ("SERVER", "sr", "ss"), ("PRODUCER", "ms", "ws"), ("CONSUMER", "mr", "wr")]
    {
        let (begin, finish) = (time(start), time(end));
        // `ws`/`wr` are wire annotations of any span; they only make a messaging side with `ms`/`mr`.
        if begin.is_some() || (finish.is_some() && matches!(kind, "CLIENT" | "SERVER")) {
            sides.push(Side { kind, start: begin, end: finish, endpoint: endpoint([start, end]) });
        }
    }
    let core: &[&str] = match sides.iter().map(|side| side.kind).collect::<Vec<_>>().as_slice() {
        kinds if kinds.contains(&"PRODUCER") || kinds.contains(&"CONSUMER") => {
            &["cs", "cr", "sr", "ss", "ms", "mr", "ws", "wr"]
        }
        _ => &["cs", "cr", "sr", "ss"],
    };
    if sides.is_empty() {
        // A local span: its service from any annotation's endpoint, or the `lc` binary annotation's.
        let endpoint = annotations
            .iter()
            .find_map(|annotation| annotation.get("endpoint").cloned())
            .or_else(|| binary.iter().find_map(|annotation| annotation.get("endpoint").cloned()));
        sides.push(Side { kind: "", start: None, end: None, endpoint });
    }
    let both_halves = sides.len() > 1;
    let whole = (span.get("timestamp").and_then(unsigned), span.get("duration").and_then(unsigned));
    sides
        .iter()
        .enumerate()
        .map(|(position, side)| {
            let mut v2: Map = span
                .iter()
                .filter(|(key, _)| !matches!(*key, "annotations" | "binaryAnnotations" | "timestamp" | "duration"))
                .map(|(key, value)| (key, value.clone()))
                .collect();
            if !side.kind.is_empty() {
                v2.insert("kind", Value::String(side.kind.into()));
            }
            // The span's own timestamp and duration are the first side's (the client's when both
            // halves are here); another side's come from its core annotations.
            let (start, duration) = match (position, whole) {
                (0, (Some(start), duration)) => (Some(start), duration),
                _ => (side.start, side.start.zip(side.end).map(|(start, end)| end.saturating_sub(start))),
            };
            if let Some(start) = start {
                v2.insert("timestamp", Value::from(start));
            }
            if let Some(duration) = duration {
                v2.insert("duration", Value::from(duration));
            }
            if let Some(endpoint) = &side.endpoint {
                v2.insert("localEndpoint", endpoint.clone());
            }
            // A server half is shared when the client's half is here too, or when (as v1 servers do
            // for a span the client started) it did not record the span's timestamp.
            if (both_halves && position > 0) || (side.kind == "SERVER" && whole.0.is_none()) {
                v2.insert("shared", Value::Bool(true));
            }
            let mine = |endpoint: Option<&Value>| match (service(endpoint), service(side.endpoint.as_ref())) {
                (Some(theirs), Some(ours)) => theirs == ours,
                _ => position == 0,
            };
            let remote_key = match side.kind {
                "CLIENT" | "PRODUCER" => "sa",
                "SERVER" | "CONSUMER" => "ca",
                _ => "",
            };
            let mut tags = Vec::new();
            for annotation in &binary {
                let Some(key) = string_field(annotation, &["key"]) else { continue };
                let value = annotation.get("value").cloned().unwrap_or(Value::Null);
                if matches!(key.as_str(), "sa" | "ca" | "ma") {
                    if key == remote_key || (key == "ma" && matches!(side.kind, "PRODUCER" | "CONSUMER")) {
                        if let Some(endpoint) = annotation.get("endpoint") {
                            v2.insert("remoteEndpoint", endpoint.clone());
                        }
                    }
                    continue;
                }
                if mine(annotation.get("endpoint")) {
                    let text = match value {
                        Value::String(text) => Value::String(text),
                        other => Value::from(other.to_string()),
                    };
                    tags.push((key, text));
                }
            }
            if !tags.is_empty() {
                v2.insert("tags", Value::Object(tags.into_iter().collect()));
            }
            let others: Vec<Value> = annotations
                .iter()
                .filter(|annotation| {
                    !annotation.get("value").and_then(Value::as_str).is_some_and(|value| core.contains(&value))
                })
                .filter(|annotation| mine(annotation.get("endpoint")))
                .map(|annotation| {
                    let mut kept = Map::new();
                    for key in ["timestamp", "value"] {
                        if let Some(value) = annotation.get(key) {
                            kept.insert(key, value.clone());
                        }
                    }
                    Value::Object(kept)
                })
                .collect();
            if !others.is_empty() {
                v2.insert("annotations", Value::Array(others));
            }
            v2
        })
        .collect()
}
