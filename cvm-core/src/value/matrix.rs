//! Current × potential value matrix.

use crate::error::{check, Error, Result};

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

    /// The cut points in data units for `data` (already checked finite and non-empty).
    fn resolve(&self, field: &str, data: &[f64]) -> Result<Vec<f64>> {
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
            return Ok(cuts.clone());
        }
        let mut sorted = data.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        Ok(cuts.iter().map(|&q| quantile_type7(&sorted, q)).collect())
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

/// Default strategies of the 2 × 2 matrix, in cell order.
pub const QUADRANT_STRATEGIES: [&str; 4] =
    ["be careful before spending resources", "develop", "maintain", "keep and invest"];

/// Each customer's cell in the value matrix, with per-cell counts and value sums.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ValueMatrixResult {
    current_thresholds: Vec<f64>,
    potential_thresholds: Vec<f64>,
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

    /// Cell index of every customer.
    pub fn cells(&self) -> Vec<usize> {
        (0..self.current_level.len()).map(|i| self.cell_of(i)).collect()
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
/// A customer's level on an axis is the number of that axis' cut points at or below its value
/// (so a value equal to a cut point goes to the higher level). Cells are numbered row-major,
/// `row · n_cols + col`, with rows the current-value levels and columns the potential-value
/// levels, 0 = lowest. For the default 2 × 2 matrix:
///
/// | cell | current | potential | label | strategy |
/// |---|---|---|---|---|
/// | 0 | low  | low  | `low_current_low_potential`   | be careful before spending resources |
/// | 1 | low  | high | `low_current_high_potential`  | develop |
/// | 2 | high | low  | `high_current_low_potential`  | maintain |
/// | 3 | high | high | `high_current_high_potential` | keep and invest |
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
/// assert_eq!(m.strategy(0), "develop");
/// assert_eq!(m.strategy(1), "maintain");
/// assert_eq!(m.strategy(3), "keep and invest");
/// assert_eq!(m.counts(), &[1, 1, 1, 1]);
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
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn value_matrix(
    current: &[f64],
    potential: &[f64],
    config: &ValueMatrix,
) -> Result<ValueMatrixResult> {
    check::non_empty("current", current.len())?;
    check::same_len("potential", current.len(), potential.len())?;
    check::finite("current", current)?;
    check::finite("potential", potential)?;
    let current_thresholds = config.current.resolve("current_thresholds", current)?;
    let potential_thresholds = config.potential.resolve("potential_thresholds", potential)?;
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

    let level = |cuts: &[f64], x: f64| cuts.partition_point(|&c| c <= x) as u16;
    let current_level: Vec<u16> = current.iter().map(|&x| level(&current_thresholds, x)).collect();
    let potential_level: Vec<u16> =
        potential.iter().map(|&x| level(&potential_thresholds, x)).collect();
    let mut counts = vec![0usize; cells];
    let mut current_sum = vec![0.0; cells];
    let mut potential_sum = vec![0.0; cells];
    for i in 0..current.len() {
        let c = current_level[i] as usize * cols + potential_level[i] as usize;
        counts[c] += 1;
        current_sum[c] += current[i];
        potential_sum[c] += potential[i];
    }
    Ok(ValueMatrixResult {
        current_thresholds,
        potential_thresholds,
        current_level,
        potential_level,
        labels,
        strategies,
        counts,
        current_sum,
        potential_sum,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn type7_quantiles() {
        // R: quantile(c(1, 2, 4, 8, 16), c(0, .1, .25, .5, .9, 1), type = 7)
        let x = [1.0, 2.0, 4.0, 8.0, 16.0];
        let cases = [(0.0, 1.0), (0.1, 1.4), (0.25, 2.0), (0.5, 4.0), (0.9, 12.8), (1.0, 16.0)];
        for (q, want) in cases {
            assert_relative_eq!(quantile_type7(&x, q), want, max_relative = 1e-14);
        }
        assert_eq!(quantile_type7(&[3.0], 0.7), 3.0);
    }

    #[test]
    fn three_by_three_grid() {
        let current: Vec<f64> = (0..9).map(f64::from).collect();
        let potential: Vec<f64> = (0..9).map(|i| f64::from((i * 4) % 9)).collect();
        let m = value_matrix(&current, &potential, &ValueMatrix::grid(3).unwrap()).unwrap();
        assert_eq!((m.n_rows(), m.n_cols()), (3, 3));
        assert_relative_eq!(m.current_thresholds()[0], 8.0 / 3.0, max_relative = 1e-14);
        assert_relative_eq!(m.current_thresholds()[1], 16.0 / 3.0, max_relative = 1e-14);
        assert_eq!(m.current_level(), &[0, 0, 0, 1, 1, 1, 2, 2, 2]);
        // potential = 0, 4, 8, 3, 7, 2, 6, 1, 5 → levels 0, 1, 2, 1, 2, 0, 2, 0, 1
        assert_eq!(m.potential_level(), &[0, 1, 2, 1, 2, 0, 2, 0, 1]);
        assert_eq!(m.counts(), &[1, 1, 1, 1, 1, 1, 1, 1, 1]);
        assert_eq!(m.label(4), "current_2_potential_3");
        assert_eq!(m.strategy(4), "");
    }

    #[test]
    fn ties_go_high_and_thresholds_may_be_outside_data() {
        let m = value_matrix(
            &[1.0, 2.0, 3.0],
            &[5.0, 5.0, 5.0],
            &ValueMatrix {
                current: Thresholds::Absolute(vec![2.0]),
                potential: Thresholds::Absolute(vec![10.0]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(m.current_level(), &[0, 1, 1]);
        assert_eq!(m.counts(), &[1, 0, 2, 0]);
        assert_eq!(m.cells(), vec![0, 2, 2]);
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let quant =
            |q: Vec<f64>| ValueMatrix { current: Thresholds::Quantile(q), ..Default::default() };
        let abs =
            |t: Vec<f64>| ValueMatrix { potential: Thresholds::Absolute(t), ..Default::default() };
        let x = [1.0, 2.0, 3.0];
        type Case<'a> = (&'a [f64], &'a [f64], ValueMatrix, &'a str, Option<usize>);
        let cases: Vec<Case> = vec![
            (&x, &[1.0, f64::NAN, 1.0], ValueMatrix::default(), "potential", Some(1)),
            (&[f64::INFINITY, 1.0, 1.0], &x, ValueMatrix::default(), "current", Some(0)),
            (&x, &x, quant(vec![0.2, 1.5]), "current_thresholds", Some(1)),
            (&x, &x, quant(vec![-0.1]), "current_thresholds", Some(0)),
            (&x, &x, quant(vec![0.6, 0.3]), "current_thresholds", Some(1)),
            (&x, &x, abs(vec![f64::NAN]), "potential_thresholds", Some(0)),
            (&x, &x, abs(vec![2.0, 2.0]), "potential_thresholds", Some(1)),
        ];
        for (c, p, cfg, field, index) in cases {
            let e = value_matrix(c, p, &cfg).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{cfg:?}");
        }
        let e = value_matrix(&x, &x[..2], &ValueMatrix::default()).unwrap_err();
        assert_eq!(e, Error::LengthMismatch { field: "potential".into(), expected: 3, got: 2 });
        assert!(matches!(
            value_matrix(&[], &[], &ValueMatrix::default()),
            Err(Error::Empty { .. })
        ));
        let cfg = ValueMatrix { labels: Some(vec!["a".into()]), ..Default::default() };
        assert_eq!(value_matrix(&x, &x, &cfg).unwrap_err().field(), Some("labels"));
        let cfg = ValueMatrix { strategies: Some(vec![]), ..Default::default() };
        assert_eq!(value_matrix(&x, &x, &cfg).unwrap_err().field(), Some("strategies"));
        assert_eq!(ValueMatrix::grid(1).unwrap_err().field(), Some("grid"));
    }
}
