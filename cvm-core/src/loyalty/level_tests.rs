//! Tests of the loyalty levels (see [`super`]).

use super::*;
use LoyaltyLevel as L;

fn run(rows: &[[f64; 4]], o: &LevelOptions) -> Levels {
    let col = |k: usize| -> Vec<f64> { rows.iter().map(|r| r[k]).collect() };
    let (b, s, i, a) = (col(0), col(1), col(2), col(3));
    loyalty_levels(
        &LevelInput {
            belief_better: Some(&b),
            satisfaction: Some(&s),
            repurchase_intent: Some(&i),
            repeat_despite_obstacles: Some(&a),
        },
        o,
    )
    .unwrap()
}

#[test]
fn cumulative_table() {
    let cases: [([f64; 4], L, &str); 7] = [
        ([0.0, 5.0, 5.0, 3.0], L::None, "none: belief_better=0<0.5"),
        ([1.0, 3.0, 5.0, 3.0], L::Cognitive, "cognitive: belief_better=1>=0.5; satisfaction=3<4"),
        ([1.0, 4.0, 2.0, 3.0], L::Affective, "affective: satisfaction=4>=4; repurchase_intent=2<4"),
        (
            [1.0, 5.0, 4.0, 0.0],
            L::Conative,
            "conative: repurchase_intent=4>=4; repeat_despite_obstacles=0<1",
        ),
        ([1.0, 5.0, 5.0, 1.0], L::Action, "action: repeat_despite_obstacles=1>=1"),
        ([0.6, 4.5, 4.0, 2.0], L::Action, "action: repeat_despite_obstacles=2>=1"),
        ([0.4, 1.0, 1.0, 0.0], L::None, "none: belief_better=0.4<0.5"),
    ];
    let rows: Vec<[f64; 4]> = cases.iter().map(|c| c.0).collect();
    let out = run(&rows, &LevelOptions::default());
    for (i, (_, level, text)) in cases.iter().enumerate() {
        assert_eq!(out.levels()[i], *level, "row {i}");
        assert_eq!(out.reason_text(i), *text, "row {i}");
    }
    let counts: Vec<usize> = out.counts().iter().map(|c| c.1).collect();
    assert_eq!(counts, vec![2, 1, 1, 1, 2]);
}

#[test]
fn highest_table() {
    let o = LevelOptions { rule: LevelRule::Highest, ..Default::default() };
    let cases: [([f64; 4], L, &str); 4] = [
        ([0.0, 5.0, 5.0, 3.0], L::Action, "action: repeat_despite_obstacles=3>=1"),
        ([0.0, 5.0, 1.0, 0.0], L::Affective, "affective: satisfaction=5>=4; repurchase_intent=1<4"),
        ([0.0, 1.0, 1.0, 0.0], L::None, "none: belief_better=0<0.5"),
        (
            [1.0, 1.0, 5.0, 0.0],
            L::Conative,
            "conative: repurchase_intent=5>=4; repeat_despite_obstacles=0<1",
        ),
    ];
    let rows: Vec<[f64; 4]> = cases.iter().map(|c| c.0).collect();
    let out = run(&rows, &o);
    for (i, (_, level, text)) in cases.iter().enumerate() {
        assert_eq!(out.levels()[i], *level, "row {i}");
        assert_eq!(out.reason_text(i), *text, "row {i}");
    }
}

#[test]
fn custom_thresholds_on_a_0_to_10_scale() {
    let o = LevelOptions {
        satisfaction_threshold: 7.0,
        intent_threshold: 9.0,
        obstacles_threshold: 2.0,
        ..Default::default()
    };
    let out = run(&[[1.0, 7.0, 8.0, 5.0], [1.0, 10.0, 9.0, 1.0]], &o);
    assert_eq!(out.levels(), &[L::Affective, L::Conative]);
    assert_eq!(out.reason_text(0), "affective: satisfaction=7>=7; repurchase_intent=8<9");
    assert_eq!(
        out.reason_text(1),
        "conative: repurchase_intent=9>=9; repeat_despite_obstacles=1<2"
    );
}

#[test]
fn unobserved_signals_are_skipped() {
    // Only behaviour and intent known.
    let input = LevelInput {
        repurchase_intent: Some(&[5.0, 5.0, 1.0]),
        repeat_despite_obstacles: Some(&[1.0, 0.0, 4.0]),
        ..Default::default()
    };
    let out = loyalty_levels(&input, &LevelOptions::default()).unwrap();
    assert_eq!(out.levels(), &[L::Action, L::Conative, L::None]);
    assert_eq!(out.reason_text(2), "none: repurchase_intent=1<4");

    let o = LevelOptions { missing: MissingSignal::Unobserved, ..Default::default() };
    let input = LevelInput {
        belief_better: Some(&[f64::NAN, f64::NAN, 1.0]),
        satisfaction: Some(&[5.0, f64::NAN, f64::NAN]),
        ..Default::default()
    };
    let out = loyalty_levels(&input, &o).unwrap();
    assert_eq!(out.levels(), &[L::Affective, L::None, L::Cognitive]);
    assert_eq!(out.reason_text(1), "none: no signal observed");
    assert_eq!(out.reason_text(2), "cognitive: belief_better=1>=0.5");
}

#[test]
fn bad_input_is_typed() {
    let o = LevelOptions::default();
    let e = loyalty_levels(&LevelInput::default(), &o).unwrap_err();
    assert_eq!(e.field(), Some("signals"));
    let e = loyalty_levels(
        &LevelInput { satisfaction: Some(&[1.0, f64::NAN]), ..Default::default() },
        &o,
    )
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("satisfaction"), Some(1)));
    let e = loyalty_levels(
        &LevelInput {
            satisfaction: Some(&[1.0, 2.0]),
            repeat_despite_obstacles: Some(&[1.0]),
            ..Default::default()
        },
        &o,
    )
    .unwrap_err();
    assert!(matches!(e, Error::LengthMismatch { ref field, expected: 2, got: 1 }
        if field == "repeat_despite_obstacles"));
    let e = loyalty_levels(
        &LevelInput { repeat_despite_obstacles: Some(&[1.0, -2.0]), ..Default::default() },
        &LevelOptions { missing: MissingSignal::Unobserved, ..Default::default() },
    )
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("repeat_despite_obstacles"), Some(1)));
    let e = loyalty_levels(&LevelInput { belief_better: Some(&[]), ..Default::default() }, &o)
        .unwrap_err();
    assert!(matches!(e, Error::Empty { .. }));
    let e = loyalty_levels(
        &LevelInput { belief_better: Some(&[1.0]), ..Default::default() },
        &LevelOptions { obstacles_threshold: 0.0, ..Default::default() },
    )
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("obstacles_threshold"), None));
    let e = loyalty_levels(
        &LevelInput { belief_better: Some(&[1.0]), ..Default::default() },
        &LevelOptions { satisfaction_threshold: f64::NAN, ..Default::default() },
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("satisfaction_threshold"));
}

#[test]
fn names_round_trip() {
    for (l, name) in LoyaltyLevel::ALL.into_iter().zip(LoyaltyLevel::NAMES) {
        assert_eq!(l.as_str(), *name);
        assert_eq!(name.to_uppercase().parse::<LoyaltyLevel>().unwrap(), l);
        if let Some(s) = l.signal() {
            assert_eq!(s.level(), l);
        }
    }
    assert!("devoted".parse::<LoyaltyLevel>().is_err());
    assert_eq!("Highest".parse::<LevelRule>().unwrap(), LevelRule::Highest);
    assert_eq!("cumulative".parse::<LevelRule>().unwrap().as_str(), "cumulative");
    assert!(matches!("max".parse::<LevelRule>(), Err(Error::UnknownName { .. })));
    assert_eq!("unobserved".parse::<MissingSignal>().unwrap().as_str(), "unobserved");
    assert!("skip".parse::<MissingSignal>().is_err());
}

/// 100,000 customers, signals with NaN gaps (unobserved) and ties at the thresholds, both
/// rules: the same levels, reasons and counts on one thread and on four, each customer's level
/// and reason those of a call on that customer alone, and the counts those of a loop.
#[cfg(feature = "parallel")]
#[test]
fn large_inputs_are_classified_alike_on_any_threads() {
    use crate::parallel::on_one_and_four_threads;
    let n = 100_000;
    let mut rng = crate::models::Rng::new(7);
    let mut col = |scale: f64, nan: bool| -> Vec<f64> {
        let mut draw = |_| match rng.uniform() {
            u if nan && u < 0.05 => f64::NAN,
            u => (u * scale * 4.0).floor() / 4.0,
        };
        (0..n).map(&mut draw).collect()
    };
    let (b, s, i, a) = (col(1.0, true), col(6.0, true), col(6.0, false), col(3.0, true));
    let input = LevelInput {
        belief_better: Some(&b),
        satisfaction: Some(&s),
        repurchase_intent: Some(&i),
        repeat_despite_obstacles: Some(&a),
    };
    for rule in [LevelRule::Cumulative, LevelRule::Highest] {
        let o = LevelOptions { rule, missing: MissingSignal::Unobserved, ..Default::default() };
        let (one, four) = on_one_and_four_threads(|| {
            let levels = loyalty_levels(&input, &o).unwrap();
            let counts = levels.counts();
            (levels, counts)
        });
        assert_eq!(one, four);
        let (levels, counts) = one;
        for (l, c) in &counts {
            assert_eq!(levels.levels().iter().filter(|&x| x == l).count(), *c, "{rule:?}");
        }
        assert!(counts.iter().all(|c| c.1 > 0), "{counts:?}");
        for k in (0..n).step_by(97).chain([n - 1]) {
            let one = |c: &[f64]| [c[k]];
            let (b1, s1, i1, a1) = (one(&b), one(&s), one(&i), one(&a));
            let alone = LevelInput {
                belief_better: Some(&b1),
                satisfaction: Some(&s1),
                repurchase_intent: Some(&i1),
                repeat_despite_obstacles: Some(&a1),
            };
            let alone = loyalty_levels(&alone, &o).unwrap();
            assert_eq!(alone.levels()[0], levels.levels()[k], "{rule:?} {k}");
            assert_eq!(alone.reason(0), levels.reason(k), "{rule:?} {k}");
        }
    }
    // Two bad values in `satisfaction` and an earlier one in a later column: the first of
    // `satisfaction` is named, on any threads.
    let (mut s2, mut a2) = (s.clone(), a.clone());
    s2[70_001] = f64::INFINITY;
    s2[99_000] = f64::NEG_INFINITY;
    a2[3] = -1.0;
    let bad = LevelInput { satisfaction: Some(&s2), repeat_despite_obstacles: Some(&a2), ..input };
    let o = LevelOptions { missing: MissingSignal::Unobserved, ..Default::default() };
    let (one, four) = on_one_and_four_threads(|| loyalty_levels(&bad, &o).unwrap_err());
    assert_eq!(one, four);
    assert_eq!((one.field(), one.index()), (Some("satisfaction"), Some(70_001)));
    let bad = LevelInput { repeat_despite_obstacles: Some(&a2), ..input };
    let e = loyalty_levels(&bad, &o).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("repeat_despite_obstacles"), Some(3)));
}
