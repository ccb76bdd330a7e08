//! `cargo xtask bench-formats [--spans N] [--runs N] [--only a,b]`: the benchmark trace written in
//! every format the viewer reads (see `format_files`), into `target/bench/formats/`, then, per
//! format, the time from its bytes in memory to the first row on screen in headless Chromium beside
//! the browser's own parse of the same bytes (xtask/bench/formats.mjs).

use std::process::Command;

use crate::bench::BENCH_SPANS;
use crate::process::run;
use crate::{build, format_files, repository, tools};

pub fn bench_formats(arguments: &[String]) -> Result<(), String> {
    let option =
        |name: &str| arguments.iter().position(|argument| argument == name).and_then(|at| arguments.get(at + 1));
    let spans: usize =
        option("--spans").map_or(Ok(BENCH_SPANS), |text| text.parse()).map_err(|_| "--spans takes a number")?;
    let runs: usize = option("--runs").map_or(Ok(3), |text| text.parse()).map_err(|_| "--runs takes a number")?;
    let only: Vec<String> = option("--only")
        .map(|list| list.split(',').filter(|name| !name.is_empty()).map(String::from).collect())
        .unwrap_or_default();
    build::build_all()?;
    tools::ensure_chromium()?;
    let root = repository();
    println!("\n== the generated trace ({spans} spans) in every format");
    let files = format_files::write_all(spans, &only, &root.join("target/bench/formats"))?;
    println!("\n== headless Chromium: bytes in memory -> first row, beside TextDecoder + JSON.parse of the same bytes");
    let mut command = Command::new("node");
    command
        .arg(root.join("xtask/bench/formats.mjs"))
        .args(["--spans", &spans.to_string(), "--runs", &runs.to_string()])
        .current_dir(&root);
    for (format, path) in files {
        command.arg(format!("{}={}", format.name, path.display()));
    }
    run(&mut command)
}
