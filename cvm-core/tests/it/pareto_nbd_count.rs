//! The Pareto/NBD conditional count distribution `P(X(T, T+t) = n | x, t_x, T)`
//! (`ParetoNbd::conditional_probability_of_n_purchases`).

use cvm_core::models::{ParetoNbd, ParetoNbdParams};

use crate::common::cdnow_summary_file;

/// lifetimes 0.11.3's ParetoNBDFitter estimate on its CDNOW summary (the `T` column of
/// `load_cdnow_summary`), to every digit it printed.
fn lifetimes_cdnow() -> ParetoNbd {
    let p = ParetoNbdParams::new(
        0.5532673392319039,
        10.577507001751291,
        0.6062698648876557,
        11.66944404811668,
    )
    .unwrap();
    ParetoNbd::from_params(p).unwrap()
}

fn at(m: &ParetoNbd, n: u64, t: f64, x: f64, t_x: f64, t_cal: f64) -> f64 {
    m.conditional_probability_of_n_purchases(t, n, &[x], &[t_x], &[t_cal]).unwrap()[0]
}

#[test]
fn equals_lifetimes() {
    // lifetimes 0.11.3 `conditional_probability_of_n_purchases_up_to_time(n, 39, x, t_x, T)` at
    // the fit above (its ₂F₁ differences agree with our positive-term form to ~3e-14 here; the
    // tolerance is 1e-10 relative).
    let m = lifetimes_cdnow();
    let cases = [
        (
            (0.0, 0.0, 38.86),
            [0.9307360053964636, 0.045881121726061194, 0.014673792569489232, 0.0008056832437974405],
        ),
        (
            (2.0, 30.43, 38.86),
            [0.4081012195144954, 0.21926440566891428, 0.15174344532022072, 0.031982561625044884],
        ),
        (
            (7.0, 35.0, 38.86),
            [0.1398341741783375, 0.08147337154444383, 0.09412934695002043, 0.1030993912029521],
        ),
        (
            (20.0, 30.0, 38.0),
            [0.5637193360617131, 0.01171804168242143, 0.010979303238521665, 0.010381395666641754],
        ),
    ];
    for ((x, tx, tc), want) in cases {
        for (n, w) in [0u64, 1, 2, 5].into_iter().zip(want) {
            let got = at(&m, n, 39.0, x, tx, tc);
            assert!((got / w - 1.0).abs() < 1e-10, "n={n} x={x}: {got} vs {w}");
        }
    }
}

#[test]
fn sums_to_one_on_cdnow_customers() {
    let m = lifetimes_cdnow();
    let (_, f, r, t) = cdnow_summary_file();
    // Every 23rd customer, and the heaviest buyer.
    let heaviest = (0..f.len()).max_by(|&i, &j| f[i].total_cmp(&f[j])).unwrap();
    let rows: Vec<usize> = (0..f.len()).step_by(23).chain([heaviest]).collect();
    let pick = |c: &[f64]| rows.iter().map(|&i| c[i]).collect::<Vec<f64>>();
    let (x, tx, tc) = (pick(&f), pick(&r), pick(&t));
    for horizon in [1.0, 39.0, 156.0] {
        let mut total = vec![0.0; x.len()];
        let mut mean = vec![0.0; x.len()];
        for n in 0..400u64 {
            let p = m.conditional_probability_of_n_purchases(horizon, n, &x, &tx, &tc).unwrap();
            for (i, v) in p.iter().enumerate() {
                assert!((0.0..=1.0).contains(v), "n={n} row {i}: {v}");
                total[i] += v;
                mean[i] += n as f64 * v;
            }
        }
        let expected = {
            use cvm_core::models::TransactionModel;
            m.conditional_expected_purchases(horizon, &x, &tx, &tc).unwrap()
        };
        for i in 0..x.len() {
            assert!((total[i] - 1.0).abs() < 1e-10, "t={horizon} row {i}: sum {}", total[i]);
            // Its mean is the conditional expectation (Schmittlein et al. 1987, eq. 22).
            assert!((mean[i] - expected[i]).abs() < 1e-9 * expected[i].max(1.0), "row {i}");
        }
    }
}

#[test]
fn a_new_customer_gets_the_unconditional_distribution() {
    for p in [
        [0.553, 10.578, 0.606, 11.669],
        [2.0, 3.0, 1.5, 0.7],
        [0.8, 5.0, 1.0, 5.0],
        [40.0, 2.0, 0.2, 90.0],
    ] {
        let m =
            ParetoNbd::from_params(ParetoNbdParams::new(p[0], p[1], p[2], p[3]).unwrap()).unwrap();
        for t in [0.5, 10.0, 39.0, 300.0] {
            for n in [0u64, 1, 3, 10, 40] {
                let want = m.probability_of_n_purchases(t, n).unwrap();
                let got = at(&m, n, t, 0.0, 0.0, 0.0);
                assert!(
                    (got - want).abs() <= 1e-10 * want.max(1e-300) + 1e-300,
                    "{p:?} t={t} n={n}: {got} vs {want}"
                );
            }
        }
    }
}

#[test]
fn zero_horizon_and_dead_customers() {
    let m = lifetimes_cdnow();
    assert_eq!(at(&m, 0, 0.0, 3.0, 10.0, 38.0), 1.0);
    assert_eq!(at(&m, 2, 0.0, 3.0, 10.0, 38.0), 0.0);
    // n = 0 is at least the probability of having left.
    let alive = {
        use cvm_core::models::TransactionModel;
        m.probability_alive(&[3.0], &[1.0], &[300.0]).unwrap()[0]
    };
    assert!(at(&m, 0, 39.0, 3.0, 1.0, 300.0) >= 1.0 - alive);
}

#[test]
fn extreme_inputs_give_values_never_nan() {
    let params = [
        [0.553, 10.578, 0.606, 11.669],
        [1e-10, 1e-10, 1e-10, 1e-10],
        [1e10, 1e10, 1e10, 1e10],
        [1e-10, 1e10, 1e10, 1e-10],
        [1e10, 1e-10, 1e-10, 1e10],
        [50.0, 0.01, 0.05, 1e4],
    ];
    let histories =
        [(0.0, 0.0, 0.0), (0.0, 0.0, 1e6), (1e5, 1e3, 1e3), (3.0, 1e-9, 1e9), (100.0, 50.0, 51.0)];
    for p in params {
        let m =
            ParetoNbd::from_params(ParetoNbdParams::new(p[0], p[1], p[2], p[3]).unwrap()).unwrap();
        for (x, tx, tc) in histories {
            for t in [1e-300, 1e-6, 1.0, 52.0, 1e6, 1e300] {
                for n in [0u64, 1, 7, 1000, 1_000_000, u64::MAX] {
                    let v = m.conditional_probability_of_n_purchases(t, n, &[x], &[tx], &[tc]);
                    match v {
                        Ok(v) => assert!(
                            (0.0..=1.0).contains(&v[0]),
                            "{p:?} {x} {tx} {tc} t={t} n={n}: {}",
                            v[0]
                        ),
                        Err(e) => assert!(e.to_string().contains("row 0"), "{e}"),
                    }
                }
            }
        }
    }
}

#[test]
fn invalid_arguments_name_the_field() {
    let m = lifetimes_cdnow();
    let f = |n, t, x: &[f64], r: &[f64], tc: &[f64]| {
        m.conditional_probability_of_n_purchases(t, n, x, r, tc)
            .unwrap_err()
            .field()
            .map(str::to_owned)
    };
    assert_eq!(f(1, -1.0, &[1.0], &[1.0], &[2.0]).as_deref(), Some("t"));
    assert_eq!(f(1, f64::NAN, &[1.0], &[1.0], &[2.0]).as_deref(), Some("t"));
    assert_eq!(f(1, f64::INFINITY, &[1.0], &[1.0], &[2.0]).as_deref(), Some("t"));
    assert_eq!(f(1, 1.0, &[1.0], &[3.0], &[2.0]).as_deref(), Some("recency"));
    assert_eq!(f(1, 1.0, &[-1.0], &[1.0], &[2.0]).as_deref(), Some("frequency"));
    assert!(m.conditional_probability_of_n_purchases(1.0, 1, &[1.0, 2.0], &[1.0], &[2.0]).is_err());
    assert!(m.conditional_probability_of_n_purchases(1.0, 1, &[], &[], &[]).is_err());
}
