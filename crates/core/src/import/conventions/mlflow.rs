//! MLflow's span attributes (values already decoded from MLflow's JSON text): `mlflow.spanType`
//! gives the kind, `mlflow.spanInputs` / `mlflow.spanOutputs` the input and output (a chat
//! model's messages and completion), `mlflow.chat.tokenUsage` the tokens, `mlflow.llm.model` or
//! the inputs' `model` the model, `mlflow.spanFunctionName` a tool's name. Read as the Langfuse
//! importer reads an observation's fields.

use crate::json::{Map, Value};

use super::{fill_details, value_text};
use crate::import::langfuse::observation_details;
use crate::model::{attribute::find, AiDetails, Attribute, AttributeValue, SpanKind};

fn text(attributes: &[Attribute], key: &str) -> Option<String> {
    find(attributes, key).and_then(value_text)
}

/// The span's kind from `mlflow.spanType`.
pub fn kind(attributes: &[Attribute]) -> Option<SpanKind> {
    Some(match text(attributes, "mlflow.spanType")?.as_str() {
        "CHAT_MODEL" | "LLM" => SpanKind::Llm,
        "TOOL" => SpanKind::Tool,
        "RETRIEVER" | "RERANKER" => SpanKind::Retrieval,
        "AGENT" => SpanKind::Agent,
        "CHAIN" => SpanKind::Chain,
        "EMBEDDING" => SpanKind::Embedding,
        "GUARDRAIL" => SpanKind::Guardrail,
        _ => return None,
    })
}

/// An attribute as JSON, for the observation reader: text read as the JSON it holds (else as
/// text), maps and lists as the objects and arrays they were read from, borrowing the
/// attribute's text. The same document as parsing the value's display text, without writing it.
fn json(value: &AttributeValue) -> Value<'_> {
    match value {
        AttributeValue::String(text) => crate::json::from_str(text).unwrap_or_else(|_| Value::from(text.as_str())),
        AttributeValue::Empty => Value::from(""),
        other => other.to_document(),
    }
}

/// Fills the span's AI details (what is still empty) from MLflow's attributes.
pub fn apply(attributes: &[Attribute], span_kind: SpanKind, span_name: &str, details: &mut AiDetails) {
    let Some(span_type) = text(attributes, "mlflow.spanType") else { return };
    let mut observation = Map::new();
    let inputs = find(attributes, "mlflow.spanInputs").map(json);
    let model = text(attributes, "mlflow.llm.model")
        .or_else(|| inputs.as_ref().and_then(|inputs| inputs.get("model")?.as_str().map(str::to_string)));
    if let Some(model) = model {
        observation.insert("model", Value::from(model));
    }
    if let Some(inputs) = inputs {
        observation.insert("input", inputs);
    }
    let outputs = find(attributes, "mlflow.spanOutputs").map(json);
    // MLflow 2 has no token usage attribute: a chat completion's own `usage` says it.
    let usage = find(attributes, "mlflow.chat.tokenUsage")
        .map(json)
        .or_else(|| outputs.as_ref().and_then(|outputs| outputs.get("usage").cloned()));
    if let Some(outputs) = outputs {
        observation.insert("output", outputs);
    }
    if let Some(usage) = usage {
        observation.insert("usageDetails", usage);
    }
    let mut read = observation_details(&observation, span_kind, span_name);
    read.provider = text(attributes, "mlflow.llm.provider");
    if let (Some(tool), "TOOL") = (read.tool.as_mut(), span_type.as_str()) {
        tool.name = text(attributes, "mlflow.spanFunctionName").or(tool.name.take());
    }
    fill_details(details, read);
}
