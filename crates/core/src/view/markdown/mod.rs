//! Markdown as people write it in LLM messages, read into a small tree of blocks and inlines that
//! the UI builds DOM nodes from (never HTML): a CommonMark subset with GitHub's tables and
//! strikethrough. Blocks: ATX and setext headings, paragraphs, fenced and indented code, block
//! quotes, bullet and ordered lists (nested), tables, thematic breaks. Inlines: emphasis, strong,
//! strikethrough, code spans, links and autolinks, images, line breaks, backslash escapes and the
//! common character references. HTML is not markdown here: it stays text. Link reference
//! definitions are not read (they stay text).
//!
//! Hostile input is bounded: containers (quotes, list items) nest at most [`MAX_DEPTH`] levels and
//! inlines (emphasis, links) at most [`MAX_INLINE_DEPTH`]; deeper markers are shown as text, so
//! 10,000 nested quotes neither overflow a stack (here, in rendering, or in dropping the tree) nor
//! cost more than linear work per level.

mod blocks;
mod inlines;
#[cfg(test)]
mod tests;

pub use inlines::parse_inlines;

/// Container levels (quotes and list items) read at most; deeper markers stay text.
pub const MAX_DEPTH: usize = 12;

/// Inline levels (emphasis in emphasis, links) built at most; deeper markers are dropped, their
/// text kept.
pub const MAX_INLINE_DEPTH: usize = 12;

/// A block of a markdown text.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Level 1 to 6.
    Heading(u8, Vec<Inline>),
    Paragraph(Vec<Inline>),
    /// A fenced or indented code block: the info string's first word, and the text as written.
    Code {
        language: Option<String>,
        text: String,
    },
    Quote(Vec<Block>),
    /// `start` is the first number of an ordered list (`None`: a bullet list); a tight list has no
    /// blank lines between or inside its items.
    List {
        start: Option<u64>,
        tight: bool,
        items: Vec<Vec<Block>>,
    },
    /// Every row has as many cells as the head.
    Table {
        alignments: Vec<Alignment>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
}

/// A table column's alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alignment {
    None,
    Left,
    Center,
    Right,
}

/// A span of text inside a block.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    Text(String),
    Code(String),
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strikethrough(Vec<Inline>),
    /// A link's text and its target as written (the UI shows the target, it does not follow it).
    Link {
        content: Vec<Inline>,
        target: String,
    },
    /// An image's alternative text and source (shown as text, never loaded).
    Image {
        alt: String,
        target: String,
    },
    /// A line break: hard (two spaces or `\` at a line's end) or soft (a newline). Both break the
    /// line when shown: LLM answers use single newlines for lines that belong apart.
    LineBreak,
}

/// Reads a markdown text into its blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let lines: Vec<String> =
        text.split('\n').map(|line| expand_tabs(line.strip_suffix('\r').unwrap_or(line))).collect();
    blocks::parse_blocks(&lines, 0)
}

/// A line with its leading tabs turned into spaces (to the next multiple of four).
fn expand_tabs(line: &str) -> String {
    let indent_end = line.find(|c| c != ' ' && c != '\t').unwrap_or(line.len());
    if !line[..indent_end].contains('\t') {
        return line.to_string();
    }
    let mut expanded = String::with_capacity(line.len() + 8);
    for c in line[..indent_end].chars() {
        if c == '\t' {
            expanded.push_str(&"    "[expanded.len() % 4..]);
        } else {
            expanded.push(' ');
        }
    }
    expanded.push_str(&line[indent_end..]);
    expanded
}

/// Lines shown of a long text before "show all".
pub const FOLD_LINES: usize = 30;
/// Characters shown of a long text before "show all".
pub const FOLD_CHARS: usize = 3_000;

/// Where a long text is cut when it is shown folded, and how many lines it has in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    /// Byte offset of the end of the part shown folded (a character boundary).
    pub end: usize,
    pub lines: usize,
    pub chars: usize,
}

impl Fold {
    /// What "show all" shows: the lines when the fold cut lines, else the characters.
    pub fn show_all_label(&self, max_lines: usize) -> String {
        let (count, noun) = if self.lines > max_lines { (self.lines, "lines") } else { (self.chars, "characters") };
        format!("Show all ({} {noun})", crate::model::format_count(count as u64))
    }
}

/// The fold of a text longer than `max_lines` lines or `max_chars` characters: the first
/// `max_lines` lines, cut shorter (at a line's end when one is in the second half, else at a
/// character) to stay within `max_chars`. `None` for a text short enough to show whole.
pub fn fold(text: &str, max_lines: usize, max_chars: usize) -> Option<Fold> {
    let text_without_last_newline = text.strip_suffix('\n').unwrap_or(text);
    let lines = text_without_last_newline.split('\n').count();
    let char_limit = text.char_indices().nth(max_chars).map(|(offset, _)| offset);
    if lines <= max_lines && char_limit.is_none() {
        return None;
    }
    let lines_end = text.match_indices('\n').nth(max_lines.saturating_sub(1)).map_or(text.len(), |(offset, _)| offset);
    let end = match char_limit {
        Some(limit) if limit < lines_end => match text[..limit].rfind('\n') {
            Some(newline) if newline >= limit / 2 => newline,
            _ => limit,
        },
        _ => lines_end,
    };
    Some(Fold { end, lines, chars: text.chars().count() })
}

/// Whether blocks show as their text does: paragraphs of plain text only (no toggle to the raw
/// text is needed then).
pub fn is_plain(blocks: &[Block]) -> bool {
    blocks.iter().all(|block| match block {
        Block::Paragraph(inlines) => inlines.iter().all(|inline| matches!(inline, Inline::Text(_) | Inline::LineBreak)),
        _ => false,
    })
}

/// The plain text of inlines (an image's alternative text; no link targets).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut text = String::new();
    // Iterative: a stack of the inline lists still to read, innermost last.
    let mut stack: Vec<std::slice::Iter<Inline>> = vec![inlines.iter()];
    while let Some(top) = stack.last_mut() {
        let Some(inline) = top.next() else {
            stack.pop();
            continue;
        };
        match inline {
            Inline::Text(part) | Inline::Code(part) => text.push_str(part),
            Inline::Image { alt, .. } => text.push_str(alt),
            Inline::LineBreak => text.push('\n'),
            Inline::Emphasis(inner) | Inline::Strong(inner) | Inline::Strikethrough(inner) => stack.push(inner.iter()),
            Inline::Link { content, .. } => stack.push(content.iter()),
        }
    }
    text
}
