//! Markdown's inlines in one left-to-right pass: code spans, escapes, character references, line
//! breaks, links, images and autolinks become tokens; runs of `*`, `_` and `~` are matched as
//! they close, by CommonMark's delimiter rules (flanking, the rule of three, a bottom per kind of
//! closer so unmatched runs cost no rescans); a link's text is a barrier no emphasis crosses.
//! The tokens then build the tree with an explicit stack, at most [`MAX_INLINE_DEPTH`] deep.

use super::{Inline, MAX_INLINE_DEPTH};

const EMPHASIS: u8 = 1;
const STRONG: u8 = 2;
const STRIKETHROUGH: u8 = 3;
const LINK: u8 = 4;

/// Bracket nesting in a link destination read at most.
const MAX_DESTINATION_PARENTHESES: usize = 32;

/// A run of `*`, `_` or `~`: what is left of it as text, and the emphasis it opens and closes.
struct Delimiter {
    mark: u8,
    /// Characters not yet used by a match.
    count: usize,
    original: usize,
    can_open: bool,
    can_close: bool,
    /// Emphasis opened here, outermost first.
    opens: Vec<u8>,
    /// Emphasis closed here, innermost first.
    closes: Vec<u8>,
}

enum Token {
    Text(String),
    Code(String),
    Break,
    Delimiter(Delimiter),
    LinkOpen,
    LinkClose(String),
    Autolink(String),
    Image { alt: String, target: String },
}

/// A link being read: where its text ends (`]`), where its destination ends, its target, and the
/// openers' bottoms from before it (restored when it closes).
struct OpenLink {
    close: usize,
    end: usize,
    target: String,
    bottoms: [usize; 18],
}

struct Reader<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    /// Text read and not yet a token.
    pending: String,
    /// Delimiters that may still open emphasis (token positions); `None` is a link's start.
    openers: Vec<Option<usize>>,
    /// Per kind of closer (mark, can open, length modulo 3): the openers' height below which no
    /// opener matches it.
    bottoms: [usize; 18],
    links: Vec<OpenLink>,
    /// Lengths of backtick runs with no run of the same length after them.
    unclosed_code: Vec<usize>,
    /// Each `[` with its matching `]`, by position of `[`.
    brackets: Vec<(usize, usize)>,
    /// Bytes link destinations may still scan: a text of many `[a](b` without spaces or a closing
    /// parenthesis would otherwise scan the rest of the text from each; past the budget, brackets
    /// are text.
    destination_budget: usize,
}

/// Reads the inlines of a paragraph's text (lines joined by `\n`).
pub fn parse_inlines(text: &str) -> Vec<Inline> {
    let mut reader = Reader {
        text,
        tokens: Vec::new(),
        pending: String::new(),
        openers: Vec::new(),
        bottoms: [0; 18],
        links: Vec::new(),
        unclosed_code: Vec::new(),
        brackets: bracket_pairs(text.as_bytes()),
        destination_budget: 4 * text.len() + 4_096,
    };
    reader.read();
    build(reader.tokens)
}

/// Each `[` (in order) with the `]` that closes it (`usize::MAX` for none; escaped brackets skipped).
fn bracket_pairs(bytes: &[u8]) -> Vec<(usize, usize)> {
    let (mut open, mut pairs) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 1,
            b'[' => {
                open.push(pairs.len());
                pairs.push((at, usize::MAX));
            }
            b']' => {
                if let Some(slot) = open.pop() {
                    pairs[slot].1 = at;
                }
            }
            _ => {}
        }
        at += 1;
    }
    pairs
}

/// ASCII punctuation, and the punctuation blocks of Unicode most text uses (general punctuation,
/// Latin-1's, CJK's, fullwidth forms): the flanking rules need no Unicode tables for the rest.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32, 0xA1..=0xBF | 0x2010..=0x205E | 0x3000..=0x303F | 0xFE30..=0xFE4F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20)
}

/// Text with its backslash escapes undone.
fn unescape(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(next) if c == '\\' && next.is_ascii_punctuation() => {}
            _ => plain.push(c),
        }
    }
    plain
}

impl Reader<'_> {
    fn read(&mut self) {
        let bytes = self.text.as_bytes();
        let (mut at, mut text_start) = (0, 0);
        while at < bytes.len() {
            if let Some(link) = self.links.last() {
                if at >= link.close {
                    let end = link.end;
                    self.pending.push_str(&self.text[text_start..at.min(link.close)]);
                    self.close_link();
                    at = at.max(end);
                    text_start = at;
                    continue;
                }
            }
            let limit = self.links.last().map_or(bytes.len(), |link| link.close);
            if !matches!(bytes[at], b'\\' | b'\n' | b'`' | b'*' | b'_' | b'~' | b'!' | b'[' | b'<' | b'&') {
                at += 1;
                continue;
            }
            self.pending.push_str(&self.text[text_start..at]);
            text_start = at;
            let next = match bytes[at] {
                b'\\' => self.escape(at),
                b'\n' => Some(self.line_break(at + 1)),
                b'`' => Some(self.code_span(at, limit)),
                b'*' | b'_' | b'~' => Some(self.delimiter_run(at)),
                b'!' => self.image(at, limit),
                b'[' => self.link_open(at, limit),
                b'<' => self.autolink(at, limit),
                _ => self.entity(at),
            };
            match next {
                Some(next) => {
                    at = next;
                    text_start = next;
                }
                None => at += 1,
            }
        }
        self.pending.push_str(&self.text[text_start..]);
        while !self.links.is_empty() {
            self.close_link();
        }
        let kept = self.pending.trim_end().len();
        self.pending.truncate(kept);
        self.flush();
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            self.tokens.push(Token::Text(std::mem::take(&mut self.pending)));
        }
    }

    fn escape(&mut self, at: usize) -> Option<usize> {
        match *self.text.as_bytes().get(at + 1)? {
            b'\n' => Some(self.line_break(at + 2)),
            next if next.is_ascii_punctuation() => {
                self.pending.push(next as char);
                Some(at + 2)
            }
            _ => None,
        }
    }

    /// A line break before `after`: trailing spaces before it and leading spaces after it dropped.
    fn line_break(&mut self, after: usize) -> usize {
        let kept = self.pending.trim_end_matches(' ').len();
        self.pending.truncate(kept);
        self.flush();
        self.tokens.push(Token::Break);
        let rest = &self.text[after..];
        after + (rest.len() - rest.trim_start_matches(' ').len())
    }

    fn run_length(&self, at: usize, c: u8) -> usize {
        self.text.as_bytes()[at..].iter().take_while(|byte| **byte == c).count()
    }

    /// A code span from the backtick run at `at`, or the run as text when no run of the same
    /// length closes it before `limit`.
    fn code_span(&mut self, at: usize, limit: usize) -> usize {
        let length = self.run_length(at, b'`');
        let bytes = self.text.as_bytes();
        let mut search = at + length;
        if !self.unclosed_code.contains(&length) {
            while let Some(found) = bytes[search.min(limit)..limit].iter().position(|c| *c == b'`') {
                let close = search + found;
                let run = self.run_length(close, b'`');
                if run == length && close + run <= limit {
                    let mut content = self.text[at + length..close].replace('\n', " ");
                    if content.len() > 2 && content.starts_with(' ') && content.ends_with(' ') && content.trim() != "" {
                        content = content[1..content.len() - 1].to_string();
                    }
                    self.flush();
                    self.tokens.push(Token::Code(content));
                    return close + run;
                }
                search = close + run;
            }
            if limit == bytes.len() {
                self.unclosed_code.push(length);
            }
        }
        self.pending.push_str(&self.text[at..at + length]);
        at + length
    }

    fn delimiter_run(&mut self, at: usize) -> usize {
        let mark = self.text.as_bytes()[at];
        let length = self.run_length(at, mark);
        if mark == b'~' && length > 2 {
            self.pending.push_str(&self.text[at..at + length]);
            return at + length;
        }
        let before = self.text[..at].chars().next_back();
        let after = self.text[at + length..].chars().next();
        let (space_before, space_after) =
            (before.is_none_or(char::is_whitespace), after.is_none_or(char::is_whitespace));
        let (punctuation_before, punctuation_after) =
            (before.is_some_and(is_punctuation), after.is_some_and(is_punctuation));
        let left = !space_after && (!punctuation_after || space_before || punctuation_before);
        let right = !space_before && (!punctuation_before || space_after || punctuation_after);
        let (can_open, can_close) = if mark == b'_' {
            (left && (!right || punctuation_before), right && (!left || punctuation_after))
        } else {
            (left, right)
        };
        self.flush();
        let position = self.tokens.len();
        self.tokens.push(Token::Delimiter(Delimiter {
            mark,
            count: length,
            original: length,
            can_open,
            can_close,
            opens: Vec::new(),
            closes: Vec::new(),
        }));
        if can_close {
            self.close_emphasis(position);
        }
        if can_open && self.delimiter(position).count > 0 {
            self.openers.push(Some(position));
        }
        at + length
    }

    fn delimiter(&mut self, position: usize) -> &mut Delimiter {
        match &mut self.tokens[position] {
            Token::Delimiter(delimiter) => delimiter,
            _ => unreachable!("openers are delimiters"),
        }
    }

    /// Matches the closer at `closer` with openers below it, as long as it has characters left.
    fn close_emphasis(&mut self, closer: usize) {
        loop {
            let (mark, count, original, can_open) = {
                let delimiter = self.delimiter(closer);
                (delimiter.mark, delimiter.count, delimiter.original, delimiter.can_open)
            };
            if count == 0 {
                return;
            }
            let kind = usize::from(mark == b'_') + 2 * usize::from(mark == b'~');
            let bottom_index = kind * 6 + usize::from(can_open) * 3 + original % 3;
            let bottom = self.bottoms[bottom_index];
            let mut found = None;
            let mut height = self.openers.len();
            while height > bottom {
                height -= 1;
                let Some(opener) = self.openers[height] else { break };
                let candidate = self.delimiter(opener);
                let three = (candidate.can_close || can_open)
                    && (candidate.original + original).is_multiple_of(3)
                    && !(candidate.original.is_multiple_of(3) && original.is_multiple_of(3));
                let fits = candidate.mark == mark && if mark == b'~' { candidate.count == count } else { !three };
                if fits {
                    found = Some((height, opener));
                    break;
                }
            }
            let Some((height, opener)) = found else {
                self.bottoms[bottom_index] = self.openers.len();
                return;
            };
            let opener_count = self.delimiter(opener).count;
            let used = if mark == b'~' || (opener_count >= 2 && count >= 2) { count.min(2) } else { 1 };
            let emphasis = match (mark, used) {
                (b'~', _) => STRIKETHROUGH,
                (_, 2) => STRONG,
                _ => EMPHASIS,
            };
            let opening = self.delimiter(opener);
            opening.count -= used;
            opening.opens.insert(0, emphasis);
            let opener_done = opening.count == 0;
            let closing = self.delimiter(closer);
            closing.count -= used;
            closing.closes.push(emphasis);
            // Openers between the two can no longer match anything.
            self.openers.truncate(height + 1);
            if opener_done {
                self.openers.pop();
            }
            let height = self.openers.len();
            for bottom in &mut self.bottoms {
                *bottom = (*bottom).min(height);
            }
        }
    }

    /// The `]` matching the `[` at `open`, if it is before `limit`.
    fn bracket_close(&self, open: usize, limit: usize) -> Option<usize> {
        let found = self.brackets.binary_search_by_key(&open, |pair| pair.0).ok()?;
        Some(self.brackets[found].1).filter(|close| *close < limit)
    }

    /// `[text](destination)`: its text is read as inlines; links do not nest.
    fn link_open(&mut self, at: usize, limit: usize) -> Option<usize> {
        if !self.links.is_empty() {
            return None;
        }
        let close = self.bracket_close(at, limit)?;
        let (target, end) = self.destination(close + 1)?;
        self.flush();
        self.tokens.push(Token::LinkOpen);
        self.openers.push(None);
        self.links.push(OpenLink { close, end, target, bottoms: self.bottoms });
        Some(at + 1)
    }

    fn close_link(&mut self) {
        let link = self.links.pop().expect("a link is open");
        self.flush();
        while let Some(Some(_)) = self.openers.pop() {}
        self.bottoms = link.bottoms;
        self.tokens.push(Token::LinkClose(link.target));
    }

    /// `![alt](destination)`: the alternative text as written, escapes undone.
    fn image(&mut self, at: usize, limit: usize) -> Option<usize> {
        let close = self.bracket_close(at + 1, limit)?;
        let (target, end) = self.destination(close + 1).filter(|(_, end)| *end <= limit)?;
        self.flush();
        let alt = unescape(&self.text[at + 2..close]);
        self.tokens.push(Token::Image { alt, target });
        Some(end)
    }

    /// A link destination `(target "title")` starting at `at`: the target and the byte after `)`.
    /// The bytes it reads are taken from the budget; with none left there are no more links.
    fn destination(&mut self, at: usize) -> Option<(String, usize)> {
        let bytes = self.text.as_bytes();
        if bytes.get(at) != Some(&b'(') || self.destination_budget == 0 {
            return None;
        }
        // Read within the budget only: a destination running past it is not one.
        let bytes = &bytes[..bytes.len().min(at + self.destination_budget)];
        let mut furthest = at;
        let found = read_destination(self.text, bytes, at, &mut furthest);
        self.destination_budget = self.destination_budget.saturating_sub(furthest + 1 - at);
        found
    }

    /// `<scheme:...>`: shown as its address.
    fn autolink(&mut self, at: usize, limit: usize) -> Option<usize> {
        let rest = &self.text[at + 1..limit];
        let end = rest.find(|c: char| c == '>' || c == '<' || c.is_whitespace() || c.is_control())?;
        let address = &rest[..end];
        let scheme = &address[..address.find(':')?];
        let scheme_ok = (2..=32).contains(&scheme.len())
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
        if !scheme_ok || !rest[end..].starts_with('>') {
            return None;
        }
        self.flush();
        self.tokens.push(Token::Autolink(address.to_string()));
        Some(at + 1 + end + 1)
    }

    /// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` and numeric references.
    fn entity(&mut self, at: usize) -> Option<usize> {
        let rest = &self.text[at + 1..];
        let end = rest.get(..rest.len().min(10))?.find(';')?;
        let name = &rest[..end];
        let decoded = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            _ => {
                let number = name.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) if (1..=6).contains(&hex.len()) => u32::from_str_radix(hex, 16).ok()?,
                    None if (1..=7).contains(&number.len()) && number.bytes().all(|c| c.is_ascii_digit()) => {
                        number.parse().ok()?
                    }
                    _ => return None,
                };
                char::from_u32(code).filter(|c| *c != '\0').unwrap_or('\u{fffd}')
            }
        };
        self.pending.push(decoded);
        Some(at + 1 + end + 1)
    }
}

/// Appends text, joined to the text before it.
fn push_text(children: &mut Vec<Inline>, text: &str) {
    if text.is_empty() {
        return;
    }
    match children.last_mut() {
        Some(Inline::Text(before)) => before.push_str(text),
        _ => children.push(Inline::Text(text.to_string())),
    }
}

/// The tree of the tokens: an explicit stack of open emphasis and links, at most
/// [`MAX_INLINE_DEPTH`] deep (markers deeper are dropped, their text kept).
fn build(tokens: Vec<Token>) -> Vec<Inline> {
    let mut frames: Vec<(u8, Vec<Inline>)> = vec![(0, Vec::new())];
    // For each marker open: whether it has a frame.
    let mut open: Vec<bool> = Vec::new();
    let open_frame = |frames: &mut Vec<(u8, Vec<Inline>)>, open: &mut Vec<bool>, kind: u8| {
        let kept = frames.len() <= MAX_INLINE_DEPTH;
        if kept {
            frames.push((kind, Vec::new()));
        }
        open.push(kept);
    };
    let close_frame = |frames: &mut Vec<(u8, Vec<Inline>)>, open: &mut Vec<bool>, target: Option<String>| {
        if open.pop() == Some(true) {
            let (kind, children) = frames.pop().expect("an open frame");
            let inline = match kind {
                EMPHASIS => Inline::Emphasis(children),
                STRONG => Inline::Strong(children),
                STRIKETHROUGH => Inline::Strikethrough(children),
                _ => Inline::Link { content: children, target: target.unwrap_or_default() },
            };
            frames.last_mut().expect("the root frame").1.push(inline);
        }
    };
    for token in tokens {
        let children = &mut frames.last_mut().expect("the root frame").1;
        match token {
            Token::Text(text) => push_text(children, &text),
            Token::Code(code) => children.push(Inline::Code(code)),
            Token::Break => children.push(Inline::LineBreak),
            Token::Image { alt, target } => children.push(Inline::Image { alt, target }),
            Token::Autolink(address) => {
                children.push(Inline::Link { content: vec![Inline::Text(address.clone())], target: address })
            }
            Token::LinkOpen => open_frame(&mut frames, &mut open, LINK),
            Token::LinkClose(target) => close_frame(&mut frames, &mut open, Some(target)),
            Token::Delimiter(delimiter) => {
                for _ in &delimiter.closes {
                    close_frame(&mut frames, &mut open, None);
                }
                let text = (delimiter.mark as char).to_string().repeat(delimiter.count);
                push_text(&mut frames.last_mut().expect("the root frame").1, &text);
                for kind in delimiter.opens {
                    open_frame(&mut frames, &mut open, kind);
                }
            }
        }
    }
    while !open.is_empty() {
        close_frame(&mut frames, &mut open, None);
    }
    frames.pop().expect("the root frame").1
}

/// Reads a link destination in `bytes` (a prefix of `text`'s bytes) from the `(` at `at`;
/// `furthest` is set to the last byte looked at.
fn read_destination(text: &str, bytes: &[u8], at: usize, furthest: &mut usize) -> Option<(String, usize)> {
    let skip_spaces = |mut at: usize| {
        while bytes.get(at).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\n')) {
            at += 1;
        }
        at
    };
    let mut at = skip_spaces(at + 1);
    *furthest = at;
    let target = if bytes.get(at) == Some(&b'<') {
        let length = bytes[at + 1..].iter().position(|c| matches!(c, b'>' | b'<' | b'\n'));
        *furthest = length.map_or(bytes.len(), |length| at + 1 + length);
        let length = length?;
        if bytes[at + 1 + length] != b'>' {
            return None;
        }
        let target = unescape(&text[at + 1..at + 1 + length]);
        at += length + 2;
        target
    } else {
        let start = at;
        let mut depth = 0;
        while let Some(&c) = bytes.get(at) {
            match c {
                b'\\' if bytes.get(at + 1).is_some_and(u8::is_ascii_punctuation) => at += 1,
                b'(' if depth == MAX_DESTINATION_PARENTHESES => break,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                c if c.is_ascii_whitespace() || c.is_ascii_control() => break,
                _ => {}
            }
            at += 1;
        }
        *furthest = at;
        // Unbalanced, or no `)` before the end (of the text or of the budget, which may end
        // inside a character): not a destination.
        if depth > 0 || at == bytes.len() {
            return None;
        }
        unescape(&text[start..at])
    };
    let after_target = skip_spaces(at);
    if let Some(quote) = bytes.get(after_target).filter(|c| matches!(c, b'"' | b'\'' | b'(')) {
        let closing = if *quote == b'(' { b')' } else { *quote };
        if after_target == at {
            return None;
        }
        let mut title_end = after_target + 1;
        while bytes.get(title_end).is_some_and(|c| *c != closing) {
            title_end += if bytes[title_end] == b'\\' { 2 } else { 1 };
        }
        *furthest = title_end.min(bytes.len());
        at = title_end.checked_add(1).filter(|end| *end <= bytes.len())?;
    }
    let at = skip_spaces(at);
    *furthest = (*furthest).max(at.min(bytes.len()));
    (bytes.get(at) == Some(&b')')).then(|| (target, at + 1))
}
