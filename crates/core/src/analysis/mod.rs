//! Pure functions over the model that the views need: which rows are visible, where bars go,
//! how to write durations. No web types; tested natively.

pub mod compare;
mod critical_path;
mod digest;
mod loop_folds;
mod loops;
mod rows;
mod search;
mod services;
mod timeline;
mod waterfall;

pub use crate::model::{format_duration_ns, format_percent};
pub use critical_path::{critical_path, kept_on_critical_path, CriticalPath, CriticalSegment, CriticalShare};
pub use digest::{digest, TraceDigest};
pub use loop_folds::{visible_rows_folding_loops, LoopFolds};
pub use loops::{
    find_loops, stuck_call, LoopRun, Loops, StuckCall, FOLD_BY_DEFAULT_FROM, MAX_PERIOD, MIN_REPEATS, STUCK_FROM,
};
pub use rows::{kept_with_ancestors, visible_filtered_rows, visible_rows, CollapsedSet};
pub use search::{search_spans, Query};
pub use services::{service_names, service_of};
pub use timeline::{interval_geometry, stripes_in_window, time_ticks, BarGeometry, TimeTick, TimeWindow};
pub use waterfall::{waterfall_bar, Beyond, LabelSide, WaterfallBar, MIN_BAR_PX};
