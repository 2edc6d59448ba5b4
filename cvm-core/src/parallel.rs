//! The crate's data-parallel loops: ordered chunked sums (likelihoods) and element-wise maps
//! (predictions, CLV), written once.
//!
//! Coarse tasks ([`par_tasks`], [`par_fill`]) serve the grouping steps that precede a map
//! (per-chunk indexes merged in order, shards of distinct histories), so that no step of a
//! scoring call that reads every row runs on one thread.
//!
//! All give the same bits with and without the `parallel` feature and on any number of threads:
//! a map computes each element independently, and a chunked sum adds fixed-size chunks' partial
//! sums in chunk order.

mod rows;
mod sort;
pub(crate) use rows::{count_by, count_true, first_row, fold_by, ranges_by, rows_where, task_rows};
pub(crate) use sort::{from_order_key, order_key, par_sort_keys, sorted_runs};

/// Rows per chunk of the likelihood sums from 65,536 rows (fixed, so the summation order never
/// changes); fewer below ([`chunk_of`]).
pub(crate) const CHUNK: usize = 2048;
/// The fewest rows a chunk of a likelihood sum takes.
const MIN_CHUNK: usize = 128;
/// The chunks a likelihood sum of fewer than `32 · CHUNK` rows is cut into, at least.
const MIN_CHUNKS: usize = 32;

/// The fewest elements an element-wise map spreads over threads, and the fewest each task takes.
///
/// One threshold for every kernel: the cheapest (a BG/NBD P(alive), ~0.1 µs) loses at most a few
/// tens of microseconds to waking the pool at 256 elements, while the dearest (a CLV integral,
/// ~10 µs per customer) already saves milliseconds there. Results never depend on it.
pub(crate) const PAR_MIN_ELEMENTS: usize = 256;
/// The fewest elements a task of an element-wise map takes (see [`PAR_MIN_ELEMENTS`]).
pub(crate) const PAR_MIN_TASK: usize = 64;

/// The most partial sums of a chunk of [`chunked_sum_by`] kept on the stack (the BG family's
/// value, gradient and Hessian take 14).
const LOCAL_SUMS: usize = 32;

/// Sum over row chunks of [`chunk_of`]`(n)` rows, in a fixed order. `f(range, grad)` returns a
/// chunk's weighted log-likelihood and adds its weighted gradient into `grad` (length `k`).
pub(crate) fn chunked_sum<F>(n: usize, k: usize, f: F) -> (f64, Vec<f64>)
where
    F: Fn(std::ops::Range<usize>, &mut [f64]) -> f64 + Sync + Send,
{
    chunked_sum_by(n, chunk_of(n), k, f)
}

/// Rows per chunk of a likelihood sum over `n` rows: [`CHUNK`] from `32 · CHUNK` rows, else the
/// power of two that cuts them into 16 to 32 chunks, at least [`MIN_CHUNK`] rows (so that the
/// few passes of a small fit — a warm start's subsample of 1,250 rows, ten chunks; a fit of
/// 10,000, twenty — are spread evenly over the threads: with chunks of 256 rows the subsample's
/// five left one thread waiting a chunk at every pass). A function of `n` alone: the summation
/// order, and so every bit of the result, never depends on the number of threads.
pub(crate) fn chunk_of(n: usize) -> usize {
    (n / MIN_CHUNKS).next_power_of_two().clamp(MIN_CHUNK, CHUNK)
}

/// [`chunked_sum`] over chunks of `chunk` rows (a constant of the caller, so that the order of
/// the sum never changes): smaller chunks for rows that cost microseconds each, so that small
/// data still spread over the threads.
pub(crate) fn chunked_sum_by<F>(n: usize, chunk: usize, k: usize, f: F) -> (f64, Vec<f64>)
where
    F: Fn(std::ops::Range<usize>, &mut [f64]) -> f64 + Sync + Send,
{
    // Chunk c's log-likelihood and gradient at `parts[c·(k+1)..]`: one allocation for all.
    // A chunk accumulates on its own stack (a vector when `k` is large) and writes its part
    // once: parts of neighbouring chunks share cache lines.
    let width = k + 1;
    let mut parts = vec![0.0; n.div_ceil(chunk) * width];
    let work = |c: usize, part: &mut [f64]| {
        let rows = c * chunk..((c + 1) * chunk).min(n);
        let (mut stack, mut heap) = ([0.0; LOCAL_SUMS], Vec::new());
        let local = match k <= LOCAL_SUMS {
            true => &mut stack[..k],
            false => {
                heap.resize(k, 0.0);
                &mut heap[..]
            }
        };
        part[0] = f(rows, local);
        part[1..].copy_from_slice(local);
    };
    par_fill(&mut parts, width, work);
    let mut total = 0.0;
    let mut grad = vec![0.0; k];
    for part in parts.chunks_exact(width) {
        total += part[0];
        for j in 0..k {
            grad[j] += part[1 + j];
        }
    }
    (total, grad)
}

/// Maps `f` over `0..n` (in parallel with the `parallel` feature from [`PAR_MIN_ELEMENTS`]
/// elements on, on a pool of more than one thread; the result is identical). On a pool of one
/// thread the map runs on the calling thread: handed to the pool's one thread, the gathers of
/// `compress` made a CLV of 1M customers 297–303 ms against 272–280 ms.
pub(crate) fn par_map<T, F>(n: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n >= PAR_MIN_ELEMENTS && threads() > 1 {
            return (0..n).into_par_iter().with_min_len(PAR_MIN_TASK).map(f).collect();
        }
    }
    (0..n).map(f).collect()
}

/// Maps `f` over `0..n` into two columns (in parallel as [`par_map`]; the result is identical).
pub(crate) fn par_map2<F>(n: usize, f: F) -> (Vec<f64>, Vec<f64>)
where
    F: Fn(usize) -> (f64, f64) + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n >= PAR_MIN_ELEMENTS {
            let (mut a, mut b) = (Vec::with_capacity(n), Vec::with_capacity(n));
            (0..n)
                .into_par_iter()
                .with_min_len(PAR_MIN_TASK)
                .map(f)
                .unzip_into_vecs(&mut a, &mut b);
            return (a, b);
        }
    }
    (0..n).map(f).unzip()
}

/// Maps `f` over `0..n` into an `n × k` row-major table: `f(i, row)` fills row `i` (in parallel
/// as [`par_map`]; the result is identical).
pub(crate) fn par_map_rows<F>(n: usize, k: usize, f: F) -> Vec<f64>
where
    F: Fn(usize, &mut [f64]) + Sync + Send,
{
    let mut out = vec![0.0; n * k];
    if k == 0 {
        return out;
    }
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n >= PAR_MIN_ELEMENTS {
            out.par_chunks_mut(k)
                .with_min_len(PAR_MIN_TASK)
                .enumerate()
                .for_each(|(i, row)| f(i, row));
            return out;
        }
    }
    out.chunks_mut(k).enumerate().for_each(|(i, row)| f(i, row));
    out
}

/// The threads the maps may use: the pool's with the `parallel` feature, else 1. Only the
/// split of work may depend on it, never a result.
pub(crate) fn threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        rayon::current_num_threads().max(1)
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// Runs `f` on a thread of the pool (with the `parallel` feature; on the calling thread when it
/// is one already, or without the feature). For a call that makes many small parallel steps (a
/// fit's likelihood passes): each step then starts on a thread of the pool instead of waking the
/// pool from outside and waiting for it, which costs tens of microseconds a step. Only where the
/// work runs changes, never a result.
pub(crate) fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "parallel")]
    if rayon::current_thread_index().is_none() {
        return rayon::scope(|_| f());
    }
    f()
}

/// `f(0), …, f(n − 1)` in order, each a task of its own on the thread pool (with the `parallel`
/// feature and `n > 1`): for a few coarse tasks (chunks of rows, shards, frequencies).
pub(crate) fn par_tasks<T, F>(n: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n > 1 {
            return (0..n).into_par_iter().map(f).collect();
        }
    }
    (0..n).map(f).collect()
}

/// `f(i, items[i])` for every item, in order, each a task of its own as [`par_tasks`] (items
/// moved into the tasks).
pub(crate) fn par_tasks_owned<T, U, F>(items: Vec<T>, f: F) -> Vec<U>
where
    T: Send,
    U: Send,
    F: Fn(usize, T) -> U + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if items.len() > 1 {
            return items.into_par_iter().enumerate().map(|(i, t)| f(i, t)).collect();
        }
    }
    items.into_iter().enumerate().map(|(i, t)| f(i, t)).collect()
}

/// Fills `out` chunk by chunk: `f(c, part)` fills `out[c·chunk ..]` (`chunk > 0` elements, fewer
/// in the last chunk), the chunks as tasks on the thread pool as [`par_tasks`].
pub(crate) fn par_fill<T, F>(out: &mut [T], chunk: usize, f: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if out.len() > chunk {
            out.par_chunks_mut(chunk).enumerate().for_each(|(c, part)| f(c, part));
            return;
        }
    }
    out.chunks_mut(chunk).enumerate().for_each(|(c, part)| f(c, part));
}

/// The fewest elements a task of [`par_copy`] and [`par_repeat`] writes (256 KiB of `f64`).
#[cfg_attr(not(feature = "parallel"), allow(dead_code))]
const COPY_TASK: usize = 1 << 15;

/// A copy of `v`, written on the thread pool in tasks of [`COPY_TASK`] elements from twice that
/// on: a large copy's fresh pages are then faulted in on every core (`v.to_vec()`'s values).
pub(crate) fn par_copy<T: Copy + Send + Sync>(v: &[T]) -> Vec<T> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if v.len() >= 2 * COPY_TASK {
            let mut out = Vec::with_capacity(v.len());
            v.par_iter().with_min_len(COPY_TASK).copied().collect_into_vec(&mut out);
            return out;
        }
    }
    v.to_vec()
}

/// `n` copies of `x`, written as [`par_copy`] writes.
pub(crate) fn par_repeat(x: f64, n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n);
    par_extend_repeat(&mut out, x, n);
    out
}

/// `n` copies of `x` appended to `v`, written as [`par_copy`] writes (into `v`'s capacity when
/// it holds them, as a fallible `try_reserve` leaves it: no second allocation).
pub(crate) fn par_extend_repeat<T: Copy + Send + Sync>(v: &mut Vec<T>, x: T, n: usize) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n >= 2 * COPY_TASK {
            v.par_extend(rayon::iter::repeat_n(x, n).with_min_len(COPY_TASK));
            return;
        }
    }
    v.resize(v.len() + n, x);
}

/// [`par_fill`] with one more output per chunk: `f(c, part, &mut per_chunk[c])`, where
/// `per_chunk` has one element for each chunk of `out`.
pub(crate) fn par_fill_with<T, U, F>(out: &mut [T], chunk: usize, per_chunk: &mut [U], f: F)
where
    T: Send,
    U: Send,
    F: Fn(usize, &mut [T], &mut U) + Sync + Send,
{
    debug_assert_eq!(per_chunk.len(), out.len().div_ceil(chunk));
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if out.len() > chunk {
            out.par_chunks_mut(chunk)
                .zip(per_chunk.par_iter_mut())
                .enumerate()
                .for_each(|(c, (part, u))| f(c, part, u));
            return;
        }
    }
    let parts = out.chunks_mut(chunk).zip(per_chunk.iter_mut());
    parts.enumerate().for_each(|(c, (part, u))| f(c, part, u));
}

/// Sorts `v` (unstable) on the thread pool from [`PAR_SORT_FROM`] elements with the `parallel`
/// feature (the same result: equal elements are indistinguishable).
pub(crate) fn par_sort_unstable<T: Ord + Send>(v: &mut [T]) {
    #[cfg(feature = "parallel")]
    if sorts_on_pool(v.len()) {
        use rayon::prelude::*;
        v.par_sort_unstable();
        return;
    }
    v.sort_unstable();
}

/// Whether a sort of `n` elements runs on the thread pool: from [`PAR_SORT_FROM`] elements, on
/// a pool of more than one thread (on one, the parallel sort's splitting costs a fifth more than
/// the sequential sort: 59 against 47 ms for a value matrix of 1M customers).
pub(crate) fn sorts_on_pool(n: usize) -> bool {
    cfg!(feature = "parallel") && n >= PAR_SORT_FROM && threads() > 1
}

/// The fewest elements [`par_sort_unstable`] sorts on the thread pool.
pub(crate) const PAR_SORT_FROM: usize = 1 << 16;

/// Whether every value is finite, scanned in chunks of [`CHUNK`] on the thread pool from
/// [`PAR_MIN_ELEMENTS`] · [`PAR_MIN_TASK`] values on (a branch-free pass per chunk).
pub(crate) fn all_finite(values: &[f64]) -> bool {
    all_values(values, f64::is_finite)
}

/// Whether `ok` holds for every value, scanned as [`all_finite`] (`ok` without branches keeps
/// the pass branch-free).
pub(crate) fn all_values(values: &[f64], ok: impl Fn(f64) -> bool + Sync) -> bool {
    all_rows(values.len(), |rows| values[rows].iter().fold(true, |all, &v| all & ok(v)))
}

/// Whether `ok(range)` holds for every range of [`CHUNK`] rows of `0..n` (fewer in the last),
/// the ranges scanned on the thread pool from [`PAR_MIN_ELEMENTS`] · [`PAR_MIN_TASK`] rows on:
/// the one-pass check of several columns at once (a failing pass hands over to the checks that
/// name the first offending row). Work O(n) and `ok`'s.
pub(crate) fn all_rows(n: usize, ok: impl Fn(std::ops::Range<usize>) -> bool + Sync) -> bool {
    let range = |c: usize| c * CHUNK..n.min((c + 1) * CHUNK);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if n >= PAR_MIN_ELEMENTS * PAR_MIN_TASK {
            return (0..n.div_ceil(CHUNK)).into_par_iter().all(|c| ok(range(c)));
        }
    }
    (0..n.div_ceil(CHUNK)).all(|c| ok(range(c)))
}

/// `f(0), …, f(n − 1)`, or the error of the smallest `i` whose `f(i)` fails (as a loop would
/// report it; chunks past a failing one may still run), in chunks of [`PAR_TRY_CHUNK`] rows on
/// the thread pool (from two chunks on; the per-row results need a default to be written
/// over). The result never depends on the threads.
pub(crate) fn par_try_map<T, E, F>(n: usize, f: F) -> Result<Vec<T>, E>
where
    T: Default + Clone + Send,
    E: Send,
    F: Fn(usize) -> Result<T, E> + Sync + Send,
{
    let mut out = vec![T::default(); n];
    let mut failed: Vec<Option<E>> = (0..n.div_ceil(PAR_TRY_CHUNK)).map(|_| None).collect();
    let fill = |c: usize, part: &mut [T], fail: &mut Option<E>| {
        for (k, slot) in part.iter_mut().enumerate() {
            match f(c * PAR_TRY_CHUNK + k) {
                Ok(v) => *slot = v,
                Err(e) => {
                    *fail = Some(e);
                    return;
                }
            }
        }
    };
    par_fill_with(&mut out, PAR_TRY_CHUNK, &mut failed, fill);
    match failed.into_iter().flatten().next() {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Rows a task of [`par_try_map`] maps.
const PAR_TRY_CHUNK: usize = 1024;

/// The smallest and largest of `xs` (`(i64::MAX, i64::MIN)` when empty), in tasks of
/// [`SCAN_TASK`] values on the thread pool from twice that (the same result: a minimum and a
/// maximum do not depend on the order).
pub(crate) fn min_max(xs: &[i64]) -> (i64, i64) {
    let fold = |part: &[i64]| {
        part.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)))
    };
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        if xs.len() >= 2 * SCAN_TASK {
            let both = |a: (i64, i64), b: (i64, i64)| (a.0.min(b.0), a.1.max(b.1));
            return xs.par_chunks(SCAN_TASK).map(fold).reduce(|| fold(&[]), both);
        }
    }
    fold(xs)
}

/// The values a task of [`min_max`] reads (512 KiB).
#[cfg_attr(not(feature = "parallel"), allow(dead_code))]
const SCAN_TASK: usize = 1 << 16;

/// `f()` on a pool of one thread and on a pool of four (for tests that a result is the same
/// whatever the threads: four split the work even on a machine of fewer cores).
#[cfg(all(test, feature = "parallel"))]
pub(crate) fn on_one_and_four_threads<T: Send>(f: impl Fn() -> T + Send + Sync) -> (T, T) {
    let pool = |k: usize| rayon::ThreadPoolBuilder::new().num_threads(k).build().expect("a pool");
    (pool(1).install(&f), pool(4).install(&f))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks of `chunk_of(n)` rows added in order, with a gradient of 1 entry, of more than
    /// [`LOCAL_SUMS`] (kept on the heap) and of none.
    #[test]
    fn chunked_sum_is_ordered() {
        for (n, chunk) in
            [(10_000, 512), (1_250, 128), (100, 128), (0, 128), (65_536, CHUNK), (70_000, CHUNK)]
        {
            assert_eq!(chunk_of(n), chunk);
            for k in [0, 1, LOCAL_SUMS + 3] {
                let (_, g) = chunked_sum(n, k, |r, g| {
                    g.iter_mut().enumerate().for_each(|(j, v)| *v += (j * r.len()) as f64);
                    0.0
                });
                assert_eq!(g, (0..k).map(|j| (j * n) as f64).collect::<Vec<_>>());
            }
            let (v, g) = chunked_sum(n, 1, |r, g| {
                let s: f64 = r.clone().map(|i| 1.0 / (1.0 + i as f64)).sum();
                g[0] += r.len() as f64;
                s
            });
            let mut want = 0.0;
            for s in (0..n).step_by(chunk) {
                want += (s..(s + chunk).min(n)).map(|i| 1.0 / (1.0 + i as f64)).sum::<f64>();
            }
            assert_eq!(v.to_bits(), want.to_bits());
            assert_eq!(g[0], n as f64);
        }
    }

    #[test]
    fn maps_are_identical_below_and_above_the_threshold() {
        let f = |i: usize| (1.0 + i as f64).ln() / (2.0 + i as f64);
        for n in [0, 1, PAR_MIN_ELEMENTS - 1, PAR_MIN_ELEMENTS, 10 * PAR_MIN_ELEMENTS + 3] {
            let want: Vec<f64> = (0..n).map(f).collect();
            assert_eq!(par_map(n, f), want);
            let (a, b) = par_map2(n, |i| (f(i), -f(i)));
            assert_eq!(a, want);
            assert!(b.iter().zip(&want).all(|(x, y)| *x == -*y));
        }
    }

    #[test]
    fn tasks_fills_and_finiteness_are_ordered_and_exact() {
        for n in [0, 1, 2, 7] {
            assert_eq!(par_tasks(n, |i| i * i), (0..n).map(|i| i * i).collect::<Vec<_>>());
            let owned = par_tasks_owned((0..n).map(|i| vec![i]).collect(), |i, v| v[0] + i);
            assert_eq!(owned, (0..n).map(|i| 2 * i).collect::<Vec<_>>());
        }
        for (len, chunk) in [(0, 3), (5, 3), (6, 3), (10_000, 1000)] {
            let mut out = vec![0usize; len];
            par_fill(&mut out, chunk, |c, part| {
                for (k, o) in part.iter_mut().enumerate() {
                    *o = c * chunk + k;
                }
            });
            assert_eq!(out, (0..len).collect::<Vec<_>>());
            // The same with one more output per chunk: its index and its length.
            let mut per = vec![(0, 0); len.div_ceil(chunk)];
            par_fill_with(&mut out, chunk, &mut per, |c, part, u| *u = (c, part.len()));
            let want: Vec<_> = (0..per.len()).map(|c| (c, chunk.min(len - c * chunk))).collect();
            assert_eq!(per, want);
        }
        for n in [0, 5, 2 * COPY_TASK - 1, 2 * COPY_TASK, 5 * COPY_TASK + 3] {
            let v: Vec<f64> = (0..n).map(|i| i as f64 - 0.5).collect();
            assert_eq!(par_copy(&v), v);
            assert_eq!(par_repeat(-2.5, n), vec![-2.5; n]);
        }
        assert!(threads() >= 1);
        for n in [0, 10, PAR_MIN_ELEMENTS * PAR_MIN_TASK + 5] {
            let mut v: Vec<f64> = (0..n).map(|i| i as f64).collect();
            assert!(all_finite(&v));
            for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                if n > 0 {
                    v[n - 1] = bad;
                    assert!(!all_finite(&v));
                    v[n - 1] = 0.0;
                }
            }
            if n > 0 {
                v[n / 2] = -1.0;
                assert!(all_values(&v, |x| x > -2.0) && !all_values(&v, |x| x >= 0.0));
            }
        }
    }

    /// The smallest and largest value below and above the parallel threshold, wherever they
    /// sit (first, last, inside a middle task), and of nothing.
    #[test]
    fn min_max_finds_both_ends() {
        assert_eq!(min_max(&[]), (i64::MAX, i64::MIN));
        for n in [1, 7, 2 * SCAN_TASK - 1, 2 * SCAN_TASK, 5 * SCAN_TASK + 3] {
            let mut v: Vec<i64> = (0..n as i64).map(|i| (i * 7919) % 1000 - 500).collect();
            let want = |v: &[i64]| (*v.iter().min().unwrap(), *v.iter().max().unwrap());
            assert_eq!(min_max(&v), want(&v));
            for at in [0, n - 1, n / 2] {
                let keep = v[at];
                v[at] = i64::MIN;
                assert_eq!(min_max(&v).0, i64::MIN);
                v[at] = i64::MAX;
                assert_eq!(min_max(&v), (want(&v).0, i64::MAX));
                v[at] = keep;
            }
        }
    }

    /// The rows' check and the fallible map: the smallest failing row's error whatever the
    /// threads, and every value otherwise.
    #[test]
    fn row_checks_and_fallible_maps_report_the_first_failure() {
        for n in [0, 1, 300, 1024, 1025, 70_000] {
            let ok = |bad: Option<usize>| {
                move |i: usize| if Some(i) == bad { Err(i) } else { Ok(2 * i) }
            };
            assert_eq!(par_try_map(n, ok(None)), Ok((0..n).map(|i| 2 * i).collect::<Vec<_>>()));
            assert!(all_rows(n, |r| r.len() <= CHUNK));
            for bad in [0, n / 3, n.saturating_sub(1)].into_iter().filter(|&b| b < n) {
                assert_eq!(par_try_map(n, ok(Some(bad))), Err(bad));
                // Two failing rows: the first is reported.
                let two = |i: usize| if i == bad || i + 1 == n { Err(i) } else { Ok(i) };
                assert_eq!(par_try_map(n, two), Err(bad));
                assert!(!all_rows(n, |r| !r.contains(&bad)));
            }
        }
        #[cfg(feature = "parallel")]
        {
            let (one, four) = on_one_and_four_threads(|| par_try_map(100_000, Ok::<_, ()>));
            assert_eq!(one, four);
        }
    }

    /// `on_pool` returns `f`'s value, runs it on a thread of the pool when called from outside
    /// (with the `parallel` feature), and inline on the pool's own threads.
    #[test]
    fn on_pool_runs_on_a_thread_of_the_pool() {
        let caller = std::thread::current().id();
        let (value, thread) = on_pool(|| (41 + 1, std::thread::current().id()));
        assert_eq!(value, 42);
        #[cfg(feature = "parallel")]
        {
            assert_ne!(thread, caller);
            assert!(on_pool(|| rayon::current_thread_index().is_some()));
            let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool");
            pool.install(|| {
                let inside = std::thread::current().id();
                assert_eq!(on_pool(|| std::thread::current().id()), inside);
            });
        }
        #[cfg(not(feature = "parallel"))]
        assert_eq!(thread, caller);
    }
}
