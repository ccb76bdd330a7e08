//! Every written file, read back natively: claimed by exactly the intended importer, holding the
//! same tree (span count, roots, depths, children, failures) and, but for the listed exceptions,
//! no warnings.

use trace_viewer_core::import::{claimants, import_text};
use trace_viewer_core::model::{SpanKind, TraceSet};

use super::{bench_trace, FORMATS};

const SPANS: usize = 200;

/// What must survive every format: the tree's shape and its failures.
#[derive(Debug, PartialEq)]
struct Shape {
    traces: usize,
    spans: usize,
    spans_by_depth: Vec<usize>,
    child_counts: Vec<u32>,
    errors: usize,
}

fn shape(set: &TraceSet) -> Shape {
    let spans = set.traces.iter().flat_map(|trace| &trace.spans);
    let mut spans_by_depth = Vec::new();
    for span in spans.clone() {
        let depth = span.depth as usize;
        if spans_by_depth.len() <= depth {
            spans_by_depth.resize(depth + 1, 0);
        }
        spans_by_depth[depth] += 1;
    }
    Shape {
        traces: set.traces.len(),
        spans: set.span_count(),
        spans_by_depth,
        child_counts: spans.map(|span| span.child_count).collect(),
        errors: set.traces.iter().map(|trace| trace.error_count()).sum(),
    }
}

/// Step kinds a format has no word for: the OpenAI Agents SDK has no retrieval span (a custom
/// span stands in).
const NO_WORD_FOR: &[(&str, SpanKind)] = &[("openai-agents", SpanKind::Retrieval)];

/// The kinds of the model calls, tools and retrievals; an agent, a chain and a plain span may
/// become one another where a format lacks the word (LangSmith has no agent run type).
fn step_kinds(set: &TraceSet, format: &str) -> Vec<Option<SpanKind>> {
    let step = |kind: SpanKind| {
        let unsaid = NO_WORD_FOR.contains(&(format, kind));
        (matches!(kind, SpanKind::Llm | SpanKind::Tool | SpanKind::Retrieval) && !unsaid).then_some(kind)
    };
    set.traces.iter().flat_map(|trace| &trace.spans).map(|span| step(span.kind)).collect()
}

fn warnings(set: &TraceSet) -> Vec<String> {
    let mut all: Vec<String> = set.warnings.iter().map(ToString::to_string).collect();
    all.extend(set.traces.iter().flat_map(|trace| &trace.warnings).map(ToString::to_string));
    all
}

#[test]
fn every_format_is_read_back_by_its_importer_into_the_same_tree() {
    let (otlp, original) = bench_trace(SPANS).expect("the generated trace imports");
    let expected = shape(&original);
    assert_eq!(expected.spans, SPANS);
    assert!(expected.errors > 0, "the bench trace has failures to carry");
    for format in FORMATS {
        let text = (format.write)(&original, &otlp);
        let value = trace_viewer_core::json::from_str(&text).expect("valid JSON");
        let claimed = claimants(&value);
        assert!(
            claimed.len() == 1 && claimed[0].starts_with(format.importer),
            "{}: claimed by {claimed:?}, not only by {}",
            format.name,
            format.importer
        );
        let set = import_text(&text, None).unwrap_or_else(|error| panic!("{}: {error}", format.name));
        assert_eq!(shape(&set), expected, "{}: the tree differs", format.name);
        assert_eq!(
            step_kinds(&set, format.name),
            step_kinds(&original, format.name),
            "{}: the step kinds differ",
            format.name
        );
        assert_eq!(warnings(&set), Vec::<String>::new(), "{}: warnings", format.name);
    }
}
