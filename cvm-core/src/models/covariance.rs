//! The covariance of an estimate and what is built on it: the delta method (natural-scale
//! covariance, confidence intervals, prediction intervals on a link scale) and the normal
//! quantile its critical values come from.

use crate::error::{check, Error, Result};

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

    /// From parameters and the inverse of a symmetric positive-definite Hessian in their
    /// logarithms ([`crate::optim::invert_spd`] returns it symmetric, with a positive diagonal).
    pub(crate) fn from_inverse_hessian(params: Vec<f64>, log_covariance: Vec<Vec<f64>>) -> Self {
        Covariance { params, log_covariance }
    }

    /// Covariance of the log-parameters.
    pub fn log_matrix(&self) -> &[Vec<f64>] {
        &self.log_covariance
    }

    /// Covariance of the parameters on their natural scale (delta method).
    #[must_use]
    pub fn matrix(&self) -> Vec<Vec<f64>> {
        let p = &self.params;
        self.log_covariance
            .iter()
            .enumerate()
            .map(|(i, row)| row.iter().enumerate().map(|(j, v)| v * p[i] * p[j]).collect())
            .collect()
    }

    /// Standard errors on the natural scale, `θ_j · se(ln θ_j)`.
    #[must_use]
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
#[must_use]
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

/// Delta-method interval for a prediction `f(params)`, formed on a link scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Link {
    /// log (positive predictions)
    Log,
    /// logit (probabilities)
    Logit,
}

/// `(f(params), lower, upper)`: the prediction and its delta-method interval on `link`'s scale,
/// by central differences in `ln θ`.
pub(crate) fn delta_interval(
    params: &[f64], cov: &Covariance, z: f64, link: Link, f: &dyn Fn(&[f64]) -> f64,
) -> (f64, f64, f64) {
    let value = f(params);
    let (fwd, _) = link.maps();
    if !fwd(value).is_finite() {
        // At the boundary of the range (0, or P(alive) = 1): no spread on the link scale.
        return (value, value, value);
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
    let var = super::quadratic_form(&grad, cov.log_matrix());
    let (lower, upper) = link.bounds(value, var.max(0.0).sqrt(), z);
    (value, lower, upper)
}

/// Per-customer predictions with their delta-method prediction intervals: the `estimate` at the
/// fitted parameters and the `lower`/`upper` bounds at the requested level, one entry per
/// customer in input order. Returned by the `*_interval` methods, which compute the estimate
/// anyway: read it from here instead of calling the point prediction again.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct PredictionInterval {
    /// The prediction at the fitted parameters.
    pub estimate: Vec<f64>,
    /// Lower bounds.
    pub lower: Vec<f64>,
    /// Upper bounds.
    pub upper: Vec<f64>,
}

impl PredictionInterval {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.estimate.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.estimate.is_empty()
    }
}

/// A link or its inverse.
type Map = fn(f64) -> f64;

impl Link {
    /// The link and its inverse.
    fn maps(self) -> (Map, Map) {
        match self {
            Link::Log => (|v: f64| v.ln(), |u: f64| u.exp()),
            Link::Logit => (|v: f64| (v / (1.0 - v)).ln(), |u: f64| 1.0 / (1.0 + (-u).exp())),
        }
    }

    /// The interval `inverse(link(value) ± z·se)` for a standard error `se` on the link scale;
    /// `(value, value)` at the boundary of the range (0, or a probability of 1), where the link
    /// is not finite.
    pub(crate) fn bounds(self, value: f64, se: f64, z: f64) -> (f64, f64) {
        let (fwd, inv) = self.maps();
        let center = fwd(value);
        if !center.is_finite() {
            return (value, value);
        }
        (inv(center - z * se), inv(center + z * se))
    }
}
