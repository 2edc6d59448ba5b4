//! One type for any fitted continuous-time transaction model (BG/NBD, MBG/NBD, Pareto/NBD), so
//! that the bindings (and applications choosing a model at run time) handle them alike.
//!
//! # Examples
//! ```
//! use cvm_core::models::{AnyModel, ModelKind, TransactionModel};
//! let m = AnyModel::from_params(ModelKind::BgNbd, &[0.243, 4.414, 0.793, 2.426])?;
//! let p = m.as_model().probability_alive(&[26.0], &[30.85714], &[31.0])?;
//! assert!((p[0] - 0.968852).abs() < 1e-6);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::error::{Error, Result};

use super::{
    BgNbd, BgNbdParams, Covariance, FitDiagnostics, FitOptions, MbgNbd, MbgNbdParams, ModelKind,
    ParetoNbd, ParetoNbdParams, SummaryData, TransactionModel,
};

/// A BG/NBD, MBG/NBD or Pareto/NBD model, fitted or built from parameters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AnyModel {
    /// BG/NBD.
    BgNbd(BgNbd),
    /// MBG/NBD.
    MbgNbd(MbgNbd),
    /// Pareto/NBD.
    ParetoNbd(ParetoNbd),
}

impl AnyModel {
    /// The transaction-model kinds this type holds.
    pub const KINDS: &'static [ModelKind] =
        &[ModelKind::BgNbd, ModelKind::MbgNbd, ModelKind::ParetoNbd];

    fn unsupported(kind: ModelKind) -> Error {
        Error::unknown_name("model", kind.as_str(), ModelKind::TRANSACTION_NAMES)
    }

    /// Fits a model of `kind` by maximum likelihood.
    ///
    /// # Errors
    /// As the model's `fit`; [`Error::UnknownName`] for a kind that is not a continuous-time
    /// transaction model.
    pub fn fit(kind: ModelKind, data: &SummaryData, options: &FitOptions) -> Result<Self> {
        Ok(match kind {
            ModelKind::BgNbd => AnyModel::BgNbd(BgNbd::fit(data, options)?),
            ModelKind::MbgNbd => AnyModel::MbgNbd(MbgNbd::fit(data, options)?),
            ModelKind::ParetoNbd => AnyModel::ParetoNbd(ParetoNbd::fit(data, options)?),
            #[allow(unreachable_patterns)]
            other => return Err(Self::unsupported(other)),
        })
    }

    /// A model of `kind` with known parameters (in the order of [`ModelKind::param_names`]).
    ///
    /// # Errors
    /// A wrong number of parameters ([`Error::LengthMismatch`] `params`), an invalid parameter.
    pub fn from_params(kind: ModelKind, params: &[f64]) -> Result<Self> {
        crate::error::check::same_len("params", kind.param_names().len(), params.len())?;
        Ok(match kind {
            ModelKind::BgNbd => {
                AnyModel::BgNbd(BgNbd::from_params(BgNbdParams::from_slice(params)?)?)
            }
            ModelKind::MbgNbd => {
                AnyModel::MbgNbd(MbgNbd::from_params(MbgNbdParams::from_slice(params)?)?)
            }
            ModelKind::ParetoNbd => {
                AnyModel::ParetoNbd(ParetoNbd::from_params(ParetoNbdParams::from_slice(params)?)?)
            }
            #[allow(unreachable_patterns)]
            other => return Err(Self::unsupported(other)),
        })
    }

    /// Reads a model document of any of the three kinds (see [`super::persist`]).
    ///
    /// # Errors
    /// [`Error::Json`] for a malformed document or one of another kind; invalid parameters.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| Error::json_source("$", e))?;
        let name = value
            .get("model")
            .and_then(|m| m.as_str())
            .ok_or_else(|| Error::json("$.model", "missing model name"))?;
        let kind =
            ModelKind::parse_transaction(name, "model").map_err(|e| Error::json("$.model", e))?;
        Ok(match kind {
            ModelKind::BgNbd => AnyModel::BgNbd(BgNbd::from_json(text)?),
            ModelKind::MbgNbd => AnyModel::MbgNbd(MbgNbd::from_json(text)?),
            ModelKind::ParetoNbd => AnyModel::ParetoNbd(ParetoNbd::from_json(text)?),
            #[allow(unreachable_patterns)]
            other => return Err(Error::json("$.model", Self::unsupported(other))),
        })
    }

    /// The versioned JSON document of the model.
    ///
    /// # Errors
    /// [`Error::Json`] if serialisation fails.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        match self {
            AnyModel::BgNbd(m) => m.to_json(),
            AnyModel::MbgNbd(m) => m.to_json(),
            AnyModel::ParetoNbd(m) => m.to_json(),
        }
    }

    /// The model family.
    pub fn kind(&self) -> ModelKind {
        match self {
            AnyModel::BgNbd(_) => ModelKind::BgNbd,
            AnyModel::MbgNbd(_) => ModelKind::MbgNbd,
            AnyModel::ParetoNbd(_) => ModelKind::ParetoNbd,
        }
    }

    /// The unit of time of the model's data, when recorded (see [`BgNbd::time_unit`]).
    pub fn time_unit(&self) -> Option<crate::TimeUnit> {
        self.as_model().time_unit()
    }

    /// The same model, recording `unit` as the unit of time of its data (`None`: unknown).
    #[must_use]
    pub fn with_time_unit(self, unit: Option<crate::TimeUnit>) -> Self {
        match self {
            AnyModel::BgNbd(m) => AnyModel::BgNbd(m.with_time_unit(unit)),
            AnyModel::MbgNbd(m) => AnyModel::MbgNbd(m.with_time_unit(unit)),
            AnyModel::ParetoNbd(m) => AnyModel::ParetoNbd(m.with_time_unit(unit)),
        }
    }

    /// The predictions every model offers.
    pub fn as_model(&self) -> &dyn TransactionModel {
        match self {
            AnyModel::BgNbd(m) => m,
            AnyModel::MbgNbd(m) => m,
            AnyModel::ParetoNbd(m) => m,
        }
    }

    /// Diagnostics of the fit (None for a model built from parameters).
    pub fn diagnostics(&self) -> Option<&FitDiagnostics> {
        match self {
            AnyModel::BgNbd(m) => m.diagnostics(),
            AnyModel::MbgNbd(m) => m.diagnostics(),
            AnyModel::ParetoNbd(m) => m.diagnostics(),
        }
    }

    /// Covariance of the estimates, when fitted.
    pub fn covariance(&self) -> Option<&Covariance> {
        self.as_model().covariance()
    }

    /// P(X(horizon) = n) for a new customer.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`t`) for a negative or non-finite `horizon`.
    pub fn probability_of_n_purchases(&self, horizon: f64, n: u64) -> Result<f64> {
        match self {
            AnyModel::BgNbd(m) => m.probability_of_n_purchases(horizon, n),
            AnyModel::MbgNbd(m) => m.probability_of_n_purchases(horizon, n),
            AnyModel::ParetoNbd(m) => m.probability_of_n_purchases(horizon, n),
        }
    }

    /// Log-likelihood of a whole summary at the model's parameters.
    pub fn log_likelihood(&self, data: &SummaryData) -> f64 {
        match self {
            AnyModel::BgNbd(m) => m.log_likelihood(data),
            AnyModel::MbgNbd(m) => m.log_likelihood(data),
            AnyModel::ParetoNbd(m) => m.log_likelihood(data),
        }
    }

    /// Discounted expected residual transactions (Pareto/NBD only) at continuous rate `delta`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`model`) for BG/NBD and MBG/NBD, which have no closed form;
    /// invalid inputs as [`ParetoNbd::dert`].
    pub fn dert(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64], delta: f64,
    ) -> Result<Vec<f64>> {
        match self {
            AnyModel::ParetoNbd(m) => m.dert(frequency, recency, t_cal, delta),
            other => Err(Error::invalid(
                "model",
                format!(
                    "DERT has a closed form for pareto_nbd only (this is {})",
                    other.kind().as_str()
                ),
            )),
        }
    }
}
