//! Service strategies attached to decisions: what to do with a customer once decided.
//!
//! A rule set may carry a list of [`Strategy`] entries (JSON key `strategies`). For each
//! customer the first entry whose `decision` is the customer's decision and whose optional
//! `when` condition holds (unknown does not hold) gives the customer's strategy
//! ([`Evaluation::strategy`](super::Evaluation::strategy)); a customer no entry matches has
//! none. The elastic-customer preset uses them for the method's service strategies
//! (seeds/001:327): partnership for customers with negative short-term and positive lifetime
//! value, "try hard to maintain" for influential or technology-leading ones, and switching
//! barriers for all of them.

use super::rules::{json_err, Condition};
use crate::error::Result;

/// One entry of a rule set's strategy table.
///
/// # Examples
/// ```
/// use cvm_core::selection::{Condition, CompareOp, Strategy};
/// let s = Strategy::new("elastic", "try hard to maintain")
///     .when(Condition::compare("market_influence", CompareOp::Eq, true));
/// assert_eq!(s.decision, "elastic");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    /// The decision the strategy applies to.
    pub decision: String,
    /// An optional further condition on the customer (JSON `when`).
    pub condition: Option<Condition>,
    /// The strategy, as text shown to the user.
    pub strategy: String,
}

impl Strategy {
    /// A strategy for every customer with `decision`.
    pub fn new(decision: &str, strategy: &str) -> Self {
        Strategy { decision: decision.into(), condition: None, strategy: strategy.into() }
    }

    /// Restricts the strategy to customers for which `condition` holds.
    pub fn when(mut self, condition: Condition) -> Self {
        self.condition = Some(condition);
        self
    }

    /// Checks the entry at `$.strategies[k]`: non-empty strategy, a decision among `decisions`,
    /// a valid condition.
    pub(crate) fn validate(&self, k: usize, decisions: &[String]) -> Result<()> {
        let p = format!("$.strategies[{k}]");
        if self.strategy.is_empty() {
            return Err(json_err(&format!("{p}.strategy"), "must not be empty"));
        }
        if !decisions.contains(&self.decision) {
            return Err(json_err(
                &format!("{p}.decision"),
                format!(
                    "unknown decision {:?}; the rule set decides {}",
                    self.decision,
                    decisions.join(", ")
                ),
            ));
        }
        match &self.condition {
            Some(c) => c.validate(&format!("{p}.when")),
            None => Ok(()),
        }
    }
}
