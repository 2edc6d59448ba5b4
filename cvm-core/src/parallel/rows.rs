//! Scans of rows by index on the thread pool: the first row failing a test, the rows passing
//! it, counts by key, and the task size of per-row fills. Each gives a loop's answer whatever
//! the threads (the loyalty, churn and migration modules check and count with them).

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

/// How many of `0..n` have each key `key(i) < keys` (counted in chunks on the thread pool from
/// [`SCAN_FROM`] customers; integer counts, the same whatever the threads).
pub(crate) fn count_by(
    n: usize, keys: usize, key: impl Fn(usize) -> usize + Sync + Send,
) -> Vec<usize> {
    let (tasks, range) = scan_tasks(n);
    let parts = par_tasks(tasks, |c| {
        let mut counts = vec![0usize; keys];
        for i in range(c) {
            counts[key(i)] += 1;
        }
        counts
    });
    let mut total = vec![0usize; keys];
    for part in parts {
        for (t, c) in total.iter_mut().zip(part) {
            *t += c;
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

    /// The first failing row, the rows kept and the counts are those of loops, below and above
    /// the pool's size, and the same on one thread and on four (two failing rows: the first).
    #[test]
    fn row_helpers_are_those_of_loops() {
        for n in [0, 1, 300, SCAN_FROM - 1, SCAN_FROM, 3 * SCAN_FROM + 17] {
            let bad = |i: usize| i % 1000 == 999 || i == n / 2;
            assert_eq!(first_row(n, bad), (0..n).find(|&i| bad(i)), "{n}");
            assert_eq!(first_row(n, |_| false), None);
            assert_eq!(rows_where(n, bad), (0..n).filter(|&i| bad(i)).collect::<Vec<_>>());
            let want: Vec<usize> = (0..3).map(|k| (0..n).filter(|i| i % 3 == k).count()).collect();
            assert_eq!(count_by(n, 3, |i| i % 3), want);
            assert!(task_rows(n) >= 1 && (n < PAR_MIN_ELEMENTS || task_rows(n) < n));
        }
        #[cfg(feature = "parallel")]
        {
            let run = || {
                let n = 100_000;
                let flags: Vec<bool> = (0..n).map(|i| i % 7 == 3).collect();
                let two = |i: usize| i == 70_000 || i == 90_000;
                (first_row(n, two), rows_where(n, |i| flags[i]), count_true(&flags))
            };
            let (one, four) = crate::parallel::on_one_and_four_threads(run);
            assert_eq!(one, four);
            assert_eq!((one.0, one.2), (Some(70_000), 14_286));
        }
    }
}
