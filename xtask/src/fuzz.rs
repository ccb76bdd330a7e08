//! `cargo xtask fuzz [--seconds N]`: runs every fuzz target in `fuzz/` (cargo-fuzz, libFuzzer)
//! for N seconds each (60 unless given), seeded with every fixture, the public samples beside the
//! project and the transfer encodings of the fixtures, with a JSON dictionary. Installs the
//! nightly toolchain and cargo-fuzz when missing (only this command needs them). An input that
//! breaks a property is copied to `tests/fixtures/fuzz-regressions/<target>/`, which the test
//! command replays, and the command fails; the executions per target are printed for BENCHMARKS.md.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{output, run};
use crate::repository;

/// The targets, as `fuzz/Cargo.toml` and `trace_viewer_core::properties::TARGETS` name them.
fn targets() -> Vec<&'static str> {
    trace_viewer_core::properties::TARGETS.iter().map(|(name, _)| *name).collect()
}

pub fn fuzz(arguments: &[String]) -> Result<(), String> {
    let seconds: u64 = match arguments {
        [] => 60,
        [flag, value] if flag == "--seconds" => {
            value.parse().map_err(|_| format!("--seconds {value}: not a number"))?
        }
        _ => return Err("usage: cargo xtask fuzz [--seconds N]".into()),
    };
    ensure_fuzz_tools()?;
    let root = repository();
    let fuzz = root.join("fuzz");
    let mut broken = Vec::new();
    let mut executions = Vec::new();
    for target in targets() {
        let corpus = fuzz.join("corpus").join(target);
        seed(&root, &corpus, target)?;
        println!("== fuzzing {target} for {seconds} s");
        let artifacts = fuzz.join("artifacts").join(target);
        std::fs::create_dir_all(&artifacts).map_err(|error| format!("{}: {error}", artifacts.display()))?;
        let result = Command::new("cargo")
            // The decoder reserves what a buffer claims with try_reserve, which fails cleanly
            // where memory cannot be had: AddressSanitizer must return null then, not stop.
            .env("ASAN_OPTIONS", "allocator_may_return_null=1")
            .args(["+nightly", "fuzz", "run", target])
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-dict={}", fuzz.join("json.dict").display()))
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .args(["-max_len=65536", "-timeout=20", "-rss_limit_mb=4096", "-print_final_stats=1"])
            .current_dir(&fuzz)
            .output()
            .map_err(|error| format!("cargo fuzz run {target}: {error}"))?;
        let log = String::from_utf8_lossy(&result.stderr);
        let runs = log.lines().find_map(|line| line.strip_prefix("stat::number_of_executed_units:")).map(str::trim);
        executions.push(format!("{target}: {} executions in {seconds} s", runs.unwrap_or("?")));
        if !result.status.success() {
            let kept = keep_artifacts(&root, &artifacts, target)?;
            let tail: Vec<&str> = log.lines().rev().take(25).collect();
            eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            broken.push(format!("{target}: {kept}"));
        }
    }
    println!("\n== executions\n{}", executions.join("\n"));
    if broken.is_empty() {
        Ok(())
    } else {
        Err(format!("properties broken:\n{}", broken.join("\n")))
    }
}

/// Nightly and cargo-fuzz, installed when missing.
fn ensure_fuzz_tools() -> Result<(), String> {
    if output(Command::new("rustup").args(["run", "nightly", "rustc", "--version"])).is_none() {
        println!("== installing the nightly toolchain (for libFuzzer)");
        run(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    if output(Command::new("cargo").args(["+nightly", "fuzz", "--version"])).is_none() {
        println!("== installing cargo-fuzz (a few minutes once)");
        run(Command::new("cargo").args(["+nightly", "install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

/// Fills `corpus` with the seeds of `target` (kept between runs; libFuzzer adds what it finds).
fn seed(root: &Path, corpus: &Path, target: &str) -> Result<(), String> {
    std::fs::create_dir_all(corpus).map_err(|error| format!("{}: {error}", corpus.display()))?;
    if target == "generated_files" {
        // Its bytes are choices, not a file: sixteen spread-out choice strings start it off.
        for index in 0..16u32 {
            let seed: Vec<u8> =
                (0..96u32).map(|position| (index.wrapping_mul(2_654_435_761) >> (position % 24)) as u8).collect();
            let path = corpus.join(format!("seed-{index}"));
            std::fs::write(&path, seed).map_err(|error| format!("{}: {error}", path.display()))?;
        }
        return Ok(());
    }
    let mut files = trace_files(&root.join("tests/fixtures"));
    files.extend(trace_files(&root.join("../shared/samples")));
    files.push(root.join("www/examples/refund-agent.json"));
    for (index, file) in files.iter().enumerate() {
        let Ok(bytes) = std::fs::read(file) else { continue };
        if bytes.len() > 65_536 {
            continue;
        }
        let seed = match target {
            // The decoder's seeds are encodings of what the fixtures import to.
            "decode_any" => match trace_viewer_core::import::import_bytes(&bytes, None) {
                Ok(set) => trace_viewer_core::transfer::encode(&set),
                Err(_) => continue,
            },
            // A first byte picks the importer: each fixture goes to another format's importer.
            "import_each_format" => [&[index as u8][..], &bytes].concat(),
            _ => bytes,
        };
        let path = corpus.join(format!("seed-{index}"));
        std::fs::write(&path, seed).map_err(|error| format!("{}: {error}", path.display()))?;
    }
    Ok(())
}

/// Every file under `folder` (fuzz regressions included: they are seeds too).
fn trace_files(folder: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Copies what libFuzzer left in `artifacts` into the regression folder of `target`.
fn keep_artifacts(root: &Path, artifacts: &Path, target: &str) -> Result<String, String> {
    let destination = root.join("tests/fixtures/fuzz-regressions").join(target);
    std::fs::create_dir_all(&destination).map_err(|error| format!("{}: {error}", destination.display()))?;
    let mut kept = Vec::new();
    for path in std::fs::read_dir(artifacts).map_err(|error| format!("{}: {error}", artifacts.display()))?.flatten() {
        let path = path.path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("crash").to_string();
        std::fs::copy(&path, destination.join(&name)).map_err(|error| format!("{name}: {error}"))?;
        kept.push(format!("tests/fixtures/fuzz-regressions/{target}/{name}"));
    }
    Ok(if kept.is_empty() { "no input kept".into() } else { kept.join(", ") })
}
