//! C ABI of value over time: value-matrix cell migration between two snapshots and each
//! customer's cell per period.

use cvm_core::value::{matrix_migration, value_path, CellState};

use crate::loyalty::migration_policy;
use crate::value::{cvm_value_matrix, cvm_value_matrix_options, matrix_config};
use crate::{copy_to, cvm_status, ffi_guard, handle, slice, write_array};

/// Transition counts between the cells of two value matrices of the same grid (`cells` cells),
/// customers matched by id, into `counts`: row-major, rows = cells before (then `new` under
/// `CVM_MIGRATION_OUTER_JOIN`), columns = cells after (then `gone`), so `n_counts` = `cells²`
/// (strict) or `(cells + 1)²` (outer join). Optionally each customer's cells, in the order of the
/// moves (the customers of `before` in order, then those only in `after`), into `from` / `to`
/// (`n_moves` each; a missing snapshot is `SIZE_MAX`); either may be NULL.
///
/// Errors (field, index): `ids_before` / `ids_after` of another length than their matrix
/// (`CVM_STATUS_LENGTH_MISMATCH`, field `before` / `after`), empty, duplicate ids, an id missing
/// from the other snapshot under the strict policy; grids that differ (`after`); an unknown
/// `policy` (`CVM_STATUS_UNKNOWN_NAME`); `n_counts` / `n_moves` not matching. Thread-safe.
///
/// # Safety
/// Arrays hold their stated lengths; the matrices are live; non-NULL outputs have room.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cvm_value_matrix_migration(
    ids_before: *const i64, n_ids_before: usize, before: *const cvm_value_matrix,
    ids_after: *const i64, n_ids_after: usize, after: *const cvm_value_matrix, policy: u32,
    counts: *mut u64, n_counts: usize, from: *mut usize, to: *mut usize, n_moves: usize,
) -> cvm_status {
    ffi_guard!({
        let policy = migration_policy(policy)?;
        let ib = unsafe { slice(ids_before, n_ids_before, "ids_before") }?;
        let ia = unsafe { slice(ids_after, n_ids_after, "ids_after") }?;
        let b = &unsafe { handle(before, "before") }?.0;
        let a = &unsafe { handle(after, "after") }?.0;
        let m = matrix_migration(ib, b, ia, a, policy)?;
        unsafe { write_array(m.counts(), counts, n_counts, "n_counts") }?;
        let code = |s: CellState| match s {
            CellState::Cell(c) => c,
            _ => usize::MAX,
        };
        if !from.is_null() || !to.is_null() {
            let f: Vec<usize> = m.moves().iter().map(|mv| code(mv.from)).collect();
            let t: Vec<usize> = m.moves().iter().map(|mv| code(mv.to)).collect();
            if n_moves != f.len() {
                return Err(cvm_core::Error::LengthMismatch {
                    field: "n_moves".into(),
                    expected: f.len(),
                    got: n_moves,
                }
                .into());
            }
            unsafe {
                copy_to(&f, from);
                copy_to(&t, to);
            }
        }
        Ok(())
    })
}

/// Each customer's cell in each period into `cells` (row-major customers × `n_periods`,
/// `n_cells` = `n_current`): `current` and `potential` are row-major customers × `n_periods`,
/// oldest period first; each period is cut by `options` (NULL: the 2 × 2 median split) on its own
/// data. Cells are numbered as in `cvm_value_matrix_compute`.
///
/// Errors (field, index): `n_periods` 0; empty; `potential` of another length; a length not a
/// multiple of `n_periods` (`current`); NaN (`current` / `potential`, flat index); the option
/// errors of `cvm_value_matrix_compute`. Thread-safe.
///
/// # Safety
/// Arrays hold their stated lengths; `options` NULL or valid; `cells` has room for `n_cells`.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_path(
    current: *const f64, n_current: usize, potential: *const f64, n_potential: usize,
    n_periods: usize, options: *const cvm_value_matrix_options, cells: *mut usize, n_cells: usize,
) -> cvm_status {
    ffi_guard!({
        let c = unsafe { slice(current, n_current, "current") }?;
        let p = unsafe { slice(potential, n_potential, "potential") }?;
        let config = unsafe { matrix_config(options) }?;
        let path = value_path(c, p, n_periods, &config)?;
        unsafe { write_array(&path.cells(), cells, n_cells, "n_cells") }
    })
}
