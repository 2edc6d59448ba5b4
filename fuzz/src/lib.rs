//! Bodies of the fuzz targets, one plain function each, taking the fuzzer's bytes. They call
//! the library on untrusted input and check that it answers (a value or an `Err`) without
//! panicking; the libFuzzer binaries (`fuzz_targets/`) and the stable replay test
//! (`tests/replay.rs`) call the same functions.

use arbitrary::{Arbitrary, Unstructured};
use cvm_core::churn::{churn_risk_from_model, ChurnRiskOptions, NoPurchase};
use cvm_core::clv::{customer_lifetime_value, ClvMethod, ClvOptions};
use cvm_core::models::covariates::{
    Column as CovColumn, CovariateModel, Covariates, Process, ProcessCovariates,
};
use cvm_core::models::{
    AnyModel, BgBb, BgBbParams, FitOptions, GammaGamma, GammaGammaParams, ModelKind,
    ShiftedBetaGeometric, SummaryData, TransactionModel, MAX_FREQUENCY,
};
use cvm_core::selection::{Column, RuleSet, Table};
use cvm_core::summary::{summarize_text, text_codes, TextTransactionLog};
use cvm_core::{
    summarize, NegativeAmounts, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog,
};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// The fuzz targets by name, as the replay test finds them under `corpus/<name>/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("rules", rules),
    ("models", models),
    ("summary", summary),
    ("text_summary", text_summary),
    ("kernels", kernels),
    ("covariates", covariates),
    ("fits", fits),
];

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
    let _ = model.probability_of_n_purchases(10.0, 2);
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
    options: OptionsInput,
}

/// Arbitrary summary options: the fields of [`SummaryOptions`], units as codes.
#[derive(Debug, Arbitrary)]
struct OptionsInput {
    unit: u8,
    freq: u8,
    multiplier: u32,
    time_unit: Option<u8>,
    observation_end: Option<i64>,
    calibration_end: Option<i64>,
    include_first_purchase: bool,
    net_negative_amounts: bool,
}

impl OptionsInput {
    fn options(&self) -> SummaryOptions {
        let unit = [
            TimestampUnit::Second,
            TimestampUnit::Millisecond,
            TimestampUnit::Microsecond,
            TimestampUnit::Nanosecond,
            TimestampUnit::Day,
        ][usize::from(self.unit % 5)];
        let mut opts = summary_options(unit);
        opts.freq = time_unit(self.freq);
        opts.freq_multiplier = self.multiplier;
        opts.time_unit = self.time_unit.map(time_unit);
        opts.observation_end = self.observation_end;
        opts.calibration_end = self.calibration_end;
        opts.include_first_purchase = self.include_first_purchase;
        if self.net_negative_amounts {
            opts.negative_amounts = NegativeAmounts::Net;
        }
        opts
    }
}

fn time_unit(k: u8) -> TimeUnit {
    [TimeUnit::Day, TimeUnit::Week, TimeUnit::Month, TimeUnit::Year][usize::from(k % 4)]
}

/// Summaries from arbitrary ids, timestamps, amounts and options.
pub fn summary(data: &[u8]) {
    let Ok(input) = SummaryInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let log = TransactionLog {
        customer_id: &input.ids,
        timestamp: &input.timestamps,
        amount: input.amounts.as_deref(),
    };
    let _ = summarize(&log, &input.options.options());
}

#[derive(Debug, Arbitrary)]
struct TextSummaryInput {
    /// The ids the rows pick from: any bytes, any length (equal 8- and 16-byte beginnings, NUL
    /// bytes, text that is not UTF-8).
    names: Vec<Vec<u8>>,
    /// Each row: its id (an index into `names`, modulo their number) and its timestamp.
    rows: Vec<(u8, i64)>,
    amounts: Option<Vec<f64>>,
    /// Sets one offset (its index modulo the number of offsets) to a value: offsets that
    /// decrease or point past the text.
    bad_offset: Option<(u16, usize)>,
    options: OptionsInput,
}

/// Summaries of text ids (`summarize_text`) from arbitrary ids, offsets, timestamps, amounts
/// and options, checked against the summary of the ids' codes (`text_codes`, then
/// `summarize`): the same summary and first rows, or an error from both; the codes rank the
/// distinct ids in byte order.
pub fn text_summary(data: &[u8]) {
    let Ok(input) = TextSummaryInput::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let (mut offsets, mut text) = (vec![0], Vec::new());
    for &(pick, _) in &input.rows {
        if let Some(name) = input.names.get(usize::from(pick) % input.names.len().max(1)) {
            text.extend_from_slice(name);
        }
        offsets.push(text.len());
    }
    if let Some((at, value)) = input.bad_offset {
        let i = usize::from(at) % offsets.len();
        offsets[i] = value;
    }
    let timestamps: Vec<i64> = input.rows.iter().map(|r| r.1).collect();
    let amount = input.amounts.as_deref();
    let log = TextTransactionLog { offsets: &offsets, data: &text, timestamp: &timestamps, amount };
    let opts = input.options.options();
    let fused = summarize_text(&log, &opts);
    let Ok(codes) = text_codes(&offsets, &text) else {
        assert!(fused.is_err(), "summarize_text accepted offsets that text_codes refused");
        return;
    };
    let id = |row: usize| &text[offsets[row]..offsets[row + 1]];
    for (c, pair) in codes.first_row.windows(2).enumerate() {
        assert!(id(pair[0]) < id(pair[1]), "codes {c} and {} are not in byte order", c + 1);
    }
    let coded = TransactionLog { customer_id: &codes.codes, timestamp: &timestamps, amount };
    match (fused, summarize(&coded, &opts)) {
        (Ok(f), Ok(s)) => {
            assert_eq!(f.summary, s, "summarize_text differs from summarize of the codes");
            assert_eq!(f.first_row, codes.first_row);
        }
        (Err(_), Err(_)) => {}
        (f, s) => panic!("one summary failed: text ids {:?}, codes {:?}", f.err(), s.err()),
    }
}

#[derive(Debug, Arbitrary)]
struct KernelInput {
    kind: u8,
    params: [f64; 4],
    spend: [f64; 3],
    t: f64,
    customers: Vec<(f64, f64, f64, f64)>,
    n: u8,
    horizon: f64,
    discount_rate: f64,
    margin: f64,
    steps: Option<(f64, u32)>,
    level: Option<f64>,
    units: (u8, Option<u8>, Option<u8>),
}

/// Prediction and CLV kernels at arbitrary parameters and inputs: a transaction model (BG/NBD,
/// MBG/NBD, Pareto/NBD or BG/BB) and a Gamma-Gamma spend model built from parameters (which
/// validates them), the per-customer kernels, then CLV with arbitrary options and units.
pub fn kernels(data: &[u8]) {
    let Ok(input) = KernelInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let p = input.params;
    let unit = input.units.2.map(time_unit);
    let bg_bb;
    let any;
    let (model, no_purchase): (&dyn TransactionModel, &dyn NoPurchase) = match input.kind % 4 {
        3 => {
            let Ok(params) = BgBbParams::new(p[0], p[1], p[2], p[3]) else { return };
            let Ok(m) = BgBb::from_params(params) else { return };
            bg_bb = m.with_time_unit(unit);
            (&bg_bb, &bg_bb)
        }
        k => {
            let kind = [ModelKind::BgNbd, ModelKind::MbgNbd, ModelKind::ParetoNbd][usize::from(k)];
            let Ok(m) = AnyModel::from_params(kind, &p) else { return };
            any = m.with_time_unit(unit);
            let _ = any.probability_of_n_purchases(input.t, u64::from(input.n));
            (any.as_model(), &any)
        }
    };
    let customers: Vec<_> = input.customers.iter().take(8).copied().collect();
    for &(x, tx, t, _) in &customers {
        let _ = model.conditional_expected_purchases_at(input.t, x, tx, t);
        let _ = model.probability_alive_at(x, tx, t);
        let _ = no_purchase.probability_no_purchase_at(input.horizon, x, tx, t);
    }
    let _ = model.expected_purchases_new_customer_at(input.t);
    let Ok(spend_params) = GammaGammaParams::new(input.spend[0], input.spend[1], input.spend[2])
    else {
        return;
    };
    let Ok(gg) = GammaGamma::from_params(spend_params) else { return };
    let column =
        |k: usize| -> Vec<f64> { customers.iter().map(|c| [c.0, c.1, c.2, c.3][k]).collect() };
    let (x, tx, t, m) = (column(0), column(1), column(2), column(3));
    let _ = gg.conditional_expected_average_spend(&x, &m);
    let _ = churn_risk_from_model(
        no_purchase,
        &x,
        &tx,
        &t,
        input.horizon,
        Some(&m),
        &ChurnRiskOptions::default(),
    );
    let mut options = ClvOptions::default()
        .with_horizon(input.horizon)
        .with_time_unit(time_unit(input.units.0))
        .with_discount_rate(input.discount_rate)
        .with_margin(input.margin)
        .with_method(match input.steps {
            Some((step, steps)) => ClvMethod::LifetimesSteps { step, steps: steps as usize },
            None => ClvMethod::Continuous,
        });
    options.data_time_unit = input.units.1.map(time_unit);
    options.interval_level = input.level;
    let _ = customer_lifetime_value(model, &gg, &x, &tx, &t, &m, &options);
}

/// Covariates matching a covariate model's columns, for four customers: numeric columns
/// `[0, 1, −2.5, 3]`, categorical columns cycling through their levels.
fn covariates_for(m: &CovariateModel) -> Option<ProcessCovariates> {
    let levels = m.levels();
    let mut out = ProcessCovariates::default();
    for (process, names) in m.columns() {
        let cats: Vec<_> = levels.iter().filter(|l| l.0 == process).collect();
        let mut columns: Vec<CovColumn> = cats
            .iter()
            .map(|(_, name, levels, _)| {
                let labels: Vec<&str> = (0..4).map(|i| levels[i % levels.len()].as_str()).collect();
                CovColumn::categorical(name.as_str(), &labels)
            })
            .collect();
        for name in names {
            if !cats.iter().any(|c| name.starts_with(&format!("{}[", c.1))) {
                columns.push(CovColumn::numeric(name, &[0.0, 1.0, -2.5, 3.0]));
            }
        }
        let z = Covariates::from_columns(columns).ok()?;
        match process {
            Process::Transaction => out.transaction = Some(z),
            Process::Lifetime => out.lifetime = Some(z),
            Process::Spend => out.spend = Some(z),
        }
    }
    Some(out)
}

/// Covariate model JSON: the bytes as text through the covariate model's loader; a model that
/// loads is written back (and reads equal), and predicts for four customers with covariates
/// matching its columns (values, intervals and per-customer parameters, or an error).
pub fn covariates(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(m) = CovariateModel::from_json(text) else { return };
    let back = CovariateModel::from_json(&m.to_json().expect("a loaded model writes"));
    assert_eq!(back.as_ref().ok(), Some(&m));
    let _ = m.standard_errors();
    let _ = m.confidence_intervals(0.9);
    let _ = m.likelihood_ratio_test();
    let Some(cov) = covariates_for(&m) else { return };
    let _ = m.customer_params(4, &cov);
    let _ = m.probability_alive(&FREQ, &REC, &AGE, &cov);
    let _ = m.conditional_expected_purchases(10.0, &FREQ, &REC, &AGE, &cov);
    let _ = m.probability_alive_interval(&FREQ, &REC, &AGE, &cov, 0.9);
    let _ = m.probability_of_n_purchases(10.0, 2, 4, &cov);
    let _ = m.log_likelihood_individual(&FREQ, &REC, &AGE, &cov);
}

/// A customer summary for [`fits`]: rows of raw doubles (mostly invalid) or of whole
/// frequencies with recency and T on a grid of sixteenths (mostly valid, with repeats).
#[derive(Debug, Arbitrary)]
struct FitInput {
    kind: u8,
    raw: bool,
    rows: Vec<(f64, f64, f64)>,
    grid: Vec<(u16, u16, u16)>,
    weights: Option<Vec<f64>>,
    penalizer: u8,
}

/// The first row and column of a summary that breaks the documented rules, in the documented
/// order (frequency, recency, T column by column, then recency against T and the frequency),
/// or `None`.
fn first_invalid(f: &[f64], r: &[f64], t: &[f64]) -> Option<(&'static str, usize)> {
    let whole = |x: f64| (0.0..=MAX_FREQUENCY).contains(&x) && x.fract() == 0.0;
    let non_negative = |x: f64| x.is_finite() && x >= 0.0;
    (f.iter().position(|&x| !whole(x)).map(|i| ("frequency", i)))
        .or_else(|| r.iter().position(|&x| !non_negative(x)).map(|i| ("recency", i)))
        .or_else(|| t.iter().position(|&x| !non_negative(x)).map(|i| ("T", i)))
        .or_else(|| {
            (0..f.len())
                .position(|i| r[i] > t[i] || (f[i] > 0.0 && r[i] == 0.0))
                .map(|i| ("recency", i))
        })
}

/// Summaries (`SummaryData::new`) and fits of the BG/NBD, MBG/NBD and Pareto/NBD on small
/// arbitrary summaries: the summary is an error exactly when a row breaks the rules (naming the
/// first as the column-by-column checks do), keeps every customer's weight, and a fit that
/// succeeds has positive finite parameters and a log-likelihood equal to the sum of the
/// customers' own log-likelihoods (the per-frequency tables against the direct formulas).
pub fn fits(data: &[u8]) {
    let Ok(input) = FitInput::arbitrary_take_rest(Unstructured::new(data)) else { return };
    let (f, r, t): (Vec<f64>, Vec<f64>, Vec<f64>) = if input.raw {
        let rows = &input.rows[..input.rows.len().min(64)];
        (
            rows.iter().map(|c| c.0).collect(),
            rows.iter().map(|c| c.1).collect(),
            rows.iter().map(|c| c.2).collect(),
        )
    } else {
        let rows = &input.grid[..input.grid.len().min(64)];
        let t: Vec<f64> = rows.iter().map(|c| f64::from(c.2) / 16.0).collect();
        let f: Vec<f64> = rows.iter().map(|c| f64::from(c.0 % 64)).collect();
        let r = rows
            .iter()
            .zip(&t)
            .map(|(c, &tt)| if c.0 % 64 == 0 { 0.0 } else { tt * f64::from(c.1) / 65_535.0 })
            .collect();
        (f, r, t)
    };
    let weights = input
        .weights
        .as_ref()
        .map(|w| (0..f.len()).map(|i| w.get(i).copied().unwrap_or(1.0)).collect::<Vec<f64>>());
    let summary = SummaryData::new(&f, &r, &t, weights.as_deref());
    let Some(want) = (!f.is_empty()).then(|| first_invalid(&f, &r, &t)) else {
        assert!(summary.is_err());
        return;
    };
    let data = match (summary, want) {
        (Err(e), Some((field, row))) => {
            assert_eq!((e.field(), e.index()), (Some(field), Some(row)), "{e}");
            return;
        }
        (Ok(_), Some(bad)) => panic!("accepted a summary breaking the rules at {bad:?}"),
        (Err(e), None) => {
            assert_eq!(e.field(), Some("weights"), "{e}");
            return;
        }
        (Ok(d), None) => d,
    };
    let w: Vec<f64> = weights.unwrap_or_else(|| vec![1.0; f.len()]);
    let total: f64 = w.iter().sum();
    assert!((data.n_obs() - total).abs() <= 1e-12 * total, "{} vs {total}", data.n_obs());
    assert_eq!(data.n_customers(), f.len());
    let kind =
        [ModelKind::BgNbd, ModelKind::MbgNbd, ModelKind::ParetoNbd][usize::from(input.kind % 3)];
    let options = FitOptions::default().with_penalizer(f64::from(input.penalizer % 4) * 0.01);
    let Ok(model) = AnyModel::fit(kind, &data, &options) else { return };
    let fitted = model.diagnostics().expect("a fitted model has diagnostics");
    let params = match &model {
        AnyModel::BgNbd(m) => m.params().to_vec(),
        AnyModel::MbgNbd(m) => m.params().to_vec(),
        AnyModel::ParetoNbd(m) => m.params().to_vec(),
        other => panic!("fitted {kind:?}, got {:?}", other.kind()),
    };
    assert!(params.iter().all(|p| p.is_finite() && *p > 0.0), "{params:?}");
    assert!(fitted.log_likelihood.is_finite());
    let m = model.as_model();
    let direct: f64 = (0..f.len()).map(|i| w[i] * m.log_likelihood_at(f[i], r[i], t[i])).sum();
    let scale = direct.abs().max(total);
    assert!(
        (fitted.log_likelihood - direct).abs() <= 1e-7 * scale,
        "{kind:?}: log-likelihood {} against the customers' {direct}",
        fitted.log_likelihood
    );
}
