//! Shared test fixtures: the data sets shipped in `data/`.
#![allow(dead_code)]

/// The repository's `data/` directory.
pub fn data_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("data").join(name)
}

/// Reads a shipped data file as text.
pub fn read_data(name: &str) -> String {
    std::fs::read_to_string(data_path(name)).unwrap_or_else(|e| panic!("reading data/{name}: {e}"))
}

/// The CDNOW calibration summary `(id, frequency, recency, T)` as shipped (2-decimal rounding).
pub fn cdnow_summary_file() -> (Vec<i64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = read_data("cdnow_customers_summary.csv");
    let (mut id, mut f, mut r, mut t) = (vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.trim().split(',').collect();
        id.push(c[0].parse().unwrap());
        f.push(c[1].parse().unwrap());
        r.push(c[2].parse().unwrap());
        t.push(c[3].parse().unwrap());
    }
    (id, f, r, t)
}

/// The CDNOW transaction log: `(sample_id, day since 1970-01-01, dollar value)` per row.
pub fn cdnow_transactions() -> (Vec<i64>, Vec<i64>, Vec<f64>) {
    let text = read_data("CDNOW_sample.txt");
    let (mut id, mut day, mut amount) = (vec![], vec![], vec![]);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let c: Vec<&str> = line.split_whitespace().collect();
        id.push(c[1].parse().unwrap());
        day.push(cvm_core::calendar::parse_date(c[2], "date").unwrap());
        amount.push(c[4].parse().unwrap());
    }
    (id, day, amount)
}

/// The exact (unrounded) CDNOW calibration summary in weeks, built from the log with
/// `cvm_core::summarize`: `(frequency, recency, T, monetary_value)`.
pub fn cdnow_summary_exact() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    use cvm_core::{summarize, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog};
    let (id, day, amount) = cdnow_transactions();
    let end = cvm_core::calendar::parse_date("1997-09-30", "end").unwrap();
    let opts = SummaryOptions::new(TimestampUnit::Day)
        .with_time_unit(Some(TimeUnit::Week))
        .with_observation_end(Some(end));
    // Calibration only: restrict the log to the calibration period.
    let keep: Vec<usize> = (0..id.len()).filter(|&i| day[i] <= end).collect();
    let id: Vec<i64> = keep.iter().map(|&i| id[i]).collect();
    let day: Vec<i64> = keep.iter().map(|&i| day[i]).collect();
    let amount: Vec<f64> = keep.iter().map(|&i| amount[i]).collect();
    let s = summarize(
        &TransactionLog { customer_id: &id, timestamp: &day, amount: Some(&amount) },
        &opts,
    )
    .unwrap();
    (s.frequency, s.recency, s.t, s.monetary_value.unwrap())
}

/// The donations data (discrete time): `(frequency, recency, periods, weight)`.
pub fn donations() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = read_data("donations.csv");
    let (mut f, mut r, mut n, mut w) = (vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<f64> = line.trim().split(',').map(|x| x.parse().unwrap()).collect();
        f.push(c[0]);
        r.push(c[1]);
        n.push(c[2]);
        w.push(c[3]);
    }
    (f, r, n, w)
}

/// A seeded xorshift generator of integers below `m` (test data of fixed seed, no crate).
pub fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    }
}
