//! Tests of the `summary`, `compress` and `rfm` areas: the CDNOW golden checks and bad input.

use approx::assert_abs_diff_eq;
use cvm_core::calendar::{days_from_civil, parse_date};
use cvm_core::summary::{MAX_DAY, MIN_DAY};
use cvm_core::{
    compress, rfm_segments, summarize, Error, NegativeAmounts, SegmentTable, SummaryOptions,
    TimeUnit, TimestampUnit, TransactionLog,
};

use crate::common::*;

fn cdnow_options(calibration: bool) -> SummaryOptions {
    let cal = parse_date("1997-09-30", "cal").unwrap();
    let obs = parse_date("1998-06-30", "obs").unwrap();
    SummaryOptions::new(TimestampUnit::Day)
        .with_time_unit(Some(TimeUnit::Week))
        .with_observation_end(Some(if calibration { obs } else { cal }))
        .with_calibration_end(calibration.then_some(cal))
}

#[test]
fn cdnow_calibration_summary_matches_the_published_file() {
    let (id, day, amount) = cdnow_transactions();
    let log = TransactionLog { customer_id: &id, timestamp: &day, amount: Some(&amount) };
    let s = summarize(&log, &cdnow_options(true)).unwrap();
    let (fid, ff, fr, ft) = cdnow_summary_file();
    assert_eq!(s.len(), 2357);
    assert_eq!(s.customer_id, fid);
    assert_eq!(s.excluded_customers, 0);
    assert_eq!(s.frequency.iter().sum::<f64>(), 2457.0);
    assert_eq!(s.frequency.iter().filter(|&&f| f > 0.0).count(), 946);
    for i in 0..s.len() {
        assert_eq!(s.frequency[i], ff[i], "frequency of customer {}", fid[i]);
        // The file rounds to 2 decimals.
        assert_abs_diff_eq!(s.recency[i], fr[i], epsilon = 0.005 + 1e-9);
        assert_abs_diff_eq!(s.t[i], ft[i], epsilon = 0.005 + 1e-9);
    }
    let h = s.holdout.as_ref().unwrap();
    assert_eq!(h.frequency.iter().sum::<f64>(), 1882.0);
    assert_abs_diff_eq!(h.duration, 273.0 / 7.0, epsilon = 1e-12);
}

#[test]
fn cdnow_zbar_matches_the_published_file() {
    let (id, day, amount) = cdnow_transactions();
    let log = TransactionLog { customer_id: &id, timestamp: &day, amount: Some(&amount) };
    let s = summarize(&log, &cdnow_options(true)).unwrap();
    let text = read_data("cdnow_customers_summary_with_transactions.csv");
    let mut n = 0;
    for (i, line) in text.lines().skip(1).filter(|l| !l.trim().is_empty()).enumerate() {
        let c: Vec<f64> = line.trim().split(',').map(|x| x.parse().unwrap()).collect();
        assert_eq!(s.customer_id[i] as f64, c[0]);
        assert_eq!(s.frequency[i], c[1]);
        assert_abs_diff_eq!(s.monetary_value.as_ref().unwrap()[i], c[4], epsilon = 0.005 + 1e-9);
        n += 1;
    }
    assert_eq!(n, 2357);
}

#[test]
fn observation_only_summary_equals_the_calibration_part() {
    let (f, r, t, m) = cdnow_summary_exact();
    let (id, day, amount) = cdnow_transactions();
    let log = TransactionLog { customer_id: &id, timestamp: &day, amount: Some(&amount) };
    let s = summarize(&log, &cdnow_options(true)).unwrap();
    assert_eq!(s.frequency, f);
    assert_eq!(s.recency, r);
    assert_eq!(s.t, t);
    assert_eq!(s.monetary_value.unwrap(), m);
}

#[test]
fn periods_merge_and_count_in_the_default_unit() {
    let d = |y, m, dd| days_from_civil(y, m, dd).unwrap();
    // Monthly periods: Jan 3 and Jan 30 merge; Mar is 2 periods after Jan.
    let ids = [1, 1, 1, 2];
    let days = [d(2023, 1, 3), d(2023, 1, 30), d(2023, 3, 9), d(2023, 2, 1)];
    let amount = [1.0, 2.0, 4.0, 8.0];
    let opts = SummaryOptions::new(TimestampUnit::Day)
        .with_freq(TimeUnit::Month)
        .with_observation_end(Some(d(2023, 6, 30)))
        .with_include_first_purchase(true);
    let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: Some(&amount) };
    let s = summarize(&log, &opts).unwrap();
    assert_eq!(s.frequency, vec![1.0, 0.0]);
    assert_eq!(s.recency, vec![2.0, 0.0]);
    assert_eq!(s.t, vec![5.0, 4.0]);
    assert_eq!(s.monetary_value.unwrap(), vec![3.5, 8.0]);

    // Weekly periods (ISO weeks, Monday start), two weeks per period, nanosecond timestamps.
    let ns = |day: i64| day * 86_400_000_000_000 + 3_600_000_000_000;
    let ids = [5, 5, 5];
    // 2024-01-01 is a Monday.
    let days = [ns(d(2024, 1, 1)), ns(d(2024, 1, 14)), ns(d(2024, 1, 15))];
    let opts = SummaryOptions::new(TimestampUnit::Nanosecond)
        .with_freq(TimeUnit::Week)
        .with_freq_multiplier(2)
        .with_observation_end(Some(ns(d(2024, 2, 20))));
    let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: None };
    let s = summarize(&log, &opts).unwrap();
    // ISO week index w = floor((day - 4) / 7) counts from Monday 1970-01-05; periods are
    // floor(w / 2). 2024-01-01 -> w 2817 -> period 1408; Jan 14 and 15 -> w 2818, 2819 -> 1409;
    // 2024-02-20 -> w 2824 -> 1412.
    assert_eq!(s.frequency, vec![1.0]);
    assert_eq!(s.recency, vec![1.0]);
    assert_eq!(s.t, vec![4.0]);
    assert!(s.monetary_value.is_none());
}

#[test]
fn negative_amounts_are_an_error_unless_netted() {
    let ids = [1, 1, 1, 1];
    let days = [0, 1, 1, 2];
    let amount = [10.0, 9.0, -4.0, -6.0];
    let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: Some(&amount) };
    let e = summarize(&log, &SummaryOptions::new(TimestampUnit::Day)).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(2)));
    assert!(e.to_string().contains("negative_amounts"), "{e}");
    let opts = SummaryOptions::new(TimestampUnit::Day).with_negative_amounts(NegativeAmounts::Net);
    let s = summarize(&log, &opts).unwrap();
    // Day 1 nets to 5; day 2 (a refund only) is a purchase period of -6.
    assert_eq!(s.frequency, vec![2.0]);
    assert_eq!(s.recency, vec![2.0]);
    assert_eq!(s.monetary_value.unwrap(), vec![-0.5]);
    assert_eq!(
        cvm_core::names::parse_field::<NegativeAmounts>("NET", "negative_amounts").unwrap(),
        NegativeAmounts::Net
    );
    assert!(cvm_core::names::parse_field::<NegativeAmounts>("ignore", "negative_amounts").is_err());
}

#[test]
fn summary_records_its_time_unit() {
    let (ids, days) = ([1, 1], [0, 14]);
    let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: None };
    let unit = |o: SummaryOptions| summarize(&log, &o).unwrap().time_unit;
    let base = SummaryOptions::new(TimestampUnit::Day);
    assert_eq!(unit(base.clone()), Some(TimeUnit::Day));
    assert_eq!(unit(base.clone().with_freq(TimeUnit::Week)), Some(TimeUnit::Week));
    assert_eq!(unit(base.clone().with_freq_multiplier(2)), None);
    let o = base.with_freq_multiplier(2).with_time_unit(Some(TimeUnit::Month));
    assert_eq!(unit(o), Some(TimeUnit::Month));
}

#[test]
fn dates_at_the_edges_of_the_supported_range() {
    let d = |y, m, dd| days_from_civil(y, m, dd).unwrap();
    assert_eq!((d(1, 1, 1), d(9999, 12, 31)), (MIN_DAY, MAX_DAY));
    // The first and last supported days give exact ages, in every period kind.
    for freq in [TimeUnit::Day, TimeUnit::Week, TimeUnit::Month, TimeUnit::Year] {
        for k in [1, 3, u32::MAX] {
            let (ids, days) = ([1, 1], [MIN_DAY, MAX_DAY]);
            let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: None };
            let o = SummaryOptions::new(TimestampUnit::Day)
                .with_freq(freq)
                .with_freq_multiplier(k)
                .with_time_unit(Some(TimeUnit::Day));
            match summarize(&log, &o) {
                Ok(s) => assert!(s.t[0].is_finite() && s.t[0] >= 3_651_000.0, "{freq:?} {k}"),
                // One period spans everything: every T is 0 from distinct timestamps.
                Err(e) => assert_eq!(e.field(), Some("timestamp_unit"), "{freq:?} {k}: {e}"),
            }
        }
    }
    // One day outside, and the extremes of i64, in every unit: an error naming the row.
    for (unit, per_day) in [
        (TimestampUnit::Day, 1i64),
        (TimestampUnit::Second, 86_400),
        (TimestampUnit::Millisecond, 86_400_000),
        (TimestampUnit::Microsecond, 86_400_000_000),
    ] {
        for bad in [(MIN_DAY - 1) * per_day, (MAX_DAY + 1) * per_day, i64::MAX, i64::MIN + 1] {
            let (ids, ts) = ([1, 2, 3], [0, bad, 5 * per_day]);
            let log = TransactionLog { customer_id: &ids, timestamp: &ts, amount: None };
            let e = summarize(&log, &SummaryOptions::new(unit)).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some("datetime"), Some(1)), "{unit:?} {bad}");
            assert!(e.to_string().contains("0001-01-01..=9999-12-31"), "{e}");
        }
    }
    // Nanoseconds: every i64 but the missing marker is a supported date.
    let (ids, ts) = ([1, 1, 2], [i64::MIN + 1, i64::MAX, 0]);
    let log = TransactionLog { customer_id: &ids, timestamp: &ts, amount: None };
    let s = summarize(&log, &SummaryOptions::new(TimestampUnit::Nanosecond)).unwrap();
    assert_eq!(s.t[0], 106_751.0 * 2.0 + 1.0); // 1677-09-21 .. 2262-04-11 in days
}

#[test]
fn a_first_purchase_in_1500_is_a_supported_date() {
    // 1500 is inside the supported range: the ages are exact, not wrapped.
    let d = |y, m, dd| days_from_civil(y, m, dd).unwrap();
    let (ids, ts) = ([1, 1], [d(1500, 1, 1) * 86_400, d(1500, 1, 8) * 86_400]);
    let log = TransactionLog { customer_id: &ids, timestamp: &ts, amount: None };
    let o = SummaryOptions::new(TimestampUnit::Second)
        .with_time_unit(Some(TimeUnit::Week))
        .with_observation_end(Some(d(1500, 1, 15) * 86_400));
    let s = summarize(&log, &o).unwrap();
    assert_eq!((s.frequency[0], s.recency[0], s.t[0]), (1.0, 1.0, 2.0));
}

#[test]
fn day_numbers_read_as_nanoseconds_are_an_error() {
    let ids = [1, 1, 2, 3];
    let ts = [19_723, 19_737, 19_725, 19_740];
    let log = TransactionLog { customer_id: &ids, timestamp: &ts, amount: None };
    let e = summarize(&log, &SummaryOptions::new(TimestampUnit::Nanosecond)).unwrap_err();
    assert_eq!(e.field(), Some("timestamp_unit"));
    assert!(e.to_string().contains("T = 0"), "{e}");
    // The same timestamps in the right unit are a summary.
    let s = summarize(&log, &SummaryOptions::new(TimestampUnit::Day)).unwrap();
    assert_eq!(s.t, vec![17.0, 15.0, 0.0]);
    // One transaction per customer on one day is not a unit mistake.
    let ts = [5, 5, 5, 5];
    let log = TransactionLog { customer_id: &ids, timestamp: &ts, amount: None };
    assert!(summarize(&log, &SummaryOptions::new(TimestampUnit::Day)).is_ok());
}

#[test]
fn amounts_whose_sums_overflow_are_an_error_naming_the_first_row() {
    let ids = [4, 9, 9, 9];
    let days = [0, 1, 2, 3];
    let amount = [1.0, 1.0, f64::MAX, f64::MAX];
    let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: Some(&amount) };
    let e = summarize(&log, &SummaryOptions::new(TimestampUnit::Day)).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(1)));
    assert!(e.to_string().contains("customer 9"), "{e}");
    // Within one period too.
    let days = [0, 1, 2, 2];
    let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: Some(&amount) };
    let e = summarize(&log, &SummaryOptions::new(TimestampUnit::Day)).unwrap_err();
    assert_eq!(e.index(), Some(1));
}

#[test]
fn bad_input_is_a_typed_error_naming_field_and_row() {
    let opts = SummaryOptions::new(TimestampUnit::Day);
    let run = |ids: &[i64], ts: &[i64], amt: Option<&[f64]>, o: &SummaryOptions| {
        summarize(&TransactionLog { customer_id: ids, timestamp: ts, amount: amt }, o).unwrap_err()
    };
    assert_eq!(run(&[], &[], None, &opts), Error::Empty { field: "customer_id".into() });
    assert_eq!(
        run(&[1, 2], &[1], None, &opts),
        Error::LengthMismatch { field: "datetime".into(), expected: 2, got: 1 }
    );
    let e = run(&[1, 2, 3], &[1, 2, 3], Some(&[1.0, f64::NAN, f64::INFINITY]), &opts);
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(1)));
    let e = run(&[1, 2], &[1, i64::MIN], None, &opts);
    assert_eq!((e.field(), e.index()), (Some("datetime"), Some(1)));
    let o = opts.clone().with_observation_end(Some(5));
    let e = run(&[1, 2, 3], &[1, 9, 7], None, &o);
    assert_eq!((e.field(), e.index()), (Some("datetime"), Some(1)));
    let o = opts.clone().with_observation_end(Some(5)).with_calibration_end(Some(6));
    let e = run(&[1], &[1], None, &o);
    assert_eq!(e.field(), Some("calibration_period_end"));
    let o = opts.clone().with_freq_multiplier(0);
    assert_eq!(run(&[1], &[1], None, &o).field(), Some("freq_multiplier"));
    let e = cvm_core::names::parse_field::<TimeUnit>("fortnight", "freq").unwrap_err();
    assert!(matches!(e, Error::UnknownName { ref valid, .. } if valid.len() == 4));
}

#[test]
fn compression_round_trips_cdnow() {
    let (_, f, r, t) = cdnow_summary_file();
    let c = compress(&f, &r, &t).unwrap();
    assert!(c.len() < f.len());
    assert_eq!(c.weight.iter().sum::<u64>(), 2357);
    let (f2, r2, t2) = c.expand();
    assert_eq!((f2, r2, t2), (f, r, t));
}

#[test]
fn rfm_segments_cover_every_customer() {
    let (f, r, t, m) = cdnow_summary_exact();
    let res = rfm_segments(&f, &r, &t, Some(&m), &SegmentTable::default()).unwrap();
    assert_eq!(res.counts().iter().sum::<usize>(), 2357);
    assert_eq!(res.names.len(), 11);
    // Independent recomputation of one segment from the scores.
    let champions = (0..f.len())
        .filter(|&i| {
            res.recency_score[i] >= 4
                && (res.frequency_score[i] + res.monetary_score.as_ref().unwrap()[i]).div_ceil(2)
                    >= 4
        })
        .count();
    let idx = res.names.iter().position(|n| n == "champions").unwrap();
    assert_eq!(res.counts()[idx], champions);
}

#[test]
fn rfm_table_gaps_are_errors() {
    let mut table = SegmentTable::default();
    table.rules.pop();
    let e = table.compile().unwrap_err();
    assert_eq!(e.field(), Some("rules"));
}

/// A log whose ids span no more values than it has rows is summarised by a counting sort by
/// customer, a sparser one by a sort on (customer, period): the same summary, bit for bit
/// (amounts of a period summed in input order), holdout, exclusions and time units included.
#[test]
fn dense_and_sparse_ids_give_the_same_summary_bit_for_bit() {
    let mut next = xorshift(0x2545_F491_4F6C_DD1Du64);
    for (rows, customers) in [(300usize, 40u64), (200_000, 30_000)] {
        let dense: Vec<i64> = (0..rows).map(|_| next(customers) as i64 - 5).collect();
        let sparse: Vec<i64> = dense.iter().map(|&c| c * 1_000 + 7).collect();
        // seconds over two years: several rows a day for some customers
        let ts: Vec<i64> = (0..rows).map(|_| 1_600_000_000 + next(730 * 86_400) as i64).collect();
        let amount: Vec<f64> = (0..rows).map(|_| next(100_000) as f64 / 7.0 - 1_000.0).collect();
        for cal in [None, Some(1_610_000_000)] {
            let opts = SummaryOptions::new(TimestampUnit::Second)
                .with_time_unit(Some(TimeUnit::Week))
                .with_negative_amounts(NegativeAmounts::Net)
                .with_observation_end(Some(1_665_000_000))
                .with_calibration_end(cal);
            let of = |ids: &[i64]| {
                let log =
                    TransactionLog { customer_id: ids, timestamp: &ts, amount: Some(&amount) };
                summarize(&log, &opts).unwrap()
            };
            let (a, b) = (of(&dense), of(&sparse));
            assert!(a.len() > customers as usize / 4);
            let back: Vec<i64> = b.customer_id.iter().map(|&c| (c - 7) / 1_000).collect();
            assert_eq!(a.customer_id, back);
            assert_eq!(a.excluded_customers, b.excluded_customers);
            let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            for (x, y) in [(&a.frequency, &b.frequency), (&a.recency, &b.recency), (&a.t, &b.t)] {
                assert_eq!(bits(x), bits(y));
            }
            assert_eq!(
                bits(a.monetary_value.as_ref().unwrap()),
                bits(b.monetary_value.as_ref().unwrap())
            );
            assert_eq!(a.holdout.is_some(), cal.is_some());
            if let (Some(h), Some(k)) = (&a.holdout, &b.holdout) {
                assert_eq!(bits(&h.frequency), bits(&k.frequency));
                assert_eq!(
                    bits(h.monetary_value.as_ref().unwrap()),
                    bits(k.monetary_value.as_ref().unwrap())
                );
                assert!(a.excluded_customers > 0);
            }
        }
    }
}

mod props {
    use cvm_core::{
        compress, summarize, NegativeAmounts, SummaryOptions, TimestampUnit, TransactionLog,
    };
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn summary_invariants(rows in proptest::collection::vec((0i64..20, 0i64..400, -50.0f64..500.0), 1..200)) {
            let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
            let ts: Vec<i64> = rows.iter().map(|r| r.1).collect();
            let amt: Vec<f64> = rows.iter().map(|r| r.2).collect();
            let opts = SummaryOptions::new(TimestampUnit::Day).with_negative_amounts(NegativeAmounts::Net);
            let s = summarize(&TransactionLog { customer_id: &ids, timestamp: &ts, amount: Some(&amt) }, &opts).unwrap();
            prop_assert!(s.monetary_value.as_ref().unwrap().iter().all(|m| m.is_finite()));
            let mut uniq = ids.clone(); uniq.sort(); uniq.dedup();
            prop_assert_eq!(&s.customer_id, &uniq);
            let distinct_days: usize = { let mut p: Vec<(i64,i64)> = ids.iter().zip(&ts).map(|(a,b)|(*a,*b)).collect(); p.sort(); p.dedup(); p.len() };
            prop_assert_eq!(s.frequency.iter().sum::<f64>() as usize + uniq.len(), distinct_days);
            for i in 0..s.len() {
                prop_assert!(s.recency[i] >= 0.0 && s.recency[i] <= s.t[i]);
                prop_assert!((s.frequency[i] == 0.0) == (s.recency[i] == 0.0));
            }
            let c = compress(&s.frequency, &s.recency, &s.t).unwrap();
            prop_assert_eq!(c.expand(), (s.frequency.clone(), s.recency.clone(), s.t.clone()));
        }
    }
}
