//! C ABI of the decision module: playbooks, the customer value report (CSV and HTML strings) and
//! campaign selection under a budget.

use std::ffi::c_char;

use cvm_core::decision::{
    compare_campaigns, select_campaign, Campaign, CampaignInput, CampaignMethod, ContactCost,
    CustomerValueReport, Playbook, ReportBuilder,
};
use cvm_core::loyalty::{LoyaltyLevel, Stage};
use cvm_core::Error;

use crate::columns::cvm_doubles;
use crate::selection::strings;
use crate::{
    cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, opt_slice, slice, str_arg,
    write_array, write_out, FfiError, FfiResult,
};

/// A playbook (opaque): plays per segment and their precedence. Owned by the caller; free with
/// [`cvm_playbook_free`]. Immutable: thread-safe to read.
#[derive(Debug)]
pub struct cvm_playbook(Playbook);

/// A customer value report being assembled (opaque), from [`cvm_report_builder_new`]. Owned by
/// the caller; free with [`cvm_report_builder_free`]. The `cvm_report_builder_*` setters modify
/// it: do not use one builder from several threads at once.
#[derive(Debug)]
pub struct cvm_report_builder(ReportBuilder);

/// A built customer value report (opaque), from [`cvm_report_builder_build`]. Owned by the
/// caller; free with [`cvm_report_free`]. Immutable: thread-safe to read.
#[derive(Debug)]
pub struct cvm_report(CustomerValueReport);

/// A chosen campaign (opaque), from [`cvm_select_campaign`]. Owned by the caller; free with
/// [`cvm_campaign_free`]. Immutable: thread-safe to read.
#[derive(Debug)]
pub struct cvm_campaign(Campaign);

/// Flag column codes of [`cvm_report_builder_flag`]: dormant account.
pub const CVM_FLAG_DORMANT: u32 = 0;
/// Flag column code: low-balance monthly fee due.
pub const CVM_FLAG_FEE_DUE: u32 = 1;
/// Flag column code: elastic customer.
pub const CVM_FLAG_ELASTIC: u32 = 2;

/// Campaign method codes: exact when possible, else greedy.
pub const CVM_CAMPAIGN_AUTO: u32 = 0;
/// Campaign method code: exact dynamic programming (an error when not possible).
pub const CVM_CAMPAIGN_EXACT: u32 = 1;
/// Campaign method code: the greedy ratio rule.
pub const CVM_CAMPAIGN_GREEDY: u32 = 2;

/// The default playbook (see docs/decisions.md) into a new handle `*out`.
///
/// # Safety
/// `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_playbook_default(out: *mut *mut cvm_playbook) -> cvm_status {
    ffi_guard!({ unsafe { write_out(out, into_handle(cvm_playbook(Playbook::default())), "out") } })
}

/// Reads a playbook from its versioned JSON document into a new handle `*out`.
/// `CVM_STATUS_JSON` with the JSON path (field) of the first problem.
///
/// # Safety
/// `json` a NUL-terminated string; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_playbook_from_json(
    json: *const c_char, out: *mut *mut cvm_playbook,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let text = unsafe { str_arg(json, "json") }?;
        let book = Playbook::from_json(text)?;
        unsafe { write_out(out, into_handle(cvm_playbook(book)), "out") }
    })
}

/// The playbook's JSON document as a new string in `*out` (free it with `cvm_string_free`).
///
/// # Safety
/// `p` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_playbook_to_json(
    p: *const cvm_playbook, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let p = &unsafe { handle(p, "playbook") }?.0;
        unsafe { write_out(out, crate::cstring(&p.to_json()).into_raw(), "out") }
    })
}

/// Frees a playbook; NULL is a no-op.
///
/// # Safety
/// `p` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_playbook_free(p: *mut cvm_playbook) {
    unsafe { free_handle(p) }
}

/// Starts a report for `n` customers whose ids (row labels) are `ids` into a new handle `*out`.
///
/// # Safety
/// `ids` holds `n` NUL-terminated strings; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_new(
    ids: *const *const c_char, n: usize, out: *mut *mut cvm_report_builder,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let ids = unsafe { strings(ids, n, "customer_id") }?;
        let b = ReportBuilder::new(ids.iter().map(|s| s.to_string()).collect())?;
        unsafe { write_out(out, into_handle(cvm_report_builder(b)), "out") }
    })
}

/// Applies one setter to a clone of the builder and keeps the result only on success.
///
/// # Safety
/// `b` NULL or live and not used by another thread.
unsafe fn update(
    b: *mut cvm_report_builder, f: impl FnOnce(ReportBuilder) -> FfiResult<ReportBuilder>,
) -> FfiResult<()> {
    if b.is_null() {
        return Err(FfiError::Null("builder"));
    }
    // SAFETY: non-NULL; the caller guarantees a live handle used by one thread.
    let b = unsafe { &mut *b };
    b.0 = f(b.0.clone())?;
    Ok(())
}

/// Sets the realised, potential and influence value columns (`n` each, finite).
///
/// # Safety
/// `b` live; each array holds `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_values(
    b: *mut cvm_report_builder, realised: *const f64, potential: *const f64, influence: *const f64,
    n: usize,
) -> cvm_status {
    ffi_guard!({
        let r = unsafe { slice(realised, n, "realised_value") }?;
        let p = unsafe { slice(potential, n, "potential_value") }?;
        let i = unsafe { slice(influence, n, "influence_value") }?;
        unsafe { update(b, |x| Ok(x.values(r, p, i)?)) }
    })
}

/// Sets the CLV column (`n` finite values).
///
/// # Safety
/// `b` live; `clv` holds `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_clv(
    b: *mut cvm_report_builder, clv: *const f64, n: usize,
) -> cvm_status {
    ffi_guard!({
        let c = unsafe { slice(clv, n, "clv") }?;
        unsafe { update(b, |x| Ok(x.clv(c)?)) }
    })
}

/// Sets the churn-probability column (`n` values in [0, 1]).
///
/// # Safety
/// `b` live; `p` holds `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_churn(
    b: *mut cvm_report_builder, p: *const f64, n: usize,
) -> cvm_status {
    ffi_guard!({
        let p = unsafe { slice(p, n, "churn_probability") }?;
        unsafe { update(b, |x| Ok(x.churn_probability(p)?)) }
    })
}

/// Two columns of `n` strings each, owned.
///
/// # Safety
/// `a` and `b` hold `n` NUL-terminated strings each.
unsafe fn two_texts(
    a: *const *const c_char, b: *const *const c_char, n: usize, fields: [&'static str; 2],
) -> FfiResult<(Vec<String>, Vec<String>)> {
    let owned = |v: Vec<&str>| v.into_iter().map(str::to_string).collect();
    let x = unsafe { strings(a, n, fields[0]) }?;
    let y = unsafe { strings(b, n, fields[1]) }?;
    Ok((owned(x), owned(y)))
}

/// Sets the value-matrix cell label and strategy of each customer (`n` strings each, e.g. from
/// `cvm_value_matrix_label` / `_strategy`).
///
/// # Safety
/// `b` live; `cells` and `strategies` hold `n` NUL-terminated strings each.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_matrix(
    b: *mut cvm_report_builder, cells: *const *const c_char, strategies: *const *const c_char,
    n: usize,
) -> cvm_status {
    ffi_guard!({
        let (c, s) = unsafe { two_texts(cells, strategies, n, ["matrix_cell", "strategy"]) }?;
        unsafe { update(b, |x| Ok(x.matrix_columns(c, s)?)) }
    })
}

/// Checks codes against a list of names, as `CVM_STATUS_UNKNOWN_NAME` naming `field[i]`.
fn decode<T: Copy>(codes: &[u8], all: &[T], names: &[&str], field: &str) -> FfiResult<Vec<T>> {
    codes
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            all.get(c as usize).copied().ok_or_else(|| {
                let valid: Vec<String> =
                    names.iter().enumerate().map(|(k, s)| format!("{k} ({s})")).collect();
                let valid: Vec<&str> = valid.iter().map(String::as_str).collect();
                FfiError::Core(Error::unknown_name(format!("{field}[{i}]"), c.to_string(), &valid))
            })
        })
        .collect()
}

/// Sets the loyalty-stage column from stage codes (`n` codes, as `cvm_ladder_stages` writes;
/// an unknown code is `CVM_STATUS_UNKNOWN_NAME`).
///
/// # Safety
/// `b` live; `codes` holds `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_stages(
    b: *mut cvm_report_builder, codes: *const u8, n: usize,
) -> cvm_status {
    ffi_guard!({
        let c = unsafe { slice(codes, n, "loyalty_stage") }?;
        let stages = decode(c, &Stage::ALL, Stage::NAMES, "loyalty_stage")?;
        unsafe { update(b, |x| Ok(x.stages(&stages)?)) }
    })
}

/// Sets the loyalty-level column from level codes (`n` codes, as `cvm_levels_levels` writes).
///
/// # Safety
/// `b` live; `codes` holds `n` values.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_levels(
    b: *mut cvm_report_builder, codes: *const u8, n: usize,
) -> cvm_status {
    ffi_guard!({
        let c = unsafe { slice(codes, n, "loyalty_level") }?;
        let levels = decode(c, &LoyaltyLevel::ALL, LoyaltyLevel::NAMES, "loyalty_level")?;
        unsafe { update(b, |x| Ok(x.levels(&levels)?)) }
    })
}

/// Sets a flag column (`which`: `CVM_FLAG_DORMANT`, `CVM_FLAG_FEE_DUE`, `CVM_FLAG_ELASTIC`):
/// `n` bytes, 0 false, 1 true, anything else (e.g. 255) missing.
///
/// # Safety
/// `b` live; `values` holds `n` bytes.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_flag(
    b: *mut cvm_report_builder, which: u32, values: *const u8, n: usize,
) -> cvm_status {
    ffi_guard!({
        const NAMES: [&str; 3] = ["0 (dormant)", "1 (fee_due)", "2 (elastic)"];
        let field = ["dormant", "fee_due", "elastic"]
            .get(which as usize)
            .ok_or_else(|| Error::unknown_name("which", which.to_string(), &NAMES))?;
        let v = unsafe { slice(values, n, field) }?;
        let flags: Vec<Option<bool>> = v
            .iter()
            .map(|&x| match x {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            })
            .collect();
        unsafe {
            update(b, |x| {
                Ok(match which {
                    CVM_FLAG_DORMANT => x.dormant(&flags)?,
                    CVM_FLAG_FEE_DUE => x.fee_due(&flags)?,
                    _ => x.elastic(&flags)?,
                })
            })
        }
    })
}

/// Sets the big-customer-risk column: `n` strings (`"high_risk"`, `"watch"`, `"low_risk"`), a
/// NULL entry meaning missing.
///
/// # Safety
/// `b` live; `decisions` holds `n` NULL or NUL-terminated strings.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_big_customer_risk(
    b: *mut cvm_report_builder, decisions: *const *const c_char, n: usize,
) -> cvm_status {
    ffi_guard!({
        let ptrs = unsafe { slice(decisions, n, "big_customer_risk") }?;
        let mut values = Vec::with_capacity(n);
        for &p in ptrs {
            values.push(if p.is_null() {
                None
            } else {
                Some(unsafe { str_arg(p, "big_customer_risk") }?.to_string())
            });
        }
        unsafe { update(b, |x| Ok(x.big_customer_risk(values)?)) }
    })
}

/// Sets the selection decision and its reasons (`n` strings each, e.g. from
/// `cvm_evaluation_decision` and `cvm_evaluation_reasons`).
///
/// # Safety
/// `b` live; `decisions` and `reasons` hold `n` NUL-terminated strings each.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_selection(
    b: *mut cvm_report_builder, decisions: *const *const c_char, reasons: *const *const c_char,
    n: usize,
) -> cvm_status {
    ffi_guard!({
        let (d, r) = unsafe { two_texts(decisions, reasons, n, ["decision", "decision_reasons"]) }?;
        unsafe { update(b, |x| Ok(x.selection_columns(d, r)?)) }
    })
}

/// Builds the report with `playbook` (NULL: the default playbook) into a new handle `*out`.
/// The builder is left unchanged (it may be built again with another playbook).
///
/// # Safety
/// `b` live; `playbook` NULL or live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_build(
    b: *const cvm_report_builder, playbook: *const cvm_playbook, out: *mut *mut cvm_report,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let b = &unsafe { handle(b, "builder") }?.0;
        let default;
        let book = if playbook.is_null() {
            default = Playbook::default();
            &default
        } else {
            &unsafe { handle(playbook, "playbook") }?.0
        };
        let r = b.clone().build(book)?;
        unsafe { write_out(out, into_handle(cvm_report(r)), "out") }
    })
}

/// Frees a report builder; NULL is a no-op.
///
/// # Safety
/// `b` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_builder_free(b: *mut cvm_report_builder) {
    unsafe { free_handle(b) }
}

/// Number of rows (customers) of a report; 0 for NULL.
///
/// # Safety
/// `r` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_rows(r: *const cvm_report) -> usize {
    // SAFETY: NULL or live.
    unsafe { r.as_ref() }.map_or(0, |r| r.0.n_rows())
}

/// The report as CSV text (RFC 4180, header row, numbers in full precision) in a new string
/// `*out`; free it with `cvm_string_free`.
///
/// # Safety
/// `r` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_csv(r: *const cvm_report, out: *mut *mut c_char) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let r = &unsafe { handle(r, "report") }?.0;
        unsafe { write_out(out, crate::cstring(&r.to_csv()).into_raw(), "out") }
    })
}

/// The report as one self-contained HTML page headed `title` (inline CSS, no scripts or
/// external assets, text escaped) in a new string `*out`; free it with `cvm_string_free`.
///
/// # Safety
/// `r` live; `title` a NUL-terminated string; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_html(
    r: *const cvm_report, title: *const c_char, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let r = &unsafe { handle(r, "report") }?.0;
        let title = unsafe { str_arg(title, "title") }?;
        unsafe { write_out(out, crate::cstring(&r.to_html(title)).into_raw(), "out") }
    })
}

/// The next best action of customer `row` (`reason` 0) or its reason (`reason` 1) as a new
/// string in `*out` (free it with `cvm_string_free`). `CVM_STATUS_INVALID_VALUE` (field `row`)
/// when out of range.
///
/// # Safety
/// `r` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_action(
    r: *const cvm_report, row: usize, reason: bool, out: *mut *mut c_char,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let r = &unsafe { handle(r, "report") }?.0;
        if row >= r.n_rows() {
            let msg = format!("out of range (0..{})", r.n_rows());
            return Err(Error::invalid_at("row", row, msg).into());
        }
        let a = r.next_action(row);
        let text = if reason { &a.reason } else { &a.action };
        unsafe { write_out(out, crate::cstring(text).into_raw(), "out") }
    })
}

/// Frees a report; NULL is a no-op.
///
/// # Safety
/// `r` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_report_free(r: *mut cvm_report) {
    unsafe { free_handle(r) }
}

/// The campaign's totals, from [`cvm_campaign_summary`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_campaign_summary {
    /// Expected return: sum of `uplift × clv − cost` over the contacted customers.
    pub expected_return: f64,
    /// Spend (≤ the budget).
    pub spend: f64,
    /// Upper bound on the best return (the return itself when exact).
    pub upper_bound: f64,
    /// Customers contacted.
    pub n_selected: usize,
    /// Whether the answer is exact (dynamic programming).
    pub exact: bool,
    /// The marginal customer last in (index), -1 when none.
    pub last_in: i64,
    /// The marginal customer first out (index), -1 when none.
    pub first_out: i64,
}

/// The customers of [`cvm_select_campaign`] and [`cvm_compare_campaigns`]: `clv` and `uplift`
/// (one value per customer); `cost` one value for everyone (`len` 1, `segment` NULL), one per
/// customer, or, with `segment` (one code per customer, indexing `cost`), one per segment; the
/// `budget` to spend.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_campaign_inputs {
    /// CLV of each customer.
    pub clv: cvm_doubles,
    /// Uplift (probability the contact changes the outcome) of each customer.
    pub uplift: cvm_doubles,
    /// Contact cost: 1 value, one per customer, or one per segment.
    pub cost: cvm_doubles,
    /// Segment code of each customer (`clv.len` values), or NULL.
    pub segment: *const usize,
    /// Money available.
    pub budget: f64,
}

/// Options of [`cvm_select_campaign`] and [`cvm_compare_campaigns`]; start from
/// [`cvm_campaign_options_default`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_campaign_options {
    /// `CVM_CAMPAIGN_AUTO` (default), `_EXACT` or `_GREEDY`.
    pub method: u32,
    /// Random selections the comparison averages (default 100).
    pub draws: usize,
    /// Seed of the random selections (default 0).
    pub seed: u64,
}

/// The default campaign options (see the field docs).
#[no_mangle]
pub extern "C" fn cvm_campaign_options_default() -> cvm_campaign_options {
    cvm_campaign_options { method: CVM_CAMPAIGN_AUTO, draws: 100, seed: 0 }
}

/// Resolves the C cost arguments: a cost of length 1 without segments is one cost for all; with
/// `segment` `cost` is the per-segment table; else `cost` holds one per customer.
///
/// # Safety
/// `inputs` NULL or valid, its arrays holding their stated lengths (`segment` `clv.len`).
unsafe fn campaign_input<'a>(inputs: *const cvm_campaign_inputs) -> FfiResult<CampaignInput<'a>> {
    let i = unsafe { handle(inputs, "inputs") }?;
    let clv = unsafe { i.clv.required("clv") }?;
    let uplift = unsafe { i.uplift.required("uplift") }?;
    let c = unsafe { i.cost.required("cost") }?;
    let cost = match unsafe { opt_slice(i.segment, clv.len()) } {
        Some(segment) => ContactCost::PerSegment { segment, cost: c },
        None if c.len() == 1 => ContactCost::Constant(c[0]),
        None => ContactCost::PerCustomer(c),
    };
    Ok(CampaignInput { clv, uplift, cost, budget: i.budget })
}

/// The options behind `options` (NULL: the defaults).
///
/// # Safety
/// `options` NULL or valid for reads.
unsafe fn campaign_options(options: *const cvm_campaign_options) -> cvm_campaign_options {
    unsafe { options.as_ref() }.copied().unwrap_or_else(|| cvm_campaign_options_default())
}

fn method(code: u32) -> FfiResult<CampaignMethod> {
    CampaignMethod::NAMES
        .get(code as usize)
        .map(|name| {
            cvm_core::names::parse_field::<CampaignMethod>(name, "method").expect("a listed name")
        })
        .ok_or_else(|| {
            let valid = ["0 (auto)", "1 (exact)", "2 (greedy)"];
            Error::unknown_name("method", code.to_string(), &valid).into()
        })
}

/// Chooses whom to contact within `inputs->budget` to maximise the expected CLV gained
/// (`uplift × clv − cost`; see docs/decisions.md) into a new handle `*out`, with
/// `options->method` (NULL options: the defaults).
///
/// ```c
/// cvm_campaign_inputs in = {.clv = {clv, n}, .uplift = {uplift, n}, .cost = {&cost, 1}, .budget = 5000};
/// cvm_campaign *c = NULL;
/// cvm_status s = cvm_select_campaign(&in, NULL, &c);
/// ```
///
/// # Safety
/// `inputs` valid, its arrays holding their stated lengths; `options` NULL or valid; `out`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_select_campaign(
    inputs: *const cvm_campaign_inputs, options: *const cvm_campaign_options,
    out: *mut *mut cvm_campaign,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let input = unsafe { campaign_input(inputs) }?;
        let c = select_campaign(&input, method(unsafe { campaign_options(options) }.method)?)?;
        unsafe { write_out(out, into_handle(cvm_campaign(c)), "out") }
    })
}

fn summary(c: &Campaign) -> cvm_campaign_summary {
    let idx = |i: Option<usize>| i.map_or(-1, |i| i as i64);
    cvm_campaign_summary {
        expected_return: c.expected_return(),
        spend: c.spend(),
        upper_bound: c.upper_bound(),
        n_selected: c.n_selected(),
        exact: c.is_exact(),
        last_in: idx(c.last_in()),
        first_out: idx(c.first_out()),
    }
}

/// The campaign's totals into `*out`.
///
/// # Safety
/// `c` live; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_campaign_summary_get(
    c: *const cvm_campaign, out: *mut cvm_campaign_summary,
) -> cvm_status {
    ffi_guard!({
        let c = &unsafe { handle(c, "campaign") }?.0;
        unsafe { write_out(out, summary(c), "out") }
    })
}

/// Copies whether each customer is contacted (1) or not (0) into `out` (`n_out` = customers).
///
/// # Safety
/// `c` live; `out` has room for `n_out` bytes.
#[no_mangle]
pub unsafe extern "C" fn cvm_campaign_selected(
    c: *const cvm_campaign, out: *mut u8, n_out: usize,
) -> cvm_status {
    ffi_guard!({
        let c = &unsafe { handle(c, "campaign") }?.0;
        let v: Vec<u8> = c.selected().iter().map(|&s| s as u8).collect();
        unsafe { write_array(&v, out, n_out, "out") }
    })
}

/// Frees a campaign; NULL is a no-op.
///
/// # Safety
/// `c` NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_campaign_free(c: *mut cvm_campaign) {
    unsafe { free_handle(c) }
}

/// The optimised campaign against "top-N by CLV" and random selection, from
/// [`cvm_compare_campaigns`].
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_campaign_comparison {
    /// The optimised campaign.
    pub optimised: cvm_campaign_summary,
    /// Top-N by CLV: expected return.
    pub top_return: f64,
    /// Top-N by CLV: spend.
    pub top_spend: f64,
    /// Top-N by CLV: customers contacted.
    pub top_n: f64,
    /// Random selection: mean expected return over the draws.
    pub random_return: f64,
    /// Random selection: standard deviation of the return over the draws.
    pub random_sd: f64,
    /// Random selection: mean spend.
    pub random_spend: f64,
    /// Random selection: mean customers contacted.
    pub random_n: f64,
}

/// Compares the optimised campaign with "top-N by CLV" and with `options->draws` random
/// selections (seeded by `options->seed`) under the same budget (inputs as
/// [`cvm_select_campaign`]).
///
/// # Safety
/// As [`cvm_select_campaign`]; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_compare_campaigns(
    inputs: *const cvm_campaign_inputs, options: *const cvm_campaign_options,
    out: *mut cvm_campaign_comparison,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let input = unsafe { campaign_input(inputs) }?;
        let o = unsafe { campaign_options(options) };
        let c = compare_campaigns(&input, method(o.method)?, o.draws, o.seed)?;
        let v = cvm_campaign_comparison {
            optimised: summary(&c.optimised),
            top_return: c.top_by_clv.expected_return,
            top_spend: c.top_by_clv.spend,
            top_n: c.top_by_clv.n_selected,
            random_return: c.random.expected_return,
            random_sd: c.random_sd,
            random_spend: c.random.spend,
            random_n: c.random.n_selected,
        };
        unsafe { write_out(out, v, "out") }
    })
}
