//! Strict JSON reading and writing of [`RuleSet`] (feature `serde`).
//!
//! Reading goes through `serde_json::Value` so that every problem — unknown key, unknown
//! operator, wrong type, missing key — is reported as [`Error::Json`] with its JSON path.

use serde_json::{Map, Number, Value as Json};

use super::rules::{
    json_err, Band, CompareOp, Condition, Criterion, HardRule, MissingPolicy, RuleSet, Value,
    MAX_BANDS, MAX_CRITERIA, MAX_HARD_RULES,
};
use super::strategy::Strategy;
use crate::error::{Error, Result};

/// The operator spellings a leaf condition accepts (`op`).
pub const OPERATORS: &[&str] = &["<", "<=", ">", ">=", "==", "!=", "between", "in", "is_missing"];

/// The combinator keys.
pub const COMBINATORS: &[&str] = &["all", "any", "not"];

fn type_name(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

pub(crate) fn expected(path: &str, what: &str, got: &Json) -> Error {
    json_err(path, format!("expected {what}, got {}", type_name(got)))
}

/// The longest rule document accepted by [`RuleSet::from_json`], in bytes (64 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// Deepest nesting of JSON arrays and objects accepted by [`RuleSet::from_json`] (the document
/// itself is level 0). Deep enough for every document [`RuleSet::to_json`] writes: a condition
/// nested [`MAX_DEPTH`](super::MAX_DEPTH) combinators deep sits at level 2 × 64 + 3, its `in`
/// list two levels further down.
pub const MAX_JSON_DEPTH: usize = 160;

/// One step of the path to the value being read (kept as a stack, formatted only for an error,
/// so reading costs no path strings).
enum Step {
    Key(String),
    Index(usize),
}

/// A strict JSON reader producing `serde_json::Value`, with two differences from
/// `serde_json::from_str`: numbers are converted with the correctly rounded `str::parse::<f64>`
/// (so every number written by [`RuleSet::to_json`] reads back bit for bit), and a key repeated
/// within one object is an error (with its JSON path) instead of silently keeping the last.
///
/// Work is linear in the length of the text; recursion is at most [`MAX_JSON_DEPTH`] deep.
/// Every byte position is moved over whole characters or ASCII bytes, and text is only ever cut
/// with `str::get`, so no input can make it panic.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    path: Vec<Step>,
}

pub(crate) fn parse(text: &str) -> Result<Json> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(json_err(
            "$",
            format!(
                "the document is {} bytes long; the limit (MAX_DOCUMENT_BYTES) is {MAX_DOCUMENT_BYTES}",
                text.len()
            ),
        ));
    }
    let mut p = Parser { text, bytes: text.as_bytes(), pos: 0, path: Vec::new() };
    let v = p.value(0)?;
    p.ws();
    if p.pos < p.bytes.len() {
        return Err(p.fail("trailing characters after the document"));
    }
    Ok(v)
}

impl Parser<'_> {
    /// A syntax error at the current position, with its line and column (counted in
    /// characters; computed on bytes, so a position inside a character cannot panic).
    fn fail(&self, what: &str) -> Error {
        let before = &self.bytes[..self.pos.min(self.bytes.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |k| k + 1);
        // Characters of the current line: every byte that does not continue a UTF-8 sequence.
        let column = before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count() + 1;
        json_err("$", format!("malformed JSON at line {line} column {column}: {what}"))
    }

    /// The JSON path of the value being read, e.g. `$.criteria[3].condition`.
    fn path_with(&self, key: &str) -> String {
        let mut out = String::from("$");
        for step in &self.path {
            match step {
                Step::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out.push('.');
        out.push_str(key);
        out
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn rest_starts_with(&self, word: &[u8]) -> bool {
        self.bytes.get(self.pos..).is_some_and(|rest| rest.starts_with(word))
    }

    fn expect(&mut self, b: u8) -> Result<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.fail(&format!("expected `{}`", b as char)))
        }
    }

    fn literal(&mut self, word: &str, v: Json) -> Result<Json> {
        if self.rest_starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(v)
        } else {
            Err(self.fail("expected a value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json> {
        if depth > MAX_JSON_DEPTH {
            return Err(self.fail(&format!(
                "arrays and objects nest deeper than {MAX_JSON_DEPTH} levels (MAX_JSON_DEPTH)"
            )));
        }
        self.ws();
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                let mut map = Map::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(Json::Object(map));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    if map.contains_key(&key) {
                        return Err(json_err(&self.path_with(&key), "duplicate key"));
                    }
                    self.ws();
                    self.expect(b':')?;
                    self.path.push(Step::Key(key));
                    let v = self.value(depth + 1)?;
                    let Some(Step::Key(key)) = self.path.pop() else {
                        unreachable!("the step pushed above")
                    };
                    map.insert(key, v);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Json::Object(map));
                        }
                        _ => return Err(self.fail("expected `,` or `}`")),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    self.path.push(Step::Index(items.len()));
                    let v = self.value(depth + 1)?;
                    self.path.pop();
                    items.push(v);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(self.fail("expected `,` or `]`")),
                    }
                }
            }
            Some(b'"') => Ok(Json::String(self.string()?)),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.fail("expected a value")),
            None => Err(self.fail("unexpected end of input")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Json> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = self.digits();
        if n == 0 || (n > 1 && self.bytes.get(int_start) == Some(&b'0')) {
            return Err(self.fail("invalid number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.fail("invalid number"));
            }
        }
        // Only ASCII bytes were consumed, so the range is on character boundaries.
        let text = self.text.get(start..self.pos).ok_or_else(|| self.fail("invalid number"))?;
        if integer {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Json::from(i));
            }
            if let Ok(u) = text.parse::<u64>() {
                return Ok(Json::from(u));
            }
        }
        let x: f64 = text.parse().map_err(|_| self.fail("invalid number"))?;
        Number::from_f64(x).map(Json::Number).ok_or_else(|| self.fail("number out of range"))
    }

    /// Four hexadecimal digits of a `\u` escape (exactly four ASCII hex digits: no sign).
    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.fail("bad \\u escape: expected four hexadecimal digits"))?;
        let v = digits.iter().fold(0u32, |acc, &b| {
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                _ => b - b'A' + 10,
            };
            (acc << 4) | u32::from(d)
        });
        self.pos += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.pos;
            // Stops only at ASCII bytes, so `start..pos` is on character boundaries.
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos).ok_or_else(|| self.fail("bad string"))?);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    let e = self.bytes.get(self.pos + 1).copied();
                    let Some(e) = e.filter(u8::is_ascii) else {
                        // Leave `pos` on the backslash: the next byte may start a
                        // multi-byte character.
                        return Err(match e {
                            None => self.fail("unterminated string"),
                            Some(_) => {
                                self.fail("bad escape: `\\` followed by a non-ASCII character")
                            }
                        });
                    };
                    self.pos += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.rest_starts_with(b"\\u") {
                                    return Err(self.fail("unpaired surrogate"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.fail("unpaired surrogate"));
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            out.push(
                                char::from_u32(code).ok_or_else(|| self.fail("bad \\u escape"))?,
                            );
                        }
                        _ => return Err(self.fail("bad escape")),
                    }
                }
                Some(_) => return Err(self.fail("control character in string")),
                None => return Err(self.fail("unterminated string")),
            }
        }
    }
}

/// A JSON object being read: knows its path and which keys are allowed.
pub(crate) struct Obj<'v> {
    map: &'v Map<String, Json>,
    path: String,
}

impl<'v> Obj<'v> {
    pub(crate) fn new(v: &'v Json, path: &str, allowed: &[&str]) -> Result<Self> {
        let map = v.as_object().ok_or_else(|| expected(path, "an object", v))?;
        if let Some(key) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(json_err(
                &format!("{path}.{key}"),
                format!("unknown key {key:?}; valid keys here are {}", allowed.join(", ")),
            ));
        }
        Ok(Obj { map, path: path.to_string() })
    }

    pub(crate) fn at(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    pub(crate) fn opt(&self, key: &str) -> Option<&'v Json> {
        self.map.get(key)
    }

    pub(crate) fn req(&self, key: &str) -> Result<&'v Json> {
        self.opt(key).ok_or_else(|| json_err(&self.at(key), "required key is missing"))
    }

    pub(crate) fn string(&self, key: &str) -> Result<String> {
        let v = self.req(key)?;
        v.as_str().map(str::to_string).ok_or_else(|| expected(&self.at(key), "a string", v))
    }

    pub(crate) fn opt_string(&self, key: &str) -> Result<Option<String>> {
        match self.opt(key) {
            None => Ok(None),
            Some(v) => v
                .as_str()
                .map(|s| Some(s.to_string()))
                .ok_or_else(|| expected(&self.at(key), "a string", v)),
        }
    }

    pub(crate) fn number(&self, key: &str) -> Result<f64> {
        let v = self.req(key)?;
        v.as_f64().ok_or_else(|| expected(&self.at(key), "a number", v))
    }

    pub(crate) fn opt_number(&self, key: &str) -> Result<Option<f64>> {
        match self.opt(key) {
            None => Ok(None),
            Some(v) => v.as_f64().map(Some).ok_or_else(|| expected(&self.at(key), "a number", v)),
        }
    }

    pub(crate) fn array(&self, key: &str) -> Result<&'v Vec<Json>> {
        let v = self.req(key)?;
        v.as_array().ok_or_else(|| expected(&self.at(key), "an array", v))
    }

    /// The array at `key`, of at most `limit` elements (`limit_name` names the constant).
    pub(crate) fn array_at_most(
        &self, key: &str, limit: usize, limit_name: &str,
    ) -> Result<&'v Vec<Json>> {
        let a = self.array(key)?;
        if a.len() > limit {
            return Err(json_err(
                &self.at(key),
                format!("{} entries; the limit ({limit_name}) is {limit}", a.len()),
            ));
        }
        Ok(a)
    }
}

fn read_value(v: &Json, path: &str) -> Result<Value> {
    match v {
        Json::Number(n) => {
            n.as_f64().map(Value::Number).ok_or_else(|| expected(path, "a number", v))
        }
        Json::Bool(b) => Ok(Value::Bool(*b)),
        Json::String(s) => Ok(Value::Text(s.clone())),
        _ => Err(expected(path, "a number, boolean or string", v)),
    }
}

fn read_condition(v: &Json, path: &str) -> Result<Condition> {
    let map = v.as_object().ok_or_else(|| expected(path, "a condition object", v))?;
    if let Some(op_json) = map.get("op") {
        let op = op_json
            .as_str()
            .ok_or_else(|| expected(&format!("{path}.op"), "an operator string", op_json))?;
        return match op {
            "between" => {
                let o = Obj::new(v, path, &["attr", "op", "lo", "hi", "inclusive"])?;
                let inclusive = match o.opt("inclusive") {
                    None => true,
                    Some(b) => {
                        b.as_bool().ok_or_else(|| expected(&o.at("inclusive"), "a boolean", b))?
                    }
                };
                Ok(Condition::Between {
                    attr: o.string("attr")?,
                    lo: o.number("lo")?,
                    hi: o.number("hi")?,
                    inclusive,
                })
            }
            "in" => {
                let o = Obj::new(v, path, &["attr", "op", "values"])?;
                let values = o
                    .array("values")?
                    .iter()
                    .enumerate()
                    .map(|(k, x)| read_value(x, &format!("{path}.values[{k}]")))
                    .collect::<Result<_>>()?;
                Ok(Condition::In { attr: o.string("attr")?, values })
            }
            "is_missing" => {
                let o = Obj::new(v, path, &["attr", "op"])?;
                Ok(Condition::IsMissing { attr: o.string("attr")? })
            }
            _ => {
                let op = op.parse::<CompareOp>().map_err(|_| {
                    json_err(
                        &format!("{path}.op"),
                        format!(
                            "unknown operator {op:?}; valid operators are {}",
                            OPERATORS.join(", ")
                        ),
                    )
                })?;
                if map.contains_key("quantile") {
                    let o = Obj::new(v, path, &["attr", "op", "quantile"])?;
                    let q = Value::Quantile(o.number("quantile")?);
                    return Ok(Condition::Compare { attr: o.string("attr")?, op, value: q });
                }
                let o = Obj::new(v, path, &["attr", "op", "value"])?;
                let value = read_value(o.req("value")?, &o.at("value"))?;
                Ok(Condition::Compare { attr: o.string("attr")?, op, value })
            }
        };
    }
    let Some(key) = COMBINATORS.iter().find(|k| map.contains_key(**k)) else {
        return Err(json_err(
            path,
            "a condition needs an operator (`op`) or one combinator (`all`, `any`, `not`)",
        ));
    };
    let o = Obj::new(v, path, &[key])?;
    match *key {
        "not" => {
            Ok(Condition::Not(Box::new(read_condition(o.req("not")?, &format!("{path}.not"))?)))
        }
        _ => {
            let cs = o
                .array(key)?
                .iter()
                .enumerate()
                .map(|(k, c)| read_condition(c, &format!("{path}.{key}[{k}]")))
                .collect::<Result<Vec<_>>>()?;
            Ok(if *key == "all" { Condition::All(cs) } else { Condition::Any(cs) })
        }
    }
}

fn read_missing(v: &Json) -> Result<MissingPolicy> {
    let path = "$.missing";
    match v {
        Json::String(s) => MissingPolicy::parse(s, "missing").map_err(|_| {
            json_err(
                path,
                format!("unknown missing-value policy {s:?}; valid are \"fail\", \"error\", {{\"decide\": <decision>}}, {{\"undetermined\": <decision>}}"),
            )
        }),
        Json::Object(m) if m.contains_key("undetermined") => {
            let o = Obj::new(v, path, &["undetermined"])?;
            Ok(MissingPolicy::Undetermined(o.string("undetermined")?))
        }
        Json::Object(_) => {
            let o = Obj::new(v, path, &["decide"])?;
            Ok(MissingPolicy::Decide(o.string("decide")?))
        }
        _ => Err(expected(
            path,
            "\"fail\", \"error\", {\"decide\": <decision>} or {\"undetermined\": <decision>}",
            v,
        )),
    }
}

/// Reads a rule set from a parsed JSON value, strictly, and validates it
/// ([`RuleSet::validate`]).
///
/// # Errors
/// [`Error::Json`] with the path of the first problem.
pub fn rules_from_value(v: &Json) -> Result<RuleSet> {
    let o = Obj::new(
        v,
        "$",
        &[
            "version",
            "name",
            "description",
            "criteria",
            "hard",
            "decisions",
            "missing",
            "strategies",
        ],
    )?;
    let version = {
        let x = o.req("version")?;
        x.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| expected("$.version", "a non-negative integer", x))?
    };
    let criteria = match o.opt("criteria") {
        None => Vec::new(),
        Some(_) => o
            .array_at_most("criteria", MAX_CRITERIA, "MAX_CRITERIA")?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let p = format!("$.criteria[{i}]");
                let c = Obj::new(c, &p, &["name", "weight", "condition", "description"])?;
                let weight = match c.opt("weight") {
                    None => 1.0,
                    Some(_) => c.number("weight")?,
                };
                Ok(Criterion {
                    name: c.string("name")?,
                    weight,
                    condition: read_condition(c.req("condition")?, &c.at("condition"))?,
                    description: c.opt_string("description")?,
                })
            })
            .collect::<Result<_>>()?,
    };
    let hard = match o.opt("hard") {
        None => Vec::new(),
        Some(_) => o
            .array_at_most("hard", MAX_HARD_RULES, "MAX_HARD_RULES")?
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let p = format!("$.hard[{i}]");
                let h = Obj::new(h, &p, &["name", "condition", "decision", "description"])?;
                Ok(HardRule {
                    name: h.string("name")?,
                    condition: read_condition(h.req("condition")?, &h.at("condition"))?,
                    decision: h.string("decision")?,
                    description: h.opt_string("description")?,
                })
            })
            .collect::<Result<_>>()?,
    };
    let decisions = o
        .array_at_most("decisions", MAX_BANDS, "MAX_BANDS")?
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let b = Obj::new(b, &format!("$.decisions[{i}]"), &["decision", "min", "max"])?;
            Ok(Band {
                decision: b.string("decision")?,
                min: b.opt_number("min")?,
                max: b.opt_number("max")?,
            })
        })
        .collect::<Result<_>>()?;
    let missing = match o.opt("missing") {
        None => MissingPolicy::Fail,
        Some(m) => read_missing(m)?,
    };
    let strategies = match o.opt("strategies") {
        None => Vec::new(),
        Some(_) => o
            .array_at_most("strategies", MAX_BANDS, "MAX_BANDS")?
            .iter()
            .enumerate()
            .map(|(k, e)| {
                let p = format!("$.strategies[{k}]");
                let e = Obj::new(e, &p, &["decision", "when", "strategy"])?;
                Ok(Strategy {
                    decision: e.string("decision")?,
                    condition: match e.opt("when") {
                        None => None,
                        Some(c) => Some(read_condition(c, &e.at("when"))?),
                    },
                    strategy: e.string("strategy")?,
                })
            })
            .collect::<Result<_>>()?,
    };
    let rules = RuleSet {
        strategies,
        version,
        name: o.opt_string("name")?,
        description: o.opt_string("description")?,
        criteria,
        hard,
        decisions,
        missing,
    };
    rules.validate_document()?;
    Ok(rules)
}

fn num(x: f64) -> Json {
    // Non-finite numbers are rejected by validation; null keeps writing total.
    Number::from_f64(x).map_or(Json::Null, Json::Number)
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::Number(x) => num(*x),
        Value::Bool(b) => Json::Bool(*b),
        Value::Text(s) => Json::String(s.clone()),
        Value::Quantile(q) => num(*q),
    }
}

fn obj(pairs: Vec<(&str, Json)>) -> Json {
    Json::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn condition_json(c: &Condition) -> Json {
    let s = |x: &str| Json::String(x.to_string());
    match c {
        Condition::Compare { attr, op, value } => {
            let key = if matches!(value, Value::Quantile(_)) { "quantile" } else { "value" };
            obj(vec![("attr", s(attr)), ("op", s(op.as_str())), (key, value_json(value))])
        }
        Condition::Between { attr, lo, hi, inclusive } => obj(vec![
            ("attr", s(attr)),
            ("op", s("between")),
            ("lo", num(*lo)),
            ("hi", num(*hi)),
            ("inclusive", Json::Bool(*inclusive)),
        ]),
        Condition::In { attr, values } => obj(vec![
            ("attr", s(attr)),
            ("op", s("in")),
            ("values", Json::Array(values.iter().map(value_json).collect())),
        ]),
        Condition::IsMissing { attr } => obj(vec![("attr", s(attr)), ("op", s("is_missing"))]),
        Condition::All(cs) => {
            obj(vec![("all", Json::Array(cs.iter().map(condition_json).collect()))])
        }
        Condition::Any(cs) => {
            obj(vec![("any", Json::Array(cs.iter().map(condition_json).collect()))])
        }
        Condition::Not(c) => obj(vec![("not", condition_json(c))]),
    }
}

/// Writes a rule set as a JSON value (every key explicit, so reading it back is lossless).
pub fn rules_to_value(r: &RuleSet) -> Json {
    let s = |x: &str| Json::String(x.to_string());
    let mut top = vec![("version", Json::from(r.version))];
    if let Some(n) = &r.name {
        top.push(("name", s(n)));
    }
    if let Some(d) = &r.description {
        top.push(("description", s(d)));
    }
    let criteria = r
        .criteria
        .iter()
        .map(|c| {
            let mut p = vec![
                ("name", s(&c.name)),
                ("weight", num(c.weight)),
                ("condition", condition_json(&c.condition)),
            ];
            if let Some(d) = &c.description {
                p.push(("description", s(d)));
            }
            obj(p)
        })
        .collect();
    let hard = r
        .hard
        .iter()
        .map(|h| {
            let mut p = vec![
                ("name", s(&h.name)),
                ("condition", condition_json(&h.condition)),
                ("decision", s(&h.decision)),
            ];
            if let Some(d) = &h.description {
                p.push(("description", s(d)));
            }
            obj(p)
        })
        .collect();
    let decisions = r
        .decisions
        .iter()
        .map(|b| {
            let mut p = vec![("decision", s(&b.decision))];
            if let Some(x) = b.min {
                p.push(("min", num(x)));
            }
            if let Some(x) = b.max {
                p.push(("max", num(x)));
            }
            obj(p)
        })
        .collect();
    let missing = match &r.missing {
        MissingPolicy::Decide(d) => obj(vec![("decide", s(d))]),
        MissingPolicy::Undetermined(d) => obj(vec![("undetermined", s(d))]),
        other => s(other.as_str()),
    };
    top.push(("criteria", Json::Array(criteria)));
    top.push(("hard", Json::Array(hard)));
    top.push(("decisions", Json::Array(decisions)));
    top.push(("missing", missing));
    if !r.strategies.is_empty() {
        let entries = r
            .strategies
            .iter()
            .map(|e| {
                let mut p = vec![("decision", s(&e.decision))];
                if let Some(c) = &e.condition {
                    p.push(("when", condition_json(c)));
                }
                p.push(("strategy", s(&e.strategy)));
                obj(p)
            })
            .collect();
        top.push(("strategies", Json::Array(entries)));
    }
    obj(top)
}

impl RuleSet {
    /// Reads a rule set from JSON text, strictly: unknown or repeated keys, unknown operators,
    /// wrong types, and every problem [`RuleSet::validate`] finds are errors. Numbers are read
    /// with correct rounding, so [`RuleSet::to_json`] → `from_json` is lossless.
    ///
    /// The text is untrusted input: reading is linear in its length, and a document longer than
    /// [`MAX_DOCUMENT_BYTES`], nested deeper than [`MAX_JSON_DEPTH`], or with more than
    /// [`MAX_CRITERIA`](super::MAX_CRITERIA) criteria, [`MAX_HARD_RULES`](super::MAX_HARD_RULES)
    /// hard rules or [`MAX_BANDS`](super::MAX_BANDS) bands is an error naming the limit.
    /// (Through `serde`, the deserializer's own limits apply first: `serde_json` stops at 128
    /// levels.)
    ///
    /// # Errors
    /// [`Error::Json`] with the JSON path of the problem (`$` with line and column for text that
    /// is not JSON at all, or for a document over a limit).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::selection::RuleSet;
    /// let rules = RuleSet::from_json(r#"{
    ///   "version": 1,
    ///   "criteria": [{"name": "big", "weight": 1, "condition": {"attr": "spend", "op": ">=", "value": 1000}}],
    ///   "decisions": [{"decision": "target", "min": 1}, {"decision": "maintain", "max": 1}]
    /// }"#)?;
    /// assert_eq!(rules.criteria[0].name, "big");
    /// assert_eq!(RuleSet::from_json(&rules.to_json())?, rules);
    /// let err = RuleSet::from_json(r#"{"version": 1, "decisions": [], "colour": 1}"#).unwrap_err();
    /// assert_eq!(err.field(), Some("$.colour"));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        rules_from_value(&parse(text)?)
    }

    /// Reads a rule set from a parsed JSON value (as [`RuleSet::from_json`]).
    ///
    /// # Errors
    /// [`Error::Json`] with the JSON path of the problem.
    pub fn from_value(v: &Json) -> Result<Self> {
        rules_from_value(v)
    }

    /// The rule set as a JSON value.
    pub fn to_value(&self) -> Json {
        rules_to_value(self)
    }

    /// The rule set as pretty-printed JSON text; [`RuleSet::from_json`] reads it back equal.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).expect("a JSON value always serializes")
    }
}

impl serde::Serialize for RuleSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for RuleSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Json::deserialize(d)?;
        rules_from_value(&v).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
      "version": 1,
      "name": "demo",
      "criteria": [
        {"name": "big", "weight": 2, "condition": {"attr": "spend", "op": ">=", "value": 1000}},
        {"name": "mid", "condition": {"all": [
            {"attr": "age", "op": "between", "lo": 1, "hi": 5},
            {"not": {"attr": "email", "op": "is_missing"}},
            {"any": [{"attr": "seg", "op": "in", "values": ["a", "b"]}, {"attr": "vip", "op": "==", "value": true}]}
        ]}}
      ],
      "hard": [{"name": "debt", "condition": {"attr": "debt", "op": ">", "value": 0}, "decision": "decline"}],
      "decisions": [{"decision": "target", "min": 2}, {"decision": "maintain", "max": 2}],
      "missing": {"decide": "review"}
    }"#;

    #[test]
    fn reads_defaults_and_round_trips() {
        let r = RuleSet::from_json(GOOD).unwrap();
        assert_eq!(r.criteria[1].weight, 1.0);
        assert_eq!(r.missing, MissingPolicy::Decide("review".into()));
        match &r.criteria[1].condition {
            Condition::All(cs) => {
                assert_eq!(cs[0], Condition::between("age", 1.0, 5.0, true));
                assert_eq!(cs[1], Condition::not(Condition::is_missing("email")));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(RuleSet::from_json(&r.to_json()).unwrap(), r);
        let via_serde: RuleSet = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(via_serde, r);
    }

    #[test]
    fn errors_carry_paths() {
        let cases: &[(&str, &str, &str)] = &[
            (r#""cond""#, r#""kind""#, "$.criteria[0].kind"),
            (r#""op": ">=""#, r#""op": "~""#, "$.criteria[0].condition.op"),
            (r#""value": 1000"#, r#""value": null"#, "$.criteria[0].condition.value"),
            (r#""lo": 1"#, r#""lo": "1""#, "$.criteria[1].condition.all[0].lo"),
            (r#""weight": 2"#, r#""weight": "heavy""#, "$.criteria[0].weight"),
            (
                r#""values": ["a", "b"]"#,
                r#""values": []"#,
                "$.criteria[1].condition.all[2].any[0].values",
            ),
            (r#"{"not": "#, r#"{"nit": "#, "$.criteria[1].condition.all[1]"),
            (r#""decide": "review""#, r#""decide": "review", "x": 1"#, "$.missing.x"),
            (r#""version": 1"#, r#""version": 7"#, "$.version"),
            (r#""version": 1"#, r#""version": -1"#, "$.version"),
            (r#", "max": 2"#, r#", "max": 1.5"#, "$.decisions"),
            (r#""hi": 5"#, r#""hi": 5, "extra": 0"#, "$.criteria[1].condition.all[0].extra"),
            (
                r#"{"decision": "target", "min": 2}"#,
                r#"{"decision": "target", "min": 1}"#,
                "$.decisions[0]",
            ),
            (r#""decision": "decline""#, r#""decision": 3"#, "$.hard[0].decision"),
            (r#""name": "demo""#, r#""name": "demo", "rules": []"#, "$.rules"),
            (r#""all": ["#, r#""all": [], "x": ["#, "$.criteria[1].condition.x"),
        ];
        for (from, to, path) in cases {
            let text = if *from == r#""cond""# {
                GOOD.replacen(r#""name": "big","#, r#""name": "big", "kind": 1,"#, 1)
            } else {
                assert!(GOOD.contains(from), "{from}");
                GOOD.replacen(from, to, 1)
            };
            match RuleSet::from_json(&text) {
                Err(Error::Json { path: p, reason, .. }) => assert_eq!(p, *path, "{to}: {reason}"),
                other => panic!("{to}: expected error at {path}, got {other:?}"),
            }
        }
    }

    #[test]
    fn parser_matches_serde_json_and_is_strict() {
        let docs = [
            r#"{"a": [1, -2.5e-3, 0, 1e300, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}}"#,
            "[]",
            " 18446744073709551615 ",
            "-9223372036854775808",
        ];
        for d in docs {
            let want: Json = serde_json::from_str(d).unwrap();
            assert_eq!(parse(d).unwrap(), want, "{d}");
        }
        // Correct rounding where serde_json's default reader is off by one ulp.
        let x = -2.2334056043232752e-200_f64;
        assert_eq!(parse(&format!("{x:?}")).unwrap().as_f64(), Some(x));
        let bad = [
            "",
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "1.",
            "-",
            "1e",
            "tru",
            "\"\\x\"",
            "\"abc",
            "{\"a\":1} x",
            "\"\\ud800\"",
            "1e400",
            "{1: 2}",
            "\"a\u{1}\"",
        ];
        for d in bad {
            assert_eq!(parse(d).unwrap_err().field(), Some("$"), "{d:?}");
        }
        let e = parse(r#"{"a": {"b": 1, "b": 2}}"#).unwrap_err();
        assert_eq!(e.field(), Some("$.a.b"));
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn malformed_and_empty_combinator() {
        let e = RuleSet::from_json("{\"version\": 1,").unwrap_err();
        assert_eq!(e.field(), Some("$"));
        let text = GOOD.replacen(
            r#"{"any": [{"attr": "seg", "op": "in", "values": ["a", "b"]}, {"attr": "vip", "op": "==", "value": true}]}"#,
            r#"{"any": []}"#,
            1,
        );
        assert_eq!(
            RuleSet::from_json(&text).unwrap_err().field(),
            Some("$.criteria[1].condition.all[2].any")
        );
    }
}
