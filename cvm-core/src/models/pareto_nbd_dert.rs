//! Discounted expected purchases of the Pareto/NBD in closed form: the DERT over an infinite
//! horizon (Fader, Hardie & Lee 2005, *RFM and CLV: using iso-value curves for customer base
//! analysis*, JMR 42(4), eq. 2) and over a finite one, which customer lifetime value uses
//! through
//! [`TransactionModel::discounted_expected_purchases_closed_form`](super::TransactionModel::discounted_expected_purchases_closed_form).

use super::pareto_nbd::ln_p_alive;
use super::{ParetoNbd, ParetoNbdParams};
use crate::error::{check, Result};
use crate::special::{ln_tricomi_u_aa, ln_upper_incomplete_gamma, log_sub_exp};

impl ParetoNbd {
    /// Discounted expected residual transactions (Fader, Hardie & Lee 2005, JMR): the present
    /// value, at continuous discount rate `delta` per time unit, of the customer's future
    /// purchases.
    ///
    /// # Formula
    /// `DERT = P(alive) · (r+x)/(α+T) · (β+T)^s δ^{s−1} U(s, s; δ(β+T))` with Tricomi's `U`
    /// (FHL 2005, eq. 2, rewritten with the posterior P(alive)); computed in logs.
    ///
    /// # Errors
    /// [`crate::Error::InvalidValue`] for `delta` not finite and > 0 or invalid customers.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{ParetoNbd, ParetoNbdParams};
    /// let m = ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669)?)?;
    /// // 15% a year, in weeks.
    /// let d = m.dert(&[0.0, 4.0], &[0.0, 36.0], &[38.0, 38.0], 0.15f64.ln_1p() / 52.0)?;
    /// assert!(d[1] > d[0] && d[0] > 0.0);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn dert(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64], delta: f64,
    ) -> Result<Vec<f64>> {
        check::scalar_positive("delta", delta)?;
        super::check_customers(frequency, recency, t_cal)?;
        Ok(crate::parallel::par_map(frequency.len(), |i| {
            self.dert_at(frequency[i], recency[i], t_cal[i], delta)
        }))
    }

    /// Scalar form of [`ParetoNbd::dert`] for validated inputs.
    pub fn dert_at(&self, x: f64, t_x: f64, t_cal: f64, delta: f64) -> f64 {
        let ParetoNbdParams { r, alpha, s, beta } = *self.params();
        let b = beta + t_cal;
        let ln = ln_p_alive(self.params(), x, t_x, t_cal) + (r + x).ln() - (alpha + t_cal).ln()
            + s * b.ln()
            + (s - 1.0) * delta.ln()
            + ln_tricomi_u_aa(s, delta * b);
        ln.exp()
    }
}

/// The finite-horizon DERT of the Pareto/NBD at parameters `p = [r, α, s, β]` for the history
/// `(x, t_x, T)`, horizon `h` and continuous discount rate `delta > 0`:
/// `D = P(alive) (r+x)/(α+T) · B^s e^{δB} δ^{s−1} [Γ(1−s, δB) − Γ(1−s, δ(B+h))]`, `B = β+T`
/// (`h → ∞` gives FHL 2005's DERT). `None` when `delta ≤ 0` or the difference of incomplete
/// gammas would lose precision (the caller then integrates the expectation).
pub(super) fn finite_horizon_dert(
    p: &[f64], (x, tx, tc): (f64, f64, f64), h: f64, delta: f64,
) -> Option<f64> {
    if !(delta > 0.0) {
        return None;
    }
    let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3]);
    let b = beta + tc;
    let g_lo = ln_upper_incomplete_gamma(1.0 - s, delta * b);
    let g_hi = ln_upper_incomplete_gamma(1.0 - s, delta * (b + h));
    if !(g_lo.is_finite() && g_hi.is_finite()) || g_lo - g_hi < 1e-3 {
        return None;
    }
    let p_alive = ln_p_alive(&ParetoNbdParams::raw(p), x, tx, tc).exp();
    let ln = (r + x).ln() - (alpha + tc).ln()
        + s * b.ln()
        + delta * b
        + (s - 1.0) * delta.ln()
        + log_sub_exp(g_lo, g_hi);
    let v = p_alive * ln.exp();
    v.is_finite().then_some(v)
}
