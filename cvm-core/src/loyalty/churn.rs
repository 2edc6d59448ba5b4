//! Churn risk and the churn taxonomy.

use std::fmt;

use super::{check_counts, check_len, check_probabilities, check_summary, check_unit_interval};
use crate::error::{check, Error, Result};

/// Risk band of a churn-risk score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RiskBand {
    /// Score below [`ChurnRiskOptions::medium_threshold`].
    Low,
    /// Score from the medium threshold up to (excluding) [`ChurnRiskOptions::high_threshold`].
    Medium,
    /// Score at or above the high threshold.
    High,
}

impl RiskBand {
    /// Every band, lowest first.
    pub const ALL: [RiskBand; 3] = [RiskBand::Low, RiskBand::Medium, RiskBand::High];

    /// The spellings [`RiskBand::parse`] accepts.
    pub const NAMES: &'static [&'static str] = &["low", "medium", "high"];

    /// `"low"`, `"medium"` or `"high"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskBand::Low => "low",
            RiskBand::Medium => "medium",
            RiskBand::High => "high",
        }
    }

    /// Parses `"low"`, `"medium"`, `"high"` (any case).
    ///
    /// # Errors
    /// [`Error::UnknownName`] naming `field`.
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        let norm = text.trim().to_ascii_lowercase();
        RiskBand::ALL
            .into_iter()
            .find(|b| b.as_str() == norm)
            .ok_or_else(|| Error::unknown_name(field, text, Self::NAMES))
    }
}

impl fmt::Display for RiskBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The columns [`churn_risk`] reads, one element per customer: the summary (`frequency`,
/// `recency`, `T` in one time unit) and, optionally, model outputs.
#[derive(Debug, Clone, Copy)]
pub struct ChurnInput<'a> {
    /// Repeat purchases (finite, ≥ 0).
    pub frequency: &'a [f64],
    /// Age at the last purchase (finite, ≥ 0, ≤ T; > 0 when `frequency` > 0).
    pub recency: &'a [f64],
    /// Age at the end of observation (finite, ≥ 0).
    pub t: &'a [f64],
    /// P(alive) from a fitted lifetime model, in \[0, 1\] (NaN is an error).
    pub p_alive: Option<&'a [f64]>,
    /// Expected purchases over a horizon of the caller's choice, from a fitted model (finite,
    /// ≥ 0).
    pub expected_purchases: Option<&'a [f64]>,
}

impl<'a> ChurnInput<'a> {
    /// The summary columns alone.
    pub fn new(frequency: &'a [f64], recency: &'a [f64], t: &'a [f64]) -> Self {
        ChurnInput { frequency, recency, t, p_alive: None, expected_purchases: None }
    }
}

/// Weights, thresholds and the rhythm fallback of [`churn_risk`]; see its `# Formula`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChurnRiskOptions {
    /// Weight of `1 − P(alive)` (default 0.5; finite, ≥ 0).
    pub weight_p_alive: f64,
    /// Weight of the expected-purchases shortfall (default 0.25; finite, ≥ 0).
    pub weight_expected: f64,
    /// Weight of the overdue component (default 0.25; finite, ≥ 0).
    pub weight_overdue: f64,
    /// Expected purchases at or above which the shortfall is 0 (default 1; finite, > 0).
    pub expected_purchases_min: f64,
    /// Overdue ratio at which the overdue component reaches 1 (default 3 — three of the
    /// customer's own inter-purchase intervals without a purchase; finite, > 1).
    pub overdue_saturation: f64,
    /// Inter-purchase interval of customers without repeat purchases (`frequency` = 0), in the
    /// summary's time unit (default `None`: the median `recency / frequency` of the customers
    /// with repeat purchases; finite, > 0).
    pub fallback_interval: Option<f64>,
    /// Lower bound of the medium band (default 1/3; in (0, 1], ≤ `high_threshold`).
    pub medium_threshold: f64,
    /// Lower bound of the high band (default 2/3; in (0, 1]).
    pub high_threshold: f64,
    /// Score at or above which a customer is flagged at risk (default 0.5; in (0, 1]).
    pub at_risk_threshold: f64,
}

impl Default for ChurnRiskOptions {
    fn default() -> Self {
        ChurnRiskOptions {
            weight_p_alive: 0.5,
            weight_expected: 0.25,
            weight_overdue: 0.25,
            expected_purchases_min: 1.0,
            overdue_saturation: 3.0,
            fallback_interval: None,
            medium_threshold: 1.0 / 3.0,
            high_threshold: 2.0 / 3.0,
            at_risk_threshold: 0.5,
        }
    }
}

impl ChurnRiskOptions {
    /// Checks every option against its domain.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the option (see the field docs for the domains).
    pub fn validate(&self) -> Result<()> {
        check::scalar_non_negative("weight_p_alive", self.weight_p_alive)?;
        check::scalar_non_negative("weight_expected", self.weight_expected)?;
        check::scalar_non_negative("weight_overdue", self.weight_overdue)?;
        check::scalar_positive("expected_purchases_min", self.expected_purchases_min)?;
        if !(self.overdue_saturation.is_finite() && self.overdue_saturation > 1.0) {
            return Err(Error::invalid(
                "overdue_saturation",
                format!("must be finite and > 1 (got {})", self.overdue_saturation),
            ));
        }
        if let Some(x) = self.fallback_interval {
            check::scalar_positive("fallback_interval", x)?;
        }
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

    /// The band of a score.
    pub fn band(&self, score: f64) -> RiskBand {
        if score >= self.high_threshold {
            RiskBand::High
        } else if score >= self.medium_threshold {
            RiskBand::Medium
        } else {
            RiskBand::Low
        }
    }
}

/// Churn-risk scores, bands and flags, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnRisk {
    score: Vec<f64>,
    band: Vec<RiskBand>,
    at_risk: Vec<bool>,
    overdue_ratio: Vec<f64>,
    fallback_interval: f64,
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

    /// The risk score of every customer, in \[0, 1\].
    pub fn score(&self) -> &[f64] {
        &self.score
    }

    /// The band of every customer.
    pub fn band(&self) -> &[RiskBand] {
        &self.band
    }

    /// The at-risk flag of every customer.
    pub fn at_risk(&self) -> &[bool] {
        &self.at_risk
    }

    /// The overdue ratio `(T − recency) / interval` of every customer.
    pub fn overdue_ratio(&self) -> &[f64] {
        &self.overdue_ratio
    }

    /// The interval used for customers without repeat purchases.
    pub fn fallback_interval(&self) -> f64 {
        self.fallback_interval
    }

    /// Number of customers in each band, in the order of [`RiskBand::ALL`].
    pub fn band_counts(&self) -> Vec<(RiskBand, usize)> {
        RiskBand::ALL
            .into_iter()
            .map(|b| (b, self.band.iter().filter(|&&x| x == b).count()))
            .collect()
    }
}

/// Scores every customer's churn risk.
///
/// # Formula
/// A documented weighted score of this crate (no single published form). With the customer's
/// own purchase rhythm — the mean inter-purchase time `interval = recency / frequency` (for
/// `frequency = 0` the [`ChurnRiskOptions::fallback_interval`]) — the *overdue ratio* is
/// `ρ = (T − recency) / interval`: the number of the customer's own intervals since their last
/// purchase. Three components in \[0, 1\]:
///
/// * `a = 1 − P(alive)` (when `p_alive` is given);
/// * `b = max(0, 1 − E / expected_purchases_min)`, the shortfall of the expected purchases `E`
///   (when `expected_purchases` is given);
/// * `c = clamp((ρ − 1) / (overdue_saturation − 1), 0, 1)`: 0 while the next purchase is not yet
///   due, 1 at `overdue_saturation` intervals.
///
/// `score = (w_a·a + w_b·b + w_c·c) / (w_a + w_b + w_c)`, summing over the components that are
/// available (a missing column drops its term and its weight). Band: `high` when
/// `score ≥ high_threshold`, `medium` when `score ≥ medium_threshold`, else `low`; flagged at
/// risk when `score ≥ at_risk_threshold`.
///
/// # Errors
/// * [`Error::Empty`], [`Error::LengthMismatch`] as for the summary columns; also for `p_alive`
///   and `expected_purchases`;
/// * [`Error::InvalidValue`] naming the column and first index: a negative or non-finite
///   summary value or expected purchases, `recency > T`, `recency = 0` with `frequency > 0`,
///   `p_alive` outside \[0, 1\] or NaN;
/// * [`Error::InvalidValue`] naming the option: see [`ChurnRiskOptions::validate`]; all weights of
///   the available components zero (`weight_overdue`); no customer with repeat purchases and no
///   `fallback_interval` (`fallback_interval`).
///
/// # Examples
/// ```
/// use cvm_core::loyalty::{churn_risk, ChurnInput, ChurnRiskOptions, RiskBand};
/// // Customer 0 buys every 5 weeks and last bought 5 weeks ago; customer 1 bought every 2 weeks
/// // and has been silent for 10.
/// let input = ChurnInput {
///     p_alive: Some(&[0.9, 0.2]),
///     ..ChurnInput::new(&[4.0, 3.0], &[20.0, 6.0], &[25.0, 16.0])
/// };
/// let risk = churn_risk(&input, &ChurnRiskOptions::default())?;
/// assert_eq!(risk.overdue_ratio(), &[1.0, 5.0]);
/// // (0.5·0.1 + 0.25·0) / 0.75 and (0.5·0.8 + 0.25·1) / 0.75
/// assert!((risk.score()[0] - 0.05 / 0.75).abs() < 1e-12);
/// assert!((risk.score()[1] - 0.65 / 0.75).abs() < 1e-12);
/// assert_eq!(risk.band(), &[RiskBand::Low, RiskBand::High]);
/// assert_eq!(risk.at_risk(), &[false, true]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn churn_risk(input: &ChurnInput<'_>, options: &ChurnRiskOptions) -> Result<ChurnRisk> {
    options.validate()?;
    let (f, r, t) = (input.frequency, input.recency, input.t);
    let n = check_summary(f, r, t)?;
    check_probabilities("p_alive", n, input.p_alive)?;
    check_counts("expected_purchases", n, input.expected_purchases)?;
    if let Some(i) = (0..n).find(|&i| f[i] > 0.0 && r[i] <= 0.0) {
        return Err(Error::invalid_at(
            "recency",
            i,
            format!("must be > 0 when frequency > 0 (frequency {}, recency {})", f[i], r[i]),
        ));
    }
    let w_a = if input.p_alive.is_some() { options.weight_p_alive } else { 0.0 };
    let w_b = if input.expected_purchases.is_some() { options.weight_expected } else { 0.0 };
    let w_c = options.weight_overdue;
    let w_sum = w_a + w_b + w_c;
    if w_sum <= 0.0 {
        return Err(Error::invalid(
            "weight_overdue",
            "the weights of the available components (overdue, and p_alive / expected \
             purchases when given) are all 0",
        ));
    }
    let fallback = match options.fallback_interval {
        Some(x) => x,
        None => {
            let mut intervals: Vec<f64> =
                (0..n).filter(|&i| f[i] > 0.0).map(|i| r[i] / f[i]).collect();
            if intervals.is_empty() {
                return Err(Error::invalid(
                    "fallback_interval",
                    "no customer has repeat purchases to take the median inter-purchase time \
                     from; set fallback_interval",
                ));
            }
            median(&mut intervals)
        }
    };

    let span = options.overdue_saturation - 1.0;
    let mut out = ChurnRisk {
        score: Vec::with_capacity(n),
        band: Vec::with_capacity(n),
        at_risk: Vec::with_capacity(n),
        overdue_ratio: Vec::with_capacity(n),
        fallback_interval: fallback,
    };
    for i in 0..n {
        let interval = if f[i] > 0.0 { r[i] / f[i] } else { fallback };
        let rho = (t[i] - r[i]) / interval;
        if !rho.is_finite() {
            return Err(Error::Numerical {
                context: "churn_risk".into(),
                reason: format!("overdue ratio of customer {i} is not finite"),
            });
        }
        let c = ((rho - 1.0) / span).clamp(0.0, 1.0);
        let a = input.p_alive.map_or(0.0, |p| 1.0 - p[i]);
        let b = input
            .expected_purchases
            .map_or(0.0, |e| (1.0 - e[i] / options.expected_purchases_min).max(0.0));
        let score = ((w_a * a + w_b * b + w_c * c) / w_sum).clamp(0.0, 1.0);
        out.score.push(score);
        out.band.push(options.band(score));
        out.at_risk.push(score >= options.at_risk_threshold);
        out.overdue_ratio.push(rho);
    }
    Ok(out)
}

/// Median of a non-empty, NaN-free slice (mean of the two middle values for an even count).
/// Linear time: selection, not sorting.
fn median(xs: &mut [f64]) -> f64 {
    let (len, m) = (xs.len(), xs.len() / 2);
    let (below, &mut mid, _) = xs.select_nth_unstable_by(m, f64::total_cmp);
    if len % 2 == 1 {
        mid
    } else {
        // The largest of the lower half is the other middle value.
        let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        0.5 * (lower + mid)
    }
}

/// A type of churn: active — the customer decides to leave — or passive — the relationship
/// lapses without a decision to leave (non-malicious) or as a punishment (retaliatory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ChurnType {
    /// Active, natural: the customer moved away or died.
    ActiveNatural,
    /// Active, competitive: lost to a competitor.
    ActiveCompetitive,
    /// Active, fault: caused by our failure.
    ActiveFault,
    /// Passive, non-malicious: e.g. a payment lapse.
    PassiveNonMalicious,
    /// Passive, retaliatory: dissatisfied and punishing.
    PassiveRetaliatory,
    /// No reason field set.
    Unknown,
}

impl ChurnType {
    /// Every type, in rule order.
    pub const ALL: [ChurnType; 6] = [
        ChurnType::ActiveNatural,
        ChurnType::ActiveCompetitive,
        ChurnType::ActiveFault,
        ChurnType::PassiveRetaliatory,
        ChurnType::PassiveNonMalicious,
        ChurnType::Unknown,
    ];

    /// The spellings [`ChurnType::parse`] accepts, in the order of [`ChurnType::ALL`].
    pub const NAMES: &'static [&'static str] = &[
        "active_natural",
        "active_competitive",
        "active_fault",
        "passive_retaliatory",
        "passive_non_malicious",
        "unknown",
    ];

    /// The canonical name, e.g. `"active_competitive"`, `"passive_non_malicious"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChurnType::ActiveNatural => "active_natural",
            ChurnType::ActiveCompetitive => "active_competitive",
            ChurnType::ActiveFault => "active_fault",
            ChurnType::PassiveNonMalicious => "passive_non_malicious",
            ChurnType::PassiveRetaliatory => "passive_retaliatory",
            ChurnType::Unknown => "unknown",
        }
    }

    /// Parses a canonical name (any case; `-` or a space may stand for `_`).
    ///
    /// # Errors
    /// [`Error::UnknownName`] naming `field`.
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        let norm = text.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        ChurnType::ALL
            .into_iter()
            .find(|c| c.as_str() == norm)
            .ok_or_else(|| Error::unknown_name(field, text, Self::NAMES))
    }

    /// True for the active types.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            ChurnType::ActiveNatural | ChurnType::ActiveCompetitive | ChurnType::ActiveFault
        )
    }

    /// True for the passive types.
    pub fn is_passive(self) -> bool {
        matches!(self, ChurnType::PassiveNonMalicious | ChurnType::PassiveRetaliatory)
    }
}

impl fmt::Display for ChurnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The reason fields, in the order [`churn_types`] tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ChurnCause {
    /// The customer moved away or died → [`ChurnType::ActiveNatural`].
    MovedOrDied,
    /// The customer went to a competitor → [`ChurnType::ActiveCompetitive`].
    Competitor,
    /// A failure of ours (service, delivery, billing error) → [`ChurnType::ActiveFault`].
    OurFault,
    /// The customer is dissatisfied (complaint, low score) → [`ChurnType::PassiveRetaliatory`].
    Dissatisfied,
    /// Payment lapsed (expired card, missed renewal) → [`ChurnType::PassiveNonMalicious`].
    PaymentLapse,
}

impl ChurnCause {
    /// Every cause, in rule order.
    pub const ALL: [ChurnCause; 5] = [
        ChurnCause::MovedOrDied,
        ChurnCause::Competitor,
        ChurnCause::OurFault,
        ChurnCause::Dissatisfied,
        ChurnCause::PaymentLapse,
    ];

    /// The column name: `"moved_or_died"`, `"competitor"`, `"our_fault"`, `"dissatisfied"`,
    /// `"payment_lapse"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChurnCause::MovedOrDied => "moved_or_died",
            ChurnCause::Competitor => "competitor",
            ChurnCause::OurFault => "our_fault",
            ChurnCause::Dissatisfied => "dissatisfied",
            ChurnCause::PaymentLapse => "payment_lapse",
        }
    }

    /// The churn type this cause assigns.
    pub fn churn_type(self) -> ChurnType {
        match self {
            ChurnCause::MovedOrDied => ChurnType::ActiveNatural,
            ChurnCause::Competitor => ChurnType::ActiveCompetitive,
            ChurnCause::OurFault => ChurnType::ActiveFault,
            ChurnCause::Dissatisfied => ChurnType::PassiveRetaliatory,
            ChurnCause::PaymentLapse => ChurnType::PassiveNonMalicious,
        }
    }
}

/// The reason fields of [`churn_types`], one flag per customer. At least one column must be
/// given; a column not given is false for everyone.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChurnReasons<'a> {
    /// Moved away or died.
    pub moved_or_died: Option<&'a [bool]>,
    /// Went to a competitor.
    pub competitor: Option<&'a [bool]>,
    /// Left because of a failure of ours.
    pub our_fault: Option<&'a [bool]>,
    /// Dissatisfied (complained, low satisfaction) and stopped buying or paying.
    pub dissatisfied: Option<&'a [bool]>,
    /// Payment lapsed without dissatisfaction.
    pub payment_lapse: Option<&'a [bool]>,
}

impl<'a> ChurnReasons<'a> {
    fn column(&self, c: ChurnCause) -> Option<&'a [bool]> {
        match c {
            ChurnCause::MovedOrDied => self.moved_or_died,
            ChurnCause::Competitor => self.competitor,
            ChurnCause::OurFault => self.our_fault,
            ChurnCause::Dissatisfied => self.dissatisfied,
            ChurnCause::PaymentLapse => self.payment_lapse,
        }
    }
}

/// Churn types and the cause that assigned each, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnLabels {
    types: Vec<ChurnType>,
    causes: Vec<Option<ChurnCause>>,
}

impl ChurnLabels {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// True when there are no customers (never, for a result of [`churn_types`]).
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// The churn type of every customer.
    pub fn types(&self) -> &[ChurnType] {
        &self.types
    }

    /// The cause (reason field) that assigned each type; `None` for [`ChurnType::Unknown`].
    pub fn causes(&self) -> &[Option<ChurnCause>] {
        &self.causes
    }

    /// The reason of customer `i` as text: `"active_competitive: competitor"`,
    /// `"unknown: no reason field set"`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason_text(&self, i: usize) -> String {
        match self.causes[i] {
            Some(c) => format!("{}: {}", self.types[i], c.as_str()),
            None => format!("{}: no reason field set", self.types[i]),
        }
    }
}

/// Labels each customer with a churn type from reason fields.
///
/// # Rules
/// The first cause set, in this order, gives the type:
///
/// 1. `moved_or_died` → `active_natural` (natural causes override everything);
/// 2. `competitor` → `active_competitive`;
/// 3. `our_fault` → `active_fault`;
/// 4. `dissatisfied` → `passive_retaliatory` (a dissatisfied customer who lets a payment lapse
///    is punishing, not forgetful);
/// 5. `payment_lapse` → `passive_non_malicious`;
/// 6. none set → `unknown`.
///
/// # Errors
/// [`Error::InvalidValue`] (`reasons`) when no column is given; [`Error::Empty`] for empty
/// columns; [`Error::LengthMismatch`] naming the column whose length differs from the first
/// given column's.
///
/// # Examples
/// ```
/// use cvm_core::loyalty::{churn_types, ChurnReasons, ChurnType};
/// let labels = churn_types(&ChurnReasons {
///     competitor: Some(&[true, false, false]),
///     dissatisfied: Some(&[true, true, false]),
///     payment_lapse: Some(&[false, true, true]),
///     ..Default::default()
/// })?;
/// assert_eq!(
///     labels.types(),
///     &[ChurnType::ActiveCompetitive, ChurnType::PassiveRetaliatory, ChurnType::PassiveNonMalicious]
/// );
/// assert_eq!(labels.reason_text(1), "passive_retaliatory: dissatisfied");
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn churn_types(reasons: &ChurnReasons<'_>) -> Result<ChurnLabels> {
    let columns: Vec<(ChurnCause, &[bool])> =
        ChurnCause::ALL.into_iter().filter_map(|c| reasons.column(c).map(|col| (c, col))).collect();
    let Some(&(first, first_col)) = columns.first() else {
        return Err(Error::invalid(
            "reasons",
            "at least one of moved_or_died, competitor, our_fault, dissatisfied, payment_lapse \
             is required",
        ));
    };
    let n = first_col.len();
    check::non_empty(first.as_str(), n)?;
    for &(c, col) in &columns {
        check_len(c.as_str(), n, Some(col))?;
    }
    let causes: Vec<Option<ChurnCause>> =
        (0..n).map(|i| columns.iter().find(|(_, col)| col[i]).map(|&(c, _)| c)).collect();
    let types =
        causes.iter().map(|c| c.map_or(ChurnType::Unknown, ChurnCause::churn_type)).collect();
    Ok(ChurnLabels { types, causes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn score_components_table() {
        // (frequency, recency, T, p_alive, expected) → (interval, rho, score with default weights)
        // c = clamp((rho − 1)/2, 0, 1); b = max(0, 1 − E); score = (0.5a + 0.25b + 0.25c)/1.
        let rows: [[f64; 8]; 5] = [
            [4.0, 20.0, 25.0, 0.9, 2.0, 5.0, 1.0, 0.05],
            [3.0, 6.0, 16.0, 0.2, 0.0, 2.0, 5.0, 0.4 + 0.25 + 0.25],
            [2.0, 10.0, 20.0, 0.6, 0.5, 5.0, 2.0, 0.2 + 0.125 + 0.125],
            [1.0, 10.0, 10.0, 1.0, 3.0, 10.0, 0.0, 0.0],
            // No repeats: interval = median of 5, 2, 5, 10 = 5.
            [0.0, 0.0, 10.0, 0.5, 1.0, 5.0, 2.0, 0.25 + 0.0 + 0.125],
        ];
        let col = |k: usize| -> Vec<f64> { rows.iter().map(|r| r[k]).collect() };
        let (f, r, t, p, e) = (col(0), col(1), col(2), col(3), col(4));
        let input = ChurnInput {
            p_alive: Some(&p),
            expected_purchases: Some(&e),
            ..ChurnInput::new(&f, &r, &t)
        };
        let risk = churn_risk(&input, &ChurnRiskOptions::default()).unwrap();
        assert_relative_eq!(risk.fallback_interval(), 5.0);
        for (i, row) in rows.iter().enumerate() {
            let interval = (row[2] - row[1]) / risk.overdue_ratio()[i];
            if row[6] > 0.0 {
                assert_relative_eq!(interval, row[5], max_relative = 1e-12);
            }
            assert_relative_eq!(risk.overdue_ratio()[i], row[6], max_relative = 1e-12);
            assert_relative_eq!(risk.score()[i], row[7], epsilon = 1e-12);
        }
        assert_eq!(
            risk.band(),
            &[RiskBand::Low, RiskBand::High, RiskBand::Medium, RiskBand::Low, RiskBand::Medium]
        );
        assert_eq!(risk.at_risk(), &[false, true, false, false, false]);
        let counts: Vec<usize> = risk.band_counts().iter().map(|c| c.1).collect();
        assert_eq!(counts, vec![2, 2, 1]);
    }

    #[test]
    fn median_by_selection() {
        let cases: [(&[f64], f64); 5] = [
            (&[3.0], 3.0),
            (&[5.0, 1.0], 3.0),
            (&[9.0, 1.0, 4.0], 4.0),
            (&[5.0, 2.0, 5.0, 10.0], 5.0),
            (&[7.0, 1.0, 3.0, 2.0, 8.0, 4.0], 3.5),
        ];
        for (xs, want) in cases {
            let mut v = xs.to_vec();
            assert_eq!(median(&mut v), want, "{xs:?}");
        }
    }

    #[test]
    fn summary_only_and_custom_options() {
        let f = [1.0, 0.0];
        let r = [4.0, 0.0];
        let t = [16.0, 7.0];
        let o = ChurnRiskOptions {
            fallback_interval: Some(2.0),
            overdue_saturation: 5.0,
            medium_threshold: 0.5,
            high_threshold: 0.9,
            at_risk_threshold: 0.75,
            ..Default::default()
        };
        let risk = churn_risk(&ChurnInput::new(&f, &r, &t), &o).unwrap();
        // Only the overdue component: rho = 12/4 = 3 → (3−1)/4 = 0.5; rho = 7/2 = 3.5 → 0.625.
        assert_relative_eq!(risk.score()[0], 0.5, epsilon = 1e-12);
        assert_relative_eq!(risk.score()[1], 0.625, epsilon = 1e-12);
        assert_eq!(risk.band(), &[RiskBand::Medium, RiskBand::Medium]);
        assert_eq!(risk.at_risk(), &[false, false]);
        assert_eq!(o.band(0.9), RiskBand::High);
        assert_eq!(o.band(0.4999), RiskBand::Low);
    }

    #[test]
    fn bad_input_is_typed() {
        let f = [1.0, 2.0];
        let r = [3.0, 5.0];
        let t = [10.0, 10.0];
        let base = ChurnInput::new(&f, &r, &t);
        let o = ChurnRiskOptions::default();
        let e =
            churn_risk(&ChurnInput { p_alive: Some(&[0.5, f64::NAN]), ..base }, &o).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("p_alive"), Some(1)));
        let e = churn_risk(&ChurnInput { expected_purchases: Some(&[-0.1, 1.0]), ..base }, &o)
            .unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("expected_purchases"), Some(0)));
        let e = churn_risk(&ChurnInput { p_alive: Some(&[0.5]), ..base }, &o).unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { ref field, .. } if field == "p_alive"));
        let e = churn_risk(&ChurnInput { recency: &[3.0, 0.0], ..base }, &o).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("recency"), Some(1)));
        let e = churn_risk(&ChurnInput::new(&[0.0], &[0.0], &[4.0]), &o).unwrap_err();
        assert_eq!(e.field(), Some("fallback_interval"));
        let zero = ChurnRiskOptions { weight_overdue: 0.0, ..Default::default() };
        let e = churn_risk(&base, &zero).unwrap_err();
        assert_eq!(e.field(), Some("weight_overdue"));
        // With P(alive) given, a zero overdue weight is fine.
        assert!(churn_risk(&ChurnInput { p_alive: Some(&[0.5, 0.5]), ..base }, &zero).is_ok());

        let bad: [(ChurnRiskOptions, &str); 8] = [
            (ChurnRiskOptions { weight_p_alive: -1.0, ..Default::default() }, "weight_p_alive"),
            (
                ChurnRiskOptions { weight_expected: f64::NAN, ..Default::default() },
                "weight_expected",
            ),
            (
                ChurnRiskOptions { expected_purchases_min: 0.0, ..Default::default() },
                "expected_purchases_min",
            ),
            (
                ChurnRiskOptions { overdue_saturation: 1.0, ..Default::default() },
                "overdue_saturation",
            ),
            (
                ChurnRiskOptions { fallback_interval: Some(-2.0), ..Default::default() },
                "fallback_interval",
            ),
            (ChurnRiskOptions { medium_threshold: 0.8, ..Default::default() }, "medium_threshold"),
            (ChurnRiskOptions { high_threshold: 1.5, ..Default::default() }, "high_threshold"),
            (
                ChurnRiskOptions { at_risk_threshold: 0.0, ..Default::default() },
                "at_risk_threshold",
            ),
        ];
        for (o, field) in bad {
            let e = churn_risk(&base, &o).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), None), "{field}");
        }
    }

    #[test]
    fn every_churn_type() {
        // Columns: moved_or_died, competitor, our_fault, dissatisfied, payment_lapse.
        let rows: [([bool; 5], ChurnType, &str); 8] = [
            (
                [true, true, true, true, true],
                ChurnType::ActiveNatural,
                "active_natural: moved_or_died",
            ),
            (
                [false, true, true, true, false],
                ChurnType::ActiveCompetitive,
                "active_competitive: competitor",
            ),
            ([false, false, true, true, true], ChurnType::ActiveFault, "active_fault: our_fault"),
            (
                [false, false, false, true, true],
                ChurnType::PassiveRetaliatory,
                "passive_retaliatory: dissatisfied",
            ),
            (
                [false, false, false, true, false],
                ChurnType::PassiveRetaliatory,
                "passive_retaliatory: dissatisfied",
            ),
            (
                [false, false, false, false, true],
                ChurnType::PassiveNonMalicious,
                "passive_non_malicious: payment_lapse",
            ),
            (
                [false, false, false, false, false],
                ChurnType::Unknown,
                "unknown: no reason field set",
            ),
            (
                [false, true, false, false, false],
                ChurnType::ActiveCompetitive,
                "active_competitive: competitor",
            ),
        ];
        let col = |k: usize| -> Vec<bool> { rows.iter().map(|r| r.0[k]).collect() };
        let (m, c, o, d, p) = (col(0), col(1), col(2), col(3), col(4));
        let labels = churn_types(&ChurnReasons {
            moved_or_died: Some(&m),
            competitor: Some(&c),
            our_fault: Some(&o),
            dissatisfied: Some(&d),
            payment_lapse: Some(&p),
        })
        .unwrap();
        for (i, (_, ty, text)) in rows.iter().enumerate() {
            assert_eq!(labels.types()[i], *ty, "row {i}");
            assert_eq!(labels.reason_text(i), *text, "row {i}");
        }
        assert_eq!(labels.causes()[6], None);
        assert!(ChurnType::ActiveFault.is_active() && !ChurnType::ActiveFault.is_passive());
        assert!(ChurnType::PassiveRetaliatory.is_passive());
        assert!(!ChurnType::Unknown.is_active() && !ChurnType::Unknown.is_passive());
    }

    #[test]
    fn churn_type_errors_and_names() {
        let e = churn_types(&ChurnReasons::default()).unwrap_err();
        assert_eq!(e.field(), Some("reasons"));
        let e = churn_types(&ChurnReasons {
            competitor: Some(&[true, false]),
            payment_lapse: Some(&[true]),
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { ref field, expected: 2, got: 1 }
            if field == "payment_lapse"));
        let e =
            churn_types(&ChurnReasons { our_fault: Some(&[]), ..Default::default() }).unwrap_err();
        assert!(matches!(e, Error::Empty { ref field } if field == "our_fault"));
        for (ty, name) in ChurnType::ALL.into_iter().zip(ChurnType::NAMES) {
            assert_eq!(ty.as_str(), *name);
            assert_eq!(ChurnType::parse(&name.to_uppercase(), "churn_type").unwrap(), ty);
        }
        assert_eq!(
            ChurnType::parse("passive non-malicious", "t").unwrap(),
            ChurnType::PassiveNonMalicious
        );
        assert!(ChurnType::parse("voluntary", "t").is_err());
        for c in ChurnCause::ALL {
            assert_eq!(ChurnType::ALL[c as usize], c.churn_type());
        }
        for (b, name) in RiskBand::ALL.into_iter().zip(RiskBand::NAMES) {
            assert_eq!(RiskBand::parse(name, "band").unwrap(), b);
            assert_eq!(b.to_string(), *name);
        }
        assert!(RiskBand::parse("severe", "band").is_err());
    }
}
