//! Categorical covariates: expanded to indicators of the non-reference levels, the levels kept
//! by the model, new data encoded with them (see `cvm_core::models::covariates::Column`).

use cvm_core::models::covariates::{fit, Column, CovariateModel, Covariates, ProcessCovariates};
use cvm_core::models::{simulate, ModelKind, ParetoNbdParams, SimulationOptions};
use cvm_core::Error;

/// Pareto/NBD customers in three channels whose purchase rates differ (`α` scaled by
/// `e^{−γ}` per level): `(x, t_x, T, channel label)`.
fn cohort() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<&'static str>) {
    let (mut x, mut tx, mut t, mut ch) = (vec![], vec![], vec![], vec![]);
    for (g, (label, gamma)) in
        [("web", 0.0), ("email", 0.6), ("store", -0.4)].into_iter().enumerate()
    {
        let p = ParetoNbdParams::new(0.6, 10.0 * f64::exp(-gamma), 0.8, 12.0).unwrap();
        let o = SimulationOptions::default().with_n_customers(2500).with_seed(40 + g as u64);
        let s = simulate::pareto_nbd(&p, &o).unwrap();
        x.extend(s.frequency);
        tx.extend(s.recency);
        t.extend(s.t);
        ch.extend(std::iter::repeat_n(label, 2500));
    }
    (x, tx, t, ch)
}

fn trans(z: Covariates) -> ProcessCovariates {
    ProcessCovariates::default().with_transaction(z)
}

#[test]
fn a_categorical_column_is_its_indicators() {
    let (x, tx, t, ch) = cohort();
    let z = Covariates::from_columns(vec![Column::categorical("channel", &ch)]).unwrap();
    assert_eq!(z.design_names(), ["channel[store]", "channel[web]"]);
    let m = fit(ModelKind::ParetoNbd, &x, &tx, &t, &trans(z), &Default::default()).unwrap();
    assert_eq!(&m.names()[4..], ["trans_channel[store]", "trans_channel[web]"]);
    // The same fit from hand-made indicators (reference `email`, the first level sorted).
    let ind = |l: &str| -> Vec<f64> { ch.iter().map(|c| f64::from(*c == l)).collect() };
    let by_hand = Covariates::from_columns(vec![
        Column::numeric("channel[store]", &ind("store")),
        Column::numeric("channel[web]", &ind("web")),
    ])
    .unwrap();
    let h = fit(ModelKind::ParetoNbd, &x, &tx, &t, &trans(by_hand), &Default::default()).unwrap();
    for (a, b) in m.params().iter().zip(h.params()) {
        assert!((a - b).abs() <= 1e-10 * b.abs().max(1.0), "{a} vs {b}");
    }
    // Effects relative to email: store −1.0, web −0.6 (true), within 4 standard errors.
    let se = m.standard_errors().unwrap();
    for (j, truth) in [(4, -1.0), (5, -0.6)] {
        assert!((m.params()[j] - truth).abs() < 4.0 * se[j], "{} vs {truth}", m.params()[j]);
    }
    assert_eq!(
        m.levels(),
        vec![(
            cvm_core::models::covariates::Process::Transaction,
            "channel".to_string(),
            vec!["email".to_string(), "store".to_string(), "web".to_string()],
            "email".to_string()
        )]
    );
}

#[test]
fn the_reference_level_and_codes() {
    let (x, tx, t, ch) = cohort();
    let levels = ["web", "email", "store"];
    let codes: Vec<i64> =
        ch.iter().map(|c| levels.iter().position(|l| l == c).unwrap() as i64).collect();
    let z = Covariates::from_columns(vec![
        Column::categorical_codes("channel", &codes, &levels).with_reference("web")
    ])
    .unwrap();
    let m = fit(ModelKind::ParetoNbd, &x, &tx, &t, &trans(z), &Default::default()).unwrap();
    assert_eq!(&m.names()[4..], ["trans_channel[email]", "trans_channel[store]"]);
    let se = m.standard_errors().unwrap();
    for (j, truth) in [(4, 0.6), (5, -0.4)] {
        assert!((m.params()[j] - truth).abs() < 4.0 * se[j], "{} vs {truth}", m.params()[j]);
    }
}

#[test]
fn new_data_is_encoded_with_the_fitted_levels() {
    let (x, tx, t, ch) = cohort();
    let z = Covariates::from_columns(vec![Column::categorical("channel", &ch)]).unwrap();
    let m = fit(ModelKind::ParetoNbd, &x, &tx, &t, &trans(z), &Default::default()).unwrap();
    let all = m
        .probability_alive(
            &x,
            &tx,
            &t,
            &trans(Covariates::from_columns(vec![Column::categorical("channel", &ch)]).unwrap()),
        )
        .unwrap();
    // The store customers alone (one level present) predict as they do among everyone.
    let rows: Vec<usize> = (0..ch.len()).filter(|&i| ch[i] == "store").collect();
    let pick = |v: &[f64]| -> Vec<f64> { rows.iter().map(|&i| v[i]).collect() };
    let only =
        Covariates::from_columns(vec![Column::categorical("channel", &vec!["store"; rows.len()])])
            .unwrap();
    let pa = m.probability_alive(&pick(&x), &pick(&tx), &pick(&t), &trans(only)).unwrap();
    assert_eq!(pa, pick(&all));
    // JSON keeps the levels: the loaded model predicts the same.
    let back = CovariateModel::from_json(&m.to_json().unwrap()).unwrap();
    assert_eq!(back, m);
    // An unseen level is an error naming the column, the row and the level.
    let mut other = ch.clone();
    other[17] = "phone";
    let z = Covariates::from_columns(vec![Column::categorical("channel", &other)]).unwrap();
    let e = m.probability_alive(&x, &tx, &t, &trans(z)).unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("channel"), Some(17)));
    assert!(e.to_string().contains("`phone`"), "{e}");
    // A numeric column where the model has a categorical one, and a missing column.
    let z = Covariates::new(&["channel"], &vec![1.0; ch.len()]).unwrap();
    let e = m.probability_alive(&x, &tx, &t, &trans(z)).unwrap_err();
    assert!(e.to_string().contains("must be categorical"), "{e}");
    let z = Covariates::new(&["region"], &vec![1.0; ch.len()]).unwrap();
    let e = m.probability_alive(&x, &tx, &t, &trans(z)).unwrap_err();
    assert_eq!(e.field(), Some("trans_covariates"));
    assert!(e.to_string().contains("missing column `channel`"), "{e}");
}

#[test]
fn bad_categorical_columns_are_errors_naming_them() {
    let (x, tx, t, ch) = cohort();
    // One level only: constant, not identifiable.
    let z = Covariates::from_columns(vec![Column::categorical("channel", &vec!["web"; x.len()])])
        .unwrap();
    let e = fit(ModelKind::ParetoNbd, &x, &tx, &t, &trans(z), &Default::default()).unwrap_err();
    assert!(matches!(e, Error::NotIdentified { .. }), "{e}");
    assert!(e.to_string().contains("`channel`"), "{e}");
    // A missing value (code −1), an out-of-range code, a reference that is not a level.
    let e = Covariates::from_columns(vec![Column::categorical_codes(
        "channel",
        &[0, -1, 1],
        &["a", "b"],
    )])
    .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("channel"), Some(1)));
    let e =
        Covariates::from_columns(vec![Column::categorical_codes("channel", &[0, 2], &["a", "b"])])
            .unwrap_err();
    assert_eq!((e.field(), e.index()), (Some("channel"), Some(1)));
    let e =
        Covariates::from_columns(vec![Column::categorical("channel", &ch).with_reference("fax")])
            .unwrap_err();
    assert!(e.to_string().contains("`fax`"), "{e}");
    // Columns of different lengths, a repeated name.
    let e = Covariates::from_columns(vec![
        Column::numeric("age", &[1.0, 2.0]),
        Column::categorical("channel", &["a", "b", "a"]),
    ])
    .unwrap_err();
    assert_eq!(e.field(), Some("channel"));
    let e = Covariates::from_columns(vec![
        Column::numeric("age", &[1.0]),
        Column::numeric("age", &[2.0]),
    ])
    .unwrap_err();
    assert!(e.to_string().contains("repeated"), "{e}");
    // Indicators collinear with a numeric copy of one of them.
    let copy: Vec<f64> = ch.iter().map(|c| f64::from(*c == "web")).collect();
    let z = Covariates::from_columns(vec![
        Column::categorical("channel", &ch),
        Column::numeric("is_web", &copy),
    ])
    .unwrap();
    let e = fit(ModelKind::ParetoNbd, &x, &tx, &t, &trans(z), &Default::default()).unwrap_err();
    assert!(e.to_string().contains("`is_web`"), "{e}");
}
