//! Frees traces that left the screen a slice at a time, between frames. A million spans are
//! millions of small allocations; dropping them at once blocked the page for 0.3 s when a large
//! file was replaced or the element removed. A replaced file's traces are handed here instead
//! ([`bury`]), and the element calls [`release_step`] from later tasks until all are gone.

use std::cell::RefCell;
use std::sync::Arc;

use trace_viewer_core::model::Trace;

thread_local! {
    /// Traces no viewer shows any more, waiting to be freed.
    static BURIED: RefCell<Vec<Arc<Trace>>> = const { RefCell::new(Vec::new()) };
}

/// Spans freed between two looks at the clock.
const SPANS_PER_CHECK: usize = 4096;

/// Keeps `traces` for [`release_step`] to free later.
pub fn bury(traces: impl IntoIterator<Item = Arc<Trace>>) {
    BURIED.with(|buried| buried.borrow_mut().extend(traces));
}

/// What is left after a [`release_step`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Released {
    /// Nothing is waiting.
    All,
    /// More to free: call again in the next task.
    More,
    /// Only traces something still shows or holds (a view not yet updated): try again later.
    Waiting,
}

/// Frees buried traces for about `budget_ms` milliseconds, measured with `now_ms`. A trace still
/// shared elsewhere is left for a later step; once only this list holds it, its spans go a slice at
/// a time.
pub fn release_step(budget_ms: f64, now_ms: impl Fn() -> f64) -> Released {
    let deadline = now_ms() + budget_ms;
    BURIED.with(|buried| {
        let mut buried = buried.borrow_mut();
        let mut index = 0;
        while index < buried.len() {
            let Some(trace) = Arc::get_mut(&mut buried[index]) else {
                index += 1;
                continue;
            };
            while !trace.spans.is_empty() {
                let keep = trace.spans.len().saturating_sub(SPANS_PER_CHECK);
                trace.spans.truncate(keep);
                if !trace.spans.is_empty() && now_ms() >= deadline {
                    return Released::More;
                }
            }
            buried.swap_remove(index);
            if now_ms() >= deadline {
                break;
            }
        }
        if buried.is_empty() {
            buried.shrink_to_fit();
            Released::All
        } else if buried.iter_mut().any(|trace| Arc::get_mut(trace).is_some()) {
            Released::More
        } else {
            Released::Waiting
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use trace_viewer_core::model::Span;

    fn trace_of(spans: usize) -> Arc<Trace> {
        let spans = (0..spans).map(|index| Span::new(format!("s{index}"), None, "step")).collect();
        Arc::new(Trace { spans, ..Trace::default() })
    }

    fn buried_spans() -> usize {
        BURIED.with(|buried| buried.borrow().iter().map(|trace| trace.spans.len()).sum())
    }

    #[test]
    fn frees_a_slice_per_step_and_waits_for_traces_still_shown() {
        let shown = trace_of(10);
        bury([trace_of(3 * SPANS_PER_CHECK), Arc::clone(&shown)]);
        // A clock that moves one millisecond per look: each step frees one slice, then stops.
        let clock = Cell::new(0.0);
        let tick = || {
            clock.set(clock.get() + 1.0);
            clock.get()
        };
        assert_eq!(release_step(1.0, tick), Released::More);
        assert_eq!(buried_spans(), 2 * SPANS_PER_CHECK + 10);
        assert_eq!(release_step(1.0, tick), Released::More);
        assert_eq!(release_step(1.0, tick), Released::Waiting, "the first trace is gone; the shown one waits");
        assert_eq!(shown.spans.len(), 10, "a trace still shown is not touched");
        drop(shown);
        assert_eq!(release_step(1.0, tick), Released::All);
        assert_eq!(BURIED.with(|buried| buried.borrow().len()), 0);
    }
}
