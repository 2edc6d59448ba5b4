//! Compilation of a [`RuleSet`] against a [`Table`] and column-wise evaluation.
//!
//! Truth values are three-valued and stored in one byte: `F = 0`, `U = 1` (unknown, a missing
//! value), `T = 2`. With this order `all` is the minimum, `any` the maximum and `not` is `2 − s`
//! (Kleene's strong logic).

use std::collections::{HashMap, HashSet};

use super::rules::{CompareOp, Condition, MissingPolicy, RuleSet, Value};
use super::table::{Column, ColumnType, Table};
use crate::error::{Error, Result};
use crate::parallel::par_extend_repeat;
use crate::text;

const F: u8 = 0;
const U: u8 = 1;
const T: u8 = 2;

/// Rows evaluated together (buffers stay in cache; the unit of parallel work).
const CHUNK: usize = 4096;

/// Sentinel for "no hard rule fired".
const NO_RULE: u16 = u16::MAX;

#[derive(Debug, Clone)]
enum Leaf {
    NumCmp {
        col: usize,
        op: CompareOp,
        t: f64,
    },
    NumBetween {
        col: usize,
        lo: f64,
        hi: f64,
        inclusive: bool,
    },
    /// `values` sorted (finite, checked by validation), searched by bisection.
    NumIn {
        col: usize,
        values: Vec<f64>,
    },
    /// Boolean column; `accept[v]` says whether value `v` (0 or 1) makes the leaf true.
    BoolSet {
        col: usize,
        accept: [bool; 2],
    },
    /// Categorical column; `accept[code]` says whether the category makes the leaf true.
    CatSet {
        col: usize,
        accept: Vec<bool>,
    },
    Missing {
        col: usize,
    },
}

#[derive(Debug, Clone)]
enum Node {
    Leaf(Leaf),
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
}

#[inline]
fn tri(b: bool) -> u8 {
    (b as u8) << 1
}

impl Leaf {
    fn col(&self) -> usize {
        match self {
            Leaf::NumCmp { col, .. }
            | Leaf::NumBetween { col, .. }
            | Leaf::NumIn { col, .. }
            | Leaf::BoolSet { col, .. }
            | Leaf::CatSet { col, .. }
            | Leaf::Missing { col } => *col,
        }
    }

    /// Truth value at row `i` (the per-row twin of [`Leaf::eval_chunk`]).
    fn at(&self, table: &Table<'_>, i: usize) -> u8 {
        let column = table.column_at(self.col());
        match (self, column) {
            (Leaf::Missing { .. }, c) => tri(c.is_missing(i)),
            (_, c) if c.is_missing(i) => U,
            (Leaf::NumCmp { op, t, .. }, Column::Numeric(x)) => tri(op.apply(x[i], *t)),
            (Leaf::NumBetween { lo, hi, inclusive, .. }, Column::Numeric(x)) => {
                tri(between(x[i], *lo, *hi, *inclusive))
            }
            (Leaf::NumIn { values, .. }, Column::Numeric(x)) => tri(sorted_contains(values, x[i])),
            (Leaf::BoolSet { accept, .. }, Column::Boolean(x)) => tri(accept[x[i] as usize]),
            (Leaf::CatSet { accept, .. }, Column::Categorical { codes, .. }) => {
                tri(accept[codes[i] as usize])
            }
            _ => unreachable!("leaf types are checked against the table when compiled"),
        }
    }

    fn eval_chunk(&self, table: &Table<'_>, start: usize, out: &mut [u8]) {
        let end = start + out.len();
        match (self, table.column_at(self.col())) {
            (Leaf::Missing { .. }, Column::Numeric(x)) => {
                out.iter_mut().zip(&x[start..end]).for_each(|(o, v)| *o = tri(v.is_nan()))
            }
            (Leaf::Missing { .. }, Column::Boolean(x)) => {
                out.iter_mut().zip(&x[start..end]).for_each(|(o, v)| *o = tri(*v > 1))
            }
            (Leaf::Missing { .. }, Column::Categorical { codes, .. }) => {
                out.iter_mut().zip(&codes[start..end]).for_each(|(o, v)| *o = tri(*v < 0))
            }
            (Leaf::NumCmp { op, t, .. }, Column::Numeric(x)) => {
                let t = *t;
                let x = &x[start..end];
                macro_rules! cmp {
                    ($e:expr) => {
                        out.iter_mut()
                            .zip(x)
                            .for_each(|(o, &v)| *o = if v.is_nan() { U } else { tri($e(v)) })
                    };
                }
                match op {
                    CompareOp::Lt => cmp!(|v: f64| v < t),
                    CompareOp::Le => cmp!(|v: f64| v <= t),
                    CompareOp::Gt => cmp!(|v: f64| v > t),
                    CompareOp::Ge => cmp!(|v: f64| v >= t),
                    CompareOp::Eq => cmp!(|v: f64| v == t),
                    CompareOp::Ne => cmp!(|v: f64| v != t),
                }
            }
            (Leaf::NumBetween { lo, hi, inclusive, .. }, Column::Numeric(x)) => {
                let (lo, hi, inc) = (*lo, *hi, *inclusive);
                out.iter_mut().zip(&x[start..end]).for_each(|(o, &v)| {
                    *o = if v.is_nan() { U } else { tri(between(v, lo, hi, inc)) }
                })
            }
            (Leaf::NumIn { values, .. }, Column::Numeric(x)) => {
                out.iter_mut().zip(&x[start..end]).for_each(|(o, &v)| {
                    *o = if v.is_nan() { U } else { tri(sorted_contains(values, v)) }
                })
            }
            (Leaf::BoolSet { accept, .. }, Column::Boolean(x)) => {
                let map = [tri(accept[0]), tri(accept[1])];
                out.iter_mut()
                    .zip(&x[start..end])
                    .for_each(|(o, &v)| *o = if v > 1 { U } else { map[v as usize] })
            }
            (Leaf::CatSet { accept, .. }, Column::Categorical { codes, .. }) => {
                let map: Vec<u8> = accept.iter().map(|&a| tri(a)).collect();
                out.iter_mut()
                    .zip(&codes[start..end])
                    .for_each(|(o, &c)| *o = if c < 0 { U } else { map[c as usize] })
            }
            _ => unreachable!("leaf types are checked against the table when compiled"),
        }
    }
}

/// `values.contains(&x)` (`==`, so `-0 == 0`) for `values` sorted and free of NaN, and `x` not
/// NaN, in O(log n).
#[inline]
/// The `q`-quantile of the non-missing values (linear interpolation between order statistics,
/// numpy's default); `NaN` when every value is missing (then every row is unknown anyway).
fn quantile(x: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = x.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let h = q * (v.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let t = v[lo] + (h - lo as f64) * (v[hi] - v[lo]);
    // Between -inf and +inf the interpolation is undefined: take the lower order statistic.
    if t.is_nan() {
        v[lo]
    } else {
        t
    }
}

fn sorted_contains(values: &[f64], x: f64) -> bool {
    let k = values.partition_point(|&v| v < x);
    values.get(k).is_some_and(|&v| v == x)
}

#[inline]
fn between(x: f64, lo: f64, hi: f64, inclusive: bool) -> bool {
    if inclusive {
        lo <= x && x <= hi
    } else {
        lo < x && x < hi
    }
}

impl Node {
    fn at(&self, table: &Table<'_>, i: usize) -> u8 {
        match self {
            Node::Leaf(l) => l.at(table, i),
            Node::All(cs) => cs.iter().map(|c| c.at(table, i)).min().unwrap_or(T),
            Node::Any(cs) => cs.iter().map(|c| c.at(table, i)).max().unwrap_or(F),
            Node::Not(c) => T - c.at(table, i),
        }
    }

    /// Evaluates rows `start..start + out.len()` into `out`; `scratch[d]` are work buffers.
    fn eval_chunk(&self, table: &Table<'_>, start: usize, out: &mut [u8], scratch: &mut [Vec<u8>]) {
        match self {
            Node::Leaf(l) => l.eval_chunk(table, start, out),
            Node::Not(c) => {
                c.eval_chunk(table, start, out, scratch);
                out.iter_mut().for_each(|s| *s = T - *s);
            }
            Node::All(cs) | Node::Any(cs) => {
                let all = matches!(self, Node::All(_));
                cs[0].eval_chunk(table, start, out, scratch);
                let (buf, rest) = scratch.split_first_mut().expect("scratch depth checked");
                let buf = &mut buf[..out.len()];
                for c in &cs[1..] {
                    c.eval_chunk(table, start, buf, rest);
                    if all {
                        out.iter_mut().zip(buf.iter()).for_each(|(o, &b)| *o = (*o).min(b));
                    } else {
                        out.iter_mut().zip(buf.iter()).for_each(|(o, &b)| *o = (*o).max(b));
                    }
                }
            }
        }
    }

    fn depth(&self) -> usize {
        match self {
            Node::Leaf(_) => 0,
            Node::Not(c) => c.depth(),
            Node::All(cs) | Node::Any(cs) => 1 + cs.iter().map(Node::depth).max().unwrap_or(0),
        }
    }
}

fn type_error(path: &str, attr: &str, got: ColumnType, what: &str) -> Error {
    Error::invalid(path, format!("type mismatch: attribute {attr:?} is {}, {what}", got.as_str()))
}

fn compile_condition(c: &Condition, table: &Table<'_>, path: &str) -> Result<Node> {
    let resolve = |attr: &str| -> Result<(usize, ColumnType)> {
        let j = table.index_of(attr).ok_or_else(|| {
            Error::invalid(
                format!("{path}.attr"),
                if table.names().is_empty() {
                    format!("unknown attribute {attr:?}; the data has no columns")
                } else {
                    format!(
                        "unknown attribute {attr:?}; the data has columns {}",
                        table.names().join(", ")
                    )
                },
            )
        })?;
        Ok((j, table.column_at(j).column_type()))
    };
    // The accept-set of a categorical column for the given labels.
    let cat_accept = |col: usize, labels: &[&str]| -> Vec<bool> {
        match table.column_at(col) {
            Column::Categorical { categories, .. } => {
                let labels: HashSet<&str> = labels.iter().copied().collect();
                categories.iter().map(|c| labels.contains(c.as_str())).collect()
            }
            _ => unreachable!("called for categorical columns only"),
        }
    };
    Ok(match c {
        Condition::Compare { attr, op, value } => {
            let (col, ty) = resolve(attr)?;
            let leaf = match (ty, value) {
                (ColumnType::Numeric, Value::Number(t)) => Leaf::NumCmp { col, op: *op, t: *t },
                (ColumnType::Numeric, Value::Quantile(q)) => match table.column_at(col) {
                    Column::Numeric(x) => Leaf::NumCmp { col, op: *op, t: quantile(x, *q) },
                    _ => unreachable!("numeric column"),
                },
                (ColumnType::Boolean, Value::Bool(b)) if !op.is_ordered() => {
                    let eq = *op == CompareOp::Eq;
                    Leaf::BoolSet { col, accept: [*b != eq, *b == eq] }
                }
                (ColumnType::Categorical, Value::Text(s)) if !op.is_ordered() => {
                    let mut accept = cat_accept(col, &[s.as_str()]);
                    if *op == CompareOp::Ne {
                        accept.iter_mut().for_each(|a| *a = !*a);
                    }
                    Leaf::CatSet { col, accept }
                }
                (ColumnType::Boolean, Value::Bool(_))
                | (ColumnType::Categorical, Value::Text(_)) => {
                    return Err(type_error(
                        &format!("{path}.op"),
                        attr,
                        ty,
                        &format!("operator {} needs a numeric attribute", op.as_str()),
                    ));
                }
                (_, v) => {
                    return Err(type_error(
                        &format!("{path}.value"),
                        attr,
                        ty,
                        &format!("compared with a {}", v.kind()),
                    ));
                }
            };
            Node::Leaf(leaf)
        }
        Condition::Between { attr, lo, hi, inclusive } => {
            let (col, ty) = resolve(attr)?;
            if ty != ColumnType::Numeric {
                return Err(type_error(path, attr, ty, "`between` needs a numeric attribute"));
            }
            Node::Leaf(Leaf::NumBetween { col, lo: *lo, hi: *hi, inclusive: *inclusive })
        }
        Condition::In { attr, values } => {
            let (col, ty) = resolve(attr)?;
            let bad = values.iter().position(|v| {
                !matches!(
                    (ty, v),
                    (ColumnType::Numeric, Value::Number(_))
                        | (ColumnType::Boolean, Value::Bool(_))
                        | (ColumnType::Categorical, Value::Text(_))
                )
            });
            if let Some(k) = bad {
                return Err(type_error(
                    &format!("{path}.values[{k}]"),
                    attr,
                    ty,
                    &format!("compared with a {}", values[k].kind()),
                ));
            }
            let leaf = match ty {
                ColumnType::Numeric => {
                    let mut sorted: Vec<f64> = values
                        .iter()
                        .map(|v| match v {
                            Value::Number(x) => *x,
                            _ => unreachable!("checked above"),
                        })
                        .collect();
                    sorted.sort_by(f64::total_cmp);
                    Leaf::NumIn { col, values: sorted }
                }
                ColumnType::Boolean => Leaf::BoolSet {
                    col,
                    accept: [
                        values.contains(&Value::Bool(false)),
                        values.contains(&Value::Bool(true)),
                    ],
                },
                ColumnType::Categorical => {
                    let labels: Vec<&str> = values
                        .iter()
                        .map(|v| match v {
                            Value::Text(s) => s.as_str(),
                            _ => unreachable!("checked above"),
                        })
                        .collect();
                    Leaf::CatSet { col, accept: cat_accept(col, &labels) }
                }
            };
            Node::Leaf(leaf)
        }
        Condition::IsMissing { attr } => Node::Leaf(Leaf::Missing { col: resolve(attr)?.0 }),
        Condition::All(cs) | Condition::Any(cs) => {
            let key = if matches!(c, Condition::All(_)) { "all" } else { "any" };
            let nodes = cs
                .iter()
                .enumerate()
                .map(|(k, c)| compile_condition(c, table, &format!("{path}.{key}[{k}]")))
                .collect::<Result<Vec<_>>>()?;
            if key == "all" {
                Node::All(nodes)
            } else {
                Node::Any(nodes)
            }
        }
        Condition::Not(inner) => {
            Node::Not(Box::new(compile_condition(inner, table, &format!("{path}.not"))?))
        }
    })
}

/// Whether a rule held for a customer (three-valued).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The condition held (criterion passed, hard rule hit).
    Pass,
    /// The condition did not hold.
    Fail,
    /// The condition could not be decided because of a missing value.
    Missing,
}

impl Outcome {
    fn from_tri(s: u8) -> Self {
        match s {
            T => Outcome::Pass,
            F => Outcome::Fail,
            _ => Outcome::Missing,
        }
    }

    /// `"pass"`/`"fail"`/`"missing"` for criteria, `"hit"`/`"miss"`/`"missing"` for hard rules.
    pub fn as_str(self, kind: RuleKind) -> &'static str {
        match (self, kind) {
            (Outcome::Pass, RuleKind::Criterion) => "pass",
            (Outcome::Fail, RuleKind::Criterion) => "fail",
            (Outcome::Pass, RuleKind::Hard) => "hit",
            (Outcome::Fail, RuleKind::Hard) => "miss",
            (Outcome::Missing, _) => "missing",
        }
    }
}

/// Kind of rule a [`Reason`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    /// A weighted criterion.
    Criterion,
    /// A hard rule.
    Hard,
}

/// One elementary test seen by a rule: the attribute, the value seen and what it was tested
/// against.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// Attribute (column) name.
    pub attribute: String,
    /// The value seen, as text (`NA` when missing).
    pub value: String,
    /// Operator of the test: `<`, `<=`, `>`, `>=`, `==`, `!=`, `between`, `in`, `is_missing`.
    pub op: String,
    /// What the value was tested against: the number or label, `[lo,hi]` / `(lo,hi)` for
    /// `between`, `{a,b}` for `in`, empty for `is_missing`.
    pub threshold: String,
    /// Whether the test held.
    pub outcome: Outcome,
}

impl Check {
    /// The test as a stable string stating the fact observed, e.g. `margin=1234.5>=1000`,
    /// `margin=800<1000` (a failed `>=` written with its negation), `age=7 in [1,10]`,
    /// `segment=bronze not in {gold,silver}`, `email=NA is missing`, `email=a@b is not missing`
    /// and `margin=NA` for a missing value.
    pub fn code(&self) -> String {
        let (a, v, t) = (&self.attribute, &self.value, &self.threshold);
        let holds = self.outcome == Outcome::Pass;
        match self.op.as_str() {
            "is_missing" if holds => format!("{a}={v} is missing"),
            "is_missing" => format!("{a}={v} is not missing"),
            _ if self.outcome == Outcome::Missing => format!("{a}={v}"),
            "between" | "in" if holds => format!("{a}={v} in {t}"),
            "between" | "in" => format!("{a}={v} not in {t}"),
            op => {
                let op = op.parse::<CompareOp>().expect("comparison spelling");
                let shown = if holds { op } else { op.negate() };
                format!("{a}={v}{}{t}", shown.as_str())
            }
        }
    }
}

/// Why a customer got their decision, one per criterion and hard rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// Name of the criterion or hard rule.
    pub rule: String,
    /// Criterion or hard rule.
    pub kind: RuleKind,
    /// Whether its condition held.
    pub outcome: Outcome,
    /// Points earned (criteria: the weight when passed, else 0; hard rules: 0).
    pub points: f64,
    /// The elementary tests of its condition, in order, with the values seen.
    pub checks: Vec<Check>,
}

impl Reason {
    /// The stable reason code `rule:outcome(check; check; …)`, e.g.
    /// `profitability:pass(margin=1234.5>=1000)` or `bad_debt:hit(bad_debt=50>0)`.
    pub fn code(&self) -> String {
        let checks: Vec<String> = self.checks.iter().map(Check::code).collect();
        format!("{}:{}({})", self.rule, self.outcome.as_str(self.kind), checks.join("; "))
    }
}

/// The non-missing numeric value of row `i`, if the column is numeric.
fn numeric_at(column: &Column<'_>, i: usize) -> Option<f64> {
    match column {
        Column::Numeric(x) if !x[i].is_nan() => Some(x[i]),
        _ => None,
    }
}

/// The numbers a numeric test compares with (the compiled threshold, the bounds, the list), and
/// its operator for a comparison; `None` for other tests.
fn numeric_test(leaf: &Condition, l: &Leaf) -> Option<(Option<CompareOp>, Vec<f64>)> {
    match (leaf, l) {
        (Condition::Compare { op, .. }, Leaf::NumCmp { t, .. }) => Some((Some(*op), vec![*t])),
        (Condition::Between { lo, hi, .. }, Leaf::NumBetween { .. }) => {
            Some((None, vec![*lo, *hi]))
        }
        (Condition::In { .. }, Leaf::NumIn { .. }) => {
            let values = match leaf {
                Condition::In { values, .. } => values
                    .iter()
                    .filter_map(|v| if let Value::Number(x) = v { Some(*x) } else { None })
                    .collect(),
                _ => Vec::new(),
            };
            Some((None, values))
        }
        _ => None,
    }
}

/// ` (p75)` after a threshold taken from the data, else nothing.
fn quantile_note(leaf: &Condition) -> String {
    match leaf {
        Condition::Compare { value: Value::Quantile(q), .. } => {
            format!(" (p{})", text::number(q * 100.0))
        }
        _ => String::new(),
    }
}

/// Writes a numeric check (value present) by the crate's rule for numbers ([`text::push_check`]).
fn write_numeric_check(
    out: &mut String, x: f64, holds: bool, op: Option<CompareOp>, ts: &[f64], leaf: &Condition,
) {
    text::push_check(out, x, |out, numbers| {
        numbers.value(out);
        match (leaf, op) {
            (Condition::Compare { .. }, Some(op)) => {
                out.push_str(if holds { op.as_str() } else { op.negate().as_str() });
                numbers.threshold(out, ts[0]);
                out.push_str(&quantile_note(leaf));
            }
            (Condition::Between { inclusive, .. }, _) => {
                out.push_str(if holds { " in " } else { " not in " });
                let (a, b) = if *inclusive { ('[', ']') } else { ('(', ')') };
                out.push(a);
                numbers.threshold(out, ts[0]);
                out.push(',');
                numbers.threshold(out, ts[1]);
                out.push(b);
            }
            _ => {
                out.push_str(if holds { " in {" } else { " not in {" });
                for (k, &t) in ts.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    numbers.threshold(out, t);
                }
                out.push('}');
            }
        }
    });
}

/// Writes the checks of a condition for row `i` as [`Check::code`] would, without building
/// [`Check`] values (the fast path of [`Evaluation::reason_codes`]): each after a `"; "` unless
/// it is the first since position `from` of `out`.
fn write_checks(
    c: &Condition, n: &Node, table: &Table<'_>, i: usize, out: &mut String, from: usize,
) {
    use std::fmt::Write;
    match (c, n) {
        (Condition::All(cs), Node::All(ns)) | (Condition::Any(cs), Node::Any(ns)) => {
            cs.iter().zip(ns).for_each(|(c, n)| write_checks(c, n, table, i, out, from))
        }
        (Condition::Not(c), Node::Not(n)) => write_checks(c, n, table, i, out, from),
        (leaf, Node::Leaf(l)) => {
            if out.len() > from {
                out.push_str("; ");
            }
            let state = l.at(table, i);
            let column = table.column_at(l.col());
            let attr = match leaf {
                Condition::Compare { attr, .. }
                | Condition::Between { attr, .. }
                | Condition::In { attr, .. }
                | Condition::IsMissing { attr } => attr,
                _ => unreachable!("compiled tree mirrors the condition"),
            };
            out.push_str(attr);
            out.push('=');
            let holds = state == T;
            if let (Some(x), Some((op, ts))) = (numeric_at(column, i), numeric_test(leaf, l)) {
                write_numeric_check(out, x, holds, op, &ts, leaf);
                return;
            }
            column.write_value(i, out);
            match leaf {
                Condition::IsMissing { .. } => {
                    out.push_str(if holds { " is missing" } else { " is not missing" })
                }
                _ if state == U => {}
                Condition::Compare { op, value, .. } => {
                    out.push_str(if holds { op.as_str() } else { op.negate().as_str() });
                    match value {
                        Value::Number(_) | Value::Quantile(_) => out.push_str(&value.display()),
                        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                        Value::Text(t) => out.push_str(t),
                    }
                }
                Condition::Between { lo, hi, inclusive, .. } => {
                    out.push_str(if holds { " in " } else { " not in " });
                    let (a, b) = if *inclusive { ('[', ']') } else { ('(', ')') };
                    let _ = write!(out, "{a}{lo},{hi}{b}");
                }
                Condition::In { values, .. } => {
                    out.push_str(if holds { " in {" } else { " not in {" });
                    for (k, v) in values.iter().enumerate() {
                        if k > 0 {
                            out.push(',');
                        }
                        out.push_str(&v.display());
                    }
                    out.push('}');
                }
                _ => unreachable!("compiled tree mirrors the condition"),
            }
        }
        _ => unreachable!("compiled tree mirrors the condition"),
    }
}

fn collect_checks(c: &Condition, n: &Node, table: &Table<'_>, i: usize, out: &mut Vec<Check>) {
    let fmt_list = |vs: &[Value]| {
        let items: Vec<String> = vs.iter().map(Value::display).collect();
        format!("{{{}}}", items.join(","))
    };
    match (c, n) {
        (Condition::All(cs), Node::All(ns)) | (Condition::Any(cs), Node::Any(ns)) => {
            cs.iter().zip(ns).for_each(|(c, n)| collect_checks(c, n, table, i, out))
        }
        (Condition::Not(c), Node::Not(n)) => collect_checks(c, n, table, i, out),
        (leaf, Node::Leaf(l)) => {
            let column = table.column_at(l.col());
            let outcome = Outcome::from_tri(l.at(table, i));
            if let (Some(x), Some((_, ts))) = (numeric_at(column, i), numeric_test(leaf, l)) {
                let (value, shown) = text::against(x, &ts);
                let (attr, op, threshold) = match leaf {
                    Condition::Compare { attr, op, .. } => (attr, op.as_str(), shown[0].clone()),
                    Condition::Between { attr, inclusive, .. } => {
                        let (a, b) = if *inclusive { ('[', ']') } else { ('(', ')') };
                        (attr, "between", format!("{a}{},{}{b}", shown[0], shown[1]))
                    }
                    Condition::In { attr, .. } => (attr, "in", format!("{{{}}}", shown.join(","))),
                    _ => unreachable!("numeric tests only"),
                };
                let threshold = threshold + &quantile_note(leaf);
                out.push(Check {
                    attribute: attr.clone(),
                    value,
                    op: op.into(),
                    threshold,
                    outcome,
                });
                return;
            }
            let value = column.display(i);
            let (attr, op, threshold) = match leaf {
                Condition::Compare { attr, op, value } => (attr, op.as_str(), value.display()),
                Condition::Between { attr, lo, hi, inclusive } => {
                    let (a, b) = if *inclusive { ('[', ']') } else { ('(', ')') };
                    (attr, "between", format!("{a}{lo},{hi}{b}"))
                }
                Condition::In { attr, values } => (attr, "in", fmt_list(values)),
                Condition::IsMissing { attr } => (attr, "is_missing", String::new()),
                _ => unreachable!("compiled tree mirrors the condition"),
            };
            out.push(Check {
                attribute: attr.clone(),
                value,
                op: op.to_string(),
                threshold,
                outcome,
            });
        }
        _ => unreachable!("compiled tree mirrors the condition"),
    }
}

/// The compiled band table: sorted `(lo, hi, decision index)`.
type Bands = Vec<(f64, f64, u16)>;

/// The result of [`RuleSet::evaluate`]: decision, score and per-rule outcomes of every customer,
/// with reasons rendered on demand from the data.
#[derive(Debug)]
pub struct Evaluation<'r, 't> {
    rules: &'r RuleSet,
    table: &'r Table<'t>,
    nodes: Vec<Node>,
    strategy_nodes: Vec<Option<Node>>,
    names: Vec<String>,
    decision: Vec<u16>,
    score: Vec<f64>,
    fired: Vec<u16>,
    states: Vec<u8>,
}

struct Plan<'a> {
    rules: &'a RuleSet,
    table: &'a Table<'a>,
    nodes: &'a [Node],
    bands: &'a Bands,
    hard_decision: &'a [u16],
    missing_decision: Option<u16>,
    undetermined: Option<u16>,
    depth: usize,
}

impl Plan<'_> {
    /// Evaluates rows `start..start + score.len()`. `states` is the chunk's block, rule-major:
    /// rule `r` of row `start + j` is at `states[r * len + j]`.
    fn run_chunk(
        &self, start: usize, states: &mut [u8], score: &mut [f64], decision: &mut [u16],
        fired: &mut [u16],
    ) -> Result<()> {
        let len = score.len();
        let n_crit = self.rules.criteria.len();
        let mut scratch = vec![vec![0u8; len]; self.depth];
        let mut unknown = vec![0u8; len];
        score.iter_mut().for_each(|s| *s = 0.0);
        fired.iter_mut().for_each(|f| *f = NO_RULE);
        for (r, (node, out)) in self.nodes.iter().zip(states.chunks_exact_mut(len)).enumerate() {
            node.eval_chunk(self.table, start, out, &mut scratch);
            unknown.iter_mut().zip(out.iter()).for_each(|(u, &s)| *u |= (s == U) as u8);
            if r < n_crit {
                let w = self.rules.criteria[r].weight;
                score
                    .iter_mut()
                    .zip(out.iter())
                    .for_each(|(sc, &s)| *sc += if s == T { w } else { 0.0 });
            }
        }
        // The first hard rule that holds: visit them last to first, the earliest overwrites.
        for (h, out) in states.chunks_exact(len).skip(n_crit).enumerate().rev() {
            fired.iter_mut().zip(out).for_each(|(f, &s)| {
                if s == T {
                    *f = h as u16
                }
            });
        }
        for row in 0..len {
            if unknown[row] != 0 && self.rules.missing == MissingPolicy::Error {
                let r =
                    (0..self.nodes.len()).find(|r| states[r * len + row] == U).expect("unknown");
                return Err(self.missing_error(r, start + row));
            }
            if unknown[row] != 0 {
                if let Some(d) = self.undetermined {
                    decision[row] = self.settle(states, len, row, score[row]).unwrap_or(d);
                    continue;
                }
            }
            if fired[row] != NO_RULE {
                decision[row] = self.hard_decision[fired[row] as usize];
                continue;
            }
            if let (1, Some(d)) = (unknown[row], self.missing_decision) {
                decision[row] = d;
                continue;
            }
            let s = score[row];
            // Bands are sorted by `lo` and do not overlap: the candidate is the last band
            // starting at or below the score (bisection, O(log bands)).
            let k = self.bands.partition_point(|b| b.0 <= s);
            decision[row] = k
                .checked_sub(1)
                .map(|k| self.bands[k])
                .filter(|(_, hi, _)| s < *hi)
                .map(|b| b.2)
                .ok_or_else(|| Error::Numerical {
                    context: "selection rules".into(),
                    reason: format!("score {s} of row {} falls in no decision band", start + row),
                })?;
        }
        Ok(())
    }

    /// Under [`MissingPolicy::Undetermined`]: the decision of a row with unknown rules when
    /// every way they could turn out gives the same one, else `None`. `score` is the sum of the
    /// weights of the criteria that passed.
    fn settle(&self, states: &[u8], len: usize, row: usize, score: f64) -> Option<u16> {
        let n_crit = self.rules.criteria.len();
        let mut seen: Option<u16> = None;
        let mut same = |d: u16| match seen {
            None => {
                seen = Some(d);
                true
            }
            Some(s) => s == d,
        };
        for h in 0..self.rules.hard.len() {
            match states[(n_crit + h) * len + row] {
                T => return same(self.hard_decision[h]).then_some(self.hard_decision[h]),
                U if !same(self.hard_decision[h]) => return None,
                _ => {}
            }
        }
        let (mut lo, mut hi) = (score, score);
        for (r, c) in self.rules.criteria.iter().enumerate() {
            if states[r * len + row] == U {
                if c.weight < 0.0 {
                    lo += c.weight;
                } else {
                    hi += c.weight;
                }
            }
        }
        // Every band from the one holding the lowest reachable score to the one holding the
        // highest (bands are sorted and contiguous over the reachable scores).
        let first = self.bands.partition_point(|b| b.0 <= lo).checked_sub(1)?;
        let last = self.bands.partition_point(|b| b.0 <= hi).checked_sub(1)?;
        for b in &self.bands[first..=last.max(first)] {
            if !same(b.2) {
                return None;
            }
        }
        seen
    }

    fn missing_error(&self, rule: usize, row: usize) -> Error {
        let n_crit = self.rules.criteria.len();
        let (name, cond) = if rule < n_crit {
            (&self.rules.criteria[rule].name, &self.rules.criteria[rule].condition)
        } else {
            (&self.rules.hard[rule - n_crit].name, &self.rules.hard[rule - n_crit].condition)
        };
        let mut checks = Vec::new();
        collect_checks(cond, &self.nodes[rule], self.table, row, &mut checks);
        let attr = checks
            .iter()
            .find(|c| c.outcome == Outcome::Missing)
            .map_or_else(|| name.clone(), |c| c.attribute.clone());
        Error::invalid_at(
            attr,
            row,
            format!("missing value needed by rule {name:?} (the missing-value policy is `error`)"),
        )
    }
}

impl RuleSet {
    /// Evaluates the rules for every row of `table`.
    ///
    /// The rules are validated ([`RuleSet::validate`]) and compiled against the table once
    /// (attribute names resolved, types checked), then evaluated column-wise in blocks of rows
    /// (in parallel with the `parallel` feature; results are identical either way).
    ///
    /// Per customer: the criteria are scored (sum of the weights of those that pass, added in
    /// order); under [`MissingPolicy::Error`] any unknown rule is an error; the first hard rule
    /// that holds decides; otherwise, under [`MissingPolicy::Decide`], a customer with an unknown
    /// rule gets that decision; otherwise the score band decides. Under
    /// [`MissingPolicy::Undetermined`] a customer with an unknown rule keeps the decision every
    /// resolution of the unknowns agrees on, else gets the policy's decision.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] for a problem of the rule set itself (see [`RuleSet::validate`]);
    /// [`Error::InvalidValue`] with the JSON path as `field` for an attribute the table lacks
    /// (`$.criteria[0].condition.attr`) or a type mismatch (`….value`, `….op`, `….values[k]`);
    /// [`Error::InvalidValue`] (attribute, first row) for a missing value under
    /// [`MissingPolicy::Error`]; [`Error::InvalidValue`] (`rules`) for more than 65 534 hard
    /// rules or decisions.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::selection::{Band, Column, CompareOp, Condition, Criterion, RuleSet, Table};
    /// let mut rules = RuleSet::new(vec![
    ///     Band::new("target", Some(1.0), None),
    ///     Band::new("maintain", None, Some(1.0)),
    /// ]);
    /// rules.criteria.push(Criterion::new(
    ///     "profitability",
    ///     1.0,
    ///     Condition::compare("margin", CompareOp::Ge, 1000.0),
    /// ));
    /// let margin = [1234.5, 800.0, f64::NAN];
    /// let table = Table::new().with("margin", Column::Numeric(&margin))?;
    /// let ev = rules.evaluate(&table)?;
    /// assert_eq!(ev.decisions(), ["target", "maintain", "maintain"]);
    /// assert_eq!(ev.reason_codes(0), ["profitability:pass(margin=1234.5>=1000)"]);
    /// assert_eq!(ev.reason_codes(1), ["profitability:fail(margin=800<1000)"]);
    /// assert_eq!(ev.reason_codes(2), ["profitability:missing(margin=NA)"]);
    /// assert!((ev.score(0) - 1.0).abs() < 1e-15);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn evaluate<'r, 't>(&'r self, table: &'r Table<'t>) -> Result<Evaluation<'r, 't>> {
        self.validate()?;
        let mut nodes = Vec::with_capacity(self.criteria.len() + self.hard.len());
        for (i, c) in self.criteria.iter().enumerate() {
            nodes.push(compile_condition(
                &c.condition,
                table,
                &format!("$.criteria[{i}].condition"),
            )?);
        }
        for (i, h) in self.hard.iter().enumerate() {
            nodes.push(compile_condition(&h.condition, table, &format!("$.hard[{i}].condition"))?);
        }
        let mut strategy_nodes = Vec::with_capacity(self.strategies.len());
        for (k, e) in self.strategies.iter().enumerate() {
            strategy_nodes.push(match &e.condition {
                Some(c) => Some(compile_condition(c, table, &format!("$.strategies[{k}].when"))?),
                None => None,
            });
        }
        let names = self.decision_names();
        if names.len() >= NO_RULE as usize || self.hard.len() >= NO_RULE as usize {
            return Err(Error::invalid("rules", "at most 65534 hard rules and decisions"));
        }
        let positions: HashMap<&str, u16> =
            names.iter().enumerate().map(|(k, d)| (d.as_str(), k as u16)).collect();
        let index = |d: &str| positions[d];
        let mut bands: Bands = self
            .decisions
            .iter()
            .map(|b| {
                (
                    b.min.unwrap_or(f64::NEG_INFINITY),
                    b.max.unwrap_or(f64::INFINITY),
                    index(&b.decision),
                )
            })
            .collect();
        bands.sort_by(|a, b| a.0.total_cmp(&b.0));
        let hard_decision: Vec<u16> = self.hard.iter().map(|h| index(&h.decision)).collect();
        let missing_decision = match &self.missing {
            MissingPolicy::Decide(d) => Some(index(d)),
            _ => None,
        };
        let undetermined = match &self.missing {
            MissingPolicy::Undetermined(d) => Some(index(d)),
            _ => None,
        };
        let n = table.n_rows();
        let k = nodes.len();
        let plan = Plan {
            rules: self,
            table,
            nodes: &nodes,
            bands: &bands,
            hard_decision: &hard_decision,
            missing_decision,
            undetermined,
            depth: nodes.iter().map(Node::depth).max().unwrap_or(0),
        };
        // One byte per (customer, rule): ask for it without aborting when it cannot be had.
        let mut states: Vec<u8> = Vec::new();
        n.checked_mul(k)
            .and_then(|cells| states.try_reserve_exact(cells).ok().map(|()| cells))
            .map(|cells| par_extend_repeat(&mut states, 0, cells))
            .ok_or_else(|| {
                Error::invalid(
                    "rules",
                    format!(
                        "evaluating {k} rules for {n} customers needs {n} x {k} bytes of state, \
                         more than can be allocated"
                    ),
                )
            })?;
        let mut score = vec![0.0; n];
        let mut decision = vec![0u16; n];
        let mut fired = vec![NO_RULE; n];
        // Without rules (k == 0) every row's state slice is empty.
        let state_chunks: Vec<&mut [u8]> = if k == 0 {
            (0..n.div_ceil(CHUNK)).map(|_| <&mut [u8]>::default()).collect()
        } else {
            states.chunks_mut(CHUNK * k).collect()
        };
        type Job<'a> = (usize, &'a mut [u8], &'a mut [f64], &'a mut [u16], &'a mut [u16]);
        let jobs: Vec<Job<'_>> = state_chunks
            .into_iter()
            .zip(score.chunks_mut(CHUNK))
            .zip(decision.chunks_mut(CHUNK))
            .zip(fired.chunks_mut(CHUNK))
            .enumerate()
            .map(|(c, (((st, sc), d), f))| (c * CHUNK, st, sc, d, f))
            .collect();
        let run = |(start, st, sc, d, f): Job<'_>| plan.run_chunk(start, st, sc, d, f);
        #[cfg(feature = "parallel")]
        let results: Vec<Result<()>> = {
            use rayon::prelude::*;
            jobs.into_par_iter().map(run).collect()
        };
        #[cfg(not(feature = "parallel"))]
        let results: Vec<Result<()>> = jobs.into_iter().map(run).collect();
        results.into_iter().collect::<Result<Vec<()>>>()?;
        Ok(Evaluation {
            rules: self,
            table,
            nodes,
            strategy_nodes,
            names,
            decision,
            score,
            fired,
            states,
        })
    }
}

impl<'r, 't> Evaluation<'r, 't> {
    /// The service strategy of customer `i`: the first entry of the rule set's `strategies`
    /// for the customer's decision whose condition holds (an unknown condition does not), or
    /// `None`.
    ///
    /// # Panics
    /// When `i` is out of range.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::selection::{Band, Column, CompareOp, Condition, Criterion, RuleSet, Strategy, Table};
    /// let mut rules = RuleSet::new(vec![Band::new("keep", Some(1.0), None), Band::new("drop", None, Some(1.0))]);
    /// rules.criteria.push(Criterion::new("big", 1.0, Condition::compare("spend", CompareOp::Ge, 100.0)));
    /// rules.strategies.push(
    ///     Strategy::new("keep", "key account").when(Condition::compare("spend", CompareOp::Ge, 1000.0)),
    /// );
    /// rules.strategies.push(Strategy::new("keep", "partnership"));
    /// let spend = [5000.0, 200.0, 10.0];
    /// let table = Table::new().with("spend", Column::Numeric(&spend))?;
    /// let ev = rules.evaluate(&table)?;
    /// assert_eq!(ev.strategies(), [Some("key account"), Some("partnership"), None]);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn strategy(&self, i: usize) -> Option<&'r str> {
        let rules: &'r RuleSet = self.rules;
        self.strategy_index(i).map(|k| rules.strategies[k].strategy.as_str())
    }

    /// The place in the rule set's `strategies` of customer `i`'s strategy
    /// ([`strategy`](Self::strategy)), or `None`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn strategy_index(&self, i: usize) -> Option<usize> {
        let d = self.decision(i);
        self.rules.strategies.iter().zip(&self.strategy_nodes).position(|(e, node)| {
            e.decision == d && node.as_ref().is_none_or(|n| n.at(self.table, i) == T)
        })
    }

    /// [`Evaluation::strategy`] of every customer.
    pub fn strategies(&self) -> Vec<Option<&'r str>> {
        (0..self.len()).map(|i| self.strategy(i)).collect()
    }

    /// Warnings about the result: a [`Concentration`](super::Concentration) when more than
    /// [`CONCENTRATION_SHARE`](super::CONCENTRATION_SHARE) of at least
    /// [`CONCENTRATION_MIN_CUSTOMERS`](super::CONCENTRATION_MIN_CUSTOMERS) customers got one
    /// decision; empty otherwise.
    pub fn warnings(&self) -> Vec<super::Concentration> {
        super::warning::concentration(&self.names, &self.counts()).into_iter().collect()
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.score.len()
    }

    /// `true` when there are no customers.
    pub fn is_empty(&self) -> bool {
        self.score.is_empty()
    }

    /// The rule set evaluated.
    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// The decision names ([`RuleSet::decision_names`]); [`Evaluation::decision_codes`] index it.
    pub fn decision_names(&self) -> &[String] {
        &self.names
    }

    /// Index into [`Evaluation::decision_names`] of each customer's decision.
    pub fn decision_codes(&self) -> &[u16] {
        &self.decision
    }

    /// Decision of customer `i`.
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn decision(&self, i: usize) -> &str {
        &self.names[self.decision[i] as usize]
    }

    /// Decisions of all customers.
    pub fn decisions(&self) -> Vec<&str> {
        self.decision.iter().map(|&d| self.names[d as usize].as_str()).collect()
    }

    /// Scores of all customers (sum of the weights of the passed criteria).
    pub fn scores(&self) -> &[f64] {
        &self.score
    }

    /// Score of customer `i`.
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn score(&self, i: usize) -> f64 {
        self.score[i]
    }

    /// Name of the hard rule that decided for customer `i`, if one did.
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn fired_rule(&self, i: usize) -> Option<&'r str> {
        let rules: &'r RuleSet = self.rules;
        self.fired_rule_index(i).map(|h| rules.hard[h].name.as_str())
    }

    /// The place in the rule set's `hard` rules of the rule that decided for customer `i`
    /// ([`fired_rule`](Self::fired_rule)), if one did.
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn fired_rule_index(&self, i: usize) -> Option<usize> {
        let h = self.fired[i];
        (h != NO_RULE).then_some(h as usize)
    }

    /// Outcome of rule `r` (criteria first, then hard rules, in document order) for customer `i`.
    ///
    /// # Panics
    /// When `i` or `r` is out of range.
    pub fn outcome(&self, i: usize, r: usize) -> Outcome {
        let k = self.nodes.len();
        assert!(r < k, "rule index {r} out of range (0..{k})");
        assert!(i < self.len(), "row {i} out of range (0..{})", self.len());
        let (c, j) = (i / CHUNK, i % CHUNK);
        let len = CHUNK.min(self.len() - c * CHUNK);
        Outcome::from_tri(self.states[c * CHUNK * k + r * len + j])
    }

    /// Reasons of customer `i`: one per criterion, then one per hard rule, with the values seen.
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn reasons(&self, i: usize) -> Vec<Reason> {
        let n_crit = self.rules.criteria.len();
        let conds = self
            .rules
            .criteria
            .iter()
            .map(|c| (&c.name, &c.condition, RuleKind::Criterion, c.weight))
            .chain(self.rules.hard.iter().map(|h| (&h.name, &h.condition, RuleKind::Hard, 0.0)));
        conds
            .enumerate()
            .map(|(r, (name, cond, kind, w))| {
                let outcome = self.outcome(i, r);
                let mut checks = Vec::new();
                collect_checks(cond, &self.nodes[r], self.table, i, &mut checks);
                let points = if r < n_crit && outcome == Outcome::Pass { w } else { 0.0 };
                Reason { rule: name.clone(), kind, outcome, points, checks }
            })
            .collect()
    }

    /// Reason codes of customer `i` ([`Reason::code`]).
    ///
    /// # Panics
    /// When `i >= len()`.
    pub fn reason_codes(&self, i: usize) -> Vec<String> {
        let n_crit = self.rules.criteria.len();
        let conds = self
            .rules
            .criteria
            .iter()
            .map(|c| (&c.name, &c.condition))
            .chain(self.rules.hard.iter().map(|h| (&h.name, &h.condition)));
        conds
            .enumerate()
            .map(|(r, (name, cond))| {
                let kind = if r < n_crit { RuleKind::Criterion } else { RuleKind::Hard };
                let mut out = String::with_capacity(64);
                out.push_str(name);
                out.push(':');
                out.push_str(self.outcome(i, r).as_str(kind));
                out.push('(');
                let from = out.len();
                write_checks(cond, &self.nodes[r], self.table, i, &mut out, from);
                out.push(')');
                out
            })
            .collect()
    }

    /// Appends to `out` the checks of the rules whose outcome for customer `i` is `want`, as
    /// their [`Check::code`]s joined by `"; "` in rule order, the first right after what `out`
    /// holds (the reasons' checks, written without building [`Reason`] values); true when a rule
    /// had that outcome.
    pub(crate) fn write_checks_with(&self, i: usize, want: Outcome, out: &mut String) -> bool {
        let conds = self
            .rules
            .criteria
            .iter()
            .map(|c| &c.condition)
            .chain(self.rules.hard.iter().map(|h| &h.condition));
        let from = out.len();
        let mut any = false;
        for (r, cond) in conds.enumerate() {
            if self.outcome(i, r) == want {
                any = true;
                write_checks(cond, &self.nodes[r], self.table, i, out, from);
            }
        }
        any
    }

    /// Reason codes of every customer ([`Evaluation::reason_codes`]), one vector per customer;
    /// rendered in parallel with the `parallel` feature (identical results without it).
    pub fn all_reason_codes(&self) -> Vec<Vec<String>> {
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            (0..self.len())
                .into_par_iter()
                .with_min_len(1024)
                .map(|i| self.reason_codes(i))
                .collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            (0..self.len()).map(|i| self.reason_codes(i)).collect()
        }
    }

    /// Number of customers per decision, in the order of [`Evaluation::decision_names`].
    pub fn counts(&self) -> Vec<usize> {
        let mut c = vec![0; self.names.len()];
        self.decision.iter().for_each(|&d| c[d as usize] += 1);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::selection::rules::{Band, Criterion, HardRule};

    /// A deterministic pseudo-random stream (SplitMix64).
    fn stream(seed: u64) -> impl FnMut() -> u64 {
        let mut s = seed;
        move || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    /// Chunked column-wise evaluation agrees with row-by-row evaluation, across chunk edges.
    #[test]
    fn chunks_agree_with_rows() {
        let n = 2 * CHUNK + 37;
        let mut r = stream(7);
        let x: Vec<f64> = (0..n)
            .map(|_| if r().is_multiple_of(10) { f64::NAN } else { (r() % 100) as f64 })
            .collect();
        let b: Vec<u8> = (0..n).map(|_| [0u8, 1, 255][(r() % 3) as usize]).collect();
        let cats = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let codes: Vec<i32> = (0..n).map(|_| (r() % 4) as i32 - 1).collect();
        let table = Table::new()
            .with("x", Column::Numeric(&x))
            .unwrap()
            .with("b", Column::Boolean(&b))
            .unwrap()
            .with("s", Column::Categorical { codes: &codes, categories: &cats })
            .unwrap();
        let cond = Condition::Any(vec![
            Condition::All(vec![
                Condition::between("x", 10.0, 60.0, false),
                Condition::not(Condition::compare("s", CompareOp::Eq, "b")),
            ]),
            Condition::All(vec![
                Condition::compare("b", CompareOp::Ne, true),
                Condition::Any(vec![
                    Condition::is_in("x", [1.0, 2.0, 3.0]),
                    Condition::is_in("s", ["c", "zz"]),
                    Condition::is_missing("x"),
                ]),
            ]),
        ]);
        let node = compile_condition(&cond, &table, "$").unwrap();
        let mut scratch = vec![vec![0u8; CHUNK]; node.depth() + 1];
        let (buf, rest) = scratch.split_first_mut().unwrap();
        let mut counts = [0usize; 3];
        for start in (0..n).step_by(CHUNK) {
            let len = CHUNK.min(n - start);
            node.eval_chunk(&table, start, &mut buf[..len], rest);
            for (k, &s) in buf[..len].iter().enumerate() {
                assert_eq!(s, node.at(&table, start + k), "row {}", start + k);
                counts[s as usize] += 1;
            }
        }
        // All three truth values occur, so the comparison is not vacuous.
        assert!(counts.iter().all(|&c| c > 100), "{counts:?}");
    }

    /// A value that prints like a threshold it differs from (999.999 and 1000 both read `1000`
    /// at two decimals) is written, with every threshold, in shortest round-trip form, by the
    /// fast path of the reason codes as by the reasons' checks.
    #[test]
    fn values_that_print_like_their_threshold_read_in_full() {
        let x = [999.999, 1000.0, 2.5];
        let table = Table::new().with("x", Column::Numeric(&x)).unwrap();
        let mut rules = RuleSet::new(vec![Band::new("all", None, None)]);
        for (name, c) in [
            ("lt", Condition::compare("x", CompareOp::Lt, 1000.0)),
            ("between", Condition::between("x", 0.5, 1000.0, true)),
            ("among", Condition::is_in("x", [5.0, 1000.0])),
        ] {
            rules.criteria.push(Criterion::new(name, 1.0, c));
        }
        let ev = rules.evaluate(&table).unwrap();
        assert_eq!(
            ev.reason_codes(0),
            [
                "lt:pass(x=999.999<1000)",
                "between:pass(x=999.999 in [0.5,1000])",
                "among:fail(x=999.999 not in {5,1000})"
            ]
        );
        assert_eq!(ev.reason_codes(2)[1], "between:pass(x=2.5 in [0.5,1000])");
        for i in 0..x.len() {
            let checks: Vec<String> =
                ev.reasons(i).iter().map(|r| r.checks.iter().map(|c| c.code()).collect()).collect();
            for (code, check) in ev.reason_codes(i).iter().zip(&checks) {
                assert!(code.contains(check.as_str()), "{code} / {check}");
            }
        }
    }

    #[test]
    fn kleene_logic() {
        // x missing in row 0, 5 in row 1; y = 1 in both.
        let x = [f64::NAN, 5.0];
        let y = [1.0, 1.0];
        let table = Table::new()
            .with("x", Column::Numeric(&x))
            .unwrap()
            .with("y", Column::Numeric(&y))
            .unwrap();
        let xp = || Condition::compare("x", CompareOp::Gt, 0.0);
        let yt = || Condition::compare("y", CompareOp::Eq, 1.0);
        let yf = || Condition::compare("y", CompareOp::Eq, 2.0);
        let cases: Vec<(Condition, [u8; 2])> = vec![
            (xp(), [U, T]),
            (Condition::not(xp()), [U, F]),
            (Condition::All(vec![xp(), yt()]), [U, T]),
            (Condition::All(vec![xp(), yf()]), [F, F]),
            (Condition::Any(vec![xp(), yt()]), [T, T]),
            (Condition::Any(vec![xp(), yf()]), [U, T]),
            (Condition::is_missing("x"), [T, F]),
            (Condition::not(Condition::is_missing("x")), [F, T]),
        ];
        for (cond, want) in cases {
            let node = compile_condition(&cond, &table, "$").unwrap();
            assert_eq!([node.at(&table, 0), node.at(&table, 1)], want, "{cond:?}");
        }
    }

    #[test]
    fn no_rules_and_empty_table() {
        let rules = RuleSet::new(vec![Band::new("all", None, None)]);
        let x = [1.0, 2.0];
        let table = Table::new().with("x", Column::Numeric(&x)).unwrap();
        let ev = rules.evaluate(&table).unwrap();
        assert_eq!(ev.decisions(), ["all", "all"]);
        assert!(ev.reasons(0).is_empty());
        let mut rules = rules;
        rules.criteria.push(Criterion::new("c", 1.0, Condition::is_missing("x")));
        rules.hard.push(HardRule::new("h", Condition::is_missing("x"), "no"));
        let empty: [f64; 0] = [];
        let table = Table::new().with("x", Column::Numeric(&empty)).unwrap();
        let ev = rules.evaluate(&table).unwrap();
        assert!(ev.is_empty());
        assert_eq!(ev.counts(), [0, 0]);
    }
}
