//! Bodies of the fuzz targets, one plain function each, taking the fuzzer's bytes. They call
//! the library on untrusted input and check that it answers (a value or an `Err`) without
//! panicking; the libFuzzer binaries (`fuzz_targets/`) and the stable replay test
//! (`tests/replay.rs`) call the same functions.

use arbitrary::{Arbitrary, Unstructured};
use cvm_core::models::{AnyModel, BgBb, GammaGamma, ModelKind, ShiftedBetaGeometric};
use cvm_core::selection::{Column, RuleSet, Table};
use cvm_core::{summarize, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, as the replay test finds them under `corpus/<name>/`.
pub const TARGETS: &[(&str, Target)] =
    &[("rules", rules), ("models", models), ("summary", summary), ("kernels", kernels)];

/// Rule documents: the bytes as UTF-8 text; a document that reads is evaluated on a small
/// fixed table (numeric `x`, `spend`, `age`; boolean `vip`; categorical `seg`), with reasons.
pub fn rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(rules) = RuleSet::from_json(text) else { return };
    // Written back, the rule set reads equal.
    assert_eq!(RuleSet::from_json(&rules.to_json()).as_ref(), Ok(&rules));
    let x = [1.0, -2.5, f64::NAN, 0.0, 1e300];
    let spend = [1200.0, 0.0, 50.0, f64::NAN, -1.0];
    let age = [3.0, 30.0, f64::INFINITY, 1.0, 7.0];
    let vip = [1u8, 0, 255, 1, 0];
    let labels = ["a", "b", "gold"].map(String::from);
    let codes = [0, 1, 2, -1, 0];
    let table = Table::new()
        .with("x", Column::Numeric(&x))
        .and_then(|t| t.with("spend", Column::Numeric(&spend)))
        .and_then(|t| t.with("age", Column::Numeric(&age)))
        .and_then(|t| t.with("vip", Column::Boolean(&vip)))
        .and_then(|t| t.with("seg", Column::Categorical { codes: &codes, categories: &labels }))
        .expect("a valid table");
    if let Ok(ev) = rules.evaluate(&table) {
        for i in 0..ev.len() {
            let codes = ev.reason_codes(i);
            let reasons = ev.reasons(i);
            assert_eq!(codes.len(), reasons.len());
            for (c, r) in codes.iter().zip(&reasons) {
                assert_eq!(*c, r.code());
            }
            assert!(ev.score(i).is_finite());
        }
        assert_eq!(ev.counts().iter().sum::<usize>(), ev.len());
    }
}

/// Customers to predict for, shared by the model targets.
const FREQ: [f64; 4] = [0.0, 1.0, 5.0, 40.0];
const REC: [f64; 4] = [0.0, 0.5, 20.0, 38.0];
const AGE: [f64; 4] = [1.0, 10.0, 30.0, 39.0];

fn predict(model: &AnyModel) {
    let m = model.as_model();
    for k in 0..FREQ.len() {
        let (x, tx, t) = (FREQ[k], REC[k], AGE[k]);
        let _ = m.conditional_expected_purchases_at(10.0, x, tx, t);
        let _ = m.probability_alive_at(x, tx, t);
        let _ = m.expected_purchases_new_customer_at(t);
    }
    let _ = model.probability_of_n_purchases(2, 10.0);
    let _ = model.to_json();
}

/// Model JSON: the bytes as text through every loader, then predictions on what loads.
pub fn models(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(m) = AnyModel::from_json(text) {
        predict(&m);
    }
    if let Ok(gg) = GammaGamma::from_json(text) {
        let _ = gg.conditional_expected_average_spend(&FREQ, &[10.0, 20.0, 0.5, 1e6]);
        let _ = gg.population_mean_spend();
        let _ = gg.to_json();
    }
    if let Ok(m) = BgBb::from_json(text) {
        let f = [0.0, 1.0, 3.0, 6.0];
        let r = [0.0, 1.0, 4.0, 6.0];
        let n = [6.0; 4];
        let _ = m.conditional_probability_alive(5, &f, &r, &n);
        let _ = m.conditional_expected_transactions(5, &f, &r, &n);
        let _ = m.expected_transactions_new_customer(10);
        let _ = m.to_json();
    }
    if let Ok(m) = ShiftedBetaGeometric::from_json(text) {
        let _ = m.survival(&[0.0, 1.0, 12.0]);
        let _ = m.retention_curve(12);
        let _ = m.expected_lifetime_value(10.0, 0.1);
        let _ = m.to_json();
    }
}

/// The summary options under test: the one place to change when `SummaryOptions` gains its
/// explicit-unit constructor (`SummaryOptions::new(unit)`).
fn summary_options(unit: TimestampUnit) -> SummaryOptions {
    SummaryOptions::new(unit)
}

#[derive(Debug, Arbitrary)]
struct SummaryInput {
    ids: Vec<i64>,
    timestamps: Vec<i64>,
    amounts: Option<Vec<f64>>,
    unit: u8,
    freq: u8,
    multiplier: u32,
    time_unit: Option<u8>,
    observation_end: Option<i64>,
    calibration_end: Option<i64>,
    include_first_purchase: bool,
}

fn time_unit(k: u8) -> TimeUnit {
    [TimeUnit::Day, TimeUnit::Week, TimeUnit::Month, TimeUnit::Year][usize::from(k % 4)]
}

/// Summaries from arbitrary ids, timestamps, amounts and options.
pub fn summary(data: &[u8]) {
    let Ok(input) = SummaryInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let unit = [
        TimestampUnit::Second,
        TimestampUnit::Millisecond,
        TimestampUnit::Microsecond,
        TimestampUnit::Nanosecond,
        TimestampUnit::Day,
    ][usize::from(input.unit % 5)];
    let mut opts = summary_options(unit);
    opts.freq = time_unit(input.freq);
    opts.freq_multiplier = input.multiplier;
    opts.time_unit = input.time_unit.map(time_unit);
    opts.observation_end = input.observation_end;
    opts.calibration_end = input.calibration_end;
    opts.include_first_purchase = input.include_first_purchase;
    let log = TransactionLog {
        customer_id: &input.ids,
        timestamp: &input.timestamps,
        amount: input.amounts.as_deref(),
    };
    let _ = summarize(&log, &opts);
}

#[derive(Debug, Arbitrary)]
struct KernelInput {
    kind: u8,
    params: [f64; 4],
    t: f64,
    customers: Vec<(f64, f64, f64)>,
    n: u8,
}

/// Prediction kernels at arbitrary parameters and inputs: every model built from parameters
/// (which validates them), then its per-customer kernels.
pub fn kernels(data: &[u8]) {
    let Ok(input) = KernelInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let kinds = [
        ModelKind::BgNbd,
        ModelKind::MbgNbd,
        ModelKind::ParetoNbd,
        ModelKind::GammaGamma,
        ModelKind::BgBb,
    ];
    let kind = kinds[usize::from(input.kind) % kinds.len()];
    let n_params = if kind == ModelKind::GammaGamma { 3 } else { 4 };
    let Ok(model) = AnyModel::from_params(kind, &input.params[..n_params]) else { return };
    if kind == ModelKind::GammaGamma {
        return;
    }
    let m = model.as_model();
    for &(x, tx, t) in input.customers.iter().take(8) {
        let _ = m.conditional_expected_purchases_at(input.t, x, tx, t);
        let _ = m.probability_alive_at(x, tx, t);
    }
    let _ = m.expected_purchases_new_customer_at(input.t);
    let _ = model.probability_of_n_purchases(u64::from(input.n), input.t);
}
