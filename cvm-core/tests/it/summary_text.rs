//! The summary of text customer ids (`summary::summarize_text`) against the summary of their
//! codes (`summary::text_codes`, then `summarize`): the same, bit for bit, on each of its paths.

use crate::common::xorshift;
use cvm_core::summary::{summarize_text, text_codes, TextTransactionLog};
use cvm_core::{
    summarize, CustomerSummary, Error, NegativeAmounts, SummaryOptions, TimeUnit, TimestampUnit,
    TransactionLog,
};

/// Ids as one buffer and their offsets.
fn text(ids: &[String]) -> (Vec<usize>, Vec<u8>) {
    let mut offsets = vec![0];
    let mut data = Vec::new();
    for id in ids {
        data.extend_from_slice(id.as_bytes());
        offsets.push(data.len());
    }
    (offsets, data)
}

/// Every number of a summary as its bits (so that -0.0 and 0.0 differ), with its counts.
fn bits(s: &CustomerSummary) -> Vec<u64> {
    let mut out: Vec<u64> = s.customer_id.iter().map(|&c| c as u64).collect();
    let mut columns = vec![&s.frequency, &s.recency, &s.t];
    columns.extend(s.monetary_value.as_ref());
    if let Some(h) = &s.holdout {
        columns.push(&h.frequency);
        columns.extend(h.monetary_value.as_ref());
        out.push(h.duration.to_bits());
    }
    for c in columns {
        out.push(c.len() as u64);
        out.extend(c.iter().map(|v| v.to_bits()));
    }
    out.push(s.excluded_customers as u64);
    out
}

/// Below the sharded size, sharded, and from the size where the codes take the radix sort; with
/// and without amounts, a calibration split (holdout, excluded customers), the first purchase
/// included, weeks of two: the summary of the codes, bit for bit, and the codes' first rows.
#[test]
fn text_ids_give_the_summary_of_their_codes_bit_for_bit() {
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15u64);
    for (rows, customers) in [(300usize, 40u64), (200_000, 30_000), (1_100_000, 150_000)] {
        // Shared prefixes of 8 and more than 16 bytes, non-ASCII ids, the empty id.
        let ids: Vec<String> = (0..rows)
            .map(|_| match next(customers) {
                0 => String::new(),
                c if c % 3 == 0 => format!("customer-with-a-long-name-{c}"),
                c if c % 3 == 1 => format!("é{c}"),
                c => format!("c{c}"),
            })
            .collect();
        let (offsets, data) = text(&ids);
        let ts: Vec<i64> = (0..rows).map(|_| 1_600_000_000 + next(730 * 86_400) as i64).collect();
        let amount: Vec<f64> = (0..rows).map(|_| next(100_000) as f64 / 7.0 - 1_000.0).collect();
        let codes = text_codes(&offsets, &data).unwrap();
        for (cal, with_amount, first, freq) in [
            (None, true, false, (TimeUnit::Day, 1)),
            (Some(1_610_000_000), true, true, (TimeUnit::Week, 2)),
            (Some(1_610_000_000), false, false, (TimeUnit::Day, 1)),
        ] {
            let amount = with_amount.then_some(&amount[..]);
            let opts = SummaryOptions::new(TimestampUnit::Second)
                .with_freq(freq.0)
                .with_freq_multiplier(freq.1)
                .with_time_unit(Some(TimeUnit::Week))
                .with_negative_amounts(NegativeAmounts::Net)
                .with_include_first_purchase(first)
                .with_observation_end(Some(1_665_000_000))
                .with_calibration_end(cal);
            let log = TextTransactionLog { offsets: &offsets, data: &data, timestamp: &ts, amount };
            let got = summarize_text(&log, &opts).unwrap();
            let coded = TransactionLog { customer_id: &codes.codes, timestamp: &ts, amount };
            let want = summarize(&coded, &opts).unwrap();
            assert_eq!(bits(&got.summary), bits(&want), "{rows} rows, calibration {cal:?}");
            assert_eq!(got.first_row, codes.first_row);
            assert!(got.summary.len() > customers as usize / 4);
            assert_eq!(got.summary.excluded_customers > 0, cal.is_some());
        }
    }
}

/// The errors of the text ids and of the summary, each naming its argument (and row).
#[test]
fn text_summary_errors_name_the_argument_and_row() {
    let opts = SummaryOptions::new(TimestampUnit::Day);
    let log = |offsets: &'static [usize], data: &'static [u8], ts: &'static [i64]| {
        TextTransactionLog { offsets, data, timestamp: ts, amount: None }
    };
    let e = summarize_text(&log(&[0, 2, 1], b"abc", &[0, 1]), &opts).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("offsets"), Some(1)), "{e}");
    let e = summarize_text(&log(&[], b"", &[]), &opts).unwrap_err();
    assert!(matches!(e, Error::Empty { .. }) && e.field() == Some("customer_id"), "{e}");
    let e = summarize_text(&log(&[0, 1, 2], b"ab", &[0]), &opts).unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { .. }) && e.field() == Some("datetime"), "{e}");
    let e = summarize_text(&log(&[0, 1, 2], b"ab", &[0, i64::MIN]), &opts).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("datetime"), Some(1)), "{e}");
    // Amounts that overflow: the customer named by its id and first row.
    let big = String::from("big \"one\"");
    let (offsets, data) = text(&["small".into(), big.clone(), big.clone(), big]);
    let ts = [0, 1, 2, 3];
    let with = |amount: &[f64; 4]| {
        let log = TextTransactionLog {
            offsets: &offsets,
            data: &data,
            timestamp: &ts,
            amount: Some(amount),
        };
        summarize_text(&log, &opts).unwrap_err()
    };
    let e = with(&[1.0, 1.0, f64::MAX, f64::MAX]);
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(1)), "{e}");
    assert!(e.to_string().contains(r#"customer "big \"one\"" (first row 1)"#), "{e}");
    // A negative amount (an error by default).
    let e = with(&[1.0, -2.0, 3.0, 4.0]);
    assert_eq!((e.field(), e.index()), (Some("monetary_value"), Some(1)), "{e}");
}
