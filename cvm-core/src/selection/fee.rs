//! Fee schedule: a monthly fee when the average daily balance of all of a customer's accounts
//! is below the threshold of the customer's tier.
//!
//! The method's example (seeds/001:442) is a bank that, for customers of its standard tier,
//! charges a monthly service fee of 150 when the month's average daily total balance of all
//! accounts under one customer number is below 100 000, and for its premier tier ("卓越理财")
//! 300 below 500 000; a second bank (seeds/001:486) charges 50 a month below 80 000. The first
//! is [`FeeSchedule::default`]; any other is a [`FeeSchedule`] built in code or read from a
//! versioned JSON document ([`FeeSchedule::from_json`], schema in `docs/fees.md`).
//!
//! **Boundary**: "below" (不足, 低于) is strict: an average equal to the threshold pays no fee.
//! The average is the one of [`monthly_average_daily_balance`](super::monthly_average_daily_balance),
//! rounded to the cent before it is compared.

use super::daily_balance::MonthlyBalances;
use crate::builder::with_setters;
use crate::error::{Error, Result};
use crate::parallel::{par_map, par_try_map};
use crate::text::{render_rows, TextColumn};

/// The version of the fee-schedule document this library writes and reads.
pub const FEE_SCHEDULE_VERSION: u32 = 1;

/// The most tiers a schedule may have.
pub const MAX_TIERS: usize = 1000;

/// One customer tier: the fee charged in a month whose average daily balance is below the
/// threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct FeeTier {
    /// Name of the tier (non-empty, unique within the schedule).
    pub tier: String,
    /// Average daily balance below which the fee is charged (finite, ≥ 0).
    pub threshold: f64,
    /// Monthly fee (finite, ≥ 0).
    pub fee: f64,
}

impl FeeTier {
    /// A tier.
    pub fn new(tier: impl Into<String>, threshold: f64, fee: f64) -> Self {
        FeeTier { tier: tier.into(), threshold, fee }
    }
}

/// Tiers with their thresholds and fees.
#[derive(Debug, Clone, PartialEq)]
pub struct FeeSchedule {
    /// Optional name of the schedule.
    pub name: Option<String>,
    /// The tiers, at least one.
    pub tiers: Vec<FeeTier>,
}

impl Default for FeeSchedule {
    /// The method's example (seeds/001:442): tier `standard` pays 150 below 100 000, tier
    /// `premier` 300 below 500 000.
    fn default() -> Self {
        FeeSchedule {
            name: Some("seed_001_line_442".into()),
            tiers: vec![
                FeeTier::new("standard", 100_000.0, 150.0),
                FeeTier::new("premier", 500_000.0, 300.0),
            ],
        }
    }
}

impl FeeSchedule {
    /// A schedule of `tiers`, validated.
    ///
    /// # Errors
    /// As [`FeeSchedule::validate`].
    pub fn new(tiers: Vec<FeeTier>) -> Result<Self> {
        let s = FeeSchedule { name: None, tiers };
        s.validate()?;
        Ok(s)
    }

    /// Checks the schedule.
    ///
    /// # Errors
    /// [`Error::Json`] with the path of the problem: `$.tiers` (none, or more than
    /// [`MAX_TIERS`]), `$.tiers[i].tier` (empty or repeated), `$.tiers[i].threshold` and
    /// `$.tiers[i].fee` (not finite or negative).
    pub fn validate(&self) -> Result<()> {
        let err = |path: String, reason: String| Error::json(path, reason);
        if self.tiers.is_empty() {
            return Err(err("$.tiers".into(), "a schedule needs at least one tier".into()));
        }
        if self.tiers.len() > MAX_TIERS {
            let n = self.tiers.len();
            return Err(err(
                "$.tiers".into(),
                format!("{n} tiers; the limit (MAX_TIERS) is {MAX_TIERS}"),
            ));
        }
        let mut seen = std::collections::HashMap::new();
        for (i, t) in self.tiers.iter().enumerate() {
            let at = |k: &str| format!("$.tiers[{i}].{k}");
            if t.tier.is_empty() {
                return Err(err(at("tier"), "a tier name must not be empty".into()));
            }
            if let Some(j) = seen.insert(t.tier.as_str(), i) {
                return Err(err(at("tier"), format!("tier {:?} is already $.tiers[{j}]", t.tier)));
            }
            for (k, v) in [("threshold", t.threshold), ("fee", t.fee)] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(err(at(k), format!("expected a finite amount >= 0, got {v}")));
                }
            }
        }
        Ok(())
    }

    /// Index of the tier named `name`.
    pub fn tier_index(&self, name: &str) -> Option<usize> {
        self.tiers.iter().position(|t| t.tier == name)
    }

    /// The tier names, comma-separated (for messages).
    fn tier_list(&self) -> String {
        self.tiers.iter().map(|t| t.tier.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(feature = "serde")]
impl FeeSchedule {
    /// Reads a schedule document:
    /// `{"version": 1, "name": …, "tiers": [{"tier": "standard", "threshold": 100000, "fee": 150}, …]}`
    /// (`name` optional; unknown keys, repeated keys and wrong types are errors).
    ///
    /// # Errors
    /// [`Error::Json`] with the JSON path of the problem (also for a document longer than
    /// [`MAX_DOCUMENT_BYTES`](super::MAX_DOCUMENT_BYTES), an unsupported `version`, and every
    /// problem [`FeeSchedule::validate`] reports).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::selection::FeeSchedule;
    /// // The second bank of the method's text (seeds/001:486): 50 a month below 80 000.
    /// let s = FeeSchedule::from_json(
    ///     r#"{"version": 1, "tiers": [{"tier": "standard", "threshold": 80000, "fee": 50}]}"#,
    /// )?;
    /// assert_eq!((s.tiers[0].threshold, s.tiers[0].fee), (80_000.0, 50.0));
    /// assert_eq!(FeeSchedule::from_json(&s.to_json())?, s);
    /// let e = FeeSchedule::from_json(r#"{"version": 1, "tiers": [{"tier": "x", "threshold": -1, "fee": 5}]}"#);
    /// assert_eq!(e.unwrap_err().field(), Some("$.tiers[0].threshold"));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        use super::json::{parse, Obj};
        let v = parse(text)?;
        let o = Obj::new(&v, "$", &["version", "name", "description", "tiers"])?;
        let version = o.number("version")?;
        if version != f64::from(FEE_SCHEDULE_VERSION) {
            return Err(Error::json(
                "$.version",
                format!("unsupported version {version}; this library reads {FEE_SCHEDULE_VERSION}"),
            ));
        }
        o.opt_string("description")?;
        let tiers = o
            .array_at_most("tiers", MAX_TIERS, "MAX_TIERS")?
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let t = Obj::new(
                    t,
                    &format!("$.tiers[{i}]"),
                    &["tier", "threshold", "fee", "description"],
                )?;
                t.opt_string("description")?;
                Ok(FeeTier {
                    tier: t.string("tier")?,
                    threshold: t.number("threshold")?,
                    fee: t.number("fee")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let s = FeeSchedule { name: o.opt_string("name")?, tiers };
        s.validate()?;
        Ok(s)
    }

    /// The schedule as a pretty-printed JSON document; [`FeeSchedule::from_json`] reads it back
    /// equal.
    pub fn to_json(&self) -> String {
        use serde_json::{json, Value};
        let tiers: Vec<Value> = self
            .tiers
            .iter()
            .map(|t| json!({"tier": t.tier, "threshold": t.threshold, "fee": t.fee}))
            .collect();
        let mut doc = serde_json::Map::new();
        doc.insert("version".into(), json!(FEE_SCHEDULE_VERSION));
        if let Some(n) = &self.name {
            doc.insert("name".into(), json!(n));
        }
        doc.insert("tiers".into(), Value::Array(tiers));
        serde_json::to_string_pretty(&Value::Object(doc)).expect("a JSON value always serializes")
    }
}

/// Each customer's tier, in columns of equal length.
#[derive(Debug, Clone, Copy)]
pub struct CustomerTiers<'a, S> {
    /// Customer ids, each at most once.
    pub customer_id: &'a [i64],
    /// Tier name of each, one of the schedule's.
    pub tier: &'a [S],
}

/// Options of [`fee_schedule`].
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct FeeOptions {
    /// Tier of a customer the mapping does not list; `None` (default): such a customer is an
    /// error.
    pub default_tier: Option<String>,
}

with_setters!(FeeOptions {
    with_default_tier => default_tier: Option<String>,
});

/// The fee of every customer-month, with the balances behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeeResult {
    /// Customer-months and their average daily balances.
    pub balances: MonthlyBalances,
    /// Index into [`FeeSchedule::tiers`] of each customer-month's tier.
    pub tier: Vec<usize>,
    /// The tier's threshold.
    pub threshold: Vec<f64>,
    /// The fee charged: the tier's fee when the average is below the threshold, else 0.
    pub fee: Vec<f64>,
    /// The schedule applied.
    pub schedule: FeeSchedule,
}

fn amount(x: f64) -> String {
    format!("{:.2}", x + 0.0)
}

impl FeeResult {
    /// Number of customer-months.
    pub fn len(&self) -> usize {
        self.tier.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.tier.is_empty()
    }

    /// Tier name of customer-month `i`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn tier_name(&self, i: usize) -> &str {
        &self.schedule.tiers[self.tier[i]].tier
    }

    /// The reason of customer-month `i`, amounts to the cent, e.g.
    /// `fee 150.00: average daily balance 84516.13 in 2024-01 is below the standard tier's
    /// threshold 100000.00`, or `no fee: average daily balance 130000.00 in 2024-02 is at or
    /// above the standard tier's threshold 100000.00`; a month the accounts were not open
    /// throughout says so (`accounts open 12 of 31 days; the days before count as 0`).
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason(&self, i: usize) -> String {
        let b = &self.balances;
        let (adb, t) = (b.average_daily_balance[i], self.threshold[i]);
        let what = format!(
            "average daily balance {} in {} is {} the {} tier's threshold {}",
            amount(adb),
            b.month_label(i),
            if adb < t { "below" } else { "at or above" },
            self.tier_name(i),
            amount(t)
        );
        let mut text = if self.fee[i] > 0.0 {
            format!("fee {}: {what}", amount(self.fee[i]))
        } else if adb < t {
            format!("no fee: {what}, and the tier's fee is 0.00")
        } else {
            format!("no fee: {what}")
        };
        let (open, dim) = (b.days_open[i], b.days_in_month[i]);
        if open < dim {
            text.push_str(&match b.average_over {
                super::AverageOver::DaysOpen => format!(" (averaged over the {open} days open)"),
                _ => format!(" (accounts open {open} of {dim} days; the days before count as 0)"),
            });
        }
        text
    }

    /// Every customer-month's [`reason`](Self::reason) (each names its month and balance, so
    /// each is its own text), written on the thread pool.
    pub fn reason_texts(&self) -> TextColumn {
        render_rows(self.len(), |i| self.reason(i))
    }
}

/// The monthly fee of every customer-month: the tier's fee when the month's average daily
/// balance is below the tier's threshold (strictly), else 0.
///
/// Customers of the tier mapping without a month in `balances` are ignored. Work O((n + m) log m)
/// for `n` customer-months and `m` customers mapped: the mapping's ids sorted, then each tier name
/// and each customer-month looked up on the thread pool (from 1,025 names or months).
///
/// # Errors
/// * [`Error::LengthMismatch`] (`tier`) when the mapping's columns differ in length;
/// * [`Error::InvalidValue`] with the row: `tier_customer_id` (a customer listed twice),
///   `tier` (a tier the schedule does not have; the message lists the schedule's tiers);
///   `customer_id` with the customer's first row in the log for a customer the mapping does not
///   list when there is no default tier; `default_tier` when it is not a tier of the schedule;
/// * as [`FeeSchedule::validate`] for an invalid schedule.
///
/// # Examples
/// Customer 1 (standard) averages 84 193.55 in January 2024 and pays 150; customer 2 (premier)
/// averages 600 000 and pays nothing.
/// ```
/// use cvm_core::calendar::days_from_civil;
/// use cvm_core::selection::{
///     fee_schedule, monthly_average_daily_balance, AccountLog, BalanceInput, BalanceOptions,
///     CustomerTiers, FeeOptions, FeeSchedule,
/// };
/// use cvm_core::TimestampUnit;
/// let d = |dd| days_from_civil(2024, 1, dd).unwrap();
/// // Customer 1: 60 000 from Jan 1, +50 000 at the end of Jan 17 (15 days of 110 000).
/// // (60 000 × 31 + 50 000 × 15) / 31 = 84 193.55.
/// let log = AccountLog {
///     account_id: &[10, 11, 20],
///     customer_id: &[1, 1, 2],
///     timestamp: &[d(1), d(17), d(1)],
///     value: &[60_000.0, 50_000.0, 600_000.0],
/// };
/// let m = monthly_average_daily_balance(
///     &log, None, &BalanceOptions::new(BalanceInput::Transactions, TimestampUnit::Day))?;
/// let tiers = CustomerTiers { customer_id: &[1, 2], tier: &["standard", "premier"] };
/// let r = fee_schedule(m, &tiers, &FeeSchedule::default(), &FeeOptions::default())?;
/// assert_eq!(r.balances.average_daily_balance, [84_193.55, 600_000.0]);
/// assert_eq!(r.fee, [150.0, 0.0]);
/// assert_eq!(
///     r.reason(0),
///     "fee 150.00: average daily balance 84193.55 in 2024-01 is below the standard tier's \
///      threshold 100000.00"
/// );
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn fee_schedule<S: AsRef<str> + Sync>(
    balances: MonthlyBalances, tiers: &CustomerTiers<'_, S>, schedule: &FeeSchedule,
    options: &FeeOptions,
) -> Result<FeeResult> {
    schedule.validate()?;
    let (ids, names) = (tiers.customer_id, tiers.tier);
    crate::error::check::same_len("tier", ids.len(), names.len())?;
    let default = match &options.default_tier {
        None => None,
        Some(t) => Some(schedule.tier_index(t).ok_or_else(|| {
            Error::invalid(
                "default_tier",
                format!("unknown tier {t:?}; the schedule's tiers are {}", schedule.tier_list()),
            )
        })?),
    };
    let order = super::daily_balance::sorted_ids(ids, "tier_customer_id", |id, first| {
        format!("customer {id} is given a second tier (the first is row {first})")
    })?;
    let index = par_try_map(names.len(), |j| {
        let n = names[j].as_ref();
        schedule.tier_index(n).ok_or_else(|| {
            Error::invalid_at(
                "tier",
                j,
                format!(
                    "unknown tier {n:?}; expected one of the schedule's tiers: {}",
                    schedule.tier_list()
                ),
            )
        })
    })?;
    let n = balances.len();
    let tier = par_try_map(n, |i| {
        let c = balances.customer_id[i];
        match order.binary_search_by_key(&c, |&j| ids[j]) {
            Ok(k) => Ok(index[order[k]]),
            Err(_) => default.ok_or_else(|| {
                Error::invalid_at(
                    "customer_id",
                    balances.first_row[i],
                    format!(
                        "customer {c} has no tier: list it in the tier mapping or set a default \
                         tier (the schedule's tiers are {})",
                        schedule.tier_list()
                    ),
                )
            }),
        }
    })?;
    let threshold = par_map(n, |i| schedule.tiers[tier[i]].threshold);
    let fee = par_map(n, |i| {
        let FeeTier { threshold: limit, fee: charge, .. } = schedule.tiers[tier[i]];
        if balances.average_daily_balance[i] < limit {
            charge
        } else {
            0.0
        }
    });
    Ok(FeeResult { balances, tier, threshold, fee, schedule: schedule.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_names_the_path() {
        let t = |tier: &str, th: f64, fee: f64| FeeTier::new(tier, th, fee);
        let cases = [
            (vec![], "$.tiers"),
            (vec![t("", 1.0, 1.0)], "$.tiers[0].tier"),
            (vec![t("a", 1.0, 1.0), t("a", 2.0, 1.0)], "$.tiers[1].tier"),
            (vec![t("a", f64::NAN, 1.0)], "$.tiers[0].threshold"),
            (vec![t("a", 1.0, -2.0)], "$.tiers[0].fee"),
        ];
        for (tiers, path) in cases {
            assert_eq!(FeeSchedule::new(tiers).unwrap_err().field(), Some(path));
        }
        assert!(FeeSchedule::default().validate().is_ok());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn json_round_trip_and_errors() {
        let s = FeeSchedule::default();
        assert_eq!(FeeSchedule::from_json(&s.to_json()).unwrap(), s);
        let cases = [
            (r#"{"version": 2, "tiers": []}"#, "$.version"),
            (r#"{"version": 1, "tiers": [{"tier": "a", "threshold": 1}]}"#, "$.tiers[0].fee"),
            (
                r#"{"version": 1, "tiers": [{"tier": "a", "threshold": 1, "fee": 1, "x": 1}]}"#,
                "$.tiers[0].x",
            ),
            (
                r#"{"version": 1, "tiers": [{"tier": 3, "threshold": 1, "fee": 1}]}"#,
                "$.tiers[0].tier",
            ),
            (r#"{"version": 1, "tiers": []}"#, "$.tiers"),
        ];
        for (text, path) in cases {
            assert_eq!(FeeSchedule::from_json(text).unwrap_err().field(), Some(path), "{text}");
        }
    }
}
