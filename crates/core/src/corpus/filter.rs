//! Evaluates a parsed [`Filter`] over the index, a column at a time: each comparison turns into
//! one pass over one column (string columns compare dictionary numbers, worked out once per
//! distinct value), combined with `and`/`or`/`not` as vectors of booleans.

use std::cmp::Ordering;

use super::dictionary::{Dictionary, StringColumn, ABSENT};
use super::index::{CorpusIndex, SpanKindFacts, FAILED};
use super::query::{contains_ignoring_case, Field, Filter, Literal, Operator, SpanField, SpanFilter};
use super::summary::feedback_bit;
use crate::model::{parse_rfc3339_ns, SpanKind};

/// The rows (in row order) that satisfy `filter`.
pub fn matching_rows(index: &CorpusIndex, filter: &Filter) -> Vec<u32> {
    if *filter == Filter::Everything {
        return (0..index.len() as u32).collect();
    }
    let matches = evaluate(index, filter);
    matches.iter().enumerate().filter(|(_, matched)| **matched).map(|(row, _)| row as u32).collect()
}

fn evaluate(index: &CorpusIndex, filter: &Filter) -> Vec<bool> {
    let rows = index.len();
    match filter {
        Filter::Everything => vec![true; rows],
        Filter::And(left, right) => {
            let mut left = evaluate(index, left);
            if left.iter().any(|matched| *matched) {
                let right = evaluate(index, right);
                left.iter_mut().zip(right).for_each(|(left, right)| *left &= right);
            }
            left
        }
        Filter::Or(left, right) => {
            let mut left = evaluate(index, left);
            let right = evaluate(index, right);
            left.iter_mut().zip(right).for_each(|(left, right)| *left |= right);
            left
        }
        Filter::Not(inner) => evaluate(index, inner).into_iter().map(|matched| !matched).collect(),
        Filter::Compare { field, operator, value } => compare(index, field, *operator, value),
        Filter::Text(text) => {
            let needle = text.to_lowercase();
            let names = index.name.dictionary.matching(|name| contains_ignoring_case(name, &needle));
            let intents = index.intent.dictionary.matching(|intent| contains_ignoring_case(intent, &needle));
            (0..rows)
                .map(|row| {
                    names[index.name.rows.at(row) as usize]
                        || intents[index.intent.rows.at(row) as usize]
                        || contains_ignoring_case(&index.trace_id(row), &needle)
                        || index.input_preview.get(row).is_some_and(|text| contains_ignoring_case(text, &needle))
                        || index.output_preview.get(row).is_some_and(|text| contains_ignoring_case(text, &needle))
                })
                .collect()
        }
        Filter::AnySpan(predicate) => {
            // Worked out once per distinct combination of span facts, then looked up per span.
            let compiled = CompiledSpanFilter::new(index, predicate);
            let holds: Vec<bool> = index.spans.kinds.iter().map(|facts| compiled.holds(facts)).collect();
            index.rows_with_any_span(&holds)
        }
    }
}

/// Whether a text `value` compares to the literal as `operator` asks: `~` contains (ignoring
/// case), `=`/`!=` exactly, `<`… as numbers when both are numbers, else as text.
pub fn text_holds(value: &str, operator: Operator, literal: &str, literal_lowercase: &str) -> bool {
    match operator {
        Operator::Contains => contains_ignoring_case(value, literal_lowercase),
        Operator::Equal => value == literal,
        Operator::NotEqual => value != literal,
        _ => operator.holds(compare_text(value, literal)),
    }
}

fn compare_text(value: &str, literal: &str) -> Ordering {
    match (value.trim().parse::<f64>(), literal.trim().parse::<f64>()) {
        (Ok(left), Ok(right)) => left.partial_cmp(&right).unwrap_or(Ordering::Equal),
        _ => value.cmp(literal),
    }
}

/// For each dictionary number, whether its string satisfies the comparison; `ABSENT` (index 0)
/// satisfies only `!=`.
fn dictionary_matches(dictionary: &Dictionary, operator: Operator, literal: &str) -> Vec<bool> {
    let lowercase = literal.to_lowercase();
    let mut matches = dictionary.matching(|value| text_holds(value, operator, literal, &lowercase));
    matches[ABSENT as usize] = operator == Operator::NotEqual;
    matches
}

fn string_column_matches(column: &StringColumn, rows: usize, operator: Operator, literal: &str) -> Vec<bool> {
    let matches = dictionary_matches(&column.dictionary, operator, literal);
    column.rows.map_each(rows, |number| matches[number as usize])
}

fn literal_text(value: &Literal) -> String {
    match value {
        Literal::Text(text) => text.clone(),
        Literal::Number(number) => number.to_string(),
    }
}

fn compare(index: &CorpusIndex, field: &Field, operator: Operator, value: &Literal) -> Vec<bool> {
    let rows = index.len();
    let text = literal_text(value);
    let numbers = |row_value: &dyn Fn(usize) -> f64| -> Vec<bool> {
        let literal = match (field, value) {
            (Field::Start, Literal::Text(text)) => parse_rfc3339_ns(text).map_or(f64::NAN, |ns| ns as f64 / 1e6),
            (_, Literal::Number(number)) => *number,
            _ => f64::NAN,
        };
        (0..rows)
            .map(|row| match row_value(row).partial_cmp(&literal) {
                Some(ordering) => operator.holds(ordering),
                None => operator == Operator::NotEqual,
            })
            .collect()
    };
    match field {
        Field::TraceId => {
            let lowercase = text.to_lowercase();
            (0..rows).map(|row| text_holds(&index.trace_id(row), operator, &text, &lowercase)).collect()
        }
        Field::Name => string_column_matches(&index.name, rows, operator, &text),
        Field::Intent => string_column_matches(&index.intent, rows, operator, &text),
        Field::Variant => string_column_matches(&index.variant, rows, operator, &text),
        Field::User => string_column_matches(&index.user, rows, operator, &text),
        Field::Session => string_column_matches(&index.session, rows, operator, &text),
        Field::Signature => string_column_matches(&index.signature, rows, operator, &text),
        Field::ErrorTemplate => string_column_matches(&index.error_template, rows, operator, &text),
        Field::Model | Field::Tool | Field::Label => {
            let column = match field {
                Field::Model => &index.models,
                Field::Tool => &index.tools,
                _ => &index.labels,
            };
            // `!=` is `not =`: no span has it.
            let positive = if operator == Operator::NotEqual { Operator::Equal } else { operator };
            let mut members = dictionary_matches(&column.members, positive, &text);
            members[ABSENT as usize] = false;
            let sets = column.sets.any_member(&members);
            let negated = operator == Operator::NotEqual;
            column.rows.map_each(rows, |set| sets[set as usize] != negated)
        }
        Field::Attribute(key) => match index.attribute_column(key) {
            Some(position) => string_column_matches(&index.attributes[position].column, rows, operator, &text),
            None => vec![operator == Operator::NotEqual; rows],
        },
        Field::Outcome(name) => {
            match index.outcomes.as_ref().and_then(|outcomes| Some((outcomes, outcomes.column(name)?))) {
                Some((outcomes, column)) => {
                    let matches = dictionary_matches(&column.text.dictionary, operator, &text);
                    outcomes.trace_values(index, column).into_iter().map(|number| matches[number as usize]).collect()
                }
                None => vec![operator == Operator::NotEqual; rows],
            }
        }
        Field::Status => {
            let wants_error = (text == "error") == (operator == Operator::Equal);
            index.error_count.map_each(rows, |errors| (errors > 0) == wants_error)
        }
        Field::Feedback => {
            let bit = feedback_bit(&text).unwrap_or(0);
            let wanted = operator == Operator::Equal;
            (0..rows).map(|row| (index.feedback_of(row) & bit != 0) == wanted).collect()
        }
        Field::Errors => numbers(&|row| f64::from(index.error_count.at(row))),
        Field::Spans => numbers(&|row| f64::from(index.span_count.at(row))),
        Field::DurationMs => numbers(&|row| index.duration_ns[row] as f64 / 1e6),
        Field::Cost => numbers(&|row| index.cost_usd[row]),
        Field::Tokens => numbers(&|row| index.tokens[row] as f64),
        Field::Documents => numbers(&|row| f64::from(index.documents.at(row))),
        Field::Start => numbers(&|row| index.start_ns[row] as f64 / 1e6),
        Field::Score(name) => match index.score_column(name) {
            Some(position) => numbers(&|row| index.score(position, row)),
            None => vec![operator == Operator::NotEqual; rows],
        },
    }
}

/// A span predicate with each comparison's answer per dictionary number worked out once.
enum CompiledSpanFilter {
    And(Box<CompiledSpanFilter>, Box<CompiledSpanFilter>),
    Or(Box<CompiledSpanFilter>, Box<CompiledSpanFilter>),
    Not(Box<CompiledSpanFilter>),
    /// The span's kind is one of these (by place in `SpanKind::ALL`).
    Kind([bool; 8]),
    Failed(bool),
    Name(Vec<bool>),
    /// The span's detail (a model call's model, a tool span's tool) matches, for spans of these kinds.
    Detail {
        kinds: [bool; 8],
        matches: Vec<bool>,
    },
}

impl CompiledSpanFilter {
    fn new(index: &CorpusIndex, filter: &SpanFilter) -> CompiledSpanFilter {
        let compile = |inner: &SpanFilter| Box::new(CompiledSpanFilter::new(index, inner));
        match filter {
            SpanFilter::And(left, right) => CompiledSpanFilter::And(compile(left), compile(right)),
            SpanFilter::Or(left, right) => CompiledSpanFilter::Or(compile(left), compile(right)),
            SpanFilter::Not(inner) => CompiledSpanFilter::Not(compile(inner)),
            SpanFilter::Compare { field, operator, value } => {
                let text = literal_text(value);
                let equal = *operator == Operator::Equal;
                match field {
                    SpanField::Kind => {
                        let mut kinds = [!equal; 8];
                        if let Some(position) = SpanKind::ALL.iter().position(|kind| kind.as_str() == text) {
                            kinds[position] = equal;
                        }
                        CompiledSpanFilter::Kind(kinds)
                    }
                    SpanField::Status => CompiledSpanFilter::Failed((text == "error") == equal),
                    SpanField::Name => {
                        let mut matches = dictionary_matches(&index.spans.names, *operator, &text);
                        matches[ABSENT as usize] = false;
                        CompiledSpanFilter::Name(matches)
                    }
                    SpanField::Model | SpanField::Tool => {
                        let mut kinds = [false; 8];
                        let wanted: &[SpanKind] = if *field == SpanField::Model {
                            &[SpanKind::Llm, SpanKind::Embedding]
                        } else {
                            &[SpanKind::Tool]
                        };
                        for (position, kind) in SpanKind::ALL.iter().enumerate() {
                            kinds[position] = wanted.contains(kind);
                        }
                        let positive = if *operator == Operator::NotEqual { Operator::Equal } else { *operator };
                        let mut matches = dictionary_matches(&index.spans.details, positive, &text);
                        matches[ABSENT as usize] = false;
                        let detail = CompiledSpanFilter::Detail { kinds, matches };
                        if *operator == Operator::NotEqual {
                            CompiledSpanFilter::Not(Box::new(detail))
                        } else {
                            detail
                        }
                    }
                }
            }
        }
    }

    fn holds(&self, facts: &SpanKindFacts) -> bool {
        let kind = usize::from(facts.kind_and_status & !FAILED).min(7);
        match self {
            CompiledSpanFilter::And(left, right) => left.holds(facts) && right.holds(facts),
            CompiledSpanFilter::Or(left, right) => left.holds(facts) || right.holds(facts),
            CompiledSpanFilter::Not(inner) => !inner.holds(facts),
            CompiledSpanFilter::Kind(kinds) => kinds[kind],
            CompiledSpanFilter::Failed(failed) => (facts.kind_and_status & FAILED != 0) == *failed,
            CompiledSpanFilter::Name(matches) => matches[facts.name as usize],
            CompiledSpanFilter::Detail { kinds, matches } => kinds[kind] && matches[facts.detail as usize],
        }
    }
}
