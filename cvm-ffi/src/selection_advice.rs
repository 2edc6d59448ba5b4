//! What an evaluation advises beyond the decision: the service strategy of each customer and
//! the warnings about the result (one decision for nearly everybody).
//!
//! The strings returned are owned by the evaluation (do not free them) and live as long as it.

use std::ffi::c_char;
use std::ptr;

use cvm_core::Error;

use crate::selection::cvm_evaluation;
use crate::{cvm_status, ffi_guard, handle, write_out};

/// The service strategy of customer `row` (the first entry of the rules' `strategies` for the
/// customer's decision whose condition holds), e.g. `"try hard to maintain; build switching
/// barriers"` for an influential elastic customer; NULL when none applies, for a NULL
/// evaluation or a row out of range. Owned by the evaluation.
///
/// # Safety
/// `e` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_strategy(
    e: *const cvm_evaluation, row: usize,
) -> *const c_char {
    let Some(e) = (unsafe { e.as_ref() }) else { return ptr::null() };
    if row >= e.ev.len() {
        return ptr::null();
    }
    let Some(text) = e.ev.strategy(row) else { return ptr::null() };
    let k = e.ev.rules().strategies.iter().position(|s| ptr::eq(s.strategy.as_str(), text));
    k.map_or(ptr::null(), |k| e.strategy_texts[k].as_ptr())
}

/// Number of warnings about the evaluation (0 for NULL): 1 when more than 90 % of at least 10
/// customers got one decision (the rules do not separate the data), else 0.
///
/// # Safety
/// `e` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_warning_count(e: *const cvm_evaluation) -> usize {
    unsafe { e.as_ref() }.map_or(0, |e| e.warnings.len())
}

/// Warning `k` (0-based): the decision code most customers got (as in
/// `cvm_evaluation_decision_codes`), how many got it and their share, written to the outputs
/// given (each may be NULL); the message is `cvm_evaluation_warning_message`.
///
/// Errors: `CVM_STATUS_NULL_POINTER` (`evaluation`); `CVM_STATUS_INVALID_VALUE` (field
/// `warning`, index `k`) for `k` out of range.
///
/// # Safety
/// `e` live; each output NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_warning(
    e: *const cvm_evaluation, k: usize, decision_code: *mut u16, count: *mut usize, share: *mut f64,
) -> cvm_status {
    ffi_guard!({
        let e = unsafe { handle(e, "evaluation") }?;
        let Some((w, _)) = e.warnings.get(k) else {
            let n = e.warnings.len();
            return Err(Error::invalid_at("warning", k, format!("out of range (0..{n})")).into());
        };
        if !decision_code.is_null() {
            unsafe { write_out(decision_code, w.code, "decision_code") }?;
        }
        if !count.is_null() {
            unsafe { write_out(count, w.count, "count") }?;
        }
        if !share.is_null() {
            unsafe { write_out(share, w.share, "share") }?;
        }
        Ok(())
    })
}

/// The message of warning `k`, e.g. `"2357 of 2357 customers (100%) got \`review\`: …"`; NULL
/// for NULL or `k` out of range. Owned by the evaluation.
///
/// # Safety
/// `e` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_warning_message(
    e: *const cvm_evaluation, k: usize,
) -> *const c_char {
    let Some(e) = (unsafe { e.as_ref() }) else { return ptr::null() };
    e.warnings.get(k).map_or(ptr::null(), |(_, m)| m.as_ptr())
}
