//! Builds the optimised wasm (cargo → wasm-bindgen → wasm-opt) and assembles `pkg/`, the npm
//! package `trace-viewer`: element module, types, glue, wasm, schema, package.json and README.

use std::path::Path;
use std::process::Command;

use crate::process::run;
use crate::{repository, tools};

/// Files copied from `www/` into the package root, unchanged.
const PACKAGE_FILES_FROM_WWW: &[&str] = &[
    "trace-viewer.js",
    "trace-viewer-loader.js",
    "trace-viewer-worker.js",
    "trace-viewer.d.ts",
    "trace-viewer.schema.json",
];

pub fn build_all() -> Result<(), String> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen()?;
    tools::ensure_node_tools()?;
    let root = repository();
    let started = std::time::Instant::now();
    println!("== building the wasm (release)");
    run(Command::new("cargo")
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "--package", "trace-viewer", "--lib"])
        .current_dir(&root))?;
    let package = root.join("pkg");
    let wasm_directory = package.join("wasm");
    let _ = std::fs::remove_dir_all(&package);
    std::fs::create_dir_all(&wasm_directory).map_err(|error| format!("creating pkg/wasm: {error}"))?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", "trace_viewer", "--out-dir"])
        .arg(&wasm_directory)
        .arg(root.join("target/wasm32-unknown-unknown/release/trace_viewer.wasm")))?;
    let wasm = wasm_directory.join("trace_viewer_bg.wasm");
    println!("== optimising with wasm-opt -Oz");
    run(Command::new(tools::wasm_opt())
        .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"])
        .args(["--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", "--strip-debug"])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))?;
    assemble_package(&root, &package)?;
    crate::single_file::write(&root, &package)?;
    println!("== built pkg/ in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn crate_version(root: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|error| format!("Cargo.toml: {error}"))?;
    manifest
        .lines()
        .find_map(|line| line.strip_prefix("version = "))
        .map(|version| version.trim().trim_matches('"').to_string())
        .ok_or_else(|| "Cargo.toml has no version".into())
}

fn assemble_package(root: &Path, package: &Path) -> Result<(), String> {
    for file in PACKAGE_FILES_FROM_WWW {
        std::fs::copy(root.join("www").join(file), package.join(file))
            .map_err(|error| format!("copying {file}: {error}"))?;
    }
    std::fs::copy(root.join("www/package-readme.md"), package.join("README.md"))
        .map_err(|error| format!("README: {error}"))?;
    // wasm-bindgen writes a .gitignore and package.json of its own into its out dir; ours rule.
    let _ = std::fs::remove_file(package.join("wasm/.gitignore"));
    let _ = std::fs::remove_file(package.join("wasm/package.json"));
    let manifest = format!(
        r#"{{
  "name": "trace-viewer",
  "version": "{version}",
  "description": "An embeddable, fully client-side viewer for AI traces: <trace-viewer>, a custom element built in Rust and WebAssembly.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./trace-viewer.js",
  "module": "./trace-viewer.js",
  "types": "./trace-viewer.d.ts",
  "exports": {{
    ".": {{
      "types": "./trace-viewer.d.ts",
      "default": "./trace-viewer.js"
    }},
    "./trace-viewer.schema.json": "./trace-viewer.schema.json",
    "./trace-viewer-worker.js": "./trace-viewer-worker.js",
    "./wasm/trace_viewer_bg.wasm": "./wasm/trace_viewer_bg.wasm",
    "./package.json": "./package.json"
  }},
  "files": [
    "trace-viewer.js",
    "trace-viewer-loader.js",
    "trace-viewer-worker.js",
    "trace-viewer.d.ts",
    "trace-viewer.schema.json",
    "wasm/trace_viewer.js",
    "wasm/trace_viewer.d.ts",
    "wasm/trace_viewer_bg.wasm",
    "wasm/trace_viewer_bg.wasm.d.ts",
    "README.md"
  ],
  "sideEffects": ["./trace-viewer.js"],
  "keywords": ["tracing", "opentelemetry", "llm", "observability", "web-component", "wasm"]
}}
"#,
        version = crate_version(root)?
    );
    std::fs::write(package.join("package.json"), manifest).map_err(|error| format!("package.json: {error}"))
}

/// The files a page downloads to show a trace: the wasm, its glue, the element and its worker.
const DOWNLOADED_FILES: &[&str] = &[
    "wasm/trace_viewer_bg.wasm",
    "wasm/trace_viewer.js",
    "trace-viewer.js",
    "trace-viewer-loader.js",
    "trace-viewer-worker.js",
];

/// The size goal of the shipping issue: wasm + JS under 200 KB gzipped. Not met yet.
pub const SIZE_GOAL_GZIPPED: usize = 200 * 1024;

/// The ceiling `cargo xtask test` enforces until the goal is met: today's size plus a little room,
/// so a change that makes the download grow noticeably fails and has to say why. (Raised from
/// 370 KB when the wasm moved from opt-level "z" to 2: +59 KB for an import 1.5× as fast.)
pub const SIZE_CEILING_GZIPPED: usize = 440 * 1024;

/// Prints the sizes of the wasm and JS that a page downloads, raw and gzipped; returns the gzipped total.
pub fn report_sizes() -> Result<usize, String> {
    let package = repository().join("pkg");
    let mut total_raw = 0;
    let mut total_gzip = 0;
    for file in DOWNLOADED_FILES {
        let bytes = std::fs::read(package.join(file)).map_err(|error| format!("{file}: {error}"))?;
        let gzipped = gzip_size(&package.join(file))?;
        println!("{file:<28} {:>9} bytes raw {:>9} bytes gzipped", bytes.len(), gzipped);
        total_raw += bytes.len();
        total_gzip += gzipped;
    }
    println!("{:<28} {:>9} bytes raw {:>9} bytes gzipped", "total", total_raw, total_gzip);
    Ok(total_gzip)
}

/// Fails when the download grew past the ceiling; says how far it is from the goal either way.
pub fn check_size_budget() -> Result<(), String> {
    let total = report_sizes()?;
    let kilobytes = |bytes: usize| bytes as f64 / 1024.0;
    if total > SIZE_CEILING_GZIPPED {
        return Err(format!(
            "the download is {:.1} KB gzipped, over the {:.0} KB ceiling (goal: {:.0} KB); see BENCHMARKS.md",
            kilobytes(total),
            kilobytes(SIZE_CEILING_GZIPPED),
            kilobytes(SIZE_GOAL_GZIPPED)
        ));
    }
    let verdict = if total <= SIZE_GOAL_GZIPPED { "goal met" } else { "goal not met yet" };
    println!(
        "size budget: {:.1} KB gzipped; ceiling {:.0} KB; goal {:.0} KB ({verdict})",
        kilobytes(total),
        kilobytes(SIZE_CEILING_GZIPPED),
        kilobytes(SIZE_GOAL_GZIPPED)
    );
    Ok(())
}

fn gzip_size(file: &Path) -> Result<usize, String> {
    let output =
        Command::new("gzip").args(["-9", "-c"]).arg(file).output().map_err(|error| format!("gzip: {error}"))?;
    Ok(output.stdout.len())
}
