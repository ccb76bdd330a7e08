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
}
