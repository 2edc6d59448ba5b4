//! The plain models' log-likelihood of one customer with its gradient in the natural
//! parameters: what the covariate likelihood evaluates at each customer's parameters.

use crate::models::bg_bb_likelihood;
use crate::models::pareto_nbd::{ln_head, ParetoNbdParams};
use crate::models::pareto_nbd_likelihood::row_terms;
use crate::models::{ln_add, ModelKind, Order};
use crate::special::{digamma, gamma_ln_ratio, ln_beta, ln_gamma, trigamma};

/// `ℓ(p; a, b, c)` of one customer of `model` at natural parameters `p`, with `∂ℓ/∂p` written
/// into `grad` (of the model's parameter count) when given. The row is `(x, t_x, T)` for the
/// transaction models and `(x, z̄, ·)` (repeat purchases, mean spend) for the Gamma-Gamma.
/// The values are the expressions of each model's `log_likelihood_at`.
pub(crate) fn row(
    model: ModelKind, p: &[f64], a: f64, b: f64, c: f64, grad: Option<&mut [f64]>,
) -> f64 {
    match model {
        ModelKind::ParetoNbd => pareto_nbd(p, a, b, c, grad, None),
        ModelKind::BgNbd => bg_nbd(p, a, b, c, grad, None),
        ModelKind::MbgNbd => mbg_nbd(p, a, b, c, grad, None),
        ModelKind::GammaGamma => gamma_gamma(p, a, b, grad, None),
        ModelKind::BgBb => bg_bb(p, a, b, c, grad, None),
        _ => f64::NAN,
    }
}

/// Whether [`row_hessian`] supports `model` (every model with covariate links).
pub(crate) fn has_hessian(model: ModelKind) -> bool {
    matches!(
        model,
        ModelKind::ParetoNbd
            | ModelKind::BgNbd
            | ModelKind::MbgNbd
            | ModelKind::BgBb
            | ModelKind::GammaGamma
    )
}

/// [`row`] with its gradient and its Hessian `∂²ℓ/∂p∂p` in the natural parameters (for the
/// models of [`has_hessian`]; NaN otherwise).
pub(crate) fn row_hessian(
    model: ModelKind, p: &[f64], x: f64, t_x: f64, t_cal: f64, grad: &mut [f64], hess: &mut Hess,
) -> f64 {
    match model {
        ModelKind::ParetoNbd => pareto_nbd(p, x, t_x, t_cal, Some(grad), Some(hess)),
        ModelKind::BgNbd => bg_nbd(p, x, t_x, t_cal, Some(grad), Some(hess)),
        ModelKind::MbgNbd => mbg_nbd(p, x, t_x, t_cal, Some(grad), Some(hess)),
        ModelKind::BgBb => bg_bb(p, x, t_x, t_cal, Some(grad), Some(hess)),
        ModelKind::GammaGamma => gamma_gamma(p, x, t_x, Some(grad), Some(hess)),
        _ => f64::NAN,
    }
}

/// A 4 × 4 Hessian in the natural parameters.
pub(crate) type Hess = [[f64; 4]; 4];

/// `∇²ℓ` of `ℓ = H + ln(e^{A₁} + e^{A₂})`: `∇²H + π₁∇²A₁ + π₂∇²A₂ + π₁π₂ (∇A₁−∇A₂)(∇A₁−∇A₂)ᵀ`
/// (`π` the softmax weights of the two terms).
struct TwoTerms<'a> {
    a: [f64; 2],
    head: &'a Hess,
    hess: [&'a Hess; 2],
    grad: [[f64; 4]; 2],
}

impl TwoTerms<'_> {
    fn write(&self, out: &mut Hess) {
        let p2 = 1.0 / (1.0 + (self.a[0] - self.a[1]).exp());
        let p1 = 1.0 - p2;
        let [g1, g2] = self.grad;
        for i in 0..4 {
            for j in 0..4 {
                out[i][j] = self.head[i][j]
                    + p1 * self.hess[0][i][j]
                    + p2 * self.hess[1][i][j]
                    + p1 * p2 * (g1[i] - g2[i]) * (g1[j] - g2[j]);
            }
        }
    }
}

/// The Hessian of the BG-family head `ln Γ(r+x) − ln Γ(r) + r ln α + C(a, b)` from the
/// trigamma differences `hr` (in r), `ha` (∂²C/∂a² = ∂²C/∂a∂b) and `hb` (∂²C/∂b²).
fn bg_head_hessian(r: f64, alpha: f64, hr: f64, ha: f64, hb: f64) -> Hess {
    [
        [hr, 1.0 / alpha, 0.0, 0.0],
        [1.0 / alpha, -r / (alpha * alpha), 0.0, 0.0],
        [0.0, 0.0, ha, ha],
        [0.0, 0.0, ha, hb],
    ]
}

/// `∇²` of `−(r+x) ln(α+τ)` in `(r, α)`.
fn decay_hessian(rx: f64, alpha: f64, tau: f64) -> Hess {
    let u = 1.0 / (alpha + tau);
    let mut h = [[0.0; 4]; 4];
    h[0][1] = -u;
    h[1][0] = -u;
    h[1][1] = rx * u * u;
    h
}

/// What a row computes: its value, with the gradient when `grad` is given, with the Hessian
/// when `hess` is.
fn order_of(grad: &Option<&mut [f64]>, hess: &Option<&mut Hess>) -> Order {
    match (grad, hess) {
        (_, Some(_)) => Order::Hessian,
        (Some(_), None) => Order::Gradient,
        _ => Order::Value,
    }
}

/// Pareto/NBD: the fit's head and quadrature row terms.
fn pareto_nbd(
    p: &[f64], x: f64, t_x: f64, t_cal: f64, grad: Option<&mut [f64]>, hess: Option<&mut Hess>,
) -> f64 {
    let pp = ParetoNbdParams::raw(p);
    let order = order_of(&grad, &hess);
    let (v, g, h) = row_terms(&pp, x, t_x, t_cal, order);
    if let Some(out) = hess {
        let ParetoNbdParams { r, alpha, s, beta } = pp;
        *out = h;
        out[0][0] += if x == 0.0 { 0.0 } else { trigamma(r + x) - trigamma(r) };
        out[0][1] += 1.0 / alpha;
        out[1][0] += 1.0 / alpha;
        out[1][1] -= r / (alpha * alpha);
        out[2][3] += 1.0 / beta;
        out[3][2] += 1.0 / beta;
        out[3][3] -= s / (beta * beta);
    }
    if let Some(out) = grad {
        let ParetoNbdParams { r, alpha, s, beta } = pp;
        let dg = if x == 0.0 { 0.0 } else { digamma(r + x) - digamma(r) };
        let head = [dg + alpha.ln(), r / alpha, beta.ln(), s / beta];
        for j in 0..4 {
            out[j] = head[j] + g[j];
        }
    }
    ln_head(&pp, x) + v
}

/// `∇H + π₁∇A₁ + π₂∇A₂` for `ℓ = H + ln(e^{A₁} + e^{A₂})` (π the softmax weights).
fn two_terms(a1: f64, a2: f64, head: [f64; 4], g1: [f64; 4], g2: [f64; 4], out: &mut [f64]) {
    let p2 = 1.0 / (1.0 + (a1 - a2).exp());
    for j in 0..4 {
        out[j] = head[j] + (1.0 - p2) * g1[j] + p2 * g2[j];
    }
}

/// BG/NBD (Fader, Hardie & Lee 2005, eq. 6).
fn bg_nbd(
    p: &[f64], x: f64, t_x: f64, t_cal: f64, grad: Option<&mut [f64]>, hess: Option<&mut Hess>,
) -> f64 {
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let head = gamma_ln_ratio(r + x, r) + r * alpha.ln() + ln_beta(a, b + x) - ln_beta(a, b);
    let (l1, l2) = ((alpha + t_cal).ln(), (alpha + t_x).ln());
    let a3 = -(r + x) * l1;
    let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * l2;
    if let Some(out) = grad {
        let (dr, da, db) = if x > 0.0 {
            let da = digamma(a + b) - digamma(a + b + x);
            (digamma(r + x) - digamma(r), da, da + digamma(b + x) - digamma(b))
        } else {
            (0.0, 0.0, 0.0)
        };
        let hg = [dr + alpha.ln(), r / alpha, da, db];
        let g1 = [-l1, -(r + x) / (alpha + t_cal), 0.0, 0.0];
        let (a4, g2) = if x > 0.0 {
            (a4, [-l2, -(r + x) / (alpha + t_x), 1.0 / a, -1.0 / (b + x - 1.0)])
        } else {
            (f64::NEG_INFINITY, [0.0; 4])
        };
        two_terms(a3, a4, hg, g1, g2, out);
        if let Some(h) = hess {
            let (hr, ha, hb) = if x > 0.0 {
                let ha = trigamma(a + b) - trigamma(a + b + x);
                (trigamma(r + x) - trigamma(r), ha, ha + trigamma(b + x) - trigamma(b))
            } else {
                (0.0, 0.0, 0.0)
            };
            let hh = bg_head_hessian(r, alpha, hr, ha, hb);
            let h1 = decay_hessian(r + x, alpha, t_cal);
            let mut h2 = decay_hessian(r + x, alpha, t_x);
            h2[2][2] = -1.0 / (a * a);
            h2[3][3] = 1.0 / ((b + x - 1.0) * (b + x - 1.0));
            TwoTerms { a: [a3, a4], head: &hh, hess: [&h1, &h2], grad: [g1, g2] }.write(h);
        }
    }
    if x > 0.0 {
        head + ln_add(a3, a4)
    } else {
        head + a3
    }
}

/// MBG/NBD (Batislam, Denizel & Filiztekin 2007).
fn mbg_nbd(
    p: &[f64], x: f64, t_x: f64, t_cal: f64, grad: Option<&mut [f64]>, hess: Option<&mut Hess>,
) -> f64 {
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let lb = ln_beta(a, b);
    let head = gamma_ln_ratio(r + x, r) + r * alpha.ln();
    let (l1, l2) = ((alpha + t_cal).ln(), (alpha + t_x).ln());
    let a1 = ln_beta(a, b + x + 1.0) - lb - (r + x) * l1;
    let a2 = ln_beta(a + 1.0, b + x) - lb - (r + x) * l2;
    if let Some(out) = grad {
        let dr = if x > 0.0 { digamma(r + x) - digamma(r) } else { 0.0 };
        // ∇ of C = ln Γ(b+x) − ln Γ(b) + ln Γ(a+b) − ln Γ(a+b+x+1), common to both terms.
        let dca = digamma(a + b) - digamma(a + b + x + 1.0);
        let dcb = dca + digamma(b + x) - digamma(b);
        let hg = [dr + alpha.ln(), r / alpha, dca, dcb];
        let g1 = [-l1, -(r + x) / (alpha + t_cal), 0.0, 1.0 / (b + x)];
        let g2 = [-l2, -(r + x) / (alpha + t_x), 1.0 / a, 0.0];
        two_terms(a1, a2, hg, g1, g2, out);
        if let Some(h) = hess {
            let hr = if x > 0.0 { trigamma(r + x) - trigamma(r) } else { 0.0 };
            let ha = trigamma(a + b) - trigamma(a + b + x + 1.0);
            let hb = ha + if x > 0.0 { trigamma(b + x) - trigamma(b) } else { 0.0 };
            let hh = bg_head_hessian(r, alpha, hr, ha, hb);
            let mut h1 = decay_hessian(r + x, alpha, t_cal);
            h1[3][3] = -1.0 / ((b + x) * (b + x));
            let mut h2 = decay_hessian(r + x, alpha, t_x);
            h2[2][2] = -1.0 / (a * a);
            TwoTerms { a: [a1, a2], head: &hh, hess: [&h1, &h2], grad: [g1, g2] }.write(h);
        }
    }
    head + ln_add(a1, a2)
}

/// Gamma-Gamma (Fader, Hardie & Lee 2005, *RFM and CLV*): the density of the mean spend `z̄`
/// over `x` transactions; 0 for `x = 0`. In `(p, q, γ)`, with `L = ln(γ + x z̄)`,
/// `u = 1/(γ + x z̄)`: `∂²/∂p² = x²(ψ′(px+q) − ψ′(px))`, `∂²/∂p∂q = x ψ′(px+q)`,
/// `∂²/∂p∂γ = −x u`, `∂²/∂q² = ψ′(px+q) − ψ′(q)`, `∂²/∂q∂γ = 1/γ − u`,
/// `∂²/∂γ² = −q/γ² + (px+q) u²`.
fn gamma_gamma(
    p: &[f64], x: f64, z: f64, grad: Option<&mut [f64]>, hess: Option<&mut Hess>,
) -> f64 {
    if x == 0.0 {
        if let Some(out) = grad {
            out.iter_mut().for_each(|v| *v = 0.0);
        }
        if let Some(out) = hess {
            *out = [[0.0; 4]; 4];
        }
        return 0.0;
    }
    let (pp, q, gamma) = (p[0], p[1], p[2]);
    let px = pp * x;
    let lg = (gamma + x * z).ln();
    if let Some(out) = grad {
        let d = digamma(px + q);
        out[0] = x * (d - digamma(px) + x.ln() + z.ln() - lg);
        out[1] = d - digamma(q) + gamma.ln() - lg;
        out[2] = q / gamma - (px + q) / (gamma + x * z);
    }
    if let Some(h) = hess {
        let (t, u) = (trigamma(px + q), 1.0 / (gamma + x * z));
        *h = [[0.0; 4]; 4];
        h[0][0] = x * x * (t - trigamma(px));
        h[1][1] = t - trigamma(q);
        h[2][2] = -q / (gamma * gamma) + (px + q) * u * u;
        (h[0][1], h[0][2], h[1][2]) = (x * t, -x * u, 1.0 / gamma - u);
        (h[1][0], h[2][0], h[2][1]) = (h[0][1], h[0][2], h[1][2]);
    }
    gamma_ln_ratio(px + q, px) - ln_gamma(q) + q * gamma.ln() + px * x.ln() + (px - 1.0) * z.ln()
        - (px + q) * lg
}

/// BG/BB (Fader, Hardie & Shang 2010, eq. 5) at `(x, t_x, n)`: the model's own row
/// ([`bg_bb_likelihood::row`]).
fn bg_bb(
    p: &[f64], x: f64, tx: f64, n: f64, grad: Option<&mut [f64]>, hess: Option<&mut Hess>,
) -> f64 {
    let order = order_of(&grad, &hess);
    let (v, g, h) =
        bg_bb_likelihood::row(&bg_bb_likelihood::Shared::new(p, order), x, tx, n, order);
    if let Some(out) = grad {
        out[..4].copy_from_slice(&g);
    }
    if let Some(out) = hess {
        *out = h;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows' Hessians match central differences of their gradients.
    #[test]
    fn hessians_match_differences_of_gradients() {
        let cases = [
            (ModelKind::ParetoNbd, [0.6, 9.0, 0.8, 13.0]),
            (ModelKind::BgNbd, [0.3, 5.0, 0.7, 2.5]),
            (ModelKind::MbgNbd, [0.3, 5.0, 0.7, 2.5]),
            (ModelKind::BgBb, [1.2, 0.75, 0.66, 2.8]),
            (ModelKind::BgBb, [0.1, 5.0, 3.0, 0.2]),
            (ModelKind::GammaGamma, [6.0, 4.0, 15.0, 0.0]),
        ];
        let rows = [(0.0, 0.0, 30.0), (1.0, 4.0, 30.0), (5.0, 20.0, 32.0), (2.0, 31.0, 31.0)];
        // BG/BB: (x, t_x, n); Gamma-Gamma: (x, z̄, ·).
        let bg_bb_rows =
            [(0.0, 0.0, 8.0), (1.0, 1.0, 8.0), (3.0, 5.0, 8.0), (6.0, 6.0, 6.0), (2.0, 3.0, 40.0)];
        let spend_rows = [(0.0, 0.0, 0.0), (1.0, 12.5, 0.0), (4.0, 35.0, 0.0), (20.0, 3.2, 0.0)];
        for (model, p) in cases {
            let rows: &[(f64, f64, f64)] = match model {
                ModelKind::BgBb => &bg_bb_rows,
                ModelKind::GammaGamma => &spend_rows,
                _ => &rows,
            };
            let k = if model == ModelKind::GammaGamma { 3 } else { 4 };
            for &(x, tx, t) in rows {
                let (mut g, mut h) = ([0.0; 4], [[0.0; 4]; 4]);
                let v = row_hessian(model, &p, x, tx, t, &mut g, &mut h);
                assert!((v - row(model, &p, x, tx, t, None)).abs() < 1e-13 * v.abs().max(1.0));
                for j in 0..k {
                    let d = 1e-4 * p[j];
                    let at = |s: f64| {
                        let mut q = p;
                        q[j] += s;
                        let mut gq = [0.0; 4];
                        row(model, &q, x, tx, t, Some(&mut gq));
                        gq
                    };
                    let (up, dn) = (at(d), at(-d));
                    for i in 0..k {
                        let fd = (up[i] - dn[i]) / (2.0 * d);
                        let tol = 1e-6 * fd.abs().max(1e-3);
                        assert!(
                            (h[i][j] - fd).abs() < tol,
                            "{model:?} {x} {tx} {t} [{i}][{j}]: {} vs {fd}",
                            h[i][j]
                        );
                    }
                }
            }
        }
    }
}
