//! The bad-input catalogue of the models, kernels and CLV (issue 11): one row per class of bad
//! input, each with the call, the error variant, its field and index, and a piece of its message.
//! Every row must fail exactly so; the kernels' rows must also stay within their work bounds.

use cvm_core::clv::{customer_lifetime_value, ClvOptions};
use cvm_core::models::{
    AnyModel, BgBb, BgNbd, BgNbdParams, FitOptions, GammaGamma, GammaGammaParams, MbgNbd,
    ModelKind, ParetoNbd, ParetoNbdParams, ShiftedBetaGeometric, SummaryData, TransactionModel,
};
use cvm_core::special::{ln_hyp2f1_checked, work};
use cvm_core::{Error, TimeUnit};

type Call = Box<dyn Fn() -> Result<(), Error>>;

struct Case {
    class: &'static str,
    call: Call,
    variant: &'static str,
    field: Option<&'static str>,
    index: Option<usize>,
    message: &'static str,
}

fn variant(e: &Error) -> &'static str {
    match e {
        Error::Empty { .. } => "Empty",
        Error::LengthMismatch { .. } => "LengthMismatch",
        Error::InvalidValue { .. } => "InvalidValue",
        Error::UnknownName { .. } => "UnknownName",
        Error::NotConverged { .. } => "NotConverged",
        Error::Numerical { .. } => "Numerical",
        Error::NotIdentified { .. } => "NotIdentified",
        Error::Json { .. } => "Json",
        _ => "other",
    }
}

fn case(
    class: &'static str, call: impl Fn() -> Result<(), Error> + 'static, variant: &'static str,
    field: Option<&'static str>, index: Option<usize>, message: &'static str,
) -> Case {
    Case { class, call: Box::new(call), variant, field, index, message }
}

fn bg_doc(params: &str, extra: &str) -> String {
    format!(
        r#"{{"format": "cvm-model", "version": 1, "model": "bg_nbd", "params": {params}{extra}}}"#
    )
}

const CDNOW: &str = r#"{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}"#;

fn data(f: &[f64], r: &[f64], t: &[f64]) -> SummaryData {
    SummaryData::new(f, r, t, None).unwrap()
}

/// The Pareto/NBD of CDNOW (Fader, Hardie & Lee 2005).
fn pn() -> ParetoNbd {
    ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap()).unwrap()
}

fn cases() -> Vec<Case> {
    let fo = FitOptions::default;
    let no_repeat = || data(&[0.0, 0.0, 0.0], &[0.0, 0.0, 0.0], &[10.0, 20.0, 30.0]);
    let same = || data(&[2.0; 4], &[5.0; 4], &[9.0; 4]);
    vec![
        // A frequency no purchase history reaches (the expectations' work bound, fuzz finding).
        case(
            "frequency beyond MAX_FREQUENCY",
            || {
                let m = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
                m.probability_alive(&[3.0, 1e30], &[10.0; 2], &[20.0; 2]).map(drop)
            },
            "InvalidValue",
            Some("frequency"),
            Some(1),
            "MAX_FREQUENCY) (got 1e30)",
        ),
        // Parameters outside the domain, from Rust.
        case(
            "NaN parameter",
            || BgNbdParams::new(f64::NAN, 1.0, 1.0, 1.0).map(drop),
            "InvalidValue",
            Some("r"),
            None,
            "finite and > 0",
        ),
        case(
            "infinite parameter",
            || BgNbdParams::new(1.0, f64::INFINITY, 1.0, 1.0).map(drop),
            "InvalidValue",
            Some("alpha"),
            None,
            "finite and > 0",
        ),
        case(
            "negative parameter",
            || ParetoNbdParams::new(1.0, 1.0, -0.5, 1.0).map(drop),
            "InvalidValue",
            Some("s"),
            None,
            "finite and > 0",
        ),
        case(
            "parameter above the domain",
            || GammaGammaParams::new(1e11, 3.0, 15.0).map(drop),
            "InvalidValue",
            Some("p"),
            None,
            "must be in [1e-10, 1e10]",
        ),
        case(
            "parameter below the domain",
            || BgNbdParams::new(1e-12, 1.0, 1.0, 1.0).map(drop),
            "InvalidValue",
            Some("r"),
            None,
            "must be in [1e-10, 1e10]",
        ),
        case(
            "hand-built struct re-validated",
            || BgNbd::from_params(BgNbdParams { r: 1e12, alpha: 4.4, a: 0.8, b: 2.4 }).map(drop),
            "InvalidValue",
            Some("r"),
            None,
            "must be in",
        ),
        case(
            "wrong number of parameters",
            || AnyModel::from_params(ModelKind::BgNbd, &[1.0]).map(drop),
            "LengthMismatch",
            Some("params"),
            None,
            "expected 4",
        ),
        // Untrusted JSON.
        case(
            "JSON parameter out of domain",
            || {
                BgNbd::from_json(&bg_doc(r#"{"r": 1e300, "alpha": 4.4, "a": 0.8, "b": 2.4}"#, ""))
                    .map(drop)
            },
            "Json",
            Some("$.params.r"),
            None,
            "must be in",
        ),
        case(
            "JSON negative parameter",
            || {
                BgNbd::from_json(&bg_doc(r#"{"r": -1, "alpha": 4.4, "a": 0.8, "b": 2.4}"#, ""))
                    .map(drop)
            },
            "Json",
            Some("$.params.r"),
            None,
            "finite and > 0",
        ),
        case(
            "JSON unknown time unit",
            || BgNbd::from_json(&bg_doc(CDNOW, r#", "time_unit": "fortnight""#)).map(drop),
            "Json",
            Some("$.time_unit"),
            None,
            "valid values are D, W, M, Y",
        ),
        case(
            "JSON of a spend model where a transaction model is expected",
            || {
                AnyModel::from_json(
                    &GammaGamma::from_params(GammaGammaParams::new(6.0, 4.0, 15.0)?)?.to_json()?,
                )
                .map(drop)
            },
            "Json",
            Some("$.model"),
            None,
            "valid values are bg_nbd, mbg_nbd, pareto_nbd",
        ),
        // Names: each function lists its own valid values.
        case(
            "unknown model name",
            || ModelKind::parse("bgnbd", "model").map(drop),
            "UnknownName",
            Some("model"),
            None,
            "bg_nbd, mbg_nbd, pareto_nbd, gamma_gamma, bg_bb, sbg",
        ),
        case(
            "spend model name for a transaction model",
            || ModelKind::parse_transaction("gamma_gamma", "model").map(drop),
            "UnknownName",
            Some("model"),
            None,
            "valid values are bg_nbd, mbg_nbd, pareto_nbd",
        ),
        case(
            "AnyModel of a non-transaction kind",
            || AnyModel::from_params(ModelKind::BgBb, &[1.0; 4]).map(drop),
            "UnknownName",
            Some("model"),
            None,
            "valid values are bg_nbd, mbg_nbd, pareto_nbd",
        ),
        // Kernels at extreme arguments: bounded work, then a typed error.
        case(
            "2F1 beyond its accurate range (r = 1e9 BG/NBD argument)",
            || ln_hyp2f1_checked(1e9 + 2.0, 0.5, 3.0, -0.9).map(drop),
            "Numerical",
            None,
            None,
            "ln_hyp2f1(1000000002",
        ),
        case(
            "2F1 at z >= 1",
            || ln_hyp2f1_checked(1.0, 1.0, 2.0, 1.0).map(drop),
            "InvalidValue",
            Some("z"),
            None,
            "must be finite and < 1",
        ),
        // Degenerate data: no confident estimate.
        case(
            "BG/NBD, no repeat purchase",
            move || BgNbd::fit(&no_repeat(), &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "no customer made a repeat purchase",
        ),
        case(
            "BG/NBD, identical customers",
            move || BgNbd::fit(&same(), &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "same history",
        ),
        case(
            "MBG/NBD, no repeat purchase",
            move || MbgNbd::fit(&no_repeat(), &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "no customer made a repeat purchase",
        ),
        case(
            "MBG/NBD, identical customers",
            move || MbgNbd::fit(&same(), &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "same history",
        ),
        case(
            "Pareto/NBD, no repeat purchase",
            move || ParetoNbd::fit(&no_repeat(), &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "no customer made a repeat purchase",
        ),
        case(
            "Pareto/NBD, identical customers",
            move || ParetoNbd::fit(&same(), &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "same history",
        ),
        case(
            "AnyModel fit, no repeat purchase",
            move || AnyModel::fit(ModelKind::ParetoNbd, &no_repeat(), &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "pareto_nbd",
        ),
        case(
            "Gamma-Gamma, all spends equal",
            move || GammaGamma::fit(&[1.0, 2.0, 3.0], &[10.0, 10.0, 10.0], None, &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "same average spend",
        ),
        case(
            "Gamma-Gamma, one repeat buyer",
            move || GammaGamma::fit(&[0.0, 2.0], &[0.0, 10.0], None, &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "only one customer",
        ),
        case(
            "Gamma-Gamma, no repeat buyer",
            move || GammaGamma::fit(&[0.0, 0.0], &[0.0, 0.0], None, &fo()).map(drop),
            "InvalidValue",
            Some("frequency"),
            None,
            "no repeat buyers",
        ),
        case(
            "BG/BB, no repeat transaction",
            move || BgBb::fit(&[0.0, 0.0], &[0.0, 0.0], &[6.0, 6.0], None, &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "no customer made a repeat purchase",
        ),
        case(
            "BG/BB, identical customers",
            move || BgBb::fit(&[3.0; 3], &[4.0; 3], &[6.0; 3], None, &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "same history",
        ),
        case(
            "sBG, no customer cancelled",
            move || ShiftedBetaGeometric::fit_cohort(&[100.0, 100.0, 100.0], &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "no customer cancelled",
        ),
        case(
            "sBG, nothing beyond the first period",
            move || ShiftedBetaGeometric::fit_cohort(&[100.0, 60.0], &fo()).map(drop),
            "NotIdentified",
            None,
            None,
            "beyond the first period",
        ),
        // Units that travel.
        case(
            "CLV, explicit unit contradicts the model's",
            || {
                let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?
                    .with_time_unit(Some(TimeUnit::Day));
                let gg = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44)?)?;
                let o = ClvOptions::default().with_data_time_unit(TimeUnit::Week);
                customer_lifetime_value(&bg, &gg, &[2.0], &[30.0], &[38.0], &[20.0], &o).map(drop)
            },
            "InvalidValue",
            Some("data_time_unit"),
            None,
            "W contradicts the unit the model records for its data (D)",
        ),
        case(
            "CLV, no unit anywhere",
            || {
                let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426)?)?;
                let gg = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44)?)?;
                let o = ClvOptions::default();
                customer_lifetime_value(&bg, &gg, &[2.0], &[30.0], &[38.0], &[20.0], &o).map(drop)
            },
            "InvalidValue",
            Some("data_time_unit"),
            None,
            "pass data_time_unit",
        ),
        // The Pareto/NBD conditional count distribution.
        case(
            "count distribution: negative horizon",
            || {
                pn().conditional_probability_of_n_purchases(-1.0, 1, &[1.0], &[1.0], &[2.0])
                    .map(drop)
            },
            "InvalidValue",
            Some("t"),
            None,
            "must be finite and >= 0 (got -1)",
        ),
        case(
            "count distribution: recency above T",
            || {
                pn().conditional_probability_of_n_purchases(
                    39.0,
                    1,
                    &[1.0, 2.0],
                    &[1.0, 5.0],
                    &[2.0, 3.0],
                )
                .map(drop)
            },
            "InvalidValue",
            Some("recency"),
            Some(1),
            "must not exceed T (got 5 > 3)",
        ),
        case(
            "count distribution: a BG/NBD model",
            || {
                AnyModel::from_params(ModelKind::BgNbd, &[0.243, 4.414, 0.793, 2.426])?
                    .conditional_probability_of_n_purchases(39.0, 1, &[1.0], &[1.0], &[2.0])
                    .map(drop)
            },
            "InvalidValue",
            Some("model"),
            None,
            "implemented for pareto_nbd only (this is bg_nbd)",
        ),
    ]
}

#[test]
fn catalogue_models() {
    let mut failures = vec![];
    for c in cases() {
        work::take();
        match (c.call)() {
            Ok(()) => failures.push(format!("{}: succeeded", c.class)),
            Err(e) => {
                let got = (variant(&e), e.field(), e.index());
                let msg = e.to_string();
                if got != (c.variant, c.field, c.index) || !msg.contains(c.message) {
                    failures.push(format!(
                        "{}: got {got:?} {msg:?}, expected {:?} containing {:?}",
                        c.class,
                        (c.variant, c.field, c.index),
                        c.message
                    ));
                }
            }
        }
        // Generous bound on the kernels' iterations: 2F1 is at most ~4e7 series terms.
        let spent = work::take();
        assert!(spent <= 100_000_000, "{}: {spent} kernel iterations", c.class);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn models_from_before_the_time_unit_still_load() {
    let text = include_str!("../data/models/bg_nbd_before_time_unit.json");
    let m = BgNbd::from_json(text).unwrap();
    assert_eq!(m.time_unit(), None);
    assert_eq!(m.params().r, 0.243);
    // Without a unit, the document is written as before; with one, it round-trips.
    assert!(!m.to_json().unwrap().contains("time_unit"));
    let w = m.with_time_unit(Some(TimeUnit::Week));
    let back = BgNbd::from_json(&w.to_json().unwrap()).unwrap();
    assert_eq!(back.time_unit(), Some(TimeUnit::Week));
    let any = AnyModel::from_json(&back.to_json().unwrap()).unwrap();
    assert_eq!(any.time_unit(), Some(TimeUnit::Week));
}

#[test]
fn fits_record_the_unit_and_clv_uses_it() {
    let truth = BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap();
    let opts = cvm_core::models::SimulationOptions::default().with_n_customers(2000);
    let sim = cvm_core::models::simulate::bg_nbd(&truth, &opts).unwrap();
    let (f, r, t) = (&sim.frequency[..], &sim.recency[..], &sim.t[..]);
    let z: Vec<f64> = f.iter().map(|&x| if x > 0.0 { 20.0 } else { 0.0 }).collect();
    let d = data(f, r, t);
    let o = FitOptions::default().with_time_unit(TimeUnit::Week);
    let bg = BgNbd::fit(&d, &o).unwrap();
    assert_eq!(bg.time_unit(), Some(TimeUnit::Week));
    let gg = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44).unwrap()).unwrap();
    let implicit = customer_lifetime_value(&bg, &gg, f, r, t, &z, &ClvOptions::default()).unwrap();
    let explicit = ClvOptions::default().with_data_time_unit(TimeUnit::Week);
    let same = customer_lifetime_value(&bg, &gg, f, r, t, &z, &explicit).unwrap();
    assert_eq!(implicit.value, same.value);
}

#[test]
fn bg_nbd_at_huge_r_is_bounded() {
    // Issue 11: r = 1e8 took 8 s for one customer, r = 1e9 did not return (a loop of ~r terms in
    // the 2F1 connection formula). Now each 2F1 is capped (at most ~4e7 series terms whatever
    // the parameters); a model at such r is outside the parameter domain only above 1e10.
    use cvm_core::models::TransactionModel;
    for r in [1e8, 1e9] {
        let m = BgNbd::from_params(BgNbdParams::new(r, 4.414, 0.793, 2.426).unwrap()).unwrap();
        work::take();
        let e = m.conditional_expected_purchases(39.0, &[2.0], &[30.43], &[38.86]);
        let spent = work::take();
        assert!(spent <= 100_000_000, "r = {r}: {spent} iterations");
        assert!(e.is_ok());
        let _ = ln_hyp2f1_checked(r + 2.0, -0.207, 4.219, -0.9);
        assert!(work::take() <= 100_000_000);
    }
}
