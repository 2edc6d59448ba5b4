//! Tests of Gamma-Gamma, BG/BB, shifted-beta-geometric and probabilistic CLV.

use approx::assert_relative_eq;
use cvm_core::models::{
    frequency_monetary_correlation, BgBb, BgBbParams, FitOptions, GammaGamma, GammaGammaParams,
    SbgParams, ShiftedBetaGeometric, TransactionModel,
};
use cvm_core::prec::{EXACT_REL, OPTIM_GRAD_TOL};
use cvm_core::Error;

use crate::common::*;

/// CLV options for models whose data are in weeks (the CDNOW summaries), stated explicitly: the
/// options have no default unit.
fn week_options() -> cvm_core::clv::ClvOptions {
    cvm_core::clv::ClvOptions::default().with_data_time_unit(cvm_core::TimeUnit::Week)
}

/// `(x, zbar)` of the 2,357 CDNOW customers, from the shipped summary with transactions.
fn cdnow_spend() -> (Vec<f64>, Vec<f64>) {
    let text = read_data("cdnow_customers_summary_with_transactions.csv");
    let (mut x, mut z) = (vec![], vec![]);
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.trim().split(',').collect();
        x.push(c[1].parse().unwrap());
        z.push(c[4].parse().unwrap());
    }
    (x, z)
}

/// `(x, t_x, T)` of the same file.
fn cdnow_rft() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = read_data("cdnow_customers_summary_with_transactions.csv");
    let (mut x, mut r, mut t) = (vec![], vec![], vec![]);
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.trim().split(',').collect();
        x.push(c[1].parse().unwrap());
        r.push(c[2].parse().unwrap());
        t.push(c[3].parse().unwrap());
    }
    (x, r, t)
}

/// Asserts that `v` prints as `printed` at `decimals` decimals (half-open rounding interval).
fn assert_printed(name: &str, v: f64, printed: f64, decimals: i32) {
    let half = 0.5 * 10f64.powi(-decimals);
    assert!(
        v >= printed - half - 1e-12 && v < printed + half,
        "{name} = {v}, expected {printed} to {decimals} decimals"
    );
}

/// Asserts that `v` truncated (not rounded) to `decimals` decimals is `printed`: some published
/// figures are cut, not rounded (CDNOW Gamma-Gamma: γ = 15.4477 is printed 15.44).
fn assert_truncated(name: &str, v: f64, printed: f64, decimals: i32) {
    let ulp = 10f64.powi(-decimals);
    assert!(
        v >= printed - 1e-12 && v < printed + ulp,
        "{name} = {v}, expected {printed} truncated to {decimals} decimals"
    );
}

fn sbg_series() -> (Vec<f64>, Vec<f64>) {
    let text = read_data("sbg_retention_survival.csv");
    let (mut reg, mut high) = (vec![], vec![]);
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<f64> = line.trim().split(',').map(|v| v.parse().unwrap()).collect();
        reg.push((c[1] * 10.0).round());
        high.push((c[2] * 10.0).round());
    }
    (reg, high)
}

// ---------------------------------------------------------------- Gamma-Gamma

fn cdnow_gg() -> GammaGamma {
    let (x, z) = cdnow_spend();
    GammaGamma::fit(&x, &z, None, &FitOptions::default()).unwrap()
}

#[test]
fn gamma_gamma_cdnow_published_parameters() {
    let m = cdnow_gg();
    let p = m.params();
    assert_printed("p", p.p, 6.25, 2);
    assert_printed("q", p.q, 3.74, 2);
    assert_truncated("gamma", p.gamma, 15.44, 2);
    assert_printed("gamma", p.gamma, 15.45, 2);
    let d = m.diagnostics().unwrap();
    assert_eq!(d.n_obs, 946.0);
    assert!(d.converged && d.gradient_norm <= OPTIM_GRAD_TOL);
    assert!(m.covariance().is_some());
}

#[test]
fn gamma_gamma_cdnow_conditional_spend_first_ten() {
    let m = cdnow_gg();
    let (x, z) = cdnow_spend();
    let s = m.conditional_expected_average_spend(&x[..10], &z[..10]).unwrap();
    let want = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
    for (i, (&got, &w)) in s.iter().zip(&want).enumerate() {
        assert_truncated(&format!("spend[{i}]"), got, w, 2);
    }
    // The same figures as lifetimes prints them (6 decimals).
    let lifetimes = [
        24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981,
        27.282408, 35.170981,
    ];
    for (got, want) in s.iter().zip(&lifetimes) {
        assert_relative_eq!(*got, *want, max_relative = 1e-6);
    }
    // Customers without repeat purchases get the population mean.
    let mean = m.population_mean_spend().unwrap();
    assert_eq!(s[2], mean);
    assert_relative_eq!(
        mean,
        m.params().p * m.params().gamma / (m.params().q - 1.0),
        max_relative = 1e-15
    );
}

#[test]
fn gamma_gamma_json_roundtrip_and_intervals() {
    let m = cdnow_gg();
    let back = GammaGamma::from_json(&m.to_json().unwrap()).unwrap();
    assert_relative_eq!(back.params().q, m.params().q, max_relative = 1e-15);
    assert!(back.covariance().is_some());
    let band =
        m.conditional_expected_average_spend_interval(&[0.0, 5.0], &[0.0, 40.0], 0.95).unwrap();
    let s = m.conditional_expected_average_spend(&[0.0, 5.0], &[0.0, 40.0]).unwrap();
    assert_eq!(band.estimate, s);
    let (lo, hi) = (band.lower, band.upper);
    for i in 0..2 {
        assert!(lo[i] < s[i] && s[i] < hi[i]);
    }
    // A BG/NBD document is not a Gamma-Gamma document.
    let other = m.to_json().unwrap().replace("gamma_gamma", "bg_nbd");
    assert!(matches!(GammaGamma::from_json(&other), Err(Error::Json { .. })));
    let se = m.covariance().unwrap().standard_errors();
    assert!(se.iter().all(|s| s.is_finite() && *s > 0.0));
}

#[test]
fn gamma_gamma_correlation_on_cdnow_is_weak() {
    let (x, z) = cdnow_spend();
    let c = frequency_monetary_correlation(&x, &z, None).unwrap();
    // CDNOW repeat buyers: frequency and spend are nearly independent (≈ 0.11).
    assert!(c.abs() < 0.2, "{c}");
    // Weighted version equals the version with rows repeated.
    let c2 =
        frequency_monetary_correlation(&[1.0, 2.0, 3.0], &[5.0, 3.0, 9.0], Some(&[2.0, 1.0, 1.0]))
            .unwrap();
    let c3 =
        frequency_monetary_correlation(&[1.0, 1.0, 2.0, 3.0], &[5.0, 5.0, 3.0, 9.0], None).unwrap();
    assert_relative_eq!(c2, c3, max_relative = EXACT_REL);
}

#[test]
fn gamma_gamma_recovers_simulated_parameters() {
    let truth = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0).unwrap()).unwrap();
    let x: Vec<f64> = (0..20_000).map(|i| 1.0 + (i % 9) as f64).collect();
    let z = truth.simulate(&x, 2024).unwrap();
    let m = GammaGamma::fit(&x, &z, None, &FitOptions::default()).unwrap();
    let se = m.covariance().unwrap().standard_errors();
    for (j, want) in [6.0, 4.0, 15.0].iter().enumerate() {
        let got = m.params().to_vec()[j];
        assert!((got - want).abs() < 3.0 * se[j], "param {j}: {got} vs {want} (se {})", se[j]);
    }
}

#[test]
fn gamma_gamma_bad_input() {
    let o = FitOptions::default();
    let e = GammaGamma::fit(&[1.0, 2.0], &[10.0, -1.0], None, &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(1)));
    let e = GammaGamma::fit(&[0.0, 3.0], &[0.0, 0.0], None, &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(1)));
    let e = GammaGamma::fit(&[0.0, 0.0], &[0.0, 0.0], None, &o).unwrap_err();
    assert_eq!(e.field(), Some("frequency"));
    let e = GammaGamma::fit(&[1.0, 2.5], &[1.0, 1.0], None, &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("frequency"), Some(1)));
    let e = GammaGamma::fit(&[1.0, 2.0], &[1.0, 1.0], Some(&[1.0, -2.0]), &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("weights"), Some(1)));
    assert!(matches!(GammaGamma::fit(&[], &[], None, &o), Err(Error::Empty { .. })));
    let e = GammaGammaParams::new(1.0, f64::NAN, 1.0).unwrap_err();
    assert_eq!(e.field(), Some("q"));
}

#[test]
fn gamma_gamma_stress_grid_is_finite() {
    for &q in &[1.0 + 1e-9, 1.001, 3.7, 500.0] {
        for &p in &[1e-3, 6.0, 1e3] {
            let m = GammaGamma::from_params(GammaGammaParams::new(p, q, 15.0).unwrap()).unwrap();
            let x = [1.0, 10.0, 1e4, 1.0, 1e4];
            let z = [1e-3, 1e7, 1e7, 1e7, 1e-3];
            let s = m.conditional_expected_average_spend(&x, &z).unwrap();
            assert!(s.iter().all(|v| v.is_finite() && *v > 0.0), "{p} {q} {s:?}");
            let ll = m.log_likelihood_individual(&x, &z).unwrap();
            assert!(ll.iter().all(|v| v.is_finite()), "{p} {q} {ll:?}");
            let mean = m.population_mean_spend().unwrap();
            assert!(mean.is_finite() && mean > 0.0);
        }
    }
    // Fitting spends up to 1e7 with frequencies up to 1e4.
    let x: Vec<f64> = (0..500).map(|i| [1.0, 3.0, 40.0, 1e4][i % 4]).collect();
    let truth = GammaGamma::from_params(GammaGammaParams::new(2.0, 3.0, 2e6).unwrap()).unwrap();
    let z = truth.simulate(&x, 5).unwrap();
    let m = GammaGamma::fit(&x, &z, None, &FitOptions::default()).unwrap();
    assert!(m.params().to_vec().iter().all(|v| v.is_finite()));
}

/// The fit evaluates the likelihood from per-cell moments (customers with the same frequency and
/// nearly the same spend share a cell) instead of summing `ln f(z̄ | x)` customer by customer.
/// The references are the estimates of the per-customer sum (cvm before that change) on 200,000
/// simulated customers, fitted to a gradient tolerance of 1e-12.
#[test]
fn gamma_gamma_large_sample_matches_per_customer_reference() {
    let n = 200_000;
    let truth = GammaGamma::from_params(GammaGammaParams::new(3.0, 5.0, 40.0).unwrap()).unwrap();
    let x: Vec<f64> = (0..n).map(|i: usize| ((i * 7919) % 101 / 5) as f64).collect();
    let z = truth.simulate(&x, 17).unwrap();
    let w: Vec<f64> = (0..n).map(|i| 1.0 + (i % 3) as f64 * 0.5).collect();
    let cases = [
        (None, 0.0, [3.0186745860455, 5.00435738721549, 39.775100628853565], -764284.335737527),
        (
            Some(&w[..]),
            0.0,
            [3.027438250847307, 5.002772360959094, 39.65163671810827],
            -1146447.6259620858,
        ),
        (
            None,
            0.1,
            [1.5880984708129051, 2.4906912527044724, 36.77744394585603],
            -784148.5498348591,
        ),
    ];
    for (weights, penalizer, reference, log_likelihood) in cases {
        let tight = FitOptions::default().with_penalizer(penalizer).with_tolerance(1e-12);
        let m = GammaGamma::fit(&x, &z, weights, &tight).unwrap();
        for (got, want) in m.params().to_vec().into_iter().zip(reference) {
            assert_relative_eq!(got, want, max_relative = 1e-9);
        }
        // The reported log-likelihood is the per-customer sum.
        let per = m.log_likelihood_individual(&x, &z).unwrap();
        let direct: f64 =
            per.iter().enumerate().map(|(i, l)| l * weights.map_or(1.0, |w| w[i])).sum();
        let d = m.diagnostics().unwrap();
        assert_relative_eq!(d.log_likelihood, direct, max_relative = EXACT_REL);
        assert_relative_eq!(d.log_likelihood, log_likelihood, max_relative = EXACT_REL);
        // At the default tolerance (gradient 1e-8) the optimiser stops up to ~1e-8 away (as it
        // did with the per-customer sum).
        let m = GammaGamma::fit(&x, &z, weights, &FitOptions::default().with_penalizer(penalizer))
            .unwrap();
        for (got, want) in m.params().to_vec().into_iter().zip(reference) {
            assert_relative_eq!(got, want, max_relative = 1e-7);
        }
    }
}

// ---------------------------------------------------------------- shifted-beta-geometric

#[test]
fn sbg_published_parameters_and_likelihood() {
    let (reg, high) = sbg_series();
    let o = FitOptions::default();
    let r = ShiftedBetaGeometric::fit_cohort(&reg[..8], &o).unwrap();
    assert_printed("regular alpha", r.params().alpha, 0.704, 3);
    assert_printed("regular beta", r.params().beta, 1.182, 3);
    let h = ShiftedBetaGeometric::fit_cohort(&high[..8], &o).unwrap();
    assert_printed("high-end alpha", h.params().alpha, 0.668, 3);
    assert_printed("high-end beta", h.params().beta, 3.806, 3);
    let ll = h.diagnostics().unwrap().log_likelihood;
    assert_printed("high-end LL", ll, -1611.16, 2);
    assert_relative_eq!(h.log_likelihood_cohort(&high[..8]).unwrap(), ll, max_relative = EXACT_REL);
    assert_eq!(h.diagnostics().unwrap().n_obs, 1000.0);
}

#[test]
fn sbg_projected_survival_and_derl() {
    let (_, high) = sbg_series();
    let h = ShiftedBetaGeometric::fit_cohort(&high[..8], &FitOptions::default()).unwrap();
    let s = h.survival(&[8.0, 9.0, 10.0, 11.0, 12.0]).unwrap();
    for (i, want) in [46.0, 43.6, 41.4, 39.5, 37.8].iter().enumerate() {
        assert_printed(&format!("S({})", 8 + i), 100.0 * s[i], *want, 1);
    }
    let curve = h.survival_curve(12);
    assert_eq!(&curve[8..], &s[..]);
    // Retention is S(t)/S(t−1).
    let r = h.retention_curve(12);
    for t in 1..=12 {
        assert_relative_eq!(r[t - 1], curve[t] / curve[t - 1], max_relative = EXACT_REL);
    }
    // DERL at d = 0.10 after 7 renewals (Fader & Hardie 2010 convention: the next renewal at the
    // end of the current period is undiscounted).
    let d = h.derl(0.10, &[7.0]).unwrap();
    assert_printed("DERL", d[0], 7.53, 2);
    // E(CLV) of a new customer = 1 + DERL after 0 renewals / (1 + d).
    let v = h.expected_lifetime_value(1.0, 0.10).unwrap();
    let d0 = h.derl(0.10, &[0.0]).unwrap()[0];
    assert_relative_eq!(v, 1.0 + d0 / 1.1, max_relative = EXACT_REL);
    // Per-customer data gives the same fit as the cohort counts.
    let (mut dur, mut act, mut w) = (vec![], vec![], vec![]);
    for t in 1..8 {
        dur.push(t as f64);
        act.push(0.0);
        w.push(high[t - 1] - high[t]);
    }
    dur.push(7.0);
    act.push(1.0);
    w.push(high[7]);
    let hc = ShiftedBetaGeometric::fit(&dur, &act, Some(&w), &FitOptions::default()).unwrap();
    assert_relative_eq!(hc.params().alpha, h.params().alpha, max_relative = 1e-6);
    let back = ShiftedBetaGeometric::from_json(&h.to_json().unwrap()).unwrap();
    assert_eq!(back.params(), h.params());
}

#[test]
fn sbg_bad_input() {
    let o = FitOptions::default();
    let e = ShiftedBetaGeometric::fit_cohort(&[100.0, 90.0, 95.0], &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("alive"), Some(2)));
    let e = ShiftedBetaGeometric::fit_cohort(&[0.0, 0.0], &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("alive"), Some(0)));
    let e = ShiftedBetaGeometric::fit_cohort(&[100.0, f64::NAN], &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("alive"), Some(1)));
    let e = ShiftedBetaGeometric::fit_cohort(&[100.0, 50.5], &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("alive"), Some(1)));
    let e = ShiftedBetaGeometric::fit(&[1.0, 0.0], &[0.0, 0.0], None, &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("duration"), Some(1)));
    let e = ShiftedBetaGeometric::fit(&[1.0, 2.0], &[0.0, 0.5], None, &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("still_active"), Some(1)));
    let e = ShiftedBetaGeometric::fit(&[1.0, 2.0], &[0.0, 1.0], Some(&[1.0, 0.0]), &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("weights"), Some(1)));
    let m = ShiftedBetaGeometric::from_params(SbgParams::new(0.7, 1.2).unwrap()).unwrap();
    assert_eq!(m.derl(0.0, &[1.0]).unwrap_err().field(), Some("discount_rate"));
    assert_eq!(m.derl(0.1, &[1.5]).unwrap_err().index(), Some(0));
    assert_eq!(m.survival(&[-1.0]).unwrap_err().field(), Some("t"));
}

#[test]
fn sbg_recovers_simulated_parameters() {
    // Per-customer lifetimes: θ ~ Beta(0.7, 1.2), T ~ Geometric(θ), observed for 8 periods.
    let mut rng = cvm_core::models::Rng::new(11);
    let (mut dur, mut act) = (vec![], vec![]);
    for _ in 0..20_000 {
        let theta = rng.beta(0.7, 1.2);
        let life = 1 + rng.geometric(theta);
        if life <= 8 {
            dur.push(life as f64);
            act.push(0.0);
        } else {
            dur.push(8.0);
            act.push(1.0);
        }
    }
    let m = ShiftedBetaGeometric::fit(&dur, &act, None, &FitOptions::default()).unwrap();
    let se = m.covariance().unwrap().standard_errors();
    assert!((m.params().alpha - 0.7).abs() < 3.0 * se[0], "{:?} {se:?}", m.params());
    assert!((m.params().beta - 1.2).abs() < 3.0 * se[1], "{:?} {se:?}", m.params());
}

// ---------------------------------------------------------------- BG/BB

fn donations_fit() -> BgBb {
    let (f, r, n, w) = donations();
    BgBb::fit(&f, &r, &n, Some(&w), &FitOptions::default()).unwrap()
}

#[test]
fn bg_bb_donations_published_parameters() {
    let m = donations_fit();
    let p = m.params();
    assert_printed("alpha", p.alpha, 1.204, 3);
    assert_printed("beta", p.beta, 0.750, 3);
    assert_printed("gamma", p.gamma, 0.657, 3);
    assert_printed("delta", p.delta, 2.783, 3);
    let d = m.diagnostics().unwrap();
    assert_printed("LL", d.log_likelihood, -33225.58, 2);
    assert_eq!(d.n_obs, 11104.0);
}

#[test]
fn bg_bb_donations_predictions() {
    let m = donations_fit();
    let pa =
        m.conditional_probability_alive(1, &[0.0, 2.0, 6.0], &[0.0, 4.0, 6.0], &[6.0; 3]).unwrap();
    for (i, want) in [0.11, 0.59, 0.93].iter().enumerate() {
        assert_printed(&format!("P(alive)[{i}]"), pa[i], *want, 2);
    }
    let (f, r, n, w) = donations();
    let e = m.conditional_expected_transactions(5, &f, &r, &n).unwrap();
    let total: f64 = e.iter().zip(&w).map(|(e, w)| e * w).sum();
    assert_printed("sum E[X(6, 11)]", total, 12884.2, 1);
    assert_relative_eq!(total, 12884.2, max_relative = 1e-4);
    let n0 = 11104.0 * m.probability_of_n_transactions(0, 6);
    let n6 = 11104.0 * m.probability_of_n_transactions(6, 6);
    assert_printed("donors with x = 0", n0, 3454.9, 1);
    assert_printed("donors with x = 6", n6, 1253.1, 1);
    // The trait view agrees with the inherent methods.
    let via_trait = TransactionModel::conditional_expected_purchases(&m, 5.0, &f, &r, &n).unwrap();
    assert_eq!(via_trait, e);
    // Expected transactions of a new donor = Σ_x x P(X(n) = x).
    let mean: f64 = (0..=6).map(|x| x as f64 * m.probability_of_n_transactions(x, 6)).sum();
    assert_relative_eq!(m.expected_transactions_new_customer(6), mean, max_relative = EXACT_REL);
    // P(alive at n + m) falls with m.
    let p5 = m.conditional_probability_alive(5, &[2.0], &[4.0], &[6.0]).unwrap();
    assert!(p5[0] < pa[1]);
    let back = BgBb::from_json(&m.to_json().unwrap()).unwrap();
    assert_eq!(back.params(), m.params());
    let band = m.conditional_expected_purchases_interval(5.0, &[2.0], &[4.0], &[6.0], 0.9).unwrap();
    let mid = m.conditional_expected_transactions(5, &[2.0], &[4.0], &[6.0]).unwrap()[0];
    assert_eq!(band.estimate, vec![mid]);
    let (lo, hi) = (band.lower, band.upper);
    assert!(lo[0] < mid && mid < hi[0]);
}

#[test]
#[allow(clippy::type_complexity)]
fn bg_bb_bad_input() {
    let o = FitOptions::default();
    let cases: Vec<(&[f64], &[f64], &[f64], &str, usize)> = vec![
        (&[0.0, 1.0], &[0.0, 3.0], &[6.0, 2.0], "recency", 1),
        (&[0.0, 4.0], &[0.0, 3.0], &[6.0, 6.0], "frequency", 1),
        (&[0.0, 0.0], &[0.0, 3.0], &[6.0, 6.0], "recency", 1),
        (&[0.0, 1.5], &[0.0, 3.0], &[6.0, 6.0], "frequency", 1),
        (&[0.0, 1.0], &[0.0, 3.0], &[6.0, -6.0], "n_periods", 1),
        (&[f64::NAN], &[0.0], &[6.0], "frequency", 0),
    ];
    for (f, r, n, field, idx) in cases {
        let e = BgBb::fit(f, r, n, None, &o).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some(field), Some(idx)), "{e}");
    }
    let e = BgBb::fit(&[1.0], &[1.0], &[2.0], Some(&[f64::NAN]), &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("weights"), Some(0)));
    assert!(matches!(BgBb::fit(&[], &[], &[], None, &o), Err(Error::Empty { .. })));
    let m = BgBb::from_params(BgBbParams::new(1.2, 0.75, 0.66, 2.8).unwrap()).unwrap();
    let e = TransactionModel::conditional_expected_purchases(&m, 2.5, &[1.0], &[1.0], &[2.0]);
    assert_eq!(e.unwrap_err().field(), Some("t"));
}

#[test]
fn bg_bb_stress_grid_is_finite() {
    for v in [
        [1.2, 0.75, 0.66, 2.8],
        [1e-3, 1e3, 1e3, 1e-3],
        [50.0, 0.01, 0.01, 50.0],
        [1.0, 1.0, 1.0, 1.0],
    ] {
        let m = BgBb::from_params(BgBbParams::from_slice(&v).unwrap()).unwrap();
        let f = [0.0, 1.0, 500.0, 1000.0, 3.0];
        let r = [0.0, 1.0, 900.0, 1000.0, 1000.0];
        let n = [1000.0; 5];
        let e = m.conditional_expected_transactions(1000, &f, &r, &n).unwrap();
        let pa = m.conditional_probability_alive(1, &f, &r, &n).unwrap();
        let ll = m.log_likelihood_individual(&f, &r, &n).unwrap();
        for i in 0..5 {
            assert!(e[i].is_finite() && e[i] >= 0.0, "{v:?} {i} {e:?}");
            assert!((0.0..=1.0).contains(&pa[i]), "{v:?} {i} {pa:?}");
            assert!(ll[i].is_finite() && ll[i] <= 0.0, "{v:?} {i} {ll:?}");
        }
        let px = m.probability_of_n_transactions(500, 1000);
        assert!(px.is_finite() && (0.0..=1.0).contains(&px));
        assert!(m.expected_transactions_new_customer(1000).is_finite());
    }
}

#[test]
fn bg_bb_recovers_simulated_parameters() {
    let truth = BgBbParams::new(1.2, 0.75, 0.66, 2.8).unwrap();
    let sim = BgBb::from_params(truth).unwrap();
    let (x, tx) = sim.simulate(20_000, 6, 99).unwrap();
    let n = vec![6.0; x.len()];
    let m = BgBb::fit(&x, &tx, &n, None, &FitOptions::default()).unwrap();
    let se = m.covariance().unwrap().standard_errors();
    for (j, want) in truth.to_vec().iter().enumerate() {
        let got = m.params().to_vec()[j];
        assert!((got - want).abs() < 3.0 * se[j], "param {j}: {got} vs {want} (se {})", se[j]);
    }
}

// ---------------------------------------------------------------- probabilistic CLV

mod clv {
    use super::*;
    use cvm_core::clv::{
        customer_lifetime_value, expected_discounted_purchases, ClvMethod, ClvOptions,
    };
    use cvm_core::models::{BgNbd, BgNbdParams, MbgNbd, MbgNbdParams, ParetoNbd, ParetoNbdParams};
    use cvm_core::TimeUnit;

    fn bg() -> BgNbd {
        BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap()
    }

    fn models() -> Vec<Box<dyn TransactionModel>> {
        vec![
            Box::new(bg()),
            Box::new(
                MbgNbd::from_params(MbgNbdParams::new(0.525, 6.183, 0.891, 1.614).unwrap())
                    .unwrap(),
            ),
            Box::new(
                ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap())
                    .unwrap(),
            ),
        ]
    }

    /// `e^{−δH} E(H) + δ ∫₀^H e^{−δt} E(t) dt` by composite Simpson with `n` intervals.
    fn reference(m: &dyn TransactionModel, x: f64, tx: f64, tc: f64, h: f64, delta: f64) -> f64 {
        let n = 4000;
        let step = h / n as f64;
        let f = |t: f64| (-delta * t).exp() * m.conditional_expected_purchases_at(t, x, tx, tc);
        let mut s = f(0.0) + f(h);
        for k in 1..n {
            s += if k % 2 == 1 { 4.0 } else { 2.0 } * f(k as f64 * step);
        }
        (-delta * h).exp() * m.conditional_expected_purchases_at(h, x, tx, tc)
            + delta * s * step / 3.0
    }

    #[test]
    fn continuous_method_matches_a_fine_reference() {
        let (x, r, t) = cdnow_rft();
        let idx = [0usize, 1, 2, 5, 8, 100, 1000, 2000];
        let (xs, rs, ts): (Vec<f64>, Vec<f64>, Vec<f64>) = (
            idx.iter().map(|&i| x[i]).collect(),
            idx.iter().map(|&i| r[i]).collect(),
            idx.iter().map(|&i| t[i]).collect(),
        );
        // One year at 10% a year, data in weeks; also a new customer (T = 0).
        let o = week_options()
            .with_horizon(1.0)
            .with_time_unit(TimeUnit::Year)
            .with_data_time_unit(TimeUnit::Week)
            .with_discount_rate(0.10);
        let h = 365.25 / 7.0;
        let delta = 0.10f64.ln_1p() * 7.0 / 365.25;
        for m in models() {
            let d = expected_discounted_purchases(m.as_ref(), &xs, &rs, &ts, &o).unwrap();
            for i in 0..xs.len() {
                let want = reference(m.as_ref(), xs[i], rs[i], ts[i], h, delta);
                assert_relative_eq!(d[i], want, max_relative = 1e-9);
            }
            let d0 = expected_discounted_purchases(m.as_ref(), &[0.0], &[0.0], &[0.0], &o).unwrap();
            let want = reference(m.as_ref(), 0.0, 0.0, 0.0, h, delta);
            assert_relative_eq!(d0[0], want, max_relative = 1e-8);
            // Discounting lowers the value below the undiscounted expectation.
            let e = m.conditional_expected_purchases(h, &xs, &rs, &ts).unwrap();
            assert!(d.iter().zip(&e).all(|(d, e)| d < e), "{}", m.model_name());
        }
    }

    #[test]
    fn pareto_closed_form_tends_to_dert() {
        let p = ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap())
            .unwrap();
        let o = week_options()
            .with_horizon(400.0)
            .with_time_unit(TimeUnit::Year)
            .with_data_time_unit(TimeUnit::Week)
            .with_discount_rate(0.15);
        let d = expected_discounted_purchases(&p, &[4.0], &[36.0], &[38.0], &o).unwrap();
        let delta = 0.15f64.ln_1p() * 7.0 / 365.25;
        let dert = p.dert(&[4.0], &[36.0], &[38.0], delta).unwrap();
        assert_relative_eq!(d[0], dert[0], max_relative = 1e-10);
    }

    #[test]
    fn lifetimes_steps_are_exact() {
        let (x, r, t) = cdnow_rft();
        let (_, z) = cdnow_spend();
        let gg = cdnow_gg();
        let m = bg();
        let o = week_options()
            .with_method(ClvMethod::lifetimes(TimeUnit::Week, 12).unwrap())
            .with_discount_rate(0.01);
        let v = customer_lifetime_value(&m, &gg, &x, &r, &t, &z, &o).unwrap();
        let spend = gg.conditional_expected_average_spend(&x, &z).unwrap();
        for i in (0..x.len()).step_by(97) {
            // lifetimes: for i in steps * factor: clv += spend * (E(i) − E(i − factor)) / (1+d)^(i/factor)
            let mut want = 0.0;
            for k in 1..=12 {
                let ti = k as f64 * 4.345;
                let de = m.conditional_expected_purchases_at(ti, x[i], r[i], t[i])
                    - m.conditional_expected_purchases_at(ti - 4.345, x[i], r[i], t[i]);
                want += spend[i] * de / 1.01f64.powf(ti / 4.345);
            }
            assert_relative_eq!(v.value[i], want, max_relative = 1e-13);
        }
        assert_eq!(v.expected_spend, spend);
        // Margin scales linearly.
        let half = o.clone().with_margin(0.5);
        let vh =
            customer_lifetime_value(&m, &gg, &x[..5], &r[..5], &t[..5], &z[..5], &half).unwrap();
        for i in 0..5 {
            assert_relative_eq!(vh.value[i], 0.5 * v.value[i], max_relative = 1e-15);
        }
    }

    #[test]
    fn time_units_are_consistent() {
        let m = bg();
        let (xs, rs, ts) = ([0.0, 2.0, 7.0], [0.0, 30.43, 35.0], [38.86, 38.86, 37.0]);
        let year = week_options()
            .with_horizon(1.0)
            .with_time_unit(TimeUnit::Year)
            .with_discount_rate(0.12);
        let months = week_options()
            .with_horizon(12.0)
            .with_time_unit(TimeUnit::Month)
            .with_discount_rate(1.12f64.powf(1.0 / 12.0) - 1.0);
        let days = week_options()
            .with_horizon(365.25)
            .with_time_unit(TimeUnit::Day)
            .with_discount_rate(1.12f64.powf(1.0 / 365.25) - 1.0);
        let a = expected_discounted_purchases(&m, &xs, &rs, &ts, &year).unwrap();
        let b = expected_discounted_purchases(&m, &xs, &rs, &ts, &months).unwrap();
        let c = expected_discounted_purchases(&m, &xs, &rs, &ts, &days).unwrap();
        for i in 0..3 {
            assert_relative_eq!(a[i], b[i], max_relative = EXACT_REL);
            assert_relative_eq!(a[i], c[i], max_relative = EXACT_REL);
        }
        // Data in days instead of weeks: same customers, same value.
        let in_days = year.clone().with_data_time_unit(TimeUnit::Day);
        let md = BgNbd::from_params(BgNbdParams::new(0.243, 4.414 * 7.0, 0.793, 2.426).unwrap())
            .unwrap();
        let sd: Vec<f64> = rs.iter().map(|v| v * 7.0).collect();
        let td: Vec<f64> = ts.iter().map(|v| v * 7.0).collect();
        let d = expected_discounted_purchases(&md, &xs, &sd, &td, &in_days).unwrap();
        for i in 0..3 {
            assert_relative_eq!(a[i], d[i], max_relative = 1e-9);
        }
        // No discounting: the expected purchases over the horizon.
        let flat = year.with_discount_rate(0.0);
        let e = expected_discounted_purchases(&m, &xs, &rs, &ts, &flat).unwrap();
        let want = m.conditional_expected_purchases(365.25 / 7.0, &xs, &rs, &ts).unwrap();
        for i in 0..3 {
            assert_relative_eq!(e[i], want[i], max_relative = EXACT_REL);
        }
    }

    #[test]
    fn bg_bb_clv_sums_over_opportunities() {
        let m = donations_fit();
        let gg = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 150.0).unwrap()).unwrap();
        let (f, r, n) = ([0.0, 2.0, 6.0], [0.0, 4.0, 6.0], [6.0; 3]);
        let o = week_options()
            .with_horizon(5.0)
            .with_time_unit(TimeUnit::Year)
            .with_data_time_unit(TimeUnit::Year)
            .with_discount_rate(0.10);
        let v = customer_lifetime_value(&m, &gg, &f, &r, &n, &[0.0, 50.0, 80.0], &o).unwrap();
        for i in 0..3 {
            let mut want = 0.0;
            for k in 1..=5u64 {
                let de = m
                    .conditional_expected_transactions(k, &f[i..=i], &r[i..=i], &n[i..=i])
                    .unwrap()[0]
                    - m.conditional_expected_transactions(k - 1, &f[i..=i], &r[i..=i], &n[i..=i])
                        .unwrap()[0];
                want += de / 1.1f64.powi(k as i32);
            }
            assert_relative_eq!(v.discounted_purchases[i], want, max_relative = EXACT_REL);
            assert_relative_eq!(v.value[i], want * v.expected_spend[i], max_relative = EXACT_REL);
        }
        // Invalid BG/BB histories are rejected with the BG/BB rules.
        let e = customer_lifetime_value(&m, &gg, &[3.0], &[2.0], &[6.0], &[10.0], &o).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("frequency"), Some(0)));
    }

    #[test]
    fn intervals_from_parameter_uncertainty() {
        let (x, r, t) = cdnow_rft();
        let (_, z) = cdnow_spend();
        let data = cvm_core::models::SummaryData::new(&x, &r, &t, None).unwrap();
        let m = BgNbd::fit(&data, &FitOptions::default()).unwrap();
        let gg = cdnow_gg();
        let o = week_options().with_interval_level(0.95);
        let v =
            customer_lifetime_value(&m, &gg, &x[..20], &r[..20], &t[..20], &z[..20], &o).unwrap();
        let (lo, hi) = (v.lower.unwrap(), v.upper.unwrap());
        for i in 0..20 {
            assert!(lo[i] < v.value[i] && v.value[i] < hi[i], "{i}");
            assert!(hi[i] / v.value[i] < 2.0);
        }
        // Models built from parameters have no covariance.
        let e = customer_lifetime_value(&bg(), &gg, &x[..2], &r[..2], &t[..2], &z[..2], &o)
            .unwrap_err();
        assert_eq!(e.field(), Some("covariance"));
    }

    #[test]
    fn bad_input() {
        let m = bg();
        let gg = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0).unwrap()).unwrap();
        let run = |o: &ClvOptions| {
            customer_lifetime_value(&m, &gg, &[1.0], &[2.0], &[5.0], &[10.0], o).map(|_| ())
        };
        let cases = [
            (week_options().with_horizon(-1.0), "horizon"),
            (week_options().with_horizon(f64::NAN), "horizon"),
            (week_options().with_discount_rate(-1.0), "discount_rate"),
            (week_options().with_discount_rate(f64::INFINITY), "discount_rate"),
            (week_options().with_margin(f64::NAN), "margin"),
            (
                week_options().with_method(ClvMethod::LifetimesSteps { step: 0.0, steps: 12 }),
                "step",
            ),
            (week_options().with_interval_level(1.0), "level"),
        ];
        for (o, field) in cases {
            assert_eq!(run(&o).unwrap_err().field(), Some(field));
        }
        let e = ClvOptions::with_units(12.0, "fortnight", "W", 0.01).unwrap_err();
        assert!(
            matches!(&e, Error::UnknownName { field, valid, .. } if field == "time_unit" && valid.len() == 4)
        );
        let e = ClvOptions::with_units(12.0, "M", "weekly", 0.01).unwrap_err();
        assert_eq!(e.field(), Some("data_time_unit"));
        let o = week_options();
        let e = customer_lifetime_value(&m, &gg, &[1.0], &[6.0], &[5.0], &[10.0], &o).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("recency"), Some(0)));
        let e = customer_lifetime_value(
            &m,
            &gg,
            &[1.0, 2.0],
            &[2.0, 3.0],
            &[5.0, 5.0],
            &[10.0, 0.0],
            &o,
        )
        .unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(1)));
        let e =
            customer_lifetime_value(&m, &gg, &[1.0], &[2.0], &[5.0], &[10.0, 1.0], &o).unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { .. }));
        let heavy =
            GammaGamma::from_params(GammaGammaParams::new(6.0, 0.8, 15.0).unwrap()).unwrap();
        let e =
            customer_lifetime_value(&m, &heavy, &[0.0], &[0.0], &[5.0], &[0.0], &o).unwrap_err();
        assert!(matches!(e, Error::Numerical { .. }));
        // A zero horizon is worth nothing; a negative-but-valid rate (−1 < d < 0) is accepted.
        let zero = customer_lifetime_value(
            &m,
            &gg,
            &[1.0],
            &[2.0],
            &[5.0],
            &[10.0],
            &o.clone().with_horizon(0.0),
        )
        .unwrap();
        assert_eq!(zero.value, vec![0.0]);
        let neg = customer_lifetime_value(
            &m,
            &gg,
            &[1.0],
            &[2.0],
            &[5.0],
            &[10.0],
            &o.clone().with_discount_rate(-0.05),
        )
        .unwrap();
        let flat = customer_lifetime_value(
            &m,
            &gg,
            &[1.0],
            &[2.0],
            &[5.0],
            &[10.0],
            &o.with_discount_rate(0.0),
        )
        .unwrap();
        assert!(neg.value[0] > flat.value[0]);
    }

    #[test]
    fn stress_grid_is_finite() {
        let gg =
            GammaGamma::from_params(GammaGammaParams::new(6.0, 1.0 + 1e-9, 15.0).unwrap()).unwrap();
        let f = [0.0, 1.0, 1e4, 50.0];
        let r = [0.0, 1e-3, 999.0, 10.0];
        let t = [1000.0, 1000.0, 1000.0, 1000.0];
        let z = [0.0, 1e7, 1e7, 1e-3];
        let o = week_options().with_horizon(120.0);
        for m in models() {
            let v = customer_lifetime_value(m.as_ref(), &gg, &f, &r, &t, &z, &o).unwrap();
            assert!(
                v.value.iter().all(|v| v.is_finite() && *v >= 0.0),
                "{} {:?}",
                m.model_name(),
                v.value
            );
        }
        let bb = BgBb::from_params(BgBbParams::new(1.2, 0.75, 0.66, 2.8).unwrap()).unwrap();
        let ob = week_options()
            .with_horizon(1000.0)
            .with_time_unit(TimeUnit::Year)
            .with_data_time_unit(TimeUnit::Year);
        let v = customer_lifetime_value(
            &bb,
            &gg,
            &[0.0, 999.0],
            &[0.0, 1000.0],
            &[1000.0, 1000.0],
            &[0.0, 1e7],
            &ob,
        )
        .unwrap();
        assert!(v.value.iter().all(|v| v.is_finite() && *v >= 0.0), "{:?}", v.value);
    }
}

/// Timing on 1M customers (run with `--release -- --ignored`): Gamma-Gamma fit on 1M repeat
/// buyers and 12-month CLV for 1M customers.
#[test]
#[ignore]
fn timing_one_million() {
    use cvm_core::clv::customer_lifetime_value;
    use cvm_core::models::{BgNbd, BgNbdParams};
    let n = 1_000_000;
    let truth = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0).unwrap()).unwrap();
    let x: Vec<f64> = (0..n).map(|i| 1.0 + (i % 13) as f64).collect();
    let z = truth.simulate(&x, 3).unwrap();
    let t0 = std::time::Instant::now();
    let m = GammaGamma::fit(&x, &z, None, &FitOptions::default()).unwrap();
    eprintln!("GG fit 1M: {:?} ({} iterations)", t0.elapsed(), m.diagnostics().unwrap().iterations);
    // CDNOW-like summaries in whole days (weeks = days / 7), 1M customers.
    let (cx, cr, ct) = cdnow_rft();
    let (_, cz) = cdnow_spend();
    let k = cx.len();
    let f: Vec<f64> = (0..n).map(|i| cx[i % k]).collect();
    let r: Vec<f64> = (0..n).map(|i| cr[i % k]).collect();
    let t: Vec<f64> = (0..n).map(|i| ct[i % k]).collect();
    let zz: Vec<f64> = (0..n).map(|i| cz[i % k]).collect();
    let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
    let gg = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44).unwrap()).unwrap();
    for o in [
        week_options(),
        week_options()
            .with_method(cvm_core::clv::ClvMethod::LifetimesSteps { step: 4.345, steps: 12 }),
    ] {
        let t0 = std::time::Instant::now();
        let v = customer_lifetime_value(&bg, &gg, &f, &r, &t, &zz, &o).unwrap();
        eprintln!("CLV 1M ({}): {:?}", o.method.as_str(), t0.elapsed());
        assert_eq!(v.value.len(), n);
    }
    // Unique continuous histories (no compression possible).
    let rr: Vec<f64> = (0..n)
        .map(|i| if f[i] > 0.0 { r[i] * (1.0 - 1e-7 * (i % 1000) as f64) } else { 0.0 })
        .collect();
    let t0 = std::time::Instant::now();
    let v = customer_lifetime_value(&bg, &gg, &f, &rr, &t, &zz, &week_options()).unwrap();
    eprintln!("CLV 1M unique rows (continuous): {:?}", t0.elapsed());
    assert_eq!(v.value.len(), n);
}

mod invariants {
    use super::*;
    use cvm_core::clv::expected_discounted_purchases;
    use cvm_core::models::{BgNbd, BgNbdParams};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The Gamma-Gamma conditional mean lies between the customer's own mean and the
        /// population mean, and moves towards the customer's mean with more transactions.
        #[test]
        fn gg_shrinkage(p in 0.1f64..50.0, q in 1.01f64..50.0, g in 0.1f64..1e4,
                        x in 1u32..500, z in 1e-2f64..1e6) {
            let m = GammaGamma::from_params(GammaGammaParams::new(p, q, g).unwrap()).unwrap();
            let pop = m.population_mean_spend().unwrap();
            let s = m.conditional_expected_average_spend(&[x as f64, x as f64 + 1.0], &[z, z]).unwrap();
            let (lo, hi) = (pop.min(z), pop.max(z));
            prop_assert!(s[0] >= lo * (1.0 - 1e-12) && s[0] <= hi * (1.0 + 1e-12));
            prop_assert!((s[1] - z).abs() <= (s[0] - z).abs() * (1.0 + 1e-12));
        }

        /// BG/BB: P(X(n) = x) is a distribution whose mean is E[X(n)]; P(alive) falls with m.
        #[test]
        fn bg_bb_distribution(a in 0.05f64..20.0, b in 0.05f64..20.0, g in 0.05f64..20.0,
                              d in 0.05f64..20.0, n in 1u64..40) {
            let m = BgBb::from_params(BgBbParams::new(a, b, g, d).unwrap()).unwrap();
            let probs: Vec<f64> = (0..=n).map(|x| m.probability_of_n_transactions(x, n)).collect();
            let total: f64 = probs.iter().sum();
            prop_assert!((total - 1.0).abs() < 1e-10, "{}", total);
            let mean: f64 = probs.iter().enumerate().map(|(x, p)| x as f64 * p).sum();
            let e = m.expected_transactions_new_customer(n);
            prop_assert!((mean - e).abs() < 1e-9 * e.max(1e-3), "{} {}", mean, e);
            let nf = n as f64;
            let p1 = m.conditional_probability_alive(1, &[1.0], &[1.0], &[nf]).unwrap()[0];
            let p5 = m.conditional_probability_alive(5, &[1.0], &[1.0], &[nf]).unwrap()[0];
            prop_assert!(p5 <= p1 && (0.0..=1.0).contains(&p1));
        }

        /// sBG: survival falls, retention rises, DERL falls with the discount rate.
        #[test]
        fn sbg_shapes(a in 0.01f64..20.0, b in 0.01f64..20.0, k in 0u32..200) {
            let m = ShiftedBetaGeometric::from_params(SbgParams::new(a, b).unwrap()).unwrap();
            let s = m.survival_curve(30);
            prop_assert!(s.windows(2).all(|w| w[1] < w[0]));
            let r = m.retention_curve(30);
            prop_assert!(r.windows(2).all(|w| w[1] >= w[0]));
            let d = m.derl(0.05, &[k as f64]).unwrap()[0];
            let d2 = m.derl(0.2, &[k as f64]).unwrap()[0];
            prop_assert!(d.is_finite() && d2 < d && d2 > 0.0);
        }

        /// CLV: discounted purchases fall as the discount rate rises and rise with the horizon.
        #[test]
        fn clv_monotone(x in 0u32..30, frac in 0.0f64..1.0, tc in 1.0f64..200.0,
                        rate in -0.5f64..2.0, h in 0.5f64..60.0) {
            let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
            let xf = x as f64;
            let tx = if x == 0 { 0.0 } else { (frac * tc).max(1e-3) };
            let base = week_options().with_horizon(h).with_discount_rate(rate);
            let v = expected_discounted_purchases(&m, &[xf], &[tx], &[tc], &base).unwrap()[0];
            let more = base.clone().with_discount_rate(rate + 0.1);
            let longer = base.with_horizon(h * 1.5);
            let v2 = expected_discounted_purchases(&m, &[xf], &[tx], &[tc], &more).unwrap()[0];
            let v3 = expected_discounted_purchases(&m, &[xf], &[tx], &[tc], &longer).unwrap()[0];
            prop_assert!(v.is_finite() && v > 0.0);
            // (A longer horizon adds almost nothing under heavy discounting: allow quadrature noise.)
            prop_assert!(v2 < v && v3 >= v * (1.0 - 1e-9), "{} {} {}", v, v2, v3);
        }
    }
}

/// With continuous ages every customer is distinct and `D` is interpolated per frequency in
/// `ln(T + m)`; it must equal the one-customer-at-a-time evaluation (which never interpolates)
/// to 1e-11 relative, for every continuous-time model and both CLV methods.
#[test]
fn clv_interpolation_over_ages_matches_direct_evaluation() {
    use cvm_core::clv::{expected_discounted_purchases, ClvMethod};
    use cvm_core::models::{
        simulate, BgNbd, BgNbdParams, MbgNbd, MbgNbdParams, ParetoNbd, ParetoNbdParams,
        SimulationOptions,
    };
    let sim_options = SimulationOptions::default()
        .with_n_customers(20_000)
        .with_calibration_end(39.0)
        .with_birth_window(12.0)
        .with_seed(7);
    let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
    let mbg = MbgNbd::from_params(MbgNbdParams::new(0.525, 6.183, 0.891, 1.614).unwrap()).unwrap();
    let pn_params = ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap();
    let pn = ParetoNbd::from_params(pn_params).unwrap();
    let sim = simulate::pareto_nbd(&pn_params, &sim_options).unwrap();
    let (x, r, t) = (&sim.frequency, &sim.recency, &sim.t);
    let models: [&dyn TransactionModel; 3] = [&bg, &mbg, &pn];
    for method in [ClvMethod::Continuous, ClvMethod::LifetimesSteps { step: 4.345, steps: 12 }] {
        let o = week_options().with_method(method).with_discount_rate(0.01);
        for m in models {
            let all = expected_discounted_purchases(m, x, r, t, &o).unwrap();
            for i in (0..x.len()).step_by(37) {
                let one =
                    expected_discounted_purchases(m, &x[i..=i], &r[i..=i], &t[i..=i], &o).unwrap();
                assert_relative_eq!(all[i], one[0], max_relative = 1e-11);
            }
        }
    }
}
