//! Tests of the value matrix (see [`super`]).

use super::*;
use approx::assert_relative_eq;

#[test]
fn type7_quantiles() {
    // R: quantile(c(1, 2, 4, 8, 16), c(0, .1, .25, .5, .9, 1), type = 7)
    let x = [1.0, 2.0, 4.0, 8.0, 16.0];
    let cases = [(0.0, 1.0), (0.1, 1.4), (0.25, 2.0), (0.5, 4.0), (0.9, 12.8), (1.0, 16.0)];
    for (q, want) in cases {
        assert_relative_eq!(quantile_type7(&x, q), want, max_relative = 1e-14);
    }
    assert_eq!(quantile_type7(&[3.0], 0.7), 3.0);
}

#[test]
fn three_by_three_grid() {
    let current: Vec<f64> = (0..9).map(f64::from).collect();
    let potential: Vec<f64> = (0..9).map(|i| f64::from((i * 4) % 9)).collect();
    let m = value_matrix(&current, &potential, &ValueMatrix::grid(3).unwrap()).unwrap();
    assert_eq!((m.n_rows(), m.n_cols()), (3, 3));
    assert_relative_eq!(m.current_thresholds()[0], 8.0 / 3.0, max_relative = 1e-14);
    assert_relative_eq!(m.current_thresholds()[1], 16.0 / 3.0, max_relative = 1e-14);
    assert_eq!(m.current_level(), &[0, 0, 0, 1, 1, 1, 2, 2, 2]);
    // potential = 0, 4, 8, 3, 7, 2, 6, 1, 5 → levels 0, 1, 2, 1, 2, 0, 2, 0, 1
    assert_eq!(m.potential_level(), &[0, 1, 2, 1, 2, 0, 2, 0, 1]);
    assert_eq!(m.counts(), &[1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(m.label(4), "current_2_potential_3");
    assert_eq!(m.strategy(4), "");
}

#[test]
fn ties_go_high_and_thresholds_may_be_outside_data() {
    let m = value_matrix(
        &[1.0, 2.0, 3.0],
        &[5.0, 5.0, 5.0],
        &ValueMatrix {
            current: Thresholds::Absolute(vec![2.0]),
            potential: Thresholds::Absolute(vec![10.0]),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(m.current_level(), &[0, 1, 1]);
    assert_eq!(m.counts(), &[1, 0, 2, 0]);
    assert_eq!(m.cells(), vec![0, 2, 2]);
}

#[test]
fn tied_quantile_cuts_split_zero_from_positive_and_warn() {
    // 82 % zeros: the median is 0; ties go low (0.82 is closer to 0.5 than 0).
    let mut current = vec![0.0; 82];
    current.extend((1..=18).map(f64::from));
    let potential: Vec<f64> = (0..100).map(f64::from).collect();
    let m = value_matrix(&current, &potential, &ValueMatrix::default()).unwrap();
    assert_eq!(m.current_thresholds(), &[0.0]);
    assert_eq!(m.current_ties_low(), &[true]);
    assert_eq!(m.potential_ties_low(), &[false]);
    let low: usize = m.counts()[..2].iter().sum();
    assert_eq!(low, 82);
    // Zeros are potential 0..81, the positive 82..99: all high-potential.
    assert_eq!(m.counts(), &[50, 32, 0, 18]);
    assert_eq!(m.warnings().len(), 1);
    let w = &m.warnings()[0];
    assert_eq!((w.kind, w.cell, w.count, w.share), (MatrixWarningKind::EmptyCell, 2, 0, 0.0));
    assert!(w.message.contains("cell 2 (high_current_low_potential) is empty"), "{}", w.message);
    assert!(w.message.contains("current cut 0 (quantile 0.5; customers equal to it go low)"));
    assert!(w
        .message
        .contains("potential cut 49.50 (quantile 0.5; customers equal to it go high)"));

    // 30 % zeros: the median is positive, nothing tied, nothing changes.
    let mut c2 = vec![0.0; 30];
    c2.extend((1..=70).map(f64::from));
    let m = value_matrix(&c2, &potential, &ValueMatrix::default()).unwrap();
    assert_eq!(m.current_ties_low(), &[false]);
    assert_eq!(m.current_level().iter().filter(|&&l| l == 0).count(), 50);

    // 40 % zeros, quantile 0.3: |0.4 − 0.3| < |0 − 0.3|, the zeros go low.
    let mut c3 = vec![0.0; 40];
    c3.extend((1..=60).map(f64::from));
    let cfg = ValueMatrix { current: Thresholds::Quantile(vec![0.3]), ..Default::default() };
    let m = value_matrix(&c3, &potential, &cfg).unwrap();
    assert_eq!(m.current_ties_low(), &[true]);
    let cfg = ValueMatrix { current: Thresholds::Quantile(vec![0.1]), ..Default::default() };
    let m = value_matrix(&c3, &potential, &cfg).unwrap();
    assert_eq!(m.current_ties_low(), &[false]); // |0.4 − 0.1| > |0 − 0.1|: everyone high
    assert_eq!(m.current_level(), &[1; 100][..]);
    assert!(m.warnings().iter().all(|w| w.kind == MatrixWarningKind::EmptyCell));
    assert_eq!(m.warnings().len(), 2); // both low-current cells
}

#[test]
fn a_single_value_at_a_cut_still_goes_high() {
    // 0..=10, quantile 0.7 lands on the data point 7: unchanged rule (goes high).
    let x: Vec<f64> = (0..=10).map(f64::from).collect();
    let cfg = ValueMatrix { current: Thresholds::Quantile(vec![0.7]), ..Default::default() };
    let m = value_matrix(&x, &x, &cfg).unwrap();
    assert_eq!(m.current_thresholds(), &[7.0]);
    assert_eq!(m.current_ties_low(), &[false]);
    assert_eq!(m.current_level()[7], 1);
}

#[test]
fn dominant_cell_warns() {
    let current: Vec<f64> = (0..20).map(f64::from).collect();
    let potential: Vec<f64> = (0..20).map(f64::from).collect();
    let cfg = ValueMatrix {
        current: Thresholds::Absolute(vec![1.0]),
        potential: Thresholds::Absolute(vec![1.0]),
        ..Default::default()
    };
    let m = value_matrix(&current, &potential, &cfg).unwrap();
    assert_eq!(m.counts(), &[1, 0, 0, 19]);
    let kinds: Vec<_> = m.warnings().iter().map(|w| (w.kind, w.cell)).collect();
    assert_eq!(
        kinds,
        vec![
            (MatrixWarningKind::EmptyCell, 1),
            (MatrixWarningKind::EmptyCell, 2),
            (MatrixWarningKind::DominantCell, 3)
        ]
    );
    let w = &m.warnings()[2];
    assert_eq!(w.share, 0.95);
    assert!(
        w.message.contains("holds 19 of 20 customers (95.0 %, more than 90 %)"),
        "{}",
        w.message
    );
    assert!(w.message.contains("the current cut 1 (absolute)"));
}

#[test]
fn bad_input_is_a_typed_error() {
    let quant =
        |q: Vec<f64>| ValueMatrix { current: Thresholds::Quantile(q), ..Default::default() };
    let abs =
        |t: Vec<f64>| ValueMatrix { potential: Thresholds::Absolute(t), ..Default::default() };
    let x = [1.0, 2.0, 3.0];
    type Case<'a> = (&'a [f64], &'a [f64], ValueMatrix, &'a str, Option<usize>);
    let cases: Vec<Case> = vec![
        (&x, &[1.0, f64::NAN, 1.0], ValueMatrix::default(), "potential", Some(1)),
        (&[f64::INFINITY, 1.0, 1.0], &x, ValueMatrix::default(), "current", Some(0)),
        (&x, &x, quant(vec![0.2, 1.5]), "current_thresholds", Some(1)),
        (&x, &x, quant(vec![-0.1]), "current_thresholds", Some(0)),
        (&x, &x, quant(vec![0.6, 0.3]), "current_thresholds", Some(1)),
        (&x, &x, abs(vec![f64::NAN]), "potential_thresholds", Some(0)),
        (&x, &x, abs(vec![2.0, 2.0]), "potential_thresholds", Some(1)),
    ];
    for (c, p, cfg, field, index) in cases {
        let e = value_matrix(c, p, &cfg).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some(field), index), "{cfg:?}");
    }
    let e = value_matrix(&x, &x[..2], &ValueMatrix::default()).unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "potential".into(), expected: 3, got: 2 });
    assert!(matches!(value_matrix(&[], &[], &ValueMatrix::default()), Err(Error::Empty { .. })));
    let cfg = ValueMatrix { labels: Some(vec!["a".into()]), ..Default::default() };
    assert_eq!(value_matrix(&x, &x, &cfg).unwrap_err().field(), Some("labels"));
    let cfg = ValueMatrix { strategies: Some(vec![]), ..Default::default() };
    assert_eq!(value_matrix(&x, &x, &cfg).unwrap_err().field(), Some("strategies"));
    assert_eq!(ValueMatrix::grid(1).unwrap_err().field(), Some("grid"));
}

/// Seeded values in `0..m` with many ties (whole) and some fractions.
fn seeded(n: usize, m: u64, seed: u64) -> Vec<f64> {
    crate::testing::xorshift(seed)
        .take(n)
        .map(|state| {
            let x = (state % m) as f64;
            if state.is_multiple_of(4) {
                x + 0.125 * (state % 7) as f64
            } else {
                x
            }
        })
        .collect()
}

/// 150,000 customers on a 3 × 4 grid of quantile cut points: identical on one thread and on
/// four; counts and levels as one loop finds them, sums within rounding of one loop's.
#[cfg(feature = "parallel")]
#[test]
fn large_matrices_are_identical_on_one_and_four_threads() {
    let n = 150_000;
    let current = seeded(n, 1000, 1);
    let potential = seeded(n, 50, 2);
    let config = ValueMatrix {
        current: Thresholds::even(3).unwrap(),
        potential: Thresholds::even(4).unwrap(),
        ..Default::default()
    };
    let (one, four) = crate::parallel::on_one_and_four_threads(|| {
        let m = value_matrix(&current, &potential, &config).unwrap();
        (m.cells(), m)
    });
    assert_eq!(one, four);
    let m = &one.1;
    let mut counts = vec![0usize; m.n_cells()];
    let mut sums = vec![0.0; m.n_cells()];
    for i in 0..n {
        let cut = |x: f64, cuts: &[f64]| cuts.iter().filter(|&&c| c < x).count();
        assert!(m.current_level()[i] as usize >= cut(current[i], m.current_thresholds()));
        counts[m.cell_of(i)] += 1;
        sums[m.cell_of(i)] += current[i];
    }
    assert_eq!(m.counts(), &counts[..]);
    for (a, b) in m.current_sum().iter().zip(&sums) {
        assert_relative_eq!(*a, *b, max_relative = 1e-12);
    }
    assert_eq!(one.0, (0..n).map(|i| m.cell_of(i)).collect::<Vec<_>>());
}

/// Up to one chunk the sums per cell are one loop's, bit for bit.
#[test]
fn one_chunk_sums_as_one_loop() {
    let n = TOTALS_CHUNK;
    let (current, potential) = (seeded(n, 1000, 3), seeded(n, 1000, 4));
    let m = value_matrix(&current, &potential, &ValueMatrix::default()).unwrap();
    let mut sums = [0.0; 4];
    for i in 0..n {
        sums[m.cell_of(i)] += potential[i];
    }
    assert_eq!(m.potential_sum(), &sums[..]);
}

/// Two non-finite values among 150,000: the first is named (the current column is checked
/// before the potential column), on one thread and on four.
#[cfg(feature = "parallel")]
#[test]
fn large_bad_values_name_the_first() {
    let n = 150_000;
    let mut current = seeded(n, 1000, 1);
    let mut potential = seeded(n, 50, 2);
    potential[10] = f64::NAN;
    current[140_000] = f64::INFINITY;
    current[70_003] = f64::NAN;
    let (one, four) = crate::parallel::on_one_and_four_threads(|| {
        value_matrix(&current, &potential, &ValueMatrix::default()).unwrap_err()
    });
    assert_eq!(one, four);
    assert_eq!((one.field(), one.index()), (Some("current"), Some(70_003)));
}
