//! Scans of rows by index on the thread pool: the first row failing a test, the rows passing
//! it, counts and folds by key, and the task size of per-row fills. Each gives a loop's answer
//! whatever the threads (the loyalty, churn, migration and CLV modules check, count and fold
//! with them).

use super::{all_rows, chunk_of, par_tasks, PAR_MIN_ELEMENTS, PAR_MIN_TASK};

/// The fewest rows from which the checks and counts of [`first_row`], [`rows_where`] and
/// [`count_by`] run on the thread pool (16,384: the size from which the crate's one-pass checks
/// do).
const SCAN_FROM: usize = PAR_MIN_ELEMENTS * PAR_MIN_TASK;

/// Rows a task of [`first_row`]'s search, [`rows_where`] and [`count_by`] reads.
const SCAN_TASK: usize = 1 << 12;

/// Rows a task of a per-row fill of `n` rows takes: all of them below
/// [`PAR_MIN_ELEMENTS`] (one task, on the calling thread), else [`chunk_of`]`(n)` (128 to 2,048,
/// at least two tasks). Only the split of the work depends on it, never a result.
pub(crate) fn task_rows(n: usize) -> usize {
    if n < PAR_MIN_ELEMENTS {
        n.max(1)
    } else {
        chunk_of(n)
    }
}

/// The ranges of [`SCAN_TASK`] rows of `0..n` (one range below [`SCAN_FROM`]).
fn scan_tasks(n: usize) -> (usize, impl Fn(usize) -> std::ops::Range<usize>) {
    let task = if n < SCAN_FROM { n.max(1) } else { SCAN_TASK };
    (n.div_ceil(task), move |c: usize| c * task..n.min((c + 1) * task))
}

/// The first of `0..n` for which `bad` holds, if any: a branch-free pass in chunks on the thread
/// pool from [`SCAN_FROM`] rows, and, when it fails, the search of the first failing chunk
/// (also on the pool), so the answer is that of a loop whatever the threads.
pub(crate) fn first_row(n: usize, bad: impl Fn(usize) -> bool + Sync + Send) -> Option<usize> {
    if all_rows(n, |r| r.fold(true, |ok, i| ok & !bad(i))) {
        return None;
    }
    let (tasks, range) = scan_tasks(n);
    let firsts = par_tasks(tasks, |c| range(c).find(|&i| bad(i)));
    firsts.into_iter().flatten().next()
}

/// The rows of `0..n` for which `keep` holds, in order (chunks on the thread pool from
/// [`SCAN_FROM`] customers, joined in order).
pub(crate) fn rows_where(n: usize, keep: impl Fn(usize) -> bool + Sync + Send) -> Vec<usize> {
    let (tasks, range) = scan_tasks(n);
    par_tasks(tasks, |c| range(c).filter(|&i| keep(i)).collect::<Vec<usize>>()).concat()
}

/// How many of `0..n` have each key `key(i) < keys` (as [`fold_by`]: integer counts, the same
/// whatever the threads).
pub(crate) fn count_by(
    n: usize, keys: usize, key: impl Fn(usize) -> usize + Sync + Send,
) -> Vec<usize> {
    fold_by(n, keys, key, 0usize, |c, _| *c += 1, |c, part| *c += part)
}

/// For each key `k < keys`, how many of `0..n` have `key(i) = k` and the least and greatest of
/// their `value(i)` (as [`fold_by`]; `(0, +∞, −∞)` for a key without rows; values not NaN).
pub(crate) fn ranges_by(
    n: usize, keys: usize, key: impl Fn(usize) -> usize + Sync + Send,
    value: impl Fn(usize) -> f64 + Sync + Send,
) -> Vec<(usize, f64, f64)> {
    let add = |g: &mut (usize, f64, f64), i: usize| {
        let v = value(i);
        *g = (g.0 + 1, g.1.min(v), g.2.max(v));
    };
    let join = |g: &mut (usize, f64, f64), p: &(usize, f64, f64)| {
        *g = (g.0 + p.0, g.1.min(p.1), g.2.max(p.2));
    };
    fold_by(n, keys, key, (0, f64::INFINITY, f64::NEG_INFINITY), add, join)
}

/// For each key `k < keys`, the fold of the rows `i` of `0..n` with `key(i) = k`: each starts at
/// `init`, `add(&mut acc, i)` takes a row. From [`SCAN_FROM`] rows the rows are cut into tasks
/// on the thread pool, each folding its rows into `keys` accumulators of its own, joined in task
/// order by `join(&mut acc, &part)`; `join` must make the result independent of the cut
/// (counts, minima, maxima). A task reads at least [`SCAN_TASK`] rows and sixteen a key, so
/// the tasks' accumulators number at most `n / 16 + keys` (one task when `keys` is near `n`).
pub(crate) fn fold_by<S: Clone + Send + Sync>(
    n: usize, keys: usize, key: impl Fn(usize) -> usize + Sync + Send, init: S,
    add: impl Fn(&mut S, usize) + Sync + Send, join: impl Fn(&mut S, &S),
) -> Vec<S> {
    let task = match n < SCAN_FROM {
        true => n.max(1),
        false => SCAN_TASK.max(16 * keys),
    };
    let parts = par_tasks(n.div_ceil(task), |c| {
        let mut acc = vec![init.clone(); keys];
        for i in c * task..n.min((c + 1) * task) {
            add(&mut acc[key(i)], i);
        }
        acc
    });
    let mut parts = parts.into_iter();
    let mut total = parts.next().unwrap_or_else(|| vec![init; keys]);
    for part in parts {
        for (t, p) in total.iter_mut().zip(&part) {
            join(t, p);
        }
    }
    total
}

/// How many flags are set (as [`count_by`]).
pub(crate) fn count_true(flags: &[bool]) -> usize {
    count_by(flags.len(), 2, |i| usize::from(flags[i]))[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first failing row, the rows kept, the counts and the ranges by key are those of loops,
    /// below and above the pool's size, and the same on one thread and on four (two failing
    /// rows: the first).
    #[test]
    fn row_helpers_are_those_of_loops() {
        for n in [0, 1, 300, SCAN_FROM - 1, SCAN_FROM, 3 * SCAN_FROM + 17] {
            let bad = |i: usize| i % 1000 == 999 || i == n / 2;
            assert_eq!(first_row(n, bad), (0..n).find(|&i| bad(i)), "{n}");
            assert_eq!(first_row(n, |_| false), None);
            assert_eq!(rows_where(n, bad), (0..n).filter(|&i| bad(i)).collect::<Vec<_>>());
            let want: Vec<usize> = (0..3).map(|k| (0..n).filter(|i| i % 3 == k).count()).collect();
            assert_eq!(count_by(n, 3, |i| i % 3), want);
            let ranges = ranges_by(n, 3, |i| i % 3, |i| i as f64);
            let want: Vec<(usize, f64, f64)> = (0..3)
                .map(|k| {
                    let rows = || (0..n).filter(move |i| i % 3 == k).map(|i| i as f64);
                    (
                        rows().count(),
                        rows().fold(f64::INFINITY, f64::min),
                        rows().fold(f64::NEG_INFINITY, f64::max),
                    )
                })
                .collect();
            assert_eq!(ranges, want, "{n}");
            assert!(task_rows(n) >= 1 && (n < PAR_MIN_ELEMENTS || task_rows(n) < n));
        }
        #[cfg(feature = "parallel")]
        {
            let run = || {
                let n = 100_000;
                let flags: Vec<bool> = (0..n).map(|i| i % 7 == 3).collect();
                let two = |i: usize| i == 70_000 || i == 90_000;
                let ranges = ranges_by(n, 7, |i| i % 7, |i| i as f64);
                (first_row(n, two), rows_where(n, |i| flags[i]), count_true(&flags), ranges)
            };
            let (one, four) = crate::parallel::on_one_and_four_threads(run);
            assert_eq!(one, four);
            assert_eq!((one.0, one.2), (Some(70_000), 14_286));
            assert_eq!(one.3[3], (14_286, 3.0, 99_998.0));
        }
    }
}
