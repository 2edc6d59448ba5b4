//! Benchmarks of the lifetime models on 1M simulated customers.
//!
//! Targets (2 cores): BG/NBD fit ≤ 0.5 s, Pareto/NBD fit ≤ 2 s, P(alive) + conditional expected
//! purchases for every customer ≤ 0.2 s (`*_p_alive_and_expected_purchases`, the combined call;
//! `*_separate_calls` is the same work by two calls, for comparison).
//!
//! Scoring runs on 1M customers with exact times (every history distinct: the BG/NBD expectation
//! given alive and the Pareto/NBD P(alive) are interpolated per frequency over ages) and on the daily summaries (histories
//! repeat: each distinct one is evaluated once). `RAYON_NUM_THREADS=1` against `2` gives the
//! speed-up from the second core.
//!
//! `fit_sizes/*` fits the first 10k, 50k and 200k customers (fit time about proportional to
//! the rows). Two versions of each cohort are fitted: exact continuous times (every row distinct, no
//! compression possible) and times recorded at daily resolution in weeks (what a summary built
//! from dated transactions looks like), which [`SummaryData`] compresses.

use criterion::{criterion_group, criterion_main, Criterion};
use cvm_core::models::{
    simulate, BgNbd, BgNbdParams, FitOptions, ParetoNbd, ParetoNbdParams, SimulatedCohort,
    SimulationOptions, SummaryData, TransactionModel,
};

const N: usize = 1_000_000;

fn options() -> SimulationOptions {
    SimulationOptions::default()
        .with_n_customers(N)
        .with_calibration_end(39.0)
        .with_birth_window(12.0)
        .with_seed(2024)
}

/// Rounds ages to whole days (in weeks), keeping recency within (0, T] for repeat buyers.
fn daily(c: &SimulatedCohort) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let day = |v: f64| (v * 7.0).round() / 7.0;
    let t: Vec<f64> = c.t.iter().map(|&v| day(v)).collect();
    let r: Vec<f64> = c
        .recency
        .iter()
        .zip(&c.frequency)
        .zip(&t)
        .map(
            |((&r, &f), &tt)| {
                if f > 0.0 {
                    day(r).clamp(1.0 / 7.0, tt.max(1.0 / 7.0))
                } else {
                    0.0
                }
            },
        )
        .collect();
    let t: Vec<f64> = t.iter().zip(&r).map(|(&tt, &rr)| tt.max(rr)).collect();
    (c.frequency.clone(), r, t)
}

/// The true parameters and the simulated 1M-customer cohorts: BG/NBD, then Pareto/NBD.
fn cohorts() -> (BgNbdParams, SimulatedCohort, ParetoNbdParams, SimulatedCohort) {
    let bg_truth = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let bg_sim = simulate::bg_nbd(&bg_truth, &options()).unwrap();
    let pn_truth = ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap();
    let pn_sim = simulate::pareto_nbd(&pn_truth, &options()).unwrap();
    (bg_truth, bg_sim, pn_truth, pn_sim)
}

fn bench_models(c: &mut Criterion) {
    let (bg_truth, bg_sim, pn_truth, pn_sim) = cohorts();

    let mut g = c.benchmark_group("models_1m");
    g.sample_size(10);

    let bg_exact = SummaryData::new(&bg_sim.frequency, &bg_sim.recency, &bg_sim.t, None).unwrap();
    g.bench_function("bg_nbd_fit_exact_times", |b| {
        b.iter(|| BgNbd::fit(&bg_exact, &FitOptions::default()).unwrap())
    });
    let (f, r, t) = daily(&bg_sim);
    let bg_daily = SummaryData::new(&f, &r, &t, None).unwrap();
    g.bench_function("bg_nbd_fit_daily_summary", |b| {
        b.iter(|| BgNbd::fit(&bg_daily, &FitOptions::default()).unwrap())
    });
    g.bench_function("bg_nbd_summary_and_fit_daily", |b| {
        b.iter(|| {
            let d = SummaryData::new(&f, &r, &t, None).unwrap();
            BgNbd::fit(&d, &FitOptions::default()).unwrap()
        })
    });

    let (pf, pr, pt) = daily(&pn_sim);
    let pn_daily = SummaryData::new(&pf, &pr, &pt, None).unwrap();
    g.bench_function("pareto_nbd_fit_daily_summary", |b| {
        b.iter(|| ParetoNbd::fit(&pn_daily, &FitOptions::default()).unwrap())
    });
    let pn_exact = SummaryData::new(&pn_sim.frequency, &pn_sim.recency, &pn_sim.t, None).unwrap();
    g.bench_function("pareto_nbd_fit_exact_times", |b| {
        b.iter(|| ParetoNbd::fit(&pn_exact, &FitOptions::default()).unwrap())
    });
    // What a binding's fit does: validation and the compression check included.
    let (bgf, bgr, bgt) = (&bg_sim.frequency, &bg_sim.recency, &bg_sim.t);
    g.bench_function("bg_nbd_summary_and_fit_exact_times", |b| {
        b.iter(|| {
            let d = SummaryData::new(bgf, bgr, bgt, None).unwrap();
            BgNbd::fit(&d, &FitOptions::default()).unwrap()
        })
    });

    // Scoring: P(alive) and the expected purchases in the next 39 weeks for every customer, by
    // the combined call (one validation, one pass) and, for comparison, by the two separate calls.
    let bg = BgNbd::from_params(bg_truth).unwrap();
    g.bench_function("bg_nbd_p_alive_and_expected_purchases", |b| {
        b.iter(|| bg.probability_alive_and_expected_purchases(39.0, bgf, bgr, bgt).unwrap())
    });
    g.bench_function("bg_nbd_p_alive_and_expected_purchases_separate_calls", |b| {
        b.iter(|| {
            let p = bg.probability_alive(bgf, bgr, bgt).unwrap();
            let e = bg.conditional_expected_purchases(39.0, bgf, bgr, bgt).unwrap();
            (p, e)
        })
    });
    let pn = ParetoNbd::from_params(pn_truth).unwrap();
    let (pnf, pnr, pnt) = (&pn_sim.frequency, &pn_sim.recency, &pn_sim.t);
    g.bench_function("pareto_nbd_p_alive_and_expected_purchases", |b| {
        b.iter(|| pn.probability_alive_and_expected_purchases(39.0, pnf, pnr, pnt).unwrap())
    });
    g.bench_function("pareto_nbd_p_alive_and_expected_purchases_separate_calls", |b| {
        b.iter(|| {
            let p = pn.probability_alive(pnf, pnr, pnt).unwrap();
            let e = pn.conditional_expected_purchases(39.0, pnf, pnr, pnt).unwrap();
            (p, e)
        })
    });
    // The same scoring on the daily summaries: the histories repeat, so the Pareto/NBD kernel
    // runs once per distinct (x, t_x, T) and the BG/NBD expectation once per distinct (x, T).
    g.bench_function("bg_nbd_p_alive_and_expected_purchases_daily", |b| {
        b.iter(|| bg.probability_alive_and_expected_purchases(39.0, &f, &r, &t).unwrap())
    });
    g.bench_function("pareto_nbd_p_alive_and_expected_purchases_daily", |b| {
        b.iter(|| pn.probability_alive_and_expected_purchases(39.0, &pf, &pr, &pt).unwrap())
    });
    g.finish();
}

/// The fits on the first 10k, 50k and 200k customers of the 1M cohorts (exact times): the
/// time should be about proportional to the rows.
fn bench_fit_sizes(c: &mut Criterion) {
    let (_, bg_sim, _, pn_sim) = cohorts();
    let mut g = c.benchmark_group("fit_sizes");
    g.sample_size(10);
    for n in [10_000, 50_000, 200_000] {
        let head = |c: &SimulatedCohort| {
            SummaryData::new(&c.frequency[..n], &c.recency[..n], &c.t[..n], None).unwrap()
        };
        let (bg, pn) = (head(&bg_sim), head(&pn_sim));
        g.bench_function(format!("bg_nbd_fit_exact_times_{}k", n / 1000), |b| {
            b.iter(|| BgNbd::fit(&bg, &FitOptions::default()).unwrap())
        });
        g.bench_function(format!("pareto_nbd_fit_exact_times_{}k", n / 1000), |b| {
            b.iter(|| ParetoNbd::fit(&pn, &FitOptions::default()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench_models, bench_fit_sizes);
criterion_main!(benches);
