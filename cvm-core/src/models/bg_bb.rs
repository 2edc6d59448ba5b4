//! The beta-geometric/beta-Bernoulli (BG/BB) model for discrete transaction opportunities (Fader,
//! Hardie & Shang 2010, *Customer-base analysis in a discrete-time noncontractual setting*,
//! Marketing Science 29(6), 1086–1108).
//!
//! At each of a series of discrete opportunities (yearly donation drives, annual events, …) an
//! active customer transacts with probability p; at the start of each opportunity they become
//! inactive, for good, with probability θ. Across customers p ~ Beta(α, β) and θ ~ Beta(γ, δ).
//!
//! A customer's history is `(x, t_x, n)`: `x` transactions in `n` opportunities, the last one at
//! opportunity `t_x` (`t_x = 0` when `x = 0`). Times (`n`, horizons `m`) are whole numbers of
//! opportunities.
//!
//! # Examples
//! ```
//! use cvm_core::models::{BgBb, BgBbParams};
//! let m = BgBb::from_params(BgBbParams::new(1.204, 0.750, 0.657, 2.783)?)?;
//! // Fader, Hardie & Shang (2010): a donor who gave in 6 of 6 years is very likely still active.
//! let p = m.conditional_probability_alive(1, &[6.0], &[6.0], &[6.0])?;
//! assert!((p[0] - 0.93).abs() < 0.005);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use super::bg_bb_likelihood::{alive_sum, cond_expected, ln_lik, ln_p_alive, ln_p_x, Lik};
use super::Fitted;
use super::{fit_ml, FitOptions, Likelihood, SummaryData, TransactionModel};
use crate::error::{check, Error, Result};

super::fitted::params_struct! {
    /// Parameters of the BG/BB model.
    pub struct BgBbParams as "bg_bb" {
        /// First shape of the beta distribution of transaction probabilities p.
        alpha,
        /// Second shape of the beta distribution of transaction probabilities p.
        beta,
        /// First shape of the beta distribution of drop-out probabilities θ.
        gamma,
        /// Second shape of the beta distribution of drop-out probabilities θ.
        delta,
    }
}

/// A BG/BB model: parameters, plus fit diagnostics and covariance when estimated (see [`Fitted`]).
pub type BgBb = Fitted<BgBbParams>;

/// The most transaction opportunities a history (`n`) or a horizon (`m`) may span: the
/// likelihood sums one term per opportunity after the last transaction, so the work per customer
/// is bounded by this number. Real BG/BB data count yearly or monthly opportunities (tens).
pub const MAX_OPPORTUNITIES: f64 = 1e6;

const COUNT_RULE: &str = "must be a whole number in 0..=1000000 (MAX_OPPORTUNITIES)";

fn is_count(v: f64) -> bool {
    check::is_whole(v, MAX_OPPORTUNITIES)
}

/// Validates BG/BB histories: integers with `0 ≤ x ≤ t_x ≤ n`, and `t_x = 0` exactly when
/// `x = 0`.
pub(crate) fn check_histories(frequency: &[f64], recency: &[f64], n_periods: &[f64]) -> Result<()> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, recency.len())?;
    check::same_len("n_periods", n, n_periods.len())?;
    check::all("frequency", frequency, COUNT_RULE, is_count)?;
    check::all("recency", recency, COUNT_RULE, is_count)?;
    check::all("n_periods", n_periods, COUNT_RULE, is_count)?;
    for i in 0..n {
        let (x, tx, np) = (frequency[i], recency[i], n_periods[i]);
        if tx > np {
            return Err(Error::invalid_at(
                "recency",
                i,
                format!("must not exceed n_periods (got {tx} > {np})"),
            ));
        }
        if x > tx {
            return Err(Error::invalid_at(
                "frequency",
                i,
                format!(
                    "must not exceed recency, the last transaction opportunity (got {x} > {tx})"
                ),
            ));
        }
        if x == 0.0 && tx > 0.0 {
            return Err(Error::invalid_at("recency", i, "must be 0 when frequency is 0"));
        }
    }
    Ok(())
}

fn check_periods(field: &str, m: f64) -> Result<()> {
    if is_count(m) {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("{COUNT_RULE} (got {m})")))
    }
}

impl BgBb {
    /// Maximum-likelihood fit (see [`crate::models`] for the method) on histories
    /// `(frequency, recency, n_periods)` with optional weights (e.g. the number of customers
    /// sharing a history). Starting values (unless `options.initial`): all ones, then
    /// `(0.5, 0.5, 0.5, 2)`.
    ///
    /// # Formula
    /// FHS (2010), eq. 5:
    /// `L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ) +
    ///  Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)`,
    /// summed in logs; the beta functions of consecutive terms by recurrence.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the field and
    /// index: counts that are not finite non-negative integers, `recency > n_periods`,
    /// `frequency > recency`, `recency > 0` with `frequency = 0`, weights not finite and > 0;
    /// invalid options; [`Error::NotConverged`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgBb, BgBbParams};
    /// let truth = BgBb::from_params(BgBbParams::new(1.2, 0.75, 0.66, 2.8)?)?;
    /// let (x, tx) = truth.simulate(3000, 6, 1)?;
    /// let m = BgBb::fit(&x, &tx, &vec![6.0; 3000], None, &Default::default())?;
    /// assert_eq!(m.diagnostics().unwrap().n_obs, 3000.0);
    /// assert!((m.params().alpha - 1.2).abs() < 0.5);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn fit(
        frequency: &[f64], recency: &[f64], n_periods: &[f64], weights: Option<&[f64]>,
        options: &FitOptions,
    ) -> Result<Self> {
        check_histories(frequency, recency, n_periods)?;
        let data = SummaryData::new(frequency, recency, n_periods, weights)?;
        super::check_identifiable("bg_bb", "frequency", frequency, recency, n_periods)?;
        let fit = match fit_ml(&Lik, &data, options) {
            Ok(f) => f,
            Err(e) if options.initial.is_none() => {
                let retry =
                    FitOptions { initial: Some(vec![0.5, 0.5, 0.5, 2.0]), ..options.clone() };
                fit_ml(&Lik, &data, &retry).map_err(|_| e)?
            }
            Err(e) => return Err(e),
        };
        Fitted::from_fit(fit, options.time_unit)
    }

    /// Probability that each customer is still active at opportunity `n + m` (`m = 1`: "alive in
    /// the next period").
    ///
    /// # Formula
    /// FHS (2010), eq. 11: `P(alive at n+m) = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L`.
    ///
    /// # Errors
    /// Invalid histories ([`Error::InvalidValue`] naming the field and index).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgBb, BgBbParams};
    /// let m = BgBb::from_params(BgBbParams::new(1.204, 0.750, 0.657, 2.783)?)?;
    /// let p = m.conditional_probability_alive(1, &[0.0, 2.0], &[0.0, 4.0], &[6.0, 6.0])?;
    /// assert!((p[0] - 0.11).abs() < 0.005 && (p[1] - 0.59).abs() < 0.005);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn conditional_probability_alive(
        &self, m: u64, frequency: &[f64], recency: &[f64], n_periods: &[f64],
    ) -> Result<Vec<f64>> {
        check_histories(frequency, recency, n_periods)?;
        let p = self.params;
        Ok(crate::parallel::par_map(frequency.len(), |i| {
            ln_p_alive(&p, m as f64, frequency[i], recency[i], n_periods[i]).exp()
        }))
    }

    /// Expected number of transactions of each customer in the next `m` opportunities
    /// (`n+1, …, n+m`).
    ///
    /// # Formula
    /// FHS (2010), eq. 13: `E[X(n, n+m)] = 1/L · B(α+x+1, β+n−x)/B(α,β) · δ/(γ−1) ·
    /// Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+n)/Γ(γ+δ+n) − Γ(1+δ+n+m)/Γ(γ+δ+n+m)]`, the bracket as
    /// `−expm1` of a log-gamma difference (its limit, a digamma difference, at γ = 1).
    ///
    /// # Errors
    /// Invalid histories.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgBb, BgBbParams};
    /// let m = BgBb::from_params(BgBbParams::new(1.204, 0.750, 0.657, 2.783)?)?;
    /// let e = m.conditional_expected_transactions(5, &[6.0, 0.0], &[6.0, 0.0], &[6.0, 6.0])?;
    /// assert!(e[0] > 3.0 && e[1] < 0.2);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn conditional_expected_transactions(
        &self, m: u64, frequency: &[f64], recency: &[f64], n_periods: &[f64],
    ) -> Result<Vec<f64>> {
        check_histories(frequency, recency, n_periods)?;
        let p = self.params;
        Ok(crate::parallel::par_map(frequency.len(), |i| {
            cond_expected(&p, m as f64, frequency[i], recency[i], n_periods[i])
        }))
    }

    /// Expected number of transactions of a new customer in the first `n` opportunities.
    ///
    /// # Formula
    /// FHS (2010), eq. 9: `E[X(n)] = α/(α+β) · δ/(γ−1) ·
    /// [1 − Γ(γ+δ)Γ(1+δ+n)/(Γ(γ+δ+n)Γ(1+δ))]`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgBb, BgBbParams};
    /// let m = BgBb::from_params(BgBbParams::new(1.0, 1.0, 1.0, 1.0)?)?;
    /// // E[p] = 1/2; P(alive at k) = E[(1−θ)^k] = 1/(k+1).
    /// assert!((m.expected_transactions_new_customer(2) - 0.5 * (0.5 + 1.0 / 3.0)).abs() < 1e-12);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn expected_transactions_new_customer(&self, n: u64) -> f64 {
        let BgBbParams { alpha: a, beta: b, .. } = self.params;
        a / (a + b) * alive_sum(&self.params, 0.0, n as f64)
    }

    /// `P(X(n) = x)`: the probability that a new customer makes `x` transactions in the first
    /// `n` opportunities.
    ///
    /// # Formula
    /// FHS (2010), eq. 7: `C(n,x) B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ) +
    ///  Σ_{i=x}^{n−1} C(i,x) B(α+x, β+i−x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ)`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgBb, BgBbParams};
    /// let m = BgBb::from_params(BgBbParams::new(1.204, 0.750, 0.657, 2.783)?)?;
    /// let total: f64 = (0..=6).map(|x| m.probability_of_n_transactions(x, 6)).sum();
    /// assert!((total - 1.0).abs() < 1e-12);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn probability_of_n_transactions(&self, x: u64, n: u64) -> f64 {
        ln_p_x(&self.params, x as f64, n as f64).exp().clamp(0.0, 1.0)
    }

    /// Log-likelihood of a set of (weighted) histories at this model's parameters.
    ///
    /// # Errors
    /// Invalid histories or weights.
    pub fn log_likelihood(
        &self, frequency: &[f64], recency: &[f64], n_periods: &[f64], weights: Option<&[f64]>,
    ) -> Result<f64> {
        check_histories(frequency, recency, n_periods)?;
        let data = SummaryData::new(frequency, recency, n_periods, weights)?;
        Ok(Lik.total(&data, &self.params.to_vec(), None))
    }

    /// Simulates `n_customers` histories over `n_periods` opportunities, deterministically from
    /// `seed`: `(frequency, recency)` per customer.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`n_customers`) when 0.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgBb, BgBbParams};
    /// let m = BgBb::from_params(BgBbParams::new(1.2, 0.75, 0.66, 2.8)?)?;
    /// let (x, tx) = m.simulate(100, 6, 1)?;
    /// assert!(x.iter().zip(&tx).all(|(x, t)| x <= t && *t <= 6.0));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn simulate(
        &self, n_customers: usize, n_periods: u64, seed: u64,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        if n_customers == 0 {
            return Err(Error::invalid("n_customers", "must be at least 1"));
        }
        let BgBbParams { alpha, beta, gamma, delta } = self.params;
        Ok((0..n_customers)
            .map(|i| {
                let mut rng = super::Rng::stream(seed, i as u64);
                let p = rng.beta(alpha, beta);
                let theta = rng.beta(gamma, delta);
                let (mut x, mut tx) = (0.0, 0.0);
                for t in 1..=n_periods {
                    if rng.uniform() < theta {
                        break;
                    }
                    if rng.uniform() < p {
                        x += 1.0;
                        tx = t as f64;
                    }
                }
                (x, tx)
            })
            .unzip())
    }
}

/// The BG/BB as a [`TransactionModel`]: the customer columns are `(x, t_x, n)` and every time
/// is a number of opportunities. `probability_alive` is the probability of being alive at
/// opportunity `n` (use [`BgBb::conditional_probability_alive`] for later opportunities).
/// Horizons that are not whole numbers are rejected by the vectorised methods; the scalar
/// kernels continue the closed forms analytically.
impl TransactionModel for BgBb {
    /// Purchases happen only at opportunities.
    fn discrete_time(&self) -> bool {
        true
    }

    fn check_histories(&self, frequency: &[f64], recency: &[f64], t_cal: &[f64]) -> Result<()> {
        check_histories(frequency, recency, t_cal)
    }

    /// A whole number of opportunities.
    fn check_horizon(&self, horizon: f64) -> Result<()> {
        check_periods("t", horizon)
    }

    /// FHS (2010) eq. 13: P(alive) times a function of `(t, x, n)`.
    fn factors_through_alive(&self) -> bool {
        true
    }

    fn conditional_expected_purchases_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        cond_expected(&self.params, horizon, x, t_x, t_cal)
    }

    fn probability_alive_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        ln_p_alive(&self.params, 0.0, x, t_x, t_cal).exp()
    }

    fn expected_purchases_new_customer_at(&self, horizon: f64) -> f64 {
        let BgBbParams { alpha: a, beta: b, .. } = self.params;
        a / (a + b) * alive_sum(&self.params, 0.0, horizon)
    }

    fn log_likelihood_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        ln_lik(&self.params, x, t_x, t_cal)
    }

    fn probability_of_n_purchases_at(&self, horizon: f64, n: u64) -> f64 {
        ln_p_x(&self.params, n as f64, horizon.floor()).exp().clamp(0.0, 1.0)
    }

    fn conditional_expected_purchases_with(
        &self, params: &[f64], horizon: f64, x: f64, t_x: f64, t_cal: f64,
    ) -> f64 {
        cond_expected(&BgBbParams::raw(params), horizon, x, t_x, t_cal)
    }

    fn probability_alive_with(&self, params: &[f64], x: f64, t_x: f64, t_cal: f64) -> f64 {
        ln_p_alive(&BgBbParams::raw(params), 0.0, x, t_x, t_cal).exp()
    }

    fn conditional_expected_purchases(
        &self, horizon: f64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        check_periods("t", horizon)?;
        self.conditional_expected_transactions(horizon as u64, frequency, recency, t_cal)
    }

    fn probability_alive(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        self.conditional_probability_alive(0, frequency, recency, t_cal)
    }

    fn expected_purchases_new_customer(&self, horizon: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("t", horizon.len())?;
        check::all("t", horizon, COUNT_RULE, is_count)?;
        Ok(crate::parallel::par_map(horizon.len(), |i| {
            self.expected_transactions_new_customer(horizon[i] as u64)
        }))
    }

    fn log_likelihood_individual(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        check_histories(frequency, recency, t_cal)?;
        let p = self.params;
        Ok(crate::parallel::par_map(frequency.len(), |i| {
            ln_lik(&p, frequency[i], recency[i], t_cal[i])
        }))
    }
}

impl std::fmt::Display for BgBb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = &self.params;
        write!(
            f,
            "BG/BB(alpha={:.4}, beta={:.4}, gamma={:.4}, delta={:.4})",
            p.alpha, p.beta, p.gamma, p.delta
        )
    }
}
