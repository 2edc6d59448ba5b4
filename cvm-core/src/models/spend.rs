//! [`SpendModel`]: what customer lifetime value needs from a model of spend per purchase — the
//! expected spend of each customer given their number of repeat purchases and the mean value of
//! those purchases, at the fitted parameters and at others (for the delta method). The Gamma-Gamma
//! model ([`GammaGamma`](super::GammaGamma)) is the crate's implementation; a model of another
//! crate implements the kernel and gets the validated columns and the intervals.

use super::{delta_interval, z_for_level, Covariance, Link};
use crate::error::{Error, Result};

/// A model of the spend per purchase, as customer lifetime value uses it
/// ([`crate::clv::customer_lifetime_value`]).
///
/// The required methods are the model's name, parameters and covariance and one scalar kernel,
/// [`SpendModel::conditional_expected_average_spend_with`]; the vectorised prediction and its
/// delta-method interval are provided.
pub trait SpendModel: Send + Sync {
    /// The model's name, for errors: `gamma_gamma`.
    fn model_name(&self) -> &'static str;

    /// Parameter names, as in the papers.
    fn param_names(&self) -> &'static [&'static str];

    /// Parameter values, in the order of [`SpendModel::param_names`].
    fn params(&self) -> Vec<f64>;

    /// The covariance of the estimated parameters, when the model was fitted.
    fn covariance(&self) -> Option<&Covariance>;

    /// Expected spend per purchase of a customer with `frequency` repeat purchases of mean value
    /// `mean_spend`, at parameters `params` (in the order of [`SpendModel::param_names`], not
    /// validated); `+∞` or NaN when it is not finite.
    fn conditional_expected_average_spend_with(
        &self,
        params: &[f64],
        frequency: f64,
        mean_spend: f64,
    ) -> f64;

    /// Checks the spend columns: by default a whole `frequency` ≥ 0 and a finite
    /// `monetary_value` ≥ 0 that is > 0 for repeat buyers.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the column
    /// and the first offending row.
    fn check_spend(&self, frequency: &[f64], monetary_value: &[f64]) -> Result<()> {
        super::gamma_gamma::check_spend(frequency, monetary_value)
    }

    /// Expected spend per purchase of every customer, validated.
    ///
    /// # Errors
    /// Invalid columns as [`SpendModel::check_spend`]; [`Error::Numerical`] naming the model and
    /// the first customer whose expected spend is not finite.
    fn conditional_expected_average_spend(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        self.check_spend(frequency, monetary_value)?;
        let p = self.params();
        let out: Vec<f64> = frequency
            .iter()
            .zip(monetary_value)
            .map(|(&x, &z)| self.conditional_expected_average_spend_with(&p, x, z))
            .collect();
        if let Some(i) = out.iter().position(|v| !v.is_finite()) {
            return Err(Error::Numerical {
                context: format!(
                    "{} expected spend ({})",
                    self.model_name(),
                    super::fmt_params(self.param_names(), &p)
                ),
                reason: format!(
                    "customer {i} (frequency {}): expected spend is not finite ({})",
                    frequency[i], out[i]
                ),
            });
        }
        Ok(out)
    }

    /// Delta-method intervals for the expected spend at `level`, formed on the log scale (see
    /// [`crate::models`]): `(lower, upper)`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`level`) outside (0, 1); invalid columns or an infinite expected
    /// spend as [`SpendModel::conditional_expected_average_spend`]; [`Error::InvalidValue`]
    /// (`covariance`) when the model has no covariance.
    fn conditional_expected_average_spend_interval(
        &self,
        frequency: &[f64],
        monetary_value: &[f64],
        level: f64,
    ) -> Result<(Vec<f64>, Vec<f64>)> {
        let z = z_for_level(level)?;
        self.conditional_expected_average_spend(frequency, monetary_value)?;
        let cov = self.covariance().ok_or_else(|| Error::no_covariance(None))?;
        let p = self.params();
        Ok(frequency
            .iter()
            .zip(monetary_value)
            .map(|(&x, &m)| {
                let f = |q: &[f64]| self.conditional_expected_average_spend_with(q, x, m);
                delta_interval(&p, cov, z, Link::Log, &f)
            })
            .unzip())
    }
}
