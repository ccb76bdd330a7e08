//! `cargo xtask gen corpus --traces N [--out DIR]`: writes the generated corpus (see
//! `trace_viewer_core::generate::corpus`) as OTLP/JSON Lines and the same traces in the own format,
//! one trace per line: `corpus-N.otlp.jsonl` and `corpus-N.own.jsonl`, by default in
//! `target/corpus/`. Deterministic: the same N always writes the same bytes. `--loops M` plants M
//! traces stuck in a loop (the same tool call five times, see
//! `trace_viewer_core::generate::corpus::is_planted_loop`) and writes only
//! `corpus-N-loops-M.otlp.jsonl`.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use trace_viewer_core::export::to_own_format;
use trace_viewer_core::import::import_text;
use trace_viewer_core::model::TraceSet;

/// Lines imported at a time to write the own format (from the imported traces).
const BATCH_TRACES: u64 = 50_000;

pub fn generate(arguments: &[String]) -> Result<(), String> {
    if arguments.first().map(String::as_str) != Some("corpus") {
        return Err("usage: cargo xtask gen corpus --traces N [--loops M] [--out DIR]".into());
    }
    let option =
        |name: &str| arguments.iter().position(|argument| argument == name).and_then(|at| arguments.get(at + 1));
    let traces: u64 =
        option("--traces").map_or(Ok(10_000), |text| text.parse()).map_err(|_| "--traces takes a number")?;
    let out = option("--out").map_or_else(|| crate::repository().join("target/corpus"), PathBuf::from);
    let loops: u64 = option("--loops").map_or(Ok(0), |text| text.parse()).map_err(|_| "--loops takes a number")?;
    if loops > 0 {
        let path = write_streamed(&out, &format!("corpus-{traces}-loops-{loops}.otlp.jsonl"), &mut |write| {
            trace_viewer_core::generate::corpus::write_otlp_json_lines_with_loops(traces, loops, write)
        })?;
        println!("wrote {} ({loops} traces planted stuck in a loop)", path.display());
        return Ok(());
    }
    let (otlp_path, own_path) = write_corpus(traces, &out)?;
    println!("wrote {} and {}", otlp_path.display(), own_path.display());
    Ok(())
}

/// Writes both files of an N-trace corpus into `out` (skipped when they exist); returns their paths.
/// The own format is converted from the OTLP file a batch of lines at a time, keeping memory flat.
pub fn write_corpus(traces: u64, out: &std::path::Path) -> Result<(PathBuf, PathBuf), String> {
    let otlp_path = write_otlp_corpus(traces, out)?;
    let own_path = out.join(format!("corpus-{traces}.own.jsonl"));
    if own_path.exists() {
        return Ok((otlp_path, own_path));
    }
    let file = std::fs::File::create(&own_path).map_err(|error| format!("{}: {error}", own_path.display()))?;
    let mut own = std::io::BufWriter::new(file);
    let reader = std::io::BufReader::new(std::fs::File::open(&otlp_path).map_err(|error| error.to_string())?);
    let mut batch: Vec<String> = Vec::new();
    let mut lines = reader.lines();
    loop {
        let line = lines.next().transpose().map_err(|error| error.to_string())?;
        let done = line.is_none();
        batch.extend(line);
        if batch.len() as u64 >= BATCH_TRACES || (done && !batch.is_empty()) {
            let set = import_text(&batch.join("\n"), None).map_err(|error| error.to_string())?;
            for trace in set.traces {
                let one = TraceSet { format: set.format.clone(), traces: vec![trace], warnings: Vec::new() };
                writeln!(own, "{}", to_own_format(&one)).map_err(|error| error.to_string())?;
            }
            batch.clear();
        }
        if done {
            break;
        }
    }
    own.flush().map_err(|error| error.to_string())?;
    Ok((otlp_path, own_path))
}

/// Writes only the OTLP/JSON Lines file of an N-trace corpus (streamed; skipped when it exists).
pub fn write_otlp_corpus(traces: u64, out: &std::path::Path) -> Result<PathBuf, String> {
    write_streamed(out, &format!("corpus-{traces}.otlp.jsonl"), &mut |write| {
        trace_viewer_core::generate::corpus::write_otlp_json_lines(traces, write)
    })
}

/// Product outcomes for the generated corpus of `traces`, keyed by trace id (see
/// `write_outcomes_csv`): `corpus-N.outcomes.csv` and, `wide`, `corpus-N.dimensions.csv`;
/// skipped when it exists.
pub fn write_outcomes(traces: u64, wide: bool, out: &std::path::Path) -> Result<PathBuf, String> {
    let name = if wide { "dimensions" } else { "outcomes" };
    write_streamed(out, &format!("corpus-{traces}.{name}.csv"), &mut |write| {
        trace_viewer_core::generate::corpus::write_outcomes_csv(traces, wide, write)
    })
}

/// A generator of a file's text: it hands each piece to the writer it is given.
type Generator<'a> = dyn FnMut(&mut dyn FnMut(&str)) + 'a;

/// Writes `out/name` from what `generate` hands its writer a piece at a time, through a
/// `.partial` file renamed at the end (so an interrupted run leaves no half file behind); skipped
/// when the file exists.
fn write_streamed(out: &std::path::Path, name: &str, generate: &mut Generator) -> Result<PathBuf, String> {
    std::fs::create_dir_all(out).map_err(|error| format!("{}: {error}", out.display()))?;
    let path = out.join(name);
    if path.exists() {
        return Ok(path);
    }
    let partial = out.join(format!("{name}.partial"));
    let file = std::fs::File::create(&partial).map_err(|error| format!("{}: {error}", partial.display()))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut failure = None;
    generate(&mut |piece| {
        if failure.is_none() {
            failure = writer.write_all(piece.as_bytes()).err();
        }
    });
    if let Some(error) = failure {
        return Err(error.to_string());
    }
    writer.flush().map_err(|error| error.to_string())?;
    drop(writer);
    std::fs::rename(&partial, &path).map_err(|error| error.to_string())?;
    Ok(path)
}

/// The same traces as one OTLP/JSON document (`corpus-N.otlp.json`, every line's resource spans in
/// one `resourceSpans` array), to compare one document with JSON Lines; skipped when it exists.
pub fn write_otlp_document(traces: u64, out: &std::path::Path) -> Result<PathBuf, String> {
    let lines_path = write_otlp_corpus(traces, out)?;
    let path = out.join(format!("corpus-{traces}.otlp.json"));
    if path.exists() {
        return Ok(path);
    }
    let reader = std::io::BufReader::new(std::fs::File::open(&lines_path).map_err(|error| error.to_string())?);
    let file = std::fs::File::create(&path).map_err(|error| format!("{}: {error}", path.display()))?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
    let io = |error: std::io::Error| error.to_string();
    writer.write_all(b"{\"resourceSpans\":[").map_err(io)?;
    for (position, line) in reader.lines().enumerate() {
        let line = line.map_err(io)?;
        let inner = line
            .strip_prefix("{\"resourceSpans\":[")
            .and_then(|rest| rest.strip_suffix("]}"))
            .ok_or("a generated line is not one resourceSpans object")?;
        if position > 0 {
            writer.write_all(b",").map_err(io)?;
        }
        writer.write_all(inner.as_bytes()).map_err(io)?;
    }
    writer.write_all(b"]}").map_err(io)?;
    writer.flush().map_err(io)?;
    Ok(path)
}
