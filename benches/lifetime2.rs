//! Spend model and probabilistic CLV at scale: the Gamma-Gamma fit on 1M repeat buyers and the
//! 12-month CLV of 1M customers (BG/NBD × Gamma-Gamma), both discounting methods.
//!
//! Targets (2 cores): Gamma-Gamma fit ≤ 0.2 s, CLV ≤ 0.3 s. Throughput is in customers per second.
//!
//! The CLV is timed on a simulated cohort twice: with ages recorded at daily resolution (what a
//! summary built from dated transactions looks like; identical histories are computed once) and
//! with exact continuous ages (every history distinct: the worst case).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cvm_core::clv::{customer_lifetime_value, ClvMethod, ClvOptions};
use cvm_core::models::{
    simulate, BgNbd, BgNbdParams, FitOptions, GammaGamma, GammaGammaParams, SimulationOptions,
};

const N: usize = 1_000_000;

/// CLV options for data in weeks (the unit is always explicit).
fn week_options() -> ClvOptions {
    ClvOptions::default().with_data_time_unit(cvm_core::TimeUnit::Week)
}

/// Rounds ages to whole days (in weeks), keeping recency within (0, T] for repeat buyers.
fn daily(recency: &[f64], t: &[f64], frequency: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let day = |v: f64| (v * 7.0).round() / 7.0;
    let t: Vec<f64> = t.iter().map(|&v| day(v).max(1.0 / 7.0)).collect();
    let r: Vec<f64> = (0..t.len())
        .map(|i| if frequency[i] > 0.0 { day(recency[i]).clamp(1.0 / 7.0, t[i]) } else { 0.0 })
        .collect();
    (r, t)
}

fn bench_lifetime2(c: &mut Criterion) {
    let gg_truth = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0).unwrap()).unwrap();

    // 1M repeat buyers with 1–13 repeat purchases (the data of the `timing_one_million` test).
    let x: Vec<f64> = (0..N).map(|i| 1.0 + (i % 13) as f64).collect();
    let z = gg_truth.simulate(&x, 3).unwrap();

    // 1M customers of a simulated BG/NBD cohort, spend from the true Gamma-Gamma model.
    let bg_params = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let opts = SimulationOptions::default()
        .with_n_customers(N)
        .with_calibration_end(39.0)
        .with_birth_window(12.0)
        .with_seed(2024);
    let cohort = simulate::bg_nbd(&bg_params, &opts).unwrap();
    let f = &cohort.frequency;
    let spend = gg_truth.simulate(f, 11).unwrap();
    let (r_day, t_day) = daily(&cohort.recency, &cohort.t, f);
    let bg = BgNbd::from_params(bg_params).unwrap();

    let mut g = c.benchmark_group("lifetime2_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("gamma_gamma_fit", |b| {
        b.iter(|| GammaGamma::fit(black_box(&x), black_box(&z), None, &FitOptions::default()))
    });
    let continuous = week_options();
    let steps = week_options().with_method(ClvMethod::LifetimesSteps { step: 4.345, steps: 12 });
    let cases = [
        ("clv_12m_continuous_daily", &continuous, &r_day, &t_day),
        ("clv_12m_lifetimes_steps_daily", &steps, &r_day, &t_day),
        ("clv_12m_continuous_exact_times", &continuous, &cohort.recency, &cohort.t),
        ("clv_12m_lifetimes_steps_exact_times", &steps, &cohort.recency, &cohort.t),
    ];
    for (name, o, r, t) in cases {
        g.bench_function(name, |b| {
            b.iter(|| {
                let v = customer_lifetime_value(&bg, &gg_truth, black_box(f), r, t, &spend, o);
                black_box(v.unwrap())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_lifetime2);
criterion_main!(benches);
