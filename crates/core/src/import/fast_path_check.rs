//! For the typed fast paths' tests: a text read by a fast path and by the document path's
//! importer (the one the detection picks), through the shared steps, so the two can be compared.

use super::pipeline::{finish, RawImport};
use super::ImportError;
use crate::json::Value;
use crate::model::TraceSet;

/// A fast path and the importer it must read exactly like.
pub struct FastPath {
    pub format: &'static str,
    pub looks_like: fn(&str) -> bool,
    pub fast: fn(&str) -> Option<RawImport>,
    pub tolerant: fn(&Value) -> Result<RawImport, ImportError>,
}

impl FastPath {
    /// The text read both ways; `None` when the fast path steps aside. A text the fast path reads
    /// must be one the detection gives its importer.
    pub fn both_ways(&self, text: &str) -> Option<(TraceSet, TraceSet)> {
        let fast = (self.fast)(text)?;
        let document = crate::json::from_str(text).unwrap();
        let detected = super::import_document(&document).map(|import| import.format);
        assert_eq!(detected.ok(), Some(self.format), "claimed a file the detection gives another importer");
        let tolerant = (self.tolerant)(&document).unwrap();
        Some((finish(vec![fast]), finish(vec![tolerant])))
    }

    /// Asserts that every fixture in `tests/fixtures/<folder>` the fast path reads, it reads
    /// exactly like the document path; how many it read.
    pub fn fixtures_read_alike(&self, folder: &str) -> usize {
        let folder = format!("{}/../../tests/fixtures/{folder}", env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if !(self.looks_like)(&text) {
                continue;
            }
            if let Some((fast, tolerant)) = self.both_ways(&text) {
                assert_eq!(fast, tolerant, "{}", path.display());
                read += 1;
            }
        }
        read
    }

    /// Asserts that every variant of the first spans of each fixture the fast path reads (a key
    /// taken away, or its value made null, 0, -1, 1.5, "x", "AB", true, {} or []) is either left
    /// to the document path or read exactly like it; how many variants the fast path read.
    pub fn variants_read_alike(&self, folder: &str) -> usize {
        let folder = format!("{}/../../tests/fixtures/{folder}", env!("CARGO_MANIFEST_DIR"));
        let replacements: Vec<serde_json::Value> = ["null", "0", "-1", "1.5", "\"x\"", "\"AB\"", "true", "{}", "[]"]
            .iter()
            .map(|text| serde_json::from_str(text).unwrap())
            .collect();
        let mut read = 0;
        for entry in std::fs::read_dir(folder).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            // Small files only: each variant is the whole file read twice (a large one is
            // compared whole by `fixtures_read_alike`).
            if text.len() > 64 * 1024 || !(self.looks_like)(&text) || (self.fast)(&text).is_none() {
                continue;
            }
            let document: serde_json::Value = serde_json::from_str(&text).unwrap();
            for path in span_paths(&document).into_iter().take(4) {
                let keys: Vec<String> = at(&document, &path).as_object().unwrap().keys().cloned().collect();
                for key in keys {
                    let mut variants = Vec::new();
                    let mut without = document.clone();
                    at_mut(&mut without, &path).as_object_mut().unwrap().remove(&key);
                    variants.push(without);
                    for replacement in &replacements {
                        let mut changed = document.clone();
                        at_mut(&mut changed, &path)[key.as_str()] = replacement.clone();
                        variants.push(changed);
                    }
                    for variant in variants {
                        let text = variant.to_string();
                        if let Some((fast, tolerant)) = self.both_ways(&text) {
                            assert_eq!(fast, tolerant, "{text}");
                            read += 1;
                        }
                    }
                }
            }
        }
        read
    }
}

/// Where the span objects of a list of spans or of traces (lists of spans) are: their indices.
fn span_paths(document: &serde_json::Value) -> Vec<Vec<usize>> {
    let Some(items) = document.as_array() else { return Vec::new() };
    let mut paths = Vec::new();
    for (at, item) in items.iter().enumerate() {
        match item {
            serde_json::Value::Object(_) => paths.push(vec![at]),
            serde_json::Value::Array(spans) => paths.extend(
                spans.iter().enumerate().filter(|(_, span)| span.is_object()).map(|(inner, _)| vec![at, inner]),
            ),
            _ => {}
        }
    }
    paths
}

fn at<'a>(document: &'a serde_json::Value, path: &[usize]) -> &'a serde_json::Value {
    path.iter().fold(document, |value, index| &value[*index])
}

fn at_mut<'a>(document: &'a mut serde_json::Value, path: &[usize]) -> &'a mut serde_json::Value {
    path.iter().fold(document, |value, index| &mut value[*index])
}
