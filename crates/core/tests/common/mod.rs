//! Helpers the fixture-driven tests share: where the repository is, which fixtures exist, and
//! importing one with and without its file name.

use std::path::PathBuf;

use trace_viewer_core::import::import_text;
use trace_viewer_core::model::TraceSet;

/// The repository root, where `tests/fixtures` and `www/examples` are (two folders above this crate).
pub fn repository() -> PathBuf {
    let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    repository.canonicalize().unwrap_or(repository)
}

pub fn import_both_ways(relative: &str) -> TraceSet {
    let path = repository().join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let name = path.file_name().and_then(|name| name.to_str());
    let named = import_text(&text, name).unwrap_or_else(|error| panic!("{relative}: {error}"));
    let unnamed = import_text(&text, None).unwrap_or_else(|error| panic!("{relative} without name: {error}"));
    assert_eq!(named, unnamed, "{relative}: the file name changed the result");
    named
}

/// Every trace file under tests/fixtures (fragments are attribute maps, not traces; fuzz regressions
/// are any bytes; review holds label and dataset exports) plus the demo.
pub fn fixtures() -> Vec<String> {
    let root = repository().join("tests/fixtures");
    let mut found = vec!["www/examples/refund-agent.json".to_string()];
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap().map(Result::unwrap) {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir()
                && !["fragments", "generators", "fuzz-regressions", "feedback-only", "langsmith-split", "review"]
                    .contains(&name.as_str())
            {
                folders.push(path);
            } else if [".json", ".jsonl", ".ndjson", ".txt"].iter().any(|extension| name.ends_with(extension)) {
                found.push(path.strip_prefix(repository()).unwrap().to_string_lossy().to_string());
            }
        }
    }
    found.sort();
    found
}
