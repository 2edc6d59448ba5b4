//! [`SpendModel`]: what customer lifetime value needs from a model of spend per purchase — the
//! expected spend of each customer given their number of repeat purchases and the mean value of
//! those purchases, at the fitted parameters and at others (for the delta method). The Gamma-Gamma
//! model ([`GammaGamma`](super::GammaGamma)) is the crate's implementation; a model of another
//! crate implements the kernel and gets the validated columns and the intervals. Also here: the
//! validation of spend columns and [`frequency_monetary_correlation`], the check of the
//! independence every such model assumes.

use super::{delta_interval, z_for_level, Link, ModelInfo, PredictionInterval};
use crate::error::{check, Error, Result};
use crate::parallel::{all_rows, par_map, par_map2};

/// A model of the spend per purchase, as customer lifetime value uses it
/// ([`crate::clv::customer_lifetime_value`]).
///
/// The required method is one scalar kernel,
/// [`SpendModel::conditional_expected_average_spend_with`], with the model's name, parameters
/// and covariance from the supertrait [`ModelInfo`]; the vectorised prediction and its
/// delta-method interval are provided.
pub trait SpendModel: ModelInfo {
    /// Expected spend per purchase of a customer with `frequency` repeat purchases of mean value
    /// `mean_spend`, at parameters `params` (in the order of [`ModelInfo::param_names`], not
    /// validated); `+∞` or NaN when it is not finite.
    fn conditional_expected_average_spend_with(
        &self, params: &[f64], frequency: f64, mean_spend: f64,
    ) -> f64;

    /// Checks the spend columns: by default a whole `frequency` ≥ 0 and a finite
    /// `monetary_value` ≥ 0 that is > 0 for repeat buyers.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], [`Error::InvalidValue`] naming the column
    /// and the first offending row.
    fn check_spend(&self, frequency: &[f64], monetary_value: &[f64]) -> Result<()> {
        check_spend(frequency, monetary_value)
    }

    /// Expected spend per purchase of every customer, validated, on the thread pool from 256
    /// customers.
    ///
    /// # Errors
    /// Invalid columns as [`SpendModel::check_spend`]; [`Error::Numerical`] naming the model and
    /// the first customer whose expected spend is not finite.
    fn conditional_expected_average_spend(
        &self, frequency: &[f64], monetary_value: &[f64],
    ) -> Result<Vec<f64>> {
        self.check_spend(frequency, monetary_value)?;
        let p = self.params();
        let out = par_map(frequency.len(), |i| {
            self.conditional_expected_average_spend_with(&p, frequency[i], monetary_value[i])
        });
        if let Some(i) = check::first_bad(&out, f64::is_finite) {
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

    /// The expected spend with its delta-method prediction interval at `level`, formed on the log
    /// scale (see [`crate::models`]). The `estimate` equals
    /// [`SpendModel::conditional_expected_average_spend`].
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`level`) outside (0, 1); invalid columns or an infinite expected
    /// spend as [`SpendModel::conditional_expected_average_spend`]; [`Error::InvalidValue`]
    /// (`covariance`) when the model has no covariance.
    fn conditional_expected_average_spend_interval(
        &self, frequency: &[f64], monetary_value: &[f64], level: f64,
    ) -> Result<PredictionInterval> {
        let z = z_for_level(level)?;
        let estimate = self.conditional_expected_average_spend(frequency, monetary_value)?;
        let cov = self.covariance().ok_or_else(|| Error::no_covariance(None))?;
        let p = self.params();
        let (lower, upper) = par_map2(frequency.len(), |i| {
            let (x, m) = (frequency[i], monetary_value[i]);
            let f = |q: &[f64]| self.conditional_expected_average_spend_with(q, x, m);
            let (_, lo, hi) = delta_interval(&p, cov, z, Link::Log, &f);
            (lo, hi)
        });
        Ok(PredictionInterval { estimate, lower, upper })
    }
}

/// Validates spend columns: `frequency` a finite non-negative integer, `monetary_value` finite and
/// ≥ 0, and > 0 for repeat buyers (frequency > 0).
pub(crate) fn check_spend(frequency: &[f64], monetary_value: &[f64]) -> Result<()> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("monetary_value", n, monetary_value.len())?;
    // One pass when everything is valid (on the thread pool); otherwise the checks below name
    // the first problem.
    let valid = all_rows(n, |rows| {
        frequency[rows.clone()].iter().zip(&monetary_value[rows]).fold(true, |all, (&x, &z)| {
            all & check::is_whole(x, f64::MAX) & z.is_finite() & (z > 0.0 || (z == 0.0 && x == 0.0))
        })
    });
    if valid {
        return Ok(());
    }
    check::counts("frequency", frequency)?;
    check::non_negative("monetary_value", monetary_value)?;
    for i in 0..n {
        if frequency[i] > 0.0 && monetary_value[i] <= 0.0 {
            return Err(Error::invalid_at(
                "monetary_value",
                i,
                format!(
                    "must be > 0 for a repeat buyer (frequency {}; got {})",
                    frequency[i], monetary_value[i]
                ),
            ));
        }
    }
    Ok(())
}

/// The error for spend columns without a repeat buyer.
pub(super) fn no_repeat_buyers() -> Error {
    Error::invalid(
        "frequency",
        "no repeat buyers (every frequency is 0): the spend model needs customers with at least \
         one repeat purchase",
    )
}

/// Weighted Pearson correlation between frequency and mean spend over the repeat buyers
/// (frequency > 0). The Gamma-Gamma model (and CLV, which multiplies expected spend and
/// purchases) assumes the two are independent; a correlation far from
/// 0 is a warning sign.
///
/// # Errors
/// Invalid columns as [`GammaGamma::fit`](super::GammaGamma::fit); [`Error::InvalidValue`] (`frequency`) with fewer than
/// two repeat buyers; [`Error::Numerical`] when either column is constant over the repeat buyers.
///
/// # Examples
/// ```
/// use cvm_core::models::frequency_monetary_correlation;
/// let c = frequency_monetary_correlation(&[1.0, 2.0, 3.0, 0.0], &[10.0, 20.0, 30.0, 0.0], None)?;
/// assert!((c - 1.0).abs() < 1e-12);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn frequency_monetary_correlation(
    frequency: &[f64], monetary_value: &[f64], weights: Option<&[f64]>,
) -> Result<f64> {
    check_spend(frequency, monetary_value)?;
    check::weights(frequency.len(), weights)?;
    let rows: Vec<usize> = (0..frequency.len()).filter(|&i| frequency[i] > 0.0).collect();
    if rows.is_empty() {
        return Err(no_repeat_buyers());
    }
    if rows.len() < 2 {
        return Err(Error::invalid("frequency", "at least two repeat buyers are needed"));
    }
    let (x, z) = (frequency, monetary_value);
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let n: f64 = rows.iter().map(|&i| w(i)).sum();
    let mx: f64 = rows.iter().map(|&i| x[i] * w(i)).sum::<f64>() / n;
    let mz: f64 = rows.iter().map(|&i| z[i] * w(i)).sum::<f64>() / n;
    let (mut sxx, mut szz, mut sxz) = (0.0, 0.0, 0.0);
    for &i in &rows {
        let (a, b) = (x[i] - mx, z[i] - mz);
        sxx += w(i) * a * a;
        szz += w(i) * b * b;
        sxz += w(i) * a * b;
    }
    if !(sxx > 0.0 && szz > 0.0) {
        return Err(Error::Numerical {
            context: "frequency_monetary_correlation".into(),
            reason: "frequency or monetary value is constant over the repeat buyers".into(),
        });
    }
    Ok((sxz / (sxx.sqrt() * szz.sqrt())).clamp(-1.0, 1.0))
}
