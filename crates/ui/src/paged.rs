//! Long lists in the detail panel (attributes, events, links, messages, documents) and long
//! values drawn a page at a time: selecting a span with 100,000 attributes builds the first page
//! only, and "show more" appends the next page after the last without touching the pages shown.

use std::sync::Arc;

use leptos::prelude::*;
use trace_viewer_core::model::format_count;

/// Items drawn per page.
pub const PAGE_ITEMS: usize = 100;

/// Draws the item (or page) at a position.
pub type RenderItem = Arc<dyn Fn(usize) -> AnyView + Send + Sync>;

/// How a list wraps its "show more" button in an element of its own (a table row, a list item).
pub type WrapMore = fn(AnyView) -> AnyView;

/// Pages drawn one after another: each page carries a switch that, once on, draws the next page
/// after it; `tail` is the switch of the last page drawn.
#[derive(Clone, Copy)]
pub struct PageChain {
    tail: StoredValue<RwSignal<bool>>,
}

impl PageChain {
    /// The chain and its view, with page 0 drawn.
    pub fn start(render_page: RenderItem) -> (PageChain, AnyView) {
        let tail = StoredValue::new(RwSignal::new(false));
        let view = link(0, render_page, tail);
        (PageChain { tail }, view)
    }

    /// Draws the next page after the last one drawn.
    pub fn show_next(self) {
        self.tail.get_value().set(true);
    }
}

fn link(page: usize, render_page: RenderItem, tail: StoredValue<RwSignal<bool>>) -> AnyView {
    let next = RwSignal::new(false);
    tail.set_value(next);
    let drawn = render_page(page);
    let rest = move || next.get().then(|| link(page + 1, render_page.clone(), tail));
    view! { {drawn} {rest} }.into_any()
}

/// Items `0..count`, the first page at once and the next on each "show more"; `noun` names the
/// items in the button ("attributes").
pub fn paged(count: usize, noun: &'static str, render: RenderItem, wrap_more: WrapMore) -> AnyView {
    if count <= PAGE_ITEMS {
        return (0..count).map(|position| render(position)).collect_view().into_any();
    }
    let render_page: RenderItem = Arc::new(move |page| {
        (page * PAGE_ITEMS..((page + 1) * PAGE_ITEMS).min(count))
            .map(|position| render(position))
            .collect_view()
            .into_any()
    });
    let (chain, pages) = PageChain::start(render_page);
    let shown = RwSignal::new(PAGE_ITEMS);
    let more = move || {
        let shown_now = shown.get();
        (shown_now < count).then(|| {
            let show_more = move |_| {
                chain.show_next();
                shown.update(|shown| *shown = (*shown + PAGE_ITEMS).min(count));
            };
            let button = view! {
                <button class="tv-show-more" on:click=show_more>
                    {format!(
                        "Show {} more {noun} ({} of {} shown)",
                        format_count((count - shown_now).min(PAGE_ITEMS) as u64),
                        format_count(shown_now as u64),
                        format_count(count as u64)
                    )}
                </button>
            };
            wrap_more(button.into_any())
        })
    };
    view! { {pages} {more} }.into_any()
}

/// The "show more" button as the last row of a three-column table.
pub fn more_as_table_row(button: AnyView) -> AnyView {
    view! { <tr class="tv-more-row"><td colspan="3">{button}</td></tr> }.into_any()
}

/// The "show more" button as the last item of a list.
pub fn more_as_list_item(button: AnyView) -> AnyView {
    view! { <li class="tv-more-row">{button}</li> }.into_any()
}
