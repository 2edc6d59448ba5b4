//! Tests of the `loyalty` area.

use std::collections::{BTreeMap, BTreeSet};

use approx::assert_relative_eq;
use cvm_core::calendar::parse_date;
use cvm_core::loyalty::*;
use cvm_core::{summarize, Error, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog};
use proptest::prelude::*;

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// CDNOW: ladder at the end of calibration and at the end of the holdout, and the migration.
// ---------------------------------------------------------------------------------------------

const CAL_END: &str = "1997-09-30";
const HOLDOUT_END: &str = "1998-06-30";

/// The ladder of every CDNOW customer as of `end` with a lapse window of `window` weeks, through
/// `summarize` (ages in weeks) and `loyalty_stages`.
fn cdnow_ladder(end: i64, window: f64) -> (Vec<i64>, Ladder) {
    let (id, day, amount) = cdnow_transactions();
    let keep: Vec<usize> = (0..id.len()).filter(|&i| day[i] <= end).collect();
    let id: Vec<i64> = keep.iter().map(|&i| id[i]).collect();
    let day: Vec<i64> = keep.iter().map(|&i| day[i]).collect();
    let amount: Vec<f64> = keep.iter().map(|&i| amount[i]).collect();
    let opts = SummaryOptions::new(TimestampUnit::Day)
        .with_time_unit(Some(TimeUnit::Week))
        .with_observation_end(Some(end));
    let s = summarize(
        &TransactionLog { customer_id: &id, timestamp: &day, amount: Some(&amount) },
        &opts,
    )
    .unwrap();
    let ladder = loyalty_stages(
        &LadderInput::new(&s.frequency, &s.recency, &s.t),
        &LadderOptions::default().with_lapse_window(Some(window)),
    )
    .unwrap();
    (s.customer_id, ladder)
}

/// The same ladder computed directly from the raw log in whole days: distinct purchase days up
/// to `end`; lapsed when the last is more than `window_days` before `end`, repeat with two or
/// more purchase days, first-time otherwise. Also returns how many customers sit exactly on the
/// window (the rounding-sensitive case).
fn cdnow_ladder_by_hand(end: i64, window_days: i64) -> (BTreeMap<i64, &'static str>, usize) {
    let (id, day, _) = cdnow_transactions();
    let mut days: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (c, d) in id.into_iter().zip(day) {
        if d <= end {
            days.entry(c).or_default().insert(d);
        }
    }
    let mut on_boundary = 0;
    let stages = days
        .into_iter()
        .map(|(c, ds)| {
            let last = *ds.iter().next_back().unwrap();
            on_boundary += usize::from(end - last == window_days);
            let stage = if end - last >= window_days {
                "lapsed"
            } else if ds.len() >= 2 {
                "repeat"
            } else {
                "first_time"
            };
            (c, stage)
        })
        .collect();
    (stages, on_boundary)
}

/// Pinned CDNOW figures for one lapse window.
struct CdnowCase {
    window_weeks: i64,
    /// (first_time, repeat, lapsed) at the calibration end.
    calibration: [usize; 3],
    /// (first_time, repeat, lapsed) at the end of the holdout.
    holdout: [usize; 3],
    /// Customers exactly `window` before (calibration end, holdout end).
    on_boundary: [usize; 2],
    /// Non-zero transitions (from, to, count).
    moves: &'static [(Stage, Stage, u64)],
}

const CDNOW_CASES: [CdnowCase; 2] = [
    // Every CDNOW customer first bought in Q1 1997, so at the calibration end a one-time buyer
    // has been silent for more than 26 weeks: no first-time customers are left.
    CdnowCase {
        window_weeks: 26,
        calibration: [0, 725, 1632],
        holdout: [0, 515, 1842],
        on_boundary: [3, 2],
        moves: &[
            (Stage::Repeat, Stage::Repeat, 341),
            (Stage::Repeat, Stage::Lapsed, 384),
            (Stage::Lapsed, Stage::Repeat, 174),
            (Stage::Lapsed, Stage::Lapsed, 1458),
        ],
    },
    // A year's window: 193 first-time buyers became repeat buyers, 1218 lapsed.
    CdnowCase {
        window_weeks: 52,
        calibration: [1411, 946, 0],
        holdout: [0, 808, 1549],
        on_boundary: [0, 4],
        moves: &[
            (Stage::FirstTime, Stage::Repeat, 193),
            (Stage::FirstTime, Stage::Lapsed, 1218),
            (Stage::Repeat, Stage::Repeat, 615),
            (Stage::Repeat, Stage::Lapsed, 331),
        ],
    },
];

#[test]
fn cdnow_ladder_and_migration_match_an_independent_count() {
    let cal_end = parse_date(CAL_END, "end").unwrap();
    let end = parse_date(HOLDOUT_END, "end").unwrap();
    for case in &CDNOW_CASES {
        let w = case.window_weeks;
        let (ids_cal, cal) = cdnow_ladder(cal_end, w as f64);
        let (ids_end, fin) = cdnow_ladder(end, w as f64);
        let (hand_cal, boundary_cal) = cdnow_ladder_by_hand(cal_end, 7 * w);
        let (hand_end, boundary_end) = cdnow_ladder_by_hand(end, 7 * w);
        assert_eq!([boundary_cal, boundary_end], case.on_boundary, "window {w}");

        // Per customer, the ladder agrees with the hand count.
        for (ids, ladder, hand) in [(&ids_cal, &cal, &hand_cal), (&ids_end, &fin, &hand_end)] {
            assert_eq!(ids.len(), hand.len());
            assert_eq!(ladder.len(), 2357);
            for (i, id) in ids.iter().enumerate() {
                assert_eq!(ladder.stages()[i].as_str(), hand[id], "customer {id}, window {w}");
            }
        }

        // Stage counts, recounted by hand and pinned.
        let count =
            |m: &BTreeMap<i64, &str>, s: Stage| m.values().filter(|&&v| v == s.as_str()).count();
        let ladder_stages = [Stage::FirstTime, Stage::Repeat, Stage::Lapsed];
        for (ladder, hand, pinned) in
            [(&cal, &hand_cal, case.calibration), (&fin, &hand_end, case.holdout)]
        {
            for (stage, n) in ladder_stages.into_iter().zip(pinned) {
                assert_eq!(ladder.count(stage), count(hand, stage), "{stage}, window {w}");
                assert_eq!(ladder.count(stage), n, "{stage}, window {w}");
            }
            for stage in [Stage::Suspect, Stage::Prospect, Stage::Advocate] {
                assert_eq!(ladder.count(stage), 0);
            }
        }

        // Migration calibration end → holdout end (the same customers: strict).
        let m = stage_migration(
            &ids_cal,
            cal.stages(),
            &ids_end,
            fin.stages(),
            MigrationPolicy::Strict,
        )
        .unwrap();
        let mut by_hand: BTreeMap<(&str, &str), u64> = BTreeMap::new();
        for (id, from) in &hand_cal {
            *by_hand.entry((from, hand_end[id])).or_default() += 1;
        }
        for from in Stage::ALL {
            for to in Stage::ALL {
                let want = by_hand.get(&(from.as_str(), to.as_str())).copied().unwrap_or(0);
                assert_eq!(m.count(from.into(), to.into()), want, "{from} -> {to}, window {w}");
                let pinned =
                    case.moves.iter().find(|mv| (mv.0, mv.1) == (from, to)).map_or(0, |mv| mv.2);
                assert_eq!(m.count(from.into(), to.into()), pinned, "{from} -> {to}, window {w}");
                let rate =
                    if cal.count(from) == 0 { 0.0 } else { want as f64 / cal.count(from) as f64 };
                assert_relative_eq!(m.rate(from.into(), to.into()), rate, max_relative = 1e-15);
            }
            assert_eq!(m.row_total(from.into()), cal.count(from) as u64);
            assert_eq!(m.column_total(from.into()), fin.count(from) as u64);
        }
        assert_eq!(m.moves().len(), 2357);
        let stayed: u64 = Stage::ALL.iter().map(|&s| m.count(s.into(), s.into())).sum();
        let changed = m.moves().iter().filter(|mv| mv.changed()).count() as u64;
        assert_eq!(changed + stayed, 2357);
    }
}

// ---------------------------------------------------------------------------------------------
// End-to-end cases through the public API.
// ---------------------------------------------------------------------------------------------

#[test]
fn ladder_levels_and_churn_for_one_small_book() {
    // Seven customers: two never bought, five did (weeks).
    let purchased = [false, false, true, true, true, true, true];
    let interest = [0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0];
    let frequency = [0.0, 0.0, 0.0, 2.0, 6.0, 4.0, 1.0];
    let recency = [0.0, 0.0, 0.0, 10.0, 30.0, 12.0, 3.0];
    let t = [0.0, 0.0, 4.0, 14.0, 32.0, 52.0, 40.0];
    let reviews = [0.0, 0.0, 1.0, 0.0, 2.0, 5.0, 0.0];
    let p_alive = [1.0, 1.0, 0.95, 0.8, 0.9, 0.7, 0.3];
    let input = LadderInput {
        purchased: Some(&purchased),
        interest: Some(&interest),
        reviews: Some(&reviews),
        p_alive: Some(&p_alive),
        ..LadderInput::new(&frequency, &recency, &t)
    };
    let opts = LadderOptions::default().with_lapse_window(Some(26.0));
    let ladder = loyalty_stages(&input, &opts).unwrap();
    let want = [
        (Stage::Suspect, "suspect: no purchase, interest=0<1"),
        (Stage::Prospect, "prospect: no purchase, interest=3>=1"),
        (Stage::FirstTime, "first_time: frequency=0<1"),
        (Stage::Repeat, "repeat: frequency=2>=1"),
        (Stage::Advocate, "advocate: frequency=6>=1, reviews=2>=1"),
        (Stage::Lapsed, "lapsed: T-recency=40>=26"),
        (Stage::Lapsed, "lapsed: p_alive=0.3<0.5"),
    ];
    for (i, (stage, text)) in want.iter().enumerate() {
        assert_eq!(ladder.stages()[i], *stage, "customer {i}");
        assert_eq!(ladder.reason_text(i), *text, "customer {i}");
    }
    assert!(matches!(
        ladder.reason(5),
        StageReason::Inactive { since_last, window } if since_last == 40.0 && window == 26.0
    ));

    // The lapsed customers' churn types from reason fields.
    let labels = churn_types(&ChurnReasons {
        competitor: Some(&[false, true]),
        payment_lapse: Some(&[true, false]),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(labels.types(), &[ChurnType::PassiveNonMalicious, ChurnType::ActiveCompetitive]);
    assert_eq!(labels.causes(), &[Some(ChurnCause::PaymentLapse), Some(ChurnCause::Competitor)]);
    let texts = labels.reason_texts();
    assert_eq!(
        texts.iter().collect::<Vec<_>>(),
        ["passive_non_malicious: payment_lapse", "active_competitive: competitor"]
    );
    assert_eq!(texts.get(1), labels.reason_text(1));
}

#[test]
fn every_level_with_its_reason() {
    let input = LevelInput {
        belief_better: Some(&[0.0, 1.0, 1.0, 1.0, 1.0]),
        satisfaction: Some(&[5.0, 2.0, 4.0, 5.0, 5.0]),
        repurchase_intent: Some(&[5.0, 5.0, 3.0, 4.0, 5.0]),
        repeat_despite_obstacles: Some(&[3.0, 3.0, 3.0, 0.0, 1.0]),
    };
    let levels = loyalty_levels(&input, &LevelOptions::default()).unwrap();
    let want = [
        (LoyaltyLevel::None, "none: belief_better=0<0.5"),
        (LoyaltyLevel::Cognitive, "cognitive: belief_better=1>=0.5; satisfaction=2<4"),
        (LoyaltyLevel::Affective, "affective: satisfaction=4>=4; repurchase_intent=3<4"),
        (LoyaltyLevel::Conative, "conative: repurchase_intent=4>=4; repeat_despite_obstacles=0<1"),
        (LoyaltyLevel::Action, "action: repeat_despite_obstacles=1>=1"),
    ];
    for (i, (level, text)) in want.iter().enumerate() {
        assert_eq!(levels.levels()[i], *level, "customer {i}");
        assert_eq!(levels.reason_text(i), *text, "customer {i}");
    }
    // The same signals under the "highest" rule: customers 0 to 2 reach action.
    let highest =
        loyalty_levels(&input, &LevelOptions::default().with_rule(LevelRule::Highest)).unwrap();
    assert_eq!(highest.levels()[..3], [LoyaltyLevel::Action; 3]);
    assert_eq!(highest.levels()[3..], levels.levels()[3..]);
}

#[test]
fn bad_input_names_field_and_index() {
    let f = [1.0, 2.0, 0.0];
    let r = [1.0, 4.0, 0.0];
    let t = [5.0, 5.0, 5.0];
    let e = loyalty_stages(
        &LadderInput { p_alive: Some(&[0.2, 0.4, f64::NAN]), ..LadderInput::new(&f, &r, &t) },
        &LadderOptions::default(),
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::InvalidValue { ref field, index: Some(2), .. } if field == "p_alive")
    );
    assert_eq!(e.to_string(), "`p_alive`[2]: must be a probability in [0, 1] (got NaN)");
    let e = loyalty_stages(
        &LadderInput { referrals: Some(&[0.0; 4]), ..LadderInput::new(&f, &r, &t) },
        &LadderOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e, Error::LengthMismatch { field: "referrals".into(), expected: 3, got: 4 });
    let e = loyalty_stages(
        &LadderInput::new(&f, &r, &t),
        &LadderOptions::default().with_lapse_window(Some(-1.0)),
    )
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("lapse_window"), None));
    let e = churn_risk(
        &ChurnInput {
            frequency: &f,
            recency: &r,
            t: &t,
            horizon: 10.0,
            probability: &[0.5; 3],
            p_alive: &[0.2, f64::NAN, 0.1],
            expected_purchases: &[1.0; 3],
            clv: None,
        },
        &ChurnRiskOptions::default(),
    )
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("p_alive"), Some(1)));
    let e = stage_migration(
        &[1, 2],
        &[Stage::Repeat, Stage::Lapsed],
        &[2, 3],
        &[Stage::Repeat, Stage::Lapsed],
        MigrationPolicy::Strict,
    )
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("ids_before"), Some(0)));
}

#[cfg(feature = "serde")]
#[test]
fn enums_and_options_serialise_by_name() {
    assert_eq!(serde_json::to_string(&Stage::FirstTime).unwrap(), "\"first_time\"");
    assert_eq!(
        serde_json::to_string(&ChurnType::PassiveNonMalicious).unwrap(),
        "\"passive_non_malicious\""
    );
    assert_eq!(serde_json::to_string(&LoyaltyLevel::Conative).unwrap(), "\"conative\"");
    assert_eq!(serde_json::to_string(&RiskBand::High).unwrap(), "\"high\"");
    for s in Stage::ALL {
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, format!("\"{}\"", s.as_str()));
        assert_eq!(serde_json::from_str::<Stage>(&json).unwrap(), s);
    }
    let o = LadderOptions::default().with_lapse_window(Some(26.0));
    let back: LadderOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back, o);
    let o = ChurnRiskOptions::default();
    let back: ChurnRiskOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back, o);
}

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

/// Random customers: (purchased, frequency, recency, T, interest, referrals, p_alive).
fn customers() -> impl Strategy<Value = Vec<(bool, f64, f64, f64, f64, f64, f64)>> {
    prop::collection::vec(
        (any::<bool>(), 0u32..8, 0.0..1.0f64, 0.0..80.0f64, 0u32..3, 0u32..3, 0.0..=1.0f64),
        1..120,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(|(bought, f, share, t, interest, refs, p)| {
                let (f, r) = if bought { (f as f64, share * t) } else { (0.0, 0.0) };
                let r = if f > 0.0 && r == 0.0 { t } else { r };
                (bought, f, r, t, interest as f64, refs as f64, p)
            })
            .collect()
    })
}

fn stage_strategy() -> impl Strategy<Value = Stage> {
    (0usize..Stage::ALL.len()).prop_map(|k| Stage::ALL[k])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_customer_gets_exactly_one_stage(
        rows in customers(),
        window in prop::option::of(1.0..60.0f64),
        threshold in 0.05..=1.0f64,
    ) {
        let col = |k: usize| -> Vec<f64> {
            rows.iter().map(|r| [r.1, r.2, r.3, r.4, r.5, r.6][k]).collect()
        };
        let bought: Vec<bool> = rows.iter().map(|r| r.0).collect();
        let (f, rec, t, interest, refs, p) = (col(0), col(1), col(2), col(3), col(4), col(5));
        let input = LadderInput {
            purchased: Some(&bought),
            interest: Some(&interest),
            referrals: Some(&refs),
            p_alive: Some(&p),
            ..LadderInput::new(&f, &rec, &t)
        };
        let opts = LadderOptions::default().with_lapse_window(window).with_p_alive_threshold(threshold);
        let ladder = loyalty_stages(&input, &opts).unwrap();
        prop_assert_eq!(ladder.len(), rows.len());
        prop_assert_eq!(ladder.counts().iter().map(|c| c.1).sum::<usize>(), rows.len());
        prop_assert_eq!(ladder.reasons().len(), rows.len());
        for (i, reason) in ladder.reasons().enumerate() {
            prop_assert_eq!(reason, ladder.reason(i));
        }
        let texts = ladder.reason_texts();
        prop_assert_eq!(texts.len(), rows.len());
        for i in 0..rows.len() {
            prop_assert_eq!(texts.get(i), ladder.reason_text(i));
        }
        for i in 0..rows.len() {
            let s = ladder.stages()[i];
            prop_assert_eq!(ladder.reason(i).stage(), s);
            prop_assert!(ladder.reason_text(i).starts_with(s.as_str()));
            // Exactly one rung: the stage is consistent with the inputs that define it.
            let non_buyer = matches!(s, Stage::Suspect | Stage::Prospect);
            prop_assert_eq!(non_buyer, !bought[i]);
            match s {
                Stage::Suspect => prop_assert!(interest[i] < 1.0),
                Stage::Prospect => prop_assert!(interest[i] >= 1.0),
                Stage::FirstTime => prop_assert!(f[i] < 1.0),
                Stage::Repeat => prop_assert!(f[i] >= 1.0 && refs[i] < 1.0),
                Stage::Advocate => prop_assert!(f[i] >= 1.0 && refs[i] >= 1.0),
                Stage::Lapsed => prop_assert!(
                    p[i] < threshold || window.is_some_and(|w| t[i] - rec[i] > w)
                ),
                _ => prop_assert!(false, "unexpected stage"),
            }
            if bought[i] && s != Stage::Lapsed {
                prop_assert!(p[i] >= threshold);
                prop_assert!(window.is_none_or(|w| t[i] - rec[i] <= w * (1.0 + 1e-12)));
            }
        }
    }

    #[test]
    fn migration_rows_sum_to_stage_counts(
        before in prop::collection::vec(stage_strategy(), 1..80),
        after_stages in prop::collection::vec(stage_strategy(), 80),
        keep in prop::collection::vec(any::<bool>(), 80),
        extra in 0usize..10,
        outer in any::<bool>(),
    ) {
        let n = before.len();
        let ids_before: Vec<i64> = (0..n as i64).map(|i| 1000 - 7 * i).collect();
        // The second snapshot: some customers kept (reversed order), plus new ones when outer.
        let mut ids_after: Vec<i64> = if outer {
            (0..n).rev().filter(|&i| keep[i]).map(|i| ids_before[i]).collect()
        } else {
            ids_before.iter().rev().copied().collect()
        };
        if outer {
            ids_after.extend((0..extra as i64).map(|k| 5000 + k));
        }
        prop_assume!(!ids_after.is_empty());
        let stages_after: Vec<Stage> = after_stages.iter().cycle().take(ids_after.len()).copied().collect();
        let policy = if outer { MigrationPolicy::OuterJoin } else { MigrationPolicy::Strict };
        let m = stage_migration(&ids_before, &before, &ids_after, &stages_after, policy).unwrap();
        for s in Stage::ALL {
            prop_assert_eq!(m.row_total(s.into()), before.iter().filter(|&&b| b == s).count() as u64);
            prop_assert_eq!(m.column_total(s.into()), stages_after.iter().filter(|&&b| b == s).count() as u64);
        }
        let gone = if outer { (0..n).filter(|&i| !keep[i]).count() as u64 } else { 0 };
        let new = if outer { extra as u64 } else { 0 };
        prop_assert_eq!(m.column_total(MigrationState::Gone), gone);
        prop_assert_eq!(m.row_total(MigrationState::New), new);
        prop_assert_eq!(m.counts().iter().sum::<u64>(), m.moves().len() as u64);
        prop_assert_eq!(m.moves().len() as u64, n as u64 + new);
        for (row, state) in m.rate_matrix().iter().zip(m.row_states()) {
            let sum: f64 = row.iter().sum();
            let want = if m.row_total(*state) > 0 { 1.0 } else { 0.0 };
            prop_assert!((sum - want).abs() < 1e-12);
        }
        for mv in m.moves() {
            prop_assert!(m.count(mv.from, mv.to) >= 1);
        }
    }

    #[test]
    fn churn_bands_follow_the_probability(
        rows in customers(),
        expected in prop::collection::vec(0.0..3.0f64, 120),
        prob in prop::collection::vec(0.0..=1.0f64, 120),
    ) {
        let f: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let rec: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let t: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let p: Vec<f64> = rows.iter().map(|r| r.6).collect();
        let n = rows.len();
        let opts = ChurnRiskOptions::default();
        let risk = churn_risk(
            &ChurnInput {
                frequency: &f, recency: &rec, t: &t, horizon: 5.0, probability: &prob[..n],
                p_alive: &p, expected_purchases: &expected[..n], clv: None,
            },
            &opts,
        )
        .unwrap();
        let texts = risk.reason_texts();
        prop_assert_eq!(texts.len(), n);
        for i in 0..n {
            prop_assert_eq!(texts.get(i), risk.reason(i));
            let s = risk.score()[i];
            prop_assert!(s > 0.0 && s <= 1.0);
            prop_assert_eq!(risk.band()[i], opts.band(prob[i]));
            prop_assert_eq!(risk.at_risk()[i], prob[i] >= opts.at_risk_threshold);
        }
        for i in 0..n {
            for j in 0..n {
                if prob[i] < prob[j] {
                    prop_assert!(risk.band()[i] <= risk.band()[j]);
                }
            }
        }
    }

    #[test]
    fn cumulative_level_never_exceeds_highest(
        rows in prop::collection::vec((0.0..1.0f64, 1.0..5.0f64, 1.0..5.0f64, 0u32..3), 1..60),
    ) {
        let b: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let s: Vec<f64> = rows.iter().map(|r| r.1.round()).collect();
        let i: Vec<f64> = rows.iter().map(|r| r.2.round()).collect();
        let a: Vec<f64> = rows.iter().map(|r| r.3 as f64).collect();
        let input = LevelInput {
            belief_better: Some(&b),
            satisfaction: Some(&s),
            repurchase_intent: Some(&i),
            repeat_despite_obstacles: Some(&a),
        };
        let cum = loyalty_levels(&input, &LevelOptions::default()).unwrap();
        let hi = loyalty_levels(&input, &LevelOptions::default().with_rule(LevelRule::Highest))
            .unwrap();
        let texts = cum.reason_texts();
        prop_assert_eq!(texts.len(), rows.len());
        for k in 0..rows.len() {
            prop_assert_eq!(texts.get(k), cum.reason_text(k));
            prop_assert!(cum.levels()[k] <= hi.levels()[k]);
            // Cumulative: every level up to the one reached holds.
            let holds = [b[k] >= 0.5, s[k] >= 4.0, i[k] >= 4.0, a[k] >= 1.0];
            let reached = LoyaltyLevel::ALL.iter().position(|&l| l == cum.levels()[k]).unwrap();
            prop_assert!(holds[..reached].iter().all(|&h| h));
            prop_assert!(reached == 4 || !holds[reached]);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Sorted snapshots take the merge join, shuffled ones the hash join: same matrix and moves.
    #[test]
    fn merge_and_hash_joins_agree(
        rows in prop::collection::vec((0i64..400, stage_strategy(), any::<bool>(), stage_strategy(), any::<bool>()), 1..150),
        outer in any::<bool>(),
    ) {
        // Unique ascending ids; each customer in `before` and/or `after`.
        let mut rows = rows;
        rows.sort_by_key(|r| r.0);
        rows.dedup_by_key(|r| r.0);
        let before: Vec<(i64, Stage)> =
            rows.iter().filter(|r| r.2 || !outer).map(|r| (r.0, r.1)).collect();
        let after: Vec<(i64, Stage)> =
            rows.iter().filter(|r| r.4 || !outer).map(|r| (r.0, r.3)).collect();
        prop_assume!(!before.is_empty() && !after.is_empty());
        let policy = if outer { MigrationPolicy::OuterJoin } else { MigrationPolicy::Strict };
        let split = |v: &[(i64, Stage)]| -> (Vec<i64>, Vec<Stage>) { v.iter().copied().unzip() };
        let (ib, sb) = split(&before);
        let (ia, sa) = split(&after);
        let sorted = stage_migration(&ib, &sb, &ia, &sa, policy).unwrap();
        // Shuffle deterministically: odd positions first, then even, reversed.
        let shuffle = |v: &[(i64, Stage)]| -> Vec<(i64, Stage)> {
            v.iter().skip(1).step_by(2).chain(v.iter().step_by(2)).rev().copied().collect()
        };
        let (jb, tb) = split(&shuffle(&before));
        let (ja, ta) = split(&shuffle(&after));
        let hashed = stage_migration(&jb, &tb, &ja, &ta, policy).unwrap();
        prop_assert_eq!(sorted.counts(), hashed.counts());
        let mut m1 = sorted.moves().to_vec();
        let mut m2 = hashed.moves().to_vec();
        m1.sort_by_key(|m| m.id);
        m2.sort_by_key(|m| m.id);
        prop_assert_eq!(m1, m2);
        // Moves come in `before` order, then the new customers in `after` order.
        let order: Vec<i64> = hashed.moves().iter().map(|m| m.id).collect();
        let mut want = jb.clone();
        want.extend(ja.iter().filter(|id| !jb.contains(id)));
        prop_assert_eq!(order, want);
    }
}
