//! The texts of a comparison word by word (system prompt, user messages, tool arguments, output):
//! removed words in `<del>`, added words in `<ins>`, all as text nodes. A long unchanged stretch
//! shows its ends and opens on demand; a text that is the same in both says so and stays folded.

use leptos::prelude::*;

use super::compare_view::Compared;
use trace_viewer_core::analysis::compare::{Change, Piece, TextComparison, MOST_TEXT_BYTES};
use trace_viewer_core::model::format_count;

/// An unchanged stretch longer than this many characters shows only its ends until opened.
const LONG_SAME: usize = 800;
/// Characters shown at each end of a folded stretch.
const SAME_ENDS: usize = 240;

/// The byte offset after the first `count` characters of `text`.
fn after_chars(text: &str, count: usize) -> usize {
    text.char_indices().nth(count).map_or(text.len(), |(at, _)| at)
}

fn piece_view(piece: &Piece) -> AnyView {
    match piece.change {
        Change::Removed => view! { <del class="tv-removed">{piece.text.clone()}</del> }.into_any(),
        Change::Added => view! { <ins class="tv-added">{piece.text.clone()}</ins> }.into_any(),
        Change::Same => {
            let characters = piece.text.chars().count();
            if characters <= LONG_SAME {
                return view! { <span>{piece.text.clone()}</span> }.into_any();
            }
            let head_end = after_chars(&piece.text, SAME_ENDS);
            let tail_start = after_chars(&piece.text, characters - SAME_ENDS);
            let (head, middle, tail) = (
                piece.text[..head_end].to_string(),
                piece.text[head_end..tail_start].to_string(),
                piece.text[tail_start..].to_string(),
            );
            let hidden = characters - 2 * SAME_ENDS;
            let open = RwSignal::new(false);
            view! {
                <span>{head}</span>
                {move || if open.get() {
                    view! { <span>{middle.clone()}</span> }.into_any()
                } else {
                    view! {
                        <button class="tv-show-more tv-same-fold" on:click=move |_| open.set(true)>
                            {format!("… {} unchanged characters …", format_count(hidden as u64))}
                        </button>
                    }
                    .into_any()
                }}
                <span>{tail}</span>
            }
            .into_any()
        }
    }
}

fn text_view(text: &TextComparison) -> AnyView {
    let unchanged = text.diff.is_unchanged();
    let cut = text.cut.then(|| {
        view! { <p class="tv-compare-note">{format!("Compared up to the first {} KB of each side.", MOST_TEXT_BYTES / 1000)}</p> }
    });
    let approximate = (!text.diff.exact).then(|| {
        view! { <p class="tv-compare-note">"The texts differ too much for the smallest difference within its time budget: a larger one is shown."</p> }
    });
    let body = text.diff.pieces.iter().map(piece_view).collect_view();
    if unchanged {
        view! {
            <details class="tv-text-diff" data-text=text.label>
                <summary><h4>{text.label}</h4><span class="tv-muted">" · same in A and B"</span></summary>
                <div class="tv-diff-text">{body}</div>
            </details>
        }
        .into_any()
    } else {
        view! {
            <div class="tv-text-diff" data-text=text.label>
                <h4>{text.label}</h4>
                {cut}
                {approximate}
                <div class="tv-diff-text">{body}</div>
            </div>
        }
        .into_any()
    }
}

/// Each text of either trace, word by word.
pub fn text_diffs(compared: &Compared) -> impl IntoView {
    let texts = &compared.texts;
    let body = if texts.is_empty() {
        view! { <p class="tv-muted">"Neither trace has prompts, messages, tool arguments or an output."</p> }.into_any()
    } else {
        texts.iter().map(text_view).collect_view().into_any()
    };
    view! {
        <section class="tv-compare-section" aria-label="Texts word by word">
            <h3>"Texts"</h3>
            <p class="tv-muted tv-diff-legend"><del class="tv-removed">"only in A"</del>" "<ins class="tv-added">"only in B"</ins></p>
            {body}
        </section>
    }
}
