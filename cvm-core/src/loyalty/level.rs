//! Oliver's four loyalty phases.

use crate::builder::with_setters;
use crate::names::{normalize, text_form};
use std::fmt;

use super::{check_finite_scalar, check_len};
use crate::error::{check, Error, Result};
use crate::parallel::{count_by, par_fill_with, task_rows};
use crate::text::{self, render_column, TextColumn};

/// A loyalty level (Oliver 1999): attitudinal phases first, behaviour last. Ordered from `None`
/// to `Action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LoyaltyLevel {
    /// No level's condition holds.
    None,
    /// Cognitive loyalty: the customer believes the offer is better than the alternatives.
    Cognitive,
    /// Affective loyalty: liking — satisfaction with or preference for the offer.
    Affective,
    /// Conative loyalty: a stated intention to buy again.
    Conative,
    /// Action loyalty: actual repeat purchase despite obstacles (a higher price, a competitor's
    /// offer).
    Action,
}

impl LoyaltyLevel {
    /// Every level, lowest first.
    pub const ALL: [LoyaltyLevel; 5] = [
        LoyaltyLevel::None,
        LoyaltyLevel::Cognitive,
        LoyaltyLevel::Affective,
        LoyaltyLevel::Conative,
        LoyaltyLevel::Action,
    ];

    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] =
        &["none", "cognitive", "affective", "conative", "action"];

    /// The canonical name: `"none"`, `"cognitive"`, `"affective"`, `"conative"`, `"action"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LoyaltyLevel::None => "none",
            LoyaltyLevel::Cognitive => "cognitive",
            LoyaltyLevel::Affective => "affective",
            LoyaltyLevel::Conative => "conative",
            LoyaltyLevel::Action => "action",
        }
    }

    /// The signal whose condition defines this level (`None` for [`LoyaltyLevel::None`]).
    pub fn signal(self) -> Option<LevelSignal> {
        match self {
            LoyaltyLevel::None => None,
            LoyaltyLevel::Cognitive => Some(LevelSignal::BeliefBetter),
            LoyaltyLevel::Affective => Some(LevelSignal::Satisfaction),
            LoyaltyLevel::Conative => Some(LevelSignal::RepurchaseIntent),
            LoyaltyLevel::Action => Some(LevelSignal::RepeatDespiteObstacles),
        }
    }
}

text_form!(LoyaltyLevel, "level", |text| {
    let norm = normalize(text, &[]);
    LoyaltyLevel::ALL.into_iter().find(|l| l.as_str() == norm)
});

/// The signal behind each level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LevelSignal {
    /// Belief that the offer is better (cognitive).
    BeliefBetter,
    /// Satisfaction or preference score (affective).
    Satisfaction,
    /// Stated repurchase intent (conative).
    RepurchaseIntent,
    /// Repeat purchases made despite obstacles (action).
    RepeatDespiteObstacles,
}

impl LevelSignal {
    /// The column name: `"belief_better"`, `"satisfaction"`, `"repurchase_intent"`,
    /// `"repeat_despite_obstacles"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LevelSignal::BeliefBetter => "belief_better",
            LevelSignal::Satisfaction => "satisfaction",
            LevelSignal::RepurchaseIntent => "repurchase_intent",
            LevelSignal::RepeatDespiteObstacles => "repeat_despite_obstacles",
        }
    }

    /// The level this signal defines.
    pub fn level(self) -> LoyaltyLevel {
        match self {
            LevelSignal::BeliefBetter => LoyaltyLevel::Cognitive,
            LevelSignal::Satisfaction => LoyaltyLevel::Affective,
            LevelSignal::RepurchaseIntent => LoyaltyLevel::Conative,
            LevelSignal::RepeatDespiteObstacles => LoyaltyLevel::Action,
        }
    }
}

/// One comparison `value >= threshold` of a signal.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SignalCheck {
    /// The signal.
    pub signal: LevelSignal,
    /// The customer's value.
    pub value: f64,
    /// The threshold it was compared with.
    pub threshold: f64,
}

impl SignalCheck {
    /// True when `value >= threshold`.
    pub fn holds(&self) -> bool {
        self.value >= self.threshold
    }
}

impl SignalCheck {
    /// Appends the check as its [`Display`](fmt::Display) writes it.
    fn push_to(&self, out: &mut String) {
        let op = if self.holds() { ">=" } else { "<" };
        text::push_comparison(out, self.signal.as_str(), self.value, op, self.threshold);
    }
}

impl fmt::Display for SignalCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.push_to(&mut s);
        f.write_str(&s)
    }
}

/// Why a customer has their level: the condition that reached it and the one that stopped the
/// climb.
///
/// Renders as `"<level>: <reached>; <stopped>"`, e.g.
/// `"conative: repurchase_intent=5>=4; repeat_despite_obstacles=0<1"`, or
/// `"none: belief_better=0<0.5"`, or `"none: no signal observed"`.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LevelReason {
    /// The level assigned.
    pub level: LoyaltyLevel,
    /// The condition of the level assigned (`None` for [`LoyaltyLevel::None`]).
    pub reached: Option<SignalCheck>,
    /// The first failing condition above the level (cumulative rule: the one that stopped the
    /// climb); `None` when every observed condition above holds or none is observed.
    pub stopped: Option<SignalCheck>,
}

impl LevelReason {
    /// Appends the reason as its [`Display`](fmt::Display) writes it.
    fn push_to(&self, out: &mut String) {
        out.push_str(self.level.as_str());
        out.push_str(": ");
        match (self.reached, self.stopped) {
            (Some(r), Some(s)) => {
                r.push_to(out);
                out.push_str("; ");
                s.push_to(out);
            }
            (Some(c), None) | (None, Some(c)) => c.push_to(out),
            (None, None) => out.push_str("no signal observed"),
        }
    }
}

impl fmt::Display for LevelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(text::REASON_CAPACITY);
        self.push_to(&mut s);
        f.write_str(&s)
    }
}

/// How the conditions of the levels combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LevelRule {
    /// Oliver's phases are sequential (default): a level is reached when its condition holds and
    /// no condition below it fails. Climbing from cognitive, the first failing condition stops
    /// the climb; an unobserved condition (column not given, or a missing value with
    /// [`MissingSignal::Unobserved`]) neither holds nor stops it.
    #[default]
    Cumulative,
    /// The highest level whose own condition holds, whatever the levels below.
    Highest,
}

impl LevelRule {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["cumulative", "highest"];

    /// `"cumulative"` or `"highest"`.
    pub fn as_str(self) -> &'static str {
        match self {
            LevelRule::Cumulative => "cumulative",
            LevelRule::Highest => "highest",
        }
    }
}

text_form!(LevelRule, "rule", |text| match normalize(text, &[]).as_str() {
    "cumulative" => Some(LevelRule::Cumulative),
    "highest" => Some(LevelRule::Highest),
    _ => None,
});

/// What a NaN in a signal column means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MissingSignal {
    /// A NaN is an error naming the column and index (default).
    #[default]
    Error,
    /// A NaN is an unanswered question: the condition is unobserved for that customer.
    Unobserved,
}

impl MissingSignal {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["error", "unobserved"];

    /// `"error"` or `"unobserved"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MissingSignal::Error => "error",
            MissingSignal::Unobserved => "unobserved",
        }
    }
}

text_form!(MissingSignal, "missing", |text| match normalize(text, &[]).as_str() {
    "error" => Some(MissingSignal::Error),
    "unobserved" => Some(MissingSignal::Unobserved),
    _ => None,
});

/// The attitudinal and behavioural signals, one element per customer. At least one column must
/// be given; a column not given is unobserved for everyone.
#[derive(Debug, Clone, Copy, Default)]
pub struct LevelInput<'a> {
    /// Belief that the offer is better than the alternatives: a 0/1 flag or a score (cognitive).
    pub belief_better: Option<&'a [f64]>,
    /// Satisfaction or preference score, e.g. 1–5 (affective).
    pub satisfaction: Option<&'a [f64]>,
    /// Stated repurchase intent, e.g. 1–5 (conative).
    pub repurchase_intent: Option<&'a [f64]>,
    /// Repeat purchases made despite an obstacle — a higher price, a competitor's offer (action;
    /// a count, ≥ 0).
    pub repeat_despite_obstacles: Option<&'a [f64]>,
}

/// Thresholds of the levels (a condition holds when `value >= threshold`) and how they combine.
///
/// The default mapping: belief ≥ 0.5 (a 0/1 flag or a share of "better" answers), satisfaction
/// ≥ 4 and repurchase intent ≥ 4 (on 1–5 scales: "satisfied", "likely"), at least 1 repeat
/// purchase despite an obstacle; [`LevelRule::Cumulative`]; NaN is an error.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LevelOptions {
    /// Threshold of `belief_better` (default 0.5; finite).
    pub belief_threshold: f64,
    /// Threshold of `satisfaction` (default 4; finite).
    pub satisfaction_threshold: f64,
    /// Threshold of `repurchase_intent` (default 4; finite).
    pub intent_threshold: f64,
    /// Threshold of `repeat_despite_obstacles` (default 1; finite, > 0).
    pub obstacles_threshold: f64,
    /// How the conditions combine (default [`LevelRule::Cumulative`]).
    pub rule: LevelRule,
    /// What a NaN means (default [`MissingSignal::Error`]).
    pub missing: MissingSignal,
}

with_setters!(LevelOptions {
    with_belief_threshold => belief_threshold: f64,
    with_satisfaction_threshold => satisfaction_threshold: f64,
    with_intent_threshold => intent_threshold: f64,
    with_obstacles_threshold => obstacles_threshold: f64,
    with_rule => rule: LevelRule,
    with_missing => missing: MissingSignal,
});

impl Default for LevelOptions {
    fn default() -> Self {
        LevelOptions {
            belief_threshold: 0.5,
            satisfaction_threshold: 4.0,
            intent_threshold: 4.0,
            obstacles_threshold: 1.0,
            rule: LevelRule::Cumulative,
            missing: MissingSignal::Error,
        }
    }
}

impl LevelOptions {
    /// Checks every threshold against its domain.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the option: a threshold not finite, or
    /// `obstacles_threshold` not > 0.
    pub fn validate(&self) -> Result<()> {
        check_finite_scalar("belief_threshold", self.belief_threshold)?;
        check_finite_scalar("satisfaction_threshold", self.satisfaction_threshold)?;
        check_finite_scalar("intent_threshold", self.intent_threshold)?;
        check::scalar_positive("obstacles_threshold", self.obstacles_threshold)
    }

    fn threshold(&self, s: LevelSignal) -> f64 {
        match s {
            LevelSignal::BeliefBetter => self.belief_threshold,
            LevelSignal::Satisfaction => self.satisfaction_threshold,
            LevelSignal::RepurchaseIntent => self.intent_threshold,
            LevelSignal::RepeatDespiteObstacles => self.obstacles_threshold,
        }
    }
}

/// Every customer's level and the reason for it, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    levels: Vec<LoyaltyLevel>,
    /// Value of the signal of the level reached (0 for `None`).
    reached: Vec<f64>,
    /// The first failing condition above the level, if any.
    stopped_signal: Vec<Option<LevelSignal>>,
    /// Its value (0 when there is none).
    stopped: Vec<f64>,
    options: LevelOptions,
}

impl Levels {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// True when there are no customers (never, for a result of [`loyalty_levels`]).
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// The level of every customer.
    pub fn levels(&self) -> &[LoyaltyLevel] {
        &self.levels
    }

    /// The options the levels were assigned with.
    pub fn options(&self) -> &LevelOptions {
        &self.options
    }

    /// The reason of customer `i`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason(&self, i: usize) -> LevelReason {
        let o = &self.options;
        let check = |signal: LevelSignal, value: f64| SignalCheck {
            signal,
            value,
            threshold: o.threshold(signal),
        };
        let level = self.levels[i];
        LevelReason {
            level,
            reached: level.signal().map(|s| check(s, self.reached[i])),
            stopped: self.stopped_signal[i].map(|s| check(s, self.stopped[i])),
        }
    }

    /// The reasons of all customers, in order.
    pub fn reasons(&self) -> impl ExactSizeIterator<Item = LevelReason> + '_ {
        (0..self.len()).map(|i| self.reason(i))
    }

    /// The reason of customer `i` as text.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason_text(&self, i: usize) -> String {
        let mut s = String::with_capacity(text::REASON_CAPACITY);
        self.reason(i).push_to(&mut s);
        s
    }

    /// Every customer's reason as text ([`reason_text`](Self::reason_text)), each distinct
    /// reason written once a stretch of rows, on the thread pool ([`TextColumn`]).
    pub fn reason_texts(&self) -> TextColumn {
        // The level, the value reached and the first failing signal with its value fix the text.
        let key = |i: usize| {
            let stopped = self.stopped_signal[i];
            let stopped_value = stopped.map_or(0, |_| self.stopped[i].to_bits());
            (self.levels[i], self.reached[i].to_bits(), stopped, stopped_value)
        };
        render_column(self.len(), key, |i| self.reason_text(i))
    }

    /// Number of customers at each level, in the order of [`LoyaltyLevel::ALL`].
    ///
    /// One pass over the customers, in chunks on the thread pool from 16,384 customers.
    pub fn counts(&self) -> Vec<(LoyaltyLevel, usize)> {
        // A level's discriminant is its place in `ALL`.
        let counts = count_by(self.len(), LoyaltyLevel::ALL.len(), |i| self.levels[i] as usize);
        LoyaltyLevel::ALL.into_iter().zip(counts).collect()
    }
}

/// Assigns each customer a loyalty level from attitudinal and behavioural signals.
///
/// # Rules
/// Each level has one condition, `signal >= threshold` ([`LevelOptions`]):
/// cognitive — `belief_better`; affective — `satisfaction`; conative — `repurchase_intent`;
/// action — `repeat_despite_obstacles`. A condition is *unobserved* for a customer when its
/// column is not given (or, with [`MissingSignal::Unobserved`], the value is NaN).
///
/// * [`LevelRule::Cumulative`] (default): climb from cognitive; a holding condition raises the
///   level to its own, an unobserved one is skipped, the first failing one stops the climb.
/// * [`LevelRule::Highest`]: the highest level whose condition holds.
///
/// No holding condition gives [`LoyaltyLevel::None`]. The [`LevelReason`] names the condition of
/// the level reached and the first failing condition above it.
///
/// The checks of the columns run on the thread pool from 16,384 customers, the classification
/// from 256 customers; the result is the same on any number of threads.
///
/// # Errors
/// * [`Error::InvalidValue`] (`signals`) when no column is given; naming the column and the first
///   index for a NaN (with [`MissingSignal::Error`]) or infinite value, or a negative
///   `repeat_despite_obstacles`; naming the option for a threshold outside its domain;
/// * [`Error::Empty`] for empty columns; [`Error::LengthMismatch`] for columns of different
///   lengths (the first given column sets the length).
///
/// # Examples
/// ```
/// use cvm_core::loyalty::{loyalty_levels, LevelInput, LevelOptions, LoyaltyLevel};
/// let input = LevelInput {
///     belief_better: Some(&[1.0, 1.0, 0.0]),
///     satisfaction: Some(&[5.0, 3.0, 5.0]),
///     repurchase_intent: Some(&[4.0, 5.0, 5.0]),
///     repeat_despite_obstacles: Some(&[0.0, 2.0, 3.0]),
/// };
/// let levels = loyalty_levels(&input, &LevelOptions::default())?;
/// assert_eq!(levels.levels(), &[LoyaltyLevel::Conative, LoyaltyLevel::Cognitive, LoyaltyLevel::None]);
/// assert_eq!(levels.reason_text(1), "cognitive: belief_better=1>=0.5; satisfaction=3<4");
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn loyalty_levels(input: &LevelInput<'_>, options: &LevelOptions) -> Result<Levels> {
    options.validate()?;
    let columns: Vec<(LevelSignal, &[f64])> = [
        (LevelSignal::BeliefBetter, input.belief_better),
        (LevelSignal::Satisfaction, input.satisfaction),
        (LevelSignal::RepurchaseIntent, input.repurchase_intent),
        (LevelSignal::RepeatDespiteObstacles, input.repeat_despite_obstacles),
    ]
    .into_iter()
    .filter_map(|(s, c)| c.map(|c| (s, c)))
    .collect();
    let Some(&(first, first_col)) = columns.first() else {
        return Err(Error::invalid(
            "signals",
            "at least one of belief_better, satisfaction, repurchase_intent, \
             repeat_despite_obstacles is required",
        ));
    };
    let n = first_col.len();
    check::non_empty(first.as_str(), n)?;
    for &(s, c) in &columns {
        check_len(s.as_str(), n, Some(c))?;
        let field = s.as_str();
        let nan_ok = options.missing == MissingSignal::Unobserved;
        if s == LevelSignal::RepeatDespiteObstacles {
            check::all(field, c, "must be finite and >= 0", |x| {
                (nan_ok && x.is_nan()) || (x.is_finite() && x >= 0.0)
            })?;
        } else {
            check::all(field, c, "must be finite", |x| (nan_ok && x.is_nan()) || x.is_finite())?;
        }
    }

    let thresholds: Vec<f64> = columns.iter().map(|&(s, _)| options.threshold(s)).collect();
    // Customer i's level, the value of its signal and the condition that stopped the climb.
    let classify = |i: usize| {
        let mut level = LoyaltyLevel::None;
        let mut reached = 0.0;
        let mut stopped = None;
        match options.rule {
            LevelRule::Cumulative => {
                for (&(s, c), &t) in columns.iter().zip(&thresholds) {
                    let v = c[i];
                    if v.is_nan() {
                        continue;
                    }
                    if v >= t {
                        level = s.level();
                        reached = v;
                    } else {
                        stopped = Some((s, v));
                        break;
                    }
                }
            }
            LevelRule::Highest => {
                for (&(s, c), &t) in columns.iter().zip(&thresholds).rev() {
                    if c[i] >= t {
                        level = s.level();
                        reached = c[i];
                        break;
                    }
                }
                stopped = columns
                    .iter()
                    .zip(&thresholds)
                    .find(|&(&(s, c), &t)| s.level() > level && c[i] < t)
                    .map(|(&(s, c), _)| (s, c[i]));
            }
        }
        (level, reached, stopped)
    };
    let mut levels = vec![LoyaltyLevel::None; n];
    let mut reached = vec![0.0; n];
    let mut stopped_signal = vec![None; n];
    let mut stopped = vec![0.0; n];
    // Tasks of `chunk` customers, each writing its part of the four columns.
    let chunk = task_rows(n);
    let mut parts: Vec<_> = reached
        .chunks_mut(chunk)
        .zip(stopped_signal.chunks_mut(chunk))
        .zip(stopped.chunks_mut(chunk))
        .collect();
    par_fill_with(&mut levels, chunk, &mut parts, |c, part, ((reached, signal), value)| {
        for (k, level) in part.iter_mut().enumerate() {
            let (l, r, s) = classify(c * chunk + k);
            *level = l;
            reached[k] = r;
            signal[k] = s.map(|x| x.0);
            value[k] = s.map_or(0.0, |x| x.1);
        }
    });
    Ok(Levels { levels, reached, stopped_signal, stopped, options: options.clone() })
}

#[cfg(test)]
#[path = "level_tests.rs"]
mod tests;
