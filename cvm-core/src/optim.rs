//! Unconstrained minimisation for maximum-likelihood fitting.
//!
//! * [`minimize`] — BFGS (inverse-Hessian update, Nocedal & Wright 2006, §6.1) with a
//!   strong-Wolfe line search (Algorithms 3.5/3.6, safeguarded cubic interpolation). When the line
//!   search fails the method falls back, in order, to a steepest-descent step with a fresh
//!   inverse Hessian and then to a bounded Nelder–Mead search (Lagarias et al. 1998) from the
//!   current point; BFGS resumes from wherever the fallback got to.
//! * [`nelder_mead`] — the derivative-free simplex method on its own.
//! * [`hessian_from_gradient`] / [`hessian_from_value`] — finite-difference Hessians (central
//!   differences of an analytic gradient, or second differences of the value) with a step scaled
//!   per coordinate.
//! * [`invert_spd`] — the inverse of a symmetric positive-definite matrix (Cholesky), used for
//!   covariance matrices.
//!
//! The objective is a closure `FnMut(&[f64], &mut [f64]) -> f64` that returns the value at `x` and
//! writes the gradient into its second argument. A non-finite value means "outside the domain":
//! the line search shrinks the step. Everything is deterministic: the same objective and start give
//! bit-identical results.
//!
//! # Examples
//! ```
//! use cvm_core::optim::{minimize, OptimOptions};
//! // Rosenbrock's function, minimum 0 at (1, 1).
//! let mut f = |x: &[f64], g: &mut [f64]| {
//!     let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
//!     g[0] = -2.0 * a - 400.0 * x[0] * b;
//!     g[1] = 200.0 * b;
//!     a * a + 100.0 * b * b
//! };
//! let res = minimize(&mut f, &[-1.2, 1.0], &OptimOptions::default());
//! assert!(res.converged);
//! assert!((res.x[0] - 1.0).abs() < 1e-6 && (res.x[1] - 1.0).abs() < 1e-6);
//! ```

use crate::builder::with_setters;
use crate::error::{Error, Result};

/// Options of [`minimize`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct OptimOptions {
    /// Maximum number of BFGS iterations (default 200).
    pub max_iterations: usize,
    /// Convergence when the largest absolute gradient component is at most this
    /// (default [`crate::prec::OPTIM_GRAD_TOL`]).
    pub gradient_tolerance: f64,
    /// Largest change of any coordinate in one step (default 5): keeps a log-parameter step from
    /// overflowing the model.
    pub max_step: f64,
    /// Starting inverse-Hessian approximation (default: the identity, rescaled after the first
    /// step). A good estimate (e.g. from a fit on a subsample) saves most iterations.
    pub initial_inverse_hessian: Option<Vec<Vec<f64>>>,
}

with_setters!(OptimOptions {
    with_max_iterations => max_iterations: usize,
    with_gradient_tolerance => gradient_tolerance: f64,
    with_max_step => max_step: f64,
    with_initial_inverse_hessian => initial_inverse_hessian: Option<Vec<Vec<f64>>>,
});

impl Default for OptimOptions {
    fn default() -> Self {
        OptimOptions {
            max_iterations: 200,
            gradient_tolerance: crate::prec::OPTIM_GRAD_TOL,
            max_step: 5.0,
            initial_inverse_hessian: None,
        }
    }
}

/// Why [`minimize`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The gradient norm reached the tolerance (converged).
    GradientTolerance,
    /// The iteration limit was reached.
    MaxIterations,
    /// No step along any direction (BFGS, steepest descent, Nelder–Mead) lowered the objective.
    LineSearchFailed,
    /// The objective or its gradient is not finite at the starting point.
    NonFiniteStart,
    /// Converged at the optimum to rounding: no step lowers the objective, and the decrease
    /// the quadratic model still predicts, `½ gᵀ H⁻¹ g`, is below `1e-10 · max(1, |f|)` with a
    /// largest gradient component below `1e-4` — the objective's own rounding noise hides any
    /// further progress (as on a large data set, whose mean log-likelihood is a sum of
    /// hundreds of thousands of rounded terms). Counted as converged.
    RoundingLimit,
}

impl StopReason {
    /// A short name: `gradient_tolerance`, `max_iterations`, `line_search_failed`,
    /// `non_finite_start`, `rounding_limit`.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::GradientTolerance => "gradient_tolerance",
            StopReason::MaxIterations => "max_iterations",
            StopReason::LineSearchFailed => "line_search_failed",
            StopReason::NonFiniteStart => "non_finite_start",
            StopReason::RoundingLimit => "rounding_limit",
        }
    }
}

/// The outcome of [`minimize`] or [`nelder_mead`].
#[derive(Debug, Clone, PartialEq)]
pub struct OptimResult {
    /// The last (best) point.
    pub x: Vec<f64>,
    /// The objective at `x`.
    pub value: f64,
    /// Largest absolute gradient component at `x` (NaN for [`nelder_mead`], which has none).
    pub gradient_norm: f64,
    /// The gradient at `x` (empty for [`nelder_mead`]).
    pub gradient: Vec<f64>,
    /// Iterations performed.
    pub iterations: usize,
    /// Objective evaluations performed.
    pub evaluations: usize,
    /// True when the gradient tolerance was reached, or the optimum to rounding
    /// ([`StopReason::RoundingLimit`]).
    pub converged: bool,
    /// Why the method stopped.
    pub reason: StopReason,
}

/// The objective's signature: value at `x`, gradient written into the second argument.
pub type Objective<'a> = dyn FnMut(&[f64], &mut [f64]) -> f64 + 'a;

fn inf_norm(g: &[f64]) -> f64 {
    g.iter().fold(0.0f64, |m, v| if v.is_nan() { f64::NAN } else { m.max(v.abs()) })
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

struct Counted<'a, 'b> {
    f: &'a mut Objective<'b>,
    evaluations: usize,
}

impl Counted<'_, '_> {
    fn eval(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        self.evaluations += 1;
        let v = (self.f)(x, g);
        if v.is_finite() && g.iter().all(|d| d.is_finite()) {
            v
        } else {
            f64::INFINITY
        }
    }
}

/// Result of a line search: step, value and gradient at the new point.
struct LineStep {
    alpha: f64,
    value: f64,
    x: Vec<f64>,
    grad: Vec<f64>,
}

/// Minimiser of the cubic interpolating (a, fa, da), (b, fb, db), safeguarded into the interval.
fn cubic_min(a: f64, fa: f64, da: f64, b: f64, fb: f64, db: f64) -> f64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    let d1 = da + db - 3.0 * (fa - fb) / (a - b);
    let disc = d1 * d1 - da * db;
    let mut t = f64::NAN;
    if disc >= 0.0 {
        let d2 = (b - a).signum() * disc.sqrt();
        t = b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2);
    }
    let width = hi - lo;
    if !t.is_finite() || t < lo + 0.1 * width || t > hi - 0.1 * width {
        0.5 * (lo + hi)
    } else {
        t
    }
}

/// Strong-Wolfe line search along `d` from `x` (Nocedal & Wright, Algorithms 3.5 and 3.6).
fn wolfe_search(
    f: &mut Counted<'_, '_>, x: &[f64], f0: f64, g0: &[f64], d: &[f64], alpha_init: f64,
) -> Option<LineStep> {
    const C1: f64 = 1e-4;
    const C2: f64 = 0.9;
    let n = x.len();
    let dphi0 = dot(g0, d);
    if !(dphi0 < 0.0) {
        return None;
    }
    let mut xt = vec![0.0; n];
    let mut gt = vec![0.0; n];
    let mut phi = |alpha: f64, xt: &mut Vec<f64>, gt: &mut Vec<f64>| -> (f64, f64) {
        for i in 0..n {
            xt[i] = x[i] + alpha * d[i];
        }
        let v = f.eval(xt, gt);
        (v, if v.is_finite() { dot(gt, d) } else { f64::NAN })
    };
    let accept = |alpha: f64, v: f64, xt: &[f64], gt: &[f64]| LineStep {
        alpha,
        value: v,
        x: xt.to_vec(),
        grad: gt.to_vec(),
    };
    // Bracketing phase.
    let (mut a_prev, mut f_prev, mut d_prev) = (0.0, f0, dphi0);
    let mut alpha = alpha_init;
    let mut bracket: Option<(f64, f64, f64, f64, f64, f64)> = None; // (lo, flo, dlo, hi, fhi, dhi)
    for i in 0..40 {
        let (v, dv) = phi(alpha, &mut xt, &mut gt);
        if !v.is_finite() {
            // Outside the domain: shrink towards the last good point.
            alpha = a_prev + 0.25 * (alpha - a_prev);
            if alpha - a_prev < 1e-16 * (1.0 + a_prev) {
                break;
            }
            continue;
        }
        if v > f0 + C1 * alpha * dphi0 || (i > 0 && v >= f_prev) {
            bracket = Some((a_prev, f_prev, d_prev, alpha, v, dv));
            break;
        }
        if dv.abs() <= -C2 * dphi0 {
            return Some(accept(alpha, v, &xt, &gt));
        }
        if dv >= 0.0 {
            bracket = Some((alpha, v, dv, a_prev, f_prev, d_prev));
            break;
        }
        a_prev = alpha;
        f_prev = v;
        d_prev = dv;
        alpha *= 2.0;
    }
    let (mut lo, mut flo, mut dlo, mut hi, mut fhi, mut dhi) = bracket?;
    // Zoom phase. Near a minimum the objective's changes drown in rounding noise; a step that
    // meets the approximate Wolfe conditions of Hager & Zhang (2005) — value within the noise
    // level of φ(0) and `σφ'(0) ≤ φ'(α) ≤ (2δ − 1)φ'(0)` — is then accepted on the strength of
    // the (exact) gradient.
    let noise = 1e-13 * f0.abs().max(1e-300);
    let mut approx: Option<LineStep> = None;
    let mut best: Option<LineStep> = None;
    for _ in 0..60 {
        let a = cubic_min(lo, flo, dlo, hi, fhi, dhi);
        let (v, dv) = phi(a, &mut xt, &mut gt);
        if v.is_finite() && v < f0 + C1 * a * dphi0 && best.as_ref().is_none_or(|b| v < b.value) {
            best = Some(accept(a, v, &xt, &gt));
        }
        if v.is_finite()
            && v <= f0 + noise
            && dv >= C2 * dphi0
            && dv <= (2.0 * C1 - 1.0) * dphi0
            && approx.is_none()
        {
            approx = Some(accept(a, v, &xt, &gt));
        }
        if !v.is_finite() || v > f0 + C1 * a * dphi0 || v >= flo {
            hi = a;
            fhi = if v.is_finite() { v } else { f64::MAX };
            dhi = if dv.is_finite() { dv } else { 0.0 };
        } else {
            if dv.abs() <= -C2 * dphi0 {
                return Some(accept(a, v, &xt, &gt));
            }
            if dv * (hi - lo) >= 0.0 {
                hi = lo;
                fhi = flo;
                dhi = dlo;
            }
            lo = a;
            flo = v;
            dlo = dv;
        }
        if (hi - lo).abs() <= 1e-14 * lo.abs().max(1e-300) {
            break;
        }
    }
    // No point met the curvature condition: settle for sufficient decrease, or an approximate
    // Wolfe point.
    best.filter(|b| b.value < f0).or(approx)
}

/// Minimises `f` from `x0` with BFGS and a strong-Wolfe line search (see the module docs).
///
/// Never fails: when the start is not finite, or progress stops, the result says so through
/// [`OptimResult::converged`] and [`OptimResult::reason`]; callers turn that into
/// [`Error::NotConverged`] with their own context.
pub fn minimize(f: &mut Objective<'_>, x0: &[f64], options: &OptimOptions) -> OptimResult {
    let n = x0.len();
    let mut cf = Counted { f, evaluations: 0 };
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut fx = cf.eval(&x, &mut g);
    let done = |x: Vec<f64>, value, g: &[f64], it, ev, reason: StopReason| OptimResult {
        x,
        value,
        gradient_norm: inf_norm(g),
        gradient: g.to_vec(),
        iterations: it,
        evaluations: ev,
        converged: matches!(reason, StopReason::GradientTolerance | StopReason::RoundingLimit),
        reason,
    };
    // At the optimum to rounding (see `StopReason::RoundingLimit`), or lost.
    let stuck = |h: &[f64], g: &[f64], fx: f64| -> StopReason {
        let n = g.len();
        let hg: Vec<f64> = (0..n).map(|i| (0..n).map(|j| h[i * n + j] * g[j]).sum()).collect();
        let decrement = 0.5 * dot(g, &hg);
        let scale = fx.abs().max(1.0);
        if decrement.is_finite()
            && decrement >= 0.0
            && decrement <= 1e-10 * scale
            && inf_norm(g) <= 1e-4
        {
            StopReason::RoundingLimit
        } else {
            StopReason::LineSearchFailed
        }
    };
    if !fx.is_finite() {
        return done(x, fx, &g, 0, cf.evaluations, StopReason::NonFiniteStart);
    }
    let identity = |n: usize, scale: f64| -> Vec<f64> {
        let mut h = vec![0.0; n * n];
        for i in 0..n {
            h[i * n + i] = scale;
        }
        h
    };
    let mut h = identity(n, 1.0);
    let mut fresh = true;
    if let Some(h0) = &options.initial_inverse_hessian {
        if h0.len() == n && h0.iter().all(|r| r.len() == n && r.iter().all(|v| v.is_finite())) {
            h = h0.iter().flatten().copied().collect();
            fresh = false;
        }
    }
    let mut fallbacks = 0usize;
    let mut d = vec![0.0; n];
    for it in 0..options.max_iterations {
        if inf_norm(&g) <= options.gradient_tolerance {
            return done(x, fx, &g, it, cf.evaluations, StopReason::GradientTolerance);
        }
        for i in 0..n {
            d[i] = -(0..n).map(|j| h[i * n + j] * g[j]).sum::<f64>();
        }
        if !(dot(&d, &g) < 0.0) {
            h = identity(n, 1.0);
            fresh = true;
            d.iter_mut().zip(&g).for_each(|(di, gi)| *di = -gi);
        }
        let dmax = inf_norm(&d);
        if dmax > options.max_step {
            let s = options.max_step / dmax;
            d.iter_mut().for_each(|v| *v *= s);
        }
        let alpha0 = if fresh { (1.0 / inf_norm(&d).max(1e-300)).min(1.0) } else { 1.0 };
        let step = match wolfe_search(&mut cf, &x, fx, &g, &d, alpha0) {
            Some(s) => s,
            None if !fresh => {
                // Fallback 1: forget the curvature model and retry along -g.
                h = identity(n, 1.0);
                fresh = true;
                continue;
            }
            None => {
                // Fallback 2: a bounded derivative-free search from here.
                fallbacks += 1;
                if fallbacks > 3 {
                    let reason = stuck(&h, &g, fx);
                    return done(x, fx, &g, it, cf.evaluations, reason);
                }
                let mut value_only = |p: &[f64]| {
                    let mut gg = vec![0.0; n];
                    cf.eval(p, &mut gg)
                };
                let nm = nelder_mead_impl(&mut value_only, &x, 0.05, 200 * n, 0.0);
                if nm.value < fx {
                    x = nm.x;
                    fx = cf.eval(&x, &mut g);
                    h = identity(n, 1.0);
                    fresh = true;
                    continue;
                }
                let reason = stuck(&h, &g, fx);
                return done(x, fx, &g, it, cf.evaluations, reason);
            }
        };
        let s: Vec<f64> = d.iter().map(|di| step.alpha * di).collect();
        let y: Vec<f64> = step.grad.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        x = step.x;
        fx = step.value;
        g = step.grad;
        if sy > 1e-12 * dot(&s, &s).sqrt() * dot(&y, &y).sqrt() && sy.is_finite() {
            if fresh {
                // Nocedal & Wright (6.20): scale the initial inverse Hessian.
                h = identity(n, sy / dot(&y, &y));
            }
            fresh = false;
            let rho = 1.0 / sy;
            let hy: Vec<f64> = (0..n).map(|i| (0..n).map(|j| h[i * n + j] * y[j]).sum()).collect();
            let yhy = dot(&y, &hy);
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j])
                        + (rho * rho * yhy + rho) * s[i] * s[j];
                }
            }
        }
    }
    let reason = if inf_norm(&g) <= options.gradient_tolerance {
        StopReason::GradientTolerance
    } else {
        StopReason::MaxIterations
    };
    done(x, fx, &g, options.max_iterations, cf.evaluations, reason)
}

fn nelder_mead_impl(
    f: &mut dyn FnMut(&[f64]) -> f64, x0: &[f64], initial_step: f64, max_evaluations: usize,
    ftol: f64,
) -> OptimResult {
    let n = x0.len();
    let mut evals = 0usize;
    let mut eval = |p: &[f64], evals: &mut usize| {
        *evals += 1;
        let v = f(p);
        if v.is_finite() {
            v
        } else {
            f64::INFINITY
        }
    };
    let mut simplex: Vec<Vec<f64>> = vec![x0.to_vec()];
    for i in 0..n {
        let mut p = x0.to_vec();
        p[i] += initial_step * x0[i].abs().max(1.0);
        simplex.push(p);
    }
    let mut values: Vec<f64> = simplex.iter().map(|p| eval(p, &mut evals)).collect();
    let mut iterations = 0;
    // Adaptive coefficients (Gao & Han 2012) for higher dimensions.
    let nf = n as f64;
    let (rho, chi, psi, sigma) = (1.0, 1.0 + 2.0 / nf, 0.75 - 0.5 / nf, 1.0 - 1.0 / nf);
    while evals < max_evaluations {
        iterations += 1;
        let mut order: Vec<usize> = (0..=n).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
        simplex = order.iter().map(|&i| simplex[i].clone()).collect();
        values = order.iter().map(|&i| values[i]).collect();
        let spread = (values[n] - values[0]).abs();
        if values[0].is_finite() && spread <= ftol * values[0].abs().max(1e-300) {
            break;
        }
        let centroid: Vec<f64> =
            (0..n).map(|j| simplex[..n].iter().map(|p| p[j]).sum::<f64>() / nf).collect();
        let along = |t: f64| -> Vec<f64> {
            (0..n).map(|j| centroid[j] + t * (simplex[n][j] - centroid[j])).collect()
        };
        let xr = along(-rho);
        let fr = eval(&xr, &mut evals);
        if fr < values[0] {
            let xe = along(-rho * chi);
            let fe = eval(&xe, &mut evals);
            if fe < fr {
                simplex[n] = xe;
                values[n] = fe;
            } else {
                simplex[n] = xr;
                values[n] = fr;
            }
        } else if fr < values[n - 1] {
            simplex[n] = xr;
            values[n] = fr;
        } else {
            let (xc, fc) = if fr < values[n] {
                let xc = along(-rho * psi);
                let fc = eval(&xc, &mut evals);
                (xc, fc)
            } else {
                let xc = along(psi);
                let fc = eval(&xc, &mut evals);
                (xc, fc)
            };
            if fc < values[n].min(fr) {
                simplex[n] = xc;
                values[n] = fc;
            } else {
                for i in 1..=n {
                    let p: Vec<f64> = (0..n)
                        .map(|j| simplex[0][j] + sigma * (simplex[i][j] - simplex[0][j]))
                        .collect();
                    values[i] = eval(&p, &mut evals);
                    simplex[i] = p;
                }
            }
        }
    }
    let best = (0..=n).fold(0, |b, i| if values[i] < values[b] { i } else { b });
    OptimResult {
        x: simplex[best].clone(),
        value: values[best],
        gradient_norm: f64::NAN,
        gradient: Vec::new(),
        iterations,
        evaluations: evals,
        converged: false,
        reason: StopReason::MaxIterations,
    }
}

/// Minimises `f` with the Nelder–Mead simplex method (adaptive coefficients of Gao & Han 2012).
///
/// The initial simplex has `x0` and `x0 + step·max(|x0_i|, 1)·e_i`. The search stops after
/// `max_evaluations` evaluations or when the simplex values agree to relative `ftol`; the result
/// is `converged` in the latter case (there is no gradient, so `gradient_norm` is NaN).
///
/// # Examples
/// ```
/// use cvm_core::optim::nelder_mead;
/// let mut f = |x: &[f64]| (x[0] - 2.0).powi(2) + (x[1] + 1.0).powi(2) + 3.0;
/// let res = nelder_mead(&mut f, &[0.0, 0.0], 0.5, 2000, 1e-14);
/// assert!(res.converged);
/// assert!((res.value - 3.0).abs() < 1e-10);
/// assert!((res.x[0] - 2.0).abs() < 1e-4);
/// ```
pub fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> f64, x0: &[f64], step: f64, max_evaluations: usize, ftol: f64,
) -> OptimResult {
    let mut r = nelder_mead_impl(f, x0, step, max_evaluations, ftol);
    if r.evaluations < max_evaluations {
        r.converged = true;
        r.reason = StopReason::GradientTolerance;
    }
    r
}

fn fd_step(x: f64, base: f64) -> f64 {
    let h = base * x.abs().max(1.0);
    // Make the step exactly representable relative to x.
    (x + h) - x
}

/// Hessian by central differences of an analytic gradient: column `j` is
/// `(∇f(x + h_j e_j) − ∇f(x − h_j e_j)) / (2 h_j)` with `h_j = ε^{1/3}·max(|x_j|, 1)`, then
/// symmetrised. Row-major `n × n`.
///
/// # Errors
/// [`Error::Numerical`] when a gradient evaluation is not finite.
///
/// # Examples
/// ```
/// use cvm_core::optim::hessian_from_gradient;
/// let mut f = |x: &[f64], g: &mut [f64]| {
///     g[0] = 2.0 * x[0] + x[1];
///     g[1] = x[0] + 6.0 * x[1];
///     x[0] * x[0] + x[0] * x[1] + 3.0 * x[1] * x[1]
/// };
/// let h = hessian_from_gradient(&mut f, &[0.3, -0.2])?;
/// assert!((h[0][0] - 2.0).abs() < 1e-8 && (h[0][1] - 1.0).abs() < 1e-8);
/// assert!((h[1][1] - 6.0).abs() < 1e-8);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn hessian_from_gradient(f: &mut Objective<'_>, x: &[f64]) -> Result<Vec<Vec<f64>>> {
    let n = x.len();
    let mut h = vec![vec![0.0; n]; n];
    let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
    let mut xp = x.to_vec();
    let base = f64::EPSILON.cbrt();
    for j in 0..n {
        let step = fd_step(x[j], base);
        xp[j] = x[j] + step;
        let vp = f(&xp, &mut gp);
        xp[j] = x[j] - step;
        let vm = f(&xp, &mut gm);
        xp[j] = x[j];
        if !vp.is_finite() || !vm.is_finite() || gp.iter().chain(&gm).any(|v| !v.is_finite()) {
            return Err(Error::Numerical {
                context: "Hessian".into(),
                reason: format!("gradient not finite near coordinate {j}"),
            });
        }
        for i in 0..n {
            h[i][j] = (gp[i] - gm[i]) / (2.0 * step);
        }
    }
    symmetrise(&mut h);
    Ok(h)
}

/// Hessian by second central differences of the value alone, with steps
/// `h_j = ε^{1/4}·max(|x_j|, 1)`. Row-major `n × n`. For objectives without an analytic gradient.
///
/// # Errors
/// [`Error::Numerical`] when an evaluation is not finite.
///
/// # Examples
/// ```
/// use cvm_core::optim::hessian_from_value;
/// let mut f = |x: &[f64]| x[0] * x[0] + x[0] * x[1] + 3.0 * x[1] * x[1];
/// let h = hessian_from_value(&mut f, &[0.3, -0.2])?;
/// assert!((h[0][1] - 1.0).abs() < 1e-6 && (h[1][1] - 6.0).abs() < 1e-6);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn hessian_from_value(f: &mut dyn FnMut(&[f64]) -> f64, x: &[f64]) -> Result<Vec<Vec<f64>>> {
    let n = x.len();
    let base = f64::EPSILON.powf(0.25);
    let steps: Vec<f64> = x.iter().map(|&v| fd_step(v, base)).collect();
    let mut eval = |p: &[f64]| -> Result<f64> {
        let v = f(p);
        if v.is_finite() {
            Ok(v)
        } else {
            Err(Error::Numerical { context: "Hessian".into(), reason: "value not finite".into() })
        }
    };
    let f0 = eval(x)?;
    let mut h = vec![vec![0.0; n]; n];
    let mut p = x.to_vec();
    for i in 0..n {
        p[i] = x[i] + steps[i];
        let fp = eval(&p)?;
        p[i] = x[i] - steps[i];
        let fm = eval(&p)?;
        p[i] = x[i];
        h[i][i] = (fp - 2.0 * f0 + fm) / (steps[i] * steps[i]);
        for j in 0..i {
            let mut q = |si: f64, sj: f64| -> Result<f64> {
                p[i] = x[i] + si * steps[i];
                p[j] = x[j] + sj * steps[j];
                let v = eval(&p);
                p[i] = x[i];
                p[j] = x[j];
                v
            };
            let v = (q(1.0, 1.0)? - q(1.0, -1.0)? - q(-1.0, 1.0)? + q(-1.0, -1.0)?)
                / (4.0 * steps[i] * steps[j]);
            h[i][j] = v;
            h[j][i] = v;
        }
    }
    Ok(h)
}

fn symmetrise(h: &mut [Vec<f64>]) {
    let n = h.len();
    for i in 0..n {
        for j in 0..i {
            let m = 0.5 * (h[i][j] + h[j][i]);
            h[i][j] = m;
            h[j][i] = m;
        }
    }
}

/// Central-difference gradient of `f` at `x` with steps `ε^{1/3}·max(|x_j|, 1)`.
///
/// # Examples
/// ```
/// use cvm_core::optim::gradient_central;
/// let g = gradient_central(&mut |x: &[f64]| x[0].exp() + x[1] * x[1], &[0.0, 2.0]);
/// assert!((g[0] - 1.0).abs() < 1e-9 && (g[1] - 4.0).abs() < 1e-8);
/// ```
pub fn gradient_central(f: &mut dyn FnMut(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let base = f64::EPSILON.cbrt();
    let mut p = x.to_vec();
    (0..x.len())
        .map(|j| {
            let h = fd_step(x[j], base);
            p[j] = x[j] + h;
            let fp = f(&p);
            p[j] = x[j] - h;
            let fm = f(&p);
            p[j] = x[j];
            (fp - fm) / (2.0 * h)
        })
        .collect()
}

/// Cholesky factor `L` (lower triangular, `A = L Lᵀ`) of a symmetric matrix, or `None` when it is
/// not (numerically) positive definite.
///
/// # Examples
/// ```
/// use cvm_core::optim::cholesky;
/// let l = cholesky(&[vec![4.0, 2.0], vec![2.0, 5.0]]).unwrap();
/// assert_eq!(l, vec![vec![2.0, 0.0], vec![1.0, 2.0]]);
/// assert!(cholesky(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
/// ```
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if !(s > 0.0) || !s.is_finite() {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// Inverse of a symmetric positive-definite matrix through its Cholesky factor.
///
/// # Errors
/// [`Error::Numerical`] when the matrix is not positive definite (e.g. a Hessian at a point that
/// is not a strict minimum).
///
/// # Examples
/// ```
/// use cvm_core::optim::invert_spd;
/// let inv = invert_spd(&[vec![4.0, 2.0], vec![2.0, 5.0]])?;
/// assert!((inv[0][0] - 5.0 / 16.0).abs() < 1e-15 && (inv[0][1] + 2.0 / 16.0).abs() < 1e-15);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn invert_spd(a: &[Vec<f64>]) -> Result<Vec<Vec<f64>>> {
    let n = a.len();
    let l = cholesky(a).ok_or_else(|| Error::Numerical {
        context: "covariance".into(),
        reason: "the Hessian is not positive definite".into(),
    })?;
    // Solve L Lᵀ X = I column by column.
    let mut inv = vec![vec![0.0; n]; n];
    for c in 0..n {
        let mut y = vec![0.0; n];
        for i in 0..n {
            let rhs = if i == c { 1.0 } else { 0.0 };
            y[i] = (rhs - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
        }
        for i in (0..n).rev() {
            let s: f64 = (i + 1..n).map(|k| l[k][i] * inv[k][c]).sum();
            inv[i][c] = (y[i] - s) / l[i][i];
        }
    }
    symmetrise(&mut inv);
    Ok(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quad(x: &[f64], g: &mut [f64]) -> f64 {
        // f = Σ w_i (x_i - i)^2, badly scaled.
        let w = [1.0, 100.0, 1e-2, 1e3];
        let mut v = 0.0;
        for i in 0..x.len() {
            let d = x[i] - i as f64;
            g[i] = 2.0 * w[i] * d;
            v += w[i] * d * d;
        }
        v
    }

    #[test]
    fn bfgs_on_quadratics_and_classics() {
        let r = minimize(&mut quad, &[5.0, 5.0, 5.0, 5.0], &OptimOptions::default());
        assert!(r.converged, "{r:?}");
        for (i, v) in r.x.iter().enumerate() {
            assert!((v - i as f64).abs() < 1e-6, "{r:?}");
        }
        // Beale's function, minimum at (3, 0.5).
        let mut beale = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (x[0], x[1]);
            let t1 = 1.5 - a + a * b;
            let t2 = 2.25 - a + a * b * b;
            let t3 = 2.625 - a + a * b * b * b;
            g[0] = 2.0 * t1 * (b - 1.0) + 2.0 * t2 * (b * b - 1.0) + 2.0 * t3 * (b * b * b - 1.0);
            g[1] = 2.0 * t1 * a + 4.0 * t2 * a * b + 6.0 * t3 * a * b * b;
            t1 * t1 + t2 * t2 + t3 * t3
        };
        let r = minimize(&mut beale, &[1.0, 1.0], &OptimOptions::default());
        assert!(r.converged);
        assert!((r.x[0] - 3.0).abs() < 1e-6 && (r.x[1] - 0.5).abs() < 1e-6);
    }

    #[test]
    fn domain_edges_shrink_the_step() {
        // f = x - ln x is infinite (NaN) for x <= 0; minimum at 1.
        let mut f = |x: &[f64], g: &mut [f64]| {
            g[0] = 1.0 - 1.0 / x[0];
            x[0] - x[0].ln()
        };
        let r = minimize(&mut f, &[0.01], &OptimOptions { max_step: 1e3, ..Default::default() });
        assert!(r.converged, "{r:?}");
        assert!((r.x[0] - 1.0).abs() < 1e-7);
    }

    #[test]
    fn non_finite_start_and_iteration_limit() {
        let mut f = |_: &[f64], _: &mut [f64]| f64::NAN;
        let r = minimize(&mut f, &[1.0], &OptimOptions::default());
        assert_eq!(r.reason, StopReason::NonFiniteStart);
        assert!(!r.converged);
        let r = minimize(
            &mut quad,
            &[5.0, 5.0, 5.0, 5.0],
            &OptimOptions { max_iterations: 2, ..Default::default() },
        );
        assert_eq!(r.reason, StopReason::MaxIterations);
        assert!(!r.converged && r.gradient_norm > 1e-3);
    }

    #[test]
    fn wrong_gradient_falls_back_and_reports() {
        // Gradient with the wrong sign: every line search fails; Nelder–Mead then finds the
        // minimum but the (wrong) gradient never vanishes there, so no convergence is claimed.
        let mut f = |x: &[f64], g: &mut [f64]| {
            g[0] = -2.0 * (x[0] - 1.0) - 1.0;
            (x[0] - 1.0).powi(2)
        };
        let r = minimize(&mut f, &[3.0], &OptimOptions::default());
        assert!(!r.converged);
        assert_eq!(r.reason, StopReason::LineSearchFailed);
        assert!((r.x[0] - 1.0).abs() < 1e-3, "{r:?}");
    }

    #[test]
    fn hessians_and_inverse() {
        let x = [0.5, 1.5, -2.0, 3.0];
        let h = hessian_from_gradient(&mut quad, &x).unwrap();
        let w = [1.0, 100.0, 1e-2, 1e3];
        for i in 0..4 {
            for j in 0..4 {
                let want = if i == j { 2.0 * w[i] } else { 0.0 };
                assert!((h[i][j] - want).abs() < 1e-6 * want.max(1.0));
            }
        }
        let mut val = |p: &[f64]| quad(p, &mut [0.0; 4]);
        let h2 = hessian_from_value(&mut val, &x).unwrap();
        for i in 0..4 {
            assert!((h2[i][i] - 2.0 * w[i]).abs() < 1e-5 * w[i].max(1.0), "{h2:?}");
        }
        let inv = invert_spd(&h).unwrap();
        for i in 0..4 {
            assert!((inv[i][i] * 2.0 * w[i] - 1.0).abs() < 1e-6);
        }
        assert!(invert_spd(&[vec![0.0]]).is_err());
    }

    #[test]
    fn deterministic() {
        let run = || minimize(&mut quad, &[5.0, -5.0, 1.0, 9.0], &OptimOptions::default());
        let (a, b) = (run(), run());
        assert_eq!(a.x.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), {
            b.x.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        });
    }
}
