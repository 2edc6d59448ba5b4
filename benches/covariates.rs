//! Covariate fits at scale: the Pareto/NBD, the BG/NBD and the BG/BB with 5 covariates per
//! process, and the Gamma-Gamma with 5 spend covariates, on 1M customers (issue targets on this
//! machine: the Pareto/NBD under 10 s, the BG/NBD under 3 s).
//!
//! The cohort: 4 groups from two binary covariates with true effects on each process
//! (simulated per group by the plain simulator at the group's parameters), plus three
//! uniform noise columns per process (true coefficient 0). Covariates defeat row compression,
//! so every customer is a row of every pass. The BG/BB has 10 opportunities; the Gamma-Gamma's
//! customers have 0–6 repeat purchases.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cvm_core::models::covariates::{fit, fit_spend, Covariates, ProcessCovariates};
use cvm_core::models::{
    simulate, BgBb, BgBbParams, BgNbdParams, GammaGamma, GammaGammaParams, ModelKind,
    ParetoNbdParams, Rng, SimulatedCohort, SimulationOptions,
};

const N: usize = 1_000_000;
const G_TRANS: [f64; 2] = [0.5, -0.3];
const G_LIFE: [f64; 2] = [-0.4, 0.2];

/// Simulates `N` customers of `kind` in 4 groups and returns `(x, t_x, T, covariates)`
/// (`(x, z̄, 0, spend covariates)` for the Gamma-Gamma).
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
            ModelKind::BgBb => {
                // α_i = α e^{γ_trans z}, γ_i = γ e^{γ_life z}.
                let p = BgBbParams::new(1.2 * et.exp(), 0.75, 0.66 * el.exp(), 2.8).unwrap();
                let (xs, txs) =
                    BgBb::from_params(p).unwrap().simulate(N / 4, 10, 2024 + g).unwrap();
                x.extend(xs);
                tx.extend(txs);
                t.extend(std::iter::repeat_n(10.0, N / 4));
                z.extend(std::iter::repeat_n(zg, N / 4));
                continue;
            }
            ModelKind::GammaGamma => {
                // Repeat purchases 0–6; spend scale γ_i = γ e^{−γ_spend z} (`et`).
                let f: Vec<f64> = (0..N / 4).map(|i| ((i * 7 + g as usize) % 7) as f64).collect();
                let p = GammaGammaParams::new(6.0, 4.0, 15.0 * (-et).exp()).unwrap();
                let m = GammaGamma::from_params(p).unwrap().simulate(&f, 2024 + g).unwrap();
                x.extend(f);
                tx.extend(m);
                t.extend(std::iter::repeat_n(0.0, N / 4));
                z.extend(std::iter::repeat_n(zg, N / 4));
                continue;
            }
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
    let cov = match kind {
        ModelKind::GammaGamma => ProcessCovariates::default().with_spend(matrix(&z)),
        _ => ProcessCovariates::default().with_transaction(matrix(&z)).with_lifetime(matrix(&z)),
    };
    (x, tx, t, cov)
}

fn bench_covariates(c: &mut Criterion) {
    let mut g = c.benchmark_group("covariates_1m");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    for (name, kind) in [
        ("pareto_nbd_fit_5x2", ModelKind::ParetoNbd),
        ("bg_nbd_fit_5x2", ModelKind::BgNbd),
        ("bg_bb_fit_5x2", ModelKind::BgBb),
        ("gamma_gamma_fit_5", ModelKind::GammaGamma),
    ] {
        let (x, tx, t, cov) = cohort(kind);
        g.bench_function(name, |b| match kind {
            ModelKind::GammaGamma => {
                b.iter(|| fit_spend(black_box(&x), &tx, &cov, &Default::default()).unwrap())
            }
            _ => b.iter(|| fit(kind, black_box(&x), &tx, &t, &cov, &Default::default()).unwrap()),
        });
    }
    g.finish();
}

criterion_group!(benches, bench_covariates);
criterion_main!(benches);
