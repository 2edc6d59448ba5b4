//! Customer-selection rules: which customers to target, develop, maintain, review or decline,
//! with reasons.
//!
//! * [`Table`] — columnar customer attributes: numeric (`NaN` missing), boolean (`0`/`1`, other
//!   bytes missing) and categorical (codes into labels, `-1` missing);
//! * [`RuleSet`] — the rules as data: weighted [`Criterion`]s adding up to a score, [`HardRule`]s
//!   that force a decision, a decision table of score [`Band`]s and a [`MissingPolicy`]. Built in
//!   code or read from a versioned JSON document (feature `serde`, [`RuleSet::from_json`]); the
//!   schema is documented with examples in `docs/rules.md`;
//! * [`RuleSet::evaluate`] → [`Evaluation`]: decision, score and [`Reason`]s per customer;
//! * presets ([`presets`]): good customer, big-customer risk, elastic customer, dormant account;
//! * [`relationship_trend`] — high/low and rising/stable/declining from per-period profit;
//! * [`lookalike`] — candidates ranked by similarity to the profile of loyal customers.
//!
//! # Conditions
//! A leaf tests one attribute: `Compare` (`<`, `<=`, `>`, `>=` on numbers; `==`, `!=` on numbers,
//! booleans and labels), `Between` (numbers, inclusive or exclusive bounds), `In` (a list of
//! constants of the column's kind) and `IsMissing`. Combinators: `All`, `Any` (both non-empty) and
//! `Not`. Comparing a column with a constant of another kind (a label with a number, …) is an
//! error when the rules are evaluated.
//!
//! # Missing values
//! A leaf other than `IsMissing` is **unknown** on a missing value, and unknowns propagate by
//! Kleene's three-valued logic: `all` is false if any part is false, else unknown if any part is
//! unknown; `any` is true if any part is true, else unknown if any part is; `not` keeps unknown
//! unknown. So `not(x > 0)` does not pass when `x` is missing. What an unknown rule does is
//! the rule set's [`MissingPolicy`]: `fail` (default: no points, the hard rule does not fire,
//! reason outcome `missing`), `error` (evaluation fails naming attribute and row) or
//! `decide` (the customer gets a named decision such as `review`, unless a hard rule fires).
//! A missing value never passes silently: its reason code says `missing` and shows `NA`.
//!
//! # Decisions
//! For each customer: score = sum of the weights of the criteria that pass (added in document
//! order); under the `error` policy any unknown rule stops the evaluation; the first hard rule
//! that holds decides; else, under the `decide` policy, a customer with an unknown rule gets its
//! decision; else the band `min ≤ score < max` decides. The bands must cover every
//! reachable score ([`RuleSet::score_range`]) exactly once.
//!
//! # Limits and cost
//! Rule documents are untrusted input. [`RuleSet::from_json`] reads at most
//! [`MAX_DOCUMENT_BYTES`] bytes nested at most [`MAX_JSON_DEPTH`] levels, in time linear in the
//! length of the text; a rule set has at most [`MAX_CRITERIA`] criteria, [`MAX_HARD_RULES`] hard
//! rules and [`MAX_BANDS`] bands, and its conditions nest at most [`MAX_DEPTH`] combinators deep
//! ([`RuleSet::validate`], linear in the size of the rule set). Each limit is an
//! [`Error::Json`](crate::Error::Json) naming the limit and the value given.
//! [`RuleSet::evaluate`] for `n` customers and `k` criteria and hard rules with `m` conditions
//! in all (leaves and combinators) keeps `n × k` bytes of outcomes and does
//! O(n × (m + Σ log |in-lists|) + n × log |bands|) work after an O(document + columns +
//! categories per leaf) compilation; reason codes cost O(m + length of the names) per customer.
//!
//! # Reason codes
//! One per criterion and hard rule: `name:outcome(check; check)`, with outcome `pass`/`fail`
//! (criteria), `hit`/`miss` (hard rules) or `missing`, and each check stating the fact observed:
//! `margin=1234.5>=1000`, `margin=800<1000`, `age=7 in [1,10]`, `segment=bronze not in
//! {gold,silver}`, `email=NA is missing`, `margin=NA`. The same information is available as
//! structs ([`Reason`], [`Check`]).
//!
//! # Examples
//! ```
//! use cvm_core::selection::presets::{dormant_account, DormantOptions};
//! use cvm_core::selection::{Column, Table};
//! let holdings = [0.0, 0.0, 250.0];
//! let cash = [80.0, 80.0, 10.0];
//! let years = [4.0, 1.0, 5.0];
//! let table = Table::new()
//!     .with("holdings_balance", Column::Numeric(&holdings))?
//!     .with("cash_balance", Column::Numeric(&cash))?
//!     .with("years_since_last_trade", Column::Numeric(&years))?;
//! let rules = dormant_account(&DormantOptions::default())?;
//! let ev = rules.evaluate(&table)?;
//! assert_eq!(ev.decisions(), ["dormant", "active", "active"]);
//! assert_eq!(
//!     ev.reason_codes(1)[2],
//!     "inactive:fail(years_since_last_trade=1<3)"
//! );
//! # Ok::<(), cvm_core::Error>(())
//! ```

mod eval;
#[cfg(feature = "serde")]
pub(crate) mod json;
mod lookalike;
pub mod presets;
mod rules;
mod strategy;
mod table;
mod trend;
mod warning;

pub use eval::{Check, Evaluation, Outcome, Reason, RuleKind};
#[cfg(feature = "serde")]
pub use json::{COMBINATORS, MAX_DOCUMENT_BYTES, MAX_JSON_DEPTH, OPERATORS};
pub use lookalike::{lookalike, Lookalike, LookalikeOptions, Standardization};
pub use rules::{
    Band, CompareOp, Condition, Criterion, HardRule, MissingPolicy, RuleSet, Value, MAX_BANDS,
    MAX_CRITERIA, MAX_DEPTH, MAX_HARD_RULES, SCHEMA_VERSION,
};
pub use strategy::Strategy;
pub use table::{Column, ColumnType, Table, BOOL_MISSING, CATEGORY_MISSING};
pub use trend::{relationship_trend, SlopeScale, Trend, TrendOptions, TrendResult};
pub use warning::{Concentration, CONCENTRATION_MIN_CUSTOMERS, CONCENTRATION_SHARE};

pub mod daily_balance;
pub mod dormant_transition;
pub mod fee;

pub use daily_balance::{
    monthly_average_daily_balance, AccountLog, AverageOver, BalanceInput, BalanceOptions,
    MonthlyBalances, OpeningBalances, MAX_CUSTOMER_MONTHS, MAX_MONTHS,
};
pub use dormant_transition::{
    dormant_transitions, AccountStatus, DormantTransition, DormantTransitions, Snapshot,
};
pub use fee::{
    fee_schedule, CustomerTiers, FeeOptions, FeeResult, FeeSchedule, FeeTier, FEE_SCHEDULE_VERSION,
    MAX_TIERS,
};
