//! Special functions on the arguments the lifetime models actually pass them.
//!
//! `ln_hyp2f1` dominates the predictions of the BG/NBD family (one call per customer) and of the
//! Pareto/NBD (two per customer and per probability). The argument sets are taken from seeded
//! simulated cohorts (20,000 customers each), so the mix of methods inside `ln_hyp2f1` (Pfaff +
//! Maclaurin series, continued fraction, Euler transform) is the one of the 1M-customer model
//! benchmarks. Throughput is in evaluations per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cvm_core::models::{simulate, BgNbdParams, ParetoNbdParams, SimulationOptions};
use cvm_core::special::ln_hyp2f1;

const N: usize = 20_000;

fn options(seed: u64) -> SimulationOptions {
    SimulationOptions::default()
        .with_n_customers(N)
        .with_calibration_end(39.0)
        .with_birth_window(12.0)
        .with_seed(seed)
}

type Args = Vec<(f64, f64, f64, f64)>;

/// BG/NBD conditional expectation: `₂F₁(r+x, a−1; a+b+x−1; −t/(α+T))`, t = 39.
fn bg_nbd_args() -> Args {
    let p = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let sim = simulate::bg_nbd(&p, &options(2024)).unwrap();
    (0..N)
        .map(|i| {
            let x = sim.frequency[i];
            (p.r + x, p.a - 1.0, p.a + p.b + x - 1.0, -39.0 / (p.alpha + sim.t[i]))
        })
        .collect()
}

/// Pareto/NBD likelihood term `₂F₁(r+s+x, b'; r+s+x+1; |α−β|/(m+τ))` at τ = t_x and τ = T.
fn pareto_nbd_args(p: ParetoNbdParams, seed: u64) -> Args {
    let sim = simulate::pareto_nbd(&p, &options(seed)).unwrap();
    let rsx = |x: f64| p.r + p.s + x;
    let m = if p.alpha >= p.beta { p.alpha } else { p.beta };
    let mut out = Vec::with_capacity(2 * N);
    for i in 0..N {
        let x = sim.frequency[i];
        let b = if p.alpha >= p.beta { p.s + 1.0 } else { p.r + x };
        for tau in [sim.recency[i], sim.t[i]] {
            out.push((rsx(x), b, rsx(x) + 1.0, (p.alpha - p.beta).abs() / (m + tau)));
        }
    }
    out
}

/// Generic parameters in `[−10, 30]` and `z ∈ (−20, 0.95)` (a deterministic grid).
fn generic_args() -> Args {
    let mut out = Vec::new();
    let ps = [-7.5, -0.3, 0.4, 1.7, 6.2, 29.0];
    let zs = [-19.0, -3.0, -0.9, -0.2, 0.1, 0.45, 0.7, 0.95];
    for &a in &ps {
        for &b in &ps {
            for &c in &[0.6, 2.3, 11.5, 27.0] {
                for &z in &zs {
                    out.push((a, b, c, z));
                }
            }
        }
    }
    out
}

fn bench_special(c: &mut Criterion) {
    let sets: [(&str, Args); 4] = [
        ("bg_nbd_expectation", bg_nbd_args()),
        (
            "pareto_nbd_alpha_below_beta",
            pareto_nbd_args(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap(), 7),
        ),
        (
            "pareto_nbd_alpha_above_beta",
            pareto_nbd_args(ParetoNbdParams::new(0.553, 15.0, 0.606, 4.0).unwrap(), 8),
        ),
        ("generic", generic_args()),
    ];
    let mut g = c.benchmark_group("ln_hyp2f1");
    for (name, args) in &sets {
        g.throughput(Throughput::Elements(args.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                args.iter().map(|&(a, bb, cc, z)| ln_hyp2f1(a, bb, cc, z).0).fold(0.0, |s, v| s + v)
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_special);
criterion_main!(benches);
