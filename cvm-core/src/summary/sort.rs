//! Sorting transaction rows by (customer id, period): a stable LSD radix sort on a packed
//! 64-bit key, spread over the thread pool, and the chunking the per-customer scan shares.
//!
//! Every function gives the same result on any number of threads (the sort is stable, so rows
//! with equal keys keep their input order and a period's amounts are summed in input order).

/// Bits per radix digit (2048 buckets: the counts of every chunk stay in the L1/L2 cache).
const DIGIT: u32 = 11;
const BUCKETS: usize = 1 << DIGIT;

/// The fewest rows the sort and the scan spread over threads (below it one thread is faster).
pub(super) const PAR_MIN_ROWS: usize = 1 << 16;

/// What a sorted row carries besides its key: its amount, or nothing (`()`: 8-byte rows).
pub(super) trait Payload: Copy + Default + Send + Sync {}

impl<T: Copy + Default + Send + Sync> Payload for T {}

/// Number of parts `n` rows are split into: one per thread of the pool from
/// [`PAR_MIN_ROWS`] rows on (with the `parallel` feature), else 1.
pub(super) fn parts(n: usize) -> usize {
    #[cfg(feature = "parallel")]
    if n >= PAR_MIN_ROWS {
        return rayon::current_num_threads().max(1);
    }
    let _ = n;
    1
}

/// `f(i)` for `i` in `0..n`, collected in order (over the pool from [`PAR_MIN_ROWS`] rows on).
pub(super) fn build<T: Send, F: Fn(usize) -> T + Sync + Send>(n: usize, f: F) -> Vec<T> {
    #[cfg(feature = "parallel")]
    if parts(n) > 1 {
        use rayon::prelude::*;
        let mut out = Vec::new();
        (0..n).into_par_iter().with_min_len(PAR_MIN_ROWS / 4).map(f).collect_into_vec(&mut out);
        return out;
    }
    (0..n).map(f).collect()
}

/// `f` applied to each item, in order; over the pool when there is more than one item.
pub(super) fn map_parts<I: Send, T: Send, F: Fn(I) -> T + Sync + Send>(
    items: Vec<I>,
    f: F,
) -> Vec<T> {
    #[cfg(feature = "parallel")]
    if items.len() > 1 {
        use rayon::prelude::*;
        return items.into_par_iter().map(f).collect();
    }
    items.into_iter().map(f).collect()
}

/// Stable LSD radix sort of `(key, payload)` rows on the low `bits` bits of the key.
///
/// With `p` parts, each pass counts the digits of each part, carves the output into one slice
/// per (digit, part) in digit-major order and lets each part scatter its rows into its own
/// slices: the order is that of the one-thread sort.
pub(super) fn radix_sort<A: Payload>(mut data: Vec<(u64, A)>, bits: u32) -> Vec<(u64, A)> {
    let n = data.len();
    let p = parts(n);
    let chunk = n.div_ceil(p).max(1);
    let mut buf = vec![(0u64, A::default()); n];
    let mut shift = 0;
    while shift < bits {
        let digit = move |k: u64| ((k >> shift) as usize) & (BUCKETS - 1);
        let chunks: Vec<&[(u64, A)]> = data.chunks(chunk).collect();
        let counts = map_parts(chunks, |rows| {
            let mut count = vec![0usize; BUCKETS];
            for &(k, _) in rows {
                count[digit(k)] += 1;
            }
            count
        });
        let every_row_one_digit =
            (0..BUCKETS).any(|d| counts.iter().map(|c| c[d]).sum::<usize>() == n);
        if !every_row_one_digit {
            if counts.len() == 1 {
                scatter_one(&data, &mut buf, &counts[0], digit);
            } else {
                scatter_parts(&data, &mut buf, &counts, chunk, digit);
            }
            std::mem::swap(&mut data, &mut buf);
        }
        shift += DIGIT;
    }
    data
}

/// One pass on one thread.
fn scatter_one<A: Payload>(
    data: &[(u64, A)],
    buf: &mut [(u64, A)],
    count: &[usize],
    digit: impl Fn(u64) -> usize,
) {
    let mut pos = vec![0usize; BUCKETS];
    let mut at = 0;
    for (p, c) in pos.iter_mut().zip(count) {
        *p = at;
        at += c;
    }
    for &(k, a) in data {
        let d = digit(k);
        buf[pos[d]] = (k, a);
        pos[d] += 1;
    }
}

/// One pass over several parts: part `c` writes its rows of digit `d` into the slice after
/// those of digit `d` of parts `0..c` (and after every row of the smaller digits).
fn scatter_parts<A: Payload>(
    data: &[(u64, A)],
    buf: &mut [(u64, A)],
    counts: &[Vec<usize>],
    chunk: usize,
    digit: impl Fn(u64) -> usize + Sync + Send,
) {
    let mut outs: Vec<Vec<&mut [(u64, A)]>> =
        counts.iter().map(|_| Vec::with_capacity(BUCKETS)).collect();
    let mut rest = buf;
    for d in 0..BUCKETS {
        for (out, count) in outs.iter_mut().zip(counts) {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(count[d]);
            out.push(head);
            rest = tail;
        }
    }
    let work: Vec<(&[(u64, A)], Vec<&mut [(u64, A)]>)> = data.chunks(chunk).zip(outs).collect();
    map_parts(work, |(rows, mut out)| {
        let mut pos = vec![0usize; BUCKETS];
        for &(k, a) in rows {
            let d = digit(k);
            out[d][pos[d]] = (k, a);
            pos[d] += 1;
        }
    });
}

/// Splits `0..n` rows sorted by customer into about [`parts`] ranges that never cut a
/// customer: `same(i)` says whether row `i` has the customer of row `i - 1`.
pub(super) fn customer_ranges(
    n: usize,
    same: impl Fn(usize) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let p = parts(n);
    let mut starts = vec![0];
    for c in 1..p {
        let mut s = (n * c / p).max(*starts.last().unwrap_or(&0) + 1);
        while s < n && same(s) {
            s += 1;
        }
        if s < n && s > *starts.last().unwrap_or(&0) {
            starts.push(s);
        }
    }
    starts.iter().zip(starts.iter().skip(1).chain([&n])).map(|(&a, &b)| a..b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_is_stable_and_sorted() {
        // keys with many duplicates; the payload records the input position
        let rows: Vec<(u64, f64)> =
            (0..200_000u64).map(|i| ((i * 7919) % 5003 + ((i % 3) << 30), i as f64)).collect();
        let mut expected = rows.clone();
        expected.sort_by_key(|r| r.0);
        assert_eq!(radix_sort(rows, 32), expected);
    }

    #[test]
    fn customer_ranges_never_cut_a_customer() {
        let ids: Vec<u64> = (0..300_000u64).map(|i| i / 1000).collect();
        let ranges = customer_ranges(ids.len(), |i| ids[i] == ids[i - 1]);
        assert_eq!(ranges.first().map(|r| r.start), Some(0));
        assert_eq!(ranges.last().map(|r| r.end), Some(ids.len()));
        for w in ranges.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert_ne!(ids[w[1].start], ids[w[1].start - 1]);
        }
    }
}
