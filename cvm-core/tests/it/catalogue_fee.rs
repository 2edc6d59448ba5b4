//! The bad-input catalogue of the fee schedule and dormant transitions: one row per class, each
//! with the call, the expected error variant, `field`, `index` and a substring of the message.
//! The C (`tests/c/catalogue_fee.inc`) and Python (`cvm-py/tests/catalogue_fee.py`) tables hold
//! the same rows.

use cvm_core::selection::presets::{dormant_account, DormantOptions};
use cvm_core::selection::{
    dormant_transitions, fee_schedule, monthly_average_daily_balance, AccountLog, BalanceInput,
    BalanceOptions, Column, CustomerTiers, FeeOptions, FeeSchedule, OpeningBalances, Snapshot,
    Table,
};
use cvm_core::{Error, TimestampUnit, MISSING_TIMESTAMP};

type Run = Box<dyn Fn() -> Result<(), Error>>;

struct Case {
    name: &'static str,
    run: Run,
    variant: fn(&Error) -> bool,
    field: &'static str,
    index: Option<usize>,
    message: &'static str,
}

fn invalid(e: &Error) -> bool {
    matches!(e, Error::InvalidValue { .. })
}

fn json(e: &Error) -> bool {
    matches!(e, Error::Json { .. })
}

fn length(e: &Error) -> bool {
    matches!(e, Error::LengthMismatch { .. })
}

/// Monthly balances of a log (days since 1970-01-01).
fn balances(
    input: BalanceInput, account: &[i64], customer: &[i64], day: &[i64], value: &[f64],
    openings: Option<(&[i64], &[f64])>, months: (Option<i64>, Option<i64>),
) -> Result<(), Error> {
    let log = AccountLog { account_id: account, customer_id: customer, timestamp: day, value };
    let op = openings.map(|(a, b)| OpeningBalances { account_id: a, balance: b });
    let o = BalanceOptions::new(input, TimestampUnit::Day)
        .with_first_month(months.0)
        .with_last_month(months.1);
    monthly_average_daily_balance(&log, op.as_ref(), &o).map(|_| ())
}

/// Fees of one customer (id 1, one account) with the tier mapping and default given.
fn fees(ids: &[i64], tiers: &[&str], default: Option<&str>) -> Result<(), Error> {
    let log = AccountLog { account_id: &[1], customer_id: &[1], timestamp: &[0], value: &[5.0] };
    let o = BalanceOptions::new(BalanceInput::Transactions, TimestampUnit::Day);
    let m = monthly_average_daily_balance(&log, None, &o)?;
    let t = CustomerTiers { customer_id: ids, tier: tiers };
    let opts = FeeOptions::default().with_default_tier(default.map(str::to_string));
    fee_schedule(m, &t, &FeeSchedule::default(), &opts).map(|_| ())
}

fn transitions(before: &[i64], decision: &str) -> Result<(), Error> {
    let rules = dormant_account(&DormantOptions::default())?;
    let (h, c, y) = ([0.0, 0.0], [5.0, 5.0], [4.0, 4.0]);
    let t = Table::new()
        .with("holdings_balance", Column::Numeric(&h))?
        .with("cash_balance", Column::Numeric(&c))?
        .with("years_since_last_trade", Column::Numeric(&y))?;
    let b = Snapshot { account_id: before, table: &t };
    let a = Snapshot { account_id: &[1, 2], table: &t };
    dormant_transitions(&rules, decision, b, a).map(|_| ())
}

fn cases() -> Vec<Case> {
    use BalanceInput::{EndOfDayBalances as Bal, Transactions as Tx};
    let none = (None, None);
    vec![
        Case {
            name: "non-finite amount",
            run: Box::new(move || {
                balances(Tx, &[1, 1], &[1, 1], &[0, 1], &[5.0, f64::NAN], None, none)
            }),
            variant: invalid,
            field: "amount",
            index: Some(1),
            message: "must be finite",
        },
        Case {
            name: "missing timestamp",
            run: Box::new(move || {
                balances(Tx, &[1, 1], &[1, 1], &[0, MISSING_TIMESTAMP], &[5.0, 1.0], None, none)
            }),
            variant: invalid,
            field: "timestamp",
            index: Some(1),
            message: "missing timestamp",
        },
        Case {
            name: "two end-of-day balances for an account and day",
            run: Box::new(move || {
                balances(Bal, &[1, 2, 1], &[1, 1, 1], &[3, 3, 3], &[5.0, 1.0, 6.0], None, none)
            }),
            variant: invalid,
            field: "timestamp",
            index: Some(2),
            message: "two end-of-day balances on 1970-01-04 (rows 0 and 2)",
        },
        Case {
            name: "an account with two customers",
            run: Box::new(move || balances(Tx, &[7, 7], &[1, 2], &[0, 1], &[5.0, 1.0], None, none)),
            variant: invalid,
            field: "customer_id",
            index: Some(1),
            message: "account 7 belongs to customer 1 (row 0), not 2",
        },
        Case {
            name: "columns of different lengths",
            run: Box::new(move || balances(Tx, &[1, 1], &[1], &[0, 1], &[5.0, 1.0], None, none)),
            variant: length,
            field: "customer_id",
            index: None,
            message: "expected 2",
        },
        Case {
            name: "last month before the first",
            run: Box::new(move || {
                balances(Tx, &[1], &[1], &[40], &[5.0], None, (Some(40), Some(0)))
            }),
            variant: invalid,
            field: "last_month",
            index: None,
            message: "1970-01 is before the first month 1970-02",
        },
        Case {
            name: "too many months",
            run: Box::new(move || {
                balances(Tx, &[1, 1], &[1, 1], &[0, 40_000], &[5.0, 1.0], None, none)
            }),
            variant: invalid,
            field: "last_month",
            index: None,
            message: "MAX_MONTHS",
        },
        Case {
            name: "balances beyond the range of f64",
            run: Box::new(move || {
                balances(Bal, &[1, 2], &[1, 1], &[0, 0], &[1.7e308, 1.7e308], None, none)
            }),
            variant: invalid,
            field: "balance",
            index: Some(0),
            message: "beyond the range of f64",
        },
        Case {
            name: "opening balance of an account without rows",
            run: Box::new(move || {
                balances(Tx, &[1], &[1], &[0], &[5.0], Some((&[1, 9], &[0.0, 3.0])), none)
            }),
            variant: invalid,
            field: "opening_account_id",
            index: Some(1),
            message: "account 9 has an opening balance but no row",
        },
        Case {
            name: "two opening balances for an account",
            run: Box::new(move || {
                balances(Tx, &[1], &[1], &[0], &[5.0], Some((&[1, 1], &[0.0, 3.0])), none)
            }),
            variant: invalid,
            field: "opening_account_id",
            index: Some(1),
            message: "second opening balance",
        },
        Case {
            name: "non-finite opening balance",
            run: Box::new(move || {
                balances(Tx, &[1], &[1], &[0], &[5.0], Some((&[1], &[f64::INFINITY])), none)
            }),
            variant: invalid,
            field: "opening_balance",
            index: Some(0),
            message: "must be finite",
        },
        Case {
            name: "unknown tier",
            run: Box::new(|| fees(&[1], &["gold"], None)),
            variant: invalid,
            field: "tier",
            index: Some(0),
            message:
                "unknown tier \"gold\"; expected one of the schedule's tiers: standard, premier",
        },
        Case {
            name: "a customer without a tier and no default",
            run: Box::new(|| fees(&[2], &["premier"], None)),
            variant: invalid,
            field: "customer_id",
            index: Some(0),
            message: "customer 1 has no tier",
        },
        Case {
            name: "a customer given two tiers",
            run: Box::new(|| fees(&[1, 1], &["premier", "standard"], None)),
            variant: invalid,
            field: "tier_customer_id",
            index: Some(1),
            message: "customer 1 is given a second tier",
        },
        Case {
            name: "unknown default tier",
            run: Box::new(|| fees(&[], &[], Some("vip"))),
            variant: invalid,
            field: "default_tier",
            index: None,
            message: "unknown tier \"vip\"",
        },
        Case {
            name: "negative fee in a schedule document",
            run: Box::new(|| {
                FeeSchedule::from_json(
                    r#"{"version": 1, "tiers": [{"tier": "a", "threshold": 10, "fee": -1}]}"#,
                )
                .map(|_| ())
            }),
            variant: json,
            field: "$.tiers[0].fee",
            index: None,
            message: "expected a finite amount >= 0",
        },
        Case {
            name: "a schedule without tiers",
            run: Box::new(|| FeeSchedule::from_json(r#"{"version": 1, "tiers": []}"#).map(|_| ())),
            variant: json,
            field: "$.tiers",
            index: None,
            message: "at least one tier",
        },
        Case {
            name: "dormant decision the rules do not have",
            run: Box::new(|| transitions(&[1, 2], "asleep")),
            variant: invalid,
            field: "dormant_decision",
            index: None,
            message: "their decisions are dormant, active",
        },
        Case {
            name: "an account twice in a snapshot",
            run: Box::new(|| transitions(&[3, 3], "dormant")),
            variant: invalid,
            field: "before_account_id",
            index: Some(1),
            message: "account 3 is listed twice",
        },
    ]
}

#[test]
fn catalogue() {
    for c in cases() {
        let e = (c.run)().expect_err(c.name);
        assert!((c.variant)(&e), "{}: wrong variant {e:?}", c.name);
        assert_eq!(e.field(), Some(c.field), "{}: {e}", c.name);
        assert_eq!(e.index(), c.index, "{}: {e}", c.name);
        assert!(e.to_string().contains(c.message), "{}: {e}", c.name);
    }
}
