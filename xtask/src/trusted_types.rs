//! The page module's one HTML sink goes through the element's Trusted Types policy
//! (`www/trace-viewer-trust.js`). Leptos writes the static markup of a view (compiled into the
//! wasm from our `view!` macros) with `innerHTML`, through the glue wasm-bindgen generates; on a
//! page enforcing Trusted Types a plain string there is refused and nothing renders. The glue is
//! patched so that this one setter passes the markup through `setViewMarkup`'s converter, which
//! the element sets to its policy.
//!
//! The policy vouches for that markup only because no text from a trace can reach an HTML sink:
//! [`check_no_html_sinks`] refuses the build when our Rust or JS sources use one, and the patch
//! refuses a glue with any sink but the one it routes.

use std::path::Path;

/// The setter wasm-bindgen writes for `Element::set_inner_html`, the only sink in the glue.
const SINK: &str = ".innerHTML = getStringFromWasm0(arg1, arg2);";
const ROUTED: &str = ".innerHTML = viewMarkup(getStringFromWasm0(arg1, arg2));";

const CONVERTER: &str = "
/** How the views' compiled markup becomes what innerHTML takes: set by the element to its
 * Trusted Types policy (trace-viewer-trust.js); trace text never comes here. */
let viewMarkup = (html) => html;
export function setViewMarkup(convert) {
    viewMarkup = convert;
}
";

const CONVERTER_DECLARATION: &str =
    "\n/** Routes the views' compiled markup through a Trusted Types policy before innerHTML. */\nexport function setViewMarkup(convert: (html: string) => unknown): void;\n";

/// Routes the page glue's `innerHTML` setter through `viewMarkup` and declares `setViewMarkup`.
pub fn patch_page_glue(wasm_directory: &Path) -> Result<(), String> {
    let glue_path = wasm_directory.join("trace_viewer.js");
    let glue = std::fs::read_to_string(&glue_path).map_err(|error| format!("{}: {error}", glue_path.display()))?;
    let sinks = [".innerHTML =", ".outerHTML =", "insertAdjacentHTML(", "document.write", "createContextualFragment("];
    let found: usize = sinks.iter().map(|sink| glue.matches(sink).count()).sum();
    if glue.matches(SINK).count() != 1 || found != 1 {
        return Err(format!(
            "{}: expected exactly one HTML sink, the innerHTML setter `{SINK}`; found {found} (a new wasm-bindgen \
             or a new web-sys call: route it through the Trusted Types policy, see xtask/src/trusted_types.rs)",
            glue_path.display()
        ));
    }
    let patched = glue.replace(SINK, ROUTED) + CONVERTER;
    std::fs::write(&glue_path, patched).map_err(|error| format!("{}: {error}", glue_path.display()))?;
    let declarations_path = wasm_directory.join("trace_viewer.d.ts");
    let mut declarations = std::fs::read_to_string(&declarations_path)
        .map_err(|error| format!("{}: {error}", declarations_path.display()))?;
    declarations.push_str(CONVERTER_DECLARATION);
    std::fs::write(&declarations_path, declarations)
        .map_err(|error| format!("{}: {error}", declarations_path.display()))
}

/// Fails when our own sources could put text into HTML: Rust calls that set markup, and JS
/// assignments or calls that parse it. (Leptos's `inner_html` attribute included.)
pub fn check_no_html_sinks(root: &Path) -> Result<(), String> {
    let rust_sinks = ["inner_html", "outer_html", "insert_adjacent_html", "create_contextual_fragment"];
    let js_sinks =
        ["innerHTML =", "innerHTML=", "outerHTML", "insertAdjacentHTML", "document.write", "createContextualFragment"];
    let mut offenders = Vec::new();
    for (folder, extension, sinks) in
        [("src", "rs", &rust_sinks[..]), ("crates/ui/src", "rs", &rust_sinks[..]), ("www", "js", &js_sinks[..])]
    {
        for file in files_under(&root.join(folder), extension)? {
            let text = std::fs::read_to_string(&file).map_err(|error| format!("{}: {error}", file.display()))?;
            for (number, line) in text.lines().enumerate() {
                if sinks.iter().any(|sink| line.contains(sink)) {
                    offenders.push(format!("{}:{}: {}", file.display(), number + 1, line.trim()));
                }
            }
        }
    }
    if offenders.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "HTML sinks in our sources (text from a trace must only ever be set as text):\n{}",
            offenders.join("\n")
        ))
    }
}

fn files_under(folder: &Path, extension: &str) -> Result<Vec<std::path::PathBuf>, String> {
    let mut files = Vec::new();
    let mut folders = vec![folder.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|error| format!("{}: {error}", folder.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|found| found == extension) {
                files.push(path);
            }
        }
    }
    Ok(files)
}
