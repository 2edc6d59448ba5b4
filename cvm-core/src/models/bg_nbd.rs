//! The BG/NBD model (Fader, Hardie & Lee 2005, *"Counting your customers" the easy way: an
//! alternative to the Pareto/NBD model*, Marketing Science 24(2), 275–284).
//!
//! While active, a customer buys at Poisson rate λ ~ Gamma(r, α); after every purchase they drop
//! out with probability p ~ Beta(a, b).
//!
//! # Examples
//! ```
//! use cvm_core::models::{BgNbd, BgNbdParams, TransactionModel};
//! let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
//! // Fader, Hardie & Lee (2005): a customer with x = 2, t_x = 30.43, T = 38.86 weeks.
//! let e = m.conditional_expected_purchases(39.0, &[2.0], &[30.43], &[38.86])?;
//! assert!((e[0] - 1.226).abs() < 1e-3);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use super::bg_nbd_likelihood::LIK;
use super::Fitted;
use super::{bg_family, ln_add, TransactionModel};
use crate::special::{gamma_ln_ratio, ln_beta, ln_gamma};

super::fitted::params_struct! {
    /// Parameters of the BG/NBD model.
    pub struct BgNbdParams as "bg_nbd" {
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

/// A BG/NBD model: parameters, plus fit diagnostics and covariance when estimated (see [`Fitted`]).
pub type BgNbd = Fitted<BgNbdParams>;

/// P(alive) kernel: `1 / (1 + e^l)`, `l = ln(a/(b+x−1)) + (r+x) ln(1 + (T−t_x)/(α+t_x))`
/// (1 for x = 0). The logistic form does not overflow (`e^l = ∞` gives 0) and needs one
/// exponential; the odds are one logarithm of a ratio and one `ln_1p` of the (exact) age gap.
fn p_alive(p: &BgNbdParams, x: f64, t_x: f64, t_cal: f64) -> f64 {
    if x == 0.0 {
        return 1.0;
    }
    let l = (p.a / (p.b + x - 1.0)).ln() + (p.r + x) * ((t_cal - t_x) / (p.alpha + t_x)).ln_1p();
    1.0 / (1.0 + l.exp())
}

/// `(c/(a−1))·[1 − ₂F₁(r+x, a−1; c; −t/(α+T))]` with `c = a+b+x−1`: the expected purchases in
/// `(T, T+t]` of a customer alive at T (FHL 2005 eq. 10 after a Pfaff transformation, which keeps
/// every term bounded: Hardie's note on the overflow of the original form).
fn alive_expectation(p: &BgNbdParams, t: f64, x: f64, t_cal: f64) -> f64 {
    if t == 0.0 {
        return 0.0;
    }
    let integral = || bg_family::by_quadrature(p.r + x, p.a, p.b + x, t, p.alpha + t_cal);
    if bg_family::needs_quadrature(p.r + x, p.a, p.b + x, t, p.alpha + t_cal) {
        return integral().unwrap_or(f64::NAN);
    }
    let eval = |a: f64, b: f64| -> Option<f64> {
        let c = a + b + x - 1.0;
        bg_family::hypergeometric(p.r + x, a, c, t, p.alpha + t_cal)
    };
    let mean = |u: Option<f64>, w: Option<f64>| Some(0.5 * (u? + w?));
    // Removable singularities (a = 1; c = 0 when x = 0 and a + b = 1): average two close points.
    let h = 1e-5;
    let closed = if (p.a - 1.0).abs() < h {
        mean(eval(1.0 - h, p.b), eval(1.0 + h, p.b))
    } else if x == 0.0 && (p.a + p.b - 1.0).abs() < h {
        let b0 = 1.0 - p.a;
        mean(eval(p.a, b0 - h), eval(p.a, b0 + h))
    } else {
        eval(p.a, p.b)
    };
    closed.or_else(integral).unwrap_or(f64::NAN)
}

fn ln_p_n(p: &BgNbdParams, n: f64, t: f64) -> f64 {
    if t == 0.0 {
        return if n == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    let BgNbdParams { r, alpha, a, b } = *p;
    let ln_q = -(t / alpha).ln_1p(); // ln(α/(α+t))
    let ln_z = -(alpha / t).ln_1p(); // ln(t/(α+t))
    let nb = gamma_ln_ratio(r + n, r) - ln_gamma(n + 1.0) + r * ln_q + n * ln_z;
    let t1 = ln_beta(a, b + n) - ln_beta(a, b) + nb;
    if n == 0.0 {
        return t1;
    }
    // P(NB ≥ n) = I_{t/(α+t)}(n, r).
    let tail = crate::special::ln_beta_inc_reg(n, r, t / (alpha + t));
    let t2 = ln_beta(a + 1.0, b + n - 1.0) - ln_beta(a, b) + tail;
    ln_add(t1, t2)
}

super::bg_family_methods::bg_family_methods! {
    model: BgNbd,
    params: BgNbdParams,
    likelihood: LIK,
    simulate: super::simulate::bg_nbd,
    display: "BG/NBD",
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
    /// use cvm_core::models::{simulate, BgNbd, BgNbdParams, FitOptions, SimulationOptions, SummaryData};
    /// use cvm_core::models::TransactionModel;
    /// let truth = BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?;
    /// let sim = simulate::bg_nbd(&truth, &SimulationOptions::default().with_n_customers(5000))?;
    /// let data = SummaryData::new(&sim.frequency, &sim.recency, &sim.t, None)?;
    /// let m = BgNbd::fit(&data, &FitOptions::default())?;
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
    /// FHL (2005) eq. 8:
    /// `B(a, b+n)/B(a, b) · NB(n) + 1{n>0} B(a+1, b+n−1)/B(a, b) · P(NB ≥ n)`, with the NBD
    /// probability `NB(n) = Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n` and its tail
    /// `P(NB ≥ n) = I_{t/(α+t)}(n, r)` (regularised incomplete beta, no cancellation).
    ///
    /// # Errors
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) (`t`) for a negative or non-finite `horizon`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgNbd, BgNbdParams};
    /// let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
    /// assert!((m.probability_of_n_purchases(39.0, 0)? - 0.5737864).abs() < 1e-6);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    fn probability_of_n_purchases;
}

impl TransactionModel for BgNbd {
    super::bg_family_methods::bg_family_kernels!(
        d: 1.0,
        params: BgNbdParams,
        expectation_doc: {
            /// # Formula
            /// FHL (2005) eq. 10: `(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x}
            /// ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] · P(alive)`, evaluated as
            /// `(a+b+x−1)/(a−1) · [1 − ₂F₁(r+x, a−1; a+b+x−1; −t/(α+T))] · P(alive)` for moderate
            /// parameters (`r+x`, `a`, `b+x` in `[1e-2, 1e2]`, `t/(α+T) ≤ 1e3`). Elsewhere the factor of
            /// P(alive) is computed from its representation as a beta average,
            /// `E_p[(1 − (1 + p t/(α+T))^{−(r+x)})/p]`, `p ~ Beta(a, b+x)`: a series for short
            /// horizons, otherwise adaptive Gauss–Kronrod quadrature in `ln(p/(1−p))` with analytic
            /// tails (incomplete beta), relative error target 1e-11, at most 200 panels of 15 points
            /// (see `models/bg_family.rs`). Relative error ≤ 1e-8 over the parameter domain
            /// (tested against 50-digit mpmath references).
            ///
            /// # Errors
            /// A value that cannot be computed to its tolerance within that cap, or is not
            /// representable, is NaN here and an [`Error::Numerical`](crate::Error::Numerical) naming the
            /// model, the parameters and the row from the vectorised
            /// [`TransactionModel::conditional_expected_purchases`].
        },
        p_alive: p_alive,
        alive_expectation: alive_expectation,
        ln_p_n: ln_p_n
    );

    /// # Formula
    /// FHL (2005): `1 / (1 + 1{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x})`, as a logistic of the
    /// log-ratio (no overflow).
    fn probability_alive_with(&self, params: &[f64], x: f64, t_x: f64, t_cal: f64) -> f64 {
        p_alive(&BgNbdParams::raw(params), x, t_x, t_cal)
    }

    fn conditional_expected_purchases_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        self.probability_alive_and_expected_purchases_at(horizon, x, t_x, t_cal).1
    }

    /// P(alive) once, times the expectation of a customer alive at T (FHL 2005 eq. 10).
    fn probability_alive_and_expected_purchases_at(
        &self, horizon: f64, x: f64, t_x: f64, t_cal: f64,
    ) -> (f64, f64) {
        let alive = p_alive(&self.params, x, t_x, t_cal);
        if alive == 0.0 {
            // A customer certainly gone (e.g. r ~ 1e8: the costliest ₂F₁ arguments) expects 0.
            return (0.0, 0.0);
        }
        (alive, alive_expectation(&self.params, horizon, x, t_cal) * alive)
    }

    /// # Formula
    /// FHL (2005) eq. 7: `(a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]`, i.e.
    /// eq. 10 at `x = 0`, `T = 0`, evaluated as described for
    /// [`TransactionModel::conditional_expected_purchases_with`] (closed form for moderate
    /// parameters, quadrature elsewhere; NaN, and an error from the vectorised form, when the
    /// quadrature misses its tolerance within its cap).
    fn expected_purchases_new_customer_at(&self, horizon: f64) -> f64 {
        alive_expectation(&self.params, horizon, 0.0, 0.0)
    }

    /// # Formula
    /// FHL (2005) eq. 6, in logs:
    /// `ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
    ///  + ln[(α+T)^{−(r+x)} + 1{x>0} a/(b+x−1) (α+t_x)^{−(r+x)}]`, the bracket by log-sum-exp.
    fn log_likelihood_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        let BgNbdParams { r, alpha, a, b } = self.params;
        let head = gamma_ln_ratio(r + x, r) + r * alpha.ln() + ln_beta(a, b + x) - ln_beta(a, b);
        let a3 = -(r + x) * (alpha + t_cal).ln();
        if x > 0.0 {
            let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + t_x).ln();
            head + ln_add(a3, a4)
        } else {
            head + a3
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::models::bg_family_likelihood::testing::bg_family_tests!(BgNbd, BgNbdParams);

    #[test]
    fn degenerate_points_are_continuous() {
        let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        assert_eq!(m.probability_alive_at(0.0, 0.0, 10.0), 1.0);
        assert_eq!(m.conditional_expected_purchases_at(0.0, 2.0, 5.0, 10.0), 0.0);
    }
}
