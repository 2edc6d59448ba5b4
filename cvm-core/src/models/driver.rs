//! The one maximum-likelihood driver, [`fit_ml`], and the traits a model implements to use it:
//! [`Likelihood`] (parameters, total log-likelihood, gradient, optional exact Hessian) over a
//! [`FitData`] (the data's size and an optional subsample). As in argmin, the problem states its
//! cost, gradient and Hessian, and one solver runs any problem; every model of the crate (BG/NBD,
//! MBG/NBD, Pareto/NBD, BG/BB, sBG, Gamma-Gamma) is fitted by it, and so can a user's own model.
//! [`RowLikelihood`] states a likelihood one customer at a time and gets the sum over a
//! [`SummaryData`](super::SummaryData) through [`PerRow`].
//!
//! # Method
//! * **Parameters.** Every parameter is positive and lies in the domain
//!   `[`[`PARAM_MIN`](super::PARAM_MIN)`, `[`PARAM_MAX`](super::PARAM_MAX)`]`; the optimiser works on `θ = ln p` (unconstrained).
//! * **Objective.** The *mean* penalised negative log-likelihood per customer,
//!   `−LL(p)/W + penalizer · Σ_j θ_j²` with `W = Σ w` ([`FitData::n_obs`]), so the optimiser
//!   behaves the same at 2,000 and 10,000,000 customers; its gradient in `θ` is
//!   `−p_j ∂LL/∂p_j / W + 2·penalizer·θ_j`.
//! * **Starts.** [`FitOptions::initial`] when given, else each of
//!   [`Likelihood::initial_guess`] in turn until one converges (the best iterate is reported when
//!   none does).
//! * **Warm start.** From 8,000 rows ([`FitData::n_rows`]) on and without `initial`, the fit
//!   first runs on every `s`-th row, `s = min(8, rows / 1,000)` ([`FitData::subsample`],
//!   recursively while a level has 4,000 rows or more, down to a cold fit of 1,000–4,000
//!   rows), which supplies a starting point and the initial inverse Hessian; the full-data
//!   optimisation and its convergence test are unchanged. Each level needs a few passes over
//!   its rows, so the fit's cost is about linear in the rows.
//! * **Solver.** BFGS ([`crate::optim::minimize`]) to the gradient tolerance
//!   [`FitOptions::tolerance`]. A model with a joint value–gradient–Hessian pass
//!   ([`Likelihood::JOINT_HESSIAN`]) finishes a warm-started fit with Newton iterations instead
//!   (one pass each; step halving when the objective does not decrease; BFGS when Newton fails).
//!   A model whose joint pass has a cheaper rough version accurate to about 1e-6 a row
//!   ([`Likelihood::ROUGH_JOINT`]: the Pareto/NBD's quadrature at half its nodes) takes the
//!   warm start's subsample fits and the first Newton steps on the full data by it, while the
//!   step exceeds 0.05 in ln-parameters; the fit then ends on full passes.
//!   Newton stops at a pass that meets the tolerance, or takes a last full step without a pass
//!   at its end when the convergence of the step before predicts a gradient there ten times
//!   below the tolerance; the reported gradient norm is then that prediction, and the Hessian
//!   (covariance) that of the last pass, one small step (10⁻⁶–10⁻³ in ln-parameters) from
//!   the estimate.
//! * **Covariance.** The inverse of the Hessian of the total penalised negative log-likelihood in
//!   `θ`: from [`Likelihood::hessian`] when the model has one, else by central differences of
//!   the analytic gradient (or second differences of the value). Mapped to the natural scale by
//!   the delta method ([`Covariance`]).
//! * **Diagnostics.** The log-likelihood (sum over customers), AIC `2k − 2LL`, BIC
//!   `k ln W − 2LL`, iterations and gradient norm ([`FitDiagnostics`]).
//!
//! # Errors
//! Invalid options ([`Error::InvalidValue`] naming the option); [`Error::NotConverged`] with the
//! best iterate when no start converges; [`Error::NotIdentified`] when the optimiser ran out of
//! the parameter domain.
//!
//! # Examples
//! The NBD model (Ehrenberg 1959: purchases Poisson at a gamma-distributed rate, no drop-out),
//! defined outside the crate's models and fitted by the shared driver. The per-customer
//! log-likelihood of `x` purchases in `(0, T]`, up to a constant, is
//! `ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln(α+T)`:
//! ```
//! use cvm_core::models::{fit_ml, FitOptions, PerRow, RowLikelihood, SummaryData};
//! use cvm_core::special::{digamma, ln_gamma};
//!
//! struct Nbd;
//! impl RowLikelihood for Nbd {
//!     const MODEL: &'static str = "nbd";
//!     const NAMES: &'static [&'static str] = &["r", "alpha"];
//!     fn row(&self, p: &[f64], x: f64, _t_x: f64, t: f64, grad: Option<&mut [f64]>) -> f64 {
//!         let (r, a) = (p[0], p[1]);
//!         if let Some(g) = grad {
//!             g[0] = digamma(r + x) - digamma(r) + a.ln() - (a + t).ln();
//!             g[1] = r / a - (r + x) / (a + t);
//!         }
//!         ln_gamma(r + x) - ln_gamma(r) + r * a.ln() - (r + x) * (a + t).ln()
//!     }
//! }
//!
//! let x = [0.0, 1.0, 4.0, 0.0, 2.0, 7.0, 1.0, 0.0];
//! let t_x = [0.0, 3.0, 9.0, 0.0, 5.0, 11.0, 2.0, 0.0];
//! let t = [12.0; 8];
//! let data = SummaryData::new(&x, &t_x, &t, None)?;
//! let fit = fit_ml(&PerRow(Nbd), &data, &FitOptions::default())?;
//! // The NBD's maximum-likelihood estimate matches the mean count: r T / α = x̄ = 1.875.
//! let (r, alpha) = (fit.params[0], fit.params[1]);
//! assert!((r * 12.0 / alpha - 1.875).abs() < 1e-6);
//! assert!(fit.diagnostics.converged && fit.covariance.is_some());
//! # Ok::<(), cvm_core::Error>(())
//! ```

pub use super::problem::{FitData, JointPass, Likelihood, PerRow, RowLikelihood};

use super::{Covariance, FitOptions};
use crate::error::{Error, Result};

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
    /// Largest gradient component of the scaled objective at the estimate (when a Newton finish
    /// took its last step without a pass at its end, the gradient predicted there: see the
    /// [module documentation](self)).
    pub gradient_norm: f64,
    /// True when the gradient tolerance was reached (always true for a returned fit).
    pub converged: bool,
    /// Number of customers (sum of the weights).
    pub n_obs: f64,
    /// The L2 penalizer used.
    pub penalizer: f64,
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
    passes: usize,
}

/// How far below the tolerance the gradient predicted after a last Newton step must be for
/// [`newton_polish`] to take that step without a pass at its end: a margin of 10 for the
/// prediction's own error (it assumes the quadratic convergence observed on the step before;
/// on the BG/NBD, MBG/NBD and Pareto/NBD fits of 15,000–1,000,000 customers the gradient then
/// found was 0.6–1.2 times the prediction).
const NEWTON_PREDICTION_MARGIN: f64 = 0.1;

/// Which passes of [`newton_polish`] are rough ([`Likelihood::rough_total_with_hessian`], for
/// a model with [`Likelihood::ROUGH_JOINT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoughPasses {
    /// Every pass: a warm start's subsample fit, whose tolerance ([`WARM_START_TOLERANCE`]) is
    /// far above the rough pass's error.
    All,
    /// The first pass, and the next ones while the Newton step before them was longer than
    /// [`ROUGH_STEP`]; every later pass is full, so the estimate, its gradient and its Hessian
    /// are the full likelihood's.
    Start,
}

/// The Newton step (ln-parameters) below which [`RoughPasses::Start`] switches to full passes:
/// Newton's next step is then of order 10⁻³, where the rough pass's error (an optimum displaced
/// by up to ~10⁻³ along a flat ridge of the Pareto/NBD likelihood) would matter.
const ROUGH_STEP: f64 = 0.05;

/// The relative slack of the step acceptance test at the first full pass after rough ones: ten
/// times the rough pass's largest error, so that its value is not compared as if exact.
const ROUGH_SLACK: f64 = 1e-5;

/// Newton's method on the mean penalised negative log-likelihood in `θ = ln p`, from a warm
/// start close to the optimum, with step halving when the objective does not decrease. Each
/// iteration is one joint pass; the Hessian of the last pass gives the covariance. `None` when
/// the model has no joint pass, a Hessian is not positive definite, or it does not converge
/// within a few iterations (the caller then runs BFGS).
///
/// Stopping: at a pass whose gradient meets `tol`; or, without the pass that would only confirm
/// it, after a last full Newton step `s` whose end is predicted to meet `tol` tenfold. A
/// full Newton step `s₀` zeroes the quadratic model's gradient, so the gradient `g` found at its
/// end is the model's error, of order `‖s₀‖²` in the quadratic regime; the next step's error
/// is then about `‖g‖∞ (‖s‖/‖s₀‖)²`. The step is taken when that is at most `tol / 10` and
/// `‖s‖ ≤ ‖s₀‖ / 10`; the reported gradient is that prediction (every component scaled alike),
/// the objective the quadratic model's `f + gᵀs + sᵀHs/2`, and the Hessian is that of the last
/// pass, a step `s` from the estimate (10⁻⁶–10⁻³ in ln-parameters on the fits above; the
/// Hessian changes over it by a relative amount of that order).
fn newton_polish<L: Likelihood>(
    model: &L, data: &L::Data, pen: f64, theta0: &[f64], tol: f64, rough: RoughPasses,
) -> Option<NewtonFit> {
    let k = theta0.len();
    let w = data.n_obs();
    let mut passes = 0;
    // Whether the pass at the current point was rough (the first one is, when the model has one).
    let mut rough_here = L::ROUGH_JOINT;
    // Objective, gradient and Hessian (mean scale) at θ.
    let mut eval = |theta: &[f64], rough: bool| -> Option<(f64, Vec<f64>, Vec<Vec<f64>>)> {
        let p: Vec<f64> = theta.iter().map(|v| v.exp()).collect();
        passes += 1;
        let jp = match rough {
            true => model.rough_total_with_hessian(data, &p)?,
            false => model.total_with_hessian(data, &p)?,
        };
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
    let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    let max_abs = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let mut theta = theta0.to_vec();
    let (mut val, mut g, mut h) = eval(&theta, rough_here)?;
    // The length of the previous step when it was a full Newton step.
    let mut full_step: Option<f64> = None;
    for iteration in 0..8 {
        let total = |h: &[Vec<f64>]| h.iter().map(|r| r.iter().map(|v| v * w).collect()).collect();
        // Only a full pass ends a fit on the full data.
        let may_end = rough == RoughPasses::All || !rough_here;
        if may_end && g.iter().all(|v| v.abs() <= tol) {
            return Some(NewtonFit {
                theta,
                value: val,
                gradient: g,
                hessian_total: total(&h),
                iterations: iteration,
                passes,
            });
        }
        let inv = crate::optim::invert_spd(&h).ok()?;
        let step: Vec<f64> =
            (0..k).map(|i| -(0..k).map(|j| inv[i][j] * g[j]).sum::<f64>()).collect();
        let len = norm(&step);
        if let Some(prev) = full_step.filter(|&prev| may_end && len <= 0.1 * prev) {
            let shrink = (len / prev).powi(2);
            if max_abs(&g) * shrink <= NEWTON_PREDICTION_MARGIN * tol {
                let gs: f64 = (0..k).map(|i| g[i] * step[i]).sum();
                let shs: f64 =
                    (0..k).map(|i| (0..k).map(|j| step[i] * h[i][j] * step[j]).sum::<f64>()).sum();
                return Some(NewtonFit {
                    theta: (0..k).map(|i| theta[i] + step[i]).collect(),
                    value: val + gs + 0.5 * shs,
                    gradient: g.iter().map(|v| v * shrink).collect(),
                    hessian_total: total(&h),
                    iterations: iteration + 1,
                    passes,
                });
            }
        }
        let next_rough = rough_here && (rough == RoughPasses::All || len > ROUGH_STEP);
        // A full value compared with a rough one may differ by the rough pass's error.
        let slack = if rough_here && !next_rough { ROUGH_SLACK } else { 1e-12 };
        let mut t = 1.0;
        let next = loop {
            let cand: Vec<f64> = (0..k).map(|i| theta[i] + t * step[i]).collect();
            match eval(&cand, next_rough) {
                Some(e) if e.0 <= val + slack * val.abs() => break Some((cand, e)),
                _ if t > 1.0 / 64.0 => t *= 0.5,
                _ => break None,
            }
        };
        let (cand, e) = next?;
        full_step = (t == 1.0).then_some(len);
        rough_here = next_rough;
        theta = cand;
        (val, g, h) = e;
    }
    None
}

/// The outcome of [`fit_ml`]: the estimate, its diagnostics and, when the Hessian at the
/// estimate is positive definite, its covariance.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct MlFit {
    /// The estimate (natural scale), in the order of [`Likelihood::NAMES`].
    pub params: Vec<f64>,
    /// Goodness of fit and optimiser diagnostics.
    pub diagnostics: FitDiagnostics,
    /// Covariance of the estimate (delta method), when the Hessian could be inverted.
    pub covariance: Option<Covariance>,
}

/// The number of rows from which a fit starts warm (below, it starts cold on the full data).
const WARM_START_FROM: usize = 8_000;
/// The smallest subsample the warm start fits from a cold start: its rows times the ~20–25
/// passes of a cold BFGS run is the fixed cost of the warm start, so it is kept small, and large
/// enough that the subsample's estimate is a start from which Newton converges on the next level.
const WARM_START_MIN_ROWS: usize = 1_000;
/// Gradient tolerance of the warm start's subsample fits (the mean objective's gradient in
/// ln-parameters): far below the subsample's sampling error, far above the rounding noise of
/// the gradient, where BFGS can stall.
const WARM_START_TOLERANCE: f64 = 1e-5;
/// The largest subsampling stride of the warm start.
const WARM_START_STRIDE: usize = 8;

/// The warm start's stride for data of `n_rows` rows (`top`: the data of the fit itself, else
/// a subsample of it): every `min(8, n_rows / 1,000)`-th row, the data from 8,000 rows on and a
/// subsample from 4,000 (stride 4 and more, so that each level costs a fraction of the next;
/// below, the fit starts cold). Each level then needs a few passes, and the cold run's
/// ~20–25 passes are over 1,000–4,000 rows: the cost is about linear in the rows.
fn warm_start_stride(n_rows: usize, top: bool) -> Option<usize> {
    if top && n_rows < WARM_START_FROM {
        return None;
    }
    let stride = (n_rows / WARM_START_MIN_ROWS).min(WARM_START_STRIDE);
    (stride >= 4).then_some(stride)
}

/// The optimiser's objective at `θ = ln p`: the mean negative log-likelihood per customer plus
/// `pen · Σ θ_j²`, with its gradient in `θ` written into `g`.
fn mean_objective<L: Likelihood>(
    model: &L, data: &L::Data, pen: f64, theta: &[f64], g: &mut [f64],
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

/// Maximum likelihood on log-parameters: the one driver every model is fitted by (see the
/// [module documentation](self) for the method, the errors and an example).
///
/// The optimisation runs on a thread of the thread pool (with the `parallel` feature; in place
/// when called on one): each of its likelihood passes then hands work to the other threads
/// without first waking the pool from outside, tens of microseconds a pass that small fits
/// felt (BG/NBD, 10k customers: 2.5–2.6 → 1.5–1.7 ms on one thread). Results never change.
///
/// # Errors
/// [`Error::InvalidValue`] for invalid `options` (`penalizer`, `tolerance`, `max_iterations`,
/// `initial`) or starting values of [`Likelihood::initial_guess`] of the wrong length
/// (`initial_guess`); [`Error::NotIdentified`] when the optimiser stopped outside the parameter
/// domain; [`Error::NotConverged`] (with the best iterate) when no start converged or the
/// log-likelihood at the estimate is not finite.
pub fn fit_ml<L: Likelihood>(model: &L, data: &L::Data, options: &FitOptions) -> Result<MlFit> {
    let names = model.param_names();
    options.validate(&names.iter().map(String::as_str).collect::<Vec<_>>())?;
    let starts = match &options.initial {
        Some(init) => vec![init.clone()],
        None => model.initial_guess(data),
    };
    if starts.is_empty() {
        return Err(Error::invalid("initial_guess", "the model gave no starting values"));
    }
    for s in &starts {
        crate::error::check::same_len("initial_guess", names.len(), s.len())?;
    }
    crate::parallel::on_pool(|| fit_from(model, data, options, starts, true))
}

/// [`fit_ml`] from validated `starts` (the warm start reuses the full data's starts; `top`:
/// the data of the fit itself, else a warm start's subsample).
fn fit_from<L: Likelihood>(
    model: &L, data: &L::Data, options: &FitOptions, auto_starts: Vec<Vec<f64>>, top: bool,
) -> Result<MlFit> {
    let pen = options.penalizer;
    let mut objective = |theta: &[f64], g: &mut [f64]| mean_objective(model, data, pen, theta, g);
    let mut opt = crate::optim::OptimOptions {
        max_iterations: options.max_iterations,
        gradient_tolerance: options.tolerance,
        ..Default::default()
    };
    let mut starts = auto_starts.clone();
    let warm_sub = match options.initial.is_none() {
        true => warm_start_stride(data.n_rows(), top).and_then(|stride| data.subsample(stride)),
        false => None,
    };
    let warm = warm_sub.is_some();
    if let Some(sub) = warm_sub {
        // The subsample's estimate is only a start (its sampling error is far larger than the
        // tolerance): it is not polished to the last digits.
        let tolerance = options.tolerance.max(WARM_START_TOLERANCE);
        let sub_options = FitOptions { tolerance, ..options.clone() };
        if let Ok(f) = fit_from(model, &sub, &sub_options, auto_starts, false) {
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
    if L::JOINT_HESSIAN && warm {
        let theta0: Vec<f64> = starts[0].iter().map(|v| v.ln()).collect();
        let rough = if top { RoughPasses::Start } else { RoughPasses::All };
        if let Some(nf) = newton_polish(model, data, pen, &theta0, options.tolerance, rough) {
            let res = crate::optim::OptimResult {
                gradient_norm: nf.gradient.iter().fold(0.0, |m: f64, v| m.max(v.abs())),
                x: nf.theta,
                value: nf.value,
                gradient: nf.gradient,
                iterations: nf.iterations,
                evaluations: nf.passes,
                converged: true,
                reason: crate::optim::StopReason::GradientTolerance,
            };
            return finish_fit(model, data, options, res, Some(nf.hessian_total));
        }
    }
    let mut last: Option<crate::optim::OptimResult> = None;
    for start in starts {
        let theta0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        let res = crate::optim::minimize(&mut objective, &theta0, &opt);
        opt.initial_inverse_hessian = None;
        let done = res.converged;
        // Keep the converged run, else the best iterate so far (reported by the error).
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
    let res = last.ok_or_else(|| Error::invalid("initial_guess", "no starting values"))?;
    finish_fit(model, data, options, res, None)
}

/// Diagnostics and covariance of a finished optimisation (`hessian_total`: the total Hessian of
/// the penalised negative log-likelihood in ln-parameters, when already known).
fn finish_fit<L: Likelihood>(
    model: &L, data: &L::Data, options: &FitOptions, res: crate::optim::OptimResult,
    hessian_total: Option<Vec<Vec<f64>>>,
) -> Result<MlFit> {
    let names = model.param_names();
    let k = names.len();
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
    // Lost towards a boundary of the parameter space, or along a ridge the model recognises:
    // the data do not bound the estimate.
    model.check_estimate(data, &params, res.converged).map_err(|e| match e {
        Error::NotIdentified { model, reason } if !res.converged => Error::NotIdentified {
            model,
            reason: format!("{reason} (the optimiser stopped: {})", res.reason.as_str()),
        },
        other => other,
    })?;
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
        .map(|c| Covariance::from_inverse_hessian(params.clone(), c));
    Ok(MlFit { params, diagnostics, covariance })
}

#[cfg(test)]
mod tests {
    use super::warm_start_stride;

    /// Cold below 8,000 rows; from there every 8th row, then every 4th to 8th row of a
    /// subsample from 4,000 rows, and the recursion ends on a cold fit of 1,000–4,000 rows at
    /// every size.
    #[test]
    fn warm_start_levels_end_on_a_small_cold_fit() {
        assert_eq!(warm_start_stride(7_999, true), None);
        assert_eq!(warm_start_stride(8_000, true), Some(8));
        assert_eq!(warm_start_stride(6_250, false), Some(6));
        assert_eq!(warm_start_stride(3_999, false), None);
        assert_eq!(warm_start_stride(10_000_000, true), Some(8));
        for n in [8_000, 9_999, 15_999, 50_000, 63_999, 200_000, 1_000_000, 10_000_000] {
            let (mut rows, mut top) = (n, true);
            while let Some(s) = warm_start_stride(rows, top) {
                rows = rows.div_ceil(s); // the length of `step_by(s)`
                top = false;
            }
            assert!((1_000..4_000).contains(&rows), "{n} rows: cold fit on {rows}");
        }
    }
}
