//! Bindings of the covariate models (`cvm_core::models::covariates`): one native class over
//! `CovariateModel` — fit (transaction models and Gamma-Gamma), per-customer predictions and
//! their intervals, the likelihood-ratio test, JSON. Conversions only; every rule lives in the
//! core.
//!
//! The covariates of a process come from Python as a list of columns, in the order of the
//! customers: `(name, values)` with float64 values for a numeric column, `(name, codes, levels,
//! reference)` for a categorical one (int64 codes into `levels`, −1 for a missing value; the
//! reference level, or `None` for the core's default).

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::clv::covariates::{customer_lifetime_value, SpendSide, TransactionSide};
use cvm_core::models::covariates::{
    fit, fit_spend, Column, CovariateModel, CovariateOptions, Covariates, ProcessCovariates,
};
use cvm_core::models::ModelKind;

use crate::conversion::{
    array, clv_dict, clv_options, fit_options, histories, interval_arrays, slice, ClvArgs,
    IntervalArrays,
};
use crate::errors::{call, detach, IntoPyResult};
use crate::lifetime2::{PyBgBb, PyGammaGamma};
use crate::model_methods::diagnostics_dict;
use crate::models::PyModel;

type Arr<'py> = PyReadonlyArray1<'py, f64>;

/// One covariate column from Python.
#[derive(FromPyObject)]
enum ColumnArg<'py> {
    /// `(name, float64 values)`.
    Numeric(String, Arr<'py>),
    /// `(name, int64 codes, levels, reference level or None)`.
    Categorical(String, PyReadonlyArray1<'py, i64>, Vec<String>, Option<String>),
}

/// A categorical column of a fitted model: `(process prefix, column, levels, reference)`.
type Levels = (&'static str, String, Vec<String>, String);

/// The columns of one process, `None` when the process has none.
type ProcessArg<'py> = Option<Vec<ColumnArg<'py>>>;

/// The columns of one process as core covariates (one row per customer).
fn covariates(columns: &[ColumnArg<'_>]) -> PyResult<Covariates> {
    let columns = columns
        .iter()
        .map(|c| {
            Ok(match c {
                ColumnArg::Numeric(name, v) => Column::numeric(name, slice(v, name)?),
                ColumnArg::Categorical(name, codes, levels, reference) => {
                    let col = Column::categorical_codes(name, slice(codes, name)?, levels);
                    match reference {
                        Some(r) => col.with_reference(r),
                        None => col,
                    }
                }
            })
        })
        .collect::<PyResult<Vec<Column>>>()?;
    Covariates::from_columns(columns).py()
}

/// The covariates of each process given.
fn processes(
    transaction: &ProcessArg<'_>, lifetime: &ProcessArg<'_>, spend: &ProcessArg<'_>,
) -> PyResult<ProcessCovariates> {
    let one = |p: &ProcessArg<'_>| p.as_ref().map(|c| covariates(c)).transpose();
    Ok(ProcessCovariates {
        transaction: one(transaction)?,
        lifetime: one(lifetime)?,
        spend: one(spend)?,
    })
}

/// Covariate options from the Python arguments.
fn options(
    l2: f64, shared: Vec<String>, penalizer: f64, max_iterations: Option<usize>,
    tolerance: Option<f64>, time_unit: Option<&str>,
) -> PyResult<CovariateOptions> {
    let fit = fit_options(penalizer, max_iterations, tolerance, None, time_unit)?;
    Ok(CovariateOptions::default().with_fit(fit).with_l2(l2).with_shared(&shared))
}

/// A model fitted with covariates (Pareto/NBD, BG/NBD, MBG/NBD, BG/BB or Gamma-Gamma).
/// Immutable.
#[derive(Debug)]
#[pyclass(module = "cvm._cvm", name = "CovariateModel", frozen)]
pub struct PyCovariateModel {
    inner: CovariateModel,
}

#[pymethods]
impl PyCovariateModel {
    /// Fits a transaction model (`pareto_nbd`, `bg_nbd`, `mbg_nbd`, `bg_bb`: then `t` is the
    /// number of opportunities) with transaction and lifetime covariates.
    #[staticmethod]
    #[pyo3(signature = (model, frequency, recency, t, transaction=None, lifetime=None, l2=0.0, shared=vec![], penalizer=0.0, max_iterations=None, tolerance=None, time_unit=None))]
    #[allow(clippy::too_many_arguments)]
    fn fit(
        py: Python<'_>, model: &str, frequency: Arr<'_>, recency: Arr<'_>, t: Arr<'_>,
        transaction: ProcessArg<'_>, lifetime: ProcessArg<'_>, l2: f64, shared: Vec<String>,
        penalizer: f64, max_iterations: Option<usize>, tolerance: Option<f64>,
        time_unit: Option<&str>,
    ) -> PyResult<Self> {
        call(|| {
            let kind = ModelKind::parse(model, "model").py()?;
            let (f, r, tt) = histories(&frequency, &recency, &t)?;
            let cov = processes(&transaction, &lifetime, &None)?;
            let o = options(l2, shared, penalizer, max_iterations, tolerance, time_unit)?;
            let inner = detach(py, || fit(kind, f, r, tt, &cov, &o))?;
            Ok(PyCovariateModel { inner })
        })
    }

    /// Fits the Gamma-Gamma spend model with spend covariates.
    #[staticmethod]
    #[pyo3(signature = (frequency, monetary_value, spend, l2=0.0, penalizer=0.0, max_iterations=None, tolerance=None, time_unit=None))]
    #[allow(clippy::too_many_arguments)]
    fn fit_spend(
        py: Python<'_>, frequency: Arr<'_>, monetary_value: Arr<'_>, spend: ProcessArg<'_>,
        l2: f64, penalizer: f64, max_iterations: Option<usize>, tolerance: Option<f64>,
        time_unit: Option<&str>,
    ) -> PyResult<Self> {
        call(|| {
            let (f, m) =
                (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
            let cov = processes(&None, &None, &spend)?;
            let o = options(l2, vec![], penalizer, max_iterations, tolerance, time_unit)?;
            let inner = detach(py, || fit_spend(f, m, &cov, &o))?;
            Ok(PyCovariateModel { inner })
        })
    }

    /// Reads a covariate model document.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        call(|| Ok(PyCovariateModel { inner: CovariateModel::from_json(text).py()? }))
    }

    /// The versioned JSON document.
    fn to_json(&self) -> PyResult<String> {
        call(|| self.inner.to_json().py())
    }

    /// `pareto_nbd`, `bg_nbd`, `mbg_nbd`, `bg_bb` or `gamma_gamma`.
    #[getter]
    fn kind(&self) -> PyResult<&'static str> {
        call(|| Ok(self.inner.kind().as_str()))
    }

    /// Parameter names: the base parameters, then the coefficients.
    #[getter]
    fn param_names(&self) -> PyResult<Vec<String>> {
        call(|| Ok(self.inner.names().to_vec()))
    }

    /// The base parameters (natural scale), then the coefficients.
    #[getter]
    fn params(&self) -> PyResult<Vec<f64>> {
        call(|| Ok(self.inner.params().to_vec()))
    }

    /// Number of base parameters.
    #[getter]
    fn n_base(&self) -> PyResult<usize> {
        call(|| Ok(self.inner.n_base()))
    }

    /// The unit of the model's data ("D", "W", "M", "Y"), or None.
    #[getter]
    fn time_unit(&self) -> PyResult<Option<&'static str>> {
        call(|| Ok(crate::conversion::time_unit_name(self.inner.time_unit())))
    }

    /// Fit diagnostics as a dict.
    #[getter]
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        call(|| diagnostics_dict(py, Some(self.inner.diagnostics())))
    }

    /// The log-likelihood of the plain model on the same customers.
    #[getter]
    fn plain_log_likelihood(&self) -> PyResult<f64> {
        call(|| Ok(self.inner.plain_log_likelihood()))
    }

    /// The L2 penalty on the coefficients.
    #[getter]
    fn l2(&self) -> PyResult<f64> {
        call(|| Ok(self.inner.l2()))
    }

    /// The covariate columns of each process: `[(prefix, [column, …]), …]`.
    #[getter]
    fn columns(&self) -> PyResult<Vec<(&'static str, Vec<String>)>> {
        call(|| Ok(self.inner.columns().into_iter().map(|(p, c)| (p.prefix(), c)).collect()))
    }

    /// The categorical columns: `[(prefix, column, levels, reference), …]`.
    #[getter]
    fn levels(&self) -> PyResult<Vec<Levels>> {
        call(|| {
            let levels = self.inner.levels().into_iter();
            Ok(levels.map(|(p, c, l, r)| (p.prefix(), c, l, r)).collect())
        })
    }

    /// The covariance of `(ln base parameters, γ)`, or None.
    #[getter]
    fn log_covariance(&self) -> PyResult<Option<Vec<Vec<f64>>>> {
        call(|| Ok(self.inner.log_covariance().map(<[Vec<f64>]>::to_vec)))
    }

    /// Standard errors (base parameters by the delta method, coefficients directly), or None.
    #[getter]
    fn standard_errors(&self) -> PyResult<Option<Vec<f64>>> {
        call(|| Ok(self.inner.log_covariance().and_then(|_| self.inner.standard_errors().ok())))
    }

    /// Confidence intervals at `level` (base parameters on the log scale, coefficients
    /// symmetric).
    fn confidence_intervals(&self, level: f64) -> PyResult<Vec<(f64, f64)>> {
        call(|| self.inner.confidence_intervals(level).py())
    }

    /// The likelihood-ratio test against the plain model: `(statistic, df, p_value)`.
    fn likelihood_ratio_test(&self) -> PyResult<(f64, usize, f64)> {
        call(|| {
            let t = self.inner.likelihood_ratio_test();
            Ok((t.statistic, t.df, t.p_value))
        })
    }

    /// Each customer's natural parameters (rows) from their covariates.
    #[pyo3(signature = (n, transaction=None, lifetime=None, spend=None))]
    fn customer_params(
        &self, py: Python<'_>, n: usize, transaction: ProcessArg<'_>, lifetime: ProcessArg<'_>,
        spend: ProcessArg<'_>,
    ) -> PyResult<Vec<Vec<f64>>> {
        call(|| {
            let cov = processes(&transaction, &lifetime, &spend)?;
            detach(py, || self.inner.customer_params(n, &cov))
        })
    }

    /// Each customer's log-likelihood at that customer's parameters (`b` is recency or the
    /// mean spend, `c` T or the opportunities; 0s for the Gamma-Gamma).
    #[pyo3(signature = (a, b, c, transaction=None, lifetime=None, spend=None))]
    #[allow(clippy::too_many_arguments)]
    fn log_likelihood_individual<'py>(
        &self, py: Python<'py>, a: Arr<'py>, b: Arr<'py>, c: Arr<'py>,
        transaction: ProcessArg<'py>, lifetime: ProcessArg<'py>, spend: ProcessArg<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (a, b, c) = (slice(&a, "frequency")?, slice(&b, "recency")?, slice(&c, "T")?);
            let cov = processes(&transaction, &lifetime, &spend)?;
            Ok(array(py, detach(py, || self.inner.log_likelihood_individual(a, b, c, &cov))?))
        })
    }

    /// Expected spend per transaction of each customer at that customer's parameters (a
    /// Gamma-Gamma with spend covariates).
    #[pyo3(signature = (frequency, monetary_value, spend=None))]
    fn conditional_expected_average_spend<'py>(
        &self, py: Python<'py>, frequency: Arr<'py>, monetary_value: Arr<'py>,
        spend: ProcessArg<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, z) =
                (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
            let cov = processes(&None, &None, &spend)?;
            let m = &self.inner;
            Ok(array(py, detach(py, || m.conditional_expected_average_spend(f, z, &cov))?))
        })
    }

    /// Expected spend with its delta-method interval: (estimate, lower, upper).
    #[pyo3(signature = (frequency, monetary_value, level, spend=None))]
    fn conditional_expected_average_spend_interval<'py>(
        &self, py: Python<'py>, frequency: Arr<'py>, monetary_value: Arr<'py>, level: f64,
        spend: ProcessArg<'py>,
    ) -> PyResult<IntervalArrays<'py>> {
        call(|| {
            let (f, z) =
                (slice(&frequency, "frequency")?, slice(&monetary_value, "monetary_value")?);
            let cov = processes(&None, &None, &spend)?;
            let m = &self.inner;
            let band =
                detach(py, || m.conditional_expected_average_spend_interval(f, z, &cov, level))?;
            Ok(interval_arrays(py, band))
        })
    }

    /// P(alive) of each customer at that customer's parameters.
    #[pyo3(signature = (frequency, recency, t_cal, transaction=None, lifetime=None))]
    fn probability_alive<'py>(
        &self, py: Python<'py>, frequency: Arr<'py>, recency: Arr<'py>, t_cal: Arr<'py>,
        transaction: ProcessArg<'py>, lifetime: ProcessArg<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let cov = processes(&transaction, &lifetime, &None)?;
            Ok(array(py, detach(py, || self.inner.probability_alive(f, r, tt, &cov))?))
        })
    }

    /// Expected purchases of each customer in (T, T + horizon].
    #[pyo3(signature = (horizon, frequency, recency, t_cal, transaction=None, lifetime=None))]
    #[allow(clippy::too_many_arguments)]
    fn conditional_expected_purchases<'py>(
        &self, py: Python<'py>, horizon: f64, frequency: Arr<'py>, recency: Arr<'py>,
        t_cal: Arr<'py>, transaction: ProcessArg<'py>, lifetime: ProcessArg<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let cov = processes(&transaction, &lifetime, &None)?;
            let m = &self.inner;
            Ok(array(py, detach(py, || m.conditional_expected_purchases(horizon, f, r, tt, &cov))?))
        })
    }

    /// P(alive) with its delta-method interval: (estimate, lower, upper).
    #[pyo3(signature = (frequency, recency, t_cal, level, transaction=None, lifetime=None))]
    #[allow(clippy::too_many_arguments)]
    fn probability_alive_interval<'py>(
        &self, py: Python<'py>, frequency: Arr<'py>, recency: Arr<'py>, t_cal: Arr<'py>,
        level: f64, transaction: ProcessArg<'py>, lifetime: ProcessArg<'py>,
    ) -> PyResult<IntervalArrays<'py>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let cov = processes(&transaction, &lifetime, &None)?;
            let m = &self.inner;
            let band = detach(py, || m.probability_alive_interval(f, r, tt, &cov, level))?;
            Ok(interval_arrays(py, band))
        })
    }

    /// Expected purchases in (T, T + horizon] with their delta-method interval.
    #[pyo3(signature = (horizon, frequency, recency, t_cal, level, transaction=None, lifetime=None))]
    #[allow(clippy::too_many_arguments)]
    fn conditional_expected_purchases_interval<'py>(
        &self, py: Python<'py>, horizon: f64, frequency: Arr<'py>, recency: Arr<'py>,
        t_cal: Arr<'py>, level: f64, transaction: ProcessArg<'py>, lifetime: ProcessArg<'py>,
    ) -> PyResult<IntervalArrays<'py>> {
        call(|| {
            let (f, r, tt) = histories(&frequency, &recency, &t_cal)?;
            let cov = processes(&transaction, &lifetime, &None)?;
            let m = &self.inner;
            let band = detach(py, || {
                m.conditional_expected_purchases_interval(horizon, f, r, tt, &cov, level)
            })?;
            Ok(interval_arrays(py, band))
        })
    }

    /// P(X(horizon) = n) for a new customer with each row's covariates.
    #[pyo3(signature = (horizon, n, n_customers, transaction=None, lifetime=None))]
    fn probability_of_n_purchases<'py>(
        &self, py: Python<'py>, horizon: f64, n: u64, n_customers: usize,
        transaction: ProcessArg<'py>, lifetime: ProcessArg<'py>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        call(|| {
            let cov = processes(&transaction, &lifetime, &None)?;
            let m = &self.inner;
            Ok(array(
                py,
                detach(py, || m.probability_of_n_purchases(horizon, n, n_customers, &cov))?,
            ))
        })
    }
}

/// CLV per customer from a transaction model and a spend model, either or both fitted with
/// covariates, at each customer's parameters: dict of arrays (`clv`,
/// `expected_discounted_purchases`, `expected_spend`, and `lower`, `upper` with `level`).
#[pyfunction]
#[pyo3(signature = (transaction_model, spend_model, frequency, recency, t, monetary_value, transaction=None, lifetime=None, spend=None, horizon=12.0, time_unit="M", data_time_unit=None, discount_rate=0.01, margin=1.0, method="continuous", level=None))]
#[allow(clippy::too_many_arguments)]
fn customer_lifetime_value_covariates<'py>(
    py: Python<'py>, transaction_model: &Bound<'py, PyAny>, spend_model: &Bound<'py, PyAny>,
    frequency: Arr<'py>, recency: Arr<'py>, t: Arr<'py>, monetary_value: Arr<'py>,
    transaction: ProcessArg<'py>, lifetime: ProcessArg<'py>, spend: ProcessArg<'py>, horizon: f64,
    time_unit: &str, data_time_unit: Option<&str>, discount_rate: f64, margin: f64, method: &str,
    level: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let (tc, tp, tb) = (
            transaction_model.cast::<PyCovariateModel>().ok(),
            transaction_model.cast::<PyModel>().ok(),
            transaction_model.cast::<PyBgBb>().ok(),
        );
        let (transaction_side, unit, discrete) = if let Some(m) = &tc {
            let m = &m.get().inner;
            (TransactionSide::Covariates(m), m.time_unit(), m.kind() == ModelKind::BgBb)
        } else if let Some(m) = &tp {
            let m = m.get().inner().as_model();
            (TransactionSide::Plain(m), m.time_unit(), false)
        } else if let Some(m) = &tb {
            (TransactionSide::Plain(m.get().inner()), m.get().inner().time_unit(), true)
        } else {
            let reason =
                "expected a fitted BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom model";
            return Err(cvm_core::Error::invalid("transaction_model", reason)).py();
        };
        let (sc, sp) =
            (spend_model.cast::<PyCovariateModel>().ok(), spend_model.cast::<PyGammaGamma>().ok());
        let (spend_side, spend_unit) = if let Some(m) = &sc {
            (SpendSide::Covariates(&m.get().inner), m.get().inner.time_unit())
        } else if let Some(m) = &sp {
            (SpendSide::Plain(m.get().inner()), m.get().inner().time_unit())
        } else {
            let reason = "expected a fitted GammaGamma model";
            return Err(cvm_core::Error::invalid("spend_model", reason)).py();
        };
        let args =
            ClvArgs { horizon, time_unit, data_time_unit, discount_rate, margin, method, level };
        let o = clv_options(args, unit, spend_unit)?;
        let t_field = if discrete { "n_periods" } else { "T" };
        let (f, r, tt) =
            (slice(&frequency, "frequency")?, slice(&recency, "recency")?, slice(&t, t_field)?);
        let z = slice(&monetary_value, "monetary_value")?;
        let cov = processes(&transaction, &lifetime, &spend)?;
        let result = detach(py, || {
            customer_lifetime_value(transaction_side, spend_side, f, r, tt, z, &cov, &o)
        })?;
        clv_dict(py, result)
    })
}

/// Registers the class and the CLV function.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCovariateModel>()?;
    m.add_function(wrap_pyfunction!(customer_lifetime_value_covariates, m)?)
}
