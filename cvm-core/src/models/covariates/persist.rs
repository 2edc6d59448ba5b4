//! JSON documents of covariate models: the `cvm-model` format of [`crate::models::persist`]
//! with a `covariates` section — the columns of each process (whose coefficients are named
//! `trans_<column>`, `life_<column>`, `spend_<column>` or `shared_<column>` in `params`), the
//! L2 penalty and the plain model's log-likelihood (for the likelihood-ratio test). The
//! covariance is stored on the fit's scale, `(ln base parameters, γ)`.

use super::columns::Encoding;
use super::link::{links, Process};
use super::model::{CovariateModel, Layout};
use crate::error::{Error, Result};
use crate::models::persist::{FORMAT, VERSION};
use crate::models::{check_param, FitDiagnostics, ModelKind};
use serde_json::{json, Map, Value};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    format: String,
    version: u32,
    model: String,
    params: Map<String, Value>,
    covariates: RawCovariates,
    fit: FitDiagnostics,
    #[serde(default)]
    log_covariance: Option<Vec<Vec<f64>>>,
    #[serde(default)]
    time_unit: Option<String>,
}

/// A column of a process: a numeric column's name, or a categorical column with its levels.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum RawColumn {
    Numeric(String),
    Categorical(RawCategorical),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategorical {
    name: String,
    levels: Vec<String>,
    reference: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCovariates {
    #[serde(default)]
    trans: Option<Vec<RawColumn>>,
    #[serde(default)]
    life: Option<Vec<RawColumn>>,
    #[serde(default)]
    spend: Option<Vec<RawColumn>>,
    l2: f64,
    plain_log_likelihood: f64,
}

fn err(path: impl Into<String>, reason: impl std::fmt::Display) -> Error {
    Error::json(path, reason)
}

/// Writes `m` as a document.
pub(crate) fn to_json(m: &CovariateModel) -> Result<String> {
    let mut params = Map::new();
    for (n, v) in m.names().iter().zip(m.params()) {
        params.insert(n.clone(), json!(v));
    }
    let mut cov = Map::new();
    for (process, encodings) in m.layout().encodings() {
        let cols: Vec<Value> = encodings
            .iter()
            .map(|e| match e {
                Encoding::Numeric(name) => json!(name),
                Encoding::Categorical { name, levels, reference } => {
                    json!({ "name": name, "levels": levels, "reference": reference })
                }
            })
            .collect();
        cov.insert(process.prefix().to_string(), Value::Array(cols));
    }
    cov.insert("l2".into(), json!(m.l2()));
    cov.insert("plain_log_likelihood".into(), json!(m.plain_log_likelihood()));
    let mut doc = json!({
        "format": FORMAT,
        "version": VERSION,
        "model": m.kind().as_str(),
        "params": Value::Object(params),
        "covariates": Value::Object(cov),
        "fit": m.diagnostics(),
        "log_covariance": m.log_covariance(),
    });
    if let (Some(u), Value::Object(map)) = (m.time_unit(), &mut doc) {
        map.insert("time_unit".into(), json!(u.as_str()));
    }
    serde_json::to_string_pretty(&doc).map_err(|e| Error::json_source("$", e))
}

/// Reads and validates a document.
pub(crate) fn from_json(text: &str) -> Result<CovariateModel> {
    let raw: RawDoc = serde_json::from_str(text).map_err(|e| Error::json_source("$", e))?;
    if raw.format != FORMAT || raw.version != VERSION {
        let reason =
            format!("expected {FORMAT:?} version {VERSION}, got {:?} {}", raw.format, raw.version);
        return Err(err("$.format", reason));
    }
    let kind = ModelKind::parse(&raw.model, "model").map_err(|e| err("$.model", e))?;
    let terms = links(kind).map_err(|e| err("$.model", e))?;
    let time_unit = match &raw.time_unit {
        None => None,
        Some(t) => Some(
            crate::names::parse_field::<crate::TimeUnit>(t, "time_unit")
                .map_err(|e| err("$.time_unit", e))?,
        ),
    };
    // Names: the base parameters, then each process's columns in order (a shared column once).
    let mut names: Vec<String> = kind.param_names().iter().map(|n| n.to_string()).collect();
    let nb = names.len();
    let c = &raw.covariates;
    let given = [
        (Process::Transaction, &c.trans),
        (Process::Lifetime, &c.life),
        (Process::Spend, &c.spend),
    ];
    let mut blocks = Vec::new();
    for (process, cols) in given {
        let Some(cols) = cols else { continue };
        let path = format!("$.covariates.{}", process.prefix());
        if !terms.iter().any(|t| t.process == process) {
            return Err(err(path, format!("`{}` has no {} link", kind.as_str(), process.prefix())));
        }
        let encodings = encodings(cols, &path)?;
        let mut coef = Vec::new();
        for col in encodings.iter().flat_map(Encoding::design_names) {
            let own = format!("{}_{col}", process.prefix());
            let shared = format!("shared_{col}");
            let name = if raw.params.contains_key(&shared) { shared } else { own };
            let j = match names.iter().position(|n| *n == name) {
                Some(j) => j,
                None => {
                    names.push(name);
                    names.len() - 1
                }
            };
            coef.push(j - nb);
        }
        blocks.push((process, encodings, coef));
    }
    for key in raw.params.keys() {
        if !names.contains(key) {
            return Err(err(format!("$.params.{key}"), "unknown parameter"));
        }
    }
    let mut params = Vec::with_capacity(names.len());
    for (j, n) in names.iter().enumerate() {
        let v = raw
            .params
            .get(n)
            .and_then(Value::as_f64)
            .ok_or_else(|| err(format!("$.params.{n}"), "missing, or not a number"))?;
        if j < nb {
            check_param(n, v).map_err(|e| err(format!("$.params.{n}"), e))?;
        } else if !v.is_finite() {
            return Err(err(format!("$.params.{n}"), "must be finite"));
        }
        params.push(v);
    }
    let k = params.len();
    if let Some(m) = &raw.log_covariance {
        if m.len() != k || m.iter().any(|r| r.len() != k || r.iter().any(|v| !v.is_finite())) {
            return Err(err("$.log_covariance", format!("must be a finite {k}x{k} matrix")));
        }
    }
    if !raw.fit.log_likelihood.is_finite() || !c.plain_log_likelihood.is_finite() || !(c.l2 >= 0.0)
    {
        return Err(err("$.fit", "log-likelihoods must be finite and l2 ≥ 0"));
    }
    Ok(CovariateModel::new(
        kind,
        names,
        params,
        Layout::from_blocks(blocks),
        raw.log_covariance,
        raw.fit,
        c.plain_log_likelihood,
        c.l2,
        time_unit,
    ))
}

/// The encodings of one process's stored columns (at `path`), checked: unique names; a
/// categorical column with at least two distinct levels, its reference among them.
fn encodings(cols: &[RawColumn], path: &str) -> Result<Vec<Encoding>> {
    let mut out: Vec<Encoding> = Vec::with_capacity(cols.len());
    for (j, c) in cols.iter().enumerate() {
        let at = format!("{path}[{j}]");
        let e = match c {
            RawColumn::Numeric(name) => Encoding::Numeric(name.clone()),
            RawColumn::Categorical(RawCategorical { name, levels, reference }) => {
                let distinct = levels.iter().enumerate().all(|(i, l)| !levels[..i].contains(l));
                if levels.len() < 2 || !distinct || !levels.contains(reference) {
                    let reason = "a categorical column needs two or more distinct levels, its \
                                  reference among them";
                    return Err(err(at, reason));
                }
                let (name, levels, reference) = (name.clone(), levels.clone(), reference.clone());
                Encoding::Categorical { name, levels, reference }
            }
        };
        if e.name().is_empty() || out.iter().any(|o| o.name() == e.name()) {
            return Err(err(at, "column names must be non-empty and unique"));
        }
        out.push(e);
    }
    Ok(out)
}
