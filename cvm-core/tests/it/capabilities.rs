//! Customer lifetime value asks a model what it can do through trait methods, never by its
//! name: a user's own model named like one of the crate's gets none of that model's shortcuts.

use cvm_core::clv::{expected_discounted_purchases, ClvOptions};
use cvm_core::models::{Covariance, ModelInfo, ParetoNbd, ParetoNbdParams, TransactionModel};
use cvm_core::TimeUnit;

/// A user's model with a linear expectation `E(t) = t (r+x)/(α+T)` and nobody dropping out (the
/// NBD), whatever it is called; `s` and `β` are carried but unused.
struct Linear {
    name: &'static str,
    discrete: bool,
    params: Vec<f64>,
}

impl ModelInfo for Linear {
    fn model_name(&self) -> &'static str {
        self.name
    }
    fn param_names(&self) -> &'static [&'static str] {
        &["r", "alpha", "s", "beta"]
    }
    fn params(&self) -> Vec<f64> {
        self.params.clone()
    }
    fn time_unit(&self) -> Option<TimeUnit> {
        Some(TimeUnit::Week)
    }
    fn covariance(&self) -> Option<&Covariance> {
        None
    }
}

impl TransactionModel for Linear {
    fn discrete_time(&self) -> bool {
        self.discrete
    }
    fn conditional_expected_purchases_with(
        &self, p: &[f64], t: f64, x: f64, _t_x: f64, t_cal: f64,
    ) -> f64 {
        t * (p[0] + x) / (p[1] + t_cal)
    }
    fn probability_alive_with(&self, _p: &[f64], _x: f64, _t_x: f64, _t_cal: f64) -> f64 {
        1.0
    }
    fn expected_purchases_new_customer_at(&self, t: f64) -> f64 {
        self.params[0] * t / self.params[1]
    }
    fn log_likelihood_at(&self, _x: f64, _t_x: f64, _t_cal: f64) -> f64 {
        0.0
    }
    fn probability_of_n_purchases_at(&self, _t: f64, _n: u64) -> f64 {
        f64::NAN
    }
}

const PARAMS: [f64; 4] = [0.553, 10.578, 0.606, 11.669];
const RATE: f64 = 0.01; // per week

fn weekly(horizon: f64) -> ClvOptions {
    ClvOptions::default()
        .with_horizon(horizon)
        .with_time_unit(TimeUnit::Week)
        .with_data_time_unit(TimeUnit::Week)
        .with_discount_rate(RATE)
}

#[test]
fn a_model_named_pareto_nbd_is_integrated_not_given_the_pareto_closed_form() {
    let (x, t_x, t) = ([4.0, 0.0, 1.0], [36.0, 0.0, 2.0], [38.0, 38.0, 38.0]);
    let user = Linear { name: "pareto_nbd", discrete: false, params: PARAMS.to_vec() };
    let d = expected_discounted_purchases(&user, &x, &t_x, &t, &weekly(52.0)).unwrap();
    let pareto =
        ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap())
            .unwrap();
    let dp = expected_discounted_purchases(&pareto, &x, &t_x, &t, &weekly(52.0)).unwrap();
    let delta = RATE.ln_1p();
    for i in 0..3 {
        // ∫₀^H e^{−δt} dE(t) with E linear: (r+x)/(α+T) (1 − e^{−δH})/δ.
        let want = (PARAMS[0] + x[i]) / (PARAMS[1] + t[i]) * -(-delta * 52.0).exp_m1() / delta;
        assert!((d[i] / want - 1.0).abs() < 1e-12, "customer {i}: {} vs {want}", d[i]);
        // The Pareto/NBD's own value at the same parameters is far away (2.98 against 3.80
        // for the first customer): taking its closed form would be a silent wrong answer.
        assert!((d[i] / dp[i] - 1.0).abs() > 0.2, "customer {i}: {} vs {}", d[i], dp[i]);
    }
    assert!((d[0] - 3.8049).abs() < 1e-4 && (dp[0] - 2.9811).abs() < 1e-4, "{} {}", d[0], dp[0]);
}

#[test]
fn a_model_named_bg_bb_is_continuous_unless_it_says_discrete() {
    // Continuous ages that the BG/BB would reject (recency 30.43 is not a whole opportunity).
    let (x, t_x, t) = ([2.0], [30.43], [38.86]);
    let user = Linear { name: "bg_bb", discrete: false, params: PARAMS.to_vec() };
    let d = expected_discounted_purchases(&user, &x, &t_x, &t, &weekly(10.5)).unwrap();
    let delta = RATE.ln_1p();
    let rate = (PARAMS[0] + 2.0) / (PARAMS[1] + 38.86);
    let want = rate * -(-delta * 10.5).exp_m1() / delta;
    assert!((d[0] / want - 1.0).abs() < 1e-12, "{} vs {want}", d[0]);

    // Declared discrete (whatever its name): purchases are summed over the 10 whole
    // opportunities in the horizon, each worth `rate`, discounted by (1+d)^{−k}.
    let discrete = Linear { name: "nbd", discrete: true, params: PARAMS.to_vec() };
    let (x, t_x, t) = ([2.0], [30.0], [38.0]);
    let d = expected_discounted_purchases(&discrete, &x, &t_x, &t, &weekly(10.5)).unwrap();
    let rate = (PARAMS[0] + 2.0) / (PARAMS[1] + 38.0);
    let want: f64 = (1..=10).map(|k| rate * (1.0 + RATE).powi(-k)).sum();
    assert!((d[0] / want - 1.0).abs() < 1e-12, "{} vs {want}", d[0]);
}

/// A user's spend model: every customer spends their own mean (no shrinkage), with a covariance
/// of its one parameter, a margin multiplier `k`.
struct OwnMean {
    cov: Covariance,
}

impl ModelInfo for OwnMean {
    fn model_name(&self) -> &'static str {
        "own_mean"
    }
    fn param_names(&self) -> &'static [&'static str] {
        &["k"]
    }
    fn params(&self) -> Vec<f64> {
        vec![1.0]
    }
    fn covariance(&self) -> Option<&Covariance> {
        Some(&self.cov)
    }
    fn time_unit(&self) -> Option<TimeUnit> {
        None
    }
}

impl cvm_core::models::SpendModel for OwnMean {
    fn conditional_expected_average_spend_with(&self, p: &[f64], _x: f64, z: f64) -> f64 {
        p[0] * z
    }
}

#[test]
fn clv_takes_a_users_spend_model() {
    use cvm_core::clv::customer_lifetime_value;
    let user = Linear { name: "nbd", discrete: false, params: PARAMS.to_vec() };
    let spend =
        OwnMean { cov: Covariance::from_log_covariance(vec![1.0], vec![vec![0.01]]).unwrap() };
    let (x, t_x, t, z) = ([2.0, 1.0], [30.0, 10.0], [38.0, 38.0], [20.0, 35.0]);
    let o = weekly(52.0).with_margin(0.5);
    let v = customer_lifetime_value(&user, &spend, &x, &t_x, &t, &z, &o).unwrap();
    let d = expected_discounted_purchases(&user, &x, &t_x, &t, &o).unwrap();
    for i in 0..2 {
        assert_eq!(v.expected_spend[i], z[i]);
        assert!((v.value[i] - 0.5 * z[i] * d[i]).abs() <= 1e-12 * v.value[i]);
    }
    // Asking for intervals: the user's model has no covariance, so the error names it.
    let e = customer_lifetime_value(
        &user,
        &spend,
        &x,
        &t_x,
        &t,
        &z,
        &o.clone().with_interval_level(0.9),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("covariance"), "{e}");
    // The spend interval comes from the trait: k has log-sd 0.1, so exp(±1.645 · 0.1).
    use cvm_core::models::SpendModel;
    let band = spend.conditional_expected_average_spend_interval(&x, &z, 0.9).unwrap();
    let (lo, hi) = (band.lower, band.upper);
    let f = (1.6448536269514722f64 * 0.1).exp();
    assert!((lo[0] - 20.0 / f).abs() < 1e-6 && (hi[0] - 20.0 * f).abs() < 1e-6, "{lo:?} {hi:?}");
    // Bad spend columns are named.
    let e = spend.conditional_expected_average_spend(&[1.0], &[-3.0]).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(0)));
}
