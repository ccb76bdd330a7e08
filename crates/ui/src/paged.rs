//! Long lists in the detail panel (attributes, events, links, messages, documents) and long
//! values drawn a page at a time: selecting a span with 100,000 attributes builds the first page
//! only, and "show more" appends the next page after the last without touching the pages shown.

use std::sync::{Arc, OnceLock};

use leptos::prelude::*;
use trace_viewer_core::analysis::Query;
use trace_viewer_core::model::format_count;

/// Items drawn per page.
pub const PAGE_ITEMS: usize = 100;

/// Draws the item (or page) at a position.
pub type RenderItem = Arc<dyn Fn(usize) -> AnyView + Send + Sync>;

/// The text an item is found by (for a filter).
pub type SearchText = Arc<dyn Fn(usize) -> String + Send + Sync>;

/// Lists with more items than this get a filter box.
const FILTER_FROM_ITEMS: usize = 6;

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

/// A list of `count` items with a filter box over all of them (from seven items on) and the items
/// it keeps, paged. Returns the box (with its "N of M match" line) and the items, for the caller
/// to place; `label` names the list for the box ("Attributes").
pub fn filtered_paged(
    count: usize,
    label: &'static str,
    noun: &'static str,
    search_text: SearchText,
    render: RenderItem,
    wrap_more: WrapMore,
) -> (Option<AnyView>, AnyView) {
    // The filter's text, and the positions of the items it keeps (`None`: no filter, every item).
    let filter = RwSignal::new(String::new());
    let searchable: Arc<OnceLock<Vec<String>>> = Arc::default();
    let matching = Memo::new(move |_| {
        filter.with(|text| {
            let query = Query::new(text)?;
            // Built on the first search, not when the list is drawn.
            let texts = searchable.get_or_init(|| (0..count).map(|position| search_text(position)).collect());
            let kept: Vec<usize> = texts
                .iter()
                .enumerate()
                .filter(|(_, text)| query.found_in(text))
                .map(|(position, _)| position)
                .collect();
            Some(Arc::new(kept))
        })
    });
    let filter_box = (count > FILTER_FROM_ITEMS).then(|| {
        view! {
            <input
                class="tv-attribute-filter"
                type="search"
                placeholder="Filter"
                aria-label=format!("Filter {label}")
                on:input=move |event| filter.set(event_target_value(&event))
            />
            {move || matching.with(|kept| kept.as_ref().map(|kept| view! {
                <p class="tv-filter-count" role="status">{format!("{} of {} match", format_count(kept.len() as u64), format_count(count as u64))}</p>
            }))}
        }
        .into_any()
    });
    let items = move || {
        let kept = matching.get();
        let shown = kept.as_ref().map_or(count, |kept| kept.len());
        let render = render.clone();
        let render_kept: RenderItem =
            Arc::new(move |position| render(kept.as_ref().map_or(position, |kept| kept[position])));
        paged(shown, noun, render_kept, wrap_more)
    };
    (filter_box, items.into_any())
}
