//! Customer value decomposition: realised + potential + influence value.

use crate::error::{check, Error, Result};
use crate::names::{normalize, text_form};
use crate::parallel;

use super::cashflow::CashflowClv;
use super::series::{merge_count, Scalar};

/// Realised value: the profit a customer has already brought.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Realised<'a> {
    /// No realised value (0 for everyone).
    Zero,
    /// Historical profit per customer, as is.
    Total(&'a [f64]),
    /// Profit per past period, compounded to today.
    ///
    /// `profit` is row-major `customers × n_periods`, oldest period first, the last column being
    /// the period that ends today. Column `j` (0-based) is compounded by
    /// `(1 + rate)^(n_periods − 1 − j)`: `realised = Σ_j profit_j (1 + rate)^(n_periods − 1 − j)`.
    History {
        /// Past profit, row-major, oldest period first.
        profit: &'a [f64],
        /// Number of past periods (columns).
        n_periods: usize,
        /// Compounding rate per period (`> −1`; 0 = no compounding).
        rate: f64,
    },
}

/// Potential value: the expected future value of a customer.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Potential<'a> {
    /// No potential value (0 for everyone).
    Zero,
    /// Given per customer (e.g. the expected residual lifetime value from a fitted lifetime and
    /// spend model).
    Given(&'a [f64]),
    /// From the cash-flow model (shared inputs give every customer the same value).
    Cashflow(CashflowClv<'a>),
}

/// Influence value: the value a customer brings through referrals and word of mouth.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Influence<'a> {
    /// No influence value (0 for everyone).
    Zero,
    /// Given per customer.
    Given(&'a [f64]),
    /// The plain referral form, counted for every customer whatever their satisfaction:
    /// `referrals × conversion × value`: number of people the customer refers (≥ 0), share of
    /// them who become customers (in `[0, 1]`), and the value of a referred customer (finite).
    /// The method's form is [`Influence::SatisfiedReferrals`].
    Referrals {
        /// People referred.
        referrals: Scalar<'a>,
        /// Conversion rate of the referred.
        conversion: Scalar<'a>,
        /// Value of one converted referral.
        value: Scalar<'a>,
    },
    /// The method's form (`seeds/000:9`): `referrals × conversion × value` for customers who are
    /// highly satisfied (`satisfaction ≥ threshold`), 0 for the others.
    SatisfiedReferrals {
        /// People referred.
        referrals: Scalar<'a>,
        /// Conversion rate of the referred.
        conversion: Scalar<'a>,
        /// Value of one converted referral.
        value: Scalar<'a>,
        /// Satisfaction scores and the threshold of "highly satisfied".
        satisfaction: Satisfaction<'a>,
    },
}

/// What [`Satisfaction`] does with a missing score (NaN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MissingSatisfaction {
    /// A missing score is an error naming the row (default): an unknown satisfaction is never
    /// read as "highly satisfied".
    #[default]
    Error,
    /// A customer without a score has no influence value (unknown is not highly satisfied).
    NoInfluence,
}

impl MissingSatisfaction {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["error", "no_influence"];

    /// `"error"` or `"no_influence"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingSatisfaction::Error => "error",
            MissingSatisfaction::NoInfluence => "no_influence",
        }
    }
}

text_form!(MissingSatisfaction, "missing", |text| match normalize(text, &['-']).as_str() {
    "error" => Some(MissingSatisfaction::Error),
    "no_influence" => Some(MissingSatisfaction::NoInfluence),
    _ => None,
});

/// Customer satisfaction scores and the threshold of "highly satisfied" (`seeds/000:9`: influence
/// value arises when customers are highly satisfied, 当客户高度满意时).
///
/// A customer is highly satisfied when `score ≥ threshold`. Scores are on the closed scale
/// `[min, max]`; the default, [`Satisfaction::new`], is the common 1–5 survey scale with the
/// threshold 4 ("satisfied" or "very satisfied"). A missing score is NaN, handled by `missing`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Satisfaction<'a> {
    /// One score per customer (NaN = missing).
    pub scores: &'a [f64],
    /// Lowest score of the scale. Default 1.
    pub min: f64,
    /// Highest score of the scale. Default 5.
    pub max: f64,
    /// Lowest score that counts as highly satisfied, in `[min, max]`. Default 4.
    pub threshold: f64,
    /// Policy for missing scores. Default [`MissingSatisfaction::Error`].
    pub missing: MissingSatisfaction,
}

impl<'a> Satisfaction<'a> {
    /// Scores on a 1–5 scale, highly satisfied from 4, a missing score an error.
    pub fn new(scores: &'a [f64]) -> Self {
        Satisfaction {
            scores,
            min: 1.0,
            max: 5.0,
            threshold: 4.0,
            missing: MissingSatisfaction::Error,
        }
    }

    /// Whether each customer is highly satisfied.
    ///
    /// # Errors
    /// [`Error::InvalidValue`]: `satisfaction_scale` when `min < max` does not hold or either is
    /// not finite; `satisfaction_threshold` outside `[min, max]`; `satisfaction` (index) for a
    /// score outside the scale or infinite, or missing (NaN) under [`MissingSatisfaction::Error`];
    /// the first offending customer is named.
    ///
    /// The customers are read on the thread pool from 1,025 customers (tasks of 1,024).
    pub fn highly_satisfied(&self) -> Result<Vec<bool>> {
        let (min, max, t) = (self.min, self.max, self.threshold);
        if !(min.is_finite() && max.is_finite() && min < max) {
            return Err(Error::invalid(
                "satisfaction_scale",
                format!("must be finite with min < max (got {min} to {max})"),
            ));
        }
        if !(min..=max).contains(&t) {
            return Err(Error::invalid(
                "satisfaction_threshold",
                format!("must lie on the scale {min} to {max} (got {t})"),
            ));
        }
        parallel::par_try_map(self.scores.len(), |i| {
            let s = self.scores[i];
            if s.is_nan() {
                match self.missing {
                    MissingSatisfaction::NoInfluence => Ok(false),
                    MissingSatisfaction::Error => Err(Error::invalid_at(
                        "satisfaction",
                        i,
                        "is missing; an unknown satisfaction is not read as highly satisfied \
                         (pass missing = no_influence to give such customers no influence value)",
                    )),
                }
            } else if (min..=max).contains(&s) {
                Ok(s >= t)
            } else {
                Err(Error::invalid_at(
                    "satisfaction",
                    i,
                    format!("must lie on the scale {min} to {max} (got {s})"),
                ))
            }
        })
    }
}

/// The components of a customer's value.
///
/// # Formula
/// `total = realised + potential + influence` per customer (`seeds/000:9`: 既成, 潜在 and 影响
/// value). Influence value by referrals follows the customer referral value of Kumar, Petersen &
/// Leone (2007), *How valuable is word of mouth?*, Harvard Business Review 85(10): referred
/// customers who convert, times their value. The method counts it only for highly satisfied
/// customers ([`Influence::SatisfiedReferrals`]); [`Influence::Referrals`] is the plain form.
///
/// # Errors
/// From [`ValueDecomposition::compute`]: [`Error::Empty`] for an empty slice;
/// [`Error::LengthMismatch`] when the per-customer inputs disagree on the number of customers
/// (the first per-customer input, in the order realised, potential, influence, sets it);
/// [`Error::InvalidValue`] for NaN or infinite values (`realised`, `potential`, `influence`,
/// `value`, with index), negative `referrals`, `conversion` outside `[0, 1]`, the errors of
/// [`Satisfaction::highly_satisfied`], a compounding
/// `rate ≤ −1`, a history whose length is not a multiple of `n_periods`; the errors of
/// [`CashflowClv`]; [`Error::Numerical`] when a value overflows.
///
/// # Examples
/// ```
/// use cvm_core::value::{Influence, Potential, Realised, Satisfaction, Scalar, ValueDecomposition};
/// // Two customers, three past years of profit each (oldest first), compounded at 10 %.
/// let history = [100.0, 100.0, 100.0, 0.0, 50.0, 200.0];
/// let d = ValueDecomposition {
///     realised: Realised::History { profit: &history, n_periods: 3, rate: 0.1 },
///     potential: Potential::Given(&[400.0, 900.0]),
///     influence: Influence::SatisfiedReferrals {
///         referrals: Scalar::PerCustomer(&[2.0, 0.0]),
///         conversion: Scalar::Constant(0.25),
///         value: Scalar::Constant(300.0),
///         satisfaction: Satisfaction::new(&[5.0, 4.0]),   // 1–5 scale, highly satisfied ≥ 4
///     },
/// }
/// .compute()?;
/// assert!((d.realised()[0] - 331.0).abs() < 1e-9);   // 121 + 110 + 100
/// assert!((d.realised()[1] - 255.0).abs() < 1e-9);   // 0 + 55 + 200
/// assert_eq!(d.influence(), &[150.0, 0.0]);           // 2 × 0.25 × 300
/// assert!((d.total()[0] - 881.0).abs() < 1e-9);
/// assert!((d.sum_total() - 2036.0).abs() < 1e-9);
///
/// // A dissatisfied referrer (2 of 5) brings no influence value.
/// let d = ValueDecomposition {
///     influence: Influence::SatisfiedReferrals {
///         referrals: Scalar::PerCustomer(&[2.0, 4.0]),
///         conversion: Scalar::Constant(0.25),
///         value: Scalar::Constant(300.0),
///         satisfaction: Satisfaction::new(&[2.0, 4.5]),
///     },
///     ..Default::default()
/// }
/// .compute()?;
/// assert_eq!(d.influence(), &[0.0, 300.0]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueDecomposition<'a> {
    /// Realised value. Default [`Realised::Zero`].
    pub realised: Realised<'a>,
    /// Potential value. Default [`Potential::Zero`].
    pub potential: Potential<'a>,
    /// Influence value. Default [`Influence::Zero`].
    pub influence: Influence<'a>,
}

impl Default for ValueDecomposition<'_> {
    fn default() -> Self {
        ValueDecomposition {
            realised: Realised::Zero,
            potential: Potential::Zero,
            influence: Influence::Zero,
        }
    }
}

/// Per-customer value components; see [`ValueDecomposition`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Decomposition {
    realised: Vec<f64>,
    potential: Vec<f64>,
    influence: Vec<f64>,
    total: Vec<f64>,
}

impl Decomposition {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.total.len()
    }

    /// Always `false`: there is at least one customer.
    pub fn is_empty(&self) -> bool {
        self.total.is_empty()
    }

    /// Realised value per customer.
    pub fn realised(&self) -> &[f64] {
        &self.realised
    }

    /// Potential value per customer.
    pub fn potential(&self) -> &[f64] {
        &self.potential
    }

    /// Influence value per customer.
    pub fn influence(&self) -> &[f64] {
        &self.influence
    }

    /// Total value per customer.
    pub fn total(&self) -> &[f64] {
        &self.total
    }

    /// Sum of realised value over customers (in chunks of 16,384 customers on the thread pool,
    /// added in chunk order: the same whatever the number of threads).
    pub fn sum_realised(&self) -> f64 {
        ordered_sum(&self.realised)
    }

    /// Sum of potential value over customers (in chunks of 16,384 customers on the thread pool,
    /// added in chunk order: the same whatever the number of threads).
    pub fn sum_potential(&self) -> f64 {
        ordered_sum(&self.potential)
    }

    /// Sum of influence value over customers (in chunks of 16,384 customers on the thread pool,
    /// added in chunk order: the same whatever the number of threads).
    pub fn sum_influence(&self) -> f64 {
        ordered_sum(&self.influence)
    }

    /// Sum of total value over customers (in chunks of 16,384 customers on the thread pool,
    /// added in chunk order: the same whatever the number of threads).
    pub fn sum_total(&self) -> f64 {
        ordered_sum(&self.total)
    }
}

impl ValueDecomposition<'_> {
    /// Number of customers: the common length of the per-customer inputs, or 1 when every input
    /// is shared.
    ///
    /// # Errors
    /// As [`ValueDecomposition`].
    pub fn n_customers(&self) -> Result<usize> {
        let mut n = None;
        match self.realised {
            Realised::Zero => {}
            Realised::Total(v) => {
                check::non_empty("realised", v.len())?;
                n = Some(v.len());
            }
            Realised::History { profit, n_periods, .. } => {
                if n_periods == 0 {
                    return Err(Error::invalid("n_periods", "must be >= 1"));
                }
                check::non_empty("realised", profit.len())?;
                if !profit.len().is_multiple_of(n_periods) {
                    return Err(Error::invalid(
                        "realised",
                        format!(
                            "length {} is not a multiple of n_periods = {n_periods}",
                            profit.len()
                        ),
                    ));
                }
                n = Some(profit.len() / n_periods);
            }
        }
        match self.potential {
            Potential::Zero => {}
            Potential::Given(v) => {
                check::non_empty("potential", v.len())?;
                merge_count(&mut n, "potential", Some(v.len()))?;
            }
            Potential::Cashflow(clv) => {
                let m = clv.n_customers()?;
                // A model of shared inputs describes any number of customers.
                if !clv_is_shared(&clv) {
                    merge_count(&mut n, "potential", Some(m))?;
                }
            }
        }
        match self.influence {
            Influence::Zero => {}
            Influence::Given(v) => {
                check::non_empty("influence", v.len())?;
                merge_count(&mut n, "influence", Some(v.len()))?;
            }
            Influence::Referrals { referrals, conversion, value } => {
                merge_referral_counts(&mut n, referrals, conversion, value)?;
            }
            Influence::SatisfiedReferrals { referrals, conversion, value, satisfaction } => {
                merge_referral_counts(&mut n, referrals, conversion, value)?;
                check::non_empty("satisfaction", satisfaction.scores.len())?;
                merge_count(&mut n, "satisfaction", Some(satisfaction.scores.len()))?;
            }
        }
        Ok(n.unwrap_or(1))
    }

    /// The per-customer components and totals.
    ///
    /// The per-customer work runs on the thread pool: the checks of the inputs (from 16,384
    /// customers), the copies of given values (from 65,536), the compounded history, the
    /// referral values and the totals (from 256; satisfaction as
    /// [`Satisfaction::highly_satisfied`], a cash-flow potential as [`CashflowClv::compute`]).
    /// Every value is the same whatever the number of threads.
    ///
    /// # Errors
    /// As [`ValueDecomposition`].
    pub fn compute(&self) -> Result<Decomposition> {
        let n = self.n_customers()?;
        let realised = match self.realised {
            Realised::Zero => vec![0.0; n],
            Realised::Total(v) => finite_copy("realised", v)?,
            Realised::History { profit, n_periods, rate } => {
                if !(rate.is_finite() && rate > -1.0) {
                    return Err(Error::invalid(
                        "rate",
                        format!("must be finite and > -1 (got {rate})"),
                    ));
                }
                check::finite("realised", profit)?;
                let growth = rate.ln_1p();
                let factor: Vec<f64> =
                    (0..n_periods).map(|j| ((n_periods - 1 - j) as f64 * growth).exp()).collect();
                parallel::par_map(n, |i| {
                    let row = &profit[i * n_periods..(i + 1) * n_periods];
                    row.iter().zip(&factor).map(|(p, f)| p * f).sum()
                })
            }
        };
        let potential = match self.potential {
            Potential::Zero => vec![0.0; n],
            Potential::Given(v) => finite_copy("potential", v)?,
            Potential::Cashflow(clv) => {
                let v = clv.compute()?;
                if v.len() == n {
                    v
                } else {
                    parallel::par_repeat(v[0], n)
                }
            }
        };
        let influence = match self.influence {
            Influence::Zero => vec![0.0; n],
            Influence::Given(v) => finite_copy("influence", v)?,
            Influence::Referrals { referrals, conversion, value } => {
                referral_values(n, referrals, conversion, value, None)?
            }
            Influence::SatisfiedReferrals { referrals, conversion, value, satisfaction } => {
                let gate = satisfaction.highly_satisfied()?;
                referral_values(n, referrals, conversion, value, Some(&gate))?
            }
        };
        let total = parallel::par_map(n, |i| realised[i] + potential[i] + influence[i]);
        for (field, v) in [
            ("realised", &realised),
            ("potential", &potential),
            ("influence", &influence),
            ("total", &total),
        ] {
            if let Some(i) = check::first_bad(v, f64::is_finite) {
                return Err(Error::Numerical {
                    context: "customer value decomposition".into(),
                    reason: format!("the {field} value of customer {i} overflows"),
                });
            }
        }
        Ok(Decomposition { realised, potential, influence, total })
    }
}

fn merge_referral_counts(
    n: &mut Option<usize>, referrals: Scalar<'_>, conversion: Scalar<'_>, value: Scalar<'_>,
) -> Result<()> {
    merge_count(n, "referrals", referrals.n_customers("referrals")?)?;
    merge_count(n, "conversion", conversion.n_customers("conversion")?)?;
    merge_count(n, "value", value.n_customers("value")?)
}

/// `referrals × conversion × value` per customer, 0 where `gate` is false.
fn referral_values(
    n: usize, referrals: Scalar<'_>, conversion: Scalar<'_>, value: Scalar<'_>,
    gate: Option<&[bool]>,
) -> Result<Vec<f64>> {
    referrals
        .check_values("referrals", "must be finite and >= 0", |x| x.is_finite() && x >= 0.0)?;
    conversion.check_values("conversion", "must be a probability in [0, 1]", |x| {
        (0.0..=1.0).contains(&x)
    })?;
    value.check_values("value", "must be finite", f64::is_finite)?;
    Ok(parallel::par_map(n, |i| {
        if gate.is_some_and(|g| !g[i]) {
            0.0
        } else {
            referrals.get(i) * conversion.get(i) * value.get(i)
        }
    }))
}

/// A copy of `v` after checking that every value is finite (the check and the copy on the
/// thread pool from 16,384 and 65,536 values).
fn finite_copy(field: &str, v: &[f64]) -> Result<Vec<f64>> {
    check::finite(field, v)?;
    Ok(parallel::par_copy(v))
}

/// Customers per chunk of [`ordered_sum`].
const SUM_CHUNK: usize = 1 << 14;

/// The sum of `v` in chunks of [`SUM_CHUNK`] values (each chunk a task on the thread pool),
/// added in chunk order: the same whatever the threads, and the plain sum up to one chunk.
fn ordered_sum(v: &[f64]) -> f64 {
    let chunks = v.len().div_ceil(SUM_CHUNK);
    let part = |c: usize| v[c * SUM_CHUNK..v.len().min((c + 1) * SUM_CHUNK)].iter().sum::<f64>();
    parallel::par_tasks(chunks, part).into_iter().sum()
}

/// `true` when no input of the cash-flow model is per customer.
fn clv_is_shared(clv: &CashflowClv<'_>) -> bool {
    use super::series::Series;
    let shared = |s: &Series<'_>| matches!(s, Series::Constant(_) | Series::Schedule(_));
    shared(&clv.revenue)
        && shared(&clv.cost)
        && shared(&clv.margin)
        && shared(&clv.retention)
        && matches!(clv.acquisition_cost, Scalar::Constant(_))
}

#[cfg(test)]
#[path = "decomposition_tests.rs"]
mod tests;
