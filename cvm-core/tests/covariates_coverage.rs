//! Coverage study of the covariate fits (`cvm_core::models::covariates`): over 20 seeds of
//! 20,000 customers simulated from known coefficients — a binary covariate on the purchase
//! process and a continuous (standard normal) one on the dropout process — the 95% confidence
//! intervals of every base parameter and coefficient cover the truth at the nominal rate, and
//! the mean estimate is unbiased within its Monte-Carlo error.
//!
//! Each customer is simulated by the plain model's simulator at that customer's parameters
//! (the links of `covariates::links`).
//!
//! Acceptance: with `n` independent intervals of coverage 0.95, the number that cover is
//! Binomial(n, 0.95); the test accepts the central 99.9% region of that distribution (at most
//! 0.05% in each tail), per model over the 20 seeds × 6 parameters (n = 120) and per parameter
//! over the 20 seeds (n = 20). The mean over the seeds of each estimate (the logarithm of a base
//! parameter, the scale its interval is built on; the coefficient itself) is within 3.883
//! Monte-Carlo standard errors of the truth (the seeds' standard deviation / √20; 3.883 is the
//! two-sided 99.9% quantile of Student's t with 19 degrees of freedom).

use cvm_core::models::covariates::{fit, Covariates, ProcessCovariates};
use cvm_core::models::simulate::{self, Rng};
use cvm_core::models::{
    BgBb, BgBbParams, BgNbdParams, MbgNbdParams, ModelKind, ParetoNbdParams, SimulationOptions,
};

const SEEDS: u64 = 20;
const CUSTOMERS: usize = 20_000;
/// The coefficients of the binary purchase covariate and the continuous dropout covariate.
const G_TRANS: f64 = 0.5;
const G_LIFE: f64 = -0.3;
/// Share of customers with the binary covariate at 1.
const SHARE: f64 = 0.4;

/// The customers `(x, t_x, T)` and covariates `(z_trans, z_life)` of one simulated cohort.
struct Cohort {
    x: Vec<f64>,
    tx: Vec<f64>,
    t: Vec<f64>,
    z_trans: Vec<f64>,
    z_life: Vec<f64>,
}

/// One cohort of `kind` at base parameters `base` (20,000 customers, seed `seed`): customer `i`
/// draws its covariates, then its history from the plain simulator at its own parameters
/// (`α_i = α e^{−γ_t z_t}`, `β_i = β e^{−γ_l z_l}` for the Pareto/NBD; `a_i, b_i = a, b e^{γ_l z_l}`
/// for the BG/NBD and MBG/NBD; `α_i = α e^{γ_t z_t}`, `γ_i = γ e^{γ_l z_l}` for the BG/BB over
/// 8 opportunities).
fn cohort(kind: ModelKind, base: &[f64], seed: u64) -> Cohort {
    let mut c = Cohort { x: vec![], tx: vec![], t: vec![], z_trans: vec![], z_life: vec![] };
    for i in 0..CUSTOMERS {
        let mut rng = Rng::stream(1_000 * kind as u64 + seed, i as u64);
        let zt = f64::from(u8::from(rng.uniform() < SHARE));
        let zl = rng.normal();
        let (ft, fl) = ((G_TRANS * zt).exp(), (G_LIFE * zl).exp());
        let own = rng.next_u64();
        let o = SimulationOptions::default().with_n_customers(1).with_seed(own);
        let s = match kind {
            ModelKind::ParetoNbd => {
                let p = ParetoNbdParams::new(base[0], base[1] / ft, base[2], base[3] / fl).unwrap();
                simulate::pareto_nbd(&p, &o).unwrap()
            }
            ModelKind::BgNbd => {
                let p =
                    BgNbdParams::new(base[0], base[1] / ft, base[2] * fl, base[3] * fl).unwrap();
                simulate::bg_nbd(&p, &o).unwrap()
            }
            ModelKind::MbgNbd => {
                let p =
                    MbgNbdParams::new(base[0], base[1] / ft, base[2] * fl, base[3] * fl).unwrap();
                simulate::mbg_nbd(&p, &o).unwrap()
            }
            _ => {
                let p = BgBbParams::new(base[0] * ft, base[1], base[2] * fl, base[3]).unwrap();
                let (x, tx) = BgBb::from_params(p).unwrap().simulate(1, 8, own).unwrap();
                c.x.push(x[0]);
                c.tx.push(tx[0]);
                c.t.push(8.0);
                c.z_trans.push(zt);
                c.z_life.push(zl);
                continue;
            }
        };
        c.x.push(s.frequency[0]);
        c.tx.push(s.recency[0]);
        c.t.push(s.t[0]);
        c.z_trans.push(zt);
        c.z_life.push(zl);
    }
    c
}

/// The central region of Binomial(n, p) with at most `tail` probability in each tail:
/// `(lo, hi)` such that `P(X < lo) ≤ tail` and `P(X > hi) ≤ tail`.
fn binomial_region(n: u64, p: f64, tail: f64) -> (u64, u64) {
    let ln_choose =
        |k: u64| -> f64 { (1..=k).map(|j| ((n - k + j) as f64 / j as f64).ln()).sum::<f64>() };
    let pmf: Vec<f64> = (0..=n)
        .map(|k| (ln_choose(k) + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp())
        .collect();
    let (mut lo, mut below) = (0, 0.0);
    while below + pmf[lo as usize] <= tail {
        below += pmf[lo as usize];
        lo += 1;
    }
    let (mut hi, mut above) = (n, 0.0);
    while above + pmf[hi as usize] <= tail {
        above += pmf[hi as usize];
        hi -= 1;
    }
    (lo, hi)
}

#[test]
fn binomial_region_is_the_central_region() {
    // Binomial(20, 0.95): P(X ≤ 14) = 0.00030, P(X ≤ 15) = 0.0026; the upper tail is empty.
    assert_eq!(binomial_region(20, 0.95, 0.0005), (15, 20));
    // Binomial(120, 0.95): mean 114, sd 2.39.
    let (lo, hi) = binomial_region(120, 0.95, 0.0005);
    assert!((104..=107).contains(&lo) && hi == 120, "{lo} {hi}");
}

/// Two-sided 99.9% quantile of Student's t with `SEEDS − 1 = 19` degrees of freedom.
const T_19_999: f64 = 3.883;

/// The coverage study of `kind` at base parameters `base`: per parameter, the number of seeds
/// whose 95% interval covers the truth, and the mean of the estimates over the seeds with its
/// Monte-Carlo standard error; asserted as stated in the module documentation.
fn study(kind: ModelKind, base: [f64; 4]) {
    let mut names: Vec<String> = kind.param_names().iter().map(|n| n.to_string()).collect();
    names.extend(["trans_vip".to_string(), "life_score".to_string()]);
    let truth: Vec<f64> = base.iter().map(|p| p.ln()).chain([G_TRANS, G_LIFE]).collect();
    let k = truth.len();
    let mut covered = vec![0u64; k];
    let mut est: Vec<Vec<f64>> = vec![vec![]; k];
    for seed in 0..SEEDS {
        let c = cohort(kind, &base, seed);
        let cov = ProcessCovariates::default()
            .with_transaction(Covariates::new(&["vip"], &c.z_trans).unwrap())
            .with_lifetime(Covariates::new(&["score"], &c.z_life).unwrap());
        let m = fit(kind, &c.x, &c.tx, &c.t, &cov, &Default::default()).unwrap();
        assert_eq!(m.names(), &names[..]);
        let ci = m.confidence_intervals(0.95).unwrap();
        for j in 0..k {
            // Base parameters on the log scale (their intervals are `p·e^{±z·sd(ln p)}`).
            let (lo, hi, v) = match j < 4 {
                true => (ci[j].0.ln(), ci[j].1.ln(), m.params()[j].ln()),
                false => (ci[j].0, ci[j].1, m.params()[j]),
            };
            covered[j] += u64::from(lo <= truth[j] && truth[j] <= hi);
            est[j].push(v);
        }
    }
    let n = SEEDS as f64;
    let mean: Vec<f64> = est.iter().map(|e| e.iter().sum::<f64>() / n).collect();
    let mc_se: Vec<f64> = (0..k)
        .map(|j| {
            let ss: f64 = est[j].iter().map(|v| (v - mean[j]) * (v - mean[j])).sum();
            (ss / (n - 1.0) / n).sqrt()
        })
        .collect();
    let report: String = (0..k)
        .map(|j| {
            format!(
                "{kind:?} {}: covered {}/{SEEDS}, mean {:.4}, truth {:.4}, mc se {:.4}\n",
                names[j], covered[j], mean[j], truth[j], mc_se[j]
            )
        })
        .collect();
    eprint!("{report}");
    let total: u64 = covered.iter().sum();
    let (lo, hi) = binomial_region(SEEDS * k as u64, 0.95, 0.0005);
    assert!((lo..=hi).contains(&total), "{kind:?}: {total} of {} cover\n{report}", SEEDS * 6);
    let (lo1, hi1) = binomial_region(SEEDS, 0.95, 0.0005);
    for j in 0..k {
        assert!((lo1..=hi1).contains(&covered[j]), "{kind:?} {} coverage\n{report}", names[j]);
        let bias = (mean[j] - truth[j]).abs();
        assert!(bias < T_19_999 * mc_se[j], "{kind:?} {} bias\n{report}", names[j]);
    }
}

#[test]
fn pareto_nbd_intervals_cover_the_truth() {
    study(ModelKind::ParetoNbd, [0.6, 10.0, 0.8, 12.0]);
}

#[test]
fn bg_nbd_intervals_cover_the_truth() {
    study(ModelKind::BgNbd, [0.3, 5.0, 0.7, 2.5]);
}

#[test]
fn mbg_nbd_intervals_cover_the_truth() {
    study(ModelKind::MbgNbd, [0.3, 5.0, 0.7, 2.5]);
}

#[test]
fn bg_bb_intervals_cover_the_truth() {
    study(ModelKind::BgBb, [1.2, 0.75, 0.66, 2.8]);
}
