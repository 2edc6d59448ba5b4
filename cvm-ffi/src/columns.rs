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

/// A borrowed array of 64-bit integers (ids, timestamps): `data` holds `len` values; as
/// [`cvm_doubles`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_int64s {
    /// First value (borrowed for the call only).
    pub data: *const i64,
    /// Number of values.
    pub len: usize,
}

/// A borrowed array of NUL-terminated UTF-8 strings: `data` holds `len` pointers; as
/// [`cvm_doubles`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_strings {
    /// First string pointer (borrowed for the call only).
    pub data: *const *const std::ffi::c_char,
    /// Number of strings.
    pub len: usize,
}

impl cvm_int64s {
    /// The column `field` (NULL with `len` 0 is empty).
    ///
    /// # Safety
    /// `data` holds `len` values that outlive the slice.
    pub(crate) unsafe fn required<'a>(self, field: &'static str) -> FfiResult<&'a [i64]> {
        unsafe { slice(self.data, self.len, field) }
    }
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

/// The data of a transaction-model fit (`cvm_model_fit`; for `cvm_bg_bb_fit` `t` is the number
/// of opportunities `n`): three required columns of one length and optional `weights` (`data`
/// NULL: every row is one customer). Write `{.frequency = {f, n}, .recency = {r, n}, .t = {T, n}}`
/// in C (weights left out).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_fit_columns {
    /// Repeat purchases `x`.
    pub frequency: cvm_doubles,
    /// Age at the last purchase `t_x`.
    pub recency: cvm_doubles,
    /// Age at the end of observation `T` (BG/BB: opportunities `n`).
    pub t: cvm_doubles,
    /// Customers each row stands for, or NULL.
    pub weights: cvm_doubles,
}

/// The three columns and the weights behind `columns` (NULL: `CVM_STATUS_NULL_POINTER` naming
/// `columns`); `t_field` names the third column in errors.
///
/// # Safety
/// `columns` NULL or valid for reads; its arrays hold their stated lengths.
pub(crate) unsafe fn fit_columns<'a>(
    columns: *const cvm_fit_columns, t_field: &'static str,
) -> FfiResult<FitColumns<'a>> {
    let c = unsafe { crate::handle(columns, "columns") }?;
    Ok((
        unsafe { c.frequency.required("frequency") }?,
        unsafe { c.recency.required("recency") }?,
        unsafe { c.t.required(t_field) }?,
        unsafe { c.weights.optional() },
    ))
}

/// `(frequency, recency, t, weights)` borrowed from a [`cvm_fit_columns`].
pub(crate) type FitColumns<'a> = (&'a [f64], &'a [f64], &'a [f64], Option<&'a [f64]>);
