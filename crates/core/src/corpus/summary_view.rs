//! A [`TraceSummary`] borrowed: its texts and lists are slices of something else (a helper's batch
//! of encoded summaries, or an owned summary), so the corpus worker joins a batch into its index
//! without a `String` per field, span name and set member (see
//! [`super::line_batch_encoding::LineBatchView`]). The index adds and merges from this view only.

use std::collections::BTreeSet;

use super::summary::{FeedbackFlags, SpanFacts, TraceSummary};
use crate::model::SpanKind;

/// [`SpanFacts`] borrowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpanView<'a> {
    pub name: &'a str,
    pub kind: SpanKind,
    pub failed: bool,
    pub model: Option<&'a str>,
    pub tool: Option<&'a str>,
}

/// [`TraceSummary`] borrowed, field for field. `models` and `tools` are in sorted order without
/// repeats, as the owned summary's sets iterate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SummaryView<'a> {
    pub trace_id: &'a str,
    pub name: &'a str,
    pub has_root: bool,
    pub start_ns: u64,
    pub end_ns: u64,
    pub span_count: u64,
    pub error_count: u64,
    pub intent: Option<&'a str>,
    pub variant: Option<&'a str>,
    pub user: Option<&'a str>,
    pub session: Option<&'a str>,
    pub models: &'a [&'a str],
    pub tools: &'a [&'a str],
    pub feedback: FeedbackFlags,
    pub scores: &'a [(&'a str, f64)],
    pub tokens: u64,
    pub cost_usd: Option<f64>,
    pub documents: u64,
    pub input_preview: Option<&'a str>,
    pub output_preview: Option<&'a str>,
    pub attributes: &'a [(&'a str, &'a str)],
    pub spans: &'a [SpanView<'a>],
    pub signature: Option<&'a str>,
    pub error_template: Option<&'a str>,
    pub skeleton: &'a [u8],
}

/// The lists of one summary view, kept from one summary to the next so a batch of views costs no
/// allocation a trace once they have grown.
#[derive(Default, Debug)]
pub struct SummaryLists<'a> {
    pub models: Vec<&'a str>,
    pub tools: Vec<&'a str>,
    pub scores: Vec<(&'a str, f64)>,
    pub attributes: Vec<(&'a str, &'a str)>,
    pub spans: Vec<SpanView<'a>>,
}

impl SummaryLists<'_> {
    pub fn clear(&mut self) {
        self.models.clear();
        self.tools.clear();
        self.scores.clear();
        self.attributes.clear();
        self.spans.clear();
    }
}

/// Puts a set's members in the order an owned summary's set has them: sorted, without repeats.
pub fn as_set(members: &mut Vec<&str>) {
    members.sort_unstable();
    members.dedup();
}

impl SummaryView<'_> {
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    /// The owned summary this view is of.
    pub fn to_summary(&self) -> TraceSummary {
        let text = |value: Option<&str>| value.map(str::to_string);
        let set = |members: &[&str]| members.iter().map(|member| member.to_string()).collect::<BTreeSet<_>>();
        TraceSummary {
            trace_id: self.trace_id.to_string(),
            name: self.name.to_string(),
            has_root: self.has_root,
            start_ns: self.start_ns,
            end_ns: self.end_ns,
            span_count: self.span_count,
            error_count: self.error_count,
            intent: text(self.intent),
            variant: text(self.variant),
            user: text(self.user),
            session: text(self.session),
            models: set(self.models),
            tools: set(self.tools),
            feedback: self.feedback,
            scores: self.scores.iter().map(|(name, value)| (name.to_string(), *value)).collect(),
            tokens: self.tokens,
            cost_usd: self.cost_usd,
            documents: self.documents,
            input_preview: text(self.input_preview),
            output_preview: text(self.output_preview),
            attributes: self.attributes.iter().map(|(key, value)| (key.to_string(), value.to_string())).collect(),
            spans: self
                .spans
                .iter()
                .map(|span| SpanFacts {
                    name: span.name.to_string(),
                    kind: span.kind,
                    failed: span.failed,
                    model: text(span.model),
                    tool: text(span.tool),
                })
                .collect(),
            signature: text(self.signature),
            error_template: text(self.error_template),
            skeleton: self.skeleton.to_vec(),
        }
    }
}

impl TraceSummary {
    /// Runs `use_view` on this summary's view.
    pub fn with_view<T>(&self, use_view: impl FnOnce(&SummaryView<'_>) -> T) -> T {
        let mut lists = SummaryLists::default();
        lists.models.extend(self.models.iter().map(String::as_str));
        lists.tools.extend(self.tools.iter().map(String::as_str));
        lists.scores.extend(self.scores.iter().map(|(name, value)| (name.as_str(), *value)));
        lists.attributes.extend(self.attributes.iter().map(|(key, value)| (key.as_str(), value.as_str())));
        lists.spans.extend(self.spans.iter().map(|span| SpanView {
            name: &span.name,
            kind: span.kind,
            failed: span.failed,
            model: span.model.as_deref(),
            tool: span.tool.as_deref(),
        }));
        use_view(&SummaryView {
            trace_id: &self.trace_id,
            name: &self.name,
            has_root: self.has_root,
            start_ns: self.start_ns,
            end_ns: self.end_ns,
            span_count: self.span_count,
            error_count: self.error_count,
            intent: self.intent.as_deref(),
            variant: self.variant.as_deref(),
            user: self.user.as_deref(),
            session: self.session.as_deref(),
            models: &lists.models,
            tools: &lists.tools,
            feedback: self.feedback,
            scores: &lists.scores,
            tokens: self.tokens,
            cost_usd: self.cost_usd,
            documents: self.documents,
            input_preview: self.input_preview.as_deref(),
            output_preview: self.output_preview.as_deref(),
            attributes: &lists.attributes,
            spans: &lists.spans,
            signature: self.signature.as_deref(),
            error_template: self.error_template.as_deref(),
            skeleton: &self.skeleton,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::line_batch::{summarize_lines, LinesAt};
    use crate::generate::corpus::otlp_json_lines;

    #[test]
    fn an_owned_summary_s_view_gives_the_summary_back() {
        let lines = otlp_json_lines(30);
        let batch = summarize_lines(lines.as_bytes(), LinesAt { offset: 0, starts_file: true });
        assert!(batch.traces.iter().any(|trace| trace.summary.models.len() > 1));
        for trace in &batch.traces {
            assert_eq!(trace.summary.with_view(|view| view.to_summary()), trace.summary);
        }
    }

    #[test]
    fn members_are_put_in_a_set_s_order() {
        let mut members = vec!["b", "a", "b", "c", "a"];
        as_set(&mut members);
        assert_eq!(members, ["a", "b", "c"]);
    }
}
