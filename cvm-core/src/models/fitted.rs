//! [`Fitted`], the one fitted-model type: a model family's parameters plus, when estimated, the
//! diagnostics and covariance of the fit and the unit of time of the data, with the getters,
//! constructors and JSON persistence written once for every family.
//!
//! A family states its parameters through [`ModelParams`] (its name in documents, the
//! parameter names, conversion from and to a slice); every model of the crate is an alias,
//! e.g. [`BgNbd`](super::BgNbd) `= Fitted<BgNbdParams>`, and adds its own methods (fit,
//! predictions) in its file.
//!
//! # Examples
//! ```
//! use cvm_core::models::{BgNbd, BgNbdParams, Fitted};
//! let m: BgNbd = Fitted::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
//! assert!(m.diagnostics().is_none() && m.covariance().is_none());
//! # #[cfg(feature = "serde")] {
//! let back = BgNbd::from_json(&m.to_json()?)?;
//! assert_eq!(back, m);
//! # }
//! # Ok::<(), cvm_core::Error>(())
//! ```

use super::{Covariance, FitDiagnostics, MlFit};
use crate::error::{check, Result};

/// The parameters of a model family: what [`Fitted`] and its JSON documents
/// ([`super::persist`]) need to know about them. The crate's families declare their parameter
/// struct with `params_struct!`, which implements it, and are listed in the registry of
/// [`super::ModelKind`]; a family of one's own implements it by hand, with a name of its own.
pub trait ModelParams: Sized + Clone + std::fmt::Debug + PartialEq + Send + Sync {
    /// The family's name in JSON documents (`"bg_nbd"`, …).
    const NAME: &'static str;

    /// The document versions this crate reads for the family (it writes the last one).
    const VERSIONS: &'static [u32] = &[super::persist::VERSION];

    /// Parameter names, as in the papers, in the order of [`ModelParams::to_vec`].
    const NAMES: &'static [&'static str];

    /// Validated parameters from a slice in the order of [`ModelParams::NAMES`].
    ///
    /// # Errors
    /// [`Error::LengthMismatch`](crate::Error::LengthMismatch) (`params`), or
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) naming the first invalid parameter.
    fn from_slice(p: &[f64]) -> Result<Self>;

    /// The values, in the order of [`ModelParams::NAMES`].
    fn to_vec(&self) -> Vec<f64>;
}

/// What every model states about itself, whatever it predicts: its name, its parameters and,
/// when estimated, their covariance, and the unit of time of its data. The supertrait of
/// [`TransactionModel`](super::TransactionModel) and [`SpendModel`](super::SpendModel), so that
/// their vectorised methods and intervals are written once over these; every [`Fitted`] model
/// implements it (a blanket implementation), a model of one's own states the five values.
pub trait ModelInfo: Send + Sync {
    /// The model's name (in JSON documents and errors): `bg_nbd`, `gamma_gamma`, ….
    fn model_name(&self) -> &'static str;

    /// Parameter names, as in the papers.
    fn param_names(&self) -> &'static [&'static str];

    /// Parameter values, in the order of [`ModelInfo::param_names`].
    fn params(&self) -> Vec<f64>;

    /// The covariance of the estimated parameters, when the model was fitted.
    fn covariance(&self) -> Option<&Covariance>;

    /// The unit of time of the model's data (recency, T; for the BG/BB one opportunity), when
    /// the model records it; `None` when unknown.
    fn time_unit(&self) -> Option<crate::TimeUnit>;
}

impl<P: ModelParams> ModelInfo for Fitted<P> {
    fn model_name(&self) -> &'static str {
        P::NAME
    }

    fn param_names(&self) -> &'static [&'static str] {
        P::NAMES
    }

    fn params(&self) -> Vec<f64> {
        self.params.to_vec()
    }

    fn covariance(&self) -> Option<&Covariance> {
        self.covariance.as_ref()
    }

    fn time_unit(&self) -> Option<crate::TimeUnit> {
        self.time_unit
    }
}

/// A model of family `P`: parameters, plus fit diagnostics and covariance when estimated, and
/// the unit of time of its data when known. Immutable once built.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted<P> {
    pub(super) params: P,
    pub(super) diagnostics: Option<FitDiagnostics>,
    pub(super) covariance: Option<Covariance>,
    pub(super) time_unit: Option<crate::TimeUnit>,
}

impl<P: ModelParams> Fitted<P> {
    /// A model with known parameters (no diagnostics, no covariance).
    ///
    /// # Errors
    /// An invalid parameter (re-validated, e.g. when the struct was built by hand):
    /// [`Error::InvalidValue`](crate::Error::InvalidValue) naming it.
    pub fn from_params(params: P) -> Result<Self> {
        P::from_slice(&params.to_vec())?;
        Ok(Fitted { params, diagnostics: None, covariance: None, time_unit: None })
    }

    /// A model with known parameters and (optionally) the diagnostics and covariance of the fit
    /// that produced them (used when reading a JSON document).
    ///
    /// # Errors
    /// An invalid parameter, or a covariance of the wrong size
    /// ([`Error::LengthMismatch`](crate::Error::LengthMismatch) `covariance`).
    pub fn from_parts(
        params: P, diagnostics: Option<FitDiagnostics>, covariance: Option<Covariance>,
    ) -> Result<Self> {
        let mut m = Self::from_params(params)?;
        if let Some(c) = &covariance {
            check::same_len("covariance", P::NAMES.len(), c.log_matrix().len())?;
        }
        m.diagnostics = diagnostics;
        m.covariance = covariance;
        Ok(m)
    }

    /// The model estimated by [`fit_ml`](super::fit_ml): its parameters (natural scale, in the
    /// order of [`ModelParams::NAMES`]), diagnostics and covariance, with the data's unit of
    /// time.
    ///
    /// # Errors
    /// [`Error::NotIdentified`](crate::Error::NotIdentified) naming the model when an estimate
    /// ran out of the parameter domain `[PARAM_MIN, PARAM_MAX]` (the data do not bound it).
    pub fn from_fit(fit: MlFit, time_unit: Option<crate::TimeUnit>) -> Result<Self> {
        super::check_estimate(P::NAME, P::NAMES, &fit.params)?;
        Ok(Fitted {
            params: P::from_slice(&fit.params)?,
            diagnostics: Some(fit.diagnostics),
            covariance: fit.covariance,
            time_unit,
        })
    }

    /// The unit of time of the data the model describes (ages, recency, T; for the BG/BB and
    /// the sBG, one opportunity or period), when known: set by a fit from
    /// [`FitOptions::time_unit`](super::FitOptions::time_unit), by [`Self::with_time_unit`], or
    /// read from a JSON document. `None` when unknown.
    pub fn time_unit(&self) -> Option<crate::TimeUnit> {
        self.time_unit
    }

    /// The same model, recording `unit` as the unit of time of its data (`None`: unknown).
    #[must_use]
    pub fn with_time_unit(mut self, unit: Option<crate::TimeUnit>) -> Self {
        self.time_unit = unit;
        self
    }

    /// The parameters.
    pub fn params(&self) -> &P {
        &self.params
    }

    /// Diagnostics of the fit (None for a model built from parameters).
    pub fn diagnostics(&self) -> Option<&FitDiagnostics> {
        self.diagnostics.as_ref()
    }

    /// Covariance of the estimates (None for a model built from parameters, or when the Hessian
    /// at the estimate is not positive definite).
    pub fn covariance(&self) -> Option<&Covariance> {
        self.covariance.as_ref()
    }

    /// Serialises the model as a versioned JSON document (see [`crate::models::persist`]).
    ///
    /// # Errors
    /// [`Error::Json`](crate::Error::Json) if serialisation fails.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        super::persist::to_json::<P>(
            &self.params.to_vec(),
            self.diagnostics.as_ref(),
            self.covariance.as_ref(),
            self.time_unit,
        )
    }

    /// Reads a model written by [`Fitted::to_json`] (by this or an earlier version of the
    /// crate); parameters are validated.
    ///
    /// # Errors
    /// [`Error::Json`](crate::Error::Json) for a malformed document, another model, unknown
    /// fields or an unsupported version (naming the JSON path and what is supported); an
    /// invalid parameter.
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self> {
        let doc = super::persist::from_json::<P>(text)?;
        Ok(Self::from_parts(P::from_slice(&doc.params)?, doc.diagnostics, doc.covariance)?
            .with_time_unit(doc.time_unit))
    }
}

/// Implements [`ModelParams`] for a parameter struct with inherent `NAMES`, `from_slice` and
/// `to_vec`: `model_params!(BgNbdParams, "bg_nbd");`.
macro_rules! model_params {
    ($ty:ty, $name:literal) => {
        impl $crate::models::ModelParams for $ty {
            const NAME: &'static str = $name;
            const NAMES: &'static [&'static str] = <$ty>::NAMES;
            fn from_slice(p: &[f64]) -> $crate::Result<Self> {
                <$ty>::from_slice(p)
            }
            fn to_vec(&self) -> Vec<f64> {
                <$ty>::to_vec(self)
            }
        }
    };
}
pub(crate) use model_params;

/// Declares a model family's parameter struct (all parameters `f64`, finite and > 0, named as
/// the fields) with its inherent `NAMES`, `new`, `from_slice`, `to_vec`, the unchecked `raw`
/// (kernels at trial parameters) and its [`ModelParams`] implementation under the family's
/// `name`:
/// `params_struct! { /// doc  pub struct BgNbdParams as "bg_nbd" { /// doc  r, … } }`.
macro_rules! params_struct {
    (
        $(#[$meta:meta])*
        pub struct $ty:ident as $name:literal {
            $(#[$fm0:meta])* $f0:ident
            $(, $(#[$fm:meta])* $f:ident)* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
        #[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
        pub struct $ty {
            $(#[$fm0])*
            pub $f0: f64,
            $($(#[$fm])* pub $f: f64,)*
        }

        impl $ty {
            /// Names, as in the papers.
            pub const NAMES: &'static [&'static str] = &[stringify!($f0) $(, stringify!($f))*];

            /// Validated parameters.
            ///
            /// # Errors
            /// [`Error::InvalidValue`](crate::Error::InvalidValue) naming the first parameter
            /// that is not finite and > 0.
            pub fn new($f0: f64 $(, $f: f64)*) -> $crate::Result<Self> {
                $crate::models::check_params(Self::NAMES, &[$f0 $(, $f)*])?;
                Ok($ty { $f0 $(, $f)* })
            }

            #[doc = concat!("From a slice in the order of [`", stringify!($ty), "::NAMES`].")]
            ///
            /// # Errors
            /// [`Error::LengthMismatch`](crate::Error::LengthMismatch) (`params`) or an invalid
            /// parameter.
            pub fn from_slice(p: &[f64]) -> $crate::Result<Self> {
                $crate::error::check::same_len("params", Self::NAMES.len(), p.len())?;
                let v = Self::raw(p);
                Self::new(v.$f0 $(, v.$f)*)
            }

            #[doc = concat!("`[", stringify!($f0), $(", ", stringify!($f),)* "]`.")]
            pub fn to_vec(&self) -> Vec<f64> {
                vec![self.$f0 $(, self.$f)*]
            }

            /// The parameters of a slice in the order of `NAMES`, unchecked (NaN for a missing
            /// one): the kernels' view of trial parameters.
            #[allow(dead_code)] // not every family evaluates kernels at trial parameters
            pub(super) fn raw(p: &[f64]) -> Self {
                let mut it = p.iter().copied();
                $ty {
                    $f0: it.next().unwrap_or(f64::NAN)
                    $(, $f: it.next().unwrap_or(f64::NAN))*
                }
            }
        }

        $crate::models::fitted::model_params!($ty, $name);
    };
}
pub(crate) use params_struct;
