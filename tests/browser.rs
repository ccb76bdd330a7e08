//! Component tests in headless Chromium (wasm-bindgen-test): mount the real viewer into a shadow
//! root, load real files, and check what is on screen.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use trace_viewer::decoder::{DecodeStep, TransferDecoder};
use trace_viewer::element::ViewerHandle;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Document, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

const EXAMPLE: &str = include_str!("../www/examples/refund-agent.json");

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// Events the viewer handed to the element's JavaScript, as (name, detail).
type Events = Rc<RefCell<Vec<(String, JsValue)>>>;

/// A host element of a fixed size in the page, with an open shadow root, and a viewer in it whose
/// events are recorded.
fn mount_recording(height_px: u32) -> (HtmlElement, ShadowRoot, ViewerHandle, Events) {
    let host: HtmlElement = document().create_element("div").unwrap().dyn_into().unwrap();
    host.style().set_property("height", &format!("{height_px}px")).unwrap();
    host.style().set_property("width", "1000px").unwrap();
    host.style().set_property("display", "block").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).unwrap();
    let events: Events = Rc::default();
    let sink = events.clone();
    let on_event = Closure::<dyn FnMut(String, JsValue)>::new(move |name: String, detail: JsValue| {
        sink.borrow_mut().push((name, detail));
    });
    let handle = ViewerHandle::new(root.clone(), Some(on_event.into_js_value().unchecked_into())).unwrap();
    (host, root, handle, events)
}

fn mount(height_px: u32) -> (HtmlElement, ShadowRoot, ViewerHandle) {
    let (host, root, handle, _) = mount_recording(height_px);
    (host, root, handle)
}

/// Lets Leptos effects and the ResizeObserver run.
async fn settle() {
    for _ in 0..3 {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    }
}

/// Loads a file the way the element does, with the importer run here instead of in the worker
/// module (the page module has none): imported and encoded natively, then decoded by the page's
/// own decoder and shown. An import error is shown as the element shows the worker's.
fn load(handle: &ViewerHandle, text: &str) -> Result<(), String> {
    let set = trace_viewer_core::import::import_text(text, None).map_err(|error| {
        handle.show_error(&error.to_string());
        error.to_string()
    })?;
    let mut decoder = TransferDecoder::new();
    decoder.add_piece(js_sys::Uint8Array::from(trace_viewer_core::transfer::encode(&set).as_slice()));
    decoder.all_pieces_added();
    decoder.start().unwrap();
    while decoder.step(1_000.0).unwrap() != DecodeStep::Done {}
    handle.show_decoded(&mut decoder).unwrap();
    Ok(())
}

fn count(root: &ShadowRoot, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn text(root: &ShadowRoot, selector: &str) -> String {
    root.query_selector(selector).unwrap().and_then(|element| element.text_content()).unwrap_or_default()
}

fn row_named(root: &ShadowRoot, name: &str) -> HtmlElement {
    let rows = root.query_selector_all(".tv-row").unwrap();
    (0..rows.length())
        .filter_map(|index| rows.item(index))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .find(|row| {
            row.query_selector(".tv-span-name").unwrap().and_then(|name| name.text_content()).as_deref() == Some(name)
        })
        .unwrap_or_else(|| panic!("no row named {name}"))
}

#[wasm_bindgen_test]
async fn shows_every_span_of_the_example_with_errors_marked() {
    let (host, root, handle) = mount(600);
    load(&handle, EXAMPLE).unwrap();
    settle().await;
    assert_eq!(count(&root, ".tv-row"), 9);
    assert_eq!(text(&root, ".tv-trace-name"), "support-agent: refund request");
    assert_eq!(count(&root, ".tv-row-error"), 2, "the failed tool call and its HTTP span");
    assert!(
        row_named(&root, "support-agent").class_list().contains("tv-row-error-below"),
        "the ancestor shows a failure below"
    );
    assert!(text(&root, ".tv-stats").contains("2 errors"));
    assert!(text(&root, ".tv-stats").contains("thumbs down"));
    let adopted = js_sys::Reflect::get(&root, &"adoptedStyleSheets".into()).unwrap();
    assert_eq!(js_sys::Array::from(&adopted).length() + count(&root, "style"), 1, "one stylesheet, in the shadow root");
    host.remove();
}

#[wasm_bindgen_test]
async fn clicking_a_row_fills_the_detail_panel_and_tells_the_host() {
    let (host, root, handle, events) = mount_recording(600);
    load(&handle, EXAMPLE).unwrap();
    settle().await;
    row_named(&root, "lookup_order").click();
    settle().await;
    let events = events.borrow();
    let (name, detail) = events.last().expect("an event");
    let field = |key: &str| js_sys::Reflect::get(detail, &key.into()).unwrap().as_string().unwrap();
    assert_eq!(name, "span-select");
    assert_eq!((field("traceId"), field("spanId")), ("4bf92f3577b34da6a3ce929d0e0e4736".to_string(), "t1".to_string()));
    let detail = text(&root, ".tv-detail");
    assert!(detail.contains("OrderServiceTimeout: GET /orders/A-1042 timed out after 2500 ms"), "{detail}");
    assert!(detail.contains("gen_ai.tool.call.id") && detail.contains("call_7"));
    assert!(detail.contains("exception.stacktrace"), "events are shown with their attributes");
    assert!(row_named(&root, "lookup_order").class_list().contains("tv-row-selected"));
    host.remove();
}

#[wasm_bindgen_test]
async fn collapsing_a_span_hides_its_subtree_and_counts_it() {
    let (host, root, handle) = mount(600);
    load(&handle, EXAMPLE).unwrap();
    settle().await;
    let toggle: HtmlElement =
        row_named(&root, "support-agent").query_selector(".tv-toggle").unwrap().unwrap().dyn_into().unwrap();
    toggle.click();
    settle().await;
    assert_eq!(count(&root, ".tv-row"), 1);
    assert_eq!(text(&root, ".tv-hidden-count"), "+8 · 2 errors", "a folded row says what it hides");
    toggle.click();
    settle().await;
    assert_eq!(count(&root, ".tv-row"), 9);
    host.remove();
}

#[wasm_bindgen_test]
async fn only_rows_in_the_viewport_exist_in_the_dom() {
    let spans: Vec<String> = (0..20_000)
        .map(|index| {
            let parent = if index == 0 { "null".to_string() } else { format!("\"s{}\"", (index - 1) / 4) };
            format!(r#"{{"id":"s{index}","parent":{parent},"name":"step {index}","start":{},"duration_ms":5}}"#, index)
        })
        .collect();
    let text_document = format!(r#"{{"format":"trace-viewer/v1","spans":[{}]}}"#, spans.join(","));
    let (host, root, handle) = mount(400);
    load(&handle, &text_document).unwrap();
    settle().await;
    let rendered = count(&root, ".tv-row");
    assert!(rendered > 5 && rendered < 60, "{rendered} rows in the DOM for 20,000 spans");
    let scroller: HtmlElement = root.query_selector(".tv-rows").unwrap().unwrap().dyn_into().unwrap();
    scroller.set_scroll_top(26 * 10_000);
    scroller.dispatch_event(&web_sys::Event::new("scroll").unwrap()).unwrap();
    settle().await;
    let after = count(&root, ".tv-row");
    assert!(after < 60, "{after} rows after scrolling");
    let first_index: u32 =
        root.query_selector(".tv-row").unwrap().unwrap().get_attribute("data-span-index").unwrap().parse().unwrap();
    assert!(first_index > 9_000, "rows near the scroll position are rendered, got {first_index}");
    host.remove();
}

#[wasm_bindgen_test]
async fn a_bad_file_shows_where_and_what() {
    let (host, root, handle) = mount(400);
    let message = load(&handle, "{\n  \"spans\": [1,,2]\n}").expect_err("an error");
    assert_eq!(message, "The file is not valid JSON: expected value at line 2, column 15.");
    settle().await;
    assert!(text(&root, ".tv-error-panel").contains("expected value at line 2, column 15"));
    host.remove();
}

#[wasm_bindgen_test]
async fn text_from_the_file_is_never_html() {
    let (host, root, handle) = mount(400);
    let hostile = r#"{"format":"trace-viewer/v1","spans":[{"id":"<b>x</b>","name":"<img src=x onerror=alert(1)>","start":0,"end":5,
        "attributes":{"<script>alert(2)</script>":"<iframe src=javascript:alert(3)>"}}]}"#;
    load(&handle, hostile).unwrap();
    settle().await;
    row_named(&root, "<img src=x onerror=alert(1)>").click();
    settle().await;
    assert_eq!(count(&root, "img, script, iframe, b"), 0);
    assert!(text(&root, ".tv-detail").contains("<iframe src=javascript:alert(3)>"));
    host.remove();
}
