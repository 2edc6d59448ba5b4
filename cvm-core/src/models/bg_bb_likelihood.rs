//! The BG/BB likelihood (value and gradient, for the shared driver) and the model's scalar
//! kernels: P(alive), the conditional expectation and P(X(n) = x) (see [`super::bg_bb`] for the
//! model and its sources).

use super::bg_bb::{BgBbParams, MAX_OPPORTUNITIES};
use super::{Likelihood, Order, SummaryData};
use crate::special::{digamma, gamma_ln_ratio, ln_beta, ln_gamma, log_add_exp, trigamma};

pub(super) struct Lik;

impl Likelihood for Lik {
    type Data = SummaryData;
    const MODEL: &'static str = "bg_bb";
    const NAMES: &'static [&'static str] = BgBbParams::NAMES;

    fn total(&self, data: &SummaryData, v: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let order = if grad.is_some() { Order::Gradient } else { Order::Value };
        let shared = Shared::new(v, order);
        let (f, rec, np, w) = (data.frequency(), data.recency(), data.t(), data.weight());
        let k = if grad.is_some() { 4 } else { 0 };
        let (total, gr) = crate::parallel::chunked_sum(f.len(), k, |range, gr| {
            let mut s = 0.0;
            for i in range {
                let (ll, g, _) = row(&shared, f[i], rec[i], np[i], order);
                s += w[i] * ll;
                for j in 0..k {
                    gr[j] += w[i] * g[j];
                }
            }
            s
        });
        if let Some(out) = grad {
            out.copy_from_slice(&gr);
        }
        total
    }
}

/// What every customer's likelihood terms share at parameters `(α, β, γ, δ)`: the log-beta
/// normalisers and, as `order` asks, the digammas and trigammas of `α, β, α+β, γ, δ, γ+δ`.
pub(crate) struct Shared {
    v: [f64; 4],
    lb_ab: f64,
    lb_gd: f64,
    dg: [f64; 6],
    tg: [f64; 6],
}

impl Shared {
    pub(crate) fn new(v: &[f64], order: Order) -> Self {
        let (a, b, g, d) = (v[0], v[1], v[2], v[3]);
        let args = [a, b, a + b, g, d, g + d];
        let dg = if order == Order::Value { [0.0; 6] } else { args.map(digamma) };
        let tg = if order == Order::Hessian { args.map(trigamma) } else { [0.0; 6] };
        Shared { v: [a, b, g, d], lb_ab: ln_beta(a, b), lb_gd: ln_beta(g, d), dg, tg }
    }
}

/// `ln L(α, β, γ, δ | x, t_x, n)` of one customer (FHS 2010, eq. 5) as a log-sum-exp of its
/// `n − t_x + 1` terms `T_k` (alive through `n`; dead from opportunity `t_x + i + 1`), with,
/// as `order` asks, its gradient and Hessian in `(α, β, γ, δ)`. Each term is a sum of log-beta
/// ratios, whose derivatives are digamma and trigamma differences (advanced along the terms by
/// `ψ(y+1) = ψ(y) + 1/y`, `ψ′(y+1) = ψ′(y) − 1/y²`); with `π_k` the terms' softmax weights,
/// `∇ℓ = Σ π_k ∇T_k` and `∇²ℓ = Σ π_k (∇²T_k + ∇T_k ∇T_kᵀ) − ∇ℓ ∇ℓᵀ`. What is not asked
/// for is zero. The value is the one [`ln_lik`] returns.
pub(crate) fn row(
    s: &Shared, x: f64, tx: f64, n: f64, order: Order,
) -> (f64, [f64; 4], [[f64; 4]; 4]) {
    let [a, b, g, d] = s.v;
    let (want_g, want_h) = (order != Order::Value, order == Order::Hessian);
    let [dg_a, dg_b, dg_ab, dg_g, dg_d, dg_gd] = s.dg;
    let [tg_a, tg_b, tg_ab, tg_g, tg_d, tg_gd] = s.tg;
    let (dax, tax) =
        (if want_g { digamma(a + x) } else { 0.0 }, if want_h { trigamma(a + x) } else { 0.0 });
    // A term's gradient and Hessian from the polygammas (ψ, ψ′) of its arguments
    // [β-side, α+β-side, γ-side, δ-side, γ+δ-side] (the α-side is always α + x).
    let derivs = |p: [f64; 5], t: [f64; 5]| {
        let gt = [
            dax - p[1] - dg_a + dg_ab,
            p[0] - p[1] - dg_b + dg_ab,
            p[2] - p[4] - dg_g + dg_gd,
            p[3] - p[4] - dg_d + dg_gd,
        ];
        let mut m = [[0.0; 4]; 4];
        if want_h {
            let (hab, hgd) = (tg_ab - t[1], tg_gd - t[4]);
            m[0][0] = tax - t[1] - tg_a + tg_ab;
            m[1][1] = t[0] - t[1] - tg_b + tg_ab;
            m[2][2] = t[2] - t[4] - tg_g + tg_gd;
            m[3][3] = t[3] - t[4] - tg_d + tg_gd;
            (m[0][1], m[1][0], m[2][3], m[3][2]) = (hab, hab, hgd, hgd);
            for i in 0..4 {
                for j in 0..4 {
                    m[i][j] += gt[i] * gt[j];
                }
            }
        }
        (gt, m)
    };
    // First term: alive through n.
    let mut lse = ln_beta(a + x, b + n - x) - s.lb_ab + ln_beta(g, d + n) - s.lb_gd;
    let (mut gm, mut hm) = ([0.0; 4], [[0.0; 4]; 4]);
    if want_g {
        let args = [b + n - x, a + b + n, g, d + n, g + d + n];
        let t = if want_h { args.map(trigamma) } else { [0.0; 5] };
        (gm, hm) = derivs(args.map(digamma), t);
    }
    // Terms i = 0..n−t_x−1: dead from opportunity t_x + i + 1.
    let k = (n - tx) as usize;
    if k > 0 {
        let mut lb1 = ln_beta(a + x, b + tx - x);
        let mut lb2 = ln_beta(g + 1.0, d + tx);
        // The arguments [β, α+β, γ, δ, γ+δ sides]; the γ side is γ + 1 throughout.
        let mut y = [b + tx - x, a + b + tx, g + 1.0, d + tx, g + d + 1.0 + tx];
        let mut pg = if want_g { y.map(digamma) } else { [0.0; 5] };
        let mut tg = if want_h { y.map(trigamma) } else { [0.0; 5] };
        for _ in 0..k {
            let term = lb1 - s.lb_ab + lb2 - s.lb_gd;
            let new = log_add_exp(lse, term);
            if want_g {
                let (wo, wn) = ((lse - new).exp(), (term - new).exp());
                let (gt, ht) = derivs(pg, tg);
                for i in 0..4 {
                    gm[i] = wo * gm[i] + wn * gt[i];
                    if want_h {
                        for j in 0..4 {
                            hm[i][j] = wo * hm[i][j] + wn * ht[i][j];
                        }
                    }
                }
            }
            lse = new;
            lb1 += (y[0] / y[1]).ln();
            lb2 += (y[3] / y[4]).ln();
            for j in [0, 1, 3, 4] {
                if want_g {
                    pg[j] += 1.0 / y[j];
                }
                if want_h {
                    tg[j] -= 1.0 / (y[j] * y[j]);
                }
                y[j] += 1.0;
            }
        }
    }
    if want_h {
        for i in 0..4 {
            for j in 0..4 {
                hm[i][j] -= gm[i] * gm[j];
            }
        }
    }
    (lse, gm, hm)
}

/// `ln L(α, β, γ, δ | x, t_x, n)` (FHS 2010, eq. 5), by log-sum-exp ([`row`]); NaN beyond
/// [`MAX_OPPORTUNITIES`] opportunities after `t_x`.
pub(super) fn ln_lik(p: &BgBbParams, x: f64, tx: f64, n: f64) -> f64 {
    if !(n - tx <= MAX_OPPORTUNITIES) {
        return f64::NAN; // unvalidated scalar input beyond the bound: no answer (documented)
    }
    let v = [p.alpha, p.beta, p.gamma, p.delta];
    row(&Shared::new(&v, Order::Value), x, tx, n, Order::Value).0
}

/// `ln P(alive at opportunity n + m | x, t_x, n)`.
pub(crate) fn ln_p_alive(p: &BgBbParams, m: f64, x: f64, tx: f64, n: f64) -> f64 {
    let BgBbParams { alpha: a, beta: b, gamma: g, delta: d } = *p;
    let head = ln_beta(a + x, b + n - x) - ln_beta(a, b) + ln_beta(g, d + n + m) - ln_beta(g, d);
    (head - ln_lik(p, x, tx, n)).min(0.0)
}

/// `ln Σ_{k=1}^{m} B(γ, δ+n0+k)/B(γ, δ)`: the log of the expected number of the next `m`
/// opportunities at which a customer alive at `n0` is still alive (integrated over θ), in closed
/// form (`−∞` for `m = 0`).
pub(super) fn ln_alive_sum(p: &BgBbParams, n0: f64, m: f64) -> f64 {
    if m <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let BgBbParams { gamma: g, delta: d, .. } = *p;
    // ln h(j) = ln Γ(δ+j+1) − ln Γ(γ+δ+j); Σ = Γ(γ+δ)/Γ(δ) · (h(n0) − h(n0+m))/(γ−1).
    let ln_h = |j: f64| gamma_ln_ratio(d + j + 1.0, g + d + j);
    let ln_scale = gamma_ln_ratio(g + d, d) + ln_h(n0);
    let ratio = if (g - 1.0).abs() > 1e-4 {
        -(ln_h(n0 + m) - ln_h(n0)).exp_m1() / (g - 1.0)
    } else {
        // Near γ = 1 the log-gamma difference is −(γ−1)·[ψ(ȳ+m) − ψ(ȳ)] to O((γ−1)³), with ȳ
        // the midpoint of δ+n0+1 and γ+δ+n0: no cancellation.
        let y = d + n0 + 0.5 * (g + 1.0);
        let c = digamma(y + m) - digamma(y);
        let delta = -(g - 1.0) * c;
        if delta == 0.0 {
            c
        } else {
            c * (delta.exp_m1() / delta)
        }
    };
    ln_scale + ratio.ln()
}

pub(super) fn alive_sum(p: &BgBbParams, n0: f64, m: f64) -> f64 {
    ln_alive_sum(p, n0, m).exp()
}

pub(super) fn cond_expected(p: &BgBbParams, m: f64, x: f64, tx: f64, n: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    let BgBbParams { alpha: a, beta: b, .. } = *p;
    // B(α+x+1, β+n−x)/B(α,β) / L · Σ_{k=1}^{m} B(γ, δ+n+k)/B(γ,δ), in logs.
    let ln_head = ln_beta(a + x + 1.0, b + n - x) - ln_beta(a, b) - ln_lik(p, x, tx, n);
    (ln_head + ln_alive_sum(p, n, m)).exp()
}

pub(super) fn ln_binom(n: f64, k: f64) -> f64 {
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

/// `ln P(X(n) = x)` for a new customer (FHS 2010, eq. 7).
pub(super) fn ln_p_x(p: &BgBbParams, x: f64, n: f64) -> f64 {
    if x > n {
        return f64::NEG_INFINITY;
    }
    let BgBbParams { alpha: a, beta: b, gamma: g, delta: d } = *p;
    let (lb_ab, lb_gd) = (ln_beta(a, b), ln_beta(g, d));
    let mut ll = ln_binom(n, x) + ln_beta(a + x, b + n - x) - lb_ab + ln_beta(g, d + n) - lb_gd;
    let mut i = x;
    while i < n {
        let t =
            ln_binom(i, x) + ln_beta(a + x, b + i - x) - lb_ab + ln_beta(g + 1.0, d + i) - lb_gd;
        ll = log_add_exp(ll, t);
        i += 1.0;
    }
    ll
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let x = [0.0, 1.0, 2.0, 6.0, 3.0, 1.0];
        let tx = [0.0, 1.0, 4.0, 6.0, 9.0, 2.0];
        let n = [6.0, 6.0, 6.0, 6.0, 12.0, 40.0];
        let w = [3.0, 1.0, 2.0, 1.0, 5.0, 1.0];
        let data = SummaryData::new(&x, &tx, &n, Some(&w)).unwrap();
        for v in [[1.2, 0.75, 0.66, 2.8], [0.1, 5.0, 3.0, 0.2], [20.0, 0.3, 1.0, 10.0]] {
            let mut g = [0.0; 4];
            let val = Lik.total(&data, &v, Some(&mut g));
            let p = BgBbParams::raw(&v);
            let direct: f64 = (0..6).map(|i| w[i] * ln_lik(&p, x[i], tx[i], n[i])).sum();
            assert!((val - direct).abs() < 1e-10 * val.abs().max(1.0), "{val} {direct}");
            for j in 0..4 {
                let h = 1e-6 * v[j];
                let (mut up, mut dn) = (v, v);
                up[j] += h;
                dn[j] -= h;
                let fd = (Lik.total(&data, &up, None) - Lik.total(&data, &dn, None)) / (2.0 * h);
                assert!((fd - g[j]).abs() < 1e-5 * g[j].abs().max(1.0), "{v:?} {j} {fd} {}", g[j]);
            }
        }
    }

    #[test]
    fn likelihood_sums_to_one_over_histories() {
        // Σ over all (x, t_x) histories for n opportunities of L = 1 (L counts the ordered
        // sequences: C(t_x − 1, x − 1) of them share (x, t_x)).
        let p = BgBbParams::new(1.2, 0.75, 0.66, 2.8).unwrap();
        let n = 7.0;
        let mut total = ln_lik(&p, 0.0, 0.0, n).exp();
        for tx in 1..=7 {
            for x in 1..=tx {
                let c = ln_binom(tx as f64 - 1.0, x as f64 - 1.0).exp();
                total += c * ln_lik(&p, x as f64, tx as f64, n).exp();
            }
        }
        assert!((total - 1.0).abs() < 1e-12, "{total}");
    }

    #[test]
    fn closed_form_expectation_matches_sum_and_gamma_one() {
        for v in [[1.2, 0.75, 0.66, 2.8], [1.2, 0.75, 1.0, 2.8], [0.5, 2.0, 1.0 + 1e-9, 0.7]] {
            let p = BgBbParams::raw(&v);
            for &(n0, m) in &[(0.0, 5.0), (6.0, 1.0), (6.0, 30.0), (100.0, 1000.0)] {
                let mut direct = 0.0;
                for k in 1..=(m as usize) {
                    direct += (ln_beta(p.gamma, p.delta + n0 + k as f64)
                        - ln_beta(p.gamma, p.delta))
                    .exp();
                }
                let got = alive_sum(&p, n0, m);
                assert!((got - direct).abs() < 1e-9 * direct, "{v:?} {n0} {m}: {got} {direct}");
            }
        }
    }
}
