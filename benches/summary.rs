//! Customer summary throughput: 5M transactions of 1M customers (nanosecond timestamps, amounts),
//! plus compression and RFM of the resulting 1M-customer summary.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cvm_core::{
    compress, rfm_segments, summarize, SegmentTable, SummaryOptions, TimeUnit, TimestampUnit,
    TransactionLog,
};

/// SplitMix64: a small seeded generator for benchmark data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `rows` transactions of `customers` customers over two years (2022–2023), shuffled.
fn transactions(rows: usize, customers: u64, seed: u64) -> (Vec<i64>, Vec<i64>, Vec<f64>) {
    let mut rng = Rng(seed);
    let start_ns: i64 = 18_993 * 86_400_000_000_000; // 2022-01-01
    let span_ns: u64 = 730 * 86_400_000_000_000;
    let mut ids = Vec::with_capacity(rows);
    let mut ts = Vec::with_capacity(rows);
    let mut amount = Vec::with_capacity(rows);
    for _ in 0..rows {
        ids.push(rng.below(customers) as i64 * 7 + 1_000);
        ts.push(start_ns + rng.below(span_ns) as i64);
        amount.push((rng.below(20_000) as f64) / 100.0);
    }
    (ids, ts, amount)
}

fn bench_summary(c: &mut Criterion) {
    let (ids, ts, amount) = transactions(5_000_000, 1_000_000, 42);
    let mut g = c.benchmark_group("summary");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ids.len() as u64));
    let opts = SummaryOptions::new(TimestampUnit::Nanosecond).with_time_unit(Some(TimeUnit::Week));
    g.bench_function("summarize_5M_rows_1M_customers", |b| {
        b.iter(|| {
            let log = TransactionLog { customer_id: &ids, timestamp: &ts, amount: Some(&amount) };
            summarize(&log, &opts).unwrap()
        })
    });
    let log = TransactionLog { customer_id: &ids, timestamp: &ts, amount: Some(&amount) };
    let s = summarize(&log, &opts).unwrap();
    g.throughput(Throughput::Elements(s.len() as u64));
    g.bench_function("compress_1M_customers", |b| {
        b.iter(|| compress(&s.frequency, &s.recency, &s.t).unwrap())
    });
    let table = SegmentTable::default();
    let m = s.monetary_value.clone().unwrap();
    g.bench_function("rfm_1M_customers", |b| {
        b.iter(|| rfm_segments(&s.frequency, &s.recency, &s.t, Some(&m), &table).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_summary);
criterion_main!(benches);
