//! Python bindings of the `lifetime2` area: Gamma-Gamma, BG/BB, shifted-beta-geometric and
//! probabilistic CLV. Conversions only; every rule lives in `cvm_core`.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::clv::customer_lifetime_value;
use cvm_core::models::{
    frequency_monetary_correlation as core_correlation, BgBb, BgBbParams, GammaGamma,
    GammaGammaParams, SbgParams, ShiftedBetaGeometric, TransactionModel,
};

use crate::conversion::{
    array, clv_dict, clv_options, fit_options, interval_arrays, opt_slice, optional_time_unit,
    slice, ClvArgs, IntervalArrays,
};
use crate::errors::{call, detach, IntoPyResult};
use crate::model_methods::model_pymethods;
use crate::models::PyModel;

type Arr<'py> = PyReadonlyArray1<'py, f64>;
/// Two arrays: a simulation's `(frequency, recency)`.
type ArrayPair<'py> = PyResult<(Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>)>;

/// The `#[pymethods]` block of a fitted (or parameterised) model class `$py` wrapping the core
/// model `$core` (parameters `$params`, named `$names`): [`model_pymethods`] plus construction
/// from parameters and the parameters, then the class's own methods.
macro_rules! fitted_model_pymethods {
    ($py:ident, $core:ty, $params:ty, $names:literal; $($own:tt)*) => {
        model_pymethods! { $py, $core;
            #[doc = concat!("A model with known parameters `", $names, "`, its data in `time_unit` (or None).")]
            #[staticmethod]
            #[pyo3(signature = (params, time_unit=None))]
            fn from_params(params: Vec<f64>, time_unit: Option<&str>) -> PyResult<Self> {
                call(|| {
                    let unit = optional_time_unit(time_unit, "time_unit")?;
                    let p = <$params>::from_slice(&params).py()?;
                    Ok($py { inner: <$core>::from_params(p).py()?.with_time_unit(unit) })
                })
            }

            #[doc = concat!("Parameter values `", $names, "`.")]
            #[getter]
            fn params(&self) -> PyResult<Vec<f64>> {
                call(|| Ok(self.inner.params().to_vec()))
            }

            $($own)*
        }
    };
}

// ------------------------------------------------------------------------------ Gamma-Gamma

/// A fitted (or parameterised) Gamma-Gamma spend model. Immutable.
#[derive(Debug)]
#[pyclass(module = "cvm._cvm", name = "GammaGammaModel", frozen)]
pub struct PyGammaGamma {
    inner: GammaGamma,
}

impl PyGammaGamma {
    /// The wrapped core model.
    pub(crate) fn inner(&self) -> &GammaGamma {
        &self.inner
    }
}

fitted_model_pymethods! {
    PyGammaGamma, GammaGamma, GammaGammaParams, "[p, q, gamma]";
    /// Fits on (frequency, monetary_value) by maximum likelihood (repeat buyers only).
    #[staticmethod]
    #[pyo3(signature = (frequency, monetary_value, weights=None, penalizer=0.0, max_iterations=None, tolerance=None, initial=None, time_unit=None))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        frequency: Arr<'_>,
        monetary_value: Arr<'_>,
        weights: Option<Arr<'_>>,
        penalizer: f64,
        max_iterations: Option<usize>,
        tolerance: Option<f64>,
        initial: Option<Vec<f64>>,
        time_unit: Option<&str>,
    ) -> PyResult<Self> {
        call(|| {
            let (f, z) =
                (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
            let w = opt_slice(&weights, "weights")?;
            let o = fit_options(penalizer, max_iterations, tolerance, initial, time_unit)?;
            let inner = detach(py, || GammaGamma::fit(f, z, w, &o))?;
            Ok(PyGammaGamma { inner })
        })
    }

    /// True when q > 1 (finite population mean spend).
    #[getter]
    fn has_finite_mean(&self) -> PyResult<bool> {
        call(|| Ok(self.inner.has_finite_mean()))
    }

    /// Population mean spend p·gamma/(q−1); NumericalError when q ≤ 1.
    fn population_mean_spend(&self) -> PyResult<f64> {
        call(|| self.inner.population_mean_spend().py())
    }

    /// Expected spend per transaction of each customer.
    fn conditional_expected_average_spend<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        monetary_value: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, z) =
                (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
            let model = &self.inner;
            Ok(array(py, detach(py, || model.conditional_expected_average_spend(f, z))?))
        })
    }

    /// The expected spend with its delta-method interval: (estimate, lower, upper).
    fn conditional_expected_average_spend_interval<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        monetary_value: Arr<'py>,
        level: f64,
    ) -> PyResult<IntervalArrays<'py>> {
        call(|| {
            let (f, z) =
                (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
            let model = &self.inner;
            let band =
                detach(py, || model.conditional_expected_average_spend_interval(f, z, level))?;
            Ok(interval_arrays(py, band))
        })
    }

    /// Per-customer log-likelihood (0 for customers without repeat purchases).
    fn log_likelihood_individual<'py>(
        &self,
        py: Python<'py>,
        frequency: Arr<'py>,
        monetary_value: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, z) =
                (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
            let model = &self.inner;
            Ok(array(py, detach(py, || model.log_likelihood_individual(f, z))?))
        })
    }
}

/// Weighted Pearson correlation of frequency and mean spend over the repeat buyers.
#[pyfunction]
#[pyo3(signature = (frequency, monetary_value, weights=None))]
pub fn frequency_monetary_correlation(
    py: Python<'_>, frequency: Arr<'_>, monetary_value: Arr<'_>, weights: Option<Arr<'_>>,
) -> PyResult<f64> {
    call(|| {
        let (f, z) = (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
        let w = opt_slice(&weights, "weights")?;
        detach(py, || core_correlation(f, z, w))
    })
}

// ------------------------------------------------------------------------------------ BG/BB

/// A fitted (or parameterised) BG/BB model. Immutable.
#[derive(Debug)]
#[pyclass(module = "cvm._cvm", name = "BgBbModel", frozen)]
pub struct PyBgBb {
    inner: BgBb,
}

impl PyBgBb {
    /// The wrapped core model.
    pub(crate) fn inner(&self) -> &BgBb {
        &self.inner
    }
}

fn histories<'a>(
    f: &'a Arr<'_>, r: &'a Arr<'_>, n: &'a Arr<'_>,
) -> PyResult<(&'a [f64], &'a [f64], &'a [f64])> {
    Ok((slice(f, "frequency")?, slice(r, "recency")?, slice(n, "n_periods")?))
}

fitted_model_pymethods! {
    PyBgBb, BgBb, BgBbParams, "[alpha, beta, gamma, delta]";
    /// Fits on histories (frequency, recency, n_periods) by maximum likelihood.
    #[staticmethod]
    #[pyo3(signature = (frequency, recency, n_periods, weights=None, penalizer=0.0, max_iterations=None, tolerance=None, initial=None, time_unit=None))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        frequency: Arr<'_>,
        recency: Arr<'_>,
        n_periods: Arr<'_>,
        weights: Option<Arr<'_>>,
        penalizer: f64,
        max_iterations: Option<usize>,
        tolerance: Option<f64>,
        initial: Option<Vec<f64>>,
        time_unit: Option<&str>,
    ) -> PyResult<Self> {
        call(|| {
            let (f, r, n) = histories(&frequency, &recency, &n_periods)?;
            let w = opt_slice(&weights, "weights")?;
            let o = fit_options(penalizer, max_iterations, tolerance, initial, time_unit)?;
            let inner = detach(py, || BgBb::fit(f, r, n, w, &o))?;
            Ok(PyBgBb { inner })
        })
    }

    /// P(alive at opportunity n + m).
    fn conditional_probability_alive<'py>(
        &self,
        py: Python<'py>,
        m: u64,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        n_periods: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, n) = histories(&frequency, &recency, &n_periods)?;
            let model = &self.inner;
            Ok(array(py, detach(py, || model.conditional_probability_alive(m, f, r, n))?))
        })
    }

    /// Expected transactions in the next m opportunities.
    fn conditional_expected_transactions<'py>(
        &self,
        py: Python<'py>,
        m: u64,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        n_periods: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, n) = histories(&frequency, &recency, &n_periods)?;
            let model = &self.inner;
            Ok(array(py, detach(py, || model.conditional_expected_transactions(m, f, r, n))?))
        })
    }

    /// The expected transactions in the next m opportunities with their delta-method interval:
    /// (estimate, lower, upper).
    fn conditional_expected_transactions_interval<'py>(
        &self,
        py: Python<'py>,
        m: f64,
        frequency: Arr<'py>,
        recency: Arr<'py>,
        n_periods: Arr<'py>,
        level: f64,
    ) -> PyResult<IntervalArrays<'py>> {
        call(|| {
            let (f, r, n) = histories(&frequency, &recency, &n_periods)?;
            let model = &self.inner;
            let band =
                detach(py, || model.conditional_expected_purchases_interval(m, f, r, n, level))?;
            Ok(interval_arrays(py, band))
        })
    }

    /// Expected transactions of a new customer in the first n opportunities.
    fn expected_transactions_new_customer(&self, n: u64) -> PyResult<f64> {
        call(|| Ok(self.inner.expected_transactions_new_customer(n)))
    }

    /// P(X(n) = x) for a new customer.
    fn probability_of_n_transactions(&self, x: u64, n: u64) -> PyResult<f64> {
        call(|| Ok(self.inner.probability_of_n_transactions(x, n)))
    }

    /// Seeded simulation of `n_customers` histories over `n_periods` opportunities:
    /// `(frequency, recency)` arrays.
    fn simulate<'py>(
        &self,
        py: Python<'py>,
        n_customers: usize,
        n_periods: u64,
        seed: u64,
    ) -> ArrayPair<'py> {
        call(|| {
            let model = &self.inner;
            let (x, tx) = detach(py, || model.simulate(n_customers, n_periods, seed))?;
            Ok((array(py, x), array(py, tx)))
        })
    }

    /// Log-likelihood of (weighted) histories at these parameters.
    #[pyo3(signature = (frequency, recency, n_periods, weights=None))]
    fn log_likelihood(
        &self,
        py: Python<'_>,
        frequency: Arr<'_>,
        recency: Arr<'_>,
        n_periods: Arr<'_>,
        weights: Option<Arr<'_>>,
    ) -> PyResult<f64> {
        call(|| {
            let (f, r, n) = histories(&frequency, &recency, &n_periods)?;
            let (model, w) = (&self.inner, opt_slice(&weights, "weights")?);
            detach(py, || model.log_likelihood(f, r, n, w))
        })
    }
}

// -------------------------------------------------------------------------------------- sBG

/// A fitted (or parameterised) shifted-beta-geometric model. Immutable.
#[derive(Debug)]
#[pyclass(module = "cvm._cvm", name = "SbgModel", frozen)]
pub struct PySbg {
    inner: ShiftedBetaGeometric,
}

fitted_model_pymethods! {
    PySbg, ShiftedBetaGeometric, SbgParams, "[alpha, beta]";
    /// Fits on a cohort's survival counts.
    #[staticmethod]
    #[pyo3(signature = (alive, penalizer=0.0, max_iterations=None, tolerance=None, initial=None, time_unit=None))]
    fn fit_cohort(
        alive: Arr<'_>,
        penalizer: f64,
        max_iterations: Option<usize>,
        tolerance: Option<f64>,
        initial: Option<Vec<f64>>,
        time_unit: Option<&str>,
    ) -> PyResult<Self> {
        call(|| {
            let a = slice(&alive, "alive")?;
            let o = fit_options(penalizer, max_iterations, tolerance, initial, time_unit)?;
            Ok(PySbg { inner: ShiftedBetaGeometric::fit_cohort(a, &o).py()? })
        })
    }

    /// Fits on per-customer durations with a still-active flag.
    #[staticmethod]
    #[pyo3(signature = (duration, still_active, weights=None, penalizer=0.0, max_iterations=None, tolerance=None, initial=None, time_unit=None))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>,
        duration: Arr<'_>,
        still_active: Arr<'_>,
        weights: Option<Arr<'_>>,
        penalizer: f64,
        max_iterations: Option<usize>,
        tolerance: Option<f64>,
        initial: Option<Vec<f64>>,
        time_unit: Option<&str>,
    ) -> PyResult<Self> {
        call(|| {
            let (d, a) = (slice(&duration, "duration")?, slice(&still_active, "still_active")?);
            let w = opt_slice(&weights, "weights")?;
            let o = fit_options(penalizer, max_iterations, tolerance, initial, time_unit)?;
            let inner = detach(py, || ShiftedBetaGeometric::fit(d, a, w, &o))?;
            Ok(PySbg { inner })
        })
    }

    /// Log-likelihood of a cohort's survival counts at these parameters.
    fn log_likelihood_cohort(&self, alive: Arr<'_>) -> PyResult<f64> {
        call(|| self.inner.log_likelihood_cohort(slice(&alive, "alive")?).py())
    }

    /// S(t) for whole periods t ≥ 0.
    fn survival<'py>(&self, py: Python<'py>, t: Arr<'py>) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| Ok(array(py, self.inner.survival(slice(&t, "t")?).py()?)))
    }

    /// P(T = t) for periods t ≥ 1.
    fn churn_probability<'py>(
        &self,
        py: Python<'py>,
        t: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| Ok(array(py, self.inner.churn_probability(slice(&t, "t")?).py()?)))
    }

    /// Retention rate r(t) for periods t ≥ 1.
    fn retention_rate<'py>(
        &self,
        py: Python<'py>,
        t: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| Ok(array(py, self.inner.retention_rate(slice(&t, "t")?).py()?)))
    }

    /// S(0), …, S(n_periods).
    fn survival_curve<'py>(
        &self,
        py: Python<'py>,
        n_periods: usize,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| Ok(array(py, self.inner.survival_curve(n_periods))))
    }

    /// r(1), …, r(n_periods).
    fn retention_curve<'py>(
        &self,
        py: Python<'py>,
        n_periods: usize,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| Ok(array(py, self.inner.retention_curve(n_periods))))
    }

    /// DERL of customers who have renewed `renewals` times.
    fn derl<'py>(
        &self,
        py: Python<'py>,
        discount_rate: f64,
        renewals: Arr<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (model, n) = (&self.inner, slice(&renewals, "renewals")?);
            Ok(array(py, detach(py, || model.derl(discount_rate, n))?))
        })
    }

    /// Discounted expected lifetime value of a new customer.
    fn expected_lifetime_value(&self, margin: f64, discount_rate: f64) -> PyResult<f64> {
        call(|| self.inner.expected_lifetime_value(margin, discount_rate).py())
    }
}

// -------------------------------------------------------------------------------------- CLV

/// Probabilistic CLV: dict of arrays `clv`, `expected_discounted_purchases`, `expected_spend`
/// (and `lower`, `upper` with a level). `transaction_model` is a `Model` or a `BgBbModel`;
/// `data_time_unit` None means the unit the transaction model records (see
/// [`crate::conversion::clv_options`]).
#[pyfunction]
#[pyo3(signature = (transaction_model, spend_model, frequency, recency, t, monetary_value, horizon=12.0, time_unit="M", data_time_unit=None, discount_rate=0.01, margin=1.0, method="continuous", level=None))]
#[allow(clippy::too_many_arguments)]
pub fn customer_lifetime_value_native<'py>(
    py: Python<'py>, transaction_model: &Bound<'py, PyAny>, spend_model: PyRef<'py, PyGammaGamma>,
    frequency: Arr<'py>, recency: Arr<'py>, t: Arr<'py>, monetary_value: Arr<'py>, horizon: f64,
    time_unit: &str, data_time_unit: Option<&str>, discount_rate: f64, margin: f64, method: &str,
    level: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let bgbb = transaction_model.cast::<PyBgBb>().ok();
        let model: &dyn TransactionModel = if let Ok(m) = transaction_model.cast::<PyModel>() {
            m.get().inner().as_model()
        } else if let Some(m) = &bgbb {
            &m.get().inner
        } else {
            return Err(cvm_core::Error::invalid(
                "transaction_model",
                "expected a fitted BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom model",
            ))
            .py();
        };
        let spend = &spend_model.inner;
        let args =
            ClvArgs { horizon, time_unit, data_time_unit, discount_rate, margin, method, level };
        let o = clv_options(args, model.time_unit(), spend.time_unit())?;
        let t_field = if bgbb.is_some() { "n_periods" } else { "T" };
        let (f, r, tt) =
            (slice(&frequency, "frequency")?, slice(&recency, "recency")?, slice(&t, t_field)?);
        let z = slice(&monetary_value, "monetary_value")?;
        let result = detach(py, || customer_lifetime_value(model, spend, f, r, tt, z, &o))?;
        clv_dict(py, result)
    })
}

/// The canonical one-letter name of a time unit ("D", "W", "M", "Y"; the core's spellings are
/// accepted), or UnknownNameError naming `field`.
#[pyfunction]
pub fn canonical_time_unit(name: &str, field: &str) -> PyResult<&'static str> {
    call(|| Ok(crate::conversion::time_unit(name, field)?.as_str()))
}

/// Adds this area's classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyGammaGamma>()?;
    m.add_class::<PyBgBb>()?;
    m.add_class::<PySbg>()?;
    m.add_function(wrap_pyfunction!(frequency_monetary_correlation, m)?)?;
    m.add_function(wrap_pyfunction!(customer_lifetime_value_native, m)?)?;
    m.add_function(wrap_pyfunction!(canonical_time_unit, m)?)?;
    Ok(())
}
