//! A trace set as a `trace-viewer/v1` document (see `www/trace-viewer.schema.json`). Times are
//! written as exact nanoseconds (`start_ns`, `end_ns`); fields the model keeps as "other fields"
//! become extra keys, which the importer keeps as other fields again, or, when one of their keys
//! means something in this format (a span field `error` from another format), all go into an
//! `other_fields` object, so a round trip never changes what a file means.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::import::{OWN_SPAN_FIELDS, OWN_TRACE_FIELDS};
use crate::model::encoding::base64_encode;
use crate::model::{
    AiDetails, Attribute, AttributeValue, Feedback, FeedbackKind, Message, SpanStatus, Trace, TraceSet,
};

/// Attributes as an object of key → value, or, where two share a key (Jaeger tags may), as a
/// list of `{key, value}` in order, so none is lost.
fn attributes_object(attributes: &[Attribute]) -> Value {
    let holds_bytes = attributes.iter().any(|attribute| matches!(attribute.value, AttributeValue::Bytes(_)));
    if !holds_bytes && !has_shared_keys(attributes) {
        Value::Object(attributes.iter().map(|attribute| (attribute.key.clone(), attribute.value.to_json())).collect())
    } else {
        // The list form: keys may repeat, and bytes stay bytes (as base64 under "bytes"), not text.
        attributes
            .iter()
            .map(|attribute| match &attribute.value {
                AttributeValue::Bytes(bytes) => json!({"key": attribute.key, "bytes": base64_encode(bytes)}),
                value => json!({"key": attribute.key, "value": value.to_json()}),
            })
            .collect()
    }
}

/// Whether two attributes share a key (a span may carry 100,000: one pass with a set).
fn has_shared_keys(attributes: &[Attribute]) -> bool {
    let mut seen = HashSet::with_capacity(attributes.len());
    attributes.iter().any(|attribute| !seen.insert(attribute.key.as_str()))
}

/// Adds `fields` to `object` as keys of their own where none of them clashes with a key of the
/// format (`reserved`) or one already written or another field; else all of them, in order, as
/// the object `other_fields` (read back the same way).
fn insert_other_fields(object: &mut Map<String, Value>, fields: &[Attribute], reserved: &[&str]) {
    let clashes = has_shared_keys(fields)
        || fields.iter().any(|field| reserved.contains(&field.key.as_str()) || object.contains_key(&field.key));
    if clashes {
        object.insert("other_fields".into(), attributes_object(fields));
    } else {
        for field in fields {
            object.insert(field.key.clone(), field.value.to_json());
        }
    }
}

fn insert_text(object: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        object.insert(key.into(), Value::String(value.clone()));
    }
}

fn message_json(message: &Message) -> Value {
    let mut object = Map::new();
    object.insert("role".into(), Value::String(message.role.clone()));
    object.insert("content".into(), Value::String(message.content.clone()));
    insert_text(&mut object, "name", &message.name);
    insert_text(&mut object, "tool_call_id", &message.tool_call_id);
    if !message.tool_calls.is_empty() {
        let calls: Vec<Value> = message
            .tool_calls
            .iter()
            .map(|call| json!({"id": call.id, "name": call.name, "arguments": call.arguments}))
            .collect();
        object.insert("tool_calls".into(), Value::Array(calls));
    }
    Value::Object(object)
}

fn ai_fields(details: &AiDetails, object: &mut Map<String, Value>) {
    insert_text(object, "model", &details.model);
    insert_text(object, "provider", &details.provider);
    insert_text(object, "parameters", &details.parameters);
    insert_text(object, "input", &details.input);
    insert_text(object, "output", &details.output);
    if !details.input_messages.is_empty() {
        object.insert("input_messages".into(), details.input_messages.as_read().iter().map(message_json).collect());
    }
    if !details.output_messages.is_empty() {
        object.insert("output_messages".into(), details.output_messages.as_read().iter().map(message_json).collect());
    }
    if let Some(tool) = &details.tool {
        object.insert(
            "tool".into(),
            json!({"name": tool.name, "call_id": tool.call_id, "arguments": tool.arguments, "result": tool.result}),
        );
    }
    if !details.documents.is_empty() {
        let documents: Vec<Value> = details
            .documents
            .iter()
            .map(|document| json!({"id": document.id, "content": document.content, "score": document.score, "metadata": document.metadata}))
            .collect();
        object.insert("documents".into(), Value::Array(documents));
    }
    let tokens = &details.tokens;
    if !tokens.is_empty() {
        let counts = [
            ("input", tokens.input),
            ("output", tokens.output),
            ("total", tokens.total),
            ("cached", tokens.cached),
            ("reasoning", tokens.reasoning),
        ];
        let map: Map<String, Value> =
            counts.into_iter().filter_map(|(key, value)| Some((key.to_string(), Value::from(value?)))).collect();
        object.insert("tokens".into(), Value::Object(map));
    }
    if let Some(cost) = details.cost_usd {
        object.insert("cost_usd".into(), json!(cost));
    }
}

fn span_json(trace: &Trace, index: usize) -> Value {
    let span = &trace.spans[index];
    let mut object = Map::new();
    object.insert("id".into(), Value::String(span.span_id.clone()));
    insert_text(&mut object, "parent", &trace.parent_id_of(index).map(str::to_string));
    object.insert("name".into(), Value::String(span.name.clone()));
    object.insert("kind".into(), Value::String(span.kind.as_str().into()));
    object.insert("start_ns".into(), Value::String(span.start_ns.to_string()));
    object.insert("end_ns".into(), Value::String(span.end_ns().to_string()));
    match &span.status {
        SpanStatus::Unset => {}
        SpanStatus::Ok => {
            object.insert("status".into(), Value::String("ok".into()));
        }
        SpanStatus::Error { message } => {
            object.insert("status".into(), Value::String("error".into()));
            insert_text(&mut object, "error", message);
        }
    }
    if !span.attributes.is_empty() {
        object.insert("attributes".into(), attributes_object(&span.attributes));
    }
    if !span.events.is_empty() {
        let events: Vec<Value> = span
            .events
            .iter()
            .map(|event| {
                let mut entry = json!({"name": event.name, "attributes": attributes_object(&event.attributes)});
                if let Some(time) = event.time_ns {
                    entry["time_ns"] = Value::String(time.to_string());
                }
                entry
            })
            .collect();
        object.insert("events".into(), Value::Array(events));
    }
    if !span.links.is_empty() {
        let links: Vec<Value> = span
            .links
            .iter()
            .map(|link| json!({"trace_id": link.trace_id, "span_id": link.span_id, "attributes": attributes_object(&link.attributes)}))
            .collect();
        object.insert("links".into(), Value::Array(links));
    }
    if let Some(details) = &span.ai {
        ai_fields(&details.with_messages_read(&span.attributes), &mut object);
    }
    insert_other_fields(&mut object, &span.other_fields, OWN_SPAN_FIELDS);
    Value::Object(object)
}

fn feedback_type(kind: &FeedbackKind) -> String {
    match kind {
        FeedbackKind::ThumbsUp => "thumbs_up".into(),
        FeedbackKind::ThumbsDown => "thumbs_down".into(),
        FeedbackKind::FollowUp => "follow_up".into(),
        FeedbackKind::Abandoned => "abandoned".into(),
        FeedbackKind::Converted => "converted".into(),
        FeedbackKind::Score => "score".into(),
        FeedbackKind::Other(name) => name.clone(),
    }
}

fn feedback_json(feedback: &Feedback) -> Value {
    let mut object = Map::new();
    object.insert("type".into(), Value::String(feedback_type(&feedback.kind)));
    insert_text(&mut object, "name", &feedback.name);
    if let Some(value) = feedback.value {
        object.insert("value".into(), json!(value));
    }
    insert_text(&mut object, "comment", &feedback.comment);
    insert_text(&mut object, "text", &feedback.text);
    if let Some(time) = feedback.time_ns {
        object.insert("time_ns".into(), Value::String(time.to_string()));
    }
    insert_text(&mut object, "span_id", &feedback.span_id);
    Value::Object(object)
}

fn trace_json(trace: &Trace) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), Value::String(trace.trace_id.clone()));
    object.insert("name".into(), Value::String(trace.name.clone()));
    insert_text(&mut object, "input", &trace.user_input);
    insert_text(&mut object, "intent", &trace.intent);
    insert_text(&mut object, "output", &trace.final_output);
    insert_text(&mut object, "user_id", &trace.user_id);
    insert_text(&mut object, "session_id", &trace.session_id);
    insert_text(&mut object, "variant", &trace.variant);
    if !trace.feedback.is_empty() {
        object.insert("feedback".into(), trace.feedback.iter().map(feedback_json).collect());
    }
    insert_other_fields(&mut object, &trace.other_fields, OWN_TRACE_FIELDS);
    object.insert("spans".into(), (0..trace.spans.len()).map(|index| span_json(trace, index)).collect());
    Value::Object(object)
}

/// The whole set as one `trace-viewer/v1` document.
pub fn to_own_format(set: &TraceSet) -> Value {
    json!({
        "format": crate::import::OWN_FORMAT_TAG,
        "traces": set.traces.iter().map(trace_json).collect::<Vec<_>>(),
    })
}
