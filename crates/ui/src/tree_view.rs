//! The span tree with its waterfall, virtualised: only the rows inside the scrolled viewport (plus
//! a few above and below) exist in the DOM, so a million spans cost the same as fifty.
//! Keyboard: Up/Down move, Left/Right fold or go to parent/child, Home/End jump, Enter selects
//! (on a folded loop's row Right and Enter unfold it; see `view::loop_keys`);
//! `+` and `-` zoom the waterfall in and out around the selected span, `z` zooms to the selected
//! span, `0` shows it whole; Ctrl+wheel or Alt+wheel over the timeline zooms around the pointer
//! (a plain wheel scrolls); `e` and `E` step to the next and previous failed span. Focus stays on
//! the tree, whose `aria-activedescendant` names the selected row for screen readers.

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use super::critical_path_panel::CriticalPathPanel;
use super::loop_row::LoopRow;
use super::minimap::Minimap;
use super::pointer::fraction_across;
use super::span_row::SpanRow;
use super::time_axis::TimeAxis;
use super::ViewerState;
use trace_viewer_core::analysis::TimeWindow;
use trace_viewer_core::view::loop_keys::{loop_key_action, LoopKeyAction};
use trace_viewer_core::view::navigation::{tree_key_action, TreeKeyAction};
pub use trace_viewer_core::view::row_window::ROW_HEIGHT_PX;
use trace_viewer_core::view::row_window::{rendered_rows, scroll_to_reveal};

/// Viewport height assumed until the real one is measured.
const DEFAULT_VIEWPORT_PX: f64 = 800.0;

#[component]
pub fn TreeView(state: ViewerState) -> impl IntoView {
    // Scroll offset and viewport height decide which rows exist; both come from the DOM.
    let scroll_top = RwSignal::new(0.0f64);
    let viewport_height = RwSignal::new(DEFAULT_VIEWPORT_PX);
    // The width decides how many axis ticks fit.
    let viewport_width = RwSignal::new(0.0f64);
    let scroller = NodeRef::<leptos::html::Div>::new();

    // Track the viewport's size as the host page resizes the element.
    Effect::new(move |_| {
        let Some(element) = scroller.get() else {
            return;
        };
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            if let Some(entry) = entries.get(0).dyn_ref::<web_sys::ResizeObserverEntry>() {
                viewport_height.set(entry.content_rect().height());
                viewport_width.set(entry.content_rect().width());
            }
        });
        if let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            observer.observe(&element);
            let observer = send_wrapper::SendWrapper::new(observer);
            on_cleanup(move || observer.disconnect());
        }
        on_resize.forget();
    });

    // The critical path's highlight is computed once a trace's first frame is on screen (two
    // frames later, so never before that paint).
    Effect::new(move |_| {
        let generation = state.generation.get();
        request_animation_frame(move || {
            set_timeout(
                move || {
                    if state.generation.get_untracked() == generation {
                        state.first_frame_drawn_for.set(Some(generation));
                    }
                },
                std::time::Duration::ZERO,
            )
        });
    });

    // Ctrl+wheel or Alt+wheel (⌘ on a Mac) over the timeline zooms around the pointer.
    let on_wheel = move |event: web_sys::WheelEvent| {
        if !(event.ctrl_key() || event.alt_key() || event.meta_key()) || event.delta_y() == 0.0 {
            return;
        }
        let target: web_sys::Element = event_target(&event);
        let Some(column) = target.closest(".tv-timeline-column").ok().flatten() else { return };
        event.prevent_default();
        let rect = column.get_bounding_client_rect();
        let fraction = (f64::from(event.client_x()) - rect.left()) / rect.width();
        let factor = if event.delta_y() < 0.0 { 0.8 } else { 1.25 };
        let zoomed = state.trace.with_untracked(|trace| {
            let trace = trace.as_ref()?;
            let whole = TimeWindow { start_ns: trace.start_ns, duration_ns: trace.duration_ns };
            Some(state.zoom.get_untracked().unwrap_or(whole).zoomed_at(whole, factor, fraction))
        });
        if let Some(zoomed) = zoomed {
            state.zoom.set(zoomed);
        }
    };

    let window = move || state.window.get();
    // A drag across the axis: where it started and where the pointer is, as fractions of the
    // axis width. Releasing zooms to that range.
    let drag = RwSignal::new(None::<(f64, f64)>);
    let fraction_of = |event: &web_sys::PointerEvent| fraction_across(event, ".tv-timeline-column");
    let on_pointer_down = move |event: web_sys::PointerEvent| {
        let at = fraction_of(&event);
        drag.set(Some((at, at)));
        if let Some(target) = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) {
            let _ = target.set_pointer_capture(event.pointer_id());
        }
    };
    let on_pointer_move = move |event: web_sys::PointerEvent| {
        if let Some((from, _)) = drag.get_untracked() {
            drag.set(Some((from, fraction_of(&event))));
        }
    };
    let on_pointer_up = move |event: web_sys::PointerEvent| {
        let Some((from, _)) = drag.get_untracked() else { return };
        drag.set(None);
        let to = fraction_of(&event);
        // A click (no real drag) does not zoom.
        if (to - from).abs() < 0.005 {
            return;
        }
        if let Some(current) = state.window.get_untracked() {
            state.zoom.set(Some(current.between(from, to, 1_000)));
        }
    };
    let selection_style = move || {
        drag.get()
            .map(|(from, to)| (format!("{:.0}%", from.min(to) * 100.0), format!("{:.0}%", (to - from).abs() * 100.0)))
    };

    // (trace generation, row position, span index, whether it is a folded loop's row) for every
    // row that should be in the DOM now.
    let rendered_rows = move || {
        let generation = state.generation.get();
        let (scroll_top, viewport_height) = (scroll_top.get(), viewport_height.get());
        state.rows.with(|rows| {
            rendered_rows(scroll_top, viewport_height, rows.len())
                .map(|position| (generation, position, rows[position], state.folded_loop_at(rows[position]).is_some()))
                .collect::<Vec<_>>()
        })
    };

    // After the row list changes, read the scroll position again: the browser may have clamped it
    // without a scroll event, and the rendered window must follow the real position.
    Effect::new(move |_| {
        state.rows.track();
        if let Some(element) = scroller.get_untracked() {
            let actual = f64::from(element.scroll_top());
            if (actual - scroll_top.get_untracked()).abs() >= 1.0 {
                scroll_top.set(actual);
            }
        }
    });

    // Keep the selected row in view when the keyboard (or the host) moves the selection.
    Effect::new(move |_| {
        let Some(selected) = state.selected.get() else {
            return;
        };
        let Some(element) = scroller.get_untracked() else {
            return;
        };
        let position = state.rows.with_untracked(|rows| rows.iter().position(|row| *row == selected));
        if let Some(scroll_to) =
            position.and_then(|position| scroll_to_reveal(position, element.scroll_top(), element.client_height()))
        {
            element.set_scroll_top(scroll_to);
        }
    });

    // Turning a filter on or off moves the selected row: keep it in view. After the frame, when
    // the spacer has its new height (a scroll position past the old one would be clamped).
    Effect::new(move |previous: Option<()>| {
        state.kind_filter.track();
        state.errors_only.track();
        if previous.is_none() {
            return;
        }
        // A folded loop or span may hide the selected span once every span is shown again.
        if let Some(selected) = state.selected.get_untracked() {
            state.reveal(selected);
        }
        request_animation_frame(move || {
            // `try_`: the tree may be gone by the next frame (another screen, a failed load).
            let (Some(selected), Some(Some(element))) =
                (state.selected.try_get_untracked().flatten(), scroller.try_get_untracked())
            else {
                return;
            };
            let position = state.rows.try_with_untracked(|rows| rows.iter().position(|row| *row == selected)).flatten();
            if let Some(scroll_to) =
                position.and_then(|position| scroll_to_reveal(position, element.scroll_top(), element.client_height()))
            {
                element.set_scroll_top(scroll_to);
            }
        });
    });

    // Keys with Ctrl or Cmd are the browser's (Ctrl and + zooms the page, not the waterfall).
    let on_key = move |event: web_sys::KeyboardEvent| {
        if !event.ctrl_key() && !event.meta_key() && handle_key(state, &event.key()) {
            event.prevent_default();
        }
    };
    // The selected row, when it is in the DOM (a row scrolled out of the window is not).
    let active_row = move || {
        let selected = state.selected.get()?;
        rendered_rows().iter().any(|row| row.2 == selected).then(|| format!("tv-span-{selected}"))
    };

    view! {
        <section class="tv-tree" part="tree">
            <CriticalPathPanel state=state />
            <Minimap state=state />
            <div class="tv-tree-head">
                <div class="tv-name-column">"Span"</div>
                <div
                    class="tv-timeline-column tv-axis-area"
                    title="Drag across the axis to zoom"
                    on:pointerdown=on_pointer_down
                    on:pointermove=on_pointer_move
                    on:pointerup=on_pointer_up
                >
                    {move || selection_style().map(|(left, width)| view! { <div class="tv-zoom-selection" style:left=left style:width=width></div> })}
                    {move || {
                        // About one tick per 110 px of timeline (the timeline is roughly half the width).
                        let max_ticks = ((viewport_width.get() / 2.0 / 110.0) as u32).clamp(2, 10);
                        let trace_start_ns = state.trace.with(|trace| trace.as_ref().map(|trace| trace.start_ns).unwrap_or(0));
                        window().map(|window| view! { <TimeAxis window=window max_ticks=max_ticks trace_start_ns=trace_start_ns /> })
                    }}
                </div>
            </div>
            <div
                class="tv-rows"
                node_ref=scroller
                role="tree"
                aria-label="Spans"
                aria-activedescendant=active_row
                tabindex="0"
                on:scroll=move |event| {
                    let element: web_sys::HtmlElement = event_target(&event);
                    scroll_top.set(element.scroll_top() as f64);
                }
                on:keydown=on_key
                on:wheel=on_wheel
            >
                <div class="tv-rows-spacer" style:height=move || format!("{}px", state.rows.with(|rows| rows.len()) * ROW_HEIGHT_PX)>
                    <For each=rendered_rows key=|row| *row let((_generation, position, span_index, folded_loop))>
                        {if folded_loop {
                            view! { <LoopRow state=state position=position span_index=span_index /> }.into_any()
                        } else {
                            view! { <SpanRow state=state position=position span_index=span_index /> }.into_any()
                        }}
                    </For>
                </div>
            </div>
        </section>
    }
}

/// Carries out what a key does in the tree (decided by `view::navigation`); returns whether the
/// key was the tree's.
fn handle_key(state: ViewerState, key: &str) -> bool {
    if matches!(key, "e" | "E") {
        state.step_error(key == "e");
        return true;
    }
    let selected = state.selected.get_untracked();
    if key == "z" {
        if let Some(selected) = selected {
            state.zoom_to_span(selected);
        }
        return selected.is_some();
    }
    if matches!(key, "+" | "=" | "-" | "0") {
        let zoomed = state.trace.with_untracked(|trace| {
            let trace = trace.as_ref()?;
            let whole = TimeWindow { start_ns: trace.start_ns, duration_ns: trace.duration_ns };
            let window = state.zoom.get_untracked().unwrap_or(whole);
            let factor = match key {
                "-" => 2.0,
                "0" => f64::INFINITY,
                _ => 0.5,
            };
            // Around the selected span's middle, else the window's.
            let centre = selected
                .and_then(|index| trace.spans.get(index))
                .map_or(window.start_ns + window.duration_ns / 2, |span| span.start_ns + span.duration_ns / 2);
            Some(window.scaled(whole, factor, centre))
        });
        let Some(zoomed) = zoomed else { return false };
        state.zoom.set(zoomed);
        return true;
    }
    let loop_action = state.trace.with_untracked(|trace| {
        let (trace, loops) = (trace.as_ref()?, state.loops.get_untracked());
        state.collapsed.with_untracked(|collapsed| {
            state.loop_folds.with_untracked(|folds| loop_key_action(key, selected, trace, collapsed, &loops, folds))
        })
    });
    if let Some(action) = loop_action {
        match action {
            LoopKeyAction::Unfold(run) => state.set_loop_folded(run, false),
            LoopKeyAction::Fold(run) => state.set_loop_folded(run, true),
            LoopKeyAction::Select(span) => state.select_by_user(span),
            LoopKeyAction::Stay => {}
        }
        return true;
    }
    let rows = state.rows.get_untracked();
    let action = state.trace.with_untracked(|trace| {
        let trace = trace.as_ref()?;
        state.collapsed.with_untracked(|collapsed| tree_key_action(key, &rows, selected, trace, collapsed))
    });
    match action {
        Some(TreeKeyAction::Select(span)) => state.select_by_user(span),
        Some(TreeKeyAction::Expand(span)) => state.collapsed.update(|set| set.set(span, false)),
        Some(TreeKeyAction::Collapse(span)) => state.collapsed.update(|set| set.set(span, true)),
        Some(TreeKeyAction::Stay) => {}
        None => return false,
    }
    true
}
