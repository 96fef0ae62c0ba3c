//! The content script's allocator: power-of-two size classes, one free list
//! each. It replaces dlmalloc in the content flavour only, because dlmalloc
//! is ~8 KB of wasm that wasm2js turns into ~4 KB gzip of JavaScript, a tenth
//! of the content-script budget (ARCHITECTURE.md "Sizes").
//!
//! Why this is enough there: the content script allocates short-lived
//! strings and small vectors (selectors, snapshots, messages); a freed block
//! is reused by the next request of its class, so a Gmail tab left open for
//! days holds at most what it held at its peak, rounded up to powers of two.
//! Wasm memory never shrinks anyway. The service worker keeps dlmalloc: it
//! parses whole messages, where a 2× rounding would cost megabytes.

// The crate denies unsafe code; a global allocator cannot be written
// without it, so this module alone is exempt, each block with its SAFETY.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

/// Smallest class: 2^4 = 16 bytes, room for the free-list link and any
/// alignment Rust asks for in practice.
const MIN_CLASS: usize = 4;
/// Classes up to 2^31 bytes; wasm32 memory ends at 4 GiB.
const CLASSES: usize = 32;
/// Blocks are carved aligned to their size up to one page (4 KiB), which
/// covers every alignment a content script requests; larger alignments are
/// refused (the allocation fails, it is never misaligned).
const MAX_ALIGN: usize = 4096;
const WASM_PAGE: usize = 65536;

/// The allocator: one free list per power-of-two class.
pub struct Classes {
    state: UnsafeCell<State>,
}

struct State {
    /// Head of each class's free list (0 = empty); a free block's first
    /// word holds the next block's address.
    free: [usize; CLASSES],
    /// Carving pointer into memory grown for us but not yet handed out.
    next: usize,
    end: usize,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature is single
// threaded; nothing else can observe the cell concurrently.
unsafe impl Sync for Classes {}

impl Classes {
    /// An allocator that has not taken any memory yet.
    pub const fn new() -> Self {
        Classes {
            state: UnsafeCell::new(State {
                free: [0; CLASSES],
                next: 0,
                end: 0,
            }),
        }
    }
}

impl Default for Classes {
    fn default() -> Self {
        Self::new()
    }
}

/// The class index for a layout, or None when it cannot be served.
fn class_of(layout: Layout) -> Option<usize> {
    if layout.align() > MAX_ALIGN {
        return None;
    }
    let need = layout.size().max(layout.align()).max(1 << MIN_CLASS);
    let class = need.checked_next_power_of_two()?.trailing_zeros() as usize;
    (class < CLASSES).then_some(class)
}

impl State {
    /// Takes `size` bytes aligned to `align` from the carving area, growing
    /// memory by whole pages when it runs out.
    fn carve(&mut self, size: usize, align: usize) -> *mut u8 {
        let mut start = (self.next + align - 1) & !(align - 1);
        if self.next == 0 || start.checked_add(size).is_none_or(|e| e > self.end) {
            let want = size + align;
            let pages = want.div_ceil(WASM_PAGE);
            let old = core::arch::wasm32::memory_grow(0, pages);
            if old == usize::MAX {
                return core::ptr::null_mut();
            }
            let base = old * WASM_PAGE;
            // Memory grows contiguously, so an unused tail joins the new pages.
            if self.end != base {
                self.next = base;
            }
            self.end = base + pages * WASM_PAGE;
            start = (self.next + align - 1) & !(align - 1);
        }
        self.next = start + size;
        start as *mut u8
    }
}

unsafe impl GlobalAlloc for Classes {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            return core::ptr::null_mut();
        };
        // SAFETY: single threaded (see `Sync` above) and not re-entered.
        let state = unsafe { &mut *self.state.get() };
        let head = state.free[class];
        if head != 0 {
            // SAFETY: `head` is a free block of this class we wrote a link into.
            state.free[class] = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        let size = 1usize << class;
        state.carve(size, size.min(MAX_ALIGN))
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            return;
        };
        // SAFETY: single threaded; `ptr` came from `alloc` with this layout,
        // so it is a block of `class`, at least one word long and aligned.
        let state = unsafe { &mut *self.state.get() };
        unsafe { *(ptr as *mut usize) = state.free[class] };
        state.free[class] = ptr as usize;
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `layout.align()` with `new_size` is valid.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        if class_of(layout).is_some() && class_of(layout) == class_of(new_layout) {
            return ptr; // still fits its block
        }
        // SAFETY: as for `GlobalAlloc::realloc`'s default.
        unsafe {
            let new = self.alloc(new_layout);
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
