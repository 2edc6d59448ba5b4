//! The names most programs use, in one import: `use cvm_core::prelude::*;`.
//!
//! It holds the error type, the summary step, the lifetime and spend models with their options
//! and traits (prediction and fitting), and customer-lifetime value. Nothing in it is new: each
//! item is also at its own path (e.g. [`crate::models::BgNbd`]).
//!
//! # Examples
//! ```
//! use cvm_core::prelude::*;
//!
//! let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
//! // Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
//! let e = m.conditional_expected_purchases(39.0, &[2.0], &[30.43], &[38.86])?;
//! assert!((e[0] - 1.226).abs() < 1e-3);
//! # Ok::<(), Error>(())
//! ```

pub use crate::clv::{customer_lifetime_value, ClvMethod, ClvOptions, ClvResult};
pub use crate::error::{Error, Result};
pub use crate::models::{
    fit_ml, AnyModel, BgBb, BgBbParams, BgNbd, BgNbdParams, Covariance, FitData, FitDiagnostics,
    FitOptions, Fitted, GammaGamma, GammaGammaParams, Likelihood, MbgNbd, MbgNbdParams, MlFit,
    ModelInfo, ModelParams, ParetoNbd, ParetoNbdParams, PerRow, RowLikelihood, SbgParams,
    ShiftedBetaGeometric, SpendModel, SummaryData, TransactionModel,
};
pub use crate::summary::{
    summarize, CustomerSummary, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog,
};
