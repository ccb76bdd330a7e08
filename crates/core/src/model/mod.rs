//! The data model every importer produces and every view reads: plain Rust, no web types.
//!
//! A [`Trace`] holds its spans in one flat `Vec` in pre-order (parents before children, each
//! subtree contiguous), so the tree needs no pointers and any subtree is a slice.

mod ai;
pub(crate) mod attribute;
mod duration;
pub mod encoding;
mod feedback;
pub mod json_text;
mod list;
pub mod messages_json;
mod optional_index;
mod outline;
mod python_literal;
pub mod readable;
mod span;
mod time;
mod trace;
mod tree;
mod warning;

pub use ai::{AiDetails, Document, Message, Messages, PlainTextRole, TokenUsage, ToolCall, ToolRun};
pub use attribute::{Attribute, AttributeValue};
pub use duration::{count_of, format_count, format_duration_ns, format_percent};
pub use feedback::{Feedback, FeedbackKind};
pub use list::List;
pub use optional_index::OptionalIndex;
pub use outline::outline;
pub use span::{protocol_kind_name, Span, SpanEvent, SpanKind, SpanLink, SpanStatus};
pub use time::{format_rfc3339_ns, parse_rfc3339_ns};
pub use trace::{Resource, Scope, Trace, TraceSet};
pub use tree::{build_trace, build_trace_in_order, move_to_targets, RawSpan};
pub use warning::ImportWarning;
