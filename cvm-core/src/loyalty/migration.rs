//! Stage migration between two snapshots.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use super::Stage;
use crate::error::{check, Error, Result};

/// What [`stage_migration`] does with customers present in only one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MigrationPolicy {
    /// Both snapshots must hold the same customers (default): the first customer of `before`
    /// missing from `after` (or, failing that, of `after` missing from `before`) is an error.
    #[default]
    Strict,
    /// Outer join: a customer only in `before` moves to [`MigrationState::Gone`], one only in
    /// `after` comes from [`MigrationState::New`].
    OuterJoin,
}

impl MigrationPolicy {
    /// The spellings [`MigrationPolicy::parse`] accepts.
    pub const NAMES: &'static [&'static str] = &["strict", "outer_join"];

    /// `"strict"` or `"outer_join"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationPolicy::Strict => "strict",
            MigrationPolicy::OuterJoin => "outer_join",
        }
    }

    /// Parses `"strict"`, `"outer_join"` (also `"outer"`, any case, `-` for `_`).
    ///
    /// # Errors
    /// [`Error::UnknownName`] naming `field`.
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "strict" => Ok(MigrationPolicy::Strict),
            "outer_join" | "outer" => Ok(MigrationPolicy::OuterJoin),
            _ => Err(Error::unknown_name(field, text, Self::NAMES)),
        }
    }
}

/// A row or column of the transition matrix: a ladder stage, or (outer join only) `new` — not in
/// the first snapshot — or `gone` — not in the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum MigrationState {
    /// A ladder stage.
    Stage(Stage),
    /// Not in the first snapshot (a row state).
    New,
    /// Not in the second snapshot (a column state).
    Gone,
}

impl MigrationState {
    /// The stage name, `"new"` or `"gone"`.
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationState::Stage(s) => s.as_str(),
            MigrationState::New => "new",
            MigrationState::Gone => "gone",
        }
    }

    /// Parses a stage name, `"new"` or `"gone"`.
    ///
    /// # Errors
    /// [`Error::UnknownName`] naming `field` and listing the stage names, `new` and `gone`.
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "new" => Ok(MigrationState::New),
            "gone" => Ok(MigrationState::Gone),
            _ => Stage::parse(text, field).map(MigrationState::Stage).map_err(|_| {
                let mut valid: Vec<&str> = Stage::NAMES.to_vec();
                valid.extend(["new", "gone"]);
                Error::unknown_name(field, text, &valid)
            }),
        }
    }
}

impl From<Stage> for MigrationState {
    fn from(s: Stage) -> Self {
        MigrationState::Stage(s)
    }
}

impl fmt::Display for MigrationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One customer's move between the snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Move {
    /// Customer id.
    pub id: i64,
    /// State in the first snapshot (`New` when absent).
    pub from: MigrationState,
    /// State in the second snapshot (`Gone` when absent).
    pub to: MigrationState,
}

impl Move {
    /// True when the state changed.
    pub fn changed(&self) -> bool {
        self.from != self.to
    }
}

/// The transition matrix between two snapshots and every customer's move.
///
/// Rows are the states before ([`Stage::ALL`], then `New` under the outer join), columns the
/// states after ([`Stage::ALL`], then `Gone` under the outer join). Every stage has a row and a
/// column, even when empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    rows: Vec<MigrationState>,
    columns: Vec<MigrationState>,
    counts: Vec<u64>,
    moves: Vec<Move>,
}

impl Migration {
    /// The row states (before), in matrix order.
    pub fn row_states(&self) -> &[MigrationState] {
        &self.rows
    }

    /// The column states (after), in matrix order.
    pub fn column_states(&self) -> &[MigrationState] {
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
    pub fn count(&self, from: MigrationState, to: MigrationState) -> u64 {
        match (self.row_of(from), self.column_of(to)) {
            (Some(i), Some(j)) => self.counts[i * self.columns.len() + j],
            _ => 0,
        }
    }

    /// Customers in state `from` before (the row total).
    pub fn row_total(&self, from: MigrationState) -> u64 {
        self.row_of(from).map_or(0, |i| {
            self.counts[i * self.columns.len()..(i + 1) * self.columns.len()].iter().sum()
        })
    }

    /// Customers in state `to` after (the column total).
    pub fn column_total(&self, to: MigrationState) -> u64 {
        let k = self.columns.len();
        self.column_of(to).map_or(0, |j| self.counts.iter().skip(j).step_by(k).sum())
    }

    /// The share of `from` customers who moved to `to` (0 when `from` has no customers).
    pub fn rate(&self, from: MigrationState, to: MigrationState) -> f64 {
        let total = self.row_total(from);
        if total == 0 {
            0.0
        } else {
            self.count(from, to) as f64 / total as f64
        }
    }

    /// Every customer's move: the customers of the first snapshot in its order, then those only
    /// in the second, in its order.
    pub fn moves(&self) -> &[Move] {
        &self.moves
    }

    fn row_of(&self, s: MigrationState) -> Option<usize> {
        self.rows.iter().position(|&r| r == s)
    }

    fn column_of(&self, s: MigrationState) -> Option<usize> {
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

/// The transition matrix between the ladder stages of two snapshots of the same customers.
///
/// Customers are matched by id. With [`MigrationPolicy::Strict`] both snapshots must hold the
/// same customers; with [`MigrationPolicy::OuterJoin`] a customer only in `before` counts in
/// column `gone`, one only in `after` in row `new`. The row totals are the stage counts of
/// `before` (plus the `new` customers); the column totals those of `after` (plus `gone`).
///
/// # Errors
/// * [`Error::Empty`] for an empty snapshot (`ids_before`, `ids_after`);
/// * [`Error::LengthMismatch`] when `stages_before` (`stages_after`) differs in length from
///   `ids_before` (`ids_after`);
/// * [`Error::InvalidValue`] naming `ids_before` or `ids_after` and the index: a duplicate id
///   (checked first: `after`, then `before`); under the strict policy, then, the first id of
///   `before` missing from `after`, or else the first id of `after` missing from `before`.
///
/// Snapshots whose ids are strictly ascending (as [`crate::summarize`] returns them) are joined
/// by a linear merge; others through a hash map.
///
/// # Examples
/// ```
/// use cvm_core::loyalty::{stage_migration, MigrationPolicy, MigrationState as M, Stage};
/// let before = [Stage::FirstTime, Stage::FirstTime, Stage::Repeat];
/// let after = [Stage::Repeat, Stage::Lapsed, Stage::Advocate];
/// let m = stage_migration(&[1, 2, 3], &before, &[4, 2, 1], &after, MigrationPolicy::OuterJoin)?;
/// assert_eq!(m.count(M::Stage(Stage::FirstTime), M::Stage(Stage::Lapsed)), 1);
/// assert_eq!(m.count(M::Stage(Stage::FirstTime), M::Stage(Stage::Advocate)), 1);
/// assert_eq!(m.count(M::Stage(Stage::Repeat), M::Gone), 1);
/// assert_eq!(m.count(M::New, M::Stage(Stage::Repeat)), 1);
/// assert!((m.rate(M::Stage(Stage::FirstTime), M::Stage(Stage::Lapsed)) - 0.5).abs() < 1e-12);
/// assert!(stage_migration(&[1, 2, 3], &before, &[4, 2, 1], &after, MigrationPolicy::Strict).is_err());
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn stage_migration(
    ids_before: &[i64],
    stages_before: &[Stage],
    ids_after: &[i64],
    stages_after: &[Stage],
    policy: MigrationPolicy,
) -> Result<Migration> {
    check::non_empty("ids_before", ids_before.len())?;
    check::same_len("stages_before", ids_before.len(), stages_before.len())?;
    check::non_empty("ids_after", ids_after.len())?;
    check::same_len("stages_after", ids_after.len(), stages_after.len())?;
    for (field, len) in [("ids_before", ids_before.len()), ("ids_after", ids_after.len())] {
        if len >= NONE as usize {
            return Err(Error::invalid(field, format!("at most {} customers", u32::MAX - 1)));
        }
    }
    // partner[i]: index in `after` of customer i of `before` (NONE: absent); matched[j]: customer
    // j of `after` is in `before`.
    let (partner, matched) = if is_ascending(ids_before) && is_ascending(ids_after) {
        merge_join(ids_before, ids_after)
    } else {
        hash_join(ids_before, ids_after)?
    };

    let outer = policy == MigrationPolicy::OuterJoin;
    let mut rows: Vec<MigrationState> = Stage::ALL.into_iter().map(MigrationState::Stage).collect();
    let mut columns = rows.clone();
    if outer {
        rows.push(MigrationState::New);
        columns.push(MigrationState::Gone);
    }
    let k = columns.len();
    let new_row = Stage::ALL.len();
    let gone_col = Stage::ALL.len();

    let mut counts = vec![0u64; rows.len() * k];
    let mut moves = Vec::with_capacity(ids_before.len().max(ids_after.len()));
    for (i, (&id, &from)) in ids_before.iter().zip(stages_before).enumerate() {
        match partner[i] {
            NONE if outer => {
                counts[from.index() * k + gone_col] += 1;
                moves.push(Move { id, from: from.into(), to: MigrationState::Gone });
            }
            NONE => {
                return Err(Error::invalid_at(
                    "ids_before",
                    i,
                    format!(
                        "customer id {id} is not in ids_after (strict policy; use outer_join to \
                         count it as gone)"
                    ),
                ))
            }
            j => {
                let to = stages_after[j as usize];
                counts[from.index() * k + to.index()] += 1;
                moves.push(Move { id, from: from.into(), to: to.into() });
            }
        }
    }
    for (j, (&id, &to)) in ids_after.iter().zip(stages_after).enumerate() {
        if matched[j] {
            continue;
        }
        if !outer {
            return Err(Error::invalid_at(
                "ids_after",
                j,
                format!(
                    "customer id {id} is not in ids_before (strict policy; use outer_join to \
                     count it as new)"
                ),
            ));
        }
        counts[new_row * k + to.index()] += 1;
        moves.push(Move { id, from: MigrationState::New, to: to.into() });
    }
    Ok(Migration { rows, columns, counts, moves })
}

/// No partner.
const NONE: u32 = u32::MAX;

fn is_ascending(ids: &[i64]) -> bool {
    ids.windows(2).all(|w| w[0] < w[1])
}

/// Join of two strictly ascending id lists (no duplicates possible): one linear merge.
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

/// Join through a hash map of `after`'s ids; duplicate ids in either list are an error.
fn hash_join(before: &[i64], after: &[i64]) -> Result<(Vec<u32>, Vec<bool>)> {
    let mut index: IdMap<u32> = IdMap::with_capacity_and_hasher(after.len(), Default::default());
    for (j, &id) in after.iter().enumerate() {
        if let Some(first) = index.insert(id, j as u32) {
            return Err(duplicate("ids_after", j, id, first as usize));
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
                    return Err(duplicate("ids_before", i, id, matched_by[j] as usize - 1));
                }
                matched_by[j] = i as u32 + 1;
                partner[i] = j as u32;
            }
            None => {
                if let Some(first) = absent.insert(id, i as u32) {
                    return Err(duplicate("ids_before", i, id, first as usize));
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
    use MigrationState as M;

    const S: M = M::Stage(Stage::Suspect);
    const P: M = M::Stage(Stage::Prospect);
    const F: M = M::Stage(Stage::FirstTime);
    const R: M = M::Stage(Stage::Repeat);
    const A: M = M::Stage(Stage::Advocate);
    const L: M = M::Stage(Stage::Lapsed);

    #[test]
    fn strict_matrix_by_hand() {
        use Stage::*;
        let before = [Suspect, Prospect, FirstTime, FirstTime, FirstTime, Repeat, Repeat, Advocate];
        let after = [Prospect, FirstTime, Repeat, Lapsed, FirstTime, Advocate, Repeat, Lapsed];
        // `after` listed in a shuffled id order.
        let ids_b = [10, 20, 30, 40, 50, 60, 70, 80];
        let perm = [7, 0, 3, 5, 1, 6, 2, 4];
        let ids_a: Vec<i64> = perm.iter().map(|&p| ids_b[p]).collect();
        let st_a: Vec<Stage> = perm.iter().map(|&p| after[p]).collect();
        let m = stage_migration(&ids_b, &before, &ids_a, &st_a, MigrationPolicy::Strict).unwrap();
        assert_eq!(m.row_states().len(), 6);
        assert_eq!(m.column_states().len(), 6);
        let expect = [
            (S, P, 1),
            (P, F, 1),
            (F, R, 1),
            (F, L, 1),
            (F, F, 1),
            (R, A, 1),
            (R, R, 1),
            (A, L, 1),
        ];
        let mut total = 0;
        for (from, to, c) in expect {
            assert_eq!(m.count(from, to), c, "{from} -> {to}");
            total += c;
        }
        assert_eq!(m.counts().iter().sum::<u64>(), total);
        assert_eq!(m.row_total(F), 3);
        assert_eq!(m.column_total(L), 2);
        assert!((m.rate(F, R) - 1.0 / 3.0).abs() < 1e-15);
        assert_eq!(m.rate(L, L), 0.0); // empty row
        assert_eq!(m.count(M::New, F), 0);
        let rates = m.rate_matrix();
        for (row, state) in rates.iter().zip(m.row_states()) {
            let s: f64 = row.iter().sum();
            let want = if m.row_total(*state) > 0 { 1.0 } else { 0.0 };
            assert!((s - want).abs() < 1e-12);
        }
        assert_eq!(m.rates().len(), 36);
        assert_eq!(m.count_matrix()[2], vec![0, 0, 1, 1, 0, 1]);
        assert_eq!(m.moves().len(), 8);
        assert_eq!(m.moves()[3], Move { id: 40, from: F, to: L });
        assert_eq!(m.moves().iter().filter(|mv| mv.changed()).count(), 6);
    }

    #[test]
    fn outer_join_adds_new_and_gone() {
        use Stage::*;
        let m = stage_migration(
            &[1, 2, 3],
            &[FirstTime, Repeat, Lapsed],
            &[3, 4, 5, 1],
            &[Repeat, Suspect, FirstTime, Repeat],
            MigrationPolicy::OuterJoin,
        )
        .unwrap();
        assert_eq!(m.row_states().last(), Some(&M::New));
        assert_eq!(m.column_states().last(), Some(&M::Gone));
        assert_eq!(m.count(F, R), 1);
        assert_eq!(m.count(R, M::Gone), 1);
        assert_eq!(m.count(L, R), 1);
        assert_eq!(m.count(M::New, S), 1);
        assert_eq!(m.count(M::New, F), 1);
        assert_eq!(m.row_total(M::New), 2);
        assert_eq!(m.column_total(M::Gone), 1);
        let ids: Vec<i64> = m.moves().iter().map(|mv| mv.id).collect();
        assert_eq!(ids, vec![1, 2, 3, 4, 5]);
        assert_eq!(m.moves()[1].to, M::Gone);
        assert_eq!(m.moves()[4].from, M::New);
        assert_eq!(m.counts().len(), 49);
    }

    #[test]
    fn bad_snapshots_are_typed() {
        use Stage::*;
        let p = MigrationPolicy::Strict;
        let e =
            stage_migration(&[1, 2], &[Repeat, Repeat], &[2, 3], &[Repeat, Repeat], p).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("ids_before"), Some(0)));
        assert!(e.to_string().contains("customer id 1"));
        let e =
            stage_migration(&[1, 2], &[Repeat, Repeat], &[2, 1, 7], &[Repeat; 3], p).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("ids_after"), Some(2)));
        assert!(e.to_string().contains("customer id 7"));
        let e = stage_migration(&[1, 2, 1], &[Repeat; 3], &[1, 2], &[Repeat; 2], p).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("ids_before"), Some(2)));
        let e = stage_migration(
            &[1, 2],
            &[Repeat; 2],
            &[2, 2],
            &[Repeat; 2],
            MigrationPolicy::OuterJoin,
        )
        .unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("ids_after"), Some(1)));
        // Two customers gone under the same id.
        let e =
            stage_migration(&[5, 1, 5], &[Repeat; 3], &[1], &[Repeat], MigrationPolicy::OuterJoin)
                .unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("ids_before"), Some(2)));
        assert!(e.to_string().contains("duplicate customer id 5 (first at index 0)"));
        let e = stage_migration(&[1, 2], &[Repeat], &[1, 2], &[Repeat; 2], p).unwrap_err();
        assert!(matches!(e, Error::LengthMismatch { ref field, .. } if field == "stages_before"));
        let e = stage_migration(&[], &[], &[1], &[Repeat], p).unwrap_err();
        assert!(matches!(e, Error::Empty { ref field } if field == "ids_before"));
    }

    #[test]
    fn names() {
        assert_eq!(
            MigrationPolicy::parse("Outer-Join", "policy").unwrap(),
            MigrationPolicy::OuterJoin
        );
        assert_eq!(MigrationPolicy::parse("strict", "policy").unwrap().as_str(), "strict");
        assert!(MigrationPolicy::parse("inner", "policy").is_err());
        assert_eq!(M::parse("gone", "state").unwrap(), M::Gone);
        assert_eq!(M::parse("NEW", "state").unwrap(), M::New);
        assert_eq!(M::parse("first_time", "state").unwrap(), F);
        match M::parse("vip", "state").unwrap_err() {
            Error::UnknownName { valid, .. } => assert_eq!(valid.len(), 8),
            e => panic!("{e:?}"),
        }
        assert_eq!(A.to_string(), "advocate");
        let _ = (S, P);
    }
}
