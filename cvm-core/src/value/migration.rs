//! Value over time: value-matrix cell migration between two snapshots, and each customer's path
//! through the matrix over periods.

use std::fmt;

use crate::error::{check, Error, Result};
use crate::parallel;
use crate::transition::{tabulate, Migration, MigrationPolicy};

use super::matrix::{value_matrix, ValueMatrix, ValueMatrixResult};

/// A row or column of a value-matrix migration: a cell (row-major index), or (outer join only)
/// `new` — not in the first snapshot — or `gone` — not in the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum CellState {
    /// A cell of the value matrix.
    Cell(usize),
    /// Not in the first snapshot (a row state).
    New,
    /// Not in the second snapshot (a column state).
    Gone,
}

impl fmt::Display for CellState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CellState::Cell(c) => write!(f, "cell {c}"),
            CellState::New => f.write_str("new"),
            CellState::Gone => f.write_str("gone"),
        }
    }
}

/// The transition matrix between the value-matrix cells of two snapshots, like
/// [`crate::loyalty::stage_migration`] for ladder stages (the same [`Migration`] type, join and
/// policies).
///
/// Customers are matched by id; rows are the cells of `before` (then `new` under the outer
/// join), columns the cells of `after` (then `gone`). Both matrices must have the same grid. Cut
/// points are resolved per snapshot: for cells that mean the same in both periods, cut the second
/// snapshot at the first one's values (`Thresholds::Absolute(before.current_thresholds())`).
///
/// Each customer's cell in either snapshot is read on the thread pool from 256 customers, and
/// the cells are checked as in [`cell_migration`].
///
/// # Errors
/// [`Error::LengthMismatch`] when `ids_before` (`ids_after`) and the matrix differ in length
/// (field `before` / `after`); [`Error::InvalidValue`] (`after`) when the grids differ; the
/// errors of [`crate::loyalty::stage_migration`] (empty, duplicate ids, strict policy), naming
/// `ids_before` / `ids_after`.
///
/// # Examples
/// ```
/// use cvm_core::transition::MigrationPolicy;
/// use cvm_core::value::{matrix_migration, value_matrix, CellState as C, Thresholds, ValueMatrix};
/// let cut = ValueMatrix {
///     current: Thresholds::Absolute(vec![100.0]),
///     potential: Thresholds::Absolute(vec![100.0]),
///     ..Default::default()
/// };
/// let before = value_matrix(&[50.0, 150.0, 150.0], &[50.0, 150.0, 50.0], &cut)?;  // cells 0, 3, 2
/// let after = value_matrix(&[50.0, 150.0, 50.0], &[150.0, 150.0, 50.0], &cut)?;   // cells 1, 3, 0
/// let m = matrix_migration(&[1, 2, 3], &before, &[1, 2, 3], &after, MigrationPolicy::Strict)?;
/// assert_eq!(m.count(C::Cell(0), C::Cell(1)), 1);     // low/low → low current, high potential
/// assert_eq!(m.count(C::Cell(3), C::Cell(3)), 1);
/// assert_eq!(m.count(C::Cell(2), C::Cell(0)), 1);     // maintain → think carefully
/// assert_eq!(m.moves().iter().filter(|mv| mv.changed()).count(), 2);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn matrix_migration(
    ids_before: &[i64], before: &ValueMatrixResult, ids_after: &[i64], after: &ValueMatrixResult,
    policy: MigrationPolicy,
) -> Result<Migration<CellState>> {
    if (before.n_rows(), before.n_cols()) != (after.n_rows(), after.n_cols()) {
        return Err(Error::invalid(
            "after",
            format!(
                "the grids differ: {} × {} before, {} × {} after",
                before.n_rows(),
                before.n_cols(),
                after.n_rows(),
                after.n_cols()
            ),
        ));
    }
    cell_migration(ids_before, &before.cells(), ids_after, &after.cells(), before.n_cells(), policy)
}

/// [`matrix_migration`] from each customer's cell index (`< n_cells`) in the two snapshots, as
/// the bindings pass them.
///
/// The check of the cells runs on the thread pool from 16,384 customers (a failing check hands
/// over to a loop that names the first offending customer).
///
/// # Errors
/// As [`matrix_migration`]; [`Error::InvalidValue`] (`before` / `after`, index) for a cell
/// `≥ n_cells`.
pub fn cell_migration(
    ids_before: &[i64], before: &[usize], ids_after: &[i64], after: &[usize], n_cells: usize,
    policy: MigrationPolicy,
) -> Result<Migration<CellState>> {
    for (field, cells) in [("before", before), ("after", after)] {
        let fits = |rows: std::ops::Range<usize>| {
            cells[rows].iter().fold(true, |all, &c| all & (c < n_cells))
        };
        if parallel::all_rows(cells.len(), fits) {
            continue;
        }
        if let Some(i) = cells.iter().position(|&c| c >= n_cells) {
            return Err(Error::invalid_at(
                field,
                i,
                format!("cell {} is not in a grid of {n_cells} cells", cells[i]),
            ));
        }
    }
    let states: Vec<CellState> = (0..n_cells).map(CellState::Cell).collect();
    tabulate(
        ids_before,
        before,
        ids_after,
        after,
        &states,
        CellState::New,
        CellState::Gone,
        policy,
        ["ids_before", "before", "ids_after", "after"],
    )
}

/// Each customer's path through the value matrix over periods: one [`value_matrix`] per period.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuePath {
    periods: Vec<ValueMatrixResult>,
}

impl ValuePath {
    /// Number of periods.
    pub fn n_periods(&self) -> usize {
        self.periods.len()
    }

    /// Number of customers.
    pub fn n_customers(&self) -> usize {
        self.periods[0].current_level().len()
    }

    /// The matrix of period `t` (0-based): cut points, counts, warnings.
    pub fn period(&self, t: usize) -> &ValueMatrixResult {
        &self.periods[t]
    }

    /// Customer `i`'s cell in each period.
    pub fn path(&self, i: usize) -> Vec<usize> {
        self.periods.iter().map(|m| m.cell_of(i)).collect()
    }

    /// Every customer's cells, row-major customers × periods (on the thread pool from 256
    /// customers).
    pub fn cells(&self) -> Vec<usize> {
        let (n, k) = (self.n_customers(), self.n_periods());
        let mut out = vec![0; n * k];
        parallel::par_fill(&mut out, k * parallel::PAR_MIN_ELEMENTS, |c, part| {
            let first = c * parallel::PAR_MIN_ELEMENTS;
            for (j, row) in part.chunks_exact_mut(k).enumerate() {
                for (slot, m) in row.iter_mut().zip(&self.periods) {
                    *slot = m.cell_of(first + j);
                }
            }
        });
        out
    }

    /// How many times customer `i` changed cell between consecutive periods.
    pub fn changes(&self, i: usize) -> usize {
        self.path(i).windows(2).filter(|w| w[0] != w[1]).count()
    }
}

/// Places each customer in the value matrix in each period.
///
/// `current` and `potential` are row-major customers × `n_periods` (oldest period first, as
/// [`super::Realised::History`]); each period is cut by `config` on its own data (quantile cuts
/// follow the period's distribution; give absolute cut points to hold the cells fixed).
///
/// From 256 values the periods are cut as tasks of their own on the thread pool, each gathering
/// its columns (on the pool from 256 customers) and running [`value_matrix`] (whose
/// per-customer work runs on the pool too); the result is the same whatever the number of
/// threads.
///
/// # Errors
/// [`Error::InvalidValue`] (`n_periods`) for 0; [`Error::Empty`]; [`Error::LengthMismatch`]
/// (`potential`); [`Error::InvalidValue`] (`current`) when its length is not a multiple of
/// `n_periods`; the errors of [`value_matrix`] for a period, whose index is the flat position.
///
/// # Examples
/// ```
/// use cvm_core::value::{value_path, Thresholds, ValueMatrix};
/// let cut = ValueMatrix {
///     current: Thresholds::Absolute(vec![100.0]),
///     potential: Thresholds::Absolute(vec![100.0]),
///     ..Default::default()
/// };
/// // Two customers, three periods each (row-major).
/// let current = [50.0, 150.0, 150.0, 200.0, 200.0, 20.0];
/// let potential = [150.0, 150.0, 50.0, 300.0, 50.0, 50.0];
/// let p = value_path(&current, &potential, 3, &cut)?;
/// assert_eq!(p.path(0), vec![1, 3, 2]);   // cultivate → cultivate → maintain
/// assert_eq!(p.path(1), vec![3, 2, 0]);
/// assert_eq!(p.changes(1), 2);
/// assert_eq!(p.cells(), vec![1, 3, 2, 3, 2, 0]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn value_path(
    current: &[f64], potential: &[f64], n_periods: usize, config: &ValueMatrix,
) -> Result<ValuePath> {
    if n_periods == 0 {
        return Err(Error::invalid("n_periods", "must be >= 1"));
    }
    check::non_empty("current", current.len())?;
    check::same_len("potential", current.len(), potential.len())?;
    if !current.len().is_multiple_of(n_periods) {
        return Err(Error::invalid(
            "current",
            format!("length {} is not a multiple of n_periods = {n_periods}", current.len()),
        ));
    }
    let n = current.len() / n_periods;
    let period = |t: usize| {
        let column = |x: &[f64]| parallel::par_map(n, |i| x[i * n_periods + t]);
        value_matrix(&column(current), &column(potential), config).map_err(|e| match e {
            Error::InvalidValue { field, index: Some(i), reason } => {
                Error::InvalidValue { field, index: Some(i * n_periods + t), reason }
            }
            other => other,
        })
    };
    // From PAR_MIN_ELEMENTS values the periods are tasks of their own; the first failing
    // period's error is reported, as a loop over the periods would.
    let periods = match current.len() >= parallel::PAR_MIN_ELEMENTS {
        true => parallel::par_tasks(n_periods, period).into_iter().collect::<Result<Vec<_>>>()?,
        false => (0..n_periods).map(period).collect::<Result<Vec<_>>>()?,
    };
    Ok(ValuePath { periods })
}

#[cfg(all(test, feature = "parallel"))]
mod tests {
    use super::*;
    use crate::value::Thresholds;

    /// Seeded values in `0..m`.
    fn seeded(n: usize, m: u64, seed: u64) -> Vec<f64> {
        crate::testing::xorshift(seed).take(n).map(|state| (state % m) as f64).collect()
    }

    /// 100,000 customers × 2 periods and a migration of 120,000 customers:
    /// identical on one thread and on four, and each period as its own matrix.
    #[test]
    fn large_paths_and_migrations_are_identical_on_one_and_four_threads() {
        let (n, k) = (100_000, 2);
        let current = seeded(n * k, 500, 1);
        let potential = seeded(n * k, 500, 2);
        let config = ValueMatrix::grid(3).unwrap();
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            let p = value_path(&current, &potential, k, &config).unwrap();
            (p.cells(), p)
        });
        assert_eq!(one, four);
        let column = |x: &[f64], t: usize| (0..n).map(|i| x[i * k + t]).collect::<Vec<_>>();
        for t in 0..k {
            let m = value_matrix(&column(&current, t), &column(&potential, t), &config).unwrap();
            assert_eq!(one.1.period(t), &m);
            assert!((0..n).all(|i| one.0[i * k + t] == m.cell_of(i)));
        }

        let m = 120_000;
        let cut = ValueMatrix {
            current: Thresholds::Absolute(vec![250.0]),
            potential: Thresholds::Absolute(vec![250.0]),
            ..Default::default()
        };
        let before = value_matrix(&seeded(m, 500, 3), &seeded(m, 500, 4), &cut).unwrap();
        let after = value_matrix(&seeded(m, 500, 5), &seeded(m, 500, 6), &cut).unwrap();
        let ids: Vec<i64> = (0..m as i64).map(|i| (i * 7919) % m as i64).collect();
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            matrix_migration(&ids, &before, &ids, &after, MigrationPolicy::Strict).unwrap()
        });
        assert_eq!(one, four);
        let moved = (0..m).filter(|&i| before.cell_of(i) != after.cell_of(i)).count();
        assert_eq!(one.moves().iter().filter(|mv| mv.changed()).count(), moved);
    }

    /// Two cells outside the grid among 150,000, and two non-finite values in a period: the
    /// first is named, on one thread and on four.
    #[test]
    fn large_bad_rows_name_the_first() {
        let n = 150_000;
        let ids: Vec<i64> = (0..n as i64).collect();
        let cells: Vec<usize> = (0..n).map(|i| i % 4).collect();
        let mut bad = cells.clone();
        (bad[130_000], bad[65_005]) = (9, 4);
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            cell_migration(&ids, &cells, &ids, &bad, 4, MigrationPolicy::Strict).unwrap_err()
        });
        assert_eq!(one, four);
        assert_eq!((one.field(), one.index()), (Some("after"), Some(65_005)));

        let mut current = seeded(2 * n, 500, 1);
        let potential = seeded(2 * n, 500, 2);
        (current[2 * 140_000 + 1], current[2 * 70_000 + 1]) = (f64::NAN, f64::INFINITY);
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            value_path(&current, &potential, 2, &ValueMatrix::default()).unwrap_err()
        });
        assert_eq!(one, four);
        assert_eq!((one.field(), one.index()), (Some("current"), Some(2 * 70_000 + 1)));
    }
}
