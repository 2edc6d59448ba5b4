//! Ready-made rule sets for the method's selection questions.
//!
//! Each preset is an ordinary [`RuleSet`] built in code: it serializes to JSON, its thresholds
//! are documented defaults of an options struct, and everything can be edited afterwards
//! (weights and bands are public fields; [`RuleSet::rename_attribute`] maps the default column
//! names to yours).
//!
//! | preset | decisions | criteria (weight 1 each) | hard rules |
//! |---|---|---|---|
//! | [`good_customer`] | `target` ≥ 9, `develop` ≥ 7, `maintain` ≥ 4, `review` | 12 | `bad_debt` → `decline` |
//! | [`big_customer_risk`] | `high_risk` ≥ 2, `watch` ≥ 1, `low_risk` | 6 risk flags | `not_big` |
//! | [`elastic_customer`] | `elastic` ≥ 2 qualifiers, `review` | 6 qualifiers | value sign → `not_elastic`, preconditions → `decline` |
//! | [`dormant_account`] | `dormant` (all 3), `active`, `unknown` | 3 | — |
//! | [`positioning_fit`] | `fit`, `misfit`, `review` | 1 | — |
//! | [`matching_partner`] | `matching` (both), `partial`, `mismatched`, `review` | 2 | — |
//!
//! Missing values: every preset uses `{"undetermined": …}` — a customer is decided only when
//! the missing answers could not change the decision. Thresholds are reached at equality
//! (`≥`, `≤` hold at the threshold) everywhere.

use super::rules::{
    Band, CompareOp, Condition, Criterion, HardRule, MissingPolicy, RuleSet, Value,
};
use super::strategy::Strategy;
use crate::builder::with_setters;

mod principles;
use crate::error::{Error, Result};
pub use principles::{matching_partner, positioning_fit, MatchingOptions, PositioningOptions};

fn finite(field: &str, x: f64) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("must be finite (got {x})")))
    }
}

fn unit(field: &str, q: f64) -> Result<()> {
    if (0.0..=1.0).contains(&q) {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("a quantile must be in [0, 1] (got {q})")))
    }
}

fn cmp(attr: &str, op: CompareOp, t: f64) -> Condition {
    Condition::compare(attr, op, t)
}

fn flag(attr: &str, want: bool) -> Condition {
    Condition::compare(attr, CompareOp::Eq, want)
}

/// Thresholds of [`good_customer`]; the defaults are those listed per field.
///
/// Amounts whose scale depends on the business (spend, purchase frequency, credit score) default
/// to **quantiles of the customer base being evaluated** ([`Value::Quantile`]): a customer buys
/// strongly when in the top quartile of spend and of frequency, not above a fixed 10 000 no
/// CDNOW customer reaches. Set the `min_*` field to use an absolute threshold instead.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct GoodCustomerThresholds {
    /// `annual_spend ≥` this absolute amount (default `None`: the `spend_quantile`).
    pub min_annual_spend: Option<f64>,
    /// `annual_spend ≥` this quantile of the customers' spend (default 0.75, the top quartile).
    pub spend_quantile: f64,
    /// `purchase_frequency ≥` this, purchases per year (default `None`: `frequency_quantile`).
    pub min_purchase_frequency: Option<f64>,
    /// `purchase_frequency ≥` this quantile (default 0.75).
    pub frequency_quantile: f64,
    /// `high_margin_share ≥` this: share of spend on high-margin products (default 0.3).
    pub min_high_margin_share: f64,
    /// `profit_margin ≥` this (default 0.15).
    pub min_profit_margin: f64,
    /// `discount_share ≤` this: discounts ÷ gross revenue (default 0.10).
    pub max_discount_share: f64,
    /// `days_late ≤` this: mean days payments are late (default 30).
    pub max_days_late: f64,
    /// `credit_score ≥` this absolute score (default `None`: the `credit_quantile`).
    pub min_credit_score: Option<f64>,
    /// `credit_score ≥` this quantile of the customers' scores (default 0.5: the better half).
    pub credit_quantile: f64,
    /// Hard rule: `bad_debt >` this declines (default 0).
    pub max_bad_debt: f64,
    /// `service_cost_ratio ≤` this: cost to serve ÷ revenue (default 0.10).
    pub max_service_cost_ratio: f64,
    /// `tenure_years ≥` this (default 2).
    pub min_tenure_years: f64,
    /// `repeat_rate ≥` this: share of periods with a repeat purchase (default 0.5).
    pub min_repeat_rate: f64,
    /// `p_alive ≥` this (default 0.7).
    pub min_p_alive: f64,
    /// `clv_growth ≥` this: predicted CLV ÷ current value (default 1.2).
    pub min_clv_growth: f64,
    /// Lowest share of the criteria kept for `target` (default 0.75: 9 of 12).
    pub target_share: f64,
    /// Lowest share for `develop` (default 0.55: 7 of 12).
    pub develop_share: f64,
    /// Lowest share for `maintain` (default 0.3: 4 of 12); below is `review`.
    pub maintain_share: f64,
    /// Criteria left out, by name, for data you do not hold (default none). The bands are the
    /// shares above of the criteria kept, rounded up to whole criteria.
    pub omit: Vec<String>,
}

with_setters!(GoodCustomerThresholds {
    with_min_annual_spend => min_annual_spend: Option<f64>,
    with_spend_quantile => spend_quantile: f64,
    with_min_purchase_frequency => min_purchase_frequency: Option<f64>,
    with_frequency_quantile => frequency_quantile: f64,
    with_min_high_margin_share => min_high_margin_share: f64,
    with_min_profit_margin => min_profit_margin: f64,
    with_max_discount_share => max_discount_share: f64,
    with_max_days_late => max_days_late: f64,
    with_min_credit_score => min_credit_score: Option<f64>,
    with_credit_quantile => credit_quantile: f64,
    with_max_bad_debt => max_bad_debt: f64,
    with_max_service_cost_ratio => max_service_cost_ratio: f64,
    with_min_tenure_years => min_tenure_years: f64,
    with_min_repeat_rate => min_repeat_rate: f64,
    with_min_p_alive => min_p_alive: f64,
    with_min_clv_growth => min_clv_growth: f64,
    with_target_share => target_share: f64,
    with_develop_share => develop_share: f64,
    with_maintain_share => maintain_share: f64,
    with_omit => omit: Vec<String>,
});

impl Default for GoodCustomerThresholds {
    fn default() -> Self {
        GoodCustomerThresholds {
            min_annual_spend: None,
            spend_quantile: 0.75,
            min_purchase_frequency: None,
            frequency_quantile: 0.75,
            min_high_margin_share: 0.3,
            min_profit_margin: 0.15,
            max_discount_share: 0.10,
            max_days_late: 30.0,
            min_credit_score: None,
            credit_quantile: 0.5,
            max_bad_debt: 0.0,
            max_service_cost_ratio: 0.10,
            min_tenure_years: 2.0,
            min_repeat_rate: 0.5,
            min_p_alive: 0.7,
            min_clv_growth: 1.2,
            target_share: 0.75,
            develop_share: 0.55,
            maintain_share: 0.3,
            omit: Vec::new(),
        }
    }
}

/// Finishes a preset: a customer the unknown answers could decide either way is `review`
/// ([`MissingPolicy::Undetermined`]); the rule set is validated.
fn undecided_to_review(mut r: RuleSet) -> Result<RuleSet> {
    r.missing = MissingPolicy::Undetermined("review".into());
    r.validate()?;
    Ok(r)
}

/// The threshold of a data-scaled criterion: the absolute value when given, else the quantile.
fn scaled(absolute: Option<f64>, q: f64) -> Value {
    absolute.map_or(Value::Quantile(q), Value::Number)
}

/// The criteria names of [`good_customer`], in order.
pub const GOOD_CUSTOMER_CRITERIA: &[&str] = &[
    "purchase_capacity",
    "high_margin_focus",
    "profitability",
    "price_insensitivity",
    "timely_payment",
    "credit_standing",
    "low_service_cost",
    "loyalty",
    "growth_potential",
    "partnership",
    "teaches_firm",
    "strategic_fit",
];

/// The method's good-customer profile (seeds/001:8, 163, 167, 191, 303): twelve criteria of
/// weight 1 and a bad-debt hard rule.
///
/// | criterion | condition (default columns) |
/// |---|---|
/// | `purchase_capacity` | `annual_spend ≥ p75` and `purchase_frequency ≥ p75` (quantiles of the data) |
/// | `high_margin_focus` | `high_margin_share ≥ 0.3` |
/// | `profitability` | `profit_margin ≥ 0.15` |
/// | `price_insensitivity` | `discount_share ≤ 0.1` |
/// | `timely_payment` | `days_late ≤ 30` |
/// | `credit_standing` | `credit_score ≥ p50` (good credit standing, 有良好的信誉) |
/// | `low_service_cost` | `service_cost_ratio ≤ 0.1` |
/// | `loyalty` | `tenure_years ≥ 2`, `repeat_rate ≥ 0.5` and `p_alive ≥ 0.7` |
/// | `growth_potential` | `clv_growth ≥ 1.2` (predicted CLV ÷ current value) |
/// | `partnership` | `willing_to_partner == true` (boolean) |
/// | `teaches_firm` | `teaches_firm == true`: brings new requirements that teach the firm to go beyond its products (教导企业) |
/// | `strategic_fit` | `strategic_fit == true`: fits the firm's strategy and positioning |
///
/// Hard rule `bad_debt`: `bad_debt > 0` → `decline`. Bands, as shares of the criteria kept
/// (all 12 by default): `target` ≥ 0.75 (9), `develop` ≥ 0.55 (7), `maintain` ≥ 0.3 (4),
/// `review` below. Missing values: `{"undetermined": "review"}` — a customer is decided only
/// when the missing answers could not change the decision.
///
/// # Errors
/// [`Error::InvalidValue`] (the threshold's name) for a non-finite threshold or a quantile
/// outside \[0, 1\]; [`Error::UnknownName`] (`omit`) for a criterion that does not exist;
/// [`Error::InvalidValue`] (`omit`) when every criterion is left out; [`Error::InvalidValue`]
/// (`$.decisions[k]`) when the band shares are not decreasing.
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{good_customer, GoodCustomerThresholds};
/// let rules = good_customer(&GoodCustomerThresholds::default())?;
/// assert_eq!(rules.criteria.len(), 12);
/// assert_eq!(rules.score_range(), (0.0, 12.0));
/// let few = GoodCustomerThresholds::default().with_omit(vec!["high_margin_focus".into(), "profitability".into(), "price_insensitivity".into(), "timely_payment".into(), "credit_standing".into(), "low_service_cost".into(), "partnership".into(), "teaches_firm".into(), "strategic_fit".into()]);
/// let rules = good_customer(&few)?;
/// assert_eq!(rules.criteria.len(), 3);
/// assert_eq!(rules.decisions[0].min, Some(3.0)); // target: 0.75 × 3, rounded up
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn good_customer(t: &GoodCustomerThresholds) -> Result<RuleSet> {
    use CompareOp::*;
    for (name, x) in [
        ("min_annual_spend", t.min_annual_spend.unwrap_or(0.0)),
        ("min_purchase_frequency", t.min_purchase_frequency.unwrap_or(0.0)),
        ("min_credit_score", t.min_credit_score.unwrap_or(0.0)),
        ("min_high_margin_share", t.min_high_margin_share),
        ("min_profit_margin", t.min_profit_margin),
        ("max_discount_share", t.max_discount_share),
        ("max_days_late", t.max_days_late),
        ("max_bad_debt", t.max_bad_debt),
        ("max_service_cost_ratio", t.max_service_cost_ratio),
        ("min_tenure_years", t.min_tenure_years),
        ("min_repeat_rate", t.min_repeat_rate),
        ("min_p_alive", t.min_p_alive),
        ("min_clv_growth", t.min_clv_growth),
        ("target_share", t.target_share),
        ("develop_share", t.develop_share),
        ("maintain_share", t.maintain_share),
    ] {
        finite(name, x)?;
    }
    for (name, q) in [
        ("spend_quantile", t.spend_quantile),
        ("frequency_quantile", t.frequency_quantile),
        ("credit_quantile", t.credit_quantile),
    ] {
        unit(name, q)?;
    }
    let c = Criterion::new;
    let all = vec![
        c(
            "purchase_capacity",
            1.0,
            Condition::All(vec![
                Condition::compare(
                    "annual_spend",
                    Ge,
                    scaled(t.min_annual_spend, t.spend_quantile),
                ),
                Condition::compare(
                    "purchase_frequency",
                    Ge,
                    scaled(t.min_purchase_frequency, t.frequency_quantile),
                ),
            ]),
        )
        .describe("strong purchase intent and capacity: spend and frequency (seeds/001:167)"),
        c("high_margin_focus", 1.0, cmp("high_margin_share", Ge, t.min_high_margin_share))
            .describe("buys high-margin products (seeds/001:167)"),
        c("profitability", 1.0, cmp("profit_margin", Ge, t.min_profit_margin)),
        c("price_insensitivity", 1.0, cmp("discount_share", Le, t.max_discount_share))
            .describe("low price sensitivity: small share of discounts"),
        c("timely_payment", 1.0, cmp("days_late", Le, t.max_days_late)),
        c(
            "credit_standing",
            1.0,
            Condition::compare("credit_score", Ge, scaled(t.min_credit_score, t.credit_quantile)),
        )
        .describe("good credit standing (seeds/001:191, 303)"),
        c("low_service_cost", 1.0, cmp("service_cost_ratio", Le, t.max_service_cost_ratio))
            .describe("cost to serve relative to revenue"),
        c(
            "loyalty",
            1.0,
            Condition::All(vec![
                cmp("tenure_years", Ge, t.min_tenure_years),
                cmp("repeat_rate", Ge, t.min_repeat_rate),
                cmp("p_alive", Ge, t.min_p_alive),
            ]),
        ),
        c("growth_potential", 1.0, cmp("clv_growth", Ge, t.min_clv_growth))
            .describe("predicted CLV relative to current value"),
        c("partnership", 1.0, flag("willing_to_partner", true)),
        c("teaches_firm", 1.0, flag("teaches_firm", true)).describe(
            "new requirements that teach the firm to go beyond its products (seeds/001:8, 163)",
        ),
        c("strategic_fit", 1.0, flag("strategic_fit", true))
            .describe("leads the firm into a cycle consistent with its strategy (seeds/001:163)"),
    ];
    for name in &t.omit {
        if !GOOD_CUSTOMER_CRITERIA.contains(&name.as_str()) {
            return Err(Error::unknown_name("omit", name, GOOD_CUSTOMER_CRITERIA));
        }
    }
    let criteria: Vec<Criterion> = all.into_iter().filter(|c| !t.omit.contains(&c.name)).collect();
    if criteria.is_empty() {
        return Err(Error::invalid("omit", "every criterion is left out"));
    }
    let n = criteria.len() as f64;
    let at = |share: f64| (share * n - 1e-9).ceil();
    let (target, develop, maintain) =
        (at(t.target_share), at(t.develop_share), at(t.maintain_share));
    // Bands from the top; a band that would be empty with few criteria kept is dropped.
    let mut bands = vec![Band::new("target", Some(target), None)];
    let mut upper = target;
    for (name, lo) in [("develop", develop), ("maintain", maintain)] {
        if lo < upper {
            bands.push(Band::new(name, Some(lo), Some(upper)));
            upper = lo;
        }
    }
    bands.push(Band::new("review", None, Some(upper)));
    let mut r = RuleSet::new(bands);
    r.name = Some("good_customer".into());
    r.description = Some("The method's good-customer criteria with a bad-debt veto.".into());
    r.criteria = criteria;
    r.hard = vec![HardRule::new("bad_debt", cmp("bad_debt", Gt, t.max_bad_debt), "decline")
        .describe("good credit: any bad debt declines")];
    undecided_to_review(r)
}

/// Thresholds of [`big_customer_risk`]; the defaults are those listed per field.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct BigCustomerRiskThresholds {
    /// `heavy_discount` when `discount_share >` this (default 0.2).
    pub max_discount_share: f64,
    /// `high_service_cost` when `service_cost_ratio >` this (default 0.15).
    pub max_service_cost_ratio: f64,
    /// `payment_risk` when `days_late >` this (default 60) …
    pub max_days_late: f64,
    /// … or `bad_debt >` this (default 0).
    pub max_bad_debt: f64,
    /// `churn_risk` when `p_alive <` this (default 0.5).
    pub min_p_alive: f64,
    /// "Big" when `revenue_share` (the customer's revenue ÷ the total revenue) is at least
    /// this absolute share (default `None`: the `big_quantile`).
    pub min_revenue_share: Option<f64>,
    /// "Big" when `revenue_share` is at least this quantile of the customers' shares (default
    /// 0.8: the top 20 % of customers by revenue, the 80/20 reading of seeds/001:19). Others are
    /// `not_big`: the risks below are those of big customers.
    pub big_quantile: f64,
    /// Lowest number of flags for `high_risk` (default 2).
    pub high_risk_flags: f64,
    /// Lowest number of flags for `watch` (default 1); below is `low_risk`.
    pub watch_flags: f64,
}

with_setters!(BigCustomerRiskThresholds {
    with_max_discount_share => max_discount_share: f64,
    with_max_service_cost_ratio => max_service_cost_ratio: f64,
    with_max_days_late => max_days_late: f64,
    with_max_bad_debt => max_bad_debt: f64,
    with_min_p_alive => min_p_alive: f64,
    with_min_revenue_share => min_revenue_share: Option<f64>,
    with_big_quantile => big_quantile: f64,
    with_high_risk_flags => high_risk_flags: f64,
    with_watch_flags => watch_flags: f64,
});

impl Default for BigCustomerRiskThresholds {
    fn default() -> Self {
        BigCustomerRiskThresholds {
            max_discount_share: 0.2,
            max_service_cost_ratio: 0.15,
            max_days_late: 60.0,
            max_bad_debt: 0.0,
            min_p_alive: 0.5,
            min_revenue_share: None,
            big_quantile: 0.8,
            high_risk_flags: 2.0,
            watch_flags: 1.0,
        }
    }
}

/// Big ≠ good (seeds/001:173, 180): the risks of a big customer, as flags (criteria of weight
/// 1) counted for customers who are big.
///
/// "Big" is a share of revenue: hard rule `not_big` (`revenue_share < p80`, the top 20 % of
/// customers by revenue are big) → `not_big`. Flags: `heavy_discount` (`discount_share > 0.2`),
/// `high_service_cost` (`service_cost_ratio > 0.15`, extra demands), `payment_risk`
/// (`days_late > 60` or `bad_debt > 0`), `churn_risk` (`p_alive < 0.5`: courted by many
/// competitors), `management_risk` (`cross_territory_selling` or `unauthorised_price_change`:
/// 窜货, private price rises or cuts), `go_it_alone_risk` (`going_it_alone`: may set up on its
/// own, 另起炉灶). Bands: `high_risk` ≥ 2 flags, `watch` ≥ 1, `low_risk` otherwise. Missing
/// values: `{"undetermined": "review"}` — a flag that cannot be decided sends the customer to
/// `review` only when it could change the band.
///
/// # Errors
/// [`Error::InvalidValue`] (the threshold's name) for a non-finite threshold or a quantile
/// outside \[0, 1\]; [`Error::InvalidValue`] (`$.decisions[1]`) when
/// `high_risk_flags <= watch_flags`.
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{big_customer_risk, BigCustomerRiskThresholds};
/// let rules = big_customer_risk(&BigCustomerRiskThresholds::default())?;
/// assert_eq!(rules.decision_names(), ["high_risk", "watch", "low_risk", "not_big", "review"]);
/// assert_eq!(rules.criteria.len(), 6);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn big_customer_risk(t: &BigCustomerRiskThresholds) -> Result<RuleSet> {
    use CompareOp::*;
    for (name, x) in [
        ("max_discount_share", t.max_discount_share),
        ("max_service_cost_ratio", t.max_service_cost_ratio),
        ("max_days_late", t.max_days_late),
        ("max_bad_debt", t.max_bad_debt),
        ("min_p_alive", t.min_p_alive),
        ("min_revenue_share", t.min_revenue_share.unwrap_or(0.0)),
        ("high_risk_flags", t.high_risk_flags),
        ("watch_flags", t.watch_flags),
    ] {
        finite(name, x)?;
    }
    unit("big_quantile", t.big_quantile)?;
    let mut r = RuleSet::new(vec![
        Band::new("high_risk", Some(t.high_risk_flags), None),
        Band::new("watch", Some(t.watch_flags), Some(t.high_risk_flags)),
        Band::new("low_risk", None, Some(t.watch_flags)),
    ]);
    r.name = Some("big_customer_risk".into());
    let c = Criterion::new;
    r.criteria = vec![
        c("heavy_discount", 1.0, cmp("discount_share", Gt, t.max_discount_share)),
        c("high_service_cost", 1.0, cmp("service_cost_ratio", Gt, t.max_service_cost_ratio)),
        c(
            "payment_risk",
            1.0,
            Condition::Any(vec![
                cmp("days_late", Gt, t.max_days_late),
                cmp("bad_debt", Gt, t.max_bad_debt),
            ]),
        ),
        c("churn_risk", 1.0, cmp("p_alive", Lt, t.min_p_alive))
            .describe("courted by many competitors: likely to leave"),
        c(
            "management_risk",
            1.0,
            Condition::Any(vec![
                flag("cross_territory_selling", true),
                flag("unauthorised_price_change", true),
            ]),
        )
        .describe("disturbs the market: cross-territory selling, private price changes"),
        c("go_it_alone_risk", 1.0, flag("going_it_alone", true))
            .describe("may set up on its own and become a competitor"),
    ];
    r.hard = vec![HardRule::new(
        "not_big",
        Condition::compare("revenue_share", Lt, scaled(t.min_revenue_share, t.big_quantile)),
        "not_big",
    )
    .describe("big means a large share of revenue")];
    undecided_to_review(r)
}

/// Options of [`elastic_customer`]; the defaults are those listed per field.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct ElasticOptions {
    /// Frequent small transactions: `purchase_frequency ≥` this (default 12) …
    pub min_purchase_frequency: f64,
    /// … and `avg_transaction_value ≤` this (default 100).
    pub max_avg_transaction: f64,
    /// Price insensitivity: `discount_share ≤` this (default 0.1).
    pub max_discount_share: f64,
    /// Precondition: `implicit_value_ratio ≥` this, the implicit value (referrals, influence,
    /// learning) ÷ the explicit short-term loss (default 1: the implicit value must cover it).
    pub min_implicit_ratio: f64,
    /// Lowest number of qualifiers for `elastic` (default 2); fewer is `review`.
    pub min_qualifiers: f64,
}

with_setters!(ElasticOptions {
    with_min_purchase_frequency => min_purchase_frequency: f64,
    with_max_avg_transaction => max_avg_transaction: f64,
    with_max_discount_share => max_discount_share: f64,
    with_min_implicit_ratio => min_implicit_ratio: f64,
    with_min_qualifiers => min_qualifiers: f64,
});

impl Default for ElasticOptions {
    fn default() -> Self {
        ElasticOptions {
            min_purchase_frequency: 12.0,
            max_avg_transaction: 100.0,
            max_discount_share: 0.1,
            min_implicit_ratio: 1.0,
            min_qualifiers: 2.0,
        }
    }
}

/// Strategy of an elastic customer with market influence or technology lead (seeds/001:327).
pub const ELASTIC_MAINTAIN: &str = "try hard to maintain; build switching barriers";
/// Strategy of the other elastic customers (seeds/001:327).
pub const ELASTIC_PARTNER: &str =
    "partnership: help the customer find profit, grow its loyalty; build switching barriers";

/// Elastic customers: short-term (current-period) value negative but lifetime value positive,
/// worth keeping when the method's preconditions hold and enough qualifiers are met.
///
/// Hard rules, in order:
/// * `short_term_value`: `current_value >= 0` → `not_elastic`;
/// * `lifetime_value`: `lifetime_value <= 0` → `not_elastic`;
/// * `implicit_value`: `implicit_value_ratio < 1` → `decline` (explicit vs implicit value weighed);
/// * `service_capacity`: `within_service_capacity == false` → `decline`;
/// * `finances`: `financially_sound == false` → `decline`.
///
/// Qualifiers (criteria of weight 1): `growing_industry` (`industry_growing == true`),
/// `frequent_small_transactions` (`purchase_frequency ≥ 12` and `avg_transaction_value ≤ 100`),
/// `price_insensitive` (`discount_share ≤ 0.1`), `innovation` (`innovative == true`),
/// `market_influence` (`market_influence == true`), `enterprising` (`enterprising == true`:
/// enterprising and willing to share risk, seeds/001:327). Bands: `elastic` ≥ 2 qualifiers,
/// else `review`. Missing values: `{"undetermined": "review"}` — an undecidable precondition or
/// qualifier sends the customer to review only when it could change the decision (a customer
/// with two qualifiers met is elastic whatever a missing `industry_growing` says).
///
/// Strategies (the source's service strategies, [`Evaluation::strategy`](super::Evaluation::strategy)):
/// an elastic customer with market influence or innovative (technology-leading) gets
/// [`ELASTIC_MAINTAIN`], the others [`ELASTIC_PARTNER`]; both build switching barriers.
///
/// # Errors
/// [`Error::InvalidValue`] (the option's name) for a non-finite option.
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{elastic_customer, ElasticOptions};
/// let rules = elastic_customer(&ElasticOptions::default())?;
/// assert_eq!(rules.hard.len(), 5);
/// assert_eq!(rules.criteria.len(), 6);
/// assert_eq!(rules.decision_names(), ["elastic", "review", "not_elastic", "decline"]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn elastic_customer(o: &ElasticOptions) -> Result<RuleSet> {
    use CompareOp::*;
    for (name, x) in [
        ("min_purchase_frequency", o.min_purchase_frequency),
        ("max_avg_transaction", o.max_avg_transaction),
        ("max_discount_share", o.max_discount_share),
        ("min_implicit_ratio", o.min_implicit_ratio),
        ("min_qualifiers", o.min_qualifiers),
    ] {
        finite(name, x)?;
    }
    let mut r = RuleSet::new(vec![
        Band::new("elastic", Some(o.min_qualifiers), None),
        Band::new("review", None, Some(o.min_qualifiers)),
    ]);
    r.name = Some("elastic_customer".into());
    r.description = Some(
        "Negative short-term value, positive lifetime value, qualifiers and preconditions.".into(),
    );
    r.missing = MissingPolicy::Undetermined("review".into());
    let h = HardRule::new;
    r.hard = vec![
        h("short_term_value", cmp("current_value", Ge, 0.0), "not_elastic")
            .describe("elastic customers lose money in the current period"),
        h("lifetime_value", cmp("lifetime_value", Le, 0.0), "not_elastic")
            .describe("elastic customers are worth something over their lifetime"),
        h("implicit_value", cmp("implicit_value_ratio", Lt, o.min_implicit_ratio), "decline")
            .describe("the implicit value must outweigh the explicit loss"),
        h("service_capacity", flag("within_service_capacity", false), "decline"),
        h("finances", flag("financially_sound", false), "decline"),
    ];
    let c = Criterion::new;
    r.criteria = vec![
        c("growing_industry", 1.0, flag("industry_growing", true)),
        c(
            "frequent_small_transactions",
            1.0,
            Condition::All(vec![
                cmp("purchase_frequency", Ge, o.min_purchase_frequency),
                cmp("avg_transaction_value", Le, o.max_avg_transaction),
            ]),
        ),
        c("price_insensitive", 1.0, cmp("discount_share", Le, o.max_discount_share)),
        c("innovation", 1.0, flag("innovative", true))
            .describe("innovative or technology-leading: keeps the supplier's products current"),
        c("market_influence", 1.0, flag("market_influence", true)),
        c("enterprising", 1.0, flag("enterprising", true))
            .describe("enterprising and willing to share risk (seeds/001:327)"),
    ];
    let influential =
        Condition::Any(vec![flag("market_influence", true), flag("innovative", true)]);
    r.strategies = vec![
        Strategy::new("elastic", ELASTIC_MAINTAIN).when(influential),
        Strategy::new("elastic", ELASTIC_PARTNER),
    ];
    r.validate()?;
    Ok(r)
}

/// Options of [`dormant_account`]: the method's example (zero holdings, cash ≤ 100, no trade for
/// 3 years) and the column names read.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct DormantOptions {
    /// `holdings_balance ≤` this (default 0).
    pub max_holdings: f64,
    /// `cash_balance ≤` this (default 100).
    pub max_cash: f64,
    /// `years_since_last_trade ≥` this (default 3).
    pub min_years_inactive: f64,
    /// Column of the holdings balance (default `holdings_balance`).
    pub holdings_column: String,
    /// Column of the cash balance (default `cash_balance`).
    pub cash_column: String,
    /// Column of the years since the last trade (default `years_since_last_trade`).
    pub years_column: String,
}

with_setters!(DormantOptions {
    with_max_holdings => max_holdings: f64,
    with_max_cash => max_cash: f64,
    with_min_years_inactive => min_years_inactive: f64,
    with_holdings_column => holdings_column: String,
    with_cash_column => cash_column: String,
    with_years_column => years_column: String,
});

impl Default for DormantOptions {
    fn default() -> Self {
        DormantOptions {
            max_holdings: 0.0,
            max_cash: 100.0,
            min_years_inactive: 3.0,
            holdings_column: "holdings_balance".into(),
            cash_column: "cash_balance".into(),
            years_column: "years_since_last_trade".into(),
        }
    }
}

/// Dormant accounts: criteria `holdings` (`holdings_balance ≤ 0`), `cash`
/// (`cash_balance ≤ 100`) and `inactive` (`years_since_last_trade ≥ 3`), weight 1 each;
/// `dormant` when all three hold (score 3), else `active`. The threshold is reached at equality:
/// an account silent for exactly 3 years is dormant (seeds/001:14 连续3年以上, "3 years or more").
/// Missing values: `{"undetermined": "unknown"}` — an account with a missing field is `active`
/// when another field already rules dormancy out, else `unknown` (never a confident `active`).
///
/// # Errors
/// [`Error::InvalidValue`] (the option's name) for a non-finite threshold or an empty column
/// name.
///
/// # Examples
/// See the [module docs](super).
pub fn dormant_account(o: &DormantOptions) -> Result<RuleSet> {
    use CompareOp::*;
    finite("max_holdings", o.max_holdings)?;
    finite("max_cash", o.max_cash)?;
    finite("min_years_inactive", o.min_years_inactive)?;
    for (name, col) in [
        ("holdings_column", &o.holdings_column),
        ("cash_column", &o.cash_column),
        ("years_column", &o.years_column),
    ] {
        if col.is_empty() {
            return Err(Error::invalid(name, "a column name must not be empty"));
        }
    }
    let mut r = RuleSet::new(vec![
        Band::new("dormant", Some(3.0), None),
        Band::new("active", None, Some(3.0)),
    ]);
    r.name = Some("dormant_account".into());
    r.missing = MissingPolicy::Undetermined("unknown".into());
    let c = Criterion::new;
    r.criteria = vec![
        c("holdings", 1.0, cmp(&o.holdings_column, Le, o.max_holdings)),
        c("cash", 1.0, cmp(&o.cash_column, Le, o.max_cash)),
        c("inactive", 1.0, cmp(&o.years_column, Ge, o.min_years_inactive)),
    ];
    r.validate()?;
    Ok(r)
}

/// The presets [`preset`] builds, by name.
pub const PRESET_NAMES: &[&str] = &[
    "good_customer",
    "big_customer_risk",
    "elastic_customer",
    "dormant_account",
    "positioning_fit",
    "matching_partner",
];

/// The value of one option given to [`preset`] by name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PresetOption<'a> {
    /// A numeric threshold, e.g. `max_cash`.
    Number(f64),
    /// A text option, e.g. a column name of [`DormantOptions`] (`cash_column`).
    Text(&'a str),
}

fn number(key: &str, v: PresetOption<'_>) -> Result<f64> {
    match v {
        PresetOption::Number(x) => Ok(x),
        PresetOption::Text(t) => {
            Err(Error::invalid(key, format!("must be a number (got the text {t:?})")))
        }
    }
}

/// Sets the numeric fields of an options struct by name; `None` for an unknown key.
macro_rules! set_numbers {
    ($s:expr, $key:expr, $v:expr, [$($f:ident),*]) => {
        match $key {
            $(stringify!($f) => {
                $s.$f = number($key, $v)?;
                Ok(Some(()))
            })*
            _ => Ok(None),
        }
    };
}

impl GoodCustomerThresholds {
    /// Option names accepted by [`preset`] for `good_customer` (`omit` is text: criterion names
    /// separated by commas).
    pub const FIELDS: &'static [&'static str] = &[
        "min_annual_spend",
        "spend_quantile",
        "min_purchase_frequency",
        "frequency_quantile",
        "min_high_margin_share",
        "min_profit_margin",
        "max_discount_share",
        "max_days_late",
        "min_credit_score",
        "credit_quantile",
        "max_bad_debt",
        "max_service_cost_ratio",
        "min_tenure_years",
        "min_repeat_rate",
        "min_p_alive",
        "min_clv_growth",
        "target_share",
        "develop_share",
        "maintain_share",
        "omit",
    ];

    fn set(&mut self, key: &str, v: PresetOption<'_>) -> Result<Option<()>> {
        let absolute = match key {
            "min_annual_spend" => &mut self.min_annual_spend,
            "min_purchase_frequency" => &mut self.min_purchase_frequency,
            "min_credit_score" => &mut self.min_credit_score,
            "omit" => {
                let PresetOption::Text(t) = v else {
                    return Err(Error::invalid(key, "must be criterion names separated by commas"));
                };
                self.omit = t
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
                return Ok(Some(()));
            }
            _ => {
                return set_numbers!(
                    self,
                    key,
                    v,
                    [
                        spend_quantile,
                        frequency_quantile,
                        credit_quantile,
                        min_high_margin_share,
                        min_profit_margin,
                        max_discount_share,
                        max_days_late,
                        max_bad_debt,
                        max_service_cost_ratio,
                        min_tenure_years,
                        min_repeat_rate,
                        min_p_alive,
                        min_clv_growth,
                        target_share,
                        develop_share,
                        maintain_share
                    ]
                )
            }
        };
        *absolute = Some(number(key, v)?);
        Ok(Some(()))
    }
}

impl BigCustomerRiskThresholds {
    /// Option names accepted by [`preset`] for `big_customer_risk`.
    pub const FIELDS: &'static [&'static str] = &[
        "max_discount_share",
        "max_service_cost_ratio",
        "max_days_late",
        "max_bad_debt",
        "min_p_alive",
        "min_revenue_share",
        "big_quantile",
        "high_risk_flags",
        "watch_flags",
    ];

    fn set(&mut self, key: &str, v: PresetOption<'_>) -> Result<Option<()>> {
        if key == "min_revenue_share" {
            self.min_revenue_share = Some(number(key, v)?);
            return Ok(Some(()));
        }
        set_numbers!(
            self,
            key,
            v,
            [
                max_discount_share,
                max_service_cost_ratio,
                max_days_late,
                max_bad_debt,
                min_p_alive,
                big_quantile,
                high_risk_flags,
                watch_flags
            ]
        )
    }
}

impl ElasticOptions {
    /// Option names accepted by [`preset`] for `elastic_customer`.
    pub const FIELDS: &'static [&'static str] = &[
        "min_purchase_frequency",
        "max_avg_transaction",
        "max_discount_share",
        "min_implicit_ratio",
        "min_qualifiers",
    ];

    fn set(&mut self, key: &str, v: PresetOption<'_>) -> Result<Option<()>> {
        set_numbers!(
            self,
            key,
            v,
            [
                min_purchase_frequency,
                max_avg_transaction,
                max_discount_share,
                min_implicit_ratio,
                min_qualifiers
            ]
        )
    }
}

impl DormantOptions {
    /// Option names accepted by [`preset`] for `dormant_account`.
    pub const FIELDS: &'static [&'static str] = &[
        "max_holdings",
        "max_cash",
        "min_years_inactive",
        "holdings_column",
        "cash_column",
        "years_column",
    ];

    fn set(&mut self, key: &str, v: PresetOption<'_>) -> Result<Option<()>> {
        let column = match key {
            "holdings_column" => &mut self.holdings_column,
            "cash_column" => &mut self.cash_column,
            "years_column" => &mut self.years_column,
            _ => return set_numbers!(self, key, v, [max_holdings, max_cash, min_years_inactive]),
        };
        match v {
            PresetOption::Text(t) => {
                *column = t.to_string();
                Ok(Some(()))
            }
            PresetOption::Number(x) => {
                Err(Error::invalid(key, format!("must be a column name (got the number {x})")))
            }
        }
    }
}

/// Builds a preset by name with options given by name and columns renamed: the entry point of
/// the C and Python bindings.
///
/// `name` is one of [`PRESET_NAMES`]; `options` overrides the defaults of the preset's options
/// struct (its field names, e.g. `("max_cash", Number(60.0))`, listed in its `FIELDS`);
/// `renames` maps the preset's default column names to yours (`("clv_growth", "growth")`), as
/// [`RuleSet::rename_attribute`].
///
/// # Errors
/// [`Error::UnknownName`] (`preset`) for an unknown preset; [`Error::UnknownName`] (`options`,
/// listing the valid names) for an unknown option; [`Error::InvalidValue`] (the option's name)
/// for a value of the wrong kind or a non-finite threshold; [`Error::InvalidValue`] (`columns`,
/// position in `renames`) for a column the preset does not read; the preset's own errors.
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{preset, PresetOption};
/// let rules = preset(
///     "dormant_account",
///     &[("max_cash", PresetOption::Number(60.0))],
///     &[("cash_balance", "cash")],
/// )?;
/// assert_eq!(rules.attributes(), ["holdings_balance", "cash", "years_since_last_trade"]);
/// let err = preset("dormant_account", &[("max_kash", PresetOption::Number(1.0))], &[]);
/// assert_eq!(err.unwrap_err().field(), Some("options"));
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn preset(
    name: &str, options: &[(&str, PresetOption<'_>)], renames: &[(&str, &str)],
) -> Result<RuleSet> {
    fn apply<T>(
        mut o: T, fields: &[&str], options: &[(&str, PresetOption<'_>)],
        set: impl Fn(&mut T, &str, PresetOption<'_>) -> Result<Option<()>>,
    ) -> Result<T> {
        for (key, v) in options {
            if set(&mut o, key, *v)?.is_none() {
                return Err(Error::unknown_name("options", *key, fields));
            }
        }
        Ok(o)
    }
    let mut rules = match name {
        "good_customer" => good_customer(&apply(
            GoodCustomerThresholds::default(),
            GoodCustomerThresholds::FIELDS,
            options,
            GoodCustomerThresholds::set,
        )?)?,
        "big_customer_risk" => big_customer_risk(&apply(
            BigCustomerRiskThresholds::default(),
            BigCustomerRiskThresholds::FIELDS,
            options,
            BigCustomerRiskThresholds::set,
        )?)?,
        "elastic_customer" => elastic_customer(&apply(
            ElasticOptions::default(),
            ElasticOptions::FIELDS,
            options,
            ElasticOptions::set,
        )?)?,
        "dormant_account" => dormant_account(&apply(
            DormantOptions::default(),
            DormantOptions::FIELDS,
            options,
            DormantOptions::set,
        )?)?,
        "positioning_fit" => positioning_fit(&apply(
            PositioningOptions::default(),
            &["segments", "segment_column"],
            options,
            |o: &mut PositioningOptions, key, v| {
                let PresetOption::Text(t) = v else {
                    return Err(Error::invalid(key, "must be text"));
                };
                match key {
                    "segments" => o.segments = t.split(',').map(|s| s.trim().to_string()).collect(),
                    "segment_column" => o.segment_column = t.to_string(),
                    _ => return Ok(None),
                }
                Ok(Some(()))
            },
        )?)?,
        "matching_partner" => matching_partner(&apply(
            MatchingOptions::default(),
            MatchingOptions::FIELDS,
            options,
            |o: &mut MatchingOptions, key, v| {
                set_numbers!(
                    o,
                    key,
                    v,
                    [
                        min_relative_size,
                        max_relative_size,
                        min_relative_strength,
                        max_relative_strength
                    ]
                )
            },
        )?)?,
        other => return Err(Error::unknown_name("preset", other, PRESET_NAMES)),
    };
    for (k, (from, to)) in renames.iter().enumerate() {
        if to.is_empty() {
            return Err(Error::invalid_at("columns", k, "a column name must not be empty"));
        }
        if rules.rename_attribute(from, to) == 0 {
            return Err(Error::invalid_at(
                "columns",
                k,
                format!("the preset {name:?} reads no column {from:?}"),
            ));
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_validate_and_reject_nan() {
        assert!(good_customer(&GoodCustomerThresholds::default()).is_ok());
        assert!(big_customer_risk(&BigCustomerRiskThresholds::default()).is_ok());
        assert!(elastic_customer(&ElasticOptions::default()).is_ok());
        assert!(dormant_account(&DormantOptions::default()).is_ok());
        let g = GoodCustomerThresholds { min_p_alive: f64::NAN, ..Default::default() };
        assert_eq!(good_customer(&g).unwrap_err().field(), Some("min_p_alive"));
        let d = DormantOptions { max_cash: f64::INFINITY, ..Default::default() };
        assert_eq!(dormant_account(&d).unwrap_err().field(), Some("max_cash"));
        let d = DormantOptions { cash_column: String::new(), ..Default::default() };
        assert_eq!(dormant_account(&d).unwrap_err().field(), Some("cash_column"));
        let b = BigCustomerRiskThresholds { watch_flags: 3.0, ..Default::default() };
        let e = big_customer_risk(&b).unwrap_err();
        assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
        assert_eq!(e.field(), Some("$.decisions[1]"));
        let e = ElasticOptions { min_qualifiers: f64::NAN, ..Default::default() };
        assert_eq!(elastic_customer(&e).unwrap_err().field(), Some("min_qualifiers"));
    }

    #[test]
    fn preset_by_name_options_and_renames() {
        use PresetOption::{Number, Text};
        let r = preset("dormant_account", &[], &[]).unwrap();
        assert_eq!(r, dormant_account(&DormantOptions::default()).unwrap());
        let r = preset(
            "good_customer",
            &[("min_p_alive", Number(0.5)), ("target_share", Number(0.8))],
            &[("clv_growth", "growth")],
        )
        .unwrap();
        let want = good_customer(&GoodCustomerThresholds {
            min_p_alive: 0.5,
            target_share: 0.8,
            ..Default::default()
        })
        .map(|mut w| {
            w.rename_attribute("clv_growth", "growth");
            w
        })
        .unwrap();
        assert_eq!(r, want);
        let r = preset("dormant_account", &[("cash_column", Text("cash"))], &[]).unwrap();
        assert_eq!(r.attributes(), ["holdings_balance", "cash", "years_since_last_trade"]);
        let cases: Vec<(Result<RuleSet>, &str, Option<usize>)> = vec![
            (preset("vip", &[], &[]), "preset", None),
            (preset("big_customer_risk", &[("nope", Number(1.0))], &[]), "options", None),
            (
                preset("elastic_customer", &[("min_qualifiers", Text("x"))], &[]),
                "min_qualifiers",
                None,
            ),
            (preset("dormant_account", &[("cash_column", Number(1.0))], &[]), "cash_column", None),
            (
                preset("good_customer", &[("min_p_alive", Number(f64::NAN))], &[]),
                "min_p_alive",
                None,
            ),
            (preset("good_customer", &[], &[("p_alive", "pa"), ("zz", "y")]), "columns", Some(1)),
            (preset("good_customer", &[], &[("p_alive", "")]), "columns", Some(0)),
        ];
        for (got, field, index) in cases {
            let e = got.unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{e}");
        }
        assert!(matches!(
            preset("big_customer_risk", &[("nope", Number(1.0))], &[]),
            Err(Error::UnknownName { .. })
        ));
    }
}
