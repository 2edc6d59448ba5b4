//! The Pareto/NBD likelihood terms of the customers without repeat purchases, by interpolation
//! in their age: the likelihood pass's shortcut for what is usually the larger part of a cohort.
//!
//! # Method
//! With `x = 0` (then `t_x = 0`) a row's `ln B` (see [`super::pareto_nbd_likelihood`]) and its
//! derivatives in the parameters depend on `T` alone. In `y = ln(T + m)`, `m = min(α, β)`,
//! they are analytic except at distance π from the real axis (where `q + τ = 0`, `q = max(α,
//! β)`) and where `1 + sĴ` vanishes off the axis. When a pass has at least [`FROM_ROWS`] such
//! rows with `T > 0`, each term it needs (the value; with the gradient, 5; with the Hessian,
//! 15) is interpolated by Chebyshev series of [`CHEB_NODES`] nodes over the rows' range of `y`,
//! in the fewest of 1, 2, 4 or 8 equal pieces whose every series meets [`TOL`] (times the term's
//! scale, below) at four check points between the nodes, against the direct quadrature, and
//! can drop its last four coefficients within a quarter of it. When no division does, the rows
//! are evaluated directly. A term's scale is the largest of its absolute values at the nodes
//! and `1` (value), `1/p_j` (gradient), `1/(p_i p_j)` (Hessian): in the optimiser's
//! ln-parameters every term's error is then at most about `TOL` a row.
//!
//! Building costs `32 × pieces` quadratures; a row then costs a logarithm and a Clenshaw sum of
//! at most 32 steps over the terms, instead of a quadrature of 8–40 nodes.

use super::pareto_nbd::ParetoNbdParams;
use super::pareto_nbd_likelihood::{row_terms_with, Rule};
use super::{Order, SummaryData};
use crate::special::{equal_pieces, Nodes, CHEB_NODES};

/// Rows with `x = t_x = 0` and `T > 0` from which a pass interpolates them.
pub(super) const FROM_ROWS: usize = 1_024;
/// Largest accepted error of a term's series, relative to the term's scale.
const TOL: f64 = 1e-13;
/// Most equal pieces of the range of `y`.
const MAX_PIECES: usize = 8;
/// Rows a task of the range scan takes.
const SCAN_CHUNK: usize = 1 << 16;

/// The interpolated terms of one pass: `K` terms (1, 5 or 15, by [`Order`]) on equal pieces.
pub(super) struct Pieces<const K: usize> {
    m: f64,
    lo: f64,
    /// Pieces per unit of `y`.
    scale: f64,
    /// Per piece: the centre and half-width of its interval, and the coefficients, each a
    /// vector of the `K` terms (so that one Clenshaw sum serves every term).
    pieces: Vec<(f64, f64, Vec<[f64; K]>)>,
}

/// The terms of a row (`ln B`, its gradient, its Hessian) as `K` numbers: the value, then the
/// gradient, then the upper triangle of the Hessian row by row.
fn pack<const K: usize>(v: f64, g: &[f64; 4], h: &[[f64; 4]; 4]) -> [f64; K] {
    let mut out = [0.0; K];
    out[0] = v;
    if K >= 5 {
        out[1..5].copy_from_slice(g);
    }
    if K == 15 {
        let mut k = 5;
        for i in 0..4 {
            for j in i..4 {
                out[k] = h[i][j];
                k += 1;
            }
        }
    }
    out
}

fn unpack<const K: usize>(t: &[f64; K]) -> (f64, [f64; 4], [[f64; 4]; 4]) {
    let mut g = [0.0; 4];
    let mut h = [[0.0; 4]; 4];
    if K >= 5 {
        g.copy_from_slice(&t[1..5]);
    }
    if K == 15 {
        let mut k = 5;
        for i in 0..4 {
            for j in i..4 {
                h[i][j] = t[k];
                h[j][i] = t[k];
                k += 1;
            }
        }
    }
    (t[0], g, h)
}

impl<const K: usize> Pieces<K> {
    /// The fewest equal pieces of `[lo, hi]` (in `y`) whose series meet [`TOL`]; `None` when
    /// none do.
    fn build(pp: &ParetoNbdParams, order: Order, t_lo: f64, t_hi: f64) -> Option<Self> {
        let m = pp.alpha.min(pp.beta);
        let ln_s = pp.s.ln();
        let (lo, hi) = ((t_lo + m).ln(), (t_hi + m).ln());
        if !(lo.is_finite() && hi.is_finite() && hi > lo) {
            return None;
        }
        let terms = |y: f64| -> Option<[f64; K]> {
            let t = (y.exp() - m).max(0.0);
            let (v, g, h) = row_terms_with(pp, ln_s, 0.0, 0.0, t, order, Rule::Full);
            let out = pack::<K>(v, &g, &h);
            out.iter().all(|v| v.is_finite()).then_some(out)
        };
        let p = pp.to_vec();
        let floor: [f64; K] = pack::<K>(
            1.0,
            &std::array::from_fn(|j| 1.0 / p[j]),
            &std::array::from_fn(|i| std::array::from_fn(|j| 1.0 / (p[i] * p[j]))),
        );
        let piece = |a: f64, b: f64| -> Option<(f64, f64, Vec<[f64; K]>)> {
            let nodes = Nodes::on(a, b)?;
            let values: Option<Vec<[f64; K]>> = nodes.y.iter().map(|&y| terms(y)).collect();
            let values = values?;
            let mut scale = floor;
            for v in &values {
                for l in 0..K {
                    scale[l] = scale[l].max(v[l].abs());
                }
            }
            // One series per term, then the coefficients regrouped by order.
            let series: Vec<Vec<f64>> = (0..K)
                .map(|l| {
                    let lane: Vec<f64> = values.iter().map(|v| v[l]).collect();
                    nodes.interpolant(&lane).coefficients().to_vec()
                })
                .collect();
            let mut coef: Vec<[f64; K]> =
                (0..CHEB_NODES).map(|k| std::array::from_fn(|l| series[l][k])).collect();
            // Drop the trailing coefficients while every term's dropped tail stays within a
            // quarter of its tolerance; at least four must go (the series has converged).
            let mut tail = [0.0; K];
            while coef.len() > 1 {
                let last = coef[coef.len() - 1];
                let within = (0..K).all(|l| tail[l] + last[l].abs() <= 0.25 * TOL * scale[l]);
                if !within {
                    break;
                }
                for l in 0..K {
                    tail[l] += last[l].abs();
                }
                coef.pop();
            }
            if coef.len() > CHEB_NODES - 4 {
                return None;
            }
            let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
            for y in nodes.check_points() {
                let want = terms(y)?;
                let got = clenshaw(&coef, (y - mid) / half);
                if (0..K).any(|l| (got[l] - want[l]).abs() > TOL * scale[l]) {
                    return None;
                }
            }
            Some((mid, half, coef))
        };
        let pieces = equal_pieces(lo, hi, MAX_PIECES, piece)?;
        Some(Pieces { m, lo, scale: pieces.len() as f64 / (hi - lo), pieces })
    }

    /// The terms at age `t` (within the range the pieces were built on).
    #[inline]
    fn at(&self, t: f64) -> (f64, [f64; 4], [[f64; 4]; 4]) {
        let y = (t + self.m).ln();
        let j = (((y - self.lo) * self.scale).max(0.0) as usize).min(self.pieces.len() - 1);
        let (mid, half, coef) = &self.pieces[j];
        unpack(&clenshaw(coef, ((y - mid) / half).clamp(-1.0, 1.0)))
    }
}

/// `Σ_k c_k T_k(u)` for every term at once (Clenshaw's recurrence).
#[inline]
fn clenshaw<const K: usize>(coef: &[[f64; K]], u: f64) -> [f64; K] {
    let (mut b1, mut b2) = ([0.0; K], [0.0; K]);
    for c in coef[1..].iter().rev() {
        let mut b0 = [0.0; K];
        for l in 0..K {
            b0[l] = 2.0 * u * b1[l] - b2[l] + c[l];
        }
        b2 = b1;
        b1 = b0;
    }
    std::array::from_fn(|l| u * b1[l] - b2[l] + coef[0][l])
}

/// Whether a row (its frequency level, recency and age) is one [`ZeroTerms`] interpolates:
/// `x = 0` (level 0 when the data has that frequency), `t_x = 0` and `T > 0`.
#[inline]
pub(super) fn is_zero_row(x_level: u32, t_x: f64, t: f64) -> bool {
    x_level == 0 && t_x == 0.0 && t > 0.0
}

/// The interpolated `x = 0` terms of one pass (see the module documentation).
pub(super) enum ZeroTerms {
    Value(Pieces<1>),
    Gradient(Pieces<5>),
    Hessian(Pieces<15>),
}

impl ZeroTerms {
    /// The interpolants of a pass at `pp` over `data`'s rows with `x = 0`, `t_x = 0` and `T > 0`; `None`
    /// when there are fewer than [`FROM_ROWS`] of them or no division of their range meets
    /// [`TOL`] (the pass then evaluates them directly).
    pub(super) fn plan(
        data: &SummaryData, pp: &ParetoNbdParams, order: Order,
    ) -> Option<ZeroTerms> {
        if data.x_levels().first() != Some(&0.0) || data.n_rows() < FROM_ROWS {
            return None;
        }
        let (xi, rec, t) = (data.x_index(), data.recency(), data.t());
        let chunks = data.n_rows().div_ceil(SCAN_CHUNK);
        let parts = crate::parallel::par_tasks(chunks, |c| {
            let range = c * SCAN_CHUNK..((c + 1) * SCAN_CHUNK).min(t.len());
            let (mut n, mut lo, mut hi) = (0usize, f64::INFINITY, 0.0f64);
            for i in range {
                if is_zero_row(xi[i], rec[i], t[i]) {
                    n += 1;
                    lo = lo.min(t[i]);
                    hi = hi.max(t[i]);
                }
            }
            (n, lo, hi)
        });
        let (n, lo, hi) =
            parts.into_iter().fold((0, f64::INFINITY, 0.0f64), |(n, lo, hi), (m, a, b)| {
                (n + m, lo.min(a), hi.max(b))
            });
        if n < FROM_ROWS {
            return None;
        }
        match order {
            Order::Value => Pieces::build(pp, order, lo, hi).map(ZeroTerms::Value),
            Order::Gradient => Pieces::build(pp, order, lo, hi).map(ZeroTerms::Gradient),
            Order::Hessian => Pieces::build(pp, order, lo, hi).map(ZeroTerms::Hessian),
        }
    }

    /// The terms of a row with `x = 0` and age `t > 0` in the planned range.
    #[inline]
    pub(super) fn at(&self, t: f64) -> (f64, [f64; 4], [[f64; 4]; 4]) {
        match self {
            ZeroTerms::Value(p) => p.at(t),
            ZeroTerms::Gradient(p) => p.at(t),
            ZeroTerms::Hessian(p) => p.at(t),
        }
    }
}
