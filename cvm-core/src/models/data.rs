//! [`SummaryData`]: a validated customer summary `(frequency, recency, T)` with weights, and the
//! one validation of per-customer columns shared by fitting and prediction.

use crate::distinct::Grouped;
use crate::error::{check, Error, Result};
use crate::parallel::{par_copy, par_fill, par_repeat, par_tasks};

/// A validated customer summary `(frequency, recency, T)` with weights, ready for fitting.
///
/// Validation: equal non-zero lengths; frequency a whole number in `0..=`[`MAX_FREQUENCY`]; recency and T
/// finite and non-negative; recency ≤ T; recency > 0 when frequency > 0; weights finite and > 0.
/// Without weights, identical rows are compressed (see [`crate::compress()`]) when that removes at
/// least a fifth of them; the likelihood is unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryData {
    frequency: Vec<f64>,
    recency: Vec<f64>,
    t: Vec<f64>,
    weight: Vec<f64>,
    n_obs: f64,
    n_customers: usize,
    x_levels: Vec<f64>,
    x_index: Vec<u32>,
    x_weight: Vec<f64>,
}

/// The distinct values of `values` in ascending order ([`f64::total_cmp`]), each with how many
/// times it occurs: the cohorts of a tracking curve, the ages of a histogram's expectation.
pub(crate) fn distinct_counts(values: &[f64]) -> Vec<(f64, f64)> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let mut groups: Vec<(f64, f64)> = Vec::new();
    for v in sorted {
        match groups.last_mut() {
            Some(g) if g.0 == v => g.1 += 1.0,
            _ => groups.push((v, 1.0)),
        }
    }
    groups
}

/// Validates per-customer `(x, t_x, T)` columns (shared by fitting and prediction).
///
/// The rules are tested in one fused pass over the rows — in parallel over fixed chunks with the
/// `parallel` feature, branch-free inside a chunk. Only when some row fails are the columns
/// re-checked one rule at a time, so the error is exactly that of checking column by column: the
/// first invalid frequency, else the first invalid recency, else the first invalid T, else the
/// first row breaking a rule between columns.
pub(crate) fn check_customers(frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<()> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, recency.len())?;
    check::same_len("T", n, t.len())?;
    let rows_ok = |range: std::ops::Range<usize>| -> bool {
        let (f, r, tt) = (&frequency[range.clone()], &recency[range.clone()], &t[range]);
        let mut ok = true;
        for i in 0..f.len() {
            ok &= customer_row_ok(f[i], r[i], tt[i]);
        }
        ok
    };
    #[cfg(feature = "parallel")]
    let all_ok = {
        use rayon::prelude::*;
        const ROWS: usize = 16 * crate::parallel::CHUNK;
        if n > ROWS {
            (0..n.div_ceil(ROWS))
                .into_par_iter()
                .all(|k| rows_ok(k * ROWS..((k + 1) * ROWS).min(n)))
        } else {
            rows_ok(0..n)
        }
    };
    #[cfg(not(feature = "parallel"))]
    let all_ok = rows_ok(0..n);
    if all_ok {
        return Ok(());
    }
    check::all("frequency", frequency, FREQUENCY_RULE, is_count)?;
    check::non_negative("recency", recency)?;
    check::non_negative("T", t)?;
    for i in 0..n {
        if recency[i] > t[i] {
            return Err(Error::invalid_at(
                "recency",
                i,
                format!("must not exceed T (got {} > {})", recency[i], t[i]),
            ));
        }
        if frequency[i] > 0.0 && recency[i] == 0.0 {
            return Err(Error::invalid_at(
                "recency",
                i,
                "must be > 0 when frequency > 0 (a repeat purchase happens after the first)",
            ));
        }
    }
    Ok(())
}

/// The largest frequency (repeat purchases) the lifetime models take: 2⁵³, the end of the range
/// where every whole number is a distinct double. No purchase history comes near it; far beyond
/// it (x ~ 1e30) the expectations' incomplete-beta tails cannot reach their tolerance within
/// their work bound, so a larger frequency is an [`Error::InvalidValue`] naming the row.
pub const MAX_FREQUENCY: f64 = 9_007_199_254_740_992.0;

/// The frequency rule of [`check_customers`].
const FREQUENCY_RULE: &str = "must be a whole number in 0..=2^53 (MAX_FREQUENCY)";

/// A whole number in `0..=MAX_FREQUENCY`.
#[inline]
fn is_count(x: f64) -> bool {
    check::is_whole(x, MAX_FREQUENCY)
}

/// Every rule of [`check_customers`] for one row, without branches. It may reject a valid row
/// (a frequency beyond 2⁶⁴), never accept an invalid one: a rejection only sends the caller to
/// the column-by-column checks.
#[inline]
fn customer_row_ok(x: f64, t_x: f64, t_cal: f64) -> bool {
    let finite = x.is_finite() & t_x.is_finite() & t_cal.is_finite();
    // Whole: rounding to a whole number by adding and subtracting 2⁵² leaves `x` as it is (a
    // vector instruction each; the conversion to an integer is a branchy sequence without
    // AVX-512). From 2⁵² it rejects the odd counts, which the column checks then accept.
    let count = (0.0..=MAX_FREQUENCY).contains(&x) & ((x + TWO_52) - TWO_52 == x);
    finite & count & (t_x >= 0.0) & (t_x <= t_cal) & ((x == 0.0) | (t_x > 0.0))
}

/// 2⁵²: the doubles from 0 to it, plus it, are rounded to whole numbers.
const TWO_52: f64 = 4_503_599_627_370_496.0;

/// Frequencies below this index a direct table in [`frequency_levels`].
const SMALL_FREQUENCY: usize = 1 << 16;

/// The sorted distinct frequencies (validated whole numbers) and each row's index among them,
/// for the per-x tables of the likelihoods: counts up to the largest (below
/// [`SMALL_FREQUENCY`] and four times the rows) through a table indexed by the count, the rest
/// (rare) sorted.
fn frequency_levels(f: &[f64]) -> (Vec<f64>, Vec<u32>) {
    let max = f.iter().fold(0.0, |m: f64, &x| if x > m { x } else { m });
    let cap = SMALL_FREQUENCY.min(f.len().max(1) * 4);
    let mut slot = vec![u32::MAX; if max < cap as f64 { max as usize + 1 } else { cap }];
    let small = slot.len();
    let mut large: Vec<f64> = Vec::new();
    for &x in f {
        if x < small as f64 {
            slot[x as usize] = 0;
        } else {
            large.push(x);
        }
    }
    large.sort_by(f64::total_cmp);
    large.dedup();
    let mut levels = Vec::new();
    for (x, s) in slot.iter_mut().enumerate() {
        if *s == 0 {
            *s = levels.len() as u32;
            levels.push(x as f64);
        }
    }
    let n_small = levels.len();
    levels.extend_from_slice(&large);
    let level = |&x: &f64| match x < small as f64 {
        true => slot[x as usize],
        false => (n_small + large.binary_search_by(|l| l.total_cmp(&x)).unwrap_or(0)) as u32,
    };
    // Per row and independent: in tasks of `LEVEL_TASK` rows on all cores with the `parallel`
    // feature (same result; one task up to that many: a nanosecond a row is not worth a
    // hand-over to the pool).
    let mut index = vec![0u32; f.len()];
    par_fill(&mut index, LEVEL_TASK, |c, part| {
        let rows = &f[c * LEVEL_TASK..];
        for (out, x) in part.iter_mut().zip(rows) {
            *out = level(x);
        }
    });
    (levels, index)
}

/// The rows a task of [`frequency_levels`] indexes.
const LEVEL_TASK: usize = 1 << 14;

/// The sum of the weights `w` of the rows at each of `n_levels` frequency levels (`index`: each
/// row's level), in row order; `None` for weights all 1: the rows at each level counted (four
/// interleaved tallies, so that a run of rows at one level does not wait on its own adds; the
/// counts are exact, as the sums of ones in row order were).
fn level_weights(n_levels: usize, index: &[u32], w: Option<&[f64]>) -> Vec<f64> {
    let Some(w) = w else {
        let mut tally = vec![[0u64; 4]; n_levels];
        let mut quads = index.chunks_exact(4);
        for q in &mut quads {
            for (j, &l) in q.iter().enumerate() {
                tally[l as usize][j] += 1;
            }
        }
        for &l in quads.remainder() {
            tally[l as usize][0] += 1;
        }
        return tally.iter().map(|t| t.iter().sum::<u64>() as f64).collect();
    };
    let mut out = vec![0.0; n_levels];
    for (&l, &wi) in index.iter().zip(w) {
        out[l as usize] += wi;
    }
    out
}

/// Whether the rows `(f, r, t)` (finite) take more than `limit` distinct values, with −0.0 and
/// +0.0 alike as in [`crate::compress()`], judged by 31 bits of a hash of each row (39 from
/// [`DISTINCT_SERIAL_BELOW`] rows): equal rows hash alike, so the distinct hashes are at most
/// the distinct rows and `true` is exact; `false` is confirmed by the compression itself (the
/// caller compares its length).
///
/// Below [`DISTINCT_SERIAL_BELOW`] rows, one table on the calling thread that stops as soon as
/// it holds more than `limit` hashes (at most 128 KiB: handing so little work to the thread
/// pool cost more than it saved). From there the top 8 bits of a row's hash pick one of 256
/// buckets, small enough for a cache-resident table each. Chunks of rows (an eighth of them,
/// 8,192 to 65,536 a chunk) group 31 more bits of their hashes by bucket ([`Grouped`]); then
/// each bucket's table reads its runs from every chunk (one task a bucket). Work O(n), memory
/// 4 bytes a row, both steps on the thread pool.
fn distinct_rows_exceed(f: &[f64], r: &[f64], t: &[f64], limit: usize) -> bool {
    let n = f.len();
    if n <= limit {
        return false;
    }
    let hash = |i: usize| crate::compress::row_hash(f[i], r[i], t[i]);
    // Bits 25..56 of the hash (bit 24 set: never 0, the empty slot).
    let low = |h: u64| (h >> 24) as u32 | 1;
    if n < DISTINCT_SERIAL_BELOW {
        return distinct_hashes((0..n).map(|i| low(hash(i))), n, limit) > limit;
    }
    const BUCKETS: usize = 256;
    let bucket = |h: u64| (h >> 56) as usize;
    let chunk = (n / 8).next_power_of_two().clamp(DISTINCT_SERIAL_BELOW / 2, DISTINCT_CHUNK);
    let grouped = Grouped::new(n, chunk, BUCKETS, |i| {
        let h = hash(i);
        (low(h), bucket(h))
    });
    let distinct_in = |b: usize| -> usize {
        let (hashes, len) = grouped.bucket(b);
        distinct_hashes(hashes.copied(), len, usize::MAX)
    };
    par_tasks(BUCKETS, distinct_in).into_iter().sum::<usize>() > limit
}

/// The number of distinct `hashes` (`len` of them, none 0), counted by linear probing in a
/// table of at least twice their number (positions from their bits above the lowest), up to
/// `stop`: the count stops at the first distinct hash past it.
fn distinct_hashes(hashes: impl Iterator<Item = u32>, len: usize, stop: usize) -> usize {
    let bits = (len.min(stop) + len.min(stop) / 2 + 2).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    let mut table = vec![0u32; 1 << bits];
    let mut count = 0;
    for h in hashes {
        let mut pos = (h >> 1) as usize & mask;
        while table[pos] != 0 && table[pos] != h {
            pos = (pos + 1) & mask;
        }
        if table[pos] == 0 {
            table[pos] = h;
            count += 1;
            if count > stop {
                break;
            }
        }
    }
    count
}

/// The most rows a task of [`distinct_rows_exceed`] groups (its counts fit a `u32`).
const DISTINCT_CHUNK: usize = 1 << 16;
/// The rows from which [`distinct_rows_exceed`] works on the thread pool.
const DISTINCT_SERIAL_BELOW: usize = 1 << 14;

impl SummaryData {
    /// Validates and stores a summary; `weights` (e.g. counts of identical customers) default to 1.
    ///
    /// # Errors
    /// [`Error::Empty`], [`Error::LengthMismatch`], or [`Error::InvalidValue`] naming the field
    /// (`frequency`, `recency`, `T`, `weights`) and the first offending index.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::SummaryData;
    /// let d = SummaryData::new(&[0.0, 2.0, 0.0], &[0.0, 5.0, 0.0], &[10.0, 10.0, 10.0], None)?;
    /// assert_eq!(d.n_obs(), 3.0);
    /// let bad = SummaryData::new(&[1.0], &[0.0], &[4.0], None).unwrap_err();
    /// assert_eq!((bad.field(), bad.index()), (Some("recency"), Some(0)));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn new(
        frequency: &[f64], recency: &[f64], t_cal: &[f64], weights: Option<&[f64]>,
    ) -> Result<Self> {
        check_customers(frequency, recency, t_cal)?;
        let n = frequency.len();
        // The columns, their weights and whether every weight is 1.
        let (f, r, tt, w, unit) = match weights {
            Some(w) => {
                check::weights(n, Some(w))?;
                (par_copy(frequency), par_copy(recency), par_copy(t_cal), par_copy(w), false)
            }
            // Compressed when that removes at least a fifth of the rows: counting the distinct
            // rows' hashes first (4 bytes a row) spares data that would not compress the
            // compression's table (40 bytes a row).
            None => match distinct_rows_exceed(frequency, recency, t_cal, n * 4 / 5) {
                false => Some(crate::compress::compress(frequency, recency, t_cal)?),
                true => None,
            }
            .filter(|c| c.len() * 5 <= n * 4)
            .map(|c| {
                let w = c.weights_f64();
                (c.frequency, c.recency, c.t, w, false)
            })
            .unwrap_or_else(|| {
                let ones = par_repeat(1.0, n);
                (par_copy(frequency), par_copy(recency), par_copy(t_cal), ones, true)
            }),
        };
        let (levels, x_index) = frequency_levels(&f);
        let x_weight = level_weights(levels.len(), &x_index, (!unit).then_some(&w[..]));
        // n ones add up to n exactly.
        let n_obs = if unit { n as f64 } else { w.iter().sum() };
        Ok(SummaryData {
            frequency: f,
            recency: r,
            t: tt,
            weight: w,
            n_obs,
            n_customers: n,
            x_levels: levels,
            x_index,
            x_weight,
        })
    }

    /// Sum of the weights (the number of customers the likelihood counts).
    pub fn n_obs(&self) -> f64 {
        self.n_obs
    }

    /// Number of input rows (before any compression).
    pub fn n_customers(&self) -> usize {
        self.n_customers
    }

    /// Number of rows actually evaluated (after any compression).
    pub fn n_rows(&self) -> usize {
        self.weight.len()
    }

    /// Frequencies of the stored rows.
    pub fn frequency(&self) -> &[f64] {
        &self.frequency
    }

    /// Recencies of the stored rows.
    pub fn recency(&self) -> &[f64] {
        &self.recency
    }

    /// T of the stored rows.
    pub fn t(&self) -> &[f64] {
        &self.t
    }

    /// Weights of the stored rows.
    pub fn weight(&self) -> &[f64] {
        &self.weight
    }

    pub(crate) fn x_levels(&self) -> &[f64] {
        &self.x_levels
    }

    pub(crate) fn x_index(&self) -> &[u32] {
        &self.x_index
    }

    /// The total weight of the rows at each of [`Self::x_levels`] (for the terms of a
    /// likelihood that depend on the frequency alone).
    pub(crate) fn x_weights(&self) -> &[f64] {
        &self.x_weight
    }

    /// Every `stride`-th row (a deterministic subsample, for warm starts).
    pub(crate) fn subsample(&self, stride: usize) -> SummaryData {
        let pick = |v: &[f64]| -> Vec<f64> { v.iter().step_by(stride).copied().collect() };
        let weight = pick(&self.weight);
        let x_index: Vec<u32> = self.x_index.iter().step_by(stride).copied().collect();
        SummaryData {
            x_weight: level_weights(self.x_levels.len(), &x_index, Some(&weight)),
            frequency: pick(&self.frequency),
            recency: pick(&self.recency),
            t: pick(&self.t),
            n_obs: weight.iter().sum(),
            n_customers: weight.len(),
            weight,
            x_levels: self.x_levels.clone(),
            x_index,
        }
    }

    /// Weighted means of frequency, recency and T (for starting values).
    pub(crate) fn means(&self) -> (f64, f64, f64) {
        let mut m = (0.0, 0.0, 0.0);
        for i in 0..self.weight.len() {
            m.0 += self.weight[i] * self.frequency[i];
            m.1 += self.weight[i] * self.recency[i];
            m.2 += self.weight[i] * self.t[i];
        }
        (m.0 / self.n_obs, m.1 / self.n_obs, m.2 / self.n_obs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_data_validation_table() {
        #[allow(clippy::type_complexity)] // a table-driven test spells its row type
        let cases: Vec<(&[f64], &[f64], &[f64], Option<&[f64]>, &str, Option<usize>)> = vec![
            (&[0.0, -1.0], &[0.0, 0.0], &[1.0, 1.0], None, "frequency", Some(1)),
            (&[0.0, 1.5], &[0.0, 1.0], &[1.0, 1.0], None, "frequency", Some(1)),
            (&[f64::NAN], &[0.0], &[1.0], None, "frequency", Some(0)),
            (&[0.0], &[f64::NAN], &[1.0], None, "recency", Some(0)),
            (&[0.0], &[0.0], &[-1.0], None, "T", Some(0)),
            (&[1.0, 1.0], &[0.5, 2.0], &[1.0, 1.0], None, "recency", Some(1)),
            (&[0.0, 2.0], &[0.0, 0.0], &[1.0, 1.0], None, "recency", Some(1)),
            (&[0.0], &[0.0], &[1.0], Some(&[0.0]), "weights", Some(0)),
            (&[0.0, 0.0], &[0.0, 0.0], &[1.0, 1.0], Some(&[1.0, f64::NAN]), "weights", Some(1)),
        ];
        for (f, r, t, w, field, idx) in cases {
            let e = SummaryData::new(f, r, t, w).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
            assert_eq!(e.index(), idx, "{e}");
        }
        assert!(matches!(SummaryData::new(&[], &[], &[], None), Err(Error::Empty { .. })));
        assert!(matches!(
            SummaryData::new(&[0.0], &[0.0, 1.0], &[1.0], None),
            Err(Error::LengthMismatch { .. })
        ));
    }

    #[test]
    fn compression_keeps_weights() {
        let d = SummaryData::new(&[0.0; 10], &[0.0; 10], &[5.0; 10], None).unwrap();
        assert_eq!(d.n_rows(), 1);
        assert_eq!(d.n_obs(), 10.0);
        assert_eq!(d.n_customers(), 10);
    }

    /// Compressed exactly when at most four fifths of the rows are distinct (−0.0 and +0.0
    /// alike): 10 rows with 8 distinct compress, with 9 they do not.
    #[test]
    fn compression_threshold_counts_distinct_rows() {
        let t = [5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 5.0, -0.0];
        let mut tt = t;
        tt[9] = 5.0; // rows 0, 8, 9 equal: 8 distinct
        let f = [0.0; 10];
        let d = SummaryData::new(&f, &[0.0; 10], &tt, None).unwrap();
        assert_eq!((d.n_rows(), d.weight()[0]), (8, 3.0));
        tt[9] = 13.0; // 9 distinct
        assert_eq!(SummaryData::new(&f, &[0.0; 10], &tt, None).unwrap().n_rows(), 10);
        let r = [0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0];
        let same = [3.0; 10];
        assert_eq!(SummaryData::new(&f, &r, &same, None).unwrap().n_rows(), 1);
        // Many rows, half of them repeated: the table's collisions are resolved by value.
        let n = 100_000;
        let t: Vec<f64> = (0..n).map(|i| (i / 2) as f64 * 0.001 + 1.0).collect();
        let d = SummaryData::new(&vec![0.0; n], &vec![0.0; n], &t, None).unwrap();
        assert_eq!((d.n_rows(), d.n_obs()), (n / 2, n as f64));
        assert!(!distinct_rows_exceed(&vec![0.0; n], &vec![0.0; n], &t, n / 2));
        assert!(distinct_rows_exceed(&vec![0.0; n], &vec![0.0; n], &t, n / 2 - 1));
        // Below DISTINCT_SERIAL_BELOW rows: one table, which stops once past the limit.
        for n in [10_000, DISTINCT_SERIAL_BELOW - 1] {
            let t: Vec<f64> = (0..n).map(|i| (i / 2) as f64 * 0.001 + 1.0).collect();
            let zeros = vec![0.0; n];
            let half = n.div_ceil(2);
            assert!(!distinct_rows_exceed(&zeros, &zeros, &t, half), "{n}");
            assert!(distinct_rows_exceed(&zeros, &zeros, &t, half - 1), "{n}");
            assert!(distinct_rows_exceed(&zeros, &zeros, &t, 10), "{n}");
            let d = SummaryData::new(&zeros, &zeros, &t, None).unwrap();
            assert_eq!((d.n_rows(), d.n_obs()), (half, n as f64));
        }
    }

    /// The fused check of a row accepts whole frequencies up to 2⁵³ (the odd ones from 2⁵² by
    /// the column checks) and rejects fractions, however small, and anything beyond.
    #[test]
    fn whole_frequencies_up_to_the_largest() {
        let two52 = 4_503_599_627_370_496.0;
        for x in [0.0, 1.0, two52 - 1.0, two52, two52 + 1.0, MAX_FREQUENCY - 2.0, MAX_FREQUENCY] {
            let d = SummaryData::new(&[0.0, x], &[0.0, 1.0], &[2.0, 2.0], None);
            assert_eq!(d.unwrap().x_levels().last(), Some(&x), "{x}");
        }
        for x in [0.5, 1e-300, two52 - 0.5, 2.0 * MAX_FREQUENCY, f64::INFINITY, -0.5] {
            let e = SummaryData::new(&[0.0, x], &[0.0, 1.0], &[2.0, 2.0], None).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some("frequency"), Some(1)), "{x}");
        }
    }

    /// Each level's weight is the sum of its rows' weights: with weights given, after the
    /// compression of unweighted rows, and in a subsample.
    #[test]
    fn level_weights_sum_each_frequency() {
        let f = [3.0, 0.0, 3.0, 1.0, 0.0, 3.0];
        let r = [2.0, 0.0, 2.0, 1.0, 0.0, 4.0];
        let t = [5.0, 5.0, 5.0, 6.0, 5.0, 7.0];
        let d = SummaryData::new(&f, &r, &t, Some(&[1.0, 2.0, 0.5, 4.0, 8.0, 16.0])).unwrap();
        assert_eq!((d.x_levels(), d.x_weights()), (&[0.0, 1.0, 3.0][..], &[10.0, 4.0, 17.5][..]));
        let c = SummaryData::new(&f, &r, &t, None).unwrap();
        assert_eq!((c.n_rows(), c.x_weights()), (4, &[2.0, 1.0, 3.0][..]));
        let s = d.subsample(2); // rows 0, 2, 4
        assert_eq!((s.x_levels(), s.x_weights()), (&[0.0, 1.0, 3.0][..], &[8.0, 0.0, 1.5][..]));
        // Unweighted rows that do not compress: counted (four tallies and a remainder) as the
        // sums of ones.
        let n = 4 * 1_000 + 3;
        let f: Vec<f64> = (0..n).map(|i| ((i * 7919) % 13 / 3) as f64).collect();
        let r: Vec<f64> = f.iter().map(|&x| if x > 0.0 { 1.0 } else { 0.0 }).collect();
        let t: Vec<f64> = (0..n).map(|i| 2.0 + i as f64).collect();
        let u = SummaryData::new(&f, &r, &t, None).unwrap();
        let ones = SummaryData::new(&f, &r, &t, Some(&vec![1.0; n])).unwrap();
        assert_eq!(u.n_rows(), n);
        assert_eq!(
            (u.x_levels(), u.x_weights(), u.n_obs()),
            (ones.x_levels(), ones.x_weights(), n as f64)
        );
        assert_eq!(u.x_weights().iter().sum::<f64>(), n as f64);
    }

    /// The levels are the sorted distinct frequencies and each row's index among them, for
    /// small counts, counts beyond the direct table and the largest frequency.
    #[test]
    fn frequency_levels_are_sorted_distinct_values() {
        let f = [3.0, 0.0, 70_000.0, 3.0, MAX_FREQUENCY, 1.0, 70_000.0, 65_535.0, 0.0];
        let (levels, index) = frequency_levels(&f);
        assert_eq!(levels, vec![0.0, 1.0, 3.0, 65_535.0, 70_000.0, MAX_FREQUENCY]);
        assert_eq!(index, vec![2, 0, 4, 2, 5, 1, 4, 3, 0]);
        let (levels, index) = frequency_levels(&[2.0, 7.0, 2.0]);
        assert_eq!((levels, index), (vec![2.0, 7.0], vec![0, 1, 0]));
    }
}
