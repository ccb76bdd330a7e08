//! What a span means in AI terms, in one shape whatever the source: the model, messages in and
//! out (with tool calls), the tool run, retrieved documents, tokens and cost. Importers and the
//! semantic-convention mappers fill it; the raw attributes stay untouched beside it.

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

    /// The total as given, else input + output when both are known.
    pub fn total_or_sum(&self) -> Option<u64> {
        self.total.or_else(|| Some(self.input? + self.output?))
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
    pub input_messages: Vec<Message>,
    pub output_messages: Vec<Message>,
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
}
