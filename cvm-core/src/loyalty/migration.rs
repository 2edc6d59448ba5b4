//! Stage migration between two snapshots.

use std::fmt;
use std::str::FromStr;

use super::Stage;
use crate::error::{Error, Result};
use crate::names::normalize;
use crate::parallel::par_map;
use crate::transition::tabulate;
pub use crate::transition::{Migration, MigrationPolicy, Move};

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
}

/// Parses a stage name, `"new"` or `"gone"` (stage names as [`Stage`] reads them); an unknown
/// name is [`Error::UnknownName`] on `state` listing the stage names, `new` and `gone`.
impl FromStr for MigrationState {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        match normalize(text, &[]).as_str() {
            "new" => Ok(MigrationState::New),
            "gone" => Ok(MigrationState::Gone),
            _ => text.parse().map(MigrationState::Stage).map_err(|_| {
                let mut valid: Vec<&str> = Stage::NAMES.to_vec();
                valid.extend(["new", "gone"]);
                Error::unknown_name("state", text, &valid)
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
/// On the thread pool: the stages' indices (one byte a customer, from 256 customers), the order
/// check of the ids (from 16,384) and the join of unsorted ids, hashed and grouped in shards
/// (from 65,536 customers of both snapshots together; below, one hash map on the calling
/// thread). The merge join of sorted ids and the pass that counts and lists the moves run on
/// the calling thread (bound by memory: 4 ms at 1M customers, no faster split over two cores).
/// The matrix, the moves and the errors are the same on any number of threads.
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
    ids_before: &[i64], stages_before: &[Stage], ids_after: &[i64], stages_after: &[Stage],
    policy: MigrationPolicy,
) -> Result<Migration> {
    // One byte a customer (fewer than 256 stages): the join reads, and the pool writes, an
    // eighth of `usize` indices' memory.
    let index = |s: &[Stage]| par_map(s.len(), |i| s[i].index() as u8);
    let states: Vec<MigrationState> = Stage::ALL.into_iter().map(MigrationState::Stage).collect();
    tabulate(
        ids_before,
        &index(stages_before),
        ids_after,
        &index(stages_after),
        &states,
        MigrationState::New,
        MigrationState::Gone,
        policy,
        ["ids_before", "stages_before", "ids_after", "stages_after"],
    )
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

    /// The counts and moves of a plain loop over a std map of `after`'s ids: the reference.
    #[cfg(feature = "parallel")]
    fn reference(
        ids_b: &[i64], st_b: &[Stage], ids_a: &[i64], st_a: &[Stage], outer: bool,
    ) -> (Vec<u64>, Vec<Move>) {
        let k = Stage::ALL.len() + usize::from(outer);
        let index: std::collections::HashMap<i64, usize> =
            ids_a.iter().enumerate().map(|(j, &id)| (id, j)).collect();
        let mut seen = vec![false; ids_a.len()];
        let (mut counts, mut moves) = (vec![0u64; k * k], Vec::new());
        for (&id, &from) in ids_b.iter().zip(st_b) {
            let to = match index.get(&id) {
                Some(&j) => {
                    seen[j] = true;
                    st_a[j].into()
                }
                None => M::Gone,
            };
            let col = if to == M::Gone { k - 1 } else { st_a[index[&id]].index() };
            counts[from.index() * k + col] += 1;
            moves.push(Move { id, from: from.into(), to });
        }
        for (_, (&id, &to)) in ids_a.iter().zip(st_a).enumerate().filter(|(j, _)| !seen[*j]) {
            counts[(k - 1) * k + to.index()] += 1;
            moves.push(Move { id, from: M::New, to: to.into() });
        }
        (counts, moves)
    }

    /// 100,000 customers, ids sorted (the merge join) and shuffled (the sharded hash join),
    /// strict and outer: the same migration on one thread and on four, that of the reference.
    /// Duplicates and missing ids, two of each: the first is named, on any threads.
    #[cfg(feature = "parallel")]
    #[test]
    fn large_snapshots_migrate_alike_on_any_threads() {
        use crate::parallel::on_one_and_four_threads;
        let n = 100_000;
        let mut rng = crate::models::Rng::new(3);
        let mut below = |m: usize| (rng.next_u64() % m as u64) as usize;
        let stages = |below: &mut dyn FnMut(usize) -> usize| -> Vec<Stage> {
            (0..n).map(|_| Stage::ALL[below(Stage::ALL.len())]).collect()
        };
        let (st_b, st_a) = (stages(&mut below), stages(&mut below));
        let ids: Vec<i64> = (0..n as i64).map(|i| 3 * i - 150_000).collect();
        // Outer join: a tenth of `before` gone, a tenth of `after` new.
        let ids_outer: Vec<i64> =
            ids.iter().map(|&i| if i % 10 == 0 { i + 1 } else { i }).collect();
        let mut shuffle = |v: &[i64], s: &[Stage]| {
            let (mut v, mut s) = (v.to_vec(), s.to_vec());
            for i in (1..v.len()).rev() {
                let j = below(i + 1);
                v.swap(i, j);
                s.swap(i, j);
            }
            (v, s)
        };
        let (mut sh_b, sh_sb) = shuffle(&ids, &st_b);
        sh_b[17] = i64::MIN;
        sh_b[18] = i64::MAX;
        let (mut sh_a, sh_sa) = shuffle(&sh_b, &st_a);
        let (sh_o, sh_so) = shuffle(&ids_outer, &st_a);
        let cases = [
            (&ids, &st_b, &ids, &st_a, MigrationPolicy::Strict),
            (&ids, &st_b, &ids_outer, &st_a, MigrationPolicy::OuterJoin),
            (&sh_b, &sh_sb, &sh_a, &sh_sa, MigrationPolicy::Strict),
            (&sh_b, &sh_sb, &sh_o, &sh_so, MigrationPolicy::OuterJoin),
        ];
        for (c, (ib, sb, ia, sa, policy)) in cases.into_iter().enumerate() {
            let (one, four) =
                on_one_and_four_threads(|| stage_migration(ib, sb, ia, sa, policy).unwrap());
            assert_eq!(one, four, "case {c}");
            let (counts, moves) = reference(ib, sb, ia, sa, policy == MigrationPolicy::OuterJoin);
            assert_eq!((one.counts(), one.moves()), (&counts[..], &moves[..]), "case {c}");
        }
        let fails = |ib: &[i64], ia: &[i64], field: &str, index: usize, text: &str| {
            let p = MigrationPolicy::Strict;
            let (one, four) = on_one_and_four_threads(|| {
                stage_migration(ib, &st_b[..ib.len()], ia, &st_a[..ia.len()], p).unwrap_err()
            });
            assert_eq!(one, four);
            assert_eq!((one.field(), one.index()), (Some(field), Some(index)), "{one}");
            assert!(one.to_string().contains(text), "{one}");
        };
        // Two duplicates in `before` (shuffled): the first, with its first index.
        let mut dup_b = sh_b.clone();
        dup_b[60_000] = dup_b[10];
        dup_b[80_000] = dup_b[20];
        fails(&dup_b, &sh_a, "ids_before", 60_000, "(first at index 10)");
        // Two in `after` too: `after`'s first, checked first.
        sh_a[50_000] = sh_a[5];
        sh_a[90_000] = sh_a[7];
        fails(&dup_b, &sh_a, "ids_after", 50_000, "(first at index 5)");
        // Two ids of `before` missing from `after`, sorted and shuffled.
        let mut gap_a = ids.clone();
        gap_a[30_000] += 1;
        gap_a[40_000] += 1;
        fails(&ids, &gap_a, "ids_before", 30_000, "is not in ids_after");
        let mut gap_b = sh_b.clone();
        gap_b[30_000] = 1;
        gap_b[40_000] = 2;
        fails(&gap_b, &sh_b, "ids_before", 30_000, "customer id 1 is not in ids_after");
        // Missing from `before` only: the first of `after`.
        fails(&sh_b[..n - 2], &sh_b, "ids_after", n - 2, "is not in ids_before");
    }

    #[test]
    fn names() {
        assert_eq!("Outer-Join".parse::<MigrationPolicy>().unwrap(), MigrationPolicy::OuterJoin);
        assert_eq!("strict".parse::<MigrationPolicy>().unwrap().as_str(), "strict");
        assert!("inner".parse::<MigrationPolicy>().is_err());
        assert_eq!("gone".parse::<M>().unwrap(), M::Gone);
        assert_eq!("NEW".parse::<M>().unwrap(), M::New);
        assert_eq!("first_time".parse::<M>().unwrap(), F);
        match "vip".parse::<M>().unwrap_err() {
            Error::UnknownName { valid, .. } => assert_eq!(valid.len(), 8),
            e => panic!("{e:?}"),
        }
        assert_eq!(A.to_string(), "advocate");
        let _ = (S, P);
    }
}
