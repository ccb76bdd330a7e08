//! Detection asks for fields only its format has: every document of every fixture (each line of
//! JSON Lines, each document of a stream) is claimed by exactly one importer's sniffing.

// Not every shared helper is used here.
#[allow(dead_code)]
mod common;

use common::{fixtures, repository};
use trace_viewer_core::import::claimants;
use trace_viewer_core::json::{self, Value};

fn documents(text: &str) -> Vec<Value<'_>> {
    if let Ok(value) = json::from_str(text) {
        return vec![value];
    }
    json::all_documents(text).unwrap_or_else(|_| text.lines().filter_map(|line| json::from_str(line).ok()).collect())
}

#[test]
fn every_fixture_document_is_claimed_by_exactly_one_importer() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for fixture in fixtures() {
        let text = std::fs::read_to_string(repository().join(&fixture)).unwrap();
        // A multipart body (LangSmith's ingest) is recognised by its boundary before any JSON is read.
        if text.starts_with("--") {
            continue;
        }
        for (position, document) in documents(&text).iter().enumerate() {
            let claimed = claimants(document);
            // The mixed-formats fixture holds, on purpose, a line that is JSON of no format.
            let unclaimed_allowed = fixture.contains("mixed-formats");
            if claimed.len() > 1 || (claimed.is_empty() && !unclaimed_allowed) {
                problems.push(format!("{fixture} document {position}: claimed by {claimed:?}"));
            }
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} documents");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
