//! A lifetime model defined outside the crate, plugged into cvm's shared machinery.
//!
//! The NBD model (Ehrenberg 1959): while a customer is observed, purchases arrive as a Poisson
//! process at a rate `λ ~ Gamma(r, α)` that varies across customers; nobody drops out. This
//! file is all it takes:
//!
//! 1. the per-customer log-likelihood ([`RowLikelihood`]), fitted by the crate's one driver
//!    [`fit_ml`] (warm start, BFGS, covariance by the delta method, diagnostics);
//! 2. the prediction kernels ([`TransactionModel`]); the vectorised predictions, the validation
//!    of the customer columns, the delta-method intervals and the parallel map come from the
//!    trait's provided methods;
//! 3. customer lifetime value with the crate's Gamma-Gamma spend model
//!    ([`customer_lifetime_value`]), which integrates the model's own expectation.
//!
//! It fits the model on data simulated from known parameters (asserting recovery within three
//! standard errors) and on CDNOW, and checks the library's CLV integral against the NBD's closed
//! form. Run with `cargo run --release -p cvm-core --example custom_model`.

use cvm_core::clv::{customer_lifetime_value, expected_discounted_purchases, ClvOptions};
use cvm_core::models::{
    fit_ml, Covariance, FitOptions, GammaGamma, ModelInfo, PerRow, Rng, RowLikelihood, SummaryData,
    TransactionModel,
};
use cvm_core::special::{digamma, ln_gamma};
use cvm_core::TimeUnit;

/// The NBD's likelihood, one customer at a time.
struct NbdLikelihood;

impl RowLikelihood for NbdLikelihood {
    const MODEL: &'static str = "nbd";
    const NAMES: &'static [&'static str] = &["r", "alpha"];

    /// `ln Γ(r+x) − ln Γ(r) + r ln α − (r+x) ln(α+T)`: the Poisson likelihood `λ^x e^{−λT}` of
    /// `x` purchases in `(0, T]` (their timing carries no information) averaged over the gamma
    /// rate; `t_x` is not used.
    fn row(&self, p: &[f64], x: f64, _t_x: f64, t_cal: f64, grad: Option<&mut [f64]>) -> f64 {
        let (r, a) = (p[0], p[1]);
        if let Some(g) = grad {
            g[0] = digamma(r + x) - digamma(r) + a.ln() - (a + t_cal).ln();
            g[1] = r / a - (r + x) / (a + t_cal);
        }
        ln_gamma(r + x) - ln_gamma(r) + r * a.ln() - (r + x) * (a + t_cal).ln()
    }
}

/// A fitted NBD model: what the fit returned, kept as the user sees fit.
struct Nbd {
    params: Vec<f64>,
    covariance: Option<Covariance>,
}

impl Nbd {
    fn fit(data: &SummaryData) -> cvm_core::Result<Nbd> {
        let fit = fit_ml(&PerRow(NbdLikelihood), data, &FitOptions::default())?;
        assert!(fit.diagnostics.converged, "the NBD fit converges");
        Ok(Nbd { params: fit.params, covariance: fit.covariance })
    }
}

impl ModelInfo for Nbd {
    fn model_name(&self) -> &'static str {
        "nbd"
    }

    fn param_names(&self) -> &'static [&'static str] {
        NbdLikelihood::NAMES
    }

    fn params(&self) -> Vec<f64> {
        self.params.clone()
    }

    fn time_unit(&self) -> Option<TimeUnit> {
        Some(TimeUnit::Week)
    }

    fn covariance(&self) -> Option<&Covariance> {
        self.covariance.as_ref()
    }
}

impl TransactionModel for Nbd {
    /// `E[Y(t) | x, T] = t (r+x)/(α+T)`: the posterior mean rate times the span.
    fn conditional_expected_purchases_with(
        &self, p: &[f64], horizon: f64, x: f64, _t_x: f64, t_cal: f64,
    ) -> f64 {
        horizon * (p[0] + x) / (p[1] + t_cal)
    }

    /// Nobody drops out.
    fn probability_alive_with(&self, _p: &[f64], _x: f64, _t_x: f64, _t_cal: f64) -> f64 {
        1.0
    }

    /// `E[X(t)] = r t / α`.
    fn expected_purchases_new_customer_at(&self, horizon: f64) -> f64 {
        self.params[0] * horizon / self.params[1]
    }

    fn log_likelihood_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
        NbdLikelihood.row(&self.params, x, t_x, t_cal, None)
    }

    /// The negative binomial: `Γ(r+n)/(Γ(r) n!) (α/(α+t))^r (t/(α+t))^n`.
    fn probability_of_n_purchases_at(&self, horizon: f64, n: u64) -> f64 {
        let (r, a, n) = (self.params[0], self.params[1], n as f64);
        let ln_t = if n == 0.0 { 0.0 } else { n * (horizon / (a + horizon)).ln() };
        (ln_gamma(r + n) - ln_gamma(r) - ln_gamma(n + 1.0) + r * (a / (a + horizon)).ln() + ln_t)
            .exp()
    }
}

/// `n` customers observed for 20 to 40 weeks, purchasing at gamma rates `Gamma(r, α)`.
fn simulate(r: f64, alpha: f64, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(seed);
    let (mut x, mut t_x, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        let age = 20.0 + 20.0 * rng.uniform();
        let rate = rng.gamma(r, alpha);
        let k = rng.poisson(rate * age) as f64;
        // The last of k uniform purchase times on (0, T].
        let last = if k > 0.0 { age * rng.uniform().powf(1.0 / k) } else { 0.0 };
        x.push(k);
        t_x.push(last);
        t.push(age);
    }
    (x, t_x, t)
}

/// The CDNOW summary with spend shipped in `data/` (`ID,x,t_x,T,zbar`, weeks).
fn cdnow() -> [Vec<f64>; 4] {
    let text = include_str!("../../data/cdnow_customers_summary_with_transactions.csv");
    let mut cols: [Vec<f64>; 4] = Default::default();
    for line in text.lines().skip(1) {
        let fields: Vec<f64> = line.trim().split(',').map(|v| v.parse().unwrap()).collect();
        for (c, v) in cols.iter_mut().zip(&fields[1..]) {
            c.push(*v);
        }
    }
    cols
}

fn main() -> cvm_core::Result<()> {
    // 1. Recovery of known parameters, within three standard errors of the fit's covariance.
    let (r0, alpha0) = (0.55, 10.0);
    let (x, t_x, t) = simulate(r0, alpha0, 20_000, 7);
    let sim = Nbd::fit(&SummaryData::new(&x, &t_x, &t, None)?)?;
    let se = sim.covariance().expect("a fit has a covariance").standard_errors();
    for (j, truth) in [r0, alpha0].into_iter().enumerate() {
        let z = (sim.params[j] - truth) / se[j];
        println!(
            "simulated: {} = {:.4} ± {:.4} (truth {truth}, z = {z:+.2})",
            NbdLikelihood::NAMES[j],
            sim.params[j],
            se[j]
        );
        assert!(z.abs() < 3.0, "{} not recovered: z = {z}", NbdLikelihood::NAMES[j]);
    }

    // 2. CDNOW: fit, then predict with the trait's provided vectorised and interval methods.
    let [x, t_x, t, zbar] = cdnow();
    let nbd = Nbd::fit(&SummaryData::new(&x, &t_x, &t, None)?)?;
    let (r, alpha) = (nbd.params[0], nbd.params[1]);
    println!("CDNOW NBD: r = {r:.4}, alpha = {alpha:.4}");
    let ll: f64 = nbd.log_likelihood_individual(&x, &t_x, &t)?.iter().sum();
    println!("CDNOW NBD log-likelihood: {ll:.2}");
    // The BG/NBD, whose customers may drop out, fits CDNOW better (FHL 2005: LL = −9582.4);
    // the NBD, nested as its limit without drop-out, cannot beat it.
    assert!(ll < -9582.4 && ll > -10_500.0, "NBD LL {ll}");

    let band = nbd.conditional_expected_purchases_interval(39.0, &x, &t_x, &t, 0.9)?;
    let expected = &band.estimate;
    assert_eq!(expected, &nbd.conditional_expected_purchases(39.0, &x, &t_x, &t)?);
    for i in [0, 1, 2] {
        println!(
            "customer {}: x = {}, T = {}: {:.3} purchases in 39 weeks (90%: {:.3} … {:.3})",
            i + 1,
            x[i],
            t[i],
            expected[i],
            band.lower[i],
            band.upper[i]
        );
        assert!(band.lower[i] < expected[i] && expected[i] < band.upper[i]);
        let closed = 39.0 * (r + x[i]) / (alpha + t[i]);
        assert!((expected[i] - closed).abs() <= 1e-12 * closed);
    }
    // A bad input is named, as for the crate's own models.
    let e = nbd.conditional_expected_purchases(39.0, &[1.0], &[50.0], &[38.0]).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("recency"), Some(0)));

    // 3. CLV with Gamma-Gamma. The library integrates the NBD's E(t) by quadrature; with
    //    continuous discounting at δ per week, D = (r+x)/(α+T) (1 − e^{−δH})/δ exactly.
    let gg = GammaGamma::fit(&x, &zbar, None, &FitOptions::default())?;
    let options = ClvOptions::default()
        .with_horizon(52.0)
        .with_time_unit(TimeUnit::Week)
        .with_discount_rate(0.002)
        .with_interval_level(0.9);
    let d = expected_discounted_purchases(&nbd, &x, &t_x, &t, &options)?;
    let delta = 0.002f64.ln_1p();
    for i in 0..x.len() {
        let closed = (r + x[i]) / (alpha + t[i]) * -(-delta * 52.0).exp_m1() / delta;
        assert!((d[i] / closed - 1.0).abs() < 1e-12, "customer {i}: {} vs {closed}", d[i]);
    }
    let clv = customer_lifetime_value(&nbd, &gg, &x, &t_x, &t, &zbar, &options)?;
    let (lo, hi) = (clv.lower.as_ref().unwrap(), clv.upper.as_ref().unwrap());
    let total: f64 = clv.value.iter().sum();
    println!("CDNOW 52-week CLV under the NBD: total ${total:.0}; customer 1 ${:.2} (90%: {:.2} … {:.2})", clv.value[0], lo[0], hi[0]);
    for i in 0..x.len() {
        assert!(lo[i] < clv.value[i] && clv.value[i] < hi[i]);
        assert!((clv.value[i] - clv.expected_spend[i] * d[i]).abs() <= 1e-9 * clv.value[i]);
    }
    println!("custom_model: all checks passed");
    Ok(())
}
