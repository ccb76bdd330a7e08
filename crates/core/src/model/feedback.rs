//! What the user did after the AI answered: thumbs, follow-ups, abandoning, converting, scores.

/// The kind of signal, in the vocabulary of the own format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedbackKind {
    ThumbsUp,
    ThumbsDown,
    FollowUp,
    Abandoned,
    Converted,
    /// A numeric or categorical score (an evaluation, a rating).
    Score,
    /// A signal type the viewer does not know, kept by its name.
    Other(String),
}

impl FeedbackKind {
    pub fn parse(name: &str) -> FeedbackKind {
        match name.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "thumbs_up" | "thumbsup" | "like" | "positive" => FeedbackKind::ThumbsUp,
            "thumbs_down" | "thumbsdown" | "dislike" | "negative" => FeedbackKind::ThumbsDown,
            "follow_up" | "followup" => FeedbackKind::FollowUp,
            "abandoned" | "abandon" => FeedbackKind::Abandoned,
            "converted" | "convert" | "conversion" => FeedbackKind::Converted,
            "score" | "rating" => FeedbackKind::Score,
            _ => FeedbackKind::Other(name.to_string()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            FeedbackKind::ThumbsUp => "thumbs up",
            FeedbackKind::ThumbsDown => "thumbs down",
            FeedbackKind::FollowUp => "follow-up",
            FeedbackKind::Abandoned => "abandoned",
            FeedbackKind::Converted => "converted",
            FeedbackKind::Score => "score",
            FeedbackKind::Other(name) => name,
        }
    }

    /// True for signals that say the answer did not serve the user.
    pub fn is_negative(&self) -> bool {
        matches!(self, FeedbackKind::ThumbsDown | FeedbackKind::Abandoned)
    }
}

/// One feedback signal attached to a trace (and optionally to one span of it).
#[derive(Clone, Debug, PartialEq)]
pub struct Feedback {
    pub kind: FeedbackKind,
    /// A score's name (`helpfulness`), when the source names it.
    pub name: Option<String>,
    pub value: Option<f64>,
    pub comment: Option<String>,
    /// The follow-up question, or what the user converted on.
    pub text: Option<String>,
    pub time_ns: Option<u64>,
    pub span_id: Option<String>,
}
