//! The per-customer scan of [`summarize`](super::summarize) for logs of fewer than
//! [`DENSE_BELOW`] rows whose ids span no more values than there are rows (codes of text ids,
//! account numbers from 1): a counting sort by customer instead of a sort on (customer, period).

use super::scan::{Frame, Part};
use super::{sort, TransactionLog};

/// The fewest rows that always take the sort on (customer, period) (the counts of a customer a
/// thread, 4 bytes each, stop fitting in the cache).
pub(super) const DENSE_BELOW: usize = 1 << 20;

/// The customers' summaries of a log whose ids are `id_lo .. id_lo + span` (`span` at most the
/// rows, which are fewer than 2^32).
///
/// Each part of the input (one a thread, in order) counts its rows by customer and writes their
/// (period, amount) pairs, customer after customer, in input order, into its own region of one
/// array (the regions of two threads share no cache line but at their ends). The customers are
/// then cut into ranges of about equal rows, one a thread: each customer's pairs are gathered
/// from the regions in order (so in input order), sorted by period stably (so a period's
/// amounts are summed in input order, as the sort on (customer, period) sums them) and scanned.
/// The summary is the same, bit for bit, as that of the sort. Work O(rows + span); memory 16
/// bytes a row and 8 bytes a customer a thread.
pub(super) fn by_dense_customer(
    log: &TransactionLog<'_>, id_lo: i64, span: usize,
    period_of: impl Fn(i64) -> i64 + Sync + Send, frame: &Frame,
) -> Vec<Part> {
    let (ids, ts) = (log.customer_id, log.timestamp);
    let n = ids.len();
    let slot = |i: usize| ids[i].wrapping_sub(id_lo) as usize;
    let amount = |i: usize| log.amount.map_or(0.0, |a| a[i]);
    let inputs = sort::ranges(n);
    let mut rows = vec![(0i64, 0.0f64); n];
    let mut regions = Vec::with_capacity(inputs.len());
    let mut rest = &mut rows[..];
    for r in &inputs {
        let (head, tail) = std::mem::take(&mut rest).split_at_mut(r.len());
        regions.push(head);
        rest = tail;
    }
    // starts[p][c]..starts[p][c + 1]: customer c's pairs in part p's region (n < 2^32 rows).
    let starts: Vec<Vec<u32>> =
        sort::map_parts(inputs.iter().cloned().zip(regions).collect(), |(r, region)| {
            let mut start = vec![0u32; span + 1];
            for i in r.clone() {
                start[slot(i) + 1] += 1;
            }
            for c in 0..span {
                start[c + 1] += start[c];
            }
            let mut next = start[..span].to_vec();
            for i in r {
                let c = slot(i);
                region[next[c] as usize] = (period_of(ts[i]), amount(i));
                next[c] += 1;
            }
            start
        });
    let regions: Vec<&[(i64, f64)]> = inputs.iter().map(|r| &rows[r.clone()]).collect();
    let rows_of = |c: usize| starts.iter().map(|s| (s[c + 1] - s[c]) as usize).sum::<usize>();
    sort::map_parts(sort::cuts(span, n, rows_of), |customers| {
        let mut part = Part::default();
        let mut own: Vec<(i64, f64)> = Vec::new();
        for c in customers {
            own.clear();
            for (region, start) in regions.iter().zip(&starts) {
                // A customer has a few rows a part: pushed one by one, not copied by memcpy.
                for &x in &region[start[c] as usize..start[c + 1] as usize] {
                    own.push(x);
                }
            }
            if own.is_empty() {
                continue;
            }
            sort::sort_few_by_first(&mut own);
            let id = id_lo + c as i64;
            if !part.add(id, 0..own.len(), |i| (id, own[i].0, own[i].1), frame) {
                break;
            }
        }
        part
    })
}
