//! Goodness-of-fit diagnostics for the lifetime models (FHL 2005, figures 2–4):
//!
//! * [`calibration_holdout_table`] — customers grouped by calibration frequency; per group the
//!   mean actual holdout purchases against the mean conditional expectation;
//! * [`repeat_histogram`] — the number of customers with 0, 1, 2, … repeat purchases in the
//!   calibration period against the model's expectation `Σ_i P(X(T_i) = n)`, with Pearson's χ².
//!
//! # Examples
//! ```
//! use cvm_core::models::{repeat_histogram, BgNbd, BgNbdParams};
//! let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
//! let h = repeat_histogram(&m, &[0.0, 0.0, 1.0, 3.0], &[30.0, 32.0, 35.0, 38.0], 3)?;
//! assert_eq!(h.actual, vec![2.0, 1.0, 0.0, 1.0]);
//! let total: f64 = h.expected.iter().sum();
//! assert!((total - 4.0).abs() < 1e-12);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::error::{check, Error, Result};

use super::data::distinct_counts;
use super::{check_customers, TransactionModel};

/// Calibration-vs-holdout comparison by calibration frequency.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct CalibrationHoldoutTable {
    /// Calibration frequency of each row; the last row holds every customer with at least
    /// this many repeat purchases.
    pub frequency: Vec<u64>,
    /// Customers in each row.
    pub n_customers: Vec<f64>,
    /// Mean actual holdout purchases per customer.
    pub actual: Vec<f64>,
    /// Mean conditional expected holdout purchases per customer.
    pub predicted: Vec<f64>,
}

/// Builds the calibration-vs-holdout table: rows 0, 1, …, `max_frequency − 1` and a last row
/// `≥ max_frequency`; empty rows are dropped.
///
/// # Errors
/// Invalid customer columns; `holdout_frequency` of the wrong length or not non-negative
/// integers; `holdout_length` negative; `max_frequency` 0.
pub fn calibration_holdout_table(
    model: &dyn TransactionModel, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    holdout_frequency: &[f64], holdout_length: f64, max_frequency: u64,
) -> Result<CalibrationHoldoutTable> {
    check_customers(frequency, recency, t_cal)?;
    check::same_len("holdout_frequency", frequency.len(), holdout_frequency.len())?;
    check::counts("holdout_frequency", holdout_frequency)?;
    check::scalar_non_negative("holdout_length", holdout_length)?;
    if max_frequency == 0 {
        return Err(Error::invalid("max_frequency", "must be at least 1"));
    }
    let pred = model.conditional_expected_purchases(holdout_length, frequency, recency, t_cal)?;
    let k = max_frequency as usize + 1;
    let (mut n, mut act, mut pr) = (vec![0.0; k], vec![0.0; k], vec![0.0; k]);
    for i in 0..frequency.len() {
        let b = (frequency[i] as u64).min(max_frequency) as usize;
        n[b] += 1.0;
        act[b] += holdout_frequency[i];
        pr[b] += pred[i];
    }
    let mut out = CalibrationHoldoutTable {
        frequency: vec![],
        n_customers: vec![],
        actual: vec![],
        predicted: vec![],
    };
    for b in 0..k {
        if n[b] > 0.0 {
            out.frequency.push(b as u64);
            out.n_customers.push(n[b]);
            out.actual.push(act[b] / n[b]);
            out.predicted.push(pr[b] / n[b]);
        }
    }
    Ok(out)
}

/// Actual vs expected histogram of calibration repeat purchases.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct RepeatHistogram {
    /// Bucket values 0, 1, …, `max_count`; the last bucket is "`max_count` or more".
    pub count: Vec<u64>,
    /// Customers observed in each bucket.
    pub actual: Vec<f64>,
    /// Customers expected in each bucket, `Σ_i P(X(T_i) = n)` (the last bucket takes the rest).
    pub expected: Vec<f64>,
    /// Pearson's χ² = Σ (actual − expected)² / expected over buckets with expected > 0.
    pub chi_square: f64,
    /// Buckets − 1 − number of model parameters (at least 1).
    pub degrees_of_freedom: usize,
}

/// Builds the repeat-transaction histogram and its χ² statistic.
///
/// # Errors
/// Invalid `frequency` / `T` (field and index); `max_count` 0.
pub fn repeat_histogram(
    model: &dyn TransactionModel, frequency: &[f64], t_cal: &[f64], max_count: u64,
) -> Result<RepeatHistogram> {
    check::non_empty("frequency", frequency.len())?;
    check::same_len("T", frequency.len(), t_cal.len())?;
    check::all("frequency", frequency, "must be a finite non-negative integer", |x| {
        x.is_finite() && x >= 0.0 && x.fract() == 0.0
    })?;
    check::non_negative("T", t_cal)?;
    if max_count == 0 {
        return Err(Error::invalid("max_count", "must be at least 1"));
    }
    let k = max_count as usize + 1;
    let mut actual = vec![0.0; k];
    for &x in frequency {
        actual[(x as u64).min(max_count) as usize] += 1.0;
    }
    // Group customers by T: the expectation only depends on it.
    let groups = distinct_counts(t_cal);
    let n_total = frequency.len() as f64;
    let mut expected = vec![0.0; k];
    for (t, w) in &groups {
        for (n, e) in expected.iter_mut().enumerate().take(k - 1) {
            *e += w * model.probability_of_n_purchases_at(*t, n as u64);
        }
    }
    let head: f64 = expected[..k - 1].iter().sum();
    expected[k - 1] = (n_total - head).max(0.0);
    let chi_square = actual
        .iter()
        .zip(&expected)
        .filter(|(_, e)| **e > 0.0)
        .map(|(a, e)| (a - e) * (a - e) / e)
        .sum();
    let dof = (k as i64 - 1 - model.param_names().len() as i64).max(1) as usize;
    Ok(RepeatHistogram {
        count: (0..=max_count).collect(),
        actual,
        expected,
        chi_square,
        degrees_of_freedom: dof,
    })
}
