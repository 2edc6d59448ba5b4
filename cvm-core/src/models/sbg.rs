//! The shifted-beta-geometric (sBG) model of contractual retention (Fader & Hardie 2007, *How to
//! project customer retention*, Journal of Interactive Marketing 21(1), 76–90).
//!
//! At the end of every period a customer still under contract cancels with probability θ, constant
//! for the customer; across customers θ ~ Beta(α, β). Retention rates rise over time because the
//! customers most likely to cancel leave first.
//!
//! Time is counted in whole periods: a customer who "survived `t` periods" has renewed `t` times
//! and is active in period `t + 1`; `S(0) = 1`.
//!
//! # Examples
//! ```
//! use cvm_core::models::ShiftedBetaGeometric;
//! // Fader & Hardie (2007), "high end" segment: % still active at the start of years 0..7.
//! let alive = [1000.0, 869.0, 743.0, 653.0, 593.0, 551.0, 517.0, 491.0];
//! let m = ShiftedBetaGeometric::fit_cohort(&alive, &Default::default())?;
//! assert!((m.params().alpha - 0.668).abs() < 5e-4 && (m.params().beta - 3.806).abs() < 5e-4);
//! let s = m.survival(&[8.0])?;
//! assert!((s[0] - 0.460).abs() < 5e-4);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use std::collections::BTreeMap;

use super::sbg_likelihood::{Durations, Lik};
use super::Fitted;
use super::{fit_ml, FitOptions};
use crate::error::{check, Error, Result};
use crate::parallel::{par_map, par_tasks};
use crate::special::{ln_beta, ln_hyp2f1};

super::fitted::params_struct! {
    /// Parameters of the shifted-beta-geometric model.
    pub struct SbgParams as "sbg" {
        /// First shape of the beta distribution of churn probabilities.
        alpha,
        /// Second shape of the beta distribution of churn probabilities.
        beta,
    }
}

/// A shifted-beta-geometric model: parameters, plus fit diagnostics and covariance when estimated (see [`Fitted`]).
pub type ShiftedBetaGeometric = Fitted<SbgParams>;

fn check_integer_periods(field: &str, xs: &[f64]) -> Result<()> {
    check::counts(field, xs)
}

fn check_discount(d: f64) -> Result<()> {
    if d.is_finite() && d > 0.0 {
        Ok(())
    } else {
        Err(Error::invalid("discount_rate", format!("must be finite and > 0 per period (got {d})")))
    }
}

impl ShiftedBetaGeometric {
    /// Maximum-likelihood fit on a cohort's survival counts: `alive[t]` is the number of
    /// customers still active at the start of period `t + 1` (`alive[0]` is the cohort size).
    /// The `alive[t−1] − alive[t]` customers lost in period `t` contribute `P(T = t)`, the
    /// `alive[n−1]` still active contribute `S(n−1)`.
    ///
    /// # Formula
    /// Fader & Hardie (2007), eq. 5–7: `P(T = t) = B(α+1, β+t−1)/B(α, β)`,
    /// `S(t) = B(α, β+t)/B(α, β)`; `LL = Σ_t (alive[t−1] − alive[t]) ln P(T=t) +
    ///  alive[n−1] ln S(n−1)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`alive`, index): fewer than two counts, a count that is not a
    /// finite non-negative integer, a count larger than the one before it, a cohort of zero;
    /// invalid options; [`Error::NotConverged`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::ShiftedBetaGeometric;
    /// let alive = [1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0];
    /// let m = ShiftedBetaGeometric::fit_cohort(&alive, &Default::default())?;
    /// assert!((m.params().alpha - 0.704).abs() < 5e-4 && (m.params().beta - 1.182).abs() < 5e-4);
    /// let bad = ShiftedBetaGeometric::fit_cohort(&[100.0, 80.0, 85.0], &Default::default());
    /// assert_eq!(bad.unwrap_err().index(), Some(2));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn fit_cohort(alive: &[f64], options: &FitOptions) -> Result<Self> {
        check::non_empty("alive", alive.len())?;
        if alive.len() < 2 {
            return Err(Error::invalid(
                "alive",
                "at least two counts (the cohort size and one later count) are required",
            ));
        }
        check_integer_periods("alive", alive)?;
        if alive[0] == 0.0 {
            return Err(Error::invalid_at("alive", 0, "the cohort size must be > 0"));
        }
        for t in 1..alive.len() {
            if alive[t] > alive[t - 1] {
                return Err(Error::invalid_at(
                    "alive",
                    t,
                    format!(
                        "survival counts must not increase over time (got {} after {})",
                        alive[t],
                        alive[t - 1]
                    ),
                ));
            }
        }
        let mut map = BTreeMap::new();
        for t in 1..alive.len() {
            let lost = alive[t - 1] - alive[t];
            if lost > 0.0 {
                *map.entry((t as u64, true)).or_insert(0.0) += lost;
            }
        }
        let n = alive.len() - 1;
        if alive[n] > 0.0 {
            *map.entry((n as u64, false)).or_insert(0.0) += alive[n];
        }
        Self::fit_durations(Durations::from_map(map), options)
    }

    /// Maximum-likelihood fit on per-customer data: `duration[i]` is the period in which customer
    /// `i` cancelled (`still_active[i] == 0`, duration ≥ 1) or the number of periods they have
    /// survived so far (`still_active[i] == 1`, right-censored). The customers are checked and
    /// counted by (duration, cancelled) on the thread pool (up to 16 chunks of at least 16,384
    /// customers, added in order: the same fit whatever the threads).
    ///
    /// # Formula
    /// As [`ShiftedBetaGeometric::fit_cohort`]: `ln P(T = t)` for a cancellation in period `t`,
    /// `ln S(t)` for a customer still active after `t` periods.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the field
    /// (`duration`, `still_active`, `weights`) and the first offending index: a duration that
    /// is not a finite non-negative integer, a flag other than 0 or 1, a cancellation at
    /// duration 0, weights not finite and > 0; invalid options; [`Error::NotConverged`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::ShiftedBetaGeometric;
    /// let duration = [1.0, 1.0, 2.0, 3.0, 5.0, 5.0, 5.0, 1.0, 4.0, 5.0];
    /// let active = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0];
    /// let m = ShiftedBetaGeometric::fit(&duration, &active, None, &Default::default())?;
    /// assert_eq!(m.diagnostics().unwrap().n_obs, 10.0);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn fit(
        duration: &[f64], still_active: &[f64], weights: Option<&[f64]>, options: &FitOptions,
    ) -> Result<Self> {
        let n = duration.len();
        check::non_empty("duration", n)?;
        check::same_len("still_active", n, still_active.len())?;
        check_integer_periods("duration", duration)?;
        check::all("still_active", still_active, "must be 0 or 1", |v| v == 0.0 || v == 1.0)?;
        check::weights(n, weights)?;
        // The weight of each (duration, cancelled) pair, in up to 16 chunks of at least 16,384
        // customers on the thread pool, added in order (the same sums whatever the threads).
        let chunk = n.div_ceil(16).max(1 << 14);
        let parts = par_tasks(n.div_ceil(chunk), |c| {
            let mut map = BTreeMap::new();
            for i in c * chunk..n.min((c + 1) * chunk) {
                let churned = still_active[i] == 0.0;
                if churned && duration[i] < 1.0 {
                    return Err(Error::invalid_at(
                        "duration",
                        i,
                        "a customer who cancelled has a duration of at least 1 period",
                    ));
                }
                let w = weights.map_or(1.0, |w| w[i]);
                *map.entry((duration[i] as u64, churned)).or_insert(0.0) += w;
            }
            Ok(map)
        });
        let mut map = BTreeMap::new();
        for part in parts {
            for (key, w) in part? {
                *map.entry(key).or_insert(0.0) += w;
            }
        }
        Self::fit_durations(Durations::from_map(map), options)
    }

    fn fit_durations(d: Durations, options: &FitOptions) -> Result<Self> {
        options.validate(SbgParams::NAMES)?;
        d.check_identifiable()?;
        let fit = fit_ml(&Lik, &d, options)?;
        Fitted::from_fit(fit, options.time_unit)
    }

    /// Log-likelihood of a cohort's survival counts at this model's parameters (the quantity
    /// [`ShiftedBetaGeometric::fit_cohort`] maximises).
    ///
    /// # Errors
    /// As [`ShiftedBetaGeometric::fit_cohort`].
    pub fn log_likelihood_cohort(&self, alive: &[f64]) -> Result<f64> {
        // Validate through the same path, then evaluate.
        check::non_empty("alive", alive.len())?;
        check_integer_periods("alive", alive)?;
        let mut ll = 0.0;
        for t in 1..alive.len() {
            if alive[t] > alive[t - 1] {
                return Err(Error::invalid_at("alive", t, "survival counts must not increase"));
            }
            let lost = alive[t - 1] - alive[t];
            if lost > 0.0 {
                ll += lost * self.ln_p_churn(t as f64);
            }
        }
        let n = alive.len() - 1;
        if alive[n] > 0.0 {
            ll += alive[n] * self.ln_survival(n as f64);
        }
        Ok(ll)
    }

    fn ln_survival(&self, t: f64) -> f64 {
        let SbgParams { alpha, beta } = self.params;
        if t == 0.0 {
            0.0
        } else {
            (ln_beta(alpha, beta + t) - ln_beta(alpha, beta)).min(0.0)
        }
    }

    /// `ln P(T = t)`; the difference of two log-betas can round above 0 when one term dominates
    /// (α = 1e10, β = 1e-3 gave P = 1 + 1.3e-14), so it is capped at ln 1.
    fn ln_p_churn(&self, t: f64) -> f64 {
        let SbgParams { alpha, beta } = self.params;
        (ln_beta(alpha + 1.0, beta + t - 1.0) - ln_beta(alpha, beta)).min(0.0)
    }

    /// Survival function `S(t)`: the share of a new cohort still active after `t` periods
    /// (`t` whole periods ≥ 0; one value a customer or period, on the thread pool from 256).
    ///
    /// # Formula
    /// Fader & Hardie (2007), eq. 7: `S(t) = B(α, β+t)/B(α, β)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`t`, index) for a value that is not a finite non-negative
    /// integer; [`Error::Empty`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{SbgParams, ShiftedBetaGeometric};
    /// let m = ShiftedBetaGeometric::from_params(SbgParams::new(1.0, 1.0)?)?;
    /// // Uniform θ: S(t) = 1/(t+1).
    /// let s = m.survival(&[0.0, 1.0, 3.0])?;
    /// assert!((s[2] - 0.25).abs() < 1e-12 && s[0] == 1.0);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn survival(&self, t: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("t", t.len())?;
        check_integer_periods("t", t)?;
        Ok(par_map(t.len(), |i| self.ln_survival(t[i]).exp()))
    }

    /// `P(T = t)`: the probability that a new customer cancels in period `t ≥ 1` (on the thread
    /// pool from 256 values).
    ///
    /// # Formula
    /// Fader & Hardie (2007), eq. 5: `P(T = t) = B(α+1, β+t−1)/B(α, β)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`t`, index) for a value that is not an integer ≥ 1.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{SbgParams, ShiftedBetaGeometric};
    /// let m = ShiftedBetaGeometric::from_params(SbgParams::new(0.7, 1.2)?)?;
    /// let p = m.churn_probability(&[1.0, 2.0])?;
    /// assert!((p[0] - 0.7 / 1.9).abs() < 1e-12);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn churn_probability(&self, t: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("t", t.len())?;
        check::all("t", t, "must be an integer >= 1", |v| {
            v >= 1.0 && check::is_whole(v, f64::MAX)
        })?;
        Ok(par_map(t.len(), |i| self.ln_p_churn(t[i]).exp()))
    }

    /// Retention rate in period `t ≥ 1`: the share of the customers active in period `t` who
    /// renew at its end, `r(t) = S(t)/S(t−1)` (on the thread pool from 256 values).
    ///
    /// # Formula
    /// Fader & Hardie (2007), eq. 8: `r(t) = (β+t−1)/(α+β+t−1)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`t`, index) for a value that is not an integer ≥ 1.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{SbgParams, ShiftedBetaGeometric};
    /// let m = ShiftedBetaGeometric::from_params(SbgParams::new(0.668, 3.806)?)?;
    /// let r = m.retention_rate(&[1.0, 10.0])?;
    /// assert!(r[1] > r[0]);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn retention_rate(&self, t: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("t", t.len())?;
        check::all("t", t, "must be an integer >= 1", |v| {
            v >= 1.0 && check::is_whole(v, f64::MAX)
        })?;
        let SbgParams { alpha, beta } = self.params;
        Ok(par_map(t.len(), |i| (beta + t[i] - 1.0) / (alpha + beta + t[i] - 1.0)))
    }

    /// The projected survival curve `S(0), S(1), …, S(n_periods)`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{SbgParams, ShiftedBetaGeometric};
    /// let m = ShiftedBetaGeometric::from_params(SbgParams::new(0.668, 3.806)?)?;
    /// let s = m.survival_curve(12);
    /// assert_eq!(s.len(), 13);
    /// assert!((100.0 * s[12] - 37.8).abs() < 0.05);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn survival_curve(&self, n_periods: usize) -> Vec<f64> {
        (0..=n_periods).map(|t| self.ln_survival(t as f64).exp()).collect()
    }

    /// The projected retention curve `r(1), …, r(n_periods)`.
    pub fn retention_curve(&self, n_periods: usize) -> Vec<f64> {
        let SbgParams { alpha, beta } = self.params;
        (1..=n_periods).map(|t| (beta + t as f64 - 1.0) / (alpha + beta + t as f64 - 1.0)).collect()
    }

    /// Discounted expected residual lifetime (DERL) of a customer who has renewed `renewals`
    /// times, in units of one payment per period.
    ///
    /// Convention (Fader & Hardie 2010): the customer is active in period `n = renewals + 1`;
    /// DERL counts the renewals still to come — the next one, at the end of the current period,
    /// undiscounted, each later one discounted by a further factor `1/(1+d)` — each weighted by
    /// the probability of reaching it. Multiply by the per-period margin for a residual value.
    ///
    /// # Formula
    /// Fader & Hardie (2010, *Customer-base valuation in a contractual setting: the perils of
    /// ignoring heterogeneity*, Marketing Science 29(1)), eq. 6 with `n − 1` renewals:
    /// `DERL = Σ_{t≥n} S(t)/S(n−1) (1+d)^{−(t−n)}
    ///  = (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d))`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`discount_rate`) unless finite and > 0; (`renewals`, index) for a
    /// value that is not a finite non-negative integer.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{SbgParams, ShiftedBetaGeometric};
    /// let m = ShiftedBetaGeometric::from_params(SbgParams::new(0.668, 3.806)?)?;
    /// let d = m.derl(0.10, &[7.0])?;
    /// assert!((d[0] - 7.53).abs() < 0.005);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn derl(&self, discount_rate: f64, renewals: &[f64]) -> Result<Vec<f64>> {
        check_discount(discount_rate)?;
        check::non_empty("renewals", renewals.len())?;
        check_integer_periods("renewals", renewals)?;
        Ok(renewals.iter().map(|&k| self.derl_at(discount_rate, k)).collect())
    }

    pub(crate) fn derl_at(&self, d: f64, renewals: f64) -> f64 {
        let SbgParams { alpha, beta } = self.params;
        let n = renewals + 1.0;
        let lead = (beta + n - 1.0) / (alpha + beta + n - 1.0);
        lead * hyp_1(beta + n, alpha + beta + n, 1.0 / (1.0 + d))
    }

    /// Discounted expected lifetime value of a new customer paying `margin` at the start of every
    /// period they are active (the first payment undiscounted).
    ///
    /// # Formula
    /// Fader & Hardie (2007, §5; 2010): `E(CLV) = m Σ_{t≥0} S(t)/(1+d)^t
    ///  = m · ₂F₁(1, β; α+β; 1/(1+d))`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`discount_rate`) unless finite and > 0; (`margin`) unless finite.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{SbgParams, ShiftedBetaGeometric};
    /// let m = ShiftedBetaGeometric::from_params(SbgParams::new(1.0, 1.0)?)?;
    /// // S(t) = 1/(t+1): Σ z^t/(t+1) = −ln(1−z)/z with z = 1/(1+d).
    /// let z = 1.0 / 1.1;
    /// let v = m.expected_lifetime_value(1.0, 0.1)?;
    /// assert!((v - (-(1.0f64 - z).ln() / z)).abs() < 1e-12);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn expected_lifetime_value(&self, margin: f64, discount_rate: f64) -> Result<f64> {
        check_discount(discount_rate)?;
        check::all("margin", &[margin], "must be finite", f64::is_finite)
            .map_err(|_| Error::invalid("margin", format!("must be finite (got {margin})")))?;
        let SbgParams { alpha, beta } = self.params;
        Ok(margin * hyp_1(beta, alpha + beta, 1.0 / (1.0 + discount_rate)))
    }
}

/// `₂F₁(1, b; c; z)` for `0 < z < 1`, `c > b > 0`.
fn hyp_1(b: f64, c: f64, z: f64) -> f64 {
    let (l, s) = ln_hyp2f1(1.0, b, c, z);
    if l.is_finite() && s > 0.0 {
        return l.exp();
    }
    // Fallback: the defining series (terms ratio (b+k)/(c+k)·z < z).
    let (mut term, mut sum, mut k) = (1.0f64, 1.0f64, 0.0f64);
    while term > 1e-17 * sum && k < 1e8 {
        term *= (b + k) / (c + k) * z;
        sum += term;
        k += 1.0;
    }
    sum
}

impl std::fmt::Display for ShiftedBetaGeometric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "sBG(alpha={:.4}, beta={:.4})", self.params.alpha, self.params.beta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 100,000 customers in seven chunks: the same fit and curves on one thread and on four, and
    /// the first of two cancelled customers with a duration of 0 named.
    #[cfg(feature = "parallel")]
    #[test]
    fn per_customer_fits_do_not_depend_on_the_threads() {
        let n = 100_000;
        let duration: Vec<f64> = (0..n).map(|i| 1.0 + (i * 7 % 13) as f64).collect();
        let active: Vec<f64> = (0..n).map(|i| f64::from(i % 3 == 0)).collect();
        let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 5) as f64 / 4.0).collect();
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            let m = ShiftedBetaGeometric::fit(&duration, &active, Some(&w), &Default::default())
                .unwrap();
            let t: Vec<f64> = duration.iter().map(|d| d - 1.0).collect();
            (
                m.params().to_vec(),
                m.survival(&t).unwrap(),
                m.churn_probability(&duration).unwrap(),
                m.retention_rate(&duration).unwrap(),
            )
        });
        assert_eq!(one, four);
        let mut bad = duration.clone();
        bad[40_001] = 0.0; // cancelled (40,001 % 3 != 0)
        bad[90_001] = 0.0;
        let (a, b) = crate::parallel::on_one_and_four_threads(|| {
            ShiftedBetaGeometric::fit(&bad, &active, None, &Default::default()).unwrap_err()
        });
        assert_eq!(a.index(), Some(40_001));
        assert_eq!(a.to_string(), b.to_string());
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let mut map = BTreeMap::new();
        map.insert((1, true), 131.0);
        map.insert((2, true), 126.0);
        map.insert((5, true), 7.0);
        map.insert((5, false), 400.0);
        map.insert((0, false), 3.0);
        let d = Durations::from_map(map);
        for v in [[0.668, 3.806], [5.0, 0.2], [0.01, 50.0]] {
            let mut g = [0.0; 2];
            d.total(&v, Some(&mut g));
            for j in 0..2 {
                let h = 1e-6 * v[j];
                let (mut up, mut dn) = (v, v);
                up[j] += h;
                dn[j] -= h;
                let fd = (d.total(&up, None) - d.total(&dn, None)) / (2.0 * h);
                assert!((fd - g[j]).abs() < 1e-5 * g[j].abs().max(1.0), "{v:?} {j} {fd} {}", g[j]);
            }
        }
    }

    #[test]
    fn derl_matches_direct_sum() {
        let m = ShiftedBetaGeometric::from_params(SbgParams::new(0.668, 3.806).unwrap()).unwrap();
        for &(d, k) in &[(0.1, 7.0), (0.02, 0.0), (0.5, 100.0), (1e-3, 3.0)] {
            let n = k + 1.0;
            let s_prev = m.ln_survival(n - 1.0);
            let mut sum = 0.0;
            let mut t = n;
            loop {
                let term = (m.ln_survival(t) - s_prev).exp() / (1.0f64 + d).powf(t - n);
                sum += term;
                if term < 1e-16 * sum {
                    break;
                }
                t += 1.0;
            }
            let got = m.derl_at(d, k);
            assert!((got - sum).abs() < 1e-9 * sum, "d={d} k={k}: {got} vs {sum}");
        }
    }
}
