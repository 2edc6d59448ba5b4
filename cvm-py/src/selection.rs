//! Python bindings of the `selection` area.

use pyo3::prelude::*;

/// Adds this area's classes and functions to the native module.
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
