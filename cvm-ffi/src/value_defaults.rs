//! `cvm_*_default()` of the value area's configuration structs, so that every options struct of
//! the C API has one (the structs also document that zero-initialisation gives the same values).

use std::ptr;

use crate::value::{
    cvm_cashflow, cvm_decomposition_inputs, cvm_series, cvm_value_matrix_options,
    CVM_MATRIX_STRATEGIES_SOURCE, CVM_PERIODS_INFINITE, CVM_RETENTION_PRESENT, CVM_SERIES_DEFAULT,
    CVM_TIMING_END,
};

/// A series of kind `CVM_SERIES_DEFAULT`: the member's documented default (or "not used").
fn default_series() -> cvm_series {
    cvm_series {
        kind: CVM_SERIES_DEFAULT,
        value: 0.0,
        values: ptr::null(),
        n_values: 0,
        n_periods: 0,
    }
}

/// The default cash-flow configuration (equal to a zero-initialised one): no revenue yet (set
/// `revenue`, which is required), no cost, margin 1, retention 1, no acquisition cost, discount
/// rate 0, infinite horizon, end-of-period cash flows, customer present in period 1.
#[no_mangle]
pub extern "C" fn cvm_cashflow_default() -> cvm_cashflow {
    cvm_cashflow {
        revenue: default_series(),
        cost: default_series(),
        margin: default_series(),
        retention: default_series(),
        acquisition_cost: default_series(),
        discount_rate: 0.0,
        periods: CVM_PERIODS_INFINITE,
        timing: CVM_TIMING_END,
        convention: CVM_RETENTION_PRESENT,
    }
}

/// The default decomposition inputs (equal to zero-initialised ones): every component 0 until
/// given.
#[no_mangle]
pub extern "C" fn cvm_decomposition_inputs_default() -> cvm_decomposition_inputs {
    cvm_decomposition_inputs {
        realised: ptr::null(),
        n_realised: 0,
        realised_periods: 0,
        realised_rate: 0.0,
        potential: ptr::null(),
        n_potential: 0,
        potential_cashflow: ptr::null(),
        influence: ptr::null(),
        n_influence: 0,
        referrals: default_series(),
        conversion: default_series(),
        referral_value: default_series(),
        satisfaction: ptr::null(),
        plain_referrals: false,
    }
}

/// The default value-matrix options (equal to zero-initialised ones): the method's 2 × 2
/// matrix split at the medians, with its quadrant labels and strategies.
#[no_mangle]
pub extern "C" fn cvm_value_matrix_options_default() -> cvm_value_matrix_options {
    cvm_value_matrix_options {
        current_thresholds: ptr::null(),
        n_current_thresholds: 0,
        current_quantile: false,
        potential_thresholds: ptr::null(),
        n_potential_thresholds: 0,
        potential_quantile: false,
        labels: ptr::null(),
        n_labels: 0,
        strategies: ptr::null(),
        n_strategies: 0,
        strategy_set: CVM_MATRIX_STRATEGIES_SOURCE,
    }
}

/// Options of [`crate::value::cvm_closed_form_clv`]; start from
/// [`cvm_closed_form_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_closed_form_options {
    /// Number of periods (1 to 100,000), or `CVM_PERIODS_INFINITE` (0, the default).
    pub periods: usize,
    /// `CVM_TIMING_END` (default) or `CVM_TIMING_START`.
    pub timing: u32,
    /// `CVM_RETENTION_PRESENT` (default) or `CVM_RETENTION_SURVIVE`.
    pub convention: u32,
}

/// The default closed-form options (equal to zero-initialised ones): infinite horizon, cash
/// flows at the end of each period, the customer present in period 1.
#[no_mangle]
pub extern "C" fn cvm_closed_form_options_default() -> cvm_closed_form_options {
    cvm_closed_form_options {
        periods: CVM_PERIODS_INFINITE,
        timing: CVM_TIMING_END,
        convention: CVM_RETENTION_PRESENT,
    }
}
