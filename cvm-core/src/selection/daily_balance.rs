//! The monthly average daily balance of all of a customer's accounts, from end-of-day balances
//! or from transactions: the quantity a fee schedule ([`fee_schedule`](super::fee_schedule))
//! compares with its thresholds (seeds/001:442, "月内日均总余额", the month's average daily
//! total balance of all accounts under one customer number).
//!
//! # Convention
//! * **Days** are calendar days in UTC, from timestamps in a stated [`TimestampUnit`] (no
//!   default, as in [`summarize`](crate::summarize)); a bank working in local time gives local
//!   days (e.g. day numbers, or naive local timestamps read as UTC).
//! * **End of day**: the balance of an account on a day is its balance at the end of that day,
//!   after every transaction of the day. With [`BalanceInput::Transactions`] it is the opening
//!   balance plus every amount up to and including that day; with
//!   [`BalanceInput::EndOfDayBalances`] a row states it. A day without a row carries the previous
//!   day's balance forward.
//! * **Before an account's first row** its balance is its opening balance ([`OpeningBalances`],
//!   default 0: an account that does not exist yet holds nothing).
//! * **Months** are calendar months with their real number of days (28 to 31). A customer's
//!   months run from the month of its first row (or from the first month when one of its accounts
//!   has an opening balance) through the last month. The average of a month is the sum of the
//!   end-of-day balances of all the customer's accounts over the month's days divided by the
//!   number of calendar days ([`AverageOver::CalendarDays`], the default: a day before the first
//!   account opened holds 0) or by the days since the first account opened
//!   ([`AverageOver::DaysOpen`]).
//! * The average is rounded to the cent (2 decimals, half away from zero): the amount a bank
//!   states and compares, so that rounding noise of long transaction sums cannot move a customer
//!   across a threshold.
//!
//! # Cost
//! O(n log n) to sort `n` rows, then O(n + accounts × months): the balance is a step function
//! integrated month by month, never day by day. At most [`MAX_MONTHS`] months and
//! [`MAX_CUSTOMER_MONTHS`] customer-months.

use crate::builder::with_setters;
use crate::calendar::{civil_from_days, days_from_civil_unchecked};
use crate::error::{check, Error, Result};
use crate::names::text_form;
use crate::summary::TimestampUnit;

/// The most months one call covers (100 years).
pub const MAX_MONTHS: usize = 1200;

/// The most customer-months one call returns.
pub const MAX_CUSTOMER_MONTHS: usize = 50_000_000;

/// What the value of each row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BalanceInput {
    /// A signed amount moved into (+) or out of (−) the account; several rows on a day add up.
    Transactions,
    /// The balance of the account at the end of the row's day (one row per account and day).
    EndOfDayBalances,
}

impl BalanceInput {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["transactions", "balances"];

    /// `"transactions"` or `"balances"`.
    pub fn as_str(self) -> &'static str {
        match self {
            BalanceInput::Transactions => "transactions",
            BalanceInput::EndOfDayBalances => "balances",
        }
    }

    /// The name of the value column in errors: `amount` or `balance`.
    pub fn value_field(self) -> &'static str {
        match self {
            BalanceInput::Transactions => "amount",
            BalanceInput::EndOfDayBalances => "balance",
        }
    }
}

text_form!(BalanceInput, "input", |text| match text {
    "transactions" => Some(BalanceInput::Transactions),
    "balances" => Some(BalanceInput::EndOfDayBalances),
    _ => None,
});

/// The divisor of a month's average.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum AverageOver {
    /// Every calendar day of the month (default); a day before the customer's first account
    /// opened holds 0.
    #[default]
    CalendarDays,
    /// The days of the month from the opening of the customer's first account.
    DaysOpen,
}

impl AverageOver {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["calendar_days", "days_open"];

    /// `"calendar_days"` or `"days_open"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AverageOver::CalendarDays => "calendar_days",
            AverageOver::DaysOpen => "days_open",
        }
    }
}

text_form!(AverageOver, "average_over", |text| match text {
    "calendar_days" => Some(AverageOver::CalendarDays),
    "days_open" => Some(AverageOver::DaysOpen),
    _ => None,
});

/// Rows of account activity, in columns of equal length. Rows need not be sorted.
#[derive(Debug, Clone, Copy)]
pub struct AccountLog<'a> {
    /// Account of each row.
    pub account_id: &'a [i64],
    /// Customer (customer number) owning the account; the same for every row of an account.
    pub customer_id: &'a [i64],
    /// Time of each row, in [`BalanceOptions::timestamp_unit`].
    pub timestamp: &'a [i64],
    /// Signed amount or end-of-day balance ([`BalanceOptions::input`]); finite.
    pub value: &'a [f64],
}

/// Balances of accounts before their first row (default 0 for an account not listed).
#[derive(Debug, Clone, Copy)]
pub struct OpeningBalances<'a> {
    /// Account ids, each at most once, each with a row in the log.
    pub account_id: &'a [i64],
    /// The balance before the account's first row; finite.
    pub balance: &'a [f64],
}

/// Options of [`monthly_average_daily_balance`], built with [`BalanceOptions::new`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BalanceOptions {
    /// What each row's value is (no default).
    pub input: BalanceInput,
    /// Unit of the timestamps (no default).
    pub timestamp_unit: TimestampUnit,
    /// Any instant of the first month reported (default: the month of the earliest row). Rows
    /// before it still build the balances.
    pub first_month: Option<i64>,
    /// Any instant of the last month reported (default: the month of the latest row). Rows after
    /// it do not change the months reported.
    pub last_month: Option<i64>,
    /// Divisor of the average (default [`AverageOver::CalendarDays`]).
    pub average_over: AverageOver,
}

with_setters!(BalanceOptions {
    with_input => input: BalanceInput,
    with_timestamp_unit => timestamp_unit: TimestampUnit,
    with_first_month => first_month: Option<i64>,
    with_last_month => last_month: Option<i64>,
    with_average_over => average_over: AverageOver,
});

impl BalanceOptions {
    /// Options for rows of `input` with timestamps in `timestamp_unit`: months from the earliest
    /// to the latest row, averages over calendar days.
    pub fn new(input: BalanceInput, timestamp_unit: TimestampUnit) -> Self {
        BalanceOptions {
            input,
            timestamp_unit,
            first_month: None,
            last_month: None,
            average_over: AverageOver::CalendarDays,
        }
    }
}

/// One row per customer-month, sorted by customer id then month.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyBalances {
    /// Customer id.
    pub customer_id: Vec<i64>,
    /// The month's first day, as days since 1970-01-01.
    pub month_start: Vec<i64>,
    /// Calendar days of the month (28 to 31).
    pub days_in_month: Vec<u32>,
    /// Days of the month from the opening of the customer's first account (its first row, or
    /// the first month's first day with an opening balance).
    pub days_open: Vec<u32>,
    /// Average daily balance over all the customer's accounts, rounded to the cent.
    pub average_daily_balance: Vec<f64>,
    /// The customer's first row in the log (for messages).
    pub first_row: Vec<usize>,
    /// The divisor used.
    pub average_over: AverageOver,
}

impl MonthlyBalances {
    /// Number of customer-months.
    pub fn len(&self) -> usize {
        self.customer_id.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.customer_id.is_empty()
    }

    /// The month of row `i` as `YYYY-MM`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn month_label(&self, i: usize) -> String {
        let (y, m, _) = civil_from_days(self.month_start[i]);
        format!("{y:04}-{m:02}")
    }
}

/// A month as `year × 12 + month − 1`.
fn month_of(day: i64) -> i64 {
    let (y, m, _) = civil_from_days(day);
    y * 12 + m as i64 - 1
}

fn month_start(month: i64) -> i64 {
    days_from_civil_unchecked(month.div_euclid(12), (month.rem_euclid(12) + 1) as u32, 1)
}

/// Error-free transformation of `a + b` (Knuth's TwoSum): the rounded sum and its error.
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// Row positions of `ids` sorted by id, or [`Error::InvalidValue`] on `field` at the second
/// row of a repeated id, the message from `repeated(id, first_row)`.
pub(super) fn sorted_ids(
    ids: &[i64], field: &str, repeated: impl Fn(i64, usize) -> String,
) -> Result<Vec<usize>> {
    // Distinct keys (ties by row): the one order, sorted on the thread pool from 65,536 rows.
    let mut keyed: Vec<(i64, usize)> = ids.iter().copied().zip(0..).collect();
    crate::parallel::par_sort_unstable(&mut keyed);
    let order: Vec<usize> = keyed.into_iter().map(|(_, j)| j).collect();
    match order.windows(2).find(|w| ids[w[0]] == ids[w[1]]) {
        Some(w) => Err(Error::invalid_at(field, w[1], repeated(ids[w[1]], w[0]))),
        None => Ok(order),
    }
}

/// Adds `balance` for every day of `[lo, hi)` to the month sums `sums` (month `m0` first).
fn spread(sums: &mut [f64], m0: i64, lo: i64, hi: i64, balance: f64) {
    if balance == 0.0 || lo >= hi {
        return;
    }
    let (mut day, mut m) = (lo, month_of(lo));
    while day < hi {
        let end = month_start(m + 1).min(hi);
        sums[(m - m0) as usize] += balance * (end - day) as f64;
        day = end;
        m += 1;
    }
}

/// Monthly average daily balance of all of each customer's accounts; see the
/// [module docs](self) for the conventions.
///
/// # Errors
/// * [`Error::Empty`] (`account_id`), [`Error::LengthMismatch`] (`customer_id`, `timestamp`,
///   `amount`/`balance`, `opening_balance`);
/// * [`Error::InvalidValue`] with the row: `timestamp` (missing or outside
///   0001-01-01..=9999-12-31; with end-of-day balances, a second balance for an account and
///   day), `amount`/`balance` (not finite, or sums beyond the range of `f64`), `customer_id`
///   (an account whose rows name two customers), `opening_balance` (not finite),
///   `opening_account_id` (listed twice, or without a row in the log);
/// * [`Error::InvalidValue`] (`first_month`, `last_month`) for a date outside the supported
///   range, a last month before the first, or more than [`MAX_MONTHS`] months;
///   (`customer_id`) for more than [`MAX_CUSTOMER_MONTHS`] customer-months.
///
/// # Examples
/// Customer 7 holds two accounts in February 2024 (29 days): account 1 has 100 000 from the
/// first; account 2 receives 58 000 on the 15th (15 days at the end of the day, the 15th to the
/// 29th). Average: (100 000 × 29 + 58 000 × 15) / 29 = 130 000.
/// ```
/// use cvm_core::calendar::days_from_civil;
/// use cvm_core::selection::{monthly_average_daily_balance, AccountLog, BalanceInput, BalanceOptions};
/// use cvm_core::TimestampUnit;
/// let d = |y, m, dd| days_from_civil(y, m, dd).unwrap();
/// let log = AccountLog {
///     account_id: &[1, 2],
///     customer_id: &[7, 7],
///     timestamp: &[d(2024, 2, 1), d(2024, 2, 15)],
///     value: &[100_000.0, 58_000.0],
/// };
/// let o = BalanceOptions::new(BalanceInput::Transactions, TimestampUnit::Day);
/// let m = monthly_average_daily_balance(&log, None, &o)?;
/// assert_eq!(m.average_daily_balance, [130_000.0]);
/// assert_eq!((m.month_label(0).as_str(), m.days_in_month[0]), ("2024-02", 29));
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn monthly_average_daily_balance(
    log: &AccountLog<'_>, openings: Option<&OpeningBalances<'_>>, o: &BalanceOptions,
) -> Result<MonthlyBalances> {
    let n = log.account_id.len();
    let vf = o.input.value_field();
    check::non_empty("account_id", n)?;
    check::same_len("customer_id", n, log.customer_id.len())?;
    check::same_len("timestamp", n, log.timestamp.len())?;
    check::same_len(vf, n, log.value.len())?;
    let tu = o.timestamp_unit;
    let days = (0..n)
        .map(|i| tu.checked_day(log.timestamp[i]).map_err(|r| Error::invalid_at("timestamp", i, r)))
        .collect::<Result<Vec<i64>>>()?;
    check::finite(vf, log.value)?;
    let (oa, ob) = openings.map_or((&[][..], &[][..]), |op| (op.account_id, op.balance));
    check::same_len("opening_balance", oa.len(), ob.len())?;
    check::finite("opening_balance", ob)?;

    let bound = |v: Option<i64>, field: &str| {
        v.map(|t| tu.checked_day(t).map_err(|r| Error::invalid(field, r))).transpose()
    };
    let first_day = *days.iter().min().expect("non-empty");
    let last_day = *days.iter().max().expect("non-empty");
    let first = month_of(bound(o.first_month, "first_month")?.unwrap_or(first_day));
    let last = month_of(bound(o.last_month, "last_month")?.unwrap_or(last_day));
    let label = |m: i64| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
    if last < first {
        let (l, f) = (label(last), label(first));
        return Err(Error::invalid("last_month", format!("{l} is before the first month {f}")));
    }
    if (last - first) as usize >= MAX_MONTHS {
        let k = last - first + 1;
        return Err(Error::invalid(
            "last_month",
            format!(
                "{} to {} is {k} months; at most {MAX_MONTHS} (MAX_MONTHS) per call",
                label(first),
                label(last)
            ),
        ));
    }
    let window_start = month_start(first);
    let window_end = month_start(last + 1);

    // Openings, sorted by account; each listed once.
    let op_order = sorted_ids(oa, "opening_account_id", |id, first| {
        format!("account {id} has a second opening balance (the first is row {first})")
    })?;
    let opening_of =
        |acct: i64| op_order.binary_search_by_key(&acct, |&j| oa[j]).ok().map(|k| op_order[k]);

    let mut customers: Vec<i64> = log.customer_id.to_vec();
    customers.sort_unstable();
    customers.dedup();
    let cust = |id: i64| customers.binary_search(&id).expect("listed");

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&i| (log.account_id[i], days[i], i));
    let groups: Vec<&[usize]> =
        order.chunk_by(|&a, &b| log.account_id[a] == log.account_id[b]).collect();

    // Pass 1: checks and the opening day of each customer.
    let mut opened = vec![i64::MAX; customers.len()];
    let mut matched = vec![false; oa.len()];
    for g in &groups {
        let (head, acct) = (g[0], log.account_id[g[0]]);
        for &i in &g[1..] {
            if log.customer_id[i] != log.customer_id[head] {
                return Err(Error::invalid_at(
                    "customer_id",
                    i,
                    format!(
                        "account {acct} belongs to customer {} (row {head}), not {}: an account \
                         has one customer",
                        log.customer_id[head], log.customer_id[i]
                    ),
                ));
            }
        }
        if o.input == BalanceInput::EndOfDayBalances {
            if let Some(w) = g.windows(2).find(|w| days[w[0]] == days[w[1]]) {
                let (y, m, dd) = civil_from_days(days[w[1]]);
                return Err(Error::invalid_at(
                    "timestamp",
                    w[1],
                    format!(
                        "account {acct} has two end-of-day balances on {y:04}-{m:02}-{dd:02} \
                         (rows {} and {}); give one balance per account and day",
                        w[0], w[1]
                    ),
                ));
            }
        }
        let start = match opening_of(acct) {
            Some(j) => {
                matched[j] = true;
                window_start.min(days[head])
            }
            None => days[head],
        };
        let c = cust(log.customer_id[head]);
        opened[c] = opened[c].min(start);
    }
    if let Some(j) = matched.iter().position(|m| !m) {
        return Err(Error::invalid_at(
            "opening_account_id",
            j,
            format!("account {} has an opening balance but no row in the log, so its customer is unknown", oa[j]),
        ));
    }

    // Customer-month layout.
    let first_month_of: Vec<i64> = opened.iter().map(|&d| month_of(d).max(first)).collect();
    let mut offset = Vec::with_capacity(customers.len() + 1);
    offset.push(0usize);
    for &m0 in &first_month_of {
        let k = if m0 > last { 0 } else { (last - m0 + 1) as usize };
        let total = offset.last().expect("non-empty") + k;
        if total > MAX_CUSTOMER_MONTHS {
            return Err(Error::invalid(
                "customer_id",
                format!(
                    "more than {MAX_CUSTOMER_MONTHS} customer-months (MAX_CUSTOMER_MONTHS); \
                     split the customers or the months over several calls"
                ),
            ));
        }
        offset.push(total);
    }
    let mut sums = vec![0.0; *offset.last().expect("non-empty")];
    let mut first_row = vec![usize::MAX; customers.len()];

    // Pass 2: integrate each account's end-of-day balance, a step function, month by month.
    for g in &groups {
        let head = g[0];
        let c = cust(log.customer_id[head]);
        first_row[c] = first_row[c].min(head);
        if first_month_of[c] > last {
            continue;
        }
        let s = &mut sums[offset[c]..offset[c + 1]];
        let m0 = first_month_of[c];
        let (mut bal, mut err) = (opening_of(log.account_id[head]).map_or(0.0, |j| ob[j]), 0.0);
        let mut from = window_start;
        for run in g.chunk_by(|&a, &b| days[a] == days[b]) {
            let day = days[run[0]];
            spread(s, m0, from.max(window_start), day.min(window_end), bal + err);
            from = day;
            match o.input {
                BalanceInput::Transactions => {
                    for &i in run {
                        let (t, e) = two_sum(bal, log.value[i]);
                        bal = t;
                        err += e;
                    }
                }
                BalanceInput::EndOfDayBalances => (bal, err) = (log.value[run[0]], 0.0),
            }
        }
        spread(s, m0, from.max(window_start), window_end, bal + err);
    }

    let mut out = MonthlyBalances {
        customer_id: Vec::with_capacity(sums.len()),
        month_start: Vec::with_capacity(sums.len()),
        days_in_month: Vec::with_capacity(sums.len()),
        days_open: Vec::with_capacity(sums.len()),
        average_daily_balance: Vec::with_capacity(sums.len()),
        first_row: Vec::with_capacity(sums.len()),
        average_over: o.average_over,
    };
    for (c, &id) in customers.iter().enumerate() {
        for (k, &sum) in sums[offset[c]..offset[c + 1]].iter().enumerate() {
            let m = first_month_of[c] + k as i64;
            let (start, end) = (month_start(m), month_start(m + 1));
            let dim = (end - start) as u32;
            let open = (end - opened[c].max(start)).clamp(0, dim as i64) as u32;
            let divisor = match o.average_over {
                AverageOver::CalendarDays => dim,
                AverageOver::DaysOpen => open,
            };
            let adb = ((sum / divisor as f64) * 100.0).round() / 100.0 + 0.0; // no -0
            if !adb.is_finite() {
                return Err(Error::invalid_at(
                    vf,
                    first_row[c],
                    format!(
                        "the balances of customer {id} in {} sum beyond the range of f64",
                        label(m)
                    ),
                ));
            }
            out.customer_id.push(id);
            out.month_start.push(start);
            out.days_in_month.push(dim);
            out.days_open.push(open);
            out.average_daily_balance.push(adb);
            out.first_row.push(first_row[c]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::days_from_civil;

    fn d(y: i64, m: u32, dd: u32) -> i64 {
        days_from_civil(y, m, dd).unwrap()
    }

    #[test]
    fn names_parse() {
        assert_eq!("balances".parse::<BalanceInput>().unwrap(), BalanceInput::EndOfDayBalances);
        assert!("balance".parse::<BalanceInput>().is_err());
        assert_eq!("days_open".parse::<AverageOver>().unwrap(), AverageOver::DaysOpen);
        assert!("days".parse::<AverageOver>().is_err());
    }

    #[test]
    fn spread_crosses_months() {
        // 2023-12-30 .. 2024-03-02 exclusive: 2 days of December, 31, 29, 1 of March.
        let m0 = month_of(d(2023, 12, 1));
        let mut s = vec![0.0; 4];
        spread(&mut s, m0, d(2023, 12, 30), d(2024, 3, 2), 1.0);
        assert_eq!(s, [2.0, 31.0, 29.0, 1.0]);
    }

    #[test]
    fn transactions_carry_forward_and_sum_on_a_day() {
        // One account: +300 and −100 on Jan 10 (end of day 200), +50 on Jan 20 → 250.
        // January: 9 × 0 + 10 × 200 + 12 × 250 = 5000 → 5000 / 31 = 161.29.
        // February (no row): 250 every day.
        let log = AccountLog {
            account_id: &[5, 5, 5],
            customer_id: &[1, 1, 1],
            timestamp: &[d(2024, 1, 10), d(2024, 1, 20), d(2024, 1, 10)],
            value: &[300.0, 50.0, -100.0],
        };
        let o = BalanceOptions {
            last_month: Some(d(2024, 2, 3)),
            ..BalanceOptions::new(BalanceInput::Transactions, TimestampUnit::Day)
        };
        let m = monthly_average_daily_balance(&log, None, &o).unwrap();
        assert_eq!(m.average_daily_balance, [161.29, 250.0]);
        assert_eq!(m.days_open, [22, 29]);
        let o = BalanceOptions { average_over: AverageOver::DaysOpen, ..o };
        let m = monthly_average_daily_balance(&log, None, &o).unwrap();
        // 5000 / 22 = 227.2727…
        assert_eq!(m.average_daily_balance, [227.27, 250.0]);
    }
}
