//! C ABI of the `lifetime2` area: the Gamma-Gamma spend model (`cvm_gamma_gamma`), the BG/BB
//! model of discrete opportunities (`cvm_bg_bb`), the shifted-beta-geometric retention model
//! (`cvm_sbg`) and probabilistic customer lifetime value (`cvm_clv`, `cvm_clv_bg_bb`).
//!
//! Every handle is owned by the caller and freed with its `_free` function (`_free(NULL)` is a
//! no-op). Handles are immutable once built: reading one from several threads at once is safe.

use std::ffi::c_char;

use cvm_core::clv::{customer_lifetime_value, ClvOptions, ClvResult};
use cvm_core::models::{
    frequency_monetary_correlation, BgBb, BgBbParams, FitDiagnostics, GammaGamma, GammaGammaParams,
    SbgParams, ShiftedBetaGeometric, TransactionModel,
};
use cvm_core::{Error, TimeUnit};

use crate::columns::{cvm_doubles, cvm_fit_columns, fit_columns};
use crate::models::{core_fit_options, cvm_fit_diagnostics, cvm_fit_options, cvm_model};
use crate::summary::{optional_unit, unit_code};
use crate::{
    cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, opt_slice, slice, str_arg,
    write_array, write_out, FfiResult,
};

/// A Gamma-Gamma spend model (opaque). Owned by the caller; free with [`cvm_gamma_gamma_free`].
/// Immutable: predictions from several threads at once are safe.
#[derive(Debug)]
pub struct cvm_gamma_gamma(pub(crate) GammaGamma);

/// A BG/BB model (opaque). Owned by the caller; free with [`cvm_bg_bb_free`]. Immutable.
#[derive(Debug)]
pub struct cvm_bg_bb(pub(crate) BgBb);

/// A shifted-beta-geometric model (opaque). Owned by the caller; free with [`cvm_sbg_free`].
/// Immutable.
#[derive(Debug)]
pub struct cvm_sbg(ShiftedBetaGeometric);

/// `method` of [`cvm_clv_options`]: continuous discounting (the default).
pub const CVM_CLV_CONTINUOUS: u32 = 0;
/// `method` of [`cvm_clv_options`]: lifetimes' monthly steps of 4.345 weeks.
pub const CVM_CLV_LIFETIMES: u32 = 1;

/// Options of [`cvm_clv`] and [`cvm_clv_bg_bb`]. Start from [`cvm_clv_options_default`].
/// Units and the method are codes checked by the library (an unknown one is
/// `CVM_STATUS_UNKNOWN_NAME` naming the member and listing the valid codes).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_clv_options {
    /// Horizon in `time_unit` (default 12); ≥ 0. With the lifetimes method, a whole number of
    /// months.
    pub horizon: f64,
    /// Unit of the horizon and of the discount rate: `CVM_UNIT_DAY`, `_WEEK`, `_MONTH`
    /// (default), `_YEAR`.
    pub time_unit: u32,
    /// Unit of the transaction model's data (`CVM_UNIT_DAY`, …, `_YEAR`); for the BG/BB, the
    /// length of one opportunity. `CVM_UNIT_PERIOD` (the default): the unit the model records
    /// (`cvm_model_time_unit`, set by a fit's `time_unit` or `cvm_*_with_time_unit`). A unit
    /// that contradicts the model's, or `CVM_UNIT_PERIOD` for a model that records none, is
    /// `CVM_STATUS_INVALID_VALUE` (field `data_time_unit`): there is no silent default.
    pub data_time_unit: u32,
    /// Effective discount rate per `time_unit` (default 0.01); > −1.
    pub discount_rate: f64,
    /// Profit margin applied to spend (default 1); ≥ 0.
    pub margin: f64,
    /// `CVM_CLV_CONTINUOUS` (default) or `CVM_CLV_LIFETIMES` (lifetimes' monthly steps of
    /// 4.345 weeks).
    pub method: u32,
    /// Confidence level of delta-method intervals in (0, 1), or 0 for none (default 0).
    pub interval_level: f64,
}

/// Default CLV options: 12 months, the model's unit of data (`data_time_unit`
/// `CVM_UNIT_PERIOD`), 1 % a month, margin 1, continuous, no intervals.
#[no_mangle]
pub extern "C" fn cvm_clv_options_default() -> cvm_clv_options {
    cvm_clv_options {
        horizon: 12.0,
        time_unit: crate::summary::CVM_UNIT_MONTH,
        data_time_unit: crate::summary::CVM_UNIT_PERIOD,
        discount_rate: 0.01,
        margin: 1.0,
        method: CVM_CLV_CONTINUOUS,
        interval_level: 0.0,
    }
}

/// The customer columns of [`cvm_clv`] (`frequency`, `recency`, `t` = T, `monetary_value`) and
/// of [`cvm_clv_bg_bb`] (`t` = the number of opportunities `n`), in the model's unit; every
/// column is required and they have one length.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_clv_customers {
    /// Repeat purchases `x`.
    pub frequency: cvm_doubles,
    /// Age at the last purchase `t_x`.
    pub recency: cvm_doubles,
    /// Age at the end of observation `T` (BG/BB: opportunities `n`).
    pub t: cvm_doubles,
    /// Mean repeat-purchase value.
    pub monetary_value: cvm_doubles,
}

/// Where [`cvm_clv`] writes: each non-NULL array has room for `n` = the number of customers.
/// `clv` is required; `discounted_purchases` and `expected_spend` may be NULL (not wanted);
/// `lower` and `upper` are required when `interval_level` > 0 and ignored otherwise.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_clv_outputs {
    /// CLV of each customer.
    pub clv: *mut f64,
    /// Discounted expected purchases over the horizon.
    pub discounted_purchases: *mut f64,
    /// Expected spend per purchase (Gamma-Gamma conditional mean).
    pub expected_spend: *mut f64,
    /// Lower end of the delta-method interval.
    pub lower: *mut f64,
    /// Upper end of the delta-method interval.
    pub upper: *mut f64,
    /// Room in each array.
    pub n: usize,
}

pub(crate) fn diagnostics(d: Option<&FitDiagnostics>) -> FfiResult<cvm_fit_diagnostics> {
    let d = d.ok_or_else(|| Error::invalid("diagnostics", "the model was not fitted"))?;
    Ok(cvm_fit_diagnostics {
        log_likelihood: d.log_likelihood,
        aic: d.aic,
        bic: d.bic,
        iterations: d.iterations as u32,
        gradient_norm: d.gradient_norm,
        converged: d.converged,
        n_obs: d.n_obs,
    })
}

fn standard_errors(cov: Option<&cvm_core::models::Covariance>) -> FfiResult<Vec<f64>> {
    let cov = cov.ok_or_else(|| Error::no_covariance(None))?;
    Ok(cov.standard_errors())
}

// ------------------------------------------------------------------------------ Gamma-Gamma

/// Fits the Gamma-Gamma spend model on each customer's number of repeat purchases and their
/// mean value; customers with `frequency == 0` are validated and left out of the likelihood.
///
/// `weights` may be NULL; `options` may be NULL (defaults). Errors: `CVM_STATUS_INVALID_VALUE`
/// naming `frequency`, `monetary_value` (≤ 0 for a repeat buyer) or `weights` and the index,
/// or `frequency` when there is no repeat buyer; `_LENGTH_MISMATCH`; `_EMPTY_INPUT`;
/// `CVM_STATUS_NOT_CONVERGED`.
///
/// # Safety
/// Arrays hold their stated lengths; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_fit(
    frequency: *const f64, n_frequency: usize, monetary_value: *const f64, n_monetary_value: usize,
    weights: *const f64, n_weights: usize, options: *const cvm_fit_options,
    out: *mut *mut cvm_gamma_gamma,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let f = unsafe { slice(frequency, n_frequency, "frequency") }?;
        let z = unsafe { slice(monetary_value, n_monetary_value, "monetary_value") }?;
        let w = unsafe { opt_slice(weights, n_weights) };
        let m = GammaGamma::fit(f, z, w, &unsafe { core_fit_options(options) }?)?;
        unsafe { write_out(out, into_handle(cvm_gamma_gamma(m)), "out") }
    })
}

/// A Gamma-Gamma model with known parameters `p, q, gamma` (each finite and > 0).
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_from_params(
    p: f64, q: f64, gamma: f64, out: *mut *mut cvm_gamma_gamma,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = GammaGamma::from_params(GammaGammaParams::new(p, q, gamma)?)?;
        unsafe { write_out(out, into_handle(cvm_gamma_gamma(m)), "out") }
    })
}

/// Copies `p, q, gamma` into `out` (`n_out` = 3).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_params(
    m: *const cvm_gamma_gamma, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_array(&m.params().to_vec(), out, n_out, "out") }
    })
}

/// Standard errors of `p, q, gamma` into `out` (`n_out` = 3). `CVM_STATUS_INVALID_VALUE`
/// (field `covariance`) for a model that was not fitted.
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_standard_errors(
    m: *const cvm_gamma_gamma, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_array(&standard_errors(m.covariance())?, out, n_out, "out") }
    })
}

/// Diagnostics of the fit (`n_obs` = weighted number of repeat buyers).
/// `CVM_STATUS_INVALID_VALUE` (field `diagnostics`) for a model built from parameters.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_diagnostics(
    m: *const cvm_gamma_gamma, out: *mut cvm_fit_diagnostics,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out, diagnostics(m.diagnostics())?, "out") }
    })
}

/// The population mean spend per transaction `p·gamma/(q−1)` into `*out`.
/// `CVM_STATUS_NUMERICAL` when `q ≤ 1` (the mean is infinite).
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_population_mean_spend(
    m: *const cvm_gamma_gamma, out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out, m.population_mean_spend()?, "out") }
    })
}

/// Expected spend per transaction of each customer into `out` (`n_out` = customers).
/// Customers with `frequency == 0` get the population mean. `CVM_STATUS_NUMERICAL` when a
/// customer's expected spend is infinite (`q ≤ 1`).
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_conditional_expected_average_spend(
    m: *const cvm_gamma_gamma, frequency: *const f64, n_frequency: usize,
    monetary_value: *const f64, n_monetary_value: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let f = unsafe { slice(frequency, n_frequency, "frequency") }?;
        let z = unsafe { slice(monetary_value, n_monetary_value, "monetary_value") }?;
        let v = m.conditional_expected_average_spend(f, z)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Weighted Pearson correlation between frequency and mean spend over the repeat buyers into
/// `*out` (the Gamma-Gamma model assumes they are independent). `weights` may be NULL.
///
/// # Safety
/// Arrays hold their stated lengths; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_frequency_monetary_correlation(
    frequency: *const f64, n_frequency: usize, monetary_value: *const f64, n_monetary_value: usize,
    weights: *const f64, n_weights: usize, out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let f = unsafe { slice(frequency, n_frequency, "frequency") }?;
        let z = unsafe { slice(monetary_value, n_monetary_value, "monetary_value") }?;
        let w = unsafe { opt_slice(weights, n_weights) };
        unsafe { write_out(out, frequency_monetary_correlation(f, z, w)?, "out") }
    })
}

/// The model's versioned JSON document into `*out_json` (free it with `cvm_string_free`).
///
/// # Safety
/// `m` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_to_json(
    m: *const cvm_gamma_gamma, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out_json, crate::cstring(&m.to_json()?).into_raw(), "out_json") }
    })
}

/// Reads a document written by [`cvm_gamma_gamma_to_json`].
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_from_json(
    json: *const c_char, out: *mut *mut cvm_gamma_gamma,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = GammaGamma::from_json(unsafe { str_arg(json, "json") }?)?;
        unsafe { write_out(out, into_handle(cvm_gamma_gamma(m)), "out") }
    })
}

/// The unit of time the model records for its data (a `CVM_UNIT_*` code; `CVM_UNIT_PERIOD`
/// for none, or NULL). See `cvm_model_time_unit`.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_time_unit(m: *const cvm_gamma_gamma) -> u32 {
    unit_code(unsafe { m.as_ref() }.and_then(|m| m.0.time_unit()))
}

/// A new Gamma-Gamma model, the same as `m` but recording `unit` (`CVM_UNIT_*`; `CVM_UNIT_PERIOD`: none)
/// as the unit of time of its data, into `*out` (free it with [`cvm_gamma_gamma_free`]; `m` is unchanged).
/// `CVM_STATUS_UNKNOWN_NAME` (field `unit`) for an unknown code.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_with_time_unit(
    m: *const cvm_gamma_gamma, unit: u32, out: *mut *mut cvm_gamma_gamma,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        let u = optional_unit(unit, "unit")?;
        unsafe { write_out(out, into_handle(cvm_gamma_gamma(m.clone().with_time_unit(u))), "out") }
    })
}

/// Frees a Gamma-Gamma model; NULL is a no-op.
///
/// # Safety
/// `m` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_gamma_gamma_free(m: *mut cvm_gamma_gamma) {
    unsafe { free_handle(m) }
}

// ------------------------------------------------------------------------------------ BG/BB

/// Three history columns `(frequency, recency, n_periods)`.
///
/// # Safety
/// Pointers hold their stated lengths.
unsafe fn histories<'a>(
    f: *const f64, nf: usize, r: *const f64, nr: usize, n: *const f64, nn: usize,
) -> FfiResult<(&'a [f64], &'a [f64], &'a [f64])> {
    Ok((unsafe { slice(f, nf, "frequency") }?, unsafe { slice(r, nr, "recency") }?, unsafe {
        slice(n, nn, "n_periods")
    }?))
}

/// Fits the BG/BB on `columns` — histories `x` transactions in `n` opportunities (`t` = `n`,
/// named `n_periods` in errors), the last at opportunity `t_x` — with optional weights
/// (`weights.data` NULL: one customer a row) and options (NULL: defaults). Errors name the
/// field and index (`recency > n_periods`, `frequency > recency`, non-integer counts, …);
/// `CVM_STATUS_NOT_CONVERGED`.
///
/// # Safety
/// `columns` valid for reads, its arrays hold their stated lengths; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_fit(
    columns: *const cvm_fit_columns, options: *const cvm_fit_options, out: *mut *mut cvm_bg_bb,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let (f, r, n, w) = unsafe { fit_columns(columns, "n_periods") }?;
        let m = BgBb::fit(f, r, n, w, &unsafe { core_fit_options(options) }?)?;
        unsafe { write_out(out, into_handle(cvm_bg_bb(m)), "out") }
    })
}

/// A BG/BB model with known parameters `alpha, beta, gamma, delta`.
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_from_params(
    alpha: f64, beta: f64, gamma: f64, delta: f64, out: *mut *mut cvm_bg_bb,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = BgBb::from_params(BgBbParams::new(alpha, beta, gamma, delta)?)?;
        unsafe { write_out(out, into_handle(cvm_bg_bb(m)), "out") }
    })
}

/// Copies `alpha, beta, gamma, delta` into `out` (`n_out` = 4).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_params(
    m: *const cvm_bg_bb, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_array(&m.params().to_vec(), out, n_out, "out") }
    })
}

/// Standard errors of the four parameters into `out` (`n_out` = 4); `CVM_STATUS_INVALID_VALUE`
/// (field `covariance`) for a model that was not fitted.
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_standard_errors(
    m: *const cvm_bg_bb, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_array(&standard_errors(m.covariance())?, out, n_out, "out") }
    })
}

/// Diagnostics of the fit; `CVM_STATUS_INVALID_VALUE` (field `diagnostics`) when not fitted.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_diagnostics(
    m: *const cvm_bg_bb, out: *mut cvm_fit_diagnostics,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out, diagnostics(m.diagnostics())?, "out") }
    })
}

/// Probability that each customer is still active at opportunity `n + m` (`m = 1`: alive in
/// the next period) into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_conditional_probability_alive(
    model: *const cvm_bg_bb, m: u64, frequency: *const f64, n_frequency: usize,
    recency: *const f64, n_recency: usize, n_periods: *const f64, n_n_periods: usize,
    out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let model = &unsafe { handle(model, "model") }?.0;
        let (f, r, n) = unsafe {
            histories(frequency, n_frequency, recency, n_recency, n_periods, n_n_periods)
        }?;
        let v = model.conditional_probability_alive(m, f, r, n)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Expected transactions of each customer in the next `m` opportunities into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_conditional_expected_transactions(
    model: *const cvm_bg_bb, m: u64, frequency: *const f64, n_frequency: usize,
    recency: *const f64, n_recency: usize, n_periods: *const f64, n_n_periods: usize,
    out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let model = &unsafe { handle(model, "model") }?.0;
        let (f, r, n) = unsafe {
            histories(frequency, n_frequency, recency, n_recency, n_periods, n_n_periods)
        }?;
        let v = model.conditional_expected_transactions(m, f, r, n)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// `P(X(n) = x)` for a new customer into `*out`.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_probability_of_n_transactions(
    m: *const cvm_bg_bb, x: u64, n: u64, out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out, m.probability_of_n_transactions(x, n), "out") }
    })
}

/// Expected transactions of a new customer in the first `n` opportunities into `*out`.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_expected_transactions_new_customer(
    m: *const cvm_bg_bb, n: u64, out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out, m.expected_transactions_new_customer(n), "out") }
    })
}

/// The model's versioned JSON document into `*out_json` (free it with `cvm_string_free`).
///
/// # Safety
/// `m` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_to_json(
    m: *const cvm_bg_bb, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out_json, crate::cstring(&m.to_json()?).into_raw(), "out_json") }
    })
}

/// Reads a document written by [`cvm_bg_bb_to_json`].
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_from_json(
    json: *const c_char, out: *mut *mut cvm_bg_bb,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = BgBb::from_json(unsafe { str_arg(json, "json") }?)?;
        unsafe { write_out(out, into_handle(cvm_bg_bb(m)), "out") }
    })
}

/// The unit of time the model records for its data (a `CVM_UNIT_*` code; `CVM_UNIT_PERIOD`
/// for none, or NULL). See `cvm_model_time_unit`.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_time_unit(m: *const cvm_bg_bb) -> u32 {
    unit_code(unsafe { m.as_ref() }.and_then(|m| m.0.time_unit()))
}

/// A new BG/BB model, the same as `m` but recording `unit` (`CVM_UNIT_*`; `CVM_UNIT_PERIOD`: none)
/// as the unit of time of its data, into `*out` (free it with [`cvm_bg_bb_free`]; `m` is unchanged).
/// `CVM_STATUS_UNKNOWN_NAME` (field `unit`) for an unknown code.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_with_time_unit(
    m: *const cvm_bg_bb, unit: u32, out: *mut *mut cvm_bg_bb,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        let u = optional_unit(unit, "unit")?;
        unsafe { write_out(out, into_handle(cvm_bg_bb(m.clone().with_time_unit(u))), "out") }
    })
}

/// Frees a BG/BB model; NULL is a no-op.
///
/// # Safety
/// `m` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_bg_bb_free(m: *mut cvm_bg_bb) {
    unsafe { free_handle(m) }
}

// -------------------------------------------------------------------------------------- sBG

/// Fits the shifted-beta-geometric model on a cohort's survival counts: `alive[t]` customers
/// still active at the start of period `t + 1` (`alive[0]` the cohort size). Errors
/// (`CVM_STATUS_INVALID_VALUE`, field `alive` and index): a count that increases, a cohort of
/// zero, a count that is not a non-negative integer, fewer than two counts.
///
/// # Safety
/// `alive` holds `n_alive` values; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_fit_cohort(
    alive: *const f64, n_alive: usize, options: *const cvm_fit_options, out: *mut *mut cvm_sbg,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let a = unsafe { slice(alive, n_alive, "alive") }?;
        let m = ShiftedBetaGeometric::fit_cohort(a, &unsafe { core_fit_options(options) }?)?;
        unsafe { write_out(out, into_handle(cvm_sbg(m)), "out") }
    })
}

/// Fits the sBG on per-customer durations: the period of cancellation (`still_active` 0,
/// duration ≥ 1) or the periods survived so far (`still_active` 1). `weights` may be NULL.
///
/// # Safety
/// Arrays hold their stated lengths; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_fit(
    duration: *const f64, n_duration: usize, still_active: *const f64, n_still_active: usize,
    weights: *const f64, n_weights: usize, options: *const cvm_fit_options, out: *mut *mut cvm_sbg,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let d = unsafe { slice(duration, n_duration, "duration") }?;
        let a = unsafe { slice(still_active, n_still_active, "still_active") }?;
        let w = unsafe { opt_slice(weights, n_weights) };
        let m = ShiftedBetaGeometric::fit(d, a, w, &unsafe { core_fit_options(options) }?)?;
        unsafe { write_out(out, into_handle(cvm_sbg(m)), "out") }
    })
}

/// An sBG model with known parameters `alpha, beta`.
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_from_params(
    alpha: f64, beta: f64, out: *mut *mut cvm_sbg,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = ShiftedBetaGeometric::from_params(SbgParams::new(alpha, beta)?)?;
        unsafe { write_out(out, into_handle(cvm_sbg(m)), "out") }
    })
}

/// Copies `alpha, beta` into `out` (`n_out` = 2).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_params(
    m: *const cvm_sbg, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_array(&m.params().to_vec(), out, n_out, "out") }
    })
}

/// Standard errors of `alpha, beta` into `out` (`n_out` = 2); `CVM_STATUS_INVALID_VALUE`
/// (field `covariance`) for a model that was not fitted.
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_standard_errors(
    m: *const cvm_sbg, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_array(&standard_errors(m.covariance())?, out, n_out, "out") }
    })
}

/// Diagnostics of the fit; `CVM_STATUS_INVALID_VALUE` (field `diagnostics`) when not fitted.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_diagnostics(
    m: *const cvm_sbg, out: *mut cvm_fit_diagnostics,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out, diagnostics(m.diagnostics())?, "out") }
    })
}

/// Survival `S(t)` (share of a new cohort still active after `t` whole periods) into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_survival(
    m: *const cvm_sbg, t: *const f64, n_t: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let v = m.survival(unsafe { slice(t, n_t, "t") }?)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Retention rate `r(t) = S(t)/S(t−1)` for periods `t ≥ 1` into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_retention_rate(
    m: *const cvm_sbg, t: *const f64, n_t: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let v = m.retention_rate(unsafe { slice(t, n_t, "t") }?)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Discounted expected residual lifetime of customers who have renewed `renewals[i]` times, at
/// discount rate `discount_rate` (> 0) per period, into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_derl(
    m: *const cvm_sbg, discount_rate: f64, renewals: *const f64, n_renewals: usize, out: *mut f64,
    n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let v = m.derl(discount_rate, unsafe { slice(renewals, n_renewals, "renewals") }?)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Discounted expected lifetime value of a new customer paying `margin` at the start of every
/// active period, into `*out`.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_expected_lifetime_value(
    m: *const cvm_sbg, margin: f64, discount_rate: f64, out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out, m.expected_lifetime_value(margin, discount_rate)?, "out") }
    })
}

/// The model's versioned JSON document into `*out_json` (free it with `cvm_string_free`).
///
/// # Safety
/// `m` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_to_json(
    m: *const cvm_sbg, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_out(out_json, crate::cstring(&m.to_json()?).into_raw(), "out_json") }
    })
}

/// Reads a document written by [`cvm_sbg_to_json`].
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_from_json(
    json: *const c_char, out: *mut *mut cvm_sbg,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = ShiftedBetaGeometric::from_json(unsafe { str_arg(json, "json") }?)?;
        unsafe { write_out(out, into_handle(cvm_sbg(m)), "out") }
    })
}

/// The unit of time the model records for its data (a `CVM_UNIT_*` code; `CVM_UNIT_PERIOD`
/// for none, or NULL). See `cvm_model_time_unit`.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_time_unit(m: *const cvm_sbg) -> u32 {
    unit_code(unsafe { m.as_ref() }.and_then(|m| m.0.time_unit()))
}

/// A new sBG model, the same as `m` but recording `unit` (`CVM_UNIT_*`; `CVM_UNIT_PERIOD`: none)
/// as the unit of time of its data, into `*out` (free it with [`cvm_sbg_free`]; `m` is unchanged).
/// `CVM_STATUS_UNKNOWN_NAME` (field `unit`) for an unknown code.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_with_time_unit(
    m: *const cvm_sbg, unit: u32, out: *mut *mut cvm_sbg,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        let u = optional_unit(unit, "unit")?;
        unsafe { write_out(out, into_handle(cvm_sbg(m.clone().with_time_unit(u))), "out") }
    })
}

/// Frees an sBG model; NULL is a no-op.
///
/// # Safety
/// `m` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_sbg_free(m: *mut cvm_sbg) {
    unsafe { free_handle(m) }
}

// -------------------------------------------------------------------------------------- CLV

/// `options` (NULL: defaults) as core options for a transaction model recording `model_unit`:
/// `data_time_unit` `CVM_UNIT_PERIOD` is the model's unit; a contradiction, or no unit on either
/// side, is the core's `InvalidValue` on `data_time_unit` (checked after the codes and values,
/// before the customer columns).
///
/// # Safety
/// `options` NULL or valid.
unsafe fn clv_options(
    options: *const cvm_clv_options, model_unit: Option<TimeUnit>,
) -> FfiResult<ClvOptions> {
    let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_clv_options_default());
    let level = if o.interval_level == 0.0 { None } else { Some(o.interval_level) };
    let time_unit = crate::summary::required_unit(o.time_unit, "time_unit")?;
    let given = optional_unit(o.data_time_unit, "data_time_unit")?;
    // The lifetimes convention picks its step from the data's unit: the one given, else the
    // model's. Without either, any unit serves to check the other options; the resolution
    // below then reports the missing unit.
    let data_unit = given.or(model_unit).unwrap_or(TimeUnit::Week);
    let method = match o.method {
        CVM_CLV_CONTINUOUS => "continuous",
        CVM_CLV_LIFETIMES => "lifetimes",
        other => {
            let valid = ["CVM_CLV_CONTINUOUS (0)", "CVM_CLV_LIFETIMES (1)"];
            return Err(Error::unknown_name("method", other.to_string(), &valid).into());
        }
    };
    let mut co = ClvOptions::from_names(
        o.horizon,
        time_unit.as_str(),
        data_unit.as_str(),
        o.discount_rate,
        o.margin,
        method,
        level,
    )?;
    let mut probe = ClvOptions::default();
    probe.data_time_unit = given;
    probe.resolve_data_time_unit(model_unit)?;
    co.data_time_unit = given;
    Ok(co)
}

/// # Safety
/// The outputs have room for `n` values each (or are NULL where allowed).
pub(crate) unsafe fn write_clv(r: &ClvResult, o: &cvm_clv_outputs) -> FfiResult<()> {
    unsafe {
        write_array(&r.value, o.clv, o.n, "out_clv")?;
        if !o.discounted_purchases.is_null() {
            write_array(
                &r.discounted_purchases,
                o.discounted_purchases,
                o.n,
                "out_discounted_purchases",
            )?;
        }
        if !o.expected_spend.is_null() {
            write_array(&r.expected_spend, o.expected_spend, o.n, "out_expected_spend")?;
        }
        if let (Some(lo), Some(hi)) = (&r.lower, &r.upper) {
            write_array(lo, o.lower, o.n, "out_lower")?;
            write_array(hi, o.upper, o.n, "out_upper")?;
        }
    }
    Ok(())
}

/// Checks the outputs before any work: `out_clv` required; `out_lower`/`out_upper` required
/// when intervals are asked for.
fn check_clv_out(o: &cvm_clv_outputs, options: &ClvOptions) -> FfiResult<()> {
    need_out(o.clv, "out_clv")?;
    if options.interval_level.is_some() {
        need_out(o.lower, "out_lower")?;
        need_out(o.upper, "out_upper")?;
    }
    Ok(())
}

/// The checked inputs of a CLV call: the core options, the customer columns
/// `[frequency, recency, t, monetary_value]` and where to write.
pub(crate) struct ClvCall<'a> {
    pub(crate) options: ClvOptions,
    pub(crate) columns: [&'a [f64]; 4],
    pub(crate) out: &'a cvm_clv_outputs,
}

/// Checks a CLV call's customers, options (for a transaction model recording `model_unit`) and
/// outputs, in that order; `t_field` names the third column.
///
/// # Safety
/// `customers`, `options` and `out` NULL or valid, their arrays as documented.
pub(crate) unsafe fn clv_call<'a>(
    customers: *const cvm_clv_customers, t_field: &'static str, options: *const cvm_clv_options,
    out: *const cvm_clv_outputs, model_unit: Option<TimeUnit>,
) -> FfiResult<ClvCall<'a>> {
    let c = unsafe { handle(customers, "customers") }?;
    let out = unsafe { handle(out, "out") }?;
    let o = unsafe { clv_options(options, model_unit) }?;
    check_clv_out(out, &o)?;
    let columns = [
        unsafe { c.frequency.required("frequency") }?,
        unsafe { c.recency.required("recency") }?,
        unsafe { c.t.required(t_field) }?,
        unsafe { c.monetary_value.required("monetary_value") }?,
    ];
    Ok(ClvCall { options: o, columns, out })
}

/// # Safety
/// `customers`, `options` and `out` NULL or valid, their arrays as documented.
unsafe fn clv_common(
    model: &dyn TransactionModel, spend: *const cvm_gamma_gamma,
    customers: *const cvm_clv_customers, t_field: &'static str, options: *const cvm_clv_options,
    out: *const cvm_clv_outputs,
) -> FfiResult<()> {
    let spend = &unsafe { handle(spend, "spend_model") }?.0;
    let call = unsafe { clv_call(customers, t_field, options, out, model.time_unit()) }?;
    let [f, r, t, z] = call.columns;
    let v = customer_lifetime_value(model, spend, f, r, t, z, &call.options)?;
    unsafe { write_clv(&v, call.out) }
}

/// Probabilistic customer lifetime value of each customer from a continuous-time transaction
/// model (`cvm_model`: BG/NBD, MBG/NBD, Pareto/NBD) and a Gamma-Gamma spend model:
/// `margin · E(spend) · discounted expected purchases over the horizon`.
///
/// `customers` holds the summary columns (`t` is T); `options` may be NULL (defaults,
/// [`cvm_clv_options_default`]); `out` says where to write ([`cvm_clv_outputs`]). The unit of
/// the customer columns is the model's (`cvm_model_time_unit`) unless
/// `options->data_time_unit` names it. Errors: `CVM_STATUS_NULL_POINTER` (`customers`, `out`,
/// `out_clv`, `out_lower`/`out_upper` with intervals), `CVM_STATUS_UNKNOWN_NAME` (`time_unit`,
/// `data_time_unit`, `method` codes), `CVM_STATUS_INVALID_VALUE` (`data_time_unit`
/// contradicting the model's unit, or `CVM_UNIT_PERIOD` for a model that records none;
/// `horizon` < 0, `discount_rate` ≤ −1, customer columns with field and index, `covariance`
/// for intervals of unfitted models), `CVM_STATUS_LENGTH_MISMATCH` (columns, `out_clv`, …),
/// `CVM_STATUS_NUMERICAL` (infinite expected spend, q ≤ 1).
///
/// # Safety
/// Handles live; `customers`, `options`, `out` NULL or valid, their arrays holding their
/// stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_clv(
    transaction_model: *const cvm_model, spend_model: *const cvm_gamma_gamma,
    customers: *const cvm_clv_customers, options: *const cvm_clv_options,
    out: *const cvm_clv_outputs,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(transaction_model, "transaction_model") }?.0;
        unsafe { clv_common(m.as_model(), spend_model, customers, "T", options, out) }
    })
}

/// As [`cvm_clv`] with a BG/BB transaction model: the customer columns are `(x, t_x, n)` in
/// opportunities (`customers->t` holds `n`, reported as field `n_periods`), and the length of
/// one opportunity (e.g. `CVM_UNIT_YEAR`) is `options->data_time_unit`, or, when that is
/// `CVM_UNIT_PERIOD`, the model's unit ([`cvm_bg_bb_time_unit`]).
///
/// # Safety
/// As [`cvm_clv`].
#[no_mangle]
pub unsafe extern "C" fn cvm_clv_bg_bb(
    transaction_model: *const cvm_bg_bb, spend_model: *const cvm_gamma_gamma,
    customers: *const cvm_clv_customers, options: *const cvm_clv_options,
    out: *const cvm_clv_outputs,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(transaction_model, "transaction_model") }?.0;
        unsafe { clv_common(m, spend_model, customers, "n_periods", options, out) }
    })
}
