//! Tests of the Pareto/NBD likelihood quadrature (see [`super`]).

use super::super::pareto_nbd::ln_p_alive;
use super::*;

/// A small deterministic generator for the parameter grids of these tests.
struct Lcg(u64);
impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * self.unit()).exp()
    }
    /// The `k`-th case of a grid: four parameters log-uniform on `(p_lo, p_hi)`, the age
    /// log-uniform on `(t_lo, t_hi)`, and (two cases in three) a frequency log-uniform on
    /// `[1, x_hi)` with its recency uniform in the age.
    fn case(
        &mut self, k: usize, (p_lo, p_hi): (f64, f64), (t_lo, t_hi): (f64, f64), x_hi: f64,
    ) -> ([f64; 4], f64, f64, f64) {
        let p = [(); 4].map(|()| self.log_uniform(p_lo, p_hi));
        let t_cal = self.log_uniform(t_lo, t_hi);
        let x = if k.is_multiple_of(3) { 0.0 } else { self.log_uniform(1.0, x_hi).floor() };
        let t_x = if x == 0.0 { 0.0 } else { t_cal * self.unit() };
        (p, x, t_x, t_cal)
    }
}

#[test]
fn quadrature_matches_hypergeometric_form() {
    let mut rng = Lcg(7);
    let mut worst: f64 = 0.0;
    let mut fallbacks = 0;
    for k in 0..40_000 {
        let (p, x, t_x, t_cal) = rng.case(k, (1e-3, 1e3), (1e-2, 1e4), 1e4);
        let pp = ParetoNbdParams::raw(&p);
        if row_quad(&pp, x, t_x, t_cal, Order::Value).is_none() {
            fallbacks += 1;
            continue;
        }
        let (want_a1, want_a2) = ln_terms(&pp, x, t_x, t_cal);
        let want = ln_add(want_a1, want_a2);
        let (got, _, _) = row_terms(&pp, x, t_x, t_cal, Order::Value);
        let err = (got - want).abs() / want.abs().max(1.0);
        if err > worst {
            worst = err;
        }
    }
    // The ₂F₁ form loses up to ~1e-10 to the cancellation in F(t_x) − F(T) at extreme
    // parameters (the quadrature agrees with 30-digit references there, see
    // `quadrature_matches_reference_vectors`).
    assert!(worst < 2e-10, "worst relative error {worst:e}");
    assert!(fallbacks < 40, "{fallbacks} fallbacks");
}

#[test]
fn quadrature_matches_reference_vectors() {
    // 30-digit values of ln B (the likelihood without its head) and its gradient, made by
    // scripts/gen_pareto_lik_vectors.py (mpmath).
    let text = include_str!("../../tests/data/special/pareto_nbd_lik.csv");
    let mut n = 0;
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|c| c.parse().unwrap()).collect();
        let pp = ParetoNbdParams::raw(&v[..4]);
        let (x, t_x, t_cal) = (v[4], v[5], v[6]);
        let (got, g, _) = row_terms(&pp, x, t_x, t_cal, Order::Gradient);
        let want = v[7];
        assert!((got - want).abs() <= 1e-13 * want.abs().max(1.0), "{line}: ln B {got} vs {want}");
        for j in 0..4 {
            let (gj, wj) = (g[j], v[8 + j]);
            let scale = wj.abs().max(1e-3 / v[j]);
            assert!((gj - wj).abs() <= 1e-9 * scale, "{line}: d{j} {gj} vs {wj}");
        }
        if t_x < t_cal {
            let p_alive = ln_p_alive(&pp, x, t_x, t_cal).exp();
            assert!((0.0..=1.0).contains(&p_alive));
        }
        n += 1;
    }
    assert!(n >= 40);
}

#[test]
fn quadrature_derivatives_match_differences() {
    let mut rng = Lcg(11);
    for k in 0..2_000 {
        let (p, x, t_x, t_cal) = rng.case(k, (1e-2, 1e2), (1e-1, 1e3), 300.0);
        let pp = ParetoNbdParams::raw(&p);
        let (_, g, h) = row_terms(&pp, x, t_x, t_cal, Order::Hessian);
        // Gradient check: central differences of the quadrature value.
        let mut g_num = [0.0; 4];
        for j in 0..4 {
            let step = 1e-6 * p[j];
            let mut q = p;
            q[j] = p[j] + step;
            let (up, _, _) = row_terms(&ParetoNbdParams::raw(&q), x, t_x, t_cal, Order::Value);
            q[j] = p[j] - step;
            let (dn, _, _) = row_terms(&ParetoNbdParams::raw(&q), x, t_x, t_cal, Order::Value);
            g_num[j] = (up - dn) / (2.0 * step);
        }
        // Hessian check: central differences of the analytic gradient.
        let mut h_num = [[0.0; 4]; 4];
        for j in 0..4 {
            let step = 1e-5 * p[j];
            let mut q = p;
            q[j] = p[j] + step;
            let (_, up, _) = row_terms(&ParetoNbdParams::raw(&q), x, t_x, t_cal, Order::Gradient);
            q[j] = p[j] - step;
            let (_, dn, _) = row_terms(&ParetoNbdParams::raw(&q), x, t_x, t_cal, Order::Gradient);
            for i in 0..4 {
                h_num[i][j] = (up[i] - dn[i]) / (2.0 * step);
            }
        }
        for i in 0..4 {
            let scale = g_num[i].abs().max(1.0 / p[i]);
            assert!(
                (g[i] - g_num[i]).abs() <= 1e-6 * scale,
                "grad {i} {p:?} {x} {t_x} {t_cal}: {} vs {}",
                g[i],
                g_num[i]
            );
            for j in 0..4 {
                let scale = h_num[i][j].abs().max(1.0 / (p[i] * p[j]));
                assert!(
                    (h[i][j] - h_num[i][j]).abs() <= 1e-6 * scale,
                    "hess {i}{j} {p:?} {x} {t_x} {t_cal}: {} vs {}",
                    h[i][j],
                    h_num[i][j]
                );
            }
        }
    }
}

#[test]
fn rough_rule_stays_within_its_stated_accuracy() {
    // The rough rule integrates the full rule's panels with half the nodes: ln B within 1e-6
    // (relative, or absolute below 1) and its gradient within 1e-5 of each parameter's scale
    // of the full rule's, over parameters 1e-3–1e3 (69 rows in 40,000 above 1e-7, all
    // non-repeaters with r, α below 0.04 and s above 0.8).
    let mut rng = Lcg(13);
    let (mut worst_v, mut worst_g) = (0.0f64, 0.0f64);
    for k in 0..40_000 {
        let (p, x, t_x, t_cal) = rng.case(k, (1e-3, 1e3), (1e-2, 1e4), 1e4);
        let pp = ParetoNbdParams::raw(&p);
        let full = row_terms_with(&pp, pp.s.ln(), x, t_x, t_cal, Order::Gradient, Rule::Full);
        let rough = row_terms_with(&pp, pp.s.ln(), x, t_x, t_cal, Order::Gradient, Rule::Rough);
        let ev = (full.0 - rough.0).abs() / full.0.abs().max(1.0);
        worst_v = worst_v.max(ev);
        for j in 0..4 {
            let scale = full.1[j].abs().max(1.0 / p[j]);
            worst_g = worst_g.max((full.1[j] - rough.1[j]).abs() / scale);
        }
    }
    assert!(worst_v < 1e-6 && worst_g < 1e-5, "value {worst_v:e}, gradient {worst_g:e}");
}

#[test]
fn interpolated_non_repeaters_match_the_direct_pass() {
    // Cohorts of 3,000 customers, 60 % without repeat purchases, over narrow to very wide
    // ranges of ages: the pass that interpolates the x = 0 rows equals the direct pass to 1e-12
    // (the value relative to itself; each gradient and Hessian term relative to its own size
    // or to rows / p_j, rows / (p_i p_j), the scale of the optimiser's ln-parameters).
    let mut rng = Lcg(17);
    let mut planned = 0;
    for case in 0..30 {
        let p = [(); 4].map(|()| rng.log_uniform(0.05, 50.0));
        let (t_lo, t_hi) = [(27.0, 39.0), (0.5, 100.0), (0.01, 1000.0)][case % 3];
        let n = 3_000;
        let (mut f, mut r, mut t) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        for i in 0..n {
            t[i] = rng.log_uniform(t_lo, t_hi);
            if rng.unit() >= 0.6 {
                f[i] = rng.log_uniform(1.0, 50.0).floor();
                r[i] = t[i] * rng.unit();
            }
        }
        let data = SummaryData::new(&f, &r, &t, None).unwrap();
        for order in [Order::Value, Order::Gradient, Order::Hessian] {
            let Some(zero) = ZeroTerms::plan(&data, &ParetoNbdParams::raw(&p), order) else {
                continue;
            };
            planned += 1;
            let (v, g, h) = Lik::pass_with(&data, &p, order, Rule::Full, Some(&zero));
            let (v0, g0, h0) = Lik::pass_with(&data, &p, order, Rule::Full, None);
            let rows = n as f64;
            assert!((v - v0).abs() <= 1e-12 * v0.abs(), "case {case} {p:?}: {v} vs {v0}");
            for i in 0..4 {
                let scale = g0[i].abs().max(rows / p[i]);
                assert!((g[i] - g0[i]).abs() <= 1e-12 * scale, "case {case} {p:?} g{i}");
                for j in 0..4 {
                    let scale = h0[i][j].abs().max(rows / (p[i] * p[j]));
                    assert!(
                        (h[i][j] - h0[i][j]).abs() <= 1e-12 * scale,
                        "case {case} {p:?} h{i}{j}"
                    );
                }
            }
        }
    }
    // Most cohorts are interpolated (a range of ages the series cannot meet is direct).
    assert!(planned >= 60, "{planned} of 90 passes interpolated");
}
