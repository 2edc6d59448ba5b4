//! The MBG/NBD model (Batislam, Denizel & Filiztekin 2007, *Empirical validation and comparison
//! of models for customer base analysis*, IJRM 24(3), 201–209).
//!
//! As the BG/NBD (purchase rate λ ~ Gamma(r, α), drop-out probability p ~ Beta(a, b)), but the
//! customer may also drop out right at the first purchase (time 0), so a customer without repeat
//! purchases is not certainly alive.
//!
//! # Examples
//! ```
//! use cvm_core::models::{MbgNbd, MbgNbdParams, TransactionModel};
//! let m = MbgNbd::from_params(MbgNbdParams::new(0.5248, 6.183, 0.8914, 1.614)?)?;
//! let p = m.probability_alive(&[0.0, 5.0], &[0.0, 30.0], &[38.0, 38.0])?;
//! assert!(p[0] < 1.0 && p[1] > p[0]);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use super::bg_family_likelihood::{head_sums, BgLik, BgTerms};
use super::Fitted;
use super::{bg_family, ln_add, SummaryData, TransactionModel, XTerms};
use crate::special::{gamma_ln_ratio, ln_beta, ln_gamma};

super::fitted::params_struct! {
    /// Parameters of the MBG/NBD model.
    pub struct MbgNbdParams as "mbg_nbd" {
        /// Shape of the gamma distribution of purchase rates.
        r,
        /// Scale (in time units) of the gamma distribution of purchase rates.
        alpha,
        /// First shape of the beta distribution of drop-out probabilities.
        a,
        /// Second shape of the beta distribution of drop-out probabilities.
        b,
    }
}

/// An MBG/NBD model: parameters, plus fit diagnostics and covariance when estimated (see [`Fitted`]).
pub type MbgNbd = Fitted<MbgNbdParams>;

/// The MBG/NBD's per-frequency terms.
struct Terms;

/// The likelihood for the shared driver [`fit_ml`](super::fit_ml).
const LIK: BgLik<Terms> = BgLik(Terms);

impl BgTerms for Terms {
    const MODEL: &'static str = "mbg_nbd";
    const NAMES: &'static [&'static str] = MbgNbdParams::NAMES;

    /// Per-frequency terms (Batislam et al. 2007 as `h(x) + ln(e^{A₁} + e^{A₂})`), the head
    /// from the running sums of [`head_sums`].
    fn table(data: &SummaryData, p: &[f64], with_hessian: bool) -> Vec<XTerms> {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        let sums = head_sums(data.x_levels(), r, a, b, with_hessian);
        data.x_levels()
            .iter()
            .zip(&sums)
            .map(|(&x, s)| {
                // C = ln Γ(b+x) − ln Γ(b) + ln Γ(a+b) − ln Γ(a+b+x+1): the BG/NBD's beta ratio
                // less ln(a+b+x), the last factor of Γ(a+b+x+1).
                let abx = a + b + x;
                let mut t = XTerms {
                    head: s.ln_r + r * ln_alpha + s.ln_beta - abx.ln(),
                    rx: r + x,
                    two: true,
                    ..Default::default()
                };
                // ψ(a+b) − ψ(a+b+x+1) = −Σ_{k≤x} 1/(a+b+k).
                let da = -(s.inv[2] + 1.0 / abx);
                t.head_grad = [s.inv[0] + ln_alpha, r / alpha, da, da + s.inv[1]];
                if with_hessian {
                    let ha = s.inv2[2] + 1.0 / (abx * abx);
                    t.head_hess = [
                        [-s.inv2[0], 1.0 / alpha, 0.0, 0.0],
                        [1.0 / alpha, -r / (alpha * alpha), 0.0, 0.0],
                        [0.0, 0.0, ha, ha],
                        [0.0, 0.0, ha, ha - s.inv2[1]],
                    ];
                }
                let bx = b + x;
                t.c = [bx.ln(), ln_a];
                t.c_grad = [[0.0, 1.0 / bx], [1.0 / a, 0.0]];
                t.c_hess = [[0.0, -1.0 / (bx * bx)], [-1.0 / (a * a), 0.0]];
                t
            })
            .collect()
    }
}

/// P(alive): `1 / (1 + a/(b+x) ((α+T)/(α+t_x))^{r+x})`, also for x = 0, as the logistic
/// `1 / (1 + e^l)` of `l = ln(a/(b+x)) + (r+x) ln(1 + (T−t_x)/(α+t_x))` (no overflow: `e^l = ∞`
/// gives 0; one exponential, one logarithm of a ratio, one `ln_1p` of the exact age gap).
fn p_alive(p: &MbgNbdParams, x: f64, t_x: f64, t_cal: f64) -> f64 {
    let l = (p.a / (p.b + x)).ln() + (p.r + x) * ((t_cal - t_x) / (p.alpha + t_x)).ln_1p();
    1.0 / (1.0 + l.exp())
}

/// `(c/(a−1))·[1 − ₂F₁(r+x, a−1; c; −t/(α+T))]` with `c = a+b+x`: the expected purchases in
/// `(T, T+t]` of a customer alive at T (Batislam et al. 2007, after a Pfaff transformation that
/// keeps every term bounded).
fn alive_expectation(p: &MbgNbdParams, t: f64, x: f64, t_cal: f64) -> f64 {
    if t == 0.0 {
        return 0.0;
    }
    let b2 = p.b + x + 1.0;
    let integral = || bg_family::by_quadrature(p.r + x, p.a, b2, t, p.alpha + t_cal);
    if bg_family::needs_quadrature(p.r + x, p.a, b2, t, p.alpha + t_cal) {
        return integral().unwrap_or(f64::NAN);
    }
    let eval = |a: f64| -> Option<f64> {
        let c = a + p.b + x;
        bg_family::hypergeometric(p.r + x, a, c, t, p.alpha + t_cal)
    };
    // Removable singularity at a = 1: average two close points.
    let h = 1e-5;
    let closed = if (p.a - 1.0).abs() < h {
        eval(1.0 - h).and_then(|u| Some(0.5 * (u + eval(1.0 + h)?)))
    } else {
        eval(p.a)
    };
    closed.or_else(integral).unwrap_or(f64::NAN)
}

/// `ln P(X(t) = n)`: `B(a, b+n+1)/B(a, b) NB(n) + B(a+1, b+n)/B(a, b) P(NB ≥ n)` (a customer
/// with n purchases either survived the coin after the n-th and made no more, or dropped out
/// right after it; for n = 0 the tail probability is 1).
fn ln_p_n(p: &MbgNbdParams, n: f64, t: f64) -> f64 {
    let MbgNbdParams { r, alpha, a, b } = *p;
    let lb = ln_beta(a, b);
    let t2_head = ln_beta(a + 1.0, b + n) - lb;
    if t == 0.0 {
        // Nobody buys in an empty interval.
        return if n == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    let ln_q = -(t / alpha).ln_1p(); // ln(α/(α+t))
    let ln_z = -(alpha / t).ln_1p(); // ln(t/(α+t))
    let nb = gamma_ln_ratio(r + n, r) - ln_gamma(n + 1.0) + r * ln_q + n * ln_z;
    let t1 = ln_beta(a, b + n + 1.0) - lb + nb;
    let tail = if n == 0.0 { 0.0 } else { crate::special::ln_beta_inc_reg(n, r, t / (alpha + t)) };
    ln_add(t1, t2_head + tail)
}

super::bg_family_methods::bg_family_methods! {
    model: MbgNbd,
    params: MbgNbdParams,
    likelihood: LIK,
    simulate: super::simulate::mbg_nbd,
    display: "MBG/NBD",
    /// Maximum-likelihood fit (see [`crate::models`] for the method).
    ///
    /// Starting values (unless `options.initial`): r = 1, α = mean T / (mean x + 1), a = 1, b = 1,
    /// and all ones if that start fails.
    ///
    /// # Errors
    /// Invalid options; [`Error::NotConverged`](crate::Error::NotConverged) with the diagnostics of the last iterate.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{simulate, MbgNbd, MbgNbdParams, FitOptions, SimulationOptions, SummaryData};
    /// use cvm_core::models::TransactionModel;
    /// let truth = MbgNbdParams::new(0.525, 6.183, 0.891, 1.614)?;
    /// let sim = simulate::mbg_nbd(&truth, &SimulationOptions::default().with_n_customers(5000))?;
    /// let data = SummaryData::new(&sim.frequency, &sim.recency, &sim.t, None)?;
    /// let m = MbgNbd::fit(&data, &FitOptions::default())?;
    /// let d = m.diagnostics().unwrap();
    /// assert!(d.converged && d.gradient_norm <= cvm_core::prec::OPTIM_GRAD_TOL);
    /// // The log-likelihood is the sum of the per-customer values.
    /// let per = m.log_likelihood_individual(data.frequency(), data.recency(), data.t())?;
    /// let total: f64 = per.iter().zip(data.weight()).map(|(l, w)| l * w).sum();
    /// assert!((total - d.log_likelihood).abs() < 1e-8 * total.abs());
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    fn fit;

    /// P(X(horizon) = n): the probability that a new customer makes `n` repeat purchases in
    /// `(0, horizon]`.
    ///
    /// # Formula
    /// Batislam et al. (2007), derived as for FHL (2005) eq. 8:
    /// `B(a, b+n+1)/B(a, b) · NB(n) + B(a+1, b+n)/B(a, b) · P(NB ≥ n)`, with the NBD
    /// probability `NB(n) = Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n` and its tail
    /// `P(NB ≥ n) = I_{t/(α+t)}(n, r)` (regularised incomplete beta, no cancellation).
    ///
    /// # Errors
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) (`t`) for a negative or non-finite `horizon`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{MbgNbd, MbgNbdParams};
    /// let m = MbgNbd::from_params(MbgNbdParams::new(0.5248, 6.183, 0.8914, 1.614)?)?;
    /// let total: f64 = (0..400).map(|n| m.probability_of_n_purchases(39.0, n).unwrap()).sum();
    /// assert!((total - 1.0).abs() < 1e-6);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    fn probability_of_n_purchases;
}

impl TransactionModel for MbgNbd {
    super::bg_family_methods::bg_family_kernels!(
        d: 0.0,
        params: MbgNbdParams,
        expectation_doc: {
            /// # Formula
            /// Batislam et al. (2007): `(a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x}
            /// ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))] · P(alive)`, evaluated as
            /// `(a+b+x)/(a−1) · [1 − ₂F₁(r+x, a−1; a+b+x; −t/(α+T))] · P(alive)` for moderate
            /// parameters (`r+x`, `a`, `b+x+1` in `[1e-2, 1e2]`, `t/(α+T) ≤ 1e3`). Elsewhere the factor
            /// of P(alive) is computed from its representation as a beta average (as FHL 2005 eq. 10
            /// for the BG/NBD), `E_p[(1 − (1 + p t/(α+T))^{−(r+x)})/p]` with `p ~ Beta(a, b+x+1)` (the
            /// customer also survived the coin at the first purchase): a series for short horizons,
            /// otherwise adaptive Gauss–Kronrod quadrature with analytic tails, relative error target
            /// 1e-11, at most 200 panels of 15 points (see `models/bg_family.rs`).
            ///
            /// # Errors
            /// A value that cannot be computed to its tolerance within that cap, or is not
            /// representable, is NaN here and an [`Error::Numerical`](crate::Error::Numerical) from the
            /// vectorised [`TransactionModel::conditional_expected_purchases`].
        },
        p_alive: p_alive,
        alive_expectation: alive_expectation,
        ln_p_n: ln_p_n
    );

    /// # Formula
    /// Batislam et al. (2007): `1 / (1 + a/(b+x) ((α+T)/(α+t_x))^{r+x})` (also for x = 0), as a
    /// logistic of the log-ratio (no overflow).
    fn probability_alive_with(&self, params: &[f64], x: f64, t_x: f64, t_cal: f64) -> f64 {
        p_alive(&MbgNbdParams::raw(params), x, t_x, t_cal)
    }

    fn conditional_expected_purchases_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        alive_expectation(&self.params, horizon, x, t_cal) * p_alive(&self.params, x, t_x, t_cal)
    }

    /// P(alive) once, times the expectation of a customer alive at T (Batislam et al. 2007).
    fn probability_alive_and_expected_purchases_at(
        &self, horizon: f64, x: f64, t_x: f64, t_cal: f64,
    ) -> (f64, f64) {
        let alive = p_alive(&self.params, x, t_x, t_cal);
        (alive, alive_expectation(&self.params, horizon, x, t_cal) * alive)
    }

    /// # Formula
    /// Batislam et al. (2007): `b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))]`.
    /// Evaluated as described for [`TransactionModel::conditional_expected_purchases_with`]
    /// (closed form for moderate parameters, quadrature elsewhere; NaN, and an error from the
    /// vectorised form, when the quadrature misses its tolerance within its cap).
    fn expected_purchases_new_customer_at(&self, horizon: f64) -> f64 {
        alive_expectation(&self.params, horizon, 0.0, 0.0) * p_alive(&self.params, 0.0, 0.0, 0.0)
    }

    /// # Formula
    /// Batislam et al. (2007), in logs:
    /// `ln Γ(r+x) − ln Γ(r) + r ln α + ln[B(a, b+x+1)/B(a, b) (α+T)^{−(r+x)}
    ///  + B(a+1, b+x)/B(a, b) (α+t_x)^{−(r+x)}]`, the bracket by log-sum-exp.
    fn log_likelihood_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        let MbgNbdParams { r, alpha, a, b } = self.params;
        let lb = ln_beta(a, b);
        let head = gamma_ln_ratio(r + x, r) + r * alpha.ln();
        let a1 = ln_beta(a, b + x + 1.0) - lb - (r + x) * (alpha + t_cal).ln();
        let a2 = ln_beta(a + 1.0, b + x) - lb - (r + x) * (alpha + t_x).ln();
        head + ln_add(a1, a2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::models::bg_family_likelihood::testing::bg_family_tests!(MbgNbd, MbgNbdParams);

    #[test]
    fn degenerate_points_are_continuous() {
        let m =
            MbgNbd::from_params(MbgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let p = m.params();
        let want = p.b / (p.a + p.b);
        assert!((m.probability_alive_at(0.0, 0.0, 0.0) - want).abs() < 1e-14);
        assert!(m.probability_alive_at(0.0, 0.0, 10.0) < want);
        assert_eq!(m.conditional_expected_purchases_at(0.0, 2.0, 5.0, 10.0), 0.0);
    }
}
