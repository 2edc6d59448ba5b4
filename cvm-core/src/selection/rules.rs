//! The rule document: conditions, criteria, hard rules, decision bands and the missing-value
//! policy, with strict validation (every problem reported with its JSON path).

use crate::names::text_form;
use std::collections::{HashMap, HashSet};

use super::strategy::Strategy;
use crate::error::{Error, Result};

/// The schema version this crate reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Deepest nesting of combinators accepted (a guard against runaway recursion).
pub const MAX_DEPTH: usize = 64;

/// Most criteria a rule set may have ([`RuleSet::validate`], [`RuleSet::from_json`]).
pub const MAX_CRITERIA: usize = 100_000;

/// Most hard rules a rule set may have.
pub const MAX_HARD_RULES: usize = 30_000;

/// Most score bands (`decisions`) a rule set may have. With [`MAX_HARD_RULES`] this keeps the
/// distinct decisions below 65 535, so each fits in 16 bits.
pub const MAX_BANDS: usize = 30_000;

/// A constant a condition compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A finite number (JSON number); compares with numeric columns.
    Number(f64),
    /// A boolean (JSON `true`/`false`); compares with boolean columns.
    Bool(bool),
    /// A category label (JSON string); compares with categorical columns.
    Text(String),
    /// A threshold taken from the data: the `q`-quantile (0 ≤ q ≤ 1) of the non-missing values
    /// of the numeric column compared, in the table being evaluated (linear interpolation
    /// between order statistics, numpy's default). JSON `{"attr": "annual_spend", "op": ">=",
    /// "quantile": 0.75}`; ordered operators only. Reason codes show the resolved number and
    /// the quantile: `annual_spend=523>=412.5 (p75)`.
    Quantile(f64),
}

impl Value {
    /// `"number"`, `"boolean"` or `"string"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Number(_) => "number",
            Value::Bool(_) => "boolean",
            Value::Text(_) => "string",
            Value::Quantile(_) => "quantile",
        }
    }

    /// The value as it appears in reason codes (numbers rounded as `crate::text` says; a
    /// quantile as `p75`).
    pub fn display(&self) -> String {
        match self {
            Value::Number(x) => crate::text::number(*x),
            Value::Bool(b) => b.to_string(),
            Value::Text(s) => s.clone(),
            Value::Quantile(q) => format!("p{}", crate::text::number(q * 100.0)),
        }
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Number(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CompareOp {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["<", "<=", ">", ">=", "==", "!="];

    /// The spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
        }
    }

    /// The operator that holds exactly when this one does not (for non-missing values).
    pub fn negate(self) -> Self {
        match self {
            CompareOp::Lt => CompareOp::Ge,
            CompareOp::Le => CompareOp::Gt,
            CompareOp::Gt => CompareOp::Le,
            CompareOp::Ge => CompareOp::Lt,
            CompareOp::Eq => CompareOp::Ne,
            CompareOp::Ne => CompareOp::Eq,
        }
    }

    /// `true` for `<`, `<=`, `>`, `>=` (numbers only).
    pub fn is_ordered(self) -> bool {
        !matches!(self, CompareOp::Eq | CompareOp::Ne)
    }

    /// Applies the operator to two numbers.
    #[inline]
    pub fn apply(self, x: f64, t: f64) -> bool {
        match self {
            CompareOp::Lt => x < t,
            CompareOp::Le => x <= t,
            CompareOp::Gt => x > t,
            CompareOp::Ge => x >= t,
            CompareOp::Eq => x == t,
            CompareOp::Ne => x != t,
        }
    }
}

text_form!(CompareOp, "op", |text| match text {
    "<" => Some(CompareOp::Lt),
    "<=" => Some(CompareOp::Le),
    ">" => Some(CompareOp::Gt),
    ">=" => Some(CompareOp::Ge),
    "==" => Some(CompareOp::Eq),
    "!=" => Some(CompareOp::Ne),
    _ => None,
});

/// A condition on one customer's attributes; see the module docs for the JSON form and the
/// three-valued logic on missing values.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `attr op value` (`{"attr": .., "op": ">=", "value": ..}`).
    Compare {
        /// Column name.
        attr: String,
        /// Operator; ordered operators need a number.
        op: CompareOp,
        /// Constant compared with.
        value: Value,
    },
    /// `lo ≤ attr ≤ hi` (or `lo < attr < hi` when not inclusive) on a numeric column
    /// (`{"attr": .., "op": "between", "lo": .., "hi": .., "inclusive": true}`).
    Between {
        /// Column name.
        attr: String,
        /// Lower bound.
        lo: f64,
        /// Upper bound (≥ `lo`).
        hi: f64,
        /// Whether both bounds belong to the range (JSON default `true`).
        inclusive: bool,
    },
    /// `attr` equals one of `values` (`{"attr": .., "op": "in", "values": [..]}`).
    In {
        /// Column name.
        attr: String,
        /// Non-empty list of constants of one kind.
        values: Vec<Value>,
    },
    /// The value of `attr` is missing (`{"attr": .., "op": "is_missing"}`); never unknown.
    IsMissing {
        /// Column name.
        attr: String,
    },
    /// Every sub-condition holds (`{"all": [..]}`, non-empty).
    All(Vec<Condition>),
    /// At least one sub-condition holds (`{"any": [..]}`, non-empty).
    Any(Vec<Condition>),
    /// The sub-condition does not hold (`{"not": {..}}`).
    Not(Box<Condition>),
}

impl Condition {
    /// `attr op value`.
    pub fn compare(attr: &str, op: CompareOp, value: impl Into<Value>) -> Self {
        Condition::Compare { attr: attr.to_string(), op, value: value.into() }
    }

    /// `lo ≤ attr ≤ hi` (`inclusive`) or `lo < attr < hi`.
    pub fn between(attr: &str, lo: f64, hi: f64, inclusive: bool) -> Self {
        Condition::Between { attr: attr.to_string(), lo, hi, inclusive }
    }

    /// `attr ∈ values`.
    pub fn is_in<V: Into<Value>>(attr: &str, values: impl IntoIterator<Item = V>) -> Self {
        Condition::In {
            attr: attr.to_string(),
            values: values.into_iter().map(Into::into).collect(),
        }
    }

    /// `attr` is missing.
    pub fn is_missing(attr: &str) -> Self {
        Condition::IsMissing { attr: attr.to_string() }
    }

    /// Negation.
    #[allow(clippy::should_implement_trait)]
    pub fn not(c: Condition) -> Self {
        Condition::Not(Box::new(c))
    }

    /// Every attribute the condition reads, in order of appearance (with repeats).
    pub fn attributes(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit_attrs(&mut |a| out.push(a));
        out
    }

    fn visit_attrs<'s>(&'s self, f: &mut impl FnMut(&'s str)) {
        match self {
            Condition::Compare { attr, .. }
            | Condition::Between { attr, .. }
            | Condition::In { attr, .. }
            | Condition::IsMissing { attr } => f(attr),
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.visit_attrs(f)),
            Condition::Not(c) => c.visit_attrs(f),
        }
    }

    fn attrs_mut(&mut self, f: &mut impl FnMut(&mut String)) {
        match self {
            Condition::Compare { attr, .. }
            | Condition::Between { attr, .. }
            | Condition::In { attr, .. }
            | Condition::IsMissing { attr } => f(attr),
            Condition::All(cs) | Condition::Any(cs) => cs.iter_mut().for_each(|c| c.attrs_mut(f)),
            Condition::Not(c) => c.attrs_mut(f),
        }
    }

    /// Checks the condition on its own (no data): see [`RuleSet::validate`].
    ///
    /// # Errors
    /// [`Error::Json`] with the path of the first problem below `path`.
    pub fn validate(&self, path: &str) -> Result<()> {
        self.validate_depth(path, 0)
    }

    fn validate_depth(&self, path: &str, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(json_err(path, format!("conditions nest deeper than {MAX_DEPTH} levels")));
        }
        let check_attr = |attr: &str| {
            if attr.is_empty() {
                Err(json_err(&format!("{path}.attr"), "attribute name must not be empty"))
            } else {
                Ok(())
            }
        };
        match self {
            Condition::Compare { attr, op, value } => {
                check_attr(attr)?;
                match value {
                    Value::Number(x) if !x.is_finite() => {
                        Err(json_err(&format!("{path}.value"), format!("must be finite (got {x})")))
                    }
                    Value::Quantile(q) if !(0.0..=1.0).contains(q) => Err(json_err(
                        &format!("{path}.quantile"),
                        format!("must be in [0, 1] (got {q})"),
                    )),
                    Value::Quantile(_) if !op.is_ordered() => Err(json_err(
                        &format!("{path}.op"),
                        format!("a quantile threshold needs <, <=, > or >= (got {})", op.as_str()),
                    )),
                    Value::Bool(_) | Value::Text(_) if op.is_ordered() => Err(json_err(
                        &format!("{path}.op"),
                        format!(
                            "type mismatch: operator {} needs a number, the value is a {}",
                            op.as_str(),
                            value.kind()
                        ),
                    )),
                    _ => Ok(()),
                }
            }
            Condition::Between { attr, lo, hi, .. } => {
                check_attr(attr)?;
                for (key, x) in [("lo", lo), ("hi", hi)] {
                    if !x.is_finite() {
                        return Err(json_err(
                            &format!("{path}.{key}"),
                            format!("must be finite (got {x})"),
                        ));
                    }
                }
                if lo > hi {
                    return Err(json_err(
                        &format!("{path}.hi"),
                        format!("must be >= lo (lo = {lo}, hi = {hi})"),
                    ));
                }
                Ok(())
            }
            Condition::In { attr, values } => {
                check_attr(attr)?;
                let Some(first) = values.first() else {
                    return Err(json_err(&format!("{path}.values"), "must not be empty"));
                };
                for (k, v) in values.iter().enumerate() {
                    let p = format!("{path}.values[{k}]");
                    if let Value::Number(x) = v {
                        if !x.is_finite() {
                            return Err(json_err(&p, format!("must be finite (got {x})")));
                        }
                    }
                    if v.kind() != first.kind() {
                        return Err(json_err(
                            &p,
                            format!("type mismatch: a {} in a list of {}s", v.kind(), first.kind()),
                        ));
                    }
                }
                Ok(())
            }
            Condition::IsMissing { attr } => check_attr(attr),
            Condition::All(cs) | Condition::Any(cs) => {
                let key = if matches!(self, Condition::All(_)) { "all" } else { "any" };
                if cs.is_empty() {
                    return Err(json_err(
                        &format!("{path}.{key}"),
                        format!("empty `{key}`: at least one condition is required"),
                    ));
                }
                for (k, c) in cs.iter().enumerate() {
                    c.validate_depth(&format!("{path}.{key}[{k}]"), depth + 1)?;
                }
                Ok(())
            }
            Condition::Not(c) => c.validate_depth(&format!("{path}.not"), depth + 1),
        }
    }
}

/// A named criterion: when its condition holds the customer earns `weight` points.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    /// Name used in reason codes: letters, digits, `_`, `-`, `.`; unique within the rule set.
    pub name: String,
    /// Points earned when the condition holds (finite; may be negative for a penalty).
    pub weight: f64,
    /// The condition.
    pub condition: Condition,
    /// Free text.
    pub description: Option<String>,
}

impl Criterion {
    /// A criterion without description.
    pub fn new(name: &str, weight: f64, condition: Condition) -> Self {
        Criterion { name: name.to_string(), weight, condition, description: None }
    }

    /// Sets the description.
    pub fn describe(mut self, text: &str) -> Self {
        self.description = Some(text.to_string());
        self
    }
}

/// A hard rule: when its condition holds it forces `decision`, whatever the score.
#[derive(Debug, Clone, PartialEq)]
pub struct HardRule {
    /// Name used in reason codes (same alphabet as criterion names; unique within the rule set).
    pub name: String,
    /// The condition.
    pub condition: Condition,
    /// The decision forced.
    pub decision: String,
    /// Free text.
    pub description: Option<String>,
}

impl HardRule {
    /// A hard rule without description.
    pub fn new(name: &str, condition: Condition, decision: &str) -> Self {
        HardRule {
            name: name.to_string(),
            condition,
            decision: decision.to_string(),
            description: None,
        }
    }

    /// Sets the description.
    pub fn describe(mut self, text: &str) -> Self {
        self.description = Some(text.to_string());
        self
    }
}

/// A score band `min ≤ score < max` of the decision table; a missing bound is unbounded.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Decision given to scores in the band.
    pub decision: String,
    /// Inclusive lower bound (`None`: −∞).
    pub min: Option<f64>,
    /// Exclusive upper bound (`None`: +∞).
    pub max: Option<f64>,
}

impl Band {
    /// A band.
    pub fn new(decision: &str, min: Option<f64>, max: Option<f64>) -> Self {
        Band { decision: decision.to_string(), min, max }
    }

    /// Whether `score` lies in the band.
    pub fn contains(&self, score: f64) -> bool {
        self.min.is_none_or(|lo| score >= lo) && self.max.is_none_or(|hi| score < hi)
    }
}

/// What a missing value does; see the module docs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum MissingPolicy {
    /// An unknown criterion earns no points and an unknown hard rule does not fire; both are
    /// reported with outcome `missing` (JSON `"fail"`, the default).
    #[default]
    Fail,
    /// Evaluation stops with an error naming the attribute and the first row where a rule is
    /// unknown, whether or not a hard rule fires there (JSON `"error"`).
    Error,
    /// A customer with any unknown criterion or hard rule gets this decision, unless a hard rule
    /// fires (JSON `{"decide": "review"}`).
    Decide(String),
    /// A customer gets this decision only when the unknowns could change the answer (JSON
    /// `{"undetermined": "review"}`): every way the unknown rules could turn out is tried — an
    /// unknown hard rule firing or not, each unknown criterion passing or failing — and when
    /// all give the same decision, that decision stands (an account with a positive balance is
    /// `active` whatever its missing trade date says); otherwise the customer gets this
    /// decision. Unknown never becomes a confident answer, and one column of missing values no
    /// longer sends customers that are decided without it to review.
    Undetermined(String),
}

impl MissingPolicy {
    /// The spellings of the policy kinds.
    pub const NAMES: &'static [&'static str] = &["fail", "error", "decide", "undetermined"];

    /// Parses `"fail"` or `"error"` (the `decide` form carries a decision, see [`MissingPolicy::Decide`]).
    ///
    /// # Errors
    /// [`Error::UnknownName`] (`field`) for any other text.
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        match text {
            "fail" => Ok(MissingPolicy::Fail),
            "error" => Ok(MissingPolicy::Error),
            _ => Err(Error::unknown_name(field, text, &["fail", "error"])),
        }
    }

    /// `"fail"`, `"error"`, `"decide"` or `"undetermined"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            MissingPolicy::Fail => "fail",
            MissingPolicy::Error => "error",
            MissingPolicy::Decide(_) => "decide",
            MissingPolicy::Undetermined(_) => "undetermined",
        }
    }

    /// The decision the policy gives (`decide` and `undetermined`), if any.
    pub fn decision(&self) -> Option<&str> {
        match self {
            MissingPolicy::Decide(d) | MissingPolicy::Undetermined(d) => Some(d),
            _ => None,
        }
    }
}

/// A complete selection rule set: criteria adding up to a score, hard rules, the decision table
/// over the score and the missing-value policy. See the module docs for the JSON form.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub version: u32,
    /// Optional name of the rule set.
    pub name: Option<String>,
    /// Optional free text.
    pub description: Option<String>,
    /// Weighted criteria (may be empty when hard rules alone decide).
    pub criteria: Vec<Criterion>,
    /// Hard rules, tried in order; the first that holds decides.
    pub hard: Vec<HardRule>,
    /// Score bands; together they must cover every reachable score exactly once.
    pub decisions: Vec<Band>,
    /// Missing-value policy.
    pub missing: MissingPolicy,
    /// Service strategies per decision (JSON `strategies`, optional; see [`Strategy`]).
    pub strategies: Vec<Strategy>,
}

pub(crate) fn json_err(path: &str, reason: impl Into<String>) -> Error {
    Error::json(path, reason.into())
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
}

impl RuleSet {
    /// An empty rule set of the current version with the given bands (add criteria and hard
    /// rules to the public fields).
    pub fn new(decisions: Vec<Band>) -> Self {
        RuleSet {
            version: SCHEMA_VERSION,
            name: None,
            description: None,
            criteria: Vec::new(),
            hard: Vec::new(),
            decisions,
            missing: MissingPolicy::Fail,
            strategies: Vec::new(),
        }
    }

    /// The lowest and highest reachable score: the sums of the negative and of the positive
    /// weights.
    pub fn score_range(&self) -> (f64, f64) {
        let lo = self.criteria.iter().map(|c| c.weight.min(0.0)).sum::<f64>();
        let hi = self.criteria.iter().map(|c| c.weight.max(0.0)).sum::<f64>();
        (lo, hi)
    }

    /// The distinct decisions, in order: bands, then hard rules, then the missing policy's.
    pub fn decision_names(&self) -> Vec<String> {
        let bands = self.decisions.iter().map(|b| b.decision.as_str());
        let hard = self.hard.iter().map(|h| h.decision.as_str());
        let missing = self.missing.decision();
        let mut seen: HashSet<&str> = HashSet::new();
        bands.chain(hard).chain(missing).filter(|d| seen.insert(d)).map(str::to_string).collect()
    }

    /// Every attribute the rules read, each once, in order of first appearance.
    pub fn attributes(&self) -> Vec<String> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out: Vec<String> = Vec::new();
        let conds = self.criteria.iter().map(|c| &c.condition);
        let when = self.strategies.iter().filter_map(|s| s.condition.as_ref());
        for cond in conds.chain(self.hard.iter().map(|h| &h.condition)).chain(when) {
            cond.visit_attrs(&mut |a| {
                if seen.insert(a) {
                    out.push(a.to_string());
                }
            });
        }
        out
    }

    /// Renames attribute `from` to `to` everywhere (to read the rules against other column
    /// names); returns the number of conditions changed.
    pub fn rename_attribute(&mut self, from: &str, to: &str) -> usize {
        let mut n = 0;
        let mut f = |a: &mut String| {
            if a == from {
                *a = to.to_string();
                n += 1;
            }
        };
        for c in &mut self.criteria {
            c.condition.attrs_mut(&mut f);
        }
        for h in &mut self.hard {
            h.condition.attrs_mut(&mut f);
        }
        for c in self.strategies.iter_mut().filter_map(|s| s.condition.as_mut()) {
            c.attrs_mut(&mut f);
        }
        n
    }

    /// Checks the document strictly, without data.
    ///
    /// * `version` is [`SCHEMA_VERSION`];
    /// * at most [`MAX_CRITERIA`] criteria, [`MAX_HARD_RULES`] hard rules, [`MAX_BANDS`] bands;
    /// * names of criteria and hard rules are non-empty, use only letters, digits, `_`, `-`,
    ///   `.`, and are unique; decisions are non-empty;
    /// * weights, thresholds and bounds are finite; `between` has `lo ≤ hi`; `in` lists are
    ///   non-empty and of one kind; ordered operators compare with numbers;
    /// * `all`/`any` are non-empty; nesting is at most [`MAX_DEPTH`] deep;
    /// * the weights' sums ([`RuleSet::score_range`]) are finite; bands have `min < max`, do not
    ///   overlap, and leave no reachable score without a band.
    ///
    /// Linear in the size of the rule set (names are checked for repeats through a hash set).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] whose field is the path of the first problem in the rule set, in
    /// the notation [`RuleSet::evaluate`] uses for its errors too: `$.criteria[2].condition.all`
    /// for an empty combinator, `$.decisions[1]` for an overlap. (A rule set read from a JSON
    /// document reports the same problems, with the same paths, as [`Error::Json`].)
    ///
    /// # Examples
    /// ```
    /// use cvm_core::selection::{Band, Condition, Criterion, RuleSet};
    /// use cvm_core::Error;
    /// let mut rules = RuleSet::new(vec![Band::new("all", None, None)]);
    /// rules.criteria.push(Criterion::new("any_of_none", 1.0, Condition::Any(vec![])));
    /// let e = rules.validate().unwrap_err();
    /// assert!(matches!(e, Error::InvalidValue { .. }));
    /// assert_eq!(e.field(), Some("$.criteria[0].condition.any"));
    /// ```
    pub fn validate(&self) -> Result<()> {
        self.validate_document().map_err(|e| match e {
            Error::Json { path, reason, .. } => {
                Error::InvalidValue { field: path, index: None, reason }
            }
            other => other,
        })
    }

    /// [`RuleSet::validate`] for a rule set read from a document: every problem is an
    /// [`Error::Json`] with its JSON path.
    pub(crate) fn validate_document(&self) -> Result<()> {
        if self.version != SCHEMA_VERSION {
            return Err(json_err(
                "$.version",
                format!(
                    "unsupported version {} (this library reads {SCHEMA_VERSION})",
                    self.version
                ),
            ));
        }
        for (key, n, limit, name) in [
            ("criteria", self.criteria.len(), MAX_CRITERIA, "MAX_CRITERIA"),
            ("hard", self.hard.len(), MAX_HARD_RULES, "MAX_HARD_RULES"),
            ("decisions", self.decisions.len(), MAX_BANDS, "MAX_BANDS"),
        ] {
            if n > limit {
                return Err(json_err(
                    &format!("$.{key}"),
                    format!("{n} entries; the limit ({name}) is {limit}"),
                ));
            }
        }
        // Name → path of its first use: one hash look-up per name, so validation is linear.
        let mut seen: HashMap<&str, String> = HashMap::new();
        fn check_name<'a>(
            seen: &mut HashMap<&'a str, String>, name: &'a str, path: String,
        ) -> Result<()> {
            if !valid_name(name) {
                return Err(json_err(
                    &path,
                    format!("invalid name {name:?}: use letters, digits, `_`, `-`, `.`"),
                ));
            }
            if let Some(other) = seen.get(name) {
                return Err(json_err(&path, format!("duplicate name {name:?} (also at {other})")));
            }
            seen.insert(name, path);
            Ok(())
        }
        for (i, c) in self.criteria.iter().enumerate() {
            let p = format!("$.criteria[{i}]");
            check_name(&mut seen, &c.name, format!("{p}.name"))?;
            if !c.weight.is_finite() {
                return Err(json_err(
                    &format!("{p}.weight"),
                    format!("must be finite (got {})", c.weight),
                ));
            }
            c.condition.validate(&format!("{p}.condition"))?;
        }
        for (i, h) in self.hard.iter().enumerate() {
            let p = format!("$.hard[{i}]");
            check_name(&mut seen, &h.name, format!("{p}.name"))?;
            if h.decision.is_empty() {
                return Err(json_err(&format!("{p}.decision"), "must not be empty"));
            }
            h.condition.validate(&format!("{p}.condition"))?;
        }
        if let Some(d) = self.missing.decision() {
            if d.is_empty() {
                let path = format!("$.missing.{}", self.missing.as_str());
                return Err(json_err(&path, "must not be empty"));
            }
        }
        self.validate_bands()?;
        if !self.strategies.is_empty() {
            let names = self.decision_names();
            for (k, s) in self.strategies.iter().enumerate() {
                s.validate(k, &names)?;
            }
        }
        Ok(())
    }

    fn validate_bands(&self) -> Result<()> {
        if self.decisions.is_empty() {
            return Err(json_err("$.decisions", "at least one score band is required"));
        }
        let lo = |b: &Band| b.min.unwrap_or(f64::NEG_INFINITY);
        let hi = |b: &Band| b.max.unwrap_or(f64::INFINITY);
        for (i, b) in self.decisions.iter().enumerate() {
            let p = format!("$.decisions[{i}]");
            if b.decision.is_empty() {
                return Err(json_err(&format!("{p}.decision"), "must not be empty"));
            }
            for (key, x) in [("min", b.min), ("max", b.max)] {
                if let Some(x) = x.filter(|x| !x.is_finite()) {
                    return Err(json_err(
                        &format!("{p}.{key}"),
                        format!("must be finite (got {x})"),
                    ));
                }
            }
            if lo(b) >= hi(b) {
                return Err(json_err(&p, format!("empty band: min {} >= max {}", lo(b), hi(b))));
            }
        }
        let (s_lo, s_hi) = self.score_range();
        if !(s_lo.is_finite() && s_hi.is_finite()) {
            return Err(json_err(
                "$.criteria",
                format!(
                    "the weights add up beyond the range of a number (scores from {s_lo} to {s_hi})"
                ),
            ));
        }
        let mut order: Vec<usize> = (0..self.decisions.len()).collect();
        order.sort_by(|&a, &b| lo(&self.decisions[a]).total_cmp(&lo(&self.decisions[b])));
        let first = &self.decisions[order[0]];
        if lo(first) > s_lo {
            return Err(json_err(
                "$.decisions",
                format!("gap: scores in [{s_lo}, {}) have no decision", lo(first)),
            ));
        }
        for w in order.windows(2) {
            let (a, b) = (&self.decisions[w[0]], &self.decisions[w[1]]);
            if lo(b) < hi(a) {
                return Err(json_err(
                    &format!("$.decisions[{}]", w[1]),
                    format!(
                        "overlap: [{}, {}) overlaps $.decisions[{}] = [{}, {})",
                        lo(b),
                        hi(b),
                        w[0],
                        lo(a),
                        hi(a)
                    ),
                ));
            }
            if lo(b) > hi(a) && hi(a) <= s_hi && lo(b) > s_lo {
                return Err(json_err(
                    "$.decisions",
                    format!("gap: scores in [{}, {}) have no decision", hi(a), lo(b)),
                ));
            }
        }
        let last = &self.decisions[*order.last().expect("non-empty")];
        if hi(last) <= s_hi {
            return Err(json_err(
                "$.decisions",
                format!("gap: scores in [{}, {s_hi}] have no decision", hi(last)),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> RuleSet {
        let mut r = RuleSet::new(vec![
            Band::new("target", Some(2.0), None),
            Band::new("maintain", None, Some(2.0)),
        ]);
        r.criteria.push(Criterion::new("a", 1.0, Condition::compare("x", CompareOp::Ge, 1.0)));
        r.criteria.push(Criterion::new("b", 1.0, Condition::is_missing("y")));
        r
    }

    #[test]
    fn op_parse_round_trip() {
        for name in CompareOp::NAMES {
            let op = name.parse::<CompareOp>().unwrap();
            assert_eq!(op.as_str(), *name);
            assert_eq!(op.negate().negate(), op);
        }
        assert!(matches!("=>".parse::<CompareOp>(), Err(Error::UnknownName { .. })));
        assert_eq!(MissingPolicy::parse("error", "missing").unwrap(), MissingPolicy::Error);
        assert!(MissingPolicy::parse("skip", "missing").is_err());
    }

    #[test]
    fn validation_paths() {
        type Edit = fn(&mut RuleSet);
        let cases: Vec<(Edit, &str)> = vec![
            (|r| r.version = 2, "$.version"),
            (|r| r.criteria[1].weight = f64::NAN, "$.criteria[1].weight"),
            (|r| r.criteria[1].name = "a".into(), "$.criteria[1].name"),
            (|r| r.criteria[1].name = "a b".into(), "$.criteria[1].name"),
            (|r| r.criteria[0].condition = Condition::All(vec![]), "$.criteria[0].condition.all"),
            (
                |r| r.criteria[0].condition = Condition::not(Condition::Any(vec![])),
                "$.criteria[0].condition.not.any",
            ),
            (
                |r| r.criteria[0].condition = Condition::compare("x", CompareOp::Lt, "a"),
                "$.criteria[0].condition.op",
            ),
            (
                |r| r.criteria[0].condition = Condition::compare("x", CompareOp::Lt, f64::INFINITY),
                "$.criteria[0].condition.value",
            ),
            (
                |r| r.criteria[0].condition = Condition::between("x", 2.0, 1.0, true),
                "$.criteria[0].condition.hi",
            ),
            (
                |r| {
                    r.criteria[0].condition =
                        Condition::In { attr: "s".into(), values: vec!["a".into(), 1.0.into()] }
                },
                "$.criteria[0].condition.values[1]",
            ),
            (
                |r| r.criteria[0].condition = Condition::is_in::<Value>("s", vec![]),
                "$.criteria[0].condition.values",
            ),
            (
                |r| r.criteria[0].condition = Condition::is_missing(""),
                "$.criteria[0].condition.attr",
            ),
            (|r| r.decisions[0].min = Some(1.5), "$.decisions[0]"),
            (|r| r.decisions[0].min = Some(2.5), "$.decisions"),
            (|r| r.decisions[1].min = Some(0.5), "$.decisions"),
            (|r| r.decisions[0].max = Some(2.0), "$.decisions[0]"),
            (
                |r| {
                    r.decisions[0].min = Some(1.0);
                    r.decisions[0].max = Some(2.0);
                    r.decisions[1].max = Some(1.0);
                },
                "$.decisions",
            ),
            (|r| r.decisions.clear(), "$.decisions"),
            (|r| r.decisions[0].decision.clear(), "$.decisions[0].decision"),
            (
                |r| r.hard.push(HardRule::new("a", Condition::is_missing("x"), "no")),
                "$.hard[0].name",
            ),
            (
                |r| r.hard.push(HardRule::new("h", Condition::is_missing("x"), "")),
                "$.hard[0].decision",
            ),
            (|r| r.missing = MissingPolicy::Decide(String::new()), "$.missing.decide"),
        ];
        assert!(base().validate().is_ok());
        for (edit, path) in cases {
            let mut r = base();
            edit(&mut r);
            // Read from a document: the JSON path.
            match r.validate_document() {
                Err(Error::Json { path: p, reason, .. }) => assert_eq!(p, path, "{reason}"),
                other => panic!("expected error at {path}, got {other:?}"),
            }
            // Built in code: the same problem as an invalid value of the rule set's field.
            match r.validate() {
                Err(Error::InvalidValue { field, index: None, .. }) => {
                    assert_eq!(field, path)
                }
                other => panic!("expected an invalid value at {path}, got {other:?}"),
            }
        }
    }

    #[test]
    fn deep_nesting_rejected() {
        let mut c = Condition::is_missing("x");
        for _ in 0..=MAX_DEPTH {
            c = Condition::not(c);
        }
        assert!(matches!(c.validate("$"), Err(Error::Json { .. })));
    }

    #[test]
    fn negative_weights_extend_range() {
        let mut r = base();
        r.criteria[1].weight = -1.0;
        assert_eq!(r.score_range(), (-1.0, 1.0));
        // `maintain` covers (-inf, 2): fine. Limit it below -1 to open a gap.
        r.decisions[1].min = Some(-0.5);
        let err = r.validate().unwrap_err();
        assert_eq!(err.field(), Some("$.decisions"));
    }

    #[test]
    fn rename_and_names() {
        let mut r = base();
        r.hard.push(HardRule::new("h", Condition::compare("x", CompareOp::Lt, 0.0), "decline"));
        r.missing = MissingPolicy::Decide("review".into());
        assert_eq!(r.decision_names(), ["target", "maintain", "decline", "review"]);
        assert_eq!(r.rename_attribute("x", "z"), 2);
        assert_eq!(r.attributes(), ["z", "y"]);
    }
}
