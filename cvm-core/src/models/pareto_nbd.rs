//! The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987, *Counting your customers: who are
//! they and what will they do next?*, Management Science 33(1); expressions from Fader & Hardie,
//! *A note on deriving the Pareto/NBD model and related expressions*, 2005, and Fader, Hardie &
//! Lee, *RFM and CLV: using iso-value curves for customer base analysis*, JMR 42(4), 2005).
//!
//! While active, a customer buys at Poisson rate λ ~ Gamma(r, α); their lifetime is exponential
//! with rate μ ~ Gamma(s, β).
//!
//! # Examples
//! ```
//! use cvm_core::models::{ParetoNbd, ParetoNbdParams, TransactionModel};
//! let m = ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669)?)?;
//! let p = m.probability_alive(&[0.0, 4.0], &[0.0, 36.0], &[38.0, 38.0])?;
//! assert!(p[1] > p[0] && p[1] < 1.0);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use std::sync::OnceLock;

use super::pareto_nbd_likelihood::{row_quad, row_terms, Lik};
use super::Fitted;
use super::Order;
use super::{check_t, fit_ml, one_minus_exp_over, FitOptions, SummaryData, TransactionModel};
use crate::error::Result;
use crate::special::{gamma_ln_ratio, ln_1p_exp, ln_gamma, ln_hyp2f1, log_sub_exp};

super::fitted::params_struct! {
    /// Parameters of the Pareto/NBD model.
    pub struct ParetoNbdParams as "pareto_nbd" {
        /// Shape of the gamma distribution of purchase rates.
        r,
        /// Scale (in time units) of the gamma distribution of purchase rates.
        alpha,
        /// Shape of the gamma distribution of drop-out rates.
        s,
        /// Scale (in time units) of the gamma distribution of drop-out rates.
        beta,
    }
}

/// A Pareto/NBD model: parameters, plus fit diagnostics and covariance when estimated (see [`Fitted`]).
pub type ParetoNbd = Fitted<ParetoNbdParams>;

/// The two log-terms of the likelihood after the common factor
/// `Γ(r+x) α^r β^s / Γ(r)`: `ln[(α+T)^{−(r+x)} (β+T)^{−s}]` and `ln[s/(r+s+x) · A₀]`.
pub(super) fn ln_terms(p: &ParetoNbdParams, x: f64, t_x: f64, t_cal: f64) -> (f64, f64) {
    ln_terms_cached(p, x, t_x, t_cal, None)
}

/// [`ln_terms`] with `F(t_x)` supplied when known (for t_x = 0 it depends on x only).
pub(super) fn ln_terms_cached(
    p: &ParetoNbdParams, x: f64, t_x: f64, t_cal: f64, f_at_tx: Option<f64>,
) -> (f64, f64) {
    let ParetoNbdParams { r, alpha, s, beta } = *p;
    let a1 = -(r + x) * (alpha + t_cal).ln() - s * (beta + t_cal).ln();
    if t_x >= t_cal {
        return (a1, f64::NEG_INFINITY);
    }
    let rsx = r + s + x;
    // A₀ = F(t_x) − F(T), see [`ln_f`].
    let f = |t: f64| ln_f(p, x, t);
    let (f_tx, f_t) = (f_at_tx.unwrap_or_else(|| f(t_x)), f(t_cal));
    let a0 = if f_tx > f_t { log_sub_exp(f_tx, f_t) } else { f64::NEG_INFINITY };
    (a1, (s / rsx).ln() + a0)
}

/// `ln F(t)`, `F(t) = ₂F₁(r+s+x, b'; r+s+x+1; |α−β|/(m+t)) / (m+t)^{r+s+x}` with
/// `(m, b') = (α, s+1)` for α ≥ β and `(β, r+x)` otherwise.
fn ln_f(p: &ParetoNbdParams, x: f64, t: f64) -> f64 {
    let ParetoNbdParams { r, alpha, s, beta } = *p;
    let rsx = r + s + x;
    let (m, b2) = if alpha >= beta { (alpha, s + 1.0) } else { (beta, r + x) };
    let (l, _) = ln_hyp2f1(rsx, b2, rsx + 1.0, (alpha - beta).abs() / (m + t));
    l - rsx * (m + t).ln()
}

pub(super) fn ln_head(p: &ParetoNbdParams, x: f64) -> f64 {
    gamma_ln_ratio(p.r + x, p.r) + p.r * p.alpha.ln() + p.s * p.beta.ln()
}

/// `ln P(alive) = −ln(1 + s Ĵ)` with `Ĵ` by the likelihood's quadrature (see [`row_quad`]),
/// which integrates directly and so avoids the cancellation of `F(t_x) − F(T)`; the ₂F₁ form is
/// the fallback for the rare rows the quadrature declines.
pub(super) fn ln_p_alive(p: &ParetoNbdParams, x: f64, t_x: f64, t_cal: f64) -> f64 {
    if !in_domain(x, t_x, t_cal) {
        return f64::NAN;
    }
    if t_x >= t_cal {
        return 0.0;
    }
    if let Some(q) = row_quad(p, x, t_x, t_cal, Order::Value) {
        return -ln_1p_exp(p.s.ln() + q.ln_j);
    }
    let (a1, a2) = ln_terms(p, x, t_x, t_cal);
    if a2 == f64::NEG_INFINITY {
        return 0.0;
    }
    -crate::special::ln_1p_exp(a2 - a1)
}

/// Whether `(x, t_x, T)` is a history the scalar kernels are defined for: finite, `x ≥ 0`,
/// `0 ≤ t_x ≤ T`. Outside it they return NaN at once (the ₂F₁ series at, say, x = −1.6e7 would
/// run to its ten-million-term cap).
fn in_domain(x: f64, t_x: f64, t_cal: f64) -> bool {
    x.is_finite() && x >= 0.0 && t_x >= 0.0 && t_x <= t_cal && t_cal.is_finite()
}

/// `E[Y(t) | alive at T]`: `(r+x)/(α+T) · (β+T)/(s−1) · [1 − ((β+T)/(β+T+t))^{s−1}]`, written as
/// `(r+x)/(α+T) · (β+T) u · (1 − e^{−(s−1)u})/((s−1)u)` with `u = ln(1 + t/(β+T))`: continuous
/// through s = 1, where it is `(r+x)/(α+T) · (β+T) u`.
pub(super) fn alive_expectation(p: &ParetoNbdParams, t: f64, x: f64, t_cal: f64) -> f64 {
    let b = p.beta + t_cal;
    let u = (t / b).ln_1p();
    (p.r + x) / (p.alpha + t_cal) * b * u * one_minus_exp_over((p.s - 1.0) * u)
}

/// Gauss–Legendre nodes and weights on [−1, 1] (Newton on the Legendre recurrence).
pub(super) fn gauss_legendre() -> &'static [(f64, f64)] {
    static NODES: OnceLock<Vec<(f64, f64)>> = OnceLock::new();
    NODES.get_or_init(|| crate::special::gauss_legendre(20))
}

/// `∫_0^t g(τ) dτ` by 20-point Gauss–Legendre on geometrically shrinking panels towards 0
/// (`[t/2, t], [t/4, t/2], …`, 60 panels, the last one down to 0), which resolves features at any
/// scale between `t·2^{−60}` and `t`.
fn integrate_0_t(t: f64, g: &dyn Fn(f64) -> f64) -> f64 {
    let nodes = gauss_legendre();
    let mut total = 0.0;
    let mut hi = t;
    for k in 0..60 {
        let lo = if k == 59 { 0.0 } else { hi * 0.5 };
        let (c, h) = (0.5 * (hi + lo), 0.5 * (hi - lo));
        total += h * nodes.iter().map(|&(x, w)| w * g(c + h * x)).sum::<f64>();
        hi = lo;
    }
    total
}

impl ParetoNbd {
    /// Maximum-likelihood fit (see [`crate::models`]). Value, gradient and Hessian of the
    /// log-likelihood come from one quadrature pass (Gauss–Legendre in `ln(min(α,β)+τ)` over the
    /// integral term `s∫_{t_x}^T (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ`, accurate to ~1e-14 against
    /// 30-digit references); large inputs finish with Newton iterations.
    ///
    /// Starting values (unless `options.initial`): r = 1, α = mean T / (mean x + 1), s = 1,
    /// β = mean T, and all ones if that start fails.
    ///
    /// # Errors
    /// Invalid options; [`crate::Error::NotConverged`] with the diagnostics of the last iterate.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{simulate, FitOptions, ParetoNbd, ParetoNbdParams, SimulationOptions};
    /// use cvm_core::models::SummaryData;
    /// let truth = ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669)?;
    /// let sim = simulate::pareto_nbd(&truth, &SimulationOptions::default().with_n_customers(3000))?;
    /// let data = SummaryData::new(&sim.frequency, &sim.recency, &sim.t, None)?;
    /// let m = ParetoNbd::fit(&data, &FitOptions::default())?;
    /// assert!(m.diagnostics().unwrap().converged);
    /// let se = m.covariance().unwrap().standard_errors();
    /// assert!((m.params().r - truth.r).abs() < 4.0 * se[0]);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn fit(data: &SummaryData, options: &FitOptions) -> Result<Self> {
        super::check_identifiable(
            "pareto_nbd",
            "frequency",
            data.frequency(),
            data.recency(),
            data.t(),
        )?;
        let fit = fit_ml(&Lik, data, options)?;
        Fitted::from_fit(fit, options.time_unit)
    }

    /// Simulates a cohort from this model's parameters (see [`super::simulate`]): the calibration
    /// summary, holdout counts and optionally the transaction log; seeded and reproducible.
    ///
    /// # Errors
    /// Invalid simulation options.
    pub fn simulate(&self, options: &super::SimulationOptions) -> Result<super::SimulatedCohort> {
        super::simulate::pareto_nbd(&self.params, options)
    }

    /// Log-likelihood of a whole (weighted) summary at this model's parameters.
    pub fn log_likelihood(&self, data: &SummaryData) -> f64 {
        Lik::value(data, &self.params.to_vec())
    }

    /// P(X(horizon) = n) for a new customer.
    ///
    /// # Formula
    /// Conditioning on the lifetime τ (Lomax with density `s β^s (β+τ)^{−(s+1)}`, Fader & Hardie
    /// 2006, *Deriving an expression for P(X(t) = x) under the Pareto/NBD model*):
    /// `P = (β/(β+t))^s NB_n(t) + ∫_0^t s β^s (β+τ)^{−(s+1)} NB_n(τ) dτ`, with
    /// `NB_n(τ) = Γ(r+n)/(Γ(r) n!) (α/(α+τ))^r (τ/(α+τ))^n`. Both terms are positive; the integral
    /// is computed by Gauss–Legendre quadrature (relative accuracy ~1e-10), which avoids the
    /// cancelling hypergeometric differences of the closed form.
    ///
    /// # Errors
    /// [`crate::Error::InvalidValue`] (`t`) for a negative or non-finite `horizon`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{ParetoNbd, ParetoNbdParams};
    /// let m = ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669)?)?;
    /// let total: f64 = (0..300).map(|n| m.probability_of_n_purchases(39.0, n).unwrap()).sum();
    /// assert!((total - 1.0).abs() < 1e-8);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn probability_of_n_purchases(&self, horizon: f64, n: u64) -> Result<f64> {
        check_t("t", horizon)?;
        Ok(self.probability_of_n_purchases_at(horizon, n))
    }

    fn p_n(&self, n: u64, t: f64) -> f64 {
        let nf = n as f64;
        if t == 0.0 {
            return if n == 0 { 1.0 } else { 0.0 };
        }
        let ParetoNbdParams { r, alpha, s, beta } = self.params;
        let ln_c = gamma_ln_ratio(r + nf, r) - ln_gamma(nf + 1.0);
        let ln_nb = |tau: f64| {
            let pow_n = if n == 0 { 0.0 } else { nf * (-(alpha / tau).ln_1p()) };
            ln_c - r * (tau / alpha).ln_1p() + pow_n
        };
        let first = (-s * (t / beta).ln_1p() + ln_nb(t)).exp();
        let integrand = |tau: f64| {
            if tau <= 0.0 {
                return if n == 0 { s / beta } else { 0.0 };
            }
            (s.ln() - beta.ln() - (s + 1.0) * (tau / beta).ln_1p() + ln_nb(tau)).exp()
        };
        (first + integrate_0_t(t, &integrand)).clamp(0.0, 1.0)
    }
}

impl TransactionModel for ParetoNbd {
    /// Schmittlein et al. (1987) eq. 22 below: P(alive) times a function of `(t, x, T)`.
    fn factors_through_alive(&self) -> bool {
        true
    }

    /// `min(α, β)`: at `t_x = T` the DERT depends on `T` through `α + T` and `β + T`.
    fn age_interpolation_shift(&self, params: &[f64]) -> Option<f64> {
        Some(params[1].min(params[3]))
    }

    /// P(alive) by per-frequency interpolation of the integral's tail over ages (see
    /// `pareto_nbd_alive.rs`), checked against the quadrature; the expectation given alive in
    /// closed form.
    fn scoring_batch(
        &self, horizon: f64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Option<Box<dyn Fn(f64, f64, f64) -> Option<(f64, f64)> + Send + Sync + '_>> {
        let plan = super::pareto_nbd_alive::AliveByFrequency::plan(
            &self.params,
            frequency,
            recency,
            t_cal,
        )?;
        Some(Box::new(move |x, t_x, t| plan.at(horizon, x, t_x, t)))
    }

    /// The finite-horizon DERT (see `pareto_nbd_dert.rs`).
    fn discounted_expected_purchases_closed_form(
        &self, params: &[f64], history: (f64, f64, f64), horizon: f64, delta: f64,
    ) -> Option<f64> {
        super::pareto_nbd_dert::finite_horizon_dert(params, history, horizon, delta)
    }

    /// # Formula
    /// Schmittlein et al. (1987) eq. 22:
    /// `(r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}] · P(alive)`, continuous at s = 1.
    fn conditional_expected_purchases_with(
        &self, params: &[f64], horizon: f64, x: f64, t_x: f64, t_cal: f64,
    ) -> f64 {
        let p = ParetoNbdParams::raw(params);
        alive_expectation(&p, horizon, x, t_cal) * ln_p_alive(&p, x, t_x, t_cal).exp()
    }

    /// # Formula
    /// Fader & Hardie (2005 note) eq. 18: `1 / (1 + s/(r+s+x) (α+T)^{r+x} (β+T)^s A₀)`, as a
    /// logistic of the log-ratio.
    fn probability_alive_with(&self, params: &[f64], x: f64, t_x: f64, t_cal: f64) -> f64 {
        ln_p_alive(&ParetoNbdParams::raw(params), x, t_x, t_cal).exp()
    }

    fn conditional_expected_purchases_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        alive_expectation(&self.params, horizon, x, t_cal)
            * ln_p_alive(&self.params, x, t_x, t_cal).exp()
    }

    fn probability_alive_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        ln_p_alive(&self.params, x, t_x, t_cal).exp()
    }

    /// P(alive) once (one quadrature), times the expectation of a customer alive at T
    /// (Schmittlein et al. 1987, eq. 22).
    fn probability_alive_and_expected_purchases_at(
        &self, horizon: f64, x: f64, t_x: f64, t_cal: f64,
    ) -> (f64, f64) {
        let alive = ln_p_alive(&self.params, x, t_x, t_cal).exp();
        (alive, alive_expectation(&self.params, horizon, x, t_cal) * alive)
    }

    fn probability_of_n_purchases_at(&self, horizon: f64, n: u64) -> f64 {
        self.p_n(n, horizon)
    }

    /// # Formula
    /// Schmittlein et al. (1987) eq. 17: `rβ/(α(s−1)) · [1 − (β/(β+t))^{s−1}]`
    /// (`rβ/α · ln(1 + t/β)` at s = 1).
    fn expected_purchases_new_customer_at(&self, horizon: f64) -> f64 {
        alive_expectation(&self.params, horizon, 0.0, 0.0)
    }

    /// # Formula
    /// Fader & Hardie (2005 note) eq. 22, in logs:
    /// `ln Γ(r+x) − ln Γ(r) + r ln α + s ln β + ln[(α+T)^{−(r+x)}(β+T)^{−s} + s/(r+s+x) A₀]`,
    /// `A₀ = F(t_x) − F(T)`, `F(t) = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t)) / (α+t)^{r+s+x}` for
    /// α ≥ β and `₂F₁(r+s+x, r+x; r+s+x+1; (β−α)/(β+t)) / (β+t)^{r+s+x}` otherwise. Both terms
    /// of the bracket are positive: `s/(r+s+x) A₀ = s∫_{t_x}^T (α+τ)^{−(r+x)}(β+τ)^{−(s+1)} dτ`,
    /// which is computed by the fit's quadrature (no cancellation of `F(t_x) − F(T)`), with the
    /// ₂F₁ form as the fallback; so this equals the fit's per-customer term exactly.
    fn log_likelihood_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        if !in_domain(x, t_x, t_cal) {
            return f64::NAN;
        }
        ln_head(&self.params, x) + row_terms(&self.params, x, t_x, t_cal, Order::Value).0
    }
}

impl std::fmt::Display for ParetoNbd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.params;
        write!(
            f,
            "Pareto/NBD(r={:.4}, alpha={:.4}, s={:.4}, beta={:.4})",
            p.r, p.alpha, p.s, p.beta
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(p: [f64; 4]) -> ParetoNbd {
        ParetoNbd::from_params(ParetoNbdParams::raw(&p)).unwrap()
    }

    #[test]
    fn gauss_legendre_integrates_polynomials_and_exponentials() {
        let v = integrate_0_t(2.0, &|x| x.powi(7));
        assert!((v - 2f64.powi(8) / 8.0).abs() < 1e-12);
        let v = integrate_0_t(50.0, &|x| (-x).exp());
        assert!((v - (1.0 - (-50f64).exp())).abs() < 1e-13);
    }

    #[test]
    fn likelihood_integral_form() {
        // A₀ term = s ∫_{t_x}^T (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, checked by quadrature, for
        // α > β, α < β and α = β.
        for p in [[0.55, 10.6, 0.6, 11.7], [2.0, 3.0, 1.5, 0.7], [0.8, 5.0, 1.0, 5.0]] {
            let pp = ParetoNbdParams::raw(&p);
            for &(x, tx, tc) in &[(0.0, 0.0, 30.0), (3.0, 12.0, 38.0), (10.0, 1.0, 20.0)] {
                let (_, a2) = ln_terms(&pp, x, tx, tc);
                let g = |tau: f64| {
                    let tt = tx + tau;
                    p[2] * (-(p[0] + x) * (p[1] + tt).ln() - (p[2] + 1.0) * (p[3] + tt).ln()).exp()
                };
                let want = integrate_0_t(tc - tx, &g);
                assert!((a2.exp() / want - 1.0).abs() < 1e-9, "{p:?} {x} {}", a2.exp() / want);
            }
        }
    }

    #[test]
    fn expectations_continuous_at_s_one_and_dert_by_quadrature() {
        let at = model([0.5, 4.0, 1.0, 10.0]).expected_purchases_new_customer_at(20.0);
        let want = 0.5 * 10.0 / 4.0 * (1.0f64 + 2.0).ln();
        assert!((at - want).abs() < 1e-14 * want);
        let near = model([0.5, 4.0, 1.0 + 1e-9, 10.0]).expected_purchases_new_customer_at(20.0);
        assert!((at - near).abs() < 1e-8);
        // DERT = P(alive) (r+x)/(α+T) ∫_0^∞ e^{−δt} ((β+T)/(β+T+t))^s dt.
        for p in [[0.55, 10.6, 0.6, 11.7], [0.55, 10.6, 1.0, 11.7], [2.0, 3.0, 2.5, 0.7]] {
            let m = model(p);
            let (x, tx, tc, delta) = (3.0, 20.0, 38.0, 0.01);
            let b = p[3] + tc;
            let g = |v: f64| {
                // t = (1−v)/v maps (0, 1] onto [0, ∞); the panels refine towards v = 0.
                if v <= 0.0 {
                    return 0.0;
                }
                let t = (1.0 - v) / v;
                (-delta * t - p[2] * (t / b).ln_1p()).exp() / (v * v)
            };
            let want = m.probability_alive_at(x, tx, tc) * (p[0] + x) / (p[1] + tc)
                * integrate_0_t(1.0, &g);
            let got = m.dert_at(x, tx, tc, delta);
            assert!((got / want - 1.0).abs() < 1e-8, "{p:?}: {got} vs {want}");
        }
    }
}
