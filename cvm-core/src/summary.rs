//! Transaction log → customer summary (frequency, recency, T, monetary value).
//!
//! The summary is the data every lifetime model consumes. For each customer:
//!
//! * `frequency` — the number of **repeat** purchase periods: transactions falling in the same
//!   period (`freq`) merge into one, and the first purchase period is not counted;
//! * `recency` — the customer's age at the last purchase period (0 without repeat purchases);
//! * `T` — the customer's age at the end of observation (or calibration);
//! * `monetary_value` — the mean amount of the repeat purchase periods (each period's amount is
//!   the sum of its transactions), 0 without repeats; optionally the first purchase is included.
//!
//! Ages are measured from the start of the first purchase period to the start of the period in
//! question. With the default `time_unit` they are counted in periods of `freq` (exact integers);
//! with an explicit `time_unit` they are calendar days divided by the unit's length
//! (day 1, week 7, month 365.25/12, year 365.25 days).
//!
//! Periods: `Day` is the calendar day (UTC), `Week` the ISO week (Monday to Sunday), `Month` the
//! calendar month, `Year` the calendar year; `freq_multiplier` k groups k consecutive periods
//! (counted from 1970-01-01, or its ISO week).
//!
//! # Supported dates
//! Every timestamp, the observation end and the calibration end must fall within
//! 0001-01-01 ..= 9999-12-31 (proleptic Gregorian, UTC); [`MIN_DAY`] and [`MAX_DAY`] are those
//! days as day numbers. Nanosecond timestamps cover 1677-09-21 .. 2262-04-11 (the range of an
//! `i64`), which lies inside. A date outside the range is an [`Error::InvalidValue`] naming the
//! row (or the option), never a wrapped-around age.
//!
//! # Timestamp units
//! The unit of the raw timestamps ([`TimestampUnit`]) has no default: it is given to
//! [`SummaryOptions::new`]. A summary in which every customer has `T = 0` although the
//! transactions have distinct timestamps is an error: it is the signature of a unit mistake
//! (day numbers or `YYYYMMDD` integers read as nanoseconds all fall in one day).
//!
//! # Negative amounts
//! [`NegativeAmounts::Error`] (the default) rejects a negative amount, naming the row: a return
//! or refund is ambiguous (a refund on a later day would count as a repeat purchase).
//! [`NegativeAmounts::Net`] accepts them: the amounts of a period are summed (purchases minus
//! returns), and every period with at least one transaction is a purchase period, whatever the
//! sign of its net amount — a refund in a period without a purchase counts as a purchase period
//! with a negative amount, and `monetary_value` may be negative.
//!
//! # Overflow
//! A period's amount and the sums behind `monetary_value` are `f64` sums; when they overflow
//! (or are not finite for another reason) the summary is an [`Error::InvalidValue`] on
//! `monetary_value` naming the customer's first row. No output is infinite or NaN.
//!
//! # Examples
//! ```
//! use cvm_core::summary::{summarize, SummaryOptions, TimestampUnit, TimeUnit, TransactionLog};
//! use cvm_core::calendar::days_from_civil;
//! let d = |y, m, dd| days_from_civil(y, m, dd).unwrap();
//! let ids = [7, 7, 7, 9];
//! let days = [d(2024, 1, 1), d(2024, 1, 1), d(2024, 1, 15), d(2024, 1, 8)];
//! let amount = [10.0, 5.0, 20.0, 3.0];
//! let opts = SummaryOptions::new(TimestampUnit::Day).with_time_unit(Some(TimeUnit::Week)).with_observation_end(Some(d(2024, 1, 29)));
//! let s = summarize(&TransactionLog { customer_id: &ids, timestamp: &days, amount: Some(&amount) }, &opts)?;
//! assert_eq!(s.customer_id, vec![7, 9]);
//! assert_eq!(s.frequency, vec![1.0, 0.0]);   // the two Jan-1 orders merge
//! assert_eq!(s.recency, vec![2.0, 0.0]);     // weeks
//! assert_eq!(s.t, vec![4.0, 3.0]);
//! assert_eq!(s.monetary_value.unwrap(), vec![20.0, 0.0]);
//! assert_eq!(s.time_unit, Some(TimeUnit::Week));
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::builder::with_setters;
use crate::calendar::{civil_from_days, days_from_civil_unchecked};
use crate::error::{check, Error, Result};
use crate::names::{normalize, text_form};
use crate::parallel::{all_values, min_max};

mod dense;
mod ids;
mod scan;
mod sort;
mod text;

pub use ids::{text_codes, TextCodes};
use scan::{by_customer, Frame, Part};
pub use text::{summarize_text, TextSummary, TextTransactionLog};

/// A timestamp that is missing (numpy's `NaT` has the same bit pattern).
pub const MISSING_TIMESTAMP: i64 = i64::MIN;

/// The first supported day, 0001-01-01, as days since 1970-01-01.
pub const MIN_DAY: i64 = -719_162;

/// The last supported day, 9999-12-31, as days since 1970-01-01.
pub const MAX_DAY: i64 = 2_932_896;

/// The supported date range, as written in error messages.
const DATE_RANGE: &str = "0001-01-01..=9999-12-31";

/// Calendar units for periods and for measuring ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TimeUnit {
    /// Calendar day (`"D"`).
    Day,
    /// ISO week, Monday to Sunday, 7 days (`"W"`).
    Week,
    /// Calendar month; as a length, 365.25/12 days (`"M"`).
    Month,
    /// Calendar year; as a length, 365.25 days (`"Y"`).
    Year,
}

impl TimeUnit {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["D", "W", "M", "Y"];

    /// Length of the unit in days: 1, 7, 365.25/12, 365.25.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => 365.25 / 12.0,
            TimeUnit::Year => 365.25,
        }
    }

    /// The canonical one-letter spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Day => "D",
            TimeUnit::Week => "W",
            TimeUnit::Month => "M",
            TimeUnit::Year => "Y",
        }
    }
}

text_form!(TimeUnit, "time_unit", |text| match normalize(text, &[]).as_str() {
    "d" | "day" | "days" => Some(TimeUnit::Day),
    "w" | "week" | "weeks" => Some(TimeUnit::Week),
    "m" | "month" | "months" => Some(TimeUnit::Month),
    "y" | "year" | "years" => Some(TimeUnit::Year),
    _ => None,
});

/// Resolution of the raw timestamps given to [`summarize`]. No default: the unit of integer
/// timestamps cannot be guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampUnit {
    /// Seconds since 1970-01-01T00:00Z.
    Second,
    /// Milliseconds since the epoch.
    Millisecond,
    /// Microseconds since the epoch.
    Microsecond,
    /// Nanoseconds since the epoch (numpy `datetime64[ns]`).
    Nanosecond,
    /// Whole days since 1970-01-01.
    Day,
}

impl TimestampUnit {
    /// The spellings [`FromStr`](std::str::FromStr) accepts (numpy's unit codes).
    pub const NAMES: &'static [&'static str] = &["s", "ms", "us", "ns", "D"];

    /// The numpy unit code.
    pub fn as_str(self) -> &'static str {
        match self {
            TimestampUnit::Second => "s",
            TimestampUnit::Millisecond => "ms",
            TimestampUnit::Microsecond => "us",
            TimestampUnit::Nanosecond => "ns",
            TimestampUnit::Day => "D",
        }
    }

    /// Day number (since 1970-01-01) of a timestamp in this unit (floor division: never
    /// overflows).
    pub fn to_day(self, ts: i64) -> i64 {
        // One arm per unit: each divides by a constant, which compiles to a multiplication (a
        // division by a value looked up at run time costs several times more a row).
        match self {
            TimestampUnit::Second => ts.div_euclid(86_400),
            TimestampUnit::Millisecond => ts.div_euclid(86_400_000),
            TimestampUnit::Microsecond => ts.div_euclid(86_400_000_000),
            TimestampUnit::Nanosecond => ts.div_euclid(86_400_000_000_000),
            TimestampUnit::Day => ts,
        }
    }

    /// Day number of a timestamp, checked against the supported range
    /// ([`MIN_DAY`]..=[`MAX_DAY`]); `Err` carries the reason for an error message.
    pub(crate) fn checked_day(self, ts: i64) -> std::result::Result<i64, String> {
        if ts == MISSING_TIMESTAMP {
            return Err("missing timestamp".into());
        }
        let day = self.to_day(ts);
        if (MIN_DAY..=MAX_DAY).contains(&day) {
            Ok(day)
        } else {
            let year = if day.abs() < 1 << 40 {
                civil_from_days(day).0.to_string()
            } else {
                format!("{:.1e}", 1970.0 + day as f64 / 365.2425)
            };
            Err(format!(
                "timestamp {ts} (in unit {:?}) falls in the year {year}, outside the supported \
                 dates {DATE_RANGE}; check the date and the timestamp unit",
                self.as_str()
            ))
        }
    }
}

text_form!(TimestampUnit, "timestamp_unit", |text| match text.trim() {
    "s" => Some(TimestampUnit::Second),
    "ms" => Some(TimestampUnit::Millisecond),
    "us" | "µs" => Some(TimestampUnit::Microsecond),
    "ns" => Some(TimestampUnit::Nanosecond),
    "D" => Some(TimestampUnit::Day),
    _ => None,
});

/// What [`summarize`] does with negative amounts (returns, refunds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NegativeAmounts {
    /// A negative amount is an error naming its row (the default).
    #[default]
    Error,
    /// Amounts of the same period are summed (net); every period with a transaction is a
    /// purchase period, whatever the sign of its net amount.
    Net,
}

impl NegativeAmounts {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["error", "net"];

    /// The canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NegativeAmounts::Error => "error",
            NegativeAmounts::Net => "net",
        }
    }
}

text_form!(NegativeAmounts, "negative_amounts", |text| match normalize(text, &[]).as_str() {
    "error" => Some(NegativeAmounts::Error),
    "net" => Some(NegativeAmounts::Net),
    _ => None,
});

/// Options of [`summarize`], built with [`SummaryOptions::new`] (the timestamp unit has no
/// default) and adjusted with the `with_*` setters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SummaryOptions {
    /// Period within which transactions merge (default [`TimeUnit::Day`]).
    pub freq: TimeUnit,
    /// Number of `freq` units per period (default 1; must be ≥ 1).
    pub freq_multiplier: u32,
    /// Unit of recency and T; `None` (default) counts periods of `freq × freq_multiplier`.
    pub time_unit: Option<TimeUnit>,
    /// Resolution of the timestamps (no default: see [`SummaryOptions::new`]).
    pub timestamp_unit: TimestampUnit,
    /// End of observation, in `timestamp_unit`; default: the last transaction.
    pub observation_end: Option<i64>,
    /// End of calibration, in `timestamp_unit`; when set, the summary describes the calibration
    /// period and also carries holdout counts for `(calibration_end, observation_end]`.
    pub calibration_end: Option<i64>,
    /// Include the first purchase period in `monetary_value` (default false: repeat purchases only).
    pub include_first_purchase: bool,
    /// Negative amounts: an error (default) or netted within their period.
    pub negative_amounts: NegativeAmounts,
}

with_setters!(SummaryOptions {
    with_freq => freq: TimeUnit,
    with_freq_multiplier => freq_multiplier: u32,
    with_time_unit => time_unit: Option<TimeUnit>,
    with_timestamp_unit => timestamp_unit: TimestampUnit,
    with_observation_end => observation_end: Option<i64>,
    with_calibration_end => calibration_end: Option<i64>,
    with_include_first_purchase => include_first_purchase: bool,
    with_negative_amounts => negative_amounts: NegativeAmounts,
});

impl SummaryOptions {
    /// Options for timestamps in `timestamp_unit`: daily periods, ages counted in days (periods),
    /// observation ending at the last transaction, no calibration split, repeat purchases only
    /// in `monetary_value`, negative amounts an error.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::{SummaryOptions, TimeUnit, TimestampUnit};
    /// let o = SummaryOptions::new(TimestampUnit::Day).with_time_unit(Some(TimeUnit::Week));
    /// assert_eq!(o.freq, TimeUnit::Day);
    /// ```
    pub fn new(timestamp_unit: TimestampUnit) -> Self {
        SummaryOptions {
            freq: TimeUnit::Day,
            freq_multiplier: 1,
            time_unit: None,
            timestamp_unit,
            observation_end: None,
            calibration_end: None,
            include_first_purchase: false,
            negative_amounts: NegativeAmounts::Error,
        }
    }
}

/// A transaction log in columns. `amount` is optional; all given columns have the same length.
#[derive(Debug, Clone, Copy)]
pub struct TransactionLog<'a> {
    /// Customer id of each transaction.
    pub customer_id: &'a [i64],
    /// Time of each transaction, in [`SummaryOptions::timestamp_unit`];
    /// [`MISSING_TIMESTAMP`] marks a missing one (an error).
    pub timestamp: &'a [i64],
    /// Monetary amount of each transaction (negative ones: see [`NegativeAmounts`]).
    pub amount: Option<&'a [f64]>,
}

/// Holdout-period columns of a calibration/holdout summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Holdout {
    /// Number of purchase periods in the holdout period (every period counts).
    pub frequency: Vec<f64>,
    /// Mean amount of those periods (0 when none); `None` without amounts.
    pub monetary_value: Option<Vec<f64>>,
    /// Length of the holdout period in the summary's time unit (the same for every customer).
    pub duration: f64,
}

/// Per-customer summary, sorted by customer id.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CustomerSummary {
    /// Customer ids, ascending.
    pub customer_id: Vec<i64>,
    /// Repeat purchase periods.
    pub frequency: Vec<f64>,
    /// Age at the last purchase period (0 without repeats).
    pub recency: Vec<f64>,
    /// Age at the end of observation (calibration).
    pub t: Vec<f64>,
    /// Unit of `recency`, `T` and the holdout duration: the explicit
    /// [`SummaryOptions::time_unit`], or `freq` when that is `None` and `freq_multiplier` is 1;
    /// `None` when ages count periods of `freq × k` with `k > 1`.
    pub time_unit: Option<TimeUnit>,
    /// Mean amount of repeat purchase periods; `None` without amounts.
    pub monetary_value: Option<Vec<f64>>,
    /// Holdout columns when a calibration end was given.
    pub holdout: Option<Holdout>,
    /// Customers left out because their first purchase falls after the calibration end
    /// (they have no calibration history). Always 0 without a calibration split.
    pub excluded_customers: usize,
}

impl CustomerSummary {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customer_id.len()
    }

    /// True when there are no customers.
    pub fn is_empty(&self) -> bool {
        self.customer_id.is_empty()
    }
}

/// Periods: maps days to period indices and back.
#[derive(Debug, Clone, Copy)]
struct Periods {
    unit: TimeUnit,
    k: i64,
}

impl Periods {
    fn base_of_day(self, day: i64) -> i64 {
        match self.unit {
            TimeUnit::Day => day,
            // 1970-01-05 (day 4) is a Monday.
            TimeUnit::Week => (day - 4).div_euclid(7),
            TimeUnit::Month => {
                let (y, m, _) = civil_from_days(day);
                y * 12 + (m as i64 - 1)
            }
            TimeUnit::Year => civil_from_days(day).0,
        }
    }

    fn of_day(self, day: i64) -> i64 {
        let base = self.base_of_day(day);
        if self.k == 1 {
            base
        } else {
            base.div_euclid(self.k)
        }
    }

    fn start_day(self, p: i64) -> i64 {
        let base = p * self.k;
        match self.unit {
            TimeUnit::Day => base,
            TimeUnit::Week => 4 + 7 * base,
            TimeUnit::Month => {
                days_from_civil_unchecked(base.div_euclid(12), (base.rem_euclid(12) + 1) as u32, 1)
            }
            TimeUnit::Year => days_from_civil_unchecked(base, 1, 1),
        }
    }
}

/// Measures the age between two periods.
#[derive(Debug, Clone, Copy)]
struct Ruler {
    periods: Periods,
    unit_days: Option<f64>,
}

impl Ruler {
    fn age(self, from: i64, to: i64) -> f64 {
        match self.unit_days {
            None => (to - from) as f64,
            Some(len) => (self.periods.start_day(to) - self.periods.start_day(from)) as f64 / len,
        }
    }
}

/// Builds the customer summary of a transaction log.
///
/// See the [module documentation](self) for the definitions.
///
/// # Cost
/// The rows are sorted by (customer, period) with a radix sort on a packed key and each
/// customer's rows scanned once: linear in the rows. Below 1,048,576 rows, when the ids span no
/// more values than there are rows (codes of text ids, account numbers counted from 1), a
/// counting sort by customer takes the radix sort's place (16 bytes a row, 8 a customer a
/// thread, besides; the same summary, bit for bit). Besides the input and the output it holds
/// 16 bytes a row (8 without amounts) when the id range and the period range pack into 64 bits
/// (the usual case; 24 otherwise); from 4,194,304 rows on, when the ids span at least 2,048
/// values, the rows are sorted and scanned in two groups of customers one after the other (one
/// more pass over the input), which halves that to 8 bytes a row (4 without amounts). With the
/// `parallel` feature, from 65,536 rows on, the sort and the scan are spread over the rayon
/// pool, and from 65,536 customers so is the copy of the scan's parts into the output columns;
/// the summary is the same, bit for bit, on any number of threads.
///
/// # Errors
/// * [`Error::Empty`] for an empty log (`customer_id`);
/// * [`Error::LengthMismatch`] when `datetime` or `monetary_value` differ in length from `customer_id`;
/// * [`Error::InvalidValue`] naming the first offending row: a missing timestamp or one outside
///   the supported dates (`datetime`), a NaN, infinite or — with [`NegativeAmounts::Error`] —
///   negative amount (`monetary_value`), a transaction after the observation end (`datetime`),
///   amounts whose sums overflow (`monetary_value`, the customer's first row); and for options:
///   `freq_multiplier` of 0, an observation or calibration end outside the supported dates, a
///   calibration end after the observation end or before every transaction
///   (`calibration_period_end`), and every customer with `T = 0` although the timestamps differ
///   (`timestamp_unit`: the likely cause).
pub fn summarize(log: &TransactionLog<'_>, opts: &SummaryOptions) -> Result<CustomerSummary> {
    let n = log.customer_id.len();
    check::non_empty("customer_id", n)?;
    let plan = Plan::new(n, log.timestamp, log.amount, opts)?;
    let parts = by_customer(log, (plan.p_lo, plan.p_hi), plan.period_of(), &plan.frame);
    plan.assemble(parts, |id| {
        let row = log.customer_id.iter().position(|&c| c == id).unwrap_or(0);
        (row, id.to_string())
    })
}

/// What a summary has checked of its timestamps, amounts and options, and derived from them,
/// before the rows are grouped by customer.
struct Plan {
    tu: TimestampUnit,
    periods: Periods,
    /// The first and last periods of the transactions.
    p_lo: i64,
    p_hi: i64,
    frame: Frame,
    time_unit: Option<TimeUnit>,
    /// The holdout's duration (with a calibration split).
    holdout_duration: Option<f64>,
}

impl Plan {
    /// Checks `n` rows' `timestamp` and `amount` (the caller has checked that `n > 0`) and the
    /// options: the errors of [`summarize`] but for the ids.
    fn new(
        n: usize, timestamp: &[i64], amount: Option<&[f64]>, opts: &SummaryOptions,
    ) -> Result<Plan> {
        check::same_len("datetime", n, timestamp.len())?;
        if let Some(a) = amount {
            check::same_len("monetary_value", n, a.len())?;
            // One pass on the thread pool; the column checks below name the first bad value.
            let negative_ok = opts.negative_amounts != NegativeAmounts::Error;
            let fine = all_values(a, |x| x.is_finite() & (negative_ok | (x >= 0.0)));
            if !fine {
                check::finite("monetary_value", a)?;
            }
            if !fine && !negative_ok {
                if let Some(i) = a.iter().position(|&x| x < 0.0) {
                    return Err(Error::invalid_at(
                        "monetary_value",
                        i,
                        format!(
                            "negative amount {} (a return or refund?): negative amounts are an error \
                             by default; pass negative_amounts = \"net\" to net them within their period",
                            a[i]
                        ),
                    ));
                }
            }
        }
        if opts.freq_multiplier == 0 {
            return Err(Error::invalid("freq_multiplier", "must be >= 1 (got 0)"));
        }
        let tu = opts.timestamp_unit;
        // Day numbers and periods grow with the timestamp, and the missing marker is the smallest
        // i64: when the earliest and the latest timestamps are valid, every one is.
        let (ts_lo, ts_hi) = min_max(timestamp);
        let (day_lo, day_hi) = match (tu.checked_day(ts_lo), tu.checked_day(ts_hi)) {
            (Ok(lo), Ok(hi)) => (lo, hi),
            _ => {
                let (i, reason) = timestamp
                    .iter()
                    .enumerate()
                    .find_map(|(i, &t)| tu.checked_day(t).err().map(|r| (i, r)))
                    .expect("an invalid timestamp");
                return Err(Error::invalid_at("datetime", i, reason));
            }
        };
        let end_day = |value: Option<i64>, field: &str| -> Result<Option<i64>> {
            value
                .map(|v| tu.checked_day(v).map_err(|reason| Error::invalid(field, reason)))
                .transpose()
        };
        let obs_end_day = end_day(opts.observation_end, "observation_period_end")?;
        let cal_end_day = end_day(opts.calibration_end, "calibration_period_end")?;

        // With every day in MIN_DAY..=MAX_DAY, period indices and their start days stay far from
        // the i64 limits (|day| < 2^22, k < 2^32), so the period arithmetic cannot overflow.
        let periods = Periods { unit: opts.freq, k: opts.freq_multiplier as i64 };
        let ruler = Ruler { periods, unit_days: opts.time_unit.map(TimeUnit::days) };
        let (p_lo, p_hi) = (periods.of_day(day_lo), periods.of_day(day_hi));
        let period_of = |t: i64| periods.of_day(tu.to_day(t));

        let obs_end = match obs_end_day {
            Some(e) => periods.of_day(e),
            None => p_hi,
        };
        if p_hi > obs_end {
            let i = timestamp.iter().position(|&t| period_of(t) > obs_end).unwrap_or(0);
            return Err(Error::invalid_at(
                "datetime",
                i,
                format!(
                    "transaction (timestamp {}) after observation_period_end ({})",
                    timestamp[i],
                    opts.observation_end.unwrap_or_default()
                ),
            ));
        }
        let cal_end = match cal_end_day {
            None => None,
            Some(c) => {
                let pc = periods.of_day(c);
                if pc > obs_end {
                    return Err(Error::invalid(
                        "calibration_period_end",
                        "is after observation_period_end",
                    ));
                }
                if p_lo > pc {
                    return Err(Error::invalid(
                        "calibration_period_end",
                        "is before every transaction: no customer has a calibration history",
                    ));
                }
                Some(pc)
            }
        };
        let end = cal_end.unwrap_or(obs_end);
        if p_lo >= end {
            check_not_all_zero_ages(timestamp, period_of, end, opts)?;
        }

        let time_unit = match (opts.time_unit, opts.freq_multiplier) {
            (Some(u), _) => Some(u),
            (None, 1) => Some(opts.freq),
            (None, _) => None,
        };
        let frame = Frame {
            ruler,
            end,
            include_first: opts.include_first_purchase,
            with_amount: amount.is_some(),
            holdout: cal_end.is_some(),
        };
        Ok(Plan {
            tu,
            periods,
            p_lo,
            p_hi,
            frame,
            time_unit,
            holdout_duration: cal_end.map(|pc| ruler.age(pc, obs_end)),
        })
    }

    /// The period of a timestamp.
    fn period_of(&self) -> impl Fn(i64) -> i64 + Copy + Send + Sync {
        let (periods, tu) = (self.periods, self.tu);
        move |t| periods.of_day(tu.to_day(t))
    }

    /// The summary of the customers' [`Part`]s, in order; when a customer's amounts overflow,
    /// an error naming its first row and id, `first_row_and_id(id)`.
    fn assemble(
        &self, parts: Vec<Part>, first_row_and_id: impl Fn(i64) -> (usize, String),
    ) -> Result<CustomerSummary> {
        let with_amount = self.frame.with_amount;
        let mut out = CustomerSummary {
            customer_id: Vec::new(),
            frequency: Vec::new(),
            recency: Vec::new(),
            t: Vec::new(),
            time_unit: self.time_unit,
            monetary_value: with_amount.then(Vec::new),
            holdout: self.holdout_duration.map(|duration| Holdout {
                frequency: Vec::new(),
                monetary_value: with_amount.then(Vec::new),
                duration,
            }),
            excluded_customers: 0,
        };
        for part in &parts {
            if let Some(id) = part.overflow {
                let (row, id) = first_row_and_id(id);
                return Err(Error::invalid_at(
                    "monetary_value",
                    row,
                    format!(
                        "the amounts of customer {id} (first row {row}) sum beyond the range of a \
                         64-bit float (|sum| > {:e}); rescale the amounts (e.g. to thousands)",
                        f64::MAX
                    ),
                ));
            }
        }
        Part::concat_into(parts, &mut out);
        Ok(out)
    }
}

/// Every customer has `T = 0` exactly when every transaction up to `end` falls in the period
/// `end` (the caller checks that none falls before). When those transactions nevertheless have
/// distinct timestamps, the unit is the likely mistake (day numbers read as nanoseconds all
/// land in one day): an error, never a summary of zeros.
fn check_not_all_zero_ages(
    timestamp: &[i64], period_of: impl Fn(i64) -> i64, end: i64, opts: &SummaryOptions,
) -> Result<()> {
    let (mut lo, mut hi, mut count) = (i64::MAX, i64::MIN, 0usize);
    for &t in timestamp {
        let p = period_of(t);
        if p < end {
            return Ok(());
        }
        if p == end {
            lo = lo.min(t);
            hi = hi.max(t);
            count += 1;
        }
    }
    if count < 2 || lo == hi {
        return Ok(());
    }
    Err(Error::invalid(
        "timestamp_unit",
        format!(
            "every customer has T = 0: the {count} transactions up to the end of observation have \
             distinct timestamps ({lo} to {hi}, read in unit {:?}) but all fall in one period of \
             freq {:?} x {}; the timestamp unit is the likely mistake (day numbers or YYYYMMDD \
             integers read as nanoseconds fall in one day) — give the unit the timestamps are in",
            opts.timestamp_unit.as_str(),
            opts.freq.as_str(),
            opts.freq_multiplier
        ),
    ))
}
