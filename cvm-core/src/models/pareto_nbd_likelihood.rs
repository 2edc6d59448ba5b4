//! The Pareto/NBD likelihood, its gradient and Hessian by quadrature: the fit's kernel (see
//! [`super::pareto_nbd`] for the model).
//!
//! Write the bracket of the likelihood as `B = e^{A₁} B̂` with
//! `A₁ = −(r+x) ln(α+T) − s ln(β+T)` and `B̂ = 1 + s Ĵ`,
//! `Ĵ = ∫_{t_x}^T ĝ(τ) dτ`, `ĝ(τ) = ((α+τ)/(α+T))^{−(r+x)} ((β+τ)/(β+T))^{−s} (β+τ)^{−1}`.
//! Every parameter derivative of `ln ĝ` is elementary, so `∇ ln B̂` and `∇² ln B̂` are moments of
//! elementary functions under the normalised density `ĝ/Ĵ`, and one quadrature pass gives the
//! value, the gradient and (when asked) the Hessian — no derivative of ₂F₁ with respect to its
//! parameters is needed. The quadrature runs in `v = ln((p+τ)/(p+t_x))`, `p = min(α, β)`, where
//! `ln ĝ` is concave with slope `1 − c_p − c_q σ(v)` (`c_p`, `c_q` the exponents of the p- and
//! q-factors, `σ = (p+τ)/(q+τ)`), on panels short enough that the log-integrand changes by at
//! most [`PANEL_LOG_SPAN`] and whose length is at most [`PANEL_MAX_LEN`] (the integrand's complex
//! singularities lie at distance π from the real axis); the far tail is dropped once a tangent
//! bound shows it is below 1e-18 of the integral. Checked against the ₂F₁ form to 1e-12.
//!
//! A pass evaluates the rows without repeat purchases from Chebyshev series in their age when it
//! can (see [`super::pareto_nbd_likelihood_x0`]), and a rough pass ([`Rule::Rough`]) integrates
//! the other rows with half the nodes.

use std::sync::OnceLock;

use super::pareto_nbd::{ln_head, ln_terms, ParetoNbdParams};
use super::pareto_nbd_likelihood_x0::{is_zero_row, ZeroTerms};
use super::problem::unpack_gradient_hessian4;
use super::{ln_add, Likelihood, Order, SummaryData};
use crate::special::{digamma, trigamma};

/// Gauss–Legendre order per panel of a [`Rule::Full`] pass.
const PANEL_NODES: usize = 8;
/// Gauss–Legendre order per panel of a [`Rule::Rough`] pass.
const ROUGH_PANEL_NODES: usize = 4;
/// Largest change of the log-integrand over one panel (slope × length).
const PANEL_LOG_SPAN: f64 = 2.0;
/// Longest panel in `v`.
const PANEL_MAX_LEN: f64 = 1.5;
/// Rows per chunk of a pass (about 0.3 ms of work): a cold fit's 1,000–4,000 rows still spread
/// over the threads.
const PASS_CHUNK: usize = 256;
/// Panels after which a row falls back to the ₂F₁ form with numerical derivatives.
const MAX_PANELS: usize = 400;
/// Halvings of one panel's length before the row is declined (2⁻⁶⁰ of [`PANEL_MAX_LEN`] is far
/// below any panel a finite slope needs).
const MAX_HALVINGS: usize = 60;

/// The quadrature rule of a pass: both integrate the same panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// [`PANEL_NODES`] nodes a panel: the integral to rounding (checked against ₂F₁ to 1e-12).
    Full,
    /// [`ROUGH_PANEL_NODES`] nodes a panel, about 60 % of the cost of a joint pass: a panel's
    /// log-integrand changes by at most [`PANEL_LOG_SPAN`], so `ln B` is within 1e-7 of the full
    /// rule's on almost every row and within 1e-6 on all (its gradient within 1e-5 of each
    /// parameter's scale; parameters 1e-3–1e3). For the first Newton steps of a fit, whose
    /// accuracy the full passes after them restore.
    Rough,
}

impl Rule {
    /// Nodes and weights mapped to [0, 1] (weights sum to 1), as mirror pairs `(u, w, u', w')`
    /// with `u' = 1 − u` (`u < ½`).
    fn nodes(self) -> &'static [(f64, f64, f64, f64)] {
        static FULL: OnceLock<Vec<(f64, f64, f64, f64)>> = OnceLock::new();
        static ROUGH: OnceLock<Vec<(f64, f64, f64, f64)>> = OnceLock::new();
        match self {
            Rule::Full => FULL.get_or_init(|| mirror_pairs(PANEL_NODES)),
            Rule::Rough => ROUGH.get_or_init(|| mirror_pairs(ROUGH_PANEL_NODES)),
        }
    }
}

/// The `n`-point Gauss–Legendre rule on [0, 1] as mirror pairs (`n` even).
fn mirror_pairs(n: usize) -> Vec<(f64, f64, f64, f64)> {
    let nodes: Vec<(f64, f64)> = crate::special::gauss_legendre(n)
        .iter()
        .map(|&(x, w)| (0.5 * (x + 1.0), 0.5 * w))
        .collect();
    // gauss_legendre lists the nodes from +1 down: node k mirrors node n − 1 − k.
    (0..n / 2)
        .map(|k| {
            let ((u_m, w_m), (u, w)) = (nodes[k], nodes[n - 1 - k]);
            (u, w, u_m, w_m)
        })
        .collect()
}

/// Per-row quadrature result: `ln Ĵ` and the normalised moments of `ℓ = ∇ ln ĝ` (first
/// moments, and for the Hessian the second moments and the mean of `∇² ln ĝ`).
pub(super) struct RowQuad {
    pub(super) ln_j: f64,
    /// E[ℓ_i], order (r, α, s, β).
    m1: [f64; 4],
    /// E[ℓ_i ℓ_j] (only when the Hessian is asked for).
    m2: [[f64; 4]; 4],
    /// E[∂²ln ĝ / ∂θ_i∂θ_j] (only when the Hessian is asked for).
    h: [[f64; 4]; 4],
}

/// Running sums of the quadrature: `z = Σ w f` and the unnormalised moments of [`RowQuad`].
struct Sums {
    z: f64,
    m1: [f64; 4],
    m2: [[f64; 4]; 4],
    h: [[f64; 4]; 4],
}

/// Computes [`RowQuad`] for a row with `t_x < T`; `None` if the integrand needs more than
/// [`MAX_PANELS`] panels (the caller falls back to the ₂F₁ form).
pub(super) fn row_quad(
    pp: &ParetoNbdParams, x: f64, t_x: f64, t_cal: f64, order: Order,
) -> Option<RowQuad> {
    let ln_t = RowLogs::new(pp, t_cal);
    row_quad_with(pp, x, t_x, t_cal, &ln_t, order, Rule::Full)
}

/// `ln(α+T)`, `ln(β+T)` of a row: the row's only logarithms besides the integral's limits.
pub(super) struct RowLogs {
    l_at: f64,
    l_bt: f64,
}

impl RowLogs {
    fn new(pp: &ParetoNbdParams, t_cal: f64) -> Self {
        RowLogs { l_at: (pp.alpha + t_cal).ln(), l_bt: (pp.beta + t_cal).ln() }
    }
}

/// [`row_quad`] given the row's [`RowLogs`].
///
/// `ln Ĵ` needs no logarithm of its own: with `V = ln((p+T)/(p+t_x))` and
/// `V_q = ln((q+T)/(q+t_x))` (both by `ln_1p`, exact to rounding even for `t_x` near `T`),
/// `ln Ĵ = ln(α+T) − ln(β+T) + (c_p − 1) V + c_q V_q + shift + ln z` when `α ≤ β` and
/// `s V + (r+x) V_q + shift + ln z` otherwise (`z` the shifted quadrature sum) — the
/// `(r+x) ln(α+T)` of `A₁` cancels exactly instead of to rounding.
fn row_quad_with(
    pp: &ParetoNbdParams, x: f64, t_x: f64, t_cal: f64, ln_t: &RowLogs, order: Order, rule: Rule,
) -> Option<RowQuad> {
    let ParetoNbdParams { r, alpha, s, beta } = *pp;
    let rx = r + x;
    // p-factor (smaller scale) and q-factor; exponents of ĝ in τ: (α+τ)^{−(r+x)} (β+τ)^{−(s+1)}.
    let swapped = alpha > beta;
    let (p, q, cp, cq) =
        if swapped { (beta, alpha, s + 1.0, rx) } else { (alpha, beta, rx, s + 1.0) };
    let a = p + t_x;
    let d = q - p;
    let bq = q + t_x;
    let big_v = ((t_cal - t_x) / a).ln_1p();
    // Scalars outside the model's domain (non-finite, negative) leave nothing to integrate.
    let in_domain = big_v.is_finite() && big_v > 0.0 && a > 0.0 && cp.is_finite() && cq.is_finite();
    if !in_domain {
        return None;
    }
    let ln_ratio_v = ((t_cal - t_x) / bq).ln_1p();
    // ψ(v) = (1 − c_p) v − c_q ln((d + a e^v)/b_q): ln of the v-space integrand up to a constant.
    let sigma = |ev: f64| a * ev / (d + a * ev);
    let slope = |sig: f64| 1.0 - cp - cq * sig;
    // Shift: the maximum of the concave ψ on [0, V].
    let (s0, s_end) = (slope(a / bq), slope((p + t_cal) / (q + t_cal)));
    let psi = |v: f64, ev: f64| (1.0 - cp) * v - cq * ((d + a * ev) / bq).ln();
    let shift = if s0 <= 0.0 {
        0.0
    } else if s_end >= 0.0 {
        (1.0 - cp) * big_v - cq * ln_ratio_v
    } else {
        // σ(v*) = (1 − c_p)/c_q
        let sig = (1.0 - cp) / cq;
        let ev = sig * d / ((1.0 - sig) * a);
        let v = ev.ln().clamp(0.0, big_v);
        psi(v, v.exp())
    };
    let rule = rule.nodes();
    let want_g = order != Order::Value;
    let want_h = order == Order::Hessian;
    let (inv_at, inv_bt) = (1.0 / (alpha + t_cal), 1.0 / (beta + t_cal));
    let inv_bq = 1.0 / bq;
    let mut acc = Sums { z: 0.0, m1: [0.0; 4], m2: [[0.0; 4]; 4], h: [[0.0; 4]; 4] };
    // Adds the node at v (with e^v = ev) and weight w·width to the sums.
    let node = |acc: &mut Sums, v: f64, ev: f64, ww: f64| {
        let pt = a * ev; // p + τ
        let qt = d + pt; // q + τ
        let lq = (qt * inv_bq).ln();
        let f = ww * ((1.0 - cp) * v - cq * lq - shift).exp();
        acc.z += f;
        if !want_g {
            return;
        }
        // ũ = ln((·+τ)/(·+T)), and 1/(·+τ), for the α- and β-factors.
        let (lp_t, lq_t) = (v - big_v, lq - ln_ratio_v);
        let (u1, u2, i1, i2) = if swapped {
            (lq_t, lp_t, 1.0 / qt, 1.0 / pt)
        } else {
            (lp_t, lq_t, 1.0 / pt, 1.0 / qt)
        };
        let (d1, d2) = (i1 - inv_at, i2 - inv_bt);
        let l = [-u1, -rx * d1, -u2, -s * d2 - i2];
        for i in 0..4 {
            acc.m1[i] += f * l[i];
        }
        if want_h {
            for i in 0..4 {
                let fl = f * l[i];
                for j in i..4 {
                    acc.m2[i][j] += fl * l[j];
                }
            }
            acc.h[0][1] -= f * d1;
            acc.h[1][1] -= f * rx * (inv_at * inv_at - i1 * i1);
            acc.h[2][3] -= f * d2;
            acc.h[3][3] += f * (i2 * i2 - s * (inv_bt * inv_bt - i2 * i2));
        }
    };
    let mut va = 0.0;
    let mut ev_a = 1.0;
    let mut sig_a = a / bq;
    let mut panels = 0;
    while va < big_v {
        panels += 1;
        if panels > MAX_PANELS {
            return None;
        }
        let sl_a = slope(sig_a).abs();
        let mut len = (big_v - va).min(PANEL_MAX_LEN);
        if sl_a * len > PANEL_LOG_SPAN {
            len = PANEL_LOG_SPAN / sl_a;
        }
        // The slope is monotone in v: bound it by its values at both ends. A panel that cannot
        // be made short enough in MAX_HALVINGS steps, or that makes no progress (a non-finite
        // slope, from inputs outside the model's domain), declines the row.
        let mut halvings = 0;
        let (sig_b, vb, ev_b) = loop {
            let (vb, sig_b, ev_b) = if va + len >= big_v {
                (big_v, (p + t_cal) / (q + t_cal), 0.0)
            } else {
                let ev_b = (va + len).exp();
                (va + len, sigma(ev_b), ev_b)
            };
            if slope(sig_b).abs() * (vb - va) <= PANEL_LOG_SPAN * 1.000_001 {
                break (sig_b, vb, ev_b);
            }
            halvings += 1;
            if halvings > MAX_HALVINGS {
                return None;
            }
            len *= 0.5;
        };
        crate::special::work::add((rule.len() * 2 + halvings) as u64);
        let width = vb - va;
        if width.is_nan() || width <= 0.0 {
            return None;
        }
        // The nodes come in mirror pairs u, 1 − u: e^{v} at the mirror node is
        // e^{v_a} e^{v_b} / e^{v}, so a panel takes half as many exponentials (unless that
        // product overflows, far out in v).
        let ev_end = if vb >= big_v { (p + t_cal) / a } else { ev_b };
        let ev_ab = ev_a * ev_end;
        let mirror = ev_ab.is_finite();
        for &(u, w, u_m, w_m) in rule {
            let v = va + width * u;
            let ev = v.exp();
            node(&mut acc, v, ev, w * width);
            let v_m = va + width * u_m;
            node(&mut acc, v_m, if mirror { ev_ab / ev } else { v_m.exp() }, w_m * width);
        }
        ev_a = ev_end;
        va = vb;
        sig_a = sig_b;
        // Tail bound: ψ lies under its tangent, so ∫_{v_b}^∞ e^{ψ−shift} ≤ e^{ψ(v_b)−shift}/|ψ'(v_b)|.
        let sl_b = slope(sig_b);
        if sl_b < 0.0 && va < big_v {
            let tail = (psi(va, ev_b) - shift).exp() / -sl_b;
            if tail <= 1e-18 * acc.z {
                break;
            }
        }
    }
    let Sums { z, mut m1, mut m2, mut h } = acc;
    let ln_z = z.ln();
    let ln_j = if swapped {
        s * big_v + rx * ln_ratio_v
    } else {
        ln_t.l_at - ln_t.l_bt + (rx - 1.0) * big_v + (s + 1.0) * ln_ratio_v
    } + shift
        + ln_z;
    let inv_z = 1.0 / z;
    for i in 0..4 {
        m1[i] *= inv_z;
        for j in i..4 {
            m2[i][j] *= inv_z;
            m2[j][i] = m2[i][j];
            h[i][j] *= inv_z;
            h[j][i] = h[i][j];
        }
    }
    Some(RowQuad { ln_j, m1, m2, h })
}

/// Per-frequency-level head `ln Γ(r+x) − ln Γ(r) + r ln α + s ln β` with its derivatives.
struct Head {
    v: f64,
    g: [f64; 4],
    h: [[f64; 4]; 4],
}

fn head_table(data: &SummaryData, pp: &ParetoNbdParams, order: Order) -> Vec<Head> {
    let ParetoNbdParams { r, alpha, s, beta } = *pp;
    let (dg_r, tg_r) = (digamma(r), if order == Order::Hessian { trigamma(r) } else { 0.0 });
    data.x_levels()
        .iter()
        .map(|&x| {
            let v = ln_head(pp, x);
            if order == Order::Value {
                return Head { v, g: [0.0; 4], h: [[0.0; 4]; 4] };
            }
            let dg = if x == 0.0 { 0.0 } else { digamma(r + x) - dg_r };
            let g = [dg + alpha.ln(), r / alpha, beta.ln(), s / beta];
            let mut h = [[0.0; 4]; 4];
            if order == Order::Hessian {
                h[0][0] = if x == 0.0 { 0.0 } else { trigamma(r + x) - tg_r };
                h[0][1] = 1.0 / alpha;
                h[1][0] = h[0][1];
                h[1][1] = -r / (alpha * alpha);
                h[2][3] = 1.0 / beta;
                h[3][2] = h[2][3];
                h[3][3] = -s / (beta * beta);
            }
            Head { v, g, h }
        })
        .collect()
}

/// `ln B = A₁ + ln B̂` of one row (the likelihood without its head) with its gradient and,
/// for [`Order::Hessian`], its Hessian in the natural parameters.
pub(super) fn row_terms(
    pp: &ParetoNbdParams, x: f64, t_x: f64, t_cal: f64, order: Order,
) -> (f64, [f64; 4], [[f64; 4]; 4]) {
    row_terms_with(pp, pp.s.ln(), x, t_x, t_cal, order, Rule::Full)
}

/// [`row_terms`] given `ln s` (a constant of the pass).
pub(super) fn row_terms_with(
    pp: &ParetoNbdParams, ln_s: f64, x: f64, t_x: f64, t_cal: f64, order: Order, rule: Rule,
) -> (f64, [f64; 4], [[f64; 4]; 4]) {
    let ParetoNbdParams { r, alpha, s, beta } = *pp;
    let rx = r + x;
    let logs = RowLogs::new(pp, t_cal);
    let (l_at, l_bt) = (logs.l_at, logs.l_bt);
    let (i_at, i_bt) = (1.0 / (alpha + t_cal), 1.0 / (beta + t_cal));
    let a1 = -rx * l_at - s * l_bt;
    let mut g = [-l_at, -rx * i_at, -l_bt, -s * i_bt];
    let mut h = [[0.0; 4]; 4];
    if order == Order::Hessian {
        h[0][1] = -i_at;
        h[1][0] = -i_at;
        h[1][1] = rx * i_at * i_at;
        h[2][3] = -i_bt;
        h[3][2] = -i_bt;
        h[3][3] = s * i_bt * i_bt;
    }
    if t_x >= t_cal {
        return (a1, g, h);
    }
    let Some(q) = row_quad_with(pp, x, t_x, t_cal, &logs, order, rule) else {
        return fallback_row(pp, x, t_x, t_cal, order);
    };
    // lw = ln(s Ĵ); ln B̂ = ln(1 + e^{lw}) and π₂ = sĴ / (1 + sĴ), the weight of the integral
    // part of B̂, from one exponential.
    let lw = ln_s + q.ln_j;
    let (ln_b, pi2) = if lw > 0.0 {
        let e = (-lw).exp();
        (lw + e.ln_1p(), 1.0 / (1.0 + e))
    } else {
        let e = lw.exp();
        (e.ln_1p(), e / (1.0 + e))
    };
    let value = a1 + ln_b;
    if order == Order::Value {
        return (value, g, h);
    }
    let mut m = q.m1;
    m[2] += 1.0 / s;
    for i in 0..4 {
        g[i] += pi2 * m[i];
    }
    if order == Order::Hessian {
        for i in 0..4 {
            for j in 0..4 {
                let mut e = q.h[i][j] + q.m2[i][j];
                if i == 2 {
                    e += q.m1[j] / s;
                }
                if j == 2 {
                    e += q.m1[i] / s;
                }
                h[i][j] += pi2 * e - pi2 * pi2 * m[i] * m[j];
            }
        }
    }
    (value, g, h)
}

/// [`row_terms`] from the ₂F₁ form with central differences, for the rare rows whose
/// integrand needs more than [`MAX_PANELS`] panels.
fn fallback_row(
    pp: &ParetoNbdParams, x: f64, t_x: f64, t_cal: f64, order: Order,
) -> (f64, [f64; 4], [[f64; 4]; 4]) {
    let base = pp.to_vec();
    let f = |p: &[f64]| {
        let (a1, a2) = ln_terms(&ParetoNbdParams::raw(p), x, t_x, t_cal);
        ln_add(a1, a2)
    };
    let value = f(&base);
    let (mut g, mut h) = ([0.0; 4], [[0.0; 4]; 4]);
    if order == Order::Value {
        return (value, g, h);
    }
    let grad_at = |p: &[f64]| {
        let mut g = [0.0; 4];
        let mut q = p.to_vec();
        for j in 0..4 {
            let hj = 1e-6 * p[j];
            q[j] = p[j] + hj;
            let up = f(&q);
            q[j] = p[j] - hj;
            let dn = f(&q);
            q[j] = p[j];
            g[j] = (up - dn) / (2.0 * hj);
        }
        g
    };
    g = grad_at(&base);
    if order == Order::Hessian {
        let mut q = base.clone();
        for j in 0..4 {
            let hj = 1e-4 * base[j];
            q[j] = base[j] + hj;
            let up = grad_at(&q);
            q[j] = base[j] - hj;
            let dn = grad_at(&q);
            q[j] = base[j];
            for i in 0..4 {
                h[i][j] = (up[i] - dn[i]) / (2.0 * hj);
            }
        }
        let a = h;
        h = std::array::from_fn(|i| std::array::from_fn(|j| 0.5 * (a[i][j] + a[j][i])));
    }
    (value, g, h)
}

pub(super) struct Lik;

impl Lik {
    /// Weighted total of the log-likelihood and, by `order`, its gradient and Hessian in the
    /// natural parameters (the rows with `x = t_x = 0` interpolated when they can be, see
    /// [`super::pareto_nbd_likelihood_x0`]).
    fn pass(
        data: &SummaryData, p: &[f64], order: Order, rule: Rule,
    ) -> (f64, [f64; 4], [[f64; 4]; 4]) {
        let zero = ZeroTerms::plan(data, &ParetoNbdParams::raw(p), order);
        Self::pass_with(data, p, order, rule, zero.as_ref())
    }

    /// [`Lik::pass`] with the given interpolants of the `x = 0` rows (`None`: every row by its
    /// quadrature).
    fn pass_with(
        data: &SummaryData, p: &[f64], order: Order, rule: Rule, zero: Option<&ZeroTerms>,
    ) -> (f64, [f64; 4], [[f64; 4]; 4]) {
        let pp = ParetoNbdParams::raw(p);
        let ln_s = pp.s.ln();
        let heads = head_table(data, &pp, order);
        let (f, rec, t, w, xi) =
            (data.frequency(), data.recency(), data.t(), data.weight(), data.x_index());
        let k = match order {
            Order::Value => 0,
            Order::Gradient => 4,
            Order::Hessian => 20,
        };
        let (total, acc) = crate::parallel::chunked_sum_by(f.len(), PASS_CHUNK, k, |range, acc| {
            let mut sum = 0.0;
            for i in range {
                let hd = &heads[xi[i] as usize];
                let (v, g, h) = match zero {
                    Some(z) if is_zero_row(xi[i], rec[i], t[i]) => z.at(t[i]),
                    _ => row_terms_with(&pp, ln_s, f[i], rec[i], t[i], order, rule),
                };
                let wi = w[i];
                sum += wi * (hd.v + v);
                if k >= 4 {
                    for j in 0..4 {
                        acc[j] += wi * (hd.g[j] + g[j]);
                    }
                }
                if k == 20 {
                    for a in 0..4 {
                        for b in 0..4 {
                            acc[4 + 4 * a + b] += wi * (hd.h[a][b] + h[a][b]);
                        }
                    }
                }
            }
            sum
        });
        let (g, h) = unpack_gradient_hessian4(&acc);
        (total, g, h)
    }

    /// The joint pass (value, gradient, Hessian) by `rule`.
    fn joint(data: &SummaryData, p: &[f64], rule: Rule) -> Option<super::JointPass> {
        let (value, g, h) = Self::pass(data, p, Order::Hessian, rule);
        Some(super::JointPass {
            value,
            gradient: g.to_vec(),
            hessian: h.iter().map(|r| r.to_vec()).collect(),
        })
    }

    pub(super) fn value(data: &SummaryData, p: &[f64]) -> f64 {
        Self::pass(data, p, Order::Value, Rule::Full).0
    }
}

impl Likelihood for Lik {
    type Data = SummaryData;
    const MODEL: &'static str = "pareto_nbd";
    const NAMES: &'static [&'static str] = ParetoNbdParams::NAMES;

    /// The moment start `(1, T̄/(x̄+1), 1, T̄)`, then all ones.
    fn initial_guess(&self, data: &SummaryData) -> Vec<Vec<f64>> {
        let (mx, _, mt) = data.means();
        vec![vec![1.0, (mt / (mx + 1.0)).max(1e-3), 1.0, mt.max(1e-3)], vec![1.0; 4]]
    }

    fn total(&self, data: &SummaryData, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let order = if grad.is_some() { Order::Gradient } else { Order::Value };
        let (v, g, _) = Self::pass(data, p, order, Rule::Full);
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        v
    }

    fn hessian(&self, data: &SummaryData, p: &[f64]) -> Option<Vec<Vec<f64>>> {
        let (_, _, h) = Self::pass(data, p, Order::Hessian, Rule::Full);
        Some(h.iter().map(|r| r.to_vec()).collect())
    }

    const JOINT_HESSIAN: bool = true;

    fn total_with_hessian(&self, data: &SummaryData, p: &[f64]) -> Option<super::JointPass> {
        Self::joint(data, p, Rule::Full)
    }

    const ROUGH_JOINT: bool = true;

    /// The joint pass by the [`Rule::Rough`] quadrature: half the nodes.
    fn rough_total_with_hessian(&self, data: &SummaryData, p: &[f64]) -> Option<super::JointPass> {
        Self::joint(data, p, Rule::Rough)
    }
}

#[cfg(test)]
#[path = "pareto_nbd_likelihood_tests.rs"]
mod tests;
