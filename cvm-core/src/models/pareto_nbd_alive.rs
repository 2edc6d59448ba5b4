//! P(alive) of many Pareto/NBD customers by per-frequency interpolation over ages: the scoring
//! path of [`TransactionModel::scoring_batch`](super::TransactionModel::scoring_batch) for the
//! Pareto/NBD.
//!
//! # Method
//! `P(alive) = 1/(1 + w)` with `w = s ∫_{t_x}^T ((α+τ)/(α+T))^{−(r+x)} ((β+τ)/(β+T))^{−s}
//! (β+τ)^{−1} dτ` (see [`super::pareto_nbd_likelihood`]). Splitting the integral at infinity,
//! `w = H_x(t_x) R − H_x(T)` with `R = ((α+T)/(α+t_x))^{r+x} ((β+T)/(β+t_x))^s` and the
//! normalised tail
//! `H_x(t) = s (α+t)^{r+x} (β+t)^s ∫_t^∞ (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ ∈ (0, 1]`, which is
//! (substituting `u = (M+t)/(M+τ)`, `M = max(α, β)`, then Euler's transformation)
//! `s/(r+s+x) · ₂F₁(1, r+x; r+s+x+1; z)` for `α ≥ β` and
//! `s/(r+s+x) · (1−z) ₂F₁(1, s+1; r+s+x+1; z)` for `α < β`, `z = |α−β|/(M+t)`.
//! `H_x` depends on `t` only through `(β+t)/(α+t)`: with `m = min(α, β)` it is analytic in
//! `1/(t + m)` except on `(−∞, −1/|α−β|]`, and in `ln(t + m)` except at distance π from the real
//! axis. For each whole frequency held by at least [`INTERPOLATE_FROM`] customers, `ln H_x` is
//! interpolated by 32-node Chebyshev series in the first of these two variables that works over
//! the frequency's range of ages (one series, or 2, 4 or 8 equal pieces of the range when one
//! does not reach [`TOL`] at its four check points between the nodes); for `x = 0`, where
//! `t_x = 0` and `P(alive)` depends on `T` only, `ln P(alive)` itself is interpolated the same
//! way when it meets [`TOL`]. The result is checked against the direct quadrature at up to four
//! of the frequency's customers (relative error ≤ [`CHECK_TOL`]); a frequency that fails is
//! evaluated directly. `H_x(0)` is evaluated directly once.
//!
//! A customer then costs one or two short Clenshaw sums, two divisions, a few logarithms and
//! exponentials, instead of a quadrature of 20–40 nodes. With `δ` the error of `ln H`, the error of `w` is at most
//! `δ (w + 2 H_x(T))` and that of `P(alive)` at most `δ (w + 2)/(1 + w) ≤ 2δ` relative
//! (`H ≤ 1`): no cancellation in `H_x(t_x) R − H_x(T)` can amplify it.

use super::pareto_nbd::{alive_expectation, ln_p_alive, ParetoNbdParams};
use crate::special::{equal_pieces, ln_1m_exp, ln_1p_exp, ln_hyp2f1, Chebyshev};

/// Customers of one frequency from which its `H_x` is interpolated.
const INTERPOLATE_FROM: usize = 256;
/// Frequencies `0..TABLE_FREQUENCIES` are tabulated; larger ones are evaluated directly.
const TABLE_FREQUENCIES: usize = 4096;
/// Largest accepted error of an interpolant of `ln H` at its check points.
const TOL: f64 = 5e-14;
/// Largest accepted relative difference from the direct quadrature at a frequency's check
/// customers.
const CHECK_TOL: f64 = 5e-13;
/// Trailing coefficients dropped when their absolute values sum to at most this.
const TRIM: f64 = 5e-15;
/// Most equal pieces of a frequency's range of the mapped age.
const MAX_PIECES: usize = 16;
/// Customers of a frequency checked against the direct quadrature.
const CHECKS: usize = 4;

/// `ln H_x(t)` (see the module documentation) by its ₂F₁ form.
fn ln_h(p: &ParetoNbdParams, x: f64, t: f64) -> f64 {
    let ParetoNbdParams { r, alpha, s, beta } = *p;
    let rx = r + x;
    let rsx = rx + s;
    let head = (s / rsx).ln();
    if alpha >= beta {
        head + ln_hyp2f1(1.0, rx, rsx + 1.0, (alpha - beta) / (alpha + t)).0
    } else {
        let z = (beta - alpha) / (beta + t);
        head + ((alpha + t) / (beta + t)).ln() + ln_hyp2f1(1.0, s + 1.0, rsx + 1.0, z).0
    }
}

/// How a table's variable is made from an age `t`.
#[derive(Clone, Copy, PartialEq)]
enum Map {
    /// `1/(t + m)`: `H_x` is analytic in it except on `(−∞, −1/|α−β|]`; a division per age.
    Inverse,
    /// `ln(t + m)`: singularities at distance π; a logarithm per age.
    Log,
}

impl Map {
    #[inline]
    fn of(self, t: f64, m: f64) -> f64 {
        match self {
            Map::Inverse => 1.0 / (t + m),
            Map::Log => (t + m).ln(),
        }
    }

    #[inline]
    fn age(self, v: f64, m: f64) -> f64 {
        match self {
            Map::Inverse => (1.0 / v - m).max(0.0),
            Map::Log => (v.exp() - m).max(0.0),
        }
    }
}

/// `ln H_x` over `[lo, hi]` of the mapped age: equal pieces, each a Chebyshev series.
struct Table {
    ln_h0: f64,
    map: Map,
    lo: f64,
    /// Pieces per unit of the mapped age.
    scale: f64,
    pieces: Vec<Chebyshev>,
    /// For `x = 0` (then `t_x = 0`, `P(alive)` depends on `T` only): `ln P(alive)` as one series
    /// in the mapped `T`, when it meets [`TOL`].
    alive0: Option<Chebyshev>,
}

/// `ln P(alive | x = 0, T)` as a series in the mapped `T` over `[lo, hi]` (see [`Table`]).
fn alive0(p: &ParetoNbdParams, map: Map, m: f64, lo: f64, hi: f64) -> Option<Chebyshev> {
    let h0 = ln_h(p, 0.0, 0.0);
    let f = |v: f64| {
        let t = map.age(v, m);
        let ln_r = p.r * (t / p.alpha).ln_1p() + p.s * (t / p.beta).ln_1p();
        // ln P = −ln(1 + w), w = H(0) R − H(T) ≥ 0.
        let w = (h0 + ln_r).exp() - ln_h(p, 0.0, t).exp();
        -w.max(0.0).ln_1p()
    };
    Chebyshev::fit_direct(lo, hi, TOL, &f).map(|c| c.trimmed(TRIM))
}

impl Table {
    /// The first of [`Map::Inverse`] and [`Map::Log`] whose series (1, 2, 4 or 8 pieces) meet
    /// [`TOL`] on the ages `[t_lo, t_hi]`, with the series of `ln P(alive)` for `x = 0`.
    fn build(p: &ParetoNbdParams, x: f64, m: f64, t_lo: f64, t_hi: f64) -> Option<Table> {
        let ln_h0 = ln_h(p, x, 0.0);
        if !ln_h0.is_finite() {
            return None;
        }
        [Map::Inverse, Map::Log].into_iter().find_map(|map| {
            let (a, b) = (map.of(t_lo, m), map.of(t_hi, m));
            let (lo, hi) = (a.min(b), a.max(b));
            if !(lo.is_finite() && hi.is_finite() && hi > lo) {
                return None;
            }
            let f = |v: f64| ln_h(p, x, map.age(v, m));
            let pieces = equal_pieces(lo, hi, MAX_PIECES, |a, b| {
                Chebyshev::fit_direct(a, b, TOL, &f).map(|c| c.trimmed(TRIM))
            })?;
            let k = pieces.len();
            let alive0 = (x == 0.0 && k == 1).then(|| alive0(p, map, m, lo, hi)).flatten();
            Some(Table { ln_h0, map, lo, scale: k as f64 / (hi - lo), pieces, alive0 })
        })
    }

    #[inline]
    fn ln_h(&self, t: f64, m: f64) -> f64 {
        if t == 0.0 {
            return self.ln_h0;
        }
        let v = self.map.of(t, m);
        if self.pieces.len() == 1 {
            return self.pieces[0].series(v);
        }
        let j = (((v - self.lo) * self.scale).max(0.0) as usize).min(self.pieces.len() - 1);
        self.pieces[j].series(v)
    }
}

/// The per-frequency tables of one call (see the module documentation).
pub(super) struct AliveByFrequency {
    p: ParetoNbdParams,
    m: f64,
    by_x: Vec<Option<Table>>,
}

/// The customers of one frequency: how many, their smallest positive age (`t_x` or `T`), their
/// largest `T`, and a few rows with `t_x < T` to check against the quadrature.
struct Group {
    n: usize,
    lo: f64,
    hi: f64,
    checks: Vec<(f64, f64)>,
}

/// The [`Group`] of each whole frequency below [`TABLE_FREQUENCIES`], on the thread pool for
/// large calls (chunks merged in order: the same groups for any number of threads).
fn groups(frequency: &[f64], recency: &[f64], t_cal: &[f64]) -> Vec<Group> {
    let scan = |range: std::ops::Range<usize>| {
        let mut groups: Vec<Group> = Vec::new();
        for i in range {
            let (x, t_x, t) = (frequency[i], recency[i], t_cal[i]);
            if !(x >= 0.0 && x < TABLE_FREQUENCIES as f64) || x != x.trunc() {
                continue;
            }
            let k = x as usize;
            if k >= groups.len() {
                groups.resize_with(k + 1, Group::empty);
            }
            let g = &mut groups[k];
            g.n += 1;
            g.lo = g.lo.min(if t_x > 0.0 { t_x } else { t });
            g.hi = g.hi.max(t);
            if t_x < t && g.checks.len() < CHECKS {
                g.checks.push((t_x, t));
            }
        }
        groups
    };
    let n = frequency.len();
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        const ROWS: usize = 1 << 16;
        if n > ROWS {
            return (0..n.div_ceil(ROWS))
                .into_par_iter()
                .map(|c| scan(c * ROWS..((c + 1) * ROWS).min(n)))
                .reduce(Vec::new, |mut a, b| {
                    if a.len() < b.len() {
                        a.resize_with(b.len(), Group::empty);
                    }
                    for (ga, gb) in a.iter_mut().zip(b) {
                        ga.n += gb.n;
                        ga.lo = ga.lo.min(gb.lo);
                        ga.hi = ga.hi.max(gb.hi);
                        let room = CHECKS - ga.checks.len();
                        ga.checks.extend(gb.checks.into_iter().take(room));
                    }
                    a
                });
        }
    }
    scan(0..n)
}

impl Group {
    fn empty() -> Group {
        Group { n: 0, lo: f64::INFINITY, hi: f64::NEG_INFINITY, checks: Vec::new() }
    }
}

impl AliveByFrequency {
    /// The tables for the (validated) customers of one call; `None` when no frequency is
    /// frequent enough or none could be interpolated.
    pub(super) fn plan(
        p: &ParetoNbdParams, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Option<AliveByFrequency> {
        if frequency.len() < INTERPOLATE_FROM {
            return None;
        }
        let m = p.alpha.min(p.beta);
        let groups = groups(frequency, recency, t_cal);
        let by_x: Vec<Option<Table>> = groups
            .iter()
            .enumerate()
            .map(|(k, g)| {
                if g.n < INTERPOLATE_FROM {
                    return None;
                }
                let x = k as f64;
                let table = Table::build(p, x, m, g.lo, g.hi)?;
                let ok = g.checks.iter().all(|&(t_x, t)| {
                    let want = ln_p_alive(p, x, t_x, t).exp();
                    let got = alive(p, m, &table, x, t_x, t);
                    got.is_some_and(|v| (v / want - 1.0).abs() <= CHECK_TOL)
                });
                ok.then_some(table)
            })
            .collect();
        by_x.iter().any(Option::is_some).then_some(AliveByFrequency { p: *p, m, by_x })
    }

    /// `(P(alive), E[Y(horizon) | x, t_x, T])` of a validated customer whose frequency has a
    /// table; `None` otherwise.
    #[inline]
    pub(super) fn at(&self, horizon: f64, x: f64, t_x: f64, t: f64) -> Option<(f64, f64)> {
        let k = x as usize;
        let table = self.by_x.get(k)?.as_ref()?;
        if k as f64 != x {
            return None;
        }
        let a = alive(&self.p, self.m, table, x, t_x, t)?;
        // E[Y(0)] = 0 (P(alive) alone asks for horizon 0).
        let e = if horizon == 0.0 { 0.0 } else { alive_expectation(&self.p, horizon, x, t) * a };
        Some((a, e))
    }
}

/// `P(alive) = 1/(1 + w)`, `w = H(t_x) R − H(T)` (in logarithms when `H(t_x) R` is large).
#[inline]
fn alive(p: &ParetoNbdParams, m: f64, table: &Table, x: f64, t_x: f64, t: f64) -> Option<f64> {
    if t_x >= t {
        return Some(1.0);
    }
    if t_x == 0.0 {
        if let Some(c) = &table.alive0 {
            return Some(c.series(table.map.of(t, m)).exp());
        }
    }
    let dt = t - t_x;
    let ln_r = (p.r + x) * (dt / (p.alpha + t_x)).ln_1p() + p.s * (dt / (p.beta + t_x)).ln_1p();
    let (h_x, h_t) = (table.ln_h(t_x, m) + ln_r, table.ln_h(t, m));
    let v = if h_x < LINEAR_UP_TO {
        let w = h_x.exp() - h_t.exp();
        1.0 / (1.0 + w.max(0.0))
    } else {
        // ln w = ln(H(t_x) R) + ln(1 − H(T)/(H(t_x) R)), H(T) ≤ 1 ≪ H(t_x) R.
        (-ln_1p_exp(h_x + ln_1m_exp(h_t - h_x))).exp()
    };
    v.is_finite().then_some(v)
}

/// Largest `ln(H(t_x) R)` for which `w` is formed directly.
const LINEAR_UP_TO: f64 = 600.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::bg_family::Lcg;
    use crate::models::{ParetoNbd, TransactionModel};

    /// Shapes `r, s` log-uniform on `[lo, hi]`, scales `α, β` on `[0.1, 100]`.
    fn params(g: &mut Lcg, lo: f64, hi: f64) -> [f64; 4] {
        std::array::from_fn(|j| {
            if j % 2 == 0 {
                g.log_uniform(lo, hi)
            } else {
                g.log_uniform(0.1, 100.0)
            }
        })
    }

    #[test]
    fn tail_form_matches_the_quadrature() {
        // w = H(t_x) R − H(T) against the likelihood's quadrature of w directly.
        let mut g = Lcg(3);
        let mut worst = 0.0f64;
        for _ in 0..3000 {
            let p = ParetoNbdParams::raw(&params(&mut g, 1e-2, 50.0));
            let x = (g.log_uniform(1.0, 200.0) - 1.0).floor();
            let t = g.log_uniform(0.1, 200.0);
            let t_x = if x == 0.0 { 0.0 } else { t * g.unit() };
            let want = ln_p_alive(&p, x, t_x, t).exp();
            let dt = t - t_x;
            let ln_r =
                (p.r + x) * (dt / (p.alpha + t_x)).ln_1p() + p.s * (dt / (p.beta + t_x)).ln_1p();
            let (hx, ht) = (ln_h(&p, x, t_x), ln_h(&p, x, t));
            let w = (hx + ln_r).exp() - ht.exp();
            let got = 1.0 / (1.0 + w.max(0.0));
            worst = worst.max((got / want - 1.0).abs());
        }
        assert!(worst < 1e-12, "{worst:e}");
    }

    #[test]
    fn interpolated_scoring_equals_direct_evaluation() {
        // Continuous ages: every customer distinct, each frequency interpolated; every value
        // within 1e-12 relative of the customer-by-customer kernels.
        let mut g = Lcg(29);
        let mut used = 0;
        for case in 0..40 {
            let p = params(&mut g, 2e-2, 20.0);
            let m = ParetoNbd::from_params(ParetoNbdParams::raw(&p)).unwrap();
            let lo = g.log_uniform(1e-2, 20.0);
            let hi = lo * g.log_uniform(1.01, 200.0);
            let xs = [0.0, 1.0, 2.0, 5.0, 17.0];
            let (mut f, mut r, mut t) = (vec![], vec![], vec![]);
            for i in 0..3000 {
                let x = xs[i % xs.len()];
                let tc = g.log_uniform(lo, hi);
                f.push(x);
                t.push(tc);
                r.push(match (x == 0.0, i % 211) {
                    (true, _) => 0.0,
                    (false, 0) => tc,
                    _ => tc * g.unit().max(1e-9),
                });
            }
            let h = [0.5, 39.0, 500.0][case % 3];
            let plan = AliveByFrequency::plan(&ParetoNbdParams::raw(&p), &f, &r, &t);
            used += plan.as_ref().map_or(0, |pl| pl.by_x.iter().flatten().count());
            let (alive, e) = m.probability_alive_and_expected_purchases(h, &f, &r, &t).unwrap();
            let alone = m.probability_alive(&f, &r, &t).unwrap();
            let e2 = m.conditional_expected_purchases(h, &f, &r, &t).unwrap();
            for i in 0..f.len() {
                let (pa, want) = m.probability_alive_and_expected_purchases_at(h, f[i], r[i], t[i]);
                for (got, want) in [(alive[i], pa), (alone[i], pa), (e[i], want), (e2[i], want)] {
                    let d = if want == 0.0 { got.abs() } else { (got / want - 1.0).abs() };
                    assert!(
                        d <= 1e-12,
                        "{p:?} row {i} ({}, {}, {}): {got} vs {want}",
                        f[i],
                        r[i],
                        t[i]
                    );
                }
            }
        }
        // The interpolated path is taken for most frequencies (else this test checks nothing).
        assert!(used >= 150, "{used}");
    }

    #[test]
    fn small_calls_and_rare_frequencies_are_direct() {
        let p = ParetoNbdParams::raw(&[0.553, 10.578, 0.606, 11.669]);
        let n = INTERPOLATE_FROM - 1;
        let (f, r, t) = (vec![1.0; n], vec![1.0; n], vec![30.0; n]);
        assert!(AliveByFrequency::plan(&p, &f, &r, &t).is_none());
        // Non-whole frequencies are never tabulated.
        let plan = AliveByFrequency::plan(
            &p,
            &[vec![1.0; 300], vec![1.5]].concat(),
            &[vec![2.0; 300], vec![1.0]].concat(),
            &[(0..301).map(|i| 20.0 + i as f64 * 0.1).collect::<Vec<_>>()].concat(),
        );
        let plan = plan.expect("frequency 1 is tabulated");
        assert!(plan.at(39.0, 1.5, 1.0, 30.0).is_none());
        assert!(plan.at(39.0, 1.0, 2.0, 30.0).is_some());
        assert!(plan.at(39.0, 2.0, 2.0, 30.0).is_none());
    }
}
