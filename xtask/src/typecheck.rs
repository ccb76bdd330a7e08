//! Type-checks the element's JavaScript (the `www/trace-viewer*.js` modules that start with
//! `// @ts-check`, typed with JSDoc; the worker script runs in a worker's scope and is not) with TypeScript against the declarations wasm-bindgen wrote for the two modules, so a
//! call into the wasm with the wrong name or arguments fails the tests, not a user's page.

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

pub fn typecheck(root: &Path) -> Result<(), String> {
    println!("== type-checking the element's JavaScript (tsc --checkJs)");
    let folder = root.join("target/typecheck");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(folder.join("wasm")).map_err(|error| format!("target/typecheck: {error}"))?;
    let copy = |from: &Path, to: &Path| {
        std::fs::copy(from, to).map(|_| ()).map_err(|error| format!("{}: {error}", from.display()))
    };
    let mut checked = Vec::new();
    for script in files_with_extension(&root.join("www"), ".js")? {
        let name = script.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
        let source = std::fs::read_to_string(&script).map_err(|error| format!("{}: {error}", script.display()))?;
        if name.starts_with("trace-viewer") && source.starts_with("// @ts-check") {
            copy(&script, &folder.join(&name))?;
            checked.push(format!("\"{name}\""));
        }
    }
    for declarations in files_with_extension(&root.join("pkg/wasm"), ".d.ts")? {
        let name = declarations.file_name().and_then(|name| name.to_str()).unwrap_or_default().to_string();
        copy(&declarations, &folder.join("wasm").join(&name))?;
    }
    std::fs::write(folder.join("globals.d.ts"), PAGE_GLOBALS).map_err(|error| format!("globals.d.ts: {error}"))?;
    let config = format!(
        r#"{{ "compilerOptions": {{ "allowJs": true, "checkJs": true, "noEmit": true, "strict": false,
  "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler", "lib": ["ES2022", "DOM", "DOM.Iterable"],
  "skipLibCheck": true }}, "files": ["globals.d.ts", {}] }}"#,
        checked.join(", ")
    );
    std::fs::write(folder.join("tsconfig.json"), config).map_err(|error| format!("tsconfig.json: {error}"))?;
    run(Command::new("node").arg(tools::typescript_compiler()).args(["-p", "tsconfig.json"]).current_dir(&folder))
}
