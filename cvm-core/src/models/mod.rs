//! Lifetime ("buy 'til you die") models of repeat purchasing in non-contractual settings.
//!
//! * [`BgNbd`] — the beta-geometric/NBD model (Fader, Hardie & Lee 2005, *"Counting your
//!   customers" the easy way*, Marketing Science 24(2));
//! * [`MbgNbd`] — the modified BG/NBD (Batislam, Denizel & Filiztekin 2007, IJRM 24(3)), in which
//!   a customer may also drop out right after the first purchase;
//! * [`ParetoNbd`] — the Pareto/NBD (Schmittlein, Morrison & Colombo 1987; likelihood and
//!   expressions from Fader & Hardie's notes, 2005).
//!
//! All three consume a customer summary — `frequency` x (repeat purchases), `recency` t_x (age at
//! the last purchase) and `T` (age at the end of calibration), in any time unit — and share one
//! shape: [`FitOptions`] → `Xxx::fit(&SummaryData, &FitOptions)` → an immutable fitted model with
//! getters ([`FitDiagnostics`], [`Covariance`]) and vectorised predictions; or
//! `Xxx::from_params(params)` for known parameters. The [`TransactionModel`] trait is what they
//! have in common (and what customer-lifetime-value code integrates over).
//!
//! # Names and argument order
//! One name per concept throughout the models, CLV and churn: `horizon` is the span of a
//! prediction (`(T, T + horizon]` for a customer with history, `(0, horizon]` for a new one);
//! `frequency`, `recency` and `t_cal` are the customer columns (`x`, `t_x`, `T`: `t_cal` is the
//! customer's age at the end of calibration), and `x`, `t_x`, `t_cal` their scalars in the
//! kernels. The horizon comes first, then the customer (`conditional_expected_purchases(horizon,
//! frequency, recency, t_cal)`, `probability_of_n_purchases(horizon, n)`,
//! `probability_no_purchase_at(horizon, x, t_x, t_cal)`); a kernel at other parameter values takes
//! `params` before both. Errors keep the field names the bindings expose: an invalid horizon is
//! [`Error::InvalidValue`](crate::Error::InvalidValue) with field `t`.
//!
//! # Estimation
//! Maximum likelihood on the logarithms of the parameters by the one driver, [`fit_ml`] (see
//! [`driver`] for the method): the objective is the *mean* negative log-likelihood
//! per customer plus `penalizer · Σ ln(θ_j)²`, BFGS with a warm start from a subsample from
//! 8,000 rows on and a Newton finish for models with an exact joint Hessian (the Pareto/NBD). The
//! log-likelihood reported is the sum over customers, in the data's time unit — the number the
//! papers print. Rows are summed in fixed-size chunks whose partial sums are combined in order,
//! so results are bit-identical with and without the `parallel` feature. Gradients are analytic
//! for every model: closed forms for the BG/NBD and MBG/NBD, and for the Pareto/NBD moments of
//! elementary functions under one Gauss–Legendre quadrature of the likelihood's integral term
//! (see `pareto_nbd.rs`), which gives value, gradient and Hessian in one pass. A model of one's
//! own plugs in through [`Likelihood`] (or, one customer at a time, [`RowLikelihood`]).
//!
//! The parameter covariance is the inverse of the exact Hessian of the total negative
//! log-likelihood in log-parameters, mapped to the natural scale with the delta method.
//!
//! # Files
//! [`FitOptions`] (`options.rs`); the driver and its traits (`driver.rs`); [`Covariance`], the
//! delta method and [`normal_quantile`] (`covariance.rs`); [`SummaryData`] and the validation of
//! customer columns (`data.rs`); the parameter domain and shared checks (`checks.rs`); the
//! prediction trait [`TransactionModel`] (`transaction.rs`); the BG-family likelihood terms
//! (`bg_family_likelihood.rs`) and the methods the BG/NBD and MBG/NBD share
//! (`bg_family_methods.rs`); one file per model.
//!
//! # Prediction intervals
//! `probability_alive_interval` and `conditional_expected_purchases_interval` use the **delta
//! method**: the gradient of the prediction with respect to the log-parameters (central differences)
//! combined with the log-parameter covariance gives a standard error on the logit scale (for
//! P(alive)) or the log scale (for expected purchases); the interval is formed there and mapped
//! back, so it always lies inside the prediction's range.

pub mod any;
pub mod bg_bb;
mod bg_bb_likelihood;
mod bg_family;
mod bg_family_likelihood;
mod bg_family_methods;
pub mod bg_nbd;
mod bg_nbd_likelihood;
mod by_frequency;
mod checks;
mod covariance;
pub mod covariates;
mod data;
pub mod diagnostics;
pub mod driver;
pub mod fitted;
pub mod gamma_gamma;
mod gamma_gamma_likelihood;
mod gradient;
pub mod mbg_nbd;
mod options;
pub mod pareto_nbd;
mod pareto_nbd_alive;
mod pareto_nbd_count;
mod pareto_nbd_dert;
mod pareto_nbd_likelihood;
mod pareto_nbd_likelihood_x0;
pub mod persist;
mod problem;
pub mod sbg;
mod sbg_likelihood;
pub mod simulate;
mod spend;
mod transaction;

pub use any::AnyModel;
pub use bg_bb::{BgBb, BgBbParams};
pub use bg_nbd::{BgNbd, BgNbdParams};
pub use checks::{PARAM_MAX, PARAM_MIN};
pub use covariance::{normal_quantile, Covariance, PredictionInterval};
pub use data::{SummaryData, MAX_FREQUENCY};
pub use diagnostics::{
    calibration_holdout_table, repeat_histogram, CalibrationHoldoutTable, RepeatHistogram,
};
pub use driver::{
    fit_ml, FitData, FitDiagnostics, JointPass, Likelihood, MlFit, PerRow, RowLikelihood,
};
pub use fitted::{Fitted, ModelInfo, ModelParams};
pub use gamma_gamma::{GammaGamma, GammaGammaParams};
pub use mbg_nbd::{MbgNbd, MbgNbdParams};
pub use options::FitOptions;
pub use pareto_nbd::{ParetoNbd, ParetoNbdParams};
pub use persist::ModelKind;
pub use sbg::{SbgParams, ShiftedBetaGeometric};
pub use simulate::{Rng, SimulatedCohort, SimulationOptions};
pub use spend::{frequency_monetary_correlation, SpendModel};
pub use transaction::TransactionModel;

pub(crate) use crate::special::{log_add_exp as ln_add, one_minus_exp_over};
pub(crate) use bg_family_likelihood::{Order, XTerms};
#[cfg(feature = "serde")]
pub(crate) use checks::check_param;
pub(crate) use checks::{
    check_estimate, check_identifiable, check_outputs, check_params, check_t, fmt_params,
};
pub(crate) use covariance::{delta_interval, z_for_level, Link};
pub(crate) use data::check_customers;
pub(crate) use gradient::{log_gradient, log_gradients, quadratic_form, Scratch};
