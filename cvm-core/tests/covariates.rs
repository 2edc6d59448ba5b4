//! Covariate models: the plain model with per-customer parameters (see
//! `cvm_core::models::covariates`).

use cvm_core::models::covariates::{
    fit, fit_spend, Column, CovariateModel, CovariateOptions, Covariates, ProcessCovariates,
};
use cvm_core::models::TransactionModel;
use cvm_core::models::{
    simulate, AnyModel, BgBb, BgBbParams, BgNbdParams, GammaGamma, GammaGammaParams, MbgNbdParams,
    ModelKind, ParetoNbdParams, SimulationOptions, SummaryData,
};
use cvm_core::Error;

/// A cohort of two groups (`z = 0`, `z = 1`), each simulated by the plain simulator at the
/// group's parameters: `(frequency, recency, T, z)`.
struct Cohort {
    x: Vec<f64>,
    tx: Vec<f64>,
    t: Vec<f64>,
    z: Vec<f64>,
}

fn cohort(kind: ModelKind, base: &[f64], g_trans: f64, g_life: f64, n: usize, seed: u64) -> Cohort {
    let mut c = Cohort { x: vec![], tx: vec![], t: vec![], z: vec![] };
    for group in 0..2u64 {
        let zi = group as f64;
        let o = SimulationOptions::default().with_n_customers(n / 2).with_seed(seed * 10 + group);
        let (ft, fl) = ((-g_trans * zi).exp(), (g_life * zi).exp());
        let s = match kind {
            ModelKind::ParetoNbd => {
                let p = ParetoNbdParams::new(base[0], base[1] * ft, base[2], base[3] / fl).unwrap();
                simulate::pareto_nbd(&p, &o).unwrap()
            }
            ModelKind::BgNbd => {
                let p =
                    BgNbdParams::new(base[0], base[1] * ft, base[2] * fl, base[3] * fl).unwrap();
                simulate::bg_nbd(&p, &o).unwrap()
            }
            ModelKind::BgBb => {
                // α_i = α e^{γ_trans z}, γ_i = γ e^{γ_life z}; 8 opportunities.
                let p = BgBbParams::new(base[0] / ft, base[1], base[2] * fl, base[3]).unwrap();
                let m = BgBb::from_params(p).unwrap();
                let (x, tx) = m.simulate(n / 2, 8, seed * 10 + group).unwrap();
                c.t.extend(vec![8.0; x.len()]);
                c.x.extend(x);
                c.tx.extend(tx);
                c.z.extend(std::iter::repeat_n(zi, n / 2));
                continue;
            }
            _ => {
                let p =
                    MbgNbdParams::new(base[0], base[1] * ft, base[2] * fl, base[3] * fl).unwrap();
                simulate::mbg_nbd(&p, &o).unwrap()
            }
        };
        c.x.extend(s.frequency);
        c.tx.extend(s.recency);
        c.t.extend(s.t);
        c.z.extend(std::iter::repeat_n(zi, n / 2));
    }
    c
}

/// The covariates of a cohort: `vip` (the group) on both processes, plus a noise column on the
/// transaction process.
fn both(c: &Cohort) -> ProcessCovariates {
    let noise: Vec<f64> = (0..c.z.len()).map(|i| ((i * 7919) % 13) as f64 / 13.0).collect();
    let mut trans = Vec::with_capacity(2 * c.z.len());
    for (z, u) in c.z.iter().zip(&noise) {
        trans.extend([*z, *u]);
    }
    ProcessCovariates::default()
        .with_transaction(Covariates::new(&["vip", "noise"], &trans).unwrap())
        .with_lifetime(Covariates::new(&["vip"], &c.z).unwrap())
}

const PNBD: [f64; 4] = [0.6, 10.0, 0.8, 12.0];
const BG: [f64; 4] = [0.3, 5.0, 0.7, 2.5];
const BGBB: [f64; 4] = [1.2, 0.75, 0.66, 2.8];

/// The plain model of `kind` at `params` (the BG/BB is not an `AnyModel`).
enum Plain {
    Any(AnyModel),
    BgBb(BgBb),
}

impl Plain {
    fn m(&self) -> &dyn TransactionModel {
        match self {
            Plain::Any(m) => m.as_model(),
            Plain::BgBb(m) => m,
        }
    }
}

fn plain_at(kind: ModelKind, params: &[f64]) -> Plain {
    match kind {
        ModelKind::BgBb => {
            Plain::BgBb(BgBb::from_params(BgBbParams::from_slice(params).unwrap()).unwrap())
        }
        _ => Plain::Any(AnyModel::from_params(kind, params).unwrap()),
    }
}

const ALL: [(ModelKind, [f64; 4]); 4] = [
    (ModelKind::ParetoNbd, PNBD),
    (ModelKind::BgNbd, BG),
    (ModelKind::MbgNbd, BG),
    (ModelKind::BgBb, BGBB),
];

#[test]
fn without_columns_the_fit_is_the_plain_fit() {
    for (kind, base) in
        [(ModelKind::ParetoNbd, PNBD), (ModelKind::BgNbd, BG), (ModelKind::MbgNbd, BG)]
    {
        let c = cohort(kind, &base, 0.0, 0.0, 3000, 1);
        let m = fit(kind, &c.x, &c.tx, &c.t, &ProcessCovariates::default(), &Default::default())
            .unwrap();
        let data = SummaryData::new(&c.x, &c.tx, &c.t, None).unwrap();
        let plain = AnyModel::fit(kind, &data, &Default::default()).unwrap();
        let pp = plain.as_model().params();
        assert_eq!(m.params().len(), pp.len());
        for (a, b) in m.params().iter().zip(&pp) {
            assert!((a - b).abs() <= 1e-10 * b.abs(), "{kind:?}: {a} vs {b}");
        }
        let ll0 = plain.diagnostics().unwrap().log_likelihood;
        assert!((m.diagnostics().log_likelihood - ll0).abs() <= 1e-10 * ll0.abs());
        assert_eq!(m.likelihood_ratio_test().df, 0);
    }
}

#[test]
fn per_customer_likelihood_is_the_plain_models_at_the_customers_parameters() {
    for (kind, base) in ALL {
        let c = cohort(kind, &base, 0.5, -0.4, 2000, 2);
        let cov = both(&c);
        let m = fit(kind, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
        let ll = m.log_likelihood_individual(&c.x, &c.tx, &c.t, &cov).unwrap();
        let params = m.customer_params(c.x.len(), &cov).unwrap();
        for i in (0..c.x.len()).step_by(37) {
            let want = plain_at(kind, &params[i]).m().log_likelihood_at(c.x[i], c.tx[i], c.t[i]);
            assert!(
                (ll[i] - want).abs() <= 1e-12 * want.abs().max(1.0),
                "{kind:?} row {i}: {} vs {want}",
                ll[i]
            );
        }
        // The sum is the fit's log-likelihood.
        let total: f64 = ll.iter().sum();
        let d = m.diagnostics().log_likelihood;
        assert!((total - d).abs() <= 1e-9 * d.abs(), "{total} vs {d}");
        // All-zero covariates give the plain model at the base parameters.
        let n = c.x.len();
        let zero = ProcessCovariates::default()
            .with_transaction(Covariates::new(&["noise", "vip"], &vec![0.0; 2 * n]).unwrap())
            .with_lifetime(Covariates::new(&["vip"], &vec![0.0; n]).unwrap());
        let ll0 = m.log_likelihood_individual(&c.x, &c.tx, &c.t, &zero).unwrap();
        let want = plain_at(kind, m.base_params())
            .m()
            .log_likelihood_individual(&c.x, &c.tx, &c.t)
            .unwrap();
        for (a, b) in ll0.iter().zip(&want) {
            assert!((a - b).abs() <= 1e-10 * b.abs().max(1.0));
        }
    }
}

#[test]
fn gradient_matches_central_differences() {
    for (kind, base) in ALL {
        let c = cohort(kind, &base, 0.5, -0.4, 600, 3);
        let cov = both(&c);
        let m = fit(kind, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
        // Away from the optimum, where the gradient is not 0.
        let at: Vec<f64> = m
            .params()
            .iter()
            .enumerate()
            .map(|(j, p)| if j < 4 { p * 1.1 } else { p + 0.2 })
            .collect();
        let (_, g) = m.log_likelihood_and_gradient(&at, &c.x, &c.tx, &c.t, &cov).unwrap();
        for j in 0..at.len() {
            let h = 1e-5 * at[j].abs().max(1.0);
            let f = |d: f64| {
                let mut q = at.clone();
                q[j] += d;
                m.log_likelihood_and_gradient(&q, &c.x, &c.tx, &c.t, &cov).unwrap().0
            };
            let fd = (f(h) - f(-h)) / (2.0 * h);
            assert!(
                (g[j] - fd).abs() <= 1e-6 * fd.abs().max(1.0),
                "{kind:?} param {j}: {} vs {fd}",
                g[j]
            );
        }
    }
}

#[test]
fn constant_and_collinear_columns_are_not_identifiable() {
    let c = cohort(ModelKind::BgNbd, &BG, 0.0, 0.0, 1000, 4);
    let n = c.x.len();
    let constant = ProcessCovariates::default()
        .with_transaction(Covariates::new(&["one"], &vec![1.0; n]).unwrap());
    let e = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &constant, &Default::default()).unwrap_err();
    assert!(
        matches!(&e, Error::NotIdentified { reason, .. } if reason.contains("`one` is constant")),
        "{e}"
    );
    let mut dup = Vec::new();
    for z in &c.z {
        dup.extend([*z, 2.0 * z + 1.0]);
    }
    let cov = ProcessCovariates::default()
        .with_lifetime(Covariates::new(&["vip", "vip2"], &dup).unwrap());
    let e = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap_err();
    assert!(matches!(&e, Error::NotIdentified { reason, .. } if reason.contains("`vip2`")), "{e}");
}

#[test]
fn invalid_inputs_are_errors_naming_them() {
    let c = cohort(ModelKind::BgNbd, &BG, 0.3, 0.0, 1000, 5);
    let n = c.x.len();
    let short = ProcessCovariates::default()
        .with_transaction(Covariates::new(&["vip"], &c.z[..n - 1]).unwrap());
    let e = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &short, &Default::default()).unwrap_err();
    assert_eq!(e.field(), Some("trans_covariates"));
    let nan = Covariates::new(&["a", "b"], &[0.0, 1.0, f64::INFINITY, 2.0]).unwrap_err();
    assert_eq!((nan.field(), nan.index()), (Some("a"), Some(1)));
    let cov = both(&c);
    let m = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
    // Prediction without the lifetime covariates, or without a column.
    let only_trans = ProcessCovariates { lifetime: None, ..cov.clone() };
    let e = m.probability_alive(&c.x, &c.tx, &c.t, &only_trans).unwrap_err();
    assert_eq!(e.field(), Some("life_covariates"));
    let no_noise = ProcessCovariates {
        transaction: Some(Covariates::new(&["vip"], &c.z).unwrap()),
        ..cov.clone()
    };
    let e = m.probability_alive(&c.x, &c.tx, &c.t, &no_noise).unwrap_err();
    assert!(e.to_string().contains("missing column `noise`"), "{e}");
    let e = fit(ModelKind::ShiftedBetaGeometric, &c.x, &c.tx, &c.t, &cov, &Default::default())
        .unwrap_err();
    assert_eq!(e.field(), Some("model"));
    let pen = CovariateOptions::default()
        .with_fit(cvm_core::models::FitOptions::default().with_penalizer(0.1));
    assert_eq!(
        fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &pen).unwrap_err().field(),
        Some("penalizer")
    );
}

#[test]
fn recovers_known_coefficients() {
    // A few seeds per model; the 95% intervals should cover the truth (4 σ bound per seed
    // so that the test fails only on a real bias).
    let (gt, gl) = (0.6, -0.5);
    for (kind, base) in
        [(ModelKind::ParetoNbd, PNBD), (ModelKind::BgNbd, BG), (ModelKind::BgBb, BGBB)]
    {
        let mut covered = 0;
        for seed in 0..3 {
            let c = cohort(kind, &base, gt, gl, 20_000, 100 + seed);
            let cov = both(&c);
            let m = fit(kind, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
            let (g, se) = (m.coefficients().to_vec(), m.standard_errors().unwrap());
            assert_eq!(&m.names()[4..], &["trans_vip", "trans_noise", "life_vip"]);
            let truth = [gt, 0.0, gl];
            let ci = m.confidence_intervals(0.95).unwrap();
            for j in 0..3 {
                assert!(
                    (g[j] - truth[j]).abs() < 4.0 * se[4 + j],
                    "{kind:?} seed {seed} γ{j}: {} ± {}",
                    g[j],
                    se[4 + j]
                );
                if ci[4 + j].0 <= truth[j] && truth[j] <= ci[4 + j].1 {
                    covered += 1;
                }
            }
            for j in 0..4 {
                assert!((m.params()[j] - base[j]).abs() < 4.0 * se[j], "{kind:?} seed {seed} p{j}");
            }
            let lr = m.likelihood_ratio_test();
            assert!(lr.df == 3 && lr.p_value < 1e-6, "{lr:?}");
        }
        assert!(covered >= 7, "{kind:?}: {covered} of 9 intervals cover the truth");
    }
}

#[test]
fn shared_coefficient_and_penalty() {
    let c = cohort(ModelKind::BgNbd, &BG, 0.4, 0.4, 6000, 7);
    let zc = Covariates::new(&["vip"], &c.z).unwrap();
    let cov = ProcessCovariates::default().with_transaction(zc.clone()).with_lifetime(zc);
    let o = CovariateOptions::default().with_shared(&["vip"]);
    let m = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &o).unwrap();
    assert_eq!(&m.names()[4..], &["shared_vip"]);
    let se = m.standard_errors().unwrap();
    assert!((m.coefficients()[0] - 0.4).abs() < 4.0 * se[4], "{:?}", m.params());
    // The penalty shrinks the coefficients towards 0.
    let free = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
    let pen =
        fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &CovariateOptions::default().with_l2(0.05))
            .unwrap();
    let norm = |m: &cvm_core::models::covariates::CovariateModel| {
        m.coefficients().iter().map(|g| g * g).sum::<f64>()
    };
    assert!(
        norm(&pen) < 0.9 * norm(&free),
        "{:?} vs {:?}",
        pen.coefficients(),
        free.coefficients()
    );
    assert!(pen.diagnostics().log_likelihood < free.diagnostics().log_likelihood);
    let bad = o.clone().with_shared(&["region"]);
    assert_eq!(
        fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &bad).unwrap_err().field(),
        Some("shared")
    );
}

#[test]
fn predictions_use_each_customers_parameters() {
    let c = cohort(ModelKind::ParetoNbd, &PNBD, 0.6, -0.5, 4000, 8);
    let cov = both(&c);
    let m = fit(ModelKind::ParetoNbd, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
    let pa = m.probability_alive(&c.x, &c.tx, &c.t, &cov).unwrap();
    let ep = m.conditional_expected_purchases(10.0, &c.x, &c.tx, &c.t, &cov).unwrap();
    let params = m.customer_params(c.x.len(), &cov).unwrap();
    for i in (0..c.x.len()).step_by(101) {
        let plain = AnyModel::from_params(ModelKind::ParetoNbd, &params[i]).unwrap();
        let k = plain.as_model();
        assert_eq!(pa[i], k.probability_alive(&c.x[i..=i], &c.tx[i..=i], &c.t[i..=i]).unwrap()[0]);
        let want = k
            .conditional_expected_purchases(10.0, &c.x[i..=i], &c.tx[i..=i], &c.t[i..=i])
            .unwrap()[0];
        assert!((ep[i] - want).abs() <= 1e-12 * want.max(1.0));
    }
}

#[test]
fn gamma_gamma_spend_covariate() {
    let truth = GammaGammaParams::new(6.0, 4.0, 15.0).unwrap();
    let (n, g) = (8000, 0.4);
    let (mut x, mut m, mut z) = (vec![], vec![], vec![]);
    for group in 0..2u64 {
        let zi = group as f64;
        // A positive coefficient raises spend: γ_i = γ e^{g z}, mean spend pγ_i/(q−1).
        let p = GammaGammaParams::new(truth.p, truth.q, truth.gamma * (g * zi).exp()).unwrap();
        let gg = GammaGamma::from_params(p).unwrap();
        let f: Vec<f64> = (0..n / 2).map(|i| (1 + i % 5) as f64).collect();
        m.extend(gg.simulate(&f, 30 + group).unwrap());
        x.extend(f);
        z.extend(std::iter::repeat_n(zi, n / 2));
    }
    let cov = ProcessCovariates::default().with_spend(Covariates::new(&["vip"], &z).unwrap());
    let fm = fit_spend(&x, &m, &cov, &Default::default()).unwrap();
    assert_eq!(&fm.names()[3..], &["spend_vip"]);
    let se = fm.standard_errors().unwrap();
    assert!((fm.coefficients()[0] - g).abs() < 4.0 * se[3], "{:?} ± {:?}", fm.params(), se);
    assert!(fm.likelihood_ratio_test().p_value < 1e-6);
    // Spend covariates on a transaction model are an error naming them.
    let e = fit(ModelKind::ParetoNbd, &x, &x, &x, &cov, &Default::default()).unwrap_err();
    assert_eq!(e.field(), Some("spend_covariates"));
}

#[test]
fn large_fits_reach_the_optimum() {
    // Above 50,000 customers the driver warm-starts on a subsample and finishes with Newton
    // iterations on the exact Hessian: the estimate is a stationary point of the full
    // likelihood (gradient in (ln base, γ) per customer ≤ 1e-6).
    for (kind, base) in [(ModelKind::ParetoNbd, PNBD), (ModelKind::BgNbd, BG)] {
        let c = cohort(kind, &base, 0.5, -0.4, 60_000, 9);
        let cov = both(&c);
        let m = fit(kind, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
        assert!(m.diagnostics().iterations < 20, "{:?}", m.diagnostics());
        let (_, g) = m.log_likelihood_and_gradient(m.params(), &c.x, &c.tx, &c.t, &cov).unwrap();
        let w = c.x.len() as f64;
        for (j, gj) in g.iter().enumerate() {
            let gu = if j < 4 { gj * m.params()[j] } else { *gj };
            assert!((gu / w).abs() < 1e-6, "{kind:?} param {j}: {}", gu / w);
        }
        let se = m.standard_errors().unwrap();
        assert!((m.coefficients()[0] - 0.5).abs() < 4.0 * se[4]);
    }
}

#[test]
fn json_round_trip_keeps_names_and_predictions() {
    let c = cohort(ModelKind::BgNbd, &BG, 0.4, 0.4, 3000, 10);
    let mut cov = both(&c);
    let o = CovariateOptions::default().with_shared(&["vip"]).with_l2(0.001);
    let m = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &o).unwrap();
    assert_eq!(&m.names()[4..], &["shared_vip", "trans_noise"]);
    let text = m.to_json().unwrap();
    let back = CovariateModel::from_json(&text).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.likelihood_ratio_test(), m.likelihood_ratio_test());
    // Columns are matched by name: reordering the transaction matrix changes nothing.
    let pa = m.probability_alive(&c.x, &c.tx, &c.t, &cov).unwrap();
    let noise: Vec<f64> = (0..c.z.len()).map(|i| ((i * 7919) % 13) as f64 / 13.0).collect();
    let swapped = vec![Column::numeric("noise", &noise), Column::numeric("vip", &c.z)];
    cov.transaction = Some(Covariates::from_columns(swapped).unwrap());
    assert_eq!(back.probability_alive(&c.x, &c.tx, &c.t, &cov).unwrap(), pa);
    // A document naming an unknown parameter, or without one, is an error naming it.
    let bad = text.replace("\"trans_noise\"", "\"trans_nois\"");
    let e = CovariateModel::from_json(&bad).unwrap_err();
    assert!(e.to_string().contains("params.trans_nois"), "{e}");
    let bad = text.replace("\"model\": \"bg_nbd\"", "\"model\": \"sbg\"");
    assert!(CovariateModel::from_json(&bad).is_err());
}

#[test]
fn intervals_and_counts_per_customer() {
    let c = cohort(ModelKind::BgNbd, &BG, 0.5, -0.4, 4000, 11);
    let cov = both(&c);
    let m = fit(ModelKind::BgNbd, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
    let pa = m.probability_alive(&c.x, &c.tx, &c.t, &cov).unwrap();
    let iv = m.probability_alive_interval(&c.x, &c.tx, &c.t, &cov, 0.9).unwrap();
    let ep = m.conditional_expected_purchases(20.0, &c.x, &c.tx, &c.t, &cov).unwrap();
    let ie = m.conditional_expected_purchases_interval(20.0, &c.x, &c.tx, &c.t, &cov, 0.9).unwrap();
    assert_eq!(iv.estimate, pa);
    assert_eq!(ie.estimate, ep);
    for i in 0..c.x.len() {
        assert!(iv.lower[i] <= pa[i] && pa[i] <= iv.upper[i] && iv.upper[i] <= 1.0);
        assert!(0.0 < ie.lower[i] && ie.lower[i] < ep[i] && ep[i] < ie.upper[i]);
    }
    // The interval widens with the level.
    let wide =
        m.conditional_expected_purchases_interval(20.0, &c.x, &c.tx, &c.t, &cov, 0.99).unwrap();
    assert!(wide.upper[1] > ie.upper[1] && wide.lower[1] < ie.lower[1]);
    // P(X(t) = n) of a new customer with each row's covariates: the plain model's at the row's
    // parameters, summing to 1 over n.
    let params = m.customer_params(c.x.len(), &cov).unwrap();
    let mut total = vec![0.0; c.x.len()];
    for n in 0..150 {
        let p = m.probability_of_n_purchases(30.0, n, c.x.len(), &cov).unwrap();
        for i in (0..c.x.len()).step_by(997) {
            let plain = AnyModel::from_params(ModelKind::BgNbd, &params[i]).unwrap();
            let want = plain.as_model().probability_of_n_purchases_at(30.0, n);
            assert!((p[i] - want).abs() <= 1e-15);
        }
        total.iter_mut().zip(&p).for_each(|(t, v)| *t += v);
    }
    assert!(total.iter().all(|t| (t - 1.0).abs() < 1e-6), "{:?}", &total[..3]);
    let e = m.probability_alive_interval(&c.x, &c.tx, &c.t, &cov, 1.5).unwrap_err();
    assert_eq!(e.field(), Some("level"));
}
