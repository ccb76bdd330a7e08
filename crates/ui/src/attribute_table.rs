//! A key/value table for attributes of any kind, drawn a page at a time (a span may carry
//! 100,000), with a filter over all of them. Long values show their first part and page on with
//! "show more", so a multi-megabyte value costs nothing until asked for; maps and arrays are shown
//! as a JSON tree; JSON inside a string is shown decoded.

use std::sync::Arc;

use leptos::prelude::*;

use super::copy_button::{CopyButton, CopyText};
use super::json_tree::JsonTree;
use super::paged::{filtered_paged, more_as_table_row, PageChain, RenderItem, SearchText};
use trace_viewer_core::model::{format_count, Attribute, AttributeValue, Trace};

/// Characters of a value shown before "show more".
const PREVIEW_CHARS: usize = 600;

/// Characters each "show more" of a long value adds.
const PAGE_CHARS: usize = 50_000;

/// The attributes a table shows: a list of its own, or a span's, read in place from the shared
/// trace (a span's attributes may hold 50 MB; selecting it must not copy them).
#[derive(Clone)]
pub enum AttributeList {
    Own(Arc<Vec<Attribute>>),
    /// The attributes of the span at this position of the trace.
    OfSpan(Arc<Trace>, usize),
}

impl AttributeList {
    fn as_slice(&self) -> &[Attribute] {
        match self {
            AttributeList::Own(attributes) => attributes,
            AttributeList::OfSpan(trace, index) => trace.spans.get(*index).map_or(&[], |span| &span.attributes),
        }
    }
}

impl From<Vec<Attribute>> for AttributeList {
    fn from(attributes: Vec<Attribute>) -> Self {
        AttributeList::Own(Arc::new(attributes))
    }
}

#[component]
pub fn AttributeTable(#[prop(into)] attributes: AttributeList, #[prop(optional)] label: &'static str) -> impl IntoView {
    let total = attributes.as_slice().len();
    if total == 0 {
        return ().into_any();
    }
    let search_text: SearchText = {
        let attributes = attributes.clone();
        Arc::new(move |index| {
            let attribute = &attributes.as_slice()[index];
            format!("{} {}", attribute.key, attribute.value.display())
        })
    };
    let render: RenderItem = {
        let attributes = attributes.clone();
        Arc::new(move |index| attribute_row(&attributes, index))
    };
    let label = if label.is_empty() { "attributes" } else { label };
    let (filter_box, rows) = filtered_paged(total, label, "attributes", search_text, render, more_as_table_row);
    view! {
        {filter_box}
        <table class="tv-attributes" aria-label=label>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn attribute_row(attributes: &AttributeList, index: usize) -> AnyView {
    let attribute = &attributes.as_slice()[index];
    let copy_text: CopyText = {
        let attributes = attributes.clone();
        Arc::new(move || attributes.as_slice()[index].value.display())
    };
    let value = match &attribute.value {
        // A long string is read in place, never copied.
        AttributeValue::String(text) if text.len() > DECODE_JSON_UP_TO_BYTES => {
            long_text(SharedText::Attribute(attributes.clone(), index), char_boundary_after(text, 0, PREVIEW_CHARS))
        }
        value => view! { <ValueText value=value.clone() /> }.into_any(),
    };
    view! {
        <tr>
            <th scope="row" class="tv-attribute-key">{attribute.key.clone()}</th>
            <td class="tv-attribute-value">{value}</td>
            <td class="tv-attribute-kind">{attribute.value.kind_name()} <CopyButton text=copy_text /></td>
        </tr>
    }
    .into_any()
}

/// A long text shared, not copied: a string of its own, or an attribute's string value.
#[derive(Clone)]
enum SharedText {
    Own(Arc<String>),
    Attribute(AttributeList, usize),
}

impl SharedText {
    fn as_str(&self) -> &str {
        match self {
            SharedText::Own(text) => text,
            SharedText::Attribute(attributes, index) => match &attributes.as_slice()[*index].value {
                AttributeValue::String(text) => text,
                _ => "",
            },
        }
    }
}

/// Strings longer than this are shown as written, not decoded as JSON: opening a span with a
/// multi-megabyte value must stay instant.
const DECODE_JSON_UP_TO_BYTES: usize = 1 << 20;

/// The text shown for a value: strings as written (or pretty-printed when they hold JSON,
/// however many times encoded), everything else as pretty JSON.
fn full_text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::String(text) if text.len() > DECODE_JSON_UP_TO_BYTES => text.clone(),
        AttributeValue::String(text) => match trace_viewer_core::model::json_text::decode_json_text(text) {
            Some(decoded) => serde_json::to_string_pretty(&decoded).unwrap_or_else(|_| text.clone()),
            None => text.clone(),
        },
        AttributeValue::Map(_) | AttributeValue::Array(_) => {
            serde_json::to_string_pretty(&value.to_document()).unwrap_or_else(|_| value.display())
        }
        other => other.display(),
    }
}

/// Values whose JSON text is longer than this are shown as folded text, not as a tree.
const JSON_TREE_UP_TO_CHARS: usize = 100_000;

/// The value as a JSON structure worth showing as a tree (an object or array), if it is one.
fn json_structure(value: &AttributeValue) -> Option<trace_viewer_core::json::Value<'static>> {
    let structure = match value {
        AttributeValue::Map(_) | AttributeValue::Array(_) => value.to_document().into_owned(),
        AttributeValue::String(text) if text.len() <= DECODE_JSON_UP_TO_BYTES => {
            trace_viewer_core::model::json_text::decode_json_text(text)?.into_owned()
        }
        _ => return None,
    };
    let nonempty = structure.as_object().is_some_and(|map| !map.is_empty())
        || structure.as_array().is_some_and(|items| !items.is_empty());
    nonempty.then_some(structure)
}

#[component]
pub fn ValueText(value: AttributeValue) -> impl IntoView {
    let text = match value {
        // A long string is shown as written, without a copy or a JSON decode.
        AttributeValue::String(text) if text.len() > DECODE_JSON_UP_TO_BYTES => text,
        value => {
            let text = full_text(&value);
            if text.len() <= JSON_TREE_UP_TO_CHARS {
                if let Some(structure) = json_structure(&value) {
                    return view! { <JsonTree value=structure /> }.into_any();
                }
            }
            text
        }
    };
    let preview_end = char_boundary_after(&text, 0, PREVIEW_CHARS);
    if preview_end == text.len() {
        return view! { <pre class="tv-value">{text}</pre> }.into_any();
    }
    long_text(SharedText::Own(Arc::new(text)), preview_end)
}

/// The byte offset `chars` characters after `from` (or the end of the text).
fn char_boundary_after(text: &str, from: usize, chars: usize) -> usize {
    text[from..].char_indices().nth(chars).map_or(text.len(), |(offset, _)| from + offset)
}

/// A long text: its first part, then pages of [`PAGE_CHARS`] characters on "show more", each
/// page a text node of its own, appended, so a click adds one page instead of rebuilding the text.
fn long_text(text: SharedText, preview_end: usize) -> AnyView {
    let total_bytes = text.as_str().len();
    // Where each page drawn ends; the first ends after the preview.
    let page_ends = StoredValue::new(vec![preview_end]);
    let shown_end = RwSignal::new(preview_end);
    let render_page: RenderItem = Arc::new(move |page| {
        let start = if page == 0 { 0 } else { page_ends.with_value(|ends| ends[page - 1]) };
        let end = match page_ends.with_value(|ends| ends.get(page).copied()) {
            Some(end) => end,
            None => {
                let end = char_boundary_after(text.as_str(), start, PAGE_CHARS);
                page_ends.update_value(|ends| ends.push(end));
                end
            }
        };
        shown_end.set(end);
        text.as_str()[start..end].to_string().into_any()
    });
    let (chain, pages) = PageChain::start(render_page);
    let more = move || {
        let left = total_bytes - shown_end.get();
        (left > 0).then(|| {
            let label =
                format!("… show {} more characters ({} left)", format_count(PAGE_CHARS as u64), size_text(left));
            view! { <button class="tv-show-more" on:click=move |_| chain.show_next()>{label}</button> }
        })
    };
    view! { <pre class="tv-value">{pages}{more}</pre> }.into_any()
}

/// A byte count in words: "812 bytes", "48.2 KB", "50.0 MB".
fn size_text(bytes: usize) -> String {
    match bytes {
        0..=9_999 => format!("{bytes} bytes"),
        10_000..=999_999 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}
