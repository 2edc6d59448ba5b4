//! Churn-risk bands and the churn taxonomy (the churn probability and risk table are in
//! [`crate::churn`]).

use crate::names::{normalize, text_form};

use super::check_len;
use crate::error::{check, Error, Result};
use crate::parallel::par_map;
use crate::text::{render_column, TextColumn};

/// Risk band of a churn-risk score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RiskBand {
    /// Churn probability below [`ChurnRiskOptions::medium_threshold`](crate::churn::ChurnRiskOptions).
    Low,
    /// From the medium threshold up to (excluding) the high threshold.
    Medium,
    /// At or above the high threshold.
    High,
}

impl RiskBand {
    /// Every band, lowest first.
    pub const ALL: [RiskBand; 3] = [RiskBand::Low, RiskBand::Medium, RiskBand::High];

    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["low", "medium", "high"];

    /// `"low"`, `"medium"` or `"high"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskBand::Low => "low",
            RiskBand::Medium => "medium",
            RiskBand::High => "high",
        }
    }
}

text_form!(RiskBand, "risk_band", |text| {
    let norm = normalize(text, &[]);
    RiskBand::ALL.into_iter().find(|b| b.as_str() == norm)
});

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

    /// The spellings [`FromStr`](std::str::FromStr) accepts, in the order of [`ChurnType::ALL`].
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

text_form!(ChurnType, "churn_type", |text| {
    let norm = normalize(text, &['-', ' ']);
    ChurnType::ALL.into_iter().find(|c| c.as_str() == norm)
});

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

    /// Every customer's reason as text ([`reason_text`](Self::reason_text)), each distinct
    /// reason written once a stretch of rows, on the thread pool ([`TextColumn`]).
    pub fn reason_texts(&self) -> TextColumn {
        render_column(self.len(), |i| (self.types[i], self.causes[i]), |i| self.reason_text(i))
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
/// The labels are assigned on the thread pool from 256 customers; the result is the same on any
/// number of threads.
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
        par_map(n, |i| columns.iter().find(|(_, col)| col[i]).map(|&(c, _)| c));
    let types = par_map(n, |i| causes[i].map_or(ChurnType::Unknown, ChurnCause::churn_type));
    Ok(ChurnLabels { types, causes })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// 100,000 customers, four of the five reason columns: the same labels on one thread and
    /// on four, each the first cause set.
    #[cfg(feature = "parallel")]
    #[test]
    fn large_inputs_are_labelled_alike_on_any_threads() {
        let n = 100_000;
        let mut rng = crate::models::Rng::new(11);
        let mut col = |p: f64| -> Vec<bool> { (0..n).map(|_| rng.uniform() < p).collect() };
        let (m, c, d, p) = (col(0.02), col(0.1), col(0.2), col(0.3));
        let reasons = ChurnReasons {
            moved_or_died: Some(&m),
            competitor: Some(&c),
            dissatisfied: Some(&d),
            payment_lapse: Some(&p),
            ..Default::default()
        };
        let (one, four) =
            crate::parallel::on_one_and_four_threads(|| churn_types(&reasons).unwrap());
        assert_eq!(one, four);
        for i in 0..n {
            let want = [(m[i], ChurnCause::MovedOrDied), (c[i], ChurnCause::Competitor)]
                .into_iter()
                .chain([(d[i], ChurnCause::Dissatisfied), (p[i], ChurnCause::PaymentLapse)])
                .find(|x| x.0)
                .map(|x| x.1);
            assert_eq!(one.causes()[i], want, "{i}");
            assert_eq!(one.types()[i], want.map_or(ChurnType::Unknown, ChurnCause::churn_type));
        }
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
            assert_eq!(name.to_uppercase().parse::<ChurnType>().unwrap(), ty);
        }
        assert_eq!(
            "passive non-malicious".parse::<ChurnType>().unwrap(),
            ChurnType::PassiveNonMalicious
        );
        assert!("voluntary".parse::<ChurnType>().is_err());
        for c in ChurnCause::ALL {
            assert_eq!(ChurnType::ALL[c as usize], c.churn_type());
        }
        for (b, name) in RiskBand::ALL.into_iter().zip(RiskBand::NAMES) {
            assert_eq!(name.parse::<RiskBand>().unwrap(), b);
            assert_eq!(b.to_string(), *name);
        }
        assert!("severe".parse::<RiskBand>().is_err());
    }
}
