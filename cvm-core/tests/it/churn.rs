//! The churn probability and the churn-risk table: identities, calibration on data simulated from
//! the model, and ranking on the CDNOW holdout.

use cvm_core::churn::{
    churn_probability, churn_report, churn_risk_from_model, CalibrationMethod, ChurnCalibrator,
    ChurnRisk, ChurnRiskOptions, NoPurchase,
};
use cvm_core::models::{
    AnyModel, BgBb, BgBbParams, BgNbd, BgNbdParams, FitOptions, MbgNbd, MbgNbdParams, ParetoNbd,
    ParetoNbdParams, SimulationOptions, SummaryData,
};
use cvm_core::{summarize, Error, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog};

use crate::common::*;

fn bg() -> BgNbd {
    BgNbd::from_params(BgNbdParams { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }).unwrap()
}
fn mbg() -> MbgNbd {
    MbgNbd::from_params(MbgNbdParams { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 }).unwrap()
}
fn pnbd() -> ParetoNbd {
    ParetoNbd::from_params(ParetoNbdParams { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 })
        .unwrap()
}

/// AUC of `score` for the positives `y`: the Mann–Whitney statistic, ties counted half.
fn auc(score: &[f64], y: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let mut rank = vec![0.0; score.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && score[idx[j + 1]] == score[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            rank[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    let n1 = y.iter().filter(|&&v| v).count() as f64;
    let n0 = y.len() as f64 - n1;
    let sum: f64 = (0..y.len()).filter(|&k| y[k]).map(|k| rank[k]).sum();
    (sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// Worst |mean predicted − observed rate| over ten equal-count bins by predicted value.
fn worst_decile_gap(p: &[f64], y: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..p.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
    let n = p.len();
    (0..10)
        .map(|d| {
            let bin = &idx[d * n / 10..(d + 1) * n / 10];
            let pred = bin.iter().map(|&k| p[k]).sum::<f64>() / bin.len() as f64;
            let obs = bin.iter().filter(|&&k| y[k]).count() as f64 / bin.len() as f64;
            (pred - obs).abs()
        })
        .fold(0.0, f64::max)
}

#[test]
fn a_new_customer_churns_with_the_probability_of_no_purchase() {
    // x = 0, T = 0: the conditional probability is the model's P(X(h) = 0).
    let check = |m: &dyn Fn(f64) -> f64, p0: &dyn Fn(f64) -> f64, tol: f64| {
        for h in [0.5, 6.0, 39.0, 78.0, 1e4] {
            let (a, b) = (m(h), p0(h));
            assert!((a - b).abs() <= tol, "h = {h}: {a} vs {b}");
        }
    };
    let one =
        |m: &dyn NoPurchase, h: f64| churn_probability(m, &[0.0], &[0.0], &[0.0], h).unwrap()[0];
    let (b, mb, p) = (bg(), mbg(), pnbd());
    check(&|h| one(&b, h), &|h| b.probability_of_n_purchases(h, 0).unwrap(), 1e-13);
    check(&|h| one(&mb, h), &|h| mb.probability_of_n_purchases(h, 0).unwrap(), 1e-13);
    check(&|h| one(&p, h), &|h| p.probability_of_n_purchases(h, 0).unwrap(), 1e-9);
    let bb = BgBb::from_params(BgBbParams::new(1.204, 0.750, 0.657, 2.783).unwrap()).unwrap();
    for m in [1u64, 2, 6, 30] {
        let a = churn_probability(&bb, &[0.0], &[0.0], &[0.0], m as f64).unwrap()[0];
        let want = bb.probability_of_n_transactions(0, m);
        assert!((a - want).abs() < 1e-13, "m = {m}: {a} vs {want}");
    }
    // The same through AnyModel.
    let any = AnyModel::BgNbd(bg());
    assert_eq!(one(&any, 39.0), one(&b, 39.0));
}

#[test]
fn longer_horizons_and_silence_raise_the_probability() {
    let bb = BgBb::from_params(BgBbParams::new(1.204, 0.750, 0.657, 2.783).unwrap()).unwrap();
    let models: [&dyn NoPurchase; 4] = [&bg(), &mbg(), &pnbd(), &bb];
    for m in models {
        // Same frequency (2), last purchase at 6 vs 3 of 6 periods.
        let p = |h: f64| churn_probability(m, &[2.0, 2.0], &[6.0, 3.0], &[6.0, 6.0], h).unwrap();
        let (short, long) = (p(1.0), p(5.0));
        for k in 0..2 {
            assert!(
                long[k] <= short[k],
                "{}: {long:?} vs {short:?}",
                m.transaction_model().model_name()
            );
        }
        assert!(
            short[0] < short[1],
            "{}: the recent buyer churns less",
            m.transaction_model().model_name()
        );
    }
}

/// Data simulated from the true parameters, 100,000 customers with a 39-week holdout: the
/// probability is within 0.02 of the observed rate in every decile.
#[test]
fn calibrated_on_data_simulated_from_the_model() {
    let opts = SimulationOptions::default()
        .with_n_customers(100_000)
        .with_holdout_length(39.0)
        .with_seed(7);
    let cases: [(&dyn NoPurchase, cvm_core::models::SimulatedCohort); 3] = [
        (&bg(), bg().simulate(&opts).unwrap()),
        (&mbg(), mbg().simulate(&opts).unwrap()),
        (&pnbd(), pnbd().simulate(&opts).unwrap()),
    ];
    for (model, c) in cases {
        let p = churn_probability(model, &c.frequency, &c.recency, &c.t, 39.0).unwrap();
        let churned: Vec<bool> = c.holdout_frequency.iter().map(|&h| h == 0.0).collect();
        let gap = worst_decile_gap(&p, &churned);
        let name = model.transaction_model().model_name();
        assert!(gap < 0.02, "{name}: worst decile off by {gap}");
    }
}

/// The CDNOW calibration summary (weeks, calibration to 1997-09-30) with each customer's churn
/// flag: no purchase in the 39-week holdout to 1998-06-30.
fn cdnow_churn() -> (cvm_core::CustomerSummary, Vec<bool>) {
    let (id, day, amount) = cdnow_transactions();
    let date = |s| cvm_core::calendar::parse_date(s, "date").unwrap();
    let opts = SummaryOptions::new(TimestampUnit::Day)
        .with_time_unit(Some(TimeUnit::Week))
        .with_observation_end(Some(date("1998-06-30")))
        .with_calibration_end(Some(date("1997-09-30")));
    let s = summarize(
        &TransactionLog { customer_id: &id, timestamp: &day, amount: Some(&amount) },
        &opts,
    )
    .unwrap();
    let churned = s.holdout.as_ref().unwrap().frequency.iter().map(|&h| h == 0.0).collect();
    (s, churned)
}

/// The churn-risk table of the summary's customers over the 39-week holdout, default options.
fn risk_over_the_holdout<M: NoPurchase + ?Sized>(
    m: &M, s: &cvm_core::CustomerSummary,
) -> ChurnRisk {
    let o = ChurnRiskOptions::default();
    churn_risk_from_model(m, &s.frequency, &s.recency, &s.t, 39.0, None, &o).unwrap()
}

/// CDNOW, calibration to 1997-09-30, 39-week holdout to 1998-06-30, churned = no purchase in it:
/// the churn-risk score ranks the holdout at least as well as the weeks since the last purchase,
/// for the three models (figures in docs/churn.md).
#[test]
fn the_score_ranks_the_cdnow_holdout_at_least_as_well_as_recency() {
    let (s, churned) = cdnow_churn();
    assert_eq!(churned.iter().filter(|&&c| c).count(), 1673); // 71 % of 2,357
    let since: Vec<f64> = s.t.iter().zip(&s.recency).map(|(t, r)| t - r).collect();
    let baseline = auc(&since, &churned);
    assert!((baseline - 0.771435).abs() < 1e-6, "{baseline}");
    let data = SummaryData::new(&s.frequency, &s.recency, &s.t, None).unwrap();
    let fit = FitOptions::default();
    let models = [
        (AnyModel::BgNbd(BgNbd::fit(&data, &fit).unwrap()), 0.772524, 0.756920),
        (AnyModel::MbgNbd(MbgNbd::fit(&data, &fit).unwrap()), 0.772762, 0.760103),
        (AnyModel::ParetoNbd(ParetoNbd::fit(&data, &fit).unwrap()), 0.778742, f64::NAN),
    ];
    for (m, score_auc, probability_auc) in models {
        let risk = risk_over_the_holdout(&m, &s);
        let name = m.as_model().model_name();
        let a = auc(risk.score(), &churned);
        assert!(a >= baseline, "{name}: {a} < {baseline}");
        assert!((a - score_auc).abs() < 1e-5, "{name}: AUC {a}");
        let pa = auc(risk.probability(), &churned);
        if probability_auc.is_finite() {
            assert!((pa - probability_auc).abs() < 1e-5, "{name}: probability AUC {pa}");
        }
    }
}

/// CDNOW, BG/NBD: the calibrator fitted on the even customer ids, judged on the odd ones; the
/// same figures as the Python and C tests (docs/churn.md, "Calibration on your own history").
#[test]
fn cdnow_calibrated_on_the_other_half() {
    let (s, churned) = cdnow_churn();
    let data = SummaryData::new(&s.frequency, &s.recency, &s.t, None).unwrap();
    let m = BgNbd::fit(&data, &FitOptions::default()).unwrap();
    let risk = risk_over_the_holdout(&m, &s);
    let since: Vec<f64> = s.t.iter().zip(&s.recency).map(|(t, r)| t - r).collect();
    let half = |parity: i64| {
        let rows: Vec<usize> =
            (0..s.customer_id.len()).filter(|&i| s.customer_id[i] % 2 == parity).collect();
        let pick = |v: &[f64]| rows.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        (pick(risk.score()), rows.iter().map(|&i| churned[i]).collect::<Vec<bool>>(), pick(&since))
    };
    let ((fit_s, fit_y, _), (s_odd, y_odd, base_odd)) = (half(0), half(1));
    assert_eq!((fit_s.len(), s_odd.len()), (1178, 1179));
    let raw = churn_report(&s_odd, &y_odd, None, None, 10).unwrap();
    assert!((raw.max_calibration_gap() - 0.1348).abs() < 5e-4, "{}", raw.max_calibration_gap());
    // The score as a probability is refuted (H = 63.7 on 10 degrees of freedom); ...
    let t = raw.calibration_test.unwrap();
    assert!((t.statistic - 63.737).abs() < 5e-3 && t.p_value < 1e-8, "{t:?}");
    // ... each calibrated probability is within chance on the other half, although its worst
    // decile is more than 0.05 off (the deciles hold 118 customers: docs/churn.md).
    let cases = [
        (CalibrationMethod::Isotonic, 0.0635, 9.749, 0.463),
        (CalibrationMethod::Platt, 0.0711, 13.597, 0.192),
    ];
    for (method, worst, h, p_value) in cases {
        let cal = ChurnCalibrator::fit(&fit_s, &fit_y, None, method).unwrap();
        let p = cal.transform(&s_odd).unwrap();
        let r = churn_report(&p, &y_odd, Some(&s_odd), Some(&base_odd), 10).unwrap();
        let gap = r.max_calibration_gap();
        assert!((gap - worst).abs() < 5e-4, "{method:?}: worst decile {gap}");
        let t = r.calibration_test.unwrap();
        assert!((t.statistic - h).abs() < 5e-3, "{method:?}: {t:?}");
        assert!((t.p_value - p_value).abs() < 5e-4 && t.p_value > 0.05, "{method:?}: {t:?}");
        assert!(r.brier < raw.brier, "{method:?}");
        assert!((r.auc - 0.7791).abs() < 5e-4, "{method:?}: AUC {}", r.auc);
        assert!((r.auc - auc(&s_odd, &y_odd)).abs() < 1e-12);
        let b = r.baseline.as_ref().unwrap().auc;
        assert!((b - 0.7741).abs() < 5e-4, "baseline AUC {b}");
    }
}

/// Where a 0.05 tolerance per decile is above the sampling noise: 100,000 customers from two
/// segments that one BG/NBD cannot describe (light buyers who leave, a Pareto/NBD segment of
/// heavy buyers who stay). The model's churn probability is off by 0.16 in its worst decile; the
/// isotonic calibrator fitted on the even rows brings the odd rows within 0.014 (deciles of 5,000:
/// the 0.05 of the issue is far above the noise here); Platt's logistic curve cannot (0.069 off,
/// H = 626: the miscalibration is not logistic in the probability). At this size the Hosmer–Lemeshow test
/// still sees the isotonic map's own estimation error (H = 30.3, P = 0.0008).
#[test]
fn the_calibrator_repairs_a_misspecified_model_on_the_other_half() {
    let opts = |seed| {
        SimulationOptions::default()
            .with_n_customers(50_000)
            .with_calibration_end(39.0)
            .with_birth_window(12.0)
            .with_holdout_length(39.0)
            .with_seed(seed)
    };
    let light = BgNbd::from_params(BgNbdParams { r: 0.25, alpha: 4.0, a: 0.8, b: 2.5 }).unwrap();
    let heavy =
        ParetoNbd::from_params(ParetoNbdParams { r: 2.0, alpha: 8.0, s: 0.3, beta: 30.0 }).unwrap();
    let (a, b) = (light.simulate(&opts(1)).unwrap(), heavy.simulate(&opts(2)).unwrap());
    let cat = |x: &[f64], y: &[f64]| [x, y].concat();
    let (f, r, t) = (cat(&a.frequency, &b.frequency), cat(&a.recency, &b.recency), cat(&a.t, &b.t));
    let churned: Vec<bool> =
        cat(&a.holdout_frequency, &b.holdout_frequency).iter().map(|&h| h == 0.0).collect();
    let data = SummaryData::new(&f, &r, &t, None).unwrap();
    let m = BgNbd::fit(&data, &FitOptions::default()).unwrap();
    let p = churn_probability(&m, &f, &r, &t, 39.0).unwrap();
    let pick = |v: &[f64], parity| v.iter().skip(parity).step_by(2).copied().collect::<Vec<f64>>();
    let flags = |parity| churned.iter().skip(parity).step_by(2).copied().collect::<Vec<bool>>();
    let raw = churn_report(&pick(&p, 1), &flags(1), None, None, 10).unwrap();
    assert!(raw.max_calibration_gap() > 0.15, "{}", raw.max_calibration_gap());
    assert!(raw.calibration_test.unwrap().p_value < 1e-12);
    for (method, within) in [(CalibrationMethod::Isotonic, 0.02), (CalibrationMethod::Platt, 0.05)]
    {
        let cal = ChurnCalibrator::fit(&pick(&p, 0), &flags(0), None, method).unwrap();
        let q = cal.transform(&pick(&p, 1)).unwrap();
        let r = churn_report(&q, &flags(1), None, None, 10).unwrap();
        let gap = r.max_calibration_gap();
        let t = r.calibration_test.unwrap();
        if method == CalibrationMethod::Isotonic {
            assert!((gap - 0.013903).abs() < 1e-5 && gap < within, "isotonic: {gap}");
            assert!((t.statistic - 30.314).abs() < 5e-3, "isotonic: {t:?}");
        } else {
            assert!(gap > within && t.p_value < 1e-6, "Platt: {gap}, {t:?}");
        }
    }
}

#[test]
fn bad_horizons_and_histories_name_the_argument() {
    let e = churn_probability(&bg(), &[1.0], &[2.0], &[3.0], f64::NAN).unwrap_err();
    assert_eq!(e.field(), Some("horizon"));
    let e = churn_probability(&bg(), &[1.0], &[4.0], &[3.0], 1.0).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("recency"), Some(0)));
    let bb = BgBb::from_params(BgBbParams::new(1.0, 1.0, 1.0, 1.0).unwrap()).unwrap();
    let e = churn_probability(&bb, &[1.0], &[2.0], &[3.0], 1.5).unwrap_err();
    assert!(matches!(e, Error::InvalidValue { ref field, .. } if field == "horizon"));
    assert!(e.to_string().contains("whole number of periods"), "{e}");
    let e = churn_probability(&bb, &[1.0], &[2.0], &[3.0], 2e6).unwrap_err();
    assert_eq!(e.field(), Some("horizon"));
    let e = churn_risk_from_model(
        &bg(),
        &[1.0],
        &[2.0],
        &[3.0],
        5.0,
        Some(&[f64::INFINITY]),
        &ChurnRiskOptions::default(),
    )
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("clv"), Some(0)));
}
