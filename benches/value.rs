//! Value models at scale: cash-flow CLV of 1M customers over 10 periods, and the whale curve of
//! 1M profits. Throughput is reported in customers per second; the target is ≤ 0.1 s each.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cvm_core::value::{whale_curve, CashflowClv, Horizon, Scalar, Series, WhaleOptions};

const CUSTOMERS: usize = 1_000_000;
const PERIODS: usize = 10;

/// Tiny xorshift64* generator: reproducible data without a dependency.
struct XorShift(u64);

impl XorShift {
    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, 1)`.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct Data {
    revenue: Vec<f64>,
    retention: Vec<f64>,
    acquisition: Vec<f64>,
    profit: Vec<f64>,
}

fn data() -> Data {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let revenue = (0..CUSTOMERS * PERIODS).map(|_| 50.0 + 950.0 * rng.uniform()).collect();
    let retention = (0..CUSTOMERS).map(|_| 0.5 + 0.45 * rng.uniform()).collect();
    let acquisition = (0..CUSTOMERS).map(|_| 100.0 * rng.uniform()).collect();
    // Mostly small profits, a few whales, a loss-making tail.
    let profit = (0..CUSTOMERS)
        .map(|_| {
            let u = rng.uniform();
            -150.0 + 300.0 * rng.uniform() + if u > 0.98 { 5_000.0 * rng.uniform() } else { 0.0 }
        })
        .collect();
    Data { revenue, retention, acquisition, profit }
}

fn bench_value(c: &mut Criterion) {
    let d = data();
    let mut group = c.benchmark_group("value");
    group.throughput(Throughput::Elements(CUSTOMERS as u64));
    group.sample_size(10);

    let clv = CashflowClv {
        cost: Series::Constant(40.0),
        margin: Series::Constant(0.3),
        retention: Series::PerCustomer(&d.retention),
        acquisition_cost: Scalar::PerCustomer(&d.acquisition),
        ..CashflowClv::new(
            Series::Matrix { values: &d.revenue, n_periods: PERIODS },
            0.1,
            Horizon::Periods(PERIODS),
        )
    };
    group.bench_function("cashflow_clv_1M_x10", |b| {
        b.iter(|| black_box(clv.compute().expect("valid inputs")))
    });

    let options = WhaleOptions::default();
    group.bench_function("whale_curve_1M", |b| {
        b.iter(|| black_box(whale_curve(black_box(&d.profit), &options).expect("valid inputs")))
    });
    group.finish();
}

criterion_group!(benches, bench_value);
criterion_main!(benches);
