//! The BG/BB likelihood (value and gradient, for the shared driver) and the model's scalar
//! kernels: P(alive), the conditional expectation and P(X(n) = x) (see [`super::bg_bb`] for the
//! model and its sources).

use super::bg_bb::{BgBbParams, MAX_OPPORTUNITIES};
use super::{Likelihood, SummaryData};
use crate::special::{digamma, gamma_ln_ratio, ln_beta, ln_gamma, log_add_exp};

pub(super) struct Lik;

impl Likelihood for Lik {
    type Data = SummaryData;
    const MODEL: &'static str = "bg_bb";
    const NAMES: &'static [&'static str] = BgBbParams::NAMES;

    fn total(&self, data: &SummaryData, v: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (a, b, g, d) = (v[0], v[1], v[2], v[3]);
        let (lb_ab, lb_gd) = (ln_beta(a, b), ln_beta(g, d));
        let (dg_a, dg_b, dg_ab) = (digamma(a), digamma(b), digamma(a + b));
        let (dg_g, dg_d, dg_gd) = (digamma(g), digamma(d), digamma(g + d));
        let dg_g1 = dg_g + 1.0 / g;
        let (f, rec, np, w) = (data.frequency(), data.recency(), data.t(), data.weight());
        let want = grad.is_some();
        let (total, gr) = crate::parallel::chunked_sum(f.len(), 4, |range, gr| {
            let mut s = 0.0;
            for i in range {
                let (x, tx, n) = (f[i], rec[i], np[i]);
                // First term: alive through n.
                let mut ll = ln_beta(a + x, b + n - x) - lb_ab + ln_beta(g, d + n) - lb_gd;
                let mut gsum = [0.0; 4];
                let mut acc = |ll_term: f64, gt: [f64; 4], lse: &mut f64, first: bool| {
                    if first {
                        *lse = ll_term;
                        gsum = gt;
                        return;
                    }
                    let new = log_add_exp(*lse, ll_term);
                    if want {
                        let (wo, wn) = ((*lse - new).exp(), (ll_term - new).exp());
                        for j in 0..4 {
                            gsum[j] = wo * gsum[j] + wn * gt[j];
                        }
                    }
                    *lse = new;
                };
                let gt0 = if want {
                    let dabn = digamma(a + b + n);
                    let dgdn = digamma(g + d + n);
                    [
                        digamma(a + x) - dabn - dg_a + dg_ab,
                        digamma(b + n - x) - dabn - dg_b + dg_ab,
                        dg_gd - dgdn,
                        digamma(d + n) - dgdn - dg_d + dg_gd,
                    ]
                } else {
                    [0.0; 4]
                };
                let first_ll = ll;
                acc(first_ll, gt0, &mut ll, true);
                // Terms i = 0..n−t_x−1: dead from opportunity t_x + i + 1.
                let k = (n - tx) as usize;
                if k > 0 {
                    let mut lb1 = ln_beta(a + x, b + tx - x);
                    let mut lb2 = ln_beta(g + 1.0, d + tx);
                    // Arguments whose digammas move with i.
                    let (mut yb, mut yab, mut yd, mut ygd) =
                        (b + tx - x, a + b + tx, d + tx, g + d + 1.0 + tx);
                    let (mut pb, mut pab, mut pd, mut pgd) = if want {
                        (digamma(yb), digamma(yab), digamma(yd), digamma(ygd))
                    } else {
                        (0.0, 0.0, 0.0, 0.0)
                    };
                    let dax = if want { digamma(a + x) } else { 0.0 };
                    for _ in 0..k {
                        let term = lb1 - lb_ab + lb2 - lb_gd;
                        let gt = [
                            dax - pab - dg_a + dg_ab,
                            pb - pab - dg_b + dg_ab,
                            dg_g1 - pgd - dg_g + dg_gd,
                            pd - pgd - dg_d + dg_gd,
                        ];
                        acc(term, gt, &mut ll, false);
                        lb1 += (yb / yab).ln();
                        lb2 += (yd / ygd).ln();
                        if want {
                            pb += 1.0 / yb;
                            pab += 1.0 / yab;
                            pd += 1.0 / yd;
                            pgd += 1.0 / ygd;
                        }
                        yb += 1.0;
                        yab += 1.0;
                        yd += 1.0;
                        ygd += 1.0;
                    }
                }
                s += w[i] * ll;
                if want {
                    for j in 0..4 {
                        gr[j] += w[i] * gsum[j];
                    }
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

/// `ln L(α, β, γ, δ | x, t_x, n)` (FHS 2010, eq. 5), by log-sum-exp.
pub(super) fn ln_lik(p: &BgBbParams, x: f64, tx: f64, n: f64) -> f64 {
    let BgBbParams { alpha: a, beta: b, gamma: g, delta: d } = *p;
    let (lb_ab, lb_gd) = (ln_beta(a, b), ln_beta(g, d));
    let mut ll = ln_beta(a + x, b + n - x) - lb_ab + ln_beta(g, d + n) - lb_gd;
    if !(n - tx <= MAX_OPPORTUNITIES) {
        return f64::NAN; // unvalidated scalar input beyond the bound: no answer (documented)
    }
    let k = (n - tx) as usize;
    if k > 0 {
        let mut lb1 = ln_beta(a + x, b + tx - x);
        let mut lb2 = ln_beta(g + 1.0, d + tx);
        let (mut yb, mut yab, mut yd, mut ygd) = (b + tx - x, a + b + tx, d + tx, g + d + 1.0 + tx);
        for _ in 0..k {
            ll = log_add_exp(ll, lb1 - lb_ab + lb2 - lb_gd);
            lb1 += (yb / yab).ln();
            lb2 += (yd / ygd).ln();
            yb += 1.0;
            yab += 1.0;
            yd += 1.0;
            ygd += 1.0;
        }
    }
    ll
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
