//! The traces table's filter language, parsed into a [`Filter`]:
//!
//! ```text
//! intent = "refund" and (duration_ms > 5000 or status = error)
//! feedback = thumbs_down and not model ~ "mini"
//! any span (kind = tool and name = "search" and status = error)
//! score."helpfulness" < 0.5 or attr."app.version" = "2.1"
//! "where is my order"            (a lone string: name, intent, input or output contains it)
//! ```
//!
//! Comparisons `=` `!=` `<` `<=` `>` `>=` `~` (contains, ignoring case); `and` binds tighter than
//! `or`; `not`; parentheses. `model` and `tool` hold when any span has that model or tool, `label`
//! when the trace has that review category (`label ~ ""`: any label; `not label ~ ""`: none);
//! `any span (...)` holds when one span satisfies the whole predicate. A parse error says the
//! column and what was expected. Sort keys: `duration_ms desc, cost`.

mod lexer;
mod parser;

pub use parser::{parse_filter, parse_sort};

/// A parse error: the column (in characters, from 1) and what was wrong or expected there.
#[derive(Clone, Debug, PartialEq)]
pub struct QueryError {
    pub column: usize,
    pub message: String,
}

impl QueryError {
    pub fn new(column: usize, message: &str) -> QueryError {
        QueryError { column, message: message.to_string() }
    }
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "column {}: {}", self.column, self.message)
    }
}

/// A trace-level field.
#[derive(Clone, Debug, PartialEq)]
pub enum Field {
    TraceId,
    Name,
    Intent,
    Model,
    Variant,
    User,
    Session,
    Tool,
    /// The structural signature (see [`super::signature`]).
    Signature,
    /// The first failed span's masked error message (see [`super::error_template`]).
    ErrorTemplate,
    /// A review category given to the trace (any of its labels).
    Label,
    Status,
    Errors,
    Spans,
    DurationMs,
    Cost,
    Tokens,
    Documents,
    Feedback,
    /// Start time, in milliseconds since 1970 (an RFC 3339 string compares too).
    Start,
    Score(String),
    Attribute(String),
    /// A column of the joined product outcomes.
    Outcome(String),
}

/// What kind of values a field holds, which decides the operators and values it takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldType {
    Text,
    Number,
    Status,
    Feedback,
    Kind,
}

impl Field {
    /// The field named `name` (`score` and `attr` take a key after a dot, see the parser).
    pub fn named(name: &str) -> Option<Field> {
        Some(match name {
            "trace_id" | "id" => Field::TraceId,
            "name" => Field::Name,
            "intent" => Field::Intent,
            "model" => Field::Model,
            "variant" => Field::Variant,
            "user" => Field::User,
            "session" => Field::Session,
            "tool" => Field::Tool,
            "signature" => Field::Signature,
            "error_template" => Field::ErrorTemplate,
            "label" | "labels" => Field::Label,
            "status" => Field::Status,
            "errors" => Field::Errors,
            "spans" => Field::Spans,
            "duration_ms" | "duration" => Field::DurationMs,
            "cost" => Field::Cost,
            "tokens" => Field::Tokens,
            "documents" => Field::Documents,
            "feedback" => Field::Feedback,
            "start" => Field::Start,
            _ => return None,
        })
    }

    pub fn field_type(&self) -> FieldType {
        match self {
            Field::TraceId
            | Field::Name
            | Field::Intent
            | Field::Model
            | Field::Variant
            | Field::User
            | Field::Session
            | Field::Tool
            | Field::Signature
            | Field::ErrorTemplate
            | Field::Label
            | Field::Attribute(_)
            | Field::Outcome(_) => FieldType::Text,
            Field::Status => FieldType::Status,
            Field::Feedback => FieldType::Feedback,
            _ => FieldType::Number,
        }
    }

    /// The field as the language writes it.
    pub fn label(&self) -> String {
        match self {
            Field::TraceId => "trace_id".into(),
            Field::Name => "name".into(),
            Field::Intent => "intent".into(),
            Field::Model => "model".into(),
            Field::Variant => "variant".into(),
            Field::User => "user".into(),
            Field::Session => "session".into(),
            Field::Tool => "tool".into(),
            Field::Signature => "signature".into(),
            Field::ErrorTemplate => "error_template".into(),
            Field::Label => "label".into(),
            Field::Status => "status".into(),
            Field::Errors => "errors".into(),
            Field::Spans => "spans".into(),
            Field::DurationMs => "duration_ms".into(),
            Field::Cost => "cost".into(),
            Field::Tokens => "tokens".into(),
            Field::Documents => "documents".into(),
            Field::Feedback => "feedback".into(),
            Field::Start => "start".into(),
            Field::Score(name) => format!("score.{name:?}"),
            Field::Attribute(key) => format!("attr.{key:?}"),
            Field::Outcome(name) => format!("outcome.{name:?}"),
        }
    }
}

/// The field names the language knows, for error messages.
pub const FIELD_NAMES: &str = "trace_id, name, intent, model, variant, user, session, tool, signature, \
error_template, label, status, errors, spans, duration_ms, cost, tokens, documents, feedback, start, score.\"name\", attr.\"key\", outcome.\"column\"";

/// A field of one span, inside `any span (...)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SpanField {
    Kind,
    Name,
    Status,
    Model,
    Tool,
}

impl SpanField {
    pub fn named(name: &str) -> Option<SpanField> {
        Some(match name {
            "kind" => SpanField::Kind,
            "name" => SpanField::Name,
            "status" => SpanField::Status,
            "model" => SpanField::Model,
            "tool" => SpanField::Tool,
            _ => return None,
        })
    }

    pub fn field_type(self) -> FieldType {
        match self {
            SpanField::Kind => FieldType::Kind,
            SpanField::Status => FieldType::Status,
            _ => FieldType::Text,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Contains,
}

impl Operator {
    /// Whether `ordering` (the row's value against the literal) satisfies this comparison.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Operator::Equal => ordering == Equal,
            Operator::NotEqual => ordering != Equal,
            Operator::Less => ordering == Less,
            Operator::LessOrEqual => ordering != Greater,
            Operator::Greater => ordering == Greater,
            Operator::GreaterOrEqual => ordering != Less,
            Operator::Contains => false,
        }
    }
}

/// A value to compare with: text (quoted or a bare word) or a number.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Text(String),
    Number(f64),
}

/// A parsed filter over traces.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// The empty filter: every trace.
    Everything,
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare {
        field: Field,
        operator: Operator,
        value: Literal,
    },
    /// `any span (...)`: some span satisfies the predicate.
    AnySpan(SpanFilter),
    /// A lone string: the trace's name, intent, input or output contains it (ignoring case).
    Text(String),
}

impl Filter {
    /// The trace-level fields the filter compares, as the language writes them.
    pub fn fields(&self) -> Vec<String> {
        let mut fields = Vec::new();
        let mut pending = vec![self];
        while let Some(filter) = pending.pop() {
            match filter {
                Filter::And(left, right) | Filter::Or(left, right) => pending.extend([&**left, &**right]),
                Filter::Not(inner) => pending.push(inner),
                Filter::Compare { field, .. } => fields.push(field.label()),
                Filter::Everything | Filter::AnySpan(_) | Filter::Text(_) => {}
            }
        }
        fields
    }
}

/// A predicate over one span.
#[derive(Clone, Debug, PartialEq)]
pub enum SpanFilter {
    And(Box<SpanFilter>, Box<SpanFilter>),
    Or(Box<SpanFilter>, Box<SpanFilter>),
    Not(Box<SpanFilter>),
    Compare { field: SpanField, operator: Operator, value: Literal },
}

/// A sort key: a field and its direction.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    pub field: Field,
    pub descending: bool,
}

/// Whether `haystack` contains `needle`, ignoring case (`needle` already lowercase).
/// A text as a string literal of the filter language (`"…"`, backslashes and quotes escaped).
pub fn string_literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn contains_ignoring_case(haystack: &str, needle_lowercase: &str) -> bool {
    if haystack.is_ascii() && needle_lowercase.is_ascii() {
        let (haystack, needle) = (haystack.as_bytes(), needle_lowercase.as_bytes());
        return needle.is_empty() || haystack.windows(needle.len()).any(|window| window.eq_ignore_ascii_case(needle));
    }
    haystack.to_lowercase().contains(needle_lowercase)
}
