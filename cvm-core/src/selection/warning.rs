//! Warnings about an evaluation that is technically right but says little: one decision for
//! nearly everybody.

use crate::text;

/// A decision holding more than this share of the customers raises a [`Concentration`]
/// warning (0.9: "no preset puts more than 90% of the customers in one outcome without a
/// warning").
pub const CONCENTRATION_SHARE: f64 = 0.9;

/// Evaluations of fewer customers than this raise no concentration warning (three customers
/// all `active` is not a finding).
pub const CONCENTRATION_MIN_CUSTOMERS: usize = 10;

/// More than [`CONCENTRATION_SHARE`] of the customers got one decision: the rules, or their
/// thresholds, do not separate this data (e.g. absolute amounts far above every customer's, or
/// a column that is missing everywhere).
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{dormant_account, DormantOptions};
/// use cvm_core::selection::{Column, Table};
/// let holdings = [500.0; 20];
/// let cash = [80.0; 20];
/// let years = [4.0; 20];
/// let table = Table::new()
///     .with("holdings_balance", Column::Numeric(&holdings))?
///     .with("cash_balance", Column::Numeric(&cash))?
///     .with("years_since_last_trade", Column::Numeric(&years))?;
/// let rules = dormant_account(&DormantOptions::default())?;
/// let w = rules.evaluate(&table)?.warnings();
/// assert_eq!(w.len(), 1);
/// assert_eq!((w[0].decision.as_str(), w[0].count, w[0].total), ("active", 20, 20));
/// assert_eq!(w[0].message(), "20 of 20 customers (100%) got `active`: more than 90% in one \
///     decision, so the rules do not separate these customers; check the thresholds and \
///     missing columns");
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Concentration {
    /// The decision most customers got.
    pub decision: String,
    /// Its index in [`Evaluation::decision_names`](super::Evaluation::decision_names).
    pub code: u16,
    /// How many customers got it.
    pub count: usize,
    /// How many customers were evaluated.
    pub total: usize,
    /// `count / total`.
    pub share: f64,
}

impl Concentration {
    /// The warning as a sentence.
    pub fn message(&self) -> String {
        format!(
            "{} of {} customers ({}%) got `{}`: more than {}% in one decision, so the rules do \
             not separate these customers; check the thresholds and missing columns",
            self.count,
            self.total,
            text::number(100.0 * self.share),
            self.decision,
            text::number(100.0 * CONCENTRATION_SHARE)
        )
    }
}

/// The warning for decision counts `counts` (indexed like `names`), if any.
pub(crate) fn concentration(names: &[String], counts: &[usize]) -> Option<Concentration> {
    let total: usize = counts.iter().sum();
    if total < CONCENTRATION_MIN_CUSTOMERS {
        return None;
    }
    let (code, &count) = counts.iter().enumerate().max_by_key(|(k, c)| (**c, usize::MAX - k))?;
    let share = count as f64 / total as f64;
    (share > CONCENTRATION_SHARE).then(|| Concentration {
        decision: names[code].clone(),
        code: code as u16,
        count,
        total,
        share,
    })
}
