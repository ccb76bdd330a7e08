//! Installs what the build and tests need when it is missing, so a fresh machine needs only the
//! Rust toolchain, Node.js and root: the wasm32 target, wasm-bindgen-cli at exactly the version in
//! Cargo.lock, wasm-opt, playwright-core and ajv from npm, and Debian's chromium and chromium-driver.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{output, run};
use crate::repository;

pub fn ensure_wasm_target() -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    println!("== installing the wasm32-unknown-unknown target");
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// rustfmt and clippy, which the test command runs (a minimal rustup profile lacks them).
pub fn ensure_rust_components() -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["component", "list", "--installed"])).unwrap_or_default();
    let has = |name: &str| installed.lines().any(|line| line.starts_with(name));
    if has("rustfmt") && has("clippy") {
        return Ok(());
    }
    println!("== installing rustfmt and clippy");
    run(Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]))
}

/// The exact `wasm-bindgen` version in Cargo.lock; the CLI must match it.
fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock =
        std::fs::read_to_string(repository().join("Cargo.lock")).map_err(|error| format!("Cargo.lock: {error}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|line| line.trim().strip_prefix("version = ")) {
                return Ok(version.trim_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

pub fn ensure_wasm_bindgen() -> Result<(), String> {
    let version = locked_wasm_bindgen_version()?;
    let installed = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    if installed.split_whitespace().nth(1) == Some(version.as_str()) {
        return Ok(());
    }
    println!("== installing wasm-bindgen-cli {version} (matches Cargo.lock; takes a few minutes once)");
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
}

/// Directory of the npm tooling (binaryen's wasm-opt, playwright-core).
pub fn node_tools_dir() -> PathBuf {
    repository().join("xtask")
}

/// Installs xtask/package.json's packages (versions from package-lock.json) when node_modules is
/// missing or older than either file. `npm install`, not `npm ci`: this npm writes lock files
/// without other platforms' optional packages, which `npm ci` then rejects.
pub fn ensure_node_tools() -> Result<(), String> {
    let directory = node_tools_dir();
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|metadata| metadata.modified()).ok();
    let installed = modified(directory.join("node_modules/.package-lock.json"));
    let newest_manifest = modified(directory.join("package-lock.json")).max(modified(directory.join("package.json")));
    if matches!((installed, newest_manifest), (Some(installed), Some(manifest)) if installed >= manifest) {
        return Ok(());
    }
    println!("== installing npm tooling (binaryen, esbuild, playwright-core, axe-core, ajv, typescript, vite, next, react, react-dom, @types/react, publint, attw)");
    // Another npm may write the lock file its own way (fields, optional packages of other
    // platforms): the committed one is put back, so installing leaves the work tree as it was.
    let lock = directory.join("package-lock.json");
    let committed = std::fs::read(&lock).ok();
    run(Command::new("npm").args(["install", "--no-audit", "--no-fund"]).current_dir(&directory))?;
    if let Some(committed) = committed {
        if std::fs::read(&lock).ok().as_deref() != Some(committed.as_slice()) {
            std::fs::write(&lock, committed).map_err(|error| format!("{}: {error}", lock.display()))?;
            // The install stays newer than the lock file put back, so it is not redone next time.
            let installed = directory.join("node_modules/.package-lock.json");
            let _ = std::fs::File::options()
                .write(true)
                .open(installed)
                .and_then(|file| file.set_modified(std::time::SystemTime::now()));
        }
    }
    Ok(())
}

pub fn typescript_compiler() -> PathBuf {
    node_tools_dir().join("node_modules/typescript/bin/tsc")
}

pub fn esbuild() -> PathBuf {
    node_tools_dir().join("node_modules/.bin/esbuild")
}

pub fn wasm_opt() -> PathBuf {
    node_tools_dir().join("node_modules/.bin/wasm-opt")
}

pub fn ensure_chromium() -> Result<(), String> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    println!("== installing Debian's chromium and chromium-driver");
    run(Command::new("apt-get").args(["update", "-q"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
