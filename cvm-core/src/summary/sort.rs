//! Sorting transaction rows by (customer id, period): a stable LSD radix sort on a packed
//! 64-bit key, spread over the thread pool, and the chunking the per-customer scan shares.
//!
//! Every function gives the same result on any number of threads (the sort is stable, so rows
//! with equal keys keep their input order and a period's amounts are summed in input order).

/// Bits per radix digit (2048 buckets: the counts of every chunk stay in the L1/L2 cache).
pub(super) const DIGIT: u32 = 11;
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

/// Pieces of the per-customer scan a thread of the pool: with one piece a thread, a thread slowed
/// by another process (or by a piece of more work) holds up the whole call; with four, the
/// others take its remaining pieces (on 2 cores shared with other work, a summary of 100,000
/// rows of text ids took 4.4–4.8 ms with one piece a thread and 3.7–3.8 ms with four).
const SCAN_PIECES: usize = 4;

/// Number of pieces the per-customer scan of `n` rows is cut into: [`SCAN_PIECES`] a part.
pub(super) fn scan_pieces(n: usize) -> usize {
    match parts(n) {
        1 => 1,
        p => p * SCAN_PIECES,
    }
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
    items: Vec<I>, f: F,
) -> Vec<T> {
    #[cfg(feature = "parallel")]
    if items.len() > 1 {
        use rayon::prelude::*;
        return items.into_par_iter().map(f).collect();
    }
    items.into_iter().map(f).collect()
}

/// The customers `0..span` (of `n` rows in all, `rows_of(c)` of them customer `c`'s) cut into
/// consecutive ranges of about equal rows, [`scan_pieces`] of them.
pub(super) fn cuts(
    span: usize, n: usize, rows_of: impl Fn(usize) -> usize,
) -> Vec<std::ops::Range<usize>> {
    let parts = scan_pieces(n);
    let mut cuts = vec![0];
    let mut seen = 0;
    for c in 0..span {
        seen += rows_of(c);
        if cuts.len() < parts && seen * parts >= n * cuts.len() {
            cuts.push(c + 1);
        }
    }
    cuts.push(span);
    cuts.windows(2).map(|w| w[0]..w[1]).collect()
}

/// The fewest rows sorted in two groups of customers (see [`groups`]).
pub(super) const GROUP_MIN_ROWS: usize = 1 << 22;

/// The radix digit that [`sorted_rows`] scatters on first: the top [`DIGIT`] of `bits` bits.
fn top_digit(bits: u32) -> impl Fn(u64) -> usize + Copy + Send + Sync {
    let low = bits.saturating_sub(DIGIT);
    move |k: u64| ((k >> low) as usize) & (BUCKETS - 1)
}

/// The ranges of [`parts`] the rows `0..n` are read in.
pub(super) fn ranges(n: usize) -> Vec<std::ops::Range<usize>> {
    let chunk = n.div_ceil(parts(n)).max(1);
    (0..n).step_by(chunk).map(|s| s..(s + chunk).min(n)).collect()
}

/// For each of the [`ranges`] of `0..n`, the number of its rows of each top digit of their
/// keys of `bits` bits: `digit(i)` is row `i`'s (the top [`DIGIT`] bits, which the caller may
/// compute from less than the whole key).
pub(super) fn digit_counts(
    n: usize, digit: impl Fn(usize) -> usize + Sync + Send,
) -> Vec<Vec<usize>> {
    map_parts(ranges(n), |r| {
        let mut count = vec![0usize; BUCKETS];
        for i in r {
            count[digit(i)] += 1;
        }
        count
    })
}

/// The top digit of the key of `row(i)`, of `bits` bits (see [`digit_counts`]).
pub(super) fn key_digit<A: Payload>(
    bits: u32, row: impl Fn(usize) -> (u64, A) + Sync + Send,
) -> impl Fn(usize) -> usize + Sync + Send {
    let digit = top_digit(bits);
    move |i| digit(row(i).0)
}

/// Consecutive ranges of top digits sorted one after the other: two of about half the rows each
/// from [`GROUP_MIN_ROWS`] rows on, so that the sorted rows of only one group are held at a time
/// (half the memory, for one more pass over the input); one range below, or when the top digit
/// does not depend on the customer alone (`whole_customers` false: a group must hold every row
/// of its customers).
pub(super) fn groups(
    counts: &[Vec<usize>], n: usize, whole_customers: bool,
) -> Vec<std::ops::Range<usize>> {
    if n < GROUP_MIN_ROWS || !whole_customers {
        return std::iter::once(0..BUCKETS).collect();
    }
    let mut seen = 0;
    for d in 0..BUCKETS {
        seen += counts.iter().map(|c| c[d]).sum::<usize>();
        if 2 * seen >= n {
            return vec![0..d + 1, d + 1..BUCKETS];
        }
    }
    std::iter::once(0..BUCKETS).collect()
}

/// `row(i)` for `i` in `0..n`, sorted stably by the low `bits` bits of their keys (the higher
/// bits equal in every key: zero, or a beginning all share): [`sorted_group`] of every top
/// digit, over the pool from [`PAR_MIN_ROWS`] rows.
pub(super) fn sorted_rows<A: Payload>(
    n: usize, bits: u32, row: impl Fn(usize) -> (u64, A) + Sync + Send,
) -> Vec<(u64, A)> {
    let counts = digit_counts(n, key_digit(bits, &row));
    sorted_group(n, bits, &counts, 0..BUCKETS, row)
}

/// The rows `row(i)` whose top digit lies in `digits`, sorted stably by the low `bits` bits of
/// their keys; `counts` are the [`digit_counts`].
///
/// One MSD pass on the top 11 bits scatters the rows, computed from the input, into their
/// buckets (each part of the input into its own slices of each bucket, in order); each bucket is
/// then sorted on its own (LSD passes in a bucket-sized buffer, in the cache; a comparison sort
/// for small ones), over the pool. The rows and one bucket-sized buffer per thread are the only
/// memory: half of what an LSD sort over the whole array needs.
pub(super) fn sorted_group<A: Payload>(
    n: usize, bits: u32, counts: &[Vec<usize>], digits: std::ops::Range<usize>,
    row: impl Fn(usize) -> (u64, A) + Sync + Send,
) -> Vec<(u64, A)> {
    let low = bits.saturating_sub(DIGIT);
    let digit = top_digit(bits);
    let total = counts.iter().map(|c| c[digits.clone()].iter().sum::<usize>()).sum();
    let mut out = vec![(0u64, A::default()); total];
    // Part c writes its rows of digit d after those of digit d of parts 0..c.
    let mut slices: Vec<Vec<&mut [(u64, A)]>> =
        counts.iter().map(|_| Vec::with_capacity(digits.len())).collect();
    let mut rest = &mut out[..];
    for d in digits.clone() {
        for (own, count) in slices.iter_mut().zip(counts) {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(count[d]);
            own.push(head);
            rest = tail;
        }
    }
    let all = digits.len() == BUCKETS;
    map_parts(ranges(n).into_iter().zip(slices).collect(), |(r, mut own)| {
        let mut pos = vec![0usize; digits.len()];
        for i in r {
            let x = row(i);
            let d = digit(x.0);
            if all || digits.contains(&d) {
                let d = d - digits.start;
                own[d][pos[d]] = x;
                pos[d] += 1;
            }
        }
    });
    if low > 0 {
        let mut buckets = Vec::with_capacity(digits.len());
        let mut rest = &mut out[..];
        for d in digits {
            let len = counts.iter().map(|c| c[d]).sum();
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(len);
            if len > 1 {
                buckets.push(head);
            }
            rest = tail;
        }
        let per_part = buckets.len().div_ceil(parts(n));
        let mut groups: Vec<Vec<&mut [(u64, A)]>> = Vec::new();
        for b in buckets {
            match groups.last_mut() {
                Some(g) if g.len() < per_part => g.push(b),
                _ => groups.push(vec![b]),
            }
        }
        map_parts(groups, |group| {
            let mut buf = Vec::new();
            for b in group {
                sort_bucket(b, low, &mut buf);
            }
        });
    }
    out
}

/// Sorts one bucket stably on the low `bits` bits of its keys, `buf` as scratch: by
/// [`sort_few_by_first`] up to 255 rows, LSD passes in `buf` from 256.
pub(super) fn sort_bucket<A: Payload>(data: &mut [(u64, A)], bits: u32, buf: &mut Vec<(u64, A)>) {
    if data.len() < 256 {
        sort_few_by_first(data);
        return;
    }
    buf.clear();
    buf.resize(data.len(), (0, A::default()));
    let mut in_data = true;
    let mut shift = 0;
    while shift < bits {
        let written = if in_data {
            lsd_pass(data, &mut buf[..], shift)
        } else {
            lsd_pass(&buf[..], data, shift)
        };
        if written {
            in_data = !in_data;
        }
        shift += DIGIT;
    }
    if !in_data {
        data.copy_from_slice(buf);
    }
}

/// Sorts pairs stably by their first element: by insertion up to 16 (a customer's rows, a
/// bucket of a few customers), a comparison sort above.
pub(super) fn sort_few_by_first<K: Copy + Ord, V: Copy>(data: &mut [(K, V)]) {
    if data.len() > 16 {
        data.sort_by_key(|r| r.0);
        return;
    }
    for i in 1..data.len() {
        let x = data[i];
        let mut j = i;
        while j > 0 && data[j - 1].0 > x.0 {
            data[j] = data[j - 1];
            j -= 1;
        }
        data[j] = x;
    }
}

/// One stable counting pass on the digit at `shift`; false (nothing written) when every row
/// has the same digit.
fn lsd_pass<A: Payload>(src: &[(u64, A)], dst: &mut [(u64, A)], shift: u32) -> bool {
    let digit = |k: u64| ((k >> shift) as usize) & (BUCKETS - 1);
    let mut pos = vec![0usize; BUCKETS];
    for &(k, _) in src {
        pos[digit(k)] += 1;
    }
    if pos.contains(&src.len()) {
        return false;
    }
    let mut at = 0;
    for p in pos.iter_mut() {
        let c = *p;
        *p = at;
        at += c;
    }
    for &(k, a) in src {
        let d = digit(k);
        dst[pos[d]] = (k, a);
        pos[d] += 1;
    }
    true
}

/// Splits `0..n` rows sorted by customer into about [`scan_pieces`] ranges that never cut a
/// customer: `same(i)` says whether row `i` has the customer of row `i - 1`.
pub(super) fn customer_ranges(
    n: usize, same: impl Fn(usize) -> bool,
) -> Vec<std::ops::Range<usize>> {
    let p = scan_pieces(n);
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
    fn sorted_rows_are_stable_and_sorted() {
        // keys with many duplicates, big and small buckets; the payload records the input position
        let rows: Vec<(u64, f64)> = (0..200_000u64)
            .map(|i| {
                ((i * 7919) % 5003 + ((i % 3) << 30) + (((i % 7 == 0) as u64) << 21), i as f64)
            })
            .collect();
        let mut expected = rows.clone();
        expected.sort_by_key(|r| r.0);
        assert_eq!(sorted_rows(rows.len(), 32, |i| rows[i]), expected);
    }

    #[test]
    fn sorts_a_bucket_of_full_keys_stably_skipping_the_digits_every_key_shares() {
        // duplicates, bytes shared by every key (the top three, the lowest), full 64-bit keys,
        // and the small sizes sorted by insertion; the payload records the input position
        let mixed = |i: u64| (0xAB_CD_EF << 40) | (((i * 7919) % 5003) << 8) | 0x42;
        let full = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (i % 3);
        for (n, key) in [(50_000, &mixed as &dyn Fn(u64) -> u64), (50_000, &full), (13, &full)] {
            let mut rows: Vec<(u64, u32)> = (0..n).map(|i| (key(i as u64), i)).collect();
            let mut expected = rows.clone();
            expected.sort_by_key(|r| r.0);
            sort_bucket(&mut rows, 64, &mut Vec::new());
            assert_eq!(rows, expected);
        }
        let mut same = vec![(7u64, 1u8), (7, 0), (7, 2)];
        sort_bucket(&mut same, 64, &mut Vec::new());
        assert_eq!(same, [(7, 1), (7, 0), (7, 2)]);
    }

    #[test]
    fn groups_sort_to_the_same_rows_in_two_halves() {
        let n = GROUP_MIN_ROWS + 1000;
        let row = |i: usize| (((i as u64 * 2_654_435_761) % 1_000_003) << 10 | (i as u64 % 7), i);
        let counts = digit_counts(n, key_digit(30, row));
        let halves = groups(&counts, n, true);
        assert_eq!(halves.len(), 2);
        let mut joined = Vec::new();
        for g in halves {
            joined.extend(sorted_group(n, 30, &counts, g, row));
        }
        assert_eq!(joined, sorted_rows(n, 30, row));
        assert_eq!(
            groups(&digit_counts(1000, key_digit(30, row)), 1000, true),
            [0..BUCKETS; 1].to_vec()
        );
        assert_eq!(groups(&counts, n, false), [0..BUCKETS; 1].to_vec());
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
