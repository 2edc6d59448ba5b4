//! C ABI of the churn probability and the churn-risk table ([`cvm_core::churn`]).
//!
//! Bands cross the ABI as `uint8_t` codes (`CVM_RISK_*`). Every function writes caller-owned
//! arrays of `n_out` values (= the number of customers); an output may be NULL (not wanted).

use cvm_core::churn::{churn_probability, churn_risk_from_model, ChurnRiskOptions, NoPurchase};
use cvm_core::loyalty::RiskBand;

use crate::columns::cvm_doubles;
use crate::fee::n_out_is;
use crate::lifetime2::cvm_bg_bb;
use crate::loyalty::{code_of, write_text};
use crate::models::{customers, cvm_model, Customers};
use crate::{copy_to, cvm_status, ffi_guard, handle, need_out, FfiResult};
use std::ffi::c_char;

/// Options of [`cvm_churn_risk`]; start from [`cvm_churn_risk_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_churn_risk_options {
    /// Lower bound of the medium band on the churn probability (default 1/3; in (0, 1],
    /// <= `high_threshold`).
    pub medium_threshold: f64,
    /// Lower bound of the high band (default 2/3; in (0, 1]).
    pub high_threshold: f64,
    /// Probability at or above which a customer is flagged at risk (default 0.5; in (0, 1]).
    pub at_risk_threshold: f64,
}

/// The default churn-risk options (see the field docs).
#[no_mangle]
pub extern "C" fn cvm_churn_risk_options_default() -> cvm_churn_risk_options {
    let d = ChurnRiskOptions::default();
    cvm_churn_risk_options {
        medium_threshold: d.medium_threshold,
        high_threshold: d.high_threshold,
        at_risk_threshold: d.at_risk_threshold,
    }
}

fn probability_into(
    model: &dyn NoPurchase, h: &Customers<'_>, horizon: f64, out: *mut f64, n_out: usize,
) -> FfiResult<()> {
    let p = churn_probability(model, h.f, h.r, h.t, horizon)?;
    n_out_is(n_out, p.len())?;
    unsafe { copy_to(&p, out) };
    Ok(())
}

/// The model's probability that each customer makes no purchase in `(T, T + horizon]`, into
/// `out` (`n_out` values). `horizon` in the model's time unit (> 0).
///
/// # Safety
/// `model` live; arrays hold their stated lengths; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_probability(
    model: *const cvm_model, frequency: *const f64, n_frequency: usize, recency: *const f64,
    n_recency: usize, t: *const f64, n_t: usize, horizon: f64, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(model, "model") }?.0;
        let h = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        probability_into(m, &h, horizon, out, n_out)
    })
}

/// The BG/BB's probability that each customer makes no transaction in the next `horizon`
/// opportunities (a whole number, 1 to 1e6), from `frequency`, `recency` and `n_periods`.
///
/// # Safety
/// As [`cvm_churn_probability`].
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_churn_probability(
    model: *const cvm_bg_bb, frequency: *const f64, n_frequency: usize, recency: *const f64,
    n_recency: usize, n_periods: *const f64, n_n_periods: usize, horizon: f64, out: *mut f64,
    n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(model, "model") }?.0;
        let h = unsafe {
            customers(frequency, n_frequency, recency, n_recency, n_periods, n_n_periods)
        }?;
        probability_into(m, &h, horizon, out, n_out)
    })
}

/// The customer columns of [`cvm_churn_risk`]: `frequency`, `recency`, `t` (T) in the model's
/// unit, required, of one length; `clv` optional (`data` NULL: no value at risk).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_churn_risk_columns {
    /// Repeat purchases `x`.
    pub frequency: cvm_doubles,
    /// Age at the last purchase `t_x`.
    pub recency: cvm_doubles,
    /// Age at the end of observation `T`.
    pub t: cvm_doubles,
    /// Each customer's CLV, or NULL.
    pub clv: cvm_doubles,
}

/// Where [`cvm_churn_risk`] writes: each non-NULL array has room for `n` = the number of
/// customers; every output may be NULL (not wanted), and `value_at_risk` must be NULL when no
/// `clv` column is given.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_churn_risk_outputs {
    /// P(no purchase in the horizon).
    pub probability: *mut f64,
    /// Ranking score `exp(-E)`.
    pub score: *mut f64,
    /// Band code (`CVM_RISK_*`).
    pub band: *mut u8,
    /// At-risk flag (0/1).
    pub at_risk: *mut u8,
    /// P(alive).
    pub p_alive: *mut f64,
    /// Expected purchases in the horizon.
    pub expected_purchases: *mut f64,
    /// `probability × clv`.
    pub value_at_risk: *mut f64,
    /// Room in each array.
    pub n: usize,
}

/// The churn-risk table of every customer: the churn probability over `horizon` (> 0, in the
/// model's unit), the ranking score `exp(-E)` (E the expected purchases in the horizon), the
/// band (`CVM_RISK_*`), the at-risk flag (0/1), P(alive), the expected purchases and, when the
/// `clv` column is given, the value at risk `probability × clv` (NaN is never written: without
/// a CLV that output must be NULL). `options` may be NULL (defaults).
///
/// ```c
/// cvm_churn_risk_columns c = {{f, n}, {r, n}, {T, n}, {NULL, 0}};
/// cvm_churn_risk_outputs o = {.probability = prob, .band = band, .n = n};
/// cvm_status s = cvm_churn_risk(model, &c, 39.0, NULL, &o);
/// ```
///
/// # Safety
/// `model` live; `columns` and `outputs` valid for reads, their arrays hold their stated
/// lengths (non-NULL outputs have room for `outputs->n`).
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_risk(
    model: *const cvm_model, columns: *const cvm_churn_risk_columns, horizon: f64,
    options: *const cvm_churn_risk_options, outputs: *const cvm_churn_risk_outputs,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(model, "model") }?.0;
        let c = unsafe { handle(columns, "columns") }?;
        let out = unsafe { handle(outputs, "outputs") }?;
        let f = unsafe { c.frequency.required("frequency") }?;
        let r = unsafe { c.recency.required("recency") }?;
        let t = unsafe { c.t.required("T") }?;
        let o = unsafe { risk_options(options) };
        let clv = unsafe { c.clv.optional() };
        if clv.is_none() && !out.value_at_risk.is_null() {
            return Err(cvm_core::Error::invalid(
                "value_at_risk",
                "needs a CLV: pass clv, or NULL for value_at_risk",
            )
            .into());
        }
        let risk = churn_risk_from_model(m, f, r, t, horizon, clv, &o)?;
        n_out_is(out.n, risk.len())?;
        let bands: Vec<u8> = risk.band().iter().map(|b| code_of(&RiskBand::ALL, b)).collect();
        let flags: Vec<u8> = risk.at_risk().iter().map(|&f| u8::from(f)).collect();
        unsafe {
            copy_to(risk.probability(), out.probability);
            copy_to(risk.score(), out.score);
            copy_to(&bands, out.band);
            copy_to(&flags, out.at_risk);
            copy_to(risk.p_alive(), out.p_alive);
            copy_to(risk.expected_purchases(), out.expected_purchases);
            if let Some(v) = risk.value_at_risk() {
                copy_to(v, out.value_at_risk);
            }
        }
        Ok(())
    })
}

/// The options behind `options` (NULL: the defaults).
///
/// # Safety
/// `options` NULL or valid for reads.
unsafe fn risk_options(options: *const cvm_churn_risk_options) -> ChurnRiskOptions {
    let o =
        unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_churn_risk_options_default());
    ChurnRiskOptions::new(o.medium_threshold, o.high_threshold, o.at_risk_threshold)
}

/// The reason of one customer's churn risk, naming its components as the Rust and Python tables
/// do (e.g. `"P(no purchase in 39) = 0.83: P(alive) 0.62, expected purchases 0.21, 30 since the
/// last purchase"`), as a new string in `*out` (free it with `cvm_string_free`). The customer's
/// history is `(frequency, recency, t)` in the model's time unit; the same checks as
/// [`cvm_churn_risk`] apply (errors name the argument, row 0).
///
/// # Safety
/// `model` live; `options` NULL or valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_risk_reason(
    model: *const cvm_model, frequency: f64, recency: f64, t: f64, horizon: f64,
    options: *const cvm_churn_risk_options, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(model, "model") }?.0;
        let o = unsafe { risk_options(options) };
        let risk = churn_risk_from_model(m, &[frequency], &[recency], &[t], horizon, None, &o)?;
        unsafe { write_text(&risk.reason(0), out) }
    })
}
