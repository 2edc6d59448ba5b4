//! The one covariate likelihood: the plain model's per-customer log-likelihood at each
//! customer's parameters, summed, with the chain rule to the base parameters and the
//! coefficients (gradient, and for the models with per-row Hessians the exact Hessian); a
//! [`Likelihood`] for the shared driver.

use super::link::Design;
use super::rows::{has_hessian, row, row_hessian};
use crate::error::{fmt_num, Error, Result};
use crate::models::{check_estimate, FitData, JointPass, Likelihood, ModelKind, PARAM_MAX};
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

    /// An error of the driver as the covariate fit reports it, in the fit's own parameters: a
    /// not-converged iterate's coefficients as `γ` (the driver's parameters are `e^γ`) and its
    /// log-likelihood without the coefficients' penalty (as the fit's diagnostics report it);
    /// `w` is the number of customers. Other errors are unchanged.
    pub(crate) fn report(&self, e: Error, w: f64) -> Error {
        let nb = self.n_base;
        e.map_iterate(|params, log_likelihood| {
            params[nb..].iter_mut().for_each(|e| *e = e.ln());
            *log_likelihood += w * self.l2 * params[nb..].iter().map(|g| g * g).sum::<f64>();
        })
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

    /// Converged or not, the base parameters against `[PARAM_MIN, PARAM_MAX]`; each
    /// coefficient against `|γ| ≤ ln PARAM_MAX ≈ 23.03` (its factor `e^γ` in the same domain),
    /// named and shown as `γ` (a converged estimate may lie outside: a coefficient driven to
    /// ±∞ by a column that separates the customers stops where the gradient vanishes). The
    /// model is named by its kind.
    fn check_estimate(&self, _data: &Rows, p: &[f64], _converged: bool) -> Result<()> {
        let nb = self.n_base;
        let names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        let model = self.model.as_str();
        check_estimate(model, &names[..nb], &p[..nb])?;
        let bound = PARAM_MAX.ln();
        for (name, e) in names[nb..].iter().zip(&p[nb..]) {
            let g = e.ln();
            if !(g.abs() <= bound) {
                return Err(Error::NotIdentified {
                    model: model.to_string(),
                    reason: format!(
                        "the estimate of the coefficient {name} (γ = {}) ran out of its domain \
                         |γ| ≤ {bound:.2}: the data do not bound it (does the column separate \
                         customers who never buy, or never leave, from the others?)",
                        fmt_num(g)
                    ),
                });
            }
        }
        Ok(())
    }

    fn initial_guess(&self, _data: &Rows) -> Vec<Vec<f64>> {
        vec![self.start.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::covariates::{fit, Covariates, ProcessCovariates};
    use crate::models::{simulate, BgNbdParams, SimulationOptions};

    fn lik(l2: f64) -> CovLik {
        let names = ["r", "alpha", "a", "b", "trans_vip", "life_vip"];
        let names = names.map(String::from).to_vec();
        CovLik { model: ModelKind::BgNbd, n_base: 4, names, l2, start: vec![] }
    }

    /// A not-converged iterate is reported with its coefficients as γ (not the driver's e^γ)
    /// and its log-likelihood without the coefficients' penalty.
    #[test]
    fn errors_report_the_coefficients_not_their_exponentials() {
        let e = Error::NotConverged {
            iterations: 7,
            gradient_norm: 0.1,
            log_likelihood: -100.0,
            params: vec![0.3, 5.0, 0.7, 2.5, (-0.5f64).exp(), 2.0f64.exp()],
            reason: "max_iterations".into(),
        };
        let Error::NotConverged { params, log_likelihood, iterations, .. } =
            lik(0.01).report(e, 10.0)
        else {
            panic!("not NotConverged");
        };
        assert_eq!(iterations, 7);
        assert_eq!(params[..4], [0.3, 5.0, 0.7, 2.5]);
        assert!((params[4] + 0.5).abs() < 1e-15 && (params[5] - 2.0).abs() < 1e-15, "{params:?}");
        // −100 + 10 · 0.01 · (0.25 + 4)
        assert!((log_likelihood + 99.575).abs() < 1e-12, "{log_likelihood}");
        let other = Error::invalid("x", "y");
        assert_eq!(lik(0.0).report(other.clone(), 1.0), other);
    }

    /// The domain check names the coefficient and shows γ; the base parameters keep theirs.
    #[test]
    fn the_domain_check_shows_the_coefficient() {
        let at = |g: f64| vec![0.3, 5.0, 0.7, 2.5, g.exp(), 1.0];
        let z = Covariates::new(&["vip"], &[0.0, 1.0]).unwrap();
        let cov = ProcessCovariates::default().with_transaction(z.clone()).with_lifetime(z);
        let design = Design::new(ModelKind::BgNbd, 2, cov.by_process(), &[]).unwrap();
        let rows = Rows { a: vec![0.0, 1.0], b: vec![0.0, 2.0], c: vec![5.0, 5.0], design };
        assert!(lik(0.0).check_estimate(&rows, &at(23.0), true).is_ok());
        let e = lik(0.0).check_estimate(&rows, &at(-24.5), true).unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, Error::NotIdentified { ref model, .. } if model == "bg_nbd"));
        assert!(text.contains("trans_vip (γ = -24.5)"), "{text}");
        assert!(!text.contains("e-11"), "{text}"); // e^−24.5 = 2.3e-11
        let mut p = at(0.0);
        p[1] = 1e11;
        assert!(lik(0.0)
            .check_estimate(&rows, &p, false)
            .unwrap_err()
            .to_string()
            .contains("alpha"));
    }

    /// A column that separates the customers who never bought from the others drives its
    /// coefficient to −∞: the fit is `NotIdentified` naming the coefficient with its γ, never a
    /// converged fit with a coefficient outside the domain.
    #[test]
    fn a_separating_column_is_not_identified_naming_its_coefficient() {
        let truth = BgNbdParams::new(0.25, 4.0, 0.8, 2.5).unwrap();
        let o = SimulationOptions::default().with_n_customers(3000);
        let s = simulate::bg_nbd(&truth, &o).unwrap();
        let z: Vec<f64> = s.frequency.iter().map(|&x| f64::from(u8::from(x == 0.0))).collect();
        let z = Covariates::new(&["never"], &z).unwrap();
        let cov = ProcessCovariates::default().with_transaction(z);
        let e = fit(ModelKind::BgNbd, &s.frequency, &s.recency, &s.t, &cov, &Default::default())
            .unwrap_err();
        let text = e.to_string();
        assert!(matches!(e, Error::NotIdentified { .. }), "{text}");
        assert!(text.contains("coefficient trans_never (γ = -2"), "{text}");
    }
}
