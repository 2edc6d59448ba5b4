//! Fee schedule (monthly average daily balance below a tier's threshold) and dormant-account
//! transitions over C arrays.

use std::ffi::c_char;

use cvm_core::selection::{
    dormant_transitions, fee_schedule, monthly_average_daily_balance, AccountLog, AccountStatus,
    AverageOver, BalanceInput, BalanceOptions, CustomerTiers, DormantTransitions, FeeOptions,
    FeeResult, FeeSchedule, OpeningBalances, Snapshot,
};
use cvm_core::Error;

use crate::columns::{cvm_doubles, cvm_int64s, cvm_strings};
use crate::selection::{cvm_rules, cvm_table, strings};
use crate::summary::{timestamp_unit, CVM_TIMESTAMP_DAYS};
use crate::{
    copy_to, cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, slice, str_arg,
    write_out, FfiResult,
};

/// `input`: each row is a signed amount moved into (+) or out of (−) an account.
pub const CVM_BALANCES_TRANSACTIONS: u32 = 1;
/// `input`: each row is an account's balance at the end of its day.
pub const CVM_BALANCES_END_OF_DAY: u32 = 2;

/// `average_over`: every calendar day of the month (default; days before the first account
/// opened hold 0).
pub const CVM_AVERAGE_CALENDAR_DAYS: u32 = 0;
/// `average_over`: the days of the month from the opening of the customer's first account.
pub const CVM_AVERAGE_DAYS_OPEN: u32 = 1;

/// Account status on a snapshot: dormant.
pub const CVM_ACCOUNT_DORMANT: u32 = 0;
/// Account status: active (every rule decided).
pub const CVM_ACCOUNT_ACTIVE: u32 = 1;
/// Account status: not dormant, but a rule could not be decided (a missing value).
pub const CVM_ACCOUNT_UNKNOWN: u32 = 2;
/// Account status: not in the snapshot.
pub const CVM_ACCOUNT_ABSENT: u32 = 3;

/// Transition: dormant, then active (reactivated).
pub const CVM_TRANSITION_REACTIVATED: u32 = 0;
/// Transition: active, then dormant.
pub const CVM_TRANSITION_BECAME_DORMANT: u32 = 1;
/// Transition: dormant on both snapshots.
pub const CVM_TRANSITION_STAYED_DORMANT: u32 = 2;
/// Transition: active on both snapshots.
pub const CVM_TRANSITION_STAYED_ACTIVE: u32 = 3;
/// Transition: in both snapshots, unknown on at least one.
pub const CVM_TRANSITION_UNKNOWN: u32 = 4;
/// Transition: only in the second snapshot.
pub const CVM_TRANSITION_NEW: u32 = 5;
/// Transition: only in the first snapshot.
pub const CVM_TRANSITION_GONE: u32 = 6;

/// Options of [`cvm_fee_schedule_apply`]; start from [`cvm_fee_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_fee_options {
    /// What each row's value is: `CVM_BALANCES_TRANSACTIONS` or `CVM_BALANCES_END_OF_DAY`.
    pub input: u32,
    /// Resolution of the timestamps: a `CVM_TIMESTAMP_*` constant (days are UTC days).
    pub timestamp_unit: u32,
    /// Whether `first_month` is set (otherwise the month of the earliest row).
    pub has_first_month: bool,
    /// Any instant of the first month reported, in `timestamp_unit`.
    pub first_month: i64,
    /// Whether `last_month` is set (otherwise the month of the latest row).
    pub has_last_month: bool,
    /// Any instant of the last month reported, in `timestamp_unit`.
    pub last_month: i64,
    /// Divisor of the average: `CVM_AVERAGE_CALENDAR_DAYS` (default) or `CVM_AVERAGE_DAYS_OPEN`.
    pub average_over: u32,
}

/// Default options: rows are transactions, **timestamps in whole days since 1970-01-01**
/// (`CVM_TIMESTAMP_DAYS`), months from the earliest to the latest row, averages over calendar
/// days.
#[no_mangle]
pub extern "C" fn cvm_fee_options_default() -> cvm_fee_options {
    cvm_fee_options {
        input: CVM_BALANCES_TRANSACTIONS,
        timestamp_unit: CVM_TIMESTAMP_DAYS,
        has_first_month: false,
        first_month: 0,
        has_last_month: false,
        last_month: 0,
        average_over: CVM_AVERAGE_CALENDAR_DAYS,
    }
}

fn balance_options(o: &cvm_fee_options) -> FfiResult<BalanceOptions> {
    let input = match o.input {
        CVM_BALANCES_TRANSACTIONS => BalanceInput::Transactions,
        CVM_BALANCES_END_OF_DAY => BalanceInput::EndOfDayBalances,
        other => {
            let valid = ["CVM_BALANCES_TRANSACTIONS (1)", "CVM_BALANCES_END_OF_DAY (2)"];
            return Err(Error::unknown_name("input", other.to_string(), &valid).into());
        }
    };
    let average_over = match o.average_over {
        CVM_AVERAGE_CALENDAR_DAYS => AverageOver::CalendarDays,
        CVM_AVERAGE_DAYS_OPEN => AverageOver::DaysOpen,
        other => {
            let valid = ["CVM_AVERAGE_CALENDAR_DAYS (0)", "CVM_AVERAGE_DAYS_OPEN (1)"];
            return Err(Error::unknown_name("average_over", other.to_string(), &valid).into());
        }
    };
    Ok(BalanceOptions::new(input, timestamp_unit(o.timestamp_unit)?)
        .with_first_month(o.has_first_month.then_some(o.first_month))
        .with_last_month(o.has_last_month.then_some(o.last_month))
        .with_average_over(average_over))
}

/// A fee schedule (opaque): tiers with a threshold and a monthly fee. From
/// [`cvm_fee_schedule_default`] or [`cvm_fee_schedule_from_json`]; owned by the caller, freed
/// with [`cvm_fee_schedule_free`]. Immutable: thread-safe to read.
#[derive(Debug)]
pub struct cvm_fee_schedule(FeeSchedule);

/// The fees of every customer-month (opaque), from [`cvm_fee_schedule_apply`]. Free with
/// [`cvm_fee_result_free`]. Immutable.
#[derive(Debug)]
pub struct cvm_fee_result(FeeResult);

/// Dormant transitions of accounts (opaque), from [`cvm_dormant_transitions`]. Free with
/// [`cvm_transitions_free`]. Immutable.
#[derive(Debug)]
pub struct cvm_transitions(DormantTransitions);

/// The method's example schedule (seeds/001:442) into `*out`: tier `standard` pays 150 when the
/// month's average daily balance is below 100 000, tier `premier` 300 below 500 000.
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_schedule_default(out: *mut *mut cvm_fee_schedule) -> cvm_status {
    ffi_guard!({
        unsafe { write_out(out, into_handle(cvm_fee_schedule(FeeSchedule::default())), "out") }
    })
}

/// Reads a fee-schedule document (`{"version": 1, "tiers": [{"tier": …, "threshold": …,
/// "fee": …}]}`, see docs/fees.md) into `*out`. `CVM_STATUS_JSON` with the JSON path as the
/// field for any problem.
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_schedule_from_json(
    json: *const c_char, out: *mut *mut cvm_fee_schedule,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let s = FeeSchedule::from_json(unsafe { str_arg(json, "json") }?)?;
        unsafe { write_out(out, into_handle(cvm_fee_schedule(s)), "out") }
    })
}

/// Writes the schedule's JSON document into `*out_json` (free it with `cvm_string_free`).
///
/// # Safety
/// `s` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_schedule_to_json(
    s: *const cvm_fee_schedule, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let s = &unsafe { handle(s, "schedule") }?.0;
        unsafe { write_out(out_json, crate::cstring(&s.to_json()).into_raw(), "out_json") }
    })
}

/// Number of tiers of a schedule (0 for NULL).
///
/// # Safety
/// `s` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_schedule_len(s: *const cvm_fee_schedule) -> usize {
    unsafe { s.as_ref() }.map_or(0, |s| s.0.tiers.len())
}

/// Tier `i` of a schedule: its name into `*out_name` (free with `cvm_string_free`), threshold
/// and fee. `CVM_STATUS_INVALID_VALUE` (field `i`) out of range.
///
/// # Safety
/// `s` live; the outputs valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_schedule_tier(
    s: *const cvm_fee_schedule, i: usize, out_name: *mut *mut c_char, out_threshold: *mut f64,
    out_fee: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out_name, "out_name")?;
        need_out(out_threshold, "out_threshold")?;
        need_out(out_fee, "out_fee")?;
        let s = &unsafe { handle(s, "schedule") }?.0;
        let n = s.tiers.len();
        let t = s
            .tiers
            .get(i)
            .ok_or_else(|| Error::invalid_at("i", i, format!("out of range (0..{n})")))?;
        unsafe {
            write_out(out_threshold, t.threshold, "out_threshold")?;
            write_out(out_fee, t.fee, "out_fee")?;
            write_out(out_name, crate::cstring(&t.tier).into_raw(), "out_name")
        }
    })
}

/// Frees a schedule; NULL is a no-op.
///
/// # Safety
/// `s` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_schedule_free(s: *mut cvm_fee_schedule) {
    unsafe { free_handle(s) }
}

/// The rows of [`cvm_fee_schedule_apply`]: transactions or balances (`account_ids`,
/// `customer_ids`, `timestamps`, `values`, equal lengths, any order); opening balances
/// (`opening_account_ids` / `opening_balances`, may be `{NULL, 0}`: 0); tiers by customer
/// (`tier_customer_ids` / `tiers`, names of the schedule's tiers) and `default_tier` for the
/// others (NULL: none, a customer without a tier is an error).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_fee_rows {
    /// Account of each row.
    pub account_ids: cvm_int64s,
    /// Customer of each row.
    pub customer_ids: cvm_int64s,
    /// Time of each row, in `options->timestamp_unit`.
    pub timestamps: cvm_int64s,
    /// Amount (transactions) or end-of-day balance of each row.
    pub values: cvm_doubles,
    /// Accounts with an opening balance.
    pub opening_account_ids: cvm_int64s,
    /// Their opening balances.
    pub opening_balances: cvm_doubles,
    /// Customers with a tier.
    pub tier_customer_ids: cvm_int64s,
    /// Their tiers' names.
    pub tiers: cvm_strings,
    /// Tier of the other customers, or NULL.
    pub default_tier: *const c_char,
}

/// The monthly fee of every customer-month of `rows` into `*out` (free with
/// [`cvm_fee_result_free`]).
///
/// The balance of a day is its end-of-day balance, carried forward over days without rows;
/// months are calendar months with their real number of days; an account's balance before its
/// first row is its opening balance. The fee is the tier's when the average, rounded to the
/// cent, is below its threshold. `options` may be NULL (defaults: transactions, days).
///
/// Errors: `CVM_STATUS_EMPTY_INPUT` (`account_id`), `CVM_STATUS_LENGTH_MISMATCH`,
/// `CVM_STATUS_INVALID_VALUE` with field and row (`timestamp`, `amount` / `balance`,
/// `customer_id`, `opening_account_id`, `opening_balance`, `tier`, `tier_customer_id`,
/// `default_tier`, `first_month`, `last_month`), `CVM_STATUS_UNKNOWN_NAME` (`input`,
/// `average_over`, `timestamp_unit` codes), `CVM_STATUS_NULL_POINTER` (`schedule`, `rows`,
/// `out`, a column with data NULL and len > 0). See docs/fees.md.
///
/// ```c
/// cvm_fee_rows rows = {.account_ids = {acc, n}, .customer_ids = {cus, n}, .timestamps = {ts, n},
///                      .values = {amount, n}, .default_tier = "standard"};
/// cvm_fee_result *r = NULL;
/// cvm_status s = cvm_fee_schedule_apply(schedule, &rows, NULL, &r);
/// ```
///
/// # Safety
/// `schedule` live; `rows` valid for reads, each array holding its stated number of elements
/// (`tiers` NUL-terminated strings, `default_tier` NULL or NUL-terminated); `options` NULL or
/// valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_schedule_apply(
    schedule: *const cvm_fee_schedule, rows: *const cvm_fee_rows, options: *const cvm_fee_options,
    out: *mut *mut cvm_fee_result,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let s = &unsafe { handle(schedule, "schedule") }?.0;
        let r = unsafe { handle(rows, "rows") }?;
        let log = AccountLog {
            account_id: unsafe { r.account_ids.required("account_id") }?,
            customer_id: unsafe { r.customer_ids.required("customer_id") }?,
            timestamp: unsafe { r.timestamps.required("timestamp") }?,
            value: unsafe { r.values.required("value") }?,
        };
        let openings = OpeningBalances {
            account_id: unsafe { r.opening_account_ids.required("opening_account_id") }?,
            balance: unsafe { r.opening_balances.required("opening_balance") }?,
        };
        let tiers = CustomerTiers {
            customer_id: unsafe { r.tier_customer_ids.required("tier_customer_id") }?,
            tier: &unsafe { strings(r.tiers.data, r.tiers.len, "tier") }?,
        };
        let default_tier = if r.default_tier.is_null() {
            None
        } else {
            Some(unsafe { str_arg(r.default_tier, "default_tier") }?.to_string())
        };
        let o = match unsafe { options.as_ref() } {
            Some(o) => balance_options(o)?,
            None => balance_options(&cvm_fee_options_default())?,
        };
        let m = monthly_average_daily_balance(&log, Some(&openings), &o)?;
        let r = fee_schedule(m, &tiers, s, &FeeOptions::default().with_default_tier(default_tier))?;
        unsafe { write_out(out, into_handle(cvm_fee_result(r)), "out") }
    })
}

/// Number of customer-months of a fee result (0 for NULL).
///
/// # Safety
/// `r` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_result_len(r: *const cvm_fee_result) -> usize {
    unsafe { r.as_ref() }.map_or(0, |r| r.0.len())
}

/// Copies, per customer-month (sorted by customer then month), the customer id, the month's
/// first day (days since 1970-01-01), the average daily balance (rounded to the cent), the
/// tier's threshold and the fee charged (0 when none) into the arrays, each of `n_out` =
/// [`cvm_fee_result_len`] values; any may be NULL to skip it.
///
/// # Safety
/// `r` live; non-NULL arrays have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_result_values(
    r: *const cvm_fee_result, customer_id: *mut i64, month_start: *mut i64,
    average_daily_balance: *mut f64, threshold: *mut f64, fee: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let r = &unsafe { handle(r, "result") }?.0;
        n_out_is(n_out, r.len())?;
        let b = &r.balances;
        unsafe {
            copy_to(&b.customer_id, customer_id);
            copy_to(&b.month_start, month_start);
            copy_to(&b.average_daily_balance, average_daily_balance);
            copy_to(&r.threshold, threshold);
            copy_to(&r.fee, fee);
        }
        Ok(())
    })
}

/// Copies, per customer-month, the month's calendar days, the days from the opening of the
/// customer's first account, and the index of the customer's tier in the schedule
/// ([`cvm_fee_schedule_tier`]); each array of `n_out` values, any may be NULL.
///
/// # Safety
/// `r` live; non-NULL arrays have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_result_days_and_tiers(
    r: *const cvm_fee_result, days_in_month: *mut u32, days_open: *mut u32, tier: *mut u32,
    n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let r = &unsafe { handle(r, "result") }?.0;
        n_out_is(n_out, r.len())?;
        let t: Vec<u32> = r.tier.iter().map(|&t| t as u32).collect();
        unsafe {
            copy_to(&r.balances.days_in_month, days_in_month);
            copy_to(&r.balances.days_open, days_open);
            copy_to(&t, tier);
        }
        Ok(())
    })
}

/// The reason of customer-month `row` (e.g. `"fee 150.00: average daily balance 84193.55 in
/// 2024-01 is below the standard tier's threshold 100000.00"`) into `*out` (free with
/// `cvm_string_free`). `CVM_STATUS_INVALID_VALUE` (field `row`) out of range.
///
/// # Safety
/// `r` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_result_reason(
    r: *const cvm_fee_result, row: usize, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let r = &unsafe { handle(r, "result") }?.0;
        in_range(row, r.len())?;
        unsafe { write_out(out, crate::cstring(&r.reason(row)).into_raw(), "out") }
    })
}

pub(crate) fn n_out_is(n_out: usize, n: usize) -> FfiResult<()> {
    if n_out == n {
        Ok(())
    } else {
        Err(Error::LengthMismatch { field: "n_out".into(), expected: n, got: n_out }.into())
    }
}

fn in_range(row: usize, n: usize) -> FfiResult<()> {
    if row < n {
        Ok(())
    } else {
        Err(Error::invalid_at("row", row, format!("out of range (0..{n})")).into())
    }
}

/// Frees a fee result; NULL is a no-op.
///
/// # Safety
/// `r` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_fee_result_free(r: *mut cvm_fee_result) {
    unsafe { free_handle(r) }
}

/// Dormant transitions between two snapshots into `*out` (free with [`cvm_transitions_free`]).
///
/// `rules` decide dormancy on each snapshot (e.g. `cvm_rules_preset("dormant_account", …)`);
/// an account is dormant when its decision is `dormant_decision`, unknown when not and a rule
/// met a missing value, else active. `before_ids` / `after_ids` name the rows of each table
/// (each id once). The result lists every account of either snapshot, by ascending id.
///
/// Errors: `CVM_STATUS_INVALID_VALUE` (`dormant_decision` not a decision of the rules; an id
/// listed twice: `before_account_id` / `after_account_id` with the row; the evaluation's errors),
/// `CVM_STATUS_LENGTH_MISMATCH` (ids and table rows), `CVM_STATUS_NULL_POINTER`.
///
/// # Safety
/// Handles live; arrays hold their stated number of elements; `dormant_decision`
/// NUL-terminated; `out` valid for writes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cvm_dormant_transitions(
    rules: *const cvm_rules, dormant_decision: *const c_char, before_ids: *const i64,
    n_before_ids: usize, before: *const cvm_table, after_ids: *const i64, n_after_ids: usize,
    after: *const cvm_table, out: *mut *mut cvm_transitions,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let rules = &unsafe { handle(rules, "rules") }?.0;
        let decision = unsafe { str_arg(dormant_decision, "dormant_decision") }?;
        let tb = unsafe { handle(before, "before") }?.0.table();
        let ta = unsafe { handle(after, "after") }?.0.table();
        let b = Snapshot {
            account_id: unsafe { slice(before_ids, n_before_ids, "before_account_id") }?,
            table: &tb,
        };
        let a = Snapshot {
            account_id: unsafe { slice(after_ids, n_after_ids, "after_account_id") }?,
            table: &ta,
        };
        let r = dormant_transitions(rules, decision, b, a)?;
        unsafe { write_out(out, into_handle(cvm_transitions(r)), "out") }
    })
}

/// Number of accounts of a transitions result (0 for NULL).
///
/// # Safety
/// `t` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_transitions_len(t: *const cvm_transitions) -> usize {
    unsafe { t.as_ref() }.map_or(0, |t| t.0.len())
}

fn status_code(s: AccountStatus) -> u32 {
    match s {
        AccountStatus::Dormant => CVM_ACCOUNT_DORMANT,
        AccountStatus::Active => CVM_ACCOUNT_ACTIVE,
        AccountStatus::Unknown => CVM_ACCOUNT_UNKNOWN,
        _ => CVM_ACCOUNT_ABSENT,
    }
}

/// Copies, per account (ascending id), the id, the status on each snapshot (`CVM_ACCOUNT_*`) and
/// the transition (`CVM_TRANSITION_*`); each array of `n_out` = [`cvm_transitions_len`] values,
/// any may be NULL.
///
/// # Safety
/// `t` live; non-NULL arrays have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_transitions_values(
    t: *const cvm_transitions, account_id: *mut i64, before: *mut u32, after: *mut u32,
    transition: *mut u32, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let t = &unsafe { handle(t, "transitions") }?.0;
        n_out_is(n_out, t.len())?;
        let sb: Vec<u32> = t.before.iter().map(|&s| status_code(s)).collect();
        let sa: Vec<u32> = t.after.iter().map(|&s| status_code(s)).collect();
        let tr: Vec<u32> = t.transition.iter().map(|&x| x as u32).collect();
        unsafe {
            copy_to(&t.account_id, account_id);
            copy_to(&sb, before);
            copy_to(&sa, after);
            copy_to(&tr, transition);
        }
        Ok(())
    })
}

/// The reason of account `row` (e.g. `"reactivated: dormant on the first snapshot (…), active on
/// the second (years_since_last_trade=0.5<3)"`) into `*out` (free with `cvm_string_free`).
/// `CVM_STATUS_INVALID_VALUE` (field `row`) out of range.
///
/// # Safety
/// `t` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_transitions_reason(
    t: *const cvm_transitions, row: usize, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let t = &unsafe { handle(t, "transitions") }?.0;
        in_range(row, t.len())?;
        unsafe { write_out(out, crate::cstring(&t.reason[row]).into_raw(), "out") }
    })
}

/// Frees a transitions result; NULL is a no-op.
///
/// # Safety
/// `t` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_transitions_free(t: *mut cvm_transitions) {
    unsafe { free_handle(t) }
}
