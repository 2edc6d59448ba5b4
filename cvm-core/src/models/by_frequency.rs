//! Per-frequency interpolation over ages of the expectation of a customer alive at `T`, for the
//! vectorised predictions of a model whose conditional expectation factors as
//! `E(t | x, t_x, T) = P(alive | x, t_x, T) · g(t | x, T)` with a costly `g` (the BG/NBD and
//! MBG/NBD: one ₂F₁ per customer; see
//! [`TransactionModel::expectation_given_alive_at`]).
//!
//! # Method
//! For each frequency held by at least [`INTERPOLATE_FROM`] customers:
//! * **repeated ages** (summaries in whole days): when the frequency's customers share at most
//!   [`DISTINCT_CAP`] distinct `T` (and at most half as many as they are), `g` is evaluated
//!   once per distinct `T` and looked up, so every value is the direct one bit for bit;
//! * **continuous ages**: `g` depends on `T` only through `α + T`, an analytic function of
//!   `y = ln(T + m)` (`m` the model's
//!   [`age_interpolation_shift`](TransactionModel::age_interpolation_shift)) whose singularities
//!   lie at distance π from the real axis (the ₂F₁ at `−t/(α+T) = 1`). `ln g` is interpolated by
//!   a 32-node Chebyshev series in `y` over the frequency's range of `T`, checked against direct
//!   evaluation at four points between the nodes (relative error ≤ [`TOL`], else the frequency
//!   is evaluated customer by customer), and trailing coefficients that add up to less than
//!   [`TRIM`] are dropped (on an age range of a year, about ten coefficients remain). A
//!   customer then costs P(alive), one logarithm, a short Clenshaw sum and one exponential
//!   instead of a ₂F₁ series; the result agrees with the direct one to ~3e-13 relative (test
//!   `interpolated_predictions_match_the_kernels`).
//!
//! Rarer frequencies, and every row of a smaller call, are evaluated directly, so small inputs
//! (and every published example) give the direct values bit for bit.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};

use super::TransactionModel;
use crate::parallel::{par_fill, par_tasks, par_tasks_owned, threads};
use crate::special::Chebyshev;

/// Customers of one frequency from which its `g` is tabulated or interpolated (building one
/// interpolant costs about 40 evaluations of `g`).
pub(crate) const INTERPOLATE_FROM: usize = 256;
/// Most distinct ages of one frequency that are evaluated one by one and looked up.
pub(crate) const DISTINCT_CAP: usize = 2048;
/// Frequencies `0..TABLE_FREQUENCIES` are tabulated; larger ones are evaluated directly.
const TABLE_FREQUENCIES: usize = 4096;
/// Largest accepted relative error of an interpolant at its check points.
pub(crate) const TOL: f64 = 1e-13;
/// Trailing Chebyshev coefficients whose absolute values sum to at most this (times
/// `max(1, |c₀|)`) are dropped: beyond the series' rounding, they are noise that only lengthens
/// the Clenshaw recurrence (the latency of one evaluation).
const TRIM: f64 = 1e-14;

/// A hasher for the bits of an age: one multiplication (the keys are not adversarial, and their
/// number is capped by each user).
#[derive(Default)]
pub(crate) struct BitsHasher(u64);

impl Hasher for BitsHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        let h = (self.0 ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Ages (by their bits) to their position in a list of distinct ages.
pub(crate) type AgeIndex = HashMap<u64, u32, BuildHasherDefault<BitsHasher>>;

/// How one frequency's `g` is obtained.
enum Table {
    /// `g` at each distinct `T` (keyed by its bits).
    Exact(AgeIndex, Vec<f64>),
    /// The Chebyshev series of `ln g` in `ln(T + m)`.
    Series(Chebyshev),
}

/// The tables of `g` by frequency (see the module documentation).
pub(crate) struct AliveExpectation {
    shift: f64,
    by_x: Vec<Option<Table>>,
}

impl AliveExpectation {
    /// The tables of `model`'s `g(horizon | x, T)` for the customers `(frequency, t_cal)`
    /// (validated by the caller); `None` when the model has no costly factor
    /// ([`TransactionModel::expectation_given_alive_at`] is `None`), no age shift, or no
    /// frequency is frequent enough.
    pub(crate) fn plan<M: TransactionModel + ?Sized>(
        model: &M, horizon: f64, frequency: &[f64], t_cal: &[f64],
    ) -> Option<AliveExpectation> {
        if frequency.len() < INTERPOLATE_FROM
            || horizon == 0.0
            || model.discrete_time()
            || !model.factors_through_alive()
        {
            return None;
        }
        let shift = model.age_interpolation_shift(&model.params())?;
        model.expectation_given_alive_at(horizon, frequency[0], t_cal[0])?;
        let groups = age_groups(frequency, t_cal);
        // One task per frequency: its table is its own (the same for any number of threads).
        let by_x: Vec<Option<Table>> = par_tasks_owned(groups, |x, grp| {
            if grp.n < INTERPOLATE_FROM {
                return None;
            }
            let xf = x as f64;
            let g = |tc: f64| model.expectation_given_alive_at(horizon, xf, tc);
            if let Some((index, ages)) = grp.distinct.filter(|(_, a)| 2 * a.len() <= grp.n) {
                let values = ages.iter().map(|&tc| g(tc).unwrap_or(f64::NAN)).collect();
                return Some(Table::Exact(index, values));
            }
            let at = |y: f64| g((y.exp() - shift).max(0.0)).unwrap_or(f64::NAN);
            Chebyshev::fit_ln((grp.lo + shift).ln(), (grp.hi + shift).ln(), TOL, &at)
                .map(|c| Table::Series(c.trimmed(TRIM)))
        });
        by_x.iter().any(Option::is_some).then_some(AliveExpectation { shift, by_x })
    }

    /// `g(horizon | x, T)` from the table of frequency `x`, if it has one.
    #[inline]
    pub(crate) fn at(&self, x: f64, t_cal: f64) -> Option<f64> {
        let k = x as usize;
        if k as f64 != x {
            return None;
        }
        match self.by_x.get(k)?.as_ref()? {
            Table::Exact(index, values) => index.get(&t_cal.to_bits()).map(|&j| values[j as usize]),
            Table::Series(ip) => Some(ip.series((t_cal + self.shift).ln()).exp()),
        }
    }
}

/// The distinct histories `(x, t_x, T)` of a call whose rows repeat (summaries in whole days),
/// so a costly kernel runs once per distinct row: `first[j]` is the first row of distinct
/// history `j` (in order of first appearance), `of_row[i]` the distinct history of row `i`.
pub(crate) struct DistinctRows {
    pub(crate) first: Vec<usize>,
    pub(crate) of_row: Vec<u32>,
}

/// Rows whose repetition is measured before the whole call is indexed.
const REPEAT_PROBE: usize = 8192;
/// Shards of the distinct histories (by a hash of the row), each indexed by a task of its own.
const SHARDS: usize = 64;
/// Rows per task of the partition of a call's rows into shards, and of the final numbering.
const SHARD_ROWS: usize = 1 << 15;

/// A history by the bits of `(x, t_x, T)`.
type Key = (u64, u64, u64);

/// The shard of a history: the top bits of a multiplicative mix of all its bits, a function
/// apart from the hasher of each shard's own table (whose buckets and tags would otherwise see
/// the same few bits in every key of a shard).
#[inline]
fn shard_of(k: Key) -> usize {
    let h = (k.0 ^ k.1.rotate_left(21) ^ k.2.rotate_left(42)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 58) as usize
}

impl DistinctRows {
    /// The distinct rows of `(frequency, recency, t_cal)` when they are at most half of the rows,
    /// both among the first [`REPEAT_PROBE`] rows and overall; `None` otherwise (continuous ages:
    /// then only the probe was indexed) or below `4 ×` [`INTERPOLATE_FROM`] rows.
    ///
    /// Every step that reads all rows runs on the thread pool, and the result is that of one
    /// scan: the rows are split by chunks into [`SHARDS`] shards by a hash of the history, each
    /// shard finds its distinct histories and marks their first rows, the marks give each
    /// history its rank among the first rows, and each chunk then numbers its rows.
    pub(crate) fn of(frequency: &[f64], recency: &[f64], t_cal: &[f64]) -> Option<DistinctRows> {
        let n = frequency.len();
        if n < 4 * INTERPOLATE_FROM || n > u32::MAX as usize {
            return None;
        }
        let key = |i: usize| (frequency[i].to_bits(), recency[i].to_bits(), t_cal[i].to_bits());
        if n >= REPEAT_PROBE {
            let mut seen: HashMap<Key, (), BuildHasherDefault<BitsHasher>> = HashMap::default();
            for i in 0..REPEAT_PROBE {
                seen.insert(key(i), ());
            }
            if 2 * seen.len() > REPEAT_PROBE {
                return None;
            }
        }
        // Each chunk's rows by shard, in row order, with their histories (so that each shard
        // then reads its own rows in sequence, not every cache line of the columns).
        let chunks = n.div_ceil(SHARD_ROWS);
        let parts: Vec<Vec<Vec<(Key, u32)>>> = par_tasks(chunks, |c| {
            let mut rows = vec![Vec::new(); SHARDS];
            for i in c * SHARD_ROWS..((c + 1) * SHARD_ROWS).min(n) {
                let k = key(i);
                rows[shard_of(k)].push((k, i as u32));
            }
            rows
        });
        // Each shard's distinct histories (their first rows, also marked by row) and the
        // number of each of its rows.
        let is_first: Vec<AtomicBool> = (0..n).map(|_| AtomicBool::new(false)).collect();
        let shards: Vec<(Vec<usize>, Vec<u32>)> = par_tasks(SHARDS, |s| {
            let rows = parts.iter().map(|p| p[s].len()).sum();
            let mut index: HashMap<Key, u32, BuildHasherDefault<BitsHasher>> = HashMap::default();
            let (mut first, mut number) = (Vec::new(), Vec::with_capacity(rows));
            for &(k, i) in parts.iter().flat_map(|p| &p[s]) {
                let next = first.len() as u32;
                let j = *index.entry(k).or_insert(next);
                if j == next {
                    first.push(i as usize);
                    is_first[i as usize].store(true, Ordering::Relaxed);
                }
                number.push(j);
            }
            (first, number)
        });
        let distinct: usize = shards.iter().map(|s| s.0.len()).sum();
        if 2 * distinct > n {
            return None;
        }
        // The histories are numbered in the order of their first rows (as one scan would: the
        // frequent ones, met early, get small numbers and share the cache): the first rows of
        // each chunk, and their ranks (written where the rows' numbers will go).
        let firsts: Vec<Vec<usize>> = par_tasks(chunks, |c| {
            let rows = c * SHARD_ROWS..((c + 1) * SHARD_ROWS).min(n);
            rows.filter(|&i| is_first[i].load(Ordering::Relaxed)).collect()
        });
        let mut before = Vec::with_capacity(chunks);
        let mut total = 0u32;
        for f in &firsts {
            before.push(total);
            total += f.len() as u32;
        }
        let mut of_row = vec![0u32; n];
        par_fill(&mut of_row, SHARD_ROWS, |c, out| {
            for (rank, &i) in (before[c]..).zip(&firsts[c]) {
                out[i - c * SHARD_ROWS] = rank;
            }
        });
        // Shard numbers → ranks; chunk c's rows of shard s follow those of the earlier chunks
        // in the shard's list, from start[c][s].
        let rank: Vec<Vec<u32>> =
            par_tasks(SHARDS, |s| shards[s].0.iter().map(|&i| of_row[i]).collect());
        let mut start = Vec::with_capacity(chunks);
        let mut at = vec![0usize; SHARDS];
        for p in &parts {
            start.push(at.clone());
            for (a, rows) in at.iter_mut().zip(p) {
                *a += rows.len();
            }
        }
        drop(parts);
        par_fill(&mut of_row, SHARD_ROWS, |c, out| {
            let mut at = start[c].clone();
            for (k, o) in out.iter_mut().enumerate() {
                let s = shard_of(key(c * SHARD_ROWS + k));
                *o = rank[s][shards[s].1[at[s]] as usize];
                at[s] += 1;
            }
        });
        let first = firsts.concat();
        Some(DistinctRows { first, of_row })
    }
}

/// The customers of one frequency: how many, their smallest and largest `T`, and their distinct
/// `T` (index by bits, and the values in order of first appearance) while there are at most
/// [`DISTINCT_CAP`].
struct AgeGroup {
    n: usize,
    lo: f64,
    hi: f64,
    distinct: Option<(AgeIndex, Vec<f64>)>,
}

/// The [`AgeGroup`] of each whole frequency below [`TABLE_FREQUENCIES`]: one scan per thread
/// over consecutive rows (from [`GROUP_ROWS`] rows a thread), merged in row order, so the groups
/// (and the first-appearance order of their ages) are those of one scan for any number of
/// threads. Each scan stops listing a frequency's ages past [`DISTINCT_CAP`], so continuous ages
/// cost each thread at most that many insertions per frequency.
fn age_groups(frequency: &[f64], t_cal: &[f64]) -> Vec<AgeGroup> {
    let n = frequency.len();
    let parts = threads().min(n / GROUP_ROWS).max(1);
    let rows = n.div_ceil(parts);
    merged(par_tasks(parts, |c| {
        let range = c * rows..((c + 1) * rows).min(n);
        age_groups_of(&frequency[range.clone()], &t_cal[range])
    }))
}

/// The groups of consecutive scans merged in order: those of one scan over all their rows.
fn merged(scans: Vec<Vec<AgeGroup>>) -> Vec<AgeGroup> {
    let mut scans = scans.into_iter();
    let mut out = scans.next().unwrap_or_default();
    for scan in scans {
        if out.len() < scan.len() {
            out.resize_with(scan.len(), AgeGroup::empty);
        }
        for (e, s) in out.iter_mut().zip(scan) {
            e.n += s.n;
            e.lo = e.lo.min(s.lo);
            e.hi = e.hi.max(s.hi);
            e.distinct = match (e.distinct.take(), s.distinct) {
                (Some((mut index, mut ages)), Some((_, more))) => {
                    for t in more {
                        let next = ages.len() as u32;
                        if *index.entry(t.to_bits()).or_insert(next) == next {
                            ages.push(t);
                        }
                    }
                    (ages.len() <= DISTINCT_CAP).then_some((index, ages))
                }
                _ => None,
            };
        }
    }
    out
}

/// Rows from which [`age_groups`] gives a thread a scan of its own.
const GROUP_ROWS: usize = 1 << 16;

impl AgeGroup {
    fn empty() -> AgeGroup {
        AgeGroup {
            n: 0,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            distinct: Some(Default::default()),
        }
    }
}

/// The [`AgeGroup`]s of consecutive rows, in one scan.
fn age_groups_of(frequency: &[f64], t_cal: &[f64]) -> Vec<AgeGroup> {
    let mut out: Vec<AgeGroup> = Vec::new();
    for (&x, &t) in frequency.iter().zip(t_cal) {
        if !(x >= 0.0 && x < TABLE_FREQUENCIES as f64) {
            continue;
        }
        let k = x as usize;
        if k as f64 != x {
            continue;
        }
        if k >= out.len() {
            out.resize_with(k + 1, AgeGroup::empty);
        }
        let e = &mut out[k];
        e.n += 1;
        e.lo = e.lo.min(t);
        e.hi = e.hi.max(t);
        if let Some((index, ages)) = &mut e.distinct {
            let next = ages.len() as u32;
            if *index.entry(t.to_bits()).or_insert(next) == next {
                ages.push(t);
                if ages.len() > DISTINCT_CAP {
                    e.distinct = None;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::bg_family::Lcg;
    use crate::models::{BgNbd, BgNbdParams, MbgNbd, MbgNbdParams};

    /// Customers of a few frequencies (each frequent enough to be interpolated) over an age
    /// range `[lo, hi]`, recency anywhere in `[0, T]` (0 for x = 0).
    fn cohort(g: &mut Lcg, n: usize, lo: f64, hi: f64) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let xs = [0.0, 1.0, 2.0, 7.0, 30.0];
        let (mut f, mut r, mut t) = (vec![], vec![], vec![]);
        for i in 0..n {
            let x = xs[i % xs.len()];
            let tc = if i % 97 == 0 { lo } else { g.log_uniform(lo, hi) };
            let tx = if x == 0.0 { 0.0 } else { tc * g.unit().max(1e-9) };
            f.push(x);
            r.push(if i % 89 == 0 && x > 0.0 { tc } else { tx });
            t.push(tc);
        }
        (f, r, t)
    }

    /// A cohort's ages rounded to whole days (in weeks), repeat buyers' recency at least a day.
    fn daily((f, r, t): (Vec<f64>, Vec<f64>, Vec<f64>)) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let day = |v: f64| (v * 7.0).round() / 7.0;
        let t: Vec<f64> = t.iter().map(|&v| day(v)).collect();
        let r = (0..f.len())
            .map(|i| if f[i] > 0.0 { day(r[i]).clamp(1.0 / 7.0, t[i]) } else { 0.0 })
            .collect();
        (f, r, t)
    }

    /// The largest relative difference of the vectorised predictions (interpolated where they
    /// can be) from the scalar kernels, and whether anything was interpolated.
    fn worst<M: TransactionModel>(
        m: &M, h: f64, c: &(Vec<f64>, Vec<f64>, Vec<f64>),
    ) -> (f64, bool) {
        let (f, r, t) = c;
        let used = AliveExpectation::plan(m, h, f, t).is_some();
        let (alive, e) = m.probability_alive_and_expected_purchases(h, f, r, t).unwrap();
        let e2 = m.conditional_expected_purchases(h, f, r, t).unwrap();
        let mut worst = 0.0f64;
        for i in 0..f.len() {
            let (pa, want) = m.probability_alive_and_expected_purchases_at(h, f[i], r[i], t[i]);
            assert_eq!(alive[i].to_bits(), pa.to_bits(), "P(alive) is never interpolated");
            for got in [e[i], e2[i]] {
                let d = if want == 0.0 { got.abs() } else { (got / want - 1.0).abs() };
                worst = worst.max(d);
            }
        }
        (worst, used)
    }

    #[test]
    fn interpolated_predictions_match_the_kernels() {
        // Moderate parameters (the ₂F₁ closed form, accurate to rounding): 1e-12 relative.
        // Extreme ones (the quadrature, whose own relative error target is 1e-11): 2e-11.
        let mut g = Lcg(19);
        let mut interpolated = 0;
        for case in 0..60 {
            let extreme = case % 3 == 2;
            let (lo_p, hi_p) = if extreme { (1e-3, 1e4) } else { (2e-2, 50.0) };
            let (r, alpha, a, b) = (
                g.log_uniform(lo_p, hi_p),
                g.log_uniform(1e-2, 1e3),
                g.log_uniform(lo_p, hi_p),
                g.log_uniform(lo_p, hi_p),
            );
            let lo = g.log_uniform(1e-3, 100.0);
            let hi = lo * g.log_uniform(1.0001, 1e3);
            let c = cohort(&mut g, 1500, lo, hi);
            let h = [0.5, 39.0, 1e3][case % 3] * g.log_uniform(0.1, 10.0);
            let tol = if extreme { 2e-11 } else { 1e-12 };
            let bg = BgNbd::from_params(BgNbdParams::raw(&[r, alpha, a, b])).unwrap();
            let mbg = MbgNbd::from_params(MbgNbdParams::raw(&[r, alpha, a, b])).unwrap();
            for (name, (w, used)) in [("bg", worst(&bg, h, &c)), ("mbg", worst(&mbg, h, &c))] {
                assert!(w <= tol, "{name} {r} {alpha} {a} {b} T in [{lo}, {hi}] t={h}: {w:e}");
                interpolated += used as usize;
            }
        }
        // The fast path is taken in most cases (else this test would check nothing).
        assert!(interpolated >= 80, "{interpolated}");
    }

    #[test]
    fn tracking_curve_evaluates_each_age_once_with_the_same_sums() {
        // The sum over births in increasing order of E[X(age)], as evaluated pair by pair.
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let mut g = Lcg(8);
        let daily: Vec<f64> = (0..4000).map(|i| ((i * 7919) % 365) as f64 / 7.0).collect();
        let continuous: Vec<f64> = (0..500).map(|_| 52.0 * g.unit()).collect();
        let times: Vec<f64> = (0..120).map(|k| k as f64 * 0.5).collect();
        for birth in [daily, continuous] {
            let got = bg.expected_cumulative_transactions(&birth, &times).unwrap();
            let mut sorted = birth.clone();
            sorted.sort_by(f64::total_cmp);
            let mut groups: Vec<(f64, f64)> = Vec::new();
            for b in sorted {
                match groups.last_mut() {
                    Some(gr) if gr.0 == b => gr.1 += 1.0,
                    _ => groups.push((b, 1.0)),
                }
            }
            for (k, &c) in times.iter().enumerate() {
                let want: f64 = groups
                    .iter()
                    .filter(|gr| gr.0 < c)
                    .map(|gr| gr.1 * bg.expected_purchases_new_customer_at(c - gr.0))
                    .sum();
                assert_eq!(got[k].to_bits(), want.to_bits(), "time {c}: {} vs {want}", got[k]);
            }
            assert!(got[119] > 0.0);
        }
    }

    #[test]
    fn repeated_rows_are_evaluated_once_with_the_same_values() {
        use crate::models::{ParetoNbd, ParetoNbdParams};
        let pn =
            ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap())
                .unwrap();
        let mut g = Lcg(21);
        let (f, r, t) = daily(cohort(&mut g, 20_000, 38.5, 39.0));
        let d = DistinctRows::of(&f, &r, &t).expect("daily rows repeat");
        assert!(d.first.len() < f.len() / 2);
        // The index of one scan, numbered in order of first appearance.
        let (mut first, mut of_row, mut index) = (vec![], vec![], HashMap::new());
        for i in 0..f.len() {
            let next = first.len() as u32;
            let j = *index.entry((f[i].to_bits(), r[i].to_bits(), t[i].to_bits())).or_insert(next);
            if j == next {
                first.push(i);
            }
            of_row.push(j);
        }
        assert_eq!((d.first, d.of_row), (first, of_row));
        let (alive, e) = pn.probability_alive_and_expected_purchases(39.0, &f, &r, &t).unwrap();
        let alone = pn.probability_alive(&f, &r, &t).unwrap();
        let e2 = pn.conditional_expected_purchases(39.0, &f, &r, &t).unwrap();
        for i in 0..f.len() {
            let (p1, e1) = pn.probability_alive_and_expected_purchases_at(39.0, f[i], r[i], t[i]);
            assert_eq!((p1.to_bits(), e1.to_bits()), (alive[i].to_bits(), e[i].to_bits()));
            assert_eq!(alone[i].to_bits(), p1.to_bits());
            let want = pn.conditional_expected_purchases_at(39.0, f[i], r[i], t[i]);
            assert_eq!(e2[i].to_bits(), want.to_bits());
        }
        // Continuous ages: no index beyond the probe.
        let (f, r, t) = cohort(&mut g, 20_000, 30.0, 39.0);
        assert!(DistinctRows::of(&f, &r, &t).is_none());
    }

    #[test]
    fn small_inputs_and_other_models_are_evaluated_directly() {
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let f = vec![1.0; INTERPOLATE_FROM - 1];
        let t: Vec<f64> = (0..f.len()).map(|i| 30.0 + i as f64 * 0.01).collect();
        assert!(AliveExpectation::plan(&bg, 39.0, &f, &t).is_none());
        let (f, t) = ([f, vec![1.0]].concat(), [t, vec![40.0]].concat());
        assert!(AliveExpectation::plan(&bg, 39.0, &f, &t).is_some());
        assert!(AliveExpectation::plan(&bg, 0.0, &f, &t).is_none());
        let pn = crate::models::ParetoNbd::from_params(
            crate::models::ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap(),
        )
        .unwrap();
        assert!(AliveExpectation::plan(&pn, 39.0, &f, &t).is_none());
    }

    #[test]
    fn age_groups_count_whole_frequencies_only() {
        let r = age_groups(&[0.0, 2.0, 2.0, 0.5, 5000.0, 2.0], &[3.0, 1.0, 4.0, 9.0, 9.0, 1.0]);
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].n, r[0].lo, r[0].hi), (1, 3.0, 3.0));
        assert_eq!(r[1].n, 0);
        assert_eq!((r[2].n, r[2].lo, r[2].hi), (3, 1.0, 4.0));
        assert_eq!(r[2].distinct.as_ref().unwrap().1, vec![1.0, 4.0]);
        // Past DISTINCT_CAP distinct ages the list is dropped.
        let t: Vec<f64> = (0..=DISTINCT_CAP).map(|i| i as f64).collect();
        let r = age_groups(&vec![1.0; t.len()], &t);
        assert!(r[1].distinct.is_none());
    }

    #[test]
    fn merged_scans_are_one_scan() {
        // Frequencies 0..7, ages on a grid (some frequencies past DISTINCT_CAP distinct ages).
        let n = 40_000;
        let f: Vec<f64> = (0..n).map(|i| ((i * 7) % 11 % 8) as f64).collect();
        let t: Vec<f64> =
            (0..n).map(|i| ((i * 7919) % if f[i] < 3.0 { 500 } else { 9000 }) as f64).collect();
        let whole = age_groups_of(&f, &t);
        for parts in [1, 2, 3, 7] {
            let rows = n.div_ceil(parts);
            let scans = (0..parts)
                .map(|c| {
                    age_groups_of(
                        &f[c * rows..((c + 1) * rows).min(n)],
                        &t[c * rows..((c + 1) * rows).min(n)],
                    )
                })
                .collect();
            let got = merged(scans);
            assert_eq!(got.len(), whole.len());
            for (a, b) in got.iter().zip(&whole) {
                assert_eq!((a.n, a.lo, a.hi), (b.n, b.lo, b.hi));
                assert_eq!(a.distinct.as_ref().map(|d| &d.1), b.distinct.as_ref().map(|d| &d.1));
            }
        }
        assert!(whole.iter().any(|g| g.distinct.is_none()));
        assert!(whole.iter().any(|g| g.distinct.is_some()));
        let all = age_groups(&f, &t);
        assert!(all.iter().zip(&whole).all(|(a, b)| a.n == b.n));
    }

    #[test]
    fn repeated_ages_give_the_direct_values_bit_for_bit() {
        // Daily ages: every frequency tabulated exactly, not interpolated.
        let mut g = Lcg(5);
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let (f, r, t) = daily(cohort(&mut g, 5000, 30.0, 39.0));
        let plan = AliveExpectation::plan(&bg, 39.0, &f, &t).unwrap();
        assert!(plan.by_x.iter().flatten().all(|tb| matches!(tb, Table::Exact(..))));
        let (alive, e) = bg.probability_alive_and_expected_purchases(39.0, &f, &r, &t).unwrap();
        for i in 0..f.len() {
            let (p1, e1) = bg.probability_alive_and_expected_purchases_at(39.0, f[i], r[i], t[i]);
            assert_eq!((p1.to_bits(), e1.to_bits()), (alive[i].to_bits(), e[i].to_bits()));
        }
    }
}
