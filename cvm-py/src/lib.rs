//! The native module `cvm._cvm`: thin bindings over `cvm-core`. The public API is the pure-Python
//! package `cvm`; every function here converts inputs, calls the core (without the GIL), maps errors
//! and wraps results.

use pyo3::prelude::*;

mod alloc;
mod churn;
mod conversion;
mod covariates;
mod decision;
mod errors;
mod fee;
mod lifetime2;
mod loyalty;
mod model_methods;
mod models;
mod pool;
mod selection;
mod summary;
mod value;

/// No input may reach a panic; should one happen, the guard every binding runs in
/// ([`errors::call`]) turns it into `cvm.CvmError` carrying the message. The default hook would
/// also print it to the host's stderr: this extension's hook (its own copy of std, so other Rust
/// code in the process is unaffected) prints nothing.
fn silence_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|_| {})));
}

/// The native module.
#[pymodule]
fn _cvm(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", cvm_core::VERSION)?;
    pool::record_main_thread(m.py())?;
    silence_panics();
    m.add_function(wrap_pyfunction!(summary::summarize, m)?)?;
    m.add_function(wrap_pyfunction!(summary::compress, m)?)?;
    m.add_function(wrap_pyfunction!(summary::rfm_segments, m)?)?;
    m.add_function(wrap_pyfunction!(summary::default_segment_table_json, m)?)?;
    m.add_class::<models::PyModel>()?;
    m.add_function(wrap_pyfunction!(models::simulate_model, m)?)?;
    value::register(m)?;
    lifetime2::register(m)?;
    selection::register(m)?;
    loyalty::register(m)?;
    fee::register(m)?;
    decision::register(m)?;
    churn::register(m)?;
    covariates::register(m)?;
    Ok(())
}
