//! Markdown's blocks, read a line at a time: leaf blocks (headings, code, tables, rules,
//! paragraphs) at each level, and containers (quotes, list items) whose lines, stripped of their
//! markers, are read again one level deeper, at most [`MAX_DEPTH`] levels (deeper markers are
//! text).

use super::{parse_inlines, Alignment, Block, MAX_DEPTH};

/// The leading spaces of a line (tabs are already spaces).
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// A line with at most three spaces of indentation, without them.
fn unindented(line: &str) -> Option<&str> {
    (indent(line) <= 3).then(|| line.trim_start_matches(' '))
}

/// An opening code fence: its character, length, indentation and info string.
fn fence_start(line: &str) -> Option<(u8, usize, usize, &str)> {
    let rest = unindented(line)?;
    let fence = *rest.as_bytes().first().filter(|c| **c == b'`' || **c == b'~')?;
    let length = rest.len() - rest.trim_start_matches(fence as char).len();
    let info = rest[length..].trim();
    (length >= 3 && !(fence == b'`' && info.contains('`'))).then_some((fence, length, indent(line), info))
}

fn closes_fence(line: &str, fence: u8, length: usize) -> bool {
    unindented(line).is_some_and(|rest| {
        let run = rest.len() - rest.trim_start_matches(fence as char).len();
        run >= length && rest[run..].trim().is_empty()
    })
}

/// An ATX heading: its level and text (without a closing run of `#`).
fn atx_heading(line: &str) -> Option<(u8, &str)> {
    let rest = unindented(line)?;
    let level = rest.len() - rest.trim_start_matches('#').len();
    let after = &rest[level..];
    if !(1..=6).contains(&level) || !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let text = after.trim();
    let without_closing = text.trim_end_matches('#');
    let text =
        if without_closing.is_empty() || without_closing.ends_with(' ') { without_closing.trim_end() } else { text };
    Some((level as u8, text))
}

/// Three or more `*`, `-` or `_` (the same one), spaces between allowed.
fn is_rule(line: &str) -> bool {
    let Some(rest) = unindented(line) else { return false };
    let Some(mark) = rest.chars().next().filter(|c| matches!(c, '*' | '-' | '_')) else { return false };
    rest.chars().all(|c| c == mark || c == ' ') && rest.chars().filter(|c| *c == mark).count() >= 3
}

/// A setext underline under a paragraph: `===` (level 1) or `---` (level 2).
fn setext_level(line: &str) -> Option<u8> {
    let rest = unindented(line)?.trim_end();
    let mark = rest.chars().next()?;
    (matches!(mark, '=' | '-') && rest.chars().all(|c| c == mark)).then_some(if mark == '=' { 1 } else { 2 })
}

/// A block quote line's text after its `>` (and one space).
fn quote_text(line: &str) -> Option<&str> {
    let rest = unindented(line)?.strip_prefix('>')?;
    Some(rest.strip_prefix(' ').unwrap_or(rest))
}

/// A list item's first line.
struct ListMarker<'a> {
    /// The number of an ordered item.
    number: Option<u64>,
    /// The bullet (`-`, `*`, `+`) or the ordered delimiter (`.`, `)`): items of one list share it.
    mark: u8,
    /// Where the item's text starts: its later lines are indented this much.
    content_indent: usize,
    content: &'a str,
}

fn list_marker(line: &str) -> Option<ListMarker<'_>> {
    let line_indent = indent(line);
    let rest = unindented(line)?;
    let bytes = rest.as_bytes();
    let (number, marker_length) = match bytes.first()? {
        b'-' | b'*' | b'+' => (None, 1),
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            (rest[..digits].parse().ok(), digits + 1)
        }
        _ => return None,
    };
    let after = &rest[marker_length..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let spaces = indent(after);
    let (content_indent, content) = if after.trim().is_empty() {
        (line_indent + marker_length + 1, "")
    } else if spaces > 4 {
        (line_indent + marker_length + 1, &after[1..])
    } else {
        (line_indent + marker_length + spaces, &after[spaces..])
    };
    Some(ListMarker { number, mark: bytes[marker_length - 1], content_indent, content })
}

/// A table's delimiter row (`| :--- | ---: |`): each column's alignment.
fn table_alignments(line: &str) -> Option<Vec<Alignment>> {
    let row = unindented(line)?.trim();
    if !row.contains('-') || !row.bytes().all(|c| matches!(c, b'|' | b':' | b'-' | b' ')) {
        return None;
    }
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    let mut alignments = Vec::new();
    for cell in row.split('|') {
        let cell = cell.trim();
        let dashes = cell.trim_start_matches(':').trim_end_matches(':');
        if dashes.is_empty() || !dashes.bytes().all(|c| c == b'-') {
            return None;
        }
        alignments.push(match (cell.starts_with(':'), cell.ends_with(':')) {
            (true, true) => Alignment::Center,
            (true, false) => Alignment::Left,
            (false, true) => Alignment::Right,
            (false, false) => Alignment::None,
        });
    }
    Some(alignments)
}

/// A table row's cells: split at each `|` not escaped, outer pipes dropped, `\|` kept as `|`.
fn table_cells(line: &str) -> Vec<String> {
    let row = line.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = if row.ends_with('|') && !row.ends_with("\\|") { &row[..row.len() - 1] } else { row };
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in row.chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            '|' => {
                let cell = cells.last_mut().expect("one cell at least");
                cell.pop();
                cell.push('|');
            }
            _ => cells.last_mut().expect("one cell at least").push(c),
        }
        escaped = c == '\\' && !escaped;
    }
    cells.iter().map(|cell| cell.trim().to_string()).collect()
}

/// Whether a line starts a block that ends a paragraph (so it cannot continue one lazily).
fn interrupts_paragraph(line: &str, depth: usize) -> bool {
    fence_start(line).is_some()
        || atx_heading(line).is_some()
        || is_rule(line)
        || (depth < MAX_DEPTH && quote_text(line).is_some())
        || (depth < MAX_DEPTH
            && list_marker(line)
                .is_some_and(|marker| !marker.content.is_empty() && marker.number.is_none_or(|n| n == 1)))
}

/// Whether the last line taken into a container is paragraph text a lazy line may continue.
fn continues_lazily(last: Option<&String>, line: &str, depth: usize) -> bool {
    last.is_some_and(|last| {
        !is_blank(last) && fence_start(last).is_none() && atx_heading(last).is_none() && !is_rule(last)
    }) && !is_blank(line)
        && !interrupts_paragraph(line, depth)
        && list_marker(line).is_none()
}

/// The blocks of `lines`, containers `depth` levels deep.
pub(super) fn parse_blocks(lines: &[String], depth: usize) -> Vec<Block> {
    let mut blocks = Vec::new();
    // The paragraph being read, its lines joined by newlines.
    let mut paragraph = String::new();
    let mut at = 0;
    while at < lines.len() {
        let line = lines[at].as_str();
        if is_blank(line) {
            flush(&mut paragraph, &mut blocks);
            at += 1;
            continue;
        }
        if !paragraph.is_empty() {
            if let Some(level) = setext_level(line) {
                blocks.push(Block::Heading(level, parse_inlines(&paragraph)));
                paragraph.clear();
                at += 1;
                continue;
            }
        } else if indent(line) >= 4 {
            at = indented_code(lines, at, &mut blocks);
            continue;
        }
        if let Some((fence, length, fence_indent, info)) = fence_start(line) {
            flush(&mut paragraph, &mut blocks);
            let mut text = String::new();
            at += 1;
            while at < lines.len() && !closes_fence(&lines[at], fence, length) {
                let code_line = &lines[at];
                text.push_str(&code_line[indent(code_line).min(fence_indent)..]);
                text.push('\n');
                at += 1;
            }
            // Past the closing fence; an unclosed fence runs to the end.
            at += 1;
            text.pop();
            let language = info.split_whitespace().next().map(String::from);
            blocks.push(Block::Code { language, text });
            continue;
        }
        if let Some((level, text)) = atx_heading(line) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Heading(level, parse_inlines(text)));
            at += 1;
            continue;
        }
        if is_rule(line) {
            flush(&mut paragraph, &mut blocks);
            blocks.push(Block::Rule);
            at += 1;
            continue;
        }
        if line.contains('|') {
            if let Some(end) = table(lines, at, &mut blocks, &mut paragraph, depth) {
                at = end;
                continue;
            }
        }
        if depth < MAX_DEPTH && quote_text(line).is_some() {
            flush(&mut paragraph, &mut blocks);
            at = quote(lines, at, &mut blocks, depth);
            continue;
        }
        if depth < MAX_DEPTH {
            if let Some(marker) = list_marker(line) {
                if paragraph.is_empty() || interrupts_paragraph(line, depth) {
                    flush(&mut paragraph, &mut blocks);
                    at = list(lines, at, marker.number, marker.mark, &mut blocks, depth);
                    continue;
                }
            }
        }
        if !paragraph.is_empty() {
            paragraph.push('\n');
        }
        paragraph.push_str(line.trim_start());
        at += 1;
    }
    flush(&mut paragraph, &mut blocks);
    blocks
}

/// Ends the paragraph being read, if any.
fn flush(paragraph: &mut String, blocks: &mut Vec<Block>) {
    if !paragraph.is_empty() {
        blocks.push(Block::Paragraph(parse_inlines(paragraph)));
        paragraph.clear();
    }
}

/// An indented code block from `start`; returns the line after it.
fn indented_code(lines: &[String], start: usize, blocks: &mut Vec<Block>) -> usize {
    let mut end = start;
    while end < lines.len() && (is_blank(&lines[end]) || indent(&lines[end]) >= 4) {
        end += 1;
    }
    let mut last = end;
    while is_blank(&lines[last - 1]) {
        last -= 1;
    }
    let mut text = String::new();
    for line in &lines[start..last] {
        text.push_str(line.get(4..).unwrap_or(""));
        text.push('\n');
    }
    // Without the newline after the last line.
    text.pop();
    blocks.push(Block::Code { language: None, text });
    end
}

/// A table whose head is the line at `start` (the paragraph before it ends there); returns the
/// line after it, or `None` when the next line is not a delimiter row of as many columns.
fn table(
    lines: &[String],
    start: usize,
    blocks: &mut Vec<Block>,
    paragraph: &mut String,
    depth: usize,
) -> Option<usize> {
    let head = table_cells(&lines[start]);
    let alignments = table_alignments(lines.get(start + 1)?)?;
    if alignments.len() != head.len() {
        return None;
    }
    flush(paragraph, blocks);
    let mut rows = Vec::new();
    let mut at = start + 2;
    while at < lines.len() && !is_blank(&lines[at]) && !interrupts_paragraph(&lines[at], depth) {
        let mut cells: Vec<_> = table_cells(&lines[at]).iter().map(|cell| parse_inlines(cell)).collect();
        cells.resize(head.len(), Vec::new());
        rows.push(cells);
        at += 1;
    }
    let head = head.iter().map(|cell| parse_inlines(cell)).collect();
    blocks.push(Block::Table { alignments, head, rows });
    Some(at)
}

/// A block quote from `start` (lazy continuation lines included); returns the line after it.
fn quote(lines: &[String], start: usize, blocks: &mut Vec<Block>, depth: usize) -> usize {
    let mut inner: Vec<String> = Vec::new();
    let mut at = start;
    while at < lines.len() {
        let line = &lines[at];
        if let Some(text) = quote_text(line) {
            inner.push(text.to_string());
        } else if continues_lazily(inner.last(), line, depth + 1) {
            inner.push(line.to_string());
        } else {
            break;
        }
        at += 1;
    }
    blocks.push(Block::Quote(parse_blocks(&inner, depth + 1)));
    at
}

/// A list from `start`: its items while they share the first's marker; returns the line after it.
fn list(lines: &[String], start: usize, number: Option<u64>, mark: u8, blocks: &mut Vec<Block>, depth: usize) -> usize {
    let mut items = Vec::new();
    let mut tight = true;
    let mut at = start;
    loop {
        let marker = list_marker(&lines[at]).expect("an item starts here");
        let mut item: Vec<String> = vec![marker.content.to_string()];
        let mut blanks = 0;
        at += 1;
        while at < lines.len() {
            let line = &lines[at];
            if is_blank(line) {
                blanks += 1;
            } else if indent(line) >= marker.content_indent {
                if blanks > 0 && item.iter().any(|line| !is_blank(line)) {
                    tight = false;
                }
                item.extend(std::iter::repeat_n(String::new(), blanks));
                item.push(line[marker.content_indent..].to_string());
                blanks = 0;
            } else if blanks == 0 && continues_lazily(item.last(), line, depth + 1) {
                item.push(line.trim_start().to_string());
            } else {
                break;
            }
            at += 1;
        }
        items.push(parse_blocks(&item, depth + 1));
        let next_item = lines
            .get(at)
            .and_then(|line| list_marker(line))
            .filter(|next| next.mark == mark && next.number.is_some() == number.is_some() && !is_rule(&lines[at]));
        if next_item.is_none() {
            break;
        }
        if blanks > 0 {
            tight = false;
        }
    }
    blocks.push(Block::List { start: number, tight, items });
    at
}
