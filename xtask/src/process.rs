//! Running child processes and finding files, with errors that say which command failed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a command with inherited output; an error names the command and its exit status.
pub fn run(command: &mut Command) -> Result<(), String> {
    let description = format!("{command:?}");
    let status = command.status().map_err(|error| format!("could not start {description}: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{description} failed ({status})"))
    }
}

/// Runs a command and returns its standard output, or `None` when it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Files in `directory` whose names end with `suffix`, sorted.
pub fn files_with_extension(directory: &Path, suffix: &str) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(directory).map_err(|error| format!("cannot read {}: {error}", directory.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.file_name().and_then(|name| name.to_str()).is_some_and(|name| name.ends_with(suffix)))
        .collect();
    files.sort();
    Ok(files)
}
