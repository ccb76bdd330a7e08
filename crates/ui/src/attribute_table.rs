//! A key/value table for attributes of any kind. Long values start folded with a "show all"
//! button so a multi-megabyte value costs nothing until asked for; maps and arrays are shown as
//! indented JSON; JSON inside a string is shown decoded beside the raw text.

use leptos::prelude::*;

use super::copy_button::CopyButton;
use super::json_tree::JsonTree;
use trace_viewer_core::model::{Attribute, AttributeValue};

/// Characters of a value shown before "show all".
const PREVIEW_CHARS: usize = 600;

/// Tables with more rows than this get a filter box.
const FILTER_FROM_ROWS: usize = 6;

#[component]
pub fn AttributeTable(attributes: Vec<Attribute>, #[prop(optional)] label: &'static str) -> impl IntoView {
    if attributes.is_empty() {
        return ().into_any();
    }
    // The filter's text; rows whose key and value do not contain it are hidden (not removed).
    let filter = RwSignal::new(String::new());
    let filter_box = (attributes.len() > FILTER_FROM_ROWS).then(|| {
        view! {
            <input
                class="tv-attribute-filter"
                type="search"
                placeholder="Filter by key or value"
                aria-label=format!("Filter {}", if label.is_empty() { "attributes" } else { label })
                on:input=move |event| filter.set(event_target_value(&event))
            />
        }
    });
    view! {
        {filter_box}
        <table class="tv-attributes" aria-label=label>
            <tbody>
                {attributes
                    .into_iter()
                    .map(|attribute| {
                        let kind = attribute.value.kind_name();
                        let searchable = format!("{} {}", attribute.key, attribute.value.display());
                        let hidden = move || {
                            filter.with(|text| trace_viewer_core::analysis::Query::new(text).is_some_and(|query| !query.found_in(&searchable)))
                        };
                        let copy_text = attribute.value.display();
                        view! {
                            <tr class:tv-hidden=hidden>
                                <th scope="row" class="tv-attribute-key">{attribute.key}</th>
                                <td class="tv-attribute-value">
                                    <ValueText value=attribute.value />
                                </td>
                                <td class="tv-attribute-kind">{kind} <CopyButton text=copy_text /></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
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
            serde_json::to_string_pretty(&value.to_json()).unwrap_or_else(|_| value.display())
        }
        other => other.display(),
    }
}

/// Values whose JSON text is longer than this are shown as folded text, not as a tree.
const JSON_TREE_UP_TO_CHARS: usize = 100_000;

/// The value as a JSON structure worth showing as a tree (an object or array), if it is one.
fn json_structure(value: &AttributeValue) -> Option<serde_json::Value> {
    let structure = match value {
        AttributeValue::Map(_) | AttributeValue::Array(_) => value.to_json(),
        AttributeValue::String(text) if text.len() <= DECODE_JSON_UP_TO_BYTES => {
            trace_viewer_core::model::json_text::decode_json_text(text)?
        }
        _ => return None,
    };
    let nonempty = structure.as_object().is_some_and(|map| !map.is_empty())
        || structure.as_array().is_some_and(|items| !items.is_empty());
    nonempty.then_some(structure)
}

#[component]
pub fn ValueText(value: AttributeValue) -> impl IntoView {
    let text = full_text(&value);
    if text.len() <= JSON_TREE_UP_TO_CHARS {
        if let Some(structure) = json_structure(&value) {
            return view! { <JsonTree value=structure /> }.into_any();
        }
    }
    let char_count = text.chars().count();
    if char_count <= PREVIEW_CHARS {
        return view! { <pre class="tv-value">{text}</pre> }.into_any();
    }
    let expanded = RwSignal::new(false);
    let preview: String = text.chars().take(PREVIEW_CHARS).collect();
    let text = StoredValue::new(text);
    view! {
        <pre class="tv-value">
            {move || if expanded.get() { text.get_value() } else { format!("{preview}…") }}
        </pre>
        <button class="tv-show-all" on:click=move |_| expanded.update(|shown| *shown = !*shown)>
            {move || if expanded.get() { "show less".to_string() } else { format!("show all {char_count} characters") }}
        </button>
    }
    .into_any()
}
