//! The texts a comparison shows word by word: the system prompt, the user messages, the tool
//! arguments and the output of each trace. Messages are read from the model calls (where they may
//! still be in their attribute, see `model::ai`); repeated messages (every call of a conversation
//! carries the ones before) are kept once. Each text stops growing at [`MOST_TEXT_BYTES`], and
//! says so.

use crate::model::{SpanKind, Trace};

use super::words::{word_diff, WordDiff};

/// Past this many bytes a text is cut (at a character boundary) and marked as cut.
pub const MOST_TEXT_BYTES: usize = 200_000;

/// One text of both traces and their word-level difference.
#[derive(Clone, Debug, PartialEq)]
pub struct TextComparison {
    pub label: &'static str,
    pub diff: WordDiff,
    /// Whether either side was cut at [`MOST_TEXT_BYTES`].
    pub cut: bool,
}

/// A text being gathered: distinct parts joined by blank lines, up to the limit.
#[derive(Default)]
struct Gathered {
    text: String,
    /// The distinct parts added, sorted.
    seen: Vec<String>,
    cut: bool,
}

impl Gathered {
    /// Adds `part` unless it was added before.
    fn add(&mut self, part: &str) {
        let part = part.trim();
        if part.is_empty() || self.cut {
            return;
        }
        // `seen` is kept sorted: a binary search says whether `part` is in it, and where it goes.
        if let Err(place) = self.seen.binary_search_by(|seen| seen.as_str().cmp(part)) {
            self.seen.insert(place, part.to_string());
            self.push(part);
        }
    }

    /// Adds `part`, repeated or not.
    fn push(&mut self, part: &str) {
        let part = part.trim();
        if part.is_empty() || self.cut {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        let room = MOST_TEXT_BYTES.saturating_sub(self.text.len());
        if part.len() > room {
            let mut end = room;
            while !part.is_char_boundary(end) {
                end -= 1;
            }
            self.text.push_str(&part[..end]);
            self.cut = true;
        } else {
            self.text.push_str(part);
        }
    }
}

/// The four texts of one trace.
#[derive(Default)]
struct TraceTexts {
    system: Gathered,
    user: Gathered,
    tool_arguments: Gathered,
    output: Gathered,
}

fn texts_of(trace: &Trace) -> TraceTexts {
    let mut texts = TraceTexts::default();
    let mut last_answer: Option<String> = None;
    for span in &trace.spans {
        let Some(details) = span.ai.as_deref() else { continue };
        match span.kind {
            SpanKind::Llm => {
                let details = details.with_messages_read(&span.attributes);
                for message in details.input_messages.as_read() {
                    match message.role.as_str() {
                        "system" | "developer" => texts.system.add(&message.content),
                        "user" | "human" => texts.user.add(&message.content),
                        _ => {}
                    }
                }
                if let Some(answer) =
                    details.output_messages.as_read().iter().rev().find(|message| !message.content.is_empty())
                {
                    last_answer = Some(answer.content.clone());
                }
            }
            SpanKind::Tool => {
                let tool = details.tool.as_ref();
                let arguments = tool.and_then(|tool| tool.arguments.as_deref()).or(details.input.as_deref());
                if let Some(arguments) = arguments {
                    let name = tool.and_then(|tool| tool.name.as_deref()).unwrap_or(&span.name);
                    // Every call counts, repeated or not.
                    texts.tool_arguments.push(&format!("{name}: {arguments}"));
                }
            }
            _ => {}
        }
    }
    if texts.user.text.is_empty() {
        if let Some(input) = &trace.user_input {
            texts.user.add(input);
        }
    }
    if let Some(output) = trace.final_output.as_ref().or(last_answer.as_ref()) {
        texts.output.add(output);
    }
    texts
}

/// The word-level differences of the texts either trace has, in a fixed order.
pub fn compare_texts(a: &Trace, b: &Trace) -> Vec<TextComparison> {
    let (a, b) = (texts_of(a), texts_of(b));
    [
        ("System prompt", &a.system, &b.system),
        ("User messages", &a.user, &b.user),
        ("Tool arguments", &a.tool_arguments, &b.tool_arguments),
        ("Output", &a.output, &b.output),
    ]
    .into_iter()
    .filter(|(_, a, b)| !a.text.is_empty() || !b.text.is_empty())
    .map(|(label, a, b)| TextComparison { label, diff: word_diff(&a.text, &b.text), cut: a.cut || b.cut })
    .collect()
}
