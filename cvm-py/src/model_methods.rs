//! What every native model class shares — the model from or as a JSON document, its time unit,
//! diagnostics and covariance — written once for the classes of `models` and `lifetime2`.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::models::{Covariance, FitDiagnostics};

use crate::errors::IntoPyResult;

/// Fit diagnostics as a dict, or None.
pub(crate) fn diagnostics_dict<'py>(
    py: Python<'py>, d: Option<&FitDiagnostics>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some(d) = d else { return Ok(None) };
    let out = PyDict::new(py);
    out.set_item("log_likelihood", d.log_likelihood)?;
    out.set_item("aic", d.aic)?;
    out.set_item("bic", d.bic)?;
    out.set_item("iterations", d.iterations)?;
    out.set_item("gradient_norm", d.gradient_norm)?;
    out.set_item("converged", d.converged)?;
    out.set_item("n_obs", d.n_obs)?;
    out.set_item("penalizer", d.penalizer)?;
    Ok(Some(out))
}

/// Confidence intervals (formed on the log scale) at `level`; the no-covariance error otherwise.
pub(crate) fn intervals(cov: Option<&Covariance>, level: f64) -> PyResult<Vec<(f64, f64)>> {
    cov.ok_or_else(|| cvm_core::Error::no_covariance(None)).py()?.confidence_intervals(level).py()
}

/// The `#[pymethods]` block of a model class `$py` wrapping the core model `$core` in `inner`:
/// the methods every model class shares (JSON, time unit, diagnostics, covariance), then the
/// class's own methods (`$own`; PyO3 takes one `#[pymethods]` block per class). The invoking
/// module imports `errors::call` (every body is one `call(|| …)`, see `errors`' tests).
macro_rules! model_pymethods {
    ($py:ident, $core:ty; $($own:tt)*) => {
        #[pymethods]
        impl $py {
            /// The unit of the model's data ("D", "W", "M", "Y"), or None.
            #[getter]
            fn time_unit(&self) -> PyResult<Option<&'static str>> {
                call(|| Ok($crate::conversion::time_unit_name(self.inner.time_unit())))
            }

            /// The same model with its data in `time_unit` (None: no unit).
            #[pyo3(signature = (time_unit))]
            fn with_time_unit(&self, time_unit: Option<&str>) -> PyResult<Self> {
                call(|| {
                    let unit = $crate::conversion::optional_time_unit(time_unit, "time_unit")?;
                    Ok($py { inner: self.inner.clone().with_time_unit(unit) })
                })
            }

            /// Reads a model document.
            #[staticmethod]
            fn from_json(text: &str) -> PyResult<Self> {
                call(|| Ok($py { inner: <$core>::from_json(text).map_err($crate::errors::to_py)? }))
            }

            /// The versioned JSON document.
            fn to_json(&self) -> PyResult<String> {
                call(|| self.inner.to_json().map_err($crate::errors::to_py))
            }

            /// Fit diagnostics as a dict, or None.
            #[getter]
            fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, ::pyo3::types::PyDict>>> {
                call(|| $crate::model_methods::diagnostics_dict(py, self.inner.diagnostics()))
            }

            /// Covariance of the parameters (natural scale), or None.
            #[getter]
            fn covariance(&self) -> PyResult<Option<Vec<Vec<f64>>>> {
                call(|| Ok(self.inner.covariance().map(|c| c.matrix())))
            }

            /// Standard errors of the parameters, or None.
            #[getter]
            fn standard_errors(&self) -> PyResult<Option<Vec<f64>>> {
                call(|| Ok(self.inner.covariance().map(|c| c.standard_errors())))
            }

            /// Confidence intervals (formed on the log scale) at `level`.
            fn confidence_intervals(&self, level: f64) -> PyResult<Vec<(f64, f64)>> {
                call(|| $crate::model_methods::intervals(self.inner.covariance(), level))
            }

            $($own)*
        }
    };
}
pub(crate) use model_pymethods;
