//! Customer summary, compression and RFM segments over C arrays.

use std::ffi::c_char;
use std::ptr;

use cvm_core::summary::{summarize_text, TextTransactionLog};
use cvm_core::{
    compress, rfm_segments, summarize, Compressed, CustomerSummary, Error, NegativeAmounts,
    RfmResult, SegmentTable, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog,
};

use crate::{
    copy_to, cvm_status, ffi_guard, free_handle, handle, into_handle, need_out, opt_slice, slice,
    str_arg, write_out, FfiError, FfiResult,
};

/// Calendar day (`freq`, `time_unit`).
pub const CVM_UNIT_DAY: u32 = 1;
/// ISO week, Monday to Sunday; as a length 7 days.
pub const CVM_UNIT_WEEK: u32 = 2;
/// Calendar month; as a length 365.25/12 days.
pub const CVM_UNIT_MONTH: u32 = 3;
/// Calendar year; as a length 365.25 days.
pub const CVM_UNIT_YEAR: u32 = 4;
/// `time_unit` only: count ages in periods of `freq × freq_multiplier` (the default). As a
/// returned unit ([`cvm_summary_time_unit`]): the ages count periods of `freq × k` with `k > 1`.
pub const CVM_UNIT_PERIOD: u32 = 0;

/// `negative_amounts`: a negative amount is an error naming its row (the default).
pub const CVM_NEGATIVE_AMOUNTS_ERROR: u32 = 0;
/// `negative_amounts`: amounts of the same period are summed (net); every period with a
/// transaction is a purchase period, whatever the sign of its net amount.
pub const CVM_NEGATIVE_AMOUNTS_NET: u32 = 1;

/// Timestamps are seconds since 1970-01-01T00:00Z.
pub const CVM_TIMESTAMP_SECONDS: u32 = 1;
/// Timestamps are milliseconds since the epoch.
pub const CVM_TIMESTAMP_MILLISECONDS: u32 = 2;
/// Timestamps are microseconds since the epoch.
pub const CVM_TIMESTAMP_MICROSECONDS: u32 = 3;
/// Timestamps are nanoseconds since the epoch.
pub const CVM_TIMESTAMP_NANOSECONDS: u32 = 4;
/// Timestamps are whole days since 1970-01-01 (the unit of [`cvm_summary_options_default`]).
pub const CVM_TIMESTAMP_DAYS: u32 = 5;

/// A missing timestamp (an error when met): `INT64_MIN`.
pub const CVM_TIMESTAMP_MISSING: i64 = i64::MIN;

/// Options of [`cvm_summary_from_transactions`]; start from [`cvm_summary_options_default`]
/// (which sets `timestamp_unit = CVM_TIMESTAMP_DAYS`: set it to your timestamps' unit).
///
/// Supported dates: every timestamp and both ends must fall within 0001-01-01..=9999-12-31
/// (UTC); nanosecond timestamps cover 1677-09-21..2262-04-11 (all of `int64_t` but
/// `CVM_TIMESTAMP_MISSING`). Outside: `CVM_STATUS_INVALID_VALUE` naming the row or the option.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cvm_summary_options {
    /// Period within which transactions merge: a `CVM_UNIT_*` other than `CVM_UNIT_PERIOD`.
    pub freq: u32,
    /// Number of `freq` units per period (>= 1).
    pub freq_multiplier: u32,
    /// Unit of recency and T: `CVM_UNIT_PERIOD` (default) or a `CVM_UNIT_*`.
    pub time_unit: u32,
    /// Resolution of the timestamps: a `CVM_TIMESTAMP_*` constant.
    pub timestamp_unit: u32,
    /// Whether `observation_end` is set (otherwise the last transaction ends observation).
    pub has_observation_end: bool,
    /// End of observation, in `timestamp_unit`.
    pub observation_end: i64,
    /// Whether `calibration_end` is set (then holdout columns are computed).
    pub has_calibration_end: bool,
    /// End of calibration, in `timestamp_unit`.
    pub calibration_end: i64,
    /// Include the first purchase in the monetary mean.
    pub include_first_purchase: bool,
    /// Negative amounts: `CVM_NEGATIVE_AMOUNTS_ERROR` (default) or `CVM_NEGATIVE_AMOUNTS_NET`.
    pub negative_amounts: u32,
}

/// Default options: daily periods, ages in periods, **timestamps in whole days since
/// 1970-01-01** (`CVM_TIMESTAMP_DAYS`), no explicit ends, negative amounts an error.
/// Timestamps in another unit need `timestamp_unit` set explicitly; a summary in which every
/// customer has T = 0 although the timestamps differ is an error (a unit mistake).
#[no_mangle]
pub extern "C" fn cvm_summary_options_default() -> cvm_summary_options {
    cvm_summary_options {
        freq: CVM_UNIT_DAY,
        freq_multiplier: 1,
        time_unit: CVM_UNIT_PERIOD,
        timestamp_unit: CVM_TIMESTAMP_DAYS,
        has_observation_end: false,
        observation_end: 0,
        has_calibration_end: false,
        calibration_end: 0,
        include_first_purchase: false,
        negative_amounts: CVM_NEGATIVE_AMOUNTS_ERROR,
    }
}

pub(crate) fn required_unit(code: u32, field: &str) -> FfiResult<TimeUnit> {
    Ok(match code {
        CVM_UNIT_DAY => TimeUnit::Day,
        CVM_UNIT_WEEK => TimeUnit::Week,
        CVM_UNIT_MONTH => TimeUnit::Month,
        CVM_UNIT_YEAR => TimeUnit::Year,
        other => {
            return Err(Error::unknown_name(
                field,
                other.to_string(),
                &["CVM_UNIT_DAY", "CVM_UNIT_WEEK", "CVM_UNIT_MONTH", "CVM_UNIT_YEAR"],
            )
            .into())
        }
    })
}

/// A unit code where `CVM_UNIT_PERIOD` means "none" (a model's unit of time, the summary's
/// `time_unit`); an unknown code is `CVM_STATUS_UNKNOWN_NAME` on `field` listing the five.
pub(crate) fn optional_unit(code: u32, field: &str) -> FfiResult<Option<TimeUnit>> {
    if code == CVM_UNIT_PERIOD {
        return Ok(None);
    }
    required_unit(code, field).map(Some).map_err(|_| {
        Error::unknown_name(
            field,
            code.to_string(),
            &[
                "CVM_UNIT_PERIOD",
                "CVM_UNIT_DAY",
                "CVM_UNIT_WEEK",
                "CVM_UNIT_MONTH",
                "CVM_UNIT_YEAR",
            ],
        )
        .into()
    })
}

/// The `CVM_UNIT_*` code of a unit; `CVM_UNIT_PERIOD` for none.
pub(crate) fn unit_code(u: Option<TimeUnit>) -> u32 {
    match u {
        Some(TimeUnit::Day) => CVM_UNIT_DAY,
        Some(TimeUnit::Week) => CVM_UNIT_WEEK,
        Some(TimeUnit::Month) => CVM_UNIT_MONTH,
        Some(TimeUnit::Year) => CVM_UNIT_YEAR,
        _ => CVM_UNIT_PERIOD,
    }
}

/// A `CVM_TIMESTAMP_*` code; an unknown one is `CVM_STATUS_UNKNOWN_NAME` on `timestamp_unit`.
pub(crate) fn timestamp_unit(code: u32) -> FfiResult<TimestampUnit> {
    Ok(match code {
        CVM_TIMESTAMP_SECONDS => TimestampUnit::Second,
        CVM_TIMESTAMP_MILLISECONDS => TimestampUnit::Millisecond,
        CVM_TIMESTAMP_MICROSECONDS => TimestampUnit::Microsecond,
        CVM_TIMESTAMP_NANOSECONDS => TimestampUnit::Nanosecond,
        CVM_TIMESTAMP_DAYS => TimestampUnit::Day,
        other => {
            return Err(Error::unknown_name(
                "timestamp_unit",
                other.to_string(),
                &[
                    "CVM_TIMESTAMP_SECONDS",
                    "CVM_TIMESTAMP_MILLISECONDS",
                    "CVM_TIMESTAMP_MICROSECONDS",
                    "CVM_TIMESTAMP_NANOSECONDS",
                    "CVM_TIMESTAMP_DAYS",
                ],
            )
            .into())
        }
    })
}

fn options(o: &cvm_summary_options) -> FfiResult<SummaryOptions> {
    let timestamp_unit = timestamp_unit(o.timestamp_unit)?;
    // In the order of the fields, so that the first bad option is the one reported.
    let freq = required_unit(o.freq, "freq")?;
    let time_unit = optional_unit(o.time_unit, "time_unit")?;
    let negative_amounts = match o.negative_amounts {
        CVM_NEGATIVE_AMOUNTS_ERROR => NegativeAmounts::Error,
        CVM_NEGATIVE_AMOUNTS_NET => NegativeAmounts::Net,
        other => {
            return Err(Error::unknown_name(
                "negative_amounts",
                other.to_string(),
                &["CVM_NEGATIVE_AMOUNTS_ERROR", "CVM_NEGATIVE_AMOUNTS_NET"],
            )
            .into())
        }
    };
    Ok(SummaryOptions::new(timestamp_unit)
        .with_freq(freq)
        .with_freq_multiplier(o.freq_multiplier)
        .with_time_unit(time_unit)
        .with_observation_end(o.has_observation_end.then_some(o.observation_end))
        .with_calibration_end(o.has_calibration_end.then_some(o.calibration_end))
        .with_include_first_purchase(o.include_first_purchase)
        .with_negative_amounts(negative_amounts))
}

/// A customer summary (opaque). Owned by the caller; free with [`cvm_summary_free`].
/// Immutable: safe to read from several threads.
#[derive(Debug)]
pub struct cvm_summary {
    summary: CustomerSummary,
    /// The customers' text ids, for a summary of text ids.
    text_ids: Option<TextIds>,
}

/// Each customer's text id, in the order of the summary: customer `i`'s bytes at
/// `text[starts[i]..starts[i + 1] - 1]`, each followed by a NUL byte.
#[derive(Debug)]
struct TextIds {
    text: Vec<u8>,
    starts: Vec<usize>,
}

impl TextIds {
    /// The ids of the summary's customers: the text of the first row of each customer's code.
    fn new(summary: &CustomerSummary, first_row: &[usize], offsets: &[usize], text: &[u8]) -> Self {
        let mut ids = TextIds { text: Vec::new(), starts: vec![0] };
        for &code in &summary.customer_id {
            let row = first_row[code as usize]; // the codes of summarize_text: 0..first_row.len()
            ids.text.extend_from_slice(&text[offsets[row]..offsets[row + 1]]);
            ids.text.push(0);
            ids.starts.push(ids.text.len());
        }
        ids
    }
}

/// Builds the customer summary of a transaction log.
///
/// Each array comes with its length; they must agree (`CVM_STATUS_LENGTH_MISMATCH` otherwise).
/// `amounts` may be NULL (no monetary columns); `options` may be NULL (defaults, timestamps in
/// days). Rows need not be sorted. Customers come out sorted by id. See the user guide for the
/// definitions of frequency, recency, T and monetary value.
///
/// Errors: `CVM_STATUS_EMPTY_INPUT` (n = 0), `CVM_STATUS_NULL_POINTER`, `CVM_STATUS_INVALID_VALUE`
/// (missing timestamp or one outside the supported dates, NaN/inf or — by default — negative
/// amount, amounts whose sums overflow, transaction after the observation end — field and row
/// index set —, bad options, every T = 0 from distinct timestamps: field `timestamp_unit`),
/// `CVM_STATUS_UNKNOWN_NAME` (unit and `negative_amounts` codes).
///
/// # Safety
/// Each array must hold its stated number of elements; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_from_transactions(
    customer_ids: *const i64, n_customer_ids: usize, timestamps: *const i64, n_timestamps: usize,
    amounts: *const f64, n_amounts: usize, options: *const cvm_summary_options,
    out: *mut *mut cvm_summary,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let ids = unsafe { slice(customer_ids, n_customer_ids, "customer_id") }?;
        let ts = unsafe { slice(timestamps, n_timestamps, "datetime") }?;
        let amount = unsafe { opt_slice(amounts, n_amounts) };
        let opts = unsafe { options_or_default(options) }?;
        let summary =
            summarize(&TransactionLog { customer_id: ids, timestamp: ts, amount }, &opts)?;
        unsafe { write_out(out, into_handle(cvm_summary { summary, text_ids: None }), "out") }
    })
}

/// The options of a summary call: the defaults for NULL.
///
/// # Safety
/// `options` must be NULL or valid for reads.
unsafe fn options_or_default(options: *const cvm_summary_options) -> FfiResult<SummaryOptions> {
    match unsafe { options.as_ref() } {
        Some(o) => self::options(o),
        None => self::options(&cvm_summary_options_default()),
    }
}

/// Builds the customer summary of a transaction log whose customer ids are text (an ERP's
/// customer numbers such as `"C-000123"`), as [`cvm_summary_from_transactions`] does for integer
/// ids.
///
/// The ids are given as one buffer `text` of `n_text` bytes and `n_offsets` offsets into it
/// (the layout of Arrow string columns): row `i`'s id is the bytes `text[offsets[i]] ..
/// text[offsets[i + 1]]`, so there are `n_offsets - 1` rows and `timestamps` (and `amounts`, when
/// not NULL) must have as many elements. Ids are compared as bytes (UTF-8 text sorts in code
/// point order); they need no NUL terminator and may contain any byte. Customers come out
/// sorted by id: [`cvm_summary_text_id`] gives customer `i`'s id, and
/// [`cvm_summary_customer_ids`] its code (the rank of its id among the log's distinct ids, from
/// 0). The numbers are those of [`cvm_summary_from_transactions`] on the codes.
///
/// Errors: those of [`cvm_summary_from_transactions`], and `CVM_STATUS_INVALID_VALUE` on
/// `offsets` when they decrease or point past the `n_text` bytes (row index set), or for
/// 2³² − 1 rows or more; `CVM_STATUS_EMPTY_INPUT` when there is no row (`n_offsets` < 2);
/// `CVM_STATUS_NULL_POINTER` when `offsets`, `text` (with `n_text` > 0) or `timestamps` is
/// NULL.
///
/// Cost: one hash of each id and a sort of the distinct ids only, then the summary (see "Customer
/// ids: numbers or text" in the user guide); besides the output, 32 bytes a row and 100 to 200
/// bytes a distinct id, and the summary keeps a copy of its customers' ids.
///
/// # Safety
/// Each array must hold its stated number of elements; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_from_text_transactions(
    offsets: *const usize, n_offsets: usize, text: *const c_char, n_text: usize,
    timestamps: *const i64, n_timestamps: usize, amounts: *const f64, n_amounts: usize,
    options: *const cvm_summary_options, out: *mut *mut cvm_summary,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let offsets = unsafe { slice(offsets, n_offsets, "offsets") }?;
        let text = unsafe { slice(text.cast::<u8>(), n_text, "text") }?;
        let timestamp = unsafe { slice(timestamps, n_timestamps, "datetime") }?;
        let amount = unsafe { opt_slice(amounts, n_amounts) };
        let opts = unsafe { options_or_default(options) }?;
        let log = TextTransactionLog { offsets, data: text, timestamp, amount };
        let s = summarize_text(&log, &opts)?;
        let text_ids = Some(TextIds::new(&s.summary, &s.first_row, offsets, text));
        let summary = cvm_summary { summary: s.summary, text_ids };
        unsafe { write_out(out, into_handle(summary), "out") }
    })
}

/// Customer `i`'s text id, for a summary of text ids ([`cvm_summary_from_text_transactions`]):
/// a pointer to its bytes, their number written to `len` (when not NULL). Each id is followed
/// by a NUL byte, so an id without NUL bytes is also a C string. The bytes live as long as
/// the summary. NULL (and `*len = 0`) when `s` is NULL, its ids are integers, or
/// `i >= cvm_summary_len(s)`.
///
/// # Safety
/// `s` must be NULL or a live summary; `len` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_text_id(
    s: *const cvm_summary, i: usize, len: *mut usize,
) -> *const c_char {
    let id = unsafe { s.as_ref() }.and_then(|s| s.text_ids.as_ref()).and_then(|ids| {
        let (&start, &end) = (ids.starts.get(i)?, ids.starts.get(i + 1)?);
        Some((ids.text[start..].as_ptr(), end - start - 1))
    });
    let (ptr, n) = id.unwrap_or((ptr::null(), 0));
    if let Some(len) = unsafe { len.as_mut() } {
        *len = n;
    }
    ptr.cast()
}

/// Unit of recency, T and the holdout duration: a `CVM_UNIT_*` code, or `CVM_UNIT_PERIOD` when
/// the ages count periods of `freq × freq_multiplier` with `freq_multiplier > 1` (and for NULL).
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_time_unit(s: *const cvm_summary) -> u32 {
    unit_code(unsafe { s.as_ref() }.and_then(|s| s.summary.time_unit))
}

/// Number of customers (0 for NULL).
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_len(s: *const cvm_summary) -> usize {
    unsafe { s.as_ref() }.map_or(0, |s| s.summary.len())
}

/// Customer ids, ascending; for a summary of text ids, their codes (see
/// [`cvm_summary_from_text_transactions`]; [`cvm_summary_text_id`] gives the ids).
///
/// The array has [`cvm_summary_len`] elements and lives as long as the summary; NULL when `s` is
/// NULL or the column is absent.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_customer_ids(s: *const cvm_summary) -> *const i64 {
    unsafe { s.as_ref() }.map_or(ptr::null(), |s| s.summary.customer_id.as_ptr())
}

/// Repeat purchase periods (calibration period when split).
///
/// The array has [`cvm_summary_len`] elements and lives as long as the summary; NULL when `s` is
/// NULL or the column is absent.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_frequency(s: *const cvm_summary) -> *const f64 {
    unsafe { s.as_ref() }.map_or(ptr::null(), |s| s.summary.frequency.as_ptr())
}

/// Age at the last purchase period.
///
/// The array has [`cvm_summary_len`] elements and lives as long as the summary; NULL when `s` is
/// NULL or the column is absent.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_recency(s: *const cvm_summary) -> *const f64 {
    unsafe { s.as_ref() }.map_or(ptr::null(), |s| s.summary.recency.as_ptr())
}

/// Age at the end of observation (calibration).
///
/// The array has [`cvm_summary_len`] elements and lives as long as the summary; NULL when `s` is
/// NULL or the column is absent.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_T(s: *const cvm_summary) -> *const f64 {
    unsafe { s.as_ref() }.map_or(ptr::null(), |s| s.summary.t.as_ptr())
}

/// Mean amount of the repeat purchase periods (needs amounts).
///
/// The array has [`cvm_summary_len`] elements and lives as long as the summary; NULL when `s` is
/// NULL or the column is absent.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_monetary_value(s: *const cvm_summary) -> *const f64 {
    unsafe { s.as_ref() }.map_or(ptr::null(), |s| {
        s.summary.monetary_value.as_ref().map_or(ptr::null(), |v| v.as_ptr())
    })
}

/// Purchase periods in the holdout period (needs a calibration end).
///
/// The array has [`cvm_summary_len`] elements and lives as long as the summary; NULL when `s` is
/// NULL or the column is absent.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_frequency_holdout(s: *const cvm_summary) -> *const f64 {
    unsafe { s.as_ref() }.map_or(ptr::null(), |s| {
        s.summary.holdout.as_ref().map_or(ptr::null(), |h| h.frequency.as_ptr())
    })
}

/// Mean amount of the holdout purchase periods (needs amounts and a calibration end).
///
/// The array has [`cvm_summary_len`] elements and lives as long as the summary; NULL when `s` is
/// NULL or the column is absent.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_monetary_value_holdout(s: *const cvm_summary) -> *const f64 {
    unsafe { s.as_ref() }.map_or(ptr::null(), |s| {
        s.summary
            .holdout
            .as_ref()
            .and_then(|h| h.monetary_value.as_ref())
            .map_or(ptr::null(), |v| v.as_ptr())
    })
}

/// Length of the holdout period in the summary's time unit; NaN without a calibration split.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_duration_holdout(s: *const cvm_summary) -> f64 {
    unsafe { s.as_ref() }.and_then(|s| s.summary.holdout.as_ref()).map_or(f64::NAN, |h| h.duration)
}

/// Customers left out because their first purchase is after the calibration end.
///
/// # Safety
/// `s` must be NULL or a live summary.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_excluded_customers(s: *const cvm_summary) -> usize {
    unsafe { s.as_ref() }.map_or(0, |s| s.summary.excluded_customers)
}

/// Frees a summary; NULL is a no-op.
///
/// # Safety
/// `s` must be NULL or a summary not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_summary_free(s: *mut cvm_summary) {
    unsafe { free_handle(s) }
}

/// Unique `(frequency, recency, T)` rows with weights (opaque). Free with [`cvm_compressed_free`].
/// Immutable: safe to read from several threads.
#[derive(Debug)]
pub struct cvm_compressed(Compressed);

/// Collapses identical `(frequency, recency, T)` rows (one element per customer in each array).
///
/// # Safety
/// Each array must hold its stated number of elements; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_compress(
    frequency: *const f64, n_frequency: usize, recency: *const f64, n_recency: usize,
    t: *const f64, n_t: usize, out: *mut *mut cvm_compressed,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let f = unsafe { slice(frequency, n_frequency, "frequency") }?;
        let r = unsafe { slice(recency, n_recency, "recency") }?;
        let t = unsafe { slice(t, n_t, "T") }?;
        let c = compress(f, r, t)?;
        unsafe { write_out(out, into_handle(cvm_compressed(c)), "out") }
    })
}

/// Number of unique rows (0 for NULL).
///
/// # Safety
/// `c` must be NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_compressed_len(c: *const cvm_compressed) -> usize {
    unsafe { c.as_ref() }.map_or(0, |c| c.0.len())
}

/// Copies the unique rows into caller arrays of [`cvm_compressed_len`] elements each
/// (any output may be NULL to skip it). `inverse` (NULL to skip) receives, for each of the
/// original `n_original` rows, the index of its unique row.
///
/// # Safety
/// Non-NULL outputs must have room for their elements.
#[no_mangle]
pub unsafe extern "C" fn cvm_compressed_copy(
    c: *const cvm_compressed, frequency: *mut f64, recency: *mut f64, t: *mut f64,
    weight: *mut u64, inverse: *mut u32, n_original: usize,
) -> cvm_status {
    ffi_guard!({
        let c = &unsafe { handle(c, "compressed") }?.0;
        if !inverse.is_null() && n_original != c.inverse.len() {
            return Err(Error::LengthMismatch {
                field: "inverse".into(),
                expected: c.inverse.len(),
                got: n_original,
            }
            .into());
        }
        unsafe {
            copy_to(&c.frequency, frequency);
            copy_to(&c.recency, recency);
            copy_to(&c.t, t);
            copy_to(&c.weight, weight);
            copy_to(&c.inverse, inverse);
        }
        Ok(())
    })
}

/// Frees a compressed summary; NULL is a no-op.
///
/// # Safety
/// `c` must be NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_compressed_free(c: *mut cvm_compressed) {
    unsafe { free_handle(c) }
}

/// RFM scores and segments (opaque). Free with [`cvm_rfm_free`]. Immutable: thread-safe reads.
#[derive(Debug)]
pub struct cvm_rfm {
    result: RfmResult,
    names: Vec<std::ffi::CString>,
}

/// RFM quintile scores and segments (one element per customer in each array).
///
/// `monetary_value` may be NULL (segments then use the frequency score alone). `table_json` may
/// be NULL for the default segment table, or a JSON document
/// `{"rules": [{"name": "...", "recency": [lo, hi], "frequency_monetary": [lo, hi]}, ...]}`.
///
/// # Safety
/// Arrays must hold their stated number of elements; `table_json` NULL or NUL-terminated; `out`
/// valid for writes.
#[no_mangle]
pub unsafe extern "C" fn cvm_rfm_segments(
    frequency: *const f64, n_frequency: usize, recency: *const f64, n_recency: usize,
    t: *const f64, n_t: usize, monetary_value: *const f64, n_monetary_value: usize,
    table_json: *const c_char, out: *mut *mut cvm_rfm,
) -> cvm_status {
    ffi_guard!({
        need_out(out, "out")?;
        let f = unsafe { slice(frequency, n_frequency, "frequency") }?;
        let r = unsafe { slice(recency, n_recency, "recency") }?;
        let t = unsafe { slice(t, n_t, "T") }?;
        let m = unsafe { opt_slice(monetary_value, n_monetary_value) };
        let table = if table_json.is_null() {
            SegmentTable::default()
        } else {
            let text = unsafe { str_arg(table_json, "table_json") }?;
            serde_json::from_str::<SegmentTable>(text)
                .map_err(|e| FfiError::Core(Error::json_source("table_json", e)))?
        };
        let result = rfm_segments(f, r, t, m, &table)?;
        let names = result.names.iter().map(|s| crate::cstring(s)).collect();
        unsafe { write_out(out, into_handle(cvm_rfm { result, names }), "out") }
    })
}

/// Copies the scores (1–5) and segment indices into caller arrays of `n` elements (any may be
/// NULL to skip; `monetary_score` is left untouched without monetary values).
///
/// # Safety
/// `rfm` live; non-NULL outputs have room for `n` elements.
#[no_mangle]
pub unsafe extern "C" fn cvm_rfm_copy(
    rfm: *const cvm_rfm, recency_score: *mut u8, frequency_score: *mut u8, monetary_score: *mut u8,
    segment: *mut u16, n: usize,
) -> cvm_status {
    ffi_guard!({
        let r = &unsafe { handle(rfm, "rfm") }?.result;
        if n != r.segment.len() {
            return Err(Error::LengthMismatch {
                field: "n".into(),
                expected: r.segment.len(),
                got: n,
            }
            .into());
        }
        unsafe {
            copy_to(&r.recency_score, recency_score);
            copy_to(&r.frequency_score, frequency_score);
            if let Some(m) = &r.monetary_score {
                copy_to(m, monetary_score);
            }
            copy_to(&r.segment, segment);
        }
        Ok(())
    })
}

/// Number of segment names (0 for NULL).
///
/// # Safety
/// `rfm` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_rfm_segment_count(rfm: *const cvm_rfm) -> usize {
    unsafe { rfm.as_ref() }.map_or(0, |r| r.names.len())
}

/// Name of segment `k` (NULL when out of range); valid as long as `rfm`.
///
/// # Safety
/// `rfm` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn cvm_rfm_segment_name(rfm: *const cvm_rfm, k: usize) -> *const c_char {
    unsafe { rfm.as_ref() }.and_then(|r| r.names.get(k)).map_or(ptr::null(), |s| s.as_ptr())
}

/// Frees an RFM result; NULL is a no-op.
///
/// # Safety
/// NULL or not yet freed.
#[no_mangle]
pub unsafe extern "C" fn cvm_rfm_free(rfm: *mut cvm_rfm) {
    unsafe { free_handle(rfm) }
}
