//! Dormant-account transitions between two snapshots: which accounts were reactivated
//! (dormant → active) and which went dormant (active → dormant), with reasons.
//!
//! The method's text (seeds/001:14) defines a dormant account (zero securities balance, cash at
//! most 100, no trade for 3 years or more: the [`dormant_account`](super::presets::dormant_account)
//! preset) and says that a dormant account leaves the trading system and is brought back by its
//! owner's request for reactivation ("激活"), free of charge. A reactivation is read here as an
//! account that the rules call dormant on the first snapshot and active on the second.
//!
//! Each snapshot is evaluated with the same rule set. An account's status on a snapshot is
//! `dormant` when its decision is the dormant decision, `unknown` when it is not and a rule could
//! not be decided for a missing value (a missing field never makes an account confidently
//! active), else `active`; `absent` when the snapshot does not list it.

use super::eval::{Evaluation, Outcome};
use super::rules::RuleSet;
use super::table::Table;
use crate::error::{check, Error, Result};
use crate::parallel::par_map;

/// An account's status on one snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountStatus {
    /// The rules call it dormant.
    Dormant,
    /// The rules call it active, every rule decided.
    Active,
    /// Not dormant, but a rule could not be decided (a missing value).
    Unknown,
    /// Not in the snapshot.
    Absent,
}

impl AccountStatus {
    /// Every status, in declaration order.
    pub const ALL: [AccountStatus; 4] = [
        AccountStatus::Dormant,
        AccountStatus::Active,
        AccountStatus::Unknown,
        AccountStatus::Absent,
    ];

    /// `"dormant"`, `"active"`, `"unknown"` or `"absent"`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Dormant => "dormant",
            AccountStatus::Active => "active",
            AccountStatus::Unknown => "unknown",
            AccountStatus::Absent => "absent",
        }
    }
}

/// What happened to an account between the snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DormantTransition {
    /// Dormant, then active.
    Reactivated,
    /// Active, then dormant.
    BecameDormant,
    /// Dormant on both.
    StayedDormant,
    /// Active on both.
    StayedActive,
    /// In both, unknown on at least one.
    Unknown,
    /// Only in the second snapshot.
    New,
    /// Only in the first snapshot.
    Gone,
}

impl DormantTransition {
    /// The spellings, in declaration order (the codes of the C API).
    pub const NAMES: &'static [&'static str] = &[
        "reactivated",
        "became_dormant",
        "stayed_dormant",
        "stayed_active",
        "unknown",
        "new",
        "gone",
    ];

    /// The spelling, e.g. `"reactivated"`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    fn of(before: AccountStatus, after: AccountStatus) -> Self {
        use AccountStatus::*;
        match (before, after) {
            (Absent, _) => DormantTransition::New,
            (_, Absent) => DormantTransition::Gone,
            (Dormant, Active) => DormantTransition::Reactivated,
            (Active, Dormant) => DormantTransition::BecameDormant,
            (Dormant, Dormant) => DormantTransition::StayedDormant,
            (Active, Active) => DormantTransition::StayedActive,
            _ => DormantTransition::Unknown,
        }
    }
}

/// One snapshot: the accounts' ids and their attributes (one row per account).
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a, 't> {
    /// Account ids, each once, one per row of `table`.
    pub account_id: &'a [i64],
    /// The attributes the rules read.
    pub table: &'a Table<'t>,
}

/// Every account of either snapshot, sorted by id.
#[derive(Debug, Clone, PartialEq)]
pub struct DormantTransitions {
    /// Account ids, ascending.
    pub account_id: Vec<i64>,
    /// Status on the first snapshot.
    pub before: Vec<AccountStatus>,
    /// Status on the second snapshot.
    pub after: Vec<AccountStatus>,
    /// The transition.
    pub transition: Vec<DormantTransition>,
    /// Why, e.g. `reactivated: dormant on the first snapshot (holdings_balance=0<=0;
    /// cash_balance=80<=100; years_since_last_trade=4>=3), active on the second
    /// (years_since_last_trade=0.5<3)`.
    pub reason: Vec<String>,
}

impl DormantTransitions {
    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.account_id.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.account_id.is_empty()
    }

    /// Number of accounts per transition, in the order of [`DormantTransition::NAMES`].
    pub fn counts(&self) -> Vec<usize> {
        let mut c = vec![0; DormantTransition::NAMES.len()];
        self.transition.iter().for_each(|&t| c[t as usize] += 1);
        c
    }
}

/// Status of row `i` and the checks that explain it.
fn status(ev: &Evaluation<'_, '_>, i: usize, dormant: &str) -> (AccountStatus, String) {
    use std::fmt::Write;
    let mut checks = String::new();
    if ev.decision(i) == dormant {
        ev.write_checks_with(i, Outcome::Pass, &mut checks);
        return (AccountStatus::Dormant, checks);
    }
    if ev.write_checks_with(i, Outcome::Missing, &mut checks) {
        return (AccountStatus::Unknown, checks);
    }
    ev.write_checks_with(i, Outcome::Fail, &mut checks);
    if let Some(h) = ev.fired_rule(i) {
        if !checks.is_empty() {
            checks.push_str("; ");
        }
        let _ = write!(checks, "rule {h} decided {}", ev.decision(i)); // a String cannot fail
    }
    (AccountStatus::Active, checks)
}

fn checked_ids(ids: &[i64], n_rows: usize, field: &str) -> Result<Vec<usize>> {
    check::same_len(field, n_rows, ids.len())?;
    super::daily_balance::sorted_ids(ids, field, |id, first| {
        format!("account {id} is listed twice (first at row {first})")
    })
}

/// Flags the accounts that were reactivated or went dormant between two snapshots.
///
/// `rules` decide dormancy on each snapshot (the
/// [`dormant_account`](super::presets::dormant_account) preset, or any rule set with a
/// decision named `dormant_decision`); see the [module docs](self) for the statuses. The two
/// snapshots' ids are joined on one thread; each account's statuses and reason are formed on the
/// thread pool from 256 accounts.
///
/// # Errors
/// [`Error::InvalidValue`] (`dormant_decision`) when the rules have no such decision;
/// [`Error::LengthMismatch`] (`before_account_id`, `after_account_id`) when the ids and the
/// table differ in length; [`Error::InvalidValue`] with the row (`before_account_id`,
/// `after_account_id`) for an account listed twice; every error of
/// [`RuleSet::evaluate`] (a missing column, …).
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{dormant_account, DormantOptions};
/// use cvm_core::selection::{dormant_transitions, Column, DormantTransition, Snapshot, Table};
/// let rules = dormant_account(&DormantOptions::default())?;
/// let table = |h: &'static [f64], c: &'static [f64], y: &'static [f64]| {
///     Table::new()
///         .with("holdings_balance", Column::Numeric(h))?
///         .with("cash_balance", Column::Numeric(c))?
///         .with("years_since_last_trade", Column::Numeric(y))
/// };
/// // Accounts 1 and 2 are dormant in 2023; account 1 trades again, account 3 goes quiet.
/// let t0 = table(&[0.0, 0.0, 0.0], &[80.0, 50.0, 90.0], &[4.0, 5.0, 2.5])?;
/// let t1 = table(&[0.0, 0.0, 0.0], &[80.0, 50.0, 90.0], &[0.5, 6.0, 3.5])?;
/// let r = dormant_transitions(
///     &rules,
///     "dormant",
///     Snapshot { account_id: &[1, 2, 3], table: &t0 },
///     Snapshot { account_id: &[1, 2, 3], table: &t1 },
/// )?;
/// use DormantTransition::*;
/// assert_eq!(r.transition, [Reactivated, StayedDormant, BecameDormant]);
/// assert_eq!(
///     r.reason[0],
///     "reactivated: dormant on the first snapshot (holdings_balance=0<=0; cash_balance=80<=100; \
///      years_since_last_trade=4>=3), active on the second (years_since_last_trade=0.5<3)"
/// );
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn dormant_transitions(
    rules: &RuleSet, dormant_decision: &str, before: Snapshot<'_, '_>, after: Snapshot<'_, '_>,
) -> Result<DormantTransitions> {
    if !rules.decision_names().iter().any(|d| d == dormant_decision) {
        return Err(Error::invalid(
            "dormant_decision",
            format!(
                "the rules have no decision {dormant_decision:?}; their decisions are {}",
                rules.decision_names().join(", ")
            ),
        ));
    }
    let ob = checked_ids(before.account_id, before.table.n_rows(), "before_account_id")?;
    let oa = checked_ids(after.account_id, after.table.n_rows(), "after_account_id")?;
    let (eb, ea) = (rules.evaluate(before.table)?, rules.evaluate(after.table)?);
    let (ib, ia) = (before.account_id, after.account_id);
    // The merge join of the two id orders (on one thread), then each account's statuses and
    // reason (on the thread pool from 256 accounts).
    let mut pairs: Vec<(i64, Option<usize>, Option<usize>)> = Vec::new();
    let (mut x, mut y) = (0, 0);
    while x < ob.len() || y < oa.len() {
        let kb = ob.get(x).map(|&j| ib[j]);
        let ka = oa.get(y).map(|&j| ia[j]);
        let id = match (kb, ka) {
            (Some(b), Some(a)) => b.min(a),
            (Some(b), None) => b,
            (None, Some(a)) => a,
            (None, None) => break, // not reached: the loop runs while one side is left
        };
        let row_b = (kb == Some(id)).then(|| {
            x += 1;
            ob[x - 1]
        });
        let row_a = (ka == Some(id)).then(|| {
            y += 1;
            oa[y - 1]
        });
        pairs.push((id, row_b, row_a));
    }
    let rows = par_map(pairs.len(), |k| {
        let (id, row_b, row_a) = pairs[k];
        let absent = || (AccountStatus::Absent, String::new());
        let (sb, cb) = row_b.map_or_else(absent, |j| status(&eb, j, dormant_decision));
        let (sa, ca) = row_a.map_or_else(absent, |j| status(&ea, j, dormant_decision));
        let t = DormantTransition::of(sb, sa);
        let with = |text: String, checks: &str| {
            if checks.is_empty() {
                text
            } else {
                format!("{text} ({checks})")
            }
        };
        let first = match sb {
            AccountStatus::Absent => "not in the first snapshot".to_string(),
            _ => with(format!("{} on the first snapshot", sb.as_str()), &cb),
        };
        let second = match sa {
            AccountStatus::Absent => "not in the second".to_string(),
            _ => with(format!("{} on the second", sa.as_str()), &ca),
        };
        (id, sb, sa, t, format!("{}: {first}, {second}", t.as_str()))
    });
    let n = rows.len();
    let mut out = DormantTransitions {
        account_id: Vec::with_capacity(n),
        before: Vec::with_capacity(n),
        after: Vec::with_capacity(n),
        transition: Vec::with_capacity(n),
        reason: Vec::with_capacity(n),
    };
    for (id, sb, sa, t, reason) in rows {
        out.account_id.push(id);
        out.before.push(sb);
        out.after.push(sa);
        out.transition.push(t);
        out.reason.push(reason);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selection::presets::{dormant_account, DormantOptions};
    use crate::selection::Column;

    /// Every status's checks as the accounts' reasons give them: the checks of the rules with
    /// the outcome that decided, joined by "; " (the rule that fired, for an active account).
    #[test]
    fn status_checks_are_the_reasons_checks() {
        let nan = f64::NAN;
        let h = [0.0, 5.0, 0.0, nan, 0.0, 0.0, 2.0];
        let c = [80.0, 80.0, 150.0, 10.0, nan, 100.0, 99.5];
        let y = [4.0, 4.0, 1.0, 5.0, 3.0, nan, 0.25];
        let table = Table::new()
            .with("holdings_balance", Column::Numeric(&h))
            .and_then(|t| t.with("cash_balance", Column::Numeric(&c)))
            .and_then(|t| t.with("years_since_last_trade", Column::Numeric(&y)))
            .unwrap();
        let rules = dormant_account(&DormantOptions::default()).unwrap();
        let ev = rules.evaluate(&table).unwrap();
        let mut statuses = Vec::new();
        for i in 0..h.len() {
            let reasons = ev.reasons(i);
            let pick = |want: Outcome| -> Vec<String> {
                let of = reasons.iter().filter(|r| r.outcome == want);
                of.flat_map(|r| r.checks.iter().map(|c| c.code())).collect()
            };
            let (want_status, checks) = if ev.decision(i) == "dormant" {
                (AccountStatus::Dormant, pick(Outcome::Pass))
            } else if reasons.iter().any(|r| r.outcome == Outcome::Missing) {
                (AccountStatus::Unknown, pick(Outcome::Missing))
            } else {
                let mut c = pick(Outcome::Fail);
                if let Some(rule) = ev.fired_rule(i) {
                    c.push(format!("rule {rule} decided {}", ev.decision(i)));
                }
                (AccountStatus::Active, c)
            };
            assert_eq!(status(&ev, i, "dormant"), (want_status, checks.join("; ")), "row {i}");
            statuses.push(want_status);
        }
        // Every status is among the cases.
        for s in [AccountStatus::Dormant, AccountStatus::Unknown, AccountStatus::Active] {
            assert!(statuses.contains(&s), "{s:?}");
        }
    }

    /// 100,000 accounts in two snapshots (ids in other orders, some in one snapshot only): the
    /// same transitions and reasons on one thread and on four, and the same repeated id named.
    #[cfg(feature = "parallel")]
    #[test]
    fn transitions_do_not_depend_on_the_threads() {
        let n = 100_000;
        let ids_b: Vec<i64> = (0..n as i64).map(|i| (i * 7_919) % n as i64).collect();
        let ids_a: Vec<i64> =
            (0..n as i64).map(|i| n as i64 / 2 + (i * 104_729) % n as i64).collect();
        let col = |k: u64| -> Vec<f64> { (0..n as u64).map(|i| ((i * k) % 11) as f64).collect() };
        let (h, c, y) = (col(3), col(5).iter().map(|v| 20.0 * v).collect::<Vec<_>>(), col(7));
        let rules = dormant_account(&DormantOptions::default()).unwrap();
        let run = |ids_a: &[i64]| {
            let t = Table::new()
                .with("holdings_balance", Column::Numeric(&h))
                .and_then(|t| t.with("cash_balance", Column::Numeric(&c)))
                .and_then(|t| t.with("years_since_last_trade", Column::Numeric(&y)))
                .unwrap();
            dormant_transitions(
                &rules,
                "dormant",
                Snapshot { account_id: &ids_b, table: &t },
                Snapshot { account_id: ids_a, table: &t },
            )
        };
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            let r = run(&ids_a).unwrap();
            (r.account_id, r.before, r.after, r.transition, r.reason)
        });
        assert_eq!(one, four);
        assert_eq!(one.0.len(), n + n / 2);
        let mut twice = ids_a.clone();
        twice[77_777] = twice[12];
        let (a, b) = crate::parallel::on_one_and_four_threads(|| run(&twice).unwrap_err());
        assert_eq!((a.field(), a.index()), (Some("after_account_id"), Some(77_777)));
        assert_eq!(a.to_string(), b.to_string());
    }
}
