//! The one covariate likelihood: the plain model's per-customer log-likelihood at each
//! customer's parameters, summed, with the chain rule to the base parameters and the
//! coefficients (gradient, and for the models with per-row Hessians the exact Hessian); a
//! [`Likelihood`] for the shared driver.

use super::link::Design;
use super::rows::{has_hessian, row, row_hessian};
use crate::models::{FitData, JointPass, Likelihood, ModelKind};
use crate::parallel::chunked_sum;

/// The customers of a covariate fit, one row each (no compression: covariates make every
/// customer's parameters their own), with their covariates (the [`Design`]). The columns are
/// `(x, t_x, T)` for a transaction model and `(x, z̄, 0)` for the Gamma-Gamma.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rows {
    pub(crate) a: Vec<f64>,
    pub(crate) b: Vec<f64>,
    pub(crate) c: Vec<f64>,
    pub(crate) design: Design,
}

impl FitData for Rows {
    fn n_obs(&self) -> f64 {
        self.a.len() as f64
    }

    fn n_rows(&self) -> usize {
        self.a.len()
    }

    /// Every `stride`-th customer with their covariates (the driver's warm start).
    fn subsample(&self, stride: usize) -> Option<Self> {
        let every = |v: &[f64]| v.iter().step_by(stride).copied().collect();
        Some(Rows {
            a: every(&self.a),
            b: every(&self.b),
            c: every(&self.c),
            design: self.design.every(stride),
        })
    }
}

/// The covariate likelihood of a model.
///
/// Driver parameters: the base parameters (natural scale, positive), then one per coefficient
/// `γ_c`, given to the driver as the positive multiplicative effect `e^{γ_c}` — the driver
/// optimises logarithms, so it optimises `γ_c` itself. `l2 > 0` subtracts
/// `W · l2 · Σ γ_c²` from the log-likelihood (the mean-scale penalty `l2 · Σ γ²`, on the
/// coefficients only). `start` is the starting point (the plain fit, every `e^γ = 1`).
pub(crate) struct CovLik {
    pub(crate) model: ModelKind,
    pub(crate) n_base: usize,
    pub(crate) names: Vec<String>,
    pub(crate) l2: f64,
    pub(crate) start: Vec<f64>,
}

impl CovLik {
    /// The unpenalised log-likelihood at base parameters `base` and coefficients `coef`, with
    /// its gradient in `(base, γ)` written into `grad` when given.
    pub(crate) fn log_likelihood(
        &self, data: &Rows, base: &[f64], coef: &[f64], grad: Option<&mut [f64]>,
    ) -> f64 {
        let nb = self.n_base;
        let k = if grad.is_some() { nb + coef.len() } else { 0 };
        let (model, design) = (self.model, &data.design);
        let (total, g) = chunked_sum(data.a.len(), k, |range, acc| {
            let mut s = 0.0;
            let mut p_i = vec![0.0; nb];
            let mut g_i = vec![0.0; nb];
            for i in range {
                design.customer_params(base, coef, i, &mut p_i);
                let (a, b, c) = (data.a[i], data.b[i], data.c[i]);
                if k == 0 {
                    s += row(model, &p_i, a, b, c, None);
                    continue;
                }
                s += row(model, &p_i, a, b, c, Some(&mut g_i));
                design.chain(base, &p_i, &g_i, i, 1.0, acc);
            }
            s
        });
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        total
    }

    /// Value, gradient and Hessian of the penalised log-likelihood in `u = (ln base, γ)` (the
    /// driver's log-parameters), for the models with per-row Hessians. In `v = ln p_i` each
    /// customer's parameters are linear in `u`: `v_j = u_j + sign_j η_process(j)`, so
    /// `∇_u ℓ = Jᵀ ∇_v ℓ` and `∇²_u ℓ = Jᵀ ∇²_v ℓ J` with
    /// `∇_v ℓ = p ⊙ g`, `∇²_v ℓ = diag(p) H diag(p) + diag(p ⊙ g)` (`g`, `H` in `p`).
    fn joint_log(&self, data: &Rows, base: &[f64], coef: &[f64]) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
        let (nb, model, design) = (self.n_base, self.model, &data.design);
        let kk = nb + coef.len();
        // e_P: the signs of each process's link terms, per parameter.
        let mut e = [[0.0; 4]; 3];
        for t in design.terms {
            e[t.process as usize][t.param] = t.sign;
        }
        let (total, acc) = chunked_sum(data.a.len(), kk + kk * kk, |range, acc| {
            let mut s = 0.0;
            let mut p = [0.0; 4];
            let (mut g, mut h) = ([0.0; 4], [[0.0; 4]; 4]);
            let mut cols: Vec<(usize, f64, usize)> = Vec::new();
            for i in range {
                design.customer_params(base, coef, i, &mut p[..nb]);
                s += row_hessian(model, &p, data.a[i], data.b[i], data.c[i], &mut g, &mut h);
                let gv: [f64; 4] = std::array::from_fn(|j| p[j] * g[j]);
                let mut hv = [[0.0; 4]; 4];
                for a in 0..nb {
                    for b in 0..nb {
                        hv[a][b] = p[a] * h[a][b] * p[b];
                    }
                    hv[a][a] += gv[a];
                }
                // Per process: q_P = H_v e_P, dη_P = e_P · g_v.
                let q: [[f64; 4]; 3] = std::array::from_fn(|pr| {
                    std::array::from_fn(|a| (0..nb).map(|b| hv[a][b] * e[pr][b]).sum())
                });
                let d_eta: [f64; 3] =
                    std::array::from_fn(|pr| (0..nb).map(|b| e[pr][b] * gv[b]).sum());
                cols.clear();
                for blk in &design.blocks {
                    let pr = blk.process as usize;
                    for (z, &j) in blk.z.row(i).iter().zip(&blk.coef) {
                        cols.push((pr, *z, nb + j));
                    }
                }
                let (gacc, hacc) = acc.split_at_mut(kk);
                for a in 0..nb {
                    gacc[a] += gv[a];
                    for b in 0..nb {
                        hacc[a * kk + b] += hv[a][b];
                    }
                }
                for &(pr, z, j) in &cols {
                    gacc[j] += d_eta[pr] * z;
                    for a in 0..nb {
                        let v = q[pr][a] * z;
                        hacc[a * kk + j] += v;
                        hacc[j * kk + a] += v;
                    }
                    for &(pr2, z2, j2) in &cols {
                        // e_Pᵀ H_v e_Q = q_Q · e_P
                        let spq: f64 = (0..nb).map(|b| e[pr][b] * q[pr2][b]).sum();
                        hacc[j * kk + j2] += spq * z * z2;
                    }
                }
            }
            s
        });
        let grad = acc[..kk].to_vec();
        let hess = (0..kk).map(|a| acc[kk + a * kk..kk + (a + 1) * kk].to_vec()).collect();
        (total, grad, hess)
    }

    /// [`Self::joint_log`] with the penalty, in the driver's natural parameters
    /// `P = (base, e^γ)`: `∂/∂P_k = ∂/∂u_k / P_k`,
    /// `∂²/∂P_k∂P_l = (∂²/∂u_k∂u_l − δ_kl ∂/∂u_k) / (P_k P_l)`.
    fn joint(&self, data: &Rows, p: &[f64]) -> Option<JointPass> {
        if !has_hessian(self.model) {
            return None;
        }
        let nb = self.n_base;
        let coef: Vec<f64> = p[nb..].iter().map(|e| e.ln()).collect();
        let (mut value, mut gu, mut hu) = self.joint_log(data, &p[..nb], &coef);
        let w = data.n_obs();
        for (j, g) in coef.iter().enumerate() {
            value -= w * self.l2 * g * g;
            gu[nb + j] -= 2.0 * w * self.l2 * g;
            hu[nb + j][nb + j] -= 2.0 * w * self.l2;
        }
        let k = p.len();
        let gradient: Vec<f64> = (0..k).map(|a| gu[a] / p[a]).collect();
        let hessian = (0..k)
            .map(|a| {
                (0..k)
                    .map(|b| {
                        let d = if a == b { gu[a] } else { 0.0 };
                        (hu[a][b] - d) / (p[a] * p[b])
                    })
                    .collect()
            })
            .collect();
        Some(JointPass { value, gradient, hessian })
    }
}

impl Likelihood for CovLik {
    type Data = Rows;
    const MODEL: &'static str = "covariates";
    const NAMES: &'static [&'static str] = &[];
    const JOINT_HESSIAN: bool = true;

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

    fn hessian(&self, data: &Rows, p: &[f64]) -> Option<Vec<Vec<f64>>> {
        self.joint(data, p).map(|j| j.hessian)
    }

    fn total_with_hessian(&self, data: &Rows, p: &[f64]) -> Option<JointPass> {
        self.joint(data, p)
    }

    fn initial_guess(&self, _data: &Rows) -> Vec<Vec<f64>> {
        vec![self.start.clone()]
    }
}
