//! Replays every file under `tests/fixtures/fuzz-regressions/<target>/` through the property its
//! folder names (`trace_viewer_core::properties`): each is an input that once broke it (found by
//! `cargo xtask fuzz`, or by hand), kept so it never breaks again.

use std::path::PathBuf;

use trace_viewer_core::properties::TARGETS;

#[test]
fn every_fuzz_regression_keeps_its_property() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/fuzz-regressions");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&root).expect("tests/fixtures/fuzz-regressions") {
        let folder = entry.expect("a folder").path();
        let target = folder.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
        let Some((_, property)) = TARGETS.iter().find(|(name, _)| *name == target) else {
            panic!("{}: no fuzz target is named {target:?}", folder.display());
        };
        for file in std::fs::read_dir(&folder).expect("the target's folder") {
            let path = file.expect("a file").path();
            let bytes = std::fs::read(&path).expect("a regression file");
            let outcome = std::panic::catch_unwind(|| property(&bytes));
            assert!(outcome.is_ok(), "{}: {target} broke again", path.display());
            replayed += 1;
        }
    }
    assert!(replayed >= TARGETS.len(), "only {replayed} regression files");
}
