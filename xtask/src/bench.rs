//! `cargo xtask bench`: sizes of what a page downloads, native import speed, the time from file
//! bytes in memory to the first row on screen in headless Chromium for a generated trace, how
//! long big spans and a gzip bomb block the page, and memory over repeated loads.

use std::process::Command;
use std::time::Instant;

use crate::process::run;
use crate::{build, repository, tools};

/// Spans in the generated first-row benchmark trace.
pub const BENCH_SPANS: usize = 100_000;
/// Spans in the generated import-speed trace (about 100 MB).
pub const IMPORT_BENCH_SPANS: usize = 230_000;
/// Spans in the lean trace for the scale benchmark (expand, collapse, select, search).
pub const SCALE_BENCH_SPANS: usize = 1_000_000;

pub fn bench() -> Result<(), String> {
    build::build_all()?;
    tools::ensure_chromium()?;
    let root = repository();
    println!("\n== download size (pkg/)");
    build::report_sizes()?;

    let directory = root.join("target/bench");
    std::fs::create_dir_all(&directory).map_err(|error| format!("target/bench: {error}"))?;
    let file = directory.join("otlp-100k.json");
    let text = trace_viewer_core::generate::otlp_trace(BENCH_SPANS);
    std::fs::write(&file, &text).map_err(|error| format!("{}: {error}", file.display()))?;
    println!("\n== generated {} ({BENCH_SPANS} spans, {:.1} MB)", file.display(), text.len() as f64 / 1e6);

    println!("\n== native import (release build of the same importer)");
    run(Command::new("cargo")
        .args(["run", "--quiet", "--release", "--package", "xtask", "--", "import-speed"])
        .arg(&file)
        .current_dir(&root))?;

    println!("\n== headless Chromium: bytes in memory -> first row on screen");
    run(Command::new("node").arg(root.join("xtask/bench/first-row.mjs")).arg(&file).current_dir(&root))?;

    let big = directory.join("otlp-230k.json");
    let big_text = trace_viewer_core::generate::otlp_trace(IMPORT_BENCH_SPANS);
    std::fs::write(&big, &big_text).map_err(|error| format!("{}: {error}", big.display()))?;
    println!(
        "\n== import speed: {} ({IMPORT_BENCH_SPANS} spans, {:.1} MB)",
        big.display(),
        big_text.len() as f64 / 1e6
    );
    drop(big_text);
    run(Command::new("cargo")
        .args(["run", "--quiet", "--release", "--package", "xtask", "--", "import-speed"])
        .arg(&big)
        .current_dir(&root))?;
    run(Command::new("node")
        .arg(root.join("xtask/bench/first-row.mjs"))
        .arg(&big)
        .arg("--runs")
        .arg("1")
        .current_dir(&root))?;

    println!("\n== reliability: big spans, a gzip bomb, ten load/clear cycles of {}", big.display());
    run(Command::new("node").arg(root.join("xtask/bench/reliability.mjs")).arg(&big).current_dir(&root))?;

    let lean = directory.join("otlp-lean-1m.json");
    let lean_text = trace_viewer_core::generate::lean_otlp_trace(SCALE_BENCH_SPANS);
    std::fs::write(&lean, &lean_text).map_err(|error| format!("{}: {error}", lean.display()))?;
    println!("\n== scale: {} ({SCALE_BENCH_SPANS} lean spans, {:.1} MB)", lean.display(), lean_text.len() as f64 / 1e6);
    drop(lean_text);
    run(Command::new("node").arg(root.join("xtask/bench/scale.mjs")).arg(&lean).current_dir(&root))?;
    corpus_bench(CORPUS_BENCH_TRACES, None)
}

/// Traces in the corpus benchmark's generated OTLP JSON Lines file (~6 spans each, ~3.3 KB a trace).
pub const CORPUS_BENCH_TRACES: u64 = 1_000_000;

/// `cargo xtask bench-corpus [--traces N] [--table-only [--runs N]]`: the corpus benchmark alone
/// (see xtask/bench/corpus.mjs); `--table-only` times only the table's reading, `--runs` times, each
/// in a fresh page.
pub fn corpus_bench_command(arguments: &[String]) -> Result<(), String> {
    build::build_all()?;
    tools::ensure_chromium()?;
    let traces = arguments
        .iter()
        .position(|argument| argument == "--traces")
        .and_then(|at| arguments.get(at + 1))
        .map_or(Ok(CORPUS_BENCH_TRACES), |text| text.parse())
        .map_err(|_| "--traces takes a number")?;
    // `--table-only [--runs N]`: the table's reading alone, N times.
    let table_only = arguments.iter().position(|argument| argument == "--table-only").map(|at| {
        let rest = arguments.get(at + 1..).unwrap_or_default();
        rest.iter().position(|argument| argument == "--runs").and_then(|at| rest.get(at + 1)).cloned()
    });
    corpus_bench(traces, table_only)
}

/// Runs xtask/bench/corpus.mjs over the generated corpus: everything, or with `table_only` (and
/// how many runs, if given) only the table's reading.
fn corpus_bench(traces: u64, table_only: Option<Option<String>>) -> Result<(), String> {
    let root = repository();
    let file = crate::generate::write_otlp_corpus(traces, &root.join("target/corpus"))?;
    let mut command = Command::new("node");
    command.arg(root.join("xtask/bench/corpus.mjs")).arg(&file).current_dir(&root);
    if let Some(runs) = table_only {
        command.arg("--table-only");
        if let Some(runs) = runs {
            command.arg("--runs").arg(runs);
        }
        return run(&mut command);
    }
    let size = std::fs::metadata(&file).map_err(|error| error.to_string())?.len();
    println!("\n== corpus: {} ({traces} traces, {:.1} MB)", file.display(), size as f64 / 1e6);
    // The same traces as one document: imported whole where it fits under the import's ceiling,
    // read element by element by the corpus worker where it does not.
    let document = crate::generate::write_otlp_document(traces, &root.join("target/corpus"))?;
    command.arg("--document").arg(document);
    // Product outcomes keyed by trace id: four columns, and thirty-one (one of 1,000 values) for
    // grouping and BubbleUp over many dimensions.
    command.arg("--outcomes").arg(crate::generate::write_outcomes(traces, false, &root.join("target/corpus"))?);
    command.arg("--dimensions").arg(crate::generate::write_outcomes(traces, true, &root.join("target/corpus"))?);
    run(&mut command)
}

/// Imports a file natively a few times and prints the best time and throughput.
pub fn import_speed(path: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{path}: {error}"))?;
    let mut best = f64::MAX;
    let mut spans = 0;
    let mut imported = None;
    for _ in 0..5 {
        let started = Instant::now();
        let set = trace_viewer_core::import::import_text(&text, None).map_err(|error| error.to_string())?;
        best = best.min(started.elapsed().as_secs_f64());
        spans = set.span_count();
        imported = Some(set);
    }
    let mut best_parse = f64::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let value = trace_viewer_core::json::from_str(&text).map_err(|error| error.to_string())?;
        best_parse = best_parse.min(started.elapsed().as_secs_f64());
        drop(value);
    }
    let megabytes = text.len() as f64 / 1e6;
    println!(
        "native import: {spans} spans, {megabytes:.1} MB in {:.0} ms (best of 5) = {:.0} MB/s",
        best * 1e3,
        megabytes / best
    );
    println!(
        "  reading the JSON into the importers' document alone: {:.0} ms = {:.0} MB/s",
        best_parse * 1e3,
        megabytes / best_parse
    );
    if let Some(set) = imported {
        transfer_speed(&set)?;
    }
    Ok(())
}

/// The transfer from worker to page: encoding in the worker, decoding on the page.
fn transfer_speed(set: &trace_viewer_core::model::TraceSet) -> Result<(), String> {
    let (mut best_encode, mut best_decode, mut size) = (f64::MAX, f64::MAX, 0);
    for _ in 0..5 {
        let started = Instant::now();
        let bytes = trace_viewer_core::transfer::encode(set);
        best_encode = best_encode.min(started.elapsed().as_secs_f64());
        size = bytes.len();
        let started = Instant::now();
        let decoded = trace_viewer_core::transfer::decode(bytes).map_err(|error| error.to_string())?;
        best_decode = best_decode.min(started.elapsed().as_secs_f64());
        drop(decoded);
    }
    println!(
        "  transfer to the page: {:.1} MB encoded in {:.0} ms, decoded in {:.0} ms (best of 5)",
        size as f64 / 1e6,
        best_encode * 1e3,
        best_decode * 1e3
    );
    Ok(())
}
