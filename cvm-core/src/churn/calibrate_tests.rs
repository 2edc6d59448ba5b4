//! Tests of the churn calibrator (see [`super`]).

use super::*;

#[test]
fn pav_pools_violators_and_ties() {
    // Sorted: 0.1→1, 0.2→0, 0.3→1, 0.3→0, 0.5→1 ; ties at 0.3 pooled to 0.5, then
    // [1, 0] pooled to 0.5, then 0.5 vs 0.5 kept apart.
    let s = [0.3, 0.1, 0.5, 0.2, 0.3];
    let y = [true, true, true, false, false];
    let c = ChurnCalibrator::fit(&s, &y, None, CalibrationMethod::Isotonic).unwrap();
    let b = c.blocks().unwrap();
    let got: Vec<(f64, f64, f64, f64)> =
        b.iter().map(|b| (b.score_min, b.score_max, b.probability, b.weight)).collect();
    assert_eq!(got, vec![(0.1, 0.2, 0.5, 2.0), (0.3, 0.3, 0.5, 2.0), (0.5, 0.5, 1.0, 1.0)]);
    let means: Vec<f64> = b.iter().map(|b| b.score_mean).collect();
    assert!((means[0] - 0.15).abs() < 1e-15 && means[1] == 0.3 && means[2] == 0.5);
    // Between the means 0.3 (rate 0.5) and 0.5 (rate 1): 0.4 → 0.75.
    assert!((c.transform(&[0.4]).unwrap()[0] - 0.75).abs() < 1e-15);
}

#[test]
fn weights_act_as_repeated_rows() {
    let (s, y, w) = ([1.0, 2.0, 3.0, 4.0], [false, true, false, true], [2.0, 1.0, 1.0, 3.0]);
    let s2 = [1.0, 1.0, 2.0, 3.0, 4.0, 4.0, 4.0];
    let y2 = [false, false, true, false, true, true, true];
    for m in CalibrationMethod::ALL {
        let a = ChurnCalibrator::fit(&s, &y, Some(&w), m).unwrap();
        let b = ChurnCalibrator::fit(&s2, &y2, None, m).unwrap();
        let (pa, pb) = (a.transform(&s).unwrap(), b.transform(&s).unwrap());
        for (x, z) in pa.iter().zip(&pb) {
            assert!((x - z).abs() < 1e-9, "{m:?}: {pa:?} {pb:?}");
        }
    }
    // A zero weight drops the row.
    let z = ChurnCalibrator::fit(
        &[1.0, 5.0],
        &[true, false],
        Some(&[1.0, 0.0]),
        CalibrationMethod::Isotonic,
    )
    .unwrap();
    assert_eq!(z.blocks().unwrap().len(), 1);
}

#[test]
fn platt_matches_a_hand_checked_optimum() {
    // At the optimum the score equations hold: Σ(y − p) = 0 and Σ(y − p)s = 0.
    let s = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
    let y = [false, true, false, true, false, true];
    let c = ChurnCalibrator::fit(&s, &y, None, CalibrationMethod::Platt).unwrap();
    let p = c.transform(&s).unwrap();
    let g0: f64 = y.iter().zip(&p).map(|(&y, p)| f64::from(u8::from(y)) - p).sum();
    let g1: f64 =
        y.iter().zip(&p).zip(&s).map(|((&y, p), s)| (f64::from(u8::from(y)) - p) * s).sum();
    assert!(g0.abs() < 1e-9 && g1.abs() < 1e-9, "{g0} {g1}");
    let (_, slope) = c.platt_params().unwrap();
    assert!(slope > 0.0);
}

#[test]
fn platt_refuses_what_it_cannot_identify() {
    let m = CalibrationMethod::Platt;
    for (s, y) in [
        (vec![1.0, 2.0, 3.0], vec![false, true, true]),
        (vec![1.0, 2.0, 2.0], vec![false, false, true]),
        (vec![3.0, 2.0, 1.0], vec![false, true, true]),
        (vec![1.0, 1.0, 1.0], vec![false, true, true]),
        (vec![1.0, 2.0, 3.0], vec![true, true, true]),
    ] {
        let e = ChurnCalibrator::fit(&s, &y, None, m).unwrap_err();
        assert!(matches!(e, Error::NotIdentified { .. }), "{s:?} {y:?}: {e}");
    }
}

/// 100,000 customers, tied scores (and -0 beside 0), with and without weights (a tenth 0):
/// the same calibrators and probabilities on one thread and on four; the isotonic blocks
/// those of the stable sort by score, bit for bit; Platt's score equations solved. Two bad
/// rows: the first is named.
#[cfg(feature = "parallel")]
#[test]
fn large_fits_are_alike_on_any_threads() {
    use crate::parallel::on_one_and_four_threads;
    let n = 100_000;
    let mut rng = crate::models::Rng::new(9);
    let s: Vec<f64> = (0..n)
        .map(|i| if i % 997 == 0 { -0.0 } else { (rng.normal() * 100.0).round() / 100.0 })
        .collect();
    let y: Vec<bool> = s.iter().map(|&s| rng.uniform() < sigmoid(0.5 + 1.5 * s)).collect();
    let w: Vec<f64> = (0..n).map(|i| if i % 10 == 3 { 0.0 } else { 0.5 + rng.uniform() }).collect();
    for weights in [None, Some(&w[..])] {
        for m in CalibrationMethod::ALL {
            let (one, four) = on_one_and_four_threads(|| {
                let c = ChurnCalibrator::fit(&s, &y, weights, m).unwrap();
                let p = c.transform(&s).unwrap();
                (c, p)
            });
            assert_eq!(one, four, "{m:?}");
            let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
            let mut rows: Vec<Row> = (0..n)
                .filter(|&i| weight(i) > 0.0)
                .map(|i| Row { s: s[i], y: f64::from(u8::from(y[i])), w: weight(i) })
                .collect();
            rows.sort_by(|a, b| a.s.total_cmp(&b.s));
            match one.0.fitted {
                Fitted::Isotonic(ref blocks) => assert_eq!(blocks, &isotonic(&rows)),
                Fitted::Platt { intercept, slope } => {
                    let (mut g0, mut g1, mut total) = (0.0, 0.0, 0.0);
                    for r in &rows {
                        let e = r.w * (r.y - sigmoid(intercept + slope * r.s));
                        (g0, g1, total) = (g0 + e, g1 + e * r.s, total + r.w);
                    }
                    assert!(g0.abs() < 1e-8 * total && g1.abs() < 1e-8 * total, "{g0} {g1}");
                }
            }
        }
    }
    let (mut s2, mut w2) = (s.clone(), w.clone());
    s2[70_000] = f64::NAN;
    s2[90_000] = f64::INFINITY;
    w2[60_000] = -1.0;
    w2[95_000] = f64::NAN;
    let m = CalibrationMethod::Isotonic;
    let c = ChurnCalibrator::fit(&s, &y, None, m).unwrap();
    let (one, four) = on_one_and_four_threads(|| {
        let e = ChurnCalibrator::fit(&s2, &y, None, m).unwrap_err();
        let f = ChurnCalibrator::fit(&s, &y, Some(&w2), m).unwrap_err();
        (e, f, c.transform(&s2).unwrap_err())
    });
    assert_eq!(one, four);
    assert_eq!((one.0.field(), one.0.index()), (Some("scores"), Some(70_000)));
    assert_eq!((one.1.field(), one.1.index()), (Some("weights"), Some(60_000)));
    assert_eq!(one.2, one.0);
}

#[test]
fn bad_inputs_name_argument_and_row() {
    let m = CalibrationMethod::Isotonic;
    let e = ChurnCalibrator::fit(&[1.0, f64::NAN], &[true, false], None, m).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("scores"), Some(1)));
    let e = ChurnCalibrator::fit(&[1.0], &[true, false], None, m).unwrap_err();
    assert_eq!(e.field(), Some("churned"));
    let e = ChurnCalibrator::fit(&[1.0, 2.0], &[true, false], Some(&[1.0, -1.0]), m).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("weights"), Some(1)));
    let e = ChurnCalibrator::fit(&[1.0], &[true], Some(&[0.0]), m).unwrap_err();
    assert_eq!(e.field(), Some("weights"));
    let c = ChurnCalibrator::fit(&[1.0], &[true], None, m).unwrap();
    let e = c.transform(&[0.0, f64::INFINITY]).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("scores"), Some(1)));
    assert_eq!(c.transform(&[-1e300, 1e300]).unwrap(), vec![1.0, 1.0]);
}
