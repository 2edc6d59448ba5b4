//! The per-customer scan of [`summarize`](super::summarize): the rows sorted by (customer,
//! period), then each customer's periods walked once, in parallel over ranges of customers.

use super::{dense, sort, CustomerSummary, Ruler, TransactionLog};
use crate::parallel::min_max;

/// What the per-customer scan needs to know besides the rows.
pub(super) struct Frame {
    pub(super) ruler: Ruler,
    /// The last period of the calibration (or observation) window.
    pub(super) end: i64,
    pub(super) include_first: bool,
    pub(super) with_amount: bool,
    pub(super) holdout: bool,
}

/// The summary rows of one range of customers (ascending ids), or the first of them whose
/// amounts overflow.
#[derive(Default)]
pub(super) struct Part {
    customer_id: Vec<i64>,
    frequency: Vec<f64>,
    recency: Vec<f64>,
    t: Vec<f64>,
    monetary_value: Vec<f64>,
    hold_frequency: Vec<f64>,
    hold_monetary_value: Vec<f64>,
    excluded: usize,
    pub(super) overflow: Option<i64>,
}

impl Part {
    /// The parts' customers, part after part, in `out` (whose columns are empty). On the pool
    /// (from 65,536 customers, more than one thread) each column is allocated once, zeroed
    /// lazily, and every part copies its range in its own task (faulting in its own pages);
    /// otherwise the first part's columns grow to the total once and the others are appended.
    pub(super) fn concat_into(mut parts: Vec<Part>, out: &mut CustomerSummary) {
        out.excluded_customers = parts.iter().map(|p| p.excluded).sum();
        let customers = parts.iter().map(|p| p.customer_id.len()).sum();
        let pooled = sort::parts(customers) > 1;
        let parts = &mut parts[..];
        out.customer_id = column(parts, |p| &mut p.customer_id, 0, pooled);
        out.frequency = column(parts, |p| &mut p.frequency, 0.0, pooled);
        out.recency = column(parts, |p| &mut p.recency, 0.0, pooled);
        out.t = column(parts, |p| &mut p.t, 0.0, pooled);
        if let Some(m) = out.monetary_value.as_mut() {
            *m = column(parts, |p| &mut p.monetary_value, 0.0, pooled);
        }
        if let Some(h) = out.holdout.as_mut() {
            h.frequency = column(parts, |p| &mut p.hold_frequency, 0.0, pooled);
            if let Some(m) = h.monetary_value.as_mut() {
                *m = column(parts, |p| &mut p.hold_monetary_value, 0.0, pooled);
            }
        }
    }
}

/// One column of every part, part after part (see [`Part::concat_into`]); the parts' columns are
/// taken or copied.
fn column<T: Copy + Send + Sync>(
    parts: &mut [Part], pick: impl Fn(&mut Part) -> &mut Vec<T>, zero: T, pooled: bool,
) -> Vec<T> {
    let total = parts.iter_mut().map(|p| pick(p).len()).sum();
    if !pooled {
        let mut out: Vec<T> = Vec::new();
        for p in parts.iter_mut() {
            let own = std::mem::take(pick(p));
            if out.is_empty() {
                out = own;
                out.reserve_exact(total - out.len());
            } else {
                out.extend_from_slice(&own);
            }
        }
        return out;
    }
    let mut out = vec![zero; total];
    let mut rest = &mut out[..];
    let mut pairs = Vec::with_capacity(parts.len());
    for p in parts.iter_mut() {
        let own = &pick(p)[..];
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(own.len());
        pairs.push((head, own));
        rest = tail;
    }
    sort::map_parts(pairs, |(to, from)| to.copy_from_slice(from));
    out
}

/// Sorts the rows by (customer id, period) and scans each customer's rows, in [`sort::parts`]
/// ranges of customers.
///
/// The sort is one radix sort on a packed key when the id and period ranges fit in 64 bits (the
/// common case), a comparison sort otherwise. A log without amounts sorts bare 8-byte keys.
/// (Sorting keys that carry the row number and reading the amounts through it afterwards would
/// halve the sort's memory, but the random reads cost more time than the sort saves.)
pub(super) fn by_customer(
    log: &TransactionLog<'_>, (p_lo, p_hi): (i64, i64),
    period_of: impl Fn(i64) -> i64 + Sync + Send, frame: &Frame,
) -> Vec<Part> {
    let (ids, ts) = (log.customer_id, log.timestamp);
    let n = ids.len();
    let (id_lo, id_hi) = min_max(ids);
    let bits = |span: u128| 128 - span.leading_zeros();
    let id_bits = bits((id_hi as i128 - id_lo as i128) as u128);
    let p_bits = bits((p_hi as i128 - p_lo as i128) as u128);
    let key_bits = id_bits + p_bits;
    let span = (id_hi as i128 - id_lo as i128 + 1) as u128;
    if n < dense::DENSE_BELOW && span <= n as u128 {
        return dense::by_dense_customer(log, id_lo, span as usize, period_of, frame);
    }
    if key_bits > 64 {
        let amount = |i: usize| log.amount.map_or(0.0, |a| a[i]);
        let mut rows: Vec<(i64, i64, f64)> =
            sort::build(n, |i| (ids[i], period_of(ts[i]), amount(i)));
        rows.sort_by_key(|r| (r.0, r.1));
        return scan_ranges(n, |i| rows[i], frame);
    }
    // Packed key: (id - id_lo) in the high bits, (period - p_lo) in the low p_bits bits.
    let key =
        |i: usize| (ids[i].wrapping_sub(id_lo) as u64) << p_bits | (period_of(ts[i]) - p_lo) as u64;
    let mask = if p_bits == 0 { 0 } else { u64::MAX >> (64 - p_bits) };
    let unpack = move |k: u64| (id_lo.wrapping_add((k >> p_bits) as i64), p_lo + (k & mask) as i64);
    // The top radix digit is a function of the id alone when the id has at least DIGIT bits:
    // the digits are then counted from the ids (no timestamp read, no period computed).
    let whole = id_bits >= sort::DIGIT;
    let id_shift = id_bits.saturating_sub(sort::DIGIT);
    let id_digit = |i: usize| (ids[i].wrapping_sub(id_lo) as u64 >> id_shift) as usize;
    match log.amount {
        None => grouped(
            n,
            key_bits,
            (whole, id_digit),
            |i| (key(i), ()),
            |(k, ())| {
                let (id, p) = unpack(k);
                (id, p, 0.0)
            },
            frame,
        ),
        Some(a) => grouped(
            n,
            key_bits,
            (whole, id_digit),
            |i| (key(i), a[i]),
            |(k, x)| {
                let (id, p) = unpack(k);
                (id, p, x)
            },
            frame,
        ),
    }
}

/// Sorts the rows by their packed keys in [`sort::groups`] of customers, one group after the
/// other, and scans each group's customers (`read` unpacks a sorted row). When the top digit is
/// a function of the customer alone (`whole_customers`), `id_digit(i)` is row `i`'s.
fn grouped<A: sort::Payload>(
    n: usize, key_bits: u32,
    (whole_customers, id_digit): (bool, impl Fn(usize) -> usize + Sync + Send),
    row: impl Fn(usize) -> (u64, A) + Sync + Send,
    read: impl Fn((u64, A)) -> (i64, i64, f64) + Sync + Send, frame: &Frame,
) -> Vec<Part> {
    let counts = if whole_customers {
        sort::digit_counts(n, id_digit)
    } else {
        sort::digit_counts(n, sort::key_digit(key_bits, &row))
    };
    let mut parts = Vec::new();
    for digits in sort::groups(&counts, n, whole_customers) {
        let sorted = sort::sorted_group(n, key_bits, &counts, digits, &row);
        parts.extend(scan_ranges(sorted.len(), |i| read(sorted[i]), frame));
    }
    parts
}

/// Scans the sorted rows, customer by customer, in ranges that never cut a customer.
fn scan_ranges(
    n: usize, row: impl Fn(usize) -> (i64, i64, f64) + Sync + Send, frame: &Frame,
) -> Vec<Part> {
    let ranges = sort::customer_ranges(n, |i| row(i).0 == row(i - 1).0);
    sort::map_parts(ranges, |range| {
        let mut part = Part::default();
        let mut i = range.start;
        while i < range.end {
            let id = row(i).0;
            let mut j = i + 1;
            while j < range.end && row(j).0 == id {
                j += 1;
            }
            if !part.add(id, i..j, &row, frame) {
                break;
            }
            i = j;
        }
        part
    })
}

impl Part {
    /// Adds customer `id`, whose rows `range` of `row` are sorted by period: excluded when its
    /// first period is after the window; false (and `overflow` set) when its amounts overflow.
    pub(super) fn add(
        &mut self, id: i64, range: std::ops::Range<usize>, row: impl Fn(usize) -> (i64, i64, f64),
        frame: &Frame,
    ) -> bool {
        let first = row(range.start).1;
        if first > frame.end {
            self.excluded += 1;
            return true;
        }
        let acc = scan_periods(range, &row, frame.end, frame.include_first);
        if frame.with_amount && !acc.finite {
            self.overflow = Some(id);
            return false;
        }
        self.customer_id.push(id);
        self.frequency.push(acc.cal_periods as f64 - 1.0);
        self.recency.push(frame.ruler.age(first, acc.last));
        self.t.push(frame.ruler.age(first, frame.end));
        if frame.with_amount {
            self.monetary_value.push(acc.cal_mean);
        }
        if frame.holdout {
            self.hold_frequency.push(acc.hold_periods as f64);
            if frame.with_amount {
                self.hold_monetary_value.push(acc.hold_mean);
            }
        }
        true
    }
}

struct Scan {
    /// Every period amount and every sum is finite (false: an overflow).
    finite: bool,
    cal_periods: usize,
    last: i64,
    cal_mean: f64,
    hold_periods: usize,
    hold_mean: f64,
}

/// Walks one customer's rows `range` (sorted by period), merging rows of the same period.
fn scan_periods(
    range: std::ops::Range<usize>, row: impl Fn(usize) -> (i64, i64, f64), end: i64,
    include_first: bool,
) -> Scan {
    let mut s = Scan {
        finite: true,
        cal_periods: 0,
        last: row(range.start).1,
        cal_mean: 0.0,
        hold_periods: 0,
        hold_mean: 0.0,
    };
    let (mut cal_sum, mut cal_n, mut hold_sum) = (0.0, 0usize, 0.0);
    let mut i = range.start;
    while i < range.end {
        let p = row(i).1;
        let mut amount = 0.0;
        while i < range.end && row(i).1 == p {
            amount += row(i).2;
            i += 1;
        }
        s.finite &= amount.is_finite();
        if p <= end {
            s.cal_periods += 1;
            s.last = p;
            if s.cal_periods > 1 || include_first {
                cal_sum += amount;
                cal_n += 1;
            }
        } else {
            s.hold_periods += 1;
            hold_sum += amount;
        }
    }
    s.finite &= cal_sum.is_finite() && hold_sum.is_finite();
    if cal_n > 0 {
        s.cal_mean = cal_sum / cal_n as f64;
    }
    if s.hold_periods > 0 {
        s.hold_mean = hold_sum / s.hold_periods as f64;
    }
    s
}
