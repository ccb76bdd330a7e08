//! Writes imported traces back out. Today: the project's own format, which can hold everything the
//! importers map (ids, tree, exact times, status, attributes, events, links, AI details, feedback),
//! so any supported file can be converted into it and read again into the same tree.

mod own_format;

pub use own_format::to_own_format;
