//! The filter language's words: field names, operators, quoted strings, numbers, parentheses,
//! each with the column (in characters, from 1) where it starts, for error messages.

use super::QueryError;

#[derive(Clone, Debug, PartialEq)]
pub enum Token {
    /// A bare word: a field, a keyword (`and`, `or`, `not`, `any`, `span`) or a value (`error`).
    Word(String),
    /// Text in double quotes, with `\"` and `\\` read.
    Text(String),
    Number(f64),
    Operator(&'static str),
    Open,
    Close,
    Dot,
}

impl Token {
    /// How an error message names the token.
    pub fn describe(&self) -> String {
        match self {
            Token::Word(word) => format!("`{word}`"),
            Token::Text(text) => format!("\"{text}\""),
            Token::Number(number) => format!("`{number}`"),
            Token::Operator(operator) => format!("`{operator}`"),
            Token::Open => "`(`".to_string(),
            Token::Close => "`)`".to_string(),
            Token::Dot => "`.`".to_string(),
        }
    }
}

/// A token and the column where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Located {
    pub token: Token,
    pub column: usize,
}

const OPERATORS: [&str; 7] = ["!=", "<=", ">=", "=", "<", ">", "~"];

/// The filter's tokens, or where a word could not be read.
pub fn tokens(filter: &str) -> Result<Vec<Located>, QueryError> {
    let characters: Vec<char> = filter.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < characters.len() {
        let character = characters[at];
        let column = at + 1;
        if character.is_whitespace() {
            at += 1;
            continue;
        }
        let token = match character {
            '(' => {
                at += 1;
                Token::Open
            }
            ')' => {
                at += 1;
                Token::Close
            }
            '.' if !characters.get(at + 1).is_some_and(char::is_ascii_digit) => {
                at += 1;
                Token::Dot
            }
            '"' => {
                let mut text = String::new();
                at += 1;
                loop {
                    match characters.get(at) {
                        None => return Err(QueryError::new(column, "this text has no closing double quote")),
                        Some('"') => break,
                        Some('\\') if characters.get(at + 1).is_some() => {
                            text.push(characters[at + 1]);
                            at += 2;
                        }
                        Some(other) => {
                            text.push(*other);
                            at += 1;
                        }
                    }
                }
                at += 1;
                Token::Text(text)
            }
            _ => {
                let rest: String = characters[at..characters.len().min(at + 2)].iter().collect();
                if let Some(operator) = OPERATORS.iter().find(|operator| rest.starts_with(**operator)) {
                    at += operator.chars().count();
                    Token::Operator(operator)
                } else if character.is_ascii_digit() || character == '.' || character == '-' {
                    let start = at;
                    at += 1;
                    while characters.get(at).is_some_and(|next| {
                        next.is_ascii_alphanumeric()
                            || *next == '.'
                            || ((*next == '-' || *next == '+') && matches!(characters[at - 1], 'e' | 'E'))
                    }) {
                        at += 1;
                    }
                    let text: String = characters[start..at].iter().collect();
                    match text.parse::<f64>() {
                        Ok(number) if number.is_finite() => Token::Number(number),
                        _ => return Err(QueryError::new(column, &format!("`{text}` is not a number"))),
                    }
                } else if character.is_alphanumeric() || character == '_' {
                    let start = at;
                    while characters.get(at).is_some_and(|next| next.is_alphanumeric() || matches!(next, '_' | '-')) {
                        at += 1;
                    }
                    Token::Word(characters[start..at].iter().collect())
                } else {
                    return Err(QueryError::new(
                        column,
                        &format!("`{character}` is not part of the filter language (strings go in double quotes)"),
                    ));
                }
            }
        };
        tokens.push(Located { token, column });
    }
    Ok(tokens)
}
