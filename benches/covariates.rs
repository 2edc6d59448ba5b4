//! Covariate fits at scale: the Pareto/NBD and the BG/NBD with 5 covariates per process on 1M
//! customers (issue targets on this machine: under 10 s and under 3 s).
//!
//! The cohort: 4 groups from two binary covariates with true effects on both processes
//! (simulated per group by the plain simulator at the group's parameters), plus three
//! uniform noise columns per process (true coefficient 0). Covariates defeat row compression,
//! so every customer is a row of every pass.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cvm_core::models::covariates::{fit, Covariates, ProcessCovariates};
use cvm_core::models::{
    simulate, BgNbdParams, ModelKind, ParetoNbdParams, Rng, SimulatedCohort, SimulationOptions,
};

const N: usize = 1_000_000;
const G_TRANS: [f64; 2] = [0.5, -0.3];
const G_LIFE: [f64; 2] = [-0.4, 0.2];

/// Simulates `N` customers of `kind` in 4 groups and returns `(x, t_x, T, covariates)`.
fn cohort(kind: ModelKind) -> (Vec<f64>, Vec<f64>, Vec<f64>, ProcessCovariates) {
    let (mut x, mut tx, mut t, mut z) = (vec![], vec![], vec![], vec![]);
    for g in 0..4u64 {
        let zg = [(g & 1) as f64, (g >> 1) as f64];
        let et: f64 = G_TRANS[0] * zg[0] + G_TRANS[1] * zg[1];
        let el: f64 = G_LIFE[0] * zg[0] + G_LIFE[1] * zg[1];
        let o = SimulationOptions::default()
            .with_n_customers(N / 4)
            .with_calibration_end(39.0)
            .with_birth_window(12.0)
            .with_seed(2024 + g);
        let s: SimulatedCohort = match kind {
            ModelKind::ParetoNbd => {
                let p = ParetoNbdParams::new(0.55, 10.6 * (-et).exp(), 0.61, 11.7 * (-el).exp());
                simulate::pareto_nbd(&p.unwrap(), &o).unwrap()
            }
            _ => {
                let p = BgNbdParams::new(
                    0.243,
                    4.414 * (-et).exp(),
                    0.793 * el.exp(),
                    2.426 * el.exp(),
                );
                simulate::bg_nbd(&p.unwrap(), &o).unwrap()
            }
        };
        x.extend(s.frequency);
        tx.extend(s.recency);
        t.extend(s.t);
        z.extend(std::iter::repeat_n(zg, N / 4));
    }
    let mut rng = Rng::new(7);
    let names = ["z1", "z2", "u1", "u2", "u3"];
    let mut matrix = |z: &[[f64; 2]]| {
        let v: Vec<f64> = z
            .iter()
            .flat_map(|g| [g[0], g[1], rng.uniform(), rng.uniform(), rng.uniform()])
            .collect();
        Covariates::new(&names, &v).unwrap()
    };
    let cov = ProcessCovariates::default().with_transaction(matrix(&z)).with_lifetime(matrix(&z));
    (x, tx, t, cov)
}

fn bench_covariates(c: &mut Criterion) {
    let mut g = c.benchmark_group("covariates_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    for (name, kind) in
        [("pareto_nbd_fit_5x2", ModelKind::ParetoNbd), ("bg_nbd_fit_5x2", ModelKind::BgNbd)]
    {
        let (x, tx, t, cov) = cohort(kind);
        g.bench_function(name, |b| {
            b.iter(|| fit(kind, black_box(&x), &tx, &t, &cov, &Default::default()).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench_covariates);
criterion_main!(benches);
