//! Whale curve: cumulative profit by customer rank, the 80-20-30 analysis and the Gini
//! coefficient of profit.

use crate::builder::with_setters;
use crate::error::{check, Error, Result};
use crate::parallel;

/// Options of [`whale_curve`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct WhaleOptions {
    /// Fraction of customers, from the most profitable, whose share of total profit is reported
    /// (`top_share`). Default 0.2.
    pub top: f64,
    /// Fraction of customers, from the least profitable, whose drain on profit is reported
    /// (`bottom_consumed`). Default 0.3.
    pub bottom: f64,
}

with_setters!(WhaleOptions {
    with_top => top: f64,
    with_bottom => bottom: f64,
});

impl Default for WhaleOptions {
    fn default() -> Self {
        WhaleOptions { top: 0.2, bottom: 0.3 }
    }
}

/// The whale curve of per-customer profit; see [`whale_curve`] for the definitions.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WhaleCurve {
    total: f64,
    peak: f64,
    peak_rank: usize,
    top: f64,
    top_profit: f64,
    bottom: f64,
    bottom_consumed: f64,
    unprofitable_count: usize,
    unprofitable: Vec<usize>,
    bottom_count: usize,
    bottom_unprofitable_count: usize,
    potential_profit: f64,
    gini: Option<f64>,
    order: Vec<usize>,
    rank: Vec<usize>,
    sorted_cumulative: Vec<f64>,
}

impl WhaleCurve {
    /// Number of customers `n`.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Always `false`: a curve has at least one customer.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Total profit `C(n)`.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// Highest point of the curve, `max_k C(k)` (0 when no customer is profitable).
    pub fn peak(&self) -> f64 {
        self.peak
    }

    /// Number of customers at the peak: the smallest `k` with `C(k) = peak`.
    pub fn peak_rank(&self) -> usize {
        self.peak_rank
    }

    /// `peak / total`, when `total > 0`.
    pub fn peak_share(&self) -> Option<f64> {
        ratio(self.peak, self.total)
    }

    /// The `top` fraction of [`WhaleOptions`].
    pub fn top(&self) -> f64 {
        self.top
    }

    /// Profit of the top fraction of customers: `C(top · n)`.
    pub fn top_profit(&self) -> f64 {
        self.top_profit
    }

    /// Share of total profit from the top fraction: `C(top · n) / total`, when `total > 0`.
    pub fn top_share(&self) -> Option<f64> {
        ratio(self.top_profit, self.total)
    }

    /// The `bottom` fraction of [`WhaleOptions`].
    pub fn bottom(&self) -> f64 {
        self.bottom
    }

    /// Profit the bottom fraction takes away: `C(n − bottom · n) − total`, i.e. minus the profit
    /// of the least profitable `bottom · n` customers (positive when they lose money).
    pub fn bottom_consumed(&self) -> f64 {
        self.bottom_consumed
    }

    /// `bottom_consumed / peak`: the share of the peak the bottom fraction consumes, when
    /// `peak > 0`.
    pub fn bottom_consumed_share(&self) -> Option<f64> {
        ratio(self.bottom_consumed, self.peak)
    }

    /// Net profit of the bottom fraction: `total − C(n − bottom · n)` = `−bottom_consumed`.
    pub fn bottom_profit(&self) -> f64 {
        -self.bottom_consumed
    }

    /// Number of customers wholly inside the bottom fraction, `⌊bottom · n⌋`.
    pub fn bottom_count(&self) -> usize {
        self.bottom_count
    }

    /// How many of the [`bottom_count`](Self::bottom_count) least profitable customers lose
    /// money.
    pub fn bottom_unprofitable_count(&self) -> usize {
        self.bottom_unprofitable_count
    }

    /// First reading of 80/20/30 (`seeds/001:19`, `001:462`: half of the top 20 %'s profit is
    /// consumed by the bottom 30 %): `bottom_consumed / top_profit`, when `top_profit > 0`.
    /// Negative when the bottom fraction is net profitable (see
    /// [`interpretation`](Self::interpretation)).
    pub fn bottom_share_of_top(&self) -> Option<f64> {
        ratio(self.bottom_consumed, self.top_profit)
    }

    /// The potential profit: what the other customers make, `C(n − bottom · n)` (the profit
    /// without the bottom fraction).
    pub fn potential_profit(&self) -> f64 {
        self.potential_profit
    }

    /// Second reading of 80/20/30 (`seeds/004:14`: the worst 30 % halve the potential profit):
    /// the share of the potential profit lost, `bottom_consumed / potential_profit`, when
    /// `potential_profit > 0`. Negative when the bottom fraction is net profitable.
    pub fn bottom_share_of_potential(&self) -> Option<f64> {
        ratio(self.bottom_consumed, self.potential_profit)
    }

    /// Whether the bottom fraction makes a net profit (`bottom_consumed < 0`): then it consumes
    /// nothing, and the 80/20/30 shares are negative.
    pub fn bottom_net_profitable(&self) -> bool {
        self.bottom_consumed < 0.0
    }

    /// The bottom fraction's figures in words, e.g. `the bottom 30 % (707 customers) are net
    /// profitable: they add 1,595.23 to profit and consume none of it; 31 of them lose money`.
    pub fn interpretation(&self) -> String {
        use super::{fmt_amount, fmt_count};
        let pct = |x: f64| format!("{:.1} %", 100.0 * x);
        let who = format!(
            "the bottom {} % ({} customers)",
            fmt_num_pct(self.bottom),
            fmt_count(self.bottom_count)
        );
        let losers = format!(
            "{} of them {} money",
            fmt_count(self.bottom_unprofitable_count),
            if self.bottom_unprofitable_count == 1 { "loses" } else { "lose" }
        );
        if self.bottom_consumed > 0.0 {
            let of_top = self.bottom_share_of_top().map_or("an undefined share".into(), pct);
            let of_potential =
                self.bottom_share_of_potential().map_or("an undefined share".into(), pct);
            format!(
                "{who} consume {} of profit: {of_top} of the top {} %'s profit and {of_potential} \
                 of the potential profit (the profit without them); {losers}",
                fmt_amount(self.bottom_consumed),
                fmt_num_pct(self.top),
            )
        } else if self.bottom_consumed < 0.0 {
            format!(
                "{who} are net profitable: they add {} to profit and consume none of it (the \
                 80/20/30 pattern does not hold); {losers}",
                fmt_amount(-self.bottom_consumed)
            )
        } else {
            format!("{who} break even: they neither add nor consume profit; {losers}")
        }
    }

    /// `peak − total`: what every customer after the peak (the unprofitable tail) takes away.
    pub fn tail_consumed(&self) -> f64 {
        self.peak - self.total
    }

    /// Number of customers with negative profit.
    pub fn unprofitable_count(&self) -> usize {
        self.unprofitable_count
    }

    /// Indices (input order, ascending) of the customers with negative profit.
    pub fn unprofitable(&self) -> &[usize] {
        &self.unprofitable
    }

    /// Share of customers with negative profit.
    pub fn unprofitable_share(&self) -> f64 {
        self.unprofitable_count as f64 / self.len() as f64
    }

    /// Gini coefficient of profit, when `total > 0`.
    pub fn gini(&self) -> Option<f64> {
        self.gini
    }

    /// Customer indices from the most to the least profitable (rank order).
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// Rank of each customer (1 = most profitable), in the input order.
    pub fn rank(&self) -> &[usize] {
        &self.rank
    }

    /// The curve in rank order: element `k − 1` is `C(k)`.
    pub fn sorted_cumulative(&self) -> &[f64] {
        &self.sorted_cumulative
    }

    /// Cumulative profit `C(rank)` at each customer, in the input order (on the thread pool from
    /// 256 customers).
    pub fn cumulative_profit(&self) -> Vec<f64> {
        parallel::par_map(self.len(), |i| self.sorted_cumulative[self.rank[i] - 1])
    }

    /// Cumulative share of total profit `C(rank) / total` at each customer, in the input order,
    /// when `total > 0` (on the thread pool from 256 customers).
    pub fn cumulative_share(&self) -> Option<Vec<f64>> {
        (self.total > 0.0).then(|| {
            parallel::par_map(self.len(), |i| self.sorted_cumulative[self.rank[i] - 1] / self.total)
        })
    }

    /// Share of customers up to and including each customer, `rank / n`, in the input order (on
    /// the thread pool from 256 customers).
    pub fn customer_share(&self) -> Vec<f64> {
        let n = self.len() as f64;
        parallel::par_map(self.len(), |i| self.rank[i] as f64 / n)
    }

    /// The curve at a fraction `x ∈ [0, 1]` of the customers: `C(x · n)`, linear between ranks.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`fraction`) outside `[0, 1]` or NaN.
    pub fn curve_at(&self, fraction: f64) -> Result<f64> {
        check_fraction("fraction", fraction)?;
        Ok(interpolate(&self.sorted_cumulative, fraction * self.len() as f64))
    }
}

/// A fraction as a percentage without trailing zeros: 0.3 → `30`, 0.125 → `12.5`.
fn fmt_num_pct(x: f64) -> String {
    let s = format!("{:.2}", 100.0 * x);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

fn check_fraction(field: &str, x: f64) -> Result<()> {
    if (0.0..=1.0).contains(&x) {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("must be a fraction in [0, 1] (got {x})")))
    }
}

/// `C(h)` for a real position `h ∈ [0, n]`, linear between integer ranks; `C(0) = 0`.
fn interpolate(cum: &[f64], h: f64) -> f64 {
    let n = cum.len();
    let h = h.clamp(0.0, n as f64);
    let j = (h.floor() as usize).min(n);
    let at = |k: usize| if k == 0 { 0.0 } else { cum[k - 1] };
    if j == n {
        return at(n);
    }
    let frac = h - j as f64;
    if frac == 0.0 {
        at(j)
    } else {
        at(j) + frac * (at(j + 1) - at(j))
    }
}

/// Neumaier-compensated running sum.
#[derive(Debug, Default, Clone, Copy)]
struct Compensated {
    sum: f64,
    comp: f64,
}

impl Compensated {
    fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.comp += (self.sum - t) + x;
        } else {
            self.comp += (x - t) + self.sum;
        }
        self.sum = t;
    }

    fn value(&self) -> f64 {
        self.sum + self.comp
    }

    /// Adds another compensated sum (its rounded part, then its compensation): from the empty
    /// sum, the other sum itself.
    fn add_sum(&mut self, other: Compensated) {
        self.add(other.sum);
        self.comp += other.comp;
    }
}

/// Sort key whose ascending order is descending profit (−0 and +0 are equal).
fn descending_key(x: f64) -> u64 {
    let bits = (x + 0.0).to_bits() as i64; // + 0.0 maps −0 to +0
    let ascending = (bits ^ ((((bits >> 63) as u64) >> 1) as i64)) as u64 ^ (1 << 63);
    !ascending
}

/// Inverse of [`descending_key`].
fn profit_of_key(key: u64) -> f64 {
    let t = (!key ^ (1 << 63)) as i64;
    f64::from_bits((t ^ ((((t >> 63) as u64) >> 1) as i64)) as u64)
}

/// Profits sorted from the most to the least profitable (equal profits in input order) and the
/// customer index of each.
fn rank_order(profit: &[f64]) -> (Vec<f64>, Vec<usize>) {
    if profit.len() > u32::MAX as usize {
        return rank_order_comparison(profit);
    }
    rank_order_radix(profit)
}

/// Reference ordering by comparison sort on `(key, index)`.
fn rank_order_comparison(profit: &[f64]) -> (Vec<f64>, Vec<usize>) {
    let mut keys: Vec<(u64, usize)> =
        profit.iter().enumerate().map(|(i, &x)| (descending_key(x), i)).collect();
    keys.sort_unstable();
    keys.into_iter().map(|(k, i)| (profit_of_key(k), i)).unzip()
}

/// Radix sort of the keys for at most `u32::MAX` customers.
///
/// A least-significant-digit radix sort (8-bit digits, stable) orders the upper 32 bits of the
/// keys; runs that share them are then finished by a comparison sort on `(key, index)` (runs are
/// short for all but heavily clustered data). Equal keys keep the input order.
///
/// From [`RADIX_PAR_FROM`] customers each step runs on the thread pool in [`radix_parts`]
/// parts: the keys, the counts of each part, the scatter of each part into its own slices of
/// each bucket (in part order, so the sort stays stable), the runs (parts cut between runs) and
/// the results. The order is that of `(key, index)` whatever the parts.
fn rank_order_radix(profit: &[f64]) -> (Vec<f64>, Vec<usize>) {
    const BITS: usize = 8;
    const BUCKETS: usize = 1 << BITS;
    const LOW: usize = 32; // bits left to the run sort
    const PASSES: usize = (64 - LOW) / BITS;
    let n = profit.len();
    let parts = radix_parts(n);
    let part_of = |q: usize| q * n / parts..(q + 1) * n / parts;
    let mut keys: Vec<u64> = parallel::par_map(n, |i| descending_key(profit[i]));
    let mut idx: Vec<u32> = parallel::par_map(n, |i| i as u32);
    let digit = |k: u64, p: usize| ((k >> (LOW + p * BITS)) as usize) & (BUCKETS - 1);
    let count_all = |keys: &[u64]| {
        let mut hist = vec![[0usize; BUCKETS]; PASSES];
        for &k in keys {
            for (p, h) in hist.iter_mut().enumerate() {
                h[digit(k, p)] += 1;
            }
        }
        hist
    };
    let count = |keys: &[u64], p: usize| {
        let mut h = [0usize; BUCKETS];
        keys.iter().for_each(|&k| h[digit(k, p)] += 1);
        h
    };
    let mut hist = vec![[0usize; BUCKETS]; PASSES];
    for part in parallel::par_tasks(parts, |q| count_all(&keys[part_of(q)])) {
        for (h, c) in hist.iter_mut().zip(&part) {
            h.iter_mut().zip(c).for_each(|(a, b)| *a += b);
        }
    }
    let mut keys_out = vec![0u64; n];
    let mut idx_out = vec![0u32; n];
    for (p, h) in hist.iter().enumerate() {
        if h.contains(&n) {
            continue; // every key has the same digit: the pass would not move anything
        }
        // Part q's keys of digit d go after those of digit d of parts 0..q.
        let counts: Vec<[usize; BUCKETS]> = match parts {
            1 => vec![*h],
            _ => parallel::par_tasks(parts, |q| count(&keys[part_of(q)], p)),
        };
        let mut slices: Vec<BucketSlices<'_>> = (0..parts)
            .map(|_| (Vec::with_capacity(BUCKETS), Vec::with_capacity(BUCKETS)))
            .collect();
        let (mut rest_k, mut rest_i) = (&mut keys_out[..], &mut idx_out[..]);
        for d in 0..BUCKETS {
            for (own, c) in slices.iter_mut().zip(&counts) {
                let (head_k, tail_k) = std::mem::take(&mut rest_k).split_at_mut(c[d]);
                let (head_i, tail_i) = std::mem::take(&mut rest_i).split_at_mut(c[d]);
                own.0.push(head_k);
                own.1.push(head_i);
                (rest_k, rest_i) = (tail_k, tail_i);
            }
        }
        let (keys_in, idx_in) = (&keys, &idx);
        parallel::par_tasks_owned(slices, |q, (mut own_k, mut own_i)| {
            let mut pos = [0usize; BUCKETS];
            let r = part_of(q);
            for (&k, &i) in keys_in[r.clone()].iter().zip(&idx_in[r]) {
                let d = digit(k, p);
                own_k[d][pos[d]] = k;
                own_i[d][pos[d]] = i;
                pos[d] += 1;
            }
        });
        std::mem::swap(&mut keys, &mut keys_out);
        std::mem::swap(&mut idx, &mut idx_out);
    }
    drop((keys_out, idx_out));
    // Finish runs with equal upper bits. Within a run the input order is kept so far, so a run
    // whose keys are already non-decreasing is in its final order. The parts are cut between
    // runs.
    let mut cuts = vec![0];
    for q in 1..parts {
        let mut at = (q * n / parts).max(*cuts.last().unwrap_or(&0));
        while at > 0 && at < n && keys[at] >> LOW == keys[at - 1] >> LOW {
            at += 1;
        }
        cuts.push(at.min(n));
    }
    cuts.push(n);
    let mut pieces = Vec::with_capacity(parts);
    let (mut rest_k, mut rest_i) = (&mut keys[..], &mut idx[..]);
    for w in cuts.windows(2) {
        let (head_k, tail_k) = std::mem::take(&mut rest_k).split_at_mut(w[1] - w[0]);
        let (head_i, tail_i) = std::mem::take(&mut rest_i).split_at_mut(w[1] - w[0]);
        pieces.push((head_k, head_i));
        (rest_k, rest_i) = (tail_k, tail_i);
    }
    parallel::par_tasks_owned(pieces, |_, (keys, idx)| finish_runs(keys, idx, LOW));
    let sorted = parallel::par_map(n, |k| profit_of_key(keys[k]));
    let order = parallel::par_map(n, |k| idx[k] as usize);
    (sorted, order)
}

/// A part's slices of the buckets of a radix pass: keys and customer indices.
type BucketSlices<'a> = (Vec<&'a mut [u64]>, Vec<&'a mut [u32]>);

/// Sorts each run of keys with equal bits above the low `low` bits by `(key, index)` (see
/// [`rank_order_radix`]).
fn finish_runs(keys: &mut [u64], idx: &mut [u32], low: usize) {
    let n = keys.len();
    let mut run: Vec<(u64, u32)> = Vec::new();
    let mut start = 0;
    while start < n {
        let high = keys[start] >> low;
        let mut end = start + 1;
        while end < n && keys[end] >> low == high {
            end += 1;
        }
        if end - start > 1 && keys[start..end].windows(2).any(|w| w[0] > w[1]) {
            run.clear();
            run.extend(keys[start..end].iter().copied().zip(idx[start..end].iter().copied()));
            run.sort_unstable();
            for (j, &(k, i)) in run.iter().enumerate() {
                keys[start + j] = k;
                idx[start + j] = i;
            }
        }
        start = end;
    }
}

/// The fewest customers [`rank_order_radix`] sorts on the thread pool.
const RADIX_PAR_FROM: usize = 1 << 16;

/// The parts the radix sort of `n` keys is cut into: one per thread of the pool from
/// [`RADIX_PAR_FROM`] keys on, else 1 (only the split of the work depends on it).
fn radix_parts(n: usize) -> usize {
    match n >= RADIX_PAR_FROM {
        true => parallel::threads().min(n / 1024).max(1),
        false => 1,
    }
}

/// Ranks per chunk of the running sums of [`whale_curve`] (fixed: the order of the sums depends
/// on the number of customers alone).
const RUN_CHUNK: usize = 1 << 13;

/// What a chunk of ranks of [`whale_curve`] finds besides its running sums.
#[derive(Debug, Default, Clone)]
struct ChunkStats {
    /// The chunk's highest cumulative profit above 0 and its first rank (0 and 0 when none is).
    peak: f64,
    peak_rank: usize,
    /// The chunk's customers with negative profit.
    unprofitable: Vec<usize>,
    /// How many of them are among the `⌊bottom · n⌋` least profitable.
    bottom_unprofitable: usize,
}

/// The summaries [`running_sums`] finds along the curve.
#[derive(Debug)]
struct RunningSums {
    peak: f64,
    peak_rank: usize,
    bottom_unprofitable_count: usize,
    /// The customers with negative profit, in rank order.
    unprofitable: Vec<usize>,
    /// `Σ (n − 1 − 2·k0) x_[k0+1]` (compensated).
    gini: f64,
}

/// Overwrites the sorted profits `curve` (customers `order`) by the cumulative profit and finds
/// the summaries, in chunks of `chunk` ranks: each chunk's own compensated sums, then each
/// chunk's running sum from the sum of the chunks before it (in chunk order), both on the thread
/// pool. With one chunk, the sums of a single running sum; with a chunk size set by the number
/// of customers alone, the same sums whatever the threads.
fn running_sums(
    curve: &mut [f64], order: &[usize], bottom_count: usize, chunk: usize,
) -> RunningSums {
    let n = curve.len();
    let weight0 = n as f64 - 1.0;
    let chunks = n.div_ceil(chunk);
    let own_sums = parallel::par_tasks(chunks, |c| {
        let (mut sum, mut gini) = (Compensated::default(), Compensated::default());
        for k0 in c * chunk..n.min((c + 1) * chunk) {
            let x = curve[k0];
            sum.add(x);
            // Ascending position i' = n − k0, weight 2i' − n − 1 = n − 1 − 2·k0.
            gini.add((weight0 - 2.0 * k0 as f64) * x);
        }
        (sum, gini)
    });
    let (mut before, mut gini) = (Compensated::default(), Compensated::default());
    let mut start = Vec::with_capacity(chunks);
    for &(sum, own_gini) in &own_sums {
        start.push(before);
        before.add_sum(sum);
        gini.add_sum(own_gini);
    }
    let mut stats = vec![ChunkStats::default(); chunks];
    parallel::par_fill_with(curve, chunk, &mut stats, |c, part, stats| {
        let mut running = start[c];
        for (k, slot) in part.iter_mut().enumerate() {
            let (k0, x) = (c * chunk + k, *slot);
            running.add(x);
            let value = running.value();
            *slot = value;
            if value > stats.peak {
                stats.peak = value;
                stats.peak_rank = k0 + 1;
            }
            if x < 0.0 {
                stats.unprofitable.push(order[k0]);
                stats.bottom_unprofitable += usize::from(k0 >= n - bottom_count);
            }
        }
    });
    let (mut peak, mut peak_rank) = (0.0f64, 0usize);
    let mut bottom_unprofitable_count = 0;
    for s in &stats {
        if s.peak > peak {
            (peak, peak_rank) = (s.peak, s.peak_rank);
        }
        bottom_unprofitable_count += s.bottom_unprofitable;
    }
    let unprofitable = stats.into_iter().flat_map(|s| s.unprofitable).collect();
    RunningSums { peak, peak_rank, bottom_unprofitable_count, unprofitable, gini: gini.value() }
}

/// Customers an index range of [`ranks_of`] holds (the ranks of a range are written in the
/// cache).
const RANK_RANGE: usize = 1 << 16;

/// The rank (from 1) of each customer in the input order, the inverse of `order`. From two
/// ranges of [`RANK_RANGE`] customers on, two steps on the thread pool: each chunk of `order`
/// sorts its customers by range, then each range writes its customers' ranks from every chunk.
fn ranks_of(order: &[usize]) -> Vec<usize> {
    let n = order.len();
    let mut rank = vec![0usize; n];
    if n <= RANK_RANGE {
        for (k0, &i) in order.iter().enumerate() {
            rank[i] = k0 + 1;
        }
        return rank;
    }
    // Chunk c's customers of range r as (index − range start, rank − chunk start), both
    // below RANK_RANGE.
    let ranges = n.div_ceil(RANK_RANGE);
    let by_range = parallel::par_tasks(ranges, |c| {
        let mut out: Vec<Vec<(u16, u16)>> = vec![Vec::new(); ranges];
        let lo = c * RANK_RANGE;
        for (k, &i) in order[lo..n.min(lo + RANK_RANGE)].iter().enumerate() {
            out[i / RANK_RANGE].push(((i % RANK_RANGE) as u16, k as u16));
        }
        out
    });
    parallel::par_fill(&mut rank, RANK_RANGE, |r, part| {
        for (c, chunk) in by_range.iter().enumerate() {
            for &(i, k) in &chunk[r] {
                part[i as usize] = c * RANK_RANGE + k as usize + 1;
            }
        }
    });
    rank
}

/// Customers ranked by profit and the whale curve of cumulative profit.
///
/// # Formula
/// The whale curve of customer profitability (Kaplan & Narayanan 2001, *Measuring and managing
/// customer profitability*, J. Cost Management 15(5)). Customers are ranked from the most to the
/// least profitable (equal profits: the earlier input first), `x_[1] ≥ … ≥ x_[n]`, and
/// `C(k) = x_[1] + … + x_[k]` (`C(0) = 0`, `C(n)` = total profit), computed with compensated
/// summation. Between ranks the curve is linear, so `C(h)` is defined for real `h ∈ [0, n]`.
/// The curve rises while customers are profitable, peaks, and falls back to the total through
/// the unprofitable tail (the method's 80-20-30 reading: the top 20 % of customers make most of
/// the profit and the bottom 30 % give part of it back). The summaries:
/// * `peak = max_k C(k)` at `peak_rank`, the smallest such `k`; `peak_share = peak / total`;
/// * `top_profit = C(top · n)`, `top_share = top_profit / total`;
/// * `bottom_consumed = C(n − bottom · n) − total` = minus the profit of the bottom
///   `bottom · n` customers; `bottom_consumed_share = bottom_consumed / peak`;
///   `tail_consumed = peak − total` (everything after the peak);
/// * the two readings of 80/20/30: `bottom_share_of_top = bottom_consumed / top_profit` (the
///   share of the top 20 %'s profit the bottom 30 % consume, `seeds/001:19`) and
///   `bottom_share_of_potential = bottom_consumed / C(n − bottom · n)` (the share of the
///   potential profit — the profit without the bottom 30 % — that is lost, `seeds/004:14`); both
///   are negative when the bottom fraction is net profitable, which
///   [`WhaleCurve::interpretation`] says in words;
/// * `unprofitable` lists the customers with negative profit, `bottom_unprofitable_count` those
///   among the `⌊bottom · n⌋` least profitable;
/// * `gini = Σ_i (2i − n − 1) x_(i) / (n · total)` with `x_(1) ≤ … ≤ x_(n)` ascending: the
///   population Gini coefficient, mean absolute difference / (2 × mean profit). It is 0 when all
///   profits are equal and `(n − 1)/n` when one customer makes all of it; with negative profits
///   it **can exceed 1** (the losses add to the dispersion). Shares and the Gini coefficient are
///   `None` when their denominator is not positive.
///
/// The per-customer work runs on the thread pool: the check of the profits (from 16,384
/// customers), the ranking (a radix sort, from 65,536), the running sums and the summaries (in
/// chunks of 8,192 ranks, each chunk's sums then each chunk's curve from the sum of the chunks
/// before it, in chunk order) and the ranks of the customers (from 65,537). The result is the
/// same whatever the number of threads; up to 8,192 customers the sums are those of a single
/// running sum.
///
/// # Errors
/// [`Error::Empty`] for no customers; [`Error::InvalidValue`] `profit` (index) for NaN or
/// infinite values, `top` / `bottom` outside `[0, 1]`.
///
/// # Examples
/// Ten customers (in any order) with profits 100, 60, 30, 20, 10, 0, −5, −10, −25, −40:
/// ```
/// use cvm_core::value::{whale_curve, WhaleOptions};
/// let profit = [-5.0, 100.0, 0.0, -40.0, 20.0, 60.0, -10.0, 30.0, -25.0, 10.0];
/// let w = whale_curve(&profit, &WhaleOptions::default())?;
/// assert_eq!(w.total(), 140.0);
/// assert_eq!((w.peak(), w.peak_rank()), (220.0, 5));     // the five profitable customers
/// assert_eq!(w.top_profit(), 160.0);                      // top 20 % = 2 customers
/// assert!((w.top_share().unwrap() - 160.0 / 140.0).abs() < 1e-12);
/// assert_eq!(w.bottom_consumed(), 75.0);                  // bottom 30 %: −10, −25, −40
/// assert_eq!(w.bottom_share_of_top(), Some(75.0 / 160.0));
/// assert_eq!(w.bottom_share_of_potential(), Some(75.0 / 215.0));   // C(7) = 215
/// assert_eq!(w.unprofitable(), &[0, 3, 6, 8]);
/// assert_eq!(
///     w.interpretation(),
///     "the bottom 30 % (3 customers) consume 75 of profit: 46.9 % of the top 20 %'s profit and \
///      34.9 % of the potential profit (the profit without them); 3 of them lose money"
/// );
/// assert_eq!(w.tail_consumed(), 80.0);                    // peak − total
/// assert_eq!((w.unprofitable_count(), w.unprofitable_share()), (4, 0.4));
/// assert!((w.gini().unwrap() - 2140.0 / 1400.0).abs() < 1e-12);   // > 1: losses
/// assert_eq!(w.rank()[1], 1);                             // customer 1 (profit 100) is first
/// assert_eq!(w.cumulative_profit()[5], 160.0);            // customer 5 (60) is second
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn whale_curve(profit: &[f64], options: &WhaleOptions) -> Result<WhaleCurve> {
    check::non_empty("profit", profit.len())?;
    if !parallel::all_finite(profit) {
        check::finite("profit", profit)?;
    }
    check_fraction("top", options.top)?;
    check_fraction("bottom", options.bottom)?;
    let n = profit.len();

    // `curve` holds the sorted profits, overwritten in place by the cumulative profit.
    let (mut curve, order) = rank_order(profit);
    let nf = n as f64;
    let bottom_count = ((options.bottom * nf).floor() as usize).min(n);
    let mut sums = running_sums(&mut curve, &order, bottom_count, RUN_CHUNK);
    if n > RUN_CHUNK
        && !(curve[n - 1].is_finite() && sums.peak.is_finite() && sums.gini.is_finite())
    {
        // A chunk's own sum may overflow where the running sum does not: the single running
        // sum decides, as without chunks.
        curve = parallel::par_map(n, |k| profit[order[k]]);
        sums = running_sums(&mut curve, &order, bottom_count, n);
    }
    let RunningSums { peak, peak_rank, bottom_unprofitable_count, mut unprofitable, gini } = sums;
    let rank = ranks_of(&order);
    let sorted_cumulative = curve;
    let total = sorted_cumulative[n - 1];
    if !total.is_finite() || !peak.is_finite() || !gini.is_finite() {
        return Err(Error::Numerical {
            context: "whale curve".into(),
            reason: "the cumulative profit overflows".into(),
        });
    }
    let top_profit = interpolate(&sorted_cumulative, options.top * nf);
    let potential_profit = interpolate(&sorted_cumulative, nf - options.bottom * nf);
    let bottom_consumed = potential_profit - total;
    let unprofitable_count = unprofitable.len();
    parallel::par_sort_unstable(&mut unprofitable);
    let gini = (total > 0.0).then(|| gini / (nf * total));
    Ok(WhaleCurve {
        total,
        peak,
        peak_rank,
        top: options.top,
        top_profit,
        bottom: options.bottom,
        bottom_consumed,
        unprofitable_count,
        unprofitable,
        bottom_count,
        bottom_unprofitable_count,
        potential_profit,
        gini,
        order,
        rank,
        sorted_cumulative,
    })
}

#[cfg(test)]
#[path = "whale_tests.rs"]
mod tests;
