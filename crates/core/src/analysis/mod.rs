//! Pure functions over the model that the views need: which rows are visible, where bars go,
//! how to write durations. No web types; tested natively.

pub mod compare;
mod digest;
mod rows;
mod search;
mod timeline;

pub use crate::model::{format_duration_ns, format_percent};
pub use digest::{digest, TraceDigest};
pub use rows::{kept_with_ancestors, visible_filtered_rows, visible_rows, CollapsedSet};
pub use search::{search_spans, Query};
pub use timeline::{interval_geometry, time_ticks, BarGeometry, TimeTick, TimeWindow};
