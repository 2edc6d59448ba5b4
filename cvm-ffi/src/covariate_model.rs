//! A fitted covariate model through the C ABI (`cvm_covariate_model`: the plain transaction or
//! spend model with per-customer parameters; see `docs/covariates.md`): the fit, its options,
//! the estimate with names, standard errors, intervals and covariance, the likelihood-ratio test
//! against the plain model, and JSON. The bindings convert, call
//! `cvm_core::models::covariates` and map its errors: a constant or collinear column is
//! `CVM_STATUS_NOT_IDENTIFIED` naming it.

use std::ffi::{c_char, CString};

use cvm_core::models::covariates::{
    fit, fit_spend, CovariateModel, CovariateOptions, ProcessCovariates,
};
use cvm_core::models::ModelKind;
use cvm_core::Error;

use crate::columns::{cvm_fit_columns, cvm_strings, fit_columns};
use crate::covariates::{
    cvm_covariates, cvm_process_covariates, optional_covariates, process_covariates,
};
use crate::models::{
    core_fit_options, cvm_fit_diagnostics, cvm_fit_options, cvm_fit_options_default,
};
use crate::selection::strings;
use crate::summary::unit_code;
use crate::{
    cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, slice, str_arg, write_array,
    write_out, FfiResult,
};

/// Kind code of [`cvm_covariate_model_fit`]: the Pareto/NBD.
pub const CVM_MODEL_PARETO_NBD: u32 = 0;
/// Kind code: the BG/NBD.
pub const CVM_MODEL_BG_NBD: u32 = 1;
/// Kind code: the MBG/NBD.
pub const CVM_MODEL_MBG_NBD: u32 = 2;
/// Kind code: the BG/BB (discrete opportunities; the third customer column is `n`).
pub const CVM_MODEL_BG_BB: u32 = 3;

/// The kinds [`cvm_covariate_model_fit`] accepts, as the error lists them.
const KINDS: &[&str] = &[
    "CVM_MODEL_PARETO_NBD (0)",
    "CVM_MODEL_BG_NBD (1)",
    "CVM_MODEL_MBG_NBD (2)",
    "CVM_MODEL_BG_BB (3)",
];

/// The core kind of a `CVM_MODEL_*` code (`CVM_STATUS_UNKNOWN_NAME`, field `kind`, otherwise).
fn kind(code: u32) -> FfiResult<ModelKind> {
    Ok(match code {
        CVM_MODEL_PARETO_NBD => ModelKind::ParetoNbd,
        CVM_MODEL_BG_NBD => ModelKind::BgNbd,
        CVM_MODEL_MBG_NBD => ModelKind::MbgNbd,
        CVM_MODEL_BG_BB => ModelKind::BgBb,
        other => return Err(Error::unknown_name("kind", other.to_string(), KINDS).into()),
    })
}

/// Options of [`cvm_covariate_model_fit`] and [`cvm_covariate_model_fit_spend`]; start from
/// [`cvm_covariate_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_covariate_options {
    /// The driver's options (iterations, tolerance, time unit) and those of the plain fit the
    /// covariate fit starts from; its `penalizer` must be 0 (`CVM_STATUS_INVALID_VALUE`, field
    /// `penalizer`): the coefficients' penalty is `l2`.
    pub fit: cvm_fit_options,
    /// L2 penalty `l2 · Σ γ²` on the coefficients only (not the base parameters), added to the
    /// mean negative log-likelihood per customer; ≥ 0 (default 0).
    pub l2: f64,
    /// Columns present in both the transaction and the lifetime covariates whose coefficient is
    /// shared by the two processes (named `shared_<column>`); `{NULL, 0}` for none.
    pub shared: cvm_strings,
}

/// The default covariate options: the default fit options, no penalty, no shared column.
#[no_mangle]
pub extern "C" fn cvm_covariate_options_default() -> cvm_covariate_options {
    cvm_covariate_options {
        fit: cvm_fit_options_default(),
        l2: 0.0,
        shared: cvm_strings { data: std::ptr::null(), len: 0 },
    }
}

/// `options` (NULL: the defaults) as core options.
///
/// # Safety
/// `options` NULL or valid, its strings as documented.
unsafe fn core_options(options: *const cvm_covariate_options) -> FfiResult<CovariateOptions> {
    let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_covariate_options_default());
    let fit = unsafe { core_fit_options(&o.fit) }?;
    let shared = unsafe { strings(o.shared.data, o.shared.len, "shared") }?;
    Ok(CovariateOptions::default().with_fit(fit).with_l2(o.l2).with_shared(&shared))
}

/// A model fitted with covariates (opaque): base parameters and coefficients, their covariance,
/// the likelihood-ratio test against the plain model. Owned by the caller; free with
/// [`cvm_covariate_model_free`]. Immutable: predictions from several threads at once are safe.
#[derive(Debug)]
pub struct cvm_covariate_model {
    pub(crate) model: CovariateModel,
    names: Vec<CString>,
}

impl cvm_covariate_model {
    pub(crate) fn new(model: CovariateModel) -> Self {
        let names = model.names().iter().map(|n| crate::cstring(n)).collect();
        cvm_covariate_model { model, names }
    }
}

/// Fits the transaction model `kind` (`CVM_MODEL_PARETO_NBD`, `_BG_NBD`, `_MBG_NBD`,
/// `_BG_BB`) with covariates by maximum likelihood: the plain model first, then, from its
/// estimate with every coefficient 0, the covariate likelihood (each customer's plain
/// log-likelihood at that customer's parameters; the links are in `docs/covariates.md`).
///
/// `columns` holds one row per customer (frequency, recency, T; for the BG/BB `t` is the number
/// of opportunities `n`, reported as `n_periods`); its `weights` must be `{NULL, 0}`: covariates
/// defeat row compression. `covariates` may be NULL or have NULL members (no covariates for
/// that process: without any column the result is the plain fit); `options` may be NULL
/// (defaults). Errors: `CVM_STATUS_UNKNOWN_NAME` (`kind`, listing the codes; `time_unit`);
/// `CVM_STATUS_NULL_POINTER` (`columns`, `out`, …); `CVM_STATUS_NOT_IDENTIFIED` naming a
/// constant, duplicate or collinear covariate column, or data the plain model cannot identify;
/// `CVM_STATUS_LENGTH_MISMATCH` (`trans_covariates`, `life_covariates`) for covariates whose
/// rows are not the customers; `CVM_STATUS_INVALID_VALUE` (customer columns with field and
/// index, `weights`, `l2`, `penalizer`, `shared`, a spend matrix given to a transaction model);
/// `CVM_STATUS_NOT_CONVERGED`.
///
/// ```c
/// cvm_fit_columns c = {.frequency = {f, n}, .recency = {r, n}, .t = {T, n}};
/// cvm_process_covariates pc = {.transaction = z, .lifetime = z};
/// cvm_covariate_model *m = NULL;
/// cvm_status s = cvm_covariate_model_fit(CVM_MODEL_PARETO_NBD, &c, &pc, NULL, &m);
/// ```
///
/// # Safety
/// `columns` valid, its arrays holding their stated lengths; `covariates` and `options` NULL or
/// valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_fit(
    kind: u32, columns: *const cvm_fit_columns, covariates: *const cvm_process_covariates,
    options: *const cvm_covariate_options, out: *mut *mut cvm_covariate_model,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let k = self::kind(kind)?;
        let t_field = if k == ModelKind::BgBb { "n_periods" } else { "T" };
        let (f, r, t, w) = unsafe { fit_columns(columns, t_field) }?;
        if w.is_some() {
            let reason = "a covariate fit takes one row per customer: weights must be NULL";
            return Err(Error::invalid("weights", reason).into());
        }
        let o = unsafe { core_options(options) }?;
        let z = unsafe { process_covariates(covariates) }?;
        let m = fit(k, f, r, t, &z, &o)?;
        unsafe { write_out(out, into_handle(cvm_covariate_model::new(m)), "out") }
    })
}

/// Fits the Gamma-Gamma spend model with spend covariates `spend` (NULL: none): the scale of
/// each customer's spend rates is `γ_i = γ · e^{−γ_spend · z_i}`, so `e^{γ_spend}` multiplies
/// the expected spend per unit of the column. Customers with `frequency == 0` keep their row in
/// the covariates and add nothing to the likelihood. Errors as [`cvm_covariate_model_fit`]
/// (`spend_covariates` for the rows) and as `cvm_gamma_gamma_fit` for the columns.
///
/// # Safety
/// Arrays hold their stated lengths; `spend` NULL or live; `options` NULL or valid; `out` valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_fit_spend(
    frequency: *const f64, n_frequency: usize, monetary_value: *const f64, n_monetary_value: usize,
    spend: *const cvm_covariates, options: *const cvm_covariate_options,
    out: *mut *mut cvm_covariate_model,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let f = unsafe { slice(frequency, n_frequency, "frequency") }?;
        let z = unsafe { slice(monetary_value, n_monetary_value, "monetary_value") }?;
        let o = unsafe { core_options(options) }?;
        let c = ProcessCovariates {
            spend: unsafe { optional_covariates(spend) }?,
            ..Default::default()
        };
        let m = fit_spend(f, z, &c, &o)?;
        unsafe { write_out(out, into_handle(cvm_covariate_model::new(m)), "out") }
    })
}

/// The model's family (`"pareto_nbd"`, `"bg_nbd"`, `"mbg_nbd"`, `"bg_bb"`, `"gamma_gamma"`), a
/// static string; NULL for NULL.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_kind(m: *const cvm_covariate_model) -> *const c_char {
    match unsafe { m.as_ref() }.map(|m| m.model.kind()) {
        Some(ModelKind::ParetoNbd) => c"pareto_nbd".as_ptr(),
        Some(ModelKind::BgNbd) => c"bg_nbd".as_ptr(),
        Some(ModelKind::MbgNbd) => c"mbg_nbd".as_ptr(),
        Some(ModelKind::BgBb) => c"bg_bb".as_ptr(),
        Some(ModelKind::GammaGamma) => c"gamma_gamma".as_ptr(),
        _ => std::ptr::null(),
    }
}

/// Number of parameters: the base parameters, then the coefficients (0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_param_count(m: *const cvm_covariate_model) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.model.params().len())
}

/// Number of base parameters (4 for the transaction models, 3 for the Gamma-Gamma; 0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_base_count(m: *const cvm_covariate_model) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.model.n_base())
}

/// The name of parameter `i`: the base parameters (`r`, `alpha`, …), then the coefficients
/// `trans_<column>`, `life_<column>`, `spend_<column>`, `shared_<column>` (a categorical
/// level: `trans_<column>[<level>]`). Owned by the handle; NULL for NULL or `i` out of range.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_param_name(
    m: *const cvm_covariate_model, i: usize,
) -> *const c_char {
    unsafe { m.as_ref() }.and_then(|m| m.names.get(i)).map_or(std::ptr::null(), |s| s.as_ptr())
}

/// The estimate into `out` (`n_out` = [`cvm_covariate_model_param_count`]): the base parameters
/// on the natural scale (those of a customer whose covariates are all 0), then the coefficients
/// `γ` (`e^{γ}` multiplies the linked rate per unit of the column).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_params(
    m: *const cvm_covariate_model, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.model;
        unsafe { write_array(m.params(), out, n_out, "out") }
    })
}

/// Standard errors into `out` (`n_out` = parameter count): of the base parameters on the
/// natural scale (delta method), of the coefficients directly. `CVM_STATUS_INVALID_VALUE`
/// (field `covariance`) when the Hessian could not be inverted.
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_standard_errors(
    m: *const cvm_covariate_model, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.model;
        unsafe { write_array(&m.standard_errors()?, out, n_out, "out") }
    })
}

/// Confidence intervals at `level` into `lower` / `upper` (`n_out` = parameter count each): for
/// the base parameters `p · e^{±z sd(ln p)}`, for the coefficients `γ ± z sd(γ)`. Errors: an
/// invalid `level`; no covariance (as [`cvm_covariate_model_standard_errors`]).
///
/// # Safety
/// `m` live; `lower` and `upper` have room for `n_out` values each.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_confidence_intervals(
    m: *const cvm_covariate_model, level: f64, lower: *mut f64, upper: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.model;
        let ci = m.confidence_intervals(level)?;
        let (lo, hi): (Vec<f64>, Vec<f64>) = ci.into_iter().unzip();
        if n_out > 0 {
            need_out(lower, "lower")?;
            need_out(upper, "upper")?;
        }
        unsafe {
            write_array(&lo, lower, n_out, "lower")?;
            write_array(&hi, upper, n_out, "upper")
        }
    })
}

/// The full covariance of `(ln base parameters, γ)` (the inverse Hessian at the estimate),
/// row-major into `out` (`n_out` = parameter count squared). `CVM_STATUS_INVALID_VALUE` (field
/// `covariance`) when there is none.
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_log_covariance(
    m: *const cvm_covariate_model, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "model") }?.model;
        let c = m.log_covariance().ok_or_else(|| Error::no_covariance(None))?;
        let flat: Vec<f64> = c.iter().flatten().copied().collect();
        unsafe { write_array(&flat, out, n_out, "out") }
    })
}

/// Diagnostics of the fit: the unpenalised log-likelihood at the estimate, AIC and BIC with the
/// coefficients counted as parameters, iterations, gradient norm, customers.
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_diagnostics(
    m: *const cvm_covariate_model, out: *mut cvm_fit_diagnostics,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let d = unsafe { handle(m, "model") }?.model.diagnostics();
        unsafe { write_out(out, crate::lifetime2::diagnostics(Some(d))?, "out") }
    })
}

/// The likelihood-ratio test of a covariate model against the plain model fitted on the same
/// customers ([`cvm_covariate_model_likelihood_ratio_test`]).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_likelihood_ratio_test {
    /// `2 (LL − LL₀)`.
    pub statistic: f64,
    /// Degrees of freedom: the number of coefficients.
    pub df: usize,
    /// `P(χ²_df ≥ statistic)`.
    pub p_value: f64,
    /// `LL₀`, the log-likelihood of the plain model (the null).
    pub plain_log_likelihood: f64,
}

/// The likelihood-ratio test against the plain model (every coefficient 0) into `*out`;
/// meaningful without penalty (`l2` = 0).
///
/// # Safety
/// `m` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_likelihood_ratio_test(
    m: *const cvm_covariate_model, out: *mut cvm_likelihood_ratio_test,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = &unsafe { handle(m, "model") }?.model;
        let t = m.likelihood_ratio_test();
        let value = cvm_likelihood_ratio_test {
            statistic: t.statistic,
            df: t.df,
            p_value: t.p_value,
            plain_log_likelihood: m.plain_log_likelihood(),
        };
        unsafe { write_out(out, value, "out") }
    })
}

/// The L2 penalty the coefficients were fitted with (0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_l2(m: *const cvm_covariate_model) -> f64 {
    unsafe { m.as_ref() }.map_or(0.0, |m| m.model.l2())
}

/// The unit of time of the data the model was fitted on (a `CVM_UNIT_*` code; `CVM_UNIT_PERIOD`
/// when it records none, or for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_time_unit(m: *const cvm_covariate_model) -> u32 {
    unit_code(unsafe { m.as_ref() }.and_then(|m| m.model.time_unit()))
}

/// The model's JSON document into `*out_json` (free it with `cvm_string_free`): the
/// `cvm-model` document with the coefficients among the parameters, a `covariates` section
/// (the columns of each process, the penalty, the plain log-likelihood) and the covariance.
///
/// # Safety
/// `m` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_to_json(
    m: *const cvm_covariate_model, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let m = &unsafe { handle(m, "model") }?.model;
        let text = crate::cstring(&m.to_json()?);
        unsafe { write_out(out_json, text.into_raw(), "out_json") }
    })
}

/// Reads a document written by [`cvm_covariate_model_to_json`] (or by the Rust and Python
/// libraries). `CVM_STATUS_JSON` with the JSON path as the field for a malformed, unknown or
/// inconsistent entry.
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_from_json(
    json: *const c_char, out: *mut *mut cvm_covariate_model,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let text = unsafe { str_arg(json, "json") }?;
        let m = CovariateModel::from_json(text)?;
        unsafe { write_out(out, into_handle(cvm_covariate_model::new(m)), "out") }
    })
}

/// Frees a covariate model; NULL is a no-op.
///
/// # Safety
/// `m` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_free(m: *mut cvm_covariate_model) {
    unsafe { free_handle(m) }
}
