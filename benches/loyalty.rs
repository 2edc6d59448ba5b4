//! Loyalty benchmarks: one million customers placed on the ladder (target ≤ 0.1 s), scored for
//! churn risk, given a loyalty level, and migrated between two snapshots (ids sorted and not).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use cvm_core::churn::{churn_risk_from_model, ChurnRiskOptions};
use cvm_core::loyalty::{
    loyalty_levels, loyalty_stages, stage_migration, LadderInput, LadderOptions, LevelInput,
    LevelOptions, MigrationPolicy,
};
use cvm_core::models::{BgNbd, BgNbdParams};

const N: usize = 1_000_000;

/// SplitMix64: a small seeded generator, so every run sees the same customers.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> f64 {
        (self.next_u64() % n) as f64
    }
}

/// A customer book: 10 % never bought, the rest with a summary in weeks and signals.
struct Book {
    purchased: Vec<bool>,
    frequency: Vec<f64>,
    recency: Vec<f64>,
    t: Vec<f64>,
    interest: Vec<f64>,
    referrals: Vec<f64>,
    reviews: Vec<f64>,
    p_alive: Vec<f64>,
}

fn book(seed: u64) -> Book {
    let mut rng = SplitMix(seed);
    let mut b = Book {
        purchased: Vec::with_capacity(N),
        frequency: Vec::with_capacity(N),
        recency: Vec::with_capacity(N),
        t: Vec::with_capacity(N),
        interest: Vec::with_capacity(N),
        referrals: Vec::with_capacity(N),
        reviews: Vec::with_capacity(N),
        p_alive: Vec::with_capacity(N),
    };
    for _ in 0..N {
        let bought = rng.uniform() >= 0.1;
        let t = 1.0 + 77.0 * rng.uniform();
        let f = if bought { rng.below(12) } else { 0.0 };
        let r = if f > 0.0 { t * (0.05 + 0.95 * rng.uniform()) } else { 0.0 };
        b.purchased.push(bought);
        b.frequency.push(f);
        b.recency.push(r);
        b.t.push(t);
        b.interest.push(rng.below(3));
        b.referrals.push(if rng.uniform() < 0.05 { 1.0 + rng.below(3) } else { 0.0 });
        b.reviews.push(if rng.uniform() < 0.03 { 1.0 } else { 0.0 });
        b.p_alive.push(rng.uniform());
    }
    b
}

fn ladder_input(b: &Book) -> LadderInput<'_> {
    LadderInput {
        purchased: Some(&b.purchased),
        interest: Some(&b.interest),
        referrals: Some(&b.referrals),
        reviews: Some(&b.reviews),
        p_alive: Some(&b.p_alive),
        ..LadderInput::new(&b.frequency, &b.recency, &b.t)
    }
}

fn bench(c: &mut Criterion) {
    let b = book(20_240_101);
    let opts = LadderOptions::default().with_lapse_window(Some(26.0));
    let mut group = c.benchmark_group("loyalty_1M");
    group.sample_size(20);

    group.bench_function("loyalty_stages", |bench| {
        bench.iter(|| loyalty_stages(black_box(&ladder_input(&b)), black_box(&opts)).unwrap())
    });

    let buyers: Vec<usize> = (0..N).filter(|&i| b.purchased[i]).collect();
    let pick = |col: &[f64]| -> Vec<f64> { buyers.iter().map(|&i| col[i]).collect() };
    let (f, r, t) = (pick(&b.frequency), pick(&b.recency), pick(&b.t));
    let bg =
        BgNbd::from_params(BgNbdParams { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }).unwrap();
    group.bench_function("churn_risk_bg_nbd", |bench| {
        bench.iter(|| {
            churn_risk_from_model(
                &bg,
                &f,
                &r,
                &t,
                black_box(39.0),
                None,
                &ChurnRiskOptions::default(),
            )
            .unwrap()
        })
    });

    let satisfaction: Vec<f64> = b.interest.iter().map(|x| 2.0 + x).collect();
    let intent: Vec<f64> = b.p_alive.iter().map(|p| 1.0 + 4.0 * p).collect();
    let levels = LevelInput {
        belief_better: Some(&b.reviews),
        satisfaction: Some(&satisfaction),
        repurchase_intent: Some(&intent),
        repeat_despite_obstacles: Some(&b.referrals),
    };
    group.bench_function("loyalty_levels", |bench| {
        bench.iter(|| loyalty_levels(black_box(&levels), &LevelOptions::default()).unwrap())
    });

    let before = loyalty_stages(&ladder_input(&b), &opts).unwrap();
    let b2 = book(20_250_101);
    let after = loyalty_stages(&ladder_input(&b2), &opts).unwrap();
    // Ids ascending in both snapshots (as `summarize` returns them): the linear merge join.
    let ids: Vec<i64> = (0..N as i64).map(|i| 7 * i + 3).collect();
    group.bench_function("stage_migration_sorted", |bench| {
        bench.iter(|| {
            stage_migration(
                black_box(&ids),
                before.stages(),
                &ids,
                after.stages(),
                MigrationPolicy::Strict,
            )
            .unwrap()
        })
    });
    // The second snapshot in another order: the hash join.
    let ids_after: Vec<i64> = ids.iter().rev().copied().collect();
    group.bench_function("stage_migration_unsorted", |bench| {
        bench.iter(|| {
            stage_migration(
                black_box(&ids),
                before.stages(),
                &ids_after,
                after.stages(),
                MigrationPolicy::Strict,
            )
            .unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
