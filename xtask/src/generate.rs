//! `cargo xtask gen corpus --traces N [--out DIR]`: writes the generated corpus (see
//! `trace_viewer_core::generate::corpus`) as OTLP/JSON Lines and the same traces in the own format,
//! one trace per line: `corpus-N.otlp.jsonl` and `corpus-N.own.jsonl`, by default in
//! `target/corpus/`. Deterministic: the same N always writes the same bytes.

use std::io::Write;
use std::path::PathBuf;

use trace_viewer_core::export::to_own_format;
use trace_viewer_core::generate::corpus::otlp_json_lines;
use trace_viewer_core::import::import_text;
use trace_viewer_core::model::TraceSet;

/// Traces generated and imported at a time (the own format is written from imported traces).
const BATCH_TRACES: u64 = 50_000;

pub fn generate(arguments: &[String]) -> Result<(), String> {
    if arguments.first().map(String::as_str) != Some("corpus") {
        return Err("usage: cargo xtask gen corpus --traces N [--out DIR]".into());
    }
    let option =
        |name: &str| arguments.iter().position(|argument| argument == name).and_then(|at| arguments.get(at + 1));
    let traces: u64 =
        option("--traces").map_or(Ok(10_000), |text| text.parse()).map_err(|_| "--traces takes a number")?;
    let out = option("--out").map_or_else(|| crate::repository().join("target/corpus"), PathBuf::from);
    let (otlp_path, own_path) = write_corpus(traces, &out)?;
    println!("wrote {} and {}", otlp_path.display(), own_path.display());
    Ok(())
}

/// Writes both files of an N-trace corpus into `out` (skipped when they exist); returns their paths.
pub fn write_corpus(traces: u64, out: &std::path::Path) -> Result<(PathBuf, PathBuf), String> {
    std::fs::create_dir_all(out).map_err(|error| format!("{}: {error}", out.display()))?;
    let otlp_path = out.join(format!("corpus-{traces}.otlp.jsonl"));
    let own_path = out.join(format!("corpus-{traces}.own.jsonl"));
    if otlp_path.exists() && own_path.exists() {
        return Ok((otlp_path, own_path));
    }
    let create = |path: &PathBuf| {
        std::fs::File::create(path).map(std::io::BufWriter::new).map_err(|error| format!("{}: {error}", path.display()))
    };
    let (mut otlp, mut own) = (create(&otlp_path)?, create(&own_path)?);
    let write_error = |error: std::io::Error| error.to_string();
    // The corpus's lines are generated whole (the generator places split traces a few lines on);
    // written and converted a batch of lines at a time to keep memory flat.
    let text = otlp_json_lines(traces);
    otlp.write_all(text.as_bytes()).map_err(write_error)?;
    let lines: Vec<&str> = text.lines().collect();
    for batch in lines.chunks(BATCH_TRACES as usize) {
        let set = import_text(&batch.join("\n"), None).map_err(|error| error.to_string())?;
        for trace in set.traces {
            let one = TraceSet { format: set.format.clone(), traces: vec![trace], warnings: Vec::new() };
            writeln!(own, "{}", to_own_format(&one)).map_err(write_error)?;
        }
    }
    otlp.flush().map_err(write_error)?;
    own.flush().map_err(write_error)?;
    Ok((otlp_path, own_path))
}
