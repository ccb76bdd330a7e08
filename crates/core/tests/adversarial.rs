//! The adversarial corpus, natively: every case loads with its span count and warning, or is
//! refused with its words, and a normal file imports after each. The same cases are written to
//! `target/adversarial/` (with a manifest of the outcomes) for the browser test.

#[path = "common/adversarial.rs"]
mod adversarial;

use std::path::PathBuf;

use adversarial::{cases, Expect};
use trace_viewer_core::import::import_bytes;

const NORMAL_FILE: &str = "www/examples/refund-agent.json";

#[test]
fn every_case_is_loaded_or_refused_as_expected_and_the_next_load_works() {
    let cases = cases();
    assert!(cases.len() >= 50, "the issue asks for at least 50 cases, there are {}", cases.len());
    let normal = std::fs::read(repository().join(NORMAL_FILE)).unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let outcome = import_bytes(&case.bytes, Some(&case.name));
        let problem = match (&case.expect, outcome) {
            (Expect::Loaded { spans, warning }, Ok(set)) => {
                let span_count: usize = set.traces.iter().map(|trace| trace.spans.len()).sum();
                let messages: Vec<String> = set
                    .warnings
                    .iter()
                    .chain(set.traces.iter().flat_map(|trace| trace.warnings.iter()))
                    .map(|warning| warning.message.clone())
                    .collect();
                let missing_warning = warning.filter(|words| !messages.iter().any(|message| message.contains(words)));
                if span_count != *spans {
                    Some(format!("loaded {span_count} spans, expected {spans} (warnings: {:?})", first_few(&messages)))
                } else {
                    missing_warning
                        .map(|words| format!("no warning says {words:?}; the warnings: {:?}", first_few(&messages)))
                }
            }
            (Expect::Loaded { .. }, Err(error)) => Some(format!("refused: {error}")),
            (Expect::Refused { words }, Err(error)) => (!error.to_string().contains(words))
                .then(|| format!("refused with {:?}, expected the words {words:?}", error.to_string())),
            (Expect::Refused { words }, Ok(set)) => {
                Some(format!("loaded {} traces, expected a refusal saying {words:?}", set.traces.len()))
            }
        };
        if let Some(problem) = problem {
            failures.push(format!("{}: {problem}", case.name));
        }
        let next = import_bytes(&normal, Some("refund-agent.json")).expect("the next load works");
        assert!(!next.traces.is_empty());
    }
    assert!(failures.is_empty(), "{} of {} cases went wrong:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

/// The repository root (two folders above this crate).
fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn first_few(messages: &[String]) -> Vec<String> {
    messages.iter().take(5).map(|message| message.chars().take(160).collect()).collect()
}

/// The browser test (tests/e2e/adversarial.test.mjs) loads these files in the page.
#[test]
fn writes_the_corpus_for_the_browser() {
    let folder = repository().join("target/adversarial");
    std::fs::create_dir_all(&folder).unwrap();
    let mut manifest = Vec::new();
    for case in cases() {
        std::fs::write(folder.join(&case.name), &case.bytes).unwrap();
        manifest.push(case.manifest_entry());
    }
    let manifest = serde_json::to_vec_pretty(&manifest).unwrap();
    std::fs::write(folder.join("manifest.json"), manifest).unwrap();
}
