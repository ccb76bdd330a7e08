//! `cargo xtask <command>`: the one place for every command a person runs.
//!
//! - `demo`    install what is missing, build, and serve the viewer with the bundled example
//! - `build`   build the optimised wasm and the npm package into `pkg/`
//! - `test`    build, then run native, in-browser (wasm-bindgen-test) and end-to-end tests
//! - `bench`   build, then measure sizes and load time in headless Chromium (`bench-corpus` runs
//!   only the corpus part: `cargo xtask bench-corpus --traces N`; `--table-only --runs N` only the
//!   table's reading, N times)
//! - `bench-formats [--spans N] [--runs N] [--only a,b]` write the benchmark trace in every format
//!   the viewer reads and time each from its bytes to the first row in headless Chromium, beside
//!   the browser's parse of the same bytes (issue #17: every importer within 1.5× of it)
//! - `bench-analysis [--only a,b]` time the analyses (critical path, loop folding, comparing two
//!   traces, patterns, the merged tree, the review's queue, the corpus index on a million rows)
//!   natively in a release build, beside `JSON.parse` MB/s measured in Node
//! - `serve`   serve `www/` and `pkg/` as they are
//! - `gen corpus --traces N` write a generated corpus (OTLP JSON Lines and the own format)
//! - `typecheck` type-check the element's JavaScript against the built `pkg/wasm` declarations

mod bench;
mod bench_analysis;
mod bench_formats;
mod build;
mod format_files;
mod fuzz;
mod generate;
mod process;
mod single_file;
mod tools;
mod trusted_types;
mod typecheck;

use std::path::PathBuf;
use std::process::ExitCode;

/// The repository root (the parent of this crate).
pub fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."))
}

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let command = arguments.first().map(String::as_str).unwrap_or("help");
    let rest = &arguments[arguments.len().min(1)..];
    let result = match command {
        "demo" => demo(rest),
        "build" => build::build_all(),
        "test" => test(),
        "bench" => bench::bench(),
        "bench-corpus" => bench::corpus_bench_command(rest),
        "bench-formats" => bench_formats::bench_formats(rest),
        "bench-analysis" => bench_analysis::bench_analysis(rest),
        "bench-analysis-run" => bench_analysis::run_all(rest),
        "import-speed" => bench::import_speed(rest.first().map(String::as_str).unwrap_or_default()),
        "serve" => serve(rest),
        "typecheck" => typecheck::typecheck(&repository()),
        "fuzz" => fuzz::fuzz(rest),
        "gen" => generate::generate(rest),
        _ => {
            eprintln!("usage: cargo xtask <demo [--port N] | build | test | bench | bench-corpus [--traces N] [--table-only [--runs N]] | bench-formats [--spans N] [--runs N] [--only a,b] | bench-analysis [--only a,b] | typecheck | fuzz [--seconds N] | gen corpus --traces N | serve [--port N]>");
            return if command == "help" { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask {command}: {message}");
            ExitCode::FAILURE
        }
    }
}

fn demo(arguments: &[String]) -> Result<(), String> {
    build::build_all()?;
    serve(arguments)
}

fn serve(arguments: &[String]) -> Result<(), String> {
    tools::ensure_node_tools()?;
    let mut command = std::process::Command::new("node");
    command.arg(repository().join("xtask/serve.mjs")).args(arguments);
    process::run(&mut command)
}

/// Formatting and clippy (warnings are errors), natively and for the wasm crates.
fn lint(root: &std::path::Path) -> Result<(), String> {
    tools::ensure_rust_components()?;
    println!("== cargo fmt --check");
    process::run(std::process::Command::new("cargo").args(["fmt", "--all", "--check"]).current_dir(root))?;
    println!("== clippy -D warnings (native)");
    process::run(
        std::process::Command::new("cargo")
            .args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
            .current_dir(root),
    )?;
    println!("== clippy -D warnings (wasm32: the page, its components, the worker, the browser tests)");
    process::run(
        std::process::Command::new("cargo")
            .args(["clippy", "--target", "wasm32-unknown-unknown", "--all-targets"])
            .args(["--package", "trace-viewer", "--package", "trace-viewer-ui", "--package", "trace-viewer-worker"])
            .args(["--", "-D", "warnings"])
            .current_dir(root),
    )
}

fn test() -> Result<(), String> {
    build::build_all()?;
    println!("== download size");
    build::check_size_budget()?;
    tools::ensure_chromium()?;
    let root = repository();
    lint(&root)?;
    typecheck::typecheck(&root)?;
    println!("== native tests (cargo test)");
    process::run(std::process::Command::new("cargo").args(["test", "--workspace"]).current_dir(&root))?;
    println!("== component tests in headless Chromium (wasm-bindgen-test)");
    process::run(
        std::process::Command::new("cargo")
            .args(["test", "--target", "wasm32-unknown-unknown", "--test", "browser"])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
            .current_dir(&root),
    )?;
    println!("== end-to-end tests in headless Chromium (playwright-core)");
    let mut end_to_end = std::process::Command::new("node");
    end_to_end.args(["--test", "--test-concurrency=1"]).current_dir(&root);
    for test_file in process::files_with_extension(&root.join("tests/e2e"), ".test.mjs")? {
        end_to_end.arg(test_file);
    }
    process::run(&mut end_to_end)
}
