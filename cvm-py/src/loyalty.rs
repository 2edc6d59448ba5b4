//! Python bindings of the `loyalty` area: the ladder, levels, churn risk, churn types and stage
//! migration. Stages, levels, bands and churn types come back as `uint8` codes (positions in the
//! core's `ALL` orders, whose names [`names`] lists) with the core's reason texts.

use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use cvm_core::churn::{churn_probability, churn_risk_from_model, NoPurchase};
use cvm_core::loyalty::{
    churn_types, loyalty_levels, loyalty_stages, stage_migration, ChurnCause, ChurnReasons,
    ChurnRiskOptions, ChurnType, LadderInput, LadderOptions, LevelInput, LevelOptions, LevelRule,
    LoyaltyLevel, MigrationPolicy, MigrationState, MissingSignal, RiskBand, Stage,
};

use crate::conversion::{array, code_of, name, opt_slice, slice, text_codes};
use crate::errors::{call, detach, IntoPyResult};
use crate::lifetime2::PyBgBb;
use crate::models::PyModel;

type Arr<'py> = PyReadonlyArray1<'py, f64>;
type Flags<'py> = PyReadonlyArray1<'py, bool>;

/// Code of a migration state: the stage's, then `new` = 6, `gone` = 7.
fn state_code(s: MigrationState) -> u8 {
    match s {
        MigrationState::Stage(st) => st.index() as u8,
        MigrationState::New => Stage::ALL.len() as u8,
        _ => Stage::ALL.len() as u8 + 1,
    }
}

/// The names of the codes: `stage` (plus `new`, `gone` for migration states), `level`, `band`,
/// `churn_type`, in code order.
#[pyfunction]
fn loyalty_names(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    call(|| {
        let out = PyDict::new(py);
        let mut states: Vec<&str> = Stage::NAMES.to_vec();
        states.extend(["new", "gone"]);
        out.set_item("stage", Stage::NAMES.to_vec())?;
        out.set_item("state", states)?;
        out.set_item("level", LoyaltyLevel::NAMES.to_vec())?;
        out.set_item("band", RiskBand::NAMES.to_vec())?;
        out.set_item("churn_type", ChurnType::NAMES.to_vec())?;
        Ok(out)
    })
}

/// Stage names → codes through the core's parser; an unknown name is an error naming `field`
/// and the index.
#[pyfunction]
fn parse_stages<'py>(
    py: Python<'py>, names: Vec<String>, field: &str,
) -> PyResult<Bound<'py, PyArray1<u8>>> {
    call(|| {
        let codes = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                cvm_core::names::parse_field::<Stage>(name, field).map(|s| s.index() as u8).map_err(
                    |_| {
                        let valid = Stage::NAMES.join(", ");
                        cvm_core::Error::invalid_at(
                            field,
                            i,
                            format!("unknown stage {name:?} (valid: {valid})"),
                        )
                    },
                )
            })
            .collect::<cvm_core::Result<Vec<u8>>>()
            .py()?;
        Ok(array(py, codes))
    })
}

/// The loyalty ladder: `{"stage": uint8 codes, "reasons": (codes, texts)}` (`text_codes`).
#[pyfunction]
#[pyo3(signature = (frequency, recency, t, purchased=None, interest=None, referrals=None, reviews=None, recommendations=None, p_alive=None, prospect_min_interest=None, repeat_min_frequency=None, advocate_min_referrals=None, advocate_min_reviews=None, advocate_min_recommendations=None, p_alive_threshold=None, lapse_window=None))]
#[allow(clippy::too_many_arguments)]
fn loyalty_stages_native<'py>(
    py: Python<'py>, frequency: Arr<'_>, recency: Arr<'_>, t: Arr<'_>,
    purchased: Option<Flags<'_>>, interest: Option<Arr<'_>>, referrals: Option<Arr<'_>>,
    reviews: Option<Arr<'_>>, recommendations: Option<Arr<'_>>, p_alive: Option<Arr<'_>>,
    prospect_min_interest: Option<f64>, repeat_min_frequency: Option<f64>,
    advocate_min_referrals: Option<f64>, advocate_min_reviews: Option<f64>,
    advocate_min_recommendations: Option<f64>, p_alive_threshold: Option<f64>,
    lapse_window: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let d = LadderOptions::default();
        let options = LadderOptions::default()
            .with_prospect_min_interest(prospect_min_interest.unwrap_or(d.prospect_min_interest))
            .with_repeat_min_frequency(repeat_min_frequency.unwrap_or(d.repeat_min_frequency))
            .with_advocate_min_referrals(advocate_min_referrals.unwrap_or(d.advocate_min_referrals))
            .with_advocate_min_reviews(advocate_min_reviews.unwrap_or(d.advocate_min_reviews))
            .with_advocate_min_recommendations(
                advocate_min_recommendations.unwrap_or(d.advocate_min_recommendations),
            )
            .with_p_alive_threshold(p_alive_threshold.unwrap_or(d.p_alive_threshold))
            .with_lapse_window(lapse_window.or(d.lapse_window));
        let input = LadderInput {
            purchased: opt_slice(&purchased, "purchased")?,
            interest: opt_slice(&interest, "interest")?,
            referrals: opt_slice(&referrals, "referrals")?,
            reviews: opt_slice(&reviews, "reviews")?,
            recommendations: opt_slice(&recommendations, "recommendations")?,
            p_alive: opt_slice(&p_alive, "p_alive")?,
            ..LadderInput::new(
                slice(&frequency, "frequency")?,
                slice(&recency, "recency")?,
                slice(&t, "T")?,
            )
        };
        let (codes, reasons) = detach(py, || {
            let ladder = loyalty_stages(&input, &options)?;
            let codes: Vec<u8> = ladder.stages().iter().map(|s| s.index() as u8).collect();
            Ok::<_, cvm_core::Error>((codes, ladder.reason_texts()))
        })?;
        let out = PyDict::new(py);
        out.set_item("stage", array(py, codes))?;
        out.set_item("reasons", text_codes(py, reasons))?;
        Ok(out)
    })
}

/// Oliver's loyalty levels: `{"level": uint8 codes, "reasons": (codes, texts)}`.
#[pyfunction]
#[pyo3(signature = (belief_better=None, satisfaction=None, repurchase_intent=None, repeat_despite_obstacles=None, belief_threshold=None, satisfaction_threshold=None, intent_threshold=None, obstacles_threshold=None, rule="cumulative", missing="error"))]
#[allow(clippy::too_many_arguments)]
fn loyalty_levels_native<'py>(
    py: Python<'py>, belief_better: Option<Arr<'_>>, satisfaction: Option<Arr<'_>>,
    repurchase_intent: Option<Arr<'_>>, repeat_despite_obstacles: Option<Arr<'_>>,
    belief_threshold: Option<f64>, satisfaction_threshold: Option<f64>,
    intent_threshold: Option<f64>, obstacles_threshold: Option<f64>, rule: &str, missing: &str,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let d = LevelOptions::default();
        let options = LevelOptions::default()
            .with_belief_threshold(belief_threshold.unwrap_or(d.belief_threshold))
            .with_satisfaction_threshold(satisfaction_threshold.unwrap_or(d.satisfaction_threshold))
            .with_intent_threshold(intent_threshold.unwrap_or(d.intent_threshold))
            .with_obstacles_threshold(obstacles_threshold.unwrap_or(d.obstacles_threshold))
            .with_rule(name::<LevelRule>(rule, "rule")?)
            .with_missing(name::<MissingSignal>(missing, "missing")?);
        let input = LevelInput {
            belief_better: opt_slice(&belief_better, "belief_better")?,
            satisfaction: opt_slice(&satisfaction, "satisfaction")?,
            repurchase_intent: opt_slice(&repurchase_intent, "repurchase_intent")?,
            repeat_despite_obstacles: opt_slice(
                &repeat_despite_obstacles,
                "repeat_despite_obstacles",
            )?,
        };
        let (codes, reasons) = detach(py, || {
            let levels = loyalty_levels(&input, &options)?;
            let codes: Vec<u8> =
                levels.levels().iter().map(|l| code_of(&LoyaltyLevel::ALL, l)).collect();
            Ok((codes, levels.reason_texts()))
        })?;
        let out = PyDict::new(py);
        out.set_item("level", array(py, codes))?;
        out.set_item("reasons", text_codes(py, reasons))?;
        Ok(out)
    })
}

/// Runs `f` with the lifetime model behind a Python model object (BG/NBD, MBG/NBD, Pareto/NBD
/// or BG/BB).
fn with_model<R>(model: &Bound<'_, PyAny>, f: impl FnOnce(&dyn NoPurchase) -> R) -> PyResult<R> {
    if let Ok(m) = model.cast::<PyModel>() {
        Ok(f(m.get().inner()))
    } else if let Ok(m) = model.cast::<PyBgBb>() {
        Ok(f(m.get().inner()))
    } else {
        Err(cvm_core::Error::invalid(
            "model",
            "expected a fitted BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom model",
        ))
        .py()
    }
}

/// P(no purchase in (T, T + horizon]) of every customer.
#[pyfunction]
fn churn_probability_native<'py>(
    py: Python<'py>, model: &Bound<'py, PyAny>, frequency: Arr<'_>, recency: Arr<'_>, t: Arr<'_>,
    horizon: f64,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    call(|| {
        let (f, r, tt) =
            (slice(&frequency, "frequency")?, slice(&recency, "recency")?, slice(&t, "T")?);
        let p = with_model(model, |m| detach(py, || churn_probability(m, f, r, tt, horizon)))??;
        Ok(array(py, p))
    })
}

/// Churn risk: `{"probability", "score", "band" (uint8 codes), "at_risk" (bool), "p_alive",
/// "expected_purchases", "since_last_purchase", "value_at_risk" (with a CLV), "reason" (codes,
/// texts)}`.
#[pyfunction]
#[pyo3(signature = (model, frequency, recency, t, horizon, clv=None, medium_threshold=None, high_threshold=None, at_risk_threshold=None))]
#[allow(clippy::too_many_arguments)]
fn churn_risk_native<'py>(
    py: Python<'py>, model: &Bound<'py, PyAny>, frequency: Arr<'_>, recency: Arr<'_>, t: Arr<'_>,
    horizon: f64, clv: Option<Arr<'_>>, medium_threshold: Option<f64>, high_threshold: Option<f64>,
    at_risk_threshold: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let d = ChurnRiskOptions::default();
        let options = ChurnRiskOptions::new(
            medium_threshold.unwrap_or(d.medium_threshold),
            high_threshold.unwrap_or(d.high_threshold),
            at_risk_threshold.unwrap_or(d.at_risk_threshold),
        );
        let (f, r, tt) =
            (slice(&frequency, "frequency")?, slice(&recency, "recency")?, slice(&t, "T")?);
        let clv = opt_slice(&clv, "clv")?;
        let (risk, reasons) = with_model(model, |m| {
            detach(py, || {
                let risk = churn_risk_from_model(m, f, r, tt, horizon, clv, &options)?;
                let reasons = risk.reason_texts();
                Ok::<_, cvm_core::Error>((risk, reasons))
            })
        })??;
        let bands: Vec<u8> = risk.band().iter().map(|b| code_of(&RiskBand::ALL, b)).collect();
        let out = PyDict::new(py);
        out.set_item("probability", array(py, risk.probability().to_vec()))?;
        out.set_item("score", array(py, risk.score().to_vec()))?;
        out.set_item("band", array(py, bands))?;
        out.set_item("at_risk", array(py, risk.at_risk().to_vec()))?;
        out.set_item("p_alive", array(py, risk.p_alive().to_vec()))?;
        out.set_item("expected_purchases", array(py, risk.expected_purchases().to_vec()))?;
        out.set_item("since_last_purchase", array(py, risk.since_last_purchase().to_vec()))?;
        if let Some(v) = risk.value_at_risk() {
            out.set_item("value_at_risk", array(py, v.to_vec()))?;
        }
        out.set_item("reason", text_codes(py, reasons))?;
        Ok(out)
    })
}

/// Churn types from reason flags: `{"churn_type": uint8 codes, "cause": uint8 codes (0 for
/// none, else 1 + the place in `cause_names`), "cause_names": [str],
/// "reasons": (codes, texts)}`.
#[pyfunction]
#[pyo3(signature = (moved_or_died=None, competitor=None, our_fault=None, dissatisfied=None, payment_lapse=None))]
fn churn_types_native<'py>(
    py: Python<'py>, moved_or_died: Option<Flags<'_>>, competitor: Option<Flags<'_>>,
    our_fault: Option<Flags<'_>>, dissatisfied: Option<Flags<'_>>,
    payment_lapse: Option<Flags<'_>>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let reasons = ChurnReasons {
            moved_or_died: opt_slice(&moved_or_died, "moved_or_died")?,
            competitor: opt_slice(&competitor, "competitor")?,
            our_fault: opt_slice(&our_fault, "our_fault")?,
            dissatisfied: opt_slice(&dissatisfied, "dissatisfied")?,
            payment_lapse: opt_slice(&payment_lapse, "payment_lapse")?,
        };
        let (codes, causes, texts) = detach(py, || {
            let labels = churn_types(&reasons)?;
            let codes: Vec<u8> =
                labels.types().iter().map(|x| code_of(&ChurnType::ALL, x)).collect();
            // 0 for no cause, else 1 + the cause's place in `ChurnCause::ALL`.
            let causes: Vec<u8> = labels
                .causes()
                .iter()
                .map(|c| c.map_or(0, |c| 1 + code_of(&ChurnCause::ALL, &c)))
                .collect();
            Ok((codes, causes, labels.reason_texts()))
        })?;
        let out = PyDict::new(py);
        out.set_item("churn_type", array(py, codes))?;
        out.set_item("cause", array(py, causes))?;
        out.set_item("cause_names", ChurnCause::ALL.map(|c| c.as_str()).to_vec())?;
        out.set_item("reasons", text_codes(py, texts))?;
        Ok(out)
    })
}

/// Stage migration between two snapshots (stage codes): `{"rows", "columns"` (state names),
/// `"counts"` (rows × columns), `"rates"`, `"ids"`, `"from"`, `"to"` (state codes)`}`.
#[pyfunction]
#[pyo3(signature = (ids_before, stages_before, ids_after, stages_after, policy="strict"))]
fn stage_migration_native<'py>(
    py: Python<'py>, ids_before: PyReadonlyArray1<'_, i64>,
    stages_before: PyReadonlyArray1<'_, u8>, ids_after: PyReadonlyArray1<'_, i64>,
    stages_after: PyReadonlyArray1<'_, u8>, policy: &str,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let policy = name::<MigrationPolicy>(policy, "policy")?;
        let to_stages = |codes: &[u8], field: &str| -> cvm_core::Result<Vec<Stage>> {
            codes
                .iter()
                .enumerate()
                .map(|(i, &c)| {
                    Stage::ALL.get(c as usize).copied().ok_or_else(|| {
                        cvm_core::Error::invalid_at(field, i, format!("unknown stage code {c}"))
                    })
                })
                .collect()
        };
        let sb = to_stages(slice(&stages_before, "stages_before")?, "stages_before").py()?;
        let sa = to_stages(slice(&stages_after, "stages_after")?, "stages_after").py()?;
        let (ib, ia) = (slice(&ids_before, "ids_before")?, slice(&ids_after, "ids_after")?);
        let m = detach(py, || stage_migration(ib, &sb, ia, &sa, policy))?;
        let names = |states: &[MigrationState]| -> Vec<&'static str> {
            states.iter().map(|s| s.as_str()).collect()
        };
        let out = PyDict::new(py);
        out.set_item("rows", names(m.row_states()))?;
        out.set_item("columns", names(m.column_states()))?;
        out.set_item("counts", m.count_matrix())?;
        out.set_item("rates", m.rate_matrix())?;
        let moves = m.moves();
        out.set_item("ids", array(py, moves.iter().map(|mv| mv.id).collect()))?;
        out.set_item("from", array(py, moves.iter().map(|mv| state_code(mv.from)).collect()))?;
        out.set_item("to", array(py, moves.iter().map(|mv| state_code(mv.to)).collect()))?;
        Ok(out)
    })
}

/// Adds this area's classes and functions to the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(loyalty_names, m)?)?;
    m.add_function(wrap_pyfunction!(parse_stages, m)?)?;
    m.add_function(wrap_pyfunction!(loyalty_stages_native, m)?)?;
    m.add_function(wrap_pyfunction!(loyalty_levels_native, m)?)?;
    m.add_function(wrap_pyfunction!(churn_risk_native, m)?)?;
    m.add_function(wrap_pyfunction!(churn_probability_native, m)?)?;
    m.add_function(wrap_pyfunction!(churn_types_native, m)?)?;
    m.add_function(wrap_pyfunction!(stage_migration_native, m)?)?;
    Ok(())
}
