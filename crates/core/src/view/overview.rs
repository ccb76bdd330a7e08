//! What the trace overview (the detail panel when no span is selected) lists beyond the header's
//! totals: the failed steps, the slowest steps, and the services and models the trace used. One
//! pass over the spans; the lists are short (the first failures in tree order, the top few by
//! self time), so a million-span trace costs a walk and no sort of everything.

use crate::model::{SpanKind, Trace};

/// Failed steps listed by name at most (the count says how many there are).
pub const FAILED_LISTED: usize = 20;
/// Slowest steps listed.
pub const SLOWEST_LISTED: usize = 5;
/// Services or models listed at most.
pub const NAMES_LISTED: usize = 12;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceOverview {
    /// The first failed spans in tree order (indices), at most [`FAILED_LISTED`].
    pub failed: Vec<usize>,
    pub failed_count: usize,
    /// Spans with the most time of their own (outside their children), longest first, as (index,
    /// self time in ns); spans with no time of their own are left out.
    pub slowest: Vec<(usize, u64)>,
    /// Services (`service.name` of the spans' resources) by how many spans they ran, most first.
    pub services: Vec<(String, usize)>,
    /// Models named by model calls, by how many calls, most first.
    pub models: Vec<(String, usize)>,
    pub tool_calls: usize,
}

/// The overview of `trace`, with `self_times` from the trace's digest (per span, by index).
pub fn trace_overview(trace: &Trace, self_times: &[u64]) -> TraceOverview {
    let mut overview = TraceOverview::default();
    let mut per_resource = vec![0usize; trace.resources.len()];
    let mut models: Vec<(String, usize)> = Vec::new();
    for (index, span) in trace.spans.iter().enumerate() {
        if span.status.is_error() {
            overview.failed_count += 1;
            if overview.failed.len() < FAILED_LISTED {
                overview.failed.push(index);
            }
        }
        if let Some(count) = span.resource.get().and_then(|resource| per_resource.get_mut(resource)) {
            *count += 1;
        }
        if span.kind == SpanKind::Tool {
            overview.tool_calls += 1;
        }
        if let Some(model) = span.ai.as_deref().and_then(|details| details.model.as_deref()) {
            match models.iter().position(|(name, _)| name == model) {
                Some(known) => models[known].1 += 1,
                // Bounded: a file naming a new model on every span must not make this quadratic.
                None if models.len() < 256 => models.push((model.to_string(), 1)),
                None => {}
            }
        }
        let self_ns = self_times.get(index).copied().unwrap_or(span.duration_ns);
        keep_slowest(&mut overview.slowest, index, self_ns);
    }
    let mut services: Vec<(String, usize)> = Vec::new();
    for (resource, count) in trace.resources.iter().zip(per_resource) {
        let Some(name) = resource.service_name().filter(|_| count > 0) else { continue };
        match services.iter_mut().find(|(known, _)| known == name) {
            Some((_, total)) => *total += count,
            None => services.push((name.to_string(), count)),
        }
    }
    overview.services = most_first(services);
    overview.models = most_first(models);
    overview
}

/// Inserts `(index, self_ns)` into the short list of the slowest, kept longest first.
fn keep_slowest(slowest: &mut Vec<(usize, u64)>, index: usize, self_ns: u64) {
    if self_ns == 0 || (slowest.len() == SLOWEST_LISTED && slowest.last().is_some_and(|last| last.1 >= self_ns)) {
        return;
    }
    let at = slowest.iter().position(|(_, time)| *time < self_ns).unwrap_or(slowest.len());
    slowest.insert(at, (index, self_ns));
    slowest.truncate(SLOWEST_LISTED);
}

fn most_first(mut counts: Vec<(String, usize)>) -> Vec<(String, usize)> {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(NAMES_LISTED);
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::digest;
    use crate::model::{build_trace, Attribute, AttributeValue, Resource, Span, SpanStatus};

    fn span(id: &str, parent: Option<&str>, start_ns: u64, duration_ns: u64, kind: SpanKind) -> Span {
        let mut span = Span::new(id, parent.map(String::from), id);
        span.start_ns = start_ns;
        span.duration_ns = duration_ns;
        span.kind = kind;
        span
    }

    #[test]
    fn lists_failures_in_tree_order_the_slowest_by_self_time_and_what_ran() {
        let mut spans = vec![
            span("root", None, 0, 1_000, SpanKind::Agent),
            span("llm1", Some("root"), 0, 300, SpanKind::Llm),
            span("tool", Some("root"), 300, 600, SpanKind::Tool),
            span("llm2", Some("root"), 900, 100, SpanKind::Llm),
        ];
        spans[2].status = SpanStatus::Error { message: Some("timeout".into()) };
        spans[3].status = SpanStatus::Error { message: None };
        for (index, model) in [(1, "gpt-4o"), (3, "gpt-4o")] {
            spans[index].ai_mut().model = Some(model.into());
        }
        spans[0].resource = Some(0).into();
        spans[1].resource = Some(1).into();
        spans[2].resource = Some(0).into();
        let service = |name: &str| Resource {
            attributes: vec![Attribute::new("service.name", AttributeValue::String(name.into()))],
            other_fields: Vec::new(),
        };
        let trace = crate::model::Trace {
            resources: vec![service("agent"), service("llm-gateway"), service("unused")],
            ..Default::default()
        };
        let trace = build_trace(trace, spans);
        let overview = trace_overview(&trace, &digest(&trace).self_times);
        let names =
            |indices: &[usize]| indices.iter().map(|index| trace.spans[*index].name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&overview.failed), ["tool", "llm2"]);
        assert_eq!(overview.failed_count, 2);
        let slowest: Vec<usize> = overview.slowest.iter().map(|(index, _)| *index).collect();
        assert_eq!(names(&slowest), ["tool", "llm1", "llm2"], "the root has no time of its own");
        assert_eq!(overview.services, [("agent".to_string(), 2), ("llm-gateway".to_string(), 1)]);
        assert_eq!(overview.models, [("gpt-4o".to_string(), 2)]);
        assert_eq!(overview.tool_calls, 1);
    }

    #[test]
    fn the_slowest_list_keeps_the_top_five() {
        let mut slowest = Vec::new();
        for (index, time) in [5, 1, 9, 3, 7, 2, 8, 0, 6].into_iter().enumerate() {
            keep_slowest(&mut slowest, index, time);
        }
        assert_eq!(slowest.iter().map(|(_, time)| *time).collect::<Vec<_>>(), [9, 8, 7, 6, 5]);
    }
}
