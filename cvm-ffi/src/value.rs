//! C ABI of the `value` area: cash-flow customer lifetime value, value decomposition, value
//! matrix and whale curve.
//!
//! Per-period inputs are [`cvm_series`] values (a constant, a shared schedule, one value per
//! customer or a customers × periods matrix); a zero-initialised [`cvm_series`] means "not given"
//! (the field's default). A zero-initialised [`cvm_cashflow`] is the default configuration: only
//! `revenue`, `discount_rate` and `periods` need setting.

use std::ffi::{c_char, CString};
use std::ptr;

use cvm_core::value::{
    closed_form_clv, retention_from_survival, value_matrix, whale_curve, Breakdown, CashflowClv,
    Horizon, Influence, MatrixWarningKind, MissingSatisfaction, Potential, Realised,
    RetentionConvention, Satisfaction, Scalar, Series, Thresholds, Timing, ValueDecomposition,
    ValueMatrix, ValueMatrixResult, WhaleCurve, WhaleOptions, QUADRANT_STRATEGIES_DETAILED,
};
use cvm_core::Error;

use crate::value_defaults::{cvm_closed_form_options, cvm_closed_form_options_default};
use crate::{
    copy_to, cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, slice, str_arg,
    write_array, write_out, FfiError, FfiResult,
};

/// [`cvm_series`] kind: not given; the field takes its default (revenue has none).
pub const CVM_SERIES_DEFAULT: u32 = 0;
/// [`cvm_series`] kind: one value (`value`) for every period and customer.
pub const CVM_SERIES_CONSTANT: u32 = 1;
/// [`cvm_series`] kind: a schedule shared by all customers (`values[t − 1]` is period `t`; the
/// last value repeats).
pub const CVM_SERIES_SCHEDULE: u32 = 2;
/// [`cvm_series`] kind: one value per customer (the same in every period).
pub const CVM_SERIES_PER_CUSTOMER: u32 = 3;
/// [`cvm_series`] kind: one schedule per customer, row-major customers × `n_periods` (each row's
/// last value repeats).
pub const CVM_SERIES_MATRIX: u32 = 4;

/// Cash flows at the end of each period (period `t` discounted by `(1 + d)^t`).
pub const CVM_TIMING_END: u32 = 0;
/// Cash flows at the start of each period (period `t` discounted by `(1 + d)^(t − 1)`).
pub const CVM_TIMING_START: u32 = 1;
/// The customer is present in period 1 and in period `t` with probability `r_1 … r_(t−1)`.
pub const CVM_RETENTION_PRESENT: u32 = 0;
/// The first period must be survived: present in period `t` with probability `r_1 … r_t`.
pub const CVM_RETENTION_SURVIVE: u32 = 1;
/// `periods` of [`cvm_cashflow`] / [`cvm_closed_form_clv`]: every period (infinite horizon).
pub const CVM_PERIODS_INFINITE: usize = 0;

/// A per-period (or per-customer) input. Build one with [`cvm_series_constant`],
/// [`cvm_series_schedule`], [`cvm_series_per_customer`] or [`cvm_series_matrix`]; the arrays are
/// borrowed (they must outlive the call that reads them).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_series {
    /// A `CVM_SERIES_*` kind.
    pub kind: u32,
    /// The value of a `CVM_SERIES_CONSTANT`.
    pub value: f64,
    /// The values of the other kinds.
    pub values: *const f64,
    /// Number of elements of `values`.
    pub n_values: usize,
    /// Columns of a `CVM_SERIES_MATRIX` (periods per customer).
    pub n_periods: usize,
}

/// Configuration of the cash-flow customer lifetime value. Start from
/// `cvm_cashflow_default()` (equal to zero-initialising it) for the defaults: no cost, margin 1, retention 1, no acquisition
/// cost, end-of-period cash flows, customer present in period 1, infinite horizon.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_cashflow {
    /// Revenue per period `R_t` (required).
    pub revenue: cvm_series,
    /// Recurring cost per period `C_t`; default 0.
    pub cost: cvm_series,
    /// Margin rate `m_t` applied to revenue; default 1.
    pub margin: cvm_series,
    /// Retention rate per period `r_t` in `[0, 1]`; default 1.
    pub retention: cvm_series,
    /// One-off acquisition cost at time 0: `CVM_SERIES_CONSTANT` or `CVM_SERIES_PER_CUSTOMER`;
    /// default 0.
    pub acquisition_cost: cvm_series,
    /// Discount rate per period `d > −1`.
    pub discount_rate: f64,
    /// Number of periods (1 to 100,000), or `CVM_PERIODS_INFINITE` (0).
    pub periods: usize,
    /// `CVM_TIMING_END` (default) or `CVM_TIMING_START`.
    pub timing: u32,
    /// `CVM_RETENTION_PRESENT` (default) or `CVM_RETENTION_SURVIVE`.
    pub convention: u32,
}

/// A constant series.
#[no_mangle]
pub extern "C" fn cvm_series_constant(value: f64) -> cvm_series {
    cvm_series { kind: CVM_SERIES_CONSTANT, value, values: ptr::null(), n_values: 0, n_periods: 0 }
}

/// A schedule shared by all customers (`values[t − 1]` is period `t`; the last value repeats).
#[no_mangle]
pub extern "C" fn cvm_series_schedule(values: *const f64, n_values: usize) -> cvm_series {
    cvm_series { kind: CVM_SERIES_SCHEDULE, value: 0.0, values, n_values, n_periods: 0 }
}

/// One value per customer.
#[no_mangle]
pub extern "C" fn cvm_series_per_customer(values: *const f64, n_values: usize) -> cvm_series {
    cvm_series { kind: CVM_SERIES_PER_CUSTOMER, value: 0.0, values, n_values, n_periods: 0 }
}

/// One schedule per customer: row-major customers × `n_periods`.
#[no_mangle]
pub extern "C" fn cvm_series_matrix(
    values: *const f64, n_values: usize, n_periods: usize,
) -> cvm_series {
    cvm_series { kind: CVM_SERIES_MATRIX, value: 0.0, values, n_values, n_periods }
}

/// # Safety
/// `s.values` must hold `s.n_values` values.
unsafe fn series<'a>(s: &cvm_series, field: &'static str, default: f64) -> FfiResult<Series<'a>> {
    let values = || unsafe { slice(s.values, s.n_values, field) };
    Ok(match s.kind {
        CVM_SERIES_DEFAULT => Series::Constant(default),
        CVM_SERIES_CONSTANT => Series::Constant(s.value),
        CVM_SERIES_SCHEDULE => Series::Schedule(values()?),
        CVM_SERIES_PER_CUSTOMER => Series::PerCustomer(values()?),
        CVM_SERIES_MATRIX => Series::Matrix { values: values()?, n_periods: s.n_periods },
        other => return Err(unknown_kind(field, other, SERIES_KINDS)),
    })
}

const SERIES_KINDS: &[&str] = &[
    "0 (CVM_SERIES_DEFAULT)",
    "1 (CVM_SERIES_CONSTANT)",
    "2 (CVM_SERIES_SCHEDULE)",
    "3 (CVM_SERIES_PER_CUSTOMER)",
    "4 (CVM_SERIES_MATRIX)",
];

fn unknown_kind(field: &str, code: u32, valid: &[&str]) -> FfiError {
    Error::unknown_name(field, code.to_string(), valid).into()
}

/// # Safety
/// As [`series`].
unsafe fn scalar<'a>(s: &cvm_series, field: &'static str, default: f64) -> FfiResult<Scalar<'a>> {
    Ok(match s.kind {
        CVM_SERIES_DEFAULT => Scalar::Constant(default),
        CVM_SERIES_CONSTANT => Scalar::Constant(s.value),
        CVM_SERIES_PER_CUSTOMER => {
            Scalar::PerCustomer(unsafe { slice(s.values, s.n_values, field) }?)
        }
        other => {
            return Err(unknown_kind(
                field,
                other,
                &[
                    "0 (CVM_SERIES_DEFAULT)",
                    "1 (CVM_SERIES_CONSTANT)",
                    "3 (CVM_SERIES_PER_CUSTOMER)",
                ],
            ))
        }
    })
}

fn timing(code: u32) -> FfiResult<Timing> {
    match code {
        CVM_TIMING_END => Ok(Timing::End),
        CVM_TIMING_START => Ok(Timing::Start),
        other => {
            Err(unknown_kind("timing", other, &["0 (CVM_TIMING_END)", "1 (CVM_TIMING_START)"]))
        }
    }
}

fn convention(code: u32) -> FfiResult<RetentionConvention> {
    match code {
        CVM_RETENTION_PRESENT => Ok(RetentionConvention::PresentInFirstPeriod),
        CVM_RETENTION_SURVIVE => Ok(RetentionConvention::SurviveFirstPeriod),
        other => Err(unknown_kind(
            "convention",
            other,
            &["0 (CVM_RETENTION_PRESENT)", "1 (CVM_RETENTION_SURVIVE)"],
        )),
    }
}

fn horizon(periods: usize) -> Horizon {
    if periods == CVM_PERIODS_INFINITE {
        Horizon::Infinite
    } else {
        Horizon::Periods(periods)
    }
}

/// The core configuration of a C one.
///
/// # Safety
/// `c` NULL or valid; its series' arrays hold their stated lengths.
unsafe fn cashflow<'a>(c: *const cvm_cashflow, field: &'static str) -> FfiResult<CashflowClv<'a>> {
    let c = unsafe { handle(c, field) }?;
    if c.revenue.kind == CVM_SERIES_DEFAULT {
        return Err(Error::invalid("revenue", "is required").into());
    }
    Ok(CashflowClv {
        cost: unsafe { series(&c.cost, "cost", 0.0) }?,
        margin: unsafe { series(&c.margin, "margin", 1.0) }?,
        retention: unsafe { series(&c.retention, "retention", 1.0) }?,
        acquisition_cost: unsafe { scalar(&c.acquisition_cost, "acquisition_cost", 0.0) }?,
        timing: timing(c.timing)?,
        convention: convention(c.convention)?,
        ..CashflowClv::new(
            unsafe { series(&c.revenue, "revenue", 0.0) }?,
            c.discount_rate,
            horizon(c.periods),
        )
    })
}

/// Number of customers the configuration describes (the common length of its per-customer
/// inputs, or 1 when every input is shared) into `*out`; validates the whole configuration.
///
/// # Safety
/// `config` valid (its arrays hold their stated lengths); `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_cashflow_n_customers(
    config: *const cvm_cashflow, out: *mut usize,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let n = unsafe { cashflow(config, "config") }?.n_customers()?;
        unsafe { write_out(out, n, "out") }
    })
}

/// Cash-flow customer lifetime value of every customer into `out` (`n_out` =
/// [`cvm_cashflow_n_customers`]):
/// `CLV = Σ_t (R_t m_t − C_t) P_t / (1 + d)^(t − s) − A` (see `docs/value.md`).
///
/// Errors (field, index): `discount_rate` ≤ −1, `retention` outside [0, 1] or, with an infinite
/// horizon, a final rate ≥ 1 + d; NaN anywhere; `periods` > 100,000; empty arrays; per-customer
/// inputs of different lengths (`CVM_STATUS_LENGTH_MISMATCH`); unknown kind or mode codes
/// (`CVM_STATUS_UNKNOWN_NAME`). Thread-safe.
///
/// # Safety
/// `config` valid (its arrays hold their stated lengths); `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_cashflow_clv(
    config: *const cvm_cashflow, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let v = unsafe { cashflow(config, "config") }?.compute()?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// One period of a [`cvm_breakdown`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_period_row {
    /// Period number `t` (from 1).
    pub period: usize,
    /// Revenue `R_t`.
    pub revenue: f64,
    /// Recurring cost `C_t`.
    pub cost: f64,
    /// Margin rate `m_t`.
    pub margin: f64,
    /// Net cash flow if present: `R_t m_t − C_t`.
    pub contribution: f64,
    /// Probability `P_t` that the customer is present in period `t`.
    pub survival: f64,
    /// Discount factor `(1 + d)^−(t − s)`.
    pub discount_factor: f64,
    /// `contribution · survival · discount_factor`.
    pub present_value: f64,
    /// `−A` plus the present values of periods `1..=t`.
    pub cumulative: f64,
}

/// Period-by-period breakdown of one customer's value (opaque). Owned by the caller; free with
/// [`cvm_breakdown_free`]. Immutable: thread-safe reads.
#[derive(Debug)]
pub struct cvm_breakdown(Breakdown);

/// Breakdown of `customer`'s value (0-based): every period of a finite horizon; for an infinite
/// one the periods up to the end of the longest schedule, at least `min_rows` of them, and the
/// rest summed in [`cvm_breakdown_tail_value`].
///
/// Errors: as [`cvm_cashflow_clv`]; `CVM_STATUS_INVALID_VALUE` (field `customer`) out of range.
///
/// # Safety
/// `config` valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_cashflow_breakdown(
    config: *const cvm_cashflow, customer: usize, min_rows: usize, out: *mut *mut cvm_breakdown,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let b = unsafe { cashflow(config, "config") }?.breakdown_rows(customer, min_rows)?;
        unsafe { write_out(out, into_handle(cvm_breakdown(b)), "out") }
    })
}

/// Number of rows (periods listed); 0 for NULL.
///
/// # Safety
/// `b` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_breakdown_len(b: *const cvm_breakdown) -> usize {
    unsafe { b.as_ref() }.map_or(0, |b| b.0.rows.len())
}

/// Copies the rows into `out` (`n_out` = [`cvm_breakdown_len`]).
///
/// # Safety
/// `b` live; `out` has room for `n_out` rows.
#[no_mangle]
pub unsafe extern "C" fn cvm_breakdown_rows(
    b: *const cvm_breakdown, out: *mut cvm_period_row, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let b = &unsafe { handle(b, "breakdown") }?.0;
        let rows: Vec<cvm_period_row> = b
            .rows
            .iter()
            .map(|r| cvm_period_row {
                period: r.period,
                revenue: r.revenue,
                cost: r.cost,
                margin: r.margin,
                contribution: r.contribution,
                survival: r.survival,
                discount_factor: r.discount_factor,
                present_value: r.present_value,
                cumulative: r.cumulative,
            })
            .collect();
        unsafe { write_array(&rows, out, n_out, "out") }
    })
}

/// The customer lifetime value: last row's `cumulative` + tail value (0 for NULL).
///
/// # Safety
/// `b` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_breakdown_clv(b: *const cvm_breakdown) -> f64 {
    unsafe { b.as_ref() }.map_or(0.0, |b| b.0.clv)
}

/// Present value of the periods after the last row (infinite horizon; 0 otherwise or NULL).
///
/// # Safety
/// `b` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_breakdown_tail_value(b: *const cvm_breakdown) -> f64 {
    unsafe { b.as_ref() }.map_or(0.0, |b| b.0.tail_value)
}

/// The acquisition cost `A` (0 for NULL).
///
/// # Safety
/// `b` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_breakdown_acquisition_cost(b: *const cvm_breakdown) -> f64 {
    unsafe { b.as_ref() }.map_or(0.0, |b| b.0.acquisition_cost)
}

/// Frees a breakdown; NULL is a no-op.
///
/// # Safety
/// `b` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_breakdown_free(b: *mut cvm_breakdown) {
    unsafe { free_handle(b) }
}

/// Textbook lifetime value of a constant margin, retention rate and discount rate into `*out`:
/// `m / (1 + d − r)` (end of period, present in period 1) and its variants chosen by `options`
/// (NULL: [`cvm_closed_form_options_default`]: infinite horizon, end of period, present in
/// period 1).
///
/// # Safety
/// `options` NULL or valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_closed_form_clv(
    margin: f64, retention: f64, discount_rate: f64, options: *const cvm_closed_form_options,
    out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let o = unsafe { options.as_ref() }
            .copied()
            .unwrap_or_else(|| cvm_closed_form_options_default());
        let (t, c) = (timing(o.timing)?, convention(o.convention)?);
        let v = closed_form_clv(margin, retention, discount_rate, horizon(o.periods), t, c)?;
        unsafe { write_out(out, v, "out") }
    })
}

/// Per-period retention rates `r_t = S(t) / S(t − 1)` of one or more survival curves
/// (row-major, `n_points` values `S(0) … S(n_points − 1)` each) into `out` (`n_out` =
/// curves × (`n_points` − 1), row-major).
///
/// # Safety
/// `survival` holds `n_survival` values; `out` has room for `n_out`.
#[no_mangle]
pub unsafe extern "C" fn cvm_retention_from_survival(
    survival: *const f64, n_survival: usize, n_points: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let s = unsafe { slice(survival, n_survival, "survival") }?;
        let v = retention_from_survival(s, n_points)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// [`cvm_satisfaction`] `missing`: a missing score (NaN) is an error naming the row (default).
pub const CVM_SATISFACTION_MISSING_ERROR: u32 = 0;
/// [`cvm_satisfaction`] `missing`: a customer without a score has no influence value.
pub const CVM_SATISFACTION_MISSING_NO_INFLUENCE: u32 = 1;

/// Satisfaction scores and the threshold of "highly satisfied": influence value counts only
/// where `score >= threshold` (the method: influence value arises when customers are highly
/// satisfied). Build one with [`cvm_satisfaction_default`] (1–5 scale, threshold 4, missing an
/// error) and adjust the fields; `scores` is borrowed for the call.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_satisfaction {
    /// One score per customer (NaN = missing).
    pub scores: *const f64,
    /// Elements of `scores`.
    pub n_scores: usize,
    /// Lowest score of the scale.
    pub scale_min: f64,
    /// Highest score of the scale.
    pub scale_max: f64,
    /// Lowest score that counts as highly satisfied, in [scale_min, scale_max].
    pub threshold: f64,
    /// `CVM_SATISFACTION_MISSING_ERROR` or `CVM_SATISFACTION_MISSING_NO_INFLUENCE`.
    pub missing: u32,
}

/// Scores on the 1–5 scale, highly satisfied from 4, a missing score an error.
#[no_mangle]
pub extern "C" fn cvm_satisfaction_default(
    scores: *const f64, n_scores: usize,
) -> cvm_satisfaction {
    cvm_satisfaction {
        scores,
        n_scores,
        scale_min: 1.0,
        scale_max: 5.0,
        threshold: 4.0,
        missing: CVM_SATISFACTION_MISSING_ERROR,
    }
}

/// # Safety
/// `s` valid; `s.scores` holds `s.n_scores` values.
unsafe fn satisfaction<'a>(s: &cvm_satisfaction) -> FfiResult<Satisfaction<'a>> {
    let missing = match s.missing {
        CVM_SATISFACTION_MISSING_ERROR => MissingSatisfaction::Error,
        CVM_SATISFACTION_MISSING_NO_INFLUENCE => MissingSatisfaction::NoInfluence,
        other => {
            return Err(unknown_kind(
                "satisfaction_missing",
                other,
                &[
                    "0 (CVM_SATISFACTION_MISSING_ERROR)",
                    "1 (CVM_SATISFACTION_MISSING_NO_INFLUENCE)",
                ],
            ))
        }
    };
    Ok(Satisfaction {
        scores: unsafe { slice(s.scores, s.n_scores, "satisfaction") }?,
        min: s.scale_min,
        max: s.scale_max,
        threshold: s.threshold,
        missing,
    })
}

/// Inputs of [`cvm_value_decomposition`]. Start from `cvm_decomposition_inputs_default()` (equal to
/// zero-initialising it): every component is 0 unless given.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_decomposition_inputs {
    /// Realised value: NULL (0), one total per customer (`realised_periods` = 0) or a row-major
    /// customers × `realised_periods` history of profit, oldest first, compounded to today.
    pub realised: *const f64,
    /// Elements of `realised`.
    pub n_realised: usize,
    /// 0: `realised` are totals; ≥ 1: columns of the history.
    pub realised_periods: usize,
    /// Compounding rate per period of the history (> −1; 0 = none).
    pub realised_rate: f64,
    /// Potential value per customer, or NULL.
    pub potential: *const f64,
    /// Elements of `potential`.
    pub n_potential: usize,
    /// Potential value from the cash-flow model instead (NULL: not used; not with `potential`).
    pub potential_cashflow: *const cvm_cashflow,
    /// Influence value per customer, or NULL.
    pub influence: *const f64,
    /// Elements of `influence`.
    pub n_influence: usize,
    /// Influence from referrals instead: people referred (constant or per customer; kind
    /// `CVM_SERIES_DEFAULT` = not used).
    pub referrals: cvm_series,
    /// Conversion rate of the referred, in [0, 1] (required with `referrals`).
    pub conversion: cvm_series,
    /// Value of one converted referral (required with `referrals`).
    pub referral_value: cvm_series,
    /// Satisfaction of each customer (required with `referrals` unless `plain_referrals`):
    /// influence counts only for the highly satisfied. NULL: not given.
    pub satisfaction: *const cvm_satisfaction,
    /// Count referral influence for every customer, whatever their satisfaction (the plain
    /// referral form; not with `satisfaction`).
    pub plain_referrals: bool,
}

/// # Safety
/// `d` valid; its arrays hold their stated lengths.
unsafe fn decomposition<'a>(d: &'a cvm_decomposition_inputs) -> FfiResult<ValueDecomposition<'a>> {
    let realised = if d.realised.is_null() {
        Realised::Zero
    } else {
        let v = unsafe { slice(d.realised, d.n_realised, "realised") }?;
        match d.realised_periods {
            0 => Realised::Total(v),
            n => Realised::History { profit: v, n_periods: n, rate: d.realised_rate },
        }
    };
    let potential = match (d.potential.is_null(), d.potential_cashflow.is_null()) {
        (true, true) => Potential::Zero,
        (false, true) => {
            Potential::Given(unsafe { slice(d.potential, d.n_potential, "potential") }?)
        }
        (true, false) => {
            Potential::Cashflow(unsafe { cashflow(d.potential_cashflow, "potential_cashflow") }?)
        }
        (false, false) => {
            return Err(Error::invalid(
                "potential_cashflow",
                "give either `potential` or `potential_cashflow`, not both",
            )
            .into())
        }
    };
    let referrals = d.referrals.kind != CVM_SERIES_DEFAULT;
    let influence = match (d.influence.is_null(), referrals) {
        (true, false) => Influence::Zero,
        (false, false) => {
            Influence::Given(unsafe { slice(d.influence, d.n_influence, "influence") }?)
        }
        (true, true) => {
            for (s, field) in [(&d.conversion, "conversion"), (&d.referral_value, "value")] {
                if s.kind == CVM_SERIES_DEFAULT {
                    return Err(Error::invalid(field, "is required with `referrals`").into());
                }
            }
            let referrals = unsafe { scalar(&d.referrals, "referrals", 0.0) }?;
            let conversion = unsafe { scalar(&d.conversion, "conversion", 0.0) }?;
            let value = unsafe { scalar(&d.referral_value, "value", 0.0) }?;
            match (unsafe { d.satisfaction.as_ref() }, d.plain_referrals) {
                (Some(s), false) => Influence::SatisfiedReferrals {
                    referrals,
                    conversion,
                    value,
                    satisfaction: unsafe { satisfaction(s) }?,
                },
                (None, true) => Influence::Referrals { referrals, conversion, value },
                (None, false) => {
                    return Err(Error::invalid(
                        "satisfaction",
                        "is required with `referrals`: influence value arises only when \
                         customers are highly satisfied (set `plain_referrals` to count every \
                         customer)",
                    )
                    .into())
                }
                (Some(_), true) => {
                    return Err(Error::invalid(
                        "plain_referrals",
                        "give either `satisfaction` or `plain_referrals`, not both",
                    )
                    .into())
                }
            }
        }
        (false, true) => {
            return Err(Error::invalid(
                "referrals",
                "give either `influence` or `referrals`, not both",
            )
            .into())
        }
    };
    if !referrals && (!d.satisfaction.is_null() || d.plain_referrals) {
        return Err(Error::invalid(
            if d.plain_referrals { "plain_referrals" } else { "satisfaction" },
            "applies only to influence from `referrals`",
        )
        .into());
    }
    Ok(ValueDecomposition { realised, potential, influence })
}

/// Number of customers of a decomposition into `*out`; validates the inputs' shapes.
///
/// # Safety
/// `inputs` valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_decomposition_n_customers(
    inputs: *const cvm_decomposition_inputs, out: *mut usize,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let d = unsafe { handle(inputs, "inputs") }?;
        let n = unsafe { decomposition(d) }?.n_customers()?;
        unsafe { write_out(out, n, "out") }
    })
}

/// Realised, potential, influence and total value per customer
/// (`total = realised + potential + influence`) into caller arrays of `n_out` elements
/// (= [`cvm_value_decomposition_n_customers`]); any output may be NULL to skip it.
///
/// # Safety
/// `inputs` valid; non-NULL outputs have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_decomposition(
    inputs: *const cvm_decomposition_inputs, realised: *mut f64, potential: *mut f64,
    influence: *mut f64, total: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let d = unsafe { handle(inputs, "inputs") }?;
        let r = unsafe { decomposition(d) }?.compute()?;
        if n_out != r.len() {
            return Err(Error::LengthMismatch {
                field: "n_out".into(),
                expected: r.len(),
                got: n_out,
            }
            .into());
        }
        unsafe {
            copy_to(r.realised(), realised);
            copy_to(r.potential(), potential);
            copy_to(r.influence(), influence);
            copy_to(r.total(), total);
        }
        Ok(())
    })
}

/// Options of [`cvm_value_matrix`]. Start from `cvm_value_matrix_options_default()` (equal to
/// zero-initialising it) for the method's 2 × 2 matrix split at
/// the medians, with its quadrant labels and strategies.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_value_matrix_options {
    /// Cut points of current value (NULL: the median).
    pub current_thresholds: *const f64,
    /// Elements of `current_thresholds`.
    pub n_current_thresholds: usize,
    /// Whether `current_thresholds` are quantiles in [0, 1] (else values).
    pub current_quantile: bool,
    /// Cut points of potential value (NULL: the median).
    pub potential_thresholds: *const f64,
    /// Elements of `potential_thresholds`.
    pub n_potential_thresholds: usize,
    /// Whether `potential_thresholds` are quantiles in [0, 1] (else values).
    pub potential_quantile: bool,
    /// One label per cell, in cell order (NULL: the defaults).
    pub labels: *const *const c_char,
    /// Elements of `labels`.
    pub n_labels: usize,
    /// One strategy per cell, in cell order (NULL: the defaults).
    pub strategies: *const *const c_char,
    /// Elements of `strategies`.
    pub n_strategies: usize,
    /// Default strategies of the 2 × 2 matrix when `strategies` is NULL:
    /// `CVM_MATRIX_STRATEGIES_SOURCE` (0, the method's three) or `CVM_MATRIX_STRATEGIES_DETAILED`.
    pub strategy_set: u32,
}

/// [`cvm_value_matrix_options`] `strategy_set`: the method's strategies (think carefully before
/// investing resources / cultivate this group / maintain this group / cultivate this group).
pub const CVM_MATRIX_STRATEGIES_SOURCE: u32 = 0;
/// [`cvm_value_matrix_options`] `strategy_set`: the richer labels (be careful before spending
/// resources / develop / maintain / keep and invest).
pub const CVM_MATRIX_STRATEGIES_DETAILED: u32 = 1;
/// [`cvm_value_matrix_warning_kind`]: no such warning.
pub const CVM_MATRIX_WARNING_NONE: u32 = 0;
/// [`cvm_value_matrix_warning_kind`]: the cell holds no customer.
pub const CVM_MATRIX_WARNING_EMPTY_CELL: u32 = 1;
/// [`cvm_value_matrix_warning_kind`]: the cell holds more than 90 % of the customers.
pub const CVM_MATRIX_WARNING_DOMINANT_CELL: u32 = 2;

/// Each customer's cell of the current × potential value matrix, with per-cell counts and sums
/// (opaque). Owned by the caller; free with [`cvm_value_matrix_free`]. Immutable: thread-safe.
#[derive(Debug)]
pub struct cvm_value_matrix(pub(crate) ValueMatrixResult, Vec<CString>, Vec<CString>, Vec<CString>);

/// # Safety
/// `ptr` NULL or holding `n` values.
unsafe fn thresholds(
    ptr: *const f64, n: usize, quantile: bool, field: &'static str,
) -> FfiResult<Thresholds> {
    if ptr.is_null() {
        return Ok(Thresholds::default());
    }
    let v = unsafe { slice(ptr, n, field) }?.to_vec();
    Ok(if quantile { Thresholds::Quantile(v) } else { Thresholds::Absolute(v) })
}

/// # Safety
/// `ptr` NULL or holding `n` NUL-terminated strings.
unsafe fn strings(
    ptr: *const *const c_char, n: usize, field: &'static str,
) -> FfiResult<Option<Vec<String>>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let items = unsafe { slice(ptr, n, field) }?;
    items
        .iter()
        .map(|&s| unsafe { str_arg(s, field) }.map(str::to_string))
        .collect::<FfiResult<_>>()
        .map(Some)
}

/// The core configuration of C options (NULL: the default 2 × 2 median split).
///
/// # Safety
/// `options` NULL or valid; its arrays hold their stated lengths.
pub(crate) unsafe fn matrix_config(
    options: *const cvm_value_matrix_options,
) -> FfiResult<ValueMatrix> {
    Ok(match unsafe { options.as_ref() } {
        None => ValueMatrix::default(),
        Some(o) => ValueMatrix {
            current: unsafe {
                thresholds(
                    o.current_thresholds,
                    o.n_current_thresholds,
                    o.current_quantile,
                    "current_thresholds",
                )
            }?,
            potential: unsafe {
                thresholds(
                    o.potential_thresholds,
                    o.n_potential_thresholds,
                    o.potential_quantile,
                    "potential_thresholds",
                )
            }?,
            labels: unsafe { strings(o.labels, o.n_labels, "labels") }?,
            strategies: match (
                unsafe { strings(o.strategies, o.n_strategies, "strategies") }?,
                o.strategy_set,
            ) {
                (Some(s), _) => Some(s),
                (None, CVM_MATRIX_STRATEGIES_SOURCE) => None,
                (None, CVM_MATRIX_STRATEGIES_DETAILED) => {
                    Some(QUADRANT_STRATEGIES_DETAILED.iter().map(|s| s.to_string()).collect())
                }
                (None, other) => {
                    return Err(unknown_kind(
                        "strategy_set",
                        other,
                        &["0 (CVM_MATRIX_STRATEGIES_SOURCE)", "1 (CVM_MATRIX_STRATEGIES_DETAILED)"],
                    ))
                }
            },
        },
    })
}

/// Places each customer in a cell of the current × potential value matrix. Cells are numbered
/// row-major `current_level · n_cols + potential_level`, levels from 0 (lowest); a value equal to
/// a cut point goes to the higher level. `options` may be NULL (the 2 × 2 median split).
///
/// Errors (field, index): empty input, `potential` of another length, NaN (`current`,
/// `potential`), quantiles outside [0, 1] or cut points not increasing (`current_thresholds`,
/// `potential_thresholds`), `labels` / `strategies` of the wrong length.
///
/// # Safety
/// Arrays hold their stated lengths; `options` NULL or valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_compute(
    current: *const f64, n_current: usize, potential: *const f64, n_potential: usize,
    options: *const cvm_value_matrix_options, out: *mut *mut cvm_value_matrix,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let c = unsafe { slice(current, n_current, "current") }?;
        let p = unsafe { slice(potential, n_potential, "potential") }?;
        let config = unsafe { matrix_config(options) }?;
        let m = value_matrix(c, p, &config)?;
        let cstrings = |v: &[String]| v.iter().map(|s| crate::cstring(s)).collect();
        let (labels, strategies) = (cstrings(m.labels()), cstrings(m.strategies()));
        let warnings = m.warnings().iter().map(|w| crate::cstring(&w.message)).collect();
        let handle = cvm_value_matrix(m, labels, strategies, warnings);
        unsafe { write_out(out, into_handle(handle), "out") }
    })
}

/// Number of customers (0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_len(m: *const cvm_value_matrix) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.0.current_level().len())
}

/// Number of current-value levels (rows; 0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_rows(m: *const cvm_value_matrix) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.0.n_rows())
}

/// Number of potential-value levels (columns; 0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_cols(m: *const cvm_value_matrix) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.0.n_cols())
}

/// Writes one value per cut point of each axis into the non-NULL outputs.
///
/// # Safety
/// Non-NULL outputs have room for their stated lengths.
unsafe fn write_axes<T: Copy>(
    current_values: &[T], current: *mut T, n_current: usize, potential_values: &[T],
    potential: *mut T, n_potential: usize,
) -> FfiResult<()> {
    unsafe {
        if !current.is_null() {
            write_array(current_values, current, n_current, "current")?;
        }
        if !potential.is_null() {
            write_array(potential_values, potential, n_potential, "potential")?;
        }
    }
    Ok(())
}

/// Copies the cut points in data units (quantiles resolved) into `current` (`n_current` = rows −
/// 1) and `potential` (`n_potential` = columns − 1); either may be NULL to skip it.
///
/// # Safety
/// `m` live; non-NULL outputs have room for their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_thresholds(
    m: *const cvm_value_matrix, current: *mut f64, n_current: usize, potential: *mut f64,
    n_potential: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "value_matrix") }?.0;
        let (c, p) = (m.current_thresholds(), m.potential_thresholds());
        unsafe { write_axes(c, current, n_current, p, potential, n_potential) }
    })
}

/// Copies each customer's levels and cell into arrays of `n` (= [`cvm_value_matrix_len`])
/// elements; any may be NULL to skip it.
///
/// # Safety
/// `m` live; non-NULL outputs have room for `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_customers(
    m: *const cvm_value_matrix, current_level: *mut u16, potential_level: *mut u16,
    cell: *mut usize, n: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "value_matrix") }?.0;
        let len = m.current_level().len();
        if n != len {
            return Err(Error::LengthMismatch { field: "n".into(), expected: len, got: n }.into());
        }
        unsafe {
            copy_to(m.current_level(), current_level);
            copy_to(m.potential_level(), potential_level);
            if !cell.is_null() {
                copy_to(&m.cells(), cell);
            }
        }
        Ok(())
    })
}

/// Copies the per-cell customer counts and value sums into arrays of `n_cells` (= rows ×
/// columns) elements, in cell order; any may be NULL to skip it.
///
/// # Safety
/// `m` live; non-NULL outputs have room for `n_cells` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_cells(
    m: *const cvm_value_matrix, count: *mut usize, current_sum: *mut f64, potential_sum: *mut f64,
    n_cells: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "value_matrix") }?.0;
        if n_cells != m.n_cells() {
            return Err(Error::LengthMismatch {
                field: "n_cells".into(),
                expected: m.n_cells(),
                got: n_cells,
            }
            .into());
        }
        unsafe {
            copy_to(m.counts(), count);
            copy_to(m.current_sum(), current_sum);
            copy_to(m.potential_sum(), potential_sum);
        }
        Ok(())
    })
}

/// Label of cell `cell` (NULL when out of range or `m` is NULL); valid as long as `m`.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_label(
    m: *const cvm_value_matrix, cell: usize,
) -> *const c_char {
    unsafe { m.as_ref() }.and_then(|m| m.1.get(cell)).map_or(ptr::null(), |s| s.as_ptr())
}

/// Recommended strategy of cell `cell` (NULL when out of range or `m` is NULL; `""` when the grid
/// has none); valid as long as `m`.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_strategy(
    m: *const cvm_value_matrix, cell: usize,
) -> *const c_char {
    unsafe { m.as_ref() }.and_then(|m| m.2.get(cell)).map_or(ptr::null(), |s| s.as_ptr())
}

/// Copies, per cut point, whether customers equal to it go to the lower level (the tie rule of
/// quantile cuts: a tied block goes to the side closer to the quantile) into `current`
/// (`n_current` = rows − 1) and `potential` (`n_potential` = columns − 1); either may be NULL.
///
/// # Safety
/// `m` live; non-NULL outputs have room for their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_ties_low(
    m: *const cvm_value_matrix, current: *mut bool, n_current: usize, potential: *mut bool,
    n_potential: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "value_matrix") }?.0;
        let (c, p) = (m.current_ties_low(), m.potential_ties_low());
        unsafe { write_axes(c, current, n_current, p, potential, n_potential) }
    })
}

/// Number of degenerate-split warnings: cells that are empty or hold more than 90 % of the
/// customers (0 for NULL or a sound split).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_warning_count(m: *const cvm_value_matrix) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.3.len())
}

/// Message of warning `i` naming the cell and its cut points (NULL when out of range or `m` is
/// NULL); valid as long as `m`.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_warning_message(
    m: *const cvm_value_matrix, i: usize,
) -> *const c_char {
    unsafe { m.as_ref() }.and_then(|m| m.3.get(i)).map_or(ptr::null(), |s| s.as_ptr())
}

/// Kind of warning `i`: `CVM_MATRIX_WARNING_EMPTY_CELL` or `CVM_MATRIX_WARNING_DOMINANT_CELL`
/// (`CVM_MATRIX_WARNING_NONE` when out of range or `m` is NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_warning_kind(
    m: *const cvm_value_matrix, i: usize,
) -> u32 {
    unsafe { m.as_ref() }.and_then(|m| m.0.warnings().get(i)).map_or(CVM_MATRIX_WARNING_NONE, |w| {
        match w.kind {
            MatrixWarningKind::EmptyCell => CVM_MATRIX_WARNING_EMPTY_CELL,
            MatrixWarningKind::DominantCell => CVM_MATRIX_WARNING_DOMINANT_CELL,
            _ => CVM_MATRIX_WARNING_NONE,
        }
    })
}

/// Cell of warning `i` (`SIZE_MAX` when out of range or `m` is NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_warning_cell(
    m: *const cvm_value_matrix, i: usize,
) -> usize {
    unsafe { m.as_ref() }.and_then(|m| m.0.warnings().get(i)).map_or(usize::MAX, |w| w.cell)
}

/// Frees a value matrix; NULL is a no-op.
///
/// # Safety
/// `m` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_value_matrix_free(m: *mut cvm_value_matrix) {
    unsafe { free_handle(m) }
}

/// The whale curve of per-customer profit (opaque). Owned by the caller; free with
/// [`cvm_whale_curve_free`]. Immutable: thread-safe reads.
#[derive(Debug)]
pub struct cvm_whale_curve(WhaleCurve, CString);

/// Summary of a whale curve. `C(k)` is the cumulative profit of the `k` most profitable
/// customers (linear between ranks). A share is defined only when its denominator is positive
/// (`has_*` false otherwise, and the value is 0).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_whale_summary {
    /// Number of customers `n`.
    pub n: usize,
    /// Total profit `C(n)`.
    pub total: f64,
    /// Highest point `max_k C(k)` (0 when no customer is profitable).
    pub peak: f64,
    /// Smallest `k` with `C(k) = peak`.
    pub peak_rank: usize,
    /// Whether `peak_share` is defined (`total > 0`).
    pub has_peak_share: bool,
    /// `peak / total`.
    pub peak_share: f64,
    /// The `top` fraction.
    pub top: f64,
    /// `C(top · n)`.
    pub top_profit: f64,
    /// Whether `top_share` is defined (`total > 0`).
    pub has_top_share: bool,
    /// `top_profit / total`: share of total profit from the top fraction.
    pub top_share: f64,
    /// The `bottom` fraction.
    pub bottom: f64,
    /// Profit the bottom fraction takes away: `C(n − bottom · n) − total`.
    pub bottom_consumed: f64,
    /// Whether `bottom_consumed_share` is defined (`peak > 0`).
    pub has_bottom_consumed_share: bool,
    /// `bottom_consumed / peak`.
    pub bottom_consumed_share: f64,
    /// `peak − total`.
    pub tail_consumed: f64,
    /// Customers with negative profit.
    pub unprofitable_count: usize,
    /// Share of customers with negative profit.
    pub unprofitable_share: f64,
    /// Whether `gini` is defined (`total > 0`).
    pub has_gini: bool,
    /// Gini coefficient of profit (can exceed 1 with losses).
    pub gini: f64,
    /// Net profit of the bottom fraction, `−bottom_consumed`.
    pub bottom_profit: f64,
    /// Customers wholly inside the bottom fraction, `⌊bottom · n⌋`.
    pub bottom_count: usize,
    /// How many of them lose money.
    pub bottom_unprofitable_count: usize,
    /// Profit without the bottom fraction, `C(n − bottom · n)`.
    pub potential_profit: f64,
    /// Whether `bottom_share_of_top` is defined (`top_profit > 0`).
    pub has_bottom_share_of_top: bool,
    /// `bottom_consumed / top_profit`: the share of the top fraction's profit the bottom one
    /// consumes (negative when the bottom is net profitable).
    pub bottom_share_of_top: f64,
    /// Whether `bottom_share_of_potential` is defined (`potential_profit > 0`).
    pub has_bottom_share_of_potential: bool,
    /// `bottom_consumed / potential_profit`: the share of the potential profit lost.
    pub bottom_share_of_potential: f64,
    /// The bottom fraction makes a net profit (consumes nothing); see
    /// [`cvm_whale_curve_interpretation`].
    pub bottom_net_profitable: bool,
}

/// Ranks customers by profit and builds the whale curve; `top` and `bottom` are fractions of
/// customers in [0, 1] (the method's 0.2 and 0.3).
///
/// Errors (field, index): empty or NaN `profit`, `top` / `bottom` outside [0, 1].
///
/// # Safety
/// `profit` holds `n_profit` values; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_compute(
    profit: *const f64, n_profit: usize, top: f64, bottom: f64, out: *mut *mut cvm_whale_curve,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let p = unsafe { slice(profit, n_profit, "profit") }?;
        let w = whale_curve(p, &WhaleOptions::default().with_top(top).with_bottom(bottom))?;
        let words = crate::cstring(&w.interpretation());
        unsafe { write_out(out, into_handle(cvm_whale_curve(w, words)), "out") }
    })
}

/// The summary figures into `*out`.
///
/// # Safety
/// `w` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_summary(
    w: *const cvm_whale_curve, out: *mut cvm_whale_summary,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let w = &unsafe { handle(w, "whale_curve") }?.0;
        let s = cvm_whale_summary {
            n: w.len(),
            total: w.total(),
            peak: w.peak(),
            peak_rank: w.peak_rank(),
            has_peak_share: w.peak_share().is_some(),
            peak_share: w.peak_share().unwrap_or(0.0),
            top: w.top(),
            top_profit: w.top_profit(),
            has_top_share: w.top_share().is_some(),
            top_share: w.top_share().unwrap_or(0.0),
            bottom: w.bottom(),
            bottom_consumed: w.bottom_consumed(),
            has_bottom_consumed_share: w.bottom_consumed_share().is_some(),
            bottom_consumed_share: w.bottom_consumed_share().unwrap_or(0.0),
            tail_consumed: w.tail_consumed(),
            unprofitable_count: w.unprofitable_count(),
            unprofitable_share: w.unprofitable_share(),
            has_gini: w.gini().is_some(),
            gini: w.gini().unwrap_or(0.0),
            bottom_profit: w.bottom_profit(),
            bottom_count: w.bottom_count(),
            bottom_unprofitable_count: w.bottom_unprofitable_count(),
            potential_profit: w.potential_profit(),
            has_bottom_share_of_top: w.bottom_share_of_top().is_some(),
            bottom_share_of_top: w.bottom_share_of_top().unwrap_or(0.0),
            has_bottom_share_of_potential: w.bottom_share_of_potential().is_some(),
            bottom_share_of_potential: w.bottom_share_of_potential().unwrap_or(0.0),
            bottom_net_profitable: w.bottom_net_profitable(),
        };
        unsafe { write_out(out, s, "out") }
    })
}

/// Per-customer columns, in the input order, into arrays of `n` (= customers) elements; any may
/// be NULL to skip it: `rank` (1 = most profitable), `cumulative_profit` `C(rank)`,
/// `customer_share` `rank / n`, and `cumulative_share` `C(rank) / total` — the last only when
/// total profit is positive (`CVM_STATUS_INVALID_VALUE`, field `cumulative_share`, otherwise).
///
/// # Safety
/// `w` live; non-NULL outputs have room for `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_customers(
    w: *const cvm_whale_curve, rank: *mut usize, cumulative_profit: *mut f64,
    cumulative_share: *mut f64, customer_share: *mut f64, n: usize,
) -> cvm_status {
    ffi_guard!({
        let w = &unsafe { handle(w, "whale_curve") }?.0;
        if n != w.len() {
            return Err(
                Error::LengthMismatch { field: "n".into(), expected: w.len(), got: n }.into()
            );
        }
        let share = if cumulative_share.is_null() {
            None
        } else {
            Some(w.cumulative_share().ok_or_else(|| {
                Error::invalid("cumulative_share", "undefined: total profit is not positive")
            })?)
        };
        unsafe {
            copy_to(w.rank(), rank);
            if !cumulative_profit.is_null() {
                copy_to(&w.cumulative_profit(), cumulative_profit);
            }
            if let Some(s) = share {
                copy_to(&s, cumulative_share);
            }
            if !customer_share.is_null() {
                copy_to(&w.customer_share(), customer_share);
            }
        }
        Ok(())
    })
}

/// The curve in rank order, `C(1) … C(n)`, into `curve` and the customer indices from most to
/// least profitable into `order` (`n` elements each; either may be NULL to skip it).
///
/// # Safety
/// `w` live; non-NULL outputs have room for `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_sorted(
    w: *const cvm_whale_curve, curve: *mut f64, order: *mut usize, n: usize,
) -> cvm_status {
    ffi_guard!({
        let w = &unsafe { handle(w, "whale_curve") }?.0;
        if n != w.len() {
            return Err(
                Error::LengthMismatch { field: "n".into(), expected: w.len(), got: n }.into()
            );
        }
        unsafe {
            copy_to(w.sorted_cumulative(), curve);
            copy_to(w.order(), order);
        }
        Ok(())
    })
}

/// The curve at a fraction `x` ∈ [0, 1] of the customers, `C(x · n)`, into `*out`.
///
/// # Safety
/// `w` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_at(
    w: *const cvm_whale_curve, fraction: f64, out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let w = &unsafe { handle(w, "whale_curve") }?.0;
        let v = w.curve_at(fraction)?;
        unsafe { write_out(out, v, "out") }
    })
}

/// The bottom fraction's figures in words (e.g. "the bottom 30 % (707 customers) are net
/// profitable: ..."; NULL for NULL); valid as long as `w`.
///
/// # Safety
/// `w` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_interpretation(
    w: *const cvm_whale_curve,
) -> *const c_char {
    unsafe { w.as_ref() }.map_or(ptr::null(), |w| w.1.as_ptr())
}

/// Indices (input order, ascending) of the customers with negative profit into `out` (`n_out` =
/// the summary's `unprofitable_count`).
///
/// # Safety
/// `w` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_unprofitable(
    w: *const cvm_whale_curve, out: *mut usize, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let w = &unsafe { handle(w, "whale_curve") }?.0;
        unsafe { write_array(w.unprofitable(), out, n_out, "out") }
    })
}

/// Frees a whale curve; NULL is a no-op.
///
/// # Safety
/// `w` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_whale_curve_free(w: *mut cvm_whale_curve) {
    unsafe { free_handle(w) }
}
