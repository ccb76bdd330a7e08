//! Type-checks the element's JavaScript (every `www/trace-viewer*.js` module, each starting with
//! `// @ts-check` and typed with JSDoc) with TypeScript against the declarations wasm-bindgen wrote
//! for the two wasm modules, and both sides of the worker protocol against
//! `trace-viewer-protocol.js`: a call into the wasm or a message with the wrong name or shape
//! fails the tests, not a user's page.

use std::path::Path;
use std::process::Command;

use crate::process::{files_with_extension, run};
use crate::tools;

/// Globals the element reads when a page sets them before it loads (see the README).
const PAGE_GLOBALS: &str =
    "declare var TRACE_VIEWER_WASM: string | URL | BufferSource | WebAssembly.Module | undefined;
declare var TRACE_VIEWER_WORKER_WASM: string | URL | BufferSource | WebAssembly.Module | undefined;
declare var TRACE_VIEWER_WORKER: string | URL | null | false | undefined;
";

/// The page's modules run with the DOM; the worker script in a worker's scope: two programs.
const PROGRAMS: &[(&str, &str)] =
    &[("tsconfig.page.json", "\"DOM\", \"DOM.Iterable\""), ("tsconfig.worker.json", "\"WebWorker\"")];

/// The worker script; every other checked module belongs to the page.
const WORKER_SCRIPT: &str = "trace-viewer-worker.js";

pub fn typecheck(root: &Path) -> Result<(), String> {
    println!("== type-checking the element's JavaScript (tsc --checkJs)");
    let folder = root.join("target/typecheck");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(folder.join("wasm")).map_err(|error| format!("target/typecheck: {error}"))?;
    let copy = |from: &Path, to: &Path| {
        std::fs::copy(from, to).map(|_| ()).map_err(|error| format!("{}: {error}", from.display()))
    };
    let mut page_modules = Vec::new();
    for script in files_with_extension(&root.join("www"), ".js")? {
        let name = script.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
        let source = std::fs::read_to_string(&script).map_err(|error| format!("{}: {error}", script.display()))?;
        if !name.starts_with("trace-viewer") {
            continue;
        }
        if !source.starts_with("// @ts-check") {
            return Err(format!("www/{name} does not start with // @ts-check"));
        }
        copy(&script, &folder.join(&name))?;
        if name != WORKER_SCRIPT {
            page_modules.push(format!("\"{name}\""));
        }
    }
    for declarations in files_with_extension(&root.join("pkg/wasm"), ".d.ts")? {
        let name = declarations.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
        copy(&declarations, &folder.join("wasm").join(&name))?;
    }
    std::fs::write(folder.join("globals.d.ts"), PAGE_GLOBALS).map_err(|error| format!("globals.d.ts: {error}"))?;
    for (config_name, libraries) in PROGRAMS {
        let files = if *config_name == "tsconfig.worker.json" {
            format!("\"{WORKER_SCRIPT}\"")
        } else {
            format!("\"globals.d.ts\", {}", page_modules.join(", "))
        };
        let config = format!(
            r#"{{ "compilerOptions": {{ "allowJs": true, "checkJs": true, "noEmit": true, "strict": false,
  "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler", "lib": ["ES2022", {libraries}],
  "skipLibCheck": true }}, "files": [{files}] }}"#
        );
        std::fs::write(folder.join(config_name), config).map_err(|error| format!("{config_name}: {error}"))?;
        run(Command::new("node").arg(tools::typescript_compiler()).args(["-p", config_name]).current_dir(&folder))?;
    }
    Ok(())
}
