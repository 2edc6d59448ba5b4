//! The churn-risk table: the model's churn probability, a ranking score, bands, the at-risk flag,
//! the value at risk and a reason per customer.

use super::probability::{check_horizon, check_probabilities as check_outputs, NoPurchase};
use crate::error::{check, Error, Result};
use crate::loyalty::{
    check_counts, check_probabilities, check_summary, check_unit_interval, RiskBand,
};
use crate::parallel::{par_copy, par_map};
use crate::text::{push_number, render_column, TextColumn};

/// The columns [`churn_risk`] reads, one element per customer: the summary (`frequency`,
/// `recency`, `T` in one time unit) and the model's outputs over one horizon.
#[derive(Debug, Clone, Copy)]
pub struct ChurnInput<'a> {
    /// Repeat purchases (finite, ≥ 0).
    pub frequency: &'a [f64],
    /// Age at the last purchase (finite, ≥ 0, ≤ T).
    pub recency: &'a [f64],
    /// Age at the end of observation (finite, ≥ 0).
    pub t: &'a [f64],
    /// The horizon of `probability` and `expected_purchases`, in the summary's time unit
    /// (finite, > 0); it appears in the reasons.
    pub horizon: f64,
    /// P(no purchase in (T, T + horizon]) from [`super::churn_probability`] (or calibrated), in
    /// \[0, 1\].
    pub probability: &'a [f64],
    /// P(alive at T), in \[0, 1\].
    pub p_alive: &'a [f64],
    /// Expected purchases in (T, T + horizon] (finite, ≥ 0).
    pub expected_purchases: &'a [f64],
    /// Customer lifetime value (finite), for the value at risk; `None` without a spend model.
    pub clv: Option<&'a [f64]>,
}

/// Bands and the at-risk flag of [`churn_risk`], cut on the churn probability.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ChurnRiskOptions {
    /// Lower bound of the medium band (default 1/3; in (0, 1], ≤ `high_threshold`).
    pub medium_threshold: f64,
    /// Lower bound of the high band (default 2/3; in (0, 1]).
    pub high_threshold: f64,
    /// Probability at or above which a customer is flagged at risk (default 0.5: more likely
    /// to make no purchase in the horizon than to make one; in (0, 1]).
    pub at_risk_threshold: f64,
}

impl Default for ChurnRiskOptions {
    fn default() -> Self {
        ChurnRiskOptions {
            medium_threshold: 1.0 / 3.0,
            high_threshold: 2.0 / 3.0,
            at_risk_threshold: 0.5,
        }
    }
}

impl ChurnRiskOptions {
    /// Options with the given thresholds (`medium`, `high`, `at_risk`).
    pub fn new(medium_threshold: f64, high_threshold: f64, at_risk_threshold: f64) -> Self {
        ChurnRiskOptions { medium_threshold, high_threshold, at_risk_threshold }
    }

    /// Checks every option against its domain.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the option (see the field docs for the domains).
    pub fn validate(&self) -> Result<()> {
        check_unit_interval("medium_threshold", self.medium_threshold)?;
        check_unit_interval("high_threshold", self.high_threshold)?;
        check_unit_interval("at_risk_threshold", self.at_risk_threshold)?;
        if self.medium_threshold > self.high_threshold {
            return Err(Error::invalid(
                "medium_threshold",
                format!(
                    "must be <= high_threshold (got {} > {})",
                    self.medium_threshold, self.high_threshold
                ),
            ));
        }
        Ok(())
    }

    /// The band of a churn probability (a threshold is reached at equality).
    pub fn band(&self, probability: f64) -> RiskBand {
        if probability >= self.high_threshold {
            RiskBand::High
        } else if probability >= self.medium_threshold {
            RiskBand::Medium
        } else {
            RiskBand::Low
        }
    }
}

/// Churn probabilities, scores, bands, flags, values at risk and reasons, in input order.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ChurnRisk {
    probability: Vec<f64>,
    score: Vec<f64>,
    band: Vec<RiskBand>,
    at_risk: Vec<bool>,
    value_at_risk: Option<Vec<f64>>,
    p_alive: Vec<f64>,
    expected_purchases: Vec<f64>,
    since_last: Vec<f64>,
    horizon: f64,
}

impl ChurnRisk {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.score.len()
    }

    /// True when there are no customers (never, for a result of [`churn_risk`]).
    pub fn is_empty(&self) -> bool {
        self.score.is_empty()
    }

    /// P(no purchase in the horizon) of every customer, in \[0, 1\].
    pub fn probability(&self) -> &[f64] {
        &self.probability
    }

    /// The ranking score `exp(−E)`, E the expected purchases in the horizon, in (0, 1]: a
    /// higher score ranks a customer as likelier to churn (see [`churn_risk`]).
    pub fn score(&self) -> &[f64] {
        &self.score
    }

    /// The band of every customer's churn probability.
    pub fn band(&self) -> &[RiskBand] {
        &self.band
    }

    /// The at-risk flag of every customer.
    pub fn at_risk(&self) -> &[bool] {
        &self.at_risk
    }

    /// `probability × CLV` of every customer, when a CLV was given: whom to save first.
    pub fn value_at_risk(&self) -> Option<&[f64]> {
        self.value_at_risk.as_deref()
    }

    /// P(alive at T) of every customer, as given.
    pub fn p_alive(&self) -> &[f64] {
        &self.p_alive
    }

    /// Expected purchases in the horizon of every customer, as given.
    pub fn expected_purchases(&self) -> &[f64] {
        &self.expected_purchases
    }

    /// Time since the last purchase, `T − recency`, of every customer.
    pub fn since_last_purchase(&self) -> &[f64] {
        &self.since_last
    }

    /// The reason of customer `i`, naming the components, e.g. `P(no purchase in 39) = 0.83:
    /// P(alive) 0.62, expected purchases 0.21, 30 since the last purchase`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason(&self, i: usize) -> String {
        let mut s = String::with_capacity(112);
        s.push_str("P(no purchase in ");
        push_number(&mut s, self.horizon);
        s.push_str(") = ");
        push_number(&mut s, self.probability[i]);
        s.push_str(": P(alive) ");
        push_number(&mut s, self.p_alive[i]);
        s.push_str(", expected purchases ");
        push_number(&mut s, self.expected_purchases[i]);
        s.push_str(", ");
        push_number(&mut s, self.since_last[i]);
        s.push_str(" since the last purchase");
        s
    }

    /// Every customer's [`reason`](Self::reason), each distinct one written once a stretch of
    /// rows, on the thread pool ([`TextColumn`]).
    pub fn reason_texts(&self) -> TextColumn {
        let key = |i: usize| {
            [self.probability[i], self.p_alive[i], self.expected_purchases[i], self.since_last[i]]
                .map(f64::to_bits)
        };
        render_column(self.len(), key, |i| self.reason(i))
    }

    /// Number of customers in each band, in the order of [`RiskBand::ALL`].
    pub fn band_counts(&self) -> Vec<(RiskBand, usize)> {
        RiskBand::ALL
            .into_iter()
            .map(|b| (b, self.band.iter().filter(|&&x| x == b).count()))
            .collect()
    }
}

/// The churn-risk table of every customer from the model's outputs over one horizon.
///
/// # Formula
/// * `probability` is the given churn probability (the model's P(no purchase in the horizon),
///   [`super::churn_probability`], or its calibration on the user's own history);
/// * `score = exp(−E)`, E the expected purchases in the horizon: the ranking score. On CDNOW
///   (39-week holdout, churned = no purchase in it) it ranks the holdout better than the weeks
///   since the last purchase for the BG/NBD, MBG/NBD and Pareto/NBD (AUC 0.7725, 0.7728, 0.7787
///   against 0.7714), where the probability itself does not (0.757 for the BG/NBD: P(alive) of
///   one-time buyers is 1, so their probability follows their age alone); see docs/churn.md;
/// * band: `high` when `probability ≥ high_threshold`, `medium` when `≥ medium_threshold`, else
///   `low`; at risk when `probability ≥ at_risk_threshold`;
/// * `value_at_risk = probability × CLV` when a CLV is given.
///
/// # Errors
/// * [`Error::Empty`], [`Error::LengthMismatch`] for the columns;
/// * [`Error::InvalidValue`] naming the column and first row: a negative or non-finite summary
///   value, expected purchases or CLV, `recency > T`, a probability or P(alive) outside
///   \[0, 1\]; `horizon` not finite and > 0;
/// * [`Error::InvalidValue`] naming the option: see [`ChurnRiskOptions::validate`].
///
/// Work: O(n).
///
/// # Examples
/// ```
/// use cvm_core::churn::{churn_risk, ChurnInput, ChurnRiskOptions};
/// use cvm_core::loyalty::RiskBand;
/// let input = ChurnInput {
///     frequency: &[4.0, 3.0],
///     recency: &[20.0, 6.0],
///     t: &[25.0, 16.0],
///     horizon: 10.0,
///     probability: &[0.2, 0.9],
///     p_alive: &[0.95, 0.12],
///     expected_purchases: &[1.4, 0.05],
///     clv: Some(&[300.0, 80.0]),
/// };
/// let risk = churn_risk(&input, &ChurnRiskOptions::default())?;
/// assert_eq!(risk.band(), &[RiskBand::Low, RiskBand::High]);
/// assert_eq!(risk.at_risk(), &[false, true]);
/// assert!((risk.score()[1] - (-0.05f64).exp()).abs() < 1e-15);
/// assert_eq!(risk.value_at_risk().unwrap(), &[60.0, 72.0]);
/// assert_eq!(
///     risk.reason(1),
///     "P(no purchase in 10) = 0.9: P(alive) 0.12, expected purchases 0.05, 10 since the last purchase"
/// );
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn churn_risk(input: &ChurnInput<'_>, options: &ChurnRiskOptions) -> Result<ChurnRisk> {
    options.validate()?;
    let (f, r, t) = (input.frequency, input.recency, input.t);
    let n = check_summary(f, r, t)?;
    check::scalar_positive("horizon", input.horizon)?;
    check_probabilities("probability", n, Some(input.probability))?;
    check_model_outputs(input, n)?;
    let owned = [input.probability, input.p_alive, input.expected_purchases].map(par_copy);
    Ok(table((r, t, input.clv, input.horizon), options, owned))
}

/// The checks of the model's P(alive), expected purchases and CLV columns.
fn check_model_outputs(input: &ChurnInput<'_>, n: usize) -> Result<()> {
    check_probabilities("p_alive", n, Some(input.p_alive))?;
    check_counts("expected_purchases", n, Some(input.expected_purchases))?;
    if let Some(v) = input.clv {
        check::same_len("clv", n, v.len())?;
        check::finite("clv", v)?;
    }
    Ok(())
}

/// The table of checked columns: `owned` (`probability`, `p_alive`, `expected_purchases`) moved
/// in, the derived ones written on the thread pool from them and `(recency, T, CLV, horizon)`.
fn table(
    (r, t, clv, horizon): (&[f64], &[f64], Option<&[f64]>, f64), options: &ChurnRiskOptions,
    owned: [Vec<f64>; 3],
) -> ChurnRisk {
    let [probability, p_alive, expected_purchases] = owned;
    let (n, p, e) = (probability.len(), &probability, &expected_purchases);
    ChurnRisk {
        score: par_map(n, |i| (-e[i]).exp()),
        band: par_map(n, |i| options.band(p[i])),
        at_risk: par_map(n, |i| p[i] >= options.at_risk_threshold),
        value_at_risk: clv.map(|v| par_map(n, |i| v[i] * p[i])),
        since_last: par_map(n, |i| t[i] - r[i]),
        probability,
        p_alive,
        expected_purchases,
        horizon,
    }
}

/// [`churn_risk`] with the model's outputs computed from `model`: the churn probability
/// ([`super::churn_probability`]), P(alive) and the expected purchases over `horizon`.
///
/// # Errors
/// As [`super::churn_probability`] and [`churn_risk`].
///
/// Work: O(n) kernel calls (O(n · horizon) for the BG/BB).
///
/// # Examples
/// ```
/// use cvm_core::churn::{churn_risk_from_model, ChurnRiskOptions};
/// use cvm_core::models::{BgNbd, BgNbdParams};
/// let m = BgNbd::from_params(BgNbdParams { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 })?;
/// let risk = churn_risk_from_model(
///     &m, &[0.0, 6.0], &[0.0, 36.0], &[38.0, 38.0], 39.0, None, &ChurnRiskOptions::default())?;
/// // The frequent recent buyer is less likely to churn and ranks lower.
/// assert!(risk.probability()[1] < risk.probability()[0]);
/// assert!(risk.score()[1] < risk.score()[0]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn churn_risk_from_model<M: NoPurchase + ?Sized>(
    model: &M, frequency: &[f64], recency: &[f64], t_cal: &[f64], horizon: f64,
    clv: Option<&[f64]>, options: &ChurnRiskOptions,
) -> Result<ChurnRisk> {
    options.validate()?;
    model.check_histories(frequency, recency, t_cal)?;
    check_horizon(model, horizon)?;
    let probability = par_map(frequency.len(), |i| {
        model.probability_no_purchase_at(horizon, frequency[i], recency[i], t_cal[i])
    });
    let (p_alive, expected) = crate::parallel::par_map2(frequency.len(), |i| {
        model.transaction_model().probability_alive_and_expected_purchases_at(
            horizon,
            frequency[i],
            recency[i],
            t_cal[i],
        )
    });
    check_outputs(&probability)?;
    // The histories, the horizon and the probabilities are checked above.
    let input = ChurnInput {
        frequency,
        recency,
        t: t_cal,
        horizon,
        probability: &probability,
        p_alive: &p_alive,
        expected_purchases: &expected,
        clv,
    };
    check_model_outputs(&input, frequency.len())?;
    let summary = (recency, t_cal, clv, horizon);
    Ok(table(summary, options, [probability, p_alive, expected]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_typed() {
        let (f, r, t) = ([1.0, 2.0], [3.0, 5.0], [10.0, 10.0]);
        let base = ChurnInput {
            frequency: &f,
            recency: &r,
            t: &t,
            horizon: 5.0,
            probability: &[0.5, 0.5],
            p_alive: &[0.5, 0.5],
            expected_purchases: &[1.0, 1.0],
            clv: None,
        };
        let o = ChurnRiskOptions::default();
        assert!(churn_risk(&base, &o).is_ok());
        let cases: [(ChurnInput<'_>, &str, Option<usize>); 6] = [
            (ChurnInput { probability: &[0.5, 1.5], ..base }, "probability", Some(1)),
            (ChurnInput { p_alive: &[f64::NAN, 0.5], ..base }, "p_alive", Some(0)),
            (
                ChurnInput { expected_purchases: &[-0.1, 1.0], ..base },
                "expected_purchases",
                Some(0),
            ),
            (ChurnInput { recency: &[3.0, 11.0], ..base }, "recency", Some(1)),
            (ChurnInput { horizon: 0.0, ..base }, "horizon", None),
            (ChurnInput { clv: Some(&[1.0, f64::NAN]), ..base }, "clv", Some(1)),
        ];
        for (input, field, index) in cases {
            let e = churn_risk(&input, &o).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{field}");
        }
        let e = churn_risk(&ChurnInput { p_alive: &[0.5], ..base }, &o).unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { ref field, .. } if field == "p_alive"));
        let bad = [
            (ChurnRiskOptions::new(0.8, 2.0 / 3.0, 0.5), "medium_threshold"),
            (ChurnRiskOptions::new(1.0 / 3.0, 1.5, 0.5), "high_threshold"),
            (ChurnRiskOptions::new(1.0 / 3.0, 2.0 / 3.0, 0.0), "at_risk_threshold"),
            (ChurnRiskOptions::new(f64::NAN, 2.0 / 3.0, 0.5), "medium_threshold"),
        ];
        for (o, field) in bad {
            let e = churn_risk(&base, &o).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), None), "{field}");
        }
    }

    #[test]
    fn bands_reach_their_threshold_at_equality() {
        let o = ChurnRiskOptions::default();
        assert_eq!(o.band(1.0 / 3.0), RiskBand::Medium);
        assert_eq!(o.band(2.0 / 3.0), RiskBand::High);
        assert_eq!(o.band(0.3), RiskBand::Low);
    }
}
