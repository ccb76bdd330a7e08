//! A key/value table for attributes of any kind. Long values start folded with a "show all"
//! button so a multi-megabyte value costs nothing until asked for; maps and arrays are shown as
//! indented JSON; JSON inside a string is shown decoded beside the raw text.

use leptos::prelude::*;

use crate::model::{Attribute, AttributeValue};

/// Characters of a value shown before "show all".
const PREVIEW_CHARS: usize = 600;

#[component]
pub fn AttributeTable(attributes: Vec<Attribute>, #[prop(optional)] label: &'static str) -> impl IntoView {
    if attributes.is_empty() {
        return ().into_any();
    }
    view! {
        <table class="tv-attributes" aria-label=label>
            <tbody>
                {attributes
                    .into_iter()
                    .map(|attribute| {
                        let kind = attribute.value.kind_name();
                        view! {
                            <tr>
                                <th scope="row" class="tv-attribute-key">{attribute.key}</th>
                                <td class="tv-attribute-value">
                                    <ValueText value=attribute.value />
                                </td>
                                <td class="tv-attribute-kind">{kind}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The text shown for a value: strings as written (or pretty-printed when they hold JSON,
/// however many times encoded), everything else as pretty JSON.
fn full_text(value: &AttributeValue) -> String {
    match value {
        AttributeValue::String(text) => match crate::import::decode_json_text(text) {
            Some(decoded) => serde_json::to_string_pretty(&decoded).unwrap_or_else(|_| text.clone()),
            None => text.clone(),
        },
        AttributeValue::Map(_) | AttributeValue::Array(_) => {
            serde_json::to_string_pretty(&value.to_json()).unwrap_or_else(|_| value.display())
        }
        other => other.display(),
    }
}

#[component]
pub fn ValueText(value: AttributeValue) -> impl IntoView {
    let text = full_text(&value);
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
