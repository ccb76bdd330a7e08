//! `cargo xtask bench-analysis`: the single-trace analyses on large traces (critical path, loop
//! folding, comparing two traces) and the review's queue order and labels export, timed natively
//! in a release build, each figure printed beside `JSON.parse` MB/s measured in the same run
//! (Node's V8, the browser's parser) so a figure can be judged against the machine's speed that day.
//!
//! Each analysis has its own file with a `run(&Yardstick)` that builds its inputs, times the
//! analysis (best of a few runs) and prints one line per figure through [`Yardstick::report`].

mod compare;
mod corpus_index;
mod critical_path;
mod loops;
mod merged_tree;
mod patterns;
mod review;

use std::process::Command;
use std::time::Instant;

use crate::repository;

/// `JSON.parse` speed of this run, the yardstick every figure is printed beside.
pub struct Yardstick {
    pub json_parse_mb_per_s: f64,
}

impl Yardstick {
    /// Prints one figure: what was measured, its time, the goal, and this run's `JSON.parse` speed.
    pub fn report(&self, what: &str, milliseconds: f64, goal_ms: Option<f64>) {
        let goal = goal_ms.map(|goal| format!(" (goal ≤ {goal:.0} ms at ~200 MB/s)")).unwrap_or_default();
        println!("  {what}: {milliseconds:.1} ms{goal} · JSON.parse {:.0} MB/s", self.json_parse_mb_per_s);
    }
}

/// Best of `runs` of `work`, in milliseconds; `work`'s result is kept from the optimiser.
pub fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        std::hint::black_box(work());
        best = best.min(started.elapsed().as_secs_f64() * 1e3);
    }
    best
}

/// `cargo xtask bench-analysis [--only name,name]`: measures the yardstick, then runs the
/// analyses (all, or those named: compare, critical-path, loops, patterns, merged-tree, review, corpus-index, corpus-join) in
/// release.
pub fn bench_analysis(arguments: &[String]) -> Result<(), String> {
    let only = match arguments {
        [] => String::new(),
        [flag, names] if flag == "--only" => names.clone(),
        _ => return Err("usage: cargo xtask bench-analysis [--only name,name]".into()),
    };
    let root = repository();
    let directory = root.join("target/bench");
    std::fs::create_dir_all(&directory).map_err(|error| format!("target/bench: {error}"))?;
    let file = directory.join("json-parse-yardstick.json");
    let text = trace_viewer_core::generate::lean_otlp_trace(200_000);
    std::fs::write(&file, &text).map_err(|error| format!("{}: {error}", file.display()))?;
    let script = "const fs=require('fs');const t=fs.readFileSync(process.argv[1],'utf8');let b=1e9;\
        for(let i=0;i<5;i++){const s=performance.now();JSON.parse(t);b=Math.min(b,performance.now()-s);}\
        console.log((Buffer.byteLength(t)/1e6/(b/1e3)).toFixed(1));";
    let output =
        Command::new("node").args(["-e", script]).arg(&file).output().map_err(|error| format!("node: {error}"))?;
    if !output.status.success() {
        return Err(format!("node: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let mb_per_s = String::from_utf8_lossy(&output.stdout).trim().to_string();
    let status = Command::new("cargo")
        .args(["run", "--quiet", "--release", "--package", "xtask", "--", "bench-analysis-run", &mb_per_s, &only])
        .current_dir(&root)
        .status()
        .map_err(|error| format!("cargo: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the release run of the analyses failed".into())
    }
}

/// One analysis's `run`.
type Run = fn(&Yardstick);

/// The release run: every analysis's figures beside the yardstick measured before.
pub fn run_all(arguments: &[String]) -> Result<(), String> {
    let json_parse_mb_per_s = arguments.first().and_then(|value| value.parse().ok()).unwrap_or(f64::NAN);
    let yardstick = Yardstick { json_parse_mb_per_s };
    println!(
        "== single-trace analyses (native release build; JSON.parse {json_parse_mb_per_s:.0} MB/s in Node this run)"
    );
    let only: Vec<&str> =
        arguments.get(1).map(|names| names.split(',').filter(|name| !name.is_empty()).collect()).unwrap_or_default();
    let analyses: [(&str, Run); 8] = [
        ("compare", compare::run),
        ("critical-path", critical_path::run),
        ("loops", loops::run),
        ("patterns", patterns::run),
        ("merged-tree", merged_tree::run),
        ("review", review::run),
        ("corpus-index", corpus_index::run),
        ("corpus-join", corpus_index::run_join),
    ];
    if let Some(unknown) = only.iter().find(|name| !analyses.iter().any(|(known, _)| known == *name)) {
        return Err(format!("no analysis named {unknown}"));
    }
    for (name, run) in analyses {
        if only.is_empty() || only.contains(&name) {
            run(&yardstick);
        }
    }
    Ok(())
}
