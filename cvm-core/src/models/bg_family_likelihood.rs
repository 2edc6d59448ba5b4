//! The likelihood terms shared by the BG/NBD and the MBG/NBD: per-frequency tables of a
//! two-term log-likelihood and their weighted sums with gradient and exact Hessian.

use super::{JointPass, Likelihood, SummaryData};
use crate::error::{fmt_num, Error, Result};
use crate::parallel::chunked_sum;
use crate::special::{digamma, trigamma};

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

/// The polygammas of a BG-family head term at `(r, b, a + b)`: `([ψ(r), ψ(b), ψ(a+b)],
/// [ψ'(r), ψ'(b), ψ'(a+b)])`, the trigammas only when the Hessian is asked for (zeros otherwise).
pub(crate) fn head_polygammas(r: f64, a: f64, b: f64, with_hessian: bool) -> ([f64; 3], [f64; 3]) {
    let digammas = [digamma(r), digamma(b), digamma(a + b)];
    let trigammas =
        if with_hessian { [trigamma(r), trigamma(b), trigamma(a + b)] } else { [0.0; 3] };
    (digammas, trigammas)
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
    use crate::models::MbgNbd;
    use crate::models::{simulate, BgNbd, BgNbdParams, FitOptions, SimulationOptions, SummaryData};
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
}
