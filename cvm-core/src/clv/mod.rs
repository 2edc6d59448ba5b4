//! Probabilistic customer lifetime value: the expected present value of each customer's future
//! purchases over a horizon, from a transaction model (how many purchases, when:
//! [`TransactionModel`]) and a spend model (how much each: [`SpendModel`], e.g. Gamma-Gamma).
//! Both are traits: a model of another crate plugs in (see `docs/writing-a-model.md`).
//!
//! `CLV_i = margin · E(spend_i) · D_i`, where `D_i` is the customer's discounted expected number
//! of purchases over the horizon (the finite-horizon "DERT", Fader, Hardie & Lee 2005, *RFM and
//! CLV: using iso-value curves for customer base analysis*, JMR 42(4)). Spend and purchases are
//! independent under the Gamma-Gamma model, so their expectations multiply.
//!
//! # Units
//! Everything is explicit: the model's data are in the unit the model records (set by its fit
//! from the summary's unit) or [`ClvOptions::data_time_unit`] (weeks for the usual CDNOW
//! summaries, one opportunity for BG/BB) — an explicit unit that contradicts the model's, or no
//! unit at all, is an error, never a silent default; the horizon and the discount rate are in
//! [`ClvOptions::time_unit`]. A rate `d` per time unit is an effective rate: one unit of money a
//! whole time unit from now is worth `1/(1+d)`. No month length is hard-coded: a month is
//! `365.25/12` days ([`crate::TimeUnit::days`]).
//!
//! # Methods
//! * [`ClvMethod::Continuous`] (default): purchases discounted continuously at the force of
//!   interest `δ = ln(1+d)` per time unit: `D = ∫₀^H e^{−δt} dE(t)`, with `E(t)` the conditional
//!   expected purchases in `(T, T+t]`. Integrated by parts, `D = e^{−δH} E(H) + δ ∫₀^H e^{−δt}
//!   E(t) dt`, and the integral by Gauss–Legendre quadrature on geometrically graded panels
//!   (`[0, H/64], [H/64, H/16], [H/16, H/4], [H/4, H]`, 12 nodes each), which needs only the
//!   model's `E(t)`. For the Pareto/NBD the closed form is used instead:
//!   `D = P(alive) (r+x)/(α+T) · B^s e^{δB} δ^{s−1} [Γ(1−s, δB) − Γ(1−s, δ(B+H))]`, `B = β+T`
//!   (the finite-horizon DERT; `H → ∞` gives FHL 2005's DERT). For the BG/BB, purchases happen
//!   only at opportunities: `D = Σ_{k=1}^{K} (E(k) − E(k−1)) (1+d)^{−k·u}` with `u` the length of
//!   an opportunity in time units and `K` the opportunities within the horizon.
//! * [`ClvMethod::LifetimesSteps`]: the convention of the Python package *lifetimes*
//!   (`customer_lifetime_value(..., time, discount_rate, freq)`): for `i = 1..=steps`,
//!   `(E(i·step) − E(i·step − step)) / (1+d)^{i·step/step}`, summed, with `step` in data time
//!   units and `d` the rate **per step** (the time units are not used). lifetimes uses
//!   `step = 4.345` weeks, 1 month, 30 days for `freq = "W"`, `"M"`, `"D"`
//!   ([`ClvMethod::lifetimes`]).
//!
//! # Intervals
//! With [`ClvOptions::interval_level`], a delta-method interval from the parameter uncertainty of
//! both models (taken as independent): the standard error of `ln CLV` from the gradients of
//! `ln D` and `ln E(spend)` with respect to the log-parameters (central differences, computed
//! per distinct history and interpolated in the customer's age as the values are: see
//! `models/gradient.rs`) and each model's log-parameter covariance; the interval is
//! `CLV · exp(±z·se)`. Its cost is a small multiple of the values' (see `docs/benchmarks.md`).
//!
//! # Examples
//! ```
//! use cvm_core::clv::{customer_lifetime_value, ClvOptions};
//! use cvm_core::models::{BgNbd, BgNbdParams, GammaGamma, GammaGammaParams};
//! use cvm_core::TimeUnit;
//! let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
//! let gg = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44)?)?;
//! let options = ClvOptions::default()
//!     .with_horizon(12.0)
//!     .with_time_unit(TimeUnit::Month)
//!     .with_data_time_unit(TimeUnit::Week)
//!     .with_discount_rate(0.01);
//! let v = customer_lifetime_value(
//!     &bg, &gg, &[2.0, 0.0], &[30.43, 0.0], &[38.86, 38.86], &[22.35, 0.0], &options,
//! )?;
//! assert!(v.value[0] > v.value[1] && v.value[1] > 0.0);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::compress::{distinct_rows, Distinct};
use crate::distinct::groups_with_ranges;
use crate::error::{check, Error, Result};
use crate::models::{
    log_gradient, log_gradients, quadratic_form, Scratch, SpendModel, TransactionModel,
};
use crate::parallel::{par_copy, par_map, par_map2, par_tasks};
use crate::special::gauss_legendre;
use crate::TimeUnit;

pub mod covariates;
mod options;
pub use options::{ClvMethod, ClvOptions, ClvResult};

const GL_NODES: usize = 12;
const PANELS: [f64; 5] = [0.0, 1.0 / 64.0, 1.0 / 16.0, 0.25, 1.0];

/// How the discounted purchases of one customer are computed.
#[derive(Clone, Copy)]
enum Kind {
    Continuous { h: f64, delta: f64 },
    Discrete { k: u64, ln_v: f64 },
    Steps { step: f64, steps: usize, d: f64 },
}

struct Plan<'a> {
    model: &'a dyn TransactionModel,
    kind: Kind,
    nodes: Vec<(f64, f64)>,
}

impl Plan<'_> {
    /// Whether purchases are summed over discrete opportunities.
    fn is_discrete(&self) -> bool {
        matches!(self.kind, Kind::Discrete { .. })
    }

    /// `D` for one customer at parameters `p`.
    fn discounted(&self, p: &[f64], x: f64, tx: f64, tc: f64) -> f64 {
        let e = |t: f64| self.model.conditional_expected_purchases_with(p, t, x, tx, tc);
        match self.kind {
            Kind::Steps { step, steps, d } => {
                // Each horizon's expectation is computed once and reused as the next step's
                // lower end.
                let mut v = 0.0;
                let mut prev = e(0.0);
                for i in 1..=steps {
                    let ti = i as f64 * step;
                    let cur = e(ti);
                    v += (cur - prev) / (1.0 + d).powf(ti / step);
                    prev = cur;
                }
                v
            }
            Kind::Discrete { k, ln_v } => {
                let mut v = 0.0;
                let mut prev = 0.0;
                for j in 1..=k {
                    let cur = e(j as f64);
                    v += (cur - prev) * (ln_v * j as f64).exp();
                    prev = cur;
                }
                v
            }
            Kind::Continuous { h, delta } => {
                if h == 0.0 {
                    return 0.0;
                }
                if delta == 0.0 {
                    return e(h);
                }
                if delta > 0.0 {
                    let m = self.model;
                    if let Some(v) =
                        m.discounted_expected_purchases_closed_form(p, (x, tx, tc), h, delta)
                    {
                        return v;
                    }
                }
                // e^{−δH} E(H) + δ ∫₀^H e^{−δt} E(t) dt.
                let mut integral = 0.0;
                for w in PANELS.windows(2) {
                    let (a, b) = (w[0] * h, w[1] * h);
                    let (c, r) = (0.5 * (a + b), 0.5 * (b - a));
                    let mut s = 0.0;
                    for &(u, wt) in &self.nodes {
                        let t = c + r * u;
                        s += wt * (-delta * t).exp() * e(t);
                    }
                    integral += r * s;
                }
                (-delta * h).exp() * e(h) + delta * integral
            }
        }
    }
}

/// `data_unit`: the resolved unit of the model's data (`None` only for the lifetimes steps,
/// which do not use it).
fn plan<'a>(
    model: &'a dyn TransactionModel, o: &ClvOptions, data_unit: Option<TimeUnit>,
) -> Result<Plan<'a>> {
    let discrete = model.discrete_time();
    // Length of one data time unit in time units.
    let u = data_unit.map_or(1.0, |d| d.days()) / o.time_unit.days();
    let kind = match o.method {
        ClvMethod::LifetimesSteps { step, steps } => {
            if steps > MAX_CLV_STEPS {
                return Err(Error::invalid(
                    "steps",
                    format!("at most {MAX_CLV_STEPS} steps are evaluated (got {steps})"),
                ));
            }
            Kind::Steps { step, steps, d: o.discount_rate }
        }
        ClvMethod::Continuous => {
            let h = o.horizon / u;
            let ln_1pd = o.discount_rate.ln_1p();
            if discrete {
                // Opportunities within the horizon (tolerating rounding in the unit ratio).
                let k = (h + 1e-9 * h.max(1.0)).floor();
                if k > MAX_CLV_STEPS as f64 {
                    return Err(Error::invalid(
                        "horizon",
                        format!(
                            "spans {k} opportunities of the discrete-time model; at most \
                             {MAX_CLV_STEPS} are evaluated"
                        ),
                    ));
                }
                Kind::Discrete { k: k as u64, ln_v: -ln_1pd * u }
            } else {
                Kind::Continuous { h, delta: ln_1pd * u }
            }
        }
    };
    Ok(Plan { model, kind, nodes: gauss_legendre(GL_NODES) })
}

/// The most steps (lifetimes' method) or opportunities (a discrete-time model) a CLV evaluates
/// per customer: the work of a CLV call is at most this many model evaluations per unique
/// customer row, and a horizon or step count beyond it is an [`Error::InvalidValue`].
pub const MAX_CLV_STEPS: usize = 100_000;

/// Discounted expected purchases of each customer over the horizon (`D_i`; see
/// [`crate::clv`] for the methods): the finite-horizon DERT. Multiply by margin and expected
/// spend for a value.
///
/// # Errors
/// Invalid options ([`ClvOptions::validate`]); invalid customer columns ([`Error::InvalidValue`]
/// naming the field and index; BG/BB histories are checked as [`crate::models::BgBb::fit`]);
/// [`Error::Numerical`] naming the first customer whose value is not finite.
///
/// # Examples
/// ```
/// use cvm_core::clv::{expected_discounted_purchases, ClvOptions};
/// use cvm_core::models::{ParetoNbd, ParetoNbdParams, TransactionModel};
/// let m = ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669)?)?;
/// // Without discounting, the discounted purchases are the expected purchases.
/// let week = cvm_core::TimeUnit::Week;
/// let o = ClvOptions::default()
///     .with_horizon(52.0)
///     .with_time_unit(week)
///     .with_data_time_unit(week)
///     .with_discount_rate(0.0);
/// let d = expected_discounted_purchases(&m, &[4.0], &[36.0], &[38.0], &o)?;
/// let e = m.conditional_expected_purchases(52.0, &[4.0], &[36.0], &[38.0])?;
/// assert!((d[0] - e[0]).abs() < 1e-12);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn expected_discounted_purchases(
    model: &dyn TransactionModel, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    options: &ClvOptions,
) -> Result<Vec<f64>> {
    options.validate()?;
    let unit = options.resolve_data_time_unit(model.time_unit())?;
    model.check_histories(frequency, recency, t_cal)?;
    discounted_all(model, frequency, recency, t_cal, options, unit)
}

/// Distinct customers of one frequency from which their `D` is interpolated rather than
/// evaluated one by one.
const INTERPOLATE_FROM: usize = 256;
/// Largest accepted relative error of the interpolant at its check points.
const CHEB_TOL: f64 = 1e-12;

/// `D` at the reference recency for each distinct `(x, T)` of a continuous-time model.
///
/// At the reference recency `D` depends on `T` only through `α + T` (and `β + T` for the
/// Pareto/NBD), an analytic function of `y = ln(T + m)`, `m = min(α, β)`, whose singularities
/// lie at distance π from the real axis. So for each frequency with many distinct `T`, `ln D` is
/// interpolated by a Chebyshev series in `y` on 32 nodes over that frequency's range of `T`,
/// checked against direct evaluation at four points between the nodes (relative error ≤ 1e-12,
/// else that frequency is evaluated directly). With continuous ages, where every customer is
/// distinct, this replaces a million evaluations by a few thousand.
///
/// The distinct histories are grouped by frequency by hashing (no sort), each frequency's count
/// and range of `T` folded on the thread pool, and the frequencies' interpolants fitted a task
/// each.
fn discounted_by_frequency(pl: &Plan<'_>, params: &[f64], m: f64, h: &Histories<'_>) -> Vec<f64> {
    let d = &h.distinct;
    let (x, tc) = (|u: usize| h.frequency[d.first[u]], |u: usize| h.t[d.first[u]]);
    // Each distinct history's frequency; each frequency's first distinct history, number of
    // distinct histories and range of T.
    let (group, firsts, ranges) = groups_with_ranges(d.len(), x, tc);
    let interpolants = par_tasks(firsts.len(), |g| {
        let (count, lo, hi) = ranges[g];
        let x = x(firsts[g]);
        let at = |y: f64| {
            let tc = (y.exp() - m).max(0.0);
            let tx = if x > 0.0 { tc } else { 0.0 };
            pl.discounted(params, x, tx, tc)
        };
        let fit = || crate::special::Chebyshev::fit_ln((lo + m).ln(), (hi + m).ln(), CHEB_TOL, &at);
        (count >= INTERPOLATE_FROM).then(fit).flatten()
    });
    par_map(d.len(), |u| match &interpolants[group[u] as usize] {
        Some(ip) => ip.series((tc(u) + m).ln()).exp(),
        None => {
            let (x, tx, tc) = h.history(u);
            pl.discounted(params, x, tx, tc)
        }
    })
}

/// Customers' histories `(x, t_x, T)` with their reference recency and their distinct
/// `(x, t_ref, T)`: for a model that [factors through P(alive)](TransactionModel::factors_through_alive)
/// the reference recency is `T` (0 when `x = 0`), where a prediction is computed once per
/// distinct `(x, T)`; otherwise it is the recency itself.
struct Histories<'a> {
    frequency: &'a [f64],
    recency: &'a [f64],
    t: &'a [f64],
    /// Whether the model factors through P(alive).
    factor: bool,
    /// The reference recency of each customer.
    reference: Vec<f64>,
    /// The distinct `(x, t_ref, T)`.
    distinct: Distinct,
}

impl<'a> Histories<'a> {
    /// The histories of `model`'s customers (validated by the caller).
    ///
    /// # Errors
    /// As [`crate::compress::distinct_rows`].
    fn new(
        model: &dyn TransactionModel, (frequency, recency, t): (&'a [f64], &'a [f64], &'a [f64]),
    ) -> Result<Histories<'a>> {
        let factor = model.factors_through_alive();
        let reference: Vec<f64> = match factor {
            true => par_map(frequency.len(), |i| if frequency[i] > 0.0 { t[i] } else { 0.0 }),
            false => par_copy(recency),
        };
        let distinct = distinct_rows(frequency, &reference, t)?;
        Ok(Histories { frequency, recency, t, factor, reference, distinct })
    }

    /// The frequency, reference recency and `T` of distinct history `u` (its first customer's).
    fn history(&self, u: usize) -> (f64, f64, f64) {
        let i = self.distinct.first[u];
        (self.frequency[i], self.reference[i], self.t[i])
    }

    /// Whether customer `i`'s recency differs from its reference (its prediction is then the
    /// reference's scaled by the ratio of P(alive)).
    fn off_reference(&self, i: usize) -> bool {
        self.factor && self.recency[i] != self.reference[i]
    }
}

/// `D` per customer (see [`discounted_values`]).
fn discounted_all(
    model: &dyn TransactionModel, frequency: &[f64], recency: &[f64], t: &[f64],
    options: &ClvOptions, unit: Option<TimeUnit>,
) -> Result<Vec<f64>> {
    let h = Histories::new(model, (frequency, recency, t))?;
    discounted_values(&plan(model, options, unit)?, &h)
}

/// `D` per customer of `h` under the plan `pl`.
///
/// For the BG/NBD, MBG/NBD, Pareto/NBD and BG/BB the conditional expected purchases factor as
/// `E(t | x, t_x, T) = P(alive | x, t_x, T) · g(t | x, T)`: recency enters only through
/// P(alive). So `D` is computed once per distinct `(x, T)` (at the reference recency `t_x = T`,
/// or 0 when `x = 0`) and scaled by each customer's `P(alive)/P(alive at the reference)`; for
/// summaries in whole days this needs a few thousand evaluations for millions of customers, and
/// with continuous ages the per-frequency interpolation of [`discounted_by_frequency`] keeps it
/// so. Other models are evaluated per distinct `(x, t_x, T)`.
fn discounted_values(pl: &Plan<'_>, h: &Histories<'_>) -> Result<Vec<f64>> {
    let (model, c) = (pl.model, &h.distinct);
    let params = model.params();
    let shift = model.age_interpolation_shift(&params).filter(|_| h.factor && !pl.is_discrete());
    let d_ref = match shift {
        Some(m) => discounted_by_frequency(pl, &params, m, h),
        None => par_map(c.len(), |u| {
            let (x, tx, tc) = h.history(u);
            pl.discounted(&params, x, tx, tc)
        }),
    };
    let d: Vec<f64> = if h.factor {
        let alive_ref = par_map(c.len(), |u| {
            let (x, tx, tc) = h.history(u);
            model.probability_alive_with(&params, x, tx, tc)
        });
        par_map(h.frequency.len(), |i| {
            let k = c.inverse[i] as usize;
            if h.off_reference(i) {
                let pa =
                    model.probability_alive_with(&params, h.frequency[i], h.recency[i], h.t[i]);
                d_ref[k] * (pa / alive_ref[k])
            } else {
                d_ref[k]
            }
        })
    } else {
        par_map(h.frequency.len(), |i| d_ref[c.inverse[i] as usize])
    };
    if let Some(i) = check::first_bad(&d, f64::is_finite) {
        return Err(Error::Numerical {
            context: format!(
                "expected_discounted_purchases of {} ({})",
                model.model_name(),
                crate::models::fmt_params(model.param_names(), &params)
            ),
            reason: format!(
                "customer {i}: discounted purchases are not finite ({}): an expectation could not \
                 be computed to its tolerance within its work bound, or is not representable",
                d[i]
            ),
        });
    }
    Ok(d)
}

/// Expected discounted value of each customer's purchases over the horizon:
/// `margin · E(spend | x, z̄) · D(x, t_x, T)` (see [`crate::clv`]).
///
/// `frequency`, `recency`, `t_cal` are the transaction model's summary (for the BG/BB: `x`, `t_x`,
/// `n`); `monetary_value` is the mean spend of the repeat purchases (0 or anything ≥ 0 for
/// customers without any: they get the population mean spend).
///
/// # Formula
/// `CLV_i = m · E(M | p, q, γ, x_i, z̄_i) · D_i` with the Gamma-Gamma conditional mean (Fader,
/// Hardie & Lee 2005, JMR) and `D_i` from [`expected_discounted_purchases`].
///
/// # Errors
/// Invalid options ([`ClvOptions::validate`]); invalid columns ([`Error::Empty`],
/// [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the field and index); an infinite
/// expected spend ([`Error::Numerical`], Gamma-Gamma with `q ≤ 1`); intervals asked for but a
/// model has no covariance ([`Error::InvalidValue`] `covariance`).
///
/// # Examples
/// ```
/// use cvm_core::clv::{customer_lifetime_value, ClvMethod, ClvOptions};
/// use cvm_core::models::{BgNbd, BgNbdParams, GammaGamma, GammaGammaParams};
/// let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
/// let gg = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44)?)?;
/// // lifetimes' convention: 12 monthly steps of 4.345 weeks at 1% a month.
/// let o = ClvOptions::default()
///     .with_method(ClvMethod::LifetimesSteps { step: 4.345, steps: 12 })
///     .with_data_time_unit(cvm_core::TimeUnit::Week);
/// let v = customer_lifetime_value(&bg, &gg, &[2.0], &[30.43], &[38.86], &[22.35], &o)?;
/// assert!(v.value[0] > 0.0);
/// assert!((v.value[0] - v.expected_spend[0] * v.discounted_purchases[0]).abs() < 1e-12);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn customer_lifetime_value(
    model: &dyn TransactionModel, spend: &dyn SpendModel, frequency: &[f64], recency: &[f64],
    t_cal: &[f64], monetary_value: &[f64], options: &ClvOptions,
) -> Result<ClvResult> {
    options.validate()?;
    let unit = options.resolve_data_time_unit(model.time_unit())?;
    model.check_histories(frequency, recency, t_cal)?;
    check::same_len("monetary_value", frequency.len(), monetary_value.len())?;
    let expected_spend = spend.conditional_expected_average_spend(frequency, monetary_value)?;
    let h = Histories::new(model, (frequency, recency, t_cal))?;
    let pl = plan(model, options, unit)?;
    let discounted_purchases = discounted_values(&pl, &h)?;
    let value =
        par_map(frequency.len(), |i| options.margin * expected_spend[i] * discounted_purchases[i]);
    let (lower, upper) = match options.interval_level {
        None => (None, None),
        Some(level) => {
            let z = crate::models::normal_quantile(0.5 + 0.5 * level);
            let (lo, hi) = intervals(&pl, spend, &h, monetary_value, &value, z)?;
            (Some(lo), Some(hi))
        }
    };
    Ok(ClvResult { value, discounted_purchases, expected_spend, lower, upper })
}

/// The delta-method bounds `CLV · exp(±z·se)` of every customer (see [`crate::clv`]).
fn intervals(
    pl: &Plan<'_>, spend: &dyn SpendModel, h: &Histories<'_>, monetary_value: &[f64],
    value: &[f64], z: f64,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let model = pl.model;
    let no_cov = |which: &str| Error::no_covariance(Some(which));
    let cov_t = model.covariance().ok_or_else(|| no_cov("transaction"))?.log_matrix();
    let cov_s = spend.covariance().ok_or_else(|| no_cov("spend"))?.log_matrix();
    let (pt, ps) = (model.params(), spend.params());
    let shift = model.age_interpolation_shift(&pt).filter(|_| !pl.is_discrete());
    let discounted = |p: &[f64], x: f64, tx: f64, tc: f64| pl.discounted(p, x, tx, tc);
    let gt = log_gradients(model, &pt, &discounted, shift, (h.frequency, h.recency, h.t))?;
    let (kt, ks) = (pt.len(), ps.len());
    Ok(par_map2(value.len(), |i| {
        let (x, m) = (h.frequency[i], monetary_value[i]);
        let mut gs = Scratch::new(ks);
        log_gradient(&ps, gs.get(), |p| spend.conditional_expected_average_spend_with(p, x, m));
        let var =
            quadratic_form(&gt[i * kt..(i + 1) * kt], cov_t) + quadratic_form(gs.get(), cov_s);
        let se = var.max(0.0).sqrt();
        (value[i] * (-z * se).exp(), value[i] * (z * se).exp())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_counts_are_bounded() {
        use crate::models::{BgBb, BgBbParams, BgNbd, BgNbdParams, GammaGamma, GammaGammaParams};
        let gg =
            GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44).unwrap()).unwrap();
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let steps = ClvOptions {
            method: ClvMethod::LifetimesSteps { step: 4.345, steps: usize::MAX },
            ..ClvOptions::default()
        };
        let e = customer_lifetime_value(&bg, &gg, &[2.0], &[30.0], &[38.0], &[20.0], &steps)
            .unwrap_err();
        assert_eq!(e.field(), Some("steps"));
        let bb = BgBb::from_params(BgBbParams::new(1.2, 0.75, 0.66, 2.78).unwrap()).unwrap();
        let far = ClvOptions {
            horizon: 1e300,
            time_unit: TimeUnit::Year,
            data_time_unit: Some(TimeUnit::Year),
            ..ClvOptions::default()
        };
        let e =
            customer_lifetime_value(&bb, &gg, &[2.0], &[3.0], &[6.0], &[20.0], &far).unwrap_err();
        assert_eq!(e.field(), Some("horizon"));
        assert!(e.to_string().contains("at most 100000"), "{e}");
    }

    #[test]
    fn chebyshev_interpolant_is_taken_and_accurate_for_the_btyd_models() {
        use crate::models::{BgNbd, BgNbdParams, ParetoNbd, ParetoNbdParams};
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let pn =
            ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap())
                .unwrap();
        let models: [&dyn TransactionModel; 2] = [&bg, &pn];
        for model in models {
            let pl = plan(model, &ClvOptions::default(), Some(TimeUnit::Week)).unwrap();
            let p = model.params();
            let m = model.age_interpolation_shift(&p).expect("a BTYD model interpolates");
            for x in [0.0, 3.0, 40.0] {
                let f = |y: f64| {
                    let tc = y.exp() - m;
                    pl.discounted(&p, x, if x > 0.0 { tc } else { 0.0 }, tc)
                };
                let (lo, hi) = ((0.5 + m).ln(), (78.0 + m).ln());
                let ip = crate::special::Chebyshev::fit_ln(lo, hi, CHEB_TOL, &f)
                    .expect("interpolant accepted");
                for k in 0..50 {
                    let y = lo + (hi - lo) * (k as f64 + 0.37) / 50.0;
                    assert!((ip.series(y).exp() / f(y) - 1.0).abs() < 1e-12, "{x} {y}");
                }
            }
        }
    }

    /// Customers with continuous ages (every history distinct but a few repeated ones), more
    /// than the hashing's sharded size: the distinct histories grouped by frequency by hashing
    /// and interpolated give every customer its direct evaluation (one customer a call: no
    /// interpolation) to 1e-11, repeated histories share their value, a frequency with fewer
    /// distinct histories than the interpolation's threshold and customers off the reference
    /// recency included; with the pool, one and four threads give the same bits.
    #[test]
    fn frequencies_grouped_by_hashing_agree_with_direct_evaluation() {
        use crate::models::{BgNbd, BgNbdParams, ParetoNbd, ParetoNbdParams};
        let n = 70_000;
        let mut rng = crate::models::Rng::new(5);
        let mut f: Vec<f64> = (0..n).map(|i| [0.0, 1.0, 2.0, 5.0, 9.0][i % 5]).collect();
        let mut t: Vec<f64> = (0..n).map(|_| 0.5 + 60.0 * rng.uniform()).collect();
        let mut r: Vec<f64> = (0..n)
            .map(|i| match i % 3 {
                0 => t[i],
                _ if f[i] > 0.0 => t[i] * rng.uniform(),
                _ => 0.0,
            })
            .collect();
        for i in (0..n).filter(|i| i % 5 == 4) {
            t[i] = 20.0 + (i % 100) as f64; // frequency 9: 100 distinct histories
            r[i] = t[i];
        }
        for i in 0..500 {
            let j = n - 1 - i; // repeats of the first 500 customers, −0.0 for 0.0
            (f[j], r[j], t[j]) = (f[i], if r[i] == 0.0 { -0.0 } else { r[i] }, t[i]);
        }
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let pn =
            ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap())
                .unwrap();
        let o = ClvOptions::default().with_data_time_unit(TimeUnit::Week);
        let models: [&dyn TransactionModel; 2] = [&bg, &pn];
        for model in models {
            let d = expected_discounted_purchases(model, &f, &r, &t, &o).unwrap();
            for i in (0..n).step_by(7).chain(n - 500..n) {
                let one = expected_discounted_purchases(model, &[f[i]], &[r[i]], &[t[i]], &o);
                let want = one.unwrap()[0];
                assert!((d[i] / want - 1.0).abs() < 1e-11, "{i}: {} {want}", d[i]);
            }
            assert!((0..500).all(|i| d[i].to_bits() == d[n - 1 - i].to_bits()));
            #[cfg(feature = "parallel")]
            {
                let run = || expected_discounted_purchases(model, &f, &r, &t, &o).unwrap();
                let (one, four) = crate::parallel::on_one_and_four_threads(run);
                assert!(one.iter().zip(&four).all(|(a, b)| a.to_bits() == b.to_bits()));
                assert!(one.iter().zip(&d).all(|(a, b)| a.to_bits() == b.to_bits()));
            }
        }
    }

    #[test]
    fn gauss_legendre_integrates_polynomials_exactly() {
        let nodes = gauss_legendre(GL_NODES);
        let wsum: f64 = nodes.iter().map(|n| n.1).sum();
        assert!((wsum - 2.0).abs() < 1e-14);
        // ∫_{−1}^{1} x^22 dx = 2/23 (degree 2n − 1 = 23 is exact).
        let s: f64 = nodes.iter().map(|(x, w)| w * x.powi(22)).sum();
        assert!((s - 2.0 / 23.0).abs() < 1e-14, "{s}");
    }

    #[test]
    fn method_names_roundtrip() {
        for name in ClvMethod::NAMES {
            assert_eq!(ClvMethod::parse(name, "method").unwrap().as_str(), *name);
        }
        let e = ClvMethod::parse("x", "method").unwrap_err();
        assert!(matches!(e, Error::UnknownName { .. }));
        assert!(ClvMethod::lifetimes(TimeUnit::Year, 12).is_err());
    }

    #[test]
    fn options_from_names() {
        let o = ClvOptions::from_names(12.0, "M", "W", 0.01, 1.0, "lifetimes", None).unwrap();
        assert_eq!(o.method, ClvMethod::LifetimesSteps { step: 4.345, steps: 12 });
        let o = ClvOptions::from_names(6.0, "month", "D", 0.02, 0.3, "Lifetimes_Steps", Some(0.9))
            .unwrap();
        assert_eq!(o.method, ClvMethod::LifetimesSteps { step: 30.0, steps: 6 });
        assert_eq!((o.margin, o.interval_level), (0.3, Some(0.9)));
        let o = ClvOptions::from_names(2.5, "Y", "W", 0.1, 1.0, "continuous", None).unwrap();
        assert_eq!(
            (o.method, o.time_unit, o.horizon),
            (ClvMethod::Continuous, TimeUnit::Year, 2.5)
        );
        #[allow(clippy::type_complexity)] // a table-driven test spells its row type
        let cases: [(f64, &str, &str, f64, f64, &str, Option<f64>, &str); 9] = [
            (12.0, "fortnight", "W", 0.01, 1.0, "continuous", None, "time_unit"),
            (12.0, "M", "sec", 0.01, 1.0, "continuous", None, "data_time_unit"),
            (12.0, "M", "W", 0.01, 1.0, "monthly", None, "method"),
            (12.0, "W", "W", 0.01, 1.0, "lifetimes", None, "time_unit"),
            (12.5, "M", "W", 0.01, 1.0, "lifetimes", None, "horizon"),
            (-1.0, "M", "W", 0.01, 1.0, "continuous", None, "horizon"),
            (12.0, "M", "W", -1.0, 1.0, "continuous", None, "discount_rate"),
            (12.0, "M", "W", 0.01, -1.0, "continuous", None, "margin"),
            (12.0, "M", "W", 0.01, 1.0, "continuous", Some(1.0), "level"),
        ];
        for (h, tu, du, d, m, method, level, field) in cases {
            let e = ClvOptions::from_names(h, tu, du, d, m, method, level).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }
        let e = ClvOptions::from_names(12.0, "M", "W", 0.01, 1.0, "x", None).unwrap_err();
        match e {
            Error::UnknownName { valid, .. } => assert!(valid.iter().any(|v| v == "lifetimes")),
            other => panic!("{other}"),
        }
    }
}
