//! Compression of a customer summary: identical `(frequency, recency, T)` rows collapse into one
//! row with an integer weight. Likelihoods are sums over customers, so a model fitted on the
//! compressed rows with these weights is the model fitted on all customers — at a fraction of the
//! cost (CDNOW's 2,357 customers have 1,391 distinct rows; 1M simulated customers typically fewer
//! than 100k).
//!
//! # Examples
//! ```
//! use cvm_core::compress::compress;
//! let c = compress(&[0.0, 2.0, 0.0], &[0.0, 5.0, 0.0], &[10.0, 10.0, 10.0])?;
//! assert_eq!(c.frequency, vec![0.0, 2.0]);
//! assert_eq!(c.weight, vec![2, 1]);
//! assert_eq!(c.inverse, vec![0, 1, 0]);
//! let (f, r, t) = c.expand();
//! assert_eq!(f, vec![0.0, 2.0, 0.0]);
//! # let _ = (r, t);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::distinct::{first_appearance, scan_table, Entry, Firsts, Scan};
use crate::error::{check, Error, Result};
use crate::parallel::{count_by, par_map};

/// Unique `(frequency, recency, T)` rows, their counts, and the map back to the original rows.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct Compressed {
    /// Frequency of each unique row (sorted by frequency, then recency, then T).
    pub frequency: Vec<f64>,
    /// Recency of each unique row.
    pub recency: Vec<f64>,
    /// T of each unique row.
    pub t: Vec<f64>,
    /// Number of original rows equal to each unique row.
    pub weight: Vec<u64>,
    /// For each original row, the index of its unique row.
    pub inverse: Vec<u32>,
}

impl Compressed {
    /// Number of unique rows.
    pub fn len(&self) -> usize {
        self.weight.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.weight.is_empty()
    }

    /// Weights as `f64`, the form the model fitters take.
    pub fn weights_f64(&self) -> Vec<f64> {
        self.weight.iter().map(|&w| w as f64).collect()
    }

    /// The original `(frequency, recency, T)` columns, in the original order.
    pub fn expand(&self) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let pick = |col: &[f64]| self.inverse.iter().map(|&j| col[j as usize]).collect();
        (pick(&self.frequency), pick(&self.recency), pick(&self.t))
    }
}

/// Order-preserving map of a finite `f64` to `u64` (−0.0 and +0.0 map alike).
pub(crate) fn key(x: f64) -> u64 {
    let b = if x == 0.0 { 0 } else { x.to_bits() };
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The [`key`]s of a row `(f, r, t)`.
type Keys = (u64, u64, u64);

/// The [`Keys`] of each row of the columns.
fn row_keys<'a>(f: &'a [f64], r: &'a [f64], t: &'a [f64]) -> impl Fn(usize) -> Keys + Sync + 'a {
    move |i| (key(f[i]), key(r[i]), key(t[i]))
}

/// A 64-bit hash of a row's [`Keys`].
fn keys_hash(&(f, r, t): &Keys) -> u64 {
    let h = f.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ r.rotate_left(21);
    let h = (h ^ t.rotate_left(42)).wrapping_mul(0xD6E8_FEB8_6659_FD93);
    (h ^ (h >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB)
}

/// A 64-bit hash of a row `(f, r, t)` (finite), with −0.0 and +0.0 alike: equal rows hash alike.
pub(crate) fn row_hash(f: f64, r: f64, t: f64) -> u64 {
    keys_hash(&(key(f), key(r), key(t)))
}

/// The hash table of unique rows of a [`Scan`] of their [`Keys`], compared in the slot (32
/// bytes: the keys and 1 + the unique index; 0 is an empty slot).
struct Table;

/// A slot of [`Table`]: a unique row's keys and tag.
#[derive(Clone, Copy, Default)]
struct Slot(Keys, u32);

impl Entry for Slot {
    fn hash(&self) -> u64 {
        keys_hash(&self.0)
    }
    fn tag(&self) -> u32 {
        self.1
    }
    fn tagged(self, tag: u32) -> Self {
        Slot(self.0, tag)
    }
}

impl Scan<Keys> for Table {
    type Out = Firsts;
    fn scan(&self, rows: impl Iterator<Item = (usize, Keys)>, len: usize) -> Firsts {
        scan_table(rows, len, |_, k| Slot(k, 0), |stored, new, _, _| stored.0 == new.0)
    }
}

/// The distinct rows of `n` rows `(frequency, recency, T)` (−0.0 and +0.0 alike), unsorted.
pub(crate) struct Distinct {
    /// The first row of each distinct row, in the order [`first_appearance`] gives them (of
    /// first appearance, shard after shard from 65,536 rows on the thread pool).
    pub(crate) first: Vec<usize>,
    /// For each row, the index of its distinct row.
    pub(crate) inverse: Vec<u32>,
}

impl Distinct {
    /// The number of distinct rows.
    pub(crate) fn len(&self) -> usize {
        self.first.len()
    }
}

/// The distinct rows of columns of equal length and finite values (the caller's checks): what
/// [`compress`] sorts, for callers that need no order (a hash a row, as [`compress`]).
///
/// # Errors
/// [`crate::Error::InvalidValue`] for 2³² − 1 rows or more (the map back is of 32-bit indices).
pub(crate) fn distinct_rows(frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<Distinct> {
    let n = frequency.len();
    if n >= u32::MAX as usize {
        let most = u32::MAX - 1;
        return Err(Error::invalid("frequency", format!("{n} rows: at most {most} are supported")));
    }
    let (inverse, first) = first_appearance(n, row_keys(frequency, recency, t), keys_hash, &Table);
    Ok(Distinct { first, inverse })
}

/// Collapses identical `(frequency, recency, T)` rows.
///
/// Each unique row keeps the values of its first row (−0.0 and +0.0 are the same value).
///
/// # Cost
/// The rows are hashed and found in a hash table of the unique rows (in 8 shards on the thread
/// pool from 65,536 rows with the `parallel` feature), then only the unique rows are sorted:
/// O(n + u log u) for `n` rows of which `u` are unique; besides the output, about 100 bytes a
/// unique row and 44 bytes a row.
///
/// # Errors
/// [`crate::Error::Empty`] for empty input, [`crate::Error::LengthMismatch`] when the columns differ
/// in length, [`crate::Error::InvalidValue`] (first index) for NaN or infinite values, or for
/// 2³² − 1 rows or more (the map back is of 32-bit indices).
pub fn compress(frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<Compressed> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, recency.len())?;
    check::same_len("T", n, t.len())?;
    check::finite("frequency", frequency)?;
    check::finite("recency", recency)?;
    check::finite("T", t)?;
    let Distinct { first, inverse: local } = distinct_rows(frequency, recency, t)?;
    let keys = row_keys(frequency, recency, t);
    let m = first.len();
    let count = count_by(n, m, |i| local[i] as usize);
    // The unique rows in ascending order of their keys.
    let mut order: Vec<((u64, u64, u64), u32)> = par_map(m, |u| (keys(first[u]), u as u32));
    crate::parallel::par_sort_unstable(&mut order);
    let mut rank = vec![0u32; m];
    for (r, &(_, u)) in order.iter().enumerate() {
        rank[u as usize] = r as u32;
    }
    // The gathers read at random places: maps on the pool (from 256 rows).
    let first_of = |r: usize| first[order[r].1 as usize];
    let pick = |col: &[f64]| par_map(m, |r| col[first_of(r)]);
    Ok(Compressed {
        frequency: pick(frequency),
        recency: pick(recency),
        t: pick(t),
        weight: par_map(m, |r| count[order[r].1 as usize] as u64),
        inverse: par_map(n, |i| rank[local[i] as usize]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The unique rows sorted by (frequency, recency, T), each with its first row's values, its
    /// count and the map back, as sorting all rows gives them: on rows with many repeats, −0.0
    /// and +0.0, negative values, and enough unique rows to grow the table; unsorted, those of
    /// [`distinct_rows`].
    #[test]
    fn unique_rows_are_those_of_a_full_sort() {
        let mut state = 11u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % m
        };
        let n = 30_000;
        let mut f: Vec<f64> = (0..n).map(|_| next(6) as f64).collect();
        let r: Vec<f64> = (0..n).map(|_| next(100) as f64 * 0.5 - 3.0).collect();
        let t: Vec<f64> = (0..n).map(|_| [0.0, -0.0, 2.5, 7.0][next(4) as usize]).collect();
        f[7] = -0.0;
        let c = compress(&f, &r, &t).unwrap();
        let mut rows: Vec<_> = (0..n).map(|i| (key(f[i]), key(r[i]), key(t[i]), i)).collect();
        rows.sort_unstable();
        let (mut u, mut inverse) = (0, vec![0u32; n]);
        for (k, row) in rows.iter().enumerate() {
            if k > 0 && (row.0, row.1, row.2) != (rows[k - 1].0, rows[k - 1].1, rows[k - 1].2) {
                u += 1;
            }
            if k == 0 || u != inverse[rows[k - 1].3] as usize {
                let i = row.3; // the first row of its unique row
                let got = (c.frequency[u].to_bits(), c.recency[u].to_bits(), c.t[u].to_bits());
                assert_eq!(got, (f[i].to_bits(), r[i].to_bits(), t[i].to_bits()));
            }
            inverse[row.3] = u as u32;
        }
        assert!(u + 1 > 1024 && u + 1 < n / 4, "{u}");
        assert_eq!(c.len(), u + 1);
        assert_eq!(c.inverse, inverse);
        for (k, &w) in c.weight.iter().enumerate() {
            assert_eq!(w, inverse.iter().filter(|&&v| v as usize == k).count() as u64);
        }
        // The same distinct rows unsorted: each row's first row holds its keys, and comes first.
        let d = distinct_rows(&f, &r, &t).unwrap();
        assert_eq!(d.len(), c.len());
        let keys = row_keys(&f, &r, &t);
        for (i, &u) in d.inverse.iter().enumerate() {
            let j = d.first[u as usize];
            assert!(j <= i && keys(j) == keys(i) && d.inverse[j] == u, "{i}");
        }
    }
}
