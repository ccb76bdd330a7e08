//! MLflow traces: the trace JSON `mlflow traces` and Databricks agent endpoints return
//! (`{info, data: {spans}}`; MLflow 3 spans in OpenTelemetry's fields with snake_case names and
//! base64 ids, MLflow 2 spans as the OpenTelemetry Python SDK dumps them with integer nanosecond
//! times), and MLflow 2's bare span list. Every attribute value MLflow writes is JSON text (a
//! string attribute is `"\"CHAT_MODEL\""`): it is read as the value it encodes. The trace's
//! metadata gives its request, response, user and session; its assessments become feedback.

use crate::json::{Map, Value};

use super::fields::{string_field, text_or_json};
use super::{otlp, span_dumps, ImportError, RawImport};
use crate::model::{Attribute, AttributeValue, Feedback, FeedbackKind, ImportWarning};

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
        if let AttributeValue::String(text) = &attribute.value {
            if let Ok(value) = serde_json::from_str::<Value>(text) {
                attribute.value = AttributeValue::from_json(&value);
            }
        }
    };
    for span in import.traces.iter_mut().flat_map(|raw| raw.spans.iter_mut()) {
        span.attributes.iter_mut().for_each(decode);
        for event in span.events.iter_mut() {
            event.attributes.iter_mut().for_each(decode);
        }
    }
}

/// An MLflow 3 span (snake_case OpenTelemetry fields, attributes as a map) in OTLP/JSON's shape.
fn otlp_span<'a>(span: &Map<'a>) -> Value<'a> {
    let key_values = |attributes: Option<&Value<'a>>| {
        let map = attributes.and_then(Value::as_object);
        Value::Array(
            map.into_iter()
                .flatten()
                .map(|(key, value)| Value::object([("key", Value::from(key.to_string())), ("value", value.clone())]))
                .collect(),
        )
    };
    let mut converted = Map::new();
    for (key, value) in span {
        let value = match key {
            "attributes" => key_values(Some(value)),
            "events" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|event| {
                        let mut event = event.as_object().cloned().unwrap_or_default();
                        let attributes = key_values(event.get("attributes"));
                        event.insert("attributes", attributes);
                        Value::Object(event)
                    })
                    .collect(),
            ),
            _ => value.clone(),
        };
        converted.insert(key.to_string(), value);
    }
    Value::Object(converted)
}

pub fn import(value: &Value) -> Result<RawImport, ImportError> {
    let (Some(info), Some(spans)) = (info(value), spans(value)) else {
        return Err(ImportError::Invalid {
            path: "$".into(),
            reason: "expected an MLflow trace {info, data: {spans}}".into(),
        });
    };
    let mlflow_3 = spans.first().is_some_and(|span| span.get("span_id").is_some());
    let mut import = if mlflow_3 {
        let spans: Vec<Value> = spans.iter().filter_map(Value::as_object).map(otlp_span).collect();
        let scope_spans = Value::Array(vec![Value::object([("spans", Value::Array(spans))])]);
        let resource_spans = Value::Array(vec![Value::object([("scopeSpans", scope_spans)])]);
        otlp::import(&Value::object([("resourceSpans", resource_spans)]))?
    } else {
        span_dumps::import(&Value::Array(spans.clone()))?
    };
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
