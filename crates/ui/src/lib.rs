//! trace-viewer-ui: the Leptos components, one concern a file: the app frame, the trace header,
//! the virtualised span tree with its waterfall bars, the time axis, and the detail panel, mounted
//! into a shadow root. All text from a trace file is rendered as text nodes; nothing here writes
//! HTML from strings. Decisions that need no DOM live below, in `trace-viewer-core`'s `analysis`.
//! Built for wasm32 only.
#![cfg(target_arch = "wasm32")]

mod ai_panel;
mod app;
mod attribute_table;
mod bubble_up_panel;
mod compare_marks;
mod compare_panel;
mod compare_picker;
mod compare_steps;
mod compare_structure;
mod compare_view;
mod copy_button;
pub mod corpus_state;
mod critical_path_panel;
mod dashboard;
mod detail_panel;
mod error_panel;
mod facet_panel;
mod header;
mod heatmap_panel;
mod json_tree;
mod loop_row;
mod markdown;
mod merged_tree_panel;
mod minimap;
mod number_histograms;
mod outcomes_bar;
mod paged;
mod pointer;
pub mod release;
mod review_bar;
mod review_files;
mod review_notes;
mod review_patterns;
pub mod review_state;
mod review_tab;
mod review_taxonomy;
mod sessions_view;
mod span_row;
mod state;
mod table_cells;
mod table_row;
mod time_axis;
mod toolbar;
mod trace_list;
mod trace_overview;
mod traces_table;
mod tree_view;
mod word_diff_view;

use std::any::Any;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, ShadowRoot};

pub use corpus_state::{parse_sort_text, sort_text, RowWindow};
pub use markdown::Markdown;
pub use state::{LoadedFile, Shared, ViewMode, ViewerState};

/// The stylesheet (`style.css`, minified by `build.rs`), injected into each viewer's shadow root
/// (never into the page's `<head>`).
pub const STYLE_SHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/style.min.css"));

/// Gives the shadow root its styles: as a constructed style sheet where the browser has them
/// (a page's Content-Security-Policy `style-src` does not apply to those, so the element works
/// under a strict policy), else as a `<style>` element.
fn attach_style_sheet(shadow_root: &ShadowRoot, document: &web_sys::Document) -> Result<(), JsValue> {
    if let Ok(sheet) = web_sys::CssStyleSheet::new() {
        if sheet.replace_sync(STYLE_SHEET).is_ok() {
            shadow_root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
            return Ok(());
        }
    }
    let style = document.create_element("style")?;
    style.set_text_content(Some(STYLE_SHEET));
    shadow_root.append_child(&style)?;
    Ok(())
}

/// A mounted viewer: its state, and the Leptos handle whose drop unmounts it and frees its signals.
pub struct MountedViewer {
    pub state: ViewerState,
    _unmount: Box<dyn Any>,
}

/// Mounts a viewer into `shadow_root` with its stylesheet; events go to `on_event` when given
/// (called as `(name, detail)`; the element's JavaScript dispatches them).
pub fn mount_viewer(shadow_root: &ShadowRoot, on_event: Option<js_sys::Function>) -> Result<MountedViewer, JsValue> {
    let document = web_sys::window().and_then(|window| window.document()).ok_or("no document")?;
    attach_style_sheet(shadow_root, &document)?;
    let container: HtmlElement = document.create_element("div")?.dyn_into()?;
    container.set_class_name("tv-root");
    container.set_attribute("part", "root")?;
    shadow_root.append_child(&container)?;

    let owner = Owner::new();
    let state = owner.with(|| ViewerState::new(on_event));
    let unmount = owner.with(|| leptos::mount::mount_to(container, move || view! { <app::App state=state /> }));
    Ok(MountedViewer { state, _unmount: Box::new((unmount, owner)) })
}
