//! The machine's own ratios from one to two threads (`RAYON_NUM_THREADS=1` / `2`), the ceiling
//! the library's thread ratios are read against: a copy of 256 MB (bound by memory bandwidth), a
//! sum of the same (bound by one core's additions), a gather of 1M values from an 8 MB table,
//! and rayon's parallel sort of 1M values. No library code: see `docs/benchmarks.md`, fifteenth
//! round.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use rayon::prelude::*;

/// Elements a task reads or writes.
const TASK: usize = 1 << 16;

fn bench_machine(c: &mut Criterion) {
    let n = 32 << 20; // 256 MB of f64
    let a: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut b = vec![0.0f64; n];
    let m = 1 << 20;
    let table: Vec<f64> = (0..m).map(|i| i as f64).collect();
    let scatter = |i: u64| (i.wrapping_mul(2_654_435_761) % m as u64) as usize;
    let index: Vec<usize> = (0..m as u64).map(scatter).collect();
    let mut out = vec![0.0f64; m];
    let values: Vec<f64> = (0..m as u64).map(|i| (scatter(i) % 1_000_003) as f64).collect();

    let mut g = c.benchmark_group("machine");
    g.sample_size(15);
    g.bench_function("copy_256MB", |bench| {
        bench.iter(|| {
            b.par_chunks_mut(TASK).zip(a.par_chunks(TASK)).for_each(|(o, i)| o.copy_from_slice(i));
            black_box(&b);
        })
    });
    g.bench_function("sum_256MB", |bench| {
        bench.iter(|| black_box(a.par_chunks(TASK).map(|c| c.iter().sum::<f64>()).sum::<f64>()))
    });
    g.bench_function("gather_1M_from_8MB", |bench| {
        bench.iter(|| {
            out.par_chunks_mut(4096).zip(index.par_chunks(4096)).for_each(|(o, ix)| {
                o.iter_mut().zip(ix).for_each(|(o, &i)| *o = table[i]);
            });
            black_box(&out);
        })
    });
    g.bench_function("par_sort_1M_f64", |bench| {
        bench.iter(|| {
            let mut v = values.clone();
            v.par_sort_unstable_by(f64::total_cmp);
            black_box(v)
        })
    });
    g.finish();
}

criterion_group!(benches, bench_machine);
criterion_main!(benches);
