//! C ABI of the `loyalty` area: the loyalty ladder, loyalty levels, churn risk, churn types and
//! stage migration.
//!
//! Stages, levels, bands and churn types cross the ABI as `uint8_t` codes (`CVM_STAGE_*`,
//! `CVM_LEVEL_*`, `CVM_RISK_*`, `CVM_CHURN_*`); flags as `uint8_t` 0/1 (any other byte is
//! `CVM_STATUS_INVALID_VALUE` naming the column and the index). Optional signal columns may be
//! NULL. Results with per-customer reason texts are handles (`cvm_ladder`, `cvm_levels`,
//! `cvm_churn_labels`, `cvm_migration`), owned by the caller, freed with their `_free`, immutable
//! and safe to read from several threads at once.

use std::ffi::{c_char, CStr};
use std::ptr;

use cvm_core::loyalty::{
    churn_types, loyalty_levels, loyalty_stages, stage_migration, ChurnLabels, ChurnReasons,
    ChurnType, Ladder, LadderInput, LadderOptions, LevelInput, LevelOptions, LevelRule, Levels,
    LoyaltyLevel, Migration, MigrationPolicy, MigrationState, MissingSignal, RiskBand, Stage,
};
use cvm_core::Error;

use crate::columns::{cvm_bytes, cvm_doubles};
use crate::{
    copy_to, cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, opt_slice, slice,
    write_array, write_out, FfiError, FfiResult,
};

/// Stage code: known, never purchased, no interest shown.
pub const CVM_STAGE_SUSPECT: u8 = 0;
/// Stage code: never purchased, interest shown.
pub const CVM_STAGE_PROSPECT: u8 = 1;
/// Stage code: purchased once.
pub const CVM_STAGE_FIRST_TIME: u8 = 2;
/// Stage code: purchased repeatedly.
pub const CVM_STAGE_REPEAT: u8 = 3;
/// Stage code: a repeat customer who recommends.
pub const CVM_STAGE_ADVOCATE: u8 = 4;
/// Stage code: was a customer, lapsed.
pub const CVM_STAGE_LAPSED: u8 = 5;
/// Migration state code: not in the first snapshot (outer join only; a row state).
pub const CVM_STATE_NEW: u8 = 6;
/// Migration state code: not in the second snapshot (outer join only; a column state).
pub const CVM_STATE_GONE: u8 = 7;

/// Level code: no level's condition holds.
pub const CVM_LEVEL_NONE: u8 = 0;
/// Level code: cognitive loyalty.
pub const CVM_LEVEL_COGNITIVE: u8 = 1;
/// Level code: affective loyalty.
pub const CVM_LEVEL_AFFECTIVE: u8 = 2;
/// Level code: conative loyalty.
pub const CVM_LEVEL_CONATIVE: u8 = 3;
/// Level code: action loyalty.
pub const CVM_LEVEL_ACTION: u8 = 4;

/// Level rule: sequential phases, the first failing condition stops the climb (default).
pub const CVM_LEVEL_RULE_CUMULATIVE: u32 = 0;
/// Level rule: the highest level whose own condition holds.
pub const CVM_LEVEL_RULE_HIGHEST: u32 = 1;
/// Missing signal (NaN) policy: an error naming the column and index (default).
pub const CVM_MISSING_ERROR: u32 = 0;
/// Missing signal (NaN) policy: the condition is unobserved for that customer.
pub const CVM_MISSING_UNOBSERVED: u32 = 1;

/// Risk band code: low.
pub const CVM_RISK_LOW: u8 = 0;
/// Risk band code: medium.
pub const CVM_RISK_MEDIUM: u8 = 1;
/// Risk band code: high.
pub const CVM_RISK_HIGH: u8 = 2;

/// Churn type code: active, natural (moved away or died).
pub const CVM_CHURN_ACTIVE_NATURAL: u8 = 0;
/// Churn type code: active, competitive (lost to a competitor).
pub const CVM_CHURN_ACTIVE_COMPETITIVE: u8 = 1;
/// Churn type code: active, fault (caused by our failure).
pub const CVM_CHURN_ACTIVE_FAULT: u8 = 2;
/// Churn type code: passive, retaliatory (dissatisfied and punishing).
pub const CVM_CHURN_PASSIVE_RETALIATORY: u8 = 3;
/// Churn type code: passive, non-malicious (e.g. a payment lapse).
pub const CVM_CHURN_PASSIVE_NON_MALICIOUS: u8 = 4;
/// Churn type code: no reason field set.
pub const CVM_CHURN_UNKNOWN: u8 = 5;

/// Migration policy: both snapshots must hold the same customers (default).
pub const CVM_MIGRATION_STRICT: u32 = 0;
/// Migration policy: outer join with the states `new` and `gone`.
pub const CVM_MIGRATION_OUTER_JOIN: u32 = 1;

/// Thresholds of [`cvm_loyalty_stages`]; start from [`cvm_ladder_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_ladder_options {
    /// Interest count that makes a non-buyer a prospect (default 1; > 0).
    pub prospect_min_interest: f64,
    /// Repeat purchases that make a buyer a repeat customer (default 1; > 0).
    pub repeat_min_frequency: f64,
    /// Referrals that make a repeat customer an advocate (default 1; > 0).
    pub advocate_min_referrals: f64,
    /// Reviews that make a repeat customer an advocate (default 1; > 0).
    pub advocate_min_reviews: f64,
    /// Recommendations that make a repeat customer an advocate (default 1; > 0).
    pub advocate_min_recommendations: f64,
    /// A buyer with P(alive) below this has lapsed (default 0.5; in (0, 1]).
    pub p_alive_threshold: f64,
    /// Whether `lapse_window` is set (default false: no window).
    pub has_lapse_window: bool,
    /// A buyer with `T - recency` longer than this has lapsed (summary time unit; > 0).
    pub lapse_window: f64,
}

/// The default ladder thresholds (every count threshold 1, P(alive) threshold 0.5, no window).
#[no_mangle]
pub extern "C" fn cvm_ladder_options_default() -> cvm_ladder_options {
    let d = LadderOptions::default();
    cvm_ladder_options {
        prospect_min_interest: d.prospect_min_interest,
        repeat_min_frequency: d.repeat_min_frequency,
        advocate_min_referrals: d.advocate_min_referrals,
        advocate_min_reviews: d.advocate_min_reviews,
        advocate_min_recommendations: d.advocate_min_recommendations,
        p_alive_threshold: d.p_alive_threshold,
        has_lapse_window: d.lapse_window.is_some(),
        lapse_window: d.lapse_window.unwrap_or(0.0),
    }
}

impl From<&cvm_ladder_options> for LadderOptions {
    fn from(o: &cvm_ladder_options) -> Self {
        LadderOptions::default()
            .with_prospect_min_interest(o.prospect_min_interest)
            .with_repeat_min_frequency(o.repeat_min_frequency)
            .with_advocate_min_referrals(o.advocate_min_referrals)
            .with_advocate_min_reviews(o.advocate_min_reviews)
            .with_advocate_min_recommendations(o.advocate_min_recommendations)
            .with_p_alive_threshold(o.p_alive_threshold)
            .with_lapse_window(o.has_lapse_window.then_some(o.lapse_window))
    }
}

/// Options of [`cvm_loyalty_levels`]; start from [`cvm_level_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_level_options {
    /// Threshold of `belief_better` (default 0.5; finite).
    pub belief_threshold: f64,
    /// Threshold of `satisfaction` (default 4; finite).
    pub satisfaction_threshold: f64,
    /// Threshold of `repurchase_intent` (default 4; finite).
    pub intent_threshold: f64,
    /// Threshold of `repeat_despite_obstacles` (default 1; > 0).
    pub obstacles_threshold: f64,
    /// `CVM_LEVEL_RULE_CUMULATIVE` (default) or `CVM_LEVEL_RULE_HIGHEST`.
    pub rule: u32,
    /// `CVM_MISSING_ERROR` (default) or `CVM_MISSING_UNOBSERVED`.
    pub missing: u32,
}

/// The default level options (belief 0.5, satisfaction 4, intent 4, obstacles 1, cumulative,
/// NaN an error).
#[no_mangle]
pub extern "C" fn cvm_level_options_default() -> cvm_level_options {
    let d = LevelOptions::default();
    cvm_level_options {
        belief_threshold: d.belief_threshold,
        satisfaction_threshold: d.satisfaction_threshold,
        intent_threshold: d.intent_threshold,
        obstacles_threshold: d.obstacles_threshold,
        rule: CVM_LEVEL_RULE_CUMULATIVE,
        missing: CVM_MISSING_ERROR,
    }
}

fn level_options(o: &cvm_level_options) -> FfiResult<LevelOptions> {
    let rule = match o.rule {
        CVM_LEVEL_RULE_CUMULATIVE => LevelRule::Cumulative,
        CVM_LEVEL_RULE_HIGHEST => LevelRule::Highest,
        other => return Err(unknown_code("rule", other, LevelRule::NAMES)),
    };
    let missing = match o.missing {
        CVM_MISSING_ERROR => MissingSignal::Error,
        CVM_MISSING_UNOBSERVED => MissingSignal::Unobserved,
        other => return Err(unknown_code("missing", other, MissingSignal::NAMES)),
    };
    Ok(LevelOptions::default()
        .with_belief_threshold(o.belief_threshold)
        .with_satisfaction_threshold(o.satisfaction_threshold)
        .with_intent_threshold(o.intent_threshold)
        .with_obstacles_threshold(o.obstacles_threshold)
        .with_rule(rule)
        .with_missing(missing))
}

/// Every customer's ladder stage and reason (opaque), from [`cvm_loyalty_stages`]. Owned by the
/// caller; free with [`cvm_ladder_free`]. Immutable: safe to read from several threads.
#[derive(Debug)]
pub struct cvm_ladder(Ladder);

/// Every customer's loyalty level and reason (opaque), from [`cvm_loyalty_levels`]. Owned by the
/// caller; free with [`cvm_levels_free`]. Immutable.
#[derive(Debug)]
pub struct cvm_levels(Levels);

/// Every customer's churn type and reason (opaque), from [`cvm_churn_types`]. Owned by the
/// caller; free with [`cvm_churn_labels_free`]. Immutable.
#[derive(Debug)]
pub struct cvm_churn_labels(ChurnLabels);

/// A stage-migration matrix with per-customer moves (opaque), from [`cvm_stage_migration`].
/// Owned by the caller; free with [`cvm_migration_free`]. Immutable.
#[derive(Debug)]
pub struct cvm_migration(Migration);

fn unknown_code(field: &str, code: u32, names: &[&str]) -> FfiError {
    let valid: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("{i} ({n})")).collect();
    let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
    Error::unknown_name(field, code.to_string(), &valid).into()
}

/// Position of `x` in `all` as a `u8` code.
pub(crate) fn code_of<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|a| a == x).expect("every value is listed") as u8
}

/// A migration state as a `CVM_STAGE_*` / `CVM_STATE_*` code.
fn state_code(s: MigrationState) -> u8 {
    match s {
        MigrationState::Stage(st) => st.index() as u8,
        MigrationState::New => CVM_STATE_NEW,
        _ => CVM_STATE_GONE,
    }
}

/// An optional 0/1 flag column as booleans; any other byte is an error naming `field` and index.
///
/// # Safety
/// `ptr` NULL or holding `n` bytes.
unsafe fn opt_flags(ptr: *const u8, n: usize, field: &'static str) -> FfiResult<Option<Vec<bool>>> {
    let Some(bytes) = (unsafe { opt_slice(ptr, n) }) else { return Ok(None) };
    if let Some(i) = bytes.iter().position(|&b| b > 1) {
        let msg = format!("must be 0 or 1 (got {})", bytes[i]);
        return Err(Error::invalid_at(field, i, msg).into());
    }
    Ok(Some(bytes.iter().map(|&b| b == 1).collect()))
}

/// Stage codes (`CVM_STAGE_*`) as stages; an unknown code is an error naming `field` and index.
///
/// # Safety
/// `ptr` holding `n` bytes (NULL only with `n == 0`).
unsafe fn stages(ptr: *const u8, n: usize, field: &'static str) -> FfiResult<Vec<Stage>> {
    let codes = unsafe { slice(ptr, n, field) }?;
    codes
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            Stage::ALL.get(c as usize).copied().ok_or_else(|| {
                let msg = format!("unknown stage code {c} (valid: 0..={})", Stage::ALL.len() - 1);
                Error::invalid_at(field, i, msg).into()
            })
        })
        .collect()
}

/// Checks that `row < len`.
fn row_in_range(row: usize, len: usize) -> FfiResult<()> {
    if row < len {
        Ok(())
    } else {
        Err(Error::invalid_at("row", row, format!("out of range (0..{len})")).into())
    }
}

/// Writes a reason text as a new string into `*out`.
///
/// # Safety
/// `out` valid for writes.
pub(crate) unsafe fn write_text(text: &str, out: *mut *mut c_char) -> FfiResult<()> {
    unsafe { write_out(out, crate::cstring(text).into_raw(), "out") }
}

/// The canonical name of a stage code (`"suspect"`, …, `"lapsed"`) or migration state code
/// (`"new"`, `"gone"`); a static string, NULL for an unknown code.
#[no_mangle]
pub extern "C" fn cvm_stage_name(code: u8) -> *const c_char {
    match code {
        CVM_STATE_NEW => c"new".as_ptr(),
        CVM_STATE_GONE => c"gone".as_ptr(),
        _ => match Stage::ALL.get(code as usize) {
            Some(s) => static_name(s.as_str()),
            None => ptr::null(),
        },
    }
}

/// The canonical name of a level code (`"none"`, `"cognitive"`, …); static, NULL if unknown.
#[no_mangle]
pub extern "C" fn cvm_level_name(code: u8) -> *const c_char {
    LoyaltyLevel::ALL.get(code as usize).map_or(ptr::null(), |l| static_name(l.as_str()))
}

/// The canonical name of a risk band code (`"low"`, `"medium"`, `"high"`); static, NULL if
/// unknown.
#[no_mangle]
pub extern "C" fn cvm_risk_band_name(code: u8) -> *const c_char {
    RiskBand::ALL.get(code as usize).map_or(ptr::null(), |b| static_name(b.as_str()))
}

/// The canonical name of a churn type code (`"active_natural"`, …); static, NULL if unknown.
#[no_mangle]
pub extern "C" fn cvm_churn_type_name(code: u8) -> *const c_char {
    ChurnType::ALL.get(code as usize).map_or(ptr::null(), |t| static_name(t.as_str()))
}

/// A NUL-terminated copy of a static name, interned for the life of the process.
fn static_name(name: &'static str) -> *const c_char {
    use std::collections::HashMap;
    use std::ffi::CString;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<&'static str, &'static CStr>>> = OnceLock::new();
    let mut map = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    map.entry(name)
        .or_insert_with(|| Box::leak(CString::new(name).expect("no NUL").into_boxed_c_str()))
        .as_ptr()
}

/// The columns of [`cvm_loyalty_stages`]: `frequency`, `recency`, `t` (T) are the customer
/// summary (required); every other column may have `data` NULL (not given): `purchased` (0/1:
/// whether the customer ever bought; default all 1), `interest`, `referrals`, `reviews`,
/// `recommendations` (counts), `p_alive` (in [0, 1]). Given columns have the summary's length.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_ladder_columns {
    /// Repeat purchases.
    pub frequency: cvm_doubles,
    /// Age at the last purchase.
    pub recency: cvm_doubles,
    /// Age at the end of observation.
    pub t: cvm_doubles,
    /// Whether each customer ever bought (0/1), or NULL.
    pub purchased: cvm_bytes,
    /// Interest shown (count), or NULL.
    pub interest: cvm_doubles,
    /// Referrals made (count), or NULL.
    pub referrals: cvm_doubles,
    /// Reviews written (count), or NULL.
    pub reviews: cvm_doubles,
    /// Recommendations made (count), or NULL.
    pub recommendations: cvm_doubles,
    /// Probability of being alive, or NULL.
    pub p_alive: cvm_doubles,
}

/// Places every customer on the loyalty ladder (suspect, prospect, first-time, repeat, advocate,
/// lapsed) into a new handle `*out` (free with [`cvm_ladder_free`]).
///
/// `columns` ([`cvm_ladder_columns`]) holds the summary and the optional signals; `options` may
/// be NULL (defaults). Errors name the column (or option) and the first offending index;
/// `CVM_STATUS_NULL_POINTER` for a NULL `columns` or `out`.
///
/// # Safety
/// `columns` valid, its arrays holding their stated lengths; `options` NULL or valid; `out`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_loyalty_stages(
    columns: *const cvm_ladder_columns, options: *const cvm_ladder_options,
    out: *mut *mut cvm_ladder,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let c = unsafe { handle(columns, "columns") }?;
        let purchased = unsafe { opt_flags(c.purchased.data, c.purchased.len, "purchased") }?;
        let input = LadderInput {
            purchased: purchased.as_deref(),
            interest: unsafe { c.interest.optional() },
            referrals: unsafe { c.referrals.optional() },
            reviews: unsafe { c.reviews.optional() },
            recommendations: unsafe { c.recommendations.optional() },
            p_alive: unsafe { c.p_alive.optional() },
            ..LadderInput::new(
                unsafe { c.frequency.required("frequency") }?,
                unsafe { c.recency.required("recency") }?,
                unsafe { c.t.required("T") }?,
            )
        };
        let o =
            unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_ladder_options_default());
        let ladder = loyalty_stages(&input, &LadderOptions::from(&o))?;
        unsafe { write_out(out, into_handle(cvm_ladder(ladder)), "out") }
    })
}

/// Number of customers on the ladder (0 for NULL).
///
/// # Safety
/// `l` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_ladder_len(l: *const cvm_ladder) -> usize {
    unsafe { l.as_ref() }.map_or(0, |l| l.0.len())
}

/// Copies each customer's stage code (`CVM_STAGE_*`) into `out` (`n_out` = [`cvm_ladder_len`]).
///
/// # Safety
/// `l` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_ladder_stages(
    l: *const cvm_ladder, out: *mut u8, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let l = &unsafe { handle(l, "ladder") }?.0;
        let codes: Vec<u8> = l.stages().iter().map(|s| s.index() as u8).collect();
        unsafe { write_array(&codes, out, n_out, "out") }
    })
}

/// Copies the number of customers on each stage, in code order, into `out` (`n_out` = 6).
///
/// # Safety
/// `l` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_ladder_counts(
    l: *const cvm_ladder, out: *mut usize, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let l = &unsafe { handle(l, "ladder") }?.0;
        let counts: Vec<usize> = l.counts().into_iter().map(|c| c.1).collect();
        unsafe { write_array(&counts, out, n_out, "out") }
    })
}

/// The reason of customer `row` (e.g. `"lapsed: p_alive=0.12<0.5"`) as a new string in `*out`
/// (free it with `cvm_string_free`). `CVM_STATUS_INVALID_VALUE` (field `row`) when out of range.
///
/// # Safety
/// `l` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_ladder_reason(
    l: *const cvm_ladder, row: usize, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let l = &unsafe { handle(l, "ladder") }?.0;
        row_in_range(row, l.len())?;
        unsafe { write_text(&l.reason_text(row), out) }
    })
}

/// Frees a ladder; NULL is a no-op.
///
/// # Safety
/// `l` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_ladder_free(l: *mut cvm_ladder) {
    unsafe { free_handle(l) }
}

/// Assigns each customer one of Oliver's loyalty levels (none, cognitive, affective, conative,
/// action) into a new handle `*out` (free with [`cvm_levels_free`]).
///
/// Every signal column may be NULL (not given), but at least one is required (else
/// `CVM_STATUS_INVALID_VALUE`, field `signals`). `options` may be NULL (defaults).
///
/// # Safety
/// Arrays hold their stated lengths; `options` NULL or valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_loyalty_levels(
    belief_better: *const f64, n_belief_better: usize, satisfaction: *const f64,
    n_satisfaction: usize, repurchase_intent: *const f64, n_repurchase_intent: usize,
    repeat_despite_obstacles: *const f64, n_repeat_despite_obstacles: usize,
    options: *const cvm_level_options, out: *mut *mut cvm_levels,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let input = LevelInput {
            belief_better: unsafe { opt_slice(belief_better, n_belief_better) },
            satisfaction: unsafe { opt_slice(satisfaction, n_satisfaction) },
            repurchase_intent: unsafe { opt_slice(repurchase_intent, n_repurchase_intent) },
            repeat_despite_obstacles: unsafe {
                opt_slice(repeat_despite_obstacles, n_repeat_despite_obstacles)
            },
        };
        let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_level_options_default());
        let levels = loyalty_levels(&input, &level_options(&o)?)?;
        unsafe { write_out(out, into_handle(cvm_levels(levels)), "out") }
    })
}

/// Number of customers (0 for NULL).
///
/// # Safety
/// `l` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_levels_len(l: *const cvm_levels) -> usize {
    unsafe { l.as_ref() }.map_or(0, |l| l.0.len())
}

/// Copies each customer's level code (`CVM_LEVEL_*`) into `out` (`n_out` = [`cvm_levels_len`]).
///
/// # Safety
/// `l` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_levels_levels(
    l: *const cvm_levels, out: *mut u8, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let l = &unsafe { handle(l, "levels") }?.0;
        let codes: Vec<u8> = l.levels().iter().map(|x| code_of(&LoyaltyLevel::ALL, x)).collect();
        unsafe { write_array(&codes, out, n_out, "out") }
    })
}

/// The reason of customer `row` (e.g. `"cognitive: belief_better=1>=0.5; satisfaction=3<4"`) as
/// a new string in `*out` (free it with `cvm_string_free`).
///
/// # Safety
/// `l` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_levels_reason(
    l: *const cvm_levels, row: usize, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let l = &unsafe { handle(l, "levels") }?.0;
        row_in_range(row, l.len())?;
        unsafe { write_text(&l.reason_text(row), out) }
    })
}

/// Frees levels; NULL is a no-op.
///
/// # Safety
/// `l` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_levels_free(l: *mut cvm_levels) {
    unsafe { free_handle(l) }
}

/// Labels each customer with a churn type (`CVM_CHURN_*`) from 0/1 reason fields, into a new
/// handle `*out` (free with [`cvm_churn_labels_free`]). Every column may be NULL (not given: false
/// for everyone), but at least one is required (field `reasons`). Rule order: moved_or_died,
/// competitor, our_fault, dissatisfied, payment_lapse; none set → unknown.
///
/// # Safety
/// Arrays hold their stated lengths; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_types(
    moved_or_died: *const u8, n_moved_or_died: usize, competitor: *const u8, n_competitor: usize,
    our_fault: *const u8, n_our_fault: usize, dissatisfied: *const u8, n_dissatisfied: usize,
    payment_lapse: *const u8, n_payment_lapse: usize, out: *mut *mut cvm_churn_labels,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let moved = unsafe { opt_flags(moved_or_died, n_moved_or_died, "moved_or_died") }?;
        let comp = unsafe { opt_flags(competitor, n_competitor, "competitor") }?;
        let fault = unsafe { opt_flags(our_fault, n_our_fault, "our_fault") }?;
        let dis = unsafe { opt_flags(dissatisfied, n_dissatisfied, "dissatisfied") }?;
        let pay = unsafe { opt_flags(payment_lapse, n_payment_lapse, "payment_lapse") }?;
        let labels = churn_types(&ChurnReasons {
            moved_or_died: moved.as_deref(),
            competitor: comp.as_deref(),
            our_fault: fault.as_deref(),
            dissatisfied: dis.as_deref(),
            payment_lapse: pay.as_deref(),
        })?;
        unsafe { write_out(out, into_handle(cvm_churn_labels(labels)), "out") }
    })
}

/// Number of customers (0 for NULL).
///
/// # Safety
/// `l` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_labels_len(l: *const cvm_churn_labels) -> usize {
    unsafe { l.as_ref() }.map_or(0, |l| l.0.len())
}

/// Copies each customer's churn type code (`CVM_CHURN_*`) into `out` (`n_out` =
/// [`cvm_churn_labels_len`]).
///
/// # Safety
/// `l` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_labels_types(
    l: *const cvm_churn_labels, out: *mut u8, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let l = &unsafe { handle(l, "labels") }?.0;
        let codes: Vec<u8> = l.types().iter().map(|x| code_of(&ChurnType::ALL, x)).collect();
        unsafe { write_array(&codes, out, n_out, "out") }
    })
}

/// The reason of customer `row` (e.g. `"active_competitive: competitor"`) as a new string in
/// `*out` (free it with `cvm_string_free`).
///
/// # Safety
/// `l` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_labels_reason(
    l: *const cvm_churn_labels, row: usize, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let l = &unsafe { handle(l, "labels") }?.0;
        row_in_range(row, l.len())?;
        unsafe { write_text(&l.reason_text(row), out) }
    })
}

/// Frees churn labels; NULL is a no-op.
///
/// # Safety
/// `l` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_churn_labels_free(l: *mut cvm_churn_labels) {
    unsafe { free_handle(l) }
}

/// The transition matrix between the stages (`CVM_STAGE_*` codes) of two snapshots, matched by
/// customer id, into a new handle `*out` (free with [`cvm_migration_free`]).
///
/// `policy`: `CVM_MIGRATION_STRICT` (a customer in only one snapshot is
/// `CVM_STATUS_INVALID_VALUE` naming `ids_before`/`ids_after` and the index) or
/// `CVM_MIGRATION_OUTER_JOIN` (adds row `new` and column `gone`). Duplicate ids are errors.
///
/// # Safety
/// Arrays hold their stated lengths; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_stage_migration(
    ids_before: *const i64, n_ids_before: usize, stages_before: *const u8, n_stages_before: usize,
    ids_after: *const i64, n_ids_after: usize, stages_after: *const u8, n_stages_after: usize,
    policy: u32, out: *mut *mut cvm_migration,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let policy = migration_policy(policy)?;
        let ib = unsafe { slice(ids_before, n_ids_before, "ids_before") }?;
        let sb = unsafe { stages(stages_before, n_stages_before, "stages_before") }?;
        let ia = unsafe { slice(ids_after, n_ids_after, "ids_after") }?;
        let sa = unsafe { stages(stages_after, n_stages_after, "stages_after") }?;
        let m = stage_migration(ib, &sb, ia, &sa, policy)?;
        unsafe { write_out(out, into_handle(cvm_migration(m)), "out") }
    })
}

/// A `CVM_MIGRATION_*` code as a policy.
pub(crate) fn migration_policy(code: u32) -> FfiResult<MigrationPolicy> {
    match code {
        CVM_MIGRATION_STRICT => Ok(MigrationPolicy::Strict),
        CVM_MIGRATION_OUTER_JOIN => Ok(MigrationPolicy::OuterJoin),
        other => Err(unknown_code("policy", other, MigrationPolicy::NAMES)),
    }
}

/// Number of rows (states before: 6 stages, plus `new` under the outer join); 0 for NULL.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_n_rows(m: *const cvm_migration) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.0.row_states().len())
}

/// Number of columns (states after: 6 stages, plus `gone` under the outer join); 0 for NULL.
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_n_columns(m: *const cvm_migration) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.0.column_states().len())
}

/// Copies the row state codes (`CVM_STAGE_*`, `CVM_STATE_NEW`) into `out` (`n_out` = rows).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_row_states(
    m: *const cvm_migration, out: *mut u8, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "migration") }?.0;
        let codes: Vec<u8> = m.row_states().iter().map(|&s| state_code(s)).collect();
        unsafe { write_array(&codes, out, n_out, "out") }
    })
}

/// Copies the column state codes (`CVM_STAGE_*`, `CVM_STATE_GONE`) into `out` (`n_out` =
/// columns).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_column_states(
    m: *const cvm_migration, out: *mut u8, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "migration") }?.0;
        let codes: Vec<u8> = m.column_states().iter().map(|&s| state_code(s)).collect();
        unsafe { write_array(&codes, out, n_out, "out") }
    })
}

/// Copies the counts, row-major, into `out` (`n_out` = rows × columns).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_counts(
    m: *const cvm_migration, out: *mut u64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "migration") }?.0;
        unsafe { write_array(m.counts(), out, n_out, "out") }
    })
}

/// Copies the row-normalised rates (count / row total; 0 for an empty row), row-major, into
/// `out` (`n_out` = rows × columns).
///
/// # Safety
/// `m` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_rates(
    m: *const cvm_migration, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let m = &unsafe { handle(m, "migration") }?.0;
        unsafe { write_array(&m.rates(), out, n_out, "out") }
    })
}

/// Number of per-customer moves (0 for NULL).
///
/// # Safety
/// `m` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_n_moves(m: *const cvm_migration) -> usize {
    unsafe { m.as_ref() }.map_or(0, |m| m.0.moves().len())
}

/// Copies every customer's move — id, state before, state after (codes) — into `ids`, `from`,
/// `to` (each `n_out` = [`cvm_migration_n_moves`]; any may be NULL). Order: the customers of the
/// first snapshot in its order, then those only in the second.
///
/// # Safety
/// `m` live; non-NULL outputs have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_moves(
    m: *const cvm_migration, ids: *mut i64, from: *mut u8, to: *mut u8, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let moves = unsafe { handle(m, "migration") }?.0.moves();
        if n_out != moves.len() {
            let e =
                Error::LengthMismatch { field: "n_out".into(), expected: moves.len(), got: n_out };
            return Err(e.into());
        }
        let id: Vec<i64> = moves.iter().map(|mv| mv.id).collect();
        let f: Vec<u8> = moves.iter().map(|mv| state_code(mv.from)).collect();
        let t: Vec<u8> = moves.iter().map(|mv| state_code(mv.to)).collect();
        unsafe {
            copy_to(&id, ids);
            copy_to(&f, from);
            copy_to(&t, to);
        }
        Ok(())
    })
}

/// Frees a migration; NULL is a no-op.
///
/// # Safety
/// `m` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_migration_free(m: *mut cvm_migration) {
    unsafe { free_handle(m) }
}
