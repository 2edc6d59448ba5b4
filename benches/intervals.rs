//! Delta-method intervals at scale: 1M customers with exact continuous ages (every history
//! distinct: no compression), fitted BG/NBD and Pareto/NBD and Gamma-Gamma models.
//!
//! Each figure with intervals (`*_level_90`) is read against its twin without: the target is
//! at most 3× (`docs/benchmarks.md`). The predictions are P(alive) and the expected purchases
//! in the next 39 weeks (the work of Python's `predict(..., level=0.9)`); the CLV is 12 months
//! at 1 % a month, continuous discounting.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use cvm_core::clv::{customer_lifetime_value, ClvOptions};
use cvm_core::models::{
    simulate, BgNbd, BgNbdParams, FitOptions, GammaGamma, GammaGammaParams, ParetoNbd,
    ParetoNbdParams, SimulationOptions, SummaryData, TransactionModel,
};
use cvm_core::TimeUnit;

const N: usize = 1_000_000;

fn bench_intervals(c: &mut Criterion) {
    let opts = SimulationOptions::default()
        .with_n_customers(N)
        .with_calibration_end(39.0)
        .with_birth_window(12.0)
        .with_seed(2024);
    let bg_sim =
        simulate::bg_nbd(&BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap(), &opts).unwrap();
    let pn_sim =
        simulate::pareto_nbd(&ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap(), &opts)
            .unwrap();
    let fit = FitOptions::default();
    let data = |s: &cvm_core::models::SimulatedCohort| {
        SummaryData::new(&s.frequency, &s.recency, &s.t, None).unwrap()
    };
    let bg = BgNbd::fit(&data(&bg_sim), &fit).unwrap();
    let pn = ParetoNbd::fit(&data(&pn_sim), &fit).unwrap();
    let gg_truth = GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0).unwrap()).unwrap();
    let spend = gg_truth.simulate(&bg_sim.frequency, 11).unwrap();
    let gg = GammaGamma::fit(&bg_sim.frequency, &spend, None, &fit).unwrap();

    let mut g = c.benchmark_group("intervals_1m");
    g.sample_size(10);
    let models: [(&str, &dyn TransactionModel, &simulate::SimulatedCohort); 2] =
        [("bg_nbd", &bg, &bg_sim), ("pareto_nbd", &pn, &pn_sim)];
    for (name, m, s) in models {
        let (f, r, t) = (&s.frequency, &s.recency, &s.t);
        g.bench_function(format!("{name}_predict_39w"), |b| {
            b.iter(|| m.probability_alive_and_expected_purchases(39.0, black_box(f), r, t).unwrap())
        });
        g.bench_function(format!("{name}_predict_39w_level_90"), |b| {
            // The intervals carry their estimates: what `predict(level=)` calls.
            b.iter(|| {
                let pa = m.probability_alive_interval(black_box(f), r, t, 0.9).unwrap();
                let e = m.conditional_expected_purchases_interval(39.0, f, r, t, 0.9).unwrap();
                (pa, e)
            })
        });
    }
    let clv = ClvOptions::default()
        .with_horizon(12.0)
        .with_time_unit(TimeUnit::Month)
        .with_data_time_unit(TimeUnit::Week)
        .with_discount_rate(0.01);
    let with_level = clv.clone().with_interval_level(0.9);
    let (f, r, t) = (&bg_sim.frequency, &bg_sim.recency, &bg_sim.t);
    g.bench_function("bg_nbd_clv_12m", |b| {
        b.iter(|| customer_lifetime_value(&bg, &gg, black_box(f), r, t, &spend, &clv).unwrap())
    });
    g.bench_function("bg_nbd_clv_12m_level_90", |b| {
        b.iter(|| {
            customer_lifetime_value(&bg, &gg, black_box(f), r, t, &spend, &with_level).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_intervals);
criterion_main!(benches);
