//! Every conversion between Python/numpy values and core types lives here.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::errors::IntoPyResult;

/// Borrows a contiguous 1-D numpy array as a slice (no copy).
pub fn slice<'a, T: numpy::Element>(
    arr: &'a PyReadonlyArray1<'_, T>,
    field: &str,
) -> PyResult<&'a [T]> {
    arr.as_slice().map_err(|_| {
        crate::errors::to_py(cvm_core::Error::invalid(field, "array must be C-contiguous"))
    })
}

/// Optional array → optional slice.
pub fn opt_slice<'a, T: numpy::Element>(
    arr: &'a Option<PyReadonlyArray1<'_, T>>,
    field: &str,
) -> PyResult<Option<&'a [T]>> {
    arr.as_ref().map(|a| slice(a, field)).transpose()
}

/// Length check helper for arrays whose length must match.
#[allow(dead_code)]
pub fn len_of<T: numpy::Element>(arr: &PyReadonlyArray1<'_, T>) -> usize {
    arr.len()
}

/// Unit name ("D", "W", "M", "Y") → [`cvm_core::TimeUnit`], the error listing valid names.
pub fn time_unit(name: &str, field: &str) -> PyResult<cvm_core::TimeUnit> {
    cvm_core::TimeUnit::parse(name, field).py()
}

/// `Vec` → numpy array (takes ownership, no copy).
pub fn array<'py, T: numpy::Element>(py: Python<'py>, v: Vec<T>) -> Bound<'py, PyArray1<T>> {
    v.into_pyarray(py)
}
