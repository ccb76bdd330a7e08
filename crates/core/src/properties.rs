//! What every input must keep, whatever its bytes: checked by the fuzz targets (`fuzz/`,
//! `cargo xtask fuzz`) and replayed over every file under `tests/fixtures/fuzz-regressions/`
//! by the normal tests. Each function panics when the property does not hold, and only then.

use crate::export::to_own_format;
use crate::import::{import_bytes, import_text};
use crate::model::{outline, TraceSet};
use crate::transfer::{decode, encode};

/// A property of any input: panics when it does not hold.
pub type Property = fn(&[u8]);

/// The fuzz targets by name, as `fuzz/` and the regression folders name them.
pub const TARGETS: &[(&str, Property)] = &[
    ("import_any", import_any),
    ("decode_any", decode_any),
    ("own_format_round_trip", own_format_round_trip),
    ("transfer_round_trip", transfer_round_trip),
];

/// Any bytes import to a set or to an error, as JSON or as JSON Lines (the name is only a label).
pub fn import_any(bytes: &[u8]) {
    let _ = import_bytes(bytes, None);
    let _ = import_bytes(bytes, Some("input.jsonl"));
}

/// Any bytes decode as the worker-to-page encoding to a set or to an error: counts and ranges
/// are checked before anything is allocated or indexed.
pub fn decode_any(bytes: &[u8]) {
    let _ = decode(bytes.to_vec());
}

/// A set that imports comes back from its own-format export with the same traces, tree and
/// fields (the outline, warnings and format aside: a re-import repairs nothing new).
pub fn own_format_round_trip(bytes: &[u8]) {
    let Ok(set) = import_bytes(bytes, None) else { return };
    let exported = to_own_format(&set).to_string();
    let again =
        import_text(&exported, None).unwrap_or_else(|error| panic!("the export does not import: {error}\n{exported}"));
    assert_eq!(tree_lines(&set), tree_lines(&again), "the own format changed the set:\n{exported}");
}

/// A set that imports comes back from the worker-to-page encoding exactly.
pub fn transfer_round_trip(bytes: &[u8]) {
    let Ok(set) = import_bytes(bytes, None) else { return };
    let decoded = decode(encode(&set)).unwrap_or_else(|error| panic!("an encoding does not decode: {error}"));
    assert_eq!(decoded, set, "the transfer changed the set");
}

/// The outline's tree lines (no format line, no warnings): what must survive a round trip
/// through the own format.
pub fn tree_lines(set: &TraceSet) -> Vec<String> {
    outline(set)
        .lines()
        .filter(|line| !line.starts_with("format") && !line.contains("warning "))
        .map(String::from)
        .collect()
}
