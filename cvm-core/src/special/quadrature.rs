//! Gauss–Legendre quadrature rules, computed once per order by the callers that keep them.

/// `n`-point Gauss–Legendre nodes and weights on [−1, 1]: the roots of the Legendre polynomial
/// `P_n` by Newton's method on the three-term recurrence
/// `k P_k(x) = (2k − 1) x P_{k−1}(x) − (k − 1) P_{k−2}(x)`, started at
/// `cos(π (i + 3/4)/(n + 1/2))`, with weights `2 / ((1 − x²) P_n'(x)²)`. The rule integrates
/// polynomials of degree `2n − 1` exactly.
pub(crate) fn gauss_legendre(n: usize) -> Vec<(f64, f64)> {
    let nf = n as f64;
    (0..n)
        .map(|i| {
            let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (nf + 0.5)).cos();
            let mut dp = 0.0;
            for _ in 0..100 {
                let (mut p0, mut p1) = (1.0, x);
                for k in 2..=n {
                    let kf = k as f64;
                    let p2 = ((2.0 * kf - 1.0) * x * p1 - (kf - 1.0) * p0) / kf;
                    p0 = p1;
                    p1 = p2;
                }
                dp = nf * (x * p1 - p0) / (x * x - 1.0);
                let dx = p1 / dp;
                x -= dx;
                if dx.abs() < 1e-16 {
                    break;
                }
            }
            (x, 2.0 / ((1.0 - x * x) * dp * dp))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_integrate_polynomials_of_degree_2n_minus_1_exactly() {
        for n in [8, 12, 20] {
            let rule = gauss_legendre(n);
            assert!((rule.iter().map(|r| r.1).sum::<f64>() - 2.0).abs() < 1e-14);
            for deg in 0..2 * n {
                let got: f64 = rule.iter().map(|&(x, w)| w * x.powi(deg as i32)).sum();
                let want = if deg % 2 == 1 { 0.0 } else { 2.0 / (deg as f64 + 1.0) };
                assert!((got - want).abs() < 1e-13, "n {n}, degree {deg}: {got} vs {want}");
            }
        }
    }
}
