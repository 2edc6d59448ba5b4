//! Sorting integer keys on the thread pool: runs sorted by the standard library's unstable
//! sort, a task a run, then merged pairwise, each merge cut into a task per thread at output
//! positions found by bisection (so no pass over all keys runs on one thread).
//!
//! For plain `u64` keys (the order keys of `f64` values) this beat rayon's parallel quicksort,
//! which partitions the whole slice on one thread before it splits: 1M random keys took 6.7 ms
//! on two threads against 10–16 ms for rayon's and 10.5 ms for the sequential sort. For wider
//! elements (tuples of several keys and a row) rayon's stayed faster (27 against 33 ms for 1M
//! 32-byte tuples), so [`super::par_sort_unstable`] keeps it.

use super::{par_copy, par_tasks_owned, sorts_on_pool, threads};

/// Sorts `keys` on the thread pool from [`super::PAR_SORT_FROM`] keys on a pool of more than
/// one thread ([`sorts_on_pool`]), else on the calling thread; the same result either way.
/// Work O(n log n); a second array of `keys`' size while it sorts on the pool.
pub(crate) fn par_sort_keys(keys: &mut [u64]) {
    if sorts_on_pool(keys.len()) {
        sort_and_merge(keys);
        return;
    }
    keys.sort_unstable();
}

/// `keys` cut into runs, each sorted on a task of its own and never merged: one run for every
/// thread from [`super::PAR_SORT_FROM`] keys on a pool of more than one thread ([`sorts_on_pool`]),
/// else one run sorted on the calling thread. Returns the runs' bounds (from 0 to `keys.len()`).
/// For callers that only count or select in the sorted order (by bisection in each run), this is
/// the sort without its merge rounds and their second array. Work O(n log n).
pub(crate) fn sorted_runs(keys: &mut [u64]) -> Vec<usize> {
    let n = keys.len();
    sort_runs(keys, if sorts_on_pool(n) { threads() } else { 1 })
}

/// `v` cut into `runs` runs of nearly equal length, each sorted on a task of its own; returns
/// their bounds (from 0 to `v.len()`).
fn sort_runs<T: Ord + Send>(v: &mut [T], runs: usize) -> Vec<usize> {
    let n = v.len();
    let bounds: Vec<usize> = (0..=runs).map(|r| r * n / runs).collect();
    par_tasks_owned(cut(v, &bounds), |_, run| run.sort_unstable());
    bounds
}

/// A key of `x` whose unsigned order is `f64::total_cmp`'s (−0.0 before +0.0, negative values
/// before positive ones, NaN by its sign bit at either end).
pub(crate) fn order_key(x: f64) -> u64 {
    let b = x.to_bits();
    b ^ ((((b as i64) >> 63) as u64) | 1 << 63)
}

/// The value whose [`order_key`] is `k` (bit for bit).
pub(crate) fn from_order_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k ^ 1 << 63 } else { !k })
}

/// The runs sorted a task each, then `log2(runs)` rounds of pairwise merges between `v` and a
/// second array, starting where the last round ends in `v`.
fn sort_and_merge<T: Ord + Copy + Send + Sync>(v: &mut [T]) {
    let runs = threads().next_power_of_two().max(2);
    let rounds = runs.trailing_zeros();
    let mut other = par_copy(v);
    // An odd number of rounds ends in `other`'s partner: sort the runs in `other`.
    let (mut from, mut to): (&mut [T], &mut [T]) = match rounds % 2 {
        1 => (&mut other, v),
        _ => (v, &mut other),
    };
    let bounds = sort_runs(from, runs);
    for round in 0..rounds {
        let step = 1 << round;
        let edges: Vec<usize> = bounds.iter().copied().step_by(step).collect();
        merge_round(from, to, &edges);
        std::mem::swap(&mut from, &mut to);
    }
}

/// `v` cut at `bounds` (ascending, from 0 to `v.len()`).
fn cut<'a, T>(v: &'a mut [T], bounds: &[usize]) -> Vec<&'a mut [T]> {
    let mut rest = v;
    let mut parts = Vec::with_capacity(bounds.len());
    for w in bounds.windows(2) {
        let (part, tail) = std::mem::take(&mut rest).split_at_mut(w[1] - w[0]);
        parts.push(part);
        rest = tail;
    }
    parts
}

/// Merges the sorted runs `from[edges[2k]..edges[2k+1]]` and `from[edges[2k+1]..edges[2k+2]]`
/// into `to[edges[2k]..edges[2k+2]]` for every k, each merge cut into [`threads`] tasks of equal
/// output.
fn merge_round<T: Ord + Copy + Send + Sync>(from: &[T], to: &mut [T], edges: &[usize]) {
    let parts = threads().max(1);
    let mut tasks = Vec::new(); // (output bounds, the runs' parts) in output order
    let mut out_bounds = vec![0];
    for pair in edges.windows(3).step_by(2) {
        let (a, b) = (&from[pair[0]..pair[1]], &from[pair[1]..pair[2]]);
        let len = a.len() + b.len();
        let split = |k: usize| {
            let i = co_rank(k, a, b);
            (i, k - i)
        };
        for q in 0..parts {
            let ((i0, j0), (i1, j1)) = (split(q * len / parts), split((q + 1) * len / parts));
            tasks.push((&a[i0..i1], &b[j0..j1]));
            out_bounds.push(pair[0] + (q + 1) * len / parts);
        }
    }
    let outs = cut(to, &out_bounds);
    let work: Vec<_> = outs.into_iter().zip(tasks).collect();
    par_tasks_owned(work, |_, (out, (a, b))| merge_into(out, a, b));
}

/// How many of the first `k` elements of the merge of sorted `a` and `b` come from `a` (on
/// ties, `a`'s elements first): the smallest `i` with `b[k − i − 1] < a[i]`, by bisection.
fn co_rank<T: Ord>(k: usize, a: &[T], b: &[T]) -> usize {
    let (mut lo, mut hi) = (k.saturating_sub(b.len()), k.min(a.len()));
    while lo < hi {
        let i = lo + (hi - lo) / 2;
        // i < hi ≤ k, so 1 ≤ k − i ≤ b.len().
        if b[k - i - 1] < a[i] {
            hi = i;
        } else {
            lo = i + 1;
        }
    }
    lo
}

/// The merge of sorted `a` and `b` (on ties, `a`'s elements first) into `out`: while both have
/// elements, the smaller is chosen without a branch (a branch on random keys is mispredicted
/// every other element), then the rest of the other copied.
fn merge_into<T: Ord + Copy>(out: &mut [T], a: &[T], b: &[T]) {
    let (mut i, mut j, mut o) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (&a[i], &b[j]);
        let take_a = x <= y;
        out[o] = *if take_a { x } else { y };
        i += usize::from(take_a);
        j += usize::from(!take_a);
        o += 1;
    }
    out[o..o + a.len() - i].copy_from_slice(&a[i..]);
    o += a.len() - i;
    out[o..].copy_from_slice(&b[j..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sequential sort's result on one, two, three and four threads: distinct keys, heavy
    /// ties, two values, sorted and reversed input, and lengths that do not split evenly.
    #[test]
    #[cfg(feature = "parallel")]
    fn runs_merged_on_the_pool_give_the_sequential_sort() {
        let n = 200_003;
        let stream: Vec<u64> = crate::testing::xorshift(5).take(n).collect();
        let cases: Vec<Vec<u64>> = vec![
            stream.clone(),
            stream.iter().map(|&s| s % 20).collect(),
            stream.iter().map(|&s| s % 2).collect(),
            (0..n as u64).collect(),
            (0..n as u64).rev().collect(),
            (0..70_001).map(|i| i % 7).collect(),
        ];
        for values in cases {
            let mut want = values.clone();
            want.sort_unstable();
            let sorted = || {
                let mut v = values.clone();
                par_sort_keys(&mut v);
                v
            };
            let (one, four) = crate::parallel::on_one_and_four_threads(sorted);
            assert_eq!(one, want);
            assert_eq!(four, want);
            for t in [2, 3] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap();
                assert_eq!(pool.install(sorted), want, "{t} threads");
            }
        }
    }

    /// One sorted run a thread from `PAR_SORT_FROM` keys on a pool of more than one thread,
    /// one below or on one thread; the runs together hold the keys.
    #[test]
    #[cfg(feature = "parallel")]
    fn sorted_runs_are_sorted_and_hold_the_keys() {
        let keys: Vec<u64> = crate::testing::xorshift(9).take(200_003).map(|s| s % 1000).collect();
        for (t, n, runs) in [(1, 200_003, 1), (2, 200_003, 2), (3, 200_003, 3), (4, 1000, 1)] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap();
            let mut v = keys[..n].to_vec();
            let bounds = pool.install(|| sorted_runs(&mut v));
            assert_eq!((bounds.len(), bounds[0], bounds[runs]), (runs + 1, 0, n), "{t} threads");
            assert!(bounds.windows(2).all(|w| v[w[0]..w[1]].is_sorted()));
            v.sort_unstable();
            let mut part = keys[..n].to_vec();
            part.sort_unstable();
            assert_eq!(v, part);
        }
    }

    /// Order keys sort as `f64::total_cmp` and give back the value bit for bit.
    #[test]
    fn order_keys_sort_as_total_cmp_and_round_trip() {
        let values = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            f64::MIN_POSITIVE,
            1.0,
            1e300,
            f64::INFINITY,
        ];
        for w in values.windows(2) {
            assert!(order_key(w[0]) < order_key(w[1]), "{} {}", w[0], w[1]);
        }
        for v in values {
            assert_eq!(from_order_key(order_key(v)).to_bits(), v.to_bits());
        }
    }

    #[test]
    fn co_rank_splits_the_merge() {
        let (a, b) = ([1, 3, 3, 5], [2, 3, 4]);
        let ranks: Vec<usize> = (0..=7).map(|k| co_rank(k, &a, &b)).collect();
        // merged: 1a 2b 3a 3a 3b 4b 5a
        assert_eq!(ranks, [0, 1, 1, 2, 3, 3, 3, 4]);
    }
}
