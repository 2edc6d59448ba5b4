//! The extension's allocator: its large buffers in transparent huge pages.
//!
//! A summary of 5,000,000 rows writes about 300 MB of fresh buffers (the sort's keys and scratch,
//! the per-customer output). The system allocator maps each buffer of more than 32 MiB anew and
//! returns it on free, so every call faults those pages in again; with 4 KiB pages that is some
//! 75,000 faults a call, each zeroing its page in the kernel. Linux gives a region 2 MiB pages
//! (one fault per 512 small ones) when asked with `madvise(MADV_HUGEPAGE)`, which numpy does for
//! its own arrays and the system allocator does not (unless the process sets
//! `GLIBC_TUNABLES=glibc.malloc.hugetlb=1`). Measured on 2 cores from Python, best of 5, three
//! interleaved runs with and without this allocator: a summary of 5,000,000 rows of text ids
//! 458–484 → 405–407 ms, of integer ids 139–182 → 118–146 ms (`docs/benchmarks.md`, ninth round).
//!
//! So buffers from [`HUGE_FROM`] bytes are mapped here, 2 MiB-aligned, and advised huge; smaller
//! ones (reused by the system allocator between calls) and every other platform go to
//! [`System`]. Only this extension's own (Rust) allocations are affected; the interpreter's and
//! numpy's are not. The pages are the kernel's to give: with `transparent_hugepage` set to
//! `never` the advice is ignored and the buffers are ordinary mappings.

use std::alloc::{GlobalAlloc, Layout, System};

/// Buffers of at least this many bytes are mapped with huge pages (the size from which the system
/// allocator maps every buffer anew: glibc's largest dynamic mmap threshold).
const HUGE_FROM: usize = 32 << 20;

/// A transparent huge page (x86-64 and aarch64 with 4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

/// The allocator of the extension (see the module documentation).
#[derive(Debug)]
pub struct Allocator;

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// Whether a layout's buffer is mapped here rather than by [`System`].
fn is_huge(layout: &Layout) -> bool {
    cfg!(target_os = "linux") && layout.size() >= HUGE_FROM && layout.align() <= HUGE_PAGE
}

// SAFETY: every buffer is freed by the branch that allocated it: `is_huge` of its layout, which
// `GlobalAlloc`'s callers pass unchanged to `dealloc` (and `realloc` gives the new layout's
// branch its new buffer). Mapped buffers are zeroed, aligned to `HUGE_PAGE` (at least the
// layout's alignment) and at least `layout.size()` long.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_huge(&layout) {
            return huge::map(layout.size());
        }
        // SAFETY: the caller's contract (a layout of non-zero size).
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_huge(&layout) {
            return huge::map(layout.size()); // a fresh mapping is zeroed
        }
        // SAFETY: the caller's contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_huge(&layout) {
            // SAFETY: `ptr` was mapped by `huge::map` (or moved by `huge::remap`) for this size.
            unsafe { huge::unmap(ptr, layout.size()) };
            return;
        }
        // SAFETY: `ptr` came from `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract: `new_size` rounded to the alignment does not overflow.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (is_huge(&layout), is_huge(&new)) {
            // SAFETY: `ptr` was mapped for `layout.size()` bytes.
            (true, true) => unsafe { huge::remap(ptr, layout.size(), new_size) },
            // SAFETY: `ptr` came from `System` with `layout`.
            (false, false) => unsafe { System.realloc(ptr, layout, new_size) },
            _ => {
                // SAFETY: a new buffer of the new layout; the old one's bytes that fit are copied
                // and it is freed by its own branch.
                unsafe {
                    let moved = self.alloc(new);
                    if !moved.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    moved
                }
            }
        }
    }
}

/// The mappings of huge buffers (Linux).
#[cfg(target_os = "linux")]
mod huge {
    use super::HUGE_PAGE;

    /// `len` rounded up to whole base pages (what the kernel maps and unmaps).
    fn pages(len: usize) -> usize {
        len.next_multiple_of(4096)
    }

    /// A zeroed mapping of `len` bytes aligned to [`HUGE_PAGE`] and advised huge; null when the
    /// kernel refuses (out of memory or mappings).
    pub(super) fn map(len: usize) -> *mut u8 {
        let len = pages(len);
        let Some(span) = len.checked_add(HUGE_PAGE) else { return std::ptr::null_mut() };
        // SAFETY: a new private anonymous mapping; no existing memory is touched.
        let raw = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                span,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if raw == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        let start = raw as usize;
        let aligned = start.next_multiple_of(HUGE_PAGE);
        // SAFETY: the head and tail trimmed are parts of the mapping just made, outside the
        // buffer returned; the advice only changes how its pages are backed.
        unsafe {
            if aligned > start {
                libc::munmap(raw, aligned - start);
            }
            let tail = start + span - (aligned + len);
            if tail > 0 {
                libc::munmap((aligned + len) as *mut libc::c_void, tail);
            }
            libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
        aligned as *mut u8
    }

    /// Unmaps a buffer of `len` bytes from [`map`] or [`remap`].
    ///
    /// # Safety
    /// `ptr` is such a buffer of `len` bytes, not used afterwards.
    pub(super) unsafe fn unmap(ptr: *mut u8, len: usize) {
        // SAFETY: the caller's contract.
        unsafe { libc::munmap(ptr.cast(), pages(len)) };
    }

    /// The buffer of `len` bytes at `ptr` grown or shrunk to `new_len` (moved by the kernel when
    /// it must be, keeping its advice); null when the kernel refuses (the buffer then stays).
    ///
    /// # Safety
    /// `ptr` is a buffer of `len` bytes from [`map`] or [`remap`].
    pub(super) unsafe fn remap(ptr: *mut u8, len: usize, new_len: usize) -> *mut u8 {
        // SAFETY: the caller's contract; the kernel moves the pages or leaves them as they were.
        let moved =
            unsafe { libc::mremap(ptr.cast(), pages(len), pages(new_len), libc::MREMAP_MAYMOVE) };
        if moved == libc::MAP_FAILED {
            return std::ptr::null_mut();
        }
        moved.cast()
    }
}

/// Other platforms map nothing: [`is_huge`] is false there, so these are never called.
#[cfg(not(target_os = "linux"))]
mod huge {
    pub(super) fn map(_len: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
    pub(super) unsafe fn unmap(_ptr: *mut u8, _len: usize) {}
    pub(super) unsafe fn remap(_ptr: *mut u8, _len: usize, _new_len: usize) -> *mut u8 {
        std::ptr::null_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Huge buffers are aligned, zeroed, hold what is written, survive growing and shrinking
    /// across the threshold with their bytes, and are freed; small ones go to the system.
    #[test]
    fn buffers_across_the_threshold_keep_their_bytes() {
        let mut v: Vec<u64> = Vec::with_capacity(1000);
        for len in [HUGE_FROM / 8 - 1, HUGE_FROM / 8, 3 * HUGE_FROM / 8 + 5, 10, 0] {
            v.resize(len, 0);
            for (i, x) in v.iter_mut().enumerate().step_by(4099) {
                *x = i as u64;
            }
            v.shrink_to_fit();
            assert!(v.iter().enumerate().step_by(4099).all(|(i, &x)| x == i as u64));
        }
        let zeroed = vec![0u8; HUGE_FROM + 1];
        assert_eq!(zeroed.as_ptr() as usize % HUGE_PAGE, 0);
        assert!(zeroed.iter().step_by(4096).all(|&b| b == 0));
        let mut grown: Vec<u8> = Vec::with_capacity(HUGE_FROM);
        grown.extend(std::iter::repeat_n(7u8, HUGE_FROM));
        grown.push(8); // realloc huge → huge
        assert_eq!((grown[0], grown[HUGE_FROM - 1], grown[HUGE_FROM]), (7, 7, 8));
    }
}
