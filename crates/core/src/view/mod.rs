//! The viewer's decisions that need no DOM, as plain functions the Leptos components call: which
//! screen shows (`screen`), what a key or a search step selects (`navigation`), which rows are
//! rendered for a scroll position (`row_window`), how kinds, costs and tokens are written
//! (`present`), what the dashboard's panels ask and draw (`panels`), the blocks of a markdown
//! message (`markdown`) and a span's retrieved documents in any shape (`documents`). Tested natively; the
//! components only bind signals to them and draw.

pub mod documents;
pub mod error_message;
pub mod loop_keys;
pub mod loop_text;
pub mod markdown;
pub mod navigation;
pub mod overview;
pub mod panels;
pub mod present;
pub mod row_window;
pub mod screen;
