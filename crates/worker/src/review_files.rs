//! The review's files read in the worker (whose module carries the JSON readers, so the page's
//! stays small): a labels export, a taxonomy, and the agreement of two labellers' labels. Each
//! answers plain objects the page's handle takes; errors say the line or the field.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use trace_viewer_core::review::{agreement, read_labels_jsonl, Label, Taxonomy};

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

/// A labels file (JSON Lines, the labels export) as label objects; throws naming the line.
#[wasm_bindgen(js_name = readLabels)]
pub fn read_labels(text: &str) -> Result<JsValue, JsError> {
    Ok(to_js(&read_labels_jsonl(text).map_err(|error| JsError::new(&error))?))
}

/// A taxonomy file as the object the page takes; throws naming the field.
#[wasm_bindgen(js_name = readTaxonomy)]
pub fn read_taxonomy(text: &str) -> Result<JsValue, JsError> {
    Ok(to_js(
        &Taxonomy::from_json(text).map_err(|error| JsError::new(&format!("The taxonomy does not read: {error}")))?,
    ))
}

/// Cohen's kappa per category between `ours` (label objects) and another labeller's file.
#[wasm_bindgen(js_name = labelAgreement)]
pub fn label_agreement(ours: JsValue, theirs: &str, taxonomy: &str) -> Result<JsValue, JsError> {
    let ours: Vec<Label> = serde_wasm_bindgen::from_value(ours).map_err(|error| JsError::new(&error.to_string()))?;
    let theirs = read_labels_jsonl(theirs).map_err(|error| JsError::new(&error))?;
    let taxonomy = Taxonomy::from_json(taxonomy).map_err(|error| JsError::new(&error))?;
    Ok(to_js(&agreement(&ours, &theirs, &taxonomy)))
}
