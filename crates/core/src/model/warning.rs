//! A problem the importer repaired: the file still loads, and the warning says where and what.

/// One repaired problem. `span_id` names the span it concerns, when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportWarning {
    pub span_id: Option<String>,
    pub message: String,
}

impl ImportWarning {
    pub fn for_span(span_id: &str, message: impl Into<String>) -> Self {
        ImportWarning { span_id: Some(span_id.to_string()), message: message.into() }
    }

    pub fn general(message: impl Into<String>) -> Self {
        ImportWarning { span_id: None, message: message.into() }
    }
}

impl std::fmt::Display for ImportWarning {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.span_id {
            Some(span_id) => write!(formatter, "span {span_id}: {}", self.message),
            None => formatter.write_str(&self.message),
        }
    }
}
