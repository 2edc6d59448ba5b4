//! What a model states for the shared driver ([`super::driver::fit_ml`]): the [`Likelihood`]
//! (parameters, total log-likelihood, gradient, optional exact Hessian) over a [`FitData`]
//! (the data's size and an optional subsample), and [`RowLikelihood`], a likelihood stated one
//! customer at a time, summed over a [`SummaryData`] by [`PerRow`]. Re-exported from
//! [`super::driver`], whose module documentation describes the method.

use super::SummaryData;
use crate::parallel::chunked_sum;

/// The data a [`Likelihood`] is evaluated on, as the driver sees it: its size and, for the warm
/// start of large data, a systematic subsample.
pub trait FitData: Sync {
    /// Number of customers the likelihood counts (the sum of the weights, `W`).
    fn n_obs(&self) -> f64;

    /// Number of rows one evaluation visits (the cost of a pass).
    fn n_rows(&self) -> usize;

    /// Every `stride`-th row, for the warm start of large data; `None` (the default) when the
    /// data are not subsampled (the fit then starts on the full data).
    fn subsample(&self, _stride: usize) -> Option<Self>
    where
        Self: Sized,
    {
        None
    }
}

impl FitData for SummaryData {
    fn n_obs(&self) -> f64 {
        SummaryData::n_obs(self)
    }

    fn n_rows(&self) -> usize {
        SummaryData::n_rows(self)
    }

    fn subsample(&self, stride: usize) -> Option<Self> {
        Some(SummaryData::subsample(self, stride))
    }
}

/// What a model provides to the shared maximum-likelihood driver [`fit_ml`](super::fit_ml): its
/// parameters and its total (weighted) log-likelihood with gradient, and optionally its exact
/// Hessian.
///
/// Parameters are on their natural scale, positive, in the order of [`Likelihood::NAMES`]; the
/// driver optimises their logarithms (see the [module documentation](super::driver)).
pub trait Likelihood: Sync {
    /// The data the likelihood is evaluated on.
    type Data: FitData;

    /// The model's name (as in [`crate::models::ModelKind::as_str`]), for errors.
    const MODEL: &'static str;

    /// Parameter names, in order.
    const NAMES: &'static [&'static str];

    /// Whether [`Likelihood::total`]'s gradient is analytic; if not, the covariance comes from
    /// second differences of the value rather than differences of a differenced gradient.
    const ANALYTIC_GRADIENT: bool = true;

    /// Whether [`Likelihood::total_with_hessian`] is implemented: the driver then finishes a
    /// warm-started fit with Newton iterations (one pass per iteration instead of a BFGS run).
    const JOINT_HESSIAN: bool = false;

    /// Total weighted log-likelihood `LL(p) = Σ_i w_i ℓ_i(p)` at natural parameters `p`; when
    /// `grad` is given, `∂LL/∂p` is written into it.
    fn total(&self, data: &Self::Data, p: &[f64], grad: Option<&mut [f64]>) -> f64;

    /// The exact Hessian `∂²LL/∂p∂p` in the natural parameters (`k × k` for `k` parameters),
    /// when the model has one (otherwise, the default, the driver differentiates the gradient
    /// numerically).
    fn hessian(&self, _data: &Self::Data, _p: &[f64]) -> Option<Vec<Vec<f64>>> {
        None
    }

    /// The total log-likelihood, its gradient and its exact Hessian (natural parameters) from
    /// one pass over the data, when the model can compute them together (see
    /// [`Likelihood::JOINT_HESSIAN`]).
    fn total_with_hessian(&self, _data: &Self::Data, _p: &[f64]) -> Option<JointPass> {
        None
    }

    /// Whether [`Likelihood::rough_total_with_hessian`] is a cheaper pass than
    /// [`Likelihood::total_with_hessian`].
    const ROUGH_JOINT: bool = false;

    /// [`Likelihood::total_with_hessian`] computed more cheaply to about 1e-6 of each row's
    /// log-likelihood (a coarser quadrature, say): the driver takes the first Newton steps from
    /// a warm start and the warm start's own subsample fits by it, and ends every fit on full
    /// passes, so the estimate, its gradient and its covariance are the full pass's. The
    /// default is the full pass.
    fn rough_total_with_hessian(&self, data: &Self::Data, p: &[f64]) -> Option<JointPass> {
        self.total_with_hessian(data, p)
    }

    /// Starting values (natural scale) tried in turn when
    /// [`FitOptions::initial`](super::FitOptions::initial) is not given; the default is all ones.
    fn initial_guess(&self, _data: &Self::Data) -> Vec<Vec<f64>> {
        vec![vec![1.0; self.param_names().len()]]
    }

    /// Checks the optimiser's estimate `p` (`converged`: whether it met the tolerance) before
    /// it is reported. The default: an unconverged estimate outside the parameter domain
    /// `[PARAM_MIN, PARAM_MAX]` ([`crate::models::PARAM_MIN`]) is
    /// [`crate::Error::NotIdentified`] naming the first parameter outside it, with its value. A
    /// likelihood overrides it to recognise its own ridges (the BG family's `a, b → ∞`), or to
    /// name and show parameters the driver does not see (a covariate model optimises `e^γ` and
    /// reports the coefficient `γ`).
    fn check_estimate(&self, _data: &Self::Data, p: &[f64], converged: bool) -> crate::Result<()> {
        if converged {
            return Ok(());
        }
        let names = self.param_names();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        super::check_estimate(Self::MODEL, &names, p)
    }

    /// The parameter names of this instance, in order: [`Likelihood::NAMES`] by default. A
    /// likelihood whose parameters depend on its data (a covariate model: one coefficient per
    /// covariate column, see [`crate::models::covariates`]) overrides it; the driver counts and
    /// names the parameters by it.
    fn param_names(&self) -> Vec<String> {
        Self::NAMES.iter().map(|n| (*n).to_string()).collect()
    }
}

/// Value, gradient and Hessian of a total log-likelihood in the natural parameters (see
/// [`Likelihood::total_with_hessian`]).
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct JointPass {
    /// `LL(p)`.
    pub value: f64,
    /// `∂LL/∂p`.
    pub gradient: Vec<f64>,
    /// `∂²LL/∂p∂p`.
    pub hessian: Vec<Vec<f64>>,
}

/// Unpacks the accumulator of a 4-parameter joint pass: empty (value only), the gradient (4
/// sums), or the gradient followed by the Hessian row by row (20 sums); what is absent is zero.
pub(crate) fn unpack_gradient_hessian4(acc: &[f64]) -> ([f64; 4], [[f64; 4]; 4]) {
    let mut g = [0.0; 4];
    let mut h = [[0.0; 4]; 4];
    if acc.len() >= 4 {
        g.copy_from_slice(&acc[..4]);
    }
    if acc.len() == 20 {
        for (a, row) in h.iter_mut().enumerate() {
            row.copy_from_slice(&acc[4 + 4 * a..8 + 4 * a]);
        }
    }
    (g, h)
}

/// A likelihood stated one customer `(x, t_x, T)` at a time; [`PerRow`] sums it over the rows of
/// a [`SummaryData`] (weighted, in fixed chunks, in parallel with the `parallel` feature) and
/// so makes it a [`Likelihood`]. See the [module documentation](super::driver) for an example.
pub trait RowLikelihood: Sync {
    /// The model's name, for errors.
    const MODEL: &'static str;

    /// Parameter names, in order.
    const NAMES: &'static [&'static str];

    /// `ℓ(p; x, t_x, T)`, the log-likelihood of one history at natural parameters `p`; when
    /// `grad` is given (zeroed, of length `NAMES.len()`), `∂ℓ/∂p` is written into it.
    fn row(&self, p: &[f64], x: f64, t_x: f64, t_cal: f64, grad: Option<&mut [f64]>) -> f64;

    /// Starting values tried in turn (see [`Likelihood::initial_guess`]); all ones by default.
    fn initial_guess(&self, _data: &SummaryData) -> Vec<Vec<f64>> {
        vec![vec![1.0; Self::NAMES.len()]]
    }
}

/// A [`RowLikelihood`] as a [`Likelihood`] over a [`SummaryData`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PerRow<R>(pub R);

impl<R: RowLikelihood> Likelihood for PerRow<R> {
    type Data = SummaryData;
    const MODEL: &'static str = R::MODEL;
    const NAMES: &'static [&'static str] = R::NAMES;

    fn total(&self, data: &SummaryData, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (f, rec, t, w) = (data.frequency(), data.recency(), data.t(), data.weight());
        let k = if grad.is_some() { R::NAMES.len() } else { 0 };
        let (total, g) = chunked_sum(f.len(), k, |range, acc| {
            let mut s = 0.0;
            let mut gi = vec![0.0; k];
            for i in range {
                if k == 0 {
                    s += w[i] * self.0.row(p, f[i], rec[i], t[i], None);
                    continue;
                }
                gi.iter_mut().for_each(|v| *v = 0.0);
                s += w[i] * self.0.row(p, f[i], rec[i], t[i], Some(&mut gi));
                for (a, v) in acc.iter_mut().zip(&gi) {
                    *a += w[i] * v;
                }
            }
            s
        });
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        total
    }

    fn initial_guess(&self, data: &SummaryData) -> Vec<Vec<f64>> {
        self.0.initial_guess(data)
    }
}
