//! The worker module's allocator: small objects (a span's id, name, attribute key and value; a
//! million spans make several million of them) come from per-size free lists and a bump region
//! carved out of large blocks; everything else goes to the allocator underneath (Rust's wasm32
//! `System`, dlmalloc). In a profile of a million-span import, dlmalloc's `malloc` was the largest
//! single function. (The page's module keeps dlmalloc: there the same allocator decoded a little
//! faster but cost 2.5 KB of the page's download.)
//!
//! Small means at most [`SMALL_LIMIT`] bytes with an alignment of at most 8. Sizes are rounded up
//! to a multiple of 8 (one free list per multiple); a freed object goes onto its size's list and
//! is handed out again for that size, never returned to the allocator underneath (wasm memory
//! never shrinks anyway). No headers: Rust passes the layout to `dealloc`, which names the list.
//!
//! [`SmallObjects`] is `Sync` only where there are no threads (wasm32 without the atomics
//! feature): its state is unsynchronised.
#![no_std]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;

/// The largest object served from the free lists, in bytes. At 256, a span's attribute list and
/// the entry list of a span object in the importers' JSON document went to dlmalloc, the largest
/// allocation cost of a Zipkin or Datadog import; at 1 KB allocation takes ~35 % less of it.
pub const SMALL_LIMIT: usize = 1024;
/// Size classes are multiples of this, which is also the alignment every small object gets.
const GRANULE: usize = 8;
const CLASSES: usize = SMALL_LIMIT / GRANULE;
/// Bytes taken from the allocator underneath at a time for the bump region.
const BLOCK_BYTES: usize = 256 << 10;

/// The allocator: small objects here, the rest from `Inner`.
pub struct SmallObjects<Inner> {
    inner: Inner,
    state: UnsafeCell<State>,
}

struct State {
    /// Per class, the first freed object; each freed object holds the address of the next.
    free: [*mut u8; CLASSES],
    /// The unused part of the current block: `[bump, bump_end)`.
    bump: *mut u8,
    bump_end: *mut u8,
}

// SAFETY: without threads there is never a second caller; with them this does not compile.
#[cfg(not(target_feature = "atomics"))]
unsafe impl<Inner: Sync> Sync for SmallObjects<Inner> {}

impl<Inner> SmallObjects<Inner> {
    pub const fn new(inner: Inner) -> Self {
        SmallObjects {
            inner,
            state: UnsafeCell::new(State {
                free: [ptr::null_mut(); CLASSES],
                bump: ptr::null_mut(),
                bump_end: ptr::null_mut(),
            }),
        }
    }
}

/// The free list of a layout, or `None` when it is not small.
fn class_of(layout: Layout) -> Option<usize> {
    if layout.size() <= SMALL_LIMIT && layout.align() <= GRANULE {
        Some(layout.size().max(1).div_ceil(GRANULE) - 1)
    } else {
        None
    }
}

fn class_bytes(class: usize) -> usize {
    (class + 1) * GRANULE
}

impl<Inner: GlobalAlloc> SmallObjects<Inner> {
    /// An object of `class` from the bump region, taking a new block when it is used up (the
    /// rest of the old one goes onto the free lists, so nothing is lost). Kept out of line: the
    /// page's module is built for size, and `alloc` is inlined into every allocating entry point.
    #[inline(never)]
    unsafe fn bump(&self, state: &mut State, class: usize) -> *mut u8 {
        let bytes = class_bytes(class);
        if (state.bump_end as usize) - (state.bump as usize) < bytes {
            let block = self.inner.alloc(Layout::from_size_align_unchecked(BLOCK_BYTES, GRANULE));
            if block.is_null() {
                return ptr::null_mut();
            }
            self.release_rest(state);
            state.bump = block;
            state.bump_end = block.add(BLOCK_BYTES);
        }
        let object = state.bump;
        state.bump = object.add(bytes);
        object
    }

    /// Puts what is left of the bump region onto the free list of its size.
    unsafe fn release_rest(&self, state: &mut State) {
        let left = (state.bump_end as usize) - (state.bump as usize);
        if left >= GRANULE {
            push(state, left / GRANULE - 1, state.bump);
        }
    }
}

/// Puts a freed object of `class` on its list.
unsafe fn push(state: &mut State, class: usize, object: *mut u8) {
    (object as *mut *mut u8).write(state.free[class]);
    state.free[class] = object;
}

unsafe impl<Inner: GlobalAlloc> GlobalAlloc for SmallObjects<Inner> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else { return self.inner.alloc(layout) };
        let state = &mut *self.state.get();
        let object = state.free[class];
        if object.is_null() {
            return self.bump(state, class);
        }
        state.free[class] = (object as *mut *mut u8).read();
        object
    }

    unsafe fn dealloc(&self, object: *mut u8, layout: Layout) {
        match class_of(layout) {
            Some(class) => push(&mut *self.state.get(), class, object),
            None => self.inner.dealloc(object, layout),
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if class_of(layout).is_none() {
            // The allocator underneath knows when fresh memory is already zero.
            return self.inner.alloc_zeroed(layout);
        }
        let object = self.alloc(layout);
        if !object.is_null() {
            ptr::write_bytes(object, 0, layout.size());
        }
        object
    }

    unsafe fn realloc(&self, object: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        match (class_of(layout), class_of(new_layout)) {
            (Some(old), Some(new)) if old == new => object,
            (None, None) => self.inner.realloc(object, layout, new_size),
            _ => self.move_to(object, layout, new_layout),
        }
    }
}

impl<Inner: GlobalAlloc> SmallObjects<Inner> {
    /// `realloc` between a small object and a large one (or two small sizes): a new object, the
    /// contents copied, the old one freed.
    #[inline(never)]
    unsafe fn move_to(&self, object: *mut u8, layout: Layout, new_layout: Layout) -> *mut u8 {
        let moved = self.alloc(new_layout);
        if !moved.is_null() {
            ptr::copy_nonoverlapping(object, moved, layout.size().min(new_layout.size()));
            self.dealloc(object, layout);
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use core::sync::atomic::{AtomicUsize, Ordering};
    use std::alloc::System;
    use std::vec::Vec;

    /// The system allocator, counting the calls that reach it.
    #[derive(Default)]
    struct Counting {
        calls: AtomicUsize,
    }

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            self.calls.fetch_add(1, Ordering::Relaxed);
            System.alloc(layout)
        }
        unsafe fn dealloc(&self, object: *mut u8, layout: Layout) {
            System.dealloc(object, layout)
        }
    }

    fn layout(size: usize) -> Layout {
        Layout::from_size_align(size, 1).unwrap()
    }

    #[test]
    fn small_objects_are_distinct_aligned_and_come_from_few_blocks() {
        let allocator = SmallObjects::new(Counting::default());
        let mut objects = Vec::new();
        for round in 0..2_000 {
            for size in 1..=SMALL_LIMIT {
                let object = unsafe { allocator.alloc(layout(size)) };
                assert!(!object.is_null());
                assert_eq!(object as usize % GRANULE, 0, "size {size} is 8-aligned");
                unsafe { ptr::write_bytes(object, (round % 251) as u8, size) };
                objects.push((object, size, (round % 251) as u8));
            }
        }
        // Every object kept what was written into it: none overlaps another.
        for &(object, size, byte) in &objects {
            let written = unsafe { core::slice::from_raw_parts(object, size) };
            assert!(written.iter().all(|&b| b == byte));
        }
        let bytes: usize = (1..=SMALL_LIMIT).map(|size| size.div_ceil(GRANULE) * GRANULE).sum::<usize>() * 2_000;
        let calls = allocator.inner.calls.load(Ordering::Relaxed);
        assert!(calls <= bytes / BLOCK_BYTES + 2, "{calls} blocks for {bytes} bytes");
        for (object, size, _) in objects {
            unsafe { allocator.dealloc(object, layout(size)) };
        }
    }

    #[test]
    fn a_freed_object_is_reused_for_its_size_only() {
        let allocator = SmallObjects::new(System);
        unsafe {
            let first = allocator.alloc(layout(24));
            allocator.dealloc(first, layout(24));
            let other_size = allocator.alloc(layout(32));
            assert_ne!(other_size, first);
            // 17..=24 bytes share the list.
            assert_eq!(allocator.alloc(layout(17)), first);
        }
    }

    #[test]
    fn large_or_overaligned_objects_go_to_the_allocator_underneath() {
        let allocator = SmallObjects::new(Counting::default());
        unsafe {
            let large = allocator.alloc(layout(SMALL_LIMIT + 1));
            let aligned = allocator.alloc(Layout::from_size_align(16, 64).unwrap());
            assert_eq!(aligned as usize % 64, 0);
            assert_eq!(allocator.inner.calls.load(Ordering::Relaxed), 2);
            allocator.dealloc(large, layout(SMALL_LIMIT + 1));
            allocator.dealloc(aligned, Layout::from_size_align(16, 64).unwrap());
        }
    }

    #[test]
    fn realloc_keeps_the_contents_across_sizes_and_allocators() {
        let allocator = SmallObjects::new(System);
        unsafe {
            let mut object = allocator.alloc(layout(3));
            ptr::copy_nonoverlapping(b"abc".as_ptr(), object, 3);
            // Within the same class: the same object.
            assert_eq!(allocator.realloc(object, layout(3), 8), object);
            let mut size = 8;
            for new_size in [40, 256, 257, 4_000, 100, 5] {
                object = allocator.realloc(object, layout(size), new_size);
                assert_eq!(core::slice::from_raw_parts(object, 3), b"abc");
                size = new_size;
            }
            allocator.dealloc(object, layout(size));
        }
    }

    #[test]
    fn zeroed_objects_are_zero_even_when_reused() {
        let allocator = SmallObjects::new(System);
        unsafe {
            let object = allocator.alloc(layout(64));
            ptr::write_bytes(object, 0xff, 64);
            allocator.dealloc(object, layout(64));
            let zeroed = allocator.alloc_zeroed(layout(64));
            assert_eq!(zeroed, object);
            assert!(core::slice::from_raw_parts(zeroed, 64).iter().all(|&b| b == 0));
            allocator.dealloc(zeroed, layout(64));
        }
    }
}
