//! Builds the optimised wasm (cargo → wasm-bindgen → wasm-opt) and assembles `pkg/`, the npm
//! package `trace-viewer`: element module, types, glue, wasm, schema, package.json and README.

use std::path::Path;
use std::process::Command;

use crate::process::run;
use crate::{repository, tools};

/// Files copied from `www/` into the package root, unchanged.
const PACKAGE_FILES_FROM_WWW: &[&str] = &[
    "trace-viewer.d.ts",
    "trace-viewer-worker.d.ts",
    "trace-viewer.schema.json",
    "react.d.ts",
    "react.js",
    "custom-elements.json",
];
/// The licences the package is offered under, and what changed, as in the repository.
const PACKAGE_FILES_FROM_ROOT: &[&str] = &["LICENSE-MIT", "LICENSE-APACHE", "CHANGELOG.md"];

pub fn build_all() -> Result<(), String> {
    tools::ensure_wasm_target()?;
    tools::ensure_wasm_bindgen()?;
    tools::ensure_node_tools()?;
    let root = repository();
    // Before anything is removed: a refused source leaves the last package in place.
    crate::trusted_types::check_no_html_sinks(&root)?;
    let started = std::time::Instant::now();
    let package = root.join("pkg");
    let wasm_directory = package.join("wasm");
    let _ = std::fs::remove_dir_all(&package);
    std::fs::create_dir_all(&wasm_directory).map_err(|error| format!("creating pkg/wasm: {error}"))?;
    for module in WASM_MODULES {
        build_module(&root, &wasm_directory, module)?;
    }
    crate::trusted_types::patch_page_glue(&wasm_directory)?;
    assemble_package(&root, &package)?;
    bundle_element(&root, &package)?;
    minify_scripts(&package)?;
    crate::single_file::write(&root, &package)?;
    println!("== built pkg/ in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// One of the two wasm modules: which package builds it, with which cargo profile, under which name.
struct WasmModule {
    package: &'static str,
    /// The page is built for size (what an embedder waits for), the worker for speed.
    profile: &'static str,
    /// The file name cargo writes (the package's lib name) and the name wasm-bindgen gives it.
    cargo_name: &'static str,
    out_name: &'static str,
}

const WASM_MODULES: &[WasmModule] = &[
    WasmModule { package: "trace-viewer", profile: "page", cargo_name: "trace_viewer", out_name: "trace_viewer" },
    WasmModule {
        package: "trace-viewer-worker",
        profile: "release",
        cargo_name: "trace_viewer_worker",
        out_name: "trace_viewer_worker",
    },
];

/// cargo → wasm-bindgen → wasm-opt for one module, into `pkg/wasm/<out_name>{.js,_bg.wasm}`.
fn build_module(root: &Path, wasm_directory: &Path, module: &WasmModule) -> Result<(), String> {
    println!("== building the {} wasm (profile {})", module.package, module.profile);
    run(Command::new("cargo")
        .args([
            "build",
            "--profile",
            module.profile,
            "--target",
            "wasm32-unknown-unknown",
            "--package",
            module.package,
            "--lib",
        ])
        .current_dir(root))?;
    let built = root.join(format!("target/wasm32-unknown-unknown/{}/{}.wasm", module.profile, module.cargo_name));
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", module.out_name, "--out-dir"])
        .arg(wasm_directory)
        .arg(built))?;
    let wasm = wasm_directory.join(format!("{}_bg.wasm", module.out_name));
    // The page's module is optimised for size like its build (passes repeated while it shrinks:
    // about 1 KB gzipped); the worker's for speed.
    let levels: &[&str] = if module.profile == "page" { &["-Oz", "--converge"] } else { &["-O2"] };
    println!("== optimising {} with wasm-opt {}", module.out_name, levels.join(" "));
    run(Command::new(tools::wasm_opt())
        .args(levels)
        .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-sign-ext"])
        .args([
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
            "--strip-debug",
            "--strip-producers",
        ])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))
}

/// The element's small modules (`www/trace-viewer*.js`) as one minified file, `trace-viewer.js`:
/// one request for the page instead of six. The wasm glue stays a module of its own beside it.
fn bundle_element(root: &Path, package: &Path) -> Result<(), String> {
    println!("== bundling the element's modules (esbuild)");
    run(Command::new(tools::esbuild())
        .arg(root.join("www/trace-viewer.js"))
        .args(["--bundle", "--minify", "--format=esm", "--log-level=warning"])
        .args(["--external:./wasm/trace_viewer.js", "--external:./wasm/trace_viewer_worker.js"])
        .arg(format!("--outfile={}", package.join("trace-viewer.js").display())))?;
    // The worker's modules (imports, and the corpus) the same way, as `trace-viewer-worker.js`.
    run(Command::new(tools::esbuild())
        .arg(root.join("www/trace-viewer-worker.js"))
        .args(["--bundle", "--minify", "--format=esm", "--log-level=warning"])
        .args(["--external:./wasm/trace_viewer_worker.js"])
        .arg(format!("--outfile={}", package.join("trace-viewer-worker.js").display())))
}

/// The rest of the package's JavaScript, minified in place (readable sources stay in `www/`): the
/// glue wasm-bindgen writes names every import in full, and the page waits for it too.
const MINIFIED_SCRIPTS: &[&str] = &["wasm/trace_viewer.js", "wasm/trace_viewer_worker.js"];

fn minify_scripts(package: &Path) -> Result<(), String> {
    println!("== minifying the package's JavaScript (esbuild)");
    for script in MINIFIED_SCRIPTS {
        let path = package.join(script);
        run(Command::new(tools::esbuild())
            .arg(&path)
            .args(["--minify", "--format=esm", "--log-level=warning", "--allow-overwrite"])
            .arg(format!("--outfile={}", path.display())))?;
    }
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
    for file in PACKAGE_FILES_FROM_ROOT {
        std::fs::copy(root.join(file), package.join(file)).map_err(|error| format!("copying {file}: {error}"))?;
    }
    // wasm-bindgen writes a .gitignore and package.json of its own into its out dir; ours rule.
    let _ = std::fs::remove_file(package.join("wasm/.gitignore"));
    let _ = std::fs::remove_file(package.join("wasm/package.json"));
    let manifest = format!(
        r#"{{
  "name": "ai-trace-viewer",
  "version": "{version}",
  "description": "An embeddable, fully client-side viewer for AI traces: <trace-viewer>, a custom element built in Rust and WebAssembly.",
  "license": "MIT OR Apache-2.0",
  "repository": {{ "type": "git", "url": "git+https://github.com/trace-viewer/trace-viewer.git" }},
  "homepage": "https://github.com/trace-viewer/trace-viewer#readme",
  "bugs": {{ "url": "https://github.com/trace-viewer/trace-viewer/issues" }},
  "type": "module",
  "main": "./trace-viewer.js",
  "module": "./trace-viewer.js",
  "types": "./trace-viewer.d.ts",
  "exports": {{
    ".": {{
      "types": "./trace-viewer.d.ts",
      "default": "./trace-viewer.js"
    }},
    "./react": {{
      "types": "./react.d.ts",
      "default": "./react.js"
    }},
    "./trace-viewer.schema.json": "./trace-viewer.schema.json",
    "./custom-elements.json": "./custom-elements.json",
    "./trace-viewer-worker.js": {{
      "types": "./trace-viewer-worker.d.ts",
      "default": "./trace-viewer-worker.js"
    }},
    "./wasm/trace_viewer_bg.wasm": "./wasm/trace_viewer_bg.wasm",
    "./wasm/trace_viewer_worker_bg.wasm": "./wasm/trace_viewer_worker_bg.wasm",
    "./package.json": "./package.json"
  }},
  "files": [
    "trace-viewer.js",
    "trace-viewer-worker.js",
    "trace-viewer-worker.d.ts",
    "trace-viewer.d.ts",
    "trace-viewer.schema.json",
    "react.js",
    "react.d.ts",
    "custom-elements.json",
    "wasm/trace_viewer.js",
    "wasm/trace_viewer.d.ts",
    "wasm/trace_viewer_bg.wasm",
    "wasm/trace_viewer_bg.wasm.d.ts",
    "wasm/trace_viewer_worker.js",
    "wasm/trace_viewer_worker.d.ts",
    "wasm/trace_viewer_worker_bg.wasm",
    "wasm/trace_viewer_worker_bg.wasm.d.ts",
    "README.md",
    "CHANGELOG.md",
    "LICENSE-MIT",
    "LICENSE-APACHE"
  ],
  "customElements": "custom-elements.json",
  "sideEffects": ["./trace-viewer.js", "./react.js"],
  "keywords": ["tracing", "opentelemetry", "llm", "observability", "web-component", "custom-element", "wasm", "ai", "agents", "traces", "langfuse", "langsmith", "jaeger"]
}}
"#,
        version = crate_version(root)?
    );
    std::fs::write(package.join("package.json"), manifest).map_err(|error| format!("package.json: {error}"))
}

/// What a page downloads before the element can draw: the page's wasm, its glue and the element.
const PAGE_FILES: &[&str] = &["wasm/trace_viewer_bg.wasm", "wasm/trace_viewer.js", "trace-viewer.js"];

/// What is fetched in parallel, for the first import: the worker's wasm, its glue and the worker.
const WORKER_FILES: &[&str] =
    &["wasm/trace_viewer_worker_bg.wasm", "wasm/trace_viewer_worker.js", "trace-viewer-worker.js"];

/// The size goal of the architecture issue: the page's download at most 200 KB gzipped (-9).
pub const PAGE_GOAL_GZIPPED: usize = 200 * 1024;

/// The ceiling `cargo xtask test` enforces on the page's download until the goal is met: today's
/// size plus a little room, so a change that makes it grow noticeably fails and has to say why.
/// It was 241 KB until the traces table (the corpus issue) added 46 KB: its Leptos views, the
/// facet panel and the column chooser are most of it (the answers it shows arrive as compact
/// bytes, which saved 9 KB of deserializers); 289 KB until the dashboard (the aggregates issue)
/// added 38 KB: 17 KB the panels' views, 7.5 KB BubbleUp's, 7 KB the comparison's; 328 KB until
/// the sessions tab added 22 KB: 14.5 KB its views (the list 7.5, the conversation 7), the rest the
/// tabs, the handle's session methods and their decoder; then the outcomes join 4.7 KB (its bar
/// on the dashboard, outcome measures' titles and values), the merged tree's panel 12 KB (14
/// before its three sorts became one), BubbleUp's heatmap and numeric histograms 11.5 KB, the
/// heatmap's keyboard brush and the merged tree's path buttons 1.5 KB; accessibility 1.5 KB (the
/// splitter's value, the tree's active row, keyboard zoom, contrast and target sizes: 381.8 KB);
/// 384 KB until the phone layout and messages for people added 5 KB: 0.8 KB their CSS, the rest
/// the error panel's paragraphs and list, the header's More, the detail sheet's Back and the
/// table's cards (386.8 KB); 390 KB until the formats of round two (1.4 KB, 388.2 KB) and the
/// importers' own JSON document (crates/core/src/json), to which the page's lazy message reading
/// and JSON display moved with the importers: 1.7 KB more than serde_json::Value's code (389.9 KB);
/// 392 KB until the reading-agents issue (#16): the trace overview added 16 KB (405.9 KB; its
/// panel's views, the error box's best message, error stepping, feedback tones, and questions and
/// answers reduced to their words); comparing two traces 28.4 KB, measured against a build without
/// it: of the 79 KB of raw code it adds, 19 KB are core's comparison (subsequence search, word
/// diff, paths, steps, texts, parameters, totals), the rest its five views and the Leptos code
/// they instantiate; 7 KB gzipped were saved before by numbering paths and words without a hash
/// map (SipHash), writing the subsequence in order instead of sorting it, and the views without
/// memos or sub-components; messages as markdown 19.0 KB (the parser, `view/markdown`, is 19 KB
/// of the 44 KB raw it adds after wasm-opt; the `Markdown` component, the documents' shapes and
/// their views, and 0.8 KB of CSS the rest); the critical path and the long waterfall's reading aids
/// 17.6 KB (the rows' new bar views: duration labels, markers outside a zoom, cut ends, the path's
/// stripes; the breakdown table, minimap brushing and its legend, zoom to a span, wheel zoom and
/// service names; the path's walk, breakdown and filter ~2.5 KB); loop folding 15.4 KB (detection,
/// fold state and keys in core, the folded row's view and the toolbar's toggle); 487 KB until
/// comparing two traces of a corpus added 5.3 KB (489.4 KB): the table's marks, their bar, the
/// corpus's nearest success in the header, Back to the table; measured by removal, the marks and
/// the bar are 0.5 KB and the header's button 0.5 KB, the rest is the optimiser inlining the
/// state's and the handle's new paths; 491 KB until the review of a corpus (#15) added 74.4 KB
/// (563.8 KB), measured against the same commit without it: the Review tab's views (queue,
/// taxonomy, notes, patterns, label files) 30 KB, the review bar over a trace, the label state
/// (core's `LabelStore` with undo and merge) and the handle's review methods with their serde
/// glue 44 KB. The JSON readers of label and taxonomy files stay in the worker's module (the page
/// takes plain objects); the lever left is loading the review's views as a module of their own
/// when the tab first opens; 565 KB until the traces table kept its rows by position (#13) added
/// 5.6 KB (569.4 KB): each row an element of its own whose texts, classes and attributes follow
/// the row the window holds at its position, and a cell per shown column, instead of rows rebuilt
/// whenever a refresh shifted them (main-thread tasks over 50 ms while a million traces are read:
/// 4–18 before, 0–1 after); a memo per cell (0.3 KB of it) works each cell's text out once per
/// change of its row for both its class and its text. Where the rest goes,
/// and what was tried, is in BENCHMARKS.md.
pub const PAGE_CEILING_GZIPPED: usize = 570 * 1024;

/// Prints the sizes of a group of files, raw and gzipped (-9); returns the gzipped total.
fn report_group(title: &str, files: &[&str]) -> Result<usize, String> {
    let package = repository().join("pkg");
    let mut total_raw = 0;
    let mut total_gzip = 0;
    println!("{title}");
    for file in files {
        let bytes = std::fs::read(package.join(file)).map_err(|error| format!("{file}: {error}"))?;
        let gzipped = gzip_size(&package.join(file))?;
        println!("  {file:<34} {:>9} bytes raw {:>9} bytes gzipped", bytes.len(), gzipped);
        total_raw += bytes.len();
        total_gzip += gzipped;
    }
    println!("  {:<34} {:>9} bytes raw {:>9} bytes gzipped", "total", total_raw, total_gzip);
    Ok(total_gzip)
}

/// Prints the page's download and the worker's separately; returns the page's gzipped total.
pub fn report_sizes() -> Result<usize, String> {
    let page = report_group("the page's download before the element can draw:", PAGE_FILES)?;
    report_group("the worker's download (fetched and compiled in parallel):", WORKER_FILES)?;
    Ok(page)
}

/// Fails when the page's download grew past the ceiling; says how far it is from the goal.
pub fn check_size_budget() -> Result<(), String> {
    let total = report_sizes()?;
    let kilobytes = |bytes: usize| bytes as f64 / 1024.0;
    if total > PAGE_CEILING_GZIPPED {
        return Err(format!(
            "the page's download is {:.1} KB gzipped, over the {:.0} KB ceiling (goal: {:.0} KB); see BENCHMARKS.md",
            kilobytes(total),
            kilobytes(PAGE_CEILING_GZIPPED),
            kilobytes(PAGE_GOAL_GZIPPED)
        ));
    }
    let verdict = if total <= PAGE_GOAL_GZIPPED { "goal met" } else { "goal not met" };
    println!(
        "page size budget: {:.1} KB gzipped; ceiling {:.0} KB; goal {:.0} KB ({verdict})",
        kilobytes(total),
        kilobytes(PAGE_CEILING_GZIPPED),
        kilobytes(PAGE_GOAL_GZIPPED)
    );
    Ok(())
}

fn gzip_size(file: &Path) -> Result<usize, String> {
    let output =
        Command::new("gzip").args(["-9", "-c"]).arg(file).output().map_err(|error| format!("gzip: {error}"))?;
    Ok(output.stdout.len())
}
