//! trace-viewer's page module: the `#[wasm_bindgen]` surface the `<trace-viewer>` element drives
//! ([`element`]) and the decoder of what the import worker sends ([`decoder`]). It carries no
//! importer: files are imported by the worker module (`crates/worker`), in a worker or, where none
//! can start, on the page's main thread.
//!
//! The layers it stands on are crates of their own: `trace-viewer-core` (model, import, analysis,
//! transfer, export; no web types) and `trace-viewer-ui` (Leptos components).
#![cfg(target_arch = "wasm32")]

pub mod decoder;
pub mod element;
pub mod review_handle;
