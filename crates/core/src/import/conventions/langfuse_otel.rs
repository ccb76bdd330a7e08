//! Langfuse observations sent over OpenTelemetry (what its current SDKs export): the
//! `langfuse.observation.*` attributes (`type`, `input`, `output`, `model.name`,
//! `model.parameters`, `usage_details`, `cost_details`, `level`, `status_message`) are read as the
//! Langfuse importer reads an observation's fields, so a span is the same whichever way it came.

use crate::json::{Map, Value};

use super::{fill_details, value_text};
use crate::import::langfuse::{kind as observation_kind, observation_details};
use crate::model::{AiDetails, Attribute, AttributeValue, SpanKind, SpanStatus};

const PREFIX: &str = "langfuse.observation.";

/// The observation's kind, from `langfuse.observation.type` (`generation`, `tool`, ...).
pub fn kind(attributes: &[Attribute]) -> Option<SpanKind> {
    let kind = observation_kind(&text(attributes, "type")?.to_ascii_uppercase());
    (kind != SpanKind::Other).then_some(kind)
}

/// The value of `langfuse.observation.<field>`, found without writing the key out (asked of every
/// AI span, most of which have no Langfuse attribute at all).
fn value<'a>(attributes: &'a [Attribute], field: &str) -> Option<&'a AttributeValue> {
    attributes
        .iter()
        .find(|attribute| attribute.key.strip_prefix(PREFIX) == Some(field))
        .map(|attribute| &attribute.value)
}

fn text(attributes: &[Attribute], field: &str) -> Option<String> {
    value(attributes, field).and_then(value_text)
}

/// JSON text as its value; other text as a string.
fn json(text: String) -> Value<'static> {
    match crate::json::from_str(&text) {
        Ok(value) => value.into_owned(),
        Err(_) => Value::from(text),
    }
}

/// Fills the span's AI details (what is still empty) from the observation's attributes.
pub fn apply(attributes: &[Attribute], span_kind: SpanKind, span_name: &str, details: &mut AiDetails) {
    if value(attributes, "type").is_none_or(|kind| *kind == AttributeValue::Empty) {
        return;
    }
    let mut observation = Map::new();
    for (field, key, parse) in [
        ("model.name", "model", false),
        ("model.parameters", "modelParameters", true),
        ("input", "input", false),
        ("output", "output", false),
        ("usage_details", "usageDetails", true),
        ("cost_details", "costDetails", true),
    ] {
        if let Some(value) = text(attributes, field) {
            observation.insert(key, if parse { json(value) } else { Value::from(value) });
        }
    }
    fill_details(details, observation_details(&observation, span_kind, span_name));
}

/// `level: ERROR` fails a span whose status the file left unset, with its `status_message`.
pub fn status(attributes: &[Attribute], status: &mut SpanStatus) {
    if *status == SpanStatus::Unset && value(attributes, "level").is_some_and(|level| level.text() == "ERROR") {
        *status =
            SpanStatus::Error { message: text(attributes, "status_message").filter(|message| !message.is_empty()) };
    }
}
