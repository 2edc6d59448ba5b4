//! Tests of the `selection` area: every condition type, combinator, missing-value policy and
//! preset with exact reason codes; document errors with their JSON paths; lossless JSON round
//! trip (proptest); relationship trends and look-alike ranking.

use approx::assert_abs_diff_eq;
use cvm_core::selection::presets::{
    big_customer_risk, dormant_account, elastic_customer, good_customer, matching_partner,
    positioning_fit, BigCustomerRiskThresholds, DormantOptions, ElasticOptions,
    GoodCustomerThresholds, MatchingOptions, PositioningOptions,
};
use cvm_core::selection::{
    lookalike, relationship_trend, Band, Column, CompareOp, Condition, Criterion, HardRule,
    LookalikeOptions, MissingPolicy, Outcome, RuleKind, RuleSet, SlopeScale, Standardization,
    Table, Trend, TrendOptions, BOOL_MISSING,
};
use cvm_core::Error;
use proptest::prelude::*;

/// One criterion of weight 1 with bands `yes` (score 1) / `no`.
fn single(cond: Condition) -> RuleSet {
    let mut r =
        RuleSet::new(vec![Band::new("yes", Some(1.0), None), Band::new("no", None, Some(1.0))]);
    r.criteria.push(Criterion::new("c", 1.0, cond));
    r
}

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

/// Test data: 4 customers with a numeric, a boolean and a categorical attribute.
struct Data {
    margin: Vec<f64>,
    partner: Vec<u8>,
    codes: Vec<i32>,
    cats: Vec<String>,
}

impl Data {
    fn new() -> Self {
        Data {
            margin: vec![1234.5, 800.0, 1000.0, f64::NAN],
            partner: vec![1, 0, BOOL_MISSING, 1],
            codes: vec![0, 1, 2, -1],
            cats: strings(&["gold", "silver", "bronze"]),
        }
    }

    fn table(&self) -> Table<'_> {
        Table::new()
            .with("margin", Column::Numeric(&self.margin))
            .unwrap()
            .with("partner", Column::Boolean(&self.partner))
            .unwrap()
            .with("segment", Column::Categorical { codes: &self.codes, categories: &self.cats })
            .unwrap()
    }
}

/// Reason codes of every customer, joined by ` | `; checks that the fast string rendering and
/// the struct rendering agree.
fn codes_of(rules: &RuleSet, table: &Table<'_>) -> Vec<String> {
    let ev = rules.evaluate(table).unwrap();
    (0..ev.len())
        .map(|i| {
            let codes = ev.reason_codes(i);
            let from_structs: Vec<String> = ev.reasons(i).iter().map(|r| r.code()).collect();
            assert_eq!(codes, from_structs, "row {i}");
            codes.join(" | ")
        })
        .collect()
}

#[test]
fn every_leaf_condition_with_exact_reason_codes() {
    use CompareOp::*;
    let d = Data::new();
    let t = d.table();
    let cases: Vec<(Condition, [&str; 4])> = vec![
        (
            Condition::compare("margin", Ge, 1000.0),
            [
                "c:pass(margin=1234.5>=1000)",
                "c:fail(margin=800<1000)",
                "c:pass(margin=1000>=1000)",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::compare("margin", Gt, 1000.0),
            [
                "c:pass(margin=1234.5>1000)",
                "c:fail(margin=800<=1000)",
                "c:fail(margin=1000<=1000)",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::compare("margin", Lt, 1000.0),
            [
                "c:fail(margin=1234.5>=1000)",
                "c:pass(margin=800<1000)",
                "c:fail(margin=1000>=1000)",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::compare("margin", Le, 800.0),
            [
                "c:fail(margin=1234.5>800)",
                "c:pass(margin=800<=800)",
                "c:fail(margin=1000>800)",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::compare("margin", Eq, 800.0),
            [
                "c:fail(margin=1234.5!=800)",
                "c:pass(margin=800==800)",
                "c:fail(margin=1000!=800)",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::compare("margin", Ne, 800.0),
            [
                "c:pass(margin=1234.5!=800)",
                "c:fail(margin=800==800)",
                "c:pass(margin=1000!=800)",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::compare("partner", Eq, true),
            [
                "c:pass(partner=true==true)",
                "c:fail(partner=false!=true)",
                "c:missing(partner=NA)",
                "c:pass(partner=true==true)",
            ],
        ),
        (
            Condition::compare("partner", Ne, true),
            [
                "c:fail(partner=true==true)",
                "c:pass(partner=false!=true)",
                "c:missing(partner=NA)",
                "c:fail(partner=true==true)",
            ],
        ),
        (
            Condition::compare("segment", Eq, "gold"),
            [
                "c:pass(segment=gold==gold)",
                "c:fail(segment=silver!=gold)",
                "c:fail(segment=bronze!=gold)",
                "c:missing(segment=NA)",
            ],
        ),
        (
            Condition::compare("segment", Ne, "gold"),
            [
                "c:fail(segment=gold==gold)",
                "c:pass(segment=silver!=gold)",
                "c:pass(segment=bronze!=gold)",
                "c:missing(segment=NA)",
            ],
        ),
        (
            Condition::between("margin", 800.0, 1000.0, true),
            [
                "c:fail(margin=1234.5 not in [800,1000])",
                "c:pass(margin=800 in [800,1000])",
                "c:pass(margin=1000 in [800,1000])",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::between("margin", 800.0, 1000.0, false),
            [
                "c:fail(margin=1234.5 not in (800,1000))",
                "c:fail(margin=800 not in (800,1000))",
                "c:fail(margin=1000 not in (800,1000))",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::is_in("margin", [800.0, 1234.5]),
            [
                "c:pass(margin=1234.5 in {800,1234.5})",
                "c:pass(margin=800 in {800,1234.5})",
                "c:fail(margin=1000 not in {800,1234.5})",
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::is_in("segment", ["gold", "silver", "platinum"]),
            [
                "c:pass(segment=gold in {gold,silver,platinum})",
                "c:pass(segment=silver in {gold,silver,platinum})",
                "c:fail(segment=bronze not in {gold,silver,platinum})",
                "c:missing(segment=NA)",
            ],
        ),
        (
            Condition::is_in("partner", [false]),
            [
                "c:fail(partner=true not in {false})",
                "c:pass(partner=false in {false})",
                "c:missing(partner=NA)",
                "c:fail(partner=true not in {false})",
            ],
        ),
        (
            Condition::is_missing("margin"),
            [
                "c:fail(margin=1234.5 is not missing)",
                "c:fail(margin=800 is not missing)",
                "c:fail(margin=1000 is not missing)",
                "c:pass(margin=NA is missing)",
            ],
        ),
        (
            Condition::is_missing("partner"),
            [
                "c:fail(partner=true is not missing)",
                "c:fail(partner=false is not missing)",
                "c:pass(partner=NA is missing)",
                "c:fail(partner=true is not missing)",
            ],
        ),
        (
            Condition::is_missing("segment"),
            [
                "c:fail(segment=gold is not missing)",
                "c:fail(segment=silver is not missing)",
                "c:fail(segment=bronze is not missing)",
                "c:pass(segment=NA is missing)",
            ],
        ),
    ];
    for (cond, want) in cases {
        assert_eq!(codes_of(&single(cond.clone()), &t), want, "{cond:?}");
    }
}

#[test]
fn combinators_with_exact_reason_codes() {
    use CompareOp::*;
    let d = Data::new();
    let t = d.table();
    let m = || Condition::compare("margin", Ge, 1000.0);
    let p = || Condition::compare("partner", Eq, true);
    let cases: Vec<(Condition, [&str; 4])> = vec![
        (
            Condition::All(vec![m(), p()]),
            [
                "c:pass(margin=1234.5>=1000; partner=true==true)",
                "c:fail(margin=800<1000; partner=false!=true)",
                "c:missing(margin=1000>=1000; partner=NA)",
                "c:missing(margin=NA; partner=true==true)",
            ],
        ),
        (
            Condition::Any(vec![m(), p()]),
            [
                "c:pass(margin=1234.5>=1000; partner=true==true)",
                "c:fail(margin=800<1000; partner=false!=true)",
                "c:pass(margin=1000>=1000; partner=NA)",
                "c:pass(margin=NA; partner=true==true)",
            ],
        ),
        (
            Condition::not(m()),
            [
                "c:fail(margin=1234.5>=1000)",
                "c:pass(margin=800<1000)",
                "c:fail(margin=1000>=1000)",
                // `not` of unknown stays unknown: a missing value never passes by negation.
                "c:missing(margin=NA)",
            ],
        ),
        (
            Condition::All(vec![
                Condition::not(Condition::is_missing("segment")),
                Condition::Any(vec![Condition::compare("segment", Eq, "bronze"), m()]),
            ]),
            [
                "c:pass(segment=gold is not missing; segment=gold!=bronze; margin=1234.5>=1000)",
                "c:fail(segment=silver is not missing; segment=silver!=bronze; margin=800<1000)",
                "c:pass(segment=bronze is not missing; segment=bronze==bronze; margin=1000>=1000)",
                "c:fail(segment=NA is missing; segment=NA; margin=NA)",
            ],
        ),
    ];
    for (cond, want) in cases {
        assert_eq!(codes_of(&single(cond.clone()), &t), want, "{cond:?}");
    }
}

/// Two criteria, one hard rule, four bands; the three missing-value policies.
fn scored_rules(missing: MissingPolicy) -> RuleSet {
    use CompareOp::*;
    let mut r = RuleSet::new(vec![
        Band::new("target", Some(0.7), None),
        Band::new("develop", Some(0.4), Some(0.7)),
        Band::new("maintain", Some(0.0), Some(0.4)),
        Band::new("review", None, Some(0.0)),
    ]);
    r.criteria = vec![
        Criterion::new("profitability", 0.6, Condition::compare("margin", Ge, 1000.0)),
        Criterion::new("partnership", 0.4, Condition::compare("partner", Eq, true)),
        Criterion::new("silver_penalty", -0.5, Condition::compare("segment", Eq, "silver")),
    ];
    r.hard =
        vec![HardRule::new("bronze_veto", Condition::compare("segment", Eq, "bronze"), "decline")];
    r.missing = missing;
    r
}

#[test]
fn scores_bands_hard_rules_and_missing_policies() {
    let d = Data::new();
    let t = d.table();
    // Fail: row 3 has margin missing → no points, reported `missing`.
    let rules = scored_rules(MissingPolicy::Fail);
    assert_eq!(rules.score_range(), (-0.5, 1.0));
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(ev.decisions(), ["target", "review", "decline", "develop"]);
    let want_scores = [1.0, -0.5, 0.6, 0.4];
    for (s, w) in ev.scores().iter().zip(want_scores) {
        assert_abs_diff_eq!(*s, w, epsilon = 1e-15);
    }
    assert_eq!(ev.fired_rule(2), Some("bronze_veto"));
    assert_eq!(ev.fired_rule(0), None);
    // The index accessors name the same rules (the bindings send the indices).
    for i in 0..4 {
        assert_eq!(ev.fired_rule_index(i).map(|h| rules.hard[h].name.as_str()), ev.fired_rule(i));
    }
    assert_eq!(
        ev.reason_codes(3),
        [
            "profitability:missing(margin=NA)",
            "partnership:pass(partner=true==true)",
            "silver_penalty:missing(segment=NA)",
            "bronze_veto:missing(segment=NA)",
        ]
    );
    assert_eq!(
        ev.reason_codes(2),
        [
            "profitability:pass(margin=1000>=1000)",
            "partnership:missing(partner=NA)",
            "silver_penalty:fail(segment=bronze!=silver)",
            "bronze_veto:hit(segment=bronze==bronze)",
        ]
    );
    assert_eq!(ev.counts(), [1, 1, 0, 1, 1]);
    assert_eq!(
        ev.decision_names(),
        strings(&["target", "develop", "maintain", "review", "decline"])
    );
    assert_eq!(ev.outcome(1, 2), Outcome::Pass);
    let r = &ev.reasons(1)[2];
    assert_eq!((r.kind, r.outcome, r.points), (RuleKind::Criterion, Outcome::Pass, -0.5));
    assert_eq!(
        (r.checks[0].attribute.as_str(), r.checks[0].value.as_str(), r.checks[0].op.as_str()),
        ("segment", "silver", "==")
    );
    assert_eq!(r.checks[0].threshold, "silver");

    // Decide: any unknown sends the customer to review, unless a hard rule fires (row 2).
    let rules = scored_rules(MissingPolicy::Decide("check_data".into()));
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(ev.decisions(), ["target", "review", "decline", "check_data"]);

    // Error: the first row with an unknown rule, naming the attribute.
    let rules = scored_rules(MissingPolicy::Error);
    let err = rules.evaluate(&t).unwrap_err();
    assert_eq!((err.field(), err.index()), (Some("partner"), Some(2)));
}

/// Many rows: outcomes, scores and reasons are right across the internal row blocks.
#[test]
fn large_table_across_blocks() {
    let n = 10_007;
    let x: Vec<f64> =
        (0..n).map(|i| if i % 97 == 0 { f64::NAN } else { (i % 100) as f64 }).collect();
    let flag: Vec<u8> = (0..n).map(|i| (i % 3 == 0) as u8).collect();
    let t = Table::new()
        .with("x", Column::Numeric(&x))
        .and_then(|t| t.with("flag", Column::Boolean(&flag)))
        .unwrap();
    let mut r = RuleSet::new(vec![
        Band::new("both", Some(3.0), None),
        Band::new("one", Some(1.0), Some(3.0)),
        Band::new("none", None, Some(1.0)),
    ]);
    r.criteria = vec![
        Criterion::new("big", 1.0, Condition::compare("x", CompareOp::Ge, 50.0)),
        Criterion::new("flagged", 2.0, Condition::compare("flag", CompareOp::Eq, true)),
    ];
    r.hard = vec![HardRule::new("top", Condition::compare("x", CompareOp::Eq, 99.0), "vip")];
    let ev = r.evaluate(&t).unwrap();
    assert_eq!(ev.len(), n);
    for i in 0..n {
        let big = if x[i].is_nan() {
            Outcome::Missing
        } else if x[i] >= 50.0 {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
        let flagged = if flag[i] == 1 { Outcome::Pass } else { Outcome::Fail };
        assert_eq!((ev.outcome(i, 0), ev.outcome(i, 1)), (big, flagged), "row {i}");
        let score = f64::from(u8::from(big == Outcome::Pass)) + 2.0 * f64::from(flag[i]);
        assert_eq!(ev.score(i), score, "row {i}");
        let want = if x[i] == 99.0 {
            "vip"
        } else if score >= 3.0 {
            "both"
        } else if score >= 1.0 {
            "one"
        } else {
            "none"
        };
        assert_eq!(ev.decision(i), want, "row {i}");
    }
    assert_eq!(
        ev.reason_codes(4096),
        ["big:pass(x=96>=50)", "flagged:fail(flag=false!=true)", "top:miss(x=96!=99)"]
    );
    assert_eq!(
        ev.reason_codes(9991),
        ["big:missing(x=NA)", "flagged:fail(flag=false!=true)", "top:missing(x=NA)"]
    );
    assert_eq!(ev.fired_rule(4099), Some("top"));
    for i in (0..n).step_by(13) {
        let from_structs: Vec<String> = ev.reasons(i).iter().map(|r| r.code()).collect();
        assert_eq!(ev.reason_codes(i), from_structs, "row {i}");
    }
    // All rows at once (in parallel) agree with row by row.
    let all = ev.all_reason_codes();
    assert_eq!(all.len(), n);
    assert_eq!(all[9991], ev.reason_codes(9991));
    assert!(all.iter().enumerate().all(|(i, codes)| *codes == ev.reason_codes(i)));
}

#[test]
fn evaluation_errors_carry_paths() {
    use CompareOp::*;
    let d = Data::new();
    let t = d.table();
    let cases: Vec<(Condition, &str)> = vec![
        (Condition::compare("revenue", Ge, 1.0), "$.criteria[0].condition.attr"),
        (Condition::compare("segment", Eq, 1.0), "$.criteria[0].condition.value"),
        (Condition::compare("margin", Eq, "gold"), "$.criteria[0].condition.value"),
        (Condition::compare("partner", Eq, 1.0), "$.criteria[0].condition.value"),
        (Condition::compare("margin", Eq, true), "$.criteria[0].condition.value"),
        (Condition::between("segment", 0.0, 1.0, true), "$.criteria[0].condition"),
        (
            Condition::All(vec![
                Condition::is_missing("margin"),
                Condition::is_in("margin", ["a"]),
            ]),
            "$.criteria[0].condition.all[1].values[0]",
        ),
        (
            Condition::not(Condition::Any(vec![Condition::is_missing("nope")])),
            "$.criteria[0].condition.not.any[0].attr",
        ),
    ];
    for (cond, path) in cases {
        match single(cond.clone()).evaluate(&t) {
            Err(Error::InvalidValue { field, index: None, reason }) => {
                assert_eq!(field, path, "{cond:?}: {reason}")
            }
            other => panic!("{cond:?}: {other:?}"),
        }
    }
    // Problems of a rule set built in code are invalid values, at the same paths.
    let mut r = single(Condition::compare("segment", Lt, "gold"));
    let e = r.evaluate(&t).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { .. }), "{e:?}");
    assert_eq!(e.field(), Some("$.criteria[0].condition.op"));
    r.criteria[0].condition = Condition::All(vec![]);
    assert_eq!(r.evaluate(&t).unwrap_err().field(), Some("$.criteria[0].condition.all"));
    r.criteria[0].condition = Condition::is_missing("margin");
    r.criteria[0].weight = f64::NAN;
    assert_eq!(r.evaluate(&t).unwrap_err().field(), Some("$.criteria[0].weight"));
}

#[cfg(feature = "serde")]
const DOC: &str = r#"{
  "version": 1,
  "name": "demo",
  "criteria": [
    {"name": "profitability", "weight": 0.6, "condition": {"attr": "margin", "op": ">=", "value": 1000}},
    {"name": "partnership", "weight": 0.4, "condition": {"attr": "partner", "op": "==", "value": true}}
  ],
  "hard": [
    {"name": "bronze", "condition": {"attr": "segment", "op": "in", "values": ["bronze"]}, "decision": "decline"}
  ],
  "decisions": [
    {"decision": "target", "min": 0.7},
    {"decision": "develop", "min": 0.4, "max": 0.7},
    {"decision": "maintain", "max": 0.4}
  ],
  "missing": {"decide": "review"}
}"#;

#[cfg(feature = "serde")]
#[test]
fn json_document_evaluates_and_round_trips() {
    let d = Data::new();
    let t = d.table();
    let rules = RuleSet::from_json(DOC).unwrap();
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(ev.decisions(), ["target", "maintain", "decline", "review"]);
    assert_eq!(ev.reason_codes(2)[2], "bronze:hit(segment=bronze in {bronze})");
    let back = RuleSet::from_json(&rules.to_json()).unwrap();
    assert_eq!(back, rules);
}

#[cfg(feature = "serde")]
#[test]
fn json_document_errors_carry_paths() {
    let cases: &[(&str, &str, &str)] = &[
        // unknown operator
        (r#""op": ">=""#, r#""op": "≥""#, "$.criteria[0].condition.op"),
        // unknown key
        (r#""weight": 0.4,"#, r#""weight": 0.4, "wieght": 1,"#, "$.criteria[1].wieght"),
        // NaN cannot be written in JSON; a string weight is a type error
        (r#""weight": 0.6"#, r#""weight": "NaN""#, "$.criteria[0].weight"),
        // empty combinator
        (
            r#"{"attr": "margin", "op": ">=", "value": 1000}"#,
            r#"{"any": []}"#,
            "$.criteria[0].condition.any",
        ),
        // gap between bands
        (r#""min": 0.4, "max": 0.7"#, r#""min": 0.5, "max": 0.7"#, "$.decisions"),
        // overlap
        (r#""min": 0.4, "max": 0.7"#, r#""min": 0.3, "max": 0.7"#, "$.decisions[1]"),
        // missing required key
        (r#", "decision": "decline""#, "", "$.hard[0].decision"),
        // unknown missing policy
        (r#"{"decide": "review"}"#, r#""skip""#, "$.missing"),
        // duplicate names
        (r#""name": "partnership""#, r#""name": "profitability""#, "$.criteria[1].name"),
        // unsupported version
        (r#""version": 1"#, r#""version": 2"#, "$.version"),
        // malformed JSON
        (r#""missing": {"decide": "review"}"#, r#""missing": {"decide": "review""#, "$"),
    ];
    for (from, to, path) in cases {
        assert!(DOC.contains(from), "{from}");
        let text = DOC.replacen(from, to, 1);
        match RuleSet::from_json(&text) {
            Err(Error::Json { path: p, reason, .. }) => assert_eq!(p, *path, "{to}: {reason}"),
            other => panic!("{to}: {other:?}"),
        }
    }
}

/// Columns for the good-customer and risk presets.
struct Customers {
    num: Vec<(&'static str, Vec<f64>)>,
    partner: Vec<u8>,
    flags: Vec<(&'static str, Vec<u8>)>,
}

impl Customers {
    fn table(&self) -> Table<'_> {
        let mut t = Table::new();
        for (name, col) in &self.num {
            t.push(name, Column::Numeric(col)).unwrap();
        }
        t.push("willing_to_partner", Column::Boolean(&self.partner)).unwrap();
        for (name, col) in &self.flags {
            t.push(name, Column::Boolean(col)).unwrap();
        }
        t
    }
}

fn customers() -> Customers {
    // Row 0: meets everything. Row 1: same but with bad debt. Row 2: meets 5 of 9.
    // Row 3: weak on everything, missing p_alive.
    Customers {
        num: vec![
            ("annual_spend", vec![25_000.0, 25_000.0, 12_000.0, 900.0]),
            ("purchase_frequency", vec![24.0, 24.0, 6.0, 2.0]),
            ("high_margin_share", vec![0.45, 0.45, 0.35, 0.05]),
            ("profit_margin", vec![0.22, 0.22, 0.18, 0.02]),
            ("discount_share", vec![0.04, 0.04, 0.25, 0.30]),
            ("days_late", vec![5.0, 5.0, 10.0, 75.0]),
            ("bad_debt", vec![0.0, 1500.0, 0.0, 0.0]),
            ("service_cost_ratio", vec![0.05, 0.05, 0.08, 0.20]),
            ("tenure_years", vec![6.0, 6.0, 1.0, 0.5]),
            ("repeat_rate", vec![0.8, 0.8, 0.6, 0.1]),
            ("p_alive", vec![0.95, 0.95, 0.9, f64::NAN]),
            ("clv_growth", vec![1.5, 1.5, 1.1, 0.9]),
            ("credit_score", vec![720.0, 720.0, 650.0, 500.0]),
            ("revenue_share", vec![0.4, 0.3, 0.25, 0.05]),
        ],
        partner: vec![1, 1, 1, 0],
        flags: vec![
            // Row 2 does not say whether it teaches the firm; row 0 whether it fits the strategy.
            ("teaches_firm", vec![1, 1, BOOL_MISSING, 0]),
            ("strategic_fit", vec![BOOL_MISSING, 1, 1, 0]),
            ("cross_territory_selling", vec![0, 0, 1, 0]),
            ("unauthorised_price_change", vec![0, 0, 0, 1]),
            ("going_it_alone", vec![0, 1, 0, 0]),
        ],
    }
}

#[test]
fn good_customer_preset() {
    let c = customers();
    let t = c.table();
    let rules = good_customer(&GoodCustomerThresholds::default()).unwrap();
    let ev = rules.evaluate(&t).unwrap();
    // Row 0: 11 criteria pass and `strategic_fit` is missing: 11 or 12 is `target` either way.
    // Row 2: 6 pass and `teaches_firm` is missing: 6 (`maintain`) or 7 (`develop`), so `review`.
    assert_eq!(ev.decisions(), ["target", "decline", "review", "review"]);
    assert_eq!(ev.scores(), [11.0, 12.0, 6.0, 0.0]);
    assert_eq!(
        ev.reason_codes(2),
        [
            "purchase_capacity:fail(annual_spend=12000<25000 (p75); purchase_frequency=6<24 (p75))",
            "high_margin_focus:pass(high_margin_share=0.35>=0.3)",
            "profitability:pass(profit_margin=0.18>=0.15)",
            "price_insensitivity:fail(discount_share=0.25>0.1)",
            "timely_payment:pass(days_late=10<=30)",
            "credit_standing:fail(credit_score=650<685 (p50))",
            "low_service_cost:pass(service_cost_ratio=0.08<=0.1)",
            "loyalty:fail(tenure_years=1<2; repeat_rate=0.6>=0.5; p_alive=0.9>=0.7)",
            "growth_potential:fail(clv_growth=1.1<1.2)",
            "partnership:pass(willing_to_partner=true==true)",
            "teaches_firm:missing(teaches_firm=NA)",
            "strategic_fit:pass(strategic_fit=true==true)",
            "bad_debt:miss(bad_debt=0<=0)",
        ]
    );
    assert_eq!(ev.reason_codes(1)[12], "bad_debt:hit(bad_debt=1500>0)");
    assert_eq!(
        ev.reason_codes(3)[7],
        "loyalty:fail(tenure_years=0.5<2; repeat_rate=0.1<0.5; p_alive=NA)"
    );
    // Kleene: `all` with a false part is false even when another part is missing, so row 3
    // has nothing unknown and is decided.
    assert_eq!(ev.outcome(3, 7), Outcome::Fail);
    assert_eq!(codes_of(&rules, &t).len(), 4); // string and struct renderings agree

    // Absolute thresholds instead of quantiles, and a renamed column.
    let mut rules = good_customer(
        &GoodCustomerThresholds::default()
            .with_min_annual_spend(Some(10_000.0))
            .with_min_purchase_frequency(Some(6.0))
            .with_min_clv_growth(1.1),
    )
    .unwrap();
    assert_eq!(rules.rename_attribute("clv_growth", "growth"), 1);
    let mut c = customers();
    c.num[11].0 = "growth";
    c.flags[0].1[2] = 1; // row 2 teaches the firm
    let t = c.table();
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(ev.score(2), 9.0);
    assert_eq!(ev.decision(2), "target");
    assert_eq!(
        ev.reason_codes(2)[0],
        "purchase_capacity:pass(annual_spend=12000>=10000; purchase_frequency=6>=6)"
    );

    // Criteria left out for data not held: bands are shares of the criteria kept.
    let kept = ["purchase_capacity", "loyalty", "growth_potential"];
    let omit: Vec<String> = cvm_core::selection::presets::GOOD_CUSTOMER_CRITERIA
        .iter()
        .filter(|c| !kept.contains(c))
        .map(|c| c.to_string())
        .collect();
    let rules = good_customer(&GoodCustomerThresholds::default().with_omit(omit)).unwrap();
    let bands: Vec<(&str, Option<f64>)> =
        rules.decisions.iter().map(|b| (b.decision.as_str(), b.min)).collect();
    assert_eq!(
        bands,
        [("target", Some(3.0)), ("develop", Some(2.0)), ("maintain", Some(1.0)), ("review", None)]
    );
    let err =
        good_customer(&GoodCustomerThresholds::default().with_omit(vec!["x".into()])).unwrap_err();
    assert_eq!(err.field(), Some("omit"));
}

#[test]
fn big_customer_risk_preset() {
    let c = customers();
    let t = c.table();
    // Big = top 20 % of revenue share (p80 of 0.05, 0.25, 0.3, 0.4 is 0.34): only row 0.
    let rules = big_customer_risk(&BigCustomerRiskThresholds::default()).unwrap();
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(ev.decisions(), ["low_risk", "not_big", "not_big", "not_big"]);
    assert_eq!(ev.reason_codes(1)[6], "not_big:hit(revenue_share=0.3<0.34 (p80))");
    // An absolute share: rows 0–2 are big.
    let o = BigCustomerRiskThresholds::default().with_min_revenue_share(Some(0.1));
    let rules = big_customer_risk(&o).unwrap();
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(ev.decisions(), ["low_risk", "high_risk", "high_risk", "not_big"]);
    assert_eq!(
        ev.reason_codes(2),
        [
            "heavy_discount:pass(discount_share=0.25>0.2)",
            "high_service_cost:fail(service_cost_ratio=0.08<=0.15)",
            "payment_risk:fail(days_late=10<=60; bad_debt=0<=0)",
            "churn_risk:fail(p_alive=0.9>=0.5)",
            "management_risk:pass(cross_territory_selling=true==true; unauthorised_price_change=false!=true)",
            "go_it_alone_risk:fail(going_it_alone=false!=true)",
            "not_big:miss(revenue_share=0.25>=0.1)",
        ]
    );
    assert_eq!(ev.reason_codes(1)[2], "payment_risk:pass(days_late=5<=60; bad_debt=1500>0)");
    assert_eq!(ev.reason_codes(1)[5], "go_it_alone_risk:pass(going_it_alone=true==true)");
}

#[test]
fn elastic_customer_preset() {
    // Row 0: the elastic customer — loses 200 this period, worth 5000 over its lifetime,
    // implicit value 1.5× the loss, growing industry, frequent small purchases, innovative.
    // Row 1: positive short-term value. Row 2: over service capacity. Row 3: one qualifier.
    // Row 4: finances unknown → review by the missing-value policy.
    // Row 5: `industry_growing` missing, but two other qualifiers met: elastic whatever it says.
    let current = [-200.0, 300.0, -200.0, -50.0, -200.0, -200.0];
    let lifetime = [5000.0, 8000.0, 5000.0, 900.0, 5000.0, 5000.0];
    let implicit = [1.5, 2.0, 1.5, 1.2, 1.5, 1.5];
    let freq = [30.0, 30.0, 30.0, 4.0, 30.0, 30.0];
    let avg = [40.0, 40.0, 40.0, 400.0, 40.0, 40.0];
    let disc = [0.15, 0.15, 0.15, 0.05, 0.15, 0.05];
    let growing = [1u8, 1, 1, 0, 1, BOOL_MISSING];
    let innovative = [1u8, 1, 1, 0, 1, 0];
    let influence = [0u8, 0, 0, 0, 0, 0];
    let capacity = [1u8, 1, 0, 1, 1, 1];
    let sound = [1u8, 1, 1, 1, BOOL_MISSING, 1];
    let enterprising = [0u8, 0, 0, 0, 0, 0];
    let t = Table::new()
        .with("current_value", Column::Numeric(&current))
        .and_then(|t| t.with("lifetime_value", Column::Numeric(&lifetime)))
        .and_then(|t| t.with("implicit_value_ratio", Column::Numeric(&implicit)))
        .and_then(|t| t.with("purchase_frequency", Column::Numeric(&freq)))
        .and_then(|t| t.with("avg_transaction_value", Column::Numeric(&avg)))
        .and_then(|t| t.with("discount_share", Column::Numeric(&disc)))
        .and_then(|t| t.with("industry_growing", Column::Boolean(&growing)))
        .and_then(|t| t.with("innovative", Column::Boolean(&innovative)))
        .and_then(|t| t.with("market_influence", Column::Boolean(&influence)))
        .and_then(|t| t.with("within_service_capacity", Column::Boolean(&capacity)))
        .and_then(|t| t.with("financially_sound", Column::Boolean(&sound)))
        .and_then(|t| t.with("enterprising", Column::Boolean(&enterprising)))
        .unwrap();
    let rules = elastic_customer(&ElasticOptions::default()).unwrap();
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(
        ev.decisions(),
        ["elastic", "not_elastic", "decline", "review", "review", "elastic"]
    );
    assert_eq!(ev.scores(), [3.0, 3.0, 3.0, 1.0, 3.0, 2.0]);
    // The source's service strategies: innovative (technology-leading) row 0 is maintained
    // with effort, row 5 becomes a partner; only elastic customers get one.
    use cvm_core::selection::presets::{ELASTIC_MAINTAIN, ELASTIC_PARTNER};
    assert_eq!(
        ev.strategies(),
        [Some(ELASTIC_MAINTAIN), None, None, None, None, Some(ELASTIC_PARTNER)]
    );
    for i in 0..6 {
        let by_index = ev.strategy_index(i).map(|k| rules.strategies[k].strategy.as_str());
        assert_eq!(by_index, ev.strategy(i));
    }
    assert_eq!(ev.reason_codes(5)[0], "growing_industry:missing(industry_growing=NA)");
    assert_eq!(
        ev.reason_codes(0),
        [
            "growing_industry:pass(industry_growing=true==true)",
            "frequent_small_transactions:pass(purchase_frequency=30>=12; avg_transaction_value=40<=100)",
            "price_insensitive:fail(discount_share=0.15>0.1)",
            "innovation:pass(innovative=true==true)",
            "market_influence:fail(market_influence=false!=true)",
            "enterprising:fail(enterprising=false!=true)",
            "short_term_value:miss(current_value=-200<0)",
            "lifetime_value:miss(lifetime_value=5000>0)",
            "implicit_value:miss(implicit_value_ratio=1.5>=1)",
            "service_capacity:miss(within_service_capacity=true!=false)",
            "finances:miss(financially_sound=true!=false)",
        ]
    );
    assert_eq!(ev.fired_rule(1), Some("short_term_value"));
    assert_eq!(ev.reason_codes(1)[6], "short_term_value:hit(current_value=300>=0)");
    assert_eq!(ev.reason_codes(2)[9], "service_capacity:hit(within_service_capacity=false==false)");
    assert_eq!(ev.reason_codes(4)[10], "finances:missing(financially_sound=NA)");
    assert_eq!(codes_of(&rules, &t).len(), 6); // string and struct renderings agree
}

#[test]
fn dormant_account_preset_method_example() {
    // The method's example: zero holdings, cash ≤ 100, no trade for ≥ 3 years. Boundaries
    // included; each of the last rows breaks exactly one condition (or has a missing value).
    // Row 6: holdings missing, the rest dormant: `unknown`, never a confident `active`.
    // Row 7: holdings missing but cash above the limit: `active` whatever the holdings.
    let holdings = [0.0, 0.0, 0.0, 0.01, 0.0, 0.0, f64::NAN, f64::NAN];
    let cash = [100.0, 55.5, 100.01, 20.0, 20.0, 0.0, 10.0, 500.0];
    let years = [3.0, 7.0, 5.0, 4.0, 2.99, 3.0, 9.0, 9.0];
    let t = Table::new()
        .with("holdings_balance", Column::Numeric(&holdings))
        .and_then(|t| t.with("cash_balance", Column::Numeric(&cash)))
        .and_then(|t| t.with("years_since_last_trade", Column::Numeric(&years)))
        .unwrap();
    let rules = dormant_account(&DormantOptions::default()).unwrap();
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(
        ev.decisions(),
        ["dormant", "dormant", "active", "active", "active", "dormant", "unknown", "active"]
    );
    let want = [
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=100<=100) | inactive:pass(years_since_last_trade=3>=3)",
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=55.5<=100) | inactive:pass(years_since_last_trade=7>=3)",
        "holdings:pass(holdings_balance=0<=0) | cash:fail(cash_balance=100.01>100) | inactive:pass(years_since_last_trade=5>=3)",
        "holdings:fail(holdings_balance=0.01>0) | cash:pass(cash_balance=20<=100) | inactive:pass(years_since_last_trade=4>=3)",
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=20<=100) | inactive:fail(years_since_last_trade=2.99<3)",
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=0<=100) | inactive:pass(years_since_last_trade=3>=3)",
        "holdings:missing(holdings_balance=NA) | cash:pass(cash_balance=10<=100) | inactive:pass(years_since_last_trade=9>=3)",
        "holdings:missing(holdings_balance=NA) | cash:fail(cash_balance=500>100) | inactive:pass(years_since_last_trade=9>=3)",
    ];
    assert_eq!(codes_of(&rules, &t), want);

    // Overridden thresholds and column names.
    let o = DormantOptions::default()
        .with_max_cash(60.0)
        .with_min_years_inactive(5.0)
        .with_cash_column("cash".into());
    let rules = dormant_account(&o).unwrap();
    let t = Table::new()
        .with("holdings_balance", Column::Numeric(&holdings))
        .and_then(|t| t.with("cash", Column::Numeric(&cash)))
        .and_then(|t| t.with("years_since_last_trade", Column::Numeric(&years)))
        .unwrap();
    let ev = rules.evaluate(&t).unwrap();
    assert_eq!(
        ev.decisions(),
        ["active", "dormant", "active", "active", "active", "active", "unknown", "active"]
    );
    assert_eq!(ev.reason_codes(0)[1], "cash:fail(cash=100>60)");
    // The default table lacks the renamed column: error with the JSON path.
    let other = Table::new().with("cash_balance", Column::Numeric(&cash)).unwrap();
    let err = rules.evaluate(&other).unwrap_err();
    assert_eq!(err.field(), Some("$.criteria[0].condition.attr"));
}

#[cfg(feature = "serde")]
#[test]
fn presets_round_trip_through_json() {
    let presets = [
        good_customer(&GoodCustomerThresholds::default()).unwrap(),
        big_customer_risk(&BigCustomerRiskThresholds::default()).unwrap(),
        elastic_customer(&ElasticOptions::default()).unwrap(),
        dormant_account(&DormantOptions::default()).unwrap(),
        positioning_fit(&PositioningOptions::default()).unwrap(),
        matching_partner(&MatchingOptions::default()).unwrap(),
    ];
    for p in presets {
        let text = p.to_json();
        assert_eq!(RuleSet::from_json(&text).unwrap(), p, "{text}");
    }
}

#[test]
fn relationship_trend_types() {
    let profit = [
        1000.0, 1010.0, 990.0, 1000.0, // high and stable
        1600.0, 1400.0, 1200.0, 1000.0, // high but declining
        100.0, 200.0, 300.0, 400.0, // low but rising
        200.0, 210.0, 190.0, 200.0, // low and stable
        1000.0, 1200.0, 1400.0, 1600.0, // high and rising
        500.0, 400.0, 300.0, 200.0, // low and declining
    ];
    let opts = TrendOptions::default()
        .with_high_level(Some(900.0))
        .with_slope_tolerance(50.0)
        .with_slope_scale(SlopeScale::Absolute);
    let r = relationship_trend(&profit, 4, &opts).unwrap();
    assert_eq!(
        r.trend,
        [
            Trend::HighStable,
            Trend::HighDeclining,
            Trend::LowRising,
            Trend::LowStable,
            Trend::HighRising,
            Trend::LowDeclining
        ]
    );
    // Slopes by least squares: Σ(t − 1.5)(y − ȳ) / 5.
    let want_slope = [-2.0, -200.0, 100.0, -2.0, 200.0, -100.0];
    let want_level = [1000.0, 1300.0, 250.0, 200.0, 1300.0, 350.0];
    for i in 0..6 {
        assert_abs_diff_eq!(r.slope[i], want_slope[i], epsilon = 1e-12);
        assert_abs_diff_eq!(r.level[i], want_level[i], epsilon = 1e-12);
    }
    assert_eq!(r.reason(0), "high_stable(level=1000>=900; slope=-2 in [-50,50])");
    assert_eq!(r.reason(2), "low_rising(level=250<900; slope=100>50)");
    assert_eq!(r.reason(5), "low_declining(level=350<900; slope=-100<-50)");
    // Relative scale (5 % of the level) and the median level (0.5·(350 + 1000) = 675).
    let r = relationship_trend(&profit, 4, &TrendOptions::default()).unwrap();
    assert_eq!(r.high_level, 675.0);
    assert_abs_diff_eq!(r.threshold[2], 12.5, epsilon = 1e-12);
    assert_eq!(r.trend[3], Trend::LowStable); // |−2| ≤ 10
}

#[test]
fn lookalike_ranks_by_standardized_distance() {
    // Loyal profile: spend mean 100 (sd 10), visits mean 10 (sd 2).
    let spend_l = [90.0, 100.0, 110.0];
    let visits_l = [8.0, 10.0, 12.0];
    let loyal = Table::new()
        .with("spend", Column::Numeric(&spend_l))
        .and_then(|t| t.with("visits", Column::Numeric(&visits_l)))
        .unwrap();
    // z-scores: c0 (1, 1) → d = 1; c1 (0, 0) → 0; c2 (−1, −1) → 1 (tie with c0);
    // c3 (3, 0) → √4.5; c4 (0, −2) → √2.
    let spend_c = [110.0, 100.0, 90.0, 130.0, 100.0];
    let visits_c = [12.0, 10.0, 8.0, 10.0, 6.0];
    let cand = Table::new()
        .with("spend", Column::Numeric(&spend_c))
        .and_then(|t| t.with("visits", Column::Numeric(&visits_c)))
        .unwrap();
    let r =
        lookalike(&cand, &loyal, &["spend", "visits"], 4, &LookalikeOptions::default()).unwrap();
    assert_eq!(r.center, [100.0, 10.0]);
    assert_abs_diff_eq!(r.scale[0], 10.0, epsilon = 1e-12);
    assert_abs_diff_eq!(r.scale[1], 2.0, epsilon = 1e-12);
    let want = [1.0, 0.0, 1.0, 4.5f64.sqrt(), 2.0f64.sqrt()];
    for (d, w) in r.distance.iter().zip(want) {
        assert_abs_diff_eq!(*d, w, epsilon = 1e-12);
    }
    assert_abs_diff_eq!(r.similarity[0], 0.5, epsilon = 1e-15);
    assert_eq!(r.top, [1, 0, 2, 4]); // tie between 0 and 2 broken by index
    let all = lookalike(&cand, &loyal, &["spend"], 99, &LookalikeOptions::default()).unwrap();
    assert_eq!(all.top, [1, 4, 0, 2, 3]);
    let pooled = LookalikeOptions::default().with_standardization(Standardization::Pooled);
    let p = lookalike(&cand, &loyal, &["visits"], 1, &pooled).unwrap();
    // Pooled visits: 8,10,12,12,10,8,10,6 → mean 9.5, ss = 30 → sd √(30/7).
    assert_abs_diff_eq!(p.scale[0], (30.0f64 / 7.0).sqrt(), epsilon = 1e-12);
}

/// JSON round trip (proptest): arbitrary valid rule sets, including any finite number.
#[cfg(feature = "serde")]
mod json_round_trip {
    use super::*;
    use cvm_core::selection::Value;

    fn name_strategy() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9_.-]{0,8}"
    }

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-1_000_000i64..1_000_000).prop_map(|i| i as f64 / 100.0),
            any::<f64>().prop_filter("finite", |x| x.is_finite()),
        ]
    }

    fn value_strategy() -> impl Strategy<Value = Value> {
        prop_oneof![
            number().prop_map(Value::Number),
            any::<bool>().prop_map(Value::Bool),
            "[ -~]{0,6}".prop_map(Value::Text),
        ]
    }

    fn leaf() -> impl Strategy<Value = Condition> {
        let attr = "[a-z ]{1,6}";
        prop_oneof![
            (attr, value_strategy(), 0usize..6).prop_map(|(attr, value, k)| {
                let op = match value {
                    Value::Number(_) => [
                        CompareOp::Lt,
                        CompareOp::Le,
                        CompareOp::Gt,
                        CompareOp::Ge,
                        CompareOp::Eq,
                        CompareOp::Ne,
                    ][k],
                    _ => [CompareOp::Eq, CompareOp::Ne][k % 2],
                };
                Condition::Compare { attr, op, value }
            }),
            (attr, number(), number(), any::<bool>()).prop_map(|(attr, a, b, inclusive)| {
                Condition::Between { attr, lo: a.min(b), hi: a.max(b), inclusive }
            }),
            (attr, prop::collection::vec(number(), 1..4)).prop_map(|(attr, xs)| Condition::In {
                attr,
                values: xs.into_iter().map(Value::Number).collect()
            }),
            (attr, prop::collection::vec("[a-z]{0,4}", 1..4)).prop_map(|(attr, xs)| {
                Condition::In { attr, values: xs.into_iter().map(Value::Text).collect() }
            }),
            attr.prop_map(|attr| Condition::IsMissing { attr }),
        ]
    }

    fn condition() -> impl Strategy<Value = Condition> {
        leaf().prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::All),
                prop::collection::vec(inner.clone(), 1..4).prop_map(Condition::Any),
                inner.prop_map(|c| Condition::Not(Box::new(c))),
            ]
        })
    }

    fn rule_set() -> impl Strategy<Value = RuleSet> {
        (
            prop::collection::vec((number(), condition(), prop::option::of("[ -~]{0,10}")), 0..4),
            prop::collection::vec((condition(), name_strategy()), 0..3),
            prop::collection::vec(number(), 0..4),
            0usize..3,
            prop::option::of("[ -~]{0,10}"),
        )
            .prop_map(|(crit, hard, mut cuts, missing, name)| {
                let criteria: Vec<Criterion> = crit
                    .into_iter()
                    .enumerate()
                    .map(|(i, (w, condition, description))| Criterion {
                        name: format!("c{i}"),
                        weight: w,
                        condition,
                        description,
                    })
                    .collect();
                let hard = hard
                    .into_iter()
                    .enumerate()
                    .map(|(i, (condition, decision))| HardRule {
                        name: format!("h{i}"),
                        condition,
                        decision,
                        description: None,
                    })
                    .collect();
                // Bands from sorted distinct cut points: (−∞, c0), [c0, c1), …, [ck, ∞).
                cuts.sort_by(f64::total_cmp);
                cuts.dedup();
                let mut bounds: Vec<Option<f64>> = vec![None];
                bounds.extend(cuts.iter().map(|&c| Some(c)));
                bounds.push(None);
                let decisions = bounds
                    .windows(2)
                    .enumerate()
                    .map(|(i, w)| Band { decision: format!("d{i}"), min: w[0], max: w[1] })
                    .collect();
                RuleSet {
                    version: 1,
                    name,
                    description: None,
                    criteria,
                    hard,
                    decisions,
                    missing: [
                        MissingPolicy::Fail,
                        MissingPolicy::Error,
                        MissingPolicy::Decide("review".into()),
                    ][missing]
                        .clone(),
                    strategies: Vec::new(),
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn json_round_trip_is_lossless(rules in rule_set()) {
            prop_assert!(rules.validate().is_ok(), "{:?}", rules.validate());
            let text = rules.to_json();
            let back = RuleSet::from_json(&text).unwrap();
            prop_assert_eq!(&back, &rules);
            prop_assert_eq!(back.to_json(), text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Evaluation never panics and follows the documented decision order.
    #[test]
    fn decisions_follow_the_documented_order(
        xs in prop::collection::vec(prop_oneof![Just(f64::NAN), -5.0..5.0f64], 1..60),
        w in prop::collection::vec(-2.0..2.0f64, 3),
        cut in -1.0..1.0f64,
    ) {
        use CompareOp::*;
        let mut r = RuleSet::new(vec![Band::new("hi", Some(cut), None), Band::new("lo", None, Some(cut))]);
        r.criteria = vec![
            Criterion::new("a", w[0], Condition::compare("x", Gt, 0.0)),
            Criterion::new("b", w[1], Condition::not(Condition::between("x", -1.0, 1.0, true))),
            Criterion::new("c", w[2], Condition::Any(vec![Condition::is_missing("x"), Condition::compare("x", Lt, -4.0)])),
        ];
        r.hard = vec![HardRule::new("h", Condition::compare("x", Ge, 4.5), "veto")];
        r.missing = MissingPolicy::Decide("check".into());
        let t = Table::new().with("x", Column::Numeric(&xs)).unwrap();
        let ev = r.evaluate(&t).unwrap();
        for (i, &x) in xs.iter().enumerate() {
            let want = if x >= 4.5 {
                "veto"
            } else if x.is_nan() {
                "check"
            } else {
                let s = [x > 0.0, !(-1.0..=1.0).contains(&x), x < -4.0]
                    .iter()
                    .zip(&w)
                    .fold(0.0, |s, (&p, &w)| if p { s + w } else { s });
                prop_assert_eq!(s, ev.score(i));
                if s >= cut { "hi" } else { "lo" }
            };
            prop_assert_eq!(ev.decision(i), want, "x = {}", x);
        }
    }
}

/// Size limits and linear cost: a document at the criteria limit reads, validates and evaluates
/// in the normal test run (the quadratic name check took half a minute for 100k criteria); a
/// repeated name at the very end is still found; the deepest rule set `to_json` can write reads
/// back. No timing is asserted: a quadratic step would make this test take minutes.
mod limits {
    use super::*;
    use cvm_core::selection::{Value, MAX_CRITERIA, MAX_DEPTH};

    fn many_criteria(n: usize, last_name: &str) -> String {
        let mut text = String::from(r#"{"version": 1, "criteria": ["#);
        for i in 0..n {
            let name = if i + 1 == n { last_name.to_string() } else { format!("c{i}") };
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!(
                r#"{{"name": "{name}", "weight": 0, "condition": {{"attr": "a{}", "op": ">", "value": {i}}}}}"#,
                i % 1000
            ));
        }
        text.push_str(r#"], "decisions": [{"decision": "all"}]}"#);
        text
    }

    #[test]
    fn the_criteria_limit_reads_validates_and_evaluates() {
        let n = MAX_CRITERIA;
        let rules = RuleSet::from_json(&many_criteria(n, "last")).unwrap();
        assert_eq!(rules.criteria.len(), n);
        assert_eq!(rules.attributes().len(), 1000);
        let err = RuleSet::from_json(&many_criteria(n, "c7")).unwrap_err();
        assert_eq!(err.field(), Some(&*format!("$.criteria[{}].name", n - 1)));
        assert!(err.to_string().contains("also at $.criteria[7].name"), "{err}");
        let cols: Vec<Vec<f64>> = (0..1000).map(|j| vec![j as f64, f64::NAN]).collect();
        let mut table = Table::new();
        for (j, c) in cols.iter().enumerate() {
            table.push(&format!("a{j}"), Column::Numeric(c)).unwrap();
        }
        let ev = rules.evaluate(&table).unwrap();
        assert_eq!(ev.decisions(), ["all", "all"]);
        assert_eq!(
            ev.reason_codes(0)[5],
            "c5:pass(a5=5>5)".replace("pass", "fail").replace(">5", "<=5")
        );
        assert_eq!(ev.reason_codes(1)[0], "c0:missing(a0=NA)");
    }

    #[test]
    fn wide_nested_conditions_read() {
        // 200k leaves under `any`s of 1000: one criterion, a big tree.
        let leaf = r#"{"attr": "x", "op": "in", "values": [1, 2, 3]}"#;
        let inner = format!(r#"{{"any": [{}]}}"#, vec![leaf; 1000].join(","));
        let cond = format!(r#"{{"all": [{}]}}"#, vec![inner.as_str(); 200].join(","));
        let text = format!(
            r#"{{"version": 1, "criteria": [{{"name": "c", "condition": {cond}}}],
                "decisions": [{{"decision": "yes", "min": 1}}, {{"decision": "no", "max": 1}}]}}"#
        );
        let rules = RuleSet::from_json(&text).unwrap();
        let x = [2.0, 5.0, f64::NAN];
        let table = Table::new().with("x", Column::Numeric(&x)).unwrap();
        assert_eq!(rules.evaluate(&table).unwrap().decisions(), ["yes", "no", "no"]);
    }

    #[test]
    fn the_deepest_rule_set_round_trips() {
        let mut c = Condition::In { attr: "x".into(), values: vec![Value::Number(1.0)] };
        for _ in 0..MAX_DEPTH {
            c = Condition::All(vec![c]);
        }
        let rules = single(c.clone());
        let back = RuleSet::from_json(&rules.to_json()).unwrap();
        assert_eq!(back, rules);
        let too_deep = single(Condition::Any(vec![c]));
        let err = RuleSet::from_json(&too_deep.to_json()).unwrap_err();
        assert!(err.to_string().contains("nest deeper than 64"), "{err}");
    }

    #[test]
    fn in_lists_and_bands_by_bisection_agree_with_scans() {
        // -0 and 0 are equal, as with `==`; large lists; many bands.
        let values: Vec<f64> = (0..5000).map(|k| (k * 7 % 5000) as f64 - 2500.0).collect();
        let mut rules = RuleSet::new(
            (0..200)
                .map(|k| {
                    let lo = (k > 0).then_some(k as f64);
                    let hi = (k < 199).then_some(k as f64 + 1.0);
                    Band { decision: format!("d{k}"), min: lo, max: hi }
                })
                .collect(),
        );
        for k in 0..150 {
            rules.criteria.push(Criterion::new(
                &format!("c{k}"),
                1.0,
                Condition::is_in("x", values.iter().map(|&v| v + k as f64)),
            ));
        }
        let x: Vec<f64> = (-2700..2700).map(f64::from).chain([-0.0, f64::INFINITY]).collect();
        let table = Table::new().with("x", Column::Numeric(&x)).unwrap();
        let ev = rules.evaluate(&table).unwrap();
        let set: std::collections::HashSet<i64> = values.iter().map(|&v| v as i64).collect();
        for (i, &xi) in x.iter().enumerate() {
            let want = if xi.is_finite() {
                (0..150).filter(|&k| set.contains(&(xi as i64 - k))).count()
            } else {
                0
            };
            assert_eq!(ev.score(i), want as f64, "x = {xi}");
            let band = rules.decisions.iter().find(|b| b.contains(want as f64)).unwrap();
            assert_eq!(ev.decision(i), band.decision, "x = {xi}");
        }
    }
}

#[test]
fn a_table_without_columns_says_so() {
    let t = Table::new();
    let mut r = RuleSet::new(vec![Band::new("all", None, None)]);
    r.criteria = vec![Criterion::new("big", 1.0, Condition::compare("x", CompareOp::Ge, 50.0))];
    let e = r.evaluate(&t).expect_err("an unknown attribute is an error");
    assert_eq!(e.field(), Some("$.criteria[0].condition.attr"));
    assert!(e.to_string().ends_with("unknown attribute \"x\"; the data has no columns"), "{e}");
}
