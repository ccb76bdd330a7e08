//! What a span means in AI terms, in one shape whatever the source: the model, messages in and
//! out (with tool calls), the tool run, retrieved documents, tokens and cost. Importers and the
//! semantic-convention mappers fill it; the raw attributes stay untouched beside it.

use std::borrow::Cow;

use super::{Attribute, AttributeValue};

/// One chat message. `content` is the text (parts joined); non-text parts are described in it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Message {
    pub role: String,
    pub content: String,
    pub name: Option<String>,
    pub tool_calls: Vec<ToolCall>,
    /// For a tool-result message: the call it answers.
    pub tool_call_id: Option<String>,
}

/// A span's input or output messages: read at import, or still in the span attribute that holds
/// them as JSON text (`gen_ai.input.messages`...), read when someone looks. Most messages of a
/// large file are never opened, and reading them all at import took a fifth of its time; the
/// text is in the attribute anyway, so nothing is held twice.
///
/// Code that shows or exports messages reads them with [`Messages::read`] or works on
/// [`AiDetails::with_messages_read`]; [`Messages::as_read`] alone sees only those read at import.
#[derive(Clone, Debug, PartialEq)]
pub enum Messages {
    Read(Vec<Message>),
    /// In the span's attribute at this index, as text; text that is not JSON is one message
    /// with `plain_text_role`.
    InAttribute {
        attribute: u32,
        plain_text_role: PlainTextRole,
    },
}

/// The role a message list's plain (non-JSON) text is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainTextRole {
    User,
    Assistant,
}

impl PlainTextRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PlainTextRole::User => "user",
            PlainTextRole::Assistant => "assistant",
        }
    }
}

impl Default for Messages {
    fn default() -> Self {
        Messages::Read(Vec::new())
    }
}

impl From<Vec<Message>> for Messages {
    fn from(messages: Vec<Message>) -> Self {
        Messages::Read(messages)
    }
}

impl Messages {
    /// True only for no messages at all; messages still in their attribute count as some.
    pub fn is_empty(&self) -> bool {
        matches!(self, Messages::Read(messages) if messages.is_empty())
    }

    /// The messages, read from `attributes` (the span's own) if they are still there.
    pub fn read<'a>(&'a self, attributes: &[Attribute]) -> Cow<'a, [Message]> {
        match self {
            Messages::Read(messages) => Cow::Borrowed(messages),
            Messages::InAttribute { attribute, plain_text_role } => {
                match attributes.get(*attribute as usize).map(|attribute| &attribute.value) {
                    Some(AttributeValue::String(text)) => {
                        Cow::Owned(super::messages_json::parse_messages_text(text, plain_text_role.as_str()))
                    }
                    _ => Cow::Owned(Vec::new()),
                }
            }
        }
    }

    /// The messages read at import; empty while they are still in their attribute.
    pub fn as_read(&self) -> &[Message] {
        match self {
            Messages::Read(messages) => messages,
            Messages::InAttribute { .. } => &[],
        }
    }

    /// The text of the attribute that still holds the messages, if they are unread.
    pub fn unread_text<'a>(&self, attributes: &'a [Attribute]) -> Option<&'a str> {
        match self {
            Messages::Read(_) => None,
            Messages::InAttribute { attribute, .. } => attributes.get(*attribute as usize)?.value.as_str(),
        }
    }
}

/// A tool call requested by a model.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ToolCall {
    pub id: Option<String>,
    pub name: String,
    /// The arguments as the source wrote them (usually JSON text).
    pub arguments: String,
}

/// A tool the span ran.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ToolRun {
    pub name: Option<String>,
    pub call_id: Option<String>,
    pub arguments: Option<String>,
    pub result: Option<String>,
}

/// One retrieved document.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Document {
    pub id: Option<String>,
    pub content: Option<String>,
    pub score: Option<f64>,
    /// Metadata as JSON text.
    pub metadata: Option<String>,
}

/// Token counts; each is present only where the source gave it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TokenUsage {
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub total: Option<u64>,
    pub cached: Option<u64>,
    pub reasoning: Option<u64>,
}

impl TokenUsage {
    pub fn is_empty(&self) -> bool {
        *self == TokenUsage::default()
    }

    /// The total as given, else input + output when both are known (at most `u64::MAX`: a file
    /// may claim any count, and a sum must neither wrap nor panic).
    pub fn total_or_sum(&self) -> Option<u64> {
        self.total.or_else(|| Some(self.input?.saturating_add(self.output?)))
    }
}

/// The AI meaning of one span.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct AiDetails {
    pub model: Option<String>,
    /// The provider or system (`openai`, `anthropic`...).
    pub provider: Option<String>,
    /// Model parameters (temperature, max tokens...) as JSON text.
    pub parameters: Option<String>,
    pub input_messages: Messages,
    pub output_messages: Messages,
    pub tool: Option<ToolRun>,
    pub documents: Vec<Document>,
    pub tokens: TokenUsage,
    pub cost_usd: Option<f64>,
    /// A generic input/output (OpenInference `input.value`, Langfuse and LangSmith inputs/outputs).
    pub input: Option<String>,
    pub output: Option<String>,
}

impl AiDetails {
    pub fn is_empty(&self) -> bool {
        *self == AiDetails::default()
    }

    /// These details with their messages read (from `attributes`, the span's own, where they
    /// are still there): what views and exports work on.
    pub fn with_messages_read(&self, attributes: &[Attribute]) -> Cow<'_, AiDetails> {
        if matches!((&self.input_messages, &self.output_messages), (Messages::Read(_), Messages::Read(_))) {
            return Cow::Borrowed(self);
        }
        let mut details = self.clone();
        details.input_messages = Messages::Read(self.input_messages.read(attributes).into_owned());
        details.output_messages = Messages::Read(self.output_messages.read(attributes).into_owned());
        Cow::Owned(details)
    }
}
