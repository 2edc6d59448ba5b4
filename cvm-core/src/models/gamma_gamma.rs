//! The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, *RFM and CLV: using
//! iso-value curves for customer base analysis*, Journal of Marketing Research 42(4), 415–430;
//! after Colombo & Jiang 1999).
//!
//! A customer's transaction values are i.i.d. `Gamma(p, ν)` (shape `p`, rate `ν`), so their mean
//! value is `p/ν`; across customers `ν ~ Gamma(q, γ)` (shape `q`, rate `γ`). The model is fitted on
//! each repeat buyer's number of repeat transactions `x` and the mean value `z̄` of those
//! transactions, and predicts each customer's expected spend per transaction, shrinking `z̄`
//! towards the population mean `pγ/(q−1)`.
//!
//! The model assumes that spend is independent of purchase frequency; check that with
//! [`frequency_monetary_correlation`] before combining it with a transaction model.
//!
//! # Examples
//! ```
//! use cvm_core::models::{GammaGamma, GammaGammaParams};
//! let m = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44)?)?;
//! // A customer with 2 repeat purchases of mean value $22.35 (CDNOW).
//! let s = m.conditional_expected_average_spend(&[2.0], &[22.35])?;
//! assert!((s[0] - 24.66).abs() < 0.01);
//! assert!((m.population_mean_spend()? - 35.22).abs() < 0.01);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use super::{check_params, Covariance, FitDiagnostics, FitOptions, MlFit};
use crate::error::{check, Error, Result};
use crate::special::{digamma, gamma_ln_ratio, ln_gamma};

/// Parameters of the Gamma-Gamma spend model.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct GammaGammaParams {
    /// Shape of the distribution of one customer's transaction values.
    pub p: f64,
    /// Shape of the distribution of the rates `ν` across customers.
    pub q: f64,
    /// Rate (in money units) of the distribution of `ν` across customers.
    pub gamma: f64,
}

impl GammaGammaParams {
    /// Names, as in the paper.
    pub const NAMES: &'static [&'static str] = &["p", "q", "gamma"];

    /// Validated parameters.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the first parameter that is not finite and > 0.
    pub fn new(p: f64, q: f64, gamma: f64) -> Result<Self> {
        check_params(Self::NAMES, &[p, q, gamma])?;
        Ok(GammaGammaParams { p, q, gamma })
    }

    /// From a slice in the order of [`GammaGammaParams::NAMES`].
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] (`params`) or an invalid parameter.
    pub fn from_slice(v: &[f64]) -> Result<Self> {
        check::same_len("params", 3, v.len())?;
        Self::new(v[0], v[1], v[2])
    }

    /// `[p, q, gamma]`.
    pub fn to_vec(&self) -> Vec<f64> {
        vec![self.p, self.q, self.gamma]
    }

    fn raw(v: &[f64]) -> Self {
        GammaGammaParams { p: v[0], q: v[1], gamma: v[2] }
    }
}

/// A Gamma-Gamma spend model: parameters, plus fit diagnostics and covariance when estimated.
#[derive(Debug, Clone, PartialEq)]
pub struct GammaGamma {
    params: GammaGammaParams,
    diagnostics: Option<FitDiagnostics>,
    covariance: Option<Covariance>,
}

/// Validates spend columns: `frequency` a finite non-negative integer, `monetary_value` finite and
/// ≥ 0, and > 0 for repeat buyers (frequency > 0).
pub(crate) fn check_spend(frequency: &[f64], monetary_value: &[f64]) -> Result<()> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("monetary_value", n, monetary_value.len())?;
    check::all("frequency", frequency, "must be a finite non-negative integer", |x| {
        x.is_finite() && x >= 0.0 && x.fract() == 0.0
    })?;
    check::non_negative("monetary_value", monetary_value)?;
    for i in 0..n {
        if frequency[i] > 0.0 && monetary_value[i] <= 0.0 {
            return Err(Error::invalid_at(
                "monetary_value",
                i,
                format!(
                    "must be > 0 for a repeat buyer (frequency {}; got {})",
                    frequency[i], monetary_value[i]
                ),
            ));
        }
    }
    Ok(())
}

fn check_weights(n: usize, weights: Option<&[f64]>) -> Result<()> {
    if let Some(w) = weights {
        check::same_len("weights", n, w.len())?;
        check::all("weights", w, "must be finite and > 0", |v| v.is_finite() && v > 0.0)?;
    }
    Ok(())
}

/// The repeat buyers of a spend data set, ready for the likelihood.
struct SpendData {
    x: Vec<f64>,
    z: Vec<f64>,
    ln_z: Vec<f64>,
    ln_x: Vec<f64>,
    w: Vec<f64>,
    levels: Vec<f64>,
    level: Vec<u32>,
    n_obs: f64,
}

impl SpendData {
    fn new(frequency: &[f64], monetary: &[f64], weights: Option<&[f64]>) -> Result<Self> {
        check_spend(frequency, monetary)?;
        check_weights(frequency.len(), weights)?;
        let keep: Vec<usize> = (0..frequency.len()).filter(|&i| frequency[i] > 0.0).collect();
        if keep.is_empty() {
            return Err(Error::invalid(
                "frequency",
                "no repeat buyers (every frequency is 0): the spend model needs customers with \
                 at least one repeat purchase",
            ));
        }
        let x: Vec<f64> = keep.iter().map(|&i| frequency[i]).collect();
        let z: Vec<f64> = keep.iter().map(|&i| monetary[i]).collect();
        let w: Vec<f64> = match weights {
            Some(w) => keep.iter().map(|&i| w[i]).collect(),
            None => vec![1.0; keep.len()],
        };
        let mut levels = x.clone();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let level = x
            .iter()
            .map(|v| levels.binary_search_by(|l| l.total_cmp(v)).unwrap_or(0) as u32)
            .collect();
        let n_obs = w.iter().sum();
        Ok(SpendData {
            ln_z: z.iter().map(|v| v.ln()).collect(),
            ln_x: x.iter().map(|v| v.ln()).collect(),
            x,
            z,
            w,
            levels,
            level,
            n_obs,
        })
    }

    /// Weighted log-likelihood at natural parameters, with the gradient when asked for.
    fn total(&self, v: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (p, q, g) = (v[0], v[1], v[2]);
        let ln_g = g.ln();
        let lg_q = ln_gamma(q);
        let dg_q = digamma(q);
        let want = grad.is_some();
        // Per-frequency terms: ln Γ(px+q) − ln Γ(px) − ln Γ(q), ψ(px+q), ψ(px).
        let table: Vec<[f64; 3]> = self
            .levels
            .iter()
            .map(|&x| {
                let px = p * x;
                let head = gamma_ln_ratio(px + q, px) - lg_q;
                if want {
                    [head, digamma(px + q), digamma(px)]
                } else {
                    [head, 0.0, 0.0]
                }
            })
            .collect();
        let (x, z, lz, lx, w, lev) =
            (&self.x, &self.z, &self.ln_z, &self.ln_x, &self.w, &self.level);
        let (total, gr) = super::chunked_sum(x.len(), 3, |range, gr| {
            let mut s = 0.0;
            for i in range {
                let tb = &table[lev[i] as usize];
                let px = p * x[i];
                let denom = g + x[i] * z[i];
                let l = denom.ln();
                s += w[i] * (tb[0] + q * ln_g + px * lx[i] + (px - 1.0) * lz[i] - (px + q) * l);
                if want {
                    gr[0] += w[i] * x[i] * (tb[1] - tb[2] + lx[i] + lz[i] - l);
                    gr[1] += w[i] * (tb[1] - dg_q + ln_g - l);
                    gr[2] += w[i] * (q / g - (px + q) / denom);
                }
            }
            s
        });
        if let Some(out) = grad {
            out.copy_from_slice(&gr);
        }
        total
    }

    fn weighted_mean_spend(&self) -> f64 {
        let s: f64 = self.z.iter().zip(&self.w).map(|(z, w)| z * w).sum();
        s / self.n_obs
    }

    /// The same data in units of `scale` (spend divided by it): the fit is run on data whose
    /// mean spend is 1, so it is equally well conditioned for cents and for millions. Only `γ`
    /// scales (`γ_z = scale · γ_u`) and the log-likelihood shifts by `−n ln(scale)`.
    fn rescaled(mut self, scale: f64) -> Self {
        let ls = scale.ln();
        for i in 0..self.z.len() {
            self.z[i] /= scale;
            self.ln_z[i] -= ls;
        }
        self
    }
}

/// A weighted log-likelihood at natural parameters, writing its gradient when asked for.
pub(crate) type LogLikelihood<'a> = dyn Fn(&[f64], Option<&mut [f64]>) -> f64 + Sync + 'a;

/// Maximum likelihood on log-parameters for likelihoods that do not take a
/// [`super::SummaryData`], with the conventions of the shared driver: mean negative
/// log-likelihood per customer plus `penalizer · Σ ln(θ_j)²`, BFGS from each start in turn until
/// one converges, [`Error::NotConverged`] with the last iterate otherwise, covariance from the
/// Hessian of the total objective in `ln θ`.
pub(crate) fn fit_direct(
    names: &[&str],
    options: &FitOptions,
    n_obs: f64,
    starts: Vec<Vec<f64>>,
    total: &LogLikelihood<'_>,
) -> Result<MlFit> {
    options.validate(names)?;
    let k = names.len();
    let w = n_obs;
    let pen = options.penalizer;
    let mut objective = |theta: &[f64], g: &mut [f64]| -> f64 {
        let p: Vec<f64> = theta.iter().map(|v| v.exp()).collect();
        let mut gp = vec![0.0; k];
        let ll = total(&p, Some(&mut gp));
        let mut val = -ll / w;
        for j in 0..k {
            g[j] = -gp[j] * p[j] / w + 2.0 * pen * theta[j];
            val += pen * theta[j] * theta[j];
        }
        if val.is_finite() {
            val
        } else {
            f64::INFINITY
        }
    };
    let opt = crate::optim::OptimOptions {
        max_iterations: options.max_iterations,
        gradient_tolerance: options.tolerance,
        ..Default::default()
    };
    let starts = match &options.initial {
        Some(init) => vec![init.clone()],
        None => starts,
    };
    let mut last: Option<crate::optim::OptimResult> = None;
    for start in starts {
        let theta0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        let res = crate::optim::minimize(&mut objective, &theta0, &opt);
        let done = res.converged;
        let better = match &last {
            None => true,
            Some(l) => done || res.value < l.value || l.value.is_nan(),
        };
        if better {
            last = Some(res);
        }
        if done {
            break;
        }
    }
    let res = last.ok_or_else(|| Error::invalid("initial", "no starting values"))?;
    let params: Vec<f64> = res.x.iter().map(|v| v.exp()).collect();
    let ll = total(&params, None);
    if !res.converged || !params.iter().all(|p| p.is_finite() && *p > 0.0) || !ll.is_finite() {
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
    let covariance = crate::optim::hessian_from_gradient(&mut objective, &res.x)
        .ok()
        .map(|h| h.into_iter().map(|row| row.into_iter().map(|v| v * w).collect()).collect())
        .and_then(|h: Vec<Vec<f64>>| crate::optim::invert_spd(&h).ok())
        .and_then(|c| Covariance::from_log_covariance(params.clone(), c).ok());
    Ok(MlFit { params, diagnostics, covariance })
}

/// `E(M | x, z̄)` for validated scalars; `None` when it is infinite (x = 0 with q ≤ 1, or
/// `px + q ≤ 1`).
fn conditional_spend(p: &GammaGammaParams, x: f64, zbar: f64) -> Option<f64> {
    let den = p.p * x + p.q - 1.0;
    if den <= 0.0 {
        return None;
    }
    if x == 0.0 {
        return Some(p.p * p.gamma / den);
    }
    // Weighted form: (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · z̄ = p(γ + x z̄)/(px+q−1).
    Some(p.p * (p.gamma + x * zbar) / den)
}

impl GammaGamma {
    /// A model with known parameters (no diagnostics, no covariance).
    ///
    /// # Errors
    /// An invalid parameter.
    pub fn from_params(params: GammaGammaParams) -> Result<Self> {
        GammaGammaParams::new(params.p, params.q, params.gamma)?;
        Ok(GammaGamma { params, diagnostics: None, covariance: None })
    }

    /// A model with known parameters and, optionally, the diagnostics and covariance of the fit
    /// that produced them (used when reading a JSON document).
    ///
    /// # Errors
    /// An invalid parameter, or a covariance of the wrong size.
    pub fn from_parts(
        params: GammaGammaParams,
        diagnostics: Option<FitDiagnostics>,
        covariance: Option<Covariance>,
    ) -> Result<Self> {
        let mut m = Self::from_params(params)?;
        if let Some(c) = &covariance {
            check::same_len("covariance", 3, c.log_matrix().len())?;
        }
        m.diagnostics = diagnostics;
        m.covariance = covariance;
        Ok(m)
    }

    /// Maximum-likelihood fit on the repeat buyers (see [`crate::models`] for the method).
    ///
    /// Every row is validated; rows with `frequency == 0` carry no information on spend and are
    /// left out of the likelihood (their `monetary_value` must still be finite and ≥ 0, usually
    /// 0), so [`FitDiagnostics::n_obs`] is the (weighted) number of repeat buyers. Identical rows
    /// may be given once with a weight.
    ///
    /// The likelihood is maximised on spend divided by its mean (which leaves `p`, `q` and the
    /// log-parameter covariance unchanged and scales `γ`), so the fit is equally well conditioned
    /// in any currency unit. Starting values (unless `options.initial`): `p = 2, q = 3, γ` = the
    /// mean of `z̄` (which matches the population mean), then `p = q = γ = 1`.
    ///
    /// # Formula
    /// Fader, Hardie & Lee (2005, JMR), with `z̄` the mean of `x` transactions:
    /// `ln f(z̄ | x) = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + px ln x + (px−1) ln z̄
    ///  − (px+q) ln(γ + x z̄)`.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the field
    /// (`frequency`, `monetary_value`, `weights`) and the first offending index: non-integer or
    /// negative frequency, non-finite or negative spend, spend ≤ 0 for a repeat buyer, weights
    /// not finite and > 0; [`Error::InvalidValue`] (`frequency`) when there is no repeat buyer;
    /// invalid options; [`Error::NotConverged`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{FitOptions, GammaGamma, GammaGammaParams};
    /// let truth = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0)?)?;
    /// let x: Vec<f64> = (0..2000).map(|i| (i % 5) as f64).collect();
    /// let z = truth.simulate(&x, 42)?;
    /// let m = GammaGamma::fit(&x, &z, None, &FitOptions::default())?;
    /// let d = m.diagnostics().unwrap();
    /// assert_eq!(d.n_obs, 1600.0); // the customers with no repeat purchase are not counted
    /// assert!(d.converged && d.gradient_norm <= 1e-8);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn fit(
        frequency: &[f64],
        monetary_value: &[f64],
        weights: Option<&[f64]>,
        options: &FitOptions,
    ) -> Result<Self> {
        let data = SpendData::new(frequency, monetary_value, weights)?;
        let scale = data.weighted_mean_spend();
        let data = data.rescaled(scale);
        let options = match &options.initial {
            Some(init) => {
                options.validate(GammaGammaParams::NAMES)?;
                FitOptions {
                    initial: Some(vec![init[0], init[1], init[2] / scale]),
                    ..options.clone()
                }
            }
            None => options.clone(),
        };
        let starts = vec![vec![2.0, 3.0, 1.0], vec![1.0, 1.0, 1.0 / scale]];
        let total = |v: &[f64], g: Option<&mut [f64]>| data.total(v, g);
        let fit = fit_direct(GammaGammaParams::NAMES, &options, data.n_obs, starts, &total)
            .map_err(|e| match e {
                Error::NotConverged {
                    iterations,
                    gradient_norm,
                    log_likelihood,
                    mut params,
                    reason,
                } => {
                    params[2] *= scale;
                    Error::NotConverged {
                        iterations,
                        gradient_norm,
                        log_likelihood: log_likelihood - data.n_obs * scale.ln(),
                        params,
                        reason,
                    }
                }
                other => other,
            })?;
        let mut params = fit.params.clone();
        params[2] *= scale;
        let shift = data.n_obs * scale.ln();
        let mut diagnostics = fit.diagnostics;
        diagnostics.log_likelihood -= shift;
        diagnostics.aic += 2.0 * shift;
        diagnostics.bic += 2.0 * shift;
        // The covariance of the log-parameters does not depend on the scale.
        let covariance = fit.covariance.and_then(|c| {
            Covariance::from_log_covariance(params.clone(), c.log_matrix().to_vec()).ok()
        });
        Ok(GammaGamma {
            params: GammaGammaParams::raw(&params),
            diagnostics: Some(diagnostics),
            covariance,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &GammaGammaParams {
        &self.params
    }

    /// Diagnostics of the fit (None for a model built from parameters).
    pub fn diagnostics(&self) -> Option<&FitDiagnostics> {
        self.diagnostics.as_ref()
    }

    /// Covariance of the estimates (None for a model built from parameters, or when the Hessian
    /// at the estimate is not positive definite).
    pub fn covariance(&self) -> Option<&Covariance> {
        self.covariance.as_ref()
    }

    /// True when the population mean spend `pγ/(q−1)` is finite, i.e. `q > 1`. With `q ≤ 1` the
    /// spend distribution has an infinite mean: customers without repeat purchases have no
    /// finite expected spend, and [`GammaGamma::population_mean_spend`] is an error.
    pub fn has_finite_mean(&self) -> bool {
        self.params.q > 1.0
    }

    /// The population mean spend per transaction, `E(Z) = pγ/(q−1)`.
    ///
    /// # Formula
    /// Fader, Hardie & Lee (2005, JMR): `E(M) = pγ/(q−1)`, finite for `q > 1`.
    ///
    /// # Errors
    /// [`Error::Numerical`] when `q ≤ 1` (the mean is infinite; it is never returned as a
    /// negative or infinite number).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{GammaGamma, GammaGammaParams};
    /// let m = GammaGamma::from_params(GammaGammaParams::new(2.0, 3.0, 10.0)?)?;
    /// assert!((m.population_mean_spend()? - 10.0).abs() < 1e-12);
    /// let heavy = GammaGamma::from_params(GammaGammaParams::new(2.0, 0.9, 10.0)?)?;
    /// assert!(heavy.population_mean_spend().is_err());
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn population_mean_spend(&self) -> Result<f64> {
        if !self.has_finite_mean() {
            return Err(infinite_mean(&self.params, None));
        }
        Ok(self.params.p * self.params.gamma / (self.params.q - 1.0))
    }

    /// Expected spend per transaction of each customer given `x` repeat transactions of mean
    /// value `z̄`; customers with `x = 0` get the population mean.
    ///
    /// # Formula
    /// Fader, Hardie & Lee (2005, JMR):
    /// `E(M | p, q, γ, x, z̄) = (q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · z̄
    ///  = p(γ + x z̄)/(px+q−1)`.
    ///
    /// # Errors
    /// Invalid columns ([`Error::InvalidValue`] naming `frequency` or `monetary_value` and the
    /// index); [`Error::Numerical`] naming the first customer whose expected spend is infinite
    /// (`x = 0` with `q ≤ 1`, or `px + q ≤ 1`).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{GammaGamma, GammaGammaParams};
    /// let m = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44)?)?;
    /// let s = m.conditional_expected_average_spend(&[0.0, 1.0, 29.0], &[0.0, 11.77, 71.47])?;
    /// assert!((s[0] - m.population_mean_spend()?).abs() < 1e-12);
    /// // More transactions: closer to the customer's own mean.
    /// assert!((s[2] - 71.47).abs() < (s[1] - 11.77).abs());
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn conditional_expected_average_spend(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        check_spend(frequency, monetary_value)?;
        let p = self.params;
        frequency
            .iter()
            .zip(monetary_value)
            .enumerate()
            .map(|(i, (&x, &z))| {
                conditional_spend(&p, x, z).ok_or_else(|| infinite_mean(&p, Some((i, x))))
            })
            .collect()
    }

    /// Scalar form of [`GammaGamma::conditional_expected_average_spend`] at other parameter values
    /// (not validated); `+∞` when infinite. Used by the delta method.
    pub(crate) fn spend_with(params: &[f64], x: f64, zbar: f64) -> f64 {
        conditional_spend(&GammaGammaParams::raw(params), x, zbar).unwrap_or(f64::INFINITY)
    }

    /// Delta-method intervals for the conditional expected spend at `level`, formed on the log
    /// scale (see [`crate::models`]): `(lower, upper)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`covariance`) when the model was not fitted; invalid `level` or
    /// columns; an infinite expected spend as in
    /// [`GammaGamma::conditional_expected_average_spend`].
    pub fn conditional_expected_average_spend_interval(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
        level: f64,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let z = super::z_for_level(level)?;
        self.conditional_expected_average_spend(frequency, monetary_value)?;
        let cov = self.covariance.as_ref().ok_or_else(|| {
            Error::invalid("covariance", "the model has no covariance (it was not fitted)")
        })?;
        let p = self.params.to_vec();
        Ok(frequency
            .iter()
            .zip(monetary_value)
            .map(|(&x, &m)| {
                let f = |q: &[f64]| Self::spend_with(q, x, m);
                super::delta_interval(&p, cov, z, super::Link::Log, &f)
            })
            .unzip())
    }

    /// Per-customer log-likelihood of `z̄` given `x` (0 for customers with `x = 0`, who carry no
    /// spend information).
    ///
    /// # Errors
    /// Invalid columns, as [`GammaGamma::fit`].
    pub fn log_likelihood_individual(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        check_spend(frequency, monetary_value)?;
        let GammaGammaParams { p, q, gamma } = self.params;
        Ok(frequency
            .iter()
            .zip(monetary_value)
            .map(|(&x, &z)| {
                if x == 0.0 {
                    return 0.0;
                }
                let px = p * x;
                gamma_ln_ratio(px + q, px) - ln_gamma(q)
                    + q * gamma.ln()
                    + px * x.ln()
                    + (px - 1.0) * z.ln()
                    - (px + q) * (gamma + x * z).ln()
            })
            .collect())
    }

    /// Simulates each customer's mean spend `z̄` over `frequency[i]` transactions (0 when the
    /// frequency is 0), deterministically from `seed`: `ν ~ Gamma(q, γ)`, then
    /// `x z̄ ~ Gamma(px, ν)`.
    ///
    /// # Errors
    /// Invalid frequencies ([`Error::InvalidValue`] `frequency`).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{GammaGamma, GammaGammaParams};
    /// let m = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0)?)?;
    /// let z = m.simulate(&[1.0, 0.0, 3.0], 7)?;
    /// assert!(z[0] > 0.0 && z[1] == 0.0 && z[2] > 0.0);
    /// assert_eq!(z, m.simulate(&[1.0, 0.0, 3.0], 7)?);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn simulate(&self, frequency: &[f64], seed: u64) -> Result<Vec<f64>> {
        check::non_empty("frequency", frequency.len())?;
        check::all("frequency", frequency, "must be a finite non-negative integer", |x| {
            x.is_finite() && x >= 0.0 && x.fract() == 0.0
        })?;
        let GammaGammaParams { p, q, gamma } = self.params;
        Ok(frequency
            .iter()
            .enumerate()
            .map(|(i, &x)| {
                if x == 0.0 {
                    return 0.0;
                }
                let mut rng = super::Rng::stream(seed, i as u64);
                let nu = rng.gamma(q, gamma);
                rng.gamma(p * x, nu) / x
            })
            .collect())
    }

    /// Serialises the model as a versioned JSON document (see [`crate::models::persist`]).
    ///
    /// # Errors
    /// [`Error::Json`] if serialisation fails.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        super::persist::to_json(
            super::ModelKind::GammaGamma,
            &self.params.to_vec(),
            self.diagnostics.as_ref(),
            self.covariance.as_ref(),
        )
    }

    /// Reads a model written by [`GammaGamma::to_json`]; parameters are validated.
    ///
    /// # Errors
    /// [`Error::Json`] for a malformed document, another model, unknown fields or version;
    /// an invalid parameter.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self> {
        let doc = super::persist::from_json(text, super::ModelKind::GammaGamma)?;
        Self::from_parts(
            GammaGammaParams::from_slice(&doc.params)?,
            doc.diagnostics,
            doc.covariance,
        )
    }
}

fn infinite_mean(p: &GammaGammaParams, customer: Option<(usize, f64)>) -> Error {
    let reason = match customer {
        None => format!("q = {} <= 1: the population mean spend is infinite", p.q),
        Some((i, x)) => format!(
            "customer {i} (frequency {x}): expected spend is infinite (p·x + q = {} <= 1)",
            p.p * x + p.q
        ),
    };
    Error::Numerical { context: "Gamma-Gamma expected spend".into(), reason }
}

impl std::fmt::Display for GammaGamma {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.params;
        write!(f, "GammaGamma(p={:.4}, q={:.4}, gamma={:.4})", p.p, p.q, p.gamma)
    }
}

/// Weighted Pearson correlation between frequency and mean spend over the repeat buyers
/// (frequency > 0). The Gamma-Gamma model assumes the two are independent; a correlation far from
/// 0 is a warning sign.
///
/// # Errors
/// Invalid columns as [`GammaGamma::fit`]; [`Error::InvalidValue`] (`frequency`) with fewer than
/// two repeat buyers; [`Error::Numerical`] when either column is constant over the repeat buyers.
///
/// # Examples
/// ```
/// use cvm_core::models::frequency_monetary_correlation;
/// let c = frequency_monetary_correlation(&[1.0, 2.0, 3.0, 0.0], &[10.0, 20.0, 30.0, 0.0], None)?;
/// assert!((c - 1.0).abs() < 1e-12);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn frequency_monetary_correlation(
    frequency: &[f64],
    monetary_value: &[f64],
    weights: Option<&[f64]>,
) -> Result<f64> {
    let d = SpendData::new(frequency, monetary_value, weights)?;
    if d.x.len() < 2 {
        return Err(Error::invalid("frequency", "at least two repeat buyers are needed"));
    }
    let n = d.n_obs;
    let mx: f64 = d.x.iter().zip(&d.w).map(|(a, w)| a * w).sum::<f64>() / n;
    let mz: f64 = d.z.iter().zip(&d.w).map(|(a, w)| a * w).sum::<f64>() / n;
    let (mut sxx, mut szz, mut sxz) = (0.0, 0.0, 0.0);
    for i in 0..d.x.len() {
        let (a, b) = (d.x[i] - mx, d.z[i] - mz);
        sxx += d.w[i] * a * a;
        szz += d.w[i] * b * b;
        sxz += d.w[i] * a * b;
    }
    if !(sxx > 0.0 && szz > 0.0) {
        return Err(Error::Numerical {
            context: "frequency_monetary_correlation".into(),
            reason: "frequency or monetary value is constant over the repeat buyers".into(),
        });
    }
    Ok((sxz / (sxx.sqrt() * szz.sqrt())).clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let x = [1.0, 2.0, 5.0, 1.0, 3.0, 0.0, 40.0];
        let z = [12.0, 30.5, 22.0, 8.0, 19.0, 0.0, 1e5];
        let w = [2.0, 1.0, 1.0, 3.0, 1.0, 1.0, 0.5];
        let d = SpendData::new(&x, &z, Some(&w)).unwrap();
        for v in [[6.25, 3.74, 15.44], [0.5, 1.1, 200.0], [30.0, 0.3, 1e-3]] {
            let mut g = [0.0; 3];
            let val = d.total(&v, Some(&mut g));
            let m = GammaGamma::from_params(GammaGammaParams::raw(&v)).unwrap();
            let per = m.log_likelihood_individual(&x, &z).unwrap();
            let direct: f64 = per.iter().zip(&w).map(|(l, w)| l * w).sum();
            assert!((val - direct).abs() < 1e-10 * val.abs().max(1.0));
            for j in 0..3 {
                let h = 1e-6 * v[j];
                let (mut up, mut dn) = (v, v);
                up[j] += h;
                dn[j] -= h;
                let fd = (d.total(&up, None) - d.total(&dn, None)) / (2.0 * h);
                assert!((fd - g[j]).abs() < 1e-5 * g[j].abs().max(1.0), "v={v:?} j={j}");
            }
        }
    }

    #[test]
    fn likelihood_is_a_density_in_zbar() {
        // ∫ f(z̄ | x) dz̄ = 1, by the trapezoid rule on a log grid.
        let m = GammaGamma::from_params(GammaGammaParams::new(3.0, 4.0, 20.0).unwrap()).unwrap();
        for x in [1.0, 4.0] {
            let grid: Vec<f64> =
                (0..20_001).map(|k| (-6.0 + 14.0 * k as f64 / 20_000.0).exp()).collect();
            let xs = vec![x; grid.len()];
            let ll = m.log_likelihood_individual(&xs, &grid).unwrap();
            let mut s = 0.0;
            for k in 1..grid.len() {
                s += 0.5 * (ll[k].exp() + ll[k - 1].exp()) * (grid[k] - grid[k - 1]);
            }
            assert!((s - 1.0).abs() < 1e-6, "x={x} integral {s}");
        }
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn validation_table() {
        let cases: Vec<(&[f64], &[f64], Option<&[f64]>, &str, Option<usize>)> = vec![
            (&[1.0, -1.0], &[1.0, 1.0], None, "frequency", Some(1)),
            (&[1.0, 1.5], &[1.0, 1.0], None, "frequency", Some(1)),
            (&[1.0, 2.0], &[1.0, f64::NAN], None, "monetary_value", Some(1)),
            (&[1.0, 2.0], &[1.0, 0.0], None, "monetary_value", Some(1)),
            (&[1.0, 2.0], &[-3.0, 1.0], None, "monetary_value", Some(0)),
            (&[1.0, 2.0], &[1.0, 2.0], Some(&[1.0, 0.0]), "weights", Some(1)),
            (&[1.0, 2.0], &[1.0, 2.0], Some(&[f64::NAN, 1.0]), "weights", Some(0)),
            (&[0.0, 0.0], &[0.0, 0.0], None, "frequency", None),
        ];
        for (x, z, w, field, idx) in cases {
            let e = GammaGamma::fit(x, z, w, &FitOptions::default()).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), idx), "{e}");
        }
        assert!(matches!(
            GammaGamma::fit(&[], &[], None, &FitOptions::default()),
            Err(Error::Empty { .. })
        ));
        assert!(matches!(
            GammaGamma::fit(&[1.0], &[1.0, 2.0], None, &FitOptions::default()),
            Err(Error::LengthMismatch { .. })
        ));
    }

    #[test]
    fn infinite_mean_is_an_error_not_a_number() {
        let m = GammaGamma::from_params(GammaGammaParams::new(0.1, 0.5, 10.0).unwrap()).unwrap();
        assert!(!m.has_finite_mean());
        assert!(matches!(m.population_mean_spend(), Err(Error::Numerical { .. })));
        // x = 10: px + q − 1 = 0.5 > 0, finite.
        let s = m.conditional_expected_average_spend(&[10.0], &[5.0]).unwrap();
        assert!((s[0] - 0.1 * (10.0 + 50.0) / 0.5).abs() < 1e-12);
        // x = 1: px + q − 1 = −0.4: infinite, reported with the index.
        let e = m.conditional_expected_average_spend(&[10.0, 1.0], &[5.0, 5.0]).unwrap_err();
        assert!(e.to_string().contains("customer 1"), "{e}");
        assert!(m.conditional_expected_average_spend(&[0.0], &[0.0]).is_err());
    }
}
