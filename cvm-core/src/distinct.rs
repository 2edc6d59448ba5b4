//! Distinct values of many rows by hashing, on the thread pool: the one grouping behind text
//! customer ids ([`crate::summary::text_codes`], [`crate::summary::summarize_text`]), the
//! compression of customer summaries ([`crate::compress()`]) and the distinct histories of CLV,
//! and, of 64-bit words ([`distinct_words`]), the join of unsorted ids in migrations and CLV's
//! frequencies.
//!
//! The caller gives each row an item (what its table compares, or a hash of it) and a hash of
//! the item (equal values hash alike), and scans items through a hash table of their distinct
//! values ([`Scan`], by [`scan_table`] with entries of its own). [`by_shard`] runs the scan over
//! all rows at once or, from `SHARDED_FROM` rows with the `parallel` feature, in shards by the
//! hash's top bits (a value's rows all in one shard), and returns each shard's output;
//! [`first_appearance`] returns the same for either: each row's distinct index and each distinct
//! value's first row.

use crate::parallel::par_fill_with;
#[cfg(feature = "parallel")]
use crate::parallel::{par_fill, par_tasks};

/// Items of `n` rows grouped by bucket chunk by chunk: chunk `c` (rows `c·chunk ..`, at most
/// 2³² rows) holds its items in one part of one array, sorted stably by bucket (a counting sort,
/// one task a chunk on the thread pool), so that a bucket's items are a run in each chunk, in
/// row order. Work O(n); memory one item a row.
pub(crate) struct Grouped<T> {
    items: Vec<T>,
    /// Chunk c's bucket b at `starts[c·(buckets+1) + b] .. starts[c·(buckets+1) + b + 1]` of
    /// the chunk's part.
    starts: Vec<u32>,
    chunk: usize,
    buckets: usize,
}

impl<T: Copy + Default + Send + Sync> Grouped<T> {
    /// Groups the items `f(i) = (item, bucket)` of rows `0..n` (`bucket < buckets`).
    pub(crate) fn new(
        n: usize, chunk: usize, buckets: usize, f: impl Fn(usize) -> (T, usize) + Sync,
    ) -> Self {
        let mut items = vec![T::default(); n];
        let mut starts = vec![0u32; n.div_ceil(chunk) * (buckets + 1)];
        let mut per_chunk: Vec<&mut [u32]> = starts.chunks_mut(buckets + 1).collect();
        par_fill_with(&mut items, chunk, &mut per_chunk, |c, part, start| {
            let keyed: Vec<(T, usize)> = (c * chunk..c * chunk + part.len()).map(&f).collect();
            for &(_, b) in &keyed {
                start[b + 1] += 1;
            }
            for b in 0..buckets {
                start[b + 1] += start[b];
            }
            let mut next = start[..buckets].to_vec();
            for (t, b) in keyed {
                part[next[b] as usize] = t;
                next[b] += 1;
            }
        });
        Grouped { items, starts, chunk, buckets }
    }

    /// The number of chunks.
    pub(crate) fn chunks(&self) -> usize {
        self.items.len().div_ceil(self.chunk)
    }

    /// The items of chunk `c` in bucket `b`, in row order.
    pub(crate) fn run(&self, c: usize, b: usize) -> &[T] {
        let s = &self.starts[c * (self.buckets + 1)..];
        &self.items[c * self.chunk..][s[b] as usize..s[b + 1] as usize]
    }

    /// The items of bucket `b`, chunk after chunk (so in row order), and their number.
    pub(crate) fn bucket(&self, b: usize) -> (impl Iterator<Item = &T>, usize) {
        let len = (0..self.chunks()).map(|c| self.run(c, b).len()).sum();
        ((0..self.chunks()).flat_map(move |c| self.run(c, b)), len)
    }
}

/// Rows from which the rows are hashed and scanned in shards on the thread pool.
#[cfg(feature = "parallel")]
const SHARDED_FROM: usize = 1 << 16;
/// The rows are cut into `2^SHARD_BITS` shards by the top bits of their hashes. Eight: a shard's
/// scan reads the text of every eighth row or so (16 shards, every sixteenth, were 10 to 25 %
/// slower from 1M rows, with as fast a compression; 4 shards slower at 100k rows).
#[cfg(feature = "parallel")]
const SHARD_BITS: u32 = 3;
/// Rows a task hashes and groups by shard.
#[cfg(feature = "parallel")]
const GROUP_CHUNK: usize = 1 << 14;

/// A scan of rows (pairs of a row and its item `T`, rows ascending, with their number) through
/// a hash table of their distinct values. For [`first_appearance`] its output is, for each row,
/// the index of its value among the distinct values in order of first appearance, and the first
/// row of each distinct value; [`by_shard`] takes any output. The table's slots must be taken
/// from the hash's bits below its top `SHARD_BITS` (equal within a shard), as [`scan_table`]
/// takes them.
pub(crate) trait Scan<T>: Sync {
    /// What a scan gives.
    type Out: Send;
    /// Scans `rows`.
    fn scan(&self, rows: impl Iterator<Item = (usize, T)>, len: usize) -> Self::Out;
}

/// The distinct indices of the rows and the first row of each distinct value.
pub(crate) type Firsts = (Vec<u32>, Vec<usize>);

/// Each shard's scan of the rows' items `item(i)` hashed by `hash`: every row in one shard below
/// [`SHARDED_FROM`] rows (or without the `parallel` feature), else `2^SHARD_BITS` shards by the
/// hash's top bits, grouped and scanned on the thread pool as [`first_appearance`] does, one
/// task a shard. A value's rows all fall in one shard. Work O(n) besides the scans; memory as
/// [`first_appearance`]'s pairs.
pub(crate) fn by_shard<T: Copy + Default + Send + Sync, S: Scan<T>>(
    n: usize, item: impl Fn(usize) -> T + Sync, hash: impl Fn(&T) -> u64 + Sync, scan: &S,
) -> Vec<S::Out> {
    #[cfg(feature = "parallel")]
    if n >= SHARDED_FROM {
        return scan_shards(n, item, hash, scan).1;
    }
    #[cfg(not(feature = "parallel"))]
    let _ = hash; // the shards need it
    vec![scan.scan((0..n).map(|i| (i, item(i))), n)]
}

/// The rows grouped by shard ([`Grouped`], chunks of [`GROUP_CHUNK`] rows, pairs of the row and
/// its item) and each shard's scan, one task a shard.
#[cfg(feature = "parallel")]
fn scan_shards<T: Copy + Default + Send + Sync, S: Scan<T>>(
    n: usize, item: impl Fn(usize) -> T + Sync, hash: impl Fn(&T) -> u64 + Sync, scan: &S,
) -> (Grouped<(u32, T)>, Vec<S::Out>) {
    let shard = |h: u64| (h >> (64 - SHARD_BITS)) as usize;
    let grouped = Grouped::new(n, GROUP_CHUNK, 1 << SHARD_BITS, |i| {
        let t = item(i);
        ((i as u32, t), shard(hash(&t))) // n < u32::MAX: the callers' bound
    });
    let outs = par_tasks(1 << SHARD_BITS, |s| {
        let (own, len) = grouped.bucket(s);
        scan.scan(own.map(|&(i, t)| (i as usize, t)), len)
    });
    (grouped, outs)
}

/// For each of the `n` rows (fewer than 2³² − 1) the index of its value among the distinct
/// values, and the first row of each distinct value, by `scan` of the rows' items `item(i)`
/// hashed by `hash`.
///
/// From [`SHARDED_FROM`] rows with the `parallel` feature, all on the thread pool: each chunk of
/// [`GROUP_CHUNK`] rows hashes its items and groups its `(row, item)` pairs by the hash's top bits
/// into `2^SHARD_BITS` shards (a counting sort: rows ascending in each); each shard then scans
/// its pairs, chunk after chunk, one task a shard (reading its pairs in sequence, into a table an
/// eighth the size); each chunk finally writes its rows' indices. The distinct indices then
/// count shard by shard rather than in order of first appearance, which callers that rank the
/// distinct values do not see. Work O(n) besides the scans; memory 8 bytes a row and the pairs
/// (4 bytes a row and the item, aligned).
pub(crate) fn first_appearance<T: Copy + Default + Send + Sync>(
    n: usize, item: impl Fn(usize) -> T + Sync, hash: impl Fn(&T) -> u64 + Sync,
    scan: &impl Scan<T, Out = Firsts>,
) -> Firsts {
    #[cfg(feature = "parallel")]
    if n >= SHARDED_FROM {
        const SHARDS: usize = 1 << SHARD_BITS;
        let (grouped, parts) = scan_shards(n, item, hash, scan);
        let (grouped, run) = (&grouped, |c: usize, s: usize| grouped.run(c, s));
        // Where each chunk's run of each shard begins among the shard's indices, and where each
        // shard's distinct values begin among all.
        let mut at = vec![[0usize; SHARDS]; grouped.chunks()];
        for s in 0..SHARDS {
            let mut seen = 0;
            for (c, a) in at.iter_mut().enumerate() {
                a[s] = seen;
                seen += run(c, s).len();
            }
        }
        let base: Vec<usize> =
            parts.iter().scan(0, |b, p| Some(std::mem::replace(b, *b + p.1.len()))).collect();
        let mut index = vec![0u32; n];
        par_fill(&mut index, GROUP_CHUNK, |c, out| {
            for s in 0..SHARDS {
                let from = &parts[s].0[at[c][s]..];
                for (&(i, _), &d) in run(c, s).iter().zip(from) {
                    out[i as usize - c * GROUP_CHUNK] = (base[s] + d as usize) as u32;
                }
            }
        });
        let first = parts.into_iter().flat_map(|p| p.1).collect();
        return (index, first);
    }
    let mut whole = by_shard(n, item, hash, scan);
    whole.pop().unwrap_or_default()
}

/// The slot of a hash in a table of `2^bits` slots: bits of the hash below its top
/// [`SHARD_BITS`] (so that the slots spread within a shard).
fn slot_of(h: u64, bits: u32) -> usize {
    (h.rotate_left(8) >> (64 - bits)) as usize
}

/// What a slot of [`scan_table`] holds: an entry of a distinct value, or nothing.
pub(crate) trait Entry: Copy + Default {
    /// The hash the entry's slot is chosen by.
    fn hash(&self) -> u64;
    /// 1 + the distinct index of the entry's value; 0 for an empty slot.
    fn tag(&self) -> u32;
    /// The entry with its tag set.
    fn tagged(self, tag: u32) -> Self;
}

/// The scan of [`Scan`]s: each row `(i, item)` is made an entry, `entry(i, item)`, and looked
/// up in a hash table of the distinct values' entries (open addressing, linear probing, at most
/// half full, slots by [`slot_of`]); `same(stored, new, stored_row, row)` says whether a stored
/// entry (its value first seen at `stored_row`) is the new one's. The rows' distinct indices
/// (in order of first appearance) and each distinct value's first row, for fewer than
/// 2³² − 1 rows (the callers' bound).
#[inline]
pub(crate) fn scan_table<T, E: Entry>(
    rows: impl Iterator<Item = (usize, T)>, len: usize, entry: impl Fn(usize, T) -> E,
    same: impl Fn(&E, &E, usize, usize) -> bool,
) -> Firsts {
    let mut index = Vec::with_capacity(len);
    let mut first: Vec<usize> = Vec::new();
    let mut bits = 10;
    let mut slots = vec![E::default(); 1 << bits];
    for (i, item) in rows {
        let e = entry(i, item);
        let mask = slots.len() - 1;
        let mut s = slot_of(e.hash(), bits);
        let d = loop {
            let stored = slots[s];
            if stored.tag() == 0 {
                let d = first.len() as u32;
                slots[s] = e.tagged(d + 1);
                first.push(i);
                break d;
            }
            if same(&stored, &e, first[stored.tag() as usize - 1], i) {
                break stored.tag() - 1;
            }
            s = (s + 1) & mask;
        };
        index.push(d);
        if 2 * first.len() > slots.len() {
            bits += 1;
            let old = std::mem::replace(&mut slots, vec![E::default(); 1 << bits]);
            let mask = slots.len() - 1;
            for stored in old.into_iter().filter(|e| e.tag() != 0) {
                let mut s = slot_of(stored.hash(), bits);
                while slots[s].tag() != 0 {
                    s = (s + 1) & mask;
                }
                slots[s] = stored;
            }
        }
    }
    (index, first)
}

/// [`first_appearance`] of 64-bit words `word(i)` (ids, or keys equal exactly when their values
/// are), compared in the table's slots.
pub(crate) fn distinct_words(n: usize, word: impl Fn(usize) -> u64 + Sync) -> Firsts {
    first_appearance(n, word, |&w| Word::mix(w), &WordScan)
}

/// Each row's group, each group's first row, and each group's rows, least and greatest value
/// (see [`groups_with_ranges`]).
pub(crate) type Groups = (Vec<u32>, Vec<usize>, Vec<(usize, f64, f64)>);

/// Rows `0..n` grouped by a value `key(i)` (−0.0 and +0.0 alike, by [`distinct_words`]): each
/// row's group, each group's first row, and each group's number of rows and least and greatest
/// `value(i)` ([`crate::parallel::ranges_by`], on the pool). CLV's frequencies (their ranges of
/// ages) and those of its gradients.
pub(crate) fn groups_with_ranges(
    n: usize, key: impl Fn(usize) -> f64 + Sync, value: impl Fn(usize) -> f64 + Sync + Send,
) -> Groups {
    let (group, firsts) = distinct_words(n, |i| crate::compress::key(key(i)));
    let ranges = crate::parallel::ranges_by(n, firsts.len(), |i| group[i] as usize, value);
    (group, firsts, ranges)
}

/// A word in the table of [`WordScan`].
#[derive(Clone, Copy, Default)]
struct Word {
    word: u64,
    tag: u32,
}

impl Word {
    /// A bijective mix of the word's bits (splitmix64's finaliser): every bit of the word moves
    /// the top bits that pick the shard and the slot.
    fn mix(word: u64) -> u64 {
        let mut z = word;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Entry for Word {
    fn hash(&self) -> u64 {
        Word::mix(self.word)
    }
    fn tag(&self) -> u32 {
        self.tag
    }
    fn tagged(self, tag: u32) -> Self {
        Word { tag, ..self }
    }
}

/// The scan of words through a table of their distinct values.
struct WordScan;

impl Scan<u64> for WordScan {
    type Out = Firsts;
    fn scan(&self, rows: impl Iterator<Item = (usize, u64)>, len: usize) -> Firsts {
        scan_table(rows, len, |_, word| Word { word, tag: 0 }, |a, b, _, _| a.word == b.word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table of `u64` values, compared in the slot.
    struct Values<'a>(&'a [u64]);

    impl Scan<u64> for Values<'_> {
        type Out = Firsts;
        fn scan(&self, rows: impl Iterator<Item = (usize, u64)>, len: usize) -> Firsts {
            let mut seen = std::collections::HashMap::new();
            let (mut index, mut first) = (Vec::with_capacity(len), Vec::new());
            let mut last = None;
            for (i, v) in rows {
                assert!(last < Some(i) && v == self.0[i], "rows ascending, with their items");
                last = Some(i);
                let d = *seen.entry(self.0[i]).or_insert_with(|| {
                    first.push(i);
                    first.len() - 1
                });
                index.push(d as u32);
            }
            (index, first)
        }
    }

    /// Below and above the sharded size, every row's index names a distinct value whose first
    /// row holds the row's value and comes first among its rows; every value is counted once
    /// (by a test table and by [`distinct_words`]).
    #[test]
    fn indices_and_first_rows_agree_with_the_values() {
        for n in [0, 1, 1000, 200_003] {
            let values: Vec<u64> = (0..n as u64).map(|i| (i * 7919) % 50_021).collect();
            let hash = |v: &u64| v.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let mut distinct = values.clone();
            distinct.sort_unstable();
            distinct.dedup();
            let by_table = first_appearance(n, |i| values[i], hash, &Values(&values));
            for (index, first) in [by_table, distinct_words(n, |i| values[i])] {
                assert_eq!(index.len(), n);
                assert_eq!(first.len(), distinct.len());
                for (i, &d) in index.iter().enumerate() {
                    let f = first[d as usize];
                    assert!(values[f] == values[i] && f <= i);
                }
                let mut firsts = first.clone();
                firsts.sort_unstable();
                firsts.dedup();
                assert_eq!(firsts.len(), first.len());
            }
        }
    }
}
