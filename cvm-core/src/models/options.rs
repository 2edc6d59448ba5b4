//! [`FitOptions`], the options of every maximum-likelihood fit (see [`super::driver`]).

use crate::error::{check, Error, Result};

/// Options of the maximum-likelihood fits: the [`Default`] and the `with_*` setters.
///
/// # Examples
/// ```
/// use cvm_core::{models::FitOptions, TimeUnit};
/// let o = FitOptions::default().with_penalizer(0.01).with_time_unit(TimeUnit::Week);
/// assert_eq!((o.penalizer, o.max_iterations), (0.01, 200));
/// assert_eq!(o.time_unit, Some(TimeUnit::Week));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct FitOptions {
    /// L2 penalty on the log-parameters, added to the mean negative log-likelihood:
    /// `penalizer · Σ ln(θ_j)²` (default 0, i.e. plain maximum likelihood).
    pub penalizer: f64,
    /// Maximum number of BFGS iterations (default 200).
    pub max_iterations: usize,
    /// Convergence tolerance on the largest gradient component of the scaled objective
    /// (default [`crate::prec::OPTIM_GRAD_TOL`]).
    pub tolerance: f64,
    /// Starting values on the natural scale (default: automatic, from the data's moments).
    pub initial: Option<Vec<f64>>,
    /// The unit of time of the data (ages, recency, T), recorded by the fitted model so that
    /// downstream computations (CLV) use it (default `None`: unknown; CLV then needs an
    /// explicit unit).
    #[cfg_attr(feature = "serde", serde(default))]
    pub time_unit: Option<crate::TimeUnit>,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            penalizer: 0.0,
            max_iterations: 200,
            tolerance: crate::prec::OPTIM_GRAD_TOL,
            initial: None,
            time_unit: None,
        }
    }
}

crate::builder::with_setters!(FitOptions {
    with_penalizer => penalizer: f64,
    with_max_iterations => max_iterations: usize,
    with_tolerance => tolerance: f64,
});

crate::builder::with_setters!(FitOptions {
    some: with_initial => initial: Vec<f64>,
    with_time_unit => time_unit: crate::TimeUnit,
});

impl FitOptions {
    /// Validates the options for a model with parameters `names`.
    pub(crate) fn validate(&self, names: &[&str]) -> Result<()> {
        check::scalar_non_negative("penalizer", self.penalizer)?;
        check::scalar_positive("tolerance", self.tolerance)?;
        if self.max_iterations == 0 {
            return Err(Error::invalid("max_iterations", "must be at least 1"));
        }
        if let Some(init) = &self.initial {
            check::same_len("initial", names.len(), init.len())?;
            check::positive("initial", init)?;
        }
        Ok(())
    }
}
