//! CLV per customer with covariates (`cvm_core::clv::covariates`): each customer valued at their
//! own parameters, equal to the plain CLV at those parameters.

use cvm_core::clv::covariates::{customer_lifetime_value, SpendSide, TransactionSide};
use cvm_core::clv::{self, ClvOptions};
use cvm_core::models::covariates::{fit, fit_spend, Covariates, ProcessCovariates};
use cvm_core::models::{
    simulate, GammaGamma, GammaGammaParams, ModelKind, ParetoNbd, ParetoNbdParams,
    SimulationOptions, SummaryData,
};
use cvm_core::TimeUnit;

/// Pareto/NBD customers in two groups (`vip` 0/1), the VIPs buying more often (`γ_trans = 0.6`)
/// and spending more (`γ_spend = 0.4`); `(x, t_x, T, spend, vip)`.
type Columns = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>);

fn cohort(n: usize) -> Columns {
    let (mut x, mut tx, mut t, mut m, mut z) = (vec![], vec![], vec![], vec![], vec![]);
    for g in 0..2u64 {
        let zi = g as f64;
        let p = ParetoNbdParams::new(0.6, 10.0 * (-0.6 * zi).exp(), 0.8, 12.0).unwrap();
        let o = SimulationOptions::default().with_n_customers(n / 2).with_seed(70 + g);
        let s = simulate::pareto_nbd(&p, &o).unwrap();
        let gg = GammaGamma::from_params(
            GammaGammaParams::new(6.0, 4.0, 15.0 * (0.4 * zi).exp()).unwrap(),
        )
        .unwrap();
        let buyers: Vec<f64> = s.frequency.iter().map(|f| f.max(1.0)).collect();
        let spend = gg.simulate(&buyers, 80 + g).unwrap();
        m.extend(s.frequency.iter().zip(spend).map(|(f, v)| if *f > 0.0 { v } else { 0.0 }));
        x.extend(s.frequency);
        tx.extend(s.recency);
        t.extend(s.t);
        z.extend(std::iter::repeat_n(zi, n / 2));
    }
    (x, tx, t, m, z)
}

fn options() -> ClvOptions {
    ClvOptions::default()
        .with_horizon(52.0)
        .with_time_unit(TimeUnit::Week)
        .with_data_time_unit(TimeUnit::Week)
        .with_discount_rate(0.01)
        .with_margin(0.3)
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1e-300)
}

#[test]
fn each_customer_is_valued_at_their_own_parameters() {
    let (x, tx, t, m, z) = cohort(6000);
    let zc = Covariates::new(&["vip"], &z).unwrap();
    let trans = ProcessCovariates::default().with_transaction(zc.clone());
    let tm = fit(ModelKind::ParetoNbd, &x, &tx, &t, &trans, &Default::default()).unwrap();
    // One set of covariates for the CLV: each model takes its processes' columns.
    let cov = trans.with_spend(zc);
    let rep: Vec<usize> = (0..x.len()).filter(|&i| x[i] > 0.0).collect();
    let pick = |v: &[f64]| -> Vec<f64> { rep.iter().map(|&i| v[i]).collect() };
    let spend_cov =
        ProcessCovariates::default().with_spend(Covariates::new(&["vip"], &pick(&z)).unwrap());
    let sm = fit_spend(&pick(&x), &pick(&m), &spend_cov, &Default::default()).unwrap();
    assert!((sm.coefficients()[0] - 0.4).abs() < 0.15, "{:?}", sm.params());
    let o = options().with_interval_level(0.9);
    let v = customer_lifetime_value(
        TransactionSide::Covariates(&tm),
        SpendSide::Covariates(&sm),
        &x,
        &tx,
        &t,
        &m,
        &cov,
        &o,
    )
    .unwrap();
    // The plain CLV at a customer's parameters, for a VIP and a regular customer, with and
    // without purchases.
    let tp = tm.customer_params(x.len(), &cov).unwrap();
    let sp = sm.customer_params(x.len(), &cov).unwrap();
    let picks =
        [z.iter().position(|&v| v == 0.0).unwrap(), z.iter().position(|&v| v == 1.0).unwrap()];
    let with_purchase = |g: f64| (0..x.len()).find(|&i| z[i] == g && x[i] > 2.0).unwrap();
    for i in picks.into_iter().chain([with_purchase(0.0), with_purchase(1.0)]) {
        let pm = ParetoNbd::from_params(
            ParetoNbdParams::new(tp[i][0], tp[i][1], tp[i][2], tp[i][3]).unwrap(),
        )
        .unwrap();
        let gm =
            GammaGamma::from_params(GammaGammaParams::new(sp[i][0], sp[i][1], sp[i][2]).unwrap())
                .unwrap();
        let plain = clv::customer_lifetime_value(
            &pm,
            &gm,
            &x[i..=i],
            &tx[i..=i],
            &t[i..=i],
            &m[i..=i],
            &options(),
        )
        .unwrap();
        assert!(
            close(v.value[i], plain.value[0], 1e-12),
            "{i}: {} vs {}",
            v.value[i],
            plain.value[0]
        );
        assert!(close(v.expected_spend[i], plain.expected_spend[0], 1e-14));
        let (lo, hi) = (v.lower.as_ref().unwrap()[i], v.upper.as_ref().unwrap()[i]);
        assert!(lo < v.value[i] && v.value[i] < hi, "{lo} {} {hi}", v.value[i]);
    }
    // The spend model's own per-customer expected spend is the CLV's, with an interval.
    let e = sm.conditional_expected_average_spend(&x, &m, &cov).unwrap();
    assert_eq!(e, v.expected_spend);
    let band = sm.conditional_expected_average_spend_interval(&x, &m, &cov, 0.9).unwrap();
    assert_eq!(band.estimate, e);
    assert!((0..x.len()).all(|i| band.lower[i] < e[i] && e[i] < band.upper[i]));
    let err = tm.conditional_expected_average_spend(&x, &m, &cov).unwrap_err();
    assert_eq!(err.field(), Some("model"));
    // VIPs are worth more on average.
    let mean = |g: f64| {
        let s: Vec<f64> = (0..x.len()).filter(|&i| z[i] == g).map(|i| v.value[i]).collect();
        s.iter().sum::<f64>() / s.len() as f64
    };
    assert!(mean(1.0) > 1.8 * mean(0.0), "{} vs {}", mean(1.0), mean(0.0));
}

#[test]
fn plain_sides_give_the_plain_clv() {
    let (x, tx, t, m, _) = cohort(4000);
    let data = SummaryData::new(&x, &tx, &t, None).unwrap();
    let pm = ParetoNbd::fit(&data, &Default::default()).unwrap();
    let rep: Vec<usize> = (0..x.len()).filter(|&i| x[i] > 0.0).collect();
    let pick = |v: &[f64]| -> Vec<f64> { rep.iter().map(|&i| v[i]).collect() };
    let gm = GammaGamma::fit(&pick(&x), &pick(&m), None, &Default::default()).unwrap();
    let o = options().with_interval_level(0.9);
    let none = ProcessCovariates::default();
    let v = customer_lifetime_value(
        TransactionSide::Plain(&pm),
        SpendSide::Plain(&gm),
        &x,
        &tx,
        &t,
        &m,
        &none,
        &o,
    )
    .unwrap();
    let p = clv::customer_lifetime_value(&pm, &gm, &x, &tx, &t, &m, &o).unwrap();
    for i in 0..x.len() {
        // The plain path interpolates in the customer's age (checked to 1e-12) and differences
        // per distinct history: values to 1e-10, bounds to 1e-5.
        assert!(close(v.value[i], p.value[i], 1e-10), "{i}");
        assert!(close(v.lower.as_ref().unwrap()[i], p.lower.as_ref().unwrap()[i], 1e-5), "{i}");
        assert!(close(v.upper.as_ref().unwrap()[i], p.upper.as_ref().unwrap()[i], 1e-5), "{i}");
    }
}

#[test]
fn errors_name_the_side_and_the_covariates() {
    let (x, tx, t, m, z) = cohort(2000);
    let cov = ProcessCovariates::default().with_transaction(Covariates::new(&["vip"], &z).unwrap());
    let tm = fit(ModelKind::ParetoNbd, &x, &tx, &t, &cov, &Default::default()).unwrap();
    let gg = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0).unwrap()).unwrap();
    let o = options();
    let tside = TransactionSide::Covariates(&tm);
    let err = |s: SpendSide<'_>, spend: &[f64], cov: &ProcessCovariates, o: &ClvOptions| {
        customer_lifetime_value(tside, s, &x, &tx, &t, spend, cov, o).unwrap_err()
    };
    // A transaction covariate model as the spend side.
    let e = err(SpendSide::Covariates(&tm), &m, &cov, &o);
    assert_eq!(e.field(), Some("spend"));
    // Covariates missing at prediction.
    let e = err(SpendSide::Plain(&gg), &m, &ProcessCovariates::default(), &o);
    assert_eq!(e.field(), Some("trans_covariates"));
    // Intervals without a covariance (a model from parameters).
    let e = err(SpendSide::Plain(&gg), &m, &cov, &o.clone().with_interval_level(0.9));
    assert!(e.to_string().contains("spend"), "{e}");
    // A negative spend names its column and row.
    let mut bad = m.clone();
    bad[5] = -1.0;
    let e = err(SpendSide::Plain(&gg), &bad, &cov, &o);
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(5)));
}
