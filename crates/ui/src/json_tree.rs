//! JSON shown as a foldable tree: every object and array is a `<details>` that opens and closes,
//! with its size in the summary; scalars are text. Used for attribute values and message content
//! that hold JSON. Depth is bounded by the JSON parser's own limit (128 levels).

use leptos::prelude::*;
use trace_viewer_core::json::Value;

fn scalar_text(value: &Value<'_>) -> String {
    match value {
        Value::String(text) => serde_json::to_string(text.as_ref()).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// One node: `label` is the key or index it sits under (none for the root).
fn node(label: Option<String>, value: &Value<'_>, depth: usize) -> AnyView {
    let label_view = label.map(|label| view! { <span class="tv-json-key">{label}": "</span> });
    let (open, close, entries): (&str, &str, Vec<(String, &Value<'_>)>) = match value {
        Value::Object(map) => {
            ("{", "}", map.iter().map(|(key, item)| (serde_json::to_string(key).unwrap_or_default(), item)).collect())
        }
        Value::Array(items) => {
            ("[", "]", items.iter().enumerate().map(|(index, item)| (index.to_string(), item)).collect())
        }
        scalar => {
            let class = match scalar {
                Value::String(_) => "tv-json-string",
                Value::Number(_) => "tv-json-number",
                _ => "tv-json-literal",
            };
            return view! { <div class="tv-json-line">{label_view}<span class=class>{scalar_text(scalar)}</span></div> }.into_any();
        }
    };
    if entries.is_empty() {
        return view! { <div class="tv-json-line">{label_view}{format!("{open}{close}")}</div> }.into_any();
    }
    let count = entries.len();
    let noun = match (open == "{", count == 1) {
        (true, true) => "key",
        (true, false) => "keys",
        (false, true) => "item",
        (false, false) => "items",
    };
    let children = entries.into_iter().map(|(key, item)| node(Some(key), item, depth + 1)).collect_view();
    view! {
        <details class="tv-json-node" open=depth < 3>
            <summary class="tv-json-line">{label_view}{open}<span class="tv-json-count">{format!(" {count} {noun} ")}</span>{close}</summary>
            <div class="tv-json-children">{children}</div>
        </details>
    }
    .into_any()
}

#[component]
pub fn JsonTree(value: Value<'static>) -> impl IntoView {
    view! { <div class="tv-json" role="group" aria-label="JSON">{node(None, &value, 0)}</div> }
}
