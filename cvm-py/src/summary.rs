//! Customer summary, compression and RFM bindings.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::conversion::{array, name, opt_slice, slice, time_unit};
use crate::errors::{call, detach, IntoPyResult};

/// Customer ids as the native `summarize` takes them: int64, or text (a contiguous object array
/// of `str`, or the offsets and bytes of an Arrow string column).
#[derive(FromPyObject)]
pub enum CustomerIds<'py> {
    /// Integer ids.
    Int(PyReadonlyArray1<'py, i64>),
    /// Text ids, each exactly a `str` (another object ends the read: see [`summarize`]).
    Text(PyReadonlyArray1<'py, Py<PyAny>>),
    /// Text ids laid out as an Arrow string column: `(offsets, data)`, row `i`'s id the UTF-8
    /// bytes `data[offsets[i]..offsets[i + 1]]` (int64 offsets, one more than the rows).
    Utf8(PyReadonlyArray1<'py, i64>, PyReadonlyArray1<'py, u8>),
}

/// Customer summary of a transaction log (timestamps and both ends as int64 in `timestamp_unit`:
/// "s", "ms", "us", "ns" or "D"). See `cvm.summary_from_transactions`. Returns `(summary,
/// labels, None)`: `summary` a dict of numpy arrays and scalars, and `labels` `None` for int64
/// ids; for text ids (`cvm_core::summary::summarize_text`) the summary's `customer_id` are the
/// codes of the ids (ascending with them) and `labels` the distinct ids in the order of their
/// codes (each the object of its first row). `(None, None, row)` when the text id at `row` is
/// not exactly a `str` or has no UTF-8 form (a lone surrogate): the caller then reports a
/// missing id or takes its general path. Text is read under the GIL into one buffer; the
/// summary runs without it. For ids as Arrow offsets and bytes the second item is each code's
/// first row (int64; the caller takes the labels from its column), and the summary reads the
/// bytes where they are, without the GIL.
#[pyfunction]
#[pyo3(signature = (customer_id, timestamp, amount=None, *, timestamp_unit, freq="D",
    freq_multiplier=1, time_unit=None, observation_end=None, calibration_end=None,
    include_first_purchase=false, negative_amounts="error"))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
pub fn summarize<'py>(
    py: Python<'py>, customer_id: CustomerIds<'py>, timestamp: PyReadonlyArray1<'py, i64>,
    amount: Option<PyReadonlyArray1<'py, f64>>, timestamp_unit: &str, freq: &str,
    freq_multiplier: i64, time_unit: Option<&str>, observation_end: Option<i64>,
    calibration_end: Option<i64>, include_first_purchase: bool, negative_amounts: &str,
) -> PyResult<(Option<Bound<'py, PyDict>>, Option<Bound<'py, PyAny>>, Option<usize>)> {
    call(|| {
        let ts = slice(&timestamp, "datetime")?;
        let amount = opt_slice(&amount, "monetary_value")?;
        let opts = options(
            timestamp_unit,
            freq,
            freq_multiplier,
            time_unit,
            (observation_end, calibration_end),
            include_first_purchase,
            negative_amounts,
        )?;
        let objects = match &customer_id {
            CustomerIds::Int(ids) => {
                let ids = slice(ids, "customer_id")?;
                let log = cvm_core::TransactionLog { customer_id: ids, timestamp: ts, amount };
                let s = detach(py, || cvm_core::summarize(&log, &opts))?;
                return Ok((Some(summary_dict(py, s)?), None, None));
            }
            CustomerIds::Text(objects) => slice(objects, "customer_id")?,
            CustomerIds::Utf8(offsets, data) => {
                let (offsets, data) = (slice(offsets, "customer_id")?, slice(data, "customer_id")?);
                let s = detach(py, || {
                    summarize_text(&byte_offsets(offsets)?, data, ts, amount, &opts)
                })?;
                let first_row = s.first_row.iter().map(|&row| row as i64).collect();
                let first_row = array::<i64>(py, first_row).into_any();
                return Ok((Some(summary_dict(py, s.summary)?), Some(first_row), None));
            }
        };
        let (offsets, data) = match read_text(py, objects) {
            Ok(text) => text,
            Err(row) => return Ok((None, None, Some(row))),
        };
        let s = detach(py, || summarize_text(&offsets, &data, ts, amount, &opts))?;
        let labels = labels(py, objects, &s.first_row);
        Ok((Some(summary_dict(py, s.summary)?), Some(labels), None))
    })
}

/// The summary of text ids as offsets into their bytes (`cvm_core::summary::summarize_text`).
fn summarize_text(
    offsets: &[usize], data: &[u8], timestamp: &[i64], amount: Option<&[f64]>,
    opts: &cvm_core::summary::SummaryOptions,
) -> cvm_core::Result<cvm_core::summary::TextSummary> {
    let log = cvm_core::summary::TextTransactionLog { offsets, data, timestamp, amount };
    cvm_core::summary::summarize_text(&log, opts)
}

/// The options of a summary from the arguments of [`summarize`] (both ends as a pair).
fn options(
    timestamp_unit: &str, freq: &str, freq_multiplier: i64, time_unit: Option<&str>,
    (observation_end, calibration_end): (Option<i64>, Option<i64>), include_first_purchase: bool,
    negative_amounts: &str,
) -> PyResult<cvm_core::SummaryOptions> {
    let multiplier = u32::try_from(freq_multiplier).ok().filter(|&m| m >= 1).ok_or_else(|| {
        crate::errors::to_py(cvm_core::Error::invalid(
            "freq_multiplier",
            format!("must be an integer >= 1 (got {freq_multiplier})"),
        ))
    })?;
    Ok(cvm_core::SummaryOptions::new(name::<cvm_core::TimestampUnit>(
        timestamp_unit,
        "timestamp_unit",
    )?)
    .with_freq(self::time_unit(freq, "freq")?)
    .with_freq_multiplier(multiplier)
    .with_time_unit(time_unit.map(|u| self::time_unit(u, "time_unit")).transpose()?)
    .with_observation_end(observation_end)
    .with_calibration_end(calibration_end)
    .with_include_first_purchase(include_first_purchase)
    .with_negative_amounts(name::<cvm_core::NegativeAmounts>(
        negative_amounts,
        "negative_amounts",
    )?))
}

/// The dict of a summary's columns (numpy arrays, moved, not copied) and scalars.
fn summary_dict(py: Python<'_>, s: cvm_core::CustomerSummary) -> PyResult<Bound<'_, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("customer_id", array(py, s.customer_id))?;
    d.set_item("frequency", array(py, s.frequency))?;
    d.set_item("recency", array(py, s.recency))?;
    d.set_item("T", array(py, s.t))?;
    d.set_item("time_unit", s.time_unit.map(cvm_core::TimeUnit::as_str))?;
    if let Some(m) = s.monetary_value {
        d.set_item("monetary_value", array(py, m))?;
    }
    if let Some(h) = s.holdout {
        d.set_item("frequency_holdout", array(py, h.frequency))?;
        if let Some(m) = h.monetary_value {
            d.set_item("monetary_value_holdout", array(py, m))?;
        }
        d.set_item("duration_holdout", h.duration)?;
    }
    d.set_item("excluded_customers", s.excluded_customers)?;
    Ok(d)
}

/// The text of every object (each exactly a `str`) as one buffer and its offsets (see
/// `cvm_core::summary::TextTransactionLog`), or the first row whose object is not a `str` or
/// has no UTF-8 form.
fn read_text(py: Python<'_>, objects: &[Py<PyAny>]) -> Result<(Vec<usize>, Vec<u8>), usize> {
    let mut offsets = Vec::with_capacity(objects.len() + 1);
    let mut data = Vec::with_capacity(8 * objects.len());
    offsets.push(0);
    for (row, obj) in objects.iter().enumerate() {
        let obj = obj.bind(py);
        if !obj.is_exact_instance_of::<PyString>() || !push_utf8(obj, &mut data) {
            return Err(row);
        }
        offsets.push(data.len());
    }
    Ok((offsets, data))
}

/// Arrow's int64 offsets as the core's (each ≥ 0, the first negative one named; the core checks
/// that they ascend within the bytes), converted on the thread pool.
fn byte_offsets(offsets: &[i64]) -> cvm_core::Result<Vec<usize>> {
    use rayon::prelude::*;
    if let Some(i) = offsets.par_iter().with_min_len(1 << 15).position_first(|&o| o < 0) {
        let o = offsets[i];
        return Err(cvm_core::Error::invalid_at("customer_id", i, format!("negative offset {o}")));
    }
    Ok(offsets.par_iter().with_min_len(1 << 15).map(|&o| o as usize).collect())
}

/// The labels of the codes: each distinct id's object, from its first row (`first_row`, one a
/// code), as a numpy object array. The rows lie anywhere in the column and their objects
/// anywhere in memory: each is asked for a few ahead.
fn labels<'py>(py: Python<'py>, objects: &[Py<PyAny>], first_row: &[usize]) -> Bound<'py, PyAny> {
    let mut labels = Vec::with_capacity(first_row.len());
    for (code, &row) in first_row.iter().enumerate() {
        if let Some(&ahead) = first_row.get(code + PREFETCH_AHEAD) {
            prefetch(objects[ahead].as_ptr());
        }
        labels.push(objects[row].clone_ref(py));
    }
    numpy::PyArray1::from_vec(py, labels).into_any()
}

/// How many labels ahead [`labels`] asks for the object of the next one (a hint to the
/// processor): the objects are read in the order of the ids, not of the rows.
const PREFETCH_AHEAD: usize = 16;

/// Asks the processor to bring the memory at `p` into the cache (a hint: no read, no fault).
#[inline]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults, whatever the address; it reads nothing.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Appends the UTF-8 bytes of a `str` to `data`; false (and no error left set) when it has no
/// UTF-8 form.
///
/// `PyUnicode_AsUTF8AndSize` is exported by every CPython from 3.3 on (it entered the stable
/// ABI only in 3.10, so pyo3 does not declare it for an `abi3-py39` build): for an ASCII string
/// it returns the string's own bytes without copying. On Windows an abi3 module links against
/// `python3.dll`, which exports the stable ABI only, so there the bytes come through
/// `PyUnicode_AsUTF8String` (a bytes object per string).
#[cfg(not(windows))]
fn push_utf8(s: &Bound<'_, PyAny>, data: &mut Vec<u8>) -> bool {
    extern "C" {
        fn PyUnicode_AsUTF8AndSize(
            unicode: *mut pyo3::ffi::PyObject, size: *mut pyo3::ffi::Py_ssize_t,
        ) -> *const std::os::raw::c_char;
    }
    let mut len: pyo3::ffi::Py_ssize_t = 0;
    // SAFETY: `s` is a live `str` and the GIL is held (`Bound`); on success the pointer is the
    // string's UTF-8 buffer of `len` bytes, owned by the string, read before the string can go.
    let ptr = unsafe { PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut len) };
    if ptr.is_null() {
        drop(PyErr::take(s.py()));
        return false;
    }
    let Ok(len) = usize::try_from(len) else { return false };
    // SAFETY: see above: `ptr` is valid for `len` bytes.
    data.extend_from_slice(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) });
    true
}

#[cfg(windows)]
fn push_utf8(s: &Bound<'_, PyAny>, data: &mut Vec<u8>) -> bool {
    match s.cast::<PyString>().map(|s| s.to_cow()) {
        Ok(Ok(text)) => {
            data.extend_from_slice(text.as_bytes());
            true
        }
        _ => false,
    }
}

/// Unique (frequency, recency, T) rows: returns (frequency, recency, T, weight, inverse).
#[pyfunction]
#[allow(clippy::type_complexity)]
pub fn compress<'py>(
    py: Python<'py>, frequency: PyReadonlyArray1<'py, f64>, recency: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let (f, r, tt) =
            (slice(&frequency, "frequency")?, slice(&recency, "recency")?, slice(&t, "T")?);
        let c = detach(py, || cvm_core::compress(f, r, tt))?;
        let d = PyDict::new(py);
        d.set_item("frequency", array(py, c.frequency))?;
        d.set_item("recency", array(py, c.recency))?;
        d.set_item("T", array(py, c.t))?;
        d.set_item("weight", array(py, c.weight))?;
        d.set_item("inverse", array(py, c.inverse))?;
        Ok(d)
    })
}

/// RFM scores and segments. `table_json` is `None` (default table) or the table as JSON.
#[pyfunction]
#[pyo3(signature = (frequency, recency, t, monetary_value=None, table_json=None))]
pub fn rfm_segments<'py>(
    py: Python<'py>, frequency: PyReadonlyArray1<'py, f64>, recency: PyReadonlyArray1<'py, f64>,
    t: PyReadonlyArray1<'py, f64>, monetary_value: Option<PyReadonlyArray1<'py, f64>>,
    table_json: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    call(|| {
        let (f, r, tt) =
            (slice(&frequency, "frequency")?, slice(&recency, "recency")?, slice(&t, "T")?);
        let m = opt_slice(&monetary_value, "monetary_value")?;
        let table = match table_json {
            None => cvm_core::SegmentTable::default(),
            Some(text) => serde_json::from_str(text)
                .map_err(|e| cvm_core::Error::json_source("table", e))
                .py()?,
        };
        let res = detach(py, || cvm_core::rfm_segments(f, r, tt, m, &table))?;
        let d = PyDict::new(py);
        d.set_item("r_score", array(py, res.recency_score))?;
        d.set_item("f_score", array(py, res.frequency_score))?;
        if let Some(ms) = res.monetary_score {
            d.set_item("m_score", array(py, ms))?;
        }
        d.set_item("fm_score", array(py, res.frequency_monetary_score))?;
        d.set_item("segment", array(py, res.segment))?;
        d.set_item("names", res.names)?;
        Ok(d)
    })
}

/// The default RFM segment table as JSON.
#[pyfunction]
pub fn default_segment_table_json() -> PyResult<String> {
    call(|| {
        serde_json::to_string(&cvm_core::SegmentTable::default())
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
    })
}
