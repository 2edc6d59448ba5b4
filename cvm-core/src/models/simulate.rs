//! Seeded simulation of customer cohorts from the lifetime models, for recovery tests,
//! benchmarks and what-if analysis.
//!
//! The generator is xoshiro256** (Blackman & Vigna 2018) seeded through SplitMix64; every
//! customer draws from its own stream (derived from the seed and the customer's index), so results
//! do not depend on threading and the first `n` customers of a larger simulation are the same.
//! Customers are simulated on the thread pool in chunks of 4,096.
//!
//! # Examples
//! ```
//! use cvm_core::models::{simulate, BgNbdParams, SimulationOptions};
//! let p = BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?;
//! let opts = SimulationOptions::default().with_n_customers(1000).with_seed(7);
//! let a = simulate::bg_nbd(&p, &opts)?;
//! let b = simulate::bg_nbd(&p, &opts)?;
//! assert_eq!(a, b);
//! assert_eq!(a.frequency.len(), 1000);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::builder::with_setters;
use crate::error::{check, Error, Result};
use crate::parallel::par_tasks;

use super::{AnyModel, BgNbdParams, MbgNbdParams, ParetoNbdParams};

/// A small, fast, deterministic pseudo-random generator (xoshiro256**).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A generator seeded from `seed` through SplitMix64.
    pub fn new(seed: u64) -> Self {
        let mut st = seed;
        let s =
            [splitmix64(&mut st), splitmix64(&mut st), splitmix64(&mut st), splitmix64(&mut st)];
        Rng { s }
    }

    /// An independent stream for item `index` of a simulation seeded with `seed`.
    pub fn stream(seed: u64, index: u64) -> Self {
        let mut st = seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03);
        Rng::new(splitmix64(&mut st))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform on the open interval (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Standard normal (Marsaglia's polar method).
    pub fn normal(&mut self) -> f64 {
        loop {
            let u = 2.0 * self.uniform() - 1.0;
            let v = 2.0 * self.uniform() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                return u * (-2.0 * s.ln() / s).sqrt();
            }
        }
    }

    /// Exponential with the given rate.
    pub fn exponential(&mut self, rate: f64) -> f64 {
        -self.uniform().ln() / rate
    }

    /// `ln` of a Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shapes below 1 by
    /// `G(k) = G(k+1) U^{1/k}`, kept in logs so tiny shapes do not underflow).
    pub fn ln_gamma_draw(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            return self.ln_gamma_draw(shape + 1.0) + self.uniform().ln() / shape;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.normal();
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.uniform();
            if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
                return (d * v).ln();
            }
        }
    }

    /// Gamma with `shape` and `rate` (mean shape/rate).
    pub fn gamma(&mut self, shape: f64, rate: f64) -> f64 {
        self.ln_gamma_draw(shape).exp() / rate
    }

    /// Beta(a, b), through the log-gamma draws (no underflow for tiny shapes).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let (x, y) = (self.ln_gamma_draw(a), self.ln_gamma_draw(b));
        1.0 / (1.0 + (y - x).exp())
    }

    /// Poisson with the given mean (multiplication method, in chunks of mean ≤ 30).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        let mut left = mean;
        let mut count = 0u64;
        while left > 0.0 {
            let m = left.min(30.0);
            left -= m;
            let limit = (-m).exp();
            let mut prod = self.uniform();
            while prod > limit {
                count += 1;
                prod *= self.uniform();
            }
        }
        count
    }

    /// Number of failures before the first success, success probability `p` in (0, 1].
    pub fn geometric(&mut self, p: f64) -> u64 {
        if p >= 1.0 {
            return 0;
        }
        (self.uniform().ln() / (-p).ln_1p()).floor() as u64
    }
}

/// How to simulate a cohort: the [`Default`] and the `with_*` setters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SimulationOptions {
    /// Number of customers (default 1,000).
    pub n_customers: usize,
    /// End of the calibration period on the calendar axis (default 39, CDNOW's weeks).
    pub calibration_end: f64,
    /// First purchases are uniform on `[0, birth_window]` (default 12); `T = calibration_end −
    /// birth`. Must not exceed `calibration_end`.
    pub birth_window: f64,
    /// Length of a holdout period after `calibration_end` whose purchases are counted in
    /// [`SimulatedCohort::holdout_frequency`] (default 0).
    pub holdout_length: f64,
    /// Seed (default 42).
    pub seed: u64,
    /// Also return the transaction log (default false).
    pub transactions: bool,
}

with_setters!(SimulationOptions {
    with_n_customers => n_customers: usize,
    with_calibration_end => calibration_end: f64,
    with_birth_window => birth_window: f64,
    with_holdout_length => holdout_length: f64,
    with_seed => seed: u64,
    with_transactions => transactions: bool,
});

impl Default for SimulationOptions {
    fn default() -> Self {
        SimulationOptions {
            n_customers: 1000,
            calibration_end: 39.0,
            birth_window: 12.0,
            holdout_length: 0.0,
            seed: 42,
            transactions: false,
        }
    }
}

impl SimulationOptions {
    fn validate(&self) -> Result<()> {
        check::non_empty("n_customers", self.n_customers)?;
        check::scalar_positive("calibration_end", self.calibration_end)?;
        check::scalar_non_negative("birth_window", self.birth_window)?;
        check::scalar_non_negative("holdout_length", self.holdout_length)?;
        if self.birth_window > self.calibration_end {
            return Err(Error::invalid("birth_window", "must not exceed calibration_end"));
        }
        Ok(())
    }
}

/// A simulated cohort: the calibration summary, holdout counts and (optionally) the log.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SimulatedCohort {
    /// Repeat purchases in the calibration period.
    pub frequency: Vec<f64>,
    /// Age at the last calibration purchase (0 without repeats).
    pub recency: Vec<f64>,
    /// Age at the end of calibration.
    pub t: Vec<f64>,
    /// Calendar time of each customer's first purchase.
    pub birth: Vec<f64>,
    /// Purchases in `(calibration_end, calibration_end + holdout_length]`.
    pub holdout_frequency: Vec<f64>,
    /// Customer index of each transaction (first purchases included), when requested.
    pub transaction_customer: Option<Vec<u64>>,
    /// Calendar time of each transaction, when requested.
    pub transaction_time: Option<Vec<f64>>,
}

/// The customers a task of [`simulate_cohort`] simulates.
const SIMULATE_CHUNK: usize = 4096;

/// A cohort of customers each simulated from a stream of its own (`draw` gives the purchase
/// ages after the first purchase, up to `horizon`), in chunks of [`SIMULATE_CHUNK`] customers
/// on the thread pool, joined in order: the same cohort whatever the threads.
fn simulate_cohort(
    options: &SimulationOptions, draw: impl Fn(&mut Rng, f64, &mut Vec<f64>) + Sync,
) -> Result<SimulatedCohort> {
    options.validate()?;
    let n = options.n_customers;
    let parts = par_tasks(n.div_ceil(SIMULATE_CHUNK), |c| {
        let customers = c * SIMULATE_CHUNK..n.min((c + 1) * SIMULATE_CHUNK);
        let mut out = SimulatedCohort::with_capacity(customers.len(), options.transactions);
        let mut ages = Vec::new();
        for i in customers {
            let mut rng = Rng::stream(options.seed, i as u64);
            let birth = options.birth_window * rng.uniform();
            let t_cal = (options.calibration_end - birth).max(0.0);
            ages.clear();
            draw(&mut rng, t_cal + options.holdout_length, &mut ages);
            let cal = ages.iter().take_while(|&&a| a <= t_cal).count();
            out.frequency.push(cal as f64);
            out.recency.push(if cal > 0 { ages[cal - 1] } else { 0.0 });
            out.t.push(t_cal);
            out.birth.push(birth);
            out.holdout_frequency.push((ages.len() - cal) as f64);
            if let (Some(c), Some(tt)) = (&mut out.transaction_customer, &mut out.transaction_time)
            {
                c.push(i as u64);
                tt.push(birth);
                for &a in ages.iter() {
                    c.push(i as u64);
                    tt.push(birth + a);
                }
            }
        }
        out
    });
    let mut out = SimulatedCohort::with_capacity(n, options.transactions);
    for part in parts {
        out.append(part);
    }
    Ok(out)
}

impl SimulatedCohort {
    /// An empty cohort with room for `n` customers (and the log's columns when `transactions`).
    fn with_capacity(n: usize, transactions: bool) -> Self {
        SimulatedCohort {
            frequency: Vec::with_capacity(n),
            recency: Vec::with_capacity(n),
            t: Vec::with_capacity(n),
            birth: Vec::with_capacity(n),
            holdout_frequency: Vec::with_capacity(n),
            transaction_customer: transactions.then(Vec::new),
            transaction_time: transactions.then(Vec::new),
        }
    }

    /// Appends the customers (and transactions) of `next`.
    fn append(&mut self, next: SimulatedCohort) {
        self.frequency.extend(next.frequency);
        self.recency.extend(next.recency);
        self.t.extend(next.t);
        self.birth.extend(next.birth);
        self.holdout_frequency.extend(next.holdout_frequency);
        if let (Some(c), Some(more)) = (&mut self.transaction_customer, next.transaction_customer) {
            c.extend(more);
        }
        if let (Some(t), Some(more)) = (&mut self.transaction_time, next.transaction_time) {
            t.extend(more);
        }
    }
}

/// Purchases at Poisson rate λ after age 0, each followed by a drop-out coin with probability p.
fn bg_purchases(rng: &mut Rng, lambda: f64, p: f64, horizon: f64, ages: &mut Vec<f64>) {
    let mut t = 0.0;
    loop {
        t += rng.exponential(lambda);
        if t > horizon {
            return;
        }
        ages.push(t);
        if rng.uniform() < p {
            return;
        }
    }
}

/// Simulates the BG/NBD model (FHL 2005): λ ~ Gamma(r, α), p ~ Beta(a, b).
///
/// # Errors
/// Invalid options ([`Error::InvalidValue`] naming the option) or parameters.
pub fn bg_nbd(params: &BgNbdParams, options: &SimulationOptions) -> Result<SimulatedCohort> {
    let p = BgNbdParams::new(params.r, params.alpha, params.a, params.b)?;
    simulate_cohort(options, |rng, horizon, ages| {
        let lambda = rng.gamma(p.r, p.alpha);
        let drop = rng.beta(p.a, p.b);
        bg_purchases(rng, lambda, drop, horizon, ages);
    })
}

/// Simulates the MBG/NBD model (Batislam et al. 2007): as the BG/NBD, plus a drop-out coin at
/// the first purchase.
///
/// # Errors
/// Invalid options or parameters.
pub fn mbg_nbd(params: &MbgNbdParams, options: &SimulationOptions) -> Result<SimulatedCohort> {
    let p = MbgNbdParams::new(params.r, params.alpha, params.a, params.b)?;
    simulate_cohort(options, |rng, horizon, ages| {
        let lambda = rng.gamma(p.r, p.alpha);
        let drop = rng.beta(p.a, p.b);
        if rng.uniform() < drop {
            return;
        }
        bg_purchases(rng, lambda, drop, horizon, ages);
    })
}

/// Simulates the Pareto/NBD model: λ ~ Gamma(r, α), μ ~ Gamma(s, β), lifetime ~ Exp(μ),
/// purchases at rate λ while alive.
///
/// # Errors
/// Invalid options or parameters.
pub fn pareto_nbd(
    params: &ParetoNbdParams, options: &SimulationOptions,
) -> Result<SimulatedCohort> {
    let p = ParetoNbdParams::new(params.r, params.alpha, params.s, params.beta)?;
    simulate_cohort(options, |rng, horizon, ages| {
        let lambda = rng.gamma(p.r, p.alpha);
        let mu = rng.gamma(p.s, p.beta);
        let end = rng.exponential(mu).min(horizon);
        let mut t = 0.0;
        loop {
            t += rng.exponential(lambda);
            if t > end {
                return;
            }
            ages.push(t);
        }
    })
}

impl AnyModel {
    /// Simulates a cohort from the model's parameters: [`bg_nbd`], [`mbg_nbd`] or
    /// [`pareto_nbd`] for the model it holds.
    ///
    /// # Errors
    /// Invalid options ([`Error::InvalidValue`] naming the option).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{AnyModel, ModelKind, SimulationOptions};
    /// let m = AnyModel::from_params(ModelKind::BgNbd, &[0.243, 4.414, 0.793, 2.426])?;
    /// let options = SimulationOptions::default().with_n_customers(500);
    /// let cohort = m.simulate(&options)?;
    /// assert_eq!(cohort.frequency.len(), 500);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn simulate(&self, options: &SimulationOptions) -> Result<SimulatedCohort> {
        match self {
            AnyModel::BgNbd(m) => bg_nbd(m.params(), options),
            AnyModel::MbgNbd(m) => mbg_nbd(m.params(), options),
            AnyModel::ParetoNbd(m) => pareto_nbd(m.params(), options),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ModelKind;

    /// Three chunks and a part: the same cohort (log included) on one thread and on four, and
    /// the first customers of a larger cohort are those of a smaller one.
    #[test]
    fn cohorts_do_not_depend_on_the_threads_or_their_size() {
        let opts = |n: usize| {
            SimulationOptions::default().with_n_customers(n).with_holdout_length(26.0).with_seed(3)
        };
        let models = [
            AnyModel::from_params(ModelKind::BgNbd, &[0.243, 4.414, 0.793, 2.426]).unwrap(),
            AnyModel::from_params(ModelKind::MbgNbd, &[0.5, 6.0, 1.2, 3.0]).unwrap(),
            AnyModel::from_params(ModelKind::ParetoNbd, &[0.55, 10.6, 0.61, 11.7]).unwrap(),
        ];
        for m in &models {
            let n = 3 * SIMULATE_CHUNK + 100;
            let mut big = m.simulate(&opts(n).with_transactions(true)).unwrap();
            #[cfg(feature = "parallel")]
            {
                let (one, four) = crate::parallel::on_one_and_four_threads(|| {
                    m.simulate(&opts(n).with_transactions(true)).unwrap()
                });
                assert_eq!(one, four);
                assert_eq!(one, big);
            }
            // The log: each customer's first purchase, then every later one, in order.
            let purchases: f64 = big.frequency.iter().chain(&big.holdout_frequency).sum();
            let log = big.transaction_customer.as_ref().unwrap();
            assert_eq!(log.len(), n + purchases as usize);
            assert!(log.windows(2).all(|w| w[0] <= w[1]) && log[log.len() - 1] == n as u64 - 1);
            let small = m.simulate(&opts(SIMULATE_CHUNK + 7)).unwrap();
            big.frequency.truncate(SIMULATE_CHUNK + 7);
            assert_eq!(small.frequency, big.frequency);
        }
    }

    #[test]
    fn any_model_simulates_with_its_own_simulator() {
        let o = SimulationOptions { n_customers: 300, holdout_length: 10.0, ..Default::default() };
        let cases = [
            (ModelKind::BgNbd, [0.243, 4.414, 0.793, 2.426]),
            (ModelKind::MbgNbd, [0.525, 6.183, 0.891, 1.614]),
            (ModelKind::ParetoNbd, [0.553, 10.58, 0.606, 11.67]),
        ];
        for (kind, p) in cases {
            let m = AnyModel::from_params(kind, &p).unwrap();
            let want = match kind {
                ModelKind::BgNbd => bg_nbd(&BgNbdParams::new(p[0], p[1], p[2], p[3]).unwrap(), &o),
                ModelKind::MbgNbd => {
                    mbg_nbd(&MbgNbdParams::new(p[0], p[1], p[2], p[3]).unwrap(), &o)
                }
                _ => pareto_nbd(&ParetoNbdParams::new(p[0], p[1], p[2], p[3]).unwrap(), &o),
            };
            assert_eq!(m.simulate(&o).unwrap(), want.unwrap(), "{kind:?}");
        }
        let bad = SimulationOptions { n_customers: 0, ..Default::default() };
        let m = AnyModel::from_params(ModelKind::BgNbd, &cases[0].1).unwrap();
        assert_eq!(m.simulate(&bad).unwrap_err().field(), Some("n_customers"));
    }

    fn moments(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        (m, xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0))
    }

    #[test]
    fn samplers_have_the_right_moments() {
        let mut rng = Rng::new(1);
        let n = 200_000;
        #[allow(clippy::type_complexity)] // a table-driven test spells its row type
        let cases: Vec<(&str, Box<dyn Fn(&mut Rng) -> f64>, f64, f64)> = vec![
            ("uniform", Box::new(|r| r.uniform()), 0.5, 1.0 / 12.0),
            ("normal", Box::new(|r| r.normal()), 0.0, 1.0),
            ("exp", Box::new(|r| r.exponential(2.0)), 0.5, 0.25),
            ("gamma 0.3", Box::new(|r| r.gamma(0.3, 2.0)), 0.15, 0.075),
            ("gamma 4", Box::new(|r| r.gamma(4.0, 0.5)), 8.0, 16.0),
            ("beta", Box::new(|r| r.beta(0.8, 2.4)), 0.25, 0.25 * 0.75 / 4.2),
            ("poisson 3", Box::new(|r| r.poisson(3.0) as f64), 3.0, 3.0),
            ("poisson 75", Box::new(|r| r.poisson(75.0) as f64), 75.0, 75.0),
            ("geometric", Box::new(|r| r.geometric(0.25) as f64), 3.0, 12.0),
        ];
        for (name, f, mean, var) in cases {
            let xs: Vec<f64> = (0..n).map(|_| f(&mut rng)).collect();
            let (m, v) = moments(&xs);
            // Five standard errors of the mean; 5% on the variance.
            assert!((m - mean).abs() < 5.0 * (var / n as f64).sqrt(), "{name}: mean {m}");
            assert!((v / var - 1.0).abs() < 0.05, "{name}: var {v}");
        }
    }

    #[test]
    fn streams_are_reproducible_and_prefix_stable() {
        let p = ParetoNbdParams::new(0.55, 10.6, 0.6, 11.7).unwrap();
        let small = SimulationOptions { n_customers: 50, transactions: true, ..Default::default() };
        let big = SimulationOptions { n_customers: 80, ..small.clone() };
        let a = pareto_nbd(&p, &small).unwrap();
        let b = pareto_nbd(&p, &big).unwrap();
        assert_eq!(a.frequency[..], b.frequency[..50]);
        assert_eq!(a.recency[..], b.recency[..50]);
        let log = a.transaction_customer.as_ref().unwrap();
        let total: f64 = a.frequency.iter().zip(&a.holdout_frequency).map(|(f, h)| f + h).sum();
        assert_eq!(log.len() as f64, 50.0 + total);
        for i in 0..50 {
            assert!(a.recency[i] <= a.t[i]);
            assert_eq!(a.frequency[i] > 0.0, a.recency[i] > 0.0);
        }
    }

    #[test]
    fn options_are_validated() {
        let p = BgNbdParams::new(1.0, 1.0, 1.0, 1.0).unwrap();
        let bad = SimulationOptions { birth_window: 50.0, ..Default::default() };
        assert_eq!(bg_nbd(&p, &bad).unwrap_err().field(), Some("birth_window"));
        let bad = SimulationOptions { n_customers: 0, ..Default::default() };
        assert!(bg_nbd(&p, &bad).is_err());
        let bad = BgNbdParams { r: -1.0, ..p };
        assert_eq!(bg_nbd(&bad, &SimulationOptions::default()).unwrap_err().field(), Some("r"));
    }
}
