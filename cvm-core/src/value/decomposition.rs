//! Customer value decomposition: realised + potential + influence value.

use crate::error::{check, Error, Result};

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
    /// `referrals × conversion × value`: number of people the customer refers (≥ 0), share of
    /// them who become customers (in `[0, 1]`), and the value of a referred customer (finite).
    Referrals {
        /// People referred.
        referrals: Scalar<'a>,
        /// Conversion rate of the referred.
        conversion: Scalar<'a>,
        /// Value of one converted referral.
        value: Scalar<'a>,
    },
}

/// The components of a customer's value.
///
/// # Formula
/// `total = realised + potential + influence` per customer. Influence value by referrals follows
/// the customer referral value of Kumar, Petersen & Leone (2007), *How valuable is word of
/// mouth?*, Harvard Business Review 85(10): referred customers who convert, times their value.
///
/// # Errors
/// From [`ValueDecomposition::compute`]: [`Error::Empty`] for an empty slice;
/// [`Error::LengthMismatch`] when the per-customer inputs disagree on the number of customers
/// (the first per-customer input, in the order realised, potential, influence, sets it);
/// [`Error::InvalidValue`] for NaN or infinite values (`realised`, `potential`, `influence`,
/// `value`, with index), negative `referrals`, `conversion` outside `[0, 1]`, a compounding
/// `rate ≤ −1`, a history whose length is not a multiple of `n_periods`; the errors of
/// [`CashflowClv`]; [`Error::Numerical`] when a value overflows.
///
/// # Examples
/// ```
/// use cvm_core::value::{Influence, Potential, Realised, Scalar, ValueDecomposition};
/// // Two customers, three past years of profit each (oldest first), compounded at 10 %.
/// let history = [100.0, 100.0, 100.0, 0.0, 50.0, 200.0];
/// let d = ValueDecomposition {
///     realised: Realised::History { profit: &history, n_periods: 3, rate: 0.1 },
///     potential: Potential::Given(&[400.0, 900.0]),
///     influence: Influence::Referrals {
///         referrals: Scalar::PerCustomer(&[2.0, 0.0]),
///         conversion: Scalar::Constant(0.25),
///         value: Scalar::Constant(300.0),
///     },
/// }
/// .compute()?;
/// assert!((d.realised()[0] - 331.0).abs() < 1e-9);   // 121 + 110 + 100
/// assert!((d.realised()[1] - 255.0).abs() < 1e-9);   // 0 + 55 + 200
/// assert_eq!(d.influence(), &[150.0, 0.0]);           // 2 × 0.25 × 300
/// assert!((d.total()[0] - 881.0).abs() < 1e-9);
/// assert!((d.sum_total() - 2036.0).abs() < 1e-9);
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
                merge_count(&mut n, "referrals", referrals.n_customers("referrals")?)?;
                merge_count(&mut n, "conversion", conversion.n_customers("conversion")?)?;
                merge_count(&mut n, "value", value.n_customers("value")?)?;
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
                referrals.check_values("referrals", "must be finite and >= 0", |x| {
                    x.is_finite() && x >= 0.0
                })?;
                conversion.check_values("conversion", "must be a probability in [0, 1]", |x| {
                    (0.0..=1.0).contains(&x)
                })?;
                value.check_values("value", "must be finite", f64::is_finite)?;
                (0..n).map(|i| referrals.get(i) * conversion.get(i) * value.get(i)).collect()
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
