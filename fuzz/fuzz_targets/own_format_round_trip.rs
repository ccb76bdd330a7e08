//! Fuzz target: `trace_viewer_core::properties::own_format_round_trip` over any bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| trace_viewer_core::properties::own_format_round_trip(bytes));
