//! Text customer ids → integer codes ascending with the ids, for [`summarize`](super::summarize)
//! (which takes `i64` ids).
//!
//! The ids are hashed once in input order (each distinct id is kept where it first appears), then
//! only the distinct ids are sorted, and every row's code is the rank of its id. The order is the
//! lexicographic order of the bytes; for UTF-8 text this is the order of the code points, which
//! is how Python compares `str` (so the codes are those of `pandas.factorize(sort=True)`) and how
//! Rust compares `str`.

use super::sort::{self, build, sort_bucket, PAR_MIN_ROWS};
use crate::distinct::{first_appearance, scan_table, Entry, Firsts, Scan};
use crate::error::{Error, Result};
use crate::parallel::fold_by;

/// Integer codes of text ids: see [`text_codes`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct TextCodes {
    /// For each row, the rank of its id among the distinct ids (0 for the smallest).
    pub codes: Vec<i64>,
    /// For each distinct id, in ascending order, the first row holding it: the id of code `c`
    /// is the text of row `first_row[c]`.
    pub first_row: Vec<usize>,
}

/// Codes of text ids given as one byte buffer and the offsets of each id in it (the layout of
/// Arrow string columns): row `i` is `data[offsets[i]..offsets[i + 1]]`, so `offsets` has one
/// entry more than there are rows (an empty `offsets` is no rows).
///
/// Codes ascend with the ids in byte order (for UTF-8, code point order: Python's and Rust's
/// string order), so a summary of the codes lists the customers in the order of their ids.
///
/// # Cost
/// One hash per row in a table of the distinct ids (ids of up to 16 bytes are compared in the
/// table), then a sort of the distinct ids only: a radix sort on their first 8 bytes (over the
/// thread pool from 65,536 distinct ids), then of each run of ids sharing those bytes on the next
/// 8, and so on (ids with a long shared beginning, such as `"CUSTOMER-000123"`, cost a pass a
/// shared word, never a comparison sort). With the `parallel` feature, from 65,536 rows the
/// rows are hashed on the thread pool and grouped into 8 shards by hash, each shard's table one
/// task, and the codes are written on the pool.
/// Besides the output, 100 to 200 bytes a distinct id (the table is a quarter to half full),
/// and 16 bytes a row for the shards.
///
/// # Errors
/// [`Error::InvalidValue`] on `offsets` when they decrease or point past the end of `data`
/// (naming the first such row), or for 2³² − 1 rows or more.
///
/// # Examples
/// ```
/// use cvm_core::summary::text_codes;
/// let ids = ["b", "a", "b", "ab"];
/// let data: Vec<u8> = ids.concat().into_bytes();
/// let mut offsets = vec![0];
/// for id in ids {
///     offsets.push(offsets.last().unwrap() + id.len());
/// }
/// let c = text_codes(&offsets, &data)?;
/// assert_eq!(c.codes, vec![2, 0, 2, 1]); // "a" < "ab" < "b"
/// assert_eq!(c.first_row, vec![1, 3, 0]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn text_codes(offsets: &[usize], data: &[u8]) -> Result<TextCodes> {
    Ok(codes_of(Ids::new(offsets, data)?))
}

/// The codes of ids already checked ([`text_codes`]).
pub(super) fn codes_of(ids: Ids<'_>) -> TextCodes {
    let (index, first) = first_appearance(ids.len(), |i| ids.hash(i), |&h| h, &ids);
    let order = sorted_distinct(&first, ids);
    let mut rank = vec![0i64; first.len()];
    for (r, &d) in order.iter().enumerate() {
        rank[d] = r as i64;
    }
    let codes = build(ids.len(), |i| rank[index[i] as usize]);
    let first_row = order.iter().map(|&d| first[d]).collect();
    TextCodes { codes, first_row }
}

/// A slot of the hash table of distinct ids: the hash, the first 16 bytes (zero-padded) and the
/// length of the id, and 1 + its distinct index (0: an empty slot). Ids of up to 16 bytes are
/// compared in the slot, without reading the text: one cache line a row.
#[derive(Clone, Copy, Default)]
struct Slot {
    hash: u64,
    head: [u64; 2],
    len: u32,
    index: u32,
}

/// The text ids, as [`text_codes`] takes them (offsets checked).
#[derive(Clone, Copy)]
pub(super) struct Ids<'a> {
    data: &'a [u8],
    offsets: &'a [usize],
}

impl<'a> Ids<'a> {
    /// The ids of `offsets` into `data` (see [`text_codes`]).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] on `offsets` when they decrease or point past the end of `data`
    /// (naming the first such row), or for 2³² − 1 rows or more.
    pub(super) fn new(offsets: &'a [usize], data: &'a [u8]) -> Result<Self> {
        let n = offsets.len().saturating_sub(1);
        let bad = |i: usize| offsets[i] > offsets[i + 1] || offsets[i + 1] > data.len();
        if let Some(i) = crate::parallel::first_row(n, bad) {
            return Err(Error::invalid_at(
                "offsets",
                i,
                format!(
                    "the offsets of row {i} ({}..{}) decrease or point past the {} bytes of text",
                    offsets[i],
                    offsets[i + 1],
                    data.len()
                ),
            ));
        }
        if n >= u32::MAX as usize {
            return Err(Error::invalid(
                "offsets",
                format!("{n} text ids: at most {} are supported", u32::MAX - 1),
            ));
        }
        Ok(Ids { data, offsets })
    }

    /// The number of ids.
    pub(super) fn len(self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The id of row `i`.
    pub(super) fn text(self, i: usize) -> &'a [u8] {
        &self.data[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The bytes of row `i`'s id from its byte `at` (up to 8 of them) as a little-endian word,
    /// zero-padded.
    #[inline]
    fn word(self, i: usize, at: usize) -> u64 {
        let (from, end) = (self.offsets[i] + at, self.offsets[i + 1]);
        load(self.data, from, end)
    }

    /// A fast 64-bit hash of row `i`'s id (folded 128-bit multiplications of its 8-byte words).
    #[inline(always)]
    pub(super) fn hash(self, i: usize) -> u64 {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let mix = |a: u64, b: u64| {
            let r = (a as u128).wrapping_mul(b as u128);
            (r as u64) ^ ((r >> 64) as u64)
        };
        let (mut at, end) = (self.offsets[i], self.offsets[i + 1]);
        let mut h = mix((end - at) as u64 ^ 0x2D35_8DCC_AA6C_78A5, K);
        while at < end {
            h = mix(h ^ load(self.data, at, end), K);
            at += 8;
        }
        mix(h, 0x8EBC_6AF0_9C88_C6E3)
    }
}

/// `data[from..end]` (its first 8 bytes at most) as a little-endian word, zero-padded: one
/// unaligned load of 8 bytes when the buffer has them from `from` (a copy of a variable number of
/// bytes would call `memcpy`).
#[inline]
fn load(data: &[u8], from: usize, end: usize) -> u64 {
    let keep = end.saturating_sub(from).min(8);
    if keep == 0 {
        return 0;
    }
    if let Some(&w) = data.get(from..).and_then(|rest| rest.first_chunk::<8>()) {
        let w = u64::from_le_bytes(w);
        return if keep == 8 { w } else { w & ((1 << (8 * keep)) - 1) };
    }
    let mut buf = [0u8; 8];
    buf[..keep].copy_from_slice(&data[from..from + keep]);
    u64::from_le_bytes(buf)
}

impl Scan<u64> for Ids<'_> {
    type Out = Firsts;
    #[inline]
    fn scan(&self, rows: impl Iterator<Item = (usize, u64)>, len: usize) -> Firsts {
        let ids = *self;
        let entry = |i: usize, hash: u64| {
            let size = ids.offsets[i + 1] - ids.offsets[i];
            let len = u32::try_from(size).unwrap_or(u32::MAX);
            Slot { hash, head: [ids.word(i, 0), ids.word(i, 8)], len, index: 0 }
        };
        // Ids of up to 16 bytes are equal when their slots are; longer ones are read.
        let same = |stored: &Slot, new: &Slot, stored_row: usize, row: usize| {
            (stored.hash, stored.head, stored.len) == (new.hash, new.head, new.len)
                && (new.len <= 16 || ids.text(stored_row) == ids.text(row))
        };
        scan_table(rows, len, entry, same)
    }
}

impl Entry for Slot {
    fn hash(&self) -> u64 {
        self.hash
    }
    fn tag(&self) -> u32 {
        self.index
    }
    fn tagged(self, index: u32) -> Self {
        Slot { index, ..self }
    }
}

/// The distinct ids (given by their first rows) in ascending byte order, as distinct indices.
///
/// A most-significant-word-first radix sort: the ids are sorted by their first 8 bytes read
/// big-endian (ascending with the bytes) in the summaries' radix passes (over the pool from
/// [`PAR_MIN_ROWS`] ids, else a pass for each 11-bit digit in which the words differ); each run
/// of ids with equal words (a shared beginning, such as `"CUSTOMER-"`) is then sorted by its
/// next 8 bytes the same way, and so on. In a run, the ids that end within the word compared
/// (zero-padded, so each is a prefix of the longer ones) come first, shortest first. Work
/// O(m + b) for `m` ids whose shared beginnings total `b` bytes; the text is read a word at a
/// time, never compared byte by byte.
pub(super) fn sorted_distinct(first: &[usize], ids: Ids<'_>) -> Vec<usize> {
    let word = |d: u32, at: usize| ids.word(first[d as usize], at).swap_bytes();
    let len = |d: u32| ids.text(first[d as usize]).len();
    let (mut ended, mut going, mut buf) = (Vec::new(), Vec::new(), Vec::new());
    let mut keyed = build(first.len(), |d| (word(d as u32, 0), d as u32));
    sort_keys(&mut keyed, &mut buf);
    // Runs of equal words still to order, as (start, end, offset of the word they share).
    let mut runs = Vec::new();
    push_runs(&keyed, 0, 0, &mut runs);
    while let Some((start, end, at)) = runs.pop() {
        let run = &mut keyed[start..end];
        ended.clear();
        going.clear();
        for &(_, d) in run.iter() {
            match len(d) {
                l if l <= at + 8 => ended.push((l as u64, d)),
                _ => going.push((word(d, at + 8), d)),
            }
        }
        sort::sort_few_by_first(&mut ended);
        let (head, tail) = run.split_at_mut(ended.len());
        head.copy_from_slice(&ended);
        sort_keys(&mut going, &mut buf);
        tail.copy_from_slice(&going);
        push_runs(tail, start + ended.len(), at + 8, &mut runs);
    }
    keyed.into_iter().map(|k| k.1 as usize).collect()
}

/// Sorts `keys` by their first element, `buf` as scratch: over the pool from [`PAR_MIN_ROWS`]
/// keys (into a new array, [`sort::sorted_rows`]), else in place ([`sort_bucket`]).
///
/// On the pool, the radix sort reads only the bits below those every key shares (ids that begin
/// alike, as `"C0"` in `"C0012345"`), so that its first digit is read where the keys differ and
/// the buckets it makes are sorted a task each (read from the top bit, every such key fell into
/// one bucket, sorted on one thread).
fn sort_keys(keys: &mut Vec<(u64, u32)>, buf: &mut Vec<(u64, u32)>) {
    if keys.len() >= PAR_MIN_ROWS {
        let first = keys[0].0;
        let join = |a: &mut u64, b: &u64| *a |= *b;
        let differ = fold_by(keys.len(), 1, |_| 0, 0u64, |a, i| *a |= keys[i].0 ^ first, join)[0];
        if differ == 0 {
            return; // every key equal: in order
        }
        // The bits above are equal in every key, so the sort may leave them out.
        *keys = sort::sorted_rows(keys.len(), 64 - differ.leading_zeros(), |i| keys[i]);
    } else {
        sort_bucket(keys, 64, buf);
    }
}

/// The runs of two or more equal keys in `keys` (which begin at `offset` of the whole), pushed
/// as (start, end, `at`).
fn push_runs(keys: &[(u64, u32)], offset: usize, at: usize, runs: &mut Vec<(usize, usize, usize)>) {
    let mut from = 0;
    while from < keys.len() {
        let run = keys[from..].iter().take_while(|k| k.0 == keys[from].0).count();
        if run > 1 {
            runs.push((offset + from, offset + from + run, at));
        }
        from += run;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes_of(ids: &[&str]) -> TextCodes {
        let data: Vec<u8> = ids.concat().into_bytes();
        let mut offsets = vec![0];
        for id in ids {
            offsets.push(offsets.last().copied().unwrap_or(0) + id.len());
        }
        text_codes(&offsets, &data).unwrap()
    }

    #[test]
    fn codes_rank_the_ids_as_str_sorts_them() {
        // shared 8-byte prefixes, a prefix of another id, NUL bytes, non-ASCII, the empty id,
        // and enough distinct ids to grow the table and take the parallel sort
        let mut ids: Vec<String> =
            (0..150_000).map(|i| format!("customer-{}", (i * 7919) % 90_001)).collect();
        ids.extend(
            ["", "a", "a\0", "ab", "é", "z", "ß", "customer", "customer-1\0"].map(String::from),
        );
        assert_ranked_as_str(&ids);
    }

    /// The codes of `ids` rank them as `str` does, each code's first row the first of its id.
    fn assert_ranked_as_str(ids: &[String]) {
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let c = codes_of(&refs);
        let mut distinct = refs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(c.first_row.len(), distinct.len());
        let mut first_seen = std::collections::HashMap::new();
        for (i, s) in refs.iter().enumerate() {
            first_seen.entry(*s).or_insert(i);
        }
        for (code, &row) in c.first_row.iter().enumerate() {
            assert_eq!(refs[row], distinct[code]);
            assert_eq!(first_seen[distinct[code]], row);
        }
        for (i, s) in refs.iter().enumerate() {
            assert_eq!(distinct[c.codes[i] as usize], *s);
        }
    }

    #[test]
    fn ids_beginning_alike_are_sorted_where_they_differ() {
        // More than 65,536 distinct ids (the sort on the pool): their first words share their
        // top 20 bits ("C0", then a digit), and, apart, an 8-byte beginning shared by all
        // (the first words all equal, the order read from the next word).
        let ids: Vec<String> =
            (0..120_000u64).map(|i| format!("C{:07}", (i * 7919) % 100_003)).collect();
        assert_ranked_as_str(&ids);
        let ids: Vec<String> =
            (0..90_000u64).map(|i| format!("ACCOUNT#{}", (i * 104_729) % 80_021)).collect();
        assert_ranked_as_str(&ids);
    }

    #[test]
    fn ids_sharing_long_beginnings_are_ranked_word_after_word() {
        // ids of 0 to 40 bytes over {NUL, 'a', 'b'} after shared beginnings of 0, 8, 9 and 24
        // bytes: runs of equal words at every depth, ids ending inside a word (a prefix of
        // others), NUL padding against a shorter id; small runs and one of more than 65,536 ids
        let mut state = 7u64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        let mut ids: Vec<String> = Vec::new();
        for (prefix, count) in
            [("", 3000), ("CUSTOMER", 3000), ("CUSTOMER-", 90_000), ("a".repeat(24).as_str(), 3000)]
        {
            for _ in 0..count {
                let len = next(17) as usize;
                let tail: String = (0..len).map(|_| ['\0', 'a', 'b'][next(3) as usize]).collect();
                ids.push(format!("{prefix}{tail}"));
            }
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let c = codes_of(&refs);
        let mut distinct = refs.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let named: Vec<&str> = c.first_row.iter().map(|&row| refs[row]).collect();
        assert_eq!(named, distinct);
        assert!(refs.iter().zip(&c.codes).all(|(s, &code)| distinct[code as usize] == *s));
    }

    #[test]
    fn bad_offsets_are_an_error_naming_the_row() {
        let err = text_codes(&[0, 2, 1], b"abc").unwrap_err();
        assert!(matches!(err, Error::InvalidValue { index: Some(1), .. }), "{err}");
        assert!(text_codes(&[0, 4], b"abc").is_err());
        assert_eq!(text_codes(&[], b"").unwrap().codes, Vec::<i64>::new());
    }
}
