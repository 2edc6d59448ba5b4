//! Predictions of a [`CovariateModel`] per customer: the plain model's kernels at each
//! customer's parameters, and delta-method intervals from the full covariance of the base
//! parameters and the coefficients.

use super::fit::ProcessCovariates;
use super::model::CovariateModel;
use crate::error::{Error, Result};
use crate::models::{
    delta_interval, z_for_level, AnyModel, BgBb, BgBbParams, Covariance, Link, ModelKind,
    PredictionInterval, TransactionModel,
};

/// A prediction of customer `i` at the customer's parameters.
pub(crate) type Prediction<'a> = dyn Fn(&[f64], usize) -> f64 + Sync + 'a;

/// The plain model whose kernels a covariate model evaluates at each customer's parameters.
pub(crate) type Kernels = Box<dyn TransactionModel>;

impl CovariateModel {
    /// The plain model at the base parameters: the kernels evaluated at each customer's
    /// parameters.
    pub(crate) fn kernels(&self) -> Result<Kernels> {
        if self.kind() == ModelKind::GammaGamma {
            let reason = "the Gamma-Gamma has no transaction predictions";
            return Err(Error::invalid("model", reason));
        }
        self.kernels_at(self.base_params())
    }

    /// Checked histories and each customer's parameters.
    fn customers(
        &self, f: &[f64], r: &[f64], t: &[f64], cov: &ProcessCovariates,
    ) -> Result<(Kernels, Vec<Vec<f64>>)> {
        let m = self.kernels()?;
        m.check_histories(f, r, t)?;
        let p = self.customer_params(f.len(), cov)?;
        Ok((m, p))
    }

    /// P(alive at T) of each customer at that customer's parameters.
    ///
    /// # Errors
    /// Invalid histories (as the plain model's `probability_alive`); the errors of
    /// [`CovariateModel::customer_params`]; [`Error::InvalidValue`] (`model`) for the
    /// Gamma-Gamma.
    pub fn probability_alive(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64], covariates: &ProcessCovariates,
    ) -> Result<Vec<f64>> {
        let (m, p) = self.customers(frequency, recency, t_cal, covariates)?;
        let k = &*m;
        Ok((0..frequency.len())
            .map(|i| k.probability_alive_with(&p[i], frequency[i], recency[i], t_cal[i]))
            .collect())
    }

    /// Expected repeat purchases of each customer in `(T, T + horizon]` at that customer's
    /// parameters.
    ///
    /// # Errors
    /// As [`CovariateModel::probability_alive`], and an invalid `horizon` (field `t`).
    pub fn conditional_expected_purchases(
        &self, horizon: f64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
        covariates: &ProcessCovariates,
    ) -> Result<Vec<f64>> {
        let (m, p) = self.customers(frequency, recency, t_cal, covariates)?;
        let k = &*m;
        k.check_horizon(horizon)?;
        Ok((0..frequency.len())
            .map(|i| {
                k.conditional_expected_purchases_with(
                    &p[i],
                    horizon,
                    frequency[i],
                    recency[i],
                    t_cal[i],
                )
            })
            .collect())
    }

    /// P(X(horizon) = n) for a new customer with each row's covariates: the probability of `n`
    /// repeat purchases in `(0, horizon]` at that row's parameters.
    ///
    /// # Errors
    /// An invalid `horizon` (field `t`); the errors of [`CovariateModel::customer_params`]
    /// (`n_customers` rows); [`Error::InvalidValue`] (`model`) for the Gamma-Gamma.
    pub fn probability_of_n_purchases(
        &self, horizon: f64, n: u64, n_customers: usize, covariates: &ProcessCovariates,
    ) -> Result<Vec<f64>> {
        let m = self.kernels()?;
        m.check_horizon(horizon)?;
        self.customer_params(n_customers, covariates)?
            .iter()
            .map(|p| Ok(self.kernels_at(p)?.probability_of_n_purchases_at(horizon, n)))
            .collect()
    }

    /// The plain model at parameters `p` (a customer's).
    fn kernels_at(&self, p: &[f64]) -> Result<Kernels> {
        Ok(match self.kind() {
            ModelKind::BgBb => Box::new(BgBb::from_params(BgBbParams::from_slice(p)?)?),
            kind => match AnyModel::from_params(kind, p)? {
                AnyModel::BgNbd(m) => Box::new(m),
                AnyModel::MbgNbd(m) => Box::new(m),
                AnyModel::ParetoNbd(m) => Box::new(m),
            },
        })
    }

    /// Delta-method intervals of `f(customer parameters, i)`: the gradient in `(ln base, γ)` by
    /// central differences, the full covariance, the interval on `link`'s scale.
    pub(crate) fn intervals(
        &self, n: usize, covariates: &ProcessCovariates, level: f64, link: Link, f: &Prediction<'_>,
    ) -> Result<PredictionInterval> {
        let z = z_for_level(level)?;
        let log_cov = self.log_covariance().ok_or_else(|| Error::no_covariance(None))?;
        let design = self.layout().design(self.kind(), n, covariates)?;
        let nb = self.n_base();
        // The driver's parameters (base, e^γ): their log-covariance is the fit's.
        let mut p: Vec<f64> = self.base_params().to_vec();
        p.extend(self.coefficients().iter().map(|g| g.exp()));
        let cov = Covariance::from_log_covariance(p.clone(), log_cov.to_vec())?;
        let table = crate::parallel::par_map_rows(n, 3, |i, row| {
            let g = |q: &[f64]| {
                let coef: Vec<f64> = q[nb..].iter().map(|e| e.ln()).collect();
                let mut pi = vec![0.0; nb];
                design.customer_params(&q[..nb], &coef, i, &mut pi);
                f(&pi, i)
            };
            let (v, lo, hi) = delta_interval(&p, &cov, z, link, &g);
            row.copy_from_slice(&[v, lo, hi]);
        });
        let col = |j: usize| table.iter().skip(j).step_by(3).copied().collect();
        Ok(PredictionInterval { estimate: col(0), lower: col(1), upper: col(2) })
    }

    /// P(alive) of each customer with its delta-method interval at `level` (logit scale), from
    /// the full covariance of the base parameters and the coefficients.
    ///
    /// # Errors
    /// As [`CovariateModel::probability_alive`]; an invalid `level`; no covariance.
    pub fn probability_alive_interval(
        &self, frequency: &[f64], recency: &[f64], t_cal: &[f64], covariates: &ProcessCovariates,
        level: f64,
    ) -> Result<PredictionInterval> {
        let k = self.kernels()?;
        k.check_histories(frequency, recency, t_cal)?;
        let f =
            |p: &[f64], i: usize| k.probability_alive_with(p, frequency[i], recency[i], t_cal[i]);
        self.intervals(frequency.len(), covariates, level, Link::Logit, &f)
    }

    /// Expected repeat purchases in `(T, T + horizon]` of each customer with its delta-method
    /// interval at `level` (log scale), from the full covariance.
    ///
    /// # Errors
    /// As [`CovariateModel::conditional_expected_purchases`]; an invalid `level`; no
    /// covariance.
    pub fn conditional_expected_purchases_interval(
        &self, horizon: f64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
        covariates: &ProcessCovariates, level: f64,
    ) -> Result<PredictionInterval> {
        let m = self.kernels()?;
        m.check_histories(frequency, recency, t_cal)?;
        m.check_horizon(horizon)?;
        let f = |p: &[f64], i: usize| {
            m.conditional_expected_purchases_with(p, horizon, frequency[i], recency[i], t_cal[i])
        };
        self.intervals(frequency.len(), covariates, level, Link::Log, &f)
    }
}
