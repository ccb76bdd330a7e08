//! Grows the module's memory once, before an import, instead of a few hundred times during it.
//!
//! An import allocates several times its input's size (the document tree, the model, the tree
//! builder), and the allocator underneath took that from the browser 256 KB at a time. Each of
//! those `memory.grow` calls costs V8 far more than the memory itself: in a fresh worker, reading a
//! 44 MB OTLP file's document took 478 ms against 102 ms once the memory was there; with one
//! reservation made first (8 ms), 141 ms. So the import first allocates a block of about what it
//! will need and frees it: the allocator keeps the freed memory and hands it out again. Only a
//! worker that ends after its one import does this (the page's main thread and the corpus worker
//! outlive their imports and would keep the reservation): there, reserving more than is used
//! costs address space and, where the system commits grown pages at once, memory until the
//! worker ends a moment later.

/// Bytes reserved per byte of input (an import's peak is 2.8x its input for OTLP, 4.5-7x for the
/// formats read through a document tree, input included).
const RESERVED_PER_INPUT_BYTE: u64 = 4;

/// At most this much is reserved, leaving the rest of wasm32's 4 GiB for the import to grow into.
const MOST_RESERVED_BYTES: u64 = 1 << 30;

/// Reserves working memory for importing `input_bytes` bytes; when the browser refuses that
/// much, nothing is reserved and the import grows memory as it goes.
pub fn reserve_for_import(input_bytes: u64) {
    let wanted = input_bytes.saturating_mul(RESERVED_PER_INPUT_BYTE).min(MOST_RESERVED_BYTES);
    let mut block: Vec<u8> = Vec::new();
    if block.try_reserve_exact(wanted as usize).is_ok() {
        // Seen to be used, so the allocation and the free are not optimised away together.
        std::hint::black_box(&mut block);
    }
}
