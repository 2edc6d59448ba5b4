//! Every conversion between Python/numpy values and core types lives here.

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::clv::{ClvOptions, ClvResult};
use cvm_core::models::{FitOptions, PredictionInterval};
use cvm_core::{TextColumn, TimeUnit};

use crate::errors::IntoPyResult;

/// Borrows a contiguous 1-D numpy array as a slice (no copy).
pub fn slice<'a, T: numpy::Element>(
    arr: &'a PyReadonlyArray1<'_, T>, field: &str,
) -> PyResult<&'a [T]> {
    arr.as_slice().map_err(|_| {
        let what = if arr.is_contiguous() { "aligned" } else { "C-contiguous" };
        crate::errors::to_py(cvm_core::Error::invalid(field, format!("array must be {what}")))
    })
}

/// The three customer columns of a transaction model's prediction, `(frequency, recency, T)`,
/// borrowed as slices (no copy).
pub fn histories<'a>(
    frequency: &'a PyReadonlyArray1<'_, f64>, recency: &'a PyReadonlyArray1<'_, f64>,
    t_cal: &'a PyReadonlyArray1<'_, f64>,
) -> PyResult<(&'a [f64], &'a [f64], &'a [f64])> {
    Ok((slice(frequency, "frequency")?, slice(recency, "recency")?, slice(t_cal, "T")?))
}

/// Optional array → optional slice.
pub fn opt_slice<'a, T: numpy::Element>(
    arr: &'a Option<PyReadonlyArray1<'_, T>>, field: &str,
) -> PyResult<Option<&'a [T]>> {
    arr.as_ref().map(|a| slice(a, field)).transpose()
}

/// Length check helper for arrays whose length must match.
#[allow(dead_code)]
pub fn len_of<T: numpy::Element>(arr: &PyReadonlyArray1<'_, T>) -> usize {
    arr.len()
}

/// A name (time unit, method, policy, …) → its core enum, the error naming `field` and listing
/// the valid names.
pub fn name<T: std::str::FromStr<Err = cvm_core::Error>>(text: &str, field: &str) -> PyResult<T> {
    cvm_core::names::parse_field(text, field).py()
}

/// Unit name ("D", "W", "M", "Y") → [`cvm_core::TimeUnit`], the error listing valid names.
pub fn time_unit(text: &str, field: &str) -> PyResult<TimeUnit> {
    name(text, field)
}

/// An optional unit name (`None`: no unit) → `Option<TimeUnit>`.
pub fn optional_time_unit(name: Option<&str>, field: &str) -> PyResult<Option<TimeUnit>> {
    name.map(|n| time_unit(n, field)).transpose()
}

/// A recorded unit → its one-letter name, `None` for none.
pub fn time_unit_name(unit: Option<TimeUnit>) -> Option<&'static str> {
    unit.map(TimeUnit::as_str)
}

/// Fit options from the Python arguments (`None`: the core's default); `time_unit` is the unit
/// of the data, recorded by the fitted model.
pub fn fit_options(
    penalizer: f64, max_iterations: Option<usize>, tolerance: Option<f64>,
    initial: Option<Vec<f64>>, time_unit: Option<&str>,
) -> PyResult<FitOptions> {
    let d = FitOptions::default();
    let mut o = FitOptions::default()
        .with_penalizer(penalizer)
        .with_max_iterations(max_iterations.unwrap_or(d.max_iterations))
        .with_tolerance(tolerance.unwrap_or(d.tolerance));
    o.initial = initial;
    o.time_unit = optional_time_unit(time_unit, "time_unit")?;
    Ok(o)
}

/// The text arguments of a CLV call, as the C ABI reads them (`cvm-ffi`'s `clv_options`).
#[derive(Debug, Clone, Copy)]
pub struct ClvArgs<'a> {
    /// Horizon in `time_unit`.
    pub horizon: f64,
    /// Unit of the horizon and the discount rate.
    pub time_unit: &'a str,
    /// Unit of the customer columns; `None`: the transaction model's.
    pub data_time_unit: Option<&'a str>,
    /// Effective discount rate per `time_unit`.
    pub discount_rate: f64,
    /// Profit margin.
    pub margin: f64,
    /// `continuous` or `lifetimes`.
    pub method: &'a str,
    /// Confidence level of the intervals, if any.
    pub level: Option<f64>,
}

/// CLV options for a transaction model recording `model_unit` and a spend model recording
/// `spend_unit`: names and values checked as [`ClvOptions::from_names`] does; then the unit of
/// the data, `data_time_unit` or else the model's, resolved by
/// [`ClvOptions::resolve_data_time_unit`] (a contradiction, or no unit on either side, is an
/// error on `data_time_unit` — also with the lifetimes method, whose step depends on it, as in
/// C); then a spend model fitted on data in another unit is an error on `spend_model`.
pub fn clv_options(
    a: ClvArgs<'_>, model_unit: Option<TimeUnit>, spend_unit: Option<TimeUnit>,
) -> PyResult<ClvOptions> {
    let given = optional_time_unit(a.data_time_unit, "data_time_unit")?;
    // The lifetimes convention picks its step from the data's unit: the one given, else the
    // model's; without either any unit serves to check the other options, and the resolution
    // below reports the missing one.
    let step_unit = given.or(model_unit).unwrap_or(TimeUnit::Week);
    let mut o = ClvOptions::from_names(
        a.horizon,
        a.time_unit,
        step_unit.as_str(),
        a.discount_rate,
        a.margin,
        a.method,
        a.level,
    )
    .py()?;
    let mut probe = ClvOptions::default();
    probe.data_time_unit = given;
    let data_unit = probe.resolve_data_time_unit(model_unit).py()?;
    if let (Some(data), Some(spend)) = (data_unit, spend_unit) {
        if data != spend {
            let (d, s) = (data.as_str(), spend.as_str());
            return Err(cvm_core::Error::invalid(
                "spend_model",
                format!(
                    "the spend model records {s} for its data, but the customer data are in {d}; \
                     fit both models on the same summary, or pass \
                     spend_model.with_time_unit(\"{d}\")"
                ),
            ))
            .py();
        }
    }
    o.data_time_unit = given;
    Ok(o)
}

/// A CLV result as a dict of arrays: `clv`, `expected_discounted_purchases`, `expected_spend`,
/// and `lower`, `upper` with intervals.
pub fn clv_dict(py: Python<'_>, result: ClvResult) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("clv", array(py, result.value))?;
    d.set_item("expected_discounted_purchases", array(py, result.discounted_purchases))?;
    d.set_item("expected_spend", array(py, result.expected_spend))?;
    if let (Some(lo), Some(hi)) = (result.lower, result.upper) {
        d.set_item("lower", array(py, lo))?;
        d.set_item("upper", array(py, hi))?;
    }
    Ok(d)
}

/// A core [`TextColumn`] as `(codes, texts)`: a numpy array of codes (`uintp`) and the list of
/// texts they index, each distinct text a Python `str` once (Python builds the column by
/// indexing, `_convert.coded_text`).
pub fn text_codes<'py>(
    py: Python<'py>, column: TextColumn,
) -> (Bound<'py, PyArray1<usize>>, Vec<String>) {
    let (codes, texts) = column.into_parts();
    (array(py, codes), texts)
}

/// Position of `x` in `all` (a core enum's `ALL`) as a `u8` code.
pub fn code_of<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|a| a == x).expect("every value is listed") as u8
}

/// `Vec` → numpy array (takes ownership, no copy).
pub fn array<'py, T: numpy::Element>(py: Python<'py>, v: Vec<T>) -> Bound<'py, PyArray1<T>> {
    v.into_pyarray(py)
}

/// The `(estimate, lower, upper)` arrays of a prediction interval.
pub type IntervalArrays<'py> =
    (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);

/// A core prediction interval as `(estimate, lower, upper)` NumPy arrays (moved, not copied).
pub fn interval_arrays(py: Python<'_>, band: PredictionInterval) -> IntervalArrays<'_> {
    (array(py, band.estimate), array(py, band.lower), array(py, band.upper))
}
