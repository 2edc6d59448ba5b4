//! [`CovariateModel`]: a fitted model with covariates — base parameters and coefficients, their
//! covariance, the likelihood-ratio test against the plain model, and each customer's
//! parameters from that customer's covariates (the predictions are in `predict.rs`).

use super::columns::Encoding;
use super::fit::ProcessCovariates;
use super::likelihood::{CovLik, Rows};
use super::link::{links, Block, Design, Process};
use crate::error::{Error, Result};
use crate::models::{z_for_level, FitDiagnostics, ModelKind};
use crate::special::{ln_gamma, ln_upper_incomplete_gamma};

/// The covariate columns a model was fitted with: per process, the encoding of its columns
/// and the index of each design column's coefficient.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout(Vec<(Process, Vec<Encoding>, Vec<usize>)>);

impl Layout {
    pub(crate) fn of(design: &Design) -> Self {
        Layout(
            design
                .blocks
                .iter()
                .map(|b| (b.process, b.encodings.clone(), b.coef.clone()))
                .collect(),
        )
    }

    /// The layout of a stored model: per process, the encodings and the coefficient indices.
    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn from_blocks(blocks: Vec<(Process, Vec<Encoding>, Vec<usize>)>) -> Self {
        Layout(blocks)
    }

    /// Per process, the encodings of its columns.
    pub(crate) fn encodings(&self) -> impl Iterator<Item = (Process, &[Encoding])> {
        self.0.iter().map(|(p, e, _)| (*p, e.as_slice()))
    }

    /// The design of `kind` on new covariates, encoded as at the fit (columns picked by name).
    pub(crate) fn design(
        &self, kind: ModelKind, n: usize, covariates: &ProcessCovariates,
    ) -> Result<Design> {
        let mut blocks = Vec::new();
        for (process, encodings, coef) in &self.0 {
            let field = format!("{}_covariates", process.prefix());
            let Some(z) = covariates.of(*process) else {
                let cols: Vec<&str> = encodings.iter().map(Encoding::name).collect();
                let reason = format!("missing: the model uses columns {cols:?}");
                return Err(Error::invalid(field, reason));
            };
            crate::error::check::same_len(&field, n, z.n_rows())?;
            let z = z.design(encodings, &field)?;
            blocks.push(Block {
                process: *process,
                encodings: encodings.clone(),
                z,
                coef: coef.clone(),
            });
        }
        let n_coef = self.0.iter().flat_map(|b| b.2.iter()).map(|j| j + 1).max().unwrap_or(0);
        Ok(Design {
            model: kind,
            terms: links(kind)?,
            blocks,
            coef_names: vec![String::new(); n_coef],
        })
    }
}

/// The likelihood-ratio test of a covariate model against the plain model (the null: every
/// coefficient 0): `2 (LL − LL₀)` against χ² with as many degrees of freedom as coefficients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LikelihoodRatioTest {
    /// `2 (LL − LL₀)`.
    pub statistic: f64,
    /// Number of coefficients.
    pub df: usize,
    /// `P(χ²_df ≥ statistic)`.
    pub p_value: f64,
}

/// A model fitted with covariates (see [`super::fit`]): the base parameters (natural scale)
/// followed by the coefficients, named `<base names>`, then `trans_<column>`, `life_<column>`,
/// `spend_<column>` or `shared_<column>`.
#[derive(Debug, Clone, PartialEq)]
pub struct CovariateModel {
    kind: ModelKind,
    names: Vec<String>,
    params: Vec<f64>,
    layout: Layout,
    log_covariance: Option<Vec<Vec<f64>>>,
    diagnostics: FitDiagnostics,
    plain_log_likelihood: f64,
    l2: f64,
    time_unit: Option<crate::TimeUnit>,
}

impl CovariateModel {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        kind: ModelKind, names: Vec<String>, params: Vec<f64>, layout: Layout,
        log_covariance: Option<Vec<Vec<f64>>>, diagnostics: FitDiagnostics,
        plain_log_likelihood: f64, l2: f64, time_unit: Option<crate::TimeUnit>,
    ) -> Self {
        CovariateModel {
            kind,
            names,
            params,
            layout,
            log_covariance,
            diagnostics,
            plain_log_likelihood,
            l2,
            time_unit,
        }
    }

    /// The model family.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// Parameter names: the base parameters, then the coefficients.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The estimate: base parameters (natural scale), then the coefficients `γ`.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// Number of base parameters.
    pub fn n_base(&self) -> usize {
        self.kind.param_names().len()
    }

    /// The base parameters (a customer whose covariates are all 0 has them).
    pub fn base_params(&self) -> &[f64] {
        &self.params[..self.n_base()]
    }

    /// The coefficients `γ`, in the order of `names()[n_base()..]`. `e^{γ}` is the factor by
    /// which one unit of the column multiplies the linked rate (see [`super::links`]).
    pub fn coefficients(&self) -> &[f64] {
        &self.params[self.n_base()..]
    }

    /// Fit diagnostics; the log-likelihood, AIC and BIC are those of the unpenalised
    /// likelihood at the estimate, with the coefficients counted as parameters.
    pub fn diagnostics(&self) -> &FitDiagnostics {
        &self.diagnostics
    }

    /// The log-likelihood of the plain model fitted on the same customers (the null of
    /// [`CovariateModel::likelihood_ratio_test`]).
    pub fn plain_log_likelihood(&self) -> f64 {
        self.plain_log_likelihood
    }

    /// The design columns of each process, in the order of their coefficients: numeric
    /// columns by name, categorical ones as `name[level]` per non-reference level.
    pub fn columns(&self) -> Vec<(Process, Vec<String>)> {
        self.layout
            .encodings()
            .map(|(p, e)| (p, e.iter().flat_map(Encoding::design_names).collect()))
            .collect()
    }

    /// The categorical columns of each process with their levels (sorted) and reference level,
    /// as learned at the fit: `(process, column, levels, reference)`.
    pub fn levels(&self) -> Vec<(Process, String, Vec<String>, String)> {
        self.layout
            .encodings()
            .flat_map(|(p, es)| {
                es.iter().filter_map(move |e| match e {
                    Encoding::Categorical { name, levels, reference } => {
                        Some((p, name.clone(), levels.clone(), reference.clone()))
                    }
                    Encoding::Numeric(_) => None,
                })
            })
            .collect()
    }

    #[cfg_attr(not(feature = "serde"), allow(dead_code))]
    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The model as a JSON document (the `cvm-model` format with a `covariates` section: the
    /// columns of each process, the penalty and the plain model's log-likelihood; the
    /// covariance on the scale `(ln base parameters, γ)`).
    ///
    /// # Errors
    /// [`Error::Json`] if serialisation fails.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::covariates::{fit, CovariateModel, Covariates, ProcessCovariates};
    /// use cvm_core::models::{simulate, BgNbdParams, ModelKind, SimulationOptions};
    /// let sim = simulate::bg_nbd(
    ///     &BgNbdParams::new(0.25, 4.0, 0.8, 2.5)?,
    ///     &SimulationOptions::default().with_n_customers(1000),
    /// )?;
    /// let z: Vec<f64> = (0..1000).map(|i| (i % 3) as f64).collect();
    /// let cov = ProcessCovariates::default().with_lifetime(Covariates::new(&["band"], &z)?);
    /// let m = fit(ModelKind::BgNbd, &sim.frequency, &sim.recency, &sim.t, &cov, &Default::default())?;
    /// let back = CovariateModel::from_json(&m.to_json()?)?;
    /// assert_eq!(back, m);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        super::persist::to_json(self)
    }

    /// Reads a document written by [`CovariateModel::to_json`].
    ///
    /// # Errors
    /// [`Error::Json`] naming the JSON path of a malformed, unknown or inconsistent entry (an
    /// unknown model, a process the model has no link for, a missing or unknown parameter, an
    /// invalid base parameter, a covariance of the wrong size).
    #[cfg(feature = "serde")]
    pub fn from_json(text: &str) -> Result<Self> {
        super::persist::from_json(text)
    }

    /// The L2 penalty the coefficients were fitted with.
    pub fn l2(&self) -> f64 {
        self.l2
    }

    /// The time unit of the data, when the fit recorded one.
    pub fn time_unit(&self) -> Option<crate::TimeUnit> {
        self.time_unit
    }

    /// The full covariance of `(ln base parameters, γ)`: the inverse Hessian of the (penalised)
    /// negative log-likelihood at the estimate; `None` when it could not be inverted.
    pub fn log_covariance(&self) -> Option<&[Vec<f64>]> {
        self.log_covariance.as_deref()
    }

    /// Standard errors: of the base parameters on the natural scale (delta method,
    /// `p · sd(ln p)`), of the coefficients directly.
    ///
    /// # Errors
    /// [`Error::no_covariance`] without a covariance.
    pub fn standard_errors(&self) -> Result<Vec<f64>> {
        let c = self.log_covariance.as_ref().ok_or_else(|| Error::no_covariance(None))?;
        let nb = self.n_base();
        Ok((0..self.params.len())
            .map(|j| {
                let sd = c[j][j].max(0.0).sqrt();
                if j < nb {
                    self.params[j] * sd
                } else {
                    sd
                }
            })
            .collect())
    }

    /// Confidence intervals at `level`: for the base parameters `p · e^{±z sd(ln p)}` (inside
    /// the positive domain), for the coefficients `γ ± z sd(γ)`.
    ///
    /// # Errors
    /// An invalid `level`; [`Error::no_covariance`] without a covariance.
    pub fn confidence_intervals(&self, level: f64) -> Result<Vec<(f64, f64)>> {
        let z = z_for_level(level)?;
        let c = self.log_covariance.as_ref().ok_or_else(|| Error::no_covariance(None))?;
        let nb = self.n_base();
        Ok((0..self.params.len())
            .map(|j| {
                let h = z * c[j][j].max(0.0).sqrt();
                let p = self.params[j];
                if j < nb {
                    (p * (-h).exp(), p * h.exp())
                } else {
                    (p - h, p + h)
                }
            })
            .collect())
    }

    /// The likelihood-ratio test against the plain model fitted on the same customers.
    /// Meaningful without penalty (`l2 = 0`).
    pub fn likelihood_ratio_test(&self) -> LikelihoodRatioTest {
        let df = self.params.len() - self.n_base();
        let statistic =
            (2.0 * (self.diagnostics.log_likelihood - self.plain_log_likelihood)).max(0.0);
        let p_value = if df == 0 {
            1.0
        } else {
            let s = df as f64 / 2.0;
            (ln_upper_incomplete_gamma(s, statistic / 2.0) - ln_gamma(s)).exp().min(1.0)
        };
        LikelihoodRatioTest { statistic, df, p_value }
    }

    /// Each customer's natural parameters from their covariates (columns picked by name, one
    /// row per customer).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming a process's covariates (`trans_covariates`, …) that are
    /// missing, or a missing column; [`Error::LengthMismatch`] when the matrices' rows differ
    /// from `n`.
    pub fn customer_params(
        &self, n: usize, covariates: &ProcessCovariates,
    ) -> Result<Vec<Vec<f64>>> {
        let design = self.layout.design(self.kind, n, covariates)?;
        let (base, coef) = self.params.split_at(self.n_base());
        Ok((0..n)
            .map(|i| {
                let mut p = vec![0.0; base.len()];
                design.customer_params(base, coef, i, &mut p);
                p
            })
            .collect())
    }

    /// Each customer's log-likelihood at that customer's parameters (the terms whose sum the
    /// fit maximises).
    ///
    /// # Errors
    /// As [`CovariateModel::customer_params`]; invalid histories.
    pub fn log_likelihood_individual(
        &self, a: &[f64], b: &[f64], c: &[f64], covariates: &ProcessCovariates,
    ) -> Result<Vec<f64>> {
        crate::error::check::same_len("recency", a.len(), b.len())?;
        crate::error::check::same_len("T", a.len(), c.len())?;
        if self.kind != ModelKind::GammaGamma {
            self.kernels()?.check_histories(a, b, c)?;
        } else {
            crate::models::spend::check_spend(a, b)?;
        }
        let p = self.customer_params(a.len(), covariates)?;
        Ok((0..a.len())
            .map(|i| super::rows::row(self.kind, &p[i], a[i], b[i], c[i], None))
            .collect())
    }

    /// The total (unpenalised) log-likelihood of the given customers at `params` (base
    /// parameters, then coefficients, as [`CovariateModel::params`]) with its exact gradient in
    /// `(base, γ)`: what the fit maximises, for checks.
    ///
    /// # Errors
    /// As [`CovariateModel::log_likelihood_individual`]; [`Error::LengthMismatch`] (`params`).
    pub fn log_likelihood_and_gradient(
        &self, params: &[f64], a: &[f64], b: &[f64], c: &[f64], covariates: &ProcessCovariates,
    ) -> Result<(f64, Vec<f64>)> {
        crate::error::check::same_len("params", self.params.len(), params.len())?;
        self.log_likelihood_individual(a, b, c, covariates)?;
        let design = self.layout.design(self.kind, a.len(), covariates)?;
        let nb = self.n_base();
        let names = self.names.clone();
        let lik = CovLik { model: self.kind, n_base: nb, names, l2: 0.0, start: vec![] };
        let rows = Rows { a: a.to_vec(), b: b.to_vec(), c: c.to_vec(), design };
        let mut g = vec![0.0; params.len()];
        let v = lik.log_likelihood(&rows, &params[..nb], &params[nb..], Some(&mut g));
        Ok((v, g))
    }
}
