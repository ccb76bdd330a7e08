//! Writes `pkg/trace-viewer.html`: the static page as one self-contained file (CSS, scripts, the
//! wasm as base64 and the bundled example inlined) that works when opened from disk (file://) and
//! can be attached to a bug report. The scripts stay ES modules: at run time each becomes a Blob
//! URL, and the imports between them are pointed at those URLs.

use std::path::Path;

use trace_viewer_core::model::encoding::base64_encode;

/// A JavaScript string literal that is safe inside a `<script>` element.
fn script_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default().replace("</", "<\\/").replace("<!--", "<\\!--")
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))
}

/// The body of `www/index.html` (between `<body>` and `</body>`).
fn page_body(index_html: &str) -> Result<&str, String> {
    let start = index_html.find("<body>").ok_or("www/index.html has no <body>")? + "<body>".len();
    let end = index_html.rfind("</body>").ok_or("www/index.html has no </body>")?;
    Ok(&index_html[start..end])
}

pub fn write(root: &Path, package: &Path) -> Result<(), String> {
    let www = root.join("www");
    let body = read(&www.join("index.html"))?;
    let body = page_body(&body)?.to_string();
    let glue = read(&package.join("wasm/trace_viewer.js"))?;
    let worker_glue = read(&package.join("wasm/trace_viewer_worker.js"))?;
    let element = read(&package.join("trace-viewer.js"))?;
    let worker = read(&package.join("trace-viewer-worker.js"))?;
    let page = read(&www.join("page.js"))?;
    let css = read(&www.join("page.css"))?;
    let example = read(&www.join("examples/refund-agent.json"))?;
    let wasm = std::fs::read(package.join("wasm/trace_viewer_bg.wasm")).map_err(|error| format!("wasm: {error}"))?;
    let worker_wasm = std::fs::read(package.join("wasm/trace_viewer_worker_bg.wasm"))
        .map_err(|error| format!("worker wasm: {error}"))?;
    let loader = format!(
        r#"
const sources = {{ glue: {glue}, workerGlue: {worker_glue}, element: {element}, worker: {worker}, page: {page} }};
const moduleUrl = (source) => URL.createObjectURL(new Blob([source], {{ type: 'text/javascript' }}));
// Points a module's imports of `specifier` (in either quotes) at `url`.
const point = (source, specifier, url) => source.replaceAll(`"${{specifier}}"`, JSON.stringify(url)).replaceAll(`'${{specifier}}'`, JSON.stringify(url));
const glueUrl = moduleUrl(sources.glue);
const workerGlueUrl = moduleUrl(sources.workerGlue);
globalThis.TRACE_VIEWER_WORKER = moduleUrl(point(sources.worker, './wasm/trace_viewer_worker.js', workerGlueUrl));
const elementUrl = moduleUrl(point(point(sources.element, './wasm/trace_viewer.js', glueUrl), './wasm/trace_viewer_worker.js', workerGlueUrl));
const bytesOf = (base64) => Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
globalThis.TRACE_VIEWER_WASM = bytesOf({wasm});
globalThis.TRACE_VIEWER_WORKER_WASM = bytesOf({worker_wasm});
window.TRACE_VIEWER_EMBEDDED_EXAMPLE = {example};
await import(moduleUrl(point(sources.page, './pkg/trace-viewer.js', elementUrl)));
"#,
        glue = script_string(&glue),
        worker_glue = script_string(&worker_glue),
        element = script_string(&element),
        worker = script_string(&worker),
        page = script_string(&page),
        wasm = script_string(&base64_encode(&wasm)),
        worker_wasm = script_string(&base64_encode(&worker_wasm)),
        example = script_string(&example),
    );
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>trace-viewer</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n{css}</style>\n<script type=\"module\">{loader}</script>\n</head>\n<body>{body}</body>\n</html>\n"
    );
    std::fs::write(package.join("trace-viewer.html"), html).map_err(|error| format!("trace-viewer.html: {error}"))
}
