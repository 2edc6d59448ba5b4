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
//! [`frequency_monetary_correlation`](super::frequency_monetary_correlation) before combining it
//! with a transaction model.
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

use super::gamma_gamma_likelihood::{Lik, SpendData, SpendLikelihood};
use super::spend::check_spend;
use super::Fitted;
use super::{fit_ml, Covariance, FitOptions, SpendModel};
use crate::error::{check, Error, Result};
use crate::parallel::{par_map, par_try_map};
use crate::special::{gamma_ln_ratio, ln_gamma};

super::fitted::params_struct! {
    /// Parameters of the Gamma-Gamma spend model.
    pub struct GammaGammaParams as "gamma_gamma" {
        /// Shape of the distribution of one customer's transaction values.
        p,
        /// Shape of the distribution of the rates `ν` across customers.
        q,
        /// Rate (in money units) of the distribution of `ν` across customers.
        gamma,
    }
}

/// A Gamma-Gamma spend model: parameters, plus fit diagnostics and covariance when estimated (see [`Fitted`]).
pub type GammaGamma = Fitted<GammaGammaParams>;

/// Fails with [`Error::NotIdentified`] when the repeat buyers' spends cannot identify `p`, `q`
/// and `γ`: fewer than two repeat buyers, or every repeat buyer with the same average spend (no
/// spread between customers, so the likelihood keeps rising as `p, q → ∞`). Called after
/// [`check_spend`] and with at least one repeat buyer.
fn check_spend_identifiable(data: &SpendData) -> Result<()> {
    let not = |reason: String| Error::NotIdentified { model: "gamma_gamma".into(), reason };
    if data.buyers < 2 {
        return Err(not("only one customer made a repeat purchase: the spread of spends \
                        between customers, which identifies the parameters, is unknown"
            .into()));
    }
    if !data.spread {
        return Err(not(format!(
            "every repeat buyer has the same average spend ({}): with no spread between \
             customers the likelihood keeps rising as p and q grow",
            data.first_spend
        )));
    }
    Ok(())
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
    /// Maximum-likelihood fit on the repeat buyers (see [`crate::models`] for the method).
    ///
    /// Every row is validated; rows with `frequency == 0` carry no information on spend and are
    /// left out of the likelihood (their `monetary_value` must still be finite and ≥ 0, usually
    /// 0), so [`FitDiagnostics::n_obs`](super::FitDiagnostics::n_obs) is the (weighted) number of repeat buyers. Identical rows
    /// may be given once with a weight.
    ///
    /// The likelihood is maximised on spend divided by its mean (which leaves `p`, `q` and the
    /// log-parameter covariance unchanged and scales `γ`), so the fit is equally well conditioned
    /// in any currency unit. Starting values (unless `options.initial`): `p = 2, q = 3, γ` = the
    /// mean of `z̄` (which matches the population mean), then `p = q = γ = 1`.
    ///
    /// The rows are read twice: once to validate them (on the thread pool, in chunks of 2,048
    /// rows from 16,384), then once to build a summary in which customers with the same
    /// frequency and mean spends within 1/65 of each other share one set of moments (from
    /// 131,072 rows in two to four parts of the rows on the thread pool, whose moments are then
    /// added up part by part: the same summary on any number of threads). Each evaluation of the
    /// likelihood (the groups' terms on the thread pool, a frequency a task up to 4,096 groups,
    /// in runs of 4,096 groups above, added up in order) then costs work proportional to the
    /// number of such groups (at most 32 per octave of spend and distinct frequency), whatever
    /// the number of customers, with the accuracy of the per-customer sum. The result does not
    /// depend on the number of threads; the optimisation runs on a thread of the pool (see
    /// [`super::fit_ml`]).
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
    /// assert!(d.converged && d.gradient_norm <= cvm_core::prec::OPTIM_GRAD_TOL);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn fit(
        frequency: &[f64], monetary_value: &[f64], weights: Option<&[f64]>, options: &FitOptions,
    ) -> Result<Self> {
        let data = SpendData::new(frequency, monetary_value, weights)?;
        check_spend_identifiable(&data)?;
        let scale = data.mean_spend;
        let data = SpendLikelihood::new(data, scale);
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
        let fit = fit_ml(&Lik, &data, &options).map_err(|e| {
            e.map_iterate(|params, log_likelihood| {
                params[2] *= scale;
                *log_likelihood -= data.n_obs * scale.ln();
            })
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
        Fitted::from_fit(super::MlFit { params, diagnostics, covariance }, options.time_unit)
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
    /// value `z̄`; customers with `x = 0` get the population mean. Checks and customers on the
    /// thread pool (from 16,384 and 1,024 customers).
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
        &self, frequency: &[f64], monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        check_spend(frequency, monetary_value)?;
        let p = self.params;
        par_try_map(frequency.len(), |i| {
            let x = frequency[i];
            conditional_spend(&p, x, monetary_value[i])
                .ok_or_else(|| infinite_mean(&p, Some((i, x))))
        })
    }

    /// The conditional expected spend with its delta-method intervals at `level`, formed on the log
    /// scale (see [`crate::models`]), with the estimate; see
    /// [`SpendModel::conditional_expected_average_spend_interval`].
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`covariance`) when the model was not fitted; invalid `level` or
    /// columns; an infinite expected spend as in
    /// [`GammaGamma::conditional_expected_average_spend`].
    pub fn conditional_expected_average_spend_interval(
        &self, frequency: &[f64], monetary_value: &[f64], level: f64,
    ) -> Result<super::PredictionInterval> {
        SpendModel::conditional_expected_average_spend_interval(
            self,
            frequency,
            monetary_value,
            level,
        )
    }

    /// Per-customer log-likelihood of `z̄` given `x` (0 for customers with `x = 0`, who carry no
    /// spend information), on the thread pool from 256 customers.
    ///
    /// # Errors
    /// Invalid columns, as [`GammaGamma::fit`].
    pub fn log_likelihood_individual(
        &self, frequency: &[f64], monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        check_spend(frequency, monetary_value)?;
        let GammaGammaParams { p, q, gamma } = self.params;
        let (ln_gamma_q, q_ln_gamma) = (ln_gamma(q), q * gamma.ln());
        Ok(par_map(frequency.len(), |i| {
            let (x, z) = (frequency[i], monetary_value[i]);
            if x == 0.0 {
                return 0.0;
            }
            let px = p * x;
            gamma_ln_ratio(px + q, px) - ln_gamma_q + q_ln_gamma + px * x.ln() + (px - 1.0) * z.ln()
                - (px + q) * (gamma + x * z).ln()
        }))
    }

    /// Simulates each customer's mean spend `z̄` over `frequency[i]` transactions (0 when the
    /// frequency is 0), deterministically from `seed`: `ν ~ Gamma(q, γ)`, then
    /// `x z̄ ~ Gamma(px, ν)`, each customer from a stream of its own (on the thread pool from 256
    /// customers, the same values).
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
        check::counts("frequency", frequency)?;
        let GammaGammaParams { p, q, gamma } = self.params;
        Ok(par_map(frequency.len(), |i| {
            let x = frequency[i];
            if x == 0.0 {
                return 0.0;
            }
            let mut rng = super::Rng::stream(seed, i as u64);
            let nu = rng.gamma(q, gamma);
            rng.gamma(p * x, nu) / x
        }))
    }
}

impl SpendModel for GammaGamma {
    /// # Formula
    /// Fader, Hardie & Lee (2005, JMR): `E(M | p, q, γ, x, z̄) = p(γ + x z̄)/(px + q − 1)`; `+∞` when
    /// `px + q ≤ 1`.
    fn conditional_expected_average_spend_with(&self, params: &[f64], x: f64, zbar: f64) -> f64 {
        conditional_spend(&GammaGammaParams::raw(params), x, zbar).unwrap_or(f64::INFINITY)
    }

    /// [`GammaGamma::conditional_expected_average_spend`] (its error names the infinite mean).
    fn conditional_expected_average_spend(
        &self, frequency: &[f64], monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        GammaGamma::conditional_expected_average_spend(self, frequency, monetary_value)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// 100,000 customers on one thread and on four: the same fit, predictions, likelihoods and
    /// draws, and the same first failing customer.
    #[cfg(feature = "parallel")]
    #[test]
    fn per_customer_work_does_not_depend_on_the_threads() {
        let truth =
            GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0).unwrap()).unwrap();
        let x: Vec<f64> = (0..100_000).map(|i| (i % 7) as f64).collect();
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            let z = truth.simulate(&x, 5).unwrap();
            let m = GammaGamma::fit(&x, &z, None, &FitOptions::default()).unwrap();
            let spend = m.conditional_expected_average_spend(&x, &z).unwrap();
            let ll = m.log_likelihood_individual(&x, &z).unwrap();
            (z, m.params().to_vec(), spend, ll)
        });
        assert_eq!(one, four);
        // px + q <= 1 for x = 0 and 1: the customers at 70,001 and 99,999.
        let heavy =
            GammaGamma::from_params(GammaGammaParams::new(0.2, 0.5, 10.0).unwrap()).unwrap();
        let z = vec![4.0; 100_000];
        let mut xs = vec![3.0; 100_000];
        xs[70_001] = 1.0;
        xs[99_999] = 0.0;
        let (a, b) = crate::parallel::on_one_and_four_threads(|| {
            heavy.conditional_expected_average_spend(&xs, &z).unwrap_err().to_string()
        });
        assert_eq!(a, b);
        assert!(a.contains("customer 70001 (frequency 1)"), "{a}");
        // Two invalid rows: the first is named.
        let mut bad: Vec<f64> = x.iter().map(|&x| if x > 0.0 { 4.0 + x } else { 0.0 }).collect();
        bad[80_000] = -1.0;
        bad[90_000] = f64::NAN;
        let e = crate::parallel::on_one_and_four_threads(|| {
            GammaGamma::fit(&x, &bad, None, &FitOptions::default()).unwrap_err()
        });
        assert!(
            matches!(&e.0, Error::InvalidValue { field, index: Some(80_000), .. } if field == "monetary_value"),
            "{}",
            e.0
        );
        assert_eq!(e.0.to_string(), e.1.to_string());
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
