//! Python bindings of the `decision` area: playbooks (as JSON text), the customer value report
//! (a native object with its columns, CSV and HTML) and campaigns under a budget.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use cvm_core::decision::{
    compare_campaigns, select_campaign, Campaign, CampaignInput, CampaignMethod, ContactCost,
    CustomerValueReport, Playbook, ReportBuilder, ReportValues,
};
use cvm_core::loyalty::{LoyaltyLevel, Stage};
use cvm_core::Error;

use crate::conversion::{array, name, slice};
use crate::errors::{call, detach, IntoPyResult};

type Arr<'py> = PyReadonlyArray1<'py, f64>;
type Codes<'py> = PyReadonlyArray1<'py, u8>;

/// The default playbook's JSON document.
#[pyfunction]
fn playbook_default_json() -> PyResult<String> {
    call(|| Ok(Playbook::default().to_json()))
}

/// Reads a playbook document and writes it back normalised (defaults filled in); errors name
/// the JSON path.
#[pyfunction]
fn playbook_normalize(json: &str) -> PyResult<String> {
    call(|| Ok(Playbook::from_json(json).py()?.to_json()))
}

/// Flags from bytes: 0 false, 1 true, other missing.
fn flags(codes: &Option<Codes<'_>>, field: &str) -> PyResult<Option<Vec<Option<bool>>>> {
    let Some(c) = codes else { return Ok(None) };
    let v = slice(c, field)?;
    Ok(Some(
        v.iter()
            .map(|&x| match x {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            })
            .collect(),
    ))
}

/// Parses names, the error naming the column and row.
fn parse_all<T: std::str::FromStr<Err = Error>>(
    names: &[String], field: &str,
) -> cvm_core::Result<Vec<T>> {
    names
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.parse().map_err(|e| match e {
                Error::UnknownName { value, valid, .. } => {
                    Error::UnknownName { field: format!("{field}[{i}]"), value, valid }
                }
                other => other,
            })
        })
        .collect()
}

/// A built customer value report: its columns, CSV and HTML.
#[derive(Debug)]
#[pyclass(name = "CustomerValueReportNative", module = "cvm._cvm", frozen)]
pub struct PyReport(CustomerValueReport);

#[pymethods]
impl PyReport {
    /// The columns in report order: a list of `(name, kind, values)` with kind `number`
    /// (float64 array, NaN missing), `text` (list of str or None) or `flag` (list of bool or
    /// None).
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        call(|| {
            let out = PyList::empty(py);
            for c in self.0.columns() {
                let item: Bound<'py, PyAny> = match &c.values {
                    ReportValues::Number(v) => {
                        (c.name, "number", array(py, v.clone())).into_pyobject(py)?.into_any()
                    }
                    ReportValues::Text(v) => {
                        (c.name, "text", v.clone()).into_pyobject(py)?.into_any()
                    }
                    ReportValues::Flag(v) => {
                        (c.name, "flag", v.clone()).into_pyobject(py)?.into_any()
                    }
                };
                out.append(item)?;
            }
            Ok(out)
        })
    }

    /// The report as CSV text.
    fn to_csv(&self, py: Python<'_>) -> PyResult<String> {
        call(|| detach(py, || Ok::<_, Error>(self.0.to_csv())))
    }

    /// The report as one self-contained HTML page.
    fn to_html(&self, py: Python<'_>, title: &str) -> PyResult<String> {
        call(|| detach(py, || Ok::<_, Error>(self.0.to_html(title))))
    }

    /// Number of rows.
    fn __len__(&self) -> PyResult<usize> {
        call(|| Ok(self.0.n_rows()))
    }
}

/// Assembles the report from columns (each optional, one element per id) and a playbook
/// document (None: the default playbook).
#[pyfunction]
#[pyo3(signature = (ids, realised=None, potential=None, influence=None, clv=None, matrix_cell=None, strategy=None, loyalty_stage=None, loyalty_level=None, churn_probability=None, elastic=None, big_customer_risk=None, dormant=None, fee_due=None, decision=None, decision_reasons=None, playbook=None))]
#[allow(clippy::too_many_arguments)]
fn customer_value_report_native(
    py: Python<'_>, ids: Vec<String>, realised: Option<Arr<'_>>, potential: Option<Arr<'_>>,
    influence: Option<Arr<'_>>, clv: Option<Arr<'_>>, matrix_cell: Option<Vec<String>>,
    strategy: Option<Vec<String>>, loyalty_stage: Option<Vec<String>>,
    loyalty_level: Option<Vec<String>>, churn_probability: Option<Arr<'_>>,
    elastic: Option<Codes<'_>>, big_customer_risk: Option<Vec<Option<String>>>,
    dormant: Option<Codes<'_>>, fee_due: Option<Codes<'_>>, decision: Option<Vec<String>>,
    decision_reasons: Option<Vec<String>>, playbook: Option<&str>,
) -> PyResult<PyReport> {
    call(|| {
        let book = match playbook {
            Some(text) => Playbook::from_json(text).py()?,
            None => Playbook::default(),
        };
        let mut b = ReportBuilder::new(ids).py()?;
        if let (Some(r), Some(p), Some(i)) = (&realised, &potential, &influence) {
            b = b
                .values(
                    slice(r, "realised_value")?,
                    slice(p, "potential_value")?,
                    slice(i, "influence_value")?,
                )
                .py()?;
        }
        if let Some(c) = &clv {
            b = b.clv(slice(c, "clv")?).py()?;
        }
        if let (Some(c), Some(s)) = (matrix_cell, strategy) {
            b = b.matrix_columns(c, s).py()?;
        }
        if let Some(s) = loyalty_stage {
            b = b.stages(&parse_all::<Stage>(&s, "loyalty_stage").py()?).py()?;
        }
        if let Some(l) = loyalty_level {
            b = b.levels(&parse_all::<LoyaltyLevel>(&l, "loyalty_level").py()?).py()?;
        }
        if let Some(p) = &churn_probability {
            b = b.churn_probability(slice(p, "churn_probability")?).py()?;
        }
        if let Some(f) = flags(&elastic, "elastic")? {
            b = b.elastic(&f).py()?;
        }
        if let Some(r) = big_customer_risk {
            b = b.big_customer_risk(r).py()?;
        }
        if let Some(f) = flags(&dormant, "dormant")? {
            b = b.dormant(&f).py()?;
        }
        if let Some(f) = flags(&fee_due, "fee_due")? {
            b = b.fee_due(&f).py()?;
        }
        if let (Some(d), Some(r)) = (decision, decision_reasons) {
            b = b.selection_columns(d, r).py()?;
        }
        let report = detach(py, || b.build(&book))?;
        Ok(PyReport(report))
    })
}

/// The campaign input from Python arguments: `cost` one value (constant), one per customer, or,
/// with `segment`, one per segment.
fn campaign_input<'a>(
    clv: &'a Arr<'_>, uplift: &'a Arr<'_>, cost: &'a Arr<'_>,
    segment: &'a Option<PyReadonlyArray1<'_, u64>>, segment_codes: &'a mut Vec<usize>,
    constant: bool, budget: f64,
) -> PyResult<CampaignInput<'a>> {
    let c = slice(cost, "cost")?;
    let cost = match segment {
        Some(s) => {
            *segment_codes = slice(s, "segment")?.iter().map(|&x| x as usize).collect();
            ContactCost::PerSegment { segment: segment_codes, cost: c }
        }
        None if constant => ContactCost::Constant(*c.first().unwrap_or(&f64::NAN)),
        None => ContactCost::PerCustomer(c),
    };
    Ok(CampaignInput { clv: slice(clv, "clv")?, uplift: slice(uplift, "uplift")?, cost, budget })
}

fn campaign_dict<'py>(py: Python<'py>, c: &Campaign) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("selected", PyArray1::from_slice(py, c.selected()))?;
    out.set_item("gain", array(py, c.gain().to_vec()))?;
    out.set_item("cost", array(py, c.cost().to_vec()))?;
    out.set_item("expected_return", c.expected_return())?;
    out.set_item("spend", c.spend())?;
    out.set_item("upper_bound", c.upper_bound())?;
    out.set_item("exact", c.is_exact())?;
    out.set_item("n_selected", c.n_selected())?;
    out.set_item("last_in", c.last_in())?;
    out.set_item("first_out", c.first_out())?;
    Ok(out)
}

/// Campaign selection under a budget: a dict of the selection, gains, totals and marginal
/// customers; with `draws`, also the "top-N by CLV" and random baselines.
#[pyfunction]
#[pyo3(signature = (clv, uplift, cost, budget, method, constant_cost=false, segment=None, draws=None, seed=0))]
#[allow(clippy::too_many_arguments)]
fn select_campaign_native<'py>(
    py: Python<'py>, clv: Arr<'_>, uplift: Arr<'_>, cost: Arr<'_>, budget: f64, method: &str,
    constant_cost: bool, segment: Option<PyReadonlyArray1<'_, u64>>, draws: Option<usize>,
    seed: u64,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let method = name::<CampaignMethod>(method, "method")?;
        let mut codes = Vec::new();
        let input =
            campaign_input(&clv, &uplift, &cost, &segment, &mut codes, constant_cost, budget)?;
        let Some(draws) = draws else {
            let c = detach(py, || select_campaign(&input, method))?;
            return campaign_dict(py, &c);
        };
        let cmp = detach(py, || compare_campaigns(&input, method, draws, seed))?;
        let out = campaign_dict(py, &cmp.optimised)?;
        for (name, b) in [("top_by_clv", cmp.top_by_clv), ("random", cmp.random)] {
            let d = PyDict::new(py);
            d.set_item("expected_return", b.expected_return)?;
            d.set_item("spend", b.spend)?;
            d.set_item("n_selected", b.n_selected)?;
            out.set_item(name, d)?;
        }
        out.set_item("random_sd", cmp.random_sd)?;
        out.set_item("draws", cmp.draws)?;
        Ok(out)
    })
}

/// Registers the decision functions and classes.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyReport>()?;
    m.add_function(wrap_pyfunction!(playbook_default_json, m)?)?;
    m.add_function(wrap_pyfunction!(playbook_normalize, m)?)?;
    m.add_function(wrap_pyfunction!(customer_value_report_native, m)?)?;
    m.add_function(wrap_pyfunction!(select_campaign_native, m)?)?;
    Ok(())
}
