//! trace-viewer-core: the viewer's data layers in plain Rust, with no web types, usable natively.
//!
//! Data flows one way: bytes → [`import`] → [`model`] → [`analysis`]; [`export`] writes a model
//! back out in the own format; [`transfer`] carries a model as compact bytes from the import worker
//! to the page (encoded while the import builds it, decoded a slice at a time). [`generate`] writes
//! synthetic traces for the warm-up, tests and benchmarks. [`view`] holds the viewer's decisions
//! that need no DOM (screens, keys, the rendered rows, how numbers are written); [`contract`] the
//! shapes the element hands to hosts.
//!
//! The page's wasm module uses `model`, `analysis` and `transfer`'s decoder; the worker's uses
//! `import` and `transfer`'s encoder. Neither links what it does not call.

pub mod analysis;
pub mod contract;
pub mod corpus;
pub mod export;
pub mod generate;
pub mod import;
pub mod json;
pub mod model;
pub mod properties;
pub mod random;
pub mod review;
pub mod transfer;
pub mod view;
