//! Lifetime models (BG/NBD, MBG/NBD, Pareto/NBD) behind one opaque handle, `cvm_model`.

use std::ffi::{c_char, CString};
use std::ptr;

use cvm_core::models::{AnyModel, FitOptions, ModelKind, SummaryData};
use cvm_core::Error;

use crate::columns::{cvm_fit_columns, fit_columns};
use crate::summary::{optional_unit, unit_code};
use crate::{
    cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, slice, str_arg, write_array,
    write_out, FfiResult,
};

/// A fitted (or parameterised) transaction model (opaque). Owned by the caller; free with
/// [`cvm_model_free`]. Immutable: predictions from several threads at once are safe.
#[derive(Debug)]
pub struct cvm_model(pub(crate) AnyModel);

/// Options of [`cvm_model_fit`]; start from [`cvm_fit_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_fit_options {
    /// L2 penalty on the log-parameters (0 = plain maximum likelihood).
    pub penalizer: f64,
    /// Maximum number of quasi-Newton iterations.
    pub max_iterations: u32,
    /// Convergence tolerance on the gradient norm of the mean log-likelihood.
    pub tolerance: f64,
    /// Unit of time of the data (recency, T; for the BG/BB and sBG the length of one
    /// opportunity or period): a `CVM_UNIT_*` code, e.g. `cvm_summary_time_unit` of the
    /// summary the columns come from. `CVM_UNIT_PERIOD` (the default): unknown. The fitted model
    /// records it ([`cvm_model_time_unit`]), keeps it in its JSON document, and CLV uses it
    /// when `cvm_clv_options.data_time_unit` is NULL. Any other code is
    /// `CVM_STATUS_UNKNOWN_NAME` (field `time_unit`).
    pub time_unit: u32,
}

/// Diagnostics of a fit.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_fit_diagnostics {
    /// Log-likelihood at the estimate (in the data's time unit).
    pub log_likelihood: f64,
    /// Akaike information criterion.
    pub aic: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Iterations performed.
    pub iterations: u32,
    /// Gradient norm at the estimate.
    pub gradient_norm: f64,
    /// Whether the optimiser converged (always true for a returned fit).
    pub converged: bool,
    /// Number of customers (sum of weights).
    pub n_obs: f64,
}

/// The default fit options (no penalty, the core's iteration limit and tolerance, unit of time
/// unknown: `CVM_UNIT_PERIOD`).
#[no_mangle]
pub extern "C" fn cvm_fit_options_default() -> cvm_fit_options {
    let d = FitOptions::default();
    cvm_fit_options {
        penalizer: d.penalizer,
        max_iterations: d.max_iterations as u32,
        tolerance: d.tolerance,
        time_unit: unit_code(d.time_unit),
    }
}

/// `options` (NULL: [`cvm_fit_options_default`]) as core fit options; an unknown `time_unit`
/// code is an error.
///
/// # Safety
/// `options` NULL or valid.
pub(crate) unsafe fn core_fit_options(options: *const cvm_fit_options) -> FfiResult<FitOptions> {
    let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_fit_options_default());
    let mut f = FitOptions::default()
        .with_penalizer(o.penalizer)
        .with_max_iterations(o.max_iterations as usize)
        .with_tolerance(o.tolerance);
    f.time_unit = optional_unit(o.time_unit, "time_unit")?;
    Ok(f)
}

/// The transaction model named by `ptr`: one of the kinds a `cvm_model` holds (the error lists
/// exactly those).
///
/// # Safety
/// `ptr` NULL or NUL-terminated.
unsafe fn kind(ptr: *const c_char) -> FfiResult<ModelKind> {
    let name = unsafe { str_arg(ptr, "model") }?;
    Ok(ModelKind::parse_among(name, "model", AnyModel::KINDS)?)
}

/// Three customer columns `(frequency, recency, T)` with their lengths.
pub(crate) struct Customers<'a> {
    pub(crate) f: &'a [f64],
    pub(crate) r: &'a [f64],
    pub(crate) t: &'a [f64],
}

/// # Safety
/// Pointers must hold their stated lengths.
pub(crate) unsafe fn customers<'a>(
    f: *const f64, nf: usize, r: *const f64, nr: usize, t: *const f64, nt: usize,
) -> FfiResult<Customers<'a>> {
    Ok(Customers {
        f: unsafe { slice(f, nf, "frequency") }?,
        r: unsafe { slice(r, nr, "recency") }?,
        t: unsafe { slice(t, nt, "T") }?,
    })
}

/// Fits `model` (`"bg_nbd"`, `"mbg_nbd"` or `"pareto_nbd"`) by maximum likelihood on
/// `columns` (frequency, recency, T and optional weights: `weights.data` NULL means every row
/// is one customer).
///
/// `options` may be NULL (defaults); its `time_unit` is recorded by the model. Errors:
/// `CVM_STATUS_NULL_POINTER` (`columns`, `out`, a column with data NULL and len > 0),
/// `CVM_STATUS_UNKNOWN_NAME` (model, `time_unit`), `CVM_STATUS_INVALID_VALUE` /
/// `_LENGTH_MISMATCH` / `_EMPTY_INPUT` (inputs, with field and index),
/// `CVM_STATUS_NOT_IDENTIFIED` (the data cannot identify the parameters: no customer made a
/// repeat purchase, or every customer has the same history; the message says which),
/// `CVM_STATUS_NOT_CONVERGED` (the message carries the iterations, gradient norm and
/// log-likelihood of the last iterate).
///
/// ```c
/// cvm_fit_columns c = {{f, n}, {r, n}, {T, n}, {NULL, 0}};
/// cvm_model *m = NULL;
/// cvm_status s = cvm_model_fit("bg_nbd", &c, NULL, &m);
/// ```
///
/// # Safety
/// `model` NUL-terminated; `columns` valid for reads, its arrays hold their stated lengths;
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_fit(
    model: *const c_char, columns: *const cvm_fit_columns, options: *const cvm_fit_options,
    out: *mut *mut cvm_model,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let k = unsafe { kind(model) }?;
        let (f, r, t, w) = unsafe { fit_columns(columns, "T") }?;
        let fit_options = unsafe { core_fit_options(options) }?;
        let data = SummaryData::new(f, r, t, w)?;
        let m = AnyModel::fit(k, &data, &fit_options)?;
        unsafe { write_out(out, into_handle(cvm_model(m)), "out") }
    })
}

/// A model with known parameters, in the papers' order (`r, alpha, a, b` or `r, alpha, s, beta`).
/// Each parameter must be finite and within `[1e-10, 1e10]` (`CVM_STATUS_INVALID_VALUE` naming
/// it otherwise). The model records no unit of time: add one with
/// [`cvm_model_with_time_unit`].
///
/// # Safety
/// `model` NUL-terminated; `params` holds `n_params` values; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_from_params(
    model: *const c_char, params: *const f64, n_params: usize, out: *mut *mut cvm_model,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let k = unsafe { kind(model) }?;
        let p = unsafe { slice(params, n_params, "params") }?;
        let m = AnyModel::from_params(k, p)?;
        unsafe { write_out(out, into_handle(cvm_model(m)), "out") }
    })
}

/// Reads a model document written by [`cvm_model_to_json`] (or by the Rust/Python libraries),
/// with its unit of time when it records one. Errors: `CVM_STATUS_JSON` with the JSON path as
/// the field (`$.params.r` for a parameter outside `[1e-10, 1e10]`, `$.time_unit` for an
/// unknown unit).
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_from_json(
    json: *const c_char, out: *mut *mut cvm_model,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let text = unsafe { str_arg(json, "json") }?;
        let m = AnyModel::from_json(text)?;
        unsafe { write_out(out, into_handle(cvm_model(m)), "out") }
    })
}

/// Writes the model's versioned JSON document into `*out_json` (free it with
/// [`cvm_string_free`]).
///
/// # Safety
/// `m` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_to_json(
    m: *const cvm_model, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let m = &unsafe { handle(m, "model") }?.0;
        let text = crate::cstring(&m.to_json()?);
        unsafe { write_out(out_json, text.into_raw(), "out_json") }
    })
}

/// Frees a new string that cvm wrote to a `char **` out-parameter (`cvm_*_to_json`,
/// `cvm_*_reason`, `cvm_evaluation_reasons`); NULL is a no-op. Never pass it a static string
/// (`cvm_version`, `cvm_*_name`), a last-error string or a string owned by a handle.
///
/// # Safety
/// `s` NULL or such a string, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_string_free(s: *mut c_char) {
    if !s.is_null() {
        // SAFETY: created by CString::into_raw.
        drop(unsafe { CString::from_raw(s) });
    }
}

/// The model's kind (`"bg_nbd"`, `"mbg_nbd"`, `"pareto_nbd"`), a static string; NULL for NULL.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_kind(m: *const cvm_model) -> *const c_char {
    match unsafe { m.as_ref() }.map(|m| m.0.kind()) {
        Some(ModelKind::BgNbd) => c"bg_nbd".as_ptr(),
        Some(ModelKind::MbgNbd) => c"mbg_nbd".as_ptr(),
        Some(ModelKind::ParetoNbd) => c"pareto_nbd".as_ptr(),
        _ => ptr::null(),
    }
}

/// The unit of time the model records for its data: a `CVM_UNIT_*` code, or `CVM_UNIT_PERIOD`
/// when it records none (a model from parameters, or fitted with `time_unit = CVM_UNIT_PERIOD`)
/// or for NULL.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_time_unit(m: *const cvm_model) -> u32 {
    unit_code(unsafe { m.as_ref() }.and_then(|m| m.0.time_unit()))
}

/// A new model, the same as `m` (parameters, fit diagnostics, covariance) but recording `unit`
/// (a `CVM_UNIT_*` code; `CVM_UNIT_PERIOD`: none) as the unit of time of its data, into `*out`
/// (free it with [`cvm_model_free`]; `m` is unchanged and still owned by the caller). This is
/// how a model from parameters (or an old JSON document) learns its unit. Errors:
/// `CVM_STATUS_UNKNOWN_NAME` (field `unit`), `CVM_STATUS_NULL_POINTER`.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_with_time_unit(
    m: *const cvm_model, unit: u32, out: *mut *mut cvm_model,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        let u = optional_unit(unit, "unit")?;
        let value = cvm_model(m.clone().with_time_unit(u));
        unsafe { write_out(out, into_handle(value), "out") }
    })
}

/// Number of parameters (0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_param_count(m: *const cvm_model) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.0.as_model().params().len())
}

/// Copies the parameters (papers' order) into `out` (`n_out` = [`cvm_model_param_count`]).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_params(
    m: *const cvm_model, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        unsafe { write_array(&m.as_model().params(), out, n_out, "out") }
    })
}

/// Copies the standard errors of the parameters into `out` (`n_out` = parameter count).
/// `CVM_STATUS_INVALID_VALUE` (field `covariance`) for a model that was not fitted.
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_standard_errors(
    m: *const cvm_model, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let cov = m.covariance().ok_or_else(|| Error::no_covariance(None))?;
        unsafe { write_array(&cov.standard_errors(), out, n_out, "out") }
    })
}

/// Diagnostics of the fit. `CVM_STATUS_INVALID_VALUE` (field `diagnostics`) for a model built
/// from parameters.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_diagnostics(
    m: *const cvm_model, out: *mut cvm_fit_diagnostics,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        let d = m
            .diagnostics()
            .ok_or_else(|| Error::invalid("diagnostics", "the model was not fitted"))?;
        let value = cvm_fit_diagnostics {
            log_likelihood: d.log_likelihood,
            aic: d.aic,
            bic: d.bic,
            iterations: d.iterations as u32,
            gradient_norm: d.gradient_norm,
            converged: d.converged,
            n_obs: d.n_obs,
        };
        unsafe { write_out(out, value, "out") }
    })
}

/// P(alive) at T of each customer into `out` (`n_out` = number of customers).
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_probability_alive(
    m: *const cvm_model, frequency: *const f64, n_frequency: usize, recency: *const f64,
    n_recency: usize, t: *const f64, n_t: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let v = m.as_model().probability_alive(c.f, c.r, c.t)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Expected purchases of each customer in `(T, T + horizon]` into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_conditional_expected_purchases(
    m: *const cvm_model, horizon: f64, frequency: *const f64, n_frequency: usize,
    recency: *const f64, n_recency: usize, t: *const f64, n_t: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let v = m.as_model().conditional_expected_purchases(horizon, c.f, c.r, c.t)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// P(alive) at T into `alive` and the expected purchases in `(T, T + horizon]` into `expected`,
/// for each customer, in one pass (`n_out` = number of customers, the length of both outputs).
/// The values are those of [`cvm_model_probability_alive`] and
/// [`cvm_model_conditional_expected_purchases`] (to rounding), at less than the cost of the two
/// calls: the inputs are validated once and P(alive) is computed once per customer. Errors as
/// theirs (`CVM_STATUS_INVALID_VALUE` names `t` for an invalid horizon); neither output is
/// written on failure.
///
/// # Safety
/// `m` live; arrays hold their stated lengths; `alive` and `expected` have room for `n_out`
/// values each.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_predict(
    m: *const cvm_model, horizon: f64, frequency: *const f64, n_frequency: usize,
    recency: *const f64, n_recency: usize, t: *const f64, n_t: usize, alive: *mut f64,
    expected: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        if n_out > 0 {
            // both outputs are checked before either is written
            need_out(alive, "alive")?;
            need_out(expected, "expected")?;
        }
        let (p, e) =
            m.as_model().probability_alive_and_expected_purchases(horizon, c.f, c.r, c.t)?;
        unsafe {
            write_array(&p, alive, n_out, "alive")?;
            write_array(&e, expected, n_out, "expected")
        }
    })
}

/// Delta-method intervals at `level` for P(alive) (`quantity` 0, logit scale) or for the
/// expected purchases in `(T, T + horizon]` (`quantity` 1, log scale) into `lower` / `upper`.
/// `CVM_STATUS_INVALID_VALUE` (field `covariance`) for a model that was not fitted.
///
/// # Safety
/// `m` live; arrays hold their stated lengths; `lower`/`upper` have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_prediction_interval(
    m: *const cvm_model, quantity: u32, horizon: f64, frequency: *const f64, n_frequency: usize,
    recency: *const f64, n_recency: usize, t: *const f64, n_t: usize, level: f64, lower: *mut f64,
    upper: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let band = match quantity {
            0 => m.as_model().probability_alive_interval(c.f, c.r, c.t, level)?,
            1 => m
                .as_model()
                .conditional_expected_purchases_interval(horizon, c.f, c.r, c.t, level)?,
            other => {
                return Err(Error::unknown_name(
                    "quantity",
                    other.to_string(),
                    &["0 (P(alive))", "1 (expected purchases)"],
                )
                .into())
            }
        };
        unsafe {
            write_array(&band.lower, lower, n_out, "lower")?;
            write_array(&band.upper, upper, n_out, "upper")
        }
    })
}

/// Expected repeat purchases of a new customer in `(0, t]` for each `t` into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_expected_purchases_new_customer(
    m: *const cvm_model, t: *const f64, n_t: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let ts = unsafe { slice(t, n_t, "t") }?;
        let v = m.as_model().expected_purchases_new_customer(ts)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// P(X(t) = n) for a new customer into `*out`.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_probability_of_n_purchases(
    m: *const cvm_model, n: u64, t: f64, out: *mut f64,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.0;
        let p = m.probability_of_n_purchases(t, n)?;
        unsafe { write_out(out, p, "out") }
    })
}

/// Per-customer log-likelihood into `out`.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_log_likelihood_individual(
    m: *const cvm_model, frequency: *const f64, n_frequency: usize, recency: *const f64,
    n_recency: usize, t: *const f64, n_t: usize, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let v = m.as_model().log_likelihood_individual(c.f, c.r, c.t)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Discounted expected residual transactions (Pareto/NBD only) at continuous discount rate
/// `delta` per time unit into `out`. `CVM_STATUS_INVALID_VALUE` (field `model`) for other models.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_dert(
    m: *const cvm_model, frequency: *const f64, n_frequency: usize, recency: *const f64,
    n_recency: usize, t: *const f64, n_t: usize, delta: f64, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let v = m.dert(c.f, c.r, c.t, delta)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Frees a model; NULL is a no-op.
///
/// # Safety
/// `m` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_free(m: *mut cvm_model) {
    unsafe { free_handle(m) }
}

/// `P(X(T, T + t) = n | frequency, recency, T)` per customer into `out` (Pareto/NBD only; Fader
/// & Hardie 2006, eq. 16). `CVM_STATUS_INVALID_VALUE` (field `model`) for other models, or `t`
/// negative or not finite.
///
/// # Safety
/// `m` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_model_conditional_probability_of_n_purchases(
    m: *const cvm_model, n: u64, t: f64, frequency: *const f64, n_frequency: usize,
    recency: *const f64, n_recency: usize, t_cal: *const f64, n_t: usize, out: *mut f64,
    n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.0;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t_cal, n_t) }?;
        let v = m.conditional_probability_of_n_purchases(t, n, c.f, c.r, c.t)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

#[cfg(test)]
mod conditional_count_tests {
    use super::*;

    fn model(kind: &str, p: &[f64]) -> *mut cvm_model {
        let name = CString::new(kind).unwrap();
        let mut m = ptr::null_mut();
        let s = unsafe { cvm_model_from_params(name.as_ptr(), p.as_ptr(), p.len(), &mut m) };
        assert_eq!(s, cvm_status::CVM_STATUS_OK);
        m
    }

    #[test]
    fn pareto_nbd_values_and_other_models_refused() {
        let m = model("pareto_nbd", &[0.553, 10.578, 0.606, 11.669]);
        let (x, tx, t) = ([2.0, 0.0], [30.43, 0.0], [38.86, 38.86]);
        let mut out = [f64::NAN; 2];
        let call = |m, n, h, out: &mut [f64]| unsafe {
            cvm_model_conditional_probability_of_n_purchases(
                m,
                n,
                h,
                x.as_ptr(),
                2,
                tx.as_ptr(),
                2,
                t.as_ptr(),
                2,
                out.as_mut_ptr(),
                out.len(),
            )
        };
        assert_eq!(call(m, 0, 39.0, &mut out), cvm_status::CVM_STATUS_OK);
        assert!((out[0] - 0.408063).abs() < 1e-5, "{}", out[0]);
        assert!(out[1] > 0.9 && out[1] < 1.0);
        assert_eq!(call(m, 0, -1.0, &mut out), cvm_status::CVM_STATUS_INVALID_VALUE);
        let bg = model("bg_nbd", &[0.243, 4.414, 0.793, 2.426]);
        assert_eq!(call(bg, 0, 39.0, &mut out), cvm_status::CVM_STATUS_INVALID_VALUE);
        unsafe {
            cvm_model_free(m);
            cvm_model_free(bg);
        }
    }
}
