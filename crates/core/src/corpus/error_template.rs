//! A trace's error template: the first failed span's best error message (see
//! [`crate::view::error_message`]) with what differs from one occurrence to the next masked, so
//! "order A-1042 timed out after 2500 ms" and "order B-77 timed out after 3000 ms" are one
//! template (the `error_template` column, grouped by [`super::patterns`]).
//!
//! Of the message's first non-blank line: a quoted value (`"…"`, `'…'`, `` `…` ``, `“…”`, `‘…’`)
//! becomes `"…"`; a word (letters, digits, `_`, `-`, and `.` between two of them) of six or more
//! characters with a letter and at least two digits — a uuid, a hex id, `req_8f3a9c`, `A-1042` —
//! becomes `<id>`; in any other word each number (digits, a decimal point between them) becomes
//! `<n>`. Runs of white space become one space; the template is trimmed and cut at
//! [`MAX_TEMPLATE_CHARS`] (ending in `…`). A trace whose failed spans say nothing has the template
//! [`NO_MESSAGE`]; a trace where no span failed has none.

use crate::model::Trace;
use crate::view::error_message::best_error_message;

/// Characters of a template kept.
pub const MAX_TEMPLATE_CHARS: usize = 200;
/// The template of a trace whose failed spans give no message.
pub const NO_MESSAGE: &str = "(no error message)";

/// The template of the first failed span that says something; `None` when no span failed.
pub fn error_template(trace: &Trace) -> Option<String> {
    let mut failed = trace.spans.iter().filter(|span| span.status.is_error()).peekable();
    failed.peek()?;
    let template = failed
        .filter_map(best_error_message)
        .map(|message| template(&message.text))
        .find(|template| !template.is_empty());
    Some(template.unwrap_or_else(|| NO_MESSAGE.to_string()))
}

/// The masked form of a message (see the module's documentation).
pub fn template(message: &str) -> String {
    let line = message.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or_default();
    let characters: Vec<char> = line.chars().collect();
    let mut text = String::with_capacity(line.len());
    let mut at = 0;
    while at < characters.len() {
        let character = characters[at];
        if let Some(close) = closing_quote(&characters, at) {
            text.push_str("\"…\"");
            at = close + 1;
        } else if is_word_character(&characters, at) {
            let start = at;
            while at < characters.len() && is_word_character(&characters, at) {
                at += 1;
            }
            push_masked_word(&mut text, &characters[start..at]);
        } else {
            if !character.is_whitespace() {
                text.push(character);
            } else if !text.ends_with(' ') {
                text.push(' ');
            }
            at += 1;
        }
    }
    let text = text.trim();
    match text.char_indices().nth(MAX_TEMPLATE_CHARS) {
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
        None => text.to_string(),
    }
}

fn is_word_character(characters: &[char], at: usize) -> bool {
    let character = characters[at];
    if character.is_alphanumeric() || character == '_' || character == '-' {
        return true;
    }
    let alphanumeric = |position: Option<usize>| {
        position.and_then(|position| characters.get(position)).is_some_and(|next| next.is_alphanumeric())
    };
    character == '.' && alphanumeric(at.checked_sub(1)) && alphanumeric(Some(at + 1))
}

/// Where the quote opened at `at` closes, if `at` opens one.
fn closing_quote(characters: &[char], at: usize) -> Option<usize> {
    let close = match characters[at] {
        '"' => '"',
        '`' => '`',
        '“' => '”',
        '‘' => '’',
        '\'' => '\'',
        _ => return None,
    };
    // An apostrophe inside a word (don't, the user's) opens nothing.
    let apostrophe = characters[at] == '\'';
    if apostrophe && at > 0 && characters[at - 1].is_alphanumeric() {
        return None;
    }
    (at + 1..characters.len()).find(|&position| {
        characters[position] == close
            && !(apostrophe && characters.get(position + 1).is_some_and(|next| next.is_alphanumeric()))
    })
}

fn push_masked_word(text: &mut String, word: &[char]) {
    let digits = word.iter().filter(|character| character.is_ascii_digit()).count();
    let letters = word.iter().filter(|character| character.is_alphabetic()).count();
    if word.len() >= 6 && digits >= 2 && letters >= 1 {
        text.push_str("<id>");
        return;
    }
    let mut at = 0;
    while at < word.len() {
        if word[at].is_ascii_digit() {
            while at < word.len()
                && (word[at].is_ascii_digit()
                    || (word[at] == '.' && word.get(at + 1).is_some_and(|next| next.is_ascii_digit())))
            {
                at += 1;
            }
            text.push_str("<n>");
        } else {
            text.push(word[at]);
            at += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_ids_and_quoted_values_are_masked() {
        assert_eq!(template("OrderServiceTimeout after 2500 ms"), "OrderServiceTimeout after <n> ms");
        assert_eq!(
            template("order A-1042 not found (request 550e8400-e29b-41d4-a716-446655440000)"),
            "order <id> not found (request <id>)"
        );
        assert_eq!(template("timed out after 30.5s on try 3"), "timed out after <n>s on try <n>");
        assert_eq!(template(r#"unknown tool "web_search" in 'plan'"#), r#"unknown tool "…" in "…""#);
        assert_eq!(template("the user's  order   can't \t ship"), "the user's order can't ship");
        assert_eq!(template("  \n  KeyError: 'sku'\n  at line 12"), r#"KeyError: "…""#);
        assert_eq!(template("HTTP 503 from api.example.com"), "HTTP <n> from api.example.com");
    }

    #[test]
    fn messages_differing_only_in_numbers_and_ids_share_a_template() {
        let one = template("rate limited: retry in 20 s (req_8f3a9c2b, order A-1042)");
        let other = template("rate limited: retry in 7 s (req_00d1e4f7, order B-77311)");
        assert_eq!(one, other);
        assert_ne!(one, template("rate limited: quota exceeded"));
    }

    #[test]
    fn a_long_message_is_cut() {
        let long = "word ".repeat(100);
        let cut = template(&long);
        assert!(cut.chars().count() <= MAX_TEMPLATE_CHARS);
        assert!(cut.ends_with('…'));
    }
}
