//! The bad-input catalogue of the rules area: rule documents (JSON text and rule sets built in
//! code) and their evaluation. Each row names its class, the input, the error variant, the
//! field (JSON path or attribute), the row index where there is one and a substring of the
//! message; one test runs them all. The C and Python catalogues mirror these rows.

use cvm_core::selection::{
    Band, Column, CompareOp, Condition, Criterion, MissingPolicy, RuleSet, Table, MAX_BANDS,
    MAX_CRITERIA, MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_HARD_RULES, MAX_JSON_DEPTH,
};
use cvm_core::Error;

/// What a catalogue row feeds to the library.
enum Input {
    /// Rule-document text for [`RuleSet::from_json`].
    Json(String),
    /// A rule set built in code, checked with [`RuleSet::validate`]: an invalid value (not a
    /// document error) at the path of the problem.
    Built(RuleSet),
    /// A valid document evaluated on [`table`] (customers `x = [1, NaN]`, `seg = [a, b]`).
    Evaluate(String),
}

struct Case {
    class: &'static str,
    input: Input,
    variant: &'static str,
    field: &'static str,
    index: Option<usize>,
    message: String,
}

fn variant(e: &Error) -> &'static str {
    match e {
        Error::Json { .. } => "Json",
        Error::InvalidValue { .. } => "InvalidValue",
        Error::UnknownName { .. } => "UnknownName",
        Error::Numerical { .. } => "Numerical",
        _ => "other",
    }
}

/// A document with the given criteria (JSON array items) and the bands `yes` ≥ 1 / `no` < 1.
fn doc(criteria: &str) -> String {
    format!(
        r#"{{"version": 1, "criteria": [{criteria}],
            "decisions": [{{"decision": "yes", "min": 1}}, {{"decision": "no", "max": 1}}]}}"#
    )
}

/// A document with one criterion `c` of the given condition.
fn cond(condition: &str) -> String {
    doc(&format!(r#"{{"name": "c", "condition": {condition}}}"#))
}

fn built(condition: Condition) -> RuleSet {
    let mut r =
        RuleSet::new(vec![Band::new("yes", Some(1.0), None), Band::new("no", None, Some(1.0))]);
    r.criteria.push(Criterion::new("c", 1.0, condition));
    r
}

fn case(
    class: &'static str, input: Input, variant: &'static str, field: &'static str, message: &str,
) -> Case {
    Case { class, input, variant, field, index: None, message: message.to_string() }
}

fn cases() -> Vec<Case> {
    use Input::{Built, Evaluate, Json};
    let leaf = r#"{"attr": "x", "op": ">", "value": 0}"#;
    let nots = |n: usize| {
        let mut c = Condition::compare("x", CompareOp::Gt, 0.0);
        for _ in 0..n {
            c = Condition::not(c);
        }
        c
    };
    let many = |n: usize| vec!["{}"; n].join(",");
    let too_deep: &'static str =
        Box::leak(format!("$.criteria[0].condition{}", ".not".repeat(MAX_DEPTH + 1)).into());
    vec![
        // Text that is not JSON.
        case("malformed JSON", Json(String::new()), "Json", "$", "unexpected end of input"),
        case(
            "malformed JSON",
            Json(r#"{"version": 1,"#.into()),
            "Json",
            "$",
            "line 1 column 15: expected `\"`",
        ),
        case("malformed JSON", Json("{} x".into()), "Json", "$", "trailing characters"),
        case("malformed JSON", Json("[1,]".into()), "Json", "$", "expected a value"),
        case("malformed JSON", Json("01".into()), "Json", "$", "invalid number"),
        case("malformed JSON", Json("1.".into()), "Json", "$", "invalid number"),
        case("malformed JSON", Json(cond(r#"{"attr": "x", "op": ">", "value": NaN}"#)), "Json", "$", "expected a value"),
        case("malformed JSON", Json(cond(r#"{"attr": "x", "op": ">", "value": 1e400}"#)), "Json", "$", "number out of range"),
        case("malformed JSON", Json("\u{feff}{}".into()), "Json", "$", "line 1 column 1: expected a value"),
        // UTF-8 and escapes: positions are counted in characters and never cut one in two.
        case(
            "UTF-8 after an escape",
            Json("{\"version\": 1, \"name\": \"\\é\"}".into()),
            "Json",
            "$",
            "line 1 column 25: bad escape",
        ),
        case("UTF-8 after an escape", Json("\"\\😀\"".into()), "Json", "$", "bad escape"),
        case("UTF-8 after an escape", Json("{\"é\\ü\": 1}".into()), "Json", "$", "column 4: bad escape"),
        case(
            "UTF-8 after an escape",
            Json("{\n  \"ñame\": \"é\\\u{10348}\"}".into()),
            "Json",
            "$",
            "line 2 column 13: bad escape",
        ),
        case("bad \\u escape", Json(r#""\u+123""#.into()), "Json", "$", "four hexadecimal digits"),
        case("bad \\u escape", Json(r#""\u12""#.into()), "Json", "$", "four hexadecimal digits"),
        case("bad \\u escape", Json(r#""\ud800""#.into()), "Json", "$", "unpaired surrogate"),
        case("bad \\u escape", Json(r#""\ud800\u0041""#.into()), "Json", "$", "unpaired surrogate"),
        case("bad \\u escape", Json(r#""\udc00""#.into()), "Json", "$", "bad \\u escape"),
        case("control character", Json("\"a\u{1}\"".into()), "Json", "$", "control character"),
        case("unterminated string", Json("\"abc\\".into()), "Json", "$", "unterminated string"),
        // Keys and types.
        case(
            "duplicate key",
            Json(r#"{"version": 1, "version": 1}"#.into()),
            "Json",
            "$.version",
            "duplicate key",
        ),
        case(
            "duplicate key",
            Json(cond(r#"{"attr": "x", "op": ">", "op": "<", "value": 0}"#)),
            "Json",
            "$.criteria[0].condition.op",
            "duplicate key",
        ),
        case(
            "unknown key",
            Json(r#"{"version": 1, "decisions": [], "colour": 1}"#.into()),
            "Json",
            "$.colour",
            "unknown key \"colour\"; valid keys here are version, name",
        ),
        case("missing key", Json(r#"{"version": 1}"#.into()), "Json", "$.decisions", "required key is missing"),
        case(
            "wrong type",
            Json(doc(&format!(r#"{{"name": "c", "weight": "heavy", "condition": {leaf}}}"#))),
            "Json",
            "$.criteria[0].weight",
            "expected a number, got a string",
        ),
        case("unsupported version", Json(r#"{"version": 7, "decisions": []}"#.into()), "Json", "$.version", "unsupported version 7"),
        // Conditions.
        case(
            "unknown condition type",
            Json(cond(r#"{"attr": "x", "op": "~", "value": 0}"#)),
            "Json",
            "$.criteria[0].condition.op",
            "unknown operator \"~\"; valid operators are <, <=",
        ),
        case(
            "unknown condition type",
            Json(cond(r#"{"some": []}"#)),
            "Json",
            "$.criteria[0].condition",
            "needs an operator",
        ),
        case("empty combinator", Json(cond(r#"{"all": []}"#)), "Json", "$.criteria[0].condition.all", "empty `all`"),
        case(
            "type mismatch",
            Json(cond(r#"{"attr": "x", "op": "<", "value": "a"}"#)),
            "Json",
            "$.criteria[0].condition.op",
            "operator < needs a number",
        ),
        case(
            "type mismatch",
            Json(cond(r#"{"attr": "s", "op": "in", "values": ["a", 1]}"#)),
            "Json",
            "$.criteria[0].condition.values[1]",
            "a number in a list of strings",
        ),
        case(
            "empty range",
            Json(cond(r#"{"attr": "x", "op": "between", "lo": 2, "hi": 1}"#)),
            "Json",
            "$.criteria[0].condition.hi",
            "must be >= lo",
        ),
        case("empty attribute", Json(cond(r#"{"attr": "", "op": "is_missing"}"#)), "Json", "$.criteria[0].condition.attr", "must not be empty"),
        // Non-finite numbers (JSON cannot spell them; rule sets built in code can).
        case("NaN threshold", Built(built(Condition::compare("x", CompareOp::Gt, f64::NAN))), "InvalidValue", "$.criteria[0].condition.value", "must be finite (got NaN)"),
        case("NaN threshold", Built(built(Condition::between("x", f64::NEG_INFINITY, 1.0, true))), "InvalidValue", "$.criteria[0].condition.lo", "must be finite (got -inf)"),
        case("NaN threshold", Built(built(Condition::is_in("x", [1.0, f64::NAN]))), "InvalidValue", "$.criteria[0].condition.values[1]", "must be finite"),
        case(
            "NaN threshold",
            Built({
                let mut r = built(nots(0));
                r.criteria[0].weight = f64::NAN;
                r
            }),
            "InvalidValue",
            "$.criteria[0].weight",
            "must be finite (got NaN)",
        ),
        case(
            "weights overflow",
            Json(doc(&format!(
                r#"{{"name": "a", "weight": 1e308, "condition": {leaf}}},
                   {{"name": "b", "weight": 1e308, "condition": {leaf}}}"#
            ))),
            "Json",
            "$.criteria",
            "beyond the range of a number (scores from 0 to inf)",
        ),
        // Names.
        case(
            "duplicate name",
            Json(doc(&format!(
                r#"{{"name": "a", "condition": {leaf}}}, {{"name": "a", "condition": {leaf}}}"#
            ))),
            "Json",
            "$.criteria[1].name",
            "duplicate name \"a\" (also at $.criteria[0].name)",
        ),
        case(
            "duplicate name",
            Json(
                r#"{"version": 1, "criteria": [{"name": "a", "condition": {"attr": "x", "op": "is_missing"}}],
                    "hard": [{"name": "a", "condition": {"attr": "x", "op": "is_missing"}, "decision": "no"}],
                    "decisions": [{"decision": "yes"}]}"#
                    .into(),
            ),
            "Json",
            "$.hard[0].name",
            "duplicate name \"a\" (also at $.criteria[0].name)",
        ),
        case(
            "invalid name",
            Json(doc(&format!(r#"{{"name": "a b", "condition": {leaf}}}"#))),
            "Json",
            "$.criteria[0].name",
            "invalid name \"a b\"",
        ),
        case(
            "invalid name",
            Json(doc(&format!(r#"{{"name": "naïve", "condition": {leaf}}}"#))),
            "Json",
            "$.criteria[0].name",
            "invalid name \"naïve\"",
        ),
        // Bands.
        case(
            "bands overlap",
            Json(r#"{"version": 1, "decisions": [{"decision": "a"}, {"decision": "b", "min": 0}]}"#.into()),
            "Json",
            "$.decisions[1]",
            "overlap",
        ),
        case(
            "bands leave a gap",
            Json(r#"{"version": 1, "decisions": [{"decision": "a", "min": 1}]}"#.into()),
            "Json",
            "$.decisions",
            "1) have no decision",
        ),
        // Over the limits.
        case(
            "over a limit",
            Json(" ".repeat(MAX_DOCUMENT_BYTES + 1)),
            "Json",
            "$",
            &format!(
                "the document is {} bytes long; the limit (MAX_DOCUMENT_BYTES) is {MAX_DOCUMENT_BYTES}",
                MAX_DOCUMENT_BYTES + 1
            ),
        ),
        case(
            "over a limit",
            Json("[".repeat(MAX_JSON_DEPTH + 2)),
            "Json",
            "$",
            &format!("nest deeper than {MAX_JSON_DEPTH} levels (MAX_JSON_DEPTH)"),
        ),
        case(
            "over a limit",
            Json(doc(&many(MAX_CRITERIA + 1))),
            "Json",
            "$.criteria",
            &format!("{} entries; the limit (MAX_CRITERIA) is {MAX_CRITERIA}", MAX_CRITERIA + 1),
        ),
        case(
            "over a limit",
            Json(format!(r#"{{"version": 1, "hard": [{}], "decisions": []}}"#, many(MAX_HARD_RULES + 1))),
            "Json",
            "$.hard",
            &format!("{} entries; the limit (MAX_HARD_RULES) is {MAX_HARD_RULES}", MAX_HARD_RULES + 1),
        ),
        case(
            "over a limit",
            Json(format!(r#"{{"version": 1, "decisions": [{}]}}"#, many(MAX_BANDS + 1))),
            "Json",
            "$.decisions",
            &format!("{} entries; the limit (MAX_BANDS) is {MAX_BANDS}", MAX_BANDS + 1),
        ),
        case(
            "over a limit",
            Built({
                let mut r = built(nots(0));
                let c = r.criteria[0].clone();
                r.criteria = (0..=MAX_CRITERIA)
                    .map(|i| Criterion { name: format!("c{i}"), ..c.clone() })
                    .collect();
                r
            }),
            "InvalidValue",
            "$.criteria",
            "(MAX_CRITERIA)",
        ),
        case(
            "over a limit",
            Json(cond(&format!(
                "{}{leaf}{}",
                r#"{"not": "#.repeat(MAX_DEPTH + 1),
                "}".repeat(MAX_DEPTH + 1)
            ))),
            "Json",
            too_deep,
            &format!("conditions nest deeper than {MAX_DEPTH} levels"),
        ),
        case("over a limit", Built(built(nots(MAX_DEPTH + 1))), "InvalidValue", too_deep, "nest deeper"),
        // Evaluation against data.
        case(
            "unknown attribute",
            Evaluate(cond(r#"{"attr": "y", "op": ">", "value": 0}"#)),
            "InvalidValue",
            "$.criteria[0].condition.attr",
            "unknown attribute \"y\"; the data has columns x, seg",
        ),
        case(
            "type mismatch",
            Evaluate(cond(r#"{"attr": "seg", "op": "==", "value": 1}"#)),
            "InvalidValue",
            "$.criteria[0].condition.value",
            "attribute \"seg\" is categorical, compared with a number",
        ),
        case(
            "type mismatch",
            Evaluate(cond(r#"{"attr": "x", "op": "in", "values": ["a"]}"#)),
            "InvalidValue",
            "$.criteria[0].condition.values[0]",
            "attribute \"x\" is numeric, compared with a string",
        ),
        Case {
            index: Some(1),
            ..case(
                "missing value under the error policy",
                Evaluate(
                    r#"{"version": 1, "missing": "error",
                        "criteria": [{"name": "c", "condition": {"attr": "x", "op": ">", "value": 0}}],
                        "decisions": [{"decision": "yes", "min": 1}, {"decision": "no", "max": 1}]}"#
                        .into(),
                ),
                "InvalidValue",
                "x",
                "missing value needed by rule \"c\"",
            )
        },
        // Quantile thresholds, strategies and the undetermined policy (issue 13).
        case(
            "quantile outside [0, 1]",
            Json(cond(r#"{"attr": "x", "op": ">=", "quantile": 1.5}"#)),
            "Json",
            "$.criteria[0].condition.quantile",
            "must be in [0, 1] (got 1.5)",
        ),
        case(
            "quantile with an equality operator",
            Json(cond(r#"{"attr": "x", "op": "==", "quantile": 0.5}"#)),
            "Json",
            "$.criteria[0].condition.op",
            "a quantile threshold needs <, <=, > or >= (got ==)",
        ),
        case(
            "strategy for a decision the rules do not make",
            Json(
                r#"{"version": 1, "decisions": [{"decision": "yes"}],
                    "strategies": [{"decision": "maybe", "strategy": "call"}]}"#
                    .into(),
            ),
            "Json",
            "$.strategies[0].decision",
            "unknown decision \"maybe\"; the rule set decides yes",
        ),
        case(
            "empty strategy",
            Json(
                r#"{"version": 1, "decisions": [{"decision": "yes"}],
                    "strategies": [{"decision": "yes", "strategy": ""}]}"#
                    .into(),
            ),
            "Json",
            "$.strategies[0].strategy",
            "must not be empty",
        ),
        case(
            "empty undetermined decision",
            Json(
                r#"{"version": 1, "decisions": [{"decision": "yes"}], "missing": {"undetermined": ""}}"#
                    .into(),
            ),
            "Json",
            "$.missing.undetermined",
            "must not be empty",
        ),
    ]
}

fn run(input: &Input) -> Result<(), Error> {
    match input {
        Input::Json(text) => RuleSet::from_json(text).map(drop),
        Input::Built(rules) => rules.validate(),
        Input::Evaluate(text) => {
            let rules = RuleSet::from_json(text).expect("a valid document");
            assert!(rules.missing == MissingPolicy::Error || !text.contains("\"missing\""));
            let x = [1.0, f64::NAN];
            let labels = vec!["a".to_string(), "b".to_string()];
            let codes = [0, 1];
            let table = Table::new()
                .with("x", Column::Numeric(&x))?
                .with("seg", Column::Categorical { codes: &codes, categories: &labels })?;
            rules.evaluate(&table).map(drop)
        }
    }
}

#[test]
fn catalogue_of_bad_rule_inputs() {
    let cases = cases();
    let mut failures = Vec::new();
    for c in &cases {
        let shown: String = match &c.input {
            Input::Json(t) | Input::Evaluate(t) => t.chars().take(80).collect(),
            Input::Built(_) => "(built in code)".into(),
        };
        match run(&c.input) {
            Ok(()) => failures.push(format!("{}: {shown:?} was accepted", c.class)),
            Err(err) => {
                if variant(&err) != c.variant
                    || err.field() != Some(c.field)
                    || err.index() != c.index
                    || !err.to_string().contains(&c.message)
                {
                    failures.push(format!(
                        "{}: {shown:?}: want {} at {} ({:?}) with {:?}; got {err:?}",
                        c.class, c.variant, c.field, c.index, c.message
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every class has at least one row.
    assert!(cases.len() >= 50, "{}", cases.len());
}

/// The document of the escape example with a valid escape in its place reads: the rows above
/// fail for the escape, not for the characters around it.
#[test]
fn multibyte_text_around_escapes_reads() {
    let r = RuleSet::from_json(
        "{\"version\": 1, \"name\": \"\\\"é\\u00e9\\ud83d\\ude00ü\\n\", \"decisions\": [{\"decision\": \"ñ\"}]}",
    )
    .unwrap();
    assert_eq!(r.name.as_deref(), Some("\"éé😀ü\n"));
    assert_eq!(r.decisions[0].decision, "ñ");
}
