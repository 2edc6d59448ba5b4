//! [`TransactionModel`]: what every lifetime model predicts per customer, with the vectorised,
//! validated methods and the delta-method intervals written once over the scalar kernels.

use super::by_frequency::{AgeIndex, AliveExpectation, DistinctRows};
use super::data::distinct_counts;
use super::gradient::Scratch;
use super::{
    check_customers, check_outputs, check_t, delta_interval, log_gradients, quadratic_form,
    z_for_level, Link, ModelInfo, PredictionInterval,
};
use crate::error::{check, Error, Result};
use crate::parallel::{all_finite, par_map, par_map2};

/// What every lifetime model can predict per customer; the vectorised methods validate their
/// inputs and apply the scalar kernels.
///
/// Times are in the unit of the data the model was fitted on. The name, parameters,
/// covariance and time unit come from the supertrait [`ModelInfo`]; the required kernels are
/// the `_with` functions of the parameters (used by the delta method) and the few predictions
/// of a new customer; the `_at` forms at the model's own parameters default to the `_with`
/// kernels (a model overrides them to save a copy of its parameters per call).
pub trait TransactionModel: ModelInfo {
    /// Expected number of repeat purchases of a customer with history `(x, t_x, T)` in
    /// `(T, T + horizon]`, for validated scalars. Default: the `_with` kernel at
    /// [`ModelInfo::params`].
    fn conditional_expected_purchases_at(&self, horizon: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
        self.conditional_expected_purchases_with(&self.params(), horizon, x, t_x, t_cal)
    }

    /// Probability that a customer with history `(x, t_x, T)` is still active at `T`. Default:
    /// the `_with` kernel at [`ModelInfo::params`].
    fn probability_alive_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        self.probability_alive_with(&self.params(), x, t_x, t_cal)
    }

    /// `(P(alive at T), expected repeat purchases in (T, T + horizon])` of a customer with history
    /// `(x, t_x, T)`, for validated scalars: the pair of
    /// [`TransactionModel::probability_alive_at`] and
    /// [`TransactionModel::conditional_expected_purchases_at`].
    ///
    /// The default calls both. Every model's conditional expectation is P(alive) times the
    /// expectation of a customer alive at T, so models override this to compute P(alive) once.
    fn probability_alive_and_expected_purchases_at(
        &self, horizon: f64, x: f64, t_x: f64, t_cal: f64,
    ) -> (f64, f64) {
        (
            self.probability_alive_at(x, t_x, t_cal),
            self.conditional_expected_purchases_at(horizon, x, t_x, t_cal),
        )
    }

    /// Expected repeat purchases of a new customer in `(0, horizon]`.
    fn expected_purchases_new_customer_at(&self, horizon: f64) -> f64;

    /// Log-likelihood of one customer's history.
    fn log_likelihood_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64;

    /// P(X(horizon) = n): probability that a new customer makes `n` repeat purchases in
    /// `(0, horizon]`, for a validated `horizon ≥ 0`.
    fn probability_of_n_purchases_at(&self, horizon: f64, n: u64) -> f64;

    /// True when time counts discrete opportunities (the BG/BB): a horizon is then a whole
    /// number of them, and customer lifetime value sums the purchases opportunity by
    /// opportunity. Default `false` (continuous time).
    fn discrete_time(&self) -> bool {
        false
    }

    /// Checks the customer columns as the model's predictions do; the default is the
    /// continuous-time check (a whole `frequency` ≥ 0, `0 ≤ recency ≤ T`, `recency > 0` when
    /// `frequency > 0`).
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the column
    /// and the first offending row.
    fn check_histories(&self, frequency: &[f64], recency: &[f64], t_cal: &[f64]) -> Result<()> {
        check_customers(frequency, recency, t_cal)
    }

    /// Checks the `horizon` of a conditional prediction: by default finite and ≥ 0; a
    /// discrete-time model asks for a whole number of opportunities.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (field `t`, the horizon).
    fn check_horizon(&self, horizon: f64) -> Result<()> {
        check_t("t", horizon)
    }

    /// True when the conditional expectation factors as
    /// `E(t | x, t_x, T) = P(alive | x, t_x, T) · g(t | x, T)` for every parameter value: recency
    /// enters only through P(alive). Customer lifetime value then evaluates each distinct
    /// `(x, T)` once and scales it by P(alive) (see [`crate::clv`]). Default `false`: every
    /// distinct `(x, t_x, T)` is evaluated.
    fn factors_through_alive(&self) -> bool {
        false
    }

    /// For a model that [factors through P(alive)](Self::factors_through_alive) as
    /// `E(t | x, t_x, T) = P(alive) · g(t | x, T)` where `g` is costly (a ₂F₁ series or a
    /// quadrature): `g(horizon | x, T)` at the model's own parameters, for validated scalars.
    /// The vectorised predictions then evaluate `g` once per distinct `T` of every frequency
    /// held by at least 256 customers when its ages repeat (summaries in whole days: the direct
    /// values bit for bit), or else interpolate it over ages (a Chebyshev series in
    /// `ln(T + m)`, `m` the [age shift](Self::age_interpolation_shift), checked against direct
    /// evaluation to 1e-13 relative at four points between its nodes, else that frequency is
    /// evaluated directly), and multiply it by each customer's P(alive). Default `None`: every
    /// customer is evaluated directly (the BG/NBD and MBG/NBD implement it).
    fn expectation_given_alive_at(&self, _horizon: f64, _x: f64, _t_cal: f64) -> Option<f64> {
        None
    }

    /// For a model whose P(alive) is costly per customer (the Pareto/NBD: a quadrature): an
    /// evaluator of `(P(alive), expected repeat purchases in (T, T + horizon])` for the
    /// (validated) customers `(frequency, recency, t_cal)` of one vectorised call, built from
    /// them (per-frequency interpolation over ages, checked against direct evaluation), which
    /// answers `None` for the customers it does not cover. The vectorised predictions use it
    /// when the rows do not repeat (rows that repeat are evaluated once per distinct history
    /// instead); its values equal the direct kernels within 1e-12 relative. Default `None`:
    /// every customer is evaluated by the `_at` kernels.
    #[allow(clippy::type_complexity)]
    fn scoring_batch(
        &self, _horizon: f64, _frequency: &[f64], _recency: &[f64], _t_cal: &[f64],
    ) -> Option<Box<dyn Fn(f64, f64, f64) -> Option<(f64, f64)> + Send + Sync + '_>> {
        None
    }

    /// For a continuous-time model that [factors through P(alive)](Self::factors_through_alive):
    /// a shift `m > 0` (at parameters `params`) such that the discounted expected purchases of
    /// a customer at the reference recency are a smooth function of `ln(T + m)` with
    /// singularities far from the real axis (`α` for the BG family, `min(α, β)` for the
    /// Pareto/NBD); customer lifetime value then interpolates them in `ln(T + m)` for
    /// frequencies with many distinct `T`, checked against direct evaluation. Default `None`:
    /// no interpolation.
    fn age_interpolation_shift(&self, _params: &[f64]) -> Option<f64> {
        None
    }

    /// The discounted expected purchases in `(T, T + horizon]` at continuous rate `delta > 0`
    /// per time unit (`∫₀^H e^{−δt} dE(t)`, the finite-horizon DERT) of a customer with
    /// history `(x, t_x, T)` at parameters `params`, in closed form, when the model has one
    /// (the Pareto/NBD) and it is accurate at these arguments; `None` (the default) lets
    /// customer lifetime value integrate [`Self::conditional_expected_purchases_with`].
    fn discounted_expected_purchases_closed_form(
        &self, _params: &[f64], _history: (f64, f64, f64), _horizon: f64, _delta: f64,
    ) -> Option<f64> {
        None
    }

    /// [`TransactionModel::conditional_expected_purchases_at`] at other parameter values
    /// (`params` in the order of [`ModelInfo::param_names`], not validated); used by the
    /// delta method.
    fn conditional_expected_purchases_with(
        &self, params: &[f64], horizon: f64, x: f64, t_x: f64, t_cal: f64,
    ) -> f64;

    /// [`TransactionModel::probability_alive_at`] at other parameter values (not validated).
    fn probability_alive_with(&self, params: &[f64], x: f64, t_x: f64, t_cal: f64) -> f64;

    /// The gradient of `ln P(alive | x, t_x, T)` with respect to the log-parameters at `params`,
    /// written into `out` (one entry per parameter), when the model has it in closed form:
    /// returns `true` then. The default returns `false`, and the delta method differences
    /// [`Self::probability_alive_with`] instead (the BG/NBD and MBG/NBD implement it; it makes
    /// their intervals cost about what their values cost).
    fn ln_probability_alive_gradient_with(
        &self, _params: &[f64], _history: (f64, f64, f64), _out: &mut [f64],
    ) -> bool {
        false
    }

    /// P(alive) with its delta-method prediction interval at `level`, formed on the logit scale
    /// (see [`crate::models`]). A customer with P(alive) = 1 (BG/NBD, x = 0) gets the degenerate
    /// interval (1, 1). The `estimate` equals [`TransactionModel::probability_alive`].
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`covariance`) when the model has no covariance; invalid `level`
    /// or customer columns.
    fn probability_alive_interval(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64], level: f64,
    ) -> Result<PredictionInterval> {
        let z = z_for_level(level)?;
        self.check_histories(frequency, recency, t_cal)?;
        let cov = self.covariance().ok_or_else(|| Error::no_covariance(None))?;
        let p = self.params();
        let estimate = by_rows(
            self,
            0.0,
            (frequency, recency, t_cal),
            |v| v.0,
            |x, t_x, t| self.probability_alive_at(x, t_x, t),
        );
        check_model_outputs(self, "probability_alive", &estimate)?;
        let (lower, upper) = par_map2(frequency.len(), |i| {
            let (x, t_x, t) = (frequency[i], recency[i], t_cal[i]);
            let mut g = Scratch::new(p.len());
            if !self.ln_probability_alive_gradient_with(&p, (x, t_x, t), g.get()) {
                let alive = |q: &[f64]| self.probability_alive_with(q, x, t_x, t);
                let (_, lo, hi) = delta_interval(&p, cov, z, Link::Logit, &alive);
                return (lo, hi);
            }
            // d logit(P) = d ln P / (1 − P).
            let value = estimate[i];
            let se = quadratic_form(g.get(), cov.log_matrix()).max(0.0).sqrt() / (1.0 - value);
            Link::Logit.bounds(value, se, z)
        });
        checked_interval(
            self,
            "probability_alive_interval",
            PredictionInterval { estimate, lower, upper },
        )
    }

    /// The conditional expected purchases in `(T, T+horizon]` with their delta-method prediction
    /// intervals at `level`, formed on the log scale. The `estimate` equals
    /// [`TransactionModel::conditional_expected_purchases`].
    ///
    /// # Errors
    /// As [`TransactionModel::probability_alive_interval`], plus an invalid `horizon` (field `t`).
    fn conditional_expected_purchases_interval(
        &self, horizon: f64, frequency: &[f64], recency: &[f64], t_cal: &[f64], level: f64,
    ) -> Result<PredictionInterval> {
        let z = z_for_level(level)?;
        self.check_horizon(horizon)?;
        self.check_histories(frequency, recency, t_cal)?;
        let cov = self.covariance().ok_or_else(|| Error::no_covariance(None))?;
        let p = self.params();
        // E = P(alive) · g(x, T): the gradient of ln E is computed with that structure.
        let shift = if self.discrete_time() { None } else { self.age_interpolation_shift(&p) };
        let e = |q: &[f64], x: f64, tx: f64, tc: f64| {
            self.conditional_expected_purchases_with(q, horizon, x, tx, tc)
        };
        let estimate = expected_purchases(self, horizon, (frequency, recency, t_cal));
        check_model_outputs(self, "conditional_expected_purchases", &estimate)?;
        let g = log_gradients(self, &p, &e, shift, (frequency, recency, t_cal))?;
        let (k, s) = (p.len(), cov.log_matrix());
        let (lower, upper) = par_map2(estimate.len(), |i| {
            let se = quadratic_form(&g[i * k..(i + 1) * k], s).max(0.0).sqrt();
            (estimate[i] * (-z * se).exp(), estimate[i] * (z * se).exp())
        });
        checked_interval(
            self,
            "conditional_expected_purchases_interval",
            PredictionInterval { estimate, lower, upper },
        )
    }

    /// Vectorised [`TransactionModel::conditional_expected_purchases_at`].
    ///
    /// # Errors
    /// Invalid `horizon` (field `t`) or customer columns: [`Error::InvalidValue`] naming the field and index;
    /// [`Error::Numerical`] naming the model, its parameters and the first row whose value could
    /// not be computed to its tolerance within the kernel's work bound (see the BG/NBD
    /// `conditional_expected_purchases_with`) or is not representable.
    fn conditional_expected_purchases(
        &self, horizon: f64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        self.check_horizon(horizon)?;
        self.check_histories(frequency, recency, t_cal)?;
        let out = expected_purchases(self, horizon, (frequency, recency, t_cal));
        check_model_outputs(self, "conditional_expected_purchases", &out)?;
        Ok(out)
    }

    /// Vectorised [`TransactionModel::probability_alive_at`].
    ///
    /// # Errors
    /// Invalid customer columns: [`Error::InvalidValue`] naming the field and index;
    /// [`Error::Numerical`] naming the model and the first row whose value is not finite.
    fn probability_alive(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        self.check_histories(frequency, recency, t_cal)?;
        let out = by_rows(
            self,
            0.0,
            (frequency, recency, t_cal),
            |v| v.0,
            |x, t_x, t| self.probability_alive_at(x, t_x, t),
        );
        check_model_outputs(self, "probability_alive", &out)?;
        Ok(out)
    }

    /// P(alive) at T and the expected repeat purchases in `(T, T + horizon]` of every customer — the
    /// usual scoring step — validated once and computed in one pass (parallel with the `parallel`
    /// feature) of [`TransactionModel::probability_alive_and_expected_purchases_at`]. The values
    /// are those of [`TransactionModel::probability_alive`] and
    /// [`TransactionModel::conditional_expected_purchases`] (to rounding), at less than the cost
    /// of the two calls: one validation, one pass, P(alive) computed once per customer.
    ///
    /// # Formula
    /// Each model's own P(alive) and conditional expectation, e.g. for the BG/NBD Fader, Hardie &
    /// Lee (2005) eq. 10, `E[Y(t) | x, t_x, T] = E[Y(t) | alive at T] · P(alive)`; see the
    /// `# Formula` sections of `conditional_expected_purchases_with` and
    /// `probability_alive_with` of [`BgNbd`](super::BgNbd), [`MbgNbd`](super::MbgNbd) and
    /// [`ParetoNbd`](super::ParetoNbd).
    ///
    /// # Errors
    /// Invalid `horizon` ([`Error::InvalidValue`] `t`); empty columns ([`Error::Empty`]), columns of
    /// different lengths ([`Error::LengthMismatch`]), or an invalid customer
    /// ([`Error::InvalidValue`] naming the field and the first offending index);
    /// [`Error::Numerical`] as [`TransactionModel::conditional_expected_purchases`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{BgNbd, BgNbdParams, TransactionModel};
    /// let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
    /// let (x, t_x, t_cal) = ([0.0, 2.0, 7.0], [0.0, 30.43, 35.0], [38.86, 38.86, 38.86]);
    /// let (alive, expected) = m.probability_alive_and_expected_purchases(39.0, &x, &t_x, &t_cal)?;
    /// // Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    /// assert!((expected[1] - 1.226).abs() < 1e-3);
    /// let alone = m.probability_alive(&x, &t_x, &t_cal)?;
    /// assert!(alive.iter().zip(&alone).all(|(p, q)| (p - q).abs() <= 1e-12 * q));
    /// assert_eq!(alive[0], 1.0); // no repeat purchase: the BG/NBD says alive
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    fn probability_alive_and_expected_purchases(
        &self, horizon: f64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        self.check_horizon(horizon)?;
        self.check_histories(frequency, recency, t_cal)?;
        let plan = AliveExpectation::plan(self, horizon, frequency, t_cal);
        if plan.is_none() {
            if let Some(d) = DistinctRows::of(frequency, recency, t_cal) {
                let (alive, expected) = par_map2(d.first.len(), |j| {
                    let i = d.first[j];
                    self.probability_alive_and_expected_purchases_at(
                        horizon,
                        frequency[i],
                        recency[i],
                        t_cal[i],
                    )
                });
                let (alive, expected) = par_map2(frequency.len(), |i| {
                    let j = d.of_row[i] as usize;
                    (alive[j], expected[j])
                });
                check_model_outputs(self, "probability_alive", &alive)?;
                check_model_outputs(self, "conditional_expected_purchases", &expected)?;
                return Ok((alive, expected));
            }
        }
        let batch = plan
            .is_none()
            .then(|| self.scoring_batch(horizon, frequency, recency, t_cal))
            .flatten();
        let (alive, expected) = par_map2(frequency.len(), |i| {
            let (x, t_x, t) = (frequency[i], recency[i], t_cal[i]);
            if let Some(v) = batch.as_ref().and_then(|b| b(x, t_x, t)) {
                return v;
            }
            if let Some(g) = plan.as_ref().and_then(|p| p.at(x, t)) {
                let alive = self.probability_alive_at(x, t_x, t);
                return (alive, if alive == 0.0 { 0.0 } else { alive * g });
            }
            self.probability_alive_and_expected_purchases_at(horizon, x, t_x, t)
        });
        check_model_outputs(self, "probability_alive", &alive)?;
        check_model_outputs(self, "conditional_expected_purchases", &expected)?;
        Ok((alive, expected))
    }

    /// Vectorised [`TransactionModel::expected_purchases_new_customer_at`].
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`t`, index) for negative or non-finite horizons;
    /// [`Error::Numerical`] as [`TransactionModel::conditional_expected_purchases`].
    fn expected_purchases_new_customer(&self, horizon: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("t", horizon.len())?;
        check::non_negative("t", horizon)?;
        let out = par_map(horizon.len(), |i| self.expected_purchases_new_customer_at(horizon[i]));
        check_model_outputs(self, "expected_purchases_new_customer", &out)?;
        Ok(out)
    }

    /// Vectorised [`TransactionModel::log_likelihood_at`].
    ///
    /// # Errors
    /// Invalid customer columns: [`Error::InvalidValue`] naming the field and index.
    fn log_likelihood_individual(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        self.check_histories(frequency, recency, t_cal)?;
        Ok(par_map(frequency.len(), |i| self.log_likelihood_at(frequency[i], recency[i], t_cal[i])))
    }

    /// Expected cumulative repeat transactions of a cohort at calendar times `times` (the
    /// tracking curve): `Σ_i E[X(times_k − birth_i)]` over customers born before `times_k`.
    /// `birth` is each customer's first-purchase time on the same calendar axis.
    ///
    /// Customers with the same birth are counted together, and `E[X(·)]` is evaluated once per
    /// distinct age `times_k − birth` (births and times on a daily grid share a few hundred), in
    /// parallel; each time's sum runs over the births in increasing order, so the result does not
    /// depend on the number of threads.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for non-finite births or times (field `birth` / `times`);
    /// [`Error::Numerical`] as [`TransactionModel::conditional_expected_purchases`].
    fn expected_cumulative_transactions(&self, birth: &[f64], times: &[f64]) -> Result<Vec<f64>> {
        check::non_empty("birth", birth.len())?;
        check::non_empty("times", times.len())?;
        check::finite("birth", birth)?;
        check::finite("times", times)?;
        // Group identical births (cohorts usually share a few hundred distinct days).
        let groups = distinct_counts(birth);
        let ages = DistinctAges::of(&groups, times);
        let at = ages.as_ref().map(|a| {
            let e = par_map(a.ages.len(), |j| self.expected_purchases_new_customer_at(a.ages[j]));
            (a, e)
        });
        let out = par_map(times.len(), |k| {
            let c = times[k];
            groups
                .iter()
                .filter(|g| g.0 < c)
                .map(|g| {
                    let age = c - g.0;
                    let e = match &at {
                        Some((a, e)) => e[a.index[&age.to_bits()] as usize],
                        None => self.expected_purchases_new_customer_at(age),
                    };
                    g.1 * e
                })
                .sum()
        });
        check_model_outputs(self, "expected_cumulative_transactions", &out)?;
        Ok(out)
    }
}

/// The conditional expected purchases of every (validated) customer: P(alive) times the
/// interpolated expectation given alive where [`AliveExpectation`] has an interpolant for the
/// customer's frequency, the model's kernel elsewhere.
fn expected_purchases<M: TransactionModel + ?Sized>(
    m: &M, horizon: f64, (frequency, recency, t_cal): (&[f64], &[f64], &[f64]),
) -> Vec<f64> {
    let plan = AliveExpectation::plan(m, horizon, frequency, t_cal);
    if plan.is_none() {
        return by_rows(
            m,
            horizon,
            (frequency, recency, t_cal),
            |v| v.1,
            |x, t_x, t| m.conditional_expected_purchases_at(horizon, x, t_x, t),
        );
    }
    par_map(frequency.len(), |i| {
        let (x, t_x, t) = (frequency[i], recency[i], t_cal[i]);
        match plan.as_ref().and_then(|p| p.at(x, t)) {
            Some(g) => match m.probability_alive_at(x, t_x, t) {
                0.0 => 0.0,
                alive => alive * g,
            },
            None => m.conditional_expected_purchases_at(horizon, x, t_x, t),
        }
    })
}

/// `kernel(x, t_x, T)` of every customer, on the thread pool: once per distinct history when the
/// rows repeat ([`DistinctRows`]: the same values, bit for bit), else `pick` of the model's
/// [`TransactionModel::scoring_batch`] at `horizon` where it answers, else the kernel.
fn by_rows<M, F>(
    m: &M, horizon: f64, (frequency, recency, t_cal): (&[f64], &[f64], &[f64]),
    pick: fn((f64, f64)) -> f64, kernel: F,
) -> Vec<f64>
where
    M: TransactionModel + ?Sized,
    F: Fn(f64, f64, f64) -> f64 + Sync + Send,
{
    if let Some(d) = DistinctRows::of(frequency, recency, t_cal) {
        let v = par_map(d.first.len(), |j| {
            let i = d.first[j];
            kernel(frequency[i], recency[i], t_cal[i])
        });
        return par_map(frequency.len(), |i| v[d.of_row[i] as usize]);
    }
    let batch = m.scoring_batch(horizon, frequency, recency, t_cal);
    par_map(frequency.len(), |i| {
        let (x, t_x, t) = (frequency[i], recency[i], t_cal[i]);
        match batch.as_ref().and_then(|b| b(x, t_x, t)) {
            Some(v) => pick(v),
            None => kernel(x, t_x, t),
        }
    })
}

/// The distinct ages `time − birth > 0` of the tracking curve (see
/// [`TransactionModel::expected_cumulative_transactions`]), indexed by their bits; `None` when
/// there are more than [`MAX_DISTINCT_AGES`] (continuous births: each pair is then evaluated
/// directly).
struct DistinctAges {
    index: AgeIndex,
    ages: Vec<f64>,
}

/// Most distinct ages of a tracking curve that are tabulated.
const MAX_DISTINCT_AGES: usize = 1 << 20;

impl DistinctAges {
    fn of(groups: &[(f64, f64)], times: &[f64]) -> Option<DistinctAges> {
        let (mut index, mut ages) = (AgeIndex::default(), Vec::new());
        for &c in times {
            for g in groups.iter().filter(|g| g.0 < c) {
                let age = c - g.0;
                let next = ages.len() as u32;
                if *index.entry(age.to_bits()).or_insert(next) == next {
                    ages.push(age);
                    if ages.len() > MAX_DISTINCT_AGES {
                        return None;
                    }
                }
            }
        }
        Some(DistinctAges { index, ages })
    }
}

/// `interval` when its bounds are finite (the estimate was checked by the caller), else
/// [`Error::Numerical`] naming `what` and the first bad row.
fn checked_interval<M: TransactionModel + ?Sized>(
    m: &M, what: &str, interval: PredictionInterval,
) -> Result<PredictionInterval> {
    check_model_outputs(m, what, &interval.lower)?;
    check_model_outputs(m, what, &interval.upper)?;
    Ok(interval)
}

/// [`check_outputs`] for a model's predictions (a parallel scan first: the rows are searched one
/// by one only when some value is not finite).
fn check_model_outputs<M: TransactionModel + ?Sized>(
    m: &M, what: &str, values: &[f64],
) -> Result<()> {
    if all_finite(values) {
        return Ok(());
    }
    check_outputs(m.model_name(), m.param_names(), &m.params(), what, values)
}
