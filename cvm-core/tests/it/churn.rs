//! The churn probability and the churn-risk table: identities, calibration on data simulated from
//! the model, and ranking on the CDNOW holdout.

use cvm_core::churn::{churn_probability, churn_risk_from_model, ChurnRiskOptions, NoPurchase};
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
    check(&|h| one(&b, h), &|h| b.probability_of_n_purchases(0, h).unwrap(), 1e-13);
    check(&|h| one(&mb, h), &|h| mb.probability_of_n_purchases(0, h).unwrap(), 1e-13);
    check(&|h| one(&p, h), &|h| p.probability_of_n_purchases(0, h).unwrap(), 1e-9);
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

/// CDNOW, calibration to 1997-09-30, 39-week holdout to 1998-06-30, churned = no purchase in it:
/// the churn-risk score ranks the holdout at least as well as the weeks since the last purchase,
/// for the three models (figures in docs/churn.md).
#[test]
fn the_score_ranks_the_cdnow_holdout_at_least_as_well_as_recency() {
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
    let holdout = s.holdout.as_ref().unwrap();
    let churned: Vec<bool> = holdout.frequency.iter().map(|&h| h == 0.0).collect();
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
        let risk = churn_risk_from_model(
            &m,
            &s.frequency,
            &s.recency,
            &s.t,
            39.0,
            None,
            &ChurnRiskOptions::default(),
        )
        .unwrap();
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
