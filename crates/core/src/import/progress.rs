//! How far an import has got, for whoever asked (the import worker passes it on to the page, which
//! shows "Reading 294.3 MB… 420,000 spans"). Importers call [`span_read`] per span and the pipeline
//! [`building`] once; without a listener (native use, tests) both cost a thread-local check.

use std::cell::{Cell, RefCell};

/// A step of an import, as reported to the listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportProgress {
    /// Spans read from the file so far.
    SpansRead(usize),
    /// Reading is done; conventions, repairs and the tree are being built.
    Building,
}

/// Spans read between two reports.
const REPORT_EVERY_SPANS: usize = 16_384;

type Listener = Box<dyn FnMut(ImportProgress)>;

thread_local! {
    static LISTENER: RefCell<Option<Listener>> = const { RefCell::new(None) };
    static SPANS_READ: Cell<usize> = const { Cell::new(0) };
}

/// Runs `import` with `listener` told of its progress.
pub fn with_progress<T>(listener: impl FnMut(ImportProgress) + 'static, import: impl FnOnce() -> T) -> T {
    LISTENER.with(|slot| *slot.borrow_mut() = Some(Box::new(listener)));
    SPANS_READ.with(|count| count.set(0));
    let result = import();
    LISTENER.with(|slot| slot.borrow_mut().take());
    result
}

fn report(progress: ImportProgress) {
    LISTENER.with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            if let Some(listener) = slot.as_mut() {
                listener(progress);
            }
        }
    });
}

/// One more span read from the file.
pub(crate) fn span_read() {
    let count = SPANS_READ.with(|count| {
        let next = count.get() + 1;
        count.set(next);
        next
    });
    if count.is_multiple_of(REPORT_EVERY_SPANS) {
        report(ImportProgress::SpansRead(count));
    }
}

/// Reading is done; the shared steps begin.
pub(crate) fn building() {
    report(ImportProgress::Building);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn a_large_import_reports_spans_read_then_building() {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&seen);
        let text = crate::generate::otlp_trace(3 * REPORT_EVERY_SPANS + 10);
        let set =
            with_progress(move |progress| sink.borrow_mut().push(progress), || crate::import::import_text(&text, None));
        assert_eq!(set.map(|set| set.span_count()).ok(), Some(3 * REPORT_EVERY_SPANS + 10));
        let expected: Vec<ImportProgress> = (1..=3)
            .map(|step| ImportProgress::SpansRead(step * REPORT_EVERY_SPANS))
            .chain([ImportProgress::Building])
            .collect();
        assert_eq!(*seen.borrow(), expected);
        // The listener is gone afterwards: another import reports nothing.
        let _ = crate::import::import_text(&crate::generate::otlp_trace(REPORT_EVERY_SPANS), None);
        assert_eq!(seen.borrow().len(), 4);
    }
}
