//! Lifetime-model bindings: one native class over `cvm_core::models::AnyModel`.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::models::{
    calibration_holdout_table, repeat_histogram, AnyModel, ModelKind, SimulationOptions,
    SummaryData,
};

use crate::conversion::{
    array, fit_options, histories, interval_arrays, opt_slice, optional_time_unit, slice,
    IntervalArrays,
};
use crate::errors::{call, detach, IntoPyResult};
use crate::model_methods::model_pymethods;

/// A fitted (or parameterised) BG/NBD, MBG/NBD or Pareto/NBD model. Immutable.
#[derive(Debug)]
#[pyclass(module = "cvm._cvm", name = "Model", frozen)]
pub struct PyModel {
    inner: AnyModel,
}

impl PyModel {
    /// The wrapped core model.
    pub(crate) fn inner(&self) -> &AnyModel {
        &self.inner
    }
}

fn kind(name: &str) -> PyResult<ModelKind> {
    ModelKind::parse(name, "model").py()
}

type Arr<'py> = PyReadonlyArray1<'py, f64>;
/// Two arrays of one length (lower and upper bounds, or two predictions).
type ArrayPair<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);

model_pymethods! {
    PyModel, AnyModel;
    /// Fits a model by maximum likelihood; `time_unit` (the unit of recency and T, or None) is
    /// recorded by the model.
    #[staticmethod]
    #[pyo3(signature = (model, frequency, recency, t, weights=None, penalizer=0.0, max_iterations=None, tolerance=None, initial=None, time_unit=None))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        model: &str,
        frequency: Arr<'_>,
        recency: Arr<'_>,
        t: Arr<'_>,
        weights: Option<Arr<'_>>,
        penalizer: f64,
        max_iterations: Option<usize>,
        tolerance: Option<f64>,
        initial: Option<Vec<f64>>,
        time_unit: Option<&str>,
    ) -> PyResult<Self> {
        call(|| {
            let k = kind(model)?;
            let (f, r, tt) =
                (slice(&frequency, "frequency")?, slice(&recency, "recency")?, slice(&t, "T")?);
            let w = opt_slice(&weights, "weights")?;
            let options = fit_options(penalizer, max_iterations, tolerance, initial, time_unit)?;
            let inner = detach(py, || {
                let data = SummaryData::new(f, r, tt, w)?;
                AnyModel::fit(k, &data, &options)
            })?;
            Ok(PyModel { inner })
        })
    }

    /// A model with known parameters (in the papers' order), its data in `time_unit` (or None).
    #[staticmethod]
    #[pyo3(signature = (model, params, time_unit=None))]
    fn from_params(model: &str, params: Vec<f64>, time_unit: Option<&str>) -> PyResult<Self> {
        call(|| {
            let unit = optional_time_unit(time_unit, "time_unit")?;
            let inner = AnyModel::from_params(kind(model)?, &params).py()?.with_time_unit(unit);
            Ok(PyModel { inner })
        })
    }

    /// `bg_nbd`, `mbg_nbd` or `pareto_nbd`.
    #[getter]
    fn kind(&self) -> PyResult<&'static str> {
        call(|| Ok(self.inner.kind().as_str()))
    }

    /// Parameter names, in order.
    #[getter]
    fn param_names(&self) -> PyResult<Vec<&'static str>> {
        call(|| Ok(self.inner.as_model().param_names().to_vec()))
    }

    /// Parameter values, in order.
    #[getter]
    fn params(&self) -> PyResult<Vec<f64>> {
        call(|| Ok(self.inner.as_model().params()))
    }

    /// Expected purchases in (T, T+horizon].
    fn conditional_expected_purchases<'py>(
        &self,
        py: Python<'py>,
        horizon: f64,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = self.inner.as_model();
            let v = detach(py, || m.conditional_expected_purchases(horizon, f, r, tt))?;
            Ok(array(py, v))
        })
    }

    /// P(alive) at T.
    fn probability_alive<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = self.inner.as_model();
            let v = detach(py, || m.probability_alive(f, r, tt))?;
            Ok(array(py, v))
        })
    }

    /// P(alive) at T and expected purchases in (T, T+horizon], in one pass: (alive, expected).
    fn probability_alive_and_expected_purchases<'py>(
        &self,
        py: Python<'py>,
        horizon: f64,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
    ) -> PyResult<ArrayPair<'py>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = self.inner.as_model();
            let (p, e) = detach(py, || m.probability_alive_and_expected_purchases(horizon, f, r, tt))?;
            Ok((array(py, p), array(py, e)))
        })
    }

    /// P(alive) with its delta-method interval: (estimate, lower, upper).
    fn probability_alive_interval<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
        level: f64,
    ) -> PyResult<IntervalArrays<'py>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = self.inner.as_model();
            let band = detach(py, || m.probability_alive_interval(f, r, tt, level))?;
            Ok(interval_arrays(py, band))
        })
    }

    /// The expected purchases in (T, T+horizon] with their delta-method interval:
    /// (estimate, lower, upper).
    fn conditional_expected_purchases_interval<'py>(
        &self,
        py: Python<'py>,
        horizon: f64,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
        level: f64,
    ) -> PyResult<IntervalArrays<'py>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = self.inner.as_model();
            let band =
                detach(py, || m.conditional_expected_purchases_interval(horizon, f, r, tt, level))?;
            Ok(interval_arrays(py, band))
        })
    }

    /// Expected purchases of a new customer in (0, horizon] for each horizon (the error names
    /// the Python argument, `t`).
    fn expected_purchases_new_customer<'py>(
        &self,
        py: Python<'py>,
        horizon: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let tt = slice(&horizon, "t")?;
            let m = self.inner.as_model();
            Ok(array(py, detach(py, || m.expected_purchases_new_customer(tt))?))
        })
    }

    /// P(X(horizon) = n) for a new customer.
    fn probability_of_n_purchases(&self, n: u64, horizon: f64) -> PyResult<f64> {
        call(|| self.inner.probability_of_n_purchases(horizon, n).py())
    }

    /// Per-customer log-likelihood.
    fn log_likelihood_individual<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = self.inner.as_model();
            Ok(array(py, detach(py, || m.log_likelihood_individual(f, r, tt))?))
        })
    }

    /// Expected cumulative repeat transactions of a cohort at calendar times.
    fn expected_cumulative_transactions<'py>(
        &self,
        py: Python<'py>,
        birth: Arr<'py>,
        times: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (b, ts) = (slice(&birth, "birth")?, slice(&times, "times")?);
            let m = self.inner.as_model();
            Ok(array(py, detach(py, || m.expected_cumulative_transactions(b, ts))?))
        })
    }

    /// Discounted expected residual transactions (Pareto/NBD), continuous rate `delta`.
    fn dert<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
        delta: f64,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = &self.inner;
            Ok(array(py, detach(py, || m.dert(f, r, tt, delta))?))
        })
    }

    /// P(X(T, T + t) = n | history) per customer (Pareto/NBD).
    fn conditional_probability_of_n_purchases<'py>(
        &self,
        py: Python<'py>,
        n: u64,
        t: f64,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let m = &self.inner;
            Ok(array(py, detach(py, || m.conditional_probability_of_n_purchases(t, n, f, r, tt))?))
        })
    }

    /// Calibration-vs-holdout table: dict of arrays.
    #[allow(clippy::too_many_arguments)] // the Python method's arguments, one by one
    fn calibration_holdout_table<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        t_cal: Arr<'py>,
        frequency_holdout: Arr<'py>,
        duration_holdout: f64,
        max_frequency: u64,
    ) -> PyResult<Bound<'py, PyDict>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let h = slice(&frequency_holdout, "frequency_holdout")?;
            let m = self.inner.as_model();
            let table = detach(py, || {
                calibration_holdout_table(m, f, r, tt, h, duration_holdout, max_frequency)
            })?;
            let d = PyDict::new(py);
            d.set_item("frequency", array(py, table.frequency))?;
            d.set_item("n_customers", array(py, table.n_customers))?;
            d.set_item("actual", array(py, table.actual))?;
            d.set_item("predicted", array(py, table.predicted))?;
            Ok(d)
        })
    }

    /// Repeat-transaction histogram, actual vs expected, with a chi-square statistic.
    fn repeat_histogram<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        t_cal: Arr<'py>,
        max_count: u64,
    ) -> PyResult<Bound<'py, PyDict>> {
        call(|| {
            let (f, tt) = (slice(&frequency, "frequency")?, slice(&t_cal, "T")?);
            let m = self.inner.as_model();
            let h = detach(py, || repeat_histogram(m, f, tt, max_count))?;
            let d = PyDict::new(py);
            d.set_item("count", array(py, h.count))?;
            d.set_item("actual", array(py, h.actual))?;
            d.set_item("expected", array(py, h.expected))?;
            d.set_item("chi_square", h.chi_square)?;
            d.set_item("degrees_of_freedom", h.degrees_of_freedom)?;
            Ok(d)
        })
    }
}

/// Simulates a cohort from a model with known parameters: dict of arrays.
#[pyfunction]
#[pyo3(signature = (model, params, n_customers, calibration_end, birth_window=0.0, holdout_length=0.0, seed=42, transactions=false))]
#[allow(clippy::too_many_arguments)]
pub fn simulate_model<'py>(
    py: Python<'py>, model: &str, params: Vec<f64>, n_customers: usize, calibration_end: f64,
    birth_window: f64, holdout_length: f64, seed: u64, transactions: bool,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let options = SimulationOptions::default()
            .with_n_customers(n_customers)
            .with_calibration_end(calibration_end)
            .with_birth_window(birth_window)
            .with_holdout_length(holdout_length)
            .with_seed(seed)
            .with_transactions(transactions);
        let m = AnyModel::from_params(kind(model)?, &params).py()?;
        let cohort = detach(py, || m.simulate(&options))?;
        let d = PyDict::new(py);
        d.set_item("frequency", array(py, cohort.frequency))?;
        d.set_item("recency", array(py, cohort.recency))?;
        d.set_item("T", array(py, cohort.t))?;
        d.set_item("birth", array(py, cohort.birth))?;
        d.set_item("frequency_holdout", array(py, cohort.holdout_frequency))?;
        if let (Some(c), Some(t)) = (cohort.transaction_customer, cohort.transaction_time) {
            d.set_item("transaction_customer", array(py, c))?;
            d.set_item("transaction_time", array(py, t))?;
        }
        Ok(d)
    })
}
