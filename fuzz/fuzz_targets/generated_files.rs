//! Fuzz target: `trace_viewer_core::properties::generated_files` over any bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| trace_viewer_core::properties::generated_files(bytes));
