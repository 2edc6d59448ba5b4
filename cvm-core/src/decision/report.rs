//! The customer value report: one row per customer, assembled from the results of the other
//! modules, with the next best action from a [`Playbook`].

use super::playbook::{NextAction, Playbook, SegmentType, Segments};
use crate::error::{check, Error, Result};
use crate::loyalty::{LoyaltyLevel, Stage};
use crate::selection::Evaluation;
use crate::value::{Decomposition, ValueMatrixResult};

/// The values of one report column; a missing value is `NaN` (numbers) or `None`.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportValues {
    /// Numbers (money or probabilities); `NaN` is missing.
    Number(Vec<f64>),
    /// Text.
    Text(Vec<Option<String>>),
    /// Yes/no flags.
    Flag(Vec<Option<bool>>),
}

/// One named column of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportColumn {
    /// Column name (`clv`, `matrix_cell`, …).
    pub name: &'static str,
    /// The values, one per customer.
    pub values: ReportValues,
}

/// The big-customer-risk decisions the report accepts (those of the preset).
pub const BIG_CUSTOMER_RISK_DECISIONS: &[&str] = &["high_risk", "watch", "low_risk"];

/// The inputs of a [`CustomerValueReport`], each a column with one element per customer, added
/// by name with its length checked against the customer ids.
///
/// Every method takes the result of one existing API (or its columns, as the bindings pass
/// them) and fails with [`Error::LengthMismatch`] naming the column when its length is not the
/// number of customers, or [`Error::InvalidValue`] naming the column and row for a value
/// outside its domain.
#[derive(Debug, Clone, Default)]
pub struct ReportBuilder {
    ids: Vec<String>,
    realised: Option<Vec<f64>>,
    potential: Option<Vec<f64>>,
    influence: Option<Vec<f64>>,
    clv: Option<Vec<f64>>,
    cell: Option<Vec<String>>,
    strategy: Option<Vec<String>>,
    stage: Option<Vec<Stage>>,
    level: Option<Vec<LoyaltyLevel>>,
    churn: Option<Vec<f64>>,
    elastic: Option<Vec<Option<bool>>>,
    big_risk: Option<Vec<Option<String>>>,
    dormant: Option<Vec<Option<bool>>>,
    fee_due: Option<Vec<Option<bool>>>,
    decision: Option<Vec<String>>,
    reasons: Option<Vec<String>>,
}

fn check_len(field: &str, expected: usize, got: usize) -> Result<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::LengthMismatch { field: field.into(), expected, got })
    }
}

fn finite(field: &str, n: usize, x: &[f64]) -> Result<Vec<f64>> {
    check_len(field, n, x.len())?;
    check::finite(field, x)?;
    Ok(x.to_vec())
}

impl ReportBuilder {
    /// Starts a report for these customers (ids as text; they label the rows).
    ///
    /// # Errors
    /// [`Error::Empty`] (`customer_id`) for no customers.
    pub fn new(customer_id: Vec<String>) -> Result<Self> {
        if customer_id.is_empty() {
            return Err(Error::Empty { field: "customer_id".into() });
        }
        Ok(ReportBuilder { ids: customer_id, ..Default::default() })
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Always `false`: a report has at least one customer.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Realised, potential and influence value (columns `realised_value`, `potential_value`,
    /// `influence_value`), finite.
    ///
    /// # Errors
    /// Length or non-finite value, naming the column.
    pub fn values(
        mut self, realised: &[f64], potential: &[f64], influence: &[f64],
    ) -> Result<Self> {
        let n = self.len();
        self.realised = Some(finite("realised_value", n, realised)?);
        self.potential = Some(finite("potential_value", n, potential)?);
        self.influence = Some(finite("influence_value", n, influence)?);
        Ok(self)
    }

    /// The three values of a [`ValueDecomposition`](crate::value::ValueDecomposition).
    ///
    /// # Errors
    /// As [`ReportBuilder::values`].
    pub fn decomposition(self, d: &Decomposition) -> Result<Self> {
        self.values(d.realised(), d.potential(), d.influence())
    }

    /// Customer lifetime value (column `clv`), finite.
    ///
    /// # Errors
    /// Length or non-finite value (`clv`).
    pub fn clv(mut self, clv: &[f64]) -> Result<Self> {
        self.clv = Some(finite("clv", self.len(), clv)?);
        Ok(self)
    }

    /// Value-matrix cell label and strategy per customer (columns `matrix_cell`, `strategy`).
    ///
    /// # Errors
    /// Length (`matrix_cell`, `strategy`).
    pub fn matrix_columns(mut self, cell: Vec<String>, strategy: Vec<String>) -> Result<Self> {
        check_len("matrix_cell", self.len(), cell.len())?;
        check_len("strategy", self.len(), strategy.len())?;
        self.cell = Some(cell);
        self.strategy = Some(strategy);
        Ok(self)
    }

    /// The cell and strategy of each customer in a [`value_matrix`](crate::value::value_matrix)
    /// result.
    ///
    /// # Errors
    /// Length (`matrix_cell`).
    pub fn matrix(self, m: &ValueMatrixResult) -> Result<Self> {
        let n = m.current_level().len();
        let cell = (0..n).map(|i| m.label(i).to_string()).collect();
        let strategy = (0..n).map(|i| m.strategy(i).to_string()).collect();
        self.matrix_columns(cell, strategy)
    }

    /// Loyalty-ladder stage (column `loyalty_stage`), e.g. [`Ladder::stages`](crate::loyalty::Ladder::stages).
    ///
    /// # Errors
    /// Length (`loyalty_stage`).
    pub fn stages(mut self, stages: &[Stage]) -> Result<Self> {
        check_len("loyalty_stage", self.len(), stages.len())?;
        self.stage = Some(stages.to_vec());
        Ok(self)
    }

    /// Loyalty level (column `loyalty_level`), e.g. [`Levels::levels`](crate::loyalty::Levels::levels).
    ///
    /// # Errors
    /// Length (`loyalty_level`).
    pub fn levels(mut self, levels: &[LoyaltyLevel]) -> Result<Self> {
        check_len("loyalty_level", self.len(), levels.len())?;
        self.level = Some(levels.to_vec());
        Ok(self)
    }

    /// Churn probability in \[0, 1\] (column `churn_probability`; the report adds `churn_band`):
    /// the churn probability of a lifetime model over a horizon
    /// ([`churn_probability`](crate::churn::churn_probability)), or a calibrated one.
    ///
    /// # Errors
    /// Length, or a value outside \[0, 1\] (`churn_probability`, row).
    pub fn churn_probability(mut self, p: &[f64]) -> Result<Self> {
        check_len("churn_probability", self.len(), p.len())?;
        if let Some(i) = p.iter().position(|v| !(0.0..=1.0).contains(v)) {
            let reason = format!("a probability must be in [0, 1] (got {})", p[i]);
            return Err(Error::invalid_at("churn_probability", i, reason));
        }
        self.churn = Some(p.to_vec());
        Ok(self)
    }

    /// Elastic-customer flag (column `elastic`; `None` unknown), e.g. the `elastic` decision of
    /// the elastic-customer preset.
    ///
    /// # Errors
    /// Length (`elastic`).
    pub fn elastic(mut self, flag: &[Option<bool>]) -> Result<Self> {
        check_len("elastic", self.len(), flag.len())?;
        self.elastic = Some(flag.to_vec());
        Ok(self)
    }

    /// Big-customer-risk decision (column `big_customer_risk`: one of
    /// [`BIG_CUSTOMER_RISK_DECISIONS`] or `None`).
    ///
    /// # Errors
    /// Length; [`Error::UnknownName`] (`big_customer_risk[row]`) for another decision.
    pub fn big_customer_risk(mut self, decision: Vec<Option<String>>) -> Result<Self> {
        check_len("big_customer_risk", self.len(), decision.len())?;
        for (i, d) in decision.iter().enumerate() {
            if let Some(d) = d {
                if !BIG_CUSTOMER_RISK_DECISIONS.contains(&d.as_str()) {
                    let field = format!("big_customer_risk[{i}]");
                    return Err(Error::unknown_name(field, d.clone(), BIG_CUSTOMER_RISK_DECISIONS));
                }
            }
        }
        self.big_risk = Some(decision);
        Ok(self)
    }

    /// Dormant-account flag (column `dormant`; `None` unknown).
    ///
    /// # Errors
    /// Length (`dormant`).
    pub fn dormant(mut self, flag: &[Option<bool>]) -> Result<Self> {
        check_len("dormant", self.len(), flag.len())?;
        self.dormant = Some(flag.to_vec());
        Ok(self)
    }

    /// Low-balance fee flag (column `fee_due`; `None` unknown), e.g. from the fee-schedule rule.
    ///
    /// # Errors
    /// Length (`fee_due`).
    pub fn fee_due(mut self, flag: &[Option<bool>]) -> Result<Self> {
        check_len("fee_due", self.len(), flag.len())?;
        self.fee_due = Some(flag.to_vec());
        Ok(self)
    }

    /// Selection decision and its reasons (columns `decision`, `decision_reasons`).
    ///
    /// # Errors
    /// Length (`decision`, `decision_reasons`).
    pub fn selection_columns(
        mut self, decision: Vec<String>, reasons: Vec<String>,
    ) -> Result<Self> {
        check_len("decision", self.len(), decision.len())?;
        check_len("decision_reasons", self.len(), reasons.len())?;
        self.decision = Some(decision);
        self.reasons = Some(reasons);
        Ok(self)
    }

    /// The decision and reason codes (joined with `"; "`) of a rule [`Evaluation`].
    ///
    /// # Errors
    /// Length (`decision`).
    pub fn selection(self, ev: &Evaluation<'_, '_>) -> Result<Self> {
        let decision = (0..ev.len()).map(|i| ev.decision(i).to_string()).collect();
        let reasons = (0..ev.len()).map(|i| ev.reason_codes(i).join("; ")).collect();
        self.selection_columns(decision, reasons)
    }

    /// The elastic segment of customer `i`: `short_term_negative` when the realised value is
    /// negative and the CLV positive, else `influential` when the influence value is positive,
    /// else `elastic` (seeds/001:327).
    fn elastic_segment(&self, i: usize) -> Option<&'static str> {
        if self.elastic.as_ref()?[i] != Some(true) {
            return None;
        }
        let at = |c: &Option<Vec<f64>>| c.as_ref().map(|v| v[i]);
        if at(&self.realised).is_some_and(|r| r < 0.0) && at(&self.clv).is_some_and(|c| c > 0.0) {
            Some("short_term_negative")
        } else if at(&self.influence).is_some_and(|x| x > 0.0) {
            Some("influential")
        } else {
            Some("elastic")
        }
    }

    /// Customer `i`'s segments, and the names of the flags given but unknown for it.
    fn segments(&self, book: &Playbook, i: usize) -> (Segments<'_>, Vec<&'static str>) {
        let mut s = Segments::default();
        let mut unknown = Vec::new();
        let mut flag =
            |col: &Option<Vec<Option<bool>>>, name: &'static str, seg: &'static str| match col
                .as_ref()
                .map(|v| v[i])
            {
                Some(Some(true)) => Some(seg),
                Some(None) => {
                    unknown.push(name);
                    None
                }
                _ => None,
            };
        s.set(SegmentType::Dormant, flag(&self.dormant, "dormant", "dormant"));
        s.set(SegmentType::Fee, flag(&self.fee_due, "fee_due", "fee_due"));
        if self.elastic.as_ref().is_some_and(|v| v[i].is_none()) {
            unknown.push("elastic");
        }
        s.set(SegmentType::Elastic, self.elastic_segment(i));
        let risk = self.big_risk.as_ref().and_then(|v| v[i].as_deref());
        if self.big_risk.is_some() && risk.is_none() {
            unknown.push("big_customer_risk");
        }
        s.set(SegmentType::BigCustomerRisk, risk);
        let band = self.churn.as_ref().map(|p| book.churn_bands.band(p[i]).as_str());
        s.set(SegmentType::ChurnBand, band);
        s.set(SegmentType::LoyaltyStage, self.stage.as_ref().map(|v| v[i].as_str()));
        s.set(SegmentType::MatrixCell, self.cell.as_ref().map(|v| v[i].as_str()));
        (s, unknown)
    }

    /// Assembles the report and chooses each customer's next best action from `playbook`.
    ///
    /// The action's reason is the playbook's ([`Playbook::next_best_action`]), followed by
    /// `; unknown: dormant, …` naming each flag that was given but is missing for this customer
    /// (a missing flag never counts as "no").
    ///
    /// # Errors
    /// [`Playbook::validate`]'s errors.
    pub fn build(self, playbook: &Playbook) -> Result<CustomerValueReport> {
        playbook.validate()?;
        let n = self.len();
        let actions: Vec<NextAction> = (0..n)
            .map(|i| {
                let (s, unknown) = self.segments(playbook, i);
                let mut a = playbook.next_best_action(&s);
                if !unknown.is_empty() {
                    a.reason.push_str("; unknown: ");
                    a.reason.push_str(&unknown.join(", "));
                }
                a
            })
            .collect();
        let bands = self.churn.as_ref().map(|p| {
            p.iter().map(|&x| Some(playbook.churn_bands.band(x).as_str().to_string())).collect()
        });
        let text = |v: Vec<String>| ReportValues::Text(v.into_iter().map(Some).collect());
        let mut cols = Vec::new();
        let mut push = |name: &'static str, values: Option<ReportValues>| {
            if let Some(values) = values {
                cols.push(ReportColumn { name, values });
            }
        };
        push("customer_id", Some(text(self.ids)));
        push("realised_value", self.realised.map(ReportValues::Number));
        push("potential_value", self.potential.map(ReportValues::Number));
        push("influence_value", self.influence.map(ReportValues::Number));
        push("clv", self.clv.map(ReportValues::Number));
        push("matrix_cell", self.cell.map(text));
        push("strategy", self.strategy.map(text));
        let names = |v: Vec<&str>| text(v.into_iter().map(str::to_string).collect());
        push("loyalty_stage", self.stage.map(|s| names(s.iter().map(|x| x.as_str()).collect())));
        push("loyalty_level", self.level.map(|s| names(s.iter().map(|x| x.as_str()).collect())));
        push("churn_probability", self.churn.map(ReportValues::Number));
        push("churn_band", bands.map(ReportValues::Text));
        push("elastic", self.elastic.map(ReportValues::Flag));
        push("big_customer_risk", self.big_risk.map(ReportValues::Text));
        push("dormant", self.dormant.map(ReportValues::Flag));
        push("fee_due", self.fee_due.map(ReportValues::Flag));
        push("decision", self.decision.map(text));
        push("decision_reasons", self.reasons.map(text));
        let (action, reason) = actions.iter().map(|a| (a.action.clone(), a.reason.clone())).unzip();
        push("next_best_action", Some(text(action)));
        push("action_reason", Some(text(reason)));
        Ok(CustomerValueReport { columns: cols, actions, n })
    }
}

/// One row per customer: values, segments, the selection decision and the next best action.
///
/// Columns appear in a fixed order — `customer_id`, `realised_value`, `potential_value`,
/// `influence_value`, `clv`, `matrix_cell`, `strategy`, `loyalty_stage`, `loyalty_level`,
/// `churn_probability`, `churn_band`, `elastic`, `big_customer_risk`, `dormant`, `fee_due`,
/// `decision`, `decision_reasons`, `next_best_action`, `action_reason` — each only when its
/// input was given (the id and the two action columns always).
///
/// # Examples
/// ```
/// use cvm_core::decision::{Playbook, ReportBuilder};
/// use cvm_core::loyalty::Stage;
/// let report = ReportBuilder::new(vec!["a".into(), "b".into()])?
///     .clv(&[120.0, 15.5])?
///     .stages(&[Stage::Repeat, Stage::Lapsed])?
///     .matrix_columns(
///         vec!["high_current_low_potential".into(), "low_current_low_potential".into()],
///         vec!["maintain this group".into(), "think carefully before investing resources".into()],
///     )?
///     .dormant(&[Some(false), None])?
///     .build(&Playbook::default())?;
/// assert_eq!(report.n_rows(), 2);
/// assert_eq!(report.next_action(0).action, "maintain this group");
/// assert!(report.next_action(1).reason.ends_with("; unknown: dormant"));
/// assert!(report.to_csv().starts_with("customer_id,clv,matrix_cell,strategy,loyalty_stage,dormant,"));
/// assert!(report.to_html("CVM").contains("<td>lapsed</td>"));
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerValueReport {
    columns: Vec<ReportColumn>,
    actions: Vec<NextAction>,
    n: usize,
}

impl CustomerValueReport {
    /// Number of customers (rows).
    pub fn n_rows(&self) -> usize {
        self.n
    }

    /// The columns, in report order.
    pub fn columns(&self) -> &[ReportColumn] {
        &self.columns
    }

    /// The column called `name`, if the report has it.
    pub fn column(&self, name: &str) -> Option<&ReportValues> {
        self.columns.iter().find(|c| c.name == name).map(|c| &c.values)
    }

    /// Customer `i`'s next best action (panics if `i` is out of range, like slice indexing).
    pub fn next_action(&self, i: usize) -> &NextAction {
        &self.actions[i]
    }

    /// Every customer's next best action.
    pub fn next_actions(&self) -> &[NextAction] {
        &self.actions
    }
}
