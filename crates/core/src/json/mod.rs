//! A JSON document as the importers read it: a tree that borrows its strings and keys from the
//! file's text (only strings with escapes are copied) and keeps each object's entries in a list,
//! in file order. Reading a file into it costs about what a typed parse costs (no key hashing, no
//! copy of every string), which is what lets every format, not only OTLP's typed fast path, open
//! at about the speed of the browser's `JSON.parse` (see BENCHMARKS.md, "Every format").
//!
//! The shape mirrors `serde_json::Value` (the same variant names and accessors, `serde_json`'s
//! `Number`); `Display` writes compact JSON, as `serde_json` does. A key written twice keeps its
//! first place and its last value, as `JSON.parse` and `serde_json` (with `preserve_order`) do.
//! Where it differs from `serde_json::Value`: `Map::get` and `Map::insert` scan the entries (a
//! loop that sets many keys should collect or `extend`, which settle repeated keys once); two maps
//! are equal only with their keys in the same order; `Map::remove` keeps the rest in order;
//! indexing a map or an array by a key or position it lacks gives null instead of panicking; and
//! `{:#}` does not pretty-print.

mod read;
mod value;
mod write;

pub use read::{all_documents, from_str, ValueReader};
pub use value::{Map, Number, Value};

/// `serde_json::json!` making a [`Value`], for tests.
#[cfg(test)]
macro_rules! json {
    ($($document:tt)+) => {
        $crate::json::Value::from(serde_json::json!($($document)+))
    };
}
#[cfg(test)]
pub(crate) use json;
