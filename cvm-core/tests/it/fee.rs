//! Fee schedule (seeds/001:442, 486) and dormant-account transitions (seeds/001:14): a worked
//! example computed by hand, the two input forms agreeing, the step-function integration
//! against a day-by-day reference on a random book, and transitions with exact reasons.

use cvm_core::calendar::days_from_civil;
use cvm_core::selection::presets::{dormant_account, DormantOptions};
use cvm_core::selection::{
    dormant_transitions, fee_schedule, monthly_average_daily_balance, AccountLog, AccountStatus,
    AverageOver, BalanceInput, BalanceOptions, Column, CustomerTiers, DormantTransition,
    FeeOptions, FeeResult, FeeSchedule, OpeningBalances, Snapshot, Table,
};
use cvm_core::TimestampUnit;

fn d(y: i64, m: u32, dd: u32) -> i64 {
    days_from_civil(y, m, dd).unwrap()
}

/// The worked example of `docs/fees.md` (January and February 2024: 31 and 29 days).
///
/// * Customer 1 (standard): account 11 opens with 40 000, +30 000 and −5 000 on Jan 10 (end of
///   day 65 000), −65 000 on Jan 25; account 12 receives 50 000 on Jan 20.
///   January: 40 000 × 9 + 65 000 × 15 + 50 000 × 12 = 1 935 000 → / 31 = 62 419.35 → fee 150.
///   February: 50 000 × 29 / 29 = 50 000 → fee 150.
/// * Customer 2 (premier): account 21 receives 600 000 on Jan 15, −200 000 on Feb 14.
///   January: 600 000 × 17 / 31 = 329 032.26 → fee 300 (open 17 of 31 days).
///   February: (600 000 × 13 + 400 000 × 16) / 29 = 489 655.17 → fee 300.
/// * Customer 3 (no tier listed; the default tier standard): account 31 receives 100 000 on
///   Feb 1. February: exactly 100 000, not below the threshold → no fee.
fn worked(input: BalanceInput, average_over: AverageOver) -> FeeResult {
    let (account, customer, ts, value): (Vec<i64>, Vec<i64>, Vec<i64>, Vec<f64>) = match input {
        BalanceInput::Transactions => (
            vec![11, 11, 11, 12, 21, 21, 31, 11],
            vec![1, 1, 1, 1, 2, 2, 3, 1],
            vec![
                d(2024, 1, 10),
                d(2024, 1, 25),
                d(2024, 1, 10),
                d(2024, 1, 20),
                d(2024, 1, 15),
                d(2024, 2, 14),
                d(2024, 2, 1),
                d(2024, 1, 10),
            ],
            vec![30_000.0, -65_000.0, -5_000.0, 50_000.0, 600_000.0, -200_000.0, 100_000.0, 0.0],
        ),
        _ => (
            vec![11, 11, 12, 21, 21, 31],
            vec![1, 1, 1, 2, 2, 3],
            vec![
                d(2024, 1, 10),
                d(2024, 1, 25),
                d(2024, 1, 20),
                d(2024, 1, 15),
                d(2024, 2, 14),
                d(2024, 2, 1),
            ],
            vec![65_000.0, 0.0, 50_000.0, 600_000.0, 400_000.0, 100_000.0],
        ),
    };
    let log =
        AccountLog { account_id: &account, customer_id: &customer, timestamp: &ts, value: &value };
    let openings = OpeningBalances { account_id: &[11], balance: &[40_000.0] };
    let o = BalanceOptions::new(input, TimestampUnit::Day).with_average_over(average_over);
    let m = monthly_average_daily_balance(&log, Some(&openings), &o).unwrap();
    let tiers = CustomerTiers { customer_id: &[2, 1], tier: &["premier", "standard"] };
    let opts = FeeOptions::default().with_default_tier(Some("standard".into()));
    fee_schedule(m, &tiers, &FeeSchedule::default(), &opts).unwrap()
}

#[test]
fn worked_example_by_hand() {
    for input in [BalanceInput::Transactions, BalanceInput::EndOfDayBalances] {
        let r = worked(input, AverageOver::CalendarDays);
        let b = &r.balances;
        assert_eq!(b.customer_id, [1, 1, 2, 2, 3]);
        let months: Vec<String> = (0..r.len()).map(|i| b.month_label(i)).collect();
        assert_eq!(months, ["2024-01", "2024-02", "2024-01", "2024-02", "2024-02"]);
        assert_eq!(b.days_in_month, [31, 29, 31, 29, 29]);
        assert_eq!(b.days_open, [31, 29, 17, 29, 29]);
        assert_eq!(
            b.average_daily_balance,
            [62_419.35, 50_000.0, 329_032.26, 489_655.17, 100_000.0]
        );
        let tiers: Vec<&str> = (0..r.len()).map(|i| r.tier_name(i)).collect();
        assert_eq!(tiers, ["standard", "standard", "premier", "premier", "standard"]);
        assert_eq!(r.threshold, [100_000.0, 100_000.0, 500_000.0, 500_000.0, 100_000.0]);
        assert_eq!(r.fee, [150.0, 150.0, 300.0, 300.0, 0.0]);
        assert_eq!(
            r.reason(2),
            "fee 300.00: average daily balance 329032.26 in 2024-01 is below the premier tier's \
             threshold 500000.00 (accounts open 17 of 31 days; the days before count as 0)"
        );
        assert_eq!(
            r.reason(4),
            "no fee: average daily balance 100000.00 in 2024-02 is at or above the standard \
             tier's threshold 100000.00"
        );
    }
    // Averaged over the days open, customer 2's January is 600 000: no fee.
    let r = worked(BalanceInput::Transactions, AverageOver::DaysOpen);
    assert_eq!(r.balances.average_daily_balance[2], 600_000.0);
    assert_eq!(r.fee[2], 0.0);
    assert!(r.reason(2).ends_with("(averaged over the 17 days open)"), "{}", r.reason(2));
}

#[test]
fn second_bank_and_month_window() {
    // seeds/001:486: 50 a month below 80 000. One account: 79 999.99 all of March 2023, then
    // 80 000 from April 1 (a row before the window only builds the balance).
    let s = FeeSchedule::from_json(
        r#"{"version": 1, "name": "seed_001_line_486",
            "tiers": [{"tier": "standard", "threshold": 80000, "fee": 50}]}"#,
    )
    .unwrap();
    let log = AccountLog {
        account_id: &[1, 1],
        customer_id: &[9, 9],
        timestamp: &[d(2023, 2, 20), d(2023, 4, 1)],
        value: &[79_999.99, 0.01],
    };
    let o = BalanceOptions::new(BalanceInput::Transactions, TimestampUnit::Day)
        .with_first_month(Some(d(2023, 3, 15)))
        .with_last_month(Some(d(2023, 5, 2)));
    let m = monthly_average_daily_balance(&log, None, &o).unwrap();
    assert_eq!(m.average_daily_balance, [79_999.99, 80_000.0, 80_000.0]);
    assert_eq!(m.days_in_month, [31, 30, 31]);
    let tiers = CustomerTiers::<&str> { customer_id: &[], tier: &[] };
    let opts = FeeOptions::default().with_default_tier(Some("standard".into()));
    let r = fee_schedule(m, &tiers, &s, &opts).unwrap();
    assert_eq!(r.fee, [50.0, 0.0, 0.0]);
}

#[test]
fn seconds_are_utc_days() {
    // 2024-01-31T23:59:59Z is January 31 (UTC); one second later is February 1.
    let jan31 = d(2024, 1, 31) * 86_400;
    let log = AccountLog {
        account_id: &[1, 2],
        customer_id: &[1, 1],
        timestamp: &[jan31 + 86_399, jan31 + 86_400],
        value: &[3_100.0, 2_900.0],
    };
    let m = monthly_average_daily_balance(
        &log,
        None,
        &BalanceOptions::new(BalanceInput::Transactions, TimestampUnit::Second),
    )
    .unwrap();
    // January: 3 100 on one day / 31 = 100; February: 3 100 + 2 900 every day.
    assert_eq!(m.average_daily_balance, [100.0, 6_000.0]);
}

/// A small deterministic generator (SplitMix64).
fn rng(mut s: u64) -> impl FnMut() -> u64 {
    move || {
        s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[test]
fn step_integration_matches_day_by_day() {
    // 40 accounts of 15 customers over 2023-11 .. 2024-03, amounts in whole cents: the
    // reference walks every day; both must agree to the cent.
    let mut next = rng(7);
    let start = d(2023, 11, 1);
    let end = d(2024, 4, 1);
    let (mut acct, mut cust, mut ts, mut val) = (vec![], vec![], vec![], vec![]);
    for _ in 0..600 {
        let a = (next() % 40) as i64;
        acct.push(a);
        cust.push(a % 15);
        ts.push(start + (next() % (end - start) as u64) as i64);
        val.push((next() % 2_000_000) as f64 / 100.0 - 5_000.0);
    }
    let log = AccountLog { account_id: &acct, customer_id: &cust, timestamp: &ts, value: &val };
    let o = BalanceOptions::new(BalanceInput::Transactions, TimestampUnit::Day)
        .with_first_month(Some(start))
        .with_last_month(Some(end - 1));
    let m = monthly_average_daily_balance(&log, None, &o).unwrap();
    for i in 0..m.len() {
        let (c, m0) = (m.customer_id[i], m.month_start[i]);
        let dim = m.days_in_month[i] as i64;
        let mut total = 0.0;
        for day in m0..m0 + dim {
            total += (0..ts.len())
                .filter(|&r| cust[r] == c && ts[r] <= day)
                .map(|r| val[r])
                .sum::<f64>();
        }
        let expected = (total / dim as f64 * 100.0).round() / 100.0;
        assert!(
            (m.average_daily_balance[i] - expected).abs() <= 0.011,
            "{i}: {} vs {expected}",
            m.average_daily_balance[i]
        );
    }
    // Every customer from its first month; 15 customers × up to 5 months.
    assert!(m.len() <= 75 && m.len() >= 15);
}

fn table<'a>(h: &'a [f64], c: &'a [f64], y: &'a [f64]) -> Table<'a> {
    Table::new()
        .with("holdings_balance", Column::Numeric(h))
        .unwrap()
        .with("cash_balance", Column::Numeric(c))
        .unwrap()
        .with("years_since_last_trade", Column::Numeric(y))
        .unwrap()
}

#[test]
fn dormant_transitions_with_reasons() {
    let rules = dormant_account(&DormantOptions::default()).unwrap();
    // First snapshot, accounts 5, 1, 2, 3, 4; second 1, 2, 3, 4, 6. Account 1 is reactivated,
    // 2 goes dormant, 3 stays dormant, 4 is unknown (cash missing on the second snapshot), 5 is
    // only on the first, 6 only on the second.
    let (h0, c0, y0) =
        ([0.0, 0.0, 0.0, 0.0, 0.0], [80.0, 50.0, 90.0, 10.0, 20.0], [4.0, 5.0, 2.5, 6.0, 9.0]);
    let (h1, c1, y1) =
        ([0.0, 0.0, 0.0, 0.0, 500.0], [80.0, 50.0, 90.0, f64::NAN, 0.0], [0.5, 6.0, 3.5, 7.0, 0.1]);
    let t0 = table(&h0, &c0, &y0);
    let t1 = table(&h1, &c1, &y1);
    let r = dormant_transitions(
        &rules,
        "dormant",
        Snapshot { account_id: &[5, 1, 2, 3, 4], table: &t0 },
        Snapshot { account_id: &[1, 2, 3, 4, 6], table: &t1 },
    )
    .unwrap();
    use DormantTransition::*;
    assert_eq!(r.account_id, [1, 2, 3, 4, 5, 6]);
    assert_eq!(r.transition, [Reactivated, BecameDormant, StayedDormant, Unknown, Gone, New]);
    assert_eq!(r.after[3], AccountStatus::Unknown);
    assert_eq!(r.counts(), [1, 1, 1, 0, 1, 1, 1]);
    // Account 5 is the first snapshot's row 0 (holdings 0, cash 80, 4 years): dormant.
    assert_eq!(
        r.reason[4],
        "gone: dormant on the first snapshot (holdings_balance=0<=0; cash_balance=80<=100; \
         years_since_last_trade=4>=3), not in the second"
    );
    assert_eq!(
        r.reason[0],
        "reactivated: dormant on the first snapshot (holdings_balance=0<=0; cash_balance=50<=100; \
         years_since_last_trade=5>=3), active on the second (years_since_last_trade=0.5<3)"
    );
    assert_eq!(
        r.reason[1],
        "became_dormant: active on the first snapshot (years_since_last_trade=2.5<3), dormant on \
         the second (holdings_balance=0<=0; cash_balance=50<=100; years_since_last_trade=6>=3)"
    );
    assert_eq!(
        r.reason[3],
        "unknown: dormant on the first snapshot (holdings_balance=0<=0; cash_balance=20<=100; \
         years_since_last_trade=9>=3), unknown on the second (cash_balance=NA)"
    );
    assert_eq!(r.reason[5], "new: not in the first snapshot, active on the second (holdings_balance=500>0; years_since_last_trade=0.1<3)");
}
