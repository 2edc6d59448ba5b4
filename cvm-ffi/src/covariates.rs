//! Covariates through the C ABI: a covariates handle (`cvm_covariates`) built column by column
//! (numeric or categorical) or from a row-major matrix with column names, and the covariates of
//! each process of a fit or a prediction (`cvm_process_covariates`). The model handle is in
//! `covariate_model.rs`, its predictions per customer in `covariates_predict.rs`; the checks
//! and the categorical encoding are the core's (`cvm_core::models::covariates`).

use std::ffi::{c_char, CStr};

use cvm_core::models::covariates::{Column, Covariates, ProcessCovariates};
use cvm_core::Error;

use crate::selection::strings;
use crate::{
    cvm_status, ffi_guard, free_handle, into_handle, need_out, slice, str_arg, write_out, FfiError,
    FfiResult,
};

/// Per-customer covariates (opaque): one row per customer, in the order of the customer
/// columns they go with, and named numeric or categorical columns. Built by
/// [`cvm_covariates_new`] and the `cvm_covariates_add_*` functions (the handle changes while
/// columns are added: do not share it between threads then), or at once by
/// [`cvm_covariates_from_matrix`]. Free with [`cvm_covariates_free`]. Reading a handle from
/// several threads at once is safe.
#[derive(Debug, Clone)]
pub struct cvm_covariates {
    n_rows: usize,
    columns: Vec<Column>,
}

impl cvm_covariates {
    /// The core's covariates (the columns' checks and the categorical encoding are the core's).
    pub(crate) fn to_core(&self) -> FfiResult<Covariates> {
        Ok(Covariates::from_columns(self.columns.clone())?)
    }

    /// Adds `column` (of `len` rows) after checking its name (non-empty, new), its length and
    /// its values (the core's checks of one column); the handle is unchanged on error.
    fn push(&mut self, column: Column, len: usize) -> FfiResult<()> {
        let name = column.name();
        if name.is_empty() {
            return Err(Error::invalid("name", "empty column name").into());
        }
        if self.columns.iter().any(|c| c.name() == name) {
            return Err(Error::invalid("name", format!("column `{name}` repeated")).into());
        }
        if len != self.n_rows {
            let e = Error::LengthMismatch { field: name.into(), expected: self.n_rows, got: len };
            return Err(e.into());
        }
        Covariates::from_columns(vec![column.clone()])?;
        self.columns.push(column);
        Ok(())
    }
}

/// The live handle `covariates` for adding a column (NULL: `CVM_STATUS_NULL_POINTER`).
///
/// # Safety
/// `covariates` NULL or live, used by no other thread.
unsafe fn building<'a>(covariates: *mut cvm_covariates) -> FfiResult<&'a mut cvm_covariates> {
    // SAFETY: the caller guarantees a live handle used by no other thread.
    unsafe { covariates.as_mut() }.ok_or(FfiError::Null("covariates"))
}

/// The core's covariates of a handle that may be NULL (not given).
///
/// # Safety
/// `z` NULL or a live handle.
pub(crate) unsafe fn optional_covariates(
    z: *const cvm_covariates,
) -> FfiResult<Option<Covariates>> {
    unsafe { z.as_ref() }.map(cvm_covariates::to_core).transpose()
}

/// A new covariates handle for `n_rows` customers, without columns yet, into `*out` (free it
/// with [`cvm_covariates_free`]). `CVM_STATUS_EMPTY_INPUT` (field `n_rows`) for 0 rows.
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_new(
    n_rows: usize, out: *mut *mut cvm_covariates,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        if n_rows == 0 {
            return Err(Error::Empty { field: "n_rows".into() }.into());
        }
        let value = cvm_covariates { n_rows, columns: Vec::new() };
        unsafe { write_out(out, into_handle(value), "out") }
    })
}

/// Adds a numeric column `name` of `n_values` values, one per row (copied).
///
/// Errors: `CVM_STATUS_NULL_POINTER` (`covariates`, `name`, `values` with `n_values` > 0);
/// `CVM_STATUS_INVALID_VALUE` (field `name`) for an empty or repeated name, (field: the column
/// name, index: the row) for a value that is not finite; `CVM_STATUS_LENGTH_MISMATCH` (field:
/// the column name) when `n_values` differs from the handle's rows. On error the handle is
/// unchanged.
///
/// # Safety
/// `covariates` NULL or live, and used by no other thread; `name` NUL-terminated; `values`
/// holds `n_values` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_add_numeric(
    covariates: *mut cvm_covariates, name: *const c_char, values: *const f64, n_values: usize,
) -> cvm_status {
    ffi_guard!({
        let z = unsafe { building(covariates) }?;
        let name = unsafe { str_arg(name, "name") }?;
        let v = unsafe { slice(values, n_values, "values") }?;
        z.push(Column::numeric(name, v), v.len())
    })
}

/// Adds a categorical column `name` from one label per row (`labels[i]`, a NUL-terminated UTF-8
/// string, copied): in a fit it enters as one indicator per level other than its reference
/// level, coefficients `<process>_<name>[<level>]`, each the effect of that level relative to
/// the reference. `reference` names the reference level; NULL: the first level in sorted
/// (byte) order among those present in the fitted data. At prediction the model encodes the
/// column with the levels it was fitted on: an unseen level is an error naming the column, the
/// row and the level.
///
/// Errors as [`cvm_covariates_add_numeric`], plus `CVM_STATUS_INVALID_VALUE` (field: the column
/// name, index: the row) for a NULL (missing) or non-UTF-8 label, and (field: the column name)
/// for a `reference` that is not one of the labels.
///
/// ```c
/// const char *channel[3] = {"email", "web", "store"};
/// cvm_covariates_add_categorical(z, "channel", channel, 3, "email");
/// ```
///
/// # Safety
/// `covariates` NULL or live, and used by no other thread; `name` and `reference` (or NULL)
/// NUL-terminated; `labels` holds `n_labels` pointers.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_add_categorical(
    covariates: *mut cvm_covariates, name: *const c_char, labels: *const *const c_char,
    n_labels: usize, reference: *const c_char,
) -> cvm_status {
    ffi_guard!({
        let z = unsafe { building(covariates) }?;
        let name = unsafe { str_arg(name, "name") }?;
        let ptrs = unsafe { slice(labels, n_labels, "labels") }?;
        let mut text = Vec::with_capacity(ptrs.len());
        for (i, &p) in ptrs.iter().enumerate() {
            if p.is_null() {
                let reason = "missing value (NULL label: a categorical column needs a level in \
                              every row)";
                return Err(Error::invalid_at(name, i, reason).into());
            }
            // SAFETY: the caller guarantees NUL-terminated strings.
            let s = unsafe { CStr::from_ptr(p) }.to_str();
            text.push(s.map_err(|_| Error::invalid_at(name, i, "label is not valid UTF-8"))?);
        }
        let column = unsafe { with_reference(Column::categorical(name, &text), reference) }?;
        z.push(column, ptrs.len())
    })
}

/// Adds a categorical column `name` from integer codes (`codes[i]` indexes `levels`, as
/// pandas' categorical codes or an ERP's lookup table; copied); as
/// [`cvm_covariates_add_categorical`] otherwise. A negative code is a missing value:
/// `CVM_STATUS_INVALID_VALUE` naming the column and the row, as is a code beyond the levels;
/// a level listed twice names the column; a NULL or non-UTF-8 level is (field `levels`, index).
///
/// # Safety
/// As [`cvm_covariates_add_categorical`]; `codes` holds `n_codes` values, `levels` `n_levels`
/// NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_add_categorical_codes(
    covariates: *mut cvm_covariates, name: *const c_char, codes: *const i64, n_codes: usize,
    levels: *const *const c_char, n_levels: usize, reference: *const c_char,
) -> cvm_status {
    ffi_guard!({
        let z = unsafe { building(covariates) }?;
        let name = unsafe { str_arg(name, "name") }?;
        let codes = unsafe { slice(codes, n_codes, "codes") }?;
        let levels = unsafe { strings(levels, n_levels, "levels") }?;
        let column = Column::categorical_codes(name, codes, &levels);
        let column = unsafe { with_reference(column, reference) }?;
        z.push(column, codes.len())
    })
}

/// `column` with the reference level `reference` (NULL: the default).
///
/// # Safety
/// `reference` NULL or NUL-terminated.
unsafe fn with_reference(column: Column, reference: *const c_char) -> FfiResult<Column> {
    if reference.is_null() {
        return Ok(column);
    }
    Ok(column.with_reference(unsafe { str_arg(reference, "reference") }?))
}

/// A covariates handle from a row-major matrix (the issue's "row-major arrays with column
/// names"): `n_names` columns named by `names`, `n_values` = rows × `n_names` values, row `i`
/// holding customer `i`'s covariates, into `*out` (free it with [`cvm_covariates_free`]).
///
/// Errors: `CVM_STATUS_NULL_POINTER` (`values`, `names`, `out`); `CVM_STATUS_EMPTY_INPUT`
/// (`covariates`) without columns or rows; `CVM_STATUS_INVALID_VALUE` (field `names`, index)
/// for a NULL or non-UTF-8 name, (field `covariates`, index: the column) for an empty or
/// repeated name, (field: the column name, index: the row) for a value that is not finite;
/// `CVM_STATUS_LENGTH_MISMATCH` (`covariates`) when `n_values` is not a multiple of `n_names`.
///
/// ```c
/// const char *names[2] = {"age", "card"};
/// const double z[6] = {31, 0,   45, 1,   27, 1};   /* three customers */
/// cvm_covariates *h = NULL;
/// cvm_status s = cvm_covariates_from_matrix(z, 6, names, 2, &h);
/// ```
///
/// # Safety
/// `values` holds `n_values` values; `names` holds `n_names` NUL-terminated strings; `out`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_from_matrix(
    values: *const f64, n_values: usize, names: *const *const c_char, n_names: usize,
    out: *mut *mut cvm_covariates,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let v = unsafe { slice(values, n_values, "values") }?;
        let names = unsafe { strings(names, n_names, "names") }?;
        let z = Covariates::new(&names, v)?;
        let k = names.len();
        let columns = (0..k)
            .map(|j| {
                let col: Vec<f64> = v.iter().skip(j).step_by(k).copied().collect();
                Column::numeric(names[j], &col)
            })
            .collect();
        let value = cvm_covariates { n_rows: z.n_rows(), columns };
        unsafe { write_out(out, into_handle(value), "out") }
    })
}

/// Number of rows (customers) of the handle; 0 for NULL.
///
/// # Safety
/// `covariates` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_n_rows(covariates: *const cvm_covariates) -> usize {
    unsafe { covariates.as_ref() }.map_or(0, |z| z.n_rows)
}

/// Number of columns added so far (a categorical column counts once); 0 for NULL.
///
/// # Safety
/// `covariates` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_n_columns(covariates: *const cvm_covariates) -> usize {
    unsafe { covariates.as_ref() }.map_or(0, |z| z.columns.len())
}

/// Frees a covariates handle; NULL is a no-op. Models fitted with it do not need it.
///
/// # Safety
/// `covariates` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariates_free(covariates: *mut cvm_covariates) {
    unsafe { free_handle(covariates) }
}

/// The covariates of each process, one row per customer: any member may be NULL (that process
/// has no covariates). The same handle may serve several processes (the purchase and the
/// dropout process sharing columns). Write `{.transaction = z, .lifetime = z}` in C.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_process_covariates {
    /// Covariates of the purchase process (coefficients `trans_<column>`).
    pub transaction: *const cvm_covariates,
    /// Covariates of the dropout process (`life_<column>`).
    pub lifetime: *const cvm_covariates,
    /// Covariates of spend, for the Gamma-Gamma (`spend_<column>`).
    pub spend: *const cvm_covariates,
}

/// The core's process covariates behind `c` (NULL: none at all).
///
/// # Safety
/// `c` NULL or valid, its handles NULL or live.
pub(crate) unsafe fn process_covariates(
    c: *const cvm_process_covariates,
) -> FfiResult<ProcessCovariates> {
    let Some(c) = (unsafe { c.as_ref() }) else { return Ok(ProcessCovariates::default()) };
    Ok(ProcessCovariates {
        transaction: unsafe { optional_covariates(c.transaction) }?,
        lifetime: unsafe { optional_covariates(c.lifetime) }?,
        spend: unsafe { optional_covariates(c.spend) }?,
    })
}
