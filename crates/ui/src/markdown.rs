//! `<Markdown text=... />`: a message's markdown as DOM nodes, built from core's tree
//! (`view::markdown`), never as HTML from the text. Prose in the proportional font, code in
//! monospace with its language.
//!
//! Links are not clickable: their text is shown, then their target as muted text (a trace's link
//! may be anything, `javascript:` included, and the target is there to read and copy). Images
//! show their alternative text and source and are never loaded. Headings are styled text, not
//! page headings, so a message cannot reshape the panel's outline. A text longer than 30 lines
//! or 3,000 characters shows folded, with "Show all (N lines)"; where the rendering differs from
//! the text, "Raw text" shows the text exactly as written.

use std::sync::Arc;

use leptos::html::custom;
use leptos::prelude::*;
use trace_viewer_core::view::markdown::{self, Alignment, Block, Inline, FOLD_CHARS, FOLD_LINES};

/// An element of `tag` with a class (may be empty) and children: one element type for every tag,
/// so the page module carries one instance of the element code.
fn element(tag: &'static str, class: &'static str, children: Vec<AnyView>) -> AnyView {
    custom(tag).attr("class", class).child(children).into_any()
}

fn text_node(value: impl Into<String>) -> AnyView {
    value.into().into_any()
}

fn inlines(items: &[Inline]) -> Vec<AnyView> {
    items.iter().map(inline).collect()
}

fn inline(item: &Inline) -> AnyView {
    match item {
        Inline::Text(value) => text_node(value.as_str()),
        Inline::Code(code) => element("code", "tv-md-code-span", vec![text_node(code.as_str())]),
        Inline::Emphasis(inner) => element("em", "", inlines(inner)),
        Inline::Strong(inner) => element("strong", "", inlines(inner)),
        Inline::Strikethrough(inner) => element("del", "", inlines(inner)),
        Inline::Link { content, target } => {
            let mut children = inlines(content);
            let text_is_target = matches!(content.as_slice(), [Inline::Text(only)] if only == target);
            if !target.is_empty() && !text_is_target {
                children.push(element("span", "tv-md-target", vec![text_node(format!(" ({target})"))]));
            }
            element("span", "tv-md-link", children)
        }
        Inline::Image { alt, target } => element(
            "span",
            "tv-md-image",
            vec![
                text_node(format!("[image: {alt}]")),
                element("span", "tv-md-target", vec![text_node(format!(" ({target})"))]),
            ],
        ),
        Inline::LineBreak => element("br", "", Vec::new()),
    }
}

const HEADING_CLASSES: [&str; 6] = [
    "tv-md-h tv-md-h1",
    "tv-md-h tv-md-h2",
    "tv-md-h tv-md-h3",
    "tv-md-h tv-md-h4",
    "tv-md-h tv-md-h5",
    "tv-md-h tv-md-h6",
];

fn alignment_class(alignment: Alignment) -> &'static str {
    match alignment {
        Alignment::None => "",
        Alignment::Left => "tv-md-left",
        Alignment::Center => "tv-md-center",
        Alignment::Right => "tv-md-right",
    }
}

fn table_row(cell_tag: &'static str, cells: &[Vec<Inline>], alignments: &[Alignment]) -> AnyView {
    let cells = cells
        .iter()
        .zip(alignments)
        .map(|(cell, alignment)| element(cell_tag, alignment_class(*alignment), inlines(cell)))
        .collect();
    element("tr", "", cells)
}

/// The blocks as elements (nested at most `markdown::MAX_DEPTH` levels: the parser caps them).
fn blocks(items: &[Block]) -> Vec<AnyView> {
    items.iter().map(block).collect()
}

fn block(item: &Block) -> AnyView {
    match item {
        Block::Heading(level, content) => {
            element("p", HEADING_CLASSES[usize::from(*level).clamp(1, 6) - 1], inlines(content))
        }
        Block::Paragraph(content) => element("p", "tv-md-p", inlines(content)),
        Block::Code { language, text: code } => {
            let mut children = Vec::new();
            if let Some(language) = language {
                children.push(element("span", "tv-md-language", vec![text_node(language.as_str())]));
            }
            children.push(element("pre", "tv-md-pre", vec![element("code", "", vec![text_node(code.as_str())])]));
            element("div", "tv-md-code", children)
        }
        Block::Quote(inner) => element("blockquote", "tv-md-quote", blocks(inner)),
        Block::List { start, tight, items } => {
            let class = if *tight { "tv-md-list tv-md-tight" } else { "tv-md-list" };
            let items = items.iter().map(|item| element("li", "", blocks(item))).collect();
            match start {
                None => element("ul", class, items),
                Some(1) => element("ol", class, items),
                Some(start) => {
                    custom("ol").attr("class", class).attr("start", start.to_string()).child(items).into_any()
                }
            }
        }
        Block::Table { alignments, head, rows } => {
            let head = element("thead", "", vec![table_row("th", head, alignments)]);
            let body = element("tbody", "", rows.iter().map(|row| table_row("td", row, alignments)).collect());
            element("div", "tv-md-table-wrap", vec![element("table", "tv-md-table", vec![head, body])])
        }
        Block::Rule => element("hr", "tv-md-rule", Vec::new()),
    }
}

/// A text rendered as markdown (folded when long), with a toggle to the text as written.
#[component]
pub fn Markdown(#[prop(into)] text: Arc<str>) -> impl IntoView {
    let fold = markdown::fold(&text, FOLD_LINES, FOLD_CHARS);
    let expanded = RwSignal::new(false);
    let raw = RwSignal::new(false);
    let first_part = &text[..fold.map_or(text.len(), |fold| fold.end)];
    let plain = markdown::is_plain(&markdown::parse(first_part)) && !first_part.contains(['\\', '&']);
    let body = move || {
        let shown = match fold {
            Some(fold) if !expanded.get() => &text[..fold.end],
            _ => &text[..],
        };
        if raw.get() {
            element("pre", "tv-value tv-md-raw", vec![text_node(shown)])
        } else {
            element("div", "tv-markdown", blocks(&markdown::parse(shown)))
        }
    };
    let fold_button = fold.map(|fold| {
        let label = fold.show_all_label(FOLD_LINES);
        view! {
            <button class="tv-md-action" type="button" aria-expanded=move || expanded.get().to_string() on:click=move |_| expanded.update(|shown| *shown = !*shown)>
                {move || if expanded.get() { "Show less".to_string() } else { label.clone() }}
            </button>
        }
    });
    let raw_button = (!plain).then(|| {
        view! {
            <button class="tv-md-action" type="button" aria-pressed=move || raw.get().to_string() on:click=move |_| raw.update(|raw| *raw = !*raw)>
                "Raw text"
            </button>
        }
    });
    let actions = (fold_button.is_some() || raw_button.is_some())
        .then(|| view! { <div class="tv-md-actions">{fold_button}{raw_button}</div> });
    view! { <div class="tv-markdown-box">{body}{actions}</div> }
}
