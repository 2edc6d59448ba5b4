//! Chebyshev interpolation on an interval: the per-frequency interpolants of customer lifetime
//! value (in `ln(T + m)`) and of its gradients for the delta method.

use std::f64::consts::PI;
use std::sync::OnceLock;

/// Nodes of every interpolant.
pub(crate) const CHEB_NODES: usize = 32;

/// Chebyshev nodes of the first kind on `[mid − half, mid + half]`.
pub(crate) struct Nodes {
    mid: f64,
    half: f64,
    /// The nodes `mid + half·cos(π(j + ½)/n)`, `j = 0..n`.
    pub(crate) y: Vec<f64>,
}

impl Nodes {
    /// The [`CHEB_NODES`] nodes on `[lo, hi]`; `None` when the interval is degenerate
    /// (relative to its centre).
    pub(crate) fn on(lo: f64, hi: f64) -> Option<Nodes> {
        Nodes::with(lo, hi, CHEB_NODES)
    }

    /// `n ≥ 4` nodes on `[lo, hi]`; `None` when the interval is degenerate.
    pub(crate) fn with(lo: f64, hi: f64, n: usize) -> Option<Nodes> {
        let (mid, half) = (0.5 * (hi + lo), 0.5 * (hi - lo));
        if !(half > 1e-9 * mid.abs().max(1.0)) {
            return None;
        }
        let nf = n as f64;
        let y = (0..n).map(|j| mid + half * (PI * (j as f64 + 0.5) / nf).cos()).collect();
        Some(Nodes { mid, half, y })
    }

    /// Four points between the nodes at which an interpolant is checked.
    pub(crate) fn check_points(&self) -> [f64; 4] {
        let n = self.y.len();
        let nf = n as f64;
        [0, n / 3, 2 * n / 3, n - 2]
            .map(|j| self.mid + self.half * (PI * (j as f64 + 1.0) / nf).cos())
    }

    /// The interpolant through `values` at the nodes (one value per node).
    pub(crate) fn interpolant(&self, values: &[f64]) -> Chebyshev {
        let n = self.y.len();
        let nf = n as f64;
        let cosine = |k: usize, j: usize| (PI * k as f64 * (j as f64 + 0.5) / nf).cos();
        // The cosines of the CHEB_NODES-node transform, computed once (the same values).
        static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
        let table = (n == CHEB_NODES).then(|| {
            TABLE.get_or_init(|| {
                (0..CHEB_NODES * CHEB_NODES)
                    .map(|i| cosine(i / CHEB_NODES, i % CHEB_NODES))
                    .collect()
            })
        });
        let coef = (0..n)
            .map(|k| {
                let s: f64 = values
                    .iter()
                    .enumerate()
                    .map(|(j, v)| v * table.map_or_else(|| cosine(k, j), |t| t[k * n + j]))
                    .sum();
                s * if k == 0 { 1.0 / nf } else { 2.0 / nf }
            })
            .collect();
        Chebyshev { mid: self.mid, half: self.half, coef }
    }
}

/// The fewest of 1, 2, 4, … up to `max_pieces` equal pieces of `[lo, hi]` on each of which
/// `piece(a, b)` succeeds, with what it made of each (`None` when no division up to
/// `max_pieces` does): the piecewise interpolants' search for a division that meets their
/// tolerance.
pub(crate) fn equal_pieces<T>(
    lo: f64, hi: f64, max_pieces: usize, piece: impl Fn(f64, f64) -> Option<T>,
) -> Option<Vec<T>> {
    let mut k = 1;
    while k <= max_pieces {
        let width = (hi - lo) / k as f64;
        let pieces: Option<Vec<T>> = (0..k)
            .map(|j| {
                let a = lo + width * j as f64;
                let b = if j + 1 == k { hi } else { a + width };
                piece(a, b)
            })
            .collect();
        if pieces.is_some() {
            return pieces;
        }
        k *= 2;
    }
    None
}

/// A Chebyshev series on `[mid − half, mid + half]`.
pub(crate) struct Chebyshev {
    mid: f64,
    half: f64,
    coef: Vec<f64>,
}

impl Chebyshev {
    /// Interpolates `ln f` on [`CHEB_NODES`] nodes of `[lo, hi]`; `None` when the interval is
    /// degenerate, `f` is not finite and positive at a node, or `exp` of the interpolant misses
    /// `f` by more than the relative tolerance `tol` at one of four points between the nodes.
    /// Evaluate with `series(y).exp()`.
    pub(crate) fn fit_ln(lo: f64, hi: f64, tol: f64, f: &dyn Fn(f64) -> f64) -> Option<Chebyshev> {
        let ln_f = |y: f64| {
            let v = f(y);
            (v.is_finite() && v > 0.0).then(|| v.ln())
        };
        let (nodes, ip) = Chebyshev::through(lo, hi, &ln_f)?;
        for y in nodes.check_points() {
            let want = f(y);
            if !(want.is_finite() && (ip.series(y).exp() / want - 1.0).abs() <= tol) {
                return None;
            }
        }
        Some(ip)
    }

    /// The nodes on `[lo, hi]` and the interpolant through `f` at them; `None` when the interval
    /// is degenerate or `f` has no value at a node.
    fn through(lo: f64, hi: f64, f: &dyn Fn(f64) -> Option<f64>) -> Option<(Nodes, Chebyshev)> {
        let nodes = Nodes::on(lo, hi)?;
        let values: Option<Vec<f64>> = nodes.y.iter().map(|&y| f(y)).collect();
        let ip = nodes.interpolant(&values?);
        Some((nodes, ip))
    }

    /// Interpolates `f` itself on [`CHEB_NODES`] nodes of `[lo, hi]`; `None` when the interval is
    /// degenerate, `f` is not finite at a node, or the interpolant misses `f` by more than the
    /// absolute tolerance `tol` at one of four points between the nodes (for `f` a logarithm,
    /// `tol` bounds the relative error of `exp f`).
    pub(crate) fn fit_direct(
        lo: f64, hi: f64, tol: f64, f: &dyn Fn(f64) -> f64,
    ) -> Option<Chebyshev> {
        let (nodes, ip) = Chebyshev::through(lo, hi, &|y| Some(f(y)).filter(|v| v.is_finite()))?;
        for y in nodes.check_points() {
            let want = f(y);
            if !(want.is_finite() && (ip.series(y) - want).abs() <= tol) {
                return None;
            }
        }
        Some(ip)
    }

    /// The series without its trailing coefficients whose absolute values sum to at most
    /// `eps · max(1, |c₀|)` (the series moves by at most that much anywhere on the interval).
    pub(crate) fn trimmed(mut self, eps: f64) -> Chebyshev {
        let bound = eps * self.coef[0].abs().max(1.0);
        let mut tail = 0.0;
        while self.coef.len() > 1 {
            tail += self.coef[self.coef.len() - 1].abs();
            if tail > bound {
                break;
            }
            self.coef.pop();
        }
        self
    }

    /// The coefficients `c_k` of `Σ c_k T_k(u)`, `u = (y − mid)/half`.
    pub(crate) fn coefficients(&self) -> &[f64] {
        &self.coef
    }

    /// The series at `y` (clamped to the interval), by Clenshaw's recurrence.
    pub(crate) fn series(&self, y: f64) -> f64 {
        let u = ((y - self.mid) / self.half).clamp(-1.0, 1.0);
        let (mut b1, mut b2) = (0.0, 0.0);
        for &a in self.coef[1..].iter().rev() {
            let b0 = 2.0 * u * b1 - b2 + a;
            b2 = b1;
            b1 = b0;
        }
        u * b1 - b2 + self.coef[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smooth_functions_are_interpolated_to_rounding() {
        let f = |y: f64| 2.0 + y.cos();
        let ip = Chebyshev::fit_ln(-1.0, 3.0, 1e-12, &f).expect("fits");
        for y in [-1.0, -0.3, 0.7, 2.9] {
            assert!((ip.series(y).exp() / f(y) - 1.0).abs() < 1e-13, "{y}");
        }
        let nodes = Nodes::on(0.0, 2.0).unwrap();
        let values: Vec<f64> = nodes.y.iter().map(|y| y.sin()).collect();
        let s = nodes.interpolant(&values);
        assert!((s.series(1.234) - 1.234f64.sin()).abs() < 1e-14);
        // Trimming drops only what cannot move the series beyond its bound.
        let (full, n) = (s.series(0.37), s.coef.len());
        let t = s.trimmed(1e-15);
        assert!(t.coef.len() < n);
        assert!((t.series(0.37) - full).abs() <= 1e-15);
    }

    #[test]
    fn degenerate_or_non_positive_functions_are_refused() {
        assert!(Nodes::on(1.0, 1.0).is_none());
        assert!(Chebyshev::fit_ln(0.0, 1.0, 1e-12, &|y| y - 0.5).is_none());
        assert!(Chebyshev::fit_ln(0.0, 1.0, 1e-12, &|y| if y > 0.9 { 2.0 } else { 1.0 }).is_none());
    }
}
