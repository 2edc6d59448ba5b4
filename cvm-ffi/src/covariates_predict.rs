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

use cvm_core::Error;

use crate::covariate_model::cvm_covariate_model;
use crate::covariates::{cvm_process_covariates, process_covariates};
use crate::models::customers;
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
