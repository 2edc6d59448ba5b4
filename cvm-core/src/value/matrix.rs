//! Current × potential value matrix.

use crate::error::{check, Error, Result};
use crate::parallel;

/// Cut points of one axis of the value matrix (`k − 1` cut points make `k` levels).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Thresholds {
    /// Cut points in the units of the values (finite, strictly increasing). They may lie outside
    /// the range of the data (the outer levels are then empty).
    Absolute(Vec<f64>),
    /// Cut points as probabilities in `[0, 1]` (strictly increasing), turned into values by the
    /// sample quantile of the axis' data (linear interpolation, Hyndman & Fan 1996 type 7).
    Quantile(Vec<f64>),
}

impl Thresholds {
    /// `k − 1` evenly spaced quantiles `1/k, …, (k − 1)/k` (`k` levels; `k = 2` is the median
    /// split).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`grid`) when `k < 2`.
    pub fn even(k: usize) -> Result<Self> {
        if k < 2 {
            return Err(Error::invalid("grid", format!("must be >= 2 (got {k})")));
        }
        Ok(Thresholds::Quantile((1..k).map(|j| j as f64 / k as f64).collect()))
    }

    /// Number of levels: cut points + 1.
    pub fn levels(&self) -> usize {
        match self {
            Thresholds::Absolute(v) | Thresholds::Quantile(v) => v.len() + 1,
        }
    }

    /// The cut points in data units for `data` (already checked finite and non-empty), with
    /// whether customers equal to each cut point go to the lower level (see [`value_matrix`]).
    fn resolve(&self, field: &str, data: &[f64]) -> Result<(Vec<f64>, Vec<bool>)> {
        let (cuts, quantile) = match self {
            Thresholds::Absolute(v) => (v, false),
            Thresholds::Quantile(v) => (v, true),
        };
        if quantile {
            check::all(field, cuts, "must be a quantile in [0, 1]", |q| (0.0..=1.0).contains(&q))?;
        } else {
            check::finite(field, cuts)?;
        }
        if let Some(i) = (1..cuts.len()).find(|&i| cuts[i] <= cuts[i - 1]) {
            return Err(Error::invalid_at(
                field,
                i,
                format!(
                    "thresholds must be strictly increasing ({} then {})",
                    cuts[i - 1],
                    cuts[i]
                ),
            ));
        }
        if !quantile {
            return Ok((cuts.clone(), vec![false; cuts.len()]));
        }
        let sorted = crate::rfm::sorted_values(data);
        let n = sorted.len() as f64;
        Ok(cuts
            .iter()
            .map(|&q| {
                let c = quantile_type7(&sorted, q);
                // Customers below the cut when the tied ones go up (`lt`) or down (`le`); a
                // block of two or more goes down when that is closer to the quantile.
                let lt = sorted.partition_point(|&x| x < c);
                let le = sorted.partition_point(|&x| x <= c);
                let closer = (le as f64 / n - q).abs() < (lt as f64 / n - q).abs();
                (c, le - lt >= 2 && closer)
            })
            .unzip())
    }
}

impl Default for Thresholds {
    /// The median split.
    fn default() -> Self {
        Thresholds::Quantile(vec![0.5])
    }
}

/// Sample quantile of sorted data, linear interpolation between order statistics (type 7):
/// `h = (n − 1) q`, `x_(⌊h⌋) + (h − ⌊h⌋)(x_(⌊h⌋+1) − x_(⌊h⌋))` (0-based).
pub(crate) fn quantile_type7(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let j = h.floor() as usize;
    let frac = h - j as f64;
    if j + 1 >= sorted.len() || frac == 0.0 {
        sorted[j.min(sorted.len() - 1)]
    } else {
        sorted[j] + frac * (sorted[j + 1] - sorted[j])
    }
}

/// Configuration of [`value_matrix`].
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ValueMatrix {
    /// Cut points of current value. Default: the median.
    pub current: Thresholds,
    /// Cut points of potential value. Default: the median.
    pub potential: Thresholds,
    /// One label per cell, in cell order (see [`value_matrix`]). Default: the method's quadrant
    /// names for 2 × 2, `current_{i}_potential_{j}` (levels from 1) otherwise.
    pub labels: Option<Vec<String>>,
    /// One recommended strategy per cell, in cell order. Default: the method's strategies for
    /// 2 × 2, an empty string (no recommendation) for other grids.
    pub strategies: Option<Vec<String>>,
}

impl ValueMatrix {
    /// A `k × k` grid cut at the quantiles `1/k, …, (k − 1)/k` of each axis.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`grid`) when `k < 2`.
    pub fn grid(k: usize) -> Result<Self> {
        Ok(ValueMatrix {
            current: Thresholds::even(k)?,
            potential: Thresholds::even(k)?,
            ..Default::default()
        })
    }
}

/// Default labels of the 2 × 2 matrix, in cell order.
pub const QUADRANT_LABELS: [&str; 4] = [
    "low_current_low_potential",
    "low_current_high_potential",
    "high_current_low_potential",
    "high_current_high_potential",
];

/// Default strategies of the 2 × 2 matrix, in cell order: the method's three strategies
/// (`seeds/001:49`, repeated at `001:62–66`). Low current / low potential: think carefully before
/// investing resources (在投入资源之前慎重考虑); both high-potential cells: cultivate this group
/// (培养这个客户群); high current / low potential: maintain this group (维持这个客户群).
pub const QUADRANT_STRATEGIES: [&str; 4] = [
    "think carefully before investing resources",
    "cultivate this group",
    "maintain this group",
    "cultivate this group",
];

/// The richer strategies of earlier releases, in cell order (an option: pass them as
/// [`ValueMatrix::strategies`]); they split the source's "cultivate" into "develop" (low current)
/// and "keep and invest" (high current).
pub const QUADRANT_STRATEGIES_DETAILED: [&str; 4] =
    ["be careful before spending resources", "develop", "maintain", "keep and invest"];

/// A cell holding more than this share of the customers gets a [`MatrixWarning`].
pub const DOMINANT_CELL_SHARE: f64 = 0.9;

/// What a [`MatrixWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MatrixWarningKind {
    /// The cell holds no customer.
    EmptyCell,
    /// The cell holds more than [`DOMINANT_CELL_SHARE`] of the customers.
    DominantCell,
}

impl MatrixWarningKind {
    /// `"empty_cell"` or `"dominant_cell"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatrixWarningKind::EmptyCell => "empty_cell",
            MatrixWarningKind::DominantCell => "dominant_cell",
        }
    }
}

/// A degenerate split of the value matrix: a cell that is empty or holds more than
/// [`DOMINANT_CELL_SHARE`] of the customers. The message names the cell and the cut points that
/// bound it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MatrixWarning {
    /// Empty or dominant.
    pub kind: MatrixWarningKind,
    /// The cell (row-major index).
    pub cell: usize,
    /// Customers in the cell.
    pub count: usize,
    /// `count / customers`.
    pub share: f64,
    /// A sentence for the analyst.
    pub message: String,
}

/// Each customer's cell in the value matrix, with per-cell counts and value sums.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ValueMatrixResult {
    current_thresholds: Vec<f64>,
    potential_thresholds: Vec<f64>,
    current_ties_low: Vec<bool>,
    potential_ties_low: Vec<bool>,
    warnings: Vec<MatrixWarning>,
    current_level: Vec<u16>,
    potential_level: Vec<u16>,
    labels: Vec<String>,
    strategies: Vec<String>,
    counts: Vec<usize>,
    current_sum: Vec<f64>,
    potential_sum: Vec<f64>,
}

impl ValueMatrixResult {
    /// Number of current-value levels (rows).
    pub fn n_rows(&self) -> usize {
        self.current_thresholds.len() + 1
    }

    /// Number of potential-value levels (columns).
    pub fn n_cols(&self) -> usize {
        self.potential_thresholds.len() + 1
    }

    /// Number of cells, `n_rows · n_cols`.
    pub fn n_cells(&self) -> usize {
        self.n_rows() * self.n_cols()
    }

    /// Cut points of current value, in data units (quantiles resolved).
    pub fn current_thresholds(&self) -> &[f64] {
        &self.current_thresholds
    }

    /// Cut points of potential value, in data units (quantiles resolved).
    pub fn potential_thresholds(&self) -> &[f64] {
        &self.potential_thresholds
    }

    /// Per current cut point: whether customers equal to it go to the lower level (the tie rule
    /// of [`value_matrix`]; always `false` for absolute cut points).
    pub fn current_ties_low(&self) -> &[bool] {
        &self.current_ties_low
    }

    /// Per potential cut point: whether customers equal to it go to the lower level.
    pub fn potential_ties_low(&self) -> &[bool] {
        &self.potential_ties_low
    }

    /// Degenerate cells (empty, or more than [`DOMINANT_CELL_SHARE`] of the customers), in cell
    /// order; empty when the split is sound.
    pub fn warnings(&self) -> &[MatrixWarning] {
        &self.warnings
    }

    /// Current-value level (row, 0 = lowest) of each customer.
    pub fn current_level(&self) -> &[u16] {
        &self.current_level
    }

    /// Potential-value level (column, 0 = lowest) of each customer.
    pub fn potential_level(&self) -> &[u16] {
        &self.potential_level
    }

    /// Cell index of customer `i`: `row · n_cols + col`.
    pub fn cell_of(&self, i: usize) -> usize {
        self.current_level[i] as usize * self.n_cols() + self.potential_level[i] as usize
    }

    /// Cell index of every customer (on the thread pool from 256 customers).
    pub fn cells(&self) -> Vec<usize> {
        parallel::par_map(self.current_level.len(), |i| self.cell_of(i))
    }

    /// Label of customer `i`'s cell.
    pub fn label(&self, i: usize) -> &str {
        &self.labels[self.cell_of(i)]
    }

    /// Strategy of customer `i`'s cell.
    pub fn strategy(&self, i: usize) -> &str {
        &self.strategies[self.cell_of(i)]
    }

    /// Cell labels, in cell order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Cell strategies, in cell order.
    pub fn strategies(&self) -> &[String] {
        &self.strategies
    }

    /// Number of customers per cell.
    pub fn counts(&self) -> &[usize] {
        &self.counts
    }

    /// Sum of current value per cell.
    pub fn current_sum(&self) -> &[f64] {
        &self.current_sum
    }

    /// Sum of potential value per cell.
    pub fn potential_sum(&self) -> &[f64] {
        &self.potential_sum
    }
}

/// Places each customer in a cell of the current × potential value matrix.
///
/// A customer's level on an axis is the number of that axis' cut points it passes. Above a cut
/// point passes it; equal to an **absolute** cut point passes it too (goes to the higher level).
/// For a **quantile** cut point `c` of quantile `q` shared by two or more customers (ties, as when
/// most current values are 0 and the median is 0), the tied block goes to the side that brings
/// the share of customers below the cut closer to `q`, and up at equal distance: with 82 % zeros
/// the median split becomes zero vs positive instead of putting everyone in the high level.
/// [`ValueMatrixResult::current_ties_low`] reports the choice per cut point.
///
/// Cells are numbered row-major, `row · n_cols + col`, with rows the current-value levels and
/// columns the potential-value levels, 0 = lowest. For the default 2 × 2 matrix (the method's
/// strategies, `seeds/001:49` and `001:62–66`; see [`QUADRANT_STRATEGIES`]):
///
/// | cell | current | potential | label | strategy |
/// |---|---|---|---|---|
/// | 0 | low  | low  | `low_current_low_potential`   | think carefully before investing resources |
/// | 1 | low  | high | `low_current_high_potential`  | cultivate this group |
/// | 2 | high | low  | `high_current_low_potential`  | maintain this group |
/// | 3 | high | high | `high_current_high_potential` | cultivate this group |
///
/// A cell that is empty or holds more than [`DOMINANT_CELL_SHARE`] of the customers is a
/// degenerate split: [`ValueMatrixResult::warnings`] names it and its cut points.
///
/// The per-customer work runs on the thread pool: the finiteness check of both columns (one
/// pass, from 16,384 customers), the sort behind quantile cut points (from 65,536), each
/// customer's levels (from 256) and the counts and sums per cell (in chunks of 16,384 customers,
/// or 16 per cell for larger grids, added in chunk order). The result is the same whatever the
/// number of threads; up to one chunk the sums are those of a single loop.
///
/// # Errors
/// [`Error::Empty`] for no customers; [`Error::LengthMismatch`] (`potential`);
/// [`Error::InvalidValue`] for a NaN or infinite value (`current` / `potential`, index), a
/// quantile outside `[0, 1]` or thresholds not strictly increasing (`current_thresholds` /
/// `potential_thresholds`, index), more than 65,535 levels (`current_thresholds` /
/// `potential_thresholds`), or `labels` / `strategies` of the wrong length.
///
/// # Examples
/// ```
/// use cvm_core::value::{value_matrix, Thresholds, ValueMatrix};
/// let current = [10.0, 200.0, 35.0, 500.0];
/// let potential = [900.0, 50.0, 20.0, 700.0];
/// let m = value_matrix(&current, &potential, &ValueMatrix::default())?;
/// assert_eq!(m.current_thresholds(), &[117.5]);   // medians (type 7)
/// assert_eq!(m.potential_thresholds(), &[375.0]);
/// assert_eq!(m.strategy(0), "cultivate this group");
/// assert_eq!(m.strategy(1), "maintain this group");
/// assert_eq!(m.strategy(2), "think carefully before investing resources");
/// assert_eq!(m.counts(), &[1, 1, 1, 1]);
/// assert!(m.warnings().is_empty());
///
/// let fixed = ValueMatrix {
///     current: Thresholds::Absolute(vec![100.0]),
///     potential: Thresholds::Absolute(vec![50.0]),
///     ..Default::default()
/// };
/// let m = value_matrix(&current, &potential, &fixed)?;
/// assert_eq!(m.label(1), "high_current_high_potential");   // 50 >= 50: high
/// assert_eq!(m.counts(), &[1, 1, 0, 2]);
/// assert_eq!(m.current_sum(), &[35.0, 10.0, 0.0, 700.0]);
/// assert_eq!(m.warnings()[0].cell, 2);                      // empty
///
/// // Ties at the median: six of eight current values are 0.
/// let current = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0, 90.0];
/// let potential = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
/// let m = value_matrix(&current, &potential, &ValueMatrix::default())?;
/// assert_eq!((m.current_thresholds(), m.current_ties_low()), (&[0.0][..], &[true][..]));
/// assert_eq!(m.counts(), &[4, 2, 0, 2]);                   // zero vs positive
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn value_matrix(
    current: &[f64], potential: &[f64], config: &ValueMatrix,
) -> Result<ValueMatrixResult> {
    check::non_empty("current", current.len())?;
    check::same_len("potential", current.len(), potential.len())?;
    let finite = |rows: std::ops::Range<usize>| {
        rows.fold(true, |all, i| all & current[i].is_finite() & potential[i].is_finite())
    };
    if !parallel::all_rows(current.len(), finite) {
        check::finite("current", current)?;
        check::finite("potential", potential)?;
    }
    let (current_thresholds, current_ties_low) =
        config.current.resolve("current_thresholds", current)?;
    let (potential_thresholds, potential_ties_low) =
        config.potential.resolve("potential_thresholds", potential)?;
    for (field, cuts) in [
        ("current_thresholds", &current_thresholds),
        ("potential_thresholds", &potential_thresholds),
    ] {
        if cuts.len() >= u16::MAX as usize {
            return Err(Error::invalid(field, "at most 65534 thresholds"));
        }
    }
    let (rows, cols) = (current_thresholds.len() + 1, potential_thresholds.len() + 1);
    let cells = rows * cols;
    let labels = match &config.labels {
        Some(l) => {
            check::same_len("labels", cells, l.len())?;
            l.clone()
        }
        None if cells == 4 && rows == 2 => QUADRANT_LABELS.iter().map(|s| s.to_string()).collect(),
        None => (0..cells)
            .map(|c| format!("current_{}_potential_{}", c / cols + 1, c % cols + 1))
            .collect(),
    };
    let strategies = match &config.strategies {
        Some(s) => {
            check::same_len("strategies", cells, s.len())?;
            s.clone()
        }
        None if cells == 4 && rows == 2 => {
            QUADRANT_STRATEGIES.iter().map(|s| s.to_string()).collect()
        }
        None => vec![String::new(); cells],
    };

    let current_level = levels(current, &current_thresholds, &current_ties_low);
    let potential_level = levels(potential, &potential_thresholds, &potential_ties_low);
    let (counts, current_sum, potential_sum) =
        cell_totals(cells, cols, current, potential, &current_level, &potential_level);
    let mut m = ValueMatrixResult {
        current_thresholds,
        potential_thresholds,
        current_ties_low,
        potential_ties_low,
        warnings: Vec::new(),
        current_level,
        potential_level,
        labels,
        strategies,
        counts,
        current_sum,
        potential_sum,
    };
    m.warnings = degenerate_cells(&m, config);
    Ok(m)
}

/// Level of each value: the number of cut points it passes (see [`value_matrix`]); on the thread
/// pool from 256 values.
pub(crate) fn levels(values: &[f64], cuts: &[f64], ties_low: &[bool]) -> Vec<u16> {
    parallel::par_map(values.len(), |i| {
        let x = values[i];
        let below = cuts.partition_point(|&c| c < x);
        let at_or_below = cuts.partition_point(|&c| c <= x);
        (below + ties_low[below..at_or_below].iter().filter(|&&low| !low).count()) as u16
    })
}

/// Customers per chunk of [`cell_totals`] (at least; more for grids of many cells, so that the
/// chunks' tables stay a small part of the work).
const TOTALS_CHUNK: usize = 1 << 14;

/// The customers, current value and potential value of each cell: each chunk of customers (of a
/// size set by the number of customers and cells only) counts and sums on its own, on the thread
/// pool, and the chunks' tables are added in chunk order, so the sums never depend on the
/// threads. With one chunk (up to [`TOTALS_CHUNK`] customers) the sums are those of one loop.
fn cell_totals(
    cells: usize, cols: usize, current: &[f64], potential: &[f64], current_level: &[u16],
    potential_level: &[u16],
) -> (Vec<usize>, Vec<f64>, Vec<f64>) {
    let n = current.len();
    let chunk = TOTALS_CHUNK.max(cells.saturating_mul(16));
    let tally = |c: usize| {
        let mut counts = vec![0usize; cells];
        let mut current_sum = vec![0.0; cells];
        let mut potential_sum = vec![0.0; cells];
        for i in c * chunk..n.min((c + 1) * chunk) {
            let cell = current_level[i] as usize * cols + potential_level[i] as usize;
            counts[cell] += 1;
            current_sum[cell] += current[i];
            potential_sum[cell] += potential[i];
        }
        (counts, current_sum, potential_sum)
    };
    let mut parts = parallel::par_tasks(n.div_ceil(chunk), tally).into_iter();
    let mut totals = parts.next().unwrap_or_else(|| tally(0));
    for (counts, current_sum, potential_sum) in parts {
        for k in 0..cells {
            totals.0[k] += counts[k];
            totals.1[k] += current_sum[k];
            totals.2[k] += potential_sum[k];
        }
    }
    totals
}

/// The warnings of the cells that are empty or hold more than [`DOMINANT_CELL_SHARE`].
fn degenerate_cells(m: &ValueMatrixResult, config: &ValueMatrix) -> Vec<MatrixWarning> {
    let n = m.current_level.len();
    let cols = m.n_cols();
    let mut out = Vec::new();
    for (cell, &count) in m.counts.iter().enumerate() {
        let share = count as f64 / n as f64;
        let kind = if count == 0 {
            MatrixWarningKind::EmptyCell
        } else if share > DOMINANT_CELL_SHARE {
            MatrixWarningKind::DominantCell
        } else {
            continue;
        };
        let (row, col) = (cell / cols, cell % cols);
        let mut cuts = Vec::new();
        for (axis, thresholds, values, ties, level) in [
            ("current", &config.current, &m.current_thresholds, &m.current_ties_low, row),
            ("potential", &config.potential, &m.potential_thresholds, &m.potential_ties_low, col),
        ] {
            for j in [level.wrapping_sub(1), level] {
                if j < values.len() {
                    cuts.push(describe_cut(axis, thresholds, j, values[j], ties[j]));
                }
            }
        }
        let what = match kind {
            MatrixWarningKind::EmptyCell => "is empty".to_string(),
            MatrixWarningKind::DominantCell => format!(
                "holds {} of {} customers ({:.1} %, more than {:.0} %)",
                super::fmt_count(count),
                super::fmt_count(n),
                100.0 * share,
                100.0 * DOMINANT_CELL_SHARE
            ),
        };
        let message = format!(
            "degenerate value matrix: cell {cell} ({}) {what}; cut by {}",
            m.labels[cell],
            cuts.join(" and ")
        );
        out.push(MatrixWarning { kind, cell, count, share, message });
    }
    out
}

/// `current cut 0 (quantile 0.5; customers equal to it go low)` and the like.
fn describe_cut(axis: &str, t: &Thresholds, j: usize, value: f64, ties_low: bool) -> String {
    let at = super::fmt_amount(value);
    match t {
        Thresholds::Quantile(q) => format!(
            "the {axis} cut {at} (quantile {}; customers equal to it go {})",
            {
                let q = format!("{:.4}", q[j]);
                q.trim_end_matches('0').trim_end_matches('.').to_string()
            },
            if ties_low { "low" } else { "high" }
        ),
        Thresholds::Absolute(_) => format!("the {axis} cut {at} (absolute)"),
    }
}

#[cfg(test)]
#[path = "matrix_tests.rs"]
mod tests;
