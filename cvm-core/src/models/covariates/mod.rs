//! Covariates: lifetime and spend models whose parameters depend on what the business knows
//! about each customer (acquisition channel, region, first-order size, …).
//!
//! A covariate model is the plain model with per-customer parameters: customer `i` with
//! covariates `z_i` has the plain model's parameters with the linked ones shifted,
//! `p_ij = p_j · exp(sign_j · γ_process · z_i)` ([`links`]: the CLVTools parameterisation
//! for the Pareto/NBD, BG/NBD and MBG/NBD, and the scale of the spend rates for the
//! Gamma-Gamma). The one covariate likelihood evaluates the plain model's log-likelihood of
//! each customer at that customer's parameters, and its gradient in the natural parameters,
//! and applies the chain rule to the base parameters and the coefficients; the shared driver
//! ([`crate::models::fit_ml`]) maximises it from the plain model's fit (all coefficients 0), so
//! the likelihood-ratio test against the plain model comes for free. Predictions use the plain
//! model's kernels at each customer's parameters.
//!
//! Options ([`CovariateOptions`]): an L2 penalty on the coefficients only, and equality
//! constraints (one coefficient shared by the transaction and lifetime processes for a
//! column). Covariate columns must identify their coefficients: a constant column, a duplicate
//! or a linear combination of earlier columns is [`crate::Error::NotIdentified`] naming it.
//!
//! # Files
//! [`Covariates`] (`matrix.rs`); the links and the design (`link.rs`); the plain models'
//! per-customer log-likelihoods with gradients (`rows.rs`); the covariate likelihood
//! (`likelihood.rs`); [`fit`], [`fit_spend`] and their options (`fit.rs`); [`CovariateModel`]
//! (`model.rs`); its JSON document (`persist.rs`); its predictions per customer
//! (`predict.rs`).
//!
//! # Examples
//! The Pareto/NBD with one covariate on each process, simulated per customer with the plain
//! simulator at that customer's parameters (`α_i = α e^{−γ_trans z_i}`,
//! `β_i = β e^{−γ_life z_i}`):
//! ```
//! use cvm_core::models::covariates::{fit, Covariates, ProcessCovariates};
//! use cvm_core::models::{simulate, ModelKind, ParetoNbdParams, SimulationOptions};
//! let (n, g_trans, g_life) = (4000, 0.7, -0.5);
//! let (mut x, mut tx, mut t, mut z) = (vec![], vec![], vec![], vec![]);
//! for group in 0..2 {
//!     let zi = group as f64;
//!     let p = ParetoNbdParams::new(0.6, 10.0 * (-g_trans * zi).exp(), 0.8, 12.0 * (-g_life * zi).exp())?;
//!     let o = SimulationOptions::default().with_n_customers(n / 2).with_seed(7 + group);
//!     let s = simulate::pareto_nbd(&p, &o)?;
//!     x.extend(s.frequency); tx.extend(s.recency); t.extend(s.t);
//!     z.extend(std::iter::repeat_n(zi, n / 2));
//! }
//! let zc = Covariates::new(&["vip"], &z)?;
//! let cov = ProcessCovariates::default().with_transaction(zc.clone()).with_lifetime(zc);
//! let m = fit(ModelKind::ParetoNbd, &x, &tx, &t, &cov, &Default::default())?;
//! assert_eq!(&m.names()[4..], &["trans_vip", "life_vip"]);
//! let (se, g) = (m.standard_errors()?, m.coefficients());
//! assert!((g[0] - g_trans).abs() < 4.0 * se[4]);
//! assert!(m.likelihood_ratio_test().p_value < 1e-3);
//! # Ok::<(), cvm_core::Error>(())
//! ```

mod columns;
mod fit;
mod likelihood;
mod link;
mod matrix;
mod model;
#[cfg(feature = "serde")]
mod persist;
mod predict;
mod rows;
mod spend;

pub use columns::{Column, Covariates};
pub use fit::{fit, fit_spend, CovariateOptions, ProcessCovariates};
pub(crate) use link::Design;
pub use link::{links, LinkTerm, Process};
pub use model::{CovariateModel, LikelihoodRatioTest};
