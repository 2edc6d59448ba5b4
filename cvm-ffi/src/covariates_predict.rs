//! Predictions of a covariate model per customer through the C ABI: each customer's parameters
//! from that customer's covariates, the plain model's kernels at them, and delta-method
//! intervals from the full covariance (`cvm_core::models::covariates`, `predict.rs`).
//!
//! Every function takes the customers' covariates as a [`cvm_process_covariates`] with one row
//! per customer, in the order of the customer columns; the model picks its columns by name
//! (extra columns are ignored). A process whose covariates the model uses but which is NULL, a
//! missing column, or (categorical) an unseen level is `CVM_STATUS_INVALID_VALUE` naming the
//! process's covariates (`trans_covariates`, `life_covariates`, `spend_covariates`), the column
//! and the row.

use cvm_core::clv::covariates::{customer_lifetime_value, SpendSide, TransactionSide};
use cvm_core::Error;

use crate::covariate_model::cvm_covariate_model;
use crate::covariates::{cvm_process_covariates, process_covariates};
use crate::lifetime2::{
    clv_call, cvm_clv_customers, cvm_clv_options, cvm_clv_outputs, cvm_gamma_gamma, write_clv,
};
use crate::models::{customers, cvm_model};
use crate::{cvm_status, ffi_guard, handle, need_out, write_array, FfiResult};

/// The model behind `m` (NULL: `CVM_STATUS_NULL_POINTER`, field `model`).
///
/// # Safety
/// `m` NULL or live.
unsafe fn model<'a>(
    m: *const cvm_covariate_model,
) -> FfiResult<&'a cvm_core::models::covariates::CovariateModel> {
    Ok(&unsafe { handle(m, "model") }?.model)
}

/// P(alive at T) of each customer at that customer's parameters into `out` (`n_out` = number
/// of customers). Errors: invalid histories (field and index); the covariates' errors (see the
/// module); `CVM_STATUS_INVALID_VALUE` (field `model`) for a Gamma-Gamma model.
///
/// # Safety
/// `m` live; arrays hold their stated lengths; `covariates` NULL or valid; `out` has room for
/// `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_probability_alive(
    m: *const cvm_covariate_model, frequency: *const f64, n_frequency: usize, recency: *const f64,
    n_recency: usize, t: *const f64, n_t: usize, covariates: *const cvm_process_covariates,
    out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = unsafe { model(m) }?;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let z = unsafe { process_covariates(covariates) }?;
        let v = m.probability_alive(c.f, c.r, c.t, &z)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Expected repeat purchases of each customer in `(T, T + horizon]` at that customer's
/// parameters into `out`. Errors as [`cvm_covariate_model_probability_alive`], and an invalid
/// `horizon` (field `t`).
///
/// # Safety
/// As [`cvm_covariate_model_probability_alive`].
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_conditional_expected_purchases(
    m: *const cvm_covariate_model, horizon: f64, frequency: *const f64, n_frequency: usize,
    recency: *const f64, n_recency: usize, t: *const f64, n_t: usize,
    covariates: *const cvm_process_covariates, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = unsafe { model(m) }?;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let z = unsafe { process_covariates(covariates) }?;
        let v = m.conditional_expected_purchases(horizon, c.f, c.r, c.t, &z)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Delta-method intervals at `level` from the full covariance of `(ln base, γ)` for P(alive)
/// (`quantity` 0, logit scale) or for the expected purchases in `(T, T + horizon]` (`quantity`
/// 1, log scale) of each customer into `lower` / `upper` (`n_out` each), as
/// `cvm_model_prediction_interval` does for a plain model. Errors as the predictions, an
/// invalid `level`, `CVM_STATUS_UNKNOWN_NAME` (`quantity`), `CVM_STATUS_INVALID_VALUE` (field
/// `covariance`) without a covariance.
///
/// # Safety
/// As [`cvm_covariate_model_probability_alive`]; `lower` and `upper` have room for `n_out`
/// values each.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_prediction_interval(
    m: *const cvm_covariate_model, quantity: u32, horizon: f64, frequency: *const f64,
    n_frequency: usize, recency: *const f64, n_recency: usize, t: *const f64, n_t: usize,
    covariates: *const cvm_process_covariates, level: f64, lower: *mut f64, upper: *mut f64,
    n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = unsafe { model(m) }?;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let z = unsafe { process_covariates(covariates) }?;
        let band = match quantity {
            0 => m.probability_alive_interval(c.f, c.r, c.t, &z, level)?,
            1 => m.conditional_expected_purchases_interval(horizon, c.f, c.r, c.t, &z, level)?,
            other => {
                let valid = ["0 (P(alive))", "1 (expected purchases)"];
                return Err(Error::unknown_name("quantity", other.to_string(), &valid).into());
            }
        };
        if n_out > 0 {
            need_out(lower, "lower")?;
            need_out(upper, "upper")?;
        }
        unsafe {
            write_array(&band.lower, lower, n_out, "lower")?;
            write_array(&band.upper, upper, n_out, "upper")
        }
    })
}

/// P(X(horizon) = n) for a new customer with each row's covariates (the probability of `n`
/// repeat purchases in `(0, horizon]` at that row's parameters) into `out`; `n_out` is the
/// number of rows, which the covariates must have. Errors: an invalid `horizon` (field `t`);
/// the covariates' errors (`CVM_STATUS_LENGTH_MISMATCH` naming a process's covariates whose
/// rows are not `n_out`).
///
/// # Safety
/// `m` live; `covariates` NULL or valid; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_probability_of_n_purchases(
    m: *const cvm_covariate_model, n: u64, horizon: f64, covariates: *const cvm_process_covariates,
    out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = unsafe { model(m) }?;
        let z = unsafe { process_covariates(covariates) }?;
        let v = m.probability_of_n_purchases(horizon, n, n_out, &z)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Each customer's natural parameters from their covariates, row-major into `out`
/// (`n_customers` rows of [`crate::covariate_model::cvm_covariate_model_base_count`] values: the
/// plain model's parameters for that customer, e.g. `r, α_i, s, β_i`). Errors: the covariates'
/// errors; `CVM_STATUS_LENGTH_MISMATCH` (`out`).
///
/// # Safety
/// `m` live; `covariates` NULL or valid; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_customer_params(
    m: *const cvm_covariate_model, n_customers: usize, covariates: *const cvm_process_covariates,
    out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = unsafe { model(m) }?;
        let z = unsafe { process_covariates(covariates) }?;
        let p: Vec<f64> = m.customer_params(n_customers, &z)?.into_iter().flatten().collect();
        unsafe { write_array(&p, out, n_out, "out") }
    })
}

/// Each customer's log-likelihood at that customer's parameters (the terms the fit sums) into
/// `out`. The columns are the fit's: `(frequency, recency, T)` (BG/BB: `n`); for the
/// Gamma-Gamma `(frequency, monetary_value, any column of the same length)`. Errors as
/// [`cvm_covariate_model_probability_alive`].
///
/// # Safety
/// As [`cvm_covariate_model_probability_alive`].
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_log_likelihood_individual(
    m: *const cvm_covariate_model, frequency: *const f64, n_frequency: usize, recency: *const f64,
    n_recency: usize, t: *const f64, n_t: usize, covariates: *const cvm_process_covariates,
    out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = unsafe { model(m) }?;
        let c = unsafe { customers(frequency, n_frequency, recency, n_recency, t, n_t) }?;
        let z = unsafe { process_covariates(covariates) }?;
        let v = m.log_likelihood_individual(c.f, c.r, c.t, &z)?;
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Expected spend per transaction of each customer of a Gamma-Gamma fitted with spend
/// covariates (the conditional mean at that customer's parameters) into `out`; with `level` in
/// (0, 1), also its delta-method interval (log scale, from the full covariance) into `lower` /
/// `upper`, which are ignored when `level` is 0. `n_out` is the number of customers (the room
/// of each output). Errors: invalid spend columns (field and row); the covariates' errors;
/// `CVM_STATUS_INVALID_VALUE` (field `model`) for a transaction model, (`covariance`) for
/// intervals without a covariance; an invalid `level`; `CVM_STATUS_NULL_POINTER` (`lower`,
/// `upper`) for intervals without room.
///
/// # Safety
/// `m` live; arrays hold their stated lengths; `covariates` NULL or valid; `out` (and `lower`,
/// `upper` with intervals) have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_model_expected_average_spend(
    m: *const cvm_covariate_model, frequency: *const f64, n_frequency: usize,
    monetary_value: *const f64, n_monetary_value: usize, covariates: *const cvm_process_covariates,
    level: f64, out: *mut f64, lower: *mut f64, upper: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = unsafe { model(m) }?;
        let f = unsafe { crate::slice(frequency, n_frequency, "frequency") }?;
        let v = unsafe { crate::slice(monetary_value, n_monetary_value, "monetary_value") }?;
        let z = unsafe { process_covariates(covariates) }?;
        if level == 0.0 {
            let e = m.conditional_expected_average_spend(f, v, &z)?;
            return unsafe { write_array(&e, out, n_out, "out") };
        }
        if n_out > 0 {
            need_out(out, "out")?;
            need_out(lower, "lower")?;
            need_out(upper, "upper")?;
        }
        let band = m.conditional_expected_average_spend_interval(f, v, &z, level)?;
        unsafe {
            write_array(&band.estimate, out, n_out, "out")?;
            write_array(&band.lower, lower, n_out, "lower")?;
            write_array(&band.upper, upper, n_out, "upper")
        }
    })
}

/// The two models of [`cvm_covariate_clv`]: for each side, a model with covariates or a plain
/// model — exactly one of `transaction` and `plain_transaction`, and one of `spend` and
/// `plain_spend`. Write `{.transaction = m, .plain_spend = gg}` in C.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_clv_sides {
    /// A transaction model with covariates (Pareto/NBD, BG/NBD, MBG/NBD, BG/BB), or NULL.
    pub transaction: *const cvm_covariate_model,
    /// A plain transaction model (`cvm_model`: BG/NBD, MBG/NBD, Pareto/NBD), or NULL.
    pub plain_transaction: *const cvm_model,
    /// A Gamma-Gamma with spend covariates ([`crate::covariate_model::cvm_covariate_model_fit_spend`]), or NULL.
    pub spend: *const cvm_covariate_model,
    /// A plain Gamma-Gamma, or NULL.
    pub plain_spend: *const cvm_gamma_gamma,
}

/// Exactly one of `covariate` and `plain`, as the side `field` (`CVM_STATUS_INVALID_VALUE`
/// naming it otherwise).
fn one_of<'a, C, P>(
    covariate: Option<&'a C>, plain: Option<&'a P>, field: &str,
) -> FfiResult<Side<'a, C, P>> {
    match (covariate, plain) {
        (Some(c), None) => Ok(Side::Covariates(c)),
        (None, Some(p)) => Ok(Side::Plain(p)),
        (c, _) => {
            let what = if c.is_some() { "both" } else { "neither" };
            let reason = format!("give exactly one of `{field}` and `plain_{field}`, not {what}");
            Err(Error::invalid(field, reason).into())
        }
    }
}

/// One side of a CLV: a covariate model or a plain one.
enum Side<'a, C, P> {
    Covariates(&'a C),
    Plain(&'a P),
}

/// CLV per customer when either model has covariates: `margin · E(spend) · discounted expected
/// purchases over the horizon`, each at that customer's parameters (the plain model's kernels),
/// with delta-method intervals from the full covariance of each model when
/// `options->interval_level` > 0. As [`crate::lifetime2::cvm_clv`] otherwise: `customers` holds
/// the summary columns (for a BG/BB, `t` is the number of opportunities `n`), `options` may be
/// NULL (defaults; the unit of the customer columns is the transaction model's unless
/// `options->data_time_unit` names it), `out` says where to write. `covariates` holds each
/// process's covariates for the customers (NULL: none; a model's covariates are required).
///
/// Errors: those of `cvm_clv`; `CVM_STATUS_INVALID_VALUE` (field `transaction` / `spend`) for a
/// side given twice or not at all, or a model of the wrong kind (a Gamma-Gamma as the
/// transaction model); the covariates' errors (see the module).
///
/// ```c
/// cvm_clv_sides sides = {.transaction = m, .plain_spend = gg};
/// cvm_process_covariates pc = {.transaction = z, .lifetime = z};
/// cvm_clv_customers c = {.frequency = {f, n}, .recency = {r, n}, .t = {T, n}, .monetary_value = {mv, n}};
/// cvm_clv_outputs out = {.clv = clv, .n = n};
/// cvm_status s = cvm_covariate_clv(&sides, &c, &pc, NULL, &out);
/// ```
///
/// # Safety
/// `sides`, `customers`, `out` valid, their handles NULL or live and their arrays holding their
/// stated lengths; `covariates` and `options` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn cvm_covariate_clv(
    sides: *const cvm_clv_sides, customers: *const cvm_clv_customers,
    covariates: *const cvm_process_covariates, options: *const cvm_clv_options,
    out: *const cvm_clv_outputs,
) -> cvm_status {
    ffi_guard!({
        let s = unsafe { handle(sides, "sides") }?;
        let t = match one_of(
            unsafe { s.transaction.as_ref() },
            unsafe { s.plain_transaction.as_ref() },
            "transaction",
        )? {
            Side::Covariates(m) => TransactionSide::Covariates(&m.model),
            Side::Plain(m) => TransactionSide::Plain(m.0.as_model()),
        };
        let g = match one_of(
            unsafe { s.spend.as_ref() },
            unsafe { s.plain_spend.as_ref() },
            "spend",
        )? {
            Side::Covariates(m) => SpendSide::Covariates(&m.model),
            Side::Plain(m) => SpendSide::Plain(&m.0),
        };
        let model_unit = match &t {
            TransactionSide::Covariates(m) => m.time_unit(),
            TransactionSide::Plain(m) => m.time_unit(),
        };
        let call = unsafe { clv_call(customers, "T", options, out, model_unit) }?;
        let [f, r, tc, mv] = call.columns;
        let z = unsafe { process_covariates(covariates) }?;
        let v = customer_lifetime_value(t, g, f, r, tc, mv, &z, &call.options)?;
        unsafe { write_clv(&v, call.out) }
    })
}
