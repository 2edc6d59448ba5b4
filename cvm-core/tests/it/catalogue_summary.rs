//! The bad-input catalogue of the customer summary: one row per class, each with the call, the
//! expected error variant, `field`, `index` and a substring of the message. The C
//! (`tests/c/test_summary_edges.c`) and Python (`cvm-py/tests/catalogue_summary.py`) tables hold
//! the same rows.

use cvm_core::{summarize, Error, NegativeAmounts, SummaryOptions, TimestampUnit, TransactionLog};

struct Case {
    name: &'static str,
    ids: Vec<i64>,
    ts: Vec<i64>,
    amount: Option<Vec<f64>>,
    opts: SummaryOptions,
    variant: fn(&Error) -> bool,
    field: &'static str,
    index: Option<usize>,
    message: &'static str,
}

fn invalid(e: &Error) -> bool {
    matches!(e, Error::InvalidValue { .. })
}

fn cases() -> Vec<Case> {
    let day = SummaryOptions::new(TimestampUnit::Day);
    let ns = SummaryOptions::new(TimestampUnit::Nanosecond);
    // 1500-01-01 and 10000-01-01 as day numbers.
    let (y1500, y10000) = (-171_622, 2_932_897);
    vec![
        Case {
            name: "timestamp before 0001-01-01 (day unit)",
            ids: vec![1, 1],
            ts: vec![0, -800_000],
            amount: None,
            opts: day.clone(),
            variant: invalid,
            field: "datetime",
            index: Some(1),
            message: "outside the supported dates",
        },
        Case {
            name: "timestamp after 9999-12-31 (seconds)",
            ids: vec![1, 2],
            ts: vec![y10000 * 86_400, 0],
            amount: None,
            opts: SummaryOptions::new(TimestampUnit::Second),
            variant: invalid,
            field: "datetime",
            index: Some(0),
            message: "outside the supported dates",
        },
        Case {
            name: "observation end out of range",
            ids: vec![1],
            ts: vec![y1500],
            amount: None,
            opts: day.clone().with_observation_end(Some(i64::MAX)),
            variant: invalid,
            field: "observation_period_end",
            index: None,
            message: "outside the supported dates",
        },
        Case {
            name: "calibration end out of range",
            ids: vec![1],
            ts: vec![0],
            amount: None,
            opts: day.clone().with_calibration_end(Some(i64::MIN + 1)),
            variant: invalid,
            field: "calibration_period_end",
            index: None,
            message: "outside the supported dates",
        },
        Case {
            name: "missing timestamp",
            ids: vec![1, 2],
            ts: vec![0, i64::MIN],
            amount: None,
            opts: day.clone(),
            variant: invalid,
            field: "datetime",
            index: Some(1),
            message: "missing timestamp",
        },
        Case {
            name: "day numbers read as nanoseconds (every T = 0)",
            ids: vec![1, 1, 2],
            ts: vec![19_723, 19_737, 19_725],
            amount: None,
            opts: ns.clone(),
            variant: invalid,
            field: "timestamp_unit",
            index: None,
            message: "T = 0",
        },
        Case {
            name: "amounts whose sum overflows",
            ids: vec![3, 3, 3],
            ts: vec![0, 1, 2],
            amount: Some(vec![1.0, f64::MAX, f64::MAX]),
            opts: day.clone(),
            variant: invalid,
            field: "monetary_value",
            index: Some(0),
            message: "beyond the range",
        },
        Case {
            name: "NaN amount",
            ids: vec![1, 1],
            ts: vec![0, 1],
            amount: Some(vec![1.0, f64::NAN]),
            opts: day.clone(),
            variant: invalid,
            field: "monetary_value",
            index: Some(1),
            message: "finite",
        },
        Case {
            name: "negative amount (default)",
            ids: vec![1, 1],
            ts: vec![0, 1],
            amount: Some(vec![10.0, -4.0]),
            opts: day.clone(),
            variant: invalid,
            field: "monetary_value",
            index: Some(1),
            message: "negative_amounts",
        },
        Case {
            name: "transaction after the observation end",
            ids: vec![1, 1],
            ts: vec![0, 9],
            amount: None,
            opts: day.clone().with_observation_end(Some(5)),
            variant: invalid,
            field: "datetime",
            index: Some(1),
            message: "after observation_period_end",
        },
        Case {
            name: "length mismatch",
            ids: vec![1, 2],
            ts: vec![0],
            amount: None,
            opts: day.clone(),
            variant: |e| matches!(e, Error::LengthMismatch { .. }),
            field: "datetime",
            index: None,
            message: "expected 2",
        },
        Case {
            name: "empty log",
            ids: vec![],
            ts: vec![],
            amount: None,
            opts: day,
            variant: |e| matches!(e, Error::Empty { .. }),
            field: "customer_id",
            index: None,
            message: "is empty",
        },
    ]
}

#[test]
fn every_catalogue_case_fails_as_listed() {
    for c in cases() {
        let log =
            TransactionLog { customer_id: &c.ids, timestamp: &c.ts, amount: c.amount.as_deref() };
        let e = summarize(&log, &c.opts).expect_err(c.name);
        assert!((c.variant)(&e), "{}: {e:?}", c.name);
        assert_eq!((e.field(), e.index()), (Some(c.field), c.index), "{}: {e}", c.name);
        assert!(e.to_string().contains(c.message), "{}: {e}", c.name);
    }
    // Netting makes the negative-amount case a summary.
    let log =
        TransactionLog { customer_id: &[1, 1], timestamp: &[0, 1], amount: Some(&[10.0, -4.0]) };
    let o = SummaryOptions::new(TimestampUnit::Day).with_negative_amounts(NegativeAmounts::Net);
    assert_eq!(summarize(&log, &o).unwrap().monetary_value, Some(vec![-4.0]));
}

/// Text ids (`text_codes` and `summarize_text`, the input of bindings that hold ids as text):
/// offsets that do not describe the buffer are an error naming `offsets` and the first bad row.
#[test]
fn text_id_catalogue_cases_fail_as_listed() {
    /// (name, offsets, text, the row named, a substring of the message)
    type TextCase = (&'static str, &'static [usize], &'static [u8], usize, &'static str);
    let cases: [TextCase; 3] = [
        ("offsets that decrease", &[0, 2, 1, 3], b"abc", 1, "decrease"),
        ("offsets past the text", &[0, 1, 4], b"abc", 1, "past the 3 bytes"),
        ("a first offset past the text", &[5, 6], b"abc", 0, "past the 3 bytes"),
    ];
    for (name, offsets, data, row, message) in cases {
        let timestamp = vec![0; offsets.len() - 1];
        let log = cvm_core::summary::TextTransactionLog {
            offsets,
            data,
            timestamp: &timestamp,
            amount: None,
        };
        let opts = SummaryOptions::new(TimestampUnit::Day);
        for e in [
            cvm_core::summary::text_codes(offsets, data).expect_err(name),
            cvm_core::summary::summarize_text(&log, &opts).expect_err(name),
        ] {
            assert!(matches!(e, Error::InvalidValue { .. }), "{name}: {e:?}");
            assert_eq!((e.field(), e.index()), (Some("offsets"), Some(row)), "{name}: {e}");
            assert!(e.to_string().contains(message), "{name}: {e}");
        }
    }
}
