//! What the review asks of a corpus: the review queue (the traces a filter keeps, ordered worst
//! first, at random with a seed, or stratified by a column: `review::order_queue`), and the facts
//! of labelled traces for the label exports (session, intent, model, variant, feedback and source
//! file from the index; the whole question and answer from the traces read again by the worker).

use std::collections::HashMap;

use super::codes::Codes;
use super::dictionary::ABSENT;
use super::index::TraceSource;
use super::summary::{feedback_bit, FEEDBACK_SIGNALS};
use super::{Corpus, CorpusRequestError};
use crate::review::{
    category_counts_csv, dataset_jsonl, labels_jsonl, order_queue, DatasetShape, Label, QueueItem, QueueOrder,
    Taxonomy, TraceFacts,
};

/// A labelled trace's whole question and answer (as `model::readable` reduces them), by trace id.
pub type ReadableTexts = HashMap<String, (Option<String>, Option<String>)>;

impl Corpus {
    /// The trace ids of the review queue: at most `limit` of the traces `filter` keeps, in the
    /// `order` (`worst`, `random` or `stratified`, the last two with `seed`; stratified by the
    /// column `stratify_by`: intent, model, variant, user, session, name, tool or label).
    pub fn review_queue(
        &self,
        filter: &str,
        order: &str,
        seed: u64,
        stratify_by: &str,
        limit: usize,
    ) -> Result<Vec<String>, CorpusRequestError> {
        let order = match order {
            "worst" => QueueOrder::WorstFirst,
            "random" => QueueOrder::Random { seed },
            "stratified" => QueueOrder::Stratified { seed },
            other => {
                return Err(CorpusRequestError::Request(format!(
                    "Unknown queue order {other}: worst, random or stratified."
                )))
            }
        };
        let index = &self.index;
        let strata: Option<&Codes> = match stratify_by {
            "intent" => Some(&index.intent.rows),
            "model" => Some(&index.models.rows),
            "variant" => Some(&index.variant.rows),
            "user" => Some(&index.user.rows),
            "session" => Some(&index.session.rows),
            "name" => Some(&index.name.rows),
            "tool" => Some(&index.tools.rows),
            "label" => Some(&index.labels.rows),
            other if matches!(order, QueueOrder::Stratified { .. }) => {
                return Err(CorpusRequestError::Request(format!(
                    "Cannot stratify by {other}: intent, model, variant, user, session, name, tool or label."
                )))
            }
            _ => None,
        };
        let negative = [feedback_bit("thumbs_down"), feedback_bit("abandoned")]
            .into_iter()
            .flatten()
            .fold(0, |bits, bit| bits | bit);
        let rows = self.matching_rows(filter).map_err(CorpusRequestError::Filter)?;
        let items = rows
            .iter()
            .map(|&row| {
                let at = row as usize;
                QueueItem {
                    row,
                    stratum: strata.map_or(ABSENT, |strata| strata.at(at)),
                    errors: index.error_count.at(at),
                    negative_feedback: index.feedback_of(at) & negative != 0,
                    duration_ns: index.duration_ns[at],
                }
            })
            .collect();
        Ok(order_queue(items, order, limit).into_iter().map(|row| index.trace_id(row as usize).into_owned()).collect())
    }

    /// What the exports say about a trace besides its label; `None` for an id the corpus lacks.
    pub fn trace_facts(&self, trace_id: &str, texts: &ReadableTexts) -> Option<TraceFacts> {
        let index = &self.index;
        let row = index.row_of(trace_id)?;
        let text = |column: &super::dictionary::StringColumn| column.value(row).map(str::to_string);
        let (input, output) = texts.get(trace_id).cloned().unwrap_or_else(|| {
            (index.input_preview.get(row).map(str::to_string), index.output_preview.get(row).map(str::to_string))
        });
        let model = index
            .models
            .sets
            .members(index.models.set_of(row))
            .first()
            .and_then(|&member| index.models.members.value(member));
        let flags = index.feedback_of(row);
        let feedback = FEEDBACK_SIGNALS
            .iter()
            .filter(|(name, _)| feedback_bit(name).is_some_and(|bit| flags & bit != 0))
            .map(|(name, _)| name.to_string())
            .collect();
        let source_file = index.source(row).into_iter().find_map(|source| match source {
            TraceSource::Range { file, .. } => self.files.get(file as usize).map(|reader| reader.name.clone()),
            TraceSource::Kept { .. } => self.files.first().map(|reader| reader.name.clone()),
        });
        Some(TraceFacts {
            trace_id: trace_id.to_string(),
            session_id: text(&index.session),
            input,
            output,
            intent: text(&index.intent),
            model: model.map(str::to_string),
            variant: text(&index.variant),
            feedback,
            source_file,
        })
    }

    /// The labels as a file's text: `jsonl` (the labels export), a dataset (`langfuse`,
    /// `langsmith`, `phoenix`, `generic`) or `csv` (category × `group_by` counts).
    pub fn export_labels(
        &self,
        format: &str,
        labels: &[Label],
        taxonomy: &Taxonomy,
        group_by: &str,
        texts: &ReadableTexts,
    ) -> Result<String, CorpusRequestError> {
        let labels: Vec<&Label> = labels.iter().collect();
        let facts = |trace_id: &str| self.trace_facts(trace_id, texts);
        if format == "jsonl" {
            return Ok(labels_jsonl(&labels, &facts));
        }
        if format == "csv" {
            let group_of = |trace_id: &str| {
                let facts = self.trace_facts(trace_id, texts)?;
                match group_by {
                    "intent" => facts.intent,
                    "model" => facts.model,
                    "variant" => facts.variant,
                    "session" => facts.session_id,
                    "user" => {
                        self.index.row_of(trace_id).and_then(|row| self.index.user.value(row).map(str::to_string))
                    }
                    "name" => {
                        self.index.row_of(trace_id).and_then(|row| self.index.name.value(row).map(str::to_string))
                    }
                    _ => None,
                }
            };
            return Ok(category_counts_csv(&labels, taxonomy, &group_of, group_by));
        }
        let shape = DatasetShape::from_name(format).ok_or_else(|| {
            CorpusRequestError::Request(format!(
                "Unknown export format {format}: jsonl, langfuse, langsmith, phoenix, generic or csv."
            ))
        })?;
        Ok(dataset_jsonl(shape, &labels, &facts))
    }
}
