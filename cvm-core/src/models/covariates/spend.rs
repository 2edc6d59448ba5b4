//! Expected spend per customer of a Gamma-Gamma fitted with spend covariates: the plain
//! model's conditional mean at each customer's parameters, with delta-method intervals from
//! the full covariance.

use super::fit::ProcessCovariates;
use super::model::CovariateModel;
use crate::error::{check, Error, Result};
use crate::models::{
    GammaGamma, GammaGammaParams, Link, ModelKind, PredictionInterval, SpendModel,
};

impl CovariateModel {
    /// The plain Gamma-Gamma at the base parameters, with the spend columns checked.
    fn spend_kernels(&self, frequency: &[f64], monetary_value: &[f64]) -> Result<GammaGamma> {
        if self.kind() != ModelKind::GammaGamma {
            let reason =
                format!("expected spend needs a Gamma-Gamma, got `{}`", self.kind().as_str());
            return Err(Error::invalid("model", reason));
        }
        let gg = GammaGamma::from_params(GammaGammaParams::from_slice(self.base_params())?)?;
        gg.check_spend(frequency, monetary_value)?;
        Ok(gg)
    }

    /// Expected spend per transaction of each customer, `E(M | p, q, γ_i, x, z̄)` at the
    /// customer's parameters (`γ_i = γ e^{γ_spend · z_i}`; the population mean `p γ_i/(q − 1)`
    /// for a customer without repeat purchases).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`model`) for a model other than the Gamma-Gamma; invalid spend
    /// columns (as [`SpendModel::check_spend`]); the errors of
    /// [`CovariateModel::customer_params`]; [`Error::Numerical`] naming the first customer whose
    /// expected spend is not finite (`q ≤ 1` at that customer's parameters).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::covariates::{fit_spend, Covariates, ProcessCovariates};
    /// let x = [1.0, 2.0, 3.0, 1.0, 2.0, 4.0, 1.0, 3.0];
    /// let m = [12.0, 30.0, 18.0, 25.0, 40.0, 22.0, 15.0, 35.0];
    /// let z = Covariates::new(&["vip"], &[0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0])?;
    /// let cov = ProcessCovariates::default().with_spend(z);
    /// let gg = fit_spend(&x, &m, &cov, &Default::default())?;
    /// let e = gg.conditional_expected_average_spend(&x, &m, &cov)?;
    /// assert_eq!(e.len(), 8);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn conditional_expected_average_spend(
        &self, frequency: &[f64], monetary_value: &[f64], covariates: &ProcessCovariates,
    ) -> Result<Vec<f64>> {
        let gg = self.spend_kernels(frequency, monetary_value)?;
        let p = self.customer_params(frequency.len(), covariates)?;
        let out: Vec<f64> = (0..frequency.len())
            .map(|i| {
                gg.conditional_expected_average_spend_with(&p[i], frequency[i], monetary_value[i])
            })
            .collect();
        if let Some(i) = check::first_bad(&out, f64::is_finite) {
            return Err(Error::Numerical {
                context: "gamma_gamma expected spend with covariates".into(),
                reason: format!("customer {i}: expected spend is not finite ({})", out[i]),
            });
        }
        Ok(out)
    }

    /// Expected spend per transaction of each customer with its delta-method interval at
    /// `level` (log scale), from the full covariance of the base parameters and coefficients.
    ///
    /// # Errors
    /// As [`CovariateModel::conditional_expected_average_spend`]; an invalid `level`; no
    /// covariance.
    pub fn conditional_expected_average_spend_interval(
        &self, frequency: &[f64], monetary_value: &[f64], covariates: &ProcessCovariates,
        level: f64,
    ) -> Result<PredictionInterval> {
        let gg = self.spend_kernels(frequency, monetary_value)?;
        let f = |p: &[f64], i: usize| {
            gg.conditional_expected_average_spend_with(p, frequency[i], monetary_value[i])
        };
        let band = self.intervals(frequency.len(), covariates, level, Link::Log, &f)?;
        if let Some(i) = check::first_bad(&band.estimate, f64::is_finite) {
            return Err(Error::Numerical {
                context: "gamma_gamma expected spend with covariates".into(),
                reason: format!(
                    "customer {i}: expected spend is not finite ({})",
                    band.estimate[i]
                ),
            });
        }
        Ok(band)
    }
}
