//! The thread pool that calls from the interpreter's main thread run in.
//!
//! rayon's global pool has one thread a core, and a call from outside it waits while the pool
//! does the parallel work. From Python that makes one thread too many: the caller's serial
//! parts (reading `str` objects, the steps between parallel passes, the interpreter between
//! calls) run while the pool's threads spin before they sleep, and the operating system often
//! puts two of the three on one core. Measured on 2 cores (`benches/compare_summary.py` flow,
//! 100,000 rows of text ids): 130 to 230 involuntary context switches a call and 10.9–12.6 ms,
//! against none and 7.7–8.5 ms when the caller is one of the pool's threads.
//!
//! So calls from the main thread run in a pool of which that thread is worker 0
//! (`use_current_thread`): the same number of threads as rayon's global pool (the
//! `RAYON_NUM_THREADS` environment variable, else one a core), the caller among them. Calls from
//! other threads (a Dask worker's, a user's) use rayon's global pool, as they did. Results do
//! not depend on the pool: every parallel function of the core gives the same result on any
//! number of threads.

use std::sync::OnceLock;
use std::thread::ThreadId;

use pyo3::prelude::*;

/// The interpreter's main thread, when the module was imported from it.
static MAIN_THREAD: OnceLock<ThreadId> = OnceLock::new();

/// The pool of the main thread (`None` when it could not be built: the global pool serves).
static MAIN_POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();

/// Records the importing thread when it is the interpreter's main thread (called once, by the
/// module's initialisation).
pub fn record_main_thread(py: Python<'_>) -> PyResult<()> {
    let threading = py.import("threading")?;
    let main = threading.call_method0("main_thread")?;
    if main.is(&threading.call_method0("current_thread")?) {
        let _ = MAIN_THREAD.set(std::thread::current().id());
    }
    Ok(())
}

/// `work()`, in the main thread's pool when called from the main thread (built on first use),
/// else on the calling thread with rayon's global pool.
pub fn run<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    if MAIN_THREAD.get() == Some(&std::thread::current().id()) {
        let pool = MAIN_POOL.get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .use_current_thread()
                .thread_name(|i| format!("cvm-{i}"))
                .build()
                .ok()
        });
        if let Some(pool) = pool {
            return pool.install(work);
        }
    }
    work()
}
