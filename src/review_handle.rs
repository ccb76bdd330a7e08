//! The handle's review methods: the queue the corpus worker picked, labels brought back from
//! IndexedDB or imported from a file, the labels and taxonomy read out for saving and export, the
//! patterns found, and the agreement with another labeller's file. Files are read (JSON) in the
//! corpus worker, whose module carries the JSON readers; the page takes plain objects.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::element::ViewerHandle;
use trace_viewer_core::review::{Label, Taxonomy};
use trace_viewer_ui::review_state::queue_picked;

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|error| JsError::new(&error.to_string()))
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

#[wasm_bindgen]
impl ViewerHandle {
    /// The review queue the corpus worker picked (trace ids in order): the review starts.
    #[wasm_bindgen(js_name = reviewQueue)]
    pub fn review_queue(&self, trace_ids: Vec<String>) {
        queue_picked(&self.viewer.state, trace_ids);
    }

    /// The corpus worker could not pick a queue: the reason is shown.
    #[wasm_bindgen(js_name = reviewQueueFailed)]
    pub fn review_queue_failed(&self, message: &str) {
        self.viewer.state.review.picking_failed();
        self.viewer.state.show_error(message.to_string());
    }

    /// A corpus's saved labels and taxonomy (as the corpus worker read it: `readTaxonomy`; none
    /// keeps the taxonomy shown), merged into what the review holds.
    #[wasm_bindgen(js_name = restoreLabels)]
    pub fn restore_labels(&self, labels: JsValue, taxonomy: JsValue) -> Result<(), JsError> {
        let labels: Vec<Label> = from_js(labels)?;
        let taxonomy: Option<Taxonomy> =
            if taxonomy.is_undefined() || taxonomy.is_null() { None } else { Some(from_js(taxonomy)?) };
        self.viewer.state.review.restore(labels, taxonomy);
        Ok(())
    }

    /// A new corpus: no labels, the starter taxonomy, no queue.
    #[wasm_bindgen(js_name = resetReview)]
    pub fn reset_review(&self) {
        self.viewer.state.review.reset();
    }

    /// Every label, by trace id: `{ trace_id, categories, severity, note, corrected_output,
    /// labeller, time }` (a line of the labels export without the trace's facts).
    pub fn labels(&self) -> JsValue {
        to_js(&self.viewer.state.review.all())
    }

    /// Merges labels read from a file (the corpus worker read it: `readLabels`); returns `{ added,
    /// unchanged, conflicts: [{ trace_id, ours, theirs }] }` (a conflict keeps this browser's
    /// label), which the Review tab shows too.
    #[wasm_bindgen(js_name = importLabels)]
    pub fn import_labels(&self, labels: JsValue) -> Result<JsValue, JsError> {
        let labels: Vec<Label> = from_js(labels)?;
        Ok(to_js(&self.viewer.state.review.import(labels)))
    }

    /// The agreement with another labeller's file, per category, as the corpus worker worked it out.
    #[wasm_bindgen(js_name = showAgreement)]
    pub fn show_agreement(&self, rows: JsValue) -> Result<(), JsError> {
        self.viewer.state.review.show_agreement(from_js(rows)?);
        Ok(())
    }

    /// The taxonomy as JSON (`www/taxonomy.schema.json`).
    #[wasm_bindgen(js_name = taxonomyJson)]
    pub fn taxonomy_json(&self) -> String {
        self.viewer.state.review.taxonomy_json()
    }

    /// Replaces the taxonomy with one the corpus worker read (`readTaxonomy`).
    #[wasm_bindgen(js_name = setTaxonomy)]
    pub fn set_taxonomy(&self, taxonomy: JsValue) -> Result<(), JsError> {
        self.viewer.state.review.set_taxonomy(from_js(taxonomy)?);
        Ok(())
    }

    /// The patterns the corpus worker found, grouped `by` a column.
    #[wasm_bindgen(js_name = showPatterns)]
    pub fn show_patterns(&self, by: String, patterns: JsValue) -> Result<(), JsError> {
        self.viewer.state.review.show_patterns(by, from_js(patterns)?);
        Ok(())
    }

    /// Gives every one of these traces the category (those that have it keep it); `label-change`
    /// is raised for each changed trace. Returns how many changed.
    #[wasm_bindgen(js_name = labelAll)]
    pub fn label_all(&self, trace_ids: Vec<String>, category: &str) -> u32 {
        let state = &self.viewer.state;
        state.review.add_category_to_all(state, &trace_ids, category) as u32
    }
}
