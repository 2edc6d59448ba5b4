//! Python bindings of the `value` area: cash-flow CLV, value decomposition, value matrix and
//! whale curve.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::value::{
    cell_migration, closed_form_clv as core_closed_form, retention_from_survival as core_retention,
    value_matrix as core_matrix, value_path, whale_curve as core_whale, CashflowClv, CellState,
    Horizon, Influence, MigrationPolicy, MissingSatisfaction, Potential, Realised,
    RetentionConvention, Satisfaction, Scalar, Series, Thresholds, Timing, ValueDecomposition,
    ValueMatrix, WhaleOptions, QUADRANT_STRATEGIES_DETAILED,
};

use crate::conversion::{array, name, opt_slice, slice};
use crate::errors::{call, detach, IntoPyResult};

type Arr<'py> = PyReadonlyArray1<'py, f64>;

/// A per-period input as sent by `cvm.value`: `(kind, values, n_periods)` with kind one of
/// `"constant"` (values holds one element), `"schedule"`, `"per_customer"`, `"matrix"`.
type SeriesArg<'py> = (String, Arr<'py>, usize);

fn series<'a>(arg: &'a SeriesArg<'_>, field: &str) -> PyResult<Series<'a>> {
    let values = slice(&arg.1, field)?;
    Ok(match arg.0.as_str() {
        "constant" => Series::Constant(one(values, field)?),
        "schedule" => Series::Schedule(values),
        "per_customer" => Series::PerCustomer(values),
        "matrix" => Series::Matrix { values, n_periods: arg.2 },
        other => {
            return Err(cvm_core::Error::unknown_name(
                field,
                other,
                &["constant", "schedule", "per_customer", "matrix"],
            ))
            .py()
        }
    })
}

fn scalar<'a>(arg: &'a SeriesArg<'_>, field: &str) -> PyResult<Scalar<'a>> {
    let values = slice(&arg.1, field)?;
    Ok(match arg.0.as_str() {
        "constant" => Scalar::Constant(one(values, field)?),
        "per_customer" => Scalar::PerCustomer(values),
        other => {
            return Err(cvm_core::Error::unknown_name(field, other, &["constant", "per_customer"]))
                .py()
        }
    })
}

fn one(values: &[f64], field: &str) -> PyResult<f64> {
    match values {
        [x] => Ok(*x),
        _ => Err(cvm_core::Error::invalid(field, "a constant holds exactly one value")).py(),
    }
}

fn horizon(periods: Option<usize>) -> Horizon {
    Horizon::from_periods(periods)
}

/// The core configuration from the Python arguments.
#[allow(clippy::too_many_arguments)]
fn config<'a>(
    revenue: &'a SeriesArg<'_>, cost: &'a SeriesArg<'_>, margin: &'a SeriesArg<'_>,
    retention: &'a SeriesArg<'_>, acquisition_cost: &'a SeriesArg<'_>, discount_rate: f64,
    periods: Option<usize>, timing: &str, convention: &str,
) -> PyResult<CashflowClv<'a>> {
    Ok(CashflowClv {
        cost: series(cost, "cost")?,
        margin: series(margin, "margin")?,
        retention: series(retention, "retention")?,
        acquisition_cost: scalar(acquisition_cost, "acquisition_cost")?,
        timing: name::<Timing>(timing, "timing")?,
        convention: name::<RetentionConvention>(convention, "convention")?,
        ..CashflowClv::new(series(revenue, "revenue")?, discount_rate, horizon(periods))
    })
}

/// Cash-flow customer lifetime value of every customer (numpy array).
#[pyfunction]
#[pyo3(signature = (revenue, cost, margin, retention, acquisition_cost, discount_rate, periods, timing, convention))]
#[allow(clippy::too_many_arguments)]
pub fn cashflow_clv<'py>(
    py: Python<'py>, revenue: SeriesArg<'py>, cost: SeriesArg<'py>, margin: SeriesArg<'py>,
    retention: SeriesArg<'py>, acquisition_cost: SeriesArg<'py>, discount_rate: f64,
    periods: Option<usize>, timing: &str, convention: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    call(|| {
        let c = config(
            &revenue,
            &cost,
            &margin,
            &retention,
            &acquisition_cost,
            discount_rate,
            periods,
            timing,
            convention,
        )?;
        let v = detach(py, || c.compute())?;
        Ok(array(py, v))
    })
}

/// Per-period breakdown of one customer's value: a dict of columns plus `acquisition_cost`,
/// `tail_value` and `clv`.
#[pyfunction]
#[pyo3(signature = (revenue, cost, margin, retention, acquisition_cost, discount_rate, periods, timing, convention, customer, min_rows))]
#[allow(clippy::too_many_arguments)]
pub fn cashflow_breakdown<'py>(
    py: Python<'py>, revenue: SeriesArg<'py>, cost: SeriesArg<'py>, margin: SeriesArg<'py>,
    retention: SeriesArg<'py>, acquisition_cost: SeriesArg<'py>, discount_rate: f64,
    periods: Option<usize>, timing: &str, convention: &str, customer: usize, min_rows: usize,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let c = config(
            &revenue,
            &cost,
            &margin,
            &retention,
            &acquisition_cost,
            discount_rate,
            periods,
            timing,
            convention,
        )?;
        let b = detach(py, || c.breakdown_rows(customer, min_rows))?;
        let d = PyDict::new(py);
        let col = |f: fn(&cvm_core::value::PeriodRow) -> f64| -> Vec<f64> {
            b.rows.iter().map(f).collect()
        };
        d.set_item("period", array(py, b.rows.iter().map(|r| r.period as u64).collect()))?;
        d.set_item("revenue", array(py, col(|r| r.revenue)))?;
        d.set_item("cost", array(py, col(|r| r.cost)))?;
        d.set_item("margin", array(py, col(|r| r.margin)))?;
        d.set_item("contribution", array(py, col(|r| r.contribution)))?;
        d.set_item("survival", array(py, col(|r| r.survival)))?;
        d.set_item("discount_factor", array(py, col(|r| r.discount_factor)))?;
        d.set_item("present_value", array(py, col(|r| r.present_value)))?;
        d.set_item("cumulative", array(py, col(|r| r.cumulative)))?;
        d.set_item("acquisition_cost", b.acquisition_cost)?;
        d.set_item("tail_value", b.tail_value)?;
        d.set_item("clv", b.clv)?;
        Ok(d)
    })
}

/// Textbook `m / (1 + d − r)` and its variants.
#[pyfunction]
#[pyo3(signature = (margin, retention, discount_rate, periods, timing, convention))]
pub fn closed_form_clv(
    margin: f64, retention: f64, discount_rate: f64, periods: Option<usize>, timing: &str,
    convention: &str,
) -> PyResult<f64> {
    call(|| {
        let t = name::<Timing>(timing, "timing")?;
        let c = name::<RetentionConvention>(convention, "convention")?;
        core_closed_form(margin, retention, discount_rate, horizon(periods), t, c).py()
    })
}

/// Retention rates `S(t) / S(t − 1)` of row-major survival curves of `n_points` points each.
#[pyfunction]
pub fn retention_from_survival<'py>(
    py: Python<'py>, survival: Arr<'py>, n_points: usize,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    call(|| {
        let s = slice(&survival, "survival")?;
        Ok(array(py, core_retention(s, n_points).py()?))
    })
}

/// Realised + potential + influence value: a dict of four arrays.
#[pyfunction]
#[pyo3(signature = (realised, realised_periods, rate, potential, influence, referrals, conversion, referral_value, satisfaction=None, satisfaction_scale=(1.0, 5.0), satisfaction_threshold=4.0, satisfaction_missing="error", plain_referrals=false))]
#[allow(clippy::too_many_arguments)]
pub fn value_decomposition<'py>(
    py: Python<'py>, realised: Option<Arr<'py>>, realised_periods: Option<usize>, rate: f64,
    potential: Option<Arr<'py>>, influence: Option<Arr<'py>>, referrals: Option<SeriesArg<'py>>,
    conversion: Option<SeriesArg<'py>>, referral_value: Option<SeriesArg<'py>>,
    satisfaction: Option<Arr<'py>>, satisfaction_scale: (f64, f64), satisfaction_threshold: f64,
    satisfaction_missing: &str, plain_referrals: bool,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let realised = match (opt_slice(&realised, "realised")?, realised_periods) {
            (None, _) => Realised::Zero,
            (Some(v), None) => Realised::Total(v),
            (Some(v), Some(n)) => Realised::History { profit: v, n_periods: n, rate },
        };
        let potential =
            opt_slice(&potential, "potential")?.map_or(Potential::Zero, Potential::Given);
        let influence = match (opt_slice(&influence, "influence")?, &referrals) {
            (None, None) => Influence::Zero,
            (Some(v), None) => Influence::Given(v),
            (None, Some(r)) => {
                let required = |s: &Option<SeriesArg<'py>>, field: &str| -> PyResult<()> {
                    if s.is_none() {
                        Err(cvm_core::Error::invalid(field, "is required with `referrals`")).py()
                    } else {
                        Ok(())
                    }
                };
                required(&conversion, "conversion")?;
                required(&referral_value, "referral_value")?;
                let referrals = scalar(r, "referrals")?;
                let conversion = scalar(conversion.as_ref().expect("checked"), "conversion")?;
                let value = scalar(referral_value.as_ref().expect("checked"), "referral_value")?;
                match (opt_slice(&satisfaction, "satisfaction")?, plain_referrals) {
                    (Some(scores), false) => Influence::SatisfiedReferrals {
                        referrals,
                        conversion,
                        value,
                        satisfaction: Satisfaction {
                            scores,
                            min: satisfaction_scale.0,
                            max: satisfaction_scale.1,
                            threshold: satisfaction_threshold,
                            missing: name::<MissingSatisfaction>(
                                satisfaction_missing,
                                "satisfaction_missing",
                            )?,
                        },
                    },
                    (None, true) => Influence::Referrals { referrals, conversion, value },
                    (None, false) => {
                        return Err(cvm_core::Error::invalid(
                            "satisfaction",
                            "is required with `referrals`: influence value arises only when \
                             customers are highly satisfied (pass plain_referrals=True to count \
                             every customer)",
                        ))
                        .py()
                    }
                    (Some(_), true) => {
                        return Err(cvm_core::Error::invalid(
                            "plain_referrals",
                            "give either `satisfaction` or `plain_referrals=True`, not both",
                        ))
                        .py()
                    }
                }
            }
            (Some(_), Some(_)) => {
                return Err(cvm_core::Error::invalid(
                    "referrals",
                    "give either `influence` or `referrals`, not both",
                ))
                .py()
            }
        };
        if referrals.is_none() && (satisfaction.is_some() || plain_referrals) {
            return Err(cvm_core::Error::invalid(
                if plain_referrals { "plain_referrals" } else { "satisfaction" },
                "applies only to influence from `referrals`",
            ))
            .py();
        }
        let d = ValueDecomposition { realised, potential, influence };
        let r = detach(py, || d.compute())?;
        let out = PyDict::new(py);
        out.set_item("realised", array(py, r.realised().to_vec()))?;
        out.set_item("potential", array(py, r.potential().to_vec()))?;
        out.set_item("influence", array(py, r.influence().to_vec()))?;
        out.set_item("total", array(py, r.total().to_vec()))?;
        Ok(out)
    })
}

fn thresholds(cuts: Option<Vec<f64>>, quantile: bool, grid: Option<usize>) -> PyResult<Thresholds> {
    Ok(match (cuts, grid) {
        (Some(v), _) if quantile => Thresholds::Quantile(v),
        (Some(v), _) => Thresholds::Absolute(v),
        (None, Some(k)) => Thresholds::even(k).py()?,
        (None, None) => Thresholds::default(),
    })
}

/// Current × potential value matrix: a dict of per-customer and per-cell arrays.
#[pyfunction]
#[pyo3(signature = (current, potential, current_thresholds, current_quantile, potential_thresholds, potential_quantile, grid, labels, strategies, strategy_set="source"))]
#[allow(clippy::too_many_arguments)]
pub fn value_matrix<'py>(
    py: Python<'py>, current: Arr<'py>, potential: Arr<'py>, current_thresholds: Option<Vec<f64>>,
    current_quantile: bool, potential_thresholds: Option<Vec<f64>>, potential_quantile: bool,
    grid: Option<usize>, labels: Option<Vec<String>>, strategies: Option<Vec<String>>,
    strategy_set: &str,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let (c, p) = (slice(&current, "current")?, slice(&potential, "potential")?);
        let strategies = match (strategies, strategy_set) {
            (Some(s), _) => Some(s),
            (None, "source") => None,
            (None, "detailed") => {
                Some(QUADRANT_STRATEGIES_DETAILED.iter().map(|s| s.to_string()).collect())
            }
            (None, other) => {
                return Err(cvm_core::Error::unknown_name(
                    "strategies",
                    other,
                    &["source", "detailed", "a list of one strategy per cell"],
                ))
                .py()
            }
        };
        let config = ValueMatrix {
            current: thresholds(current_thresholds, current_quantile, grid)?,
            potential: thresholds(potential_thresholds, potential_quantile, grid)?,
            labels,
            strategies,
        };
        let m = detach(py, || core_matrix(c, p, &config))?;
        let d = PyDict::new(py);
        d.set_item("current_level", array(py, m.current_level().to_vec()))?;
        d.set_item("potential_level", array(py, m.potential_level().to_vec()))?;
        d.set_item("cell", array(py, m.cells().into_iter().map(|c| c as u64).collect()))?;
        d.set_item("n_rows", m.n_rows())?;
        d.set_item("n_cols", m.n_cols())?;
        d.set_item("current_thresholds", m.current_thresholds().to_vec())?;
        d.set_item("potential_thresholds", m.potential_thresholds().to_vec())?;
        d.set_item("labels", m.labels().to_vec())?;
        d.set_item("strategies", m.strategies().to_vec())?;
        d.set_item("count", array(py, m.counts().iter().map(|&c| c as u64).collect()))?;
        d.set_item("current_sum", array(py, m.current_sum().to_vec()))?;
        d.set_item("potential_sum", array(py, m.potential_sum().to_vec()))?;
        d.set_item("current_ties_low", m.current_ties_low().to_vec())?;
        d.set_item("potential_ties_low", m.potential_ties_low().to_vec())?;
        let warnings: Vec<(String, usize, usize, f64, String)> = m
            .warnings()
            .iter()
            .map(|w| (w.kind.as_str().to_string(), w.cell, w.count, w.share, w.message.clone()))
            .collect();
        d.set_item("warnings", warnings)?;
        Ok(d)
    })
}

/// Value-matrix cell migration between two snapshots from each customer's cell: a dict with
/// `rows`, `columns` (cell indices, -1 for `new` / `gone`), `counts`, `rates`, and the moves
/// `ids`, `from`, `to` (-1 for a missing snapshot).
#[pyfunction]
pub fn value_cell_migration<'py>(
    py: Python<'py>, ids_before: PyReadonlyArray1<'_, i64>,
    cells_before: PyReadonlyArray1<'_, u64>, ids_after: PyReadonlyArray1<'_, i64>,
    cells_after: PyReadonlyArray1<'_, u64>, n_cells: usize, policy: &str,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let policy = name::<MigrationPolicy>(policy, "policy")?;
        let cells = |a: &PyReadonlyArray1<'_, u64>, field: &str| -> PyResult<Vec<usize>> {
            Ok(slice(a, field)?.iter().map(|&c| usize::try_from(c).unwrap_or(usize::MAX)).collect())
        };
        let (cb, ca) = (cells(&cells_before, "before")?, cells(&cells_after, "after")?);
        let (ib, ia) = (slice(&ids_before, "ids_before")?, slice(&ids_after, "ids_after")?);
        let m = detach(py, || cell_migration(ib, &cb, ia, &ca, n_cells, policy))?;
        let code = |s: &CellState| match s {
            CellState::Cell(c) => *c as i64,
            _ => -1,
        };
        let out = PyDict::new(py);
        out.set_item("rows", m.row_states().iter().map(code).collect::<Vec<_>>())?;
        out.set_item("columns", m.column_states().iter().map(code).collect::<Vec<_>>())?;
        out.set_item("counts", m.count_matrix())?;
        out.set_item("rates", m.rate_matrix())?;
        let moves = m.moves();
        out.set_item("ids", array(py, moves.iter().map(|mv| mv.id).collect()))?;
        out.set_item("from", array(py, moves.iter().map(|mv| code(&mv.from)).collect()))?;
        out.set_item("to", array(py, moves.iter().map(|mv| code(&mv.to)).collect()))?;
        Ok(out)
    })
}

/// Each customer's cell per period (row-major customers × periods) and each period's warnings.
#[pyfunction]
#[pyo3(signature = (current, potential, n_periods, current_thresholds, current_quantile, potential_thresholds, potential_quantile, grid))]
#[allow(clippy::too_many_arguments)]
pub fn value_path_native<'py>(
    py: Python<'py>, current: Arr<'py>, potential: Arr<'py>, n_periods: usize,
    current_thresholds: Option<Vec<f64>>, current_quantile: bool,
    potential_thresholds: Option<Vec<f64>>, potential_quantile: bool, grid: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let (c, p) = (slice(&current, "current")?, slice(&potential, "potential")?);
        let config = ValueMatrix {
            current: thresholds(current_thresholds, current_quantile, grid)?,
            potential: thresholds(potential_thresholds, potential_quantile, grid)?,
            ..Default::default()
        };
        let path = detach(py, || value_path(c, p, n_periods, &config))?;
        let d = PyDict::new(py);
        d.set_item("cells", array(py, path.cells().into_iter().map(|c| c as u64).collect()))?;
        let warnings: Vec<Vec<String>> = (0..path.n_periods())
            .map(|t| path.period(t).warnings().iter().map(|w| w.message.clone()).collect())
            .collect();
        d.set_item("warnings", warnings)?;
        d.set_item("n_cells", path.period(0).n_cells())?;
        Ok(d)
    })
}

/// Whale curve of per-customer profit: a dict of summary figures and per-customer arrays.
#[pyfunction]
#[pyo3(signature = (profit, top, bottom, at=None))]
pub fn whale_curve<'py>(
    py: Python<'py>, profit: Arr<'py>, top: f64, bottom: f64, at: Option<Vec<f64>>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let p = slice(&profit, "profit")?;
        let w = detach(py, || {
            core_whale(p, &WhaleOptions::default().with_top(top).with_bottom(bottom))
        })?;
        let d = PyDict::new(py);
        d.set_item("total", w.total())?;
        d.set_item("peak", w.peak())?;
        d.set_item("peak_rank", w.peak_rank())?;
        d.set_item("peak_share", w.peak_share())?;
        d.set_item("top", w.top())?;
        d.set_item("top_profit", w.top_profit())?;
        d.set_item("top_share", w.top_share())?;
        d.set_item("bottom", w.bottom())?;
        d.set_item("bottom_consumed", w.bottom_consumed())?;
        d.set_item("bottom_consumed_share", w.bottom_consumed_share())?;
        d.set_item("tail_consumed", w.tail_consumed())?;
        d.set_item("unprofitable_count", w.unprofitable_count())?;
        d.set_item("unprofitable_share", w.unprofitable_share())?;
        d.set_item("gini", w.gini())?;
        d.set_item("bottom_profit", w.bottom_profit())?;
        d.set_item("bottom_count", w.bottom_count())?;
        d.set_item("bottom_unprofitable_count", w.bottom_unprofitable_count())?;
        d.set_item("potential_profit", w.potential_profit())?;
        d.set_item("bottom_share_of_top", w.bottom_share_of_top())?;
        d.set_item("bottom_share_of_potential", w.bottom_share_of_potential())?;
        d.set_item("bottom_net_profitable", w.bottom_net_profitable())?;
        d.set_item("interpretation", w.interpretation())?;
        d.set_item(
            "unprofitable",
            array(py, w.unprofitable().iter().map(|&i| i as u64).collect()),
        )?;
        d.set_item("rank", array(py, w.rank().iter().map(|&k| k as u64).collect()))?;
        d.set_item("cumulative_profit", array(py, w.cumulative_profit()))?;
        d.set_item("cumulative_share", w.cumulative_share().map(|v| array(py, v)))?;
        d.set_item("customer_share", array(py, w.customer_share()))?;
        d.set_item("curve", array(py, w.sorted_cumulative().to_vec()))?;
        if let Some(fractions) = at {
            let v = fractions.iter().map(|&x| w.curve_at(x)).collect::<cvm_core::Result<Vec<_>>>();
            d.set_item("at", v.py()?)?;
        }
        Ok(d)
    })
}

/// Adds this area's classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(cashflow_clv, m)?)?;
    m.add_function(wrap_pyfunction!(cashflow_breakdown, m)?)?;
    m.add_function(wrap_pyfunction!(closed_form_clv, m)?)?;
    m.add_function(wrap_pyfunction!(retention_from_survival, m)?)?;
    m.add_function(wrap_pyfunction!(value_decomposition, m)?)?;
    m.add_function(wrap_pyfunction!(value_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(whale_curve, m)?)?;
    m.add_function(wrap_pyfunction!(value_cell_migration, m)?)?;
    m.add_function(wrap_pyfunction!(value_path_native, m)?)?;
    Ok(())
}
