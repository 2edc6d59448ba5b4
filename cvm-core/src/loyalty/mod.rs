//! Loyalty stages, loyalty levels, churn risk, churn types and stage migration.
//!
//! Four per-customer classifications, each a rule table with documented, overridable thresholds,
//! and every assignment comes with a typed reason that also renders as text
//! (`"lapsed: p_alive=0.12<0.5"`):
//!
//! * [`loyalty_stages`] — the loyalty ladder: `suspect` → `prospect` → `first_time` → `repeat` →
//!   `advocate`, plus `lapsed` (see [`Stage`]);
//! * [`loyalty_levels`] — Oliver's four loyalty phases, cognitive → affective → conative → action
//!   (see [`LoyaltyLevel`]);
//! * [`churn_risk`] — the churn-risk table (re-exported from [`crate::churn`]): the lifetime
//!   model's probability of no purchase over a horizon, a ranking score, bands and an at-risk flag;
//!   [`churn_types`] — the churn taxonomy (active: natural, competitive, fault; passive:
//!   non-malicious, retaliatory) assigned from reason fields;
//! * [`stage_migration`] — the transition matrix between the ladder stages of two snapshots, with
//!   row rates and per-customer moves.
//!
//! All inputs are columns (`&[f64]`, flags `&[bool]`); optional signals are `Option<&[_]>` and, when
//! given, have one element per customer. Bad input is a typed [`crate::Error`] naming the
//! column and the first offending index.
//!
//! # References
//! * Christopher, M., Payne, A. & Ballantyne, D. (1991). *Relationship Marketing*. Butterworth-
//!   Heinemann (the relationship-marketing ladder of loyalty).
//! * Griffin, J. (2002). *Customer Loyalty: How to Earn It, How to Keep It*, new ed. Jossey-Bass
//!   (suspect, prospect, first-time and repeat customer, advocate, lapsed customer).
//! * Oliver, R. L. (1999). Whence consumer loyalty? *Journal of Marketing* 63 (special issue),
//!   33–44 (the four loyalty phases).
//!
//! The churn-risk score and the rule orders are this crate's documented defaults, not published
//! models; every threshold and weight can be overridden.
//!
//! # Examples
//! ```
//! use cvm_core::loyalty::{loyalty_stages, stage_migration, LadderInput, LadderOptions,
//!     MigrationPolicy, MigrationState, Stage};
//!
//! // First snapshot (weeks): a recent one-time buyer, one silent for 30 weeks, a repeat buyer.
//! let before = loyalty_stages(
//!     &LadderInput::new(&[0.0, 0.0, 3.0], &[0.0, 0.0, 20.0], &[10.0, 30.0, 30.0]),
//!     &LadderOptions::default().with_lapse_window(Some(26.0)),
//! )?;
//! // 26 weeks later: the first bought again, the second never came back, the third still buys.
//! let after = loyalty_stages(
//!     &LadderInput::new(&[1.0, 0.0, 5.0], &[30.0, 0.0, 50.0], &[36.0, 56.0, 56.0]),
//!     &LadderOptions::default().with_lapse_window(Some(26.0)),
//! )?;
//! assert_eq!(before.stages(), &[Stage::FirstTime, Stage::Lapsed, Stage::Repeat]);
//! assert_eq!(after.stages(), &[Stage::Repeat, Stage::Lapsed, Stage::Repeat]);
//! assert_eq!(after.reason_text(1), "lapsed: T-recency=56>=26");
//!
//! let ids = [11, 12, 13];
//! let m = stage_migration(&ids, before.stages(), &ids, after.stages(), MigrationPolicy::Strict)?;
//! let first = MigrationState::from(Stage::FirstTime);
//! assert_eq!(m.count(first, Stage::Repeat.into()), 1);
//! assert!((m.rate(first, Stage::Repeat.into()) - 1.0).abs() < 1e-12);
//! # Ok::<(), cvm_core::Error>(())
//! ```

mod churn;
mod level;
mod migration;
mod stage;

pub use crate::churn::{churn_risk, ChurnInput, ChurnRisk, ChurnRiskOptions};
pub use churn::{churn_types, ChurnCause, ChurnLabels, ChurnReasons, ChurnType, RiskBand};
pub use level::{
    loyalty_levels, LevelInput, LevelOptions, LevelReason, LevelRule, LevelSignal, Levels,
    LoyaltyLevel, MissingSignal, SignalCheck,
};
pub use migration::{stage_migration, Migration, MigrationPolicy, MigrationState, Move};
pub use stage::{
    loyalty_stages, AdvocacySignal, Ladder, LadderInput, LadderOptions, Stage, StageReason,
};

use crate::error::{check, Error, Result};

pub(crate) use crate::error::check::first_bad;

/// Every value finite and ≥ 0 (the error of `check::non_negative`).
pub(crate) use crate::error::check::non_negative as check_non_negative;

/// An optional column: same length as the others.
pub(crate) fn check_len<T>(field: &str, n: usize, col: Option<&[T]>) -> Result<()> {
    match col {
        Some(c) => check::same_len(field, n, c.len()),
        None => Ok(()),
    }
}

/// An optional count column: same length, finite, ≥ 0.
pub(crate) fn check_counts(field: &str, n: usize, col: Option<&[f64]>) -> Result<()> {
    if let Some(c) = col {
        check::same_len(field, n, c.len())?;
        check_non_negative(field, c)?;
    }
    Ok(())
}

/// An optional probability column: same length, every value in \[0, 1\] (NaN is an error).
pub(crate) fn check_probabilities(field: &str, n: usize, col: Option<&[f64]>) -> Result<()> {
    if let Some(c) = col {
        check::same_len(field, n, c.len())?;
        check::all(field, c, "must be a probability in [0, 1]", |p| (0.0..=1.0).contains(&p))?;
    }
    Ok(())
}

/// `frequency`, `recency`, `T`: non-empty, equal lengths, finite, ≥ 0, recency ≤ T.
pub(crate) fn check_summary(frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<usize> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, recency.len())?;
    check::same_len("T", n, t.len())?;
    check_non_negative("frequency", frequency)?;
    check_non_negative("recency", recency)?;
    check_non_negative("T", t)?;
    let in_order = |rows: std::ops::Range<usize>| {
        recency[rows.clone()].iter().zip(&t[rows]).fold(true, |all, (r, t)| all & (r <= t))
    };
    if crate::parallel::all_rows(n, in_order) {
        return Ok(n);
    }
    if let Some(i) = (0..n).find(|&i| recency[i] > t[i]) {
        return Err(Error::invalid_at(
            "recency",
            i,
            format!("must be <= T (got recency {} > T {})", recency[i], t[i]),
        ));
    }
    Ok(n)
}

/// A scalar threshold in `(0, 1]`.
pub(crate) fn check_unit_interval(field: &str, x: f64) -> Result<()> {
    if x > 0.0 && x <= 1.0 {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("must be in (0, 1] (got {x})")))
    }
}

/// A scalar that must be finite.
pub(crate) fn check_finite_scalar(field: &str, x: f64) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(Error::invalid(field, format!("must be finite (got {x})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bad_finds_the_first_offender_in_any_block() {
        for n in [1usize, 255, 256, 257, 1000] {
            for bad in [0, n / 2, n - 1] {
                let mut xs = vec![1.0; n];
                xs[bad] = -1.0;
                if bad + 300 < n {
                    xs[bad + 300] = f64::NAN;
                }
                assert_eq!(first_bad(&xs, |x| x >= 0.0), Some(bad), "n {n}, bad {bad}");
            }
            assert_eq!(first_bad(&vec![0.0; n], |x| x >= 0.0), None);
        }
        let mut r = vec![1.0; 600];
        let t = vec![2.0; 600];
        r[513] = 3.0;
        r[590] = 5.0;
        let e = check_summary(&vec![1.0; 600], &r, &t).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("recency"), Some(513)));
    }

    #[test]
    fn summary_checks_name_field_and_index() {
        let e = check_summary(&[0.0, 1.0], &[0.0, 5.0], &[3.0, 4.0]).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("recency"), Some(1)));
        let e = check_summary(&[0.0, f64::NAN], &[0.0, 0.0], &[3.0, 4.0]).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("frequency"), Some(1)));
        let e = check_summary(&[0.0, 1.0], &[0.0, 0.0], &[3.0]).unwrap_err();
        assert!(
            matches!(e, Error::LengthMismatch { ref field, expected: 2, got: 1 } if field == "T")
        );
        let e = check_summary(&[], &[], &[]).unwrap_err();
        assert!(matches!(e, Error::Empty { .. }));
        let e = check_probabilities("p_alive", 2, Some(&[0.5, f64::NAN])).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("p_alive"), Some(1)));
        let e = check_unit_interval("x", 0.0).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("x"), None));
    }
}
