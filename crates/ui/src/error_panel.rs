//! Why a file could not be opened, above what was shown before: the message's sentences as
//! paragraphs and its "- " lines (the formats the viewer reads) as a list, with a link to the
//! formats' documentation when the message lists them. Text only, never HTML.

use leptos::prelude::*;

use super::ViewerState;

/// Where the formats the viewer reads are documented.
const FORMATS_DOCUMENTATION: &str = "https://github.com/trace-viewer/trace-viewer#formats";

/// A message's parts: paragraphs, and the bulleted lines that follow one.
enum Block {
    Paragraph(String),
    List(Vec<String>),
}

fn blocks(message: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    for line in message.lines().filter(|line| !line.trim().is_empty()) {
        match (line.strip_prefix("- "), blocks.last_mut()) {
            (Some(item), Some(Block::List(items))) => items.push(item.to_string()),
            (Some(item), _) => blocks.push(Block::List(vec![item.to_string()])),
            (None, _) => blocks.push(Block::Paragraph(line.to_string())),
        }
    }
    blocks
}

#[component]
pub fn ErrorPanel(state: ViewerState, #[prop(into)] keeps_previous: Signal<bool>) -> impl IntoView {
    let message = move || state.error.get().unwrap_or_default();
    let lists_formats = move || state.error.with(|error| error.as_deref().is_some_and(|text| text.contains("\n- ")));
    view! {
        <div class="tv-error-panel" role="alert" part="error">
            <strong>"This file could not be opened"</strong>
            <div class="tv-error-message">
                {move || {
                    blocks(&message())
                        .into_iter()
                        .map(|block| match block {
                            Block::Paragraph(text) => view! { <p>{text}</p> }.into_any(),
                            Block::List(items) => {
                                view! { <ul>{items.into_iter().map(|item| view! { <li>{item}</li> }).collect_view()}</ul> }
                                    .into_any()
                            }
                        })
                        .collect_view()
                }}
            </div>
            <Show when=lists_formats>
                <p class="tv-error-formats">
                    <a href=FORMATS_DOCUMENTATION target="_blank" rel="noopener noreferrer">
                        "What each format looks like"
                    </a>
                </p>
            </Show>
            <Show when=move || keeps_previous.get()>
                <p class="tv-error-kept">
                    "What was shown before is still below. "
                    <button class="tv-tool-button tv-error-dismiss" on:click=move |_| state.error.set(None)>
                        "Dismiss"
                    </button>
                </p>
            </Show>
        </div>
    }
}
