//! C ABI of churn evaluation and calibration: `cvm_churn_calibrator` (isotonic or Platt, fitted
//! on past scores and churned flags, persisted as JSON) and `cvm_churn_report` (AUC, Brier score,
//! calibration and gains tables, a baseline side by side).

use std::ffi::c_char;

use cvm_core::churn::{churn_report, CalibrationMethod, ChurnCalibrator, ChurnReport, GainsBin};
use cvm_core::Error;

use crate::{
    cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, opt_slice, slice, str_arg,
    write_array, write_out, FfiResult,
};

/// `method` of [`cvm_churn_calibrator_fit`]: isotonic regression (pool-adjacent-violators).
pub const CVM_CALIBRATION_ISOTONIC: u32 = 0;
/// `method` of [`cvm_churn_calibrator_fit`]: Platt scaling (logistic regression on the score).
pub const CVM_CALIBRATION_PLATT: u32 = 1;

/// `side` of [`cvm_churn_report_gains`]: the ranking score's table.
pub const CVM_CHURN_SIDE_SCORE: u32 = 0;
/// `side` of [`cvm_churn_report_gains`]: the baseline's table.
pub const CVM_CHURN_SIDE_BASELINE: u32 = 1;

/// A fitted churn calibrator. Owned by the caller, freed with [`cvm_churn_calibrator_free`];
/// immutable, so thread-safe to read.
#[derive(Debug)]
pub struct cvm_churn_calibrator(ChurnCalibrator);

/// A churn report. Owned by the caller, freed with [`cvm_churn_report_free`]; immutable.
#[derive(Debug)]
pub struct cvm_churn_report(ChurnReport);

fn method(code: u32) -> FfiResult<CalibrationMethod> {
    CalibrationMethod::ALL.get(code as usize).copied().ok_or_else(|| {
        Error::unknown_name("method", code.to_string(), &["0 (isotonic)", "1 (platt)"]).into()
    })
}

/// A required 0/1 flag column as booleans; any other byte is an error naming `field` and index.
///
/// # Safety
/// `ptr` holding `n` bytes (NULL only with `n == 0`).
unsafe fn flags(ptr: *const u8, n: usize, field: &'static str) -> FfiResult<Vec<bool>> {
    let bytes = unsafe { slice(ptr, n, field) }?;
    if let Some(i) = bytes.iter().position(|&b| b > 1) {
        return Err(
            Error::invalid_at(field, i, format!("must be 0 or 1 (got {})", bytes[i])).into()
        );
    }
    Ok(bytes.iter().map(|&b| b == 1).collect())
}

/// Fits a calibrator on `scores` (higher = more likely to churn) and `churned` (0/1 bytes, one
/// per score), optionally weighted (`weights` NULL: every customer 1), into `*out`. `method`:
/// `CVM_CALIBRATION_ISOTONIC` or `CVM_CALIBRATION_PLATT`.
///
/// Errors (field, index): `method` unknown (`CVM_STATUS_UNKNOWN_NAME`); `scores` empty; `churned`
/// / `weights` of another length; a non-finite score, a flag not 0/1, a negative or non-finite
/// weight, weights summing to 0 (`CVM_STATUS_INVALID_VALUE`); Platt on data that cannot
/// identify the slope (one class, constant or separating scores: `CVM_STATUS_NOT_IDENTIFIED`).
///
/// # Safety
/// Arrays hold their stated lengths; `out` valid for writes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cvm_churn_calibrator_fit(
    scores: *const f64, n_scores: usize, churned: *const u8, n_churned: usize, weights: *const f64,
    n_weights: usize, method_code: u32, out: *mut *mut cvm_churn_calibrator,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let m = method(method_code)?;
        let s = unsafe { slice(scores, n_scores, "scores") }?;
        let c = unsafe { flags(churned, n_churned, "churned") }?;
        let w = unsafe { opt_slice(weights, n_weights) };
        let cal = ChurnCalibrator::fit(s, &c, w, m)?;
        unsafe { write_out(out, into_handle(cvm_churn_calibrator(cal)), "out") }
    })
}

/// The calibrated churn probability of each score into `out` (`n_out` = `n_scores`), each in
/// \[0, 1\]. Errors: a non-finite score (`scores`, index); `n_out` not `n_scores`.
///
/// # Safety
/// `cal` live; arrays hold their stated lengths.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_calibrator_transform(
    cal: *const cvm_churn_calibrator, scores: *const f64, n_scores: usize, out: *mut f64,
    n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let cal = &unsafe { handle(cal, "calibrator") }?.0;
        let s = unsafe { slice(scores, n_scores, "scores") }?;
        let p = cal.transform(s)?;
        unsafe { write_array(&p, out, n_out, "n_out") }
    })
}

/// The calibrator's method code (`CVM_CALIBRATION_*`) into `*out`.
///
/// # Safety
/// `cal` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_calibrator_method(
    cal: *const cvm_churn_calibrator, out: *mut u32,
) -> cvm_status {
    ffi_guard!({
        let cal = &unsafe { handle(cal, "calibrator") }?.0;
        let code = CalibrationMethod::ALL.iter().position(|m| *m == cal.method()).unwrap_or(0);
        unsafe { write_out(out, code as u32, "out") }
    })
}

/// Writes the calibrator's versioned JSON document into `*out_json` (free it with
/// `cvm_string_free`).
///
/// # Safety
/// `cal` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_calibrator_to_json(
    cal: *const cvm_churn_calibrator, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let cal = &unsafe { handle(cal, "calibrator") }?.0;
        unsafe { write_out(out_json, crate::cstring(&cal.to_json()).into_raw(), "out_json") }
    })
}

/// Reads a calibrator document (written by [`cvm_churn_calibrator_to_json`] or the Rust/Python
/// libraries) into `*out`. `CVM_STATUS_JSON` with the JSON path as the field for any problem.
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_calibrator_from_json(
    json: *const c_char, out: *mut *mut cvm_churn_calibrator,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let cal = ChurnCalibrator::from_json(unsafe { str_arg(json, "json") }?)?;
        unsafe { write_out(out, into_handle(cvm_churn_calibrator(cal)), "out") }
    })
}

/// Frees a calibrator; NULL is a no-op.
///
/// # Safety
/// `cal` NULL or a calibrator not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_calibrator_free(cal: *mut cvm_churn_calibrator) {
    unsafe { free_handle(cal) }
}

/// Evaluates `probability` (each in \[0, 1\]) against `churned` (0/1 bytes) into `*out`.
/// `score` (NULL: rank by the probability) ranks customers for the AUC and gains, higher = more
/// likely to churn; `baseline` (NULL: none) is a score to compare with, e.g. `T − recency`;
/// `bins` equal-count bins (10 for deciles). Ties at a bin boundary are split by row order.
///
/// Errors (field, index): `probability` empty or outside \[0, 1\]; `churned`, `score`,
/// `baseline` of another length; a flag not 0/1; a non-finite score or baseline; `bins` 0 or
/// above the number of customers; no churner or no non-churner (`churned`).
///
/// # Safety
/// Arrays hold their stated lengths (`score`/`baseline` may be NULL); `out` valid for writes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn cvm_churn_report_compute(
    probability: *const f64, n_probability: usize, churned: *const u8, n_churned: usize,
    score: *const f64, n_score: usize, baseline: *const f64, n_baseline: usize, bins: usize,
    out: *mut *mut cvm_churn_report,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let p = unsafe { slice(probability, n_probability, "probability") }?;
        let c = unsafe { flags(churned, n_churned, "churned") }?;
        let s = unsafe { opt_slice(score, n_score) };
        let b = unsafe { opt_slice(baseline, n_baseline) };
        let r = churn_report(p, &c, s, b, bins)?;
        unsafe { write_out(out, into_handle(cvm_churn_report(r)), "out") }
    })
}

/// Frees a report; NULL is a no-op.
///
/// # Safety
/// `r` NULL or a report not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_report_free(r: *mut cvm_churn_report) {
    unsafe { free_handle(r) }
}

/// The report's figures: AUC of the ranking score, Brier score, number of bins, and whether a
/// baseline was given with its AUC (`*out_baseline_auc` is 0 when there is none:
/// `*out_has_baseline` is false then). Any output may be NULL.
///
/// # Safety
/// `r` live; non-NULL outputs valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_report_summary(
    r: *const cvm_churn_report, out_auc: *mut f64, out_brier: *mut f64, out_bins: *mut usize,
    out_has_baseline: *mut bool, out_baseline_auc: *mut f64,
) -> cvm_status {
    ffi_guard!({
        let r = &unsafe { handle(r, "report") }?.0;
        let base = r.baseline.as_ref();
        unsafe {
            put(out_auc, r.auc);
            put(out_brier, r.brier);
            put(out_bins, r.calibration.len());
            put(out_has_baseline, base.is_some());
            put(out_baseline_auc, base.map_or(0.0, |b| b.auc));
        }
        Ok(())
    })
}

/// The calibration table (bins by predicted probability, lowest first), one value per bin into
/// each non-NULL array of `n` elements (`n` must equal the number of bins): customers, mean
/// predicted probability, observed churn rate, difference (observed − predicted), and the
/// standard error the observed rate would have if the probabilities were right
/// (`√(Σ p(1 − p)) / customers`).
///
/// # Safety
/// `r` live; non-NULL arrays have room for `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_report_calibration(
    r: *const cvm_churn_report, count: *mut usize, mean_predicted: *mut f64,
    observed_rate: *mut f64, difference: *mut f64, standard_error: *mut f64, n: usize,
) -> cvm_status {
    ffi_guard!({
        let t = &unsafe { handle(r, "report") }?.0.calibration;
        unsafe {
            write_column(t.iter().map(|b| b.count), count, n)?;
            write_column(t.iter().map(|b| b.mean_predicted), mean_predicted, n)?;
            write_column(t.iter().map(|b| b.observed_rate), observed_rate, n)?;
            write_column(t.iter().map(|b| b.difference), difference, n)?;
            write_column(t.iter().map(|b| b.standard_error), standard_error, n)
        }
    })
}

/// The Hosmer–Lemeshow test of the calibration table (docs/churn.md): `*out_has_test` is false
/// (and the other outputs 0) when a bin of probabilities that are all exactly 0 or all exactly 1
/// holds an outcome they rule out; otherwise the statistic, its degrees of freedom (the number
/// of bins) and the p-value. Any output may be NULL.
///
/// # Safety
/// `r` live; non-NULL outputs valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_report_calibration_test(
    r: *const cvm_churn_report, out_has_test: *mut bool, out_statistic: *mut f64,
    out_degrees_of_freedom: *mut usize, out_p_value: *mut f64,
) -> cvm_status {
    ffi_guard!({
        let t = unsafe { handle(r, "report") }?.0.calibration_test;
        unsafe {
            put(out_has_test, t.is_some());
            put(out_statistic, t.map_or(0.0, |t| t.statistic));
            put(out_degrees_of_freedom, t.map_or(0, |t| t.degrees_of_freedom));
            put(out_p_value, t.map_or(0.0, |t| t.p_value));
        }
        Ok(())
    })
}

/// A gains table (bins by score, highest first) of `side` (`CVM_CHURN_SIDE_SCORE` or
/// `CVM_CHURN_SIDE_BASELINE`), one value per bin into each non-NULL array of `n` elements:
/// customers, churners, cumulative share of churners captured, lift. Errors: unknown `side`
/// (`CVM_STATUS_UNKNOWN_NAME`); the baseline side of a report without one
/// (`CVM_STATUS_INVALID_VALUE`, field `side`); `n` not the number of bins.
///
/// # Safety
/// `r` live; non-NULL arrays have room for `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_report_gains(
    r: *const cvm_churn_report, side: u32, count: *mut usize, churners: *mut usize,
    cumulative_share: *mut f64, lift: *mut f64, n: usize,
) -> cvm_status {
    ffi_guard!({
        let r = &unsafe { handle(r, "report") }?.0;
        let t: &[GainsBin] = match side {
            CVM_CHURN_SIDE_SCORE => &r.gains,
            CVM_CHURN_SIDE_BASELINE => match &r.baseline {
                Some(b) => &b.gains,
                None => return Err(Error::invalid("side", "the report has no baseline").into()),
            },
            _ => {
                let valid = ["0 (score)", "1 (baseline)"];
                return Err(Error::unknown_name("side", side.to_string(), &valid).into());
            }
        };
        unsafe {
            write_column(t.iter().map(|b| b.count), count, n)?;
            write_column(t.iter().map(|b| b.churners), churners, n)?;
            write_column(t.iter().map(|b| b.cumulative_share), cumulative_share, n)?;
            write_column(t.iter().map(|b| b.lift), lift, n)
        }
    })
}

/// Writes `value` through `out` unless it is NULL.
///
/// # Safety
/// `out` NULL or valid for writes.
unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: non-NULL and valid per the caller.
        unsafe { out.write(value) };
    }
}

/// Writes one table column into `out` (skipped when NULL; `n` must equal the number of bins).
///
/// # Safety
/// `out` NULL or with room for `n` values.
unsafe fn write_column<T: Copy>(
    values: impl Iterator<Item = T>, out: *mut T, n: usize,
) -> FfiResult<()> {
    if out.is_null() {
        return Ok(());
    }
    let v: Vec<T> = values.collect();
    unsafe { write_array(&v, out, n, "n") }
}
