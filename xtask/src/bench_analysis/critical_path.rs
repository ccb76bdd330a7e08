//! Critical path on 1,000,000-span traces (goal ≤ 300 ms): the walk, its breakdown by kind and
//! name, and the filter's kept spans, on three shapes: a four-way tree whose children overlap
//! their siblings (the walk visits few spans), one root with 999,999 children (every child
//! sorted by its end) and a chain 1,000,000 deep (every span visited).

use trace_viewer_core::analysis::{critical_path, kept_on_critical_path};
use trace_viewer_core::model::{build_trace, Span, SpanKind, Trace};

use super::{best_of, Yardstick};

const SPANS: usize = 1_000_000;

/// Span `i`'s parent is `(i - 1) / 4` (`Fan::Four`), span 0 (`Fan::Flat`) or `i - 1` (`Fan::Chain`); each child takes a quarter of its parent's time, stretched
/// by a pseudo-random amount so siblings overlap and some outlive their parent.
#[derive(Clone, Copy)]
enum Fan {
    Four,
    Flat,
    Chain,
}

fn generated_trace(fan: Fan) -> Trace {
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let kinds = [SpanKind::Llm, SpanKind::Tool, SpanKind::Retrieval, SpanKind::Chain];
    let mut times: Vec<(u64, u64)> = Vec::with_capacity(SPANS);
    let mut spans = Vec::with_capacity(SPANS);
    for index in 0..SPANS {
        let parent = index.checked_sub(1).map(|before| match fan {
            Fan::Four => before / 4,
            Fan::Flat => 0,
            Fan::Chain => before,
        });
        let (start_ns, duration_ns) = match parent {
            None => (1_000_000_000, 4u64.pow(10) * 1_000),
            Some(parent) => {
                let (parent_start, parent_duration) = times[parent];
                let (slot, place) = match fan {
                    Fan::Four => (parent_duration / 4, ((index - 1) % 4) as u64),
                    // Pairs of children share a slot: one 999,999th of the root, each.
                    Fan::Flat => (parent_duration / SPANS as u64 * 2, (index / 2) as u64),
                    // One nanosecond inside the parent at each end.
                    Fan::Chain => (parent_duration - 2, 0),
                };
                match fan {
                    Fan::Chain => (parent_start + 1, slot),
                    _ => (parent_start + place * slot + next() % (slot / 4 + 1), slot + next() % (slot / 2 + 1)),
                }
            }
        };
        times.push((start_ns, duration_ns));
        let mut span =
            Span::new(format!("{index:x}"), parent.map(|parent| format!("{parent:x}")), format!("step {}", index % 97));
        span.kind = kinds[index % kinds.len()];
        span.start_ns = start_ns;
        span.duration_ns = duration_ns;
        spans.push(span);
    }
    build_trace(Trace::default(), spans)
}

pub fn run(yardstick: &Yardstick) {
    for (fan, shape) in
        [(Fan::Four, "four-way tree"), (Fan::Flat, "one root, 999,999 children"), (Fan::Chain, "chain 1,000,000 deep")]
    {
        let trace = generated_trace(fan);
        let path = critical_path(&trace);
        println!(
            "  critical path, {shape}: {} spans, {} segments on the path, {} kinds and names in its breakdown",
            trace.spans.len(),
            path.segments.len(),
            path.breakdown(&trace).len()
        );
        let walk = best_of(5, || critical_path(&trace));
        yardstick.report(&format!("critical path ({shape})"), walk, Some(300.0));
        let with_breakdown = best_of(5, || {
            let path = critical_path(&trace);
            let breakdown = path.breakdown(&trace);
            let kept = kept_on_critical_path(&trace, &path, |_| true);
            (path, breakdown, kept)
        });
        yardstick.report(
            &format!("critical path + breakdown + filter's kept spans ({shape})"),
            with_breakdown,
            Some(300.0),
        );
    }
}
