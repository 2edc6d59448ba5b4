//! The model's probability that a customer makes no purchase in the next `horizon`.

use crate::error::{check, Error, Result};
use crate::models::{
    AnyModel, BgBb, BgBbParams, BgNbd, MbgNbd, ParetoNbd, ParetoNbdParams, TransactionModel,
};
use crate::special::ln_beta;

/// The longest horizon, in periods, of a discrete-time model: the BG/BB probability sums one
/// term per period, so the work per customer is bounded by this.
pub const MAX_DISCRETE_HORIZON: f64 = 1_000_000.0;

/// Gauss–Legendre nodes per panel of the Pareto/NBD integral.
const PANEL_NODES: usize = 16;
/// Panels of the Pareto/NBD integral: each at most 1/(r + x) wide, and the integral stops at
/// 40/(r + x), where the integrand `(r+x) e^{−(r+x)v}` is below 5e-18 of its start.
const MAX_PANELS: usize = 40;

/// A lifetime model that gives the probability of no purchase in `(T, T + horizon]` for a
/// customer with history `(x, t_x, T)`.
///
/// Implemented by the BG/NBD, MBG/NBD and Pareto/NBD (continuous time) and the BG/BB (discrete
/// time: the horizon counts opportunities); a model of another crate implements it to use
/// [`churn_probability`] and [`super::churn_risk_from_model`].
pub trait NoPurchase: Sync {
    /// The model's other predictions (P(alive), expected purchases) and name.
    fn transaction_model(&self) -> &dyn TransactionModel;

    /// `P(X(T, T + horizon] = 0 | x, t_x, T)` for validated scalars (horizon ≥ 0; for a
    /// discrete model a whole number of periods).
    fn probability_no_purchase_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64;

    /// True when time counts discrete opportunities (the horizon must then be a whole number):
    /// by default what the transaction model says ([`TransactionModel::discrete_time`]).
    fn discrete_time(&self) -> bool {
        self.transaction_model().discrete_time()
    }

    /// Checks the customer columns as the model's predictions do: by default as the
    /// transaction model does ([`TransactionModel::check_histories`]).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the column
    /// and row.
    fn check_histories(&self, frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<()> {
        self.transaction_model().check_histories(frequency, recency, t)
    }
}

/// `1 − P(alive) · (1 − E[e^{−λh} | alive])` with `λ | alive ~ Gamma(r + x, α + T)`: the BG/NBD
/// and MBG/NBD form (a customer alive at T makes no purchase in (T, T + h] exactly when the
/// Poisson clock does not tick, since drop-out only follows a purchase).
fn bg_family(p_alive: f64, r: f64, alpha: f64, horizon: f64, x: f64, t_cal: f64) -> f64 {
    let ln_none_if_alive = -(r + x) * (horizon / (alpha + t_cal)).ln_1p();
    1.0 + p_alive * ln_none_if_alive.exp_m1()
}

impl NoPurchase for BgNbd {
    fn transaction_model(&self) -> &dyn TransactionModel {
        self
    }

    /// # Formula
    /// `1 − P(alive) + P(alive) · ((α + T)/(α + T + h))^{r+x}`.
    fn probability_no_purchase_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        let p = self.params();
        bg_family(self.probability_alive_at(x, t_x, t_cal), p.r, p.alpha, horizon, x, t_cal)
    }
}

impl NoPurchase for MbgNbd {
    fn transaction_model(&self) -> &dyn TransactionModel {
        self
    }

    /// # Formula
    /// As the BG/NBD's, with the MBG/NBD's P(alive).
    fn probability_no_purchase_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        let p = self.params();
        bg_family(self.probability_alive_at(x, t_x, t_cal), p.r, p.alpha, horizon, x, t_cal)
    }
}

impl NoPurchase for ParetoNbd {
    fn transaction_model(&self) -> &dyn TransactionModel {
        self
    }

    /// # Formula
    /// Given alive at T, `λ ~ Gamma(r + x, α + T)` and `μ ~ Gamma(s, β + T)` independently; the
    /// customer purchases in (T, T + h] when the first purchase comes before both drop-out and
    /// T + h: `P(some purchase | alive) = ∫₀ʰ E[λe^{−λu}] E[e^{−μu}] du`, which with
    /// `v = ln(1 + u/(α + T))` is `∫₀^V (r+x) e^{−(r+x)v} (1 + u(v)/(β + T))^{−s} dv`,
    /// `V = ln(1 + h/(α + T))`: one Gauss–Legendre quadrature over panels of width
    /// `≤ 1/(r + x)` (at most 40, 16 nodes each; cut at `v = 40/(r + x)`).
    fn probability_no_purchase_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        let p_alive = self.probability_alive_at(x, t_x, t_cal);
        let ParetoNbdParams { r, alpha, s, beta } = *self.params();
        let (k, a, b) = (r + x, alpha + t_cal, beta + t_cal);
        let v_max = (horizon / a).ln_1p().min(MAX_PANELS as f64 / k);
        if !(v_max > 0.0) {
            return if v_max == 0.0 { 1.0 } else { f64::NAN };
        }
        let panels = ((v_max * k).ceil() as usize).clamp(1, MAX_PANELS);
        let width = v_max / panels as f64;
        let nodes = crate::special::gauss_legendre(PANEL_NODES);
        let mut some = 0.0;
        for j in 0..panels {
            let mid = (j as f64 + 0.5) * width;
            for &(z, w) in &nodes {
                let v = mid + 0.5 * width * z;
                let u = a * v.exp_m1();
                some += w * 0.5 * width * k * (-k * v - s * (u / b).ln_1p()).exp();
            }
        }
        1.0 - p_alive * some.clamp(0.0, 1.0)
    }
}

impl NoPurchase for BgBb {
    fn transaction_model(&self) -> &dyn TransactionModel {
        self
    }

    /// # Formula
    /// With `n` opportunities observed and `m` = horizon, `A_k = B(α+x, β+k−x) B(γ, δ+k)` (alive
    /// through opportunity k, no transaction after t_x) and `D_k = B(α+x, β+k−x) B(γ+1, δ+k)`
    /// (alive through k, gone at k + 1), as in FHS (2010) eq. 7:
    /// `P(none in n+1..n+m) = 1 − P(alive at n) · (1 − A_{n+m}/A_n − Σ_{i<m} D_{n+i}/A_n)`.
    fn probability_no_purchase_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        if !((0.0..=MAX_DISCRETE_HORIZON).contains(&horizon) && horizon.fract() == 0.0) {
            return f64::NAN; // outside the domain: never loop past the bound
        }
        let p_alive = self.probability_alive_at(x, t_x, t_cal);
        let BgBbParams { alpha, beta, gamma, delta } = *self.params();
        let n = t_cal;
        let ln_a = |k: f64| ln_beta(alpha + x, beta + k - x) + ln_beta(gamma, delta + k);
        let ln_d = |k: f64| ln_beta(alpha + x, beta + k - x) + ln_beta(gamma + 1.0, delta + k);
        let base = ln_a(n);
        let mut gone = 0.0;
        let m = horizon as u64;
        for i in 0..m {
            gone += (ln_d(n + i as f64) - base).exp();
        }
        let stays_silent = (ln_a(n + horizon) - base).exp() + gone;
        1.0 - p_alive * (1.0 - stays_silent).clamp(0.0, 1.0)
    }
}

impl NoPurchase for AnyModel {
    fn transaction_model(&self) -> &dyn TransactionModel {
        self.as_model()
    }

    fn probability_no_purchase_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        match self {
            AnyModel::BgNbd(m) => m.probability_no_purchase_at(horizon, x, t_x, t_cal),
            AnyModel::MbgNbd(m) => m.probability_no_purchase_at(horizon, x, t_x, t_cal),
            AnyModel::ParetoNbd(m) => m.probability_no_purchase_at(horizon, x, t_x, t_cal),
        }
    }
}

/// Checks a horizon for `model`: finite and > 0; for a discrete-time model a whole number of
/// periods up to [`MAX_DISCRETE_HORIZON`].
pub(crate) fn check_horizon<M: NoPurchase + ?Sized>(model: &M, horizon: f64) -> Result<()> {
    check::scalar_positive("horizon", horizon)?;
    if model.discrete_time() && !(horizon.fract() == 0.0 && horizon <= MAX_DISCRETE_HORIZON) {
        return Err(Error::invalid(
            "horizon",
            format!(
                "must be a whole number of periods in 1..=1e6 (MAX_DISCRETE_HORIZON) for the \
                 discrete-time {} (got {})",
                model.transaction_model().model_name(),
                crate::error::fmt_num(horizon)
            ),
        ));
    }
    Ok(())
}

/// The model's probability that each customer makes no purchase in `(T, T + horizon]`, given
/// the history `(frequency, recency, T)` — the churn probability over the horizon.
///
/// # Formula
/// See each model's [`NoPurchase`] implementation: closed forms for the BG/NBD, MBG/NBD and
/// BG/BB, one quadrature for the Pareto/NBD. At `x = 0`, `T = 0` it is the model's
/// `P(X(horizon) = 0)` of a new customer.
///
/// # Errors
/// As the model's predictions for the customer columns ([`Error::Empty`],
/// [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the column and row);
/// [`Error::InvalidValue`] (`horizon`) for a horizon that is not finite and > 0 (or, for a
/// discrete-time model, not a whole number up to [`MAX_DISCRETE_HORIZON`]); [`Error::Numerical`]
/// if a result is not a probability.
///
/// Work: O(n) kernel calls (O(n · horizon) for the BG/BB).
///
/// # Examples
/// ```
/// use cvm_core::churn::churn_probability;
/// use cvm_core::models::{BgNbd, BgNbdParams};
/// let m = BgNbd::from_params(BgNbdParams { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 })?;
/// // A new customer (x = 0, T = 0): P(no purchase in 39 weeks) = (α/(α+39))^r.
/// let p = churn_probability(&m, &[0.0, 2.0], &[0.0, 30.4], &[0.0, 38.9], 39.0)?;
/// assert!((p[0] - (4.414f64 / 43.414).powf(0.243)).abs() < 1e-12);
/// assert!(p[1] > 0.0 && p[1] < p[0]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn churn_probability<M: NoPurchase + ?Sized>(
    model: &M, frequency: &[f64], recency: &[f64], t_cal: &[f64], horizon: f64,
) -> Result<Vec<f64>> {
    model.check_histories(frequency, recency, t_cal)?;
    check_horizon(model, horizon)?;
    let out = crate::parallel::par_map(frequency.len(), |i| {
        model.probability_no_purchase_at(horizon, frequency[i], recency[i], t_cal[i])
    });
    check_probabilities(&out)?;
    Ok(out)
}

pub(crate) fn check_probabilities(p: &[f64]) -> Result<()> {
    match check::first_bad(p, |v| (0.0..=1.0).contains(&v)) {
        None => Ok(()),
        Some(i) => Err(Error::Numerical {
            context: "churn_probability".into(),
            reason: format!("customer {i}: the probability is {} (not in [0, 1])", p[i]),
        }),
    }
}
