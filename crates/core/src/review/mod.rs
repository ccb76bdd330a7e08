//! Review: reading traces and naming what went wrong. A [`taxonomy`] of failure categories (with
//! hotkeys and colours), the [`labels`] a reviewer gives traces (with undo and merging of imported
//! files), their [`export`]s (labels as JSON Lines, eval datasets in the shapes of Langfuse,
//! LangSmith and Phoenix, counts as CSV), the [`agreement`] of two labellers (Cohen's kappa) and
//! the order of the review [`queue`]. Plain data and functions: the page keeps the state, saves it
//! and draws it.

pub mod agreement;
pub mod datasets;
pub mod export;
pub mod labels;
pub mod queue;
pub mod taxonomy;

pub use agreement::{agreement, CategoryAgreement};
pub use datasets::{dataset_jsonl, DatasetShape};
pub use export::{category_counts_csv, labels_jsonl, read_labels_jsonl, TraceFacts};
pub use labels::{Label, LabelConflict, LabelStore, MergeReport};
pub use queue::{order_queue, QueueItem, QueueOrder};
pub use taxonomy::{Category, Taxonomy};
