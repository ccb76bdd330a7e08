//! trace-viewer: an embeddable, fully client-side viewer for AI traces.
//!
//! Data flows one way: bytes → [`import`] → [`model`] → [`analysis`] → `ui` → `element`;
//! [`export`] writes a model back out in the own format; [`transfer`] carries it as bytes from the
//! import worker to the page (`handover` is that trip's wasm surface).
//! The first three are plain Rust and tested natively; the last two exist only for wasm32.

pub mod analysis;
pub mod export;
pub mod generate;
pub mod import;
pub mod model;
pub mod release;
pub mod transfer;

#[cfg(target_arch = "wasm32")]
pub mod element;
#[cfg(target_arch = "wasm32")]
pub mod handover;
#[cfg(target_arch = "wasm32")]
pub mod ui;
