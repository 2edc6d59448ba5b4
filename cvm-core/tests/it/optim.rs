//! Tests of the `optim` area: classic test functions, a maximum-likelihood problem with a known
//! closed-form answer and covariance, fallbacks and determinism.

use approx::assert_relative_eq;
use cvm_core::optim::{
    gradient_central, hessian_from_gradient, hessian_from_value, invert_spd, minimize, nelder_mead,
    OptimOptions, StopReason,
};

/// Extended Rosenbrock function in `n` dimensions, minimum 0 at (1, …, 1).
fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
    let n = x.len();
    g.iter_mut().for_each(|v| *v = 0.0);
    let mut f = 0.0;
    for i in 0..n - 1 {
        let a = 1.0 - x[i];
        let b = x[i + 1] - x[i] * x[i];
        f += a * a + 100.0 * b * b;
        g[i] += -2.0 * a - 400.0 * x[i] * b;
        g[i + 1] += 200.0 * b;
    }
    f
}

#[test]
fn rosenbrock_in_several_dimensions() {
    for n in [2usize, 4, 8] {
        let x0: Vec<f64> = (0..n).map(|i| if i % 2 == 0 { -1.2 } else { 1.0 }).collect();
        let r = minimize(&mut rosenbrock, &x0, &OptimOptions::default().with_max_iterations(500));
        assert!(r.converged, "n={n}: {r:?}");
        assert_eq!(r.reason, StopReason::GradientTolerance);
        assert!(r.gradient_norm <= 1e-8);
        for v in &r.x {
            assert_relative_eq!(*v, 1.0, max_relative = 1e-6);
        }
    }
}

/// Gamma(shape k, rate θ) maximum likelihood on log-parameters: the score equations give
/// `ln k − ψ(k) = ln(mean) − mean(ln x)` and `θ = k / mean`; the Hessian at the optimum gives the
/// Fisher information `n [[k ψ'(k) k, −k], [−k, k]]` in (ln k, ln θ).
#[test]
fn gamma_maximum_likelihood_with_covariance() {
    use cvm_core::special::{digamma, ln_gamma, trigamma};
    let xs: Vec<f64> = (1..=200).map(|i| 0.05 + ((i * 37) % 101) as f64 / 20.0).collect();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let mean_ln = xs.iter().map(|x| x.ln()).sum::<f64>() / n;
    let mut f = |p: &[f64], g: &mut [f64]| {
        let (k, th) = (p[0].exp(), p[1].exp());
        // Mean negative log-likelihood.
        let v = -(k * th.ln() - ln_gamma(k) + (k - 1.0) * mean_ln - th * mean);
        g[0] = -(th.ln() - digamma(k) + mean_ln) * k;
        g[1] = -(k / th - mean) * th;
        v
    };
    let r = minimize(&mut f, &[0.0, 0.0], &OptimOptions::default());
    assert!(r.converged, "{r:?}");
    let (k, th) = (r.x[0].exp(), r.x[1].exp());
    assert_relative_eq!(k.ln() - digamma(k), mean.ln() - mean_ln, max_relative = 1e-9);
    assert_relative_eq!(th, k / mean, max_relative = 1e-9);
    let h = hessian_from_gradient(&mut f, &r.x).unwrap();
    let want = [[k * k * trigamma(k) - 0.0, -k], [-k, k]];
    // d²/d(ln k)² of the mean NLL = k² ψ'(k) + k(ψ(k) − ln θ − mean_ln) = k² ψ'(k) at the optimum.
    for i in 0..2 {
        for j in 0..2 {
            assert_relative_eq!(h[i][j], want[i][j], max_relative = 1e-6);
        }
    }
    let cov =
        invert_spd(&h.iter().map(|row| row.iter().map(|v| v * n).collect()).collect::<Vec<_>>())
            .unwrap();
    let det = k * k * trigamma(k) * k - k * k;
    assert_relative_eq!(cov[0][0], k / det / n, max_relative = 1e-6);
    let mut value = |p: &[f64]| f(p, &mut [0.0; 2]);
    let h2 = hessian_from_value(&mut value, &r.x).unwrap();
    assert_relative_eq!(h2[1][1], k, max_relative = 1e-5);
    let g = gradient_central(&mut value, &[0.3, -0.2]);
    let mut ga = [0.0; 2];
    f(&[0.3, -0.2], &mut ga);
    assert_relative_eq!(g[0], ga[0], max_relative = 1e-8);
    assert_relative_eq!(g[1], ga[1], max_relative = 1e-8);
}

#[test]
fn objective_undefined_outside_a_region() {
    // f = Σ (x_i − ln x_i) is NaN for x_i ≤ 0; a long first step must be pulled back.
    let mut f = |x: &[f64], g: &mut [f64]| {
        let mut v = 0.0;
        for i in 0..x.len() {
            g[i] = 1.0 - 1.0 / x[i];
            v += x[i] - x[i].ln();
        }
        v
    };
    let r = minimize(&mut f, &[50.0, 0.02, 3.0], &OptimOptions::default().with_max_step(100.0));
    assert!(r.converged, "{r:?}");
    for v in &r.x {
        assert_relative_eq!(*v, 1.0, max_relative = 1e-7);
    }
}

#[test]
fn nelder_mead_on_rosenbrock_and_determinism() {
    let mut f = |x: &[f64]| rosenbrock(x, &mut [0.0; 2]);
    let r = nelder_mead(&mut f, &[-1.2, 1.0], 0.5, 10_000, 1e-15);
    assert!(r.converged);
    assert_relative_eq!(r.x[0], 1.0, max_relative = 1e-4);
    let again = nelder_mead(&mut f, &[-1.2, 1.0], 0.5, 10_000, 1e-15);
    // (gradient_norm is NaN for Nelder–Mead, so compare the fields that carry numbers.)
    assert_eq!((r.x.clone(), r.value, r.evaluations), (again.x, again.value, again.evaluations));
    assert!(r.gradient_norm.is_nan());
    let a = minimize(&mut rosenbrock, &[-1.2, 1.0, -1.2, 1.0], &OptimOptions::default());
    let b = minimize(&mut rosenbrock, &[-1.2, 1.0, -1.2, 1.0], &OptimOptions::default());
    assert_eq!(a, b);
}

#[test]
fn failures_are_reported_not_hidden() {
    let mut nan = |_: &[f64], _: &mut [f64]| f64::NAN;
    let r = minimize(&mut nan, &[0.0], &OptimOptions::default());
    assert!(!r.converged);
    assert_eq!(r.reason.as_str(), "non_finite_start");
    // Unbounded below: the iteration limit or a failed search, never "converged".
    let mut lin = |x: &[f64], g: &mut [f64]| {
        g[0] = -1.0;
        -x[0]
    };
    let r = minimize(&mut lin, &[0.0], &OptimOptions::default().with_max_iterations(20));
    assert!(!r.converged);
    assert!(r.x[0] > 10.0);
    let singular = invert_spd(&[vec![1.0, 1.0], vec![1.0, 1.0]]);
    assert!(matches!(singular, Err(cvm_core::Error::Numerical { .. })));
}

#[test]
fn the_optimum_to_rounding_is_a_success() {
    // A smooth bowl whose value carries rounding noise of ~1e-13 (as the mean log-likelihood of
    // a large data set does) and whose gradient is exact: near the optimum no line search can
    // decrease it, while the gradient (~1e-6) is above a strict tolerance. Issue 11: this used
    // to end as `line_search_failed`; it is the optimum to rounding.
    let mut noisy = |x: &[f64], g: &mut [f64]| {
        let noise = 1e-13 * ((x[0] * 1e9).sin() + (x[1] * 7e8).cos());
        g[0] = 2.0 * (x[0] - 1.0);
        g[1] = 20.0 * (x[1] + 0.5);
        3.0 + (x[0] - 1.0).powi(2) + 10.0 * (x[1] + 0.5).powi(2) + noise
    };
    let o = OptimOptions::default().with_gradient_tolerance(1e-12);
    let r = minimize(&mut noisy, &[0.0, 0.0], &o);
    assert!(r.converged, "{:?} {}", r.reason, r.gradient_norm);
    assert!((r.x[0] - 1.0).abs() < 1e-5 && (r.x[1] + 0.5).abs() < 1e-5, "{:?}", r.x);
    // Lost (unbounded below, gradient 1): still a failure.
    let mut lin = |x: &[f64], g: &mut [f64]| {
        g[0] = -1.0;
        -x[0]
    };
    let r = minimize(&mut lin, &[0.0], &OptimOptions::default().with_max_iterations(20));
    assert!(!r.converged);
}
