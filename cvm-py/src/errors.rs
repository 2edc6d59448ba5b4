//! Core errors → Python exceptions (`cvm.exceptions`), one class per variant.

use pyo3::prelude::*;

/// The `cvm.exceptions` class name for each core error variant (exhaustive).
pub fn class_name(e: &cvm_core::Error) -> &'static str {
    use cvm_core::Error as E;
    match e {
        E::Empty { .. } => "EmptyInputError",
        E::LengthMismatch { .. } => "LengthMismatchError",
        E::InvalidValue { .. } => "InvalidValueError",
        E::UnknownName { .. } => "UnknownNameError",
        E::NotConverged { .. } => "ConvergenceError",
        E::Numerical { .. } => "NumericalError",
        E::Json { .. } => "SerializationError",
        E::NotIdentified { .. } => "NotIdentifiedError",
        _ => "CvmError",
    }
}

/// Builds the Python exception for a core error, with `field`, `index` and variant details as
/// attributes.
pub fn to_py(e: cvm_core::Error) -> PyErr {
    Python::attach(|py| match build(py, &e) {
        Ok(err) => err,
        Err(err) => err,
    })
}

fn build(py: Python<'_>, e: &cvm_core::Error) -> PyResult<PyErr> {
    use cvm_core::Error as E;
    let module = py.import("cvm.exceptions")?;
    let cls = module.getattr(class_name(e))?;
    let inst = cls.call1((e.to_string(),))?;
    inst.setattr("field", e.field())?;
    inst.setattr("index", e.index())?;
    match e {
        E::LengthMismatch { expected, got, .. } => {
            inst.setattr("expected", expected)?;
            inst.setattr("got", got)?;
        }
        E::UnknownName { value, valid, .. } => {
            inst.setattr("value", value)?;
            inst.setattr("valid", valid.clone())?;
        }
        E::NotConverged { iterations, gradient_norm, log_likelihood, params, .. } => {
            inst.setattr("iterations", iterations)?;
            inst.setattr("gradient_norm", gradient_norm)?;
            inst.setattr("log_likelihood", log_likelihood)?;
            inst.setattr("params", params.clone())?;
        }
        _ => {}
    }
    Ok(PyErr::from_value(inst))
}

/// `Result` → `PyResult`.
pub trait IntoPyResult<T> {
    /// Maps the error with [`to_py`].
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for cvm_core::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
