//! The `#[wasm_bindgen]` surface the `<trace-viewer>` custom element (www/trace-viewer.js) drives:
//! one `ViewerHandle` per element, created in its shadow root and freed when it is removed.

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRoot};

use crate::handover::TransferDecoder;
use crate::import::{import_bytes, import_text, import_value};
use crate::model::{ImportWarning, Trace, TraceSet};
use crate::ui::{mount_viewer, LoadedFile, MountedViewer};

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// One mounted viewer. Dropping it (JS `free()`) unmounts the view and releases its memory.
#[wasm_bindgen]
pub struct ViewerHandle {
    viewer: MountedViewer,
}

#[wasm_bindgen]
impl ViewerHandle {
    /// Mounts a viewer into `shadow_root`; `span-select` and `trace-select` events go to `host`.
    #[wasm_bindgen(constructor)]
    pub fn new(shadow_root: ShadowRoot, host: Option<HtmlElement>) -> Result<ViewerHandle, JsValue> {
        Ok(ViewerHandle { viewer: mount_viewer(&shadow_root, host)? })
    }

    /// Imports a file's text and shows it. Resolves to a summary; throws an `Error` whose message
    /// says where and what (also shown in the viewer).
    #[wasm_bindgen(js_name = loadText)]
    pub fn load_text(&self, text: &str, file_name: Option<String>) -> Result<JsValue, JsError> {
        let result = import_text(text, file_name.as_deref());
        self.show(result.map_err(|error| error.to_string()), file_name)
    }

    /// Imports a file's bytes (UTF-8 JSON or JSON Lines): the fastest way in, with no UTF-16 detour.
    #[wasm_bindgen(js_name = loadBytes)]
    pub fn load_bytes(&self, bytes: &[u8], file_name: Option<String>) -> Result<JsValue, JsError> {
        let result = import_bytes(bytes, file_name.as_deref());
        self.show(result.map_err(|error| error.to_string()), file_name)
    }

    /// Imports several files as one set (a trace file and its log file, say): parallel arrays of
    /// names and bytes; a file that cannot be read is reported and the rest still load.
    #[wasm_bindgen(js_name = loadFiles)]
    pub fn load_files(&self, names: Vec<String>, contents: Vec<js_sys::Uint8Array>) -> Result<JsValue, JsError> {
        let label = files_label(&names);
        self.show(crate::handover::import_named(&names, &contents), label)
    }

    /// Shows what the import worker produced, once `decoder` has decoded all of it. The summary
    /// `load()` resolves with is `summary()`'s, asked for in a later task: counting failed spans
    /// walks every span again, and the first frame of a large trace is a long task already.
    #[wasm_bindgen(js_name = showDecoded)]
    pub fn show_decoded(&self, decoder: &mut TransferDecoder, names: Vec<String>) -> Result<(), JsError> {
        let set = decoder.take().ok_or_else(|| JsError::new("the transfer decoder has not finished"))?;
        self.viewer.state.show_file(LoadedFile::new(set, files_label(&names)));
        Ok(())
    }

    /// Imports an already parsed JSON value (a plain JS object).
    #[wasm_bindgen(js_name = loadObject)]
    pub fn load_object(&self, value: JsValue) -> Result<JsValue, JsError> {
        let result = serde_wasm_bindgen::from_value::<serde_json::Value>(value)
            .map_err(|error| format!("The object could not be read as JSON: {error}"))
            .and_then(|json| import_value(&json).map_err(|error| error.to_string()));
        self.show(result, None)
    }

    /// Shows an error that happened outside the importer (a failed fetch, an unreadable file).
    #[wasm_bindgen(js_name = showError)]
    pub fn show_error(&self, message: &str) {
        self.viewer.state.show_error(message.to_string());
    }

    /// Selects and reveals a span of the shown trace by id; false when it is not there.
    #[wasm_bindgen(js_name = selectSpan)]
    pub fn select_span(&self, span_id: &str) -> bool {
        self.viewer.state.select_span_id(span_id)
    }

    /// Shows trace number `index` (0-based) of the loaded file, or the one with this trace id;
    /// false when there is no such trace.
    #[wasm_bindgen(js_name = selectTrace)]
    pub fn select_trace(&self, index_or_id: &str) -> bool {
        self.viewer.state.select_trace(index_or_id)
    }

    /// Sets the screen: `trace`, `list` (the file's traces) or `auto` (the list when the file
    /// holds several traces, until one is opened).
    #[wasm_bindgen(js_name = setView)]
    pub fn set_view(&self, mode: &str) {
        self.viewer.state.set_view_mode(crate::ui::ViewMode::parse(mode));
    }

    /// Unfolds every span.
    #[wasm_bindgen(js_name = expandAll)]
    pub fn expand_all(&self) {
        self.viewer.state.fold_to_depth(None);
    }

    /// Folds every span to its root.
    #[wasm_bindgen(js_name = collapseAll)]
    pub fn collapse_all(&self) {
        self.viewer.state.fold_to_depth(Some(0));
    }

    /// Shows nothing: forgets the loaded file and any error.
    pub fn clear(&self) {
        self.viewer.state.clear();
    }

    /// The id of the selected span, if any.
    #[wasm_bindgen(js_name = selectedSpan)]
    pub fn selected_span(&self) -> Option<String> {
        self.viewer.state.selected_span_id()
    }

    /// What is loaded: the same summary `load()` resolves with, or `null`.
    pub fn summary(&self) -> JsValue {
        match self.viewer.state.loaded_file() {
            Some(file) => summary_of(&file.format, file.traces.iter().map(|trace| &*trace.0), &file.warnings),
            None => JsValue::NULL,
        }
    }

    fn show(&self, result: Result<TraceSet, String>, file_name: Option<String>) -> Result<JsValue, JsError> {
        match result {
            Ok(set) => {
                let summary = summary(&set);
                self.viewer.state.show_file(LoadedFile::new(set, file_name));
                Ok(summary)
            }
            Err(message) => {
                self.viewer.state.show_error(message.clone());
                Err(JsError::new(&message))
            }
        }
    }
}

/// The name a set of files shows under: the one name, or all of them joined with " + ".
fn files_label(names: &[String]) -> Option<String> {
    let named: Vec<&str> = names.iter().map(String::as_str).filter(|name| !name.is_empty()).collect();
    (!named.is_empty()).then(|| named.join(" + "))
}

/// What the host page learns about a loaded file: formats, traces, counts.
fn summary(set: &TraceSet) -> JsValue {
    summary_of(&set.format, set.traces.iter(), &set.warnings)
}

fn summary_of<'a>(format: &str, traces: impl Iterator<Item = &'a Trace>, warnings: &[ImportWarning]) -> JsValue {
    let traces: Vec<serde_json::Value> = traces
        .map(|trace| {
            serde_json::json!({
                "traceId": trace.trace_id,
                "name": trace.name,
                "spanCount": trace.spans.len(),
                "errorCount": trace.error_count(),
                "warningCount": trace.warnings.len(),
                "durationMs": trace.duration_ns as f64 / 1e6,
            })
        })
        .collect();
    let span_count: u64 = traces.iter().filter_map(|trace| trace["spanCount"].as_u64()).sum();
    let summary = serde_json::json!({
        "format": format,
        "spanCount": span_count,
        "traces": traces,
        "warnings": warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
    });
    summary.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
}

use serde::Serialize;
