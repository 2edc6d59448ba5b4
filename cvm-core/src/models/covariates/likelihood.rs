//! The one covariate likelihood: the plain model's per-customer log-likelihood at each
//! customer's parameters, summed, with the chain rule to the base parameters and the
//! coefficients; a [`Likelihood`] for the shared driver.

use super::link::Design;
use super::rows::row;
use crate::models::{FitData, Likelihood};
use crate::parallel::chunked_sum;

/// The customers of a covariate fit, one row each (no compression: covariates make every
/// customer's parameters their own). The columns are `(x, t_x, T)` for a transaction model and
/// `(x, z̄, 0)` for the Gamma-Gamma.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rows {
    pub(crate) a: Vec<f64>,
    pub(crate) b: Vec<f64>,
    pub(crate) c: Vec<f64>,
}

impl FitData for Rows {
    fn n_obs(&self) -> f64 {
        self.a.len() as f64
    }

    fn n_rows(&self) -> usize {
        self.a.len()
    }
}

/// The covariate likelihood of a [`Design`].
///
/// Driver parameters: the base parameters (natural scale, positive), then one per coefficient
/// `γ_c`, given to the driver as the positive multiplicative effect `e^{γ_c}` — the driver
/// optimises logarithms, so it optimises `γ_c` itself. `l2 > 0` subtracts
/// `W · l2 · Σ γ_c²` from the log-likelihood (the mean-scale penalty `l2 · Σ γ²`, on the
/// coefficients only).
pub(crate) struct CovLik<'a> {
    pub(crate) design: &'a Design,
    pub(crate) n_base: usize,
    pub(crate) names: Vec<String>,
    pub(crate) l2: f64,
}

impl CovLik<'_> {
    /// The unpenalised log-likelihood at base parameters `base` and coefficients `coef`, with
    /// its gradient in `(base, γ)` written into `grad` when given.
    pub(crate) fn log_likelihood(
        &self,
        data: &Rows,
        base: &[f64],
        coef: &[f64],
        grad: Option<&mut [f64]>,
    ) -> f64 {
        let nb = self.n_base;
        let k = if grad.is_some() { nb + coef.len() } else { 0 };
        let model = self.design.model;
        let (total, g) = chunked_sum(data.a.len(), k, |range, acc| {
            let mut s = 0.0;
            let mut p_i = vec![0.0; nb];
            let mut g_i = vec![0.0; nb];
            for i in range {
                self.design.customer_params(base, coef, i, &mut p_i);
                let (a, b, c) = (data.a[i], data.b[i], data.c[i]);
                if k == 0 {
                    s += row(model, &p_i, a, b, c, None);
                    continue;
                }
                s += row(model, &p_i, a, b, c, Some(&mut g_i));
                self.design.chain(base, &p_i, &g_i, i, 1.0, acc);
            }
            s
        });
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        total
    }
}

impl Likelihood for CovLik<'_> {
    type Data = Rows;
    const MODEL: &'static str = "covariates";
    const NAMES: &'static [&'static str] = &[];

    fn param_names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn total(&self, data: &Rows, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let nb = self.n_base;
        let coef: Vec<f64> = p[nb..].iter().map(|e| e.ln()).collect();
        let w = data.n_obs();
        let penalty = w * self.l2 * coef.iter().map(|g| g * g).sum::<f64>();
        match grad {
            None => self.log_likelihood(data, &p[..nb], &coef, None) - penalty,
            Some(out) => {
                let ll = self.log_likelihood(data, &p[..nb], &coef, Some(out));
                // ∂/∂e^γ = e^{−γ} ∂/∂γ.
                for (j, g) in coef.iter().enumerate() {
                    out[nb + j] = (out[nb + j] - 2.0 * w * self.l2 * g) / p[nb + j];
                }
                ll - penalty
            }
        }
    }

    fn initial_guess(&self, _data: &Rows) -> Vec<Vec<f64>> {
        vec![vec![1.0; self.names.len()]]
    }
}
