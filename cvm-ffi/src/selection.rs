//! C ABI of the `selection` area: customer tables, selection rules (from JSON or presets),
//! evaluations with reason codes, relationship trends and look-alike ranking.
//!
//! Typical use: build a `cvm_table` column by column, read a `cvm_rules` from JSON (or build a
//! preset), evaluate into a `cvm_evaluation` and read decisions, scores and reasons from it.

use std::ffi::{c_char, CStr};
use std::ptr;
use std::sync::Arc;

use cvm_core::selection::presets::{preset, PresetOption};
use cvm_core::selection::{
    lookalike, relationship_trend, Column, Evaluation, Lookalike, LookalikeOptions, RuleSet,
    SlopeScale, Standardization, Table, Trend, TrendOptions, TrendResult,
};
use cvm_core::Error;

use crate::{
    copy_to, cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, slice, str_arg,
    write_array, write_out, FfiError, FfiResult,
};

/// Trend type "high and rising" (see [`cvm_trend_types`]).
pub const CVM_TREND_HIGH_RISING: u32 = 0;
/// Trend type "high and stable".
pub const CVM_TREND_HIGH_STABLE: u32 = 1;
/// Trend type "high but declining".
pub const CVM_TREND_HIGH_DECLINING: u32 = 2;
/// Trend type "low but rising".
pub const CVM_TREND_LOW_RISING: u32 = 3;
/// Trend type "low and stable".
pub const CVM_TREND_LOW_STABLE: u32 = 4;
/// Trend type "low and declining".
pub const CVM_TREND_LOW_DECLINING: u32 = 5;

/// Slope tolerance as a fraction of the customer's |level| per period (default).
pub const CVM_SLOPE_RELATIVE: u32 = 0;
/// Slope tolerance in profit units per period.
pub const CVM_SLOPE_ABSOLUTE: u32 = 1;

/// Look-alike features scaled by the standard deviation among the loyal customers (default).
pub const CVM_STANDARDIZE_LOYAL: u32 = 0;
/// Look-alike features scaled by the standard deviation among loyal customers and candidates.
pub const CVM_STANDARDIZE_POOLED: u32 = 1;

/// One column owned by a table handle.
#[derive(Debug, Clone)]
enum OwnedColumn {
    Numeric(Vec<f64>),
    Boolean(Vec<u8>),
    Categorical { codes: Vec<i32>, categories: Vec<String> },
}

impl OwnedColumn {
    fn borrow(&self) -> Column<'_> {
        match self {
            OwnedColumn::Numeric(x) => Column::Numeric(x),
            OwnedColumn::Boolean(x) => Column::Boolean(x),
            OwnedColumn::Categorical { codes, categories } => {
                Column::Categorical { codes, categories }
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Columns(Vec<(String, OwnedColumn)>);

impl Columns {
    /// The core table borrowing these columns (validated when each column was added).
    pub(crate) fn table(&self) -> Table<'_> {
        let mut t = Table::new();
        for (name, c) in &self.0 {
            t.push(name, c.borrow()).expect("columns were validated when added");
        }
        t
    }
}

/// A table of customer attributes (opaque): named columns of equal length, one row per customer.
/// Created empty by [`cvm_table_new`], filled with `cvm_table_add_*` (which copy the data),
/// freed with [`cvm_table_free`]. Adding columns is not thread-safe; once filled, reading it from
/// several threads at once (evaluating rules) is safe. Evaluations keep their own reference to
/// the data: the table may be freed or extended while an evaluation is alive.
#[derive(Debug, Default)]
pub struct cvm_table(pub(crate) Arc<Columns>);

/// A selection rule set (opaque), from [`cvm_rules_from_json`] or [`cvm_rules_preset`]. Owned by
/// the caller; free with [`cvm_rules_free`]. Immutable: evaluating it from several threads at
/// once is safe.
#[derive(Debug)]
pub struct cvm_rules(pub(crate) Arc<RuleSet>);

/// The evaluation of a rule set over a table (opaque): decision, score and reasons of every
/// customer. Owned by the caller; free with [`cvm_evaluation_free`]. It keeps its own reference
/// to the rules and the data (freeing them first is fine). Immutable: thread-safe to read.
pub struct cvm_evaluation {
    /// Borrows `table`, `rules` and `columns` (heap data that never moves); declared first so
    /// that it is dropped first.
    pub(crate) ev: Evaluation<'static, 'static>,
    _table: Box<Table<'static>>,
    names: Vec<std::ffi::CString>,
    hard_names: Vec<std::ffi::CString>,
    /// The text of each entry of the rules' strategy table.
    pub(crate) strategy_texts: Vec<std::ffi::CString>,
    /// The warnings about the result, with their messages.
    pub(crate) warnings: Vec<(cvm_core::selection::Concentration, std::ffi::CString)>,
    _rules: Arc<RuleSet>,
    _columns: Arc<Columns>,
}

impl std::fmt::Debug for cvm_evaluation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("cvm_evaluation").field("len", &self.ev.len()).finish()
    }
}

/// Relationship trends of customers (opaque), from [`cvm_relationship_trend`]. Free with
/// [`cvm_trend_free`]. Immutable.
#[derive(Debug)]
pub struct cvm_trend(TrendResult);

/// A look-alike ranking (opaque), from [`cvm_lookalike_rank`]. Free with [`cvm_lookalike_free`].
/// Immutable.
#[derive(Debug)]
pub struct cvm_lookalike(Lookalike);

/// `got` must equal `expected` (the length of the values `field` pairs with).
fn same_len(field: &str, expected: usize, got: usize) -> FfiResult<()> {
    if expected == got {
        Ok(())
    } else {
        Err(Error::LengthMismatch { field: field.into(), expected, got }.into())
    }
}

/// Borrows an array of `n` NUL-terminated UTF-8 strings.
///
/// # Safety
/// `ptr` must hold `n` valid NUL-terminated strings (or be NULL with `n == 0`).
pub(crate) unsafe fn strings<'a>(
    ptr: *const *const c_char, n: usize, field: &'static str,
) -> FfiResult<Vec<&'a str>> {
    let ptrs = unsafe { slice(ptr, n, field) }?;
    ptrs.iter()
        .enumerate()
        .map(|(i, &p)| {
            if p.is_null() {
                return Err(Error::invalid_at(field, i, "NULL string").into());
            }
            // SAFETY: the caller guarantees NUL-terminated strings.
            unsafe { CStr::from_ptr(p) }
                .to_str()
                .map_err(|_| Error::invalid_at(field, i, "not valid UTF-8").into())
        })
        .collect()
}

/// Adds a column to a table handle after checking it against the core's rules.
///
/// # Safety
/// `t` NULL or a live table handle; `name` NUL-terminated.
unsafe fn add_column(
    t: *mut cvm_table, name: *const c_char, column: impl FnOnce() -> FfiResult<OwnedColumn>,
) -> FfiResult<()> {
    // SAFETY: the caller guarantees a live handle.
    let t = unsafe { t.as_mut() }.ok_or(FfiError::Null("table"))?;
    let name = unsafe { str_arg(name, "name") }?;
    let column = column()?;
    // Validate with the core (name, length, category codes) before storing.
    t.0.table().push(name, column.borrow())?;
    Arc::make_mut(&mut t.0).0.push((name.to_string(), column));
    Ok(())
}

/// A new, empty table into `*out` (free with [`cvm_table_free`]).
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_table_new(out: *mut *mut cvm_table) -> cvm_status {
    ffi_guard!({ unsafe { write_out(out, into_handle(cvm_table::default()), "out") } })
}

/// Adds a numeric column (copied; `NaN` is a missing value).
///
/// Errors: `CVM_STATUS_INVALID_VALUE` (field `name`) for an empty or duplicate name,
/// `CVM_STATUS_LENGTH_MISMATCH` (field: the column name) when `n` differs from the first column's.
///
/// # Safety
/// `t` live; `name` NUL-terminated; `values` holds `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_table_add_numeric(
    t: *mut cvm_table, name: *const c_char, values: *const f64, n: usize,
) -> cvm_status {
    ffi_guard!({
        let v = unsafe { slice(values, n, "values") }?;
        unsafe { add_column(t, name, || Ok(OwnedColumn::Numeric(v.to_vec()))) }
    })
}

/// Adds a boolean column (copied): `0` false, `1` true, any other byte (e.g. 255) missing.
///
/// Errors as [`cvm_table_add_numeric`].
///
/// # Safety
/// `t` live; `name` NUL-terminated; `values` holds `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn cvm_table_add_boolean(
    t: *mut cvm_table, name: *const c_char, values: *const u8, n: usize,
) -> cvm_status {
    ffi_guard!({
        let v = unsafe { slice(values, n, "values") }?;
        unsafe { add_column(t, name, || Ok(OwnedColumn::Boolean(v.to_vec()))) }
    })
}

/// Adds a categorical column (copied): `codes[i]` indexes `categories` (UTF-8 labels), `-1` is
/// a missing value.
///
/// Errors as [`cvm_table_add_numeric`], plus `CVM_STATUS_INVALID_VALUE` (field: the column name,
/// index: the row) for a code that is neither -1 nor a valid index, and (field `categories`,
/// index) for a NULL or non-UTF-8 label.
///
/// # Safety
/// `t` live; `name` NUL-terminated; `codes` holds `n` values; `categories` holds
/// `n_categories` NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn cvm_table_add_categorical(
    t: *mut cvm_table, name: *const c_char, codes: *const i32, n: usize,
    categories: *const *const c_char, n_categories: usize,
) -> cvm_status {
    ffi_guard!({
        let c = unsafe { slice(codes, n, "codes") }?;
        let cats = unsafe { strings(categories, n_categories, "categories") }?;
        unsafe {
            add_column(t, name, || {
                let categories = cats.iter().map(|s| s.to_string()).collect();
                Ok(OwnedColumn::Categorical { codes: c.to_vec(), categories })
            })
        }
    })
}

/// Number of rows of the table (0 without columns, or for NULL).
///
/// # Safety
/// `t` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_table_n_rows(t: *const cvm_table) -> usize {
    unsafe { t.as_ref() }.and_then(|t| t.0 .0.first()).map_or(0, |c| c.1.borrow().len())
}

/// Frees a table; NULL is a no-op. Evaluations made from it stay valid.
///
/// # Safety
/// `t` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_table_free(t: *mut cvm_table) {
    unsafe { free_handle(t) }
}

/// Reads a rule set from its JSON document (schema in `docs/rules.md`) into `*out`.
///
/// Errors: `CVM_STATUS_JSON` with the JSON path of the problem as the field (`$` for malformed
/// JSON, `$.criteria[0].condition.op` for an unknown operator, `$.decisions[1]` for overlapping
/// bands, …).
///
/// # Safety
/// `json` NUL-terminated; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_rules_from_json(
    json: *const c_char, out: *mut *mut cvm_rules,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let text = unsafe { str_arg(json, "json") }?;
        let r = RuleSet::from_json(text)?;
        unsafe { write_out(out, into_handle(cvm_rules(Arc::new(r))), "out") }
    })
}

/// Options of [`cvm_rules_preset`]; start from [`cvm_preset_options_default`] (no overrides, no
/// renames). `option_names[k]` / `option_values[k]` override numeric thresholds by name (e.g.
/// `"max_cash"`, 60.0; the names are those of `docs/rules.md`); `rename_from[k]` /
/// `rename_to[k]` read the preset's default column `rename_from[k]` from your column
/// `rename_to[k]`. Either list may be empty (NULL with length 0). Borrowed for the call only.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_preset_options {
    /// Names of the thresholds to override.
    pub option_names: *const *const c_char,
    /// Elements of `option_names`.
    pub n_option_names: usize,
    /// Their values (as many as `option_names`).
    pub option_values: *const f64,
    /// Elements of `option_values`.
    pub n_option_values: usize,
    /// The preset's column names to read from other columns.
    pub rename_from: *const *const c_char,
    /// Elements of `rename_from`.
    pub n_rename_from: usize,
    /// The columns to read them from (as many as `rename_from`).
    pub rename_to: *const *const c_char,
    /// Elements of `rename_to`.
    pub n_rename_to: usize,
}

/// No threshold overridden, no column renamed.
#[no_mangle]
pub extern "C" fn cvm_preset_options_default() -> cvm_preset_options {
    cvm_preset_options {
        option_names: std::ptr::null(),
        n_option_names: 0,
        option_values: std::ptr::null(),
        n_option_values: 0,
        rename_from: std::ptr::null(),
        n_rename_from: 0,
        rename_to: std::ptr::null(),
        n_rename_to: 0,
    }
}

/// Builds a preset rule set (`"good_customer"`, `"big_customer_risk"`, `"elastic_customer"`,
/// `"dormant_account"`) into `*out`, with the overrides and renames of `options` (NULL: none;
/// see [`cvm_preset_options`]).
///
/// Errors: `CVM_STATUS_UNKNOWN_NAME` (field `preset` or `options`), `CVM_STATUS_INVALID_VALUE`
/// (field: the option, for a non-finite value; field `columns`, index k, for a column the preset
/// does not read), `CVM_STATUS_LENGTH_MISMATCH` when paired arrays differ in length.
///
/// # Safety
/// Strings NUL-terminated; `options` NULL or valid, its arrays holding their stated lengths;
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_rules_preset(
    name: *const c_char, options: *const cvm_preset_options, out: *mut *mut cvm_rules,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let name = unsafe { str_arg(name, "name") }?;
        let o =
            unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_preset_options_default());
        let keys = unsafe { strings(o.option_names, o.n_option_names, "option_names") }?;
        let values = unsafe { slice(o.option_values, o.n_option_values, "option_values") }?;
        let from = unsafe { strings(o.rename_from, o.n_rename_from, "rename_from") }?;
        let to = unsafe { strings(o.rename_to, o.n_rename_to, "rename_to") }?;
        same_len("option_values", keys.len(), values.len())?;
        same_len("rename_to", from.len(), to.len())?;
        let options: Vec<(&str, PresetOption<'_>)> =
            keys.iter().zip(values).map(|(k, v)| (*k, PresetOption::Number(*v))).collect();
        let renames: Vec<(&str, &str)> = from.into_iter().zip(to).collect();
        let r = preset(name, &options, &renames)?;
        unsafe { write_out(out, into_handle(cvm_rules(Arc::new(r))), "out") }
    })
}

/// Writes the rule set's JSON document into `*out_json` (free it with `cvm_string_free`). Read
/// back with [`cvm_rules_from_json`], it gives the same rules (numbers bit for bit).
///
/// # Safety
/// `r` live; `out_json` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_rules_to_json(
    r: *const cvm_rules, out_json: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out_json, "out_json")?;
        let r = &unsafe { handle(r, "rules") }?.0;
        let text = crate::cstring(&r.to_json());
        unsafe { write_out(out_json, text.into_raw(), "out_json") }
    })
}

/// Frees a rule set; NULL is a no-op. Evaluations made from it stay valid.
///
/// # Safety
/// `r` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_rules_free(r: *mut cvm_rules) {
    unsafe { free_handle(r) }
}

/// Evaluates the rules for every row of the table into `*out` (free with
/// [`cvm_evaluation_free`]).
///
/// Errors: `CVM_STATUS_INVALID_VALUE` with the JSON path as the field for a column the table
/// lacks (`$.criteria[0].condition.attr`) or a type mismatch (`….value`, `….values[k]`); with
/// the attribute and row for a missing value under the `error` policy; `CVM_STATUS_JSON` for a
/// document problem.
///
/// # Safety
/// `r` and `t` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_rules_evaluate(
    r: *const cvm_rules, t: *const cvm_table, out: *mut *mut cvm_evaluation,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let rules = Arc::clone(&unsafe { handle(r, "rules") }?.0);
        let columns = Arc::clone(&unsafe { handle(t, "table") }?.0);
        // SAFETY: `rules` and `columns` are reference-counted heap values kept alive by the
        // evaluation handle, never mutated while shared (tables copy on write), and `table` is
        // boxed: the references stay valid for the life of the handle, and `ev`, which holds
        // them, is dropped first.
        let columns_ref: &'static Columns = unsafe { &*Arc::as_ptr(&columns) };
        let rules_ref: &'static RuleSet = unsafe { &*Arc::as_ptr(&rules) };
        let table = Box::new(columns_ref.table());
        let table_ref: &'static Table<'static> = unsafe { &*(&*table as *const Table<'static>) };
        let ev = rules_ref.evaluate(table_ref)?;
        let names = ev.decision_names().iter().map(|n| crate::cstring(n)).collect();
        let hard_names = rules_ref.hard.iter().map(|h| crate::cstring(&h.name)).collect();
        let strategy_texts =
            rules_ref.strategies.iter().map(|e| crate::cstring(&e.strategy)).collect();
        let warnings =
            ev.warnings().into_iter().map(|w| (w.clone(), crate::cstring(&w.message()))).collect();
        let value = cvm_evaluation {
            ev,
            _table: table,
            names,
            hard_names,
            strategy_texts,
            warnings,
            _rules: rules,
            _columns: columns,
        };
        unsafe { write_out(out, into_handle(value), "out") }
    })
}

/// Number of customers evaluated (0 for NULL).
///
/// # Safety
/// `e` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_len(e: *const cvm_evaluation) -> usize {
    unsafe { e.as_ref() }.map_or(0, |e| e.ev.len())
}

/// Number of distinct decisions (bands, then hard rules, then the missing policy's); the
/// decision codes index them. 0 for NULL.
///
/// # Safety
/// `e` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_decision_count(e: *const cvm_evaluation) -> usize {
    unsafe { e.as_ref() }.map_or(0, |e| e.ev.decision_names().len())
}

/// Name of decision code `code` (NUL-terminated, owned by the evaluation: valid until it is
/// freed); NULL for NULL or an out-of-range code.
///
/// # Safety
/// `e` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_decision_name(
    e: *const cvm_evaluation, code: usize,
) -> *const c_char {
    unsafe { e.as_ref() }.and_then(|e| e.names.get(code)).map_or(ptr::null(), |s| s.as_ptr())
}

/// Copies each customer's decision code (an index for [`cvm_evaluation_decision_name`]) into
/// `out` (`n_out` = [`cvm_evaluation_len`]).
///
/// # Safety
/// `e` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_decision_codes(
    e: *const cvm_evaluation, out: *mut u16, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let e = unsafe { handle(e, "evaluation") }?;
        unsafe { write_array(e.ev.decision_codes(), out, n_out, "out") }
    })
}

/// Copies each customer's score (sum of the weights of the criteria that passed) into `out`
/// (`n_out` = [`cvm_evaluation_len`]).
///
/// # Safety
/// `e` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_scores(
    e: *const cvm_evaluation, out: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let e = unsafe { handle(e, "evaluation") }?;
        unsafe { write_array(e.ev.scores(), out, n_out, "out") }
    })
}

/// Copies the number of customers per decision code into `out` (`n_out` =
/// [`cvm_evaluation_decision_count`]).
///
/// # Safety
/// `e` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_counts(
    e: *const cvm_evaluation, out: *mut usize, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let e = unsafe { handle(e, "evaluation") }?;
        unsafe { write_array(&e.ev.counts(), out, n_out, "out") }
    })
}

/// Name of the hard rule that decided for customer `row`, or NULL when the score decided (also
/// NULL for a NULL handle or an out-of-range row). Owned by the evaluation.
///
/// # Safety
/// `e` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_fired_rule(
    e: *const cvm_evaluation, row: usize,
) -> *const c_char {
    let Some(e) = (unsafe { e.as_ref() }) else { return ptr::null() };
    if row >= e.ev.len() {
        return ptr::null();
    }
    match e.ev.fired_rule(row) {
        Some(name) => {
            let k = e.ev.rules().hard.iter().position(|h| h.name == name).expect("listed");
            e.hard_names[k].as_ptr()
        }
        None => ptr::null(),
    }
}

/// The reason codes of customer `row`, one per criterion then one per hard rule, joined by
/// `'\n'`, into `*out` (a new string: free it with `cvm_string_free`). E.g.
/// `"holdings:pass(holdings_balance=0<=0)\ncash:fail(cash_balance=100.01>100)\n…"`.
///
/// Errors: `CVM_STATUS_INVALID_VALUE` (field `row`, index `row`) for a row out of range.
///
/// # Safety
/// `e` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_reasons(
    e: *const cvm_evaluation, row: usize, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let e = unsafe { handle(e, "evaluation") }?;
        if row >= e.ev.len() {
            let n = e.ev.len();
            return Err(Error::invalid_at("row", row, format!("out of range (0..{n})")).into());
        }
        let text = crate::cstring(&e.ev.reason_codes(row).join("\n"));
        unsafe { write_out(out, text.into_raw(), "out") }
    })
}

/// Frees an evaluation; NULL is a no-op.
///
/// # Safety
/// `e` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_evaluation_free(e: *mut cvm_evaluation) {
    unsafe { free_handle(e) }
}

fn slope_scale(code: u32) -> FfiResult<SlopeScale> {
    match code {
        CVM_SLOPE_RELATIVE => Ok(SlopeScale::RelativeToLevel),
        CVM_SLOPE_ABSOLUTE => Ok(SlopeScale::Absolute),
        other => Err(Error::unknown_name(
            "slope_scale",
            other.to_string(),
            &["0 (CVM_SLOPE_RELATIVE)", "1 (CVM_SLOPE_ABSOLUTE)"],
        )
        .into()),
    }
}

/// Options of [`cvm_relationship_trend`]; start from [`cvm_trend_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_trend_options {
    /// Whether `high_level` is set (default false: the median level of the customers given).
    pub has_high_level: bool,
    /// Level from which a relationship is "high" (finite).
    pub high_level: f64,
    /// Slope tolerance: a fraction of the level (`CVM_SLOPE_RELATIVE`, default 0.05) or profit
    /// units per period (`CVM_SLOPE_ABSOLUTE`).
    pub slope_tolerance: f64,
    /// `CVM_SLOPE_RELATIVE` (default) or `CVM_SLOPE_ABSOLUTE`.
    pub slope_scale: u32,
}

/// The default trend options (see the field docs).
#[no_mangle]
pub extern "C" fn cvm_trend_options_default() -> cvm_trend_options {
    let d = TrendOptions::default();
    cvm_trend_options {
        has_high_level: false,
        high_level: 0.0,
        slope_tolerance: d.slope_tolerance,
        slope_scale: CVM_SLOPE_RELATIVE,
    }
}

/// Classifies each customer's relationship from per-period profit into `*out` (free with
/// [`cvm_trend_free`]).
///
/// `profit` is row-major, customers × `n_periods` (oldest period first); `options` NULL means
/// [`cvm_trend_options_default`].
///
/// Errors: `CVM_STATUS_EMPTY_INPUT` (`profit`), `CVM_STATUS_INVALID_VALUE` (`n_periods` < 2,
/// `profit` length or a non-finite value with its flat index, `high_level`, `slope_tolerance`),
/// `CVM_STATUS_UNKNOWN_NAME` (`slope_scale`).
///
/// # Safety
/// `profit` holds `n_profit` values; `options` NULL or valid; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_relationship_trend(
    profit: *const f64, n_profit: usize, n_periods: usize, options: *const cvm_trend_options,
    out: *mut *mut cvm_trend,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let p = unsafe { slice(profit, n_profit, "profit") }?;
        let o = unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_trend_options_default());
        let options = TrendOptions::default()
            .with_high_level(o.has_high_level.then_some(o.high_level))
            .with_slope_tolerance(o.slope_tolerance)
            .with_slope_scale(slope_scale(o.slope_scale)?);
        let r = relationship_trend(p, n_periods, &options)?;
        unsafe { write_out(out, into_handle(cvm_trend(r)), "out") }
    })
}

/// Number of customers of a trend result (0 for NULL).
///
/// # Safety
/// `t` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_trend_len(t: *const cvm_trend) -> usize {
    unsafe { t.as_ref() }.map_or(0, |t| t.0.level.len())
}

/// The level threshold used (given or median); NaN for NULL.
///
/// # Safety
/// `t` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_trend_high_level(t: *const cvm_trend) -> f64 {
    unsafe { t.as_ref() }.map_or(f64::NAN, |t| t.0.high_level)
}

/// Copies the level (mean profit per period), slope (least squares, per period) and slope
/// tolerance applied of each customer into the three arrays (each of `n_out` =
/// [`cvm_trend_len`] values; any may be NULL to skip it).
///
/// # Safety
/// `t` live; non-NULL arrays have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_trend_values(
    t: *const cvm_trend, level: *mut f64, slope: *mut f64, threshold: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let t = &unsafe { handle(t, "trend") }?.0;
        same_len("n_out", t.level.len(), n_out)?;
        unsafe {
            copy_to(&t.level, level);
            copy_to(&t.slope, slope);
            copy_to(&t.threshold, threshold);
        }
        Ok(())
    })
}

/// Copies each customer's trend type (a `CVM_TREND_*` code) into `out` (`n_out` =
/// [`cvm_trend_len`]).
///
/// # Safety
/// `t` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_trend_types(
    t: *const cvm_trend, out: *mut u32, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let t = &unsafe { handle(t, "trend") }?.0;
        let codes: Vec<u32> = t
            .trend
            .iter()
            .map(|k| match k {
                Trend::HighRising => CVM_TREND_HIGH_RISING,
                Trend::HighStable => CVM_TREND_HIGH_STABLE,
                Trend::HighDeclining => CVM_TREND_HIGH_DECLINING,
                Trend::LowRising => CVM_TREND_LOW_RISING,
                Trend::LowStable => CVM_TREND_LOW_STABLE,
                _ => CVM_TREND_LOW_DECLINING,
            })
            .collect();
        unsafe { write_array(&codes, out, n_out, "out") }
    })
}

/// The reason code of customer `row` (e.g. `"high_declining(level=1300>=900; slope=-200<-50)"`)
/// into `*out` (free with `cvm_string_free`). `CVM_STATUS_INVALID_VALUE` (field `row`) out of
/// range.
///
/// # Safety
/// `t` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_trend_reason(
    t: *const cvm_trend, row: usize, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let t = &unsafe { handle(t, "trend") }?.0;
        if row >= t.level.len() {
            let n = t.level.len();
            return Err(Error::invalid_at("row", row, format!("out of range (0..{n})")).into());
        }
        let text = crate::cstring(&t.reason(row));
        unsafe { write_out(out, text.into_raw(), "out") }
    })
}

/// Frees a trend result; NULL is a no-op.
///
/// # Safety
/// `t` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_trend_free(t: *mut cvm_trend) {
    unsafe { free_handle(t) }
}

/// Ranks candidates by similarity to the loyal customers on numeric `features` and keeps the
/// `k` most similar, into `*out` (free with [`cvm_lookalike_free`]).
///
/// Errors: `CVM_STATUS_EMPTY_INPUT` (`features`, `candidates`), `CVM_STATUS_INVALID_VALUE`
/// (`k` = 0; `features`, j for a feature missing from a table, not numeric or without spread;
/// `loyal` with fewer than 2 rows; `candidates.<feature>` / `loyal.<feature>`, row for a
/// missing or infinite value), `CVM_STATUS_UNKNOWN_NAME` (`standardization`).
///
/// # Safety
/// Tables live; `features` holds `n_features` NUL-terminated strings; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_lookalike_rank(
    candidates: *const cvm_table, loyal: *const cvm_table, features: *const *const c_char,
    n_features: usize, k: usize, standardization: u32, out: *mut *mut cvm_lookalike,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let cand = unsafe { handle(candidates, "candidates") }?.0.table();
        let loyal = unsafe { handle(loyal, "loyal") }?.0.table();
        let f = unsafe { strings(features, n_features, "features") }?;
        let standardization = match standardization {
            CVM_STANDARDIZE_LOYAL => Standardization::Loyal,
            CVM_STANDARDIZE_POOLED => Standardization::Pooled,
            other => {
                return Err(Error::unknown_name(
                    "standardization",
                    other.to_string(),
                    &["0 (CVM_STANDARDIZE_LOYAL)", "1 (CVM_STANDARDIZE_POOLED)"],
                )
                .into())
            }
        };
        let r = lookalike(
            &cand,
            &loyal,
            &f,
            k,
            &LookalikeOptions::default().with_standardization(standardization),
        )?;
        unsafe { write_out(out, into_handle(cvm_lookalike(r)), "out") }
    })
}

/// Number of candidates ranked (the length of distances and similarities; 0 for NULL).
///
/// # Safety
/// `l` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_lookalike_len(l: *const cvm_lookalike) -> usize {
    unsafe { l.as_ref() }.map_or(0, |l| l.0.distance.len())
}

/// Number of candidates kept (min(k, candidates); 0 for NULL).
///
/// # Safety
/// `l` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_lookalike_top_count(l: *const cvm_lookalike) -> usize {
    unsafe { l.as_ref() }.map_or(0, |l| l.0.top.len())
}

/// Copies the distance (root-mean-square z-score distance to the loyal profile) and similarity
/// (`1 / (1 + distance)`) of every candidate (`n_out` = [`cvm_lookalike_len`]; either may be
/// NULL).
///
/// # Safety
/// `l` live; non-NULL arrays have room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_lookalike_scores(
    l: *const cvm_lookalike, distance: *mut f64, similarity: *mut f64, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let l = &unsafe { handle(l, "lookalike") }?.0;
        same_len("n_out", l.distance.len(), n_out)?;
        unsafe {
            copy_to(&l.distance, distance);
            copy_to(&l.similarity, similarity);
        }
        Ok(())
    })
}

/// Copies the indices of the kept candidates, most similar first (ties by lower index), into
/// `out` (`n_out` = [`cvm_lookalike_top_count`]).
///
/// # Safety
/// `l` live; `out` has room for `n_out` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_lookalike_top(
    l: *const cvm_lookalike, out: *mut usize, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let l = &unsafe { handle(l, "lookalike") }?.0;
        unsafe { write_array(&l.top, out, n_out, "out") }
    })
}

/// Frees a look-alike result; NULL is a no-op.
///
/// # Safety
/// `l` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_lookalike_free(l: *mut cvm_lookalike) {
    unsafe { free_handle(l) }
}
