//! Whale curve: cumulative profit by customer rank, the 80-20-30 analysis and the Gini
//! coefficient of profit.

use crate::builder::with_setters;
use crate::error::{check, Error, Result};
use crate::parallel::{par_map, rows_where};
use std::sync::atomic::{AtomicUsize, Ordering};

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

    /// Cumulative profit `C(rank)` at each customer, in the input order.
    pub fn cumulative_profit(&self) -> Vec<f64> {
        par_map(self.len(), |i| self.sorted_cumulative[self.rank[i] - 1])
    }

    /// Cumulative share of total profit `C(rank) / total` at each customer, in the input order,
    /// when `total > 0`.
    pub fn cumulative_share(&self) -> Option<Vec<f64>> {
        (self.total > 0.0)
            .then(|| par_map(self.len(), |i| self.sorted_cumulative[self.rank[i] - 1] / self.total))
    }

    /// Share of customers up to and including each customer, `rank / n`, in the input order.
    pub fn customer_share(&self) -> Vec<f64> {
        let n = self.len() as f64;
        par_map(self.len(), |i| self.rank[i] as f64 / n)
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
#[derive(Default)]
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
fn rank_order_radix(profit: &[f64]) -> (Vec<f64>, Vec<usize>) {
    const BITS: usize = 8;
    const BUCKETS: usize = 1 << BITS;
    const LOW: usize = 32; // bits left to the run sort
    const PASSES: usize = (64 - LOW) / BITS;
    let n = profit.len();
    let mut keys: Vec<u64> = profit.iter().map(|&x| descending_key(x)).collect();
    let mut idx: Vec<u32> = (0..n as u32).collect();
    let digit = |k: u64, p: usize| ((k >> (LOW + p * BITS)) as usize) & (BUCKETS - 1);
    let mut hist = vec![[0usize; BUCKETS]; PASSES];
    for &k in &keys {
        for (p, h) in hist.iter_mut().enumerate() {
            h[digit(k, p)] += 1;
        }
    }
    let mut keys_out = vec![0u64; n];
    let mut idx_out = vec![0u32; n];
    for (p, h) in hist.iter().enumerate() {
        if h.contains(&n) {
            continue; // every key has the same digit: the pass would not move anything
        }
        let mut offset = [0usize; BUCKETS];
        let mut sum = 0;
        for (o, &c) in offset.iter_mut().zip(h.iter()) {
            *o = sum;
            sum += c;
        }
        for (&k, &i) in keys.iter().zip(&idx) {
            let d = digit(k, p);
            let o = offset[d];
            keys_out[o] = k;
            idx_out[o] = i;
            offset[d] = o + 1;
        }
        std::mem::swap(&mut keys, &mut keys_out);
        std::mem::swap(&mut idx, &mut idx_out);
    }
    drop((keys_out, idx_out));
    // Finish runs with equal upper bits. Within a run the input order is kept so far, so a run
    // whose keys are already non-decreasing is in its final order.
    let mut run: Vec<(u64, u32)> = Vec::new();
    let mut start = 0;
    while start < n {
        let high = keys[start] >> LOW;
        let mut end = start + 1;
        while end < n && keys[end] >> LOW == high {
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
    (keys.into_iter().map(profit_of_key).collect(), idx.into_iter().map(|i| i as usize).collect())
}

/// `rank[order[k]] = k + 1`: each customer's 1-based rank, from the ranking `order` (a
/// permutation of `0..n`). Written on the thread pool as [`par_map`] writes (relaxed atomic
/// stores, each slot written once).
fn inverse_permutation(order: &[usize]) -> Vec<usize> {
    let rank: Vec<AtomicUsize> = par_map(order.len(), |_| AtomicUsize::new(0));
    par_map(order.len(), |k| rank[order[k]].store(k + 1, Ordering::Relaxed));
    rank.into_iter().map(AtomicUsize::into_inner).collect()
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
/// Work O(n): a radix sort of the profits and one compensated running sum on one thread (the
/// sort moves memory, which a second core does not speed up here: `docs/benchmarks.md`); the
/// profit check, the ranks, the list of losses (a scan of the input, no sort) and the
/// per-customer columns ([`WhaleCurve::cumulative_profit`], …) run on the thread pool.
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
    check::finite("profit", profit)?;
    check_fraction("top", options.top)?;
    check_fraction("bottom", options.bottom)?;
    let n = profit.len();

    // `curve` holds the sorted profits, overwritten in place by the cumulative profit.
    let (mut curve, order) = rank_order(profit);
    let rank = inverse_permutation(&order);
    // The losses in ascending index order, by a scan of the input (no sort). Ranked from the
    // most profitable, they take the last ranks, so the `bottom_count` last ranks hold
    // `min(losses, bottom_count)` of them.
    let unprofitable = rows_where(n, |i| profit[i] < 0.0);
    let nf = n as f64;
    let bottom_count = ((options.bottom * nf).floor() as usize).min(n);
    let bottom_unprofitable_count = unprofitable.len().min(bottom_count);
    let mut running = Compensated::default();
    let mut gini_sum = Compensated::default();
    let (mut peak, mut peak_rank) = (0.0f64, 0usize);
    let weight0 = n as f64 - 1.0;
    for (k0, slot) in curve.iter_mut().enumerate() {
        let x = *slot;
        running.add(x);
        let c = running.value();
        *slot = c;
        if c > peak {
            peak = c;
            peak_rank = k0 + 1;
        }
        // Ascending position i' = n − k0, weight 2i' − n − 1 = n − 1 − 2·k0.
        gini_sum.add((weight0 - 2.0 * k0 as f64) * x);
    }
    let sorted_cumulative = curve;
    let total = sorted_cumulative[n - 1];
    if !total.is_finite() || !peak.is_finite() || !gini_sum.value().is_finite() {
        return Err(Error::Numerical {
            context: "whale curve".into(),
            reason: "the cumulative profit overflows".into(),
        });
    }
    let top_profit = interpolate(&sorted_cumulative, options.top * nf);
    let potential_profit = interpolate(&sorted_cumulative, nf - options.bottom * nf);
    let bottom_consumed = potential_profit - total;
    let unprofitable_count = unprofitable.len();
    let gini = (total > 0.0).then(|| gini_sum.value() / (nf * total));
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
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// The next value of a xorshift generator: reproducible test profits.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn ranking_is_descending_then_by_index() {
        let xs = [-1.5, 0.0, -0.0, 3.0, f64::MAX, f64::MIN, 1e-300, -1e-300, 3.0];
        let want = vec![4, 3, 8, 6, 1, 2, 7, 0, 5];
        assert_eq!(rank_order_comparison(&xs).1, want);
        let (sorted, order) = rank_order_radix(&xs);
        assert_eq!(order, want);
        let want_sorted: Vec<f64> = want.iter().map(|&i| xs[i]).collect();
        assert_eq!(sorted, want_sorted);
        assert_eq!(rank_order_radix(&[2.0; 5]).1, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn radix_and_comparison_orders_agree() {
        // Deterministic pseudo-random profits with many ties and both signs.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let xs: Vec<f64> = (0..5000)
            .map(|_| {
                let u = xorshift(&mut state);
                ((u % 2001) as f64 - 1000.0) * if u.is_multiple_of(7) { 1e-3 } else { 1.0 }
            })
            .collect();
        assert_eq!(rank_order_radix(&xs), rank_order_comparison(&xs));
        // Values that differ only in the low bits (long runs finished by the comparison sort).
        let clustered: Vec<f64> =
            (0..3000u64).map(|i| f64::from_bits(1.0f64.to_bits() + (i * 7919) % 1013)).collect();
        assert_eq!(rank_order_radix(&clustered), rank_order_comparison(&clustered));
    }

    #[test]
    fn interpolation_between_ranks() {
        let cum = [10.0, 15.0, 12.0];
        let cases = [(0.0, 0.0), (0.5, 5.0), (1.0, 10.0), (1.5, 12.5), (2.5, 13.5), (3.0, 12.0)];
        for (h, want) in cases {
            assert_relative_eq!(interpolate(&cum, h), want, max_relative = 1e-15);
        }
    }

    #[test]
    fn gini_reference_cases() {
        // (profits, gini): equal → 0; one customer has everything → (n − 1)/n;
        // 1, 2, 3, 4: mean |x_i − x_j| over all n² pairs = 20/16, mean 2.5 → 0.25.
        let cases: [(&[f64], f64); 3] =
            [(&[5.0, 5.0, 5.0], 0.0), (&[0.0, 0.0, 0.0, 8.0], 0.75), (&[3.0, 1.0, 4.0, 2.0], 0.25)];
        for (p, want) in cases {
            let g = whale_curve(p, &WhaleOptions::default()).unwrap().gini().unwrap();
            assert_relative_eq!(g, want, epsilon = 1e-15);
        }
        let w = whale_curve(&[-1.0, 1.0], &WhaleOptions::default()).unwrap();
        assert_eq!(w.gini(), None);
        assert_eq!(w.top_share(), None);
        assert_eq!(w.cumulative_share(), None);
    }

    #[test]
    fn all_negative_profits_peak_at_zero() {
        let w = whale_curve(&[-3.0, -1.0], &WhaleOptions::default()).unwrap();
        assert_eq!((w.peak(), w.peak_rank(), w.total()), (0.0, 0, -4.0));
        assert_eq!(w.tail_consumed(), 4.0);
        assert_eq!(w.bottom_consumed_share(), None);
        assert_eq!(w.unprofitable_count(), 2);
    }

    #[test]
    fn net_profitable_bottom_is_said_in_words() {
        // Ten customers, one loses 1: the bottom 30 % (1, 0.5, −1) add 0.5.
        let p = [50.0, 40.0, 30.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, -1.0];
        let w = whale_curve(&p, &WhaleOptions::default()).unwrap();
        assert_relative_eq!(w.bottom_consumed(), -0.5, epsilon = 1e-12);
        assert_relative_eq!(w.bottom_profit(), 0.5, epsilon = 1e-12);
        assert!(w.bottom_net_profitable());
        assert_eq!((w.bottom_count(), w.bottom_unprofitable_count()), (3, 1));
        assert_relative_eq!(w.bottom_share_of_top().unwrap(), -0.5 / 90.0, epsilon = 1e-15);
        assert_eq!(w.unprofitable(), &[9]);
        assert_eq!(
            w.interpretation(),
            "the bottom 30 % (3 customers) are net profitable: they add 0.50 to profit and \
             consume none of it (the 80/20/30 pattern does not hold); 1 of them loses money"
        );
        let w =
            whale_curve(&[3.0, 0.0, 0.0, 0.0], &WhaleOptions { top: 0.25, bottom: 0.5 }).unwrap();
        assert!(w.interpretation().contains("(2 customers) break even"), "{}", w.interpretation());
        assert_eq!(w.bottom_share_of_potential(), Some(0.0));
        let w = whale_curve(&[-3.0, -1.0], &WhaleOptions::default()).unwrap();
        assert_eq!(w.bottom_share_of_top(), None);
        assert!(w.interpretation().contains("an undefined share"), "{}", w.interpretation());
    }

    #[test]
    fn fractional_top_and_bottom_interpolate() {
        // 3 customers, top 0.5 → C(1.5) = 9 + 0.5 · 6; bottom 0.5 → C(1.5) − total.
        let w = whale_curve(&[6.0, 9.0, -3.0], &WhaleOptions { top: 0.5, bottom: 0.5 }).unwrap();
        assert_relative_eq!(w.top_profit(), 12.0, epsilon = 1e-12);
        assert_relative_eq!(w.bottom_consumed(), 0.0, epsilon = 1e-12);
        assert_eq!(w.curve_at(1.0).unwrap(), 12.0);
        assert_eq!(w.curve_at(0.0).unwrap(), 0.0);
    }

    /// 100,000 customers (past the pool's scan size) with ties, zeros of both signs and
    /// losses: ranks, losses and the bottom's losses as a direct reading of the ranking gives
    /// them, the same on one thread and on four.
    #[cfg(feature = "parallel")]
    #[test]
    fn large_curves_rank_and_list_losses_alike_on_any_threads() {
        use crate::parallel::on_one_and_four_threads;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let profit: Vec<f64> = (0..100_000)
            .map(|i| match i % 11 {
                0 => -0.0,
                1 => 0.0,
                _ => (xorshift(&mut state) % 601) as f64 - 250.0,
            })
            .collect();
        let options = WhaleOptions { bottom: 0.25, ..WhaleOptions::default() };
        let (one, four) = on_one_and_four_threads(|| whale_curve(&profit, &options).unwrap());
        assert_eq!(one.rank(), four.rank());
        assert_eq!(one.unprofitable(), four.unprofitable());
        assert_eq!(one.bottom_unprofitable_count(), four.bottom_unprofitable_count());
        let order = rank_order_comparison(&profit).1;
        assert_eq!(one.order(), order);
        for (k, &i) in order.iter().enumerate() {
            assert_eq!(one.rank()[i], k + 1);
        }
        let losses: Vec<usize> = (0..profit.len()).filter(|&i| profit[i] < 0.0).collect();
        assert_eq!(one.unprofitable(), losses);
        let bottom = one.bottom_count();
        let in_bottom = order[order.len() - bottom..].iter().filter(|&&i| profit[i] < 0.0).count();
        assert_eq!((bottom, one.bottom_unprofitable_count()), (25_000, in_bottom));
        // Fewer losses than the bottom holds: all of them are in it.
        let w = whale_curve(&profit, &WhaleOptions { bottom: 0.9, ..options }).unwrap();
        assert_eq!(w.bottom_unprofitable_count(), losses.len());
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let o = WhaleOptions::default();
        let cases: [(&[f64], WhaleOptions, &str, Option<usize>); 5] = [
            (&[1.0, f64::NAN], o, "profit", Some(1)),
            (&[f64::INFINITY], o, "profit", Some(0)),
            (&[1.0], WhaleOptions { top: 1.5, ..o }, "top", None),
            (&[1.0], WhaleOptions { bottom: -0.1, ..o }, "bottom", None),
            (&[1.0], WhaleOptions { top: f64::NAN, ..o }, "top", None),
        ];
        for (p, opts, field, index) in cases {
            let e = whale_curve(p, &opts).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{p:?} {opts:?}");
        }
        assert!(matches!(whale_curve(&[], &o), Err(Error::Empty { .. })));
        let w = whale_curve(&[1.0], &o).unwrap();
        assert_eq!(w.curve_at(2.0).unwrap_err().field(), Some("fraction"));
    }
}
