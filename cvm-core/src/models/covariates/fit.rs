//! Fitting a model with covariates: the options, the covariates of each process, and
//! [`fit`] / [`fit_spend`], which start from the plain model's fit and run the shared driver on
//! the covariate likelihood.

use super::likelihood::{CovLik, Rows};
use super::link::{Design, Process};
use super::model::{CovariateModel, Layout};
use super::Covariates;
use crate::error::{check, Error, Result};
use crate::models::{
    check_customers, fit_ml, AnyModel, BgBb, FitDiagnostics, FitOptions, GammaGamma, MlFit,
    ModelKind, SummaryData, TransactionModel,
};

/// Options of a covariate fit.
///
/// # Examples
/// ```
/// use cvm_core::models::covariates::CovariateOptions;
/// let o = CovariateOptions::default().with_l2(0.01).with_shared(&["channel"]);
/// assert_eq!((o.l2, o.shared.len()), (0.01, 1));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct CovariateOptions {
    /// The options of the driver (iterations, tolerance, time unit) and of the plain fit the
    /// covariate fit starts from; its `penalizer` must be 0 (use `l2`) and its `initial` unset.
    pub fit: FitOptions,
    /// L2 penalty on the coefficients only: `l2 · Σ γ²` is added to the mean negative
    /// log-likelihood per customer (default 0).
    pub l2: f64,
    /// Columns present in both the transaction and the lifetime covariates whose coefficient
    /// is shared by the two processes (an equality constraint; the coefficient is named
    /// `shared_<column>`).
    pub shared: Vec<String>,
}

impl CovariateOptions {
    /// Sets the driver options.
    pub fn with_fit(mut self, fit: FitOptions) -> Self {
        self.fit = fit;
        self
    }

    /// Sets the L2 penalty on the coefficients.
    pub fn with_l2(mut self, l2: f64) -> Self {
        self.l2 = l2;
        self
    }

    /// Sets the shared columns.
    pub fn with_shared<S: AsRef<str>>(mut self, columns: &[S]) -> Self {
        self.shared = columns.iter().map(|c| c.as_ref().to_string()).collect();
        self
    }

    fn validate(&self) -> Result<()> {
        check::scalar_non_negative("l2", self.l2)?;
        if self.fit.penalizer != 0.0 {
            let reason = "must be 0 in a covariate fit (the coefficients' penalty is `l2`)";
            return Err(Error::invalid("penalizer", reason));
        }
        if self.fit.initial.is_some() {
            let reason = "a covariate fit starts from the plain model's fit";
            return Err(Error::invalid("initial", reason));
        }
        Ok(())
    }
}

/// The covariates of each process, one row per customer in the order of the summary: any of
/// them may be absent.
///
/// # Examples
/// ```
/// use cvm_core::models::covariates::{Covariates, ProcessCovariates};
/// let z = Covariates::new(&["card"], &[0.0, 1.0, 1.0])?;
/// let c = ProcessCovariates::default().with_transaction(z.clone()).with_lifetime(z);
/// assert!(c.transaction.is_some() && c.spend.is_none());
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProcessCovariates {
    /// Covariates of the purchase process.
    pub transaction: Option<Covariates>,
    /// Covariates of the dropout process.
    pub lifetime: Option<Covariates>,
    /// Covariates of spend (the Gamma-Gamma).
    pub spend: Option<Covariates>,
}

impl ProcessCovariates {
    /// Sets the transaction covariates.
    pub fn with_transaction(mut self, z: Covariates) -> Self {
        self.transaction = Some(z);
        self
    }

    /// Sets the lifetime covariates.
    pub fn with_lifetime(mut self, z: Covariates) -> Self {
        self.lifetime = Some(z);
        self
    }

    /// Sets the spend covariates.
    pub fn with_spend(mut self, z: Covariates) -> Self {
        self.spend = Some(z);
        self
    }

    /// The covariates of `process`, if given.
    pub(crate) fn of(&self, process: Process) -> Option<&Covariates> {
        match process {
            Process::Transaction => self.transaction.as_ref(),
            Process::Lifetime => self.lifetime.as_ref(),
            Process::Spend => self.spend.as_ref(),
        }
    }

    /// The given covariates with their process.
    pub(crate) fn by_process(&self) -> Vec<(Process, &Covariates)> {
        [Process::Transaction, Process::Lifetime, Process::Spend]
            .into_iter()
            .filter_map(|p| self.of(p).map(|z| (p, z)))
            .collect()
    }
}

/// Fits the transaction model `kind` (Pareto/NBD, BG/NBD, MBG/NBD or BG/BB: then `t_cal` is
/// the number of opportunities `n`) with covariates by maximum
/// likelihood: first the plain model ([`AnyModel::fit`]), then, from its estimate with every
/// coefficient 0, the covariate likelihood by the shared driver [`fit_ml`] — the plain model's
/// per-customer log-likelihood at each customer's parameters (see [`super::links`]), summed
/// over every customer (no row compression), with the exact gradient by the chain rule.
/// Without any covariate column the result is the plain fit itself.
///
/// # Errors
/// Invalid customer columns (as [`SummaryData::new`]); invalid options
/// ([`CovariateOptions`]); the errors of the design (a
/// constant or collinear column is [`Error::NotIdentified`] naming it; matrices whose rows are
/// not the customers, [`Error::LengthMismatch`] `trans_covariates` / `life_covariates`); the
/// errors of the plain fit and of [`fit_ml`], in the fit's own parameters (an iterate's
/// coefficients as `γ`); [`Error::NotIdentified`] naming a coefficient whose estimate leaves
/// `|γ| ≤ ln 10¹⁰ ≈ 23.03` (a column that separates the customers), or a base parameter outside
/// the parameter domain.
///
/// # Examples
/// ```
/// use cvm_core::models::covariates::{fit, Covariates, ProcessCovariates};
/// use cvm_core::models::{simulate, BgNbdParams, ModelKind, SimulationOptions};
/// let truth = BgNbdParams::new(0.25, 4.0, 0.8, 2.5)?;
/// let sim = simulate::bg_nbd(&truth, &SimulationOptions::default().with_n_customers(2000))?;
/// // An irrelevant binary covariate: its coefficient should be near 0.
/// let z: Vec<f64> = (0..2000).map(|i| (i % 2) as f64).collect();
/// let cov = ProcessCovariates::default().with_transaction(Covariates::new(&["even"], &z)?);
/// let m = fit(ModelKind::BgNbd, &sim.frequency, &sim.recency, &sim.t, &cov, &Default::default())?;
/// assert_eq!(m.names()[4], "trans_even");
/// let se = m.standard_errors()?;
/// assert!(m.params()[4].abs() < 4.0 * se[4]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn fit(
    kind: ModelKind, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    covariates: &ProcessCovariates, options: &CovariateOptions,
) -> Result<CovariateModel> {
    if !matches!(
        kind,
        ModelKind::ParetoNbd | ModelKind::BgNbd | ModelKind::MbgNbd | ModelKind::BgBb
    ) {
        let reason = format!("`{}` has no transaction covariate links", kind.as_str());
        return Err(Error::invalid("model", reason));
    }
    options.validate()?;
    check_customers(frequency, recency, t_cal)?;
    let design = Design::new(kind, frequency.len(), covariates.by_process(), &options.shared)?;
    let plain: Box<dyn TransactionModel> = if kind == ModelKind::BgBb {
        Box::new(BgBb::fit(frequency, recency, t_cal, None, &options.fit)?)
    } else {
        let data = SummaryData::new(frequency, recency, t_cal, None)?;
        match AnyModel::fit(kind, &data, &options.fit)? {
            AnyModel::BgNbd(m) => Box::new(m),
            AnyModel::MbgNbd(m) => Box::new(m),
            AnyModel::ParetoNbd(m) => Box::new(m),
        }
    };
    let rows = Rows { a: frequency.to_vec(), b: recency.to_vec(), c: t_cal.to_vec(), design };
    let ll = plain_log_likelihood(&*plain, &rows);
    let log_cov = plain.covariance().map(|c| c.log_matrix().to_vec());
    fit_design(&rows, plain.params(), ll, log_cov, options)
}

/// The plain model's log-likelihood on the rows (per customer, as the covariate fit counts
/// it: the plain fit may have compressed identical rows, with the same total).
fn plain_log_likelihood(plain: &dyn TransactionModel, rows: &Rows) -> f64 {
    let n = rows.a.len();
    crate::parallel::chunked_sum(n, 0, |range, _| {
        range.map(|i| plain.log_likelihood_at(rows.a[i], rows.b[i], rows.c[i])).sum()
    })
    .0
}

/// Fits the Gamma-Gamma spend model with spend covariates (`nu_i`'s scale
/// `γ_i = γ · e^{−γ_spend·z_i}`, so a positive coefficient raises the expected spend), as
/// [`fit`] does for the transaction models: the plain [`GammaGamma::fit`] first, then the
/// covariate likelihood from its estimate. Customers without repeat purchases carry no spend
/// information (their log-likelihood is 0) but keep their row in the covariates.
///
/// # Errors
/// As [`GammaGamma::fit`] for the columns; as [`fit`] for the covariates and options.
pub fn fit_spend(
    frequency: &[f64], monetary_value: &[f64], covariates: &ProcessCovariates,
    options: &CovariateOptions,
) -> Result<CovariateModel> {
    options.validate()?;
    let plain = GammaGamma::fit(frequency, monetary_value, None, &options.fit)?;
    let processes = covariates.by_process();
    let design = Design::new(ModelKind::GammaGamma, frequency.len(), processes, &options.shared)?;
    let c = vec![0.0; frequency.len()];
    let rows = Rows { a: frequency.to_vec(), b: monetary_value.to_vec(), c, design };
    let ll = plain.diagnostics().map_or(f64::NAN, |d| d.log_likelihood);
    let log_cov = plain.covariance().map(|c| c.log_matrix().to_vec());
    fit_design(&rows, plain.params().to_vec(), ll, log_cov, options)
}

/// The covariate fit of the customers `rows` (with their design) from the plain estimate
/// `base` (log-likelihood `plain_ll`, log-scale covariance `plain_cov`). The driver starts from
/// `base` with every coefficient 0 and, from 8,000 customers, warm-starts on a systematic
/// subsample and finishes with Newton iterations on the exact Hessian (every model: the
/// per-customer Hessians of `rows.rs` by the chain rule).
fn fit_design(
    rows: &Rows, base: Vec<f64>, plain_ll: f64, plain_cov: Option<Vec<Vec<f64>>>,
    options: &CovariateOptions,
) -> Result<CovariateModel> {
    let design = &rows.design;
    let kind = design.model;
    let nb = base.len();
    let mut names: Vec<String> = kind.param_names().iter().map(|n| n.to_string()).collect();
    names.extend(design.coef_names.iter().cloned());
    let layout = Layout::of(design);
    let w = rows.a.len() as f64;
    if design.n_coef() == 0 {
        let k = nb as f64;
        let diagnostics = FitDiagnostics {
            log_likelihood: plain_ll,
            aic: 2.0 * k - 2.0 * plain_ll,
            bic: k * w.ln() - 2.0 * plain_ll,
            iterations: 0,
            gradient_norm: 0.0,
            converged: true,
            n_obs: w,
            penalizer: 0.0,
        };
        return Ok(CovariateModel::new(
            kind,
            names,
            base,
            layout,
            plain_cov,
            diagnostics,
            plain_ll,
            0.0,
            options.fit.time_unit,
        ));
    }
    let mut start = base;
    start.extend(std::iter::repeat_n(1.0, design.n_coef()));
    let lik = CovLik { model: kind, n_base: nb, names: names.clone(), l2: options.l2, start };
    let MlFit { params, mut diagnostics, covariance } =
        fit_ml(&lik, rows, &options.fit).map_err(|e| lik.report(e, w))?;
    let mut all = params[..nb].to_vec();
    all.extend(params[nb..].iter().map(|e| e.ln()));
    // The driver's log-likelihood includes the coefficients' penalty: report it without.
    let penalty: f64 = w * options.l2 * all[nb..].iter().map(|g| g * g).sum::<f64>();
    let ll = diagnostics.log_likelihood + penalty;
    let k = all.len() as f64;
    diagnostics.log_likelihood = ll;
    diagnostics.aic = 2.0 * k - 2.0 * ll;
    diagnostics.bic = k * w.ln() - 2.0 * ll;
    diagnostics.penalizer = options.l2;
    let log_cov = covariance.map(|c| c.log_matrix().to_vec());
    Ok(CovariateModel::new(
        kind,
        names,
        all,
        layout,
        log_cov,
        diagnostics,
        plain_ll,
        options.l2,
        options.fit.time_unit,
    ))
}
