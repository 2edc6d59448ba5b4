//! Versioned JSON documents for fitted models.
//!
//! ```json
//! {"format": "cvm-model", "version": 1, "model": "bg_nbd",
//!  "params": {"r": 0.2426, "alpha": 4.4135, "a": 0.7929, "b": 2.4258},
//!  "fit": {"log_likelihood": -9582.43, "aic": ..., "bic": ..., "iterations": 23,
//!          "gradient_norm": 3e-10, "converged": true, "n_obs": 2357.0, "penalizer": 0.0},
//!  "covariance": [[...], ...]}
//! ```
//!
//! `fit` and `covariance` are `null` for a model built from known parameters. `time_unit`
//! (`"D"`, `"W"`, `"M"` or `"Y"`), the unit of time of the model's data, is written when the
//! model records one; documents without it (as written before it existed) load with no unit. `covariance` is the
//! covariance of the parameters on their natural scale, in the order of `params`. Reading is
//! strict: unknown fields, another format or version, a different model, missing or extra
//! parameters, and parameters outside their domain are all [`crate::Error::Json`] errors naming
//! the JSON path.

use crate::error::{Error, Result};

#[cfg(feature = "serde")]
use super::ModelParams;
#[cfg(feature = "serde")]
use super::{Covariance, FitDiagnostics};

/// The document format name.
pub const FORMAT: &str = "cvm-model";
/// The document version this crate writes and reads.
pub const VERSION: u32 = 1;

/// The registry of persisted model families: one line per family, `Variant => Params,` (with
/// its doc line), gives the [`ModelKind`] variant, its name in documents and its parameter names
/// (both from the family's [`ModelParams`](super::ModelParams)) and the versions read.
macro_rules! registry {
    ($($(#[$doc:meta])* $variant:ident => $params:ty,)*) => {
        /// The model families a document can hold (the registry of persisted models).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ModelKind {
            $($(#[$doc])* $variant,)*
        }

        impl ModelKind {
            /// Every registered kind, in registration order.
            pub const ALL: &'static [ModelKind] = &[$(ModelKind::$variant),*];

            /// The names of the registered kinds (in documents, and the spellings
            /// [`ModelKind::parse`] accepts).
            pub const NAMES: &'static [&'static str] =
                &[$(<$params as super::ModelParams>::NAME),*];

            /// The name used in documents.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ModelKind::$variant => <$params as super::ModelParams>::NAME,)*
                }
            }

            /// The parameter names of the family.
            pub fn param_names(self) -> &'static [&'static str] {
                match self {
                    $(ModelKind::$variant => <$params as super::ModelParams>::NAMES,)*
                }
            }

            /// The document versions this crate reads for the family.
            pub fn versions(self) -> &'static [u32] {
                match self {
                    $(ModelKind::$variant => <$params as super::ModelParams>::VERSIONS,)*
                }
            }
        }
    };
}

registry! {
    /// [`super::BgNbd`]
    BgNbd => super::BgNbdParams,
    /// [`super::MbgNbd`]
    MbgNbd => super::MbgNbdParams,
    /// [`super::ParetoNbd`]
    ParetoNbd => super::ParetoNbdParams,
    /// [`super::GammaGamma`]
    GammaGamma => super::GammaGammaParams,
    /// [`super::BgBb`]
    BgBb => super::BgBbParams,
    /// [`super::ShiftedBetaGeometric`]
    ShiftedBetaGeometric => super::SbgParams,
}

crate::names::text_form!(ModelKind, "model", |text| ModelKind::ALL
    .iter()
    .copied()
    .find(|k| k.as_str() == text));

impl ModelKind {
    /// Parses a model name.
    ///
    /// # Errors
    /// [`Error::UnknownName`] listing the valid names.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::ModelKind;
    /// assert_eq!(ModelKind::parse("pareto_nbd", "model")?, ModelKind::ParetoNbd);
    /// assert!(ModelKind::parse("bgnbd", "model").is_err());
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        crate::names::parse_field(text, field)
    }

    /// The spellings [`ModelKind::parse_transaction`] accepts: the continuous-time transaction
    /// models (those [`super::AnyModel`] holds).
    pub const TRANSACTION_NAMES: &'static [&'static str] = &["bg_nbd", "mbg_nbd", "pareto_nbd"];

    /// Parses the name of a continuous-time transaction model (`bg_nbd`, `mbg_nbd`,
    /// `pareto_nbd`), for functions that accept only those: the error lists only them.
    ///
    /// # Errors
    /// [`Error::UnknownName`] naming `field` and listing [`ModelKind::TRANSACTION_NAMES`], also
    /// for the name of another kind of model (e.g. `gamma_gamma`).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::ModelKind;
    /// assert_eq!(ModelKind::parse_transaction("bg_nbd", "model")?, ModelKind::BgNbd);
    /// let e = ModelKind::parse_transaction("gamma_gamma", "model").unwrap_err();
    /// assert!(e.to_string().ends_with("valid values are bg_nbd, mbg_nbd, pareto_nbd"));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn parse_transaction(text: &str, field: &str) -> Result<Self> {
        Self::parse_among(text, field, super::AnyModel::KINDS)
    }

    /// Parses a model name among `kinds` only; the error lists exactly those names.
    ///
    /// # Errors
    /// [`Error::UnknownName`] naming `field` and listing the names of `kinds`.
    pub fn parse_among(text: &str, field: &str, kinds: &[ModelKind]) -> Result<Self> {
        match kinds.iter().find(|k| k.as_str() == text) {
            Some(k) => Ok(*k),
            None => {
                let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                Err(Error::unknown_name(field, text, &names))
            }
        }
    }
}

/// The content of a document, validated.
#[cfg(feature = "serde")]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Document {
    pub params: Vec<f64>,
    pub diagnostics: Option<FitDiagnostics>,
    pub covariance: Option<Covariance>,
    pub time_unit: Option<crate::TimeUnit>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoc {
    format: String,
    version: u32,
    model: String,
    params: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    fit: Option<FitDiagnostics>,
    #[serde(default)]
    covariance: Option<Vec<Vec<f64>>>,
    #[serde(default)]
    time_unit: Option<serde_json::Value>,
}

#[cfg(feature = "serde")]
fn json_err(path: impl Into<String>, reason: impl std::fmt::Display) -> Error {
    Error::json(path, reason)
}

/// Writes a document of family `P` (the current [`VERSION`]).
#[cfg(feature = "serde")]
pub(crate) fn to_json<P: ModelParams>(
    params: &[f64], diagnostics: Option<&FitDiagnostics>, covariance: Option<&Covariance>,
    time_unit: Option<crate::TimeUnit>,
) -> Result<String> {
    use serde_json::{json, Map, Value};
    let mut p = Map::new();
    for (n, v) in P::NAMES.iter().zip(params) {
        p.insert((*n).to_string(), json!(v));
    }
    let mut doc = json!({
        "format": FORMAT,
        "version": VERSION,
        "model": P::NAME,
        "params": Value::Object(p),
        "fit": diagnostics,
        "covariance": covariance.map(|c| c.matrix()),
    });
    // Written only when known, so that a model without a unit gives today's document.
    if let (Some(u), Value::Object(map)) = (time_unit, &mut doc) {
        map.insert("time_unit".to_string(), json!(u.as_str()));
    }
    serde_json::to_string_pretty(&doc).map_err(|e| Error::json_source("$", e))
}

/// Reads and validates a document of family `P`.
#[cfg(feature = "serde")]
pub(crate) fn from_json<P: ModelParams>(text: &str) -> Result<Document> {
    let raw: RawDoc = serde_json::from_str(text).map_err(|e| Error::json_source("$", e))?;
    if raw.format != FORMAT {
        return Err(json_err("$.format", format!("expected {FORMAT:?}, got {:?}", raw.format)));
    }
    if raw.model != P::NAME {
        // The name of another registered family says which; any other name is unknown here.
        let reason = match ModelKind::parse(&raw.model, "model") {
            Ok(kind) => {
                format!("document holds a {} model, expected {}", kind.as_str(), P::NAME)
            }
            Err(_) => Error::unknown_name("model", &raw.model, &[P::NAME]).to_string(),
        };
        return Err(json_err("$.model", reason));
    }
    if !P::VERSIONS.contains(&raw.version) {
        let supported: Vec<String> = P::VERSIONS.iter().map(|v| v.to_string()).collect();
        return Err(json_err(
            "$.version",
            format!(
                "unsupported version {} of a {} document; this build reads version {}",
                raw.version,
                P::NAME,
                supported.join(", ")
            ),
        ));
    }
    let time_unit = match &raw.time_unit {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(text)) => Some(
            crate::names::parse_field::<crate::TimeUnit>(text, "time_unit")
                .map_err(|e| json_err("$.time_unit", e))?,
        ),
        Some(other) => {
            return Err(json_err(
                "$.time_unit",
                format!("expected a unit name (D, W, M or Y) or null, got {other}"),
            ))
        }
    };
    let names = P::NAMES;
    for key in raw.params.keys() {
        if !names.contains(&key.as_str()) {
            return Err(json_err(format!("$.params.{key}"), "unknown parameter"));
        }
    }
    let mut params = Vec::with_capacity(names.len());
    for n in names {
        let v = raw
            .params
            .get(*n)
            .ok_or_else(|| json_err(format!("$.params.{n}"), "missing parameter"))?
            .as_f64()
            .ok_or_else(|| json_err(format!("$.params.{n}"), "not a number"))?;
        super::check_param(n, v).map_err(|e| json_err(format!("$.params.{n}"), e))?;
        params.push(v);
    }
    if let Some(fit) = &raw.fit {
        if !fit.log_likelihood.is_finite() || !(fit.n_obs > 0.0) {
            return Err(json_err("$.fit", "log_likelihood must be finite and n_obs > 0"));
        }
    }
    let covariance = match raw.covariance {
        None => None,
        Some(m) => {
            let k = params.len();
            if m.len() != k || m.iter().any(|row| row.len() != k) {
                return Err(json_err("$.covariance", format!("must be a {k}x{k} matrix")));
            }
            let log: Vec<Vec<f64>> = (0..k)
                .map(|i| (0..k).map(|j| m[i][j] / (params[i] * params[j])).collect())
                .collect();
            Some(
                Covariance::from_log_covariance(params.clone(), log)
                    .map_err(|e| json_err("$.covariance", e))?,
            )
        }
    };
    Ok(Document { params, diagnostics: raw.fit, covariance, time_unit })
}
