//! Recursive descent over the tokens: `or` of `and`s of (`not`) comparisons, parenthesised
//! filters, `any span (...)` and lone strings. Every error names the column and what was expected.

use super::lexer::{tokens, Located, Token};
use super::{Field, FieldType, Filter, Literal, Operator, QueryError, SortKey, SpanField, SpanFilter, FIELD_NAMES};
use crate::model::SpanKind;

/// Parentheses and `not`s nested deeper than this are refused (the parser recurses).
const MAX_NESTING: usize = 64;

/// Parses a filter; empty (or only white space) is [`Filter::Everything`].
pub fn parse_filter(filter: &str) -> Result<Filter, QueryError> {
    let tokens = tokens(filter)?;
    if tokens.is_empty() {
        return Ok(Filter::Everything);
    }
    let mut parser = Parser { tokens, at: 0, end_column: filter.chars().count() + 1, depth: 0 };
    let parsed = parser.or()?;
    match parser.peek() {
        None => Ok(parsed),
        Some(located) => Err(QueryError::new(
            located.column,
            &format!("expected `and`, `or` or the end of the filter, found {}", located.token.describe()),
        )),
    }
}

/// Parses sort keys: `duration_ms desc, cost asc, name` (ascending unless `desc`).
pub fn parse_sort(sort: &str) -> Result<Vec<SortKey>, QueryError> {
    let mut keys = Vec::new();
    let mut column = 1;
    for part in sort.split(',') {
        let tokens = tokens(part).map_err(|error| QueryError::new(error.column + column - 1, &error.message))?;
        if tokens.is_empty() {
            column += part.chars().count() + 1;
            continue;
        }
        let mut parser = Parser { tokens, at: 0, end_column: part.chars().count() + 1, depth: 0 };
        let field = parser.field().map_err(|error| QueryError::new(error.column + column - 1, &error.message))?;
        let descending = match parser.next() {
            None => false,
            Some(Located { token: Token::Word(word), .. }) if word.eq_ignore_ascii_case("desc") => true,
            Some(Located { token: Token::Word(word), .. }) if word.eq_ignore_ascii_case("asc") => false,
            Some(located) => {
                return Err(QueryError::new(
                    located.column + column - 1,
                    &format!("expected `asc`, `desc` or `,`, found {}", located.token.describe()),
                ))
            }
        };
        if let Some(located) = parser.next() {
            return Err(QueryError::new(
                located.column + column - 1,
                &format!("expected `,` before {}", located.token.describe()),
            ));
        }
        keys.push(SortKey { field, descending });
        column += part.chars().count() + 1;
    }
    Ok(keys)
}

struct Parser {
    tokens: Vec<Located>,
    at: usize,
    /// The column just past the text, where "the end" is.
    end_column: usize,
    depth: usize,
}

fn is_keyword(token: &Token, keyword: &str) -> bool {
    matches!(token, Token::Word(word) if word.eq_ignore_ascii_case(keyword))
}

impl Parser {
    fn peek(&self) -> Option<&Located> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Located> {
        let located = self.tokens.get(self.at).cloned();
        self.at += 1;
        located
    }

    fn column(&self) -> usize {
        self.peek().map_or(self.end_column, |located| located.column)
    }

    /// An error at the next token: "expected X, found Y" (or "… at the end").
    fn expected(&self, what: &str) -> QueryError {
        match self.peek() {
            Some(located) => {
                QueryError::new(located.column, &format!("expected {what}, found {}", located.token.describe()))
            }
            None => QueryError::new(self.end_column, &format!("expected {what} at the end of the filter")),
        }
    }

    fn keyword(&mut self, keyword: &str) -> bool {
        if self.peek().is_some_and(|located| is_keyword(&located.token, keyword)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn deeper(&mut self) -> Result<(), QueryError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(QueryError::new(self.column(), &format!("nested more than {MAX_NESTING} levels deep")));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Filter, QueryError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, QueryError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, QueryError> {
        self.deeper()?;
        let parsed = if self.keyword("not") { Filter::Not(Box::new(self.unary()?)) } else { self.primary()? };
        self.depth -= 1;
        Ok(parsed)
    }

    fn primary(&mut self) -> Result<Filter, QueryError> {
        let Some(located) = self.peek().cloned() else {
            return Err(self.expected("a comparison such as `intent = \"refund\"`"));
        };
        match located.token {
            Token::Open => {
                self.at += 1;
                let inner = self.or()?;
                self.close()?;
                Ok(inner)
            }
            Token::Text(text) => {
                self.at += 1;
                Ok(Filter::Text(text))
            }
            Token::Word(word) if word.eq_ignore_ascii_case("any") => {
                self.at += 1;
                if !self.keyword("span") {
                    return Err(self.expected("`span` after `any`"));
                }
                if !matches!(self.next().map(|located| located.token), Some(Token::Open)) {
                    self.at -= 1;
                    return Err(self.expected("`(` after `any span`"));
                }
                let inner = self.span_or()?;
                self.close()?;
                Ok(Filter::AnySpan(inner))
            }
            _ => {
                let field = self.field()?;
                let (operator, operator_column) = self.operator()?;
                let value_column = self.column();
                let value = self.literal()?;
                let value =
                    check(field.field_type(), &field.label(), operator, (operator_column, value_column), value)?;
                Ok(Filter::Compare { field, operator, value })
            }
        }
    }

    fn close(&mut self) -> Result<(), QueryError> {
        match self.peek() {
            Some(Located { token: Token::Close, .. }) => {
                self.at += 1;
                Ok(())
            }
            _ => Err(self.expected("`)`")),
        }
    }

    /// A trace field: a name, or `score`/`attr` followed by `.` and a key (quoted or a word).
    fn field(&mut self) -> Result<Field, QueryError> {
        let Some(Located { token: Token::Word(word), column }) = self.peek().cloned() else {
            return Err(self.expected(&format!("a field ({FIELD_NAMES})")));
        };
        self.at += 1;
        let lower = word.to_ascii_lowercase();
        if lower == "score" || lower == "attr" || lower == "outcome" {
            if !matches!(self.next().map(|located| located.token), Some(Token::Dot)) {
                self.at -= 1;
                return Err(self.expected(&format!("`.` and a name after `{lower}` (such as {lower}.\"name\")")));
            }
            let key = match self.next().map(|located| located.token) {
                Some(Token::Text(key) | Token::Word(key)) => key,
                _ => {
                    self.at -= 1;
                    return Err(self.expected(&format!("a name in double quotes after `{lower}.`")));
                }
            };
            return Ok(match lower.as_str() {
                "score" => Field::Score(key),
                "outcome" => Field::Outcome(key),
                _ => Field::Attribute(key),
            });
        }
        Field::named(&lower)
            .ok_or_else(|| QueryError::new(column, &format!("unknown field `{word}`; fields are {FIELD_NAMES}")))
    }

    fn operator(&mut self) -> Result<(Operator, usize), QueryError> {
        let column = self.column();
        let operator = match self.peek().map(|located| &located.token) {
            Some(Token::Operator(operator)) => match *operator {
                "=" => Operator::Equal,
                "!=" => Operator::NotEqual,
                "<" => Operator::Less,
                "<=" => Operator::LessOrEqual,
                ">" => Operator::Greater,
                ">=" => Operator::GreaterOrEqual,
                _ => Operator::Contains,
            },
            _ => return Err(self.expected("an operator (=, !=, <, <=, >, >=, ~)")),
        };
        self.at += 1;
        Ok((operator, column))
    }

    fn literal(&mut self) -> Result<Literal, QueryError> {
        let literal = match self.peek().map(|located| &located.token) {
            Some(Token::Text(text) | Token::Word(text)) => Literal::Text(text.clone()),
            Some(Token::Number(number)) => Literal::Number(*number),
            _ => return Err(self.expected("a value (a string in double quotes, a number or a word)")),
        };
        self.at += 1;
        Ok(literal)
    }

    fn span_or(&mut self) -> Result<SpanFilter, QueryError> {
        let mut left = self.span_and()?;
        while self.keyword("or") {
            left = SpanFilter::Or(Box::new(left), Box::new(self.span_and()?));
        }
        Ok(left)
    }

    fn span_and(&mut self) -> Result<SpanFilter, QueryError> {
        let mut left = self.span_unary()?;
        while self.keyword("and") {
            left = SpanFilter::And(Box::new(left), Box::new(self.span_unary()?));
        }
        Ok(left)
    }

    fn span_unary(&mut self) -> Result<SpanFilter, QueryError> {
        self.deeper()?;
        let parsed = if self.keyword("not") {
            SpanFilter::Not(Box::new(self.span_unary()?))
        } else if matches!(self.peek().map(|located| &located.token), Some(Token::Open)) {
            self.at += 1;
            let inner = self.span_or()?;
            self.close()?;
            inner
        } else {
            let Some(Located { token: Token::Word(word), column }) = self.peek().cloned() else {
                return Err(self.expected("a span field (kind, name, status, model, tool)"));
            };
            self.at += 1;
            let field = SpanField::named(&word.to_ascii_lowercase()).ok_or_else(|| {
                QueryError::new(
                    column,
                    &format!("unknown span field `{word}`; span fields are kind, name, status, model, tool"),
                )
            })?;
            let (operator, operator_column) = self.operator()?;
            let value_column = self.column();
            let value = self.literal()?;
            let value = check(field.field_type(), &word, operator, (operator_column, value_column), value)?;
            SpanFilter::Compare { field, operator, value }
        };
        self.depth -= 1;
        Ok(parsed)
    }
}

/// Checks that a field of this type takes this operator and value (an error points at the one
/// that is wrong: `(operator column, value column)`); words that name a status, a signal or a
/// kind are normalised (`thumbs-down` → `thumbs_down`).
fn check(
    field_type: FieldType,
    field: &str,
    operator: Operator,
    (operator_column, value_column): (usize, usize),
    value: Literal,
) -> Result<Literal, QueryError> {
    let equality = matches!(operator, Operator::Equal | Operator::NotEqual);
    let fail_at = |column: usize, message: String| Err(QueryError::new(column, &message));
    let fail = |message: String| fail_at(value_column, message);
    match field_type {
        FieldType::Text => Ok(match value {
            Literal::Number(number) => Literal::Text(number.to_string()),
            text => text,
        }),
        FieldType::Number => match value {
            Literal::Number(_) => {
                if operator == Operator::Contains {
                    return fail_at(
                        operator_column,
                        format!("`~` compares text; {field} is a number (use =, !=, <, <=, >, >=)"),
                    );
                }
                Ok(value)
            }
            Literal::Text(text) if field == "start" => Ok(Literal::Text(text)),
            Literal::Text(text) => fail(format!("{field} is a number; \"{text}\" is not one")),
        },
        FieldType::Status | FieldType::Feedback | FieldType::Kind => {
            if !equality {
                return fail_at(operator_column, format!("{field} takes = or !="));
            }
            let word = match &value {
                Literal::Text(text) => text.trim().to_ascii_lowercase().replace(['-', ' '], "_"),
                Literal::Number(number) => number.to_string(),
            };
            let known: Vec<&str> = match field_type {
                FieldType::Status => vec!["ok", "error"],
                FieldType::Feedback => super::super::summary::FEEDBACK_SIGNALS.iter().map(|(name, _)| *name).collect(),
                _ => SpanKind::ALL.iter().map(|kind| kind.as_str()).collect(),
            };
            if known.contains(&word.as_str()) {
                Ok(Literal::Text(word))
            } else {
                fail(format!("{field} is one of {}", known.join(", ")))
            }
        }
    }
}
