//! Tests of the value decomposition (see [`super`]).

use super::*;
use crate::value::{Horizon, Series};
use approx::assert_relative_eq;

#[test]
fn shared_cashflow_potential_is_broadcast() {
    let clv = CashflowClv::new(Series::Constant(100.0), 0.1, Horizon::Infinite);
    let clv = CashflowClv { retention: Series::Constant(0.8), ..clv };
    let d = ValueDecomposition {
        realised: Realised::Total(&[1.0, 2.0, 3.0]),
        potential: Potential::Cashflow(clv),
        ..Default::default()
    }
    .compute()
    .unwrap();
    for i in 0..3 {
        assert_relative_eq!(d.potential()[i], 100.0 / 0.3, max_relative = 1e-13);
        assert_relative_eq!(d.total()[i], 100.0 / 0.3 + (i + 1) as f64, max_relative = 1e-13);
    }
    assert_eq!(d.influence(), &[0.0; 3]);
}

#[test]
fn per_customer_cashflow_potential_must_match() {
    let rev = [10.0, 20.0];
    let clv = CashflowClv::new(Series::PerCustomer(&rev), 0.0, Horizon::Periods(2));
    let ok = ValueDecomposition { potential: Potential::Cashflow(clv), ..Default::default() }
        .compute()
        .unwrap();
    assert_eq!(ok.potential(), &[20.0, 40.0]);
    assert_eq!(ok.realised(), &[0.0, 0.0]);
    let e = ValueDecomposition {
        realised: Realised::Total(&[1.0, 2.0, 3.0]),
        potential: Potential::Cashflow(clv),
        ..Default::default()
    }
    .compute()
    .unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "potential".into(), expected: 3, got: 2 });
}

#[test]
fn influence_counts_only_for_highly_satisfied_customers() {
    // 100 customers: satisfaction cycles 1..=5; each refers 3 people, 40 % convert, 250 each.
    let sat: Vec<f64> = (0..100).map(|i| f64::from(i % 5 + 1)).collect();
    let gated = |s: Satisfaction<'_>| {
        ValueDecomposition {
            influence: Influence::SatisfiedReferrals {
                referrals: Scalar::Constant(3.0),
                conversion: Scalar::Constant(0.4),
                value: Scalar::Constant(250.0),
                satisfaction: s,
            },
            ..Default::default()
        }
        .compute()
    };
    let d = gated(Satisfaction::new(&sat)).unwrap();
    for (i, &x) in d.influence().iter().enumerate() {
        let want = if sat[i] >= 4.0 { 3.0 * 0.4 * 250.0 } else { 0.0 };
        assert_eq!(x, want, "customer {i} satisfaction {}", sat[i]);
    }
    // Low satisfaction (<= 2): 40 customers, none with influence.
    let low = (0..100).filter(|&i| sat[i] <= 2.0).map(|i| d.influence()[i]).sum::<f64>();
    assert_eq!(low, 0.0);
    assert_relative_eq!(d.sum_influence(), 40.0 * 300.0, max_relative = 1e-15);
    // The plain form counts everyone.
    let plain = ValueDecomposition {
        influence: Influence::Referrals {
            referrals: Scalar::Constant(3.0),
            conversion: Scalar::Constant(0.4),
            value: Scalar::PerCustomer(&[250.0; 100]),
        },
        ..Default::default()
    }
    .compute()
    .unwrap();
    assert_relative_eq!(plain.sum_influence(), 100.0 * 300.0, max_relative = 1e-15);
    // Threshold 5 on the 1-5 scale, and a 0-10 scale with threshold 9.
    let top = gated(Satisfaction { threshold: 5.0, ..Satisfaction::new(&sat) }).unwrap();
    assert_relative_eq!(top.sum_influence(), 20.0 * 300.0, max_relative = 1e-15);
    let nps = [10.0, 9.0, 8.5, 0.0];
    let s = Satisfaction { min: 0.0, max: 10.0, threshold: 9.0, ..Satisfaction::new(&nps) };
    let v = 3.0 * 0.4 * 250.0;
    assert_eq!(gated(s).unwrap().influence(), &[v, v, 0.0, 0.0]);
}

#[test]
fn missing_satisfaction_is_never_satisfied() {
    let sat = [5.0, f64::NAN, 4.0];
    let run = |missing| {
        ValueDecomposition {
            influence: Influence::SatisfiedReferrals {
                referrals: Scalar::Constant(1.0),
                conversion: Scalar::Constant(1.0),
                value: Scalar::Constant(10.0),
                satisfaction: Satisfaction { missing, ..Satisfaction::new(&sat) },
            },
            ..Default::default()
        }
        .compute()
    };
    let e = run(MissingSatisfaction::Error).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("satisfaction"), Some(1)));
    assert!(e.to_string().contains("no_influence"), "{e}");
    let d = run(MissingSatisfaction::NoInfluence).unwrap();
    assert_eq!(d.influence(), &[10.0, 0.0, 10.0]);
    assert_eq!("No-Influence".parse::<MissingSatisfaction>().unwrap().as_str(), "no_influence");
    assert!("satisfied".parse::<MissingSatisfaction>().is_err());
}

#[test]
fn bad_satisfaction_is_a_typed_error() {
    let sat = [4.0, 6.0];
    let cases: [(Satisfaction<'_>, &str, Option<usize>); 5] = [
        (Satisfaction::new(&sat), "satisfaction", Some(1)),
        (
            Satisfaction { threshold: 5.5, ..Satisfaction::new(&[4.0]) },
            "satisfaction_threshold",
            None,
        ),
        (Satisfaction { min: 5.0, ..Satisfaction::new(&[4.0]) }, "satisfaction_scale", None),
        (Satisfaction { max: f64::NAN, ..Satisfaction::new(&[4.0]) }, "satisfaction_scale", None),
        (Satisfaction::new(&[f64::INFINITY]), "satisfaction", Some(0)),
    ];
    for (s, field, index) in cases {
        let e = ValueDecomposition {
            influence: Influence::SatisfiedReferrals {
                referrals: Scalar::Constant(1.0),
                conversion: Scalar::Constant(1.0),
                value: Scalar::Constant(1.0),
                satisfaction: s,
            },
            ..Default::default()
        }
        .compute()
        .unwrap_err();
        assert_eq!((e.field(), e.index()), (Some(field), index), "{s:?}");
    }
    let e = ValueDecomposition {
        realised: Realised::Total(&[1.0, 2.0, 3.0]),
        influence: Influence::SatisfiedReferrals {
            referrals: Scalar::Constant(1.0),
            conversion: Scalar::Constant(1.0),
            value: Scalar::Constant(1.0),
            satisfaction: Satisfaction::new(&sat),
        },
        ..Default::default()
    }
    .compute()
    .unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "satisfaction".into(), expected: 3, got: 2 });
}

#[test]
fn history_without_compounding_is_a_row_sum() {
    let d = ValueDecomposition {
        realised: Realised::History { profit: &[1.0, 2.0, 3.0, 4.0], n_periods: 2, rate: 0.0 },
        ..Default::default()
    }
    .compute()
    .unwrap();
    assert_eq!(d.realised(), &[3.0, 7.0]);
    assert_eq!(d.sum_realised(), 10.0);
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = [1.0, 2.0];
    let cases: Vec<(ValueDecomposition, &str, Option<usize>)> = vec![
        (
            ValueDecomposition {
                realised: Realised::Total(&[1.0, f64::NAN]),
                ..Default::default()
            },
            "realised",
            Some(1),
        ),
        (
            ValueDecomposition { potential: Potential::Given(&[f64::NAN]), ..Default::default() },
            "potential",
            Some(0),
        ),
        (
            ValueDecomposition {
                influence: Influence::Given(&[1.0, f64::INFINITY]),
                ..Default::default()
            },
            "influence",
            Some(1),
        ),
        (
            ValueDecomposition {
                realised: Realised::History { profit: &x, n_periods: 1, rate: -1.0 },
                ..Default::default()
            },
            "rate",
            None,
        ),
        (
            ValueDecomposition {
                realised: Realised::History { profit: &[1.0, 2.0, 3.0], n_periods: 2, rate: 0.0 },
                ..Default::default()
            },
            "realised",
            None,
        ),
        (
            ValueDecomposition {
                influence: Influence::Referrals {
                    referrals: Scalar::PerCustomer(&[1.0, -1.0]),
                    conversion: Scalar::Constant(0.5),
                    value: Scalar::Constant(1.0),
                },
                ..Default::default()
            },
            "referrals",
            Some(1),
        ),
        (
            ValueDecomposition {
                influence: Influence::Referrals {
                    referrals: Scalar::Constant(1.0),
                    conversion: Scalar::PerCustomer(&[0.5, 1.5]),
                    value: Scalar::Constant(1.0),
                },
                ..Default::default()
            },
            "conversion",
            Some(1),
        ),
        (
            ValueDecomposition {
                realised: Realised::Total(&x),
                influence: Influence::Referrals {
                    referrals: Scalar::Constant(1.0),
                    conversion: Scalar::Constant(0.5),
                    value: Scalar::PerCustomer(&[1.0]),
                },
                ..Default::default()
            },
            "value",
            None,
        ),
    ];
    for (d, field, index) in cases {
        let e = d.compute().unwrap_err();
        assert_eq!((e.field(), e.index()), (Some(field), index), "{d:?}");
    }
    let e = ValueDecomposition { realised: Realised::Total(&[]), ..Default::default() }
        .compute()
        .unwrap_err();
    assert!(matches!(e, Error::Empty { .. }));
}

/// Seeded values in `0..m` with fractions.
fn seeded(n: usize, m: u64, seed: u64) -> Vec<f64> {
    crate::testing::xorshift(seed)
        .take(n)
        .map(|state| (state % m) as f64 + 0.001 * (state % 1000) as f64)
        .collect()
}

/// 150,000 customers with a compounded history, a per-customer cash-flow potential and
/// satisfied referrals: identical on one thread and on four, sums included; the sums within
/// rounding of one loop's.
#[cfg(feature = "parallel")]
#[test]
fn large_decompositions_are_identical_on_one_and_four_threads() {
    let (n, k) = (150_000, 3);
    let history = seeded(n * k, 500, 1);
    let margin = seeded(n, 100, 2);
    let referrals = seeded(n, 4, 3);
    let scores: Vec<f64> = seeded(n, 5, 4).iter().map(|s| 1.0 + s.floor()).collect();
    let run = |missing| {
        let mut satisfaction = Satisfaction::new(&scores);
        satisfaction.missing = missing;
        ValueDecomposition {
            realised: Realised::History { profit: &history, n_periods: k, rate: 0.1 },
            potential: Potential::Cashflow(CashflowClv::new(
                Series::PerCustomer(&margin),
                0.1,
                Horizon::Periods(5),
            )),
            influence: Influence::SatisfiedReferrals {
                referrals: Scalar::PerCustomer(&referrals),
                conversion: Scalar::Constant(0.25),
                value: Scalar::Constant(300.0),
                satisfaction,
            },
        }
        .compute()
    };
    let (one, four) = crate::parallel::on_one_and_four_threads(|| {
        let d = run(MissingSatisfaction::Error).unwrap();
        let sums = [d.sum_realised(), d.sum_potential(), d.sum_influence(), d.sum_total()];
        (sums.map(f64::to_bits), d)
    });
    assert_eq!(one, four);
    let d = &one.1;
    let loop_sum: f64 = d.total().iter().sum();
    assert_relative_eq!(d.sum_total(), loop_sum, max_relative = 1e-12);
    let gate = Satisfaction::new(&scores).highly_satisfied().unwrap();
    for i in [0, 77_777, n - 1] {
        let want = if gate[i] { referrals[i] * 0.25 * 300.0 } else { 0.0 };
        assert_eq!(d.influence()[i], want);
        let row = &history[i * k..(i + 1) * k];
        let compounded =
            row[0] * (2.0 * 0.1f64.ln_1p()).exp() + row[1] * 0.1f64.ln_1p().exp() + row[2];
        assert_relative_eq!(d.realised()[i], compounded, max_relative = 1e-12);
        assert_eq!(d.total()[i], d.realised()[i] + d.potential()[i] + d.influence()[i]);
    }
}

/// Up to one chunk the sums are one loop's, bit for bit.
#[test]
fn one_chunk_sums_as_one_loop() {
    let v = seeded(SUM_CHUNK, 1000, 5);
    assert_eq!(ordered_sum(&v).to_bits(), v.iter().sum::<f64>().to_bits());
    assert_eq!(ordered_sum(&[]).to_bits(), [0.0f64; 0].iter().sum::<f64>().to_bits());
}

/// Two bad rows among 150,000 (satisfaction scores, given values): the first is named, on one
/// thread and on four.
#[cfg(feature = "parallel")]
#[test]
fn large_bad_rows_name_the_first() {
    let n = 150_000;
    let mut scores = vec![3.0; n];
    (scores[140_000], scores[80_001]) = (f64::NAN, 9.0);
    let (one, four) = crate::parallel::on_one_and_four_threads(|| {
        Satisfaction::new(&scores).highly_satisfied().unwrap_err()
    });
    assert_eq!(one, four);
    assert_eq!((one.field(), one.index()), (Some("satisfaction"), Some(80_001)));
    let mut given = seeded(n, 100, 6);
    (given[100_000], given[99_999]) = (f64::INFINITY, f64::NAN);
    let (one, four) = crate::parallel::on_one_and_four_threads(|| {
        ValueDecomposition { potential: Potential::Given(&given), ..Default::default() }
            .compute()
            .unwrap_err()
    });
    assert_eq!(one, four);
    assert_eq!((one.field(), one.index()), (Some("potential"), Some(99_999)));
}
