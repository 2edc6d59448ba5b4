//! The customer summary of a log whose customer ids are text ([`summarize_text`]): the ids'
//! codes and the summary in one grouping of the rows.
//!
//! The rows are hashed once and grouped into shards by hash (as [`text_codes`](super::text_codes) groups them); each
//! shard's task finds its distinct ids and, while its rows are at hand, sorts their (period,
//! amount) pairs by customer (a counting sort over the shard's customers only, which stays in
//! the cache). Only the distinct ids are then sorted, and the customers are scanned in the order
//! of their ids straight from their shards: no code is written for each row, and no second sort
//! of all the rows by customer is needed.

use super::ids::{codes_of, sorted_distinct, Ids};
use super::scan::{by_customer, Part};
use super::{dense, sort, CustomerSummary, Plan, SummaryOptions, TransactionLog};
use crate::distinct::{by_shard, Scan};
use crate::error::{check, Result};

/// A transaction log in columns whose customer ids are text, as one byte buffer and the offsets
/// of each id in it (the layout of Arrow string columns): row `i`'s id is
/// `data[offsets[i]..offsets[i + 1]]`, so `offsets` has one entry more than there are rows.
#[derive(Debug, Clone, Copy)]
pub struct TextTransactionLog<'a> {
    /// Where each row's id begins in `data`, and where the last one ends.
    pub offsets: &'a [usize],
    /// The ids' bytes (UTF-8 for text; any bytes are accepted and ordered bytewise).
    pub data: &'a [u8],
    /// Time of each transaction, as in [`TransactionLog::timestamp`].
    pub timestamp: &'a [i64],
    /// Monetary amount of each transaction, as in [`TransactionLog::amount`].
    pub amount: Option<&'a [f64]>,
}

/// The summary of a [`TextTransactionLog`]: see [`summarize_text`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct TextSummary {
    /// The summary, whose `customer_id` are the codes of the ids: each id's rank among the
    /// distinct ids in byte order (0 for the smallest), as [`text_codes`](super::text_codes) gives them.
    pub summary: CustomerSummary,
    /// For each code, in ascending order, the first row holding its id: the id of code `c` is
    /// the text of row `first_row[c]`. Every distinct id has a code, including customers left
    /// out of the summary by a calibration end.
    pub first_row: Vec<usize>,
}

/// Customer summary of a log whose ids are text: the summary of the ids' codes, the same as
/// [`summarize`](super::summarize) of the codes of [`text_codes`](super::text_codes), bit for bit, and each code's
/// first row (to name its id).
///
/// For UTF-8 ids the codes ascend with the ids in code point order (Python's and Rust's string
/// order), so the summary lists the customers in the order of their ids.
///
/// # Cost
/// Below 1,048,576 rows: one hash per row into a table of the distinct ids, in 8 shards by hash
/// from 65,536 rows with the `parallel` feature (a task a shard, which also sorts its rows'
/// periods and amounts by customer); a sort of the distinct ids (as [`text_codes`](super::text_codes)); a scan of
/// each customer's rows, in ranges of customers on the thread pool. Besides the output, 16 bytes
/// a row for the shards, 16 for the sorted periods and amounts, and 100 to 200 bytes a distinct
/// id. From 1,048,576 rows, [`text_codes`](super::text_codes) and then [`summarize`](super::summarize) of the codes
/// (their costs added).
///
/// # Errors
/// Those of [`text_codes`](super::text_codes) (on `offsets`) and of [`summarize`](super::summarize) (on
/// `customer_id`, `datetime`, `monetary_value` and the options); the error of amounts that
/// overflow names the customer by its id.
///
/// # Examples
/// ```
/// use cvm_core::summary::{summarize_text, SummaryOptions, TextTransactionLog, TimestampUnit};
/// let ids = ["b", "a", "b", "b"];
/// let data: Vec<u8> = ids.concat().into_bytes();
/// let offsets: Vec<usize> = (0..=ids.len()).collect(); // one byte an id
/// let days = [0, 3, 7, 7];
/// let amount = [10.0, 1.0, 5.0, 2.0];
/// let log = TextTransactionLog { offsets: &offsets, data: &data, timestamp: &days, amount: Some(&amount) };
/// let s = summarize_text(&log, &SummaryOptions::new(TimestampUnit::Day).with_observation_end(Some(10)))?;
/// assert_eq!(s.summary.customer_id, vec![0, 1]); // "a", then "b"
/// assert_eq!(s.first_row, vec![1, 0]);
/// assert_eq!(s.summary.frequency, vec![0.0, 1.0]); // b's two orders of day 7 are one period
/// assert_eq!(s.summary.monetary_value.unwrap(), vec![0.0, 7.0]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn summarize_text(log: &TextTransactionLog<'_>, opts: &SummaryOptions) -> Result<TextSummary> {
    let ids = Ids::new(log.offsets, log.data)?;
    let n = ids.len();
    check::non_empty("customer_id", n)?;
    let plan = Plan::new(n, log.timestamp, log.amount, opts)?;
    let (parts, first_row) = if n >= dense::DENSE_BELOW {
        // The rows' codes and the radix sort of summarize, which are faster than shards of
        // customers from here on.
        let codes = codes_of(ids);
        let coded = TransactionLog {
            customer_id: &codes.codes,
            timestamp: log.timestamp,
            amount: log.amount,
        };
        (
            by_customer(&coded, (plan.p_lo, plan.p_hi), plan.period_of(), &plan.frame),
            codes.first_row,
        )
    } else {
        by_shard_of_customers(ids, log, &plan)
    };
    let summary = plan.assemble(parts, |code| {
        let row = first_row[code as usize];
        (row, format!("{:?}", String::from_utf8_lossy(ids.text(row))))
    })?;
    Ok(TextSummary { summary, first_row })
}

/// The customers' parts of the summary of `log` (below [`dense::DENSE_BELOW`] rows) and each
/// code's first row: the rows grouped by customer in shards by hash, the customers scanned in
/// the order of their ids.
fn by_shard_of_customers(
    ids: Ids<'_>, log: &TextTransactionLog<'_>, plan: &Plan,
) -> (Vec<Part>, Vec<usize>) {
    let period_of = plan.period_of();
    let shards = by_shard(
        ids.len(),
        |i| ids.hash(i),
        |&h| h,
        &Customers {
            ids,
            pair: |i: usize| (period_of(log.timestamp[i]), log.amount.map_or(0.0, |a| a[i])),
        },
    );
    // The distinct ids, shard after shard, sorted; where each code's rows are.
    let first: Vec<usize> = shards.iter().flat_map(|s| s.first.iter().copied()).collect();
    let base: Vec<usize> =
        shards.iter().scan(0, |b, s| Some(std::mem::replace(b, *b + s.first.len()))).collect();
    let order = sorted_distinct(&first, ids);
    let rows_of_code: Vec<&[(i64, f64)]> = order
        .iter()
        .map(|&d| {
            let s = base.partition_point(|&b| b <= d) - 1; // the last shard from before d
            shards[s].rows(d - base[s])
        })
        .collect();
    let cuts = sort::cuts(order.len(), ids.len(), |c| rows_of_code[c].len());
    let parts = sort::map_parts(cuts, |codes| {
        let mut part = Part::default();
        for c in codes {
            let (id, rows) = (c as i64, rows_of_code[c]);
            if !part.add(id, 0..rows.len(), |i| (id, rows[i].0, rows[i].1), &plan.frame) {
                break;
            }
        }
        part
    });
    (parts, order.iter().map(|&d| first[d]).collect())
}

/// The scan of a shard of [`summarize_text`]: its distinct ids, and the (period, amount) pair of
/// each row, `pair(row)`, sorted by customer and period.
struct Customers<'a, F> {
    ids: Ids<'a>,
    pair: F,
}

/// A shard's customers: the first row of each (in order of first appearance), and their rows'
/// (period, amount) pairs, customer after customer, each customer's sorted by period (stably).
struct Shard {
    first: Vec<usize>,
    /// Customer `d`'s pairs at `start[d] .. start[d + 1]` (a shard has fewer than 2³² rows).
    start: Vec<u32>,
    pairs: Vec<(i64, f64)>,
}

impl Shard {
    /// The pairs of the shard's customer `d`.
    fn rows(&self, d: usize) -> &[(i64, f64)] {
        &self.pairs[self.start[d] as usize..self.start[d + 1] as usize]
    }
}

impl<F: Fn(usize) -> (i64, f64) + Sync> Scan<u64> for Customers<'_, F> {
    type Out = Shard;
    fn scan(&self, rows: impl Iterator<Item = (usize, u64)>, len: usize) -> Shard {
        let mut own = Vec::with_capacity(len);
        let (index, first) = self.ids.scan(rows.inspect(|&(i, _)| own.push(i as u32)), len);
        let mut start = vec![0u32; first.len() + 1];
        for &d in &index {
            start[d as usize + 1] += 1;
        }
        for d in 0..first.len() {
            start[d + 1] += start[d];
        }
        let mut next = start[..first.len()].to_vec();
        let mut pairs = vec![(0i64, 0.0f64); len];
        for (&i, &d) in own.iter().zip(&index) {
            let at = &mut next[d as usize];
            pairs[*at as usize] = (self.pair)(i as usize);
            *at += 1;
        }
        // Each customer's pairs by period, stably (a period's amounts are summed in input
        // order), while the shard is in the cache.
        for d in 0..first.len() {
            sort::sort_few_by_first(&mut pairs[start[d] as usize..start[d + 1] as usize]);
        }
        Shard { first, start, pairs }
    }
}
