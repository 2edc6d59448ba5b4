//! Lifetime ("buy 'til you die") models of repeat purchasing in non-contractual settings.
//!
//! * [`BgNbd`] — the beta-geometric/NBD model (Fader, Hardie & Lee 2005, *"Counting your
//!   customers" the easy way*, Marketing Science 24(2));
//! * [`MbgNbd`] — the modified BG/NBD (Batislam, Denizel & Filiztekin 2007, IJRM 24(3)), in which
//!   a customer may also drop out right after the first purchase;
//! * [`ParetoNbd`] — the Pareto/NBD (Schmittlein, Morrison & Colombo 1987; likelihood and
//!   expressions from Fader & Hardie's notes, 2005).
//!
//! All three consume a customer summary — `frequency` x (repeat purchases), `recency` t_x (age at
//! the last purchase) and `T` (age at the end of calibration), in any time unit — and share one
//! shape: [`FitOptions`] → `Xxx::fit(&SummaryData, &FitOptions)` → an immutable fitted model with
//! getters ([`FitDiagnostics`], [`Covariance`]) and vectorised predictions; or
//! `Xxx::from_params(params)` for known parameters. The [`TransactionModel`] trait is what they
//! have in common (and what customer-lifetime-value code integrates over).
//!
//! # Estimation
//! Maximum likelihood on the logarithms of the parameters with [`crate::optim::minimize`]
//! (BFGS). The objective is the *mean* negative log-likelihood per customer (weights sum to the
//! number of customers), plus `penalizer · Σ ln(θ_j)²`; the optimiser therefore behaves the same at
//! 2,000 and 10,000,000 customers. The log-likelihood reported is the sum over customers, in the
//! data's time unit — the number the papers print. Rows are summed in fixed-size chunks whose
//! partial sums are combined in order, so results are bit-identical with and without the
//! `parallel` feature. Gradients are analytic for every model: closed forms for the BG/NBD and
//! MBG/NBD, and for the Pareto/NBD moments of elementary functions under one Gauss–Legendre
//! quadrature of the likelihood's integral term (see `pareto_nbd.rs`), which gives value, gradient
//! and Hessian in one pass. Above 50,000 distinct rows the fit is warm-started from a fit on a
//! systematic subsample (every 8th row, recursively), which supplies both the starting point and
//! the initial inverse Hessian; the full-data optimisation and its convergence test are
//! unchanged. A model with a joint value–gradient–Hessian pass (the Pareto/NBD) finishes a
//! warm-started fit with Newton iterations instead of BFGS (each iteration one pass; step halving
//! if the objective does not decrease; BFGS if Newton fails), to the same gradient tolerance.
//!
//! The parameter covariance is the inverse of the exact Hessian of the total negative
//! log-likelihood in log-parameters, mapped to the natural scale with the delta method.
//!
//! # Prediction intervals
//! `probability_alive_interval` and `conditional_expected_purchases_interval` use the **delta
//! method**: the gradient of the prediction with respect to the log-parameters (central differences)
//! combined with the log-parameter covariance gives a standard error on the logit scale (for
//! P(alive)) or the log scale (for expected purchases); the interval is formed there and mapped
//! back, so it always lies inside the prediction's range.

use crate::error::{check, Error, Result};

pub mod any;
pub mod bg_bb;
mod bg_family;
pub mod bg_nbd;
pub mod diagnostics;
pub mod gamma_gamma;
pub mod mbg_nbd;
pub mod pareto_nbd;
pub mod persist;
pub mod sbg;
pub mod simulate;

pub use any::AnyModel;
pub use bg_bb::{BgBb, BgBbParams};
pub use bg_nbd::{BgNbd, BgNbdParams};
pub use diagnostics::{
    calibration_holdout_table, repeat_histogram, CalibrationHoldoutTable, RepeatHistogram,
};
pub use gamma_gamma::{frequency_monetary_correlation, GammaGamma, GammaGammaParams};
pub use mbg_nbd::{MbgNbd, MbgNbdParams};
pub use pareto_nbd::{ParetoNbd, ParetoNbdParams};
pub use persist::ModelKind;
pub use sbg::{SbgParams, ShiftedBetaGeometric};
pub use simulate::{Rng, SimulatedCohort, SimulationOptions};

/// Rows per chunk of the likelihood sums (fixed, so the summation order never changes).
const CHUNK: usize = 2048;

/// Options of the maximum-likelihood fits.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FitOptions {
    /// L2 penalty on the log-parameters, added to the mean negative log-likelihood:
    /// `penalizer · Σ ln(θ_j)²` (default 0, i.e. plain maximum likelihood).
    pub penalizer: f64,
    /// Maximum number of BFGS iterations (default 200).
    pub max_iterations: usize,
    /// Convergence tolerance on the largest gradient component of the scaled objective
    /// (default [`crate::prec::OPTIM_GRAD_TOL`]).
    pub tolerance: f64,
    /// Starting values on the natural scale (default: automatic, from the data's moments).
    pub initial: Option<Vec<f64>>,
    /// The unit of time of the data (ages, recency, T), recorded by the fitted model so that
    /// downstream computations (CLV) use it (default `None`: unknown; CLV then needs an
    /// explicit unit).
    #[cfg_attr(feature = "serde", serde(default))]
    pub time_unit: Option<crate::TimeUnit>,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            penalizer: 0.0,
            max_iterations: 200,
            tolerance: crate::prec::OPTIM_GRAD_TOL,
            initial: None,
            time_unit: None,
        }
    }
}

impl FitOptions {
    fn validate(&self, names: &[&str]) -> Result<()> {
        check::scalar_non_negative("penalizer", self.penalizer)?;
        check::scalar_positive("tolerance", self.tolerance)?;
        if self.max_iterations == 0 {
            return Err(Error::invalid("max_iterations", "must be at least 1"));
        }
        if let Some(init) = &self.initial {
            check::same_len("initial", names.len(), init.len())?;
            check::all("initial", init, "must be finite and > 0", |v| v.is_finite() && v > 0.0)?;
        }
        Ok(())
    }
}

/// Goodness of fit and optimiser diagnostics of a fitted model.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct FitDiagnostics {
    /// Log-likelihood at the estimate (sum over customers, in the data's time unit).
    pub log_likelihood: f64,
    /// Akaike information criterion, `2k − 2 LL`.
    pub aic: f64,
    /// Bayesian information criterion, `k ln n − 2 LL`.
    pub bic: f64,
    /// BFGS iterations.
    pub iterations: usize,
    /// Largest gradient component of the scaled objective at the estimate.
    pub gradient_norm: f64,
    /// True when the gradient tolerance was reached (always true for a returned fit).
    pub converged: bool,
    /// Number of customers (sum of the weights).
    pub n_obs: f64,
    /// The L2 penalizer used.
    pub penalizer: f64,
}

/// Covariance of the estimated parameters.
///
/// Built from the log-parameter covariance `Σ_log` (inverse Hessian of the negative
/// log-likelihood in `ln θ`): the natural-scale covariance is `D Σ_log D` with `D = diag(θ)`
/// (delta method), and confidence intervals are `exp(ln θ ± z·se_log)`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Covariance {
    params: Vec<f64>,
    log_covariance: Vec<Vec<f64>>,
}

impl Covariance {
    /// From parameters (natural scale) and the covariance of their logarithms.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`covariance`) when the matrix is not square of the parameters'
    /// size, not symmetric, or has a non-finite or negative diagonal.
    pub fn from_log_covariance(params: Vec<f64>, log_covariance: Vec<Vec<f64>>) -> Result<Self> {
        let k = params.len();
        check::same_len("covariance", k, log_covariance.len())?;
        for (i, row) in log_covariance.iter().enumerate() {
            check::same_len("covariance", k, row.len())?;
            check::finite("covariance", row)?;
            if row[i] < 0.0 {
                return Err(Error::invalid_at("covariance", i, "negative variance"));
            }
            for (j, v) in row.iter().enumerate() {
                let other = log_covariance[j][i];
                if (v - other).abs() > 1e-9 * (v.abs() + other.abs()).max(1e-300) {
                    return Err(Error::invalid_at("covariance", i, "matrix is not symmetric"));
                }
            }
        }
        Ok(Covariance { params, log_covariance })
    }

    /// Covariance of the log-parameters.
    pub fn log_matrix(&self) -> &[Vec<f64>] {
        &self.log_covariance
    }

    /// Covariance of the parameters on their natural scale (delta method).
    pub fn matrix(&self) -> Vec<Vec<f64>> {
        let p = &self.params;
        self.log_covariance
            .iter()
            .enumerate()
            .map(|(i, row)| row.iter().enumerate().map(|(j, v)| v * p[i] * p[j]).collect())
            .collect()
    }

    /// Standard errors on the natural scale, `θ_j · se(ln θ_j)`.
    pub fn standard_errors(&self) -> Vec<f64> {
        self.params.iter().enumerate().map(|(i, p)| p * self.log_covariance[i][i].sqrt()).collect()
    }

    /// Confidence intervals `(lower, upper)` at `level` (e.g. 0.95), formed on the log scale:
    /// `exp(ln θ ± z·se(ln θ))`, so they are positive and asymmetric.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`level`) unless `0 < level < 1`.
    pub fn confidence_intervals(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        let z = z_for_level(level)?;
        Ok(self
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let half = z * self.log_covariance[i][i].sqrt();
                (p * (-half).exp(), p * half.exp())
            })
            .collect())
    }
}

/// Standard normal quantile Φ⁻¹(p) for 0 < p < 1 (Acklam's rational approximation refined by two
/// Halley steps with the exact normal tail from [`crate::special::ln_upper_incomplete_gamma`]).
///
/// # Examples
/// ```
/// let z = cvm_core::models::normal_quantile(0.975);
/// assert!((z - 1.959963984540054).abs() < 1e-12);
/// ```
pub fn normal_quantile(p: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) {
        return if p == 0.0 {
            f64::NEG_INFINITY
        } else if p == 1.0 {
            f64::INFINITY
        } else {
            f64::NAN
        };
    }
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let tail = |q: f64| {
        let u = (-2.0 * q.ln()).sqrt();
        (((((C[0] * u + C[1]) * u + C[2]) * u + C[3]) * u + C[4]) * u + C[5])
            / ((((D[0] * u + D[1]) * u + D[2]) * u + D[3]) * u + 1.0)
    };
    let mut x = if p < 0.02425 {
        tail(p)
    } else if p > 1.0 - 0.02425 {
        -tail(1.0 - p)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    };
    // Halley refinement: Φ(x) = Q(1/2, x²/2)/2 for x < 0.
    for _ in 0..2 {
        let ln_gamma_tail = crate::special::ln_upper_incomplete_gamma(0.5, 0.5 * x * x);
        let half_tail = 0.5 * (ln_gamma_tail - 0.5 * std::f64::consts::PI.ln()).exp();
        let cdf = if x < 0.0 { half_tail } else { 1.0 - half_tail };
        let e = cdf - p;
        let pdf = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let u = e / pdf;
        x -= u / (1.0 + 0.5 * x * u);
    }
    x
}

/// Two-sided normal critical value for a confidence `level`.
pub(crate) fn z_for_level(level: f64) -> Result<f64> {
    if !(level > 0.0 && level < 1.0) {
        return Err(Error::invalid("level", format!("must be in (0, 1) (got {level})")));
    }
    Ok(normal_quantile(0.5 + 0.5 * level))
}

/// A validated customer summary `(frequency, recency, T)` with weights, ready for fitting.
///
/// Validation: equal non-zero lengths; frequency a whole number in `0..=`[`MAX_FREQUENCY`]; recency and T
/// finite and non-negative; recency ≤ T; recency > 0 when frequency > 0; weights finite and > 0.
/// Without weights, identical rows are compressed (see [`crate::compress()`]) when that removes at
/// least a fifth of them; the likelihood is unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryData {
    frequency: Vec<f64>,
    recency: Vec<f64>,
    t: Vec<f64>,
    weight: Vec<f64>,
    n_obs: f64,
    n_customers: usize,
    x_levels: Vec<f64>,
    x_index: Vec<u32>,
}

/// Validates per-customer `(x, t_x, T)` columns (shared by fitting and prediction).
///
/// The rules are tested in one fused pass over the rows — in parallel over fixed chunks with the
/// `parallel` feature, branch-free inside a chunk. Only when some row fails are the columns
/// re-checked one rule at a time, so the error is exactly that of checking column by column: the
/// first invalid frequency, else the first invalid recency, else the first invalid T, else the
/// first row breaking a rule between columns.
pub(crate) fn check_customers(frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<()> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, recency.len())?;
    check::same_len("T", n, t.len())?;
    let rows_ok = |range: std::ops::Range<usize>| -> bool {
        let (f, r, tt) = (&frequency[range.clone()], &recency[range.clone()], &t[range]);
        let mut ok = true;
        for i in 0..f.len() {
            ok &= customer_row_ok(f[i], r[i], tt[i]);
        }
        ok
    };
    #[cfg(feature = "parallel")]
    let all_ok = {
        use rayon::prelude::*;
        const ROWS: usize = 16 * CHUNK;
        if n > ROWS {
            (0..n.div_ceil(ROWS))
                .into_par_iter()
                .all(|k| rows_ok(k * ROWS..((k + 1) * ROWS).min(n)))
        } else {
            rows_ok(0..n)
        }
    };
    #[cfg(not(feature = "parallel"))]
    let all_ok = rows_ok(0..n);
    if all_ok {
        return Ok(());
    }
    check::all("frequency", frequency, FREQUENCY_RULE, is_count)?;
    check::non_negative("recency", recency)?;
    check::non_negative("T", t)?;
    for i in 0..n {
        if recency[i] > t[i] {
            return Err(Error::invalid_at(
                "recency",
                i,
                format!("must not exceed T (got {} > {})", recency[i], t[i]),
            ));
        }
        if frequency[i] > 0.0 && recency[i] == 0.0 {
            return Err(Error::invalid_at(
                "recency",
                i,
                "must be > 0 when frequency > 0 (a repeat purchase happens after the first)",
            ));
        }
    }
    Ok(())
}

/// The largest frequency (repeat purchases) the lifetime models take: 2⁵³, the end of the range
/// where every whole number is a distinct double. No purchase history comes near it; far beyond
/// it (x ~ 1e30) the expectations' incomplete-beta tails cannot reach their tolerance within
/// their work bound, so a larger frequency is an [`Error::InvalidValue`] naming the row.
pub const MAX_FREQUENCY: f64 = 9_007_199_254_740_992.0;

/// The frequency rule of [`check_customers`].
const FREQUENCY_RULE: &str = "must be a whole number in 0..=2^53 (MAX_FREQUENCY)";

/// A whole number in `0..=MAX_FREQUENCY` (the truncating conversion is exact there and needs no
/// `trunc` library call on baseline x86-64).
#[inline]
fn is_count(x: f64) -> bool {
    (0.0..=MAX_FREQUENCY).contains(&x) && (x as u64) as f64 == x
}

/// Every rule of [`check_customers`] for one row, without branches. It may reject a valid row
/// (a frequency beyond 2⁶⁴), never accept an invalid one: a rejection only sends the caller to
/// the column-by-column checks.
#[inline]
fn customer_row_ok(x: f64, t_x: f64, t_cal: f64) -> bool {
    let finite = x.is_finite() & t_x.is_finite() & t_cal.is_finite();
    let count = (0.0..=MAX_FREQUENCY).contains(&x) & ((x as u64) as f64 == x);
    finite & count & (t_x >= 0.0) & (t_x <= t_cal) & ((x == 0.0) | (t_x > 0.0))
}

impl SummaryData {
    /// Validates and stores a summary; `weights` (e.g. counts of identical customers) default to 1.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], or [`Error::InvalidValue`] naming the field
    /// (`frequency`, `recency`, `T`, `weights`) and the first offending index.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::SummaryData;
    /// let d = SummaryData::new(&[0.0, 2.0, 0.0], &[0.0, 5.0, 0.0], &[10.0, 10.0, 10.0], None)?;
    /// assert_eq!(d.n_obs(), 3.0);
    /// let bad = SummaryData::new(&[1.0], &[0.0], &[4.0], None).unwrap_err();
    /// assert_eq!((bad.field(), bad.index()), (Some("recency"), Some(0)));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn new(
        frequency: &[f64],
        recency: &[f64],
        t: &[f64],
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        check_customers(frequency, recency, t)?;
        let n = frequency.len();
        let (f, r, tt, w) = match weights {
            Some(w) => {
                check::same_len("weights", n, w.len())?;
                check::all("weights", w, "must be finite and > 0", |v| v.is_finite() && v > 0.0)?;
                (frequency.to_vec(), recency.to_vec(), t.to_vec(), w.to_vec())
            }
            None => {
                let c = crate::compress::compress(frequency, recency, t)?;
                if c.len() * 5 <= n * 4 {
                    let w = c.weights_f64();
                    (c.frequency, c.recency, c.t, w)
                } else {
                    (frequency.to_vec(), recency.to_vec(), t.to_vec(), vec![1.0; n])
                }
            }
        };
        // Frequency levels for the per-x tables of the likelihoods.
        let mut levels: Vec<f64> = f.clone();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let x_index = f
            .iter()
            .map(|x| levels.binary_search_by(|l| l.total_cmp(x)).unwrap_or(0) as u32)
            .collect();
        let n_obs = w.iter().sum();
        Ok(SummaryData {
            frequency: f,
            recency: r,
            t: tt,
            weight: w,
            n_obs,
            n_customers: n,
            x_levels: levels,
            x_index,
        })
    }

    /// Sum of the weights (the number of customers the likelihood counts).
    pub fn n_obs(&self) -> f64 {
        self.n_obs
    }

    /// Number of input rows (before any compression).
    pub fn n_customers(&self) -> usize {
        self.n_customers
    }

    /// Number of rows actually evaluated (after any compression).
    pub fn n_rows(&self) -> usize {
        self.weight.len()
    }

    /// Frequencies of the stored rows.
    pub fn frequency(&self) -> &[f64] {
        &self.frequency
    }

    /// Recencies of the stored rows.
    pub fn recency(&self) -> &[f64] {
        &self.recency
    }

    /// T of the stored rows.
    pub fn t(&self) -> &[f64] {
        &self.t
    }

    /// Weights of the stored rows.
    pub fn weight(&self) -> &[f64] {
        &self.weight
    }

    pub(crate) fn x_levels(&self) -> &[f64] {
        &self.x_levels
    }

    pub(crate) fn x_index(&self) -> &[u32] {
        &self.x_index
    }

    /// Every `stride`-th row (a deterministic subsample, for warm starts).
    pub(crate) fn subsample(&self, stride: usize) -> SummaryData {
        let pick = |v: &[f64]| -> Vec<f64> { v.iter().step_by(stride).copied().collect() };
        let weight = pick(&self.weight);
        let x_index: Vec<u32> = self.x_index.iter().step_by(stride).copied().collect();
        SummaryData {
            frequency: pick(&self.frequency),
            recency: pick(&self.recency),
            t: pick(&self.t),
            n_obs: weight.iter().sum(),
            n_customers: weight.len(),
            weight,
            x_levels: self.x_levels.clone(),
            x_index,
        }
    }

    /// Weighted means of frequency, recency and T (for starting values).
    pub(crate) fn means(&self) -> (f64, f64, f64) {
        let mut m = (0.0, 0.0, 0.0);
        for i in 0..self.weight.len() {
            m.0 += self.weight[i] * self.frequency[i];
            m.1 += self.weight[i] * self.recency[i];
            m.2 += self.weight[i] * self.t[i];
        }
        (m.0 / self.n_obs, m.1 / self.n_obs, m.2 / self.n_obs)
    }
}

/// Sum over row chunks, in a fixed order. `f(range, grad)` returns a chunk's weighted log-likelihood
/// and adds its weighted gradient into `grad` (length `k`).
pub(crate) fn chunked_sum<F>(n: usize, k: usize, f: F) -> (f64, Vec<f64>)
where
    F: Fn(std::ops::Range<usize>, &mut [f64]) -> f64 + Sync + Send,
{
    let starts: Vec<usize> = (0..n).step_by(CHUNK).collect();
    let work = |&s: &usize| {
        let mut g = vec![0.0; k];
        let v = f(s..(s + CHUNK).min(n), &mut g);
        (v, g)
    };
    #[cfg(feature = "parallel")]
    let parts: Vec<(f64, Vec<f64>)> = {
        use rayon::prelude::*;
        if starts.len() > 1 {
            starts.par_iter().map(work).collect()
        } else {
            starts.iter().map(work).collect()
        }
    };
    #[cfg(not(feature = "parallel"))]
    let parts: Vec<(f64, Vec<f64>)> = starts.iter().map(work).collect();
    let mut total = 0.0;
    let mut grad = vec![0.0; k];
    for (v, g) in parts {
        total += v;
        for j in 0..k {
            grad[j] += g[j];
        }
    }
    (total, grad)
}

/// Maps `f` over `0..n` (in parallel with the `parallel` feature; the result is identical).
pub(crate) fn par_map<F>(n: usize, f: F) -> Vec<f64>
where
    F: Fn(usize) -> f64 + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n >= CHUNK {
            return (0..n).into_par_iter().with_min_len(CHUNK / 4).map(f).collect();
        }
    }
    (0..n).map(f).collect()
}

/// Maps `f` over `0..n` into two columns (in parallel with the `parallel` feature; the result is
/// identical).
pub(crate) fn par_map2<F>(n: usize, f: F) -> (Vec<f64>, Vec<f64>)
where
    F: Fn(usize) -> (f64, f64) + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n >= CHUNK {
            let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
            (0..n).into_par_iter().with_min_len(CHUNK / 4).map(f).unzip_into_vecs(&mut a, &mut b);
            return (a, b);
        }
    }
    (0..n).map(f).unzip()
}

/// Per-frequency terms of a likelihood of the form
/// `ℓ = h(x) + ln(e^{A₁} + e^{A₂})`, `A_k = c_k(x) − (r+x) ln(α + τ_k)` with `τ₁ = T`, `τ₂ = t_x`
/// (the BG/NBD and MBG/NBD), with derivatives in `(r, α, a, b)`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct XTerms {
    /// `h(x)`.
    pub head: f64,
    /// `∇h`.
    pub head_grad: [f64; 4],
    /// `∇²h` (symmetric).
    pub head_hess: [[f64; 4]; 4],
    /// `c₁, c₂`.
    pub c: [f64; 2],
    /// `(∂c_k/∂a, ∂c_k/∂b)`.
    pub c_grad: [[f64; 2]; 2],
    /// `(∂²c_k/∂a², ∂²c_k/∂b²)` (the models have no cross term).
    pub c_hess: [[f64; 2]; 2],
    /// `r + x`.
    pub rx: f64,
    /// Whether the second term is present.
    pub two: bool,
}

/// What [`two_term_total`] computes besides the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Value,
    Gradient,
    Hessian,
}

/// Weighted sums of `ℓ`, `∇ℓ` and `∇²ℓ` over the rows (natural parameters).
pub(crate) fn two_term_total(
    data: &SummaryData,
    alpha: f64,
    table: &[XTerms],
    order: Order,
) -> (f64, [f64; 4], [[f64; 4]; 4]) {
    let (rec, t, w, xi) = (data.recency(), data.t(), data.weight(), data.x_index());
    let k = match order {
        Order::Value => 0,
        Order::Gradient => 4,
        Order::Hessian => 20,
    };
    let (total, acc) = chunked_sum(rec.len(), k, |range, acc| {
        let mut s = 0.0;
        for i in range {
            let tb = &table[xi[i] as usize];
            let wi = w[i];
            let l1 = (alpha + t[i]).ln();
            let a1 = tb.c[0] - tb.rx * l1;
            let (d, p2, l2) = if tb.two {
                let l2 = (alpha + rec[i]).ln();
                let a2 = tb.c[1] - tb.rx * l2;
                let (hi, lo) = if a1 >= a2 { (a1, a2) } else { (a2, a1) };
                let e = (lo - hi).exp();
                let p_lo = e / (1.0 + e);
                let p2 = if a1 >= a2 { p_lo } else { 1.0 - p_lo };
                (hi + e.ln_1p(), p2, l2)
            } else {
                (a1, 0.0, 0.0)
            };
            s += wi * (tb.head + d);
            if order == Order::Value {
                continue;
            }
            let p1 = 1.0 - p2;
            let (u1, u2) = (1.0 / (alpha + t[i]), 1.0 / (alpha + rec[i]));
            let g1 = [-l1, -tb.rx * u1, tb.c_grad[0][0], tb.c_grad[0][1]];
            let g2 = [-l2, -tb.rx * u2, tb.c_grad[1][0], tb.c_grad[1][1]];
            for j in 0..4 {
                acc[j] += wi * (tb.head_grad[j] + p1 * g1[j] + p2 * g2[j]);
            }
            if order == Order::Hessian {
                let mut h = tb.head_hess;
                // π₁∇²A₁ + π₂∇²A₂
                h[0][1] -= p1 * u1 + p2 * u2;
                h[1][0] = h[0][1];
                h[1][1] += tb.rx * (p1 * u1 * u1 + p2 * u2 * u2);
                h[2][2] += p1 * tb.c_hess[0][0] + p2 * tb.c_hess[1][0];
                h[3][3] += p1 * tb.c_hess[0][1] + p2 * tb.c_hess[1][1];
                // + π₁π₂ (∇A₁ − ∇A₂)(∇A₁ − ∇A₂)ᵀ
                if tb.two {
                    let q = p1 * p2;
                    let dv = [g1[0] - g2[0], g1[1] - g2[1], g1[2] - g2[2], g1[3] - g2[3]];
                    for a in 0..4 {
                        for b in 0..4 {
                            h[a][b] += q * dv[a] * dv[b];
                        }
                    }
                }
                for a in 0..4 {
                    for b in 0..4 {
                        acc[4 + 4 * a + b] += wi * h[a][b];
                    }
                }
            }
        }
        s
    });
    let mut g = [0.0; 4];
    let mut h = [[0.0; 4]; 4];
    if k >= 4 {
        g.copy_from_slice(&acc[..4]);
    }
    if k == 20 {
        for a in 0..4 {
            h[a].copy_from_slice(&acc[4 + 4 * a..8 + 4 * a]);
        }
    }
    (total, g, h)
}

/// What a model provides to the shared maximum-likelihood driver.
pub(crate) trait Likelihood: Sync {
    /// The model's name (as in [`ModelKind::as_str`]), for errors.
    const MODEL: &'static str;
    /// Parameter names, in order.
    const NAMES: &'static [&'static str];
    /// Total weighted log-likelihood at natural parameters `p`; when `grad` is given, the
    /// gradient with respect to the natural parameters is written into it.
    fn total(&self, data: &SummaryData, p: &[f64], grad: Option<&mut [f64]>) -> f64;

    /// Whether [`Likelihood::total`]'s gradient is analytic; if not, the covariance comes from
    /// second differences of the value rather than differences of a differenced gradient.
    const ANALYTIC_GRADIENT: bool = true;

    /// The exact Hessian of the total log-likelihood in the natural parameters, when the model
    /// has one (otherwise the driver differentiates the gradient numerically).
    fn hessian(&self, _data: &SummaryData, _p: &[f64]) -> Option<Vec<Vec<f64>>> {
        None
    }

    /// Whether [`Likelihood::total_with_hessian`] is implemented: the driver then finishes a
    /// warm-started fit with Newton iterations (one pass per iteration instead of a BFGS run).
    const JOINT_HESSIAN: bool = false;

    /// The total log-likelihood, its gradient and its exact Hessian (natural parameters) from
    /// one pass over the data, when the model can compute them together.
    fn total_with_hessian(&self, _data: &SummaryData, _p: &[f64]) -> Option<JointPass> {
        None
    }
}

/// Value, gradient and Hessian of a total log-likelihood in the natural parameters.
pub(crate) struct JointPass {
    pub value: f64,
    pub gradient: Vec<f64>,
    pub hessian: Vec<Vec<f64>>,
}

/// The outcome of [`newton_polish`]: a converged point, its objective value and gradient
/// (ln-parameters, mean objective) and the total Hessian of the penalised negative
/// log-likelihood there.
struct NewtonFit {
    theta: Vec<f64>,
    value: f64,
    gradient: Vec<f64>,
    hessian_total: Vec<Vec<f64>>,
    iterations: usize,
}

/// Newton's method on the mean penalised negative log-likelihood in `θ = ln p`, from a warm
/// start close to the optimum, with step halving when the objective does not decrease. Each
/// iteration is one joint pass; the Hessian of the last pass gives the covariance. `None` when
/// the model has no joint pass, a Hessian is not positive definite, or it does not converge
/// within a few iterations (the caller then runs BFGS).
fn newton_polish<L: Likelihood>(
    model: &L,
    data: &SummaryData,
    pen: f64,
    theta0: &[f64],
    tol: f64,
) -> Option<NewtonFit> {
    let k = theta0.len();
    let w = data.n_obs();
    // Objective, gradient and Hessian (mean scale) at θ.
    let eval = |theta: &[f64]| -> Option<(f64, Vec<f64>, Vec<Vec<f64>>)> {
        let p: Vec<f64> = theta.iter().map(|v| v.exp()).collect();
        let jp = model.total_with_hessian(data, &p)?;
        let mut val = -jp.value / w;
        let mut g = vec![0.0; k];
        let mut h = vec![vec![0.0; k]; k];
        for i in 0..k {
            g[i] = -jp.gradient[i] * p[i] / w + 2.0 * pen * theta[i];
            val += pen * theta[i] * theta[i];
            for j in 0..k {
                h[i][j] = -jp.hessian[i][j] * p[i] * p[j] / w;
            }
            h[i][i] += -jp.gradient[i] * p[i] / w + 2.0 * pen;
        }
        let ok = val.is_finite() && g.iter().chain(h.iter().flatten()).all(|v| v.is_finite());
        ok.then_some((val, g, h))
    };
    let mut theta = theta0.to_vec();
    let (mut val, mut g, mut h) = eval(&theta)?;
    for iteration in 0..8 {
        if g.iter().all(|v| v.abs() <= tol) {
            let hessian_total = h.iter().map(|r| r.iter().map(|v| v * w).collect()).collect();
            return Some(NewtonFit {
                theta,
                value: val,
                gradient: g,
                hessian_total,
                iterations: iteration,
            });
        }
        let inv = crate::optim::invert_spd(&h).ok()?;
        let step: Vec<f64> =
            (0..k).map(|i| -(0..k).map(|j| inv[i][j] * g[j]).sum::<f64>()).collect();
        let mut t = 1.0;
        let next = loop {
            let cand: Vec<f64> = (0..k).map(|i| theta[i] + t * step[i]).collect();
            match eval(&cand) {
                Some(e) if e.0 <= val + 1e-12 * val.abs() => break Some((cand, e)),
                _ if t > 1.0 / 64.0 => t *= 0.5,
                _ => break None,
            }
        };
        let (cand, e) = next?;
        theta = cand;
        (val, g, h) = e;
    }
    None
}

/// The outcome of [`fit_ml`].
pub(crate) struct MlFit {
    pub params: Vec<f64>,
    pub diagnostics: FitDiagnostics,
    pub covariance: Option<Covariance>,
}

/// Above this many rows, the fit first runs on a systematic subsample (every
/// [`WARM_START_STRIDE`]-th row, recursively) to get starting values and an inverse-Hessian
/// estimate; the full-data BFGS then needs only a few iterations. The full-data optimum and its
/// convergence test are unchanged.
const WARM_START_ROWS: usize = 50_000;
/// Subsampling stride of the warm start.
const WARM_START_STRIDE: usize = 8;

/// The optimiser's objective at `θ = ln p`: the mean negative log-likelihood per customer plus
/// `pen · Σ θ_j²`, with its gradient in `θ` written into `g`.
fn mean_objective<L: Likelihood>(
    model: &L,
    data: &SummaryData,
    pen: f64,
    theta: &[f64],
    g: &mut [f64],
) -> f64 {
    let w = data.n_obs();
    let p: Vec<f64> = theta.iter().map(|v| v.exp()).collect();
    let mut gp = vec![0.0; theta.len()];
    let ll = model.total(data, &p, Some(&mut gp));
    let mut val = -ll / w;
    for j in 0..theta.len() {
        g[j] = -gp[j] * p[j] / w + 2.0 * pen * theta[j];
        val += pen * theta[j] * theta[j];
    }
    val
}

/// Maximum likelihood on log-parameters, shared by every model.
pub(crate) fn fit_ml<L: Likelihood>(
    model: &L,
    data: &SummaryData,
    options: &FitOptions,
    auto_start: Vec<f64>,
) -> Result<MlFit> {
    options.validate(L::NAMES)?;
    let k = L::NAMES.len();
    let pen = options.penalizer;
    let mut objective = |theta: &[f64], g: &mut [f64]| mean_objective(model, data, pen, theta, g);
    let mut opt = crate::optim::OptimOptions {
        max_iterations: options.max_iterations,
        gradient_tolerance: options.tolerance,
        ..Default::default()
    };
    let mut starts: Vec<Vec<f64>> = match &options.initial {
        Some(init) => vec![init.clone()],
        None => vec![auto_start.clone(), vec![1.0; k]],
    };
    if options.initial.is_none() && data.n_rows() > WARM_START_ROWS {
        let sub = data.subsample(WARM_START_STRIDE);
        let warm = FitOptions { initial: None, ..options.clone() };
        if let Ok(f) = fit_ml(model, &sub, &warm, auto_start) {
            if let Some(c) = &f.covariance {
                // Inverse Hessian of the *mean* objective = covariance × number of customers.
                let scale = sub.n_obs();
                opt.initial_inverse_hessian = Some(
                    c.log_matrix().iter().map(|r| r.iter().map(|v| v * scale).collect()).collect(),
                );
            }
            starts.insert(0, f.params);
        }
    }
    if L::JOINT_HESSIAN && options.initial.is_none() && data.n_rows() > WARM_START_ROWS {
        let theta0: Vec<f64> = starts[0].iter().map(|v| v.ln()).collect();
        if let Some(nf) = newton_polish(model, data, pen, &theta0, options.tolerance) {
            let res = crate::optim::OptimResult {
                gradient_norm: nf.gradient.iter().fold(0.0, |m: f64, v| m.max(v.abs())),
                x: nf.theta,
                value: nf.value,
                gradient: nf.gradient,
                iterations: nf.iterations,
                evaluations: nf.iterations + 1,
                converged: true,
                reason: crate::optim::StopReason::GradientTolerance,
            };
            return finish_fit(model, data, options, res, Some(nf.hessian_total));
        }
    }
    let mut last = None;
    for start in starts {
        let theta0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        let res = crate::optim::minimize(&mut objective, &theta0, &opt);
        opt.initial_inverse_hessian = None;
        let done = res.converged;
        last = Some(res);
        if done {
            break;
        }
    }
    let res = last.expect("at least one start");
    finish_fit(model, data, options, res, None)
}

/// Diagnostics and covariance of a finished optimisation (`hessian_total`: the total Hessian of
/// the penalised negative log-likelihood in ln-parameters, when already known).
fn finish_fit<L: Likelihood>(
    model: &L,
    data: &SummaryData,
    options: &FitOptions,
    res: crate::optim::OptimResult,
    hessian_total: Option<Vec<Vec<f64>>>,
) -> Result<MlFit> {
    let k = L::NAMES.len();
    let w = data.n_obs();
    let pen = options.penalizer;
    let mut objective = |theta: &[f64], g: &mut [f64]| mean_objective(model, data, pen, theta, g);
    let params: Vec<f64> = res.x.iter().map(|v| v.exp()).collect();
    // The objective at the optimum is −LL/W + penalty: recover LL without another pass.
    let penalty: f64 = res.x.iter().map(|t| pen * t * t).sum();
    let ll = if res.value.is_finite() {
        -(res.value - penalty) * w
    } else {
        model.total(data, &params, None)
    };
    if !res.converged && !params.iter().all(|p| (PARAM_MIN..=PARAM_MAX).contains(p)) {
        // Lost towards a boundary of the parameter space: the data do not bound the estimate.
        check_estimate(L::MODEL, L::NAMES, &params).map_err(|e| match e {
            Error::NotIdentified { model, reason } => Error::NotIdentified {
                model,
                reason: format!("{reason} (the optimiser stopped: {})", res.reason.as_str()),
            },
            other => other,
        })?;
    }
    if !res.converged || !params.iter().all(|p| p.is_finite() && *p > 0.0) {
        return Err(Error::NotConverged {
            iterations: res.iterations,
            gradient_norm: res.gradient_norm,
            log_likelihood: ll,
            params,
            reason: res.reason.as_str().to_string(),
        });
    }
    let kf = k as f64;
    let diagnostics = FitDiagnostics {
        log_likelihood: ll,
        aic: 2.0 * kf - 2.0 * ll,
        bic: kf * w.ln() - 2.0 * ll,
        iterations: res.iterations,
        gradient_norm: res.gradient_norm,
        converged: true,
        n_obs: w,
        penalizer: pen,
    };
    // Covariance: inverse Hessian of the total negative log-likelihood (+ penalty) in ln θ, from
    // the model's exact Hessian when it has one, else by differencing the analytic gradient.
    let exact = || {
        let hp = model.hessian(data, &params)?;
        // ∂LL/∂θ_j = p_j ∂LL/∂p_j = (2 pen θ_j − g_j) W from the objective's gradient g.
        let g_theta: Vec<f64> =
            (0..k).map(|j| (2.0 * pen * res.x[j] - res.gradient[j]) * w).collect();
        Some(
            (0..k)
                .map(|i| {
                    (0..k)
                        .map(|j| {
                            let mut v = -hp[i][j] * params[i] * params[j];
                            if i == j {
                                v += -g_theta[i] + 2.0 * pen * w;
                            }
                            v
                        })
                        .collect()
                })
                .collect(),
        )
    };
    let hessian_total: Option<Vec<Vec<f64>>> = match hessian_total.or_else(exact) {
        Some(h) => Some(h),
        None if L::ANALYTIC_GRADIENT => crate::optim::hessian_from_gradient(&mut objective, &res.x)
            .ok()
            .map(|h| h.into_iter().map(|row| row.into_iter().map(|v| v * w).collect()).collect()),
        None => {
            let mut value = |theta: &[f64]| -> f64 {
                let p: Vec<f64> = theta.iter().map(|v| v.exp()).collect();
                let pnl: f64 = theta.iter().map(|t| pen * t * t).sum();
                -model.total(data, &p, None) / w + pnl
            };
            crate::optim::hessian_from_value(&mut value, &res.x).ok().map(|h| {
                h.into_iter().map(|row| row.into_iter().map(|v| v * w).collect()).collect()
            })
        }
    };
    let covariance = hessian_total
        .and_then(|h| crate::optim::invert_spd(&h).ok())
        .map(|c| Covariance { params: params.clone(), log_covariance: c });
    Ok(MlFit { params, diagnostics, covariance })
}

/// Validates a scalar time horizon `t ≥ 0`.
pub(crate) fn check_t(field: &str, t: f64) -> Result<()> {
    check::scalar_non_negative(field, t)
}

/// Delta-method interval for a prediction `f(params)`, formed on a link scale.
pub(crate) enum Link {
    /// log (positive predictions)
    Log,
    /// logit (probabilities)
    Logit,
}

pub(crate) fn delta_interval(
    params: &[f64],
    cov: &Covariance,
    z: f64,
    link: Link,
    f: &dyn Fn(&[f64]) -> f64,
) -> (f64, f64) {
    let value = f(params);
    type Map = fn(f64) -> f64;
    let (fwd, inv): (Map, Map) = match link {
        Link::Log => (|v: f64| v.ln(), |u: f64| u.exp()),
        Link::Logit => (|v: f64| (v / (1.0 - v)).ln(), |u: f64| 1.0 / (1.0 + (-u).exp())),
    };
    let center = fwd(value);
    if !center.is_finite() {
        // At the boundary of the range (0, or P(alive) = 1): no spread on the link scale.
        return (value, value);
    }
    let k = params.len();
    let h: f64 = 1e-5;
    let mut grad = vec![0.0; k];
    let mut p = params.to_vec();
    for j in 0..k {
        p[j] = params[j] * h.exp();
        let up = fwd(f(&p));
        p[j] = params[j] * (-h).exp();
        let down = fwd(f(&p));
        p[j] = params[j];
        grad[j] = if up.is_finite() && down.is_finite() { (up - down) / (2.0 * h) } else { 0.0 };
    }
    let s = cov.log_matrix();
    let var: f64 = (0..k).map(|i| (0..k).map(|j| grad[i] * s[i][j] * grad[j]).sum::<f64>()).sum();
    let se = var.max(0.0).sqrt();
    (inv(center - z * se), inv(center + z * se))
}

/// What every lifetime model can predict per customer; the vectorised methods validate their
/// inputs and apply the scalar kernels.
///
/// Times are in the unit of the data the model was fitted on.
pub trait TransactionModel: Send + Sync {
    /// The model's name in JSON documents: `bg_nbd`, `mbg_nbd`, `pareto_nbd`.
    fn model_name(&self) -> &'static str;

    /// Parameter names, as in the papers.
    fn param_names(&self) -> &'static [&'static str];

    /// Parameter values, in the order of [`TransactionModel::param_names`].
    fn params(&self) -> Vec<f64>;

    /// The unit of time of the model's data (recency, T; for the BG/BB one opportunity), when
    /// the model records it (see `time_unit` of each model); `None` when unknown.
    fn time_unit(&self) -> Option<crate::TimeUnit>;

    /// Expected number of repeat purchases of a customer with history `(x, t_x, T)` in
    /// `(T, T + t]`, for validated scalars.
    fn conditional_expected_purchases_at(&self, t: f64, x: f64, t_x: f64, t_cal: f64) -> f64;

    /// Probability that a customer with history `(x, t_x, T)` is still active at `T`.
    fn probability_alive_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64;

    /// `(P(alive at T), expected repeat purchases in (T, T + t])` of a customer with history
    /// `(x, t_x, T)`, for validated scalars: the pair of
    /// [`TransactionModel::probability_alive_at`] and
    /// [`TransactionModel::conditional_expected_purchases_at`].
    ///
    /// The default calls both. Every model's conditional expectation is P(alive) times the
    /// expectation of a customer alive at T, so models override this to compute P(alive) once.
    fn probability_alive_and_expected_purchases_at(
        &self,
        t: f64,
        x: f64,
        t_x: f64,
        t_cal: f64,
    ) -> (f64, f64) {
        (
            self.probability_alive_at(x, t_x, t_cal),
            self.conditional_expected_purchases_at(t, x, t_x, t_cal),
        )
    }

    /// Expected repeat purchases of a new customer in `(0, t]`.
    fn expected_purchases_new_customer_at(&self, t: f64) -> f64;

    /// Log-likelihood of one customer's history.
    fn log_likelihood_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64;

    /// P(X(t) = n): probability that a new customer makes `n` repeat purchases in `(0, t]`, for a
    /// validated `t ≥ 0`.
    fn probability_of_n_purchases_at(&self, n: u64, t: f64) -> f64;

    /// The covariance of the estimated parameters, when the model was fitted.
    fn covariance(&self) -> Option<&Covariance>;

    /// [`TransactionModel::conditional_expected_purchases_at`] at other parameter values
    /// (`params` in the order of [`TransactionModel::param_names`], not validated); used by the
    /// delta method.
    fn conditional_expected_purchases_with(
        &self,
        params: &[f64],
        t: f64,
        x: f64,
        t_x: f64,
        t_cal: f64,
    ) -> f64;

    /// [`TransactionModel::probability_alive_at`] at other parameter values (not validated).
    fn probability_alive_with(&self, params: &[f64], x: f64, t_x: f64, t_cal: f64) -> f64;

    /// Delta-method prediction intervals for P(alive) at `level`, formed on the logit scale
    /// (see [`crate::models`]): `(lower, upper)`. A customer with P(alive) = 1 (BG/NBD, x = 0)
    /// gets the degenerate interval (1, 1).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`covariance`) when the model has no covariance; invalid `level`
    /// or customer columns.
    fn probability_alive_interval(
        &self,
        frequency: &[f64],
        recency: &[f64],
        t_cal: &[f64],
        level: f64,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let z = z_for_level(level)?;
        check_customers(frequency, recency, t_cal)?;
        let cov = self.covariance().ok_or_else(|| {
            Error::invalid("covariance", "the model has no covariance (it was not fitted)")
        })?;
        let p = self.params();
        let (lo, hi): (Vec<f64>, Vec<f64>) = (0..frequency.len())
            .map(|i| {
                let f =
                    |q: &[f64]| self.probability_alive_with(q, frequency[i], recency[i], t_cal[i]);
                delta_interval(&p, cov, z, Link::Logit, &f)
            })
            .unzip();
        check_model_outputs(self, "probability_alive_interval", &lo)?;
        check_model_outputs(self, "probability_alive_interval", &hi)?;
        Ok((lo, hi))
    }

    /// Delta-method prediction intervals for the conditional expected purchases in `(T, T+t]`,
    /// formed on the log scale: `(lower, upper)`.
    ///
    /// # Errors
    /// As [`TransactionModel::probability_alive_interval`], plus an invalid `t`.
    fn conditional_expected_purchases_interval(
        &self,
        t: f64,
        frequency: &[f64],
        recency: &[f64],
        t_cal: &[f64],
        level: f64,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let z = z_for_level(level)?;
        check_t("t", t)?;
        check_customers(frequency, recency, t_cal)?;
        let cov = self.covariance().ok_or_else(|| {
            Error::invalid("covariance", "the model has no covariance (it was not fitted)")
        })?;
        let p = self.params();
        let (lo, hi): (Vec<f64>, Vec<f64>) = (0..frequency.len())
            .map(|i| {
                let f = |q: &[f64]| {
                    self.conditional_expected_purchases_with(
                        q,
                        t,
                        frequency[i],
                        recency[i],
                        t_cal[i],
                    )
                };
                delta_interval(&p, cov, z, Link::Log, &f)
            })
            .unzip();
        check_model_outputs(self, "conditional_expected_purchases_interval", &lo)?;
        check_model_outputs(self, "conditional_expected_purchases_interval", &hi)?;
        Ok((lo, hi))
    }

    /// Vectorised [`TransactionModel::conditional_expected_purchases_at`].
    ///
    /// # Errors
    /// Invalid `t` or customer columns: [`Error::InvalidValue`] naming the field and index;
    /// [`Error::Numerical`] naming the model, its parameters and the first row whose value could
    /// not be computed to its tolerance within the kernel's work bound (see the BG/NBD
    /// `conditional_expected_purchases_with`) or is not representable.
    fn conditional_expected_purchases(
        &self,
        t: f64,
        frequency: &[f64],
        recency: &[f64],
        t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        check_t("t", t)?;
        check_customers(frequency, recency, t_cal)?;
        let out = par_map(frequency.len(), |i| {
            self.conditional_expected_purchases_at(t, frequency[i], recency[i], t_cal[i])
        });
        check_model_outputs(self, "conditional_expected_purchases", &out)?;
        Ok(out)
    }

    /// Vectorised [`TransactionModel::probability_alive_at`].
    ///
    /// # Errors
    /// Invalid customer columns: [`Error::InvalidValue`] naming the field and index;
    /// [`Error::Numerical`] naming the model and the first row whose value is not finite.
    fn probability_alive(
        &self,
        frequency: &[f64],
        recency: &[f64],
        t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        check_customers(frequency, recency, t_cal)?;
        let out = par_map(frequency.len(), |i| {
            self.probability_alive_at(frequency[i], recency[i], t_cal[i])
        });
        check_model_outputs(self, "probability_alive", &out)?;
        Ok(out)
    }

    /// P(alive) at T and the expected repeat purchases in `(T, T + t]` of every customer — the
    /// usual scoring step — validated once and computed in one pass (parallel with the `parallel`
    /// feature) of [`TransactionModel::probability_alive_and_expected_purchases_at`]. The values
    /// are those of [`TransactionModel::probability_alive`] and
    /// [`TransactionModel::conditional_expected_purchases`] (to rounding), at less than the cost
    /// of the two calls: one validation, one pass, P(alive) computed once per customer.
    ///
    /// # Formula
    /// Each model's own P(alive) and conditional expectation, e.g. for the BG/NBD Fader, Hardie &
    /// Lee (2005) eq. 10, `E[Y(t) | x, t_x, T] = E[Y(t) | alive at T] · P(alive)`; see the
    /// `# Formula` sections of `conditional_expected_purchases_with` and
    /// `probability_alive_with` of [`BgNbd`], [`MbgNbd`] and [`ParetoNbd`].
    ///
    /// # Errors
    /// Invalid `t` ([`Error::InvalidValue`] `t`); empty columns ([`Error::Empty`]), columns of
    /// different lengths ([`Error::LengthMismatch`]), or an invalid customer
    /// ([`Error::InvalidValue`] naming the field and the first offending index);
    /// [`Error::Numerical`] as [`TransactionModel::conditional_expected_purchases`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgNbd, BgNbdParams, TransactionModel};
    /// let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
    /// let (x, t_x, t_cal) = ([0.0, 2.0, 7.0], [0.0, 30.43, 35.0], [38.86, 38.86, 38.86]);
    /// let (alive, expected) = m.probability_alive_and_expected_purchases(39.0, &x, &t_x, &t_cal)?;
    /// // Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    /// assert!((expected[1] - 1.226).abs() < 1e-3);
    /// let alone = m.probability_alive(&x, &t_x, &t_cal)?;
    /// assert!(alive.iter().zip(&alone).all(|(p, q)| (p - q).abs() <= 1e-12 * q));
    /// assert_eq!(alive[0], 1.0); // no repeat purchase: the BG/NBD says alive
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    fn probability_alive_and_expected_purchases(
        &self,
        t: f64,
        frequency: &[f64],
        recency: &[f64],
        t_cal: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        check_t("t", t)?;
        check_customers(frequency, recency, t_cal)?;
        let (alive, expected) = par_map2(frequency.len(), |i| {
            self.probability_alive_and_expected_purchases_at(t, frequency[i], recency[i], t_cal[i])
        });
        check_model_outputs(self, "probability_alive", &alive)?;
        check_model_outputs(self, "conditional_expected_purchases", &expected)?;
        Ok((alive, expected))
    }

    /// Vectorised [`TransactionModel::expected_purchases_new_customer_at`].
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`t`, index) for negative or non-finite times;
    /// [`Error::Numerical`] as [`TransactionModel::conditional_expected_purchases`].
    fn expected_purchases_new_customer(&self, t: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("t", t.len())?;
        check::non_negative("t", t)?;
        let out: Vec<f64> = t.iter().map(|&v| self.expected_purchases_new_customer_at(v)).collect();
        check_model_outputs(self, "expected_purchases_new_customer", &out)?;
        Ok(out)
    }

    /// Vectorised [`TransactionModel::log_likelihood_at`].
    ///
    /// # Errors
    /// Invalid customer columns: [`Error::InvalidValue`] naming the field and index.
    fn log_likelihood_individual(
        &self,
        frequency: &[f64],
        recency: &[f64],
        t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        check_customers(frequency, recency, t_cal)?;
        Ok(par_map(frequency.len(), |i| self.log_likelihood_at(frequency[i], recency[i], t_cal[i])))
    }

    /// Expected cumulative repeat transactions of a cohort at calendar times `times` (the
    /// tracking curve): `Σ_i E[X(times_k − birth_i)]` over customers born before `times_k`.
    /// `birth` is each customer's first-purchase time on the same calendar axis.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for non-finite births or times (field `birth` / `times`);
    /// [`Error::Numerical`] as [`TransactionModel::conditional_expected_purchases`].
    fn expected_cumulative_transactions(&self, birth: &[f64], times: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("birth", birth.len())?;
        check::non_empty("times", times.len())?;
        check::finite("birth", birth)?;
        check::finite("times", times)?;
        let mut sorted = birth.to_vec();
        sorted.sort_by(f64::total_cmp);
        // Group identical births (cohorts usually share a few hundred distinct days).
        let mut groups: Vec<(f64, f64)> = Vec::new();
        for b in sorted {
            match groups.last_mut() {
                Some(g) if g.0 == b => g.1 += 1.0,
                _ => groups.push((b, 1.0)),
            }
        }
        let out: Vec<f64> = times
            .iter()
            .map(|&c| {
                groups
                    .iter()
                    .filter(|g| g.0 < c)
                    .map(|g| g.1 * self.expected_purchases_new_customer_at(c - g.0))
                    .sum()
            })
            .collect();
        check_model_outputs(self, "expected_cumulative_transactions", &out)?;
        Ok(out)
    }
}

/// Largest accepted value of any model parameter (see [`PARAM_MIN`] for the domain).
pub const PARAM_MAX: f64 = 1e10;

/// Smallest accepted value of any model parameter.
///
/// # The parameter domain
/// Every parameter of every model (BG/NBD `r, α, a, b`; MBG/NBD the same; Pareto/NBD
/// `r, α, s, β`; Gamma-Gamma `p, q, γ`; BG/BB `α, β, γ, δ`; sBG `α, β`) must be finite and in
/// `[PARAM_MIN, PARAM_MAX] = [1e-10, 1e10]`, whether it comes from `Params::new`, `from_params`,
/// a JSON document (untrusted input) or a fit. The reasons:
/// * beyond `1e10` a shape parameter leaves no significant digit of `r + x` or `a + b + x` for
///   realistic counts, and scale parameters (`α`, `β`, `γ`) no digit of `α + T`;
///   the kernels' connection formulas (₂F₁) would need work proportional to the parameter;
/// * below `1e-10` the mixing distributions are numerically a point mass at 0
///   (`Γ(r) ≈ 1/r` overflows the accuracy of every ratio of gamma functions built on it).
///
/// Published fits (CDNOW: `r ≈ 0.24`, `α ≈ 4.4`, `a ≈ 0.79`, `b ≈ 2.4`; Pareto/NBD `β ≈ 11.7`;
/// Gamma-Gamma `γ` in currency units) lie far inside the domain. A fit whose estimate leaves it
/// is reported as [`Error::NotIdentified`].
pub const PARAM_MIN: f64 = 1e-10;

/// Validates one model parameter against the domain (see [`PARAM_MIN`]).
pub(crate) fn check_param(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        return Err(Error::invalid(
            name,
            format!("parameter must be finite and > 0 (got {})", fmt_num(v)),
        ));
    }
    if !(PARAM_MIN..=PARAM_MAX).contains(&v) {
        return Err(Error::invalid(
            name,
            format!(
                "parameter must be in [{PARAM_MIN:e}, {PARAM_MAX:e}], the domain in which the \
                 kernels are accurate and bounded (got {})",
                fmt_num(v)
            ),
        ));
    }
    Ok(())
}

pub(crate) use crate::error::fmt_num;

/// `name=value` pairs of a model's parameters, for error messages.
pub(crate) fn fmt_params(names: &[&str], values: &[f64]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n}={}", fmt_num(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fails with [`Error::Numerical`] naming the model, its parameters, the quantity and the first
/// row whose value is not finite. The scalar kernels return NaN when a value cannot be computed
/// to its tolerance within their work bound (e.g. the BG/NBD expectation's quadrature, see
/// `bg_family.rs`) or is not representable; the vectorised predictions turn that into this error
/// instead of returning it.
pub(crate) fn check_outputs(
    model: &str,
    names: &[&str],
    params: &[f64],
    what: &str,
    values: &[f64],
) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(Error::Numerical {
            context: format!("{model} {what} ({})", fmt_params(names, params)),
            reason: format!(
                "row {i}: the value could not be computed to its tolerance within the work \
                 bound, or is not representable as a finite number (got {})",
                values[i]
            ),
        }),
    }
}

/// [`check_outputs`] for a model's predictions.
fn check_model_outputs<M: TransactionModel + ?Sized>(
    m: &M,
    what: &str,
    values: &[f64],
) -> Result<()> {
    check_outputs(m.model_name(), m.param_names(), &m.params(), what, values)
}

/// Fails with [`Error::NotIdentified`] when a summary `(x, t_x, T)` cannot identify the
/// parameters of a repeat-purchase `model`: no customer made a repeat purchase (the purchase
/// rate cannot be told apart from drop-out, and the likelihood keeps rising towards `r → 0`,
/// `α → ∞`), or every customer has the same history (one distinct history for four
/// parameters). `what` names the count column in the message (`frequency`, `transactions`).
pub(crate) fn check_identifiable(
    model: &str,
    what: &str,
    frequency: &[f64],
    recency: &[f64],
    t: &[f64],
) -> Result<()> {
    let not = |reason: String| Error::NotIdentified { model: model.to_string(), reason };
    if frequency.iter().all(|&x| x == 0.0) {
        return Err(not(format!(
            "no customer made a repeat purchase (every {what} is 0): the purchase rate cannot be \
             told apart from drop-out"
        )));
    }
    let same = |i: usize| frequency[i] == frequency[0] && recency[i] == recency[0] && t[i] == t[0];
    if (1..frequency.len()).all(same) {
        return Err(not(format!(
            "every customer has the same history ({what} {}, recency {}, T {}): one distinct \
             history cannot identify the parameters",
            frequency[0], recency[0], t[0]
        )));
    }
    Ok(())
}

/// Fails with [`Error::NotIdentified`] when a converged estimate lies outside the parameter
/// domain (see [`PARAM_MIN`]): the likelihood kept improving towards a boundary, so the data do
/// not bound that parameter.
pub(crate) fn check_estimate(model: &str, names: &[&str], params: &[f64]) -> Result<()> {
    for (n, v) in names.iter().zip(params) {
        if !(PARAM_MIN..=PARAM_MAX).contains(v) {
            return Err(Error::NotIdentified {
                model: model.to_string(),
                reason: format!(
                    "the estimate of {n} ({}) ran out of the parameter domain \
                     [{PARAM_MIN:e}, {PARAM_MAX:e}]: the data do not bound it",
                    fmt_num(*v)
                ),
            });
        }
    }
    Ok(())
}

/// Per-parameter validation shared by the models' `Params::new`.
pub(crate) fn check_params(names: &[&str], values: &[f64]) -> Result<()> {
    for (n, v) in names.iter().zip(values) {
        check_param(n, *v)?;
    }
    Ok(())
}

/// `ln(e^a + e^b)`.
pub(crate) fn ln_add(a: f64, b: f64) -> f64 {
    crate::special::log_add_exp(a, b)
}

/// `(1 − e^{−y})/y`, continuous at y = 0.
pub(crate) fn one_minus_exp_over(y: f64) -> f64 {
    if y.abs() < 1e-8 {
        1.0 - 0.5 * y
    } else {
        -(-y).exp_m1() / y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_data_validation_table() {
        #[allow(clippy::type_complexity)] // a table-driven test spells its row type
        let cases: Vec<(&[f64], &[f64], &[f64], Option<&[f64]>, &str, Option<usize>)> = vec![
            (&[0.0, -1.0], &[0.0, 0.0], &[1.0, 1.0], None, "frequency", Some(1)),
            (&[0.0, 1.5], &[0.0, 1.0], &[1.0, 1.0], None, "frequency", Some(1)),
            (&[f64::NAN], &[0.0], &[1.0], None, "frequency", Some(0)),
            (&[0.0], &[f64::NAN], &[1.0], None, "recency", Some(0)),
            (&[0.0], &[0.0], &[-1.0], None, "T", Some(0)),
            (&[1.0, 1.0], &[0.5, 2.0], &[1.0, 1.0], None, "recency", Some(1)),
            (&[0.0, 2.0], &[0.0, 0.0], &[1.0, 1.0], None, "recency", Some(1)),
            (&[0.0], &[0.0], &[1.0], Some(&[0.0]), "weights", Some(0)),
            (&[0.0, 0.0], &[0.0, 0.0], &[1.0, 1.0], Some(&[1.0, f64::NAN]), "weights", Some(1)),
        ];
        for (f, r, t, w, field, idx) in cases {
            let e = SummaryData::new(f, r, t, w).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
            assert_eq!(e.index(), idx, "{e}");
        }
        assert!(matches!(SummaryData::new(&[], &[], &[], None), Err(Error::Empty { .. })));
        assert!(matches!(
            SummaryData::new(&[0.0], &[0.0, 1.0], &[1.0], None),
            Err(Error::LengthMismatch { .. })
        ));
    }

    #[test]
    fn compression_keeps_weights() {
        let d = SummaryData::new(&[0.0; 10], &[0.0; 10], &[5.0; 10], None).unwrap();
        assert_eq!(d.n_rows(), 1);
        assert_eq!(d.n_obs(), 10.0);
        assert_eq!(d.n_customers(), 10);
    }

    #[test]
    fn chunked_sum_is_ordered() {
        let n = 10_000;
        let (v, g) = chunked_sum(n, 1, |r, g| {
            let s: f64 = r.clone().map(|i| 1.0 / (1.0 + i as f64)).sum();
            g[0] += r.len() as f64;
            s
        });
        let mut want = 0.0;
        for s in (0..n).step_by(CHUNK) {
            want += (s..(s + CHUNK).min(n)).map(|i| 1.0 / (1.0 + i as f64)).sum::<f64>();
        }
        assert_eq!(v.to_bits(), want.to_bits());
        assert_eq!(g[0], n as f64);
    }

    #[test]
    fn one_minus_exp_over_is_continuous() {
        for &y in &[-1e-9_f64, 0.0, 1e-9, 1e-7, 0.3, -2.0] {
            let want = if y == 0.0 { 1.0 } else { -(-y).exp_m1() / y };
            assert!((one_minus_exp_over(y) - want).abs() < 1e-14);
        }
    }
}
