//! MLflow traces: the trace JSON `mlflow traces` and Databricks agent endpoints return
//! (`{info, data: {spans}}`; MLflow 3 spans in OpenTelemetry's fields with snake_case names and
//! base64 ids, MLflow 2 spans as the OpenTelemetry Python SDK dumps them with integer nanosecond
//! times), and MLflow 2's bare span list. Every attribute value MLflow writes is JSON text (a
//! string attribute is `"\"CHAT_MODEL\""`): it is read as the value it encodes. The trace's
//! metadata gives its request, response, user and session; its assessments become feedback.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::json::{Map, Value};

use super::fields::{keep_unreadable, string_field, text, text_or_json, time_ns};
use super::pipeline::set_times;
use super::{otlp, span_dumps, ImportError, RawImport};
use crate::model::{
    Attribute, AttributeValue, Feedback, FeedbackKind, ImportWarning, OptionalIndex, Resource, Scope, Span, SpanEvent,
};

/// The format's tag on an import.
pub const FORMAT: &str = "mlflow";

fn info<'a>(value: &'a Value<'a>) -> Option<&'a Map<'a>> {
    let info = value.get("info")?.as_object()?;
    (info.contains_key("trace_id") || info.contains_key("request_id")).then_some(info)
}

fn spans<'a>(value: &'a Value<'a>) -> Option<&'a Vec<Value<'a>>> {
    value.get("data")?.get("spans")?.as_array()
}

pub fn sniff(value: &Value) -> bool {
    info(value).is_some() && spans(value).is_some()
}

/// Whether span attributes are MLflow's (a bare MLflow 2 span list, read by `span_dumps`).
pub fn has_mlflow_attributes(span: &Value) -> bool {
    span.get("attributes").and_then(Value::as_object).is_some_and(|attributes| {
        attributes.contains_key("mlflow.traceRequestId") || attributes.contains_key("mlflow.spanType")
    })
}

/// MLflow's JSON-text attribute values as the values they encode (text that is not JSON stays).
pub fn decode_attributes(import: &mut RawImport) {
    let decode = |attribute: &mut Attribute| {
        if let Some(value) = attribute.value.as_str().and_then(json_text_value) {
            attribute.value = value;
        }
    };
    for span in import.traces.iter_mut().flat_map(|raw| raw.spans.iter_mut()) {
        span.attributes.iter_mut().for_each(decode);
        for event in span.events.iter_mut() {
            event.attributes.iter_mut().for_each(decode);
        }
    }
}

/// An MLflow attribute value: JSON text read as the value it encodes (text that is not JSON
/// stays text); a value that is not text is read as OTLP's reader reads an attribute value.
fn attribute_value(value: &Value) -> AttributeValue {
    match value {
        Value::String(text) => decoded_text(text),
        other => decoded(otlp::any_value(other)),
    }
}

/// JSON text as the value it encodes, parsed once; other text as it is.
fn decoded_text(text: &str) -> AttributeValue {
    json_text_value(text).unwrap_or_else(|| AttributeValue::String(text.to_string()))
}

/// The value JSON text encodes, or `None` when the text is not JSON.
fn json_text_value(text: &str) -> Option<AttributeValue> {
    if let Some(inner) = plain_json_string(text) {
        return Some(AttributeValue::String(inner.to_string()));
    }
    crate::json::from_str(text).ok().map(|value| AttributeValue::from_json(&value))
}

/// The text inside a JSON string with nothing to unescape (`"\"CHAT_MODEL\""` → `CHAT_MODEL`),
/// the most common MLflow attribute, read without the parser (which would read it the same).
fn plain_json_string(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    inner.bytes().all(|byte| byte != b'"' && byte != b'\\' && byte >= 0x20).then_some(inner)
}

/// A value already read, decoded when it is text.
fn decoded(value: AttributeValue) -> AttributeValue {
    match value {
        AttributeValue::String(text) => decoded_text(&text),
        other => other,
    }
}

/// An MLflow 3 `attributes` map (every value JSON text) as attributes, in file order.
fn span_attributes(attributes: &Value) -> Vec<Attribute> {
    let Some(map) = attributes.as_object() else { return Vec::new() };
    map.iter().map(|(key, value)| Attribute::new(key, attribute_value(value))).collect()
}

/// An MLflow 3 span's fields, gathered in one pass over its entries (nulls say nothing and are
/// skipped). Id and time fields hold their camelCase and snake_case spellings, the camelCase one
/// first (OTLP's reader prefers it); `others` are the entries no field takes, in file order.
#[derive(Default)]
struct SpanFields<'v, 'j> {
    trace_id: [Option<&'v Value<'j>>; 2],
    span_id: [Option<&'v Value<'j>>; 2],
    parent_span_id: [Option<&'v Value<'j>>; 2],
    start: [Option<&'v Value<'j>>; 2],
    end: [Option<&'v Value<'j>>; 2],
    name: Option<&'v Value<'j>>,
    kind: Option<&'v Value<'j>>,
    status: Option<&'v Value<'j>>,
    attributes: Option<&'v Value<'j>>,
    events: Option<&'v Value<'j>>,
    links: Option<&'v Value<'j>>,
    others: Vec<Attribute>,
}

impl<'v, 'j> SpanFields<'v, 'j> {
    fn read(object: &'v Map<'j>) -> Self {
        let mut fields = SpanFields::default();
        for (key, value) in object.iter().filter(|(_, value)| !value.is_null()) {
            let slot = match key {
                "traceId" => &mut fields.trace_id[0],
                "trace_id" => &mut fields.trace_id[1],
                "spanId" => &mut fields.span_id[0],
                "span_id" => &mut fields.span_id[1],
                "parentSpanId" => &mut fields.parent_span_id[0],
                "parent_span_id" => &mut fields.parent_span_id[1],
                "startTimeUnixNano" => &mut fields.start[0],
                "start_time_unix_nano" => &mut fields.start[1],
                "endTimeUnixNano" => &mut fields.end[0],
                "end_time_unix_nano" => &mut fields.end[1],
                "name" => &mut fields.name,
                "kind" => &mut fields.kind,
                "status" => &mut fields.status,
                "attributes" => &mut fields.attributes,
                "events" => &mut fields.events,
                "links" => &mut fields.links,
                _ => {
                    fields.others.push(Attribute::new(key, AttributeValue::from_json(value)));
                    continue;
                }
            };
            *slot = Some(value);
        }
        fields
    }
}

/// The first spelling present (camelCase before snake_case) and its name.
fn spelled<'v, 'j>(
    pair: [Option<&'v Value<'j>>; 2],
    names: [&'static str; 2],
) -> Option<(&'static str, &'v Value<'j>)> {
    pair[0].map(|value| (names[0], value)).or_else(|| pair[1].map(|value| (names[1], value)))
}

/// An id from the first of its two spellings, as OTLP's reader reads it.
fn id(
    pair: [Option<&Value>; 2],
    names: [&'static str; 2],
    length: usize,
    problems: &mut Vec<String>,
) -> Option<String> {
    otlp::id_value(spelled(pair, names).map(|(_, value)| value), names[0], length, problems)
}

/// One of a span's events (anything but an object is an event with nothing said) as OTLP's
/// reader reads it, its attributes and other fields decoded from their JSON text.
fn read_event(event: &Value) -> SpanEvent {
    let mut read = SpanEvent { name: String::new(), time_ns: None, attributes: Vec::new() };
    let Some(object) = event.as_object() else { return read };
    let mut time = [None, None];
    let mut others = Vec::new();
    for (key, value) in object.iter().filter(|(_, value)| !value.is_null()) {
        match key {
            "name" => read.name = text(value).map(Cow::into_owned).unwrap_or_default(),
            "timeUnixNano" => time[0] = Some(value),
            "time_unix_nano" => time[1] = Some(value),
            "attributes" => read.attributes = span_attributes(value),
            _ => others.push(Attribute::new(key, decoded(AttributeValue::from_json(value)))),
        }
    }
    read.time_ns = time[0].or(time[1]).and_then(time_ns);
    read.attributes.extend(others);
    read
}

/// Reads one MLflow 3 span as OTLP's reader reads a span, its attributes decoded from their JSON
/// text (and its events' attributes and other fields, as [`decode_attributes`] decodes them).
fn read_span(object: &Map, made_up_ids: &mut usize) -> (String, Span) {
    let fields = SpanFields::read(object);
    let mut problems = Vec::new();
    let trace_id = id(fields.trace_id, ["traceId", "trace_id"], 16, &mut problems).unwrap_or_default();
    let span_id = id(fields.span_id, ["spanId", "span_id"], 8, &mut problems).unwrap_or_else(|| {
        *made_up_ids += 1;
        problems.push("span has no spanId; this id was made up for it".into());
        format!("missing-id-{made_up_ids}")
    });
    let parent = id(fields.parent_span_id, ["parentSpanId", "parent_span_id"], 8, &mut problems);
    let name = fields.name.and_then(text).map(Cow::into_owned).unwrap_or_default();
    let mut span = Span::new(span_id, parent, name);
    span.protocol_kind = otlp::protocol_kind(fields.kind);
    span.status = otlp::status(fields.status);
    span.attributes = fields.attributes.map(span_attributes).unwrap_or_default();
    let mut kept_fields = fields.others;
    let mut time = |pair, names: [&'static str; 2]| {
        let (key, value) = spelled(pair, names)?;
        let time = time_ns(value);
        if time.is_none() {
            problems.push(keep_unreadable(key, value, "a time in nanoseconds", &mut kept_fields));
        }
        time
    };
    let start = time(fields.start, ["startTimeUnixNano", "start_time_unix_nano"]);
    let end = time(fields.end, ["endTimeUnixNano", "end_time_unix_nano"]);
    span.other_fields = kept_fields.into();
    set_times(&mut span, start, end, otlp::TIME_FIELDS, false);
    if let Some(events) = fields.events.and_then(Value::as_array) {
        span.events = events.iter().map(read_event).collect();
    }
    if let Some(Value::Array(links)) = fields.links {
        span.links = otlp::read_links(links).into();
    }
    for problem in problems {
        span.warnings.push(ImportWarning::for_span(&span.span_id, problem));
    }
    (trace_id, span)
}
/// MLflow 3 spans, trace by trace as their ids say; each trace has one empty resource and scope
/// (what OTLP's reader gives spans of no resource and scope).
fn read_spans(spans: &[Value]) -> RawImport {
    let mut import = RawImport::new(FORMAT);
    let mut trace_index = HashMap::new();
    let mut made_up_ids = 0;
    for object in spans.iter().filter_map(Value::as_object) {
        let (trace_id, mut span) = read_span(object, &mut made_up_ids);
        let position = import.trace_position(&mut trace_index, &trace_id);
        let raw = &mut import.traces[position];
        if raw.spans.is_empty() {
            raw.trace.resources.push(Resource::default());
            raw.trace.scopes.push(Scope::default());
        }
        span.resource = OptionalIndex::from(0);
        span.scope = OptionalIndex::from(0);
        raw.spans.push(span);
        super::progress::span_read();
    }
    import
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let (Some(info), Some(spans)) = (info(value), spans(value)) else {
        return Err(ImportError::Invalid {
            path: "$".into(),
            reason: "expected an MLflow trace {info, data: {spans}}".into(),
        });
    };
    let mlflow_3 = spans.first().is_some_and(|span| span.get("span_id").is_some());
    let mut import = if mlflow_3 { read_spans(spans) } else { span_dumps::import(&Value::Array(spans.clone()))? };
    // `span_dumps` decodes MLflow's attribute text itself when it sees MLflow's attributes.
    if import.format != FORMAT {
        decode_attributes(&mut import);
        import.format = FORMAT;
    }
    let metadata = info.get("trace_metadata").or_else(|| info.get("request_metadata")).and_then(Value::as_object);
    let tags = info.get("tags").and_then(Value::as_object);
    let meta = |key: &str| metadata.and_then(|metadata| string_field(metadata, &[key]));
    let tag = |key: &str| tags.and_then(|tags| string_field(tags, &[key]));
    let feedback: Vec<Feedback> = info
        .get("assessments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .filter_map(assessment)
        .collect();
    let Some(raw) = import.traces.first_mut() else { return Ok(import) };
    let trace = &mut raw.trace;
    if let Some(name) = tag("mlflow.traceName") {
        trace.name = name;
    }
    trace.user_input = meta("mlflow.traceInputs").map(|text| readable(&text));
    trace.final_output = meta("mlflow.traceOutputs").map(|text| readable(&text));
    trace.user_id = meta("mlflow.trace.user").or_else(|| tag("mlflow.trace.user"));
    trace.session_id = meta("mlflow.trace.session").or_else(|| tag("mlflow.trace.session"));
    trace.feedback.extend(feedback);
    for key in ["trace_id", "request_id", "state", "status"] {
        if let Some(value) = info.get(key).filter(|value| !value.is_null()) {
            trace.other_fields.push(Attribute::new(format!("mlflow.{key}"), AttributeValue::from_json(value)));
        }
    }
    if import.traces.len() > 1 {
        let count = import.traces.len();
        import.warnings.push(ImportWarning::general(format!(
            "the MLflow trace's spans name {count} trace ids; its request, response and assessments are shown on the first"
        )));
    }
    Ok(import)
}

/// JSON text compacted (MLflow writes `{"question": "..."}` with spaces); other text as it is.
fn readable(text: &str) -> String {
    serde_json::from_str::<Value>(text).ok().and_then(|value| text_or_json(&value)).unwrap_or_else(|| text.to_string())
}

/// An assessment: feedback (a value: true/false a thumb, a number a score, text a label) with its
/// rationale, or an expectation (the expected answer, as text).
fn assessment(assessment: &Map) -> Option<Feedback> {
    let name = string_field(assessment, &["assessment_name", "name"]);
    let time_ns = assessment.get("create_time").and_then(Value::as_str).and_then(crate::model::parse_rfc3339_ns);
    let span_id = string_field(assessment, &["span_id"]);
    let comment = string_field(assessment, &["rationale"]);
    if let Some(value) = assessment.get("feedback").and_then(|feedback| feedback.get("value")) {
        let (kind, number, text) = match value {
            Value::Bool(true) => (FeedbackKind::ThumbsUp, None, None),
            Value::Bool(false) => (FeedbackKind::ThumbsDown, None, None),
            Value::Number(number) => (FeedbackKind::Score, number.as_f64(), None),
            other => (FeedbackKind::Score, None, text_or_json(other)),
        };
        return Some(Feedback { kind, name, value: number, comment, text, time_ns, span_id });
    }
    let expected = assessment.get("expectation")?;
    let text = expected
        .get("value")
        .or_else(|| expected.get("serialized_value").and_then(|serialized| serialized.get("value")))
        .and_then(text_or_json);
    Some(Feedback {
        kind: FeedbackKind::Other("expectation".into()),
        name,
        value: None,
        comment,
        text,
        time_ns,
        span_id,
    })
}
