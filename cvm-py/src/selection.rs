//! Python bindings of the `selection` area: rule sets, evaluation with reason codes, presets,
//! relationship trends and look-alike ranking.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use cvm_core::selection::presets::{preset, PresetOption, PRESET_NAMES};
use cvm_core::selection::{
    lookalike, relationship_trend, Column, LookalikeOptions, RuleSet, SlopeScale, Standardization,
    Table, Trend, TrendOptions,
};

use crate::conversion::{array, code_of, name, slice, text_codes};
use crate::errors::{call, detach, IntoPyResult};

/// Columns of a table as converted by the Python layer: `(numeric, boolean, categorical)`, each
/// a list of `(name, array[, categories])`.
#[derive(FromPyObject)]
pub struct Columns<'py>(
    Vec<(String, PyReadonlyArray1<'py, f64>)>,
    Vec<(String, PyReadonlyArray1<'py, u8>)>,
    Vec<(String, PyReadonlyArray1<'py, i32>, Vec<String>)>,
);

/// Borrowed column data, ready to build a core table without the GIL.
pub(crate) struct Borrowed<'a> {
    cols: Vec<(&'a str, Column<'a>)>,
}

impl<'py> Columns<'py> {
    pub(crate) fn borrow(&self) -> PyResult<Borrowed<'_>> {
        let mut cols = Vec::new();
        for (name, a) in &self.0 {
            cols.push((name.as_str(), Column::Numeric(slice(a, name)?)));
        }
        for (name, a) in &self.1 {
            cols.push((name.as_str(), Column::Boolean(slice(a, name)?)));
        }
        for (name, a, cats) in &self.2 {
            cols.push((
                name.as_str(),
                Column::Categorical { codes: slice(a, name)?, categories: cats.as_slice() },
            ));
        }
        Ok(Borrowed { cols })
    }
}

impl<'a> Borrowed<'a> {
    pub(crate) fn table(&self) -> cvm_core::Result<Table<'a>> {
        let mut t = Table::new();
        for (name, c) in &self.cols {
            t.push(name, *c)?;
        }
        Ok(t)
    }
}

/// A selection rule set (criteria, hard rules, decision bands, missing-value policy). Immutable.
#[derive(Debug)]
#[pyclass(module = "cvm._cvm", name = "RuleSet", frozen)]
pub struct PyRuleSet {
    pub(crate) inner: RuleSet,
}

#[pymethods]
impl PyRuleSet {
    /// Reads the JSON document (errors carry the JSON path as `field`).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        call(|| Ok(PyRuleSet { inner: RuleSet::from_json(text).py()? }))
    }

    /// A preset by name with numeric and text options and column renames.
    #[staticmethod]
    #[pyo3(signature = (name, numbers=Vec::new(), texts=Vec::new(), renames=Vec::new()))]
    fn preset(
        name: &str, numbers: Vec<(String, f64)>, texts: Vec<(String, String)>,
        renames: Vec<(String, String)>,
    ) -> PyResult<Self> {
        call(|| {
            let mut options: Vec<(&str, PresetOption<'_>)> =
                numbers.iter().map(|(k, v)| (k.as_str(), PresetOption::Number(*v))).collect();
            options.extend(texts.iter().map(|(k, v)| (k.as_str(), PresetOption::Text(v))));
            let renames: Vec<(&str, &str)> =
                renames.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            Ok(PyRuleSet { inner: preset(name, &options, &renames).py()? })
        })
    }

    /// The versioned JSON document (reads back identical).
    fn to_json(&self) -> PyResult<String> {
        call(|| Ok(self.inner.to_json()))
    }

    /// Optional name of the rule set.
    #[getter]
    fn name(&self) -> PyResult<Option<String>> {
        call(|| Ok(self.inner.name.clone()))
    }

    /// Every attribute (column) the rules read, each once, in order of first appearance.
    #[getter]
    fn attributes(&self) -> PyResult<Vec<String>> {
        call(|| Ok(self.inner.attributes()))
    }

    /// The distinct decisions: bands, then hard rules, then the missing policy's.
    #[getter]
    fn decision_names(&self) -> PyResult<Vec<String>> {
        call(|| Ok(self.inner.decision_names()))
    }

    /// Names of the criteria then of the hard rules (the order of the reason codes).
    #[getter]
    fn rule_names(&self) -> PyResult<Vec<String>> {
        call(|| {
            let c = self.inner.criteria.iter().map(|c| c.name.clone());
            Ok(c.chain(self.inner.hard.iter().map(|h| h.name.clone())).collect())
        })
    }

    /// A copy with attribute `old` read from column `new`.
    fn rename_attribute(&self, old: &str, new: &str) -> PyResult<(Self, usize)> {
        call(|| {
            let mut inner = self.inner.clone();
            let n = inner.rename_attribute(old, new);
            Ok((PyRuleSet { inner }, n))
        })
    }

    /// Checks the document strictly (errors carry the JSON path).
    fn validate(&self) -> PyResult<()> {
        call(|| self.inner.validate().py())
    }

    /// Evaluates the rules over the columns; returns a dict with `decision_codes` (uint16),
    /// `decision_names`, `scores`, `counts`, `fired_rule` (uint32 codes: 0 when the score
    /// decided, else 1 + the place in `hard_rule_names`), `strategy` (uint32 codes: 0 when no
    /// strategy applies, else 1 + the place in `strategy_names`), `warnings` (list of `(decision, count,
    /// total, share, message)`) and, when `reasons`, `reasons` (a list of reason-code lists, rendered without the GIL).
    #[pyo3(signature = (columns, n_rows, reasons=true))]
    fn evaluate<'py>(
        &self, py: Python<'py>, columns: Columns<'py>, n_rows: usize, reasons: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        call(|| {
            let borrowed = columns.borrow()?;
            // Rules without attributes still decide one row per customer.
            let rows = vec![0.0; if borrowed.cols.is_empty() { n_rows } else { 0 }];
            let rules = &self.inner;
            type Out = (
                Vec<u16>,
                Vec<String>,
                Vec<f64>,
                Vec<usize>,
                Vec<u32>,
                Vec<u32>,
                Vec<(String, usize, usize, f64, String)>,
            );
            let (done, codes) =
                detach(py, || -> cvm_core::Result<(Out, Option<Vec<Vec<String>>>)> {
                    let mut table = borrowed.table()?;
                    if table.n_columns() == 0 {
                        table.push("(rows)", Column::Numeric(&rows))?;
                    }
                    let ev = rules.evaluate(&table)?;
                    // 0 for none, else 1 + the place in `hard_rule_names` / `strategy_names`.
                    let code = |k: Option<usize>| k.map_or(0, |k| 1 + k as u32);
                    let fired = (0..ev.len()).map(|i| code(ev.fired_rule_index(i))).collect();
                    let strategy = (0..ev.len()).map(|i| code(ev.strategy_index(i))).collect();
                    let warnings = ev
                        .warnings()
                        .into_iter()
                        .map(|w| (w.decision.clone(), w.count, w.total, w.share, w.message()))
                        .collect();
                    let out = (
                        ev.decision_codes().to_vec(),
                        ev.decision_names().to_vec(),
                        ev.scores().to_vec(),
                        ev.counts(),
                        fired,
                        strategy,
                        warnings,
                    );
                    let codes = reasons.then(|| ev.all_reason_codes());
                    Ok((out, codes))
                })?;
            let (decision, names, scores, counts, fired, strategy, warnings) = done;
            let d = PyDict::new(py);
            d.set_item("decision_codes", array(py, decision))?;
            d.set_item("decision_names", names)?;
            d.set_item("scores", array(py, scores))?;
            d.set_item("counts", counts)?;
            d.set_item("fired_rule", array(py, fired))?;
            d.set_item("strategy", array(py, strategy))?;
            let hard: Vec<&str> = rules.hard.iter().map(|h| h.name.as_str()).collect();
            let strategies: Vec<&str> =
                rules.strategies.iter().map(|s| s.strategy.as_str()).collect();
            d.set_item("hard_rule_names", hard)?;
            d.set_item("strategy_names", strategies)?;
            d.set_item("warnings", warnings)?;
            if let Some(codes) = codes {
                let rows = PyList::empty(py);
                for row in codes {
                    rows.append(PyList::new(py, row)?)?;
                }
                d.set_item("reasons", rows)?;
            }
            Ok(d)
        })
    }

    fn __eq__(&self, other: &Self) -> PyResult<bool> {
        call(|| Ok(self.inner == other.inner))
    }

    fn __repr__(&self) -> PyResult<String> {
        call(|| {
            Ok(format!(
                "RuleSet(name={:?}, criteria={}, hard={}, decisions={:?})",
                self.inner.name.as_deref().unwrap_or(""),
                self.inner.criteria.len(),
                self.inner.hard.len(),
                self.inner.decision_names()
            ))
        })
    }
}

/// Names of the presets.
#[pyfunction]
fn preset_names() -> PyResult<Vec<&'static str>> {
    call(|| Ok(PRESET_NAMES.to_vec()))
}

/// Relationship trend of each customer from row-major per-period profit: `{"trend": uint8
/// codes (1 + the place in `trend_names`), "reason": (codes, texts), "level", "slope", …}`.
#[pyfunction]
#[pyo3(name = "relationship_trend", signature = (profit, n_periods, high_level=None, slope_tolerance=0.05, slope_scale="relative"))]
fn relationship_trend_native<'py>(
    py: Python<'py>, profit: PyReadonlyArray1<'py, f64>, n_periods: usize, high_level: Option<f64>,
    slope_tolerance: f64, slope_scale: &str,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let p = slice(&profit, "profit")?;
        let options = TrendOptions::default()
            .with_high_level(high_level)
            .with_slope_tolerance(slope_tolerance)
            .with_slope_scale(name::<SlopeScale>(slope_scale, "slope_scale")?);
        let (r, reasons) = detach(py, || {
            relationship_trend(p, n_periods, &options).map(|r| {
                let reasons = r.reason_texts();
                (r, reasons)
            })
        })?;
        let d = PyDict::new(py);
        // 1 + the place in `trend_names`.
        let trend: Vec<u8> = r.trend.iter().map(|t| 1 + code_of(&Trend::ALL, t)).collect();
        d.set_item("trend", array(py, trend))?;
        d.set_item("trend_names", Trend::ALL.map(Trend::as_str).to_vec())?;
        d.set_item("reason", text_codes(py, reasons))?;
        d.set_item("high_level", r.high_level)?;
        d.set_item("level", array(py, r.level))?;
        d.set_item("slope", array(py, r.slope))?;
        d.set_item("threshold", array(py, r.threshold))?;
        Ok(d)
    })
}

/// Look-alike ranking of candidates against loyal customers.
#[pyfunction]
#[pyo3(name = "lookalike", signature = (candidates, loyal, features, k, standardization="loyal"))]
fn lookalike_native<'py>(
    py: Python<'py>, candidates: Columns<'py>, loyal: Columns<'py>, features: Vec<String>,
    k: usize, standardization: &str,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let options = LookalikeOptions::default()
            .with_standardization(name::<Standardization>(standardization, "standardization")?);
        let (c, l) = (candidates.borrow()?, loyal.borrow()?);
        let f: Vec<&str> = features.iter().map(String::as_str).collect();
        let r = detach(py, || lookalike(&c.table()?, &l.table()?, &f, k, &options))?;
        let d = PyDict::new(py);
        let top: Bound<'py, PyArray1<u64>> = array(py, r.top.iter().map(|&i| i as u64).collect());
        d.set_item("top", top)?;
        d.set_item("center", r.center)?;
        d.set_item("scale", r.scale)?;
        d.set_item("distance", array(py, r.distance))?;
        d.set_item("similarity", array(py, r.similarity))?;
        Ok(d)
    })
}

/// Adds this area's classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRuleSet>()?;
    m.add_function(wrap_pyfunction!(preset_names, m)?)?;
    m.add_function(wrap_pyfunction!(relationship_trend_native, m)?)?;
    m.add_function(wrap_pyfunction!(lookalike_native, m)?)?;
    Ok(())
}
