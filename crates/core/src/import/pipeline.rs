//! What every importer hands over, and the steps every format shares afterwards: traces with the
//! same id are joined (across lines and files), log records are attached to their spans, missing
//! start times are placed, AI conventions are mapped, trace-level facts are filled in, and the
//! tree is built with its repairs.

use std::collections::HashMap;

use super::conventions;
use crate::model::{build_trace_in_order, Attribute, ImportWarning, Resource, Scope, Span, SpanEvent, Trace, TraceSet};

/// Start time importers give a span whose file had none; replaced by the trace's earliest start.
pub const MISSING_START: u64 = u64::MAX;

/// One trace as an importer read it: trace-level fields set, spans in any order.
#[derive(Debug, Default)]
pub struct RawTrace {
    pub trace: Trace,
    pub spans: Vec<Span>,
}

/// A log record to attach to its span (OTLP logs, where GenAI instrumentations put message content).
#[derive(Debug, Clone)]
pub struct LogRecord {
    pub trace_id: String,
    pub span_id: String,
    pub time_ns: Option<u64>,
    /// The event name (`gen_ai.user.message`...), else the severity, else "log".
    pub name: String,
    /// The body first (as `body`), then the record's attributes.
    pub attributes: Vec<Attribute>,
}

/// What one document (a file, or one line of JSON Lines) held.
#[derive(Debug, Default)]
pub struct RawImport {
    pub format: &'static str,
    pub traces: Vec<RawTrace>,
    pub logs: Vec<LogRecord>,
    pub warnings: Vec<ImportWarning>,
}

impl RawImport {
    pub fn new(format: &'static str) -> Self {
        RawImport { format, ..RawImport::default() }
    }

    /// The trace with this id, created (with `trace_id` set) on first use.
    pub fn trace_mut<'a>(&'a mut self, index: &mut HashMap<String, usize>, trace_id: &str) -> &'a mut RawTrace {
        let position = self.trace_position(index, trace_id);
        &mut self.traces[position]
    }

    /// The position in `traces` of the trace with this id, created on first use. A file's spans
    /// mostly come trace by trace, so the trace created last is checked before the index.
    pub fn trace_position(&mut self, index: &mut HashMap<String, usize>, trace_id: &str) -> usize {
        if self.traces.last().is_some_and(|raw| raw.trace.trace_id == trace_id) {
            return self.traces.len() - 1;
        }
        match index.get(trace_id) {
            Some(position) => *position,
            None => {
                let mut trace = RawTrace::default();
                trace.trace.trace_id = trace_id.to_string();
                self.traces.push(trace);
                index.insert(trace_id.to_string(), self.traces.len() - 1);
                self.traces.len() - 1
            }
        }
    }
}

/// Gives each trace its own copy of a batch's resource and scope, added once per batch: OTLP
/// groups spans by resource and scope, and one batch may hold spans of several traces.
#[derive(Default)]
pub struct ResourcePlacement {
    /// Per trace position: ((batch number, resource index), (scope number, scope index)).
    placed: Vec<((usize, usize), (usize, usize))>,
}

impl ResourcePlacement {
    /// The (resource, scope) indices in `trace` for batch number `batch` and scope number `scope`
    /// (both counted from 1), copying them into the trace the first time.
    pub fn place(
        &mut self,
        position: usize,
        trace: &mut Trace,
        batch: (usize, &Resource),
        scope: (usize, &Scope),
    ) -> (usize, usize) {
        if self.placed.len() <= position {
            self.placed.resize(position + 1, ((0, 0), (0, 0)));
        }
        let slot = &mut self.placed[position];
        if slot.0 .0 != batch.0 {
            trace.resources.push(batch.1.clone());
            slot.0 = (batch.0, trace.resources.len() - 1);
        }
        if slot.1 .0 != scope.0 {
            trace.scopes.push(scope.1.clone());
            slot.1 = (scope.0, trace.scopes.len() - 1);
        }
        (slot.0 .1, slot.1 .1)
    }
}

/// Sets a span's start and duration from the times its file gave, warning (with the file's own
/// field names) when the start is missing, the end is missing, or the end comes before the start.
/// A missing start becomes [`MISSING_START`], placed later at the trace's earliest start.
pub fn set_times(span: &mut Span, start: Option<u64>, end: Option<u64>, fields: (&str, &str), end_optional: bool) {
    let (start_field, end_field) = fields;
    // 2^64 - 1 is the one value a start cannot keep: it is the mark of a missing one.
    let readable = |start: Option<u64>| start.filter(|start| *start != MISSING_START);
    let problem = match (readable(start), end) {
        (None, _) if start.is_some() => Some(format!(
            "{start_field} is 2^64 - 1 ns, more than a start time can hold; placed at the start of the trace"
        )),
        (Some(start), Some(end)) if end >= start => {
            span.duration_ns = end - start;
            None
        }
        (Some(_), Some(_)) => Some(format!("{end_field} is before {start_field}; shown with zero duration")),
        (Some(_), None) if end_optional => None,
        (Some(_), None) => Some(format!("no readable {end_field}; shown with zero duration")),
        (None, _) => Some(format!("no readable {start_field}; placed at the start of the trace")),
    };
    span.start_ns = readable(start).unwrap_or(MISSING_START);
    if let Some(message) = problem {
        span.warnings.push(ImportWarning::for_span(&span.span_id, message));
    }
}

/// Fills the first trace's empty trace-level fields from the second's.
fn merge_trace_fields(into: &mut Trace, from: Trace) {
    fn take(slot: &mut Option<String>, value: Option<String>) {
        if slot.is_none() {
            *slot = value;
        }
    }
    if into.name.is_empty() {
        into.name = from.name;
    }
    take(&mut into.user_input, from.user_input);
    take(&mut into.intent, from.intent);
    take(&mut into.final_output, from.final_output);
    take(&mut into.user_id, from.user_id);
    take(&mut into.session_id, from.session_id);
    take(&mut into.variant, from.variant);
    into.feedback.extend(from.feedback);
    into.other_fields.extend(from.other_fields);
    into.warnings.extend(from.warnings);
}

/// Joins the documents' traces by id; resource and scope indices are shifted to stay valid.
fn merge(imports: &mut [RawImport]) -> Vec<RawTrace> {
    let mut merged: Vec<RawTrace> = Vec::new();
    let mut position_of: HashMap<String, usize> = HashMap::new();
    for import in imports.iter_mut() {
        for raw in import.traces.drain(..) {
            let RawTrace { mut trace, mut spans } = raw;
            match position_of.get(&trace.trace_id) {
                None => {
                    position_of.insert(trace.trace_id.clone(), merged.len());
                    merged.push(RawTrace { trace, spans });
                }
                Some(&position) => {
                    let target = &mut merged[position];
                    let resource_offset = target.trace.resources.len();
                    let scope_offset = target.trace.scopes.len();
                    for span in &mut spans {
                        span.resource = span.resource.get().map(|index| index + resource_offset).into();
                        span.scope = span.scope.get().map(|index| index + scope_offset).into();
                    }
                    target.trace.resources.append(&mut trace.resources);
                    target.trace.scopes.append(&mut trace.scopes);
                    target.spans.append(&mut spans);
                    merge_trace_fields(&mut target.trace, trace);
                }
            }
        }
    }
    merged
}

/// Attaches each log record to its span as an event; records whose span is absent are counted.
fn attach_logs(traces: &mut [RawTrace], logs: Vec<LogRecord>, warnings: &mut Vec<ImportWarning>) {
    if logs.is_empty() {
        return;
    }
    let mut location: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for (trace_index, raw) in traces.iter().enumerate() {
        for (span_index, span) in raw.spans.iter().enumerate() {
            location.insert((raw.trace.trace_id.as_str(), span.span_id.as_str()), (trace_index, span_index));
        }
    }
    let placements: Vec<Option<(usize, usize)>> =
        logs.iter().map(|log| location.get(&(log.trace_id.as_str(), log.span_id.as_str())).copied()).collect();
    drop(location);
    let mut unattached = 0;
    for (log, place) in logs.into_iter().zip(placements) {
        match place {
            Some((trace_index, span_index)) => {
                let span = &mut traces[trace_index].spans[span_index];
                span.events.push(SpanEvent { name: log.name, time_ns: log.time_ns, attributes: log.attributes });
            }
            None => unattached += 1,
        }
    }
    for raw in traces.iter_mut() {
        for span in &mut raw.spans {
            span.events.sort_by_key(|event| event.time_ns.unwrap_or(0));
        }
    }
    if unattached > 0 {
        warnings.push(ImportWarning::general(format!(
            "{unattached} log record(s) name a span that is not loaded; load the trace file with them to see them"
        )));
    }
}

/// The latest time OpenTelemetry's signed 64-bit nanoseconds can hold (the year 2262).
const LATEST_TIME_NS: u64 = i64::MAX as u64;

/// Warns of a span whose times no clock wrote: a start or an end after [`LATEST_TIME_NS`], shown
/// as they are, or an end past 2^64 - 1 ns (a duration added to a start placed later), whose
/// duration is cut to end there so the end is a time too. (Missing starts are placed before this
/// runs.)
fn warn_of_implausible_times(span: &mut Span) {
    let message = if span.start_ns > LATEST_TIME_NS {
        format!(
            "starts after the year 2262 ({} ns since 1970), beyond what 64-bit nanoseconds hold; shown as given",
            span.start_ns
        )
    } else if span.start_ns.checked_add(span.duration_ns).is_none() {
        // The end must be a time too (exports write it): the duration stops at the last one.
        let given = span.duration_ns;
        span.duration_ns = u64::MAX - span.start_ns;
        format!("ends after 2^64 - 1 ns since 1970 (a duration of {given} ns); cut to end there")
    } else if span.start_ns.saturating_add(span.duration_ns) > LATEST_TIME_NS {
        format!(
            "ends after the year 2262 (a duration of {} ns), beyond what 64-bit nanoseconds hold; shown as given",
            span.duration_ns
        )
    } else {
        return;
    };
    span.warnings.push(ImportWarning::for_span(&span.span_id, message));
}

/// A cost read as NaN or infinite (from text such as "NaN") is no amount: left out, with a warning.
fn leave_out_costs_that_are_not_numbers(span: &mut Span) {
    let Some(details) = span.ai.as_deref_mut() else { return };
    if let Some(cost) = details.cost_usd.filter(|cost| !cost.is_finite()) {
        details.cost_usd = None;
        if details.is_empty() {
            span.ai = None;
        }
        span.warnings.push(ImportWarning::for_span(&span.span_id, format!("cost {cost} is not an amount; left out")));
    }
}

/// Spans whose file gave no start time sit at the trace's earliest known start.
fn place_missing_starts(spans: &mut [Span]) {
    let earliest = spans.iter().map(|span| span.start_ns).filter(|start| *start != MISSING_START).min().unwrap_or(0);
    for span in spans.iter_mut().filter(|span| span.start_ns == MISSING_START) {
        span.start_ns = earliest;
    }
}

/// Watches the shared steps trace by trace: the import worker encodes each trace's spans for the
/// page as soon as they are mapped, so the page decodes them while the tree is being built.
pub trait BuildObserver {
    /// Before the first trace: how many traces and spans follow.
    fn started(&mut self, trace_count: usize, span_count: usize);
    /// A trace begins: its id and how many spans it has.
    fn trace_started(&mut self, trace_id: &str, span_count: usize);
    /// The trace's next spans with their conventions mapped, in the order the tree builder gets
    /// them (a few thousand at a time, so the first reach the page early).
    fn spans_mapped(&mut self, spans: &[Span]);
    /// The trace built from them: the span now at position `i` was at `order[i]` before.
    fn trace_built(&mut self, trace: &Trace, order: &[usize]);
}

/// Spans mapped between two calls of [`BuildObserver::spans_mapped`].
const MAPPED_BATCH: usize = 8_192;

/// Runs the shared steps and builds the final trace set.
pub fn finish(imports: Vec<RawImport>) -> TraceSet {
    finish_observed(imports, None)
}

/// [`finish`], telling `observer` of each trace as it goes.
pub fn finish_observed(mut imports: Vec<RawImport>, mut observer: Option<&mut dyn BuildObserver>) -> TraceSet {
    super::progress::building();
    let mut formats: Vec<&'static str> = Vec::new();
    for import in &imports {
        if !formats.contains(&import.format) && !import.format.is_empty() {
            formats.push(import.format);
        }
    }
    let mut warnings: Vec<ImportWarning> = imports.iter_mut().flat_map(|import| import.warnings.drain(..)).collect();
    let logs: Vec<LogRecord> = imports.iter_mut().flat_map(|import| import.logs.drain(..)).collect();
    let mut traces = merge(&mut imports);
    if super::split_runs::relabel(&mut traces) {
        traces = merge(&mut [RawImport { traces, ..RawImport::new("") }]);
    }
    attach_logs(&mut traces, logs, &mut warnings);
    if let Some(observer) = observer.as_deref_mut() {
        observer.started(traces.len(), traces.iter().map(|raw| raw.spans.len()).sum());
    }
    let traces = traces
        .into_iter()
        .map(|RawTrace { mut trace, mut spans }| {
            place_missing_starts(&mut spans);
            if let Some(observer) = observer.as_deref_mut() {
                observer.trace_started(&trace.trace_id, spans.len());
            }
            let mut facts = conventions::TraceFacts::default();
            for first in (0..spans.len()).step_by(MAPPED_BATCH) {
                let batch = first..spans.len().min(first + MAPPED_BATCH);
                for (position, span) in spans[batch.clone()].iter_mut().enumerate() {
                    warn_of_implausible_times(span);
                    conventions::apply(span);
                    leave_out_costs_that_are_not_numbers(span);
                    facts.observe(first + position, span);
                }
                if let Some(observer) = observer.as_deref_mut() {
                    observer.spans_mapped(&spans[batch]);
                }
            }
            facts.fill(&mut trace, &spans);
            let (trace, order) = build_trace_in_order(trace, spans);
            if let Some(observer) = observer.as_deref_mut() {
                observer.trace_built(&trace, &order);
            }
            trace
        })
        .collect();
    TraceSet { format: formats.join(" + "), traces, warnings }
}
