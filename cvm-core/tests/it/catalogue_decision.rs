//! The bad-input catalogue of the decision module: one row per class, each with the call, the
//! expected error variant, `field`, `index` and a substring of the message. The C
//! (`tests/c/catalogue_decision.inc`) and Python (`cvm-py/tests/catalogue_decision.py`) tables
//! hold the same rows.

use cvm_core::decision::*;
use cvm_core::loyalty::Stage;
use cvm_core::Error;

type Call = fn() -> Result<(), Error>;

fn builder() -> ReportBuilder {
    ReportBuilder::new(vec!["a".into(), "b".into()]).unwrap()
}

fn campaign(
    clv: &[f64], uplift: &[f64], cost: ContactCost<'_>, budget: f64, m: CampaignMethod,
) -> Result<(), Error> {
    select_campaign(&CampaignInput { clv, uplift, cost, budget }, m).map(|_| ())
}

#[allow(clippy::type_complexity)]
fn cases(
) -> Vec<(&'static str, Call, fn(&Error) -> bool, &'static str, Option<usize>, &'static str)> {
    let len = |e: &Error| matches!(e, Error::LengthMismatch { .. });
    let invalid = |e: &Error| matches!(e, Error::InvalidValue { .. });
    let unknown = |e: &Error| matches!(e, Error::UnknownName { .. });
    let json = |e: &Error| matches!(e, Error::Json { .. });
    let empty = |e: &Error| matches!(e, Error::Empty { .. });
    vec![
        (
            "report: clv shorter than the ids",
            || builder().clv(&[1.0]).map(|_| ()),
            len,
            "clv",
            None,
            "length 1, expected 2",
        ),
        (
            "report: potential NaN",
            || builder().values(&[1.0, 2.0], &[1.0, f64::NAN], &[0.0, 0.0]).map(|_| ()),
            invalid,
            "potential_value",
            Some(1),
            "finite",
        ),
        (
            "report: churn probability above 1",
            || builder().churn_probability(&[0.2, 1.5]).map(|_| ()),
            invalid,
            "churn_probability",
            Some(1),
            "[0, 1]",
        ),
        (
            "report: stages of another length",
            || builder().stages(&[Stage::Repeat]).map(|_| ()),
            len,
            "loyalty_stage",
            None,
            "expected 2",
        ),
        (
            "report: unknown big-customer-risk decision",
            || builder().big_customer_risk(vec![None, Some("severe".into())]).map(|_| ()),
            unknown,
            "big_customer_risk[1]",
            None,
            "high_risk",
        ),
        (
            "report: no customers",
            || ReportBuilder::new(vec![]).map(|_| ()),
            empty,
            "customer_id",
            None,
            "empty",
        ),
        (
            "playbook: repeated precedence",
            || {
                Playbook::from_json(r#"{"version": 1, "plays": [], "precedence": ["fee", "fee"]}"#)
                    .map(|_| ())
            },
            json,
            "$.precedence[1]",
            None,
            "twice",
        ),
        (
            "playbook: unknown segment",
            || {
                Playbook::from_json(r#"{"version": 1, "plays": [{"segment_type": "loyalty_stage", "segment": "loyal", "action": "x"}]}"#).map(|_| ())
            },
            json,
            "$.plays[0].segment",
            None,
            "first_time",
        ),
        (
            "campaign: uplift above 1",
            || {
                campaign(
                    &[1.0, 2.0],
                    &[0.1, 1.2],
                    ContactCost::Constant(1.0),
                    10.0,
                    CampaignMethod::Auto,
                )
            },
            invalid,
            "uplift",
            Some(1),
            "[0, 1]",
        ),
        (
            "campaign: negative cost",
            || {
                campaign(
                    &[1.0, 2.0],
                    &[0.1, 0.2],
                    ContactCost::PerCustomer(&[1.0, -1.0]),
                    10.0,
                    CampaignMethod::Auto,
                )
            },
            invalid,
            "cost",
            Some(1),
            ">= 0",
        ),
        (
            "campaign: cost of another length",
            || {
                campaign(
                    &[1.0, 2.0],
                    &[0.1, 0.2],
                    ContactCost::PerCustomer(&[1.0; 3]),
                    10.0,
                    CampaignMethod::Auto,
                )
            },
            len,
            "cost",
            None,
            "expected 2",
        ),
        (
            "campaign: budget NaN",
            || {
                campaign(
                    &[1.0, 2.0],
                    &[0.1, 0.2],
                    ContactCost::Constant(1.0),
                    f64::NAN,
                    CampaignMethod::Auto,
                )
            },
            invalid,
            "budget",
            None,
            "finite",
        ),
        (
            "campaign: segment without a cost",
            || {
                campaign(
                    &[1.0, 2.0],
                    &[0.1, 0.2],
                    ContactCost::PerSegment { segment: &[0, 1], cost: &[1.0] },
                    10.0,
                    CampaignMethod::Auto,
                )
            },
            invalid,
            "segment",
            Some(1),
            "has no cost",
        ),
        (
            "campaign: unknown method",
            || cvm_core::names::parse_field::<CampaignMethod>("optimal", "method").map(|_| ()),
            unknown,
            "method",
            None,
            "greedy",
        ),
        (
            "campaign: exact off the cents grid",
            || {
                campaign(
                    &[100.0],
                    &[0.1],
                    ContactCost::Constant(1.0 / 3.0),
                    10.0,
                    CampaignMethod::Exact,
                )
            },
            invalid,
            "method",
            None,
            "whole cents",
        ),
        (
            "campaign: zero draws",
            || {
                let input = CampaignInput {
                    clv: &[1.0],
                    uplift: &[0.1],
                    cost: ContactCost::Constant(1.0),
                    budget: 1.0,
                };
                compare_campaigns(&input, CampaignMethod::Auto, 0, 1).map(|_| ())
            },
            invalid,
            "draws",
            None,
            "between 1 and",
        ),
    ]
}

#[test]
fn decision_catalogue() {
    for (name, call, variant, field, index, message) in cases() {
        let e = call().expect_err(name);
        assert!(variant(&e), "{name}: wrong variant {e:?}");
        assert_eq!(e.field(), Some(field), "{name}: {e}");
        if let Error::InvalidValue { index: i, .. } = &e {
            assert_eq!(*i, index, "{name}: {e}");
        }
        assert!(e.to_string().contains(message), "{name}: {e}");
    }
}
