//! Transitions between two snapshots of the same customers: the id join, the transition matrix
//! and every customer's move, shared by [`crate::loyalty::stage_migration`] (ladder stages) and
//! [`crate::value::matrix_migration`] (value-matrix cells).

use crate::names::{normalize, text_form};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::distinct::distinct_words;
use crate::error::{check, Error, Result};
use crate::loyalty::MigrationState;
use crate::parallel::{all_rows, par_map};
use crate::parallel::{count_by, count_true};
use std::sync::atomic::{AtomicBool, Ordering};

/// What a migration ([`crate::loyalty::stage_migration`], [`crate::value::matrix_migration`]) does
/// with customers present in only one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MigrationPolicy {
    /// Both snapshots must hold the same customers (default): the first customer of `before`
    /// missing from `after` (or, failing that, of `after` missing from `before`) is an error.
    #[default]
    Strict,
    /// Outer join: a customer only in `before` moves to `gone`, one only in
    /// `after` comes from `new`.
    OuterJoin,
}

impl MigrationPolicy {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["strict", "outer_join"];

    /// `"strict"` or `"outer_join"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationPolicy::Strict => "strict",
            MigrationPolicy::OuterJoin => "outer_join",
        }
    }
}

text_form!(MigrationPolicy, "policy", |text| match normalize(text, &['-']).as_str() {
    "strict" => Some(MigrationPolicy::Strict),
    "outer_join" | "outer" => Some(MigrationPolicy::OuterJoin),
    _ => None,
});

/// One customer's move between the snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Move<S = MigrationState> {
    /// Customer id.
    pub id: i64,
    /// State in the first snapshot (`new` when absent).
    pub from: S,
    /// State in the second snapshot (`gone` when absent).
    pub to: S,
}

impl<S: PartialEq> Move<S> {
    /// True when the state changed.
    pub fn changed(&self) -> bool {
        self.from != self.to
    }
}

/// The transition matrix between two snapshots and every customer's move.
///
/// Rows are the states before (every state — e.g. [`crate::loyalty::Stage::ALL`] or the cells of
/// a value matrix — then `new` under the outer join), columns the states after (every state,
/// then `gone` under the outer join). Every state has a row and a column, even when empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration<S = MigrationState> {
    rows: Vec<S>,
    columns: Vec<S>,
    counts: Vec<u64>,
    moves: Vec<Move<S>>,
}

impl<S: Copy + PartialEq> Migration<S> {
    /// The row states (before), in matrix order.
    pub fn row_states(&self) -> &[S] {
        &self.rows
    }

    /// The column states (after), in matrix order.
    pub fn column_states(&self) -> &[S] {
        &self.columns
    }

    /// The counts, row-major (`rows × columns`).
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The counts as one vector per row.
    pub fn count_matrix(&self) -> Vec<Vec<u64>> {
        self.counts.chunks(self.columns.len()).map(<[u64]>::to_vec).collect()
    }

    /// Row-normalised rates, row-major: `count / row total`; a row without customers has rates 0.
    pub fn rates(&self) -> Vec<f64> {
        self.rate_matrix().concat()
    }

    /// The rates as one vector per row.
    pub fn rate_matrix(&self) -> Vec<Vec<f64>> {
        self.counts
            .chunks(self.columns.len())
            .map(|row| {
                let total: u64 = row.iter().sum();
                row.iter()
                    .map(|&c| if total == 0 { 0.0 } else { c as f64 / total as f64 })
                    .collect()
            })
            .collect()
    }

    /// Customers moving from `from` to `to` (0 for a state that is not a row or column).
    pub fn count(&self, from: S, to: S) -> u64 {
        match (self.row_of(from), self.column_of(to)) {
            (Some(i), Some(j)) => self.counts[i * self.columns.len() + j],
            _ => 0,
        }
    }

    /// Customers in state `from` before (the row total).
    pub fn row_total(&self, from: S) -> u64 {
        self.row_of(from).map_or(0, |i| {
            self.counts[i * self.columns.len()..(i + 1) * self.columns.len()].iter().sum()
        })
    }

    /// Customers in state `to` after (the column total).
    pub fn column_total(&self, to: S) -> u64 {
        let k = self.columns.len();
        self.column_of(to).map_or(0, |j| self.counts.iter().skip(j).step_by(k).sum())
    }

    /// The share of `from` customers who moved to `to` (0 when `from` has no customers).
    pub fn rate(&self, from: S, to: S) -> f64 {
        let total = self.row_total(from);
        if total == 0 {
            0.0
        } else {
            self.count(from, to) as f64 / total as f64
        }
    }

    /// Every customer's move: the customers of the first snapshot in its order, then those only
    /// in the second, in its order.
    pub fn moves(&self) -> &[Move<S>] {
        &self.moves
    }

    fn row_of(&self, s: S) -> Option<usize> {
        self.rows.iter().position(|&r| r == s)
    }

    fn column_of(&self, s: S) -> Option<usize> {
        self.columns.iter().position(|&c| c == s)
    }
}

/// A hasher for integer ids: one multiply (Fibonacci hashing), rotated so that the well-mixed
/// high bits land where the table takes its bucket index.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_i64(&mut self, x: i64) {
        self.0 = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(26);
    }
}

type IdMap<V> = HashMap<i64, V, BuildHasherDefault<IdHasher>>;

/// Matches the customers of two snapshots by id and counts the moves between states.
///
/// `before` / `after` hold each customer's state as an index into `states`; rows are `states`
/// (then `new` under the outer join), columns `states` (then `gone`). `fields` names the four
/// inputs in errors: ids before, states before, ids after, states after.
///
/// The order check of the ids runs on the thread pool from 16,384 customers, and the join of
/// unsorted ids, hashed and grouped in shards, from [`SHARDED_JOIN_FROM`] customers of both
/// snapshots together (below, one hash map on the calling thread). The merge join of sorted ids
/// and the pass that counts and lists the moves stay on the calling thread: bound by memory,
/// they were no faster split over two cores (`docs/benchmarks.md`). The result and the error
/// are the same on any number of threads.
///
/// # Errors
/// As [`crate::loyalty::stage_migration`], naming `fields`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn tabulate<S: Copy + PartialEq + Send + Sync, I: Copy + Into<usize>>(
    ids_before: &[i64], before: &[I], ids_after: &[i64], after: &[I], states: &[S], new: S,
    gone: S, policy: MigrationPolicy, fields: [&str; 4],
) -> Result<Migration<S>> {
    let [f_ids_before, f_before, f_ids_after, f_after] = fields;
    check::non_empty(f_ids_before, ids_before.len())?;
    check::same_len(f_before, ids_before.len(), before.len())?;
    check::non_empty(f_ids_after, ids_after.len())?;
    check::same_len(f_after, ids_after.len(), after.len())?;
    for (field, len) in [(f_ids_before, ids_before.len()), (f_ids_after, ids_after.len())] {
        if len >= NONE as usize {
            return Err(Error::invalid(field, format!("at most {} customers", u32::MAX - 1)));
        }
    }
    // partner[i]: index in `after` of customer i of `before` (NONE: absent); matched[j]: customer
    // j of `after` is in `before`.
    let (partner, matched) = if is_ascending(ids_before) && is_ascending(ids_after) {
        merge_join(ids_before, ids_after)
    } else {
        match sharded_join(ids_before, ids_after) {
            Some(joined) => joined,
            // Small snapshots, or a duplicate id: the hash map names the first.
            None => hash_join(ids_before, ids_after, f_ids_before, f_ids_after)?,
        }
    };

    let outer = policy == MigrationPolicy::OuterJoin;
    let mut rows: Vec<S> = states.to_vec();
    let mut columns = rows.clone();
    if outer {
        rows.push(new);
        columns.push(gone);
    }
    let k = columns.len();
    let (new_row, gone_col) = (states.len(), states.len());

    // One pass over the pairs, on the calling thread: a write per customer into the moves and
    // one of a few dozen counts, bound by memory (split over the pool, no faster on two cores;
    // a stage migration of 1M sorted customers takes 4 ms in all, `docs/benchmarks.md`).
    let mut counts = vec![0u64; rows.len() * k];
    let mut moves = Vec::with_capacity(ids_before.len().max(ids_after.len()));
    for (i, (&id, &from)) in ids_before.iter().zip(before).enumerate() {
        let from: usize = from.into();
        match partner[i] {
            NONE if outer => {
                counts[from * k + gone_col] += 1;
                moves.push(Move { id, from: states[from], to: gone });
            }
            NONE => {
                return Err(Error::invalid_at(
                    f_ids_before,
                    i,
                    format!(
                        "customer id {id} is not in {f_ids_after} (strict policy; use outer_join \
                         to count it as gone)"
                    ),
                ))
            }
            j => {
                let to: usize = after[j as usize].into();
                counts[from * k + to] += 1;
                moves.push(Move { id, from: states[from], to: states[to] });
            }
        }
    }
    for (j, (&id, &to)) in ids_after.iter().zip(after).enumerate() {
        let to: usize = to.into();
        if matched[j] {
            continue;
        }
        if !outer {
            return Err(Error::invalid_at(
                f_ids_after,
                j,
                format!(
                    "customer id {id} is not in {f_ids_before} (strict policy; use outer_join to \
                     count it as new)"
                ),
            ));
        }
        counts[new_row * k + to] += 1;
        moves.push(Move { id, from: new, to: states[to] });
    }
    Ok(Migration { rows, columns, counts, moves })
}

/// No partner.
const NONE: u32 = u32::MAX;

/// Whether the ids are strictly ascending (a branch-free pass in chunks, on the thread pool from
/// 16,384 ids).
fn is_ascending(ids: &[i64]) -> bool {
    all_rows(ids.len(), |r| {
        ids[r.start.saturating_sub(1)..r.end].windows(2).fold(true, |ok, w| ok & (w[0] < w[1]))
    })
}

/// Join of two strictly ascending id lists (no duplicates possible): one linear merge, on the
/// calling thread (bound by memory: a merge in tasks on the pool was no faster on two cores).
fn merge_join(before: &[i64], after: &[i64]) -> (Vec<u32>, Vec<bool>) {
    let mut partner = vec![NONE; before.len()];
    let mut matched = vec![false; after.len()];
    let mut j = 0;
    for (i, &id) in before.iter().enumerate() {
        while j < after.len() && after[j] < id {
            j += 1;
        }
        if j < after.len() && after[j] == id {
            partner[i] = j as u32;
            matched[j] = true;
            j += 1;
        }
    }
    (partner, matched)
}

/// Customers of both snapshots together from which unsorted ids are joined on the thread pool.
const SHARDED_JOIN_FROM: usize = 1 << 16;

/// The join of unsorted ids from [`SHARDED_JOIN_FROM`] customers: the ids of `after`, then of
/// `before`, grouped by value with [`distinct_words`] (hashed and scanned in shards on the
/// thread pool), so that a customer of `before` is matched to the first row of its id, when that
/// row is in `after`. `None` below that size and for a duplicate id in either list (counted: an
/// id's first row is in `after` for exactly `after.len()` ids when `after` has no duplicate,
/// and `before` has none when its distinct ids, matched or not, number `before.len()`).
fn sharded_join(before: &[i64], after: &[i64]) -> Option<(Vec<u32>, Vec<bool>)> {
    let (nb, na) = (before.len(), after.len());
    let n = nb + na;
    if n < SHARDED_JOIN_FROM || n >= NONE as usize {
        return None;
    }
    let item = |r: usize| if r < na { after[r] } else { before[r - na] };
    let (index, first) = distinct_words(n, |r| item(r) as u64);
    let in_after = count_by(first.len(), 2, |d| usize::from(first[d] < na))[1];
    if in_after != na {
        return None;
    }
    let hit: Vec<AtomicBool> = par_map(na, |_| AtomicBool::new(false));
    let partner = par_map(nb, |i| {
        let f = first[index[na + i] as usize];
        if f < na {
            hit[f].store(true, Ordering::Relaxed);
            f as u32
        } else {
            NONE
        }
    });
    let matched = par_map(na, |j| hit[j].load(Ordering::Relaxed));
    let only_before = first.len() - in_after;
    (only_before + count_true(&matched) == nb).then_some((partner, matched))
}

/// Join through a hash map of `after`'s ids; duplicate ids in either list are an error.
fn hash_join(
    before: &[i64], after: &[i64], f_before: &str, f_after: &str,
) -> Result<(Vec<u32>, Vec<bool>)> {
    let mut index: IdMap<u32> = IdMap::with_capacity_and_hasher(after.len(), Default::default());
    for (j, &id) in after.iter().enumerate() {
        if let Some(first) = index.insert(id, j as u32) {
            return Err(duplicate(f_after, j, id, first as usize));
        }
    }
    let mut partner = vec![NONE; before.len()];
    // 1 + the index in `before` that matched each customer of `after` (0: none yet).
    let mut matched_by = vec![0u32; after.len()];
    let mut absent: IdMap<u32> = IdMap::default();
    for (i, &id) in before.iter().enumerate() {
        match index.get(&id) {
            Some(&j) => {
                let j = j as usize;
                if matched_by[j] != 0 {
                    return Err(duplicate(f_before, i, id, matched_by[j] as usize - 1));
                }
                matched_by[j] = i as u32 + 1;
                partner[i] = j as u32;
            }
            None => {
                if let Some(first) = absent.insert(id, i as u32) {
                    return Err(duplicate(f_before, i, id, first as usize));
                }
            }
        }
    }
    Ok((partner, matched_by.iter().map(|&m| m != 0).collect()))
}

fn duplicate(field: &str, index: usize, id: i64, first: usize) -> Error {
    Error::invalid_at(field, index, format!("duplicate customer id {id} (first at index {first})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The joins agree on 100,000 customers of each snapshot, a tenth gone and a tenth new: ids
    /// ascending (merge, sharded and hash map), shuffled (sharded and hash map), the same on one
    /// thread and on four; a duplicate id, in `after`, among the matched or among the gone ids of
    /// `before`, hands the sharded join over to the hash map.
    #[test]
    fn joins_agree() {
        let n = 100_000usize;
        let before: Vec<i64> = (0..n as i64).map(|i| 2 * i).collect();
        let after: Vec<i64> =
            (0..n as i64).map(|i| if i % 10 == 0 { 2 * i + 1 } else { 2 * i }).collect();
        let hash = hash_join(&before, &after, "b", "a").unwrap();
        assert_eq!(merge_join(&before, &after), hash);
        assert_eq!(sharded_join(&before, &after), Some(hash.clone()));
        assert_eq!(hash.1.iter().filter(|&&m| m).count(), n - n / 10);
        let shuffle = |v: &[i64], k: usize| -> Vec<i64> { (0..n).map(|i| v[i * k % n]).collect() };
        let (b, a) = (shuffle(&before, 7919), shuffle(&after, 7927));
        let hash = hash_join(&b, &a, "b", "a").unwrap();
        assert_eq!(sharded_join(&b, &a), Some(hash.clone()));
        #[cfg(feature = "parallel")]
        {
            let (one, four) = crate::parallel::on_one_and_four_threads(|| sharded_join(&b, &a));
            assert_eq!(one, four);
        }
        let mut dup = a.clone();
        dup[n - 1] = dup[0];
        assert_eq!(sharded_join(&b, &dup), None);
        assert!(hash_join(&b, &dup, "b", "a").is_err());
        let mut dup = b.clone();
        dup[5] = dup[6];
        assert_eq!(sharded_join(&dup, &a), None);
        // Two customers of `before` under one id that `after` lacks.
        let gone: Vec<usize> = (0..n).filter(|&i| hash.0[i] == NONE).take(2).collect();
        let mut dup = b.clone();
        dup[gone[1]] = dup[gone[0]];
        assert_eq!(sharded_join(&dup, &a), None);
        assert!(sharded_join(&b[..1000], &a[..1000]).is_none(), "small: the hash map");

        assert!(is_ascending(&before) && !is_ascending(&b) && is_ascending(&[]));
        let mut tie = before.clone();
        tie[crate::parallel::CHUNK] = tie[crate::parallel::CHUNK - 1];
        assert!(!is_ascending(&tie));
    }
}
