//! Tests of the `value` area: cash-flow CLV, value decomposition, value matrix, whale curve.

use approx::{assert_abs_diff_eq, assert_relative_eq};
use cvm_core::prec::EXACT_REL;
use cvm_core::value::*;
use cvm_core::Error;
use proptest::prelude::*;

use crate::common::*;

const PRESENT: RetentionConvention = RetentionConvention::PresentInFirstPeriod;
const SURVIVE: RetentionConvention = RetentionConvention::SurviveFirstPeriod;

/// The method's worked example: acquisition 2,500, retention cost 500 a year, revenue 1,000 /
/// 1,500 / 2,000 a year after, 15 %, 5 years, retention certain.
fn worked_example<'a>(revenue: &'a [f64], timing: Timing) -> CashflowClv<'a> {
    CashflowClv {
        cost: Series::Constant(500.0),
        acquisition_cost: Scalar::Constant(2500.0),
        timing,
        ..CashflowClv::new(Series::Schedule(revenue), 0.15, Horizon::Periods(5))
    }
}

#[test]
fn worked_example_end_of_year() {
    let revenue = [1000.0, 1500.0, 2000.0];
    let clv = worked_example(&revenue, Timing::End);
    let v = clv.compute().unwrap();
    assert_eq!(v.len(), 1);
    // Published to the cent.
    assert_abs_diff_eq!(v[0], 1280.60, epsilon = 0.005);
    // Exactly: 500/1.15 + 1000/1.15² + 1500/1.15³ + 1500/1.15⁴ + 1500/1.15⁵ − 2500.
    let exact: f64 = [500.0, 1000.0, 1500.0, 1500.0, 1500.0]
        .iter()
        .enumerate()
        .map(|(t, c)| c / 1.15f64.powi(t as i32 + 1))
        .sum::<f64>()
        - 2500.0;
    assert_relative_eq!(v[0], exact, max_relative = EXACT_REL);
    assert_relative_eq!(v[0], 1280.5955959774055, max_relative = EXACT_REL);

    let b = clv.breakdown(0).unwrap();
    assert_eq!(b.rows.len(), 5);
    assert_eq!(b.acquisition_cost, 2500.0);
    assert_eq!(b.tail_value, 0.0);
    let revenue_rows: Vec<f64> = b.rows.iter().map(|r| r.revenue).collect();
    assert_eq!(revenue_rows, vec![1000.0, 1500.0, 2000.0, 2000.0, 2000.0]);
    let pv = [
        434.7826086956522,
        756.1436672967865,
        986.2743486479824,
        857.6298683895501,
        745.7651029474348,
    ];
    for (t, row) in b.rows.iter().enumerate() {
        assert_eq!(row.period, t + 1);
        assert_eq!(row.cost, 500.0);
        assert_eq!(row.margin, 1.0);
        assert_eq!(row.survival, 1.0);
        assert_relative_eq!(
            row.discount_factor,
            1.15f64.powi(-(t as i32 + 1)),
            max_relative = 1e-14
        );
        assert_relative_eq!(row.present_value, pv[t], max_relative = EXACT_REL);
    }
    // Cumulative value from −2,500: still negative after year 3, break-even in year 4.
    assert_abs_diff_eq!(b.rows[0].cumulative, -2065.22, epsilon = 0.005);
    assert_abs_diff_eq!(b.rows[2].cumulative, -322.80, epsilon = 0.005);
    assert_abs_diff_eq!(b.rows[3].cumulative, 534.83, epsilon = 0.005);
    assert_relative_eq!(b.rows[4].cumulative, v[0], max_relative = EXACT_REL);
    assert_relative_eq!(b.clv, v[0], max_relative = EXACT_REL);
}

#[test]
fn worked_example_start_of_year() {
    let revenue = [1000.0, 1500.0, 2000.0];
    let v = worked_example(&revenue, Timing::Start).compute().unwrap()[0];
    assert_abs_diff_eq!(v, 1847.68, epsilon = 0.005);
    assert_relative_eq!(v, 1847.6849353740163, max_relative = EXACT_REL);
    // Start-of-period flows are the end-of-period ones one period earlier: (CLV_end + A)·(1 + d) − A.
    let end = worked_example(&revenue, Timing::End).compute().unwrap()[0];
    assert_relative_eq!(v, (end + 2500.0) * 1.15 - 2500.0, max_relative = EXACT_REL);
}

#[test]
fn worked_example_as_per_customer_inputs() {
    // The same customer given as a per-customer revenue matrix (3 columns, last repeats) twice,
    // with a second customer who has no acquisition cost.
    let revenue = [1000.0, 1500.0, 2000.0, 1000.0, 1500.0, 2000.0];
    let acquisition = [2500.0, 0.0];
    let clv = CashflowClv {
        cost: Series::PerCustomer(&[500.0, 500.0]),
        acquisition_cost: Scalar::PerCustomer(&acquisition),
        ..CashflowClv::new(
            Series::Matrix { values: &revenue, n_periods: 3 },
            0.15,
            Horizon::Periods(5),
        )
    };
    let v = clv.compute().unwrap();
    assert_relative_eq!(v[0], 1280.5955959774055, max_relative = EXACT_REL);
    assert_relative_eq!(v[1], 3780.5955959774055, max_relative = EXACT_REL);
    assert_eq!(clv.n_customers().unwrap(), 2);
}

#[test]
fn infinite_breakdown_with_more_rows() {
    // Schedules end after 2 periods; list 10 periods and the tail after them.
    let revenue = [100.0, 200.0];
    let retention = [0.5, 0.8];
    let clv = CashflowClv {
        retention: Series::Schedule(&retention),
        timing: Timing::Start,
        ..CashflowClv::new(Series::Schedule(&revenue), 0.25, Horizon::Infinite)
    };
    let value = clv.compute().unwrap()[0];
    // Start of period: 100 + 200·0.5/1.25 + tail c·P_2·v_2·r/(1 + d − r) = 200·0.5·0.8·0.8/0.45.
    let want = 100.0 + 80.0 + 80.0 * 0.8 / 0.45;
    assert_relative_eq!(value, want, max_relative = 1e-13);
    let short = clv.breakdown(0).unwrap();
    assert_eq!(short.rows.len(), 2);
    let long = clv.breakdown_rows(0, 10).unwrap();
    assert_eq!(long.rows.len(), 10);
    assert_eq!(long.rows[9].period, 10);
    assert_relative_eq!(long.rows[9].survival, 0.5 * 0.8f64.powi(8), max_relative = 1e-14);
    assert_relative_eq!(long.rows[9].discount_factor, 1.25f64.powi(-9), max_relative = 1e-14);
    assert_relative_eq!(long.clv, value, max_relative = 1e-13);
    assert_relative_eq!(long.rows[9].cumulative + long.tail_value, value, max_relative = 1e-13);
    assert!(long.tail_value < short.tail_value);
    // Finite horizons list every period whatever the request.
    let finite = CashflowClv { horizon: Horizon::Periods(4), ..clv };
    assert_eq!(finite.breakdown_rows(0, 10).unwrap().rows.len(), 4);
}

#[test]
fn many_customers_match_one_by_one() {
    // Enough customers for the work to be split in chunks (and over threads with `parallel`).
    let n = 20_011;
    let revenue: Vec<f64> = (0..n * 3).map(|i| ((i * 7919) % 1000) as f64).collect();
    let retention: Vec<f64> = (0..n).map(|i| ((i * 104_729) % 997) as f64 / 1000.0).collect();
    let clv = CashflowClv {
        retention: Series::PerCustomer(&retention),
        cost: Series::Constant(25.0),
        ..CashflowClv::new(
            Series::Matrix { values: &revenue, n_periods: 3 },
            0.08,
            Horizon::Infinite,
        )
    };
    let all = clv.compute().unwrap();
    assert_eq!(all.len(), n);
    for c in [0, 1, 8191, 8192, 8193, 16_384, n - 1] {
        let one = CashflowClv {
            revenue: Series::Schedule(&revenue[c * 3..c * 3 + 3]),
            retention: Series::Constant(retention[c]),
            ..clv
        };
        assert_eq!(all[c], one.compute().unwrap()[0], "customer {c}");
        assert_eq!(all[c], clv.breakdown(c).unwrap().clv, "customer {c}");
    }
}

#[test]
fn hand_computed_options() {
    use Horizon::{Infinite, Periods};
    use Timing::Start;
    // (label, config, expected)
    let rev_sched = [100.0, 50.0];
    let cost_sched = [10.0, 20.0, 30.0];
    let ret_sched = [0.9, 0.5];
    let margin_sched = [0.5, 0.4];
    let base = |h| CashflowClv::new(Series::Constant(100.0), 0.1, h);
    let cases: Vec<(&str, CashflowClv, f64)> = vec![
        ("1 period, end", base(Periods(1)), 100.0 / 1.1),
        ("1 period, start", CashflowClv { timing: Start, ..base(Periods(1)) }, 100.0),
        (
            "retention 0.6, 2 periods, end",
            CashflowClv { retention: Series::Constant(0.6), ..base(Periods(2)) },
            100.0 / 1.1 + 60.0 / 1.21,
        ),
        (
            "retention 0.6, 2 periods, survive first period",
            CashflowClv {
                retention: Series::Constant(0.6),
                convention: SURVIVE,
                ..base(Periods(2))
            },
            60.0 / 1.1 + 36.0 / 1.21,
        ),
        (
            "retention 0.6, infinite, end: m / (1 + d − r)",
            CashflowClv { retention: Series::Constant(0.6), ..base(Infinite) },
            100.0 / 0.5,
        ),
        (
            "retention 0.6, infinite, start: m (1 + d) / (1 + d − r)",
            CashflowClv { retention: Series::Constant(0.6), timing: Start, ..base(Infinite) },
            110.0 / 0.5,
        ),
        (
            "retention 0.6, infinite, survive: m r / (1 + d − r)",
            CashflowClv { retention: Series::Constant(0.6), convention: SURVIVE, ..base(Infinite) },
            60.0 / 0.5,
        ),
        (
            "revenue schedule 100, 50, 50, no discount, 3 periods",
            CashflowClv {
                revenue: Series::Schedule(&rev_sched),
                discount_rate: 0.0,
                ..base(Periods(3))
            },
            200.0,
        ),
        (
            "cost schedule 10, 20, 30, 30, 4 periods, no discount",
            CashflowClv {
                cost: Series::Schedule(&cost_sched),
                discount_rate: 0.0,
                ..base(Periods(4))
            },
            400.0 - 90.0,
        ),
        (
            "margin schedule .5, .4, .4, 3 periods, no discount",
            CashflowClv {
                margin: Series::Schedule(&margin_sched),
                discount_rate: 0.0,
                ..base(Periods(3))
            },
            50.0 + 40.0 + 40.0,
        ),
        (
            "retention schedule .9, .5 then .5: presence 1, .9, .45, infinite, no discount",
            CashflowClv {
                retention: Series::Schedule(&ret_sched),
                discount_rate: 0.0,
                ..base(Infinite)
            },
            // 100 + 90 + tail 90·0.5/(1 − 0.5)
            100.0 + 90.0 + 90.0,
        ),
        (
            "everything at once, infinite: explicit 3 periods + tail",
            CashflowClv {
                revenue: Series::Schedule(&rev_sched),
                cost: Series::Schedule(&cost_sched),
                margin: Series::Constant(0.8),
                retention: Series::Schedule(&ret_sched),
                acquisition_cost: Scalar::Constant(5.0),
                ..base(Infinite)
            },
            // contributions 70, 20, 10, 10…; presence 1, .9, .45, .225…
            70.0 / 1.1
                + 20.0 * 0.9 / 1.21
                + 10.0 * 0.45 / 1.331
                + 10.0 * 0.45 / 1.331 * 0.5 / (1.1 - 0.5)
                - 5.0,
        ),
        (
            "negative discount rate (-10 %), 2 periods, end",
            CashflowClv { discount_rate: -0.1, ..base(Periods(2)) },
            100.0 / 0.9 + 100.0 / 0.81,
        ),
    ];
    for (label, config, want) in cases {
        let got = config.compute().unwrap()[0];
        assert!((got - want).abs() <= 1e-12 * want.abs(), "{label}: got {got}, want {want}");
        let b = config.breakdown(0).unwrap();
        assert!((b.clv - got).abs() <= 1e-12 * got.abs(), "{label}: breakdown {}", b.clv);
    }
}

#[test]
fn survival_curve_from_the_retention_data() {
    // Survival of two cohorts (regular and high-end), years 0–12, in percent.
    let text = read_data("sbg_retention_survival.csv");
    let mut curves = [vec![], vec![]];
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let c: Vec<f64> = line.split(',').map(|x| x.trim().parse().unwrap()).collect();
        curves[0].push(c[1] / 100.0);
        curves[1].push(c[2] / 100.0);
    }
    let points = curves[0].len();
    assert_eq!(points, 13);
    let survival: Vec<f64> = curves.concat();
    let rates = retention_from_survival(&survival, points).unwrap();
    assert_eq!(rates.len(), 2 * (points - 1));
    assert_relative_eq!(rates[0], 0.631, max_relative = 1e-14);
    assert_relative_eq!(rates[12], 0.869, max_relative = 1e-14);

    let (m, d) = (100.0, 0.1);
    for convention in [PRESENT, SURVIVE] {
        let clv = CashflowClv {
            retention: Series::Matrix { values: &rates, n_periods: points - 1 },
            convention,
            ..CashflowClv::new(Series::Constant(m), d, Horizon::Periods(points - 1))
        };
        let v = clv.compute().unwrap();
        for (c, curve) in curves.iter().enumerate() {
            // Present in period t with probability S(t − 1) (or S(t) when period 1 must be survived).
            let shift = usize::from(convention == SURVIVE);
            let want: f64 =
                (1..points).map(|t| m * curve[t - 1 + shift] / (1.0 + d).powi(t as i32)).sum();
            assert_relative_eq!(v[c], want, max_relative = 1e-12);
        }
    }
    // Regular customers, present-in-period-1 convention, 12 years at 10 %:
    // Σ_{t=1}^{12} 100 · S(t − 1) / 1.1^t = 295.6220487827268.
    let clv = CashflowClv {
        retention: Series::Schedule(&rates[..points - 1]),
        ..CashflowClv::new(Series::Constant(m), d, Horizon::Periods(12))
    };
    assert_relative_eq!(clv.compute().unwrap()[0], 295.6220487827268, max_relative = 1e-12);
}

#[test]
fn closed_form_matches_the_engine() {
    for (m, r, d) in [(100.0, 0.8, 0.1), (35.0, 0.95, 0.02), (10.0, 0.0, 0.5), (7.0, 0.3, -0.2)] {
        for timing in [Timing::End, Timing::Start] {
            for convention in [PRESENT, SURVIVE] {
                for horizon in [Horizon::Infinite, Horizon::Periods(1), Horizon::Periods(17)] {
                    let closed = closed_form_clv(m, r, d, horizon, timing, convention).unwrap();
                    let engine = CashflowClv {
                        retention: Series::Constant(r),
                        timing,
                        convention,
                        ..CashflowClv::new(Series::Constant(m), d, horizon)
                    }
                    .compute()
                    .unwrap()[0];
                    assert_relative_eq!(closed, engine, max_relative = 1e-12);
                }
            }
        }
    }
}

#[test]
fn textbook_closed_form_values() {
    // m / (1 + d − r) with m = 100, r = 0.8, d = 0.12 → 312.5; surviving first period → 250.
    let v = closed_form_clv(100.0, 0.8, 0.12, Horizon::Infinite, Timing::End, PRESENT).unwrap();
    assert_relative_eq!(v, 312.5, max_relative = EXACT_REL);
    let v = closed_form_clv(100.0, 0.8, 0.12, Horizon::Infinite, Timing::End, SURVIVE).unwrap();
    assert_relative_eq!(v, 250.0, max_relative = EXACT_REL);
    let v = closed_form_clv(100.0, 0.8, 0.12, Horizon::Infinite, Timing::Start, PRESENT).unwrap();
    assert_relative_eq!(v, 350.0, max_relative = EXACT_REL);
}

fn series_strategy(max_len: usize, lo: f64, hi: f64) -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(lo..hi, 1..=max_len)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The closed form equals the long finite sum (explicit, 4000 periods; q^4000 is negligible).
    #[test]
    fn closed_form_equals_long_finite_sum(
        m in -500.0..500.0f64,
        r in 0.0..0.97f64,
        d in 0.0..0.5f64,
        start in any::<bool>(),
        survive in any::<bool>(),
    ) {
        let timing = if start { Timing::Start } else { Timing::End };
        let convention = if survive { SURVIVE } else { PRESENT };
        let closed = closed_form_clv(m, r, d, Horizon::Infinite, timing, convention).unwrap();
        // Sum written out here, independent of the library.
        let (mut sum, mut presence) = (0.0, if survive { r } else { 1.0 });
        for t in 1..=4000 {
            let exponent = if start { t - 1 } else { t };
            sum += m * presence / (1.0 + d).powi(exponent);
            presence *= r;
        }
        prop_assert!((closed - sum).abs() <= 1e-10 * (1.0 + sum.abs()), "{closed} vs {sum}");
        let engine = CashflowClv {
            retention: Series::Constant(r),
            timing,
            convention,
            ..CashflowClv::new(Series::Constant(m), d, Horizon::Periods(4000))
        }
        .compute()
        .unwrap()[0];
        prop_assert!((engine - sum).abs() <= 1e-10 * (1.0 + sum.abs()), "{engine} vs {sum}");
    }

    /// Infinite horizon with schedules = explicit sum far enough out.
    #[test]
    fn infinite_horizon_equals_long_sum_with_schedules(
        revenue in series_strategy(6, 0.0, 1000.0),
        retention in series_strategy(6, 0.0, 0.95),
        d in 0.0..0.3f64,
        survive in any::<bool>(),
    ) {
        let convention = if survive { SURVIVE } else { PRESENT };
        let infinite = CashflowClv {
            retention: Series::Schedule(&retention),
            convention,
            ..CashflowClv::new(Series::Schedule(&revenue), d, Horizon::Infinite)
        };
        let long = CashflowClv { horizon: Horizon::Periods(3000), ..infinite };
        let (a, b) = (infinite.compute().unwrap()[0], long.compute().unwrap()[0]);
        prop_assert!((a - b).abs() <= 1e-9 * (1.0 + a.abs()), "{a} vs {b}");
    }

    /// Monotone in retention and revenue; decreasing in discount rate and costs (with
    /// non-negative contributions and margins).
    #[test]
    fn monotonicity(
        revenue in series_strategy(5, 0.0, 1000.0),
        cost_share in 0.0..1.0f64,
        margin in 0.0..1.0f64,
        retention in series_strategy(5, 0.0, 0.9),
        bump in 0.0..0.1f64,
        d in 0.0..0.4f64,
        d_step in 0.0..0.3f64,
        periods in prop::option::of(1usize..40),
        start in any::<bool>(),
    ) {
        let timing = if start { Timing::Start } else { Timing::End };
        // Cost up to the smallest margin-revenue, so every contribution is ≥ 0.
        let min_rev = revenue.iter().cloned().fold(f64::INFINITY, f64::min);
        let cost = cost_share * margin * min_rev;
        let base = CashflowClv {
            cost: Series::Constant(cost),
            margin: Series::Constant(margin),
            retention: Series::Schedule(&retention),
            timing,
            ..CashflowClv::new(Series::Schedule(&revenue), d, Horizon::from_periods(periods))
        };
        let v0 = base.compute().unwrap()[0];
        let tol = 1e-9 * (1.0 + v0.abs());

        let more_retention: Vec<f64> = retention.iter().map(|r| r + bump).collect();
        let v = CashflowClv { retention: Series::Schedule(&more_retention), ..base }.compute().unwrap()[0];
        prop_assert!(v >= v0 - tol, "retention: {v} < {v0}");

        let more_revenue: Vec<f64> = revenue.iter().map(|x| x + 1000.0 * bump).collect();
        let v = CashflowClv { revenue: Series::Schedule(&more_revenue), ..base }.compute().unwrap()[0];
        prop_assert!(v >= v0 - tol, "revenue: {v} < {v0}");

        let v = CashflowClv { discount_rate: d + d_step, ..base }.compute().unwrap()[0];
        prop_assert!(v <= v0 + tol, "discount: {v} > {v0}");

        let v = CashflowClv { cost: Series::Constant(cost + 100.0 * bump), ..base }.compute().unwrap()[0];
        prop_assert!(v <= v0 + tol, "cost: {v} > {v0}");

        let v = CashflowClv { acquisition_cost: Scalar::Constant(100.0 * bump), ..base }.compute().unwrap()[0];
        prop_assert!(v <= v0 + tol, "acquisition cost: {v} > {v0}");
    }

    /// A per-customer computation equals one computation per customer.
    #[test]
    fn vectorised_equals_one_by_one(
        rows in prop::collection::vec((series_strategy(4, 0.0, 500.0), 0.0..1.0f64, 0.0..100.0f64), 1..8),
        d in 0.0..0.2f64,
        periods in 1usize..12,
    ) {
        let width = 4;
        let mut matrix = vec![];
        for (rev, _, _) in &rows {
            let mut row = rev.clone();
            row.resize(width, *rev.last().unwrap());
            matrix.extend(row);
        }
        let retention: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let acquisition: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let all = CashflowClv {
            retention: Series::PerCustomer(&retention),
            acquisition_cost: Scalar::PerCustomer(&acquisition),
            ..CashflowClv::new(Series::Matrix { values: &matrix, n_periods: width }, d, Horizon::Periods(periods))
        }
        .compute()
        .unwrap();
        prop_assert_eq!(all.len(), rows.len());
        for (c, (rev, r, a)) in rows.iter().enumerate() {
            let one = CashflowClv {
                retention: Series::Constant(*r),
                acquisition_cost: Scalar::Constant(*a),
                ..CashflowClv::new(Series::Schedule(rev), d, Horizon::Periods(periods))
            }
            .compute()
            .unwrap()[0];
            prop_assert_eq!(all[c], one);
        }
    }
}

#[test]
fn cashflow_bad_input() {
    let base = CashflowClv::new(Series::Constant(100.0), 0.1, Horizon::Periods(3));
    let cases: Vec<(CashflowClv, &str, Option<usize>)> = vec![
        (CashflowClv { discount_rate: -1.0, ..base }, "discount_rate", None),
        (CashflowClv { discount_rate: -1.5, ..base }, "discount_rate", None),
        (CashflowClv { retention: Series::Schedule(&[0.5, 1.01]), ..base }, "retention", Some(1)),
        (
            CashflowClv { retention: Series::PerCustomer(&[0.5, -0.01]), ..base },
            "retention",
            Some(1),
        ),
        (
            CashflowClv { revenue: Series::PerCustomer(&[1.0, 2.0, f64::NAN]), ..base },
            "revenue",
            Some(2),
        ),
        (CashflowClv { cost: Series::Schedule(&[f64::NAN]), ..base }, "cost", Some(0)),
        (CashflowClv { margin: Series::Constant(f64::NAN), ..base }, "margin", None),
        (
            CashflowClv { acquisition_cost: Scalar::Constant(f64::NAN), ..base },
            "acquisition_cost",
            None,
        ),
        (
            CashflowClv {
                horizon: Horizon::Infinite,
                retention: Series::Constant(0.95),
                discount_rate: -0.05,
                ..base
            },
            "retention",
            None,
        ),
        (
            CashflowClv {
                horizon: Horizon::Infinite,
                retention: Series::Schedule(&[0.2, 0.3, 1.0]),
                discount_rate: 0.0,
                ..base
            },
            "retention",
            Some(2),
        ),
    ];
    for (c, field, index) in cases {
        let e = c.compute().unwrap_err();
        assert!(matches!(e, Error::InvalidValue { .. }), "{e}");
        assert_eq!((e.field(), e.index()), (Some(field), index), "{e}");
    }
    let e = CashflowClv { revenue: Series::PerCustomer(&[]), ..base }.compute().unwrap_err();
    assert_eq!(e, Error::Empty { field: "revenue".into() });
    let e = CashflowClv {
        revenue: Series::PerCustomer(&[1.0, 2.0]),
        retention: Series::PerCustomer(&[0.5]),
        ..base
    }
    .compute()
    .unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "retention".into(), expected: 2, got: 1 });
    // The error message names the field and the index.
    let e =
        CashflowClv { retention: Series::Schedule(&[0.5, 1.01]), ..base }.compute().unwrap_err();
    assert!(e.to_string().starts_with("`retention`[1]"), "{e}");
}

// ---------------------------------------------------------------- value decomposition

#[test]
fn decomposition_with_cashflow_potential_and_referrals() {
    // Three customers: realised profit, potential from the cash-flow model (per-customer margin,
    // retention 0.75, 10 %, infinite), influence from referrals.
    let realised = [120.0, 0.0, 45.5];
    let margin = [50.0, 10.0, 0.0];
    let potential = CashflowClv {
        retention: Series::Constant(0.75),
        ..CashflowClv::new(Series::PerCustomer(&margin), 0.1, Horizon::Infinite)
    };
    let d = ValueDecomposition {
        realised: Realised::Total(&realised),
        potential: Potential::Cashflow(potential),
        influence: Influence::Referrals {
            referrals: Scalar::PerCustomer(&[3.0, 1.0, 0.0]),
            conversion: Scalar::Constant(0.2),
            value: Scalar::Constant(40.0),
        },
    }
    .compute()
    .unwrap();
    assert_eq!(d.len(), 3);
    assert_eq!(d.realised(), &realised);
    let want_potential = [50.0 / 0.35, 10.0 / 0.35, 0.0];
    let want_influence = [24.0, 8.0, 0.0];
    for i in 0..3 {
        assert_relative_eq!(d.potential()[i], want_potential[i], max_relative = 1e-13);
        assert_relative_eq!(d.influence()[i], want_influence[i], max_relative = 1e-15);
        assert_relative_eq!(
            d.total()[i],
            realised[i] + want_potential[i] + want_influence[i],
            max_relative = 1e-13
        );
    }
    assert_relative_eq!(
        d.sum_total(),
        d.sum_realised() + d.sum_potential() + d.sum_influence(),
        max_relative = 1e-13
    );
    assert_relative_eq!(d.sum_influence(), 32.0, max_relative = 1e-15);
}

#[test]
fn decomposition_given_components_and_compounding() {
    // Two past periods compounded at 5 %: 100·1.05 + 200.
    let d = ValueDecomposition {
        realised: Realised::History { profit: &[100.0, 200.0], n_periods: 2, rate: 0.05 },
        potential: Potential::Given(&[1000.0]),
        influence: Influence::Given(&[-5.0]),
    }
    .compute()
    .unwrap();
    assert_relative_eq!(d.realised()[0], 305.0, max_relative = 1e-14);
    assert_relative_eq!(d.total()[0], 1300.0, max_relative = 1e-14);
}

#[test]
fn decomposition_bad_input() {
    let e = ValueDecomposition {
        realised: Realised::Total(&[1.0, 2.0]),
        potential: Potential::Given(&[1.0, 2.0, 3.0]),
        ..Default::default()
    }
    .compute()
    .unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "potential".into(), expected: 2, got: 3 });
    let e = ValueDecomposition {
        realised: Realised::Total(&[1.0, 2.0]),
        influence: Influence::Given(&[1.0]),
        ..Default::default()
    }
    .compute()
    .unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "influence".into(), expected: 2, got: 1 });
    let e = ValueDecomposition {
        potential: Potential::Cashflow(CashflowClv::new(
            Series::Constant(1.0),
            -2.0,
            Horizon::Infinite,
        )),
        ..Default::default()
    }
    .compute()
    .unwrap_err();
    assert_eq!(e.field(), Some("discount_rate"));
    let e =
        ValueDecomposition { potential: Potential::Given(&[1.0, f64::NAN]), ..Default::default() }
            .compute()
            .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("potential"), Some(1)));
}

// ---------------------------------------------------------------- value matrix

#[test]
fn quadrants_of_the_method() {
    // Current value vs potential value, thresholds at the medians.
    let current = [5.0, 80.0, 60.0, 10.0, 95.0, 20.0, 70.0, 1.0];
    let potential = [900.0, 100.0, 800.0, 50.0, 20.0, 700.0, 300.0, 10.0];
    let m = value_matrix(&current, &potential, &ValueMatrix::default()).unwrap();
    assert_eq!(m.current_thresholds(), &[40.0]); // (20 + 60) / 2
    assert_eq!(m.potential_thresholds(), &[200.0]); // (100 + 300) / 2
    let strategies: Vec<&str> = (0..8).map(|i| m.strategy(i)).collect();
    assert_eq!(
        strategies,
        vec![
            "cultivate this group",
            "maintain this group",
            "cultivate this group",
            "think carefully before investing resources",
            "maintain this group",
            "cultivate this group",
            "cultivate this group",
            "think carefully before investing resources",
        ]
    );
    // The richer labels of earlier releases stay available as an option.
    let detailed = ValueMatrix {
        strategies: Some(QUADRANT_STRATEGIES_DETAILED.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    };
    let d = value_matrix(&current, &potential, &detailed).unwrap();
    let strategies: Vec<&str> = (0..4).map(|i| d.strategy(i)).collect();
    assert_eq!(
        strategies,
        ["develop", "maintain", "keep and invest", "be careful before spending resources"]
    );
    assert!(m.warnings().is_empty());
    assert_eq!(m.label(2), "high_current_high_potential");
    assert_eq!(m.counts(), &[2, 2, 2, 2]);
    assert_eq!(m.current_sum(), &[11.0, 25.0, 175.0, 130.0]);
    assert_eq!(m.potential_sum(), &[60.0, 1600.0, 120.0, 1100.0]);
    assert_eq!(m.counts().iter().sum::<usize>(), current.len());
}

#[test]
fn configurable_labels_and_mixed_thresholds() {
    let current = [1.0, 2.0, 3.0, 4.0, 5.0];
    let potential = [10.0, 0.0, 10.0, 0.0, 10.0];
    let cfg = ValueMatrix {
        current: Thresholds::Quantile(vec![0.25, 0.75]),
        potential: Thresholds::Absolute(vec![5.0]),
        labels: Some((0..6).map(|i| format!("cell{i}")).collect()),
        strategies: Some((0..6).map(|i| format!("plan{i}")).collect()),
    };
    let m = value_matrix(&current, &potential, &cfg).unwrap();
    assert_eq!((m.n_rows(), m.n_cols(), m.n_cells()), (3, 2, 6));
    assert_eq!(m.current_thresholds(), &[2.0, 4.0]);
    assert_eq!(m.current_level(), &[0, 1, 1, 2, 2]);
    assert_eq!(m.potential_level(), &[1, 0, 1, 0, 1]);
    assert_eq!(m.cells(), vec![1, 2, 3, 4, 5]);
    assert_eq!(m.label(4), "cell5");
    assert_eq!(m.strategy(0), "plan1");
    assert_eq!(m.counts(), &[0, 1, 1, 1, 1, 1]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Counts sum to the number of customers, value sums to the totals; levels respect the
    /// thresholds (value > threshold → higher level; value = threshold → higher level unless the
    /// tie rule sent the tied block low).
    #[test]
    fn matrix_counts_and_levels(
        data in prop::collection::vec((-1000.0..1000.0f64, -1000.0..1000.0f64), 1..60),
        k in 2usize..5,
        quantile in any::<bool>(),
    ) {
        let current: Vec<f64> = data.iter().map(|p| p.0.round()).collect();
        let potential: Vec<f64> = data.iter().map(|p| p.1).collect();
        let cfg = if quantile {
            ValueMatrix::grid(k).unwrap()
        } else {
            let cuts: Vec<f64> = (1..k).map(|j| -1000.0 + 2000.0 * j as f64 / k as f64).collect();
            ValueMatrix {
                current: Thresholds::Absolute(cuts.clone()),
                potential: Thresholds::Absolute(cuts),
                ..Default::default()
            }
        };
        let m = value_matrix(&current, &potential, &cfg).unwrap();
        prop_assert_eq!(m.n_cells(), k * k);
        prop_assert_eq!(m.counts().iter().sum::<usize>(), current.len());
        let cs: f64 = m.current_sum().iter().sum();
        prop_assert!((cs - current.iter().sum::<f64>()).abs() < 1e-6);
        let ps: f64 = m.potential_sum().iter().sum();
        prop_assert!((ps - potential.iter().sum::<f64>()).abs() < 1e-6);
        let (cuts, low) = (m.current_thresholds(), m.current_ties_low());
        for (&x, &level) in current.iter().zip(m.current_level()) {
            let lvl = level as usize;
            prop_assert!(lvl == 0 || x > cuts[lvl - 1] || (x == cuts[lvl - 1] && !low[lvl - 1]));
            prop_assert!(lvl == cuts.len() || x < cuts[lvl] || (x == cuts[lvl] && low[lvl]));
        }
        if !quantile {
            prop_assert!(low.iter().all(|&l| !l));
        }
    }
}

#[test]
fn matrix_bad_input() {
    let x = [1.0, 2.0, 3.0];
    let q = |v: Vec<f64>| ValueMatrix { potential: Thresholds::Quantile(v), ..Default::default() };
    let e = value_matrix(&x, &x, &q(vec![1.2])).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("potential_thresholds"), Some(0)));
    let e = value_matrix(&x, &x, &q(vec![-0.5])).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("potential_thresholds"), Some(0)));
    let e = value_matrix(&x, &[1.0, 2.0], &ValueMatrix::default()).unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "potential".into(), expected: 3, got: 2 });
    let e = value_matrix(&[1.0, f64::NAN, 2.0], &x, &ValueMatrix::default()).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("current"), Some(1)));
    assert_eq!(
        value_matrix(&[], &[], &ValueMatrix::default()).unwrap_err(),
        Error::Empty { field: "current".into() }
    );
}

// ---------------------------------------------------------------- whale curve

#[test]
fn whale_curve_80_20_30() {
    // 10 customers: two whales, a profitable middle and an unprofitable tail.
    let profit = [500.0, -30.0, 40.0, 300.0, -80.0, 10.0, 20.0, -60.0, 0.0, 50.0];
    let w = whale_curve(&profit, &WhaleOptions::default()).unwrap();
    assert_eq!(w.len(), 10);
    assert_eq!(w.total(), 750.0);
    // Ranked: 500, 300, 50, 40, 20, 10, 0, −30, −60, −80.
    assert_eq!(w.order(), &[0, 3, 9, 2, 6, 5, 8, 1, 7, 4]);
    assert_eq!(w.rank(), &[1, 8, 4, 2, 10, 6, 5, 9, 7, 3]);
    assert_eq!(
        w.sorted_cumulative(),
        &[500.0, 800.0, 850.0, 890.0, 910.0, 920.0, 920.0, 890.0, 830.0, 750.0]
    );
    assert_eq!((w.peak(), w.peak_rank()), (920.0, 6));
    assert_relative_eq!(w.peak_share().unwrap(), 920.0 / 750.0, max_relative = EXACT_REL);
    assert_eq!(w.top_profit(), 800.0);
    assert_relative_eq!(w.top_share().unwrap(), 800.0 / 750.0, max_relative = EXACT_REL);
    assert_eq!(w.bottom_consumed(), 170.0);
    assert_relative_eq!(
        w.bottom_consumed_share().unwrap(),
        170.0 / 920.0,
        max_relative = EXACT_REL
    );
    assert_eq!(w.tail_consumed(), 170.0);
    assert_eq!((w.unprofitable_count(), w.unprofitable_share()), (3, 0.3));
    // Ascending −80, −60, −30, 0, 10, 20, 40, 50, 300, 500 with weights −9, −7, …, 9:
    // 720 + 420 + 150 + 0 − 10 + 20 + 120 + 250 + 2100 + 4500 = 8270; / (10 · 750).
    assert_relative_eq!(w.gini().unwrap(), 8270.0 / 7500.0, max_relative = EXACT_REL);
    assert_eq!(w.cumulative_profit()[4], 750.0);
    assert_eq!(w.cumulative_profit()[0], 500.0);
    let share = w.cumulative_share().unwrap();
    assert_relative_eq!(share[3], 800.0 / 750.0, max_relative = EXACT_REL);
    assert_eq!(w.customer_share()[4], 1.0);
    assert_eq!(w.customer_share()[0], 0.1);
}

/// Gini by its definition: mean absolute difference over all n² pairs / (2 · mean).
fn gini_by_definition(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mad: f64 =
        x.iter().map(|a| x.iter().map(|b| (a - b).abs()).sum::<f64>()).sum::<f64>() / (n * n);
    mad / (2.0 * x.iter().sum::<f64>() / n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The curve starts at 0 and ends at the total profit; ranks are a permutation in
    /// descending-profit order; summaries agree with their definitions.
    #[test]
    fn whale_curve_invariants(
        profit in prop::collection::vec(-1000.0..1000.0f64, 1..200),
        top in 0.0..=1.0f64,
        bottom in 0.0..=1.0f64,
    ) {
        let w = whale_curve(&profit, &WhaleOptions::default().with_top(top).with_bottom(bottom)).unwrap();
        let n = profit.len();
        let naive_total: f64 = profit.iter().sum();
        prop_assert_eq!(w.curve_at(0.0).unwrap(), 0.0);
        prop_assert_eq!(w.curve_at(1.0).unwrap(), w.total());
        prop_assert_eq!(*w.sorted_cumulative().last().unwrap(), w.total());
        prop_assert!((w.total() - naive_total).abs() <= 1e-9 * (1.0 + profit.iter().map(|x| x.abs()).sum::<f64>()));
        let mut seen = vec![false; n];
        for (k, &i) in w.order().iter().enumerate() {
            prop_assert_eq!(w.rank()[i], k + 1);
            prop_assert!(!seen[i]);
            seen[i] = true;
            if k > 0 {
                prop_assert!(profit[w.order()[k - 1]] >= profit[i]);
            }
        }
        prop_assert!(w.peak() >= w.total() && w.peak() >= 0.0);
        prop_assert!(w.tail_consumed() >= 0.0);
        prop_assert_eq!(w.unprofitable_count(), profit.iter().filter(|&&x| x < 0.0).count());
        // Top k customers for an integer top · n.
        let k = n / 2;
        let mut sorted = profit.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let top_k: f64 = sorted[..k].iter().sum();
        prop_assert!((w.curve_at(k as f64 / n as f64).unwrap() - top_k).abs() <= 1e-9 * 1000.0 * n as f64);
        let scale: f64 = profit.iter().map(|x| x.abs()).sum();
        if naive_total > 0.01 * scale {
            let g = gini_by_definition(&profit);
            prop_assert!((w.gini().unwrap() - g).abs() <= 1e-9 * (1.0 + g.abs()), "{:?} vs {}", w.gini(), g);
        } else if naive_total < -0.01 * scale {
            prop_assert!(w.gini().is_none());
        }
    }
}

#[test]
fn whale_curve_bad_input() {
    let o = WhaleOptions::default();
    let e = whale_curve(&[1.0, 2.0, f64::NAN], &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("profit"), Some(2)));
    assert_eq!(whale_curve(&[], &o).unwrap_err(), Error::Empty { field: "profit".into() });
    let e =
        whale_curve(&[1.0], &WhaleOptions::default().with_top(1.2).with_bottom(0.3)).unwrap_err();
    assert_eq!(e.field(), Some("top"));
    let e = whale_curve(&[1.0], &WhaleOptions::default().with_top(0.2).with_bottom(f64::NAN))
        .unwrap_err();
    assert_eq!(e.field(), Some("bottom"));
}

#[test]
fn whale_curve_of_cdnow_spend() {
    // Total spend per customer in the CDNOW sample (all non-negative): endpoints and Gini by
    // definition.
    let (id, _, amount) = cdnow_transactions();
    let max_id = *id.iter().max().unwrap() as usize;
    let mut spend = vec![0.0; max_id + 1];
    for (i, a) in id.iter().zip(&amount) {
        spend[*i as usize] += a;
    }
    let spend: Vec<f64> = spend.into_iter().skip(1).collect();
    let w = whale_curve(&spend, &WhaleOptions::default()).unwrap();
    let total: f64 = spend.iter().sum();
    assert_relative_eq!(w.total(), total, max_relative = 1e-12);
    assert_eq!(w.curve_at(0.0).unwrap(), 0.0);
    assert_eq!(w.peak(), w.total());
    assert_eq!(w.unprofitable_count(), 0);
    assert_relative_eq!(w.gini().unwrap(), gini_by_definition(&spend), max_relative = 1e-10);
    assert!(w.top_share().unwrap() > 0.2 && w.top_share().unwrap() < 1.0);
}

/// CDNOW per customer (ids 1..=2357): `(spend, orders)` over the whole log, and the spend after
/// the calibration end 1997-09-30 (the holdout).
fn cdnow_spend_orders() -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (id, day, amount) = cdnow_transactions();
    let end = cvm_core::calendar::parse_date("1997-09-30", "end").unwrap();
    let n = *id.iter().max().unwrap() as usize;
    let (mut spend, mut orders, mut holdout) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
    for ((&i, &d), &a) in id.iter().zip(&day).zip(&amount) {
        let k = i as usize - 1;
        spend[k] += a;
        orders[k] += 1.0;
        if d > end {
            holdout[k] += a;
        }
    }
    (spend, orders, holdout)
}

#[test]
fn cdnow_80_20_30_bottom_is_net_profitable() {
    // The walkthrough's illustrative economics: 30 % margin on spend, $2 per order.
    let (spend, orders, _) = cdnow_spend_orders();
    let profit: Vec<f64> = spend.iter().zip(&orders).map(|(s, o)| 0.3 * s - 2.0 * o).collect();
    let w = whale_curve(&profit, &WhaleOptions::default()).unwrap();
    assert_abs_diff_eq!(w.bottom_consumed(), -1595.0444, epsilon = 1e-6);
    assert_abs_diff_eq!(w.bottom_profit(), 1595.0444, epsilon = 1e-6);
    assert!(w.bottom_net_profitable());
    assert_eq!((w.bottom_count(), w.bottom_unprofitable_count()), (707, 31));
    assert_eq!(w.unprofitable_count(), 31);
    assert_eq!(w.unprofitable().len(), 31);
    assert!(w.unprofitable().iter().all(|&i| profit[i] < 0.0));
    assert_abs_diff_eq!(w.top_profit(), 42021.3724, epsilon = 1e-6);
    assert_abs_diff_eq!(w.potential_profit(), 57794.5376, epsilon = 1e-6);
    assert_relative_eq!(
        w.bottom_share_of_top().unwrap(),
        -1595.0444 / 42021.3724,
        max_relative = 1e-9
    );
    assert_relative_eq!(
        w.bottom_share_of_potential().unwrap(),
        -1595.0444 / 57794.5376,
        max_relative = 1e-9
    );
    assert_eq!(
        w.interpretation(),
        "the bottom 30 % (707 customers) are net profitable: they add 1,595.04 to profit and \
         consume none of it (the 80/20/30 pattern does not hold); 31 of them lose money"
    );
}

#[test]
fn cdnow_matrix_with_mostly_zero_current_value_splits_zero_from_positive() {
    // Current value: holdout spend, 0 for 1,673 of the 2,357 customers (71 %); the median is 0.
    // The old rule put everyone in "high current"; the tie rule puts the zeros low.
    let (spend, orders, holdout) = cdnow_spend_orders();
    let profit: Vec<f64> = spend.iter().zip(&orders).map(|(s, o)| 0.3 * s - 2.0 * o).collect();
    assert_eq!(holdout.iter().filter(|&&x| x == 0.0).count(), 1673);
    let m = value_matrix(&holdout, &profit, &ValueMatrix::default()).unwrap();
    assert_eq!((m.current_thresholds(), m.current_ties_low()), (&[0.0][..], &[true][..]));
    assert_eq!(m.counts(), &[1084, 589, 94, 590]);
    assert_eq!(m.counts()[0] + m.counts()[1], 1673);
    assert!(m.warnings().is_empty());
    // A quarter of the customers below the cut is further from 0.5 than 71 %: still zero vs
    // positive. At the 0.2 quantile the zeros go up (0 is closer to 0.2 than 0.71): the low
    // current level is empty, and the warnings name the cut.
    let cfg = ValueMatrix { current: Thresholds::Quantile(vec![0.2]), ..Default::default() };
    let m = value_matrix(&holdout, &profit, &cfg).unwrap();
    assert_eq!(m.current_ties_low(), &[false]);
    assert_eq!(m.counts(), &[0, 0, 1178, 1179]);
    assert_eq!(m.warnings().len(), 2);
    assert!(
        m.warnings()[0].message.contains(
            "cell 0 (low_current_low_potential) is empty; cut by the current cut 0 (quantile 0.2; \
         customers equal to it go high)"
        ),
        "{}",
        m.warnings()[0].message
    );
}

// ---------------------------------------------------------------- value over time

#[test]
fn matrix_migration_between_snapshots() {
    use cvm_core::transition::MigrationPolicy;
    let cut = ValueMatrix {
        current: Thresholds::Absolute(vec![100.0]),
        potential: Thresholds::Absolute(vec![100.0]),
        ..Default::default()
    };
    // Five customers; ids of the second snapshot in another order, one gone and one new.
    let before =
        value_matrix(&[50.0, 150.0, 150.0, 20.0, 300.0], &[50.0, 150.0, 50.0, 500.0, 500.0], &cut)
            .unwrap(); // cells 0, 3, 2, 1, 3
    let after =
        value_matrix(&[150.0, 50.0, 50.0, 400.0], &[150.0, 150.0, 50.0, 10.0], &cut).unwrap(); // cells 3, 1, 0, 2
    let ids_b = [10, 20, 30, 40, 50];
    let ids_a = [40, 10, 30, 60];
    let m = matrix_migration(&ids_b, &before, &ids_a, &after, MigrationPolicy::OuterJoin).unwrap();
    use CellState as C;
    assert_eq!(m.row_states().len(), 5);
    assert_eq!(m.column_states().last(), Some(&C::Gone));
    assert_eq!(m.count(C::Cell(1), C::Cell(3)), 1); // 40: cultivate (low current) → high/high
    assert_eq!(m.count(C::Cell(0), C::Cell(1)), 1); // 10
    assert_eq!(m.count(C::Cell(2), C::Cell(0)), 1); // 30: maintain → think carefully
    assert_eq!(m.count(C::Cell(3), C::Gone), 2); // 20 and 50
    assert_eq!(m.count(C::New, C::Cell(2)), 1); // 60
    assert_eq!(m.row_total(C::Cell(3)), 2);
    assert_eq!(m.column_total(C::Gone), 2);
    assert_eq!(m.rate(C::Cell(3), C::Gone), 1.0);
    assert_eq!(m.counts().iter().sum::<u64>(), 6);
    assert_eq!(m.moves().len(), 6);
    assert_eq!(C::Cell(2).to_string(), "cell 2");
    let e = matrix_migration(&ids_b, &before, &ids_a, &after, MigrationPolicy::Strict).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("ids_before"), Some(1)));
    let grid =
        value_matrix(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0], &ValueMatrix::grid(3).unwrap()).unwrap();
    let e = matrix_migration(&[1, 2, 3], &grid, &ids_a, &after, MigrationPolicy::OuterJoin)
        .unwrap_err();
    assert_eq!(e.field(), Some("after"));
    let e =
        cell_migration(&[1, 2], &[0, 4], &[1, 2], &[0, 1], 4, MigrationPolicy::Strict).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("before"), Some(1)));
    let e =
        cell_migration(&[1, 2], &[0], &[1, 2], &[0, 1], 4, MigrationPolicy::Strict).unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { ref field, .. } if field == "before"));
}

#[test]
fn value_path_over_periods() {
    let cut = ValueMatrix {
        current: Thresholds::Absolute(vec![100.0]),
        potential: Thresholds::Absolute(vec![100.0]),
        ..Default::default()
    };
    let current = [50.0, 150.0, 150.0, 200.0, 200.0, 20.0, 10.0, 10.0, 10.0];
    let potential = [150.0, 150.0, 50.0, 300.0, 50.0, 50.0, 10.0, 10.0, 10.0];
    let p = value_path(&current, &potential, 3, &cut).unwrap();
    assert_eq!((p.n_customers(), p.n_periods()), (3, 3));
    assert_eq!(p.path(0), vec![1, 3, 2]);
    assert_eq!(p.path(1), vec![3, 2, 0]);
    assert_eq!(p.path(2), vec![0, 0, 0]);
    assert_eq!(p.changes(2), 0);
    assert_eq!(p.period(1).counts(), &[1, 0, 1, 1]);
    // Median cuts per period with ties: the middle period has a tied median.
    let q = value_path(&current, &potential, 3, &ValueMatrix::default()).unwrap();
    assert_eq!(q.n_periods(), 3);
    let e = value_path(&current, &potential[..8], 3, &cut).unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { .. }));
    let e = value_path(&current[..8], &potential[..8], 3, &cut).unwrap_err();
    assert_eq!(e.field(), Some("current"));
    let e = value_path(&current, &potential, 0, &cut).unwrap_err();
    assert_eq!(e.field(), Some("n_periods"));
    let mut bad = current;
    bad[5] = f64::NAN; // customer 1, period 2
    let e = value_path(&bad, &potential, 3, &cut).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("current"), Some(5)));
}
