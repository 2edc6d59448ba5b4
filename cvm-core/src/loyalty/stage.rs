//! The loyalty ladder.

use crate::builder::with_setters;
use crate::names::{normalize, text_form};
use std::fmt;

use super::{
    check_counts, check_len, check_probabilities, check_summary, check_unit_interval, first_bad,
};
use crate::error::{check, Error, Result};
use crate::parallel::{par_map, rows_where};
use crate::prec::EXACT_REL;
use crate::text::{self, render_column, TextColumn};

/// A rung of the loyalty ladder (Christopher, Payne & Ballantyne 1991; Griffin 2002), plus
/// `lapsed`.
///
/// Ordered as listed; [`Stage::ALL`] holds every stage in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Stage {
    /// Known, never purchased, no interest shown.
    Suspect,
    /// Never purchased, interest shown (enquiry, visit, quote).
    Prospect,
    /// Purchased once (no repeat purchase yet).
    FirstTime,
    /// Purchased repeatedly.
    Repeat,
    /// A repeat customer who recommends (referrals, reviews, recommendations).
    Advocate,
    /// Was a customer: P(alive) below the threshold or no purchase for at least the window.
    Lapsed,
}

impl Stage {
    /// Every stage, in ladder order.
    pub const ALL: [Stage; 6] = [
        Stage::Suspect,
        Stage::Prospect,
        Stage::FirstTime,
        Stage::Repeat,
        Stage::Advocate,
        Stage::Lapsed,
    ];

    /// The spellings [`FromStr`](std::str::FromStr) accepts (the canonical ones).
    pub const NAMES: &'static [&'static str] =
        &["suspect", "prospect", "first_time", "repeat", "advocate", "lapsed"];

    /// The canonical name: `"suspect"`, `"prospect"`, `"first_time"`, `"repeat"`, `"advocate"`,
    /// `"lapsed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Suspect => "suspect",
            Stage::Prospect => "prospect",
            Stage::FirstTime => "first_time",
            Stage::Repeat => "repeat",
            Stage::Advocate => "advocate",
            Stage::Lapsed => "lapsed",
        }
    }

    /// Position in [`Stage::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

text_form!(Stage, "stage", |text| {
    let norm = normalize(text, &['-', ' ']);
    Stage::ALL.into_iter().find(|s| s.as_str() == norm)
});

/// The advocacy signals, in the order the ladder tries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AdvocacySignal {
    /// Customers referred.
    Referrals,
    /// Reviews written.
    Reviews,
    /// Recommendations made (e.g. a survey's "would recommend" or social shares).
    Recommendations,
}

impl AdvocacySignal {
    /// The column name: `"referrals"`, `"reviews"`, `"recommendations"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AdvocacySignal::Referrals => "referrals",
            AdvocacySignal::Reviews => "reviews",
            AdvocacySignal::Recommendations => "recommendations",
        }
    }
}

/// Why a customer is on their stage: the rule that fired, with the values it compared.
///
/// [`fmt::Display`] renders it as `"<stage>: <comparison>"`, e.g. `"repeat: frequency=3>=1"`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case", tag = "rule"))]
#[non_exhaustive]
pub enum StageReason {
    /// Suspect: never purchased and no interest (`interest` is `None` without an interest column).
    NoInterest {
        /// The customer's interest count, when the column was given.
        interest: Option<f64>,
        /// [`LadderOptions::prospect_min_interest`].
        threshold: f64,
    },
    /// Prospect: never purchased, interest count at or above the threshold.
    Interest {
        /// The customer's interest count.
        interest: f64,
        /// [`LadderOptions::prospect_min_interest`].
        threshold: f64,
    },
    /// Lapsed: P(alive) below the threshold.
    PAliveBelow {
        /// The customer's P(alive).
        p_alive: f64,
        /// [`LadderOptions::p_alive_threshold`].
        threshold: f64,
    },
    /// Lapsed: time since the last purchase, `T − recency`, at least the window.
    Inactive {
        /// `T − recency`.
        since_last: f64,
        /// [`LadderOptions::lapse_window`].
        window: f64,
    },
    /// First-time customer: repeat purchases below the threshold.
    SinglePurchase {
        /// The customer's frequency (repeat purchases).
        frequency: f64,
        /// [`LadderOptions::repeat_min_frequency`].
        threshold: f64,
    },
    /// Repeat customer: repeat purchases at or above the threshold, no advocacy signal met.
    RepeatPurchases {
        /// The customer's frequency.
        frequency: f64,
        /// [`LadderOptions::repeat_min_frequency`].
        threshold: f64,
    },
    /// Advocate: a repeat customer whose advocacy signal meets its threshold (the first one met,
    /// in the order referrals, reviews, recommendations).
    Advocacy {
        /// The customer's frequency.
        frequency: f64,
        /// [`LadderOptions::repeat_min_frequency`].
        frequency_threshold: f64,
        /// The signal that met its threshold.
        signal: AdvocacySignal,
        /// Its value.
        value: f64,
        /// Its threshold.
        threshold: f64,
    },
}

impl StageReason {
    /// The stage this reason assigns.
    pub fn stage(&self) -> Stage {
        match self {
            StageReason::NoInterest { .. } => Stage::Suspect,
            StageReason::Interest { .. } => Stage::Prospect,
            StageReason::PAliveBelow { .. } | StageReason::Inactive { .. } => Stage::Lapsed,
            StageReason::SinglePurchase { .. } => Stage::FirstTime,
            StageReason::RepeatPurchases { .. } => Stage::Repeat,
            StageReason::Advocacy { .. } => Stage::Advocate,
        }
    }

    /// A short code of the rule: `"no_interest"`, `"interest"`, `"p_alive_below"`, `"inactive"`,
    /// `"single_purchase"`, `"repeat_purchases"`, `"advocacy"`.
    pub fn code(&self) -> &'static str {
        match self {
            StageReason::NoInterest { .. } => "no_interest",
            StageReason::Interest { .. } => "interest",
            StageReason::PAliveBelow { .. } => "p_alive_below",
            StageReason::Inactive { .. } => "inactive",
            StageReason::SinglePurchase { .. } => "single_purchase",
            StageReason::RepeatPurchases { .. } => "repeat_purchases",
            StageReason::Advocacy { .. } => "advocacy",
        }
    }
}

impl StageReason {
    /// Appends the reason as its [`Display`](fmt::Display) writes it: `name=value<op>threshold`,
    /// both numbers by the crate's one formatting rule.
    fn push_to(&self, out: &mut String) {
        use text::push_comparison as cmp;
        out.push_str(self.stage().as_str());
        out.push_str(": ");
        match *self {
            StageReason::NoInterest { interest: None, .. } => {
                out.push_str("no purchase, no interest signal")
            }
            StageReason::NoInterest { interest: Some(x), threshold } => {
                out.push_str("no purchase, ");
                cmp(out, "interest", x, "<", threshold);
            }
            StageReason::Interest { interest, threshold } => {
                out.push_str("no purchase, ");
                cmp(out, "interest", interest, ">=", threshold);
            }
            StageReason::PAliveBelow { p_alive, threshold } => {
                cmp(out, "p_alive", p_alive, "<", threshold)
            }
            // Within EXACT_REL of the window is the window (rounding in T − recency): no pair.
            StageReason::Inactive { since_last, window } => {
                out.push_str("T-recency=");
                text::push_number(out, since_last);
                out.push_str(">=");
                text::push_number(out, window);
            }
            StageReason::SinglePurchase { frequency, threshold } => {
                cmp(out, "frequency", frequency, "<", threshold)
            }
            StageReason::RepeatPurchases { frequency, threshold } => {
                cmp(out, "frequency", frequency, ">=", threshold)
            }
            StageReason::Advocacy { frequency, frequency_threshold, signal, value, threshold } => {
                cmp(out, "frequency", frequency, ">=", frequency_threshold);
                out.push_str(", ");
                cmp(out, signal.as_str(), value, ">=", threshold);
            }
        }
    }
}

impl fmt::Display for StageReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(text::REASON_CAPACITY);
        self.push_to(&mut s);
        f.write_str(&s)
    }
}

/// The columns [`loyalty_stages`] reads, one element per customer.
///
/// `frequency`, `recency` and `T` are the customer summary (see [`crate::summary`]): repeat
/// purchases, age at the last purchase, age at the end of observation, in one time unit.
///
/// Customers who never purchased (suspects and prospects) have no purchase history: mark them
/// with `purchased[i] = false`; their `frequency` and `recency` must be 0 and their `T` is not
/// used. Without a `purchased` column every row is a customer who purchased at least once (what
/// [`crate::summarize`] produces).
#[derive(Debug, Clone, Copy)]
pub struct LadderInput<'a> {
    /// Repeat purchases (finite, ≥ 0).
    pub frequency: &'a [f64],
    /// Age at the last purchase (finite, ≥ 0, ≤ T).
    pub recency: &'a [f64],
    /// Age at the end of observation (finite, ≥ 0).
    pub t: &'a [f64],
    /// Whether the customer ever purchased; default: all true.
    pub purchased: Option<&'a [bool]>,
    /// Interest shown before any purchase: number of enquiries, visits, quotes (finite, ≥ 0; a
    /// 0/1 flag works too).
    pub interest: Option<&'a [f64]>,
    /// Customers referred (finite, ≥ 0).
    pub referrals: Option<&'a [f64]>,
    /// Reviews written (finite, ≥ 0).
    pub reviews: Option<&'a [f64]>,
    /// Recommendations made (finite, ≥ 0).
    pub recommendations: Option<&'a [f64]>,
    /// P(alive) from a fitted lifetime model, in \[0, 1\] (NaN is an error).
    pub p_alive: Option<&'a [f64]>,
}

impl<'a> LadderInput<'a> {
    /// The summary columns alone, no optional signal.
    pub fn new(frequency: &'a [f64], recency: &'a [f64], t: &'a [f64]) -> Self {
        LadderInput {
            frequency,
            recency,
            t,
            purchased: None,
            interest: None,
            referrals: None,
            reviews: None,
            recommendations: None,
            p_alive: None,
        }
    }
}

/// Thresholds of the ladder. One convention for every threshold of the crate: **a threshold is
/// reached at equality**. Counts compare with `>=`; a customer lapses when P(alive) is strictly
/// below its threshold (P(alive) at the threshold is alive) or `T − recency` is at least the
/// window (silent for exactly the window is lapsed, as an account silent for exactly 3 years is
/// dormant).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LadderOptions {
    /// Interest count that makes a non-buyer a prospect (default 1; must be > 0).
    pub prospect_min_interest: f64,
    /// Repeat purchases (`frequency`) that make a buyer a repeat customer (default 1; > 0).
    pub repeat_min_frequency: f64,
    /// Referrals that make a repeat customer an advocate (default 1; > 0).
    pub advocate_min_referrals: f64,
    /// Reviews that make a repeat customer an advocate (default 1; > 0).
    pub advocate_min_reviews: f64,
    /// Recommendations that make a repeat customer an advocate (default 1; > 0).
    pub advocate_min_recommendations: f64,
    /// A buyer with P(alive) below this has lapsed (default 0.5; in (0, 1]). Used only when a
    /// `p_alive` column is given.
    pub p_alive_threshold: f64,
    /// A buyer with no purchase for at least this long (`T − recency` ≥ window, in the summary's
    /// time unit) has lapsed (default `None`: no window; must be > 0).
    pub lapse_window: Option<f64>,
}

with_setters!(LadderOptions {
    with_prospect_min_interest => prospect_min_interest: f64,
    with_repeat_min_frequency => repeat_min_frequency: f64,
    with_advocate_min_referrals => advocate_min_referrals: f64,
    with_advocate_min_reviews => advocate_min_reviews: f64,
    with_advocate_min_recommendations => advocate_min_recommendations: f64,
    with_p_alive_threshold => p_alive_threshold: f64,
    with_lapse_window => lapse_window: Option<f64>,
});

impl Default for LadderOptions {
    fn default() -> Self {
        LadderOptions {
            prospect_min_interest: 1.0,
            repeat_min_frequency: 1.0,
            advocate_min_referrals: 1.0,
            advocate_min_reviews: 1.0,
            advocate_min_recommendations: 1.0,
            p_alive_threshold: 0.5,
            lapse_window: None,
        }
    }
}

impl LadderOptions {
    /// Checks every threshold against its domain.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the option: a count threshold or the window that is not
    /// finite and positive, a `p_alive_threshold` outside (0, 1].
    pub fn validate(&self) -> Result<()> {
        check::scalar_positive("prospect_min_interest", self.prospect_min_interest)?;
        check::scalar_positive("repeat_min_frequency", self.repeat_min_frequency)?;
        check::scalar_positive("advocate_min_referrals", self.advocate_min_referrals)?;
        check::scalar_positive("advocate_min_reviews", self.advocate_min_reviews)?;
        check::scalar_positive("advocate_min_recommendations", self.advocate_min_recommendations)?;
        check_unit_interval("p_alive_threshold", self.p_alive_threshold)?;
        if let Some(w) = self.lapse_window {
            check::scalar_positive("lapse_window", w)?;
        }
        Ok(())
    }

    /// The threshold of an advocacy signal.
    pub fn advocacy_threshold(&self, signal: AdvocacySignal) -> f64 {
        match signal {
            AdvocacySignal::Referrals => self.advocate_min_referrals,
            AdvocacySignal::Reviews => self.advocate_min_reviews,
            AdvocacySignal::Recommendations => self.advocate_min_recommendations,
        }
    }
}

/// The rule that fired, compactly: [`Ladder`] stores one per customer with the compared value
/// and rebuilds the [`StageReason`] on demand from its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Rule {
    NoInterestColumn,
    NoInterest,
    Interest,
    PAliveBelow,
    Inactive,
    SinglePurchase,
    RepeatPurchases,
    Advocacy(AdvocacySignal),
}

impl Rule {
    fn stage(self) -> Stage {
        match self {
            Rule::NoInterestColumn | Rule::NoInterest => Stage::Suspect,
            Rule::Interest => Stage::Prospect,
            Rule::PAliveBelow | Rule::Inactive => Stage::Lapsed,
            Rule::SinglePurchase => Stage::FirstTime,
            Rule::RepeatPurchases => Stage::Repeat,
            Rule::Advocacy(_) => Stage::Advocate,
        }
    }
}

/// Every customer's stage and the reason for it, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Ladder {
    stages: Vec<Stage>,
    rules: Vec<Rule>,
    /// The value the deciding rule compared (interest, p_alive, T − recency, frequency, or the
    /// advocacy signal).
    values: Vec<f64>,
    /// `(customer, frequency)` of every advocate, ascending by customer (for their reasons).
    advocates: Vec<(usize, f64)>,
    options: LadderOptions,
}

impl Ladder {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.stages.len()
    }

    /// True when there are no customers (never, for a result of [`loyalty_stages`]).
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// The stage of every customer.
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The options the ladder was built with.
    pub fn options(&self) -> &LadderOptions {
        &self.options
    }

    /// The reason of customer `i`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason(&self, i: usize) -> StageReason {
        let o = &self.options;
        let value = self.values[i];
        match self.rules[i] {
            Rule::NoInterestColumn => {
                StageReason::NoInterest { interest: None, threshold: o.prospect_min_interest }
            }
            Rule::NoInterest => StageReason::NoInterest {
                interest: Some(value),
                threshold: o.prospect_min_interest,
            },
            Rule::Interest => {
                StageReason::Interest { interest: value, threshold: o.prospect_min_interest }
            }
            Rule::PAliveBelow => {
                StageReason::PAliveBelow { p_alive: value, threshold: o.p_alive_threshold }
            }
            Rule::Inactive => StageReason::Inactive {
                since_last: value,
                window: o.lapse_window.expect("the inactive rule fires only with a window"),
            },
            Rule::SinglePurchase => {
                StageReason::SinglePurchase { frequency: value, threshold: o.repeat_min_frequency }
            }
            Rule::RepeatPurchases => {
                StageReason::RepeatPurchases { frequency: value, threshold: o.repeat_min_frequency }
            }
            Rule::Advocacy(signal) => StageReason::Advocacy {
                frequency: self.advocate_frequency(i),
                frequency_threshold: o.repeat_min_frequency,
                signal,
                value,
                threshold: o.advocacy_threshold(signal),
            },
        }
    }

    /// The reasons of all customers, in order.
    pub fn reasons(&self) -> impl ExactSizeIterator<Item = StageReason> + '_ {
        (0..self.len()).map(|i| self.reason(i))
    }

    /// The reason of customer `i` as text (e.g. `"lapsed: p_alive=0.12<0.5"`).
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason_text(&self, i: usize) -> String {
        let mut s = String::with_capacity(text::REASON_CAPACITY);
        self.reason(i).push_to(&mut s);
        s
    }

    /// Every customer's reason as text ([`reason_text`](Self::reason_text)), each distinct
    /// reason written once a stretch of rows, on the thread pool ([`TextColumn`]): a million
    /// customers on integer frequencies render a few dozen texts, not a million.
    pub fn reason_texts(&self) -> TextColumn {
        // The rule, the compared value and (advocates only) the frequency fix the text.
        let frequency = |i: usize| match self.rules[i] {
            Rule::Advocacy(_) => self.advocate_frequency(i).to_bits(),
            _ => 0,
        };
        render_column(
            self.len(),
            |i| (self.rules[i], self.values[i].to_bits(), frequency(i)),
            |i| self.reason_text(i),
        )
    }

    /// The frequency of customer `i`, an advocate.
    fn advocate_frequency(&self, i: usize) -> f64 {
        let k = self.advocates.binary_search_by_key(&i, |a| a.0);
        self.advocates[k.expect("every advocate is listed")].1
    }

    /// Number of customers on each stage, in the order of [`Stage::ALL`].
    pub fn counts(&self) -> Vec<(Stage, usize)> {
        let mut c = [0usize; Stage::ALL.len()];
        for s in &self.stages {
            c[s.index()] += 1;
        }
        Stage::ALL.into_iter().zip(c).collect()
    }

    /// Number of customers on `stage`.
    pub fn count(&self, stage: Stage) -> usize {
        self.stages.iter().filter(|&&s| s == stage).count()
    }
}

/// Places every customer on the loyalty ladder.
///
/// # Rules
/// Tried in order; the first that applies gives the stage and its [`StageReason`]:
///
/// 1. never purchased (`purchased[i] == false`): **prospect** when `interest ≥
///    prospect_min_interest`, otherwise **suspect** (also when no interest column is given);
/// 2. **lapsed** when a `p_alive` column is given and `p_alive < p_alive_threshold`;
/// 3. **lapsed** when a `lapse_window` is set and `T − recency ≥ lapse_window` (the threshold
///    is reached at equality; a gap that falls short of the window by less than
///    [`EXACT_REL`](crate::prec::EXACT_REL) relative is rounding in `T − recency` and counts as
///    equal: 182 days in weeks is 26 weeks);
/// 4. `frequency ≥ repeat_min_frequency`: **advocate** when referrals, reviews or recommendations
///    (tried in this order) meet their threshold, otherwise **repeat**;
/// 5. otherwise **first_time**.
///
/// Lapsing is checked before the repeat and advocate rules: a lapsed advocate is lapsed. Every
/// customer gets exactly one stage.
///
/// # Errors
/// * [`Error::Empty`] (`frequency`) for no customers;
/// * [`Error::LengthMismatch`] for a column (`recency`, `T`, `purchased`, `interest`, `referrals`,
///   `reviews`, `recommendations`, `p_alive`) whose length differs from `frequency`'s;
/// * [`Error::InvalidValue`] naming the column and the first offending index: a negative or
///   non-finite summary value or count, `recency > T`, a non-buyer with `frequency` or `recency`
///   not 0, a `p_alive` outside \[0, 1\] or NaN; and naming the option for a threshold outside
///   its domain (see [`LadderOptions::validate`]).
///
/// # Examples
/// ```
/// use cvm_core::loyalty::{loyalty_stages, LadderInput, LadderOptions, Stage};
/// let purchased = [false, false, true, true, true, true];
/// let input = LadderInput {
///     purchased: Some(&purchased),
///     interest: Some(&[0.0, 2.0, 0.0, 0.0, 0.0, 0.0]),
///     referrals: Some(&[0.0, 0.0, 0.0, 0.0, 3.0, 0.0]),
///     p_alive: Some(&[1.0, 1.0, 0.9, 0.8, 0.7, 0.12]),
///     ..LadderInput::new(
///         &[0.0, 0.0, 0.0, 2.0, 4.0, 1.0],
///         &[0.0, 0.0, 0.0, 10.0, 30.0, 2.0],
///         &[0.0, 0.0, 5.0, 12.0, 31.0, 40.0],
///     )
/// };
/// let ladder = loyalty_stages(&input, &LadderOptions::default())?;
/// assert_eq!(
///     ladder.stages(),
///     &[Stage::Suspect, Stage::Prospect, Stage::FirstTime, Stage::Repeat, Stage::Advocate,
///       Stage::Lapsed]
/// );
/// assert_eq!(ladder.reason_text(4), "advocate: frequency=4>=1, referrals=3>=1");
/// assert_eq!(ladder.reason_text(5), "lapsed: p_alive=0.12<0.5");
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn loyalty_stages(input: &LadderInput<'_>, options: &LadderOptions) -> Result<Ladder> {
    options.validate()?;
    let n = input.frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, input.recency.len())?;
    check::same_len("T", n, input.t.len())?;
    check_len("purchased", n, input.purchased)?;
    for (field, col) in [
        ("interest", input.interest),
        ("referrals", input.referrals),
        ("reviews", input.reviews),
        ("recommendations", input.recommendations),
        ("p_alive", input.p_alive),
    ] {
        check_len(field, n, col)?;
    }

    let classifier = Classifier::new(input, options);
    let has_advocacy =
        input.referrals.is_some() || input.reviews.is_some() || input.recommendations.is_some();

    let mut stages = vec![Stage::Suspect; n];
    let mut rules = vec![Rule::NoInterestColumn; n];
    let mut values = vec![0.0; n];
    // One pass over the data: each block is checked, then classified while it is in cache.
    // Blocks are independent, so threads give the same result. A block with bad input stops
    // the pass; the column checks then run in order to report the first offender.
    let fill = |b: usize,
                (stages, (rules, values)): (&mut [Stage], (&mut [Rule], &mut [f64])),
                check: bool| {
        let lo = b * BLOCK;
        if check && !block_is_valid(input, lo, lo + stages.len()) {
            return false;
        }
        for (k, ((stage, rule), value)) in stages.iter_mut().zip(rules).zip(values).enumerate() {
            let (r, v) = classifier.classify(lo + k);
            *stage = r.stage();
            *rule = r;
            *value = v;
        }
        true
    };
    #[cfg(feature = "parallel")]
    let valid = {
        use rayon::prelude::*;
        stages
            .par_chunks_mut(BLOCK)
            .zip(rules.par_chunks_mut(BLOCK).zip(values.par_chunks_mut(BLOCK)))
            .enumerate()
            .all(|(b, blocks)| fill(b, blocks, true))
    };
    #[cfg(not(feature = "parallel"))]
    let valid = stages
        .chunks_mut(BLOCK)
        .zip(rules.chunks_mut(BLOCK).zip(values.chunks_mut(BLOCK)))
        .enumerate()
        .all(|(b, blocks)| fill(b, blocks, true));
    if !valid {
        check_columns(input, n)?;
        // The block check and the column checks test the same conditions, so this is not
        // reached; should they ever disagree, the input is valid and is classified in full.
        for (b, blocks) in stages
            .chunks_mut(BLOCK)
            .zip(rules.chunks_mut(BLOCK).zip(values.chunks_mut(BLOCK)))
            .enumerate()
        {
            fill(b, blocks, false);
        }
    }
    let advocates = if !has_advocacy {
        Vec::new()
    } else {
        let rows = rows_where(n, |i| matches!(rules[i], Rule::Advocacy(_)));
        par_map(rows.len(), |k| (rows[k], input.frequency[rows[k]]))
    };
    Ok(Ladder { stages, rules, values, advocates, options: options.clone() })
}

/// The column checks, in order, each reporting its first offending index.
fn check_columns(input: &LadderInput<'_>, n: usize) -> Result<()> {
    check_summary(input.frequency, input.recency, input.t)?;
    check_counts("interest", n, input.interest)?;
    check_counts("referrals", n, input.referrals)?;
    check_counts("reviews", n, input.reviews)?;
    check_counts("recommendations", n, input.recommendations)?;
    check_probabilities("p_alive", n, input.p_alive)?;
    if let Some(bought) = input.purchased {
        for (field, col) in [("frequency", input.frequency), ("recency", input.recency)] {
            if let Some(i) = (0..n).find(|&i| !bought[i] && col[i] != 0.0) {
                return Err(Error::invalid_at(
                    field,
                    i,
                    format!(
                        "must be 0 for a customer who never purchased (purchased[{i}] is false; \
                         got {})",
                        col[i]
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// True when customers `lo..hi` pass every check of [`check_columns`] (branch-free scans).
fn block_is_valid(input: &LadderInput<'_>, lo: usize, hi: usize) -> bool {
    let count = |x: f64| x.is_finite() && x >= 0.0;
    let (f, r, t) = (&input.frequency[lo..hi], &input.recency[lo..hi], &input.t[lo..hi]);
    let counts_ok = [
        Some(input.frequency),
        Some(input.recency),
        Some(input.t),
        input.interest,
        input.referrals,
        input.reviews,
        input.recommendations,
    ]
    .into_iter()
    .flatten()
    .all(|c| first_bad(&c[lo..hi], count).is_none());
    counts_ok
        && r.iter().zip(t).fold(true, |ok, (r, t)| ok & (r <= t))
        && input
            .p_alive
            .is_none_or(|p| first_bad(&p[lo..hi], |x| (0.0..=1.0).contains(&x)).is_none())
        && input.purchased.is_none_or(|b| {
            b[lo..hi]
                .iter()
                .zip(f)
                .zip(r)
                .fold(true, |ok, ((&b, &f), &r)| ok & (b | (f == 0.0 && r == 0.0)))
        })
}

/// Customers per block of work.
const BLOCK: usize = 1 << 12;

/// The rules of [`loyalty_stages`] prepared once per call, to classify customers without
/// data-dependent branches.
struct Classifier<'a> {
    input: &'a LadderInput<'a>,
    p_alive_threshold: f64,
    window: f64,
    repeat_min_frequency: f64,
    prospect_min_interest: f64,
    advocacy: [(Option<&'a [f64]>, f64); 3],
    /// The rule of each condition, in priority order (slot 0, non-buyers, is chosen per
    /// customer).
    rules: [Rule; 8],
}

impl<'a> Classifier<'a> {
    fn new(input: &'a LadderInput<'a>, o: &LadderOptions) -> Self {
        let signals =
            [AdvocacySignal::Referrals, AdvocacySignal::Reviews, AdvocacySignal::Recommendations];
        let cols = [input.referrals, input.reviews, input.recommendations];
        Classifier {
            input,
            p_alive_threshold: o.p_alive_threshold,
            window: o.lapse_window.unwrap_or(f64::INFINITY),
            repeat_min_frequency: o.repeat_min_frequency,
            prospect_min_interest: o.prospect_min_interest,
            advocacy: [0, 1, 2].map(|k| (cols[k], o.advocacy_threshold(signals[k]))),
            rules: [
                Rule::NoInterestColumn,
                Rule::PAliveBelow,
                Rule::Inactive,
                Rule::SinglePurchase,
                Rule::Advocacy(signals[0]),
                Rule::Advocacy(signals[1]),
                Rule::Advocacy(signals[2]),
                Rule::RepeatPurchases,
            ],
        }
    }

    /// The rule that places customer `i` and the value it compared: the first condition that
    /// holds, in the order of the rules of [`loyalty_stages`].
    #[inline]
    fn classify(&self, i: usize) -> (Rule, f64) {
        let x = self.input;
        let bought = x.purchased.is_none_or(|b| b[i]);
        let interest = x.interest.map_or(0.0, |c| c[i]);
        let p = x.p_alive.map_or(1.0, |c| c[i]);
        let (f, t) = (x.frequency[i], x.t[i]);
        let since_last = t - x.recency[i];
        let adv = self.advocacy.map(|(c, _)| c.map_or(0.0, |c| c[i]));
        // `T` and `recency` are ratios (days / 7, …): their difference carries rounding error,
        // so a gap within EXACT_REL of the window is the window itself, and reaches it. (Without
        // a window, `window` is infinite and the test is false.)
        let inactive =
            self.window.is_finite() && since_last - self.window >= -EXACT_REL * t.max(self.window);
        let conditions = [
            !bought,
            p < self.p_alive_threshold,
            inactive,
            f < self.repeat_min_frequency,
            adv[0] >= self.advocacy[0].1,
            adv[1] >= self.advocacy[1].1,
            adv[2] >= self.advocacy[2].1,
            true,
        ];
        let mask = conditions.iter().enumerate().fold(0u8, |m, (k, &c)| m | (u8::from(c) << k));
        let first = mask.trailing_zeros() as usize;
        let values = [interest, p, since_last, f, adv[0], adv[1], adv[2], f];
        let non_buyer = match x.interest {
            None => Rule::NoInterestColumn,
            Some(_) if interest >= self.prospect_min_interest => Rule::Interest,
            Some(_) => Rule::NoInterest,
        };
        let rule = if first == 0 { non_buyer } else { self.rules[first] };
        (rule, values[first])
    }
}

#[cfg(test)]
/// The rules of [`loyalty_stages`] written as plain branches: the reference [`Classifier`] is
/// tested against.
fn classify(
    input: &LadderInput<'_>, o: &LadderOptions, advocacy: &[(AdvocacySignal, &[f64], f64)],
    i: usize,
) -> (Rule, f64) {
    if input.purchased.is_some_and(|b| !b[i]) {
        return match input.interest {
            None => (Rule::NoInterestColumn, 0.0),
            Some(x) if x[i] >= o.prospect_min_interest => (Rule::Interest, x[i]),
            Some(x) => (Rule::NoInterest, x[i]),
        };
    }
    if let Some(p) = input.p_alive {
        if p[i] < o.p_alive_threshold {
            return (Rule::PAliveBelow, p[i]);
        }
    }
    if let Some(window) = o.lapse_window {
        let since_last = input.t[i] - input.recency[i];
        // `T` and `recency` are ratios (days / 7, …): their difference carries rounding error,
        // so a gap within EXACT_REL of the window is the window itself, and reaches it.
        if since_last - window >= -EXACT_REL * input.t[i].max(window) {
            return (Rule::Inactive, since_last);
        }
    }
    let frequency = input.frequency[i];
    if frequency < o.repeat_min_frequency {
        return (Rule::SinglePurchase, frequency);
    }
    for &(signal, col, threshold) in advocacy {
        if col[i] >= threshold {
            return (Rule::Advocacy(signal), col[i]);
        }
    }
    (Rule::RepeatPurchases, frequency)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_round_trip() {
        for (s, name) in Stage::ALL.into_iter().zip(Stage::NAMES) {
            assert_eq!(s.as_str(), *name);
            assert_eq!(name.parse::<Stage>().unwrap(), s);
            assert_eq!(name.to_uppercase().parse::<Stage>().unwrap(), s);
            assert_eq!(s.to_string(), *name);
            assert_eq!(Stage::ALL[s.index()], s);
        }
        assert_eq!(" first time ".parse::<Stage>().unwrap(), Stage::FirstTime);
        match "gold".parse::<Stage>().unwrap_err() {
            Error::UnknownName { field, value, valid } => {
                assert_eq!(field, "stage");
                assert_eq!(value, "gold");
                assert_eq!(valid.len(), 6);
            }
            e => panic!("unexpected {e:?}"),
        }
    }

    /// One row per rule: (purchased, interest, frequency, recency, T, referrals, reviews,
    /// recommendations, p_alive) → (stage, reason text).
    #[test]
    fn every_rule_table() {
        type Row = (bool, f64, f64, f64, f64, f64, f64, f64, f64, Stage, &'static str);
        let rows: [Row; 11] = [
            (
                false,
                0.0,
                0.0,
                0.0,
                9.0,
                0.0,
                0.0,
                0.0,
                1.0,
                Stage::Suspect,
                "suspect: no purchase, interest=0<1",
            ),
            (
                false,
                1.0,
                0.0,
                0.0,
                9.0,
                5.0,
                0.0,
                0.0,
                0.0,
                Stage::Prospect,
                "prospect: no purchase, interest=1>=1",
            ),
            (
                true,
                0.0,
                0.0,
                0.0,
                9.0,
                0.0,
                0.0,
                0.0,
                0.9,
                Stage::FirstTime,
                "first_time: frequency=0<1",
            ),
            (
                true,
                0.0,
                0.0,
                0.0,
                9.0,
                4.0,
                4.0,
                4.0,
                0.9,
                Stage::FirstTime,
                "first_time: frequency=0<1",
            ),
            (true, 0.0, 1.0, 3.0, 9.0, 0.0, 0.0, 0.0, 0.5, Stage::Repeat, "repeat: frequency=1>=1"),
            (
                true,
                0.0,
                2.0,
                3.0,
                9.0,
                1.0,
                0.0,
                0.0,
                0.9,
                Stage::Advocate,
                "advocate: frequency=2>=1, referrals=1>=1",
            ),
            (
                true,
                0.0,
                2.0,
                3.0,
                9.0,
                0.0,
                2.0,
                0.0,
                0.9,
                Stage::Advocate,
                "advocate: frequency=2>=1, reviews=2>=1",
            ),
            (
                true,
                0.0,
                2.0,
                3.0,
                9.0,
                0.0,
                0.0,
                1.0,
                0.9,
                Stage::Advocate,
                "advocate: frequency=2>=1, recommendations=1>=1",
            ),
            (
                true,
                0.0,
                5.0,
                3.0,
                9.0,
                9.0,
                0.0,
                0.0,
                0.12,
                Stage::Lapsed,
                "lapsed: p_alive=0.12<0.5",
            ),
            (
                true,
                0.0,
                5.0,
                3.0,
                40.0,
                9.0,
                0.0,
                0.0,
                0.9,
                Stage::Lapsed,
                "lapsed: T-recency=37>=26",
            ),
            (
                true,
                0.0,
                0.0,
                0.0,
                26.0,
                0.0,
                0.0,
                0.0,
                0.9,
                Stage::Lapsed,
                "lapsed: T-recency=26>=26",
            ),
        ];
        let col = |k: usize| -> Vec<f64> {
            rows.iter().map(|r| [r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8][k - 1]).collect()
        };
        let purchased: Vec<bool> = rows.iter().map(|r| r.0).collect();
        let (interest, f, rec, t) = (col(1), col(2), col(3), col(4));
        let (refs, revs, recs, p) = (col(5), col(6), col(7), col(8));
        let input = LadderInput {
            purchased: Some(&purchased),
            interest: Some(&interest),
            referrals: Some(&refs),
            reviews: Some(&revs),
            recommendations: Some(&recs),
            p_alive: Some(&p),
            ..LadderInput::new(&f, &rec, &t)
        };
        let opts = LadderOptions { lapse_window: Some(26.0), ..Default::default() };
        let ladder = loyalty_stages(&input, &opts).unwrap();
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(ladder.stages()[i], r.9, "row {i}");
            assert_eq!(ladder.reason_text(i), r.10, "row {i}");
            assert_eq!(ladder.reason(i).stage(), r.9, "row {i}");
        }
        let counts: Vec<usize> = ladder.counts().iter().map(|c| c.1).collect();
        assert_eq!(counts, vec![1, 1, 2, 1, 3, 3]);
        assert_eq!(ladder.count(Stage::Advocate), 3);
    }

    #[test]
    fn defaults_without_signals() {
        let ladder = loyalty_stages(
            &LadderInput::new(&[0.0, 3.0], &[0.0, 8.0], &[100.0, 100.0]),
            &LadderOptions::default(),
        )
        .unwrap();
        // No window, no P(alive): nobody lapses however long ago they bought.
        assert_eq!(ladder.stages(), &[Stage::FirstTime, Stage::Repeat]);
        assert_eq!(ladder.reason(1).code(), "repeat_purchases");
        let purchased = [false];
        let ladder = loyalty_stages(
            &LadderInput {
                purchased: Some(&purchased),
                ..LadderInput::new(&[0.0], &[0.0], &[0.0])
            },
            &LadderOptions::default(),
        )
        .unwrap();
        assert_eq!(ladder.reason_text(0), "suspect: no purchase, no interest signal");
    }

    #[test]
    fn blocks_cover_every_customer_in_order() {
        // Several blocks and a partial one: each customer keeps their own classification.
        let n = 3 * BLOCK + 17;
        let f: Vec<f64> = (0..n).map(|i| (i % 4) as f64).collect();
        let r: Vec<f64> = (0..n).map(|i| (i % 4) as f64 * 2.0).collect();
        let t: Vec<f64> = (0..n).map(|i| 8.0 + (i % 37) as f64).collect();
        let refs: Vec<f64> = (0..n).map(|i| (i % 5 == 0) as u8 as f64).collect();
        let p: Vec<f64> = (0..n).map(|i| (i % 101) as f64 / 100.0).collect();
        let input = LadderInput {
            referrals: Some(&refs),
            p_alive: Some(&p),
            ..LadderInput::new(&f, &r, &t)
        };
        let opts = LadderOptions { lapse_window: Some(30.0), ..Default::default() };
        let ladder = loyalty_stages(&input, &opts).unwrap();
        let advocacy = [(AdvocacySignal::Referrals, &refs[..], 1.0)];
        for i in 0..n {
            let (rule, value) = classify(&input, &opts, &advocacy, i);
            assert_eq!(ladder.stages()[i], rule.stage(), "customer {i}");
            assert_eq!(ladder.rules[i], rule, "customer {i}");
            assert_eq!(ladder.values[i].to_bits(), value.to_bits(), "customer {i}");
        }
        assert!(ladder
            .counts()
            .iter()
            .all(|&(s, c)| c > 0 || matches!(s, Stage::Suspect | Stage::Prospect)));
    }

    #[test]
    fn classifier_matches_the_plain_rules() {
        // A small deterministic generator; values on a grid so that ties with thresholds occur.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |k: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % k
        };
        for case in 0..64 {
            let n = 200;
            let bought: Vec<bool> = (0..n).map(|_| next(4) != 0).collect();
            let f: Vec<f64> =
                (0..n).map(|i| if bought[i] { next(4) as f64 } else { 0.0 }).collect();
            let t: Vec<f64> = (0..n).map(|_| next(60) as f64 / 2.0).collect();
            let r: Vec<f64> =
                (0..n).map(|i| if bought[i] { t[i] * next(5) as f64 / 4.0 } else { 0.0 }).collect();
            let col = |next: &mut dyn FnMut(u64) -> u64, k: u64| -> Vec<f64> {
                (0..n).map(|_| next(k) as f64 / 2.0).collect()
            };
            let interest = col(&mut next, 5);
            let refs = col(&mut next, 4);
            let reviews = col(&mut next, 4);
            let recs = col(&mut next, 4);
            let p: Vec<f64> = (0..n).map(|_| next(11) as f64 / 10.0).collect();
            let on = |bit: u32| case & (1 << bit) != 0;
            let input = LadderInput {
                purchased: on(0).then_some(&bought[..]),
                interest: on(1).then_some(&interest[..]),
                referrals: on(2).then_some(&refs[..]),
                reviews: on(3).then_some(&reviews[..]),
                recommendations: on(4).then_some(&recs[..]),
                p_alive: on(5).then_some(&p[..]),
                ..LadderInput::new(&f, &r, &t)
            };
            let opts = LadderOptions {
                lapse_window: (case % 3 != 0).then_some(10.0 + (case % 5) as f64),
                p_alive_threshold: 0.3 + 0.1 * (case % 4) as f64,
                repeat_min_frequency: 1.0 + (case % 2) as f64,
                advocate_min_reviews: 0.5,
                prospect_min_interest: 1.5,
                ..Default::default()
            };
            let advocacy: Vec<(AdvocacySignal, &[f64], f64)> = [
                (AdvocacySignal::Referrals, input.referrals),
                (AdvocacySignal::Reviews, input.reviews),
                (AdvocacySignal::Recommendations, input.recommendations),
            ]
            .into_iter()
            .filter_map(|(s, c)| c.map(|c| (s, c, opts.advocacy_threshold(s))))
            .collect();
            let ladder = loyalty_stages(&input, &opts).unwrap();
            for i in 0..n {
                let (rule, value) = classify(&input, &opts, &advocacy, i);
                assert_eq!(ladder.rules[i], rule, "case {case}, customer {i}");
                assert_eq!(ladder.values[i].to_bits(), value.to_bits(), "case {case}, {i}");
                assert_eq!(ladder.stages[i], rule.stage());
            }
        }
    }

    #[test]
    fn errors_report_the_first_column_then_the_first_index_across_blocks() {
        let n = 2 * BLOCK + 9;
        let mut f = vec![1.0; n];
        let r = vec![1.0; n];
        let t = vec![2.0; n];
        let mut p = vec![0.7; n];
        let mut bought = vec![true; n];
        p[10] = f64::NAN; // first block
        f[BLOCK + 5] = -1.0; // second block, earlier column
        f[2 * BLOCK + 3] = -2.0;
        let opts = LadderOptions::default();
        let input = LadderInput {
            p_alive: Some(&p),
            purchased: Some(&bought),
            ..LadderInput::new(&f, &r, &t)
        };
        let e = loyalty_stages(&input, &opts).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("frequency"), Some(BLOCK + 5)));
        f[BLOCK + 5] = 1.0;
        f[2 * BLOCK + 3] = 1.0;
        let input = LadderInput {
            p_alive: Some(&p),
            purchased: Some(&bought),
            ..LadderInput::new(&f, &r, &t)
        };
        let e = loyalty_stages(&input, &opts).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("p_alive"), Some(10)));
        p[10] = 0.7;
        bought[2 * BLOCK + 1] = false;
        let input = LadderInput {
            p_alive: Some(&p),
            purchased: Some(&bought),
            ..LadderInput::new(&f, &r, &t)
        };
        let e = loyalty_stages(&input, &opts).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("frequency"), Some(2 * BLOCK + 1)));
        let mut t2 = t.clone();
        t2[BLOCK] = 0.5;
        let e = loyalty_stages(&LadderInput::new(&f, &r, &t2), &opts).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("recency"), Some(BLOCK)));
    }

    #[test]
    fn window_boundary_is_reached_at_equality() {
        // Exactly 26 weeks (182 days) since the last purchase, for many ages: T − recency in weeks
        // is 26 up to rounding (either side), which must lapse (the threshold is reached at
        // equality); one day less must not.
        let (mut rounded_up, mut rounded_down) = (0, 0);
        for age in 182..2000 {
            let (t, r) = (age as f64 / 7.0, (age - 182) as f64 / 7.0);
            rounded_up += usize::from(t - r > 26.0);
            rounded_down += usize::from(t - r < 26.0);
            let r1 = (age - 181) as f64 / 7.0;
            let l = loyalty_stages(
                &LadderInput::new(&[1.0, 1.0], &[r, r1], &[t, t]),
                &LadderOptions { lapse_window: Some(26.0), ..Default::default() },
            )
            .unwrap();
            assert_eq!(l.stages(), &[Stage::Lapsed, Stage::Repeat], "age {age} days");
            assert_eq!(l.reason_text(0), "lapsed: T-recency=26>=26", "age {age} days");
        }
        assert!(rounded_up > 0 && rounded_down > 0, "both roundings are exercised");
    }

    #[test]
    fn custom_thresholds() {
        let opts = LadderOptions {
            repeat_min_frequency: 3.0,
            advocate_min_reviews: 2.5,
            p_alive_threshold: 0.3,
            prospect_min_interest: 2.0,
            ..Default::default()
        };
        let purchased = [true, true, true, true, false];
        let input = LadderInput {
            purchased: Some(&purchased),
            reviews: Some(&[0.0, 2.0, 3.0, 3.0, 0.0]),
            interest: Some(&[0.0, 0.0, 0.0, 0.0, 1.0]),
            p_alive: Some(&[0.4, 0.4, 0.4, 0.29, 0.0]),
            ..LadderInput::new(&[2.0, 3.0, 3.0, 3.0, 0.0], &[5.0; 5], &[6.0; 5])
        };
        let input = LadderInput { recency: &[5.0, 5.0, 5.0, 5.0, 0.0], ..input };
        let l = loyalty_stages(&input, &opts).unwrap();
        assert_eq!(
            l.stages(),
            &[Stage::FirstTime, Stage::Repeat, Stage::Advocate, Stage::Lapsed, Stage::Suspect]
        );
        assert_eq!(l.reason_text(0), "first_time: frequency=2<3");
        assert_eq!(l.reason_text(2), "advocate: frequency=3>=3, reviews=3>=2.5");
        assert_eq!(l.reason_text(3), "lapsed: p_alive=0.29<0.3");
        assert_eq!(l.reason_text(4), "suspect: no purchase, interest=1<2");
    }

    #[test]
    fn bad_input_is_typed() {
        let f = [0.0, 1.0, 2.0];
        let r = [0.0, 1.0, 2.0];
        let t = [3.0, 3.0, 3.0];
        let base = LadderInput::new(&f, &r, &t);
        let opts = LadderOptions::default();
        let err =
            |input: LadderInput<'_>, o: &LadderOptions| loyalty_stages(&input, o).unwrap_err();

        let e = err(LadderInput { p_alive: Some(&[0.5, f64::NAN, 0.2]), ..base }, &opts);
        assert_eq!((e.field(), e.index()), (Some("p_alive"), Some(1)));
        let e = err(LadderInput { p_alive: Some(&[0.5, 0.2, 1.5]), ..base }, &opts);
        assert_eq!((e.field(), e.index()), (Some("p_alive"), Some(2)));
        let e = err(LadderInput { referrals: Some(&[0.5, 0.2]), ..base }, &opts);
        assert!(
            matches!(e, Error::LengthMismatch { ref field, expected: 3, got: 2 } if field == "referrals")
        );
        let e = err(LadderInput { purchased: Some(&[true; 4]), ..base }, &opts);
        assert!(matches!(e, Error::LengthMismatch { ref field, .. } if field == "purchased"));
        let e = err(LadderInput { interest: Some(&[0.0, -1.0, 0.0]), ..base }, &opts);
        assert_eq!((e.field(), e.index()), (Some("interest"), Some(1)));
        let e = err(LadderInput { reviews: Some(&[0.0, 0.0, f64::INFINITY]), ..base }, &opts);
        assert_eq!((e.field(), e.index()), (Some("reviews"), Some(2)));
        let e = err(LadderInput { purchased: Some(&[true, false, true]), ..base }, &opts);
        assert_eq!((e.field(), e.index()), (Some("frequency"), Some(1)));
        let e = err(
            LadderInput {
                purchased: Some(&[true, true, false]),
                frequency: &[0.0, 1.0, 0.0],
                ..base
            },
            &opts,
        );
        assert_eq!((e.field(), e.index()), (Some("recency"), Some(2)));
        let e = err(LadderInput { t: &[3.0, 0.5, 3.0], ..base }, &opts);
        assert_eq!((e.field(), e.index()), (Some("recency"), Some(1)));

        let bad_opts: [(LadderOptions, &str); 7] = [
            (LadderOptions { p_alive_threshold: 0.0, ..Default::default() }, "p_alive_threshold"),
            (LadderOptions { p_alive_threshold: 1.2, ..Default::default() }, "p_alive_threshold"),
            (
                LadderOptions { p_alive_threshold: f64::NAN, ..Default::default() },
                "p_alive_threshold",
            ),
            (LadderOptions { lapse_window: Some(0.0), ..Default::default() }, "lapse_window"),
            (
                LadderOptions { repeat_min_frequency: -1.0, ..Default::default() },
                "repeat_min_frequency",
            ),
            (
                LadderOptions { prospect_min_interest: 0.0, ..Default::default() },
                "prospect_min_interest",
            ),
            (
                LadderOptions { advocate_min_recommendations: f64::NAN, ..Default::default() },
                "advocate_min_recommendations",
            ),
        ];
        for (o, field) in bad_opts {
            let e = err(base, &o);
            assert_eq!((e.field(), e.index()), (Some(field), None));
        }
    }
}
