//! Bindings of churn calibration (`ChurnCalibrator`) and evaluation (`churn_report`).

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::churn::{churn_report, CalibrationMethod, ChurnCalibrator, GainsBin};

use crate::conversion::{array, name, opt_slice, slice};
use crate::errors::{call, detach, IntoPyResult};

/// A fitted churn calibrator (isotonic or Platt). Immutable.
#[derive(Debug)]
#[pyclass(module = "cvm._cvm", name = "ChurnCalibrator", frozen)]
pub struct PyChurnCalibrator {
    inner: ChurnCalibrator,
}

#[pymethods]
impl PyChurnCalibrator {
    /// Fits on scores (higher = more likely to churn) and churned flags.
    #[staticmethod]
    #[pyo3(signature = (scores, churned, weights, method))]
    fn fit(
        py: Python<'_>, scores: PyReadonlyArray1<'_, f64>, churned: PyReadonlyArray1<'_, bool>,
        weights: Option<PyReadonlyArray1<'_, f64>>, method: &str,
    ) -> PyResult<Self> {
        call(|| {
            let m = name::<CalibrationMethod>(method, "method")?;
            let (s, c) = (slice(&scores, "scores")?, slice(&churned, "churned")?);
            let w = opt_slice(&weights, "weights")?;
            let inner = detach(py, || ChurnCalibrator::fit(s, c, w, m))?;
            Ok(PyChurnCalibrator { inner })
        })
    }

    /// Calibrated probabilities of `scores`.
    fn transform<'py>(
        &self, py: Python<'py>, scores: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, numpy::PyArray1<f64>>> {
        call(|| {
            let s = slice(&scores, "scores")?;
            Ok(array(py, detach(py, || self.inner.transform(s))?))
        })
    }

    /// Reads a versioned JSON document (errors carry the JSON path as `field`).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        call(|| Ok(PyChurnCalibrator { inner: ChurnCalibrator::from_json(text).py()? }))
    }

    /// The versioned JSON document.
    fn to_json(&self) -> PyResult<String> {
        call(|| Ok(self.inner.to_json()))
    }

    /// `"isotonic"` or `"platt"`.
    #[getter]
    fn method(&self) -> PyResult<&'static str> {
        call(|| Ok(self.inner.method().as_str()))
    }

    /// Isotonic blocks as columns (`None` for Platt).
    fn blocks<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        call(|| {
            let Some(b) = self.inner.blocks() else { return Ok(None) };
            let d = PyDict::new(py);
            d.set_item("score_min", array(py, b.iter().map(|b| b.score_min).collect()))?;
            d.set_item("score_max", array(py, b.iter().map(|b| b.score_max).collect()))?;
            d.set_item("score_mean", array(py, b.iter().map(|b| b.score_mean).collect()))?;
            d.set_item("probability", array(py, b.iter().map(|b| b.probability).collect()))?;
            d.set_item("weight", array(py, b.iter().map(|b| b.weight).collect()))?;
            Ok(Some(d))
        })
    }

    /// Platt's `(intercept, slope)` (`None` for isotonic).
    fn platt_params(&self) -> PyResult<Option<(f64, f64)>> {
        call(|| Ok(self.inner.platt_params()))
    }
}

/// A gains table as a dict of columns.
fn gains_dict<'py>(py: Python<'py>, g: &[GainsBin]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let col = |f: fn(&GainsBin) -> f64| array(py, g.iter().map(f).collect());
    d.set_item("count", array(py, g.iter().map(|b| b.count as i64).collect()))?;
    d.set_item("churners", array(py, g.iter().map(|b| b.churners as i64).collect()))?;
    d.set_item("score_min", col(|b| b.score_min))?;
    d.set_item("score_max", col(|b| b.score_max))?;
    d.set_item("churn_rate", col(|b| b.churn_rate))?;
    d.set_item("cumulative_share", col(|b| b.cumulative_share))?;
    d.set_item("lift", col(|b| b.lift))?;
    d.set_item("cumulative_lift", col(|b| b.cumulative_lift))?;
    Ok(d)
}

/// The churn report as a dict: `auc`, `brier`, `n`, `churners`, `calibration` and `gains`
/// (dicts of columns), `calibration_test` (`(statistic, degrees_of_freedom, p_value)` or None),
/// `baseline_auc` and `baseline_gains` (None without a baseline).
#[pyfunction]
#[pyo3(name = "churn_report", signature = (probability, churned, score, baseline, bins))]
fn churn_report_native<'py>(
    py: Python<'py>, probability: PyReadonlyArray1<'py, f64>, churned: PyReadonlyArray1<'py, bool>,
    score: Option<PyReadonlyArray1<'py, f64>>, baseline: Option<PyReadonlyArray1<'py, f64>>,
    bins: usize,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let p = slice(&probability, "probability")?;
        let c = slice(&churned, "churned")?;
        let (s, b) = (opt_slice(&score, "score")?, opt_slice(&baseline, "baseline")?);
        let r = detach(py, || churn_report(p, c, s, b, bins))?;
        let d = PyDict::new(py);
        d.set_item("n", r.n)?;
        d.set_item("churners", r.churners)?;
        d.set_item("auc", r.auc)?;
        d.set_item("brier", r.brier)?;
        let cal = PyDict::new(py);
        let t = &r.calibration;
        let col =
            |f: fn(&cvm_core::churn::CalibrationBin) -> f64| array(py, t.iter().map(f).collect());
        cal.set_item("count", array(py, t.iter().map(|b| b.count as i64).collect()))?;
        cal.set_item("predicted_min", col(|b| b.predicted_min))?;
        cal.set_item("predicted_max", col(|b| b.predicted_max))?;
        cal.set_item("mean_predicted", col(|b| b.mean_predicted))?;
        cal.set_item("observed_rate", col(|b| b.observed_rate))?;
        cal.set_item("difference", col(|b| b.difference))?;
        cal.set_item("standard_error", col(|b| b.standard_error))?;
        d.set_item("calibration", cal)?;
        let test = r.calibration_test.map(|t| (t.statistic, t.degrees_of_freedom, t.p_value));
        d.set_item("calibration_test", test)?;
        d.set_item("gains", gains_dict(py, &r.gains)?)?;
        match &r.baseline {
            Some(base) => {
                d.set_item("baseline_auc", base.auc)?;
                d.set_item("baseline_gains", gains_dict(py, &base.gains)?)?;
            }
            None => {
                d.set_item("baseline_auc", py.None())?;
                d.set_item("baseline_gains", py.None())?;
            }
        }
        Ok(d)
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyChurnCalibrator>()?;
    m.add_function(wrap_pyfunction!(churn_report_native, m)?)?;
    Ok(())
}
