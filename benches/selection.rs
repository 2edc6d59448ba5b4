//! Selection-rule evaluation: 1,000,000 customers × 20 criteria (target ≤ 0.3 s), with reasons
//! rendered on demand. The data come from a seeded generator, so every run sees the same table.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion as Bench};
use cvm_core::selection::{
    Band, Column, CompareOp, Condition, Criterion, HardRule, MissingPolicy, RuleSet, Table,
};

const N: usize = 1_000_000;
const SEED: u64 = 20_240_601;

/// SplitMix64: a small, fast, seedable generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Twelve numeric columns (1 % missing), four boolean (1 % missing), four categorical
/// (5 labels, 1 % missing).
struct Data {
    numeric: Vec<(String, Vec<f64>)>,
    boolean: Vec<(String, Vec<u8>)>,
    categorical: Vec<(String, Vec<i32>)>,
    labels: Vec<String>,
}

fn data() -> Data {
    let mut rng = Rng(SEED);
    let numeric = (0..12)
        .map(|j| {
            let scale = 10f64.powi(j % 4);
            let col = (0..N)
                .map(|_| if rng.next().is_multiple_of(100) { f64::NAN } else { rng.unit() * scale })
                .collect();
            (format!("x{j}"), col)
        })
        .collect();
    let boolean = (0..4)
        .map(|j| {
            let col = (0..N)
                .map(|_| match rng.next() % 100 {
                    0 => 255,
                    k => (k % 2) as u8,
                })
                .collect();
            (format!("b{j}"), col)
        })
        .collect();
    let categorical = (0..4)
        .map(|j| {
            let col = (0..N)
                .map(|_| match rng.next() % 100 {
                    0 => -1,
                    k => (k % 5) as i32,
                })
                .collect();
            (format!("s{j}"), col)
        })
        .collect();
    let labels = ["a", "b", "c", "d", "e"].iter().map(|s| s.to_string()).collect();
    Data { numeric, boolean, categorical, labels }
}

fn table(d: &Data) -> Table<'_> {
    let mut t = Table::new();
    for (name, col) in &d.numeric {
        t.push(name, Column::Numeric(col)).unwrap();
    }
    for (name, col) in &d.boolean {
        t.push(name, Column::Boolean(col)).unwrap();
    }
    for (name, col) in &d.categorical {
        t.push(name, Column::Categorical { codes: col, categories: &d.labels }).unwrap();
    }
    t
}

/// Twenty criteria mixing every condition type and combinator, one hard rule, four bands.
fn rules() -> RuleSet {
    use CompareOp::*;
    let x = |j: i32| format!("x{j}");
    let thr = |j: i32| 0.5 * 10f64.powi(j % 4);
    let mut criteria = Vec::new();
    for j in 0..12 {
        let cond = match j % 4 {
            0 => Condition::compare(&x(j), Ge, thr(j)),
            1 => Condition::between(&x(j), 0.2 * thr(j), 1.6 * thr(j), true),
            2 => Condition::All(vec![
                Condition::compare(&x(j), Gt, 0.3 * thr(j)),
                Condition::not(Condition::compare(&x(j), Gt, 1.8 * thr(j))),
            ]),
            _ => Condition::Any(vec![
                Condition::compare(&x(j), Lt, 0.2 * thr(j)),
                Condition::compare(&format!("b{}", j % 4), Eq, true),
            ]),
        };
        criteria.push(Criterion::new(&format!("c{j}"), 1.0, cond));
    }
    for j in 0..4 {
        criteria.push(Criterion::new(
            &format!("c{}", 12 + j),
            0.5,
            Condition::is_in(&format!("s{j}"), ["a", "c"]),
        ));
    }
    for j in 0..4 {
        let cond = match j {
            0 => Condition::compare("b1", Ne, false),
            1 => Condition::not(Condition::is_missing("x3")),
            2 => Condition::compare("s2", Eq, "e"),
            _ => Condition::is_in("x0", [0.0, 1.0]),
        };
        criteria.push(Criterion::new(&format!("c{}", 16 + j), 0.25, cond));
    }
    let mut r = RuleSet::new(vec![
        Band::new("target", Some(9.0), None),
        Band::new("develop", Some(7.0), Some(9.0)),
        Band::new("maintain", Some(5.0), Some(7.0)),
        Band::new("review", None, Some(5.0)),
    ]);
    r.criteria = criteria;
    r.hard = vec![HardRule::new("veto", Condition::compare("x1", Gt, 9.95), "decline")];
    r.missing = MissingPolicy::Fail;
    assert_eq!(r.criteria.len(), 20);
    r
}

fn bench(c: &mut Bench) {
    let d = data();
    let t = table(&d);
    let r = rules();
    let mut group = c.benchmark_group("selection");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("evaluate_1m_customers_20_criteria", |b| {
        b.iter(|| {
            let ev = r.evaluate(black_box(&t)).unwrap();
            black_box(ev.decision_codes()[N - 1])
        })
    });
    let ev = r.evaluate(&t).unwrap();
    group.bench_function("reason_codes_1k_customers", |b| {
        b.iter(|| (0..1000).map(|i| ev.reason_codes(black_box(i * 997)).len()).sum::<usize>())
    });
    let text = r.to_json();
    group.bench_function("rules_from_json", |b| b.iter(|| RuleSet::from_json(black_box(&text))));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
