//! The model as bytes, for the trip from the import worker to the page: the worker encodes a file's
//! traces while it imports them ([`StreamingEncoder`]: each trace's spans as soon as they are
//! mapped, their place in the tree once it is built); the page [`Decoder`]s them a slice of spans
//! at a time between frames, while the worker is still building,
//! so a 100 MB file never blocks the page for long. A compact binary form, not JSON: decoding it is
//! a few times cheaper than importing, and nothing is re-parsed. Not a file format: both ends (the
//! worker's module and the page's) are built from the same source and ship together, so there is
//! no versioning beyond a magic prefix.

mod decode;
mod encode;
mod placement;
pub mod primitives;

pub use decode::{decode, Decoder};
pub use encode::{encode, encode_in_pieces, StreamingEncoder};
pub use primitives::TransferError;

/// Starts every buffer, so stray bytes are refused instead of misread.
const MAGIC: &[u8] = b"TVT1";
