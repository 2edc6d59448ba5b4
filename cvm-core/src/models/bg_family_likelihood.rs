//! The likelihood terms shared by the BG/NBD and the MBG/NBD: per-frequency tables of a
//! two-term log-likelihood and their weighted sums with gradient and exact Hessian.

use super::{JointPass, Likelihood, SummaryData};
use crate::error::{fmt_num, Error, Result};
use crate::parallel::chunked_sum;
use crate::special::{digamma, gamma_ln_ratio, trigamma};

/// Per-frequency terms of a likelihood of the form
/// `ℓ = h(x) + ln(e^{A₁} + e^{A₂})`, `A_k = c_k(x) − (r+x) ln(α + τ_k)` with `τ₁ = T`, `τ₂ = t_x`
/// (the BG/NBD and MBG/NBD), with derivatives in `(r, α, a, b)`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct XTerms {
    /// `h(x)`.
    pub head: f64,
    /// `∇h`.
    pub head_grad: [f64; 4],
    /// `∇²h` (symmetric).
    pub head_hess: [[f64; 4]; 4],
    /// `c₁, c₂`.
    pub c: [f64; 2],
    /// `(∂c_k/∂a, ∂c_k/∂b)`.
    pub c_grad: [[f64; 2]; 2],
    /// `(∂²c_k/∂a², ∂²c_k/∂b²)` (the models have no cross term).
    pub c_hess: [[f64; 2]; 2],
    /// `r + x`.
    pub rx: f64,
    /// Whether the second term is present.
    pub two: bool,
}

/// What [`two_term_total`] computes besides the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    Value,
    Gradient,
    Hessian,
}

/// The entries `(a, b)`, `a ≤ b`, of a symmetric 4 × 4 matrix, in the order [`two_term_total`]
/// accumulates them.
const UPPER: [(usize, usize); 10] =
    [(0, 0), (0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)];

/// Weighted sums of `ℓ`, `∇ℓ` and `∇²ℓ` over the rows (natural parameters).
///
/// What depends on the frequency alone — the head `h(x)` and, for a level without the second
/// term, `c₁` with its derivatives in `(a, b)` — is summed once per level, times the level's
/// total weight ([`SummaryData::x_weights`]); a row adds the rest: for a one-term row
/// `−(r+x) ln(α+T)` and its derivatives in `(r, α)` (one logarithm, four products), for a
/// two-term row the log-sum-exp, its gradient and the upper triangle of its Hessian.
pub(crate) fn two_term_total(
    data: &SummaryData, alpha: f64, table: &[XTerms], order: Order,
) -> (f64, [f64; 4], [[f64; 4]; 4]) {
    let (rec, t, w, xi) = (data.recency(), data.t(), data.weight(), data.x_index());
    let k = match order {
        Order::Value => 0,
        Order::Gradient => 4,
        Order::Hessian => 4 + UPPER.len(),
    };
    // Offsets of the Hessian's entries (0, 1) and (1, 1) in a chunk's accumulator.
    const H01: usize = 5;
    const H11: usize = 8;
    let (rows, acc) = chunked_sum(rec.len(), k, |range, acc| {
        let mut s = 0.0;
        for i in range {
            let tb = &table[xi[i] as usize];
            let wi = w[i];
            let l1 = (alpha + t[i]).ln();
            if !tb.two {
                s -= wi * tb.rx * l1;
                if order != Order::Value {
                    let u1 = 1.0 / (alpha + t[i]);
                    acc[0] -= wi * l1;
                    acc[1] -= wi * tb.rx * u1;
                    if order == Order::Hessian {
                        acc[H01] -= wi * u1;
                        acc[H11] += wi * tb.rx * u1 * u1;
                    }
                }
                continue;
            }
            let a1 = tb.c[0] - tb.rx * l1;
            let l2 = (alpha + rec[i]).ln();
            let a2 = tb.c[1] - tb.rx * l2;
            let (hi, lo) = if a1 >= a2 { (a1, a2) } else { (a2, a1) };
            let e = (lo - hi).exp();
            let p_lo = e / (1.0 + e);
            let p2 = if a1 >= a2 { p_lo } else { 1.0 - p_lo };
            s += wi * (hi + e.ln_1p());
            if order == Order::Value {
                continue;
            }
            let p1 = 1.0 - p2;
            let (u1, u2) = (1.0 / (alpha + t[i]), 1.0 / (alpha + rec[i]));
            let g1 = [-l1, -tb.rx * u1, tb.c_grad[0][0], tb.c_grad[0][1]];
            let g2 = [-l2, -tb.rx * u2, tb.c_grad[1][0], tb.c_grad[1][1]];
            for j in 0..4 {
                acc[j] += wi * (p1 * g1[j] + p2 * g2[j]);
            }
            if order == Order::Hessian {
                // π₁∇²A₁ + π₂∇²A₂ + π₁π₂ (∇A₁ − ∇A₂)(∇A₁ − ∇A₂)ᵀ
                let mut h = [[0.0; 4]; 4];
                h[0][1] = -(p1 * u1 + p2 * u2);
                h[1][1] = tb.rx * (p1 * u1 * u1 + p2 * u2 * u2);
                h[2][2] = p1 * tb.c_hess[0][0] + p2 * tb.c_hess[1][0];
                h[3][3] = p1 * tb.c_hess[0][1] + p2 * tb.c_hess[1][1];
                let q = p1 * p2;
                let dv = [g1[0] - g2[0], g1[1] - g2[1], g1[2] - g2[2], g1[3] - g2[3]];
                for (m, &(a, b)) in UPPER.iter().enumerate() {
                    acc[4 + m] += wi * (h[a][b] + q * dv[a] * dv[b]);
                }
            }
        }
        s
    });
    // The terms of each level's frequency, times the level's weight (none for a level without
    // rows, as in a subsample: its terms are not needed, and may not be finite).
    let (mut total, mut g, mut h) = (rows, [0.0; 4], [[0.0; 4]; 4]);
    for (tb, &wx) in table.iter().zip(data.x_weights()).filter(|(_, &wx)| wx != 0.0) {
        let one = !tb.two;
        total += wx * (tb.head + if one { tb.c[0] } else { 0.0 });
        if order == Order::Value {
            continue;
        }
        for j in 0..4 {
            g[j] += wx * tb.head_grad[j];
            for b in 0..4 {
                h[j][b] += wx * tb.head_hess[j][b];
            }
        }
        if one {
            for j in 0..2 {
                g[2 + j] += wx * tb.c_grad[0][j];
                h[2 + j][2 + j] += wx * tb.c_hess[0][j];
            }
        }
    }
    if order != Order::Value {
        for j in 0..4 {
            g[j] += acc[j];
        }
    }
    if order == Order::Hessian {
        for (m, &(a, b)) in UPPER.iter().enumerate() {
            h[a][b] += acc[4 + m];
            if a != b {
                h[b][a] += acc[4 + m];
            }
        }
    }
    (total, g, h)
}

/// The sums over `k < x` from which the BG family's per-frequency heads are made, at one
/// frequency level `x` (a whole number), for parameters `(r, a, b)`:
///
/// * `ln_r = Σ ln(r+k) = ln Γ(r+x) − ln Γ(r)`,
/// * `ln_beta = Σ ln((b+k)/(a+b+k)) = ln B(a, b+x) − ln B(a, b)`,
/// * `inv = [Σ 1/(r+k), Σ 1/(b+k), Σ 1/(a+b+k)]`, the digamma differences `ψ(z+x) − ψ(z)` at
///   `z = r, b, a+b`,
/// * `inv2 = [Σ 1/(r+k)², …]`, the trigamma differences `ψ'(z) − ψ'(z+x)` (when the Hessian is
///   asked for; zeros otherwise).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HeadSums {
    pub ln_r: f64,
    pub ln_beta: f64,
    pub inv: [f64; 3],
    pub inv2: [f64; 3],
}

/// The longest run of frequencies [`head_sums`] adds term by term to reach the next level; a
/// wider gap is bridged by the closed forms (log-gamma ratios and polygamma differences).
const HEAD_MAX_GAP: f64 = 32.0;
/// The most terms [`head_sums`] adds up before it starts afresh from the closed forms, which
/// bounds the rounding error of a running sum (≤ 128 ulp of its terms' magnitude: relative
/// 3e-14 where the closed forms hold 1e-14).
const HEAD_MAX_RUN: f64 = 128.0;

/// [`HeadSums`] at each of the ascending whole-number frequency `levels`.
///
/// Consecutive levels differ by one term a frequency in between: from the previous level the
/// sums advance term by term (two logarithms and three divisions a term, six more products
/// with the Hessian) unless the gap is wider than [`HEAD_MAX_GAP`] or the run since the last
/// closed form would pass [`HEAD_MAX_RUN`] terms; then the closed forms
/// ([`gamma_ln_ratio`], [`digamma`], [`trigamma`]) give the level directly. Work is
/// `O(levels · HEAD_MAX_GAP)`, a few microseconds for the 40–60 levels of a typical summary,
/// where the closed forms at every level took five times as long (a profile of 10,000-customer
/// fits: the tables fell from 17 % to 4 % of the calling thread).
///
/// A term `ln((b+k)/(a+b+k))` is `ln_1p(−a/(a+b+k))` when `a < b+k` (no rounding of a ratio
/// close to 1 when `a` is small), else the logarithm of the ratio (at most ½); neither forms
/// the two log-gamma ratios' difference, which cancels when `a` and `b` are large.
pub(crate) fn head_sums(
    levels: &[f64], r: f64, a: f64, b: f64, with_hessian: bool,
) -> Vec<HeadSums> {
    // The closed forms' constants, computed when first needed (most summaries never need them).
    let mut base: Option<([f64; 3], [f64; 3])> = None;
    let mut closed = |x: f64| -> HeadSums {
        let (dg, tg) = *base.get_or_insert_with(|| {
            let z = [r, b, a + b];
            (z.map(digamma), if with_hessian { z.map(trigamma) } else { [0.0; 3] })
        });
        let z = [r + x, b + x, a + b + x];
        let mut s = HeadSums {
            ln_r: gamma_ln_ratio(z[0], r),
            ln_beta: gamma_ln_ratio(z[1], b) - gamma_ln_ratio(z[2], a + b),
            ..Default::default()
        };
        for j in 0..3 {
            s.inv[j] = digamma(z[j]) - dg[j];
            if with_hessian {
                s.inv2[j] = tg[j] - trigamma(z[j]);
            }
        }
        s
    };
    let mut out = Vec::with_capacity(levels.len());
    // The sums at `at`, and the terms added since the last closed form.
    let (mut sums, mut at, mut run) = (HeadSums::default(), 0.0, 0.0);
    for &x in levels {
        let gap = x - at;
        if gap > HEAD_MAX_GAP || run + gap > HEAD_MAX_RUN {
            sums = closed(x);
            run = 0.0;
        } else {
            let mut k = at;
            while k < x {
                let (rk, bk, s) = (r + k, b + k, a + b + k);
                sums.ln_r += rk.ln();
                sums.ln_beta += if a < bk { (-a / s).ln_1p() } else { (bk / s).ln() };
                let u = [1.0 / rk, 1.0 / bk, 1.0 / s];
                for j in 0..3 {
                    sums.inv[j] += u[j];
                    if with_hessian {
                        sums.inv2[j] += u[j] * u[j];
                    }
                }
                k += 1.0;
            }
            run += gap;
        }
        at = x;
        out.push(sums);
    }
    out
}

/// What distinguishes one BG-family likelihood from another: its name, its parameter names and
/// its per-frequency terms; [`BgLik`] makes it a [`Likelihood`].
pub(crate) trait BgTerms: Sync {
    /// The model's name.
    const MODEL: &'static str;
    /// `[r, alpha, a, b]`.
    const NAMES: &'static [&'static str];
    /// The per-frequency terms at natural parameters `p` (with their Hessian when asked).
    fn table(data: &SummaryData, p: &[f64], with_hessian: bool) -> Vec<XTerms>;
}

/// The smaller of `a, b` from which [`BgLik`]'s ridge check looks along the ridge (typical
/// estimates are `a, b` of order 0.1–10; data without dropout end at a small `a` and a large
/// `b`, the limit `p → 0`, which is not this ridge).
const RIDGE_START: f64 = 1e3;
/// How far along the ridge the check looks: `(a, b)` times this.
const RIDGE_STEP: f64 = 1e3;
/// The log-likelihood loss along the ridge below which the data do not bound `a, b`.
const RIDGE_TOLERANCE: f64 = 1e-3;

/// A BG-family likelihood for the shared driver: the terms of `T` summed by
/// [`two_term_total`], with gradient and exact Hessian.
pub(crate) struct BgLik<T>(pub T);

impl<T: BgTerms> Likelihood for BgLik<T> {
    type Data = SummaryData;
    const MODEL: &'static str = T::MODEL;
    const NAMES: &'static [&'static str] = T::NAMES;

    /// The moment start `(1, T̄/(x̄+1), 1, 1)`, then all ones.
    fn initial_guess(&self, data: &SummaryData) -> Vec<Vec<f64>> {
        let (mx, _, mt) = data.means();
        vec![vec![1.0, (mt / (mx + 1.0)).max(1e-3), 1.0, 1.0], vec![1.0; 4]]
    }

    fn total(&self, data: &SummaryData, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let table = T::table(data, p, false);
        let order = if grad.is_some() { Order::Gradient } else { Order::Value };
        let (v, g, _) = two_term_total(data, p[1], &table, order);
        if let Some(out) = grad {
            out.copy_from_slice(&g);
        }
        v
    }

    /// The domain check of every model, then the BG family's ridge: when the data show no
    /// heterogeneity in the dropout probability, the likelihood keeps rising as `a` and `b`
    /// grow together at a fixed `a/(a+b)` (the beta distribution of `p` shrinks to a point) and
    /// the optimiser stops somewhere along it, converged or not. An estimate with `a` and `b`
    /// both at least 1000 whose log-likelihood is not higher (by more than 10⁻³) than at
    /// `1000·(a, b)` is [`Error::NotIdentified`] naming `a` and `b`.
    fn check_estimate(&self, data: &SummaryData, p: &[f64], converged: bool) -> Result<()> {
        if !converged {
            super::check_estimate(T::MODEL, T::NAMES, p)?;
        }
        let (a, b) = (p[2], p[3]);
        if a.min(b) < RIDGE_START {
            return Ok(());
        }
        let far = [p[0], p[1], a * RIDGE_STEP, b * RIDGE_STEP];
        let (here, there) = (self.total(data, p, None), self.total(data, &far, None));
        if there > here - RIDGE_TOLERANCE {
            let mean = a / (a + b);
            let reason = format!(
                "a and b grow together along a ridge of the likelihood (a = {}, b = {}, \
                 a/(a+b) = {mean:.4}; the log-likelihood at 1000·(a, b) is {} against {}): \
                 the data show no heterogeneity in the dropout probability, which is the same \
                 {mean:.4} after every purchase for every customer (the limit a, b → ∞); a \
                 penalizer (e.g. 0.001) keeps a and b finite",
                fmt_num(a),
                fmt_num(b),
                fmt_num(there),
                fmt_num(here),
            );
            return Err(Error::NotIdentified { model: T::MODEL.to_string(), reason });
        }
        Ok(())
    }

    fn hessian(&self, data: &SummaryData, p: &[f64]) -> Option<Vec<Vec<f64>>> {
        let table = T::table(data, p, true);
        let (_, _, h) = two_term_total(data, p[1], &table, Order::Hessian);
        Some(h.iter().map(|r| r.to_vec()).collect())
    }

    /// A warm-started fit finishes with Newton iterations: a joint pass costs little more than
    /// a gradient pass (the per-row terms are shared; the Hessian adds a rank-one update), and
    /// two or three of them replace a BFGS run and the covariance's own Hessian pass.
    const JOINT_HESSIAN: bool = true;

    fn total_with_hessian(&self, data: &SummaryData, p: &[f64]) -> Option<JointPass> {
        let table = T::table(data, p, true);
        let (value, g, h) = two_term_total(data, p[1], &table, Order::Hessian);
        Some(JointPass {
            value,
            gradient: g.to_vec(),
            hessian: h.iter().map(|r| r.to_vec()).collect(),
        })
    }
}

/// The BG family's likelihood checks, shared by the BG/NBD's and the MBG/NBD's tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::models::{Fitted, Likelihood, ModelParams, SummaryData, TransactionModel};

    /// `P::from_slice` names the first invalid parameter (0, NaN, negative), and
    /// `Fitted::from_params` re-validates `hand` (built with `b = ∞`).
    pub(crate) fn params_are_validated<P: ModelParams>(hand: P) {
        for (i, bad) in [[0.0, 1.0, 1.0, 1.0], [1.0, f64::NAN, 1.0, 1.0], [1.0, 1.0, -1.0, 1.0]]
            .iter()
            .enumerate()
        {
            let e = P::from_slice(bad).unwrap_err();
            assert_eq!(e.field(), Some(P::NAMES[i]));
        }
        assert_eq!(Fitted::from_params(hand).unwrap_err().field(), Some("b"));
    }

    /// `v(a, b, x, t_x, T)`, the conditional expectation over 10 time units at `r = 0.5`,
    /// `α = 3`, is finite and continuous at the removable singularities `a = 1` and
    /// `a + b = 1` (relative 1e-4 at a step of 3e-5), for three histories.
    pub(crate) fn continuous_at_removable_points(v: impl Fn(f64, f64, f64, f64, f64) -> f64) {
        for &(x, tx, tc) in &[(0.0, 0.0, 0.0), (3.0, 10.0, 10.0), (0.0, 0.0, 20.0)] {
            let around = |a: f64, b: f64| v(a, b, x, tx, tc);
            let at = around(1.0, 2.0);
            let near = around(1.0 + 3e-5, 2.0);
            assert!(at.is_finite() && (at - near).abs() < 1e-4 * at, "{at} {near}");
            let at0 = around(0.4, 0.6);
            let near0 = around(0.4, 0.6 + 3e-5);
            assert!(at0.is_finite() && (at0 - near0).abs() < 1e-4 * at0.max(1e-3));
        }
    }

    /// At three parameter points on a weighted summary: the total equals the weighted sum of
    /// `model(p)`'s `log_likelihood_at` (relative 1e-10), the analytic gradient equals central
    /// differences of the total (1e-6), and each column of the exact Hessian equals central
    /// differences of the analytic gradient (1e-5).
    pub(crate) fn gradient_and_hessian_match_differences<L, M>(lik: &L, model: impl Fn(&[f64]) -> M)
    where
        L: Likelihood<Data = SummaryData>,
        M: TransactionModel,
    {
        let x = [0.0, 1.0, 3.0, 7.0, 0.0, 2.0];
        let tx = [0.0, 4.0, 20.0, 30.0, 0.0, 0.5];
        let t = [10.0, 35.0, 38.0, 31.0, 1.0, 40.0];
        let w = [3.0, 1.0, 2.0, 1.0, 5.0, 1.0];
        let data = SummaryData::new(&x, &tx, &t, Some(&w)).unwrap();
        for p in [[0.25, 4.0, 0.8, 2.5], [2.0, 0.5, 3.0, 0.7], [0.01, 100.0, 0.05, 40.0]] {
            let mut g = [0.0; 4];
            let v = lik.total(&data, &p, Some(&mut g));
            let m = model(&p);
            let direct: f64 = (0..6).map(|i| w[i] * m.log_likelihood_at(x[i], tx[i], t[i])).sum();
            assert!((v - direct).abs() < 1e-10 * v.abs().max(1.0));
            for j in 0..4 {
                let h = 1e-6 * p[j];
                let (mut up, mut dn) = (p, p);
                up[j] += h;
                dn[j] -= h;
                let fd = (lik.total(&data, &up, None) - lik.total(&data, &dn, None)) / (2.0 * h);
                assert!((fd - g[j]).abs() < 1e-6 * g[j].abs().max(1.0), "p={p:?} j={j}");
                // Column j of the exact Hessian against differences of the analytic gradient.
                let (mut gu, mut gd) = ([0.0; 4], [0.0; 4]);
                lik.total(&data, &up, Some(&mut gu));
                lik.total(&data, &dn, Some(&mut gd));
                let hess = lik.hessian(&data, &p).unwrap();
                for i in 0..4 {
                    let fd = (gu[i] - gd[i]) / (2.0 * h);
                    let tol = 1e-5 * hess[i][j].abs().max(1.0);
                    assert!(
                        (fd - hess[i][j]).abs() < tol,
                        "p={p:?} H[{i}][{j}] {fd} {}",
                        hess[i][j]
                    );
                }
            }
        }
    }

    /// The tests every BG-family model runs, inside its `tests` module (where `LIK`, `p_alive`
    /// and `alive_expectation` are its own): parameter validation, the likelihood's gradient
    /// and Hessian against differences, continuity at the removable points.
    macro_rules! bg_family_tests {
        ($model:ident, $params:ident) => {
            #[test]
            fn params_validation() {
                $crate::models::bg_family_likelihood::testing::params_are_validated($params {
                    r: 1.0,
                    alpha: 1.0,
                    a: 1.0,
                    b: f64::INFINITY,
                });
            }

            #[test]
            fn gradient_matches_finite_differences() {
                let model = |p: &[f64]| $model::from_params($params::raw(p)).unwrap();
                $crate::models::bg_family_likelihood::testing::gradient_and_hessian_match_differences(
                    &LIK, model,
                );
            }

            #[test]
            fn removable_points_are_continuous() {
                $crate::models::bg_family_likelihood::testing::continuous_at_removable_points(
                    |a, b, x, tx, tc| {
                        let p = $params::new(0.5, 3.0, a, b).unwrap();
                        alive_expectation(&p, 10.0, x, tc) * p_alive(&p, x, tx, tc)
                    },
                );
            }
        };
    }
    pub(crate) use bg_family_tests;
}

#[cfg(test)]
mod tests {
    use super::head_sums;
    use crate::models::MbgNbd;
    use crate::models::{simulate, BgNbd, BgNbdParams, FitOptions, SimulationOptions, SummaryData};
    use crate::special::{digamma, gamma_ln_ratio, trigamma};
    use crate::Error;

    fn cohort(a: f64, b: f64, seed: u64) -> SummaryData {
        let truth = BgNbdParams::new(0.5, 4.0, a, b).unwrap();
        let o = SimulationOptions::default().with_n_customers(5000).with_seed(seed);
        let s = simulate::bg_nbd(&truth, &o).unwrap();
        SummaryData::new(&s.frequency, &s.recency, &s.t, None).unwrap()
    }

    /// Homogeneous dropout (simulated with `a = b/4`, both huge) whose likelihood rises along
    /// the ridge is `NotIdentified` naming a and b and the common dropout probability, for the
    /// BG/NBD and the MBG/NBD, where the fit used to converge (or stop) far out on the ridge;
    /// a cohort with heterogeneous dropout still fits. (Whether a sample's estimate is on the
    /// ridge is a property of the sample: about half of homogeneous samples show some
    /// apparent heterogeneity and have an interior maximum; these seeds do not.)
    #[test]
    fn homogeneous_dropout_is_not_identified() {
        for (a, b) in [(2e3, 8e3), (2e5, 8e5)] {
            let data = cohort(a, b, 42);
            let e = BgNbd::fit(&data, &FitOptions::default()).unwrap_err();
            let text = e.to_string();
            assert!(matches!(e, Error::NotIdentified { ref model, .. } if model == "bg_nbd"));
            assert!(
                text.contains("a and b grow together") && text.contains("a/(a+b) = 0."),
                "{text}"
            );
            let e = MbgNbd::fit(&data, &FitOptions::default()).unwrap_err();
            assert!(
                matches!(e, Error::NotIdentified { ref model, .. } if model == "mbg_nbd"),
                "{e}"
            );
        }
        let m = BgNbd::fit(&cohort(0.8, 2.4, 3), &FitOptions::default()).unwrap();
        assert!((m.params().a / 0.8).ln().abs() < 0.5, "{:?}", m.params());
    }

    /// The running sums equal the closed forms at every level (relative 1e-13 of the larger of
    /// the value and 1): levels 0–200 one by one (runs past 128 terms), gaps of 33 and more
    /// (closed forms), a first level far from 0; small, ordinary and huge `a`, `b`.
    #[test]
    fn head_sums_match_the_closed_forms() {
        let mut levels: Vec<f64> = (0..=200).map(f64::from).collect();
        levels.extend([233.0, 234.0, 300.0, 1e6, 1e6 + 5.0, 9e15]);
        let tail = [40.0, 41.0, 80.0];
        for (r, a, b) in
            [(0.24, 0.79, 2.43), (3.0, 1e-9, 0.5), (0.01, 3.8e10, 9.2e10), (5.0, 7.0, 1e-3)]
        {
            for lv in [&levels[..], &tail[..]] {
                let sums = head_sums(lv, r, a, b, true);
                let no_hessian = head_sums(lv, r, a, b, false);
                for (s, &x) in sums.iter().zip(lv) {
                    let z = [r, b, a + b];
                    let close = |got: f64, want: f64, what: &str| {
                        let tol = 1e-13 * want.abs().max(1.0);
                        assert!(
                            (got - want).abs() <= tol,
                            "{what} r {r} a {a} b {b} x {x}: {got} vs {want}"
                        );
                    };
                    close(s.ln_r, gamma_ln_ratio(r + x, r), "ln_r");
                    let beta = gamma_ln_ratio(b + x, b) - gamma_ln_ratio(a + b + x, a + b);
                    // The closed form's own cancellation: ~1e-16 of its terms (x ln(a+b)).
                    let slack = 1e-15 * (x * (a + b + x).ln().abs()).max(1.0);
                    assert!((s.ln_beta - beta).abs() <= 1e-13 * beta.abs().max(1.0) + slack);
                    for j in 0..3 {
                        close(s.inv[j], digamma(z[j] + x) - digamma(z[j]), "inv");
                        close(s.inv2[j], trigamma(z[j]) - trigamma(z[j] + x), "inv2");
                    }
                }
                for (s, n) in sums.iter().zip(&no_hessian) {
                    assert_eq!((s.ln_r, s.ln_beta, s.inv), (n.ln_r, n.ln_beta, n.inv));
                    assert_eq!(n.inv2, [0.0; 3]);
                }
            }
        }
    }
}
