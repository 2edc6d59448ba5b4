//! Column arguments gathered into structs: a `(pointer, length)` pair as one value, so that calls
//! with many columns take one struct of named members instead of long positional lists
//! ([`crate::lifetime2::cvm_clv`], [`crate::loyalty::cvm_loyalty_stages`]).

use crate::{opt_slice, slice, FfiResult};

/// A borrowed array of doubles: `data` holds `len` values (NULL with `len == 0` is empty; for
/// an optional column, NULL means "not given"). Write `{ptr, n}` in C.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_doubles {
    /// First value (borrowed for the call only).
    pub data: *const f64,
    /// Number of values.
    pub len: usize,
}

/// A borrowed array of bytes (0/1 flags or codes): `data` holds `len` values; as
/// [`cvm_doubles`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_bytes {
    /// First value (borrowed for the call only).
    pub data: *const u8,
    /// Number of values.
    pub len: usize,
}

impl cvm_doubles {
    /// The required column `field`.
    ///
    /// # Safety
    /// `data` holds `len` values that outlive the slice.
    pub(crate) unsafe fn required<'a>(self, field: &'static str) -> FfiResult<&'a [f64]> {
        unsafe { slice(self.data, self.len, field) }
    }

    /// An optional column: `None` when `data` is NULL.
    ///
    /// # Safety
    /// As [`cvm_doubles::required`].
    pub(crate) unsafe fn optional<'a>(self) -> Option<&'a [f64]> {
        unsafe { opt_slice(self.data, self.len) }
    }
}
