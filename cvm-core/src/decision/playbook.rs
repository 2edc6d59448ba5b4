//! Playbooks: the next best action for each segment a customer belongs to, with an explicit
//! precedence between segment types.

use crate::names::{normalize, text_form};

use crate::error::{Error, Result};
use crate::loyalty::{ChurnRiskOptions, RiskBand, Stage};

/// Schema version of the playbook JSON document.
pub const PLAYBOOK_VERSION: u32 = 1;

/// Most plays a playbook may hold.
pub const MAX_PLAYS: usize = 1024;

/// Longest action, segment or source text in a play, in bytes.
pub const MAX_TEXT_BYTES: usize = 1024;

/// A kind of segment a customer can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SegmentType {
    /// A dormant account (segment `dormant`), seeds/001:14.
    Dormant,
    /// A customer charged the low-balance monthly fee (segment `fee_due`), seeds/001:442, 486.
    Fee,
    /// The big-customer-risk decision (`high_risk`, `watch`, `low_risk`), seeds/001:173.
    BigCustomerRisk,
    /// The churn band of the churn probability (`low`, `medium`, `high`).
    ChurnBand,
    /// An elastic customer (`short_term_negative`, `influential`, `elastic`), seeds/001:327.
    Elastic,
    /// The loyalty-ladder stage (`suspect` … `lapsed`), seeds/004:15.
    LoyaltyStage,
    /// The value-matrix cell label (any label the matrix uses), seeds/001:49, 62–64.
    MatrixCell,
}

impl SegmentType {
    /// Every segment type, in the default precedence order.
    pub const ALL: [SegmentType; 7] = [
        SegmentType::Dormant,
        SegmentType::Fee,
        SegmentType::BigCustomerRisk,
        SegmentType::ChurnBand,
        SegmentType::Elastic,
        SegmentType::LoyaltyStage,
        SegmentType::MatrixCell,
    ];

    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &[
        "dormant",
        "fee",
        "big_customer_risk",
        "churn_band",
        "elastic",
        "loyalty_stage",
        "matrix_cell",
    ];

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// The segment values of this type, or `None` when any non-empty label is accepted
    /// (matrix cells, whose labels the matrix configuration chooses).
    pub fn segments(self) -> Option<&'static [&'static str]> {
        match self {
            SegmentType::Dormant => Some(&["dormant"]),
            SegmentType::Fee => Some(&["fee_due"]),
            SegmentType::BigCustomerRisk => Some(&["high_risk", "watch", "low_risk"]),
            SegmentType::ChurnBand => Some(RiskBand::NAMES),
            SegmentType::Elastic => Some(&["short_term_negative", "influential", "elastic"]),
            SegmentType::LoyaltyStage => Some(Stage::NAMES),
            SegmentType::MatrixCell => None,
        }
    }
}

text_form!(SegmentType, "segment_type", |text| {
    let norm = normalize(text, &[]);
    SegmentType::ALL.into_iter().find(|t| t.as_str() == norm)
});

/// One play: the action for customers in one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Play {
    /// The segment type.
    pub segment_type: SegmentType,
    /// The segment value (e.g. `lapsed` for [`SegmentType::LoyaltyStage`]).
    pub segment: String,
    /// The action, in words.
    pub action: String,
    /// Where the action comes from (a citation such as `seeds/001:327`), or empty.
    pub source: String,
}

impl Play {
    fn new(segment_type: SegmentType, segment: &str, action: &str, source: &str) -> Self {
        Play { segment_type, segment: segment.into(), action: action.into(), source: source.into() }
    }
}

/// The churn-probability cut points of the churn bands: `low` below `medium`, `medium` from
/// `medium` up to (excluding) `high`, `high` from `high` (as [`crate::loyalty::churn_risk`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChurnBands {
    /// Lower bound of the medium band (default 1/3).
    pub medium: f64,
    /// Lower bound of the high band (default 2/3).
    pub high: f64,
}

impl Default for ChurnBands {
    fn default() -> Self {
        ChurnBands { medium: 1.0 / 3.0, high: 2.0 / 3.0 }
    }
}

impl ChurnBands {
    /// The band of a churn probability.
    pub fn band(&self, p: f64) -> RiskBand {
        let rule = ChurnRiskOptions {
            medium_threshold: self.medium,
            high_threshold: self.high,
            ..Default::default()
        };
        rule.band(p)
    }
}

/// The segments one customer belongs to, one optional value per segment type (`None`: not
/// given or not in any segment of that type).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Segments<'s> {
    /// Value per type, indexed by `SegmentType as usize`.
    pub values: [Option<&'s str>; 7],
}

impl<'s> Segments<'s> {
    /// Sets the segment of one type.
    pub fn set(&mut self, t: SegmentType, value: Option<&'s str>) {
        self.values[t as usize] = value;
    }

    /// The segment of one type.
    pub fn get(&self, t: SegmentType) -> Option<&'s str> {
        self.values[t as usize]
    }
}

/// The next best action chosen for one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextAction {
    /// The action (the playbook's fallback when no play applies).
    pub action: String,
    /// The play chosen: its index in [`Playbook::plays`], `None` for the fallback.
    pub play: Option<usize>,
    /// Why: the segment that decided, its rank in the precedence, and the plays it outranked.
    pub reason: String,
}

/// A playbook: plays per segment, a precedence between segment types and a fallback.
///
/// For each customer, the segment types are consulted in [`Playbook::precedence`] order; the
/// first type whose segment has a play decides. A segment without a play (e.g. `repeat` in the
/// default playbook) falls through to the next type; a type missing from the precedence is
/// never consulted. The reason names the deciding segment, its rank, and every other play that
/// also applied and was outranked.
#[derive(Debug, Clone, PartialEq)]
pub struct Playbook {
    /// Schema version ([`PLAYBOOK_VERSION`]).
    pub version: u32,
    /// Name of the playbook.
    pub name: String,
    /// Segment types in decreasing precedence (each at most once).
    pub precedence: Vec<SegmentType>,
    /// Churn-probability cut points of the churn bands.
    pub churn_bands: ChurnBands,
    /// The plays (each `(segment_type, segment)` at most once).
    pub plays: Vec<Play>,
    /// The action when no play applies.
    pub fallback: String,
}

impl Default for Playbook {
    /// The default playbook, from the source texts (see `docs/decisions.md` for each reading):
    ///
    /// | type | segment | action | source |
    /// |---|---|---|---|
    /// | dormant | dormant | reactivate | seeds/001:14 |
    /// | fee | fee_due | explain fee, offer to avoid it | seeds/001:442, 486 |
    /// | big_customer_risk | high_risk / watch | control risk / watch | seeds/001:173 |
    /// | churn_band | high / medium | retain now / raise loyalty | seeds/003:8 |
    /// | elastic | short_term_negative / influential / elastic | partnership / try hard to maintain / switching barriers | seeds/001:327 |
    /// | loyalty_stage | suspect … lapsed (not repeat) | next step up the ladder | seeds/004:15, 003:8 |
    /// | matrix_cell | 4 cells | cultivate / maintain / think before investing | seeds/001:49, 62–64 |
    fn default() -> Self {
        use SegmentType::*;
        let p = Play::new;
        let plays = vec![
            p(Dormant, "dormant", "reactivate: remind the customer and offer to restore the account", "seeds/001:14"),
            p(Fee, "fee_due", "explain the monthly fee and how to avoid it (raise the balance or change tier)", "seeds/001:442; seeds/001:486"),
            p(BigCustomerRisk, "high_risk", "control the risk before investing: credit, cross-territory selling, price discipline", "seeds/001:173"),
            p(BigCustomerRisk, "watch", "watch the big-customer risk signals at each review", "seeds/001:173"),
            p(ChurnBand, "high", "retain now: find the churn cause (natural, competitive, fault) and answer it", "seeds/003:8"),
            p(ChurnBand, "medium", "raise loyalty: service quality, personal offers, complaint handling", "seeds/003:8"),
            p(Elastic, "short_term_negative", "form a partnership: help the customer find profit, aim at long-term profit", "seeds/001:327"),
            p(Elastic, "influential", "try hard to maintain (influential or technology-leading customer)", "seeds/001:327"),
            p(Elastic, "elastic", "build switching barriers: support upgrades and differentiation", "seeds/001:327"),
            p(LoyaltyStage, "suspect", "qualify: confirm need and fit before spending", "seeds/004:15"),
            p(LoyaltyStage, "prospect", "convert: make the first purchase easy", "seeds/004:15"),
            p(LoyaltyStage, "first_time", "encourage the second purchase", "seeds/004:15"),
            p(LoyaltyStage, "advocate", "reward and enlist as a referrer", "seeds/004:15; seeds/000"),
            p(LoyaltyStage, "lapsed", "win back: find why the customer left; reminders and easy payment", "seeds/003:8"),
            p(MatrixCell, "high_current_high_potential", "cultivate this group", "seeds/001:49; seeds/001:64"),
            p(MatrixCell, "low_current_high_potential", "cultivate this group", "seeds/001:49; seeds/001:64"),
            p(MatrixCell, "high_current_low_potential", "maintain this group", "seeds/001:49; seeds/001:62"),
            p(MatrixCell, "low_current_low_potential", "think carefully before investing resources", "seeds/001:49; seeds/001:63"),
        ];
        Playbook {
            version: PLAYBOOK_VERSION,
            name: "default".into(),
            precedence: SegmentType::ALL.to_vec(),
            churn_bands: ChurnBands::default(),
            plays,
            fallback: "no action: standard service".into(),
        }
    }
}

fn check_text(field: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if text.len() > MAX_TEXT_BYTES {
        let reason =
            format!("{} bytes; the limit (MAX_TEXT_BYTES) is {MAX_TEXT_BYTES}", text.len());
        return Err(Error::invalid(field, reason));
    }
    Ok(())
}

impl Playbook {
    /// Checks the playbook: version, precedence without repeats, churn cut points with
    /// `0 < medium ≤ high ≤ 1`, at most [`MAX_PLAYS`] plays, each with a valid segment for its
    /// type, non-empty texts of at most [`MAX_TEXT_BYTES`] bytes, and no `(type, segment)` twice.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the field (`plays[3].segment`, `precedence[2]`, …).
    pub fn validate(&self) -> Result<()> {
        if self.version != PLAYBOOK_VERSION {
            let reason =
                format!("unsupported version {} (expected {PLAYBOOK_VERSION})", self.version);
            return Err(Error::invalid("version", reason));
        }
        for (k, t) in self.precedence.iter().enumerate() {
            if self.precedence[..k].contains(t) {
                return Err(Error::invalid(
                    format!("precedence[{k}]"),
                    format!("{t} listed twice"),
                ));
            }
        }
        let b = self.churn_bands;
        if !(b.medium > 0.0 && b.medium <= b.high && b.high <= 1.0) {
            let reason = format!("need 0 < medium <= high <= 1 (got {} and {})", b.medium, b.high);
            return Err(Error::invalid("churn_bands", reason));
        }
        if self.plays.len() > MAX_PLAYS {
            let reason =
                format!("{} plays; the limit (MAX_PLAYS) is {MAX_PLAYS}", self.plays.len());
            return Err(Error::invalid("plays", reason));
        }
        check_text("fallback", &self.fallback)?;
        for (k, play) in self.plays.iter().enumerate() {
            check_text(&format!("plays[{k}].segment"), &play.segment)?;
            check_text(&format!("plays[{k}].action"), &play.action)?;
            if play.source.len() > MAX_TEXT_BYTES {
                return Err(Error::invalid(format!("plays[{k}].source"), "too long"));
            }
            if let Some(valid) = play.segment_type.segments() {
                if !valid.contains(&play.segment.as_str()) {
                    return Err(Error::unknown_name(
                        format!("plays[{k}].segment ({})", play.segment_type),
                        play.segment.clone(),
                        valid,
                    ));
                }
            }
            let twice = self.plays[..k]
                .iter()
                .any(|q| q.segment_type == play.segment_type && q.segment == play.segment);
            if twice {
                let reason = format!("{}={} has a play already", play.segment_type, play.segment);
                return Err(Error::invalid(format!("plays[{k}]"), reason));
            }
        }
        Ok(())
    }

    /// The play for one segment, if any.
    pub fn play(&self, t: SegmentType, segment: &str) -> Option<usize> {
        self.plays.iter().position(|p| p.segment_type == t && p.segment == segment)
    }

    /// The next best action for a customer in `segments`.
    ///
    /// The segment types are consulted in precedence order; the first with a play decides.
    /// The reason reads `dormant=dormant (precedence 1 of 7): reactivate …; outranks
    /// matrix_cell=high_current_low_potential (maintain this group)`, or, when no play applies,
    /// `no play applies: <fallback>`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::decision::{Playbook, SegmentType, Segments};
    /// let book = Playbook::default();
    /// let mut s = Segments::default();
    /// s.set(SegmentType::MatrixCell, Some("high_current_low_potential"));
    /// assert_eq!(book.next_best_action(&s).action, "maintain this group");
    /// s.set(SegmentType::LoyaltyStage, Some("lapsed"));
    /// let a = book.next_best_action(&s);
    /// assert!(a.action.starts_with("win back"));
    /// assert!(a.reason.starts_with("loyalty_stage=lapsed (precedence 6 of 7)"));
    /// assert!(a.reason.ends_with("outranks matrix_cell=high_current_low_potential (maintain this group)"));
    /// ```
    pub fn next_best_action(&self, segments: &Segments<'_>) -> NextAction {
        let mut chosen: Option<(usize, usize)> = None;
        let mut outranked = Vec::new();
        for (rank, &t) in self.precedence.iter().enumerate() {
            let Some(seg) = segments.get(t) else { continue };
            let Some(k) = self.play(t, seg) else { continue };
            if chosen.is_none() {
                chosen = Some((rank, k));
            } else {
                outranked.push(k);
            }
        }
        let Some((rank, k)) = chosen else {
            return NextAction {
                action: self.fallback.clone(),
                play: None,
                reason: format!("no play applies: {}", self.fallback),
            };
        };
        let play = &self.plays[k];
        let mut reason = format!(
            "{}={} (precedence {} of {}): {}",
            play.segment_type,
            play.segment,
            rank + 1,
            self.precedence.len(),
            play.action
        );
        if !outranked.is_empty() {
            let others: Vec<String> = outranked
                .iter()
                .map(|&o| {
                    let q = &self.plays[o];
                    format!("{}={} ({})", q.segment_type, q.segment, q.action)
                })
                .collect();
            reason.push_str("; outranks ");
            reason.push_str(&others.join(", "));
        }
        NextAction { action: play.action.clone(), play: Some(k), reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_covers_every_type() {
        let b = Playbook::default();
        b.validate().unwrap();
        for t in SegmentType::ALL {
            assert!(b.plays.iter().any(|p| p.segment_type == t), "{t}");
            assert_eq!(t.as_str().parse::<SegmentType>().unwrap(), t);
        }
    }

    #[test]
    fn precedence_and_fallthrough() {
        let b = Playbook::default();
        let mut s = Segments::default();
        assert_eq!(b.next_best_action(&s).reason, "no play applies: no action: standard service");
        s.set(SegmentType::LoyaltyStage, Some("repeat")); // no play: falls through
        s.set(SegmentType::MatrixCell, Some("low_current_low_potential"));
        let a = b.next_best_action(&s);
        assert_eq!(a.action, "think carefully before investing resources");
        assert_eq!(a.reason, "matrix_cell=low_current_low_potential (precedence 7 of 7): think carefully before investing resources");
        s.set(SegmentType::Dormant, Some("dormant"));
        let a = b.next_best_action(&s);
        assert_eq!(a.play, Some(0));
        assert!(a.reason.starts_with("dormant=dormant (precedence 1 of 7)"));
    }

    #[test]
    fn validation_names_the_field() {
        let mut b = Playbook::default();
        b.plays[3].segment = "severe".into();
        assert_eq!(b.validate().unwrap_err().field(), Some("plays[3].segment (big_customer_risk)"));
        let mut b = Playbook::default();
        b.precedence.push(SegmentType::Fee);
        assert_eq!(b.validate().unwrap_err().field(), Some("precedence[7]"));
        let mut b = Playbook::default();
        b.plays.push(b.plays[0].clone());
        assert_eq!(b.validate().unwrap_err().field(), Some("plays[18]"));
        let mut b = Playbook::default();
        b.churn_bands.medium = 0.9;
        assert_eq!(b.validate().unwrap_err().field(), Some("churn_bands"));
    }
}
