//! Bindings of the fee schedule (monthly average daily balance below a tier's threshold) and
//! of dormant-account transitions.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::selection::{
    dormant_transitions, fee_schedule, monthly_average_daily_balance, AccountLog, AccountStatus,
    AverageOver, BalanceInput, BalanceOptions, CustomerTiers, DormantTransition, FeeOptions,
    FeeSchedule, OpeningBalances, Snapshot,
};
use cvm_core::TimestampUnit;

use crate::conversion::{array, code_of, name, slice, text_codes};
use crate::errors::{call, detach, IntoPyResult};
use crate::selection::{Columns, PyRuleSet};

/// The default schedule (seeds/001:442) as a JSON document.
#[pyfunction]
fn default_fee_schedule_json() -> PyResult<String> {
    call(|| Ok(FeeSchedule::default().to_json()))
}

/// Reads and validates a schedule document; returns it as written by the core.
#[pyfunction]
fn fee_schedule_json(text: &str) -> PyResult<String> {
    call(|| Ok(FeeSchedule::from_json(text).py()?.to_json()))
}

/// Fees of every customer-month; returns a dict of columns (customer codes, month starts as
/// days since 1970-01-01, days, averages, tiers as 1 + their place in `tier_names`, thresholds, fees,
/// reasons as `(codes, texts)`).
#[pyfunction]
#[pyo3(name = "fee_schedule", signature = (
    account_id, customer_id, timestamp, value, timestamp_unit, input, opening_account_id,
    opening_balance, first_month, last_month, average_over, schedule_json, tier_customer_id,
    tiers, default_tier
))]
#[allow(clippy::too_many_arguments)]
fn fee_schedule_native<'py>(
    py: Python<'py>, account_id: PyReadonlyArray1<'py, i64>,
    customer_id: PyReadonlyArray1<'py, i64>, timestamp: PyReadonlyArray1<'py, i64>,
    value: PyReadonlyArray1<'py, f64>, timestamp_unit: &str, input: &str,
    opening_account_id: PyReadonlyArray1<'py, i64>, opening_balance: PyReadonlyArray1<'py, f64>,
    first_month: Option<i64>, last_month: Option<i64>, average_over: &str, schedule_json: &str,
    tier_customer_id: PyReadonlyArray1<'py, i64>, tiers: Vec<String>, default_tier: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let o = BalanceOptions::new(
            name::<BalanceInput>(input, "input")?,
            name::<TimestampUnit>(timestamp_unit, "timestamp_unit")?,
        )
        .with_first_month(first_month)
        .with_last_month(last_month)
        .with_average_over(name::<AverageOver>(average_over, "average_over")?);
        let schedule = FeeSchedule::from_json(schedule_json).py()?;
        let log = AccountLog {
            account_id: slice(&account_id, "account_id")?,
            customer_id: slice(&customer_id, "customer_id")?,
            timestamp: slice(&timestamp, "timestamp")?,
            value: slice(&value, o.input.value_field())?,
        };
        let openings = OpeningBalances {
            account_id: slice(&opening_account_id, "opening_account_id")?,
            balance: slice(&opening_balance, "opening_balance")?,
        };
        let mapping = CustomerTiers {
            customer_id: slice(&tier_customer_id, "tier_customer_id")?,
            tier: tiers.as_slice(),
        };
        let options = FeeOptions::default().with_default_tier(default_tier);
        let (r, reasons) = detach(py, || {
            let m = monthly_average_daily_balance(&log, Some(&openings), &o)?;
            let r = fee_schedule(m, &mapping, &schedule, &options)?;
            let reasons = r.reason_texts();
            Ok((r, reasons))
        })?;
        let tier_names: Vec<&str> = r.schedule.tiers.iter().map(|t| t.tier.as_str()).collect();
        let d = PyDict::new(py);
        // 1 + the place in `tier_names` (0, for none, does not occur).
        let tier: Vec<u32> = r.tier.iter().map(|&t| 1 + t as u32).collect();
        d.set_item("tier", array(py, tier))?;
        d.set_item("tier_names", tier_names)?;
        d.set_item("reason", text_codes(py, reasons))?;
        let b = r.balances;
        d.set_item("customer_id", array(py, b.customer_id))?;
        d.set_item("month_start", array(py, b.month_start))?;
        d.set_item("days_in_month", array(py, b.days_in_month))?;
        d.set_item("days_open", array(py, b.days_open))?;
        d.set_item("average_daily_balance", array(py, b.average_daily_balance))?;
        d.set_item("threshold", array(py, r.threshold))?;
        d.set_item("fee", array(py, r.fee))?;
        Ok(d)
    })
}

/// Dormant transitions between two snapshots; returns a dict of columns (account codes,
/// statuses and transitions as codes 1 + their place in `status_names` / `transition_names`,
/// reasons).
#[pyfunction]
#[pyo3(name = "dormant_transitions", signature = (rules, dormant_decision, before_id, before, after_id, after))]
fn dormant_transitions_native<'py>(
    py: Python<'py>, rules: &PyRuleSet, dormant_decision: &str,
    before_id: PyReadonlyArray1<'py, i64>, before: Columns<'py>,
    after_id: PyReadonlyArray1<'py, i64>, after: Columns<'py>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let (bb, ba) = (before.borrow()?, after.borrow()?);
        let (ib, ia) =
            (slice(&before_id, "before_account_id")?, slice(&after_id, "after_account_id")?);
        let rules = &rules.inner;
        let r = detach(py, || {
            let (tb, ta) = (bb.table()?, ba.table()?);
            dormant_transitions(
                rules,
                dormant_decision,
                Snapshot { account_id: ib, table: &tb },
                Snapshot { account_id: ia, table: &ta },
            )
        })?;
        let d = PyDict::new(py);
        // Codes 1 + the place in the names (0, for none, does not occur).
        let codes = |v: &[AccountStatus]| -> Vec<u8> {
            v.iter().map(|s| 1 + code_of(&AccountStatus::ALL, s)).collect()
        };
        d.set_item("before", array(py, codes(&r.before)))?;
        d.set_item("after", array(py, codes(&r.after)))?;
        d.set_item("status_names", AccountStatus::ALL.map(AccountStatus::as_str).to_vec())?;
        let t: Vec<u8> = r.transition.iter().map(|&t| 1 + t as u8).collect();
        d.set_item("transition", array(py, t))?;
        d.set_item("transition_names", DormantTransition::NAMES.to_vec())?;
        d.set_item("reason", r.reason)?;
        d.set_item("account_id", array(py, r.account_id))?;
        Ok(d)
    })
}

/// Adds this area's functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(default_fee_schedule_json, m)?)?;
    m.add_function(wrap_pyfunction!(fee_schedule_json, m)?)?;
    m.add_function(wrap_pyfunction!(fee_schedule_native, m)?)?;
    m.add_function(wrap_pyfunction!(dormant_transitions_native, m)?)?;
    Ok(())
}
