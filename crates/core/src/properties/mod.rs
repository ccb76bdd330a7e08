//! What every input must keep, whatever its bytes: checked by the fuzz targets (`fuzz/`,
//! `cargo xtask fuzz`) and replayed over every file under `tests/fixtures/fuzz-regressions/`
//! by the normal tests. Each function panics when the property does not hold, and only then.

mod generated;

use crate::export::to_own_format;
use crate::import::{import_bytes, import_text, import_value_as};
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
    ("import_each_format", import_each_format),
    ("generated_files", generated_files),
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
    keeps_its_meaning_through_the_own_format(&set);
}

/// A set that imports comes back from the worker-to-page encoding exactly.
pub fn transfer_round_trip(bytes: &[u8]) {
    let Ok(set) = import_bytes(bytes, None) else { return };
    survives_the_transfer(&set);
}

/// The first byte picks an importer, which is handed the rest (when it is JSON) whether or not
/// it looks like its format: every importer copes with any JSON, and what it reads transfers.
pub fn import_each_format(bytes: &[u8]) {
    let Some((&importer, rest)) = bytes.split_first() else { return };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let Ok(value) = crate::json::from_str(text) else { return };
    if let Ok(set) = import_value_as(usize::from(importer), &value) {
        survives_the_transfer(&set);
    }
}

/// A trace file built from the bytes (see [`generated`]: well-formed traces of every format with
/// extreme values, several documents per file, sometimes cut off) imports or is refused, and
/// what imports keeps its meaning through the own format and survives the transfer.
pub fn generated_files(bytes: &[u8]) {
    let text = generated::file(bytes);
    let Ok(set) = import_text(&text, None) else { return };
    keeps_its_meaning_through_the_own_format(&set);
    survives_the_transfer(&set);
}

/// The file [`generated_files`] builds from these bytes (to look at a failure).
pub fn generated_file_text(bytes: &[u8]) -> String {
    generated::file(bytes)
}

fn keeps_its_meaning_through_the_own_format(set: &TraceSet) {
    let exported = to_own_format(set).to_string();
    let again =
        import_text(&exported, None).unwrap_or_else(|error| panic!("the export does not import: {error}\n{exported}"));
    assert_eq!(tree_lines(set), tree_lines(&again), "the own format changed the set:\n{exported}");
}

fn survives_the_transfer(set: &TraceSet) {
    let decoded = decode(encode(set)).unwrap_or_else(|error| panic!("an encoding does not decode: {error}"));
    if &decoded != set {
        // NaN is never equal to itself (an OTLP doubleValue may be "NaN"): compare what they show.
        assert_eq!(format!("{decoded:?}"), format!("{set:?}"), "the transfer changed the set");
    }
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
