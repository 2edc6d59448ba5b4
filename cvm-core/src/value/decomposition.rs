//! Customer value decomposition: realised + potential + influence value.

use crate::error::{check, Error, Result};
use crate::names::{normalize, text_form};

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
    /// score outside the scale or infinite, or missing (NaN) under [`MissingSatisfaction::Error`].
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
        self.scores
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                if s.is_nan() {
                    match self.missing {
                        MissingSatisfaction::NoInfluence => Ok(false),
                        MissingSatisfaction::Error => Err(Error::invalid_at(
                            "satisfaction",
                            i,
                            "is missing; an unknown satisfaction is not read as highly \
                             satisfied (pass missing = no_influence to give such customers no \
                             influence value)",
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
            .collect()
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

    /// Sum of realised value over customers.
    pub fn sum_realised(&self) -> f64 {
        self.realised.iter().sum()
    }

    /// Sum of potential value over customers.
    pub fn sum_potential(&self) -> f64 {
        self.potential.iter().sum()
    }

    /// Sum of influence value over customers.
    pub fn sum_influence(&self) -> f64 {
        self.influence.iter().sum()
    }

    /// Sum of total value over customers.
    pub fn sum_total(&self) -> f64 {
        self.total.iter().sum()
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
    /// # Errors
    /// As [`ValueDecomposition`].
    pub fn compute(&self) -> Result<Decomposition> {
        let n = self.n_customers()?;
        let realised = match self.realised {
            Realised::Zero => vec![0.0; n],
            Realised::Total(v) => {
                check::finite("realised", v)?;
                v.to_vec()
            }
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
                profit
                    .chunks_exact(n_periods)
                    .map(|row| row.iter().zip(&factor).map(|(p, f)| p * f).sum())
                    .collect()
            }
        };
        let potential = match self.potential {
            Potential::Zero => vec![0.0; n],
            Potential::Given(v) => {
                check::finite("potential", v)?;
                v.to_vec()
            }
            Potential::Cashflow(clv) => {
                let v = clv.compute()?;
                if v.len() == n {
                    v
                } else {
                    vec![v[0]; n]
                }
            }
        };
        let influence = match self.influence {
            Influence::Zero => vec![0.0; n],
            Influence::Given(v) => {
                check::finite("influence", v)?;
                v.to_vec()
            }
            Influence::Referrals { referrals, conversion, value } => {
                referral_values(n, referrals, conversion, value, None)?
            }
            Influence::SatisfiedReferrals { referrals, conversion, value, satisfaction } => {
                let gate = satisfaction.highly_satisfied()?;
                referral_values(n, referrals, conversion, value, Some(&gate))?
            }
        };
        let total: Vec<f64> = (0..n).map(|i| realised[i] + potential[i] + influence[i]).collect();
        for (field, v) in [
            ("realised", &realised),
            ("potential", &potential),
            ("influence", &influence),
            ("total", &total),
        ] {
            if let Some(i) = v.iter().position(|x| !x.is_finite()) {
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
    Ok((0..n)
        .map(|i| {
            if gate.is_some_and(|g| !g[i]) {
                0.0
            } else {
                referrals.get(i) * conversion.get(i) * value.get(i)
            }
        })
        .collect())
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
mod tests {
    use super::*;
    use crate::value::{Horizon, Series};
    use approx::assert_relative_eq;

    #[test]
    fn shared_cashflow_potential_is_broadcast() {
        let clv = CashflowClv::new(Series::Constant(100.0), 0.1, Horizon::Infinite);
        let clv = CashflowClv { retention: Series::Constant(0.8), ..clv };
        let d = ValueDecomposition {
            realised: Realised::Total(&[1.0, 2.0, 3.0]),
            potential: Potential::Cashflow(clv),
            ..Default::default()
        }
        .compute()
        .unwrap();
        for i in 0..3 {
            assert_relative_eq!(d.potential()[i], 100.0 / 0.3, max_relative = 1e-13);
            assert_relative_eq!(d.total()[i], 100.0 / 0.3 + (i + 1) as f64, max_relative = 1e-13);
        }
        assert_eq!(d.influence(), &[0.0; 3]);
    }

    #[test]
    fn per_customer_cashflow_potential_must_match() {
        let rev = [10.0, 20.0];
        let clv = CashflowClv::new(Series::PerCustomer(&rev), 0.0, Horizon::Periods(2));
        let ok = ValueDecomposition { potential: Potential::Cashflow(clv), ..Default::default() }
            .compute()
            .unwrap();
        assert_eq!(ok.potential(), &[20.0, 40.0]);
        assert_eq!(ok.realised(), &[0.0, 0.0]);
        let e = ValueDecomposition {
            realised: Realised::Total(&[1.0, 2.0, 3.0]),
            potential: Potential::Cashflow(clv),
            ..Default::default()
        }
        .compute()
        .unwrap_err();
        assert_eq!(e, Error::LengthMismatch { field: "potential".into(), expected: 3, got: 2 });
    }

    #[test]
    fn influence_counts_only_for_highly_satisfied_customers() {
        // 100 customers: satisfaction cycles 1..=5; each refers 3 people, 40 % convert, 250 each.
        let sat: Vec<f64> = (0..100).map(|i| f64::from(i % 5 + 1)).collect();
        let gated = |s: Satisfaction<'_>| {
            ValueDecomposition {
                influence: Influence::SatisfiedReferrals {
                    referrals: Scalar::Constant(3.0),
                    conversion: Scalar::Constant(0.4),
                    value: Scalar::Constant(250.0),
                    satisfaction: s,
                },
                ..Default::default()
            }
            .compute()
        };
        let d = gated(Satisfaction::new(&sat)).unwrap();
        for (i, &x) in d.influence().iter().enumerate() {
            let want = if sat[i] >= 4.0 { 3.0 * 0.4 * 250.0 } else { 0.0 };
            assert_eq!(x, want, "customer {i} satisfaction {}", sat[i]);
        }
        // Low satisfaction (<= 2): 40 customers, none with influence.
        let low = (0..100).filter(|&i| sat[i] <= 2.0).map(|i| d.influence()[i]).sum::<f64>();
        assert_eq!(low, 0.0);
        assert_relative_eq!(d.sum_influence(), 40.0 * 300.0, max_relative = 1e-15);
        // The plain form counts everyone.
        let plain = ValueDecomposition {
            influence: Influence::Referrals {
                referrals: Scalar::Constant(3.0),
                conversion: Scalar::Constant(0.4),
                value: Scalar::PerCustomer(&[250.0; 100]),
            },
            ..Default::default()
        }
        .compute()
        .unwrap();
        assert_relative_eq!(plain.sum_influence(), 100.0 * 300.0, max_relative = 1e-15);
        // Threshold 5 on the 1-5 scale, and a 0-10 scale with threshold 9.
        let top = gated(Satisfaction { threshold: 5.0, ..Satisfaction::new(&sat) }).unwrap();
        assert_relative_eq!(top.sum_influence(), 20.0 * 300.0, max_relative = 1e-15);
        let nps = [10.0, 9.0, 8.5, 0.0];
        let s = Satisfaction { min: 0.0, max: 10.0, threshold: 9.0, ..Satisfaction::new(&nps) };
        let v = 3.0 * 0.4 * 250.0;
        assert_eq!(gated(s).unwrap().influence(), &[v, v, 0.0, 0.0]);
    }

    #[test]
    fn missing_satisfaction_is_never_satisfied() {
        let sat = [5.0, f64::NAN, 4.0];
        let run = |missing| {
            ValueDecomposition {
                influence: Influence::SatisfiedReferrals {
                    referrals: Scalar::Constant(1.0),
                    conversion: Scalar::Constant(1.0),
                    value: Scalar::Constant(10.0),
                    satisfaction: Satisfaction { missing, ..Satisfaction::new(&sat) },
                },
                ..Default::default()
            }
            .compute()
        };
        let e = run(MissingSatisfaction::Error).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("satisfaction"), Some(1)));
        assert!(e.to_string().contains("no_influence"), "{e}");
        let d = run(MissingSatisfaction::NoInfluence).unwrap();
        assert_eq!(d.influence(), &[10.0, 0.0, 10.0]);
        assert_eq!("No-Influence".parse::<MissingSatisfaction>().unwrap().as_str(), "no_influence");
        assert!("satisfied".parse::<MissingSatisfaction>().is_err());
    }

    #[test]
    fn bad_satisfaction_is_a_typed_error() {
        let sat = [4.0, 6.0];
        let cases: [(Satisfaction<'_>, &str, Option<usize>); 5] = [
            (Satisfaction::new(&sat), "satisfaction", Some(1)),
            (
                Satisfaction { threshold: 5.5, ..Satisfaction::new(&[4.0]) },
                "satisfaction_threshold",
                None,
            ),
            (Satisfaction { min: 5.0, ..Satisfaction::new(&[4.0]) }, "satisfaction_scale", None),
            (
                Satisfaction { max: f64::NAN, ..Satisfaction::new(&[4.0]) },
                "satisfaction_scale",
                None,
            ),
            (Satisfaction::new(&[f64::INFINITY]), "satisfaction", Some(0)),
        ];
        for (s, field, index) in cases {
            let e = ValueDecomposition {
                influence: Influence::SatisfiedReferrals {
                    referrals: Scalar::Constant(1.0),
                    conversion: Scalar::Constant(1.0),
                    value: Scalar::Constant(1.0),
                    satisfaction: s,
                },
                ..Default::default()
            }
            .compute()
            .unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{s:?}");
        }
        let e = ValueDecomposition {
            realised: Realised::Total(&[1.0, 2.0, 3.0]),
            influence: Influence::SatisfiedReferrals {
                referrals: Scalar::Constant(1.0),
                conversion: Scalar::Constant(1.0),
                value: Scalar::Constant(1.0),
                satisfaction: Satisfaction::new(&sat),
            },
            ..Default::default()
        }
        .compute()
        .unwrap_err();
        assert_eq!(e, Error::LengthMismatch { field: "satisfaction".into(), expected: 3, got: 2 });
    }

    #[test]
    fn history_without_compounding_is_a_row_sum() {
        let d = ValueDecomposition {
            realised: Realised::History { profit: &[1.0, 2.0, 3.0, 4.0], n_periods: 2, rate: 0.0 },
            ..Default::default()
        }
        .compute()
        .unwrap();
        assert_eq!(d.realised(), &[3.0, 7.0]);
        assert_eq!(d.sum_realised(), 10.0);
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let x = [1.0, 2.0];
        let cases: Vec<(ValueDecomposition, &str, Option<usize>)> = vec![
            (
                ValueDecomposition {
                    realised: Realised::Total(&[1.0, f64::NAN]),
                    ..Default::default()
                },
                "realised",
                Some(1),
            ),
            (
                ValueDecomposition {
                    potential: Potential::Given(&[f64::NAN]),
                    ..Default::default()
                },
                "potential",
                Some(0),
            ),
            (
                ValueDecomposition {
                    influence: Influence::Given(&[1.0, f64::INFINITY]),
                    ..Default::default()
                },
                "influence",
                Some(1),
            ),
            (
                ValueDecomposition {
                    realised: Realised::History { profit: &x, n_periods: 1, rate: -1.0 },
                    ..Default::default()
                },
                "rate",
                None,
            ),
            (
                ValueDecomposition {
                    realised: Realised::History {
                        profit: &[1.0, 2.0, 3.0],
                        n_periods: 2,
                        rate: 0.0,
                    },
                    ..Default::default()
                },
                "realised",
                None,
            ),
            (
                ValueDecomposition {
                    influence: Influence::Referrals {
                        referrals: Scalar::PerCustomer(&[1.0, -1.0]),
                        conversion: Scalar::Constant(0.5),
                        value: Scalar::Constant(1.0),
                    },
                    ..Default::default()
                },
                "referrals",
                Some(1),
            ),
            (
                ValueDecomposition {
                    influence: Influence::Referrals {
                        referrals: Scalar::Constant(1.0),
                        conversion: Scalar::PerCustomer(&[0.5, 1.5]),
                        value: Scalar::Constant(1.0),
                    },
                    ..Default::default()
                },
                "conversion",
                Some(1),
            ),
            (
                ValueDecomposition {
                    realised: Realised::Total(&x),
                    influence: Influence::Referrals {
                        referrals: Scalar::Constant(1.0),
                        conversion: Scalar::Constant(0.5),
                        value: Scalar::PerCustomer(&[1.0]),
                    },
                    ..Default::default()
                },
                "value",
                None,
            ),
        ];
        for (d, field, index) in cases {
            let e = d.compute().unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{d:?}");
        }
        let e = ValueDecomposition { realised: Realised::Total(&[]), ..Default::default() }
            .compute()
            .unwrap_err();
        assert!(matches!(e, Error::Empty { .. }));
    }
}
